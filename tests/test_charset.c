/*
 * test_charset.c - f8k_text_to_utf8(): every class of invalid UTF-8,
 * Latin-1, Windows-1252, NUL bytes, empty input, and the whole shared
 * corpus (every file comes out as valid UTF-8 without NUL bytes, and
 * valid files come out unchanged).
 */
#include "f8k_test.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include <f8k/f8k_charset.h>

#include "analysis-private.h"

#define FFFD "\xEF\xBF\xBD"

/* Enough well-formed multi-byte UTF-8 to make the input "UTF-8 with errors". */
#define UTF8_CONTEXT "caf\xC3\xA9 na\xC3\xAFve r\xC3\xA9sum\xC3\xA9 "

struct charset_case {
    const char *name;
    const char *input;
    size_t input_len; /* 0: strlen(input) */
    const char *expected;
    size_t expected_len; /* 0: strlen(expected) */
};

static const struct charset_case cases[] = {
    {"ascii kept", "Item 5.02 Departure of Directors", 0, "Item 5.02 Departure of Directors", 0},
    {"utf-8 kept", "Nestl\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xF0\x9F\x98\x80", 0,
     "Nestl\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xF0\x9F\x98\x80", 0},
    {"nul in ascii", "a\0b\0", 4, "a b ", 0},
    {"nul in utf-8 with errors", UTF8_CONTEXT "\0x\x80", sizeof(UTF8_CONTEXT) + 2,
     UTF8_CONTEXT " x" FFFD, 0},
    {"lone continuation", UTF8_CONTEXT "a\x80z", 0, UTF8_CONTEXT "a" FFFD "z", 0},
    {"two lone continuations", UTF8_CONTEXT "a\x80\xBFz", 0, UTF8_CONTEXT "a" FFFD FFFD "z", 0},
    {"truncated 3-byte at end", UTF8_CONTEXT "\xE2\x82", 0, UTF8_CONTEXT FFFD, 0},
    {"truncated 4-byte at end", UTF8_CONTEXT "\xF0\x9F\x98", 0, UTF8_CONTEXT FFFD, 0},
    {"truncated 2-byte mid-text", UTF8_CONTEXT "\xC3 x", 0, UTF8_CONTEXT FFFD " x", 0},
    {"overlong 2-byte slash", UTF8_CONTEXT "\xC0\xAF", 0, UTF8_CONTEXT FFFD FFFD, 0},
    {"overlong 3-byte", UTF8_CONTEXT "\xE0\x80\xAF", 0, UTF8_CONTEXT FFFD FFFD FFFD, 0},
    {"overlong 4-byte", UTF8_CONTEXT "\xF0\x80\x80\xAF", 0, UTF8_CONTEXT FFFD FFFD FFFD FFFD, 0},
    {"surrogate high", UTF8_CONTEXT "\xED\xA0\x80", 0, UTF8_CONTEXT FFFD FFFD FFFD, 0},
    {"surrogate low", UTF8_CONTEXT "\xED\xBF\xBF", 0, UTF8_CONTEXT FFFD FFFD FFFD, 0},
    {"above U+10FFFF", UTF8_CONTEXT "\xF4\x90\x80\x80", 0, UTF8_CONTEXT FFFD FFFD FFFD FFFD, 0},
    {"F5 lead", UTF8_CONTEXT "\xF5\x80", 0, UTF8_CONTEXT FFFD FFFD, 0},
    {"FE and FF", UTF8_CONTEXT "\xFE-\xFF", 0, UTF8_CONTEXT FFFD "-" FFFD, 0},
    {"latin-1 e acute", "Soci\xE9t\xE9 G\xE9n\xE9rale, caf\xE9", 0,
     "Soci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9rale, caf\xC3\xA9", 0},
    {"cp1252 curly quotes",
     "the \x93"
     "Company\x94 and its \x91shares\x92",
     0,
     "the \xE2\x80\x9C"
     "Company\xE2\x80\x9D and its \xE2\x80\x98shares\xE2\x80\x99",
     0},
    {"cp1252 euro and dash", "\x80 5 million \x96 net", 0,
     "\xE2\x82\xAC 5 million \xE2\x80\x93 net", 0},
    {"cp1252 undefined byte", "\x93x\x94 \x81", 0, "\xE2\x80\x9Cx\xE2\x80\x9D " FFFD, 0},
    {"cp1252 with nul", "\x93x\x94\0y", 5, "\xE2\x80\x9Cx\xE2\x80\x9D y", 0},
};

