// tf_mem_gbox -- width converter from port words to lane-vectors (fixed-text template).
//
// A row of a matrix arrives as port words of EPW elements of EW bits (element 0 in the
// low bits); in_n_i says how many elements of the word belong to the row (EPW except in
// its last word), in_last_i marks the row's last word. The converter cuts the row into
// lane-vectors of lanes_i elements (lanes_i <= LMax, chosen per transfer): vector v holds
// elements v*lanes_i .. v*lanes_i + lanes_i - 1 of the row, the last one of a row may be
// partial (out_n_o elements, the rest zero) and carries out_last_o. Vectors never span
// two rows. Throughput: one vector per cycle, or one word per cycle, whichever is the
// bound (a word of EPW >= lanes_i elements gives EPW / lanes_i vectors).
// Handshake: valid/ready on in_* and out_*; in_ready_o depends on out_ready_i in the
// same cycle (a word is taken as a vector leaves). Latency: a vector leaves the cycle
// after its last element arrived.
`default_nettype none

module tf_mem_gbox #(
  parameter integer EW   = 8,  // element bits
  parameter integer EPW  = 16, // elements per word
  parameter integer LMax = 8,  // most lanes per vector
  parameter integer NW   = 5,  // width of element counts: holds EPW + LMax
  parameter integer LW   = 4   // width of lanes_i: holds LMax
) (
  input  wire               clk_i,
  input  wire               rst_ni,
  input  wire [LW-1:0]      lanes_i,  // elements per vector, 1..LMax; constant during a transfer
  input  wire               in_valid_i,
  output wire               in_ready_o,
  input  wire [EPW*EW-1:0]  in_data_i,
  input  wire [NW-1:0]      in_n_i,
  input  wire               in_last_i,
  output wire               out_valid_o,
  input  wire               out_ready_i,
  output wire [LMax*EW-1:0] out_data_o,
  output wire [NW-1:0]      out_n_o,
  output wire               out_last_o
);

  localparam integer CapE = EPW + LMax;
  localparam [NW-1:0] EpwV = EPW[NW-1:0];
  localparam [NW-1:0] CapV = CapE[NW-1:0];

  generate
    if ((1 << NW) <= CapE || (1 << LW) <= LMax || EPW < 1 || LMax < 1) begin : g_bad_params
      tf_mem_gbox_error_bad_parameters u_error ();
    end
  endgenerate

  reg  [CapE*EW-1:0] buf_q;
  reg  [NW-1:0]      cnt_q;     // elements held
  reg                fl_q;      // the row's last word is in: flush

  wire [NW-1:0] lanes  = {{(NW-LW){1'b0}}, lanes_i};
  wire          emit   = (cnt_q >= lanes) || (fl_q && (cnt_q != {NW{1'b0}}));
  wire [NW-1:0] n_out  = (cnt_q < lanes) ? cnt_q : lanes;
  wire          last   = fl_q && (cnt_q <= lanes);
  wire          o_fire = emit && out_ready_i;

  wire [NW-1:0]      cnt_a = o_fire ? cnt_q - n_out : cnt_q;
  wire [CapE*EW-1:0] buf_a = o_fire ? (buf_q >> (lanes_i * EW)) : buf_q;
  wire               fl_a  = fl_q && !(o_fire && last);

  // The word's elements beyond in_n_i are dropped, so the buffer above cnt is zero.
  wire [EPW*EW-1:0]  in_live;
  genvar ge;
  generate
    for (ge = 0; ge < EPW; ge = ge + 1) begin : g_live
      assign in_live[ge*EW +: EW] = (in_n_i > ge[NW-1:0]) ? in_data_i[ge*EW +: EW] : {EW{1'b0}};
    end
  endgenerate
  wire [CapE*EW-1:0] in_ext = {{(LMax*EW){1'b0}}, in_live};

  wire room = !fl_a && ({1'b0, cnt_a} + {1'b0, EpwV} <= {1'b0, CapV});
  wire i_fire = in_valid_i && room;

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      buf_q <= {(CapE*EW){1'b0}};
      cnt_q <= {NW{1'b0}};
      fl_q  <= 1'b0;
    end else begin
      buf_q <= i_fire ? (buf_a | (in_ext << (cnt_a * EW))) : buf_a;
      cnt_q <= i_fire ? cnt_a + in_n_i : cnt_a;
      fl_q  <= i_fire ? in_last_i : fl_a;
    end
  end

  // Elements at or beyond n_out are zero already (the buffer is zero above cnt), except
  // those of the next vector when this one is partial -- which only happens at the row's
  // end, where nothing follows. Mask anyway, so the output never shows a stale element.
  wire [LMax*EW-1:0] out_raw = buf_q[LMax*EW-1:0];
  generate
    for (ge = 0; ge < LMax; ge = ge + 1) begin : g_out
      assign out_data_o[ge*EW +: EW] = (n_out > ge[NW-1:0]) ? out_raw[ge*EW +: EW] : {EW{1'b0}};
    end
  endgenerate

  assign in_ready_o  = room;
  assign out_valid_o = emit;
  assign out_n_o     = n_out;
  assign out_last_o  = last;

endmodule

`default_nettype wire
