/*
 * test_reliability_hostile.c - f8k-index add on a directory of hostile
 * files (tests/hostile/: empty, binary, 200 MB sparse, a million nested
 * tags, NUL bytes, every class of invalid UTF-8, SGML cut at each
 * header line, symlink loops, a FIFO, links to /dev/zero and
 * /dev/urandom, an unreadable file when not root, awkward names) beside
 * five good corpus filings of every format.  Asserts: exit 1, no hang,
 * exactly one "f8k-index: PATH: reason" line per bad file and nothing
 * else on stderr, each file that should index found by its own query,
 * every good filing indexed and found, and a database that passes
 * xapian-check.  Skips (77) without the corpus.
 */
#include "f8k_test.h"

#include <f8k/f8k_filing.h>

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostile/hostile.h"
#include "test_index_util.h"
#include "test_reliability_util.h"

static const struct {
    const char *src, *query;
} good[] = {
    {"timmermann-lab-1994/0000002488-94-000001.txt", "accession:0000002488-94-000001"},
    {"sec-cover-page-parser/1018724/0000891020-98-001352.txt", "accession:0000891020-98-001352"},
    {"edgar-crawler/1000180_8K_2010_0000950123-10-078896.htm", "accession:0000950123-10-078896"},
    {"edgartools/0001493152-25-001317.nc", "accession:0001493152-25-001317"},
    {"lee2014-8k/A/A-8K-20020517172705.txt", "filed:2002-05-17..2002-05-17"},
};

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; s != NULL && *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

static size_t count_occurrences(const char *hay, const char *needle)
{
    size_t n = 0;
    const char *p = hay;
    while (p != NULL && (p = strstr(p, needle)) != NULL) {
        n++;
        p += strlen(needle);
    }
    return n;
}

