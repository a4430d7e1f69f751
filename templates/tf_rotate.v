// tf_rotate -- combinational barrel rotator of N words of W bits (fixed-text template).
//
// Left = 1: out word i = in word (i + s) mod N.  Left = 0: out word i = in word
// (i - s) mod N. s must be below N. Works for any N (not only powers of two): stage k
// rotates by 2^k mod N when bit k of s is set, and rotations add modulo N.
// Latency: 0 (combinational), ceil(log2 N) 2:1 multiplexer levels.
`default_nettype none

module tf_rotate #(
  parameter integer N    = 4,
  parameter integer W    = 8,
  parameter integer SW   = 2,   // width of s: max(clog2(N), 1)
  parameter integer Left = 1
) (
  input  wire [N*W-1:0] in_i,
  input  wire [SW-1:0]  s_i,
  output wire [N*W-1:0] out_o
);

  genvar gk, gi;
  generate
    for (gk = 0; gk < SW; gk = gk + 1) begin : g_stage
      wire [N*W-1:0] x;  // this stage's input
      wire [N*W-1:0] y;  // rotated by 2^k mod N when s_i[k]
      if (gk == 0) begin : g_first
        assign x = in_i;
      end else begin : g_next
        assign x = g_stage[gk-1].y;
      end
      for (gi = 0; gi < N; gi = gi + 1) begin : g_word
        localparam integer Step = (1 << gk) % N;
        localparam integer Src  = Left != 0 ? (gi + Step) % N : (gi + N - Step) % N;
        assign y[gi*W +: W] = s_i[gk] ? x[Src*W +: W] : x[gi*W +: W];
      end
    end
  endgenerate

  assign out_o = g_stage[SW-1].y;

endmodule

`default_nettype wire
