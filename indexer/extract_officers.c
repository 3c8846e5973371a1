/*
 * extract_officers.c - people named with an officer or director role
 * and what happened to them: signature blocks ("/s/ Judi Irving",
 * "Chief Executive Officer") and event sentences ("announced the
 * appointment of Rose Marcario as Chief Financial Officer").
 *
 * The text is cut into sentences (bounded length) and each sentence
 * into at most MAX_TOKENS tokens; every rule looks at a bounded window
 * of tokens, so the work is linear in the length of the text.  Where in
 * doubt (no role, no clear person) nothing is emitted: precision over
 * recall.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract-private.h"

#define MAX_TOKENS     256
#define MAX_KNOWN      64
#define NAME_BYTES     96
#define ROLE_WINDOW    14 /* tokens searched for a role after a name or event */
#define SUBJECT_WINDOW 20 /* tokens searched back for the subject of an event */

typedef struct tok {
    size_t s;       /* offset in the sentence buffer */
    size_t len;     /* bytes */
    unsigned lists; /* LIST_* bits: the word lists the token is in */
    int trigger;    /* index in triggers[] of the token's word, -1 if none */
} tok_t;

typedef struct sentence {
    char buf[EXTRACT_SENTENCE_BYTES + 1];
    char low[EXTRACT_SENTENCE_BYTES + 1]; /* buf in ASCII lower case, set by tokenize() */
    size_t len;
    tok_t tok[MAX_TOKENS];
    size_t n;
} sentence_t;

typedef struct name_span {
    size_t a, b;           /* tokens [a, b) */
    char name[NAME_BYTES]; /* "Rose Marcario" */
} name_span_t;

typedef struct ctx {
    f8k_officer_t **officers;
    size_t *n;
    size_t *cap;
    char known[MAX_KNOWN][NAME_BYTES]; /* full names seen, for "Mr. Smith" */
    size_t n_known;
    sentence_t sent;
} ctx_t;

/* ------------------------------------------------------------------ */
/* Word lists.                                                         */
/* ------------------------------------------------------------------ */

/* Capitalised words that are never part of a personal name. */
static const char *const not_name_words[] = {
    "the",
    "a",
    "an",
    "and",
    "of",
    "for",
    "to",
    "in",
    "on",
    "at",
    "by",
    "with",
    "as",
    "is",
    "was",
    "be",
    "has",
    "have",
    "had",
    "will",
    "would",
    "effective",
    "company",
    "company's",
    "corporation",
    "inc",
    "corp",
    "co",
    "llc",
    "llp",
    "ltd",
    "lp",
    "bank",
    "bancorp",
    "group",
    "holdings",
    "holding",
    "board",
    "directors",
    "director",
    "chief",
    "executive",
    "officer",
    "officers",
    "financial",
    "operating",
    "president",
    "vice",
    "senior",
    "chairman",
    "chairwoman",
    "chair",
    "treasurer",
    "secretary",
    "controller",
    "counsel",
    "general",
    "principal",
    "accounting",
    "item",
    "items",
    "form",
    "exhibit",
    "section",
    "act",
    "securities",
    "exchange",
    "commission",
    "press",
    "release",
    "news",
    "report",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "new",
    "also",
    "upon",
    "after",
    "following",
    "prior",
    "during",
    "since",
    "this",
    "that",
    "these",
    "those",
    "there",
    "he",
    "she",
    "his",
    "her",
    "they",
    "we",
    "our",
    "its",
    "it",
    "i",
    "annual",
    "meeting",
    "stockholders",
    "shareholders",
    "audit",
    "committee",
    "compensation",
    "nominating",
    "governance",
    "agreement",
    "employment",
    "plan",
    "stock",
    "incentive",
    "america",
    "american",
    "united",
    "states",
    "national",
    "international",
    "technologies",
    "technology",
    "systems",
    "services",
    "global",
    "capital",
    "partners",
    "trust",
    "fund",
    "associates",
    "industries",
    "resources",
    "energy",
    "pharmaceuticals",
    "communications",
    "street",
    "avenue",
    "suite",
    "road",
    "drive",
    "boulevard",
    "date",
    "dated",
    "signature",
    "signatures",
    "by",
    "name",
    "title",
    "pursuant",
    "registrant",
    "interim",
    "acting",
    "assistant",
    "mr",
    "ms",
    "mrs",
    "dr",
    "messrs",
    "if",
    "when",
    "while",
    "although",
    "because",
    "however",
    "further",
    "furthermore",
    "additionally",
    "in",
    "all",
    "each",
    "both",
    "such",
    "any",
    "other",
    "no",
    "not",
    "one",
    "two",
    "three",
    "first",
    "second",
    "as",
    "from",
    "until",
    "about",
    "over",
    "under",
    "before",
    "between",
    "within",
    "without",
    "through",
    "corporate",
    "management",
    "operations",
    "sales",
    "marketing",
    "finance",
    "human",
    "legal",
    "development",
    "research",
    "products",
    "product",
    "division",
    "university",
    "school",
    "college",
    "institute",
    "association",
    "foundation",
    "center",
    "county",
    "city",
    "state",
    "federal",
    "court",
    "department",
    "office",
    "exhibits",
    "statements",
    "information",
    "regulation",
    "fd",
    "disclosure",
    "events",
    "other",
    "certain",
    "appointment",
    "election",
    "departure",
    "resignation",
    "retirement",
    "tel",
    "telephone",
    "fax",
    "email",
    "ceo",
    "cfo",
    "coo",
    "usa",
    "u.s",
    "nasdaq",
    "nyse",
    "standard",
    "poor's",
    "moody's",
    "deloitte",
    "kpmg",
    "pricewaterhousecoopers",
    "attorney",
    "attorneys",
    "fact",
    "esq",
    "phd",
    "cpa",
    "dear",
};

