/*
 * test_reliability_crash.c - crash consistency of `f8k-index add`
 * (issue 7): kill -9 at 24 or more points while it indexes 360 corpus
 * filings (SGML and HTML, several batch commits), at delays spread
 * from 50 ms to several seconds and at moments chosen by watching the
 * database directory for flush/commit writes.  After every kill the
 * database passes xapian-check, every unique term indexes one
 * document, and the next run (the rerun) carries on from there; when
 * a run completes, the index equals a clean build: the same status
 * counts and, for ten queries, the same f8k-search --format paths
 * --limit 0 output (same paths, same order).  Skips (77) without the
 * corpus.
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

#define MIN_KILLS 24

static const char *const queries[] = {
    "merger",
    "acquisition agreement",
    "\"change in control\"",
    "bankruptcy OR chapter",
    "item:5",
    "item:2 NOT item:5",
    "company:bank*",
    "resign* director",
    "dividend NEAR/5 stock",
    "filed:1994-01-01..1994-06-30 earnings",
};
#define N_QUERIES (sizeof queries / sizeof queries[0])

typedef struct snapshot {
    long filings, documents, files;
    char *paths[N_QUERIES];
} snapshot_t;

static void take(const char *db, snapshot_t *s)
{
    size_t i;
    s->filings = rel_status_field(db, "filings");
    s->documents = rel_status_field(db, "documents");
    s->files = rel_status_field(db, "files");
    for (i = 0; i < N_QUERIES; i++) {
        char *err = NULL;
        int rc = rel_search(db, 60, &s->paths[i], &err, "--format", "paths", "--limit", "0",
                            queries[i], NULL);
        if (rc != 0)
            fprintf(stderr, "search %s: %d %s\n", queries[i], rc, err);
        assert_int_equal(rc, 0);
        free(err);
    }
}

static void drop(snapshot_t *s)
{
    size_t i;
    for (i = 0; i < N_QUERIES; i++)
        free(s->paths[i]);
}

static void assert_same(const snapshot_t *ref, const char *db)
{
    snapshot_t s;
    size_t i;
    take(db, &s);
    assert_int_equal(s.filings, ref->filings);
    assert_int_equal(s.documents, ref->documents);
    assert_int_equal(s.files, ref->files);
    for (i = 0; i < N_QUERIES; i++) {
        if (strcmp(s.paths[i], ref->paths[i]) != 0)
            fprintf(stderr, "query %s differs from the clean build\n", queries[i]);
        assert_string_equal(s.paths[i], ref->paths[i]);
    }
    drop(&s);
}

/* Sizes and mtimes of the files in DB (changes while a flush writes). */
static unsigned long long signature(const char *db)
{
    DIR *d = opendir(db);
    struct dirent *e;
    unsigned long long sig = 0;
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        char *p = NULL;
        if (e->d_name[0] == '.' || strcmp(e->d_name, "flintlock") == 0)
            continue;
        p = f8k_test_path(db, e->d_name);
        if (stat(p, &st) == 0)
            sig = sig * 31 + (unsigned long long)st.st_size * 7 +
                  (unsigned long long)st.st_mtim.tv_nsec + (unsigned long long)st.st_mtim.tv_sec;
        free(p);
    }
    closedir(d);
    return sig;
}

/*
 * One kill point: a delay in ms (> 0), or (< 0) "the -Nth change of the
 * database files", then kill at once (inside the flush or commit).
 */
static const int schedule[] = {50,   -1, 300, -2, 1000, -1, 150, -3, 2500, -2, 600, -1,
                               4000, -4, 100, -2, 1800, -1, 800, -3, 3200, -1, 400, -5};
#define N_SCHEDULE (sizeof schedule / sizeof schedule[0])

