/*
 * test_remote.c - f8k-search over two xapian-tcpsrv shards answers like
 * one database.
 *
 * The shared corpus (one file per accession) is split in two halves by
 * accession order (MANIFEST.tsv); each half is indexed with the real f8k-index and served by
 * its own xapian-tcpsrv on a loopback port; a stub lists both as `remote
 * tcp` lines.  f8k-search --format json over the stub must give the
 * same filings in the same order (results with equal sort keys may come
 * in either order), the same scores, snippets, documents, facets and
 * spelling suggestion as over one database indexed from the whole
 * corpus.  A stub of the two local shards must agree too.  Then a shard
 * that does not answer, and one that is down, must each make f8k-search
 * fail with a message naming the shard, within a bounded time.
 */
#include "f8k_test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REMOTE_TIMEOUT_S 3 /* the stubs' per-shard timeout */

static char *g_tmp, *g_whole, *g_a, *g_b, *g_stub, *g_local_stub, *g_search, *g_tcpsrv;
static pid_t g_server[2] = {-1, -1};
static int g_port[2];

/* ------------------------------------------------------------------ */
/* Setup: split the corpus, index, serve.                              */
/* ------------------------------------------------------------------ */

/* The corpus's filings: path and the key that decides the shard. */
typedef struct file {
    char *path;
    char *key; /* the accession (MANIFEST.tsv), else the path */
} file_t;

typedef struct files {
    file_t *v;
    size_t n, cap;
    int *part; /* per file: 0 or 1 */
} files_t;

static int cmp_key(const void *a, const void *b)
{
    const file_t *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c != 0 ? c : strcmp(x->path, y->path);
}

/*
 * Read CORPUS/MANIFEST.tsv into F, one file per accession (the corpus
 * has a few filings in two files), and split it in two by the parity of
 * each file's rank in accession order; files without an accession go by
 * path.
 */
static void load_manifest(const char *corpus, files_t *f)
{
    char *path = f8k_test_path(corpus, "MANIFEST.tsv");
    char *text = f8k_test_read_file(path, NULL), *line, *save = NULL;
    int path_col = -1, acc_col = -1;
    size_t i, kept;
    assert_non_null(text);
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *cols[32] = {0}, *c = line;
        int n = 0;
        while (n < 32) {
            cols[n++] = c;
            c = strchr(c, '\t');
            if (c == NULL)
                break;
            *c++ = '\0';
        }
        if (path_col < 0) {
            for (int k = 0; k < n; k++) {
                if (strcmp(cols[k], "path") == 0)
                    path_col = k;
                if (strcmp(cols[k], "accession") == 0)
                    acc_col = k;
            }
            assert_true(path_col >= 0 && acc_col >= 0);
            continue;
        }
        if (n <= path_col || cols[path_col][0] == '\0')
            continue;
        if (f->n == f->cap) {
            f->cap = f->cap ? f->cap * 2 : 1024;
            f->v = realloc(f->v, f->cap * sizeof *f->v);
            assert_non_null(f->v);
        }
        f->v[f->n].path = f8k_test_path(corpus, cols[path_col]);
        f->v[f->n].key =
            strdup(n > acc_col && cols[acc_col][0] != '\0' ? cols[acc_col] : f->v[f->n].path);
        assert_non_null(f->v[f->n].key);
        f->n++;
    }
    qsort(f->v, f->n, sizeof *f->v, cmp_key);
    /* A filing in two files is indexed once, from whichever file came
     * last: keep one file per accession, so that the path (and text)
     * shown does not depend on the order of indexing. */
    for (i = 0, kept = 0; i < f->n; i++) {
        if (kept > 0 && strcmp(f->v[i].key, f->v[kept - 1].key) == 0) {
            free(f->v[i].path);
            free(f->v[i].key);
            continue;
        }
        f->v[kept++] = f->v[i];
    }
    f->n = kept;
    f->part = calloc(f->n + 1, sizeof *f->part);
    assert_non_null(f->part);
    for (i = 0; i < f->n; i++)
        f->part[i] = (int)(i % 2);
    free(text);
    free(path);
}

