/*
 * f8k_search.h - the search library: an f8k index, a query in the
 * f8k-search language, ranked and collapsed results with fields,
 * snippets, facets and a spelling suggestion.
 *
 * Implemented in query/ (compile.c, search.c, snippet.c, output.c) on
 * top of f8k_qparse.h (syntax), f8k_analyzer.h (the one analyzer, in
 * QUERY mode), f8k_extract.h (item table, role codes) and f8k_xapian.h.
 * Queries are built against the term scheme of README.md ("Index
 * layout").  The library never prints and never reads the environment.
 *
 * Compilation, in short (see query/compile.c for the details):
 *   - a word matches its unstemmed term or its Z stem (Xapian's
 *     STEM_SOME); a word the analyzer splits into several tokens is a
 *     phrase; words inside phrases and NEAR match exactly, by position;
 *   - word* expands over the index's vocabulary (at most
 *     F8K_SEARCH_WILDCARD_MAX terms, the most frequent);
 *   - fields map to the prefixed terms (company: XCO, officer: XOF,
 *     role: XRO, item: XM/XI, form: XFORM, exhibit: XDT, cik: XCIK,
 *     state: XST, sic: XSIC, accession: XF) and filed:/reported: to a
 *     value range on slot 0;
 *   - the domain synonyms of f8k_search_synonyms() are applied to single
 *     words, to phrases and to runs of words (Xapian OP_SYNONYM).
 *
 * Ownership as everywhere in f8k (STYLE.md C6): the caller owns what
 * _open/_run hand out and releases it with the matching _close/_free;
 * _free(NULL) is a no-op; `const char *` results are borrowed.
 */
#ifndef F8K_SEARCH_H
#define F8K_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include <f8k/f8k_qparse.h>
#include <f8k/f8k_schema.h>
#include <f8k/f8k_status.h>
#include <f8k/f8k_xapian.h>

F8K_BEGIN_DECLS

/* A trailing-wildcard word expands to at most this many terms. */
#define F8K_SEARCH_WILDCARD_MAX 100
/* How often a search racing a writer's commits is reopened and redone. */
#define F8K_SEARCH_RETRIES 5
/*
 * Matches examined at least, so totals below this are exact; above it
 * the total is Xapian's estimate ("about N"), as quest's is.  1000 cost
 * a quarter of a typical search's CPU and, with results collapsed per
 * filing, estimated little better (bench/search: often 2x off either way).
 */
#define F8K_SEARCH_CHECK_AT_LEAST 100
/* Target length of a snippet, in bytes (cut at word boundaries). */
#define F8K_SEARCH_SNIPPET_BYTES 200

typedef struct f8k_search f8k_search_t; /* An index open for searching, with its analyzer. */

/* Result order. */
typedef enum f8k_search_sort {
    F8K_SEARCH_SORT_RELEVANCE = 0, /* best BM25 weight first (default) */
    F8K_SEARCH_SORT_DATE,          /* "date": oldest first, ties by weight */
    F8K_SEARCH_SORT_DATE_DESC      /* "-date": newest first, ties by weight */
} f8k_search_sort_t;

/* Facets (bit flags); counts are of FILINGS, not documents. */
#define F8K_SEARCH_FACET_ITEM    0x1u /* modern item number */
#define F8K_SEARCH_FACET_COMPANY 0x2u /* company name */
#define F8K_SEARCH_FACET_YEAR    0x4u /* year of the sort date */
#define F8K_SEARCH_FACET_FORM    0x8u /* form type */

/*
 * Search options; zero-initialise, then set what you need.  The filter
 * strings take the same values as the query fields of the same name
 * and restrict the results without adding weight (Xapian FILTER).
 * FROM and TO are YYYY, YYYY-MM or YYYY-MM-DD (inclusive) on the sort
 * date.
 */
typedef struct f8k_search_options {
    unsigned offset;        /* first result (0-based) */
    unsigned limit;         /* results wanted; 0 means ALL, no cap */
    f8k_search_sort_t sort; /* result order */
    unsigned facets;        /* F8K_SEARCH_FACET_* bits */
    bool no_snippets;       /* skip snippets (paths output) */
    bool no_documents;      /* skip the per-hit matched-document lists */
    const char *company;    /* filter: company: value */
    const char *cik;        /* filter: cik: value */
    const char *item;       /* filter: item: value */
    const char *form;       /* filter: form: value */
    const char *officer;    /* filter: officer: value */
    const char *exhibit;    /* filter: exhibit: value */
    const char *from;       /* filter: sort date >= FROM */
    const char *to;         /* filter: sort date <= TO */
} f8k_search_options_t;