static const char *const company_words[] = {
    "inc",   "inc.", "corp",       "corp.", "corporation", "company", "co.",      "llc",
    "llp",   "l.p.", "ltd",        "ltd.",  "bank",        "group",   "holdings", "partners",
    "trust", "fund", "associates", "&",     "n.a.",        "plc",     "s.a.",     "ag",
};

static const char *const suffixes[] = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"};

static const char *const honorifics[] = {"mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr."};

/* Words that may be part of an officer title. */
static const char *const role_words[] = {
    "chief",
    "executive",
    "officer",
    "financial",
    "operating",
    "accounting",
    "principal",
    "president",
    "vice",
    "vice-president",
    "senior",
    "evp",
    "svp",
    "chairman",
    "chairwoman",
    "chairperson",
    "chair",
    "director",
    "directors",
    "treasurer",
    "secretary",
    "controller",
    "comptroller",
    "general",
    "counsel",
    "ceo",
    "cfo",
    "coo",
    "and",
    "&",
    "of",
    "the",
    "board",
    "interim",
    "acting",
    "assistant",
    "legal",
    "co-chairman",
    "co-chief",
    "lead",
    "independent",
    "non-executive",
    "administrative",
    "technology",
    "information",
    "investment",
    "marketing",
    "sales",
    "human",
    "resources",
    "strategy",
    "development",
    "commercial",
    "medical",
    "scientific",
    "risk",
    "credit",
    "first",
    "deputy",
    "associate",
    "finance",
};

/* Events, and whether the person follows the word (object) or precedes it. */
typedef struct trigger {
    const char *word;
    f8k_officer_event_t event;
    int object; /* 1: "appointment of X", "appointed X"; 0: subject only */
} trigger_t;

static const trigger_t triggers[] = {
    {"appoint", F8K_EVENT_APPOINTED, 1},
    {"appoints", F8K_EVENT_APPOINTED, 1},
    {"appointed", F8K_EVENT_APPOINTED, 1},
    {"appointment", F8K_EVENT_APPOINTED, 1},
    {"named", F8K_EVENT_APPOINTED, 1},
    {"names", F8K_EVENT_APPOINTED, 1},
    {"promoted", F8K_EVENT_APPOINTED, 1},
    {"promotion", F8K_EVENT_APPOINTED, 1},
    {"hired", F8K_EVENT_APPOINTED, 1},
    {"elected", F8K_EVENT_ELECTED, 1},
    {"elect", F8K_EVENT_ELECTED, 1},
    {"elects", F8K_EVENT_ELECTED, 1},
    {"election", F8K_EVENT_ELECTED, 1},
    {"re-elected", F8K_EVENT_ELECTED, 1},
    {"reelected", F8K_EVENT_ELECTED, 1},
    {"resigned", F8K_EVENT_RESIGNED, 0},
    {"resigns", F8K_EVENT_RESIGNED, 0},
    {"resign", F8K_EVENT_RESIGNED, 0},
    {"resignation", F8K_EVENT_RESIGNED, 1},
    {"resigning", F8K_EVENT_RESIGNED, 0},
    {"retire", F8K_EVENT_RETIRED, 0},
    {"retired", F8K_EVENT_RETIRED, 0},
    {"retires", F8K_EVENT_RETIRED, 0},
    {"retirement", F8K_EVENT_RETIRED, 1},
    {"retiring", F8K_EVENT_RETIRED, 0},
    {"terminated", F8K_EVENT_TERMINATED, 1},
    {"termination", F8K_EVENT_TERMINATED, 1},
    {"removed", F8K_EVENT_TERMINATED, 1},
    {"dismissed", F8K_EVENT_TERMINATED, 1},
    {"died", F8K_EVENT_DIED, 0},
    {"death", F8K_EVENT_DIED, 1},
    {"passed", F8K_EVENT_DIED, 0},
    {"step", F8K_EVENT_RESIGNED, 0},
    {"steps", F8K_EVENT_RESIGNED, 0},
    {"stepped", F8K_EVENT_RESIGNED, 0},
    {"stepping", F8K_EVENT_RESIGNED, 0},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Token helpers.                                                      */
/* ------------------------------------------------------------------ */

static const char *tptr(const sentence_t *st, size_t i)
{
    return st->buf + st->tok[i].s;
}

/*
 * Every word of the lists above, in one hash table built once: a token
 * is looked up when the sentence is tokenized, so each rule tests a bit
 * instead of comparing the token with every word of a list.
 */
enum {
    LIST_NOT_NAME = 1u << 0,
    LIST_COMPANY = 1u << 1,
    LIST_SUFFIX = 1u << 2,
    LIST_HONORIFIC = 1u << 3,
    LIST_ROLE = 1u << 4,
};

#define WORD_TABLE_SIZE 1024 /* a power of two, over twice the words */
#define WORD_MAX_BYTES  32   /* longer tokens are in no list */

typedef struct word_entry {
    const char *word; /* NULL: empty slot */
    size_t len;
    unsigned lists; /* LIST_* */
    int trigger;    /* index in triggers[], -1 when none */
} word_entry_t;

static word_entry_t word_table[WORD_TABLE_SIZE];
static pthread_once_t word_table_once = PTHREAD_ONCE_INIT;

static size_t word_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t k = 0; k < len; k++)
        h = (h ^ (unsigned char)s[k]) * 16777619u;
    return h & (WORD_TABLE_SIZE - 1);
}

