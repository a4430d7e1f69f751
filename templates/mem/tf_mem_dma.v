// tf_mem_dma -- DMA engine between an AXI4 port and the GEMM engine's operand buffers
// (fixed-text template; the generator's <name>_sys sets its parameters from the plan).
//
// Descriptors (dsc_*) describe a 2-D strided matrix in memory: rows x cols elements of
// 2^ew bytes, row r at addr + r*stride. Destination dsc_dst_i:
//   DstA0/DstA1/DstB0/DstB1  a load into half 0/1 of the A or B buffer: every element
//       goes to the lane memory that holds it (docs/architecture.md, the memory system):
//       direct (dsc_tr_i = 0): element (r, c) -> lane c mod L, word (c div L)*Stride + r;
//       transposed (dsc_tr_i = 1): element (r, c) -> lane r mod L, word (r div L)*Stride + c,
//       where L is R (A) or C (B) and Stride the buffer's lane-group step. Direct loads cut
//       each row into lane-vectors with a width converter (tf_mem_gbox); transposed loads
//       go through a corner turn: L rows x CW port words in lane memories, two slots, so
//       one slot fills while the other drains column by column.
//   DstMem  a write-back: the result beats on c_* (row c_row_i, columns c_col_i ..
//       c_col_i + C - 1) go to row-major memory, element (m, n) at addr + m*stride +
//       n*2^ew, the low 8*2^ew bits of each lane; lanes at or beyond cols and rows at or
//       beyond rows are not written (WSTRB). The descriptor ends with the beat that has
//       c_last_i, once every write response is in.
//   DstS  (HasSt) a load into the result store S: memory row r (cols elements of the
//       operand's width) goes to row dsc_srow_i + r of S, words 0 .. cols-1, as row writes
//       of C words on sw_* (the width converter cuts each row into C-element vectors;
//       vector v is words v*C .., lanes at or beyond cols masked). Words at or beyond cols
//       and the other rows keep their contents.
//   DstSMem (HasSt) a write-back of S: rows dsc_srow_i .. dsc_srow_i + rows - 1, words
//       0 .. cols-1, to memory as DstMem writes result beats: S row dsc_srow_i + m is
//       memory row m, each OpW-bit word sign-extended, its low 8*2^ew bits written. The
//       DMA reads S C words at a time on sr_* (data on sr_data_i the cycle after a read
//       is accepted) and feeds them to the write-back engine as beats (c_* unused).
//   An S descriptor needs dsc_srow_i + rows <= MMax, cols <= NMax and dsc_tr_i = 0
//   (ErrRange: a GEMM reads S^T directly, so no transposed S transfer is needed); without
//   a store (HasSt = 0) DstS and DstSMem are undefined (ErrDst). The engine accepts sw_*
//   and sr_* only while no GEMM runs (tf_gemm), so an S descriptor waits for a running
//   GEMM; ordering an S load before the GEMM that reads it is the issuer's (its rdone).
// A descriptor that is malformed is refused: it is consumed, moves nothing, and completes
// at once with its error code (ErrZero: rows or cols 0; ErrRange: larger than the
// destination holds, or transposed write-back; ErrAlign: addr, or stride with rows > 1,
// not a multiple of the port word; ErrWidth: element width not the operand's (loads) or
// above 4 bytes (write-back); ErrDst: undefined destination; ErrStride: rows overlap
// (stride below a row's bytes); ErrAddr: the matrix passes the end of the address
// space). A descriptor during which an AXI response was SLVERR or DECERR completes with
// ErrAxi (the data moved as returned); err_o and err_addr_o keep the first such address.
// Loads (DstA*, DstB*, DstS) and write-backs (DstMem, DstSMem) run concurrently (two
// engines): dsc_ready_o is high when the engine the descriptor needs is idle. Each engine
// reports its completions on its own port (rdone_* for loads and refusals of load or
// undefined descriptors, wdone_* for write-backs), a one-cycle pulse with the
// descriptor's id and code (0: done).
// Buffer write port bw_*: two lane-vectors (slots) per cycle: target (0 A, 1 B), half,
// and per slot the word address in the half, the parity of its lane group, LMax elements
// of OpW bits (lanes below R or C used) and a lane mask; slot 1 above slot 0. A direct
// load's slots are lane groups 2p and 2p + 1 of one row (words v*Stride + r, v = 2p,
// 2p + 1), a transposed load's two adjacent columns of one group (words w, w + 1): the
// engine keeps them in different banks (tf_gemm), so both are written in one cycle.
// Counters (cleared by cnt_clr_i): bytes read (R beats x DW/8), bytes written (bytes with
// their WSTRB set), cycles the read and the write side of the port were busy (a burst
// being requested or outstanding).
// Handshake: valid/ready on dsc_*, bw_*, c_*, sw_*, sr_* (its data fixed one cycle after
// the request) and every AXI channel.
`default_nettype none

module tf_mem_dma #(
  parameter integer DW        = 128,
  parameter integer AddrW     = 32,
  parameter integer IdW       = 4,
  parameter integer BurstLen  = 16,
  parameter integer MaxRd     = 4,
  parameter integer MaxWr     = 4,
  parameter integer R         = 8,
  parameter integer C         = 8,
  parameter integer LMax      = 8,     // max(R, C)
  parameter integer OpW       = 8,
  parameter integer EbLog     = 0,     // operand bytes in memory: 2^EbLog (1 or 2)
  parameter integer AccW      = 22,
  parameter integer DimW      = 7,
  parameter integer RowIdxW   = 6,
  parameter integer ColIdxW   = 6,
  parameter integer BwAW      = 9,     // buffer word address (in a half)
  parameter integer AStride   = 64,    // lane-group step of the A buffer
  parameter integer BStride   = 64,
  parameter integer ALaneMax  = 64,    // largest extent along the A lanes (M: OS, K: WS)
  parameter integer AOtherMax = 64,    // largest extent of the other A index (K: OS, M: WS)
  parameter integer BLaneMax  = 64,    // N
  parameter integer BOtherMax = 64,    // K
  parameter integer MMax      = 64,    // write-back rows
  parameter integer NMax      = 64,    // write-back columns
  parameter integer CW        = 16,    // corner turn: words per row per slot
  parameter integer TagW      = 8,
  parameter integer CntW      = 48,
  parameter integer HasSt     = 0,     // the engine has a result store (DstS, DstSMem)
  // interface facts (the params header: MEM_DST_*, MEM_ERR_*)
  parameter integer DstW      = 3,
  parameter [DstW-1:0] DstA0  = 3'd0,
  parameter [DstW-1:0] DstA1  = 3'd1,
  parameter [DstW-1:0] DstB0  = 3'd2,
  parameter [DstW-1:0] DstB1  = 3'd3,
  parameter [DstW-1:0] DstMem = 3'd4,
  parameter [DstW-1:0] DstS   = 3'd5,
  parameter [DstW-1:0] DstSMem = 3'd6,
  parameter integer ErrW      = 3,
  parameter [ErrW-1:0] ErrNone   = 3'd0,
  parameter [ErrW-1:0] ErrZero   = 3'd1,
  parameter [ErrW-1:0] ErrRange  = 3'd2,
  parameter [ErrW-1:0] ErrAlign  = 3'd3,
  parameter [ErrW-1:0] ErrWidth  = 3'd4,
  parameter [ErrW-1:0] ErrDst    = 3'd5,
  parameter [ErrW-1:0] ErrStride = 3'd6,
  parameter [ErrW-1:0] ErrAxi    = 3'd7
) (
  input  wire                clk_i,
  input  wire                rst_ni,
  // descriptors
  input  wire                dsc_valid_i,
  output wire                dsc_ready_o,
  input  wire [AddrW-1:0]    dsc_addr_i,
  input  wire [DimW-1:0]     dsc_rows_i,
  input  wire [DimW-1:0]     dsc_cols_i,
  input  wire [AddrW-1:0]    dsc_stride_i,
  input  wire [1:0]          dsc_ew_i,
  input  wire [DstW-1:0]     dsc_dst_i,
  input  wire                dsc_tr_i,
  input  wire [TagW-1:0]     dsc_id_i,
  input  wire [DimW-1:0]     dsc_srow_i,   // DstS, DstSMem: first row of S
  // completions
  output wire                rdone_valid_o,
  output wire [TagW-1:0]     rdone_id_o,
  output wire [ErrW-1:0]     rdone_code_o,
  output wire                wdone_valid_o,
  output wire [TagW-1:0]     wdone_id_o,
  output wire [ErrW-1:0]     wdone_code_o,
  // buffer write port
  output wire                bw_valid_o,
  input  wire                bw_ready_i,
  output wire                bw_tgt_o,
  output wire                bw_half_o,
  output wire [2*BwAW-1:0]     bw_addr_o,
  output wire [1:0]            bw_gpar_o,
  output wire [2*LMax*OpW-1:0] bw_data_o,
  output wire [2*LMax-1:0]     bw_mask_o,
  // result beats
  input  wire                c_valid_i,
  output wire                c_ready_o,
  input  wire [C*AccW-1:0]   c_data_i,
  input  wire [RowIdxW-1:0]  c_row_i,
  input  wire [ColIdxW-1:0]  c_col_i,
  input  wire                c_last_i,
  // result store: row writes (DstS) and row reads (DstSMem) of C words
  output wire                sw_valid_o,
  input  wire                sw_ready_i,
  output wire [RowIdxW-1:0]  sw_row_o,
  output wire [ColIdxW-1:0]  sw_col_o,
  output wire [C*OpW-1:0]    sw_data_o,
  output wire [C-1:0]        sw_mask_o,
  output wire                sr_valid_o,
  input  wire                sr_ready_i,
  output wire [RowIdxW-1:0]  sr_row_o,
  output wire [ColIdxW-1:0]  sr_tile_o,
  input  wire [C*OpW-1:0]    sr_data_i,
  // status
  output wire                rd_busy_o,
  output wire                wr_busy_o,
  output wire                err_o,
  output wire                err_wr_o,
  output wire [AddrW-1:0]    err_addr_o,
  output wire [1:0]          err_resp_o,
  input  wire                err_clr_i,
  output wire [CntW-1:0]     cnt_rd_bytes_o,
  output wire [CntW-1:0]     cnt_wr_bytes_o,
  output wire [CntW-1:0]     cnt_rd_busy_o,
  output wire [CntW-1:0]     cnt_wr_busy_o,
  input  wire                cnt_clr_i,
  // AXI4 master
  output wire [IdW-1:0]      m_axi_arid_o,
  output wire [AddrW-1:0]    m_axi_araddr_o,
  output wire [7:0]          m_axi_arlen_o,
  output wire [2:0]          m_axi_arsize_o,
  output wire [1:0]          m_axi_arburst_o,
  output wire [3:0]          m_axi_arcache_o,
  output wire [2:0]          m_axi_arprot_o,
  output wire                m_axi_arvalid_o,
  input  wire                m_axi_arready_i,
  input  wire [IdW-1:0]      m_axi_rid_i,
  input  wire [DW-1:0]       m_axi_rdata_i,
  input  wire [1:0]          m_axi_rresp_i,
  input  wire                m_axi_rlast_i,
  input  wire                m_axi_rvalid_i,
  output wire                m_axi_rready_o,
  output wire [IdW-1:0]      m_axi_awid_o,
  output wire [AddrW-1:0]    m_axi_awaddr_o,
  output wire [7:0]          m_axi_awlen_o,
  output wire [2:0]          m_axi_awsize_o,
  output wire [1:0]          m_axi_awburst_o,
  output wire [3:0]          m_axi_awcache_o,
  output wire [2:0]          m_axi_awprot_o,
  output wire                m_axi_awvalid_o,
  input  wire                m_axi_awready_i,
  output wire [DW-1:0]       m_axi_wdata_o,
  output wire [DW/8-1:0]     m_axi_wstrb_o,
  output wire                m_axi_wlast_o,
  output wire                m_axi_wvalid_o,
  input  wire                m_axi_wready_i,
  input  wire [IdW-1:0]      m_axi_bid_i,
  input  wire [1:0]          m_axi_bresp_i,
  input  wire                m_axi_bvalid_i,
  output wire                m_axi_bready_o
);

  localparam integer PB    = DW / 8;
  localparam integer OffW  = $clog2(PB);
  localparam integer EB    = 1 << EbLog;
  localparam integer EW    = 8 * EB;
  localparam integer EPW   = PB / EB;           // operand elements per port word
  localparam integer EpwLg = $clog2(EPW);
  localparam integer ReqW  = DimW + 2;          // words of one request
  localparam integer GL    = 2 * LMax;            // the width converter's vector: two slots
  localparam integer NW    = $clog2(EPW + GL + 1);
  localparam integer LW    = $clog2(LMax + 1);
  localparam integer GLW   = $clog2(GL + 1);
  localparam integer CtAW  = $clog2(2 * CW);
  localparam integer JW    = $clog2(CW * EPW + 1);
  localparam integer CwLg  = $clog2(CW);
  localparam integer WbB   = 4 * C;             // write-back bytes of a beat, at most
  localparam integer SvB   = WbB + PB;          // shifted beat, bytes
  localparam integer WbNW  = (SvB + PB - 1) / PB;
  localparam integer MulW  = AddrW + DimW;

  generate
    if (LMax < R || LMax < C || EbLog < 0 || EbLog > 1 || OpW > EW || PB < EB
        || (1 << CwLg) != CW || CW < 2 || CW > 256 || AccW < 8 || ReqW > AddrW
        || (1 << ReqW) <= WbNW || (HasSt != 0 && HasSt != 1) || AccW < OpW
        || RowIdxW > 31 || ColIdxW > 31) begin : g_bad_params
      tf_mem_dma_error_bad_parameters u_error ();
    end
  endgenerate

  // ---------------------------------------------------------------------------------
  // Descriptor check
  // ---------------------------------------------------------------------------------
  wire is_sld  = (HasSt != 0) && (dsc_dst_i == DstS);
  wire is_swb  = (HasSt != 0) && (dsc_dst_i == DstSMem);
  wire is_ld   = (dsc_dst_i == DstA0) || (dsc_dst_i == DstA1) || (dsc_dst_i == DstB0)
               || (dsc_dst_i == DstB1) || is_sld;
  wire is_wb   = (dsc_dst_i == DstMem) || is_swb;
  wire d_tgtb  = (dsc_dst_i == DstB0) || (dsc_dst_i == DstB1);
  wire d_half  = (dsc_dst_i == DstA1) || (dsc_dst_i == DstB1);
  wire [DimW:0] rows_x = {1'b0, dsc_rows_i};
  wire [DimW:0] cols_x = {1'b0, dsc_cols_i};
  localparam [DimW:0] ALaneV = ALaneMax[DimW:0];
  localparam [DimW:0] AOthV  = AOtherMax[DimW:0];
  localparam [DimW:0] BLaneV = BLaneMax[DimW:0];
  localparam [DimW:0] BOthV  = BOtherMax[DimW:0];
  localparam [DimW:0] MMaxV  = MMax[DimW:0];
  localparam [DimW:0] NMaxV  = NMax[DimW:0];
  wire [DimW:0] lane_max  = d_tgtb ? BLaneV : ALaneV;
  wire [DimW:0] other_max = d_tgtb ? BOthV : AOthV;
  wire zero    = (dsc_rows_i == {DimW{1'b0}}) || (dsc_cols_i == {DimW{1'b0}});
  wire rng_ld  = dsc_tr_i ? (rows_x > lane_max || cols_x > other_max)
                          : (rows_x > other_max || cols_x > lane_max);
  wire rng_wb  = dsc_tr_i || rows_x > MMaxV || cols_x > NMaxV;
  // S: rows srow .. srow + rows - 1 of MMax, words 0 .. cols - 1 of NMax, not transposed
  wire [DimW+1:0] s_end = {2'b00, dsc_srow_i} + {1'b0, rows_x};
  wire rng_s   = dsc_tr_i || s_end > {1'b0, MMaxV} || cols_x > NMaxV;
  wire rng     = (is_sld || is_swb) ? rng_s : (is_ld ? rng_ld : rng_wb);
  wire width_bad = is_ld ? (dsc_ew_i != EbLog[1:0]) : (dsc_ew_i == 2'd3);
  wire multi   = (dsc_rows_i > {{(DimW-1){1'b0}}, 1'b1});
  wire align_bad = (dsc_addr_i[OffW-1:0] != {OffW{1'b0}})
                 || (multi && dsc_stride_i[OffW-1:0] != {OffW{1'b0}});
  wire [AddrW:0] row_bytes = {{(AddrW+1-DimW){1'b0}}, dsc_cols_i} << dsc_ew_i;
  wire stride_bad = multi && ({1'b0, dsc_stride_i} < row_bytes);
  // last byte + 1 of the matrix: addr + (rows-1)*stride + row bytes, in MulW+1 bits
  wire [DimW-1:0] rows_m1 = dsc_rows_i - 1'b1;
  wire [MulW-1:0] span = {{AddrW{1'b0}}, rows_m1} * {{DimW{1'b0}}, dsc_stride_i};
  wire [MulW:0]   end_x = {1'b0, {(MulW-AddrW){1'b0}}, dsc_addr_i} + {1'b0, span}
                        + {{(MulW-AddrW){1'b0}}, row_bytes};
  wire addr_bad = (end_x > ({{(MulW-AddrW){1'b0}}, 1'b1, {AddrW{1'b0}}}));
  reg [ErrW-1:0] chk;
  always @* begin
    chk = ErrNone;
    if (!is_ld && !is_wb)           chk = ErrDst;
    else if (zero)                  chk = ErrZero;
    else if (rng)                   chk = ErrRange;
    else if (width_bad)             chk = ErrWidth;
    else if (align_bad)             chk = ErrAlign;
    else if (stride_bad)            chk = ErrStride;
    else if (addr_bad)              chk = ErrStride;
  end
  // ErrStride covers both: rows that overlap, and a matrix past the address space.

  reg  rd_act_q;
  reg  wr_act_q;
  assign dsc_ready_o = is_wb ? !wr_act_q : !rd_act_q;
  wire dsc_fire = dsc_valid_i && dsc_ready_o;
  wire d_ok     = (chk == ErrNone);
  wire ld_go    = dsc_fire && d_ok && is_ld;
  wire wb_go    = dsc_fire && d_ok && is_wb;

  // ---------------------------------------------------------------------------------
  // AXI masters
  // ---------------------------------------------------------------------------------
  wire              rq_valid;
  wire              rq_ready;
  wire [AddrW-1:0]  rq_addr;
  wire [ReqW-1:0]   rq_beats;
  wire              rd_valid;
  wire              rd_ready;
  wire [DW-1:0]     rd_data;
  wire              rd_last;
  wire              rm_busy;
  wire              rm_errb;
  wire              rm_err;
  wire [AddrW-1:0]  rm_err_addr;
  wire [1:0]        rm_err_resp;

  tf_axi_rd #(
    .DW (DW), .AddrW (AddrW), .IdW (IdW), .BurstLen (BurstLen), .MaxOut (MaxRd), .ReqW (ReqW)
  ) u_rd (
    .clk_i (clk_i), .rst_ni (rst_ni),
    .req_valid_i (rq_valid), .req_ready_o (rq_ready), .req_addr_i (rq_addr), .req_beats_i (rq_beats),
    .d_valid_o (rd_valid), .d_ready_i (rd_ready), .d_data_o (rd_data), .d_last_o (rd_last),
    .busy_o (rm_busy), .err_beat_o (rm_errb), .err_o (rm_err), .err_addr_o (rm_err_addr),
    .err_resp_o (rm_err_resp), .err_clr_i (err_clr_i),
    .m_axi_arid_o (m_axi_arid_o), .m_axi_araddr_o (m_axi_araddr_o), .m_axi_arlen_o (m_axi_arlen_o),
    .m_axi_arsize_o (m_axi_arsize_o), .m_axi_arburst_o (m_axi_arburst_o),
    .m_axi_arcache_o (m_axi_arcache_o), .m_axi_arprot_o (m_axi_arprot_o),
    .m_axi_arvalid_o (m_axi_arvalid_o), .m_axi_arready_i (m_axi_arready_i),
    .m_axi_rid_i (m_axi_rid_i), .m_axi_rdata_i (m_axi_rdata_i), .m_axi_rresp_i (m_axi_rresp_i),
    .m_axi_rlast_i (m_axi_rlast_i), .m_axi_rvalid_i (m_axi_rvalid_i), .m_axi_rready_o (m_axi_rready_o)
  );

  wire              wq_valid;
  wire              wq_ready;
  wire [AddrW-1:0]  wq_addr;
  wire [ReqW-1:0]   wq_beats;
  wire              wd_valid;
  wire              wd_ready;
  wire [DW-1:0]     wd_data;
  wire [PB-1:0]     wd_strb;
  wire              wm_busy;
  wire              wm_errb;
  wire              wm_err;
  wire [AddrW-1:0]  wm_err_addr;
  wire [1:0]        wm_err_resp;

  tf_axi_wr #(
    .DW (DW), .AddrW (AddrW), .IdW (IdW), .BurstLen (BurstLen), .MaxOut (MaxWr), .ReqW (ReqW)
  ) u_wr (
    .clk_i (clk_i), .rst_ni (rst_ni),
    .req_valid_i (wq_valid), .req_ready_o (wq_ready), .req_addr_i (wq_addr), .req_beats_i (wq_beats),
    .wd_valid_i (wd_valid), .wd_ready_o (wd_ready), .wd_data_i (wd_data), .wd_strb_i (wd_strb),
    .busy_o (wm_busy), .err_beat_o (wm_errb), .err_o (wm_err), .err_addr_o (wm_err_addr),
    .err_resp_o (wm_err_resp), .err_clr_i (err_clr_i),
    .m_axi_awid_o (m_axi_awid_o), .m_axi_awaddr_o (m_axi_awaddr_o), .m_axi_awlen_o (m_axi_awlen_o),
    .m_axi_awsize_o (m_axi_awsize_o), .m_axi_awburst_o (m_axi_awburst_o),
    .m_axi_awcache_o (m_axi_awcache_o), .m_axi_awprot_o (m_axi_awprot_o),
    .m_axi_awvalid_o (m_axi_awvalid_o), .m_axi_awready_i (m_axi_awready_i),
    .m_axi_wdata_o (m_axi_wdata_o), .m_axi_wstrb_o (m_axi_wstrb_o), .m_axi_wlast_o (m_axi_wlast_o),
    .m_axi_wvalid_o (m_axi_wvalid_o), .m_axi_wready_i (m_axi_wready_i),
    .m_axi_bid_i (m_axi_bid_i), .m_axi_bresp_i (m_axi_bresp_i), .m_axi_bvalid_i (m_axi_bvalid_i),
    .m_axi_bready_o (m_axi_bready_o)
  );

  // ---------------------------------------------------------------------------------
  // Load engine: the descriptor, request issue, direct path, corner turn
  // ---------------------------------------------------------------------------------
  reg  [AddrW-1:0] l_addr_q;      // address of the next row request
  reg  [AddrW-1:0] l_stride_q;
  reg  [DimW-1:0]  l_rows_q;
  reg  [DimW-1:0]  l_cols_q;
  reg              l_tr_q;
  reg              l_tgtb_q;
  reg              l_half_q;
  reg  [TagW-1:0]  l_id_q;
  reg              l_err_q;       // an AXI error during this descriptor
  reg  [ReqW-1:0]  l_wpr_q;       // words per row
  reg  [NW-1:0]    l_lastn_q;     // elements in a row's last word
  reg  [LW-1:0]    l_lanes_q;     // R or C
  reg  [GLW-1:0]   l_glanes_q;    // elements per width-converter vector: 2R or 2C; C for DstS
  reg  [BwAW-1:0]  l_gstep_q;     // lane-group step of the target buffer
  reg              l_s_q;         // DstS: the rows go to the result store
  reg  [DimW-1:0]  l_srow_q;      // DstS: S row of memory row 0

  localparam [LW-1:0]   RLanes  = R[LW-1:0];
  localparam [LW-1:0]   CLanes  = C[LW-1:0];
  localparam [BwAW-1:0] AStepV  = AStride[BwAW-1:0];
  localparam [BwAW-1:0] BStepV  = BStride[BwAW-1:0];
  localparam [NW-1:0]   EpwN    = EPW[NW-1:0];
  localparam integer    R2      = 2 * R;
  localparam integer    C2      = 2 * C;
  localparam [GLW-1:0]  R2Gl    = R2[GLW-1:0];
  localparam [GLW-1:0]  C2Gl    = C2[GLW-1:0];
  localparam [GLW-1:0]  CGl     = C[GLW-1:0];

  wire [31:0]     bytes_d  = {{(32-DimW){1'b0}}, dsc_cols_i} << EbLog;
  wire [31:0]     wpr_d    = (bytes_d + PB - 1) >> OffW;
  wire [DimW-1:0] cols_m1  = dsc_cols_i - 1'b1;
  wire unused_wpr = ^{wpr_d[31:ReqW], cols_m1};
  wire [NW-1:0]   lastn_d  = {{(NW > EpwLg ? NW - EpwLg : 1){1'b0}}, cols_m1[EpwLg-1:0]} + 1'b1;

  wire bw_fire = bw_valid_o && bw_ready_i;
  wire bw_final;                  // the lane-vector on bw_* is the descriptor's last
  wire sw_fire = sw_valid_o && sw_ready_i;
  wire d_final;                   // the vector of the width converter is the descriptor's last
  wire ld_done = rd_act_q && ((bw_fire && bw_final) || (sw_fire && d_final));

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_act_q   <= 1'b0;
      l_stride_q <= {AddrW{1'b0}};
      l_rows_q   <= {DimW{1'b0}};
      l_cols_q   <= {DimW{1'b0}};
      l_tr_q     <= 1'b0;
      l_tgtb_q   <= 1'b0;
      l_half_q   <= 1'b0;
      l_id_q     <= {TagW{1'b0}};
      l_err_q    <= 1'b0;
      l_wpr_q    <= {ReqW{1'b0}};
      l_lastn_q  <= {NW{1'b0}};
      l_lanes_q  <= {LW{1'b0}};
      l_glanes_q <= {GLW{1'b0}};
      l_gstep_q  <= {BwAW{1'b0}};
      l_s_q      <= 1'b0;
      l_srow_q   <= {DimW{1'b0}};
    end else begin
      if (ld_go) begin
        rd_act_q   <= 1'b1;
        l_stride_q <= dsc_stride_i;
        l_rows_q   <= dsc_rows_i;
        l_cols_q   <= dsc_cols_i;
        l_tr_q     <= dsc_tr_i;
        l_tgtb_q   <= d_tgtb;
        l_half_q   <= d_half;
        l_id_q     <= dsc_id_i;
        l_err_q    <= 1'b0;
        l_wpr_q    <= wpr_d[ReqW-1:0];
        l_lastn_q  <= lastn_d;
        l_lanes_q  <= (d_tgtb || is_sld) ? CLanes : RLanes;
        l_glanes_q <= is_sld ? CGl : (d_tgtb ? C2Gl : R2Gl);
        l_gstep_q  <= d_tgtb ? BStepV : AStepV;
        l_s_q      <= is_sld;
        l_srow_q   <= dsc_srow_i;
      end else begin
        if (ld_done) begin
          rd_act_q <= 1'b0;
        end
        if (rd_act_q && rm_errb) begin
          l_err_q <= 1'b1;
        end
      end
    end
  end

  // ---- request issue ---------------------------------------------------------------
  // Direct: one request per row, the whole row. Transposed: per group of L rows and
  // chunk of CW words, one request per row of the group, once a corner-turn slot is free.
  reg              iss_act_q;     // requests left to issue
  reg  [DimW-1:0]  iss_row_q;     // direct: rows issued; transposed: row within the group
  reg  [AddrW-1:0] grp_addr_q;    // transposed: address of the group's first row
  reg  [DimW-1:0]  grp_left_q;    // transposed: rows from the group's first to the end
  reg  [ReqW-1:0]  chk_w0_q;      // transposed: first word of the chunk
  reg  [BwAW-1:0]  grp_dst_q;     // transposed: g * Stride
  reg              grp_gp_q;      // transposed: g's parity
  wire [DimW-1:0]  grp_rows  = (grp_left_q < {{(DimW-LW){1'b0}}, l_lanes_q}) ? grp_left_q
                                                                              : {{(DimW-LW){1'b0}}, l_lanes_q};
  wire [ReqW-1:0]  chk_left  = l_wpr_q - chk_w0_q;
  localparam [ReqW-1:0] CwV = CW[ReqW-1:0];
  wire [ReqW-1:0]  chk_nw    = (chk_left < CwV) ? chk_left : CwV;
  wire             chk_lastc = (chk_left <= CwV);            // last chunk of the group
  wire             grp_lastg = (grp_left_q <= {{(DimW-LW){1'b0}}, l_lanes_q});

  // corner-turn slots: 0 free, 1 reserved (filling or full)
  reg  [1:0]       sl_busy_q;
  reg  [1:0]       sl_full_q;
  reg              iptr_q, fptr_q, dptr_q;
  reg  [DimW-1:0]  sl_rows_q [0:1];
  reg  [JW-1:0]    sl_cols_q [0:1];
  reg  [BwAW-1:0]  sl_dst_q  [0:1];
  reg              sl_fin_q  [0:1];
  reg              sl_gp_q   [0:1];

  wire slot_free = !sl_busy_q[iptr_q];
  wire iss_ok    = iss_act_q && (!l_tr_q || iss_row_q != {DimW{1'b0}} || slot_free);
  assign rq_valid = iss_ok;
  assign rq_addr  = l_tr_q ? l_addr_q + ({{(AddrW-ReqW){1'b0}}, chk_w0_q} << OffW) : l_addr_q;
  assign rq_beats = l_tr_q ? chk_nw : l_wpr_q;
  wire rq_fire    = rq_valid && rq_ready;
  wire chunk_start = rq_fire && l_tr_q && (iss_row_q == {DimW{1'b0}});
  wire chunk_end   = rq_fire && l_tr_q && (iss_row_q == grp_rows - 1'b1);

  // columns of this chunk: min(CW*EPW, cols - w0*EPW), in CkW bits (holds both)
  localparam integer CkW = (JW > DimW + 2) ? JW : DimW + 2;
  wire [DimW+1:0]  col0_x    = {2'b00, chk_w0_q[DimW-1:0]} << EpwLg;
  wire [CkW-1:0]   cols_left = {{(CkW-DimW){1'b0}}, l_cols_q} - {{(CkW-DimW-2){1'b0}}, col0_x};
  localparam integer ChkCols = CW * EPW;
  localparam [CkW-1:0] ChkColsV = ChkCols[CkW-1:0];
  wire [CkW-1:0]   chk_cols  = (cols_left < ChkColsV) ? cols_left : ChkColsV;
  wire unused_chk = ^chk_cols;   // only its low JW bits are kept (<= CW*EPW)

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      iss_act_q  <= 1'b0;
      iss_row_q  <= {DimW{1'b0}};
      l_addr_q   <= {AddrW{1'b0}};
      grp_addr_q <= {AddrW{1'b0}};
      grp_left_q <= {DimW{1'b0}};
      chk_w0_q   <= {ReqW{1'b0}};
      grp_dst_q  <= {BwAW{1'b0}};
      grp_gp_q   <= 1'b0;
    end else if (ld_go) begin
      iss_act_q  <= 1'b1;
      iss_row_q  <= {DimW{1'b0}};
      l_addr_q   <= dsc_addr_i;
      grp_addr_q <= dsc_addr_i;
      grp_left_q <= dsc_rows_i;
      chk_w0_q   <= {ReqW{1'b0}};
      grp_dst_q  <= {BwAW{1'b0}};
      grp_gp_q   <= 1'b0;
    end else if (rq_fire) begin
      if (!l_tr_q) begin
        l_addr_q  <= l_addr_q + l_stride_q;
        iss_row_q <= iss_row_q + 1'b1;
        if (iss_row_q == l_rows_q - 1'b1) begin
          iss_act_q <= 1'b0;
        end
      end else if (!chunk_end) begin
        l_addr_q  <= l_addr_q + l_stride_q;
        iss_row_q <= iss_row_q + 1'b1;
      end else begin
        iss_row_q <= {DimW{1'b0}};
        if (!chk_lastc) begin
          // next chunk of the same group
          chk_w0_q <= chk_w0_q + CwV;
          l_addr_q <= grp_addr_q;
        end else begin
          // next group: its first row follows the last row of this one
          chk_w0_q   <= {ReqW{1'b0}};
          l_addr_q   <= l_addr_q + l_stride_q;
          grp_addr_q <= l_addr_q + l_stride_q;
          grp_left_q <= grp_left_q - grp_rows;
          grp_dst_q  <= grp_dst_q + l_gstep_q;
          grp_gp_q   <= !grp_gp_q;
          if (grp_lastg) begin
            iss_act_q <= 1'b0;
          end
        end
      end
    end
  end

  // ---- direct path: width converter -------------------------------------------------
  wire              gb_in_valid = rd_act_q && !l_tr_q && rd_valid;
  wire              gb_in_ready;
  wire              gb_valid;
  wire              gb_ready;
  wire [GL*EW-1:0]  gb_data;
  wire [NW-1:0]     gb_n;
  wire              gb_last;

  tf_mem_gbox #(
    .EW (EW), .EPW (EPW), .LMax (GL), .NW (NW), .LW (GLW)
  ) u_gbox (
    .clk_i (clk_i), .rst_ni (rst_ni), .lanes_i (l_glanes_q),
    .in_valid_i (gb_in_valid), .in_ready_o (gb_in_ready), .in_data_i (rd_data),
    .in_n_i (rd_last ? l_lastn_q : EpwN), .in_last_i (rd_last),
    .out_valid_o (gb_valid), .out_ready_i (gb_ready), .out_data_o (gb_data), .out_n_o (gb_n),
    .out_last_o (gb_last)
  );

  // lane-vectors v = 2p (slot 0) and 2p + 1 (slot 1) of row r go to words v*Stride + r
  reg  [BwAW-1:0] dv_addr_q;
  reg  [BwAW-1:0] dv_row_q;       // r (as a word address)
  reg  [DimW-1:0] dv_rows_q;      // rows finished
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      dv_addr_q <= {BwAW{1'b0}};
      dv_row_q  <= {BwAW{1'b0}};
      dv_rows_q <= {DimW{1'b0}};
    end else if (ld_go) begin
      dv_addr_q <= {BwAW{1'b0}};
      dv_row_q  <= {BwAW{1'b0}};
      dv_rows_q <= {DimW{1'b0}};
    end else if (gb_valid && gb_ready) begin
      if (gb_last) begin
        dv_row_q  <= dv_row_q + 1'b1;
        dv_addr_q <= dv_row_q + 1'b1;
        dv_rows_q <= dv_rows_q + 1'b1;
      end else begin
        dv_addr_q <= dv_addr_q + (l_gstep_q << 1);
      end
    end
  end
  assign d_final = gb_last && (dv_rows_q == l_rows_q - 1'b1);

  // ---- transposed path: corner turn ---------------------------------------------------
  // fill: R beats of the reserved slots, in issue order: row fi of the chunk, word fw
  reg  [DimW-1:0]   fi_q;
  reg  [CwLg:0]     fw_q;
  wire              ct_we = rd_act_q && l_tr_q && rd_valid;   // the corner turn never stalls R
  wire              fill_end = ct_we && rd_last && (fi_q == sl_rows_q[fptr_q] - 1'b1);
  // drain: columns j and j + 1 of slot dptr (j even, so both are in one word of every
  // lane memory, EPW being even), read from every lane memory, one cycle to bw_*
  reg  [JW-1:0]     dj_q;
  wire              dr_act  = l_tr_q && sl_full_q[dptr_q];
  wire              t_en;                        // the drain stage advances
  wire              dr_fire = dr_act && t_en;
  localparam [JW:0] TwoJ    = 2;
  wire [JW:0]       dj_n2   = {1'b0, dj_q} + TwoJ;
  wire              dj_lst  = (dj_n2 >= {1'b0, sl_cols_q[dptr_q]});   // the slot's last pair
  wire              dj_two  = (dj_n2 <= {1'b0, sl_cols_q[dptr_q]});   // j + 1 is a column
  wire              dr_end  = dr_fire && dj_lst;

  always @(posedge clk_i) begin
    if (chunk_start) begin
      sl_rows_q[iptr_q] <= grp_rows;
      sl_cols_q[iptr_q] <= chk_cols[JW-1:0];
      sl_dst_q[iptr_q]  <= grp_dst_q + {{(BwAW > DimW+2 ? BwAW-DimW-2 : 0){1'b0}}, col0_x[(BwAW < DimW+2 ? BwAW : DimW+2)-1:0]};
      sl_fin_q[iptr_q]  <= chk_lastc && grp_lastg;
      sl_gp_q[iptr_q]   <= grp_gp_q;
    end
  end
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sl_busy_q <= 2'b00;
      sl_full_q <= 2'b00;
      iptr_q    <= 1'b0;
      fptr_q    <= 1'b0;
      dptr_q    <= 1'b0;
      fi_q      <= {DimW{1'b0}};
      fw_q      <= {(CwLg+1){1'b0}};
      dj_q      <= {JW{1'b0}};
    end else if (ld_go) begin
      sl_busy_q <= 2'b00;
      sl_full_q <= 2'b00;
      iptr_q    <= 1'b0;
      fptr_q    <= 1'b0;
      dptr_q    <= 1'b0;
      fi_q      <= {DimW{1'b0}};
      fw_q      <= {(CwLg+1){1'b0}};
      dj_q      <= {JW{1'b0}};
    end else begin
      if (chunk_start) begin
        sl_busy_q[iptr_q] <= 1'b1;
      end
      if (chunk_end) begin
        iptr_q <= !iptr_q;
      end
      if (ct_we) begin
        if (rd_last) begin
          fw_q <= {(CwLg+1){1'b0}};
          fi_q <= fill_end ? {DimW{1'b0}} : fi_q + 1'b1;
        end else begin
          fw_q <= fw_q + 1'b1;
        end
      end
      if (fill_end) begin
        sl_full_q[fptr_q] <= 1'b1;
        fptr_q <= !fptr_q;
      end
      if (dr_fire) begin
        dj_q <= dr_end ? {JW{1'b0}} : dj_n2[JW-1:0];
      end
      if (dr_end) begin
        sl_full_q[dptr_q] <= 1'b0;
        sl_busy_q[dptr_q] <= 1'b0;
        dptr_q <= !dptr_q;
      end
    end
  end

  // lane memories of the corner turn: lane i holds row i of the chunk, slot s at s*CW
  wire [CtAW-1:0] ct_waddr = {fptr_q, fw_q[CwLg-1:0]};
  wire [JW-1:0]   dj_word  = dj_q >> EpwLg;
  wire [CtAW-1:0] ct_raddr = {dptr_q, dj_word[CwLg-1:0]};
  wire            unused_ct = ^{fw_q[CwLg], dj_word};
  wire [LMax*DW-1:0] ct_rdata;
  genvar gl;
  generate
    for (gl = 0; gl < LMax; gl = gl + 1) begin : g_ct
      tf_ram_1r1w #(
        .Width (DW),
        .Depth (2 * CW),
        .AddrW (CtAW)
      ) u_ram (
        .clk_i   (clk_i),
        .we_i    (ct_we && (fi_q == gl[DimW-1:0])),
        .waddr_i (ct_waddr),
        .wdata_i (rd_data),
        .re_i    (t_en),
        .raddr_i (ct_raddr),
        .rdata_o (ct_rdata[gl*DW +: DW])
      );
    end
  endgenerate

  // drain stage: the column pair read last cycle, with its address, first element, lanes,
  // whether column j + 1 exists, and the group's parity
  reg             tv_q;
  reg [BwAW-1:0]  ta_q;
  reg [EpwLg:0]   te_q;
  reg [DimW-1:0]  tr_q;
  reg             tf_q;
  reg             t2_q;
  reg             tg_q;
  assign t_en = !tv_q || bw_ready_i;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      tv_q <= 1'b0;
      ta_q <= {BwAW{1'b0}};
      te_q <= {(EpwLg+1){1'b0}};
      tr_q <= {DimW{1'b0}};
      tf_q <= 1'b0;
      t2_q <= 1'b0;
      tg_q <= 1'b0;
    end else if (t_en) begin
      tv_q <= rd_act_q && dr_act;
      ta_q <= sl_dst_q[dptr_q] + {{(BwAW > JW ? BwAW-JW : 0){1'b0}}, dj_q[(BwAW < JW ? BwAW : JW)-1:0]};
      te_q <= {1'b0, dj_q[EpwLg-1:0]};
      tr_q <= sl_rows_q[dptr_q];
      tf_q <= sl_fin_q[dptr_q] && dj_lst;
      t2_q <= dj_two;
      tg_q <= sl_gp_q[dptr_q];
    end
  end
  wire [2*LMax*EW-1:0] t_data;        // column j in slot 0, j + 1 in slot 1
  wire [LMax-1:0]      t_mask;
  generate
    for (gl = 0; gl < LMax; gl = gl + 1) begin : g_tsel
      wire [DW-1:0] word = ct_rdata[gl*DW +: DW] >> (te_q * EW);
      assign t_data[gl*EW +: EW]          = word[EW-1:0];
      assign t_data[(LMax + gl)*EW +: EW] = word[2*EW-1:EW];
      assign t_mask[gl] = (tr_q > gl[DimW-1:0]);
      if (DW > 2 * EW) begin : g_rest
        wire unused_word = ^word[DW-1:2*EW];
      end
    end
  endgenerate
  wire unused_te = te_q[EpwLg];

  // ---- buffer write port ---------------------------------------------------------------
  // direct: the converter's vector of 2L elements is slot 0 (elements 0 .. L-1) and slot 1
  // (L .. 2L-1), L = l_lanes_q; d_mask is slot 0's lanes (also the DstS row write's)
  wire [LMax-1:0] d_mask;
  wire [LMax-1:0] d_mask1;
  wire [NW-1:0]   d_lanes = {{(NW-LW){1'b0}}, l_lanes_q};
  generate
    for (gl = 0; gl < LMax; gl = gl + 1) begin : g_dmask
      assign d_mask[gl]  = (gb_n > gl[NW-1:0]) && (d_lanes > gl[NW-1:0]);
      assign d_mask1[gl] = (gb_n > d_lanes + gl[NW-1:0]);
    end
  endgenerate
  wire [LMax*EW-1:0] gb_hi = l_tgtb_q ? gb_data[C*EW +: LMax*EW] : gb_data[R*EW +: LMax*EW];
  assign gb_ready = l_s_q ? sw_ready_i : bw_ready_i;
  wire [2*LMax*EW-1:0] bw_e = l_tr_q ? t_data : {gb_hi, gb_data[LMax*EW-1:0]};
  wire [2*LMax-1:0]    bw_m = l_tr_q ? {t_mask & {LMax{t2_q}}, t_mask} : {d_mask1, d_mask};
  generate
    for (gl = 0; gl < 2 * LMax; gl = gl + 1) begin : g_bw
      assign bw_data_o[gl*OpW +: OpW] = bw_m[gl] ? bw_e[gl*EW +: OpW] : {OpW{1'b0}};
      if (EW > OpW) begin : g_hi
        wire unused_hi = ^bw_e[gl*EW+OpW +: EW-OpW];
      end
    end
  endgenerate
  wire [BwAW-1:0] bw_a0 = l_tr_q ? ta_q : dv_addr_q;
  wire [BwAW-1:0] bw_a1 = l_tr_q ? ta_q + 1'b1 : dv_addr_q + l_gstep_q;
  assign bw_valid_o = l_tr_q ? tv_q : (rd_act_q && !l_s_q && gb_valid);
  assign bw_tgt_o   = l_tgtb_q;
  assign bw_half_o  = l_half_q;
  assign bw_addr_o  = {bw_a1, bw_a0};
  assign bw_gpar_o  = l_tr_q ? {tg_q, tg_q} : 2'b10;
  assign bw_mask_o  = bw_m;
  assign bw_final   = l_tr_q ? tf_q : d_final;
  assign rd_ready   = l_tr_q ? 1'b1 : gb_in_ready;

  // ---- result store rows (DstS): vector v of memory row r -> S row srow + r, words v*C ..
  reg  [ColIdxW-1:0] sv_col_q;    // first word of the vector
  localparam [ColIdxW-1:0] CColV = C[ColIdxW-1:0];
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sv_col_q <= {ColIdxW{1'b0}};
    end else if (ld_go || (gb_valid && gb_ready && gb_last)) begin
      sv_col_q <= {ColIdxW{1'b0}};
    end else if (gb_valid && gb_ready) begin
      sv_col_q <= sv_col_q + CColV;
    end
  end
  wire [31:0] sw_row32 = {{(32-DimW){1'b0}}, l_srow_q} + {{(32-DimW){1'b0}}, dv_rows_q};
  assign sw_valid_o = rd_act_q && l_s_q && gb_valid;
  assign sw_row_o   = sw_row32[RowIdxW-1:0];
  assign sw_col_o   = sv_col_q;
  assign sw_mask_o  = d_mask[C-1:0];
  generate
    for (gl = 0; gl < C; gl = gl + 1) begin : g_sw
      assign sw_data_o[gl*OpW +: OpW] = d_mask[gl] ? gb_data[gl*EW +: OpW] : {OpW{1'b0}};
    end
  endgenerate
  wire unused_sw_row = ^sw_row32[31:RowIdxW];

  // ---------------------------------------------------------------------------------
  // Write-back engine: one result beat -> one write request of its words
  // ---------------------------------------------------------------------------------
  reg  [AddrW-1:0] w_base_q;
  reg  [AddrW-1:0] w_stride_q;
  reg  [DimW-1:0]  w_rows_q;
  reg  [DimW-1:0]  w_cols_q;
  reg  [1:0]       w_ew_q;
  reg  [TagW-1:0]  w_id_q;
  reg              w_err_q;
  reg              w_lastin_q;    // the beat with c_last_i was taken
  reg              rq_pend_q;     // the beat's write request waits for the master
  reg  [ReqW-1:0]  w_left_q;      // words of the beat still to send
  reg  [ReqW-1:0]  w_nw_q;
  reg  [AddrW-1:0] w_addr_q;
  reg  [SvB*8-1:0] sv_q;
  reg  [SvB-1:0]   ss_q;

  reg              w_fs_q;        // DstSMem: the beats come from S, not c_*
  reg  [DimW-1:0]  w_srow_q;      // DstSMem: S row of memory row 0

  wire wq_fire = wq_valid && wq_ready;
  wire wd_fire = wd_valid && wd_ready;
  wire w_free  = (!rq_pend_q || wq_fire)
               && (w_left_q == {ReqW{1'b0}} || (w_left_q == {{(ReqW-1){1'b0}}, 1'b1} && wd_fire));
  assign c_ready_o = wr_act_q && !w_fs_q && !w_lastin_q && w_free;

  // ---- S rows as result beats (DstSMem): read C words of S row srow + m, tile nt, into a
  // one-beat hold register (the read's data is on sr_data_i the next cycle), then to the
  // serializer as the beat (row m, column nt*C). A read is issued only when the hold
  // register is free by the time its data arrives.
  reg                sq_act_q;    // reads left to issue
  reg  [DimW-1:0]    sq_m_q;      // memory row of the next read
  reg  [ColIdxW-1:0] sq_nt_q;     // its tile
  reg  [ColIdxW-1:0] sq_col_q;    // its first column, nt*C
  reg                sp_q;        // a read was accepted last cycle
  reg  [DimW-1:0]    sp_m_q;
  reg  [ColIdxW-1:0] sp_col_q;
  reg                sp_last_q;
  reg                hv_q;        // the hold register holds a beat
  reg  [C*OpW-1:0]   hd_q;
  reg  [DimW-1:0]    hm_q;
  reg  [ColIdxW-1:0] hc_q;
  reg                hl_q;
  wire sb_fire = wr_act_q && w_fs_q && !w_lastin_q && w_free && hv_q;
  assign sr_valid_o = sq_act_q && !sp_q && (!hv_q || sb_fire);
  wire sr_fire  = sr_valid_o && sr_ready_i;
  wire [31:0] sq_next = {{(32-ColIdxW){1'b0}}, sq_col_q} + {{(32-ColIdxW){1'b0}}, CColV};
  wire sq_lastc = (sq_next >= {{(32-DimW){1'b0}}, w_cols_q});   // last tile of the row
  wire unused_sq_next = ^sq_next[31:ColIdxW];
  wire sq_lastr = (sq_m_q == w_rows_q - 1'b1);
  wire [31:0] sr_row32 = {{(32-DimW){1'b0}}, w_srow_q} + {{(32-DimW){1'b0}}, sq_m_q};
  assign sr_row_o  = sr_row32[RowIdxW-1:0];
  assign sr_tile_o = sq_nt_q;
  wire unused_sr_row = ^sr_row32[31:RowIdxW];
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sq_act_q  <= 1'b0;
      sq_m_q    <= {DimW{1'b0}};
      sq_nt_q   <= {ColIdxW{1'b0}};
      sq_col_q  <= {ColIdxW{1'b0}};
      sp_q      <= 1'b0;
      sp_m_q    <= {DimW{1'b0}};
      sp_col_q  <= {ColIdxW{1'b0}};
      sp_last_q <= 1'b0;
      hv_q      <= 1'b0;
      hd_q      <= {(C*OpW){1'b0}};
      hm_q      <= {DimW{1'b0}};
      hc_q      <= {ColIdxW{1'b0}};
      hl_q      <= 1'b0;
    end else if (wb_go) begin
      sq_act_q  <= is_swb;
      sq_m_q    <= {DimW{1'b0}};
      sq_nt_q   <= {ColIdxW{1'b0}};
      sq_col_q  <= {ColIdxW{1'b0}};
      sp_q      <= 1'b0;
      hv_q      <= 1'b0;
    end else begin
      sp_q <= sr_fire;
      if (sr_fire) begin
        sp_m_q    <= sq_m_q;
        sp_col_q  <= sq_col_q;
        sp_last_q <= sq_lastc && sq_lastr;
        if (sq_lastc) begin
          sq_nt_q  <= {ColIdxW{1'b0}};
          sq_col_q <= {ColIdxW{1'b0}};
          sq_m_q   <= sq_m_q + 1'b1;
          if (sq_lastr) begin
            sq_act_q <= 1'b0;
          end
        end else begin
          sq_nt_q  <= sq_nt_q + 1'b1;
          sq_col_q <= sq_next[ColIdxW-1:0];
        end
      end
      if (sp_q) begin
        hv_q <= 1'b1;
        hd_q <= sr_data_i;
        hm_q <= sp_m_q;
        hc_q <= sp_col_q;
        hl_q <= sp_last_q;
      end else if (sb_fire) begin
        hv_q <= 1'b0;
      end
    end
  end

  // the beat the serializer takes: c_* (DstMem) or the hold register (DstSMem), its
  // lanes the S words sign-extended to AccW bits
  wire               c_fire  = (c_valid_i && c_ready_o) || sb_fire;
  wire [C*AccW-1:0]  cb_data;
  wire [31:0]        hm32    = {{(32-DimW){1'b0}}, hm_q};
  wire [RowIdxW-1:0] cb_row  = w_fs_q ? hm32[RowIdxW-1:0] : c_row_i;
  wire [ColIdxW-1:0] cb_col  = w_fs_q ? hc_q : c_col_i;
  wire               cb_last = w_fs_q ? hl_q : c_last_i;
  wire unused_hm = ^hm32[31:RowIdxW];
  generate
    for (gl = 0; gl < C; gl = gl + 1) begin : g_sx
      wire [OpW-1:0] sw = hd_q[gl*OpW +: OpW];
      wire [AccW-1:0] sx;
      if (AccW > OpW) begin : g_ext
        assign sx = {{(AccW-OpW){sw[OpW-1]}}, sw};
      end else begin : g_same
        assign sx = sw;
      end
      assign cb_data[gl*AccW +: AccW] = w_fs_q ? sx : c_data_i[gl*AccW +: AccW];
    end
  endgenerate

  // the beat as bytes: lane j's low 8*2^ew bits (lanes sign-extended to 32 bits)
  wire [4*C*8-1:0] bb0;
  wire [4*C*8-1:0] bb1;
  wire [4*C*8-1:0] bb2;
  wire [C-1:0]     live;
  wire [DimW:0]    crow_x = {{(DimW+1-RowIdxW){1'b0}}, cb_row};
  wire [DimW:0]    ccol_x = {{(DimW+1-ColIdxW){1'b0}}, cb_col};
  genvar gj;
  generate
    for (gj = 0; gj < C; gj = gj + 1) begin : g_lane
      wire [AccW-1:0] lane = cb_data[gj*AccW +: AccW];
      wire [31:0]     l32;
      if (AccW >= 32) begin : g_wide
        assign l32 = lane[31:0];
        if (AccW > 32) begin : g_hi
          wire unused_hi = ^lane[AccW-1:32];
        end
      end else begin : g_sext
        assign l32 = {{(32-AccW){lane[AccW-1]}}, lane};
      end
      assign bb0[gj*8 +: 8]   = l32[7:0];
      assign bb1[gj*16 +: 16] = l32[15:0];
      assign bb2[gj*32 +: 32] = l32;
      assign live[gj] = (ccol_x + gj < {1'b0, w_cols_q}) && (crow_x < {1'b0, w_rows_q});
    end
    assign bb0[4*C*8-1:C*8]  = {(3*C*8){1'b0}};
    assign bb1[4*C*8-1:C*16] = {(2*C*8){1'b0}};
  endgenerate
  reg [4*C*8-1:0] bbytes;
  reg [4*C-1:0]   bstrb;
  integer bi;
  always @* begin
    bstrb = {(4*C){1'b0}};
    case (w_ew_q)
      2'd0:    bbytes = bb0;
      2'd1:    bbytes = bb1;
      default: bbytes = bb2;
    endcase
    for (bi = 0; bi < C; bi = bi + 1) begin
      case (w_ew_q)
        2'd0:    bstrb[bi]         = live[bi];
        2'd1:    bstrb[2*bi +: 2]  = {2{live[bi]}};
        default: bstrb[4*bi +: 4]  = {4{live[bi]}};
      endcase
    end
  end
  // byte offset of the beat's first element in memory, and its word address
  wire [AddrW-1:0] col_b  = {{(AddrW-ColIdxW){1'b0}}, cb_col} << w_ew_q;
  wire [OffW-1:0]  off    = col_b[OffW-1:0];
  wire [MulW-1:0]  rowoff = cb_row * w_stride_q;
  wire [AddrW-1:0] b_addr = w_base_q + rowoff[AddrW-1:0] + {col_b[AddrW-1:OffW], {OffW{1'b0}}};
  wire unused_mul = ^rowoff[MulW-1:AddrW];
  // valid bytes: the live lanes are a prefix (columns below cols)
  reg  [8:0] nlive;
  integer li;
  always @* begin
    nlive = 9'd0;
    for (li = 0; li < C; li = li + 1) begin
      nlive = nlive + {8'd0, live[li]};
    end
  end
  wire [11:0] vbytes = {3'd0, nlive} << w_ew_q;
  localparam integer PbM1 = PB - 1;
  localparam [12:0] PbM1V = PbM1[12:0];
  wire [12:0] span_b = {1'b0, vbytes} + {{(13-OffW){1'b0}}, off} + PbM1V;
  wire [12:0] nw_b   = (vbytes == 12'd0) ? 13'd0 : (span_b >> OffW);
  wire [ReqW-1:0] nw_r;
  wire [SvB*8-1:0] sv_d = {{(PB*8){1'b0}}, bbytes} << ({{(32-OffW){1'b0}}, off} * 8);
  wire [SvB-1:0]   ss_d = {{PB{1'b0}}, bstrb} << off;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_act_q   <= 1'b0;
      w_base_q   <= {AddrW{1'b0}};
      w_stride_q <= {AddrW{1'b0}};
      w_rows_q   <= {DimW{1'b0}};
      w_cols_q   <= {DimW{1'b0}};
      w_ew_q     <= 2'd0;
      w_id_q     <= {TagW{1'b0}};
      w_err_q    <= 1'b0;
      w_lastin_q <= 1'b0;
      w_fs_q     <= 1'b0;
      w_srow_q   <= {DimW{1'b0}};
      rq_pend_q  <= 1'b0;
      w_left_q   <= {ReqW{1'b0}};
      w_nw_q     <= {ReqW{1'b0}};
      w_addr_q   <= {AddrW{1'b0}};
      sv_q       <= {(SvB*8){1'b0}};
      ss_q       <= {SvB{1'b0}};
    end else if (wb_go) begin
      wr_act_q   <= 1'b1;
      w_base_q   <= dsc_addr_i;
      w_stride_q <= dsc_stride_i;
      w_rows_q   <= dsc_rows_i;
      w_cols_q   <= dsc_cols_i;
      w_ew_q     <= dsc_ew_i;
      w_id_q     <= dsc_id_i;
      w_err_q    <= 1'b0;
      w_lastin_q <= 1'b0;
      w_fs_q     <= is_swb;
      w_srow_q   <= dsc_srow_i;
    end else begin
      if (wr_act_q && wm_errb) begin
        w_err_q <= 1'b1;
      end
      if (wq_fire) begin
        rq_pend_q <= 1'b0;
      end
      if (wd_fire) begin
        w_left_q <= w_left_q - 1'b1;
        sv_q     <= sv_q >> DW;
        ss_q     <= ss_q >> PB;
      end
      if (c_fire) begin
        w_lastin_q <= cb_last;
        rq_pend_q  <= (nw_b != 13'd0);
        w_left_q   <= nw_r;
        w_nw_q     <= nw_r;
        w_addr_q   <= b_addr;
        sv_q       <= sv_d;
        ss_q       <= ss_d;
      end
      if (wb_done) begin
        wr_act_q <= 1'b0;
      end
    end
  end
  // nw_b in ReqW bits (ReqW = DimW + 2 is 13 or more from dimensions of 1024 up)
  generate
    if (ReqW > 13) begin : g_nw_wide
      assign nw_r = {{(ReqW-13){1'b0}}, nw_b};
    end else if (ReqW == 13) begin : g_nw_same
      assign nw_r = nw_b;
    end else begin : g_nw_narrow
      assign nw_r = nw_b[ReqW-1:0];
      wire unused_nw = ^nw_b[12:ReqW];
    end
  endgenerate

  assign wq_valid = rq_pend_q;
  assign wq_addr  = w_addr_q;
  assign wq_beats = w_nw_q;
  assign wd_valid = (w_left_q != {ReqW{1'b0}});
  assign wd_data  = sv_q[DW-1:0];
  assign wd_strb  = ss_q[PB-1:0];
  wire   wb_done  = wr_act_q && w_lastin_q && !rq_pend_q && (w_left_q == {ReqW{1'b0}}) && !wm_busy;

  // ---------------------------------------------------------------------------------
  // Completions, status and counters
  // ---------------------------------------------------------------------------------
  assign rdone_valid_o = ld_done || (dsc_fire && !is_wb && !d_ok);
  assign rdone_id_o    = ld_done ? l_id_q : dsc_id_i;
  assign rdone_code_o  = ld_done ? ((l_err_q || rm_errb) ? ErrAxi : ErrNone) : chk;
  assign wdone_valid_o = wb_done || (dsc_fire && is_wb && !d_ok);
  assign wdone_id_o    = wb_done ? w_id_q : dsc_id_i;
  assign wdone_code_o  = wb_done ? ((w_err_q || wm_errb) ? ErrAxi : ErrNone) : chk;

  assign rd_busy_o  = rd_act_q;
  assign wr_busy_o  = wr_act_q;
  assign err_o      = rm_err || wm_err;
  assign err_wr_o   = !rm_err && wm_err;
  assign err_addr_o = rm_err ? rm_err_addr : wm_err_addr;
  assign err_resp_o = rm_err ? rm_err_resp : wm_err_resp;

  reg [CntW-1:0] c_rdb_q, c_wrb_q, c_rdy_q, c_wry_q;
  wire rbeat = m_axi_rvalid_i && m_axi_rready_o;
  localparam [12:0]     Pb13 = PB[12:0];
  wire       [CntW-1:0] PbV  = {{(CntW-13){1'b0}}, Pb13};
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      c_rdb_q <= {CntW{1'b0}};
      c_wrb_q <= {CntW{1'b0}};
      c_rdy_q <= {CntW{1'b0}};
      c_wry_q <= {CntW{1'b0}};
    end else if (cnt_clr_i) begin
      c_rdb_q <= {CntW{1'b0}};
      c_wrb_q <= {CntW{1'b0}};
      c_rdy_q <= {CntW{1'b0}};
      c_wry_q <= {CntW{1'b0}};
    end else begin
      if (rbeat) begin
        c_rdb_q <= c_rdb_q + PbV;
      end
      if (c_fire) begin
        c_wrb_q <= c_wrb_q + {{(CntW-12){1'b0}}, vbytes};
      end
      if (rm_busy) begin
        c_rdy_q <= c_rdy_q + 1'b1;
      end
      if (wm_busy) begin
        c_wry_q <= c_wry_q + 1'b1;
      end
    end
  end
  assign cnt_rd_bytes_o = c_rdb_q;
  assign cnt_wr_bytes_o = c_wrb_q;
  assign cnt_rd_busy_o  = c_rdy_q;
  assign cnt_wr_busy_o  = c_wry_q;

endmodule

`default_nettype wire
