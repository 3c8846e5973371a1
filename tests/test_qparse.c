/*
 * test_qparse.c - the query language parser: query -> tree dump, query
 * -> error position and message, limits, the error display, and a
 * property test over seeded random bytes and token soups.
 */
#include "f8k_test.h"

#include <string.h>

#include <f8k/f8k_qparse.h>

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

/* Parse Q (LEN bytes) and return the malloc'd dump, failing the test
 * with the parser's message when it does not parse. */
static char *parse_dump(const char *q, size_t len, unsigned flags)
{
    f8k_qnode_t *root = NULL;
    f8k_qparse_error_t err;
    char *dump = NULL;
    f8k_status_t st = f8k_qparse(q, len, &root, &err);
    if (st != F8K_STATUS_SUCCESS)
        fail_msg("query [%.*s] failed at %zu: %s", (int)len, q, err.position, err.message);
    assert_string_equal(err.message, "");
    assert_int_equal(f8k_qnode_dump(root, flags, &dump), F8K_STATUS_SUCCESS);
    f8k_qnode_free(root);
    return dump;
}

static void expect_error(const char *q, size_t len, size_t position, const char *fragment)
{
    f8k_qnode_t *root = (f8k_qnode_t *)&root; /* must be reset to NULL */
    f8k_qparse_error_t err;
    f8k_status_t st = f8k_qparse(q, len, &root, &err);
    if (st != F8K_STATUS_BAD_QUERY) {
        char *dump = NULL;
        if (root != NULL)
            f8k_qnode_dump(root, 0, &dump);
        fail_msg("query [%.*s]: expected an error, got status %d %s", (int)(len < 80 ? len : 80), q,
                 (int)st, dump != NULL ? dump : "");
    }
    assert_null(root);
    if (err.position != position || strstr(err.message, fragment) == NULL)
        fail_msg("query [%.*s]: expected error at %zu containing [%s], got %zu: %s",
                 (int)(len < 80 ? len : 80), q, position, fragment, err.position, err.message);
}

/* ------------------------------------------------------------------ */
/* Well-formed queries                                                */
/* ------------------------------------------------------------------ */

struct good_case {
    const char *query;
    const char *dump;
};

