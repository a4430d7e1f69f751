// tf_gemm_rq -- the GEMM engine's requantization output stage (fixed-text template).
//
// Per output lane j: a table of NTMax (mult, shift) entries, one per column tile,
// written by the LOAD_RQ loader (prm_we_i, lane prm_lane_i, entry prm_idx_i), and a
// tf_requant that scales the beat's accumulator with the entry of the beat's column
// tile (bt_nt_i). Padding lanes (bt_lane_i low) use (0, 0): their result is 0 even
// if no entry was loaded. bypass_i (a GEMM issued without cmd_requant_i) passes the
// accumulators through unchanged with the same latency. The beat's valid, last, row
// and column travel beside the data through a tf_delay of RqLat stages.
// Parameters (from the plan, gen/plan.c): C = cols, AccW = acc_bits, RqOutW = rq_bits,
// RqLat = lat_rq (tf_requant's latency, 2), LaneW = lane_w, NtW = nt_w, NTMax = nt_max,
// RowIdxW = row_idx_w, ColIdxW = col_idx_w; RqMultW / RqShiftW = 31 / 5, the entry
// fields of rq_mult_i / rq_shift_i (tf_requant's mult_i / shift_i).
// Handshake: none; advances when en_i is high (the engine's global stall).
// Latency: RqLat cycles from bt_* to o_*.
`default_nettype none

module tf_gemm_rq #(
  parameter integer C        = 8,
  parameter integer AccW     = 22,
  parameter integer RqOutW   = 8,
  parameter integer RqLat    = 2,
  parameter integer LaneW    = 3,
  parameter integer NtW      = 3,
  parameter integer NTMax    = 8,
  parameter integer RowIdxW  = 6,
  parameter integer ColIdxW  = 6,
  parameter integer RqMultW  = 31,
  parameter integer RqShiftW = 5
) (
  input  wire                         clk_i,
  input  wire                         rst_ni,
  input  wire                         en_i,
  // parameter table write (LOAD_RQ)
  input  wire                         prm_we_i,
  input  wire [LaneW-1:0]             prm_lane_i,
  input  wire [NtW-1:0]               prm_idx_i,
  input  wire [RqMultW-1:0]           prm_mult_i,
  input  wire [RqShiftW-1:0]          prm_shift_i,
  input  wire                         bypass_i,
  // beat register
  input  wire                         bt_vld_i,
  input  wire                         bt_last_i,
  input  wire [RowIdxW-1:0]           bt_row_i,
  input  wire [ColIdxW-1:0]           bt_col_i,
  input  wire [NtW-1:0]               bt_nt_i,
  input  wire [C-1:0]                 bt_lane_i,
  input  wire [C*AccW-1:0]            bt_data_i,
  // requantized beat: {last, row, col} in o_meta_o
  output wire                         o_vld_o,
  output wire [RowIdxW+ColIdxW:0]     o_meta_o,
  output wire [C*AccW-1:0]            o_data_o
);

  localparam integer PrmW = RqMultW + RqShiftW;  // one table entry

  genvar gq;
  generate
    for (gq = 0; gq < C; gq = gq + 1) begin : g_lane
      reg  [PrmW-1:0] prm_q [0:NTMax-1];
      always @(posedge clk_i) begin
        if (prm_we_i && (prm_lane_i == gq[LaneW-1:0])) begin
          prm_q[prm_idx_i] <= {prm_mult_i, prm_shift_i};
        end
      end
      wire [PrmW-1:0] prm = bt_lane_i[gq] ? prm_q[bt_nt_i] : {PrmW{1'b0}};
      tf_requant #(
        .AccW (AccW),
        .OutW (RqOutW)
      ) u_rq (
        .clk_i    (clk_i),
        .en_i     (en_i),
        .bypass_i (bypass_i),
        .acc_i    (bt_data_i[gq*AccW +: AccW]),
        .mult_i   (prm[RqShiftW +: RqMultW]),
        .shift_i  (prm[0 +: RqShiftW]),
        .out_o    (o_data_o[gq*AccW +: AccW])
      );
    end
  endgenerate

  tf_delay #(
    .Width (RowIdxW + ColIdxW + 2),
    .Depth (RqLat)
  ) u_meta (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .en_i   (en_i),
    .d_i    ({bt_vld_i, bt_last_i, bt_row_i, bt_col_i}),
    .q_o    ({o_vld_o, o_meta_o})
  );

endmodule

`default_nettype wire
