// tb.v -- Icarus self-checking bench of a generated auxiliary unit (<name>_aux) on
// golden-model vectors written by tb/aux/vecgen.c (format there). Loads go through prm_*;
// each RUN's beats are driven on in_* and res_* with pseudo-random gaps and the output with
// pseudo-random back-pressure (none for a RUN marked timed, whose cycles from acceptance to
// the next cmd_ready_o must equal the model's); every output lane, row, column and last flag
// is compared with !== (an X anywhere fails); refused commands must raise err_o with the
// model's err_code_o and take nothing. Every wait for the design is bounded (+guard=N
// cycles, default 100000). The design's widths, opcodes and chain bits come from
// tfp_params.vh (the flow writes it: the design's params header under its TFP_* names).
//   ICARUS <design>_aux: N passed, M failed (E lane values compared, R elements of rows, ...)
// Run: vvp aux_tb.vvp +vec=FILE [+guard=N] [+json=FILE]
`include "tfp_params.vh"
`default_nettype none

module tb;
  localparam integer Lanes    = `TFP_AUX_LANES;
  localparam integer MaxD     = `TFP_AUX_MAX_D;
  localparam integer AccW     = `TFP_AUX_ACC_W;
  localparam integer ResInW   = `TFP_AUX_RES_IN_W;
  localparam integer RowW     = `TFP_AUX_ROW_W;
  localparam integer CntW     = `TFP_AUX_CNT_W;
  localparam integer DW       = `TFP_AUX_D_W;
  localparam integer ColW     = `TFP_AUX_COL_W;
  localparam integer PW       = `TFP_AUX_OUT_W;
  localparam integer OpW      = `TFP_AUX_OP_W;
  localparam integer OpsW     = `TFP_AUX_OPS_W;
  localparam integer PrmW     = `TFP_AUX_PRM_W;
  localparam integer MultW    = `TFP_AUX_RES_MULT_W;
  localparam integer LshW     = `TFP_AUX_RES_LSH_W;
  localparam integer ShW      = `TFP_AUX_RES_SHIFT_W;
  localparam integer GfW      = `TFP_AUX_LN_GF_W;
  localparam integer BfW      = `TFP_AUX_LN_BF_W;
  localparam integer EpsW     = `TFP_AUX_LN_EPS_W;
  localparam integer MantW    = `TFP_AUX_GELU_MANT_W;
  localparam integer ExpW     = `TFP_AUX_GELU_EXP_W;
  localparam integer ErrW     = `TFP_AUX_ERR_W;
  localparam integer Tiles    = (MaxD + Lanes - 1) / Lanes;
  localparam integer MaxBeats = 8 * Tiles;

  reg clk = 1'b0;
  reg rst_n = 1'b0;
  always #5 clk = ~clk;

  reg                      cmd_valid = 1'b0;
  wire                     cmd_ready;
  reg  [OpW-1:0]           cmd_op = `TFP_AUX_OP_RUN;
  reg  [OpsW-1:0]          cmd_ops = {OpsW{1'b0}};
  reg  [DW-1:0]            cmd_d = {DW{1'b0}};
  reg  [RowW-1:0]          cmd_m = {RowW{1'b0}};
  reg  [RowW-1:0]          cmd_grp = {RowW{1'b0}};
  reg                      cmd_rq_pt = 1'b0;
  reg  [MultW-1:0]         cmd_res_mult = {MultW{1'b0}};
  reg  [LshW-1:0]          cmd_res_lsh = {LshW{1'b0}};
  reg  [ShW-1:0]           cmd_res_shift = {ShW{1'b0}};
  reg  [GfW-1:0]           cmd_ln_gf = {GfW{1'b0}};
  reg  [BfW-1:0]           cmd_ln_bf = {BfW{1'b0}};
  reg  [EpsW-1:0]          cmd_ln_eps = {EpsW{1'b0}};
  reg  [MantW-1:0]         cmd_gim = {MantW{1'b0}};
  reg  [ExpW-1:0]          cmd_gie = {ExpW{1'b0}};
  reg  [MantW-1:0]         cmd_gom = {MantW{1'b0}};
  reg  [ExpW-1:0]          cmd_goe = {ExpW{1'b0}};
  reg                      prm_valid = 1'b0;
  wire                     prm_ready;
  reg  [PrmW-1:0]          prm_data = {PrmW{1'b0}};
  reg                      in_valid = 1'b0;
  wire                     in_ready;
  reg  [Lanes*AccW-1:0]    in_data = {(Lanes*AccW){1'b0}};
  reg  [RowW-1:0]          in_row = {RowW{1'b0}};
  reg  [ColW-1:0]          in_col = {ColW{1'b0}};
  reg                      res_valid = 1'b0;
  wire                     res_ready;
  reg  [Lanes*ResInW-1:0]  res_data = {(Lanes*ResInW){1'b0}};
  wire                     out_valid;
  reg                      out_ready = 1'b1;
  wire [Lanes*PW-1:0]      out_data;
  wire [RowW-1:0]          out_row;
  wire [ColW-1:0]          out_col;
  wire                     out_last;
  wire                     busy;
  wire                     err;
  wire [ErrW-1:0]          err_code;
  wire [CntW-1:0]          stat_cycles;
  wire [CntW-1:0]          stat_stall;

  `TFP_AUX_TOP dut (
    .clk_i (clk), .rst_ni (rst_n),
    .cmd_valid_i (cmd_valid), .cmd_ready_o (cmd_ready), .cmd_op_i (cmd_op), .cmd_ops_i (cmd_ops),
    .cmd_d_i (cmd_d), .cmd_m_i (cmd_m), .cmd_grp_i (cmd_grp), .cmd_rq_pt_i (cmd_rq_pt),
    .cmd_res_mult_i (cmd_res_mult), .cmd_res_lsh_i (cmd_res_lsh), .cmd_res_shift_i (cmd_res_shift),
    .cmd_ln_gf_i (cmd_ln_gf), .cmd_ln_bf_i (cmd_ln_bf), .cmd_ln_eps_i (cmd_ln_eps),
    .cmd_gelu_in_mant_i (cmd_gim), .cmd_gelu_in_exp_i (cmd_gie), .cmd_gelu_out_mant_i (cmd_gom),
    .cmd_gelu_out_exp_i (cmd_goe),
    .prm_valid_i (prm_valid), .prm_ready_o (prm_ready), .prm_data_i (prm_data),
    .in_valid_i (in_valid), .in_ready_o (in_ready), .in_data_i (in_data), .in_row_i (in_row),
    .in_col_i (in_col),
    .res_valid_i (res_valid), .res_ready_o (res_ready), .res_data_i (res_data),
    .out_valid_o (out_valid), .out_ready_i (out_ready), .out_data_o (out_data),
    .out_row_o (out_row), .out_col_o (out_col), .out_last_o (out_last),
    .busy_o (busy), .err_o (err), .err_code_o (err_code),
    .stat_cycles_o (stat_cycles), .stat_stall_o (stat_stall)
  );

  // the beats of one RUN
  reg [Lanes*AccW-1:0]   b_in   [0:MaxBeats-1];
  reg [Lanes*ResInW-1:0] b_res  [0:MaxBeats-1];
  reg [Lanes*PW-1:0]     b_exp  [0:MaxBeats-1];
  reg [RowW-1:0]         b_row  [0:MaxBeats-1];
  reg [ColW-1:0]         b_col  [0:MaxBeats-1];

  integer fd, rc, nb, timed, i, k, n, kind, code_exp;
  integer ops, d, m, grp, rqpt, rmult, rlsh, rsh, gf, bf, gim, gie, gom, goe, op;
  integer row_i, col_i;
  reg [31:0] eps;
  reg [PrmW-1:0] word;
  reg [Lanes*AccW-1:0]   hin;
  reg [Lanes*ResInW-1:0] hres;
  reg [Lanes*PW-1:0]     hexp;
  reg [8*8-1:0] tag;
  integer runs, loads, refusals, beats, elements, in_d, mismatches, timed_n, timed_ok;
  integer cyc, c0, ready_at;
  integer model_cycles;
  integer lfsr;
  reg [8*256-1:0] vecfile, jsonfile;
  integer jf;

  always @(posedge clk) cyc <= cyc + 1;

  function gap;
    input integer pct;
    begin
      lfsr = lfsr * 1103515245 + 12345;
      gap = ((lfsr >>> 8) & 32'h7fff) % 100 < pct;
    end
  endfunction

  task fail_msg;
    input [8*200-1:0] what;
    begin
      if (mismatches == 0) $display("ICARUS MISMATCH command %0d: %0s", ncmd, what);
      mismatches = mismatches + 1;
    end
  endtask

  task summary;
    $display("ICARUS %s_aux: %0d passed, %0d failed (%0d runs, %0d loads, %0d refused; %0d lane values, %0d elements of rows in %0d beats compared, %0d mismatches; %0d/%0d timed runs cycles = model)",
             `TFP_NAME_STR, runs + loads + refusals - (mismatches != 0), mismatches != 0, runs, loads,
             refusals, elements, in_d, beats, mismatches, timed_ok, timed_n);
  endtask

  // The guard: wait loops call guard_wait once per cycle they wait (guard_cnt = 0 when
  // the awaited event happens); past guard_limit cycles the run ends as a failure.
  integer guard_limit = 100000, guard_cnt = 0, ncmd = 0;
  task guard_wait(input [8*48-1:0] what);
    begin
      guard_cnt = guard_cnt + 1;
      if (guard_cnt > guard_limit) begin
        $display("ICARUS MISMATCH command %0d: %0s for %0d cycles at cycle %0d", ncmd, what, guard_limit, cyc);
        mismatches = mismatches + 1;
        summary;
        $finish;
      end
    end
  endtask

  task issue;
    begin
      @(negedge clk);
      guard_cnt = 0;
      while (!cmd_ready) begin
        guard_wait("cmd_ready_o stuck low");
        @(negedge clk);
      end
      cmd_valid = 1'b1;
      @(negedge clk);
      cmd_valid = 1'b0;
      c0 = cyc - 1;
    end
  endtask

  // the driver of one RUN's beats (main and residual together, with gaps unless timed)
  task drive;
    integer bi, waited;
    begin
      bi = 0;
      waited = 0;
      while (bi < nb) begin
        if (!in_valid && (timed || !gap(20))) begin
          in_valid  = 1'b1;
          res_valid = 1'b1;
          in_data   = b_in[bi];
          res_data  = b_res[bi];
          in_row    = b_row[bi];
          in_col    = b_col[bi];
        end
        #1;
        if (in_valid && in_ready) begin
          if ((ops & `TFP_AUX_CHAIN_RES) && !res_ready) fail_msg("res_ready_o low while in_ready_o is high");
          @(posedge clk);
          #1;
          in_valid  = 1'b0;
          res_valid = 1'b0;
          bi = bi + 1;
          waited = 0;
        end else begin
          waited = waited + 1;
          if (waited > guard_limit) begin
            $display("ICARUS MISMATCH command %0d: in_ready_o stuck low at beat %0d of %0d for %0d cycles at cycle %0d",
                     ncmd, bi, nb, guard_limit, cyc);
            mismatches = mismatches + 1;
            summary;
            $finish;
          end
        end
        @(negedge clk);
      end
    end
  endtask

  // the checker of one RUN's output
  task check;
    integer bo, j, waited;
    begin
      bo = 0;
      waited = 0;
      ready_at = -1;
      while (bo < nb || ready_at < 0) begin
        out_ready = timed ? 1'b1 : !gap(25);
        #1;
        if (ready_at < 0 && cmd_ready && bo + (out_valid && out_ready ? 1 : 0) == nb) ready_at = cyc;
        if (out_valid && out_ready) begin
          if (bo >= nb) fail_msg("an output beat too many");
          else begin
            if (out_row !== b_row[bo] || out_col !== b_col[bo] || out_last !== (bo == nb - 1))
              fail_msg("row, column or last flag differ");
            if (out_data !== b_exp[bo]) begin
              if (mismatches == 0)
                for (j = 0; j < Lanes; j = j + 1)
                  if (out_data[j*PW +: PW] !== b_exp[bo][j*PW +: PW])
                    $display("  run %0d beat %0d row %0d col %0d lane %0d: expected %h, actual %h",
                             runs, bo, b_row[bo], b_col[bo], j, b_exp[bo][j*PW +: PW],
                             out_data[j*PW +: PW]);
              fail_msg("output lanes differ");
            end
            elements = elements + Lanes;
            for (j = 0; j < Lanes; j = j + 1)
              if (b_col[bo] + j < d) in_d = in_d + 1;
            beats = beats + 1;
          end
          bo = bo + 1;
          waited = 0;
        end else begin
          waited = waited + 1;
          if (waited > guard_limit) begin
            $display("ICARUS MISMATCH command %0d: %0s for %0d cycles at cycle %0d (%0d of %0d beats out)", ncmd,
                     bo < nb ? "out_valid_o stuck low" : "cmd_ready_o stuck low after the last beat",
                     guard_limit, cyc, bo, nb);
            mismatches = mismatches + 1;
            summary;
            $finish;
          end
        end
        @(negedge clk);
      end
      out_ready = 1'b1;
    end
  endtask

  initial begin
    cyc = 0;
    lfsr = 7;
    runs = 0; loads = 0; refusals = 0; beats = 0; elements = 0; in_d = 0; mismatches = 0;
    timed_n = 0; timed_ok = 0;
    if ($value$plusargs("guard=%d", guard_limit)) ;
    if (!$value$plusargs("vec=%s", vecfile)) begin
      $display("ICARUS: no +vec=FILE given");
      $finish;
    end
    if (!$value$plusargs("json=%s", jsonfile)) jsonfile = "";
    fd = $fopen(vecfile, "r");
    if (fd == 0) begin
      $display("ICARUS: cannot open %0s", vecfile);
      $finish;
    end
    repeat (3) @(negedge clk);
    rst_n = 1'b1;
    tag = "";
    rc = $fscanf(fd, " %s", tag);
    while (rc == 1 && tag != "E" && mismatches == 0) begin
      if (tag == "L") begin
        rc = $fscanf(fd, " %d %d", kind, n);
        cmd_op = kind[OpW-1:0];
        cmd_d = n[DW-1:0];
        issue;
        if (err) fail_msg("a load was refused");
        k = 0;
        while (k < n) begin
          rc = $fscanf(fd, " %h", word);
          @(negedge clk);
          prm_valid = 1'b1;
          prm_data = word;
          #1;
          guard_cnt = 0;
          while (!prm_ready) begin
            guard_wait("prm_ready_o stuck low");
            @(negedge clk);
            #1;
          end
          @(posedge clk);
          #1;
          prm_valid = 1'b0;
          k = k + 1;
        end
        loads = loads + 1;
      end else if (tag == "X") begin
        rc = $fscanf(fd, " %d %d %d %d %d %d %d %d %d %d %d %d", op, ops, d, m, grp, rlsh, bf, gim,
                     gie, gom, goe, code_exp);
        cmd_op = op[OpW-1:0]; cmd_ops = ops[OpsW-1:0]; cmd_d = d[DW-1:0]; cmd_m = m[RowW-1:0];
        cmd_grp = grp[RowW-1:0]; cmd_res_lsh = rlsh[LshW-1:0]; cmd_ln_bf = bf[BfW-1:0];
        cmd_gim = gim[MantW-1:0]; cmd_gie = gie[ExpW-1:0]; cmd_gom = gom[MantW-1:0]; cmd_goe = goe[ExpW-1:0];
        issue;
        #1;
        if (err !== 1'b1 || err_code !== code_exp[ErrW-1:0] || busy !== 1'b0) begin
          $display("  refusal: err %b err_code %0d (expected %0d) busy %b", err, err_code, code_exp, busy);
          fail_msg("a refused command was not refused as the model says");
        end
        in_valid = 1'b1; res_valid = 1'b1; prm_valid = 1'b1;
        repeat (8) begin
          #1;
          if (in_ready !== 1'b0 || res_ready !== 1'b0 || prm_ready !== 1'b0 || out_valid !== 1'b0)
            fail_msg("a refused command took a beat or produced one");
          @(negedge clk);
        end
        in_valid = 1'b0; res_valid = 1'b0; prm_valid = 1'b0;
        refusals = refusals + 1;
      end else if (tag == "R") begin
        rc = $fscanf(fd, " %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d", ops, d, m, grp,
                     rqpt, rmult, rlsh, rsh, gf, bf, eps, gim, gie, gom, goe, nb, timed,
                     model_cycles);
        for (i = 0; i < nb; i = i + 1) begin
          rc = $fscanf(fd, " %s %d %d %h %h %h", tag, row_i, col_i, hin, hres, hexp);
          b_row[i] = row_i[RowW-1:0];
          b_col[i] = col_i[ColW-1:0];
          b_in[i] = hin;
          b_res[i] = hres;
          b_exp[i] = hexp;
        end
        cmd_op = `TFP_AUX_OP_RUN; cmd_ops = ops[OpsW-1:0]; cmd_d = d[DW-1:0]; cmd_m = m[RowW-1:0];
        cmd_grp = grp[RowW-1:0]; cmd_rq_pt = rqpt[0]; cmd_res_mult = rmult[MultW-1:0];
        cmd_res_lsh = rlsh[LshW-1:0]; cmd_res_shift = rsh[ShW-1:0]; cmd_ln_gf = gf[GfW-1:0];
        cmd_ln_bf = bf[BfW-1:0]; cmd_ln_eps = eps; cmd_gim = gim[MantW-1:0]; cmd_gie = gie[ExpW-1:0];
        cmd_gom = gom[MantW-1:0]; cmd_goe = goe[ExpW-1:0];
        issue;
        if (err) fail_msg("a run the model accepts was refused");
        fork
          drive;
          check;
        join
        if (timed) begin
          timed_n = timed_n + 1;
          if (ready_at - c0 == model_cycles && stat_cycles == model_cycles - 1 && stat_stall == 0)
            timed_ok = timed_ok + 1;
          else begin
            $display("  run %0d: %0d cycles (stat_cycles_o %0d), model %0d", runs, ready_at - c0,
                     stat_cycles, model_cycles);
            fail_msg("cycles differ from the model");
          end
        end
        runs = runs + 1;
      end else begin
        $display("ICARUS MISMATCH: bad record %0s", tag);
        mismatches = mismatches + 1;
      end
      ncmd = ncmd + 1;
      rc = $fscanf(fd, " %s", tag);
    end
    if (mismatches == 0 && tag != "E") begin
      $display("ICARUS MISMATCH: vectors end early");
      mismatches = 1;
    end
    if (jsonfile != "") begin
      jf = $fopen(jsonfile, "w");
      $fdisplay(jf, "{\n  \"config\": \"%0s\",\n  \"simulator\": \"icarus\",\n  \"runs\": %0d,\n  \"loads\": %0d,\n  \"refused\": %0d,\n  \"beats\": %0d,\n  \"elements_checked\": %0d,\n  \"elements_in_d\": %0d,\n  \"mismatches\": %0d,\n  \"timed_commands\": %0d,\n  \"timed_equal\": %0d,\n  \"passed\": %0s\n}",
                `TFP_NAME_STR, runs, loads, refusals, beats, elements, in_d, mismatches, timed_n, timed_ok,
                mismatches == 0 ? "true" : "false");
      $fclose(jf);
    end
    summary;
    $finish;
  end

endmodule

`default_nettype wire
