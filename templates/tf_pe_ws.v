// tf_pe_ws -- weight-stationary processing element (fixed-text template).
//
// Holds two weights (banks 0 and 1). The A operand and its bank tag travel right
// (a_i -> a_o) through one register; the partial sum travels down:
// psum_o = psum_i + a_i * w[bank_i], registered. While one bank is in use the other
// is written from the column's weight bus: the PE takes w_i when wv_i is high and
// wrow_i equals its own row index RowIdx, so the next tile's weights preload with no
// bubble (double buffering).
// Handshake: none; the whole array advances when en_i is high (global stall).
// Latency: one cycle for a_o, bank_o and psum_o.
`default_nettype none

module tf_pe_ws #(
  parameter integer OpW    = 8,
  parameter integer AccW   = 32,
  parameter integer RowW   = 1,
  parameter [RowW-1:0] RowIdx = {RowW{1'b0}}
) (
  input  wire                   clk_i,
  input  wire                   rst_ni,
  input  wire                   en_i,
  input  wire signed [OpW-1:0]  a_i,
  input  wire                   bank_i,
  input  wire signed [AccW-1:0] psum_i,
  input  wire                   wv_i,
  input  wire [RowW-1:0]        wrow_i,
  input  wire                   wbank_i,
  input  wire signed [OpW-1:0]  w_i,
  output wire signed [OpW-1:0]  a_o,
  output wire                   bank_o,
  output wire signed [AccW-1:0] psum_o
);

  reg signed [OpW-1:0]  a_q;
  reg                   bank_q;
  reg signed [AccW-1:0] psum_q;
  reg signed [OpW-1:0]  w0_q;
  reg signed [OpW-1:0]  w1_q;

  wire signed [OpW-1:0]   w_sel    = bank_i ? w1_q : w0_q;
  wire signed [2*OpW-1:0] prod     = a_i * w_sel;
  wire signed [AccW-1:0]  prod_ext = {{(AccW-2*OpW){prod[2*OpW-1]}}, prod};
  wire                    w_hit    = wv_i && (wrow_i == RowIdx);

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bank_q <= 1'b0;
    end else if (en_i) begin
      bank_q <= bank_i;
    end
  end

  always @(posedge clk_i) begin
    if (en_i) begin
      a_q    <= a_i;
      psum_q <= psum_i + prod_ext;
      if (w_hit && !wbank_i) begin
        w0_q <= w_i;
      end
      if (w_hit && wbank_i) begin
        w1_q <= w_i;
      end
    end
  end

  assign a_o    = a_q;
  assign bank_o = bank_q;
  assign psum_o = psum_q;

endmodule

`default_nettype wire
