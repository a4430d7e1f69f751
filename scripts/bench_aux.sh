#!/usr/bin/env bash
# bench_aux.sh -- the auxiliary unit (make bench; docs/performance.md section 9):
#  * accuracy of the bit-exact model (bench/aux_accuracy.c): GELU exhaustively per input
#    width and scale pair (worst LSB error against the correctly rounded GELU), L-infinity
#    and L2 over [-4, 4) beside I-BERT's i-GELU evaluated in the same run, LayerNorm on
#    more than 10^5 rows of several classes with the worst case -> build/bench/
#    aux_gelu_accuracy.csv, aux_gelu_error.csv, aux_ln_accuracy.csv, aux_accuracy.txt, and
#    the plot aux_gelu_error.png (error against the input, ours and i-GELU);
#  * cycles per row against d and lanes: one RUN of 8 rows per (chain, d) on the RTL in
#    Verilator (harness --bench: outputs compared, RTL cycles checked equal to the model's)
#    for configs/aux/aux01 (1 lane), aux02 (3 lanes, 3 banks), aux03 (8 lanes, d to 4096),
#    aux04 (16 lanes) -> aux_cycles_rtl.csv; the model's steady state for 1..64 lanes
#    (bench/aux_cycles.c, exact for the RTL) -> aux_cycles_model.csv;
#  * area per function: Yosys generic synthesis (scripts/flow.sh aux-synth) of an 8-lane
#    unit with BERT-base widths, rows up to 768: the shell alone, requantization, then
#    requantization plus each other stage, all five, and two LayerNorm variants ->
#    aux_area.csv (cells, flip-flops, memories, memory bits with the GELU ROMs).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"

echo "-- accuracy (bench/aux_accuracy.c)"
gcc -std=c11 -O2 -Wall -Wextra -Werror -Imodel -o build/aux_accuracy bench/aux_accuracy.c \
  model/tf_aux.c model/tf_aux_host.c model/tf_model.c -lm
build/aux_accuracy --csv "$out" | tee "$out/aux_accuracy.txt"
python3 - "$out" <<'PY'
import csv, os, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
out = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(out, "aux_gelu_error.csv"))))
x = [float(r["x"]) for r in rows]
ex = [float(r["exact"]) for r in rows]
fig, ax = plt.subplots(figsize=(9, 5))
for key, label, style in (("igelu", "I-BERT i-GELU (double)", "-"),
                          ("ours_out16", "this unit, 16-bit output (s_out = 2^-12)", "-"),
                          ("ours_q28", "this unit, value before output scaling (Q.28)", "-")):
    err = [max(abs(float(r[key]) - e), 1e-12) for r, e in zip(rows, ex)]
    ax.semilogy(x, err, style, linewidth=0.8, label=label)
ax.set_xlabel("x (16-bit input code q, x = q 2^-13)")
ax.set_ylabel("|GELU error| (real units; floor 1e-12)")
ax.set_title("GELU: error against the exact x Phi(x), same inputs, same run")
ax.grid(True, which="both", linewidth=0.3)
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(out, "aux_gelu_error.png"), dpi=120)
print(f"plot: {os.path.join(out, 'aux_gelu_error.png')} ({len(rows)} points)")
PY

echo
echo "-- cycles per row vs d and lanes (RTL = model)"
csv=$out/aux_cycles_rtl.csv
echo "design,lanes,ln_banks,chain,d,m,grp,cycles,model_cycles,cycles_per_row,steady_per_row" >"$csv"
for cfg in configs/aux/aux01_l1_narrow.ini configs/aux/aux02_l3_rows3.ini configs/aux/aux03_l8_wide4096.ini \
           configs/aux/aux04_l16.ini; do
  name=$(build/tforge check "$cfg" --name)
  AUX_CMDS=1 scripts/flow.sh aux-cosim "$cfg" >/dev/null
  "build/$name/auxobj/aux_harness" --bench "$csv" --quiet
  echo "  $name: $(grep -c "^$name," "$csv") RUNs"
done
gcc -std=c11 -O2 -Wall -Wextra -Werror -Imodel -o build/aux_cycles bench/aux_cycles.c model/tf_aux.c model/tf_model.c -lm
build/aux_cycles "$out/aux_cycles_model.csv"

echo
echo "-- area per function (Yosys generic synthesis, 8 lanes, BERT-base widths, d <= 768)"
base=$out/baux.ini
printf '[design]\nname = baux\n[aux]\nlanes = 8\nmax_d = 768\nmax_rows = 255\nln_max_d = 768\nln_rows = 1\n' >"$base"
area=$out/aux_area.csv
echo "variant,cells,flops,memories,memory_bits" >"$area"
off() { for s in "$@"; do printf -- '-D aux.%s=false ' "$s"; done; }
declare -a variants=(
  "none|$(off bias requant residual layernorm gelu)"
  "requant|$(off bias residual layernorm gelu)"
  "requant+bias|$(off residual layernorm gelu)"
  "requant+residual|$(off bias layernorm gelu)"
  "requant+layernorm|$(off bias residual gelu)"
  "requant+gelu|$(off bias residual layernorm)"
  "all|"
  "all, ln_rows=8|-D aux.ln_rows=8"
  "all, ln_banks=3|-D aux.ln_banks=3"
)
for v in "${variants[@]}"; do
  label=${v%%|*}
  # shellcheck disable=SC2206
  defs=(${v#*|})
  dir=$(scripts/flow.sh dir "$base" "${defs[@]}" | cut -d' ' -f2)
  scripts/flow.sh aux-synth "$base" "${defs[@]}" >/dev/null
  eval "$(sed -n 's/^SUMMARY //p' "$dir/aux_synth_report.txt")" # cells= flops= memories= memory_bits=
  echo "\"$label\",$cells,$flops,$memories,$memory_bits" >>"$area"
  printf '  %-20s %9s cells %7s flip-flops %3s memories %8s memory bits\n' "$label" "$cells" "$flops" "$memories" "$memory_bits"
done

python3 - "$out" <<'PY'
import csv, os, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(out, "aux_cycles_rtl.csv"))))
bad = [r for r in rows if r["cycles"] != r["model_cycles"]]
print(f"\ncycles: RTL = model on {len(rows) - len(bad)} of {len(rows)} RUNs (build/bench/aux_cycles_rtl.csv)")
m = list(csv.DictReader(open(os.path.join(out, "aux_cycles_model.csv"))))
ds = sorted({int(r["d"]) for r in m})
print("steady-state cycles per row (model; stream = bias, requant, residual, GELU; layernorm = requant, residual, LayerNorm, GELU)")
print(f"{'lanes':>5} {'chain, banks':<15}" + "".join(f"{d:>8}" for d in ds))
for lanes in sorted({int(r["lanes"]) for r in m}):
    for chain, banks in (("stream", 2), ("layernorm", 2), ("layernorm", 3)):
        sel = {int(r["d"]): float(r["cycles_per_row_steady"]) for r in m
               if int(r["lanes"]) == lanes and r["chain"] == chain and int(r["ln_banks"]) == banks}
        if sel:
            print(f"{lanes:>5} {chain + ', ' + str(banks):<15}" + "".join(f"{sel[d]:>8g}" for d in ds))
sys.exit(1 if bad else 0)
PY
