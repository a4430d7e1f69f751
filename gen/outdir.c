/* outdir.c -- an output directory is written whole or not at all: every file
 * goes into a fresh temporary directory beside the target, which then takes
 * the target's place in one rename (an atomic exchange where the kernel has
 * it). A failed or interrupted run leaves the previous design untouched.
 *
 * Every operation is relative to an open directory (openat, mkdirat, renameat2,
 * unlinkat), never a path built into a buffer: a path is only ever used as the
 * user gave it, so no length of -o can truncate a file name, and any path the
 * kernel accepts component by component works (docs/config.md section 6). */
#define _GNU_SOURCE
#include "tforge.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TMP_SUFFIX ".tmp-XXXXXX"
#define OLD_SUFFIX ".old-XXXXXX"
#define SUFFIX_LEN 11 /* strlen(TMP_SUFFIX) */
#define BASE_MAX (NAME_MAX - SUFFIX_LEN)

struct outdir {
    struct tf_dir tmp;     /* the temporary directory the emitters write into */
    const char *final;     /* -o as given */
    const char *shown;     /* -o as printed in messages */
    int parent_fd;         /* the directory that holds DIR */
    const char *base;      /* DIR's last component */
    const char *tmp_name;  /* base.tmp-XXXXXX, in parent_fd */
    /* directories this run created to hold DIR, outermost first: removed again
     * when the run fails (created[0] sits in the directory anchor_fd). */
    int anchor_fd;
    const char **created;
    int ncreated;
};

/* ---- removal ----------------------------------------------------------------------- */

/* rm -rf of NAME in DIRFD; 0, or -1 with errno set. Symbolic links are removed, never
 * followed. */
static int rm_tree_at(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOTDIR || errno == ELOOP)
            return unlinkat(dirfd, name, 0);
        return errno == ENOENT ? 0 : -1;
    }
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return -1;
    }
    int rc = 0, err = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        struct stat st;
        int r;
        if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
            r = rm_tree_at(fd, de->d_name);
        else
            r = unlinkat(fd, de->d_name, 0);
        if (r != 0 && !rc) {
            rc = -1;
            err = errno;
        }
    }
    closedir(dir);
    if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && !rc) {
        rc = -1;
        err = errno;
    }
    errno = err;
    return rc;
}

/* The first directory in the tree NAME (in DIRFD) that this process may not remove
 * entries from (not writable or not searchable), as "NAME/sub" in *where; 0 if there
 * is none. Checked before an old design is replaced, so that the replacement cannot
 * end with the previous design stranded beside DIR. */
static int find_unremovable(int dirfd, const char *name, struct arena *a, const char **where)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOTDIR || errno == ELOOP || errno == ENOENT)
            return 0;
        *where = name;
        return -1;
    }
    if (faccessat(dirfd, name, W_OK | X_OK, AT_EACCESS) != 0) {
        close(fd);
        *where = name;
        return -1;
    }
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        *where = name;
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while (!rc && (de = readdir(dir))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
            const char *sub;
            if (find_unremovable(fd, de->d_name, a, &sub) != 0) {
                *where = arena_printf(a, "%s/%s", name, sub);
                rc = -1;
            }
        }
    }
    closedir(dir);
    return rc;
}

/* Remove the parents this run created, innermost first. Best effort: they are
 * empty unless someone else wrote into them meanwhile, and then they stay. */
