/*
 * test_parse.c - the container parsers on real filings: every format of
 * the shared corpus checked against MANIFEST.tsv, the seed, and the
 * JSON form of the record.
 */
/* strcasestr() */
#define _GNU_SOURCE

#include "f8k_test.h"

#include <string.h>
#include <strings.h>

#include <f8k/f8k_filing.h>
#include <f8k/f8k_filing_json.h>

/* ------------------------------------------------------------------ */
/* Manifest                                                            */
/* ------------------------------------------------------------------ */

typedef struct row {
    char *line; /* owns the cells */
    const char *path, *format, *form, *company, *filed, *accession, *cik, *notes;
} row_t;

typedef struct manifest {
    char *dir;
    row_t *rows;
    size_t n;
} manifest_t;

static manifest_t manifest;

static int setup(void **state)
{
    char *path = NULL;
    char *text = NULL;
    char *p = NULL;

    (void)state;
    manifest.dir = f8k_test_corpus_dir();
    F8K_REQUIRE_OR_SKIP(manifest.dir != NULL, "shared corpus absent");
    path = f8k_test_path(manifest.dir, "MANIFEST.tsv");
    text = f8k_test_read_file(path, NULL);
    free(path);
    F8K_REQUIRE_OR_SKIP(text != NULL, "MANIFEST.tsv absent");
    p = text;
    while (*p != '\0') {
        char *nl = strchr(p, '\n');
        char *cells[13];
        int n = 0;
        char *q = NULL;
        row_t *row = NULL;
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, len);
        p += len + (nl != NULL);
        q = line;
        while (n < 13) {
            char *tab = strchr(q, '\t');
            cells[n++] = q;
            if (tab == NULL)
                break;
            *tab = '\0';
            q = tab + 1;
        }
        if (n < 13 || strcmp(cells[0], "path") == 0) {
            free(line);
            continue;
        }
        manifest.rows = realloc(manifest.rows, (manifest.n + 1) * sizeof(row_t));
        row = &manifest.rows[manifest.n++];
        row->line = line;
        row->path = cells[0];
        row->format = cells[3];
        row->form = cells[4];
        row->company = cells[5];
        row->filed = cells[6];
        row->accession = cells[10];
        row->cik = cells[11];
        row->notes = cells[12];
    }
    free(text);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < manifest.n; i++)
        free(manifest.rows[i].line);
    free(manifest.rows);
    free(manifest.dir);
    return 0;
}

static f8k_filing_t *parse_path(const char *path)
{
    size_t len = 0;
    char *buf = f8k_test_read_file(path, &len);
    f8k_filing_t *filing = NULL;
    char *error = NULL;
    f8k_status_t status;

    assert_non_null(buf);
    status = f8k_filing_parse(path, buf, len, &filing, &error);
    if (status != F8K_STATUS_SUCCESS)
        fail_msg("%s: %s", path, error != NULL ? error : "?");
    assert_null(error);
    free(buf);
    return filing;
}

static f8k_filing_t *parse_row(const row_t *row)
{
    char *path = f8k_test_path(manifest.dir, row->path);
    f8k_filing_t *filing = parse_path(path);

    free(path);
    return filing;
}

/* The value of KEY= in the notes ("docs=5"), copied to OUT; 0 if absent. */
static int note_value(const char *notes, const char *key, char *out, size_t size)
{
    const char *p = strstr(notes, key);
    size_t n = 0;

    if (p == NULL)
        return 0;
    p += strlen(key);
    n = strcspn(p, ";");
    if (n >= size)
        n = size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
}

static int same_cik(const char *a, const char *b)
{
    while (*a == '0')
        a++;
    while (*b == '0')
        b++;
    return strcmp(a, b) == 0;
}

/* Whether S[0..N) is valid UTF-8 without NUL bytes. */
static void check_documents_sane(const f8k_filing_t *f)
{
    for (size_t i = 0; i < f->n_documents; i++) {
        const f8k_document_t *d = &f->documents[i];
        assert_non_null(d->text);
        assert_int_equal(strlen(d->text), d->text_len);
        assert_true(f8k_test_valid_utf8(d->text, d->text_len));
        if (!d->is_text)
            assert_int_equal(d->text_len, 0);
    }
}

