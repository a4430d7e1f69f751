tf_pe_os.v
tf_delay.v
tf_ram_1r1w.v
tf_skid.v
tf_requant.v
tiny_os_mesh.v
tiny_os_gemm.v
tiny_os_top.v
