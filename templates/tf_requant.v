// tf_requant -- one lane of fixed-point output requantization (fixed-text template).
//
// The gemmlowp/TFLite scheme, bit-exact with tfm_requant() in model/tf_model.c (docs/numerics.md):
//   x = floor((acc * mult + 2^30) / 2^31)          (SaturatingRoundingDoublingHighMul
//                                                   for mult >= 0, which never saturates)
//   y = RoundingDivideByPOT(x, shift)              (round half away from zero)
//   out = clamp(y, -2^(OutW-1), 2^(OutW-1)-1), sign-extended to AccW bits.
// mult is an unsigned 31-bit Q0.31 fraction, shift 0..31.
// When bypass_i is high the accumulator passes through unchanged (same latency).
// Handshake: none; advances when en_i is high. Latency: 2 cycles.
`default_nettype none

module tf_requant #(
  parameter integer AccW = 32,
  parameter integer OutW = 8
) (
  input  wire                   clk_i,
  input  wire                   en_i,
  input  wire                   bypass_i,
  input  wire signed [AccW-1:0] acc_i,
  input  wire [30:0]            mult_i,
  input  wire [4:0]             shift_i,
  output wire signed [AccW-1:0] out_o
);

  localparam integer ProdW = AccW + 32;
  localparam integer XW    = AccW + 1;

  // Stage 1: rounding doubling high multiply.
  wire signed [ProdW-1:0] acc_ext  = {{32{acc_i[AccW-1]}}, acc_i};
  wire signed [ProdW-1:0] mult_ext = {{(ProdW-31){1'b0}}, mult_i};
  wire signed [ProdW-1:0] prod     = acc_ext * mult_ext;
  wire signed [ProdW-1:0] nudged   = prod + {{(ProdW-31){1'b0}}, 1'b1, 30'd0};
  wire signed [XW-1:0]    x_d      = nudged[31 +: XW];

  reg signed [XW-1:0]   x_q;
  reg [4:0]             shift_q;
  reg                   bypass_q;
  reg signed [AccW-1:0] acc_q;
  reg signed [AccW-1:0] out_q;

  // Stage 2: rounding divide by 2^shift, then saturate.
  wire [XW-1:0]        mask      = ~({XW{1'b1}} << shift_q);
  wire [XW-1:0]        rem       = x_q & mask;
  wire [XW-1:0]        threshold = (mask >> 1) + {{(XW-1){1'b0}}, x_q[XW-1]};
  wire signed [XW-1:0] shifted   = x_q >>> shift_q;
  wire signed [XW-1:0] y         = shifted + {{(XW-1){1'b0}}, (rem > threshold)};
  wire signed [XW-1:0] out_max   = {{(XW-OutW+1){1'b0}}, {(OutW-1){1'b1}}};
  wire signed [XW-1:0] out_min   = {{(XW-OutW+1){1'b1}}, {(OutW-1){1'b0}}};
  wire signed [XW-1:0] y_sat     = (y > out_max) ? out_max : ((y < out_min) ? out_min : y);

  // Low product bits are rounded away; the top bit of y_sat equals bit AccW-1.
  wire unused_bits = ^{nudged[30:0], y_sat[XW-1]};

  always @(posedge clk_i) begin
    if (en_i) begin
      x_q      <= x_d;
      shift_q  <= shift_i;
      bypass_q <= bypass_i;
      acc_q    <= acc_i;
      out_q    <= bypass_q ? acc_q : y_sat[AccW-1:0];
    end
  end

  assign out_o = out_q;

endmodule

`default_nettype wire
