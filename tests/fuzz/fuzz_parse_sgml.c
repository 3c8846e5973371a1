/*
 * fuzz_parse_sgml.c - libFuzzer entry point: any bytes through
 * f8k_filing_parse(), framed as an EDGAR submission so the SGML header
 * and document parser see most of the inputs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <f8k/f8k_filing.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char prefix[] =
        "<SEC-DOCUMENT>0000000000-00-000000.txt : 20000101\n<SEC-HEADER>\n";
    size_t n = sizeof(prefix) - 1;
    char *buf = malloc(n + size);
    f8k_filing_t *filing = NULL;
    char *error = NULL;

    if (buf == NULL)
        return 0;
    memcpy(buf, prefix, n);
    if (size > 0)
        memcpy(buf + n, data, size);
    /* Both framings: as a submission, and the raw bytes as they are. */
    (void)f8k_filing_parse("fuzz.txt", buf, n + size, &filing, &error);
    f8k_filing_free(filing);
    free(error);
    filing = NULL;
    error = NULL;
    (void)f8k_filing_parse("fuzz.txt", buf + n, size, &filing, &error);
    f8k_filing_free(filing);
    free(error);
    free(buf);
    return 0;
}
