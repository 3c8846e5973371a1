/*
 * test_analyzer.c - the analyzer's rules as tables of input and tokens.
 *
 * Each token is rendered as  term@position[=stem][:class][+]  where
 * "+" marks a VARIANT token and "^" a PREFIX token, tokens separated
 * by one space.  The tables pin every rule documented in
 * f8k_analyzer.h; the corpus-wide checks live in
 * test_analyzer_corpus.c.
 */
#include "f8k_test.h"

#include <string.h>
#include <time.h>

#include <f8k/f8k_analyzer.h>

#include "analysis-private.h"

/* Rendering ---------------------------------------------------------- */

struct render {
    char *buf;         /* rendered tokens */
    size_t len, cap;   /* bytes used, allocated */
    int stop_after;    /* abort with INTERRUPTED after this many tokens (0: never) */
    int count;         /* tokens seen */
    uint32_t last_pos; /* for the monotonicity check */
    const char *text;  /* the input, for the offset checks */
    size_t text_len;
};

static void append(struct render *r, const char *s, size_t n)
{
    if (r->len + n + 1 > r->cap) {
        r->cap = (r->len + n + 1) * 2;
        r->buf = realloc(r->buf, r->cap);
        assert_non_null(r->buf);
    }
    memcpy(r->buf + r->len, s, n);
    r->len += n;
    r->buf[r->len] = '\0';
}

static f8k_status_t render_token(void *closure, const f8k_token_t *t)
{
    struct render *r = closure;
    char tail[64];

    /* Invariants every token keeps, whatever the input. */
    assert_true(t->term_len >= 1 && t->term_len <= F8K_ANALYZER_MAX_TERM);
    assert_null(memchr(t->term, '\0', t->term_len));
    assert_true(analysis_utf8_valid(t->term, t->term_len));
    if (t->stem != NULL)
        assert_true(analysis_utf8_valid(t->stem, t->stem_len));
    assert_true(t->position >= r->last_pos);
    assert_true(t->start < t->end && t->end <= r->text_len);
    if (t->flags & F8K_TOKEN_VARIANT)
        assert_int_equal(t->position, r->last_pos);
    r->last_pos = t->position;

    if (r->len > 0)
        append(r, " ", 1);
    append(r, t->term, t->term_len);
    snprintf(tail, sizeof tail, "@%u", (unsigned)t->position);
    append(r, tail, strlen(tail));
    if (t->stem != NULL) {
        append(r, "=", 1);
        append(r, t->stem, t->stem_len);
    }
    if (t->token_class != F8K_TOKEN_WORD) {
        append(r, ":", 1);
        append(r, f8k_token_class_name(t->token_class),
               strlen(f8k_token_class_name(t->token_class)));
    }
    if (t->flags & F8K_TOKEN_VARIANT)
        append(r, "+", 1);
    if (t->flags & F8K_TOKEN_PREFIX)
        append(r, "^", 1);
    r->count++;
    if (r->stop_after > 0 && r->count >= r->stop_after)
        return F8K_STATUS_INTERRUPTED;
    return F8K_STATUS_SUCCESS;
}

/* Analyze TEXT[0..LEN) with FLAGS; returns the malloc'd rendering. */
static char *analyze(f8k_analyzer_t *a, int flags, const char *text, size_t len)
{
    struct render r;
    memset(&r, 0, sizeof r);
    r.text = text;
    r.text_len = len;
    append(&r, "", 0);
    assert_int_equal(f8k_analyze(a, flags, text, len, render_token, &r), F8K_STATUS_SUCCESS);
    return r.buf;
}

static int setup(void **state)
{
    f8k_analyzer_t *a = NULL;
    if (f8k_analyzer_new("en", &a) != F8K_STATUS_SUCCESS)
        return -1;
    *state = a;
    return 0;
}

static int teardown(void **state)
{
    f8k_analyzer_free(*state);
    return 0;
}

/* The tables ---------------------------------------------------------- */

struct analyzer_case {
    const char *input;
    const char *document; /* F8K_ANALYZE_DOCUMENT */
};