static const struct good_case good_cases[] = {
    /* Words and the default AND. */
    {"apple", "(word \"apple\")"},
    {"  apple  ", "(word \"apple\")"},
    {"apple banana", "(and (word \"apple\") (word \"banana\"))"},
    {"apple AND banana", "(and (word \"apple\") (word \"banana\"))"},
    {"a b AND c", "(and (word \"a\") (word \"b\") (word \"c\"))"},
    {"and or not near", "(and (word \"and\") (word \"or\") (word \"not\") (word \"near\"))"},
    {"And Or", "(and (word \"And\") (word \"Or\"))"},
    {"8-K 10-Q", "(and (word \"8-K\") (word \"10-Q\"))"},
    {"Ärger über", "(and (word \"Ärger\") (word \"über\"))"},
    {"a\tb\r\nc", "(and (word \"a\") (word \"b\") (word \"c\"))"},
    {"a\xC2\xA0"
     "b\xE3\x80\x80"
     "c",
     "(and (word \"a\") (word \"b\") (word \"c\"))"},
    {"a - b", "(and (word \"a\") (word \"-\") (word \"b\"))"},
    {"+", "(word \"+\")"},
    {"--x", "(word \"--x\")"},
    {"back\\slash", "(word \"back\\\\slash\")"},
    /* OR and precedence. */
    {"apple OR banana", "(or (word \"apple\") (word \"banana\"))"},
    {"a OR b c", "(or (word \"a\") (and (word \"b\") (word \"c\")))"},
    {"a b OR c", "(or (and (word \"a\") (word \"b\")) (word \"c\"))"},
    {"a AND b OR c AND d", "(or (and (word \"a\") (word \"b\")) (and (word \"c\") (word \"d\")))"},
    {"a OR b OR c", "(or (word \"a\") (word \"b\") (word \"c\"))"},
    /* NOT, exclusion, required. */
    {"a NOT b", "(and_not (word \"a\") (word \"b\"))"},
    {"a AND NOT b", "(and_not (word \"a\") (word \"b\"))"},
    {"a -b", "(and_not (word \"a\") (word \"b\"))"},
    {"NOT a b", "(and_not (word \"b\") (word \"a\"))"},
    {"a b -c -d", "(and_not (and (word \"a\") (word \"b\")) (word \"c\") (word \"d\"))"},
    {"a -c b", "(and_not (and (word \"a\") (word \"b\")) (word \"c\"))"},
    {"NOT a", "(not (word \"a\"))"},
    {"-a", "(not (word \"a\"))"},
    {"-a -b", "(and (not (word \"a\")) (not (word \"b\")))"},
    {"NOT NOT a", "(not (not (word \"a\")))"},
    {"a OR NOT b", "(or (word \"a\") (not (word \"b\")))"},
    {"NOT a OR b", "(or (not (word \"a\")) (word \"b\"))"},
    {"x -\"a b\"", "(and_not (word \"x\") (phrase \"a\" \"b\"))"},
    {"x -company:apple", "(and_not (word \"x\") (field company (word \"apple\")))"},
    {"x -(a OR b)", "(and_not (word \"x\") (or (word \"a\") (word \"b\")))"},
    {"x -filed:2003", "(and_not (word \"x\") (date filed 20030101 20031231))"},
    {"+word", "(word \"word\" :required)"},
    {"+\"a b\" c", "(and (phrase \"a\" \"b\" :required) (word \"c\"))"},
    {"a OR +b*", "(or (word \"a\") (word \"b\" :wildcard :required))"},
    /* Phrases. */
    {"\"chief financial officer\"", "(phrase \"chief\" \"financial\" \"officer\")"},
    {"\"  spaced   out \"", "(phrase \"spaced\" \"out\")"},
    {"\"a AND (b\"", "(phrase \"a\" \"AND\" \"(b\")"},
    {"\xE2\x80\x9C"
     "chief executive"
     "\xE2\x80\x9D",
     "(phrase \"chief\" \"executive\")"},
    {"x\"a b\"y", "(and (word \"x\") (phrase \"a\" \"b\") (word \"y\"))"},
    /* NEAR. */
    {"a NEAR b", "(near 10 (word \"a\") (word \"b\"))"},
    {"a NEAR/5 b", "(near 5 (word \"a\") (word \"b\"))"},
    {"a NEAR b NEAR c", "(near 10 (word \"a\") (word \"b\") (word \"c\"))"},
    {"a NEAR b c", "(and (near 10 (word \"a\") (word \"b\")) (word \"c\"))"},
    {"x OR a NEAR/3 b", "(or (word \"x\") (near 3 (word \"a\") (word \"b\")))"},
    {"NOT a NEAR b", "(not (near 10 (word \"a\") (word \"b\")))"},
    {"\"a b\" NEAR c*", "(near 10 (phrase \"a\" \"b\") (word \"c\" :wildcard))"},
    {"a NEAR/1000 b", "(near 1000 (word \"a\") (word \"b\"))"},
    /* Wildcards. */
    {"appoint*", "(word \"appoint\" :wildcard)"},
    {"appoint**", "(word \"appoint\" :wildcard)"},
    {"a*b", "(word \"a*b\")"},
    /* Parentheses. */
    {"(a OR b) c", "(and (or (word \"a\") (word \"b\")) (word \"c\"))"},
    {"((a))", "(word \"a\")"},
    {"((a OR b) (c OR (d e)))",
     "(and (or (word \"a\") (word \"b\")) (or (word \"c\") (and (word \"d\") (word \"e\"))))"},
    {"a(b)c", "(and (word \"a\") (word \"b\") (word \"c\"))"},
    /* Fields, each one, case-insensitive names. */
    {"company:apple", "(field company (word \"apple\"))"},
    {"Company:Apple", "(field company (word \"Apple\"))"},
    {"CIK:320193", "(field cik (word \"320193\"))"},
    {"cik:0000320193", "(field cik (word \"0000320193\"))"},
    {"officer:\"rose marcario\"", "(field officer (phrase \"rose\" \"marcario\"))"},
    {"role:cfo", "(field role (word \"cfo\"))"},
    {"role:\"chief financial officer\"",
     "(field role (phrase \"chief\" \"financial\" \"officer\"))"},
    {"item:5.02", "(field item (word \"5.02\"))"},
    {"ITEM:5", "(field item (word \"5\"))"},
    {"form:8-K/A", "(field form (word \"8-K/A\"))"},
    {"exhibit:99.1", "(field exhibit (word \"99.1\"))"},
    {"state:DE", "(field state (word \"DE\"))"},
    {"sic:6036", "(field sic (word \"6036\"))"},
    {"accession:0000943374-24-000509", "(field accession (word \"0000943374-24-000509\"))"},
    {"company:appl*", "(field company (word \"appl\" :wildcard))"},
    {"company:(apple OR ibm)", "(field company (or (word \"apple\") (word \"ibm\")))"},
    {"officer:(rose NEAR marcario) cfo",
     "(and (field officer (near 10 (word \"rose\") (word \"marcario\"))) (word \"cfo\"))"},
    {"company:apple:inc", "(field company (word \"apple:inc\"))"},
    /* Unknown fields and colons are text. */
    {"foo:bar", "(word \"foo:bar\")"},
    {"meeting at 10:30", "(and (word \"meeting\") (word \"at\") (word \"10:30\"))"},
    {"http://sec.gov", "(word \"http://sec.gov\")"},
    {"foo:", "(word \"foo:\")"},
    {":", "(word \":\")"},
    /* Dates. */
    {"filed:2003-01-01..2003-12-31", "(date filed 20030101 20031231)"},
    {"reported:..2004-08-22", "(date reported * 20040822)"},
    {"filed:2003-01-01..", "(date filed 20030101 *)"},
    {"filed:2003", "(date filed 20030101 20031231)"},
    {"filed:2003-06", "(date filed 20030601 20030630)"},
    {"filed:2004-02", "(date filed 20040201 20040229)"},
    {"filed:1900-02", "(date filed 19000201 19000228)"},
    {"filed:2000-02-29", "(date filed 20000229 20000229)"},
    {"filed:2003..2004-06", "(date filed 20030101 20040630)"},
    {"filed:2003..2003", "(date filed 20030101 20031231)"},
    {"FILED:2003-06-27", "(date filed 20030627 20030627)"},
    {"Reported:2003-06..", "(date reported 20030601 *)"},
    {"ceo filed:2003 OR cfo",
     "(or (and (word \"ceo\") (date filed 20030101 20031231)) (word \"cfo\"))"},
};

