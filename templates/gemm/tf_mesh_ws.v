// tf_mesh_ws -- R x C weight-stationary systolic array of tf_pe_ws (fixed-text template).
//
// Row i takes A and its weight-bank tag at a_i/bank_i[i]; they move right one PE per
// cycle. Partial sums move down, starting from zero above row 0; psum_o[j] leaves the
// bottom of column j. Column j's weight bus (wv/wrow/wbank/w) is broadcast to its
// rows; PE(i,j) takes the weight whose wrow equals i into bank wbank.
// Parameters (all from the plan, gen/plan.c): R = rows, C = cols, OpW = op_bits,
// AccW = acc_bits, RowSelW = rowsel_w = max(clog2(R), 1) (the wrow width).
// Handshake: none; advances when en_i is high. Latency: one cycle per PE hop.
`default_nettype none

module tf_mesh_ws #(
  parameter integer R       = 8,
  parameter integer C       = 8,
  parameter integer OpW     = 8,
  parameter integer AccW    = 22,
  parameter integer RowSelW = 3
) (
  input  wire                   clk_i,
  input  wire                   rst_ni,
  input  wire                   en_i,
  input  wire [R*OpW-1:0]       a_i,
  input  wire [R-1:0]           bank_i,
  input  wire [C-1:0]           wv_i,
  input  wire [C*RowSelW-1:0]   wrow_i,
  input  wire [C-1:0]           wbank_i,
  input  wire [C*OpW-1:0]       w_i,
  output wire [C*AccW-1:0]      psum_o
);

  // PE(i,j) is g_row[i].g_col[j]; its outputs are wires of its own generate block, and
  // its inputs are the outputs of its left (A, bank) and upper (partial sum)
  // neighbours, or the array's inputs on the left column and zero on the top row.
  genvar gi, gj;
  generate
    for (gi = 0; gi < R; gi = gi + 1) begin : g_row
      for (gj = 0; gj < C; gj = gj + 1) begin : g_col
        wire [OpW-1:0]  a_in;
        wire            bank_in;
        wire [AccW-1:0] psum_in;
        wire [OpW-1:0]  a_out;
        wire            bank_out;
        wire [AccW-1:0] psum_out;
        if (gj == 0) begin : g_left
          assign a_in    = a_i[gi*OpW +: OpW];
          assign bank_in = bank_i[gi];
        end else begin : g_inner
          assign a_in    = g_row[gi].g_col[gj-1].a_out;
          assign bank_in = g_row[gi].g_col[gj-1].bank_out;
        end
        if (gi == 0) begin : g_top
          assign psum_in = {AccW{1'b0}};
        end else begin : g_below
          assign psum_in = g_row[gi-1].g_col[gj].psum_out;
        end
        if (gj == C - 1) begin : g_right
          wire unused_right = ^{a_out, bank_out};
        end
        if (gi == R - 1) begin : g_bottom
          assign psum_o[gj*AccW +: AccW] = psum_out;
        end
        tf_pe_ws #(
          .OpW    (OpW),
          .AccW   (AccW),
          .RowW   (RowSelW),
          .RowIdx (gi[RowSelW-1:0])
        ) u_pe (
          .clk_i   (clk_i),
          .rst_ni  (rst_ni),
          .en_i    (en_i),
          .a_i     (a_in),
          .bank_i  (bank_in),
          .psum_i  (psum_in),
          .wv_i    (wv_i[gj]),
          .wrow_i  (wrow_i[gj*RowSelW +: RowSelW]),
          .wbank_i (wbank_i[gj]),
          .w_i     (w_i[gj*OpW +: OpW]),
          .a_o     (a_out),
          .bank_o  (bank_out),
          .psum_o  (psum_out)
        );
      end
    end
  endgenerate

endmodule

`default_nettype wire