static const struct analyzer_case cases[] = {
    /* Case folding and NFKC. */
    {"The Officers resigned", "the@1=the officers@2=offic resigned@3=resign"},
    {"\xEF\xAC\x81nancial", "financial@1=financi"}, /* ﬁ ligature */
    {"\xEF\xBC\xA3\xEF\xBC\xA6\xEF\xBC\xAF appointed",
     "cfo@1=cfo appointed@2=appoint"}, /* ＣＦＯ */
    {"Stra\xC3\x9F"
     "e",
     "strasse@1=strass"},
    {"CAF\xC3\x89", "caf\xC3\xA9@1=caf\xC3\xA9 cafe@1=cafe+"},
    {"Nestl\xC3\xA9 S.A.", "nestl\xC3\xA9@1=nestl\xC3\xA9 nestle@1=nestl+ s.a@2=s.a"},
    /* Curly apostrophe and quotes; NBSP between words. */
    {"the Company\xE2\x80\x99s \xE2\x80\x9Cplan\xE2\x80\x9D",
     "the@1=the company's@2=compani plan@3=plan"},
    {"chief\xC2\xA0"
     "executive",
     "chief@1=chief executive@2=execut"},
    /* Item numbers, amounts, percentages, dates. */
    {"Item 5.02 Departure", "item@1=item 5.02@2:item departure@3=departur"},
    {"Items 5.02 and 9.01", "items@1=item 5.02@2:item and@3=and 9.01@4:item"},
    {"rose 5.02 points", "rose@1=rose 5.02@2:number points@3=point"},
    {"$1.5 million", "$1.5@1:amount 1.5@1:number+ million@2=million"},
    {"$1,250,000 in cash", "$1,250,000@1:amount 1,250,000@1:number+ in@2=in cash@3=cash"},
    {"up 12.5% year", "up@1=up 12.5%@2:percent 12.5@2:number+ year@3=year"},
    {"on 06/27/2003, the", "on@1=on 06/27/2003@2:date the@3=the"},
    {"dated 2003-06-27.", "dated@1=date 2003-06-27@2:date"},
    {"6/27/03", "6/27/03@1:date"},
    /* Identifiers and forms. */
    {"0001193125-24-012345", "0001193125-24-012345@1:identifier"},
    {"CIK 0000320193", "cik@1=cik 0000320193@2:identifier"},
    {"Form 8-K", "form@1=form 8-k@2:form"},
    {"10-K and 10-Q", "10-k@1:form and@2=and 10-q@3:form"},
    {"Form 8-K/A.", "form@1=form 8-k/a@2:form 8-k@2:form+"},
    {"20-F", "20-f@1:form"},
    /* Hyphenated words. */
    {"chief-financial-officer", "chief@1=chief financial@2=financi officer@3=offic "
                                "chieffinancialofficer@3=chieffinancialoffic+"},
    {"well-known firm", "well@1=well known@2=known wellknown@2=wellknown+ firm@3=firm"},
    {"pre - tax", "pre@1=pre tax@2=tax"},
    {"COVID-19", "covid@1=covid 19@2:number covid19@2=covid19+"},
    /* Invalid UTF-8 of each kind never reaches a term. */
    {"ab\x80"
     "cd",
     "ab@1=ab cd@2=cd"},
    {"ab\xC0\xAF"
     "cd",
     "ab@1=ab cd@2=cd"},
    {"ab\xED\xA0\x80"
     "cd",
     "ab@1=ab cd@2=cd"},
    {"ab\xF4\x90\x80\x80"
     "cd",
     "ab@1=ab cd@2=cd"},
    {"ab\xFE\xFF"
     "cd",
     "ab@1=ab cd@2=cd"},
    {"ab\xE2\x82", "ab@1=ab"},
    {"", ""},
    {"  ... ;; --", ""},
};

static void test_table(void **state)
{
    f8k_analyzer_t *a = *state;
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = analyze(a, F8K_ANALYZE_DOCUMENT, cases[i].input, strlen(cases[i].input));
        if (strcmp(got, cases[i].document) != 0)
            fail_msg("input \"%s\":\n  got      \"%s\"\n  expected \"%s\"", cases[i].input, got,
                     cases[i].document);
        free(got);
    }
}

