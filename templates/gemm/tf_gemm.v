// tf_gemm -- tiled GEMM engine C[MxN] = A[MxK] * B[KxN] on an R x C systolic array,
// output-stationary (Dataflow = 0) or weight-stationary (Dataflow = 1) (fixed-text
// template; the generator's <name>_gemm only sets its parameters).
//
// Load A and B into the on-chip buffers (LOAD_A, LOAD_B row-major on in_*, or LOAD_AT,
// LOAD_BT transposed), optionally the per-column requantization entries (LOAD_RQ on
// rq_*), then issue GEMM. Results leave on c_* one row of C lanes per beat (lanes at or
// beyond N are zero), tile by tile; c_row_o is the row m, c_col_o the first column n.
// With a result store (StoreImpl != 0) a GEMM may read A and B from the store S (cmd_asrc_i /
// cmd_bsrc_i: SrcSt = S, SrcStT = S^T) and write its requantized result into S instead of
// c_* (cmd_store_i). A command that is out of range or not supported by the design is
// consumed, does nothing, and raises err_o until the next accepted command.
// With a buffer write port (HasBw = 1, a design with a memory system) every A and B lane
// memory holds two halves: a GEMM reads the halves cmd_ahalf_i / cmd_bhalf_i name, a
// LOAD_A/AT writes half cmd_ahalf_i, a LOAD_B/BT half cmd_bhalf_i, and bw_* writes two
// lane-vectors per cycle (slot j: one word into each lane whose bw_mask_i bit of the slot
// is set, all at word bw_addr_i[j] of half bw_half_i of A or B; bw_gpar_i[j] the parity of
// that word's lane group; the two slots in different banks, see the operand buffers) at
// any time -- also while a GEMM runs -- except during a LOAD_* and into a half the running
// GEMM reads (bw_ready_o low until it ends).
// With both (HasBw = 1 and a store), the DMA reaches S: sw_* writes C words of one row
// of S (row sw_row_i, words sw_col_i .. sw_col_i + C - 1, lanes with sw_mask_i set) and
// sr_* reads C words of a row (row sr_row_i, word group sr_tile_i: words sr_tile_i*C ..),
// on sr_data_o in the cycle after the request. Both are ready only while no GEMM runs or
// starts (the store port rule: a DMA access never meets a GEMM's reads or stores).
// stat_cycles_o counts the cycles of the last GEMM, stat_stall_o those of them lost to
// c_ready_i back-pressure. docs/architecture.md 2 (engine) has the timing in detail.
//
// Structure: command decode and loader, R + C operand lane memories (tf_ram_1r1w), the
// schedule of the dataflow (generate g_os: skew, tf_mesh_os, readout sequencer; g_ws:
// weight and A skew, tf_mesh_ws, de-skew, accumulator buffer), the beat register, the
// output stage (g_rq: tf_gemm_rq, when HasRq; else the beat register directly), the
// result store (g_store: tf_gemm_store, when StoreImpl != 0), tf_skid, the counters.
//
// Handshake: cmd_*, in_*, rq_* and c_* are valid/ready streams. cmd_ready_o is high
// while the engine is idle; in_ready_o during a LOAD_A/B/AT/BT, rq_ready_o during a
// LOAD_RQ, one element or entry per beat. The skid buffer's registered ready is the
// engine's global advance: while c_ready_i back-pressure fills it, the whole engine
// freezes for exactly those cycles.
// Latency: a GEMM's cycles are the plan's cycle model (tforge check prints it), e.g.
// OS (T-1)*max(K,R,C) + K + C + Rlast + 1 + RqLat, T = ceil(M/R)*ceil(N/C), without
// back-pressure.
//
// Parameters. Each is a field of the plan (gen/plan.c, struct tf_plan); the defaults
// (configs/default.ini) exist only so that the module lints on its own.
//   Dataflow    dataflow: 0 output-stationary, 1 weight-stationary
//   R, C        rows, cols: the array
//   OpW, AccW   op_bits, acc_bits: signed operand and accumulator widths
//   MMax, KMax, NMax   max_m, max_k, max_n: the GEMM maxima
//   DimW        dim_w: width of every dimension port and counter
//   AW          addr_w: width of every buffer address counter
//   MtW, NtW, KtW      mt_w, nt_w, kt_w: tile index widths
//   MTMax, NTMax, KTMax  mt_max, nt_max, kt_max: tile counts at the maxima
//   LaneW       lane_w: lane index (max(R, C) lanes)
//   RowSelW     rowsel_w: row index inside the array
//   RowIdxW, ColIdxW   row_idx_w, col_idx_w: c_row_o / c_col_o widths
//   MaxRC       max_rc = max(R, C): the OS minimum tile period
//   ADepth, AAW, BDepth, BAW   a_depth, a_addr_w, b_depth, b_addr_w: lane memories
//   AccDepth, CAW      acc_depth, acc_addr_w: WS accumulator lane memories
//   MinPeriod   min_period: the WS minimum tile period
//   ALaneOnCol  a_lane_on_col: 1 if an A element's lane is its column (WS)
//   AStride, BStride   a_stride, b_stride: lane memory address step per tile
//   HasRq       requant: requantization hardware present
//   RqOutW, RqLat      rq_bits, lat_rq: requantized width, requant stage latency
//   StoreImpl   store: 0 none, 1 flops, 2 banked
//   StNB, StIdxW, StRowW, StColW   st_nb, st_idx_w, st_row_w, st_col_w: the store
//   CntW        cnt_w: statistics counter width (48)
//   HasBw       the buffer write port and the two halves of every A and B lane memory
//   LMax, BwAW  max(R, C): lanes of a bw_data_i slot; width of a bw_addr_i slot (>= AAW, BAW)
// Interface facts (the plan's params header has them as TFP_OP_*, TFP_SRC_*,
// TFP_RQ_MULT_W, TFP_RQ_SHIFT_W):
//   CmdOpW, OpLoadA, OpLoadB, OpLoadRq, OpGemm, OpLoadAT, OpLoadBT   cmd_op_i: 3 bits, 0..5
//   SrcW, SrcBuf, SrcSt, SrcStT        cmd_asrc_i / cmd_bsrc_i: 2 bits, 0 buffer, 1 S, 2 S^T
//   RqMultW, RqShiftW                  rq_mult_i / rq_shift_i: 31 and 5 bits (tf_requant's)
`default_nettype none

module tf_gemm #(
  parameter integer Dataflow   = 0,
  parameter integer R          = 8,
  parameter integer C          = 8,
  parameter integer OpW        = 8,
  parameter integer AccW       = 22,
  parameter integer MMax       = 64,
  parameter integer KMax       = 64,
  parameter integer NMax       = 64,
  parameter integer DimW       = 7,
  parameter integer AW         = 9,
  parameter integer MtW        = 3,
  parameter integer NtW        = 3,
  parameter integer KtW        = 3,
  parameter integer MTMax      = 8,
  parameter integer NTMax      = 8,
  parameter integer KTMax      = 8,
  parameter integer LaneW      = 3,
  parameter integer RowSelW    = 3,
  parameter integer RowIdxW    = 6,
  parameter integer ColIdxW    = 6,
  parameter integer MaxRC      = 8,
  parameter integer ADepth     = 512,
  parameter integer AAW        = 9,
  parameter integer BDepth     = 512,
  parameter integer BAW        = 9,
  parameter integer AccDepth   = 64,
  parameter integer CAW        = 6,
  parameter integer MinPeriod  = 1,
  parameter integer ALaneOnCol = 0,
  parameter integer AStride    = 64,
  parameter integer BStride    = 64,
  parameter integer HasRq      = 1,
  parameter integer RqOutW     = 8,
  parameter integer RqLat      = 2,
  parameter integer StoreImpl  = 0,
  parameter integer StNB       = 64,
  parameter integer StIdxW     = 6,
  parameter integer StRowW     = 6,
  parameter integer StColW     = 6,
  parameter integer CntW       = 48,
  parameter integer HasBw      = 0,
  parameter integer LMax       = 8,
  parameter integer BwAW       = 9,
  parameter integer CmdOpW     = 3,
  parameter [CmdOpW-1:0] OpLoadA  = 3'd0,
  parameter [CmdOpW-1:0] OpLoadB  = 3'd1,
  parameter [CmdOpW-1:0] OpLoadRq = 3'd2,
  parameter [CmdOpW-1:0] OpGemm   = 3'd3,
  parameter [CmdOpW-1:0] OpLoadAT = 3'd4,
  parameter [CmdOpW-1:0] OpLoadBT = 3'd5,
  parameter integer SrcW       = 2,
  parameter [SrcW-1:0] SrcBuf  = 2'd0,
  parameter [SrcW-1:0] SrcSt   = 2'd1,
  parameter [SrcW-1:0] SrcStT  = 2'd2,
  parameter integer RqMultW    = 31,
  parameter integer RqShiftW   = 5
) (
  input  wire                  clk_i,
  input  wire                  rst_ni,
  // command: LOAD_A, LOAD_B, LOAD_RQ, GEMM, LOAD_AT, LOAD_BT (OpLoadA .. OpLoadBT)
  input  wire                  cmd_valid_i,
  output wire                  cmd_ready_o,
  input  wire [CmdOpW-1:0]     cmd_op_i,
  input  wire [DimW-1:0]       cmd_m_i,
  input  wire [DimW-1:0]       cmd_k_i,
  input  wire [DimW-1:0]       cmd_n_i,
  input  wire                  cmd_requant_i,
  // GEMM only: A and B source (SrcBuf, SrcSt, SrcStT), store the result
  input  wire [SrcW-1:0]       cmd_asrc_i,
  input  wire [SrcW-1:0]       cmd_bsrc_i,
  input  wire                  cmd_store_i,
  // the halves a GEMM reads and a LOAD_* writes (HasBw)
  input  wire                  cmd_ahalf_i,
  input  wire                  cmd_bhalf_i,
  // operand elements for LOAD_A / LOAD_B (row-major) and LOAD_AT / LOAD_BT (transposed)
  input  wire                  in_valid_i,
  output wire                  in_ready_o,
  input  wire [OpW-1:0]        in_data_i,
  // requantization entries for LOAD_RQ, column 0 first
  input  wire                  rq_valid_i,
  output wire                  rq_ready_o,
  input  wire [RqMultW-1:0]    rq_mult_i,
  input  wire [RqShiftW-1:0]   rq_shift_i,
  // buffer write port (HasBw): two lane-vectors (slots) of A (bw_tgt_i 0) or B (1) per beat
  input  wire                  bw_valid_i,
  output wire                  bw_ready_o,
  input  wire                  bw_tgt_i,
  input  wire                  bw_half_i,
  input  wire [2*BwAW-1:0]     bw_addr_i,
  input  wire [1:0]            bw_gpar_i,
  input  wire [2*LMax*OpW-1:0] bw_data_i,
  input  wire [2*LMax-1:0]     bw_mask_i,
  // result store port of the DMA (HasBw and a store): row writes and row reads of C words
  input  wire                  sw_valid_i,
  output wire                  sw_ready_o,
  input  wire [RowIdxW-1:0]    sw_row_i,
  input  wire [ColIdxW-1:0]    sw_col_i,
  input  wire [C*OpW-1:0]      sw_data_i,
  input  wire [C-1:0]          sw_mask_i,
  input  wire                  sr_valid_i,
  output wire                  sr_ready_o,
  input  wire [RowIdxW-1:0]    sr_row_i,
  input  wire [ColIdxW-1:0]    sr_tile_i,
  output wire [C*OpW-1:0]      sr_data_o,
  // results: one row of C lanes per beat
  output wire                  c_valid_o,
  input  wire                  c_ready_i,
  output wire [C*AccW-1:0]     c_data_o,
  output wire [RowIdxW-1:0]    c_row_o,
  output wire [ColIdxW-1:0]    c_col_o,
  output wire                  c_last_o,
  output wire                  busy_o,
  output wire                  err_o,
  output wire [CntW-1:0]       stat_cycles_o,
  output wire [CntW-1:0]       stat_stall_o
);

  // Every dimension is DimW bits wide; the names say which one a signal holds.
  localparam integer MW  = DimW;
  localparam integer KW  = DimW;
  localparam integer NW  = DimW;
  localparam integer PhW = DimW;
  localparam integer HasStore = (StoreImpl != 0) ? 1 : 0;
  // The store's A word groups: M tiles (OS) or K tiles (WS).
  localparam integer AGrpW    = (Dataflow == 0) ? MtW : KtW;
  localparam integer AGrpN    = (Dataflow == 0) ? MTMax : KTMax;
  // Constants sized to the signals they meet (truncated like the plan's sized values).
  localparam [AW-1:0]      AStrideV = AStride[AW-1:0];
  localparam [AW-1:0]      BStrideV = BStride[AW-1:0];
  localparam integer       RM1      = R - 1;
  localparam integer       CM1      = C - 1;
  localparam [LaneW-1:0]   ALanesM1 = RM1[LaneW-1:0];
  localparam [LaneW-1:0]   BLanesM1 = CM1[LaneW-1:0];
  localparam [LaneW-1:0]   CLanesM1 = CM1[LaneW-1:0];
  localparam [DimW-1:0]    RDimV    = R[DimW-1:0];
  localparam [DimW-1:0]    CDimV    = C[DimW-1:0];
  localparam [RowIdxW-1:0] RRowV    = R[RowIdxW-1:0];
  localparam [ColIdxW-1:0] CColV    = C[ColIdxW-1:0];

  // Parameter checks, at elaboration: a failing check instantiates a module that does
  // not exist, whose name says what is wrong (a static assertion in Verilog-2005). They
  // also keep the parameters of the optional blocks referenced when a design's file
  // list names only the modules it uses (Verilator UNUSEDPARAM).
  generate
    if ((Dataflow != 0 && Dataflow != 1) || StoreImpl < 0 || StoreImpl > 2
        || (HasRq != 0 && HasRq != 1) || AW < DimW || AW < AAW || AW < BAW
        || (Dataflow == 0 && (MaxRC < R || MaxRC < C))) begin : g_bad_params
      tf_gemm_error_bad_dataflow_store_or_address_parameters u_error ();
    end
    if (HasRq != 0 && (RqLat != 2 || RqMultW != 31 || RqShiftW != 5 || NTMax < 1
                       || RqOutW > AccW)) begin : g_bad_rq_params
      tf_gemm_error_requant_parameters_do_not_match_tf_requant u_error ();
    end
    if (StoreImpl != 0 && (HasRq == 0 || RqOutW > OpW || StNB < MMax || StNB < NMax
                           || (1 << StIdxW) < StNB || (1 << StRowW) < MMax
                           || (1 << StColW) < NMax || AGrpN < 1)) begin : g_bad_store_params
      tf_gemm_error_inconsistent_store_parameters u_error ();
    end
    if ((HasBw != 0 && HasBw != 1) || LMax < R || LMax < C || BwAW < AAW || BwAW < BAW) begin : g_bad_bw_params
      tf_gemm_error_inconsistent_buffer_port_parameters u_error ();
    end
  endgenerate

  // ---------------------------------------------------------------------------
  // Command decode, operand loader and operand buffers.
  // Commands: 0 LOAD_A (M x K elements, row-major, on in_*), 1 LOAD_B (K x N,
  // row-major, on in_*), 2 LOAD_RQ (N requant entries on rq_*), 3 GEMM,
  // 4 LOAD_AT (A^T, i.e. K x M row-major: A by columns), 5 LOAD_BT (B^T, N x K
  // row-major: B by columns, e.g. K of Q*K^T token by token). The lane memories take
  // an operand in either orientation; no transpose pass is needed.
  // GEMM reads each operand from its buffer (source 0) or, with gemm.store, from
  // the result store S that an earlier GEMM issued with cmd_store_i filled:
  // source 1 is S, source 2 is S^T, both read by rows or columns as the schedule
  // needs (no transpose pass). A GEMM with cmd_store_i writes its requantized
  // results into S instead of c_*. Load commands ignore the source and store bits.
  // A command whose dimensions are 0 or above the maxima, that reads a store the
  // design lacks or beyond its max_m x max_n words, or that stores while reading
  // the store or without requantization, is consumed, does nothing, and raises
  // err_o until the next accepted command.
  // ---------------------------------------------------------------------------
  localparam [1:0] StIdle   = 2'd0;
  localparam [1:0] StLoad   = 2'd1;
  localparam [1:0] StLoadRq = 2'd2;
  localparam [1:0] StRun    = 2'd3;

  localparam [MW-1:0] MMaxV = MMax[MW-1:0];
  localparam [KW-1:0] KMaxV = KMax[KW-1:0];
  localparam [NW-1:0] NMaxV = NMax[NW-1:0];

  reg  [1:0]      state_q;
  reg  [MW-1:0]   m_q;
  reg  [KW-1:0]   k_q;
  reg  [NW-1:0]   n_q;
  reg             rq_en_q;
  reg             ld_b_q;
  reg             ld_t_q;       // the stream is the transpose of the operand
  reg             err_q;
  reg  [1:0]      asrc_q;       // operand sources and store flag of the GEMM
  reg  [1:0]      bsrc_q;
  reg             store_q;
  reg             ld_half_q;    // the half a LOAD_* writes
  reg             ah_q;         // the halves the GEMM reads
  reg             bh_q;
  wire            en;           // global advance: low when the output is back-pressured
  wire            run_done;     // the last output beat enters the output buffer

  // Bounds are compared one bit wider: a maximum of 2^DimW - 1 would otherwise make
  // the comparison constant (Verilator CMPCONST).
  wire [DimW:0] cm_x   = {1'b0, cmd_m_i};
  wire [DimW:0] ck_x   = {1'b0, cmd_k_i};
  wire [DimW:0] cn_x   = {1'b0, cmd_n_i};
  wire [DimW:0] mmax_x = {1'b0, MMaxV};
  wire [DimW:0] kmax_x = {1'b0, KMaxV};
  wire [DimW:0] nmax_x = {1'b0, NMaxV};
  wire m_ok = (cmd_m_i != {MW{1'b0}}) && (cm_x <= mmax_x);
  wire k_ok = (cmd_k_i != {KW{1'b0}}) && (ck_x <= kmax_x);
  wire n_ok = (cmd_n_i != {NW{1'b0}}) && (cn_x <= nmax_x);
  // A = S reads S[m][k] (K <= max_n); A = S^T reads S[k][m] (M <= max_n, K <= max_m);
  // B = S reads S[k][n] (K <= max_m); B = S^T reads S[n][k] (N <= max_m, K <= max_n).
  reg  a_src_ok;
  reg  b_src_ok;
  always @* begin
    case (cmd_asrc_i)
      SrcBuf:  a_src_ok = 1'b1;
      SrcSt:   a_src_ok = (ck_x <= nmax_x);
      SrcStT:  a_src_ok = (cm_x <= nmax_x) && (ck_x <= mmax_x);
      default: a_src_ok = 1'b0;
    endcase
    case (cmd_bsrc_i)
      SrcBuf:  b_src_ok = 1'b1;
      SrcSt:   b_src_ok = (ck_x <= mmax_x);
      SrcStT:  b_src_ok = (cn_x <= mmax_x) && (ck_x <= nmax_x);
      default: b_src_ok = 1'b0;
    endcase
  end
  wire reads_st = (cmd_asrc_i != SrcBuf) || (cmd_bsrc_i != SrcBuf);
  wire src_ok   = (HasStore != 0)
                ? (a_src_ok && b_src_ok && !(cmd_store_i && (reads_st || !cmd_requant_i)))
                : (!reads_st && !cmd_store_i);
  reg  cmd_ok;
  always @* begin
    case (cmd_op_i)
      OpLoadA:  cmd_ok = m_ok && k_ok;
      OpLoadB:  cmd_ok = k_ok && n_ok;
      OpLoadRq: cmd_ok = n_ok && (HasRq != 0);
      OpGemm:   cmd_ok = m_ok && k_ok && n_ok && src_ok;
      OpLoadAT: cmd_ok = m_ok && k_ok;
      OpLoadBT: cmd_ok = k_ok && n_ok;
      default:  cmd_ok = 1'b0;
    endcase
  end

  wire cmd_fire = cmd_valid_i && (state_q == StIdle);
  wire run_go   = cmd_fire && cmd_ok && (cmd_op_i == OpGemm);

  // Loader: one element per beat, row-major. Counters track (row, col) and the
  // (lane, tile base) pair that places the element in its lane memory, so no
  // division by R or C is needed. A lane is either indexed by the matrix row
  // (OS A buffer) or by its column (WS A buffer, B buffer).
  reg  [DimW-1:0]  ld_r_q;
  reg  [DimW-1:0]  ld_c_q;
  reg  [DimW-1:0]  ld_rows_q;
  reg  [DimW-1:0]  ld_cols_q;
  reg  [LaneW-1:0] ld_lane_q;
  reg  [AW-1:0]  ld_base_q;
  reg              ld_gp_q;         // parity of the lane group ld_base_q starts
  // A transposed stream swaps rows and columns, so the lane follows the other index.
  wire             ld_lane_on_col = (ld_b_q || (ALaneOnCol != 0)) ^ ld_t_q;
  wire [LaneW-1:0] ld_lanes_m1    = ld_b_q ? BLanesM1 : ALanesM1;
  wire [AW-1:0]  ld_stride      = ld_b_q ? BStrideV : AStrideV;
  wire             in_fire        = in_valid_i && (state_q == StLoad);
  wire             ld_row_end     = (ld_c_q == ld_cols_q - 1'b1);
  wire             ld_lane_end    = (ld_lane_q == ld_lanes_m1);
  wire             ld_all_end     = ld_row_end && (ld_r_q == ld_rows_q - 1'b1);
  wire [AW-1:0]  ld_addr        = ld_base_q + (ld_lane_on_col ? {{(AW-DimW){1'b0}}, ld_r_q}
                                                                : {{(AW-DimW){1'b0}}, ld_c_q});

  // Requant parameter loader: N entries, lane = n mod C, index = n div C.
  reg  [LaneW-1:0] rq_lane_q;
  reg  [NtW-1:0]   rq_nt_q;
  reg  [NW-1:0]    rq_cnt_q;
  wire             rq_fire = rq_valid_i && (state_q == StLoadRq);

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= StIdle;
      m_q       <= {MW{1'b0}};
      k_q       <= {KW{1'b0}};
      n_q       <= {NW{1'b0}};
      rq_en_q   <= 1'b0;
      ld_b_q    <= 1'b0;
      ld_t_q    <= 1'b0;
      err_q     <= 1'b0;
      asrc_q    <= SrcBuf;
      bsrc_q    <= SrcBuf;
      store_q   <= 1'b0;
      ld_half_q <= 1'b0;
      ah_q      <= 1'b0;
      bh_q      <= 1'b0;
      ld_r_q    <= {DimW{1'b0}};
      ld_c_q    <= {DimW{1'b0}};
      ld_rows_q <= {DimW{1'b0}};
      ld_cols_q <= {DimW{1'b0}};
      ld_lane_q <= {LaneW{1'b0}};
      ld_base_q <= {AW{1'b0}};
      ld_gp_q   <= 1'b0;
      rq_lane_q <= {LaneW{1'b0}};
      rq_nt_q   <= {NtW{1'b0}};
      rq_cnt_q  <= {NW{1'b0}};
    end else begin
      case (state_q)
        StIdle: begin
          if (cmd_fire) begin
            err_q <= !cmd_ok;
            if (cmd_ok) begin
              m_q       <= cmd_m_i;
              k_q       <= cmd_k_i;
              n_q       <= cmd_n_i;
              rq_en_q   <= cmd_requant_i && (HasRq != 0);
              asrc_q    <= (cmd_op_i == OpGemm) ? cmd_asrc_i : SrcBuf;
              bsrc_q    <= (cmd_op_i == OpGemm) ? cmd_bsrc_i : SrcBuf;
              store_q   <= (cmd_op_i == OpGemm) && cmd_store_i && (HasStore != 0);
              ld_half_q <= ((cmd_op_i == OpLoadB) || (cmd_op_i == OpLoadBT)) ? cmd_bhalf_i : cmd_ahalf_i;
              ah_q      <= cmd_ahalf_i;
              bh_q      <= cmd_bhalf_i;
              ld_b_q    <= (cmd_op_i == OpLoadB) || (cmd_op_i == OpLoadBT);
              ld_t_q    <= (cmd_op_i == OpLoadAT) || (cmd_op_i == OpLoadBT);
              ld_r_q    <= {DimW{1'b0}};
              ld_c_q    <= {DimW{1'b0}};
              ld_lane_q <= {LaneW{1'b0}};
              ld_base_q <= {AW{1'b0}};
              ld_gp_q   <= 1'b0;
              rq_lane_q <= {LaneW{1'b0}};
              rq_nt_q   <= {NtW{1'b0}};
              rq_cnt_q  <= {NW{1'b0}};
              case (cmd_op_i)
                OpLoadB: begin
                  ld_rows_q <= cmd_k_i;
                  ld_cols_q <= cmd_n_i;
                end
                OpLoadAT: begin
                  ld_rows_q <= cmd_k_i;
                  ld_cols_q <= cmd_m_i;
                end
                OpLoadBT: begin
                  ld_rows_q <= cmd_n_i;
                  ld_cols_q <= cmd_k_i;
                end
                default: begin
                  ld_rows_q <= cmd_m_i;
                  ld_cols_q <= cmd_k_i;
                end
              endcase
              case (cmd_op_i)
                OpLoadRq: state_q <= StLoadRq;
                OpGemm:   state_q <= StRun;
                default:  state_q <= StLoad;
              endcase
            end
          end
        end
        StLoad: begin
          if (in_fire) begin
            if (ld_all_end) begin
              state_q <= StIdle;
            end
            if (ld_row_end) begin
              ld_c_q <= {DimW{1'b0}};
              ld_r_q <= ld_r_q + 1'b1;
              if (ld_lane_on_col) begin
                ld_lane_q <= {LaneW{1'b0}};
                ld_base_q <= {AW{1'b0}};
                ld_gp_q   <= 1'b0;
              end else if (ld_lane_end) begin
                ld_lane_q <= {LaneW{1'b0}};
                ld_base_q <= ld_base_q + ld_stride;
                ld_gp_q   <= !ld_gp_q;
              end else begin
                ld_lane_q <= ld_lane_q + 1'b1;
              end
            end else begin
              ld_c_q <= ld_c_q + 1'b1;
              if (ld_lane_on_col) begin
                if (ld_lane_end) begin
                  ld_lane_q <= {LaneW{1'b0}};
                  ld_base_q <= ld_base_q + ld_stride;
                  ld_gp_q   <= !ld_gp_q;
                end else begin
                  ld_lane_q <= ld_lane_q + 1'b1;
                end
              end
            end
          end
        end
        StLoadRq: begin
          if (rq_fire) begin
            rq_cnt_q <= rq_cnt_q + 1'b1;
            if (rq_cnt_q == n_q - 1'b1) begin
              state_q <= StIdle;
            end
            if (rq_lane_q == CLanesM1) begin
              rq_lane_q <= {LaneW{1'b0}};
              rq_nt_q   <= rq_nt_q + 1'b1;
            end else begin
              rq_lane_q <= rq_lane_q + 1'b1;
            end
          end
        end
        default: begin
          if (run_done) begin
            state_q <= StIdle;
          end
        end
      endcase
    end
  end

  assign cmd_ready_o = (state_q == StIdle);
  assign in_ready_o  = (state_q == StLoad);
  assign rq_ready_o  = (state_q == StLoadRq);
  assign busy_o      = (state_q != StIdle);
  assign err_o       = err_q;

  // Operand buffers: one tf_ram_1r1w per lane. a_rdata / b_rdata, the words the
  // schedule feeds, are the lane words or the result store's (g_store below).
  wire [AW-1:0]  a_raddr;
  wire [AW-1:0]  b_raddr;
  wire [R*OpW-1:0]   a_lane_rdata;
  wire [C*OpW-1:0]   b_lane_rdata;
  wire [R*OpW-1:0]   a_rdata;
  wire [C*OpW-1:0]   b_rdata;
  // Address counters are AW bits wide; each memory takes only the bits it needs.
  wire unused_addr = ^{ld_addr, a_raddr, b_raddr};
  // With the buffer write port (HasBw), each lane memory is two banks, and each bank two
  // halves: word w of the half h of A (B) lives in bank w[0] ^ (AEven & g[0]) at
  // h * AHalfB + (w >> 1), g the lane group of w (w = g * AStride + k; g's parity comes
  // with the address: bw_gpar_i, the loader's ld_gp_q, the schedule's a_rgp / b_rgp).
  // Two words one lane group apart at the same k (a direct load's two vectors) or one
  // word apart in one group (a transposed load's two columns) are in different banks
  // (with an odd stride, w[0] alone does it), so bw_* writes two lane-vectors per cycle:
  // slot j is word bw_addr_i[j] of half bw_half_i, its lanes with bw_mask_i[j] set; the
  // DMA never sends two slots into one bank. A lane's bank write port takes slot 0, slot 1
  // or the loader's element.
  wire               a_rgp;             // parity of the lane group the schedule reads
  wire               b_rgp;
  wire               bw_fire;
  genvar gl;
  generate
    if (HasBw != 0) begin : g_bw
      localparam integer AEven  = (AStride % 2 == 0) ? 1 : 0;
      localparam integer BEven  = (BStride % 2 == 0) ? 1 : 0;
      localparam integer AHalfB = (ADepth + 1) / 2;
      localparam integer BHalfB = (BDepth + 1) / 2;
      localparam [AAW-1:0] AHalfV = AHalfB[AAW-1:0];
      localparam [BAW-1:0] BHalfV = BHalfB[BAW-1:0];
      // A write waits while a LOAD_* streams, and while a GEMM reads the half it names.
      wire busy_half = (state_q == StRun) && (bw_half_i == (bw_tgt_i ? bh_q : ah_q));
      assign bw_ready_o = (state_q != StLoad) && !busy_half;
      assign bw_fire    = bw_valid_i && bw_ready_o;
      wire   bw_a       = !bw_tgt_i && bw_fire;
      wire   bw_b       = bw_tgt_i && bw_fire;
      wire   ld_a       = in_fire && !ld_b_q;
      wire   ld_bb      = in_fire && ld_b_q;
      // bank and row (address inside a bank, half included) of each writer and the reader
      wire [AAW-1:0] s0_w   = bw_addr_i[AAW-1:0];
      wire [AAW-1:0] s1_w   = bw_addr_i[BwAW +: AAW];
      wire [BAW-1:0] s0_wb  = bw_addr_i[BAW-1:0];
      wire [BAW-1:0] s1_wb  = bw_addr_i[BwAW +: BAW];
      wire [AAW-1:0] ld_wa  = ld_addr[AAW-1:0];
      wire [BAW-1:0] ld_wb  = ld_addr[BAW-1:0];
      wire [AAW-1:0] ra_w   = a_raddr[AAW-1:0];
      wire [BAW-1:0] rb_w   = b_raddr[BAW-1:0];
      wire a_s0k = s0_w[0] ^ (AEven[0] & bw_gpar_i[0]);
      wire a_s1k = s1_w[0] ^ (AEven[0] & bw_gpar_i[1]);
      wire a_ldk = ld_wa[0] ^ (AEven[0] & ld_gp_q);
      wire a_rk  = ra_w[0] ^ (AEven[0] & a_rgp);
      wire b_s0k = s0_wb[0] ^ (BEven[0] & bw_gpar_i[0]);
      wire b_s1k = s1_wb[0] ^ (BEven[0] & bw_gpar_i[1]);
      wire b_ldk = ld_wb[0] ^ (BEven[0] & ld_gp_q);
      wire b_rk  = rb_w[0] ^ (BEven[0] & b_rgp);
      wire [AAW-1:0] a_s0r = (s0_w >> 1) + (bw_half_i ? AHalfV : {AAW{1'b0}});
      wire [AAW-1:0] a_s1r = (s1_w >> 1) + (bw_half_i ? AHalfV : {AAW{1'b0}});
      wire [AAW-1:0] a_ldr = (ld_wa >> 1) + (ld_half_q ? AHalfV : {AAW{1'b0}});
      wire [AAW-1:0] a_rr  = (ra_w >> 1) + (ah_q ? AHalfV : {AAW{1'b0}});
      wire [BAW-1:0] b_s0r = (s0_wb >> 1) + (bw_half_i ? BHalfV : {BAW{1'b0}});
      wire [BAW-1:0] b_s1r = (s1_wb >> 1) + (bw_half_i ? BHalfV : {BAW{1'b0}});
      wire [BAW-1:0] b_ldr = (ld_wb >> 1) + (ld_half_q ? BHalfV : {BAW{1'b0}});
      wire [BAW-1:0] b_rr  = (rb_w >> 1) + (bh_q ? BHalfV : {BAW{1'b0}});
      // the bank each read came from, aligned with the read data
      reg a_rk_q;
      reg b_rk_q;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          a_rk_q <= 1'b0;
          b_rk_q <= 1'b0;
        end else if (en) begin
          a_rk_q <= a_rk;
          b_rk_q <= b_rk;
        end
      end
      wire [2*R*OpW-1:0] a_bank_rd;     // bank 1's lanes above bank 0's
      wire [2*C*OpW-1:0] b_bank_rd;
      genvar gk;
      for (gk = 0; gk < 2; gk = gk + 1) begin : g_bank
        // which writer this bank takes (at most one per cycle, slot 0 first)
        wire a_t0 = bw_a && (a_s0k == gk[0]);
        wire a_t1 = bw_a && (a_s1k == gk[0]);
        wire a_tl = ld_a && (a_ldk == gk[0]);
        wire b_t0 = bw_b && (b_s0k == gk[0]);
        wire b_t1 = bw_b && (b_s1k == gk[0]);
        wire b_tl = ld_bb && (b_ldk == gk[0]);
        wire [AAW-1:0] a_wr = a_t0 ? a_s0r : (a_t1 ? a_s1r : a_ldr);
        wire [BAW-1:0] b_wr = b_t0 ? b_s0r : (b_t1 ? b_s1r : b_ldr);
        for (gl = 0; gl < R; gl = gl + 1) begin : g_abuf
          wire m0 = a_t0 && bw_mask_i[gl];
          wire m1 = a_t1 && bw_mask_i[LMax + gl];
          wire ml = a_tl && (ld_lane_q == gl[LaneW-1:0]);
          tf_ram_1r1w #(
            .Width (OpW),
            .Depth (2 * AHalfB),
            .AddrW (AAW)
          ) u_ram (
            .clk_i   (clk_i),
            .we_i    (m0 || m1 || ml),
            .waddr_i (a_wr),
            .wdata_i (m0 ? bw_data_i[gl*OpW +: OpW]
                          : (m1 ? bw_data_i[(LMax + gl)*OpW +: OpW] : in_data_i)),
            .re_i    (en),
            .raddr_i (a_rr),
            .rdata_o (a_bank_rd[(gk*R + gl)*OpW +: OpW])
          );
        end
        for (gl = 0; gl < C; gl = gl + 1) begin : g_bbuf
          wire m0 = b_t0 && bw_mask_i[gl];
          wire m1 = b_t1 && bw_mask_i[LMax + gl];
          wire ml = b_tl && (ld_lane_q == gl[LaneW-1:0]);
          tf_ram_1r1w #(
            .Width (OpW),
            .Depth (2 * BHalfB),
            .AddrW (BAW)
          ) u_ram (
            .clk_i   (clk_i),
            .we_i    (m0 || m1 || ml),
            .waddr_i (b_wr),
            .wdata_i (m0 ? bw_data_i[gl*OpW +: OpW]
                          : (m1 ? bw_data_i[(LMax + gl)*OpW +: OpW] : in_data_i)),
            .re_i    (en),
            .raddr_i (b_rr),
            .rdata_o (b_bank_rd[(gk*C + gl)*OpW +: OpW])
          );
        end
      end
      assign a_lane_rdata = a_rk_q ? a_bank_rd[R*OpW +: R*OpW] : a_bank_rd[0 +: R*OpW];
      assign b_lane_rdata = b_rk_q ? b_bank_rd[C*OpW +: C*OpW] : b_bank_rd[0 +: C*OpW];
      if (BwAW > AAW || BwAW > BAW || LMax > R || LMax > C) begin : g_unused
        wire unused_bw = ^{bw_addr_i, bw_data_i, bw_mask_i};
      end
    end else begin : g_no_bw
      assign bw_ready_o = 1'b0;
      assign bw_fire    = 1'b0;
      for (gl = 0; gl < R; gl = gl + 1) begin : g_abuf
        tf_ram_1r1w #(
          .Width (OpW),
          .Depth (ADepth),
          .AddrW (AAW)
        ) u_ram (
          .clk_i   (clk_i),
          .we_i    (in_fire && !ld_b_q && (ld_lane_q == gl[LaneW-1:0])),
          .waddr_i (ld_addr[AAW-1:0]),
          .wdata_i (in_data_i),
          .re_i    (en),
          .raddr_i (a_raddr[AAW-1:0]),
          .rdata_o (a_lane_rdata[gl*OpW +: OpW])
        );
      end
      for (gl = 0; gl < C; gl = gl + 1) begin : g_bbuf
        tf_ram_1r1w #(
          .Width (OpW),
          .Depth (BDepth),
          .AddrW (BAW)
        ) u_ram (
          .clk_i   (clk_i),
          .we_i    (in_fire && ld_b_q && (ld_lane_q == gl[LaneW-1:0])),
          .waddr_i (ld_addr[BAW-1:0]),
          .wdata_i (in_data_i),
          .re_i    (en),
          .raddr_i (b_raddr[BAW-1:0]),
          .rdata_o (b_lane_rdata[gl*OpW +: OpW])
        );
      end
      // No buffer write port, one half, one bank: these inputs and registers have no reader.
      wire unused_bw = ^{bw_valid_i, bw_tgt_i, bw_half_i, bw_addr_i, bw_gpar_i, bw_data_i,
                         bw_mask_i, ld_half_q, ah_q, bh_q, bw_fire, ld_gp_q, a_rgp, b_rgp};
    end
  endgenerate

  // ---------------------------------------------------------------------------
  // Schedule of the dataflow: drives the lane memory addresses (a_raddr, b_raddr),
  // feeds the array, and hands finished rows to the beat register below (bt_*_d,
  // bt_res masked by bt_nleft) and the store's read indices and word groups (st_*).
  // ---------------------------------------------------------------------------
  wire                bt_vld_d;
  wire                bt_last_d;
  wire [C*AccW-1:0]   bt_res;
  wire [DimW-1:0]     bt_nleft;
  wire [RowIdxW-1:0]  bt_row_d;
  wire [ColIdxW-1:0]  bt_col_d;
  wire [NtW-1:0]      bt_nt_d;
  wire [PhW-1:0]      st_aidx;
  wire [PhW-1:0]      st_bidx;
  wire [AGrpW-1:0]    st_agrp;
  wire [NtW-1:0]      st_bgrp;

  generate
  if (Dataflow == 0) begin : g_os
    // ---------------------------------------------------------------------------
    // Output-stationary schedule.
    // Tiles (mt, nt) in row-major order, one every P = max(K, R, C) cycles. In
    // phase ph < K of a tile the A and B buffers are read at k = ph; the words
    // enter the array skewed (row i by i cycles, column j by j cycles). PE(i,j)
    // copies its finished dot product into its result register the cycle after
    // its last MAC; a readout sequencer then reads the tile's valid rows one per
    // cycle, row r exactly C+1+r cycles after the tile's last issue, before the
    // next tile can overwrite it (P >= C, P >= R).
    // ---------------------------------------------------------------------------
    localparam [PhW-1:0] MaxRCV = MaxRC[PhW-1:0];

    reg  [PhW-1:0]    ph_q;
    reg  [PhW-1:0]    p_q;
    reg               feeding_q;
    reg  [MtW-1:0]    mt_q;
    reg  [NtW-1:0]    nt_q;
    reg  [AW-1:0] a_base_q;
    reg  [AW-1:0] b_base_q;
    reg  [RowIdxW-1:0] row0_q;      // mt * R
    reg  [ColIdxW-1:0] col0_q;      // nt * C
    reg  [MW-1:0]     m_left_q;     // M - mt*R
    reg  [NW-1:0]     n_left_q;     // N - nt*C

    wire           unused_m = ^m_q;   // OS tracks M through m_left_q
    wire [PhW-1:0] k_ph;
    assign k_ph = {{(PhW-KW){1'b0}}, k_q};

    wire issue      = feeding_q && (ph_q < k_ph);
    wire tile_end   = (ph_q == p_q - 1'b1);
    wire last_nt    = (n_left_q <= CDimV);
    wire last_mt    = (m_left_q <= RDimV);
    wire tile_token = feeding_q && (ph_q == k_ph - 1'b1);

    always @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        ph_q      <= {PhW{1'b0}};
        p_q       <= {PhW{1'b0}};
        feeding_q <= 1'b0;
        mt_q      <= {MtW{1'b0}};
        nt_q      <= {NtW{1'b0}};
        a_base_q  <= {AW{1'b0}};
        b_base_q  <= {AW{1'b0}};
        row0_q    <= {RowIdxW{1'b0}};
        col0_q    <= {ColIdxW{1'b0}};
        m_left_q  <= {MW{1'b0}};
        n_left_q  <= {NW{1'b0}};
      end else if (run_go) begin
        ph_q      <= {PhW{1'b0}};
        p_q       <= ({{(PhW-KW){1'b0}}, cmd_k_i} > MaxRCV) ? {{(PhW-KW){1'b0}}, cmd_k_i} : MaxRCV;
        feeding_q <= 1'b1;
        mt_q      <= {MtW{1'b0}};
        nt_q      <= {NtW{1'b0}};
        a_base_q  <= {AW{1'b0}};
        b_base_q  <= {AW{1'b0}};
        row0_q    <= {RowIdxW{1'b0}};
        col0_q    <= {ColIdxW{1'b0}};
        m_left_q  <= cmd_m_i;
        n_left_q  <= cmd_n_i;
      end else if (en && feeding_q) begin
        if (tile_end) begin
          ph_q <= {PhW{1'b0}};
          if (last_nt) begin
            nt_q     <= {NtW{1'b0}};
            b_base_q <= {AW{1'b0}};
            col0_q   <= {ColIdxW{1'b0}};
            n_left_q <= n_q;
            mt_q     <= mt_q + 1'b1;
            a_base_q <= a_base_q + AStrideV;
            row0_q   <= row0_q + RRowV;
            m_left_q <= m_left_q - RDimV;
            if (last_mt) begin
              feeding_q <= 1'b0;
            end
          end else begin
            nt_q     <= nt_q + 1'b1;
            b_base_q <= b_base_q + BStrideV;
            col0_q   <= col0_q + CColV;
            n_left_q <= n_left_q - CDimV;
          end
        end else begin
          ph_q <= ph_q + 1'b1;
        end
      end
    end

    assign a_raddr = a_base_q + {{(AW-PhW){1'b0}}, ph_q};
    assign b_raddr = b_base_q + {{(AW-PhW){1'b0}}, ph_q};
    assign a_rgp   = mt_q[0];   // a_base_q = mt * AStride
    assign b_rgp   = nt_q[0];   // b_base_q = nt * BStride

    // Flags aligned with the buffer read data (1 cycle).
    reg f_vld_q;
    reg f_first_q;
    reg f_last_q;
    always @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        f_vld_q   <= 1'b0;
        f_first_q <= 1'b0;
        f_last_q  <= 1'b0;
      end else if (en) begin
        f_vld_q   <= issue;
        f_first_q <= issue && (ph_q == {PhW{1'b0}});
        f_last_q  <= issue && (ph_q == k_ph - 1'b1);
      end
    end

    // Skew: row i of A (with its flags) by i cycles, column j of B by j cycles.
    wire [R*OpW-1:0]   mesh_a;
    wire [R-1:0]       mesh_vld;
    wire [R-1:0]       mesh_first;
    wire [R-1:0]       mesh_last;
    wire [C*OpW-1:0]   mesh_b;
    genvar gs;
      for (gs = 0; gs < R; gs = gs + 1) begin : g_askew
        if (gs == 0) begin : g_direct
          assign mesh_a[0 +: OpW] = a_rdata[0 +: OpW];
          assign mesh_vld[0]      = f_vld_q;
          assign mesh_first[0]    = f_first_q;
          assign mesh_last[0]     = f_last_q;
        end else begin : g_delay
          tf_delay #(
            .Width (OpW + 3),
            .Depth (gs)
          ) u_dly (
            .clk_i  (clk_i),
            .rst_ni (rst_ni),
            .en_i   (en),
            .d_i    ({f_vld_q, f_first_q, f_last_q, a_rdata[gs*OpW +: OpW]}),
            .q_o    ({mesh_vld[gs], mesh_first[gs], mesh_last[gs], mesh_a[gs*OpW +: OpW]})
          );
        end
      end
      for (gs = 0; gs < C; gs = gs + 1) begin : g_bskew
        if (gs == 0) begin : g_direct
          assign mesh_b[0 +: OpW] = b_rdata[0 +: OpW];
        end else begin : g_delay
          tf_delay #(
            .Width (OpW),
            .Depth (gs)
          ) u_dly (
            .clk_i  (clk_i),
            .rst_ni (rst_ni),
            .en_i   (en),
            .d_i    (b_rdata[gs*OpW +: OpW]),
            .q_o    (mesh_b[gs*OpW +: OpW])
          );
        end
      end

    // row_sel is row rd_row_q of the result registers, selected inside the mesh.
    wire [C*AccW-1:0]  row_sel;
    reg  [RowSelW-1:0] rd_row_q;

    tf_mesh_os #(
      .R       (R),
      .C       (C),
      .OpW     (OpW),
      .AccW    (AccW),
      .RowSelW (RowSelW)
    ) u_mesh (
      .clk_i     (clk_i),
      .rst_ni    (rst_ni),
      .en_i      (en),
      .a_i       (mesh_a),
      .vld_i     (mesh_vld),
      .first_i   (mesh_first),
      .last_i    (mesh_last),
      .b_i       (mesh_b),
      .rsel_i    (rd_row_q),
      .res_row_o (row_sel)
    );

    // Readout token: issued with the tile's last k, arrives C cycles later.
    localparam integer TokW = 1 + RowIdxW + ColIdxW + NtW + MW + NW;
    wire [TokW-1:0] tok_d = {tile_token && last_nt && last_mt, row0_q, col0_q, nt_q, m_left_q, n_left_q};
    wire            tok_vld;
    wire [TokW-1:0] tok_q;
    tf_delay #(
      .Width (TokW + 1),
      .Depth (C)
    ) u_tok (
      .clk_i  (clk_i),
      .rst_ni (rst_ni),
      .en_i   (en),
      .d_i    ({tile_token, tok_d}),
      .q_o    ({tok_vld, tok_q})
    );

    reg                rd_act_q;
    reg  [RowSelW-1:0] rd_rows_m1_q;
    reg                rd_lastt_q;
    reg  [RowIdxW-1:0] rd_row0_q;
    reg  [ColIdxW-1:0] rd_col0_q;
    reg  [NtW-1:0]     rd_nt_q;
    reg  [NW-1:0]      rd_nleft_q;
    wire               tk_lastt = tok_q[TokW-1];
    wire [RowIdxW-1:0] tk_row0  = tok_q[TokW-2 -: RowIdxW];
    wire [ColIdxW-1:0] tk_col0  = tok_q[TokW-2-RowIdxW -: ColIdxW];
    wire [NtW-1:0]     tk_nt    = tok_q[MW+NW +: NtW];
    wire [MW-1:0]      tk_mleft = tok_q[NW +: MW];
    wire [NW-1:0]      tk_nleft = tok_q[0 +: NW];
    wire [MW-1:0]      tk_rows  = (tk_mleft < RDimV) ? tk_mleft : RDimV;
    wire               rd_end   = (rd_row_q == rd_rows_m1_q);
    wire               unused_tk_rows = ^tk_rows;   // only the low RowSelW bits matter

    always @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        rd_act_q     <= 1'b0;
        rd_row_q     <= {RowSelW{1'b0}};
        rd_rows_m1_q <= {RowSelW{1'b0}};
        rd_lastt_q   <= 1'b0;
        rd_row0_q    <= {RowIdxW{1'b0}};
        rd_col0_q    <= {ColIdxW{1'b0}};
        rd_nt_q      <= {NtW{1'b0}};
        rd_nleft_q   <= {NW{1'b0}};
      end else if (en) begin
        if (tok_vld) begin
          rd_act_q     <= 1'b1;
          rd_row_q     <= {RowSelW{1'b0}};
          rd_rows_m1_q <= tk_rows[RowSelW-1:0] - 1'b1;
          rd_lastt_q   <= tk_lastt;
          rd_row0_q    <= tk_row0;
          rd_col0_q    <= tk_col0;
          rd_nt_q      <= tk_nt;
          rd_nleft_q   <= tk_nleft;
        end else if (rd_act_q) begin
          rd_row_q <= rd_row_q + 1'b1;
          if (rd_end) begin
            rd_act_q <= 1'b0;
          end
        end
      end
    end

    // To the beat register: one row of C results per cycle of the readout.
    assign bt_vld_d   = rd_act_q;
    assign bt_last_d  = rd_act_q && rd_end && rd_lastt_q;
    assign bt_res     = row_sel;
    assign bt_nleft   = rd_nleft_q;
    assign bt_row_d   = rd_row0_q + {{(RowIdxW-RowSelW){1'b0}}, rd_row_q};
    assign bt_col_d   = rd_col0_q;
    assign bt_nt_d    = rd_nt_q;

    // To the result store: A and B are read at k = ph, the A words of tile mt.
    assign st_aidx = ph_q;
    assign st_bidx = ph_q;
    assign st_agrp = mt_q;
    assign st_bgrp = nt_q;
  end else begin : g_ws
    // ---------------------------------------------------------------------------
    // Weight-stationary schedule.
    // Tiles (nt, kt), kt inner, one every P = max(M, R, MinPeriod) cycles. In
    // phase ph of a tile: if ph < R, weight row ph of the tile is read from the B
    // buffer and put on the column buses (column j delayed by j) into the idle
    // weight bank, exactly in time for its first use; if ph < M, row m = ph of the
    // tile's A slice is read and enters the array (row i delayed by i) tagged with
    // the tile's bank. Partial sums leave the bottom, are de-skewed into one row,
    // and are added to the accumulator buffer (first k-tile writes, middle ones
    // read-modify-write, the last k-tile sends the row to the output instead).
    // ---------------------------------------------------------------------------
    localparam [PhW-1:0] MinPV = MinPeriod[PhW-1:0];

    reg  [PhW-1:0]     ph_q;
    reg  [PhW-1:0]     p_q;
    reg                feeding_q;
    reg                bank_q;
    reg  [NtW-1:0]     nt_q;
    reg                kt0_q;        // first k-tile of the current column tile
    reg  [AW-1:0]      a_base_q;     // kt * MMax
    reg                kp_q;         // kt's parity
    reg  [AW-1:0]      bn_base_q;    // nt * KMax
    reg  [AW-1:0]      b_base_q;     // nt * KMax + kt * R
    reg  [DimW-1:0]    k_left_q;     // K - kt*R
    reg  [DimW-1:0]    n_left_q;     // N - nt*C
    reg  [ColIdxW-1:0] col0_q;       // nt * C

    wire [PhW-1:0] m_ph;
    assign m_ph = m_q;

    wire last_kt  = (k_left_q <= RDimV);
    wire last_nt  = (n_left_q <= CDimV);
    wire tile_end = (ph_q == p_q - 1'b1);
    wire w_issue  = feeding_q && (ph_q < RDimV);
    wire a_issue  = feeding_q && (ph_q < m_ph);
    wire [PhW-1:0] cmd_m_ph = cmd_m_i;
    wire [PhW-1:0] p_mr     = (cmd_m_ph > RDimV) ? cmd_m_ph : RDimV;

    always @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        ph_q      <= {PhW{1'b0}};
        p_q       <= {PhW{1'b0}};
        feeding_q <= 1'b0;
        bank_q    <= 1'b0;
        nt_q      <= {NtW{1'b0}};
        kt0_q     <= 1'b0;
        a_base_q  <= {AW{1'b0}};
        kp_q      <= 1'b0;
        bn_base_q <= {AW{1'b0}};
        b_base_q  <= {AW{1'b0}};
        k_left_q  <= {DimW{1'b0}};
        n_left_q  <= {DimW{1'b0}};
        col0_q    <= {ColIdxW{1'b0}};
      end else if (run_go) begin
        ph_q      <= {PhW{1'b0}};
        p_q       <= (p_mr > MinPV) ? p_mr : MinPV;
        feeding_q <= 1'b1;
        bank_q    <= 1'b0;
        nt_q      <= {NtW{1'b0}};
        kt0_q     <= 1'b1;
        a_base_q  <= {AW{1'b0}};
        kp_q      <= 1'b0;
        bn_base_q <= {AW{1'b0}};
        b_base_q  <= {AW{1'b0}};
        k_left_q  <= cmd_k_i;
        n_left_q  <= cmd_n_i;
        col0_q    <= {ColIdxW{1'b0}};
      end else if (en && feeding_q) begin
        if (tile_end) begin
          ph_q   <= {PhW{1'b0}};
          bank_q <= !bank_q;
          if (last_kt) begin
            kt0_q     <= 1'b1;
            a_base_q  <= {AW{1'b0}};
            kp_q      <= 1'b0;
            k_left_q  <= k_q;
            nt_q      <= nt_q + 1'b1;
            bn_base_q <= bn_base_q + BStrideV;
            b_base_q  <= bn_base_q + BStrideV;
            n_left_q  <= n_left_q - CDimV;
            col0_q    <= col0_q + CColV;
            if (last_nt) begin
              feeding_q <= 1'b0;
            end
          end else begin
            kt0_q    <= 1'b0;
            a_base_q <= a_base_q + AStrideV;
            kp_q     <= !kp_q;
            b_base_q <= b_base_q + {{(AW-DimW){1'b0}}, RDimV};
            k_left_q <= k_left_q - RDimV;
          end
        end else begin
          ph_q <= ph_q + 1'b1;
        end
      end
    end

    assign a_raddr = a_base_q + {{(AW-PhW){1'b0}}, ph_q};
    assign b_raddr = b_base_q + {{(AW-PhW){1'b0}}, ph_q};
    assign a_rgp   = kp_q;      // a_base_q = kt * AStride
    assign b_rgp   = nt_q[0];   // b_base_q = nt * BStride + kt * R

    // Weight path: metadata aligned with the B read data, rows at or beyond K
    // carry zero weights, then column j is delayed by j cycles.
    reg                w_vld_q;
    reg  [RowSelW-1:0] w_row_q;
    reg                w_bank_q;
    reg                w_zero_q;
    always @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        w_vld_q  <= 1'b0;
        w_row_q  <= {RowSelW{1'b0}};
        w_bank_q <= 1'b0;
        w_zero_q <= 1'b0;
      end else if (en) begin
        w_vld_q  <= w_issue;
        w_row_q  <= ph_q[RowSelW-1:0];
        w_bank_q <= bank_q;
        w_zero_q <= (ph_q >= k_left_q);
      end
    end

    // A path: metadata aligned with the A read data, one feed register, then
    // row i is delayed by i cycles. Lanes at or beyond K (the last k-tile) are
    // fed zeros: their weights are zero anyway, and this keeps never-written
    // buffer words out of the arithmetic (no X in a four-state simulator).
    reg              f_bank_q;
    reg  [R-1:0]     f_klive_q;
    reg              fd_bank_q;
    reg  [R*OpW-1:0] fd_a_q;
    wire [R-1:0]     klive;
    wire [R*OpW-1:0] a_live;
    genvar gk;
      for (gk = 0; gk < R; gk = gk + 1) begin : g_klive
        assign klive[gk] = (k_left_q > gk[DimW-1:0]);
        assign a_live[gk*OpW +: OpW] = f_klive_q[gk] ? a_rdata[gk*OpW +: OpW] : {OpW{1'b0}};
      end
    always @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        f_bank_q  <= 1'b0;
        f_klive_q <= {R{1'b0}};
        fd_bank_q <= 1'b0;
        fd_a_q    <= {(R*OpW){1'b0}};
      end else if (en) begin
        f_bank_q  <= bank_q;
        f_klive_q <= klive;
        fd_bank_q <= f_bank_q;
        fd_a_q    <= a_live;
      end
    end

    wire [R*OpW-1:0]     mesh_a;
    wire [R-1:0]         mesh_bank;
    wire [C-1:0]         mesh_wv;
    wire [C*RowSelW-1:0] mesh_wrow;
    wire [C-1:0]         mesh_wbank;
    wire [C*OpW-1:0]     mesh_w;
    wire [C*AccW-1:0]    mesh_psum;
    wire [C*AccW-1:0]    psum_row;
    genvar gs;
      for (gs = 0; gs < R; gs = gs + 1) begin : g_askew
        if (gs == 0) begin : g_direct
          assign mesh_a[0 +: OpW] = fd_a_q[0 +: OpW];
          assign mesh_bank[0]     = fd_bank_q;
        end else begin : g_delay
          tf_delay #(
            .Width (OpW + 1),
            .Depth (gs)
          ) u_dly (
            .clk_i  (clk_i),
            .rst_ni (rst_ni),
            .en_i   (en),
            .d_i    ({fd_bank_q, fd_a_q[gs*OpW +: OpW]}),
            .q_o    ({mesh_bank[gs], mesh_a[gs*OpW +: OpW]})
          );
        end
      end
      for (gs = 0; gs < C; gs = gs + 1) begin : g_wskew
        wire [OpW-1:0] w_col = w_zero_q ? {OpW{1'b0}} : b_rdata[gs*OpW +: OpW];
        if (gs == 0) begin : g_direct
          assign mesh_wv[0]                 = w_vld_q;
          assign mesh_wrow[0 +: RowSelW]    = w_row_q;
          assign mesh_wbank[0]              = w_bank_q;
          assign mesh_w[0 +: OpW]           = w_col;
        end else begin : g_delay
          tf_delay #(
            .Width (OpW + RowSelW + 2),
            .Depth (gs)
          ) u_dly (
            .clk_i  (clk_i),
            .rst_ni (rst_ni),
            .en_i   (en),
            .d_i    ({w_vld_q, w_row_q, w_bank_q, w_col}),
            .q_o    ({mesh_wv[gs], mesh_wrow[gs*RowSelW +: RowSelW], mesh_wbank[gs],
                      mesh_w[gs*OpW +: OpW]})
          );
        end
      end
      for (gs = 0; gs < C; gs = gs + 1) begin : g_deskew
        if (gs == C - 1) begin : g_direct
          assign psum_row[gs*AccW +: AccW] = mesh_psum[gs*AccW +: AccW];
        end else begin : g_delay
          tf_delay #(
            .Width (AccW),
            .Depth (C - 1 - gs)
          ) u_dly (
            .clk_i  (clk_i),
            .rst_ni (rst_ni),
            .en_i   (en),
            .d_i    (mesh_psum[gs*AccW +: AccW]),
            .q_o    (psum_row[gs*AccW +: AccW])
          );
        end
      end

    tf_mesh_ws #(
      .R       (R),
      .C       (C),
      .OpW     (OpW),
      .AccW    (AccW),
      .RowSelW (RowSelW)
    ) u_mesh (
      .clk_i   (clk_i),
      .rst_ni  (rst_ni),
      .en_i    (en),
      .a_i     (mesh_a),
      .bank_i  (mesh_bank),
      .wv_i    (mesh_wv),
      .wrow_i  (mesh_wrow),
      .wbank_i (mesh_wbank),
      .w_i     (mesh_w),
      .psum_o  (mesh_psum)
    );

    // Row metadata travels beside the data: R+C cycles to the accumulator read,
    // one more to the accumulate stage.
    localparam integer MetaW = 4 + 2*DimW + ColIdxW + NtW;
    wire [MetaW-1:0] meta_d = {a_issue, kt0_q, last_kt, a_issue && last_kt && last_nt && (ph_q == m_ph - 1'b1),
                               ph_q, col0_q, n_left_q, nt_q};
    wire [MetaW-1:0] meta_rd;
    reg  [MetaW-1:0] meta_q;
    tf_delay #(
      .Width (MetaW),
      .Depth (R + C)
    ) u_meta (
      .clk_i  (clk_i),
      .rst_ni (rst_ni),
      .en_i   (en),
      .d_i    (meta_d),
      .q_o    (meta_rd)
    );
    always @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        meta_q <= {MetaW{1'b0}};
      end else if (en) begin
        meta_q <= meta_rd;
      end
    end

    wire [DimW-1:0]    rd_m     = meta_rd[NtW + DimW + ColIdxW +: DimW];
    wire               ac_vld   = meta_q[MetaW-1];
    wire               ac_first = meta_q[MetaW-2];
    wire               ac_lastk = meta_q[MetaW-3];
    wire               ac_lastt = meta_q[MetaW-4];
    wire [DimW-1:0]    ac_m     = meta_q[NtW + DimW + ColIdxW +: DimW];
    wire [ColIdxW-1:0] ac_col0  = meta_q[NtW + DimW +: ColIdxW];
    wire [DimW-1:0]    ac_nleft = meta_q[NtW +: DimW];
    wire [NtW-1:0]     ac_nt    = meta_q[0 +: NtW];

    // Accumulator buffer, one tf_ram_1r1w per column lane.
    wire [C*AccW-1:0] acc_rdata;
    wire [C*AccW-1:0] acc_sum;
    wire [AW-1:0]     ac_m_a = {{(AW-DimW){1'b0}}, ac_m};
    wire [AW-1:0]     rd_m_a = {{(AW-DimW){1'b0}}, rd_m};
    wire              unused_acc_addr = ^{ac_m_a, rd_m_a};
    genvar ga;
      for (ga = 0; ga < C; ga = ga + 1) begin : g_acc
        assign acc_sum[ga*AccW +: AccW] = ac_first ? psum_row[ga*AccW +: AccW]
                                                   : acc_rdata[ga*AccW +: AccW] + psum_row[ga*AccW +: AccW];
        tf_ram_1r1w #(
          .Width (AccW),
          .Depth (AccDepth),
          .AddrW (CAW)
        ) u_ram (
          .clk_i   (clk_i),
          .we_i    (en && ac_vld && !ac_lastk),
          .waddr_i (ac_m_a[CAW-1:0]),
          .wdata_i (acc_sum[ga*AccW +: AccW]),
          .re_i    (en),
          .raddr_i (rd_m_a[CAW-1:0]),
          .rdata_o (acc_rdata[ga*AccW +: AccW])
        );
      end

    // To the beat register: a finished row of C results.
    assign bt_vld_d   = ac_vld && ac_lastk;
    assign bt_last_d  = ac_vld && ac_lastk && ac_lastt;
    assign bt_res     = acc_sum;
    assign bt_nleft   = ac_nleft;
    assign bt_row_d   = ac_m[RowIdxW-1:0];
    assign bt_col_d   = ac_col0;
    assign bt_nt_d    = ac_nt;

    // To the result store: A is read at m = ph, B at k = kt*R + ph; the A words of
    // k-tile kt. The k-tile and its first k are tracked beside the schedule's counters.
    if (StoreImpl != 0) begin : g_st_kt
      reg  [KtW-1:0]  st_kt_q;
      reg  [DimW-1:0] st_k0_q;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          st_kt_q <= {KtW{1'b0}};
          st_k0_q <= {DimW{1'b0}};
        end else if (run_go) begin
          st_kt_q <= {KtW{1'b0}};
          st_k0_q <= {DimW{1'b0}};
        end else if (en && feeding_q && tile_end) begin
          if (last_kt) begin
            st_kt_q <= {KtW{1'b0}};
            st_k0_q <= {DimW{1'b0}};
          end else begin
            st_kt_q <= st_kt_q + 1'b1;
            st_k0_q <= st_k0_q + RDimV;
          end
        end
      end
      assign st_aidx = ph_q;
      assign st_bidx = st_k0_q + ph_q;
      assign st_agrp = st_kt_q;
    end else begin : g_no_st_kt
      assign st_aidx = ph_q;
      assign st_bidx = ph_q;
      assign st_agrp = {AGrpW{1'b0}};
    end
    assign st_bgrp = nt_q;
  end
  endgenerate

  // Beat register: one row of C results; lanes beyond N read as zero.
  reg                 bt_vld_q;
  reg  [C*AccW-1:0]   bt_data_q;
  reg  [RowIdxW-1:0]  bt_row_q;
  reg  [ColIdxW-1:0]  bt_col_q;
  reg  [NtW-1:0]      bt_nt_q;
  reg                 bt_last_q;
  reg  [C-1:0]        bt_lane_q;    // lane j holds a column below N
  wire [C*AccW-1:0]   bt_data_d;
  wire [C-1:0]        bt_lane_d;
  genvar gm;
  generate
    for (gm = 0; gm < C; gm = gm + 1) begin : g_mask
      if (gm < NMax) begin : g_live
        assign bt_lane_d[gm] = (bt_nleft > gm[DimW-1:0]);
      end else begin : g_dead
        assign bt_lane_d[gm] = 1'b0;
      end
      assign bt_data_d[gm*AccW +: AccW] = bt_lane_d[gm] ? bt_res[gm*AccW +: AccW] : {AccW{1'b0}};
    end
  endgenerate

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bt_vld_q  <= 1'b0;
      bt_last_q <= 1'b0;
    end else if (en) begin
      bt_vld_q  <= bt_vld_d;
      bt_last_q <= bt_last_d;
    end
  end
  always @(posedge clk_i) begin
    if (en) begin
      bt_data_q <= bt_data_d;
      bt_lane_q <= bt_lane_d;
      bt_row_q  <= bt_row_d;
      bt_col_q  <= bt_col_d;
      bt_nt_q   <= bt_nt_d;
    end
  end

  // ---------------------------------------------------------------------------
  // Output stage and counters .
  // beat register -> optional requantization (g_rq / g_norq)
  // -> tf_skid -> c_*.
  // The skid buffer's registered ready is the global advance signal `en`: when
  // the consumer holds c_ready_i low long enough to fill it, the whole engine
  // (buffers, skew, array, sequencers) freezes for exactly those cycles, so
  // stat_cycles_o - stat_stall_o equals the back-pressure-free cycle count.
  // ---------------------------------------------------------------------------
  localparam integer OutMetaW = 1 + RowIdxW + ColIdxW;

  wire               o_vld;
  wire [C*AccW-1:0]  o_data;
  wire [OutMetaW-1:0] o_meta;

  generate
    if (HasRq != 0) begin : g_rq
      // Requantization stage: per lane, the (mult, shift) entry of the beat's column
      // tile, then tf_requant (RqLat cycles); bypassed for a GEMM issued without
      // cmd_requant_i.
      tf_gemm_rq #(
        .C        (C),
        .AccW     (AccW),
        .RqOutW   (RqOutW),
        .RqLat    (RqLat),
        .LaneW    (LaneW),
        .NtW      (NtW),
        .NTMax    (NTMax),
        .RowIdxW  (RowIdxW),
        .ColIdxW  (ColIdxW),
        .RqMultW  (RqMultW),
        .RqShiftW (RqShiftW)
      ) u_rq (
        .clk_i       (clk_i),
        .rst_ni      (rst_ni),
        .en_i        (en),
        .prm_we_i    (rq_fire),
        .prm_lane_i  (rq_lane_q),
        .prm_idx_i   (rq_nt_q),
        .prm_mult_i  (rq_mult_i),
        .prm_shift_i (rq_shift_i),
        .bypass_i    (!rq_en_q),
        .bt_vld_i    (bt_vld_q),
        .bt_last_i   (bt_last_q),
        .bt_row_i    (bt_row_q),
        .bt_col_i    (bt_col_q),
        .bt_nt_i     (bt_nt_q),
        .bt_lane_i   (bt_lane_q),
        .bt_data_i   (bt_data_q),
        .o_vld_o     (o_vld),
        .o_meta_o    (o_meta),
        .o_data_o    (o_data)
      );
    end else begin : g_norq
      // No requantization hardware: the beat register drives the skid buffer directly.
      assign o_vld  = bt_vld_q;
      assign o_data = bt_data_q;
      assign o_meta = {bt_last_q, bt_row_q, bt_col_q};
      // These inputs and registers have no reader without requantization hardware.
      wire unused_rq = ^{rq_mult_i, rq_shift_i, rq_en_q, bt_nt_q, rq_lane_q, rq_nt_q, rq_fire,
                         bt_lane_q};
    end
  endgenerate

  wire skid_ready;
  assign en       = skid_ready;
  assign run_done = (state_q == StRun) && o_vld && o_meta[OutMetaW-1] && en;

  tf_skid #(
    .Width (C*AccW + OutMetaW)
  ) u_skid (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .in_valid_i  (o_vld && !store_q),   // a storing GEMM's beats go to the store
    .in_ready_o  (skid_ready),
    .in_data_i   ({o_meta, o_data}),
    .out_valid_o (c_valid_o),
    .out_ready_i (c_ready_i),
    .out_data_o  ({c_last_o, c_row_o, c_col_o, c_data_o})
  );

  // Counters: cycles in the GEMM state, and those lost to output back-pressure.
  reg [CntW-1:0] cycles_q;
  reg [CntW-1:0] stall_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cycles_q <= {CntW{1'b0}};
      stall_q  <= {CntW{1'b0}};
    end else if (run_go) begin
      cycles_q <= {CntW{1'b0}};
      stall_q  <= {CntW{1'b0}};
    end else if (state_q == StRun) begin
      cycles_q <= cycles_q + 1'b1;
      if (!en) begin
        stall_q <= stall_q + 1'b1;
      end
    end
  end
  assign stat_cycles_o = cycles_q;
  assign stat_stall_o  = stall_q;

  // Result store (StoreImpl != 0): A GEMM issued with cmd_store_i writes each output
  // beat into S as one masked row write; a GEMM whose source is S or S^T reads its
  // operand words from S instead of the lane memories, with the same latency, so the
  // schedule is unchanged. Without it, the schedule reads the lane memories, and a GEMM
  // that names a store source or cmd_store_i is refused (err_o).
  // The DMA's store port (HasBw and a store): ready while no GEMM runs or starts, so its
  // row writes and reads never meet a GEMM's store writes (StRun only) or reads.
  wire st_port = (HasBw != 0) && (StoreImpl != 0) && (state_q != StRun) && !run_go;
  assign sw_ready_o = st_port;
  assign sr_ready_o = st_port;
  wire sw_fire = sw_valid_i && st_port;
  wire sr_fire = sr_valid_i && st_port;
  generate
    if (StoreImpl != 0) begin : g_store
      // The store takes the low StIdxW bits of the read indices: reads beyond the store
      // (not issued: ph >= K or M) may alias; their words are unused.
      if (PhW > StIdxW) begin : g_unused_idx
        wire unused_st_idx = ^{st_aidx, st_bidx};
      end
      // the DMA's word group: sr_tile_i's low NtW bits (tiles < NTMax)
      wire [NtW-1:0] sr_grp;
      if (ColIdxW >= NtW) begin : g_grp_trunc
        assign sr_grp = sr_tile_i[NtW-1:0];
        if (ColIdxW > NtW) begin : g_unused
          wire unused_tile = ^sr_tile_i;
        end
      end else begin : g_grp_ext
        assign sr_grp = {{(NtW-ColIdxW){1'b0}}, sr_tile_i};
      end
      tf_gemm_store #(
        .Dataflow  (Dataflow),
        .R         (R),
        .C         (C),
        .OpW       (OpW),
        .AccW      (AccW),
        .MMax      (MMax),
        .NMax      (NMax),
        .RowIdxW   (RowIdxW),
        .ColIdxW   (ColIdxW),
        .AGrpW     (AGrpW),
        .AGrpN     (AGrpN),
        .NtW       (NtW),
        .NTMax     (NTMax),
        .StoreImpl (StoreImpl),
        .StNB      (StNB),
        .StIdxW    (StIdxW),
        .StRowW    (StRowW),
        .StColW    (StColW),
        .SrcW      (SrcW),
        .SrcBuf    (SrcBuf),
        .SrcSt     (SrcSt),
        .SrcStT    (SrcStT)
      ) u_store (
        .clk_i     (clk_i),
        .rst_ni    (rst_ni),
        .en_i      (en),
        .w_valid_i (en && o_vld && store_q),
        .w_row_i   (o_meta[ColIdxW +: RowIdxW]),
        .w_col_i   (o_meta[0 +: ColIdxW]),
        .w_data_i  (o_data),
        .asrc_i    (asrc_q),
        .bsrc_i    (bsrc_q),
        .a_idx_i   (st_aidx[StIdxW-1:0]),
        .b_idx_i   (st_bidx[StIdxW-1:0]),
        .a_grp_i   (st_agrp),
        .b_grp_i   (st_bgrp),
        .a_lane_i  (a_lane_rdata),
        .b_lane_i  (b_lane_rdata),
        .a_rdata_o (a_rdata),
        .b_rdata_o (b_rdata),
        .x_w_valid_i (sw_fire),
        .x_w_row_i   (sw_row_i),
        .x_w_col_i   (sw_col_i),
        .x_w_data_i  (sw_data_i),
        .x_w_mask_i  (sw_mask_i),
        .x_r_valid_i (sr_fire),
        .x_r_row_i   (sr_row_i),
        .x_r_grp_i   (sr_grp),
        .x_r_data_o  (sr_data_o)
      );
    end else begin : g_no_store
      assign a_rdata = a_lane_rdata;
      assign b_rdata = b_lane_rdata;
      assign sr_data_o = {(C*OpW){1'b0}};
      wire unused_src = ^{asrc_q, bsrc_q, st_aidx, st_bidx, st_agrp, st_bgrp};
      // no store: the DMA's store port has no reader
      wire unused_st_port = ^{sw_fire, sw_row_i, sw_col_i, sw_data_i, sw_mask_i, sr_fire, sr_row_i,
                              sr_tile_i};
    end
  endgenerate

endmodule

`default_nettype wire
