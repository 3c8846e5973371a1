/*
 * test_reliability_overlap.c - overlapping runs (issue 7):
 *  - two `f8k-index add` started together, on a new and on an existing
 *    database: each exits 0 or 75 at once (never both 75), with
 *    --wait-lock both exit 0; the database passes xapian-check and
 *    holds every filing once;
 *  - an add while `compact` runs: 0 or 75 (with --wait-lock: 0), the
 *    compacted database passes xapian-check and loses nothing;
 *  - searches at up to 100 a second for 20 s while adds run: every one
 *    exits 0 with valid JSON.
 * Skips (77) without the corpus.
 */
#include "f8k_test.h"

#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_index_util.h"
#include "test_reliability_util.h"

typedef struct fixture {
    char *tmp, *a, *a2, *b, *db;
    int na, nb;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->tmp = f8k_test_tmpdir();
    f->a = f8k_test_path(f->tmp, "a");
    f->b = f8k_test_path(f->tmp, "b");
    f->a2 = f8k_test_path(f->tmp, "a2");
    f->db = f8k_test_path(f->tmp, "db");
    f->na = rel_link_corpus(f->a, "timmermann-lab-1994", 2000, 150);
    f->nb = rel_link_corpus(f->b, "timmermann-lab-1994", 2150, 100);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    f8k_test_rmtree(f->tmp);
    free(f->tmp);
    free(f->a);
    free(f->b);
    free(f->a2);
    free(f->db);
    free(f);
    return 0;
}

/* Start two adds (A and B) together; their exit codes. */
static void two_adds(fixture_t *f, const char *wait, int *rc_a, int *rc_b)
{
    char *bin = idx_bin();
    char *argv_a[] = {bin, "--db", f->db, "add", "--quiet", (char *)wait, f->a, NULL};
    char *argv_b[] = {bin, "--db", f->db, "add", "--quiet", (char *)wait, f->b, NULL};
    pid_t pa, pb;
    if (wait == NULL) {
        argv_a[5] = f->a;
        argv_a[6] = NULL;
        argv_b[5] = f->b;
        argv_b[6] = NULL;
    }
    pa = rel_spawn(argv_a, NULL);
    pb = rel_spawn(argv_b, NULL);
    *rc_a = rel_wait(pa);
    *rc_b = rel_wait(pb);
    free(bin);
}

static void test_two_writers(void **state)
{
    fixture_t *f = *state;
    int round, rc_a, rc_b, rc;
    char *out = NULL, *err = NULL;

    for (round = 0; round < 6; round++) {
        bool fresh = round % 2 == 0;
        const char *wait = round >= 4 ? "--wait-lock=120" : NULL;
        if (fresh)
            f8k_test_rmtree(f->db); /* else both find the filings in place */
        two_adds(f, wait, &rc_a, &rc_b);
        fprintf(stderr, "round %d (%s db%s): exits %d, %d\n", round, fresh ? "new" : "existing",
                wait ? ", --wait-lock" : "", rc_a, rc_b);
        assert_true(rc_a == 0 || rc_a == 75);
        assert_true(rc_b == 0 || rc_b == 75);
        assert_true(rc_a == 0 || rc_b == 0);
        if (wait != NULL) {
            assert_int_equal(rc_a, 0);
            assert_int_equal(rc_b, 0);
        }
        assert_int_equal(rel_xapian_check(f->db), 0);
        assert_true(idx_unique_terms_once(f->db));
        /* The one that got 75 runs again (cron's next time). */
        if (rc_a == 75) {
            rc = idx_run(120, &out, &err, "--db", f->db, "add", "--quiet", f->a, NULL);
            assert_int_equal(rc, 0);
            free(out);
            free(err);
        }
        if (rc_b == 75) {
            rc = idx_run(120, &out, &err, "--db", f->db, "add", "--quiet", f->b, NULL);
            assert_int_equal(rc, 0);
            free(out);
            free(err);
        }
        assert_int_equal(rel_status_field(f->db, "filings"), f->na + f->nb);
    }
}

static void test_add_during_compact(void **state)
{
    fixture_t *f = *state;
    char *bin = idx_bin();
    char *argv_c[] = {bin, "--db", f->db, "compact", NULL};
    char *out = NULL, *err = NULL;
    int round, rc;

    for (round = 0; round < 4; round++) {
        pid_t pc;
        int rc_c, rc_add;
        f8k_test_rmtree(f->db);
        assert_int_equal(idx_run(300, NULL, NULL, "--db", f->db, "add", "--quiet", f->a, NULL), 0);
        pc = rel_spawn(argv_c, NULL);
        rel_sleep_ms(round * 15.0);
        rc_add = idx_run(120, &out, &err, "--db", f->db, "add", "--quiet",
                         round >= 2 ? "--wait-lock=120" : "--jobs=2", f->b, NULL);
        free(out);
        free(err);
        rc_c = rel_wait(pc);
        fprintf(stderr, "compact round %d: compact %d, add %d\n", round, rc_c, rc_add);
        assert_true(rc_c == 0 || rc_c == 75);
        assert_true(rc_add == 0 || rc_add == 75);
        if (round >= 2)
            assert_int_equal(rc_add, 0);
        assert_int_equal(rel_xapian_check(f->db), 0);
        if (rc_add == 75) {
            rc = idx_run(120, &out, &err, "--db", f->db, "add", "--quiet", f->b, NULL);
            assert_int_equal(rc, 0);
            free(out);
            free(err);
        }
        assert_int_equal(rel_status_field(f->db, "filings"), f->na + f->nb);
        assert_true(idx_unique_terms_once(f->db));
    }
    free(bin);
}

