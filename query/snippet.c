/*
 * snippet.c - the best passage of a document for a query, cheaply.
 *
 * The index stores a document's first F8K_TEXT_STORED bytes of
 * text (README.md, "Index layout"); a page shows ten of them, so the
 * analyzer never runs over the whole text:
 *
 *   1. One pass over the word starts of the text compares each word's
 *      first bytes, ASCII case-insensitively, with the query's surface
 *      forms ("needles": the unstemmed terms, the stems less a final
 *      Snowball 'i' so "compani" finds "company", wildcard prefixes).
 *   2. Only the words that pass are analyzed (QUERY mode, the same
 *      analyzer as the index) to confirm them: a token matches when its
 *      term or stem is one of the query's, or its term starts with a
 *      wildcard prefix.  A word seen before (same bytes) reuses what the
 *      analyzer said then.
 *   3. A window of F8K_SEARCH_SNIPPET_BYTES bytes slides over the
 *      confirmed matches; the one with the most distinct matched words
 *      (then the most matches) wins.  It is widened to word boundaries,
 *      white space is collapsed, invalid UTF-8 shows as '?', and "..."
 *      marks a cut.
 *
 * Words whose surface form differs in non-ASCII case from the query
 * ("CAFÉ" for "café") are missed by step 1: the passage then falls back
 * to the best ASCII matches, or to the start of the text.
 */
#include <stdlib.h>
#include <string.h>

#include "search-private.h"

/* At most this many confirmed matches are considered per document. */
#define SNIPPET_MAX_MATCHES 256
/* Only the first SNIPPET_SCAN_BYTES of a document are scanned (the index
 * stores no more than that of a document's text). */
#define SNIPPET_SCAN_BYTES F8K_TEXT_STORED

typedef struct match {
    size_t start, end; /* bytes in the text */
    unsigned id;       /* which query word (for "distinct") */
} match_t;

typedef struct needle {
    const char *s;
    size_t len;
} needle_t;

typedef struct confirm {
    const search_highlight_t *hl;
    size_t base; /* offset of the analyzed span in the text */
    match_t *m;  /* the matches so far */
    size_t n;    /* their number */
} confirm_t;

/* A candidate word is cut at this many bytes. */
#define WORD_MAX_BYTES 128

/*
 * What the analyzer confirmed in one candidate word, kept so that the
 * same bytes further on (a document repeats its words: "Agreement",
 * "Agreement") are not analyzed again.  Matches are relative to the
 * word.  A word with more than CACHED_MATCHES matches is not kept.
 */
#define CACHED_WORDS   32
#define CACHED_MATCHES 8

typedef struct cached_word {
    const char *bytes; /* in the text */
    size_t len;
    size_t n; /* matches */
    match_t m[CACHED_MATCHES];
} cached_word_t;

typedef struct word_cache {
    cached_word_t w[CACHED_WORDS];
    size_t n;    /* entries used */
    size_t next; /* the entry to replace when full */
} word_cache_t;

/* White space, by byte: a lookup, as it runs on most bytes of the text. */
static const bool space_byte[256] = {
    ['\t'] = true, ['\n'] = true, ['\v'] = true, ['\f'] = true, ['\r'] = true, [' '] = true,
};

static bool is_space(unsigned char c)
{
    return space_byte[c];
}

static bool is_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* The id of a matching token, or -1. */
static int token_id(const search_highlight_t *hl, const f8k_token_t *t)
{
    size_t i;
    for (i = 0; i < hl->terms.n; i++)
        if (strlen(hl->terms.v[i]) == t->term_len &&
            memcmp(hl->terms.v[i], t->term, t->term_len) == 0)
            return (int)i;
    for (i = 0; t->stem != NULL && i < hl->stems.n; i++)
        if (strlen(hl->stems.v[i]) == t->stem_len &&
            memcmp(hl->stems.v[i], t->stem, t->stem_len) == 0)
            return (int)(hl->terms.n + i);
    for (i = 0; i < hl->prefixes.n; i++) {
        size_t pl = strlen(hl->prefixes.v[i]);
        if (pl <= t->term_len && memcmp(hl->prefixes.v[i], t->term, pl) == 0)
            return (int)(hl->terms.n + hl->stems.n + i);
    }
    return -1;
}

/* Record a match at [START, END) of the word at C->base. */
static void add_match(confirm_t *c, size_t start, size_t end, unsigned id)
{
    if (c->n >= SNIPPET_MAX_MATCHES)
        return;
    /* A stem and its term may both match the same word: keep one. */
    if (c->n > 0 && c->m[c->n - 1].start == c->base + start)
        return;
    c->m[c->n].start = c->base + start;
    c->m[c->n].end = c->base + end;
    c->m[c->n].id = id;
    c->n++;
}

/* The matching tokens of one word (at most one per byte of it). */
typedef struct word_matches {
    const search_highlight_t *hl;
    size_t n;
    match_t m[WORD_MAX_BYTES];
} word_matches_t;

