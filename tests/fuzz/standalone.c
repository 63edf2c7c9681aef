/*
 * Replays inputs through a libFuzzer target without libFuzzer, so that the
 * corpora are regression tests under the normal compiler (`make check` runs
 * tests/fuzz/replay_<name> through tests/fuzz/replay.sh).
 *
 *   replay_<name> [-v] [--known-crashes LIST] PATH...
 *
 * A PATH that is a file is replayed; a directory is replayed one level deep:
 * its regular files in name order, skipping names that start with '.' and
 * any subdirectory. LLVMFuzzerInitialize (when the target defines it) runs
 * once before the first input.
 *
 * LIST (tests/fuzz/known-crashes) names inputs that still crash because the
 * fault they found is not fixed yet, one "<target>/<file name>" per line
 * ('#' starts a comment). Each of them is replayed in a child process and is
 * expected to fail; one that passes is an error ("fixed? remove it from the
 * list"), like an unexpected pass of an XFAIL test. Every other input must
 * pass.
 *
 * Prints "<target>: N inputs replayed" and exits 0 when all went as
 * expected, 1 otherwise. A crash of an ordinary input kills the program
 * with its signal after naming the input on stderr.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
extern const char fuzz_target_name[];

static const char *current;     /* the input being replayed, for crashes */
static char **known;            /* file names listed for this target */
static size_t nknown;
static int verbose;
static unsigned long replayed, known_failing, errors;

static void on_fatal(int sig)
{
    static const char msg[] = "replay: crashed on input: ";

    if (current) {
        ssize_t r = write(2, msg, sizeof(msg) - 1);
        r = write(2, current, strlen(current));
        r = write(2, "\n", 1);
        (void)r;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void load_known(const char *list)
{
    FILE *f = fopen(list, "r");
    char line[4096];
    size_t tl = strlen(fuzz_target_name);

    if (!f) {
        fprintf(stderr, "replay: cannot read %s: %s\n", list, strerror(errno));
        exit(1);
    }
    while (fgets(line, sizeof(line), f)) {
        char *s = line, *e;
        while (*s == ' ' || *s == '\t')
            s++;
        if ((e = strchr(s, '#')) != NULL)
            *e = '\0';
        e = s + strlen(s);
        while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' '
                         || e[-1] == '\t'))
            *--e = '\0';
        if (strncmp(s, fuzz_target_name, tl) != 0 || s[tl] != '/')
            continue;
        known = realloc(known, (nknown + 1) * sizeof(*known));
        if (!known || !(known[nknown] = strdup(s + tl + 1))) {
            fprintf(stderr, "replay: out of memory\n");
            exit(1);
        }
        nknown++;
    }
    fclose(f);
}

static int is_known(const char *path)
{
    const char *base = strrchr(path, '/');
    size_t i;

    base = base ? base + 1 : path;
    for (i = 0; i < nknown; i++)
        if (strcmp(known[i], base) == 0)
            return 1;
    return 0;
}

/* The whole file in a buffer of exactly its size (so that an over-read is a
 * heap overflow to any memory checker), or NULL after printing why. */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0, r;

    if (!f) {
        fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            uint8_t *nb;
            cap = cap ? cap * 2 : 4096;
            if (!(nb = realloc(buf, cap))) {
                free(buf);
                fclose(f);
                fprintf(stderr, "replay: out of memory\n");
                return NULL;
            }
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    {
        uint8_t *exact = malloc(n ? n : 1);
        if (!exact) {
            free(buf);
            fprintf(stderr, "replay: out of memory\n");
            return NULL;
        }
        memcpy(exact, buf, n);
        free(buf);
        *len = n;
        return exact;
    }
}

static void replay_file(const char *path)
{
    size_t len = 0;
    uint8_t *data = read_file(path, &len);

    if (!data) {
        errors++;
        return;
    }
    if (verbose)
        printf("  %s (%lu bytes)%s\n", path, (unsigned long)len,
               is_known(path) ? " [known crash]" : "");
    fflush(stdout);
    if (is_known(path)) {
        pid_t pid = fork();
        int st = 0;
        if (pid < 0) {
            fprintf(stderr, "replay: fork: %s\n", strerror(errno));
            errors++;
        }
        else if (pid == 0) {
            /* the child: crash with the default action, leave no core */
            struct rlimit no_core = { 0, 0 };
            setrlimit(RLIMIT_CORE, &no_core);
            signal(SIGABRT, SIG_DFL);
            signal(SIGSEGV, SIG_DFL);
            signal(SIGBUS, SIG_DFL);
            signal(SIGFPE, SIG_DFL);
            signal(SIGILL, SIG_DFL);
            LLVMFuzzerTestOneInput(data, len);
            _exit(0);
        }
        else if (waitpid(pid, &st, 0) < 0) {
            fprintf(stderr, "replay: waitpid: %s\n", strerror(errno));
            errors++;
        }
        else if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
            fprintf(stderr, "replay: %s is listed as a known crash but passes:"
                    " fixed? remove it from tests/fuzz/known-crashes\n", path);
            errors++;
        }
        else {
            printf("%s: known crash still fails (expected): %s\n",
                   fuzz_target_name, path);
            known_failing++;
        }
    }
    else {
        current = path;
        LLVMFuzzerTestOneInput(data, len);
        current = NULL;
        replayed++;
    }
    free(data);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, i;

    if (!d) {
        fprintf(stderr, "replay: cannot open %s: %s\n", dir, strerror(errno));
        errors++;
        return;
    }
    while ((de = readdir(d)) != NULL) {
        char *path;
        struct stat st;
        if (de->d_name[0] == '.')
            continue;
        path = malloc(strlen(dir) + strlen(de->d_name) + 2);
        if (!path)
            break;
        sprintf(path, "%s/%s", dir, de->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        names = realloc(names, (n + 1) * sizeof(*names));
        if (!names) {
            fprintf(stderr, "replay: out of memory\n");
            exit(1);
        }
        names[n++] = path;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), by_name);
    for (i = 0; i < n; i++) {
        replay_file(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    int i, paths = 0;
    struct stat st;

    signal(SIGABRT, on_fatal);
    signal(SIGSEGV, on_fatal);
    signal(SIGBUS, on_fatal);
    signal(SIGFPE, on_fatal);
    signal(SIGILL, on_fatal);

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) {
            verbose = 1;
        }
        else if (!strcmp(argv[i], "--known-crashes") && i + 1 < argc) {
            load_known(argv[++i]);
        }
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: %s [-v] [--known-crashes LIST] FILE-OR-DIR...\n",
                   argv[0]);
            return 0;
        }
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v"))
            continue;
        if (!strcmp(argv[i], "--known-crashes")) {
            i++;
            continue;
        }
        paths++;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            errors++;
        }
        else if (S_ISDIR(st.st_mode)) {
            replay_dir(argv[i]);
        }
        else {
            replay_file(argv[i]);
        }
    }
    if (!paths) {
        fprintf(stderr, "usage: %s [-v] [--known-crashes LIST] "
                "FILE-OR-DIR...\n", argv[0]);
        return 1;
    }
    printf("%s: %lu inputs replayed\n", fuzz_target_name, replayed);
    if (known_failing)
        printf("%s: %lu known crash%s still failing "
               "(listed in tests/fuzz/known-crashes)\n", fuzz_target_name,
               known_failing, known_failing == 1 ? "" : "es");
    return errors ? 1 : 0;
}
