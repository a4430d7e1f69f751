// tf_aux_bias -- the bias stage of the auxiliary unit, Lanes lanes (fixed-text template).
//
// Lane j: y = sat_AccW(x + b), exact before the one saturation (tfx_bias in model/tf_aux.c,
// docs/numerics.md 11.2); with bypass_i high, y = x. The bias is a signed BiasW-bit
// entry (BiasW <= AccW) read from the per-column bias memory by the caller.
// Handshake: none; advances when en_i is high. Latency: 1 cycle.
`default_nettype none

module tf_aux_bias #(
  parameter integer Lanes = 2,
  parameter integer AccW  = 32,
  parameter integer BiasW = 32
) (
  input  wire                   clk_i,
  input  wire                   en_i,
  input  wire                   bypass_i,
  input  wire [Lanes*AccW-1:0]  x_i,
  input  wire [Lanes*BiasW-1:0] b_i,
  output wire [Lanes*AccW-1:0]  y_o
);

  localparam integer SW = AccW + 1;

  genvar j;
  generate
    for (j = 0; j < Lanes; j = j + 1) begin : g_lane
      wire [AccW-1:0]  x = x_i[j*AccW +: AccW];
      wire [BiasW-1:0] b = b_i[j*BiasW +: BiasW];
      wire [SW-1:0]    s = {x[AccW-1], x} + {{(SW-BiasW){b[BiasW-1]}}, b};
      // the sum overflows AccW bits exactly when its two top bits differ
      wire             ovf = s[SW-1] ^ s[SW-2];
      wire [AccW-1:0]  sat = ovf ? {s[SW-1], {(AccW-1){~s[SW-1]}}} : s[AccW-1:0];
      reg  [AccW-1:0]  y_q;
      always @(posedge clk_i) begin
        if (en_i) begin
          y_q <= bypass_i ? x : sat;
        end
      end
      assign y_o[j*AccW +: AccW] = y_q;
    end
  endgenerate

endmodule

`default_nettype wire
