/*
 * filing.c - the filing record: format detection, the shared parsing
 * helpers, document bodies, and freeing.
 *
 * f8k_filing_parse() looks at the first bytes of the file to decide the
 * container (EDGAR SGML / IMS / .nc submission, Lee et al. record,
 * single HTML or iXBRL document, bare plain text) and hands it to the
 * parser in parse_sgml.c or parse_text.c.  Every parser is a single
 * forward pass over the buffer, so time is linear in the input size.
 */
/* memmem() */
#define _GNU_SOURCE

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <f8k/f8k_charset.h>
#include <f8k/f8k_filing.h>

#include "parse-private.h"

/* ================================================================== */
/* Buffers and strings                                                 */
/* ================================================================== */

static f8k_status_t buf_reserve(parse_buf_t *buf, size_t extra)
{
    size_t need = 0;
    size_t cap = 0;
    char *data = NULL;

    if (extra > SIZE_MAX - buf->len - 1)
        return F8K_STATUS_NOMEM;
    need = buf->len + extra + 1;
    if (need <= buf->cap)
        return F8K_STATUS_SUCCESS;
    cap = buf->cap ? buf->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    data = realloc(buf->data, cap);
    if (data == NULL)
        return F8K_STATUS_NOMEM;
    buf->data = data;
    buf->cap = cap;
    return F8K_STATUS_SUCCESS;
}

f8k_status_t parse_buf_append(parse_buf_t *buf, const char *s, size_t n)
{
    f8k_status_t status = buf_reserve(buf, n);

    if (status != F8K_STATUS_SUCCESS)
        return status;
    if (n > 0)
        memcpy(buf->data + buf->len, s, n);
    buf->len += n;
    buf->data[buf->len] = '\0';
    return F8K_STATUS_SUCCESS;
}

f8k_status_t parse_buf_append_char(parse_buf_t *buf, char c)
{
    return parse_buf_append(buf, &c, 1);
}

f8k_status_t parse_buf_take(parse_buf_t *buf, char **out, size_t *len_out)
{
    *out = NULL;
    if (buf->data == NULL) {
        buf->data = malloc(1);
        if (buf->data == NULL)
            return F8K_STATUS_NOMEM;
        buf->data[0] = '\0';
        buf->len = 0;
    }
    *out = buf->data;
    if (len_out != NULL)
        *len_out = buf->len;
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    return F8K_STATUS_SUCCESS;
}

void parse_buf_reset(parse_buf_t *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *parse_strndup_trim(const char *s, size_t n)
{
    char *copy = NULL;

    while (n > 0 && is_space((unsigned char)s[0])) {
        s++;
        n--;
    }
    while (n > 0 && is_space((unsigned char)s[n - 1]))
        n--;
    copy = malloc(n + 1);
    if (copy == NULL)
        return NULL;
    if (n > 0)
        memcpy(copy, s, n);
    copy[n] = '\0';
    /* The record holds C strings: a stray NUL would cut them silently. */
    for (size_t i = 0; i < n; i++) {
        if (copy[i] == '\0')
            copy[i] = ' ';
    }
    return copy;
}

f8k_status_t parse_set_field(char **field, const char *s, size_t n)
{
    char *value = NULL;

    if (*field != NULL)
        return F8K_STATUS_SUCCESS;
    value = parse_strndup_trim(s, n);
    if (value == NULL)
        return F8K_STATUS_NOMEM;
    if (value[0] == '\0') {
        free(value);
        return F8K_STATUS_SUCCESS;
    }
    *field = value;
    return F8K_STATUS_SUCCESS;
}

f8k_status_t parse_add_string(char ***arr, size_t *count, const char *s, size_t n)
{
    char *value = NULL;
    char **grown = NULL;

    value = parse_strndup_trim(s, n);
    if (value == NULL)
        return F8K_STATUS_NOMEM;
    if (value[0] == '\0') {
        free(value);
        return F8K_STATUS_SUCCESS;
    }
    grown = realloc(*arr, (*count + 1) * sizeof(**arr));
    if (grown == NULL) {
        free(value);
        return F8K_STATUS_NOMEM;
    }
    grown[*count] = value;
    *arr = grown;
    (*count)++;
    return F8K_STATUS_SUCCESS;
}

/* Whether Y-M-D is a plausible EDGAR date (1900-2099, real month/day). */
static int date_valid(int y, int m, int d)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1)
        return 0;
    return d <= days[m - 1];
}

