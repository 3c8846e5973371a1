/*
 * fetch_core.c - the pure parts of f8k-fetch: dates, EDGAR index
 * parsing and validation, selection, pacing, configuration and state.
 * Nothing here touches the network or prints.
 */
#include "fetch-private.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ================================================================== */
/* Dates                                                               */
/* ================================================================== */

/* Civil-calendar conversions count 400-year eras of 146097 days, with
 * years starting on March 1 so that the leap day falls last. */
fetch_day_t fetch_day_from_ymd(int y, int m, int d)
{
    long year = (long)y - (m <= 2 ? 1 : 0);
    long era = (year >= 0 ? year : year - 399) / 400;
    long yoe = year - era * 400;
    long doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (fetch_day_t)(era * 146097 + doe - 719468);
}

void fetch_day_to_ymd(fetch_day_t day, int *y_out, int *m_out, int *d_out)
{
    long z = (long)day + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    *y_out = (int)y;
    *m_out = (int)m;
    *d_out = (int)d;
}

void fetch_day_format(fetch_day_t day, char *buf)
{
    int y = 0, m = 0, d = 0;
    char text[48];
    fetch_day_to_ymd(day, &y, &m, &d);
    snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
    memcpy(buf, text, 10);
    buf[10] = '\0';
}

void fetch_day_format_compact(fetch_day_t day, char *buf)
{
    int y = 0, m = 0, d = 0;
    char text[48];
    fetch_day_to_ymd(day, &y, &m, &d);
    snprintf(text, sizeof text, "%04d%02d%02d", y, m, d);
    memcpy(buf, text, 8);
    buf[8] = '\0';
}

int fetch_day_weekday(fetch_day_t day)
{
    /* 1970-01-01 was a Thursday. */
    return (int)((((long)day % 7) + 7 + 4) % 7);
}

int fetch_day_quarter(fetch_day_t day)
{
    int y = 0, m = 0, d = 0;
    fetch_day_to_ymd(day, &y, &m, &d);
    return (m - 1) / 3 + 1;
}

fetch_day_t fetch_quarter_first(fetch_day_t day)
{
    int y = 0, m = 0, d = 0;
    fetch_day_to_ymd(day, &y, &m, &d);
    return fetch_day_from_ymd(y, ((m - 1) / 3) * 3 + 1, 1);
}

fetch_day_t fetch_quarter_last(fetch_day_t day)
{
    int y = 0, m = 0, d = 0;
    int next_month = 0;
    fetch_day_to_ymd(day, &y, &m, &d);
    next_month = ((m - 1) / 3) * 3 + 4;
    if (next_month > 12)
        return fetch_day_from_ymd(y + 1, 1, 1) - 1;
    return fetch_day_from_ymd(y, next_month, 1) - 1;
}

/* Read exactly N digits at S into *value. */
static bool read_digits(const char *s, int n, int *value)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return true;
}

