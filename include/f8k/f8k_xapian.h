/*
 * f8k_xapian.h - a plain C binding over xapian-core.
 *
 * General, not 8-K specific.  Opaque handles, one f8k_status_t per
 * fallible call, and no C++ exception ever crosses into C: every entry
 * point catches everything and maps each Xapian exception class to its
 * own status (STYLE.md P1).  The message of the last failure on a
 * handle is kept on that handle (f8k_db_last_error() and friends); the
 * constructors that have no handle yet take an optional
 * `char **error_message` (malloc'd, caller frees, NULL on success).
 *
 * Ownership, in the same words everywhere (STYLE.md C6):
 *   - The caller owns what _new/_open/_get_* hand out as a handle and
 *     releases it with the matching _free/_close.  _free(NULL) and
 *     _close(NULL) are no-ops.
 *   - A `char *` output is malloc'd; the caller frees it with free().
 *   - A `const char *` output is borrowed; its lifetime is stated.
 *
 * Threads: Xapian does no locking.  Use one f8k_db_t (and everything
 * made from it) per thread.  A standalone f8k_doc_t or f8k_query_t may
 * be built in any thread and handed over.
 */
#ifndef F8K_XAPIAN_H
#define F8K_XAPIAN_H

#include <stdbool.h>
#include <stddef.h>

#include <f8k/f8k_status.h>

F8K_BEGIN_DECLS

/* The binding never throws; C++ callers see its functions as noexcept. */
#ifdef __cplusplus
#define F8K_NOEXCEPT noexcept
#else
#define F8K_NOEXCEPT
#endif

typedef unsigned f8k_docid_t;   /* 1-based Xapian document id; 0 = none. */
typedef unsigned f8k_valueno_t; /* Value slot number. */
typedef unsigned f8k_termpos_t; /* Term position within a document. */

/* "No slot": turns collapsing off, for instance. */
#define F8K_BAD_VALUENO 0xffffffffu

typedef struct f8k_db f8k_db_t;           /* An open database (reader or writer). */
typedef struct f8k_doc f8k_doc_t;         /* A document, standalone or read from a db. */
typedef struct f8k_query f8k_query_t;     /* An immutable query tree (copy semantics). */
typedef struct f8k_enquire f8k_enquire_t; /* A search session over one db. */
typedef struct f8k_mset f8k_mset_t;       /* A window of results, with facet counts. */
typedef struct f8k_strlist f8k_strlist_t; /* A materialised list of (bytes, count). */

/* ------------------------------------------------------------------ */
/* String lists: terms, metadata keys, synonyms, facet values.         */
/* ------------------------------------------------------------------ */

/* Number of entries in LIST (0 for NULL). */
size_t f8k_strlist_size(const f8k_strlist_t *list) F8K_NOEXCEPT;

/*
 * Entry INDEX of LIST: its bytes (NUL-terminated, but may also contain
 * NULs, hence LEN_OUT), and a count whose meaning the producer states
 * (term frequency, wdf, facet count; 0 where none applies).  Any out
 * pointer may be NULL.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     *str_out is borrowed, valid until LIST is freed.
 *   F8K_STATUS_INVALID_ARG: LIST is NULL or INDEX is out of range;
 *                           outputs are NULL/0.
 */
f8k_status_t f8k_strlist_get(const f8k_strlist_t *list, size_t index, const char **str_out,
                             size_t *len_out, unsigned long long *count_out) F8K_NOEXCEPT;

/* Free LIST.  NULL is a no-op. */
void f8k_strlist_free(f8k_strlist_t *list) F8K_NOEXCEPT;

/* ------------------------------------------------------------------ */
/* Database.                                                            */
/* ------------------------------------------------------------------ */

/*
 * Open the database at PATH read-only.  PATH may be a database
 * directory, a single-file database, or a stub database file listing
 * shards (`auto PATH` lines for local shards, `remote ...` lines).
 * Besides Xapian's `remote HOST:PORT`, a stub may say `remote tcp HOST
 * PORT [TIMEOUT_SECONDS]`: a shard served by xapian-tcpsrv that must
 * connect and answer each request within TIMEOUT_SECONDS (default 10),
 * else the open or the search fails with F8K_STATUS_NETWORK or
 * F8K_STATUS_TIMEOUT naming the shard; it never waits without bound.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:      *db_out is the caller's; close it with
 *                            f8k_db_close().
 *   F8K_STATUS_INVALID_ARG:  PATH or DB_OUT is NULL.
 *   F8K_STATUS_DB_NOT_FOUND, F8K_STATUS_DB_OPEN, F8K_STATUS_DB_VERSION,
 *   F8K_STATUS_DB_CORRUPT, F8K_STATUS_NETWORK, F8K_STATUS_TIMEOUT,
 *   F8K_STATUS_XAPIAN, F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: the open
 *                            failed.
 *   On failure *db_out is NULL and, when ERROR_MESSAGE is not NULL,
 *   *error_message is a malloc'd description (caller frees); it is NULL
 *   on success.
 */
