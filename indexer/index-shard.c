/*
 * index-shard.c - the layout of a sharded index (see index-private.h):
 * its scheme, the stub that lists its shards, and its lock.  index.c
 * does the writing; this file only names, reads and writes the stub.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index-private.h"

/* *MESSAGE = the printf-style text (malloc'd); MESSAGE may be NULL. */
static void say(char **message, const char *format, ...)
{
    va_list ap;
    int n;
    if (message == NULL)
        return;
    free(*message);
    *message = NULL;
    va_start(ap, format);
    n = vsnprintf(NULL, 0, format, ap);
    va_end(ap);
    if (n < 0)
        return;
    *message = malloc((size_t)n + 1);
    if (*message == NULL)
        return;
    va_start(ap, format);
    vsnprintf(*message, (size_t)n + 1, format, ap);
    va_end(ap);
}

static char *join_path(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (p == NULL)
        return NULL;
    if (name[0] == '/' || a == 0) {
        memcpy(p, name, b + 1);
    } else {
        memcpy(p, dir, a);
        p[a] = '/';
        memcpy(p + a + 1, name, b + 1);
    }
    return p;
}

/* ------------------------------------------------------------------ */
/* Schemes and shard names.                                            */
/* ------------------------------------------------------------------ */

bool index_scheme_parse(const char *text, index_scheme_t *out)
{
    char *end = NULL;
    unsigned long n;
    if (text == NULL)
        return false;
    if (strcmp(text, "year") == 0) {
        out->kind = INDEX_SCHEME_YEAR;
        out->n = 0;
        return true;
    }
    if (strncmp(text, "hash:", 5) != 0 || text[5] < '0' || text[5] > '9')
        return false;
    errno = 0;
    n = strtoul(text + 5, &end, 10);
    if (errno != 0 || *end != '\0' || n < 1 || n > INDEX_HASH_MAX)
        return false;
    out->kind = INDEX_SCHEME_HASH;
    out->n = (unsigned)n;
    return true;
}

void index_scheme_format(const index_scheme_t *scheme, char out[INDEX_SHARD_NAME_MAX])
{
    if (scheme->kind == INDEX_SCHEME_YEAR)
        snprintf(out, INDEX_SHARD_NAME_MAX, "year");
    else if (scheme->kind == INDEX_SCHEME_HASH)
        snprintf(out, INDEX_SHARD_NAME_MAX, "hash:%u", scheme->n);
    else
        snprintf(out, INDEX_SHARD_NAME_MAX, "none");
}

void index_year_shard(const char *filed, const char *reported, char out[INDEX_SHARD_NAME_MAX])
{
    /* The date of the sort-date and year values (index.c: set_values()):
     * the filed date, else the date of report, when it has eight digits,
     * so that a year shard holds exactly the filings whose year value
     * (the year facet, filed: ranges) is that year. */
    const char *date = filed != NULL ? filed : reported;
    char ymd[9];
    size_t i, n = 0;
    for (i = 0; date != NULL && date[i] != '\0' && n < 8; i++)
        if (date[i] >= '0' && date[i] <= '9')
            ymd[n++] = date[i];
    if (n == 8 && ((ymd[0] == '1' && ymd[1] == '9') || (ymd[0] == '2' && ymd[1] == '0')))
        snprintf(out, INDEX_SHARD_NAME_MAX, "%.4s", ymd);
    else
        snprintf(out, INDEX_SHARD_NAME_MAX, "undated");
}

void index_shard_name(const index_scheme_t *scheme, const char *filing_id, const char *year_shard,
                      char out[INDEX_SHARD_NAME_MAX])
{
    if (scheme->kind == INDEX_SCHEME_HASH)
        snprintf(out, INDEX_SHARD_NAME_MAX, "h%02zu", index_shard_of(filing_id, scheme->n));
    else
        snprintf(out, INDEX_SHARD_NAME_MAX, "%s", year_shard);
}

/* ------------------------------------------------------------------ */
/* The stub.                                                           */
/* ------------------------------------------------------------------ */

