/*
 * test_index_robust.c - hostile inputs to `f8k-index add`: FIFOs,
 * symbolic link loops (file and directory), dangling links,
 * unreadable and non-filing files are reported as
 * "f8k-index: PATH: reason" without hanging, the rest is indexed, and
 * the exit code is 1.
 */
#include "f8k_test.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "test_index_util.h"

static void test_hostile_tree(void **state)
{
    char *tmp = f8k_test_tmpdir();
    char *db = f8k_test_path(tmp, "db");
    char *in = f8k_test_path(tmp, "in");
    char *seeds = f8k_test_seeds_dir();
    char *p = NULL, *q = NULL, *src = NULL, *out = NULL, *err = NULL, *expect = NULL;
    idx_summary_t s;
    time_t t0;
    int rc;
    (void)state;

    F8K_REQUIRE_OR_SKIP(seeds != NULL, "no seeds");
    assert_int_equal(mkdir(in, 0700), 0);
    /* One good filing. */
    src = f8k_test_path(seeds, "000_1b11c0cb41d2ce45.txt");
    p = f8k_test_path(in, "good.txt");
    assert_true(idx_copy_file(src, p));
    free(p);
    /* A FIFO with a filing's name: never opened for a blocking read. */
    p = f8k_test_path(in, "fifo.txt");
    assert_int_equal(mkfifo(p, 0600), 0);
    free(p);
    /* A loop of two symbolic links. */
    p = f8k_test_path(in, "loop1.txt");
    q = f8k_test_path(in, "loop2.txt");
    assert_int_equal(symlink(q, p), 0);
    assert_int_equal(symlink(p, q), 0);
    free(p);
    free(q);
    /* A directory link back to its ancestor. */
    p = f8k_test_path(in, "sub");
    assert_int_equal(mkdir(p, 0700), 0);
    q = f8k_test_path(p, "up");
    assert_int_equal(symlink(in, q), 0);
    free(p);
    free(q);
    /* A dangling link and an empty file. */
    p = f8k_test_path(in, "dangling.txt");
    assert_int_equal(symlink("/nonexistent/f8k/file.txt", p), 0);
    free(p);
    p = f8k_test_path(in, "empty.txt");
    close(open(p, O_CREAT | O_WRONLY, 0600));
    free(p);
    /* An unreadable file (root reads it anyway, so it then just indexes). */
    p = f8k_test_path(in, "secret.txt");
    assert_true(idx_copy_file(src, p));
    chmod(p, 0);
    free(p);
    /* Not a filing extension: skipped silently in a directory walk. */
    p = f8k_test_path(in, "notes.tsv");
    assert_true(idx_copy_file(src, p));
    free(p);

    t0 = time(NULL);
    rc = idx_run(60, &out, &err, "--db", db, "add", in, NULL);
    assert_true(time(NULL) - t0 < 30);
    assert_int_equal(rc, 1);
    assert_true(idx_parse_summary(out, &s));
    assert_true(s.added >= 1);
    assert_true(s.failed >= 4);
    expect = f8k_test_path(in, "fifo.txt: not a regular file (FIFO)");
    assert_non_null(strstr(err, expect));
    free(expect);
    expect = f8k_test_path(in, "loop1.txt: symbolic link loop");
    assert_non_null(strstr(err, expect));
    free(expect);
    expect = f8k_test_path(in, "sub/up: directory already walked");
    assert_non_null(strstr(err, expect));
    free(expect);
    expect = f8k_test_path(in, "dangling.txt: dangling symbolic link");
    assert_non_null(strstr(err, expect));
    free(expect);
    expect = f8k_test_path(in, "empty.txt: ");
    assert_non_null(strstr(err, expect));
    free(expect);
    if (geteuid() != 0) {
        expect = f8k_test_path(in, "secret.txt: Permission denied");
        assert_non_null(strstr(err, expect));
        free(expect);
    }
    assert_null(strstr(err, "notes.tsv"));
    assert_true(idx_filings(db) >= 1);
    free(out);
    free(err);

    /* A FIFO named on the command line is reported, not waited on. */
    p = f8k_test_path(in, "fifo.txt");
    rc = idx_run(30, &out, &err, "--db", db, "add", p, NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "not a regular file (FIFO)"));
    free(out);
    free(err);
    free(p);
    /* A missing path is reported too. */
    rc = idx_run(30, &out, &err, "--db", db, "add", "/nonexistent/f8k", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "f8k-index: /nonexistent/f8k: No such file or directory"));
    free(out);
    free(err);

    f8k_test_rmtree(tmp);
    free(src);
    free(seeds);
    free(in);
    free(db);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
