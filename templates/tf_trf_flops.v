// tf_trf_flops -- two-direction accessible register file, flip-flop implementation
// (fixed-text template).
//
// NR rows x NC columns of W-bit words. Every access moves a whole row (NC words) or a
// whole column (NR words): dir = 0 row, 1 column; idx = the row or column number.
// Data ports carry NB = max(NR, NC) words, word i in bits [i*W +: W]; a row access
// uses words 0..NC-1, a column access words 0..NR-1, the rest read as zero and are
// ignored on writes. One write port with an optional per-word mask (w_mask_i bit i
// enables word i), Ports read ports (1 or 2).
// Read-during-write: a read returns the contents before a write in the same cycle
// (read-first), also for the element being written. An access whose idx is out of
// range (>= NR for a row, >= NC for a column) writes nothing and reads zeros.
// Handshake: none (always ready); an access happens in a cycle where its valid is
// high. Latency: read data and r_valid_o one cycle after r_valid_i.
// Storage: NR registers of NC*W bits; a column access is a word-select in every row.
`default_nettype none

module tf_trf_flops #(
  parameter integer NR    = 4,
  parameter integer NC    = 4,
  parameter integer W     = 8,
  parameter integer Ports = 1,
  parameter integer NB    = (NR > NC) ? NR : NC,
  parameter integer IdxW  = 2,
  parameter integer RowW  = 2,  // max(clog2(NR), 1)
  parameter integer ColW  = 2   // max(clog2(NC), 1)
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

  // Registers, not a memory: a column write touches every row in one cycle.
  (* mem2reg *) reg [NC*W-1:0] row_q [0:NR-1];

  wire [RowW-1:0] w_row = w_idx_i[RowW-1:0];
  wire [ColW-1:0] w_col = w_idx_i[ColW-1:0];
  wire            unused_w_idx = ^w_idx_i;
  localparam [IdxW:0] NRV = NR[IdxW:0];
  localparam [IdxW:0] NCV = NC[IdxW:0];
  wire            w_ok  = w_valid_i && ({1'b0, w_idx_i} < (w_dir_i ? NCV : NRV));

  // Row write: one row, masked per word. Column write: word w_col of every row.
  integer wr;
  always @(posedge clk_i) begin
    if (w_ok && !w_dir_i) begin
      for (wr = 0; wr < NC; wr = wr + 1) begin
        if (w_mask_i[wr]) begin
          row_q[w_row][wr*W +: W] <= w_data_i[wr*W +: W];
        end
      end
    end
    if (w_ok && w_dir_i) begin
      for (wr = 0; wr < NR; wr = wr + 1) begin
        if (w_mask_i[wr]) begin
          row_q[wr][w_col*W +: W] <= w_data_i[wr*W +: W];
        end
      end
    end
  end

  genvar gp, gi;
  generate
    for (gp = 0; gp < Ports; gp = gp + 1) begin : g_port
      wire [IdxW-1:0] idx = r_idx_i[gp*IdxW +: IdxW];
      wire [RowW-1:0] row = idx[RowW-1:0];
      wire [ColW-1:0] col = idx[ColW-1:0];
      wire            unused_idx = ^idx;
      wire            ok  = {1'b0, idx} < (r_dir_i[gp] ? NCV : NRV);
      reg             valid_q;
      reg [NB*W-1:0]  data_q;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          valid_q <= 1'b0;
        end else begin
          valid_q <= r_valid_i[gp];
        end
      end
      for (gi = 0; gi < NB; gi = gi + 1) begin : g_word
        always @(posedge clk_i) begin
          if (r_valid_i[gp]) begin
            if (!ok) begin
              data_q[gi*W +: W] <= {W{1'b0}};
            end else if (!r_dir_i[gp]) begin
              data_q[gi*W +: W] <= (gi < NC) ? row_q[row][(gi % NC)*W +: W] : {W{1'b0}};
            end else begin
              data_q[gi*W +: W] <= (gi < NR) ? row_q[gi % NR][col*W +: W] : {W{1'b0}};
            end
          end
        end
      end
      assign r_valid_o[gp]                 = valid_q;
      assign r_data_o[gp*NB*W +: NB*W]     = data_q;
    end
  endgenerate

endmodule

`default_nettype wire