/* Query mode gives the document's primary tokens, without the variants. */
static void test_query_mode_equivalence(void **state)
{
    f8k_analyzer_t *a = *state;
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *in = cases[i].input;
        char *doc = analyze(a, F8K_ANALYZE_DOCUMENT, in, strlen(in));
        char *query = analyze(a, F8K_ANALYZE_QUERY, in, strlen(in));
        char *expected = calloc(1, strlen(doc) + 1);
        char *save = NULL, *tok = NULL;
        assert_non_null(expected);
        /* Drop the variant tokens ("...+") from the document rendering. */
        for (tok = strtok_r(doc, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
            if (tok[strlen(tok) - 1] == '+')
                continue;
            if (expected[0] != '\0')
                strcat(expected, " ");
            strcat(expected, tok);
        }
        assert_string_equal(query, expected);
        free(doc);
        free(query);
        free(expected);
    }
    /* The cases named in the issue, query against document. */
    {
        char *q = analyze(a, F8K_ANALYZE_QUERY, "$1.5 million", 12);
        assert_string_equal(q, "$1.5@1:amount million@2=million");
        free(q);
        q = analyze(a, F8K_ANALYZE_QUERY, "Nestle", 6);
        assert_string_equal(q, "nestle@1=nestl"); /* the document's variant for "Nestlé" */
        free(q);
        q = analyze(a, F8K_ANALYZE_QUERY, "caf\xC3\xA9", 5);
        assert_string_equal(q, "caf\xC3\xA9@1=caf\xC3\xA9"); /* the document's term for "CAFÉ" */
        free(q);
    }
}

static void test_prefix(void **state)
{
    f8k_analyzer_t *a = *state;
    char *q = analyze(a, F8K_ANALYZE_QUERY | F8K_ANALYZE_PREFIX, "chief financ", 12);
    assert_string_equal(q, "chief@1=chief financ@2=financ^");
    free(q);
    q = analyze(a, F8K_ANALYZE_QUERY | F8K_ANALYZE_PREFIX, "well-kno", 8);
    assert_string_equal(q, "well@1=well kno@2=kno^");
    free(q);
    q = analyze(a, F8K_ANALYZE_QUERY | F8K_ANALYZE_PREFIX, " ... ", 5);
    assert_string_equal(q, "");
    free(q);
}

/* A callback's non-success status stops the analysis and comes back unchanged. */
static void test_callback_abort(void **state)
{
    f8k_analyzer_t *a = *state;
    const char *text = "one two three four five";
    struct render r;
    uint32_t next = 0;
    int flags[] = {F8K_ANALYZE_DOCUMENT, F8K_ANALYZE_QUERY | F8K_ANALYZE_PREFIX};
    size_t i;

    for (i = 0; i < 2; i++) {
        memset(&r, 0, sizeof r);
        r.text = text;
        r.text_len = strlen(text);
        r.stop_after = 2;
        assert_int_equal(
            f8k_analyze_at(a, flags[i], text, strlen(text), 1, render_token, &r, &next),
            F8K_STATUS_INTERRUPTED);
        assert_int_equal(r.count, 2);
        assert_string_equal(r.buf, "one@1=one two@2=two");
        free(r.buf);
    }
    /* The analyzer is still usable afterwards. */
    {
        char *again = analyze(a, F8K_ANALYZE_DOCUMENT, text, 3);
        assert_string_equal(again, "one@1=one");
        free(again);
    }
}

/* Positions start where the caller says, and the next free one comes back. */
static void test_first_position(void **state)
{
    f8k_analyzer_t *a = *state;
    struct render r;
    uint32_t next = 0;

    memset(&r, 0, sizeof r);
    r.text = "Rose Marcario";
    r.text_len = 13;
    assert_int_equal(
        f8k_analyze_at(a, F8K_ANALYZE_DOCUMENT, r.text, r.text_len, 101, render_token, &r, &next),
        F8K_STATUS_SUCCESS);
    assert_string_equal(r.buf, "rose@101=rose marcario@102=marcario");
    assert_int_equal(next, 103);
    free(r.buf);
    assert_int_equal(f8k_analyze_at(a, F8K_ANALYZE_DOCUMENT, "", 0, 7, render_token, &r, &next),
                     F8K_STATUS_SUCCESS);
    assert_int_equal(next, 7);
}

static void test_invalid_args(void **state)
{
    f8k_analyzer_t *a = *state;
    struct render r;
    f8k_analyzer_t *b = (f8k_analyzer_t *)state;

    memset(&r, 0, sizeof r);
    assert_int_equal(f8k_analyze(NULL, F8K_ANALYZE_DOCUMENT, "x", 1, render_token, &r),
                     F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_analyze(a, F8K_ANALYZE_DOCUMENT, "x", 1, NULL, &r),
                     F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_analyze(a, F8K_ANALYZE_DOCUMENT, NULL, 1, render_token, &r),
                     F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_analyze(a, 0, "x", 1, render_token, &r), F8K_STATUS_INVALID_ARG);
    assert_int_equal(
        f8k_analyze(a, F8K_ANALYZE_DOCUMENT | F8K_ANALYZE_QUERY, "x", 1, render_token, &r),
        F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_analyze_at(a, F8K_ANALYZE_DOCUMENT, "x", 1, 0, render_token, &r, NULL),
                     F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_analyze(a, F8K_ANALYZE_QUERY, NULL, 0, render_token, &r),
                     F8K_STATUS_SUCCESS);
    assert_int_equal(r.count, 0);
    assert_int_equal(f8k_analyzer_new("fr", &b), F8K_STATUS_UNSUPPORTED);
    assert_null(b);
    assert_int_equal(f8k_analyzer_new("en", NULL), F8K_STATUS_INVALID_ARG);
    f8k_analyzer_free(NULL);
}

