// tf_seq -- the accelerator's sequencer (fixed-text template): runs the request table through
// every layer in the order of the schedule, docs/architecture.md 3.11, and model/tf_accel.c,
// whose memory effects it reproduces.
//
// On start: the weight image's header is read and checked (its design fields against this
// design's, HdrExp), the workspace placed after the image; then each active entry in table
// order (a prefill restarts the sequence, a decode continues it), each layer: its record is read
// (the arrays' offsets and the scalars), then
//   Q, K, V: the epilogue LOADs bias and requantization, RUNs {BIAS, REQUANT}, and the memory
//            system's controller runs the GEMM (A = the layer input, B = the weights, C = the
//            workspace buffer); the next step waits for both;
//   attention: the feeder runs the layer's attention (regions (l * S + i) * HPC ..);
//   O, FF2:  LOADs bias, requantization, gamma, beta, then commands of at most LNC rows, each a
//            RUN {BIAS, REQUANT, RESIDUAL, LAYERNORM} (the residual rows from the block's input)
//            and a GEMM;
//   FF1:     LOADs, a RUN {BIAS, REQUANT, GELU} and the GEMM into H.
// Every GEMM command is held (ctl_hold_o): the controller loads its weights (B) at once and
// its A only after the go (ctl_go_o) the sequencer pulses with the command's RUN. The next
// command is offered right after that go, so its weights load while the GEMM before it
// still runs; its tables are loaded, and its RUN and go issued, once the command before it
// has completed (the controller's and the epilogue's done) -- and, for O, once the layer's
// attention has run. The last GEMM of a layer (and of a batch) completes before the next
// record is read (a drain); after an error a held command is dropped (ctl_drop_o).
// O, FF1 and FF2 also LOAD the epilogue's per-column shift table (the record's sh_res1, sh_gelu,
// sh_res2) last; their RUNs shift the residual lanes left (O, FF2) or the output lanes right
// (FF1) by it (docs/numerics.md 12).
// Pre-LN layers (PRE_LN = 1) add two LayerNorm passes, LN1 before Q (the layer input into XN,
// which Q, K and V read) and LN2 before FF1 (X1 into XN, which FF1 reads): LOADs
// requantization (Q's table), gamma, beta, then commands of at most LNC rows, each a RUN
// {REQUANT, RESIDUAL, LAYERNORM} with zeros for the engine's data (cmd_zero) and the rows as
// the residual operand at scale 1, paced by a K = 1 GEMM (A = the rows' first bytes, B = the
// first row of Q's weights: one engine step per output beat); O and FF2 then end in the
// residual add (RUNs {BIAS, REQUANT, RESIDUAL}, still commands of at most LNC rows: the
// epilogue's residual buffer).
// Batches (BMAX > 1, docs/architecture.md 3.12, as model/tf_accel.c): the active entries not
// yet run, scanned in table order and checked one by one, join a batch while it has fewer than
// cap_i entries (the BATCH register's CAP, 1..BMAX) and their tokens fit in MAXSEQ rows; an
// entry that does not fit closes the batch (fit_i = 0: in order) or waits for a later batch
// while later entries may still join (fit_i = 1: first fit). Each batch is announced on
// bt_valid_o / bt_mask_o (its entries) as it starts; after it the scan begins again at entry 0
// until no entry is left. The batch runs through every layer together -- its entries' rows
// one after the other through every GEMM and LayerNorm pass, attention entry by entry. A batch
// of several first copies each entry's input rows into Y (a copy pass: the LayerNorm pass's
// machinery with {REQUANT, RESIDUAL} and no LayerNorm, writing the rows unchanged), and after
// the last layer copies each entry's rows to its output address.
// The row streamer belongs to one client at a time (owner_o): the sequencer (header, records),
// the epilogue or the feeder. Errors (err_o with the code and the entry; the run stops):
// CodeImage (the header is not this design's), CodeLen (len 0 or past MaxSeq), CodeDecode (a
// decode of a bidirectional sequence), CodeAxi (an AXI error response or a controller refusal),
// CodeUnit (the auxiliary or attention unit refused a command); the entry is 255 for the image.
`default_nettype none

module tf_seq #(
  parameter integer AddrW   = 32,
  parameter integer DW      = 64,     // port width
  parameter integer S       = 2,      // request-table entries
  parameter integer BMAX    = 1,      // entries per batch
  parameter integer LAYERS  = 2,
  parameter integer D       = 32,     // d_model
  parameter integer DFF     = 64,
  parameter integer MAXSEQ  = 16,
  parameter integer HPC     = 1,      // model heads per attention cache
  parameter integer CAUSAL  = 1,
  parameter integer PRE_LN  = 0,      // LayerNorm before each block (else after)
  parameter integer TokW    = 8,
  parameter integer RgW     = 3,      // attention region index
  parameter integer LNC     = 8,      // rows of a command that ends in LayerNorm
  parameter integer XRowW   = 5,      // auxiliary rows
  parameter integer XDW     = 7,      // auxiliary d
  parameter integer CDimW   = 16,     // controller m, n
  parameter integer DimW    = 7,      // controller k
  parameter integer StrD    = 32,     // row stride of d-wide buffers (bytes)
  parameter integer StrF    = 64,     // ... of d_ff-wide buffers
  parameter integer Align   = 64,     // the image's array alignment
  parameter integer RecStride = 256,  // the image's record stride
  parameter integer OffX = 0, OffY = 1024, OffQ = 3072, OffK = 4096, OffV = 5120, OffAO = 6144,
  parameter integer OffX1 = 7168, OffH = 8192, OffXN = 9216, // workspace buffers (bytes after its start)
  parameter [52*8-1:0] HdrExp = {(52*8){1'b0}},   // the header's first 52 bytes, byte 0 lowest
  parameter [51:0]     HdrChk = {52{1'b1}},       // ... which of them to compare
  parameter [2:0] OpBias = 3'd1, OpRq = 3'd2, OpGamma = 3'd3, OpBeta = 3'd4, OpShift = 3'd7,
  parameter [4:0] ChBias = 5'd1, ChRq = 5'd2, ChRes = 5'd4, ChLn = 5'd8, ChGelu = 5'd16,
  parameter [7:0] CodeImage = 8'd1, CodeLen = 8'd2, CodeDecode = 8'd3, CodeAxi = 8'd4, CodeUnit = 8'd6
) (
  input  wire                 clk_i,
  input  wire                 rst_ni,
  // registers
  input  wire                 start_i,
  output wire                 busy_o,
  output reg                  done_o,
  output reg                  err_o,
  output reg  [7:0]           err_code_o,
  output reg  [7:0]           err_seq_o,
  input  wire [AddrW-1:0]     wbase_i,
  input  wire [4:0]           cap_i,          // entries per batch at most (1..BMAX)
  input  wire                 fit_i,          // first fit (else in order)
  output reg                  bt_valid_o,     // a batch starts (one cycle) ...
  output reg  [S-1:0]         bt_mask_o,      // ... with these entries
  input  wire [S-1:0]         req_active_i,
  input  wire [S-1:0]         req_decode_i,
  input  wire [S-1:0]         req_reset_i,
  input  wire [S*16-1:0]      req_len_i,
  input  wire [S*AddrW-1:0]   req_in_i,
  input  wire [S*AddrW-1:0]   req_out_i,
  output wire [S*16-1:0]      req_pos_o,
  // the row streamer (while owner_o = 0) and its owner
  output reg  [1:0]           owner_o,        // 0 sequencer, 1 epilogue, 2 feeder
  output reg                  rd_valid_o,
  input  wire                 rd_ready_i,
  output reg  [AddrW-1:0]     rd_addr_o,
  output reg  [15:0]          rd_bytes_o,
  input  wire                 r_valid_i,
  input  wire [DW-1:0]        r_data_i,
  input  wire                 r_last_i,
  input  wire                 rdone_i,
  input  wire [1:0]           rdone_code_i,
  // the memory system's controller
  output reg                  ctl_valid_o,
  input  wire                 ctl_ready_i,
  output wire [AddrW-1:0]     ctl_a_addr_o,
  output wire [AddrW-1:0]     ctl_a_stride_o,
  output wire [AddrW-1:0]     ctl_b_addr_o,
  output wire [AddrW-1:0]     ctl_b_stride_o,
  output wire [AddrW-1:0]     ctl_c_addr_o,
  output wire [AddrW-1:0]     ctl_c_stride_o,
  output wire [CDimW-1:0]     ctl_m_o,
  output wire [DimW-1:0]      ctl_k_o,
  output wire [CDimW-1:0]     ctl_n_o,
  output wire                 ctl_hold_o,
  output reg                  ctl_go_o,
  output reg                  ctl_drop_o,
  input  wire                 ctl_done_i,
  input  wire [2:0]           ctl_done_code_i,
  input  wire                 ctl_busy_i,
  // the epilogue
  output reg                  ep_valid_o,
  input  wire                 ep_ready_i,
  output reg                  ep_kind_o,      // 0 RUN, 1 LOAD
  output reg  [2:0]           ep_op_o,
  output reg  [XDW-1:0]       ep_n_o,
  output reg  [AddrW-1:0]     ep_addr_o,
  output wire [AddrW-1:0]     ep_stride_o,
  output wire [XRowW-1:0]     ep_m_o,
  output wire [XDW-1:0]       ep_d_o,
  output wire [4:0]           ep_ops_o,
  output wire                 ep_zero_o,
  output wire                 ep_shl_o,
  output wire                 ep_shr_o,
  output wire [30:0]          ep_res_mult_o,
  output wire [4:0]           ep_res_lsh_o,
  output wire [4:0]           ep_res_shift_o,
  output wire [3:0]           ep_ln_gf_o,
  output wire [4:0]           ep_ln_bf_o,
  output wire [31:0]          ep_ln_eps_o,
  output wire [15:0]          ep_gelu_in_mant_o,
  output wire [5:0]           ep_gelu_in_exp_o,
  output wire [15:0]          ep_gelu_out_mant_o,
  output wire [5:0]           ep_gelu_out_exp_o,
  input  wire                 ep_done_i,
  input  wire                 aux_err_i,
  // the attention feeder
  output reg                  fd_valid_o,
  input  wire                 fd_ready_i,
  output wire                 fd_bidir_o,
  output wire [TokW-1:0]      fd_n_o,
  output wire [TokW-1:0]      fd_pos_o,
  output wire [RgW-1:0]       fd_rbase_o,
  output wire [AddrW-1:0]     fd_q_o,
  output wire [AddrW-1:0]     fd_k_o,
  output wire [AddrW-1:0]     fd_v_o,
  output wire [AddrW-1:0]     fd_ao_o,
  output wire [AddrW-1:0]     fd_stride_o,
  output wire [31:0]          fd_scale_o,
  output wire [30:0]          fd_ao_mult_o,
  output wire [4:0]           fd_ao_shift_o,
  input  wire                 fd_done_i,
  input  wire                 fd_err_i
);

  localparam integer PB  = DW / 8;
  localparam integer OB  = (AddrW + 7) / 8;        // bytes of an offset that make an address
  localparam integer NOFF = 25, NSC = 19;
  localparam integer RecB = NOFF * 8 + NSC * 4;    // 276
  localparam integer LW  = (LAYERS <= 1) ? 1 : $clog2(LAYERS);
  localparam integer SW  = (S <= 1) ? 1 : $clog2(S);
  localparam integer BW  = (BMAX <= 1) ? 1 : $clog2(BMAX);   // a member's index
  localparam integer NB  = 1 << BW;                          // member slots
  localparam integer WCW = 8;                      // word counter of a header or record read
  localparam integer LastLI = LAYERS - 1, LastSI = S - 1;
  localparam [LW-1:0] LastL = LastLI[LW-1:0];
  localparam [SW-1:0] LastS = LastSI[SW-1:0];
  localparam [16:0]   MaxSeqV = MAXSEQ[16:0];

  localparam [4:0] SIdle = 5'd0, SHdrRd = 5'd1, SHdr = 5'd2, SEntry = 5'd3, SRecRd = 5'd4, SRec = 5'd5,
                   SLoad = 5'd6, SLoadW = 5'd7, SRun = 5'd8, SGemm = 5'd9, SWait = 5'd10, SAttn = 5'd11,
                   SAttnW = 5'd12, SNext = 5'd13, SDone = 5'd14, SErr = 5'd15, SBatch = 5'd16,
                   SDrain = 5'd17, SSettle = 5'd18;

  reg  [4:0]        st_q;
  reg  [SW-1:0]     i_q;                 // entry
  reg  [LW-1:0]     l_q;                 // layer
  reg  [3:0]        p_q;                 // 0 q, 1 k, 2 v, 3 o, 4 ff1, 5 ff2; 6 LN1, 7 LN2 (pre-LN);
                                         // 8 copy in, 9 copy out (a batch of several)
  reg  [2:0]        ld_q;                // table being loaded: 0 bias, 1 rq, 2 gamma, 3 beta, 4 shifts
  reg  [TokW-1:0]   n_q, r0_q;           // the batch's rows, first row of the command
  reg               end_q;               // every entry scanned
  reg  [BW:0]       nb_q;                // the batch's entries
  reg  [TokW-1:0]   t_q;                 // ... and their rows
  reg  [BW-1:0]     m_q;                 // member of a per-entry step (attention, copies)
  reg               g_q;                 // the batch's rows are copied in
  reg               run_q;               // a batch is running (errors name its first entry)
  reg  [S-1:0]      taken_q;             // entries run (or running) since START
  reg  [S-1:0]      mask_q;              // the batch's entries
  (* mem2reg *) reg [SW-1:0]   mi_r [0:NB-1];   // members: entry, tokens, first row, position
  (* mem2reg *) reg [TokW-1:0] ml_r [0:NB-1];
  (* mem2reg *) reg [TokW-1:0] mr_r [0:NB-1];
  (* mem2reg *) reg [TokW-1:0] mp_r [0:NB-1];
  reg  [AddrW-1:0]  ws_q, tab_q;
  reg  [WCW-1:0]    wc_q;                // word of the header or record
  reg               hbad_q;              // a header byte differs
  reg  [63:0]       tot_q, tbl_q;        // the header's total bytes and layer table
  reg               ep_wait_q, ctl_wait_q;   // the released command's RUN, GEMM not done
  reg               held_q;              // a held command was taken, its go not given
  reg               ldt_q;               // the step loads its tables before the RUN
  reg               att_q;               // ... and runs the layer's attention before them
  reg               fin_q;               // draining: the batch is done (else: the next record)
  (* mem2reg *) reg [15:0] pos_r [0:S-1];
  reg  [S-1:0]      done_r;              // bidirectional prompt ran
  reg  [7:0]        code_q;

  // ---------------------------------------------------------------------------
  // The entry's fields
  // ---------------------------------------------------------------------------
  wire [15:0]      len_i  = req_len_i[i_q*16 +: 16];
  wire             dec_i  = req_decode_i[i_q];
  wire [15:0]      pos_i  = dec_i ? pos_r[i_q] : 16'd0;
  wire [16:0]      end_i  = {1'b0, pos_i} + {1'b0, len_i};
  wire [16:0]      fill_i = {{(17-TokW){1'b0}}, t_q} + {1'b0, len_i};   // the batch's rows with it
  wire [5:0]       nb6    = {{(5-BW){1'b0}}, nb_q};
  wire             full   = (nb6 == {1'b0, cap_i});                        // the batch has cap_i entries
  // the batch: its first entry's rows (one entry runs in place), the member m_q
  wire [SW-1:0]    e0     = mi_r[0];
  wire [AddrW-1:0] in0    = req_in_i[e0*AddrW +: AddrW];
  wire [AddrW-1:0] out0   = req_out_i[e0*AddrW +: AddrW];
  wire [SW-1:0]    mi     = mi_r[m_q];
  wire [TokW-1:0]  mlen   = ml_r[m_q];
  wire [TokW-1:0]  mrow   = mr_r[m_q];
  wire [TokW-1:0]  mpos   = mp_r[m_q];
  wire [AddrW-1:0] min_a  = req_in_i[mi*AddrW +: AddrW];
  wire [AddrW-1:0] mout_a = req_out_i[mi*AddrW +: AddrW];
  wire             multi  = (nb_q > {{BW{1'b0}}, 1'b1});
  genvar gs;
  generate
    for (gs = 0; gs < S; gs = gs + 1) begin : g_pos
      assign req_pos_o[gs*16 +: 16] = pos_r[gs];
    end
  endgenerate

  // ---------------------------------------------------------------------------
  // Header and record bytes, captured from the streamer's words
  // ---------------------------------------------------------------------------
  wire r_fire = r_valid_i && (st_q == SHdr || st_q == SRec);
  wire [8*RecB-1:0] rec;                   // the record's bytes the sequencer keeps (others 0)
  genvar gb;
  generate
    for (gb = 0; gb < RecB; gb = gb + 1) begin : g_rec
      localparam integer WI = gb / PB, LI = gb % PB;
      if ((gb >= NOFF * 8) || ((gb % 8) < OB)) begin : g_keep
        reg [7:0] b_q;
        always @(posedge clk_i or negedge rst_ni)
          if (!rst_ni) b_q <= 8'd0;
          else if (r_fire && st_q == SRec && wc_q == WI[WCW-1:0]) b_q <= r_data_i[LI*8 +: 8];
        assign rec[gb*8 +: 8] = b_q;
      end else begin : g_drop
        assign rec[gb*8 +: 8] = 8'd0;
      end
    end
  endgenerate
  // the header: bytes 0..51 compared, the table (60..67) and total (68..75) kept
  reg  hb_bad;
  reg  [63:0] tbl_nx, tot_nx;
  integer hj;
  always @* begin
    hb_bad = 1'b0;
    tbl_nx = tbl_q;
    tot_nx = tot_q;
    for (hj = 0; hj < PB; hj = hj + 1) begin
      if ({{(32-WCW){1'b0}}, wc_q} * PB + hj < 52) begin
        if (HdrChk[wc_q * PB + hj] && r_data_i[hj*8 +: 8] != HdrExp[(wc_q * PB + hj)*8 +: 8])
          hb_bad = 1'b1;
      end else if ({{(32-WCW){1'b0}}, wc_q} * PB + hj >= 60 && {{(32-WCW){1'b0}}, wc_q} * PB + hj < 68) begin
        tbl_nx[(wc_q * PB + hj - 60)*8 +: 8] = r_data_i[hj*8 +: 8];
      end else if ({{(32-WCW){1'b0}}, wc_q} * PB + hj >= 68 && {{(32-WCW){1'b0}}, wc_q} * PB + hj < 76) begin
        tot_nx[(wc_q * PB + hj - 68)*8 +: 8] = r_data_i[hj*8 +: 8];
      end
    end
  end
  wire [AddrW-1:0] woff [0:NOFF-1];        // the record's array offsets, as addresses
  wire [31:0]      sc   [0:NSC-1];         // its scalars
  genvar go;
  generate
    for (go = 0; go < NOFF; go = go + 1) begin : g_off
      wire [63:0] o64 = rec[go*64 +: 64];
      assign woff[go] = wbase_i + o64[AddrW-1:0];
      wire unused_o = ^o64;
    end
    for (go = 0; go < NSC; go = go + 1) begin : g_sc
      assign sc[go] = rec[(NOFF*8 + go*4)*8 +: 32];
    end
  endgenerate

  // ---------------------------------------------------------------------------
  // Addresses of the current step
  // ---------------------------------------------------------------------------
  wire [AddrW-1:0] bx  = ws_q + OffX[AddrW-1:0];
  wire [AddrW-1:0] by  = ws_q + OffY[AddrW-1:0];
  wire [LW-1:0]    lm1 = l_q - 1'b1;
  wire [AddrW-1:0] src = (l_q == {LW{1'b0}}) ? (multi ? by : in0) : (lm1[0] ? by : bx);
  wire [AddrW-1:0] dst = (l_q == LastL && !multi) ? out0 : (l_q[0] ? by : bx);
  wire [AddrW-1:0] fin = LastL[0] ? by : bx;        // the last layer's rows of a batch of several
  wire [AddrW-1:0] bq  = ws_q + OffQ[AddrW-1:0];
  wire [AddrW-1:0] bk  = ws_q + OffK[AddrW-1:0];
  wire [AddrW-1:0] bv  = ws_q + OffV[AddrW-1:0];
  wire [AddrW-1:0] bao = ws_q + OffAO[AddrW-1:0];
  wire [AddrW-1:0] bx1 = ws_q + OffX1[AddrW-1:0];
  wire [AddrW-1:0] bh  = ws_q + OffH[AddrW-1:0];
  wire [AddrW-1:0] bxn = ws_q + OffXN[AddrW-1:0];
  localparam integer PreLnI = PRE_LN;
  wire             pre    = (PreLnI != 0);
  localparam [AddrW-1:0] SD = StrD[AddrW-1:0], SF = StrF[AddrW-1:0];

  wire cpy    = p_q[3];                                 // a copy pass (8 in, 9 out)
  wire lnp    = (p_q == 4'd6) || (p_q == 4'd7);         // a LayerNorm pass
  wire pass   = lnp || cpy;                             // zeros for the engine's data, K = 1
  wire ln1    = (p_q == 4'd3) || (p_q == 4'd6);         // with ln1's parameters (else ln2's)
  wire has_ln = lnp || (!pre && ((p_q == 4'd3) || (p_q == 4'd5)));
  wire has_res = pass || (p_q == 4'd3) || (p_q == 4'd5); // commands of at most LNC rows
  wire has_sh  = !pass && (p_q == 4'd3 || p_q == 4'd4 || p_q == 4'd5); // a per-column shift table
  wire [AddrW-1:0] mrow_off = {{(AddrW-TokW){1'b0}}, mrow} * SD;
  wire [AddrW-1:0] cp_src   = (p_q == 4'd8) ? min_a : fin + mrow_off;
  wire [AddrW-1:0] cp_dst   = (p_q == 4'd8) ? by + mrow_off : mout_a;
  wire [4:0] chain = cpy ? (ChRq | ChRes) : lnp ? (ChRq | ChRes | ChLn) : (p_q < 4'd3) ? (ChBias | ChRq) :
                     (p_q == 4'd4) ? (ChBias | ChRq | ChGelu) :
                     pre ? (ChBias | ChRq | ChRes) : (ChBias | ChRq | ChRes | ChLn);
  wire [AddrW-1:0] a_base   = cpy ? cp_src : (p_q == 4'd6) ? src : (p_q == 4'd7) ? bx1 :
                              (p_q < 4'd3) ? (pre ? bxn : src) : (p_q == 4'd3) ? bao :
                              (p_q == 4'd4) ? (pre ? bxn : bx1) : bh;
  wire [AddrW-1:0] a_stride = (p_q == 4'd5) ? SF : SD;
  wire [AddrW-1:0] c_base   = cpy ? cp_dst : lnp ? bxn : (p_q == 4'd0) ? bq : (p_q == 4'd1) ? bk :
                              (p_q == 4'd2) ? bv : (p_q == 4'd3) ? bx1 : (p_q == 4'd4) ? bh : dst;
  wire [AddrW-1:0] c_stride = (p_q == 4'd4) ? SF : SD;
  wire [AddrW-1:0] res_base = cpy ? cp_src : (p_q == 4'd3 || p_q == 4'd6) ? src : bx1;
  wire [15:0]      kdim     = pass ? 16'd1 : (p_q == 4'd5) ? DFF[15:0] : D[15:0];
  wire [15:0]      ndim     = (p_q == 4'd4) ? DFF[15:0] : D[15:0];
  wire [2:0]       wsel     = pass ? 3'd0 : p_q[2:0]; // the weights (a pass: Q's first row)
  wire [TokW-1:0]  ncmd     = cpy ? mlen : n_q;       // rows of the step
  wire [TokW-1:0]  left     = ncmd - r0_q;
  wire [TokW-1:0]  rows     = (has_res && left > LNC[TokW-1:0]) ? LNC[TokW-1:0] : left;
  wire [AddrW-1:0] roff_a   = {{(AddrW-TokW){1'b0}}, r0_q} * a_stride;
  wire [AddrW-1:0] roff_d   = {{(AddrW-TokW){1'b0}}, r0_q} * SD;

  assign ctl_a_addr_o   = a_base + roff_a;
  assign ctl_a_stride_o = a_stride;
  assign ctl_b_addr_o   = woff[wsel * 3];
  assign ctl_b_stride_o = (ndim == DFF[15:0]) ? SF : SD;
  assign ctl_c_addr_o   = c_base + roff_d;
  assign ctl_c_stride_o = c_stride;
  assign ctl_m_o        = {{(CDimW-TokW){1'b0}}, rows};
  assign ctl_hold_o     = 1'b1;
  assign ctl_k_o        = kdim[DimW-1:0];
  assign ctl_n_o        = ndim[CDimW-1:0];

  assign ep_stride_o        = SD;
  assign ep_m_o             = rows[XRowW-1:0];
  assign ep_d_o             = ndim[XDW-1:0];
  assign ep_ops_o           = chain;
  assign ep_zero_o          = pass;
  assign ep_shl_o           = has_sh && (p_q != 4'd4);
  assign ep_shr_o           = has_sh && (p_q == 4'd4);
  // the residual's scale: res1 (O), res2 (FF2), or 1 = 2^30 * 2^(1 - 31) for a pass
  assign ep_res_mult_o      = pass ? 31'h4000_0000 : (p_q == 4'd3) ? sc[3][30:0] : sc[6][30:0];
  assign ep_res_lsh_o       = pass ? 5'd1 : (p_q == 4'd3) ? sc[4][4:0] : sc[7][4:0];
  assign ep_res_shift_o     = pass ? 5'd0 : (p_q == 4'd3) ? sc[5][4:0] : sc[8][4:0];
  assign ep_ln_gf_o         = ln1 ? sc[9][3:0] : sc[12][3:0];
  assign ep_ln_bf_o         = ln1 ? sc[10][4:0] : sc[13][4:0];
  assign ep_ln_eps_o        = ln1 ? sc[11] : sc[14];
  assign ep_gelu_in_mant_o  = sc[15][15:0];
  assign ep_gelu_in_exp_o   = sc[16][5:0];
  assign ep_gelu_out_mant_o = sc[17][15:0];
  assign ep_gelu_out_exp_o  = sc[18][5:0];

  assign fd_bidir_o    = (CAUSAL == 0);
  assign fd_n_o        = mlen;
  assign fd_pos_o      = mpos;
  wire [31:0] rb32     = ({{(32-LW){1'b0}}, l_q} * S + {{(32-SW){1'b0}}, mi}) * HPC;
  assign fd_rbase_o    = rb32[RgW-1:0];
  assign fd_q_o        = bq + mrow_off;
  assign fd_k_o        = bk + mrow_off;
  assign fd_v_o        = bv + mrow_off;
  assign fd_ao_o       = bao + mrow_off;
  assign fd_stride_o   = SD;
  assign fd_scale_o    = sc[0];
  assign fd_ao_mult_o  = sc[1][30:0];
  assign fd_ao_shift_o = sc[2][4:0];
  wire unused_sc = ^{sc[1][31], sc[2][31:5], sc[3][31], sc[4][31:5], sc[5][31:5], sc[6][31], sc[7][31:5],
                     sc[8][31:5], sc[9][31:4], sc[10][31:5], sc[12][31:4], sc[13][31:5], sc[15][31:16],
                     sc[16][31:6], sc[17][31:16], sc[18][31:6], rb32, kdim, ndim, tot_q[63:AddrW],
                     tbl_q[63:AddrW], rdone_code_i, r_last_i, lm1, fill_i[16]};

  // ---------------------------------------------------------------------------
  // Control
  // ---------------------------------------------------------------------------
  assign busy_o = (st_q != SIdle);
  // an error now: one seen before (code_q), or one arriving in this cycle
  wire err_now = (code_q != 8'd0) || (ctl_done_i && ctl_done_code_i != 3'd0) || aux_err_i || fd_err_i
                 || (rdone_i && rdone_code_i != 2'd0);
  wire [AddrW-1:0] img_end = wbase_i + tot_q[AddrW-1:0];
  localparam [AddrW-1:0] AlignM = Align - 1;
  integer si;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q <= SIdle;
      i_q <= {SW{1'b0}}; l_q <= {LW{1'b0}}; p_q <= 4'd0; ld_q <= 3'd0;
      n_q <= {TokW{1'b0}}; r0_q <= {TokW{1'b0}};
      end_q <= 1'b0; nb_q <= {(BW+1){1'b0}}; t_q <= {TokW{1'b0}}; m_q <= {BW{1'b0}}; g_q <= 1'b0;
      run_q <= 1'b0; taken_q <= {S{1'b0}}; mask_q <= {S{1'b0}};
      bt_valid_o <= 1'b0; bt_mask_o <= {S{1'b0}};
      for (si = 0; si < NB; si = si + 1) begin
        mi_r[si] <= {SW{1'b0}}; ml_r[si] <= {TokW{1'b0}}; mr_r[si] <= {TokW{1'b0}}; mp_r[si] <= {TokW{1'b0}};
      end
      ws_q <= {AddrW{1'b0}}; tab_q <= {AddrW{1'b0}}; wc_q <= {WCW{1'b0}}; hbad_q <= 1'b0;
      tot_q <= 64'd0; tbl_q <= 64'd0; ep_wait_q <= 1'b0; ctl_wait_q <= 1'b0; code_q <= 8'd0;
      held_q <= 1'b0; ldt_q <= 1'b0; att_q <= 1'b0; fin_q <= 1'b0; ctl_go_o <= 1'b0; ctl_drop_o <= 1'b0;
      done_r <= {S{1'b0}};
      for (si = 0; si < S; si = si + 1) pos_r[si] <= 16'd0;
      done_o <= 1'b0; err_o <= 1'b0; err_code_o <= 8'd0; err_seq_o <= 8'd0;
      owner_o <= 2'd0; rd_valid_o <= 1'b0; rd_addr_o <= {AddrW{1'b0}}; rd_bytes_o <= 16'd0;
      ctl_valid_o <= 1'b0; ep_valid_o <= 1'b0; ep_kind_o <= 1'b0; ep_op_o <= 3'd0; ep_n_o <= {XDW{1'b0}};
      ep_addr_o <= {AddrW{1'b0}}; fd_valid_o <= 1'b0;
    end else begin
      done_o     <= 1'b0;
      err_o      <= 1'b0;
      bt_valid_o <= 1'b0;
      ctl_go_o   <= 1'b0;
      ctl_drop_o <= 1'b0;
      // the released command's completions (a LOAD's done comes only while none is running;
      // a held command cannot complete before its go, a refused one stops the run)
      if (ep_done_i) ep_wait_q <= 1'b0;
      if (ctl_done_i) ctl_wait_q <= 1'b0;
      if (st_q == SIdle)
        for (si = 0; si < S; si = si + 1)
          if (req_reset_i[si]) begin
            pos_r[si]  <= 16'd0;
            done_r[si] <= 1'b0;
          end
      if (rdone_i && rdone_code_i != 2'd0)
        code_q <= CodeAxi;
      if (ctl_done_i && ctl_done_code_i != 3'd0)
        code_q <= CodeAxi;
      if (aux_err_i || fd_err_i)
        code_q <= CodeUnit;
      case (st_q)
        SIdle: begin
          if (start_i) begin
            code_q     <= 8'd0;
            ep_wait_q  <= 1'b0;
            ctl_wait_q <= 1'b0;
            owner_o    <= 2'd0;
            rd_addr_o  <= wbase_i;
            rd_bytes_o <= 16'd128;
            rd_valid_o <= 1'b1;
            wc_q       <= {WCW{1'b0}};
            hbad_q     <= 1'b0;
            st_q       <= SHdrRd;
          end
        end
        SHdrRd: if (rd_ready_i) begin rd_valid_o <= 1'b0; st_q <= SHdr; end
        SHdr: begin
          if (r_fire) begin
            wc_q   <= wc_q + 1'b1;
            hbad_q <= hbad_q | hb_bad;
            tbl_q  <= tbl_nx;
            tot_q  <= tot_nx;
          end
          if (rdone_i) begin
            if (hbad_q || err_now) begin
              code_q <= CodeImage;
              st_q   <= SErr;
            end else begin
              ws_q  <= (img_end + AlignM) & ~AlignM;
              tab_q <= wbase_i + tbl_q[AddrW-1:0];
              i_q   <= {SW{1'b0}};
              end_q <= 1'b0;
              nb_q  <= {(BW+1){1'b0}};
              t_q   <= {TokW{1'b0}};
              run_q <= 1'b0;
              taken_q <= {S{1'b0}};
              mask_q  <= {S{1'b0}};
              st_q  <= SEntry;
            end
          end
        end
        // forming a batch: entry i_q joins it, or the batch runs
        SEntry: begin
          if (end_q) begin
            st_q <= SBatch;
          end else if (!req_active_i[i_q] || taken_q[i_q]) begin
            if (i_q == LastS) end_q <= 1'b1;
            else i_q <= i_q + 1'b1;
          end else if (dec_i && CAUSAL == 0 && done_r[i_q]) begin
            code_q <= CodeDecode;
            st_q   <= SErr;
          end else if (len_i == 16'd0 || end_i > MaxSeqV) begin
            code_q <= CodeLen;
            st_q   <= SErr;
          end else if (full || (fill_i > MaxSeqV && !fit_i)) begin
            st_q <= SBatch;                  // the entry waits for the next batch
          end else if (fill_i > MaxSeqV) begin
            if (i_q == LastS) end_q <= 1'b1; // first fit: a later entry may still join
            else i_q <= i_q + 1'b1;
          end else begin
            taken_q[i_q] <= 1'b1;
            mask_q[i_q]  <= 1'b1;
            mi_r[nb_q[BW-1:0]] <= i_q;
            ml_r[nb_q[BW-1:0]] <= len_i[TokW-1:0];
            mr_r[nb_q[BW-1:0]] <= t_q;
            mp_r[nb_q[BW-1:0]] <= pos_i[TokW-1:0];
            nb_q <= nb_q + 1'b1;
            t_q  <= t_q + len_i[TokW-1:0];
            if (i_q == LastS) end_q <= 1'b1;
            else i_q <= i_q + 1'b1;
          end
        end
        SBatch: begin
          if (nb_q == {(BW+1){1'b0}}) begin
            st_q <= SDone;
          end else begin
            bt_valid_o <= 1'b1;
            bt_mask_o  <= mask_q;
            n_q   <= t_q;
            l_q   <= {LW{1'b0}};
            m_q   <= {BW{1'b0}};
            g_q   <= 1'b0;
            run_q <= 1'b1;
            st_q  <= SRecRd;
          end
        end
        SRecRd: begin
          owner_o    <= 2'd0;
          rd_addr_o  <= tab_q + {{(AddrW-LW){1'b0}}, l_q} * RecStride[AddrW-1:0];
          rd_bytes_o <= RecB[15:0];
          wc_q       <= {WCW{1'b0}};
          if (rd_valid_o && rd_ready_i) begin
            rd_valid_o <= 1'b0;
            st_q       <= SRec;
          end else begin
            rd_valid_o <= 1'b1;
          end
        end
        SRec: begin
          if (r_fire)
            wc_q <= wc_q + 1'b1;
          if (rdone_i) begin
            if (multi && !g_q) begin         // a batch of several: its rows copied in first
              p_q  <= 4'd8;
              ld_q <= 3'd1;
            end else begin
              p_q  <= pre ? 4'd6 : 4'd0;     // pre-LN: LN1 first, without a bias table
              ld_q <= pre ? 3'd1 : 3'd0;
            end
            r0_q  <= {TokW{1'b0}};
            ldt_q <= 1'b1;
            att_q <= 1'b0;
            st_q  <= err_now ? SErr : SGemm;
          end
        end
        // the projection's tables: bias, requantization, and with LayerNorm gamma, beta
        SLoad: begin
          owner_o   <= 2'd1;
          ep_kind_o <= 1'b1;
          ep_op_o   <= (ld_q == 3'd0) ? OpBias : (ld_q == 3'd1) ? OpRq : (ld_q == 3'd2) ? OpGamma :
                       (ld_q == 3'd3) ? OpBeta : OpShift;
          ep_n_o    <= ndim[XDW-1:0];
          ep_addr_o <= (ld_q == 3'd0) ? woff[wsel * 3 + 1] : (ld_q == 3'd1) ? woff[wsel * 3 + 2] :
                       (ld_q == 3'd2) ? woff[ln1 ? 18 : 20] : (ld_q == 3'd3) ? woff[ln1 ? 19 : 21] :
                       woff[(p_q == 4'd3) ? 22 : (p_q == 4'd5) ? 23 : 24];
          if (ep_valid_o && ep_ready_i) begin
            ep_valid_o <= 1'b0;
            st_q       <= SLoadW;
          end else begin
            ep_valid_o <= 1'b1;
          end
        end
        SLoadW: begin
          if (err_now) begin
            st_q <= SErr;
          end else if (ep_done_i) begin
            // bias, rq (gamma, beta with LayerNorm), then the shift table where there is one
            if (ld_q == 3'd4 || ((ld_q == 3'd1 && !has_ln || ld_q == 3'd3) && !has_sh)) begin
              st_q <= SRun;
            end else begin
              ld_q <= (ld_q == 3'd1 && !has_ln || ld_q == 3'd3) ? 3'd4 : ld_q + 1'b1;
              st_q <= SLoad;
            end
          end
        end
        // the step's RUN, and the go of its (held) GEMM command
        SRun: begin
          owner_o   <= 2'd1;
          ep_kind_o <= 1'b0;
          ep_addr_o <= res_base + roff_d;
          if (ep_valid_o && ep_ready_i) begin
            ep_valid_o <= 1'b0;
            ctl_go_o   <= 1'b1;
            held_q     <= 1'b0;
            ep_wait_q  <= 1'b1;
            ctl_wait_q <= 1'b1;
            st_q       <= SNext;
          end else begin
            ep_valid_o <= 1'b1;
          end
        end
        // the step's GEMM command, held: the controller loads its weights meanwhile
        SGemm: begin
          if (ctl_valid_o && ctl_ready_i) begin
            ctl_valid_o <= 1'b0;
            // not refused: the controller never accepts a command in a cycle it completes one,
            // so a done in this cycle is this command's refusal
            held_q      <= !(ctl_done_i && ctl_done_code_i != 3'd0);
            st_q        <= SWait;
          end else begin
            ctl_valid_o <= 1'b1;
          end
        end
        // the command before it completes; then attention (before O), tables, the RUN
        SWait: begin
          if (err_now) begin
            st_q <= SErr;
          end else if ((!ep_wait_q || ep_done_i) && (!ctl_wait_q || ctl_done_i)) begin
            if (att_q) begin
              owner_o    <= 2'd2;
              fd_valid_o <= 1'b1;
              m_q        <= {BW{1'b0}};
              st_q       <= SAttn;
            end else begin
              st_q <= ldt_q ? SLoad : SRun;
            end
          end
        end
        // the batch's last command (or the layer's) completes before what follows
        SDrain: begin
          if (err_now) begin
            st_q <= SErr;
          end else if ((!ep_wait_q || ep_done_i) && (!ctl_wait_q || ctl_done_i)) begin
            if (!fin_q) begin
              st_q <= SRecRd;
            end else begin
              // the batch is done: its entries' positions; then the next batch
              for (si = 0; si < NB; si = si + 1)
                if (si < nb_q) begin
                  pos_r[mi_r[si]]  <= {{(16-TokW){1'b0}}, mp_r[si]} + {{(16-TokW){1'b0}}, ml_r[si]};
                  done_r[mi_r[si]] <= (CAUSAL == 0);
                end
              nb_q   <= {(BW+1){1'b0}};
              t_q    <= {TokW{1'b0}};
              run_q  <= 1'b0;
              mask_q <= {S{1'b0}};
              i_q    <= {SW{1'b0}};        // the scan begins again
              end_q  <= 1'b0;
              st_q   <= SEntry;
            end
          end
        end
        // the step after a RUN: the next command of the pass (at most LNC rows each), the
        // next pass, or the drain before the next record or the batch's end
        SNext: begin
          ld_q  <= 3'd0;
          ldt_q <= 1'b1;
          r0_q  <= {TokW{1'b0}};
          st_q  <= SGemm;
          if (has_res && r0_q + rows != ncmd) begin // the pass's next rows: the same tables
            ldt_q <= 1'b0;
            r0_q  <= r0_q + rows;
          end else if (cpy && {1'b0, m_q} + 1'b1 != nb_q) begin // the next entry's copy
            m_q  <= m_q + 1'b1;
            ld_q <= 3'd1;
          end else if (p_q == 4'd8) begin      // copied in -> the layer
            m_q  <= {BW{1'b0}};
            g_q  <= 1'b1;
            p_q  <= pre ? 4'd6 : 4'd0;
            ld_q <= pre ? 3'd1 : 3'd0;
          end else if (p_q == 4'd6) begin      // LN1 -> Q
            p_q  <= 4'd0;
          end else if (p_q == 4'd7) begin      // LN2 -> FF1
            p_q  <= 4'd4;
          end else if (p_q == 4'd3 && pre) begin // O -> LN2
            p_q  <= 4'd7;
            ld_q <= 3'd1;
          end else if (p_q == 4'd2) begin      // V -> O, with the attention before its RUN
            p_q   <= 4'd3;
            att_q <= 1'b1;
          end else if (p_q < 4'd5) begin
            p_q  <= p_q + 1'b1;
          end else if (p_q == 4'd5 && l_q != LastL) begin
            l_q   <= l_q + 1'b1;
            fin_q <= 1'b0;
            st_q  <= SDrain;
          end else if (p_q == 4'd5 && multi) begin // the last layer -> copied out
            p_q  <= 4'd9;
            m_q  <= {BW{1'b0}};
            ld_q <= 3'd1;
          end else begin
            fin_q <= 1'b1;
            st_q  <= SDrain;
          end
        end
        SAttn: begin
          if (fd_ready_i) begin
            fd_valid_o <= 1'b0;
            st_q       <= SAttnW;
          end
        end
        SAttnW: begin
          if (err_now) begin
            st_q <= SErr;
          end else if (fd_done_i) begin
            if ({1'b0, m_q} + 1'b1 != nb_q) begin // the next entry's attention
              m_q        <= m_q + 1'b1;
              fd_valid_o <= 1'b1;
              st_q       <= SAttn;
            end else begin
              m_q   <= {BW{1'b0}};
              att_q <= 1'b0;
              st_q  <= SLoad;              // O's tables (its command is held meanwhile)
            end
          end
        end
        SDone: begin
          done_o <= 1'b1;
          st_q   <= SIdle;
        end
        SErr: begin
          // reported at once; the units settle after it (SSettle)
          err_o      <= 1'b1;
          err_code_o <= code_q;
          // 255: the image; a running batch: its first entry; else the entry checked
          err_seq_o  <= (code_q == CodeImage) ? 8'hff : {{(8-SW){1'b0}}, run_q ? e0 : i_q};
          rd_valid_o <= 1'b0;
          ep_valid_o <= 1'b0;
          ctl_valid_o <= 1'b0;
          fd_valid_o <= 1'b0;
          ctl_drop_o <= held_q;          // a held command will not get its go
          held_q     <= 1'b0;
          st_q       <= SSettle;
        end
        // busy until the units are idle (what the run started finishes; a dropped command
        // leaves the controller): the next START finds them as after reset
        SSettle: begin
          if (ep_ready_i && fd_ready_i && !ctl_busy_i)
            st_q <= SIdle;
        end
        default: st_q <= SIdle;
      endcase
    end
  end

endmodule

`default_nettype wire
