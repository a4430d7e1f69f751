/* outdir.c -- an output directory is written whole or not at all: every file
 * goes into a fresh temporary directory beside the target, which then takes
 * the target's place in one rename (an atomic exchange where the kernel has
 * it). A failed or interrupted run leaves the previous design untouched. */
#define _GNU_SOURCE
#include "tforge.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void rm_tree(const char *path)
{
    DIR *dir = opendir(path);
    if (dir) {
        struct dirent *de;
        while ((de = readdir(dir))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
            struct stat st;
            if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
                rm_tree(sub);
            else
                unlink(sub);
        }
        closedir(dir);
    }
    rmdir(path);
}

static void mkdir_parents(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *s = buf + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            mkdir(buf, 0777);
            *s = '/';
        }
    }
}

char *outdir_begin(const char *final_dir, struct arena *a, struct diag *d)
{
    size_t n = strlen(final_dir);
    while (n > 1 && final_dir[n - 1] == '/')
        n--;
    char *tmp = arena_printf(a, "%.*s.tmp-XXXXXX", (int)n, final_dir);
    mkdir_parents(tmp);
    if (!mkdtemp(tmp))
        tf_fail(d, TF_EXIT_INPUT, "%s: cannot create a directory beside it: %s (legal: -o a path "
                "in a writable directory)", final_dir, strerror(errno));
    mode_t um = umask(0);
    umask(um);
    chmod(tmp, 0777 & ~um);
    return tmp;
}

void outdir_abort(const char *tmp) { rm_tree(tmp); }

void outdir_commit(const char *tmp, const char *final_dir, struct arena *a, struct diag *d)
{
    struct stat st;
    if (lstat(final_dir, &st) != 0) {
        if (rename(tmp, final_dir) != 0)
            tf_fail(d, TF_EXIT_INPUT, "%s: cannot create: %s", final_dir, strerror(errno));
        return;
    }
    char *marker = arena_printf(a, "%s/.tforge", final_dir);
    if (!S_ISDIR(st.st_mode) || access(marker, F_OK) != 0)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: exists and was not written by tforge; refusing to replace it (legal: -o a "
                "new path, or a directory tforge made)", final_dir);
#ifdef RENAME_EXCHANGE
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final_dir, RENAME_EXCHANGE) == 0) {
        rm_tree(tmp); /* now holds the previous design */
        return;
    }
#endif
    char *old = arena_printf(a, "%s.old-XXXXXX", final_dir);
    if (!mkdtemp(old) || rmdir(old) != 0 || rename(final_dir, old) != 0)
        tf_fail(d, TF_EXIT_INPUT, "%s: cannot replace: %s", final_dir, strerror(errno));
    if (rename(tmp, final_dir) != 0) {
        int err = errno;
        rename(old, final_dir);
        tf_fail(d, TF_EXIT_INPUT, "%s: cannot replace: %s", final_dir, strerror(err));
    }
    rm_tree(old);
}
