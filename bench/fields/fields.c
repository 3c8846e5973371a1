/*
 * fields.c - accuracy of the filing parser against the corpus manifest.
 *
 *   f8k-bench-fields [--all] [CORPUS_DIR]
 *
 * For every row of CORPUS_DIR/MANIFEST.tsv (default $F8K_CORPUS, else
 * ../shared/corpus) the file is parsed (and extracted, when the extract
 * stage is built in) and its accession, CIK, company, form and filing
 * date compared with the manifest's columns.  A manifest cell that is
 * empty is not counted for that field.  Figures are printed per format
 * (SGML submissions, HTML, text), then the disagreements: all of them
 * for SGML, the first 40 of the others unless --all is given.
 *
 * CIKs compare as numbers (the manifest writes "1000180" for
 * "0001000180"); companies compare case-insensitively with runs of
 * white space collapsed; the rest compare exactly.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <f8k/f8k_filing.h>

enum { FIELD_ACCESSION, FIELD_CIK, FIELD_COMPANY, FIELD_FORM, FIELD_FILED, N_FIELDS };
static const char *const field_names[N_FIELDS] = {"accession", "cik", "company", "form", "filed"};

enum { GROUP_SGML, GROUP_HTML, GROUP_TEXT, N_GROUPS };
static const char *const group_names[N_GROUPS] = {"sgml-full-submission", "html", "text"};

typedef struct stats {
    long files;
    long failed;    /* parse errors */
    long all_agree; /* files where every known field agrees */
    long known[N_FIELDS];
    long agree[N_FIELDS];
} stats_t;

static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long size = 0;

    if (fp == NULL)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size + 1);
        if (buf != NULL && fread(buf, 1, (size_t)size, fp) != (size_t)size) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(fp);
    if (buf != NULL) {
        buf[size] = '\0';
        *len = (size_t)size;
    }
    return buf;
}

/* Split LINE (modified) on tabs into at most MAX cells. */
static int split_tabs(char *line, char **cells, int max)
{
    int n = 0;
    char *p = line;

    while (n < max) {
        char *tab = strchr(p, '\t');
        cells[n++] = p;
        if (tab == NULL)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

static int same_cik(const char *a, const char *b)
{
    while (*a == '0')
        a++;
    while (*b == '0')
        b++;
    return strcmp(a, b) == 0;
}

static int same_company(const char *a, const char *b)
{
    while (*a != '\0' || *b != '\0') {
        if (isspace((unsigned char)*a) && isspace((unsigned char)*b)) {
            while (isspace((unsigned char)*a))
                a++;
            while (isspace((unsigned char)*b))
                b++;
            continue;
        }
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
        a++;
        b++;
    }
    return 1;
}

static int agrees(int field, const char *expected, const char *got)
{
    if (got == NULL)
        return 0;
    if (field == FIELD_CIK)
        return same_cik(expected, got);
    if (field == FIELD_COMPANY)
        return same_company(expected, got);
    return strcmp(expected, got) == 0;
}

int main(int argc, char **argv)
{
    const char *corpus = getenv("F8K_CORPUS");
    int list_all = 0;
    char manifest[4096];
    char line[65536];
    stats_t stats[N_GROUPS];
    long shown[N_GROUPS] = {0, 0, 0};
    FILE *fp = NULL;
    clock_t started = clock();
    double bytes = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0)
            list_all = 1;
        else
            corpus = argv[i];
    }
    if (corpus == NULL)
        corpus = "../shared/corpus";
    memset(stats, 0, sizeof(stats));
    snprintf(manifest, sizeof(manifest), "%s/MANIFEST.tsv", corpus);
    fp = fopen(manifest, "r");
    if (fp == NULL) {
        fprintf(stderr, "f8k-bench-fields: %s: cannot open\n", manifest);
        return 1;
    }
    printf("disagreements (file: field expected | got):\n");
    while (fgets(line, sizeof(line), fp) != NULL) {
        char *cells[13];
        char path[8192];
        const char *expected[N_FIELDS];
        const char *got[N_FIELDS];
        f8k_filing_t *filing = NULL;
        char *error = NULL;
        char *buf = NULL;
        size_t len = 0;
        int group = GROUP_TEXT;
        int all = 1;
        f8k_status_t status = F8K_STATUS_SUCCESS;

        line[strcspn(line, "\n")] = '\0';
        if (split_tabs(line, cells, 13) < 13 || strcmp(cells[0], "path") == 0)
            continue;
        if (strcmp(cells[3], "sgml-full-submission") == 0)
            group = GROUP_SGML;
        else if (strcmp(cells[3], "html") == 0)
            group = GROUP_HTML;
        stats[group].files++;
        expected[FIELD_ACCESSION] = cells[10];
        expected[FIELD_CIK] = cells[11];
        expected[FIELD_COMPANY] = cells[5];
        expected[FIELD_FORM] = cells[4];
        expected[FIELD_FILED] = cells[6];
        snprintf(path, sizeof(path), "%s/%s", corpus, cells[0]);
        buf = read_file(path, &len);
        if (buf != NULL)
            status = f8k_filing_parse(path, buf, len, &filing, &error);
#ifdef F8K_HAVE_EXTRACT
        if (buf != NULL && status == F8K_STATUS_SUCCESS)
            status = f8k_filing_extract(filing);
#endif
        free(buf);
        if (buf == NULL || status != F8K_STATUS_SUCCESS) {
            stats[group].failed++;
            printf("  %s: FAILED %s\n", cells[0], error != NULL ? error : "cannot read");
            free(error);
            f8k_filing_free(filing);
            continue;
        }
        bytes += (double)len;
        got[FIELD_ACCESSION] = filing->accession;
        got[FIELD_CIK] = filing->cik;
        got[FIELD_COMPANY] = filing->company;
        got[FIELD_FORM] = filing->form;
        got[FIELD_FILED] = filing->filed;
        for (int f = 0; f < N_FIELDS; f++) {
            if (expected[f][0] == '\0')
                continue;
            stats[group].known[f]++;
            if (agrees(f, expected[f], got[f])) {
                stats[group].agree[f]++;
                continue;
            }
            all = 0;
            if (group == GROUP_SGML || list_all || shown[group] < 40) {
                shown[group]++;
                printf("  %s: %s '%s' | '%s'\n", cells[0], field_names[f], expected[f],
                       got[f] != NULL ? got[f] : "(null)");
            }
        }
        stats[group].all_agree += all;
        f8k_filing_free(filing);
    }
    fclose(fp);

    printf("\n%-22s %6s %6s %9s", "format", "files", "failed", "all-agree");
    for (int f = 0; f < N_FIELDS; f++)
        printf(" %16s", field_names[f]);
    printf("\n");
    for (int g = 0; g < N_GROUPS; g++) {
        const stats_t *s = &stats[g];
        printf("%-22s %6ld %6ld %8.2f%%", group_names[g], s->files, s->failed,
               s->files ? 100.0 * (double)s->all_agree / (double)s->files : 0.0);
        for (int f = 0; f < N_FIELDS; f++) {
            if (s->known[f] == 0)
                printf(" %16s", "n/a");
            else
                printf(" %6.2f%% (%5ld)", 100.0 * (double)s->agree[f] / (double)s->known[f],
                       s->known[f]);
        }
        printf("\n");
    }
    printf("(per field: agreement where the manifest knows the value, and how many it knows)\n");
    printf("parsed %.1f MiB in %.2f s CPU\n", bytes / 1048576.0,
           (double)(clock() - started) / CLOCKS_PER_SEC);
    return 0;
}
