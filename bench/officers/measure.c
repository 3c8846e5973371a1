/*
 * measure.c - the extraction figures (see measure.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <f8k/f8k_filing.h>

#include "measure.h"

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);
    if (!p)
        return NULL;
    memcpy(p, a, la);
    p[la] = '/';
    memcpy(p + la + 1, b, lb + 1);
    return p;
}

/* Split LINE in place at tabs into at most MAX fields. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    char *nl = strchr(fields[n - 1], '\n');
    if (nl)
        *nl = '\0';
    return n;
}

static int has_number(char **set, size_t n, const char *number)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(set[i], number) == 0)
            return 1;
    return 0;
}

int measure_items(const char *corpus, item_stats_t *out, FILE *log)
{
    char *manifest = join(corpus, "MANIFEST.tsv");
    FILE *fp = manifest ? fopen(manifest, "r") : NULL;
    char line[8192];
    memset(out, 0, sizeof *out);
    if (!fp) {
        free(manifest);
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        char *fields[16];
        size_t nf = split_tabs(line, fields, 16);
        if (nf < 5 || strcmp(fields[0], "path") == 0)
            continue;
        if (strcmp(fields[4], "8-K") != 0 && strcmp(fields[4], "8-K/A") != 0)
            continue;
        char *path = join(corpus, fields[0]);
        f8k_filing_t *f = NULL;
        out->filings++;
        if (!path || f8k_filing_read(path, &f, NULL) != F8K_STATUS_SUCCESS) {
            out->read_errors++;
            free(path);
            continue;
        }
        size_t titles = 0;
        for (size_t i = 0; i < f->n_header_item_titles; i++)
            if (f->header_item_titles[i] && f->header_item_titles[i][0])
                titles++;
        if (titles > 0) {
            char *header[64], *body[64];
            size_t nh = 0, nb = 0, mapped = 0;
            out->with_header++;
            out->titles += titles;
            for (size_t i = 0; i < f->n_items; i++) {
                if (f->items[i].source == F8K_SOURCE_HEADER && nh < 64)
                    header[nh++] = strdup(f->items[i].number);
            }
            /* Title -> number mapping, counted per title. */
            for (size_t i = 0; i < f->n_header_item_titles; i++) {
                const char *t = f->header_item_titles[i];
                if (!t || !t[0])
                    continue;
                f8k_filing_t probe = {0};
                char *one[1] = {(char *)t};
                probe.header_item_titles = one;
                probe.n_header_item_titles = 1;
                probe.filed = f->filed;
                probe.date_of_report = f->date_of_report;
                probe.form = f->form;
                probe.company = f->company;
                probe.state = f->state;
                probe.file_number = f->file_number;
                if (f8k_filing_extract(&probe) == F8K_STATUS_SUCCESS && probe.n_items == 1)
                    mapped++;
                else if (log)
                    fprintf(log, "unmapped title: %s: \"%s\"\n", fields[0], t);
                for (size_t k = 0; k < probe.n_items; k++) {
                    free(probe.items[k].number);
                    free(probe.items[k].modern);
                    free(probe.items[k].title);
                }
                free(probe.items);
                for (size_t k = 0; k < probe.n_officers; k++) {
                    free(probe.officers[k].name);
                    free(probe.officers[k].role);
                    free(probe.officers[k].role_code);
                }
                free(probe.officers);
            }
            out->titles_mapped += mapped;
            if (mapped == titles)
                out->all_mapped++;
            /* The final set always carries the header's numbers. */
            int covers = nh > 0;
            for (size_t i = 0; i < nh; i++) {
                int in = 0;
                for (size_t k = 0; k < f->n_items; k++)
                    in |= strcmp(f->items[k].number, header[i]) == 0;
                covers &= in;
            }
            out->final_covers += covers && mapped == titles;
            /* The body's own headings, with the header titles hidden. */
            char **saved = f->header_item_titles;
            size_t nsaved = f->n_header_item_titles;
            f->header_item_titles = NULL;
            f->n_header_item_titles = 0;
            if (f8k_filing_extract(f) == F8K_STATUS_SUCCESS) {
                for (size_t i = 0; i < f->n_items && nb < 64; i++)
                    body[nb++] = strdup(f->items[i].number);
            }
            f->header_item_titles = saved;
            f->n_header_item_titles = nsaved;
            if (nb > 0) {
                int cov = 1, eq = 1;
                out->body_found++;
                for (size_t i = 0; i < nh; i++)
                    cov &= has_number(body, nb, header[i]);
                for (size_t i = 0; i < nb; i++)
                    eq &= has_number(header, nh, body[i]);
                eq &= cov;
                out->body_covers += cov;
                out->body_equal += eq;
                if (!eq && log) {
                    fprintf(log, "body/header differ: %s: header", fields[0]);
                    for (size_t i = 0; i < nh; i++)
                        fprintf(log, " %s", header[i]);
                    fprintf(log, " body");
                    for (size_t i = 0; i < nb; i++)
                        fprintf(log, " %s", body[i]);
                    fprintf(log, "\n");
                }
            }
            for (size_t i = 0; i < nh; i++)
                free(header[i]);
            for (size_t i = 0; i < nb; i++)
                free(body[i]);
        }
        f8k_filing_free(f);
        free(path);
    }
    fclose(fp);
    free(manifest);
    return 0;
}

