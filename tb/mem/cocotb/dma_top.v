// dma_top -- tf_mem_dma with the AXI4 master ports under their plain AXI names
// (m_axi_arvalid, ...), as cocotbext-axi's AxiBus.from_prefix(dut, "m_axi") finds them.
// With HasSt = 1 the DMA's result store port drives a real result store (tf_gemm_store,
// StoreImpl 1 flops / 2 banked, MMax x NMax words), its GEMM side idle; sw_ready and
// sr_ready come from the test (the engine's "no GEMM running" rule, as back-pressure).
// Parameters come from the iverilog command line (tb/mem/cocotb/run.sh).
`default_nettype none

module dma_top #(
  parameter integer DW = 64, AddrW = 32, IdW = 4, BurstLen = 8, MaxRd = 4, MaxWr = 4,
  parameter integer R = 4, C = 8, LMax = 8, OpW = 8, EbLog = 0, AccW = 20,
  parameter integer DimW = 7, RowIdxW = 6, ColIdxW = 6, BwAW = 10,
  parameter integer AStride = 64, BStride = 64, ALaneMax = 64, AOtherMax = 64,
  parameter integer BLaneMax = 64, BOtherMax = 64, MMax = 64, NMax = 64, CW = 4,
  parameter integer TagW = 8, CntW = 48,
  parameter integer HasSt = 1, StoreImpl = 2
) (
  input  wire                clk,
  input  wire                rst_n,
  input  wire                dsc_valid,
  output wire                dsc_ready,
  input  wire [AddrW-1:0]    dsc_addr,
  input  wire [DimW-1:0]     dsc_rows,
  input  wire [DimW-1:0]     dsc_cols,
  input  wire [AddrW-1:0]    dsc_stride,
  input  wire [1:0]          dsc_ew,
  input  wire [2:0]          dsc_dst,
  input  wire                dsc_tr,
  input  wire [TagW-1:0]     dsc_id,
  input  wire [DimW-1:0]     dsc_srow,
  output wire                rdone_valid,
  output wire [TagW-1:0]     rdone_id,
  output wire [2:0]          rdone_code,
  output wire                wdone_valid,
  output wire [TagW-1:0]     wdone_id,
  output wire [2:0]          wdone_code,
  output wire                bw_valid,
  input  wire                bw_ready,
  output wire                bw_tgt,
  output wire                bw_half,
  output wire [2*BwAW-1:0]     bw_addr,
  output wire [1:0]            bw_gpar,
  output wire [2*LMax*OpW-1:0] bw_data,
  output wire [2*LMax-1:0]     bw_mask,
  input  wire                c_valid,
  output wire                c_ready,
  input  wire [C*AccW-1:0]   c_data,
  input  wire [RowIdxW-1:0]  c_row,
  input  wire [ColIdxW-1:0]  c_col,
  input  wire                c_last,
  output wire                sw_valid,
  input  wire                sw_ready,
  output wire [RowIdxW-1:0]  sw_row,
  output wire [ColIdxW-1:0]  sw_col,
  output wire [C*OpW-1:0]    sw_data,
  output wire [C-1:0]        sw_mask,
  output wire                sr_valid,
  input  wire                sr_ready,
  output wire [RowIdxW-1:0]  sr_row,
  output wire [ColIdxW-1:0]  sr_tile,
  output wire                err,
  output wire                err_wr,
  output wire [AddrW-1:0]    err_addr,
  output wire [1:0]          err_resp,
  input  wire                err_clr,
  output wire [CntW-1:0]     cnt_rd_bytes,
  output wire [CntW-1:0]     cnt_wr_bytes,
  output wire [IdW-1:0]      m_axi_arid,
  output wire [AddrW-1:0]    m_axi_araddr,
  output wire [7:0]          m_axi_arlen,
  output wire [2:0]          m_axi_arsize,
  output wire [1:0]          m_axi_arburst,
  output wire [3:0]          m_axi_arcache,
  output wire [2:0]          m_axi_arprot,
  output wire                m_axi_arvalid,
  input  wire                m_axi_arready,
  input  wire [IdW-1:0]      m_axi_rid,
  input  wire [DW-1:0]       m_axi_rdata,
  input  wire [1:0]          m_axi_rresp,
  input  wire                m_axi_rlast,
  input  wire                m_axi_rvalid,
  output wire                m_axi_rready,
  output wire [IdW-1:0]      m_axi_awid,
  output wire [AddrW-1:0]    m_axi_awaddr,
  output wire [7:0]          m_axi_awlen,
  output wire [2:0]          m_axi_awsize,
  output wire [1:0]          m_axi_awburst,
  output wire [3:0]          m_axi_awcache,
  output wire [2:0]          m_axi_awprot,
  output wire                m_axi_awvalid,
  input  wire                m_axi_awready,
  output wire [DW-1:0]       m_axi_wdata,
  output wire [DW/8-1:0]     m_axi_wstrb,
  output wire                m_axi_wlast,
  output wire                m_axi_wvalid,
  input  wire                m_axi_wready,
  input  wire [IdW-1:0]      m_axi_bid,
  input  wire [1:0]          m_axi_bresp,
  input  wire                m_axi_bvalid,
  output wire                m_axi_bready
);
  wire [C*OpW-1:0] sr_data;
  // the result store's derived widths (as the plan derives them, gen/blocks/gemm.c)
  localparam integer StNB   = MMax > NMax ? MMax : NMax;
  localparam integer StIdxW = StNB > 1 ? $clog2(StNB) : 1;
  localparam integer StRowW = MMax > 1 ? $clog2(MMax) : 1;
  localparam integer StColW = NMax > 1 ? $clog2(NMax) : 1;
  localparam integer NTMax  = (NMax + C - 1) / C;
  localparam integer NtW    = NTMax > 1 ? $clog2(NTMax) : 1;
  localparam integer MTMax  = (MMax + R - 1) / R;
  localparam integer MtW    = MTMax > 1 ? $clog2(MTMax) : 1;
  generate
    if (HasSt != 0) begin : g_store
      wire [R*OpW-1:0] unused_a;
      wire [C*OpW-1:0] unused_b;
      wire [NtW-1:0]   grp = sr_tile[NtW-1:0];
      tf_gemm_store #(
        .Dataflow (0), .R (R), .C (C), .OpW (OpW), .AccW (AccW), .MMax (MMax), .NMax (NMax),
        .RowIdxW (RowIdxW), .ColIdxW (ColIdxW), .AGrpW (MtW), .AGrpN (MTMax), .NtW (NtW),
        .NTMax (NTMax), .StoreImpl (StoreImpl), .StNB (StNB), .StIdxW (StIdxW), .StRowW (StRowW),
        .StColW (StColW)
      ) u_store (
        .clk_i (clk), .rst_ni (rst_n), .en_i (1'b0),
        .w_valid_i (1'b0), .w_row_i ({RowIdxW{1'b0}}), .w_col_i ({ColIdxW{1'b0}}),
        .w_data_i ({(C*AccW){1'b0}}),
        .asrc_i (2'd0), .bsrc_i (2'd0), .a_idx_i ({StIdxW{1'b0}}), .b_idx_i ({StIdxW{1'b0}}),
        .a_grp_i ({MtW{1'b0}}), .b_grp_i ({NtW{1'b0}}), .a_lane_i ({(R*OpW){1'b0}}),
        .b_lane_i ({(C*OpW){1'b0}}), .a_rdata_o (unused_a), .b_rdata_o (unused_b),
        .x_w_valid_i (sw_valid && sw_ready), .x_w_row_i (sw_row), .x_w_col_i (sw_col),
        .x_w_data_i (sw_data), .x_w_mask_i (sw_mask),
        .x_r_valid_i (sr_valid && sr_ready), .x_r_row_i (sr_row), .x_r_grp_i (grp),
        .x_r_data_o (sr_data)
      );
    end else begin : g_no_store
      assign sr_data = {(C*OpW){1'b0}};
    end
  endgenerate
  wire unused_busy;
  wire [CntW-1:0] unused_rdy, unused_wry;
  wire rd_busy, wr_busy;
  assign unused_busy = rd_busy ^ wr_busy;
  tf_mem_dma #(
    .DW (DW), .AddrW (AddrW), .IdW (IdW), .BurstLen (BurstLen), .MaxRd (MaxRd), .MaxWr (MaxWr),
    .R (R), .C (C), .LMax (LMax), .OpW (OpW), .EbLog (EbLog), .AccW (AccW), .DimW (DimW),
    .RowIdxW (RowIdxW), .ColIdxW (ColIdxW), .BwAW (BwAW), .AStride (AStride), .BStride (BStride),
    .ALaneMax (ALaneMax), .AOtherMax (AOtherMax), .BLaneMax (BLaneMax), .BOtherMax (BOtherMax),
    .MMax (MMax), .NMax (NMax), .CW (CW), .TagW (TagW), .CntW (CntW), .HasSt (HasSt)
  ) u_dma (
    .clk_i (clk), .rst_ni (rst_n),
    .dsc_valid_i (dsc_valid), .dsc_ready_o (dsc_ready), .dsc_addr_i (dsc_addr), .dsc_rows_i (dsc_rows),
    .dsc_cols_i (dsc_cols), .dsc_stride_i (dsc_stride), .dsc_ew_i (dsc_ew), .dsc_dst_i (dsc_dst),
    .dsc_tr_i (dsc_tr), .dsc_id_i (dsc_id), .dsc_srow_i (dsc_srow),
    .rdone_valid_o (rdone_valid), .rdone_id_o (rdone_id), .rdone_code_o (rdone_code),
    .wdone_valid_o (wdone_valid), .wdone_id_o (wdone_id), .wdone_code_o (wdone_code),
    .bw_valid_o (bw_valid), .bw_ready_i (bw_ready), .bw_tgt_o (bw_tgt), .bw_half_o (bw_half),
    .bw_addr_o (bw_addr), .bw_gpar_o (bw_gpar), .bw_data_o (bw_data), .bw_mask_o (bw_mask),
    .c_valid_i (c_valid), .c_ready_o (c_ready), .c_data_i (c_data), .c_row_i (c_row), .c_col_i (c_col),
    .c_last_i (c_last),
    .sw_valid_o (sw_valid), .sw_ready_i (sw_ready), .sw_row_o (sw_row), .sw_col_o (sw_col),
    .sw_data_o (sw_data), .sw_mask_o (sw_mask),
    .sr_valid_o (sr_valid), .sr_ready_i (sr_ready), .sr_row_o (sr_row), .sr_tile_o (sr_tile),
    .sr_data_i (sr_data),
    .rd_busy_o (rd_busy), .wr_busy_o (wr_busy), .err_o (err), .err_wr_o (err_wr), .err_addr_o (err_addr),
    .err_resp_o (err_resp), .err_clr_i (err_clr),
    .cnt_rd_bytes_o (cnt_rd_bytes), .cnt_wr_bytes_o (cnt_wr_bytes), .cnt_rd_busy_o (unused_rdy),
    .cnt_wr_busy_o (unused_wry), .cnt_clr_i (1'b0),
    .m_axi_arid_o (m_axi_arid), .m_axi_araddr_o (m_axi_araddr), .m_axi_arlen_o (m_axi_arlen),
    .m_axi_arsize_o (m_axi_arsize), .m_axi_arburst_o (m_axi_arburst), .m_axi_arcache_o (m_axi_arcache),
    .m_axi_arprot_o (m_axi_arprot), .m_axi_arvalid_o (m_axi_arvalid), .m_axi_arready_i (m_axi_arready),
    .m_axi_rid_i (m_axi_rid), .m_axi_rdata_i (m_axi_rdata), .m_axi_rresp_i (m_axi_rresp),
    .m_axi_rlast_i (m_axi_rlast), .m_axi_rvalid_i (m_axi_rvalid), .m_axi_rready_o (m_axi_rready),
    .m_axi_awid_o (m_axi_awid), .m_axi_awaddr_o (m_axi_awaddr), .m_axi_awlen_o (m_axi_awlen),
    .m_axi_awsize_o (m_axi_awsize), .m_axi_awburst_o (m_axi_awburst), .m_axi_awcache_o (m_axi_awcache),
    .m_axi_awprot_o (m_axi_awprot), .m_axi_awvalid_o (m_axi_awvalid), .m_axi_awready_i (m_axi_awready),
    .m_axi_wdata_o (m_axi_wdata), .m_axi_wstrb_o (m_axi_wstrb), .m_axi_wlast_o (m_axi_wlast),
    .m_axi_wvalid_o (m_axi_wvalid), .m_axi_wready_i (m_axi_wready),
    .m_axi_bid_i (m_axi_bid), .m_axi_bresp_i (m_axi_bresp), .m_axi_bvalid_i (m_axi_bvalid),
    .m_axi_bready_o (m_axi_bready)
  );
endmodule

`default_nettype wire
