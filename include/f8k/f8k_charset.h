/*
 * f8k_charset.h - bytes of unknown encoding to valid UTF-8.
 *
 * Implemented in stemmer/ (ICU).  Filings arrive as ASCII, UTF-8,
 * Latin-1 or Windows-1252; the parser converts every document's bytes
 * through this one function before anything else sees them.
 */
#ifndef F8K_CHARSET_H
#define F8K_CHARSET_H

#include <stddef.h>

#include <f8k/f8k_status.h>

F8K_BEGIN_DECLS

/*
 * Convert BUF (LEN bytes, any content, need not be NUL-terminated) to
 * valid UTF-8.  Valid UTF-8 (including pure ASCII) is kept as it is;
 * otherwise the charset is decided (Windows-1252 / Latin-1 are the
 * expected cases) and converted.  Bytes that cannot be decoded become
 * U+FFFD; NUL bytes become spaces.  Never fails on content.
 *
 * Return value:
 *   F8K_STATUS_SUCCESS: *out is a malloc'd NUL-terminated UTF-8 string
 *                       of *out_len bytes (caller frees).
 *   F8K_STATUS_NOMEM:   out of memory; *out is NULL.
 *   F8K_STATUS_INVALID_ARG: BUF NULL with LEN > 0, or OUT NULL.
 */
f8k_status_t f8k_text_to_utf8(const char *buf, size_t len, char **out, size_t *out_len);

F8K_END_DECLS

#endif /* F8K_CHARSET_H */