f8k_status_t f8k_db_open(const char *path, f8k_db_t **db_out, char **error_message) F8K_NOEXCEPT;

/*
 * Open the database at PATH for writing, creating it when absent.  A
 * new database directory is created private (mode 0700); its parent
 * must exist.  Xapian allows one writer: when another process holds
 * the write lock, WAIT_SECONDS <= 0 fails at once, and WAIT_SECONDS > 0
 * polls the lock (short sleeps) for at most that long.  Never waits
 * without bound.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:      *db_out is the caller's; f8k_db_close()
 *                            commits and releases the lock.
 *   F8K_STATUS_INVALID_ARG:  PATH or DB_OUT is NULL.
 *   F8K_STATUS_DB_LOCKED:    another writer holds the lock (after
 *                            waiting, if asked to).
 *   F8K_STATUS_IO:           the directory could not be created.
 *   F8K_STATUS_DB_OPEN, F8K_STATUS_DB_VERSION, F8K_STATUS_DB_CORRUPT,
 *   F8K_STATUS_XAPIAN, F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: other
 *                            failures.
 *   *db_out and *error_message as for f8k_db_open().
 */
f8k_status_t f8k_db_open_writable(const char *path, double wait_seconds, f8k_db_t **db_out,
                                  char **error_message) F8K_NOEXCEPT;

/*
 * Close DB and free the handle.  A writable database is committed
 * first, explicitly (an open transaction is cancelled, not committed),
 * so a failing commit is reported rather than swallowed.  Handles made
 * from DB (enquires, msets, documents read from it) stay valid to free
 * but their database calls then fail with F8K_STATUS_DB_CLOSED.  The
 * handle is freed whatever the result.  NULL is a no-op (SUCCESS).
 *
 * Return value:
 *   F8K_STATUS_SUCCESS: committed (if writable) and closed.
 *   F8K_STATUS_DB_MODIFIED, F8K_STATUS_DB_CORRUPT, F8K_STATUS_XAPIAN,
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: the final commit failed;
 *                       uncommitted changes are lost.
 */
f8k_status_t f8k_db_close(f8k_db_t *db) F8K_NOEXCEPT;

/*
 * The message of the last failure on DB, or "" when the last call
 * succeeded.  Borrowed, valid until the next call on DB.  Never NULL
 * ("" for a NULL DB).
 */
const char *f8k_db_last_error(const f8k_db_t *db) F8K_NOEXCEPT;

/* True when DB was opened with f8k_db_open_writable(). */
bool f8k_db_is_writable(const f8k_db_t *db) F8K_NOEXCEPT;

/*
 * Commit pending changes of a writable DB.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     committed.
 *   F8K_STATUS_INVALID_ARG: DB is NULL, read-only, or inside a
 *                           transaction (commit that instead).
 *   F8K_STATUS_DB_CLOSED, F8K_STATUS_DB_CORRUPT, F8K_STATUS_XAPIAN,
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: the commit failed.
 */
f8k_status_t f8k_db_commit(f8k_db_t *db) F8K_NOEXCEPT;

/*
 * Transactions on a writable DB.  Begin with FLUSHED true to commit
 * pending changes first and make the transaction's end a commit; with
 * false, the changes join the next commit.  Nesting is refused.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     done.
 *   F8K_STATUS_INVALID_ARG: DB NULL or read-only; begin inside a
 *                           transaction; commit/cancel outside one.
 *   F8K_STATUS_DB_CLOSED, F8K_STATUS_XAPIAN, F8K_STATUS_NOMEM,
 *   F8K_STATUS_INTERNAL: Xapian failed (a failed commit leaves no
 *                           transaction open).
 */
f8k_status_t f8k_db_begin_transaction(f8k_db_t *db, bool flushed) F8K_NOEXCEPT;
f8k_status_t f8k_db_commit_transaction(f8k_db_t *db) F8K_NOEXCEPT;
f8k_status_t f8k_db_cancel_transaction(f8k_db_t *db) F8K_NOEXCEPT;

/*
 * Statistics.  Out pointers are set to 0 on failure.
 *
 * Return value (all four):
 *   F8K_STATUS_SUCCESS:     *X_out holds the figure.
 *   F8K_STATUS_INVALID_ARG: a NULL argument.
 *   F8K_STATUS_DB_CLOSED, F8K_STATUS_DB_MODIFIED, F8K_STATUS_NETWORK,
 *   F8K_STATUS_XAPIAN, F8K_STATUS_INTERNAL: Xapian failed.
 */
