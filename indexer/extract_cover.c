/*
 * extract_cover.c - the cover page of the primary document: date of
 * report, registrant name, state of incorporation, commission file
 * number.  Only fields the header left NULL are filled.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "extract-private.h"

/* ------------------------------------------------------------------ */
/* Dates.                                                              */
/* ------------------------------------------------------------------ */

static const char *const month_names[12] = {"january",   "february", "march",    "april",
                                            "may",       "june",     "july",     "august",
                                            "september", "october",  "november", "december"};

/*
 * Month name (full, or 3+ letter prefix such as "Jun", "Sept") at S;
 * returns the month 1-12 and stores the bytes used in *used; 0 if none.
 */
static int parse_month(const char *s, size_t len, size_t *used)
{
    size_t n = 0;
    while (n < len && isalpha((unsigned char)s[n]))
        n++;
    if (n < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t ml = strlen(month_names[m]);
        if (n <= ml && strncasecmp(s, month_names[m], n) == 0) {
            if (n != ml && !(n == 3 || (m == 8 && n == 4)))
                return 0;
            *used = n;
            if (n < len && s[n] == '.')
                (*used)++;
            return m + 1;
        }
    }
    return 0;
}

static size_t parse_uint(const char *s, size_t len, size_t maxdig, int *v)
{
    size_t n = 0;
    *v = 0;
    while (n < len && n < maxdig && isdigit((unsigned char)s[n]))
        *v = *v * 10 + (s[n++] - '0');
    if (n < len && isdigit((unsigned char)s[n]))
        return 0;
    return n;
}

static size_t skip_blanks(const char *s, size_t len, size_t i)
{
    size_t b;
    while (i < len && (b = extract_blank_len(s + i, len - i)) > 0)
        i += b;
    return i;
}

static int valid_date(int y, int m, int d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1980 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1];
}

static int year_fix(int y, size_t digits)
{
    if (digits == 2)
        return y < 70 ? 2000 + y : 1900 + y;
    return digits == 4 ? y : -1;
}

/* Try every date shape at offset I; 1 and OUT filled on success. */
static int date_at(const char *s, size_t len, size_t i, char out[11])
{
    int y = 0, m = 0, d = 0;
    size_t used = 0, n = 0, j = 0;

    m = parse_month(s + i, len - i, &used);
    if (m > 0) {
        /* Month Day, Year */
        j = skip_blanks(s, len, i + used);
        n = parse_uint(s + j, len - j, 2, &d);
        if (n == 0)
            return 0;
        j += n;
        if (j + 1 < len && isalpha((unsigned char)s[j]) && isalpha((unsigned char)s[j + 1]))
            j += 2; /* "27th" */
        j = skip_blanks(s, len, j);
        if (j < len && s[j] == ',')
            j++;
        j = skip_blanks(s, len, j);
        n = parse_uint(s + j, len - j, 4, &y);
        if (n != 4)
            return 0;
        goto found;
    }
    if (!isdigit((unsigned char)s[i]))
        return 0;
    n = parse_uint(s + i, len - i, 4, &y);
    if (n == 4 && i + n < len && s[i + n] == '-') {
        /* 2003-06-27 */
        j = i + 5;
        size_t k = parse_uint(s + j, len - j, 2, &m);
        if (k == 0 || j + k >= len || s[j + k] != '-')
            return 0;
        j += k + 1;
        if (parse_uint(s + j, len - j, 2, &d) == 0)
            return 0;
        goto found;
    }
    if (n >= 1 && n <= 2) {
        int first = y;
        j = i + n;
        if (j < len && (s[j] == '/' || s[j] == '-')) {
            /* mm/dd/yyyy or mm/dd/yy */
            char sep = s[j];
            size_t k = parse_uint(s + j + 1, len - j - 1, 2, &d);
            if (k == 0)
                return 0;
            j += 1 + k;
            if (j >= len || s[j] != sep)
                return 0;
            j++;
            k = parse_uint(s + j, len - j, 4, &y);
            y = year_fix(y, k);
            m = first;
            goto found;
        }
        /* Day Month Year */
        j = skip_blanks(s, len, j);
        m = parse_month(s + j, len - j, &used);
        if (m == 0)
            return 0;
        d = first;
        j = skip_blanks(s, len, j + used);
        if (j < len && s[j] == ',')
            j = skip_blanks(s, len, j + 1);
        if (parse_uint(s + j, len - j, 4, &y) != 4)
            return 0;
        goto found;
    }
    return 0;
found:
    if (!valid_date(y, m, d))
        return 0;
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
    return 1;
}

int extract_find_date(const char *s, size_t len, char out[11])
{
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && isalnum((unsigned char)s[i - 1]))
            continue;
        if (date_at(s, len, i, out))
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* States.                                                             */
/* ------------------------------------------------------------------ */