static void test_good_queries(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof good_cases / sizeof good_cases[0]; i++) {
        char *dump = parse_dump(good_cases[i].query, strlen(good_cases[i].query), 0);
        if (strcmp(dump, good_cases[i].dump) != 0)
            fail_msg("query [%s]\n  got  %s\n  want %s", good_cases[i].query, dump,
                     good_cases[i].dump);
        free(dump);
    }
}

/* ------------------------------------------------------------------ */
/* Malformed queries                                                  */
/* ------------------------------------------------------------------ */

struct bad_case {
    const char *query;
    size_t len; /* 0: strlen(query) */
    size_t position;
    const char *fragment;
};

static const struct bad_case bad_cases[] = {
    {"", 0, 0, "empty query"},
    {"   \t\n", 0, 0, "empty query"},
    /* Lone and misplaced operators. */
    {"AND", 0, 0, "'AND' needs a term before it"},
    {"OR a", 0, 0, "'OR' needs a term before it"},
    {"NEAR a", 0, 0, "'NEAR' needs a term before it"},
    {"a AND", 0, 2, "'AND' needs a term after it"},
    {"a OR", 0, 2, "'OR' needs a term after it"},
    {"NOT", 0, 0, "'NOT' needs a term after it"},
    {"a NOT", 0, 2, "'NOT' needs a term after it"},
    {"a NEAR", 0, 2, "'NEAR' needs a term after it"},
    {"a AND OR b", 0, 2, "'AND' needs a term after it"},
    {"a OR AND b", 0, 2, "'OR' needs a term after it"},
    {"(a OR)", 0, 3, "'OR' needs a term after it"},
    {"-AND", 0, 0, "'-' needs a term after it"},
    {"- AND", 0, 2, "'AND' needs a term after it"},
    /* Quotes and parentheses. */
    {"\"abc", 0, 0, "unbalanced quote"},
    {"a \"b c", 0, 2, "unbalanced quote"},
    {"\"a\" \"b", 0, 4, "unbalanced quote"},
    {"(a", 0, 0, "unbalanced '('"},
    {"x ((a) b", 0, 2, "unbalanced '('"},
    {"a)", 0, 1, "unbalanced ')'"},
    {"(a))", 0, 3, "unbalanced ')'"},
    {")", 0, 0, "unbalanced ')'"},
    {"()", 0, 0, "empty parentheses"},
    {"a ( )", 0, 2, "empty parentheses"},
    {"\"\"", 0, 0, "empty phrase"},
    {"a \"  \"", 0, 2, "empty phrase"},
    /* Fields. */
    {"company:", 0, 0, "'company:' needs a value"},
    {"company: apple", 0, 0, "'company:' needs a value"},
    {"x filed:", 0, 2, "'filed:' needs a value"},
    {"officer:)", 0, 0, "'officer:' needs a value"},
    {"item:(5.02 OR 8.01)", 0, 5, "only the text fields"},
    {"company:(apple cik:1)", 0, 15, "cannot appear inside"},
    {"company:(apple", 0, 8, "unbalanced '('"},
    {"company:()", 0, 8, "empty parentheses"},
    {"cik:apple", 0, 4, "cik: takes a number"},
    {"cik:12345678901", 0, 4, "cik: takes a number"},
    {"cik:123*", 0, 4, "cik: takes a number"},
    {"cik:\"1 2\"", 0, 4, "cik: takes a number"},
    {"company:*", 0, 8, "wildcard"},
    /* Dates. */
    {"filed:2003-13-45", 0, 11, "month must be 01 to 12"},
    {"filed:2003-00", 0, 11, "month"},
    {"filed:2003-02-30", 0, 14, "day 30 does not exist in 2003-02"},
    {"filed:2003-02-29", 0, 14, "day 29"},
    {"filed:1900-02-29", 0, 14, "day 29"},
    {"filed:2003-04-31", 0, 14, "day 31"},
    {"filed:2003-01-00", 0, 14, "day 00"},
    {"filed:2003-1-1", 0, 6, "expected a date"},
    {"filed:yesterday", 0, 6, "expected a date"},
    {"filed:20030101", 0, 6, "expected a date"},
    {"filed:0000", 0, 6, "year 0000"},
    {"filed:..", 0, 6, "at least one end"},
    {"filed:...2003", 0, 8, "expected a date"},
    {"filed:2003..2004..2005", 0, 12, "expected a date"},
    {"filed:2004..2003", 0, 6, "ends before it starts"},
    {"filed:2003-06-02..2003-06-01", 0, 6, "ends before it starts"},
    {"reported:2003..13", 0, 15, "expected a date"},
    {"filed:\"2003\"", 0, 6, "'filed:' takes a date"},
    {"filed:(2003)", 0, 6, "only the text fields"},
    {"filed:2003*", 0, 6, "expected a date"},
    /* Wildcards. */
    {"*", 0, 0, "wildcard"},
    {"a ***", 0, 2, "wildcard"},
    /* NEAR. */
    {"a NEAR/0 b", 0, 2, "window must be 1 to 1000"},
    {"a NEAR/1001 b", 0, 2, "window must be 1 to 1000"},
    {"a NEAR/99999999999999999999 b", 0, 2, "window must be"},
    {"a NEAR/x b", 0, 2, "NEAR/ needs a number"},
    {"a NEAR/ b", 0, 2, "NEAR/ needs a number"},
    {"a NEAR/2 b NEAR/3 c", 0, 11, "one window"},
    {"(a b) NEAR c", 0, 1, "NEAR works on words and phrases"},
    {"a NEAR company:x", 0, 7, "NEAR works on words and phrases"},
    {"a NEAR -b", 0, 7, "NEAR works on words and phrases"},
    {"-a NEAR b", 0, 0, "NEAR works on words and phrases"},
    /* Bytes. */
    {"a\x01"
     "b",
     0, 1, "control character U+0001"},
    {"a\x7F", 0, 1, "control character U+007F"},
    {"a\0b", 3, 1, "control character U+0000"},
    {"ab\xFF", 0, 2, "invalid UTF-8"},
    {"\xC0\xAF", 0, 0, "invalid UTF-8"},
    {"x \xED\xA0\x80", 0, 2, "invalid UTF-8"},
    {"abc\xE2\x80", 0, 3, "invalid UTF-8"},
    {"\xF4\x90\x80\x80", 0, 0, "invalid UTF-8"},
    {"caf\xE9 latin-1", 0, 3, "invalid UTF-8 (byte 0xE9)"},
    {"\"a\xFF\"", 0, 2, "invalid UTF-8"},
};

