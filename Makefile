# tforge -- top-level Makefile. The targets are the user interface:
#   make run      install missing tools, build, generate, lint, co-simulate, synthesize
#                 the accelerator of configs/default.ini and print a summary with its
#                 per-token figures (RUN_PROMPT=16 RUN_DECODE=4: the timed run)
#   make test     the whole suite: unit tests (plain and ASan+UBSan), then lint, Verilator
#                 co-simulation and Icarus for the default config (every block, the registers
#                 and the accelerator top) and every configs/matrix/*.ini,
#                 lint and Icarus for every configs/examples/*.ini, configs/large/*.ini and
#                 tests/golden/*.ini,
#                 register-file lint, Verilator and Icarus co-simulation for configs/trf/*.ini,
#                 attention-unit lint, Verilator and Icarus co-simulation for configs/attn/*.ini,
#                 auxiliary-unit lint, Verilator and Icarus co-simulation for configs/aux/*.ini
#                 lint of every configs/model/*.ini (the [model] rules, every block's RTL) and
#                 the cocotb test of its AXI4-Lite registers (<name>_csr),
#                 memory-system lint, GEMM co-simulation with the buffer write port, the
#                 <name>_sys co-simulation (fixed latency and random stalls) and the DMA/AXI4
#                 cocotb tests for configs/mem/*.ini
#   make lint | cosim | icarus | synth | gen   one design (CONFIG=path, default configs/default.ini;
#                 D="array.rows=4 array.dataflow=ws" overrides keys, into a variant's own directories);
#                 synth also simulates the GEMM engine's netlist against the golden model
#   make fpga     the GEMM engine on an FPGA (FAMILY=ice40|ecp5, DEVICE=up5k|hx8k|hx1k|25k|45k|85k,
#                 DSP=1|0, FREQ=MHz): Yosys, the iCE40 netlist against the golden model, nextpnr;
#                 cells, DSPs, block RAMs and Fmax in build/<variant>/fpga_<family>_<device>.json
#   make trf-cosim | trf-icarus | trf-synth    the register file of a design with a [trf] section
#   make attn-cosim | attn-icarus | attn-synth the attention unit of a design with an [attn] section
#   make aux-cosim | aux-icarus | aux-synth    the auxiliary unit of a design with an [aux] section
#   make aux-rom-check  the GELU ROM template (templates/aux/tf_aux_gelu_rom.v) equals the model's
#   make mem-cosim    <name>_sys (controller, DMA, AXI4 master, engine) against tfmm_* with the
#                 host memory model (MEM_ARGS="--lat 20 --bw 8 --stall 0.2", MEM_BATCHES=150)
#   make mem-synth    <name>_sys of a design with a [mem] section (engine + DMA + AXI4 master)
#   make mem-cocotb   the DMA and AXI4 master against cocotbext-axi (P="DW=32 BurstLen=1": parameters)
#   make mem-sys-cocotb  the whole <name>_sys of a design with [mem] and gemm.store (CONFIG=...,
#                 default configs/mem/p05_os_4x4_512_store.ini): S to and from memory, GEMMs on S
#   make csr-cocotb  the accelerator's AXI4-Lite registers (<name>_csr) against cocotbext-axi's
#                 master (CONFIG=..., default configs/model/tiny_layer.ini)
#   make model-cosim CONFIG=configs/model/...  the registers in Verilator with the generated C
#                 driver (<name>_driver.c) as the host (CSR_ROUNDS=40)
#   make accel-cosim | accel-synth  the accelerator top <name>_accel of a [model]
#                 (default configs/default.ini): the request table through the C driver,
#                 every byte of memory against tf_accel (ACCEL_ROUNDS=4, ACCEL_ARGS="--prompt 16");
#                 Yosys generic synthesis
#   make pack-check  a BERT checkpoint through tforge pack and tforge golden against numpy
#   make formal   the `ifdef FORMAL properties of the small blocks (skid buffer, FIFO) proven by
#                 Yosys's SAT induction, and each block with a deliberate fault refuted
#   make perf-check  tforge perf's figures against their invariants and the attention unit's formula
#   make badinput the bad-input corpus (BADINPUT_ARGS=--full: every mutation, ~50 000 cases)
#   make fuzz     fuzz the config loader for FUZZ_SECONDS (default 300)
#   make test-long  the long sweeps: the full bad-input corpus, 10 minutes of fuzzing, 25 random
#                 configs at wider sizes (tests/random_configs.py --wide), the
#                 auxiliary unit's matrix at seeds 1..5 with longer runs, MiniLM's 128-token
#                 prefill on the accelerator top against tforge perf (5 minutes), and two soaks of
#                 the default accelerator in batches of 3 with AXI stalls: 450 runs of random
#                 tables (over 1 000 requests), then 1 000 requests served as they arrive
#   make bench    benchmarks -> build/bench/*.csv
#   make clean
SHELL   := /bin/bash
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror
CONFIG  ?= configs/default.ini
B       := build
TFORGE  := $(B)/tforge
MATRIX  := $(sort $(wildcard configs/matrix/*.ini))
EXAMPLES := $(sort $(wildcard configs/examples/*.ini) $(wildcard configs/large/*.ini)) \
            $(sort $(wildcard tests/golden/*.ini))
TRF_MATRIX := $(sort $(wildcard configs/trf/*.ini))
ATTN_MATRIX := $(sort $(wildcard configs/attn/*.ini))
AUX_MATRIX := $(sort $(wildcard configs/aux/*.ini))
MEM_MATRIX := $(sort $(wildcard configs/mem/*.ini))
MODEL_CONFIGS := $(sort $(wildcard configs/model/*.ini))

GEN_SRC   := gen/util.c gen/cfg.c gen/plan.c gen/emit.c gen/outdir.c gen/pack.c gen/perf.c gen/st.c \
             $(sort $(wildcard gen/blocks/*.c)) $(sort $(wildcard gen/out/*.c))
GEN_HDR   := gen/tforge.h gen/block.h gen/st.h gen/blocks/registry.h $(wildcard gen/blocks/*.h) gen/out/out.h
# Templates: templates/*.v and templates/<dir>/*.v, embedded under their path below
# templates/ ("gemm/tf_gemm.v"); a name without a directory finds them too.
TEMPLATES := $(sort $(wildcard templates/*.v) $(wildcard templates/*/*.v))
MODEL_SRC := model/tf_model.c model/tf_attn.c model/tf_aux.c model/tf_aux_host.c model/tf_mem.c model/tf_mem_cycles.c \
             model/tf_layer.c model/tf_image.c model/tf_image_host.c model/tf_accel.c
