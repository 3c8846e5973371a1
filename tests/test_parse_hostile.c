/*
 * test_parse_hostile.c - bad input never crashes the parser: it gives
 * BAD_INPUT with a one-line reason, or a sane record (valid UTF-8 text,
 * no NUL bytes).  Also: HTML layout rules, and linear time on 50 MB.
 */
#include "f8k_test.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include <f8k/f8k_filing.h>

/*
 * Parse BUF; it must either succeed with a sane record or fail with
 * BAD_INPUT and a one-line reason.  Returns the status.
 */
static f8k_status_t parse_checked(const char *buf, size_t len, f8k_filing_t **out)
{
    f8k_filing_t *f = NULL;
    char *error = NULL;
    f8k_status_t status = f8k_filing_parse("hostile.txt", buf, len, &f, &error);

    if (status == F8K_STATUS_SUCCESS) {
        assert_non_null(f);
        assert_null(error);
        for (size_t i = 0; i < f->n_documents; i++) {
            assert_non_null(f->documents[i].text);
            assert_int_equal(strlen(f->documents[i].text), f->documents[i].text_len);
            assert_true(f8k_test_valid_utf8(f->documents[i].text, f->documents[i].text_len));
        }
    } else {
        assert_int_equal(status, F8K_STATUS_BAD_INPUT);
        assert_null(f);
        assert_non_null(error);
        assert_true(strlen(error) > 0);
        assert_null(strchr(error, '\n'));
    }
    free(error);
    if (out != NULL)
        *out = f;
    else
        f8k_filing_free(f);
    return status;
}

static void test_empty_and_blank(void **state)
{
    (void)state;
    assert_int_equal(parse_checked("", 0, NULL), F8K_STATUS_BAD_INPUT);
    assert_int_equal(parse_checked(NULL, 0, NULL), F8K_STATUS_BAD_INPUT);
    assert_int_equal(parse_checked(" \n\t\r\n  ", 7, NULL), F8K_STATUS_BAD_INPUT);
    assert_int_equal(parse_checked("\xEF\xBB\xBF\n", 4, NULL), F8K_STATUS_BAD_INPUT);
    assert_int_equal(parse_checked("<html><body></body></html>", 26, NULL), F8K_STATUS_BAD_INPUT);
}

static void test_binary(void **state)
{
    char buf[4096];
    unsigned seed = 12345;

    (void)state;
    memset(buf, 0, sizeof(buf));
    assert_int_equal(parse_checked(buf, sizeof(buf), NULL), F8K_STATUS_BAD_INPUT);
    for (size_t i = 0; i < sizeof(buf); i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (char)(seed >> 16);
    }
    assert_int_equal(parse_checked(buf, sizeof(buf), NULL), F8K_STATUS_BAD_INPUT);
}

/* A few NULs inside otherwise normal text: a record, NULs gone. */
static void test_stray_nuls(void **state)
{
    static const char text[] = "FORM 8-K\n\nItem 5.\0 Other Events\n\nThe\0company announced.";
    f8k_filing_t *f = NULL;

    (void)state;
    assert_int_equal(parse_checked(text, sizeof(text) - 1, &f), F8K_STATUS_SUCCESS);
    assert_int_equal(f->n_documents, 1);
    assert_non_null(strstr(f->documents[0].text, "Other Events"));
    f8k_filing_free(f);
}