/* A 10 MB word: capped to the hash form, the same in both paths, and fast. */
static void test_huge_word(void **state)
{
    f8k_analyzer_t *a = *state;
    f8k_analyzer_t *full = NULL;
    size_t n = 10u * 1024 * 1024, i;
    char *text = malloc(n + 8);
    char *fast_out = NULL, *full_out = NULL, *other = NULL;
    clock_t t0;
    double secs;

    assert_non_null(text);
    for (i = 0; i < n; i++)
        text[i] = (char)('A' + i % 26);
    t0 = clock();
    fast_out = analyze(a, F8K_ANALYZE_DOCUMENT, text, n);
    secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    print_message("10 MB ASCII word: %.2f s: %s\n", secs, fast_out);
    /* 47 bytes of the word, '~', 16 hex digits; no stem. */
    assert_int_equal(strlen(fast_out), 64 + 2);
    assert_memory_equal(fast_out, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstu~", 48);
    assert_string_equal(fast_out + 64, "@1");
    assert_true(secs < 10.0);

    assert_int_equal(f8k_analyzer_new("en", &full), F8K_STATUS_SUCCESS);
    analysis_set_fast_paths(full, false);
    full_out = analyze(full, F8K_ANALYZE_DOCUMENT, text, n);
    assert_string_equal(full_out, fast_out);

    /* One byte different: a different hash. */
    text[n / 2] = 'a';
    other = analyze(a, F8K_ANALYZE_DOCUMENT, text, n);
    assert_string_not_equal(other, fast_out);
    free(other);

    /* A non-ASCII long word, cut at a character boundary (é is 2 bytes). */
    for (i = 0; i + 2 <= 1000; i += 2)
        memcpy(text + i, "\xC3\x89", 2);
    other = analyze(a, F8K_ANALYZE_DOCUMENT, text, 1000);
    assert_memory_equal(other, "\xC3\xA9\xC3\xA9", 4);
    assert_int_equal(other[46], '~');
    free(other);

    free(fast_out);
    free(full_out);
    free(text);
    f8k_analyzer_free(full);
}

/* Random bytes never crash and never give an invalid term (checked in render_token). */
static void test_random_bytes(void **state)
{
    f8k_analyzer_t *a = *state;
    unsigned seed = 12345;
    char buf[512];
    int round;
    size_t i;

    for (round = 0; round < 2000; round++) {
        char *out = NULL;
        for (i = 0; i < sizeof buf; i++) {
            seed = seed * 1103515245u + 12345u;
            /* Mix plain text with high bytes, digits and the pattern punctuation. */
            static const char mix[] = "0123456789-/$%.,Ab \xC3\xA9\x80\xFF";
            if ((seed >> 16) % 4 == 0)
                buf[i] = mix[(seed >> 8) % (sizeof mix - 1)];
            else
                buf[i] = (char)((seed >> 16) & 0xFF);
        }
        out = analyze(a, round % 2 ? F8K_ANALYZE_QUERY : F8K_ANALYZE_DOCUMENT, buf,
                      (seed >> 4) % sizeof buf);
        free(out);
    }
}

static void test_version(void **state)
{
    const char *v = f8k_analyzer_version_string();
    char expect[32];
    (void)state;
    snprintf(expect, sizeof expect, "f8k-analyzer/%u icu/", f8k_analyzer_version());
    assert_true(strncmp(v, expect, strlen(expect)) == 0);
    assert_non_null(strstr(v, " snowball-english/"));
    assert_ptr_equal(v, f8k_analyzer_version_string());
    assert_string_equal(f8k_token_class_name(F8K_TOKEN_FORM), "form");
    assert_string_equal(f8k_token_class_name((f8k_token_class_t)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_mode_equivalence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callback_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_position, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_args, setup, teardown),
        cmocka_unit_test_setup_teardown(test_huge_word, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_bytes, setup, teardown),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
