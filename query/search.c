/*
 * search.c - open an index, run a compiled query: BM25, one hit per
 * filing (collapse on slot 1), the matched documents of each hit, its
 * snippet, facets counted per filing, a spelling suggestion when
 * nothing matched, and bounded retries when a writer's commit races
 * the search (STYLE.md P3).
 */
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <f8k/f8k_analyzer.h>
#include <f8k/f8k_search.h>

#include "search-private.h"

/* ------------------------------------------------------------------ */
/* Small helpers.                                                       */
/* ------------------------------------------------------------------ */

void search_set_error(f8k_search_t *search, const char *fmt, ...)
{
    va_list ap;
    if (search == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(search->error, sizeof search->error, fmt, ap);
    va_end(ap);
}

bool search_strset_has(const search_strset_t *set, const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < set->n; i++)
        if (strlen(set->v[i]) == len && memcmp(set->v[i], s, len) == 0)
            return true;
    return false;
}

f8k_status_t search_strset_add(search_strset_t *set, const char *s, size_t len)
{
    char *copy = NULL;
    if (search_strset_has(set, s, len))
        return F8K_STATUS_SUCCESS;
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 8;
        char **v = realloc(set->v, cap * sizeof *v);
        if (v == NULL)
            return F8K_STATUS_NOMEM;
        set->v = v;
        set->cap = cap;
    }
    copy = malloc(len + 1);
    if (copy == NULL)
        return F8K_STATUS_NOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    set->v[set->n++] = copy;
    return F8K_STATUS_SUCCESS;
}

void search_strset_clear(search_strset_t *set)
{
    size_t i;
    for (i = 0; i < set->n; i++)
        free(set->v[i]);
    free(set->v);
    memset(set, 0, sizeof *set);
}

void search_highlight_clear(search_highlight_t *hl)
{
    search_strset_clear(&hl->terms);
    search_strset_clear(&hl->stems);
    search_strset_clear(&hl->prefixes);
}

/* ------------------------------------------------------------------ */
/* Open and close.                                                      */
/* ------------------------------------------------------------------ */

f8k_status_t f8k_search_open(const char *path, f8k_search_t **search_out, char **error_message)
{
    f8k_search_t *s = NULL;
    char *stored = NULL;
    char *msg = NULL;
    struct stat st;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    if (error_message != NULL)
        *error_message = NULL;
    if (search_out != NULL)
        *search_out = NULL;
    if (path == NULL || search_out == NULL)
        return F8K_STATUS_INVALID_ARG;
    if (stat(path, &st) != 0) {
        status = F8K_STATUS_DB_NOT_FOUND;
        if (error_message != NULL)
            *error_message = strdup("no index there (create one with f8k-index add)");
        goto done;
    }
    s = calloc(1, sizeof *s);
    if (s == NULL) {
        status = F8K_STATUS_NOMEM;
        goto done;
    }
    status = f8k_db_open(path, &s->db, &msg);
    if (status != F8K_STATUS_SUCCESS) {
        if (error_message != NULL) {
            *error_message = msg;
            msg = NULL;
        }
        goto done;
    }
    status = f8k_analyzer_new("en", &s->analyzer);
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    /* An index written by another analyzer would silently miss words (P5). */
    status = f8k_db_get_metadata(s->db, "f8k:analyzer", &stored, NULL);
    if (status == F8K_STATUS_SUCCESS && stored[0] != '\0' &&
        strcmp(stored, f8k_analyzer_version_string()) != 0) {
        status = F8K_STATUS_DB_VERSION;
        if (error_message != NULL)
            *error_message = strdup("index written by another analyzer version; rebuild it");
    }
done:
    free(stored);
    free(msg);
    if (status != F8K_STATUS_SUCCESS) {
        f8k_search_close(s);
        s = NULL;
    }
    if (search_out != NULL)
        *search_out = s;
    return status;
}

void f8k_search_close(f8k_search_t *search)
{
    size_t g, m, k;
    if (search == NULL)
        return;
    for (g = 0; g < search->n_groups; g++) {
        for (m = 0; search->groups[g] != NULL && m < search->group_sizes[g]; m++) {
            search_syn_member_t *mem = &search->groups[g][m];
            for (k = 0; k < mem->n; k++) {
                free(mem->terms[k]);
                free(mem->stems[k]);
            }
            free(mem->terms);
            free(mem->stems);
        }
        free(search->groups[g]);
    }
    free(search->groups);
    free(search->group_sizes);
    f8k_analyzer_free(search->analyzer);
    (void)f8k_db_close(search->db);
    free(search);
}

