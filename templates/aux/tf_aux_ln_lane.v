// tf_aux_ln_lane -- one LayerNorm normalize lane of the auxiliary unit (fixed-text template).
//
// The per-element half of tfx_layernorm() in model/tf_aux.c (docs/numerics.md 11.5), with
// the row's d R, S1 R and sh computed once per row by tf_aux_ln:
//   2  p = x (d R) - S1 R                         = (d x - S1) R, exact    (LnInW x DRW)
//   3  t = floor((p + 2^(sh-1)) / 2^sh)           n in Q.24, |t| < 2^30
//   4  z = t gamma                                 (31s x 16s)
//   5  w = floor((z + 2^(7+gf)) / 2^(8+gf)) + beta 2^(16-bf)
//   6  y = sat_LnOutW(floor((w + 2^15) / 2^16))
// x, d R, S1 R and sh are taken in the cycle before stage 2 (the row store's read data);
// gamma and beta one cycle later (their memories are read with the tile index of that data).
// gf and bf are static during a command.
// Handshake: none; advances when en_i is high. Latency: 5 cycles (x_i to y_o).
`default_nettype none

module tf_aux_ln_lane #(
  parameter integer LnInW  = 16,
  parameter integer LnOutW = 8,
  parameter integer DRW    = 43,  // width of d R (unsigned)
  parameter integer S1RW   = 63   // width of S1 R (signed)
) (
  input  wire              clk_i,
  input  wire              en_i,
  input  wire [LnInW-1:0]  x_i,
  input  wire [DRW-1:0]    dr_i,
  input  wire [S1RW-1:0]   s1r_i,
  input  wire [5:0]        sh_i,      // 6..37
  input  wire [15:0]       gamma_i,   // one cycle after x_i
  input  wire [31:0]       beta_i,    // one cycle after x_i
  input  wire [3:0]        gf_i,      // 0..15
  input  wire [4:0]        bf_i,      // 0..16
  output wire [LnOutW-1:0] y_o
);

  localparam integer PA  = LnInW + DRW + 1;
  localparam integer PrW = ((PA > S1RW) ? PA : S1RW) + 1;

  // ---- 2: p = x (d R) - S1 R ----------------------------------------------------------------
  wire [PA-1:0]  xe;
  wire [PrW-1:0] prode;
  wire [PrW-1:0] s1re;
  tf_aux_fit #(.InW (LnInW), .OutW (PA)) u_fx (.x_i (x_i), .y_o (xe));
  wire signed [PA-1:0] prod = $signed(xe) * $signed({1'b0, dr_i});
  tf_aux_fit #(.InW (PA), .OutW (PrW)) u_fp (.x_i (prod), .y_o (prode));
  tf_aux_fit #(.InW (S1RW), .OutW (PrW)) u_fs (.x_i (s1r_i), .y_o (s1re));

  reg signed [PrW-1:0] s2_p_q;
  reg [5:0]            s2_sh_q;
  always @(posedge clk_i) begin
    if (en_i) begin
      s2_p_q  <= $signed(prode) - $signed(s1re);
      s2_sh_q <= sh_i;
    end
  end

  // ---- 3: t = round(p / 2^sh) -----------------------------------------------------------------
  wire signed [PrW-1:0] half3 = $signed({{(PrW-1){1'b0}}, 1'b1} << (s2_sh_q - 6'd1));
  wire signed [PrW-1:0] t3    = (s2_p_q + half3) >>> s2_sh_q;

  reg signed [30:0] s3_t_q;
  reg signed [15:0] s3_g_q;
  reg [31:0]        s3_b_q;
  always @(posedge clk_i) begin
    if (en_i) begin
      s3_t_q <= t3[30:0];
      s3_g_q <= gamma_i;
      s3_b_q <= beta_i;
    end
  end

  // ---- 4: z = t gamma -------------------------------------------------------------------------
  reg signed [46:0] s4_z_q;
  reg [31:0]        s4_b_q;
  always @(posedge clk_i) begin
    if (en_i) begin
      s4_z_q <= $signed({{16{s3_t_q[30]}}, s3_t_q}) * $signed({{31{s3_g_q[15]}}, s3_g_q});
      s4_b_q <= s3_b_q;
    end
  end

  // ---- 5: w = round(z / 2^(8+gf)) + beta 2^(16-bf) ------------------------------------------------
  wire [4:0]         gs    = 5'd8 + {1'b0, gf_i};
  wire signed [46:0] half5 = $signed({46'd0, 1'b1} << (gs - 5'd1));
  wire signed [46:0] u5    = (s4_z_q + half5) >>> gs;
  wire [4:0]         bsh   = 5'd16 - bf_i;
  wire signed [49:0] bw    = $signed({{18{s4_b_q[31]}}, s4_b_q}) <<< bsh;
  reg signed [49:0]  s5_w_q;
  always @(posedge clk_i) begin
    if (en_i) begin
      s5_w_q <= $signed({{3{u5[46]}}, u5}) + bw;
    end
  end

  // ---- 6: y = sat(round(w / 2^16)) --------------------------------------------------------------
  wire signed [49:0] y6   = (s5_w_q + 50'sd32768) >>> 16;
  wire signed [49:0] ymax = {{(50-LnOutW+1){1'b0}}, {(LnOutW-1){1'b1}}};
  wire signed [49:0] ymin = {{(50-LnOutW+1){1'b1}}, {(LnOutW-1){1'b0}}};
  wire signed [49:0] ysat = (y6 > ymax) ? ymax : ((y6 < ymin) ? ymin : y6);
  reg [LnOutW-1:0]   y_q;
  always @(posedge clk_i) begin
    if (en_i) begin
      y_q <= ysat[LnOutW-1:0];
    end
  end
  assign y_o = y_q;

  wire unused_bits = ^{t3[PrW-1:31], ysat[49:LnOutW]};

endmodule

`default_nettype wire
