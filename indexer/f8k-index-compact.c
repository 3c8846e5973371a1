/*
 * f8k-index-compact.c - `f8k-index [--db PATH] compact [--wait-lock[=SECONDS]]`
 * and `f8k-index [--db STUB] compact --merge [--into DEST] [--wait-lock[=SECONDS]]`
 *
 * Compacts the index in place, safely: under the write lock it is
 * compacted into a new directory beside it, then the two are swapped
 * with renames; on failure the original stays.  Exit 75 when another
 * writer holds the lock (unless --wait-lock outlasts it).
 *
 * With --merge, --db names a stub database (a file, or a directory
 * holding XAPIANDB) and its local shards (`auto`/`glass` lines) are
 * combined into one new database DEST (default: the stub's path plus
 * ".merged"), with Xapian's compactor given every shard as a source.
 * Each shard's write lock is held meanwhile, so no commit is lost; the
 * result is built in a private directory beside DEST, its document
 * count checked against the shards', and renamed into place.  The stub
 * and the shards are left as they were.
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <f8k/f8k_index.h>
#include <f8k/f8k_xapian.h>

#include "dbpath.h"
#include "f8k-index.h"

static const struct option compact_options[] = {
    {"wait-lock", optional_argument, NULL, 'w'},
    {"merge", no_argument, NULL, 'm'},
    {"into", required_argument, NULL, 'i'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void compact_usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [--db PATH] compact [--wait-lock[=SECONDS]]\n"
            "       %s [--db STUB] compact --merge [--into DEST] [--wait-lock[=SECONDS]]\n",
            f8k_index_progname, f8k_index_progname);
}

/* ------------------------------------------------------------------ */
/* --merge                                                              */
/* ------------------------------------------------------------------ */

#define MAX_SHARDS 4096

typedef struct shard_list {
    char *v[MAX_SHARDS];
    size_t n;
} shard_list_t;

static void shard_list_clear(shard_list_t *list)
{
    size_t i;
    for (i = 0; i < list->n; i++)
        free(list->v[i]);
    list->n = 0;
}

/* The stub file DB names: DB itself, or DB/XAPIANDB; NULL when neither. */
static char *stub_file_of(const char *db)
{
    struct stat st;
    char *inner = NULL;
    if (stat(db, &st) != 0)
        return NULL;
    if (S_ISREG(st.st_mode))
        return strdup(db);
    if (!S_ISDIR(st.st_mode))
        return NULL;
    inner = malloc(strlen(db) + sizeof "/XAPIANDB");
    if (inner == NULL)
        return NULL;
    sprintf(inner, "%s/XAPIANDB", db);
    if (stat(inner, &st) != 0 || !S_ISREG(st.st_mode)) {
        free(inner);
        return NULL;
    }
    return inner;
}

/*
 * Read the local shards of stub FILE into LIST, paths made relative to
 * the stub's directory as Xapian does.  A remote shard, a bad line or a
 * shard that is not a database directory is an error (*why_out says).
 */
static bool read_shards(const char *file, shard_list_t *list, char *why, size_t why_len)
{
    FILE *f = fopen(file, "r");
    const char *slash = strrchr(file, '/');
    size_t dir_len = slash != NULL ? (size_t)(slash - file) : 0;
    char line[4096];
    unsigned line_no = 0;
    bool ok = true;

    if (f == NULL) {
        snprintf(why, why_len, "%s: %s", file, strerror(errno));
        return false;
    }
    while (ok && fgets(line, sizeof line, f) != NULL) {
        char *type = NULL, *path = NULL, *extra = NULL, *save = NULL, *full = NULL;
        struct stat st;
        line_no++;
        type = strtok_r(line, " \t\r\n", &save);
        if (type == NULL || type[0] == '#')
            continue;
        path = strtok_r(NULL, " \t\r\n", &save);
        extra = strtok_r(NULL, " \t\r\n", &save);
        if (strcmp(type, "remote") == 0) {
            snprintf(why, why_len,
                     "%s:%u: a remote shard cannot be merged here; merge on the host that holds "
                     "it, or copy it first",
                     file, line_no);
            ok = false;
        } else if ((strcmp(type, "auto") != 0 && strcmp(type, "glass") != 0) || path == NULL ||
                   extra != NULL) {
            snprintf(why, why_len, "%s:%u: expected `auto PATH` or `glass PATH`", file, line_no);
            ok = false;
        } else if (list->n == MAX_SHARDS) {
            snprintf(why, why_len, "%s: more than %d shards", file, MAX_SHARDS);
            ok = false;
        } else {
            full = malloc(dir_len + strlen(path) + 2);
            if (full == NULL) {
                snprintf(why, why_len, "out of memory");
                ok = false;
            } else if (path[0] == '/' || dir_len == 0) {
                strcpy(full, path);
            } else {
                memcpy(full, file, dir_len);
                full[dir_len] = '/';
                strcpy(full + dir_len + 1, path);
            }
            if (ok && (stat(full, &st) != 0 || !S_ISDIR(st.st_mode))) {
                snprintf(why, why_len, "%s:%u: %s is not a database directory", file, line_no,
                         full);
                ok = false;
            }
            if (ok)
                list->v[list->n++] = full;
            else
                free(full);
        }
    }
    fclose(f);
    if (ok && list->n == 0) {
        snprintf(why, why_len, "%s lists no shard", file);
        ok = false;
    }
    return ok;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Bytes under PATH. */
static unsigned long long tree_bytes;
static int add_size(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)path;
    (void)ftw;
    if (flag == FTW_F)
        tree_bytes += (unsigned long long)st->st_size;
    return 0;
}

