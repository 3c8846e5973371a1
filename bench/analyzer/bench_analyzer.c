/*
 * bench_analyzer.c - analyzer throughput over the shared corpus.
 *
 *     bench_analyzer [CORPUS_DIR]     (default $F8K_CORPUS, else ../shared/corpus)
 *
 * Loads the text of every corpus file into memory first, stripping
 * markup crudely so the analyzer sees roughly what the indexer feeds
 * it: everything between '<' and '>' is dropped, and uuencoded lines
 * (from "begin NNN name" to "end", and any line of 61 bytes starting
 * with 'M') are skipped.  Then it times f8k_analyze(DOCUMENT) over
 * all of it with one thread and with two threads (one analyzer each,
 * the files split between them), and prints MB/s (10^6 bytes of
 * stripped text per second of wall time), tokens, and peak RSS.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include <f8k/f8k_analyzer.h>
#include <f8k/f8k_charset.h>

struct doc {
    char *text;
    size_t len;
};

struct corpus {
    struct doc *docs;
    size_t count, cap, bytes, raw_bytes;
};

/* Strip tags and uuencoded lines from BUF in place; returns the new length. */
static size_t strip(char *buf, size_t len)
{
    size_t i = 0, o = 0;
    int in_tag = 0, in_uu = 0;

    while (i < len) {
        size_t eol = i;
        while (eol < len && buf[eol] != '\n')
            eol++;
        /* The line is buf[i..eol). */
        if (!in_tag && eol - i >= 6 && strncmp(buf + i, "begin ", 6) == 0)
            in_uu = 1;
        if (in_uu || (!in_tag && eol - i == 61 && buf[i] == 'M' && !memchr(buf + i, ' ', 61))) {
            if (in_uu && eol - i == 3 && strncmp(buf + i, "end", 3) == 0)
                in_uu = 0;
            i = eol + 1;
            continue;
        }
        for (; i < eol; i++) {
            if (buf[i] == '<')
                in_tag = 1;
            else if (buf[i] == '>' && in_tag)
                in_tag = 0;
            else if (!in_tag)
                buf[o++] = buf[i];
        }
        if (i < len)
            buf[o++] = '\n';
        i = eol + 1;
    }
    return o;
}

static void load(struct corpus *c, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e = NULL;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        FILE *f = NULL;
        char *buf = NULL, *utf8 = NULL;
        size_t n = 0, ulen = 0;

        if (e->d_name[0] == '.' || strstr(e->d_name, ".tsv") || strcmp(e->d_name, "README.md") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            load(c, path);
            continue;
        }
        f = fopen(path, "rb");
        if (f == NULL)
            continue;
        buf = malloc((size_t)st.st_size + 1);
        n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
        fclose(f);
        if (buf == NULL)
            continue;
        c->raw_bytes += n;
        if (f8k_text_to_utf8(buf, n, &utf8, &ulen) != F8K_STATUS_SUCCESS) {
            free(buf);
            continue;
        }
        free(buf);
        ulen = strip(utf8, ulen);
        if (c->count == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 1024;
            c->docs = realloc(c->docs, c->cap * sizeof *c->docs);
            if (c->docs == NULL) {
                fprintf(stderr, "bench_analyzer: out of memory\n");
                exit(1);
            }
        }
        c->docs[c->count].text = utf8;
        c->docs[c->count].len = ulen;
        c->count++;
        c->bytes += ulen;
    }
    closedir(d);
}

struct job {
    const struct corpus *c;
    size_t first, step;   /* files first, first+step, ... */
    size_t tokens, bytes; /* results */
    double cpu;           /* thread CPU seconds */
    f8k_status_t status;
};

static f8k_status_t count_token(void *closure, const f8k_token_t *t)
{
    size_t *n = closure;
    (void)t;
    (*n)++;
    return F8K_STATUS_SUCCESS;
}

static void *run_job(void *arg)
{
    struct job *j = arg;
    f8k_analyzer_t *a = NULL;
    size_t i;

    struct timespec c0, c1;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    j->status = f8k_analyzer_new("en", &a);
    for (i = j->first; j->status == F8K_STATUS_SUCCESS && i < j->c->count; i += j->step) {
        j->status = f8k_analyze(a, F8K_ANALYZE_DOCUMENT, j->c->docs[i].text, j->c->docs[i].len,
                                count_token, &j->tokens);
        j->bytes += j->c->docs[i].len;
    }
    f8k_analyzer_free(a);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
    j->cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(const struct corpus *c, size_t threads)
{
    pthread_t tid[2];
    struct job jobs[2];
    size_t i, tokens = 0;
    double t0 = 0, dt = 0, cpu = 0;

    memset(jobs, 0, sizeof jobs);
    t0 = now();
    for (i = 0; i < threads; i++) {
        jobs[i].c = c;
        jobs[i].first = i;
        jobs[i].step = threads;
        if (pthread_create(&tid[i], NULL, run_job, &jobs[i]) != 0)
            return 1;
    }
    for (i = 0; i < threads; i++)
        pthread_join(tid[i], NULL);
    dt = now() - t0;
    for (i = 0; i < threads; i++) {
        if (jobs[i].status != F8K_STATUS_SUCCESS) {
            fprintf(stderr, "bench_analyzer: %s\n", f8k_status_to_string(jobs[i].status));
            return 1;
        }
        tokens += jobs[i].tokens;
        cpu += jobs[i].cpu;
    }
    /* CPU time too: on a shared machine wall time also counts other processes. */
    printf("%zu thread%s: %.2f s wall, %.1f MB/s wall; %.2f s CPU, %.1f MB/s per CPU-second; "
           "%zu tokens\n",
           threads, threads > 1 ? "s" : " ", dt, (double)c->bytes / 1e6 / dt, cpu,
           (double)c->bytes / 1e6 / cpu, tokens);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("F8K_CORPUS");
    struct corpus c;
    struct rusage ru;
    size_t i;
    int rc = 0;

    memset(&c, 0, sizeof c);
    if (dir == NULL)
        dir = "../shared/corpus";
    load(&c, dir);
    if (c.count == 0) {
        fprintf(stderr, "bench_analyzer: no files under %s\n", dir);
        return 1;
    }
    printf("analyzer: %s\n", f8k_analyzer_version_string());
    printf("corpus: %s: %zu files, %.1f MB raw, %.1f MB of text after crude stripping "
           "(tags dropped, uuencoded lines skipped)\n",
           dir, c.count, (double)c.raw_bytes / 1e6, (double)c.bytes / 1e6);
    rc = run(&c, 1);
    if (rc == 0)
        rc = run(&c, 2);
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %.1f MB (the stripped corpus is held in memory: %.1f MB)\n",
           (double)ru.ru_maxrss / 1024.0, (double)c.bytes / 1e6);
    for (i = 0; i < c.count; i++)
        free(c.docs[i].text);
    free(c.docs);
    return rc;
}
