#!/usr/bin/env bash
# run_accel.sh [CONFIG] -- the accelerator top on Icarus under cocotb (tb/top/test_accel.py):
# cocotbext-axi's AxiLiteMaster on its registers and AxiRam as its memory, against the
# accelerator over memory (tf_accel, through tb/top/accel_ref.c built with the design's params
# header as a shared library for ctypes). Default CONFIG: configs/model/tiny_post.ini.
# Output: build/cocotb/accel-<name>/results.xml; prints "cocotb accel-<name>: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
config=${1:-configs/model/tiny_post.ini}
tforge=${TFORGE:-build/tforge}
name=$("$tforge" check "$config" --name)
rtl=rtl_out/$name
"$tforge" gen "$config" -o "$rtl" >/dev/null
mkdir -p "build/cocotb/accel-$name"
ref=$PWD/build/cocotb/accel-$name/accel_ref.so
cc -std=c11 -O2 -shared -fPIC -Imodel -DTFP_SINGLE_DESIGN -include "$rtl/${name}_params.h" -o "$ref" \
  tb/top/accel_ref.c model/tf_accel.c model/tf_layer.c model/tf_attn.c model/tf_aux.c model/tf_aux_host.c \
  model/tf_model.c model/tf_image.c model/tf_image_host.c -lm
ACCEL_REF=$ref exec tb/common/cocotb_top.sh "$config" accel "s_axil_,m_axi_" tb/top test_accel accel