static int merge_command(const char *db, const char *into, double wait)
{
    shard_list_t *shards = calloc(1, sizeof *shards);
    f8k_db_t **locks = NULL, *merged = NULL;
    char *stub = stub_file_of(db), *dest = NULL, *tmp = NULL, *err = NULL, why[1024] = "";
    unsigned total = 0, count = 0;
    size_t i, n_locked = 0;
    struct stat st;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    int rc = F8K_EXIT_FAILED;

    if (shards == NULL)
        goto done;
    if (stub == NULL) {
        fprintf(stderr,
                "%s: %s: not a stub database; --merge combines the shards a stub lists (plain "
                "`compact` compacts one database)\n",
                f8k_index_progname, db);
        goto done;
    }
    if (!read_shards(stub, shards, why, sizeof why)) {
        fprintf(stderr, "%s: %s\n", f8k_index_progname, why);
        goto done;
    }
    if (into != NULL) {
        dest = strdup(into);
    } else {
        size_t len = strlen(db);
        while (len > 1 && db[len - 1] == '/')
            len--;
        dest = malloc(len + sizeof ".merged");
        if (dest != NULL)
            sprintf(dest, "%.*s.merged", (int)len, db);
    }
    tmp = dest != NULL ? malloc(strlen(dest) + sizeof ".new-XXXXXX") : NULL;
    locks = calloc(shards->n, sizeof *locks);
    if (dest == NULL || tmp == NULL || locks == NULL)
        goto done;
    if (stat(dest, &st) == 0 || errno != ENOENT) {
        fprintf(stderr, "%s: %s already exists; name a new database with --into\n",
                f8k_index_progname, dest);
        rc = F8K_EXIT_USAGE;
        goto done;
    }
    /* Hold every shard's write lock: no commit can slip past the merge. */
    for (i = 0; i < shards->n; i++) {
        unsigned n = 0;
        status = f8k_db_open_writable(shards->v[i], wait, &locks[i], &err);
        if (status == F8K_STATUS_SUCCESS) {
            n_locked++;
            status = f8k_db_doccount(locks[i], &n);
            total += n;
        }
        if (status != F8K_STATUS_SUCCESS) {
            if (status == F8K_STATUS_DB_LOCKED) {
                fprintf(stderr, "%s: %s: the shard is locked by another writer; try again later\n",
                        f8k_index_progname, shards->v[i]);
                rc = F8K_EXIT_LOCKED;
            } else {
                fprintf(stderr, "%s: %s: %s%s%s\n", f8k_index_progname, shards->v[i],
                        f8k_status_to_string(status), err != NULL ? ": " : "",
                        err != NULL ? err : f8k_db_last_error(locks[i]));
            }
            goto done;
        }
    }
    sprintf(tmp, "%s.new-XXXXXX", dest);
    if (mkdtemp(tmp) == NULL) {
        fprintf(stderr, "%s: %s: %s\n", f8k_index_progname, dest, strerror(errno));
        free(tmp);
        tmp = NULL;
        goto done;
    }
    status = f8k_db_compact((const char *const *)shards->v, shards->n, tmp, false, &err);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_db_open(tmp, &merged, &err);
    if (status == F8K_STATUS_SUCCESS)
        status = f8k_db_doccount(merged, &count);
    f8k_db_close(merged);
    if (status != F8K_STATUS_SUCCESS) {
        fprintf(stderr, "%s: merging into %s: %s%s%s\n", f8k_index_progname, dest,
                f8k_status_to_string(status), err != NULL ? ": " : "", err != NULL ? err : "");
        goto done;
    }
    if (count != total) {
        fprintf(stderr, "%s: merging into %s: %u documents, but the shards hold %u\n",
                f8k_index_progname, dest, count, total);
        goto done;
    }
    if (rename(tmp, dest) != 0) {
        fprintf(stderr, "%s: %s: %s\n", f8k_index_progname, dest, strerror(errno));
        goto done;
    }
    tree_bytes = 0;
    nftw(dest, add_size, 16, FTW_PHYS);
    printf("merged %zu shards of %s into %s: %u documents, %.1f MB\n", shards->n, db, dest, count,
           (double)tree_bytes / 1e6);
    rc = F8K_EXIT_OK;
done:
    if (rc != F8K_EXIT_OK && tmp != NULL && stat(tmp, &st) == 0)
        nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    for (i = 0; locks != NULL && i < n_locked; i++)
        f8k_db_close(locks[i]);
    free(locks);
    if (shards != NULL)
        shard_list_clear(shards);
    free(shards);
    free(stub);
    free(dest);
    free(tmp);
    free(err);
    return rc;
}

int f8k_index_compact_command(int argc, char **argv)
{
    char *db = NULL, *err = NULL, *end = NULL;
    double wait = 0;
    unsigned long long before = 0, after = 0;
    const char *into = NULL;
    bool merge = false;
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
        } else if (c == 'm') {
            merge = true;
        } else if (c == 'i') {
            into = optarg;
        } else if (c == 'h') {
            compact_usage(stdout);
            return F8K_EXIT_OK;
        } else {
            compact_usage(stderr);
            return F8K_EXIT_USAGE;
        }
    }
    if (optind < argc || (into != NULL && !merge)) {
        compact_usage(stderr);
        return F8K_EXIT_USAGE;
    }
    db = f8k_index_db_path();
    if (db == NULL) {
        fprintf(stderr, "%s: no database path: use --db PATH or set F8K_DB\n", f8k_index_progname);
        return F8K_EXIT_USAGE;
    }
    if (merge) {
        rc = merge_command(db, into, wait);
        free(db);
        return rc;
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
