/*
 * extract_officers.c - people named with an officer or director role
 * and what happened to them: signature blocks ("/s/ Judi Irving",
 * "Chief Executive Officer") and event sentences ("announced the
 * appointment of Rose Marcario as Chief Financial Officer").
 *
 * Sentences: an event word ("appointed", "resignation", "became") and
 * the name after it (object) or before it (subject); a list of names
 * ("A, B and C were appointed directors") shares the event.  The role
 * comes right after the event ("resigned as a member of the Board"),
 * from an appositive for departures ("X, the Company's CFO, resigned"),
 * or from the words after; more roles follow "and as ...".  Left out:
 * biography (an event two or more years before the report), names that
 * begin with a company's first word ("Alcoa" of "Alcoa Inc."), honorary
 * and committee titles.  Lists one name a line after an election
 * ("the following persons were elected Directors:", vote tables).
 * Signatures: only the report's (near "signed on its behalf"), the
 * typed name over the /s/ one, flattened one-line blocks, and a typed
 * name and title without any "/s/" or "By".
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
#define MAX_ORGS       16
#define ROLE_WINDOW    14 /* tokens searched for a role after a name or event */
#define SUBJECT_WINDOW 24
#define SIGNATURE_WINDOW                                                                           \
    3000 /* bytes after "signed on its behalf" searched for signatures */ /* tokens searched back  \
                                                                             for the subject of an \
                                                                             event */

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
    char orgs[MAX_ORGS][24]; /* first words of company names seen ("alcoa" of "Alcoa Inc.") */
    size_t n_orgs;
    int year; /* year of the report, 0 if unknown */
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
    "certified",
    "accountants",
    "broker",
    "non-votes",
    "votes",
    "nominee",
    "nominees",
    "withheld",
    "abstain",
    "abstentions",
    "against",
    /* defined terms of charters and plans */
    "rights",
    "shares",
    "share",
    "option",
    "options",
    "guidelines",
    "preferred",
    "common",
    "serial",
    "notes",
    "policy",
    "bylaws",
    "articles",
    "amendment",
    "certificate",
    "dividend",
    "dividends",
    "units",
    "award",
    "awards",
    "period",
    "holders",
    "stockholder",
    "shareholder",
    "notice",
    "procedure",
    "event",
    "vacancy",
    "family",
    "code",
    "corporations",
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
    "corporate",
    "administration",
    "operations",
    "planning",
    "worldwide",
    "global",
    "chairmen",
    "co-chairmen",
    "co-chair",
};

/* Events, and whether the person follows the word (object) or precedes it. */
typedef struct trigger {
    const char *word;
    f8k_officer_event_t event;
    int object; /* 1: "appointment of X", "appointed X"; 0: subject only */
    int weak;   /* 1: only with a role right after ("became the Chief ...") */
} trigger_t;

