/*
 * compile.c - the f8k-search syntax tree -> a Xapian query over the
 * term scheme of README.md ("Index layout").
 *
 * Every word goes through the shared analyzer in QUERY mode, so it is
 * found exactly as it was indexed (STYLE.md P5).  The rules:
 *
 *   word          SYNONYM(word, Zstem): Xapian's STEM_SOME.  A word that
 *                 yields several tokens ("8-K", "co-operate") is a
 *                 PHRASE of its unstemmed terms (P6).
 *   "a b c"       PHRASE of unstemmed terms (exact words, by position).
 *   a NEAR/n b    NEAR of the operands' unstemmed terms, window n plus
 *                 the number of terms less one (n words apart at most);
 *                 a phrase operand contributes its words (order free).
 *   word*         the terms starting with the analyzed prefix, at most
 *                 F8K_SEARCH_WILDCARD_MAX (the most frequent), as one
 *                 SYNONYM.
 *   company:/officer:  the same rules over XCO/XOF terms (unstemmed,
 *                 positional), any sub-expression allowed.  company: also
 *                 matches the name in the text of filings whose company
 *                 is unknown (no header or cover page); officer:"a b"
 *                 allows one word inside the name (a middle initial) and
 *                 also finds the full name in the text, weighted lower.
 *   role:         XRO + role code (f8k_role_normalise: "CFO" and "chief
 *                 financial officer" are both cfo); filings reporting
 *                 an officer event rank above mere signatures.
 *   item:5.02     XM5.02: the modern number, which pre-2004 filings carry
 *                 too (old Item 6 has XM5.02).  item:5 (no dot) is XI5:
 *                 old Item 5 as filed.  Filings whose text has the
 *                 item's subject words (item_intent) rank first.
 *   form:, exhibit:, cik:, state:, sic:, accession:  boolean terms
 *                 XFORM, XDT, XCIK (10 digits), XST, XSIC, XF.
 *   filed:       value range on slot 0 (the sort date: filed, else date
 *                 of report, so filings without a header still match).
 *   reported:    value range on slot 6 (the date of report).
 *   AND/OR/NOT    Xapian AND, OR, AND_NOT; a pure NOT is everything but.
 *
 * Boolean field terms are wrapped in scale_weight(0): they select, and
 * BM25 weight comes from words only.
 *
 * Domain synonyms: the table below.  A query word whose stem equals a
 * one-word member, a quoted phrase equal to a member, or a run of
 * plain words spelling a several-word member ("chief financial
 * officer" typed without quotes) becomes SYNONYM(itself, every other
 * member), several-word members as phrases.  A run keeps its loose
 * meaning too: OR(AND(words), SYNONYM(phrase, members)).
 *
 * Ranking boosts (add_boosts), constant weights added with AND_MAYBE, so
 * they reorder and never filter: a role the query names (a synonym
 * group such as CFO) boosts filings with an officer in that role (XRO),
 * and more those where one arrives or leaves as the query's words say
 * ("CFO resigned": XOEcfo:out);
 * words naming an item's subject ("bankruptcy", "change in control",
 * "auditor") boost filings reporting that item (XM, both eras).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <f8k/f8k_extract.h>
#include <f8k/f8k_search.h>

#include "search-private.h"

/*
 * Ranking weights.  A BM25 match of a few query words in a filing
 * weighs about 5 to 15; a boost is a constant added to every document
 * that has the boolean term.
 */
#define ROLE_BOOST          3.0 /* an officer with the role the query names */
#define ITEM_BOOST          3.0 /* the item the query's words point at */
#define EVENT_BOOST         2.0 /* such an officer arriving or leaving, as the query says */
#define OFFICER_TEXT_WEIGHT 0.5 /* officer:"full name" found only in the text */

/* ------------------------------------------------------------------ */
/* The synonym table.                                                   */
/* ------------------------------------------------------------------ */

/*
 * Each row: words that mean the same in an 8-K.  Chosen with care:
 * "merger" = "acquisition" only as nouns of a deal ("business
 * combination"), not "acquired"; "name" is left out of the appointment
 * group because "name" is everywhere in filings ("name of
 * registrant").
 */
static const char *const syn_cfo[] = {"cfo", "chief financial officer",
                                      "principal financial officer", NULL};
static const char *const syn_ceo[] = {"ceo", "chief executive officer",
                                      "principal executive officer", NULL};
static const char *const syn_coo[] = {"coo", "chief operating officer", NULL};
static const char *const syn_cao[] = {"cao", "chief accounting officer",
                                      "principal accounting officer", NULL};
static const char *const syn_gc[] = {"general counsel", "chief legal officer", NULL};
static const char *const syn_auditor[] = {"auditor",
                                          "certifying accountant",
                                          "independent registered public accounting firm",
                                          "independent accountant",
                                          "independent auditor",
                                          NULL};
static const char *const syn_resign[] = {"resign", "step down", "depart", "retire", NULL};
static const char *const syn_appoint[] = {"appoint", "elect", NULL};
static const char *const syn_merger[] = {"merger", "acquisition", "business combination", NULL};
static const char *const syn_earnings[] = {"earnings", "results of operations", NULL};
static const char *const syn_fire[] = {"terminated", "dismissed", NULL};
static const char *const syn_bankrupt[] = {"bankruptcy", "chapter 11", "receivership", NULL};
static const char *const syn_cyber[] = {"cybersecurity", "cyber security", NULL};
static const char *const syn_buyback[] = {"buyback", "share repurchase", "stock repurchase", NULL};
static const char *const syn_restate[] = {"restatement", "non-reliance", NULL};
static const char *const syn_rename[] = {"name change", "changed its name", "change of name",
                                         "new corporate name", NULL};

static const f8k_search_synonym_group_t synonym_table[] = {
    {syn_cfo},    {syn_ceo},     {syn_coo},     {syn_cao},      {syn_gc},   {syn_auditor},
    {syn_resign}, {syn_appoint}, {syn_merger},  {syn_earnings}, {syn_fire}, {syn_bankrupt},
    {syn_cyber},  {syn_buyback}, {syn_restate}, {syn_rename},
};

const f8k_search_synonym_group_t *f8k_search_synonyms(size_t *count_out)
{
    if (count_out != NULL)
        *count_out = sizeof synonym_table / sizeof synonym_table[0];
    return synonym_table;
}

/* ------------------------------------------------------------------ */
/* Query analysis.                                                      */
/* ------------------------------------------------------------------ */

typedef struct qtok {
    char term[F8K_ANALYZER_MAX_TERM + 1];
    char stem[F8K_ANALYZER_MAX_TERM + 1]; /* "" when none */
} qtok_t;

typedef struct qtoks {
    qtok_t *v;
    size_t n, cap;
} qtoks_t;

static f8k_status_t on_query_token(void *closure, const f8k_token_t *token)
{
    qtoks_t *t = closure;
    qtok_t *e = NULL;
    if (token->flags & F8K_TOKEN_VARIANT)
        return F8K_STATUS_SUCCESS;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        qtok_t *v = realloc(t->v, cap * sizeof *v);
        if (v == NULL)
            return F8K_STATUS_NOMEM;
        t->v = v;
        t->cap = cap;
    }
    e = &t->v[t->n++];
    memcpy(e->term, token->term, token->term_len);
    e->term[token->term_len] = '\0';
    e->stem[0] = '\0';
    if (token->stem != NULL && token->stem_len > 0 && token->stem_len <= F8K_ANALYZER_MAX_TERM) {
        memcpy(e->stem, token->stem, token->stem_len);
        e->stem[token->stem_len] = '\0';
    }
    return F8K_STATUS_SUCCESS;
}

static f8k_status_t analyze(f8k_search_t *s, const char *text, int flags, qtoks_t *out)
{
    out->n = 0;
    if (text == NULL)
        return F8K_STATUS_SUCCESS;
    return f8k_analyze(s->analyzer, F8K_ANALYZE_QUERY | flags, text, strlen(text), on_query_token,
                       out);
}

