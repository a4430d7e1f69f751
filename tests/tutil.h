/* tutil.h -- helpers shared by the cmocka unit tests: scratch directories,
 * whole-file reads, directory snapshots and running the tforge binary.
 *
 * The test binaries run from the repository root (make unit-tests does that):
 * they read tests/golden/ and templates/ by relative path. */
#ifndef TUTIL_H
#define TUTIL_H

#include <stddef.h>

/* The tforge binary the binary-level tests run: $TFORGE_BIN, else build/tforge. */
const char *tu_tforge_bin(void);

/* A fresh directory build/tests-scratch/TAG-XXXXXX (malloc'd path), NULL on error. */
char *tu_scratch(const char *tag);
/* rm -rf PATH (no error if it does not exist). */
void tu_rm_rf(const char *path);
/* Remove build/tests-scratch if nothing is left in it. */
void tu_scratch_done(void);

/* Whole file, NUL-terminated (malloc'd); *len gets its size if len != NULL.
 * NULL when it cannot be read. */
char *tu_read(const char *path, size_t *len);
/* Write TEXT to PATH; 0 on success. */
int tu_write(const char *path, const char *text);
int tu_is_dir(const char *path);
int tu_is_file(const char *path);
/* Join dir/name into a malloc'd string. */
char *tu_join(const char *dir, const char *name);
/* Formatted, malloc'd. */
char *tu_fmt(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* The entry names of DIR (not . and ..), sorted; returns the count, -1 on
 * error. *names and each name are malloc'd; free with tu_free_names. */
int tu_list(const char *dir, char ***names);
void tu_free_names(char **names, int n);
/* How many entries of DIR have SUBSTR in their name. */
int tu_count_entries(const char *dir, const char *substr);

/* A snapshot of a flat directory: inode of the directory, then each entry's
 * name, inode and contents. Two snapshots compare equal when nothing in the
 * directory was replaced, added, removed or changed. */
struct tu_snap {
    unsigned long long dir_ino;
    int n;
    char **names;
    unsigned long long *ino;
    char **data;
    size_t *len;
};
int tu_snap_take(struct tu_snap *s, const char *dir);
/* NULL when equal, else a static description of the first difference. */
const char *tu_snap_diff(const struct tu_snap *a, const struct tu_snap *b);
void tu_snap_free(struct tu_snap *s);

/* Run argv[0] (a path) with argv; capture stdout and stderr (malloc'd,
 * NUL-terminated). Returns the exit status, 128+signal if killed, -1 if it
 * could not be run. */
int tu_run(char *const argv[], char **out, char **err);

#endif