static const struct {
    const char *name;
    const char *code;
} states[] = {
    {"district of columbia", "DC"},
    {"north carolina", "NC"},
    {"south carolina", "SC"},
    {"north dakota", "ND"},
    {"south dakota", "SD"},
    {"west virginia", "WV"},
    {"new hampshire", "NH"},
    {"new jersey", "NJ"},
    {"new mexico", "NM"},
    {"new york", "NY"},
    {"rhode island", "RI"},
    {"puerto rico", "PR"},
    {"alabama", "AL"},
    {"alaska", "AK"},
    {"arizona", "AZ"},
    {"arkansas", "AR"},
    {"california", "CA"},
    {"colorado", "CO"},
    {"connecticut", "CT"},
    {"delaware", "DE"},
    {"florida", "FL"},
    {"georgia", "GA"},
    {"hawaii", "HI"},
    {"idaho", "ID"},
    {"illinois", "IL"},
    {"indiana", "IN"},
    {"iowa", "IA"},
    {"kansas", "KS"},
    {"kentucky", "KY"},
    {"louisiana", "LA"},
    {"maine", "ME"},
    {"maryland", "MD"},
    {"massachusetts", "MA"},
    {"michigan", "MI"},
    {"minnesota", "MN"},
    {"mississippi", "MS"},
    {"missouri", "MO"},
    {"montana", "MT"},
    {"nebraska", "NE"},
    {"nevada", "NV"},
    {"ohio", "OH"},
    {"oklahoma", "OK"},
    {"oregon", "OR"},
    {"pennsylvania", "PA"},
    {"tennessee", "TN"},
    {"texas", "TX"},
    {"utah", "UT"},
    {"vermont", "VT"},
    {"virginia", "VA"},
    {"washington", "WA"},
    {"wisconsin", "WI"},
    {"wyoming", "WY"},
};

const char *extract_state_code(const char *s, size_t len)
{
    size_t i = skip_blanks(s, len, 0);
    if (len - i >= 9 && strncasecmp(s + i, "state of ", 9) == 0)
        i = skip_blanks(s, len, i + 9);
    for (size_t k = 0; k < sizeof states / sizeof states[0]; k++) {
        size_t nl = strlen(states[k].name);
        if (len - i >= nl && strncasecmp(s + i, states[k].name, nl) == 0 &&
            (i + nl == len || !isalpha((unsigned char)s[i + nl])))
            return states[k].code;
    }
    /* A bare two-letter code. */
    if (len - i >= 2 && isupper((unsigned char)s[i]) && isupper((unsigned char)s[i + 1]) &&
        (i + 2 == len || !isalpha((unsigned char)s[i + 2]))) {
        for (size_t k = 0; k < sizeof states / sizeof states[0]; k++)
            if (strncmp(s + i, states[k].code, 2) == 0)
                return states[k].code;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* The cover page.                                                     */
/* ------------------------------------------------------------------ */

#define COVER_LINES 400

typedef struct line {
    const char *s;
    size_t len;
} line_t;

static int contains_ci(const char *s, size_t len, const char *needle)
{
    size_t nl = strlen(needle);
    /* Cheap test of the first byte before the full compare. */
    int first = tolower((unsigned char)needle[0]);
    for (size_t i = 0; i + nl <= len; i++)
        if ((nl == 0 || tolower((unsigned char)s[i]) == first) &&
            strncasecmp(s + i, needle, nl) == 0)
            return (int)i + 1;
    return 0;
}

/* Text of line L before its first '(' (the label), trimmed length. */
static size_t before_paren(const line_t *l)
{
    size_t n = 0;
    while (n < l->len && l->s[n] != '(')
        n++;
    while (n > 0 && extract_blank_len(l->s + n - 1, 1) > 0)
        n--;
    return n;
}

static int has_letters(const char *s, size_t len, size_t min)
{
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        if (isalpha((unsigned char)s[i]))
            k++;
    return k >= min;
}

/* A commission file number "0-12345", "001-12345", "33-12345" in S. */
static int find_file_number(const char *s, size_t len, char out[24])
{
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '-'))
            continue;
        size_t a = 0;
        while (i + a < len && isdigit((unsigned char)s[i + a]))
            a++;
        if (a < 1 || a > 3 || i + a >= len || s[i + a] != '-')
            continue;
        size_t b = 0;
        while (i + a + 1 + b < len && isdigit((unsigned char)s[i + a + 1 + b]))
            b++;
        size_t end = i + a + 1 + b;
        if (b < 3 || b > 6 || (end < len && (isalnum((unsigned char)s[end]) || s[end] == '-')))
            continue;
        snprintf(out, 24, "%.*s", (int)(end - i), s + i);
        return 1;
    }
    return 0;
}

