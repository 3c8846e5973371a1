/*
 * f8k-index-status.c - `f8k-index [--db PATH] status [--format text|json]`
 *
 * Prints the filings, documents, files tracked, size on disk, the last
 * add (time and counts) and the analyzer version of the index; for a
 * stub (a sharded index), the totals and then one line per shard.
 * Reads only: works while a writer is indexing.  --format json prints
 * one object:
 *   {"database": "...", "filings": N, "documents": N, "files": N,
 *    "disk_bytes": N, "analyzer": "..." | null, "last_run": {...} | null,
 *    "shard_by": "year" | "hash:N" | null,                 (a stub only)
 *    "shards": [{"name": "1994", "remote": false, "filings": N,
 *                "documents": N, "files": N, "disk_bytes": N}, ...]}
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <f8k/f8k_index.h>

#include "f8k-index.h"

static const struct option status_options[] = {
    {"format", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void status_usage(FILE *out)
{
    fprintf(out, "Usage: %s [--db PATH] status [--format text|json]\n", f8k_index_progname);
}

static void print_text(const char *db, const f8k_index_status_t *st)
{
    size_t i;
    json_object *last = st->last_run != NULL ? json_tokener_parse(st->last_run) : NULL;
    printf("database: %s\n", db);
    printf("filings: %lu\n", st->filings);
    printf("documents: %lu\n", st->documents);
    printf("files: %lu\n", st->files);
    printf("size on disk: %.1f MB (%llu bytes)\n", (double)st->disk_bytes / 1e6, st->disk_bytes);
    printf("analyzer: %s\n", st->analyzer != NULL ? st->analyzer : "(none)");
    if (last != NULL) {
        json_object *v = NULL;
        const char *names[] = {"added", "replaced", "unchanged", "removed", "failed"};
        printf("last run: %s",
               json_object_object_get_ex(last, "time", &v) ? json_object_get_string(v) : "?");
        for (i = 0; i < sizeof names / sizeof names[0]; i++)
            printf("%s %s %lld", i == 0 ? ":" : ",", names[i],
                   json_object_object_get_ex(last, names[i], &v)
                       ? (long long)json_object_get_int64(v)
                       : 0LL);
        if (json_object_object_get_ex(last, "seconds", &v))
            printf(" in %.1f s", json_object_get_double(v));
        printf("\n");
    } else {
        printf("last run: (never)\n");
    }
    json_object_put(last);
    if (st->n_shards > 0)
        printf("shards: %zu%s%s\n", st->n_shards, st->shard_by != NULL ? ", by " : "",
               st->shard_by != NULL ? st->shard_by : "");
    for (i = 0; i < st->n_shards; i++) {
        const f8k_index_shard_status_t *sh = &st->shards[i];
        if (sh->remote)
            printf("  %s: (remote; counted in the totals above)\n", sh->name);
        else
            printf("  %s: %lu filings, %lu documents, %lu files, %.1f MB\n", sh->name, sh->filings,
                   sh->documents, sh->files, (double)sh->disk_bytes / 1e6);
    }
}

static void print_json(const char *db, const f8k_index_status_t *st)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "database", json_object_new_string(db));
    json_object_object_add(o, "filings", json_object_new_int64((int64_t)st->filings));
    json_object_object_add(o, "documents", json_object_new_int64((int64_t)st->documents));
    json_object_object_add(o, "files", json_object_new_int64((int64_t)st->files));
    json_object_object_add(o, "disk_bytes", json_object_new_int64((int64_t)st->disk_bytes));
    json_object_object_add(o, "analyzer",
                           st->analyzer != NULL ? json_object_new_string(st->analyzer) : NULL);
    json_object_object_add(o, "last_run",
                           st->last_run != NULL ? json_tokener_parse(st->last_run) : NULL);
    if (st->n_shards > 0) {
        json_object *shards = json_object_new_array();
        size_t i;
        json_object_object_add(o, "shard_by",
                               st->shard_by != NULL ? json_object_new_string(st->shard_by) : NULL);
        for (i = 0; i < st->n_shards; i++) {
            const f8k_index_shard_status_t *sh = &st->shards[i];
            json_object *s = json_object_new_object();
            json_object_object_add(s, "name", json_object_new_string(sh->name));
            json_object_object_add(s, "remote", json_object_new_boolean(sh->remote));
            json_object_object_add(s, "filings", json_object_new_int64((int64_t)sh->filings));
            json_object_object_add(s, "documents", json_object_new_int64((int64_t)sh->documents));
            json_object_object_add(s, "files", json_object_new_int64((int64_t)sh->files));
            json_object_object_add(s, "disk_bytes", json_object_new_int64((int64_t)sh->disk_bytes));
            json_object_array_add(shards, s);
        }
        json_object_object_add(o, "shards", shards);
    }
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
}

int f8k_index_status_command(int argc, char **argv)
{
    f8k_index_status_t st;
    char *db = NULL, *err = NULL;
    int c, json = 0, rc = F8K_EXIT_OK;
    f8k_status_t status;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", status_options, NULL)) != -1) {
        if (c == 'f' && strcmp(optarg, "json") == 0) {
            json = 1;
        } else if (c == 'f' && strcmp(optarg, "text") == 0) {
            json = 0;
        } else if (c == 'h') {
            status_usage(stdout);
            return F8K_EXIT_OK;
        } else {
            status_usage(stderr);
            return F8K_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        status_usage(stderr);
        return F8K_EXIT_USAGE;
    }
    db = f8k_index_db_path();
    if (db == NULL) {
        fprintf(stderr, "%s: no database path: use --db PATH or set F8K_DB\n", f8k_index_progname);
        return F8K_EXIT_USAGE;
    }
    status = f8k_index_status(db, &st, &err);
    if (status != F8K_STATUS_SUCCESS) {
        fprintf(stderr, "%s: %s: %s%s%s\n", f8k_index_progname, db, f8k_status_to_string(status),
                err != NULL ? ": " : "", err != NULL ? err : "");
        rc = F8K_EXIT_FAILED;
    } else if (json) {
        print_json(db, &st);
    } else {
        print_text(db, &st);
    }
    f8k_index_status_clear(&st);
    free(err);
    free(db);
    return rc;
}