/* Analyze the synonym table once per search handle. */
static f8k_status_t build_synonyms(f8k_search_t *s)
{
    size_t ng = sizeof synonym_table / sizeof synonym_table[0];
    qtoks_t t = {0};
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t g, m, k;

    if (s->n_groups > 0)
        return F8K_STATUS_SUCCESS;
    s->groups = calloc(ng, sizeof *s->groups);
    s->group_sizes = calloc(ng, sizeof *s->group_sizes);
    if (s->groups == NULL || s->group_sizes == NULL) {
        status = F8K_STATUS_NOMEM;
        goto done;
    }
    s->n_groups = ng;
    for (g = 0; g < ng && status == F8K_STATUS_SUCCESS; g++) {
        size_t nm = 0;
        while (synonym_table[g].members[nm] != NULL)
            nm++;
        s->groups[g] = calloc(nm, sizeof *s->groups[g]);
        if (s->groups[g] == NULL) {
            status = F8K_STATUS_NOMEM;
            break;
        }
        s->group_sizes[g] = nm;
        for (m = 0; m < nm && status == F8K_STATUS_SUCCESS; m++) {
            search_syn_member_t *mem = &s->groups[g][m];
            status = analyze(s, synonym_table[g].members[m], 0, &t);
            if (status != F8K_STATUS_SUCCESS)
                break;
            mem->terms = calloc(t.n + 1, sizeof *mem->terms);
            mem->stems = calloc(t.n + 1, sizeof *mem->stems);
            if (mem->terms == NULL || mem->stems == NULL) {
                status = F8K_STATUS_NOMEM;
                break;
            }
            mem->n = t.n;
            for (k = 0; k < t.n; k++) {
                mem->terms[k] = strdup(t.v[k].term);
                mem->stems[k] = t.v[k].stem[0] ? strdup(t.v[k].stem) : NULL;
                if (mem->terms[k] == NULL || (t.v[k].stem[0] && mem->stems[k] == NULL)) {
                    status = F8K_STATUS_NOMEM;
                    break;
                }
            }
        }
    }
done:
    free(t.v);
    return status;
}

/* Whether tokens T[0..n) spell member M (stems compared when both have one). */
static bool member_matches(const search_syn_member_t *m, const qtok_t *t, size_t n)
{
    size_t i;
    if (m->n != n || n == 0)
        return false;
    for (i = 0; i < n; i++) {
        bool same = strcmp(m->terms[i], t[i].term) == 0;
        if (!same && m->stems[i] != NULL && t[i].stem[0] != '\0')
            same = strcmp(m->stems[i], t[i].stem) == 0;
        if (!same)
            return false;
    }
    return true;
}

/* The group and member T[0..n) spells, or false. */
static bool find_synonym(const f8k_search_t *s, const qtok_t *t, size_t n, size_t *group_out,
                         size_t *member_out)
{
    size_t g, m;
    for (g = 0; g < s->n_groups; g++)
        for (m = 0; m < s->group_sizes[g]; m++)
            if (member_matches(&s->groups[g][m], t, n)) {
                *group_out = g;
                *member_out = m;
                return true;
            }
    return false;
}

/* ------------------------------------------------------------------ */
/* The compiler.                                                        */
/* ------------------------------------------------------------------ */

typedef struct compiler {
    f8k_search_t *s;
    search_highlight_t *hl;    /* may be NULL */
    f8k_qparse_error_t *error; /* may be NULL */
    int negated;               /* > 0 inside NOT: do not highlight */
    unsigned phrase_slack;     /* words allowed inside a phrase (names) */
    const char *roles[4];      /* officer roles the query's words name */
    size_t n_roles;
    qtoks_t words;      /* the query's positive words (text fields) */
    size_t n_proximity; /* proximity branches added (AND_MAYBE of NEARs) */
    size_t n_optional;  /* other optional branches (boosts, item words, events) */
} compiler_t;

/* Remember T, a positive word of the query's text. */
static f8k_status_t note_word(compiler_t *c, const qtok_t *t)
{
    qtoks_t *w = &c->words;
    if (c->negated > 0)
        return F8K_STATUS_SUCCESS;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        qtok_t *v = realloc(w->v, cap * sizeof *v);
        if (v == NULL)
            return F8K_STATUS_NOMEM;
        w->v = v;
        w->cap = cap;
    }
    w->v[w->n++] = *t;
    return F8K_STATUS_SUCCESS;
}

/* Note the officer role (if any) that synonym group G names ("cfo"). */
static void note_role(compiler_t *c, size_t g)
{
    const char *first = synonym_table[g].members[0];
    const char *code = f8k_role_normalise(first, strlen(first), NULL);
    size_t i;
    if (code == NULL || c->negated > 0 || strcmp(code, "other") == 0)
        return;
    for (i = 0; i < c->n_roles; i++)
        if (strcmp(c->roles[i], code) == 0)
            return;
    if (c->n_roles < sizeof c->roles / sizeof c->roles[0])
        c->roles[c->n_roles++] = code;
}

static f8k_status_t bad_query(compiler_t *c, size_t position, const char *message,
                              const char *value)
{
    if (c->error != NULL) {
        c->error->position = position;
        if (value != NULL)
            snprintf(c->error->message, sizeof c->error->message, "%s: %.60s", message, value);
        else
            snprintf(c->error->message, sizeof c->error->message, "%s", message);
    }
    return F8K_STATUS_BAD_QUERY;
}

static void highlight_tok(compiler_t *c, const qtok_t *t)
{
    if (c->hl == NULL || c->negated > 0)
        return;
    (void)search_strset_add(&c->hl->terms, t->term, strlen(t->term));
    if (t->stem[0] != '\0')
        (void)search_strset_add(&c->hl->stems, t->stem, strlen(t->stem));
}

/* PREFIX + TERM into BUF (big enough for any prefix + a capped term). */
static const char *make_term(char *buf, size_t size, const char *prefix, const char *term)
{
    snprintf(buf, size, "%s%s", prefix != NULL ? prefix : "", term);
    return buf;
}

static f8k_status_t term_query(const char *prefix, const char *term, f8k_query_t **out)
{
    char buf[F8K_ANALYZER_MAX_TERM + 16];
    return f8k_query_term(make_term(buf, sizeof buf, prefix, term), 1, 0, out);
}

/* Combine N queries (NULL entries skipped) with OP; *out NULL when none. */
static f8k_status_t combine(f8k_query_op_t op, f8k_query_t **qs, size_t n, unsigned param,
                            f8k_query_t **out)
{
    const f8k_query_t **v = NULL;
    size_t i, k = 0;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    *out = NULL;
    v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL)
        return F8K_STATUS_NOMEM;
    for (i = 0; i < n; i++)
        if (qs[i] != NULL)
            v[k++] = qs[i];
    if (k == 1 && op != F8K_QUERY_PHRASE && op != F8K_QUERY_NEAR)
        status = f8k_query_scale_weight(v[0], 1.0, out);
    else if (k > 0)
        status = f8k_query_combine(op, v, k, param, out);
    free(v);
    return status;
}

static void free_all(f8k_query_t **qs, size_t n)
{
    size_t i;
    for (i = 0; qs != NULL && i < n; i++)
        f8k_query_free(qs[i]);
}

/*
 * A single analyzed word outside phrases: SYNONYM(term, Zstem, ...).
 * The indexer writes no Z term where a word is its own stem (about six
 * tokens in ten), so:
 * - a word that is its own stem ("waiver") is SYNONYM(waiver, waiver,
 *   Zwaiver): the word itself counts twice, the other forms once, as
 *   when every token had its Z term;
 * - another word ("waivers") is SYNONYM(waivers, Zwaiver, waiver), the
 *   last only where the stem is its own stem (a word that stems
 *   elsewhere would be another word's match).
 */