# The models the generator links: the attention and auxiliary plans take constants and
# checks from them (tf_aux.c uses tf_model.c's requantization).
# tforge perf times GEMM commands with the memory system's cycle model (tf_mem*.c).
GEN_MODEL := model/tf_attn.c model/tf_aux.c model/tf_model.c model/tf_image.c model/tf_layer.c \
             model/tf_mem.c model/tf_mem_cycles.c
# ... and their host-side (double precision) parts, for tforge pack's random models
GEN_HOST  := model/tf_aux_host.c model/tf_image_host.c

.PHONY: all deps tforge run test lint synth fpga cosim icarus gen bench clean update-golden matrix \
        trf-cosim trf-icarus trf-synth attn-cosim attn-icarus attn-synth aux-cosim aux-icarus aux-synth \
        aux-rom-check mem-synth mem-cocotb mem-sys-cocotb csr-cocotb model-cosim accel-cosim accel-synth pack-check \
        perf-check badinput fuzz minilm formal \
        test-long \
        tb-selftest
all: tforge
tforge: $(TFORGE)

deps:
	@bash scripts/install-deps.sh

$(B)/embed: gen/embed.c
	@mkdir -p $(B)
	$(CC) $(WARN) -O2 -o $@ $<

$(B)/templates.c: $(B)/embed $(TEMPLATES)
	$(B)/embed $@ $(foreach t,$(TEMPLATES),$(patsubst templates/%,%,$(t))=$(t))

# The embedded templates are long string literals; C11 only promises 4095 chars.
$(B)/templates.o: $(B)/templates.c $(GEN_HDR)
	$(CC) $(WARN) -Wno-overlength-strings $(CFLAGS) -Igen -Imodel -c -o $@ $<

$(TFORGE): gen/main.c $(GEN_SRC) $(GEN_HDR) $(B)/templates.o $(GEN_MODEL) $(wildcard $(GEN_MODEL:.c=.h)) $(GEN_HOST)
	$(CC) $(WARN) $(CFLAGS) -Igen -Imodel -o $@ gen/main.c $(GEN_SRC) $(GEN_MODEL) $(GEN_HOST) $(B)/templates.o -linih -ljansson -lm

include tests/tests.mk

# D="section.key=value ..." overrides keys of CONFIG (a variant gets its own directories)
FLOW_D := $(foreach d,$(D),-D $(d))
gen lint cosim icarus synth trf-cosim trf-icarus trf-synth attn-cosim attn-icarus attn-synth \
aux-cosim aux-icarus aux-synth mem-cosim mem-synth model-cosim accel-cosim accel-synth: deps $(TFORGE)
	@scripts/flow.sh $@ $(CONFIG) $(FLOW_D)

