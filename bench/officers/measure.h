/*
 * measure.h - the extraction figures on the shared corpus, shared by
 * the f8k-bench-officers command and tests/test_extract_corpus.c.
 */
#ifndef F8K_BENCH_MEASURE_H
#define F8K_BENCH_MEASURE_H

#include <stddef.h>
#include <stdio.h>

typedef struct item_stats {
    size_t filings;       /* 8-K / 8-K/A files read */
    size_t read_errors;   /* files f8k_filing_read() refused */
    size_t with_header;   /* filings with at least one header item title */
    size_t titles;        /* header item titles */
    size_t titles_mapped; /* titles matched to an item number */
    size_t all_mapped;    /* filings whose every title mapped */
    size_t body_found;    /* header filings where the body gave headings */
    size_t body_equal;    /* ... and the body's set equals the header's */
    size_t body_covers;   /* ... and the body's set contains the header's */
    size_t final_covers;  /* header filings whose final set contains every header number */
} item_stats_t;

/* The figures of one part of the judged file. */
typedef struct officer_part {
    size_t filings, truth, extracted, true_positive;
} officer_part_t;

typedef struct officer_stats {
    size_t filings;          /* judged filings */
    size_t missing;          /* judged filings not found or unreadable */
    size_t truth;            /* judged triples */
    size_t extracted;        /* extracted triples in judged filings */
    size_t true_positive;    /* extracted triples that are judged */
    officer_part_t held_out; /* the rows after the "# Held-out" comment line */
} officer_stats_t;

/*
 * Items against the header on every 8-K of CORPUS (its MANIFEST.tsv).
 * LOG, when not NULL, gets one line per disagreement.  0 on success.
 */
int measure_items(const char *corpus, item_stats_t *out, FILE *log);

/*
 * Officer triples against JUDGED (path, name, role_code, event per
 * line; a name of "-" marks a judged filing with no officers).  Rows
 * after a comment line starting "# Held-out" are also counted apart,
 * in out->held_out.  LOG,
 * when not NULL, gets the false positives and negatives.  0 on success.
 */
int measure_officers(const char *corpus, const char *judged, officer_stats_t *out, FILE *log);

#endif /* F8K_BENCH_MEASURE_H */
