tf_ram_1r1w.v
tf_attn_core.v
tiny_attn_attn.v
