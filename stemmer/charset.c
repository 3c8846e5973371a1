/*
 * charset.c - bytes of unknown encoding to valid UTF-8 (f8k_charset.h).
 *
 * Decision, in order:
 *   1. Well-formed UTF-8 (pure ASCII included) is copied as it is,
 *      NUL bytes becoming spaces.
 *   2. Otherwise the bytes are counted: well-formed multi-byte UTF-8
 *      sequences versus bytes that belong to no such sequence.  When
 *      the well-formed sequences are at least as many as the bad bytes,
 *      the text is UTF-8 with a few errors: each maximal invalid
 *      subpart becomes one U+FFFD (the Unicode "best practice", which
 *      is also what ICU's converters do).
 *   3. Otherwise, when there is some well-formed multi-byte UTF-8,
 *      ICU's detector (ucsdet) is asked; when UTF-8 comes before
 *      windows-1252 and ISO-8859-1 among its candidates, the text is
 *      repaired as in 2.
 *   4. Otherwise the text is windows-1252.  It is read so even when
 *      the detector says ISO-8859-1: the two differ only in bytes
 *      0x80..0x9F, and EDGAR text never means C1 control codes by them
 *      (curly quotes, euro, dashes are what Word wrote there).  The
 *      conversion itself is ucnv's, with U+FFFD for the five bytes
 *      windows-1252 leaves undefined.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>

#include <f8k/f8k_charset.h>

#include "analysis-private.h"

/* Copy valid UTF-8 BUF into a new string, NULs becoming spaces. */
static f8k_status_t copy_utf8(const char *buf, size_t len, char **out, size_t *out_len)
{
    char *copy = malloc(len + 1);
    size_t i;

    if (copy == NULL)
        return F8K_STATUS_NOMEM;
    if (len > 0)
        memcpy(copy, buf, len);
    for (i = 0; i < len; i++) {
        if (copy[i] == '\0')
            copy[i] = ' ';
    }
    copy[len] = '\0';
    *out = copy;
    *out_len = len;
    return F8K_STATUS_SUCCESS;
}

/* UTF-8 with errors: keep good sequences, one U+FFFD per maximal bad subpart. */
static f8k_status_t repair_utf8(const char *buf, size_t len, char **out, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)buf;
    /* A bad byte (1 byte) grows to U+FFFD (3 bytes) at worst. */
    char *copy = NULL;
    size_t i = 0, o = 0;

    if (len > (SIZE_MAX - 1) / 3)
        return F8K_STATUS_NOMEM;
    copy = malloc(len * 3 + 1);
    if (copy == NULL)
        return F8K_STATUS_NOMEM;
    while (i < len) {
        size_t bad = 0;
        size_t n = analysis_utf8_sequence(s + i, len - i, &bad);
        if (n == 0) {
            memcpy(copy + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += bad;
            continue;
        }
        if (n == 1 && s[i] == 0)
            copy[o] = ' ';
        else
            memcpy(copy + o, s + i, n);
        o += n;
        i += n;
    }
    copy[o] = '\0';
    *out = copy;
    *out_len = o;
    return F8K_STATUS_SUCCESS;
}

/* Single-byte charset CHARSET through ucnv, then UTF-16 to UTF-8. */
static f8k_status_t convert_sbcs(const char *charset, const char *buf, size_t len, char **out,
                                 size_t *out_len)
{
    UErrorCode status = U_ZERO_ERROR;
    UConverter *conv = NULL;
    UChar *u16 = NULL;
    char *u8 = NULL;
    int32_t u16_len = 0, u8_len = 0, i;
    f8k_status_t result = F8K_STATUS_SUCCESS;

    if (len > (size_t)INT32_MAX / 4) {
        /* ICU's C APIs count in int32_t; filings are far below 512 MB. */
        result = F8K_STATUS_NOMEM;
        goto done;
    }
    conv = ucnv_open(charset, &status);
    if (U_SUCCESS(status) && conv == NULL)
        status = U_MEMORY_ALLOCATION_ERROR;
    /* Undefined bytes become U+FFFD, not ICU's SBCS default U+001A. */
    if (U_SUCCESS(status))
        ucnv_setToUCallBack(conv, UCNV_TO_U_CALLBACK_SUBSTITUTE, NULL, NULL, NULL, &status);
    if (U_FAILURE(status)) {
        result = status == U_MEMORY_ALLOCATION_ERROR ? F8K_STATUS_NOMEM : F8K_STATUS_ICU;
        goto done;
    }
    /* A single-byte charset gives at most one UTF-16 unit per byte. */
    u16 = malloc(((size_t)len + 1) * sizeof(UChar));
    if (u16 == NULL) {
        result = F8K_STATUS_NOMEM;
        goto done;
    }
    u16_len = ucnv_toUChars(conv, u16, (int32_t)len + 1, buf, (int32_t)len, &status);
    if (U_FAILURE(status)) {
        result = status == U_MEMORY_ALLOCATION_ERROR ? F8K_STATUS_NOMEM : F8K_STATUS_ICU;
        goto done;
    }
    for (i = 0; i < u16_len; i++) {
        if (u16[i] == 0)
            u16[i] = 0x20;
        else if (u16[i] == 0x1A && (unsigned char)buf[i] != 0x1A)
            u16[i] = 0xFFFD;
        else if (u16[i] >= 0x80 && u16[i] <= 0x9F)
            /* ICU maps windows-1252's five undefined bytes to C1 controls. */
            u16[i] = 0xFFFD;
    }
    /* Each UTF-16 unit becomes at most three UTF-8 bytes. */
    u8 = malloc((size_t)u16_len * 3 + 1);
    if (u8 == NULL) {
        result = F8K_STATUS_NOMEM;
        goto done;
    }
    u_strToUTF8WithSub(u8, u16_len * 3 + 1, &u8_len, u16, u16_len, 0xFFFD, NULL, &status);
    if (U_FAILURE(status)) {
        result = status == U_MEMORY_ALLOCATION_ERROR ? F8K_STATUS_NOMEM : F8K_STATUS_ICU;
        goto done;
    }
    u8[u8_len] = '\0';
    *out = u8;
    *out_len = (size_t)u8_len;
    u8 = NULL;
done:
    free(u8);
    free(u16);
    ucnv_close(conv);
    return result;
}