/* Parse YYYY-MM-DD or YYYYMMDD of exactly LEN bytes. */
static bool parse_ymd(const char *s, size_t len, fetch_day_t *day_out)
{
    int y = 0, m = 0, d = 0;
    int y2 = 0, m2 = 0, d2 = 0;
    bool ok = false;
    fetch_day_t day = 0;

    if (len == 10 && s[4] == '-' && s[7] == '-')
        ok = read_digits(s, 4, &y) && read_digits(s + 5, 2, &m) && read_digits(s + 8, 2, &d);
    else if (len == 8)
        ok = read_digits(s, 4, &y) && read_digits(s + 4, 2, &m) && read_digits(s + 6, 2, &d);
    if (!ok || y < 1900 || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    /* Reject days that do not exist by converting there and back. */
    day = fetch_day_from_ymd(y, m, d);
    fetch_day_to_ymd(day, &y2, &m2, &d2);
    if (y2 != y || m2 != m || d2 != d)
        return false;
    *day_out = day;
    return true;
}

f8k_status_t fetch_day_parse(const char *text, fetch_day_t today, fetch_day_t *day_out)
{
    fetch_day_t day = 0;
    *day_out = 0;
    if (text == NULL)
        return F8K_STATUS_INVALID_ARG;
    if (strcmp(text, "today") == 0)
        day = today;
    else if (strcmp(text, "yesterday") == 0)
        day = today - 1;
    else if (!parse_ymd(text, strlen(text), &day))
        return F8K_STATUS_INVALID_ARG;
    *day_out = day;
    return F8K_STATUS_SUCCESS;
}

/* ================================================================== */
/* Validation                                                          */
/* ================================================================== */

static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

bool fetch_valid_cik(const char *s, size_t len)
{
    return len >= 1 && len <= FETCH_CIK_MAX && all_digits(s, len);
}

bool fetch_valid_accession(const char *s, size_t len)
{
    return len == FETCH_ACCESSION_LEN && all_digits(s, 10) && s[10] == '-' &&
           all_digits(s + 11, 2) && s[13] == '-' && all_digits(s + 14, 6);
}

f8k_status_t fetch_parse_filename(const char *s, size_t len, char *cik_out, char *accession_out)
{
    static const char prefix[] = "edgar/data/";
    const size_t prefix_len = sizeof prefix - 1;
    const char *cik = NULL;
    const char *slash = NULL;
    size_t cik_len = 0;
    size_t rest = 0;

    cik_out[0] = '\0';
    accession_out[0] = '\0';
    if (len <= prefix_len || memcmp(s, prefix, prefix_len) != 0)
        return F8K_STATUS_BAD_INPUT;
    cik = s + prefix_len;
    slash = memchr(cik, '/', len - prefix_len);
    if (slash == NULL)
        return F8K_STATUS_BAD_INPUT;
    cik_len = (size_t)(slash - cik);
    rest = len - prefix_len - cik_len - 1;
    /* What follows the CIK must be exactly ACCESSION ".txt". */
    if (!fetch_valid_cik(cik, cik_len) || rest != FETCH_ACCESSION_LEN + 4 ||
        !fetch_valid_accession(slash + 1, FETCH_ACCESSION_LEN) ||
        memcmp(slash + 1 + FETCH_ACCESSION_LEN, ".txt", 4) != 0)
        return F8K_STATUS_BAD_INPUT;
    memcpy(cik_out, cik, cik_len);
    cik_out[cik_len] = '\0';
    memcpy(accession_out, slash + 1, FETCH_ACCESSION_LEN);
    accession_out[FETCH_ACCESSION_LEN] = '\0';
    return F8K_STATUS_SUCCESS;
}

/* ================================================================== */
/* Index parsing                                                       */
/* ================================================================== */

void fetch_index_parser_init(fetch_index_parser_t *parser, fetch_index_kind_t kind)
{
    memset(parser, 0, sizeof *parser);
    parser->kind = kind;
}

/* Trim spaces and tabs at both ends of [*s, *s + *len). */
static void trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/* Is LINE the row of dashes that ends the header? */
static bool is_dash_line(const char *line, size_t len)
{
    size_t dashes = 0;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '-')
            dashes++;
        else if (line[i] != ' ' && line[i] != '\t')
            return false;
    }
    return dashes >= 10;
}

/* Fill ROW from the four fields every layout has; the form first so
 * that callers can tell whether a bad row would have been kept. */
static f8k_status_t fill_row(fetch_row_t *row, const char *form, size_t form_len, const char *cik,
                             size_t cik_len, const char *date, size_t date_len, const char *file,
                             size_t file_len, const char **reason_out)
{
    trim(&form, &form_len);
    trim(&cik, &cik_len);
    trim(&date, &date_len);
    trim(&file, &file_len);
    if (form_len == 0 || form_len > FETCH_FORM_MAX) {
        *reason_out = "bad form type";
        return F8K_STATUS_BAD_INPUT;
    }
    memcpy(row->form, form, form_len);
    row->form[form_len] = '\0';
    if (!fetch_valid_cik(cik, cik_len)) {
        *reason_out = "CIK is not 1 to 10 digits";
        return F8K_STATUS_BAD_INPUT;
    }
    memcpy(row->cik, cik, cik_len);
    row->cik[cik_len] = '\0';
    if (!parse_ymd(date, date_len, &row->filed)) {
        *reason_out = "bad filing date";
        return F8K_STATUS_BAD_INPUT;
    }
    if (fetch_parse_filename(file, file_len, row->file_cik, row->accession) != F8K_STATUS_SUCCESS) {
        *reason_out = "file name is not edgar/data/<CIK>/<accession>.txt";
        return F8K_STATUS_BAD_INPUT;
    }
    return F8K_STATUS_SUCCESS;
}

