/*
 * parse_sgml.c - EDGAR complete submission files.
 *
 * Three header dialects share one forward pass over the lines:
 *   - <SEC-HEADER> (1996 on) and <IMS-HEADER> (1993-96): "KEY:<tabs>value"
 *     lines, nested by tab indentation, values sometimes wrapped onto a
 *     continuation line;
 *   - the .nc dissemination dialect: <SUBMISSION>, then "<TAG>value"
 *     lines (<ACCESSION-NUMBER>, <TYPE>, <ITEMS>, <FILING-DATE>, ...).
 * Then one <DOCUMENT> per attachment with <TYPE>, <SEQUENCE>, <FILENAME>,
 * <DESCRIPTION> and the body between <TEXT> and </TEXT>.
 *
 * Company, CIK, SIC and state come from the first company block (the
 * first FILER, as EDGAR's own indexes do); former names from that block
 * only.  A second envelope or header in the same file (dash-escaped
 * nested copies in 1994, submissions repeated by downloaders) is not
 * read again: documents stop at the end of the first envelope.
 *
 * Lines end in LF, CRLF or a lone CR (the .nc files use CR).
 */
/* memmem() */
#define _GNU_SOURCE

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse-private.h"

/* One line of the buffer, without its terminator. */
typedef struct line {
    const char *s;
    size_t n;
} line_t;

/* Read the line at *POS and advance *POS past its terminator. */
static int next_line(const char *buf, size_t len, size_t *pos, line_t *line)
{
    size_t i = *pos;
    size_t start = i;

    if (i >= len)
        return 0;
    while (i < len && buf[i] != '\n' && buf[i] != '\r')
        i++;
    line->s = buf + start;
    line->n = i - start;
    if (i < len && buf[i] == '\r') {
        i++;
        if (i < len && buf[i] == '\n')
            i++;
    } else if (i < len) {
        i++;
    }
    *pos = i;
    return 1;
}

/* Whether LINE begins with the literal TAG. */
static int line_starts(const line_t *line, const char *tag)
{
    size_t n = strlen(tag);

    return line->n >= n && memcmp(line->s, tag, n) == 0;
}

/* The value after TAG on LINE (for "<TYPE>8-K" lines). */
static void tag_value(const line_t *line, const char *tag, const char **v, size_t *vn)
{
    size_t n = strlen(tag);

    *v = line->s + n;
    *vn = line->n - n;
}

/* ------------------------------------------------------------------ */
/* Header                                                              */
/* ------------------------------------------------------------------ */

typedef struct header_state {
    f8k_filing_t *filing;
    int block;         /* company blocks seen (FILER:, SUBJECT COMPANY:, <FILER>...) */
    int company_block; /* the block the company came from; 0 before */
    char key[64];      /* pending "KEY:" line, value in VALUE */
    parse_buf_t value;
    int has_key;
} header_state_t;

/* Keys are upper-case words: letters, digits, spaces and a few marks. */
static size_t key_length(const char *s, size_t n)
{
    size_t i = 0;
    int letters = 0;

    while (i < n && s[i] != ':') {
        unsigned char c = (unsigned char)s[i];
        if (isupper(c))
            letters++;
        else if (!(isdigit(c) || c == ' ' || c == '-' || c == '/' || c == '&' || c == '.' ||
                   c == '(' || c == ')' || c == ','))
            return 0;
        i++;
    }
    if (i == n || letters == 0 || i >= 63)
        return 0;
    return i;
}

/* The SIC code: the digits in "[6036]", or a bare "3674". */
static f8k_status_t set_sic(f8k_filing_t *filing, const char *v, size_t n)
{
    const char *open = memchr(v, '[', n);
    size_t i = 0;
    size_t start = 0;

    if (filing->sic != NULL)
        return F8K_STATUS_SUCCESS;
    if (open != NULL)
        i = (size_t)(open - v) + 1;
    while (i < n && !isdigit((unsigned char)v[i]))
        i++;
    start = i;
    while (i < n && isdigit((unsigned char)v[i]))
        i++;
    if (i == start || i - start > 4)
        return F8K_STATUS_SUCCESS;
    return parse_set_field(&filing->sic, v + start, i - start);
}

