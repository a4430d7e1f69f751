// tf_aux_res -- the residual-add stage of the auxiliary unit, Lanes lanes (fixed-text
// template).
//
// Lane j (tfx_residual in model/tf_aux.c, docs/numerics.md 11.4):
//   al = tfm_requant(r * 2^lsh, mult, shift, ResW + 1)   the operand aligned to the main scale
//   y  = sat_ResW(x + al)                                 an (ResW+2)-bit adder
// with bypass_i high, y = x. r (ResInW bits) enters PreLat cycles before x, when the beat
// enters the unit: the operand's requantization (tf_requant, 2 cycles) runs beside the main
// path's bias and requantization stages. If those take fewer than 2 cycles (PreLat < 2), x is
// delayed to meet al. The result is sign-extended to OutW bits.
// Handshake: none; advances when en_i is high.
// Latency: x_i to y_o 1 + max(0, 2 - PreLat) cycles; r_i to y_o PreLat more.
`default_nettype none

module tf_aux_res #(
  parameter integer Lanes  = 2,
  parameter integer InW    = 32,  // width of the main path word x
  parameter integer ResW   = 16,  // output width of the add
  parameter integer ResInW = 8,   // width of the operand r
  parameter integer OutW   = 32,  // width of y (>= InW, >= ResW)
  parameter integer PreLat = 3    // cycles between r_i and x_i
) (
  input  wire                    clk_i,
  input  wire                    rst_ni,
  input  wire                    en_i,
  input  wire                    bypass_i,
  input  wire [Lanes*ResInW-1:0] r_i,
  input  wire [30:0]             mult_i,
  input  wire [4:0]              lsh_i,    // 0..24
  input  wire [4:0]              shift_i,
  input  wire [Lanes*InW-1:0]    x_i,
  output wire [Lanes*OutW-1:0]   y_o
);

  localparam integer AlW = ResInW + 24;              // r * 2^lsh, |r * 2^lsh| <= 2^(ResInW+23)
  localparam integer RD  = (PreLat >= 2) ? PreLat - 2 : 0;
  localparam integer XD  = (PreLat < 2) ? 2 - PreLat : 0;
  localparam integer SW  = ResW + 2;

  // operand delay, so that its requantization ends when x arrives
  wire [Lanes*ResInW-1:0] r_d;
  wire [Lanes*InW-1:0]    x_d;
  generate
    if (RD > 0) begin : g_rdly
      tf_delay #(
        .Width (Lanes*ResInW),
        .Depth (RD)
      ) u_rdly (
        .clk_i  (clk_i),
        .rst_ni (rst_ni),
        .en_i   (en_i),
        .d_i    (r_i),
        .q_o    (r_d)
      );
    end else begin : g_rnodly
      assign r_d = r_i;
    end
    if (XD > 0) begin : g_xdly
      tf_delay #(
        .Width (Lanes*InW),
        .Depth (XD)
      ) u_xdly (
        .clk_i  (clk_i),
        .rst_ni (rst_ni),
        .en_i   (en_i),
        .d_i    (x_i),
        .q_o    (x_d)
      );
    end else begin : g_xnodly
      assign x_d = x_i;
    end
    if (RD == 0 && XD == 0) begin : g_nodly
      wire unused_rst = rst_ni;  // PreLat = 2: neither operand is delayed
    end
  endgenerate

  genvar j;
  generate
    for (j = 0; j < Lanes; j = j + 1) begin : g_lane
      wire [ResInW-1:0] r   = r_d[j*ResInW +: ResInW];
      wire [AlW-1:0]    rsh = {{24{r[ResInW-1]}}, r} << lsh_i;
      wire [AlW-1:0]    al;
      tf_requant #(
        .AccW (AlW),
        .OutW (ResW + 1)
      ) u_align (
        .clk_i    (clk_i),
        .en_i     (en_i),
        .bypass_i (1'b0),
        .acc_i    (rsh),
        .mult_i   (mult_i),
        .shift_i  (shift_i),
        .out_o    (al)
      );

      wire [InW-1:0] x = x_d[j*InW +: InW];
      wire [SW-1:0]  xs;
      wire [SW-1:0]  as;
      tf_aux_fit #(.InW (InW), .OutW (SW)) u_fx (.x_i (x), .y_o (xs));
      tf_aux_fit #(.InW (AlW), .OutW (SW)) u_fa (.x_i (al), .y_o (as));
      // |x| < 2^(ResW-1) and |al| <= 2^ResW: the sum fits ResW + 2 bits
      wire [SW-1:0]   s   = xs + as;
      wire            ovf = (s[SW-1] != s[SW-2]) || (s[SW-1] != s[SW-3]);
      wire [ResW-1:0] sat = ovf ? {s[SW-1], {(ResW-1){~s[SW-1]}}} : s[ResW-1:0];
      wire [OutW-1:0] xo;
      wire [OutW-1:0] so;
      tf_aux_fit #(.InW (InW), .OutW (OutW)) u_fxo (.x_i (x), .y_o (xo));
      tf_aux_fit #(.InW (ResW), .OutW (OutW)) u_fso (.x_i (sat), .y_o (so));
      reg  [OutW-1:0] y_q;
      always @(posedge clk_i) begin
        if (en_i) begin
          y_q <= bypass_i ? xo : so;
        end
      end
      assign y_o[j*OutW +: OutW] = y_q;
    end
  endgenerate

endmodule

`default_nettype wire
