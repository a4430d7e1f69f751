tf_pe_ws.v
tf_delay.v
tf_ram_1r1w.v
tf_skid.v
tf_mesh_ws.v
tf_gemm.v
tiny_ws_gemm.v
tiny_ws_top.v
