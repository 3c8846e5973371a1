/*
 * parse_text.c - the containers that are not EDGAR submissions: Lee et
 * al. (2014) text records, single HTML / inline XBRL documents, and
 * bare plain-text 8-K bodies; and the plain-text cleanup shared with
 * the SGML parser.
 */
/* memmem() */
#define _GNU_SOURCE

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse-private.h"

/* ------------------------------------------------------------------ */
/* Plain-text cleanup                                                  */
/* ------------------------------------------------------------------ */

/*
 * The layout tags EDGAR allowed inside ASCII documents.  They carry no
 * words, so they go; everything between them stays.
 */
static int is_layout_tag(const char *name, size_t n)
{
    static const char *const tags[] = {"PAGE", "TABLE", "S", "C", "CAPTION", "FN", "R", "F"};

    /* <F1>, <F2>: footnote markers in old tables. */
    while (n > 1 && isdigit((unsigned char)name[n - 1]))
        n--;
    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        if (strlen(tags[i]) == n && strncasecmp(name, tags[i], n) == 0)
            return 1;
    }
    return 0;
}

/* Length of a layout tag at S (starting with '<'), or 0 if there is none. */
static size_t layout_tag_length(const char *s, size_t n)
{
    size_t i = 1;
    size_t name_start = 0;
    size_t name_end = 0;

    if (i < n && s[i] == '/')
        i++;
    name_start = i;
    while (i < n && i - name_start < 10 && isalnum((unsigned char)s[i]))
        i++;
    name_end = i;
    if (name_end == name_start || !is_layout_tag(s + name_start, name_end - name_start))
        return 0;
    /* Attributes, as in <TABLE WIDTH=100>, up to a short bound. */
    while (i < n && i < 80 && s[i] != '>' && s[i] != '<' && s[i] != '\n')
        i++;
    return i < n && s[i] == '>' ? i + 1 : 0;
}

f8k_status_t parse_clean_plain(const char *utf8, size_t len, parse_buf_t *out)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t i = 0;
    size_t run = 0; /* start of the pending run of ordinary bytes */

    status = parse_buf_append(out, "", 0);
    while (status == F8K_STATUS_SUCCESS && i < len) {
        char c = utf8[i];
        size_t skip = 0;
        if (c == '\r') {
            status = parse_buf_append(out, utf8 + run, i - run);
            if (status == F8K_STATUS_SUCCESS)
                status = parse_buf_append_char(out, '\n');
            i += (i + 1 < len && utf8[i + 1] == '\n') ? 2 : 1;
            run = i;
            continue;
        }
        if (c == '<')
            skip = layout_tag_length(utf8 + i, len - i);
        if (skip > 0) {
            status = parse_buf_append(out, utf8 + run, i - run);
            i += skip;
            run = i;
            continue;
        }
        if (c == '\0') {
            status = parse_buf_append(out, utf8 + run, i - run);
            if (status == F8K_STATUS_SUCCESS)
                status = parse_buf_append_char(out, ' ');
            run = ++i;
            continue;
        }
        i++;
    }
    if (status == F8K_STATUS_SUCCESS)
        status = parse_buf_append(out, utf8 + run, i - run);
    return status;
}

/* ------------------------------------------------------------------ */
/* Helpers on the extracted text                                       */
/* ------------------------------------------------------------------ */

/*
 * "FORM 8-K" (or 8-K/A) on the cover page, in the first bytes of TEXT:
 * the form of a bare body or HTML document.  Sets *FORM unless set.
 */
static f8k_status_t form_from_cover(char **form, const char *text, size_t len)
{
    size_t window = len < 6000 ? len : 6000;
    const char *p = text;
    size_t left = window;

    if (*form != NULL)
        return F8K_STATUS_SUCCESS;
    while (left > 0) {
        const char *hit = parse_memcasemem(p, left, "form 8-k");
        size_t rest = 0;
        if (hit == NULL)
            break;
        rest = window - (size_t)(hit - text) - 8;
        if (rest >= 2 && hit[8] == '/' && (hit[9] == 'A' || hit[9] == 'a'))
            return parse_set_field(form, "8-K/A", 5);
        if (rest == 0 || !isalnum((unsigned char)hit[8]))
            return parse_set_field(form, "8-K", 3);
        left = rest;
        p = hit + 8;
    }
    return F8K_STATUS_SUCCESS;
}

