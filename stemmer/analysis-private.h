/*
 * analysis-private.h - internals shared between the files of stemmer/.
 *
 * Not installed, not part of the public contract.  Tests may include
 * it to compare the fast paths against the full ICU pipeline.
 */
#ifndef F8K_ANALYSIS_PRIVATE_H
#define F8K_ANALYSIS_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <f8k/f8k_analyzer.h>

/* ------------------------------------------------------------------ */
/* Interface to code in utf8.c                                         */
/* ------------------------------------------------------------------ */

/*
 * Length of the well-formed UTF-8 sequence that starts at S (at most
 * LEN bytes available), or 0 when the bytes there are not one: a lone
 * continuation byte, a truncated sequence, an overlong form, a
 * surrogate, a code point above U+10FFFF, or 0xF5..0xFF.  When 0 is
 * returned, *BAD_LEN (if not NULL) receives the length of the maximal
 * invalid subpart (Unicode "best practice": one U+FFFD per subpart).
 */
size_t analysis_utf8_sequence(const unsigned char *s, size_t len, size_t *bad_len);

/* True when BUF[0..LEN) is entirely well-formed UTF-8 (NUL allowed). */
bool analysis_utf8_valid(const char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Interface to code in analyzer.c                                     */
/* ------------------------------------------------------------------ */

/*
 * Turn the ASCII fast paths of ANALYZER on (the default) or off, so a
 * test can compare the token stream of the fast paths with the one the
 * full ICU pipeline produces.
 */
void analysis_set_fast_paths(f8k_analyzer_t *analyzer, bool enabled);

#endif /* F8K_ANALYSIS_PRIVATE_H */
