// tf_aux_ln -- the LayerNorm stage of the auxiliary unit (fixed-text template): a row store
// of LnBanks banks, per-row statistics, a per-row setup sequencer with the iterative
// reciprocal square root (tf_aux_rsqrt), and Lanes normalize lanes (tf_aux_ln_lane).
// Bit-exact with tfx_layernorm() in model/tf_aux.c (docs/numerics.md 11.5); the cycle
// count is tfx_cycles_cmd() there (docs/architecture.md 3.6).
//
// Rows arrive in groups: the rows m0 .. m0+g-1 of a group (g = grp_i, the last group of a
// command possibly fewer) arrive as g * ceil(d / Lanes) beats in any order among themselves
// (the GEMM engine's output-stationary order interleaves its R rows across column tiles;
// weight-stationary interleaves all M rows), each tagged with its row (the slot in the group
// is row - m0) and its column tile. One bank holds one group: LnRows * ceil(LnMaxD / Lanes)
// words of Lanes x LnInW bits (and the slot and tile of the beat), in one tf_ram_1r1w of
// LnBanks such banks. A bank goes FREE -> (filled by the sink) WAIT -> (its rows set up)
// READY -> (read out by the normalizer) FREE, so with LnBanks = 2 a group is filled while the
// previous one is set up and normalized.
//
//   sink       a beat is written when s_valid_i, s_ok_o (the fill bank is FREE) and en_i;
//              its masked lanes go to the statistics pipeline: 1 register, then the sums of
//              x and x^2 over the lanes, then S1 += , S2 += into the (bank, slot) entry.
//   setup      per row of a filled bank, 35 cycles: d S2 and S1^2 (1), Q = d S2 - S1^2 + E
//              (1), normalization of Q to [2^30, 2^32) (1), 31 recurrence steps, d R and S1 R
//              (1). E = round(d^2 eps / 2^16) is computed once per command.
//   normalize  reads the bank in arrival order, one word per cycle when en_i, through the
//              5-stage lanes (6 cycles from the read to n_*); the beats leave in the order
//              they arrived, with their row, column, lane mask and last-of-command flag.
//
// Handshake: s_ok_o depends only on registers; the sink and the normalizer advance when en_i
// (the unit's global advance); statistics and setup run freely. start_i, in the cycle the
// command is accepted, resets the group counters; the command fields are valid from the
// next cycle and static until the command ends.
`default_nettype none

module tf_aux_ln #(
  parameter integer Lanes   = 2,
  parameter integer PW      = 32,  // width of an incoming lane word (low LnInW bits used)
  parameter integer LnInW   = 16,
  parameter integer LnOutW  = 8,
  parameter integer LnMaxD  = 16,
  parameter integer LnRows  = 2,   // rows of one group, < 2^(RowW-1)
  parameter integer LnBanks = 2,
  parameter integer RowW    = 8,
  parameter integer ColW    = 4,
  parameter integer TileW   = 3,
  parameter integer DW      = 5
) (
  input  wire                     clk_i,
  input  wire                     rst_ni,
  // command
  input  wire                     start_i,
  input  wire [DW-1:0]            d_i,
  input  wire [RowW-1:0]          m_i,
  input  wire [RowW-1:0]          grp_i,
  input  wire [TileW:0]           tiles_i,   // ceil(d / Lanes)
  input  wire [3:0]               gf_i,
  input  wire [4:0]               bf_i,
  input  wire [31:0]              eps_i,
  // gamma / beta loads: lane j of tile pw_addr_i
  input  wire [Lanes-1:0]         gw_we_i,
  input  wire [Lanes-1:0]         bw_we_i,
  input  wire [TileW-1:0]         pw_addr_i,
  input  wire [31:0]              pw_data_i,
  // sink
  input  wire                     en_i,
  input  wire                     s_valid_i,
  output wire                     s_ok_o,
  input  wire [Lanes*PW-1:0]      s_data_i,
  input  wire [RowW-1:0]          s_row_i,
  input  wire [TileW-1:0]         s_tile_i,
  input  wire [Lanes-1:0]         s_mask_i,
  // normalized beats
  output wire                     n_valid_o,
  output wire [Lanes*LnOutW-1:0]  n_data_o,
  output wire [RowW-1:0]          n_row_o,
  output wire [ColW-1:0]          n_col_o,
  output wire [Lanes-1:0]         n_mask_o,
  output wire                     n_last_o
);

  localparam integer LnTiles   = (LnMaxD + Lanes - 1) / Lanes;
  localparam integer LTW       = (LnTiles > 1) ? $clog2(LnTiles) : 1;  // a LayerNorm tile index
  localparam integer BankDepth = LnRows * LnTiles;
  localparam integer MemDepth  = LnBanks * BankDepth;
  localparam integer MAW       = (MemDepth > 1) ? $clog2(MemDepth) : 1;
  localparam integer CW        = $clog2(BankDepth + 1);
  localparam integer SlotW     = (LnRows > 1) ? $clog2(LnRows) : 1;
  localparam integer BkW       = $clog2(LnBanks);
  localparam integer NEP       = LnBanks << SlotW;          // entries {bank, slot}
  localparam integer DL        = $clog2(LnMaxD + 1);        // d of a LayerNorm command
  localparam integer LgD       = $clog2(LnMaxD);
  localparam integer S1W       = LnInW + LgD;               // |S1| <= d 2^(LnInW-1)
  localparam integer S2W       = 2 * LnInW - 1 + LgD;       // S2 <= d 2^(2 LnInW - 2)
  localparam integer SqW       = 2 * LnInW - 1;
  localparam integer DRW       = DL + 31;
  localparam integer S1RW      = S1W + 31;
  localparam integer EpW       = 2 * DL + 16;               // E < 2^(2 DL + 16)
  localparam integer GBW       = SlotW + TileW + 2;         // rows x tiles of a group
  localparam integer MemW      = SlotW + LTW + Lanes * LnInW;
  localparam integer CMW       = LTW + 7;                   // tile * Lanes (Lanes < 2^7)

  localparam [1:0] BFree = 2'd0, BWait = 2'd1, BReady = 2'd2;
  localparam [2:0] SuIdle = 3'd0, SuMul = 3'd1, SuQ = 3'd2, SuNorm = 3'd3, SuIt = 3'd4,
                   SuOut = 3'd5;
  localparam integer BankLast  = LnBanks - 1;
  localparam [BkW-1:0] BkLast  = BankLast[BkW-1:0];
  localparam [MAW-1:0] BankSz  = BankDepth[MAW-1:0];
  localparam [6:0]     LanesC  = Lanes[6:0];

  wire [DL-1:0]  dl;
  wire [LTW-1:0] s_tile;     // tiles of a LayerNorm row fit LTW bits
  wire [LTW-1:0] pw_addr;
  tf_aux_fit #(.InW (TileW), .OutW (LTW)) u_ft (.x_i (s_tile_i), .y_o (s_tile));
  tf_aux_fit #(.InW (TileW), .OutW (LTW)) u_fa (.x_i (pw_addr_i), .y_o (pw_addr));
  tf_aux_fit #(.InW (DW + 1), .OutW (DL)) u_fd (.x_i ({1'b0, d_i}), .y_o (dl));

  // ---- per-bank state ---------------------------------------------------------------------
  (* mem2reg *) reg [1:0]      bst_q   [0:LnBanks-1];
  (* mem2reg *) reg            sdone_q [0:LnBanks-1];  // statistics of the bank's group complete
  (* mem2reg *) reg [CW-1:0]   gb_q    [0:LnBanks-1];  // beats of the group
  (* mem2reg *) reg [SlotW:0]  gr_q    [0:LnBanks-1];  // rows of the group
  (* mem2reg *) reg [RowW-1:0] gm_q    [0:LnBanks-1];  // first row of the group
  (* mem2reg *) reg            gl_q    [0:LnBanks-1];  // last group of the command

  // ---- sink ---------------------------------------------------------------------------------
  reg  [BkW-1:0]  fb_q;       // bank being filled
  reg  [MAW-1:0]  wbase_q;    // its first address
  reg  [CW-1:0]   fcnt_q;     // beats written into it
  reg  [RowW-1:0] gbase_q;    // first row of the group being filled

  wire [RowW-1:0]  rows_left = m_i - gbase_q;
  wire [RowW-1:0]  g_here_w  = (rows_left < grp_i) ? rows_left : grp_i;  // <= LnRows
  wire [SlotW:0]   g_here    = g_here_w[SlotW:0];
  wire [GBW-1:0]   gbeats    = {{(TileW+1){1'b0}}, g_here} * {{(SlotW+1){1'b0}}, tiles_i};
  wire [GBW-1:0]   fcnt_x    = {{(GBW-CW){1'b0}}, fcnt_q};
  wire             lastg     = (fcnt_x + {{(GBW-1){1'b0}}, 1'b1}) == gbeats;
  wire [RowW-1:0]  slot_w    = s_row_i - gbase_q;
  wire [SlotW-1:0] slot      = slot_w[SlotW-1:0];

  assign s_ok_o = (bst_q[fb_q] == BFree);
  wire wr = en_i && s_valid_i && s_ok_o;

  wire [Lanes*LnInW-1:0] s_x;
  wire [Lanes*LnInW-1:0] s_xm;   // lanes beyond the row's end zeroed for the statistics
  genvar j;
  generate
    for (j = 0; j < Lanes; j = j + 1) begin : g_sx
      tf_aux_fit #(.InW (PW), .OutW (LnInW)) u_fx (
        .x_i (s_data_i[j*PW +: PW]),
        .y_o (s_x[j*LnInW +: LnInW])
      );
      assign s_xm[j*LnInW +: LnInW] = s_mask_i[j] ? s_x[j*LnInW +: LnInW] : {LnInW{1'b0}};
    end
  endgenerate

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fb_q    <= {BkW{1'b0}};
      wbase_q <= {MAW{1'b0}};
      fcnt_q  <= {CW{1'b0}};
      gbase_q <= {RowW{1'b0}};
    end else if (start_i) begin
      fcnt_q  <= {CW{1'b0}};
      gbase_q <= {RowW{1'b0}};
    end else if (wr) begin
      if (lastg) begin
        fcnt_q  <= {CW{1'b0}};
        gbase_q <= gbase_q + grp_i;
        fb_q    <= (fb_q == BkLast) ? {BkW{1'b0}} : fb_q + {{(BkW-1){1'b0}}, 1'b1};
        wbase_q <= (fb_q == BkLast) ? {MAW{1'b0}} : wbase_q + BankSz;
      end else begin
        fcnt_q <= fcnt_q + {{(CW-1){1'b0}}, 1'b1};
      end
    end
  end

  // ---- statistics: register, lane sums, accumulate ----------------------------------------------
  reg                    st1_vld_q;
  reg [Lanes*LnInW-1:0]  st1_x_q;
  reg [BkW+SlotW-1:0]    st1_e_q;
  reg                    st1_last_q;
  reg                    st2_vld_q;
  reg [S1W-1:0]          st2_s1_q;
  reg [S2W-1:0]          st2_s2_q;
  reg [BkW+SlotW-1:0]    st2_e_q;
  reg                    st2_last_q;

  wire [Lanes*S1W-1:0] x1e;
  wire [Lanes*S2W-1:0] sqe;
  generate
    for (j = 0; j < Lanes; j = j + 1) begin : g_sq
      wire [LnInW-1:0]   x  = st1_x_q[j*LnInW +: LnInW];
      wire [2*LnInW-1:0] sq = $signed(x) * $signed(x);   // <= 2^(2 LnInW - 2)
      tf_aux_fit #(.InW (LnInW), .OutW (S1W)) u_f1 (.x_i (x), .y_o (x1e[j*S1W +: S1W]));
      assign sqe[j*S2W +: S2W] = {{(S2W-SqW){1'b0}}, sq[SqW-1:0]};
      wire unused_sq = sq[2*LnInW-1];
    end
  endgenerate

  reg [S1W-1:0] sum1;
  reg [S2W-1:0] sum2;
  integer li;
  always @* begin
    sum1 = {S1W{1'b0}};
    sum2 = {S2W{1'b0}};
    for (li = 0; li < Lanes; li = li + 1) begin
      sum1 = sum1 + x1e[li*S1W +: S1W];
      sum2 = sum2 + sqe[li*S2W +: S2W];
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st1_vld_q <= 1'b0;
      st2_vld_q <= 1'b0;
    end else begin
      st1_vld_q <= wr;
      st2_vld_q <= st1_vld_q;
    end
  end
  always @(posedge clk_i) begin
    if (wr) begin
      st1_x_q    <= s_xm;
      st1_e_q    <= {fb_q, slot};
      st1_last_q <= lastg;
    end
    if (st1_vld_q) begin
      st2_s1_q   <= sum1;
      st2_s2_q   <= sum2;
      st2_e_q    <= st1_e_q;
      st2_last_q <= st1_last_q;
    end
  end

  // ---- setup sequencer ---------------------------------------------------------------------------
  reg [2:0]        su_q;
  reg [BkW-1:0]    sb_q;       // bank being set up
  reg [SlotW-1:0]  su_slot_q;
  reg [4:0]        su_it_q;
  reg [63:0]       ds2_q;      // d S2
  reg [63:0]       s1sq_q;     // S1^2
  reg [S1W-1:0]    s1c_q;      // S1 of the row
  reg [63:0]       qv_q;       // Q = d S2 - S1^2 + E
  reg              zero_q;     // Q = 0
  reg [5:0]        sh_q;       // 21 + k
  reg [2*DL-1:0]   dd_q;       // d^2
  reg [EpW-1:0]    e_q;        // E

  wire [BkW+SlotW-1:0] su_e = {sb_q, su_slot_q};
  wire clr = (su_q == SuMul);   // the setup takes a row's sums and clears them

  // statistics entries {bank, slot}, slot < LnRows
  wire [NEP*S1W-1:0] s1_all;
  wire [NEP*S2W-1:0] s2_all;
  genvar gb, gs;
  generate
    for (gb = 0; gb < LnBanks; gb = gb + 1) begin : g_sbank
      for (gs = 0; gs < (1 << SlotW); gs = gs + 1) begin : g_sslot
        localparam integer EI = (gb << SlotW) + gs;
        if (gs < LnRows) begin : g_ent
          localparam [BkW+SlotW-1:0] EV = EI[BkW+SlotW-1:0];
          reg [S1W-1:0] s1_q;
          reg [S2W-1:0] s2_q;
          always @(posedge clk_i or negedge rst_ni) begin
            if (!rst_ni) begin
              s1_q <= {S1W{1'b0}};
              s2_q <= {S2W{1'b0}};
            end else if (clr && (su_e == EV)) begin
              s1_q <= {S1W{1'b0}};
              s2_q <= {S2W{1'b0}};
            end else if (st2_vld_q && (st2_e_q == EV)) begin
              s1_q <= s1_q + st2_s1_q;
              s2_q <= s2_q + st2_s2_q;
            end
          end
          assign s1_all[EI*S1W +: S1W] = s1_q;
          assign s2_all[EI*S2W +: S2W] = s2_q;
        end else begin : g_none
          assign s1_all[EI*S1W +: S1W] = {S1W{1'b0}};
          assign s2_all[EI*S2W +: S2W] = {S2W{1'b0}};
        end
      end
    end
  endgenerate

  wire [S1W-1:0] s1_cur = s1_all[su_e*S1W +: S1W];
  wire [S2W-1:0] s2_cur = s2_all[su_e*S2W +: S2W];

  // products of the setup
  wire [DL+S2W-1:0]  ds2_w  = {{S2W{1'b0}}, dl} * {{DL{1'b0}}, s2_cur};
  wire [2*S1W-1:0]   s1sq_w = $signed(s1_cur) * $signed(s1_cur);
  wire [63:0]        ds2_x;
  wire [63:0]        s1sq_x;
  tf_aux_fit #(.InW (DL + S2W + 1), .OutW (64)) u_fds2 (.x_i ({1'b0, ds2_w}), .y_o (ds2_x));
  tf_aux_fit #(.InW (2 * S1W), .OutW (64)) u_fs1sq (.x_i (s1sq_w), .y_o (s1sq_x));

  // normalization: bit length b of Q, k = (b - 31) / 2 or -((32 - b) / 2); Qn = Q / 4^k
  reg [6:0] bl;
  integer bi;
  always @* begin
    bl = 7'd0;
    for (bi = 0; bi < 64; bi = bi + 1) begin
      if (qv_q[bi]) bl = bi[6:0] + 7'd1;
    end
  end
  wire [6:0]  e2   = (bl >= 7'd31) ? ((bl - 7'd31) & 7'h7e) : ((7'd32 - bl) & 7'h7e);
  wire [6:0]  amt  = (bl >= 7'd31) ? (7'd32 + e2) : (7'd32 - e2);   // 32 + 2k
  wire [95:0] qsh  = {qv_q, 32'd0} >> amt;
  wire [31:0] qn   = qsh[31:0];
  wire [6:0]  sh_w = (amt >> 1) + 7'd5;                            // 21 + k

  wire [30:0] r_raw;
  tf_aux_rsqrt u_rsqrt (
    .clk_i  (clk_i),
    .load_i (su_q == SuNorm),
    .step_i (su_q == SuIt),
    .qn_i   (qn),
    .r_o    (r_raw)
  );
  wire [30:0]          rr    = zero_q ? 31'd0 : r_raw;
  wire [DRW-1:0]       dr_w  = {31'd0, dl} * {{DL{1'b0}}, rr};
  wire [S1RW-1:0]      s1re;
  wire [S1RW-1:0]      s1r_w;
  tf_aux_fit #(.InW (S1W), .OutW (S1RW)) u_fs1r (.x_i (s1c_q), .y_o (s1re));
  assign s1r_w = $signed(s1re) * $signed({{(S1RW-31){1'b0}}, rr});

  wire su_row_last = ({1'b0, su_slot_q} + {{SlotW{1'b0}}, 1'b1}) == gr_q[sb_q];
  wire su_bank_done = (su_q == SuOut) && su_row_last;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      su_q      <= SuIdle;
      sb_q      <= {BkW{1'b0}};
      su_slot_q <= {SlotW{1'b0}};
      su_it_q   <= 5'd0;
    end else begin
      case (su_q)
        SuIdle: begin
          if ((bst_q[sb_q] == BWait) && sdone_q[sb_q]) begin
            su_q      <= SuMul;
            su_slot_q <= {SlotW{1'b0}};
          end
        end
        SuMul:  su_q <= SuQ;
        SuQ:    su_q <= SuNorm;
        SuNorm: begin
          su_q    <= SuIt;
          su_it_q <= 5'd0;
        end
        SuIt: begin
          su_it_q <= su_it_q + 5'd1;
          if (su_it_q == 5'd30) su_q <= SuOut;
        end
        SuOut: begin
          if (su_row_last) begin
            su_q <= SuIdle;
            sb_q <= (sb_q == BkLast) ? {BkW{1'b0}} : sb_q + {{(BkW-1){1'b0}}, 1'b1};
          end else begin
            su_q      <= SuMul;
            su_slot_q <= su_slot_q + {{(SlotW-1){1'b0}}, 1'b1};
          end
        end
        default: su_q <= SuIdle;
      endcase
    end
  end

  wire [2*DL+31:0] ddeps = {32'd0, dd_q} * {{(2*DL){1'b0}}, eps_i};
  wire [2*DL+31:0] ddr   = ddeps + {{(2*DL+16){1'b0}}, 16'h8000};   // + 2^15

  always @(posedge clk_i) begin
    dd_q <= {{DL{1'b0}}, dl} * {{DL{1'b0}}, dl};
    e_q  <= ddr[2*DL+31:16];
    if (su_q == SuMul) begin
      ds2_q  <= ds2_x;
      s1sq_q <= s1sq_x;
      s1c_q  <= s1_cur;
    end
    if (su_q == SuQ) begin
      qv_q <= ds2_q - s1sq_q + {{(64-EpW){1'b0}}, e_q};
    end
    if (su_q == SuNorm) begin
      zero_q <= (qv_q == 64'd0);
      sh_q   <= (qv_q == 64'd0) ? 6'd21 : sh_w[5:0];
    end
  end

  // per-row results {bank, slot}: d R, S1 R, sh
  wire [NEP*DRW-1:0]  dr_all;
  wire [NEP*S1RW-1:0] s1r_all;
  wire [NEP*6-1:0]    sh_all;
  generate
    for (gb = 0; gb < LnBanks; gb = gb + 1) begin : g_rbank
      for (gs = 0; gs < (1 << SlotW); gs = gs + 1) begin : g_rslot
        localparam integer EI = (gb << SlotW) + gs;
        if (gs < LnRows) begin : g_ent
          localparam [BkW+SlotW-1:0] EV = EI[BkW+SlotW-1:0];
          reg [DRW-1:0]  dr_q;
          reg [S1RW-1:0] s1r_q;
          reg [5:0]      sh_e_q;
          always @(posedge clk_i) begin
            if ((su_q == SuOut) && (su_e == EV)) begin
              dr_q   <= dr_w;
              s1r_q  <= s1r_w;
              sh_e_q <= sh_q;
            end
          end
          assign dr_all[EI*DRW +: DRW]    = dr_q;
          assign s1r_all[EI*S1RW +: S1RW] = s1r_q;
          assign sh_all[EI*6 +: 6]        = sh_e_q;
        end else begin : g_none
          assign dr_all[EI*DRW +: DRW]    = {DRW{1'b0}};
          assign s1r_all[EI*S1RW +: S1RW] = {S1RW{1'b0}};
          assign sh_all[EI*6 +: 6]        = 6'd0;
        end
      end
    end
  endgenerate

  // ---- normalizer: read issue ----------------------------------------------------------------------
  reg [BkW-1:0]  nb_q;       // bank being read
  reg [MAW-1:0]  rbase_q;
  reg [CW-1:0]   ncnt_q;
  wire           n_act   = (bst_q[nb_q] == BReady);
  wire           n_issue = en_i && n_act;
  wire           n_lastb = (ncnt_q + {{(CW-1){1'b0}}, 1'b1}) == gb_q[nb_q];

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      nb_q    <= {BkW{1'b0}};
      rbase_q <= {MAW{1'b0}};
      ncnt_q  <= {CW{1'b0}};
    end else if (n_issue) begin
      if (n_lastb) begin
        ncnt_q  <= {CW{1'b0}};
        nb_q    <= (nb_q == BkLast) ? {BkW{1'b0}} : nb_q + {{(BkW-1){1'b0}}, 1'b1};
        rbase_q <= (nb_q == BkLast) ? {MAW{1'b0}} : rbase_q + BankSz;
      end else begin
        ncnt_q <= ncnt_q + {{(CW-1){1'b0}}, 1'b1};
      end
    end
  end

  // ---- bank state ---------------------------------------------------------------------------------
  integer bi2;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (bi2 = 0; bi2 < LnBanks; bi2 = bi2 + 1) begin
        bst_q[bi2]   <= BFree;
        sdone_q[bi2] <= 1'b0;
      end
    end else begin
      if (wr && lastg) bst_q[fb_q] <= BWait;
      if (su_bank_done) begin
        bst_q[sb_q]   <= BReady;
        sdone_q[sb_q] <= 1'b0;
      end
      if (n_issue && n_lastb) bst_q[nb_q] <= BFree;
      if (st2_vld_q && st2_last_q) sdone_q[st2_e_q[BkW+SlotW-1:SlotW]] <= 1'b1;
    end
  end
  always @(posedge clk_i) begin
    if (wr && lastg) begin
      gb_q[fb_q] <= gbeats[CW-1:0];
      gr_q[fb_q] <= g_here;
      gm_q[fb_q] <= gbase_q;
      gl_q[fb_q] <= (g_here_w == rows_left);
    end
  end

  // ---- row store ----------------------------------------------------------------------------------
  wire [MemW-1:0] rdata;
  tf_ram_1r1w #(
    .Width (MemW),
    .Depth (MemDepth),
    .AddrW (MAW)
  ) u_store (
    .clk_i   (clk_i),
    .we_i    (wr),
    .waddr_i (wbase_q + {{(MAW > CW ? MAW - CW : 0){1'b0}}, fcnt_q[CW-1:0]}),
    .wdata_i ({slot, s_tile, s_x}),
    .re_i    (n_issue),
    .raddr_i (rbase_q + {{(MAW > CW ? MAW - CW : 0){1'b0}}, ncnt_q[CW-1:0]}),
    .rdata_o (rdata)
  );

  // ---- normalizer: read stage, lanes -------------------------------------------------------------------
  reg             r_vld_q;
  reg [BkW-1:0]   r_bank_q;
  reg [RowW-1:0]  r_base_q;
  reg             r_last_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      r_vld_q <= 1'b0;
    end else if (en_i) begin
      r_vld_q <= n_issue;
    end
  end
  always @(posedge clk_i) begin
    if (n_issue) begin
      r_bank_q <= nb_q;
      r_base_q <= gm_q[nb_q];
      r_last_q <= gl_q[nb_q] && n_lastb;
    end
  end

  wire [SlotW-1:0]           r_slot = rdata[MemW-1 -: SlotW];
  wire [LTW-1:0]             r_tile = rdata[Lanes*LnInW +: LTW];
  wire [BkW+SlotW-1:0]       r_e    = {r_bank_q, r_slot};
  wire [DRW-1:0]             r_dr   = dr_all[r_e*DRW +: DRW];
  wire [S1RW-1:0]            r_s1r  = s1r_all[r_e*S1RW +: S1RW];
  wire [5:0]                 r_sh   = sh_all[r_e*6 +: 6];
  wire [RowW-1:0]            r_row  = r_base_q + {{(RowW-SlotW){1'b0}}, r_slot};
  wire [CMW-1:0]             r_colw = {7'd0, r_tile} * {{LTW{1'b0}}, LanesC};
  wire [ColW-1:0]            r_col;
  tf_aux_fit #(.InW (CMW), .OutW (ColW)) u_fcol (.x_i (r_colw), .y_o (r_col));
  wire [DW:0]                r_rem  = {1'b0, d_i} - {{(DW+1-ColW){1'b0}}, r_col};
  wire [Lanes-1:0]           r_mask;

  generate
    for (j = 0; j < Lanes; j = j + 1) begin : g_lane
      localparam [DW:0] JV = j;
      assign r_mask[j] = (r_rem > JV);
      wire [15:0] gamma;
      wire [31:0] beta;
      tf_ram_1r1w #(
        .Width (16),
        .Depth (LnTiles),
        .AddrW (LTW)
      ) u_gamma (
        .clk_i   (clk_i),
        .we_i    (gw_we_i[j]),
        .waddr_i (pw_addr),
        .wdata_i (pw_data_i[15:0]),
        .re_i    (en_i && r_vld_q),
        .raddr_i (r_tile),
        .rdata_o (gamma)
      );
      tf_ram_1r1w #(
        .Width (32),
        .Depth (LnTiles),
        .AddrW (LTW)
      ) u_beta (
        .clk_i   (clk_i),
        .we_i    (bw_we_i[j]),
        .waddr_i (pw_addr),
        .wdata_i (pw_data_i),
        .re_i    (en_i && r_vld_q),
        .raddr_i (r_tile),
        .rdata_o (beta)
      );
      tf_aux_ln_lane #(
        .LnInW  (LnInW),
        .LnOutW (LnOutW),
        .DRW    (DRW),
        .S1RW   (S1RW)
      ) u_lane (
        .clk_i   (clk_i),
        .en_i    (en_i),
        .x_i     (rdata[j*LnInW +: LnInW]),
        .dr_i    (r_dr),
        .s1r_i   (r_s1r),
        .sh_i    (r_sh),
        .gamma_i (gamma),
        .beta_i  (beta),
        .gf_i    (gf_i),
        .bf_i    (bf_i),
        .y_o     (n_data_o[j*LnOutW +: LnOutW])
      );
    end
  endgenerate

  wire [RowW+ColW+Lanes+1:0] n_tag;
  tf_delay #(
    .Width (RowW + ColW + Lanes + 2),
    .Depth (5)
  ) u_tag (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .en_i   (en_i),
    .d_i    ({r_vld_q, r_last_q, r_row, r_col, r_mask}),
    .q_o    (n_tag)
  );
  assign {n_valid_o, n_last_o, n_row_o, n_col_o, n_mask_o} = n_tag;

  wire unused_bits = ^{g_here_w[RowW-1:SlotW+1], slot_w[RowW-1:SlotW], gbeats[GBW-1:CW],
                       ddr[15:0], sh_w[6], d_i, qsh[95:32]};

endmodule

`default_nettype wire
