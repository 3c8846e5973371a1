/*
 * fuzz_cover.c - libFuzzer entry point for f8k_filing_extract(): cover
 * page, items and officers, read from any text.
 *
 * The input is one 8-K document: its first byte picks the header
 * fields the parser would have filled (filed date in either item era
 * or none, form, company, a header item title), the rest, converted
 * with f8k_text_to_utf8() as the parser does, is the document's text.
 * A second, EX-99.1 document repeats the text when bit 5 is set.
 *
 * Checks: SUCCESS (or NOMEM); every string the extractor set is
 * NUL-terminated well-formed UTF-8; items have a number and a title,
 * officers a name; and a second run gives the same record (the header
 * says extraction is idempotent).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "fuzz_utf8.h"
#include <f8k/f8k_charset.h>
#include <f8k/f8k_filing.h>

/* Report the broken check by line, then abort (libFuzzer saves the input). */
#define FAIL() (fprintf(stderr, "%s:%d: check failed\n", __FILE__, __LINE__), abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* NULL, or a NUL-terminated string of well-formed UTF-8. */
static void check_str(const char *s, int may_be_null)
{
    if (s == NULL) {
        if (!may_be_null)
            FAIL();
        return;
    }
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), i = 0;
    while (i < len) {
        size_t k = utf8_seq(u + i, len - i);
        if (k == 0)
            FAIL();
        i += k;
    }
}

static int str_eq(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void check_record(const f8k_filing_t *f)
{
    check_str(f->company, 1);
    check_str(f->date_of_report, 1);
    check_str(f->state, 1);
    check_str(f->file_number, 1);
    check_str(f->form, 1);
    if (f->n_items > 0 && f->items == NULL)
        FAIL();
    for (size_t i = 0; i < f->n_items; i++) {
        check_str(f->items[i].number, 0);
        check_str(f->items[i].modern, 1);
        check_str(f->items[i].title, 0);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(f->items[i].number, f->items[j].number) == 0)
                FAIL(); /* no duplicates */
        }
    }
    if (f->n_officers > 0 && f->officers == NULL)
        FAIL();
    for (size_t i = 0; i < f->n_officers; i++) {
        check_str(f->officers[i].name, 0);
        if (f->officers[i].name[0] == '\0')
            FAIL();
        check_str(f->officers[i].role, 1);
        check_str(f->officers[i].role_code, 1);
        if ((unsigned)f->officers[i].event > (unsigned)F8K_EVENT_SIGNED)
            FAIL();
    }
}

/* A malloc'd copy of S; NULL on NULL. */
static char *dup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

static int add_document(f8k_filing_t *f, const char *type, int seq, const char *text, size_t len)
{
    f8k_document_t *d = &f->documents[f->n_documents];
    memset(d, 0, sizeof *d);
    d->type = dup(type);
    d->sequence = seq;
    d->text = malloc(len + 1);
    if (d->type == NULL || d->text == NULL) {
        free(d->type);
        free(d->text);
        return 0;
    }
    memcpy(d->text, text, len + 1);
    d->text_len = len;
    d->is_text = 1;
    f->n_documents++;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const filed[4] = {NULL, "2003-06-27", "2010-05-04", "2004-08-23"};
    unsigned ctl = size > 0 ? data[0] : 0;
    char *text = NULL;
    size_t text_len = 0;
    f8k_filing_t *f = NULL;

    if (size > 0) {
        data++;
        size--;
    }
    if (f8k_text_to_utf8((const char *)data, size, &text, &text_len) != F8K_STATUS_SUCCESS)
        return 0;
    f = calloc(1, sizeof *f);
    if (f == NULL)
        goto out;
    f->path = dup("fuzz.txt");
    f->filed = dup(filed[ctl & 3]);
    if (ctl & 4)
        f->form = dup(ctl & 8 ? "8-K/A" : "8-K");
    if (ctl & 16) {
        f->company = dup("FUZZ HOLDINGS INC");
        f->company_source = F8K_SOURCE_HEADER;
    }
    if (ctl & 64) {
        f->header_item_titles = calloc(1, sizeof *f->header_item_titles);
        if (f->header_item_titles != NULL) {
            f->header_item_titles[0] = dup(ctl & 128 ? "Other events" : "5.02");
            f->n_header_item_titles = f->header_item_titles[0] != NULL;
        }
    }
    f->documents = calloc(2, sizeof *f->documents);
    if (f->documents == NULL || !add_document(f, "8-K", 1, text, text_len))
        goto out;
    if ((ctl & 32) && !add_document(f, "EX-99.1", 2, text, text_len))
        goto out;

    f8k_status_t st = f8k_filing_extract(f);
    if (st == F8K_STATUS_NOMEM)
        goto out;
    if (st != F8K_STATUS_SUCCESS)
        FAIL();
    check_record(f);

    /* Idempotent: a second run gives the same record. */
    char *company = dup(f->company), *date = dup(f->date_of_report);
    size_t n_items = f->n_items, n_officers = f->n_officers;
    char **numbers = calloc(n_items + 1, sizeof *numbers);
    char **names = calloc(n_officers + 1, sizeof *names);
    for (size_t i = 0; numbers != NULL && i < n_items; i++)
        numbers[i] = dup(f->items[i].number);
    for (size_t i = 0; names != NULL && i < n_officers; i++)
        names[i] = dup(f->officers[i].name);
    st = f8k_filing_extract(f);
    if (st == F8K_STATUS_SUCCESS) {
        check_record(f);
        if (!str_eq(company, f->company) || !str_eq(date, f->date_of_report) ||
            f->n_items != n_items || f->n_officers != n_officers)
            FAIL();
        for (size_t i = 0; numbers != NULL && i < n_items; i++) {
            if (!str_eq(numbers[i], f->items[i].number))
                FAIL();
        }
        for (size_t i = 0; names != NULL && i < n_officers; i++) {
            if (!str_eq(names[i], f->officers[i].name))
                FAIL();
        }
    } else if (st != F8K_STATUS_NOMEM) {
        FAIL();
    }
    for (size_t i = 0; numbers != NULL && i < n_items; i++)
        free(numbers[i]);
    for (size_t i = 0; names != NULL && i < n_officers; i++)
        free(names[i]);
    free(numbers);
    free(names);
    free(company);
    free(date);
out:
    f8k_filing_free(f);
    free(text);
    return 0;
}
