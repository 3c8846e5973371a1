/*
 * extract_items.c - items from the header's ITEM INFORMATION titles and
 * from "Item N[.NN]" headings in the 8-K's own documents.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "extract-private.h"

/*
 * Titles of 10-K and 10-Q items: a heading "Item 7. Management's
 * Discussion" is from an annual report, not an 8-K item.
 */
static const char *const periodic_titles[] = {
    "Business",
    "Properties",
    "Legal Proceedings",
    "Management's Discussion and Analysis of Financial Condition and Results of Operations",
    "Market for Registrant's Common Equity and Related Stockholder Matters",
    "Quantitative and Qualitative Disclosures About Market Risk",
    "Controls and Procedures",
    "Selected Financial Data",
    "Executive Compensation",
    "Security Ownership of Certain Beneficial Owners and Management",
    "Directors and Executive Officers of the Registrant",
    "Exhibits, Financial Statement Schedules and Reports on Form 8-K",
    "Risk Factors",
    "Unresolved Staff Comments",
    "Defaults Upon Senior Securities",
    "Exhibits and Reports on Form 8-K",
};

int extract_is_report_document(const f8k_document_t *doc)
{
    if (!doc->is_text || !doc->text)
        return 0;
    if (!doc->type)
        return 1;
    return strncasecmp(doc->type, "8-K", 3) == 0;
}

static int looks_periodic(const char *rest, size_t len, double own)
{
    f8k_item_info_t fake = {"0", NULL, NULL, F8K_ITEM_ERA_UNKNOWN};
    for (size_t i = 0; i < sizeof periodic_titles / sizeof periodic_titles[0]; i++) {
        fake.title = periodic_titles[i];
        double s = extract_title_score(rest, len, &fake);
        if (s >= 0.5 && s > own)
            return 1;
    }
    return 0;
}

/* Skip a dash written as '-', or as U+2013/U+2014 (E2 80 93/94). */
static size_t dash_len(const char *s, size_t n)
{
    if (n >= 1 && s[0] == '-')
        return 1;
    if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0x93 || (unsigned char)s[2] == 0x94))
        return 3;
    return 0;
}

int extract_item_heading(const char *line, size_t len, f8k_item_era_t era, char number_out[8])
{
    size_t i = 0, b = 0, used = 0;
    int separator = 0;
    char canon[8];
    const f8k_item_info_t *row = NULL;

    if (len > EXTRACT_HEADING_BYTES)
        len = EXTRACT_HEADING_BYTES;
    while (i < len && ((b = extract_blank_len(line + i, len - i)) > 0 || line[i] == '*' ||
                       line[i] == '>' || line[i] == '|'))
        i += b ? b : 1;
    if (len - i < 5 || strncasecmp(line + i, "item", 4) != 0)
        return 0;
    i += 4;
    while (i < len && (b = extract_blank_len(line + i, len - i)) > 0)
        i += b;
    used = extract_parse_item_number(line + i, len - i, canon);
    if (used == 0)
        return 0;
    i += used;
    /* "7(c)", "9.01(d)" */
    if (i + 2 < len && line[i] == '(' && isalpha((unsigned char)line[i + 1]) && line[i + 2] == ')')
        i += 3;
    if (i < len && isalnum((unsigned char)line[i]))
        return 0;
    row = f8k_item_lookup(canon);
    if (!row)
        return 0;
    if (era != F8K_ITEM_ERA_UNKNOWN && row->era != era)
        return 0;
    /* Separator and blanks before the title. */
    for (;;) {
        if (i < len && (line[i] == '.' || line[i] == ':' || line[i] == ',')) {
            separator = 1;
            i++;
        } else if ((b = dash_len(line + i, len - i)) > 0) {
            separator = 1;
            i += b;
        } else if ((b = extract_blank_len(line + i, len - i)) > 0) {
            i += b;
        } else {
            break;
        }
    }
    const char *rest = line + i;
    size_t rest_len = len - i;
    if (rest_len == 0) {
        snprintf(number_out, 8, "%s", canon);
        return 1;
    }
    /* Running text: "Item 5.02 of Form 8-K", "Item 2.02 above". */
    if (islower((unsigned char)rest[0]))
        return 0;
    double own = extract_title_score(rest, rest_len, row);
    if (own < 0.2) {
        if (!separator || !isupper((unsigned char)rest[0]) || len > 160)
            return 0;
        if (looks_periodic(rest, rest_len, own))
            return 0;
        /* The words name a different item: a cross reference. */
        const f8k_item_info_t *other = f8k_item_match_title(rest, rest_len, row->era);
        if (other && other != row)
            return 0;
    } else if (looks_periodic(rest, rest_len, own)) {
        return 0;
    }
    snprintf(number_out, 8, "%s", canon);
    return 1;
}

/* ------------------------------------------------------------------ */
/* The item list.                                                      */
/* ------------------------------------------------------------------ */

