// tb.v -- Icarus self-checking bench of the auxiliary unit (tf_aux) on golden-model vectors
// written by tb/aux/vecgen.c (format there). Loads go through prm_*; each RUN's beats are
// driven on in_* and res_* with pseudo-random gaps and the output with pseudo-random
// back-pressure (none for a RUN marked timed, whose cycles from acceptance to the next
// cmd_ready_o must equal the model's); every output lane, row, column and last flag is
// compared with !== (an X anywhere fails); refused commands must raise err_o with the model's
// err_code_o and take nothing. Plusargs: +vectors=FILE +json=FILE +name=NAME.
// Parameters: tf_aux's, set with iverilog -P tb.<name>=<value> (tb/aux/run.sh).
`default_nettype none

module tb;
  parameter integer Lanes    = 4;
  parameter integer MaxD     = 64;
  parameter integer AccW     = 32;
  parameter integer BiasW    = 32;
  parameter integer RqW      = 8;
  parameter integer ResW     = 16;
  parameter integer ResInW   = 8;
  parameter integer LnInW    = 16;
  parameter integer LnOutW   = 8;
  parameter integer LnMaxD   = 64;
  parameter integer LnRows   = 1;
  parameter integer LnBanks  = 2;
  parameter integer GeluInW  = 8;
  parameter integer GeluOutW = 8;
  parameter integer RowW     = 8;
  parameter integer HasBias  = 1;
  parameter integer HasRq    = 1;
  parameter integer HasRes   = 1;
  parameter integer HasLn    = 1;
  parameter integer HasGelu  = 1;
  parameter integer CntW     = 32;

  localparam integer DW    = $clog2(MaxD + 1);
  localparam integer ColW  = (MaxD > 1) ? $clog2(MaxD) : 1;
  localparam integer PW    = (AccW > ResW) ? AccW : ResW;
  localparam integer Tiles = (MaxD + Lanes - 1) / Lanes;
  localparam integer MaxBeats = 8 * Tiles;

  reg clk = 1'b0;
  reg rst_n = 1'b0;
  always #5 clk = ~clk;

  reg                      cmd_valid = 1'b0;
  wire                     cmd_ready;
  reg  [2:0]               cmd_op = 3'd0;
  reg  [4:0]               cmd_ops = 5'd0;
  reg  [DW-1:0]            cmd_d = {DW{1'b0}};
  reg  [RowW-1:0]          cmd_m = {RowW{1'b0}};
  reg  [RowW-1:0]          cmd_grp = {RowW{1'b0}};
  reg                      cmd_rq_pt = 1'b0;
  reg  [30:0]              cmd_res_mult = 31'd0;
  reg  [4:0]               cmd_res_lsh = 5'd0;
  reg  [4:0]               cmd_res_shift = 5'd0;
  reg  [3:0]               cmd_ln_gf = 4'd0;
  reg  [4:0]               cmd_ln_bf = 5'd0;
  reg  [31:0]              cmd_ln_eps = 32'd0;
  reg  [15:0]              cmd_gim = 16'd0;
  reg  [5:0]               cmd_gie = 6'd0;
  reg  [15:0]              cmd_gom = 16'd0;
  reg  [5:0]               cmd_goe = 6'd0;
  reg                      prm_valid = 1'b0;
  wire                     prm_ready;
  reg  [35:0]              prm_data = 36'd0;
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
  wire [2:0]               err_code;
  wire [CntW-1:0]          stat_cycles;
  wire [CntW-1:0]          stat_stall;

  tf_aux #(
    .Lanes (Lanes), .MaxD (MaxD), .AccW (AccW), .BiasW (BiasW), .RqW (RqW), .ResW (ResW),
    .ResInW (ResInW), .LnInW (LnInW), .LnOutW (LnOutW), .LnMaxD (LnMaxD), .LnRows (LnRows),
    .LnBanks (LnBanks), .GeluInW (GeluInW), .GeluOutW (GeluOutW), .RowW (RowW),
    .HasBias (HasBias), .HasRq (HasRq), .HasRes (HasRes), .HasLn (HasLn), .HasGelu (HasGelu),
    .CntW (CntW)
  ) dut (
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
  reg [35:0] word;
  reg [Lanes*AccW-1:0]   hin;
  reg [Lanes*ResInW-1:0] hres;
  reg [Lanes*PW-1:0]     hexp;
  reg [8*8-1:0] tag;
  integer runs, loads, refusals, beats, elements, in_d, mismatches, timed_n, timed_ok;
  integer cyc, c0, ready_at;
  integer model_cycles;
  integer lfsr;
  reg [8*256-1:0] vecfile, jsonfile, name;
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
      if (mismatches == 0) $display("MISMATCH %0s: %0s", name, what);
      mismatches = mismatches + 1;
    end
  endtask

  task issue;
    begin
      @(negedge clk);
      while (!cmd_ready) @(negedge clk);
      cmd_valid = 1'b1;
      @(negedge clk);
      cmd_valid = 1'b0;
      c0 = cyc - 1;
    end
  endtask

  // the driver of one RUN's beats (main and residual together, with gaps unless timed)
  task drive;
    integer bi;
    begin
      bi = 0;
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
          if ((ops & 4) && !res_ready) fail_msg("res_ready_o low while in_ready_o is high");
          @(posedge clk);
          #1;
          in_valid  = 1'b0;
          res_valid = 1'b0;
          bi = bi + 1;
        end
        @(negedge clk);
      end
    end
  endtask

  // the checker of one RUN's output
  task check;
    integer bo, j;
    begin
      bo = 0;
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
        end
        if (cyc - c0 > 200000) begin
          fail_msg("out_valid_o or cmd_ready_o stuck (200000 cycles)");
          bo = nb;
          ready_at = cyc;
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
    if (!$value$plusargs("vectors=%s", vecfile)) vecfile = "vectors.txt";
    if (!$value$plusargs("json=%s", jsonfile)) jsonfile = "";
    if (!$value$plusargs("name=%s", name)) name = "aux";
    fd = $fopen(vecfile, "r");
    if (fd == 0) begin
      $display("FAIL: cannot open %0s", vecfile);
      $finish;
    end
    repeat (3) @(negedge clk);
    rst_n = 1'b1;
    tag = "";
    rc = $fscanf(fd, " %s", tag);
    while (rc == 1 && tag != "E" && mismatches == 0) begin
      if (tag == "L") begin
        rc = $fscanf(fd, " %d %d", kind, n);
        cmd_op = kind[2:0];
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
          while (!prm_ready) begin
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
        cmd_op = op[2:0]; cmd_ops = ops[4:0]; cmd_d = d[DW-1:0]; cmd_m = m[RowW-1:0];
        cmd_grp = grp[RowW-1:0]; cmd_res_lsh = rlsh[4:0]; cmd_ln_bf = bf[4:0];
        cmd_gim = gim[15:0]; cmd_gie = gie[5:0]; cmd_gom = gom[15:0]; cmd_goe = goe[5:0];
        issue;
        #1;
        if (err !== 1'b1 || err_code !== code_exp[2:0] || busy !== 1'b0) begin
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
        cmd_op = 3'd0; cmd_ops = ops[4:0]; cmd_d = d[DW-1:0]; cmd_m = m[RowW-1:0];
        cmd_grp = grp[RowW-1:0]; cmd_rq_pt = rqpt[0]; cmd_res_mult = rmult[30:0];
        cmd_res_lsh = rlsh[4:0]; cmd_res_shift = rsh[4:0]; cmd_ln_gf = gf[3:0]; cmd_ln_bf = bf[4:0];
        cmd_ln_eps = eps; cmd_gim = gim[15:0]; cmd_gie = gie[5:0]; cmd_gom = gom[15:0];
        cmd_goe = goe[5:0];
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
        $display("FAIL: bad record %0s", tag);
        mismatches = mismatches + 1;
      end
      rc = $fscanf(fd, " %s", tag);
    end
    if (mismatches == 0 && tag != "E") begin
      $display("FAIL: vectors end early");
      mismatches = 1;
    end
    if (jsonfile != "") begin
      jf = $fopen(jsonfile, "w");
      $fdisplay(jf, "{\n  \"config\": \"%0s\",\n  \"simulator\": \"icarus\",\n  \"runs\": %0d,\n  \"loads\": %0d,\n  \"refused\": %0d,\n  \"beats\": %0d,\n  \"elements_checked\": %0d,\n  \"elements_in_d\": %0d,\n  \"mismatches\": %0d,\n  \"timed_commands\": %0d,\n  \"timed_equal\": %0d,\n  \"passed\": %0s\n}",
                name, runs, loads, refusals, beats, elements, in_d, mismatches, timed_n, timed_ok,
                mismatches == 0 ? "true" : "false");
      $fclose(jf);
    end
    $display("%0s %0s: icarus: %0d runs, %0d loads, %0d refused; %0d lane values (%0d elements of rows) in %0d beats compared, %0d mismatches; %0d/%0d timed runs cycles = model",
             mismatches == 0 ? "PASS" : "FAIL", name, runs, loads, refusals, elements, in_d, beats,
             mismatches, timed_ok, timed_n);
    $finish;
  end

endmodule

`default_nettype wire