/* Latin-1 / Windows-1252 bytes become valid UTF-8. */
static void test_invalid_utf8(void **state)
{
    static const char text[] = "Item 5.02 \x93"
                               "Departure\x94 of Jos\xE9 M\xFCller \xC3\x28 \xFF\xFE";
    static const char sgml[] = "<SEC-DOCUMENT>0000000001-94-000001.txt : 19940101\n"
                               "<SEC-HEADER>\nCOMPANY CONFORMED NAME:\tCAF\xC9 CORP\n"
                               "</SEC-HEADER>\n<DOCUMENT>\n<TYPE>8-K\n<TEXT>\nCaf\xE9"
                               " "
                               "\x80 news\n</TEXT>\n</DOCUMENT>\n";
    f8k_filing_t *f = NULL;

    (void)state;
    assert_int_equal(parse_checked(text, sizeof(text) - 1, &f), F8K_STATUS_SUCCESS);
    assert_non_null(strstr(f->documents[0].text, "Departure"));
    f8k_filing_free(f);
    assert_int_equal(parse_checked(sgml, sizeof(sgml) - 1, &f), F8K_STATUS_SUCCESS);
    assert_string_equal(f->accession, "0000000001-94-000001");
    assert_int_equal(f->n_documents, 1);
    assert_non_null(strstr(f->documents[0].text, "news"));
    f8k_filing_free(f);
}

/* A real submission cut after each of its lines never crashes. */
static void test_truncated_real_file(void **state)
{
    char *dir = f8k_test_corpus_dir();
    char *path = NULL;
    char *buf = NULL;
    size_t len = 0;
    size_t ok = 0;
    size_t bad = 0;

    (void)state;
    if (dir == NULL)
        skip();
    path = f8k_test_path(dir, "edgartools-cassettes/0000950137-05-004969.txt");
    buf = f8k_test_read_file(path, &len);
    assert_non_null(buf);
    for (size_t i = 0; i < len; i++) {
        f8k_status_t status;
        if (buf[i] != '\n')
            continue;
        status = parse_checked(buf, i + 1, NULL);
        if (status == F8K_STATUS_SUCCESS)
            ok++;
        else
            bad++;
        if (ok + bad > 400) /* the header and the start of the body */
            break;
    }
    /* Cut inside the header: no documents, BAD_INPUT; later: a record. */
    assert_true(bad > 10);
    assert_true(ok > 10);
    free(buf);
    free(path);
    free(dir);
}

