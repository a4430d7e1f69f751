// tf_mesh_os -- R x C output-stationary systolic array of tf_pe_os (fixed-text template).
//
// Row i takes its A operand and flags at a_i/vld_i/first_i/last_i[i]; they move right
// one PE per cycle. Column j takes B at b_i[j]; it moves down one PE per cycle.
// res_row_o is row rsel_i of the PEs' last finished dot products: one R:1 multiplexer
// per column (a row select at or beyond R reads zeros).
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

  // Links between neighbours. Entry i*(C+1)+j of the horizontal links enters PE(i,j)
  // from the left (j = C: leaves row i on the right, unused); entry i*C+j of the
  // vertical links enters PE(i,j) from above (i = R: leaves column j at the bottom).
  localparam integer NRes = 1 << RowSelW;  // row selects, R of them live

  wire [R*(C+1)*OpW-1:0] a_h;
  wire [R*(C+1)-1:0]     vld_h;
  wire [R*(C+1)-1:0]     first_h;
  wire [R*(C+1)-1:0]     last_h;
  wire [(R+1)*C*OpW-1:0] b_v;
  wire [R*C*AccW-1:0]    res;       // entry i*C+j: PE(i,j)'s result register

  genvar gi, gj;
  generate
    for (gi = 0; gi < R; gi = gi + 1) begin : g_row
      assign a_h[(gi*(C+1))*OpW +: OpW] = a_i[gi*OpW +: OpW];
      assign vld_h[gi*(C+1)]            = vld_i[gi];
      assign first_h[gi*(C+1)]          = first_i[gi];
      assign last_h[gi*(C+1)]           = last_i[gi];
      wire unused_right = ^{a_h[(gi*(C+1)+C)*OpW +: OpW], vld_h[gi*(C+1)+C],
                            first_h[gi*(C+1)+C], last_h[gi*(C+1)+C]};
      for (gj = 0; gj < C; gj = gj + 1) begin : g_col
        tf_pe_os #(
          .OpW  (OpW),
          .AccW (AccW)
        ) u_pe (
          .clk_i   (clk_i),
          .rst_ni  (rst_ni),
          .en_i    (en_i),
          .a_i     (a_h[(gi*(C+1)+gj)*OpW +: OpW]),
          .vld_i   (vld_h[gi*(C+1)+gj]),
          .first_i (first_h[gi*(C+1)+gj]),
          .last_i  (last_h[gi*(C+1)+gj]),
          .b_i     (b_v[(gi*C+gj)*OpW +: OpW]),
          .a_o     (a_h[(gi*(C+1)+gj+1)*OpW +: OpW]),
          .vld_o   (vld_h[gi*(C+1)+gj+1]),
          .first_o (first_h[gi*(C+1)+gj+1]),
          .last_o  (last_h[gi*(C+1)+gj+1]),
          .b_o     (b_v[((gi+1)*C+gj)*OpW +: OpW]),
          .res_o   (res[(gi*C+gj)*AccW +: AccW])
        );
      end
    end

    // Row readout: column j's results as an array padded to 2^RowSelW entries with
    // zeros, read at rsel_i: every select value reads a defined word (zero at or beyond R).
    for (gj = 0; gj < C; gj = gj + 1) begin : g_out
      wire [AccW-1:0] col_res [0:NRes-1];
      for (gi = 0; gi < NRes; gi = gi + 1) begin : g_sel
        if (gi < R) begin : g_live
          assign col_res[gi] = res[(gi*C+gj)*AccW +: AccW];
        end else begin : g_pad
          assign col_res[gi] = {AccW{1'b0}};
        end
      end
      assign b_v[gj*OpW +: OpW]              = b_i[gj*OpW +: OpW];
      assign res_row_o[gj*AccW +: AccW]      = col_res[rsel_i];
    end
  endgenerate

  wire unused_bottom = ^b_v[R*C*OpW +: C*OpW];

endmodule

`default_nettype wire
