// tf_aux_gelu -- one GELU lane of the auxiliary unit (fixed-text template).
//
// GELU(x) = relu(x) - g(|x|), g(a) = a (1 - Phi(a)) from a 256-segment quadratic ROM
// (tf_aux_gelu_rom), bit-exact with tfx_gelu() in model/tf_aux.c (docs/numerics.md 11.6):
//   1  ax  = |q| * in_mant                                   (GeluInW x 16 unsigned)
//   2  a28 = ax << (28 - in_exp), or (ax + 2^(in_exp-29)) >> (in_exp - 28); big = a28 >= 2^31
//   3  ROM read at segment a28[30:23] (registered); u = a28[22:3]
//   4  t2  = c1 + floor(c2 * u / 2^20)                       (18s x 20u)
//   5  g   = c0 + floor(t2 * u / 2^20)                       (25s x 20u)
//   6  v   = big ? (q > 0 ? ax : 0) : (q > 0 ? a28 : 0) - g; sh = (big ? in_exp : 28) + out_exp
//   7  w   = v * out_mant                                    (33s x 16u)
//   8  y   = sat_GeluOutW(floor((w + 2^(sh-1)) / 2^sh))      (y = w when sh = 0; 0 when sh >= 49)
// The input is the low GeluInW bits of the lane word q_i (the command check guarantees the
// value fits); the output is sign-extended to PW bits. With bypass_i high the lane word
// passes through with the same latency. The scale fields are static during a command.
// Handshake: none; advances when en_i is high. Latency: 8 cycles.
`default_nettype none

module tf_aux_gelu #(
  parameter integer PW       = 32,  // lane word width (in and out)
  parameter integer GeluInW  = 8,
  parameter integer GeluOutW = 8
) (
  input  wire          clk_i,
  input  wire          rst_ni,
  input  wire          en_i,
  input  wire          bypass_i,
  input  wire [PW-1:0] q_i,
  input  wire [15:0]   in_mant_i,
  input  wire [5:0]    in_exp_i,   // 0..47
  input  wire [15:0]   out_mant_i,
  input  wire [5:0]    out_exp_i,  // 0..40
  output wire [PW-1:0] y_o
);

  localparam integer VW = 33;  // v, signed
  localparam integer WW = 50;  // w = v * out_mant, signed, |w| < 2^48
  localparam integer RW = 52;  // w + 2^(sh-1), sh <= 49

  // ---- 1: |q| * in_mant -------------------------------------------------------------
  wire [GeluInW-1:0] q;
  wire [16:0]        q17;
  tf_aux_fit #(.InW (PW), .OutW (GeluInW)) u_fq (.x_i (q_i), .y_o (q));
  tf_aux_fit #(.InW (GeluInW), .OutW (17)) u_fq17 (.x_i (q), .y_o (q17));
  wire [16:0] aq  = q17[16] ? (~q17 + 17'd1) : q17;   // |q| <= 2^15
  wire        pos = !q17[16] && (q17 != 17'd0);
  wire [31:0] ax  = {16'd0, aq[15:0]} * {16'd0, in_mant_i};  // < 2^31

  reg [31:0] s1_ax_q;
  reg        s1_pos_q;
  always @(posedge clk_i) begin
    if (en_i) begin
      s1_ax_q  <= ax;
      s1_pos_q <= pos;
    end
  end

  // ---- 2: a28 and the relu test --------------------------------------------------------
  // in_exp <= 28: a28 = ax << (28 - in_exp), exact, and a >= 8 when a28 >= 2^31;
  // in_exp > 28: a28 = (ax + 2^(in_exp-29)) >> (in_exp - 28) < 2^31 always.
  wire [5:0]  lamt = 6'd28 - in_exp_i;
  wire [5:0]  ramt = in_exp_i - 6'd28;
  wire [59:0] lsh  = {28'd0, s1_ax_q} << lamt;
  wire [32:0] half = {32'd0, 1'b1} << (ramt - 6'd1);
  wire [32:0] rsh  = ({1'b0, s1_ax_q} + half) >> ramt;
  wire        left = (in_exp_i <= 6'd28);
  wire        big  = left && (lsh[59:31] != 29'd0);
  wire [30:0] a28  = left ? lsh[30:0] : rsh[30:0];

  reg [30:0] s2_a28_q;
  reg        s2_big_q;
  reg [31:0] s2_ax_q;
  reg        s2_pos_q;
  always @(posedge clk_i) begin
    if (en_i) begin
      s2_a28_q <= a28;
      s2_big_q <= big;
      s2_ax_q  <= s1_ax_q;
      s2_pos_q <= s1_pos_q;
    end
  end

  // ---- 3: coefficient ROM ---------------------------------------------------------------
  wire [67:0] rom;
  tf_aux_gelu_rom u_rom (
    .clk_i  (clk_i),
    .en_i   (en_i),
    .addr_i (s2_a28_q[30:23]),
    .data_o (rom)
  );
  reg [30:0]    s3_a28_q;
  reg           s3_big_q;
  reg [31:0]    s3_ax_q;
  reg           s3_pos_q;
  always @(posedge clk_i) begin
    if (en_i) begin
      s3_a28_q <= s2_a28_q;
      s3_big_q <= s2_big_q;
      s3_ax_q  <= s2_ax_q;
      s3_pos_q <= s2_pos_q;
    end
  end
  wire [25:0] c0 = rom[67:42];
  wire [23:0] c1 = rom[41:18];
  wire [17:0] c2 = rom[17:0];
  wire [19:0] u3 = s3_a28_q[22:3];

  // ---- 4: t2 = c1 + floor(c2 u / 2^20) ----------------------------------------------------
  wire signed [38:0] p1 = $signed({{21{c2[17]}}, c2}) * $signed({19'd0, u3});
  wire signed [24:0] t2 = $signed({c1[23], c1}) + $signed({{6{p1[38]}}, p1[38:20]});

  reg signed [24:0] s4_t2_q;
  reg [25:0]        s4_c0_q;
  reg [30:0]        s4_a28_q;
  reg               s4_big_q;
  reg [31:0]        s4_ax_q;
  reg               s4_pos_q;
  always @(posedge clk_i) begin
    if (en_i) begin
      s4_t2_q  <= t2;
      s4_c0_q  <= c0;
      s4_a28_q <= s3_a28_q;
      s4_big_q <= s3_big_q;
      s4_ax_q  <= s3_ax_q;
      s4_pos_q <= s3_pos_q;
    end
  end
  wire [19:0] u4 = s4_a28_q[22:3];

  // ---- 5: g = c0 + floor(t2 u / 2^20) -----------------------------------------------------
  wire signed [45:0] p2 = $signed({{21{s4_t2_q[24]}}, s4_t2_q}) * $signed({26'd0, u4});
  wire signed [27:0] g  = $signed({2'b00, s4_c0_q}) + $signed({{2{p2[45]}}, p2[45:20]});

  reg signed [27:0] s5_g_q;
  reg [30:0]        s5_a28_q;
  reg               s5_big_q;
  reg [31:0]        s5_ax_q;
  reg               s5_pos_q;
  always @(posedge clk_i) begin
    if (en_i) begin
      s5_g_q   <= g;
      s5_a28_q <= s4_a28_q;
      s5_big_q <= s4_big_q;
      s5_ax_q  <= s4_ax_q;
      s5_pos_q <= s4_pos_q;
    end
  end

  // ---- 6: v = relu - g, and the output shift --------------------------------------------
  wire [VW-1:0] relu_big = s5_pos_q ? {1'b0, s5_ax_q} : {VW{1'b0}};
  wire [VW-1:0] relu28   = s5_pos_q ? {2'b00, s5_a28_q} : {VW{1'b0}};
  wire [VW-1:0] v        = s5_big_q ? relu_big : (relu28 - {{(VW-28){s5_g_q[27]}}, s5_g_q});
  wire [6:0]    sh       = (s5_big_q ? {1'b0, in_exp_i} : 7'd28) + {1'b0, out_exp_i};

  reg [VW-1:0] s6_v_q;
  reg [6:0]    s6_sh_q;
  always @(posedge clk_i) begin
    if (en_i) begin
      s6_v_q  <= v;
      s6_sh_q <= sh;
    end
  end

  // ---- 7: w = v * out_mant ------------------------------------------------------------------
  wire signed [WW-1:0] w = $signed({{(WW-VW){s6_v_q[VW-1]}}, s6_v_q}) *
                           $signed({{(WW-16){1'b0}}, out_mant_i});
  reg signed [WW-1:0] s7_w_q;
  reg [6:0]           s7_sh_q;
  always @(posedge clk_i) begin
    if (en_i) begin
      s7_w_q  <= w;
      s7_sh_q <= s6_sh_q;
    end
  end

  // ---- 8: rounding shift and saturation -----------------------------------------------------
  wire [6:0]           shc   = (s7_sh_q > 7'd49) ? 7'd49 : s7_sh_q;
  wire signed [RW-1:0] wx    = {{(RW-WW){s7_w_q[WW-1]}}, s7_w_q};
  wire signed [RW-1:0] halfw = (shc == 7'd0) ? {RW{1'b0}}
                                             : ({{(RW-1){1'b0}}, 1'b1} << (shc - 7'd1));
  wire signed [RW-1:0] yw    = (wx + halfw) >>> shc;
  wire signed [RW-1:0] ymax  = {{(RW-GeluOutW+1){1'b0}}, {(GeluOutW-1){1'b1}}};
  wire signed [RW-1:0] ymin  = {{(RW-GeluOutW+1){1'b1}}, {(GeluOutW-1){1'b0}}};
  wire signed [RW-1:0] ysat  = (yw > ymax) ? ymax : ((yw < ymin) ? ymin : yw);
  wire [PW-1:0]        ypw;
  tf_aux_fit #(.InW (GeluOutW), .OutW (PW)) u_fy (.x_i (ysat[GeluOutW-1:0]), .y_o (ypw));

  // the bypassed lane word, 7 cycles, then the output register
  wire [PW-1:0] q_d;
  tf_delay #(
    .Width (PW),
    .Depth (7)
  ) u_qdly (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .en_i   (en_i),
    .d_i    (q_i),
    .q_o    (q_d)
  );

  reg [PW-1:0] y_q;
  always @(posedge clk_i) begin
    if (en_i) begin
      y_q <= bypass_i ? q_d : ypw;
    end
  end
  assign y_o = y_q;

  wire unused_bits = ^{p1[19:0], p2[19:0], ysat[RW-1:GeluOutW], s3_a28_q[2:0], s4_a28_q[2:0],
                      aq[16], rsh[32:31]};

endmodule

`default_nettype wire
