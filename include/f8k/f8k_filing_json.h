/*
 * f8k_filing_json.h - the filing record as JSON (json-c).
 *
 * One shape everywhere: `f8k-index inspect --format json` prints it,
 * the index stores it as document data, and f8k-search returns its
 * fields.  Unknown values are JSON null, never guessed.
 *
 *   {"path": "...", "accession": "0000943374-24-000509" | null,
 *    "cik": "0001847360" | null, "company": "..." | null,
 *    "former_names": ["..."], "form": "8-K" | null,
 *    "filed": "2024-12-27" | null, "date_of_report": "2024-12-20" | null,
 *    "state": "MD" | null, "sic": "6036" | null,
 *    "items": [{"number": "5.02", "modern": "5.02" | null,
 *               "title": "..." | null, "source": "header" | "body"}],
 *    "officers": [{"name": "...", "role": "..." | null, "event": "appointed"}],
 *    "documents": [{"type": "8-K" | null, "sequence": 1 | null,
 *                   "description": "..." | null, "bytes": 1234}]}
 */
#ifndef F8K_FILING_JSON_H
#define F8K_FILING_JSON_H

#include <json-c/json.h>

#include <f8k/f8k_filing.h>

F8K_BEGIN_DECLS

/*
 * Build the JSON object for FILING (see above).
 *
 * Return value:
 *   F8K_STATUS_SUCCESS:     *json_out is a new object; release it with
 *                           json_object_put().
 *   F8K_STATUS_INVALID_ARG: FILING or JSON_OUT is NULL.
 *   F8K_STATUS_NOMEM:       out of memory.
 * On failure *json_out is NULL.
 */
f8k_status_t f8k_filing_to_json(const f8k_filing_t *filing, json_object **json_out);

/* "header", "body", "cover", "meta"; NULL for F8K_SOURCE_NONE.  Static. */
const char *f8k_source_name(f8k_source_t source);

F8K_END_DECLS

#endif /* F8K_FILING_JSON_H */
