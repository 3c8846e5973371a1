/*
 * test_xapian_fixture.c - real filings from the shared corpus, indexed
 * through the binding, with an independent in-memory copy of every
 * filing's words so tests can compute the expected answers themselves.
 *
 * The tokenizer here is deliberately crude (lower-cased ASCII letter
 * and digit runs): the binding is general, so it is tested on real
 * text with any term scheme; the analyzer is tested elsewhere.
 *
 * Each filing becomes one document:
 *   terms   every word, with positions 1, 2, ...; "Q<index>" unique
 *   slot 0  filing date YYYYMMDD (from MANIFEST.tsv)
 *   slot 1  company name (the collapse key in the tests)
 *   slot 4  document types, '\n'-separated (a multi-value facet)
 *   slot 5  date + index: a unique sort key
 *   data    "<index>\0<path>\n" + the first bytes of the file
 */
#include "f8k_test.h"
#include "test_xapian_fixture.h"

#include <ctype.h>
#include <string.h>

/* At most this many words per filing keep the tests fast. */
#define XT_MAX_WORDS 3000

static char *xt_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    assert_non_null(p);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Split LINE (modified in place) on tabs into at most MAX fields. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        p = strchr(p, '\t');
        if (p == NULL)
            break;
        *p++ = '\0';
    }
    return n;
}

static void tokenize(xt_filing_t *f, const char *text, size_t len)
{
    size_t cap = 256;
    f->words = malloc(cap * sizeof(char *));
    assert_non_null(f->words);
    f->nwords = 0;
    size_t i = 0;
    while (i < len && f->nwords < XT_MAX_WORDS) {
        while (i < len && !isalnum((unsigned char)text[i]))
            i++;
        size_t start = i;
        while (i < len && isalnum((unsigned char)text[i]))
            i++;
        if (i == start)
            break;
        size_t n = i - start;
        if (n > 64)
            continue;
        char *w = xt_strndup(text + start, n);
        for (size_t k = 0; k < n; k++)
            w[k] = (char)tolower((unsigned char)w[k]);
        if (f->nwords == cap) {
            cap *= 2;
            f->words = realloc(f->words, cap * sizeof(char *));
            assert_non_null(f->words);
        }
        f->words[f->nwords++] = w;
    }
}

/* "doctypes=8-K,EX-99.1; ..." in the notes column -> "8-K\nEX-99.1". */
static char *doctypes_from_notes(const char *notes)
{
    const char *p = strstr(notes, "doctypes=");
    if (p == NULL)
        return xt_strndup("", 0);
    p += strlen("doctypes=");
    size_t n = strcspn(p, ";");
    char *types = xt_strndup(p, n);
    for (size_t i = 0; i < n; i++) {
        if (types[i] == ',')
            types[i] = '\n';
    }
    /* A trailing "..." marks a truncated list: drop it. */
    char *dots = strstr(types, "...");
    if (dots != NULL)
        *dots = '\0';
    return types;
}

xt_corpus_t *xt_corpus_load(size_t max_filings)
{
    char *dir = f8k_test_corpus_dir();
    F8K_REQUIRE_OR_SKIP(dir != NULL, "shared corpus absent");
    char *manifest_path = f8k_test_path(dir, "MANIFEST.tsv");
    char *manifest = f8k_test_read_file(manifest_path, NULL);
    F8K_REQUIRE_OR_SKIP(manifest != NULL, "MANIFEST.tsv absent");

    xt_corpus_t *c = calloc(1, sizeof(*c));
    assert_non_null(c);
    c->filings = calloc(max_filings, sizeof(xt_filing_t));
    assert_non_null(c->filings);

    char *save = NULL;
    char *line = strtok_r(manifest, "\n", &save);
    line = strtok_r(NULL, "\n", &save); /* Skip the header. */
    for (; line != NULL && c->n < max_filings; line = strtok_r(NULL, "\n", &save)) {
        char *fields[13] = {0};
        if (split_tabs(line, fields, 13) < 13)
            continue;
        if (strcmp(fields[4], "8-K") != 0 || strlen(fields[6]) != 10)
            continue;
        char *path = f8k_test_path(dir, fields[0]);
        size_t len = 0;
        char *text = f8k_test_read_file(path, &len);
        if (text == NULL) {
            free(path);
            continue;
        }
        xt_filing_t *f = &c->filings[c->n];
        f->index = c->n;
        f->path = path;
        f->company = xt_strndup(fields[5], strlen(fields[5]));
        f->date = malloc(9);
        assert_non_null(f->date);
        memcpy(f->date, fields[6], 4);
        memcpy(f->date + 4, fields[6] + 5, 2);
        memcpy(f->date + 6, fields[6] + 8, 2);
        f->date[8] = '\0';
        f->doctypes = doctypes_from_notes(fields[12]);
        f->head = xt_strndup(text, len < 200 ? len : 200);
        tokenize(f, text, len);
        free(text);
        if (f->nwords < 20) {
            xt_filing_free_fields(f);
            continue;
        }
        c->n++;
    }
    free(manifest);
    free(manifest_path);
    free(dir);
    F8K_REQUIRE_OR_SKIP(c->n >= 10, "too few 8-K filings in the corpus");
    return c;
}

