tf_ram_1r1w.v
tf_rotate.v
tf_trf_banked.v
tiny_ws_trf.v