/* CIK|Company Name|Form Type|Date Filed|Filename: the company name may
 * itself hold a '|', so the last three fields are taken from the right. */
static f8k_status_t parse_master(const char *line, size_t len, fetch_row_t *row,
                                 const char **reason_out)
{
    const char *bars[4] = {NULL, NULL, NULL, NULL};
    const char *first = memchr(line, '|', len);
    int found = 0;

    if (first == NULL) {
        *reason_out = "not a CIK|Company|Form|Date|Filename row";
        return F8K_STATUS_BAD_INPUT;
    }
    /* The last three bars, right to left. */
    for (size_t i = len; i > 0 && found < 3; i--) {
        if (line[i - 1] == '|')
            bars[found++] = line + i - 1;
    }
    if (found < 3 || bars[2] <= first) {
        *reason_out = "not a CIK|Company|Form|Date|Filename row";
        return F8K_STATUS_BAD_INPUT;
    }
    /* bars[0] before Filename, bars[1] before Date Filed, bars[2]
     * before Form Type. */
    return fill_row(row, bars[2] + 1, (size_t)(bars[1] - bars[2] - 1), line, (size_t)(first - line),
                    bars[1] + 1, (size_t)(bars[0] - bars[1] - 1), bars[0] + 1,
                    (size_t)(line + len - bars[0] - 1), reason_out);
}

/* Form Type, Company Name, CIK, Date Filed, File Name in columns.  The
 * form type ends where the header put "Company Name" (form types such
 * as "SC 13G/A" hold spaces); the last three fields are the last three
 * words. */
static f8k_status_t parse_form(const fetch_index_parser_t *parser, const char *line, size_t len,
                               fetch_row_t *row, const char **reason_out)
{
    const char *word_start[3] = {NULL, NULL, NULL};
    size_t word_len[3] = {0, 0, 0};
    size_t end = len;
    size_t form_len = 0;

    for (int w = 0; w < 3; w++) {
        size_t stop = 0;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t'))
            end--;
        stop = end;
        while (end > 0 && line[end - 1] != ' ' && line[end - 1] != '\t')
            end--;
        if (stop == end) {
            *reason_out = "too few columns";
            return F8K_STATUS_BAD_INPUT;
        }
        word_start[w] = line + end;
        word_len[w] = stop - end;
    }
    if (parser->company_column > 0 && parser->company_column < end)
        form_len = parser->company_column;
    else {
        /* No usable header: the form type is the first word. */
        while (form_len < len && line[form_len] != ' ' && line[form_len] != '\t')
            form_len++;
    }
    return fill_row(row, line, form_len, word_start[2], word_len[2], word_start[1], word_len[1],
                    word_start[0], word_len[0], reason_out);
}

f8k_status_t fetch_index_parse_line(fetch_index_parser_t *parser, const char *line, size_t len,
                                    fetch_row_t *row_out, bool *got_row_out,
                                    const char **reason_out)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    const char *trimmed = line;
    size_t trimmed_len = 0;

    *got_row_out = false;
    *reason_out = NULL;
    memset(row_out, 0, sizeof *row_out);
    parser->line_no++;
    if (len > 0 && line[len - 1] == '\r')
        len--;
    trimmed_len = len;
    trim(&trimmed, &trimmed_len);
    if (trimmed_len == 0)
        return F8K_STATUS_SUCCESS;
    if (!parser->in_body) {
        const char *company = NULL;
        if (is_dash_line(line, len)) {
            parser->in_body = true;
            return F8K_STATUS_SUCCESS;
        }
        /* Remember where the form.idx header puts the company name. */
        if (len > 9 && memcmp(line, "Form Type", 9) == 0) {
            for (size_t i = 9; i + 12 <= len; i++) {
                if (memcmp(line + i, "Company Name", 12) == 0) {
                    company = line + i;
                    break;
                }
            }
            if (company != NULL)
                parser->company_column = (size_t)(company - line);
        }
        return F8K_STATUS_SUCCESS;
    }
    if (parser->kind == FETCH_INDEX_MASTER)
        status = parse_master(line, len, row_out, reason_out);
    else
        status = parse_form(parser, line, len, row_out, reason_out);
    if (status == F8K_STATUS_SUCCESS)
        *got_row_out = true;
    return status;
}

