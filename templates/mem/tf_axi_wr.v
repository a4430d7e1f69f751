// tf_axi_wr -- AXI4 write master (fixed-text template): turns requests "write N words at
// address A" and a stream of N (word, byte strobe) pairs into INCR bursts on the AW and
// W channels, and collects the B responses.
//
// Requests: req_addr_i aligned to a port word (DW/8 bytes), req_beats_i >= 1 words; the
// words follow on wd_* in request order. A request is split into bursts of at most
// BurstLen beats that never cross a 4 KiB boundary (Arm IHI 0022, A3.4.1), full width
// (AWSIZE = log2(DW/8)), INCR, AWID 0. A burst's W beats are sent only after its AW was
// accepted (so no slave sees data before its address), WLAST on its last beat; WSTRB is
// the stream's strobe (bytes with a 0 strobe are not written). At most MaxOut bursts
// are outstanding (AW accepted, B not yet received). A B response SLVERR or DECERR sets
// err_o, if it is low, and records the burst's address and response until err_clr_i;
// err_beat_o pulses with every such response.
// busy_o: a request is being split, or a burst has not had its response yet.
// Handshake: valid/ready on req_*, wd_* and every AXI channel; BREADY is always high.
// Latency: AW one cycle after a request at the earliest; W as soon as its AW is accepted.
`default_nettype none

module tf_axi_wr #(
  parameter integer DW       = 128,
  parameter integer AddrW    = 32,
  parameter integer IdW      = 4,
  parameter integer BurstLen = 16,
  parameter integer MaxOut   = 4,
  parameter integer ReqW     = 12
) (
  input  wire              clk_i,
  input  wire              rst_ni,
  input  wire              req_valid_i,
  output wire              req_ready_o,
  input  wire [AddrW-1:0]  req_addr_i,
  input  wire [ReqW-1:0]   req_beats_i,
  input  wire              wd_valid_i,
  output wire              wd_ready_o,
  input  wire [DW-1:0]     wd_data_i,
  input  wire [DW/8-1:0]   wd_strb_i,
  output wire              busy_o,
  output wire              err_beat_o,
  output wire              err_o,
  output wire [AddrW-1:0]  err_addr_o,
  output wire [1:0]        err_resp_o,
  input  wire              err_clr_i,
  // AXI4 write address, write data and write response channels
  output wire [IdW-1:0]    m_axi_awid_o,
  output wire [AddrW-1:0]  m_axi_awaddr_o,
  output wire [7:0]        m_axi_awlen_o,
  output wire [2:0]        m_axi_awsize_o,
  output wire [1:0]        m_axi_awburst_o,
  output wire [3:0]        m_axi_awcache_o,
  output wire [2:0]        m_axi_awprot_o,
  output wire              m_axi_awvalid_o,
  input  wire              m_axi_awready_i,
  output wire [DW-1:0]     m_axi_wdata_o,
  output wire [DW/8-1:0]   m_axi_wstrb_o,
  output wire              m_axi_wlast_o,
  output wire              m_axi_wvalid_o,
  input  wire              m_axi_wready_i,
  input  wire [IdW-1:0]    m_axi_bid_i,
  input  wire [1:0]        m_axi_bresp_i,
  input  wire              m_axi_bvalid_i,
  output wire              m_axi_bready_o
);

  localparam integer PB    = DW / 8;
  localparam integer OffW  = (PB <= 1) ? 1 : $clog2(PB);
  localparam integer SzW   = ((ReqW > 13) ? ReqW : 13) + 1;
  localparam integer PtrW  = (MaxOut <= 1) ? 1 : $clog2(MaxOut);
  localparam integer CntW  = $clog2(MaxOut + 1);
  localparam integer MaxOutM1 = MaxOut - 1;
  localparam [PtrW-1:0] LastPtr   = MaxOutM1[PtrW-1:0];
  localparam [SzW-1:0]  BurstLenV = BurstLen[SzW-1:0];
  localparam [2:0]      SizeV     = OffW[2:0];

  generate
    if (DW < 32 || DW > 1024 || (DW & (DW - 1)) != 0 || BurstLen < 1 || BurstLen > 256
        || MaxOut < 1 || AddrW < SzW || ReqW < 1) begin : g_bad_params
      tf_axi_wr_error_bad_parameters u_error ();
    end
  endgenerate

  // ---- splitter ---------------------------------------------------------------------
  reg              act_q;
  reg [AddrW-1:0]  addr_q;
  reg [SzW-1:0]    left_q;
  reg [CntW-1:0]   out_q;       // bursts whose AW was accepted and B not yet received

  wire [12:0]    to4k_b = 13'h1000 - {1'b0, addr_q[11:0]};
  wire [SzW-1:0] to4k_w = {{(SzW-13){1'b0}}, to4k_b >> OffW};
  wire [SzW-1:0] len1   = (left_q < BurstLenV) ? left_q : BurstLenV;
  wire [SzW-1:0] blen   = (len1 < to4k_w) ? len1 : to4k_w;
  wire [SzW-1:0] blen_m1 = blen - 1'b1;
  wire           unused_len = ^blen_m1[SzW-1:8];
  wire           last_b = (blen == left_q);
  wire           room   = (out_q != MaxOut[CntW-1:0]);
  wire           aw_fire = m_axi_awvalid_o && m_axi_awready_i;
  wire           req_fire = req_valid_i && req_ready_o;
  wire           b_fire = m_axi_bvalid_i && m_axi_bready_o;

  assign req_ready_o = !act_q || (aw_fire && last_b);

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      act_q  <= 1'b0;
      addr_q <= {AddrW{1'b0}};
      left_q <= {SzW{1'b0}};
    end else begin
      if (aw_fire) begin
        addr_q <= addr_q + ({{(AddrW-SzW){1'b0}}, blen} << OffW);
        left_q <= left_q - blen;
        if (last_b) begin
          act_q <= 1'b0;
        end
      end
      if (req_fire) begin
        act_q  <= 1'b1;
        addr_q <= req_addr_i;
        left_q <= {{(SzW-ReqW){1'b0}}, req_beats_i};
      end
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      out_q <= {CntW{1'b0}};
    end else if (aw_fire && !b_fire) begin
      out_q <= out_q + 1'b1;
    end else if (b_fire && !aw_fire) begin
      out_q <= out_q - 1'b1;
    end
  end

  assign m_axi_awid_o    = {IdW{1'b0}};
  assign m_axi_awaddr_o  = addr_q;
  assign m_axi_awlen_o   = blen_m1[7:0];
  assign m_axi_awsize_o  = SizeV;
  assign m_axi_awburst_o = 2'b01;
  assign m_axi_awcache_o = 4'b0011;
  assign m_axi_awprot_o  = 3'b000;
  assign m_axi_awvalid_o = act_q && room;

  // ---- bursts issued: their lengths for W, their addresses for B ----------------------
  reg [7:0]       wl_q [0:MaxOut-1];
  reg [AddrW-1:0] ba_q [0:MaxOut-1];
  reg [PtrW-1:0]  wp_q;      // issue pointer (both queues)
  reg [PtrW-1:0]  wr_q;      // W queue head
  reg [PtrW-1:0]  br_q;      // B queue head
  reg [CntW-1:0]  wn_q;      // bursts issued whose data is not yet all sent
  reg [7:0]       wbeat_q;

  wire w_have = (wn_q != {CntW{1'b0}});
  wire w_fire = m_axi_wvalid_o && m_axi_wready_i;
  wire w_end  = w_fire && m_axi_wlast_o;

  always @(posedge clk_i) begin
    if (aw_fire) begin
      wl_q[wp_q] <= blen_m1[7:0];
      ba_q[wp_q] <= addr_q;
    end
  end
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wp_q    <= {PtrW{1'b0}};
      wr_q    <= {PtrW{1'b0}};
      br_q    <= {PtrW{1'b0}};
      wn_q    <= {CntW{1'b0}};
      wbeat_q <= 8'd0;
    end else begin
      if (aw_fire) begin
        wp_q <= (wp_q == LastPtr) ? {PtrW{1'b0}} : wp_q + 1'b1;
      end
      if (aw_fire && !w_end) begin
        wn_q <= wn_q + 1'b1;
      end else if (w_end && !aw_fire) begin
        wn_q <= wn_q - 1'b1;
      end
      if (w_end) begin
        wr_q    <= (wr_q == LastPtr) ? {PtrW{1'b0}} : wr_q + 1'b1;
        wbeat_q <= 8'd0;
      end else if (w_fire) begin
        wbeat_q <= wbeat_q + 1'b1;
      end
      if (b_fire) begin
        br_q <= (br_q == LastPtr) ? {PtrW{1'b0}} : br_q + 1'b1;
      end
    end
  end

  assign m_axi_wdata_o  = wd_data_i;
  assign m_axi_wstrb_o  = wd_strb_i;
  assign m_axi_wlast_o  = (wbeat_q == wl_q[wr_q]);
  assign m_axi_wvalid_o = wd_valid_i && w_have;
  assign wd_ready_o     = m_axi_wready_i && w_have;
  assign m_axi_bready_o = 1'b1;

  // ---- response errors -------------------------------------------------------------
  reg             err_q;
  reg [AddrW-1:0] err_addr_q;
  reg [1:0]       err_resp_q;
  wire            bad = b_fire && m_axi_bresp_i[1];
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      err_q      <= 1'b0;
      err_addr_q <= {AddrW{1'b0}};
      err_resp_q <= 2'b00;
    end else if (err_clr_i) begin
      err_q <= 1'b0;
    end else if (bad && !err_q) begin
      err_q      <= 1'b1;
      err_addr_q <= ba_q[br_q];
      err_resp_q <= m_axi_bresp_i;
    end
  end

  wire unused_bid = ^m_axi_bid_i;

  assign busy_o     = act_q || (out_q != {CntW{1'b0}});
  assign err_beat_o = bad;
  assign err_o      = err_q;
  assign err_addr_o = err_addr_q;
  assign err_resp_o = err_resp_q;

endmodule

`default_nettype wire
