/*
 * fuzz_parse_html.c - libFuzzer entry point: any bytes as a single HTML
 * document (an <html> prefix forces the HTML path).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <f8k/f8k_filing.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char prefix[] = "<html><body>";
    size_t n = sizeof(prefix) - 1;
    char *buf = malloc(n + size);
    f8k_filing_t *filing = NULL;
    char *error = NULL;

    if (buf == NULL)
        return 0;
    memcpy(buf, prefix, n);
    if (size > 0)
        memcpy(buf + n, data, size);
    (void)f8k_filing_parse("fuzz.htm", buf, n + size, &filing, &error);
    f8k_filing_free(filing);
    free(error);
    free(buf);
    return 0;
}