/* ------------------------------------------------------------------ */
/* SGML submissions                                                    */
/* ------------------------------------------------------------------ */

/*
 * Header fields and the document list against the manifest: every
 * non-1994 submission and every 7th of the 1994 ones (all of them are
 * checked by bench/fields).
 */
static void test_sgml_matches_manifest(void **state)
{
    size_t checked = 0;
    size_t k = 0;

    (void)state;
    for (size_t i = 0; i < manifest.n; i++) {
        const row_t *row = &manifest.rows[i];
        f8k_filing_t *f = NULL;
        char docs[32];
        char types[1024];
        int repeated = strstr(row->notes, "occurs ") != NULL;
        if (strcmp(row->format, "sgml-full-submission") != 0)
            continue;
        if (strncmp(row->path, "timmermann", 10) == 0 && (k++ % 7) != 0)
            continue;
        f = parse_row(row);
        assert_non_null(f->accession);
        assert_string_equal(f->accession, row->accession);
        assert_non_null(f->cik);
        assert_true(same_cik(f->cik, row->cik));
        assert_int_equal(strlen(f->cik), 10);
        assert_non_null(f->company);
        assert_string_equal(f->company, row->company);
        assert_non_null(f->form);
        assert_string_equal(f->form, row->form);
        assert_non_null(f->filed);
        assert_string_equal(f->filed, row->filed);
        if (note_value(row->notes, "docs=", docs, sizeof(docs))) {
            size_t expected = (size_t)strtoul(docs, NULL, 10);
            /* A repeated envelope is read once, not once per copy. */
            if (repeated)
                assert_true(f->n_documents >= 1 && f->n_documents <= expected);
            else
                assert_int_equal(f->n_documents, expected);
        }
        if (!repeated && note_value(row->notes, "doctypes=", types, sizeof(types))) {
            char *save = NULL;
            size_t d = 0;
            for (char *t = strtok_r(types, ",", &save); t != NULL && d < f->n_documents;
                 t = strtok_r(NULL, ",", &save), d++) {
                if (strcmp(t, "...") == 0)
                    break;
                assert_non_null(f->documents[d].type);
                assert_string_equal(f->documents[d].type, t);
            }
        }
        assert_true(f->n_documents > 0);
        assert_true(f->documents[0].is_text);
        assert_true(f->documents[0].text_len > 0);
        check_documents_sane(f);
        f8k_filing_free(f);
        checked++;
    }
    assert_true(checked > 500);
}

/* uuencoded attachments, XBRL data and PDFs are skipped as non-text. */
static void test_sgml_binary_documents_skipped(void **state)
{
    size_t checked = 0;

    (void)state;
    for (size_t i = 0; i < manifest.n; i++) {
        const row_t *row = &manifest.rows[i];
        f8k_filing_t *f = NULL;
        size_t skipped = 0;
        if (strstr(row->notes, "uuencoded") == NULL)
            continue;
        f = parse_row(row);
        for (size_t d = 0; d < f->n_documents; d++) {
            const f8k_document_t *doc = &f->documents[d];
            assert_null(strstr(doc->text, "begin 644"));
            if (doc->type != NULL &&
                (strcmp(doc->type, "GRAPHIC") == 0 || strcmp(doc->type, "ZIP") == 0 ||
                 strncmp(doc->type, "EX-101", 6) == 0)) {
                assert_false(doc->is_text);
                assert_string_equal(doc->text, "");
                skipped++;
            }
        }
        assert_true(skipped > 0 || f->n_documents == 1);
        check_documents_sane(f);
        f8k_filing_free(f);
        checked++;
    }
    assert_true(checked >= 8);
}

/* PEM-wrapped submissions: the wrapper is skipped, never indexed. */
static void test_sgml_pem(void **state)
{
    size_t checked = 0;

    (void)state;
    for (size_t i = 0; i < manifest.n; i++) {
        const row_t *row = &manifest.rows[i];
        f8k_filing_t *f = NULL;
        if (strstr(row->notes, "PEM") == NULL)
            continue;
        f = parse_row(row);
        assert_string_equal(f->accession, row->accession);
        assert_string_equal(f->form, row->form);
        for (size_t d = 0; d < f->n_documents; d++)
            assert_null(strstr(f->documents[d].text, "PRIVACY-ENHANCED"));
        f8k_filing_free(f);
        checked++;
    }
    assert_true(checked > 100);
}