/* ================================================================== */
/* Selection and de-duplication                                        */
/* ================================================================== */

/* Split LIST at commas into trimmed items, calling ADD for each. */
static f8k_status_t split_list(const char *list, f8k_status_t (*add)(void *, const char *, size_t),
                               void *closure)
{
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        const char *item = p;
        f8k_status_t status = F8K_STATUS_SUCCESS;
        trim(&item, &len);
        if (len == 0)
            return F8K_STATUS_INVALID_ARG;
        status = add(closure, item, len);
        if (status != F8K_STATUS_SUCCESS)
            return status;
        if (comma == NULL)
            return F8K_STATUS_SUCCESS;
        p = comma + 1;
    }
}

static f8k_status_t add_form(void *closure, const char *item, size_t len)
{
    fetch_filter_t *filter = closure;
    char **grown = NULL;
    char *copy = NULL;
    if (len > FETCH_FORM_MAX)
        return F8K_STATUS_INVALID_ARG;
    grown = realloc(filter->forms, (filter->forms_count + 1) * sizeof *grown);
    if (grown == NULL)
        return F8K_STATUS_NOMEM;
    filter->forms = grown;
    copy = strndup(item, len);
    if (copy == NULL)
        return F8K_STATUS_NOMEM;
    filter->forms[filter->forms_count++] = copy;
    return F8K_STATUS_SUCCESS;
}

static uint64_t cik_value(const char *s, size_t len)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (uint64_t)(s[i] - '0');
    return v;
}

static f8k_status_t add_cik(void *closure, const char *item, size_t len)
{
    fetch_filter_t *filter = closure;
    uint64_t *grown = NULL;
    if (!fetch_valid_cik(item, len))
        return F8K_STATUS_INVALID_ARG;
    grown = realloc(filter->ciks, (filter->ciks_count + 1) * sizeof *grown);
    if (grown == NULL)
        return F8K_STATUS_NOMEM;
    filter->ciks = grown;
    filter->ciks[filter->ciks_count++] = cik_value(item, len);
    return F8K_STATUS_SUCCESS;
}

f8k_status_t fetch_filter_init(fetch_filter_t *filter, const char *forms, const char *ciks,
                               const char **bad_out)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    memset(filter, 0, sizeof *filter);
    if (bad_out != NULL)
        *bad_out = NULL;
    status = split_list(forms != NULL ? forms : "8-K,8-K/A", add_form, filter);
    if (status != F8K_STATUS_SUCCESS) {
        if (bad_out != NULL)
            *bad_out = forms;
        goto done;
    }
    if (ciks != NULL) {
        status = split_list(ciks, add_cik, filter);
        if (status != F8K_STATUS_SUCCESS && bad_out != NULL)
            *bad_out = ciks;
    }
done:
    if (status != F8K_STATUS_SUCCESS)
        fetch_filter_free(filter);
    return status;
}

void fetch_filter_free(fetch_filter_t *filter)
{
    if (filter == NULL)
        return;
    for (size_t i = 0; i < filter->forms_count; i++)
        free(filter->forms[i]);
    free(filter->forms);
    free(filter->ciks);
    memset(filter, 0, sizeof *filter);
}

bool fetch_filter_match(const fetch_filter_t *filter, const fetch_row_t *row)
{
    bool form_ok = false;
    uint64_t cik = 0;
    for (size_t i = 0; i < filter->forms_count && !form_ok; i++)
        form_ok = strcasecmp(filter->forms[i], row->form) == 0;
    if (!form_ok)
        return false;
    if (filter->ciks_count == 0)
        return true;
    cik = cik_value(row->cik, strlen(row->cik));
    for (size_t i = 0; i < filter->ciks_count; i++) {
        if (filter->ciks[i] == cik)
            return true;
    }
    return false;
}