static void test_unbalanced_sgml(void **state)
{
    static const char *const cases[] = {
        "<SEC-DOCUMENT>",
        "<SEC-HEADER>\nACCESSION NUMBER:",
        "<SEC-HEADER>\n</SEC-HEADER>\n<DOCUMENT>",
        "<SEC-HEADER>\n<DOCUMENT>\n<TEXT>\n<DOCUMENT>\n<TEXT>\nabc",
        "<SUBMISSION>\n<TYPE>8-K\n<DOCUMENT>\n<TYPE>\n<SEQUENCE>-5\n<TEXT>\n</DOCUMENT>",
        "<IMS-HEADER>\nFILER:\n\tCOMPANY DATA:\n\t\tCOMPANY CONFORMED NAME:\n]]]]\n",
        "<DOCUMENT>\nFILE:\nTIME:99999999999999\nEVENTS:\t\t\t\n",
        "<DOCUMENT>\nFILE:x\nTEXT:",
        "<html><body><ix:header><ix:hidden><ix:nonNumeric name=\"dei:DocumentPeriodEndDate\">"
        "February 30, 2023</ix:nonNumeric>",
        "<html><p>Item</p></html><html><p>5.02",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        (void)parse_checked(cases[i], strlen(cases[i]), NULL);
}

/* 100,000 nested <div>s: no stack overflow, the text survives. */
static void test_deeply_nested_html(void **state)
{
    size_t depth = 100000;
    size_t len = 0;
    char *buf = malloc(depth * 11 + 64);
    f8k_filing_t *f = NULL;

    (void)state;
    assert_non_null(buf);
    len += (size_t)sprintf(buf, "<html><body>");
    for (size_t i = 0; i < depth; i++) {
        memcpy(buf + len, "<div>", 5);
        len += 5;
    }
    len += (size_t)sprintf(buf + len, "Item 5.02 deep");
    for (size_t i = 0; i < depth; i++) {
        memcpy(buf + len, "</div>", 6);
        len += 6;
    }
    (void)parse_checked(buf, len, &f);
    f8k_filing_free(f);
    free(buf);
}

/* HTML layout: entities, Item split across tags, cells, script dropped. */
static void test_html_layout(void **state)
{
    static const char html[] =
        "<html><head><title>t</title><style>p{}</style></head><body>"
        "<p><font>Item</font>&nbsp;<b>5.02</b> Departure&#8217;s</p>"
        "<script>var x = 'secret';</script>"
        "<table><tr><td>Name</td><td>Title</td></tr><tr><td>Rose</td><td>CFO</td></tr></table>"
        "<div>One<br>Two</div></body></html>";
    f8k_filing_t *f = NULL;
    const char *t = NULL;

    (void)state;
    assert_int_equal(parse_checked(html, sizeof(html) - 1, &f), F8K_STATUS_SUCCESS);
    t = f->documents[0].text;
    assert_non_null(strstr(t, "Item 5.02 Departure\xE2\x80\x99s"));
    assert_null(strstr(t, "secret"));
    assert_null(strstr(t, "p{}"));
    assert_non_null(strstr(t, "Name\tTitle"));
    assert_non_null(strstr(t, "Rose\tCFO"));
    assert_non_null(strstr(t, "One\nTwo"));
    f8k_filing_free(f);
}

/* 50 MB of submission parses in linear time (well under a few seconds). */
static void test_large_input_linear(void **state)
{
    size_t target = (size_t)50 * 1024 * 1024;
    static const char head[] = "<SEC-DOCUMENT>0000000001-24-000001.txt : 20240101\n<SEC-HEADER>\n"
                               "ACCESSION NUMBER:\t0000000001-24-000001\n</SEC-HEADER>\n"
                               "<DOCUMENT>\n<TYPE>8-K\n<TEXT>\n";
    static const char line[] = "<PAGE> The company announced <S> results for the <C> quarter.\n";
    char *buf = malloc(target + 256);
    size_t len = 0;
    f8k_filing_t *f = NULL;
    clock_t start;
    double seconds;

    (void)state;
    assert_non_null(buf);
    memcpy(buf, head, sizeof(head) - 1);
    len = sizeof(head) - 1;
    while (len + sizeof(line) < target) {
        memcpy(buf + len, line, sizeof(line) - 1);
        len += sizeof(line) - 1;
    }
    /* No </TEXT>, no </DOCUMENT>: the truncated case must stay linear too. */
    start = clock();
    assert_int_equal(parse_checked(buf, len, &f), F8K_STATUS_SUCCESS);
    seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    assert_int_equal(f->n_documents, 1);
    assert_true(f->documents[0].text_len > target / 2);
    assert_null(strstr(f->documents[0].text, "<PAGE>"));
    fprintf(stderr, "50 MB submission parsed in %.2f s\n", seconds);
    assert_true(seconds < 20.0); /* generous for sanitizer builds */
    f8k_filing_free(f);
    free(buf);
}

/* f8k_filing_read refuses directories and missing files. */
static void test_read_refuses_non_regular(void **state)
{
    f8k_filing_t *f = NULL;
    char *error = NULL;

    (void)state;
    assert_int_equal(f8k_filing_read("/", &f, &error), F8K_STATUS_BAD_INPUT);
    assert_null(f);
    assert_non_null(error);
    free(error);
    error = NULL;
    assert_int_equal(f8k_filing_read("/nonexistent/f8k", &f, &error), F8K_STATUS_IO);
    assert_non_null(error);
    free(error);
    error = NULL;
    assert_int_equal(f8k_filing_read("/dev/null", &f, &error), F8K_STATUS_BAD_INPUT);
    free(error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_blank),     cmocka_unit_test(test_binary),
        cmocka_unit_test(test_stray_nuls),          cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_truncated_real_file), cmocka_unit_test(test_unbalanced_sgml),
        cmocka_unit_test(test_deeply_nested_html),  cmocka_unit_test(test_html_layout),
        cmocka_unit_test(test_large_input_linear),  cmocka_unit_test(test_read_refuses_non_regular),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