static int number_cmp(const char *a, const char *b)
{
    double x = strtod(a, NULL), y = strtod(b, NULL);
    int aw = strchr(a, '.') == NULL, bw = strchr(b, '.') == NULL;
    if (aw != bw)
        return aw ? -1 : 1; /* old whole numbers first */
    return x < y ? -1 : x > y ? 1 : 0;
}

static int item_cmp(const void *pa, const void *pb)
{
    const f8k_item_t *a = pa, *b = pb;
    return number_cmp(a->number, b->number);
}

static f8k_status_t add_item(f8k_filing_t *filing, size_t *cap, const f8k_item_info_t *row,
                             f8k_source_t source)
{
    for (size_t i = 0; i < filing->n_items; i++)
        if (strcmp(filing->items[i].number, row->number) == 0)
            return F8K_STATUS_SUCCESS;
    if (filing->n_items == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        f8k_item_t *grown = realloc(filing->items, ncap * sizeof *grown);
        if (!grown)
            return F8K_STATUS_NOMEM;
        filing->items = grown;
        *cap = ncap;
    }
    f8k_item_t *it = &filing->items[filing->n_items];
    it->number = strdup(row->number);
    it->modern = strdup(row->modern);
    it->title = strdup(row->title);
    it->source = source;
    filing->n_items++;
    if (!it->number || !it->modern || !it->title)
        return F8K_STATUS_NOMEM;
    return F8K_STATUS_SUCCESS;
}

/*
 * Does the heading line [S, E) of TEXT head an item that is not
 * reported: "Not applicable." on the line or the next non-blank one
 * (1994 filings list every item), or a table-of-contents line with dot
 * leaders?
 */
static int not_reported(const char *text, size_t len, size_t s, size_t e)
{
    static const char *const none[] = {"not applicable", "inapplicable", "none", "n/a"};
    size_t limit = e - s > EXTRACT_HEADING_BYTES ? s + EXTRACT_HEADING_BYTES : e;
    for (size_t i = s; i + 4 <= limit; i++)
        if (memcmp(text + i, "....", 4) == 0 || memcmp(text + i, ". . .", 4) == 0)
            return 1;
    /* The tail of the heading line, then the next non-blank line. */
    for (int pass = 0; pass < 2; pass++) {
        const char *p = text + s;
        size_t n = limit - s;
        for (size_t i = 0; i < n; i++) {
            for (size_t k = 0; k < sizeof none / sizeof none[0]; k++) {
                size_t l = strlen(none[k]);
                if (i + l <= n && strncasecmp(p + i, none[k], l) == 0 &&
                    (i == 0 || !isalnum((unsigned char)p[i - 1])) &&
                    (i + l == n || !isalnum((unsigned char)p[i + l])))
                    return pass == 0 ? i + l + 3 >= n : i < 4;
            }
        }
        /* Next non-blank line. */
        s = e;
        while (s < len && (text[s] == '\n' || extract_blank_len(text + s, len - s) > 0))
            s += text[s] == '\n' ? 1 : extract_blank_len(text + s, len - s);
        e = s;
        while (e < len && text[e] != '\n')
            e++;
        limit = e - s > EXTRACT_HEADING_BYTES ? s + EXTRACT_HEADING_BYTES : e;
    }
    return 0;
}

f8k_status_t extract_items(f8k_filing_t *filing, f8k_item_era_t era)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t cap = 0;
    char number[8];
    int report = 1;

    /* Items of a 10-K or 10-Q are not 8-K items. */
    if (filing->form && strncasecmp(filing->form, "8-K", 3) != 0)
        report = 0;

    for (size_t i = 0; report && i < filing->n_header_item_titles; i++) {
        const char *t = filing->header_item_titles[i];
        if (!t)
            continue;
        const f8k_item_info_t *row = f8k_item_match_title(t, strlen(t), era);
        if (!row)
            continue;
        status = add_item(filing, &cap, row, F8K_SOURCE_HEADER);
        if (status != F8K_STATUS_SUCCESS)
            return status;
    }
    for (size_t d = 0; report && d < filing->n_documents; d++) {
        const f8k_document_t *doc = &filing->documents[d];
        if (!extract_is_report_document(doc))
            continue;
        for (size_t i = 0; i < doc->text_len;) {
            const char *nl = memchr(doc->text + i, '\n', doc->text_len - i);
            size_t e = nl ? (size_t)(nl - doc->text) : doc->text_len;
            if (extract_item_heading(doc->text + i, e - i, era, number) &&
                !not_reported(doc->text, doc->text_len, i, e)) {
                status = add_item(filing, &cap, f8k_item_lookup(number), F8K_SOURCE_BODY);
                if (status != F8K_STATUS_SUCCESS)
                    return status;
            }
            i = e + 1;
        }
    }
    if (filing->n_items > 1)
        qsort(filing->items, filing->n_items, sizeof *filing->items, item_cmp);
    return status;
}
