// tf_pe_os -- output-stationary processing element (fixed-text template).
//
// One signed OpW x OpW multiply-accumulate per enabled cycle. The A operand and its
// control flags travel right (a_i -> a_o), the B operand travels down (b_i -> b_o),
// each through one register. The accumulator restarts on first_i and, on last_i,
// the finished dot product is copied into res_q, where it stays until the same
// PE finishes its next tile; the accumulator is free to start the next tile in the
// very next cycle (no drain bubble).
// Handshake: none; the whole array advances when en_i is high (global stall).
// Latency: a_o/b_o/flags one cycle after a_i/b_i; res_o valid the cycle after last_i.
`default_nettype none

module tf_pe_os #(
  parameter integer OpW  = 8,
  parameter integer AccW = 32
) (
  input  wire                   clk_i,
  input  wire                   rst_ni,
  input  wire                   en_i,
  input  wire signed [OpW-1:0]  a_i,
  input  wire                   vld_i,
  input  wire                   first_i,
  input  wire                   last_i,
  input  wire signed [OpW-1:0]  b_i,
  output wire signed [OpW-1:0]  a_o,
  output wire                   vld_o,
  output wire                   first_o,
  output wire                   last_o,
  output wire signed [OpW-1:0]  b_o,
  output wire signed [AccW-1:0] res_o
);

  reg signed [OpW-1:0]  a_q;
  reg signed [OpW-1:0]  b_q;
  reg                   vld_q;
  reg                   first_q;
  reg                   last_q;
  reg signed [AccW-1:0] acc_q;
  reg signed [AccW-1:0] res_q;

  wire signed [2*OpW-1:0] prod     = a_i * b_i;
  wire signed [AccW-1:0]  prod_ext = {{(AccW-2*OpW){prod[2*OpW-1]}}, prod};
  wire signed [AccW-1:0]  acc_base = first_i ? {AccW{1'b0}} : acc_q;
  wire signed [AccW-1:0]  acc_d    = acc_base + prod_ext;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      vld_q   <= 1'b0;
      first_q <= 1'b0;
      last_q  <= 1'b0;
    end else if (en_i) begin
      vld_q   <= vld_i;
      first_q <= first_i;
      last_q  <= last_i;
    end
  end

  always @(posedge clk_i) begin
    if (en_i) begin
      a_q <= a_i;
      b_q <= b_i;
      if (vld_i) begin
        acc_q <= acc_d;
      end
      if (vld_i && last_i) begin
        res_q <= acc_d;
      end
    end
  end

  assign a_o     = a_q;
  assign b_o     = b_q;
  assign vld_o   = vld_q;
  assign first_o = first_q;
  assign last_o  = last_q;
  assign res_o   = res_q;

endmodule

`default_nettype wire
