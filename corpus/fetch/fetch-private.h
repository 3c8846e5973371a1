/*
 * fetch-private.h - internals of f8k-fetch, the EDGAR fetcher.
 *
 * Everything here is pure (no network, no printing) so that the
 * unit tests can reach it: calendar arithmetic, the EDGAR index
 * parsers and the validation of what they return, the token bucket
 * that paces requests, the configuration file and the state file.
 * The network side lives in f8k-fetch.c.
 */
#ifndef F8K_FETCH_PRIVATE_H
#define F8K_FETCH_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "f8k/f8k_status.h"

/* ------------------------------------------------------------------ */
/* Interface to code in fetch_core.c: dates                            */
/* ------------------------------------------------------------------ */

/* A calendar day, counted in days since 1970-01-01 (proleptic
 * Gregorian).  Plain integers make ranges and "the day after" trivial. */
typedef int32_t fetch_day_t;

/* The day for year Y, month M (1-12), day D (1-31); no validation. */
fetch_day_t fetch_day_from_ymd(int y, int m, int d);

/* Split DAY into year, month and day of month. */
void fetch_day_to_ymd(fetch_day_t day, int *y_out, int *m_out, int *d_out);

/* Format DAY as YYYY-MM-DD into BUF (at least 11 bytes). */
void fetch_day_format(fetch_day_t day, char *buf);

/* Format DAY as YYYYMMDD into BUF (at least 9 bytes). */
void fetch_day_format_compact(fetch_day_t day, char *buf);

/* Day of the week of DAY: 0 Sunday ... 6 Saturday. */
int fetch_day_weekday(fetch_day_t day);

/* Calendar quarter (1-4) of DAY, and the first and last day of it. */
int fetch_day_quarter(fetch_day_t day);
fetch_day_t fetch_quarter_first(fetch_day_t day);
fetch_day_t fetch_quarter_last(fetch_day_t day);

/*
 * Parse TEXT as YYYY-MM-DD, YYYYMMDD, "today" or "yesterday" (both
 * relative to TODAY).  The date must exist (no 2023-02-30).
 *
 * Return value:
 *   F8K_STATUS_SUCCESS: *day_out holds the day.
 *   F8K_STATUS_INVALID_ARG: TEXT is not a date; *day_out is 0.
 */
f8k_status_t fetch_day_parse(const char *text, fetch_day_t today, fetch_day_t *day_out);

/* ------------------------------------------------------------------ */
/* Interface to code in fetch_core.c: validation and index parsing     */
/* ------------------------------------------------------------------ */

#define FETCH_CIK_MAX       10 /* EDGAR CIKs have at most 10 digits */
#define FETCH_ACCESSION_LEN 20 /* 0000950123-10-078896 */
#define FETCH_FORM_MAX      31

/* True when S[0..LEN) is 1 to 10 ASCII digits. */
bool fetch_valid_cik(const char *s, size_t len);

/* True when S[0..LEN) is an accession number: 10 digits, '-', 2
 * digits, '-', 6 digits. */
bool fetch_valid_accession(const char *s, size_t len);

/*
 * Check an index file name against edgar/data/<digits>/<accession>.txt
 * exactly (no other characters, so no "..", no absolute path, no
 * query string) and copy the CIK and accession out.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS: cik_out (FETCH_CIK_MAX + 1 bytes) and
 *     accession_out (FETCH_ACCESSION_LEN + 1 bytes) are filled.
 *   F8K_STATUS_BAD_INPUT: the name does not match; both are "".
 */
f8k_status_t fetch_parse_filename(const char *s, size_t len, char *cik_out, char *accession_out);

/* One selected row of an EDGAR index. */
typedef struct fetch_row {
    char cik[FETCH_CIK_MAX + 1];             /* CIK column, digits */
    char form[FETCH_FORM_MAX + 1];           /* form type, e.g. "8-K/A" */
    fetch_day_t filed;                       /* Date Filed column */
    char file_cik[FETCH_CIK_MAX + 1];        /* the CIK in the file name */
    char accession[FETCH_ACCESSION_LEN + 1]; /* from the file name */
} fetch_row_t;

/* The two layouts EDGAR publishes. */
typedef enum fetch_index_kind {
    FETCH_INDEX_MASTER, /* CIK|Company Name|Form Type|Date Filed|Filename */
    FETCH_INDEX_FORM    /* fixed width, sorted by form type */
} fetch_index_kind_t;

/* Line-by-line parser state; zero it with fetch_index_parser_init(). */
typedef struct fetch_index_parser {
    fetch_index_kind_t kind; /* layout being parsed */
    bool in_body;            /* past the dashed line under the header */
    size_t company_column;   /* form.idx: where "Company Name" starts */
    unsigned long line_no;   /* 1-based number of the last line fed */
} fetch_index_parser_t;

void fetch_index_parser_init(fetch_index_parser_t *parser, fetch_index_kind_t kind);

/*
 * Feed one LINE (LEN bytes, without its line terminator; a trailing
 * '\r' is ignored) to PARSER.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS: *got_row_out tells whether ROW_OUT now holds a
 *     valid row (header and blank lines give false).
 *   F8K_STATUS_BAD_INPUT: a body line that is malformed; *reason_out
 *     is a static message, and row_out->form holds the form type when
 *     it could be read (so callers only report rows they would keep).
 */