/* One officer of a hit. */
typedef struct f8k_search_officer {
    char *name;  /* as extracted; NULL when unknown */
    char *role;  /* display title ("Chief Financial Officer"); NULL when unknown */
    char *event; /* "appointed", "resigned", "signed", ...; NULL when unknown */
} f8k_search_officer_t;

/* A highlighted span of a snippet: bytes [start, end). */
typedef struct f8k_search_span {
    size_t start;
    size_t end;
} f8k_search_span_t;

/* One result: a filing. Unknown strings are NULL. */
typedef struct f8k_search_hit {
    unsigned rank;                  /* 1-based rank in the whole result list */
    double score;                   /* BM25 weight of its best document */
    char *filing_id;                /* collapse key: accession or "h" + hash */
    char *accession;                /* accession number */
    char *cik;                      /* CIK, 10 digits */
    char *company;                  /* company name */
    char *form;                     /* form type */
    char *filed;                    /* YYYY-MM-DD */
    char *date_of_report;           /* YYYY-MM-DD */
    char **items;                   /* item numbers as filed */
    size_t n_items;                 /* entries of ITEMS */
    char **items_modern;            /* modern equivalents, distinct */
    size_t n_items_modern;          /* entries of ITEMS_MODERN */
    f8k_search_officer_t *officers; /* officers and their events */
    size_t n_officers;              /* entries of OFFICERS */
    char *path;                     /* the file it was indexed from */
    char **documents;               /* types of the filing's documents that matched */
    size_t n_documents;             /* entries of DOCUMENTS */
    char *snippet;                  /* best passage, white space collapsed; "" when none */
    f8k_search_span_t *highlights;  /* matched words in SNIPPET, in order */
    size_t n_highlights;            /* entries of HIGHLIGHTS */
} f8k_search_hit_t;

/* One value of a facet and the number of filings holding it. */
typedef struct f8k_search_facet_value {
    char *value;
    unsigned long count;
} f8k_search_facet_value_t;

/* One facet: its name ("item", "company", "year", "form") and values,
 * most frequent first. */
typedef struct f8k_search_facet {
    const char *name; /* static */
    f8k_search_facet_value_t *values;
    size_t n_values;
} f8k_search_facet_t;

/* What f8k_search_run() returns. */
typedef struct f8k_search_results {
    char *query;                /* the query as given */
    unsigned estimate;          /* matching filings: Xapian's estimate */
    unsigned lower;             /* ... lower bound */
    unsigned upper;             /* ... upper bound */
    unsigned offset;            /* the offset asked for */
    char *suggestion;           /* a corrected query when nothing matched; else NULL */
    f8k_search_hit_t *hits;     /* the window of results */
    size_t n_hits;              /* entries of HITS */
    f8k_search_facet_t *facets; /* in the order item, company, year, form */
    size_t n_facets;            /* entries of FACETS */
} f8k_search_results_t;

/*
 * Open the index at PATH (a database directory or stub file) for
 * searching, read-only, with a new analyzer.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:      *search_out is the caller's (f8k_search_close).
 *   F8K_STATUS_INVALID_ARG:  PATH or SEARCH_OUT is NULL.
 *   F8K_STATUS_DB_NOT_FOUND: no database at PATH.
 *   F8K_STATUS_DB_VERSION:   written by another analyzer version.
 *   F8K_STATUS_DB_OPEN, F8K_STATUS_DB_CORRUPT, F8K_STATUS_XAPIAN,
 *   F8K_STATUS_ICU, F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure.
 *   On failure *search_out is NULL and *error_message (when
 *   ERROR_MESSAGE is not NULL) a malloc'd description the caller frees.
 */
f8k_status_t f8k_search_open(const char *path, f8k_search_t **search_out, char **error_message);

/* Close SEARCH and free it.  NULL is a no-op. */
void f8k_search_close(f8k_search_t *search);

/* The message of the last failure on SEARCH ("" when none).  Borrowed,
 * valid until the next call on SEARCH. */
