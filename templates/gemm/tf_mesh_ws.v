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

  // Links between neighbours. Entry i*(C+1)+j of the horizontal links enters PE(i,j)
  // from the left (j = C: leaves row i on the right, unused); entry i*C+j of the
  // partial-sum links enters PE(i,j) from above (i = 0: zero; i = R: psum_o).
  wire [R*(C+1)*OpW-1:0]  a_h;
  wire [R*(C+1)-1:0]      bank_h;
  wire [(R+1)*C*AccW-1:0] p_v;

  genvar gi, gj;
  generate
    for (gi = 0; gi < R; gi = gi + 1) begin : g_row
      assign a_h[(gi*(C+1))*OpW +: OpW] = a_i[gi*OpW +: OpW];
      assign bank_h[gi*(C+1)]           = bank_i[gi];
      wire unused_right = ^{a_h[(gi*(C+1)+C)*OpW +: OpW], bank_h[gi*(C+1)+C]};
      for (gj = 0; gj < C; gj = gj + 1) begin : g_col
        tf_pe_ws #(
          .OpW    (OpW),
          .AccW   (AccW),
          .RowW   (RowSelW),
          .RowIdx (gi[RowSelW-1:0])
        ) u_pe (
          .clk_i   (clk_i),
          .rst_ni  (rst_ni),
          .en_i    (en_i),
          .a_i     (a_h[(gi*(C+1)+gj)*OpW +: OpW]),
          .bank_i  (bank_h[gi*(C+1)+gj]),
          .psum_i  (p_v[(gi*C+gj)*AccW +: AccW]),
          .wv_i    (wv_i[gj]),
          .wrow_i  (wrow_i[gj*RowSelW +: RowSelW]),
          .wbank_i (wbank_i[gj]),
          .w_i     (w_i[gj*OpW +: OpW]),
          .a_o     (a_h[(gi*(C+1)+gj+1)*OpW +: OpW]),
          .bank_o  (bank_h[gi*(C+1)+gj+1]),
          .psum_o  (p_v[((gi+1)*C+gj)*AccW +: AccW])
        );
      end
    end
  endgenerate

  assign p_v[0 +: C*AccW] = {(C*AccW){1'b0}};
  assign psum_o           = p_v[R*C*AccW +: C*AccW];

endmodule

`default_nettype wire
