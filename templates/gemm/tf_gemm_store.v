// tf_gemm_store -- the GEMM engine's result store S and its adapter (fixed-text template).
//
// S is an MMax x NMax two-direction register file of OpW-bit operand words with two
// read ports: tf_trf_flops (StoreImpl = 1) or tf_trf_banked (StoreImpl = 2), NB =
// StNB = max(MMax, NMax) words per data port.
// Write side: an output beat of a storing GEMM (w_valid_i; row w_row_i, first column
// w_col_i, C lanes of AccW bits in w_data_i, requantized so the low OpW bits hold the
// value) is one masked row write at row w_row_i: word n (< NMax) takes lane n mod C
// and is enabled when w_col_i is the first column of n's tile, (n div C) * C.
// Read side: port 0 feeds A, port 1 feeds B. Each cycle (en_i) port 0 reads row or
// column a_idx_i, port 1 row or column b_idx_i (a read beyond the store returns zeros);
// the registered group then selects words grp*L .. grp*L+L-1 of the read (L = R for A,
// C for B; zero beyond NB words or at a group >= the group count) through a balanced
// tree of 2:1 multiplexers. Directions, as the schedules read their lane memories
// (docs/architecture.md 3.4):
//   OS (Dataflow 0): A = S column, A = S^T row;  WS (Dataflow 1): A = S row, A = S^T column;
//   B = S row, B = S^T column (both).
// a_rdata_o / b_rdata_o are the store's words when the GEMM's source is not the operand
// buffer (SrcBuf), else the lane memories' words a_lane_i / b_lane_i.
// Parameters (from the plan, gen/plan.c): Dataflow = dataflow, R / C = rows / cols,
// OpW = op_bits, AccW = acc_bits, MMax / NMax = max_m / max_n, RowIdxW = row_idx_w,
// ColIdxW = col_idx_w, AGrpW / AGrpN = mt_w /
// mt_max (OS) or kt_w / kt_max (WS), NtW / NTMax = nt_w / nt_max, StoreImpl = store,
// StNB = st_nb, StIdxW = st_idx_w, StRowW = st_row_w, StColW = st_col_w; SrcW, SrcBuf,
// SrcSt, SrcStT: the cmd_asrc_i / cmd_bsrc_i encoding.
// DMA side (x_*, a design with a memory system): x_w_* is one masked row write of C
// words at row x_w_row_i, words x_w_col_i .. x_w_col_i + C - 1 (x_w_col_i a multiple of C;
// word n takes lane n mod C of x_w_data_i where x_w_mask_i has that lane set); x_r_* reads
// row x_r_row_i on port 1 and selects word group x_r_grp_i (words grp*C .. grp*C+C-1),
// on x_r_data_o one cycle later. The engine issues them only while no GEMM runs
// (tf_gemm: sw_ready_o, sr_ready_o), so they never meet a GEMM's writes or reads; when
// x_w_valid_i and x_r_valid_i stay low the store behaves as without them.
// Handshake: none; reads advance with en_i. Latency: read data one cycle after the
// index (like tf_ram_1r1w); a write is visible to reads from the next cycle.
`default_nettype none

module tf_gemm_store #(
  parameter integer Dataflow  = 0,
  parameter integer R         = 3,
  parameter integer C         = 4,
  parameter integer OpW       = 8,
  parameter integer AccW      = 18,
  parameter integer MMax      = 14,
  parameter integer NMax      = 11,
  parameter integer RowIdxW   = 4,
  parameter integer ColIdxW   = 4,
  parameter integer AGrpW     = 3,
  parameter integer AGrpN     = 5,
  parameter integer NtW       = 2,
  parameter integer NTMax     = 3,
  parameter integer StoreImpl = 1,
  parameter integer StNB      = 14,
  parameter integer StIdxW    = 4,
  parameter integer StRowW    = 4,
  parameter integer StColW    = 4,
  parameter integer SrcW      = 2,
  parameter [SrcW-1:0] SrcBuf = 2'd0,
  parameter [SrcW-1:0] SrcSt  = 2'd1,
  parameter [SrcW-1:0] SrcStT = 2'd2
) (
  input  wire                 clk_i,
  input  wire                 rst_ni,
  input  wire                 en_i,
  // write: one output beat
  input  wire                 w_valid_i,
  input  wire [RowIdxW-1:0]   w_row_i,
  input  wire [ColIdxW-1:0]   w_col_i,
  input  wire [C*AccW-1:0]    w_data_i,
  // read: sources, indices and word groups of the schedule
  input  wire [SrcW-1:0]      asrc_i,
  input  wire [SrcW-1:0]      bsrc_i,
  input  wire [StIdxW-1:0]    a_idx_i,
  input  wire [StIdxW-1:0]    b_idx_i,
  input  wire [AGrpW-1:0]     a_grp_i,
  input  wire [NtW-1:0]       b_grp_i,
  input  wire [R*OpW-1:0]     a_lane_i,
  input  wire [C*OpW-1:0]     b_lane_i,
  output wire [R*OpW-1:0]     a_rdata_o,
  output wire [C*OpW-1:0]     b_rdata_o,
  // DMA side: a row write of C words, a row read of C words (port 1)
  input  wire                 x_w_valid_i,
  input  wire [RowIdxW-1:0]   x_w_row_i,
  input  wire [ColIdxW-1:0]   x_w_col_i,
  input  wire [C*OpW-1:0]     x_w_data_i,
  input  wire [C-1:0]         x_w_mask_i,
  input  wire                 x_r_valid_i,
  input  wire [RowIdxW-1:0]   x_r_row_i,
  input  wire [NtW-1:0]       x_r_grp_i,
  output wire [C*OpW-1:0]     x_r_data_o
);

  localparam integer NB = StNB;

  // Parameter checks, at elaboration: a failing check instantiates a module that does
  // not exist, whose name says what is wrong. They also keep the parameters of the
  // implementation not chosen referenced (Verilator UNUSEDPARAM).
  generate
    if ((StoreImpl != 1 && StoreImpl != 2) || StNB < MMax || StNB < NMax
        || (1 << StIdxW) < StNB || (1 << StRowW) < MMax || (1 << StColW) < NMax
        || AGrpN < 1 || NTMax < 1) begin : g_bad_params
      tf_gemm_store_error_inconsistent_parameters u_error ();
    end
  endgenerate

  // ---- write side: the GEMM's beat or the DMA's row write (never in the same cycle)
  wire [RowIdxW-1:0] w_row = x_w_valid_i ? x_w_row_i : w_row_i;
  wire [ColIdxW-1:0] w_col = x_w_valid_i ? x_w_col_i : w_col_i;
  wire [StIdxW-1:0] w_idx;
  wire [StIdxW-1:0] x_r_idx;
  generate
    if (RowIdxW >= StIdxW) begin : g_widx_trunc
      assign w_idx   = w_row[StIdxW-1:0];
      assign x_r_idx = x_r_row_i[StIdxW-1:0];
      if (RowIdxW > StIdxW) begin : g_unused
        wire unused_w_row = ^{w_row, x_r_row_i};
      end
    end else begin : g_widx_ext
      assign w_idx   = {{(StIdxW-RowIdxW){1'b0}}, w_row};
      assign x_r_idx = {{(StIdxW-RowIdxW){1'b0}}, x_r_row_i};
    end
  endgenerate
  wire [NB*OpW-1:0] w_data;
  wire [NB-1:0]     w_mask;
  genvar gw;
  generate
    // word n of the row takes lane n mod C when the beat's first column is its tile's
    for (gw = 0; gw < NB; gw = gw + 1) begin : g_wword
      if (gw < NMax) begin : g_live
        localparam integer Col0 = (gw / C) * C;
        assign w_data[gw*OpW +: OpW] = x_w_valid_i ? x_w_data_i[(gw % C)*OpW +: OpW]
                                                   : w_data_i[(gw % C)*AccW +: OpW];
        assign w_mask[gw]            = (w_col == Col0[ColIdxW-1:0])
                                       && (!x_w_valid_i || x_w_mask_i[gw % C]);
      end else begin : g_dead
        assign w_data[gw*OpW +: OpW] = {OpW{1'b0}};
        assign w_mask[gw]            = 1'b0;
      end
    end
  endgenerate
  // low OpW bits of each lane: requantized results fit (requant_bits <= operand_bits); with
  // max_n < C the GEMM's lanes from max_n on never reach a live word
  wire unused_w_data = ^{w_data_i, x_w_data_i, x_w_mask_i};

  // ---- read side
  // Port 1 serves the DMA's row read (x_r_valid_i) in place of the schedule's B read.
  wire a_dir = (asrc_i == ((Dataflow == 0) ? SrcSt : SrcStT));
  wire b_dir = (bsrc_i == SrcStT) && !x_r_valid_i;
  wire [StIdxW-1:0] b_idx = x_r_valid_i ? x_r_idx : b_idx_i;
  wire              b_en  = en_i || x_r_valid_i;
  reg  [AGrpW-1:0] a_grp_q;
  reg  [NtW-1:0]   b_grp_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_grp_q <= {AGrpW{1'b0}};
      b_grp_q <= {NtW{1'b0}};
    end else begin
      if (en_i) begin
        a_grp_q <= a_grp_i;
      end
      if (b_en) begin
        b_grp_q <= x_r_valid_i ? x_r_grp_i : b_grp_i;
      end
    end
  end

  wire [1:0]          r_valid;
  wire [2*NB*OpW-1:0] r_data;
  generate
    if (StoreImpl == 2) begin : g_banked
      tf_trf_banked #(
        .NR    (MMax),
        .NC    (NMax),
        .W     (OpW),
        .Ports (2),
        .NB    (NB),
        .IdxW  (StIdxW),
        .RowW  (StRowW)
      ) u_trf (
        .clk_i     (clk_i),
        .rst_ni    (rst_ni),
        .w_valid_i (w_valid_i || x_w_valid_i),
        .w_dir_i   (1'b0),
        .w_idx_i   (w_idx),
        .w_data_i  (w_data),
        .w_mask_i  (w_mask),
        .r_valid_i ({b_en, en_i}),
        .r_dir_i   ({b_dir, a_dir}),
        .r_idx_i   ({b_idx, a_idx_i}),
        .r_valid_o (r_valid),
        .r_data_o  (r_data)
      );
    end else begin : g_flops
      tf_trf_flops #(
        .NR    (MMax),
        .NC    (NMax),
        .W     (OpW),
        .Ports (2),
        .NB    (NB),
        .IdxW  (StIdxW),
        .RowW  (StRowW),
        .ColW  (StColW)
      ) u_trf (
        .clk_i     (clk_i),
        .rst_ni    (rst_ni),
        .w_valid_i (w_valid_i || x_w_valid_i),
        .w_dir_i   (1'b0),
        .w_idx_i   (w_idx),
        .w_data_i  (w_data),
        .w_mask_i  (w_mask),
        .r_valid_i ({b_en, en_i}),
        .r_dir_i   ({b_dir, a_dir}),
        .r_idx_i   ({b_idx, a_idx_i}),
        .r_valid_o (r_valid),
        .r_data_o  (r_data)
      );
    end
  endgenerate
  wire unused_r = ^{r_valid, r_data};

  // Word groups: group g of port p holds words g*L .. g*L+L-1 of the read, zero
  // beyond NB words and for g at or beyond the group count. The registered group
  // selects one through a balanced tree of 2:1 multiplexers: level l has
  // 2^(GrpW-l) nodes, node n of level l picks node 2n + grp[l-1] of level l-1.
  localparam integer NAGrp = 1 << AGrpW;
  localparam integer NBGrp = 1 << NtW;
  genvar gl, gn, gk;
  generate
    for (gl = 0; gl <= AGrpW; gl = gl + 1) begin : g_asel
      for (gn = 0; gn < (NAGrp >> gl); gn = gn + 1) begin : g_node
        wire [R*OpW-1:0] y;
        if (gl == 0) begin : g_leaf
          for (gk = 0; gk < R; gk = gk + 1) begin : g_word
            if (gn < AGrpN && gn * R + gk < NB) begin : g_live
              assign y[gk*OpW +: OpW] = r_data[(gn*R + gk)*OpW +: OpW];
            end else begin : g_zero
              assign y[gk*OpW +: OpW] = {OpW{1'b0}};
            end
          end
        end else begin : g_mux
          assign y = a_grp_q[gl-1] ? g_asel[gl-1].g_node[2*gn+1].y : g_asel[gl-1].g_node[2*gn].y;
        end
      end
    end
    for (gl = 0; gl <= NtW; gl = gl + 1) begin : g_bsel
      for (gn = 0; gn < (NBGrp >> gl); gn = gn + 1) begin : g_node
        wire [C*OpW-1:0] y;
        if (gl == 0) begin : g_leaf
          for (gk = 0; gk < C; gk = gk + 1) begin : g_word
            if (gn < NTMax && gn * C + gk < NB) begin : g_live
              assign y[gk*OpW +: OpW] = r_data[(NB + gn*C + gk)*OpW +: OpW];
            end else begin : g_zero
              assign y[gk*OpW +: OpW] = {OpW{1'b0}};
            end
          end
        end else begin : g_mux
          assign y = b_grp_q[gl-1] ? g_bsel[gl-1].g_node[2*gn+1].y : g_bsel[gl-1].g_node[2*gn].y;
        end
      end
    end
  endgenerate

  assign a_rdata_o  = (asrc_i != SrcBuf) ? g_asel[AGrpW].g_node[0].y : a_lane_i;
  assign b_rdata_o  = (bsrc_i != SrcBuf) ? g_bsel[NtW].g_node[0].y : b_lane_i;
  assign x_r_data_o = g_bsel[NtW].g_node[0].y;

`ifndef SYNTHESIS
  // The engine never lets the DMA's accesses meet a GEMM's (tf_gemm: sw_ready_o, sr_ready_o).
  always @(posedge clk_i) begin
    if (x_w_valid_i && w_valid_i) begin
      $display("%m: ERROR: a DMA row write and a GEMM result beat in the same cycle");
      $finish;
    end
  end
`endif

endmodule

`default_nettype wire
