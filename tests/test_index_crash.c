/*
 * test_index_crash.c - crash safety of `f8k-index add`: kill -9 in the
 * middle of a large add (400 corpus filings), then run it again: the
 * database opens, passes xapian-check, and holds every filing exactly
 * once (the same filings and documents as a clean build).  SIGTERM
 * commits what is done and exits 143.  Skips (77) without the corpus.
 */
#include "f8k_test.h"

#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_index_util.h"

#define N_FILES 400

/* A directory of N_FILES symbolic links to corpus filings. */
static char *make_input(const char *tmp)
{
    char *corpus = f8k_test_corpus_dir();
    char *src = NULL, *in = f8k_test_path(tmp, "in");
    struct dirent **names = NULL;
    int n, i, made = 0;

    F8K_REQUIRE_OR_SKIP(corpus != NULL, "no shared corpus");
    src = f8k_test_path(corpus, "timmermann-lab-1994");
    assert_int_equal(mkdir(in, 0700), 0);
    n = scandir(src, &names, NULL, alphasort);
    assert_true(n > N_FILES);
    for (i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.' && made < N_FILES) {
            char *from = f8k_test_path(src, names[i]->d_name);
            char *to = f8k_test_path(in, names[i]->d_name);
            assert_int_equal(symlink(from, to), 0);
            made++;
            free(from);
            free(to);
        }
        free(names[i]);
    }
    free(names);
    free(src);
    free(corpus);
    return in;
}

static pid_t start_add(const char *db, const char *in)
{
    char *bin = idx_bin();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char *argv[] = {bin, "--db", (char *)db, "add", "--quiet", "--jobs", "1", (char *)in, NULL};
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execv(bin, argv);
        _exit(127);
    }
    free(bin);
    return pid;
}

/* Wait until DB has at least one committed document (or the child ended). */
static void wait_for_first_commit(const char *db, pid_t pid)
{
    int i;
    for (i = 0; i < 1200; i++) {
        struct timespec ts = {0, 50000000L};
        struct stat st;
        char *iam = f8k_test_path(db, "iamglass");
        int have = stat(iam, &st) == 0;
        free(iam);
        if (have && idx_documents(db) > 0)
            return;
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return;
        nanosleep(&ts, NULL);
    }
}

static int xapian_check(const char *db)
{
    char *argv[] = {"/usr/bin/xapian-check", (char *)db, NULL};
    char *out = NULL, *err = NULL;
    int rc;
    if (access(argv[0], X_OK) != 0)
        return 0; /* not installed: the other checks still run */
    rc = f8k_test_run(argv, NULL, 120, &out, &err);
    if (rc != 0)
        fprintf(stderr, "xapian-check: %s%s\n", out, err);
    free(out);
    free(err);
    return rc;
}

static void test_kill9_then_rerun(void **state)
{
    char *tmp = f8k_test_tmpdir();
    char *in = make_input(tmp);
    char *db = f8k_test_path(tmp, "db"), *clean = f8k_test_path(tmp, "clean");
    char *out = NULL, *err = NULL;
    unsigned long killed_docs, filings, docs;
    pid_t pid;
    int rc, round;
    (void)state;

    /* The reference: a clean build. */
    rc = idx_run(600, &out, &err, "--db", clean, "add", in, NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    filings = idx_filings(clean);
    docs = idx_documents(clean);
    assert_true(filings >= N_FILES - 5);

    /* Twice: kill -9 while it writes. */
    for (round = 0; round < 2; round++) {
        pid = start_add(db, in);
        wait_for_first_commit(db, pid);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        assert_int_equal(xapian_check(db), 0);
        killed_docs = idx_documents(db);
        assert_true(killed_docs <= docs);
        assert_true(idx_unique_terms_once(db));
    }
    rc = idx_run(600, &out, &err, "--db", db, "add", in, NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    assert_int_equal(xapian_check(db), 0);
    assert_int_equal(idx_filings(db), filings);
    assert_int_equal(idx_documents(db), docs);
    assert_true(idx_unique_terms_once(db));

    /* SIGTERM: commits what is done, exits 143; a rerun completes it. */
    f8k_test_rmtree(db);
    pid = start_add(db, in);
    wait_for_first_commit(db, pid);
    kill(pid, SIGTERM);
    {
        int wst = 0;
        assert_int_equal(waitpid(pid, &wst, 0), pid);
        assert_true(WIFEXITED(wst));
        assert_true(WEXITSTATUS(wst) == 143 || WEXITSTATUS(wst) == 0);
    }
    assert_int_equal(xapian_check(db), 0);
    assert_true(idx_unique_terms_once(db));
    rc = idx_run(600, &out, &err, "--db", db, "add", in, NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    assert_int_equal(idx_filings(db), filings);
    assert_int_equal(idx_documents(db), docs);

    f8k_test_rmtree(tmp);
    free(in);
    free(db);
    free(clean);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill9_then_rerun),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