/* Is L a plausible registrant name? */
static int plausible_name(const char *s, size_t len)
{
    if (len < 2 || len > 150 || !has_letters(s, len, 2))
        return 0;
    if (contains_ci(s, len, "8-K") || contains_ci(s, len, "current report") ||
        contains_ci(s, len, "securities and exchange") || contains_ci(s, len, "pursuant to"))
        return 0;
    if (len == 4 && strncasecmp(s, "form", 4) == 0)
        return 0;
    return 1;
}

static const line_t *prev_line(const line_t *lines, size_t i)
{
    return i > 0 ? &lines[i - 1] : NULL;
}

f8k_status_t extract_cover(f8k_filing_t *filing)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    line_t *lines = NULL;
    size_t n = 0;
    const f8k_document_t *doc = NULL;
    char date[11], fileno[24];

    if (filing->n_documents == 0 || !filing->documents[0].text)
        return F8K_STATUS_SUCCESS;
    doc = &filing->documents[0];
    lines = malloc(COVER_LINES * sizeof *lines);
    if (!lines)
        return F8K_STATUS_NOMEM;
    /* The non-blank lines of the first part of the document, trimmed. */
    size_t limit = doc->text_len < EXTRACT_COVER_BYTES ? doc->text_len : EXTRACT_COVER_BYTES;
    for (size_t i = 0; i < limit && n < COVER_LINES;) {
        size_t e = i;
        while (e < limit && doc->text[e] != '\n')
            e++;
        size_t a = skip_blanks(doc->text, e, i);
        size_t b = e;
        while (b > a && extract_blank_len(doc->text + b - 1, 1) > 0)
            b--;
        if (b > a && !(b - a == 6 && strncasecmp(doc->text + a, "<page>", 6) == 0)) {
            lines[n].s = doc->text + a;
            lines[n].len = b - a;
            n++;
        }
        i = e + 1;
    }

    for (size_t i = 0; i < n; i++) {
        const line_t *l = &lines[i];
        const line_t *p = prev_line(lines, i);

        if (!filing->date_of_report && (contains_ci(l->s, l->len, "date of report") ||
                                        contains_ci(l->s, l->len, "date of earliest event"))) {
            int ok = extract_find_date(l->s, l->len, date);
            if (!ok && p)
                ok = extract_find_date(p->s, p->len, date);
            for (size_t k = 1; !ok && k <= 2 && i + k < n; k++)
                ok = extract_find_date(lines[i + k].s, lines[i + k].len, date);
            if (ok) {
                filing->date_of_report = strdup(date);
                if (!filing->date_of_report)
                    goto nomem;
                filing->date_of_report_source = F8K_SOURCE_COVER;
            }
        }
        if (!filing->company && contains_ci(l->s, l->len, "exact name of registrant")) {
            size_t bl = before_paren(l);
            const char *s = NULL;
            size_t sl = 0;
            if (bl > 0 && plausible_name(l->s, bl) && !contains_ci(l->s, bl, "exact name")) {
                s = l->s;
                sl = bl;
            } else if (p && plausible_name(p->s, p->len) && p->s[0] != '(') {
                s = p->s;
                sl = p->len;
            }
            while (sl > 0 && (s[sl - 1] == ',' || s[sl - 1] == ':'))
                sl--;
            if (s && sl > 0) {
                filing->company = extract_strndup_clean(s, sl);
                if (!filing->company)
                    goto nomem;
                filing->company_source = F8K_SOURCE_COVER;
            }
        }
        if (!filing->state && contains_ci(l->s, l->len, "jurisdiction")) {
            const char *code = NULL;
            size_t bl = before_paren(l);
            if (bl > 0)
                code = extract_state_code(l->s, bl);
            if (!code && p)
                code = extract_state_code(p->s, p->len);
            if (code) {
                filing->state = strdup(code);
                if (!filing->state)
                    goto nomem;
            }
        }
        if (!filing->file_number && contains_ci(l->s, l->len, "commission file")) {
            int pos = contains_ci(l->s, l->len, "commission file");
            int ok = find_file_number(l->s + pos, l->len - (size_t)pos, fileno);
            if (!ok && p)
                ok = find_file_number(p->s, p->len, fileno);
            if (!ok && i + 1 < n)
                ok = find_file_number(lines[i + 1].s, lines[i + 1].len, fileno);
            if (ok) {
                filing->file_number = strdup(fileno);
                if (!filing->file_number)
                    goto nomem;
            }
        }
    }
    goto done;
nomem:
    status = F8K_STATUS_NOMEM;
done:
    free(lines);
    return status;
}
