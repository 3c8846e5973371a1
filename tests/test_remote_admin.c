/*
 * test_remote_admin.c - looking after shards and copies:
 *
 *   - `f8k-index compact --merge` combines the local shards of a stub
 *     into one new database that answers exactly like the stub, refuses
 *     an existing destination, a remote shard and a locked shard, and
 *     leaves the stub and its shards alone;
 *   - a read replica made with xapian-replicate from a
 *     xapian-replicate-server on loopback answers exactly like its
 *     master, also after the master changed and was replicated again.
 *
 * Filings: 80 of the shared corpus (the first in byte order), 40 to a
 * shard.
 */
#include "f8k_test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <f8k/f8k_xapian.h>

#define PER_SHARD 40

static char *g_tmp, *g_search, *g_index;
static char *g_part[2][PER_SHARD + 1]; /* two NULL-terminated lists of filings */

typedef struct files {
    char **v;
    size_t n, cap;
} files_t;

static void collect(const char *path, void *closure)
{
    files_t *f = closure;
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 1024;
        f->v = realloc(f->v, f->cap * sizeof *f->v);
        assert_non_null(f->v);
    }
    f->v[f->n] = strdup(path);
    assert_non_null(f->v[f->n]);
    f->n++;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int group_setup(void **state)
{
    char *corpus = f8k_test_corpus_dir();
    files_t f = {NULL, 0, 0};
    size_t i;
    (void)state;
    F8K_REQUIRE_OR_SKIP(corpus != NULL, "shared corpus absent ($F8K_CORPUS)");
    g_index = f8k_test_path(f8k_test_build_dir(), "indexer/f8k-index");
    g_search = f8k_test_path(f8k_test_build_dir(), "query/f8k-search");
    F8K_REQUIRE_OR_SKIP(access(g_index, X_OK) == 0 && access(g_search, X_OK) == 0,
                        "f8k-index or f8k-search not built");
    f8k_test_each_filing(corpus, collect, &f);
    free(corpus);
    qsort(f.v, f.n, sizeof *f.v, cmp_str);
    assert_true(f.n >= 2 * PER_SHARD);
    for (i = 0; i < f.n; i++) {
        if (i < 2 * PER_SHARD)
            g_part[i / PER_SHARD][i % PER_SHARD] = f.v[i];
        else
            free(f.v[i]);
    }
    free(f.v);
    g_tmp = f8k_test_tmpdir();
    return 0;
}