/* Open addressing over fixed-size keys; grows at half full. */
struct fetch_seen {
    char (*slots)[FETCH_ACCESSION_LEN + 1]; /* "" marks an empty slot */
    size_t capacity;                        /* a power of two */
    size_t count;                           /* keys held */
};

f8k_status_t fetch_seen_new(fetch_seen_t **seen_out)
{
    fetch_seen_t *seen = calloc(1, sizeof *seen);
    *seen_out = NULL;
    if (seen == NULL)
        return F8K_STATUS_NOMEM;
    seen->capacity = 1024;
    seen->slots = calloc(seen->capacity, sizeof *seen->slots);
    if (seen->slots == NULL) {
        free(seen);
        return F8K_STATUS_NOMEM;
    }
    *seen_out = seen;
    return F8K_STATUS_SUCCESS;
}

void fetch_seen_free(fetch_seen_t *seen)
{
    if (seen == NULL)
        return;
    free(seen->slots);
    free(seen);
}

static size_t hash_key(const char *key)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *key != '\0'; key++) {
        h ^= (unsigned char)*key;
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

/* Find KEY's slot in SLOTS, or the empty one where it belongs. */
static size_t probe(char (*slots)[FETCH_ACCESSION_LEN + 1], size_t capacity, const char *key)
{
    size_t i = hash_key(key) & (capacity - 1);
    while (slots[i][0] != '\0' && strcmp(slots[i], key) != 0)
        i = (i + 1) & (capacity - 1);
    return i;
}

f8k_status_t fetch_seen_add(fetch_seen_t *seen, const char *accession, bool *added_out)
{
    size_t i = 0;
    *added_out = false;
    if (strlen(accession) != FETCH_ACCESSION_LEN)
        return F8K_STATUS_INVALID_ARG;
    if ((seen->count + 1) * 2 > seen->capacity) {
        size_t capacity = seen->capacity * 2;
        char(*slots)[FETCH_ACCESSION_LEN + 1] = calloc(capacity, sizeof *slots);
        if (slots == NULL)
            return F8K_STATUS_NOMEM;
        for (size_t j = 0; j < seen->capacity; j++) {
            if (seen->slots[j][0] != '\0')
                memcpy(slots[probe(slots, capacity, seen->slots[j])], seen->slots[j],
                       sizeof *slots);
        }
        free(seen->slots);
        seen->slots = slots;
        seen->capacity = capacity;
    }
    i = probe(seen->slots, seen->capacity, accession);
    if (seen->slots[i][0] == '\0') {
        memcpy(seen->slots[i], accession, FETCH_ACCESSION_LEN + 1);
        seen->count++;
        *added_out = true;
    }
    return F8K_STATUS_SUCCESS;
}

/* ================================================================== */
/* Pacing                                                              */
/* ================================================================== */

void fetch_bucket_init(fetch_bucket_t *bucket, double rate, double capacity, double now)
{
    bucket->rate = rate;
    bucket->capacity = capacity < 1.0 ? 1.0 : capacity;
    bucket->tokens = bucket->capacity;
    bucket->last = now;
}

double fetch_bucket_take(fetch_bucket_t *bucket, double now)
{
    if (now > bucket->last) {
        bucket->tokens += (now - bucket->last) * bucket->rate;
        if (bucket->tokens > bucket->capacity)
            bucket->tokens = bucket->capacity;
        bucket->last = now;
    }
    if (bucket->tokens >= 1.0) {
        bucket->tokens -= 1.0;
        return 0.0;
    }
    return (1.0 - bucket->tokens) / bucket->rate;
}

/* ================================================================== */
/* Configuration and state                                             */
/* ================================================================== */

const char *fetch_user_agent_problem(const char *user_agent)
{
    const char *at = NULL;
    size_t len = 0;
    if (user_agent == NULL || user_agent[0] == '\0')
        return "a User-Agent naming your organisation and a contact e-mail is required";
    len = strlen(user_agent);
    if (len > 200)
        return "User-Agent is longer than 200 bytes";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)user_agent[i];
        if (c < 0x20 || c > 0x7e)
            return "User-Agent must be printable ASCII";
    }
    at = strchr(user_agent, '@');
    if (at == NULL)
        return "User-Agent must carry a contact e-mail address (no '@' found)";
    if (strchr(user_agent, ' ') == NULL)
        return "User-Agent must name the organisation as well as the e-mail address";
    return NULL;
}

