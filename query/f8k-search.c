/*
 * f8k-search - ranked, fielded, snippeted search over an f8k index.
 *
 *   f8k-search [--db PATH] [--format text|json|csv|paths] [--limit N]
 *              [--offset N] [--sort relevance|date|-date] [--company S]
 *              [--cik N] [--item I] [--form F] [--officer S]
 *              [--exhibit T] [--from DATE] [--to DATE]
 *              [--facets F,...] QUERY...
 *
 * Exit codes: 0 success (also with no hits), 1 error (no index, the
 * database failed), 2 usage or query syntax error.  Only this file
 * reads the environment and prints.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <f8k/f8k_qparse.h>
#include <f8k/f8k_search.h>

#include "dbpath.h"

#define PROG "f8k-search"

enum { EXIT_USAGE = 2 };

static void usage(FILE *out)
{
    fprintf(out, "Usage: " PROG " [OPTION]... QUERY...\n"
                 "Search the f8k index of Form 8-K filings.\n\n"
                 "  --db PATH             index (default $F8K_DB, else $XDG_DATA_HOME/f8k/db)\n"
                 "  --format FMT          text (default), json, csv or paths\n"
                 "  --limit N             results per page (default 10; 0 = all)\n"
                 "  --offset N            skip the first N results\n"
                 "  --sort ORDER          relevance (default), date (oldest first),\n"
                 "                        -date (newest first)\n"
                 "  --company S, --cik N, --item I, --form F, --officer S, --exhibit T\n"
                 "                        filters, same values as the query fields\n"
                 "  --from DATE, --to DATE  filing date range (YYYY[-MM[-DD]])\n"
                 "  --facets F,...        count filings by item, company, year, form\n"
                 "  -h, --help            this help\n\n"
                 "Query language: words (all required), \"phrases\", OR, NOT, -word, ( ),\n"
                 "a NEAR/5 b, prefix*, company: officer: role: item: form: exhibit: cik:\n"
                 "state: sic: accession: filed:2003-01-01..2003-12-31 reported:2004..\n"
                 "See f8k-search(1).\n");
}

/*
 * A command-line argument getopt refused.  A query word to exclude
 * ("-merger") looks like an option: say how to pass it.
 */
static void bad_option(const char *arg)
{
    if (optopt >= 256)
        fprintf(stderr, PROG ": %s needs a value\n", arg);
    else if (arg[0] == '-' && arg[1] != '-')
        fprintf(stderr,
                PROG ": '%s' is not an option; a query that starts with '-' goes after '--'"
                     " (f8k-search -- %s ...)\n",
                arg, arg);
    else
        fprintf(stderr, PROG ": unknown option '%s'\n", arg);
    usage(stderr);
}

static bool parse_count(const char *s, unsigned *out)
{
    char *end = NULL;
    unsigned long v;
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > UINT_MAX)
        return false;
    *out = (unsigned)v;
    return true;
}

static bool parse_facets(const char *s, unsigned *out)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"item", F8K_SEARCH_FACET_ITEM},
                 {"company", F8K_SEARCH_FACET_COMPANY},
                 {"year", F8K_SEARCH_FACET_YEAR},
                 {"form", F8K_SEARCH_FACET_FORM}};
    const char *p = s;
    *out = 0;
    while (*p != '\0') {
        size_t len = strcspn(p, ","), i;
        bool found = false;
        for (i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strlen(names[i].name) == len && strncmp(names[i].name, p, len) == 0) {
                *out |= names[i].bit;
                found = true;
            }
        if (!found && len > 0)
            return false;
        p += len;
        if (*p == ',')
            p++;
    }
    return *out != 0;
}

/* The QUERY words joined by single spaces (malloc'd). */
static char *join_words(int argc, char **argv, size_t *len_out)
{
    size_t len = 0, i;
    char *q = NULL;
    for (i = 0; i < (size_t)argc; i++)
        len += strlen(argv[i]) + 1;
    q = malloc(len + 1);
    if (q == NULL)
        return NULL;
    len = 0;
    for (i = 0; i < (size_t)argc; i++) {
        size_t n = strlen(argv[i]);
        if (i > 0)
            q[len++] = ' ';
        memcpy(q + len, argv[i], n);
        len += n;
    }
    q[len] = '\0';
    *len_out = len;
    return q;
}

