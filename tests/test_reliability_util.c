/*
 * test_reliability_util.c - see test_reliability_util.h.
 */
#include "f8k_test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "test_index_util.h"
#include "test_reliability_util.h"

char *rel_search_bin(void)
{
    return f8k_test_path(f8k_test_build_dir(), "query/f8k-search");
}

int rel_search(const char *db, int timeout_s, char **out, char **err, ...)
{
    char *argv[64];
    char *bin = rel_search_bin();
    va_list ap;
    int n = 0, rc;
    const char *a = NULL;

    argv[n++] = bin;
    argv[n++] = "--db";
    argv[n++] = (char *)db;
    va_start(ap, err);
    while ((a = va_arg(ap, const char *)) != NULL && n < 63)
        argv[n++] = (char *)a;
    va_end(ap);
    argv[n] = NULL;
    rc = f8k_test_run(argv, NULL, timeout_s, out, err);
    free(bin);
    return rc;
}

int rel_xapian_check(const char *db)
{
    char *argv[] = {"/usr/bin/xapian-check", (char *)db, NULL};
    char *out = NULL, *err = NULL;
    int rc;
    if (access(argv[0], X_OK) != 0)
        return 0;
    rc = f8k_test_run(argv, NULL, 120, &out, &err);
    if (rc != 0)
        fprintf(stderr, "xapian-check %s: %s%s\n", db, out != NULL ? out : "",
                err != NULL ? err : "");
    free(out);
    free(err);
    return rc;
}

int rel_link_corpus(const char *dir, const char *sub, int skip, int n)
{
    char *corpus = f8k_test_corpus_dir();
    char *src = NULL;
    struct dirent **names = NULL;
    int count, i, made = 0, seen = 0;

    F8K_REQUIRE_OR_SKIP(corpus != NULL, "no shared corpus");
    src = f8k_test_path(corpus, sub);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "mkdir %s: %s\n", dir, strerror(errno));
        abort();
    }
    count = scandir(src, &names, NULL, alphasort);
    F8K_REQUIRE_OR_SKIP(count > 0, "corpus subdirectory missing");
    for (i = 0; i < count; i++) {
        const char *d = names[i]->d_name;
        if (d[0] != '.' && made < n) {
            char *from = f8k_test_path(src, d);
            struct stat st;
            if (stat(from, &st) == 0 && S_ISREG(st.st_mode) && seen++ >= skip) {
                char *to = f8k_test_path(dir, d);
                if (symlink(from, to) == 0)
                    made++;
                free(to);
            }
            free(from);
        }
        free(names[i]);
    }
    free(names);
    free(src);
    free(corpus);
    return made;
}

pid_t rel_spawn(char *const argv[], const char *err_path)
{
    pid_t pid = fork();
    if (pid < 0)
        abort();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        int efd = err_path != NULL ? open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : -1;
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(efd >= 0 ? efd : fd, 2);
            close(fd);
        }
        if (efd >= 0)
            close(efd);
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

int rel_wait(pid_t pid)
{
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            return -2;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

double rel_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void rel_sleep_ms(double ms)
{
    struct timespec ts;
    if (ms <= 0)
        return;
    ts.tv_sec = (time_t)(ms / 1000.0);
    ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000.0) * 1e6);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

long rel_status_field(const char *db, const char *key)
{
    char *out = NULL, *err = NULL;
    long v = -1;
    int rc = idx_run(60, &out, &err, "--db", db, "status", "--format", "json", NULL);
    if (rc == 0 && out != NULL) {
        json_object *o = json_tokener_parse(out), *f = NULL;
        if (o != NULL && json_object_object_get_ex(o, key, &f))
            v = (long)json_object_get_int64(f);
        json_object_put(o);
    } else {
        fprintf(stderr, "status %s: rc %d: %s\n", db, rc, err != NULL ? err : "");
    }
    free(out);
    free(err);
    return v;
}

bool rel_valid_search_json(const char *s)
{
    json_object *o = NULL, *r = NULL, *t = NULL;
    bool ok;
    if (s == NULL)
        return false;
    o = json_tokener_parse(s);
    ok = o != NULL && json_object_is_type(o, json_type_object) &&
         json_object_object_get_ex(o, "results", &r) && json_object_is_type(r, json_type_array) &&
         json_object_object_get_ex(o, "total", &t) && json_object_is_type(t, json_type_object);
    json_object_put(o);
    return ok;
}