/* The entry of lower-case S (LEN bytes), or NULL. */
static const word_entry_t *word_find(const char *s, size_t len)
{
    for (size_t h = word_hash(s, len);; h = (h + 1) & (WORD_TABLE_SIZE - 1)) {
        const word_entry_t *e = &word_table[h];
        if (!e->word)
            return NULL;
        if (e->len == len && memcmp(e->word, s, len) == 0)
            return e;
    }
}

static word_entry_t *word_add(const char *w)
{
    size_t len = strlen(w);
    size_t h = word_hash(w, len);
    while (word_table[h].word &&
           !(word_table[h].len == len && memcmp(word_table[h].word, w, len) == 0))
        h = (h + 1) & (WORD_TABLE_SIZE - 1);
    if (!word_table[h].word) {
        word_table[h].word = w;
        word_table[h].len = len;
        word_table[h].trigger = -1;
    }
    return &word_table[h];
}

static void add_list(const char *const *list, size_t n, unsigned bit)
{
    for (size_t k = 0; k < n; k++)
        word_add(list[k])->lists |= bit;
}

static void word_table_init(void)
{
    add_list(not_name_words, COUNT(not_name_words), LIST_NOT_NAME);
    add_list(company_words, COUNT(company_words), LIST_COMPANY);
    add_list(suffixes, COUNT(suffixes), LIST_SUFFIX);
    add_list(honorifics, COUNT(honorifics), LIST_HONORIFIC);
    add_list(role_words, COUNT(role_words), LIST_ROLE);
    for (size_t k = COUNT(triggers); k-- > 0;)
        word_add(triggers[k].word)->trigger = (int)k; /* the first of a word wins */
}

/*
 * Set the lists and trigger of token I: the words it equals
 * (case-insensitive), and those it equals without a final '.' when
 * the word does not end in '.' ("Inc." is "inc" and "inc.").
 */
static void classify(sentence_t *st, size_t i)
{
    tok_t *t = &st->tok[i];
    const char *p = st->low + t->s;
    const word_entry_t *e = NULL;
    t->lists = 0;
    t->trigger = -1;
    if (t->len > WORD_MAX_BYTES)
        return;
    e = word_find(p, t->len);
    if (e) {
        t->lists |= e->lists;
        t->trigger = e->trigger;
    }
    if (t->len > 1 && p[t->len - 1] == '.' && p[t->len - 2] != '.') {
        e = word_find(p, t->len - 1);
        if (e) {
            t->lists |= e->lists;
            if (t->trigger < 0)
                t->trigger = e->trigger;
        }
    }
}

/*
 * Does token I equal W (WL bytes, lower case; case-insensitive),
 * ignoring a final '.'?
 */
static int tok_eq(const sentence_t *st, size_t i, const char *w, size_t wl)
{
    size_t l = st->tok[i].len;
    const char *p = st->low + st->tok[i].s;
    if (l > 1 && p[l - 1] == '.' && w[wl - 1] != '.')
        l--;
    return l == wl && memcmp(p, w, l) == 0;
}

/* tok_is(st, i, "word"): W a lower-case string literal. */
#define tok_is(st, i, w) tok_eq((st), (i), "" w "", sizeof(w) - 1)

/* Is token I in a list (LIST_* bits)? */
static int tok_in(const sentence_t *st, size_t i, unsigned lists)
{
    return (st->tok[i].lists & lists) != 0;
}

static int tok_punct(const sentence_t *st, size_t i, char c)
{
    return st->tok[i].len == 1 && tptr(st, i)[0] == c;
}

/* "J." or "J": a middle or first initial. */
static int is_initial(const sentence_t *st, size_t i)
{
    const char *p = tptr(st, i);
    size_t l = st->tok[i].len;
    return isupper((unsigned char)p[0]) && (l == 1 || (l == 2 && p[1] == '.'));
}

/*
 * A capitalised name word: "Marcario", "McDonald", "O'Brien",
 * "Smith-Jones"; "IRVING" only when ALLOW_CAPS (signature blocks).
 */
static int is_name_word(const sentence_t *st, size_t i, int allow_caps)
{
    const char *p = tptr(st, i);
    size_t l = st->tok[i].len;
    int lower = 0, upper = 0;
    if (l < 2 || !isupper((unsigned char)p[0]))
        return 0;
    for (size_t k = 0; k < l; k++) {
        unsigned char c = (unsigned char)p[k];
        if (islower(c))
            lower++;
        else if (isupper(c))
            upper++;
        else if (c != '\'' && c != '-' && !(c == '.' && k == l - 1 && l <= 3))
            return 0;
    }
    if (p[l - 1] == '.' && l > 3)
        return 0;
    if (!lower && !allow_caps)
        return 0;
    if (tok_in(st, i, LIST_NOT_NAME))
        return 0;
    return 1;
}

/*
 * A personal name starting at token I: optional honorific, 2-4 words
 * (initials allowed, not last), optional suffix.  A lone surname after
 * an honorific is resolved against names seen before.  Returns 1 and
 * fills OUT.
 */
