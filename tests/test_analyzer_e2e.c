/*
 * test_analyzer_e2e.c - each token class is found by its own text typed
 * as a query, through the real commands: f8k-index indexes corpus/samples
 * (one of them Windows-1252 bytes, one full of ligatures, full-width
 * letters and accents), f8k-search runs the query, and the filing that
 * holds the token must be among the results while a filing that does not
 * must not.  This is the analyzer-symmetry guard of STYLE.md P5: the
 * index side and the query side fold the same way.
 */
#include "f8k_test.h"

#include <string.h>
#include <unistd.h>

static char *g_tmp, *g_db, *g_index, *g_search;

static int group_setup(void **state)
{
    char *samples = f8k_test_samples_dir();
    int rc;
    (void)state;
    g_index = f8k_test_path(f8k_test_build_dir(), "indexer/f8k-index");
    g_search = f8k_test_path(f8k_test_build_dir(), "query/f8k-search");
    F8K_REQUIRE_OR_SKIP(access(g_index, X_OK) == 0, "f8k-index not built");
    F8K_REQUIRE_OR_SKIP(access(g_search, X_OK) == 0, "f8k-search not built");
    F8K_REQUIRE_OR_SKIP(samples != NULL, "corpus/samples missing");
    g_tmp = f8k_test_tmpdir();
    g_db = f8k_test_path(g_tmp, "db");
    {
        const char *paths[] = {samples, NULL};
        rc = f8k_test_index(g_db, paths);
    }
    free(samples);
    return rc == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    f8k_test_rmtree(g_tmp);
    free(g_tmp);
    free(g_db);
    free(g_index);
    free(g_search);
    return 0;
}

/* The paths f8k-search finds for QUERY, one per line (malloc'd). */
static char *paths_for(const char *query)
{
    char *out = NULL, *err = NULL;
    char *argv[] = {g_search,  "--db", g_db,          "--format", "paths",
                    "--limit", "0",    (char *)query, NULL};
    int rc = f8k_test_run(argv, NULL, 60, &out, &err);
    if (rc != 0)
        fprintf(stderr, "f8k-search %s: exit %d: %s\n", query, rc, err != NULL ? err : "");
    assert_int_equal(rc, 0);
    free(err);
    return out;
}

typedef struct e2e_case {
    const char *what;   /* the token class */
    const char *query;  /* typed as a user would, in UTF-8 */
    const char *found;  /* a sample file that must be found */
    const char *absent; /* a sample file that must not be (NULL: none) */
} e2e_case_t;

static const e2e_case_t cases[] = {
    /* The company is "CAFÉ HOLDINGS"; "café" folds case, "cafe" folds accents. */
    {"accented word, case folded", "café", "2020-utf8-cafe-holdings-cfo.htm",
     "2003-sgml-new-cfo.txt"},
    {"accent folding", "cafe holdings", "2020-utf8-cafe-holdings-cfo.htm", NULL},
    {"accent folding", "Nestle", "2020-utf8-cafe-holdings-cfo.htm", "2003-sgml-new-cfo.txt"},
    /* "principal ﬁnancial officer" is written with U+FB01 only in that file. */
    {"ligature", "\"and principal financial officer of the company\"",
     "2020-utf8-cafe-holdings-cfo.htm", NULL},
    /* "the Company's ＣＦＯ", full-width letters and a curly apostrophe. */
    {"full-width letters", "\"identified as the company's cfo\"", "2020-utf8-cafe-holdings-cfo.htm",
     NULL},
    /* Typed with hyphens it is also the phrase, which other filings hold. */
    {"hyphenated word as typed", "chief-financial-officer", "2020-utf8-cafe-holdings-cfo.htm",
     NULL},
    {"hyphenated word joined", "chieffinancialofficer", "2020-utf8-cafe-holdings-cfo.htm", NULL},
    {"item number", "5.02", "2023-ixbrl-cfo-retirement.htm", "1994-ims-auditor-change.txt"},
    {"amount", "\"$1.5 million\"", "2015-sgml-earnings-xbrl.txt", "1994-ims-auditor-change.txt"},
    {"percent", "12.5%", "2015-sgml-earnings-xbrl.txt", "1994-ims-auditor-change.txt"},
    /* Typed in UTF-8 against a filing stored as Windows-1252 bytes. */
    {"Latin-1 filing", "résumé", "2001-cp1252-latin1-ceo-resume.txt", "2003-sgml-new-cfo.txt"},
    {"form type", "8-K/A", "2012-sgml-8ka-auditor-change.txt", NULL},
};

static void test_each_token_class_found_by_its_text(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const e2e_case_t *c = &cases[i];
        char *paths = paths_for(c->query);
        bool found = strstr(paths, c->found) != NULL;
        bool wrong = c->absent != NULL && strstr(paths, c->absent) != NULL;
        if (!found || wrong)
            fprintf(stderr, "%s: query %s gave:\n%s\n", c->what, c->query, paths);
        assert_true(found);
        assert_false(wrong);
        free(paths);
    }
}

/* The XBRL data document of the 2015 sample holds a word nowhere else. */
static void test_skipped_xbrl_data_is_not_indexed(void **state)
{
    char *paths = NULL;
    (void)state;
    paths = paths_for("glmfxbrlonlytoken");
    assert_string_equal(paths, "");
    free(paths);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_token_class_found_by_its_text),
        cmocka_unit_test(test_skipped_xbrl_data_is_not_indexed),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
