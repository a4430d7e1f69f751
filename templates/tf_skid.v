// tf_skid -- two-entry skid buffer on a valid/ready stream (fixed-text template).
//
// in_ready_o comes straight from a register (no combinational path from
// out_ready_i), which is what lets the producer use it as a global stall.
// No beat is lost or duplicated under any pattern of out_ready_i.
// Latency: 1 cycle when the consumer is ready.
`default_nettype none

module tf_skid #(
  parameter integer Width = 8
) (
  input  wire             clk_i,
  input  wire             rst_ni,
  input  wire             in_valid_i,
  output wire             in_ready_o,
  input  wire [Width-1:0] in_data_i,
  output wire             out_valid_o,
  input  wire             out_ready_i,
  output wire [Width-1:0] out_data_o
);

  reg             out_valid_q;
  reg [Width-1:0] out_data_q;
  reg             skid_valid_q;
  reg [Width-1:0] skid_data_q;

  wire out_free = out_ready_i || !out_valid_q;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      out_valid_q  <= 1'b0;
      skid_valid_q <= 1'b0;
    end else if (out_free) begin
      out_valid_q  <= skid_valid_q || in_valid_i;
      skid_valid_q <= 1'b0;
    end else if (in_valid_i && !skid_valid_q) begin
      skid_valid_q <= 1'b1;
    end
  end

  always @(posedge clk_i) begin
    if (out_free) begin
      out_data_q <= skid_valid_q ? skid_data_q : in_data_i;
    end else if (in_valid_i && !skid_valid_q) begin
      skid_data_q <= in_data_i;
    end
  end

`ifndef SYNTHESIS
  // Checks in every simulation (Verilator, Icarus; a synthesis tool defines SYNTHESIS):
  // the producer holds in_valid_i and in_data_i while in_ready_o is low (the valid/ready
  // rule), and this buffer holds out_valid_o and out_data_o while out_ready_i is low. A
  // broken rule prints the instance and stops the run ($stop; vvp -n and Verilator end on it).
  reg             chk_in_wait_q;
  reg [Width-1:0] chk_in_data_q;
  reg             chk_out_wait_q;
  reg [Width-1:0] chk_out_data_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      chk_in_wait_q  <= 1'b0;
      chk_out_wait_q <= 1'b0;
    end else begin
      if (chk_in_wait_q && (in_valid_i !== 1'b1 || in_data_i !== chk_in_data_q)) begin
        $display("%m: ASSERTION FAILED: in_valid_i or in_data_i changed while in_ready_o was low");
        $stop;
      end
      if (chk_out_wait_q && (out_valid_o !== 1'b1 || out_data_o !== chk_out_data_q)) begin
        $display("%m: ASSERTION FAILED: out_valid_o or out_data_o changed while out_ready_i was low");
        $stop;
      end
      chk_in_wait_q  <= in_valid_i && !in_ready_o;
      chk_out_wait_q <= out_valid_o && !out_ready_i;
    end
  end
  always @(posedge clk_i) begin
    chk_in_data_q  <= in_data_i;
    chk_out_data_q <= out_data_o;
  end
`endif

`ifdef FORMAL
  // Properties proven by SAT induction (scripts/formal.sh) from a reset in the first
  // cycle, with a producer that keeps the valid/ready rule: the skid entry is used only
  // behind a full output register, the beats taken less the beats given are the entries
  // held (none lost, none doubled), and the output holds while the consumer stalls.
  reg             f_init_q = 1'b1;
  reg [1:0]       f_occ_q;
  reg             f_stall_q;
  reg [Width-1:0] f_out_q;
  reg             f_in_wait_q;
  reg [Width-1:0] f_in_q;
  always @(posedge clk_i) begin
    f_init_q    <= 1'b0;
    f_stall_q   <= rst_ni && out_valid_o && !out_ready_i;
    f_out_q     <= out_data_o;
    f_in_wait_q <= rst_ni && in_valid_i && !in_ready_o;
    f_in_q      <= in_data_i;
    if (!rst_ni) begin
      f_occ_q <= 2'd0;
    end else begin
      f_occ_q <= f_occ_q + {1'b0, in_valid_i && in_ready_o} - {1'b0, out_valid_o && out_ready_i};
    end
  end
  always @(*) begin
    if (f_init_q) assume (!rst_ni);
    if (!f_init_q && f_in_wait_q) assume (in_valid_i && in_data_i == f_in_q);
  end
  always @(posedge clk_i) begin
    if (!f_init_q && rst_ni) begin
      assert (!skid_valid_q || out_valid_q);
      assert (f_occ_q == {1'b0, out_valid_q} + {1'b0, skid_valid_q});
      if (f_stall_q) begin
        assert (out_valid_o);
        assert (out_data_o == f_out_q);
      end
    end
  end
`endif

  assign in_ready_o  = !skid_valid_q;
  assign out_valid_o = out_valid_q;
  assign out_data_o  = out_data_q;

endmodule

`default_nettype wire