const char *f8k_search_last_error(const f8k_search_t *search)
{
    return search != NULL ? search->error : "";
}

/* ------------------------------------------------------------------ */
/* Results.                                                             */
/* ------------------------------------------------------------------ */

static void free_strv(char **v, size_t n)
{
    size_t i;
    for (i = 0; v != NULL && i < n; i++)
        free(v[i]);
    free(v);
}

static void hit_clear(f8k_search_hit_t *h)
{
    size_t i;
    free(h->filing_id);
    free(h->accession);
    free(h->cik);
    free(h->company);
    free(h->form);
    free(h->filed);
    free(h->date_of_report);
    free_strv(h->items, h->n_items);
    free_strv(h->items_modern, h->n_items_modern);
    for (i = 0; h->officers != NULL && i < h->n_officers; i++) {
        free(h->officers[i].name);
        free(h->officers[i].role);
        free(h->officers[i].event);
    }
    free(h->officers);
    free(h->path);
    free_strv(h->documents, h->n_documents);
    free(h->snippet);
    free(h->highlights);
}

void f8k_search_results_free(f8k_search_results_t *results)
{
    size_t i, k;
    if (results == NULL)
        return;
    for (i = 0; results->hits != NULL && i < results->n_hits; i++)
        hit_clear(&results->hits[i]);
    free(results->hits);
    for (i = 0; results->facets != NULL && i < results->n_facets; i++) {
        for (k = 0; k < results->facets[i].n_values; k++)
            free(results->facets[i].values[k].value);
        free(results->facets[i].values);
    }
    free(results->facets);
    free(results->query);
    free(results->suggestion);
    free(results);
}

/* LEN bytes of JSON, parsed when an object; else NULL. */
static json_object *parse_json(const char *json, size_t len)
{
    json_tokener *tok = NULL;
    json_object *o = NULL;

    if (len == 0 || len > INT_MAX)
        return NULL;
    tok = json_tokener_new();
    if (tok == NULL)
        return NULL;
    o = json_tokener_parse_ex(tok, json, (int)len);
    if (o != NULL && !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        o = NULL;
    }
    json_tokener_free(tok);
    return o;
}

/*
 * Item K of MSET: its JSON (slot F8K_SLOT_DOCUMENT), parsed (*obj_out,
 * NULL when unreadable), and with WANT_TEXT its stored text (borrowed
 * from MSET).  The text (the document data) is read only when wanted.
 */
static f8k_status_t read_item(f8k_mset_t *mset, size_t k, bool want_text, json_object **obj_out,
                              const char **text_out, size_t *text_len_out)
{
    const char *json = NULL, *data = NULL;
    size_t json_len = 0, len = 0;
    f8k_status_t status = f8k_mset_get_value(mset, k, F8K_SLOT_DOCUMENT, &json, &json_len);

    *obj_out = NULL;
    *text_out = "";
    *text_len_out = 0;
    if (status != F8K_STATUS_SUCCESS)
        return status;
    if (json_len > 0)
        *obj_out = parse_json(json, json_len);
    if (!want_text)
        return F8K_STATUS_SUCCESS;
    status = f8k_mset_get_data(mset, k, &data, &len);
    if (status != F8K_STATUS_SUCCESS) {
        json_object_put(*obj_out);
        *obj_out = NULL;
        return status;
    }
    *text_out = data;
    *text_len_out = len < F8K_TEXT_STORED ? len : F8K_TEXT_STORED;
    return F8K_STATUS_SUCCESS;
}

static char *json_str(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return strdup(json_object_get_string(v));
}

static f8k_status_t json_strv(json_object *o, const char *key, char ***v_out, size_t *n_out)
{
    json_object *a = NULL;
    size_t n, i, k = 0;
    char **v = NULL;
    *v_out = NULL;
    *n_out = 0;
    if (o == NULL || !json_object_object_get_ex(o, key, &a) ||
        !json_object_is_type(a, json_type_array))
        return F8K_STATUS_SUCCESS;
    n = json_object_array_length(a);
    v = calloc(n ? n : 1, sizeof *v);
    if (v == NULL)
        return F8K_STATUS_NOMEM;
    for (i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(a, i);
        if (e == NULL || !json_object_is_type(e, json_type_string))
            continue;
        v[k] = strdup(json_object_get_string(e));
        if (v[k] == NULL) {
            free_strv(v, k);
            return F8K_STATUS_NOMEM;
        }
        k++;
    }
    *v_out = v;
    *n_out = k;
    return F8K_STATUS_SUCCESS;
}