char *index_stub_file_of(const char *path)
{
    struct stat st;
    char *inner = NULL;
    if (path == NULL || stat(path, &st) != 0)
        return NULL;
    if (S_ISREG(st.st_mode))
        return strdup(path);
    if (!S_ISDIR(st.st_mode))
        return NULL;
    inner = join_path(path, INDEX_STUB_FILE);
    if (inner != NULL && (stat(inner, &st) != 0 || !S_ISREG(st.st_mode))) {
        free(inner);
        inner = NULL;
    }
    return inner;
}

void index_stub_clear(index_stub_t *stub)
{
    size_t i;
    if (stub == NULL)
        return;
    for (i = 0; i < stub->n; i++) {
        free(stub->names[i]);
        free(stub->paths[i]);
    }
    for (i = 0; i < stub->n_remote; i++)
        free(stub->remotes[i]);
    free(stub->names);
    free(stub->paths);
    free(stub->remotes);
    free(stub->file);
    free(stub->dir);
    memset(stub, 0, sizeof *stub);
}

/* Append S (taken over) to the array *V of *N strings. */
static bool push_string(char ***v, size_t *n, char *s)
{
    char **grown = s != NULL ? realloc(*v, (*n + 1) * sizeof **v) : NULL;
    if (grown == NULL) {
        free(s);
        return false;
    }
    *v = grown;
    (*v)[(*n)++] = s;
    return true;
}

f8k_status_t index_stub_add(index_stub_t *stub, const char *name)
{
    char *path = join_path(stub->dir, name), *copy = strdup(name);
    char **names = realloc(stub->names, (stub->n + 1) * sizeof *names);
    char **paths = NULL;

    if (names != NULL)
        stub->names = names;
    paths = names != NULL ? realloc(stub->paths, (stub->n + 1) * sizeof *paths) : NULL;
    if (paths != NULL)
        stub->paths = paths;
    if (path == NULL || copy == NULL || paths == NULL) {
        free(path);
        free(copy);
        return F8K_STATUS_NOMEM;
    }
    stub->names[stub->n] = copy;
    stub->paths[stub->n] = path;
    stub->n++;
    return F8K_STATUS_SUCCESS;
}

long index_stub_find(const index_stub_t *stub, const char *name)
{
    size_t i;
    for (i = 0; i < stub->n; i++)
        if (strcmp(stub->names[i], name) == 0)
            return (long)i;
    return -1;
}

/* Read one stub LINE (blank-separated words) into STUB. */
static f8k_status_t stub_line(index_stub_t *stub, char *line, unsigned line_no,
                              char **error_message)
{
    char *save = NULL, *w[3] = {NULL, NULL, NULL}, text[512];
    size_t n = 0, used = 0;
    char *word = strtok_r(line, " \t\r\n", &save);

    if (word == NULL || word[0] == '#')
        return F8K_STATUS_SUCCESS;
    /* The words, and the line with its blanks collapsed (a remote shard's name). */
    text[0] = '\0';
    for (; word != NULL; word = strtok_r(NULL, " \t\r\n", &save), n++) {
        if (n < 3)
            w[n] = word;
        if (used < sizeof text)
            used +=
                (size_t)snprintf(text + used, sizeof text - used, "%s%s", n > 0 ? " " : "", word);
    }
    if (strcmp(w[0], "remote") == 0)
        return push_string(&stub->remotes, &stub->n_remote, strdup(text)) ? F8K_STATUS_SUCCESS
                                                                          : F8K_STATUS_NOMEM;
    if ((strcmp(w[0], "auto") == 0 || strcmp(w[0], "glass") == 0) && n == 2)
        return index_stub_add(stub, w[1]);
    say(error_message, "%s:%u: expected `auto PATH`, `glass PATH` or `remote ...`", stub->file,
        line_no);
    return F8K_STATUS_DB_OPEN;
}