static int match_name(ctx_t *c, const sentence_t *st, size_t i, int allow_caps, name_span_t *out)
{
    size_t j = i, words = 0, real = 0, len = 0;
    int honor = 0, last_initial = 0;
    char name[NAME_BYTES];

    if (j < st->n && tok_in(st, j, LIST_HONORIFIC)) {
        honor = 1;
        j++;
    }
    name[0] = '\0';
    while (j < st->n && words < 5) {
        int initial = is_initial(st, j);
        if (!initial && !is_name_word(st, j, allow_caps))
            break;
        if (words > 0 && tok_in(st, j, LIST_SUFFIX))
            break;
        len += (size_t)snprintf(name + len, len < sizeof name ? sizeof name - len : 0, "%s%.*s",
                                words ? " " : "", (int)st->tok[j].len, tptr(st, j));
        if (len >= sizeof name)
            return 0;
        words++;
        real += !initial;
        last_initial = initial;
        j++;
    }
    if (words == 0 || words > 4 || last_initial)
        return 0;
    /* Suffix: "John Smith, Jr." or "John Smith Jr." */
    if (j < st->n && real >= 2 && tok_in(st, j, LIST_SUFFIX)) {
        len += (size_t)snprintf(name + len, sizeof name - len, " %.*s", (int)st->tok[j].len,
                                tptr(st, j));
        j++;
    } else if (j + 1 < st->n && real >= 2 && tok_punct(st, j, ',') &&
               tok_in(st, j + 1, LIST_SUFFIX)) {
        len += (size_t)snprintf(name + len, sizeof name - len, " %.*s", (int)st->tok[j + 1].len,
                                tptr(st, j + 1));
        j += 2;
    }
    if (len >= sizeof name)
        return 0;
    /* "Smith Barney Inc.", "Ernst & Young": companies, not people. */
    if (j < st->n && tok_in(st, j, LIST_COMPANY))
        return 0;
    if (real >= 2 || (real == 1 && words >= 3)) {
        snprintf(out->name, sizeof out->name, "%s", name);
    } else if (honor && real == 1 && words == 1) {
        int found = 0;
        for (size_t k = c->n_known; k-- > 0 && !found;) {
            const char *sp = strrchr(c->known[k], ' ');
            const char *last = sp ? sp + 1 : c->known[k];
            /* "John Smith Jr." ends in a suffix: compare the word before. */
            if (strcasecmp(last, name) == 0) {
                snprintf(out->name, sizeof out->name, "%s", c->known[k]);
                found = 1;
            } else if (sp && sp > c->known[k]) {
                const char *sp2 = sp - 1;
                while (sp2 > c->known[k] && *sp2 != ' ')
                    sp2--;
                size_t l2 = (size_t)(sp - sp2) - (*sp2 == ' ');
                if (strlen(name) == l2 && strncasecmp(sp2 + (*sp2 == ' '), name, l2) == 0) {
                    snprintf(out->name, sizeof out->name, "%s", c->known[k]);
                    found = 1;
                }
            }
        }
        if (!found)
            return 0;
    } else {
        return 0;
    }
    out->a = i;
    out->b = j;
    return 1;
}

static void remember_name(ctx_t *c, const char *name)
{
    for (size_t k = 0; k < c->n_known; k++)
        if (strcasecmp(c->known[k], name) == 0)
            return;
    if (c->n_known == MAX_KNOWN) {
        memmove(c->known[0], c->known[1], (MAX_KNOWN - 1) * sizeof c->known[0]);
        c->n_known--;
    }
    snprintf(c->known[c->n_known++], NAME_BYTES, "%s", name);
}

/* ------------------------------------------------------------------ */
/* Roles.                                                              */
/* ------------------------------------------------------------------ */

typedef struct role_span {
    size_t a, b;
    const char *code;
    char text[NAME_BYTES];
} role_span_t;

static int is_role_word(const sentence_t *st, size_t i)
{
    return tok_in(st, i, LIST_ROLE);
}

/* Role codes, most senior first (the order of f8k_role_normalise). */
static const char *const role_rank[] = {
    "ceo",       "cfo",       "coo",        "president", "chairman", "director", "general_counsel",
    "treasurer", "secretary", "controller", "other"};

static size_t code_rank(const char *code)
{
    for (size_t k = 0; k < COUNT(role_rank); k++)
        if (strcmp(role_rank[k], code) == 0)
            return k;
    return COUNT(role_rank);
}

/* A separator inside a title: "Vice President, General Counsel", "President/CEO". */
static int title_separator(const sentence_t *st, size_t i)
{
    return tok_punct(st, i, ',') || tok_punct(st, i, '-') || tok_punct(st, i, '/');
}

/* A filler word that cannot end or start a title. */
static int title_glue(const sentence_t *st, size_t i)
{
    return tok_is(st, i, "and") || tok_is(st, i, "of") || tok_is(st, i, "the") ||
           tok_is(st, i, "&") || title_separator(st, i);
}

/*
 * The code of title tokens [A, B): each part between separators and
 * "and" is normalised on its own, and the most senior part wins; an
 * "Assistant" or "Associate" part ("Associate General Counsel") only
 * counts when nothing else does.
 */