/* Fill H's filing fields from the parsed data line O. */
static f8k_status_t hit_fields(f8k_search_hit_t *h, json_object *o)
{
    json_object *a = NULL;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t n, i;

    h->accession = json_str(o, "accession");
    h->cik = json_str(o, "cik");
    h->company = json_str(o, "company");
    h->form = json_str(o, "form");
    h->filed = json_str(o, "filed");
    h->date_of_report = json_str(o, "date_of_report");
    h->path = json_str(o, "path");
    status = json_strv(o, "items", &h->items, &h->n_items);
    if (status == F8K_STATUS_SUCCESS)
        status = json_strv(o, "items_modern", &h->items_modern, &h->n_items_modern);
    if (status == F8K_STATUS_SUCCESS && o != NULL && json_object_object_get_ex(o, "officers", &a) &&
        json_object_is_type(a, json_type_array)) {
        n = json_object_array_length(a);
        h->officers = calloc(n ? n : 1, sizeof *h->officers);
        if (h->officers == NULL)
            return F8K_STATUS_NOMEM;
        for (i = 0; i < n; i++) {
            json_object *e = json_object_array_get_idx(a, i);
            f8k_search_officer_t *of = &h->officers[h->n_officers];
            if (e == NULL || !json_object_is_type(e, json_type_object))
                continue;
            of->name = json_str(e, "name");
            of->role = json_str(e, "role");
            of->event = json_str(e, "event");
            h->n_officers++;
        }
    }
    return status;
}

/* ------------------------------------------------------------------ */
/* Spelling.                                                            */
/* ------------------------------------------------------------------ */

/* Optimal string alignment distance of A and B, or LIMIT+1 when above LIMIT. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb, size_t limit)
{
    size_t d[3][F8K_ANALYZER_MAX_TERM + 2];
    size_t i, j;
    if (la > F8K_ANALYZER_MAX_TERM || lb > F8K_ANALYZER_MAX_TERM)
        return limit + 1;
    if ((la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    for (j = 0; j <= lb; j++)
        d[0][j] = j;
    for (i = 1; i <= la; i++) {
        size_t *cur = d[i % 3], *prev = d[(i - 1) % 3], *prev2 = d[(i + 1) % 3];
        size_t row_min = cur[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v)
                v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > limit)
            return limit + 1;
    }
    return d[la % 3][lb];
}

/* The best-known spelling of TERM from the index vocabulary, or NULL. */
static char *suggest_term(f8k_search_t *s, const char *term)
{
    f8k_strlist_t *list = NULL;
    char first[8];
    size_t tl = strlen(term), flen = 1, i, n, best_d;
    unsigned long long best_freq = 0;
    char *best = NULL;
    const char *best_s = NULL;

    if (f8k_db_spelling_suggestion(s->db, term, 2, &best) == F8K_STATUS_SUCCESS && best != NULL)
        return best;
    /* Same first character (a whole UTF-8 sequence). */
    while (flen < tl && ((unsigned char)term[flen] & 0xC0) == 0x80 && flen < sizeof first - 1)
        flen++;
    memcpy(first, term, flen);
    first[flen] = '\0';
    if (f8k_db_allterms(s->db, first, &list) != F8K_STATUS_SUCCESS)
        return NULL;
    best_d = tl <= 4 ? 1 : 2;
    n = f8k_strlist_size(list);
    for (i = 0; i < n; i++) {
        const char *c = NULL;
        size_t cl = 0, d;
        unsigned long long freq = 0;
        if (f8k_strlist_get(list, i, &c, &cl, &freq) != F8K_STATUS_SUCCESS)
            continue;
        if (cl + 2 < tl || cl > tl + 2)
            continue;
        d = edit_distance(term, tl, c, cl, best_d);
        if (d == 0 || d > best_d)
            continue;
        if (best_s == NULL || d < best_d || freq > best_freq) {
            best_s = c;
            best_d = d;
            best_freq = freq;
        }
    }
    if (best_s != NULL)
        best = strdup(best_s);
    f8k_strlist_free(list);
    return best;
}

