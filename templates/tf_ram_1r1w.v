// tf_ram_1r1w -- simple dual-port memory, one write port and one registered read port
// (fixed-text template). This is the only storage primitive of the operand and
// accumulator buffers; replace it with an SRAM macro of the same interface.
//
// Write: mem[waddr_i] <= wdata_i when we_i. Read: rdata_o <= mem[raddr_i] when re_i,
// so data appears one cycle after the address; rdata_o holds while re_i is low.
// Read and write of the same address in the same cycle returns the old word.
// Latency: 1 cycle read.
`default_nettype none

module tf_ram_1r1w #(
  parameter integer Width = 8,
  parameter integer Depth = 16,
  parameter integer AddrW = 4
) (
  input  wire             clk_i,
  input  wire             we_i,
  input  wire [AddrW-1:0] waddr_i,
  input  wire [Width-1:0] wdata_i,
  input  wire             re_i,
  input  wire [AddrW-1:0] raddr_i,
  output wire [Width-1:0] rdata_o
);

  reg [Width-1:0] mem_q [0:Depth-1];
  reg [Width-1:0] rdata_q;

  always @(posedge clk_i) begin
    if (we_i) begin
      mem_q[waddr_i] <= wdata_i;
    end
    if (re_i) begin
      rdata_q <= mem_q[raddr_i];
    end
  end

  assign rdata_o = rdata_q;

endmodule

`default_nettype wire
