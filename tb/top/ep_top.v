// ep_top -- tf_epilogue with a generated auxiliary unit (`EP_AUX) and a row streamer
// (tf_mem_stream) whose AXI4 port has the plain AXI names for cocotbext-axi; the engine's
// result beats come from the test, the write-back's side goes to it. Widths come as
// parameters from tb/top/run_ep.sh (the design's manifest). Simulation only.
`default_nettype none

module ep_top #(
  parameter integer L = 4, EAccW = 22, XAccW = 32, PW = 32, ResInW = 8, XRowW = 5, XColW = 6,
  parameter integer XDW = 7, ERowW = 4, EColW = 5, TM = 16, TN = 32, MaxD = 64, RB = 16, RAW = 7,
  parameter integer DW = 64, OffW = 3, AddrW = 32,
  parameter integer OpRq = 2, OpGamma = 3, OpShift = 7
) (
  input  wire              clk,
  input  wire              rst_n,
  input  wire              cmd_valid,
  output wire              cmd_ready,
  input  wire              cmd_kind,
  input  wire [2:0]        cmd_op,
  input  wire [XDW-1:0]    cmd_n,
  input  wire [AddrW-1:0]  cmd_addr,
  input  wire [AddrW-1:0]  cmd_stride,
  input  wire [XRowW-1:0]  cmd_m,
  input  wire [XDW-1:0]    cmd_d,
  input  wire [XRowW-1:0]  cmd_grp,
  input  wire [4:0]        cmd_ops,
  input  wire              cmd_zero,
  input  wire              cmd_shl,
  input  wire              cmd_shr,
  input  wire [30:0]       cmd_res_mult,
  input  wire [4:0]        cmd_res_lsh,
  input  wire [4:0]        cmd_res_shift,
  input  wire [3:0]        cmd_ln_gf,
  input  wire [4:0]        cmd_ln_bf,
  input  wire [31:0]       cmd_ln_eps,
  input  wire [15:0]       cmd_gelu_in_mant,
  input  wire [5:0]        cmd_gelu_in_exp,
  input  wire [15:0]       cmd_gelu_out_mant,
  input  wire [5:0]        cmd_gelu_out_exp,
  output wire              done,
  output wire              busy,
  output wire              aux_err,
  input  wire              e_valid,
  output wire              e_ready,
  input  wire [L*EAccW-1:0] e_data,
  input  wire [ERowW-1:0]  e_row,
  input  wire [EColW-1:0]  e_col,
  input  wire              e_last,
  output wire              o_valid,
  input  wire              o_ready,
  output wire [L*EAccW-1:0] o_data,
  output wire [ERowW-1:0]  o_row,
  output wire [EColW-1:0]  o_col,
  output wire              o_last,
  output wire [3:0]        m_axi_arid,
  output wire [AddrW-1:0]  m_axi_araddr,
  output wire [7:0]        m_axi_arlen,
  output wire [2:0]        m_axi_arsize,
  output wire [1:0]        m_axi_arburst,
  output wire [3:0]        m_axi_arcache,
  output wire [2:0]        m_axi_arprot,
  output wire              m_axi_arvalid,
  input  wire              m_axi_arready,
  input  wire [3:0]        m_axi_rid,
  input  wire [DW-1:0]     m_axi_rdata,
  input  wire [1:0]        m_axi_rresp,
  input  wire              m_axi_rlast,
  input  wire              m_axi_rvalid,
  output wire              m_axi_rready,
  output wire [3:0]        m_axi_awid,
  output wire [AddrW-1:0]  m_axi_awaddr,
  output wire [7:0]        m_axi_awlen,
  output wire [2:0]        m_axi_awsize,
  output wire [1:0]        m_axi_awburst,
  output wire [3:0]        m_axi_awcache,
  output wire [2:0]        m_axi_awprot,
  output wire              m_axi_awvalid,
  input  wire              m_axi_awready,
  output wire [DW-1:0]     m_axi_wdata,
  output wire [DW/8-1:0]   m_axi_wstrb,
  output wire              m_axi_wlast,
  output wire              m_axi_wvalid,
  input  wire              m_axi_wready,
  input  wire [3:0]        m_axi_bid,
  input  wire [1:0]        m_axi_bresp,
  input  wire              m_axi_bvalid,
  output wire              m_axi_bready
);
  localparam integer RowsW = 16, BytesW = 16, ReqW = BytesW - OffW + 1;

  wire             rd_valid, rd_ready, r_valid, r_ready, r_eor, r_last, rdone, wdone;
  wire [AddrW-1:0] rd_addr, rd_stride;
  wire [RowsW-1:0] rd_rows;
  wire [BytesW-1:0] rd_bytes;
  wire [DW-1:0]    r_data;
  wire [OffW:0]    r_n;
  wire [1:0]       rdone_code, wdone_code;
  wire             s_busy, s_err, wr_ready, w_ready;
  wire [AddrW-1:0] s_err_addr;

  wire             x_cmd_valid, x_cmd_ready, x_cmd_rq_pt, x_prm_valid, x_prm_ready;
  wire [2:0]       x_cmd_op;
  wire [4:0]       x_cmd_ops, x_cmd_res_lsh, x_cmd_res_shift, x_cmd_ln_bf;
  wire [XDW-1:0]   x_cmd_d;
  wire [XRowW-1:0] x_cmd_m, x_cmd_grp, x_in_row, x_out_row;
  wire [30:0]      x_cmd_res_mult;
  wire [3:0]       x_cmd_ln_gf;
  wire [31:0]      x_cmd_ln_eps;
  wire [15:0]      x_cmd_gelu_in_mant, x_cmd_gelu_out_mant;
  wire [5:0]       x_cmd_gelu_in_exp, x_cmd_gelu_out_exp;
  wire [35:0]      x_prm_data;
  wire             x_in_valid, x_in_ready, x_res_valid, x_res_ready, x_out_valid, x_out_ready, x_out_last;
  wire [L*XAccW-1:0] x_in_data;
  wire [L*ResInW-1:0] x_res_data;
  wire [L*PW-1:0]  x_out_data;
  wire [XColW-1:0] x_in_col, x_out_col;
  wire             x_busy;
  wire [2:0]       x_err_code;
  wire [31:0]      x_cycles, x_stall;

  tf_epilogue #(
    .L(L), .EAccW(EAccW), .XAccW(XAccW), .PW(PW), .ResInW(ResInW), .XRowW(XRowW), .XColW(XColW),
    .XDW(XDW), .ERowW(ERowW), .EColW(EColW), .TM(TM), .TN(TN), .MaxD(MaxD), .RB(RB), .RAW(RAW),
    .DW(DW), .AddrW(AddrW), .RowsW(RowsW), .BytesW(BytesW), .OpRq(OpRq[2:0]), .OpGamma(OpGamma[2:0]),
    .OpShift(OpShift[2:0])
  ) u_ep (
    .clk_i(clk), .rst_ni(rst_n),
    .cmd_valid_i(cmd_valid), .cmd_ready_o(cmd_ready), .cmd_kind_i(cmd_kind), .cmd_op_i(cmd_op),
    .cmd_n_i(cmd_n), .cmd_addr_i(cmd_addr), .cmd_stride_i(cmd_stride), .cmd_m_i(cmd_m), .cmd_d_i(cmd_d),
    .cmd_grp_i(cmd_grp), .cmd_ops_i(cmd_ops), .cmd_zero_i(cmd_zero), .cmd_shl_i(cmd_shl),
    .cmd_shr_i(cmd_shr), .cmd_rq_pt_i(1'b0), .cmd_res_mult_i(cmd_res_mult),
    .cmd_res_lsh_i(cmd_res_lsh), .cmd_res_shift_i(cmd_res_shift), .cmd_ln_gf_i(cmd_ln_gf),
    .cmd_ln_bf_i(cmd_ln_bf), .cmd_ln_eps_i(cmd_ln_eps), .cmd_gelu_in_mant_i(cmd_gelu_in_mant),
    .cmd_gelu_in_exp_i(cmd_gelu_in_exp), .cmd_gelu_out_mant_i(cmd_gelu_out_mant),
    .cmd_gelu_out_exp_i(cmd_gelu_out_exp), .done_o(done), .busy_o(busy),
    .rd_valid_o(rd_valid), .rd_ready_i(rd_ready), .rd_addr_o(rd_addr), .rd_stride_o(rd_stride),
    .rd_rows_o(rd_rows), .rd_bytes_o(rd_bytes), .r_valid_i(r_valid), .r_ready_o(r_ready),
    .r_data_i(r_data), .r_eor_i(r_eor), .r_last_i(r_last),
    .x_cmd_valid_o(x_cmd_valid), .x_cmd_ready_i(x_cmd_ready), .x_cmd_op_o(x_cmd_op), .x_cmd_ops_o(x_cmd_ops),
    .x_cmd_d_o(x_cmd_d), .x_cmd_m_o(x_cmd_m), .x_cmd_grp_o(x_cmd_grp), .x_cmd_rq_pt_o(x_cmd_rq_pt),
    .x_cmd_res_mult_o(x_cmd_res_mult), .x_cmd_res_lsh_o(x_cmd_res_lsh), .x_cmd_res_shift_o(x_cmd_res_shift),
    .x_cmd_ln_gf_o(x_cmd_ln_gf), .x_cmd_ln_bf_o(x_cmd_ln_bf), .x_cmd_ln_eps_o(x_cmd_ln_eps),
    .x_cmd_gelu_in_mant_o(x_cmd_gelu_in_mant), .x_cmd_gelu_in_exp_o(x_cmd_gelu_in_exp),
    .x_cmd_gelu_out_mant_o(x_cmd_gelu_out_mant), .x_cmd_gelu_out_exp_o(x_cmd_gelu_out_exp),
    .x_prm_valid_o(x_prm_valid), .x_prm_ready_i(x_prm_ready), .x_prm_data_o(x_prm_data),
    .x_in_valid_o(x_in_valid), .x_in_ready_i(x_in_ready), .x_in_data_o(x_in_data), .x_in_row_o(x_in_row),
    .x_in_col_o(x_in_col), .x_res_valid_o(x_res_valid), .x_res_ready_i(x_res_ready),
    .x_res_data_o(x_res_data), .x_out_valid_i(x_out_valid), .x_out_ready_o(x_out_ready),
    .x_out_data_i(x_out_data), .x_out_row_i(x_out_row), .x_out_col_i(x_out_col), .x_out_last_i(x_out_last),
    .e_valid_i(e_valid), .e_ready_o(e_ready), .e_data_i(e_data), .e_row_i(e_row), .e_col_i(e_col),
    .e_last_i(e_last), .o_valid_o(o_valid), .o_ready_i(o_ready), .o_data_o(o_data), .o_row_o(o_row),
    .o_col_o(o_col), .o_last_o(o_last)
  );

  `EP_AUX u_aux (
    .clk_i(clk), .rst_ni(rst_n), .cmd_valid_i(x_cmd_valid), .cmd_ready_o(x_cmd_ready), .cmd_op_i(x_cmd_op),
    .cmd_ops_i(x_cmd_ops), .cmd_d_i(x_cmd_d), .cmd_m_i(x_cmd_m), .cmd_grp_i(x_cmd_grp),
    .cmd_rq_pt_i(x_cmd_rq_pt), .cmd_res_mult_i(x_cmd_res_mult), .cmd_res_lsh_i(x_cmd_res_lsh),
    .cmd_res_shift_i(x_cmd_res_shift), .cmd_ln_gf_i(x_cmd_ln_gf), .cmd_ln_bf_i(x_cmd_ln_bf),
    .cmd_ln_eps_i(x_cmd_ln_eps), .cmd_gelu_in_mant_i(x_cmd_gelu_in_mant), .cmd_gelu_in_exp_i(x_cmd_gelu_in_exp),
    .cmd_gelu_out_mant_i(x_cmd_gelu_out_mant), .cmd_gelu_out_exp_i(x_cmd_gelu_out_exp),
    .prm_valid_i(x_prm_valid), .prm_ready_o(x_prm_ready), .prm_data_i(x_prm_data),
    .in_valid_i(x_in_valid), .in_ready_o(x_in_ready), .in_data_i(x_in_data), .in_row_i(x_in_row),
    .in_col_i(x_in_col), .res_valid_i(x_res_valid), .res_ready_o(x_res_ready), .res_data_i(x_res_data),
    .out_valid_o(x_out_valid), .out_ready_i(x_out_ready), .out_data_o(x_out_data), .out_row_o(x_out_row),
    .out_col_o(x_out_col), .out_last_o(x_out_last), .busy_o(x_busy), .err_o(aux_err),
    .err_code_o(x_err_code), .stat_cycles_o(x_cycles), .stat_stall_o(x_stall)
  );

  tf_mem_stream #(
    .DW(DW), .AddrW(AddrW), .IdW(4), .BurstLen(8), .MaxRd(4), .MaxWr(4), .RowsW(RowsW),
    .BytesW(BytesW), .OffW(OffW), .ReqW(ReqW)
  ) u_stream (
    .clk_i(clk), .rst_ni(rst_n),
    .rd_valid_i(rd_valid), .rd_ready_o(rd_ready), .rd_addr_i(rd_addr), .rd_stride_i(rd_stride),
    .rd_rows_i(rd_rows), .rd_bytes_i(rd_bytes), .r_valid_o(r_valid), .r_ready_i(r_ready),
    .r_data_o(r_data), .r_n_o(r_n), .r_eor_o(r_eor), .r_last_o(r_last), .rdone_valid_o(rdone),
    .rdone_code_o(rdone_code), .wr_valid_i(1'b0), .wr_ready_o(wr_ready), .wr_addr_i({AddrW{1'b0}}),
    .wr_stride_i({AddrW{1'b0}}), .wr_rows_i({RowsW{1'b0}}), .wr_bytes_i({BytesW{1'b0}}), .w_valid_i(1'b0),
    .w_ready_o(w_ready), .w_data_i({DW{1'b0}}), .wdone_valid_o(wdone), .wdone_code_o(wdone_code),
    .busy_o(s_busy), .err_o(s_err), .err_addr_o(s_err_addr), .err_clr_i(1'b0),
    .m_axi_arid_o(m_axi_arid), .m_axi_araddr_o(m_axi_araddr), .m_axi_arlen_o(m_axi_arlen),
    .m_axi_arsize_o(m_axi_arsize), .m_axi_arburst_o(m_axi_arburst), .m_axi_arcache_o(m_axi_arcache),
    .m_axi_arprot_o(m_axi_arprot), .m_axi_arvalid_o(m_axi_arvalid), .m_axi_arready_i(m_axi_arready),
    .m_axi_rid_i(m_axi_rid), .m_axi_rdata_i(m_axi_rdata), .m_axi_rresp_i(m_axi_rresp),
    .m_axi_rlast_i(m_axi_rlast), .m_axi_rvalid_i(m_axi_rvalid), .m_axi_rready_o(m_axi_rready),
    .m_axi_awid_o(m_axi_awid), .m_axi_awaddr_o(m_axi_awaddr), .m_axi_awlen_o(m_axi_awlen),
    .m_axi_awsize_o(m_axi_awsize), .m_axi_awburst_o(m_axi_awburst), .m_axi_awcache_o(m_axi_awcache),
    .m_axi_awprot_o(m_axi_awprot), .m_axi_awvalid_o(m_axi_awvalid), .m_axi_awready_i(m_axi_awready),
    .m_axi_wdata_o(m_axi_wdata), .m_axi_wstrb_o(m_axi_wstrb), .m_axi_wlast_o(m_axi_wlast),
    .m_axi_wvalid_o(m_axi_wvalid), .m_axi_wready_i(m_axi_wready),
    .m_axi_bid_i(m_axi_bid), .m_axi_bresp_i(m_axi_bresp), .m_axi_bvalid_i(m_axi_bvalid),
    .m_axi_bready_o(m_axi_bready)
  );

  wire unused = ^{r_n, rdone, rdone_code, wdone, wdone_code, s_busy, s_err, s_err_addr, wr_ready, w_ready,
                  x_busy, x_err_code, x_cycles, x_stall};

endmodule

`default_nettype wire