static void test_bad_queries(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        expect_error(c->query, c->len != 0 ? c->len : strlen(c->query), c->position, c->fragment);
    }
}

/* ------------------------------------------------------------------ */
/* Limits                                                             */
/* ------------------------------------------------------------------ */

/* A malloc'd string of N copies of UNIT followed by TAIL. */
static char *repeat(const char *unit, size_t n, const char *tail)
{
    size_t u = strlen(unit);
    size_t t = strlen(tail);
    char *s = malloc(u * n + t + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    memcpy(s + u * n, tail, t + 1);
    return s;
}

static void test_ten_thousand_terms(void **state)
{
    char *q = repeat("w ", 10000, "");
    (void)state;
    expect_error(q, strlen(q), F8K_QPARSE_MAX_BYTES, "query too long (more than 8192 bytes)");
    free(q);
}

static void test_term_limit(void **state)
{
    f8k_qnode_t *root = NULL;
    char *q = repeat("a ", F8K_QPARSE_MAX_TERMS, "");
    (void)state;
    /* Exactly the limit parses into one flat AND: no deep tree. */
    assert_int_equal(f8k_qparse(q, strlen(q), &root, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(root->kind, F8K_QNODE_AND);
    assert_int_equal(root->n_children, F8K_QPARSE_MAX_TERMS);
    f8k_qnode_free(root);
    free(q);

    /* One more is refused, at the extra word. */
    q = repeat("a ", F8K_QPARSE_MAX_TERMS, "b");
    expect_error(q, strlen(q), 2 * F8K_QPARSE_MAX_TERMS, "more than 1000 terms");
    free(q);

    /* Phrase words count too. */
    q = repeat("a ", F8K_QPARSE_MAX_TERMS + 2, "\"");
    q[0] = '"';
    expect_error(q, strlen(q), 2 * (F8K_QPARSE_MAX_TERMS + 1), "more than 1000 terms");
    free(q);
}

static void test_nesting_limit(void **state)
{
    char *open = NULL;
    char *q = NULL;
    char *dump = NULL;
    (void)state;

    /* 64 levels parse. */
    open = repeat("(", F8K_QPARSE_MAX_DEPTH, "a");
    q = repeat(")", F8K_QPARSE_MAX_DEPTH, "");
    {
        size_t lo = strlen(open);
        size_t lq = strlen(q);
        char *full = malloc(lo + lq + 1);
        assert_non_null(full);
        memcpy(full, open, lo);
        memcpy(full + lo, q, lq + 1);
        dump = parse_dump(full, lo + lq, 0);
        assert_string_equal(dump, "(word \"a\")");
        free(dump);
        free(full);
    }
    free(open);
    free(q);

    /* 65 do not: the error is at the 65th '('. */
    q = repeat("(", F8K_QPARSE_MAX_DEPTH + 1, "a)");
    expect_error(q, strlen(q), F8K_QPARSE_MAX_DEPTH, "nested too deeply");
    free(q);

    /* 4,000 open parentheses (under the byte limit): same error. */
    q = repeat("(", 4000, "");
    expect_error(q, strlen(q), F8K_QPARSE_MAX_DEPTH, "nested too deeply");
    free(q);

    /* 10,000 levels: refused by the size limit before any recursion. */
    q = repeat("(", 10000, "");
    expect_error(q, strlen(q), F8K_QPARSE_MAX_BYTES, "query too long");
    free(q);

    /* A chain of NOT counts as nesting too. */
    q = repeat("NOT ", 2000, "a");
    expect_error(q, strlen(q), 4 * F8K_QPARSE_MAX_DEPTH, "nested too deeply");
    free(q);

    /* Field groups count. */
    q = repeat("(", F8K_QPARSE_MAX_DEPTH, "company:(a)");
    expect_error(q, strlen(q), F8K_QPARSE_MAX_DEPTH + 8, "nested too deeply");
    free(q);
}

static void test_long_word_and_exact_size_limit(void **state)
{
    f8k_qnode_t *root = NULL;
    char *q = repeat("x", F8K_QPARSE_MAX_BYTES, "");
    (void)state;
    assert_int_equal(f8k_qparse(q, strlen(q), &root, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(root->kind, F8K_QNODE_WORD);
    assert_int_equal(strlen(root->text), F8K_QPARSE_MAX_BYTES);
    f8k_qnode_free(root);
    free(q);
    q = repeat("x", F8K_QPARSE_MAX_BYTES + 1, "");
    expect_error(q, strlen(q), F8K_QPARSE_MAX_BYTES, "query too long");
    free(q);
}

/* ------------------------------------------------------------------ */
/* Spans, API edges                                                   */
/* ------------------------------------------------------------------ */

static void test_spans(void **state)
{
    static const char q[] = "apple \"chief officer\" company:ibm filed:2003 -x +y*";
    char *dump = parse_dump(q, strlen(q), F8K_QDUMP_SPANS);
    (void)state;
    assert_string_equal(dump, "(and_not"
                              " (and (word \"apple\")@0-5"
                              " (phrase (word \"chief\")@7-12 (word \"officer\")@13-20)@6-21"
                              " (field company (word \"ibm\")@30-33)@22-33"
                              " (date filed 20030101 20031231)@34-44"
                              " (word \"y\" :wildcard :required)@48-51)@0-51"
                              " (word \"x\")@46-47)@0-51");
    free(dump);

    dump = parse_dump("a NEAR/2 \"b c\"", 14, F8K_QDUMP_SPANS);
    assert_string_equal(
        dump, "(near 2 (word \"a\")@0-1 (phrase (word \"b\")@10-11 (word \"c\")@12-13)@9-14)@0-14");
    free(dump);
}

static void test_node_fields(void **state)
{
    f8k_qnode_t *root = NULL;
    (void)state;
    assert_int_equal(f8k_qparse("reported:..2004-08-22", 21, &root, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(root->kind, F8K_QNODE_DATE_RANGE);
    assert_int_equal(root->field, F8K_QFIELD_REPORTED);
    assert_null(root->lo);
    assert_string_equal(root->hi, "20040822");
    assert_null(root->text);
    assert_int_equal(root->n_children, 0);
    f8k_qnode_free(root);

    assert_int_equal(f8k_qparse("\"a  b\"", 6, &root, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(root->kind, F8K_QNODE_PHRASE);
    assert_string_equal(root->text, "a  b");
    assert_int_equal(root->n_children, 2);
    assert_string_equal(root->children[1]->text, "b");
    f8k_qnode_free(root);
}

static void test_api_edges(void **state)
{
    f8k_qnode_t *root = NULL;
    f8k_qparse_error_t err;
    char *text = (char *)&text;
    (void)state;
    f8k_qnode_free(NULL);
    assert_int_equal(f8k_qparse("a", 1, NULL, &err), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_qparse(NULL, 3, &root, &err), F8K_STATUS_INVALID_ARG);
    assert_null(root);
    assert_int_equal(f8k_qparse(NULL, 0, &root, &err), F8K_STATUS_BAD_QUERY);
    assert_string_equal(err.message, "empty query");
    assert_int_equal(f8k_qparse("a AND", 5, &root, NULL), F8K_STATUS_BAD_QUERY);
    assert_int_equal(f8k_qnode_dump(NULL, 0, &text), F8K_STATUS_INVALID_ARG);
    assert_null(text);
    assert_int_equal(f8k_qparse_format_error("a", 1, NULL, &text), F8K_STATUS_INVALID_ARG);
    assert_string_equal(f8k_qfield_name(F8K_QFIELD_ACCESSION), "accession");
    assert_string_equal(f8k_qfield_name(F8K_QFIELD_LAST), "");
    assert_string_equal(f8k_qfield_name((f8k_qfield_t)-3), "");
    assert_string_equal(f8k_qnode_kind_name(F8K_QNODE_AND_NOT), "and_not");
    assert_true(f8k_qfield_is_text(F8K_QFIELD_COMPANY));
    assert_true(f8k_qfield_is_text(F8K_QFIELD_OFFICER));
    assert_false(f8k_qfield_is_text(F8K_QFIELD_CIK));
}

/* ------------------------------------------------------------------ */
/* Error display                                                      */
/* ------------------------------------------------------------------ */

static char *formatted(const char *q, size_t len)
{
    f8k_qnode_t *root = NULL;
    f8k_qparse_error_t err;
    char *text = NULL;
    assert_int_equal(f8k_qparse(q, len, &root, &err), F8K_STATUS_BAD_QUERY);
    assert_int_equal(f8k_qparse_format_error(q, len, &err, &text), F8K_STATUS_SUCCESS);
    return text;
}

static void test_format_error(void **state)
{
    char *text = NULL;
    char *q = NULL;
    (void)state;

    text = formatted("a AND", 5);
    assert_string_equal(text, "syntax error at column 3: 'AND' needs a term after it\n"
                              "  a AND\n"
                              "    ^\n");
    free(text);

    /* Columns count characters, not bytes. */
    text = formatted("\xC3\x84rger AND", 10);
    assert_string_equal(text, "syntax error at column 7: 'AND' needs a term after it\n"
                              "  \xC3\x84rger AND\n"
                              "        ^\n");
    free(text);

    /* Invalid bytes show as U+FFFD, control characters as '?'. */
    text = formatted("ab\xFF", 3);
    assert_string_equal(text, "syntax error at column 3: invalid UTF-8 (byte 0xFF)\n"
                              "  ab\xEF\xBF\xBD\n"
                              "    ^\n");
    free(text);
    text = formatted("a\x01 b", 4);
    assert_string_equal(text, "syntax error at column 2: control character U+0001 is not "
                              "allowed\n"
                              "  a? b\n"
                              "   ^\n");
    free(text);

    /* At the end of the query. */
    text = formatted("\"abc", 4);
    assert_string_equal(text, "syntax error at column 1: unbalanced quote: missing closing "
                              "'\"'\n"
                              "  \"abc\n"
                              "  ^\n");
    free(text);

    /* A long query is cut to a window around the caret. */
    q = repeat("ab ", 100, "AND");
    text = formatted(q, strlen(q));
    assert_non_null(strstr(text, "syntax error at column 301: 'AND' needs a term after it\n"));
    {
        const char *line2 = strchr(text, '\n') + 1;
        const char *line3 = strchr(line2, '\n') + 1;
        size_t caret = (size_t)(strchr(line3, '^') - line3);
        assert_memory_equal(line2, "  ...", 5);
        assert_int_equal(line2[caret], 'A');
        assert_int_equal(line2[caret + 1], 'N');
    }
    free(text);
    free(q);

    /* The size-limit error on a huge query stays short. */
    q = repeat("w ", 10000, "");
    text = formatted(q, strlen(q));
    assert_true(strlen(text) < 300);
    assert_non_null(strstr(text, "..."));
    free(text);
    free(q);
}

/* ------------------------------------------------------------------ */
/* Property test: nothing crashes, every answer is well formed        */
/* ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    /* xorshift64*: fixed seed, so a failure reproduces. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static size_t count_words(const f8k_qnode_t *n)
{
    size_t c = n->kind == F8K_QNODE_WORD;
    for (size_t i = 0; i < n->n_children; i++)
        c += count_words(n->children[i]);
    return c;
}

/* Check the tree invariants; returns false at the first violation. */
static bool tree_ok(const f8k_qnode_t *n, size_t len)
{
    if (n->start >= n->end || n->end > len)
        return false;
    switch (n->kind) {
    case F8K_QNODE_AND:
    case F8K_QNODE_OR:
    case F8K_QNODE_AND_NOT:
    case F8K_QNODE_NEAR:
        if (n->n_children < 2)
            return false;
        break;
    case F8K_QNODE_NOT:
    case F8K_QNODE_FIELD:
        if (n->n_children != 1)
            return false;
        break;
    case F8K_QNODE_WORD:
        if (n->text == NULL || n->text[0] == '\0' || n->n_children != 0)
            return false;
        break;
    case F8K_QNODE_PHRASE:
        if (n->text == NULL || n->n_children < 1)
            return false;
        break;
    case F8K_QNODE_DATE_RANGE:
        if ((n->lo == NULL && n->hi == NULL) || n->n_children != 0)
            return false;
        break;
    }
    for (size_t i = 0; i < n->n_children; i++) {
        const f8k_qnode_t *c = n->children[i];
        if (c == NULL || c->start < n->start || c->end > n->end || !tree_ok(c, len))
            return false;
    }
    return true;
}

static void check_one(const char *q, size_t len)
{
    f8k_qnode_t *root = NULL;
    f8k_qnode_t *again = NULL;
    f8k_qparse_error_t err;
    char *a = NULL;
    char *b = NULL;
    f8k_status_t st = f8k_qparse(q, len, &root, &err);

    if (st == F8K_STATUS_SUCCESS) {
        assert_non_null(root);
        if (!tree_ok(root, len))
            fail_msg("bad tree for [%.*s]", (int)len, q);
        assert_true(count_words(root) <= F8K_QPARSE_MAX_TERMS);
        assert_int_equal(f8k_qnode_dump(root, F8K_QDUMP_SPANS, &a), F8K_STATUS_SUCCESS);
        /* Deterministic: the same query gives the same tree. */
        assert_int_equal(f8k_qparse(q, len, &again, NULL), F8K_STATUS_SUCCESS);
        assert_int_equal(f8k_qnode_dump(again, F8K_QDUMP_SPANS, &b), F8K_STATUS_SUCCESS);
        assert_string_equal(a, b);
    } else {
        if (st != F8K_STATUS_BAD_QUERY)
            fail_msg("status %d for [%.*s]", (int)st, (int)len, q);
        assert_null(root);
        assert_true(err.position <= len);
        assert_true(err.message[0] != '\0');
        assert_int_equal(f8k_qparse_format_error(q, len, &err, &a), F8K_STATUS_SUCCESS);
        assert_non_null(strstr(a, "syntax error at column "));
    }
    free(a);
    free(b);
    f8k_qnode_free(root);
    f8k_qnode_free(again);
}

static void test_random_bytes(void **state)
{
    char buf[96];
    (void)state;
    rng_state = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 3000; i++) {
        size_t len = (size_t)(rng_next() % sizeof buf);
        for (size_t k = 0; k < len; k++) {
            uint64_t r = rng_next();
            /* Half the time printable ASCII, so some inputs get past UTF-8. */
            buf[k] = (char)((r & 1) ? (int)(0x20 + (r >> 8) % 95) : (int)((r >> 8) & 0xFF));
        }
        check_one(buf, len);
    }
}

static void test_random_token_soup(void **state)
{
    static const char *const pieces[] = {
        "a",
        "bc",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "NEAR/3",
        "NEAR/0",
        "(",
        ")",
        "\"",
        "-",
        "+",
        "*",
        "x*",
        "company:",
        "officer:",
        "cik:",
        "item:",
        "filed:",
        "reported:",
        "2003",
        "2003-06",
        "..",
        "2003-02-30",
        "-13",
        "12",
        "foo:",
        ":",
        "\xE2\x80\x9C",
        "\xE2\x80\x9D",
        "\xC2\xA0",
        "\xC3\xA9",
        "\xFF",
        "\x01",
        "\t",
        "and",
        "10:30",
        "8-K",
    };
    const size_t n_pieces = sizeof pieces / sizeof pieces[0];
    char buf[512];
    (void)state;
    rng_state = 0xD1B54A32D192ED03ULL;
    for (int i = 0; i < 4000; i++) {
        size_t len = 0;
        size_t n = (size_t)(rng_next() % 24);
        for (size_t k = 0; k < n; k++) {
            const char *piece = pieces[rng_next() % n_pieces];
            size_t pl = strlen(piece);
            if (len + pl + 1 >= sizeof buf)
                break;
            memcpy(buf + len, piece, pl);
            len += pl;
            if (rng_next() % 3 != 0)
                buf[len++] = ' ';
        }
        check_one(buf, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_queries),
        cmocka_unit_test(test_bad_queries),
        cmocka_unit_test(test_ten_thousand_terms),
        cmocka_unit_test(test_term_limit),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_long_word_and_exact_size_limit),
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_node_fields),
        cmocka_unit_test(test_api_edges),
        cmocka_unit_test(test_format_error),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_random_token_soup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