static f8k_status_t stem_some(compiler_t *c, const qtok_t *t, f8k_query_t **out)
{
    f8k_query_t *qs[3] = {NULL, NULL, NULL};
    size_t n = 0;
    f8k_status_t status = term_query(NULL, t->term, &qs[n++]);
    if (status == F8K_STATUS_SUCCESS && t->stem[0] != '\0')
        status = term_query("Z", t->stem, &qs[n++]);
    if (status == F8K_STATUS_SUCCESS && t->stem[0] != '\0' && strcmp(t->stem, t->term) == 0)
        status = term_query(NULL, t->term, &qs[n++]);
    else if (status == F8K_STATUS_SUCCESS && t->stem[0] != '\0') {
        qtoks_t self = {0};
        status = analyze(c->s, t->stem, 0, &self);
        if (status == F8K_STATUS_SUCCESS && self.n == 1 && strcmp(self.v[0].term, t->stem) == 0 &&
            strcmp(self.v[0].stem, t->stem) == 0)
            status = term_query(NULL, t->stem, &qs[n++]);
        free(self.v);
    }
    if (status == F8K_STATUS_SUCCESS)
        status = combine(F8K_QUERY_SYNONYM, qs, n, 0, out);
    free_all(qs, n);
    return status;
}

/* The words T[0..n) in order, at most SLACK other words among them. */
static f8k_status_t phrase_query_slack(const char *prefix, const qtok_t *t, size_t n,
                                       unsigned slack, f8k_query_t **out);

/* An exact phrase of T[0..n) (one term when n == 1), each with PREFIX. */
static f8k_status_t phrase_query(const char *prefix, const qtok_t *t, size_t n, f8k_query_t **out)
{
    return phrase_query_slack(prefix, t, n, 0, out);
}

static f8k_status_t phrase_query_slack(const char *prefix, const qtok_t *t, size_t n,
                                       unsigned slack, f8k_query_t **out)
{
    f8k_query_t **qs = NULL;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t i;

    *out = NULL;
    if (n == 0)
        return F8K_STATUS_SUCCESS;
    if (n == 1)
        return term_query(prefix, t[0].term, out);
    qs = calloc(n, sizeof *qs);
    if (qs == NULL)
        return F8K_STATUS_NOMEM;
    for (i = 0; i < n && status == F8K_STATUS_SUCCESS; i++)
        status = term_query(prefix, t[i].term, &qs[i]);
    if (status == F8K_STATUS_SUCCESS)
        status = combine(F8K_QUERY_PHRASE, qs, n, (unsigned)n + slack, out);
    free_all(qs, n);
    free(qs);
    return status;
}

/* The query for synonym member M (one word: stem_some; several: phrase). */
static f8k_status_t member_query(compiler_t *c, const search_syn_member_t *m, f8k_query_t **out)
{
    qtok_t *t = calloc(m->n ? m->n : 1, sizeof *t);
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t i;
    if (t == NULL)
        return F8K_STATUS_NOMEM;
    for (i = 0; i < m->n; i++) {
        snprintf(t[i].term, sizeof t[i].term, "%s", m->terms[i]);
        snprintf(t[i].stem, sizeof t[i].stem, "%s", m->stems[i] ? m->stems[i] : "");
        highlight_tok(c, &t[i]);
    }
    if (m->n == 1)
        status = stem_some(c, &t[0], out);
    else
        status = phrase_query(NULL, t, m->n, out);
    free(t);
    return status;
}

/*
 * SYNONYM(BASE, every member of GROUP but SKIP); takes over *BASE.  Not
 * inside NOT: "acquisition -merger" excludes the word merger, not every
 * filing that speaks of an acquisition (BASE stays as it is).
 */
static f8k_status_t expand_group(compiler_t *c, size_t group, size_t skip, f8k_query_t **base)
{
    size_t nm = c->s->group_sizes[group], m, k = 0;
    f8k_query_t **qs = NULL;
    f8k_query_t *out = NULL;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    if (c->negated > 0)
        return F8K_STATUS_SUCCESS;
    qs = calloc(nm + 1, sizeof *qs);
    if (qs == NULL)
        return F8K_STATUS_NOMEM;
    note_role(c, group);
    qs[k++] = *base;
    *base = NULL;
    for (m = 0; m < nm && status == F8K_STATUS_SUCCESS; m++)
        if (m != skip)
            status = member_query(c, &c->s->groups[group][m], &qs[k++]);
    if (status == F8K_STATUS_SUCCESS)
        status = combine(F8K_QUERY_SYNONYM, qs, k, 0, &out);
    free_all(qs, k);
    free(qs);
    *base = out;
    return status;
}

/* Tokens of a WORD or PHRASE node's text. */
static f8k_status_t node_tokens(compiler_t *c, const f8k_qnode_t *n, int flags, qtoks_t *t)
{
    return analyze(c->s, n->text, flags, t);
}

static f8k_status_t compile_node(compiler_t *c, const f8k_qnode_t *n, const char *prefix,
                                 f8k_query_t **out);

static f8k_status_t compile_word(compiler_t *c, const f8k_qnode_t *n, const char *prefix,
                                 f8k_query_t **out)
{
    qtoks_t t = {0};
    bool wildcard = (n->flags & F8K_QNODE_WILDCARD) != 0;
    f8k_query_t **qs = NULL;
    size_t g = 0, m = 0, i;
    f8k_status_t status = node_tokens(c, n, wildcard ? F8K_ANALYZE_PREFIX : 0, &t);

    *out = NULL;
    if (status != F8K_STATUS_SUCCESS || t.n == 0)
        goto done;
    for (i = 0; i < t.n; i++)
        highlight_tok(c, &t.v[i]);
    if (wildcard) {
        char buf[F8K_ANALYZER_MAX_TERM + 16];
        qs = calloc(t.n, sizeof *qs);
        if (qs == NULL) {
            status = F8K_STATUS_NOMEM;
            goto done;
        }
        for (i = 0; i + 1 < t.n && status == F8K_STATUS_SUCCESS; i++)
            status = term_query(prefix, t.v[i].term, &qs[i]);
        if (status == F8K_STATUS_SUCCESS)
            status = f8k_query_wildcard(make_term(buf, sizeof buf, prefix, t.v[t.n - 1].term),
                                        F8K_SEARCH_WILDCARD_MAX, &qs[t.n - 1]);
        if (status == F8K_STATUS_SUCCESS && c->hl != NULL && c->negated == 0)
            (void)search_strset_add(&c->hl->prefixes, t.v[t.n - 1].term, strlen(t.v[t.n - 1].term));
        if (status == F8K_STATUS_SUCCESS)
            status = combine(F8K_QUERY_AND, qs, t.n, 0, out);
        free_all(qs, t.n);
        free(qs);
        goto done;
    }
    if (prefix != NULL) {
        status = phrase_query(prefix, t.v, t.n, out);
        goto done;
    }
    for (i = 0; i < t.n && status == F8K_STATUS_SUCCESS; i++)
        status = note_word(c, &t.v[i]);
    if (status == F8K_STATUS_SUCCESS)
        status = t.n == 1 ? stem_some(c, &t.v[0], out) : phrase_query(NULL, t.v, t.n, out);
    if (status == F8K_STATUS_SUCCESS && find_synonym(c->s, t.v, t.n, &g, &m))
        status = expand_group(c, g, m, out);
done:
    free(t.v);
    if (status != F8K_STATUS_SUCCESS) {
        f8k_query_free(*out);
        *out = NULL;
    }
    return status;
}