static f8k_status_t set_date(char **field, int y, int m, int d)
{
    char tmp[32];

    if (*field != NULL || !date_valid(y, m, d))
        return F8K_STATUS_SUCCESS;
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
    *field = strdup(tmp);
    return *field != NULL ? F8K_STATUS_SUCCESS : F8K_STATUS_NOMEM;
}

static int digits_value(const char *s, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

f8k_status_t parse_set_date_compact(char **field, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && is_space((unsigned char)s[i]))
        i++;
    if (n - i < 8)
        return F8K_STATUS_SUCCESS;
    for (size_t k = 0; k < 8; k++) {
        if (!isdigit((unsigned char)s[i + k]))
            return F8K_STATUS_SUCCESS;
    }
    return set_date(field, digits_value(s + i, 4), digits_value(s + i + 4, 2),
                    digits_value(s + i + 6, 2));
}

static int month_from_name(const char *s, size_t n)
{
    static const char *const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};

    if (n < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        if (strncasecmp(s, names[m], 3) == 0)
            return m + 1;
    }
    return 0;
}

f8k_status_t parse_set_date_text(char **field, const char *s, size_t n)
{
    int nums[3] = {0, 0, 0};
    size_t lens[3] = {0, 0, 0};
    int count = 0;
    int month = 0;
    size_t i = 0;

    /* Collect up to three numbers and the first month name. */
    while (i < n && count < 3) {
        unsigned char c = (unsigned char)s[i];
        if (isdigit(c)) {
            size_t start = i;
            int v = 0;
            while (i < n && isdigit((unsigned char)s[i]) && i - start < 5)
                v = v * 10 + (s[i++] - '0');
            lens[count] = i - start;
            nums[count++] = v;
        } else if (isalpha(c)) {
            size_t start = i;
            while (i < n && isalpha((unsigned char)s[i]))
                i++;
            if (month == 0)
                month = month_from_name(s + start, i - start);
        } else {
            i++;
        }
    }
    if (month != 0 && count >= 2)
        return set_date(field, nums[1], month, nums[0]);
    if (count == 3 && lens[0] == 4)
        return set_date(field, nums[0], nums[1], nums[2]);
    if (count == 3 && lens[2] == 4)
        return set_date(field, nums[2], nums[0], nums[1]);
    if (count == 1 && lens[0] == 8)
        return parse_set_date_compact(field, s, n);
    return F8K_STATUS_SUCCESS;
}

f8k_status_t parse_set_cik(char **field, const char *s, size_t n)
{
    char digits[11];
    size_t nd = 0;
    char tmp[11];

    if (*field != NULL)
        return F8K_STATUS_SUCCESS;
    for (size_t i = 0; i < n && nd < 10; i++) {
        if (isdigit((unsigned char)s[i]))
            digits[nd++] = s[i];
        else if (nd > 0)
            break;
    }
    if (nd == 0)
        return F8K_STATUS_SUCCESS;
    memset(tmp, '0', 10);
    memcpy(tmp + 10 - nd, digits, nd);
    tmp[10] = '\0';
    *field = strdup(tmp);
    return *field != NULL ? F8K_STATUS_SUCCESS : F8K_STATUS_NOMEM;
}

