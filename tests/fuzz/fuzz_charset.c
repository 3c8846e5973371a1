/*
 * fuzz_charset.c - libFuzzer entry point for f8k_text_to_utf8().
 *
 * Any bytes must give SUCCESS with a NUL-terminated string of *out_len
 * bytes that is well-formed UTF-8 (no overlongs, surrogates or code
 * points above U+10FFFF) and holds no NUL byte.  Input that is already
 * well-formed UTF-8 must come back unchanged, NULs turned to spaces.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

/* Report the broken check by line, then abort (libFuzzer saves the input). */
#define FAIL() (fprintf(stderr, "%s:%d: check failed\n", __FILE__, __LINE__), abort())

#include "fuzz_utf8.h"
#include <f8k/f8k_charset.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int utf8_valid(const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0;
    while (i < len) {
        size_t k = utf8_seq(s + i, len - i);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    char *out = NULL;
    size_t out_len = (size_t)-1;
    f8k_status_t st = f8k_text_to_utf8(in, size, &out, &out_len);

    if (st != F8K_STATUS_SUCCESS || out == NULL)
        FAIL(); /* never fails on content */
    if (out[out_len] != '\0' || memchr(out, '\0', out_len) != NULL)
        FAIL(); /* NUL-terminated, no NUL inside */
    if (!utf8_valid(out, out_len))
        FAIL();
    if (utf8_valid(in, size)) {
        /* Valid UTF-8 is kept as it is, NUL bytes becoming spaces. */
        if (out_len != size)
            FAIL();
        for (size_t i = 0; i < size; i++) {
            char want = in[i] == '\0' ? ' ' : in[i];
            if (out[i] != want)
                FAIL();
        }
    }
    free(out);
    return 0;
}
