// tf_axi_rd -- AXI4 read master (fixed-text template): turns requests "read N words from
// address A" into INCR bursts on the AR channel and returns the data words in request
// order on d_*.
//
// Requests: req_addr_i must be aligned to a port word (DW/8 bytes), req_beats_i >= 1
// words. A request is split into bursts of at most BurstLen beats that never cross a
// 4 KiB boundary (AXI4, Arm IHI 0022, A3.4.1); every burst is full-width (ARSIZE =
// log2(DW/8)), INCR, with ARID 0, so the slave returns the bursts in order. At most
// MaxOut bursts are outstanding (issued and not yet finished by RLAST).
// Data: d_* carries every R beat unchanged (RREADY = d_ready_i: back-pressure reaches the
// slave), d_last_o marks the last word of a request. A beat whose RRESP is SLVERR or
// DECERR raises err_beat_o for that beat and, if err_o is low, sets err_o and records the
// beat's address (err_addr_o) and response (err_resp_o) until err_clr_i.
// busy_o: a request is being split or a burst is outstanding.
// Handshake: req_* and d_* are valid/ready streams; req_ready_o is high when the splitter
// is idle or finishes its last burst this cycle. Latency: AR one cycle after a request
// at the earliest; the data as the slave returns it.
`default_nettype none

module tf_axi_rd #(
  parameter integer DW       = 128, // data width, bits: 32..512, a power of two
  parameter integer AddrW    = 32,
  parameter integer IdW      = 4,
  parameter integer BurstLen = 16,  // beats per burst, 1..256
  parameter integer MaxOut   = 4,   // outstanding bursts, >= 1
  parameter integer ReqW     = 12   // req_beats_i width
) (
  input  wire              clk_i,
  input  wire              rst_ni,
  input  wire              req_valid_i,
  output wire              req_ready_o,
  input  wire [AddrW-1:0]  req_addr_i,
  input  wire [ReqW-1:0]   req_beats_i,
  output wire              d_valid_o,
  input  wire              d_ready_i,
  output wire [DW-1:0]     d_data_o,
  output wire              d_last_o,
  output wire              busy_o,
  output wire              err_beat_o,
  output wire              err_o,
  output wire [AddrW-1:0]  err_addr_o,
  output wire [1:0]        err_resp_o,
  input  wire              err_clr_i,
  // AXI4 read address and read data channels
  output wire [IdW-1:0]    m_axi_arid_o,
  output wire [AddrW-1:0]  m_axi_araddr_o,
  output wire [7:0]        m_axi_arlen_o,
  output wire [2:0]        m_axi_arsize_o,
  output wire [1:0]        m_axi_arburst_o,
  output wire [3:0]        m_axi_arcache_o,
  output wire [2:0]        m_axi_arprot_o,
  output wire              m_axi_arvalid_o,
  input  wire              m_axi_arready_i,
  input  wire [IdW-1:0]    m_axi_rid_i,
  input  wire [DW-1:0]     m_axi_rdata_i,
  input  wire [1:0]        m_axi_rresp_i,
  input  wire              m_axi_rlast_i,
  input  wire              m_axi_rvalid_i,
  output wire              m_axi_rready_o
);

  localparam integer PB    = DW / 8;
  localparam integer OffW  = (PB <= 1) ? 1 : $clog2(PB);
  localparam integer SzW   = ((ReqW > 13) ? ReqW : 13) + 1; // beat counts and 4 KiB distances
  localparam integer PtrW  = (MaxOut <= 1) ? 1 : $clog2(MaxOut);
  localparam integer CntW  = $clog2(MaxOut + 1);
  localparam [SzW-1:0] BurstLenV = BurstLen[SzW-1:0];
  localparam [2:0]     SizeV     = OffW[2:0];

  generate
    if (DW < 32 || DW > 1024 || (DW & (DW - 1)) != 0 || BurstLen < 1 || BurstLen > 256
        || MaxOut < 1 || AddrW < SzW || ReqW < 1) begin : g_bad_params
      tf_axi_rd_error_bad_parameters u_error ();
    end
  endgenerate

  // ---- splitter: the current request, cut into bursts ------------------------------
  reg              act_q;
  reg [AddrW-1:0]  addr_q;
  reg [SzW-1:0]    left_q;     // words of the request not yet issued
  reg [CntW-1:0]   out_q;      // bursts outstanding

  wire [12:0]    to4k_b = 13'h1000 - {1'b0, addr_q[11:0]};
  wire [SzW-1:0] to4k_w = {{(SzW-13){1'b0}}, to4k_b >> OffW};
  wire [SzW-1:0] len1   = (left_q < BurstLenV) ? left_q : BurstLenV;
  wire [SzW-1:0] blen   = (len1 < to4k_w) ? len1 : to4k_w;
  wire           last_b = (blen == left_q);
  wire           room   = (out_q != MaxOut[CntW-1:0]);
  wire           ar_fire = m_axi_arvalid_o && m_axi_arready_i;
  wire           req_fire = req_valid_i && req_ready_o;
  wire           r_fire = m_axi_rvalid_i && m_axi_rready_o;
  wire           r_done = r_fire && m_axi_rlast_i;

  assign req_ready_o = !act_q || (ar_fire && last_b);

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      act_q  <= 1'b0;
      addr_q <= {AddrW{1'b0}};
      left_q <= {SzW{1'b0}};
    end else begin
      if (ar_fire) begin
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
    end else if (ar_fire && !r_done) begin
      out_q <= out_q + 1'b1;
    end else if (r_done && !ar_fire) begin
      out_q <= out_q - 1'b1;
    end
  end

  wire [SzW-1:0] blen_m1 = blen - 1'b1;
  wire unused_len = ^blen_m1[SzW-1:8];   // blen <= BurstLen <= 256
  assign m_axi_arid_o    = {IdW{1'b0}};
  assign m_axi_araddr_o  = addr_q;
  assign m_axi_arlen_o   = blen_m1[7:0];
  assign m_axi_arsize_o  = SizeV;
  assign m_axi_arburst_o = 2'b01;    // INCR
  assign m_axi_arcache_o = 4'b0011;  // normal, non-cacheable, bufferable
  assign m_axi_arprot_o  = 3'b000;
  assign m_axi_arvalid_o = act_q && room;

  // ---- outstanding bursts: address and "last burst of its request", in issue order --
  reg [AddrW-1:0] fa_q [0:MaxOut-1];
  reg             fl_q [0:MaxOut-1];
  reg [PtrW-1:0]  wp_q;
  reg [PtrW-1:0]  rp_q;
  reg [7:0]       beat_q;       // beat of the head burst
  localparam integer    MaxOutM1 = MaxOut - 1;
  localparam [PtrW-1:0] LastPtr  = MaxOutM1[PtrW-1:0];

  always @(posedge clk_i) begin
    if (ar_fire) begin
      fa_q[wp_q] <= addr_q;
      fl_q[wp_q] <= last_b;
    end
  end
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wp_q   <= {PtrW{1'b0}};
      rp_q   <= {PtrW{1'b0}};
      beat_q <= 8'd0;
    end else begin
      if (ar_fire) begin
        wp_q <= (wp_q == LastPtr) ? {PtrW{1'b0}} : wp_q + 1'b1;
      end
      if (r_done) begin
        rp_q   <= (rp_q == LastPtr) ? {PtrW{1'b0}} : rp_q + 1'b1;
        beat_q <= 8'd0;
      end else if (r_fire) begin
        beat_q <= beat_q + 1'b1;
      end
    end
  end

  // ---- data and response errors ----------------------------------------------------
  reg             err_q;
  reg [AddrW-1:0] err_addr_q;
  reg [1:0]       err_resp_q;
  wire            bad = r_fire && m_axi_rresp_i[1];   // SLVERR (2) or DECERR (3)
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      err_q      <= 1'b0;
      err_addr_q <= {AddrW{1'b0}};
      err_resp_q <= 2'b00;
    end else if (err_clr_i) begin
      err_q <= 1'b0;
    end else if (bad && !err_q) begin
      err_q      <= 1'b1;
      err_addr_q <= fa_q[rp_q] + ({{(AddrW-8){1'b0}}, beat_q} << OffW);
      err_resp_q <= m_axi_rresp_i;
    end
  end

  // The slave answers ARID 0 only; RID carries nothing the master needs.
  wire unused_rid = ^m_axi_rid_i;

  assign m_axi_rready_o = d_ready_i;
  assign d_valid_o      = m_axi_rvalid_i;
  assign d_data_o       = m_axi_rdata_i;
  assign d_last_o       = m_axi_rlast_i && fl_q[rp_q];
  assign busy_o         = act_q || (out_q != {CntW{1'b0}});
  assign err_beat_o     = bad;
  assign err_o          = err_q;
  assign err_addr_o     = err_addr_q;
  assign err_resp_o     = err_resp_q;

endmodule

`default_nettype wire
