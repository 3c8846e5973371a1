/*
 * gen.c - f8k-hostile-gen DIR SGML: write the hostile input tree into
 * DIR (see hostile.h) and list the cases, one per line:
 * EXPECT<TAB>WHAT<TAB>PATH.  For trying f8k-index add by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hostile.h"

int main(int argc, char **argv)
{
    hostile_case_t *cases = NULL;
    size_t n = 0, i;
    if (argc != 3) {
        fprintf(stderr, "usage: f8k-hostile-gen DIR SGML-SUBMISSION\n");
        return 2;
    }
    cases = hostile_generate(argv[1], argv[2], geteuid() != 0, &n);
    if (cases == NULL) {
        fprintf(stderr, "f8k-hostile-gen: could not write the tree\n");
        return 1;
    }
    for (i = 0; i < n; i++)
        printf("%s\t%s\t%s\n", cases[i].expect == HOSTILE_INDEX ? "index" : "reject", cases[i].what,
               cases[i].path);
    hostile_free(cases, n);
    return 0;
}
