/*
 * f8k-index-compact.c - `f8k-index [--db PATH] compact [--wait-lock[=SECONDS]]`
 *
 * Compacts the index in place, safely: under the write lock it is
 * compacted into a new directory beside it, then the two are swapped
 * with renames; on failure the original stays.  Exit 75 when another
 * writer holds the lock (unless --wait-lock outlasts it).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <f8k/f8k_index.h>

#include "dbpath.h"
#include "f8k-index.h"

static const struct option compact_options[] = {
    {"wait-lock", optional_argument, NULL, 'w'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void compact_usage(FILE *out)
{
    fprintf(out, "Usage: %s [--db PATH] compact [--wait-lock[=SECONDS]]\n", f8k_index_progname);
}

int f8k_index_compact_command(int argc, char **argv)
{
    char *db = NULL, *err = NULL, *end = NULL;
    double wait = 0;
    unsigned long long before = 0, after = 0;
    int c, rc = F8K_EXIT_OK;
    f8k_status_t status;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", compact_options, NULL)) != -1) {
        if (c == 'w') {
            wait = 60;
            if (optarg != NULL) {
                wait = strtod(optarg, &end);
                if (*end != '\0' || wait < 0 || wait > 86400) {
                    compact_usage(stderr);
                    return F8K_EXIT_USAGE;
                }
            }
        } else if (c == 'h') {
            compact_usage(stdout);
            return F8K_EXIT_OK;
        } else {
            compact_usage(stderr);
            return F8K_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        compact_usage(stderr);
        return F8K_EXIT_USAGE;
    }
    db = f8k_index_db_path();
    if (db == NULL) {
        fprintf(stderr, "%s: no database path: use --db PATH or set F8K_DB\n", f8k_index_progname);
        return F8K_EXIT_USAGE;
    }
    status = f8k_index_compact(db, wait, &before, &after, &err);
    if (status == F8K_STATUS_DB_LOCKED) {
        fprintf(stderr, "%s: %s: the database is locked by another writer; try again later\n",
                f8k_index_progname, db);
        rc = F8K_EXIT_LOCKED;
    } else if (status != F8K_STATUS_SUCCESS) {
        fprintf(stderr, "%s: %s: %s%s%s\n", f8k_index_progname, db, f8k_status_to_string(status),
                err != NULL ? ": " : "", err != NULL ? err : "");
        rc = F8K_EXIT_FAILED;
    } else {
        printf("compacted %s: %.1f MB -> %.1f MB\n", db, (double)before / 1e6, (double)after / 1e6);
    }
    free(err);
    free(db);
    return rc;
}
