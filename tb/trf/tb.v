// trf_tb -- self-checking Icarus Verilog testbench for a generated two-direction
// register file (<name>_trf). Reads accesses and expected read data written by the
// golden model (tb/trf/vecgen.c), drives them one per cycle, and compares every word
// of every read one cycle later with !== (an X or Z word is a mismatch). Ends with:
//   ICARUS <design>_trf: N passed, M failed (E words checked, X mismatches)
// where N/M count reads. Run: vvp trf_tb.vvp +vec=FILE
`default_nettype none
`include "tfp_params.vh"

module trf_tb;
  localparam integer NB   = `TFP_TRF_WORDS;
  localparam integer W    = `TFP_TRF_WIDTH;
  localparam integer IdxW = `TFP_TRF_IDX_W;

  reg clk = 1'b0;
  always #5 clk = ~clk;
  reg rst_n = 1'b0;

  reg             w_valid = 1'b0;
  reg             w_dir = 1'b0;
  reg  [IdxW-1:0] w_idx = {IdxW{1'b0}};
  reg  [NB-1:0]   w_mask = {NB{1'b1}};
  reg  [NB*W-1:0] w_data = {(NB*W){1'b0}};
  reg             r0_valid = 1'b0;
  reg             r0_dir = 1'b0;
  reg  [IdxW-1:0] r0_idx = {IdxW{1'b0}};
  wire            r0_valid_o;
  wire [NB*W-1:0] r0_data;
`ifdef TFP_TRF_TWO_PORTS
  reg             r1_valid = 1'b0;
  reg             r1_dir = 1'b0;
  reg  [IdxW-1:0] r1_idx = {IdxW{1'b0}};
  wire            r1_valid_o;
  wire [NB*W-1:0] r1_data;
`endif

  `TFP_TRF_TOP dut (
    .clk_i       (clk),
    .rst_ni      (rst_n),
    .w_valid_i   (w_valid),
    .w_dir_i     (w_dir),
    .w_idx_i     (w_idx),
`ifdef TFP_TRF_MASK
    .w_mask_i    (w_mask),
`endif
    .w_data_i    (w_data),
`ifdef TFP_TRF_TWO_PORTS
    .r1_valid_i  (r1_valid),
    .r1_dir_i    (r1_dir),
    .r1_idx_i    (r1_idx),
    .r1_valid_o  (r1_valid_o),
    .r1_data_o   (r1_data),
`endif
    .r0_valid_i  (r0_valid),
    .r0_dir_i    (r0_dir),
    .r0_idx_i    (r0_idx),
    .r0_valid_o  (r0_valid_o),
    .r0_data_o   (r0_data)
  );

  integer fd, rc, n, t, v, d, ix, passed, failed, words, mism;

  task summary;
    $display("ICARUS %s_trf: %0d passed, %0d failed (%0d words checked, %0d mismatches)",
             `TFP_NAME_STR, passed, failed, words, mism);
  endtask
  localparam [8*8-1:0] TbUnit = "cycle";
`include "tb_common.vh"
  reg [NB*W-1:0] e0, e0_q, e1, e1_q;
  reg            p0_q, p1_q;

  task check(input integer port, input [NB*W-1:0] got, input [NB*W-1:0] exp, input vo);
    begin
      words = words + NB;
      if (got !== exp || vo !== 1'b1) begin
        mism = mism + 1;
        failed = failed + 1;
        if (failed == 1)
          $display("ICARUS MISMATCH cycle %0d port %0d: expected %h, actual %h (valid %b)", t - 1, port, exp, got, vo);
      end else begin
        passed = passed + 1;
      end
    end
  endtask

  initial begin
    passed = 0; failed = 0; words = 0; mism = 0; p0_q = 1'b0; p1_q = 1'b0;
    e0_q = {(NB*W){1'b0}}; e1_q = {(NB*W){1'b0}};
    open_vectors(fd, n);
    repeat (2) @(negedge clk);
    rst_n = 1'b1;
    for (t = 0; t <= n; t = t + 1) begin
      // outputs of the reads issued in the previous cycle
      if (p0_q) check(0, r0_data, e0_q, r0_valid_o);
`ifdef TFP_TRF_TWO_PORTS
      if (p1_q) check(1, r1_data, e1_q, r1_valid_o);
`endif
      if (t < n) begin
        rc = $fscanf(fd, "%d %d %d %h %h", v, d, ix, w_mask, w_data);
        w_valid = v[0];
        w_dir   = d[0];
        w_idx   = ix[IdxW-1:0];
        rc = $fscanf(fd, "%d %d %d %h", v, d, ix, e0);
        r0_valid = v[0];
        r0_dir   = d[0];
        r0_idx   = ix[IdxW-1:0];
        p0_q = v[0];
        e0_q = e0;
`ifdef TFP_TRF_TWO_PORTS
        rc = $fscanf(fd, "%d %d %d %h", v, d, ix, e1);
        r1_valid = v[0];
        r1_dir   = d[0];
        r1_idx   = ix[IdxW-1:0];
        p1_q = v[0];
        e1_q = e1;
`endif
      end else begin
        w_valid = 1'b0;
        r0_valid = 1'b0;
        p0_q = 1'b0;
`ifdef TFP_TRF_TWO_PORTS
        r1_valid = 1'b0;
        p1_q = 1'b0;
`endif
      end
      @(negedge clk);
    end
    tb_finish(fd);
  end
endmodule

`default_nettype wire
