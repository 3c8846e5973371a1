/*
 * f8k_index.h - the indexing library: filings -> Xapian documents.
 *
 * Implemented in indexer/index.c on top of f8k_xapian.h (the binding),
 * f8k_analyzer.h (one analyzer per worker thread) and f8k_filing.h
 * (the fielded record).  The term scheme, value slots and document
 * data follow README.md ("Index layout") exactly; the search side is
 * written against it.
 *
 * One f8k_index_t is one writer: it holds Xapian's write lock from
 * f8k_index_open() to f8k_index_close().  Readers keep working while
 * it writes and see each committed batch.  The library never prints
 * and never reads the environment: progress and per-file failures go
 * through a callback.
 *
 * Metadata kept in the database (all keys start with "f8k:"):
 *   f8k:analyzer        f8k_analyzer_version_string() of the writer
 *   f8k:schema          the term scheme's version ("2": no Z term where a
 *                       word is its own stem)
 *   f8k:file:<hex32>    one record per indexed path (XXH3-128 of the
 *                       path): device, inode, size, mtime, content
 *                       hash, filing id, then the path
 *   f8k:filing:<id>     the path the filing was last indexed from
 *   f8k:lastrun         JSON: time and counts of the last add
 *
 * A sharded index (f8k_index_open_sharded()) is a directory holding a
 * Xapian stub file XAPIANDB, whose first line records the scheme
 * ("# f8k-index shard-by year" or "... hash:N") and whose `auto NAME`
 * lines list the shards, each an f8k database NAME in the directory
 * with the metadata above for the filings it holds: "1994" .. "2025"
 * and "undated" for year (the year of the filing date, else of the
 * date of report), "h00" .. for hash:N (XXH3 of the filing id mod N).
 * Xapian, f8k-search and every --db command open the directory as one
 * database.  The lock file f8k-index.lock in it makes one writer at a
 * time of the whole index; each open shard's Xapian lock is held too.
 */
#ifndef F8K_INDEX_API_H
#define F8K_INDEX_API_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <f8k/f8k_status.h>

F8K_BEGIN_DECLS

typedef struct f8k_index f8k_index_t; /* A writable index: the db, its lock, options. */

/* Counts of one add (or remove) run. */
typedef struct f8k_index_counts {
    unsigned long added;      /* filings new to the index */
    unsigned long replaced;   /* filings indexed again (changed file or same id) */
    unsigned long unchanged;  /* files skipped: same size, mtime, inode (or content) */
    unsigned long removed;    /* filings removed (prune, remove) */
    unsigned long failed;     /* inputs that could not be indexed (reported) */
    unsigned long long bytes; /* bytes of the files read and parsed */
    unsigned long documents;  /* Xapian documents written */
} f8k_index_counts_t;

typedef enum f8k_index_event_kind {
    F8K_INDEX_EVENT_COUNTING, /* the walk before indexing (totals growing) */
    F8K_INDEX_EVENT_PROGRESS, /* files done so far; sent at most ~10 times a second */
    F8K_INDEX_EVENT_FAILED,   /* PATH could not be indexed: STATUS and REASON say why */
    F8K_INDEX_EVENT_COMMIT,   /* a batch was committed (readers can see it) */
    F8K_INDEX_EVENT_MERGING   /* parallel shards are being merged into the index */
} f8k_index_event_kind_t;

/* What the progress callback receives; borrowed for the call only. */
typedef struct f8k_index_event {
    f8k_index_event_kind_t kind;
    const char *path;                 /* FAILED: the input (as walked); else NULL */
    f8k_status_t status;              /* FAILED: the status; else SUCCESS */
    const char *reason;               /* FAILED: one line for people; else NULL */
    unsigned long files_done;         /* files finished (indexed, unchanged or failed) */
    unsigned long files_total;        /* files found by the counting walk; 0 when unknown */
    unsigned long long bytes_done;    /* bytes of the files finished */
    unsigned long long bytes_total;   /* bytes found by the counting walk; 0 when unknown */
    double elapsed;                   /* seconds since the add began */
    const f8k_index_counts_t *counts; /* the counts so far */
} f8k_index_event_t;

typedef void (*f8k_index_progress_cb)(void *closure, const f8k_index_event_t *event);

/* Options of f8k_index_add(); zero-initialise, then set what you need. */
typedef struct f8k_index_add_options {
    unsigned jobs;                  /* parse/analyze threads; 0: online processors */
    bool prune;                     /* remove filings whose files are gone from the dirs named */
    bool count_first;               /* walk once to count files and bytes (for an ETA) */
    unsigned batch_documents;       /* commit every N Xapian documents; 0: 200 */
    f8k_index_progress_cb progress; /* may be NULL */
    void *closure;                  /* passed to PROGRESS */
    const volatile sig_atomic_t
        *stop; /* when *stop becomes non-zero: commit what is done, return */
} f8k_index_add_options_t;