/* A header field whose value is known: store it where it belongs. */
static f8k_status_t apply_field(header_state_t *h, const char *key, const char *v, size_t n)
{
    f8k_filing_t *f = h->filing;
    int first_block = h->company_block == 0 || h->company_block == h->block;

    if (strcmp(key, "ACCESSION NUMBER") == 0 || strcmp(key, "ACCESSION-NUMBER") == 0)
        return parse_set_field(&f->accession, v, n);
    if (strcmp(key, "CONFORMED SUBMISSION TYPE") == 0 || strcmp(key, "TYPE") == 0)
        return parse_set_field(&f->form, v, n);
    if (strcmp(key, "CONFORMED PERIOD OF REPORT") == 0 || strcmp(key, "PERIOD") == 0) {
        int had = f->date_of_report != NULL;
        f8k_status_t status = parse_set_date_compact(&f->date_of_report, v, n);
        if (!had && f->date_of_report != NULL)
            f->date_of_report_source = F8K_SOURCE_HEADER;
        return status;
    }
    if (strcmp(key, "ITEM INFORMATION") == 0 || strcmp(key, "ITEMS") == 0)
        return parse_add_string(&f->header_item_titles, &f->n_header_item_titles, v, n);
    if (strcmp(key, "FILED AS OF DATE") == 0 || strcmp(key, "FILING-DATE") == 0)
        return parse_set_date_compact(&f->filed, v, n);
    if (strcmp(key, "COMPANY CONFORMED NAME") == 0 || strcmp(key, "CONFORMED-NAME") == 0) {
        if (f->company == NULL) {
            f8k_status_t status = parse_set_field(&f->company, v, n);
            if (f->company != NULL) {
                f->company_source = F8K_SOURCE_HEADER;
                h->company_block = h->block;
            }
            return status;
        }
        return F8K_STATUS_SUCCESS;
    }
    if (!first_block)
        return F8K_STATUS_SUCCESS;
    if (strcmp(key, "CENTRAL INDEX KEY") == 0 || strcmp(key, "CIK") == 0)
        return parse_set_cik(&f->cik, v, n);
    if (strcmp(key, "STANDARD INDUSTRIAL CLASSIFICATION") == 0 || strcmp(key, "ASSIGNED-SIC") == 0)
        return set_sic(f, v, n);
    if (strcmp(key, "STATE OF INCORPORATION") == 0 || strcmp(key, "STATE-OF-INCORPORATION") == 0)
        return parse_set_field(&f->state, v, n);
    if (strcmp(key, "SEC FILE NUMBER") == 0 || strcmp(key, "FILE-NUMBER") == 0)
        return parse_set_field(&f->file_number, v, n);
    if (strcmp(key, "FORMER CONFORMED NAME") == 0 || strcmp(key, "FORMER-CONFORMED-NAME") == 0)
        return parse_add_string(&f->former_names, &f->n_former_names, v, n);
    return F8K_STATUS_SUCCESS;
}

static f8k_status_t flush_key(header_state_t *h)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;

    if (h->has_key) {
        status = apply_field(h, h->key, h->value.data != NULL ? h->value.data : "", h->value.len);
    }
    h->has_key = 0;
    h->value.len = 0;
    if (h->value.data != NULL)
        h->value.data[0] = '\0';
    return status;
}

/* Blocks that open a new company (co-registrants, subject companies). */
static int is_block_key(const char *key)
{
    return strcmp(key, "FILER") == 0 || strcmp(key, "SUBJECT COMPANY") == 0 ||
           strcmp(key, "FILED BY") == 0 || strcmp(key, "REPORTING-OWNER") == 0 ||
           strcmp(key, "ISSUER") == 0 || strcmp(key, "SERIAL COMPANY") == 0;
}

/* One "KEY:\tvalue" line (or a continuation of the previous value). */
static f8k_status_t header_text_line(header_state_t *h, const line_t *line)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    const char *s = line->s;
    size_t n = line->n;
    size_t klen = 0;

    while (n > 0 && (s[0] == '\t' || s[0] == ' ')) {
        s++;
        n--;
    }
    /* A wrapped "[5122" + "]" puts the bracket at the start of the next line. */
    if (n > 0 && s[0] == ']') {
        if (h->has_key)
            status = parse_buf_append(&h->value, "]", 1);
        s++;
        n--;
        while (n > 0 && (s[0] == '\t' || s[0] == ' ')) {
            s++;
            n--;
        }
    }
    if (status != F8K_STATUS_SUCCESS || n == 0)
        return status;
    klen = key_length(s, n);
    if (klen == 0) {
        /* A wrapped value: continue the pending one. */
        if (h->has_key) {
            status = parse_buf_append(&h->value, " ", 1);
            if (status == F8K_STATUS_SUCCESS)
                status = parse_buf_append(&h->value, s, n);
        }
        return status;
    }
    status = flush_key(h);
    if (status != F8K_STATUS_SUCCESS)
        return status;
    memcpy(h->key, s, klen);
    h->key[klen] = '\0';
    if (is_block_key(h->key))
        h->block++;
    h->has_key = 1;
    return parse_buf_append(&h->value, s + klen + 1, n - klen - 1);
}

