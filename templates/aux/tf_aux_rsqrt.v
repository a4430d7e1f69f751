// tf_aux_rsqrt -- the LayerNorm reciprocal square root of the auxiliary unit, one result bit
// per cycle (fixed-text template).
//
// R = floor(2^45 / sqrt(qn)) for qn in [2^30, 2^32), by the radix-2 restoring digit recurrence
// of tfx_ln_rsqrt() in model/tf_aux.c (docs/numerics.md 11.5), adders only:
//   load:  sigma = 2^30, B = 0, R = 0
//   step:  T = 4 B + qn; bit = (sigma >= T); if bit: sigma -= T
//          R = 2 R + bit; B = 2 B + bit qn; sigma = 4 sigma
// 31 steps (bits 30 down to 0) leave R in r_o. The result is unique (the largest R with
// R^2 qn <= 2^90), so any exact method gives the same bits.
// Handshake: none; load_i and step_i are driven by tf_aux_ln's setup sequencer.
// Latency: 31 cycles of step_i after load_i.
`default_nettype none

module tf_aux_rsqrt (
  input  wire        clk_i,
  input  wire        load_i,
  input  wire        step_i,
  input  wire [31:0] qn_i,
  output wire [30:0] r_o
);

  reg [67:0] sigma_q;  // < 2^66 before each decision
  reg [63:0] b_q;      // R' qn < 2^63
  reg [31:0] qn_q;
  reg [30:0] r_q;

  wire [67:0] t    = {2'b00, b_q, 2'b00} + {36'd0, qn_q};
  wire        bit_ = (sigma_q >= t);
  wire [67:0] rem  = bit_ ? (sigma_q - t) : sigma_q;

  always @(posedge clk_i) begin
    if (load_i) begin
      sigma_q <= {37'd0, 1'b1, 30'd0};
      b_q     <= 64'd0;
      r_q     <= 31'd0;
      qn_q    <= qn_i;
    end else if (step_i) begin
      sigma_q <= {rem[65:0], 2'b00};
      b_q     <= {b_q[62:0], 1'b0} + (bit_ ? {32'd0, qn_q} : 64'd0);
      r_q     <= {r_q[29:0], bit_};
    end
  end

  assign r_o = r_q;

  wire unused_bits = ^{rem[67:66], b_q[63]};

endmodule

`default_nettype wire
