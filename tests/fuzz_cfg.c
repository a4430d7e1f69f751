/* fuzz_cfg.c -- libFuzzer target for the config loader (gen/cfg.c) and the plan.
 *
 * The input is a config file's bytes, optionally followed by "\n\x01D\n" and -D
 * overrides, one per line. Every input must end in one of two ways:
 *   - accepted: the plan derives without a failure;
 *   - refused: status 2 and a message that is one line of printable text, starts with
 *     the config's name or "-D:", and ends with a "(legal: ...)" part.
 * Anything else (a crash, a sanitizer report, an internal error, a two-line or
 * truncated message) aborts the run with the input saved by libFuzzer.
 *
 * Built and run by scripts/fuzz.sh (make fuzz, and a short run in make test). */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tforge.h"

static void check_message(const char *msg)
{
    size_t n = strlen(msg);
    int ok = n > 0 && (!strncmp(msg, "fuzz.ini", 8) || !strncmp(msg, "-D:", 3));
    for (size_t i = 0; i < n && ok; i++)
        if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
            ok = 0;
    static const char legal[] = "(legal: ";
    const char *l = strstr(msg, legal);
    if (!l || msg[n - 1] != ')')
        ok = 0;
    if (!ok) {
        fprintf(stderr, "fuzz_cfg: bad message \"%s\"\n", msg);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n\x01" "D\n";
    const char *text = (const char *)data;
    size_t text_len = size;
    const char *defs[16];
    int ndefs = 0;
    char *dbuf = NULL;
    for (size_t i = 0; i + 4 <= size; i++) {
        if (!memcmp(text + i, sep, 4)) {
            text_len = i;
            size_t rest = size - i - 4;
            dbuf = malloc(rest + 1);
            if (!dbuf)
                return 0;
            memcpy(dbuf, text + i + 4, rest);
            dbuf[rest] = '\0';
            /* a -D cannot hold a NUL byte (it is a command-line argument) */
            if (strlen(dbuf) != rest) {
                free(dbuf);
                return 0;
            }
            for (char *s = strtok(dbuf, "\n"); s && ndefs < 16; s = strtok(NULL, "\n"))
                defs[ndefs++] = s;
            break;
        }
    }
    struct arena a = {0};
    static struct diag d; /* static: read after longjmp */
    static struct tf_config cfg;
    static struct tf_plan plan;
    memset(&d, 0, sizeof d);
    if (setjmp(d.jb)) {
        if (d.status != TF_EXIT_INPUT) {
            fprintf(stderr, "fuzz_cfg: status %d: %s\n", d.status, d.msg);
            abort();
        }
        check_message(d.msg);
    } else {
        cfg_load_buffer(&cfg, "fuzz.ini", text, text_len, defs, ndefs, &a, &d);
        plan_derive(&plan, &cfg, &a, &d);
    }
    diag_free(&d);
    arena_free(&a);
    free(dbuf);
    return 0;
}