const char *parse_memcasemem(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    unsigned char first = 0;

    if (m == 0)
        return hay;
    if (m > n)
        return NULL;
    first = (unsigned char)tolower((unsigned char)needle[0]);
    for (size_t i = 0; i + m <= n; i++) {
        if ((unsigned char)tolower((unsigned char)hay[i]) == first &&
            strncasecmp(hay + i, needle, m) == 0) {
            return hay + i;
        }
    }
    return NULL;
}

f8k_status_t parse_add_document(f8k_filing_t *filing, f8k_document_t **doc_out)
{
    f8k_document_t *grown = NULL;

    *doc_out = NULL;
    grown = realloc(filing->documents, (filing->n_documents + 1) * sizeof(*grown));
    if (grown == NULL)
        return F8K_STATUS_NOMEM;
    filing->documents = grown;
    memset(&grown[filing->n_documents], 0, sizeof(*grown));
    *doc_out = &grown[filing->n_documents];
    filing->n_documents++;
    return F8K_STATUS_SUCCESS;
}

/* ================================================================== */
/* Document bodies                                                     */
/* ================================================================== */

/*
 * Document types that carry machine data, never prose: images,
 * archives, spreadsheets and XBRL (EX-101.*, and the "XML" / "JSON"
 * renderings EDGAR adds to iXBRL filings).
 */
static int type_is_data(const char *type)
{
    static const char *const data_types[] = {"GRAPHIC", "ZIP", "PDF", "EXCEL", "XML",
                                             "JSON",    "XSD", "JPG", "GIF",   "COVER"};

    if (type == NULL)
        return 0;
    if (strncasecmp(type, "EX-101", 6) == 0)
        return 1;
    for (size_t i = 0; i < sizeof(data_types) / sizeof(data_types[0]); i++) {
        if (strcasecmp(type, data_types[i]) == 0)
            return 1;
    }
    return 0;
}

/* "begin 644 name": the first line of a uuencoded attachment. */
static int looks_uuencoded(const char *s, size_t n)
{
    if (n < 10 || strncmp(s, "begin ", 6) != 0)
        return 0;
    return s[6] >= '0' && s[6] <= '7' && s[7] >= '0' && s[7] <= '7' && s[8] >= '0' && s[8] <= '7';
}

static size_t skip_space(const char *s, size_t n, size_t i)
{
    while (i < n && is_space((unsigned char)s[i]))
        i++;
    return i;
}

static f8k_status_t set_empty_text(f8k_document_t *doc)
{
    free(doc->text);
    doc->text = strdup("");
    doc->text_len = 0;
    doc->is_text = 0;
    return doc->text != NULL ? F8K_STATUS_SUCCESS : F8K_STATUS_NOMEM;
}

f8k_status_t parse_document_body(f8k_document_t *doc, const char *raw, size_t len,
                                 parse_body_kind_t kind, html_meta_t *meta)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    char *utf8 = NULL;
    size_t utf8_len = 0;
    parse_buf_t out = {NULL, 0, 0};
    size_t start = skip_space(raw, len, 0);
    int html = 0;

    if (type_is_data(doc->type) || looks_uuencoded(raw + start, len - start) ||
        (len - start >= 5 && strncmp(raw + start, "<PDF>", 5) == 0)) {
        return set_empty_text(doc);
    }
    /* An <XBRL> block holds either an inline XBRL page (keep its text) or
     * XBRL instance/linkbase data (skip). */
    if (len - start >= 6 && strncmp(raw + start, "<XBRL>", 6) == 0) {
        size_t probe = len - start < 8192 ? len - start : 8192;
        if (parse_memcasemem(raw + start, probe, "<html") == NULL)
            return set_empty_text(doc);
        kind = PARSE_BODY_HTML;
        start += 6;
    }
    if (kind == PARSE_BODY_HTML)
        html = 1;
    else if (kind == PARSE_BODY_AUTO)
        html = html_looks_like(raw + start, len - start);

    /* Plain text is kept as it is, leading layout included. */
    if (!html)
        start = 0;
    status = f8k_text_to_utf8(raw + start, len - start, &utf8, &utf8_len);
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    if (html)
        status = html_to_text(utf8, utf8_len, &out, meta);
    else
        status = parse_clean_plain(utf8, utf8_len, &out);
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    free(doc->text);
    doc->text = NULL;
    status = parse_buf_take(&out, &doc->text, &doc->text_len);
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    doc->is_text = 1;