/* One "<TAG>value" line of the .nc dialect (or <ACCEPTANCE-DATETIME>). */
static f8k_status_t header_tag_line(header_state_t *h, const line_t *line)
{
    f8k_status_t status = flush_key(h);
    char tag[64];
    size_t i = 1;

    if (status != F8K_STATUS_SUCCESS)
        return status;
    while (i < line->n && line->s[i] != '>' && i < sizeof(tag))
        i++;
    if (i >= line->n || line->s[i] != '>' || line->s[1] == '/' || i - 1 >= sizeof(tag))
        return F8K_STATUS_SUCCESS;
    memcpy(tag, line->s + 1, i - 1);
    tag[i - 1] = '\0';
    if (strcmp(tag, "FILER") == 0 || strcmp(tag, "SUBJECT-COMPANY") == 0 ||
        strcmp(tag, "FILED-BY") == 0 || strcmp(tag, "REPORTING-OWNER") == 0 ||
        strcmp(tag, "ISSUER") == 0) {
        h->block++;
        return F8K_STATUS_SUCCESS;
    }
    return apply_field(h, tag, line->s + i + 1, line->n - i - 1);
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */
/* ------------------------------------------------------------------ */

/*
 * The next occurrence of a fixed marker at or after a position, cached
 * so that repeated look-ups never rescan: total work stays linear even
 * when the marker is missing (truncated files).
 */
typedef struct marker {
    const char *needle;
    size_t found; /* position of the last hit, or LEN for none */
    size_t from;  /* the search that produced FOUND started here */
    int valid;
} marker_t;

static size_t marker_find(marker_t *m, const char *buf, size_t len, size_t pos)
{
    const char *p = NULL;

    if (m->valid && pos >= m->from && pos <= m->found)
        return m->found;
    p = pos < len ? memmem(buf + pos, len - pos, m->needle, strlen(m->needle)) : NULL;
    m->found = p != NULL ? (size_t)(p - buf) : len;
    m->from = pos;
    m->valid = 1;
    return m->found;
}

static f8k_status_t parse_document(f8k_filing_t *filing, const char *buf, size_t len, size_t *pos,
                                   marker_t *text_end, marker_t *doc_end, html_meta_t *meta)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    f8k_document_t *doc = NULL;
    line_t line;
    const char *v = NULL;
    size_t vn = 0;
    size_t body_start = 0;
    size_t body_end = 0;
    size_t end_doc = 0;
    int have_text = 0;
    char *seq = NULL;

    status = parse_add_document(filing, &doc);
    if (status != F8K_STATUS_SUCCESS)
        return status;
    end_doc = marker_find(doc_end, buf, len, *pos);
    while (*pos < end_doc && next_line(buf, len, pos, &line)) {
        if (line_starts(&line, "<TEXT>")) {
            have_text = 1;
            break;
        }
        if (line_starts(&line, "<TYPE>")) {
            tag_value(&line, "<TYPE>", &v, &vn);
            status = parse_set_field(&doc->type, v, vn);
        } else if (line_starts(&line, "<SEQUENCE>")) {
            tag_value(&line, "<SEQUENCE>", &v, &vn);
            seq = parse_strndup_trim(v, vn);
            if (seq == NULL)
                return F8K_STATUS_NOMEM;
            doc->sequence = (int)strtol(seq, NULL, 10);
            if (doc->sequence < 0)
                doc->sequence = 0;
            free(seq);
            seq = NULL;
        } else if (line_starts(&line, "<FILENAME>")) {
            tag_value(&line, "<FILENAME>", &v, &vn);
            status = parse_set_field(&doc->filename, v, vn);
        } else if (line_starts(&line, "<DESCRIPTION>")) {
            tag_value(&line, "<DESCRIPTION>", &v, &vn);
            status = parse_set_field(&doc->description, v, vn);
        }
        if (status != F8K_STATUS_SUCCESS)
            return status;
    }
    if (!have_text) {
        /* No body at all (truncated): an empty, non-text document. */
        *pos = end_doc;
        return parse_document_body(doc, "", 0, PARSE_BODY_PLAIN, NULL);
    }
    /* The <TEXT> line may carry content after the tag. */
    body_start = (size_t)(line.s - buf) + 6;
    body_end = marker_find(text_end, buf, len, body_start);
    if (body_end > end_doc)
        body_end = end_doc; /* </TEXT> missing: stop at </DOCUMENT> */
    status = parse_document_body(doc, buf + body_start, body_end - body_start, PARSE_BODY_AUTO,
                                 filing->n_documents == 1 ? meta : NULL);
    *pos = body_end;
    return status;
}