/* "Exhibit 99.1" opening a document: its type, "EX-99.1". */
static f8k_status_t type_from_exhibit_heading(char **type, const char *text, size_t len)
{
    size_t i = 0;
    size_t start = 0;
    char tmp[24];

    if (*type != NULL)
        return F8K_STATUS_SUCCESS;
    while (i < len && i < 400 && isspace((unsigned char)text[i]))
        i++;
    if (len - i < 9 || strncasecmp(text + i, "exhibit", 7) != 0)
        return F8K_STATUS_SUCCESS;
    i += 7;
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    start = i;
    while (i < len && i - start < 12 && (isdigit((unsigned char)text[i]) || text[i] == '.'))
        i++;
    while (i > start && text[i - 1] == '.')
        i--;
    if (i == start || !isdigit((unsigned char)text[start]))
        return F8K_STATUS_SUCCESS;
    memcpy(tmp, "EX-", 3);
    memcpy(tmp + 3, text + start, i - start);
    return parse_set_field(type, tmp, 3 + i - start);
}

/* The last path component of PATH. */
static const char *base_name(const char *path)
{
    const char *slash = path != NULL ? strrchr(path, '/') : NULL;

    return slash != NULL ? slash + 1 : (path != NULL ? path : "");
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
    }
    return n > 0;
}

/*
 * File-name metadata.  An accession number written out in the name
 * ("...-0000887919-21-000012.html") is the filing's, and the
 * edgar-crawler naming scheme CIK_8K_YEAR_ACCESSION.htm also gives the
 * CIK and the form ("8K" is Form 8-K).  Nothing else is read from
 * names: a name that merely looks like a number is not trusted.
 */
f8k_status_t parse_fields_from_file_name(f8k_filing_t *filing)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    const char *name = base_name(filing->path);
    size_t n = strlen(name);
    const char *u1 = NULL;
    const char *u2 = NULL;
    const char *u3 = NULL;

    for (size_t i = 0; i + 20 <= n; i++) {
        const char *s = name + i;
        if ((i == 0 || !isdigit((unsigned char)s[-1])) && all_digits(s, 10) && s[10] == '-' &&
            all_digits(s + 11, 2) && s[13] == '-' && all_digits(s + 14, 6) &&
            (i + 20 == n || !isdigit((unsigned char)s[20]))) {
            status = parse_set_field(&filing->accession, s, 20);
            break;
        }
    }
    u1 = memchr(name, '_', n);
    u2 = u1 != NULL ? memchr(u1 + 1, '_', n - (size_t)(u1 + 1 - name)) : NULL;
    u3 = u2 != NULL ? memchr(u2 + 1, '_', n - (size_t)(u2 + 1 - name)) : NULL;
    if (status == F8K_STATUS_SUCCESS && u3 != NULL && all_digits(name, (size_t)(u1 - name)) &&
        u1 - name <= 10 && all_digits(u2 + 1, (size_t)(u3 - u2 - 1)) && u3 - u2 - 1 == 4) {
        status = parse_set_cik(&filing->cik, name, (size_t)(u1 - name));
        if (status == F8K_STATUS_SUCCESS && u2 - u1 - 1 == 2 && strncmp(u1 + 1, "8K", 2) == 0)
            status = parse_set_field(&filing->form, "8-K", 3);
    }
    return status;
}

/* ------------------------------------------------------------------ */
/* Single HTML / iXBRL documents                                       */
/* ------------------------------------------------------------------ */

f8k_status_t parse_apply_meta(f8k_filing_t *filing, const html_meta_t *meta)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;

    /* Inline XBRL cover facts describe the filing itself. */
    if (meta->registrant_name != NULL && filing->company == NULL) {
        status =
            parse_set_field(&filing->company, meta->registrant_name, strlen(meta->registrant_name));
        if (filing->company != NULL)
            filing->company_source = F8K_SOURCE_META;
    }
    if (status == F8K_STATUS_SUCCESS && meta->cik != NULL)
        status = parse_set_cik(&filing->cik, meta->cik, strlen(meta->cik));
    if (status == F8K_STATUS_SUCCESS && meta->period_end != NULL &&
        filing->date_of_report == NULL) {
        status = parse_set_date_text(&filing->date_of_report, meta->period_end,
                                     strlen(meta->period_end));
        if (filing->date_of_report != NULL)
            filing->date_of_report_source = F8K_SOURCE_META;
    }
    return status;
}

