/*
 * dbpath-open.c - open the index for writing, for f8k-index's commands
 * (see dbpath.h).  Apart from dbpath.c so that f8k-search, which only
 * resolves the path, does not link the index writer.
 */
#include "dbpath.h"

#include <f8k/f8k_index.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int f8k_dbpath_open_index(const char *prog, const char *path, const char *shard_by,
                          double wait_seconds, struct f8k_index **index_out)
{
    char *err = NULL;
    f8k_status_t status = f8k_dbpath_make_parent(path, &err);
    int rc = 0;

    *index_out = NULL;
    if (status == F8K_STATUS_SUCCESS) {
        free(err);
        err = NULL;
        status = f8k_index_open_sharded(path, shard_by, wait_seconds, index_out, &err);
    }
    if (status == F8K_STATUS_DB_LOCKED) {
        fprintf(stderr,
                "%s: %s: the database is locked by another writer%s; exiting with 75 "
                "(EX_TEMPFAIL): cron will retry on its next run, or use --wait-lock\n",
                prog, path, wait_seconds > 0 ? " (waited too long)" : "");
        rc = 75;
    } else if (status == F8K_STATUS_INVALID_ARG || status == F8K_STATUS_UNSUPPORTED) {
        /* One line that says what to do instead (it names the path). */
        const char *why = err != NULL ? err : f8k_status_to_string(status);
        if (strncmp(why, path, strlen(path)) == 0)
            fprintf(stderr, "%s: %s\n", prog, why);
        else
            fprintf(stderr, "%s: %s: %s\n", prog, path, why);
        rc = 2;
    } else if (status != F8K_STATUS_SUCCESS) {
        fprintf(stderr, "%s: %s: %s%s%s\n", prog, path, f8k_status_to_string(status),
                err != NULL && err[0] != '\0' ? ": " : "", err != NULL ? err : "");
        rc = 1;
    }
    free(err);
    return rc;
}
