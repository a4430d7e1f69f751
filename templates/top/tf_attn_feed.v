// tf_attn_feed -- the attention of one layer of one sequence, from memory to memory
// (fixed-text template): the accelerator's feeder between the row streamer (tf_mem_stream)
// and the attention unit (<name>_attn with regions), docs/architecture.md 3.11.
//
// One command: n tokens at positions pos .. pos + n - 1 of a sequence whose layer's KV cache
// regions start at region rbase (model head h uses region rbase + h / AH of cache h % AH).
// Causal (cmd_bidir_i = 0): for each token, its Q, K and V rows are read into three row
// memories, and every model head runs one STEP (count pos + t: the tokens its region holds
// before it), fed the head's D bytes of q, k and v. Bidirectional: a first pass APPENDs every
// token's k and v (K and V rows), a second ATTENDs with every token's q (Q rows) over the
// pos + n tokens. Each head's D outputs are requantized to int8 (tf_requant: mult, shift;
// the golden model's tfm_requant(o, ao_mult, ao_shift, 8)) and packed, head after head, into
// the token's AO row, which the streamer writes (one write descriptor of n rows per pass
// that produces output). Rows are read and written at addr + t * stride.
// A refused attention command (which the sequencer's counts never cause) sets err_o; its
// head's D bytes are written as 0 so that the row still completes.
// Handshake: valid/ready on cmd_*; done_o pulses when the last AO row's write completed.
`default_nettype none

module tf_attn_feed #(
  parameter integer D       = 8,    // head dimension
  parameter integer HEADS   = 4,    // model heads; d = HEADS * D
  parameter integer AH      = 2,    // the attention unit's caches (HEADS % AH == 0)
  parameter integer HW      = 1,    // cmd_head_o: max(clog2(AH), 1)
  parameter integer RGW     = 2,    // cmd_region_o
  parameter integer SLOTW   = 4,    // cmd_count_o
  parameter integer OW      = 40,   // o_data_i (signed)
  parameter integer DW      = 64,   // port width, bits
  parameter integer AddrW   = 32,
  parameter integer TokW    = 8,    // cmd_n_i, cmd_pos_i
  parameter integer RowsW   = 16,   // the streamer's row count
  parameter integer BytesW  = 16,   // the streamer's bytes per row
  parameter integer WAW     = 2,    // row memory address: max(clog2(ceil(d / PB)), 1)
  parameter [1:0]   ModeStep   = 2'd0,
  parameter [1:0]   ModeAppend = 2'd1,
  parameter [1:0]   ModeAttend = 2'd2
) (
  input  wire               clk_i,
  input  wire               rst_ni,
  // command
  input  wire               cmd_valid_i,
  output wire               cmd_ready_o,
  input  wire               cmd_bidir_i,
  input  wire [TokW-1:0]    cmd_n_i,
  input  wire [TokW-1:0]    cmd_pos_i,
  input  wire [RGW-1:0]     cmd_rbase_i,
  input  wire [AddrW-1:0]   cmd_q_i,
  input  wire [AddrW-1:0]   cmd_k_i,
  input  wire [AddrW-1:0]   cmd_v_i,
  input  wire [AddrW-1:0]   cmd_ao_i,
  input  wire [AddrW-1:0]   cmd_stride_i,
  input  wire [31:0]        cmd_scale_i,
  input  wire [30:0]        cmd_ao_mult_i,
  input  wire [4:0]         cmd_ao_shift_i,
  output reg                done_o,
  output wire               busy_o,
  output reg                err_o,
  // the streamer's read side
  output reg                rd_valid_o,
  input  wire               rd_ready_i,
  output reg  [AddrW-1:0]   rd_addr_o,
  output wire [AddrW-1:0]   rd_stride_o,
  output wire [RowsW-1:0]   rd_rows_o,
  output wire [BytesW-1:0]  rd_bytes_o,
  input  wire               r_valid_i,
  output wire               r_ready_o,
  input  wire [DW-1:0]      r_data_i,
  input  wire               r_last_i,
  input  wire               rdone_i,
  // the streamer's write side
  output reg                wr_valid_o,
  input  wire               wr_ready_i,
  output wire [AddrW-1:0]   wr_addr_o,
  output wire [AddrW-1:0]   wr_stride_o,
  output wire [RowsW-1:0]   wr_rows_o,
  output wire [BytesW-1:0]  wr_bytes_o,
  output wire               w_valid_o,
  input  wire               w_ready_i,
  output wire [DW-1:0]      w_data_o,
  input  wire               wdone_i,
  // the attention unit
  output reg                a_cmd_valid_o,
  input  wire               a_cmd_ready_i,
  output wire [HW-1:0]      a_cmd_head_o,
  output wire [31:0]        a_cmd_scale_o,
  output wire [1:0]         a_cmd_mode_o,
  output wire [RGW-1:0]     a_cmd_region_o,
  output wire [SLOTW-1:0]   a_cmd_count_o,
  output wire               a_in_valid_o,
  input  wire               a_in_ready_i,
  output wire [7:0]         a_in_q_o,
  output wire [7:0]         a_in_k_o,
  output wire [7:0]         a_in_v_o,
  input  wire               a_o_valid_i,
  output wire               a_o_ready_o,
  input  wire [OW-1:0]      a_o_data_i,
  input  wire               a_busy_i,
  input  wire               a_step_err_i
);

  localparam integer PB    = DW / 8;
  localparam integer DM    = HEADS * D;                  // d, bytes of a row
  localparam integer WORDS = (DM + PB - 1) / PB;         // words of a row
  localparam integer BW    = (PB <= 1) ? 1 : $clog2(PB); // byte offset in a word
  localparam integer IW    = (DM <= 1) ? 1 : $clog2(DM + 1);  // byte index of a row
  localparam integer HIW   = (HEADS <= 1) ? 1 : $clog2(HEADS);
  localparam integer JW    = (D <= 1) ? 1 : $clog2(D + 1);
  localparam integer RqW   = (OW > 32) ? OW : 32;        // the requantizer's accumulator width
  localparam integer CntW  = (SLOTW > TokW + 1) ? SLOTW : TokW + 1;

  localparam [IW-1:0]    DmV   = DM[IW-1:0];
  localparam [JW-1:0]    DV    = D[JW-1:0];
  localparam [IW-1:0]    DI    = D[IW-1:0];
  localparam integer     HeadsI = HEADS - 1;
  localparam [HIW-1:0]   HLast = HeadsI[HIW-1:0];
  localparam [BytesW-1:0] RowBytes = DM[BytesW-1:0];

  localparam [3:0] SIdle = 4'd0, SWrDsc = 4'd1, SRdDsc = 4'd2, SRdData = 4'd3, SCmd = 4'd4,
                   SFeed = 4'd5, SWait = 4'd6, SPad = 4'd7, SNext = 4'd8, SDrain = 4'd9;

  reg  [3:0]        st_q;
  reg               bidir_q, pass2_q;   // bidirectional; in its ATTEND pass
  reg  [TokW-1:0]   n_q, pos_q, t_q;
  reg  [RGW-1:0]    rbase_q;
  reg  [AddrW-1:0]  q_q, k_q, v_q, ao_q, stride_q;
  reg  [31:0]       scale_q;
  reg  [30:0]       mult_q;
  reg  [4:0]        shift_q;
  reg  [1:0]        row_q;              // row being read: 0 q, 1 k, 2 v
  reg  [HIW-1:0]    h_q;                // head
  reg  [JW-1:0]     j_q;                // beat of the head
  reg  [JW-1:0]     pad_q;              // zero bytes still to pad
  reg               wr_open_q;          // a write descriptor of this pass is open

  wire [1:0] mode = bidir_q ? (pass2_q ? ModeAttend : ModeAppend) : ModeStep;
  wire       has_o = (mode != ModeAppend);

  // rows this token needs: STEP q k v; APPEND k v; ATTEND q
  wire need_q = (mode != ModeAppend);
  wire need_k = (mode != ModeAttend);
  wire [1:0] first_row = need_q ? 2'd0 : 2'd1;
  wire [1:0] last_row  = need_k ? 2'd2 : 2'd0;

  // ---------------------------------------------------------------------------
  // Row memories: the token's q, k and v rows, one word per address
  // ---------------------------------------------------------------------------
  reg  [WAW-1:0] rw_q;                  // word being written
  wire           r_fire = r_valid_i && (st_q == SRdData);
  wire [WAW-1:0] rd_word;               // word the feed reads
  wire [DW-1:0]  qw, kw, vw;
  tf_ram_1r1w #(.Width(DW), .Depth(WORDS), .AddrW(WAW)) u_q (
    .clk_i(clk_i), .we_i(r_fire && row_q == 2'd0), .waddr_i(rw_q), .wdata_i(r_data_i),
    .re_i(1'b1), .raddr_i(rd_word), .rdata_o(qw));
  tf_ram_1r1w #(.Width(DW), .Depth(WORDS), .AddrW(WAW)) u_k (
    .clk_i(clk_i), .we_i(r_fire && row_q == 2'd1), .waddr_i(rw_q), .wdata_i(r_data_i),
    .re_i(1'b1), .raddr_i(rd_word), .rdata_o(kw));
  tf_ram_1r1w #(.Width(DW), .Depth(WORDS), .AddrW(WAW)) u_v (
    .clk_i(clk_i), .we_i(r_fire && row_q == 2'd2), .waddr_i(rw_q), .wdata_i(r_data_i),
    .re_i(1'b1), .raddr_i(rd_word), .rdata_o(vw));

  // ---------------------------------------------------------------------------
  // Feed: byte b = h * D + j of the three rows, one beat per cycle; the word holding it is
  // read one cycle ahead (fd_ok: the registered word is the one b needs)
  // ---------------------------------------------------------------------------
  wire [IW-1:0]  b_idx  = {{(IW-HIW){1'b0}}, h_q} * DI + {{(IW-JW){1'b0}}, j_q};
  wire [IW-1:0]  b_word = b_idx >> BW;
  reg  [IW-1:0]  fw_q;                  // word address read last cycle
  reg            fv_q;                  // ... and it was a read for the feed
  assign rd_word = b_word[WAW-1:0];
  wire fd_ok = fv_q && (fw_q == b_word);
  wire [BW-1:0] b_off = b_idx[BW-1:0];
  assign a_in_q_o = qw[b_off*8 +: 8];
  assign a_in_k_o = kw[b_off*8 +: 8];
  assign a_in_v_o = vw[b_off*8 +: 8];
  assign a_in_valid_o = (st_q == SFeed) && fd_ok;
  wire in_fire = a_in_valid_o && a_in_ready_i;

  // model head h: cache h % AH, its (h / AH)-th head, region rbase + h / AH
  localparam [HIW:0] AHV = AH[HIW:0];          // AH itself may need HIW + 1 bits (AH = HEADS)
  wire [HIW:0]   h_cache = {1'b0, h_q} % AHV;
  wire [HIW:0]   h_slot  = {1'b0, h_q} / AHV;
  assign a_cmd_head_o   = h_cache[HW-1:0];
  wire [31:0]    reg32   = {{(32-RGW){1'b0}}, rbase_q} + {{(31-HIW){1'b0}}, h_slot};
  assign a_cmd_region_o = reg32[RGW-1:0];
  assign a_cmd_scale_o  = scale_q;
  assign a_cmd_mode_o   = mode;
  wire [CntW-1:0] cnt_w = (mode == ModeAttend) ? ({{(CntW-TokW){1'b0}}, pos_q} + {{(CntW-TokW){1'b0}}, n_q})
                                                : ({{(CntW-TokW){1'b0}}, pos_q} + {{(CntW-TokW){1'b0}}, t_q});
  assign a_cmd_count_o  = cnt_w[SLOTW-1:0];
  // the streamer's read completion is not needed (r_last_i ends a row); the cache index and
  // the count are narrower than the arithmetic
  wire unused_feed = ^{rdone_i, h_cache, reg32, cnt_w};

  // ---------------------------------------------------------------------------
  // Output: o -> requantize (2 stages) -> pack bytes into words -> the streamer
  // ---------------------------------------------------------------------------
  reg  [DW-1:0]  wq_q;                  // the word offered on w_*
  reg            wq_v_q;
  wire           adv = !(wq_v_q && !w_ready_i);
  reg            v1_q, v2_q;            // requantizer stages hold a byte
  wire           pad_in = (st_q == SPad) && !v1_q && !v2_q && (pad_q != {JW{1'b0}});
  assign a_o_ready_o = adv && (st_q != SPad);
  wire           o_fire = a_o_valid_i && a_o_ready_o;
  wire signed [RqW-1:0] o_ext = {{(RqW-OW){a_o_data_i[OW-1]}}, a_o_data_i};
  wire signed [RqW-1:0] rq_out;
  tf_requant #(.AccW(RqW), .OutW(8)) u_rq (
    .clk_i(clk_i), .en_i(adv), .bypass_i(1'b0), .acc_i(o_ext), .mult_i(mult_q), .shift_i(shift_q),
    .out_o(rq_out));
  wire           byte_in  = (v2_q && adv) || (pad_in && adv);
  wire [7:0]     byte_val = v2_q ? rq_out[7:0] : 8'd0;
  reg  [DW-1:0]  acc_q;                 // bytes packed so far
  reg  [BW-1:0]  ac_q;                  // their count in the word
  reg  [IW-1:0]  rb_q;                  // bytes of the row so far
  wire           row_end  = (rb_q == DmV - 1'b1);
  wire           word_end = (ac_q == PB[BW-1:0] - 1'b1) || row_end;
  wire [DW-1:0]  acc_nx   = acc_q | ({{(DW-8){1'b0}}, byte_val} << (ac_q * 8));
  wire unused_rq = ^rq_out[RqW-1:8];

  assign w_valid_o = wq_v_q;
  assign w_data_o  = wq_q;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      v1_q   <= 1'b0;
      v2_q   <= 1'b0;
      acc_q  <= {DW{1'b0}};
      ac_q   <= {BW{1'b0}};
      rb_q   <= {IW{1'b0}};
      wq_q   <= {DW{1'b0}};
      wq_v_q <= 1'b0;
    end else begin
      if (w_ready_i)
        wq_v_q <= 1'b0;
      if (adv) begin
        v1_q <= o_fire;
        v2_q <= v1_q;
      end
      if (byte_in) begin
        if (word_end) begin
          wq_q   <= acc_nx;
          wq_v_q <= 1'b1;
          acc_q  <= {DW{1'b0}};
          ac_q   <= {BW{1'b0}};
        end else begin
          acc_q  <= acc_nx;
          ac_q   <= ac_q + 1'b1;
        end
        rb_q <= row_end ? {IW{1'b0}} : rb_q + 1'b1;
      end
    end
  end

  // ---------------------------------------------------------------------------
  // Control
  // ---------------------------------------------------------------------------
  assign rd_stride_o = stride_q;
  assign rd_rows_o   = {{(RowsW-1){1'b0}}, 1'b1};
  assign rd_bytes_o  = RowBytes;
  assign r_ready_o   = (st_q == SRdData);
  assign wr_addr_o   = ao_q;
  assign wr_stride_o = stride_q;
  assign wr_rows_o   = {{(RowsW-TokW){1'b0}}, n_q};
  assign wr_bytes_o  = RowBytes;
  assign cmd_ready_o = (st_q == SIdle);
  assign busy_o      = (st_q != SIdle);

  wire [AddrW-1:0] row_base = (row_q == 2'd0) ? q_q : (row_q == 2'd1) ? k_q : v_q;
  wire [AddrW-1:0] t_off    = {{(AddrW-TokW){1'b0}}, t_q} * stride_q;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q          <= SIdle;
      bidir_q       <= 1'b0;
      pass2_q       <= 1'b0;
      n_q           <= {TokW{1'b0}};
      pos_q         <= {TokW{1'b0}};
      t_q           <= {TokW{1'b0}};
      rbase_q       <= {RGW{1'b0}};
      q_q           <= {AddrW{1'b0}};
      k_q           <= {AddrW{1'b0}};
      v_q           <= {AddrW{1'b0}};
      ao_q          <= {AddrW{1'b0}};
      stride_q      <= {AddrW{1'b0}};
      scale_q       <= 32'd0;
      mult_q        <= 31'd0;
      shift_q       <= 5'd0;
      row_q         <= 2'd0;
      h_q           <= {HIW{1'b0}};
      j_q           <= {JW{1'b0}};
      pad_q         <= {JW{1'b0}};
      wr_open_q     <= 1'b0;
      rw_q          <= {WAW{1'b0}};
      fw_q          <= {IW{1'b0}};
      fv_q          <= 1'b0;
      rd_valid_o    <= 1'b0;
      rd_addr_o     <= {AddrW{1'b0}};
      wr_valid_o    <= 1'b0;
      a_cmd_valid_o <= 1'b0;
      done_o        <= 1'b0;
      err_o         <= 1'b0;
    end else begin
      done_o <= 1'b0;
      fw_q   <= b_word;
      fv_q   <= (st_q == SFeed);
      if (wdone_i)
        wr_open_q <= 1'b0;
      case (st_q)
        SIdle: begin
          if (cmd_valid_i) begin
            bidir_q  <= cmd_bidir_i;
            pass2_q  <= 1'b0;
            n_q      <= cmd_n_i;
            pos_q    <= cmd_pos_i;
            t_q      <= {TokW{1'b0}};
            rbase_q  <= cmd_rbase_i;
            q_q      <= cmd_q_i;
            k_q      <= cmd_k_i;
            v_q      <= cmd_v_i;
            ao_q     <= cmd_ao_i;
            stride_q <= cmd_stride_i;
            scale_q  <= cmd_scale_i;
            mult_q   <= cmd_ao_mult_i;
            shift_q  <= cmd_ao_shift_i;
            err_o    <= 1'b0;
            st_q     <= SWrDsc;
          end
        end
        // a pass that produces output opens its AO write (n rows) first
        SWrDsc: begin
          if (!has_o) begin
            row_q <= first_row;
            st_q  <= SRdDsc;
          end else if (wr_valid_o && wr_ready_i) begin
            wr_valid_o <= 1'b0;
            wr_open_q  <= 1'b1;
            row_q      <= first_row;
            st_q       <= SRdDsc;
          end else if (!wr_open_q) begin
            wr_valid_o <= 1'b1;
          end
        end
        SRdDsc: begin
          if (rd_valid_o && rd_ready_i) begin
            rd_valid_o <= 1'b0;
            rw_q       <= {WAW{1'b0}};
            st_q       <= SRdData;
          end else begin
            rd_valid_o <= 1'b1;
            rd_addr_o  <= row_base + t_off;
          end
        end
        SRdData: begin
          if (r_fire) begin
            rw_q <= rw_q + 1'b1;
            if (r_last_i) begin
              if (row_q == last_row) begin
                h_q  <= {HIW{1'b0}};
                st_q <= SCmd;
              end else begin
                row_q <= row_q + 1'b1;
                st_q  <= SRdDsc;
              end
            end
          end
        end
        SCmd: begin
          if (a_cmd_valid_o && a_cmd_ready_i) begin
            a_cmd_valid_o <= 1'b0;
            j_q           <= {JW{1'b0}};
            st_q          <= SFeed;
          end else begin
            a_cmd_valid_o <= 1'b1;
          end
        end
        SFeed: begin
          // beat j is offered once its word is registered; advance on the handshake
          if (in_fire) begin
            j_q <= j_q + 1'b1;
            if (j_q == DV - 1'b1)
              st_q <= SWait;
          end
        end
        SWait: begin
          if (!a_busy_i && !a_cmd_valid_o) begin
            if (a_step_err_i) begin
              err_o <= 1'b1;
              pad_q <= has_o ? DV : {JW{1'b0}};
              st_q  <= SPad;
            end else begin
              st_q <= SNext;
            end
          end
        end
        SPad: begin
          if (pad_in && adv)
            pad_q <= pad_q - 1'b1;
          if (pad_q == {JW{1'b0}})
            st_q <= SNext;
        end
        SNext: begin
          if (h_q != HLast) begin
            h_q  <= h_q + 1'b1;
            st_q <= SCmd;
          end else if (t_q != n_q - 1'b1) begin
            t_q   <= t_q + 1'b1;
            row_q <= first_row;
            st_q  <= SRdDsc;
          end else if (bidir_q && !pass2_q) begin
            pass2_q <= 1'b1;
            t_q     <= {TokW{1'b0}};
            st_q    <= SWrDsc;
          end else begin
            st_q <= SDrain;
          end
        end
        // the last row's bytes through the packer and its write's responses
        SDrain: begin
          if (!has_o || (!wr_open_q && !wdone_i)) begin
            done_o <= 1'b1;
            st_q   <= SIdle;
          end
        end
        default: st_q <= SIdle;
      endcase
    end
  end

endmodule

`default_nettype wire