/* Collect the plain words of the tree (not in fields) with their spans. */
static void collect_words(const f8k_qnode_t *n, const f8k_qnode_t **v, size_t *nv, size_t cap)
{
    size_t i;
    if (n == NULL || *nv >= cap)
        return;
    if (n->kind == F8K_QNODE_FIELD || n->kind == F8K_QNODE_DATE_RANGE)
        return;
    if (n->kind == F8K_QNODE_WORD) {
        if (!(n->flags & F8K_QNODE_WILDCARD) && n->text != NULL)
            v[(*nv)++] = n;
        return;
    }
    for (i = 0; i < n->n_children; i++)
        collect_words(n->children[i], v, nv, cap);
}

typedef struct one_term {
    char term[F8K_ANALYZER_MAX_TERM + 1];
    size_t n;
} one_term_t;

static f8k_status_t on_one_term(void *closure, const f8k_token_t *token)
{
    one_term_t *t = closure;
    if (token->flags & F8K_TOKEN_VARIANT)
        return F8K_STATUS_SUCCESS;
    if (t->n++ == 0) {
        memcpy(t->term, token->term, token->term_len);
        t->term[token->term_len] = '\0';
    }
    return F8K_STATUS_SUCCESS;
}

/* QUERY with its unknown words replaced by the closest indexed word. */
static char *suggest_query(f8k_search_t *s, const char *query, size_t len, const f8k_qnode_t *root)
{
    const f8k_qnode_t *words[64];
    size_t nw = 0, i, out_len = 0, copied = 0;
    char *out = NULL;
    bool changed = false;

    collect_words(root, words, &nw, 64);
    out = malloc(len + nw * (F8K_ANALYZER_MAX_TERM + 1) + 1);
    if (out == NULL)
        return NULL;
    for (i = 0; i < nw; i++) {
        const f8k_qnode_t *w = words[i];
        one_term_t t = {{0}, 0};
        bool has = true;
        char *better = NULL;
        if (w->start < copied || w->end > len)
            continue;
        if (f8k_analyze(s->analyzer, F8K_ANALYZE_QUERY, w->text, strlen(w->text), on_one_term,
                        &t) != F8K_STATUS_SUCCESS ||
            t.n != 1)
            continue;
        if (f8k_db_has_term(s->db, t.term, &has) != F8K_STATUS_SUCCESS || has)
            continue;
        better = suggest_term(s, t.term);
        if (better == NULL)
            continue;
        memcpy(out + out_len, query + copied, w->start - copied);
        out_len += w->start - copied;
        /* Keep the word's own span: a phrase word has no quotes of its own. */
        memcpy(out + out_len, better, strlen(better));
        out_len += strlen(better);
        copied = w->end;
        changed = true;
        free(better);
    }
    if (!changed) {
        free(out);
        return NULL;
    }
    memcpy(out + out_len, query + copied, len - copied);
    out_len += len - copied;
    out[out_len] = '\0';
    return out;
}

/* ------------------------------------------------------------------ */
/* Running a search.                                                    */
/* ------------------------------------------------------------------ */

static const struct {
    unsigned bit;
    const char *name;
    f8k_valueno_t slot;
    bool multi;
} facet_table[] = {
    {F8K_SEARCH_FACET_ITEM, "item", F8K_SLOT_ITEMS, true},
    {F8K_SEARCH_FACET_COMPANY, "company", F8K_SLOT_COMPANY, false},
    {F8K_SEARCH_FACET_YEAR, "year", F8K_SLOT_YEAR, false},
    {F8K_SEARCH_FACET_FORM, "form", F8K_SLOT_FORM, false},
};

#define N_FACETS (sizeof facet_table / sizeof facet_table[0])

/*
 * A cheap look at a document's JSON line for fill_documents(), which
 * needs only two members of each matched document: the offset of the
 * value of the top-level member KEY of S (LEN bytes), or LEN when it is
 * not found or the line is not a plain object (the caller then parses
 * the line with json-c, as it does whenever this finds nothing simple).
 */