const char *f8k_search_last_error(const f8k_search_t *search);

/*
 * Compile the syntax tree ROOT (from f8k_qparse() over QUERY) into a
 * Xapian query against SEARCH's index.  ROOT may be NULL: the query
 * then matches every document.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     *query_out is the caller's (f8k_query_free).
 *   F8K_STATUS_INVALID_ARG: SEARCH or QUERY_OUT is NULL.
 *   F8K_STATUS_BAD_QUERY:   a field value is invalid (an unknown role,
 *                           a cik: that is not a number, ...);
 *                           ERROR_OUT (may be NULL) says where and why.
 *   F8K_STATUS_NOMEM, F8K_STATUS_ICU, F8K_STATUS_XAPIAN,
 *   F8K_STATUS_INTERNAL:    failure.  *query_out is NULL.
 */
f8k_status_t f8k_search_compile(f8k_search_t *search, const f8k_qnode_t *root,
                                f8k_query_t **query_out, f8k_qparse_error_t *error_out);

/*
 * Parse QUERY (LEN bytes), compile it, apply OPTIONS (NULL: defaults,
 * which are ten results by relevance) and run it: one hit per filing,
 * with its fields, matched documents and snippet, the facets asked
 * for, and a spelling suggestion when nothing matched.  An empty
 * QUERY matches every filing (useful with filters).  A search racing
 * a writer's commit is reopened and redone, at most
 * F8K_SEARCH_RETRIES times.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     *results_out is the caller's
 *                           (f8k_search_results_free); 0 hits is success.
 *   F8K_STATUS_INVALID_ARG: a NULL argument.
 *   F8K_STATUS_BAD_QUERY:   the query (or a filter value) is malformed;
 *                           ERROR_OUT (may be NULL) says where and why,
 *                           position relative to QUERY (for a filter,
 *                           the message names the option, position 0).
 *   F8K_STATUS_DB_MODIFIED: still racing a writer after the retries.
 *   F8K_STATUS_NOMEM, F8K_STATUS_XAPIAN, F8K_STATUS_ICU,
 *   F8K_STATUS_DB_CORRUPT, F8K_STATUS_INTERNAL: failure
 *                           (f8k_search_last_error() says more).
 *   On failure *results_out is NULL.
 */
f8k_status_t f8k_search_run(f8k_search_t *search, const char *query, size_t len,
                            const f8k_search_options_t *options, f8k_search_results_t **results_out,
                            f8k_qparse_error_t *error_out);

/* Free RESULTS.  NULL is a no-op. */
void f8k_search_results_free(f8k_search_results_t *results);

/* ------------------------------------------------------------------ */
/* Output formats (the library renders, the caller writes).            */
/* ------------------------------------------------------------------ */

typedef enum f8k_search_format {
    F8K_SEARCH_FORMAT_TEXT = 0, /* for people */
    F8K_SEARCH_FORMAT_JSON,     /* one object, DESIGN.md's shape */
    F8K_SEARCH_FORMAT_CSV,      /* RFC 4180, a header row */
    F8K_SEARCH_FORMAT_PATHS     /* one path per line */
} f8k_search_format_t;

/* Text-format flags. */
#define F8K_SEARCH_RENDER_ANSI 0x1u /* highlight with ANSI bold colour, not [brackets] */

/*
 * Render RESULTS in FORMAT.  *text_out is a malloc'd, NUL-terminated
 * string ending in a newline (empty for no output); the caller frees it.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     done.
 *   F8K_STATUS_INVALID_ARG: NULL argument or unknown FORMAT.
 *   F8K_STATUS_NOMEM:       out of memory; *text_out is NULL.
 */
f8k_status_t f8k_search_render(const f8k_search_results_t *results, f8k_search_format_t format,
                               unsigned flags, char **text_out);

/* One group of the built-in domain synonyms. */
typedef struct f8k_search_synonym_group {
    const char *const *members; /* NULL-terminated; several words make a phrase */
} f8k_search_synonym_group_t;

/*
 * The built-in synonym table (static; *count_out gets the number of
 * groups).  Every member of a group matches every other member.
 */
const f8k_search_synonym_group_t *f8k_search_synonyms(size_t *count_out);

F8K_END_DECLS

#endif /* F8K_SEARCH_H */
