/*
 * extract-private.h - internals of indexer/extract*.c, shared between
 * its files and with tests/test_extract*.c.  Not installed.
 */
#ifndef F8K_EXTRACT_PRIVATE_H
#define F8K_EXTRACT_PRIVATE_H

#include <stddef.h>
#include <stdio.h>
#include <strings.h>

#include <f8k/f8k_extract.h>
#include <f8k/f8k_filing.h>
#include <f8k/f8k_status.h>

/* Caps that keep every scan linear in the text's length. */
#define EXTRACT_COVER_BYTES    40000 /* bytes of documents[0] read for the cover page */
#define EXTRACT_HEADING_BYTES  300   /* bytes of a line read for an item heading */
#define EXTRACT_SENTENCE_BYTES 1200  /* a longer sentence is cut */

/* ---- Interface to code in extract_table.c ---- */

/* Parse "YYYY-MM-DD" or "YYYYMMDD"; 1 on success, 0 otherwise. */
int extract_parse_iso_date(const char *date, int *y, int *m, int *d);

/*
 * Parse an item number at S (LEN bytes) into OUT as "5" or "5.02";
 * returns the bytes consumed, 0 when there is no number.
 */
size_t extract_parse_item_number(const char *s, size_t len, char out[8]);

/* Dice overlap (0..1) between TITLE and ROW's title or its aliases. */
double extract_title_score(const char *title, size_t len, const f8k_item_info_t *row);

/* ---- Interface to code in extract_cover.c ---- */

/*
 * Find the first date in S (LEN bytes): "June 27, 2003", "Jun. 27,
 * 2003", "27 June 2003", "06/27/2003", "6/27/03", "2003-06-27",
 * "JUNE 27 2003".  Writes "YYYY-MM-DD" to OUT; 1 on success.
 */
int extract_find_date(const char *s, size_t len, char out[11]);

/* Two-letter code of a US state name or code at the start of S, or NULL. */
const char *extract_state_code(const char *s, size_t len);

/* Fill company, date_of_report, state, file_number from the cover page. */
f8k_status_t extract_cover(f8k_filing_t *filing);

/* ---- Interface to code in extract_items.c ---- */

/*
 * Is LINE (LEN bytes, one line) an item heading of ERA?  On yes,
 * returns 1 and writes the canonical number to NUMBER_OUT.
 */
int extract_item_heading(const char *line, size_t len, f8k_item_era_t era, char number_out[8]);

/* Fill filing->items from the header titles and the body headings. */
f8k_status_t extract_items(f8k_filing_t *filing, f8k_item_era_t era);

/* Is DOC a document of the 8-K itself (not an exhibit)? */
int extract_is_report_document(const f8k_document_t *doc);

/* ---- Interface to code in extract_officers.c ---- */

/*
 * Officers named in TEXT (LEN bytes).  SIGNATURES: also read "/s/"
 * signature blocks; EVENTS: read event sentences.  Appends to
 * *officers / *n (growing *cap); no duplicates.
 */
f8k_status_t extract_officers_from_text(const char *text, size_t len, int signatures, int events,
                                        f8k_officer_t **officers, size_t *n, size_t *cap);

/* Fill filing->officers. */
f8k_status_t extract_officers(f8k_filing_t *filing);

/* Free an officer array of N entries. */
void extract_officers_free(f8k_officer_t *officers, size_t n);

/* ---- Shared text helpers (extract.c) ---- */

/*
 * Length of the blank at S (ASCII white space, U+00A0, U+2000-U+200B,
 * U+202F, U+3000), 0 if none.  N bytes available.
 */
size_t extract_blank_len(const char *s, size_t n);

/* Duplicate LEN bytes of S trimmed, inner blanks collapsed; NULL on OOM. */
char *extract_strndup_clean(const char *s, size_t len);

#endif /* F8K_EXTRACT_PRIVATE_H */