static const char *title_code(const sentence_t *st, size_t a, size_t b)
{
    const char *best = NULL, *fallback = NULL;
    size_t p = a;
    while (p < b) {
        size_t q = p;
        while (q < b && !title_separator(st, q) && !tok_is(st, q, "and") && !tok_is(st, q, "&"))
            q++;
        if (q > p) {
            size_t s = st->tok[p].s, e = st->tok[q - 1].s + st->tok[q - 1].len;
            const char *code = f8k_role_normalise(st->buf + s, e - s, NULL);
            int assistant =
                tok_is(st, p, "assistant") || tok_is(st, p, "associate") || tok_is(st, p, "deputy");
            if (code && assistant && (!fallback || code_rank(code) < code_rank(fallback)))
                fallback = code;
            else if (code && !assistant && (!best || code_rank(code) < code_rank(best)))
                best = code;
        }
        p = q + 1;
    }
    if (!best)
        best = fallback;
    if (!best) {
        size_t s = st->tok[a].s, e = st->tok[b - 1].s + st->tok[b - 1].len;
        best = f8k_role_normalise(st->buf + s, e - s, NULL);
    }
    return best;
}

/*
 * A role phrase starting at token I ("Senior Vice President and Chief
 * Financial Officer", "Vice President, General Counsel and Secretary",
 * "a director", "the Board of Directors").
 */
static int match_role(const sentence_t *st, size_t i, role_span_t *out)
{
    size_t j = i;
    if (i >= st->n || !is_role_word(st, i) || title_glue(st, i))
        return 0;
    while (j < st->n && j - i < 24) {
        if (is_role_word(st, j)) {
            j++;
        } else if (title_separator(st, j) && j + 1 < st->n &&
                   ((is_role_word(st, j + 1) && !title_glue(st, j + 1)) ||
                    (tok_is(st, j + 1, "and") && j + 2 < st->n && is_role_word(st, j + 2) &&
                     !title_glue(st, j + 2)))) {
            j++;
        } else {
            break;
        }
    }
    while (j > i && title_glue(st, j - 1))
        j--;
    size_t s = st->tok[i].s, e = st->tok[j - 1].s + st->tok[j - 1].len;
    const char *code = title_code(st, i, j);
    int board_only = j - i == 1 && tok_is(st, i, "board");
    if (board_only) {
        /* "joined the Board", "a member of the Company's Board". */
        for (size_t k = i >= 5 ? i - 5 : 0; k < i; k++)
            if (tok_is(st, k, "to") || tok_is(st, k, "from") || tok_is(st, k, "on") ||
                tok_is(st, k, "join") || tok_is(st, k, "joined") || tok_is(st, k, "member"))
                code = "director";
    }
    if (!code)
        return 0;
    if (strcmp(code, "other") == 0) {
        int ok = 0;
        for (size_t k = i; k < j; k++)
            ok |=
                tok_is(st, k, "vice") || tok_is(st, k, "vice-president") || tok_is(st, k, "chief");
        if (!ok)
            return 0;
    }
    out->a = i;
    out->b = j;
    out->code = code;
    snprintf(out->text, sizeof out->text, "%.*s", (int)(e - s), st->buf + s);
    return 1;
}

/* ------------------------------------------------------------------ */
/* Output.                                                             */
/* ------------------------------------------------------------------ */

