// lockstep_tb -- today's generated engine (eq_ref_gemm) and the parameterized one
// (eq_dut_gemm: the wrap.py wrapper around tf_gemm) side by side on the same random
// stimulus; every output is compared with !== after every clock edge (X included).
// Stimulus: LOAD_A, LOAD_B, LOAD_RQ at the maxima first, then random commands (legal
// and illegal opcodes, dimensions 0..max+1, every source, store and requant bit),
// random in/rq valid and data, random c_ready back-pressure.
// Defines: MAXM, MAXK, MAXN (the design's maxima); widths from tfp_params.vh.
// Plusargs: +cycles=N +seed=S. Prints "LOCKSTEP <name>: N cycles, M mismatches, ...".
`include "tfp_params.vh"
`default_nettype none

module lockstep_tb;
  localparam integer DW = `TFP_DIM_W;
  localparam integer OW = `TFP_OP_BITS;
  localparam integer CW = `TFP_OUT_DATA_BITS;
  localparam integer RW = `TFP_ROW_IDX_W;
  localparam integer LW = `TFP_COL_IDX_W;
  localparam integer NW = `TFP_CNT_W;

  reg           clk = 1'b0;
  reg           rst_n = 1'b0;
  reg           cmd_valid = 1'b0;
  reg  [2:0]    cmd_op = 3'd0;
  reg  [DW-1:0] cmd_m = {DW{1'b0}};
  reg  [DW-1:0] cmd_k = {DW{1'b0}};
  reg  [DW-1:0] cmd_n = {DW{1'b0}};
  reg           cmd_rq = 1'b0;
  reg  [1:0]    cmd_as = 2'd0;
  reg  [1:0]    cmd_bs = 2'd0;
  reg           cmd_st = 1'b0;
  reg           in_valid = 1'b0;
  reg  [OW-1:0] in_data = {OW{1'b0}};
  reg           rq_valid = 1'b0;
  reg  [30:0]   rq_mult = 31'd0;
  reg  [4:0]    rq_shift = 5'd0;
  reg           c_ready = 1'b0;

  wire [2*(8+CW+RW+LW+2*NW)-1:0] outs;   // {ref, dut}
  wire          r_cmd_ready, d_cmd_ready, r_in_ready, d_in_ready, r_rq_ready, d_rq_ready;
  wire          r_c_valid, d_c_valid, r_c_last, d_c_last, r_busy, d_busy, r_err, d_err;
  wire [CW-1:0] r_c_data, d_c_data;
  wire [RW-1:0] r_c_row, d_c_row;
  wire [LW-1:0] r_c_col, d_c_col;
  wire [NW-1:0] r_cyc, d_cyc, r_stall, d_stall;

  eq_ref_gemm u_ref (
    .clk_i (clk), .rst_ni (rst_n), .cmd_valid_i (cmd_valid), .cmd_ready_o (r_cmd_ready),
    .cmd_op_i (cmd_op), .cmd_m_i (cmd_m), .cmd_k_i (cmd_k), .cmd_n_i (cmd_n),
    .cmd_requant_i (cmd_rq), .cmd_asrc_i (cmd_as), .cmd_bsrc_i (cmd_bs), .cmd_store_i (cmd_st),
    .in_valid_i (in_valid), .in_ready_o (r_in_ready), .in_data_i (in_data),
    .rq_valid_i (rq_valid), .rq_ready_o (r_rq_ready), .rq_mult_i (rq_mult), .rq_shift_i (rq_shift),
    .c_valid_o (r_c_valid), .c_ready_i (c_ready), .c_data_o (r_c_data), .c_row_o (r_c_row),
    .c_col_o (r_c_col), .c_last_o (r_c_last), .busy_o (r_busy), .err_o (r_err),
    .stat_cycles_o (r_cyc), .stat_stall_o (r_stall)
  );
  eq_dut_gemm u_dut (
    .clk_i (clk), .rst_ni (rst_n), .cmd_valid_i (cmd_valid), .cmd_ready_o (d_cmd_ready),
    .cmd_op_i (cmd_op), .cmd_m_i (cmd_m), .cmd_k_i (cmd_k), .cmd_n_i (cmd_n),
    .cmd_requant_i (cmd_rq), .cmd_asrc_i (cmd_as), .cmd_bsrc_i (cmd_bs), .cmd_store_i (cmd_st),
    .in_valid_i (in_valid), .in_ready_o (d_in_ready), .in_data_i (in_data),
    .rq_valid_i (rq_valid), .rq_ready_o (d_rq_ready), .rq_mult_i (rq_mult), .rq_shift_i (rq_shift),
    .c_valid_o (d_c_valid), .c_ready_i (c_ready), .c_data_o (d_c_data), .c_row_o (d_c_row),
    .c_col_o (d_c_col), .c_last_o (d_c_last), .busy_o (d_busy), .err_o (d_err),
    .stat_cycles_o (d_cyc), .stat_stall_o (d_stall)
  );
  assign outs = {r_cmd_ready, r_in_ready, r_rq_ready, r_c_valid, r_c_last, r_busy, r_err, 1'b0,
                 r_c_data, r_c_row, r_c_col, r_cyc, r_stall,
                 d_cmd_ready, d_in_ready, d_rq_ready, d_c_valid, d_c_last, d_busy, d_err, 1'b0,
                 d_c_data, d_c_row, d_c_col, d_cyc, d_stall};
  localparam integer OUTW = 8 + CW + RW + LW + 2 * NW;

  integer seed, seed0, cycles, cyc, mism, beats, cmds, gemms, errs, nxt, x;
  reg [DW:0] dim;

  always #5 clk = !clk;

  function [DW-1:0] rdim;
    input integer max;
    begin
      x = $random(seed);
      if ((x & 15) == 0) rdim = {DW{1'b0}};
      else if ((x & 15) == 1 && max + 1 < (1 << DW)) rdim = max + 1;
      else if (x & 2) rdim = 1 + ({$random(seed)} % max);
      else rdim = 1 + ({$random(seed)} % (max < 12 ? max : 12));
    end
  endfunction

  initial begin
    if (!$value$plusargs("cycles=%d", cycles)) cycles = 20000;
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    seed0 = seed;
    mism = 0; beats = 0; cmds = 0; gemms = 0; errs = 0; nxt = 0;
    repeat (3) @(negedge clk);
    rst_n = 1'b1;
    for (cyc = 0; cyc < cycles; cyc = cyc + 1) begin
      @(negedge clk);
      // a new command once the previous one was taken
      if (!cmd_valid || r_cmd_ready) begin
        cmd_valid = ($random(seed) & 3) != 0;
        if (nxt < 3) begin
          cmd_op = (nxt == 0) ? 3'd0 : (nxt == 1) ? 3'd1 : 3'd2;
          cmd_m = `MAXM; cmd_k = `MAXK; cmd_n = `MAXN;
          cmd_as = 2'd0; cmd_bs = 2'd0; cmd_st = 1'b0; cmd_rq = 1'b1;
          cmd_valid = 1'b1;
        end else begin
          x = {$random(seed)} % 16;
          if (x < 6) cmd_op = 3'd3;                 // GEMM
          else if (x < 12) cmd_op = x - 6;          // any legal opcode
          else cmd_op = x;                          // LOAD_AT, LOAD_BT, illegal 6, 7
          cmd_m = rdim(`MAXM); cmd_k = rdim(`MAXK); cmd_n = rdim(`MAXN);
          x = $random(seed);
          cmd_as = x[1] ? x[3:2] : 2'd0;
          cmd_bs = x[4] ? x[6:5] : 2'd0;
          cmd_st = (x[9:8] == 2'd0);
          cmd_rq = (x[11:10] != 2'd0);
        end
      end
      x = $random(seed);
      in_valid = (x[3:0] != 4'd0);
      in_data = $random(seed);
      rq_valid = (x[7:4] != 4'd0);
      rq_mult = $random(seed);
      rq_shift = $random(seed);
      c_ready = (cyc % 4000 < 2000) ? 1'b1 : (x[11:8] > 4'd3);
      @(posedge clk);
      if (cmd_valid && r_cmd_ready) begin
        cmds = cmds + 1;
        nxt = nxt + 1;
        if (cmd_op == 3'd3) gemms = gemms + 1;
      end
      if (r_c_valid === 1'b1 && c_ready) beats = beats + 1;
      if (r_err === 1'b1) errs = errs + 1;
      #1;
      if (outs[2*OUTW-1:OUTW] !== outs[OUTW-1:0]) begin
        mism = mism + 1;
        if (mism <= 5)
          $display("MISMATCH cycle %0d: ref %h dut %h", cyc, outs[2*OUTW-1:OUTW], outs[OUTW-1:0]);
      end
    end
    $display("LOCKSTEP %s: %0d cycles, %0d mismatches (%0d commands, %0d GEMM, %0d output beats, %0d err cycles, seed %0d)",
             `TFP_NAME_STR, cycles, mism, cmds, gemms, beats, errs, seed0);
    $finish;
  end
endmodule

`default_nettype wire