/*
 * Open (creating, mode 0700) the index database at PATH for writing.
 * The parent directory must exist.  WAIT_SECONDS <= 0 fails at once
 * when another writer holds the lock; > 0 waits at most that long.
 * A database written by another analyzer version (metadata
 * f8k:analyzer) is refused: it must be rebuilt.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     *index_out is the caller's (f8k_index_close).
 *   F8K_STATUS_INVALID_ARG: PATH or INDEX_OUT is NULL.
 *   F8K_STATUS_DB_LOCKED:   another writer holds the lock.
 *   F8K_STATUS_DB_VERSION:  written by another analyzer or schema
 *                           version, or not an f8k index.
 *   F8K_STATUS_IO, F8K_STATUS_DB_OPEN, F8K_STATUS_DB_CORRUPT,
 *   F8K_STATUS_XAPIAN, F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure.
 *   On failure *index_out is NULL and *error_message (when
 *   ERROR_MESSAGE is not NULL) a malloc'd description the caller frees.
 */
f8k_status_t f8k_index_open(const char *path, double wait_seconds, f8k_index_t **index_out,
                            char **error_message);

/*
 * Open, as f8k_index_open() does, the sharded index at PATH with the
 * scheme SHARD_BY ("year", or "hash:N" with 1 <= N <= 64; NULL: as
 * f8k_index_open()).  A PATH that does not exist (or an empty
 * directory) becomes a new sharded index (hash:N makes its N shards at
 * once, year each year's shard when a filing of that year comes).  An
 * existing sharded index must have been made with the same scheme.
 * f8k_index_open() opens a sharded index too (any directory holding a
 * stub, or a stub file): add then routes by its recorded scheme;
 * remove and compact work on any stub of local shards.
 *
 * Return value: as f8k_index_open(), and
 *   F8K_STATUS_INVALID_ARG: an unknown scheme; PATH is an index that is
 *                           not sharded, or is sharded another way.
 *   F8K_STATUS_UNSUPPORTED: the stub lists a remote shard (write to it
 *                           on its own host).
 */
f8k_status_t f8k_index_open_sharded(const char *path, const char *shard_by, double wait_seconds,
                                    f8k_index_t **index_out, char **error_message);

/*
 * Commit, release the lock and free INDEX.  NULL is a no-op (SUCCESS).
 *
 * Return value:
 *   F8K_STATUS_SUCCESS: closed.
 *   F8K_STATUS_XAPIAN, F8K_STATUS_DB_CORRUPT, ...: the final commit
 *                       failed (the handle is freed all the same).
 */
f8k_status_t f8k_index_close(f8k_index_t *index);

/* The last failure's message on INDEX ("" when none).  Borrowed, valid
 * until the next call on INDEX. */
const char *f8k_index_last_error(const f8k_index_t *index);

/*
 * Index the N files and directories PATHS (directories recursively;
 * in directories only *.txt, *.htm, *.html, *.xhtml, *.xml, *.nc,
 * *.sgml and *.sgm files are taken and names starting with '.' are
 * skipped; a file named in PATHS is always taken).  Unchanged files
 * (same device, inode, size and mtime, or same content) are skipped
 * without parsing.  Each failing input is reported through the
 * callback (F8K_INDEX_EVENT_FAILED) and counted; the rest is indexed.
 * Commits every OPTIONS->batch_documents documents (or 24 MB of
 * input, whichever comes first).  A database that was empty when the
 * run began is compacted in place at the end (best effort, under the
 * lock; F8K_INDEX_EVENT_MERGING announces it).  With jobs >= 2 such a
 * build (no document and no file record yet) writes in parallel: one
 * temporary shard database per job (at most 8) inside the database
 * directory, each committing small batches, merged and compacted into
 * the database at the end (also after a stop).  Readers see none of
 * it before the merge; a run killed before it leaves the database
 * empty, and the next run builds it again (removing the stale shards).
 * A sharded index is written by one writer thread per shard (each
 * commits its own batches); a filing whose shard changed (its year) is
 * removed from the old one.  OPTIONS may be
 * NULL (defaults).  *counts_out (may be NULL) gets the counts, also
 * on failure; they are also stored in the metadata (f8k:lastrun).
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     done (some inputs may have failed: see
 *                           counts_out->failed).
 *   F8K_STATUS_INTERRUPTED: *OPTIONS->stop was set; what was done is
 *                           committed.
 *   F8K_STATUS_INVALID_ARG: NULL INDEX, or PATHS NULL with N > 0.
 *   F8K_STATUS_UNSUPPORTED: INDEX is a stub that f8k_index_open_sharded()
 *                           did not make: no scheme routes filings.
 *   F8K_STATUS_XAPIAN, F8K_STATUS_DB_CORRUPT, F8K_STATUS_IO,
 *   F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: the database failed; the
 *                           batch in flight is lost, earlier batches
 *                           are committed.
 */
