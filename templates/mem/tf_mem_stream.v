// tf_mem_stream -- rows of bytes between memory and a unit, as port words (fixed-text
// template): the accelerator's second memory client (docs/architecture.md 3.11), beside the
// DMA, for what is not a GEMM operand: the epilogue's parameter tables and residual rows, the
// attention unit's q, k, v rows in and o rows out.
//
// Read: a descriptor (addr, stride, rows, bytes per row) becomes one tf_axi_rd request per
// row, row r at addr + r * stride, ceil(bytes / PB) port words; the words leave on r_* in
// order, r_n_o bytes of each belonging to the row (PB except in its last word), r_eor_o on
// a row's last word, r_last_o on the transfer's last. Write: a descriptor becomes one
// tf_axi_wr request per row; the unit supplies each row's words on w_* (the row's bytes from
// byte 0 of its first word), and the stream writes them with WSTRB set for the row's bytes
// only. Each side completes on its own port (rdone_*, wdone_*: one cycle, with a code) -- a
// write once every B response is in.
// A malformed descriptor is refused at once (consumed, nothing moves, completion with its
// code): zero rows or bytes (CodeZero), addr, or stride with rows > 1, not a multiple of PB
// (CodeAlign: every row starts at byte 0 of a port word, as for the DMA). A SLVERR or DECERR
// response during a transfer completes it with CodeAxi (its data still moved as the slave
// answered); err_o and the address of the first such response hold until err_clr_i.
// Handshake: valid/ready on rd_*, r_*, wr_*, w_*; a side takes a descriptor when idle.
// Latency: the first AR one cycle after a read descriptor, at the earliest.
`default_nettype none

module tf_mem_stream #(
  parameter integer DW       = 128,  // port width, bits (32..1024, a power of two)
  parameter integer AddrW    = 32,
  parameter integer IdW      = 4,
  parameter integer BurstLen = 16,
  parameter integer MaxRd    = 4,    // outstanding read bursts
  parameter integer MaxWr    = 4,    // outstanding write bursts
  parameter integer RowsW    = 16,   // rd_rows_i, wr_rows_i
  parameter integer BytesW   = 16,   // rd_bytes_i, wr_bytes_i
  parameter integer OffW     = 4,    // log2(DW / 8): a byte's offset in a port word
  parameter integer ReqW     = 13,   // words of one row: BytesW - OffW + 1
  parameter integer ErrW     = 2,
  parameter [ErrW-1:0] CodeOk    = 2'd0,
  parameter [ErrW-1:0] CodeZero  = 2'd1,
  parameter [ErrW-1:0] CodeAlign = 2'd2,
  parameter [ErrW-1:0] CodeAxi   = 2'd3
) (
  input  wire               clk_i,
  input  wire               rst_ni,
  // read descriptors and data
  input  wire               rd_valid_i,
  output wire               rd_ready_o,
  input  wire [AddrW-1:0]   rd_addr_i,
  input  wire [AddrW-1:0]   rd_stride_i,
  input  wire [RowsW-1:0]   rd_rows_i,
  input  wire [BytesW-1:0]  rd_bytes_i,
  output wire               r_valid_o,
  input  wire               r_ready_i,
  output wire [DW-1:0]      r_data_o,
  output wire [OffW:0]      r_n_o,
  output wire               r_eor_o,
  output wire               r_last_o,
  output reg                rdone_valid_o,
  output reg  [ErrW-1:0]    rdone_code_o,
  // write descriptors and data
  input  wire               wr_valid_i,
  output wire               wr_ready_o,
  input  wire [AddrW-1:0]   wr_addr_i,
  input  wire [AddrW-1:0]   wr_stride_i,
  input  wire [RowsW-1:0]   wr_rows_i,
  input  wire [BytesW-1:0]  wr_bytes_i,
  input  wire               w_valid_i,
  output wire               w_ready_o,
  input  wire [DW-1:0]      w_data_i,
  output reg                wdone_valid_o,
  output reg  [ErrW-1:0]    wdone_code_o,
  // status
  output wire               busy_o,
  output wire               err_o,
  output wire [AddrW-1:0]   err_addr_o,
  input  wire               err_clr_i,
  // AXI4 master
  output wire [IdW-1:0]     m_axi_arid_o,
  output wire [AddrW-1:0]   m_axi_araddr_o,
  output wire [7:0]         m_axi_arlen_o,
  output wire [2:0]         m_axi_arsize_o,
  output wire [1:0]         m_axi_arburst_o,
  output wire [3:0]         m_axi_arcache_o,
  output wire [2:0]         m_axi_arprot_o,
  output wire               m_axi_arvalid_o,
  input  wire               m_axi_arready_i,
  input  wire [IdW-1:0]     m_axi_rid_i,
  input  wire [DW-1:0]      m_axi_rdata_i,
  input  wire [1:0]         m_axi_rresp_i,
  input  wire               m_axi_rlast_i,
  input  wire               m_axi_rvalid_i,
  output wire               m_axi_rready_o,
  output wire [IdW-1:0]     m_axi_awid_o,
  output wire [AddrW-1:0]   m_axi_awaddr_o,
  output wire [7:0]         m_axi_awlen_o,
  output wire [2:0]         m_axi_awsize_o,
  output wire [1:0]         m_axi_awburst_o,
  output wire [3:0]         m_axi_awcache_o,
  output wire [2:0]         m_axi_awprot_o,
  output wire               m_axi_awvalid_o,
  input  wire               m_axi_awready_i,
  output wire [DW-1:0]      m_axi_wdata_o,
  output wire [DW/8-1:0]    m_axi_wstrb_o,
  output wire               m_axi_wlast_o,
  output wire               m_axi_wvalid_o,
  input  wire               m_axi_wready_i,
  input  wire [IdW-1:0]     m_axi_bid_i,
  input  wire [1:0]         m_axi_bresp_i,
  input  wire               m_axi_bvalid_i,
  output wire               m_axi_bready_o
);

  localparam integer PB = DW / 8;

  generate
    if ((1 << OffW) != PB || ReqW != BytesW - OffW + 1) begin : g_bad_params
      tf_mem_stream_error_bad_parameters u_error ();
    end
  endgenerate

  localparam integer    PbI  = PB - 1;
  localparam [BytesW:0] PbM1 = PbI[BytesW:0];
  localparam [OffW:0]   PbV  = PB[OffW:0];

  // ---------------------------------------------------------------------------
  // Read side
  // ---------------------------------------------------------------------------
  reg               ra_q;          // a read transfer is active
  reg  [AddrW-1:0]  ra_addr_q;     // next row's address
  reg  [AddrW-1:0]  ra_stride_q;
  reg  [RowsW-1:0]  ra_left_q;     // rows still to request
  reg  [RowsW-1:0]  ro_left_q;     // rows still to hand out
  reg  [ReqW-1:0]   ra_words_q;
  reg  [OffW:0]     ra_lastn_q;
  reg               ra_err_q;

  // a row's words, ceil(bytes / PB), and the bytes of its last word
  wire [BytesW:0]   rd_t      = {1'b0, rd_bytes_i} + PbM1;
  wire [ReqW-1:0]   rd_words  = rd_t[BytesW:OffW];
  wire [OffW-1:0]   rd_off    = rd_bytes_i[OffW-1:0];
  wire [OffW:0]     rd_lastn  = (rd_off == {OffW{1'b0}}) ? PbV : {1'b0, rd_off};
  wire rd_bad_zero  = (rd_rows_i == {RowsW{1'b0}}) || (rd_bytes_i == {BytesW{1'b0}});
  wire rd_bad_align = (rd_addr_i[OffW-1:0] != {OffW{1'b0}}) ||
                      ((rd_rows_i > {{(RowsW-1){1'b0}}, 1'b1}) && (rd_stride_i[OffW-1:0] != {OffW{1'b0}}));
  wire rd_fire      = rd_valid_i && !ra_q;
  wire rd_take      = rd_fire && !rd_bad_zero && !rd_bad_align;

  wire              rq_valid = ra_q && (ra_left_q != {RowsW{1'b0}});
  wire              rq_ready;
  wire              d_valid, d_last, d_err;
  wire [DW-1:0]     d_data;
  wire              r_fire = d_valid && r_ready_i;
  wire              r_end  = r_fire && d_last && (ro_left_q == {{(RowsW-1){1'b0}}, 1'b1});
  wire              rd_busy, wr_busy;
  wire              rd_err_flag, wr_err_flag;
  wire [AddrW-1:0]  rd_err_addr, wr_err_addr;
  wire [1:0]        rd_err_resp, wr_err_resp;

  tf_axi_rd #(
    .DW(DW), .AddrW(AddrW), .IdW(IdW), .BurstLen(BurstLen), .MaxOut(MaxRd), .ReqW(ReqW)
  ) u_rd (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .req_valid_i(rq_valid), .req_ready_o(rq_ready), .req_addr_i(ra_addr_q), .req_beats_i(ra_words_q),
    .d_valid_o(d_valid), .d_ready_i(r_ready_i), .d_data_o(d_data), .d_last_o(d_last),
    .busy_o(rd_busy), .err_beat_o(d_err), .err_o(rd_err_flag), .err_addr_o(rd_err_addr),
    .err_resp_o(rd_err_resp), .err_clr_i(err_clr_i),
    .m_axi_arid_o(m_axi_arid_o), .m_axi_araddr_o(m_axi_araddr_o), .m_axi_arlen_o(m_axi_arlen_o),
    .m_axi_arsize_o(m_axi_arsize_o), .m_axi_arburst_o(m_axi_arburst_o),
    .m_axi_arcache_o(m_axi_arcache_o), .m_axi_arprot_o(m_axi_arprot_o),
    .m_axi_arvalid_o(m_axi_arvalid_o), .m_axi_arready_i(m_axi_arready_i),
    .m_axi_rid_i(m_axi_rid_i), .m_axi_rdata_i(m_axi_rdata_i), .m_axi_rresp_i(m_axi_rresp_i),
    .m_axi_rlast_i(m_axi_rlast_i), .m_axi_rvalid_i(m_axi_rvalid_i), .m_axi_rready_o(m_axi_rready_o)
  );

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ra_q          <= 1'b0;
      ra_addr_q     <= {AddrW{1'b0}};
      ra_stride_q   <= {AddrW{1'b0}};
      ra_left_q     <= {RowsW{1'b0}};
      ro_left_q     <= {RowsW{1'b0}};
      ra_words_q    <= {ReqW{1'b0}};
      ra_lastn_q    <= {(OffW+1){1'b0}};
      ra_err_q      <= 1'b0;
      rdone_valid_o <= 1'b0;
      rdone_code_o  <= CodeOk;
    end else begin
      rdone_valid_o <= 1'b0;
      if (rd_fire && !rd_take) begin
        rdone_valid_o <= 1'b1;
        rdone_code_o  <= rd_bad_zero ? CodeZero : CodeAlign;
      end
      if (rd_take) begin
        ra_q        <= 1'b1;
        ra_addr_q   <= rd_addr_i;
        ra_stride_q <= rd_stride_i;
        ra_left_q   <= rd_rows_i;
        ro_left_q   <= rd_rows_i;
        ra_words_q  <= rd_words;
        ra_lastn_q  <= rd_lastn;
        ra_err_q    <= 1'b0;
      end
      if (rq_valid && rq_ready) begin
        ra_addr_q <= ra_addr_q + ra_stride_q;
        ra_left_q <= ra_left_q - 1'b1;
      end
      if (d_valid && r_ready_i && d_err)
        ra_err_q <= 1'b1;
      if (r_fire && d_last)
        ro_left_q <= ro_left_q - 1'b1;
      if (r_end) begin
        ra_q          <= 1'b0;
        rdone_valid_o <= 1'b1;
        rdone_code_o  <= (ra_err_q || d_err) ? CodeAxi : CodeOk;
      end
    end
  end

  assign rd_ready_o = !ra_q;
  assign r_valid_o  = d_valid;
  assign r_data_o   = d_data;
  assign r_n_o      = d_last ? ra_lastn_q : PbV;
  assign r_eor_o    = d_last;
  assign r_last_o   = d_last && (ro_left_q == {{(RowsW-1){1'b0}}, 1'b1});

  // ---------------------------------------------------------------------------
  // Write side
  // ---------------------------------------------------------------------------
  reg               wa_q;          // a write transfer is active
  reg               wa_tail_q;     // every word handed over: waiting for the responses
  reg  [AddrW-1:0]  wa_addr_q;
  reg  [AddrW-1:0]  wa_stride_q;
  reg  [RowsW-1:0]  wa_left_q;     // rows still to request
  reg  [RowsW-1:0]  wo_left_q;     // rows whose words are still to come
  reg  [ReqW-1:0]   wa_words_q;
  reg  [ReqW-1:0]   wo_word_q;     // word index inside the current row
  reg  [PB-1:0]     wa_lastm_q;    // strobe of a row's last word
  reg               wa_err_q;

  wire [BytesW:0]   wr_t      = {1'b0, wr_bytes_i} + PbM1;
  wire [ReqW-1:0]   wr_words  = wr_t[BytesW:OffW];
  wire [OffW-1:0]   wr_off    = wr_bytes_i[OffW-1:0];
  // strobe of a row's last word: its low (bytes mod PB) bytes, all of them when that is 0
  wire [PB-1:0]     wr_lastm  = (wr_off == {OffW{1'b0}}) ? {PB{1'b1}} : ~({PB{1'b1}} << wr_off);
  wire unused_t = ^{rd_t[OffW-1:0], wr_t[OffW-1:0]};
  wire wr_bad_zero  = (wr_rows_i == {RowsW{1'b0}}) || (wr_bytes_i == {BytesW{1'b0}});
  wire wr_bad_align = (wr_addr_i[OffW-1:0] != {OffW{1'b0}}) ||
                      ((wr_rows_i > {{(RowsW-1){1'b0}}, 1'b1}) && (wr_stride_i[OffW-1:0] != {OffW{1'b0}}));
  wire wr_fire      = wr_valid_i && !wa_q;
  wire wr_take      = wr_fire && !wr_bad_zero && !wr_bad_align;

  wire              wq_valid = wa_q && (wa_left_q != {RowsW{1'b0}});
  wire              wq_ready;
  wire              wd_ready;
  wire              w_live   = wa_q && !wa_tail_q;
  wire              w_eor    = (wo_word_q == wa_words_q - 1'b1);
  wire              w_fire   = w_valid_i && w_live && wd_ready;
  wire              w_end    = w_fire && w_eor && (wo_left_q == {{(RowsW-1){1'b0}}, 1'b1});
  wire              wb_err;


  tf_axi_wr #(
    .DW(DW), .AddrW(AddrW), .IdW(IdW), .BurstLen(BurstLen), .MaxOut(MaxWr), .ReqW(ReqW)
  ) u_wr (
    .clk_i(clk_i), .rst_ni(rst_ni),
    .req_valid_i(wq_valid), .req_ready_o(wq_ready), .req_addr_i(wa_addr_q), .req_beats_i(wa_words_q),
    .wd_valid_i(w_valid_i && w_live), .wd_ready_o(wd_ready), .wd_data_i(w_data_i),
    .wd_strb_i(w_eor ? wa_lastm_q : {PB{1'b1}}),
    .busy_o(wr_busy), .err_beat_o(wb_err), .err_o(wr_err_flag), .err_addr_o(wr_err_addr),
    .err_resp_o(wr_err_resp), .err_clr_i(err_clr_i),
    .m_axi_awid_o(m_axi_awid_o), .m_axi_awaddr_o(m_axi_awaddr_o), .m_axi_awlen_o(m_axi_awlen_o),
    .m_axi_awsize_o(m_axi_awsize_o), .m_axi_awburst_o(m_axi_awburst_o),
    .m_axi_awcache_o(m_axi_awcache_o), .m_axi_awprot_o(m_axi_awprot_o),
    .m_axi_awvalid_o(m_axi_awvalid_o), .m_axi_awready_i(m_axi_awready_i),
    .m_axi_wdata_o(m_axi_wdata_o), .m_axi_wstrb_o(m_axi_wstrb_o), .m_axi_wlast_o(m_axi_wlast_o),
    .m_axi_wvalid_o(m_axi_wvalid_o), .m_axi_wready_i(m_axi_wready_i),
    .m_axi_bid_i(m_axi_bid_i), .m_axi_bresp_i(m_axi_bresp_i), .m_axi_bvalid_i(m_axi_bvalid_i),
    .m_axi_bready_o(m_axi_bready_o)
  );

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wa_q          <= 1'b0;
      wa_tail_q     <= 1'b0;
      wa_addr_q     <= {AddrW{1'b0}};
      wa_stride_q   <= {AddrW{1'b0}};
      wa_left_q     <= {RowsW{1'b0}};
      wo_left_q     <= {RowsW{1'b0}};
      wa_words_q    <= {ReqW{1'b0}};
      wo_word_q     <= {ReqW{1'b0}};
      wa_lastm_q    <= {PB{1'b0}};
      wa_err_q      <= 1'b0;
      wdone_valid_o <= 1'b0;
      wdone_code_o  <= CodeOk;
    end else begin
      wdone_valid_o <= 1'b0;
      if (wr_fire && !wr_take) begin
        wdone_valid_o <= 1'b1;
        wdone_code_o  <= wr_bad_zero ? CodeZero : CodeAlign;
      end
      if (wr_take) begin
        wa_q        <= 1'b1;
        wa_tail_q   <= 1'b0;
        wa_addr_q   <= wr_addr_i;
        wa_stride_q <= wr_stride_i;
        wa_left_q   <= wr_rows_i;
        wo_left_q   <= wr_rows_i;
        wa_words_q  <= wr_words;
        wo_word_q   <= {ReqW{1'b0}};
        wa_lastm_q  <= wr_lastm;
        wa_err_q    <= 1'b0;
      end
      if (wq_valid && wq_ready) begin
        wa_addr_q <= wa_addr_q + wa_stride_q;
        wa_left_q <= wa_left_q - 1'b1;
      end
      if (wb_err)
        wa_err_q <= 1'b1;
      if (w_fire) begin
        wo_word_q <= w_eor ? {ReqW{1'b0}} : wo_word_q + 1'b1;
        if (w_eor)
          wo_left_q <= wo_left_q - 1'b1;
      end
      if (w_end)
        wa_tail_q <= 1'b1;
      // done once every word was handed over and every response is in
      if (wa_q && wa_tail_q && !wr_busy && (wa_left_q == {RowsW{1'b0}})) begin
        wa_q          <= 1'b0;
        wa_tail_q     <= 1'b0;
        wdone_valid_o <= 1'b1;
        wdone_code_o  <= (wa_err_q || wb_err) ? CodeAxi : CodeOk;
      end
    end
  end

  assign wr_ready_o = !wa_q;
  assign w_ready_o  = w_live && wd_ready;

  // ---------------------------------------------------------------------------
  // Status: the first AXI error of either side
  // ---------------------------------------------------------------------------
  assign busy_o     = ra_q || wa_q || rd_busy || wr_busy;
  assign err_o      = rd_err_flag || wr_err_flag;
  assign err_addr_o = rd_err_flag ? rd_err_addr : wr_err_addr;
  wire unused_err = ^{rd_err_resp, wr_err_resp};

endmodule

`default_nettype wire
