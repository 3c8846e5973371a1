/*
 * f8k_analyzer.h - the one analyzer shared by the indexer and the query side.
 *
 * Implemented in stemmer/ (ICU + Snowball).  The pipeline, per word:
 * ICU word segmentation over the caller's UTF-8 (byte offsets), skip
 * non-word segments, NFKC_Casefold (plus curly apostrophes and quotes
 * folded to ASCII), Snowball English stem.  Index and query call the
 * same function; the mode flag only changes which extra variant
 * tokens are emitted (see f8k_token_t.flags).
 *
 * Rules, exactly (the test tables in tests/test_analyzer.c pin them):
 *
 *  - Terms are NFKC_Casefold of the word: "ﬁnancial" -> "financial",
 *    "ＣＦＯ" -> "cfo", "Straße" -> "strasse", "CAFÉ" -> "café".
 *    U+2018/2019/201B/2032 fold to "'", U+201C/201D to '"'.
 *  - Accents: a term with combining marks after NFD is followed, in
 *    DOCUMENT mode, by a VARIANT token at the same position holding
 *    the term with the marks removed ("café" + "cafe").  So the query
 *    "Nestle" finds "Nestlé", and the query "café" finds "CAFÉ".
 *  - Kept whole, with their class: accession numbers
 *    (0001193125-24-012345, IDENTIFIER), 10-digit CIKs (IDENTIFIER),
 *    dates 06/27/2003, 6/27/03 and 2003-06-27 (DATE), form names
 *    8-K, 10-K, 10-Q, 8-K/A, 20-F (FORM, folded to "8-k/a"), "$1.5"
 *    (AMOUNT, term "$1.5"), "12.5%" (PERCENT, term "12.5%").  In
 *    DOCUMENT mode an AMOUNT or PERCENT is followed by a VARIANT with
 *    the bare number ("1.5", "12.5") and a FORM with "/a" by a VARIANT
 *    without it ("8-k"), so "1.5 million" finds "$1.5 million" and
 *    "8-K" finds "8-K/A".  "$1.5 million" is two tokens: "$1.5"
 *    and "million", a phrase in both modes.  Numbers are ICU's
 *    ("1,500,000" and "5.02" are single NUMBER terms); a number right
 *    after "Item"/"Items" (or in a list following it) is an ITEM.
 *  - Hyphenated words: parts joined by single ASCII hyphens (or
 *    U+2010/U+2011) with no space, at least one part containing a
 *    letter, are emitted as separate tokens at consecutive positions
 *    (chief@1 financial@2 officer@3) and, in DOCUMENT mode, followed
 *    by a VARIANT token holding the parts concatenated
 *    ("chieffinancialofficer") at the LAST part's position, so that a
 *    phrase continuing after the hyphenated word still matches.
 *  - Length: terms are capped at F8K_ANALYZER_MAX_TERM (64) bytes.  A
 *    longer folded word becomes its first 47 bytes (cut at a
 *    character boundary) + "~" + 16 hex digits of the FNV-1a 64-bit
 *    hash of the whole folded word: stable, so the same long word in a
 *    query finds it, and never more than 64 bytes.  Such terms have
 *    no stem.
 *  - Stems: Snowball English of the term for WORD tokens that do not
 *    start with a digit; NULL otherwise (numbers, dates, identifiers,
 *    forms, amounts, percents, hashed words).
 *  - Positions start at the caller's first position (1 by default),
 *    increase by one per primary token; VARIANT tokens repeat the
 *    position of the token they follow.
 *  - Bytes that are not UTF-8 never reach a term (ICU reads them as
 *    U+FFFD, which is never part of a word); terms are always valid
 *    UTF-8 without NUL bytes.
 */
#ifndef F8K_ANALYZER_H
#define F8K_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include <f8k/f8k_status.h>

F8K_BEGIN_DECLS

typedef struct f8k_analyzer f8k_analyzer_t; /* opaque; one per thread */

/* Modes for f8k_analyze(); DOCUMENT and QUERY are exclusive. */
enum {
    F8K_ANALYZE_DOCUMENT = 0x1, /* index text: primary tokens and variants */
    F8K_ANALYZE_QUERY = 0x2,    /* query text: primary tokens only */
    F8K_ANALYZE_PREFIX = 0x4    /* with QUERY: the last token is a prefix */
};

/* The longest term the analyzer emits, in bytes. */
#define F8K_ANALYZER_MAX_TERM 64

/* What a token is; informational, the term is what gets indexed. */
typedef enum f8k_token_class {
    F8K_TOKEN_WORD = 0,       /* letters (possibly with digits): stemmed */
    F8K_TOKEN_NUMBER = 1,     /* ICU number: 42, 1,500,000, 3.25 */
    F8K_TOKEN_ITEM = 2,       /* item number after "Item": 5.02, 9.01, 5 */
    F8K_TOKEN_AMOUNT = 3,     /* money: $1.5, $1,250,000 */
    F8K_TOKEN_PERCENT = 4,    /* 12.5% */
    F8K_TOKEN_DATE = 5,       /* 06/27/2003, 2003-06-27 */
    F8K_TOKEN_IDENTIFIER = 6, /* accession number, 10-digit CIK */
    F8K_TOKEN_FORM = 7        /* form type: 8-k, 10-k, 8-k/a */
} f8k_token_class_t;

