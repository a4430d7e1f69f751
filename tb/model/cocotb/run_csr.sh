#!/usr/bin/env bash
# run_csr.sh CONFIG -- the cocotb + cocotbext-axi test of the accelerator's AXI4-Lite registers
# (<name>_csr of a config with [model]) on Icarus: tb/model/cocotb/test_csr.py drives them with
# cocotbext-axi's AxiLiteMaster, every offset and field from the design's manifest. The AXI4-Lite
# ports get their plain names for AxiLiteBus.from_prefix(dut, "s_axil") (tb/common/cocotb_top.sh).
# Output: build/cocotb/csr-<name>/results.xml; prints "cocotb csr-<name>: N passed, M failed".
set -euo pipefail
exec "$(dirname "$0")/../../common/cocotb_top.sh" "${1:?usage: run_csr.sh CONFIG}" csr s_axil_ tb/model/cocotb test_csr csr