static void remove_created(struct outdir *od)
{
    for (int k = od->ncreated - 1; k >= 0; k--) {
        int fd = dup(od->anchor_fd);
        for (int j = 0; j < k && fd >= 0; j++) {
            int next = openat(fd, od->created[j], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            close(fd);
            fd = next;
        }
        if (fd < 0)
            return;
        unlinkat(fd, od->created[k], AT_REMOVEDIR);
        close(fd);
    }
    od->ncreated = 0;
}

/* ---- begin ------------------------------------------------------------------------- */

TF_NORETURN static void fail_errno(struct diag *d, const struct outdir *od, const char *what,
                                   int err, const char *legal)
{
    tf_fail(d, TF_EXIT_INPUT, "%s: %s: %s (legal: %s)", od->shown, what, strerror(err), legal);
}

/* Open (creating as needed) every directory of PATH but its last component; returns
 * the fd of the last one and records what it created. */
static int open_parents(struct outdir *od, const char *path, size_t len, struct arena *a,
                        struct diag *d)
{
    int fd = open(path[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        fail_errno(d, od, "cannot open its parent directory", errno,
                   "-o a path in a directory you can write");
    od->created = arena_alloc(a, sizeof(char *) * (len / 2 + 2));
    size_t i = 0;
    while (i < len) {
        while (i < len && path[i] == '/')
            i++;
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        if (j == len) /* the last component is DIR itself */
            break;
        char *comp = arena_printf(a, "%.*s", (int)(j - i), path + i);
        int next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (next < 0 && errno == ENOENT) {
            if (mkdirat(fd, comp, 0777) != 0) {
                int err = errno;
                close(fd);
                remove_created(od);
                fail_errno(d, od, "cannot create a parent directory", err,
                           "-o a path in a directory you can write");
            }
            if (od->ncreated == 0)
                od->anchor_fd = dup(fd);
            od->created[od->ncreated++] = comp;
            next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        }
        int err = errno;
        close(fd);
        if (next < 0) {
            remove_created(od);
            fail_errno(d, od, "cannot open a parent directory", err,
                       "-o a path whose parents are directories you can search");
        }
        fd = next;
        i = j;
    }
    return fd;
}

/* A fresh, uniquely named directory BASE.tmp-XXXXXX (or .old-) in fd. */
static char *make_unique(int fd, const char *base, const char *suffix, int do_mkdir,
                         struct arena *a)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned long long x = (unsigned long long)time(NULL) * 6364136223846793005ULL ^
                           (unsigned long long)getpid() * 1442695040888963407ULL;
    for (int attempt = 0; attempt < 1000; attempt++) {
        char *name = arena_printf(a, "%s%.*s", base, (int)strlen(suffix) - 6, suffix);
        char *s = arena_alloc(a, strlen(name) + 7);
        strcpy(s, name);
        for (int k = 0; k < 6; k++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL + (unsigned)attempt;
            s[strlen(name) + (size_t)k] = chars[(x >> 33) % (sizeof chars - 1)];
        }
        if (!do_mkdir) {
            struct stat st;
            if (fstatat(fd, s, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
                return s;
            continue;
        }
        if (mkdirat(fd, s, 0777) == 0)
            return s;
        if (errno != EEXIST)
            return NULL;
    }
    errno = EEXIST;
    return NULL;
}

/* The previous design in DIR may be replaced: DIR is a directory tforge wrote (it has
 * the marker) and every directory in it can be emptied. Absent DIR is fine. */
static void check_replaceable(const struct outdir *od, struct arena *a, struct diag *d)
{
    struct stat st;
    if (fstatat(od->parent_fd, od->base, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return;
        fail_errno(d, od, "cannot inspect", errno, "-o a path you can read");
    }
    int fd = S_ISDIR(st.st_mode)
                 ? openat(od->parent_fd, od->base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                 : -1;
    struct stat mk;
    int marked = fd >= 0 && fstatat(fd, ".tforge", &mk, AT_SYMLINK_NOFOLLOW) == 0 &&
                 S_ISREG(mk.st_mode);
    if (fd >= 0)
        close(fd);
    if (!marked)
        tf_fail(d, TF_EXIT_INPUT,
                "%s: exists and was not written by tforge; refusing to replace it (legal: -o a "
                "new path, or a directory tforge made)", od->shown);
    const char *where;
    if (find_unremovable(od->parent_fd, od->base, a, &where) != 0) {
        /* where starts with base; show it under the path the user gave */
        const char *rest = where + strlen(od->base);
        tf_fail(d, TF_EXIT_INPUT,
                "%s%s: the previous design cannot be removed: the directory is not writable "
                "(legal: make it and its subdirectories writable, or -o a new path)",
                od->shown, rest);
    }
}

struct outdir *outdir_begin(const char *final_dir, struct arena *a, struct diag *d)
{
    struct outdir *od = arena_alloc(a, sizeof *od);
    od->final = final_dir;
    od->shown = tf_printable(a, final_dir, 0);
    od->parent_fd = -1;
    od->anchor_fd = -1;
    od->tmp.fd = -1;
    size_t len = strlen(final_dir);
    while (len > 1 && final_dir[len - 1] == '/')
        len--;
    size_t b = len;
    while (b > 0 && final_dir[b - 1] != '/')
        b--;
    const char *base = arena_printf(a, "%.*s", (int)(len - b), final_dir + b);
    if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
        tf_fail(d, TF_EXIT_INPUT,
                "tforge gen: -o '%s': the last component must name the directory (legal: -o "
                "DIR with a last component other than '', '.' and '..')", final_dir);
    if (strlen(base) > BASE_MAX)
        tf_fail(d, TF_EXIT_INPUT,
                "tforge gen: -o %s: the directory name is %zu bytes long (legal: a last "
                "component of at most %d bytes, so that DIR%s fits a file name)",
                od->shown, strlen(base), BASE_MAX, TMP_SUFFIX);
    for (size_t i = 0, j; i < len; i = j + 1) {
        j = i;
        while (j < len && final_dir[j] != '/')
            j++;
        if (j - i > NAME_MAX)
            tf_fail(d, TF_EXIT_INPUT,
                    "tforge gen: -o %s: a directory name of %zu bytes (legal: names of at most %d "
                    "bytes)", od->shown, j - i, NAME_MAX);
    }
    od->base = base;
    od->parent_fd = open_parents(od, final_dir, len, a, d);
    /* fail early when the target cannot be replaced, before any work */
    check_replaceable(od, a, d);
    od->tmp_name = make_unique(od->parent_fd, base, TMP_SUFFIX, 1, a);
    if (!od->tmp_name) {
        int err = errno;
        remove_created(od);
        fail_errno(d, od, "cannot create a directory beside it", err,
                   "-o a path in a directory you can write");
    }
    od->tmp.fd = openat(od->parent_fd, od->tmp_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    od->tmp.shown = od->shown;
    if (od->tmp.fd < 0) {
        int err = errno;
        outdir_abort(od);
        fail_errno(d, od, "cannot open the directory beside it", err,
                   "-o a path in a directory you can write");
    }
    return od;
}

const struct tf_dir *outdir_dir(const struct outdir *od) { return &od->tmp; }

static void close_all(struct outdir *od)
{
    if (od->tmp.fd >= 0)
        close(od->tmp.fd);
    if (od->parent_fd >= 0)
        close(od->parent_fd);
    if (od->anchor_fd >= 0)
        close(od->anchor_fd);
    od->tmp.fd = od->parent_fd = od->anchor_fd = -1;
}

void outdir_abort(struct outdir *od)
{
    if (od->parent_fd >= 0 && od->tmp_name)
        rm_tree_at(od->parent_fd, od->tmp_name);
    od->tmp_name = NULL;
    remove_created(od);
    close_all(od);
}

/* ---- commit ------------------------------------------------------------------------ */

/* 1 if files A (in dir fd da) and B (in db) hold the same bytes. */
static int same_file(int da, const char *a, int db, const char *b)
{
    int fa = openat(da, a, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    int fb = fa >= 0 ? openat(db, b, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
    int same = fa >= 0 && fb >= 0;
    char ba[8192], bb[8192];
    while (same) {
        ssize_t na = read(fa, ba, sizeof ba), nb = read(fb, bb, sizeof bb);
        if (na != nb || na < 0 || memcmp(ba, bb, (size_t)na) != 0)
            same = 0;
        else if (na == 0)
            break;
    }
    if (fa >= 0)
        close(fa);
    if (fb >= 0)
        close(fb);
    return same;
}

/* A file of the new design whose bytes equal the previous design's file of that name
 * keeps the previous file's times: make and the flow then see that nothing changed and
 * rebuild nothing (a second `make cosim` of an unchanged config starts at once). */
static void keep_times(struct outdir *od)
{
    int old = openat(od->parent_fd, od->base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (old < 0)
        return;
    int nfd = dup(od->tmp.fd);
    DIR *dir = nfd >= 0 ? fdopendir(nfd) : NULL;
    if (!dir) {
        if (nfd >= 0)
            close(nfd);
        close(old);
        return;
    }
    struct dirent *de;
    while ((de = readdir(dir))) {
        struct stat sn, so;
        if (fstatat(od->tmp.fd, de->d_name, &sn, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sn.st_mode))
            continue;
        if (fstatat(old, de->d_name, &so, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(so.st_mode) ||
            so.st_size != sn.st_size || !same_file(od->tmp.fd, de->d_name, old, de->d_name))
            continue;
        struct timespec ts[2] = {so.st_atim, so.st_mtim};
        utimensat(od->tmp.fd, de->d_name, ts, AT_SYMLINK_NOFOLLOW);
    }
    closedir(dir);
    close(old);
}

void outdir_commit(struct outdir *od, struct arena *a, struct diag *d)
{
    struct stat st;
    check_replaceable(od, a, d);
    if (fstatat(od->parent_fd, od->base, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        int r;
#ifdef RENAME_NOREPLACE
        r = renameat2(od->parent_fd, od->tmp_name, od->parent_fd, od->base, RENAME_NOREPLACE);
        if (r != 0 && errno == EINVAL)
#endif
            r = renameat(od->parent_fd, od->tmp_name, od->parent_fd, od->base);
        if (r != 0)
            fail_errno(d, od, "cannot create", errno, "-o a path in a directory you can write");
        od->tmp_name = NULL;
        close_all(od);
        return;
    }
    keep_times(od);
    const char *stale = NULL; /* where the previous design is, once it is out of the way */
#ifdef RENAME_EXCHANGE
    if (renameat2(od->parent_fd, od->tmp_name, od->parent_fd, od->base, RENAME_EXCHANGE) == 0)
        stale = od->tmp_name; /* now holds the previous design */
#endif
    if (!stale) {
        const char *old = make_unique(od->parent_fd, od->base, OLD_SUFFIX, 0, a);
        if (!old || renameat(od->parent_fd, od->base, od->parent_fd, old) != 0)
            fail_errno(d, od, "cannot replace", errno, "-o a directory tforge made, in a "
                       "directory you can write");
        if (renameat(od->parent_fd, od->tmp_name, od->parent_fd, od->base) != 0) {
            int err = errno;
            renameat(od->parent_fd, old, od->parent_fd, od->base);
            fail_errno(d, od, "cannot replace", err, "-o a directory tforge made, in a "
                       "directory you can write");
        }
        stale = old;
    }
    od->tmp_name = NULL;
    od->ncreated = 0; /* DIR's parents hold the new design now */
    if (rm_tree_at(od->parent_fd, stale) != 0) {
        /* the new design is in place; say plainly what was left, and where */
        fprintf(stderr, "tforge: warning: %s: the previous design could not be removed from "
                "%s: %s\n", od->shown, tf_printable(a, stale, 0), strerror(errno));
    }
    close_all(od);
}

/* ---- a plain directory for the emitters (tests) ------------------------------------- */

void tf_dir_open(struct tf_dir *dir, const char *path, struct arena *a, struct diag *d)
{
    dir->shown = tf_printable(a, path, 0);
    dir->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir->fd < 0)
        tf_fail(d, TF_EXIT_INPUT, "%s: cannot open: %s (legal: an existing directory)",
                dir->shown, strerror(errno));
}

void tf_dir_close(struct tf_dir *dir)
{
    if (dir->fd >= 0)
        close(dir->fd);
    dir->fd = -1;
}
