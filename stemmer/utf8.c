/*
 * utf8.c - strict UTF-8 validation (RFC 3629 / Unicode Table 3-7).
 */
#include <string.h>

#include "analysis-private.h"

size_t analysis_utf8_sequence(const unsigned char *s, size_t len, size_t *bad_len)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need = 0;
    size_t i;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        /* E0 excludes overlongs, ED excludes the surrogates. */
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        /* F0 excludes overlongs, F4 stops at U+10FFFF. */
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        /* 0x80..0xC1 (continuation or overlong lead) and 0xF5..0xFF. */
        if (bad_len != NULL)
            *bad_len = 1;
        return 0;
    }
    for (i = 1; i <= need; i++) {
        unsigned char b;
        if (i >= len)
            goto bad;
        b = s[i];
        if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
            goto bad;
    }
    return need + 1;
bad:
    /* The maximal subpart is the lead plus the continuation bytes that were accepted. */
    if (bad_len != NULL)
        *bad_len = i;
    return 0;
}

bool analysis_utf8_valid(const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0;

    while (i < len) {
        size_t n;
        /* Skip ASCII eight bytes at a time when aligned runs allow it. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & UINT64_C(0x8080808080808080)) != 0)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        n = analysis_utf8_sequence(s + i, len - i, NULL);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}