f8k_status_t fetch_index_parse_line(fetch_index_parser_t *parser, const char *line, size_t len,
                                    fetch_row_t *row_out, bool *got_row_out,
                                    const char **reason_out);

/* ------------------------------------------------------------------ */
/* Interface to code in fetch_core.c: selection and de-duplication     */
/* ------------------------------------------------------------------ */

/* What to keep: forms (case-insensitive) and, optionally, CIKs. */
typedef struct fetch_filter {
    char **forms;       /* form types to keep */
    size_t forms_count; /* number of forms */
    uint64_t *ciks;     /* CIKs to keep, numerically; none = all */
    size_t ciks_count;  /* number of CIKs */
} fetch_filter_t;

/*
 * Fill FILTER from comma-separated FORMS and CIKS (either may be NULL:
 * forms default to "8-K,8-K/A", CIKs to all).
 *
 * Return value:
 *   F8K_STATUS_SUCCESS
 *   F8K_STATUS_INVALID_ARG: an empty item or a CIK that is not digits;
 *     *bad_out (may be NULL) points to the offending list.
 *   F8K_STATUS_NOMEM
 * The filter owns its memory: release it with fetch_filter_free().
 */
f8k_status_t fetch_filter_init(fetch_filter_t *filter, const char *forms, const char *ciks,
                               const char **bad_out);
void fetch_filter_free(fetch_filter_t *filter);

/* True when ROW passes FILTER (form and CIK column). */
bool fetch_filter_match(const fetch_filter_t *filter, const fetch_row_t *row);

/* A set of accession numbers, to list each filing once although
 * co-registrants put it on several rows. */
typedef struct fetch_seen fetch_seen_t;

/* Return value: F8K_STATUS_SUCCESS or F8K_STATUS_NOMEM (*seen_out NULL).
 * The caller owns the set and releases it with fetch_seen_free(). */
f8k_status_t fetch_seen_new(fetch_seen_t **seen_out);
void fetch_seen_free(fetch_seen_t *seen);

/*
 * Add ACCESSION to SEEN.  *added_out is true when it was not there.
 * Return value: F8K_STATUS_SUCCESS or F8K_STATUS_NOMEM.
 */
f8k_status_t fetch_seen_add(fetch_seen_t *seen, const char *accession, bool *added_out);

/* ------------------------------------------------------------------ */
/* Interface to code in fetch_core.c: pacing                           */
/* ------------------------------------------------------------------ */

/*
 * A token bucket: RATE tokens per second accrue up to CAPACITY; each
 * request takes one.  With a capacity of 1 no window of one second
 * ever holds more than RATE requests, which is the SEC's rule.
 */
typedef struct fetch_bucket {
    double rate;     /* tokens per second, > 0 */
    double capacity; /* most tokens ever held, >= 1 */
    double tokens;   /* tokens now */
    double last;     /* time of the last refill, seconds */
} fetch_bucket_t;

void fetch_bucket_init(fetch_bucket_t *bucket, double rate, double capacity, double now);

/* Take a token at time NOW (seconds, monotonic).  Returns 0 when one
 * was taken, else the seconds to wait before one is available (then
 * nothing is taken). */
double fetch_bucket_take(fetch_bucket_t *bucket, double now);

/* ------------------------------------------------------------------ */
/* Interface to code in fetch_core.c: configuration and state          */
/* ------------------------------------------------------------------ */

/*
 * Check a User-Agent for SEC fair access: printable ASCII, at most
 * 200 bytes, naming something and carrying an e-mail address.
 * Returns NULL when it is acceptable, else a static reason.
 */
const char *fetch_user_agent_problem(const char *user_agent);

/*
 * Read the `key = value` file at PATH ('#' starts a comment) and
 * return the value of KEY, trimmed, in *value_out (malloc'd, caller
 * frees; NULL when the key is absent or the file does not exist).
 *
 * Return value:
 *   F8K_STATUS_SUCCESS
 *   F8K_STATUS_IO: the file exists but cannot be read.
 *   F8K_STATUS_NOMEM
 */
f8k_status_t fetch_config_get(const char *path, const char *key, char **value_out);

/*
 * Read the state file at PATH: the last day fully covered, as
 * YYYY-MM-DD on the first line.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS: *found_out tells whether there was a state;
 *     *day_out holds it (0 when not found).
 *   F8K_STATUS_BAD_INPUT: the file holds something else.
 *   F8K_STATUS_IO: it cannot be read.
 */
f8k_status_t fetch_state_read(const char *path, bool *found_out, fetch_day_t *day_out);

/*
 * Replace the file at PATH with TEXT atomically: a temporary file in
 * the same directory, fsync, rename, then fsync of the directory.
 *
 * Return value: F8K_STATUS_SUCCESS, F8K_STATUS_IO (errno is kept),
 * F8K_STATUS_NOMEM.
 */
f8k_status_t fetch_write_atomic(const char *path, const char *text, size_t len);

/* Write DAY to the state file at PATH (atomically). */
f8k_status_t fetch_state_write(const char *path, fetch_day_t day);

#endif /* F8K_FETCH_PRIVATE_H */
