/*
 * index-private.h - internals of indexer/index.c that tests reach.
 *
 * Not installed, not part of the public contract.
 */
#ifndef F8K_INDEX_PRIVATE_H
#define F8K_INDEX_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <f8k/f8k_analyzer.h>
#include <f8k/f8k_filing.h>
#include <f8k/f8k_status.h>
#include <f8k/f8k_xapian.h>

/* ------------------------------------------------------------------ */
/* Interface to code in index.c                                        */
/* ------------------------------------------------------------------ */

/* Longest filing id index_filing_id() writes, with its NUL. */
#define INDEX_ID_MAX 64

/* Extra wdf given to field words (company, officers, roles, item
 * titles) indexed unprefixed, so a match in them outranks a passing
 * mention in the body. */
#define INDEX_FIELD_WDF 5

/* Positions left empty between fields, so phrases don't span them. */
#define INDEX_FIELD_GAP 100

/*
 * The filing id of FILING read from the LEN bytes CONTENT: its
 * accession number when it has one, else "h" + 16 lower-case hex
 * digits of XXH3-64 of CONTENT.  Writes at most INDEX_ID_MAX bytes
 * (NUL included) to ID_OUT.
 */
void index_filing_id(const f8k_filing_t *filing, const char *content, size_t len,
                     char id_out[INDEX_ID_MAX]);

/*
 * Build the Xapian documents of FILING (id ID, read from the absolute
 * path PATH) following README.md's term scheme: one per text
 * document, or a single field-only document when it has none.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS: *docs_out is a malloc'd array of *n_out new
 *                       documents; the caller frees each with
 *                       f8k_doc_free() and the array with free().
 *   F8K_STATUS_NOMEM, F8K_STATUS_ICU, F8K_STATUS_XAPIAN,
 *   F8K_STATUS_INTERNAL: failure; *docs_out NULL, *n_out 0.
 */
f8k_status_t index_filing_documents(f8k_analyzer_t *analyzer, const f8k_filing_t *filing,
                                    const char *id, const char *path, f8k_doc_t ***docs_out,
                                    size_t *n_out);

/* The metadata key of the file-state record of PATH: "f8k:file:" +
 * 32 hex digits of XXH3-128 of the path.  KEY_OUT holds 48 bytes. */
void index_file_key(const char *path, char key_out[48]);

/*
 * The shard (0 .. N_SHARDS-1) that a parallel build writes the filing
 * FILING_ID to: the same filing always lands in the same shard, so a
 * filing met twice in one run replaces itself there.  0 when N_SHARDS
 * is 0 or 1.
 */
size_t index_shard_of(const char *filing_id, size_t n_shards);

/* ------------------------------------------------------------------ */
/* Sharded indexes (add --shard-by): indexer/index-shard.c             */
/* ------------------------------------------------------------------ */

/*
 * A sharded index is a directory holding a Xapian stub file XAPIANDB
 * (so that every Xapian tool and f8k-search open the directory as one
 * database), one f8k database per shard beside it, and the lock file
 * INDEX_LOCK_FILE.  The stub's first line records the scheme:
 *   # f8k-index shard-by year      (or hash:N)
 * and each shard is an `auto NAME` line, NAME relative to the directory.
 */
#define INDEX_STUB_FILE      "XAPIANDB"
#define INDEX_LOCK_FILE      "f8k-index.lock"
#define INDEX_SCHEME_HEADER  "# f8k-index shard-by "
#define INDEX_HASH_MAX       64 /* hash:N takes 1 <= N <= this */
#define INDEX_SHARD_NAME_MAX 16 /* "1994", "undated", "h07", with the NUL */

typedef enum index_scheme_kind {
    INDEX_SCHEME_NONE, /* a stub f8k-index did not write: no routing */
    INDEX_SCHEME_YEAR, /* one shard per year of the sort date, plus "undated" */
    INDEX_SCHEME_HASH  /* N shards "h00".. by index_shard_of() of the filing id */
} index_scheme_kind_t;

typedef struct index_scheme {
    index_scheme_kind_t kind;
    unsigned n; /* INDEX_SCHEME_HASH: the number of shards */
} index_scheme_t;

/* Parse "year" or "hash:N" (1 <= N <= INDEX_HASH_MAX); false otherwise. */
bool index_scheme_parse(const char *text, index_scheme_t *out);

/* The scheme as add --shard-by takes it ("year", "hash:3"; "none"). */
void index_scheme_format(const index_scheme_t *scheme, char out[INDEX_SHARD_NAME_MAX]);

/*
 * The year shard of a filing: "YYYY" of FILED, else of REPORTED (the
 * date the year value comes from), when that date has eight digits and
 * its year is from 1900 to 2099; else "undated".
 */
void index_year_shard(const char *filed, const char *reported, char out[INDEX_SHARD_NAME_MAX]);

/* The shard NAME of a filing under SCHEME (YEAR_SHARD from index_year_shard()). */
void index_shard_name(const index_scheme_t *scheme, const char *filing_id, const char *year_shard,
                      char out[INDEX_SHARD_NAME_MAX]);

/* A stub file read into its parts. */
typedef struct index_stub {
    char *file;            /* the stub file */
    char *dir;             /* the directory relative shard paths start from */
    index_scheme_t scheme; /* from the header line; NONE without one */
    size_t n;              /* local shards (auto/glass lines), in file order */
    char **names;          /* each as written */
    char **paths;          /* each resolved against DIR */
    size_t n_remote;       /* remote lines */
    char **remotes;        /* each line, blanks collapsed */
} index_stub_t;

/* The stub file PATH names: PATH itself (a regular file) or PATH/XAPIANDB; NULL when neither. */
char *index_stub_file_of(const char *path);

/*
 * Read the stub FILE.  A line that is neither a comment, `auto PATH`,
 * `glass PATH` nor `remote ...` is an error naming FILE and the line.
 * Return value: SUCCESS; NOMEM; IO or DB_OPEN with *error_message set.
 */
f8k_status_t index_stub_read(const char *file, index_stub_t *stub, char **error_message);

/* Append the local shard NAME (a path relative to STUB->dir). */
f8k_status_t index_stub_add(index_stub_t *stub, const char *name);

/* The local shard called NAME, or -1. */
long index_stub_find(const index_stub_t *stub, const char *name);

/*
 * Write STUB (header and local shards, sorted by name) to STUB->file
 * atomically: a new file beside it, synced, renamed over it; readers
 * see the old list or the new one, never part of one.
 */
f8k_status_t index_stub_write(const index_stub_t *stub, char **error_message);

/* Free what STUB holds and zero it.  NULL is a no-op. */
void index_stub_clear(index_stub_t *stub);

/*
 * Take the exclusive lock of the sharded index directory DIR
 * (DIR/INDEX_LOCK_FILE, flock): WAIT_SECONDS <= 0 fails at once with
 * DB_LOCKED when another process holds it, > 0 polls that long.  The
 * lock goes with the descriptor *FD_OUT (close it to release; a killed
 * process releases it too).
 */
f8k_status_t index_lock_dir(const char *dir, double wait_seconds, int *fd_out,
                            char **error_message);

#endif /* F8K_INDEX_PRIVATE_H */
