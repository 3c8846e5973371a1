/*
 * test_xapian_shards.c - a stub database over two shards, and a compact
 * merge of the two, answer like one database holding every filing:
 * same documents, same order, same weights, same facets.
 */
#include "f8k_test.h"
#include "test_xapian_fixture.h"

#include <math.h>
#include <string.h>

#define N_FILINGS 80

static xt_corpus_t *corpus;
static char *dir, *whole, *shard_a, *shard_b, *stub, *merged, *merged_single;

static int group_setup(void **state)
{
    (void)state;
    corpus = xt_corpus_load(N_FILINGS);
    dir = f8k_test_tmpdir();
    whole = f8k_test_path(dir, "whole");
    shard_a = f8k_test_path(dir, "a");
    shard_b = f8k_test_path(dir, "b");
    stub = f8k_test_path(dir, "stub");
    merged = f8k_test_path(dir, "merged");
    merged_single = f8k_test_path(dir, "merged.glass");
    xt_index(corpus, whole, 0, 1);
    xt_index(corpus, shard_a, 0, 2);
    xt_index(corpus, shard_b, 1, 2);
    FILE *f = fopen(stub, "w");
    assert_non_null(f);
    /* One absolute and one relative shard path. */
    fprintf(f, "auto %s\nauto b\n", shard_a);
    fclose(f);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    f8k_test_rmtree(dir);
    free(dir);
    free(whole);
    free(shard_a);
    free(shard_b);
    free(stub);
    free(merged);
    free(merged_single);
    xt_corpus_free(corpus);
    return 0;
}

/* One search's answer, reduced to what must not depend on sharding. */
typedef struct answer {
    size_t n;
    size_t filing[N_FILINGS];
    double weight[N_FILINGS];
    char facets[4096];
} answer_t;

static void run(const char *path, const f8k_query_t *q, f8k_sort_t sort, answer_t *out)
{
    f8k_db_t *db = NULL;
    f8k_enquire_t *enq = NULL;
    f8k_mset_t *mset = NULL;
    f8k_strlist_t *facet = NULL;
    char *err = NULL;

    memset(out, 0, sizeof(*out));
    if (f8k_db_open(path, &db, &err) != F8K_STATUS_SUCCESS)
        fail_msg("open %s: %s", path, err ? err : "");
    assert_int_equal(f8k_enquire_new(db, &enq), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_enquire_set_query(enq, q), F8K_STATUS_SUCCESS);
    /* Slot 5 is unique, so the order never rests on docids. */
    assert_int_equal(f8k_enquire_set_sort(enq, sort, 5, true), F8K_STATUS_SUCCESS);
    assert_int_equal(
        f8k_enquire_add_facet(enq, 4, F8K_FACET_MULTI_VALUE, '\n', F8K_BAD_VALUENO, NULL),
        F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_enquire_add_facet(enq, 1, 0, 0, F8K_BAD_VALUENO, NULL),
                     F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_enquire_get_mset(enq, 0, 0, 0, F8K_MSET_FETCH_DATA, &mset),
                     F8K_STATUS_SUCCESS);
    out->n = f8k_mset_size(mset);
    for (size_t i = 0; i < out->n; i++) {
        const char *data = NULL;
        assert_int_equal(f8k_mset_get_data(mset, i, &data, NULL), F8K_STATUS_SUCCESS);
        out->filing[i] = xt_index_from_data(data);
        assert_int_equal(f8k_mset_item(mset, i, NULL, NULL, &out->weight[i], NULL, NULL),
                         F8K_STATUS_SUCCESS);
    }
    for (size_t k = 0; k < f8k_mset_facet_count(mset); k++) {
        assert_int_equal(f8k_mset_facet(mset, k, &facet), F8K_STATUS_SUCCESS);
        for (size_t i = 0; i < f8k_strlist_size(facet); i++) {
            const char *v = NULL;
            unsigned long long c = 0;
            assert_int_equal(f8k_strlist_get(facet, i, &v, NULL, &c), F8K_STATUS_SUCCESS);
            size_t used = strlen(out->facets);
            snprintf(out->facets + used, sizeof(out->facets) - used, "%zu:%s=%llu;", k, v, c);
        }
        f8k_strlist_free(facet);
    }
    f8k_mset_free(mset);
    f8k_enquire_free(enq);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
}

static void assert_same(const answer_t *a, const answer_t *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->filing[i], b->filing[i]);
        assert_true(fabs(a->weight[i] - b->weight[i]) < 1e-9);
    }
    assert_string_equal(a->facets, b->facets);
}

/* Order runs of equal weight by filing. */
static void canonical_ties(answer_t *a)
{
    for (size_t i = 1; i < a->n; i++) {
        for (size_t j = i; j > 0 && fabs(a->weight[j] - a->weight[j - 1]) < 1e-9 &&
                           a->filing[j] < a->filing[j - 1];
             j--) {
            size_t f = a->filing[j];
            double w = a->weight[j];
            a->filing[j] = a->filing[j - 1];
            a->weight[j] = a->weight[j - 1];
            a->filing[j - 1] = f;
            a->weight[j - 1] = w;
        }
    }
}

