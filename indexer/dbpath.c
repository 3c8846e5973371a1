/*
 * dbpath.c - the database location (see dbpath.h).
 */
#include "dbpath.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

static char *concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 1);
    if (s != NULL) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb + 1);
    }
    return s;
}

char *f8k_dbpath_resolve(const char *option)
{
    const char *env = NULL;
    if (option != NULL)
        return strdup(option);
    env = getenv("F8K_DB");
    if (env != NULL && env[0] != '\0')
        return strdup(env);
    /* XDG: a relative $XDG_DATA_HOME is invalid and must be ignored. */
    env = getenv("XDG_DATA_HOME");
    if (env != NULL && env[0] == '/')
        return concat(env, "/f8k/db");
    env = getenv("HOME");
    if (env != NULL && env[0] != '\0')
        return concat(env, "/.local/share/f8k/db");
    return NULL;
}

f8k_status_t f8k_dbpath_make_parent(const char *path, char **error_out)
{
    char *copy = NULL, *slash = NULL, *p = NULL;
    f8k_status_t status = F8K_STATUS_SUCCESS;

    if (error_out != NULL)
        *error_out = NULL;
    if (path == NULL || path[0] == '\0')
        return F8K_STATUS_INVALID_ARG;
    copy = strdup(path);
    if (copy == NULL)
        return F8K_STATUS_NOMEM;
    slash = strrchr(copy, '/');
    if (slash == NULL || slash == copy)
        goto done; /* the parent is "." or "/" */
    *slash = '\0';
    for (p = copy + 1;; p++) {
        char c = *p;
        if (c != '/' && c != '\0')
            continue;
        *p = '\0';
        if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
            status = F8K_STATUS_IO;
            if (error_out != NULL) {
                size_t n = strlen(copy) + 64 + strlen(strerror(errno));
                *error_out = malloc(n);
                if (*error_out != NULL)
                    snprintf(*error_out, n, "%s: %s", copy, strerror(errno));
            }
            goto done;
        }
        *p = c;
        if (c == '\0')
            break;
    }
done:
    free(copy);
    return status;
}
