/* st.h -- a safetensors file, read whole and checked (gen/st.c). */
#ifndef TF_ST_H
#define TF_ST_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct diag;

enum { ST_MAX_RANK = 8 };

struct st_tensor {
    const char *name, *dtype;
    int rank, eb;        /* dimensions, bytes per element */
    long shape[ST_MAX_RANK];
    size_t off, elems;   /* offset in the file, elements */
};

struct st_file {
    const char *path;    /* printable */
    uint8_t *buf;        /* the whole file (arena) */
    size_t n, data0;     /* size; where the data start */
    struct st_tensor *t; /* every tensor of the header */
    int nt;
};

/* Read and check path; fails (tf_fail) naming the file and the offset or tensor. */
void st_open(struct st_file *f, const char *path, struct arena *a, struct diag *d);
/* 1 if the file has a tensor of that name */
int st_has(const struct st_file *f, const char *name);
/* The F32 tensor `name` of exactly `rank` dimensions `shape`, copied out (arena), every element
 * finite; fails naming the tensor and what is wrong (missing, dtype, shape, a value). */
const float *st_f32(const struct st_file *f, const char *name, int rank, const long *shape, struct arena *a,
                    struct diag *d);

#endif
