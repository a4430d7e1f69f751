/* tutil.c -- helpers shared by the unit tests (see tutil.h). */
#define _XOPEN_SOURCE 700
#include "tutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SCRATCH_ROOT "build/tests-scratch"

const char *tu_tforge_bin(void)
{
    const char *b = getenv("TFORGE_BIN");
    return b && *b ? b : "build/tforge";
}

char *tu_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

char *tu_join(const char *dir, const char *name) { return tu_fmt("%s/%s", dir, name); }

char *tu_scratch(const char *tag)
{
    mkdir("build", 0777);
    mkdir(SCRATCH_ROOT, 0777);
    char *p = tu_fmt(SCRATCH_ROOT "/%s-XXXXXX", tag);
    if (!p)
        return NULL;
    if (!mkdtemp(p)) {
        fprintf(stderr, "tu_scratch: %s: %s\n", p, strerror(errno));
        free(p);
        return NULL;
    }
    return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void tu_rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void tu_scratch_done(void) { rmdir(SCRATCH_ROOT); /* fails harmlessly if not empty */ }

char *tu_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(f);
            return NULL;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
        if (cap - n - 1 == 0) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int tu_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = strlen(text);
    int bad = fwrite(text, 1, n, f) != n;
    if (fclose(f) != 0)
        bad = 1;
    return bad ? -1 : 0;
}

int tu_is_dir(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int tu_is_file(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int tu_list(const char *dir, char ***names)
{
    *names = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0, cap = 0;
    char **v = NULL;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nv = realloc(v, sizeof *v * (size_t)cap);
            if (!nv)
                break;
            v = nv;
        }
        v[n++] = tu_fmt("%s", de->d_name);
    }
    closedir(d);
    if (n)
        qsort(v, (size_t)n, sizeof *v, cmp_str);
    *names = v;
    return n;
}

void tu_free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int tu_count_entries(const char *dir, const char *substr)
{
    char **names;
    int n = tu_list(dir, &names);
    int c = 0;
    for (int i = 0; i < n; i++)
        if (strstr(names[i], substr))
            c++;
    tu_free_names(names, n < 0 ? 0 : n);
    return c;
}

int tu_snap_take(struct tu_snap *s, const char *dir)
{
    memset(s, 0, sizeof *s);
    struct stat st;
    if (lstat(dir, &st) != 0)
        return -1;
    s->dir_ino = (unsigned long long)st.st_ino;
    s->n = tu_list(dir, &s->names);
    if (s->n < 0) {
        s->n = 0;
        return -1;
    }
    s->ino = calloc((size_t)s->n + 1, sizeof *s->ino);
    s->data = calloc((size_t)s->n + 1, sizeof *s->data);
    s->len = calloc((size_t)s->n + 1, sizeof *s->len);
    for (int i = 0; i < s->n; i++) {
        char *p = tu_join(dir, s->names[i]);
        if (lstat(p, &st) == 0)
            s->ino[i] = (unsigned long long)st.st_ino;
        s->data[i] = tu_read(p, &s->len[i]);
        free(p);
    }
    return 0;
}

const char *tu_snap_diff(const struct tu_snap *a, const struct tu_snap *b)
{
    static char why[512];
    if (a->dir_ino != b->dir_ino)
        return "the directory itself was replaced (inode changed)";
    if (a->n != b->n) {
        snprintf(why, sizeof why, "entry count changed: %d -> %d", a->n, b->n);
        return why;
    }
    for (int i = 0; i < a->n; i++) {
        if (strcmp(a->names[i], b->names[i])) {
            snprintf(why, sizeof why, "entry %s became %s", a->names[i], b->names[i]);
            return why;
        }
        if (a->ino[i] != b->ino[i]) {
            snprintf(why, sizeof why, "%s was replaced (inode changed)", a->names[i]);
            return why;
        }
        if ((a->data[i] == NULL) != (b->data[i] == NULL) || a->len[i] != b->len[i] ||
            (a->data[i] && memcmp(a->data[i], b->data[i], a->len[i]))) {
            snprintf(why, sizeof why, "%s changed contents", a->names[i]);
            return why;
        }
    }
    return NULL;
}

void tu_snap_free(struct tu_snap *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->data[i]);
    tu_free_names(s->names, s->n);
    free(s->ino);
    free(s->data);
    free(s->len);
    memset(s, 0, sizeof *s);
}

static char *slurp_fd(int fd)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    lseek(fd, 0, SEEK_SET);
    for (;;) {
        if (cap - n < 2) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
        }
        ssize_t got = read(fd, buf + n, cap - n - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    return buf;
}

int tu_run(char *const argv[], char **out, char **err)
{
    FILE *fo = tmpfile(), *fe = tmpfile();
    if (out)
        *out = NULL;
    if (err)
        *err = NULL;
    if (!fo || !fe) {
        if (fo)
            fclose(fo);
        if (fe)
            fclose(fe);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        fclose(fo);
        fclose(fe);
        return -1;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(fileno(fo), 1);
        dup2(fileno(fe), 2);
        execv(argv[0], argv);
        fprintf(stderr, "tu_run: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            fclose(fo);
            fclose(fe);
            return -1;
        }
    }
    if (out)
        *out = slurp_fd(fileno(fo));
    if (err)
        *err = slurp_fd(fileno(fe));
    fclose(fo);
    fclose(fe);
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return -1;
}