static int group_teardown(void **state)
{
    size_t i;
    (void)state;
    f8k_test_rmtree(g_tmp);
    free(g_tmp);
    free(g_search);
    free(g_index);
    for (i = 0; i < PER_SHARD; i++) {
        free(g_part[0][i]);
        free(g_part[1][i]);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers.                                                             */
/* ------------------------------------------------------------------ */

static const char *const *const queries[] = {
    (const char *const[]){"--limit", "0", "--facets", "item,company,year,form", "--", "agreement",
                          NULL},
    (const char *const[]){"--limit", "0", "--sort", "-date", "--", "officer", NULL},
    (const char *const[]){"--limit", "5", "--", "\"press release\"", NULL},
    (const char *const[]){"--limit", "5", "--", "aggrement", NULL},
};

static int cmp_result(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Reduce the answer O to what cannot depend on document ids: the
 * results as a sorted list of their JSON (rank dropped), the sequence
 * of their scores, the facets and the suggestion.  Results with equal
 * sort keys may come in either order over a stub and a merged copy,
 * whose ids differ.
 */
static char *canonical(json_object *o)
{
    json_object *results = NULL, *v = NULL, *out = json_object_new_object();
    json_object *scores = json_object_new_array(), *sorted = json_object_new_array();
    size_t n, i;
    const char **texts;
    char *text;
    assert_true(json_object_object_get_ex(o, "results", &results));
    n = json_object_array_length(results);
    texts = calloc(n + 1, sizeof *texts);
    assert_non_null(texts);
    for (i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx(results, i);
        json_object_object_del(r, "rank");
        assert_true(json_object_object_get_ex(r, "score", &v));
        json_object_array_add(scores, json_object_get(v));
        texts[i] = json_object_to_json_string(r);
    }
    qsort(texts, n, sizeof *texts, cmp_result);
    for (i = 0; i < n; i++)
        json_object_array_add(sorted, json_object_new_string(texts[i]));
    free(texts);
    json_object_object_add(out, "results", sorted);
    json_object_object_add(out, "scores", scores);
    if (json_object_object_get_ex(o, "facets", &v))
        json_object_object_add(out, "facets", json_object_get(v));
    if (json_object_object_get_ex(o, "suggestion", &v))
        json_object_object_add(out, "suggestion", json_object_get(v));
    text = strdup(json_object_to_json_string(out));
    json_object_put(out);
    return text;
}

/*
 * The answers over A and B must be the same for every query: exactly
 * (EXACT, same document ids) or up to the order of tied results.
 */
static void same_answers(const char *a, const char *b, bool exact)
{
    size_t q;
    for (q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        char *x = f8k_test_search_json(a, queries[q], 120),
             *y = f8k_test_search_json(b, queries[q], 120);
        json_object *ox = json_tokener_parse(x), *oy = json_tokener_parse(y);
        assert_non_null(ox);
        assert_non_null(oy);
        if (exact) {
            if (!json_object_equal(ox, oy))
                fail_msg("query %zu: %s and %s differ:\n%s\n%s", q + 1, a, b, x, y);
        } else {
            char *cx = canonical(ox), *cy = canonical(oy);
            if (strcmp(cx, cy) != 0)
                fail_msg("query %zu: %s and %s differ:\n%s\n%s", q + 1, a, b, cx, cy);
            free(cx);
            free(cy);
        }
        json_object_put(ox);
        json_object_put(oy);
        free(x);
        free(y);
    }
}

static unsigned doccount(const char *path)
{
    f8k_db_t *db = NULL;
    unsigned n = 0;
    char *err = NULL;
    if (f8k_db_open(path, &db, &err) != F8K_STATUS_SUCCESS)
        fail_msg("open %s: %s", path, err != NULL ? err : "");
    assert_int_equal(f8k_db_doccount(db, &n), F8K_STATUS_SUCCESS);
    f8k_db_close(db);
    return n;
}

/* f8k-index --db DB compact --merge [--into INTO]; rc, stdout, stderr. */
static int merge(const char *db, const char *into, char **out, char **err)
{
    char *argv[] = {g_index,   "--db",   (char *)db,   "compact",
                    "--merge", "--into", (char *)into, NULL};
    if (into == NULL)
        argv[5] = NULL;
    return f8k_test_run(argv, NULL, 300, out, err);
}

/* ------------------------------------------------------------------ */
/* compact --merge                                                      */
/* ------------------------------------------------------------------ */

static void merge_combines_shards(void **state)
{
    char *dir = f8k_test_path(g_tmp, "sharded"), *a = f8k_test_path(dir, "a");
    char *b = f8k_test_path(dir, "b"), *stub = f8k_test_path(dir, "XAPIANDB");
    char *into = f8k_test_path(g_tmp, "merged"), *remote = f8k_test_path(g_tmp, "remote.stub");
    char *out = NULL, *err = NULL, *before = NULL, *after = NULL;
    f8k_db_t *lock = NULL;
    unsigned na, nb;
    (void)state;
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(f8k_test_index(a, (const char *const *)g_part[0]), 0);
    assert_int_equal(f8k_test_index(b, (const char *const *)g_part[1]), 0);
    /* A stub directory: --db DIR opens DIR/XAPIANDB; one shard by
     * absolute path, one relative to the stub. */
    {
        char text[1024];
        snprintf(text, sizeof text, "# two shards\nauto %s\nauto b\n", a);
        f8k_test_write_file(stub, text);
    }
    na = doccount(a);
    nb = doccount(b);
    assert_true(na > 0 && nb > 0);
    before = f8k_test_read_file(stub, NULL);

    /* A shard held by another writer: exit 75, nothing written. */
    assert_int_equal(f8k_db_open_writable(b, 0, &lock, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(merge(dir, into, &out, &err), 75);
    assert_non_null(strstr(err, "locked"));
    assert_int_equal(access(into, F_OK), -1);
    f8k_db_close(lock);
    free(out);
    free(err);

    assert_int_equal(merge(dir, into, &out, &err), 0);
    fprintf(stderr, "%s", out);
    assert_non_null(strstr(out, "merged 2 shards"));
    assert_int_equal(doccount(into), na + nb);
    same_answers(dir, into, false);
    /* The stub and its shards are left as they were. */
    after = f8k_test_read_file(stub, NULL);
    assert_string_equal(before, after);
    assert_int_equal(doccount(a), na);
    free(out);
    free(err);

    /* An existing destination is refused. */
    assert_int_equal(merge(dir, into, &out, &err), 2);
    assert_non_null(strstr(err, "already exists"));
    free(out);
    free(err);

    /* So is a remote shard, and a database that is no stub. */
    f8k_test_write_file(remote, "auto sharded/a\nremote tcp 127.0.0.1 9 1\n");
    assert_int_equal(merge(remote, NULL, &out, &err), 1);
    assert_non_null(strstr(err, "remote shard"));
    free(out);
    free(err);
    assert_int_equal(merge(a, NULL, &out, &err), 1);
    assert_non_null(strstr(err, "not a stub"));
    free(out);
    free(err);

    free(before);
    free(after);
    free(dir);
    free(a);
    free(b);
    free(stub);
    free(into);
    free(remote);
}

/* ------------------------------------------------------------------ */
/* Replication                                                          */
/* ------------------------------------------------------------------ */

/* Start xapian-replicate-server for ROOT on a free loopback port. */
static pid_t start_replicate_server(const char *root, int *port_out)
{
    const char *bin = "/usr/bin/xapian-replicate-server";
    char *log_path = f8k_test_path(g_tmp, "replicate-server.log");
    int attempt;
    for (attempt = 0; attempt < 5; attempt++) {
        char port_s[16];
        int port = f8k_test_free_port(), waited, status;
        pid_t pid;
        snprintf(port_s, sizeof port_s, "%d", port);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            char *argv[] = {(char *)bin, "-I", "127.0.0.1", "-p", port_s, (char *)root, NULL};
            int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
            setpgid(0, 0); /* signals to its group must not reach ours */
            if (log >= 0) {
                dup2(log, 1);
                dup2(log, 2);
            }
            execv(bin, argv);
            _exit(127);
        }
        for (waited = 0; waited < 200; waited++) {
            struct timespec ts = {0, 50000000L};
            if (f8k_test_port_accepts(port)) {
                *port_out = port;
                free(log_path);
                return pid;
            }
            if (waitpid(pid, &status, WNOHANG) == pid)
                break;
            nanosleep(&ts, NULL);
        }
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    fail_msg("xapian-replicate-server did not start");
    return -1;
}

/* One pass of xapian-replicate from loopback PORT: master NAME into REPLICA. */
static void replicate(int port, const char *name, const char *replica)
{
    char port_s[16], *out = NULL, *err = NULL;
    char *argv[] = {"/usr/bin/xapian-replicate",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    port_s,
                    "-m",
                    (char *)name,
                    "-o",
                    "-r",
                    "0",
                    "-t",
                    "10",
                    "-q",
                    (char *)replica,
                    NULL};
    int rc;
    snprintf(port_s, sizeof port_s, "%d", port);
    rc = f8k_test_run(argv, NULL, 120, &out, &err);
    if (rc != 0)
        fail_msg("xapian-replicate: rc %d: %s%s", rc, out != NULL ? out : "",
                 err != NULL ? err : "");
    free(out);
    free(err);
}

static void replica_equals_master(void **state)
{
    char *root = f8k_test_path(g_tmp, "masters"), *master = f8k_test_path(root, "filings");
    char *replica = f8k_test_path(g_tmp, "replica");
    int port = 0, status;
    pid_t server;
    unsigned first;
    (void)state;
    F8K_REQUIRE_OR_SKIP(access("/usr/bin/xapian-replicate", X_OK) == 0 &&
                            access("/usr/bin/xapian-replicate-server", X_OK) == 0,
                        "xapian-replicate not installed");
    assert_int_equal(mkdir(root, 0700), 0);
    /* Changesets let later passes send only what changed. */
    setenv("XAPIAN_MAX_CHANGESETS", "10", 1);
    assert_int_equal(f8k_test_index(master, (const char *const *)g_part[0]), 0);
    server = start_replicate_server(root, &port);

    replicate(port, "filings", replica);
    first = doccount(replica);
    assert_int_equal(first, doccount(master));
    same_answers(master, replica, true);

    /* The master changes; the next pass brings the replica level. */
    assert_int_equal(f8k_test_index(master, (const char *const *)g_part[1]), 0);
    assert_true(doccount(master) > first);
    replicate(port, "filings", replica);
    assert_int_equal(doccount(replica), doccount(master));
    same_answers(master, replica, true);

    unsetenv("XAPIAN_MAX_CHANGESETS");
    kill(server, SIGTERM);
    waitpid(server, &status, 0);
    free(root);
    free(master);
    free(replica);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(merge_combines_shards),
        cmocka_unit_test(replica_equals_master),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
