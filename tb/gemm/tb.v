// gemm_tb -- self-checking Icarus Verilog testbench for a generated GEMM engine.
//
// Reads the vectors and expected results written by the golden model
// (tb/gemm/vecgen.c), drives LOAD_A / LOAD_B / LOAD_RQ / GEMM (operands from the
// buffers or, with gemm.store, the result store) with random gaps on
// in_valid and random back-pressure on c_ready (LFSR), compares every lane of
// every result beat and its row/col/last sideband, and checks
// stat_cycles - stat_stall against the cycle model. Every wait for the design is
// bounded (+guard=N cycles, default 100000): a stuck handshake is a failure, not a hang.
// Ends with one line:
//   ICARUS <design>: N passed, M failed (E elements checked, +P padding, X mismatches)
// Run: vvp gemm_tb.vvp +vec=FILE [+guard=N]
`default_nettype none
`include "tfp_params.vh"

module gemm_tb;
  localparam integer Cols = `TFP_COLS;
  localparam integer AccW = `TFP_ACC_BITS;
  localparam integer DimW = `TFP_DIM_W;
  localparam integer OpW  = `TFP_OP_W;   // cmd_op_i
  localparam integer SrcW = `TFP_SRC_W;  // cmd_asrc_i, cmd_bsrc_i
  localparam integer RqMultW  = `TFP_RQ_MULT_W;
  localparam integer RqShiftW = `TFP_RQ_SHIFT_W;

  reg clk = 1'b0;
  always #5 clk = ~clk;

  reg                          rst_n = 1'b0;
  reg                          cmd_valid = 1'b0;
  wire                         cmd_ready;
  reg  [OpW-1:0]               cmd_op = `TFP_OP_LOAD_A;
  reg  [DimW-1:0]              cmd_m = {DimW{1'b0}};
  reg  [DimW-1:0]              cmd_k = {DimW{1'b0}};
  reg  [DimW-1:0]              cmd_n = {DimW{1'b0}};
  reg                          cmd_rq = 1'b0;
  reg  [SrcW-1:0]              cmd_asrc = `TFP_SRC_BUF;
  reg  [SrcW-1:0]              cmd_bsrc = `TFP_SRC_BUF;
  reg                          cmd_st = 1'b0;
  reg                          in_valid = 1'b0;
  wire                         in_ready;
  reg  [`TFP_OP_BITS-1:0]      in_data = {`TFP_OP_BITS{1'b0}};
  reg                          rq_valid = 1'b0;
  wire                         rq_ready;
  reg  [RqMultW-1:0]           rq_mult = {RqMultW{1'b0}};
  reg  [RqShiftW-1:0]          rq_shift = {RqShiftW{1'b0}};
  wire                         c_valid;
  reg                          c_ready = 1'b1;
  wire [`TFP_OUT_DATA_BITS-1:0] c_data;
  wire [`TFP_ROW_IDX_W-1:0]    c_row;
  wire [`TFP_COL_IDX_W-1:0]    c_col;
  wire                         c_last;
  wire                         busy;
  wire                         err;
  wire [`TFP_CNT_W-1:0]        st_cycles;
  wire [`TFP_CNT_W-1:0]        st_stall;

  `TFP_TOP dut (
    .clk_i         (clk),
    .rst_ni        (rst_n),
    .cmd_valid_i   (cmd_valid),
    .cmd_ready_o   (cmd_ready),
    .cmd_op_i      (cmd_op),
    .cmd_m_i       (cmd_m),
    .cmd_k_i       (cmd_k),
    .cmd_n_i       (cmd_n),
    .cmd_requant_i (cmd_rq),
    .cmd_asrc_i    (cmd_asrc),
    .cmd_bsrc_i    (cmd_bsrc),
    .cmd_store_i   (cmd_st),
`ifdef TFP_MEM_BW
    // a design with a memory system: this bench loads on in_* into half 0 (the buffer
    // write port and the halves are checked by the Verilator harness and tb/mem)
    .cmd_ahalf_i   (1'b0),
    .cmd_bhalf_i   (1'b0),
    .bw_valid_i    (1'b0),
    .bw_ready_o    (),
    .bw_tgt_i      (1'b0),
    .bw_half_i     (1'b0),
    .bw_addr_i     ({(2*`TFP_MEM_BW_AW){1'b0}}),   // two slots per beat
    .bw_gpar_i     (2'b00),
    .bw_data_i     ({(2*`TFP_MEM_LANES*`TFP_OP_BITS){1'b0}}),
    .bw_mask_i     ({(2*`TFP_MEM_LANES){1'b0}}),
`endif
    .in_valid_i    (in_valid),
    .in_ready_o    (in_ready),
    .in_data_i     (in_data),
    .rq_valid_i    (rq_valid),
    .rq_ready_o    (rq_ready),
    .rq_mult_i     (rq_mult),
    .rq_shift_i    (rq_shift),
    .c_valid_o     (c_valid),
    .c_ready_i     (c_ready),
    .c_data_o      (c_data),
    .c_row_o       (c_row),
    .c_col_o       (c_col),
    .c_last_o      (c_last),
    .busy_o        (busy),
    .err_o         (err),
    .stat_cycles_o (st_cycles),
    .stat_stall_o  (st_stall)
  );

  reg [31:0] lfsr = 32'hace1_2345;
  task step_lfsr;
    begin
      lfsr = {lfsr[30:0], lfsr[31] ^ lfsr[21] ^ lfsr[1] ^ lfsr[0]};
    end
  endtask

  integer fd, ntests, t, m, k, n, rq, model_cycles, i, cnt, nbeats, got;
  integer row, col, last, lane, rc, passed, failed, checks, pad_checks, mismatches, bad_test;

  task summary;
    $display("ICARUS %s: %0d passed, %0d failed (%0d elements checked, +%0d padding, %0d mismatches)",
             `TFP_NAME_STR, passed, failed, checks, pad_checks, mismatches);
  endtask

  localparam [8*8-1:0] TbUnit = "test";
`include "tb_common.vh"

  task send_cmd(input [OpW-1:0] op, input integer m, input integer k, input integer n, input rq);
    begin
      cmd_valid = 1'b1;
      cmd_op    = op;
      cmd_m     = m[DimW-1:0];
      cmd_k     = k[DimW-1:0];
      cmd_n     = n[DimW-1:0];
      cmd_rq    = rq;
      `TB_WAIT(cmd_ready, "cmd_ready_o stuck low")
      @(negedge clk);
      cmd_valid = 1'b0;
    end
  endtask
  integer mult_v, shift_v, at, bt, asrc, bsrc, st;
  reg signed [63:0] val;
  reg signed [63:0] act;
  integer cycles_active;

  initial begin
    passed = 0; failed = 0; checks = 0; pad_checks = 0; mismatches = 0; t = 0;
    open_vectors(fd, ntests);
    repeat (3) @(negedge clk);
    rst_n = 1'b1;
    @(negedge clk);
    for (t = 0; t < ntests; t = t + 1) begin
      bad_test = 0;
      rc = $fscanf(fd, "%d %d %d %d %d %d %d %d %d %d", m, k, n, rq, model_cycles, at, bt, asrc, bsrc, st);
      // LOAD_A / LOAD_AT and LOAD_B / LOAD_BT: element streams with random gaps;
      // an operand read from the result store is not loaded.
      for (i = 0; i < 2; i = i + 1) begin
        if (i == 0 && asrc == `TFP_SRC_BUF) send_cmd((at != 0) ? `TFP_OP_LOAD_AT : `TFP_OP_LOAD_A, m, k, n, 1'b0);
        if (i == 1 && bsrc == `TFP_SRC_BUF) send_cmd((bt != 0) ? `TFP_OP_LOAD_BT : `TFP_OP_LOAD_B, m, k, n, 1'b0);
        cnt = 0;
        while (cnt < ((i == 0) ? ((asrc == `TFP_SRC_BUF) ? m * k : 0) : ((bsrc == `TFP_SRC_BUF) ? k * n : 0))) begin
          step_lfsr;
          if (lfsr[2:0] != 3'd0) begin
            rc = $fscanf(fd, "%d", val);
            in_valid = 1'b1;
            in_data  = val[`TFP_OP_BITS-1:0];
            `TB_WAIT(in_ready, "in_ready_o stuck low")
            @(negedge clk);
            in_valid = 1'b0;
            cnt = cnt + 1;
          end else begin
            @(negedge clk);
          end
        end
      end
      if (rq != 0) begin
        send_cmd(`TFP_OP_LOAD_RQ, m, k, n, 1'b0);
        for (i = 0; i < n; i = i + 1) begin
          rc = $fscanf(fd, "%d %d", mult_v, shift_v);
          rq_valid = 1'b1;
          rq_mult  = mult_v[RqMultW-1:0];
          rq_shift = shift_v[RqShiftW-1:0];
          `TB_WAIT(rq_ready, "rq_ready_o stuck low")
          @(negedge clk);
          rq_valid = 1'b0;
        end
      end
      rc = $fscanf(fd, "%d", nbeats);
      cmd_asrc = asrc[SrcW-1:0];
      cmd_bsrc = bsrc[SrcW-1:0];
      cmd_st   = (st != 0);
      send_cmd(`TFP_OP_GEMM, m, k, n, rq != 0);
      cmd_asrc = `TFP_SRC_BUF;
      cmd_bsrc = `TFP_SRC_BUF;
      cmd_st   = 1'b0;
      got = 0;
      guard_cnt = 0;
      while (got < nbeats || busy) begin
        guard_wait("no result beat (c_valid_o low or busy_o high)");
        step_lfsr;
        c_ready = (lfsr[1:0] != 2'd0);
        #1;
        if (c_valid && c_ready && got >= nbeats) begin
          if (bad_test == 0)
            $display("ICARUS MISMATCH test %0d: beat %0d beyond the expected %0d (a storing GEMM sends none)",
                     t, got, nbeats);
          bad_test = 1;
          got = got + 1;
          guard_cnt = 0;
        end else if (c_valid && c_ready) begin
          rc = $fscanf(fd, "%d %d %d", row, col, last);
          if (c_row !== row[`TFP_ROW_IDX_W-1:0] || c_col !== col[`TFP_COL_IDX_W-1:0] || c_last !== (last != 0)) begin
            if (bad_test == 0)
              $display("ICARUS MISMATCH test %0d beat %0d: row %0d col %0d last %0d, expected %0d %0d %0d",
                       t, got, c_row, c_col, c_last, row, col, last);
            bad_test = 1;
          end
          for (lane = 0; lane < Cols; lane = lane + 1) begin
            rc = $fscanf(fd, "%d", val);
            act = {{(64-AccW){c_data[lane*AccW+AccW-1]}}, c_data[lane*AccW +: AccW]};
            if (col + lane < n) checks = checks + 1;
            else pad_checks = pad_checks + 1;
            if (act !== val) begin   // !== : an X or Z lane is a mismatch
              mismatches = mismatches + 1;
              if (bad_test == 0)
                $display("ICARUS MISMATCH test %0d (M=%0d K=%0d N=%0d, A src %0d, B src %0d): C[%0d][%0d]: expected %0d, actual %0d",
                         t, m, k, n, asrc, bsrc, row, col + lane, val, act);
              bad_test = 1;
            end
          end
          got = got + 1;
          guard_cnt = 0;
        end
        @(negedge clk);
      end
      c_ready = 1'b1;
      cycles_active = st_cycles - st_stall;
      if (cycles_active != model_cycles || ^st_cycles === 1'bx) begin
        $display("ICARUS MISMATCH test %0d (M=%0d K=%0d N=%0d): cycles %0d - stall %0d, model %0d",
                 t, m, k, n, st_cycles, st_stall, model_cycles);
        bad_test = 1;
      end
      if (bad_test != 0) failed = failed + 1;
      else passed = passed + 1;
    end
    tb_finish(fd);
  end
endmodule

`default_nettype wire