done:
    free(utf8);
    parse_buf_reset(&out);
    return status;
}

/* ================================================================== */
/* Format detection and the public entry points                        */
/* ================================================================== */

/* Control bytes that never occur in text (NUL, and C0 except TAB LF VT FF CR ESC). */
static int is_binary_byte(unsigned char c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1b;
}

/* Whether the first 64 KiB are binary: more than 1 in 20 bytes are control bytes. */
static int looks_binary(const char *buf, size_t len)
{
    size_t n = len < 65536 ? len : 65536;
    size_t bad = 0;

    for (size_t i = 0; i < n; i++)
        bad += is_binary_byte((unsigned char)buf[i]);
    return bad * 20 > n;
}

/* The first occurrence of NEEDLE in BUF[0..LEN), or LEN. */
static size_t find_marker(const char *buf, size_t len, const char *needle)
{
    const char *p = memmem(buf, len, needle, strlen(needle));

    return p != NULL ? (size_t)(p - buf) : len;
}

/*
 * Where an EDGAR submission starts: the first envelope or header tag.
 * Only the first 1 MiB is searched (a PEM preamble is a few hundred
 * bytes), so detection stays cheap on big files.  Returns LEN when
 * there is none.
 */
static size_t find_submission_start(const char *buf, size_t len)
{
    static const char *const markers[] = {"<SEC-DOCUMENT>", "<IMS-DOCUMENT>", "<SEC-HEADER>",
                                          "<IMS-HEADER>", "<SUBMISSION>"};
    size_t window = len < (1u << 20) ? len : (1u << 20);
    size_t best = len;

    for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
        size_t at = find_marker(buf, window, markers[i]);
        /* find_marker() answers WINDOW for "absent"; that is not a start. */
        if (at < window && at < best)
            best = at;
    }
    return best;
}

/* Whether BUF starts (after white space) with LITERAL. */
static int starts_with(const char *buf, size_t len, size_t at, const char *literal)
{
    size_t n = strlen(literal);

    return len - at >= n && memcmp(buf + at, literal, n) == 0;
}

static int filing_has_content(const f8k_filing_t *filing)
{
    if (filing->accession != NULL || filing->company != NULL || filing->form != NULL)
        return 1;
    for (size_t i = 0; i < filing->n_documents; i++) {
        const char *t = filing->documents[i].text;
        for (size_t k = 0; t != NULL && k < filing->documents[i].text_len; k++) {
            if (!is_space((unsigned char)t[k]))
                return 1;
        }
    }
    return 0;
}

