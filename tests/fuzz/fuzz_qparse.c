/*
 * fuzz_qparse.c - libFuzzer entry point for the query parser.
 *
 * Any bytes must give SUCCESS with a tree that dumps, or BAD_QUERY with
 * a position inside the query and a message that formats; never a
 * crash, a leak or another status.
 */
#include <f8k/f8k_qparse.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    f8k_qnode_t *root = NULL;
    f8k_qparse_error_t error;
    char *text = NULL;
    f8k_status_t st = f8k_qparse((const char *)data, size, &root, &error);

    if (st == F8K_STATUS_SUCCESS) {
        if (root == NULL || root->end > size || root->start >= root->end)
            abort();
        if (f8k_qnode_dump(root, F8K_QDUMP_SPANS, &text) != F8K_STATUS_SUCCESS)
            abort();
    } else {
        if (st != F8K_STATUS_BAD_QUERY || root != NULL || error.position > size ||
            error.message[0] == '\0')
            abort();
        if (f8k_qparse_format_error((const char *)data, size, &error, &text) != F8K_STATUS_SUCCESS)
            abort();
        if (strstr(text, "syntax error at column ") != text)
            abort();
    }
    free(text);
    f8k_qnode_free(root);
    return 0;
}