f8k_status_t fetch_config_get(const char *path, const char *key, char **value_out)
{
    FILE *f = NULL;
    char line[1024];
    size_t key_len = strlen(key);
    f8k_status_t status = F8K_STATUS_SUCCESS;

    *value_out = NULL;
    f = fopen(path, "r");
    if (f == NULL)
        return errno == ENOENT ? F8K_STATUS_SUCCESS : F8K_STATUS_IO;
    while (fgets(line, sizeof line, f) != NULL) {
        const char *p = line;
        size_t len = strcspn(line, "#\r\n");
        trim(&p, &len);
        if (len <= key_len || memcmp(p, key, key_len) != 0)
            continue;
        p += key_len;
        len -= key_len;
        trim(&p, &len);
        if (len == 0 || *p != '=')
            continue;
        p++;
        len--;
        trim(&p, &len);
        free(*value_out);
        *value_out = strndup(p, len);
        if (*value_out == NULL) {
            status = F8K_STATUS_NOMEM;
            break;
        }
    }
    if (ferror(f) && status == F8K_STATUS_SUCCESS)
        status = F8K_STATUS_IO;
    fclose(f);
    if (status != F8K_STATUS_SUCCESS) {
        free(*value_out);
        *value_out = NULL;
    }
    return status;
}

f8k_status_t fetch_state_read(const char *path, bool *found_out, fetch_day_t *day_out)
{
    FILE *f = NULL;
    char line[64];
    size_t len = 0;
    const char *p = line;

    *found_out = false;
    *day_out = 0;
    f = fopen(path, "r");
    if (f == NULL)
        return errno == ENOENT ? F8K_STATUS_SUCCESS : F8K_STATUS_IO;
    if (fgets(line, sizeof line, f) == NULL) {
        fclose(f);
        return F8K_STATUS_BAD_INPUT;
    }
    fclose(f);
    len = strcspn(line, "\r\n");
    trim(&p, &len);
    if (!parse_ymd(p, len, day_out))
        return F8K_STATUS_BAD_INPUT;
    *found_out = true;
    return F8K_STATUS_SUCCESS;
}

f8k_status_t fetch_write_atomic(const char *path, const char *text, size_t len)
{
    char *tmp = NULL;
    char *dir = NULL;
    char *slash = NULL;
    int fd = -1;
    int dir_fd = -1;
    int saved = 0;
    size_t done = 0;
    f8k_status_t status = F8K_STATUS_IO;

    tmp = malloc(strlen(path) + sizeof ".tmp-XXXXXX");
    if (tmp == NULL) {
        status = F8K_STATUS_NOMEM;
        goto done;
    }
    strcpy(tmp, path);
    strcat(tmp, ".tmp-XXXXXX");
    fd = mkstemp(tmp);
    if (fd < 0)
        goto done;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto done;
        done += (size_t)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        fd = -1;
        goto done;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto done;
    free(tmp);
    tmp = NULL;
    /* Make the rename itself durable. */
    dir = strdup(path);
    if (dir == NULL) {
        status = F8K_STATUS_NOMEM;
        goto done;
    }
    slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash != NULL)
        *slash = '\0';
    else
        strcpy(dir, ".");
    dir_fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dir_fd >= 0) {
        (void)fsync(dir_fd);
        close(dir_fd);
    }
    status = F8K_STATUS_SUCCESS;
done:
    saved = errno;
    if (fd >= 0)
        close(fd);
    if (tmp != NULL)
        unlink(tmp);
    free(tmp);
    free(dir);
    errno = saved;
    return status;
}

f8k_status_t fetch_state_write(const char *path, fetch_day_t day)
{
    char text[16];
    fetch_day_format(day, text);
    strcat(text, "\n");
    return fetch_write_atomic(path, text, strlen(text));
}
