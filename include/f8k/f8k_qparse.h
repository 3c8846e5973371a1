/*
 * f8k_qparse.h - the f8k-search query language: query string -> syntax
 * tree, with precise errors.
 *
 * The parser knows nothing of Xapian or of the analyzer.  It keeps the
 * raw text of every word; normalisation and stemming happen later, in
 * the query compiler, with the same analyzer the indexer uses.
 *
 * The language
 * ------------
 *   apple banana          both words (the default operator is AND, as
 *                         analysts expect: every word must match)
 *   apple OR banana       either word
 *   apple NOT banana      apple without banana (also: apple AND NOT banana,
 *                         apple -banana)
 *   -word -"a phrase" -field:value
 *                         exclusion, the same as NOT before the term
 *   +word                 required: marked on the node (REQUIRED flag);
 *                         with the default AND it changes nothing but
 *                         tells the compiler not to drop the word as a
 *                         stopword
 *   "chief financial officer"
 *                         a phrase ("straight" or typographic quotes)
 *   ( ... )               grouping, nested at most F8K_QPARSE_MAX_DEPTH deep
 *   a NEAR b, a NEAR/5 b  a and b within N words (default
 *                         F8K_QPARSE_NEAR_DEFAULT); operands are words
 *                         or phrases; a chain shares one window
 *   appoint*              trailing wildcard
 *   company: officer: role: item: form: exhibit: state: sic: cik:
 *   accession:            fields; the value is a word or a "phrase", and
 *                         for the text fields company: and officer: also
 *                         a parenthesised group: company:(apple OR ibm).
 *                         Field names are case-insensitive.  cik: takes
 *                         1 to 10 digits.  An unknown name (foo:bar, 10:30)
 *                         is plain text.
 *   filed:2003-01-01..2003-12-31   reported:..2004-08-22
 *   filed:2003  filed:2003-06  filed:2003..2004  filed:2003-01-01..
 *                         date ranges on the filing date or the date of
 *                         report; each end is YYYY, YYYY-MM or
 *                         YYYY-MM-DD; either end may be left open.
 *
 * Keywords AND, OR, NOT, NEAR are upper-case only; "and", "or", "not"
 * are ordinary words.  Precedence, tightest first: the - and + prefixes
 * (on the one term they touch), NEAR, NOT, AND (explicit or implicit),
 * OR.  "a OR b c" is "a OR (b AND c)"; "NOT a NEAR b" is
 * "NOT (a NEAR b)"; "a NOT b" is "a AND (NOT b)".  A lone '-' or '+'
 * (followed by a space) is plain text.  NOT with no positive term
 * beside it ("NOT a", "a OR -b") stays a pure NOT node: the compiler
 * decides what it matches (everything but a).
 *
 * Input rules: the query must be valid UTF-8.  Tab, CR, LF, VT, FF and
 * the Unicode spaces (U+00A0, U+2000-U+200A, U+202F, U+205F, U+3000) are
 * white space; any other control character is an error.  Limits:
 * F8K_QPARSE_MAX_BYTES bytes, F8K_QPARSE_MAX_TERMS words (words inside
 * phrases count), F8K_QPARSE_MAX_DEPTH levels of parentheses and NOT.
 * The parser runs in linear time.
 */
#ifndef F8K_QPARSE_H
#define F8K_QPARSE_H

#include <stddef.h>

#include <f8k/f8k_status.h>

F8K_BEGIN_DECLS

/* Longest query accepted, in bytes. */
#define F8K_QPARSE_MAX_BYTES 8192
/* Most words accepted in one query (phrase words included). */
#define F8K_QPARSE_MAX_TERMS 1000
/* Deepest nesting of parentheses and NOT accepted. */
#define F8K_QPARSE_MAX_DEPTH 64
/* NEAR without /n: the words are at most this many positions apart. */
#define F8K_QPARSE_NEAR_DEFAULT 10
/* Largest n accepted in NEAR/n. */
#define F8K_QPARSE_NEAR_MAX 1000

/* The kind of a syntax tree node. */
typedef enum f8k_qnode_kind {
    F8K_QNODE_AND,        /* all children match (n >= 2) */
    F8K_QNODE_OR,         /* any child matches (n >= 2) */
    F8K_QNODE_NOT,        /* pure negation of children[0]: no positive
                           * term beside it ("NOT a", "x OR -a") */
    F8K_QNODE_AND_NOT,    /* children[0] matches and none of children[1..] */
    F8K_QNODE_NEAR,       /* words/phrases within `window` (n >= 2) */
    F8K_QNODE_PHRASE,     /* children are the WORDs in order; text = raw
                           * text between the quotes */
    F8K_QNODE_WORD,       /* text = raw word, without a trailing '*' */
    F8K_QNODE_FIELD,      /* `field`; children[0] is the value: a WORD,
                           * a PHRASE or (text fields) any expression */
    F8K_QNODE_DATE_RANGE, /* `field` is FILED or REPORTED; lo/hi */
} f8k_qnode_kind_t;

/* The query fields.  NONE for nodes that are not fields. */
typedef enum f8k_qfield {
    F8K_QFIELD_NONE = 0,
    F8K_QFIELD_COMPANY,   /* text: company and former names */
    F8K_QFIELD_CIK,       /* digits */
    F8K_QFIELD_OFFICER,   /* text: officer names */
    F8K_QFIELD_ROLE,      /* officer role (cfo, "chief financial officer") */
    F8K_QFIELD_ITEM,      /* item number (5, 5.02) */
    F8K_QFIELD_FORM,      /* form type (8-K, 8-K/A) */
    F8K_QFIELD_EXHIBIT,   /* exhibit / document type (99.1) */
    F8K_QFIELD_STATE,     /* state of incorporation */
    F8K_QFIELD_SIC,       /* SIC code */
    F8K_QFIELD_ACCESSION, /* accession number */
    F8K_QFIELD_FILED,     /* date range: filing date */
    F8K_QFIELD_REPORTED,  /* date range: date of report */
    F8K_QFIELD_LAST
} f8k_qfield_t;

