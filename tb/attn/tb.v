// attn_tb -- self-checking Icarus Verilog testbench for a generated attention unit.
//
// Reads decode steps and the golden model's results (tb/attn/vecgen.c), drives the
// command and the D (q, k, v) beats with LFSR gaps, takes o with LFSR back-pressure,
// and compares every element of o (with !==: X is a mismatch), the slot, the eviction,
// a refusal, and stat_cycles - stat_wait against the cycle model, for every command mode
// (step, append, attend) and, with regions, the region and count each command names. Every wait for the
// design is bounded (+guard=N cycles, default 100000): a stuck handshake is a failure,
// not a hang. Ends with:
//   ICARUS <design>_attn: N passed, M failed (E elements checked, X mismatches)
// Run: vvp attn_tb.vvp +vec=FILE [+guard=N]
`default_nettype none
`include "tfp_params.vh"

module attn_tb;
  localparam integer D  = `TFP_ATTN_D;
  localparam integer OW = `TFP_ATTN_OW;
  localparam integer SW = `TFP_ATTN_SLOT_W;
  localparam integer HW = `TFP_ATTN_HEAD_W;
  localparam integer ScaleW = `TFP_ATTN_SCALE_W;  // cmd_scale_i per head
  localparam integer ElemW  = `TFP_ATTN_KV_W;     // in_q_i, in_k_i, in_v_i per head
  localparam integer StatW  = `TFP_ATTN_CNT_W;    // stat_cycles_o, stat_wait_o
  localparam integer ModeW  = `TFP_ATTN_MODE_W;
  localparam integer RgW    = `TFP_ATTN_REGION_W;
  localparam integer ModeAppend = `TFP_ATTN_MODE_APPEND;

  reg clk = 1'b0;
  always #5 clk = ~clk;

  reg           rst_n = 1'b0;
  reg           cmd_valid = 1'b0;
  wire          cmd_ready;
  reg  [HW-1:0] cmd_head = {HW{1'b0}};
  reg  [ScaleW-1:0] cmd_scale = {ScaleW{1'b0}};
  reg           cmd_clear = 1'b0;
  reg  [ModeW-1:0] cmd_mode = {ModeW{1'b0}};
  reg  [RgW-1:0]   cmd_region = {RgW{1'b0}};
  reg  [SW-1:0]    cmd_count = {SW{1'b0}};
  reg           in_valid = 1'b0;
  wire          in_ready;
  reg  [ElemW-1:0] in_q = {ElemW{1'b0}};
  reg  [ElemW-1:0] in_k = {ElemW{1'b0}};
  reg  [ElemW-1:0] in_v = {ElemW{1'b0}};
  wire          o_valid;
  reg           o_ready = 1'b1;
  wire [OW-1:0] o_data;
  wire          o_last;
  wire          busy;
  wire          step_err;
  wire          evict;
  wire [SW-1:0] evict_slot;
  wire [SW-1:0] slot;
  wire [StatW-1:0] st_cycles;
  wire [StatW-1:0] st_wait;

  `TFP_ATTN_TOP dut (
    .clk_i(clk), .rst_ni(rst_n), .cmd_valid_i(cmd_valid), .cmd_ready_o(cmd_ready),
    .cmd_head_i(cmd_head), .cmd_scale_i(cmd_scale), .cmd_clear_i(cmd_clear),
    .cmd_mode_i(cmd_mode), .cmd_region_i(cmd_region), .cmd_count_i(cmd_count),
    .in_valid_i(in_valid), .in_ready_o(in_ready), .in_q_i(in_q), .in_k_i(in_k), .in_v_i(in_v),
    .o_valid_o(o_valid), .o_ready_i(o_ready), .o_data_o(o_data), .o_last_o(o_last),
    .busy_o(busy), .step_err_o(step_err), .evict_o(evict), .evict_slot_o(evict_slot),
    .slot_o(slot), .stat_cycles_o(st_cycles), .stat_wait_o(st_wait)
  );

  reg [31:0] lfsr = 32'hbeef_1234;
  task step_lfsr;
    begin
      lfsr = {lfsr[30:0], lfsr[31] ^ lfsr[21] ^ lfsr[1] ^ lfsr[0]};
    end
  endtask

  integer fd, rc, nsteps, t, i, got, passed, failed, checks, mismatches, bad;
  integer head, clear, refused, eslot_exp, evict_exp, eslot_v, cycles_exp, qv, kv, vv;
  integer mode, region, count, outs;
  reg [ScaleW-1:0] scale;
  reg signed [63:0] expv;
  reg signed [63:0] act;

  task summary;
    $display("ICARUS %s_attn: %0d passed, %0d failed (%0d elements checked, %0d mismatches)",
             `TFP_NAME_STR, passed, failed, checks, mismatches);
  endtask

  localparam [8*8-1:0] TbUnit = "step";
`include "tb_common.vh"

  initial begin
    passed = 0; failed = 0; checks = 0; mismatches = 0; t = 0;
    open_vectors(fd, nsteps);
    repeat (3) @(negedge clk);
    rst_n = 1'b1;
    @(negedge clk);
    for (t = 0; t < nsteps; t = t + 1) begin
      bad = 0;
      rc = $fscanf(fd, "%d %d %d %d %d %d %d %d %d %d %d", head, clear, scale, mode, region, count,
                   refused, eslot_exp, evict_exp, eslot_v, cycles_exp);
      outs = (refused == 0 && mode != ModeAppend) ? D : 0;
      if (clear == 2) begin
        // a region the host forgets: nothing for the unit to do
        passed = passed + 1;
      end else begin
        cmd_valid = 1'b1;
        cmd_head  = head[HW-1:0];
        cmd_scale = scale;
        cmd_clear = (clear != 0);
        cmd_mode  = mode[ModeW-1:0];
        cmd_region = region[RgW-1:0];
        cmd_count = count[SW-1:0];
        `TB_WAIT(cmd_ready, "cmd_ready_o stuck low")
        @(negedge clk);
        cmd_valid = 1'b0;
        cmd_clear = 1'b0;
        if (clear == 0) begin
          i = 0;
          while (i < D) begin
            step_lfsr;
            if (lfsr[2:0] != 3'd0) begin
              rc = $fscanf(fd, "%d %d %d", qv, kv, vv);
              in_valid = 1'b1;
              in_q = qv[ElemW-1:0];
              in_k = kv[ElemW-1:0];
              in_v = vv[ElemW-1:0];
              `TB_WAIT(in_ready, "in_ready_o stuck low")
              @(negedge clk);
              in_valid = 1'b0;
              i = i + 1;
            end else begin
              @(negedge clk);
            end
          end
          got = 0;
          guard_cnt = 0;
          while (got < outs || busy) begin
            guard_wait("no output beat (o_valid_o low or busy_o high)");
            step_lfsr;
            o_ready = (lfsr[1:0] != 2'd0);
            #1;
            if (o_valid && o_ready) begin
              if (got >= outs) begin
                if (bad == 0) $display("ICARUS MISMATCH step %0d: output from a refused step or an append", t);
                bad = 1;
              end else begin
                rc = $fscanf(fd, "%d", expv);
                act = {{(64-OW){o_data[OW-1]}}, o_data};
                checks = checks + 1;
                if (act !== expv || o_last !== (got == D - 1)) begin
                  mismatches = mismatches + 1;
                  if (bad == 0)
                    $display("ICARUS MISMATCH step %0d: o[%0d]: expected %0d, actual %0d", t, got, expv, act);
                  bad = 1;
                end
              end
              got = got + 1;
              guard_cnt = 0;
            end
            @(negedge clk);
          end
          o_ready = 1'b1;
          if (step_err !== (refused != 0) ||
              (refused == 0 && ((eslot_exp >= 0 && slot !== eslot_exp[SW-1:0]) || evict !== (evict_exp != 0) ||
                                (evict_exp != 0 && evict_slot !== eslot_v[SW-1:0]))) ||
              (st_cycles - st_wait) !== cycles_exp) begin
            if (bad == 0)
              $display("ICARUS MISMATCH step %0d: err %0d slot %0d evict %0d/%0d cycles %0d; expected %0d %0d %0d/%0d %0d",
                       t, step_err, slot, evict, evict_slot, st_cycles - st_wait, refused, eslot_exp,
                       evict_exp, eslot_v, cycles_exp);
            bad = 1;
          end
        end
        if (bad != 0) failed = failed + 1;
        else passed = passed + 1;
      end
    end
    tb_finish(fd);
  end
endmodule

`default_nettype wire