f8k_status_t index_stub_read(const char *file, index_stub_t *stub, char **error_message)
{
    FILE *f = NULL;
    const char *slash = strrchr(file, '/');
    char line[4096];
    unsigned line_no = 0;
    f8k_status_t status = F8K_STATUS_NOMEM;

    memset(stub, 0, sizeof *stub);
    stub->file = strdup(file);
    stub->dir = slash != NULL ? strndup(file, (size_t)(slash - file)) : strdup("");
    if (stub->file == NULL || stub->dir == NULL)
        goto fail;
    if (slash == file) {
        free(stub->dir);
        stub->dir = strdup("/");
        if (stub->dir == NULL)
            goto fail;
    }
    f = fopen(file, "r");
    if (f == NULL) {
        status = F8K_STATUS_IO;
        say(error_message, "%s: %s", file, strerror(errno));
        goto fail;
    }
    status = F8K_STATUS_SUCCESS;
    while (status == F8K_STATUS_SUCCESS && fgets(line, sizeof line, f) != NULL) {
        line_no++;
        if (line_no == 1 && strncmp(line, INDEX_SCHEME_HEADER, strlen(INDEX_SCHEME_HEADER)) == 0) {
            char *scheme = line + strlen(INDEX_SCHEME_HEADER);
            scheme[strcspn(scheme, " \t\r\n")] = '\0';
            if (!index_scheme_parse(scheme, &stub->scheme)) {
                status = F8K_STATUS_DB_OPEN;
                say(error_message, "%s:1: unknown shard scheme '%s'", file, scheme);
            }
            continue;
        }
        status = stub_line(stub, line, line_no, error_message);
    }
    fclose(f);
    if (status == F8K_STATUS_SUCCESS)
        return status;
fail:
    index_stub_clear(stub);
    return status;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

f8k_status_t index_stub_write(const index_stub_t *stub, char **error_message)
{
    char scheme[INDEX_SHARD_NAME_MAX], *tmp = NULL;
    const char **names = calloc(stub->n + 1, sizeof *names);
    FILE *f = NULL;
    size_t i;
    int fd = -1, ok = 1;
    f8k_status_t status = F8K_STATUS_NOMEM;

    tmp = malloc(strlen(stub->file) + sizeof ".new-XXXXXX");
    if (names == NULL || tmp == NULL)
        goto done;
    sprintf(tmp, "%s.new-XXXXXX", stub->file);
    fd = mkstemp(tmp);
    if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
        status = F8K_STATUS_IO;
        say(error_message, "%s: %s", tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        goto done;
    }
    for (i = 0; i < stub->n; i++)
        names[i] = stub->names[i];
    /* Sorted, so that years read in order and "undated" comes last. */
    qsort(names, stub->n, sizeof *names, compare_strings);
    index_scheme_format(&stub->scheme, scheme);
    ok &= fprintf(f, "%s%s\n", INDEX_SCHEME_HEADER, scheme) > 0;
    ok &= fprintf(f, "# Written by f8k-index add; each shard is a Xapian database in this "
                     "directory.\n") > 0;
    for (i = 0; i < stub->n; i++)
        ok &= fprintf(f, "auto %s\n", names[i]) > 0;
    ok &= fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, stub->file) != 0) {
        status = F8K_STATUS_IO;
        say(error_message, "%s: %s", stub->file, strerror(errno));
        unlink(tmp);
        goto done;
    }
    status = F8K_STATUS_SUCCESS;
done:
    free(names);
    free(tmp);
    return status;
}

/* ------------------------------------------------------------------ */
/* The lock.                                                           */
/* ------------------------------------------------------------------ */

f8k_status_t index_lock_dir(const char *dir, double wait_seconds, int *fd_out, char **error_message)
{
    char *path = join_path(dir, INDEX_LOCK_FILE);
    struct timespec start, now, nap = {0, 50 * 1000000L};
    int fd;

    *fd_out = -1;
    if (path == NULL)
        return F8K_STATUS_NOMEM;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        say(error_message, "%s: %s", path, strerror(errno));
        free(path);
        return F8K_STATUS_IO;
    }
    free(path);
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        double waited;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            say(error_message, "%s/%s: %s", dir, INDEX_LOCK_FILE, strerror(errno));
            close(fd);
            return F8K_STATUS_IO;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        waited = (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
        if (!(wait_seconds > 0) || waited >= wait_seconds) {
            say(error_message, "another f8k-index holds %s/%s", dir, INDEX_LOCK_FILE);
            close(fd);
            return F8K_STATUS_DB_LOCKED;
        }
        nanosleep(&nap, NULL);
    }
    *fd_out = fd;
    return F8K_STATUS_SUCCESS;
}
