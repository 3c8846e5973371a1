/*
 * test_extract_corpus.c - the extraction figures on the shared corpus
 * (bench/officers/measure.c), held above the floors measured when they
 * were written: a regression guard.  Skips without the corpus.
 */
#include "f8k_test.h"

#include <string.h>

#include <f8k/f8k_filing.h>

#include "measure.h"

/* Floors, in percent, a little under the figures measured. */
#define FLOOR_TITLES_MAPPED     98.0
#define FLOOR_BODY_EQUAL        75.0
#define FLOOR_OFFICER_PRECISION 95.0
#define FLOOR_OFFICER_RECALL    88.0
#define FLOOR_HELD_OUT          85.0 /* precision and recall on the held-out rows */
#define MIN_JUDGED_FILINGS      90

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
    fprintf(stderr, "officers, held-out rows: %zu filings, precision %.1f%%, recall %.1f%%\n",
            os.held_out.filings, pct(os.held_out.true_positive, os.held_out.extracted),
            pct(os.held_out.true_positive, os.held_out.truth));
    assert_true(os.held_out.filings >= 30);
    assert_true(pct(os.held_out.true_positive, os.held_out.extracted) >= FLOOR_HELD_OUT);
    assert_true(pct(os.held_out.true_positive, os.held_out.truth) >= FLOOR_HELD_OUT);
    free(judged);
    free(corpus);
}

/* Does filing PATH (in the corpus) have the officer triple? */
static int has_officer(const char *corpus, const char *path, const char *name, const char *code,
                       f8k_officer_event_t event, size_t *count)
{
    char *full = f8k_test_path(corpus, path);
    f8k_filing_t *f = NULL;
    int found = 0;
    assert_int_equal(f8k_filing_read(full, &f, NULL), F8K_STATUS_SUCCESS);
    *count = 0;
    for (size_t i = 0; i < f->n_officers; i++) {
        found |= strcmp(f->officers[i].name, name) == 0 &&
                 strcmp(f->officers[i].role_code, code) == 0 && f->officers[i].event == event;
        *count += strcmp(f->officers[i].role_code, code) == 0 && f->officers[i].event == event;
    }
    f8k_filing_free(f);
    free(full);
    return found;
}

/* Real filings of the classes the rules are for. */
static void test_officer_classes(void **state)
{
    (void)state;
    char *corpus = f8k_test_corpus_dir();
    F8K_REQUIRE_OR_SKIP(corpus != NULL, "shared corpus absent");
    static const struct {
        const char *path, *name, *code;
        f8k_officer_event_t event;
        size_t count; /* triples of that role and event in the filing */
    } cases[] = {
        /* one name a line after "the following persons were elected" */
        {"timmermann-lab-1994/0000356050-94-000005.txt", "N. David Nathanson", "director",
         F8K_EVENT_ELECTED, 7},
        /* a vote table */
        {"edgartools/1800Flowers.8-K.html", "Stephanie Redish Hofmann", "director",
         F8K_EVENT_ELECTED, 11},
        /* "A, B, C and D all were appointed directors" */
        {"timmermann-lab-1994/0000726977-94-000002.txt", "Frederick G. Uhlmann", "director",
         F8K_EVENT_APPOINTED, 4},
        /* a signature block flattened on one line */
        {"lee2014-8k/AAN/AAN-8K-20051122090023.txt", "Gilbert L. Danielson", "cfo",
         F8K_EVENT_SIGNED, 1},
        /* "... notified Meta Platforms, Inc. that she will resign" */
        {"edgartools-cassettes/0001628280-25-058337.txt", "Dina Powell McCormick", "director",
         F8K_EVENT_RESIGNED, 1},
        /* signatures of agreements inside the report are not the report's */
        {"timmermann-lab-1994/0000857402-94-000162.txt", "Perry N. Weine", "other",
         F8K_EVENT_SIGNED, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t count = 0;
        if (!has_officer(corpus, cases[i].path, cases[i].name, cases[i].code, cases[i].event,
                         &count))
            fail_msg("%s: no %s/%s", cases[i].path, cases[i].name, cases[i].code);
        if (count != cases[i].count)
            fail_msg("%s: %zu %s triples, want %zu", cases[i].path, count, cases[i].code,
                     cases[i].count);
    }
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
        cmocka_unit_test(test_officer_classes),
        cmocka_unit_test(test_items_against_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
