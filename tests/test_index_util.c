/*
 * test_index_util.c - helpers for the f8k-index end-to-end tests.
 */
#include "f8k_test.h"

#include <stdarg.h>
#include <string.h>

#include <f8k/f8k_xapian.h>

#include "test_index_util.h"

char *idx_bin(void)
{
    return f8k_test_path(f8k_test_build_dir(), "indexer/f8k-index");
}

int idx_run(int timeout_s, char **out, char **err, ...)
{
    char *argv[64];
    char *bin = idx_bin();
    va_list ap;
    int n = 0, rc;
    const char *a = NULL;

    argv[n++] = bin;
    va_start(ap, err);
    while ((a = va_arg(ap, const char *)) != NULL && n < 63)
        argv[n++] = (char *)a;
    va_end(ap);
    argv[n] = NULL;
    rc = f8k_test_run(argv, NULL, timeout_s, out, err);
    free(bin);
    return rc;
}

bool idx_parse_summary(const char *out, idx_summary_t *s)
{
    const char *line = NULL;
    int used = 0;
    if (out == NULL)
        return false;
    line = strstr(out, "added ");
    if (line == NULL)
        return false;
    if (sscanf(line, "added %lu, replaced %lu, unchanged %lu, removed %lu, failed %lu in %lf s%n",
               &s->added, &s->replaced, &s->unchanged, &s->removed, &s->failed, &s->seconds,
               &used) != 6)
        return false;
    return line[used] == '\n' && line[used + 1] == '\0';
}

static f8k_db_t *open_db(const char *path)
{
    f8k_db_t *db = NULL;
    char *err = NULL;
    if (f8k_db_open(path, &db, &err) != F8K_STATUS_SUCCESS) {
        fprintf(stderr, "open %s: %s\n", path, err != NULL ? err : "?");
        db = NULL;
    }
    free(err);
    return db;
}

static size_t count_terms(f8k_db_t *db, const char *prefix)
{
    f8k_strlist_t *list = NULL;
    size_t n = 0;
    if (f8k_db_allterms(db, prefix, &list) == F8K_STATUS_SUCCESS)
        n = f8k_strlist_size(list);
    f8k_strlist_free(list);
    return n;
}

unsigned long idx_filings(const char *path)
{
    f8k_db_t *db = open_db(path);
    unsigned long n = 0;
    if (db == NULL)
        return 0;
    n = count_terms(db, "XF") - count_terms(db, "XFORM");
    f8k_db_close(db);
    return n;
}

unsigned long idx_documents(const char *path)
{
    f8k_db_t *db = open_db(path);
    unsigned n = 0;
    if (db == NULL)
        return 0;
    f8k_db_doccount(db, &n);
    f8k_db_close(db);
    return n;
}

unsigned idx_termfreq(const char *path, const char *term)
{
    f8k_db_t *db = open_db(path);
    unsigned n = 0;
    if (db == NULL)
        return 0;
    f8k_db_termfreq(db, term, &n);
    f8k_db_close(db);
    return n;
}

bool idx_unique_terms_once(const char *path)
{
    f8k_db_t *db = open_db(path);
    f8k_strlist_t *list = NULL;
    unsigned docs = 0;
    bool ok = true;
    size_t i, n;
    if (db == NULL)
        return false;
    if (f8k_db_allterms(db, "Q", &list) != F8K_STATUS_SUCCESS)
        ok = false;
    n = f8k_strlist_size(list);
    for (i = 0; ok && i < n; i++) {
        unsigned long long freq = 0;
        f8k_strlist_get(list, i, NULL, NULL, &freq);
        if (freq != 1)
            ok = false;
    }
    f8k_db_doccount(db, &docs);
    if (n != docs)
        ok = false;
    f8k_strlist_free(list);
    f8k_db_close(db);
    return ok;
}

bool idx_copy_file(const char *src, const char *dst)
{
    size_t len = 0;
    char *buf = f8k_test_read_file(src, &len);
    FILE *f = NULL;
    bool ok = false;
    if (buf == NULL)
        return false;
    f = fopen(dst, "wb");
    if (f != NULL) {
        ok = fwrite(buf, 1, len, f) == len;
        ok = fclose(f) == 0 && ok;
    }
    free(buf);
    return ok;
}

bool idx_edit_file(const char *path, const char *from, const char *to)
{
    size_t len = 0;
    char *buf = f8k_test_read_file(path, &len);
    char *at = NULL;
    FILE *f = NULL;
    bool ok = false;
    if (buf == NULL)
        return false;
    at = strstr(buf, from);
    f = at != NULL ? fopen(path, "wb") : NULL;
    if (f != NULL) {
        size_t head = (size_t)(at - buf), fl = strlen(from);
        ok = fwrite(buf, 1, head, f) == head;
        ok = fwrite(to, 1, strlen(to), f) == strlen(to) && ok;
        ok = fwrite(at + fl, 1, len - head - fl, f) == len - head - fl && ok;
        ok = fclose(f) == 0 && ok;
    }
    free(buf);
    return ok;
}
