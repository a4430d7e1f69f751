// tf_aux -- the auxiliary unit behind the GEMM engine (fixed-text template): per-column bias,
// requantization, residual add, LayerNorm over a row, GELU, chained by one command over M rows
// of d elements that arrive in beats of Lanes elements (the engine's c_* stream).
// Bit-exact with tfx_run() in model/tf_aux.c (docs/numerics.md); cycles as
// tfx_cycles_cmd() there; interface, formats and pipeline in docs/architecture.md 3.6.
//
//   in_*  -> S0 -> [BIAS 1] -> [REQUANT 2] -> [RESIDUAL 1 (+ 2 - bias - requant, if > 0)]
//         -> LAYERNORM (row store, statistics, setup, normalize; or straight through)
//         -> [GELU 8] -> lanes beyond d zeroed -> tf_skid -> out_*
//
// A stage exists only if its Has* parameter is 1; an existing stage not in the command passes
// the lane word through with its latency. Every beat carries its row, column, lane mask and
// last-of-command flag beside the data.
//
// Commands (cmd_valid_i / cmd_ready_o; ready only when idle): cmd_op_i 0 RUN, 1 LOAD_BIAS,
// 2 LOAD_RQ, 3 LOAD_GAMMA, 4 LOAD_BETA. A load takes cmd_d_i entries on prm_*, column 0
// first, one per cycle. A RUN takes M * ceil(d / Lanes) beats on in_* (and as many on res_*
// when the command has RESIDUAL, beat i with beat i) and gives as many on out_*, in the same
// order. A refused command is consumed, changes nothing and raises err_o (err_code_o says
// why) until the next accepted command.
//
// Back-pressure: out_ready_i low fills the output skid buffer, whose registered ready is the
// global advance `en`: every pipeline register holds while it is low. The stages before the
// LayerNorm also hold while their head beat waits for a free row-store bank (en_up).
// stat_cycles_o counts a RUN from the cycle after it is accepted to the cycle its last beat
// enters the skid buffer, stat_stall_o the cycles of those with en low.
`default_nettype none

module tf_aux #(
  parameter integer Lanes    = 4,
  parameter integer MaxD     = 64,
  parameter integer AccW     = 32,  // accumulator lanes, 16..48
  parameter integer BiasW    = 32,  // 2..min(32, AccW)
  parameter integer RqW      = 8,   // 2..24
  parameter integer ResW     = 16,  // 2..24
  parameter integer ResInW   = 8,   // 2..16
  parameter integer LnInW    = 16,  // 2..20
  parameter integer LnOutW   = 8,   // 2..16
  parameter integer LnMaxD   = 64,  // 1..MaxD
  parameter integer LnRows   = 1,   // rows of one LayerNorm group, < 2^(RowW-1)
  parameter integer LnBanks  = 2,   // row-store banks, >= 2
  parameter integer GeluInW  = 8,   // 2..16
  parameter integer GeluOutW = 8,   // 2..16
  parameter integer RowW     = 8,   // rows of a command: 1..2^RowW - 1
  parameter integer HasBias  = 1,
  parameter integer HasRq    = 1,
  parameter integer HasRes   = 1,
  parameter integer HasLn    = 1,
  parameter integer HasGelu  = 1,
  parameter integer CntW     = 32,
  // derived: the generator writes these; the defaults compute them
  parameter integer DW       = $clog2(MaxD + 1),                     // d, n
  parameter integer ColW     = (MaxD > 1) ? $clog2(MaxD) : 1,        // column tags
  parameter integer PW       = (AccW > ResW) ? AccW : ResW           // output lane width
) (
  input  wire                      clk_i,
  input  wire                      rst_ni,
  // command
  input  wire                      cmd_valid_i,
  output wire                      cmd_ready_o,
  input  wire [2:0]                cmd_op_i,
  input  wire [4:0]                cmd_ops_i,          // RUN: BIAS, REQUANT, RESIDUAL, LAYERNORM, GELU
  input  wire [DW-1:0]             cmd_d_i,            // RUN: d; LOAD_*: entries
  input  wire [RowW-1:0]           cmd_m_i,            // RUN: rows
  input  wire [RowW-1:0]           cmd_grp_i,          // RUN with LAYERNORM: rows per group
  input  wire                      cmd_rq_pt_i,        // REQUANT: entry 0 for every column
  input  wire [30:0]               cmd_res_mult_i,
  input  wire [4:0]                cmd_res_lsh_i,      // 0..24
  input  wire [4:0]                cmd_res_shift_i,
  input  wire [3:0]                cmd_ln_gf_i,
  input  wire [4:0]                cmd_ln_bf_i,        // 0..16
  input  wire [31:0]               cmd_ln_eps_i,
  input  wire [15:0]               cmd_gelu_in_mant_i,  // 1..65535
  input  wire [5:0]                cmd_gelu_in_exp_i,   // 0..47
  input  wire [15:0]               cmd_gelu_out_mant_i, // 1..65535
  input  wire [5:0]                cmd_gelu_out_exp_i,  // 0..40
  // parameter loads
  input  wire                      prm_valid_i,
  output wire                      prm_ready_o,
  input  wire [35:0]               prm_data_i,
  // main input: Lanes accumulators, lane j is column in_col_i + j
  input  wire                      in_valid_i,
  output wire                      in_ready_o,
  input  wire [Lanes*AccW-1:0]     in_data_i,
  input  wire [RowW-1:0]           in_row_i,
  input  wire [ColW-1:0]           in_col_i,
  // residual operand, one beat per main beat
  input  wire                      res_valid_i,
  output wire                      res_ready_o,
  input  wire [Lanes*ResInW-1:0]   res_data_i,
  // output
  output wire                      out_valid_o,
  input  wire                      out_ready_i,
  output wire [Lanes*PW-1:0]       out_data_o,
  output wire [RowW-1:0]           out_row_o,
  output wire [ColW-1:0]           out_col_o,
  output wire                      out_last_o,
  // status
  output wire                      busy_o,
  output wire                      err_o,
  output wire [2:0]                err_code_o,
  output wire [CntW-1:0]           stat_cycles_o,
  output wire [CntW-1:0]           stat_stall_o
);

  // ---- derived sizes ---------------------------------------------------------------------------
  localparam integer Tiles   = (MaxD + Lanes - 1) / Lanes;
  localparam integer TileW   = (Tiles > 1) ? $clog2(Tiles) : 1;
  localparam integer TotW    = RowW + TileW + 1;                  // beats of a command
  localparam integer LatBias = (HasBias != 0) ? 1 : 0;
  localparam integer LatRq   = (HasRq != 0) ? 2 : 0;
  localparam integer PreLat  = LatBias + LatRq;
  localparam integer LatRes  = (HasRes != 0) ? ((PreLat < 2) ? 3 - PreLat : 1) : 0;
  localparam integer LatUp   = LatBias + LatRq + LatRes;          // after S0
  localparam integer TagW    = 2 + RowW + ColW + TileW + Lanes;   // vld, last, row, col, tile, mask

  // floor(x / Lanes) for x < 2^DivN without a divider: a multiply by the constant
  // m = ceil(2^(DivN + l) / Lanes), l = ceil(lg Lanes), then a shift by DivN + l (exact for
  // every x < 2^DivN: Granlund and Montgomery, PLDI 1994, section 4).
  localparam integer DivN  = ((DW > 7) ? DW : 7) + 1;
  localparam integer DivL  = $clog2(Lanes);
  localparam integer DivS  = DivN + DivL;
  localparam integer DivM  = ((1 << DivS) + Lanes - 1) / Lanes;
  localparam integer DivPW = 2 * DivN + TileW + 2;
  localparam [DivN:0] DivMV = DivM[DivN:0];

  localparam [4:0] Built = {HasGelu != 0, HasLn != 0, HasRes != 0, HasRq != 0, HasBias != 0};
  localparam [DW-1:0]   MaxDV   = MaxD[DW-1:0];
  localparam [DW-1:0]   LnMaxDV = LnMaxD[DW-1:0];
  localparam [RowW-1:0] LnRowsV = LnRows[RowW-1:0];
  localparam integer    LanesM1 = Lanes - 1;
  localparam [DivN-1:0] LanesM1V = LanesM1[DivN-1:0];
  // static width checks of a chain (docs/numerics.md 11.7)
  localparam RqGtRes  = (RqW > ResW),      AccGtRes  = (AccW > ResW);
  localparam ResGtLn  = (ResW > LnInW),    RqGtLn    = (RqW > LnInW),   AccGtLn = (AccW > LnInW);
  localparam LnGtGelu = (LnOutW > GeluInW), ResGtGelu = (ResW > GeluInW);
  localparam RqGtGelu = (RqW > GeluInW),   AccGtGelu = (AccW > GeluInW);

  localparam [2:0] EOk = 3'd0, ED = 3'd1, EOrder = 3'd2, EWidth = 3'd3, EParam = 3'd4,
                   EBuilt = 3'd6;
  localparam [1:0] StIdle = 2'd0, StRun = 2'd1, StLoad = 2'd2;
  localparam [2:0] OpRun = 3'd0, OpBias = 3'd1, OpRq = 3'd2, OpGamma = 3'd3, OpBeta = 3'd4;

  // ---- command check ---------------------------------------------------------------------------
  wire [4:0] ops = cmd_ops_i;
  wire res_wfail  = ops[1] ? RqGtRes : AccGtRes;
  wire ln_wfail   = ops[2] ? ResGtLn : (ops[1] ? RqGtLn : AccGtLn);
  wire gelu_wfail = ops[3] ? LnGtGelu : (ops[2] ? ResGtGelu : (ops[1] ? RqGtGelu : AccGtGelu));
  // d above max_d, d above ln_max_d, a group above ln_rows: no comparison where the limit is
  // the field's largest value (2^n - 1: nothing can be above it, and lint would call the
  // comparison constant)
  wire d_long;
  wire ln_d_long;
  wire grp_long;
  generate
    if (MaxD >= (1 << DW) - 1) begin : g_d_all
      assign d_long = 1'b0;
    end else begin : g_d_cmp
      assign d_long = (cmd_d_i > MaxDV);
    end
    if (LnMaxD >= (1 << DW) - 1) begin : g_ln_d_all
      assign ln_d_long = 1'b0;
    end else begin : g_ln_d_cmp
      assign ln_d_long = (cmd_d_i > LnMaxDV);
    end
    if (LnRows >= (1 << RowW) - 1) begin : g_grp_all
      assign grp_long = 1'b0;
    end else begin : g_grp_cmp
      assign grp_long = (cmd_grp_i > LnRowsV);
    end
  endgenerate
  wire d_bad      = (cmd_d_i == {DW{1'b0}}) || d_long;
  wire ln_d_bad   = (cmd_d_i == {DW{1'b0}}) || ln_d_long;

  reg [2:0] code;
  always @* begin
    code = EOk;
    case (cmd_op_i)
      OpRun: begin
        if (d_bad || (cmd_m_i == {RowW{1'b0}}))                           code = ED;
        else if ((ops & ~Built) != 5'd0)                                  code = EBuilt;
        else if (ops[2] && res_wfail)                                     code = EWidth;
        else if (ops[2] && (cmd_res_lsh_i > 5'd24))                       code = EParam;
        else if (ops[3] && (ln_d_long || (cmd_grp_i == {RowW{1'b0}}) ||
                            grp_long))                                    code = ED;
        else if (ops[3] && ln_wfail)                                      code = EWidth;
        else if (ops[3] && (cmd_ln_bf_i > 5'd16))                         code = EParam;
        else if (ops[4] && gelu_wfail)                                    code = EWidth;
        else if (ops[4] && ((cmd_gelu_in_mant_i == 16'd0) || (cmd_gelu_out_mant_i == 16'd0) ||
                            (cmd_gelu_in_exp_i > 6'd47) || (cmd_gelu_out_exp_i > 6'd40)))
                                                                          code = EParam;
      end
      OpBias:  code = !Built[0] ? EBuilt : (d_bad ? ED : EOk);
      OpRq:    code = !Built[1] ? EBuilt : (d_bad ? ED : EOk);
      OpGamma: code = !Built[3] ? EBuilt : (ln_d_bad ? ED : EOk);
      OpBeta:  code = !Built[3] ? EBuilt : (ln_d_bad ? ED : EOk);
      default: code = EOrder;
    endcase
  end

  // ---- command state ---------------------------------------------------------------------------
  reg [1:0]        st_q;
  reg              err_q;
  reg [2:0]        err_code_q;
  reg [4:0]        ops_q;
  reg [DW-1:0]     d_q;
  reg [RowW-1:0]   m_q;
  reg [RowW-1:0]   grp_q;
  reg              rqpt_q;
  reg [30:0]       res_mult_q;
  reg [4:0]        res_lsh_q;
  reg [4:0]        res_sh_q;
  reg [3:0]        gf_q;
  reg [4:0]        bf_q;
  reg [31:0]       eps_q;
  reg [15:0]       gim_q;
  reg [5:0]        gie_q;
  reg [15:0]       gom_q;
  reg [5:0]        goe_q;
  reg [TileW:0]    tiles_q;
  reg [TotW-1:0]   total_q;
  reg [TotW-1:0]   in_cnt_q;
  reg [2:0]        ld_op_q;
  reg [DW-1:0]     ld_n_q;
  reg [DW-1:0]     ld_cnt_q;
  reg [DivN-1:0]   ld_lane_q;
  reg [TileW-1:0]  ld_tile_q;
  reg [CntW-1:0]   cycles_q;
  reg [CntW-1:0]   stall_q;

  wire cmd_fire = cmd_valid_i && (st_q == StIdle);
  wire cmd_ok   = (code == EOk);
  wire run_go   = cmd_fire && cmd_ok && (cmd_op_i == OpRun);
  wire load_go  = cmd_fire && cmd_ok && (cmd_op_i != OpRun);

  // ceil(d / Lanes) and M * ceil(d / Lanes) of the command being accepted
  wire [DivN-1:0]  dsum  = {{(DivN-DW){1'b0}}, cmd_d_i} + LanesM1V;
  wire [DivPW-1:0] dprod = {{(DivN+TileW+2){1'b0}}, dsum} * {{(DivN+TileW+1){1'b0}}, DivMV};
  wire [TileW:0]   tiles_d = dprod[DivS +: TileW+1];
  wire [TotW-1:0]  total_d = {{(TileW+1){1'b0}}, cmd_m_i} * {{RowW{1'b0}}, tiles_d};

  wire en;         // global advance: the output skid buffer can take a beat
  wire en_up;      // the stages before the LayerNorm
  wire o_fire;     // a beat enters the skid buffer
  wire o_last;
  wire prm_fire = prm_valid_i && (st_q == StLoad);
  wire ld_end   = prm_fire && (ld_cnt_q == ld_n_q - {{(DW-1){1'b0}}, 1'b1});

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q       <= StIdle;
      err_q      <= 1'b0;
      err_code_q <= EOk;
      ops_q      <= 5'd0;
      in_cnt_q   <= {TotW{1'b0}};
      cycles_q   <= {CntW{1'b0}};
      stall_q    <= {CntW{1'b0}};
    end else begin
      if (cmd_fire) begin
        err_q      <= !cmd_ok;
        err_code_q <= code;
      end
      if (run_go) begin
        st_q     <= StRun;
        ops_q    <= cmd_ops_i;
        in_cnt_q <= {TotW{1'b0}};
        cycles_q <= {CntW{1'b0}};
        stall_q  <= {CntW{1'b0}};
      end else if (load_go) begin
        st_q <= StLoad;
      end else if (st_q == StRun) begin
        cycles_q <= cycles_q + {{(CntW-1){1'b0}}, 1'b1};
        if (!en) stall_q <= stall_q + {{(CntW-1){1'b0}}, 1'b1};
        if (in_fire) in_cnt_q <= in_cnt_q + {{(TotW-1){1'b0}}, 1'b1};
        if (o_fire && o_last) st_q <= StIdle;
      end else if (st_q == StLoad) begin
        if (ld_end) st_q <= StIdle;
      end
    end
  end

  always @(posedge clk_i) begin
    if (run_go) begin
      d_q        <= cmd_d_i;
      m_q        <= cmd_m_i;
      grp_q      <= cmd_grp_i;
      rqpt_q     <= cmd_rq_pt_i;
      res_mult_q <= cmd_res_mult_i;
      res_lsh_q  <= cmd_res_lsh_i;
      res_sh_q   <= cmd_res_shift_i;
      gf_q       <= cmd_ln_gf_i;
      bf_q       <= cmd_ln_bf_i;
      eps_q      <= cmd_ln_eps_i;
      gim_q      <= cmd_gelu_in_mant_i;
      gie_q      <= cmd_gelu_in_exp_i;
      gom_q      <= cmd_gelu_out_mant_i;
      goe_q      <= cmd_gelu_out_exp_i;
      tiles_q    <= tiles_d;
      total_q    <= total_d;
    end
    if (load_go) begin
      ld_op_q   <= cmd_op_i;
      ld_n_q    <= cmd_d_i;
      ld_cnt_q  <= {DW{1'b0}};
      ld_lane_q <= {DivN{1'b0}};
      ld_tile_q <= {TileW{1'b0}};
    end else if (prm_fire) begin
      ld_cnt_q <= ld_cnt_q + {{(DW-1){1'b0}}, 1'b1};
      if (ld_lane_q == LanesM1V) begin
        ld_lane_q <= {DivN{1'b0}};
        ld_tile_q <= ld_tile_q + {{(TileW-1){1'b0}}, 1'b1};
      end else begin
        ld_lane_q <= ld_lane_q + {{(DivN-1){1'b0}}, 1'b1};
      end
    end
  end

  assign cmd_ready_o   = (st_q == StIdle);
  assign prm_ready_o   = (st_q == StLoad);
  assign busy_o        = (st_q != StIdle);
  assign err_o         = err_q;
  assign err_code_o    = err_code_q;
  assign stat_cycles_o = cycles_q;
  assign stat_stall_o  = stall_q;

  // per-lane write enables of the parameter memories
  wire [Lanes-1:0] lane_sel;
  genvar j;
  generate
    for (j = 0; j < Lanes; j = j + 1) begin : g_lsel
      localparam [DivN-1:0] JV = j;
      assign lane_sel[j] = prm_fire && (ld_lane_q == JV);
    end
  endgenerate
  wire [Lanes-1:0] we_bias  = (ld_op_q == OpBias)  ? lane_sel : {Lanes{1'b0}};
  wire [Lanes-1:0] we_rq    = (ld_op_q == OpRq)    ? lane_sel : {Lanes{1'b0}};
  wire [Lanes-1:0] we_gamma = (ld_op_q == OpGamma) ? lane_sel : {Lanes{1'b0}};
  wire [Lanes-1:0] we_beta  = (ld_op_q == OpBeta)  ? lane_sel : {Lanes{1'b0}};

  // ---- input, S0 ------------------------------------------------------------------------------------
  wire res_on  = ops_q[2];
  wire ln_on   = ops_q[3];
  wire in_go   = (st_q == StRun) && (in_cnt_q != total_q) && en_up;
  wire in_fire = in_go && in_valid_i && (!res_on || res_valid_i);
  assign in_ready_o  = in_go && (!res_on || res_valid_i);
  assign res_ready_o = in_go && res_on && in_valid_i;

  wire [DivPW-1:0] cprod = {{(DivN+TileW+2){1'b0}}, {{(DivN-ColW){1'b0}}, in_col_i}} *
                           {{(DivN+TileW+1){1'b0}}, DivMV};
  wire [TileW-1:0] in_tile = cprod[DivS +: TileW];
  wire [DW:0]      in_rem  = {1'b0, d_q} - {{(DW+1-ColW){1'b0}}, in_col_i};
  wire [Lanes-1:0] in_mask;
  generate
    for (j = 0; j < Lanes; j = j + 1) begin : g_imask
      localparam [DW:0] JV = j;
      assign in_mask[j] = (in_rem > JV);
    end
  endgenerate
  wire in_last = (in_cnt_q + {{(TotW-1){1'b0}}, 1'b1}) == total_q;

  reg                    s0_vld_q;
  reg [Lanes*AccW-1:0]   s0_data_q;
  reg [Lanes*ResInW-1:0] s0_res_q;
  reg [TagW-2:0]         s0_tag_q;   // last, row, col, tile, mask
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s0_vld_q <= 1'b0;
    end else if (en_up) begin
      s0_vld_q <= in_fire;
    end
  end
  always @(posedge clk_i) begin
    if (in_fire) begin
      s0_data_q <= in_data_i;
      s0_res_q  <= res_data_i;
      s0_tag_q  <= {in_last, in_row_i, in_col_i, in_tile, in_mask};
    end
  end

  // ---- BIAS, REQUANT, RESIDUAL ---------------------------------------------------------------------------
  wire [Lanes*AccW-1:0] x1;
  wire [Lanes*AccW-1:0] x2;
  wire [Lanes*PW-1:0]   x3;

  generate
    if (HasBias != 0) begin : g_bias
      wire [Lanes*BiasW-1:0] bias;
      for (j = 0; j < Lanes; j = j + 1) begin : g_mem
        tf_ram_1r1w #(
          .Width (BiasW),
          .Depth (Tiles),
          .AddrW (TileW)
        ) u_mem (
          .clk_i   (clk_i),
          .we_i    (we_bias[j]),
          .waddr_i (ld_tile_q),
          .wdata_i (prm_data_i[BiasW-1:0]),
          .re_i    (in_fire),
          .raddr_i (in_tile),
          .rdata_o (bias[j*BiasW +: BiasW])
        );
      end
      tf_aux_bias #(
        .Lanes (Lanes),
        .AccW  (AccW),
        .BiasW (BiasW)
      ) u_bias (
        .clk_i    (clk_i),
        .en_i     (en_up),
        .bypass_i (!ops_q[0]),
        .x_i      (s0_data_q),
        .b_i      (bias),
        .y_o      (x1)
      );
    end else begin : g_nobias
      assign x1 = s0_data_q;
    end

    if (HasRq != 0) begin : g_rq
      wire [Lanes*36-1:0] ent;
      wire [Lanes*31-1:0] mult;
      wire [Lanes*5-1:0]  shift;
      for (j = 0; j < Lanes; j = j + 1) begin : g_mem
        tf_ram_1r1w #(
          .Width (36),
          .Depth (Tiles),
          .AddrW (TileW)
        ) u_mem (
          .clk_i   (clk_i),
          .we_i    (we_rq[j]),
          .waddr_i (ld_tile_q),
          .wdata_i (prm_data_i),
          .re_i    (in_fire),
          .raddr_i (rqpt_q ? {TileW{1'b0}} : in_tile),
          .rdata_o (ent[j*36 +: 36])
        );
        // per tensor: lane 0's entry 0 for every lane
        wire [35:0] e = rqpt_q ? ent[35:0] : ent[j*36 +: 36];
        if (HasBias != 0) begin : g_dly
          reg [35:0] e_q;
          always @(posedge clk_i) begin
            if (en_up) e_q <= e;
          end
          assign mult[j*31 +: 31] = e_q[30:0];
          assign shift[j*5 +: 5]  = e_q[35:31];
        end else begin : g_nodly
          assign mult[j*31 +: 31] = e[30:0];
          assign shift[j*5 +: 5]  = e[35:31];
        end
      end
      tf_aux_rq #(
        .Lanes (Lanes),
        .AccW  (AccW),
        .RqW   (RqW)
      ) u_rq (
        .clk_i    (clk_i),
        .en_i     (en_up),
        .bypass_i (!ops_q[1]),
        .x_i      (x1),
        .mult_i   (mult),
        .shift_i  (shift),
        .y_o      (x2)
      );
    end else begin : g_norq
      assign x2 = x1;
    end

    if (HasRes != 0) begin : g_res
      tf_aux_res #(
        .Lanes  (Lanes),
        .InW    (AccW),
        .ResW   (ResW),
        .ResInW (ResInW),
        .OutW   (PW),
        .PreLat (PreLat)
      ) u_res (
        .clk_i    (clk_i),
        .rst_ni   (rst_ni),
        .en_i     (en_up),
        .bypass_i (!res_on),
        .r_i      (s0_res_q),
        .mult_i   (res_mult_q),
        .lsh_i    (res_lsh_q),
        .shift_i  (res_sh_q),
        .x_i      (x2),
        .y_o      (x3)
      );
    end else begin : g_nores
      for (j = 0; j < Lanes; j = j + 1) begin : g_fit
        tf_aux_fit #(.InW (AccW), .OutW (PW)) u_fit (
          .x_i (x2[j*AccW +: AccW]),
          .y_o (x3[j*PW +: PW])
        );
      end
      wire unused_res = ^{s0_res_q, res_mult_q, res_lsh_q, res_sh_q};
    end
  endgenerate

  // side band of the stages before the LayerNorm
  wire [TagW-1:0] up_tag;
  generate
    if (LatUp > 0) begin : g_uptag
      tf_delay #(
        .Width (TagW),
        .Depth (LatUp)
      ) u_uptag (
        .clk_i  (clk_i),
        .rst_ni (rst_ni),
        .en_i   (en_up),
        .d_i    ({s0_vld_q, s0_tag_q}),
        .q_o    (up_tag)
      );
    end else begin : g_nouptag
      assign up_tag = {s0_vld_q, s0_tag_q};
    end
  endgenerate
  wire             up_vld;
  wire             up_last;
  wire [RowW-1:0]  up_row;
  wire [ColW-1:0]  up_col;
  wire [TileW-1:0] up_tile;
  wire [Lanes-1:0] up_mask;
  assign {up_vld, up_last, up_row, up_col, up_tile, up_mask} = up_tag;

  // ---- LAYERNORM ---------------------------------------------------------------------------------------
  wire                 dn_vld;
  wire                 dn_last;
  wire [RowW-1:0]      dn_row;
  wire [ColW-1:0]      dn_col;
  wire [Lanes-1:0]     dn_mask;
  wire [Lanes*PW-1:0]  dn_data;

  generate
    if (HasLn != 0) begin : g_ln
      wire                    s_ok;
      wire                    n_vld;
      wire [Lanes*LnOutW-1:0] n_data;
      wire [RowW-1:0]         n_row;
      wire [ColW-1:0]         n_col;
      wire [Lanes-1:0]        n_mask;
      wire                    n_last;
      wire [Lanes*PW-1:0]     n_word;
      tf_aux_ln #(
        .Lanes   (Lanes),
        .PW      (PW),
        .LnInW   (LnInW),
        .LnOutW  (LnOutW),
        .LnMaxD  (LnMaxD),
        .LnRows  (LnRows),
        .LnBanks (LnBanks),
        .RowW    (RowW),
        .ColW    (ColW),
        .TileW   (TileW),
        .DW      (DW)
      ) u_ln (
        .clk_i     (clk_i),
        .rst_ni    (rst_ni),
        .start_i   (run_go),
        .d_i       (d_q),
        .m_i       (m_q),
        .grp_i     (grp_q),
        .tiles_i   (tiles_q),
        .gf_i      (gf_q),
        .bf_i      (bf_q),
        .eps_i     (eps_q),
        .gw_we_i   (we_gamma),
        .bw_we_i   (we_beta),
        .pw_addr_i (ld_tile_q),
        .pw_data_i (prm_data_i[31:0]),
        .en_i      (en),
        .s_valid_i (ln_on && up_vld),
        .s_ok_o    (s_ok),
        .s_data_i  (x3),
        .s_row_i   (up_row),
        .s_tile_i  (up_tile),
        .s_mask_i  (up_mask),
        .n_valid_o (n_vld),
        .n_data_o  (n_data),
        .n_row_o   (n_row),
        .n_col_o   (n_col),
        .n_mask_o  (n_mask),
        .n_last_o  (n_last)
      );
      for (j = 0; j < Lanes; j = j + 1) begin : g_fit
        tf_aux_fit #(.InW (LnOutW), .OutW (PW)) u_fit (
          .x_i (n_data[j*LnOutW +: LnOutW]),
          .y_o (n_word[j*PW +: PW])
        );
      end
      assign en_up   = en && !(ln_on && up_vld && !s_ok);
      assign dn_vld  = ln_on ? n_vld : up_vld;
      assign dn_last = ln_on ? n_last : up_last;
      assign dn_row  = ln_on ? n_row : up_row;
      assign dn_col  = ln_on ? n_col : up_col;
      assign dn_mask = ln_on ? n_mask : up_mask;
      assign dn_data = ln_on ? n_word : x3;
    end else begin : g_noln
      assign en_up   = en;
      assign dn_vld  = up_vld;
      assign dn_last = up_last;
      assign dn_row  = up_row;
      assign dn_col  = up_col;
      assign dn_mask = up_mask;
      assign dn_data = x3;
      wire unused_ln = ^{m_q, grp_q, gf_q, bf_q, eps_q, we_gamma, we_beta, up_tile, ln_on};
    end
  endgenerate

  // ---- GELU ----------------------------------------------------------------------------------------------
  wire                o_vld;
  wire [RowW-1:0]     o_row;
  wire [ColW-1:0]     o_col;
  wire [Lanes-1:0]    o_mask;
  wire [Lanes*PW-1:0] o_data;

  generate
    if (HasGelu != 0) begin : g_gelu
      for (j = 0; j < Lanes; j = j + 1) begin : g_lane
        tf_aux_gelu #(
          .PW       (PW),
          .GeluInW  (GeluInW),
          .GeluOutW (GeluOutW)
        ) u_gelu (
          .clk_i      (clk_i),
          .rst_ni     (rst_ni),
          .en_i       (en),
          .bypass_i   (!ops_q[4]),
          .q_i        (dn_data[j*PW +: PW]),
          .in_mant_i  (gim_q),
          .in_exp_i   (gie_q),
          .out_mant_i (gom_q),
          .out_exp_i  (goe_q),
          .y_o        (o_data[j*PW +: PW])
        );
      end
      tf_delay #(
        .Width (2 + RowW + ColW + Lanes),
        .Depth (8)
      ) u_tag (
        .clk_i  (clk_i),
        .rst_ni (rst_ni),
        .en_i   (en),
        .d_i    ({dn_vld, dn_last, dn_row, dn_col, dn_mask}),
        .q_o    ({o_vld, o_last, o_row, o_col, o_mask})
      );
    end else begin : g_nogelu
      assign {o_vld, o_last, o_row, o_col, o_mask} = {dn_vld, dn_last, dn_row, dn_col, dn_mask};
      assign o_data = dn_data;
      wire unused_gelu = ^{gim_q, gie_q, gom_q, goe_q};
    end
  endgenerate

  // ---- output ------------------------------------------------------------------------------------------
  wire [Lanes*PW-1:0] o_masked;
  generate
    for (j = 0; j < Lanes; j = j + 1) begin : g_omask
      assign o_masked[j*PW +: PW] = o_mask[j] ? o_data[j*PW +: PW] : {PW{1'b0}};
    end
  endgenerate

  assign o_fire = o_vld && en;

  tf_skid #(
    .Width (Lanes*PW + RowW + ColW + 1)
  ) u_skid (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .in_valid_i  (o_vld),
    .in_ready_o  (en),
    .in_data_i   ({o_last, o_row, o_col, o_masked}),
    .out_valid_o (out_valid_o),
    .out_ready_i (out_ready_i),
    .out_data_o  ({out_last_o, out_row_o, out_col_o, out_data_o})
  );

  wire unused_top = ^{dprod, cprod, ops_q, m_q, grp_q, prm_data_i, ld_lane_q, tiles_q, we_bias,
                      we_rq, rqpt_q};

endmodule

`default_nettype wire
