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
// Storage: NR x NC registers of W bits; a column access is a word-select in every row.
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

  // Registers, not a memory: a column write touches every row in one cycle. One register
  // per word (g_row[r].g_word[c].q), each with its own write condition: no loop writes an
  // array, so no tool has to unroll one (Verilator keeps loops above 64 iterations rolled and
  // cannot then schedule a delayed write into an array).
  wire [RowW-1:0] w_row = w_idx_i[RowW-1:0];
  wire [ColW-1:0] w_col = w_idx_i[ColW-1:0];
  wire            unused_w_idx = ^w_idx_i;
  localparam [IdxW:0] NRV = NR[IdxW:0];
  localparam [IdxW:0] NCV = NC[IdxW:0];
  wire            w_ok  = w_valid_i && ({1'b0, w_idx_i} < (w_dir_i ? NCV : NRV));
  wire [NR*NC*W-1:0] all_q;  // row r, word c at bits [(r*NC + c)*W +: W]

  // Row write: one row, masked per word. Column write: word w_col of every row, masked per row.
  genvar gr, gw;
  generate
    for (gr = 0; gr < NR; gr = gr + 1) begin : g_row
      wire row_hit = w_ok && !w_dir_i && (w_row == gr[RowW-1:0]);
      wire col_hit = w_ok && w_dir_i && w_mask_i[gr];
      wire [NC*W-1:0] vec;  // the row's words, word c at bits [c*W +: W]
      for (gw = 0; gw < NC; gw = gw + 1) begin : g_word
        reg [W-1:0] q;
        always @(posedge clk_i) begin
          if (row_hit && w_mask_i[gw]) begin
            q <= w_data_i[gw*W +: W];
          end else if (col_hit && (w_col == gw[ColW-1:0])) begin
            q <= w_data_i[gr*W +: W];
          end
        end
        assign vec[gw*W +: W] = q;
      end
      assign all_q[gr*NC*W +: NC*W] = vec;
    end
  endgenerate

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
      // the addressed row: a row-wide select, so that synthesis builds an NR:1 multiplexer
      // of rows (a word-wide select into all NR*NC words would be one shifter per word)
      wire [NC*W-1:0] row_vec = all_q[row*(NC*W) +: NC*W];
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
              data_q[gi*W +: W] <= (gi < NC) ? row_vec[(gi % NC)*W +: W] : {W{1'b0}};
            end else begin
              data_q[gi*W +: W] <= (gi < NR) ? g_row[gi % NR].vec[col*W +: W] : {W{1'b0}};
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