static void test_hostile_tree(void **state)
{
    char *corpus = f8k_test_corpus_dir();
    char *tmp = NULL, *in = NULL, *db = NULL, *sgml = NULL, *out = NULL, *err = NULL;
    hostile_case_t *cases = NULL;
    size_t n = 0, i, rejects = 0, indexed = 0;
    idx_summary_t s;
    double t0, took;
    int rc;
    (void)state;

    F8K_REQUIRE_OR_SKIP(corpus != NULL, "no shared corpus");
    tmp = f8k_test_tmpdir();
    in = f8k_test_path(tmp, "in");
    db = f8k_test_path(tmp, "db");
    assert_int_equal(mkdir(in, 0700), 0);
    sgml = f8k_test_path(corpus, good[0].src);
    t0 = rel_now();
    cases = hostile_generate(in, sgml, geteuid() != 0, &n);
    assert_non_null(cases);
    fprintf(stderr, "generated %zu hostile files in %.1f s\n", n, rel_now() - t0);
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        char *src = f8k_test_path(corpus, good[i].src);
        const char *base = strrchr(good[i].src, '/') + 1;
        char name[256], *dst = NULL;
        snprintf(name, sizeof name, "good-%s", base);
        dst = f8k_test_path(in, name);
        assert_true(idx_copy_file(src, dst));
        free(src);
        free(dst);
    }

    /* Run from the input directory, so a name executed by a shell would show. */
    {
        char *cwd = getcwd(NULL, 0);
        assert_int_equal(chdir(in), 0);
        t0 = rel_now();
        rc = idx_run(300, &out, &err, "--db", db, "add", "--jobs", "2", in, NULL);
        took = rel_now() - t0;
        assert_int_equal(chdir(cwd), 0);
        free(cwd);
    }
    fprintf(stderr, "f8k-index add: exit %d in %.1f s\n%s", rc, took, out != NULL ? out : "");
    assert_int_equal(rc, 1);
    assert_true(took < 240);
    assert_true(idx_parse_summary(out, &s));

    for (i = 0; i < n; i++) {
        char *prefix = NULL;
        size_t k;
        prefix = malloc(strlen(cases[i].path) + 16);
        sprintf(prefix, "f8k-index: %s: ", cases[i].path);
        k = count_occurrences(err, prefix);
        if (cases[i].expect == HOSTILE_REJECT) {
            rejects++;
            if (k != 1)
                fprintf(stderr, "%s (%s): reported %zu times\n", cases[i].path, cases[i].what, k);
            assert_int_equal(k, 1);
            if (cases[i].reason != NULL) {
                const char *line = strstr(err, prefix) + strlen(prefix);
                const char *nl = strchr(line, '\n');
                assert_non_null(nl);
                if (strstr(line, cases[i].reason) == NULL || strstr(line, cases[i].reason) > nl)
                    fprintf(stderr, "%s: reason '%.*s', expected '%s'\n", cases[i].path,
                            (int)(nl - line), line, cases[i].reason);
                assert_true(strstr(line, cases[i].reason) != NULL &&
                            strstr(line, cases[i].reason) < nl);
            }
        } else {
            char *sout = NULL, *serr = NULL, *want = NULL;
            indexed++;
            if (k != 0)
                fprintf(stderr, "%s (%s): rejected\n", cases[i].path, cases[i].what);
            assert_int_equal(k, 0);
            rc = rel_search(db, 60, &sout, &serr, "--format", "paths", "--limit", "0",
                            cases[i].query, NULL);
            assert_int_equal(rc, 0);
            /* --format paths writes control bytes in names as \xHH escapes. */
            {
                char *escaped = f8k_escape_name(cases[i].path);
                assert_non_null(escaped);
                want = malloc(strlen(escaped) + 2);
                sprintf(want, "%s\n", escaped);
                free(escaped);
            }
            if (strcmp(sout, want) != 0)
                fprintf(stderr, "%s (%s): query %s gave '%s'\n", cases[i].path, cases[i].what,
                        cases[i].query, sout);
            assert_string_equal(sout, want);
            free(want);
            free(sout);
            free(serr);
        }
        free(prefix);
    }
    /* Nothing on stderr but one line per bad file. */
    assert_int_equal(count_lines(err), rejects);
    assert_int_equal(count_occurrences(err, "f8k-index: "), rejects);
    assert_int_equal(s.failed, rejects);
    assert_int_equal(s.added + s.replaced, indexed + sizeof good / sizeof good[0]);
    assert_int_equal(idx_filings(db), indexed + sizeof good / sizeof good[0]);

    /* Every good filing is found. */
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        char *sout = NULL, *serr = NULL, name[256], *want = NULL;
        snprintf(name, sizeof name, "good-%s", strrchr(good[i].src, '/') + 1);
        want = f8k_test_path(in, name);
        rc = rel_search(db, 60, &sout, &serr, "--format", "paths", "--limit", "0", good[i].query,
                        NULL);
        assert_int_equal(rc, 0);
        if (strstr(sout, want) == NULL)
            fprintf(stderr, "good filing %s not found by %s: '%s'\n", want, good[i].query, sout);
        assert_non_null(strstr(sout, want));
        free(want);
        free(sout);
        free(serr);
    }
    assert_int_equal(rel_xapian_check(db), 0);
    assert_true(idx_unique_terms_once(db));
    /* No name was ever handed to a shell. */
    {
        char *p1 = f8k_test_path(in, "pwned"), *p2 = f8k_test_path(in, "pwned2");
        assert_int_not_equal(access(p1, F_OK), 0);
        assert_int_not_equal(access(p2, F_OK), 0);
        free(p1);
        free(p2);
    }
    fprintf(stderr, "hostile: %zu cases (%zu rejected, %zu indexed) + %zu good filings\n", n,
            rejects, indexed, sizeof good / sizeof good[0]);

    /* A second run: unchanged good files are skipped, the bad ones reported again. */
    free(out);
    free(err);
    rc = idx_run(300, &out, &err, "--db", db, "add", in, NULL);
    assert_int_equal(rc, 1);
    assert_true(idx_parse_summary(out, &s));
    assert_int_equal(s.added + s.replaced, 0);
    assert_int_equal(s.failed, rejects);

    hostile_free(cases, n);
    f8k_test_rmtree(tmp);
    free(out);
    free(err);
    free(sgml);
    free(corpus);
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