/* One searcher: a search every PERIOD s for WINDOW s; counts to FD. */
static void searcher(const char *db, double window, double period, int fd)
{
    static const char *const queries[] = {"merger",
                                          "\"change in control\"",
                                          "item:5",
                                          "company:bank* OR dividend",
                                          "resign* NEAR/5 director",
                                          "filed:1994..1995 acquisition"};
    unsigned long counts[2] = {0, 0}; /* searches, failures */
    double t0 = rel_now(), next = t0;
    char *out = NULL, *err = NULL;
    while (rel_now() - t0 < window) {
        const char *q = queries[counts[0] % (sizeof queries / sizeof queries[0])];
        int rc = rel_search(db, 60, &out, &err, "--format", "json", "--limit", "20", q, NULL);
        counts[0]++;
        if (rc != 0 || !rel_valid_search_json(out)) {
            counts[1]++;
            fprintf(stderr, "search %s: exit %d: %s%s\n", q, rc, err, out);
        }
        free(out);
        free(err);
        next += period;
        rel_sleep_ms((next - rel_now()) * 1000.0);
    }
    if (write(fd, counts, sizeof counts) != (ssize_t)sizeof counts)
        _exit(1);
    _exit(0);
}

static void test_search_while_indexing(void **state)
{
    fixture_t *f = *state;
    const double window = 20.0;
    const int n_searchers = 3;
    pid_t indexer, pids[3];
    unsigned long searches = 0, failures = 0;
    int fds[2], i, rc;
    double t0;
    char *work = f8k_test_path(f->tmp, "work");
    char *names[200];
    int n = 0;

    f8k_test_rmtree(f->db);
    assert_int_equal(idx_run(300, NULL, NULL, "--db", f->db, "add", "--quiet", f->b, NULL), 0);
    /* Real copies, edited before each run so that every run re-indexes them. */
    assert_int_equal(mkdir(work, 0700), 0);
    {
        char *links = f8k_test_path(f->tmp, "links");
        rel_link_corpus(links, "timmermann-lab-1994", 2000, 120);
        {
            DIR *d = opendir(links);
            struct dirent *e;
            while (d != NULL && (e = readdir(d)) != NULL && n < 120) {
                char *from = NULL;
                if (e->d_name[0] == '.')
                    continue;
                from = f8k_test_path(links, e->d_name);
                names[n] = f8k_test_path(work, e->d_name);
                assert_true(idx_copy_file(from, names[n]));
                free(from);
                n++;
            }
            if (d != NULL)
                closedir(d);
        }
        free(links);
    }
    indexer = fork();
    assert_true(indexer >= 0);
    if (indexer == 0) {
        double end = rel_now() + window;
        int bad = 0, turn = 0, k;
        while (rel_now() < end && !bad) {
            char *o = NULL, *e = NULL;
            int r;
            for (k = 0; k < n; k++) {
                FILE *ff = fopen(names[k], "a");
                if (ff != NULL) {
                    fputs("\n", ff);
                    fclose(ff);
                }
            }
            r = idx_run(120, &o, &e, "--db", f->db, "add", "--quiet", "--jobs", "1", work, NULL);
            turn++;
            if (r != 0)
                fprintf(stderr, "add while searching: exit %d: %s", r, e);
            bad = r != 0;
            free(o);
            free(e);
        }
        fprintf(stderr, "%d add runs of %d edited filings while searching\n", turn, n);
        _exit(bad ? 1 : 0);
    }
    assert_int_equal(pipe(fds), 0);
    t0 = rel_now();
    for (i = 0; i < n_searchers; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            close(fds[0]);
            searcher(f->db, window, 0.01 * n_searchers, fds[1]);
        }
    }
    close(fds[1]);
    for (i = 0; i < n_searchers; i++) {
        unsigned long c[2] = {0, 0};
        assert_int_equal(read(fds[0], c, sizeof c), (ssize_t)sizeof c);
        searches += c[0];
        failures += c[1];
    }
    close(fds[0]);
    for (i = 0; i < n_searchers; i++)
        assert_int_equal(rel_wait(pids[i]), 0);
    rc = rel_wait(indexer);
    fprintf(stderr, "%lu searches in %.1f s (%.0f/s) while indexing, %lu failed\n", searches,
            rel_now() - t0, (double)searches / window, failures);
    assert_int_equal(rc, 0);
    assert_int_equal(failures, 0);
    assert_true(searches >= 100);
    assert_int_equal(rel_xapian_check(f->db), 0);
    assert_true(idx_unique_terms_once(f->db));
    assert_int_equal(rel_status_field(f->db, "filings"), f->nb + n);
    for (i = 0; i < n; i++)
        free(names[i]);
    free(work);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_writers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_during_compact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_while_indexing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
