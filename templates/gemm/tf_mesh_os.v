// tf_mesh_os -- R x C output-stationary systolic array of tf_pe_os (fixed-text template).
//
// Row i takes its A operand and flags at a_i/vld_i/first_i/last_i[i]; they move right
// one PE per cycle. Column j takes B at b_i[j]; it moves down one PE per cycle.
// res_row_o is row rsel_i of the PEs' last finished dot products: per column, a
// balanced tree of 2:1 multiplexers on the bits of rsel_i (a select at or beyond R
// reads zeros).
// Parameters (all from the plan, gen/plan.c): R = rows, C = cols, OpW = op_bits,
// AccW = acc_bits, RowSelW = rowsel_w = max(clog2(R), 1).
// Handshake: none; advances when en_i is high. Latency: one cycle per PE hop;
// res_row_o is combinational in rsel_i.
`default_nettype none

module tf_mesh_os #(
  parameter integer R       = 8,
  parameter integer C       = 8,
  parameter integer OpW     = 8,
  parameter integer AccW    = 22,
  parameter integer RowSelW = 3
) (
  input  wire                 clk_i,
  input  wire                 rst_ni,
  input  wire                 en_i,
  input  wire [R*OpW-1:0]     a_i,
  input  wire [R-1:0]         vld_i,
  input  wire [R-1:0]         first_i,
  input  wire [R-1:0]         last_i,
  input  wire [C*OpW-1:0]     b_i,
  input  wire [RowSelW-1:0]   rsel_i,
  output wire [C*AccW-1:0]    res_row_o
);

  localparam integer NRes = 1 << RowSelW;  // row selects, R of them live

  // PE(i,j) is g_row[i].g_col[j]; its outputs are wires of its own generate block, and
  // its inputs are the outputs of its left (A, flags) and upper (B) neighbours, or the
  // array's inputs on the left column and top row.
  genvar gi, gj, gl, gn;
  generate
    for (gi = 0; gi < R; gi = gi + 1) begin : g_row
      for (gj = 0; gj < C; gj = gj + 1) begin : g_col
        wire [OpW-1:0]  a_in;
        wire            vld_in;
        wire            first_in;
        wire            last_in;
        wire [OpW-1:0]  b_in;
        wire [OpW-1:0]  a_out;
        wire            vld_out;
        wire            first_out;
        wire            last_out;
        wire [OpW-1:0]  b_out;
        wire [AccW-1:0] res;
        if (gj == 0) begin : g_left
          assign a_in     = a_i[gi*OpW +: OpW];
          assign vld_in   = vld_i[gi];
          assign first_in = first_i[gi];
          assign last_in  = last_i[gi];
        end else begin : g_inner
          assign a_in     = g_row[gi].g_col[gj-1].a_out;
          assign vld_in   = g_row[gi].g_col[gj-1].vld_out;
          assign first_in = g_row[gi].g_col[gj-1].first_out;
          assign last_in  = g_row[gi].g_col[gj-1].last_out;
        end
        if (gi == 0) begin : g_top
          assign b_in = b_i[gj*OpW +: OpW];
        end else begin : g_below
          assign b_in = g_row[gi-1].g_col[gj].b_out;
        end
        if (gj == C - 1) begin : g_right
          wire unused_right = ^{a_out, vld_out, first_out, last_out};
        end
        if (gi == R - 1) begin : g_bottom
          wire unused_bottom = ^b_out;
        end
        tf_pe_os #(
          .OpW  (OpW),
          .AccW (AccW)
        ) u_pe (
          .clk_i   (clk_i),
          .rst_ni  (rst_ni),
          .en_i    (en_i),
          .a_i     (a_in),
          .vld_i   (vld_in),
          .first_i (first_in),
          .last_i  (last_in),
          .b_i     (b_in),
          .a_o     (a_out),
          .vld_o   (vld_out),
          .first_o (first_out),
          .last_o  (last_out),
          .b_o     (b_out),
          .res_o   (res)
        );
      end
    end

    // Row readout: per column, a balanced tree of 2:1 multiplexers steered by the bits
    // of rsel_i over the R results, padded with zeros to 2^RowSelW leaves, so a select
    // at or beyond R reads zeros. Level l has 2^(RowSelW-l) nodes; node n of level l
    // picks node 2n + rsel_i[l-1] of level l-1.
    for (gj = 0; gj < C; gj = gj + 1) begin : g_out
      for (gl = 0; gl <= RowSelW; gl = gl + 1) begin : g_lvl
        for (gn = 0; gn < (NRes >> gl); gn = gn + 1) begin : g_node
          wire [AccW-1:0] y;
          if (gl == 0 && gn < R) begin : g_leaf
            assign y = g_row[gn].g_col[gj].res;
          end else if (gl == 0) begin : g_pad
            assign y = {AccW{1'b0}};
          end else begin : g_mux
            assign y = rsel_i[gl-1] ? g_lvl[gl-1].g_node[2*gn+1].y : g_lvl[gl-1].g_node[2*gn].y;
          end
        end
      end
      assign res_row_o[gj*AccW +: AccW] = g_lvl[RowSelW].g_node[0].y;
    end
  endgenerate

endmodule

`default_nettype wire
