/* romgen.c -- writes templates/aux/tf_aux_gelu_rom.v, the GELU coefficient ROM of the
 * auxiliary unit, from the golden model's tfx_gelu_rom_init() (integer arithmetic only, the
 * same bits on every platform; docs/numerics.md 11.6). The ROM does not depend on the
 * configuration, so the file is a fixed-text template; `make aux-rom-check`
 * regenerates it and fails if the committed file differs. The generator can write the same
 * text with the same loop.
 *
 * usage: romgen OUT.v */
#include "tf_aux.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: romgen OUT.v\n");
        return 2;
    }
    static struct tfx_gelu_rom rom;
    tfx_gelu_rom_init(&rom);
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fprintf(f,
            "// tf_aux_gelu_rom -- the GELU coefficient ROM of the auxiliary unit (fixed-text template,\n"
            "// written by tb/aux/romgen.c from tfx_gelu_rom_init() in model/tf_aux.c -- do not edit).\n"
            "//\n"
            "// 256 segments of g(a) = a (1 - Phi(a)) over a in [0, 8), a in Q.28 (docs/numerics.md\n"
            "// 11.6): entry s = {c0[25:0] (unsigned), c1[23:0] (signed), c2[17:0] (signed)}, all Q.28,\n"
            "// g(s/32 + w/32) ~ c0 + c1 w + c2 w^2. The contents do not depend on the configuration.\n"
            "// Handshake: none; registered read, data_o <= ROM[addr_i] when en_i. Latency: 1 cycle.\n"
            "`default_nettype none\n"
            "\n"
            "module tf_aux_gelu_rom (\n"
            "  input  wire        clk_i,\n"
            "  input  wire        en_i,\n"
            "  input  wire [7:0]  addr_i,\n"
            "  output wire [67:0] data_o\n"
            ");\n"
            "\n"
            "  reg [67:0] data_q;\n"
            "\n"
            "  always @(posedge clk_i) begin\n"
            "    if (en_i) begin\n"
            "      case (addr_i)\n");
    for (int s = 0; s < TFX_GELU_SEGS; s++) {
        if (rom.c0[s] < 0 || rom.c0[s] >= (1 << 26) || rom.c1[s] <= -(1 << 23) ||
            rom.c1[s] >= (1 << 23) || rom.c2[s] <= -(1 << 17) || rom.c2[s] >= (1 << 17)) {
            fprintf(stderr, "romgen: segment %d out of the ROM's field widths\n", s);
            return 1;
        }
        fprintf(f, "        8'd%d: data_q <= {26'h%07x, 24'h%06x, 18'h%05x};\n", s,
                (unsigned)rom.c0[s], (unsigned)rom.c1[s] & 0xffffffu, (unsigned)rom.c2[s] & 0x3ffffu);
    }
    fprintf(f,
            "        default: data_q <= 68'h0;\n"
            "      endcase\n"
            "    end\n"
            "  end\n"
            "\n"
            "  assign data_o = data_q;\n"
            "\n"
            "endmodule\n"
            "\n"
            "`default_nettype wire\n");
    return fclose(f) ? 1 : 0;
}