/* IMS headers: ITEM INFORMATION raw, SIC as a bare number, state. */
static void test_sgml_ims_header(void **state)
{
    char *path = NULL;
    f8k_filing_t *f = NULL;

    (void)state;
    path = f8k_test_path(manifest.dir, "timmermann-lab-1994/0000002488-94-000001.txt");
    f = parse_path(path);
    assert_string_equal(f->company, "ADVANCED MICRO DEVICES INC");
    assert_string_equal(f->date_of_report, "1994-01-27");
    assert_string_equal(f->state, "DE");
    assert_string_equal(f->sic, "3674");
    assert_int_equal(f->n_header_item_titles, 1);
    assert_string_equal(f->header_item_titles[0], "5");
    assert_int_equal(f->n_documents, 2);
    assert_string_equal(f->documents[1].type, "EX-1");
    assert_int_equal(f->documents[1].sequence, 2);
    assert_string_equal(f->documents[1].description, "EXHIBIT 1 TO THE 8-K");
    /* <PAGE> markers go, the words stay. */
    assert_null(strstr(f->documents[0].text, "<PAGE>"));
    assert_non_null(strstr(f->documents[0].text, "Item 5. Other Events."));
    f8k_filing_free(f);
    free(path);
}

/* Modern header: SIC in brackets, former names, wrapped "[5122\n]". */
static void test_sgml_modern_header(void **state)
{
    char *path = NULL;
    f8k_filing_t *f = NULL;

    (void)state;
    path = f8k_test_path(manifest.dir, "edgartools-cassettes/0000019617-26-000241.txt");
    f = parse_path(path);
    assert_string_equal(f->sic, "6021");
    assert_string_equal(f->state, "DE");
    assert_string_equal(f->date_of_report, "2026-06-24");
    assert_int_equal(f->n_former_names, 3);
    assert_string_equal(f->former_names[0], "J P MORGAN CHASE & CO");
    assert_string_equal(f->former_names[2], "CHEMICAL BANKING CORP");
    assert_int_equal(f->n_header_item_titles, 1);
    assert_non_null(strstr(f->header_item_titles[0], "Departure of Directors"));
    /* The iXBRL primary document keeps its text, not its hidden facts. */
    assert_true(f->documents[0].is_text);
    assert_non_null(strcasestr(f->documents[0].text, "Item 5.02"));
    f8k_filing_free(f);
    free(path);

    path = f8k_test_path(manifest.dir, "edgar-crawler/1001136_8K_2000_0000950124-00-003635.txt");
    f = parse_path(path);
    assert_string_equal(f->sic, "5122");
    assert_string_equal(f->cik, "0001001136");
    f8k_filing_free(f);
    free(path);
}

/* The .nc dialect: CR line ends, <ITEMS> numbers, <XBRL>-wrapped 8-K. */
static void test_sgml_nc(void **state)
{
    char *path = NULL;
    f8k_filing_t *f = NULL;

    (void)state;
    path = f8k_test_path(manifest.dir, "edgartools/0001493152-25-001317.nc");
    f = parse_path(path);
    assert_string_equal(f->accession, "0001493152-25-001317");
    assert_string_equal(f->cik, "0000880984");
    assert_string_equal(f->company, "ACORN ENERGY, INC.");
    assert_string_equal(f->form, "8-K");
    assert_string_equal(f->filed, "2025-01-08");
    assert_string_equal(f->date_of_report, "2025-01-06");
    assert_string_equal(f->sic, "8711");
    assert_int_equal(f->n_header_item_titles, 2);
    assert_string_equal(f->header_item_titles[0], "5.02");
    assert_string_equal(f->header_item_titles[1], "9.01");
    assert_int_equal(f->n_former_names, 3);
    assert_int_equal(f->n_documents, 13);
    assert_string_equal(f->documents[0].type, "8-K");
    assert_true(f->documents[0].is_text);
    assert_non_null(strcasestr(f->documents[0].text, "Item 5.02"));
    assert_null(strstr(f->documents[0].text, "\r"));
    assert_string_equal(f->documents[1].type, "EX-10.1");
    assert_true(f->documents[1].is_text);
    assert_false(f->documents[2].is_text); /* EX-101.SCH */
    check_documents_sane(f);
    f8k_filing_free(f);
    free(path);
}