f8k_status_t f8k_db_doccount(f8k_db_t *db, unsigned *count_out) F8K_NOEXCEPT;
f8k_status_t f8k_db_lastdocid(f8k_db_t *db, f8k_docid_t *docid_out) F8K_NOEXCEPT;
f8k_status_t f8k_db_avlength(f8k_db_t *db, double *avlength_out) F8K_NOEXCEPT;
f8k_status_t f8k_db_termfreq(f8k_db_t *db, const char *term, unsigned *freq_out) F8K_NOEXCEPT;

/*
 * Whether TERM indexes any document of DB.  Return value as for
 * f8k_db_doccount(); *has_out is false on failure.
 */
f8k_status_t f8k_db_has_term(f8k_db_t *db, const char *term, bool *has_out) F8K_NOEXCEPT;

/*
 * Reopen DB at its latest revision (a reader sees newer commits; a
 * writer: no-op).  *changed_out (may be NULL) tells whether the
 * revision moved.  Return value as for f8k_db_doccount().
 */
f8k_status_t f8k_db_reopen(f8k_db_t *db, bool *changed_out) F8K_NOEXCEPT;

/*
 * Metadata.  Get stores a malloc'd copy of KEY's value (NUL-terminated,
 * may contain NULs, LEN_OUT may be NULL) in *value_out; an absent key
 * gives "" (length 0).  Set stores LEN bytes of VALUE (a writable DB;
 * an empty value deletes the key).  Keys lists the keys starting with
 * PREFIX ("" or NULL for all), counts 0.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     done; outputs are the caller's.
 *   F8K_STATUS_INVALID_ARG: NULL DB/KEY/out pointer, VALUE NULL with
 *                           LEN > 0, an empty key, or set on a reader.
 *   F8K_STATUS_DB_CLOSED, F8K_STATUS_DB_MODIFIED, F8K_STATUS_UNSUPPORTED,
 *   F8K_STATUS_XAPIAN, F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure;
 *                           *value_out / *keys_out are NULL.
 */
f8k_status_t f8k_db_get_metadata(f8k_db_t *db, const char *key, char **value_out,
                                 size_t *len_out) F8K_NOEXCEPT;
f8k_status_t f8k_db_set_metadata(f8k_db_t *db, const char *key, const void *value,
                                 size_t len) F8K_NOEXCEPT;
f8k_status_t f8k_db_metadata_keys(f8k_db_t *db, const char *prefix,
                                  f8k_strlist_t **keys_out) F8K_NOEXCEPT;

/*
 * All terms of DB starting with PREFIX ("" or NULL for all), in byte
 * order; each entry's count is the term frequency.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     *terms_out is the caller's (f8k_strlist_free).
 *   F8K_STATUS_INVALID_ARG: DB or TERMS_OUT is NULL.
 *   F8K_STATUS_DB_CLOSED, F8K_STATUS_DB_MODIFIED, F8K_STATUS_XAPIAN,
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure; *terms_out is NULL.
 */
f8k_status_t f8k_db_allterms(f8k_db_t *db, const char *prefix,
                             f8k_strlist_t **terms_out) F8K_NOEXCEPT;

/*
 * The ascending document ids indexed by TERM.  *docids_out is a
 * malloc'd array of *count_out ids (caller frees; NULL when 0).
 *
 * Return value: as for f8k_db_allterms(); on failure *docids_out is
 * NULL and *count_out 0.
 */
f8k_status_t f8k_db_postlist(f8k_db_t *db, const char *term, f8k_docid_t **docids_out,
                             size_t *count_out) F8K_NOEXCEPT;

/*
 * Read document DOCID.  Its data, values and terms are read lazily
 * from DB, so later calls on the document can fail with DB_MODIFIED or
 * DB_CLOSED.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:       *doc_out is the caller's (f8k_doc_free).
 *   F8K_STATUS_INVALID_ARG:   NULL argument or DOCID 0.
 *   F8K_STATUS_DOC_NOT_FOUND: no such document.
 *   F8K_STATUS_DB_CLOSED, F8K_STATUS_DB_MODIFIED, F8K_STATUS_XAPIAN,
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure; *doc_out is NULL.
 */
f8k_status_t f8k_db_get_document(f8k_db_t *db, f8k_docid_t docid, f8k_doc_t **doc_out) F8K_NOEXCEPT;

