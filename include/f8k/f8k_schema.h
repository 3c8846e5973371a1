/*
 * f8k_schema.h - what the indexer writes and the search side reads,
 * in one place (README.md, "Index layout", says the same in prose).
 */
#ifndef F8K_SCHEMA_H
#define F8K_SCHEMA_H

/* Value slots. */
#define F8K_SLOT_DATE     0u /* YYYYMMDD: filed, else date of report */
#define F8K_SLOT_FILING   1u /* filing id: the collapse key */
#define F8K_SLOT_YEAR     2u /* YYYY */
#define F8K_SLOT_COMPANY  3u /* company name */
#define F8K_SLOT_ITEMS    4u /* modern item numbers, '\n'-separated */
#define F8K_SLOT_FORM     5u /* form type */
#define F8K_SLOT_REPORTED 6u /* YYYYMMDD: date of report */
#define F8K_SLOT_DOCUMENT 7u /* the document's JSON line (fields, type, sequence, path) */

/* Bytes of a document's plain text kept as its document data, for
 * snippets (its first bytes).  Every word is indexed whatever this is;
 * a match beyond them shows the start of the text as its snippet. */
#define F8K_TEXT_STORED (8u * 1024u)

#endif /* F8K_SCHEMA_H */
