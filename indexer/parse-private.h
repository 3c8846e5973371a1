/*
 * parse-private.h - internals shared by the container parsers of
 * indexer/ (filing.c, parse_*.c, html.c, filing-json.c).  Not exported.
 *
 * Every helper follows the sticky-status idiom (STYLE C9) where it is
 * convenient: it takes nothing for granted and returns an f8k_status_t.
 */
#ifndef F8K_PARSE_PRIVATE_H
#define F8K_PARSE_PRIVATE_H

#include <stddef.h>

#include <f8k/f8k_filing.h>

/*
 * The largest file f8k_filing_read() accepts: 512 MiB.  The biggest
 * real 8-K submissions (many uuencoded graphics, XBRL) stay far below
 * it; anything larger is refused as BAD_INPUT before it is read.
 */
#define PARSE_MAX_FILE_BYTES ((size_t)512 * 1024 * 1024)

/* At most this many documents per filing (EDGAR's own limit is far lower). */
#define PARSE_MAX_DOCUMENTS 5000

/* ------------------------------------------------------------------ */
/* Interface to code in filing.c                                       */
/* ------------------------------------------------------------------ */

/* A growable byte buffer, always NUL-terminated once non-empty. */
typedef struct parse_buf {
    char *data; /* malloc'd; NULL until the first append */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
} parse_buf_t;

f8k_status_t parse_buf_append(parse_buf_t *buf, const char *s, size_t n);
f8k_status_t parse_buf_append_char(parse_buf_t *buf, char c);
/* Hand the contents to the caller as a malloc'd string ("" when empty). */
f8k_status_t parse_buf_take(parse_buf_t *buf, char **out, size_t *len_out);
void parse_buf_reset(parse_buf_t *buf);

/* A NUL-terminated copy of S[0..N) with surrounding white space removed. */
char *parse_strndup_trim(const char *s, size_t n);

/*
 * Set *FIELD to a trimmed copy of S[0..N) unless *FIELD is already set
 * or the trimmed value is empty (first value wins, empty means unknown).
 */
f8k_status_t parse_set_field(char **field, const char *s, size_t n);

/* Append a trimmed copy of S to the string array (*ARR, *COUNT); empty skipped. */
f8k_status_t parse_add_string(char ***arr, size_t *count, const char *s, size_t n);

/* "19940127" (first 8 digits) -> *FIELD = "1994-01-27" unless set or invalid. */
f8k_status_t parse_set_date_compact(char **field, const char *s, size_t n);

/*
 * Dates as people write them ("December 14, 2023", "Dec. 14, 2023",
 * "2023-12-14", "12/14/2023") -> *FIELD = "2023-12-14" unless set or
 * unparseable.
 */
f8k_status_t parse_set_date_text(char **field, const char *s, size_t n);

/* The digits of S (at most 10) zero-padded to 10 -> *FIELD unless set. */
f8k_status_t parse_set_cik(char **field, const char *s, size_t n);

/* Append a zeroed document to FILING; *DOC_OUT points into the array. */
f8k_status_t parse_add_document(f8k_filing_t *filing, f8k_document_t **doc_out);

/* Case-insensitive search for NEEDLE in HAY[0..N). */
const char *parse_memcasemem(const char *hay, size_t n, const char *needle);

/*
 * What a document body is.  parse_document_body() decides it from the
 * bytes and the document type unless the caller forces one.
 */
typedef enum parse_body_kind {
    PARSE_BODY_AUTO = 0,
    PARSE_BODY_PLAIN,
    PARSE_BODY_HTML
} parse_body_kind_t;

/*
 * Fill DOC->text / text_len / is_text from the raw body bytes: skip
 * binary and XBRL data (is_text = 0, text ""), convert everything else
 * to UTF-8 (f8k_text_to_utf8) and strip markup.  When META is not NULL
 * and the body is inline XBRL, its dei: facts are collected there.
 */
struct html_meta;
f8k_status_t parse_document_body(f8k_document_t *doc, const char *raw, size_t len,
                                 parse_body_kind_t kind, struct html_meta *meta);

/* ------------------------------------------------------------------ */
/* Interface to code in parse_sgml.c                                   */
/* ------------------------------------------------------------------ */

/*
 * Parse an EDGAR submission (SEC-HEADER, IMS-HEADER or .nc dialect)
 * starting at BUF[START].  On BAD_INPUT, *REASON is a static string.
 */
f8k_status_t parse_sgml(f8k_filing_t *filing, const char *buf, size_t len, size_t start,
                        const char **reason);

/* ------------------------------------------------------------------ */
/* Interface to code in parse_text.c                                   */
/* ------------------------------------------------------------------ */

/* A Lee et al. (2014) record: <DOCUMENT> FILE: TIME: EVENTS: TEXT:. */
f8k_status_t parse_lee(f8k_filing_t *filing, const char *buf, size_t len, const char **reason);

/*
 * Fields from the file name: an accession number written in it, and the
 * CIK and form of edgar-crawler's CIK_8K_YEAR_ACCESSION names.
 */
f8k_status_t parse_fields_from_file_name(f8k_filing_t *filing);

/* Company, CIK and date of report from iXBRL dei: facts, where unknown. */
f8k_status_t parse_apply_meta(f8k_filing_t *filing, const struct html_meta *meta);

/* A bare plain-text 8-K body: one document of type "8-K". */
f8k_status_t parse_plain(f8k_filing_t *filing, const char *buf, size_t len, const char **reason);

/* A single HTML or inline XBRL document (primary 8-K or an exhibit). */
f8k_status_t parse_html_file(f8k_filing_t *filing, const char *buf, size_t len,
                             const char **reason);

/*
 * Plain-text body cleanup: UTF8[0..LEN) with line ends normalised to
 * "\n" and the SGML layout tags of old filings (<PAGE>, <TABLE>, <S>,
 * <C>, <CAPTION>, <FN>) removed, their text kept.
 */
f8k_status_t parse_clean_plain(const char *utf8, size_t len, parse_buf_t *out);

/* ------------------------------------------------------------------ */
/* Interface to code in html.c                                         */
/* ------------------------------------------------------------------ */

/* Facts read from inline XBRL dei: tags (all malloc'd, NULL if absent). */
typedef struct html_meta {
    char *registrant_name; /* dei:EntityRegistrantName */
    char *cik;             /* dei:EntityCentralIndexKey, as written */
    char *period_end;      /* dei:DocumentPeriodEndDate, as written */
    char *document_type;   /* dei:DocumentType ("8-K") */
    int is_ixbrl;          /* 1 when any ix: element was seen */
} html_meta_t;

void html_meta_clear(html_meta_t *meta);

/*
 * HTML (UTF-8) to plain text through libxml2's HTML parser in recovery
 * mode, walked iteratively: block elements become line breaks, table
 * cells are separated by a tab, script/style/head and ix:header are
 * dropped, runs of white space collapse to one space and NBSP becomes
 * a space.  META may be NULL.
 */
f8k_status_t html_to_text(const char *utf8, size_t len, parse_buf_t *out, html_meta_t *meta);

/* Whether RAW[0..LEN) looks like HTML rather than plain text. */
int html_looks_like(const char *raw, size_t len);

#endif /* F8K_PARSE_PRIVATE_H */
