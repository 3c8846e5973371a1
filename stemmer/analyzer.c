/*
 * analyzer.c - the analysis pipeline (f8k_analyzer.h).
 *
 * ICU word segmentation over the caller's UTF-8 (utext_openUTF8, so
 * every boundary is a byte offset) -> skip non-word segments -> fold
 * (NFKC_Casefold, curly quotes to ASCII) -> classify -> Snowball stem
 * -> callback.  The rules are documented in f8k_analyzer.h.
 *
 * Fast paths, each proven identical to the full pipeline over the
 * whole shared corpus by tests/test_analyzer_corpus.c:
 *   - a segment of pure ASCII is folded by lower-casing its bytes,
 *     which is what NFKC_Casefold does to ASCII, with no UTF-16 trip;
 *   - stems of short words are kept in a small direct-mapped cache
 *     per analyzer (libstemmer is the costliest step for words).
 * No allocation happens per token: every buffer lives in the analyzer
 * and only grows.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/uversion.h>

#include <f8k/f8k_analyzer.h>

#include "analysis-private.h"

/* Bump whenever any token, term, stem, class or position can change. */
#define ANALYZER_VERSION 1

/* Long terms: 47 bytes of the word, '~', 16 hex digits of its hash. */
#define HASH_KEEP 47

/* Stem cache: direct-mapped, words up to STEM_CACHE_WORD bytes. */
#define STEM_CACHE_SIZE 4096
#define STEM_CACHE_WORD 30

/* How many tokens after "item"/"items" a number counts as an item number. */
#define ITEM_CONTEXT 3

/* ------------------------------------------------------------------ */
/* Types                                                               */
/* ------------------------------------------------------------------ */

struct stem_entry {
    uint8_t term_len;           /* 0: empty slot */
    uint8_t stem_len;           /* bytes of stem */
    char term[STEM_CACHE_WORD]; /* the folded word */
    char stem[STEM_CACHE_WORD]; /* its Snowball stem */
};

/* A growable buffer of bytes or UTF-16 units. */
struct buffer {
    void *data;      /* malloc'd storage */
    size_t capacity; /* in bytes */
};

/* One token as built, before it is handed out. */
struct term {
    char text[F8K_ANALYZER_MAX_TERM]; /* the term, capped */
    size_t len;                       /* bytes in text */
    bool hashed;                      /* a long word replaced by its hash form */
};

struct f8k_analyzer {
    UBreakIterator *words;       /* clone of the prototype word iterator */
    struct sb_stemmer *stemmer;  /* Snowball English, UTF-8 */
    const UNormalizer2 *nfkc_cf; /* singleton, never closed */
    const UNormalizer2 *nfd;     /* singleton, for accent stripping */
    const UNormalizer2 *nfc;     /* singleton, for accent stripping */
    bool fast_paths;             /* ASCII folding and the stem cache */
    struct buffer u16a, u16b;    /* UTF-16 scratch for folding */
    struct buffer folded;        /* the whole folded word, UTF-8 */
    struct stem_entry *cache;    /* STEM_CACHE_SIZE entries */

    /* Per-call state of f8k_analyze_at(). */
    const char *text;                         /* the caller's text */
    size_t len;                               /* its length */
    int flags;                                /* F8K_ANALYZE_* */
    f8k_token_cb callback;                    /* where tokens go */
    void *closure;                            /* the callback's closure */
    uint32_t position;                        /* position of the next primary token */
    int item_context;                         /* tokens left in which a number is an item */
    char stem[F8K_ANALYZER_MAX_TERM * 4 + 8]; /* copy of the last stem */
    size_t stem_len;                          /* bytes in stem */

    /* The hyphen chain being built (see f8k_analyzer.h). */
    size_t chain_parts;                     /* parts so far */
    size_t chain_end;                       /* byte offset after the last part */
    size_t chain_start;                     /* byte offset of the first part */
    bool chain_letter;                      /* a part contains a letter */
    char joined[F8K_ANALYZER_MAX_TERM * 4]; /* concatenated part terms */
    size_t joined_len;                      /* bytes in joined (capped copy) */
    bool joined_overflow;                   /* parts did not fit: no joined variant */

    /* QUERY|PREFIX: the last primary token is held back to flag it. */
    bool pending;              /* a token is held */
    f8k_token_t pending_token; /* the token, pointing into the copies below */
    char pending_term[F8K_ANALYZER_MAX_TERM];
    char pending_stem[F8K_ANALYZER_MAX_TERM * 4 + 8];
};

/* ------------------------------------------------------------------ */
/* Process-wide version string                                         */
/* ------------------------------------------------------------------ */

static pthread_once_t proto_once = PTHREAD_ONCE_INIT;
static char version_string[160];

/*
 * ICU's compiled word-break rules for "en", copied once per process
 * (kept to the end of the process); every analyzer opens its own
 * iterator on them with ubrk_openBinaryRules.  Neither cloning a
 * prototype nor ubrk_open per analyzer: under a failed allocation ICU
 * 72's ubrk_clone dereferences NULL and ubrk_open leaks, while
 * ubrk_openBinaryRules reports U_MEMORY_ALLOCATION_ERROR and frees
 * what it took (tests/RELIABILITY.md, "Allocation failures").  Loaded
 * under a mutex, not pthread_once, so that a failed load is retried.
 */