/* ------------------------------------------------------------------ */
/* HTML, iXBRL, Lee, seed                                              */
/* ------------------------------------------------------------------ */

/* edgar-crawler HTML: accession and CIK from the file name, text from the HTML. */
static void test_html_edgar_crawler(void **state)
{
    size_t checked = 0;

    (void)state;
    for (size_t i = 0; i < manifest.n; i++) {
        const row_t *row = &manifest.rows[i];
        f8k_filing_t *f = NULL;
        if (strcmp(row->format, "html") != 0 || strncmp(row->path, "edgar-crawler/", 14) != 0 ||
            (i % 5) != 0)
            continue;
        f = parse_row(row);
        assert_string_equal(f->accession, row->accession);
        assert_true(same_cik(f->cik, row->cik));
        assert_string_equal(f->form, "8-K");
        assert_int_equal(f->n_documents, 1);
        assert_true(f->documents[0].is_text);
        assert_true(f->documents[0].text_len > 200);
        /* Markup and entities are gone. */
        assert_null(strcasestr(f->documents[0].text, "<div"));
        assert_null(strstr(f->documents[0].text, "&nbsp;"));
        assert_null(strstr(f->documents[0].text, "&#"));
        check_documents_sane(f);
        f8k_filing_free(f);
        checked++;
    }
    assert_true(checked > 50);
}

/* iXBRL documents: text inside ix: tags kept, hidden facts dropped, dei facts read. */
static void test_html_ixbrl(void **state)
{
    size_t checked = 0;

    (void)state;
    for (size_t i = 0; i < manifest.n; i++) {
        const row_t *row = &manifest.rows[i];
        f8k_filing_t *f = NULL;
        char date[32];
        if (strcmp(row->format, "html") != 0 || strstr(row->notes, "iXBRL") == NULL ||
            strncmp(row->path, "edgar-crawler/", 14) == 0)
            continue;
        f = parse_row(row);
        assert_int_equal(f->n_documents, 1);
        assert_true(f->documents[0].is_text);
        /* Hidden facts and contexts are not text. */
        assert_null(strstr(f->documents[0].text, "dei:"));
        assert_null(strstr(f->documents[0].text, "xbrli:"));
        assert_non_null(strcasestr(f->documents[0].text, "Item"));
        if (note_value(row->notes, "date_of_report=", date, sizeof(date))) {
            assert_non_null(f->date_of_report);
            assert_string_equal(f->date_of_report, date);
        }
        assert_non_null(f->company);
        assert_int_equal(f->company_source, F8K_SOURCE_META);
        assert_string_equal(f->form, "8-K");
        f8k_filing_free(f);
        checked++;
    }
    assert_true(checked >= 8);
}

/* Lee et al. records: TIME gives the filing date, EVENTS the item titles. */
static void test_lee_records(void **state)
{
    size_t checked = 0;

    (void)state;
    for (size_t i = 0; i < manifest.n; i++) {
        const row_t *row = &manifest.rows[i];
        f8k_filing_t *f = NULL;
        char events[2048];
        size_t n_events = 0;
        if (strcmp(row->format, "text") != 0 || (i % 4) != 0)
            continue;
        f = parse_row(row);
        assert_string_equal(f->filed, row->filed);
        assert_string_equal(f->form, "8-K");
        assert_null(f->accession);
        assert_null(f->cik);
        assert_int_equal(f->n_documents, 1);
        assert_string_equal(f->documents[0].type, "8-K");
        assert_true(f->documents[0].text_len > 0);
        assert_null(strstr(f->documents[0].text, "</DOCUMENT>"));
        if (note_value(row->notes, "events=", events, sizeof(events))) {
            char *save = NULL;
            for (char *e = strtok_r(events, "|", &save); e != NULL;
                 e = strtok_r(NULL, "|", &save)) {
                assert_true(n_events < f->n_header_item_titles);
                /* The notes cut the list at a ';' inside a title: compare prefixes. */
                assert_int_equal(strncmp(f->header_item_titles[n_events], e, strlen(e)), 0);
                n_events++;
            }
            assert_true(n_events <= f->n_header_item_titles);
        }
        f8k_filing_free(f);
        checked++;
    }
    assert_true(checked > 100);
}