static const trigger_t triggers[] = {
    {"appoint", F8K_EVENT_APPOINTED, 1, 0},
    {"appoints", F8K_EVENT_APPOINTED, 1, 0},
    {"appointed", F8K_EVENT_APPOINTED, 1, 0},
    {"appointment", F8K_EVENT_APPOINTED, 1, 0},
    {"named", F8K_EVENT_APPOINTED, 1, 0},
    {"names", F8K_EVENT_APPOINTED, 1, 0},
    {"promoted", F8K_EVENT_APPOINTED, 1, 0},
    {"promotion", F8K_EVENT_APPOINTED, 1, 0},
    {"hired", F8K_EVENT_APPOINTED, 1, 0},
    {"elected", F8K_EVENT_ELECTED, 1, 0},
    {"elect", F8K_EVENT_ELECTED, 1, 0},
    {"elects", F8K_EVENT_ELECTED, 1, 0},
    {"election", F8K_EVENT_ELECTED, 1, 0},
    {"re-elected", F8K_EVENT_ELECTED, 1, 0},
    {"reelected", F8K_EVENT_ELECTED, 1, 0},
    {"resigned", F8K_EVENT_RESIGNED, 0, 0},
    {"resigns", F8K_EVENT_RESIGNED, 0, 0},
    {"resign", F8K_EVENT_RESIGNED, 0, 0},
    {"resignation", F8K_EVENT_RESIGNED, 1, 0},
    {"resigning", F8K_EVENT_RESIGNED, 0, 0},
    {"retire", F8K_EVENT_RETIRED, 0, 0},
    {"retired", F8K_EVENT_RETIRED, 0, 0},
    {"retires", F8K_EVENT_RETIRED, 0, 0},
    {"retirement", F8K_EVENT_RETIRED, 1, 0},
    {"retiring", F8K_EVENT_RETIRED, 0, 0},
    {"terminated", F8K_EVENT_TERMINATED, 1, 0},
    {"termination", F8K_EVENT_TERMINATED, 1, 0},
    {"removed", F8K_EVENT_TERMINATED, 1, 0},
    {"dismissed", F8K_EVENT_TERMINATED, 1, 0},
    {"died", F8K_EVENT_DIED, 0, 0},
    {"death", F8K_EVENT_DIED, 1, 0},
    {"passed", F8K_EVENT_DIED, 0, 0},
    {"step", F8K_EVENT_RESIGNED, 0, 0},
    {"steps", F8K_EVENT_RESIGNED, 0, 0},
    {"stepped", F8K_EVENT_RESIGNED, 0, 0},
    {"stepping", F8K_EVENT_RESIGNED, 0, 0},
    {"became", F8K_EVENT_APPOINTED, 0, 1},
    {"become", F8K_EVENT_APPOINTED, 0, 1},
    {"becomes", F8K_EVENT_APPOINTED, 0, 1},
    {"assume", F8K_EVENT_APPOINTED, 0, 1},
    {"assumes", F8K_EVENT_APPOINTED, 0, 1},
    {"assumed", F8K_EVENT_APPOINTED, 0, 1},
    {"leave", F8K_EVENT_RESIGNED, 0, 0},
    {"leaves", F8K_EVENT_RESIGNED, 0, 0},
    {"leaving", F8K_EVENT_RESIGNED, 0, 0},
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

/* "J.", "J" or "J.S.": initials. */
static int is_initial(const sentence_t *st, size_t i)
{
    const char *p = tptr(st, i);
    size_t l = st->tok[i].len;
    if (l == 1)
        return isupper((unsigned char)p[0]);
    for (size_t k = 0; k < l; k += 2)
        if (!isupper((unsigned char)p[k]) || k + 1 >= l || p[k + 1] != '.')
            return 0;
    return l <= 6;
}

/* Does token I end in a possessive "'s" ("Wong's")? */
static int is_possessive(const sentence_t *st, size_t i)
{
    const char *p = tptr(st, i);
    size_t l = st->tok[i].len;
    return l > 3 && p[l - 2] == '\'' && (p[l - 1] == 's' || p[l - 1] == 'S');
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

/* "deSouza", "van" is not: a surname with a lower-case particle glued on. */
static int is_camel(const sentence_t *st, size_t i)
{
    const char *p = tptr(st, i);
    size_t l = st->tok[i].len, upper = 0;
    if (l < 4 || !islower((unsigned char)p[0]))
        return 0;
    for (size_t k = 1; k < l; k++) {
        if (!isalpha((unsigned char)p[k]))
            return 0;
        upper += isupper((unsigned char)p[k]) != 0;
    }
    return upper == 1 && isupper((unsigned char)p[1]) == 0;
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
    while (j < st->n && words < 6) {
        int initial = is_initial(st, j);
        int possessive = !initial && is_possessive(st, j);
        if (!initial && !is_name_word(st, j, allow_caps) && !(words > 0 && is_camel(st, j)))
            break;
        if (words > 0 && tok_in(st, j, LIST_SUFFIX))
            break;
        if (st->tok[j].trigger >= 0) /* "John Thuestad Elected ..." */
            break;
        len +=
            (size_t)snprintf(name + len, len < sizeof name ? sizeof name - len : 0, "%s%.*s",
                             words ? " " : "", (int)st->tok[j].len - 2 * possessive, tptr(st, j));
        if (len >= sizeof name)
            return 0;
        words++;
        real += !initial;
        last_initial = initial;
        j++;
        if (possessive)
            break;
    }
    if (words == 0 || words > 5 || last_initial)
        return 0;
    /* "Alcoa Engineered Products" after "Alcoa Inc.": a company's name. */
    for (size_t k = 0; k < c->n_orgs; k++)
        if (st->tok[honor ? i + 1 : i].len == strlen(c->orgs[k]) &&
            strncasecmp(tptr(st, honor ? i + 1 : i), c->orgs[k], strlen(c->orgs[k])) == 0)
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
    /* "Smith Barney Inc.", "Ernst & Young", "Meta Platforms, Inc.": companies. */
    if (j < st->n && tok_in(st, j, LIST_COMPANY))
        return 0;
    if (j + 1 < st->n && tok_punct(st, j, ',') && tok_in(st, j + 1, LIST_COMPANY) &&
        !tok_is(st, j + 1, "&"))
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

static void remember_org(ctx_t *c, const char *w, size_t len)
{
    if (len < 3 || len >= sizeof c->orgs[0])
        return;
    for (size_t k = 0; k < c->n_orgs; k++)
        if (strlen(c->orgs[k]) == len && strncasecmp(c->orgs[k], w, len) == 0)
            return;
    if (c->n_orgs == MAX_ORGS) {
        memmove(c->orgs[0], c->orgs[1], (MAX_ORGS - 1) * sizeof c->orgs[0]);
        c->n_orgs--;
    }
    snprintf(c->orgs[c->n_orgs++], sizeof c->orgs[0], "%.*s", (int)len, w);
}

/* Remember the first word of company names in ST: "Alcoa" of "Alcoa Inc.", "Meta Platforms, Inc.".
 */
static void remember_orgs(ctx_t *c, const sentence_t *st)
{
    for (size_t i = 1; i < st->n; i++) {
        if (!(tok_is(st, i, "inc") || tok_is(st, i, "corp") || tok_is(st, i, "corporation") ||
              tok_is(st, i, "company") || tok_is(st, i, "llc") || tok_is(st, i, "ltd") ||
              tok_is(st, i, "plc")) ||
            !isupper((unsigned char)tptr(st, i)[0]))
            continue;
        size_t k = i;
        if (k > 1 && tok_punct(st, k - 1, ','))
            k--;
        size_t start = k;
        while (start > 0 && k - start < 5 && isupper((unsigned char)tptr(st, start - 1)[0]) &&
               !tok_in(st, start - 1, LIST_HONORIFIC))
            start--;
        while (start < k && tok_in(st, start, LIST_NOT_NAME))
            start++;
        /* "Smith Barney" yes; "John A. Smith, Inc." is rare: names with initials are kept. */
        if (start + 1 < k && !is_initial(st, start + 1) && is_name_word(st, start, 1))
            remember_org(c, tptr(st, start), st->tok[start].len);
        else if (start + 1 == k && is_name_word(st, start, 1))
            remember_org(c, tptr(st, start), st->tok[start].len);
    }
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
    return tok_punct(st, i, ',') || tok_punct(st, i, '/') ||
           (tptr(st, i)[0] == '-' && (st->tok[i].len == 1 || tptr(st, i)[1] == '-'));
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
            /* "Co-Chairmen of the Board" */
            for (size_t k = p; k < q; k++)
                if (tok_is(st, k, "chairmen") || tok_is(st, k, "co-chairmen"))
                    code = "chairman";
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
    /* "Chairman Emeritus", "Director Emeritus": honorary. */
    if (j < st->n && tok_is(st, j, "emeritus"))
        return 0;
    /* "... and Chairman of the Compensation Committee": a committee chair. */
    if (j + 1 < st->n && tok_is(st, j, "of")) {
        size_t k = j + 1, last = j;
        while (k < st->n && k < j + 6 && !title_separator(st, k) && !tok_is(st, k, "committee"))
            k++;
        if (k < st->n && tok_is(st, k, "committee")) {
            while (last > i && !tok_is(st, last - 1, "and"))
                last--;
            int chair = 0;
            for (size_t m = last; m < j; m++)
                chair |= tok_is(st, m, "chairman") || tok_is(st, m, "chair") ||
                         tok_is(st, m, "chairwoman") || tok_is(st, m, "chairperson");
            if (chair) {
                if (last == i)
                    return 0;
                j = last - 1;
                while (j > i && title_glue(st, j - 1))
                    j--;
            }
        }
    }
    size_t s = st->tok[i].s, e = st->tok[j - 1].s + st->tok[j - 1].len;
    const char *code = title_code(st, i, j);
    /* "President of each of its subsidiaries", "president of the Electronic Measurements Group" */
    if (code && strcmp(code, "president") == 0 && j < st->n && tok_is(st, j, "of"))
        for (size_t k = j + 1; k < st->n && k < j + 8 && !tok_punct(st, k, ','); k++)
            if (tok_is(st, k, "subsidiary") || tok_is(st, k, "subsidiaries") ||
                tok_is(st, k, "division") || tok_is(st, k, "group") || tok_is(st, k, "segment") ||
                tok_is(st, k, "unit") || tok_is(st, k, "business"))
                code = "other";
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
                if (isalnum(d) || d == '\'' || d >= 0x80 ||
                    (d == '-' && !(i + 1 < st->len && st->buf[i + 1] == '-'))) {
                    i++; /* "president--Finance" is three tokens */
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
        } else if (ch == '-') {
            while (i < st->len && st->buf[i] == '-' && i - s < 3)
                i++; /* "-", "--" */
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
    /* "has not been named", "did not resign", "pursuant to which he was selected" */
    for (size_t b = i >= 3 ? i - 3 : 0; b < i; b++)
        if (tok_is(st, b, "not") || tok_is(st, b, "never") || tok_is(st, b, "which"))
            return NULL;
    /* "passed away", "step down" */
    if (strcmp(w, "passed") == 0 && !(i + 1 < st->n && tok_is(st, i + 1, "away")))
        return NULL;
    if (strncmp(w, "step", 4) == 0 && !(i + 1 < st->n && tok_is(st, i + 1, "down")))
        return NULL;
    /* "the Named Executive Officers"; "Robert Herbold, retired executive vice president" */
    if (strcmp(w, "named") == 0 && i + 2 < st->n && tok_is(st, i + 1, "executive") &&
        (tok_is(st, i + 2, "officer") || tok_is(st, i + 2, "officers")))
        return NULL;
    if (strcmp(w, "retired") == 0 && i > 0 &&
        (tok_punct(st, i - 1, ',') || tok_is(st, i - 1, "a") || tok_is(st, i - 1, "the")))
        return NULL;
    /* "leave of absence", "medical leave" */
    if (strncmp(w, "leav", 4) == 0 &&
        ((i + 1 < st->n && (tok_is(st, i + 1, "of") || tok_is(st, i + 1, "absence"))) ||
         (i > 0 && (tok_is(st, i - 1, "medical") || tok_is(st, i - 1, "on")))))
        return NULL;
    return &triggers[k];
}

/* Words allowed between an event noun/verb and its object's name. */
static int object_filler(const sentence_t *st, size_t i)
{
    return tok_is(st, i, "of") || tok_is(st, i, "the") || tok_is(st, i, "employment") ||
           tok_is(st, i, "services") || tok_is(st, i, "its") || tok_is(st, i, "company's");
}

/* Words between an event word and the role it gives ("resigned as a member of the Board"). */
static int role_filler(const sentence_t *st, size_t i)
{
    static const char *const words[] = {"as",
                                        "from",
                                        "to",
                                        "his",
                                        "her",
                                        "their",
                                        "its",
                                        "our",
                                        "the",
                                        "a",
                                        "an",
                                        "company's",
                                        "companys",
                                        "registrant's",
                                        "position",
                                        "positions",
                                        "office",
                                        "post",
                                        "role",
                                        "title",
                                        "member",
                                        "of",
                                        "additional",
                                        "responsibility",
                                        "responsibilities",
                                        "duties",
                                        "serve",
                                        "new",
                                        "newly",
                                        "created",
                                        "both",
                                        "all",
                                        "also",
                                        "then"};
    for (size_t k = 0; k < COUNT(words); k++)
        if (tok_eq(st, i, words[k], strlen(words[k])))
            return 1;
    return 0;
}

/* Is there a "by" in the few tokens before I (not before LO)? "elected by the Board". */
static int by_before(const sentence_t *st, size_t i, size_t lo)
{
    for (size_t k = i >= 3 ? i - 3 : 0; k < i; k++)
        if (k >= lo && tok_is(st, k, "by"))
            return 1;
    return 0;
}

/* The role for NAME after token FROM: first role before another name. */
static int role_after(ctx_t *c, const sentence_t *st, size_t from, role_span_t *role)
{
    name_span_t other;
    for (size_t i = from; i < st->n && i < from + ROLE_WINDOW; i++) {
        /* "named Chairman Emeritus and remains a director": not the new role. */
        if (tok_punct(st, i, ';') || tok_is(st, i, "remain") || tok_is(st, i, "remains") ||
            tok_is(st, i, "continue") || tok_is(st, i, "continues"))
            return 0;
        if (match_role(st, i, role)) {
            if (!by_before(st, i, from))
                return 1;
            i = role->b - 1;
            continue;
        }
        if (match_name(c, st, i, 0, &other))
            return 0;
    }
    return 0;
}

/* A role right after token FROM, only filler words between ("as the Company's President"). */
static int role_direct(const sentence_t *st, size_t from, role_span_t *role)
{
    for (size_t i = from; i < st->n && i < from + 8; i++) {
        if (match_role(st, i, role))
            return !by_before(st, i, from);
        if (!role_filler(st, i))
            return 0;
    }
    return 0;
}

/*
 * Appositive after a name ending at B: "X, the Company's Chief Financial
 * Officer,", "X, 68, a member of the Board", "X, who served as President":
 * the first role before LIMIT, another name or another event word.
 */
static int role_appositive(ctx_t *c, const sentence_t *st, size_t b, size_t limit,
                           role_span_t *role)
{
    name_span_t other;
    if (b >= limit || !tok_punct(st, b, ','))
        return 0;
    for (size_t i = b + 1; i < limit && i < b + 14; i++) {
        if (tok_punct(st, i, ';') || st->tok[i].trigger >= 0)
            return 0;
        if (match_role(st, i, role))
            return !by_before(st, i, b);
        if (match_name(c, st, i, 0, &other))
            return 0;
    }
    return 0;
}

/*
 * "elected X, the Company's Lead Director, as Executive Chairman": the
 * role after "as" past the appositive starting at B.
 */
static int role_past_appositive(const sentence_t *st, size_t b, role_span_t *role)
{
    if (b >= st->n || !tok_punct(st, b, ','))
        return 0;
    for (size_t k = b + 1; k + 1 < st->n && k < b + 14; k++) {
        if (st->tok[k].trigger >= 0 || tok_punct(st, k, ';'))
            return 0;
        if (tok_punct(st, k, ','))
            return tok_is(st, k + 1, "as") && role_direct(st, k + 1, role);
    }
    return 0;
}

/* A role just before a name starting at A: "its independent directors, John Doe and ...". */
static int role_before(const sentence_t *st, size_t a, role_span_t *role)
{
    if (a < 2 || !tok_punct(st, a - 1, ','))
        return 0;
    for (size_t i = a >= 8 ? a - 8 : 0; i + 1 < a; i++)
        if (match_role(st, i, role) && role->b == a - 1)
            return 1;
    return 0;
}

/* A year at least two years before the report's: "was appointed Treasurer in January 2000". */
static int old_year(const ctx_t *c, const sentence_t *st, size_t i)
{
    const char *p = tptr(st, i);
    if (c->year == 0 || st->tok[i].len != 4)
        return 0;
    for (size_t k = 0; k < 4; k++)
        if (!isdigit((unsigned char)p[k]))
            return 0;
    int y = atoi(p);
    if (y < 1900 || y > c->year - 2)
        return 0;
    for (size_t k = i >= 4 ? i - 4 : 0; k < i; k++)
        if (tok_is(st, k, "in") || tok_is(st, k, "since") || tok_is(st, k, "from") ||
            tok_is(st, k, "during") || tok_is(st, k, "of") || tok_is(st, k, "until"))
            return 1;
    return 0;
}

/* Is the event word at E about the past (a biography)? */
static int historical(const ctx_t *c, const sentence_t *st, size_t e)
{
    for (size_t k = e + 1; k < st->n && k < e + 16; k++)
        if (old_year(c, st, k))
            return 1;
    /* "In January 2003, he was appointed ...", "joined in 2000 ... he was named" */
    for (size_t k = e >= 20 ? e - 20 : 0; k < e; k++)
        if (k >= 1 && old_year(c, st, k) &&
            (tok_is(st, k - 1, "in") || (k >= 2 && tok_is(st, k - 2, "in"))))
            return 1;
    return 0;
}

/* Are names A and B (A before B) in one list: "A, B and C", "A and B"? */
static int coordinated(const sentence_t *st, const name_span_t *a, const name_span_t *b)
{
    size_t gap = b->a - a->b;
    if (gap == 1)
        return tok_punct(st, a->b, ',') || tok_is(st, a->b, "and");
    return gap == 2 && tok_punct(st, a->b, ',') && tok_is(st, a->b + 1, "and");
}

/*
 * "president of Alcoa Engineered Products": a unit of a company named
 * before (not "President of Alcoa Inc."), so an "other" officer.
 */
static const char *unit_code(const ctx_t *c, const sentence_t *st, const role_span_t *role)
{
    size_t k = role->b;
    if (strcmp(role->code, "president") != 0 || k + 2 >= st->n || !tok_is(st, k, "of"))
        return role->code;
    k++;
    if (tok_is(st, k, "the"))
        k++;
    int org = 0;
    for (size_t o = 0; o < c->n_orgs; o++)
        org |= st->tok[k].len == strlen(c->orgs[o]) &&
               strncasecmp(tptr(st, k), c->orgs[o], st->tok[k].len) == 0;
    if (!org)
        return role->code;
    /* "Weis Markets, Inc." is the company itself. */
    size_t j = k + 1;
    while (j < st->n && j < k + 6 && isupper((unsigned char)tptr(st, j)[0]) &&
           !tok_in(st, j, LIST_COMPANY))
        j++;
    if (j == k + 1 || (j < st->n && tok_in(st, j, LIST_COMPANY)) ||
        (j + 1 < st->n && tok_punct(st, j, ',') && tok_in(st, j + 1, LIST_COMPANY)))
        return role->code;
    return "other";
}

/* Emit ROLE and EVENT for the names [FIRST, LAST] of NAMES. */
static f8k_status_t emit_group(ctx_t *c, const sentence_t *st, const name_span_t *names,
                               size_t first, size_t last, const role_span_t *role,
                               f8k_officer_event_t event)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    const char *code = unit_code(c, st, role);
    for (size_t k = first; k <= last && status == F8K_STATUS_SUCCESS; k++)
        status = emit(c, names[k].name, code, role->text, event);
    return status;
}

/*
 * After a role ending at token FROM, more of the same event: "... as
 * Chief Executive Officer, and as a director", "... as Chief Executive
 * Officer and Mr. King as acting Chief Financial Officer".
 */
static f8k_status_t more_roles(ctx_t *c, const sentence_t *st, const name_span_t *names,
                               size_t n_names, size_t first, size_t last, size_t from,
                               f8k_officer_event_t event)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    for (int rounds = 0; rounds < 3 && status == F8K_STATUS_SUCCESS; rounds++) {
        size_t k = from;
        while (k < st->n && k < from + 12 && !tok_is(st, k, "and") && !tok_punct(st, k, ';') &&
               st->tok[k].trigger < 0)
            k++;
        if (k >= st->n || !tok_is(st, k, "and"))
            return status;
        role_span_t role;
        const name_span_t *who = NULL;
        for (size_t m = 0; m < n_names; m++)
            if (names[m].a == k + 1)
                who = &names[m];
        if (who) {
            size_t r = who->b;
            if (r < st->n && tok_is(st, r, "as") && r + 1 < st->n && match_role(st, r + 1, &role))
                status = emit(c, who->name, role.code, role.text, event);
            else
                return status;
        } else if (role_direct(st, k + 1, &role)) {
            status = emit_group(c, st, names, first, last, &role, event);
        } else {
            return status;
        }
        from = role.b;
    }
    return status;
}

static int is_departure(f8k_officer_event_t event)
{
    return event == F8K_EVENT_RESIGNED || event == F8K_EVENT_RETIRED ||
           event == F8K_EVENT_TERMINATED || event == F8K_EVENT_DIED;
}

static f8k_status_t process_sentence(ctx_t *c)
{
    sentence_t *st = &c->sent;
    name_span_t names[32];
    size_t group[32]; /* index of the first name of each name's list */
    size_t n_names = 0;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    int any_trigger = 0;

    tokenize(st);
    remember_orgs(c, st);
    for (size_t i = 0; i < st->n && !any_trigger; i++)
        any_trigger = trigger_at(st, i) != NULL;
    /* Names are remembered even without an event, for later "Mr. X". */
    for (size_t i = 0; i < st->n && n_names < COUNT(names);) {
        if (i > 0 && (is_name_word(st, i - 1, 0) || is_initial(st, i - 1))) {
            i++;
            continue;
        }
        if (match_name(c, st, i, 0, &names[n_names])) {
            if (!tok_in(st, i, LIST_HONORIFIC) || strchr(names[n_names].name, ' '))
                remember_name(c, names[n_names].name); /* "Dr. Tadataka Yamada" too */
            i = names[n_names].b;
            group[n_names] = n_names > 0 && coordinated(st, &names[n_names - 1], &names[n_names])
                                 ? group[n_names - 1]
                                 : n_names;
            n_names++;
        } else {
            i++;
        }
    }
    if (!any_trigger || n_names == 0)
        return F8K_STATUS_SUCCESS;

    for (size_t e = 0; e < st->n && status == F8K_STATUS_SUCCESS; e++) {
        const trigger_t *t = trigger_at(st, e);
        size_t first = 0, last = 0;
        int found = 0, have_role = 0;
        role_span_t role;
        if (!t || historical(c, st, e))
            continue;
        size_t from = e + 1;
        if (t->event == F8K_EVENT_DIED || strncmp(t->word, "step", 4) == 0)
            from++;
        if (t->object) {
            size_t j = e + 1;
            while (j < st->n && j < e + 5 && object_filler(st, j))
                j++;
            for (size_t k = 0; k < n_names && !found; k++)
                if (names[k].a == j) {
                    first = last = k;
                    found = 1;
                }
            while (found && last + 1 < n_names && group[last + 1] == first)
                last++;
            if (found)
                have_role = role_past_appositive(st, names[last].b, &role) ||
                            role_after(c, st, names[last].b, &role) ||
                            role_appositive(c, st, names[last].b, st->n, &role);
        }
        if (!found) {
            /* The nearest name before the event word, with its list. */
            for (size_t k = 0; k < n_names; k++)
                if (names[k].b <= e && e - names[k].b <= SUBJECT_WINDOW) {
                    last = k;
                    found = 1;
                }
            if (!found)
                continue;
            first = group[last];
            /* Another event word in between belongs to that name; "I" is someone else. */
            int blocked = 0;
            for (size_t j = names[last].b; j < e && !blocked; j++)
                blocked = trigger_at(st, j) != NULL || tok_is(st, j, "we") ||
                          tok_is(st, j, "they") || (st->tok[j].len == 1 && tptr(st, j)[0] == 'I');
            /* "... was elected a director and appointed President": one subject. */
            if (blocked && e >= 1 && (tok_is(st, e - 1, "and") || tok_is(st, e - 1, "also")))
                blocked = 0;
            if (blocked)
                continue;
            if (t->weak)
                have_role = role_direct(st, from, &role);
            else if (is_departure(t->event))
                have_role = role_direct(st, from, &role) ||
                            role_appositive(c, st, names[last].b, e, &role) ||
                            role_before(st, names[first].a, &role) ||
                            role_after(c, st, from, &role);
            else
                have_role = role_direct(st, from, &role) || role_after(c, st, from, &role);
        }
        if (!have_role)
            continue;
        status = emit_group(c, st, names, first, last, &role, t->event);
        if (status == F8K_STATUS_SUCCESS)
            status = more_roles(c, st, names, n_names, first, last, role.b, t->event);
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

/*
 * A typographic quote at S (N bytes): 3 for U+2018/2019 (stored as
 * '\'') and U+201C/201D (stored as '"') with *OUT set, else 0.
 */
static size_t curly_quote(const char *s, size_t n, char *out)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n < 3 || u[0] != 0xE2 || u[1] != 0x80)
        return 0;
    if (u[2] == 0x98 || u[2] == 0x99)
        *out = '\'';
    else if (u[2] == 0x9C || u[2] == 0x9D)
        *out = '"';
    else
        return 0;
    return 3;
}

/* Does the text at I go on, after a few blanks, with a lower-case word? */
static int continues_lower(const char *text, size_t len, size_t i)
{
    for (size_t k = i; k < len && k < i + 64; k++) {
        if (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\n')
            continue;
        return islower((unsigned char)text[k]) != 0;
    }
    return 0;
}

static f8k_status_t scan_sentences(ctx_t *c, const char *text, size_t len)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    size_t line_start = 0;
    int line_lower = 0, line_chars = 0, last_chars = 0; /* last_chars: of the last non-blank line */
    sentence_t *st = &c->sent;

    st->len = 0;
    for (size_t i = 0; i < len && status == F8K_STATUS_SUCCESS;) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            /*
             * A blank line or a heading (no lower case) ends a sentence;
             * not in double-spaced text, where a long line stopped
             * mid-sentence or the next goes on in lower case.
             */
            int mid = last_chars >= 45 && st->len > 0 &&
                      (isalnum((unsigned char)st->buf[st->len - 1]) ||
                       st->buf[st->len - 1] == ',' || st->buf[st->len - 1] == ' ');
            if ((line_chars == 0 && !mid && !continues_lower(text, len, i + 1)) ||
                (line_chars > 0 && !line_lower))
                status = flush(c);
            else if (st->len > 0 && st->buf[st->len - 1] != ' ')
                st->buf[st->len++] = ' ';
            if (line_chars > 0)
                last_chars = line_chars;
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
        char quote;
        size_t ql = curly_quote(text + i, len - i, &quote);
        st->buf[st->len++] = ql ? quote : (char)ch;
        i += ql ? ql : 1;
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
        char quote;
        size_t ql = curly_quote(s + i, len - i, &quote);
        st->buf[st->len++] = ql ? quote : s[i];
        i += ql ? ql : 1;
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
        else if (i < st->n && (st->tok[i].len == 1 || tptr(st, i)[0] == '-') &&
                 ispunct((unsigned char)tptr(st, i)[0]) && tptr(st, i)[0] != '&')
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
    if (text[i + 2] != ' ' && text[i + 2] != '\t' && text[i + 2] != '\n' && text[i + 2] != '\r')
        return 0;
    size_t k = i + 2;
    while (k < len && k < i + 40 && (text[k] == ' ' || text[k] == '\t'))
        k++;
    if (k < len && text[k] == '_')
        return k; /* "Date: May 2, 1994 By ________" */
    if (!line_start)
        return 0;
    if (k >= len || text[k] == '\n' || text[k] == '\r')
        return k; /* "By" alone on its line */
    if (text[k] == '/' || text[k] == '(' || text[k] == '\\' || isupper((unsigned char)text[k]))
        return k;
    return 0;
}

/* Offset of the first case-insensitive NEEDLE in TEXT, LEN if none. */
static size_t find_ci(const char *text, size_t len, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = 0; i + nl <= len; i++)
        if (tolower((unsigned char)text[i]) == needle[0] && strncasecmp(text + i, needle, nl) == 0)
            return i;
    return len;
}

/* Skip "Date: November 22, 2005" (or "Dated ...") at token I. */
static size_t skip_date(const sentence_t *st, size_t i)
{
    if (i >= st->n || !(tok_is(st, i, "date") || tok_is(st, i, "dated")))
        return i;
    i++;
    for (int k = 0; k < 6 && i < st->n; k++, i++) {
        const char *p = tptr(st, i);
        int digits = isdigit((unsigned char)p[0]);
        int month = k <= 1 && isupper((unsigned char)p[0]) && !digits;
        if (!digits && !month && !tok_punct(st, i, ':') && !tok_punct(st, i, ','))
            break;
        if (digits && st->tok[i].len == 4) {
            i++;
            break;
        }
    }
    return i;
}

/* Do names A and B end in the same surname (ignoring case and a suffix)? */
static int same_surname(const char *a, const char *b)
{
    char wa[NAME_BYTES], wb[NAME_BYTES];
    const char *src[2] = {a, b};
    char *dst[2] = {wa, wb};
    for (int k = 0; k < 2; k++) {
        snprintf(dst[k], NAME_BYTES, "%s", src[k]);
        for (;;) {
            char *sp = strrchr(dst[k], ' ');
            const char *last = sp ? sp + 1 : dst[k];
            int suffix = strcasecmp(last, "jr.") == 0 || strcasecmp(last, "jr") == 0 ||
                         strcasecmp(last, "sr.") == 0 || strcasecmp(last, "sr") == 0 ||
                         strcasecmp(last, "ii") == 0 || strcasecmp(last, "iii") == 0 ||
                         strcasecmp(last, "iv") == 0;
            if (!sp || !suffix)
                break;
            *sp = '\0';
        }
    }
    const char *la = strrchr(wa, ' '), *lb = strrchr(wb, ' ');
    return strcasecmp(la ? la + 1 : wa, lb ? lb + 1 : wb) == 0;
}

/*
 * A signature line in ST: labels, a date, a name, maybe the name again
 * ("/s/ Gilbert L. Danielson ---- Gilbert L. Danielson") and a title,
 * maybe around a date ("Executive Vice President, Date: November 22,
 * 2005 Chief Financial Officer").  Returns 1 with *WHO when there is a
 * name; sets *HAVE_ROLE and *ROLE when there is a title after it (or
 * alone on the line).
 */
static int line_name_role(ctx_t *c, const sentence_t *st, name_span_t *who, role_span_t *role,
                          int *have_role)
{
    size_t k = skip_date(st, skip_labels(st, 0));
    int have_name = 0;
    name_span_t again;
    if (k < st->n && match_name(c, st, k, 1, who)) {
        have_name = 1;
        k = skip_date(st, skip_labels(st, who->b));
        if (k < st->n && match_name(c, st, k, 1, &again) && same_surname(who->name, again.name)) {
            *who = again;
            k = skip_date(st, skip_labels(st, again.b));
        }
    }
    if (k < st->n && match_role(st, k, role)) {
        *have_role = 1;
        size_t d = role->b;
        if (d < st->n && tok_punct(st, d, ','))
            d++;
        size_t after = skip_date(st, d);
        role_span_t more;
        if (after > d && after < st->n && match_role(st, after, &more)) {
            if (code_rank(more.code) < code_rank(role->code))
                *role = more;
        }
    }
    return have_name;
}

/*
 * A signature without "/s/" or "By": in [FROM, TO) of TEXT, a line with
 * a name and a title on it or on one of the next lines.
 */
static f8k_status_t unmarked_signature(ctx_t *c, const char *text, size_t len, size_t from,
                                       size_t to)
{
    sentence_t *st = &c->sent;
    size_t p = from;
    while (p < to && text[p] != '\n')
        p++; /* the rest of the sentence's line */
    for (int lines = 0; lines < 16 && p < to; lines++) {
        size_t q = p + 1;
        while (q < len && text[q] != '\n')
            q++;
        if (q - p - 1 > 120) {
            p = q;
            continue;
        }
        name_span_t who, n2;
        role_span_t role;
        int have_role = 0;
        load_line(st, text + p + 1, q - p - 1);
        p = q;
        if (!line_name_role(c, st, &who, &role, &have_role))
            continue;
        size_t r = p;
        for (int more = 0; more < 4 && !have_role && r < len; more++) {
            size_t s = r + 1;
            while (s < len && text[s] != '\n')
                s++;
            if (s - r - 1 > 120)
                break;
            load_line(st, text + r + 1, s - r - 1);
            r = s;
            if (skip_labels(st, 0) >= st->n)
                continue;
            role_span_t r2;
            int r2_found = 0;
            if (line_name_role(c, st, &n2, &r2, &r2_found)) {
                if (!same_surname(who.name, n2.name))
                    break; /* someone else */
                who = n2;  /* "PATRICK HARTMAN", then "Patrick Hartman" */
            }
            if (r2_found) {
                role = r2;
                have_role = 1;
            }
        }
        if (have_role)
            return emit(c, who.name, role.code, role.text, F8K_EVENT_SIGNED);
        return F8K_STATUS_SUCCESS;
    }
    return F8K_STATUS_SUCCESS;
}

static f8k_status_t scan_signatures(ctx_t *c, const char *text, size_t len)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    sentence_t *st = &c->sent;
    size_t win_from = 0, win_to = len, found = 0;

    /* Only the report's own signatures, when its sentence can be found. */
    size_t sig = find_ci(text, len, "signed on its behalf");
    if (sig == len)
        sig = find_ci(text, len, "caused this report to be signed");
    if (sig < len) {
        win_from = sig;
        win_to = sig + SIGNATURE_WINDOW < len ? sig + SIGNATURE_WINDOW : len;
    }
    int line_start = 1; /* only blanks since the last newline */
    for (size_t i = win_from; i + 3 <= win_to && status == F8K_STATUS_SUCCESS; i++) {
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
        have_name = line_name_role(c, st, &who, &role, &have_role);
        /* The next few lines: "Judi Irving,", "Name: ...", "Title: ...". */
        size_t p = e;
        for (int lines = 0; lines < 6 && p < len && !have_role; lines++) {
            size_t q = p + 1;
            while (q < len && text[q] != '\n')
                q++;
            if (q - p - 1 > 120)
                break;
            load_line(st, text + p + 1, q - p - 1);
            p = q;
            if (strstr(st->buf, "/s/") || strstr(st->buf, "/S/"))
                break;
            if (skip_date(st, skip_labels(st, 0)) >= st->n)
                continue; /* blank, "------", "Date: May 2, 1994" */
            name_span_t n2;
            role_span_t r2;
            int r2_found = 0;
            if (line_name_role(c, st, &n2, &r2, &r2_found)) {
                if (have_name && !same_surname(who.name, n2.name))
                    break; /* someone else's signature */
                who = n2;  /* the typed name: "/s/ Herb Glaubman", "Herbert Glaubman" */
                have_name = 1;
            }
            if (r2_found) {
                role = r2;
                have_role = 1;
                extend_role(st, text, len, p, &role);
            }
            if (!have_name)
                break;
        }
        if (have_name && have_role) {
            status = emit(c, who.name, role.code, role.text, F8K_EVENT_SIGNED);
            found++;
        }
        i = e;
        line_start = 1;
    }
    /* No "/s/" nor "By": a typed name and title after the sentence ("PATRICK HARTMAN"). */
    if (status == F8K_STATUS_SUCCESS && found == 0 && sig < len)
        status = unmarked_signature(c, text, len, win_from, win_to);
    return status;
}

