// tf_trf_banked -- two-direction accessible register file on NB = max(NR, NC)
// memory banks with a skewed (diagonal) layout (fixed-text template).
//
// Same ports and behaviour as tf_trf_flops: NR x NC words of W bits, every access a
// whole row (dir 0) or a whole column (dir 1), one masked write port, Ports read
// ports, read-first, out-of-range idx writes nothing and reads zeros, read latency 1.
//
// Layout: element (r, c) lives in bank (r + c) mod NB at address r. A row r touches
// bank (r + c) mod NB for c = 0..NC-1: NC <= NB distinct banks, all at address r. A
// column c touches bank (r + c) mod NB for r = 0..NR-1: NR <= NB distinct banks, bank
// b at address (b - c) mod NB. So any row or column is one access to each bank, with
// no conflict; data is rotated by the index on the way in (right) and out (left).
// Each bank is a tf_ram_1r1w (one write, one registered read port) of NR words of W
// bits: replace it with an SRAM macro of that interface. Two read ports use two copies
// of the banks (both written).
`default_nettype none

module tf_trf_banked #(
  parameter integer NR    = 4,
  parameter integer NC    = 4,
  parameter integer W     = 8,
  parameter integer Ports = 1,
  parameter integer NB    = (NR > NC) ? NR : NC,
  parameter integer IdxW  = 2,  // max(clog2(NB), 1)
  parameter integer RowW  = 2   // bank address width: max(clog2(NR), 1)
) (
  input  wire                  clk_i,
  input  wire                  rst_ni,
  input  wire                  w_valid_i,
  input  wire                  w_dir_i,
  input  wire [IdxW-1:0]       w_idx_i,
  input  wire [NB*W-1:0]       w_data_i,
  input  wire [NB-1:0]         w_mask_i,
  input  wire [Ports-1:0]      r_valid_i,
  input  wire [Ports-1:0]      r_dir_i,
  input  wire [Ports*IdxW-1:0] r_idx_i,
  output wire [Ports-1:0]      r_valid_o,
  output wire [Ports*NB*W-1:0] r_data_o
);

  localparam [IdxW:0] NRV = NR[IdxW:0];
  localparam [IdxW:0] NCV = NC[IdxW:0];
  localparam [IdxW:0] NBV = NB[IdxW:0];

  // Word i of an access is live if i < NC (row) or i < NR (column).
  wire [NB-1:0] live_row;
  wire [NB-1:0] live_col;
  genvar gl;
  generate
    for (gl = 0; gl < NB; gl = gl + 1) begin : g_live
      assign live_row[gl] = (gl < NC);
      assign live_col[gl] = (gl < NR);
    end
  endgenerate

  // ---- write: rotate data, mask and liveness right by idx: bank b takes word (b - idx) mod NB.
  wire            w_ok = w_valid_i && ({1'b0, w_idx_i} < (w_dir_i ? NCV : NRV));
  wire [NB*W-1:0] w_data_rot;
  wire [NB-1:0]   w_en_rot;
  tf_rotate #(.N(NB), .W(W), .SW(IdxW), .Left(0)) u_wrot (
    .in_i  (w_data_i),
    .s_i   (w_idx_i),
    .out_o (w_data_rot)
  );
  tf_rotate #(.N(NB), .W(1), .SW(IdxW), .Left(0)) u_wen (
    .in_i  (w_mask_i & (w_dir_i ? live_col : live_row)),
    .s_i   (w_idx_i),
    .out_o (w_en_rot)
  );

  genvar gp, gb;
  generate
    for (gp = 0; gp < Ports; gp = gp + 1) begin : g_port
      wire [IdxW-1:0] idx = r_idx_i[gp*IdxW +: IdxW];
      wire            ok  = {1'b0, idx} < (r_dir_i[gp] ? NCV : NRV);
      reg             valid_q;
      reg             dir_q;
      reg             ok_q;
      reg [IdxW-1:0]  idx_q;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          valid_q <= 1'b0;
          dir_q   <= 1'b0;
          ok_q    <= 1'b0;
          idx_q   <= {IdxW{1'b0}};
        end else begin
          valid_q <= r_valid_i[gp];
          if (r_valid_i[gp]) begin
            dir_q <= r_dir_i[gp];
            ok_q  <= ok;
            idx_q <= ok ? idx : {IdxW{1'b0}};
          end
        end
      end

      wire [NB*W-1:0] bank_q;
      for (gb = 0; gb < NB; gb = gb + 1) begin : g_bank
        localparam [IdxW:0] B = gb;
        // column access: bank b holds word (b - idx) mod NB at that address
        wire [IdxW:0] w_diff = (B >= {1'b0, w_idx_i}) ? (B - {1'b0, w_idx_i}) : (B + NBV - {1'b0, w_idx_i});
        wire [IdxW:0] r_diff = (B >= {1'b0, idx}) ? (B - {1'b0, idx}) : (B + NBV - {1'b0, idx});
        wire [IdxW:0] waddr  = w_dir_i ? w_diff : {1'b0, w_idx_i};
        wire [IdxW:0] raddr  = r_dir_i[gp] ? r_diff : {1'b0, idx};
        wire          unused_addr = ^{waddr, raddr};
        tf_ram_1r1w #(
          .Width (W),
          .Depth (NR),
          .AddrW (RowW)
        ) u_bank (
          .clk_i   (clk_i),
          .we_i    (w_ok && w_en_rot[gb]),
          .waddr_i (waddr[RowW-1:0]),
          .wdata_i (w_data_rot[gb*W +: W]),
          .re_i    (r_valid_i[gp]),
          .raddr_i (raddr[RowW-1:0]),
          .rdata_o (bank_q[gb*W +: W])
        );
      end

      // ---- read: rotate left by idx (word i = bank (i + idx) mod NB), zero dead words.
      wire [NB*W-1:0] rot;
      tf_rotate #(.N(NB), .W(W), .SW(IdxW), .Left(1)) u_rrot (
        .in_i  (bank_q),
        .s_i   (idx_q),
        .out_o (rot)
      );
      wire [NB-1:0] live = (dir_q ? live_col : live_row) & {NB{ok_q}};
      for (gb = 0; gb < NB; gb = gb + 1) begin : g_out
        assign r_data_o[(gp*NB + gb)*W +: W] = live[gb] ? rot[gb*W +: W] : {W{1'b0}};
      end
      assign r_valid_o[gp] = valid_q;
    end
  endgenerate

endmodule

`default_nettype wire
