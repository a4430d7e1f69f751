// tf_aux_fit -- resize a signed value: sign-extend it to OutW bits, or keep its low OutW bits
// (fixed-text template). Keeping the low bits is exact whenever the value fits in OutW bits,
// which the auxiliary unit's command check guarantees wherever it narrows a lane word.
// Combinational; no handshake; latency 0.
`default_nettype none

module tf_aux_fit #(
  parameter integer InW  = 8,
  parameter integer OutW = 8
) (
  input  wire [InW-1:0]  x_i,
  output wire [OutW-1:0] y_o
);

  generate
    if (OutW > InW) begin : g_ext
      assign y_o = {{(OutW-InW){x_i[InW-1]}}, x_i};
    end else if (OutW == InW) begin : g_same
      assign y_o = x_i;
    end else begin : g_cut
      wire unused_hi = ^x_i[InW-1:OutW];
      assign y_o = x_i[OutW-1:0];
    end
  endgenerate

endmodule

`default_nettype wire