static f8k_status_t emit(ctx_t *c, const char *name, const char *code, const char *role_text,
                         f8k_officer_event_t event)
{
    f8k_officer_t *o = NULL;
    const char *display = f8k_role_display_name(code);
    for (size_t k = 0; k < *c->n; k++) {
        o = &(*c->officers)[k];
        if (o->event == event && strcmp(o->role_code, code) == 0 && strcasecmp(o->name, name) == 0)
            return F8K_STATUS_SUCCESS;
    }
    if (*c->n == *c->cap) {
        size_t ncap = *c->cap ? *c->cap * 2 : 4;
        f8k_officer_t *grown = realloc(*c->officers, ncap * sizeof *grown);
        if (!grown)
            return F8K_STATUS_NOMEM;
        *c->officers = grown;
        *c->cap = ncap;
    }
    o = &(*c->officers)[*c->n];
    o->name = strdup(name);
    o->role_code = strdup(code);
    o->role = strdup(strcmp(code, "other") == 0 && role_text ? role_text : display);
    o->event = event;
    (*c->n)++;
    if (!o->name || !o->role_code || !o->role)
        return F8K_STATUS_NOMEM;
    return F8K_STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Sentences.                                                          */
/* ------------------------------------------------------------------ */

static void tokenize(sentence_t *st)
{
    size_t i = 0;
    pthread_once(&word_table_once, word_table_init);
    for (size_t k = 0; k < st->len; k++) {
        unsigned char ch = (unsigned char)st->buf[k];
        st->low[k] = (char)(ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch);
    }
    st->n = 0;
    while (i < st->len && st->n < MAX_TOKENS) {
        unsigned char ch = (unsigned char)st->buf[i];
        if (ch == ' ') {
            i++;
            continue;
        }
        size_t s = i;
        if (isalnum(ch)) {
            while (i < st->len) {
                unsigned char d = (unsigned char)st->buf[i];
                if (isalnum(d) || d == '\'' || d == '-' || d >= 0x80) {
                    i++;
                } else if (d == '.' && i + 1 < st->len && isalpha((unsigned char)st->buf[i + 1]) &&
                           i - s <= 2) {
                    i++; /* "U.S.", "N.A." */
                } else {
                    break;
                }
            }
            /* Keep the period of "Mr." "Jr." "J." (short words). */
            if (i < st->len && st->buf[i] == '.' && i - s <= 3 && isalpha(ch))
                i++;
            while (i > s + 1 && (st->buf[i - 1] == '\'' || st->buf[i - 1] == '-'))
                i--;
        } else {
            i++;
            if (ch >= 0x80)
                while (i < st->len && ((unsigned char)st->buf[i] & 0xC0) == 0x80)
                    i++;
        }
        st->tok[st->n].s = s;
        st->tok[st->n].len = i - s;
        classify(st, st->n);
        st->n++;
    }
}

static const trigger_t *trigger_at(const sentence_t *st, size_t i)
{
    int k = st->tok[i].trigger;
    if (k < 0)
        return NULL;
    const char *w = triggers[k].word;
    /* "has not been named", "did not resign" */
    for (size_t b = i >= 3 ? i - 3 : 0; b < i; b++)
        if (tok_is(st, b, "not") || tok_is(st, b, "never"))
            return NULL;
    /* "passed away", "step down" */
    if (strcmp(w, "passed") == 0 && !(i + 1 < st->n && tok_is(st, i + 1, "away")))
        return NULL;
    if (strncmp(w, "step", 4) == 0 && !(i + 1 < st->n && tok_is(st, i + 1, "down")))
        return NULL;
    return &triggers[k];
}

/* Words allowed between an event noun/verb and its object's name. */
static int object_filler(const sentence_t *st, size_t i)
{
    return tok_is(st, i, "of") || tok_is(st, i, "the") || tok_is(st, i, "employment") ||
           tok_is(st, i, "services") || tok_is(st, i, "its") || tok_is(st, i, "company's");
}

/* The role for NAME after token FROM: first role before another name. */
static int role_after(ctx_t *c, const sentence_t *st, size_t from, role_span_t *role)
{
    name_span_t other;
    for (size_t i = from; i < st->n && i < from + ROLE_WINDOW; i++) {
        if (tok_punct(st, i, ';'))
            return 0;
        if (match_role(st, i, role))
            return 1;
        if (match_name(c, st, i, 0, &other))
            return 0;
    }
    return 0;
}

/* Appositive "X, the Company's Chief Financial Officer," right after the name. */
static int role_appositive(const sentence_t *st, size_t b, size_t limit, role_span_t *role)
{
    size_t i = b;
    if (i >= limit || !tok_punct(st, i, ','))
        return 0;
    i++;
    for (int k = 0; k < 3 && i < limit; k++) {
        if (tok_is(st, i, "the") || tok_is(st, i, "its") || tok_is(st, i, "our") ||
            tok_is(st, i, "company's") || tok_is(st, i, "a") || tok_is(st, i, "then") ||
            tok_is(st, i, "former") || tok_is(st, i, "current") || tok_is(st, i, "registrant's"))
            i++;
        else if (isupper((unsigned char)tptr(st, i)[0]) && i + 1 < limit && tok_is(st, i + 1, "'s"))
            i += 2;
    }
    return i < limit && match_role(st, i, role);
}

static f8k_status_t process_sentence(ctx_t *c)
{
    sentence_t *st = &c->sent;
    name_span_t names[32];
    size_t n_names = 0;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    int any_trigger = 0;

    tokenize(st);
    for (size_t i = 0; i < st->n && !any_trigger; i++)
        any_trigger = trigger_at(st, i) != NULL;
    /* Names are remembered even without an event, for later "Mr. X". */
    for (size_t i = 0; i < st->n && n_names < COUNT(names);) {
        if (i > 0 && (is_name_word(st, i - 1, 0) || is_initial(st, i - 1))) {
            i++;
            continue;
        }
        if (match_name(c, st, i, 0, &names[n_names])) {
            if (!tok_in(st, i, LIST_HONORIFIC))
                remember_name(c, names[n_names].name);
            i = names[n_names].b;
            n_names++;
        } else {
            i++;
        }
    }
    if (!any_trigger || n_names == 0)
        return F8K_STATUS_SUCCESS;

    for (size_t e = 0; e < st->n; e++) {
        const trigger_t *t = trigger_at(st, e);
        const name_span_t *who = NULL;
        role_span_t role;
        int have_role = 0;
        if (!t)
            continue;
        if (t->object) {
            size_t j = e + 1;
            while (j < st->n && j < e + 5 && object_filler(st, j))
                j++;
            for (size_t k = 0; k < n_names; k++)
                if (names[k].a == j)
                    who = &names[k];
            if (who)
                have_role =
                    role_after(c, st, who->b, &role) || role_appositive(st, who->b, st->n, &role);
        }
        if (!who) {
            /* The nearest name before the event word. */
            for (size_t k = 0; k < n_names; k++)
                if (names[k].b <= e && e - names[k].b <= SUBJECT_WINDOW)
                    who = &names[k];
            if (!who)
                continue;
            /* Another event word in between belongs to that name. */
            int blocked = 0;
            for (size_t j = who->b; j < e && !blocked; j++)
                blocked = trigger_at(st, j) != NULL;
            /* "... was elected a director and appointed President": one subject. */
            if (blocked && e >= 1 && (tok_is(st, e - 1, "and") || tok_is(st, e - 1, "also")))
                blocked = 0;
            if (blocked)
                continue;
            size_t from = e + 1;
            if (t->event == F8K_EVENT_DIED || strncmp(t->word, "step", 4) == 0)
                from++;
            have_role = role_after(c, st, from, &role) || role_appositive(st, who->b, e, &role);
        }
        if (!have_role)
            continue;
        status = emit(c, who->name, role.code, role.text, t->event);
        if (status != F8K_STATUS_SUCCESS)
            return status;
    }
    return status;
}

/* Abbreviations after which a period does not end a sentence. */
static int abbreviation_before(const char *buf, size_t len)
{
    static const char *const abbrev[] = {"mr",   "ms",  "mrs", "dr", "jr", "sr",  "inc", "co",
                                         "corp", "ltd", "st",  "no", "vs", "u.s", "n.a", "messrs"};
    size_t s = len;
    while (s > 0 && (isalpha((unsigned char)buf[s - 1]) || buf[s - 1] == '.'))
        s--;
    size_t l = len - s;
    if (l == 1)
        return 1; /* an initial */
    for (size_t k = 0; k < COUNT(abbrev); k++)
        if (strlen(abbrev[k]) == l && strncasecmp(buf + s, abbrev[k], l) == 0)
            return 1;
    return 0;
}

static f8k_status_t flush(ctx_t *c)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    while (c->sent.len > 0 && c->sent.buf[c->sent.len - 1] == ' ')
        c->sent.len--;
    if (c->sent.len > 0) {
        c->sent.buf[c->sent.len] = '\0';
        status = process_sentence(c);
    }
    c->sent.len = 0;
    return status;
}