/*
 * Add DOC to a writable DB; *docid_out (may be NULL) gets the new id.
 * Replace: every document indexed by UNIQUE_TERM is replaced by DOC
 * (added when none), so re-adding is idempotent; DOC should itself
 * carry UNIQUE_TERM.  Delete: remove every document indexed by TERM
 * (none is not an error).  DOC is not consumed.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     done.
 *   F8K_STATUS_INVALID_ARG: NULL argument, empty term, read-only DB, or
 *                           a term over Xapian's length limit.
 *   F8K_STATUS_DB_CLOSED, F8K_STATUS_DB_CORRUPT, F8K_STATUS_XAPIAN,
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure; *docid_out is 0.
 */
f8k_status_t f8k_db_add_document(f8k_db_t *db, const f8k_doc_t *doc,
                                 f8k_docid_t *docid_out) F8K_NOEXCEPT;
f8k_status_t f8k_db_replace_document_by_term(f8k_db_t *db, const char *unique_term,
                                             const f8k_doc_t *doc,
                                             f8k_docid_t *docid_out) F8K_NOEXCEPT;
f8k_status_t f8k_db_delete_documents_by_term(f8k_db_t *db, const char *term) F8K_NOEXCEPT;

/*
 * Compact (and merge) the N databases SOURCES into a new database at
 * DESTINATION (which must not exist, or be empty), renumbering
 * document ids in source order.  With SINGLE_FILE, DESTINATION is one
 * file.  Metadata, spelling and synonyms are merged too.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     done.
 *   F8K_STATUS_INVALID_ARG: NULL argument or N == 0.
 *   F8K_STATUS_DB_NOT_FOUND, F8K_STATUS_DB_OPEN, F8K_STATUS_DB_LOCKED,
 *   F8K_STATUS_DB_CORRUPT, F8K_STATUS_XAPIAN, F8K_STATUS_NOMEM,
 *   F8K_STATUS_INTERNAL: failure; *error_message as for f8k_db_open().
 */
f8k_status_t f8k_db_compact(const char *const *sources, size_t n, const char *destination,
                            bool single_file, char **error_message) F8K_NOEXCEPT;

/*
 * Spelling: add WORD with frequency increment FREQ_INC (writable DB);
 * suggest the closest word of the spelling table within
 * MAX_EDIT_DISTANCE (0 means Xapian's default, 2).  *suggestion_out is
 * a malloc'd word, or NULL when there is no better spelling.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     done.
 *   F8K_STATUS_INVALID_ARG: NULL argument, empty word, add on a reader.
 *   F8K_STATUS_DB_CLOSED, F8K_STATUS_DB_MODIFIED, F8K_STATUS_XAPIAN,
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure.
 */
f8k_status_t f8k_db_add_spelling(f8k_db_t *db, const char *word, unsigned freq_inc) F8K_NOEXCEPT;
f8k_status_t f8k_db_spelling_suggestion(f8k_db_t *db, const char *word, unsigned max_edit_distance,
                                        char **suggestion_out) F8K_NOEXCEPT;

/*
 * Synonyms: add SYNONYM for TERM (writable DB); list the synonyms of
 * TERM; list the terms that have synonyms, starting with PREFIX (""
 * or NULL for all).  Counts are 0.  Return value as for
 * f8k_db_add_spelling(); list outputs are the caller's.
 */
f8k_status_t f8k_db_add_synonym(f8k_db_t *db, const char *term, const char *synonym) F8K_NOEXCEPT;
f8k_status_t f8k_db_synonyms(f8k_db_t *db, const char *term,
                             f8k_strlist_t **synonyms_out) F8K_NOEXCEPT;
f8k_status_t f8k_db_synonym_keys(f8k_db_t *db, const char *prefix,
                                 f8k_strlist_t **keys_out) F8K_NOEXCEPT;

/* ------------------------------------------------------------------ */
/* Documents.                                                           */
/* ------------------------------------------------------------------ */

/*
 * A new, empty, standalone document (any thread may build one).
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     *doc_out is the caller's (f8k_doc_free).
 *   F8K_STATUS_INVALID_ARG: DOC_OUT is NULL.
 *   F8K_STATUS_NOMEM:       out of memory; *doc_out is NULL.
 */
f8k_status_t f8k_doc_new(f8k_doc_t **doc_out) F8K_NOEXCEPT;

/* Free DOC.  NULL is a no-op. */
void f8k_doc_free(f8k_doc_t *doc) F8K_NOEXCEPT;

/* The last failure's message on DOC ("" when none).  Borrowed, valid
 * until the next call on DOC. */
const char *f8k_doc_last_error(const f8k_doc_t *doc) F8K_NOEXCEPT;