static void test_kill9_points(void **state)
{
    char *tmp = f8k_test_tmpdir();
    char *in = f8k_test_path(tmp, "in");
    char *db = f8k_test_path(tmp, "db"), *clean = f8k_test_path(tmp, "clean");
    char *bin = idx_bin();
    char *argv[] = {bin, "--db", db, "add", "--quiet", "--jobs", "1", in, NULL};
    char *errfile = f8k_test_path(tmp, "stderr.txt");
    char *out = NULL, *err = NULL;
    snapshot_t ref;
    int kills = 0, completions = 0, attempt = 0, rc, in_commit = 0, before_db = 0;
    double t0;
    (void)state;

    rel_link_corpus(in, "timmermann-lab-1994", 1000, 300);
    rel_link_corpus(in, "edgar-crawler", 0, 60);

    /* The reference: a clean build. */
    t0 = rel_now();
    rc = idx_run(600, &out, &err, "--db", clean, "add", "--quiet", "--jobs", "1", in, NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    fprintf(stderr, "clean build: %.1f s\n", rel_now() - t0);
    take(clean, &ref);
    assert_true(ref.filings >= 350);
    fprintf(stderr, "clean: %ld filings, %ld documents, %ld files\n", ref.filings, ref.documents,
            ref.files);

    t0 = rel_now();
    while (kills < MIN_KILLS && attempt < 4 * MIN_KILLS) {
        int point = schedule[attempt % N_SCHEDULE];
        pid_t pid = rel_spawn(argv, errfile);
        bool exited = false;
        int st = 0;
        attempt++;
        if (point > 0) {
            double until = rel_now() + point / 1000.0;
            while (!exited && rel_now() < until) {
                rel_sleep_ms(5);
                exited = waitpid(pid, &st, WNOHANG) == pid;
            }
        } else {
            unsigned long long last = signature(db);
            int changes = 0;
            double until = rel_now() + 60;
            while (!exited && changes < -point && rel_now() < until) {
                unsigned long long now = signature(db);
                if (now != last) {
                    changes++;
                    last = now;
                }
                if (changes < -point)
                    exited = waitpid(pid, &st, WNOHANG) == pid;
            }
        }
        if (!exited) {
            kill(pid, SIGKILL);
            assert_int_equal(waitpid(pid, &st, 0), pid);
            exited = true;
            if (WIFSIGNALED(st)) {
                char *iam = f8k_test_path(db, "iamglass");
                bool dir = access(db, F_OK) == 0, complete = access(iam, F_OK) == 0;
                free(iam);
                kills++;
                in_commit += point < 0;
                if (!dir) {
                    /* Killed before the new database was renamed into
                     * place: there is nothing yet, and the rerun creates it. */
                    before_db++;
                    continue;
                }
                /* A database directory is never left half created. */
                assert_true(complete);
                assert_int_equal(rel_xapian_check(db), 0);
                assert_true(idx_unique_terms_once(db));
                assert_true(idx_documents(db) <= (unsigned long)ref.documents);
                continue;
            }
        }
        /* It finished before the kill: a complete index, equal to the clean one. */
        assert_true(WIFEXITED(st));
        if (WEXITSTATUS(st) != 0) {
            char *e = f8k_test_read_file(errfile, NULL);
            fprintf(stderr, "run %d (after %d kills) exited %d: %s\n", attempt, kills,
                    WEXITSTATUS(st), e != NULL ? e : "");
            free(e);
        }
        assert_int_equal(WEXITSTATUS(st), 0);
        completions++;
        assert_int_equal(rel_xapian_check(db), 0);
        assert_same(&ref, db);
        f8k_test_rmtree(db); /* start over from empty */
    }
    fprintf(stderr,
            "%d kill -9 points (%d on database writes, %d before the database existed), "
            "%d completed runs, %.1f s\n",
            kills, in_commit, before_db, completions, rel_now() - t0);
    assert_true(kills >= MIN_KILLS);

    /* The final rerun completes and equals the clean build. */
    rc = idx_run(600, &out, &err, "--db", db, "add", "--quiet", "--jobs", "1", in, NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    assert_int_equal(rel_xapian_check(db), 0);
    assert_true(idx_unique_terms_once(db));
    assert_same(&ref, db);
    fprintf(stderr, "filings lost: 0 (%ld of %ld)\n", rel_status_field(db, "filings"), ref.filings);

    drop(&ref);
    f8k_test_rmtree(tmp);
    free(bin);
    free(errfile);
    free(in);
    free(db);
    free(clean);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill9_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
