// feed_top -- tf_attn_feed between a generated attention unit (`FEED_ATTN, with regions) and a
// row streamer (tf_mem_stream) whose AXI4 port has the plain AXI names (m_axi_arvalid, ...)
// for cocotbext-axi. The attention unit's widths come as parameters from the runner
// (tb/top/run_feed.sh reads them from the design's manifest). Simulation only.
`default_nettype none

module feed_top #(
  parameter integer D = 8, HEADS = 4, AH = 2, HW = 1, RGW = 2, SLOTW = 6, OW = 40,
  parameter integer DW = 64, OffW = 3, AddrW = 32, TokW = 8, WAW = 2
) (
  input  wire              clk,
  input  wire              rst_n,
  input  wire              cmd_valid,
  output wire              cmd_ready,
  input  wire              cmd_bidir,
  input  wire [TokW-1:0]   cmd_n,
  input  wire [TokW-1:0]   cmd_pos,
  input  wire [RGW-1:0]    cmd_rbase,
  input  wire [AddrW-1:0]  cmd_q,
  input  wire [AddrW-1:0]  cmd_k,
  input  wire [AddrW-1:0]  cmd_v,
  input  wire [AddrW-1:0]  cmd_ao,
  input  wire [AddrW-1:0]  cmd_stride,
  input  wire [31:0]       cmd_scale,
  input  wire [30:0]       cmd_ao_mult,
  input  wire [4:0]        cmd_ao_shift,
  output wire              done,
  output wire              busy,
  output wire              err,
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

  wire             rd_valid, rd_ready, r_valid, r_ready, r_eor, r_last, rdone;
  wire [AddrW-1:0] rd_addr, rd_stride, wr_addr, wr_stride;
  wire [RowsW-1:0] rd_rows, wr_rows;
  wire [BytesW-1:0] rd_bytes, wr_bytes;
  wire [DW-1:0]    r_data, w_data;
  wire [OffW:0]    r_n;
  wire             wr_valid, wr_ready, w_valid, w_ready, wdone;
  wire [1:0]       rdone_code, wdone_code;
  wire             s_busy, s_err;
  wire [AddrW-1:0] s_err_addr;

  wire             a_cmd_valid, a_cmd_ready, a_in_valid, a_in_ready, a_o_valid, a_o_ready;
  wire [HW-1:0]    a_cmd_head;
  wire [31:0]      a_cmd_scale;
  wire [1:0]       a_cmd_mode;
  wire [RGW-1:0]   a_cmd_region;
  wire [SLOTW-1:0] a_cmd_count;
  wire [7:0]       a_in_q, a_in_k, a_in_v;
  wire [OW-1:0]    a_o_data;
  wire             a_o_last, a_busy, a_step_err, a_evict;
  wire [SLOTW-1:0] a_evict_slot, a_slot;
  wire [47:0]      a_cycles, a_wait;

  tf_attn_feed #(
    .D(D), .HEADS(HEADS), .AH(AH), .HW(HW), .RGW(RGW), .SLOTW(SLOTW), .OW(OW), .DW(DW),
    .AddrW(AddrW), .TokW(TokW), .RowsW(RowsW), .BytesW(BytesW), .WAW(WAW)
  ) u_feed (
    .clk_i(clk), .rst_ni(rst_n),
    .cmd_valid_i(cmd_valid), .cmd_ready_o(cmd_ready), .cmd_bidir_i(cmd_bidir), .cmd_n_i(cmd_n),
    .cmd_pos_i(cmd_pos), .cmd_rbase_i(cmd_rbase), .cmd_q_i(cmd_q), .cmd_k_i(cmd_k), .cmd_v_i(cmd_v),
    .cmd_ao_i(cmd_ao), .cmd_stride_i(cmd_stride), .cmd_scale_i(cmd_scale), .cmd_ao_mult_i(cmd_ao_mult),
    .cmd_ao_shift_i(cmd_ao_shift), .done_o(done), .busy_o(busy), .err_o(err),
    .rd_valid_o(rd_valid), .rd_ready_i(rd_ready), .rd_addr_o(rd_addr), .rd_stride_o(rd_stride),
    .rd_rows_o(rd_rows), .rd_bytes_o(rd_bytes), .r_valid_i(r_valid), .r_ready_o(r_ready),
    .r_data_i(r_data), .r_last_i(r_last), .rdone_i(rdone),
    .wr_valid_o(wr_valid), .wr_ready_i(wr_ready), .wr_addr_o(wr_addr), .wr_stride_o(wr_stride),
    .wr_rows_o(wr_rows), .wr_bytes_o(wr_bytes), .w_valid_o(w_valid), .w_ready_i(w_ready),
    .w_data_o(w_data), .wdone_i(wdone),
    .a_cmd_valid_o(a_cmd_valid), .a_cmd_ready_i(a_cmd_ready), .a_cmd_head_o(a_cmd_head),
    .a_cmd_scale_o(a_cmd_scale), .a_cmd_mode_o(a_cmd_mode), .a_cmd_region_o(a_cmd_region),
    .a_cmd_count_o(a_cmd_count), .a_in_valid_o(a_in_valid), .a_in_ready_i(a_in_ready),
    .a_in_q_o(a_in_q), .a_in_k_o(a_in_k), .a_in_v_o(a_in_v), .a_o_valid_i(a_o_valid),
    .a_o_ready_o(a_o_ready), .a_o_data_i(a_o_data), .a_busy_i(a_busy), .a_step_err_i(a_step_err)
  );

  `FEED_ATTN u_attn (
    .clk_i(clk), .rst_ni(rst_n), .cmd_valid_i(a_cmd_valid), .cmd_ready_o(a_cmd_ready),
    .cmd_head_i(a_cmd_head), .cmd_scale_i(a_cmd_scale), .cmd_clear_i(1'b0), .cmd_mode_i(a_cmd_mode),
    .cmd_region_i(a_cmd_region), .cmd_count_i(a_cmd_count), .in_valid_i(a_in_valid),
    .in_ready_o(a_in_ready), .in_q_i(a_in_q), .in_k_i(a_in_k), .in_v_i(a_in_v),
    .o_valid_o(a_o_valid), .o_ready_i(a_o_ready), .o_data_o(a_o_data), .o_last_o(a_o_last),
    .busy_o(a_busy), .step_err_o(a_step_err), .evict_o(a_evict), .evict_slot_o(a_evict_slot),
    .slot_o(a_slot), .stat_cycles_o(a_cycles), .stat_wait_o(a_wait)
  );

  tf_mem_stream #(
    .DW(DW), .AddrW(AddrW), .IdW(4), .BurstLen(8), .MaxRd(4), .MaxWr(4), .RowsW(RowsW),
    .BytesW(BytesW), .OffW(OffW), .ReqW(ReqW)
  ) u_stream (
    .clk_i(clk), .rst_ni(rst_n),
    .rd_valid_i(rd_valid), .rd_ready_o(rd_ready), .rd_addr_i(rd_addr), .rd_stride_i(rd_stride),
    .rd_rows_i(rd_rows), .rd_bytes_i(rd_bytes), .r_valid_o(r_valid), .r_ready_i(r_ready),
    .r_data_o(r_data), .r_n_o(r_n), .r_eor_o(r_eor), .r_last_o(r_last), .rdone_valid_o(rdone),
    .rdone_code_o(rdone_code), .wr_valid_i(wr_valid), .wr_ready_o(wr_ready), .wr_addr_i(wr_addr),
    .wr_stride_i(wr_stride), .wr_rows_i(wr_rows), .wr_bytes_i(wr_bytes), .w_valid_i(w_valid),
    .w_ready_o(w_ready), .w_data_i(w_data), .wdone_valid_o(wdone), .wdone_code_o(wdone_code),
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

  wire unused = ^{r_n, r_eor, rdone_code, wdone_code, s_busy, s_err, s_err_addr, a_o_last, a_evict,
                  a_evict_slot, a_slot, a_cycles, a_wait};

endmodule

`default_nettype wire