/* The seed: a bare 8-K body, one document, its text as it is. */
static void test_seed(void **state)
{
    char *dir = f8k_test_seeds_dir();
    char *path = NULL;
    char *raw = NULL;
    size_t len = 0;
    f8k_filing_t *f = NULL;

    (void)state;
    if (dir == NULL)
        skip();
    path = f8k_test_path(dir, "000_1b11c0cb41d2ce45.txt");
    raw = f8k_test_read_file(path, &len);
    assert_non_null(raw);
    f = parse_path(path);
    assert_int_equal(f->n_documents, 1);
    assert_string_equal(f->documents[0].type, "8-K");
    assert_string_equal(f->form, "8-K");
    assert_null(f->accession);
    assert_null(f->cik);
    assert_null(f->filed);
    /* The text is the file's, less its <PAGE> layout markers. */
    {
        size_t out = 0;
        for (size_t i = 0; i < len; i++) {
            if (strncmp(raw + i, "<PAGE>", 6) == 0) {
                i += 5;
                continue;
            }
            raw[out++] = raw[i];
        }
        assert_true(out < len);
        assert_int_equal(f->documents[0].text_len, out);
        assert_memory_equal(f->documents[0].text, raw, out);
    }
    f8k_filing_free(f);
    free(raw);
    free(path);
    free(dir);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

static void test_json_fields(void **state)
{
    char *path = NULL;
    f8k_filing_t *f = NULL;
    json_object *obj = NULL;
    json_object *v = NULL;
    static const char *const keys[] = {"accession", "cik",   "company",        "former_names",
                                       "form",      "filed", "date_of_report", "state",
                                       "sic",       "items", "officers",       "documents"};

    (void)state;
    path = f8k_test_path(manifest.dir, "edgartools/0001493152-25-001317.nc");
    f = parse_path(path);
    assert_int_equal(f8k_filing_to_json(f, &obj), F8K_STATUS_SUCCESS);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        assert_true(json_object_object_get_ex(obj, keys[i], NULL));
    assert_true(json_object_object_get_ex(obj, "accession", &v));
    assert_string_equal(json_object_get_string(v), "0001493152-25-001317");
    assert_true(json_object_object_get_ex(obj, "documents", &v));
    assert_int_equal(json_object_array_length(v), 13);
    v = json_object_array_get_idx(v, 0);
    assert_true(json_object_object_get_ex(v, "bytes", &v));
    assert_int_equal(json_object_get_int64(v), (int64_t)f->documents[0].text_len);
    json_object_put(obj);
    f8k_filing_free(f);
    free(path);

    /* Unknown values are null. */
    path = f8k_test_path(manifest.dir, "lee2014-8k/A/A-8K-20020517172705.txt");
    f = parse_path(path);
    assert_int_equal(f8k_filing_to_json(f, &obj), F8K_STATUS_SUCCESS);
    assert_true(json_object_object_get_ex(obj, "accession", &v));
    assert_null(v);
    assert_true(json_object_object_get_ex(obj, "filed", &v));
    assert_string_equal(json_object_get_string(v), "2002-05-17");
    json_object_put(obj);
    f8k_filing_free(f);
    free(path);
    assert_int_equal(f8k_filing_to_json(NULL, &obj), F8K_STATUS_INVALID_ARG);
    assert_null(obj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sgml_matches_manifest),
        cmocka_unit_test(test_sgml_binary_documents_skipped),
        cmocka_unit_test(test_sgml_pem),
        cmocka_unit_test(test_sgml_ims_header),
        cmocka_unit_test(test_sgml_modern_header),
        cmocka_unit_test(test_sgml_nc),
        cmocka_unit_test(test_html_edgar_crawler),
        cmocka_unit_test(test_html_ixbrl),
        cmocka_unit_test(test_lee_records),
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_json_fields),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