static pthread_mutex_t word_rules_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *word_rules;
static int32_t word_rules_len;

static UErrorCode load_word_rules(void)
{
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *bi = NULL;
    uint8_t *rules = NULL;
    int32_t len = 0;

    pthread_mutex_lock(&word_rules_lock);
    if (word_rules != NULL)
        goto done;
    bi = ubrk_open(UBRK_WORD, "en", NULL, 0, &status);
    if (U_SUCCESS(status) && bi == NULL)
        status = U_MEMORY_ALLOCATION_ERROR;
    if (U_SUCCESS(status))
        len = ubrk_getBinaryRules(bi, NULL, 0, &status); /* the size */
    if (U_SUCCESS(status) && len <= 0)
        status = U_INTERNAL_PROGRAM_ERROR;
    if (U_SUCCESS(status)) {
        rules = malloc((size_t)len);
        if (rules == NULL)
            status = U_MEMORY_ALLOCATION_ERROR;
    }
    if (U_SUCCESS(status))
        ubrk_getBinaryRules(bi, rules, len, &status);
    if (U_SUCCESS(status)) {
        word_rules = rules;
        word_rules_len = len;
        rules = NULL;
    }
done:
    pthread_mutex_unlock(&word_rules_lock);
    free(rules);
    ubrk_close(bi);
    return status;
}

/* A fixed word list whose stems fingerprint the libstemmer build. */
static const char *const fingerprint_words[] = {
    "generously",  "consignment", "appointed",   "resignation", "officers",   "directors",
    "agreement",   "agreements",  "financial",   "acquisition", "happily",    "relational",
    "conditional", "vileness",    "hopefulness", "formalize",   "electrical", "adjustment",
    "dying",       "lying",       "news",        "sky",         "skies",      "atlas",
    "cosmos",      "bias",        "andes",       "succeeded",   "proceeding", "exceeded",
    "company's",   "arising",     "inning",      "outing",      "canning",    "herring",
    "earring",     "proceed",     "exceed",      "succeed",     "gently",     "ugly",
    "early",       "only",        "singly",      "howe",        "commun",     "generate",
    "generic",     "past",
};

static uint64_t fnv1a(const char *s, size_t len, uint64_t h)
{
    size_t i;
    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)

static void init_prototypes(void)
{
    UVersionInfo icu, uni;
    char icu_s[U_MAX_VERSION_STRING_LENGTH], uni_s[U_MAX_VERSION_STRING_LENGTH];
    struct sb_stemmer *stemmer = NULL;
    uint64_t h = FNV_OFFSET;
    size_t i;

    stemmer = sb_stemmer_new("english", "UTF_8");
    for (i = 0; stemmer != NULL && i < sizeof fingerprint_words / sizeof fingerprint_words[0];
         i++) {
        const char *w = fingerprint_words[i];
        const sb_symbol *s = sb_stemmer_stem(stemmer, (const sb_symbol *)w, (int)strlen(w));
        if (s != NULL)
            h = fnv1a((const char *)s, (size_t)sb_stemmer_length(stemmer), h);
        h = fnv1a("\n", 1, h);
    }
    sb_stemmer_delete(stemmer);

    u_getVersion(icu);
    u_versionToString(icu, icu_s);
    u_getUnicodeVersion(uni);
    u_versionToString(uni, uni_s);
    snprintf(version_string, sizeof version_string,
             "f8k-analyzer/%d icu/%s unicode/%s snowball-english/%016llx", ANALYZER_VERSION, icu_s,
             uni_s, (unsigned long long)h);
}

unsigned f8k_analyzer_version(void)
{
    return ANALYZER_VERSION;
}

const char *f8k_analyzer_version_string(void)
{
    pthread_once(&proto_once, init_prototypes);
    return version_string;
}