static f8k_status_t scan_sentences(ctx_t *c, const char *text, size_t len)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t line_start = 0;
    int line_lower = 0, line_chars = 0;
    sentence_t *st = &c->sent;

    st->len = 0;
    for (size_t i = 0; i < len && status == F8K_STATUS_SUCCESS;) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            /* A blank line or a heading (no lower case) ends a sentence. */
            if (line_chars == 0 || !line_lower)
                status = flush(c);
            else if (st->len > 0 && st->buf[st->len - 1] != ' ')
                st->buf[st->len++] = ' ';
            line_lower = line_chars = 0;
            line_start = ++i;
            continue;
        }
        /* Blanks are ASCII control/space bytes or start with a byte >= 0x80. */
        size_t b = ch <= ' ' || ch >= 0x80 ? extract_blank_len(text + i, len - i) : 0;
        if (b > 0) {
            if (st->len > 0 && st->buf[st->len - 1] != ' ')
                st->buf[st->len++] = ' ';
            i += b;
            continue;
        }
        line_chars++;
        line_lower |= islower(ch) != 0;
        if (st->len >= EXTRACT_SENTENCE_BYTES) {
            status = flush(c);
            if (status != F8K_STATUS_SUCCESS)
                break;
        }
        st->buf[st->len++] = (char)ch;
        i++;
        if ((ch == '.' || ch == '?' || ch == '!' || ch == ';') &&
            (i >= len || text[i] == ' ' || text[i] == '\n')) {
            size_t k = i;
            while (k < len && (text[k] == ' ' || text[k] == '\n'))
                k++;
            int next_upper = k >= len || isupper((unsigned char)text[k]) || text[k] == '"';
            if (ch == ';' || (next_upper && !abbreviation_before(st->buf, st->len - 1)))
                status = flush(c);
        }
    }
    (void)line_start;
    if (status == F8K_STATUS_SUCCESS)
        status = flush(c);
    return status;
}

/* ------------------------------------------------------------------ */
/* Signature blocks.                                                   */
/* ------------------------------------------------------------------ */

/* Load one line (trimmed, blanks collapsed) into the sentence buffer. */
static void load_line(sentence_t *st, const char *s, size_t len)
{
    st->len = 0;
    for (size_t i = 0; i < len && st->len < EXTRACT_SENTENCE_BYTES;) {
        size_t b = extract_blank_len(s + i, len - i);
        if (b > 0) {
            if (st->len > 0 && st->buf[st->len - 1] != ' ')
                st->buf[st->len++] = ' ';
            i += b;
            continue;
        }
        st->buf[st->len++] = s[i++];
    }
    while (st->len > 0 && st->buf[st->len - 1] == ' ')
        st->len--;
    st->buf[st->len] = '\0';
    tokenize(st);
}

/* Skip "By:", "Name:", "Title:", "/s/" and punctuation at the start. */
static size_t skip_labels(const sentence_t *st, size_t i)
{
    for (;;) {
        if (i < st->n &&
            (tok_is(st, i, "by") || tok_is(st, i, "name") || tok_is(st, i, "title") ||
             tok_is(st, i, "its")) &&
            i + 1 < st->n && tok_punct(st, i + 1, ':'))
            i += 2;
        else if (i < st->n && st->tok[i].len == 1 && ispunct((unsigned char)tptr(st, i)[0]) &&
                 tptr(st, i)[0] != '&')
            i++;
        else if (i < st->n && tok_is(st, i, "s"))
            i++;
        else
            return i;
    }
}

/*
 * A title wrapped over two lines ("Executive Vice President and Chief"
 * / "Financial Officer"): when the line after the one in ST (ending at
 * offset END of TEXT) goes on with role words, match the two joined.
 */
static void extend_role(sentence_t *st, const char *text, size_t len, size_t end, role_span_t *role)
{
    char joined[EXTRACT_SENTENCE_BYTES + 1];
    size_t q = end + 1, jl = 0;
    role_span_t better;
    if (end >= len)
        return;
    while (q < len && text[q] != '\n')
        q++;
    if (q - end - 1 > 80 || st->len + (q - end) >= sizeof joined)
        return;
    jl = (size_t)snprintf(joined, sizeof joined, "%s %.*s", st->buf, (int)(q - end - 1),
                          text + end + 1);
    load_line(st, joined, jl);
    size_t t0 = 0;
    for (t0 = 0; t0 < st->n; t0++)
        if (match_role(st, t0, &better))
            break;
    if (t0 < st->n && better.b - better.a > role->b - role->a)
        *role = better;
}

