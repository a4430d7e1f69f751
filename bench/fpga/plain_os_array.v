// plain_os_array -- the baseline of make bench's FPGA comparison (scripts/bench_fpga.sh):
// a plain, hand-written R x C output-stationary array, what a designer writes first.
//
// PE(i,j): operand registers (A moves right, B moves down, one register per hop) and one
// signed OpW x OpW multiply-accumulate per cycle into its accumulator, which restarts on
// the row's clear flag (it travels with A). Every accumulator is an output: no result
// register, no read-out multiplexer, no stall, no reset.
`default_nettype none

module plain_os_array #(
  parameter integer R    = 4,
  parameter integer C    = 4,
  parameter integer OpW  = 8,
  parameter integer AccW = 22
) (
  input  wire                clk_i,
  input  wire [R*OpW-1:0]    a_i,
  input  wire [R-1:0]        clr_i,
  input  wire [C*OpW-1:0]    b_i,
  output wire [R*C*AccW-1:0] acc_o
);

  genvar gi, gj;
  generate
    for (gi = 0; gi < R; gi = gi + 1) begin : g_row
      for (gj = 0; gj < C; gj = gj + 1) begin : g_col
        reg signed [OpW-1:0]  a_q;
        reg                   clr_q;
        reg signed [OpW-1:0]  b_q;
        reg signed [AccW-1:0] acc_q;
        wire signed [OpW-1:0] a_in;
        wire                  clr_in;
        wire signed [OpW-1:0] b_in;
        if (gj == 0) begin : g_left
          assign a_in   = a_i[gi*OpW +: OpW];
          assign clr_in = clr_i[gi];
        end else begin : g_inner
          assign a_in   = g_row[gi].g_col[gj-1].a_q;
          assign clr_in = g_row[gi].g_col[gj-1].clr_q;
        end
        if (gi == 0) begin : g_top
          assign b_in = b_i[gj*OpW +: OpW];
        end else begin : g_below
          assign b_in = g_row[gi-1].g_col[gj].b_q;
        end
        wire signed [2*OpW-1:0] prod = a_q * b_q;
        always @(posedge clk_i) begin
          a_q   <= a_in;
          clr_q <= clr_in;
          b_q   <= b_in;
          acc_q <= (clr_q ? {AccW{1'b0}} : acc_q) + {{(AccW-2*OpW){prod[2*OpW-1]}}, prod};
        end
        assign acc_o[(gi*C+gj)*AccW +: AccW] = acc_q;
      end
    end
  endgenerate

endmodule

`default_nettype wire