const char *f8k_token_class_name(f8k_token_class_t token_class)
{
    static const char *const names[] = {"word",    "number", "item",       "amount",
                                        "percent", "date",   "identifier", "form"};
    if ((unsigned)token_class >= sizeof names / sizeof names[0])
        return "unknown";
    return names[token_class];
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */
/* ------------------------------------------------------------------ */

f8k_status_t f8k_analyzer_new(const char *language, f8k_analyzer_t **analyzer_out)
{
    UErrorCode status = U_ZERO_ERROR;
    f8k_analyzer_t *a = NULL;
    f8k_status_t result = F8K_STATUS_SUCCESS;

    if (analyzer_out == NULL)
        return F8K_STATUS_INVALID_ARG;
    *analyzer_out = NULL;
    if (language != NULL && strcmp(language, "en") != 0 && strcmp(language, "english") != 0)
        return F8K_STATUS_UNSUPPORTED;

    a = calloc(1, sizeof *a);
    if (a == NULL)
        return F8K_STATUS_NOMEM;
    a->fast_paths = true;
    status = load_word_rules();
    if (U_SUCCESS(status))
        a->words = ubrk_openBinaryRules(word_rules, word_rules_len, NULL, 0, &status);
    if (U_SUCCESS(status) && a->words == NULL)
        status = U_MEMORY_ALLOCATION_ERROR;
    if (U_SUCCESS(status))
        a->nfkc_cf = unorm2_getNFKCCasefoldInstance(&status);
    if (U_SUCCESS(status))
        a->nfd = unorm2_getNFDInstance(&status);
    if (U_SUCCESS(status))
        a->nfc = unorm2_getNFCInstance(&status);
    if (U_FAILURE(status) || a->nfkc_cf == NULL || a->nfd == NULL || a->nfc == NULL) {
        result = status == U_MEMORY_ALLOCATION_ERROR ? F8K_STATUS_NOMEM : F8K_STATUS_ICU;
        goto done;
    }
    a->stemmer = sb_stemmer_new("english", "UTF_8");
    a->cache = calloc(STEM_CACHE_SIZE, sizeof *a->cache);
    if (a->stemmer == NULL || a->cache == NULL) {
        result = F8K_STATUS_NOMEM;
        goto done;
    }
    *analyzer_out = a;
    a = NULL;
done:
    f8k_analyzer_free(a);
    return result;
}

void f8k_analyzer_free(f8k_analyzer_t *analyzer)
{
    if (analyzer == NULL)
        return;
    ubrk_close(analyzer->words);
    sb_stemmer_delete(analyzer->stemmer);
    free(analyzer->u16a.data);
    free(analyzer->u16b.data);
    free(analyzer->folded.data);
    free(analyzer->cache);
    free(analyzer);
}

void analysis_set_fast_paths(f8k_analyzer_t *analyzer, bool enabled)
{
    if (analyzer != NULL)
        analyzer->fast_paths = enabled;
}

/* ------------------------------------------------------------------ */
/* Folding                                                             */
/* ------------------------------------------------------------------ */

/* Make BUF hold at least SIZE bytes; false on overflow or OOM. */
static bool buffer_reserve(struct buffer *buf, size_t size)
{
    void *grown = NULL;
    size_t cap = buf->capacity ? buf->capacity : 256;

    if (size <= buf->capacity)
        return true;
    while (cap < size) {
        if (cap > SIZE_MAX / 2)
            return false;
        cap *= 2;
    }
    grown = realloc(buf->data, cap);
    if (grown == NULL)
        return false;
    buf->data = grown;
    buf->capacity = cap;
    return true;
}

static f8k_status_t icu_status(UErrorCode status)
{
    return status == U_MEMORY_ALLOCATION_ERROR ? F8K_STATUS_NOMEM : F8K_STATUS_ICU;
}

/*
 * UTF-8 S[0..LEN) to UTF-16 in OUT (invalid bytes as U+FFFD); the
 * number of units goes to *OUT_LEN.
 */
static f8k_status_t to_utf16(struct buffer *out, const char *s, size_t len, int32_t *out_len)
{
    UErrorCode status = U_ZERO_ERROR;

    /* A UTF-8 byte gives at most one UTF-16 unit. */
    if (len >= (size_t)INT32_MAX / 2)
        return F8K_STATUS_NOMEM;
    if (!buffer_reserve(out, (len + 1) * sizeof(UChar)))
        return F8K_STATUS_NOMEM;
    u_strFromUTF8WithSub(out->data, (int32_t)len + 1, out_len, s, (int32_t)len, 0xFFFD, NULL,
                         &status);
    return U_FAILURE(status) ? icu_status(status) : F8K_STATUS_SUCCESS;
}

/* Normalize IN[0..IN_LEN) with NORM into OUT, growing it as needed. */
static f8k_status_t normalize(const UNormalizer2 *norm, const UChar *in, int32_t in_len,
                              struct buffer *out, int32_t *out_len)
{
    UErrorCode status = U_ZERO_ERROR;
    int32_t cap = (int32_t)(out->capacity / sizeof(UChar));
    int32_t n = unorm2_normalize(norm, in, in_len, out->data, cap, &status);

    if (status == U_BUFFER_OVERFLOW_ERROR) {
        if (n >= INT32_MAX / 2 || !buffer_reserve(out, ((size_t)n + 1) * sizeof(UChar)))
            return F8K_STATUS_NOMEM;
        status = U_ZERO_ERROR;
        n = unorm2_normalize(norm, in, in_len, out->data, n + 1, &status);
    }
    if (U_FAILURE(status))
        return icu_status(status);
    *out_len = n;
    return F8K_STATUS_SUCCESS;
}

/* UTF-16 IN to UTF-8 in OUT (NUL-free: U+0000 cannot occur in a word). */
static f8k_status_t to_utf8(const UChar *in, int32_t in_len, struct buffer *out, size_t *out_len)
{
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = 0;

    if (in_len >= INT32_MAX / 3 || !buffer_reserve(out, (size_t)in_len * 3 + 1))
        return F8K_STATUS_NOMEM;
    u_strToUTF8WithSub(out->data, in_len * 3 + 1, &n, in, in_len, 0xFFFD, NULL, &status);
    if (U_FAILURE(status))
        return icu_status(status);
    *out_len = (size_t)n;
    return F8K_STATUS_SUCCESS;
}

/* The full pipeline: NFKC_Casefold of S[0..LEN), quotes to ASCII, into a->folded. */
static f8k_status_t fold_icu(f8k_analyzer_t *a, const char *s, size_t len, size_t *out_len)
{
    int32_t n16 = 0, nf = 0, i;
    UChar *u = NULL;
    f8k_status_t st = to_utf16(&a->u16a, s, len, &n16);

    if (st == F8K_STATUS_SUCCESS)
        st = normalize(a->nfkc_cf, a->u16a.data, n16, &a->u16b, &nf);
    if (st != F8K_STATUS_SUCCESS)
        return st;
    u = a->u16b.data;
    for (i = 0; i < nf; i++) {
        switch (u[i]) {
        case 0x2018: /* left single quotation mark */
        case 0x2019: /* right single quotation mark, the curly apostrophe */
        case 0x201B: /* single high-reversed-9 quotation mark */
        case 0x2032: /* prime */
            u[i] = 0x27;
            break;
        case 0x201C: /* left double quotation mark */
        case 0x201D: /* right double quotation mark */
            u[i] = 0x22;
            break;
        default:
            break;
        }
    }
    return to_utf8(u, nf, &a->folded, out_len);
}

/* Fast path: S is pure ASCII, whose NFKC_Casefold is its lower case. */
static f8k_status_t fold_ascii(f8k_analyzer_t *a, const char *s, size_t len, size_t *out_len)
{
    char *o = NULL;
    size_t i;

    if (!buffer_reserve(&a->folded, len + 1))
        return F8K_STATUS_NOMEM;
    o = a->folded.data;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        o[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    *out_len = len;
    return F8K_STATUS_SUCCESS;
}

static bool is_ascii(const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        if ((unsigned char)s[i] >= 0x80)
            return false;
    }
    return true;
}

/* Fold S[0..LEN) into a->folded (not NUL-terminated). */
static f8k_status_t fold(f8k_analyzer_t *a, const char *s, size_t len, size_t *out_len)
{
    if (a->fast_paths && is_ascii(s, len))
        return fold_ascii(a, s, len, out_len);
    return fold_icu(a, s, len, out_len);
}

/* Cap the folded word W[0..LEN) into T (see "Length" in f8k_analyzer.h). */
static void make_term(struct term *t, const char *w, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t h = 0;
    size_t keep = HASH_KEEP, i;

    if (len <= F8K_ANALYZER_MAX_TERM) {
        memcpy(t->text, w, len);
        t->len = len;
        t->hashed = false;
        return;
    }
    /* Cut before a continuation byte so the kept part stays valid UTF-8. */
    while (keep > 0 && ((unsigned char)w[keep] & 0xC0) == 0x80)
        keep--;
    memcpy(t->text, w, keep);
    t->text[keep] = '~';
    h = fnv1a(w, len, FNV_OFFSET);
    for (i = 0; i < 16; i++)
        t->text[keep + 1 + i] = hex[(h >> (60 - 4 * i)) & 0xF];
    t->len = keep + 17;
    t->hashed = true;
}

/* ------------------------------------------------------------------ */
/* Stemming                                                            */
/* ------------------------------------------------------------------ */

/* Stem T into a->stem (a copy: libstemmer's buffer dies at the next call). */
static f8k_status_t stem_term(f8k_analyzer_t *a, const struct term *t)
{
    const sb_symbol *s = NULL;
    struct stem_entry *e = NULL;
    size_t n = 0;

    if (a->fast_paths && t->len <= STEM_CACHE_WORD) {
        e = &a->cache[fnv1a(t->text, t->len, FNV_OFFSET) & (STEM_CACHE_SIZE - 1)];
        if (e->term_len == t->len && memcmp(e->term, t->text, t->len) == 0) {
            memcpy(a->stem, e->stem, e->stem_len);
            a->stem_len = e->stem_len;
            return F8K_STATUS_SUCCESS;
        }
    }
    s = sb_stemmer_stem(a->stemmer, (const sb_symbol *)t->text, (int)t->len);
    if (s == NULL)
        return F8K_STATUS_NOMEM;
    n = (size_t)sb_stemmer_length(a->stemmer);
    if (n > sizeof a->stem)
        n = sizeof a->stem;
    memcpy(a->stem, s, n);
    a->stem_len = n;
    if (e != NULL && n <= STEM_CACHE_WORD) {
        memcpy(e->term, t->text, t->len);
        e->term_len = (uint8_t)t->len;
        memcpy(e->stem, s, n);
        e->stem_len = (uint8_t)n;
    }
    return F8K_STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Emission                                                            */
/* ------------------------------------------------------------------ */

static f8k_status_t flush_pending(f8k_analyzer_t *a, bool last)
{
    if (!a->pending)
        return F8K_STATUS_SUCCESS;
    a->pending = false;
    if (last)
        a->pending_token.flags |= F8K_TOKEN_PREFIX;
    return a->callback(a->closure, &a->pending_token);
}

/*
 * Hand out term T of class CLASS over [START, END).  A primary token
 * takes the next position; a variant repeats the last one.  Stems are
 * computed here for WORD terms that do not start with a digit.
 */
static f8k_status_t emit(f8k_analyzer_t *a, const struct term *t, f8k_token_class_t cls,
                         size_t start, size_t end, bool variant)
{
    f8k_token_t tok;
    f8k_status_t st = F8K_STATUS_SUCCESS;

    if (t->len == 0)
        return F8K_STATUS_SUCCESS;
    if (variant && !(a->flags & F8K_ANALYZE_DOCUMENT))
        return F8K_STATUS_SUCCESS;
    memset(&tok, 0, sizeof tok);
    tok.term = t->text;
    tok.term_len = t->len;
    if (cls == F8K_TOKEN_WORD && !t->hashed && !(t->text[0] >= '0' && t->text[0] <= '9')) {
        st = stem_term(a, t);
        if (st != F8K_STATUS_SUCCESS)
            return st;
        tok.stem = a->stem;
        tok.stem_len = a->stem_len;
    }
    if (variant) {
        tok.position = a->position - 1;
        tok.flags = F8K_TOKEN_VARIANT;
    } else {
        tok.position = a->position;
        if (a->position < UINT32_MAX)
            a->position++;
    }
    tok.start = start;
    tok.end = end;
    tok.token_class = cls;
    if (!(a->flags & F8K_ANALYZE_PREFIX) || variant)
        return a->callback(a->closure, &tok);

    /* PREFIX: hold this token back until the next one shows it was not last. */
    st = flush_pending(a, false);
    if (st != F8K_STATUS_SUCCESS)
        return st;
    memcpy(a->pending_term, tok.term, tok.term_len);
    tok.term = a->pending_term;
    if (tok.stem != NULL) {
        memcpy(a->pending_stem, tok.stem, tok.stem_len);
        tok.stem = a->pending_stem;
    }
    a->pending_token = tok;
    a->pending = true;
    return F8K_STATUS_SUCCESS;
}

/* The accent-stripped variant of T, when T has any accent. */
static f8k_status_t emit_unaccented(f8k_analyzer_t *a, const struct term *t, size_t start,
                                    size_t end)
{
    int32_t n16 = 0, nd = 0, nc = 0, i, o = 0;
    UChar *u = NULL;
    size_t n8 = 0;
    struct term v;
    f8k_status_t st = F8K_STATUS_SUCCESS;

    if (t->hashed || is_ascii(t->text, t->len) || !(a->flags & F8K_ANALYZE_DOCUMENT))
        return F8K_STATUS_SUCCESS;
    st = to_utf16(&a->u16a, t->text, t->len, &n16);
    if (st == F8K_STATUS_SUCCESS)
        st = normalize(a->nfd, a->u16a.data, n16, &a->u16b, &nd);
    if (st != F8K_STATUS_SUCCESS)
        return st;
    u = a->u16b.data;
    for (i = 0; i < nd; i++) {
        if (u_charType(u[i]) != U_NON_SPACING_MARK)
            u[o++] = u[i];
    }
    if (o == nd)
        return F8K_STATUS_SUCCESS;
    st = normalize(a->nfc, u, o, &a->u16a, &nc);
    if (st == F8K_STATUS_SUCCESS)
        st = to_utf8(a->u16a.data, nc, &a->folded, &n8);
    if (st != F8K_STATUS_SUCCESS)
        return st;
    make_term(&v, a->folded.data, n8);
    if (v.len == t->len && memcmp(v.text, t->text, t->len) == 0)
        return F8K_STATUS_SUCCESS;
    return emit(a, &v, F8K_TOKEN_WORD, start, end, true);
}

/* End the hyphen chain: its joined variant, when it has one. */
static f8k_status_t end_chain(f8k_analyzer_t *a)
{
    struct term j;
    bool emit_it = a->chain_parts >= 2 && a->chain_letter && !a->joined_overflow;

    a->chain_parts = 0;
    if (!emit_it)
        return F8K_STATUS_SUCCESS;
    make_term(&j, a->joined, a->joined_len);
    return emit(a, &j, F8K_TOKEN_WORD, a->chain_start, a->chain_end, true);
}

/* Length of a hyphen (ASCII, U+2010 or U+2011) exactly filling S[0..LEN), else 0. */
static bool is_hyphen(const char *s, size_t len)
{
    if (len == 1)
        return s[0] == '-';
    return len == 3 && memcmp(s, "\xE2\x80", 2) == 0 &&
           ((unsigned char)s[2] == 0x90 || (unsigned char)s[2] == 0x91);
}

/* Add the plain token T over [START, END) to the hyphen chain. */
static f8k_status_t chain_token(f8k_analyzer_t *a, const struct term *t, size_t start, size_t end,
                                bool letter)
{
    f8k_status_t st = F8K_STATUS_SUCCESS;

    if (a->chain_parts > 0 &&
        !(start > a->chain_end && is_hyphen(a->text + a->chain_end, start - a->chain_end))) {
        st = end_chain(a);
        if (st != F8K_STATUS_SUCCESS)
            return st;
    }
    if (a->chain_parts == 0) {
        a->chain_start = start;
        a->chain_letter = false;
        a->joined_len = 0;
        a->joined_overflow = false;
    }
    a->chain_parts++;
    a->chain_end = end;
    a->chain_letter = a->chain_letter || letter;
    if (t->hashed || a->joined_len + t->len > sizeof a->joined) {
        a->joined_overflow = true;
    } else {
        memcpy(a->joined + a->joined_len, t->text, t->len);
        a->joined_len += t->len;
    }
    return F8K_STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Patterns kept whole                                                 */
/* ------------------------------------------------------------------ */

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Count digits at S[*p..], at most MAX, advancing *p. */
static size_t digits(const char *s, size_t len, size_t *p, size_t max)
{
    size_t n = 0;
    while (*p < len && n < max && is_digit((unsigned char)s[*p])) {
        (*p)++;
        n++;
    }
    return n;
}

/*
 * True when a pattern may end at P: the text ends, or the next byte is
 * neither a letter, a digit, non-ASCII, nor punctuation glued to one
 * ("2003.5", "8-K-1", "06/27/2003/x").
 */
static bool pattern_boundary(const char *s, size_t len, size_t p)
{
    unsigned char c;
    if (p >= len)
        return true;
    c = (unsigned char)s[p];
    if (is_digit(c) || is_alpha(c) || c >= 0x80 || c == '_')
        return false;
    if ((c == '.' || c == ',' || c == '/' || c == '-' || c == '\'' || c == ':') && p + 1 < len) {
        unsigned char d = (unsigned char)s[p + 1];
        if (is_digit(d) || is_alpha(d) || d >= 0x80)
            return false;
    }
    return true;
}

/*
 * Match a multi-segment pattern at S[START..]: accession number, date
 * or form name.  Returns its end (0 when none) and its class.
 */
static size_t match_pattern(const char *s, size_t len, size_t start, f8k_token_class_t *cls)
{
    size_t p = start, q = 0;
    size_t a = digits(s, len, &p, 10);

    /* Accession number: 10-2-6 digits. */
    q = p;
    if (a == 10 && q < len && s[q] == '-') {
        q++;
        if (digits(s, len, &q, 2) == 2 && q < len && s[q] == '-') {
            q++;
            if (digits(s, len, &q, 6) == 6 && pattern_boundary(s, len, q)) {
                *cls = F8K_TOKEN_IDENTIFIER;
                return q;
            }
        }
    }
    /* Dates: M/D/YYYY or M/D/YY, and YYYY-MM-DD. */
    q = p;
    if ((a == 1 || a == 2) && q < len && s[q] == '/') {
        q++;
        size_t b = digits(s, len, &q, 2);
        if ((b == 1 || b == 2) && q < len && s[q] == '/') {
            q++;
            size_t y = digits(s, len, &q, 4);
            if ((y == 2 || y == 4) && pattern_boundary(s, len, q) && !(q < len && s[q] == '/')) {
                *cls = F8K_TOKEN_DATE;
                return q;
            }
        }
    }
    q = p;
    if (a == 4 && q < len && s[q] == '-') {
        q++;
        if (digits(s, len, &q, 2) == 2 && q < len && s[q] == '-') {
            q++;
            if (digits(s, len, &q, 2) == 2 && pattern_boundary(s, len, q)) {
                *cls = F8K_TOKEN_DATE;
                return q;
            }
        }
    }
    /* Form names: 8-K, 10-K405, 10-Q, 20-F, 8-K/A. */
    q = p;
    if ((a == 1 || a == 2) && q < len && s[q] == '-') {
        size_t letters = 0, r = 0;
        q++;
        while (q < len && letters < 3 && is_alpha((unsigned char)s[q])) {
            q++;
            letters++;
        }
        if (letters >= 1 && letters <= 2) {
            digits(s, len, &q, 3);
            r = q;
            if (r + 1 < len && s[r] == '/' && (s[r + 1] == 'A' || s[r + 1] == 'a') &&
                pattern_boundary(s, len, r + 2)) {
                *cls = F8K_TOKEN_FORM;
                return r + 2;
            }
            if (pattern_boundary(s, len, q)) {
                *cls = F8K_TOKEN_FORM;
                return q;
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The pipeline                                                        */
/* ------------------------------------------------------------------ */

/* A pattern over [START, END): one token (plus a variant for some). */
static f8k_status_t emit_pattern(f8k_analyzer_t *a, size_t start, size_t end, f8k_token_class_t cls)
{
    struct term t;
    size_t n = 0;
    f8k_status_t st = end_chain(a);

    if (st == F8K_STATUS_SUCCESS)
        st = fold_ascii(a, a->text + start, end - start, &n);
    if (st != F8K_STATUS_SUCCESS)
        return st;
    make_term(&t, a->folded.data, n);
    st = emit(a, &t, cls, start, end, false);
    if (st == F8K_STATUS_SUCCESS && cls == F8K_TOKEN_FORM && t.len > 2 &&
        t.text[t.len - 2] == '/') {
        t.len -= 2;
        st = emit(a, &t, cls, start, end, true);
    }
    return st;
}

/* Is T a number that can be an item number (5, 5.02, 9.01)? */
static bool item_shaped(const struct term *t)
{
    size_t i = 0;
    while (i < t->len && is_digit((unsigned char)t->text[i]))
        i++;
    if (i < 1 || i > 2)
        return false;
    if (i == t->len)
        return true;
    if (t->text[i] != '.')
        return false;
    return t->len - i - 1 >= 1 && t->len - i - 1 <= 2 && is_digit((unsigned char)t->text[i + 1]) &&
           is_digit((unsigned char)t->text[t->len - 1]);
}

/* An ICU word segment [START, END) with rule status RULE. */
static f8k_status_t do_segment(f8k_analyzer_t *a, size_t start, size_t end, int32_t rule)
{
    struct term t, v;
    size_t n = 0, i;
    f8k_status_t st = F8K_STATUS_SUCCESS;
    f8k_token_class_t cls = F8K_TOKEN_WORD;
    bool number = rule >= UBRK_WORD_NUMBER && rule < UBRK_WORD_NUMBER_LIMIT;
    bool letter = false;

    st = fold(a, a->text + start, end - start, &n);
    if (st != F8K_STATUS_SUCCESS || n == 0)
        return st;
    make_term(&t, a->folded.data, n);

    if (number && !t.hashed) {
        cls = F8K_TOKEN_NUMBER;
        if (start > 0 && a->text[start - 1] == '$' && t.len < F8K_ANALYZER_MAX_TERM) {
            /* "$1.5": the amount, then the bare number as a variant. */
            st = end_chain(a);
            v = t;
            memmove(t.text + 1, t.text, t.len);
            t.text[0] = '$';
            t.len++;
            if (st == F8K_STATUS_SUCCESS)
                st = emit(a, &t, F8K_TOKEN_AMOUNT, start - 1, end, false);
            if (st == F8K_STATUS_SUCCESS)
                st = emit(a, &v, F8K_TOKEN_NUMBER, start, end, true);
            a->item_context = a->item_context > 0 ? a->item_context - 1 : 0;
            return st;
        }
        if (end < a->len && a->text[end] == '%' && t.len < F8K_ANALYZER_MAX_TERM) {
            st = end_chain(a);
            v = t;
            t.text[t.len++] = '%';
            if (st == F8K_STATUS_SUCCESS)
                st = emit(a, &t, F8K_TOKEN_PERCENT, start, end + 1, false);
            if (st == F8K_STATUS_SUCCESS)
                st = emit(a, &v, F8K_TOKEN_NUMBER, start, end, true);
            a->item_context = a->item_context > 0 ? a->item_context - 1 : 0;
            return st;
        }
        if (t.len == 10 && is_ascii(t.text, t.len)) {
            cls = F8K_TOKEN_IDENTIFIER;
            for (i = 0; i < t.len; i++) {
                if (!is_digit((unsigned char)t.text[i]))
                    cls = F8K_TOKEN_NUMBER;
            }
        }
        if (cls == F8K_TOKEN_NUMBER && a->item_context > 0 && item_shaped(&t)) {
            cls = F8K_TOKEN_ITEM;
            a->item_context = ITEM_CONTEXT + 1;
        }
    }
    for (i = 0; i < t.len && !letter; i++)
        letter = !is_digit((unsigned char)t.text[i]) && t.text[i] != '.' && t.text[i] != ',';

    st = chain_token(a, &t, start, end, letter);
    if (st == F8K_STATUS_SUCCESS)
        st = emit(a, &t, cls, start, end, false);
    if (st == F8K_STATUS_SUCCESS && cls == F8K_TOKEN_WORD)
        st = emit_unaccented(a, &t, start, end);

    if ((t.len == 4 && memcmp(t.text, "item", 4) == 0) ||
        (t.len == 5 && memcmp(t.text, "items", 5) == 0))
        a->item_context = ITEM_CONTEXT;
    else if (a->item_context > 0)
        a->item_context--;
    return st;
}

/* ------------------------------------------------------------------ */
/* ASCII segmentation fast path                                        */
/* ------------------------------------------------------------------ */

/*
 * ICU's word segmentation (UAX #29) on ASCII, where it is simple: a
 * run of letters and digits is one segment, and it ends where the next
 * byte can join nothing.  Bytes that can join (".,':;" between two
 * alphanumerics, "_" anywhere) and every non-ASCII byte are left to
 * ICU.  Positions handled here are always ICU boundaries, so the
 * two mix freely; test_analyzer_corpus.c proves the token streams
 * identical over the corpus.
 */

static bool is_alnum(unsigned char c)
{
    return is_digit(c) || is_alpha(c);
}

/* Bytes that join alphanumerics in UAX #29 (MidLetter, MidNum, MidNumLet, ExtendNumLet). */
static bool is_joiner(unsigned char c)
{
    return c == '.' || c == ',' || c == '\'' || c == ':' || c == ';' || c == '_';
}

/* True when an alphanumeric run followed by S[Q] certainly ends at Q. */
static bool run_ends_at(const char *s, size_t len, size_t q)
{
    unsigned char c, d;
    if (q >= len)
        return true;
    c = (unsigned char)s[q];
    /* ICU counts '@' as a letter (e-mail addresses stay whole). */
    if (c >= 0x80 || c == '_' || c == '@')
        return false;
    if (!is_joiner(c))
        return true;
    if (q + 1 >= len)
        return true;
    d = (unsigned char)s[q + 1];
    return d < 0x80 && !is_alnum(d) && d != '_' && d != '@';
}

/* The first ICU boundary at or after P (P > 0, just after an ASCII alphanumeric). */
static size_t boundary_from(f8k_analyzer_t *a, size_t p)
{
    int32_t b;
    if (p >= a->len || run_ends_at(a->text, a->len, p))
        return p;
    b = ubrk_following(a->words, (int32_t)p - 1);
    return b == UBRK_DONE ? a->len : (size_t)b;
}

/* The segmentation loop with the ASCII fast path; same tokens as the ICU loop. */
static f8k_status_t segment_fast(f8k_analyzer_t *a)
{
    const char *s = a->text;
    size_t len = a->len, pos = 0;
    f8k_status_t st = F8K_STATUS_SUCCESS;

    while (pos < len && st == F8K_STATUS_SUCCESS) {
        unsigned char c = (unsigned char)s[pos];
        size_t q = pos, pend = 0;
        int32_t end = 0, rule = 0;
        f8k_token_class_t cls = F8K_TOKEN_WORD;
        bool digit = false, alpha = false;

        if (is_digit(c)) {
            pend = match_pattern(s, len, pos, &cls);
            if (pend > 0) {
                st = emit_pattern(a, pos, pend, cls);
                pos = boundary_from(a, pend);
                continue;
            }
        }
        if (is_alnum(c)) {
            while (q < len && is_alnum((unsigned char)s[q])) {
                digit = digit || is_digit((unsigned char)s[q]);
                alpha = alpha || !is_digit((unsigned char)s[q]);
                q++;
            }
            if (!(digit && alpha) && run_ends_at(s, len, q)) {
                st = do_segment(a, pos, q, alpha ? UBRK_WORD_LETTER : UBRK_WORD_NUMBER);
                pos = q;
                continue;
            }
        } else if (c < 0x80 && c != '_' && c != '@' &&
                   (pos + 1 >= len || (unsigned char)s[pos + 1] < 0x80)) {
            /* A lone ASCII non-word byte: never part of a word here. */
            pos++;
            continue;
        }
        /* Anything else: ICU decides the segment that starts here. */
        end = ubrk_following(a->words, (int32_t)pos);
        if (end == UBRK_DONE)
            break;
        rule = ubrk_getRuleStatus(a->words);
        if (rule >= UBRK_WORD_NONE_LIMIT) {
            pend = 0;
            if (is_digit(c))
                pend = match_pattern(s, len, pos, &cls);
            if (pend > 0) {
                st = emit_pattern(a, pos, pend, cls);
                pos = boundary_from(a, pend);
                continue;
            }
            st = do_segment(a, pos, (size_t)end, rule);
        }
        pos = (size_t)end;
    }
    return st;
}

f8k_status_t f8k_analyze_at(f8k_analyzer_t *analyzer, int flags, const char *text, size_t len,
                            uint32_t first_position, f8k_token_cb callback, void *closure,
                            uint32_t *next_position_out)
{
    UErrorCode status = U_ZERO_ERROR;
    UText *ut = NULL;
    f8k_analyzer_t *a = analyzer;
    f8k_status_t st = F8K_STATUS_SUCCESS;
    int mode = flags & (F8K_ANALYZE_DOCUMENT | F8K_ANALYZE_QUERY);
    int32_t start = 0, end = 0;
    size_t skip_until = 0;

    if (next_position_out != NULL)
        *next_position_out = first_position;
    if (a == NULL || callback == NULL || (text == NULL && len > 0) || first_position == 0 ||
        (mode != F8K_ANALYZE_DOCUMENT && mode != F8K_ANALYZE_QUERY) ||
        (flags & ~(F8K_ANALYZE_DOCUMENT | F8K_ANALYZE_QUERY | F8K_ANALYZE_PREFIX)) != 0 ||
        len > (size_t)INT32_MAX)
        return F8K_STATUS_INVALID_ARG;
    if (len == 0)
        return F8K_STATUS_SUCCESS;

    a->text = text;
    a->len = len;
    a->flags = mode == F8K_ANALYZE_QUERY ? flags : F8K_ANALYZE_DOCUMENT;
    a->callback = callback;
    a->closure = closure;
    a->position = first_position;
    a->item_context = 0;
    a->chain_parts = 0;
    a->pending = false;

    ut = utext_openUTF8(NULL, text, (int64_t)len, &status);
    ubrk_setUText(a->words, ut, &status);
    if (U_FAILURE(status)) {
        st = icu_status(status);
        goto done;
    }
    if (a->fast_paths) {
        st = segment_fast(a);
        goto finish;
    }
    start = ubrk_first(a->words);
    for (end = ubrk_next(a->words); end != UBRK_DONE && st == F8K_STATUS_SUCCESS;
         start = end, end = ubrk_next(a->words)) {
        int32_t rule = 0;
        f8k_token_class_t cls = F8K_TOKEN_WORD;
        size_t pend = 0;

        if ((size_t)start < skip_until)
            continue;
        rule = ubrk_getRuleStatus(a->words);
        if (rule < UBRK_WORD_NONE_LIMIT)
            continue;
        if (is_digit((unsigned char)text[start])) {
            pend = match_pattern(text, len, (size_t)start, &cls);
            if (pend > 0) {
                skip_until = pend;
                st = emit_pattern(a, (size_t)start, pend, cls);
                continue;
            }
        }
        st = do_segment(a, (size_t)start, (size_t)end, rule);
    }
finish:
    if (st == F8K_STATUS_SUCCESS)
        st = end_chain(a);
    if (st == F8K_STATUS_SUCCESS)
        st = flush_pending(a, true);
done:
    /* Detach the caller's text from the iterator before it goes away. */
    ubrk_setText(a->words, NULL, 0, &status);
    utext_close(ut);
    if (next_position_out != NULL)
        *next_position_out = a->position;
    a->pending = false;
    a->text = NULL;
    return st;
}

f8k_status_t f8k_analyze(f8k_analyzer_t *analyzer, int flags, const char *text, size_t len,
                         f8k_token_cb callback, void *closure)
{
    return f8k_analyze_at(analyzer, flags, text, len, 1, callback, closure, NULL);
}
