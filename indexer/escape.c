/*
 * escape.c - file names made printable on one line.  A file of its own
 * so that a command that only prints names does not link the parsers.
 */
#include <stdlib.h>

#include <f8k/f8k_filing.h>

char *f8k_escape_name(const char *name)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0, i, o = 0;
    char *out = NULL;

    if (name == NULL)
        return NULL;
    for (i = 0; name[i] != '\0'; i++) {
        unsigned char c = (unsigned char)name[i];
        n += (c < 0x20 || c == 0x7f) ? 4 : c == '\\' ? 2 : 1;
    }
    out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    for (i = 0; name[i] != '\0'; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '\\') {
            out[o++] = '\\';
            out[o++] = '\\';
        } else if (c < 0x20 || c == 0x7f) {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return out;
}