/* The queries compared: a common word, an OR of two words, a phrase. */
static size_t make_queries(f8k_query_t **qs)
{
    const xt_filing_t *f = &corpus->filings[0];
    const char *w1 = xt_common_word(corpus, 5, corpus->n / 2, 5);
    const char *w2 = xt_common_word(corpus, 2, corpus->n / 4, 8);
    assert_non_null(w1);
    assert_non_null(w2);
    f8k_query_t *a = NULL, *b = NULL, *p1 = NULL, *p2 = NULL;
    assert_int_equal(f8k_query_term(w1, 1, 0, &a), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_query_term(w2, 1, 0, &b), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_query_term(f->words[10], 1, 0, &p1), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_query_term(f->words[11], 1, 0, &p2), F8K_STATUS_SUCCESS);
    const f8k_query_t *ab[2] = {a, b}, *pp[2] = {p1, p2};
    qs[0] = a;
    assert_int_equal(f8k_query_combine(F8K_QUERY_OR, ab, 2, 0, &qs[1]), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_query_combine(F8K_QUERY_PHRASE, pp, 2, 0, &qs[2]), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_query_match_all(&qs[3]), F8K_STATUS_SUCCESS);
    f8k_query_free(b);
    f8k_query_free(p1);
    f8k_query_free(p2);
    return 4;
}

static void compare_with_whole(const char *other)
{
    f8k_query_t *qs[4] = {NULL};
    size_t nq = make_queries(qs);
    answer_t *x = malloc(sizeof(*x)), *y = malloc(sizeof(*y));
    assert_non_null(x);
    assert_non_null(y);
    for (size_t i = 0; i < nq; i++) {
        for (int sort = 0; sort < 3; sort++) {
            run(whole, qs[i], (f8k_sort_t)sort, x);
            run(other, qs[i], (f8k_sort_t)sort, y);
            assert_true(x->n > 0);
            if (sort == F8K_SORT_RELEVANCE) {
                /* Equal weights tie on docid, which sharding renumbers. */
                canonical_ties(x);
                canonical_ties(y);
            }
            assert_same(x, y);
        }
        f8k_query_free(qs[i]);
    }
    free(x);
    free(y);
}

static void test_stub_over_two_shards_equals_one_database(void **state)
{
    (void)state;
    f8k_db_t *db = NULL;
    unsigned count = 0;
    assert_int_equal(f8k_db_open(stub, &db, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_doccount(db, &count), F8K_STATUS_SUCCESS);
    assert_int_equal(count, corpus->n);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
    compare_with_whole(stub);
}

static void test_compact_two_shards_equals_one_database(void **state)
{
    (void)state;
    const char *sources[2] = {shard_a, shard_b};
    char *err = NULL;
    assert_int_equal(f8k_db_compact(sources, 2, merged, false, &err), F8K_STATUS_SUCCESS);
    assert_null(err);
    assert_int_equal(f8k_db_compact(sources, 2, merged_single, true, &err), F8K_STATUS_SUCCESS);
    const char *targets[2] = {merged, merged_single};
    for (size_t t = 0; t < 2; t++) {
        f8k_db_t *db = NULL;
        unsigned count = 0, whole_terms = 0, merged_terms = 0;
        assert_int_equal(f8k_db_open(targets[t], &db, NULL), F8K_STATUS_SUCCESS);
        assert_int_equal(f8k_db_doccount(db, &count), F8K_STATUS_SUCCESS);
        assert_int_equal(count, corpus->n);
        f8k_strlist_t *terms = NULL;
        assert_int_equal(f8k_db_allterms(db, "Q", &terms), F8K_STATUS_SUCCESS);
        merged_terms = (unsigned)f8k_strlist_size(terms);
        f8k_strlist_free(terms);
        assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
        assert_int_equal(f8k_db_open(whole, &db, NULL), F8K_STATUS_SUCCESS);
        assert_int_equal(f8k_db_allterms(db, "Q", &terms), F8K_STATUS_SUCCESS);
        whole_terms = (unsigned)f8k_strlist_size(terms);
        f8k_strlist_free(terms);
        assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
        assert_int_equal(merged_terms, whole_terms);
        compare_with_whole(targets[t]);
    }
    /* A missing source is reported, with a message. */
    const char *bad[2] = {shard_a, stub + 0};
    char *missing = f8k_test_path(dir, "missing");
    bad[1] = missing;
    char *dest = f8k_test_path(dir, "never");
    f8k_status_t st = f8k_db_compact(bad, 2, dest, false, &err);
    assert_true(st == F8K_STATUS_DB_NOT_FOUND || st == F8K_STATUS_DB_OPEN);
    assert_non_null(err);
    free(err);
    free(dest);
    free(missing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stub_over_two_shards_equals_one_database),
        cmocka_unit_test(test_compact_two_shards_equals_one_database),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
