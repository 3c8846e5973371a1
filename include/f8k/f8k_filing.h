/*
 * f8k_filing.h - the fielded filing record: what ingestion extracts from
 * one file and what the index stores.
 *
 * Two stages fill it:
 *   1. f8k_filing_parse() (indexer/parse*.c) reads the container: the
 *      EDGAR submission (SGML, IMS, .nc), a single HTML/iXBRL document,
 *      a Lee et al. text record or a bare plain-text 8-K.  It fills the
 *      header fields and the documents, each with its plain UTF-8 text.
 *   2. f8k_filing_extract() (indexer/extract*.c) reads the text: cover
 *      page (company, date of report, state, file number where the
 *      header lacks them), items from header titles and body headings,
 *      and officers.
 * f8k_filing_read() runs both.
 *
 * Unknown values are NULL (strings) or 0 (counts), never guessed.  Every
 * string is malloc'd, NUL-terminated UTF-8 owned by the filing and freed
 * by f8k_filing_free().  The library never prints.
 */
#ifndef F8K_FILING_H
#define F8K_FILING_H

#include <stddef.h>

#include <f8k/f8k_status.h>

F8K_BEGIN_DECLS

/* Where a field's value came from (inspect prints it). */
typedef enum f8k_source {
    F8K_SOURCE_NONE = 0,
    F8K_SOURCE_HEADER, /* the EDGAR header (SEC-HEADER, IMS-HEADER, .nc tags, Lee record) */
    F8K_SOURCE_BODY,   /* headings or text of a document body */
    F8K_SOURCE_COVER,  /* the cover page of the primary document */
    F8K_SOURCE_META    /* file-level metadata, e.g. iXBRL dei: tags */
} f8k_source_t;

typedef struct f8k_item {
    char *number;        /* as filed: "5" (before Aug 2004) or "5.02" */
    char *modern;        /* modern equivalent ("8.01" for old "5"); NULL if none */
    char *title;         /* the canonical title from the item table */
    f8k_source_t source; /* F8K_SOURCE_HEADER or F8K_SOURCE_BODY */
} f8k_item_t;

typedef enum f8k_officer_event {
    F8K_EVENT_UNKNOWN = 0,
    F8K_EVENT_APPOINTED,
    F8K_EVENT_ELECTED,
    F8K_EVENT_RESIGNED,
    F8K_EVENT_RETIRED,
    F8K_EVENT_TERMINATED,
    F8K_EVENT_DIED,
    F8K_EVENT_SIGNED
} f8k_officer_event_t;

typedef struct f8k_officer {
    char *name;      /* "Rose Marcario" */
    char *role;      /* display form: "Chief Financial Officer" */
    char *role_code; /* normalised: "cfo", "ceo", "coo", "president", "director", ... */
    f8k_officer_event_t event;
} f8k_officer_t;

typedef struct f8k_document {
    char *type;        /* "8-K", "EX-99.1", ...; NULL if unknown */
    int sequence;      /* 1-based; 0 if unknown */
    char *filename;    /* NULL if unknown */
    char *description; /* NULL if unknown */
    char *text;        /* plain UTF-8 text, markup removed; "" for non-text documents */
    size_t text_len;   /* bytes in text */
    int is_text;       /* 0 for GRAPHIC, ZIP, PDF, uuencoded and XBRL data documents */
} f8k_document_t;

typedef struct f8k_filing {
    char *path;          /* the file it came from, as given */
    char *accession;     /* "0000943374-24-000509" */
    char *cik;           /* 10 digits, zero padded */
    char *company;       /* first filer's conformed name, or the cover page's */
    char **former_names; /* n_former_names strings */
    size_t n_former_names;
    char *form;           /* "8-K", "8-K/A", ... */
    char *filed;          /* YYYY-MM-DD */
    char *date_of_report; /* YYYY-MM-DD */
    char *state;          /* state of incorporation, e.g. "CA" */
    char *sic;            /* 4 digits */
    char *file_number;    /* commission file number, e.g. "000-15223" */
    f8k_source_t company_source;
    f8k_source_t date_of_report_source;

    char **header_item_titles; /* ITEM INFORMATION lines (or .nc ITEMS, Lee EVENTS), raw */
    size_t n_header_item_titles;

    f8k_item_t *items; /* in item-number order, no duplicates */
    size_t n_items;
    f8k_officer_t *officers; /* in order of appearance, no duplicates */
    size_t n_officers;
    f8k_document_t *documents; /* in file order; documents[0] is the primary document */
    size_t n_documents;
} f8k_filing_t;

/*
 * Parse the container in BUF (LEN bytes, need not be NUL-terminated; any
 * bytes at all) read from PATH (used for the record and for messages;
 * the file is not opened).  Fills header fields and documents only.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:   *filing_out is a new filing; free with f8k_filing_free().
 *   F8K_STATUS_BAD_INPUT: not a filing (empty, binary, no text); *error_out says why.
 *   F8K_STATUS_NOMEM:     out of memory.
 * On failure *filing_out is NULL.  ERROR_OUT may be NULL; otherwise on
 * failure it receives a malloc'd one-line reason (caller frees), and NULL
 * on success.
 */
f8k_status_t f8k_filing_parse(const char *path, const char *buf, size_t len,
                              f8k_filing_t **filing_out, char **error_out);

/*
 * Fill items, officers and any cover-page fields the header lacked.
 * Idempotent.  Return value: F8K_STATUS_SUCCESS, F8K_STATUS_NOMEM, or
 * F8K_STATUS_INVALID_ARG for a NULL filing.
 */
f8k_status_t f8k_filing_extract(f8k_filing_t *filing);

/*
 * Read the file at PATH (regular files only, never waits on a FIFO or
 * device), parse and extract.  Same return values as f8k_filing_parse(),
 * plus F8K_STATUS_IO when the file cannot be read (*error_out has the
 * strerror text).
 */
f8k_status_t f8k_filing_read(const char *path, f8k_filing_t **filing_out, char **error_out);

/* Free a filing and everything it owns.  NULL is a no-op. */
void f8k_filing_free(f8k_filing_t *filing);

/*
 * NAME (a file name, say) with every control byte written as \xHH (a
 * newline as \x0a) and a backslash doubled, so that it always prints on
 * one line.  Returns a malloc'd string (caller frees), or NULL when NAME
 * is NULL or memory ran out.
 */
char *f8k_escape_name(const char *name);

/* "appointed", "elected", ... ; "unknown" for F8K_EVENT_UNKNOWN. Static. */
const char *f8k_officer_event_name(f8k_officer_event_t event);

F8K_END_DECLS

#endif /* F8K_FILING_H */