static size_t json_ws(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* Past the string at S[I] (its opening quote), or LEN when unterminated;
 * *escaped is set when it holds an escape. */
static size_t json_string_end(const char *s, size_t len, size_t i, bool *escaped)
{
    for (i++; i < len; i++) {
        if (s[i] == '"')
            return i + 1;
        if (s[i] == '\\') {
            *escaped = true;
            i++;
        }
    }
    return len;
}

/* Past the value at S[I]: a string, a nested object or array (by its
 * brackets), or a scalar up to the next ',' or '}'; LEN when malformed. */
static size_t json_value_end(const char *s, size_t len, size_t i)
{
    size_t depth = 0;
    bool escaped = false;
    while (i < len) {
        char c = s[i];
        if (c == '"') {
            i = json_string_end(s, len, i, &escaped);
            if (i >= len || depth == 0)
                return i;
            continue;
        }
        if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']') {
            if (depth == 0)
                return i;
            if (--depth == 0)
                return i + 1;
        } else if (c == ',' && depth == 0)
            return i;
        i++;
    }
    return len;
}

static size_t json_member(const char *s, size_t len, const char *key)
{
    size_t klen = strlen(key), i = json_ws(s, len, 0);
    if (i >= len || s[i] != '{')
        return len;
    for (;;) {
        bool escaped = false;
        size_t k;
        i = json_ws(s, len, i + 1);
        if (i >= len || s[i] != '"')
            return len;
        k = i + 1;
        i = json_string_end(s, len, i, &escaped);
        if (i >= len)
            return len;
        if (!escaped && i - 1 - k == klen && memcmp(s + k, key, klen) == 0) {
            i = json_ws(s, len, i);
            return i < len && s[i] == ':' ? json_ws(s, len, i + 1) : len;
        }
        i = json_ws(s, len, i);
        if (i >= len || s[i] != ':')
            return len;
        i = json_value_end(s, len, json_ws(s, len, i + 1));
        i = json_ws(s, len, i);
        if (i >= len || s[i] != ',')
            return len;
    }
}

/*
 * The "type" (malloc'd) and "sequence" of a document's JSON line when
 * both are plain (a string without escapes, a small integer): true.
 * False when the line needs a real parser.
 */
static bool doc_type_and_sequence(const char *s, size_t len, char **type_out, int *seq_out)
{
    size_t t = json_member(s, len, "type"), q = json_member(s, len, "sequence"), e;
    bool escaped = false, negative = false;
    long v = 0;

    if (t >= len || q >= len || s[t] != '"')
        return false;
    e = json_string_end(s, len, t, &escaped);
    if (e >= len || escaped)
        return false;
    if (s[q] == '-') {
        negative = true;
        q++;
    }
    if (q >= len || s[q] < '0' || s[q] > '9')
        return false;
    for (; q < len && s[q] >= '0' && s[q] <= '9'; q++) {
        v = v * 10 + (s[q] - '0');
        if (v > INT_MAX)
            return false;
    }
    q = json_ws(s, len, q);
    if (q >= len || (s[q] != ',' && s[q] != '}'))
        return false;
    *type_out = strndup(s + t + 1, e - t - 2);
    *seq_out = negative ? -(int)v : (int)v;
    return *type_out != NULL;
}

