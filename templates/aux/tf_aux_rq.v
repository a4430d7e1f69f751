// tf_aux_rq -- the requantization stage of the auxiliary unit, Lanes lanes of tf_requant
// (fixed-text template).
//
// Lane j: tfm_requant(x, mult_j, shift_j, RqW) (docs/numerics.md 4; tfx_requant in
// model/tf_aux.c), sign-extended to AccW bits; with bypass_i high, y = x. When RqW > AccW the
// saturation to RqW bits can never act (|y| <= |x| < 2^(AccW-1)), so the lanes saturate to
// min(RqW, AccW) bits, which gives the same integers.
// Handshake: none; advances when en_i is high. Latency: 2 cycles (tf_requant).
`default_nettype none

module tf_aux_rq #(
  parameter integer Lanes = 2,
  parameter integer AccW  = 32,
  parameter integer RqW   = 8
) (
  input  wire                  clk_i,
  input  wire                  en_i,
  input  wire                  bypass_i,
  input  wire [Lanes*AccW-1:0] x_i,
  input  wire [Lanes*31-1:0]   mult_i,
  input  wire [Lanes*5-1:0]    shift_i,
  output wire [Lanes*AccW-1:0] y_o
);

  localparam integer SatW = (RqW < AccW) ? RqW : AccW;

  genvar j;
  generate
    for (j = 0; j < Lanes; j = j + 1) begin : g_lane
      tf_requant #(
        .AccW (AccW),
        .OutW (SatW)
      ) u_rq (
        .clk_i    (clk_i),
        .en_i     (en_i),
        .bypass_i (bypass_i),
        .acc_i    (x_i[j*AccW +: AccW]),
        .mult_i   (mult_i[j*31 +: 31]),
        .shift_i  (shift_i[j*5 +: 5]),
        .out_o    (y_o[j*AccW +: AccW])
      );
    end
  endgenerate

endmodule

`default_nettype wire
