// tf_delay -- a Depth-stage shift register of Width bits (fixed-text template).
//
// Used for the operand skew in front of the array and the de-skew behind it.
// Every stage resets to zero, so valid bits carried in the word are clean after
// reset. Depth must be at least 1 (the generator writes a plain wire for 0).
// Handshake: none; shifts when en_i is high. Latency: Depth cycles.
`default_nettype none

module tf_delay #(
  parameter integer Width = 1,
  parameter integer Depth = 1
) (
  input  wire             clk_i,
  input  wire             rst_ni,
  input  wire             en_i,
  input  wire [Width-1:0] d_i,
  output wire [Width-1:0] q_o
);

  reg [Width*Depth-1:0] sr_q;

  generate
    if (Depth == 1) begin : g_one
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          sr_q <= {Width{1'b0}};
        end else if (en_i) begin
          sr_q <= d_i;
        end
      end
    end else begin : g_many
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          sr_q <= {(Width*Depth){1'b0}};
        end else if (en_i) begin
          sr_q <= {sr_q[Width*(Depth-1)-1:0], d_i};
        end
      end
    end
  endgenerate

  assign q_o = sr_q[Width*Depth-1 -: Width];

endmodule

`default_nettype wire