/*
 * Index terms.  add_term adds TERM without position (WDF_INC to its
 * within-document frequency); add_posting adds it at position POS;
 * add_boolean_term adds it with wdf 0 and no position (a filter term).
 * Terms are bytes up to Xapian's limit (245 bytes, NULs count double).
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     added.
 *   F8K_STATUS_INVALID_ARG: NULL argument or empty term.
 *   F8K_STATUS_NOMEM, F8K_STATUS_XAPIAN, F8K_STATUS_INTERNAL: failure.
 */
f8k_status_t f8k_doc_add_term(f8k_doc_t *doc, const char *term, unsigned wdf_inc) F8K_NOEXCEPT;
f8k_status_t f8k_doc_add_posting(f8k_doc_t *doc, const char *term, f8k_termpos_t pos,
                                 unsigned wdf_inc) F8K_NOEXCEPT;
f8k_status_t f8k_doc_add_boolean_term(f8k_doc_t *doc, const char *term) F8K_NOEXCEPT;

/*
 * Set value slot SLOT (or the document data) to LEN bytes of BYTES,
 * which may contain NULs and newlines.  An empty value clears the
 * slot.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     set.
 *   F8K_STATUS_INVALID_ARG: NULL DOC, BYTES NULL with LEN > 0, or SLOT
 *                           is F8K_BAD_VALUENO.
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure.
 */
f8k_status_t f8k_doc_set_value(f8k_doc_t *doc, f8k_valueno_t slot, const void *bytes,
                               size_t len) F8K_NOEXCEPT;
f8k_status_t f8k_doc_set_data(f8k_doc_t *doc, const void *bytes, size_t len) F8K_NOEXCEPT;

/*
 * Read the document data, or value slot SLOT ("" when unset).
 * *bytes_out is borrowed, NUL-terminated (LEN_OUT gives the length,
 * which counts embedded NULs; LEN_OUT may be NULL), valid until the
 * next call on DOC.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     done.
 *   F8K_STATUS_INVALID_ARG: NULL DOC or BYTES_OUT.
 *   F8K_STATUS_DB_CLOSED, F8K_STATUS_DB_MODIFIED, F8K_STATUS_DOC_NOT_FOUND,
 *   F8K_STATUS_XAPIAN, F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: reading
 *                           from the database failed; *bytes_out NULL.
 */
f8k_status_t f8k_doc_get_data(f8k_doc_t *doc, const char **bytes_out, size_t *len_out) F8K_NOEXCEPT;
f8k_status_t f8k_doc_get_value(f8k_doc_t *doc, f8k_valueno_t slot, const char **bytes_out,
                               size_t *len_out) F8K_NOEXCEPT;

/*
 * The terms of DOC in byte order, each count the term's wdf.  Return
 * value as for f8k_doc_get_data(); *terms_out is the caller's.
 */
f8k_status_t f8k_doc_terms(f8k_doc_t *doc, f8k_strlist_t **terms_out) F8K_NOEXCEPT;

/*
 * The ascending positions of TERM in DOC: a malloc'd array of
 * *count_out positions in *positions_out (caller frees; NULL when
 * none or when the term is absent).  Return value as for
 * f8k_doc_get_data().
 */
f8k_status_t f8k_doc_positions(f8k_doc_t *doc, const char *term, f8k_termpos_t **positions_out,
                               size_t *count_out) F8K_NOEXCEPT;

/* ------------------------------------------------------------------ */
/* Queries.  Each constructor returns a new query the caller frees     */
/* with f8k_query_free(); subqueries are copied, not consumed.         */
/* All constructors return:                                            */
/*   F8K_STATUS_SUCCESS:     *query_out is the caller's.               */
/*   F8K_STATUS_INVALID_ARG: a NULL argument, N == 0 where subqueries  */
/*                           are required, an empty term, or a         */
/*                           parameter Xapian rejects.                 */
/*   F8K_STATUS_NOMEM, F8K_STATUS_XAPIAN, F8K_STATUS_INTERNAL: failure.*/
/*   On failure *query_out is NULL.                                    */
/* ------------------------------------------------------------------ */

typedef enum f8k_query_op {
    F8K_QUERY_AND,       /* All subqueries. */
    F8K_QUERY_OR,        /* Any subquery. */
    F8K_QUERY_AND_NOT,   /* The first, but none of the others. */
    F8K_QUERY_AND_MAYBE, /* The first; the others only add weight. */
    F8K_QUERY_FILTER,    /* The first, restricted by the others, which add no weight. */
    F8K_QUERY_SYNONYM,   /* Any, weighted as if one term. */
    F8K_QUERY_ELITE_SET, /* OR of the PARAMETER best-weighted subqueries. */
    F8K_QUERY_PHRASE,    /* Terms in order within a window of PARAMETER positions. */
    F8K_QUERY_NEAR,      /* Terms in any order within a window of PARAMETER positions. */
    F8K_QUERY_XOR,       /* An odd number of the subqueries. */
    F8K_QUERY_MAX        /* Any subquery, weighted as the best-scoring one. */
} f8k_query_op_t;