static int cmp_seq(const void *a, const void *b)
{
    const int *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/*
 * The types of the documents of each hit that match QUERY: one search
 * restricted to the page's filings (XF terms), no collapsing.
 */
static f8k_status_t fill_documents(f8k_search_t *s, const f8k_query_t *query,
                                   f8k_search_results_t *r)
{
    f8k_query_t **ids = calloc(r->n_hits + 1, sizeof *ids);
    f8k_query_t *any = NULL, *filtered = NULL;
    const f8k_query_t *pair[2];
    f8k_enquire_t *enq = NULL;
    f8k_mset_t *mset = NULL;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t i, n = 0, k;

    if (ids == NULL)
        return F8K_STATUS_NOMEM;
    for (i = 0; i < r->n_hits && status == F8K_STATUS_SUCCESS; i++) {
        char term[300];
        if (r->hits[i].filing_id == NULL)
            continue;
        snprintf(term, sizeof term, "XF%s", r->hits[i].filing_id);
        status = f8k_query_term(term, 1, 0, &ids[n++]);
    }
    if (status != F8K_STATUS_SUCCESS || n == 0)
        goto done;
    status = f8k_query_combine(F8K_QUERY_OR, (const f8k_query_t *const *)ids, n, 0, &any);
    pair[0] = query;
    pair[1] = any;
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_query_combine(F8K_QUERY_FILTER, pair, 2, 0, &filtered);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_enquire_new(s->db, &enq);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_enquire_set_query(enq, filtered);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_enquire_set_weighting_bool(enq);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_enquire_get_mset(enq, 0, 0, 0, 0, &mset);
    if (status != F8K_STATUS_SUCCESS) {
        search_set_error(s, "%s", enq ? f8k_enquire_last_error(enq) : "");
        goto done;
    }
    for (i = 0; i < r->n_hits && status == F8K_STATUS_SUCCESS; i++) {
        f8k_search_hit_t *h = &r->hits[i];
        size_t m = f8k_mset_size(mset), nd = 0;
        int(*seq)[2] = calloc(m ? m : 1, sizeof *seq);
        char **types = calloc(m ? m : 1, sizeof *types);
        if (seq == NULL || types == NULL) {
            free(seq);
            free(types);
            status = F8K_STATUS_NOMEM;
            break;
        }
        for (k = 0; k < m && status == F8K_STATUS_SUCCESS; k++) {
            const char *id = NULL, *text = NULL, *json = NULL;
            size_t text_len = 0, json_len = 0;
            json_object *o = NULL, *v = NULL;
            status = f8k_mset_get_value(mset, k, F8K_SLOT_FILING, &id, NULL);
            if (status != F8K_STATUS_SUCCESS || h->filing_id == NULL ||
                strcmp(id, h->filing_id) != 0)
                continue;
            status = f8k_mset_get_value(mset, k, F8K_SLOT_DOCUMENT, &json, &json_len);
            if (status != F8K_STATUS_SUCCESS)
                break;
            seq[nd][1] = (int)nd;
            if (!doc_type_and_sequence(json, json_len, &types[nd], &seq[nd][0])) {
                status = read_item(mset, k, false, &o, &text, &text_len);
                if (status != F8K_STATUS_SUCCESS)
                    break;
                types[nd] = json_str(o, "type");
                seq[nd][0] = (o != NULL && json_object_object_get_ex(o, "sequence", &v))
                                 ? json_object_get_int(v)
                                 : 0;
                json_object_put(o);
            }
            if (types[nd] != NULL)
                nd++;
        }
        qsort(seq, nd, sizeof *seq, cmp_seq);
        h->documents = calloc(nd ? nd : 1, sizeof *h->documents);
        if (h->documents == NULL)
            status = F8K_STATUS_NOMEM;
        for (k = 0; h->documents != NULL && k < nd; k++) {
            h->documents[k] = types[seq[k][1]];
            types[seq[k][1]] = NULL;
        }
        if (h->documents != NULL)
            h->n_documents = nd;
        for (k = 0; k < nd; k++)
            free(types[k]);
        free(types);
        free(seq);
    }
done:
    for (i = 0; i < n; i++)
        f8k_query_free(ids[i]);
    free(ids);
    f8k_query_free(any);
    f8k_query_free(filtered);
    f8k_mset_free(mset);
    f8k_enquire_free(enq);
    return status;
}

/* One attempt at the search; DB_MODIFIED means "reopen and try again". */
static f8k_status_t run_once(f8k_search_t *s, const f8k_query_t *query, bool exhaustive,
                             const search_highlight_t *hl, const f8k_search_options_t *o,
                             f8k_search_results_t *r)
{
    f8k_enquire_t *enq = NULL;
    f8k_mset_t *mset = NULL;
    size_t facet_index[N_FACETS];
    f8k_status_t status = f8k_enquire_new(s->db, &enq);
    size_t i, n, k;

    if (status == F8K_STATUS_SUCCESS)
        status = f8k_enquire_set_query(enq, query);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_enquire_set_collapse_key(enq, F8K_SLOT_FILING, 1);
    if (status == F8K_STATUS_SUCCESS && o->sort != F8K_SEARCH_SORT_RELEVANCE)
        status = f8k_enquire_set_sort(enq, F8K_SORT_VALUE_THEN_RELEVANCE, F8K_SLOT_DATE,
                                      o->sort == F8K_SEARCH_SORT_DATE_DESC);
    else if (status == F8K_STATUS_SUCCESS)
        /* Equal weights in filing id order, so the order never depends on
         * docids (which parallel indexing assigns in any order).  Each
         * candidate's key is read from its values: a key of date and id
         * would cost twice as much. */
        status = f8k_enquire_set_sort(enq, F8K_SORT_RELEVANCE_THEN_VALUE, F8K_SLOT_FILING, false);
    for (i = 0; i < N_FACETS && status == F8K_STATUS_SUCCESS; i++) {
        facet_index[i] = (size_t)-1;
        if (!(o->facets & facet_table[i].bit))
            continue;
        status = f8k_enquire_add_facet(enq, facet_table[i].slot,
                                       (facet_table[i].multi ? F8K_FACET_MULTI_VALUE : 0) |
                                           F8K_FACET_ONCE_PER_COLLAPSE_KEY,
                                       '\n', F8K_SLOT_FILING, &facet_index[i]);
    }
    if (status == F8K_STATUS_SUCCESS)
        /* Data is read per item (not F8K_MSET_FETCH_DATA): the binding's
         * prefetch crashes inside Xapian's MSet::fetch() when OFFSET > 0.
         * A DB_MODIFIED while reading is retried by f8k_search_run(). */
        status = f8k_enquire_get_mset(enq, o->offset, o->limit,
                                      exhaustive ? UINT_MAX : F8K_SEARCH_CHECK_AT_LEAST, 0, &mset);
    if (status != F8K_STATUS_SUCCESS) {
        search_set_error(s, "%s", enq != NULL ? f8k_enquire_last_error(enq) : "");
        goto done;
    }
    (void)f8k_mset_matches(mset, &r->lower, &r->estimate, &r->upper);
    /*
     * Collapsing leaves the count a range even when every document was
     * examined ("about 16" for 14 filings).  Where at most
     * F8K_SEARCH_CHECK_AT_LEAST filings can match, count them: one more
     * match with room for them all, a fraction of a millisecond.
     */
    if (r->lower < r->upper && r->upper <= F8K_SEARCH_CHECK_AT_LEAST) {
        f8k_mset_t *all = NULL;
        status = f8k_enquire_get_mset(enq, 0, r->upper, r->upper, 0, &all);
        if (status == F8K_STATUS_SUCCESS)
            r->lower = r->estimate = r->upper = (unsigned)f8k_mset_size(all);
        f8k_mset_free(all);
        if (status != F8K_STATUS_SUCCESS) {
            search_set_error(s, "%s", f8k_enquire_last_error(enq));
            goto done;
        }
    }
    n = f8k_mset_size(mset);
    r->hits = calloc(n ? n : 1, sizeof *r->hits);
    if (r->hits == NULL) {
        status = F8K_STATUS_NOMEM;
        goto done;
    }
    for (i = 0; i < n && status == F8K_STATUS_SUCCESS; i++) {
        f8k_search_hit_t *h = &r->hits[r->n_hits];
        const char *text = NULL, *id = NULL;
        size_t text_len = 0;
        unsigned rank = 0;
        json_object *obj = NULL;

        r->n_hits++;
        status = f8k_mset_item(mset, i, NULL, &rank, &h->score, NULL, NULL);
        h->rank = rank + 1;
        if (status == F8K_STATUS_SUCCESS)
            status = f8k_mset_get_value(mset, i, F8K_SLOT_FILING, &id, NULL);
        if (status == F8K_STATUS_SUCCESS) {
            h->filing_id = strdup(id);
            if (h->filing_id == NULL)
                status = F8K_STATUS_NOMEM;
        }
        if (status == F8K_STATUS_SUCCESS)
            status = read_item(mset, i, !o->no_snippets, &obj, &text, &text_len);
        if (status != F8K_STATUS_SUCCESS)
            break;
        status = hit_fields(h, obj);
        json_object_put(obj);
        if (status == F8K_STATUS_SUCCESS && !o->no_snippets)
            status = search_snippet(s->analyzer, hl, text, text_len, &h->snippet, &h->highlights,
                                    &h->n_highlights);
    }
    if (status == F8K_STATUS_SUCCESS && !o->no_documents && r->n_hits > 0)
        status = fill_documents(s, query, r);
    if (status == F8K_STATUS_SUCCESS && o->facets != 0) {
        r->facets = calloc(N_FACETS, sizeof *r->facets);
        if (r->facets == NULL)
            status = F8K_STATUS_NOMEM;
    }
    for (i = 0; i < N_FACETS && status == F8K_STATUS_SUCCESS && r->facets != NULL; i++) {
        f8k_strlist_t *list = NULL;
        f8k_search_facet_t *f = NULL;
        if (facet_index[i] == (size_t)-1)
            continue;
        status = f8k_mset_facet(mset, facet_index[i], &list);
        if (status != F8K_STATUS_SUCCESS)
            break;
        f = &r->facets[r->n_facets++];
        f->name = facet_table[i].name;
        n = f8k_strlist_size(list);
        f->values = calloc(n ? n : 1, sizeof *f->values);
        if (f->values == NULL)
            status = F8K_STATUS_NOMEM;
        for (k = 0; k < n && status == F8K_STATUS_SUCCESS; k++) {
            const char *v = NULL;
            unsigned long long count = 0;
            (void)f8k_strlist_get(list, k, &v, NULL, &count);
            f->values[k].value = strdup(v != NULL ? v : "");
            f->values[k].count = (unsigned long)count;
            if (f->values[k].value == NULL)
                status = F8K_STATUS_NOMEM;
            else
                f->n_values++;
        }
        f8k_strlist_free(list);
    }
done:
    f8k_mset_free(mset);
    f8k_enquire_free(enq);
    return status;
}

/* Drop what a failed attempt left in R, keeping the query text. */
static void reset_results(f8k_search_results_t *r)
{
    char *q = r->query;
    f8k_search_results_t *copy = malloc(sizeof *copy);
    r->query = NULL;
    if (copy != NULL) {
        *copy = *r;
        f8k_search_results_free(copy);
    }
    memset(r, 0, sizeof *r);
    r->query = q;
}

static bool blank(const char *q, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
        if (q[i] != ' ' && q[i] != '\t' && q[i] != '\n' && q[i] != '\r')
            return false;
    return true;
}

f8k_status_t f8k_search_run(f8k_search_t *search, const char *query, size_t len,
                            const f8k_search_options_t *options, f8k_search_results_t **results_out,
                            f8k_qparse_error_t *error_out)
{
    static const f8k_search_options_t defaults = {.limit = 10};
    const f8k_search_options_t *o = options != NULL ? options : &defaults;
    f8k_qnode_t *root = NULL;
    f8k_query_t *q = NULL, *filters = NULL, *full = NULL;
    search_highlight_t hl = {{0}, {0}, {0}};
    f8k_search_results_t *r = NULL;
    f8k_qparse_error_t local_error;
    f8k_qparse_error_t *err = error_out != NULL ? error_out : &local_error;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    bool exhaustive = false;
    int attempt;

    if (results_out != NULL)
        *results_out = NULL;
    if (search == NULL || results_out == NULL || (query == NULL && len > 0))
        return F8K_STATUS_INVALID_ARG;
    search->error[0] = '\0';
    err->position = 0;
    err->message[0] = '\0';
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return F8K_STATUS_NOMEM;
    r->query = malloc(len + 1);
    if (r->query == NULL) {
        status = F8K_STATUS_NOMEM;
        goto done;
    }
    if (len > 0)
        memcpy(r->query, query, len);
    r->query[len] = '\0';
    r->offset = o->offset;
    if (!blank(query, len)) {
        status = f8k_qparse(query, len, &root, err);
        if (status != F8K_STATUS_SUCCESS)
            goto done;
    }
    status = search_compile(search, root, &hl, &q, &exhaustive, err);
    if (status == F8K_STATUS_SUCCESS)
        status = search_compile_filters(search, o, &filters, err);
    if (status == F8K_STATUS_SUCCESS && filters != NULL) {
        const f8k_query_t *pair[2] = {q, filters};
        status = f8k_query_combine(F8K_QUERY_FILTER, pair, 2, 0, &full);
    } else if (status == F8K_STATUS_SUCCESS) {
        full = q;
        q = NULL;
    }
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    for (attempt = 0; attempt <= F8K_SEARCH_RETRIES; attempt++) {
        status = run_once(search, full, exhaustive, &hl, o, r);
        if (status != F8K_STATUS_DB_MODIFIED)
            break;
        reset_results(r);
        r->offset = o->offset;
        if (f8k_db_reopen(search->db, NULL) != F8K_STATUS_SUCCESS)
            break;
    }
    if (status == F8K_STATUS_SUCCESS && r->n_hits == 0 && r->estimate == 0 && root != NULL)
        r->suggestion = suggest_query(search, query, len, root);
done:
    f8k_qnode_free(root);
    f8k_query_free(q);
    f8k_query_free(filters);
    f8k_query_free(full);
    search_highlight_clear(&hl);
    if (status != F8K_STATUS_SUCCESS) {
        if (search->error[0] == '\0')
            search_set_error(search, "%s",
                             err->message[0] ? err->message : f8k_status_to_string(status));
        f8k_search_results_free(r);
        r = NULL;
    }
    *results_out = r;
    return status;
}
