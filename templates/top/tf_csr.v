// tf_csr -- the accelerator's control and status registers on an AXI4-Lite slave
// (fixed-text template; the generator's <name>_csr sets every offset, field and constant
// from the plan's register map, docs/architecture.md: the register interface).
//
// 32-bit registers at word-aligned offsets of a 12-bit address space: read-only
// identification and shape, CTRL (START: a one-cycle start_o pulse; IRQ_EN), STATUS (BUSY
// from the sequencer; DONE and ERR sticky, cleared by START), IRQ (the sticky DONE and ERR,
// write 1 to clear; irq_o = IRQ_EN & (DONE | ERR)), ERR_INFO (code and sequence of the first
// error since START), the weight image's base address, BATCH (CAP: entries per batch at most,
// 0 meaning BMax, a CAP above BMax refused; FIT: the batch policy), read-only 64-bit counters (reading
// the low word takes a snapshot of the high word, so LO then HI is one consistent value),
// and the request table: Seqs entries of RStride bytes (ACTIVE, DECODE, RESET; the position,
// read-only, from the sequencer; the length; the input and output addresses).
// A write is refused -- SLVERR, nothing changes -- at an unmapped or read-only offset, and
// while BUSY to START, the weight base, BATCH or the request table; a read of an unmapped offset
// returns 0 with SLVERR. Byte strobes are honored. AW and W are taken together, one write at
// a time (B held until accepted); AR one read at a time (R held until accepted).
`default_nettype none

module tf_csr #(
  parameter integer Seqs      = 4,          // request-table entries (1..64)
  parameter [31:0]  IdValue   = 32'h0,
  parameter [31:0]  Shape0V   = 32'h0,
  parameter [31:0]  Shape1V   = 32'h0,
  parameter [31:0]  Shape2V   = 32'h0,
  // offsets (bytes)
  parameter [11:0]  OffId     = 12'h000,
  parameter [11:0]  OffShape0 = 12'h004,
  parameter [11:0]  OffShape1 = 12'h008,
  parameter [11:0]  OffShape2 = 12'h00c,
  parameter [11:0]  OffCtrl   = 12'h010,
  parameter [11:0]  OffStatus = 12'h014,
  parameter [11:0]  OffIrq    = 12'h018,
  parameter [11:0]  OffErr    = 12'h01c,
  parameter [11:0]  OffWbLo   = 12'h020,
  parameter [11:0]  OffWbHi   = 12'h024,
  parameter [11:0]  OffBatch  = 12'h028,
  parameter [11:0]  OffCnt    = 12'h040,    // counter k: LO at OffCnt + 8k, HI at + 4
  parameter integer NCnt      = 6,
  parameter [11:0]  OffReq    = 12'h100,    // entry i at OffReq + 32 i
  parameter [4:0]   ReqCtrl   = 5'h00,      // offsets inside an entry
  parameter [4:0]   ReqPos    = 5'h04,
  parameter [4:0]   ReqLen    = 5'h08,
  parameter [4:0]   ReqInLo   = 5'h0c,
  parameter [4:0]   ReqInHi   = 5'h10,
  parameter [4:0]   ReqOutLo  = 5'h14,
  parameter [4:0]   ReqOutHi  = 5'h18,
  // fields (bit positions)
  parameter integer BitStart  = 0,          // CTRL
  parameter integer BitIrqEn  = 1,
  parameter integer BitBusy   = 0,          // STATUS
  parameter integer BitDone   = 1,          // STATUS and IRQ
  parameter integer BitErr    = 2,
  parameter integer BitActive = 0,          // REQ_CTRL
  parameter integer BitDecode = 1,
  parameter integer BitReset  = 2,
  parameter integer BitFit    = 8,          // BATCH; CAP is [CapW-1:0]
  parameter integer CapW      = 5,
  parameter integer BMax      = 1,          // the largest CAP (the design's bmax)
  parameter integer FitInit   = 1,          // FIT after reset
  parameter integer LenW      = 16,         // REQ_LEN, REQ_POS width (< 32)
  parameter integer SeqW      = 2           // log2(Seqs) rounded up, at least 1
) (
  input  wire                 clk_i,
  input  wire                 rst_ni,
  // AXI4-Lite slave
  input  wire                 s_axil_awvalid_i,
  output wire                 s_axil_awready_o,
  input  wire [11:0]          s_axil_awaddr_i,
  input  wire [2:0]           s_axil_awprot_i,
  input  wire                 s_axil_wvalid_i,
  output wire                 s_axil_wready_o,
  input  wire [31:0]          s_axil_wdata_i,
  input  wire [3:0]           s_axil_wstrb_i,
  output wire                 s_axil_bvalid_o,
  input  wire                 s_axil_bready_i,
  output wire [1:0]           s_axil_bresp_o,
  input  wire                 s_axil_arvalid_i,
  output wire                 s_axil_arready_o,
  input  wire [11:0]          s_axil_araddr_i,
  input  wire [2:0]           s_axil_arprot_i,
  output wire                 s_axil_rvalid_o,
  input  wire                 s_axil_rready_i,
  output wire [31:0]          s_axil_rdata_o,
  output wire [1:0]           s_axil_rresp_o,
  // the sequencer
  output wire                 start_o,
  input  wire                 busy_i,
  input  wire                 done_i,
  input  wire                 err_i,
  input  wire [7:0]           err_code_i,
  input  wire [7:0]           err_seq_i,
  output wire                 irq_o,
  output wire [63:0]          wbase_o,
  output wire [CapW-1:0]      bcap_o,       // entries per batch at most (1..BMax)
  output wire                 bfit_o,
  output wire [Seqs-1:0]      req_active_o,
  output wire [Seqs-1:0]      req_decode_o,
  output wire [Seqs-1:0]      req_reset_o,
  output wire [Seqs*LenW-1:0] req_len_o,
  output wire [Seqs*64-1:0]   req_in_o,
  output wire [Seqs*64-1:0]   req_out_o,
  input  wire [Seqs*LenW-1:0] req_pos_i,
  input  wire [NCnt*64-1:0]   cnt_i
);

  localparam [1:0]    RespOkay   = 2'b00;
  localparam [1:0]    RespSlvErr = 2'b10;
  localparam integer  RStrideLg  = 5;          // 32-byte entries
  localparam [12:0]   ReqSpan    = 13'd1 << (SeqW + RStrideLg);
  localparam [SeqW:0] SeqsV      = Seqs[SeqW:0];
  localparam integer  CntBytesI  = NCnt * 8;
  localparam [11:0]   CntBytes   = CntBytesI[11:0];

  generate
    if (Seqs < 1 || Seqs > 64 || (1 << SeqW) < Seqs || SeqW > 6 || LenW > 31 || NCnt < 1
        || NCnt > 16 || BMax < 1 || BMax >= (1 << CapW) || BitFit < CapW || BitFit > 31) begin : g_bad
      tf_csr_error_bad_parameters u_error ();
    end
  endgenerate

  // ---- registers ---------------------------------------------------------------------
  reg                 irq_en_q;
  reg                 done_q, err_q, start_q;
  reg  [15:0]         err_info_q;
  reg  [63:0]         wbase_q;
  reg  [CapW-1:0]     cap_q;
  reg                 fit_q;
  reg  [Seqs-1:0]     active_q, decode_q, reset_q;
  // per entry (entry e in [e*W +: W]) and per counter, as flat vectors
  reg  [Seqs*LenW-1:0] len_q;
  reg  [Seqs*64-1:0]   in_q;
  reg  [Seqs*64-1:0]   out_q;
  reg  [NCnt*32-1:0]   snap_q;              // high words taken with the low word's read

  // ---- writes ---------------------------------------------------------------------------
  reg        bvalid_q;
  reg  [1:0] bresp_q;
  wire       w_fire = s_axil_awvalid_i && s_axil_wvalid_i && !bvalid_q;
  wire [11:0] wa    = {s_axil_awaddr_i[11:2], 2'b00};
  wire [11:0] w_rel = wa - OffReq;
  // request table: entry w_e, register w_r inside it
  wire        w_req = (wa >= OffReq) && ({1'b0, w_rel} < ReqSpan)
                      && ({1'b0, w_rel[RStrideLg +: SeqW]} < SeqsV);
  wire [SeqW-1:0] w_e = w_rel[RStrideLg +: SeqW];
  wire [4:0]  w_r   = {w_rel[4:2], 2'b00};
  wire [31:0] wm;                        // the byte mask of the strobes
  assign wm = {{8{s_axil_wstrb_i[3]}}, {8{s_axil_wstrb_i[2]}}, {8{s_axil_wstrb_i[1]}},
               {8{s_axil_wstrb_i[0]}}};
  // which register the write names, and whether it may write it now
  wire w_ctrl  = (wa == OffCtrl);
  wire w_irq   = (wa == OffIrq);
  wire w_wblo  = (wa == OffWbLo);
  wire w_wbhi  = (wa == OffWbHi);
  wire w_batch = (wa == OffBatch);
  wire w_rctl  = w_req && (w_r == ReqCtrl);
  wire w_rlen  = w_req && (w_r == ReqLen);
  wire w_rinl  = w_req && (w_r == ReqInLo);
  wire w_rinh  = w_req && (w_r == ReqInHi);
  wire w_routl = w_req && (w_r == ReqOutLo);
  wire w_routh = w_req && (w_r == ReqOutHi);
  wire w_start = w_ctrl && s_axil_wstrb_i[BitStart / 8] && s_axil_wdata_i[BitStart];

  function automatic [31:0] merge(input [31:0] old, input [31:0] data, input [31:0] m);
    merge = (old & ~m) | (data & m);
  endfunction
  localparam [CapW-1:0] BMaxV = BMax[CapW-1:0];
  // BATCH after the write (its strobes); a CAP above BMax is refused
  wire [31:0] bat_m = merge({{(31 - BitFit){1'b0}}, fit_q, {(BitFit - CapW){1'b0}}, cap_q}, s_axil_wdata_i, wm);
  wire        cap_ok = (bat_m[CapW-1:0] <= BMaxV);
  wire unused_bat = ^{bat_m[31:BitFit+1], bat_m[BitFit-1:CapW]};
  wire [31:0] len_m = merge({{(32 - LenW){1'b0}}, len_q[w_e * LenW +: LenW]}, s_axil_wdata_i, wm);
  wire unused_len = ^len_m[31:LenW];

  // legal: a writable register, and nothing the sequencer uses while it runs
  wire w_ok = (w_ctrl && !(w_start && busy_i)) || w_irq || (w_batch && cap_ok && !busy_i)
              || ((w_wblo || w_wbhi || w_rctl || w_rlen || w_rinl || w_rinh || w_routl || w_routh)
                  && !busy_i);
  wire w_do = w_fire && w_ok;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bvalid_q   <= 1'b0;
      bresp_q    <= RespOkay;
      irq_en_q   <= 1'b0;
      done_q     <= 1'b0;
      err_q      <= 1'b0;
      start_q    <= 1'b0;
      err_info_q <= 16'h0;
      wbase_q    <= 64'h0;
      cap_q      <= {CapW{1'b0}};
      fit_q      <= (FitInit != 0);
      active_q   <= {Seqs{1'b0}};
      decode_q   <= {Seqs{1'b0}};
      reset_q    <= {Seqs{1'b0}};
      len_q      <= {(Seqs*LenW){1'b0}};
      in_q       <= {(Seqs*64){1'b0}};
      out_q      <= {(Seqs*64){1'b0}};
    end else begin
      start_q <= 1'b0;
      reset_q <= {Seqs{1'b0}};
      if (s_axil_bvalid_o && s_axil_bready_i) begin
        bvalid_q <= 1'b0;
      end
      // the sequencer's events; a START in the same cycle clears them after
      if (done_i) begin
        done_q <= 1'b1;
      end
      if (err_i) begin
        if (!err_q) begin
          err_info_q <= {err_seq_i, err_code_i};
        end
        err_q <= 1'b1;
      end
      if (w_fire) begin
        bvalid_q <= 1'b1;
        bresp_q  <= w_ok ? RespOkay : RespSlvErr;
      end
      if (w_do) begin
        if (w_ctrl) begin
          if (s_axil_wstrb_i[BitIrqEn / 8]) begin
            irq_en_q <= s_axil_wdata_i[BitIrqEn];
          end
          if (w_start) begin
            start_q    <= 1'b1;
            done_q     <= 1'b0;
            err_q      <= 1'b0;
            err_info_q <= 16'h0;
          end
        end
        if (w_irq) begin
          if (s_axil_wstrb_i[BitDone / 8] && s_axil_wdata_i[BitDone]) begin
            done_q <= 1'b0;
          end
          if (s_axil_wstrb_i[BitErr / 8] && s_axil_wdata_i[BitErr]) begin
            err_q <= 1'b0;
          end
        end
        if (w_wblo) begin
          wbase_q[31:0] <= merge(wbase_q[31:0], s_axil_wdata_i, wm);
        end
        if (w_wbhi) begin
          wbase_q[63:32] <= merge(wbase_q[63:32], s_axil_wdata_i, wm);
        end
        if (w_batch) begin
          cap_q <= bat_m[CapW-1:0];
          fit_q <= bat_m[BitFit];
        end
        if (w_rctl) begin
          if (s_axil_wstrb_i[BitActive / 8]) begin
            active_q[w_e] <= s_axil_wdata_i[BitActive];
          end
          if (s_axil_wstrb_i[BitDecode / 8]) begin
            decode_q[w_e] <= s_axil_wdata_i[BitDecode];
          end
          if (s_axil_wstrb_i[BitReset / 8]) begin
            reset_q[w_e] <= s_axil_wdata_i[BitReset];
          end
        end
        if (w_rlen) begin
          len_q[w_e * LenW +: LenW] <= len_m[LenW-1:0];
        end
        if (w_rinl) begin
          in_q[w_e * 64 +: 32] <= merge(in_q[w_e * 64 +: 32], s_axil_wdata_i, wm);
        end
        if (w_rinh) begin
          in_q[w_e * 64 + 32 +: 32] <= merge(in_q[w_e * 64 + 32 +: 32], s_axil_wdata_i, wm);
        end
        if (w_routl) begin
          out_q[w_e * 64 +: 32] <= merge(out_q[w_e * 64 +: 32], s_axil_wdata_i, wm);
        end
        if (w_routh) begin
          out_q[w_e * 64 + 32 +: 32] <= merge(out_q[w_e * 64 + 32 +: 32], s_axil_wdata_i, wm);
        end
      end
    end
  end

  assign s_axil_awready_o = w_fire;
  assign s_axil_wready_o  = w_fire;
  assign s_axil_bvalid_o  = bvalid_q;
  assign s_axil_bresp_o   = bresp_q;
  wire unused_w = ^{s_axil_awaddr_i[1:0], s_axil_awprot_i, w_rel[1:0]};

  // ---- reads ----------------------------------------------------------------------------
  reg         rvalid_q;
  reg  [31:0] rdata_q;
  reg  [1:0]  rresp_q;
  wire        r_fire = s_axil_arvalid_i && !rvalid_q;
  wire [11:0] ra     = {s_axil_araddr_i[11:2], 2'b00};
  wire [11:0] r_rel  = ra - OffReq;
  wire        r_req  = (ra >= OffReq) && ({1'b0, r_rel} < ReqSpan)
                       && ({1'b0, r_rel[RStrideLg +: SeqW]} < SeqsV);
  wire [SeqW-1:0] r_e = r_rel[RStrideLg +: SeqW];
  wire [4:0]  r_r    = {r_rel[4:2], 2'b00};
  wire [11:0] r_cnt  = ra - OffCnt;
  wire        r_isc  = (ra >= OffCnt) && (r_cnt < CntBytes);
  wire [3:0]  r_k    = r_cnt[6:3];
  // the word read, and whether the offset is mapped
  reg  [31:0] rd;
  reg         rok;
  always @(*) begin
    rd  = 32'h0;
    rok = 1'b1;
    if (ra == OffId) begin
      rd = IdValue;
    end else if (ra == OffShape0) begin
      rd = Shape0V;
    end else if (ra == OffShape1) begin
      rd = Shape1V;
    end else if (ra == OffShape2) begin
      rd = Shape2V;
    end else if (ra == OffCtrl) begin
      rd[BitIrqEn] = irq_en_q;
    end else if (ra == OffStatus) begin
      rd[BitBusy] = busy_i;
      rd[BitDone] = done_q;
      rd[BitErr]  = err_q;
    end else if (ra == OffIrq) begin
      rd[BitDone] = done_q;
      rd[BitErr]  = err_q;
    end else if (ra == OffErr) begin
      rd[15:0] = err_info_q;
    end else if (ra == OffWbLo) begin
      rd = wbase_q[31:0];
    end else if (ra == OffWbHi) begin
      rd = wbase_q[63:32];
    end else if (ra == OffBatch) begin
      rd[CapW-1:0] = cap_q;
      rd[BitFit]   = fit_q;
    end else if (r_isc) begin
      rd = r_cnt[2] ? snap_q[r_k * 32 +: 32] : cnt_i[r_k * 64 +: 32];
    end else if (r_req && r_r == ReqCtrl) begin
      rd[BitActive] = active_q[r_e];
      rd[BitDecode] = decode_q[r_e];
    end else if (r_req && r_r == ReqPos) begin
      rd[LenW-1:0] = req_pos_i[r_e * LenW +: LenW];
    end else if (r_req && r_r == ReqLen) begin
      rd[LenW-1:0] = len_q[r_e * LenW +: LenW];
    end else if (r_req && r_r == ReqInLo) begin
      rd = in_q[r_e * 64 +: 32];
    end else if (r_req && r_r == ReqInHi) begin
      rd = in_q[r_e * 64 + 32 +: 32];
    end else if (r_req && r_r == ReqOutLo) begin
      rd = out_q[r_e * 64 +: 32];
    end else if (r_req && r_r == ReqOutHi) begin
      rd = out_q[r_e * 64 + 32 +: 32];
    end else begin
      rok = 1'b0;
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rvalid_q <= 1'b0;
      rdata_q  <= 32'h0;
      rresp_q  <= RespOkay;
      snap_q   <= {(NCnt*32){1'b0}};
    end else begin
      if (s_axil_rvalid_o && s_axil_rready_i) begin
        rvalid_q <= 1'b0;
      end
      if (r_fire) begin
        rvalid_q <= 1'b1;
        rdata_q  <= rd;
        rresp_q  <= rok ? RespOkay : RespSlvErr;
        if (r_isc && !r_cnt[2]) begin
          snap_q[r_k * 32 +: 32] <= cnt_i[r_k * 64 + 32 +: 32];
        end
      end
    end
  end

  assign s_axil_arready_o = r_fire;
  assign s_axil_rvalid_o  = rvalid_q;
  assign s_axil_rdata_o   = rdata_q;
  assign s_axil_rresp_o   = rresp_q;
  wire unused_r = ^{s_axil_araddr_i[1:0], s_axil_arprot_i, r_rel[1:0], r_cnt[11:7], r_cnt[1:0]};

  // ---- the sequencer side ----------------------------------------------------------------
  assign start_o      = start_q;
  assign irq_o        = irq_en_q && (done_q || err_q);
  assign wbase_o      = wbase_q;
  assign bcap_o       = (cap_q == {CapW{1'b0}}) ? BMaxV : cap_q;
  assign bfit_o       = fit_q;
  assign req_active_o = active_q;
  assign req_decode_o = decode_q;
  assign req_reset_o  = reset_q;
  assign req_len_o    = len_q;
  assign req_in_o     = in_q;
  assign req_out_o    = out_q;

endmodule

`default_nettype wire
