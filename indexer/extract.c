/*
 * extract.c - f8k_filing_extract(): the fields users search by, read
 * from a parsed filing's text (cover page, items, officers).
 */
#include <stdlib.h>
#include <string.h>

#include <f8k/f8k_filing.h>

#include "extract-private.h"

size_t extract_blank_len(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0)
        return 0;
    if (u[0] == ' ' || u[0] == '\t' || u[0] == '\r' || u[0] == '\n' || u[0] == '\f' || u[0] == '\v')
        return 1;
    if (n >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] <= 0x8B || u[2] == 0xAF))
        return 3;
    if (n >= 3 && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    return 0;
}

char *extract_strndup_clean(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    size_t o = 0;
    int pending_blank = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len;) {
        size_t b = extract_blank_len(s + i, len - i);
        if (b > 0) {
            pending_blank = o > 0;
            i += b;
            continue;
        }
        if (pending_blank)
            out[o++] = ' ';
        pending_blank = 0;
        out[o++] = s[i++];
    }
    out[o] = '\0';
    return out;
}

static void free_items(f8k_filing_t *filing)
{
    for (size_t i = 0; i < filing->n_items; i++) {
        free(filing->items[i].number);
        free(filing->items[i].modern);
        free(filing->items[i].title);
    }
    free(filing->items);
    filing->items = NULL;
    filing->n_items = 0;
}

f8k_status_t f8k_filing_extract(f8k_filing_t *filing)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    f8k_item_era_t era = F8K_ITEM_ERA_UNKNOWN;

    if (!filing)
        return F8K_STATUS_INVALID_ARG;
    /* Start over, so running twice gives the same record. */
    free_items(filing);
    extract_officers_free(filing->officers, filing->n_officers);
    filing->officers = NULL;
    filing->n_officers = 0;

    status = extract_cover(filing);
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    era = f8k_item_era_for_date(filing->filed);
    if (era == F8K_ITEM_ERA_UNKNOWN)
        era = f8k_item_era_for_date(filing->date_of_report);
    status = extract_items(filing, era);
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    status = extract_officers(filing);

done:
    if (status != F8K_STATUS_SUCCESS) {
        free_items(filing);
        extract_officers_free(filing->officers, filing->n_officers);
        filing->officers = NULL;
        filing->n_officers = 0;
    }
    return status;
}
