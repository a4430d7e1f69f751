// tf_skid -- two-entry skid buffer on a valid/ready stream (fixed-text template).
//
// in_ready_o comes straight from a register (no combinational path from
// out_ready_i), which is what lets the producer use it as a global stall.
// No beat is lost or duplicated under any pattern of out_ready_i.
// Latency: 1 cycle when the consumer is ready.
`default_nettype none

module tf_skid #(
  parameter integer Width = 8
) (
  input  wire             clk_i,
  input  wire             rst_ni,
  input  wire             in_valid_i,
  output wire             in_ready_o,
  input  wire [Width-1:0] in_data_i,
  output wire             out_valid_o,
  input  wire             out_ready_i,
  output wire [Width-1:0] out_data_o
);

  reg             out_valid_q;
  reg [Width-1:0] out_data_q;
  reg             skid_valid_q;
  reg [Width-1:0] skid_data_q;

  wire out_free = out_ready_i || !out_valid_q;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      out_valid_q  <= 1'b0;
      skid_valid_q <= 1'b0;
    end else if (out_free) begin
      out_valid_q  <= skid_valid_q || in_valid_i;
      skid_valid_q <= 1'b0;
    end else if (in_valid_i && !skid_valid_q) begin
      skid_valid_q <= 1'b1;
    end
  end

  always @(posedge clk_i) begin
    if (out_free) begin
      out_data_q <= skid_valid_q ? skid_data_q : in_data_i;
    end else if (in_valid_i && !skid_valid_q) begin
      skid_data_q <= in_data_i;
    end
  end

  assign in_ready_o  = !skid_valid_q;
  assign out_valid_o = out_valid_q;
  assign out_data_o  = out_data_q;

endmodule

`default_nettype wire