# FAMILY=ice40|ecp5 DEVICE=... DSP=1|0 FREQ=MHz: the GEMM engine through Yosys and nextpnr
fpga: deps $(TFORGE)
	@FAMILY=$(or $(FAMILY),ice40) $(if $(DEVICE),DEVICE=$(DEVICE)) $(if $(DSP),DSP=$(DSP)) \
	  $(if $(FREQ),FREQ=$(FREQ)) scripts/flow.sh fpga $(CONFIG) $(FLOW_D)

run: deps $(TFORGE)
	@scripts/run.sh $(CONFIG)

# Unit tests first (fast), then the RTL matrix; one pass/fail count at the end.
test: deps $(TFORGE)
	@scripts/test.sh $(CONFIG) $(MATRIX) -- $(EXAMPLES) --full $(TRF_MATRIX) $(ATTN_MATRIX) $(AUX_MATRIX) \
	    $(MEM_MATRIX) --lint $(MODEL_CONFIGS)

# The verification layer's own checks (JSON, options, scoreboard, draws)
tb-selftest: $(B)/tb_selftest
	@$(B)/tb_selftest
$(B)/tb_selftest: tb/common/selftest.cpp $(wildcard tb/common/*.h)
	@mkdir -p $(B)
	g++ -std=c++17 -Wall -Wextra -Werror -Itb/common -o $@ tb/common/selftest.cpp

mem-cocotb: deps
	@tb/mem/cocotb/run.sh $(P)

pack-check: deps $(TFORGE)
	@python3 tests/pack_check.py

# the `ifdef FORMAL properties of the small blocks, proven by Yosys's SAT induction
formal: deps
	@scripts/formal.sh

perf-check: $(TFORGE)
	@python3 tests/perf_check.py

csr-cocotb: deps $(TFORGE)
	@tb/model/cocotb/run_csr.sh $(if $(filter command line,$(origin CONFIG)),$(CONFIG),configs/model/tiny_layer.ini)

mem-sys-cocotb: deps $(TFORGE)
	@tb/mem/cocotb/run_sys.sh $(if $(filter command line,$(origin CONFIG)),$(CONFIG),configs/mem/p05_os_4x4_512_store.ini)

badinput: deps $(TFORGE)
	@python3 tests/badinput.py $(BADINPUT_ARGS)

fuzz: deps
	@scripts/fuzz.sh $(or $(FUZZ_SECONDS),300)

# the auxiliary unit's matrix: seeds 1..5, 600 Verilator and 200 Icarus commands each
test-long: deps $(TFORGE)
	@python3 tests/badinput.py --full
	@scripts/fuzz.sh 600
	@for s in 1 2 3 4 5; do for c in $(AUX_MATRIX); do \
	  SEED=$$s AUX_CMDS=600 scripts/flow.sh aux-cosim $$c || exit 1; \
	  SEED=$$s AUX_ICARUS_CMDS=200 scripts/flow.sh aux-icarus $$c || exit 1; \
	done; done; echo "test-long: aux matrix, seeds 1..5: passed"
	@python3 tests/random_configs.py --count 25 --wide
	@scripts/accel_check.sh configs/model/minilm_8x8.ini 128 0
	@ACCEL_ROUNDS=450 ACCEL_ARGS="--stall 0.1 --bw 8" SEED=7 scripts/flow.sh accel-cosim configs/default.ini -D batch.bmax=3
	@ACCEL_ARGS="--serve 1000 --stall 0.1 --bw 8" SEED=7 scripts/flow.sh accel-cosim configs/default.ini -D batch.bmax=3

bench: deps $(TFORGE)
	@scripts/bench.sh

# all-MiniLM-L6-v2 on the accelerator: the fp32 reference checked, the weights packed with a
# calibration on real sentences, 240 sentences on the golden model (bit-exact with the RTL)
# against fp32 (MINILM_ARGS: e.g. --limit 20)
minilm: deps $(TFORGE)
	@python3 scripts/minilm.py check
	@python3 scripts/minilm.py run -v --csv $(B)/minilm/minilm.csv $(MINILM_ARGS)

# The GELU coefficient ROM is fixed text (templates/aux/tf_aux_gelu_rom.v); tb/aux/romgen.c
# writes it from the model: the committed template must be what the model computes.
$(B)/aux/romgen: tb/aux/romgen.c model/tf_aux.c model/tf_model.c model/tf_aux.h model/tf_model.h
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Imodel -o $@ tb/aux/romgen.c model/tf_aux.c model/tf_model.c -lm

aux-rom-check: $(B)/aux/romgen
	@$(B)/aux/romgen $(B)/aux/tf_aux_gelu_rom.v
	@cmp $(B)/aux/tf_aux_gelu_rom.v templates/aux/tf_aux_gelu_rom.v
	@echo "aux-rom-check: templates/aux/tf_aux_gelu_rom.v equals the ROM of model/tf_aux.c (tfx_gelu_rom_init)"

clean:
	rm -rf $(B) rtl_out