static f8k_status_t on_confirm(void *closure, const f8k_token_t *token)
{
    word_matches_t *w = closure;
    int id = token_id(w->hl, token);
    if (id < 0 || w->n >= WORD_MAX_BYTES)
        return F8K_STATUS_SUCCESS;
    w->m[w->n].start = token->start;
    w->m[w->n].end = token->end;
    w->m[w->n].id = (unsigned)id;
    w->n++;
    return F8K_STATUS_SUCCESS;
}

/*
 * Confirm the candidate word TEXT[i, i + LEN) (C->base is I): its
 * matching tokens, from CACHE when the same bytes were analyzed before,
 * else from the analyzer, are added to C.
 */
static f8k_status_t confirm_word(f8k_analyzer_t *analyzer, word_cache_t *cache, confirm_t *c,
                                 const char *word, size_t len)
{
    word_matches_t w;
    cached_word_t *e = NULL;
    size_t j, k;
    f8k_status_t status;

    for (j = 0; j < cache->n; j++) {
        e = &cache->w[j];
        if (e->len == len && memcmp(e->bytes, word, len) == 0) {
            for (k = 0; k < e->n; k++)
                add_match(c, e->m[k].start, e->m[k].end, e->m[k].id);
            return F8K_STATUS_SUCCESS;
        }
    }
    w.hl = c->hl;
    w.n = 0;
    status = f8k_analyze(analyzer, F8K_ANALYZE_QUERY, word, len, on_confirm, &w);
    if (status != F8K_STATUS_SUCCESS)
        return status;
    for (k = 0; k < w.n; k++)
        add_match(c, w.m[k].start, w.m[k].end, w.m[k].id);
    if (w.n <= CACHED_MATCHES) {
        if (cache->n < CACHED_WORDS)
            e = &cache->w[cache->n++];
        else {
            e = &cache->w[cache->next];
            cache->next = (cache->next + 1) % CACHED_WORDS;
        }
        e->bytes = word;
        e->len = len;
        e->n = w.n;
        memcpy(e->m, w.m, w.n * sizeof *w.m);
    }
    return F8K_STATUS_SUCCESS;
}

static bool needle_at(const char *p, size_t avail, const needle_t *nd)
{
    size_t i;
    if (nd->len > avail)
        return false;
    for (i = 0; i < nd->len; i++) {
        unsigned char a = (unsigned char)p[i], b = (unsigned char)nd->s[i];
        if (a != b && ascii_lower(a) != b)
            return false;
    }
    return true;
}

