/*
 * test_extract_corpus.c - the extraction figures on the shared corpus
 * (bench/officers/measure.c), held above the floors measured when they
 * were written: a regression guard.  Skips without the corpus.
 */
#include "f8k_test.h"

#include <string.h>

#include "measure.h"

/* Floors, in percent, a little under the figures measured. */
#define FLOOR_TITLES_MAPPED     98.0
#define FLOOR_BODY_EQUAL        75.0
#define FLOOR_OFFICER_PRECISION 80.0
#define FLOOR_OFFICER_RECALL    55.0
#define MIN_JUDGED_FILINGS      60

static double pct(size_t a, size_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void test_officers_judged(void **state)
{
    (void)state;
    char *corpus = f8k_test_corpus_dir();
    F8K_REQUIRE_OR_SKIP(corpus != NULL, "shared corpus absent");
    const char *src = getenv("F8K_SOURCE_DIR");
    char *judged = f8k_test_path(src ? src : ".", "tests/judged/officers.tsv");
    officer_stats_t os;
    assert_int_equal(measure_officers(corpus, judged, &os, stderr), 0);
    fprintf(stderr, "officers: %zu filings, precision %.1f%% (%zu/%zu), recall %.1f%% (%zu/%zu)\n",
            os.filings, pct(os.true_positive, os.extracted), os.true_positive, os.extracted,
            pct(os.true_positive, os.truth), os.true_positive, os.truth);
    assert_true(os.filings >= MIN_JUDGED_FILINGS);
    assert_int_equal(os.missing, 0);
    assert_true(pct(os.true_positive, os.extracted) >= FLOOR_OFFICER_PRECISION);
    assert_true(pct(os.true_positive, os.truth) >= FLOOR_OFFICER_RECALL);
    free(judged);
    free(corpus);
}

static void test_items_against_header(void **state)
{
    (void)state;
    char *corpus = f8k_test_corpus_dir();
    F8K_REQUIRE_OR_SKIP(corpus != NULL, "shared corpus absent");
    item_stats_t is;
    assert_int_equal(measure_items(corpus, &is, NULL), 0);
    fprintf(stderr, "items: titles mapped %.2f%% (%zu/%zu), body == header %.2f%% (%zu/%zu)\n",
            pct(is.titles_mapped, is.titles), is.titles_mapped, is.titles,
            pct(is.body_equal, is.body_found), is.body_equal, is.body_found);
    assert_true(is.with_header > 3000);
    assert_true(pct(is.titles_mapped, is.titles) >= FLOOR_TITLES_MAPPED);
    assert_true(pct(is.final_covers, is.with_header) >= FLOOR_TITLES_MAPPED);
    assert_true(pct(is.body_equal, is.body_found) >= FLOOR_BODY_EQUAL);
    free(corpus);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_officers_judged),
        cmocka_unit_test(test_items_against_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