/* A term query.  WQF is its within-query frequency (0 means 1); POS
 * its query position (0 for none). */
f8k_status_t f8k_query_term(const char *term, unsigned wqf, f8k_termpos_t pos,
                            f8k_query_t **query_out) F8K_NOEXCEPT;

/*
 * Combine N subqueries with OP.  PARAMETER is the window for PHRASE and
 * NEAR (0: the number of subqueries), the set size for ELITE_SET (0:
 * Xapian's default, 10), and ignored otherwise.
 */
f8k_status_t f8k_query_combine(f8k_query_op_t op, const f8k_query_t *const *subqueries, size_t n,
                               unsigned parameter, f8k_query_t **query_out) F8K_NOEXCEPT;

/*
 * Every term starting with PREFIX, ORed as a synonym.  MAX_EXPANSION
 * > 0 keeps only the MAX_EXPANSION most frequent terms; 0 is no limit.
 */
f8k_status_t f8k_query_wildcard(const char *prefix, unsigned max_expansion,
                                f8k_query_t **query_out) F8K_NOEXCEPT;

/*
 * Documents whose value in SLOT lies between LO and HI (byte order,
 * both inclusive).  LO NULL is an open lower end, HI NULL an open upper
 * end; both NULL matches every document with a value in SLOT.
 */
f8k_status_t f8k_query_value_range(f8k_valueno_t slot, const char *lo, const char *hi,
                                   f8k_query_t **query_out) F8K_NOEXCEPT;

/* QUERY with every weight multiplied by FACTOR (>= 0). */
f8k_status_t f8k_query_scale_weight(const f8k_query_t *query, double factor,
                                    f8k_query_t **query_out) F8K_NOEXCEPT;

/* Every document (built fresh, never Xapian's shared static: P11). */
f8k_status_t f8k_query_match_all(f8k_query_t **query_out) F8K_NOEXCEPT;

/* No document. */
f8k_status_t f8k_query_match_nothing(f8k_query_t **query_out) F8K_NOEXCEPT;

/*
 * A debug description of QUERY (Xapian's get_description()).
 * *description_out is malloc'd; the caller frees it.
 */
f8k_status_t f8k_query_describe(const f8k_query_t *query, char **description_out) F8K_NOEXCEPT;

/* Free QUERY.  NULL is a no-op. */
void f8k_query_free(f8k_query_t *query) F8K_NOEXCEPT;

/* ------------------------------------------------------------------ */
/* Enquire and MSet.                                                    */
/* ------------------------------------------------------------------ */

typedef enum f8k_sort {
    F8K_SORT_RELEVANCE,            /* Best weight first (the default). */
    F8K_SORT_VALUE_THEN_RELEVANCE, /* By a value slot, ties by weight. */
    F8K_SORT_RELEVANCE_THEN_VALUE  /* By weight, ties by a value slot. */
} f8k_sort_t;

/*
 * A search session over DB.  It shares DB's snapshot; close DB only
 * after freeing the enquire (if not, its searches fail with DB_CLOSED).
 * The default query matches nothing; the default weighting is BM25.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     *enquire_out is the caller's (f8k_enquire_free).
 *   F8K_STATUS_INVALID_ARG: a NULL argument.
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure; *enquire_out NULL.
 */
f8k_status_t f8k_enquire_new(f8k_db_t *db, f8k_enquire_t **enquire_out) F8K_NOEXCEPT;

/* Free ENQUIRE.  NULL is a no-op. */
void f8k_enquire_free(f8k_enquire_t *enquire) F8K_NOEXCEPT;

/* The last failure's message on ENQUIRE ("" when none); borrowed,
 * valid until the next call on ENQUIRE. */
const char *f8k_enquire_last_error(const f8k_enquire_t *enquire) F8K_NOEXCEPT;

/*
 * Configuration.  set_query copies QUERY.  BM25 takes Xapian's
 * parameters (defaults 1, 0, 1, 0.5, 0.5); bool gives every match
 * weight 0.  Sort: SLOT is the value slot for the VALUE kinds and
 * DESCENDING orders that value from high to low.  Collapse: at most
 * MAX_PER_KEY results per distinct value of SLOT (F8K_BAD_VALUENO
 * turns collapsing off; MAX_PER_KEY 0 means 1).
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     set.
 *   F8K_STATUS_INVALID_ARG: a NULL argument, an unknown SORT, a
 *                           parameter Xapian rejects.
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure.
 */
