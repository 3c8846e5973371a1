/*
 * output.c - results as text for people, JSON (DESIGN.md's shape,
 * through json-c), CSV (RFC 4180) or one path per line.  The library
 * renders into a string; only the CLI writes it out.
 */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <f8k/f8k_filing.h>
#include <f8k/f8k_search.h>

#include "search-private.h"

/* ------------------------------------------------------------------ */
/* A growable string with a sticky failure.                             */
/* ------------------------------------------------------------------ */

typedef struct strbuf {
    char *s;
    size_t len, cap;
    bool failed;
} strbuf_t;

static void sb_add(strbuf_t *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *p = NULL;
        while (cap < b->len + n + 1)
            cap *= 2;
        p = realloc(b->s, cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(strbuf_t *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_printf(strbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(strbuf_t *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        sb_add(b, small, (size_t)n);
        return;
    }
    {
        char *big = malloc((size_t)n + 1);
        if (big == NULL) {
            b->failed = true;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        sb_add(b, big, (size_t)n);
        free(big);
    }
}

static const char *or_dash(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : "-";
}

/* Join V[0..n) with SEP into B. */
static void sb_join(strbuf_t *b, char *const *v, size_t n, const char *sep)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (i > 0)
            sb_str(b, sep);
        sb_str(b, v[i] != NULL ? v[i] : "");
    }
}

/* The snippet with its highlights marked by OPEN/CLOSE. */
static void sb_snippet(strbuf_t *b, const f8k_search_hit_t *h, const char *open, const char *close)
{
    size_t at = 0, i;
    const char *s = h->snippet != NULL ? h->snippet : "";
    size_t len = strlen(s);
    for (i = 0; i < h->n_highlights; i++) {
        const f8k_search_span_t *sp = &h->highlights[i];
        if (sp->start < at || sp->end > len || sp->start > sp->end)
            continue;
        sb_add(b, s + at, sp->start - at);
        sb_str(b, open);
        sb_add(b, s + sp->start, sp->end - sp->start);
        sb_str(b, close);
        at = sp->end;
    }
    sb_add(b, s + at, len - at);
}

/* ------------------------------------------------------------------ */
/* Text.                                                                */
/* ------------------------------------------------------------------ */

static void render_text(strbuf_t *b, const f8k_search_results_t *r, unsigned flags)
{
    bool ansi = (flags & F8K_SEARCH_RENDER_ANSI) != 0;
    const char *open = ansi ? "\033[1;31m" : "[";
    const char *close = ansi ? "\033[0m" : "]";
    const char *bold = ansi ? "\033[1m" : "";
    const char *plain = ansi ? "\033[0m" : "";
    size_t i, k;

    if (r->n_hits == 0) {
        if (r->estimate == 0)
            sb_printf(b, "No filings match: %s\n", r->query);
        else
            sb_printf(b, "No filings at offset %u (about %u match): %s\n", r->offset, r->estimate,
                      r->query);
    } else {
        sb_printf(b, "Filings %u-%u of %s%u for: %s\n\n", r->offset + 1,
                  r->offset + (unsigned)r->n_hits, r->lower == r->upper ? "" : "about ",
                  r->estimate, r->query);
    }
    if (r->suggestion != NULL)
        sb_printf(b, "Did you mean: %s\n", r->suggestion);
    for (i = 0; i < r->n_hits; i++) {
        const f8k_search_hit_t *h = &r->hits[i];
        sb_printf(b, "%u. %s%s%s  %s  filed %s  reported %s  score %.2f\n", h->rank, bold,
                  or_dash(h->company), plain, or_dash(h->form), or_dash(h->filed),
                  or_dash(h->date_of_report), h->score);
        if (h->n_items > 0) {
            sb_str(b, "   items ");
            sb_join(b, h->items, h->n_items, ", ");
            if (h->n_items_modern > 0) {
                sb_str(b, " (");
                sb_join(b, h->items_modern, h->n_items_modern, ", ");
                sb_str(b, ")");
            }
            sb_str(b, "\n");
        }
        if (h->accession != NULL || h->cik != NULL)
            sb_printf(b, "   accession %s  cik %s\n", or_dash(h->accession), or_dash(h->cik));
        for (k = 0; k < h->n_officers; k++)
            sb_printf(b, "%s%s (%s, %s)%s", k == 0 ? "   officers: " : "; ",
                      or_dash(h->officers[k].name), or_dash(h->officers[k].role),
                      or_dash(h->officers[k].event), k + 1 == h->n_officers ? "\n" : "");
        if (h->n_documents > 0) {
            sb_str(b, "   matched in ");
            sb_join(b, h->documents, h->n_documents, ", ");
            sb_str(b, "\n");
        }
        sb_printf(b, "   %s\n", or_dash(h->path));
        if (h->snippet != NULL && h->snippet[0] != '\0') {
            sb_str(b, "   ");
            sb_snippet(b, h, open, close);
            sb_str(b, "\n");
        }
        sb_str(b, "\n");
    }
    for (i = 0; i < r->n_facets; i++) {
        const f8k_search_facet_t *f = &r->facets[i];
        sb_printf(b, "%s:", f->name);
        for (k = 0; k < f->n_values; k++)
            sb_printf(b, "%s %s (%lu)", k ? "," : "", f->values[k].value, f->values[k].count);
        sb_str(b, "\n");
    }
}

/* ------------------------------------------------------------------ */
/* JSON.                                                                */
/* ------------------------------------------------------------------ */

static json_object *jstr(const char *s)
{
    return s != NULL ? json_object_new_string(s) : NULL;
}

static json_object *jstrv(char *const *v, size_t n)
{
    json_object *a = json_object_new_array();
    size_t i;
    for (i = 0; a != NULL && i < n; i++)
        json_object_array_add(a, jstr(v[i]));
    return a;
}

static json_object *jscore(double score)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.4g", score);
    /* The rounded text is what json-c prints; the double is what it parses back. */
    return json_object_new_double_s(strtod(buf, NULL), buf);
}

static json_object *hit_json(const f8k_search_hit_t *h)
{
    json_object *o = json_object_new_object();
    json_object *officers = json_object_new_array();
    size_t k;
    json_object_object_add(o, "rank", json_object_new_int64(h->rank));
    json_object_object_add(o, "score", jscore(h->score));
    json_object_object_add(o, "accession", jstr(h->accession));
    json_object_object_add(o, "cik", jstr(h->cik));
    json_object_object_add(o, "company", jstr(h->company));
    json_object_object_add(o, "form", jstr(h->form));
    json_object_object_add(o, "filed", jstr(h->filed));
    json_object_object_add(o, "date_of_report", jstr(h->date_of_report));
    json_object_object_add(o, "items", jstrv(h->items, h->n_items));
    json_object_object_add(o, "items_modern", jstrv(h->items_modern, h->n_items_modern));
    for (k = 0; k < h->n_officers; k++) {
        json_object *of = json_object_new_object();
        json_object_object_add(of, "name", jstr(h->officers[k].name));
        json_object_object_add(of, "role", jstr(h->officers[k].role));
        json_object_object_add(of, "event", jstr(h->officers[k].event));
        json_object_array_add(officers, of);
    }
    json_object_object_add(o, "officers", officers);
    json_object_object_add(o, "path", jstr(h->path));
    json_object_object_add(o, "documents", jstrv(h->documents, h->n_documents));
    json_object_object_add(o, "snippet", json_object_new_string(h->snippet ? h->snippet : ""));
    return o;
}

static f8k_status_t render_json(strbuf_t *b, const f8k_search_results_t *r)
{
    json_object *root = json_object_new_object();
    json_object *total = json_object_new_object();
    json_object *results = json_object_new_array();
    json_object *facets = json_object_new_object();
    const char *text = NULL;
    size_t i, k;

    if (root == NULL || total == NULL || results == NULL || facets == NULL) {
        json_object_put(root);
        json_object_put(total);
        json_object_put(results);
        json_object_put(facets);
        return F8K_STATUS_NOMEM;
    }
    json_object_object_add(root, "query", json_object_new_string(r->query ? r->query : ""));
    json_object_object_add(total, "estimate", json_object_new_int64(r->estimate));
    json_object_object_add(total, "lower", json_object_new_int64(r->lower));
    json_object_object_add(total, "upper", json_object_new_int64(r->upper));
    json_object_object_add(root, "total", total);
    json_object_object_add(root, "offset", json_object_new_int64(r->offset));
    json_object_object_add(root, "suggestion", jstr(r->suggestion));
    for (i = 0; i < r->n_hits; i++)
        json_object_array_add(results, hit_json(&r->hits[i]));
    json_object_object_add(root, "results", results);
    for (i = 0; i < r->n_facets; i++) {
        json_object *f = json_object_new_object();
        for (k = 0; k < r->facets[i].n_values; k++)
            json_object_object_add(f, r->facets[i].values[k].value,
                                   json_object_new_int64((int64_t)r->facets[i].values[k].count));
        json_object_object_add(facets, r->facets[i].name, f);
    }
    json_object_object_add(root, "facets", facets);
    text = json_object_to_json_string_ext(root,
                                          JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (text != NULL) {
        sb_str(b, text);
        sb_str(b, "\n");
    } else {
        b->failed = true;
    }
    json_object_put(root);
    return F8K_STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* CSV (RFC 4180: CRLF, fields with , " CR LF quoted, " doubled).       */
/* ------------------------------------------------------------------ */

static void csv_field(strbuf_t *b, const char *s, bool last)
{
    const char *p;
    if (s == NULL)
        s = "";
    if (strpbrk(s, ",\"\r\n") != NULL) {
        sb_str(b, "\"");
        for (p = s; *p; p++) {
            if (*p == '"')
                sb_str(b, "\"\"");
            else
                sb_add(b, p, 1);
        }
        sb_str(b, "\"");
    } else {
        sb_str(b, s);
    }
    sb_str(b, last ? "\r\n" : ",");
}

static void render_csv(strbuf_t *b, const f8k_search_results_t *r)
{
    size_t i, k;
    sb_str(b, "rank,score,accession,cik,company,form,filed,date_of_report,items,items_modern,"
              "officers,path,documents,snippet\r\n");
    for (i = 0; i < r->n_hits; i++) {
        const f8k_search_hit_t *h = &r->hits[i];
        strbuf_t t = {0};
        char num[64];
        snprintf(num, sizeof num, "%u", h->rank);
        csv_field(b, num, false);
        snprintf(num, sizeof num, "%.4g", h->score);
        csv_field(b, num, false);
        csv_field(b, h->accession, false);
        csv_field(b, h->cik, false);
        csv_field(b, h->company, false);
        csv_field(b, h->form, false);
        csv_field(b, h->filed, false);
        csv_field(b, h->date_of_report, false);
        sb_join(&t, h->items, h->n_items, ";");
        csv_field(b, t.s, false);
        t.len = 0;
        if (t.s)
            t.s[0] = '\0';
        sb_join(&t, h->items_modern, h->n_items_modern, ";");
        csv_field(b, t.s, false);
        t.len = 0;
        if (t.s)
            t.s[0] = '\0';
        for (k = 0; k < h->n_officers; k++)
            sb_printf(&t, "%s%s|%s|%s", k ? ";" : "",
                      h->officers[k].name ? h->officers[k].name : "",
                      h->officers[k].role ? h->officers[k].role : "",
                      h->officers[k].event ? h->officers[k].event : "");
        csv_field(b, t.s, false);
        csv_field(b, h->path, false);
        t.len = 0;
        if (t.s)
            t.s[0] = '\0';
        sb_join(&t, h->documents, h->n_documents, ";");
        csv_field(b, t.s, false);
        csv_field(b, h->snippet, true);
        if (t.failed)
            b->failed = true;
        free(t.s);
    }
}

f8k_status_t f8k_search_render(const f8k_search_results_t *results, f8k_search_format_t format,
                               unsigned flags, char **text_out)
{
    strbuf_t b = {0};
    size_t i;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    if (text_out != NULL)
        *text_out = NULL;
    if (results == NULL || text_out == NULL)
        return F8K_STATUS_INVALID_ARG;
    sb_str(&b, "");
    switch (format) {
    case F8K_SEARCH_FORMAT_TEXT:
        render_text(&b, results, flags);
        break;
    case F8K_SEARCH_FORMAT_JSON:
        status = render_json(&b, results);
        break;
    case F8K_SEARCH_FORMAT_CSV:
        render_csv(&b, results);
        break;
    case F8K_SEARCH_FORMAT_PATHS:
        /* One line per path, whatever bytes a file name holds. */
        for (i = 0; i < results->n_hits; i++) {
            char *name = f8k_escape_name(results->hits[i].path ? results->hits[i].path : "");
            if (name == NULL)
                b.failed = true;
            else
                sb_printf(&b, "%s\n", name);
            free(name);
        }
        break;
    default:
        status = F8K_STATUS_INVALID_ARG;
    }
    if (status == F8K_STATUS_SUCCESS && b.failed)
        status = F8K_STATUS_NOMEM;
    if (status != F8K_STATUS_SUCCESS) {
        free(b.s);
        return status;
    }
    *text_out = b.s;
    return F8K_STATUS_SUCCESS;
}
