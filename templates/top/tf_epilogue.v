// tf_epilogue -- a weight GEMM's epilogue on its result path (fixed-text template): between
// the GEMM engine's result beats and the memory system's write-back, through the auxiliary
// unit (<name>_aux), docs/architecture.md 3.11.
//
// LOAD (cmd_kind_i = 1): one of the auxiliary unit's parameter tables from memory -- cmd_n_i
// entries at cmd_addr_i, as the weight image stores them (bias: int32; requantization: u32
// mult, u32 shift; gamma: int16; beta: int32) -- read by the row streamer and handed to the
// unit's prm_* port, one entry per cycle (the next word taken in the cycle the last entry of
// the one before is).
// RUN (cmd_kind_i = 0): the unit's RUN command for one controller command's result (M rows of
// N = cmd_d_i columns, chain cmd_ops_i); with RESIDUAL, the command's M residual rows (int8, at
// cmd_addr_i, stride cmd_stride_i) are first read into the residual buffer. The controller
// runs the GEMM as steps of TM x TN (row-tile major) whose beats carry step-relative tags and a
// last flag per step: the epilogue makes the tags absolute for the unit (step counters advanced
// by each step's last beat), joins each beat with its residual lanes (a buffer read one cycle
// ahead), and turns the unit's output beats (same order) back into step-relative tags with the
// step's last flag for the write-back (output step counters: a step has rows x ceil(cols / L)
// beats). With cmd_zero_i the beats' data are taken as zeros (tags and flags as they come): a
// LayerNorm pass of pre-LN layers, whose rows enter as the residual operand while a K = 1 GEMM
// only paces the result path. Every output lane is saturated to int8 (the golden model's clamp of every GEMM
// output) and sign-extended to the engine's lane width.
// Per-column shifts (docs/numerics.md 12): LOAD with cmd_op_i = OpShift reads cmd_n_i bytes (each
// 0..7; the low three bits are used) into the epilogue's own shift table -- no unit command --
// column c at word c / L, lane c mod L. A RUN with cmd_shl_i shifts each residual lane left by
// its column's entry (the int8 operand sign-extended to ResInW bits first); with cmd_shr_i each
// output lane is shifted right by its column's entry, rounding half up (floor((y + 2^(s-1)) /
// 2^s)), before the int8 saturation.
// Constraints (the [model] rules): L divides PB (a beat's residual lanes sit in one port word;
// so L is a power of two), ResInW >= 15, and M <= RB.
// Handshake: valid/ready on cmd_*, e_* (engine beats), o_* (to the write-back); done_o pulses
// when a LOAD handed its last entry or a RUN its last beat.
`default_nettype none

module tf_epilogue #(
  parameter integer L       = 4,    // lanes = the array's columns = the unit's lanes
  parameter integer EAccW   = 20,   // an engine result lane
  parameter integer XAccW   = 32,   // the unit's input lane (>= EAccW)
  parameter integer PW      = 32,   // the unit's output lane
  parameter integer ResInW  = 8,    // the unit's residual lane
  parameter integer XRowW   = 5,    // the unit's row tags and cmd_m_i
  parameter integer XColW   = 6,    // the unit's column tags
  parameter integer XDW     = 7,    // the unit's cmd_d_i
  parameter integer ERowW   = 5,    // the engine's c_row
  parameter integer EColW   = 5,    // the engine's c_col
  parameter integer TM      = 16,   // the controller's tile rows
  parameter integer TN      = 32,   // the controller's tile columns
  parameter integer MaxD    = 64,   // the longest row (residual buffer)
  parameter integer RB      = 16,   // residual buffer rows
  parameter integer RAW     = 7,    // residual buffer address: max(clog2(RB * WD), 1)
  parameter integer DW      = 64,   // port width, bits
  parameter integer AddrW   = 32,
  parameter integer RowsW   = 16,
  parameter integer BytesW  = 16,
  parameter [2:0]   OpRun   = 3'd0,  // the unit's opcodes (LOAD_BIAS and LOAD_BETA entries are
  parameter [2:0]   OpRq    = 3'd2,  // int32 like every other table but these two)
  parameter [2:0]   OpGamma = 3'd3,
  parameter [2:0]   OpShift = 3'd7,  // LOAD of the epilogue's shift table (not a unit opcode)
  parameter [4:0]   ChainRes = 5'd4
) (
  input  wire               clk_i,
  input  wire               rst_ni,
  // command
  input  wire               cmd_valid_i,
  output wire               cmd_ready_o,
  input  wire               cmd_kind_i,      // 0 RUN, 1 LOAD
  input  wire [2:0]         cmd_op_i,        // LOAD: the table (the unit's LOAD_* opcode)
  input  wire [XDW-1:0]     cmd_n_i,         // LOAD: entries
  input  wire [AddrW-1:0]   cmd_addr_i,      // LOAD: the table; RUN: the residual rows
  input  wire [AddrW-1:0]   cmd_stride_i,    // RUN: the residual rows' stride
  input  wire [XRowW-1:0]   cmd_m_i,
  input  wire [XDW-1:0]     cmd_d_i,
  input  wire [XRowW-1:0]   cmd_grp_i,
  input  wire [4:0]         cmd_ops_i,
  input  wire               cmd_zero_i,      // RUN: zeros for the engine's data
  input  wire               cmd_shl_i,       // RUN: residual lanes << their column's shift
  input  wire               cmd_shr_i,       // RUN: output lanes >> their column's shift, rounded
  input  wire               cmd_rq_pt_i,
  input  wire [30:0]        cmd_res_mult_i,
  input  wire [4:0]         cmd_res_lsh_i,
  input  wire [4:0]         cmd_res_shift_i,
  input  wire [3:0]         cmd_ln_gf_i,
  input  wire [4:0]         cmd_ln_bf_i,
  input  wire [31:0]        cmd_ln_eps_i,
  input  wire [15:0]        cmd_gelu_in_mant_i,
  input  wire [5:0]         cmd_gelu_in_exp_i,
  input  wire [15:0]        cmd_gelu_out_mant_i,
  input  wire [5:0]         cmd_gelu_out_exp_i,
  output reg                done_o,
  output wire               busy_o,
  // the row streamer's read side
  output reg                rd_valid_o,
  input  wire               rd_ready_i,
  output wire [AddrW-1:0]   rd_addr_o,
  output wire [AddrW-1:0]   rd_stride_o,
  output wire [RowsW-1:0]   rd_rows_o,
  output wire [BytesW-1:0]  rd_bytes_o,
  input  wire               r_valid_i,
  output wire               r_ready_o,
  input  wire [DW-1:0]      r_data_i,
  input  wire               r_eor_i,
  input  wire               r_last_i,
  // the auxiliary unit
  output reg                x_cmd_valid_o,
  input  wire               x_cmd_ready_i,
  output wire [2:0]         x_cmd_op_o,
  output wire [4:0]         x_cmd_ops_o,
  output wire [XDW-1:0]     x_cmd_d_o,
  output wire [XRowW-1:0]   x_cmd_m_o,
  output wire [XRowW-1:0]   x_cmd_grp_o,
  output wire               x_cmd_rq_pt_o,
  output wire [30:0]        x_cmd_res_mult_o,
  output wire [4:0]         x_cmd_res_lsh_o,
  output wire [4:0]         x_cmd_res_shift_o,
  output wire [3:0]         x_cmd_ln_gf_o,
  output wire [4:0]         x_cmd_ln_bf_o,
  output wire [31:0]        x_cmd_ln_eps_o,
  output wire [15:0]        x_cmd_gelu_in_mant_o,
  output wire [5:0]         x_cmd_gelu_in_exp_o,
  output wire [15:0]        x_cmd_gelu_out_mant_o,
  output wire [5:0]         x_cmd_gelu_out_exp_o,
  output wire               x_prm_valid_o,
  input  wire               x_prm_ready_i,
  output wire [35:0]        x_prm_data_o,
  output wire               x_in_valid_o,
  input  wire               x_in_ready_i,
  output wire [L*XAccW-1:0] x_in_data_o,
  output wire [XRowW-1:0]   x_in_row_o,
  output wire [XColW-1:0]   x_in_col_o,
  output wire               x_res_valid_o,
  input  wire               x_res_ready_i,
  output wire [L*ResInW-1:0] x_res_data_o,
  input  wire               x_out_valid_i,
  output wire               x_out_ready_o,
  input  wire [L*PW-1:0]    x_out_data_i,
  input  wire [XRowW-1:0]   x_out_row_i,
  input  wire [XColW-1:0]   x_out_col_i,
  input  wire               x_out_last_i,
  // the engine's result beats in, the write-back's out
  input  wire               e_valid_i,
  output wire               e_ready_o,
  input  wire [L*EAccW-1:0] e_data_i,
  input  wire [ERowW-1:0]   e_row_i,
  input  wire [EColW-1:0]   e_col_i,
  input  wire               e_last_i,
  output wire               o_valid_o,
  input  wire               o_ready_i,
  output wire [L*EAccW-1:0] o_data_o,
  output wire [ERowW-1:0]   o_row_o,
  output wire [EColW-1:0]   o_col_o,
  output wire               o_last_o
);

  localparam integer PB  = DW / 8;
  localparam integer WD  = (MaxD + PB - 1) / PB;   // residual buffer words per row
  localparam integer BW  = (PB <= 1) ? 1 : $clog2(PB);
  localparam [XRowW-1:0] TMV = TM[XRowW-1:0];
  localparam [XColW-1:0] TNV = TN[XColW-1:0];
  localparam [XDW-1:0]   TND = TN[XDW-1:0];     // column arithmetic is XDW wide: d itself can be
  localparam [XDW-1:0]   LD  = L[XDW-1:0];      // 2^XColW

  localparam integer SHW = (MaxD + L - 1) / L;      // shift table words
  localparam integer SHA = (SHW > 1) ? $clog2(SHW) : 1;
  localparam integer LSH = $clog2(L);                // L is a power of two (it divides PB)
  localparam integer LGL = (L > 1) ? LSH : 1;        // lane counter width

  localparam [2:0] SIdle = 3'd0, SXCmd = 3'd1, SRd = 3'd2, SLoad = 3'd3, SRes = 3'd4, SRun = 3'd5;

  reg  [2:0]        st_q;
  reg               kind_q;
  reg  [2:0]        op_q;
  reg  [XDW-1:0]    n_q, d_q;
  reg  [AddrW-1:0]  addr_q, stride_q;
  reg  [XRowW-1:0]  m_q, grp_q;
  reg  [4:0]        ops_q;
  reg               zero_q;
  reg               shl_q, shr_q;
  reg               rq_pt_q;
  reg  [30:0]       res_mult_q;
  reg  [4:0]        res_lsh_q, res_shift_q, ln_bf_q;
  reg  [3:0]        ln_gf_q;
  reg  [31:0]       ln_eps_q;
  reg  [15:0]       gim_q, gom_q;
  reg  [5:0]        gie_q, goe_q;

  wire has_res = (ops_q & ChainRes) != 5'd0;
  wire sh_load = kind_q && (op_q == OpShift);   // a LOAD of the shift table

  assign x_cmd_op_o            = kind_q ? op_q : OpRun;
  assign x_cmd_ops_o           = ops_q;
  assign x_cmd_d_o             = kind_q ? n_q : d_q;
  assign x_cmd_m_o             = m_q;
  assign x_cmd_grp_o           = grp_q;
  assign x_cmd_rq_pt_o         = rq_pt_q;
  assign x_cmd_res_mult_o      = res_mult_q;
  assign x_cmd_res_lsh_o       = res_lsh_q;
  assign x_cmd_res_shift_o     = res_shift_q;
  assign x_cmd_ln_gf_o         = ln_gf_q;
  assign x_cmd_ln_bf_o         = ln_bf_q;
  assign x_cmd_ln_eps_o        = ln_eps_q;
  assign x_cmd_gelu_in_mant_o  = gim_q;
  assign x_cmd_gelu_in_exp_o   = gie_q;
  assign x_cmd_gelu_out_mant_o = gom_q;
  assign x_cmd_gelu_out_exp_o  = goe_q;

  // bytes of one table entry as the image stores it
  wire [3:0] eb = (op_q == OpRq) ? 4'd8 : (op_q == OpGamma) ? 4'd2 : (op_q == OpShift) ? 4'd1 : 4'd4;
  wire [BytesW+3:0] tbytes = {{4{1'b0}}, {{(BytesW-XDW){1'b0}}, n_q}} * {{BytesW{1'b0}}, eb};
  assign rd_addr_o   = addr_q;
  assign rd_stride_o = kind_q ? {AddrW{1'b0}} : stride_q;
  assign rd_rows_o   = kind_q ? {{(RowsW-1){1'b0}}, 1'b1} : {{(RowsW-XRowW){1'b0}}, m_q};
  assign rd_bytes_o  = kind_q ? tbytes[BytesW-1:0] : {{(BytesW-XDW){1'b0}}, d_q};

  // ---------------------------------------------------------------------------
  // LOAD: port words -> entries on prm_*
  // ---------------------------------------------------------------------------
  reg  [DW-1:0]  uw_q;                 // the word being unpacked
  reg            uv_q;
  reg  [BW:0]    ui_q;                 // byte offset of the next entry in it
  reg  [XDW-1:0] left_q;               // entries still to hand over
  wire [DW+63:0] uw_pad = {64'd0, uw_q};
  wire [63:0]    ent = uw_pad[ui_q[BW-1:0]*8 +: 64] & ((eb == 4'd8) ? {64{1'b1}} :
                       (eb == 4'd4) ? 64'h0000_0000_ffff_ffff : 64'h0000_0000_0000_ffff);
  assign x_prm_data_o  = (op_q == OpRq) ? {ent[36:32], ent[30:0]} :
                         (op_q == OpGamma) ? {20'd0, ent[15:0]} : {4'd0, ent[31:0]};
  wire   ent_valid     = (st_q == SLoad) && uv_q && (left_q != {XDW{1'b0}});
  assign x_prm_valid_o = ent_valid && !sh_load;
  wire prm_fire = sh_load ? ent_valid : (x_prm_valid_o && x_prm_ready_i);

  // ---------------------------------------------------------------------------
  // Shift table: column c at word c / L, lane c mod L (3 bits each), written one entry per
  // cycle by a LOAD, read combinationally at a beat's word on each side
  // ---------------------------------------------------------------------------
  reg  [3*L-1:0] sh_mem [0:SHW-1];
  reg  [SHA-1:0] shw_q;                // the LOAD's next word ...
  reg  [LGL-1:0] shw_lane_q;           // ... and lane
  integer sj;
  always @(posedge clk_i) begin
    if (prm_fire && sh_load)
      for (sj = 0; sj < L; sj = sj + 1)
        if (sj == {{(32-LGL){1'b0}}, shw_lane_q})
          sh_mem[shw_q][sj*3 +: 3] <= ent[2:0];
  end
  wire [BW:0] ui_nx = ui_q + {{(BW-3){1'b0}}, eb};
  wire word_used = prm_fire && ((ui_nx >= PB[BW:0]) || (left_q == {{(XDW-1){1'b0}}, 1'b1}));

  // ---------------------------------------------------------------------------
  // Residual buffer: row r of the command at words r * WD ..
  // ---------------------------------------------------------------------------
  reg  [RAW-1:0] rwa_q;                // next word written
  reg  [RAW-1:0] rrow_q;               // first word of the row being written
  reg            res_ok_q;             // the residual rows are in
  wire           res_wr = (st_q == SRes) && r_valid_i;
  wire [RAW-1:0] j_raddr;
  wire [DW-1:0]  res_word;
  tf_ram_1r1w #(.Width(DW), .Depth(RB * WD), .AddrW(RAW)) u_res (
    .clk_i(clk_i), .we_i(res_wr), .waddr_i(rwa_q), .wdata_i(r_data_i),
    .re_i(1'b1), .raddr_i(j_raddr), .rdata_o(res_word));

  assign r_ready_o = (st_q == SRes) || ((st_q == SLoad) && (!uv_q || word_used));
  wire unused_r = r_last_i;

  // ---------------------------------------------------------------------------
  // Input side: step counters, absolute tags, the join stage
  // ---------------------------------------------------------------------------
  reg  [XRowW-1:0] mi_q;               // row of the current step's first row
  reg  [XColW-1:0] ni_q;               // column of its first column
  wire [XRowW-1:0] a_row = mi_q + {{(XRowW-ERowW){1'b0}}, e_row_i};
  wire [XColW-1:0] a_col = ni_q + {{(XColW-EColW){1'b0}}, e_col_i};
  reg              jv_q;
  reg  [L*EAccW-1:0] jd_q;
  reg  [XRowW-1:0] jr_q;
  reg  [XColW-1:0] jc_q;
  wire             j_take = x_in_valid_o && x_in_ready_i;
  wire             open   = (st_q == SRun) && (!has_res || res_ok_q);
  assign e_ready_o = open && (!jv_q || j_take);
  wire             e_fire = e_valid_i && e_ready_o;
  // the beat's residual word, read one cycle ahead: at the new beat when it is taken
  wire [XRowW-1:0] rr = e_fire ? a_row : jr_q;
  wire [XColW-1:0] rc = e_fire ? a_col : jc_q;
  wire [RAW-1:0] rword;                // the column's word in its row
  generate
    if (XColW > BW) begin : g_word
      assign rword = {{(RAW-XColW+BW){1'b0}}, rc[XColW-1:BW]};
    end else begin : g_one_word
      assign rword = {RAW{1'b0}};
    end
  endgenerate
  assign j_raddr = rr * WD[RAW-1:0] + rword;
  wire [BW-1:0]   j_off = jc_q[BW-1:0];
  // the shift entries of the joined beat's columns and of the output beat's
  wire [XColW-1:0] jc_w = jc_q >> LSH;
  wire [XColW-1:0] oc_w = x_out_col_i >> LSH;
  wire [3*L-1:0]   j_sh = sh_mem[jc_w[SHA-1:0]];
  wire [3*L-1:0]   o_sh = sh_mem[oc_w[SHA-1:0]];

  genvar gl;
  generate
    for (gl = 0; gl < L; gl = gl + 1) begin : g_lane
      wire signed [EAccW-1:0] ev = jd_q[gl*EAccW +: EAccW];
      assign x_in_data_o[gl*XAccW +: XAccW] = {{(XAccW-EAccW){ev[EAccW-1]}}, ev};
      wire [7:0] rb = res_word[(j_off + gl)*8 +: 8];
      wire [ResInW-1:0] rx = {{(ResInW-8){rb[7]}}, rb};
      wire [2:0] rsh = shl_q ? j_sh[gl*3 +: 3] : 3'd0;
      assign x_res_data_o[gl*ResInW +: ResInW] = rx << rsh;
      // output lane: shifted right with rounding (cmd_shr_i), saturated to int8, sign-extended
      // to the engine's lane
      wire signed [PW-1:0] xu = x_out_data_i[gl*PW +: PW];
      wire [2:0] osh = shr_q ? o_sh[gl*3 +: 3] : 3'd0;
      wire signed [PW:0] xr = {xu[PW-1], xu} + ((osh == 3'd0) ? {(PW+1){1'b0}} :
                                                 ({{PW{1'b0}}, 1'b1} << (osh - 3'd1)));
      wire signed [PW:0] xv = xr >>> osh;
      wire [7:0] sat = (xv > 127) ? 8'h7f : (xv < -128) ? 8'h80 : xv[7:0];
      assign o_data_o[gl*EAccW +: EAccW] = {{(EAccW-8){sat[7]}}, sat};
    end
  endgenerate
  // the unit joins the two streams itself (its in_ready depends on res_valid): offer both
  assign x_in_valid_o  = jv_q;
  assign x_res_valid_o = jv_q && has_res;
  assign x_in_row_o    = jr_q;
  assign x_in_col_o    = jc_q;

  // ---------------------------------------------------------------------------
  // Output side: step-relative tags and the step's last flag
  // ---------------------------------------------------------------------------
  reg  [XRowW-1:0] mo_q;               // output step's first row
  reg  [XColW-1:0] no_q;               // ... first column
  wire [XRowW-1:0] rows_left = m_q - mo_q;
  wire [XDW-1:0]   cols_left = d_q - {{(XDW-XColW){1'b0}}, no_q};
  wire [XRowW-1:0] step_rows = (rows_left < TMV) ? rows_left : TMV;
  wire [XDW-1:0]   step_cols = (cols_left < TND) ? cols_left : TND;
  wire [XRowW-1:0] o_rrel = x_out_row_i - mo_q;
  wire [XColW-1:0] o_crel = x_out_col_i - no_q;
  wire [XDW-1:0]   last_ct = ((step_cols - 1'b1) / LD) * LD;      // the step's last column tile
  wire o_step_end = (o_rrel == step_rows - 1'b1) && ({{(XDW-XColW){1'b0}}, o_crel} == last_ct);
  assign o_valid_o     = x_out_valid_i;
  assign x_out_ready_o = o_ready_i;
  assign o_row_o       = o_rrel[ERowW-1:0];
  assign o_col_o       = o_crel[EColW-1:0];
  assign o_last_o      = o_step_end;
  wire o_fire = x_out_valid_i && o_ready_i;
  wire unused_tags = ^{o_rrel, o_crel, tbytes, ent, x_res_ready_i, rc, jc_w, oc_w};

  // ---------------------------------------------------------------------------
  // Control
  // ---------------------------------------------------------------------------
  assign cmd_ready_o = (st_q == SIdle);
  assign busy_o      = (st_q != SIdle);

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q <= SIdle;
      kind_q <= 1'b0; op_q <= 3'd0; n_q <= {XDW{1'b0}}; d_q <= {XDW{1'b0}};
      addr_q <= {AddrW{1'b0}}; stride_q <= {AddrW{1'b0}}; m_q <= {XRowW{1'b0}}; grp_q <= {XRowW{1'b0}};
      ops_q <= 5'd0; zero_q <= 1'b0; shl_q <= 1'b0; shr_q <= 1'b0; rq_pt_q <= 1'b0; res_mult_q <= 31'd0; res_lsh_q <= 5'd0; res_shift_q <= 5'd0;
      ln_gf_q <= 4'd0; ln_bf_q <= 5'd0; ln_eps_q <= 32'd0; gim_q <= 16'd0; gie_q <= 6'd0;
      gom_q <= 16'd0; goe_q <= 6'd0;
      uw_q <= {DW{1'b0}}; uv_q <= 1'b0; ui_q <= {(BW+1){1'b0}}; left_q <= {XDW{1'b0}};
      rwa_q <= {RAW{1'b0}}; rrow_q <= {RAW{1'b0}}; res_ok_q <= 1'b0;
      shw_q <= {SHA{1'b0}}; shw_lane_q <= {LGL{1'b0}};
      mi_q <= {XRowW{1'b0}}; ni_q <= {XColW{1'b0}}; mo_q <= {XRowW{1'b0}}; no_q <= {XColW{1'b0}};
      jv_q <= 1'b0; jd_q <= {(L*EAccW){1'b0}}; jr_q <= {XRowW{1'b0}}; jc_q <= {XColW{1'b0}};
      x_cmd_valid_o <= 1'b0; rd_valid_o <= 1'b0; done_o <= 1'b0;
    end else begin
      done_o <= 1'b0;
      case (st_q)
        SIdle: begin
          if (cmd_valid_i) begin
            kind_q <= cmd_kind_i; op_q <= cmd_op_i; n_q <= cmd_n_i; d_q <= cmd_d_i;
            addr_q <= cmd_addr_i; stride_q <= cmd_stride_i; m_q <= cmd_m_i; grp_q <= cmd_grp_i;
            ops_q <= cmd_kind_i ? 5'd0 : cmd_ops_i; zero_q <= cmd_zero_i; rq_pt_q <= cmd_rq_pt_i;
            shl_q <= !cmd_kind_i && cmd_shl_i; shr_q <= !cmd_kind_i && cmd_shr_i;
            shw_q <= {SHA{1'b0}}; shw_lane_q <= {LGL{1'b0}};
            res_mult_q <= cmd_res_mult_i; res_lsh_q <= cmd_res_lsh_i; res_shift_q <= cmd_res_shift_i;
            ln_gf_q <= cmd_ln_gf_i; ln_bf_q <= cmd_ln_bf_i; ln_eps_q <= cmd_ln_eps_i;
            gim_q <= cmd_gelu_in_mant_i; gie_q <= cmd_gelu_in_exp_i;
            gom_q <= cmd_gelu_out_mant_i; goe_q <= cmd_gelu_out_exp_i;
            left_q <= cmd_n_i;
            uv_q <= 1'b0;
            res_ok_q <= 1'b0;
            rwa_q <= {RAW{1'b0}}; rrow_q <= {RAW{1'b0}};
            mi_q <= {XRowW{1'b0}}; ni_q <= {XColW{1'b0}}; mo_q <= {XRowW{1'b0}}; no_q <= {XColW{1'b0}};
            if (cmd_kind_i && cmd_op_i == OpShift) begin   // the epilogue's own table: no unit command
              rd_valid_o <= 1'b1;
              st_q <= SRd;
            end else begin
              x_cmd_valid_o <= 1'b1;
              st_q <= SXCmd;
            end
          end
        end
        SXCmd: begin
          if (x_cmd_ready_i) begin
            x_cmd_valid_o <= 1'b0;
            if (kind_q || (ops_q & ChainRes) != 5'd0) begin
              rd_valid_o <= 1'b1;
              st_q <= SRd;
            end else begin
              st_q <= SRun;
            end
          end
        end
        SRd: begin
          if (rd_ready_i) begin
            rd_valid_o <= 1'b0;
            st_q <= kind_q ? SLoad : SRes;
          end
        end
        SLoad: begin
          if (prm_fire) begin
            left_q <= left_q - 1'b1;
            ui_q   <= ui_nx;
            if ({{(32-LGL){1'b0}}, shw_lane_q} == L - 1) begin
              shw_lane_q <= {LGL{1'b0}};
              shw_q      <= shw_q + 1'b1;
            end else begin
              shw_lane_q <= shw_lane_q + 1'b1;
            end
            if (word_used)
              uv_q <= 1'b0;
            if (left_q == {{(XDW-1){1'b0}}, 1'b1}) begin
              done_o <= 1'b1;
              st_q   <= SIdle;
            end
          end
          // the next word, also in the cycle the last entry of this one is taken: an entry
          // per cycle
          if (r_valid_i && r_ready_o) begin
            uw_q <= r_data_i;
            uv_q <= 1'b1;
            ui_q <= {(BW+1){1'b0}};
          end
        end
        SRes: begin
          if (res_wr) begin
            if (r_eor_i) begin
              rwa_q  <= rrow_q + WD[RAW-1:0];
              rrow_q <= rrow_q + WD[RAW-1:0];
            end else begin
              rwa_q <= rwa_q + 1'b1;
            end
            if (r_last_i) begin
              res_ok_q <= 1'b1;
              st_q     <= SRun;
            end
          end
        end
        SRun: begin
          if (e_fire) begin
            jd_q <= zero_q ? {(L*EAccW){1'b0}} : e_data_i;
            jr_q <= a_row;
            jc_q <= a_col;
            if (e_last_i) begin
              // the next step: the next column tile, or the first of the next row tile
              if ({{(XDW-XColW+1){1'b0}}, ni_q} + {1'b0, TND} >= {1'b0, d_q}) begin
                ni_q <= {XColW{1'b0}};
                mi_q <= mi_q + TMV;
              end else begin
                ni_q <= ni_q + TNV;
              end
            end
          end
          if (e_fire)
            jv_q <= 1'b1;
          else if (j_take)
            jv_q <= 1'b0;
          if (o_fire && o_step_end) begin
            if ({{(XDW-XColW+1){1'b0}}, no_q} + {1'b0, TND} >= {1'b0, d_q}) begin
              no_q <= {XColW{1'b0}};
              mo_q <= mo_q + TMV;
            end else begin
              no_q <= no_q + TNV;
            end
          end
          if (o_fire && x_out_last_i) begin
            done_o <= 1'b1;
            st_q   <= SIdle;
          end
        end
        default: st_q <= SIdle;
      endcase
    end
  end

endmodule

`default_nettype wire