f8k_status_t f8k_index_add(f8k_index_t *index, const char *const *paths, size_t n,
                           const f8k_index_add_options_t *options, f8k_index_counts_t *counts_out);

/*
 * Remove the filing FILING_ID (an accession number, or "h" + 16 hex
 * digits) with all its documents, and forget the file it came from
 * (so adding that file again indexes it again); in a sharded index,
 * from whichever shard holds it.  Committed at once.
 * *found_out (may be NULL) tells whether the filing was there.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     done (found or not).
 *   F8K_STATUS_INVALID_ARG: NULL argument or an empty id.
 *   F8K_STATUS_XAPIAN, F8K_STATUS_NOMEM, F8K_STATUS_INTERNAL: failure.
 */
f8k_status_t f8k_index_remove(f8k_index_t *index, const char *filing_id, bool *found_out);

/* One shard of a stub, in f8k_index_status(). */
typedef struct f8k_index_shard_status {
    char *name;            /* as the stub lists it ("1994", "h02"), or its remote line */
    bool remote;           /* a remote shard: the figures below are 0, unknown */
    unsigned long filings; /* its filings, documents and file records */
    unsigned long documents;
    unsigned long files;
    unsigned long long disk_bytes; /* bytes of its database files */
} f8k_index_shard_status_t;

/* What f8k_index_status() reports. */
typedef struct f8k_index_status {
    unsigned long filings;            /* distinct filings (XF terms) */
    unsigned long documents;          /* Xapian documents */
    unsigned long files;              /* file records (of local shards, for a stub) */
    unsigned long long disk_bytes;    /* bytes of the database files */
    char *analyzer;                   /* analyzer version string stored; NULL if none */
    char *last_run;                   /* JSON of the last add (f8k:lastrun); NULL if none */
    char *shard_by;                   /* "year", "hash:N"; NULL unless add --shard-by made it */
    size_t n_shards;                  /* shards the stub lists; 0: not a stub */
    f8k_index_shard_status_t *shards; /* N_SHARDS, in the stub's order */
} f8k_index_status_t;

/*
 * Read the figures of the index at PATH (read-only; works while a
 * writer is active).  For a stub: the totals over all its shards
 * (the analyzer from the first local shard, the newest last run), and each
 * shard's own figures.  Free the strings with f8k_index_status_clear().
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     *status_out filled.
 *   F8K_STATUS_INVALID_ARG: a NULL argument.
 *   F8K_STATUS_DB_NOT_FOUND, F8K_STATUS_DB_OPEN, F8K_STATUS_XAPIAN,
 *   F8K_STATUS_NOMEM, ...:  failure; *status_out zeroed;
 *                           *error_message as for f8k_index_open().
 */
f8k_status_t f8k_index_status(const char *path, f8k_index_status_t *status_out,
                              char **error_message);

/* Free the strings of STATUS and zero it.  NULL is a no-op. */
void f8k_index_status_clear(f8k_index_status_t *status);

/*
 * Compact the index at PATH in place, safely: take the write lock
 * (waiting as f8k_index_open() does), compact into a new directory
 * beside PATH, then swap the two with renames while holding the lock
 * and remove the old one.  On any failure before the swap the
 * original is untouched.  *before_out / *after_out (may be NULL) get
 * the sizes in bytes.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     compacted.
 *   F8K_STATUS_INVALID_ARG: PATH NULL.
 *   F8K_STATUS_UNSUPPORTED: PATH is not a database directory (a
 *                           single-file database) nor a stub of local
 *                           shards.  A stub's shards are each compacted
 *                           in place, under the index's lock.
 *   F8K_STATUS_DB_LOCKED, F8K_STATUS_DB_VERSION, F8K_STATUS_IO,
 *   F8K_STATUS_XAPIAN, ...: failure; *error_message as above.
 */
f8k_status_t f8k_index_compact(const char *path, double wait_seconds,
                               unsigned long long *before_out, unsigned long long *after_out,
                               char **error_message);

F8K_END_DECLS

#endif /* F8K_INDEX_API_H */
