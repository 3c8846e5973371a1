/*
 * test_reliability_regress.c - guards against three bugs the reliability
 * tests found (tests/RELIABILITY.md), each fixed since:
 *
 *  1. kill -9 while `f8k-index add` creates a new database leaves a
 *     directory without iamglass (flintlock, empty *.glass, v.tmp);
 *     every later add then fails with DatabaseNotFoundError.
 *  2. A non-SGML file (HTML or plain text) larger than 1 MiB is parsed
 *     as an SGML submission and rejected ("truncated submission: no
 *     <DOCUMENT>"): indexer/filing.c find_submission_start() returns
 *     the 1 MiB window, not LEN, when no marker is found.
 *  3. A bad file whose name holds a newline is reported on two lines,
 *     and f8k-search --format paths prints such a path on two lines.
 */
#include "f8k_test.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_index_util.h"
#include "test_reliability_util.h"

/*
 * kill -9 at 30 moments spread over the first add into a new database,
 * most of them while the database is being created: every rerun must
 * succeed (the database is created beside its path and renamed into
 * place, so a half-created one is never where the next run looks).
 */
static void test_kill_during_create(void **state)
{
    char *tmp = f8k_test_tmpdir();
    char *in = f8k_test_path(tmp, "in"), *db = f8k_test_path(tmp, "db");
    char *bin = idx_bin();
    char *argv[] = {bin, "--db", db, "add", "--quiet", "--jobs", "1", in, NULL};
    int i, rc;
    (void)state;

    rel_link_corpus(in, "timmermann-lab-1994", 0, 20);
    for (i = 0; i < 30; i++) {
        char *out = NULL, *err = NULL;
        pid_t pid;
        f8k_test_rmtree(db);
        pid = rel_spawn(argv, NULL);
        rel_sleep_ms((double)i * 0.5);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        rc = idx_run(120, &out, &err, "--db", db, "add", "--quiet", in, NULL);
        if (rc != 0)
            fprintf(stderr, "rerun after a kill at %.1f ms: exit %d: %s", i * 0.5, rc, err);
        assert_int_equal(rc, 0);
        free(out);
        free(err);
    }
    f8k_test_rmtree(tmp);
    free(bin);
    free(in);
    free(db);
    free(tmp);
}

static void test_big_html_and_text(void **state)
{
    char *tmp = f8k_test_tmpdir();
    char *db = f8k_test_path(tmp, "db");
    char *html = f8k_test_path(tmp, "big.htm"), *text = f8k_test_path(tmp, "big.txt");
    char *out = NULL, *err = NULL;
    FILE *f = NULL;
    int i, rc;
    (void)state;

    f = fopen(html, "w");
    assert_non_null(f);
    fputs("<html><body><p>bightmlmarker appointment of a chief financial officer</p>\n", f);
    for (i = 0; i < 20000; i++)
        fputs("<p>The registrant announced results for the quarter and the year.</p>\n", f);
    fputs("</body></html>\n", f);
    fclose(f);
    f = fopen(text, "w");
    assert_non_null(f);
    fputs("FORM 8-K\nbigtextmarker current report\n", f);
    for (i = 0; i < 20000; i++)
        fputs("The registrant announced results for the quarter and the year.\n", f);
    fclose(f);
    rc = idx_run(120, &out, &err, "--db", db, "add", html, text, NULL);
    if (rc != 0)
        fprintf(stderr, "2 MB HTML and text: exit %d: %s", rc, err);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    rc =
        rel_search(db, 60, &out, &err, "--format", "paths", "bightmlmarker OR bigtextmarker", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, html));
    assert_non_null(strstr(out, text));
    free(out);
    free(err);
    f8k_test_rmtree(tmp);
    free(db);
    free(html);
    free(text);
    free(tmp);
}

static void test_newline_names_one_line(void **state)
{
    char *tmp = f8k_test_tmpdir();
    char *db = f8k_test_path(tmp, "db"), *in = f8k_test_path(tmp, "in");
    char *bad = NULL, *good = NULL, *seeds = f8k_test_seeds_dir(), *src = NULL;
    char *out = NULL, *err = NULL, *p = NULL;
    size_t lines = 0;
    int rc;
    (void)state;

    F8K_REQUIRE_OR_SKIP(seeds != NULL, "no seeds");
    assert_int_equal(mkdir(in, 0700), 0);
    bad = f8k_test_path(in, "bad\nname.txt");
    good = f8k_test_path(in, "good\nname.txt");
    src = f8k_test_path(seeds, "000_1b11c0cb41d2ce45.txt");
    assert_true(idx_copy_file(src, good));

    {
        FILE *e = fopen(bad, "w");
        assert_non_null(e);
        fclose(e);
    }
    rc = idx_run(60, &out, &err, "--db", db, "add", in, NULL);
    assert_int_equal(rc, 1);
    for (p = err; *p != '\0'; p++)
        lines += *p == '\n';
    if (lines != 1)
        fprintf(stderr, "one bad file, %zu stderr lines: %s", lines, err);
    assert_int_equal(lines, 1);
    free(out);
    free(err);
    rc = rel_search(db, 60, &out, &err, "--format", "paths", "--limit", "0", "8-K OR form:8-K",
                    NULL);
    assert_int_equal(rc, 0);
    lines = 0;
    for (p = out; *p != '\0'; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1);
    free(out);
    free(err);
    f8k_test_rmtree(tmp);
    free(src);
    free(seeds);
    free(bad);
    free(good);
    free(in);
    free(db);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_during_create),
        cmocka_unit_test(test_big_html_and_text),
        cmocka_unit_test(test_newline_names_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