void xt_filing_free_fields(xt_filing_t *f)
{
    for (size_t i = 0; i < f->nwords; i++)
        free(f->words[i]);
    free(f->words);
    free(f->path);
    free(f->company);
    free(f->date);
    free(f->doctypes);
    free(f->head);
    memset(f, 0, sizeof(*f));
}

void xt_corpus_free(xt_corpus_t *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++)
        xt_filing_free_fields(&c->filings[i]);
    free(c->filings);
    free(c);
}

void xt_unique_term(const xt_filing_t *f, char *buf, size_t size)
{
    snprintf(buf, size, "Q%zu", f->index);
}

char *xt_expected_data(const xt_filing_t *f, size_t *len_out)
{
    char prefix[32];
    int n = snprintf(prefix, sizeof(prefix), "%zu", f->index);
    size_t lp = strlen(f->path), lh = strlen(f->head);
    size_t len = (size_t)n + 1 + lp + 1 + lh;
    char *data = malloc(len + 1);
    assert_non_null(data);
    memcpy(data, prefix, (size_t)n);
    data[n] = '\0';
    memcpy(data + n + 1, f->path, lp);
    data[n + 1 + lp] = '\n';
    memcpy(data + n + 2 + lp, f->head, lh);
    data[len] = '\0';
    *len_out = len;
    return data;
}

f8k_doc_t *xt_make_doc(const xt_filing_t *f)
{
    f8k_doc_t *doc = NULL;
    char term[32];
    char key[64];
    size_t data_len = 0;
    char *data = NULL;

    assert_int_equal(f8k_doc_new(&doc), F8K_STATUS_SUCCESS);
    for (size_t i = 0; i < f->nwords; i++)
        assert_int_equal(f8k_doc_add_posting(doc, f->words[i], (f8k_termpos_t)(i + 1), 1),
                         F8K_STATUS_SUCCESS);
    xt_unique_term(f, term, sizeof(term));
    assert_int_equal(f8k_doc_add_boolean_term(doc, term), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_doc_set_value(doc, 0, f->date, strlen(f->date)), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_doc_set_value(doc, 1, f->company, strlen(f->company)), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_doc_set_value(doc, 4, f->doctypes, strlen(f->doctypes)),
                     F8K_STATUS_SUCCESS);
    snprintf(key, sizeof(key), "%s%06zu", f->date, f->index);
    assert_int_equal(f8k_doc_set_value(doc, 5, key, strlen(key)), F8K_STATUS_SUCCESS);
    data = xt_expected_data(f, &data_len);
    assert_int_equal(f8k_doc_set_data(doc, data, data_len), F8K_STATUS_SUCCESS);
    free(data);
    return doc;
}

void xt_index(const xt_corpus_t *c, const char *db_path, size_t start, size_t step)
{
    f8k_db_t *db = NULL;
    char *err = NULL;

    assert_int_equal(f8k_db_open_writable(db_path, 0, &db, &err), F8K_STATUS_SUCCESS);
    assert_null(err);
    assert_int_equal(f8k_db_begin_transaction(db, true), F8K_STATUS_SUCCESS);
    for (size_t i = start; i < c->n; i += step) {
        char term[32];
        f8k_doc_t *doc = xt_make_doc(&c->filings[i]);
        xt_unique_term(&c->filings[i], term, sizeof(term));
        assert_int_equal(f8k_db_replace_document_by_term(db, term, doc, NULL), F8K_STATUS_SUCCESS);
        f8k_doc_free(doc);
    }
    assert_int_equal(f8k_db_commit_transaction(db), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
}

bool xt_has_word(const xt_filing_t *f, const char *word)
{
    for (size_t i = 0; i < f->nwords; i++) {
        if (strcmp(f->words[i], word) == 0)
            return true;
    }
    return false;
}

size_t xt_index_from_data(const char *data)
{
    return (size_t)strtoul(data, NULL, 10);
}

const char *xt_common_word(const xt_corpus_t *c, size_t min_docs, size_t max_docs, size_t min_len)
{
    /* Scan the words of filing 0 in order for one whose document count fits. */
    for (size_t k = 0; k < c->n; k++) {
        const xt_filing_t *f = &c->filings[k];
        for (size_t i = 0; i < f->nwords; i++) {
            const char *w = f->words[i];
            if (strlen(w) < min_len || isdigit((unsigned char)w[0]))
                continue;
            size_t docs = 0;
            for (size_t j = 0; j < c->n; j++)
                docs += xt_has_word(&c->filings[j], w) ? 1 : 0;
            if (docs >= min_docs && docs <= max_docs)
                return w;
        }
    }
    return NULL;
}
