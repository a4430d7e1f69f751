// tb_common.vh -- what the Icarus benches share, `included inside the bench module: the
// vector file and the guard on every wait (docs/architecture.md 5.1).
// The bench declares before the `include: clk, integer t (the current unit), integer
// failed, a task summary (its ICARUS summary line), and
//   localparam [8*8-1:0] TbUnit = "test";   // how a unit is named in messages
// then calls open_vectors(fd, count) first in its initial block, waits for a handshake
// with `TB_WAIT(condition, "what")` (guarded), and ends with tb_finish(fd).

  reg [8*256-1:0] tb_vec;

  // +vec=FILE: the golden model's vectors, whose first number is the count of units;
  // +guard=N: the wait bound (default 100000 cycles).
  task open_vectors(output integer fd_o, output integer count_o);
    integer rc_o;
    begin
      if ($value$plusargs("guard=%d", guard_limit)) ;
      if (!$value$plusargs("vec=%s", tb_vec)) begin
        $display("ICARUS %m: no +vec=FILE given");
        $finish;
      end
      fd_o = $fopen(tb_vec, "r");
      if (fd_o == 0) begin
        $display("ICARUS: cannot open %0s", tb_vec);
        $finish;
      end
      rc_o = $fscanf(fd_o, "%d", count_o);
    end
  endtask

  // The guard: past guard_limit cycles of one wait, the run ends as a failure naming
  // what it waited for, instead of hanging.
  integer guard_limit = 100000, guard_cnt = 0, cyc = 0;
  always @(negedge clk) cyc = cyc + 1;
  task guard_wait(input [8*40-1:0] what);
    begin
      guard_cnt = guard_cnt + 1;
      if (guard_cnt > guard_limit) begin
        $display("ICARUS MISMATCH %0s %0d: %0s for %0d cycles at cycle %0d", TbUnit, t, what,
                 guard_limit, cyc);
        failed = failed + 1;
        summary;
        $finish;
      end
    end
  endtask

  // End of the run: the summary line, and the simulation.
  task tb_finish(input integer fd_i);
    begin
      summary;
      $fclose(fd_i);
      $finish;
    end
  endtask

// Wait at negedges until COND holds, at most guard_limit cycles (then the run fails
// naming WHAT).
`define TB_WAIT(cond, what) \
  begin guard_cnt = 0; while (!(cond)) begin guard_wait(what); @(negedge clk); end end
