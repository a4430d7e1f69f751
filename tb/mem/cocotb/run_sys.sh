#!/usr/bin/env bash
# run_sys.sh CONFIG -- the cocotb + cocotbext-axi test of a whole <name>_sys (engine with its
# result store, DMA, AXI4 master, controller) on Icarus: tb/mem/cocotb/test_sys.py moves
# matrices between cocotbext-axi's RAM and the result store S (MEM_DST_S, MEM_DST_SMEM), runs
# GEMMs that read S and that store into S, and checks the store port rule (no DMA access to
# S while a GEMM runs). The design must have [mem] and gemm.store. The AXI ports get their
# plain names for AxiBus.from_prefix(dut, "m_axi") (tb/common/cocotb_top.sh).
# Output: build/cocotb/sys-<name>/results.xml; prints "cocotb sys-<name>: N passed, M failed".
set -euo pipefail
exec "$(dirname "$0")/../../common/cocotb_top.sh" "${1:?usage: run_sys.sh CONFIG}" sys m_axi_ tb/mem/cocotb test_sys sys