int main(int argc, char **argv)
{
    enum {
        OPT_DB = 256,
        OPT_FORMAT,
        OPT_LIMIT,
        OPT_OFFSET,
        OPT_SORT,
        OPT_COMPANY,
        OPT_CIK,
        OPT_ITEM,
        OPT_FORM,
        OPT_OFFICER,
        OPT_EXHIBIT,
        OPT_FROM,
        OPT_TO,
        OPT_FACETS
    };
    static const struct option options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"offset", required_argument, NULL, OPT_OFFSET},
        {"sort", required_argument, NULL, OPT_SORT},
        {"company", required_argument, NULL, OPT_COMPANY},
        {"cik", required_argument, NULL, OPT_CIK},
        {"item", required_argument, NULL, OPT_ITEM},
        {"form", required_argument, NULL, OPT_FORM},
        {"officer", required_argument, NULL, OPT_OFFICER},
        {"exhibit", required_argument, NULL, OPT_EXHIBIT},
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"facets", required_argument, NULL, OPT_FACETS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    f8k_search_options_t so = {.limit = 10};
    f8k_search_format_t format = F8K_SEARCH_FORMAT_TEXT;
    const char *db_option = NULL;
    char *db_path = NULL, *query = NULL, *message = NULL, *text = NULL;
    f8k_search_t *search = NULL;
    f8k_search_results_t *results = NULL;
    f8k_qparse_error_t perr;
    f8k_status_t status;
    size_t qlen = 0;
    int c, rc = EXIT_FAILURE;
    bool has_filter = false;

    opterr = 0; /* bad_option() says what went wrong */
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            db_option = optarg;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                format = F8K_SEARCH_FORMAT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                format = F8K_SEARCH_FORMAT_JSON;
            else if (strcmp(optarg, "csv") == 0)
                format = F8K_SEARCH_FORMAT_CSV;
            else if (strcmp(optarg, "paths") == 0)
                format = F8K_SEARCH_FORMAT_PATHS;
            else {
                fprintf(stderr, PROG ": --format: expected text, json, csv or paths, not '%s'\n",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_LIMIT:
        case OPT_OFFSET:
            if (!parse_count(optarg, c == OPT_LIMIT ? &so.limit : &so.offset)) {
                fprintf(stderr, PROG ": --%s: expected a number >= 0, not '%s'\n",
                        c == OPT_LIMIT ? "limit" : "offset", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_SORT:
            if (strcmp(optarg, "relevance") == 0)
                so.sort = F8K_SEARCH_SORT_RELEVANCE;
            else if (strcmp(optarg, "date") == 0)
                so.sort = F8K_SEARCH_SORT_DATE;
            else if (strcmp(optarg, "-date") == 0)
                so.sort = F8K_SEARCH_SORT_DATE_DESC;
            else {
                fprintf(stderr, PROG ": --sort: expected relevance, date or -date, not '%s'\n",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_COMPANY:
            so.company = optarg;
            has_filter = true;
            break;
        case OPT_CIK:
            so.cik = optarg;
            has_filter = true;
            break;
        case OPT_ITEM:
            so.item = optarg;
            has_filter = true;
            break;
        case OPT_FORM:
            so.form = optarg;
            has_filter = true;
            break;
        case OPT_OFFICER:
            so.officer = optarg;
            has_filter = true;
            break;
        case OPT_EXHIBIT:
            so.exhibit = optarg;
            has_filter = true;
            break;
        case OPT_FROM:
            so.from = optarg;
            has_filter = true;
            break;
        case OPT_TO:
            so.to = optarg;
            has_filter = true;
            break;
        case OPT_FACETS:
            if (!parse_facets(optarg, &so.facets)) {
                fprintf(stderr, PROG ": --facets: expected item, company, year, form, not '%s'\n",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return EXIT_SUCCESS;
        default:
            /* In a cluster ("-merger") getopt stays on the argument until
             * its last letter; after a long option it has moved past. */
            bad_option(optopt > 0 && optopt < 256 && optind < argc && argv[optind][0] == '-' &&
                               strchr(argv[optind], optopt) != NULL
                           ? argv[optind]
                           : argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc && !has_filter) {
        fprintf(stderr, PROG ": no query given\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    if (format == F8K_SEARCH_FORMAT_PATHS)
        so.no_snippets = so.no_documents = true;
    query = join_words(argc - optind, argv + optind, &qlen);
    db_path = f8k_dbpath_resolve(db_option);
    if (query == NULL || db_path == NULL) {
        fprintf(stderr, PROG ": %s\n",
                query == NULL ? "out of memory" : "no database path (set --db or $F8K_DB)");
        goto done;
    }
    status = f8k_search_open(db_path, &search, &message);
    if (status != F8K_STATUS_SUCCESS) {
        fprintf(stderr, PROG ": %s: %s%s%s\n", db_path, f8k_status_to_string(status),
                message ? ": " : "", message ? message : "");
        goto done;
    }
    status = f8k_search_run(search, query, qlen, &so, &results, &perr);
    if (status == F8K_STATUS_BAD_QUERY) {
        char *caret = NULL;
        if (perr.message[0] != '\0' &&
            f8k_qparse_format_error(query, qlen, &perr, &caret) == F8K_STATUS_SUCCESS)
            fprintf(stderr, PROG ": %s", caret);
        else
            fprintf(stderr, PROG ": %s\n", f8k_search_last_error(search));
        free(caret);
        rc = EXIT_USAGE;
        goto done;
    }
    if (status != F8K_STATUS_SUCCESS) {
        fprintf(stderr, PROG ": %s: %s: %s\n", db_path, f8k_status_to_string(status),
                f8k_search_last_error(search));
        goto done;
    }
    status = f8k_search_render(results, format, isatty(STDOUT_FILENO) ? F8K_SEARCH_RENDER_ANSI : 0,
                               &text);
    if (status != F8K_STATUS_SUCCESS) {
        fprintf(stderr, PROG ": %s\n", f8k_status_to_string(status));
        goto done;
    }
    if (fputs(text, stdout) == EOF || fflush(stdout) != 0) {
        fprintf(stderr, PROG ": write error: %s\n", strerror(errno));
        goto done;
    }
    rc = EXIT_SUCCESS;
done:
    free(text);
    f8k_search_results_free(results);
    f8k_search_close(search);
    free(message);
    free(db_path);
    free(query);
    return rc;
}
