/*
 * index-private.h - internals of indexer/index.c that tests reach.
 *
 * Not installed, not part of the public contract.
 */
#ifndef F8K_INDEX_PRIVATE_H
#define F8K_INDEX_PRIVATE_H

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

#endif /* F8K_INDEX_PRIVATE_H */