/* First and last word of a name, lower case, without periods or a suffix. */
static void name_key(const char *name, char *out, size_t size)
{
    char words[8][64];
    size_t n = 0, l = 0;
    for (const char *p = name;; p++) {
        if (*p && !isspace((unsigned char)*p) && *p != ',') {
            if (*p != '.' && l + 1 < sizeof words[0] && n < 8)
                words[n][l++] = (char)tolower((unsigned char)*p);
            continue;
        }
        if (l > 0 && n < 8) {
            words[n][l] = '\0';
            n++;
        }
        l = 0;
        if (!*p)
            break;
    }
    while (n > 1 && (strcmp(words[n - 1], "jr") == 0 || strcmp(words[n - 1], "sr") == 0 ||
                     strcmp(words[n - 1], "ii") == 0 || strcmp(words[n - 1], "iii") == 0))
        n--;
    if (n == 0)
        snprintf(out, size, "%s", "");
    else
        snprintf(out, size, "%s %s", words[0], words[n - 1]);
}

typedef struct triple {
    char path[512];
    char key[160];
    char code[32];
    char event[16];
    int matched;
    int held_out; /* after the "# Held-out" line */
} triple_t;

int measure_officers(const char *corpus, const char *judged, officer_stats_t *out, FILE *log)
{
    FILE *fp = fopen(judged, "r");
    triple_t *truth = NULL;
    size_t n = 0, cap = 0;
    char line[2048];
    int held_out = 0;
    memset(out, 0, sizeof *out);
    if (!fp)
        return -1;
    while (fgets(line, sizeof line, fp)) {
        char *fields[4];
        if (strncmp(line, "# Held-out", 10) == 0)
            held_out = 1;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (split_tabs(line, fields, 4) != 4)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            triple_t *g = realloc(truth, cap * sizeof *g);
            if (!g) {
                fclose(fp);
                free(truth);
                return -1;
            }
            truth = g;
        }
        triple_t *t = &truth[n++];
        snprintf(t->path, sizeof t->path, "%s", fields[0]);
        if (strcmp(fields[1], "-") == 0)
            t->key[0] = '\0';
        else
            name_key(fields[1], t->key, sizeof t->key);
        snprintf(t->code, sizeof t->code, "%s", fields[2]);
        snprintf(t->event, sizeof t->event, "%s", fields[3]);
        t->matched = 0;
        t->held_out = held_out;
    }
    fclose(fp);
    for (size_t i = 0; i < n; i++) {
        int first = 1;
        for (size_t k = 0; k < i; k++)
            if (strcmp(truth[k].path, truth[i].path) == 0)
                first = 0;
        officer_part_t *ho = truth[i].held_out ? &out->held_out : NULL;
        if (truth[i].key[0]) {
            out->truth++;
            if (ho)
                ho->truth++;
        }
        if (!first)
            continue;
        out->filings++;
        if (ho)
            ho->filings++;
        char *path = join(corpus, truth[i].path);
        f8k_filing_t *f = NULL;
        if (!path || f8k_filing_read(path, &f, NULL) != F8K_STATUS_SUCCESS) {
            out->missing++;
            free(path);
            continue;
        }
        for (size_t o = 0; o < f->n_officers; o++) {
            char key[160];
            const char *ev = f8k_officer_event_name(f->officers[o].event);
            int dup = 0;
            name_key(f->officers[o].name, key, sizeof key);
            for (size_t p = 0; p < o; p++) {
                char k2[160];
                name_key(f->officers[p].name, k2, sizeof k2);
                dup |= strcmp(k2, key) == 0 &&
                       strcmp(f->officers[p].role_code, f->officers[o].role_code) == 0 &&
                       f->officers[p].event == f->officers[o].event;
            }
            if (dup)
                continue;
            out->extracted++;
            if (ho)
                ho->extracted++;
            int hit = 0;
            for (size_t k = 0; k < n && !hit; k++) {
                if (strcmp(truth[k].path, truth[i].path) == 0 && strcmp(truth[k].key, key) == 0 &&
                    strcmp(truth[k].code, f->officers[o].role_code) == 0 &&
                    strcmp(truth[k].event, ev) == 0) {
                    hit = 1;
                    truth[k].matched = 1;
                }
            }
            out->true_positive += hit;
            if (ho)
                ho->true_positive += hit;
            if (!hit && log)
                fprintf(log, "FP %s\t%s\t%s\t%s\n", truth[i].path, f->officers[o].name,
                        f->officers[o].role_code, ev);
        }
        f8k_filing_free(f);
        free(path);
    }
    for (size_t k = 0; log && k < n; k++)
        if (truth[k].key[0] && !truth[k].matched)
            fprintf(log, "FN %s\t%s\t%s\t%s\n", truth[k].path, truth[k].key, truth[k].code,
                    truth[k].event);
    free(truth);
    return 0;
}