/* Index every file of F in part PARITY (-1: all) into DB
 * with the built f8k-index (f8k_test_index() takes too few paths). */
static int index_part(const files_t *f, int parity, const char *db)
{
    char **argv = calloc(f->n + 8, sizeof *argv), *err = NULL;
    char *bin = f8k_test_path(f8k_test_build_dir(), "indexer/f8k-index");
    size_t i, n = 0;
    int rc;
    assert_non_null(argv);
    argv[n++] = bin;
    argv[n++] = "--db";
    argv[n++] = (char *)db;
    argv[n++] = "add";
    argv[n++] = "--quiet";
    for (i = 0; i < f->n; i++)
        if (parity < 0 || f->part[i] == parity)
            argv[n++] = f->v[i].path;
    argv[n] = NULL;
    rc = f8k_test_run(argv, NULL, 1500, NULL, &err);
    if (rc != 0)
        fprintf(stderr, "f8k-index --db %s failed (%d): %s\n", db, rc, err != NULL ? err : "");
    free(err);
    free(bin);
    free(argv);
    return rc;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Serve DB with xapian-tcpsrv on a free loopback port; retried when the
 * port is taken between the probe and the server's bind. */
static void serve(int k, const char *db)
{
    char *log_path = f8k_test_path(g_tmp, k == 0 ? "tcpsrv-a.log" : "tcpsrv-b.log");
    int attempt;
    for (attempt = 0; attempt < 5; attempt++) {
        char port_s[16];
        int port = f8k_test_free_port(), waited, status;
        pid_t pid;
        snprintf(port_s, sizeof port_s, "%d", port);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            char *argv[] = {g_tcpsrv,    "--port",  port_s,     "--interface",
                            "127.0.0.1", "--quiet", (char *)db, NULL};
            int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
            /* Its own process group: on SIGTERM, xapian-tcpsrv signals its
             * whole group, which must not be ours. */
            setpgid(0, 0);
            if (log >= 0) {
                dup2(log, 1);
                dup2(log, 2);
            }
            execv(g_tcpsrv, argv);
            _exit(127);
        }
        for (waited = 0; waited < 200; waited++) {
            if (f8k_test_port_accepts(port)) {
                g_server[k] = pid;
                g_port[k] = port;
                free(log_path);
                return;
            }
            if (waitpid(pid, &status, WNOHANG) == pid)
                break; /* it could not bind: try another port */
            sleep_ms(50);
        }
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    fail_msg("xapian-tcpsrv did not start");
}

static void stop(int k)
{
    int status;
    if (g_server[k] <= 0)
        return;
    kill(g_server[k], SIGTERM);
    waitpid(g_server[k], &status, 0);
    g_server[k] = -1;
}

static int group_setup(void **state)
{
    char *corpus = f8k_test_corpus_dir(), *index = NULL, stub[512];
    files_t f = {NULL, 0, 0, NULL};
    size_t i;
    int rc, whole_status = 0;
    pid_t whole_pid;
    double t0;
    (void)state;
    F8K_REQUIRE_OR_SKIP(corpus != NULL, "shared corpus absent ($F8K_CORPUS)");
    g_tcpsrv = strdup("/usr/bin/xapian-tcpsrv");
    F8K_REQUIRE_OR_SKIP(access(g_tcpsrv, X_OK) == 0, "xapian-tcpsrv not installed");
    index = f8k_test_path(f8k_test_build_dir(), "indexer/f8k-index");
    g_search = f8k_test_path(f8k_test_build_dir(), "query/f8k-search");
    F8K_REQUIRE_OR_SKIP(access(index, X_OK) == 0 && access(g_search, X_OK) == 0,
                        "f8k-index or f8k-search not built");
    free(index);
    g_tmp = f8k_test_tmpdir();
    g_whole = f8k_test_path(g_tmp, "whole");
    g_a = f8k_test_path(g_tmp, "a");
    g_b = f8k_test_path(g_tmp, "b");
    g_stub = f8k_test_path(g_tmp, "remote.stub");
    g_local_stub = f8k_test_path(g_tmp, "local.stub");
    load_manifest(corpus, &f);
    t0 = now_s();
    /* The whole corpus in a child, meanwhile the halves one after the other. */
    whole_pid = fork();
    assert_true(whole_pid >= 0);
    if (whole_pid == 0)
        _exit(index_part(&f, -1, g_whole) == 0 ? 0 : 1);
    rc = index_part(&f, 0, g_a);
    if (rc == 0)
        rc = index_part(&f, 1, g_b);
    if (waitpid(whole_pid, &whole_status, 0) != whole_pid || !WIFEXITED(whole_status) ||
        WEXITSTATUS(whole_status) != 0)
        rc = -1;
    fprintf(stderr, "indexed %zu files (two halves and the whole) in %.1f s\n", f.n, now_s() - t0);
    for (i = 0; i < f.n; i++) {
        free(f.v[i].path);
        free(f.v[i].key);
    }
    free(f.v);
    free(f.part);
    free(corpus);
    if (rc != 0)
        return -1;
    serve(0, g_a);
    serve(1, g_b);
    snprintf(stub, sizeof stub,
             "# two shards on loopback\nremote tcp 127.0.0.1 %d %d\nremote tcp 127.0.0.1 %d %d\n",
             g_port[0], REMOTE_TIMEOUT_S, g_port[1], REMOTE_TIMEOUT_S);
    f8k_test_write_file(g_stub, stub);
    f8k_test_write_file(g_local_stub, "auto a\nauto b\n");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    stop(0);
    stop(1);
    f8k_test_rmtree(g_tmp);
    free(g_tmp);
    free(g_whole);
    free(g_a);
    free(g_b);
    free(g_stub);
    free(g_local_stub);
    free(g_search);
    free(g_tcpsrv);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Comparing answers.                                                   */
/* ------------------------------------------------------------------ */

/* f8k-search --db DB --format json ARGS... (NULL-terminated), parsed. */
static json_object *search_json(const char *db, const char *const *args)
{
    char *out = f8k_test_search_json(db, args, 300);
    json_object *o = json_tokener_parse(out);
    assert_non_null(o);
    free(out);
    return o;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        fail_msg("no \"%s\" in the answer", key);
    return v;
}

static const char *str(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    return json_object_is_type(v, json_type_null) ? "" : json_object_get_string(v);
}

/* What orders result R: its score, and with BY_DATE its date first. */
static bool same_key(json_object *r, json_object *s, bool by_date)
{
    double x = json_object_get_double(get(r, "score")), y = json_object_get_double(get(s, "score"));
    if (fabs(x - y) > 1e-9 * fmax(1.0, fabs(x)))
        return false;
    return !by_date || (strcmp(str(r, "filed"), str(s, "filed")) == 0 &&
                        strcmp(str(r, "date_of_report"), str(s, "date_of_report")) == 0);
}

/* Whether results A and B agree on every field but rank (and score,
 * compared as a sort key). */
static bool same_fields(json_object *a, json_object *b)
{
    bool same = true;
    json_object_iter it;
    json_object_object_foreachC(a, it)
    {
        json_object *v = NULL;
        if (strcmp(it.key, "rank") == 0 || strcmp(it.key, "score") == 0)
            continue;
        if (!json_object_object_get_ex(b, it.key, &v) || !json_object_equal(it.val, v))
            same = false;
    }
    return same && json_object_object_length(a) == json_object_object_length(b);
}

/* The result of LIST whose path is PATH, or NULL. */
static json_object *find(json_object *list, size_t from, size_t to, const char *path)
{
    size_t i;
    for (i = from; i < to; i++)
        if (strcmp(str(json_object_array_get_idx(list, i), "path"), path) == 0)
            return json_object_array_get_idx(list, i);
    return NULL;
}

/*
 * EXPECT and GOT must list the same results in the same order, where a
 * run of results with equal sort keys may be permuted; each result must
 * agree on every field (score, snippet, documents, ...).  With FULL
 * false (the list was cut at --limit), the last run need only agree on
 * its length and sort key; with CUT_START (--offset), the first too.
 */
static void same_answer(json_object *expect, json_object *got, bool by_date, bool full,
                        bool cut_start, const char *what)
{
    json_object *e = get(expect, "results"), *g = get(got, "results");
    size_t n = json_object_array_length(e), i, j, end;
    size_t *run_end = calloc(n + 1, sizeof *run_end);
    assert_non_null(run_end);
    if (json_object_array_length(g) != n)
        fail_msg("%s: %zu results, expected %zu", what, json_object_array_length(g), n);
    /* The order: the same sort key at every rank; runs of equal keys. */
    for (i = 0; i < n; i = end) {
        json_object *first = json_object_array_get_idx(e, i);
        for (end = i + 1; end < n && same_key(first, json_object_array_get_idx(e, end), by_date);)
            end++;
        for (j = i; j < end; j++) {
            json_object *want = json_object_array_get_idx(e, j);
            json_object *have = json_object_array_get_idx(g, j);
            run_end[j] = end;
            if (!same_key(want, have, by_date))
                fail_msg("%s: result %zu: sort key differs (%s vs %s)", what, j + 1,
                         json_object_to_json_string(want), json_object_to_json_string(have));
        }
    }
    /* The filings: each run holds the same ones, equal in every field. */
    for (j = 0; j < n; j++) {
        json_object *want = json_object_array_get_idx(e, j), *twin;
        size_t from = j;
        while (from > 0 && run_end[from - 1] == run_end[j])
            from--;
        if (run_end[j] == n && !full)
            break; /* the last run may have been cut at --limit */
        if (from == 0 && cut_start)
            continue; /* the first, at --offset */
        twin = find(g, from, run_end[j], str(want, "path"));
        if (twin == NULL)
            fail_msg("%s: %s missing from results %zu..%zu", what, str(want, "path"), from + 1,
                     run_end[j]);
        if (!same_fields(want, twin))
            fail_msg("%s: result %s differs:\n%s\n%s", what, str(want, "path"),
                     json_object_to_json_string(want), json_object_to_json_string(twin));
    }
    free(run_end);
    if (!json_object_equal(get(expect, "facets"), get(got, "facets")))
        fail_msg("%s: facets differ:\n%s\n%s", what,
                 json_object_to_json_string(get(expect, "facets")),
                 json_object_to_json_string(get(got, "facets")));
    if (!json_object_equal(get(expect, "suggestion"), get(got, "suggestion")))
        fail_msg("%s: suggestions differ: %s vs %s", what, str(expect, "suggestion"),
                 str(got, "suggestion"));
}

/* The queries compared: f8k-search arguments, NULL-terminated. */
static const char *const *const queries[] = {
    (const char *const[]){"--limit", "0", "--", "merger agreement", NULL},
    (const char *const[]){"--limit", "20", "--", "\"chief financial officer\"", NULL},
    (const char *const[]){"--limit", "0", "--", "company:apple", NULL},
    (const char *const[]){"--limit", "0", "--", "item:5.02 resigned", NULL},
    (const char *const[]){"--limit", "25", "--sort", "-date", "--", "dividend", NULL},
    (const char *const[]){"--limit", "10", "--facets", "item,company,year,form", "--",
                          "credit agreement", NULL},
    (const char *const[]){"--limit", "0", "--facets", "item,company,year,form", "--", "bankruptcy",
                          NULL},
    (const char *const[]){"--limit", "10", "--facets", "item,year", "--", "acquisition", NULL},
    (const char *const[]){"--limit", "10", "--offset", "10", "--", "earnings release", NULL},
    (const char *const[]){"--limit", "10", "--", "CEO appointment", NULL},
    (const char *const[]){"--limit", "10", "--", "aquisition", NULL},
    (const char *const[]){"--limit", "10", "--", "xqzwv", NULL},
};

static bool has_arg(const char *const *args, const char *arg)
{
    for (; *args != NULL; args++)
        if (strcmp(*args, arg) == 0)
            return true;
    return false;
}

static void compare_all(const char *db, const char *label)
{
    size_t q;
    for (q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        const char *const *args = queries[q];
        char what[256];
        json_object *expect = search_json(g_whole, args);
        json_object *got = search_json(db, args);
        size_t n = json_object_array_length(get(expect, "results"));
        bool full = strcmp(args[1], "0") == 0 || n < (size_t)atoi(args[1]);
        snprintf(what, sizeof what, "%s: query %zu", label, q + 1);
        same_answer(expect, got, has_arg(args, "--sort"), full, has_arg(args, "--offset"), what);
        json_object_put(expect);
        json_object_put(got);
    }
}

/* ------------------------------------------------------------------ */
/* Tests.                                                               */
/* ------------------------------------------------------------------ */

static void remote_equals_one_database(void **state)
{
    (void)state;
    compare_all(g_stub, "remote");
}

static void local_stub_equals_one_database(void **state)
{
    (void)state;
    compare_all(g_local_stub, "local stub");
}

/* The queries above are not vacuous: hits, facets and a suggestion. */
static void answers_have_substance(void **state)
{
    const char *const facets[] = {"--limit", "10",         "--facets", "item,company,year,form",
                                  "--",      "bankruptcy", NULL};
    const char *const typo[] = {"--", "aquisition", NULL};
    json_object *o = search_json(g_stub, facets);
    json_object *year = get(get(o, "facets"), "year");
    (void)state;
    assert_int_equal(json_object_array_length(get(o, "results")), 10);
    assert_true(json_object_object_length(year) > 1);
    assert_true(strlen(str(json_object_array_get_idx(get(o, "results"), 0), "snippet")) > 0);
    json_object_put(o);
    o = search_json(g_stub, typo);
    if (json_object_array_length(get(o, "results")) == 0)
        assert_true(strlen(str(o, "suggestion")) > 0);
    json_object_put(o);
}

/* Run f8k-search over STUB; it must fail naming NEEDLE within LIMIT_S. */
static void fails_in_time(const char *stub, const char *needle, double limit_s)
{
    char *argv[] = {g_search, "--db", (char *)stub, "--format", "json", "--", "merger", NULL};
    char *out = NULL, *err = NULL;
    double t0 = now_s(), took;
    int rc = f8k_test_run(argv, NULL, 60, &out, &err);
    took = now_s() - t0;
    fprintf(stderr, "f8k-search: rc %d after %.2f s: %s", rc, took, err != NULL ? err : "");
    assert_int_equal(rc, 1);
    assert_non_null(err);
    assert_non_null(strstr(err, needle));
    assert_true(took < limit_s);
    free(out);
    free(err);
}

/* A shard that accepts connections but never answers: the stub's timeout. */
static void silent_shard_times_out(void **state)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    char stub[512], *path = f8k_test_path(g_tmp, "silent.stub"), needle[64];
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    (void)state;
    assert_true(fd >= 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    snprintf(stub, sizeof stub, "remote tcp 127.0.0.1 %d %d\nremote tcp 127.0.0.1 %d 1\n",
             g_port[0], REMOTE_TIMEOUT_S, ntohs(sa.sin_port));
    f8k_test_write_file(path, stub);
    snprintf(needle, sizeof needle, "127.0.0.1:%d", ntohs(sa.sin_port));
    fails_in_time(path, needle, 1 + 5);
    close(fd);
    free(path);
}

/* A shard server that is down: a clear error, at once. */
static void down_shard_fails(void **state)
{
    char needle[64];
    (void)state;
    stop(1);
    snprintf(needle, sizeof needle, "127.0.0.1:%d", g_port[1]);
    fails_in_time(g_stub, needle, REMOTE_TIMEOUT_S + 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_have_substance),
        cmocka_unit_test(remote_equals_one_database),
        cmocka_unit_test(local_stub_equals_one_database),
        cmocka_unit_test(silent_shard_times_out),
        cmocka_unit_test(down_shard_fails),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
