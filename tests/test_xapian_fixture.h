/*
 * test_xapian_fixture.h - real filings for the xapian-c tests (see
 * test_xapian_fixture.c for the document layout).
 */
#ifndef TEST_XAPIAN_FIXTURE_H
#define TEST_XAPIAN_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include <f8k/f8k_xapian.h>

typedef struct xt_filing {
    size_t index;   /* Position in the corpus sample; the "Q" term. */
    char *path;     /* Absolute path of the file. */
    char *company;  /* Company name from MANIFEST.tsv. */
    char *date;     /* Filing date, YYYYMMDD. */
    char *doctypes; /* Document types, '\n'-separated. */
    char *head;     /* The file's first bytes (part of the data). */
    char **words;   /* Lower-cased words in order; position = index + 1. */
    size_t nwords;  /* Number of words. */
} xt_filing_t;

typedef struct xt_corpus {
    xt_filing_t *filings; /* The sample. */
    size_t n;             /* Its size. */
} xt_corpus_t;

/* Load up to MAX_FILINGS 8-K filings; exits 77 when the corpus is absent. */
xt_corpus_t *xt_corpus_load(size_t max_filings);
void xt_corpus_free(xt_corpus_t *c);
void xt_filing_free_fields(xt_filing_t *f);

/* Build filing F's document (caller frees with f8k_doc_free). */
f8k_doc_t *xt_make_doc(const xt_filing_t *f);

/* The data xt_make_doc() stores (malloc'd; contains a NUL). */
char *xt_expected_data(const xt_filing_t *f, size_t *len_out);

/* "Q<index>". */
void xt_unique_term(const xt_filing_t *f, char *buf, size_t size);

/* Index filings START, START+STEP, ... into a new database at DB_PATH. */
void xt_index(const xt_corpus_t *c, const char *db_path, size_t start, size_t step);

bool xt_has_word(const xt_filing_t *f, const char *word);

/* The filing index at the start of a document's data. */
size_t xt_index_from_data(const char *data);

/* A word (not starting with a digit, at least MIN_LEN bytes) found in
 * between MIN_DOCS and MAX_DOCS filings; NULL when none. */
const char *xt_common_word(const xt_corpus_t *c, size_t min_docs, size_t max_docs, size_t min_len);

#endif /* TEST_XAPIAN_FIXTURE_H */