/* The length of one valid UTF-8 sequence at P (AVAIL bytes), 0 when invalid. */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
    size_t n, i;
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        n = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        n = 3;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        n = 4;
    else
        return 0;
    if (n > avail)
        return 0;
    for (i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Copy TEXT[from, to) into a snippet with spans, collapsing white space. */
static f8k_status_t build(const char *text, size_t len, size_t from, size_t to, const match_t *m,
                          size_t nm, char **snippet_out, f8k_search_span_t **spans_out,
                          size_t *n_spans_out)
{
    char *out = malloc((to - from) + 8);
    f8k_search_span_t *spans = nm > 0 ? calloc(nm, sizeof *spans) : NULL;
    size_t k = 0, ns = 0, i = from, mi = 0;
    bool space = false;

    if (out == NULL || (nm > 0 && spans == NULL)) {
        free(out);
        free(spans);
        return F8K_STATUS_NOMEM;
    }
    while (mi < nm && m[mi].start < from)
        mi++;
    if (from > 0) {
        memcpy(out, "...", 3);
        k = 3;
    }
    while (i < to) {
        unsigned char c = (unsigned char)text[i];
        size_t cl;
        if (is_space(c)) {
            space = true;
            i++;
            continue;
        }
        if (space && k > 0 && !(k == 3 && from > 0)) {
            out[k++] = ' ';
        }
        space = false;
        if (mi < nm && m[mi].start == i && m[mi].end <= to) {
            spans[ns].start = k;
        }
        cl = utf8_len((const unsigned char *)text + i, len - i);
        if (cl == 0 || (c < 0x20) || c == 0x7f) {
            out[k++] = '?';
            i++;
        } else {
            memcpy(out + k, text + i, cl);
            k += cl;
            i += cl;
        }
        if (mi < nm && m[mi].start < i && m[mi].end <= i) {
            if (m[mi].end <= to && m[mi].start >= from)
                spans[ns++].end = k;
            mi++;
            while (mi < nm && m[mi].start < i)
                mi++;
        }
    }
    if (to < len) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
    *snippet_out = out;
    if (ns == 0) {
        free(spans);
        spans = NULL;
    }
    *spans_out = spans;
    *n_spans_out = ns;
    return F8K_STATUS_SUCCESS;
}

f8k_status_t search_snippet(f8k_analyzer_t *analyzer, const search_highlight_t *hl,
                            const char *text, size_t len, char **snippet_out,
                            f8k_search_span_t **spans_out, size_t *n_spans_out)
{
    needle_t *needles = NULL;
    match_t *m = NULL;
    word_cache_t *cache = NULL;
    confirm_t c = {hl, 0, NULL, 0};
    size_t nn = 0, scan = len < SNIPPET_SCAN_BYTES ? len : SNIPPET_SCAN_BYTES;
    size_t i, j, best_i = 0, from = 0, to = 0;
    long best_score = -1;
    bool first[256] = {false};
    f8k_status_t status = F8K_STATUS_SUCCESS;

    *snippet_out = NULL;
    *spans_out = NULL;
    *n_spans_out = 0;
    if (hl != NULL) {
        size_t total = hl->terms.n + hl->stems.n + hl->prefixes.n;
        needles = calloc(total ? total : 1, sizeof *needles);
        m = calloc(SNIPPET_MAX_MATCHES, sizeof *m);
        cache = malloc(sizeof *cache);
        if (needles == NULL || m == NULL || cache == NULL) {
            status = F8K_STATUS_NOMEM;
            goto done;
        }
        cache->n = cache->next = 0;
        for (i = 0; i < hl->terms.n; i++)
            needles[nn++] = (needle_t){hl->terms.v[i], strlen(hl->terms.v[i])};
        for (i = 0; i < hl->stems.n; i++) {
            size_t sl = strlen(hl->stems.v[i]);
            if (sl > 3 && hl->stems.v[i][sl - 1] == 'i')
                sl--;
            needles[nn++] = (needle_t){hl->stems.v[i], sl};
        }
        for (i = 0; i < hl->prefixes.n; i++)
            needles[nn++] = (needle_t){hl->prefixes.v[i], strlen(hl->prefixes.v[i])};
    }
    c.m = m;
    /* The bytes a needle can start with, so most words cost one lookup. */
    for (i = 0; i < nn; i++) {
        unsigned char b = needles[i].len > 0 ? (unsigned char)needles[i].s[0] : 0;
        if (needles[i].len == 0) {
            memset(first, 1, sizeof first);
            break;
        }
        first[b] = true;
        if (b >= 'a' && b <= 'z')
            first[b - ('a' - 'A')] = true;
    }
    /* 1 and 2: candidate words, confirmed by the analyzer. */
    for (i = 0; nn > 0 && i < scan && c.n < SNIPPET_MAX_MATCHES; i++) {
        size_t end, limit, k = nn;
        if (!is_word_byte((unsigned char)text[i]) ||
            (i > 0 && is_word_byte((unsigned char)text[i - 1])))
            continue;
        if (first[(unsigned char)text[i]])
            for (k = 0; k < nn; k++)
                if (needle_at(text + i, scan - i, &needles[k]))
                    break;
        end = i;
        limit = scan - i > WORD_MAX_BYTES ? i + WORD_MAX_BYTES : scan;
        while (end < limit && !is_space((unsigned char)text[end]))
            end++;
        if (k < nn) {
            c.base = i;
            status = confirm_word(analyzer, cache, &c, text + i, end - i);
            if (status != F8K_STATUS_SUCCESS)
                goto done;
        }
        i = end;
    }
    /* 3: the window with the most distinct matches. */
    for (i = 0; i < c.n; i++) {
        unsigned long long seen = 0;
        long distinct = 0, count = 0, score;
        for (j = i; j < c.n && m[j].end - m[i].start <= F8K_SEARCH_SNIPPET_BYTES; j++) {
            unsigned long long bit = 1ull << (m[j].id % 64);
            if (!(seen & bit))
                distinct++;
            seen |= bit;
            count++;
        }
        score = distinct * 1000 + count;
        if (score > best_score) {
            best_score = score;
            best_i = i;
        }
    }
    if (c.n > 0) {
        size_t last = best_i, span;
        while (last + 1 < c.n && m[last + 1].end - m[best_i].start <= F8K_SEARCH_SNIPPET_BYTES)
            last++;
        span = m[last].end - m[best_i].start;
        /* Centre the matches in the window. */
        from = m[best_i].start;
        if (span < F8K_SEARCH_SNIPPET_BYTES) {
            size_t before = (F8K_SEARCH_SNIPPET_BYTES - span) / 3;
            from = from > before ? from - before : 0;
        }
        to = from + F8K_SEARCH_SNIPPET_BYTES;
        if (to < m[last].end)
            to = m[last].end;
    } else {
        while (from < len && is_space((unsigned char)text[from]))
            from++;
        to = from + F8K_SEARCH_SNIPPET_BYTES;
    }
    if (to > len)
        to = len;
    /* Widen to word boundaries: start after a space, end before one. */
    if (from > 0 && from < len && !is_space((unsigned char)text[from - 1])) {
        size_t f = from;
        while (f < to && !is_space((unsigned char)text[f]))
            f++;
        if (c.n == 0 || f <= m[best_i].start)
            from = f;
        else
            while (from > 0 && !is_space((unsigned char)text[from - 1]) &&
                   m[best_i].start - from < 64)
                from--;
    }
    if (to < len && !is_space((unsigned char)text[to])) {
        size_t t = to;
        while (t > from && !is_space((unsigned char)text[t - 1]))
            t--;
        if (t > from && (c.n == 0 || t >= m[best_i].end))
            to = t;
    }
    status = build(text, len, from, to, m, c.n, snippet_out, spans_out, n_spans_out);
done:
    free(needles);
    free(m);
    free(cache);
    return status;
}