/* ------------------------------------------------------------------ */
/* Lists: "the following persons were elected directors:" + one a line. */
/* ------------------------------------------------------------------ */

/* Is every token of ST from I on a number, a percentage or punctuation? */
static int only_numbers(const sentence_t *st, size_t i)
{
    for (; i < st->n; i++) {
        const char *p = tptr(st, i);
        if (!isdigit((unsigned char)p[0]) && !(st->tok[i].len == 1 && ispunct((unsigned char)p[0])))
            return 0;
    }
    return 1;
}

/*
 * The line of TEXT ending at END (exclusive) and the one before it, as
 * an introduction ending in ':' with an election ("were elected to
 * serve as Directors:", "the election of directors:") or "following"
 * and an appointment, and a role?
 */
static int list_intro(const char *text, size_t end, sentence_t *st, const trigger_t **t,
                      role_span_t *role)
{
    size_t b = end;
    while (b > 0 && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
        b--;
    if (b == 0 || text[b - 1] != ':')
        return 0;
    size_t a = b;
    for (int lines = 0; lines < 2 && a > 0; lines++) {
        a--;
        while (a > 0 && text[a - 1] != '\n' && b - a < 400)
            a--;
    }
    load_line(st, text + a, b - a);
    int following = 0, have_role = 0;
    *t = NULL;
    for (size_t i = 0; i < st->n; i++) {
        following |= tok_is(st, i, "following") || tok_is(st, i, "follows");
        if (!*t)
            *t = trigger_at(st, i);
        if (!have_role && match_role(st, i, role) && !by_before(st, i, 0))
            have_role = 1;
    }
    /* "were elected as follows:", "With respect to the election of directors:" */
    return have_role && *t &&
           ((following && (*t)->event == F8K_EVENT_APPOINTED) || (*t)->event == F8K_EVENT_ELECTED);
}

static f8k_status_t scan_lists(ctx_t *c, const char *text, size_t len)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    sentence_t *st = &c->sent;
    for (size_t i = 0; i < len && status == F8K_STATUS_SUCCESS; i++) {
        const trigger_t *t = NULL;
        role_span_t role;
        if (text[i] != '\n' || !list_intro(text, i, st, &t, &role))
            continue;
        /* One name a line, maybe with vote counts; a few heading lines first. */
        size_t p = i, names = 0, other = 0;
        while (p < len && names < 64 && other < 8) {
            size_t q = p + 1;
            while (q < len && text[q] != '\n')
                q++;
            if (q - p - 1 > 200)
                break;
            load_line(st, text + p + 1, q - p - 1);
            p = q;
            name_span_t who;
            size_t k = skip_labels(st, 0);
            if (k >= st->n || only_numbers(st, k))
                continue;
            if (match_name(c, st, k, 0, &who) && only_numbers(st, who.b)) {
                status = emit(c, who.name, role.code, role.text, t->event);
                if (status != F8K_STATUS_SUCCESS)
                    break;
                names++;
                other = 0;
            } else if (names > 0 || st->n > 6) {
                break;
            } else {
                other++;
            }
        }
        i = p > i ? p - 1 : i;
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

/*
 * The officers of TEXT, knowing the filer's name COMPANY and the
 * report's DATE ("YYYY-MM-DD"), both may be NULL.
 */
static f8k_status_t officers_from_text(const char *text, size_t len, int signatures, int events,
                                       const char *company, const char *date,
                                       f8k_officer_t **officers, size_t *n, size_t *cap)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    ctx_t *c = calloc(1, sizeof *c);
    if (!c)
        return F8K_STATUS_NOMEM;
    c->officers = officers;
    c->n = n;
    c->cap = cap;
    /* The filer's first word ("ALCOA" of "ALCOA INC"). */
    size_t cl = 0;
    while (company && isalpha((unsigned char)company[cl]))
        cl++;
    if (cl > 0 && (company[cl] == ' ' || company[cl] == ',' || company[cl] == '\0'))
        remember_org(c, company, cl);
    if (date && isdigit((unsigned char)date[0]) && strlen(date) >= 4)
        c->year = atoi(date);
    if (events)
        status = scan_sentences(c, text, len);
    if (status == F8K_STATUS_SUCCESS && events)
        status = scan_lists(c, text, len);
    if (status == F8K_STATUS_SUCCESS && signatures)
        status = scan_signatures(c, text, len);
    free(c);
    return status;
}

f8k_status_t extract_officers_from_text(const char *text, size_t len, int signatures, int events,
                                        f8k_officer_t **officers, size_t *n, size_t *cap)
{
    return officers_from_text(text, len, signatures, events, NULL, NULL, officers, n, cap);
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
        status = officers_from_text(doc->text, doc->text_len, report, 1, filing->company,
                                    filing->date_of_report ? filing->date_of_report : filing->filed,
                                    &filing->officers, &filing->n_officers, &cap);
    }
    return status;
}