/*
 * Does a signature start at offset I of TEXT?  "/s/ Name", and "By:"
 * or, at the start of a line, "By" before a name or a blank to sign
 * on ("By ______", "BY: \s\ Name", "By: /Name").  Returns the offset
 * after the marker, 0 when there is none.
 */
static size_t signature_start(const char *text, size_t len, size_t i, int line_start)
{
    if (text[i] == '/' && (text[i + 1] == 's' || text[i + 1] == 'S') && text[i + 2] == '/')
        return i + 3;
    if (text[i] != 'B' || (text[i + 1] != 'y' && text[i + 1] != 'Y') ||
        (i > 0 && isalnum((unsigned char)text[i - 1])))
        return 0;
    if (text[i + 2] == ':')
        return i + 3;
    if (!line_start || (text[i + 2] != ' ' && text[i + 2] != '\t'))
        return 0;
    size_t k = i + 2;
    while (k < len && k < i + 40 && (text[k] == ' ' || text[k] == '\t'))
        k++;
    if (k < len && (text[k] == '_' || text[k] == '/' || text[k] == '(' || text[k] == '\\' ||
                    isupper((unsigned char)text[k])))
        return k;
    return 0;
}

static f8k_status_t scan_signatures(ctx_t *c, const char *text, size_t len)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    sentence_t *st = &c->sent;

    int line_start = 1; /* only blanks since the last newline */
    for (size_t i = 0; i + 3 <= len && status == F8K_STATUS_SUCCESS; i++) {
        size_t from = signature_start(text, len, i, line_start);
        if (text[i] == '\n')
            line_start = 1;
        else if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
            line_start = 0;
        if (from == 0)
            continue;
        size_t e = from;
        while (e < len && text[e] != '\n')
            e++;
        name_span_t who;
        role_span_t role;
        int have_name = 0, have_role = 0;
        load_line(st, text + from, e - from);
        size_t k = skip_labels(st, 0);
        have_name = k < st->n && match_name(c, st, k, 1, &who);
        if (have_name) {
            size_t r = skip_labels(st, who.b);
            have_role = r < st->n && match_role(st, r, &role);
        }
        /* The next few lines: "Judi Irving,", "Name: ...", "Title: ...". */
        size_t p = e;
        for (int lines = 0; lines < 5 && p < len && !have_role; lines++) {
            size_t q = p + 1;
            while (q < len && text[q] != '\n')
                q++;
            if (q - p - 1 > 120)
                break;
            load_line(st, text + p + 1, q - p - 1);
            p = q;
            if (st->n == 0) {
                continue;
            }
            if (strstr(st->buf, "/s/") || strstr(st->buf, "/S/") ||
                strncasecmp(st->buf, "date", 4) == 0)
                break;
            size_t t0 = skip_labels(st, 0);
            name_span_t n2;
            if (t0 < st->n && match_name(c, st, t0, 1, &n2)) {
                if (!have_name) {
                    who = n2;
                    have_name = 1;
                }
                t0 = skip_labels(st, n2.b);
            }
            if (t0 < st->n && match_role(st, t0, &role)) {
                have_role = 1;
                extend_role(st, text, len, p, &role);
            }
            if (!have_name)
                break;
        }
        if (have_name && have_role) {
            char name[NAME_BYTES];
            snprintf(name, sizeof name, "%s", who.name);
            status = emit(c, name, role.code, role.text, F8K_EVENT_SIGNED);
        }
        i = e;
        line_start = 1;
    }
    return status;
}

/* ------------------------------------------------------------------ */
/* Entry points.                                                       */
/* ------------------------------------------------------------------ */

void extract_officers_free(f8k_officer_t *officers, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(officers[i].name);
        free(officers[i].role);
        free(officers[i].role_code);
    }
    free(officers);
}

f8k_status_t extract_officers_from_text(const char *text, size_t len, int signatures, int events,
                                        f8k_officer_t **officers, size_t *n, size_t *cap)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    ctx_t *c = calloc(1, sizeof *c);
    if (!c)
        return F8K_STATUS_NOMEM;
    c->officers = officers;
    c->n = n;
    c->cap = cap;
    if (events)
        status = scan_sentences(c, text, len);
    if (status == F8K_STATUS_SUCCESS && signatures)
        status = scan_signatures(c, text, len);
    free(c);
    return status;
}

static int is_press_release(const f8k_document_t *doc)
{
    return doc->is_text && doc->text && doc->type && strncasecmp(doc->type, "EX-99", 5) == 0;
}

f8k_status_t extract_officers(f8k_filing_t *filing)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t cap = 0;

    if (filing->form && strncasecmp(filing->form, "8-K", 3) != 0)
        return F8K_STATUS_SUCCESS;
    for (size_t d = 0; d < filing->n_documents && status == F8K_STATUS_SUCCESS; d++) {
        const f8k_document_t *doc = &filing->documents[d];
        int report = extract_is_report_document(doc);
        if (!report && !is_press_release(doc))
            continue;
        status = extract_officers_from_text(doc->text, doc->text_len, report, 1, &filing->officers,
                                            &filing->n_officers, &cap);
    }
    return status;
}
