// tf_mem_ctl -- tiling controller of the memory system (fixed-text template; the
// generator's <name>_sys sets its parameters from the plan).
//
// One command (ctl_*) runs C = A*B (+ requantization) with A (M x K, row-major), B (K x N
// row-major, or given as B^T: N x K row-major with ctl_btr_i) and C (M x N row-major,
// elements of 2^ctl_cew_i bytes) in memory: it tiles M by MT and N by NT (K whole,
// K <= KMax), and for every tile (mi, ni), row-tile-major, loads the operands it does
// not hold yet into the other half of the A and B buffers (descriptors on dsc_*), runs
// the engine's GEMM on those halves (eng_*) and writes the tile back (a DstMem
// descriptor with the tile's address). Variants: ctl_store_i keeps the (requantized)
// result in the engine's result store instead of writing it (one tile); ctl_asrc_i = S
// or S^T takes A from the store (one M tile).
//
// Schedule (docs/architecture.md, the memory system): a front end (loader) prepares step
// g+1 -- its loads go into the halves step g does not read -- as soon as step g's GEMM
// has been issued; the back end issues step g's GEMM when its loads are done and the
// engine is idle and fewer than WbQ write-back descriptors wait, and the write-back
// descriptors in order, each when the DMA's write engine is idle (until then the engine's
// result beats wait). With WbQ > 1 the engine runs up to WbQ steps ahead of the
// write-back: what an epilogue that holds a row's results until its last column step
// (LayerNorm across column steps) needs. The first GEMM of a command waits
// until the previous command has completed (its last write-back done, or its storing
// GEMM finished); the next command's loads do not wait.
// Held commands (ctl_hold_i): the first step loads B first and then waits for a go
// (ctl_go_i, one pulse per held command, in command order; pulses that arrive before
// their command reaches the wait are counted) before it loads A. What a sequencer
// needs to prefetch the weights of the next GEMM while the one before it still runs and
// its A (the previous command's results) is not written yet: it pulses go once A is.
// ctl_drop_i (after an error) drops the held command instead: once it waits for its go,
// the loader returns to idle without completing it, and counted go pulses are cleared.
//
// A command the design cannot run exactly as given is refused at once (ctl_done_* with
// its code, nothing moves, err_o until the next accepted command): CErrZero (M, N or K
// is 0), CErrRange (K > KMax; a store or S source that needs more than one tile; an S
// source larger than the store), CErrAlign (an address, or a stride of a matrix with
// more than one row, not a multiple of the port word; N > NT where NT elements of C are
// not a whole number of port words, so later C tiles would start inside a word), CErrWidth (C elements wider than
// 4 bytes), CErrForm (requantization without hardware, a store or S source without a
// store, a store without requantization or reading S, source code 3, N > NT where NT
// is not port-aligned), CErrStride (a stride below its row's bytes, or a matrix past the
// end of the address space). A command whose transfers saw an AXI error completes with
// CErrAxi.
// Counters (cleared by cnt_clr_i): cycles busy, cycles an engine GEMM of the controller
// ran, cycles the engine waited for data (idle while the next step's operands load).
// Handshake: valid/ready on ctl_*, one command may wait while another runs; eng_* and
// dsc_* are the engine's and the DMA's command ports; completions are one-cycle pulses.
`default_nettype none

module tf_mem_ctl #(
  parameter integer Dataflow = 0,
  parameter integer AddrW    = 32,
  parameter integer DimW     = 7,      // engine dimensions
  parameter integer CDimW    = 16,     // command dimensions M, N
  parameter integer MMax     = 64,
  parameter integer KMax     = 64,
  parameter integer NMax     = 64,
  parameter integer MT       = 64,     // tile rows
  parameter integer NT       = 64,     // tile columns
  parameter integer NTiles   = 1,      // 1: N may exceed NT (NT bytes are port-aligned)
  parameter integer OffW     = 4,      // log2(port bytes)
  parameter integer EbLog    = 0,      // operand bytes in memory: 2^EbLog
  parameter integer HasRq    = 1,
  parameter integer HasStore = 0,
  parameter integer TagW     = 8,
  parameter integer CntW     = 48,
  parameter integer WbQ      = 1,      // write-back descriptors that may wait (the engine runs
                                       // ahead of the write-back by WbQ steps; 1: none ahead)
  parameter integer WbQW     = 1,      // max(clog2(WbQ), 1)
  parameter integer CmdOpW   = 3,
  parameter [CmdOpW-1:0] OpGemm = 3'd3,
  parameter integer SrcW     = 2,
  parameter [SrcW-1:0] SrcBuf = 2'd0,
  parameter [SrcW-1:0] SrcSt  = 2'd1,
  parameter [SrcW-1:0] SrcStT = 2'd2,
  parameter integer DstW     = 3,
  parameter [DstW-1:0] DstA0  = 3'd0,
  parameter [DstW-1:0] DstA1  = 3'd1,
  parameter [DstW-1:0] DstB0  = 3'd2,
  parameter [DstW-1:0] DstB1  = 3'd3,
  parameter [DstW-1:0] DstMem = 3'd4,
  parameter integer ErrW     = 3,
  parameter [ErrW-1:0] ErrAxi     = 3'd7,
  parameter [ErrW-1:0] CErrNone   = 3'd0,
  parameter [ErrW-1:0] CErrZero   = 3'd1,
  parameter [ErrW-1:0] CErrRange  = 3'd2,
  parameter [ErrW-1:0] CErrAlign  = 3'd3,
  parameter [ErrW-1:0] CErrWidth  = 3'd4,
  parameter [ErrW-1:0] CErrForm   = 3'd5,
  parameter [ErrW-1:0] CErrStride = 3'd6,
  parameter [ErrW-1:0] CErrAxi    = 3'd7
) (
  input  wire                clk_i,
  input  wire                rst_ni,
  // commands
  input  wire                ctl_valid_i,
  output wire                ctl_ready_o,
  input  wire [AddrW-1:0]    ctl_a_addr_i,
  input  wire [AddrW-1:0]    ctl_a_stride_i,
  input  wire [AddrW-1:0]    ctl_b_addr_i,
  input  wire [AddrW-1:0]    ctl_b_stride_i,
  input  wire [AddrW-1:0]    ctl_c_addr_i,
  input  wire [AddrW-1:0]    ctl_c_stride_i,
  input  wire [CDimW-1:0]    ctl_m_i,
  input  wire [DimW-1:0]     ctl_k_i,
  input  wire [CDimW-1:0]    ctl_n_i,
  input  wire                ctl_requant_i,
  input  wire                ctl_store_i,
  input  wire [SrcW-1:0]     ctl_asrc_i,
  input  wire                ctl_btr_i,
  input  wire [1:0]          ctl_cew_i,
  input  wire [TagW-1:0]     ctl_id_i,
  input  wire                ctl_hold_i,     // A waits for a go (B is loaded first)
  input  wire                ctl_go_i,       // a held command's A may be loaded
  input  wire                ctl_drop_i,     // ... or it is dropped (not completed)
  output wire                ctl_done_valid_o,
  output wire [TagW-1:0]     ctl_done_id_o,
  output wire [ErrW-1:0]     ctl_done_code_o,
  output wire                busy_o,
  output wire                err_o,
  // engine command port
  output wire                eng_valid_o,
  input  wire                eng_ready_i,
  output wire [CmdOpW-1:0]   eng_op_o,
  output wire [DimW-1:0]     eng_m_o,
  output wire [DimW-1:0]     eng_k_o,
  output wire [DimW-1:0]     eng_n_o,
  output wire                eng_requant_o,
  output wire [SrcW-1:0]     eng_asrc_o,
  output wire [SrcW-1:0]     eng_bsrc_o,
  output wire                eng_store_o,
  output wire                eng_ahalf_o,
  output wire                eng_bhalf_o,
  // DMA descriptor port and completions
  output wire                dsc_valid_o,
  input  wire                dsc_ready_i,
  output wire [AddrW-1:0]    dsc_addr_o,
  output wire [DimW-1:0]     dsc_rows_o,
  output wire [DimW-1:0]     dsc_cols_o,
  output wire [AddrW-1:0]    dsc_stride_o,
  output wire [1:0]          dsc_ew_o,
  output wire [DstW-1:0]     dsc_dst_o,
  output wire                dsc_tr_o,
  output wire [TagW-1:0]     dsc_id_o,
  input  wire                rdone_valid_i,
  input  wire [ErrW-1:0]     rdone_code_i,
  input  wire                wdone_valid_i,
  input  wire [ErrW-1:0]     wdone_code_i,
  input  wire                dma_wr_busy_i,
  // counters
  input  wire                cnt_clr_i,
  output wire [CntW-1:0]     cnt_busy_o,
  output wire [CntW-1:0]     cnt_gemm_o,
  output wire [CntW-1:0]     cnt_wait_o
);

  localparam integer PB   = 1 << OffW;
  localparam integer MulW = AddrW + CDimW;
  localparam integer XW   = MulW + 2;
  localparam [1:0]   EbV  = EbLog[1:0];

  generate
    if (MT < 1 || MT > MMax || NT < 1 || NT > NMax || CDimW <= DimW || EbLog < 0 || EbLog > 1
        || (NTiles != 0 && ((NT << EbLog) % PB) != 0)) begin : g_bad_params
      tf_mem_ctl_error_bad_parameters u_error ();
    end
  endgenerate

  // ---------------------------------------------------------------------------------
  // Command check (on the command as offered)
  // ---------------------------------------------------------------------------------
  localparam [CDimW:0] MMaxX = MMax[CDimW:0];
  localparam [CDimW:0] NMaxX = NMax[CDimW:0];
  localparam [CDimW:0] MTX   = MT[CDimW:0];
  localparam [CDimW:0] NTX   = NT[CDimW:0];
  localparam [DimW:0]  KMaxX = KMax[DimW:0];
  wire [CDimW:0] m_x = {1'b0, ctl_m_i};
  wire [CDimW:0] n_x = {1'b0, ctl_n_i};
  wire [CDimW:0] k_c = {{(CDimW-DimW){1'b0}}, 1'b0, ctl_k_i};
  wire [DimW:0]  k_x = {1'b0, ctl_k_i};
  wire a_mem = (ctl_asrc_i == SrcBuf);
  wire zero  = (ctl_m_i == {CDimW{1'b0}}) || (ctl_n_i == {CDimW{1'b0}}) || (ctl_k_i == {DimW{1'b0}});
  // A = S reads S[m][k] (K <= max_n); A = S^T reads S[k][m] (M <= max_n, K <= max_m)
  wire src_rng = (ctl_asrc_i == SrcSt)  ? (m_x > MTX || k_c > NMaxX)
               : (ctl_asrc_i == SrcStT) ? (m_x > MTX || m_x > NMaxX || k_c > MMaxX) : 1'b0;
  wire rng   = (k_x > KMaxX) || src_rng || (ctl_store_i && (m_x > MTX || n_x > NTX));
  wire form  = (ctl_requant_i && HasRq == 0)
             || ((ctl_store_i || !a_mem) && HasStore == 0)
             || (ctl_store_i && (!ctl_requant_i || !a_mem))
             || (ctl_asrc_i != SrcBuf && ctl_asrc_i != SrcSt && ctl_asrc_i != SrcStT)
             || (NTiles == 0 && n_x > NTX);
  // matrices in memory: A M x K, B K x N or N x K, C M x N (2^cew bytes)
  wire [CDimW:0] b_rows = ctl_btr_i ? n_x : k_c;
  wire [CDimW:0] b_cols = ctl_btr_i ? k_c : n_x;
  wire [XW-1:0]  a_rb = {{(XW-CDimW-1){1'b0}}, k_c} << EbLog;
  wire [XW-1:0]  b_rb = {{(XW-CDimW-1){1'b0}}, b_cols} << EbLog;
  wire [XW-1:0]  c_rb = {{(XW-CDimW-1){1'b0}}, n_x} << ctl_cew_i;
  wire a_multi = (m_x > {{CDimW{1'b0}}, 1'b1});
  wire b_multi = (b_rows > {{CDimW{1'b0}}, 1'b1});
  wire c_multi = a_multi;
  wire [OffW-1:0] ozero = {OffW{1'b0}};
  wire al_a = a_mem && (ctl_a_addr_i[OffW-1:0] != ozero || (a_multi && ctl_a_stride_i[OffW-1:0] != ozero));
  wire al_b = ctl_b_addr_i[OffW-1:0] != ozero || (b_multi && ctl_b_stride_i[OffW-1:0] != ozero);
  // C tiles after the first start NT elements of 2^cew bytes further: port-aligned only if
  // NT << cew is (NT itself is aligned for the operands' bytes, not for narrower C)
  localparam [OffW-1:0] NTLo = NT[OffW-1:0];
  wire [OffW-1:0] nt_cb = NTLo << ctl_cew_i;   // its low bits: (NT << cew) mod port bytes
  wire al_c = !ctl_store_i
              && (ctl_c_addr_i[OffW-1:0] != ozero || (c_multi && ctl_c_stride_i[OffW-1:0] != ozero)
                  || (n_x > NTX && nt_cb != ozero));
  wire [CDimW-1:0] m_m1 = ctl_m_i - 1'b1;
  wire [CDimW:0]   br_m1 = b_rows - 1'b1;
  wire [MulW-1:0] a_span = {{AddrW{1'b0}}, m_m1} * {{CDimW{1'b0}}, ctl_a_stride_i};
  wire [MulW-1:0] b_span = {{AddrW{1'b0}}, br_m1[CDimW-1:0]} * {{CDimW{1'b0}}, ctl_b_stride_i};
  wire [MulW-1:0] c_span = {{AddrW{1'b0}}, m_m1} * {{CDimW{1'b0}}, ctl_c_stride_i};
  wire unused_brm = br_m1[CDimW];
  localparam [XW-1:0] Space = {{(XW-AddrW-1){1'b0}}, 1'b1, {AddrW{1'b0}}};
  wire [XW-1:0] a_end = {{(XW-AddrW){1'b0}}, ctl_a_addr_i} + {2'b00, a_span} + a_rb;
  wire [XW-1:0] b_end = {{(XW-AddrW){1'b0}}, ctl_b_addr_i} + {2'b00, b_span} + b_rb;
  wire [XW-1:0] c_end = {{(XW-AddrW){1'b0}}, ctl_c_addr_i} + {2'b00, c_span} + c_rb;
  wire st_a = a_mem && ((a_multi && {{(XW-AddrW){1'b0}}, ctl_a_stride_i} < a_rb) || a_end > Space);
  wire st_b = (b_multi && {{(XW-AddrW){1'b0}}, ctl_b_stride_i} < b_rb) || b_end > Space;
  wire st_c = !ctl_store_i && ((c_multi && {{(XW-AddrW){1'b0}}, ctl_c_stride_i} < c_rb) || c_end > Space);
  reg [ErrW-1:0] chk;
  always @* begin
    chk = CErrNone;
    if (zero)                               chk = CErrZero;
    else if (form)                          chk = CErrForm;
    else if (rng)                           chk = CErrRange;
    else if (!ctl_store_i && ctl_cew_i == 2'd3) chk = CErrWidth;
    else if (al_a || al_b || al_c)          chk = CErrAlign;
    else if (st_a || st_b || st_c)          chk = CErrStride;
  end

  // ---------------------------------------------------------------------------------
  // The pending command
  // ---------------------------------------------------------------------------------
  reg               p_valid_q;
  reg [AddrW-1:0]   p_aa_q, p_as_q, p_ba_q, p_bs_q, p_ca_q, p_cs_q;
  reg [CDimW-1:0]   p_m_q, p_n_q;
  reg [DimW-1:0]    p_k_q;
  reg               p_rq_q, p_st_q, p_btr_q, p_hold_q;
  reg [SrcW-1:0]    p_asrc_q;
  reg [1:0]         p_cew_q;
  reg [TagW-1:0]    p_id_q;
  reg               err_q;
  wire              ret_fire;
  assign ctl_ready_o = !p_valid_q && !ret_fire;
  wire ctl_fire = ctl_valid_i && ctl_ready_o;
  wire ctl_ok   = (chk == CErrNone);
  wire take;                               // the loader takes the pending command

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      p_valid_q <= 1'b0;
      err_q     <= 1'b0;
    end else begin
      if (take) begin
        p_valid_q <= 1'b0;
      end
      if (ctl_fire) begin
        p_valid_q <= ctl_ok;
        err_q     <= !ctl_ok;
      end
    end
  end
  always @(posedge clk_i) begin
    if (ctl_fire && ctl_ok) begin
      p_aa_q <= ctl_a_addr_i;  p_as_q <= ctl_a_stride_i;
      p_ba_q <= ctl_b_addr_i;  p_bs_q <= ctl_b_stride_i;
      p_ca_q <= ctl_c_addr_i;  p_cs_q <= ctl_c_stride_i;
      p_m_q  <= ctl_m_i;       p_n_q  <= ctl_n_i;       p_k_q <= ctl_k_i;
      p_rq_q <= ctl_requant_i; p_st_q <= ctl_store_i;   p_btr_q <= ctl_btr_i;
      p_asrc_q <= ctl_asrc_i;  p_cew_q <= ctl_cew_i;    p_id_q <= ctl_id_i;
      p_hold_q <= ctl_hold_i;
    end
  end

  // ---------------------------------------------------------------------------------
  // Front end: steps (tiles) of the loader's command, their loads
  // ---------------------------------------------------------------------------------
  localparam [2:0] LIdle = 3'd0, LWait = 3'd1, LA = 3'd2, LB = 3'd3, LFin = 3'd4, LGo = 3'd5;
  reg  [2:0]        ls_q;
  reg  [AddrW-1:0]  l_as_q, l_bs_q, l_cs_q;
  reg  [AddrW-1:0]  l_aaddr_q;      // A tile: its first row
  reg  [AddrW-1:0]  l_baddr_q;      // B tile: its first column (or row of B^T)
  reg  [AddrW-1:0]  l_b0_q;         // B: the first tile's address
  reg  [AddrW-1:0]  l_crow_q;       // C tile: its first row
  reg  [AddrW-1:0]  l_caddr_q;      // C tile: its first element
  reg  [AddrW-1:0]  l_c0_q;         // C: the tile row's first element
  reg  [CDimW-1:0]  l_mleft_q, l_nleft_q, l_n_q;
  reg  [DimW-1:0]   l_k_q;
  reg               l_rq_q, l_st_q, l_btr_q, l_first_q, l_err_q;
  reg  [SrcW-1:0]   l_asrc_q;
  reg  [1:0]        l_cew_q;
  reg  [TagW-1:0]   l_id_q;
  reg               l_newa_q, l_newb_q; // this step loads A / B
  reg               ha_q, hb_q;     // halves of the last step made
  reg               l_out_q;        // a load descriptor is outstanding
  reg               l_held_q;       // the step is a held command's first: B, go, then A
  reg  [1:0]        go_n_q;         // go pulses not yet taken by a held command
  reg               drop_q;         // a drop waits for the held command
  wire              go_take = (ls_q == LGo) && (go_n_q != 2'd0) && !drop_q;
  wire              dropped = (ls_q == LGo) && drop_q;

  wire [CDimW-1:0] mt_w = (l_mleft_q < MTX[CDimW-1:0]) ? l_mleft_q : MTX[CDimW-1:0];
  wire [CDimW-1:0] nt_w = (l_nleft_q < NTX[CDimW-1:0]) ? l_nleft_q : NTX[CDimW-1:0];
  wire [DimW-1:0]  mt   = mt_w[DimW-1:0];
  wire [DimW-1:0]  nt   = nt_w[DimW-1:0];
  wire unused_mtnt = ^{mt_w[CDimW-1:DimW], nt_w[CDimW-1:DimW]};
  wire l_lastn = (l_nleft_q <= NTX[CDimW-1:0]);
  wire l_lastm = (l_mleft_q <= MTX[CDimW-1:0]);
  wire one_n   = (l_n_q <= NTX[CDimW-1:0]);

  // tile steps of an address: MT rows, NT columns (NT * 2^EbLog bytes, or NT rows of B^T)
  localparam [CDimW-1:0] MTC = MT[CDimW-1:0];
  localparam [CDimW-1:0] NTC = NT[CDimW-1:0];
  wire [MulW-1:0] a_step = {{AddrW{1'b0}}, MTC} * {{CDimW{1'b0}}, l_as_q};
  wire [MulW-1:0] c_step = {{AddrW{1'b0}}, MTC} * {{CDimW{1'b0}}, l_cs_q};
  wire [MulW-1:0] bt_step = {{AddrW{1'b0}}, NTC} * {{CDimW{1'b0}}, l_bs_q};
  wire [AddrW-1:0] b_step = l_btr_q ? bt_step[AddrW-1:0]
                          : ({{(AddrW-CDimW){1'b0}}, NTC} << EbLog);
  wire [AddrW-1:0] cc_step = {{(AddrW-CDimW){1'b0}}, NTC} << l_cew_q;
  wire unused_step = ^{a_step[MulW-1:AddrW], c_step[MulW-1:AddrW], bt_step[MulW-1:AddrW]};

  // step queue (one entry): the step whose loads are done, for the back end
  reg               s_valid_q;
  reg  [DimW-1:0]   s_m_q, s_n_q, s_k_q;
  reg               s_rq_q, s_st_q, s_ha_q, s_hb_q, s_first_q, s_last_q, s_err_q;
  reg  [SrcW-1:0]   s_asrc_q;
  reg  [AddrW-1:0]  s_caddr_q, s_cs_q;
  reg  [1:0]        s_cew_q;
  reg  [TagW-1:0]   s_id_q;
  wire              s_take;          // the back end issues the step's GEMM

  assign take = p_valid_q && (ls_q == LIdle);
  wire sel_wb;                       // the descriptor port carries the write-back
  wire l_dsc_fire = !sel_wb && dsc_ready_i && ((ls_q == LA) || (ls_q == LB && l_newb_q));
  wire l_ld_err   = rdone_valid_i && (rdone_code_i == ErrAxi);
  wire l_push     = (ls_q == LFin) && !l_out_q && !(rdone_valid_i) && !s_valid_q;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ls_q      <= LIdle;
      l_out_q   <= 1'b0;
      l_newa_q  <= 1'b0;
      l_newb_q  <= 1'b0;
      l_first_q <= 1'b0;
      l_err_q   <= 1'b0;
      l_held_q  <= 1'b0;
      go_n_q    <= 2'd0;
      drop_q    <= 1'b0;
    end else begin
      // at most two held commands wait (the pending one and the loader's): no overflow
      if (dropped) begin
        go_n_q <= 2'd0;
      end else if (ctl_go_i && !go_take) begin
        go_n_q <= go_n_q + 1'b1;
      end else if (go_take && !ctl_go_i) begin
        go_n_q <= go_n_q - 1'b1;
      end
      if (ctl_drop_i) begin
        drop_q <= 1'b1;
      end else if (dropped) begin
        drop_q <= 1'b0;
      end
      if (l_dsc_fire) begin
        l_out_q <= !rdone_valid_i;     // a descriptor the DMA refuses completes at once
      end else if (rdone_valid_i) begin
        l_out_q <= 1'b0;
      end
      if (l_ld_err) begin
        l_err_q <= 1'b1;
      end
      case (ls_q)
        LIdle: begin
          if (take) begin
            ls_q      <= LWait;
            l_first_q <= 1'b1;
            l_err_q   <= 1'b0;
            l_newa_q  <= (p_asrc_q == SrcBuf);
            l_newb_q  <= 1'b1;
            l_held_q  <= p_hold_q;
          end
        end
        LWait: begin                 // the previous step's GEMM has been issued
          if (!s_valid_q) begin
            ls_q <= (l_newa_q && !l_held_q) ? LA : LB;
          end
        end
        LA: begin
          if (l_dsc_fire) begin
            ls_q <= l_held_q ? LFin : LB;
          end
        end
        LB: begin
          if (!l_newb_q || l_dsc_fire) begin
            ls_q <= l_held_q ? LGo : LFin;
          end
        end
        LGo: begin                   // a held command's A waits for its go (or a drop)
          if (dropped) begin
            ls_q     <= LIdle;
            l_held_q <= 1'b0;
          end else if (go_take) begin
            ls_q <= l_newa_q ? LA : LFin;
          end
        end
        default: begin               // LFin: the loads are done; hand the step over
          if (l_push) begin
            l_first_q <= 1'b0;
            l_err_q   <= 1'b0;
            l_held_q  <= 1'b0;
            if (l_lastn && l_lastm) begin
              ls_q <= LIdle;
            end else begin
              ls_q     <= LWait;
              l_newa_q <= l_lastn && (l_asrc_q == SrcBuf);
              l_newb_q <= !one_n;
            end
          end
        end
      endcase
    end
  end

  // the command's fields, tile positions and addresses
  always @(posedge clk_i) begin
    if (take) begin
      l_as_q   <= p_as_q;   l_bs_q  <= p_bs_q;  l_cs_q <= p_cs_q;
      l_aaddr_q <= p_aa_q;  l_baddr_q <= p_ba_q; l_b0_q <= p_ba_q;
      l_crow_q <= p_ca_q;   l_caddr_q <= p_ca_q; l_c0_q <= p_ca_q;
      l_mleft_q <= p_m_q;   l_nleft_q <= p_n_q;  l_n_q <= p_n_q;
      l_k_q    <= p_k_q;    l_rq_q  <= p_rq_q;  l_st_q <= p_st_q;   l_btr_q <= p_btr_q;
      l_asrc_q <= p_asrc_q; l_cew_q <= p_cew_q; l_id_q <= p_id_q;
    end else if (l_push) begin
      if (l_lastn) begin             // next tile row: B and C from their first column
        l_nleft_q <= l_n_q;
        l_mleft_q <= l_mleft_q - MTC;
        l_aaddr_q <= l_aaddr_q + a_step[AddrW-1:0];
        l_baddr_q <= l_b0_q;
        l_crow_q  <= l_crow_q + c_step[AddrW-1:0];
        l_caddr_q <= l_crow_q + c_step[AddrW-1:0];
      end else begin
        l_nleft_q <= l_nleft_q - NTC;
        l_baddr_q <= l_baddr_q + b_step;
        l_caddr_q <= l_caddr_q + cc_step;
      end
    end
  end
  wire unused_c0 = ^l_c0_q;

  // the halves of the step: a new operand goes into the other half
  wire ha_step = l_newa_q ? !ha_q : ha_q;
  wire hb_step = l_newb_q ? !hb_q : hb_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s_valid_q <= 1'b0;
      ha_q      <= 1'b1;
      hb_q      <= 1'b1;
    end else begin
      if (s_take) begin
        s_valid_q <= 1'b0;
      end
      if (l_push) begin
        s_valid_q <= 1'b1;
        ha_q      <= ha_step;
        hb_q      <= hb_step;
      end
    end
  end
  always @(posedge clk_i) begin
    if (l_push) begin
      s_m_q <= mt;  s_n_q <= nt;  s_k_q <= l_k_q;
      s_rq_q <= l_rq_q;  s_st_q <= l_st_q;  s_asrc_q <= l_asrc_q;
      s_ha_q <= ha_step; s_hb_q <= hb_step;
      s_first_q <= l_first_q;  s_last_q <= l_lastn && l_lastm;
      s_err_q <= l_err_q || l_ld_err;
      s_caddr_q <= l_caddr_q;  s_cs_q <= l_cs_q;  s_cew_q <= l_cew_q;  s_id_q <= l_id_q;
    end
  end

  // load descriptors: OS A (M x K row-major) goes in transposed (lanes: rows m), WS A
  // direct (lanes: columns k); B direct (K x N) or transposed (B^T: N x K)
  wire ld_b = (ls_q == LB);
  wire [DstW-1:0] l_dst = ld_b ? (hb_step ? DstB1 : DstB0) : (ha_step ? DstA1 : DstA0);
  wire [AddrW-1:0] l_addr   = ld_b ? l_baddr_q : l_aaddr_q;
  wire [AddrW-1:0] l_stride = ld_b ? l_bs_q : l_as_q;
  wire [DimW-1:0]  l_rows   = ld_b ? (l_btr_q ? nt : l_k_q) : mt;
  wire [DimW-1:0]  l_cols   = ld_b ? (l_btr_q ? l_k_q : nt) : l_k_q;
  wire             l_tr     = ld_b ? l_btr_q : (Dataflow == 0);

  // ---------------------------------------------------------------------------------
  // Back end: GEMMs, write-back descriptors, completion
  // ---------------------------------------------------------------------------------
  reg               e_run_q;         // a GEMM of the controller runs
  reg               r_pend_q;        // the command's last GEMM was issued: completing
  reg               r_st_q;
  reg               r_err_q;         // an AXI error in the back end's command
  reg  [TagW-1:0]   r_id_q;
  // write-back descriptors waiting for the DMA: a queue of WbQ, the oldest at wq_rd_q
  reg  [AddrW-1:0]  wq_addr [0:WbQ-1];
  reg  [AddrW-1:0]  wq_stride [0:WbQ-1];
  reg  [DimW-1:0]   wq_rows [0:WbQ-1];
  reg  [DimW-1:0]   wq_cols [0:WbQ-1];
  reg  [1:0]        wq_ew [0:WbQ-1];
  reg  [WbQW-1:0]   wq_wr_q, wq_rd_q;
  reg  [WbQW:0]     wq_n_q;
  localparam [WbQW:0]   WbQV  = WbQ[WbQW:0];
  localparam integer    WbQI  = WbQ - 1;
  localparam [WbQW-1:0] WbQL  = WbQI[WbQW-1:0];
  wire              w_valid_q = (wq_n_q != {(WbQW+1){1'b0}});   // a descriptor waits
  wire              w_full    = (wq_n_q == WbQV);
  wire [AddrW-1:0]  w_addr_q   = wq_addr[wq_rd_q];
  wire [AddrW-1:0]  w_stride_q = wq_stride[wq_rd_q];
  wire [DimW-1:0]   w_rows_q   = wq_rows[wq_rd_q];
  wire [DimW-1:0]   w_cols_q   = wq_cols[wq_rd_q];
  wire [1:0]        w_ew_q     = wq_ew[wq_rd_q];
  reg               w_out_q;         // a write-back descriptor is in the DMA

  assign eng_valid_o = s_valid_q && !(s_first_q && r_pend_q) && !(w_full && !s_st_q);
  assign s_take      = eng_valid_o && eng_ready_i;
  assign eng_op_o    = OpGemm;
  assign eng_m_o     = s_m_q;
  assign eng_k_o     = s_k_q;
  assign eng_n_o     = s_n_q;
  assign eng_requant_o = s_rq_q;
  assign eng_asrc_o  = s_asrc_q;
  assign eng_bsrc_o  = SrcBuf;
  assign eng_store_o = s_st_q;
  assign eng_ahalf_o = s_ha_q;
  assign eng_bhalf_o = s_hb_q;

  assign sel_wb = w_valid_q && !dma_wr_busy_i;
  wire w_fire   = sel_wb && dsc_ready_i;
  wire w_err    = wdone_valid_i && (wdone_code_i == ErrAxi);
  assign ret_fire = r_pend_q && (r_st_q ? !e_run_q : (!w_valid_q && !w_out_q));

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      e_run_q   <= 1'b0;
      r_pend_q  <= 1'b0;
      r_st_q    <= 1'b0;
      r_err_q   <= 1'b0;
      r_id_q    <= {TagW{1'b0}};
      wq_wr_q   <= {WbQW{1'b0}};
      wq_rd_q   <= {WbQW{1'b0}};
      wq_n_q    <= {(WbQW+1){1'b0}};
      w_out_q   <= 1'b0;
    end else begin
      if (s_take) begin
        e_run_q <= 1'b1;
      end else if (eng_ready_i) begin
        e_run_q <= 1'b0;
      end
      if (w_fire) begin
        wq_rd_q   <= (wq_rd_q == WbQL) ? {WbQW{1'b0}} : wq_rd_q + 1'b1;
        w_out_q   <= !wdone_valid_i;   // a descriptor the DMA refuses completes at once
      end else if (wdone_valid_i) begin
        w_out_q <= 1'b0;
      end
      if (ret_fire) begin
        r_pend_q <= 1'b0;
      end
      if (w_err) begin
        r_err_q <= 1'b1;
      end
      if (s_take) begin
        if (s_first_q) begin
          r_err_q <= s_err_q || w_err;
        end else if (s_err_q) begin
          r_err_q <= 1'b1;
        end
        r_id_q <= s_id_q;
        r_st_q <= s_st_q;
        if (s_last_q) begin
          r_pend_q <= 1'b1;
        end
        if (!s_st_q) begin
          wq_wr_q <= (wq_wr_q == WbQL) ? {WbQW{1'b0}} : wq_wr_q + 1'b1;
        end
      end
      if ((s_take && !s_st_q) && !w_fire)
        wq_n_q <= wq_n_q + 1'b1;
      else if (w_fire && !(s_take && !s_st_q))
        wq_n_q <= wq_n_q - 1'b1;
    end
  end
  always @(posedge clk_i) begin
    if (s_take && !s_st_q) begin
      wq_addr[wq_wr_q] <= s_caddr_q;  wq_stride[wq_wr_q] <= s_cs_q;
      wq_rows[wq_wr_q] <= s_m_q;      wq_cols[wq_wr_q]   <= s_n_q;   wq_ew[wq_wr_q] <= s_cew_q;
    end
  end

  // the descriptor port: a waiting write-back when the write engine is idle, else loads
  assign dsc_valid_o  = sel_wb || (ls_q == LA) || (ls_q == LB && l_newb_q);
  assign dsc_addr_o   = sel_wb ? w_addr_q : l_addr;
  assign dsc_rows_o   = sel_wb ? w_rows_q : l_rows;
  assign dsc_cols_o   = sel_wb ? w_cols_q : l_cols;
  assign dsc_stride_o = sel_wb ? w_stride_q : l_stride;
  assign dsc_ew_o     = sel_wb ? w_ew_q : EbV;
  assign dsc_dst_o    = sel_wb ? DstMem : l_dst;
  assign dsc_tr_o     = sel_wb ? 1'b0 : l_tr;
  assign dsc_id_o     = sel_wb ? r_id_q : l_id_q;

  assign ctl_done_valid_o = ret_fire || (ctl_fire && !ctl_ok);
  assign ctl_done_id_o    = ret_fire ? r_id_q : ctl_id_i;
  assign ctl_done_code_o  = ret_fire ? ((r_err_q || w_err) ? CErrAxi : CErrNone) : chk;
  assign err_o            = err_q;

  wire busy = p_valid_q || (ls_q != LIdle) || s_valid_q || e_run_q || r_pend_q || w_valid_q || w_out_q;
  assign busy_o = busy;

  // ---------------------------------------------------------------------------------
  // Counters
  // ---------------------------------------------------------------------------------
  reg [CntW-1:0] c_busy_q, c_gemm_q, c_wait_q;
  wire waiting = !e_run_q && !s_valid_q && (ls_q != LIdle);
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      c_busy_q <= {CntW{1'b0}};
      c_gemm_q <= {CntW{1'b0}};
      c_wait_q <= {CntW{1'b0}};
    end else if (cnt_clr_i) begin
      c_busy_q <= {CntW{1'b0}};
      c_gemm_q <= {CntW{1'b0}};
      c_wait_q <= {CntW{1'b0}};
    end else begin
      if (busy) begin
        c_busy_q <= c_busy_q + 1'b1;
      end
      if (e_run_q) begin
        c_gemm_q <= c_gemm_q + 1'b1;
      end
      if (waiting) begin
        c_wait_q <= c_wait_q + 1'b1;
      end
    end
  end
  assign cnt_busy_o = c_busy_q;
  assign cnt_gemm_o = c_gemm_q;
  assign cnt_wait_o = c_wait_q;

endmodule

`default_nettype wire