f8k_status_t f8k_enquire_set_query(f8k_enquire_t *enquire, const f8k_query_t *query) F8K_NOEXCEPT;
f8k_status_t f8k_enquire_set_weighting_bm25(f8k_enquire_t *enquire, double k1, double k2, double k3,
                                            double b, double min_normlen) F8K_NOEXCEPT;
f8k_status_t f8k_enquire_set_weighting_bool(f8k_enquire_t *enquire) F8K_NOEXCEPT;
f8k_status_t f8k_enquire_set_sort(f8k_enquire_t *enquire, f8k_sort_t sort, f8k_valueno_t slot,
                                  bool descending) F8K_NOEXCEPT;
f8k_status_t f8k_enquire_set_collapse_key(f8k_enquire_t *enquire, f8k_valueno_t slot,
                                          unsigned max_per_key) F8K_NOEXCEPT;

/* Facet flags. */
#define F8K_FACET_MULTI_VALUE 0x1u /* The slot holds several values split by SEPARATOR. */
#define F8K_FACET_ONCE_PER_COLLAPSE_KEY                                                            \
    0x2u /* Count a value once per distinct collapse-key value (e.g. per filing). */

/*
 * Ask for facet counts over value SLOT: every matching document (not
 * just the returned window) adds 1 to each distinct value it holds.
 * With F8K_FACET_MULTI_VALUE the slot is split on SEPARATOR (empty
 * pieces skipped; a value repeated in one document counts once).
 * With F8K_FACET_ONCE_PER_COLLAPSE_KEY, a value counts at most once
 * per distinct value of COLLAPSE_SLOT.  Facets are numbered from 0 in
 * the order added; *index_out (may be NULL) gets the number.  Searching
 * with facets examines every match (Xapian check_at_least = all).
 * Over remote shards (which cannot run f8k's counter) each facet costs
 * one more search, collapsed on COLLAPSE_SLOT and sorted by SLOT, that
 * counts one document per collapse key: the same counts whenever SLOT's
 * value is equal in all documents sharing a collapse key.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     added.
 *   F8K_STATUS_INVALID_ARG: NULL ENQUIRE, SLOT F8K_BAD_VALUENO, or
 *                           ONCE_PER_COLLAPSE_KEY with COLLAPSE_SLOT
 *                           F8K_BAD_VALUENO.
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure.
 */
f8k_status_t f8k_enquire_add_facet(f8k_enquire_t *enquire, f8k_valueno_t slot, unsigned flags,
                                   char separator, f8k_valueno_t collapse_slot,
                                   size_t *index_out) F8K_NOEXCEPT;

/* Flags for f8k_enquire_get_mset(). */
#define F8K_MSET_FETCH_DATA 0x1u /* Read every item's document data during the search. */

/*
 * Run the search and return results OFFSET .. OFFSET+LIMIT-1.  LIMIT 0
 * means ALL matches, with no cap.  CHECK_AT_LEAST makes Xapian look at
 * that many matches at least, for exact counts (0: none beyond the
 * window).  With F8K_MSET_FETCH_DATA, each item's document data is
 * read during the search.  The search (and that reading) is retried
 * with a reopen of the database when a writer's commits invalidate the
 * snapshot (DatabaseModifiedError), up to 5 times.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:      *mset_out is the caller's (f8k_mset_free);
 *                            it stays valid after ENQUIRE is freed.
 *   F8K_STATUS_INVALID_ARG:  a NULL argument.
 *   F8K_STATUS_DB_MODIFIED:  still invalidated after the retries.
 *   F8K_STATUS_DB_CLOSED:    the database was closed.
 *   F8K_STATUS_BAD_QUERY, F8K_STATUS_DB_CORRUPT, F8K_STATUS_NETWORK,
 *   F8K_STATUS_TIMEOUT, F8K_STATUS_UNSUPPORTED, F8K_STATUS_XAPIAN,
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure; *mset_out NULL.
 */
f8k_status_t f8k_enquire_get_mset(f8k_enquire_t *enquire, unsigned offset, unsigned limit,
                                  unsigned check_at_least, unsigned flags,
                                  f8k_mset_t **mset_out) F8K_NOEXCEPT;

/* Free MSET.  NULL is a no-op. */
void f8k_mset_free(f8k_mset_t *mset) F8K_NOEXCEPT;

/* The last failure's message on MSET ("" when none); borrowed, valid
 * until the next call on MSET. */
const char *f8k_mset_last_error(const f8k_mset_t *mset) F8K_NOEXCEPT;

/* Number of items in the window (0 for NULL). */
size_t f8k_mset_size(const f8k_mset_t *mset) F8K_NOEXCEPT;

/* Bounds on the total number of matches (after collapsing).  Any out
 * pointer may be NULL.  Returns INVALID_ARG for a NULL MSET. */