f8k_status_t parse_html_file(f8k_filing_t *filing, const char *buf, size_t len, const char **reason)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    f8k_document_t *doc = NULL;
    html_meta_t meta;

    memset(&meta, 0, sizeof(meta));
    status = parse_add_document(filing, &doc);
    if (status == F8K_STATUS_SUCCESS) {
        doc->sequence = 1;
        status = parse_set_field(&doc->filename, base_name(filing->path),
                                 strlen(base_name(filing->path)));
    }
    if (status == F8K_STATUS_SUCCESS)
        status = parse_document_body(doc, buf, len, PARSE_BODY_HTML, &meta);
    if (status != F8K_STATUS_SUCCESS)
        goto done;

    status = parse_apply_meta(filing, &meta);
    if (status == F8K_STATUS_SUCCESS && meta.document_type != NULL)
        status = parse_set_field(&doc->type, meta.document_type, strlen(meta.document_type));
    if (status == F8K_STATUS_SUCCESS)
        status = type_from_exhibit_heading(&doc->type, doc->text, doc->text_len);
    if (status == F8K_STATUS_SUCCESS)
        status = parse_fields_from_file_name(filing);
    if (status == F8K_STATUS_SUCCESS && doc->type == NULL)
        status = form_from_cover(&doc->type, doc->text, doc->text_len);
    /* The primary document's type is the form; an exhibit alone says nothing of it. */
    if (status == F8K_STATUS_SUCCESS && doc->type != NULL && strncmp(doc->type, "EX-", 3) != 0)
        status = parse_set_field(&filing->form, doc->type, strlen(doc->type));

done:
    html_meta_clear(&meta);
    (void)reason;
    return status;
}

/* ------------------------------------------------------------------ */
/* Bare plain-text bodies                                              */
/* ------------------------------------------------------------------ */

f8k_status_t parse_plain(f8k_filing_t *filing, const char *buf, size_t len, const char **reason)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    f8k_document_t *doc = NULL;

    (void)reason;
    status = parse_add_document(filing, &doc);
    if (status != F8K_STATUS_SUCCESS)
        return status;
    doc->sequence = 1;
    status = parse_set_field(&doc->type, "8-K", 3);
    if (status == F8K_STATUS_SUCCESS)
        status = parse_document_body(doc, buf, len, PARSE_BODY_PLAIN, NULL);
    if (status == F8K_STATUS_SUCCESS)
        status = parse_fields_from_file_name(filing);
    if (status == F8K_STATUS_SUCCESS)
        status = form_from_cover(&filing->form, doc->text, doc->text_len);
    return status;
}

/* ------------------------------------------------------------------ */
/* Lee et al. records                                                  */
/* ------------------------------------------------------------------ */

/*
 * <DOCUMENT>
 * FILE:A/A-8K-20020517172705.txt.gz
 * TIME:20020517172705               (acceptance time: the filing date)
 * EVENTS:<TAB>Other events<TAB>...  (the header's item titles)
 * TEXT:
 * ...                               (the 8-K text, then exhibit text)
 * </DOCUMENT>
 * The dataset names no accession, CIK or company; they stay unknown.
 */
f8k_status_t parse_lee(f8k_filing_t *filing, const char *buf, size_t len, const char **reason)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    f8k_document_t *doc = NULL;
    size_t pos = 0;
    size_t text_start = len;
    size_t text_end = len;
    const char *close = NULL;

    while (pos < len && status == F8K_STATUS_SUCCESS) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - buf) : len;
        const char *s = buf + pos;
        size_t n = end - pos;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        if (n >= 5 && strncmp(s, "TEXT:", 5) == 0) {
            text_start = pos + 5;
            break;
        }
        if (n >= 5 && strncmp(s, "TIME:", 5) == 0) {
            status = parse_set_date_compact(&filing->filed, s + 5, n - 5);
        } else if (n >= 7 && strncmp(s, "EVENTS:", 7) == 0) {
            size_t i = 7;
            while (i <= n && status == F8K_STATUS_SUCCESS) {
                size_t f = i;
                while (f < n && s[f] != '\t')
                    f++;
                status = parse_add_string(&filing->header_item_titles,
                                          &filing->n_header_item_titles, s + i, f - i);
                i = f + 1;
            }
        }
        pos = end + 1;
    }
    if (status != F8K_STATUS_SUCCESS)
        return status;
    if (text_start >= len) {
        *reason = "Lee record without TEXT:";
        return F8K_STATUS_BAD_INPUT;
    }
    /* The record ends at its last </DOCUMENT>. */
    for (size_t i = len; i > text_start && len - i < 4096; i--) {
        if (i - text_start >= 11 && memcmp(buf + i - 11, "</DOCUMENT>", 11) == 0) {
            close = buf + i - 11;
            break;
        }
    }
    if (close != NULL)
        text_end = (size_t)(close - buf);
    status = parse_set_field(&filing->form, "8-K", 3);
    if (status == F8K_STATUS_SUCCESS)
        status = parse_add_document(filing, &doc);
    if (status != F8K_STATUS_SUCCESS)
        return status;
    doc->sequence = 1;
    status = parse_set_field(&doc->type, "8-K", 3);
    if (status == F8K_STATUS_SUCCESS) {
        status = parse_document_body(doc, buf + text_start, text_end - text_start, PARSE_BODY_PLAIN,
                                     NULL);
    }
    return status;
}
