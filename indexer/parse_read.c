/*
 * parse_read.c - f8k_filing_read(): read a file, parse and extract.
 *
 * Kept apart from filing.c so that programs using only
 * f8k_filing_parse() do not pull in f8k_filing_extract().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <f8k/f8k_filing.h>

#include "parse-private.h"

static char *message(const char *what, int err)
{
    char tmp[256];

    snprintf(tmp, sizeof(tmp), "%s%s%s", what, err ? ": " : "", err ? strerror(err) : "");
    return strdup(tmp);
}

/* Read exactly SIZE bytes (or up to EOF, if the file shrank) into a new buffer. */
static f8k_status_t read_all(int fd, size_t size, char **buf_out, size_t *len_out, int *err)
{
    char *buf = malloc(size + 1);
    size_t got = 0;

    *buf_out = NULL;
    *len_out = 0;
    if (buf == NULL)
        return F8K_STATUS_NOMEM;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *err = errno;
            free(buf);
            return F8K_STATUS_IO;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    *buf_out = buf;
    *len_out = got;
    return F8K_STATUS_SUCCESS;
}

f8k_status_t f8k_filing_read(const char *path, f8k_filing_t **filing_out, char **error_out)
{
    f8k_status_t status = F8K_STATUS_SUCCESS;
    f8k_filing_t *filing = NULL;
    char *buf = NULL;
    size_t len = 0;
    struct stat st;
    int fd = -1;
    int err = 0;

    if (filing_out != NULL)
        *filing_out = NULL;
    if (error_out != NULL)
        *error_out = NULL;
    if (path == NULL || filing_out == NULL)
        return F8K_STATUS_INVALID_ARG;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        err = errno;
        status = F8K_STATUS_IO;
        if (error_out != NULL)
            *error_out = message("cannot open", err);
        goto done;
    }
    if (fstat(fd, &st) != 0) {
        err = errno;
        status = F8K_STATUS_IO;
        if (error_out != NULL)
            *error_out = message("cannot stat", err);
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        status = F8K_STATUS_BAD_INPUT;
        if (error_out != NULL)
            *error_out = message("not a regular file", 0);
        goto done;
    }
    if ((unsigned long long)st.st_size > PARSE_MAX_FILE_BYTES) {
        status = F8K_STATUS_BAD_INPUT;
        if (error_out != NULL)
            *error_out = message("file too large (over 512 MiB)", 0);
        goto done;
    }
    status = read_all(fd, (size_t)st.st_size, &buf, &len, &err);
    if (status != F8K_STATUS_SUCCESS) {
        if (error_out != NULL)
            *error_out = status == F8K_STATUS_IO ? message("read error", err) : NULL;
        goto done;
    }
    status = f8k_filing_parse(path, buf, len, &filing, error_out);
    if (status != F8K_STATUS_SUCCESS)
        goto done;
    status = f8k_filing_extract(filing);
    if (status != F8K_STATUS_SUCCESS) {
        if (error_out != NULL)
            *error_out = strdup(f8k_status_to_string(status));
        f8k_filing_free(filing);
        filing = NULL;
    }

done:
    if (fd >= 0)
        close(fd);
    free(buf);
    *filing_out = filing;
    return status;
}
