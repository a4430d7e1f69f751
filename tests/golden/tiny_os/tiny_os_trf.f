tf_trf_flops.v
tiny_os_trf.v