f8k_status_t f8k_mset_matches(const f8k_mset_t *mset, unsigned *lower_out, unsigned *estimated_out,
                              unsigned *upper_out) F8K_NOEXCEPT;

/*
 * Item INDEX (0-based within the window): docid, rank (0-based in the
 * whole result list), weight, percent, and collapse count (how many
 * more documents share its collapse key, a lower bound).  Any out
 * pointer may be NULL.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     done.
 *   F8K_STATUS_INVALID_ARG: NULL MSET or INDEX out of range; outputs 0.
 */
f8k_status_t f8k_mset_item(const f8k_mset_t *mset, size_t index, f8k_docid_t *docid_out,
                           unsigned *rank_out, double *weight_out, int *percent_out,
                           unsigned *collapse_count_out) F8K_NOEXCEPT;

/*
 * Item INDEX's document data, or value SLOT.  *bytes_out is borrowed,
 * NUL-terminated, valid until MSET is freed; LEN_OUT (may be NULL)
 * counts embedded NULs.  Data not prefetched (F8K_MSET_FETCH_DATA) and
 * values are read on demand, without retry.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     done.
 *   F8K_STATUS_INVALID_ARG: NULL argument or INDEX out of range.
 *   F8K_STATUS_DB_MODIFIED, F8K_STATUS_DB_CLOSED, F8K_STATUS_XAPIAN,
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure; *bytes_out NULL.
 */
f8k_status_t f8k_mset_get_data(f8k_mset_t *mset, size_t index, const char **bytes_out,
                               size_t *len_out) F8K_NOEXCEPT;
f8k_status_t f8k_mset_get_value(f8k_mset_t *mset, size_t index, f8k_valueno_t slot,
                                const char **bytes_out, size_t *len_out) F8K_NOEXCEPT;

/* Number of facets computed for MSET (as added to the enquire). */
size_t f8k_mset_facet_count(const f8k_mset_t *mset) F8K_NOEXCEPT;

/*
 * Facet FACET's (value, count) pairs, most frequent first, ties in
 * byte order of the value.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     *facet_out is the caller's (f8k_strlist_free).
 *   F8K_STATUS_INVALID_ARG: NULL argument or FACET out of range.
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure; *facet_out NULL.
 */
f8k_status_t f8k_mset_facet(const f8k_mset_t *mset, size_t facet,
                            f8k_strlist_t **facet_out) F8K_NOEXCEPT;

/*
 * Xapian's own snippet of TEXT (LEN bytes) for MSET's query: a passage of
 * about LENGTH bytes with the query's terms wrapped in HI_START and HI_END
 * and cut ends marked with OMIT (any of the three may be NULL for "").
 * Xapian splits TEXT with its own word rules and no stemmer, so it suits
 * unprefixed, unstemmed terms; f8k's search makes its own snippets with
 * f8k's analyzer.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     *snippet_out is a malloc'd NUL-terminated
 *                           string (caller frees).
 *   F8K_STATUS_INVALID_ARG: NULL MSET, SNIPPET_OUT, or TEXT with LEN > 0.
 *   F8K_STATUS_NOMEM, F8K_STATUS_XAPIAN, F8K_STATUS_INTERNAL: failure,
 *                           *snippet_out NULL; f8k_mset_last_error() says why.
 */
f8k_status_t f8k_mset_snippet(f8k_mset_t *mset, const char *text, size_t len, size_t length,
                              const char *hi_start, const char *hi_end, const char *omit,
                              char **snippet_out) F8K_NOEXCEPT;

/*
 * Every document, each weighing WEIGHT (>= 0): Xapian's
 * FixedWeightPostingSource.  ANDed with a boolean term it gives the
 * documents indexed by that term a constant weight, which a boolean
 * term (wdf 0) never gets from BM25.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     *query_out is the caller's (f8k_query_free).
 *   F8K_STATUS_INVALID_ARG: NULL QUERY_OUT, or WEIGHT negative or NaN.
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure, *query_out NULL.
 */
f8k_status_t f8k_query_fixed_weight(double weight, f8k_query_t **query_out) F8K_NOEXCEPT;

/*
 * As f8k_db_compact() (not single-file), at Xapian's FULL level: items
 * are split across blocks whenever it saves space (xapian-compact's
 * default; about 1% smaller than f8k_db_compact's STANDARD level, and
 * still fine to update).  Return value as for f8k_db_compact().
 */
f8k_status_t f8k_db_compact_full(const char *const *sources, size_t n, const char *destination,
                                 char **error_message) F8K_NOEXCEPT;

F8K_END_DECLS

#endif /* F8K_XAPIAN_H */
