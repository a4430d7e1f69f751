# model/aux.mk -- build and run the auxiliary unit's model tests and accuracy benchmark
# (docs/numerics-aux.md). Not yet included by the top-level Makefile; from the repository
# root, either
#     make -f model/aux.mk aux-test aux-bench
# or add `include model/aux.mk` to the Makefile (it reuses CC, B and WARN when defined).
#
#   aux-test        build/aux/test_aux (cmocka, < 1 s) and run it
#   aux-test-asan   the same built with ASan + UBSan
#   aux-bench       build/aux/aux_accuracy and run it: CSVs to build/bench/, summary to
#                   stdout (under 15 s on one core); AUX_BENCH_ARGS=--g-full adds the sweep
#                   of the GELU ROM over every a in [0, 8) (about a minute more)
#
# The RTL (templates/aux/, docs/aux-rtl.md):
#   aux-rom-check   regenerate templates/aux/tf_aux_gelu_rom.v from the model; fail if it differs
#   aux-lint        tf_aux linted at every parameter set of tb/aux/configs/ (and synth/)
#   aux-matrix      tb/aux/run_matrix.sh: unit tests, every template linted alone, and for
#                   every parameter set lint, Verilator co-simulation and the Icarus bench
#                   (about 6 minutes from scratch, 2 with the Verilator builds cached);
#                   AUX_MATRIX_ARGS=--long for 5 seeds and longer runs
#   aux-cosim       one parameter set: AUX_CFG=a5_l8_bert (Verilator), AUX_CMDS=300
#   aux-icarus      one parameter set: AUX_CFG=a5_l8_bert (Icarus), AUX_VECS=40
#   aux-rtl-bench   cycles per command and per row vs d (RTL = model) for 1, 3, 8, 16 lanes
#                   -> build/aux/cycles_rtl.csv, the model's table for 1..64 lanes ->
#                   build/aux/cycles_model.csv, Yosys area per function (8 lanes) ->
#                   build/aux/area.csv (about 3 minutes)
#
# The same as plain commands:
#   gcc -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror -O2 -g \
#       -Imodel -Itests -o build/aux/test_aux tests/test_aux.c \
#       model/tf_aux.c model/tf_aux_host.c model/tf_model.c -lcmocka -lm
#   gcc -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror -O2 -g \
#       -Imodel -o build/aux/aux_accuracy bench/aux_accuracy.c \
#       model/tf_aux.c model/tf_aux_host.c model/tf_model.c -lm
#   build/aux/aux_accuracy --csv build/bench

B    ?= build
WARN ?= -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror
AUX_CFLAGS ?= -O2 -g
AUX_SAN  := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
AUX_DIR  := $(B)/aux
AUX_SRC  := model/tf_aux.c model/tf_aux_host.c model/tf_model.c
AUX_HDR  := model/tf_aux.h model/tf_model.h
AUX_BENCH_ARGS ?=

.PHONY: aux-test aux-test-asan aux-bench aux-rom-check aux-lint aux-matrix aux-cosim aux-icarus \
        aux-rtl-bench

$(AUX_DIR)/test_aux: tests/test_aux.c $(AUX_SRC) $(AUX_HDR)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(AUX_CFLAGS) -Imodel -Itests -o $@ tests/test_aux.c $(AUX_SRC) -lcmocka -lm

$(AUX_DIR)/test_aux_asan: tests/test_aux.c $(AUX_SRC) $(AUX_HDR)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(AUX_SAN) -Imodel -Itests -o $@ tests/test_aux.c $(AUX_SRC) -lcmocka -lm

$(AUX_DIR)/aux_accuracy: bench/aux_accuracy.c $(AUX_SRC) $(AUX_HDR)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(AUX_CFLAGS) -Imodel -o $@ bench/aux_accuracy.c $(AUX_SRC) -lm

aux-test: $(AUX_DIR)/test_aux
	$(AUX_DIR)/test_aux

aux-test-asan: $(AUX_DIR)/test_aux_asan
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(AUX_DIR)/test_aux_asan

aux-bench: $(AUX_DIR)/aux_accuracy
	@mkdir -p $(B)/bench
	$(AUX_DIR)/aux_accuracy --csv $(B)/bench $(AUX_BENCH_ARGS)

AUX_CFG  ?= a5_l8_bert
AUX_CMDS ?= 300
AUX_VECS ?= 40
AUX_MATRIX_ARGS ?=

$(AUX_DIR)/romgen: tb/aux/romgen.c $(AUX_SRC) $(AUX_HDR)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(AUX_CFLAGS) -Imodel -o $@ tb/aux/romgen.c $(AUX_SRC) -lm

$(AUX_DIR)/cycles: tb/aux/cycles.c $(AUX_SRC) $(AUX_HDR)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(AUX_CFLAGS) -Imodel -o $@ tb/aux/cycles.c $(AUX_SRC) -lm

aux-rom-check: $(AUX_DIR)/romgen
	$(AUX_DIR)/romgen $(AUX_DIR)/tf_aux_gelu_rom.v
	cmp $(AUX_DIR)/tf_aux_gelu_rom.v templates/aux/tf_aux_gelu_rom.v
	@echo "aux-rom-check: templates/aux/tf_aux_gelu_rom.v equals the model's ROM"

aux-lint:
	@for c in tb/aux/configs/*.cfg tb/aux/configs/synth/*.cfg; do tb/aux/run.sh lint $$c || exit 1; done

aux-matrix:
	tb/aux/run_matrix.sh $(AUX_MATRIX_ARGS)

aux-cosim:
	tb/aux/run.sh cosim $(AUX_CFG) --cmds $(AUX_CMDS)

aux-icarus:
	tb/aux/run.sh icarus $(AUX_CFG) $(AUX_VECS)

aux-rtl-bench: $(AUX_DIR)/cycles
	@echo "config,lanes,ln_banks,chain,d,m,grp,cycles,model_cycles,cycles_per_row,steady_per_row" > $(AUX_DIR)/cycles_rtl.csv
	@for c in a1_l1_narrow a2_l3_rows3 a3_l8_wide4096 a4_l16; do tb/aux/run.sh bench $$c $(AUX_DIR)/cycles_rtl.csv || exit 1; done
	$(AUX_DIR)/cycles $(AUX_DIR)/cycles_model.csv
	@echo "config,cells,flip_flops,memories,memory_bits,rom_bits" > $(AUX_DIR)/area.csv
	@for c in none bias requant residual layernorm gelu all all_rows8 all_banks3; do \
	  tb/aux/run.sh synth tb/aux/configs/synth/s8_$$c.cfg $(AUX_DIR)/area.csv >/dev/null || exit 1; done
	@echo "aux-rtl-bench: $(AUX_DIR)/cycles_rtl.csv, $(AUX_DIR)/cycles_model.csv, $(AUX_DIR)/area.csv"
	@column -s, -t $(AUX_DIR)/area.csv