f8k_status_t f8k_filing_parse(const char *path, const char *buf, size_t len,
                              f8k_filing_t **filing_out, char **error_out)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    f8k_filing_t *filing = NULL;
    const char *reason = NULL;
    size_t start = 0;
    size_t sub = 0;

    if (filing_out != NULL)
        *filing_out = NULL;
    if (error_out != NULL)
        *error_out = NULL;
    if (filing_out == NULL || (buf == NULL && len > 0)) {
        status = F8K_STATUS_INVALID_ARG;
        reason = "invalid argument";
        goto done;
    }
    filing = calloc(1, sizeof(*filing));
    if (filing == NULL) {
        status = F8K_STATUS_NOMEM;
        goto done;
    }
    if (path != NULL) {
        filing->path = strdup(path);
        if (filing->path == NULL) {
            status = F8K_STATUS_NOMEM;
            goto done;
        }
    }
    if (len > PARSE_MAX_FILE_BYTES) {
        status = F8K_STATUS_BAD_INPUT;
        reason = "file too large (over 512 MiB)";
        goto done;
    }
    start = buf != NULL ? skip_space(buf, len, 0) : 0;
    /* A UTF-8 byte order mark is not content. */
    if (starts_with(buf, len, start, "\xEF\xBB\xBF"))
        start = skip_space(buf, len, start + 3);
    if (start >= len) {
        status = F8K_STATUS_BAD_INPUT;
        reason = "empty file";
        goto done;
    }
    if (looks_binary(buf + start, len - start)) {
        status = F8K_STATUS_BAD_INPUT;
        reason = "binary data, not a filing";
        goto done;
    }

    sub = find_submission_start(buf, len);
    if (sub < len) {
        status = parse_sgml(filing, buf, len, sub, &reason);
    } else if (starts_with(buf, len, start, "<DOCUMENT>") &&
               memmem(buf + start, len - start < 4096 ? len - start : 4096, "\nFILE:", 6) != NULL) {
        status = parse_lee(filing, buf, len, &reason);
    } else if (starts_with(buf, len, start, "<DOCUMENT>")) {
        /* Documents without an envelope: a bare SGML document list. */
        status = parse_sgml(filing, buf, len, start, &reason);
    } else if (html_looks_like(buf + start, len - start)) {
        status = parse_html_file(filing, buf, len, &reason);
    } else {
        status = parse_plain(filing, buf, len, &reason);
    }
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    if (!filing_has_content(filing)) {
        status = F8K_STATUS_BAD_INPUT;
        reason = "no text and no filing header";
        goto done;
    }

done:
    if (status != F8K_STATUS_SUCCESS) {
        if (error_out != NULL) {
            *error_out = strdup(reason != NULL ? reason : f8k_status_to_string(status));
        }
        f8k_filing_free(filing);
        filing = NULL;
    }
    if (filing_out != NULL)
        *filing_out = filing;
    return status;
}

static void free_strings(char **arr, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(arr[i]);
    free(arr);
}

void f8k_filing_free(f8k_filing_t *filing)
{
    if (filing == NULL)
        return;
    free(filing->path);
    free(filing->accession);
    free(filing->cik);
    free(filing->company);
    free_strings(filing->former_names, filing->n_former_names);
    free(filing->form);
    free(filing->filed);
    free(filing->date_of_report);
    free(filing->state);
    free(filing->sic);
    free(filing->file_number);
    free_strings(filing->header_item_titles, filing->n_header_item_titles);
    for (size_t i = 0; i < filing->n_items; i++) {
        free(filing->items[i].number);
        free(filing->items[i].modern);
        free(filing->items[i].title);
    }
    free(filing->items);
    for (size_t i = 0; i < filing->n_officers; i++) {
        free(filing->officers[i].name);
        free(filing->officers[i].role);
        free(filing->officers[i].role_code);
    }
    free(filing->officers);
    for (size_t i = 0; i < filing->n_documents; i++) {
        free(filing->documents[i].type);
        free(filing->documents[i].filename);
        free(filing->documents[i].description);
        free(filing->documents[i].text);
    }
    free(filing->documents);
    free(filing);
}

const char *f8k_officer_event_name(f8k_officer_event_t event)
{
    switch (event) {
    case F8K_EVENT_APPOINTED:
        return "appointed";
    case F8K_EVENT_ELECTED:
        return "elected";
    case F8K_EVENT_RESIGNED:
        return "resigned";
    case F8K_EVENT_RETIRED:
        return "retired";
    case F8K_EVENT_TERMINATED:
        return "terminated";
    case F8K_EVENT_DIED:
        return "died";
    case F8K_EVENT_SIGNED:
        return "signed";
    case F8K_EVENT_UNKNOWN:
    default:
        return "unknown";
    }
}