/* Node flags. */
#define F8K_QNODE_WILDCARD 0x1u /* WORD: written with a trailing '*' */
#define F8K_QNODE_REQUIRED 0x2u /* written with a '+' prefix */

/*
 * One node of the syntax tree.  The whole tree is owned by its root and
 * released with f8k_qnode_free(root).  Spans are byte offsets into the
 * query that was parsed: [start, end).
 */
typedef struct f8k_qnode {
    f8k_qnode_kind_t kind;       /* what the node is */
    size_t start;                /* first byte of the node in the query */
    size_t end;                  /* one past its last byte */
    unsigned flags;              /* F8K_QNODE_WILDCARD, F8K_QNODE_REQUIRED */
    char *text;                  /* WORD, PHRASE: raw text (NUL-terminated);
                                  * else NULL */
    f8k_qfield_t field;          /* FIELD, DATE_RANGE; else NONE */
    unsigned window;             /* NEAR: n of NEAR/n; else 0 */
    char *lo;                    /* DATE_RANGE: "YYYYMMDD" or NULL (open) */
    char *hi;                    /* DATE_RANGE: "YYYYMMDD" or NULL (open) */
    size_t n_children;           /* number of children */
    struct f8k_qnode **children; /* the children, in query order */
} f8k_qnode_t;

/* Where and why a query was rejected. */
typedef struct f8k_qparse_error {
    size_t position;   /* 0-based byte offset of the problem (may equal
                        * the query length: "at the end") */
    char message[160]; /* English, NUL-terminated; "" when no error */
} f8k_qparse_error_t;

/*
 * Parse QUERY (LENGTH bytes, any bytes at all; no NUL terminator needed)
 * into a syntax tree.
 *
 * ERROR_OUT may be NULL; otherwise it is always filled in (an empty
 * message on success).
 *
 * Return value:
 *   F8K_STATUS_SUCCESS: *root_out is the tree; the caller owns it and
 *     frees it with f8k_qnode_free().
 *   F8K_STATUS_BAD_QUERY: the query is malformed; ERROR_OUT says where
 *     and why.  *root_out is NULL.
 *   F8K_STATUS_INVALID_ARG: ROOT_OUT is NULL, or QUERY is NULL with a
 *     non-zero LENGTH.
 *   F8K_STATUS_NOMEM: out of memory; *root_out is NULL.
 */
f8k_status_t f8k_qparse(const char *query, size_t length, f8k_qnode_t **root_out,
                        f8k_qparse_error_t *error_out);

/* Free NODE and everything below it.  NULL is a no-op. */
void f8k_qnode_free(f8k_qnode_t *node);

/* Flags for f8k_qnode_dump(). */
#define F8K_QDUMP_SPANS 0x1u /* append "@start-end" to every node */

/*
 * Write NODE as a deterministic S-expression, for tests and debugging:
 *   (and (word "apple") (or (phrase "chief" "executive") (word "ceo")))
 *   (and_not (word "a") (word "b"))   (not (word "b"))
 *   (near 10 (word "a") (word "b"))   (word "appoint" :wildcard :required)
 *   (field company (word "apple"))    (date filed 20030101 20031231)
 *   (date reported * 20040822)        ('*' is an open end)
 * Strings are double-quoted with '"' and '\\' escaped by a backslash.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS: *dump_out is a malloc'd string the caller frees.
 *   F8K_STATUS_INVALID_ARG: NODE or DUMP_OUT is NULL.
 *   F8K_STATUS_NOMEM: out of memory.
 * *dump_out is NULL on failure.
 */
f8k_status_t f8k_qnode_dump(const f8k_qnode_t *node, unsigned flags, char **dump_out);

/*
 * Format ERROR for a person, in three lines:
 *   syntax error at column N: MESSAGE
 *     the query as typed
 *         ^
 * N is 1-based and counts characters (code points), not bytes, so the
 * caret lines up on a terminal (wide CJK glyphs aside).  Control
 * characters show as '?', invalid UTF-8 bytes as U+FFFD, and a long
 * query is cut to a window around the position, marked with "...".
 *
 * Return value:
 *   F8K_STATUS_SUCCESS: *text_out is a malloc'd string (ending in a
 *     newline) the caller frees.
 *   F8K_STATUS_INVALID_ARG: ERROR or TEXT_OUT is NULL, or QUERY is NULL
 *     with a non-zero LENGTH.
 *   F8K_STATUS_NOMEM: out of memory.
 * *text_out is NULL on failure.
 */
f8k_status_t f8k_qparse_format_error(const char *query, size_t length,
                                     const f8k_qparse_error_t *error, char **text_out);

/* The kind's name as in the dump ("and", "near", "date", ...); static. */
const char *f8k_qnode_kind_name(f8k_qnode_kind_t kind);

/* The field's name as typed, without the colon ("company"); "" for NONE
 * and out-of-range values; static. */
const char *f8k_qfield_name(f8k_qfield_t field);

/* Non-zero for the text fields (analyzed words: company, officer), which
 * take a parenthesised group. */
int f8k_qfield_is_text(f8k_qfield_t field);

F8K_END_DECLS

#endif /* F8K_QPARSE_H */
