/*
 * test_analyzer_corpus.c - the fast paths against the full ICU
 * pipeline over every file of the shared corpus and the seeds.
 *
 * Each file goes through f8k_text_to_utf8(), then f8k_analyze() twice
 * with a fresh analyzer each: once with the fast paths (ASCII folding,
 * stem cache) and once with them off (every word through ICU
 * NFKC_Casefold and libstemmer).  The two token streams must be
 * identical in every field.  Every token is also checked for the
 * invariants of f8k_analyzer.h.  Skips (77) without the corpus.
 */
#include "f8k_test.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include <f8k/f8k_analyzer.h>
#include <f8k/f8k_charset.h>

#include "analysis-private.h"

/* One token, flattened: term and stem copied into fixed arrays. */
struct flat {
    char term[F8K_ANALYZER_MAX_TERM];
    char stem[4 * F8K_ANALYZER_MAX_TERM + 8];
    size_t term_len, stem_len;
    int has_stem;
    uint32_t position;
    size_t start, end;
    int cls;
    unsigned flags;
};

struct stream {
    struct flat *tokens;
    size_t count, cap;
    size_t compare_at; /* second pass: next token to compare */
    size_t mismatches; /* second pass: tokens that differed */
    uint32_t last_pos; /* invariant check */
    size_t text_len;   /* invariant check */
    const char *path;  /* for messages */
};

static void flatten(struct flat *f, const f8k_token_t *t)
{
    memset(f, 0, sizeof *f);
    memcpy(f->term, t->term, t->term_len);
    f->term_len = t->term_len;
    if (t->stem != NULL) {
        assert_true(t->stem_len <= sizeof f->stem);
        memcpy(f->stem, t->stem, t->stem_len);
        f->stem_len = t->stem_len;
        f->has_stem = 1;
    }
    f->position = t->position;
    f->start = t->start;
    f->end = t->end;
    f->cls = (int)t->token_class;
    f->flags = t->flags;
}

static void check_invariants(struct stream *s, const f8k_token_t *t)
{
    assert_true(t->term_len >= 1 && t->term_len <= F8K_ANALYZER_MAX_TERM);
    assert_null(memchr(t->term, '\0', t->term_len));
    assert_true(analysis_utf8_valid(t->term, t->term_len));
    if (t->stem != NULL) {
        assert_true(t->stem_len >= 1);
        assert_null(memchr(t->stem, '\0', t->stem_len));
        assert_true(analysis_utf8_valid(t->stem, t->stem_len));
    }
    assert_true(t->start < t->end && t->end <= s->text_len);
    assert_true(t->position >= s->last_pos && t->position >= 1);
    s->last_pos = t->position;
}

static f8k_status_t record(void *closure, const f8k_token_t *t)
{
    struct stream *s = closure;
    check_invariants(s, t);
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4096;
        s->tokens = realloc(s->tokens, s->cap * sizeof *s->tokens);
        assert_non_null(s->tokens);
    }
    flatten(&s->tokens[s->count++], t);
    return F8K_STATUS_SUCCESS;
}

static f8k_status_t compare(void *closure, const f8k_token_t *t)
{
    struct stream *s = closure;
    struct flat f;

    check_invariants(s, t);
    flatten(&f, t);
    if (s->compare_at >= s->count || memcmp(&f, &s->tokens[s->compare_at], sizeof f) != 0) {
        if (s->mismatches++ < 5)
            print_message("%s: token %zu differs: fast \"%.*s\"@%u, full \"%.*s\"@%u\n", s->path,
                          s->compare_at,
                          s->compare_at < s->count ? (int)s->tokens[s->compare_at].term_len : 0,
                          s->compare_at < s->count ? s->tokens[s->compare_at].term : "",
                          s->compare_at < s->count ? s->tokens[s->compare_at].position : 0,
                          (int)f.term_len, f.term, f.position);
    }
    s->compare_at++;
    return F8K_STATUS_SUCCESS;
}

struct totals {
    size_t files, bytes, tokens, mismatches;
};

static void check_file(const char *path, void *closure)
{
    struct totals *tot = closure;
    size_t len = 0, ulen = 0;
    char *raw = f8k_test_read_file(path, &len);
    char *text = NULL;
    f8k_analyzer_t *fast = NULL, *full = NULL;
    struct stream s;

    assert_non_null(raw);
    assert_int_equal(f8k_text_to_utf8(raw, len, &text, &ulen), F8K_STATUS_SUCCESS);
    free(raw);
    assert_int_equal(f8k_analyzer_new("en", &fast), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_analyzer_new("en", &full), F8K_STATUS_SUCCESS);
    analysis_set_fast_paths(full, false);

    memset(&s, 0, sizeof s);
    s.text_len = ulen;
    s.path = path;
    assert_int_equal(f8k_analyze(fast, F8K_ANALYZE_DOCUMENT, text, ulen, record, &s),
                     F8K_STATUS_SUCCESS);
    s.last_pos = 0;
    assert_int_equal(f8k_analyze(full, F8K_ANALYZE_DOCUMENT, text, ulen, compare, &s),
                     F8K_STATUS_SUCCESS);
    if (s.compare_at != s.count) {
        print_message("%s: fast path gave %zu tokens, full pipeline %zu\n", path, s.count,
                      s.compare_at);
        s.mismatches++;
    }
    tot->files++;
    tot->bytes += ulen;
    tot->tokens += s.count;
    tot->mismatches += s.mismatches;
    free(s.tokens);
    free(text);
    f8k_analyzer_free(fast);
    f8k_analyzer_free(full);
}

static void test_fast_paths_match_icu(void **state)
{
    char *dir = f8k_test_corpus_dir();
    char *seeds = f8k_test_seeds_dir();
    struct totals tot;
    (void)state;

    memset(&tot, 0, sizeof tot);
    if (dir == NULL) {
        free(seeds);
        skip();
    }
    f8k_test_each_filing(dir, check_file, &tot);
    if (seeds != NULL)
        f8k_test_each_filing(seeds, check_file, &tot);
    print_message("%zu files, %zu bytes, %zu tokens, %zu mismatches\n", tot.files, tot.bytes,
                  tot.tokens, tot.mismatches);
    assert_true(tot.files >= 4350);
    assert_true(tot.tokens > tot.bytes / 20);
    assert_int_equal(tot.mismatches, 0);
    free(dir);
    free(seeds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_paths_match_icu),
    };
    char *dir = f8k_test_corpus_dir();
    F8K_REQUIRE_OR_SKIP(dir != NULL, "shared corpus not found");
    free(dir);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
