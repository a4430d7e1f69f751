// tf_axi_mux -- two AXI4 masters onto one AXI4 port (fixed-text template).
//
// The accelerator's memory system has more than one client of its AXI4 port (the DMA of
// the GEMM operands and results, the stream reader and writer of the other units); this
// joins two of them. Slave ports s0_* and s1_* take the masters, port m_* goes to memory.
//
// IDs: a request's ID on m_* is {the slave port's index, the master's ID} (IdW + 1 bits),
// and responses (R, B) go back to the port named by their ID's top bit with the master's ID
// restored, so each master sees its own responses in the order the slave gives them (the
// AXI4 ordering rules: Arm IHI 0022, A5 and A6).
// Arbitration: AR and AW each choose between the two ports in the cycle a request is
// offered, with no register in the path (the port adds no cycle: a single active master
// sees the timing it would see alone); when both offer, the port that did not win last
// time wins (round robin). A request offered on m_* and not yet accepted keeps its grant, so
// ARVALID/AWVALID and their payloads stay stable until the handshake (A3.2.1).
// Writes: the W beats of the bursts go out in the order of their AW handshakes (a FIFO of
// WDepth grants), every beat of a burst from the port that sent its AW, up to WLAST; a
// master's W beats wait until its AW was accepted. At most WDepth write bursts may have
// been accepted on AW and not finished on W; AW is held back while the FIFO is full.
`default_nettype none

module tf_axi_mux #(
  parameter integer DW     = 128,  // data width, bits
  parameter integer AddrW  = 32,
  parameter integer IdW    = 4,    // the masters' ID width; m_* carries IdW + 1
  parameter integer WDepth = 4,    // write bursts accepted on AW and not yet through W
  parameter integer WPtrW  = 2     // max(clog2(WDepth), 1)
) (
  input  wire               clk_i,
  input  wire               rst_ni,
  // slave port 0
  input  wire [IdW-1:0]     s0_axi_arid_i,
  input  wire [AddrW-1:0]   s0_axi_araddr_i,
  input  wire [7:0]         s0_axi_arlen_i,
  input  wire [2:0]         s0_axi_arsize_i,
  input  wire [1:0]         s0_axi_arburst_i,
  input  wire [3:0]         s0_axi_arcache_i,
  input  wire [2:0]         s0_axi_arprot_i,
  input  wire               s0_axi_arvalid_i,
  output wire               s0_axi_arready_o,
  output wire [IdW-1:0]     s0_axi_rid_o,
  output wire [DW-1:0]      s0_axi_rdata_o,
  output wire [1:0]         s0_axi_rresp_o,
  output wire               s0_axi_rlast_o,
  output wire               s0_axi_rvalid_o,
  input  wire               s0_axi_rready_i,
  input  wire [IdW-1:0]     s0_axi_awid_i,
  input  wire [AddrW-1:0]   s0_axi_awaddr_i,
  input  wire [7:0]         s0_axi_awlen_i,
  input  wire [2:0]         s0_axi_awsize_i,
  input  wire [1:0]         s0_axi_awburst_i,
  input  wire [3:0]         s0_axi_awcache_i,
  input  wire [2:0]         s0_axi_awprot_i,
  input  wire               s0_axi_awvalid_i,
  output wire               s0_axi_awready_o,
  input  wire [DW-1:0]      s0_axi_wdata_i,
  input  wire [DW/8-1:0]    s0_axi_wstrb_i,
  input  wire               s0_axi_wlast_i,
  input  wire               s0_axi_wvalid_i,
  output wire               s0_axi_wready_o,
  output wire [IdW-1:0]     s0_axi_bid_o,
  output wire [1:0]         s0_axi_bresp_o,
  output wire               s0_axi_bvalid_o,
  input  wire               s0_axi_bready_i,
  // slave port 1
  input  wire [IdW-1:0]     s1_axi_arid_i,
  input  wire [AddrW-1:0]   s1_axi_araddr_i,
  input  wire [7:0]         s1_axi_arlen_i,
  input  wire [2:0]         s1_axi_arsize_i,
  input  wire [1:0]         s1_axi_arburst_i,
  input  wire [3:0]         s1_axi_arcache_i,
  input  wire [2:0]         s1_axi_arprot_i,
  input  wire               s1_axi_arvalid_i,
  output wire               s1_axi_arready_o,
  output wire [IdW-1:0]     s1_axi_rid_o,
  output wire [DW-1:0]      s1_axi_rdata_o,
  output wire [1:0]         s1_axi_rresp_o,
  output wire               s1_axi_rlast_o,
  output wire               s1_axi_rvalid_o,
  input  wire               s1_axi_rready_i,
  input  wire [IdW-1:0]     s1_axi_awid_i,
  input  wire [AddrW-1:0]   s1_axi_awaddr_i,
  input  wire [7:0]         s1_axi_awlen_i,
  input  wire [2:0]         s1_axi_awsize_i,
  input  wire [1:0]         s1_axi_awburst_i,
  input  wire [3:0]         s1_axi_awcache_i,
  input  wire [2:0]         s1_axi_awprot_i,
  input  wire               s1_axi_awvalid_i,
  output wire               s1_axi_awready_o,
  input  wire [DW-1:0]      s1_axi_wdata_i,
  input  wire [DW/8-1:0]    s1_axi_wstrb_i,
  input  wire               s1_axi_wlast_i,
  input  wire               s1_axi_wvalid_i,
  output wire               s1_axi_wready_o,
  output wire [IdW-1:0]     s1_axi_bid_o,
  output wire [1:0]         s1_axi_bresp_o,
  output wire               s1_axi_bvalid_o,
  input  wire               s1_axi_bready_i,
  // master port (to memory)
  output wire [IdW:0]       m_axi_arid_o,
  output wire [AddrW-1:0]   m_axi_araddr_o,
  output wire [7:0]         m_axi_arlen_o,
  output wire [2:0]         m_axi_arsize_o,
  output wire [1:0]         m_axi_arburst_o,
  output wire [3:0]         m_axi_arcache_o,
  output wire [2:0]         m_axi_arprot_o,
  output wire               m_axi_arvalid_o,
  input  wire               m_axi_arready_i,
  input  wire [IdW:0]       m_axi_rid_i,
  input  wire [DW-1:0]      m_axi_rdata_i,
  input  wire [1:0]         m_axi_rresp_i,
  input  wire               m_axi_rlast_i,
  input  wire               m_axi_rvalid_i,
  output wire               m_axi_rready_o,
  output wire [IdW:0]       m_axi_awid_o,
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
  input  wire [IdW:0]       m_axi_bid_i,
  input  wire [1:0]         m_axi_bresp_i,
  input  wire               m_axi_bvalid_i,
  output wire               m_axi_bready_o
);

  // ---------------------------------------------------------------------------
  // Read address: round robin, grant held while the request waits on m_*
  // ---------------------------------------------------------------------------
  reg  ar_last_q;     // port that won the last arbitration
  reg  ar_hold_q;     // a request is on m_* and was not accepted last cycle
  reg  ar_hsel_q;     // ... from this port
  wire ar_sel = ar_hold_q ? ar_hsel_q :
                (s0_axi_arvalid_i && s1_axi_arvalid_i) ? !ar_last_q : s1_axi_arvalid_i;
  wire ar_valid = ar_sel ? s1_axi_arvalid_i : s0_axi_arvalid_i;

  assign m_axi_arid_o    = ar_sel ? {1'b1, s1_axi_arid_i} : {1'b0, s0_axi_arid_i};
  assign m_axi_araddr_o  = ar_sel ? s1_axi_araddr_i  : s0_axi_araddr_i;
  assign m_axi_arlen_o   = ar_sel ? s1_axi_arlen_i   : s0_axi_arlen_i;
  assign m_axi_arsize_o  = ar_sel ? s1_axi_arsize_i  : s0_axi_arsize_i;
  assign m_axi_arburst_o = ar_sel ? s1_axi_arburst_i : s0_axi_arburst_i;
  assign m_axi_arcache_o = ar_sel ? s1_axi_arcache_i : s0_axi_arcache_i;
  assign m_axi_arprot_o  = ar_sel ? s1_axi_arprot_i  : s0_axi_arprot_i;
  assign m_axi_arvalid_o = ar_valid;
  assign s0_axi_arready_o = !ar_sel && m_axi_arready_i;
  assign s1_axi_arready_o = ar_sel && m_axi_arready_i;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ar_last_q <= 1'b1;
      ar_hold_q <= 1'b0;
      ar_hsel_q <= 1'b0;
    end else begin
      ar_hold_q <= ar_valid && !m_axi_arready_i;
      ar_hsel_q <= ar_sel;
      if (ar_valid && m_axi_arready_i)
        ar_last_q <= ar_sel;
    end
  end

  // read data: by the ID's top bit
  wire r_to1 = m_axi_rid_i[IdW];
  assign s0_axi_rid_o    = m_axi_rid_i[IdW-1:0];
  assign s1_axi_rid_o    = m_axi_rid_i[IdW-1:0];
  assign s0_axi_rdata_o  = m_axi_rdata_i;
  assign s1_axi_rdata_o  = m_axi_rdata_i;
  assign s0_axi_rresp_o  = m_axi_rresp_i;
  assign s1_axi_rresp_o  = m_axi_rresp_i;
  assign s0_axi_rlast_o  = m_axi_rlast_i;
  assign s1_axi_rlast_o  = m_axi_rlast_i;
  assign s0_axi_rvalid_o = m_axi_rvalid_i && !r_to1;
  assign s1_axi_rvalid_o = m_axi_rvalid_i && r_to1;
  assign m_axi_rready_o  = r_to1 ? s1_axi_rready_i : s0_axi_rready_i;

  // ---------------------------------------------------------------------------
  // Write address: as the read address, and only while the W-order FIFO has room
  // ---------------------------------------------------------------------------
  reg  [WDepth-1:0] wf_q;            // grant of each entry (1: port 1)
  reg  [WPtrW-1:0]  wf_wr_q, wf_rd_q;
  reg  [WPtrW:0]    wf_cnt_q;
  localparam [WPtrW:0]   WDepthV = WDepth[WPtrW:0];
  localparam integer     WLastI  = WDepth - 1;
  localparam [WPtrW-1:0] WLastV  = WLastI[WPtrW-1:0];
  wire wf_full  = (wf_cnt_q == WDepthV);
  wire wf_empty = (wf_cnt_q == {(WPtrW+1){1'b0}});

  reg  aw_last_q, aw_hold_q, aw_hsel_q;
  wire aw_sel = aw_hold_q ? aw_hsel_q :
                (s0_axi_awvalid_i && s1_axi_awvalid_i) ? !aw_last_q : s1_axi_awvalid_i;
  wire aw_req = aw_sel ? s1_axi_awvalid_i : s0_axi_awvalid_i;
  wire aw_valid = aw_req && !wf_full;
  wire aw_fire = aw_valid && m_axi_awready_i;

  assign m_axi_awid_o    = aw_sel ? {1'b1, s1_axi_awid_i} : {1'b0, s0_axi_awid_i};
  assign m_axi_awaddr_o  = aw_sel ? s1_axi_awaddr_i  : s0_axi_awaddr_i;
  assign m_axi_awlen_o   = aw_sel ? s1_axi_awlen_i   : s0_axi_awlen_i;
  assign m_axi_awsize_o  = aw_sel ? s1_axi_awsize_i  : s0_axi_awsize_i;
  assign m_axi_awburst_o = aw_sel ? s1_axi_awburst_i : s0_axi_awburst_i;
  assign m_axi_awcache_o = aw_sel ? s1_axi_awcache_i : s0_axi_awcache_i;
  assign m_axi_awprot_o  = aw_sel ? s1_axi_awprot_i  : s0_axi_awprot_i;
  assign m_axi_awvalid_o = aw_valid;
  assign s0_axi_awready_o = !aw_sel && m_axi_awready_i && !wf_full;
  assign s1_axi_awready_o = aw_sel && m_axi_awready_i && !wf_full;

  // write data: from the port at the FIFO's head, until WLAST
  wire w_sel = wf_q[wf_rd_q];
  wire w_valid = !wf_empty && (w_sel ? s1_axi_wvalid_i : s0_axi_wvalid_i);
  wire w_fire = w_valid && m_axi_wready_i;
  assign m_axi_wdata_o  = w_sel ? s1_axi_wdata_i : s0_axi_wdata_i;
  assign m_axi_wstrb_o  = w_sel ? s1_axi_wstrb_i : s0_axi_wstrb_i;
  assign m_axi_wlast_o  = w_sel ? s1_axi_wlast_i : s0_axi_wlast_i;
  assign m_axi_wvalid_o = w_valid;
  assign s0_axi_wready_o = !wf_empty && !w_sel && m_axi_wready_i;
  assign s1_axi_wready_o = !wf_empty && w_sel && m_axi_wready_i;
  wire w_done = w_fire && m_axi_wlast_o;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      aw_last_q <= 1'b1;
      aw_hold_q <= 1'b0;
      aw_hsel_q <= 1'b0;
      wf_q      <= {WDepth{1'b0}};
      wf_wr_q   <= {WPtrW{1'b0}};
      wf_rd_q   <= {WPtrW{1'b0}};
      wf_cnt_q  <= {(WPtrW+1){1'b0}};
    end else begin
      aw_hold_q <= aw_valid && !m_axi_awready_i;
      aw_hsel_q <= aw_sel;
      if (aw_fire) begin
        aw_last_q      <= aw_sel;
        wf_q[wf_wr_q]  <= aw_sel;
        wf_wr_q        <= (wf_wr_q == WLastV) ? {WPtrW{1'b0}} : wf_wr_q + 1'b1;
      end
      if (w_done)
        wf_rd_q <= (wf_rd_q == WLastV) ? {WPtrW{1'b0}} : wf_rd_q + 1'b1;
      if (aw_fire && !w_done)
        wf_cnt_q <= wf_cnt_q + 1'b1;
      else if (w_done && !aw_fire)
        wf_cnt_q <= wf_cnt_q - 1'b1;
    end
  end

  // write response: by the ID's top bit
  wire b_to1 = m_axi_bid_i[IdW];
  assign s0_axi_bid_o    = m_axi_bid_i[IdW-1:0];
  assign s1_axi_bid_o    = m_axi_bid_i[IdW-1:0];
  assign s0_axi_bresp_o  = m_axi_bresp_i;
  assign s1_axi_bresp_o  = m_axi_bresp_i;
  assign s0_axi_bvalid_o = m_axi_bvalid_i && !b_to1;
  assign s1_axi_bvalid_o = m_axi_bvalid_i && b_to1;
  assign m_axi_bready_o  = b_to1 ? s1_axi_bready_i : s0_axi_bready_i;

endmodule

`default_nettype wire