/*
 * Ask ucsdet whether BUF is UTF-8: true in *IS_UTF8 when UTF-8 comes
 * before windows-1252 and ISO-8859-1 among its candidates.  Any other
 * detector failure answers false (windows-1252, the common case for
 * EDGAR); a failed allocation is F8K_STATUS_NOMEM.
 */
static f8k_status_t detect_utf8(const char *buf, size_t len, bool *is_utf8)
{
    UErrorCode status = U_ZERO_ERROR;
    UCharsetDetector *det = NULL;
    const UCharsetMatch **matches = NULL;
    int32_t count = 0, i;
    /* The detector only needs a sample; 64 KB keeps it fast on big files. */
    int32_t sample = len > 65536 ? 65536 : (int32_t)len;

    *is_utf8 = false;
    det = ucsdet_open(&status);
    if (U_SUCCESS(status) && det != NULL) {
        ucsdet_setText(det, buf, sample, &status);
        matches = ucsdet_detectAll(det, &count, &status);
    }
    for (i = 0; U_SUCCESS(status) && matches != NULL && i < count; i++) {
        const char *name = ucsdet_getName(matches[i], &status);
        if (U_FAILURE(status) || name == NULL)
            break;
        if (strcmp(name, "UTF-8") == 0) {
            *is_utf8 = true;
            break;
        }
        if (strcmp(name, "windows-1252") == 0 || strcmp(name, "ISO-8859-1") == 0)
            break;
    }
    ucsdet_close(det);
    if (status == U_MEMORY_ALLOCATION_ERROR) {
        *is_utf8 = false;
        return F8K_STATUS_NOMEM;
    }
    return F8K_STATUS_SUCCESS;
}

f8k_status_t f8k_text_to_utf8(const char *buf, size_t len, char **out, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t good_multi = 0, bad_bytes = 0, i = 0;
    size_t dummy_len = 0;

    if (out != NULL)
        *out = NULL;
    if (out_len == NULL)
        out_len = &dummy_len;
    *out_len = 0;
    if (out == NULL || (buf == NULL && len > 0))
        return F8K_STATUS_INVALID_ARG;
    if (len == 0)
        return copy_utf8("", 0, out, out_len);
    if (analysis_utf8_valid(buf, len))
        return copy_utf8(buf, len, out, out_len);

    while (i < len) {
        size_t bad = 0;
        size_t n = analysis_utf8_sequence(s + i, len - i, &bad);
        if (n == 0) {
            bad_bytes += bad;
            i += bad;
        } else {
            if (n > 1)
                good_multi++;
            i += n;
        }
    }
    if (good_multi > 0 && good_multi >= bad_bytes)
        return repair_utf8(buf, len, out, out_len);

    /*
     * The detector decides only between UTF-8 with errors and a
     * single-byte charset, and only when there is some well-formed
     * UTF-8 to keep: its other answers, ISO-8859-1 and windows-1252,
     * give the same text (they read every byte outside 0x80..0x9F
     * alike, and bytes 0x80..0x9F are read as windows-1252 whatever
     * the detector says).  So it is asked only then: it allocates a
     * good deal, is slow, and ICU 72's ucsdet_open crashes when one
     * of its allocations fails (tests/RELIABILITY.md).
     */
    if (good_multi > 0) {
        bool is_utf8 = false;
        f8k_status_t st = detect_utf8(buf, len, &is_utf8);
        if (st != F8K_STATUS_SUCCESS)
            return st;
        if (is_utf8)
            return repair_utf8(buf, len, out, out_len);
    }
    return convert_sbcs("windows-1252", buf, len, out, out_len);
}
