/*
 * f8k-index-remove.c - `f8k-index [--db PATH] remove ACCESSION...`
 *
 * Removes each filing (accession number, or the "h..." id of a filing
 * without one) with all its documents, and forgets the file it came
 * from, so adding that file again indexes it again.  A filing that is
 * not in the index is reported ("not in the index") and makes the exit
 * code 1; the others are still removed.  Exit 75 when another writer
 * holds the lock.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <f8k/f8k_index.h>

#include "dbpath.h"
#include "f8k-index.h"

static const struct option remove_options[] = {
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void remove_usage(FILE *out)
{
    fprintf(out, "Usage: %s [--db PATH] remove ACCESSION...\n", f8k_index_progname);
}

int f8k_index_remove_command(int argc, char **argv)
{
    f8k_index_t *index = NULL;
    char *db = NULL;
    int c, i, rc = F8K_EXIT_OK;
    unsigned long removed = 0;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", remove_options, NULL)) != -1) {
        if (c == 'h') {
            remove_usage(stdout);
            return F8K_EXIT_OK;
        }
        remove_usage(stderr);
        return F8K_EXIT_USAGE;
    }
    if (optind >= argc) {
        fprintf(stderr, "%s: remove: no ACCESSION given\n", f8k_index_progname);
        remove_usage(stderr);
        return F8K_EXIT_USAGE;
    }
    db = f8k_index_db_path();
    if (db == NULL) {
        fprintf(stderr, "%s: no database path: use --db PATH or set F8K_DB\n", f8k_index_progname);
        return F8K_EXIT_USAGE;
    }
    rc = f8k_dbpath_open_index(f8k_index_progname, db, NULL, 0, &index);
    for (i = optind; rc != F8K_EXIT_LOCKED && index != NULL && i < argc; i++) {
        bool found = false;
        f8k_status_t status = f8k_index_remove(index, argv[i], &found);
        if (status != F8K_STATUS_SUCCESS) {
            fprintf(stderr, "%s: %s: %s: %s\n", f8k_index_progname, argv[i],
                    f8k_status_to_string(status), f8k_index_last_error(index));
            rc = F8K_EXIT_FAILED;
        } else if (!found) {
            fprintf(stderr, "%s: %s: not in the index\n", f8k_index_progname, argv[i]);
            rc = F8K_EXIT_FAILED;
        } else {
            removed++;
        }
    }
    if (index != NULL && f8k_index_close(index) != F8K_STATUS_SUCCESS)
        rc = F8K_EXIT_FAILED;
    if (index != NULL)
        printf("removed %lu\n", removed);
    free(db);
    return rc;
}