static f8k_status_t compile_phrase(compiler_t *c, const f8k_qnode_t *n, const char *prefix,
                                   f8k_query_t **out)
{
    qtoks_t t = {0};
    size_t g = 0, m = 0, i;
    f8k_status_t status = node_tokens(c, n, 0, &t);

    *out = NULL;
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    for (i = 0; i < t.n; i++)
        highlight_tok(c, &t.v[i]);
    for (i = 0; i < t.n && prefix == NULL && status == F8K_STATUS_SUCCESS; i++)
        status = note_word(c, &t.v[i]);
    if (status == F8K_STATUS_SUCCESS)
        status = phrase_query_slack(prefix, t.v, t.n, c->phrase_slack, out);
    if (status == F8K_STATUS_SUCCESS && prefix == NULL && t.n >= 2 &&
        find_synonym(c->s, t.v, t.n, &g, &m))
        status = expand_group(c, g, m, out);
done:
    free(t.v);
    if (status != F8K_STATUS_SUCCESS) {
        f8k_query_free(*out);
        *out = NULL;
    }
    return status;
}

static f8k_status_t compile_near(compiler_t *c, const f8k_qnode_t *n, const char *prefix,
                                 f8k_query_t **out)
{
    qtoks_t all = {0}, t = {0};
    f8k_query_t **qs = NULL;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t i, k;

    *out = NULL;
    for (i = 0; i < n->n_children && status == F8K_STATUS_SUCCESS; i++) {
        const f8k_qnode_t *ch = n->children[i];
        if (ch->text == NULL)
            continue;
        status = node_tokens(c, ch, 0, &t);
        for (k = 0; k < t.n && status == F8K_STATUS_SUCCESS; k++) {
            qtoks_t *a = &all;
            if (a->n == a->cap) {
                size_t cap = a->cap ? a->cap * 2 : 8;
                qtok_t *v = realloc(a->v, cap * sizeof *v);
                if (v == NULL) {
                    status = F8K_STATUS_NOMEM;
                    break;
                }
                a->v = v;
                a->cap = cap;
            }
            a->v[a->n++] = t.v[k];
            highlight_tok(c, &t.v[k]);
        }
    }
    if (status != F8K_STATUS_SUCCESS || all.n == 0)
        goto done;
    if (all.n == 1) {
        status = prefix ? term_query(prefix, all.v[0].term, out) : stem_some(c, &all.v[0], out);
        goto done;
    }
    qs = calloc(all.n, sizeof *qs);
    if (qs == NULL) {
        status = F8K_STATUS_NOMEM;
        goto done;
    }
    for (i = 0; i < all.n && status == F8K_STATUS_SUCCESS; i++)
        status = term_query(prefix, all.v[i].term, &qs[i]);
    if (status == F8K_STATUS_SUCCESS)
        status = combine(F8K_QUERY_NEAR, qs, all.n, n->window + (unsigned)all.n - 1, out);
    free_all(qs, all.n);
    free(qs);
done:
    free(all.v);
    free(t.v);
    return status;
}

/* Upper-case copy of TEXT without surrounding blanks, at most SIZE-1 bytes. */
static void upper_trim(const char *text, char *buf, size_t size)
{
    size_t len, i, k = 0;
    while (*text == ' ' || *text == '\t')
        text++;
    len = strlen(text);
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    for (i = 0; i < len && k + 1 < size; i++)
        buf[k++] = (char)toupper((unsigned char)text[i]);
    buf[k] = '\0';
}

