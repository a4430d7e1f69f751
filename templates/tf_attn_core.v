// tf_attn_core -- PIM-style attention unit: a KV cache in NB banks, each with LN
// multiply-accumulate lanes beside its storage (fixed-text template).
//
// One command = one decode step of head cmd_head_i (or, with cmd_clear_i, emptying that
// head's cache); cmd_mode_i may make it only its first half (ModeAppend: k and v into the
// cache, no o) or only its second (ModeAttend: q over the cached tokens, nothing appended),
// which is how a bidirectional prompt runs (every token appended, then every query attends).
// With Regions > 1 each head's cache is cut into Regions regions of RegRows rows (one per
// layer and sequence of a model, say); the command names the region (cmd_region_i) and how
// many tokens it holds (cmd_count_i), and the unit keeps no count of its own: the
// sequencer knows the positions anyway. The step reads D beats (q_i, k_i, v_i) on in_*, appends (k, v) to the
// cache (evicting the least important token outside the recent window when the cache is
// full and Prune = 1; refusing the step with step_err_o when Prune = 0), then every bank
// computes the scores of its own tokens, the global maximum and the sum of exponents are
// reduced across banks, one reciprocal is computed, every bank accumulates sum p_j * v_j
// over its own tokens in place and updates their importances, and the D elements of o (the
// sum over banks) leave on o_*. Only q, k, v and o cross the bank boundary. The arithmetic
// is docs/numerics.md section 10, bit for bit (model/tf_attn.c); the cycle count is
// tfa_step_cycles() in the model. The score, exponent and p*v scans visit only the rows
// that hold tokens, ceil(count / NB), so a step costs time in proportion to the context
// divided by the number of banks; the victim scan (full cache) visits all TPB rows.
//
// Token slot s lives in bank s mod NB at row s div NB. Bank storage: K and V as
// tf_ram_1r1w memories of LN-element chunks (replaceable by SRAM macros), per-slot
// scales, positions and importances, and per-step scratch (scores, exponents).
`default_nettype none

module tf_attn_core #(
  parameter integer NB    = 2,     // banks
  parameter integer TPB   = 4,     // tokens per bank
  parameter integer D     = 4,     // head dimension
  parameter integer LN    = 2,     // lanes per bank (divides D)
  parameter integer H     = 1,     // heads, time-multiplexed
  parameter integer Regions = 1,   // regions per head's cache; > 1: counts come with the command
  parameter integer RegRows = 4,   // rows of a region (Regions * RegRows <= TPB)
  parameter integer RgW   = 1,     // max(clog2(Regions), 1)
  parameter [1:0]   ModeStep   = 2'd0,  // append (k, v), then attend with q
  parameter [1:0]   ModeAppend = 2'd1,  // append only: no o
  parameter [1:0]   ModeAttend = 2'd2,  // attend only: nothing appended
  parameter integer KVB   = 8,     // 8: int8 KV, 4: int4 KV with a per-token scale
  parameter integer T     = 8,     // exponent table bits
  parameter integer P     = 15,    // exponent precision
  parameter integer F     = 24,    // score constant fraction bits
  parameter integer PB    = 15,    // probability bits
  parameter integer IMPW  = 32,    // importance width
  parameter integer Prune = 1,     // 1: evict by importance when full
  parameter integer Recent = 0,    // protected most recent tokens
  parameter integer TopK  = 0,     // 0: off; else only the TopK largest scores enter the softmax
  parameter integer G     = 3,     // reciprocal guard bits
  parameter integer OW    = 40,    // output width (signed)
  parameter integer CH    = 2,     // D / LN chunks per token
  parameter integer RowW  = 2,     // max(clog2(TPB), 1)
  parameter integer ChW   = 1,     // max(clog2(CH), 1)
  parameter integer HW    = 1,     // max(clog2(H), 1)
  parameter integer BW    = 1,     // max(clog2(NB), 1)
  parameter integer SlotW = 3,     // clog2(NB * TPB + 1): a slot index or a count
  parameter integer DW    = 2,     // max(clog2(D), 1)
  parameter integer MAW   = 3,     // K/V memory address width: clog2(H * TPB * CH)
  parameter integer SAW   = 2,     // per-slot array address width: clog2(H * TPB)
  parameter integer CntW  = 48,    // statistics counters
  parameter [(1<<T)*(P+1)-1:0] ExpTable = {((1<<T)*(P+1)){1'b0}}
) (
  input  wire              clk_i,
  input  wire              rst_ni,
  input  wire              cmd_valid_i,
  output wire              cmd_ready_o,
  input  wire [HW-1:0]     cmd_head_i,
  input  wire [31:0]       cmd_scale_i,   // scale_c of this step (docs/numerics.md 10)
  input  wire              cmd_clear_i,   // empty the head's cache; no streams
  input  wire [1:0]        cmd_mode_i,    // ModeStep, ModeAppend, ModeAttend; another is refused
  input  wire [RgW-1:0]    cmd_region_i,  // Regions > 1: the region of the head's cache ...
  input  wire [SlotW-1:0]  cmd_count_i,   // ... and the tokens it holds (else both ignored)
  input  wire              in_valid_i,
  output wire              in_ready_o,
  input  wire [7:0]        in_q_i,
  input  wire [7:0]        in_k_i,
  input  wire [7:0]        in_v_i,
  output wire              o_valid_o,
  input  wire              o_ready_i,
  output wire [OW-1:0]     o_data_o,
  output wire              o_last_o,
  output wire              busy_o,
  output reg               step_err_o,    // the last step was refused (full cache without
                                          // pruning, nothing to attend to, a count beyond the
                                          // region, an undefined mode)
  output reg               evict_o,       // the last step evicted a token ...
  output reg  [SlotW-1:0]  evict_slot_o,  // ... from this slot
  output reg  [SlotW-1:0]  slot_o,        // the slot the last step's token went to
  output wire [CntW-1:0]   stat_cycles_o, // cycles of the last command
  output wire [CntW-1:0]   stat_wait_o    // of them, waiting for in_valid_i / o_ready_i
);

  localparam integer Cap  = NB * TPB;
  localparam integer Ext  = (Regions > 1) ? 1 : 0;   // counts from the command
  localparam integer RCap = (Regions > 1) ? NB * RegRows : Cap;   // tokens of a region
  localparam integer QW   = P + PB + G + 1;      // reciprocal quotient bits
  localparam integer EW   = P + 1;               // exponent width
  localparam integer ZW   = P + 1 + SlotW;       // sum of exponents
  localparam integer PW   = PB + 1;              // probability width
  localparam integer SW   = 32;                  // score width (signed)
  localparam integer KW   = LN * KVB;            // one K/V chunk

  localparam [4:0] SIdle = 5'd0, SLoad = 5'd1, SVict = 5'd2, SVRed = 5'd3, SWrite = 5'd4,
                   SScore = 5'd5, SSRed = 5'd6, SExp = 5'd7, SZRed = 5'd8, SDiv = 5'd9,
                   SPv = 5'd10, SOut = 5'd11, SPvEnd = 5'd12, SScEnd = 5'd13,
                   STkScan = 5'd14, STkRed = 5'd15, STkGt = 5'd16, STkGtRed = 5'd17,
                   STkKeep = 5'd18;

  localparam integer TpbI = TPB - 1;
  localparam integer ChI  = CH - 1;
  localparam integer DI   = D - 1;
  localparam integer QwI  = QW - 1;
  localparam [SlotW-1:0] CapV  = RCap[SlotW-1:0];
  localparam [SlotW-1:0] NBS   = NB[SlotW-1:0];
  localparam [RowW-1:0]  TpbM1 = TpbI[RowW-1:0];
  localparam [ChW-1:0]   ChM1  = ChI[ChW-1:0];
  localparam [DW-1:0]    DM1   = DI[DW-1:0];
  localparam [6:0]       QwM1  = QwI[6:0];
  localparam [5:0]       P6    = P[5:0];
  localparam [SlotW-1:0] TopKV = TopK[SlotW-1:0];

  reg  [4:0]        st_q;
  reg  [HW-1:0]     h_q;
  reg  [1:0]        mode_q;
  reg  [RgW-1:0]    rg_q;           // region (Regions > 1)
  reg  [SlotW-1:0]  ecnt_q;         // its tokens, from the command (Regions > 1)
  reg  [31:0]       scale_q;
  reg  [DW-1:0]     i_q;            // element index (load, out)
  reg  [RowW-1:0]   row_q;          // scan row (issue side)
  reg  [ChW-1:0]    ch_q;           // scan chunk (issue side)
  reg               issue_q;        // scan still issuing
  (* mem2reg *) reg [SlotW-1:0] cnt_q [0:H-1];      // valid slots per head
  (* mem2reg *) reg [31:0]      clk_cnt_q [0:H-1];  // tokens appended per head (positions)

  // q, k, v of the step
  (* mem2reg *) reg [7:0] q_r [0:D-1];
  (* mem2reg *) reg [7:0] k_r [0:D-1];
  (* mem2reg *) reg [7:0] v_r [0:D-1];
  reg  [7:0] kmax_q;               // max |k_i|, max |v_i| (for int4 scales)
  reg  [7:0] vmax_q;

  // target slot
  reg  [BW-1:0]    tb_q;           // bank
  reg  [RowW-1:0]  tr_q;           // row
  reg  [SlotW-1:0] tslot_q;

  wire in_fire  = in_valid_i && (st_q == SLoad);
  wire out_fire = o_ready_i && (st_q == SOut);
  wire cmd_fire = cmd_valid_i && (st_q == SIdle);

  wire [SlotW-1:0] cnt_h   = (Ext != 0) ? ecnt_q : cnt_q[h_q];
  wire [31:0]      clock_h = (Ext != 0) ? {{(32-SlotW){1'b0}}, ecnt_q} : clk_cnt_q[h_q];
  wire             full_h  = (cnt_h == CapV);
  wire             over_h;                     // only a command's count can be
  generate
    if (Ext != 0) begin : g_ext_over
      assign over_h = (ecnt_q > CapV);
    end else begin : g_int_over
      assign over_h = 1'b0;
    end
  endgenerate
  wire             attend_only = (mode_q == ModeAttend);
  wire             refuse  = !(mode_q == ModeStep || mode_q == ModeAppend || attend_only) ||
                             over_h || (attend_only && cnt_h == {SlotW{1'b0}}) ||
                             (!attend_only && full_h && Prune == 0);

  // |x| of an int8 as 8 bits (|-128| = 128)
  function [7:0] abs8;
    input [7:0] x;
    begin
      abs8 = x[7] ? (~x + 8'd1) : x;
    end
  endfunction

  // int4 scale: max(1, ceil(m / 7)), m <= 128
  function [4:0] scale4;
    input [7:0] m;
    reg [8:0] t;
    begin
      t = ({1'b0, m} + 9'd6) / 9'd7;
      scale4 = (t == 9'd0) ? 5'd1 : t[4:0];
    end
  endfunction

  // int4 value: sign(x) * floor((2|x| + s) / (2s)), clamped to -8..7
  function [3:0] comp4;
    input [7:0] x;
    input [4:0] s;
    reg [7:0] m;
    reg [9:0] r;
    begin
      m = abs8(x);
      r = ({1'b0, m, 1'b0} + {5'd0, s}) / {4'd0, s, 1'b0};
      if (!x[7]) comp4 = (r > 10'd7) ? 4'd7 : r[3:0];
      else       comp4 = (r > 10'd8) ? 4'b1000 : (~r[3:0] + 4'd1);
    end
  endfunction

  wire [4:0] ks_new = (KVB == 4) ? scale4(kmax_q) : 5'd1;
  wire [4:0] vs_new = (KVB == 4) ? scale4(vmax_q) : 5'd1;

  // ---------------------------------------------------------------------------
  // Banks
  // ---------------------------------------------------------------------------
  wire [NB*SW-1:0]   b_max;        // local maxima
  wire [NB*SlotW-1:0] b_tkc;       // top-k pass counts
  wire [NB-1:0]      b_tie;        // keep pass: this row's score equals the threshold
  wire [NB-1:0]      b_gt;         // ... is above it
  reg  [NB-1:0]      b_keep;       // ... is kept
  reg  [SW-1:0]      tk_thr_q;     // threshold found so far (offset binary)
  reg  [4:0]         tk_bit_q;     // bit being decided
  reg  [SlotW-1:0]   tk_gt_q;      // tokens above the threshold
  reg  [SlotW-1:0]   tk_run_q;     // ties kept so far in slot order
  reg                tk_on_q;      // top-k applies to this step (TopK > 0, count > TopK)
  wire [SW-1:0]      tk_cand = tk_thr_q | ({{(SW-1){1'b0}}, 1'b1} << tk_bit_q);
  wire [NB-1:0]      b_any;        // bank holds a valid token
  wire [NB*ZW-1:0]   b_z;          // local sums of exponents
  wire [NB*OW-1:0]   b_o;          // element i_q of each bank's partial o
  wire [NB*IMPW-1:0] b_vimp;       // victim candidates: importance, position, row, found
  wire [NB*32-1:0]   b_vpos;
  wire [NB*RowW-1:0] b_vrow;
  wire [NB-1:0]      b_vok;

  // pipeline tag for the K/V scans: the read issued last cycle
  reg              d_vld_q;
  reg  [RowW-1:0]  d_row_q;
  reg  [ChW-1:0]   d_ch_q;
  wire             d_last_ch = (d_ch_q == ChM1);

  reg  [SW-1:0]    smax_q;
  reg  [ZW-1:0]    z_q;
  reg  [QW-1:0]    recip_q;
  reg  [ZW:0]      rem_q;          // division remainder
  reg  [6:0]       div_i_q;

  // the first row of the command's head (and region) in a bank's memories
  wire [MAW-1:0] hr_m     = h_q * TPB[MAW-1:0] + rg_q * RegRows[MAW-1:0];
  wire [SAW-1:0] hr_s     = h_q * TPB[SAW-1:0] + rg_q * RegRows[SAW-1:0];
  wire [MAW-1:0] base_row = hr_m + {{(MAW-RowW){1'b0}}, row_q};
  wire [MAW-1:0] rd_addr  = base_row * CH[MAW-1:0] + {{(MAW-ChW){1'b0}}, ch_q};
  wire [MAW-1:0] wr_row   = hr_m + {{(MAW-RowW){1'b0}}, tr_q};
  wire [MAW-1:0] wr_addr  = wr_row * CH[MAW-1:0] + {{(MAW-ChW){1'b0}}, ch_q};

  // chunk ch_q of the new k and v, compressed
  wire [KW-1:0] k_chunk;
  wire [KW-1:0] v_chunk;
  genvar gl;
  generate
    for (gl = 0; gl < LN; gl = gl + 1) begin : g_wchunk
      wire [7:0] kx = k_r[ch_q * LN + gl];
      wire [7:0] vx = v_r[ch_q * LN + gl];
      if (KVB == 4) begin : g_c4
        assign k_chunk[gl*KVB +: KVB] = comp4(kx, ks_new);
        assign v_chunk[gl*KVB +: KVB] = comp4(vx, vs_new);
      end else begin : g_c8
        assign k_chunk[gl*KVB +: KVB] = kx;
        assign v_chunk[gl*KVB +: KVB] = vx;
      end
    end
  endgenerate

  wire wr_en = (st_q == SWrite);
  wire wr_last = wr_en && (ch_q == ChM1);

  genvar gb, gk, gc;
  generate
    for (gb = 0; gb < NB; gb = gb + 1) begin : g_bank
      localparam [BW-1:0] BI = gb;
      wire we = wr_en && (tb_q == BI);
      wire [KW-1:0] k_rd;
      wire [KW-1:0] v_rd;
      tf_ram_1r1w #(.Width(KW), .Depth(H*TPB*CH), .AddrW(MAW)) u_k (
        .clk_i(clk_i), .we_i(we), .waddr_i(wr_addr), .wdata_i(k_chunk),
        .re_i(1'b1), .raddr_i(rd_addr), .rdata_o(k_rd));
      tf_ram_1r1w #(.Width(KW), .Depth(H*TPB*CH), .AddrW(MAW)) u_v (
        .clk_i(clk_i), .we_i(we), .waddr_i(wr_addr), .wdata_i(v_chunk),
        .re_i(1'b1), .raddr_i(rd_addr), .rdata_o(v_rd));

      // per-slot state (asynchronous reads)
      reg [4:0]      ks_m  [0:H*TPB-1];
      reg [4:0]      vs_m  [0:H*TPB-1];
      reg [31:0]     pos_m [0:H*TPB-1];
      reg [IMPW-1:0] imp_m [0:H*TPB-1];
      reg [SW-1:0]   sc_m  [0:TPB-1];
      reg [EW-1:0]   e_m   [0:TPB-1];

      wire [SAW-1:0] s_row  = hr_s + {{(SAW-RowW){1'b0}}, row_q};
      wire [SAW-1:0] s_drow = hr_s + {{(SAW-RowW){1'b0}}, d_row_q};
      wire [SAW-1:0] s_trow = hr_s + {{(SAW-RowW){1'b0}}, tr_q};
      // slot row*NB + gb is valid if below the head's count
      localparam integer        GBI = gb;
      localparam [SlotW+RowW:0] NBX = NB[SlotW+RowW:0];
      localparam [SlotW+RowW:0] GBX = GBI[SlotW+RowW:0];
      wire [SlotW+RowW:0] slot_row  = {{(SlotW+1){1'b0}}, row_q} * NBX + GBX;
      wire [SlotW+RowW:0] slot_drow = {{(SlotW+1){1'b0}}, d_row_q} * NBX + GBX;
      wire valid_row  = slot_row < {{(RowW+1){1'b0}}, cnt_h};
      wire valid_drow = slot_drow < {{(RowW+1){1'b0}}, cnt_h};

      // ---- scores: dot product of chunk d_ch_q with q, then times the key scale
      reg  signed [SW-1:0] sacc_q;
      wire signed [SW-1:0] dot;
      wire [LN*SW-1:0] prods;
      for (gk = 0; gk < LN; gk = gk + 1) begin : g_mac
        wire signed [7:0] qe = q_r[d_ch_q * LN + gk];
        wire signed [7:0] ke;
        if (KVB == 4) begin : g_k4
          assign ke = {{4{k_rd[gk*KVB+3]}}, k_rd[gk*KVB +: 4]};
        end else begin : g_k8
          assign ke = k_rd[gk*KVB +: 8];
        end
        wire signed [SW-1:0] qe_s = {{(SW-8){qe[7]}}, qe};
        wire signed [SW-1:0] ke_s = {{(SW-8){ke[7]}}, ke};
        assign prods[gk*SW +: SW] = qe_s * ke_s;
      end
      reg signed [SW-1:0] dsum;
      integer li;
      always @* begin
        dsum = {SW{1'b0}};
        for (li = 0; li < LN; li = li + 1)
          dsum = dsum + $signed(prods[li*SW +: SW]);
      end
      assign dot = dsum;
      wire signed [SW-1:0] srow  = (sacc_q + dot) * $signed({{(SW-5){1'b0}}, ks_m[s_drow]});

      reg signed [SW-1:0] lmax_q;
      reg                 lany_q;
      reg [ZW-1:0]        lz_q;

      // ---- exponent of the row being scanned (asynchronous score read)
      wire [SW:0]  diff = {smax_q[SW-1], smax_q} - {sc_m[row_q][SW-1], sc_m[row_q]};
      wire [63:0]  targ = diff[SW-1:0] * scale_q;   // diff >= 0 and below 2^31
      wire [63:0]  tn   = targ >> F;
      wire [63:0]  tf   = targ & ((64'd1 << F) - 64'd1);
      wire [T-1:0] tidx = tf[F-1 -: T];
      wire [EW-1:0] tab = ExpTable[tidx * EW +: EW];
      wire [EW-1:0] erow = (tn > {58'd0, P6}) ? {EW{1'b0}} : (tab >> tn[5:0]);

      // ---- probability of the row being issued (asynchronous e and scale reads)
      wire [EW+QW-1:0] eprod = e_m[row_q] * recip_q;
      wire [EW+QW-1:0] prow  = (eprod + ({{(EW+QW-1){1'b0}}, 1'b1} << (P + G - 1))) >> (P + G);
      reg  [PW-1:0]    p_q;      // p of the row in the data stage
      reg  [PW+4:0]    pv_q;     // p * vs
      wire [IMPW:0]    imp_sum = {1'b0, imp_m[s_drow]} + {{(IMPW+1-PW){1'b0}}, p_q};
      wire unused_b = ^{diff[SW], tf, prow, tn};

      // ---- top-k: scores as offset binary (monotone unsigned), compared with the
      // candidate threshold (search passes) or the threshold (counting and keep pass)
      wire [SW-1:0] u_row = sc_m[row_q] ^ {1'b1, {(SW-1){1'b0}}};
      reg  [SlotW-1:0] tkc_q;      // this pass's count of rows at or above (above) the mark
      reg              keep_m [0:TPB-1];
      wire tk_hit = (st_q == STkScan) ? (u_row >= tk_cand) : (u_row > tk_thr_q);

      // ---- victim scan: least importance, then oldest, outside the recent window
      reg [IMPW-1:0] vimp_q;
      reg [31:0]     vpos_q;
      reg [RowW-1:0] vrow_q;
      reg            vok_q;
      wire [32:0] limit = {1'b0, clock_h} - Recent;
      wire eligible = ({1'b0, pos_m[s_row]} < limit);
      wire better = !vok_q || (imp_m[s_row] < vimp_q) ||
                    ((imp_m[s_row] == vimp_q) && (pos_m[s_row] < vpos_q));

      always @(posedge clk_i) begin
        if (st_q == SWrite && wr_last && tb_q == BI) begin
          ks_m[s_trow]  <= ks_new;
          vs_m[s_trow]  <= vs_new;
          pos_m[s_trow] <= clock_h;
          imp_m[s_trow] <= {IMPW{1'b0}};
        end
        if (st_q == SScore && d_vld_q && d_last_ch)
          sc_m[d_row_q] <= srow;
        if (st_q == SExp)
          e_m[row_q] <= (valid_row && (!tk_on_q || keep_m[row_q])) ? erow : {EW{1'b0}};
        if (st_q == STkKeep)
          keep_m[row_q] <= b_keep[gb];
        if ((st_q == SPv || st_q == SPvEnd) && d_vld_q && d_last_ch && valid_drow)
          imp_m[s_drow] <= imp_sum[IMPW] ? {IMPW{1'b1}} : imp_sum[IMPW-1:0];
      end

      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          sacc_q <= {SW{1'b0}};
          tkc_q  <= {SlotW{1'b0}};
          lmax_q <= {SW{1'b0}};
          lany_q <= 1'b0;
          lz_q   <= {ZW{1'b0}};
          p_q    <= {PW{1'b0}};
          pv_q   <= {(PW+5){1'b0}};
          vimp_q <= {IMPW{1'b0}};
          vpos_q <= 32'd0;
          vrow_q <= {RowW{1'b0}};
          vok_q  <= 1'b0;
        end else begin
          if (cmd_fire) begin
            lany_q <= 1'b0;
            lz_q   <= {ZW{1'b0}};
            vok_q  <= 1'b0;
          end
          if (st_q == SScore && d_vld_q) begin
            sacc_q <= d_last_ch ? {SW{1'b0}} : sacc_q + dot;
            if (d_last_ch && valid_drow && (!lany_q || srow > lmax_q)) begin
              lmax_q <= srow;
              lany_q <= 1'b1;
            end
          end
          if (st_q == SExp && valid_row && (!tk_on_q || keep_m[row_q]))
            lz_q <= lz_q + {{(ZW-EW){1'b0}}, erow};
          if (st_q == STkRed || st_q == STkGtRed)
            tkc_q <= {SlotW{1'b0}};
          else if ((st_q == STkScan || st_q == STkGt) && valid_row && tk_hit)
            tkc_q <= tkc_q + 1'b1;
          if ((st_q == SPv) && issue_q && ch_q == {ChW{1'b0}}) begin
            p_q  <= prow[PW-1:0];
            pv_q <= prow[PW-1:0] * vs_m[s_row];
          end
          if (st_q == SVict && eligible && better) begin
            vimp_q <= imp_m[s_row];
            vpos_q <= pos_m[s_row];
            vrow_q <= row_q;
            vok_q  <= 1'b1;
          end
        end
      end

      // ---- sum p * v into the bank's partial o (data stage); lane gk holds the
      // elements ch*LN + gk, ch = 0..CH-1
      wire [OW-1:0] acc_e [0:D-1];
      for (gk = 0; gk < LN; gk = gk + 1) begin : g_acc
        wire signed [7:0] ve;
        if (KVB == 4) begin : g_v4
          assign ve = {{4{v_rd[gk*KVB+3]}}, v_rd[gk*KVB +: 4]};
        end else begin : g_v8
          assign ve = v_rd[gk*KVB +: 8];
        end
        wire signed [OW-1:0] pv_s = $signed({{(OW-PW-5){1'b0}}, pv_q});
        wire signed [OW-1:0] ve_s = {{(OW-8){ve[7]}}, ve};
        wire signed [OW-1:0] term = pv_s * ve_s;
        reg  [OW-1:0] acc_l [0:CH-1];
        integer ci;
        always @(posedge clk_i) begin
          if (cmd_fire) begin
            for (ci = 0; ci < CH; ci = ci + 1)
              acc_l[ci] <= {OW{1'b0}};
          end else if ((st_q == SPv || st_q == SPvEnd) && d_vld_q && valid_drow) begin
            acc_l[d_ch_q] <= acc_l[d_ch_q] + term;
          end
        end
        for (gc = 0; gc < CH; gc = gc + 1) begin : g_e
          assign acc_e[gc*LN + gk] = acc_l[gc];
        end
      end

      assign b_max[gb*SW +: SW]       = lmax_q;
      assign b_tkc[gb*SlotW +: SlotW] = tkc_q;
      assign b_tie[gb]                = valid_row && (u_row == tk_thr_q);
      assign b_gt[gb]                 = valid_row && (u_row > tk_thr_q);
      assign b_any[gb]                = lany_q;
      assign b_z[gb*ZW +: ZW]         = lz_q;
      assign b_o[gb*OW +: OW]         = acc_e[i_q];
      assign b_vimp[gb*IMPW +: IMPW]  = vimp_q;
      assign b_vpos[gb*32 +: 32]      = vpos_q;
      assign b_vrow[gb*RowW +: RowW]  = vrow_q;
      assign b_vok[gb]                = vok_q;
    end
  endgenerate

  // ---------------------------------------------------------------------------
  // Reductions across banks
  // ---------------------------------------------------------------------------
  reg  signed [SW-1:0] red_max;
  reg  [ZW-1:0]        red_z;
  reg  [OW-1:0]        red_o;
  reg  [BW-1:0]        red_vb;
  reg  [IMPW-1:0]      red_vimp;
  reg  [31:0]          red_vpos;
  reg                  red_vok;
  integer ri;
  always @* begin
    red_max  = {1'b1, {(SW-1){1'b0}}};
    red_z    = {ZW{1'b0}};
    red_o    = {OW{1'b0}};
    red_vb   = {BW{1'b0}};
    red_vimp = {IMPW{1'b0}};
    red_vpos = 32'd0;
    red_vok  = 1'b0;
    for (ri = 0; ri < NB; ri = ri + 1) begin
      if (b_any[ri] && $signed(b_max[ri*SW +: SW]) > red_max)
        red_max = b_max[ri*SW +: SW];
      red_z = red_z + b_z[ri*ZW +: ZW];
      red_o = red_o + b_o[ri*OW +: OW];
      if (b_vok[ri] && (!red_vok || b_vimp[ri*IMPW +: IMPW] < red_vimp ||
          (b_vimp[ri*IMPW +: IMPW] == red_vimp && b_vpos[ri*32 +: 32] < red_vpos))) begin
        red_vok  = 1'b1;
        red_vb   = ri[BW-1:0];
        red_vimp = b_vimp[ri*IMPW +: IMPW];
        red_vpos = b_vpos[ri*32 +: 32];
      end
    end
  end
  wire [RowW-1:0] red_vrow = b_vrow[red_vb*RowW +: RowW];

  // top-k: the pass's total count; in the keep pass, ties in slot order (bank order
  // within a row) are kept while tokens above + ties kept before stay below TopK
  reg [SlotW-1:0] tk_total;
  reg [SlotW-1:0] tk_ties;      // ties of this row (all banks)
  reg [SlotW-1:0] tk_before;
  integer ti;
  always @* begin
    tk_total  = {SlotW{1'b0}};
    tk_ties   = {SlotW{1'b0}};
    tk_before = {SlotW{1'b0}};
    b_keep   = {NB{1'b0}};
    for (ti = 0; ti < NB; ti = ti + 1) begin
      tk_total  = tk_total + b_tkc[ti*SlotW +: SlotW];
      tk_before = tk_gt_q + tk_run_q + tk_ties;
      // tk_before < TopK, written so that TopK = 0 does not make it a constant
      b_keep[ti] = b_gt[ti] || (b_tie[ti] && (({1'b0, tk_before} + 1'b1) <= {1'b0, TopKV}));
      if (b_tie[ti])
        tk_ties = tk_ties + 1'b1;
    end
  end
  wire [SlotW-1:0] vslot = {{(SlotW-RowW){1'b0}}, red_vrow} * NBS + {{(SlotW-BW){1'b0}}, red_vb};
  // next free slot: bank count mod NB, row count div NB
  wire [SlotW-1:0] nb_mod = cnt_h % NBS;
  wire [SlotW-1:0] nb_div = cnt_h / NBS;
  wire unused_nb = ^{nb_mod, nb_div};

  // ---------------------------------------------------------------------------
  // Control
  // ---------------------------------------------------------------------------
  // scans stop at the last row holding a valid slot: (count - 1) div NB
  wire [SlotW-1:0] lr_div   = (cnt_h - {{(SlotW-1){1'b0}}, 1'b1}) / NBS;
  wire [RowW-1:0]  last_row = lr_div[RowW-1:0];
  wire unused_lr = ^lr_div;
  wire scan_end = (row_q == last_row) && (ch_q == ChM1);
  reg [CntW-1:0] cyc_q;
  reg [CntW-1:0] wait_q;
  integer hi;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q         <= SIdle;
      h_q          <= {HW{1'b0}};
      mode_q       <= ModeStep;
      rg_q         <= {RgW{1'b0}};
      ecnt_q       <= {SlotW{1'b0}};
      scale_q      <= 32'd0;
      i_q          <= {DW{1'b0}};
      row_q        <= {RowW{1'b0}};
      ch_q         <= {ChW{1'b0}};
      issue_q      <= 1'b0;
      d_vld_q      <= 1'b0;
      d_row_q      <= {RowW{1'b0}};
      d_ch_q       <= {ChW{1'b0}};
      kmax_q       <= 8'd0;
      vmax_q       <= 8'd0;
      tb_q         <= {BW{1'b0}};
      tr_q         <= {RowW{1'b0}};
      tslot_q      <= {SlotW{1'b0}};
      smax_q       <= {SW{1'b0}};
      tk_thr_q     <= {SW{1'b0}};
      tk_bit_q     <= 5'd0;
      tk_gt_q      <= {SlotW{1'b0}};
      tk_run_q     <= {SlotW{1'b0}};
      tk_on_q      <= 1'b0;
      z_q          <= {ZW{1'b0}};
      recip_q      <= {QW{1'b0}};
      rem_q        <= {(ZW+1){1'b0}};
      div_i_q      <= 7'd0;
      step_err_o   <= 1'b0;
      evict_o      <= 1'b0;
      evict_slot_o <= {SlotW{1'b0}};
      slot_o       <= {SlotW{1'b0}};
      cyc_q        <= {CntW{1'b0}};
      wait_q       <= {CntW{1'b0}};
      for (hi = 0; hi < H; hi = hi + 1) begin
        cnt_q[hi]     <= {SlotW{1'b0}};
        clk_cnt_q[hi] <= 32'd0;
      end
    end else begin
      // pipeline tag of the K/V scans
      d_vld_q <= issue_q && (st_q == SScore || st_q == SPv);
      d_row_q <= row_q;
      d_ch_q  <= (st_q == SWrite) ? {ChW{1'b0}} : ch_q;
      if (st_q != SIdle) begin
        cyc_q <= cyc_q + {{(CntW-1){1'b0}}, 1'b1};
        if ((st_q == SLoad && !in_valid_i) || (st_q == SOut && !o_ready_i))
          wait_q <= wait_q + {{(CntW-1){1'b0}}, 1'b1};
      end
      case (st_q)
        SIdle: begin
          if (cmd_fire) begin
            h_q     <= cmd_head_i;
            scale_q <= cmd_scale_i;
            mode_q  <= cmd_mode_i;
            rg_q    <= (Ext != 0) ? cmd_region_i : {RgW{1'b0}};
            ecnt_q  <= (Ext != 0) ? cmd_count_i : {SlotW{1'b0}};
            cyc_q   <= {{(CntW-1){1'b0}}, 1'b1};
            wait_q  <= {CntW{1'b0}};
            i_q     <= {DW{1'b0}};
            kmax_q  <= 8'd0;
            vmax_q  <= 8'd0;
            if (cmd_clear_i) begin
              cnt_q[cmd_head_i]     <= {SlotW{1'b0}};
              clk_cnt_q[cmd_head_i] <= 32'd0;
            end else begin
              st_q <= SLoad;
            end
          end
        end
        SLoad: begin
          if (in_fire) begin
            q_r[i_q] <= in_q_i;
            k_r[i_q] <= in_k_i;
            v_r[i_q] <= in_v_i;
            if (abs8(in_k_i) > kmax_q) kmax_q <= abs8(in_k_i);
            if (abs8(in_v_i) > vmax_q) vmax_q <= abs8(in_v_i);
            i_q <= i_q + 1'b1;
            if (i_q == DM1) begin
              i_q     <= {DW{1'b0}};
              row_q   <= {RowW{1'b0}};
              ch_q    <= {ChW{1'b0}};
              evict_o <= 1'b0;
              step_err_o <= refuse;
              if (refuse) begin
                st_q    <= SIdle;
              end else if (attend_only) begin
                issue_q <= 1'b1;
                st_q    <= SScore;
              end else if (!full_h) begin
                tslot_q <= cnt_h;
                tb_q    <= nb_mod[BW-1:0];
                tr_q    <= nb_div[RowW-1:0];
                st_q    <= SWrite;
              end else begin
                st_q    <= SVict;   // Prune != 0
              end
            end
          end
        end
        SVict: begin
          row_q <= row_q + 1'b1;
          if (row_q == TpbM1) begin
            row_q <= {RowW{1'b0}};
            st_q  <= SVRed;
          end
        end
        SVRed: begin
          tb_q         <= red_vb;
          tr_q         <= red_vrow;
          tslot_q      <= vslot;
          evict_o      <= 1'b1;
          evict_slot_o <= vslot;
          st_q         <= SWrite;
        end
        SWrite: begin
          ch_q <= ch_q + 1'b1;
          if (ch_q == ChM1) begin
            ch_q   <= {ChW{1'b0}};
            row_q  <= {RowW{1'b0}};
            slot_o <= tslot_q;
            if (Ext != 0) begin
              ecnt_q <= cnt_h + 1'b1;   // never full here: Regions > 1 needs Prune = 0
            end else begin
              if (!full_h) cnt_q[h_q] <= cnt_h + 1'b1;
              clk_cnt_q[h_q] <= clock_h + 32'd1;
            end
            issue_q <= (mode_q != ModeAppend);
            st_q    <= (mode_q == ModeAppend) ? SIdle : SScore;
          end
        end
        SScore: begin
          if (issue_q) begin
            ch_q <= ch_q + 1'b1;
            if (ch_q == ChM1) begin
              ch_q  <= {ChW{1'b0}};
              row_q <= row_q + 1'b1;
            end
            if (scan_end) begin
              issue_q <= 1'b0;
              row_q   <= {RowW{1'b0}};
            end
          end else begin
            st_q <= SScEnd;   // the last read's data was processed this cycle
          end
        end
        SScEnd: begin
          st_q <= SSRed;
        end
        SSRed: begin
          smax_q   <= red_max;
          row_q    <= {RowW{1'b0}};
          tk_thr_q <= {SW{1'b0}};
          tk_bit_q <= 5'd31;
          tk_run_q <= {SlotW{1'b0}};
          tk_on_q  <= (TopK > 0) && (cnt_h > TopKV);
          st_q     <= ((TopK > 0) && (cnt_h > TopKV)) ? STkScan : SExp;
        end
        // top-k threshold: the largest value with at least TopK scores at or above it,
        // decided bit by bit (one scan per bit), then a pass counting the scores above it,
        // then the keep pass (docs/numerics.md 10, step 3)
        STkScan, STkGt: begin
          row_q <= row_q + 1'b1;
          if (row_q == last_row) begin
            row_q <= {RowW{1'b0}};
            st_q  <= (st_q == STkScan) ? STkRed : STkGtRed;
          end
        end
        STkRed: begin
          if (({1'b0, tk_total} + 1'b1) > {1'b0, TopKV})   // tk_total >= TopK
            tk_thr_q <= tk_cand;
          tk_bit_q <= tk_bit_q - 5'd1;
          st_q     <= (tk_bit_q == 5'd0) ? STkGt : STkScan;
        end
        STkGtRed: begin
          tk_gt_q <= tk_total;
          st_q    <= STkKeep;
        end
        STkKeep: begin
          tk_run_q <= tk_run_q + tk_ties;
          row_q    <= row_q + 1'b1;
          if (row_q == last_row) begin
            row_q <= {RowW{1'b0}};
            st_q  <= SExp;
          end
        end
        SExp: begin
          row_q <= row_q + 1'b1;
          if (row_q == last_row) begin
            row_q <= {RowW{1'b0}};
            st_q  <= SZRed;
          end
        end
        SZRed: begin
          z_q     <= red_z;
          rem_q   <= {(ZW+1){1'b0}};
          recip_q <= {QW{1'b0}};
          div_i_q <= 7'd0;
          st_q    <= SDiv;
        end
        SDiv: begin
          // restoring division of 2^(QW-1) by z, one quotient bit per cycle, MSB first
          begin : div_step
            reg [ZW+1:0] r2;
            r2 = {rem_q, (div_i_q == 7'd0)};
            if (r2 >= {2'b00, z_q}) begin
              rem_q   <= r2[ZW:0] - {1'b0, z_q};
              recip_q <= {recip_q[QW-2:0], 1'b1};
            end else begin
              rem_q   <= r2[ZW:0];
              recip_q <= {recip_q[QW-2:0], 1'b0};
            end
          end
          div_i_q <= div_i_q + 7'd1;
          if (div_i_q == QwM1) begin
            row_q   <= {RowW{1'b0}};
            ch_q    <= {ChW{1'b0}};
            issue_q <= 1'b1;
            st_q    <= SPv;
          end
        end
        SPv: begin
          if (issue_q) begin
            ch_q <= ch_q + 1'b1;
            if (ch_q == ChM1) begin
              ch_q  <= {ChW{1'b0}};
              row_q <= row_q + 1'b1;
            end
            if (scan_end) begin
              issue_q <= 1'b0;
              row_q   <= {RowW{1'b0}};
              st_q    <= SPvEnd;
            end
          end
        end
        SPvEnd: begin
          i_q  <= {DW{1'b0}};
          st_q <= SOut;
        end
        SOut: begin
          if (out_fire) begin
            i_q <= i_q + 1'b1;
            if (i_q == DM1)
              st_q <= SIdle;
          end
        end
        default: st_q <= SIdle;
      endcase
    end
  end

  assign cmd_ready_o   = (st_q == SIdle);
  assign in_ready_o    = (st_q == SLoad);
  assign o_valid_o     = (st_q == SOut);
  assign o_data_o      = red_o;
  assign o_last_o      = (st_q == SOut) && (i_q == DM1);
  assign busy_o        = (st_q != SIdle);
  assign stat_cycles_o = cyc_q;
  assign stat_wait_o   = wait_q;

endmodule

`default_nettype wire
