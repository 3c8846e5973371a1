/*
 * f8k-index-inspect.c - `f8k-index inspect [--format text|json] FILE...`
 *
 * Reads each file (f8k_filing_read: parse and extract) and prints the
 * fields the index would store.  Touches no database.
 *
 * Output: with --format json, one compact JSON object per file, one per
 * line (JSON Lines), so several files stay machine-readable line by
 * line; with --format text (the default), a block of "field: value"
 * lines per file, blocks separated by a blank line.  A file that fails
 * is named on stderr as "f8k-index: PATH: reason" and the others are
 * still printed; the exit code is then 1.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <f8k/f8k_filing.h>
#include <f8k/f8k_filing_json.h>

#include "f8k-index.h"

typedef enum output_format { FORMAT_TEXT, FORMAT_JSON } output_format_t;

static const struct option options[] = {
    {"format", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void inspect_usage(FILE *out)
{
    fprintf(out, "Usage: %s inspect [--format text|json] FILE...\n", f8k_index_progname);
}

static const char *or_unknown(const char *s)
{
    return s != NULL ? s : "(unknown)";
}

static void print_text(const f8k_filing_t *f)
{
    printf("path: %s\n", or_unknown(f->path));
    printf("accession: %s\n", or_unknown(f->accession));
    printf("cik: %s\n", or_unknown(f->cik));
    printf("company: %s", or_unknown(f->company));
    if (f->company != NULL && f8k_source_name(f->company_source) != NULL)
        printf(" [%s]", f8k_source_name(f->company_source));
    printf("\n");
    for (size_t i = 0; i < f->n_former_names; i++)
        printf("former name: %s\n", f->former_names[i]);
    printf("form: %s\n", or_unknown(f->form));
    printf("filed: %s\n", or_unknown(f->filed));
    printf("date of report: %s", or_unknown(f->date_of_report));
    if (f->date_of_report != NULL && f8k_source_name(f->date_of_report_source) != NULL)
        printf(" [%s]", f8k_source_name(f->date_of_report_source));
    printf("\n");
    printf("state: %s\n", or_unknown(f->state));
    printf("sic: %s\n", or_unknown(f->sic));
    for (size_t i = 0; i < f->n_items; i++) {
        const f8k_item_t *it = &f->items[i];
        const char *source = f8k_source_name(it->source);
        printf("item: %s (modern %s) %s [%s]\n", or_unknown(it->number), or_unknown(it->modern),
               or_unknown(it->title), source != NULL ? source : "unknown");
    }
    for (size_t i = 0; i < f->n_officers; i++) {
        const f8k_officer_t *o = &f->officers[i];
        printf("officer: %s, %s (%s)\n", or_unknown(o->name), or_unknown(o->role),
               f8k_officer_event_name(o->event));
    }
    for (size_t i = 0; i < f->n_documents; i++) {
        const f8k_document_t *d = &f->documents[i];
        printf("document %d: %s", d->sequence, or_unknown(d->type));
        if (d->description != NULL)
            printf(" \"%s\"", d->description);
        printf(", %zu bytes of text%s\n", d->text_len, d->is_text ? "" : " (not text)");
    }
}

static int print_json(const f8k_filing_t *f)
{
    json_object *obj = NULL;
    f8k_status_t status = f8k_filing_to_json(f, &obj);

    if (status != F8K_STATUS_SUCCESS) {
        fprintf(stderr, "%s: %s: %s\n", f8k_index_progname, or_unknown(f->path),
                f8k_status_to_string(status));
        return 0;
    }
    puts(json_object_to_json_string_ext(obj,
                                        JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(obj);
    return 1;
}

int f8k_index_inspect_command(int argc, char **argv)
{
    output_format_t format = FORMAT_TEXT;
    int failed = 0;
    int opt = 0;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (strcmp(optarg, "text") == 0) {
                format = FORMAT_TEXT;
            } else if (strcmp(optarg, "json") == 0) {
                format = FORMAT_JSON;
            } else {
                fprintf(stderr, "%s: inspect: unknown format '%s'\n", f8k_index_progname, optarg);
                return F8K_EXIT_USAGE;
            }
            break;
        case 'h':
            inspect_usage(stdout);
            return F8K_EXIT_OK;
        default:
            inspect_usage(stderr);
            return F8K_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        inspect_usage(stderr);
        return F8K_EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++) {
        f8k_filing_t *filing = NULL;
        char *error = NULL;
        f8k_status_t status = f8k_filing_read(argv[i], &filing, &error);
        if (status != F8K_STATUS_SUCCESS) {
            char *name = f8k_escape_name(argv[i]);
            fprintf(stderr, "%s: %s: %s%s%s\n", f8k_index_progname, name != NULL ? name : "?",
                    f8k_status_to_string(status), error != NULL ? ": " : "",
                    error != NULL ? error : "");
            free(name);
            free(error);
            failed = 1;
            continue;
        }
        if (format == FORMAT_JSON) {
            if (!print_json(filing))
                failed = 1;
        } else {
            if (i > optind)
                printf("\n");
            print_text(filing);
        }
        f8k_filing_free(filing);
    }
    fflush(stdout);
    return failed ? F8K_EXIT_FAILED : F8K_EXIT_OK;
}