/* ------------------------------------------------------------------ */
/* The submission                                                      */
/* ------------------------------------------------------------------ */

static int is_header_open(const line_t *line)
{
    return line_starts(line, "<SEC-HEADER>") || line_starts(line, "<IMS-HEADER>");
}

static int is_header_close(const line_t *line)
{
    return line_starts(line, "</SEC-HEADER>") || line_starts(line, "</IMS-HEADER>");
}

static int is_envelope_open(const line_t *line)
{
    return line_starts(line, "<SEC-DOCUMENT>") || line_starts(line, "<IMS-DOCUMENT>");
}

static int is_envelope_close(const line_t *line)
{
    return line_starts(line, "</SEC-DOCUMENT>") || line_starts(line, "</IMS-DOCUMENT>") ||
           line_starts(line, "</SUBMISSION>");
}

f8k_status_t parse_sgml(f8k_filing_t *filing, const char *buf, size_t len, size_t start,
                        const char **reason)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    header_state_t h;
    marker_t text_end = {"</TEXT>", 0, 0, 0};
    marker_t doc_end = {"</DOCUMENT>", 0, 0, 0};
    size_t pos = start;
    line_t line;
    int headers_seen = 0;
    int in_header = 0;   /* inside the first header: parse its lines */
    int skip_header = 0; /* inside a repeated header: ignore it */
    int envelopes = 0;
    html_meta_t meta;

    memset(&h, 0, sizeof(h));
    memset(&meta, 0, sizeof(meta));
    h.filing = filing;
    while (status == F8K_STATUS_SUCCESS && next_line(buf, len, &pos, &line)) {
        if (line_starts(&line, "<DOCUMENT>")) {
            status = flush_key(&h);
            in_header = 0;
            skip_header = 0;
            if (status != F8K_STATUS_SUCCESS)
                break;
            if (filing->n_documents >= PARSE_MAX_DOCUMENTS) {
                status = F8K_STATUS_BAD_INPUT;
                *reason = "too many documents in one submission";
                break;
            }
            status = parse_document(filing, buf, len, &pos, &text_end, &doc_end, &meta);
            continue;
        }
        if (is_envelope_open(&line)) {
            envelopes++;
            if (filing->n_documents > 0)
                break; /* a repeated submission: its documents are already read */
            if (filing->accession == NULL && line.n > 14) {
                /* "<SEC-DOCUMENT>0000943374-24-000509.txt : 20241227" */
                const char *v = line.s + 14;
                size_t vn = line.n - 14;
                const char *dot = memchr(v, '.', vn);
                if (dot != NULL && dot - v == 20)
                    status = parse_set_field(&filing->accession, v, 20);
            }
            continue;
        }
        if (is_envelope_close(&line)) {
            if (filing->n_documents > 0)
                break;
            continue;
        }
        if (line_starts(&line, "<SUBMISSION>")) {
            if (filing->n_documents > 0)
                break;
            if (!headers_seen) {
                headers_seen = 1;
                in_header = 1;
            }
            continue;
        }
        if (is_header_open(&line)) {
            if (headers_seen) {
                skip_header = 1;
            } else {
                headers_seen = 1;
                in_header = 1;
            }
            continue;
        }
        if (is_header_close(&line)) {
            if (in_header)
                status = flush_key(&h);
            in_header = 0;
            skip_header = 0;
            continue;
        }
        if (!in_header || skip_header)
            continue;
        if (line.n > 0 && line.s[0] == '<')
            status = header_tag_line(&h, &line);
        else
            status = header_text_line(&h, &line);
    }
    if (status == F8K_STATUS_SUCCESS)
        status = flush_key(&h);
    parse_buf_reset(&h.value);
    (void)envelopes;
    /* The primary document's iXBRL facts fill what the header lacked;
     * without a header (a bare <DOCUMENT> list) its type is the form. */
    if (status == F8K_STATUS_SUCCESS)
        status = parse_apply_meta(filing, &meta);
    if (status == F8K_STATUS_SUCCESS && !headers_seen)
        status = parse_fields_from_file_name(filing);
    if (status == F8K_STATUS_SUCCESS && filing->form == NULL && filing->n_documents > 0 &&
        filing->documents[0].type != NULL && strncmp(filing->documents[0].type, "EX-", 3) != 0)
        status = parse_set_field(&filing->form, filing->documents[0].type,
                                 strlen(filing->documents[0].type));
    html_meta_clear(&meta);
    if (status == F8K_STATUS_SUCCESS && filing->n_documents == 0) {
        status = F8K_STATUS_BAD_INPUT;
        *reason = "truncated submission: no <DOCUMENT>";
    }
    return status;
}