/* Token flags. */
enum {
    /*
     * An extra term at the same position as the previous token
     * (accent-stripped, bare number, joined hyphenated word, form
     * without /A).  Only emitted in DOCUMENT mode.  Index it like any
     * term; it never advances the position.
     */
    F8K_TOKEN_VARIANT = 0x1,
    /* In QUERY|PREFIX mode, set on the last primary token. */
    F8K_TOKEN_PREFIX = 0x2
};

typedef struct f8k_token {
    const char *term;              /* NFKC_Casefold UTF-8, not NUL-terminated */
    size_t term_len;               /* 1..F8K_ANALYZER_MAX_TERM bytes */
    const char *stem;              /* Snowball stem, or NULL when none */
    size_t stem_len;               /* 0 when stem is NULL */
    uint32_t position;             /* word position, >= the first position */
    size_t start, end;             /* byte offsets [start, end) in the caller's text */
    f8k_token_class_t token_class; /* what the token is */
    unsigned flags;                /* F8K_TOKEN_VARIANT, F8K_TOKEN_PREFIX */
} f8k_token_t;                     /* borrowed: valid only during the callback */

/*
 * Called once per token.  Return F8K_STATUS_SUCCESS to go on; any
 * other status stops the analysis and f8k_analyze() returns it
 * unchanged.
 */
typedef f8k_status_t (*f8k_token_cb)(void *closure, const f8k_token_t *token);

/*
 * Create an analyzer for LANGUAGE (only "en" and NULL, meaning "en",
 * are supported).  Cheap: it clones a prototype break iterator.  An
 * analyzer is not thread safe; use one per thread.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     *analyzer_out is a new analyzer (caller
 *                           frees with f8k_analyzer_free()).
 *   F8K_STATUS_INVALID_ARG: ANALYZER_OUT is NULL.
 *   F8K_STATUS_UNSUPPORTED: LANGUAGE is not supported.
 *   F8K_STATUS_NOMEM:       out of memory.
 *   F8K_STATUS_ICU:         ICU could not open its break iterator.
 * On failure *analyzer_out is NULL.
 */
f8k_status_t f8k_analyzer_new(const char *language, f8k_analyzer_t **analyzer_out);

/* Free ANALYZER; NULL is a no-op. */
void f8k_analyzer_free(f8k_analyzer_t *analyzer);

/*
 * Analyze TEXT (LEN bytes of UTF-8; any bytes are accepted, need not
 * be NUL-terminated) and call CALLBACK(CLOSURE, token) for each token,
 * positions starting at 1.  Same as f8k_analyze_at(..., 1, ..., NULL).
 */
f8k_status_t f8k_analyze(f8k_analyzer_t *analyzer, int flags, const char *text, size_t len,
                         f8k_token_cb callback, void *closure);

/*
 * As f8k_analyze(), with the first primary token at FIRST_POSITION
 * (>= 1), so a caller indexing several fields can leave a gap between
 * them.  When NEXT_POSITION_OUT is not NULL it receives the position
 * the next token would have had (FIRST_POSITION when there was none),
 * also on failure.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     every token was passed to CALLBACK.
 *   F8K_STATUS_INVALID_ARG: ANALYZER or CALLBACK NULL, TEXT NULL with
 *                           LEN > 0, FIRST_POSITION 0, or FLAGS with
 *                           neither or both of DOCUMENT and QUERY.
 *   F8K_STATUS_NOMEM:       out of memory.
 *   F8K_STATUS_ICU:         ICU failed (internal error).
 *   anything else:          the status CALLBACK returned to stop.
 */
f8k_status_t f8k_analyze_at(f8k_analyzer_t *analyzer, int flags, const char *text, size_t len,
                            uint32_t first_position, f8k_token_cb callback, void *closure,
                            uint32_t *next_position_out);

/* A static name for CLASS ("word", "number", ...; "unknown" when out of range). */
const char *f8k_token_class_name(f8k_token_class_t token_class);

/* The analyzer's own version; bumped whenever any output can change. */
unsigned f8k_analyzer_version(void);

/*
 * A stable string naming everything that decides the analyzer's
 * output, to store in the index and compare at open:
 * "f8k-analyzer/<version> icu/<ICU version> unicode/<version>
 * snowball-english/<fingerprint>", the fingerprint being a hash of
 * libstemmer's stems of a fixed word list (libstemmer has no version
 * call).  Static storage, never freed; thread safe.
 */
const char *f8k_analyzer_version_string(void);

F8K_END_DECLS

#endif /* F8K_ANALYZER_H */
