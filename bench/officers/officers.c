/*
 * f8k-bench-officers - print the extraction figures on the shared
 * corpus: item titles mapped, body headings against the header, and
 * officer precision/recall against tests/judged/officers.tsv.
 *
 *   f8k-bench-officers [-v] [CORPUS [JUDGED]]
 *   f8k-bench-officers --dump FILE...   (the extracted officers)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <f8k/f8k_filing.h>

#include "measure.h"

#ifndef F8K_SOURCE_DIR
#define F8K_SOURCE_DIR "."
#endif

static double pct(size_t a, size_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

static int dump(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        f8k_filing_t *f = NULL;
        char *err = NULL;
        if (f8k_filing_read(argv[i], &f, &err) != F8K_STATUS_SUCCESS) {
            fprintf(stderr, "f8k-bench-officers: %s: %s\n", argv[i], err ? err : "?");
            free(err);
            continue;
        }
        printf("%s\titems", argv[i]);
        for (size_t k = 0; k < f->n_items; k++)
            printf(" %s", f->items[k].number);
        printf("\n");
        for (size_t k = 0; k < f->n_officers; k++)
            printf("\t%s\t%s\t%s\t(%s)\n", f->officers[k].name, f->officers[k].role_code,
                   f8k_officer_event_name(f->officers[k].event), f->officers[k].role);
        f8k_filing_free(f);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int verbose = 0, arg = 1;
    item_stats_t is;
    officer_stats_t os;

    if (argc > 1 && strcmp(argv[1], "--dump") == 0)
        return dump(argc - 2, argv + 2);
    if (arg < argc && strcmp(argv[arg], "-v") == 0) {
        verbose = 1;
        arg++;
    }
    const char *corpus = arg < argc ? argv[arg++] : F8K_SOURCE_DIR "/../shared/corpus";
    const char *judged = arg < argc ? argv[arg++] : F8K_SOURCE_DIR "/tests/judged/officers.tsv";

    if (measure_officers(corpus, judged, &os, verbose ? stderr : NULL) != 0) {
        fprintf(stderr, "f8k-bench-officers: %s: cannot read\n", judged);
        return 1;
    }
    printf("officers: %zu judged filings (%zu unreadable), %zu true triples, %zu extracted\n",
           os.filings, os.missing, os.truth, os.extracted);
    printf("officers: precision %.1f%% (%zu/%zu), recall %.1f%% (%zu/%zu)\n",
           pct(os.true_positive, os.extracted), os.true_positive, os.extracted,
           pct(os.true_positive, os.truth), os.true_positive, os.truth);
    const officer_part_t *ho = &os.held_out;
    size_t tp = os.true_positive - ho->true_positive, ex = os.extracted - ho->extracted,
           tr = os.truth - ho->truth;
    printf("officers: first set (%zu filings): precision %.1f%% (%zu/%zu), recall %.1f%% "
           "(%zu/%zu)\n",
           os.filings - ho->filings, pct(tp, ex), tp, ex, pct(tp, tr), tp, tr);
    printf("officers: held-out set (%zu filings): precision %.1f%% (%zu/%zu), recall %.1f%% "
           "(%zu/%zu)\n",
           ho->filings, pct(ho->true_positive, ho->extracted), ho->true_positive, ho->extracted,
           pct(ho->true_positive, ho->truth), ho->true_positive, ho->truth);
    if (measure_items(corpus, &is, verbose ? stderr : NULL) != 0) {
        fprintf(stderr, "f8k-bench-officers: %s: no MANIFEST.tsv\n", corpus);
        return 1;
    }
    printf("items: %zu 8-K filings read (%zu refused), %zu with header item titles\n", is.filings,
           is.read_errors, is.with_header);
    printf("items: header titles mapped to a number: %.2f%% (%zu/%zu); filings with every title "
           "mapped: %.2f%% (%zu/%zu)\n",
           pct(is.titles_mapped, is.titles), is.titles_mapped, is.titles,
           pct(is.all_mapped, is.with_header), is.all_mapped, is.with_header);
    printf("items: final set covers the header's numbers: %.2f%% (%zu/%zu)\n",
           pct(is.final_covers, is.with_header), is.final_covers, is.with_header);
    printf("items: body headings found in %.2f%% (%zu/%zu); of those, body set == header set: "
           "%.2f%% (%zu/%zu), body covers header: %.2f%% (%zu/%zu)\n",
           pct(is.body_found, is.with_header), is.body_found, is.with_header,
           pct(is.body_equal, is.body_found), is.body_equal, is.body_found,
           pct(is.body_covers, is.body_found), is.body_covers, is.body_found);
    return 0;
}