static bool all_digits(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* The boolean term for a non-text field value; BAD_QUERY when invalid. */
static f8k_status_t field_term(compiler_t *c, const f8k_qnode_t *n, const char *value, char *term,
                               size_t size)
{
    char up[128];
    size_t len;
    upper_trim(value, up, sizeof up);
    len = strlen(up);
    if (len == 0)
        return bad_query(c, n->start, "empty field value", f8k_qfield_name(n->field));
    switch (n->field) {
    case F8K_QFIELD_CIK:
        if (!all_digits(up) || len > 10)
            return bad_query(c, n->start, "cik: takes 1 to 10 digits", value);
        snprintf(term, size, "XCIK%.*s%s", (int)(10 - len), "0000000000", up);
        return F8K_STATUS_SUCCESS;
    case F8K_QFIELD_ROLE: {
        char low[128];
        const char *code = f8k_role_normalise(value, strlen(value), NULL);
        size_t i;
        for (i = 0; i < len && i + 1 < sizeof low; i++)
            low[i] = (char)tolower((unsigned char)up[i]);
        low[i] = '\0';
        if (code == NULL && f8k_role_display_name(low) != NULL)
            code = f8k_role_display_name(low) != NULL ? low : NULL;
        if (code == NULL)
            return bad_query(c, n->start, "unknown role", value);
        snprintf(term, size, "XRO%s", code);
        return F8K_STATUS_SUCCESS;
    }
    case F8K_QFIELD_ITEM: {
        const f8k_item_info_t *info = f8k_item_lookup(value);
        if (info == NULL)
            return bad_query(c, n->start, "not an 8-K item number", value);
        snprintf(term, size, "%s%s", info->era == F8K_ITEM_ERA_OLD ? "XI" : "XM", info->number);
        return F8K_STATUS_SUCCESS;
    }
    case F8K_QFIELD_FORM:
        snprintf(term, size, "XFORM%s", up);
        return F8K_STATUS_SUCCESS;
    case F8K_QFIELD_EXHIBIT: {
        const char *t = up;
        if (strncmp(t, "EX-", 3) == 0)
            t += 3;
        if (*t == '\0')
            return bad_query(c, n->start, "empty exhibit type", value);
        snprintf(term, size, "XDT%s", t);
        return F8K_STATUS_SUCCESS;
    }
    case F8K_QFIELD_STATE:
        snprintf(term, size, "XST%s", up);
        return F8K_STATUS_SUCCESS;
    case F8K_QFIELD_SIC:
        if (!all_digits(up) || len > 4)
            return bad_query(c, n->start, "sic: takes 1 to 4 digits", value);
        snprintf(term, size, "XSIC%.*s%s", (int)(4 - len), "0000", up);
        return F8K_STATUS_SUCCESS;
    case F8K_QFIELD_ACCESSION:
        if (len == 18 && all_digits(up))
            snprintf(term, size, "XF%.10s-%.2s-%.6s", up, up + 10, up + 12);
        else
            snprintf(term, size, "XF%s", value);
        return F8K_STATUS_SUCCESS;
    default:
        return bad_query(c, n->start, "unsupported field", f8k_qfield_name(n->field));
    }
}

/*
 * company:NAME matches the company (and former) names of the header or
 * cover page.  A filing whose company is unknown (a source that kept
 * only the text) matches NAME in its text instead.
 */
static f8k_status_t compile_company(compiler_t *c, const f8k_qnode_t *v, f8k_query_t **out)
{
    f8k_query_t *qs[2] = {NULL, NULL}, *text = NULL, *named = NULL;
    f8k_status_t status = compile_node(c, v, "XCO", &qs[0]);

    *out = NULL;
    if (status == F8K_STATUS_SUCCESS)
        status = compile_node(c, v, NULL, &text);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_query_value_range(F8K_SLOT_COMPANY, "\x01", NULL, &named);
    if (status == F8K_STATUS_SUCCESS && text != NULL) {
        f8k_query_t *pair[2] = {text, named};
        status = combine(F8K_QUERY_AND_NOT, pair, 2, 0, &qs[1]);
    }
    if (status == F8K_STATUS_SUCCESS)
        status = combine(F8K_QUERY_OR, qs, 2, 0, out);
    f8k_query_free(text);
    f8k_query_free(named);
    free_all(qs, 2);
    return status;
}

/*
 * officer:NAME matches the officer names extracted from the filing; a
 * quoted name allows one word between its words ("Albert Dunlap" finds
 * Albert J. Dunlap).  A full name (two words or more) also finds the
 * filings that mention the person in their text, ranked lower: the
 * extractor only lists officers named in appointments, departures and
 * signatures.
 */
static f8k_status_t compile_officer(compiler_t *c, const f8k_qnode_t *v, f8k_query_t **out)
{
    f8k_query_t *qs[2] = {NULL, NULL};
    f8k_status_t status = F8K_STATUS_SUCCESS;

    *out = NULL;
    c->phrase_slack = 1;
    status = compile_node(c, v, "XOF", &qs[0]);
    if (status == F8K_STATUS_SUCCESS && v->kind == F8K_QNODE_PHRASE && v->n_children >= 2) {
        f8k_query_t *text = NULL;
        status = compile_phrase(c, v, NULL, &text);
        if (status == F8K_STATUS_SUCCESS && text != NULL)
            status = f8k_query_scale_weight(text, OFFICER_TEXT_WEIGHT, &qs[1]);
        f8k_query_free(text);
    }
    c->phrase_slack = 0;
    if (status == F8K_STATUS_SUCCESS)
        status = combine(F8K_QUERY_OR, qs, 2, 0, out);
    free_all(qs, 2);
    return status;
}

/*
 * Item intent: words that name what an 8-K item reports.  A query with
 * every word of a row ranks the filings that report that item (the
 * modern number, which pre-2004 filings carry too) higher.  A boost,
 * never a filter.  Words are compared by stem.
 */
static const struct {
    const char *item;
    const char *words[3];
} item_intent[] = {
    {"1.03", {"bankruptcy"}},
    {"1.03", {"receivership"}},
    {"1.03", {"chapter", "11"}},
    {"1.05", {"cybersecurity"}},
    {"2.01", {"completed", "acquisition"}},
    {"2.01", {"disposition"}},
    {"2.02", {"earnings"}},
    {"2.02", {"results", "operations"}},
    {"2.05", {"workforce", "reduction"}},
    {"2.05", {"layoffs"}},
    {"3.01", {"delisting"}},
    {"4.01", {"auditor"}},
    {"4.01", {"accountant"}},
    {"4.02", {"restatement"}},
    {"4.02", {"non", "reliance"}},
    {"5.01", {"change", "control"}},
    {"5.03", {"fiscal", "year"}},
    {"7.01", {"regulation", "fd"}},
};

/* *Q becomes AND_MAYBE(*Q, EXTRA), counted as an optional branch
 * (see search_compile()); nothing when EXTRA is NULL. */
static f8k_status_t add_optional(compiler_t *c, f8k_query_t **q, const f8k_query_t *extra)
{
    f8k_query_t *both = NULL;
    const f8k_query_t *pair[2] = {*q, extra};
    f8k_status_t status;
    if (extra == NULL)
        return F8K_STATUS_SUCCESS;
    status = f8k_query_combine(F8K_QUERY_AND_MAYBE, pair, 2, 0, &both);
    if (status != F8K_STATUS_SUCCESS)
        return status;
    f8k_query_free(*q);
    *q = both;
    c->n_optional++;
    return F8K_STATUS_SUCCESS;
}

/*
 * item:N ranks the filings whose text speaks of what item N reports
 * (the words of a row of item_intent for N) above those that only list
 * it: AND_MAYBE(*Q, OR(AND(row words)...)).
 */
static f8k_status_t item_words(compiler_t *c, const char *number, f8k_query_t **q)
{
    const f8k_item_info_t *info = f8k_item_lookup(number);
    size_t n_items = sizeof item_intent / sizeof item_intent[0], i, k, nr = 0;
    f8k_query_t *rows[8] = {NULL}, *any = NULL;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    qtoks_t t = {0};

    if (info == NULL || info->modern == NULL)
        return F8K_STATUS_SUCCESS;
    for (i = 0; i < n_items && nr < 8 && status == F8K_STATUS_SUCCESS; i++) {
        f8k_query_t *w[3] = {NULL};
        if (strcmp(item_intent[i].item, info->modern) != 0)
            continue;
        for (k = 0; k < 3 && item_intent[i].words[k] != NULL && status == F8K_STATUS_SUCCESS; k++) {
            status = analyze(c->s, item_intent[i].words[k], 0, &t);
            if (status == F8K_STATUS_SUCCESS && t.n == 1)
                status = stem_some(c, &t.v[0], &w[k]);
        }
        if (status == F8K_STATUS_SUCCESS)
            status = combine(F8K_QUERY_AND, w, 3, 0, &rows[nr++]);
        free_all(w, 3);
    }
    if (status == F8K_STATUS_SUCCESS && nr > 0)
        status = combine(F8K_QUERY_OR, rows, nr, 0, &any);
    if (status == F8K_STATUS_SUCCESS)
        status = add_optional(c, q, any);
    free_all(rows, nr);
    f8k_query_free(any);
    free(t.v);
    return status;
}

/*
 * role:X ranks the filings where an officer's appointment, election or
 * departure is reported (the event words the index gives the officers
 * field) above those where an X merely signs: AND_MAYBE(*Q, events).
 */
static f8k_status_t role_events(compiler_t *c, f8k_query_t **q)
{
    static const char *const events[] = {"appointed", "elected", "resigned", "retired",
                                         "terminated"};
    f8k_query_t *qs[5] = {NULL}, *any = NULL;
    size_t i, n = sizeof events / sizeof events[0];
    f8k_status_t status = F8K_STATUS_SUCCESS;
    qtoks_t t = {0};

    for (i = 0; i < n && status == F8K_STATUS_SUCCESS; i++) {
        status = analyze(c->s, events[i], 0, &t);
        if (status == F8K_STATUS_SUCCESS && t.n == 1)
            status = stem_some(c, &t.v[0], &qs[i]);
    }
    if (status == F8K_STATUS_SUCCESS)
        status = combine(F8K_QUERY_SYNONYM, qs, n, 0, &any);
    if (status == F8K_STATUS_SUCCESS)
        status = add_optional(c, q, any);
    free_all(qs, n);
    f8k_query_free(any);
    free(t.v);
    return status;
}

static f8k_status_t compile_field(compiler_t *c, const f8k_qnode_t *n, f8k_query_t **out)
{
    const f8k_qnode_t *v = n->n_children > 0 ? n->children[0] : NULL;
    char term[256];
    f8k_query_t *q = NULL;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    *out = NULL;
    if (v == NULL)
        return bad_query(c, n->start, "field with no value", f8k_qfield_name(n->field));
    if (n->field == F8K_QFIELD_COMPANY)
        return compile_company(c, v, out);
    if (n->field == F8K_QFIELD_OFFICER)
        return compile_officer(c, v, out);
    if (v->text == NULL)
        return bad_query(c, v->start, "this field takes a single value", f8k_qfield_name(n->field));
    status = field_term(c, n, v->text, term, sizeof term);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_query_term(term, 1, 0, &q);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_query_scale_weight(q, 0.0, out);
    f8k_query_free(q);
    if (status == F8K_STATUS_SUCCESS && n->field == F8K_QFIELD_ROLE)
        status = role_events(c, out);
    if (status == F8K_STATUS_SUCCESS && n->field == F8K_QFIELD_ITEM)
        status = item_words(c, v->text, out);
    return status;
}

/*
 * Children of an AND: positives (with runs of plain words that spell a
 * several-word synonym turned into synonym groups) and negatives.
 */
static bool plain_word(const f8k_qnode_t *n)
{
    return n->kind == F8K_QNODE_WORD && n->flags == 0 && n->text != NULL;
}

/* Try a run of plain words at CH[i..]: *len_out words form a synonym. */
static f8k_status_t try_run(compiler_t *c, f8k_qnode_t *const *ch, size_t n, size_t i,
                            size_t *len_out, size_t *group_out, size_t *member_out)
{
    qtoks_t all = {0}, t = {0};
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t k, best = 0;

    *len_out = 0;
    for (k = i; k < n && k - i < 6 && plain_word(ch[k]) && status == F8K_STATUS_SUCCESS; k++) {
        size_t g = 0, m = 0;
        status = node_tokens(c, ch[k], 0, &t);
        if (status != F8K_STATUS_SUCCESS || t.n != 1)
            break;
        if (all.n == all.cap) {
            size_t cap = all.cap ? all.cap * 2 : 8;
            qtok_t *vv = realloc(all.v, cap * sizeof *vv);
            if (vv == NULL) {
                status = F8K_STATUS_NOMEM;
                break;
            }
            all.v = vv;
            all.cap = cap;
        }
        all.v[all.n++] = t.v[0];
        if (all.n >= 2 && find_synonym(c->s, all.v, all.n, &g, &m)) {
            best = all.n;
            *group_out = g;
            *member_out = m;
        }
    }
    *len_out = best;
    free(all.v);
    free(t.v);
    return status;
}

/*
 * Proximity: the words of an AND close together score higher.  For an
 * AND of words and phrases (body text), every combination of the
 * children's spellings (a word, or any member of its synonym group,
 * several words flattened) becomes NEAR(terms, terms + PROXIMITY_SLACK);
 * their MAX (the best combination counts, once: an OR would add up every
 * spelling that happens to be near, favouring long documents that repeat
 * the words in several forms) is added with AND_MAYBE, scaled by
 * PROXIMITY_WEIGHT, so
 * "the appointment of Rose Marcario as Chief Financial Officer"
 * outranks a filing that only mentions the words far apart.  At most
 * PROXIMITY_COMBOS combinations; Xapian's NEAR takes terms only.
 */
#define PROXIMITY_SLACK        5
#define PROXIMITY_WEIGHT       1.0
#define PROXIMITY_COMBOS       12
#define PROXIMITY_MAX_CHILDREN 6

typedef struct alt_list {
    const char *terms[8][8]; /* up to 8 spellings of up to 8 terms */
    size_t len[8];
    size_t n;
    qtoks_t own; /* the child's own tokens (owns the strings) */
} alt_list_t;

static f8k_status_t child_alts(compiler_t *c, const f8k_qnode_t *ch, alt_list_t *a)
{
    size_t g = 0, m = 0, i, k;
    f8k_status_t status = node_tokens(c, ch, 0, &a->own);
    a->n = 0;
    if (status != F8K_STATUS_SUCCESS || a->own.n == 0 || a->own.n > 8)
        return status;
    for (i = 0; i < a->own.n; i++)
        a->terms[0][i] = a->own.v[i].term;
    a->len[0] = a->own.n;
    a->n = 1;
    if (!find_synonym(c->s, a->own.v, a->own.n, &g, &m))
        return F8K_STATUS_SUCCESS;
    for (i = 0; i < c->s->group_sizes[g] && a->n < 8; i++) {
        const search_syn_member_t *mem = &c->s->groups[g][i];
        if (i == m || mem->n > 8)
            continue;
        for (k = 0; k < mem->n; k++)
            a->terms[a->n][k] = mem->terms[k];
        a->len[a->n++] = mem->n;
    }
    return F8K_STATUS_SUCCESS;
}

static f8k_status_t proximity(compiler_t *c, const f8k_qnode_t *n, f8k_query_t **out)
{
    alt_list_t *alts = NULL;
    f8k_query_t *near[PROXIMITY_COMBOS] = {NULL};
    size_t nc = n->n_children, i, k, nn = 0, combos = 1;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    f8k_query_t *any = NULL;

    *out = NULL;
    if (nc < 2 || nc > PROXIMITY_MAX_CHILDREN)
        return F8K_STATUS_SUCCESS;
    for (i = 0; i < nc; i++)
        if (!plain_word(n->children[i]) && n->children[i]->kind != F8K_QNODE_PHRASE)
            return F8K_STATUS_SUCCESS;
    alts = calloc(nc, sizeof *alts);
    if (alts == NULL)
        return F8K_STATUS_NOMEM;
    for (i = 0; i < nc && status == F8K_STATUS_SUCCESS; i++) {
        status = child_alts(c, n->children[i], &alts[i]);
        if (alts[i].n == 0)
            goto done;
        combos *= alts[i].n;
    }
    for (k = 0; k < combos && nn < PROXIMITY_COMBOS && status == F8K_STATUS_SUCCESS; k++) {
        f8k_query_t *terms[64] = {NULL};
        size_t nt = 0, rest = k, j, t;
        for (i = 0; i < nc; i++) {
            size_t pick = rest % alts[i].n;
            rest /= alts[i].n;
            for (t = 0; t < alts[i].len[pick] && nt < 64 && status == F8K_STATUS_SUCCESS; t++)
                status = term_query(NULL, alts[i].terms[pick][t], &terms[nt++]);
        }
        if (status == F8K_STATUS_SUCCESS && nt >= 2)
            status =
                combine(F8K_QUERY_NEAR, terms, nt, (unsigned)nt + PROXIMITY_SLACK, &near[nn++]);
        for (j = 0; j < nt; j++)
            f8k_query_free(terms[j]);
    }
    if (status == F8K_STATUS_SUCCESS && nn > 0)
        status = combine(F8K_QUERY_MAX, near, nn, 0, &any);
    if (status == F8K_STATUS_SUCCESS && any != NULL)
        status = f8k_query_scale_weight(any, PROXIMITY_WEIGHT, out);
done:
    f8k_query_free(any);
    free_all(near, nn);
    for (i = 0; i < nc; i++)
        free(alts[i].own.v);
    free(alts);
    return status;
}

static f8k_status_t compile_and(compiler_t *c, const f8k_qnode_t *n, const char *prefix,
                                f8k_query_t **out)
{
    size_t nc = n->n_children, i, np = 0, nn = 0;
    f8k_query_t **pos = calloc(nc + 1, sizeof *pos);
    f8k_query_t **neg = calloc(nc + 1, sizeof *neg);
    f8k_query_t *p = NULL;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    *out = NULL;
    if (pos == NULL || neg == NULL) {
        status = F8K_STATUS_NOMEM;
        goto done;
    }
    for (i = 0; i < nc && status == F8K_STATUS_SUCCESS; i++) {
        const f8k_qnode_t *ch = n->children[i];
        size_t run = 0, g = 0, m = 0, k;
        if (ch->kind == F8K_QNODE_NOT && ch->n_children > 0) {
            c->negated++;
            status = compile_node(c, ch->children[0], prefix, &neg[nn++]);
            c->negated--;
            continue;
        }
        if (prefix == NULL && plain_word(ch))
            status = try_run(c, n->children, nc, i, &run, &g, &m);
        if (status == F8K_STATUS_SUCCESS && run >= 2) {
            /* OR(AND(words), SYNONYM(phrase of the words, members)). */
            f8k_query_t *words[8] = {NULL}, *loose = NULL, *tight = NULL, *pair[2];
            qtoks_t t = {0}, all = {0};
            for (k = 0; k < run && status == F8K_STATUS_SUCCESS; k++)
                status = compile_word(c, n->children[i + k], NULL, &words[k]);
            if (status == F8K_STATUS_SUCCESS)
                status = combine(F8K_QUERY_AND, words, run, 0, &loose);
            all.v = calloc(run, sizeof *all.v);
            if (all.v == NULL && status == F8K_STATUS_SUCCESS)
                status = F8K_STATUS_NOMEM;
            for (k = 0; k < run && status == F8K_STATUS_SUCCESS; k++) {
                status = node_tokens(c, n->children[i + k], 0, &t);
                if (status == F8K_STATUS_SUCCESS && t.n == 1)
                    all.v[all.n++] = t.v[0];
            }
            if (status == F8K_STATUS_SUCCESS)
                status = phrase_query(NULL, all.v, all.n, &tight);
            if (status == F8K_STATUS_SUCCESS)
                status = expand_group(c, g, m, &tight);
            pair[0] = loose;
            pair[1] = tight;
            if (status == F8K_STATUS_SUCCESS)
                status = combine(F8K_QUERY_OR, pair, 2, 0, &pos[np++]);
            free_all(words, run);
            f8k_query_free(loose);
            f8k_query_free(tight);
            free(t.v);
            free(all.v);
            i += run - 1;
            continue;
        }
        if (status == F8K_STATUS_SUCCESS)
            status = compile_node(c, ch, prefix, &pos[np++]);
    }
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    status = combine(F8K_QUERY_AND, pos, np, 0, &p);
    if (status == F8K_STATUS_SUCCESS && p != NULL && prefix == NULL && nn == 0) {
        f8k_query_t *boost = NULL, *pair[2] = {p, NULL};
        status = proximity(c, n, &boost);
        pair[1] = boost;
        if (status == F8K_STATUS_SUCCESS && boost != NULL) {
            f8k_query_t *both = NULL;
            status = combine(F8K_QUERY_AND_MAYBE, pair, 2, 0, &both);
            f8k_query_free(p);
            p = both;
            c->n_proximity++;
        }
        f8k_query_free(boost);
    }
    if (status == F8K_STATUS_SUCCESS && p == NULL && nn > 0)
        status = f8k_query_match_all(&p);
    if (status == F8K_STATUS_SUCCESS && p != NULL && nn > 0) {
        neg[nn] = NULL;
        memmove(neg + 1, neg, nn * sizeof *neg);
        neg[0] = p;
        p = NULL;
        status = combine(F8K_QUERY_AND_NOT, neg, nn + 1, 0, out);
        nn++;
    } else {
        *out = p;
        p = NULL;
    }
done:
    f8k_query_free(p);
    free_all(pos, np);
    free_all(neg, nn);
    free(pos);
    free(neg);
    return status;
}

static f8k_status_t compile_or(compiler_t *c, const f8k_qnode_t *n, const char *prefix,
                               f8k_query_t **out)
{
    size_t nc = n->n_children, i;
    f8k_query_t **qs = calloc(nc + 1, sizeof *qs);
    f8k_status_t status = F8K_STATUS_SUCCESS;

    *out = NULL;
    if (qs == NULL)
        return F8K_STATUS_NOMEM;
    for (i = 0; i < nc && status == F8K_STATUS_SUCCESS; i++)
        status = compile_node(c, n->children[i], prefix, &qs[i]);
    if (status == F8K_STATUS_SUCCESS)
        status = combine(F8K_QUERY_OR, qs, nc, 0, out);
    free_all(qs, nc);
    free(qs);
    return status;
}

/* children[0] minus children[1..]; a pure NOT (one child): everything but it. */
static f8k_status_t compile_not(compiler_t *c, const f8k_qnode_t *n, const char *prefix,
                                f8k_query_t **out)
{
    size_t nc = n->n_children, i, first = n->kind == F8K_QNODE_NOT ? 0 : 1;
    f8k_query_t **qs = calloc(nc + 2, sizeof *qs);
    f8k_status_t status = F8K_STATUS_SUCCESS;

    *out = NULL;
    if (qs == NULL)
        return F8K_STATUS_NOMEM;
    if (first == 1 && nc > 0)
        status = compile_node(c, n->children[0], prefix, &qs[0]);
    if (status == F8K_STATUS_SUCCESS && qs[0] == NULL)
        status = f8k_query_match_all(&qs[0]);
    c->negated++;
    for (i = first; i < nc && status == F8K_STATUS_SUCCESS; i++)
        status = compile_node(c, n->children[i], prefix, &qs[1 + i - first]);
    c->negated--;
    if (status == F8K_STATUS_SUCCESS)
        status = combine(F8K_QUERY_AND_NOT, qs, 1 + nc - first, 0, out);
    free_all(qs, nc + 2);
    free(qs);
    return status;
}

static f8k_status_t compile_node(compiler_t *c, const f8k_qnode_t *n, const char *prefix,
                                 f8k_query_t **out)
{
    *out = NULL;
    switch (n->kind) {
    case F8K_QNODE_AND:
        return compile_and(c, n, prefix, out);
    case F8K_QNODE_OR:
        return compile_or(c, n, prefix, out);
    case F8K_QNODE_NOT:
    case F8K_QNODE_AND_NOT:
        return compile_not(c, n, prefix, out);
    case F8K_QNODE_NEAR:
        return compile_near(c, n, prefix, out);
    case F8K_QNODE_PHRASE:
        return compile_phrase(c, n, prefix, out);
    case F8K_QNODE_WORD:
        return compile_word(c, n, prefix, out);
    case F8K_QNODE_FIELD:
        if (prefix != NULL)
            return bad_query(c, n->start, "a field inside a text field", NULL);
        return compile_field(c, n, out);
    case F8K_QNODE_DATE_RANGE:
        return f8k_query_value_range(
            n->field == F8K_QFIELD_REPORTED ? F8K_SLOT_REPORTED : F8K_SLOT_DATE, n->lo, n->hi, out);
    }
    return F8K_STATUS_INTERNAL;
}

/* ------------------------------------------------------------------ */
/* Ranking boosts.                                                      */
/* ------------------------------------------------------------------ */

/* Documents indexed by boolean TERM, each weighing WEIGHT. */
static f8k_status_t boost_term(const char *term, double weight, f8k_query_t **out)
{
    f8k_query_t *qs[2] = {NULL, NULL};
    f8k_status_t status = f8k_query_fixed_weight(weight, &qs[0]);
    *out = NULL;
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_query_term(term, 1, 0, &qs[1]);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_query_combine(F8K_QUERY_FILTER, (const f8k_query_t *const *)qs, 2, 0, out);
    free_all(qs, 2);
    return status;
}

/* Whether the query's words include WORD (by stem, else by term). */
static bool query_has_word(compiler_t *c, const char *word)
{
    qtoks_t t = {0};
    size_t i;
    bool found = false;
    if (analyze(c->s, word, 0, &t) != F8K_STATUS_SUCCESS || t.n != 1) {
        free(t.v);
        return false;
    }
    for (i = 0; i < c->words.n && !found; i++) {
        const qtok_t *w = &c->words.v[i];
        found = strcmp(w->term, t.v[0].term) == 0 ||
                (w->stem[0] != '\0' && strcmp(w->stem, t.v[0].stem) == 0);
    }
    free(t.v);
    return found;
}

/* Words of an officer's arrival (words_in) and departure (words_out). */
static const char *const words_in[] = {"appoint", "elect",   "hire", "join",
                                       "promote", "succeed", NULL};
static const char *const words_out[] = {"resign", "retire",  "depart", "terminate", "death",
                                        "die",    "dismiss", "leave",  "step",      NULL};

/* Whether the query's words include one of WORDS (NULL-terminated). */
static bool query_has_any(compiler_t *c, const char *const *words)
{
    for (; *words != NULL; words++)
        if (query_has_word(c, *words))
            return true;
    return false;
}

/*
 * AND_MAYBE(*Q, boosts): the filings of the officer roles the query
 * names (XRO) and of the items its words point at (XM), each a constant
 * weight.  Never changes what matches, only the order.
 */
static f8k_status_t add_boosts(compiler_t *c, f8k_query_t **q)
{
    size_t n_items = sizeof item_intent / sizeof item_intent[0];
    f8k_query_t **qs = calloc(1 + 3 * c->n_roles + n_items, sizeof *qs);
    f8k_query_t *out = NULL;
    const char *last_item = "";
    size_t n = 0, i, k;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    char term[64];

    if (qs == NULL)
        return F8K_STATUS_NOMEM;
    qs[n++] = *q;
    for (i = 0; i < c->n_roles && status == F8K_STATUS_SUCCESS; i++) {
        snprintf(term, sizeof term, "XRO%s", c->roles[i]);
        status = boost_term(term, ROLE_BOOST, &qs[n++]);
        for (k = 0; k < 2 && status == F8K_STATUS_SUCCESS; k++) {
            if (!query_has_any(c, k == 0 ? words_in : words_out))
                continue;
            snprintf(term, sizeof term, "XOE%s:%s", c->roles[i], k == 0 ? "in" : "out");
            status = boost_term(term, EVENT_BOOST, &qs[n++]);
        }
    }
    /* Rows of one item are adjacent: each item is boosted once. */
    for (i = 0; i < n_items && status == F8K_STATUS_SUCCESS; i++) {
        bool all = strcmp(item_intent[i].item, last_item) != 0;
        for (k = 0; k < 3 && item_intent[i].words[k] != NULL && all; k++)
            all = query_has_word(c, item_intent[i].words[k]);
        if (!all)
            continue;
        last_item = item_intent[i].item;
        snprintf(term, sizeof term, "XM%s", item_intent[i].item);
        status = boost_term(term, ITEM_BOOST, &qs[n++]);
    }
    if (status == F8K_STATUS_SUCCESS && n > 1) {
        status = f8k_query_combine(F8K_QUERY_AND_MAYBE, (const f8k_query_t *const *)qs, n, 0, &out);
        c->n_optional++;
    }
    if (out != NULL) {
        f8k_query_free(*q);
        *q = out;
    }
    free_all(qs + 1, n - 1);
    free(qs);
    return status;
}

f8k_status_t search_compile(f8k_search_t *search, const f8k_qnode_t *root, search_highlight_t *hl,
                            f8k_query_t **query_out, bool *exhaustive_out,
                            f8k_qparse_error_t *error_out)
{
    compiler_t c = {search, hl, error_out, 0, 0, {NULL}, 0, {NULL, 0, 0}, 0, 0};
    f8k_query_t *q = NULL;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    if (query_out != NULL)
        *query_out = NULL;
    if (search == NULL || query_out == NULL)
        return F8K_STATUS_INVALID_ARG;
    if (error_out != NULL) {
        error_out->position = 0;
        error_out->message[0] = '\0';
    }
    status = build_synonyms(search);
    if (status == F8K_STATUS_SUCCESS && root != NULL)
        status = compile_node(&c, root, NULL, &q);
    if (status == F8K_STATUS_SUCCESS && q != NULL)
        status = add_boosts(&c, &q);
    /* Nothing to search for (no query, or only punctuation): everything. */
    if (status == F8K_STATUS_SUCCESS && q == NULL) {
        if (root == NULL)
            status = f8k_query_match_all(&q);
        else
            status = f8k_query_match_nothing(&q);
    }
    free(c.words.v);
    if (status != F8K_STATUS_SUCCESS) {
        f8k_query_free(q);
        q = NULL;
    }
    /*
     * xapian-core 1.4.22 loses filings from the top of a page when a
     * proximity branch (a MAX of NEARs) and another optional branch are
     * in one query and the matcher prunes by weight: nested either way
     * (the binding never builds them flat, which weighs wrongly).  Such
     * queries are ranked over every match: a few milliseconds more on
     * the corpus.  tests/test_search_corpus.c checks a page of ten
     * against the full ranking for many queries.
     */
    if (exhaustive_out != NULL)
        *exhaustive_out = c.n_proximity > 0 && c.n_optional > 0;
    *query_out = q;
    return status;
}

f8k_status_t f8k_search_compile(f8k_search_t *search, const f8k_qnode_t *root,
                                f8k_query_t **query_out, f8k_qparse_error_t *error_out)
{
    return search_compile(search, root, NULL, query_out, NULL, error_out);
}

/* ------------------------------------------------------------------ */
/* Filters (the --company ... options).                                 */
/* ------------------------------------------------------------------ */

bool search_parse_date(const char *text, bool end, char out[9])
{
    static const char *const last_day[] = {"31", "28", "31", "30", "31", "30",
                                           "31", "31", "30", "31", "30", "31"};
    size_t len = text != NULL ? strlen(text) : 0;
    int month = 0;
    if (len != 4 && len != 7 && len != 10)
        return false;
    if (!isdigit((unsigned char)text[0]) || !isdigit((unsigned char)text[1]) ||
        !isdigit((unsigned char)text[2]) || !isdigit((unsigned char)text[3]))
        return false;
    memcpy(out, text, 4);
    if (len == 4) {
        memcpy(out + 4, end ? "1231" : "0101", 4);
        out[8] = '\0';
        return true;
    }
    if (text[4] != '-' || !isdigit((unsigned char)text[5]) || !isdigit((unsigned char)text[6]))
        return false;
    month = (text[5] - '0') * 10 + (text[6] - '0');
    if (month < 1 || month > 12)
        return false;
    memcpy(out + 4, text + 5, 2);
    if (len == 7) {
        const char *d = end ? last_day[month - 1] : "01";
        int year = atoi(text);
        if (end && month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
            d = "29";
        memcpy(out + 6, d, 2);
        out[8] = '\0';
        return true;
    }
    if (text[7] != '-' || !isdigit((unsigned char)text[8]) || !isdigit((unsigned char)text[9]))
        return false;
    memcpy(out + 6, text + 8, 2);
    out[8] = '\0';
    return strcmp(out + 6, "01") >= 0 && strcmp(out + 6, "31") <= 0;
}

f8k_status_t search_compile_filters(f8k_search_t *search, const f8k_search_options_t *options,
                                    f8k_query_t **query_out, f8k_qparse_error_t *error_out)
{
    struct {
        const char *value;
        f8k_qfield_t field;
        const char *option;
    } fields[] = {
        {options->company, F8K_QFIELD_COMPANY, "--company"},
        {options->cik, F8K_QFIELD_CIK, "--cik"},
        {options->item, F8K_QFIELD_ITEM, "--item"},
        {options->form, F8K_QFIELD_FORM, "--form"},
        {options->officer, F8K_QFIELD_OFFICER, "--officer"},
        {options->exhibit, F8K_QFIELD_EXHIBIT, "--exhibit"},
    };
    size_t nf = sizeof fields / sizeof fields[0], i, n = 0;
    f8k_query_t *qs[8] = {NULL};
    compiler_t c = {search, NULL, error_out, 0, 0, {NULL}, 0, {NULL, 0, 0}, 0, 0};
    char lo[9], hi[9];
    f8k_status_t status = build_synonyms(search);

    *query_out = NULL;
    for (i = 0; i < nf && status == F8K_STATUS_SUCCESS; i++) {
        f8k_qnode_t word = {0}, field = {0};
        f8k_qnode_t *children[1] = {&word};
        if (fields[i].value == NULL)
            continue;
        word.kind = F8K_QNODE_WORD;
        word.text = (char *)fields[i].value;
        field.kind = F8K_QNODE_FIELD;
        field.field = fields[i].field;
        field.n_children = 1;
        field.children = children;
        status = compile_field(&c, &field, &qs[n]);
        if (status == F8K_STATUS_BAD_QUERY && error_out != NULL) {
            char msg[sizeof error_out->message];
            snprintf(msg, sizeof msg, "%s: %.140s", fields[i].option, error_out->message);
            snprintf(error_out->message, sizeof error_out->message, "%s", msg);
            error_out->position = 0;
        }
        if (status == F8K_STATUS_SUCCESS && qs[n] == NULL)
            status = f8k_query_match_nothing(&qs[n]);
        n++;
    }
    if (status == F8K_STATUS_SUCCESS && (options->from != NULL || options->to != NULL)) {
        bool ok = true;
        if (options->from != NULL)
            ok = search_parse_date(options->from, false, lo);
        if (ok && options->to != NULL)
            ok = search_parse_date(options->to, true, hi);
        if (!ok)
            status = bad_query(&c, 0, "--from/--to take YYYY, YYYY-MM or YYYY-MM-DD",
                               options->from != NULL && !search_parse_date(options->from, false, lo)
                                   ? options->from
                                   : options->to);
        else
            status = f8k_query_value_range(F8K_SLOT_DATE, options->from ? lo : NULL,
                                           options->to ? hi : NULL, &qs[n++]);
    }
    if (status == F8K_STATUS_SUCCESS && n > 0)
        status = combine(F8K_QUERY_AND, qs, n, 0, query_out);
    free_all(qs, n);
    free(c.words.v);
    return status;
}
