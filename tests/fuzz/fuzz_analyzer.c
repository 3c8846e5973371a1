/*
 * fuzz_analyzer.c - libFuzzer entry point for f8k_analyze().
 *
 * Any bytes go through DOCUMENT, QUERY and QUERY|PREFIX mode.  Every
 * token must hold: a term of 1..F8K_ANALYZER_MAX_TERM bytes of
 * well-formed UTF-8 without NUL; a stem that is NULL (non-WORD tokens,
 * terms starting with a digit) or well-formed UTF-8 without NUL;
 * byte offsets start < end <= input length; primary positions 1, 2,
 * 3, ... and variants at the position of the token before them; flags
 * as the mode allows.  The mode only changes the extra variants, so
 * the QUERY tokens must be exactly the DOCUMENT tokens without them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

/* Report the broken check by line, then abort (libFuzzer saves the input). */
#define FAIL() (fprintf(stderr, "%s:%d: check failed\n", __FILE__, __LINE__), abort())

#include "fuzz_utf8.h"
#include <f8k/f8k_analyzer.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int utf8_valid_no_nul(const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0;
    while (i < len) {
        size_t k = s[i] == 0 ? 0 : utf8_seq(s + i, len - i);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

/* A primary token, kept to compare the modes. */
typedef struct rec {
    char term[F8K_ANALYZER_MAX_TERM];
    size_t term_len;
    char *stem;
    size_t stem_len;
    uint32_t position;
    size_t start, end;
    f8k_token_class_t token_class;
    unsigned flags;
} rec_t;

typedef struct run {
    int flags;
    size_t len;
    uint32_t last_position; /* 0 before the first token */
    size_t n_tokens;        /* all tokens, variants included */
    rec_t *prim;            /* primary tokens */
    size_t n_prim, cap_prim;
} run_t;

static f8k_status_t check_token(void *closure, const f8k_token_t *t)
{
    run_t *r = closure;
    int variant = (t->flags & F8K_TOKEN_VARIANT) != 0;

    if (t->flags & ~(unsigned)(F8K_TOKEN_VARIANT | F8K_TOKEN_PREFIX))
        FAIL();
    if (variant && !(r->flags & F8K_ANALYZE_DOCUMENT))
        FAIL(); /* variants only in DOCUMENT mode */
    if ((t->flags & F8K_TOKEN_PREFIX) && !(r->flags & F8K_ANALYZE_PREFIX))
        FAIL();
    if (variant && (t->flags & F8K_TOKEN_PREFIX))
        FAIL();
    if (t->term == NULL || t->term_len == 0 || t->term_len > F8K_ANALYZER_MAX_TERM)
        FAIL();
    if (!utf8_valid_no_nul(t->term, t->term_len))
        FAIL();
    if (t->stem == NULL) {
        if (t->stem_len != 0)
            FAIL();
    } else {
        if (t->stem_len == 0 || !utf8_valid_no_nul(t->stem, t->stem_len))
            FAIL();
        if (t->token_class != F8K_TOKEN_WORD || (t->term[0] >= '0' && t->term[0] <= '9'))
            FAIL(); /* stems only for WORD tokens not starting with a digit */
    }
    if ((unsigned)t->token_class > (unsigned)F8K_TOKEN_FORM)
        FAIL();
    if (t->start >= t->end || t->end > r->len)
        FAIL(); /* offsets within the input */
    if (variant) {
        if (r->n_tokens == 0 || t->position != r->last_position)
            FAIL(); /* a variant repeats the position of the token before it */
    } else {
        if (t->position != r->last_position + 1)
            FAIL(); /* primary positions 1, 2, 3, ... */
        if (r->n_prim == r->cap_prim) {
            size_t cap = r->cap_prim ? r->cap_prim * 2 : 64;
            rec_t *p = realloc(r->prim, cap * sizeof *p);
            if (p == NULL)
                return F8K_STATUS_NOMEM;
            r->prim = p;
            r->cap_prim = cap;
        }
        rec_t *p = &r->prim[r->n_prim];
        memcpy(p->term, t->term, t->term_len);
        p->term_len = t->term_len;
        p->stem = NULL;
        p->stem_len = t->stem_len;
        if (t->stem != NULL) {
            p->stem = malloc(t->stem_len);
            if (p->stem == NULL)
                return F8K_STATUS_NOMEM;
            memcpy(p->stem, t->stem, t->stem_len);
        }
        p->position = t->position;
        p->start = t->start;
        p->end = t->end;
        p->token_class = t->token_class;
        p->flags = t->flags;
        r->n_prim++;
        r->last_position = t->position;
    }
    r->n_tokens++;
    return F8K_STATUS_SUCCESS;
}

static void run_free(run_t *r)
{
    for (size_t i = 0; i < r->n_prim; i++)
        free(r->prim[i].stem);
    free(r->prim);
}

static int same_token(const rec_t *a, const rec_t *b)
{
    return a->term_len == b->term_len && memcmp(a->term, b->term, a->term_len) == 0 &&
           a->stem_len == b->stem_len && (a->stem == NULL) == (b->stem == NULL) &&
           (a->stem == NULL || memcmp(a->stem, b->stem, a->stem_len) == 0) &&
           a->position == b->position && a->start == b->start && a->end == b->end &&
           a->token_class == b->token_class;
}

static f8k_analyzer_t *analyzer;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int modes[3] = {F8K_ANALYZE_DOCUMENT, F8K_ANALYZE_QUERY,
                                 F8K_ANALYZE_QUERY | F8K_ANALYZE_PREFIX};
    run_t runs[3];
    const char *text = (const char *)data;

    if (analyzer == NULL && f8k_analyzer_new("en", &analyzer) != F8K_STATUS_SUCCESS)
        FAIL();
    memset(runs, 0, sizeof runs);
    for (int m = 0; m < 3; m++) {
        uint32_t next = 0;
        runs[m].flags = modes[m];
        runs[m].len = size;
        f8k_status_t st =
            f8k_analyze_at(analyzer, modes[m], text, size, 1, check_token, &runs[m], &next);
        if (st == F8K_STATUS_NOMEM)
            goto out;
        if (st != F8K_STATUS_SUCCESS)
            FAIL();
        if (next != runs[m].last_position + 1)
            FAIL(); /* the next position follows the last token */
    }
    /* QUERY: the DOCUMENT tokens without variants, no flags. */
    if (runs[1].n_prim != runs[0].n_prim || runs[1].n_tokens != runs[1].n_prim)
        FAIL();
    for (size_t i = 0; i < runs[0].n_prim; i++) {
        if (!same_token(&runs[0].prim[i], &runs[1].prim[i]) || runs[1].prim[i].flags != 0)
            FAIL();
    }
    /* QUERY|PREFIX: the same, PREFIX on the last token only. */
    if (runs[2].n_prim != runs[1].n_prim)
        FAIL();
    for (size_t i = 0; i < runs[2].n_prim; i++) {
        unsigned want = i + 1 == runs[2].n_prim ? F8K_TOKEN_PREFIX : 0;
        if (!same_token(&runs[1].prim[i], &runs[2].prim[i]) || runs[2].prim[i].flags != want)
            FAIL();
    }
out:
    for (int m = 0; m < 3; m++)
        run_free(&runs[m]);
    return 0;
}