static void test_table(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct charset_case *c = &cases[i];
        size_t in_len = c->input_len ? c->input_len : strlen(c->input);
        size_t exp_len = c->expected_len ? c->expected_len : strlen(c->expected);
        char *out = NULL;
        size_t out_len = 0;
        f8k_status_t st = f8k_text_to_utf8(c->input, in_len, &out, &out_len);
        if (st != F8K_STATUS_SUCCESS || out_len != exp_len || memcmp(out, c->expected, exp_len))
            fail_msg("case \"%s\": status %d, got \"%s\" (%zu bytes), expected \"%s\"", c->name,
                     (int)st, out ? out : "(null)", out_len, c->expected);
        assert_int_equal(out[out_len], '\0');
        assert_true(analysis_utf8_valid(out, out_len));
        free(out);
    }
}

static void test_empty_and_invalid_args(void **state)
{
    char *out = (char *)state; /* Any non-NULL value: it must be reset. */
    size_t out_len = 99;
    (void)state;

    assert_int_equal(f8k_text_to_utf8("", 0, &out, &out_len), F8K_STATUS_SUCCESS);
    assert_non_null(out);
    assert_int_equal(out_len, 0);
    assert_string_equal(out, "");
    free(out);

    out = NULL;
    assert_int_equal(f8k_text_to_utf8(NULL, 0, &out, &out_len), F8K_STATUS_SUCCESS);
    assert_non_null(out);
    free(out);

    out = (char *)&out_len;
    assert_int_equal(f8k_text_to_utf8(NULL, 3, &out, &out_len), F8K_STATUS_INVALID_ARG);
    assert_null(out);
    assert_int_equal(f8k_text_to_utf8("abc", 3, NULL, &out_len), F8K_STATUS_INVALID_ARG);
}

/* Every byte value 0..255 in every position of a short window: valid, NUL-free output. */
static void test_all_byte_pairs(void **state)
{
    unsigned a, b;
    (void)state;
    for (a = 0; a < 256; a++) {
        for (b = 0; b < 256; b++) {
            char in[6] = {'x', (char)a, (char)b, (char)0xE2, (char)0x82, 'y'};
            char *out = NULL;
            size_t out_len = 0;
            assert_int_equal(f8k_text_to_utf8(in, sizeof in, &out, &out_len), F8K_STATUS_SUCCESS);
            assert_true(analysis_utf8_valid(out, out_len));
            assert_null(memchr(out, '\0', out_len));
            free(out);
        }
    }
}

struct walk_stats {
    size_t files, bytes, converted;
};

static void check_file(const char *path, void *closure)
{
    struct walk_stats *stats = closure;
    size_t len = 0, out_len = 0;
    char *buf = f8k_test_read_file(path, &len);
    char *out = NULL;

    assert_non_null(buf);
    assert_int_equal(f8k_text_to_utf8(buf, len, &out, &out_len), F8K_STATUS_SUCCESS);
    assert_true(analysis_utf8_valid(out, out_len));
    assert_null(memchr(out, '\0', out_len));
    if (analysis_utf8_valid(buf, len) && memchr(buf, '\0', len) == NULL) {
        assert_int_equal(out_len, len);
        assert_memory_equal(out, buf, len);
    } else {
        stats->converted++;
    }
    stats->files++;
    stats->bytes += len;
    free(out);
    free(buf);
}

static void test_corpus(void **state)
{
    char *dir = f8k_test_corpus_dir();
    char *seeds = f8k_test_seeds_dir();
    struct walk_stats stats = {0, 0, 0};
    (void)state;

    if (dir == NULL) {
        free(seeds);
        skip();
    }
    f8k_test_each_filing(dir, check_file, &stats);
    if (seeds != NULL)
        f8k_test_each_filing(seeds, check_file, &stats);
    print_message("corpus: %zu files, %zu bytes, %zu converted\n", stats.files, stats.bytes,
                  stats.converted);
    assert_true(stats.files >= 4350);
    free(dir);
    free(seeds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_empty_and_invalid_args),
        cmocka_unit_test(test_all_byte_pairs),
        cmocka_unit_test(test_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
