// tf_mem_fifo -- synchronous FIFO of flops (fixed-text template): <name>_sys puts one
// between the engine's result port (c_*) and the DMA's write-back, so an output tile's
// result beats leave the engine back to back while the write-back drains them at its own
// pace (docs/architecture.md, the memory system).
//
// Depth entries of Width bits. in_ready_o = (count != Depth) and out_valid_o =
// (count != 0), both from registers only (no path from out_ready_i to in_ready_o: a
// full FIFO takes nothing in the cycle its head leaves). out_data_o is the head entry;
// an entry written in cycle t is visible on out_* from t+1. Reset empties it (the data
// flops are not reset).
// Handshake: valid/ready on in_* and out_*. Latency: 1 cycle. Throughput: 1 entry per
// cycle while it is neither full nor empty.
`default_nettype none

module tf_mem_fifo #(
  parameter integer Width = 8,  // bits per entry
  parameter integer Depth = 4   // entries, at least 1
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

  localparam integer PtrW = (Depth <= 1) ? 1 : $clog2(Depth);
  localparam integer CntW = $clog2(Depth + 1);
  localparam [CntW-1:0] DepthV = Depth[CntW-1:0];
  localparam integer    LastI  = Depth - 1;
  localparam [PtrW-1:0] LastP  = LastI[PtrW-1:0];

  generate
    if (Depth < 1 || Width < 1) begin : g_bad_params
      tf_mem_fifo_error_bad_parameters u_error ();
    end
  endgenerate

  reg [Width-1:0] mem_q [0:Depth-1];
  reg [PtrW-1:0]  wp_q;
  reg [PtrW-1:0]  rp_q;
  reg [CntW-1:0]  cnt_q;

  wire in_fire  = in_valid_i && in_ready_o;
  wire out_fire = out_valid_o && out_ready_i;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wp_q  <= {PtrW{1'b0}};
      rp_q  <= {PtrW{1'b0}};
      cnt_q <= {CntW{1'b0}};
    end else begin
      if (in_fire) begin
        wp_q <= (wp_q == LastP) ? {PtrW{1'b0}} : wp_q + 1'b1;
      end
      if (out_fire) begin
        rp_q <= (rp_q == LastP) ? {PtrW{1'b0}} : rp_q + 1'b1;
      end
      if (in_fire && !out_fire) begin
        cnt_q <= cnt_q + 1'b1;
      end else if (out_fire && !in_fire) begin
        cnt_q <= cnt_q - 1'b1;
      end
    end
  end

  always @(posedge clk_i) begin
    if (in_fire) begin
      mem_q[wp_q] <= in_data_i;
    end
  end

`ifndef SYNTHESIS
  // Checks in every simulation (Verilator, Icarus; a synthesis tool defines SYNTHESIS):
  // the producer holds in_valid_i and in_data_i while in_ready_o is low (the valid/ready
  // rule), and this FIFO holds out_valid_o and the head while out_ready_i is low. A broken
  // rule prints the instance and stops the run ($stop; vvp -n and Verilator end on it).
  // (That the count stays within 0..Depth is proven below, for every parameter tested.)
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
  // Properties proven by SAT induction (scripts/formal.sh: Yosys read_verilog -formal,
  // sat -tempinduct) from a reset in the first cycle: the count stays within 0..Depth and
  // agrees with the pointers, and the head holds while the consumer stalls.
  reg             f_init_q = 1'b1;
  reg             f_stall_q;
  reg [Width-1:0] f_head_q;
  always @(posedge clk_i) begin
    f_init_q  <= 1'b0;
    f_stall_q <= rst_ni && out_valid_o && !out_ready_i;
    f_head_q  <= out_data_o;
  end
  always @(*) begin
    if (f_init_q) assume (!rst_ni);
  end
  always @(posedge clk_i) begin
    if (!f_init_q && rst_ni) begin
      assert (cnt_q <= DepthV);
      assert (wp_q <= LastP && rp_q <= LastP);
      assert ((wp_q + Depth - rp_q) % Depth == cnt_q % Depth);
      if (f_stall_q) begin
        assert (out_valid_o);
        assert (out_data_o == f_head_q);
      end
    end
  end
`endif

  assign in_ready_o  = (cnt_q != DepthV);
  assign out_valid_o = (cnt_q != {CntW{1'b0}});
  assign out_data_o  = mem_q[rp_q];

endmodule

`default_nettype wire
