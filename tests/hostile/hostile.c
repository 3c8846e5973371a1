/*
 * hostile.c - the hostile input generator (see hostile.h).
 *
 * Every case that should index gets its own accession number
 * (9999999999-99-NNNNNN) and marker word (hostilemarkerNNN) so that one
 * query finds it and nothing replaces it.
 */
#include "hostile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct gen {
    const char *dir;
    hostile_case_t *cases;
    size_t n, cap;
    int serial;
    const char *src; /* the SGML submission */
    size_t src_len;
    int ok;
} gen_t;

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);
    if (p == NULL)
        abort();
    memcpy(p, a, la);
    p[la] = '/';
    memcpy(p + la + 1, b, lb + 1);
    return p;
}

static hostile_case_t *add_case(gen_t *g, const char *name, hostile_expect_t expect,
                                const char *reason, const char *what)
{
    hostile_case_t *c = NULL;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->cases = realloc(g->cases, g->cap * sizeof *g->cases);
        if (g->cases == NULL)
            abort();
    }
    c = &g->cases[g->n++];
    memset(c, 0, sizeof *c);
    c->path = join(g->dir, name);
    c->expect = expect;
    c->reason = reason;
    c->what = what;
    return c;
}

static void write_parts(gen_t *g, const char *path, const char *const *parts, const size_t *lens,
                        size_t nparts)
{
    FILE *f = fopen(path, "wb");
    size_t i;
    if (f == NULL) {
        fprintf(stderr, "hostile: %s: %s\n", path, strerror(errno));
        g->ok = 0;
        return;
    }
    for (i = 0; i < nparts; i++) {
        if (lens[i] > 0 && fwrite(parts[i], 1, lens[i], f) != lens[i])
            g->ok = 0;
    }
    if (fclose(f) != 0)
        g->ok = 0;
}

static void write_bytes(gen_t *g, const char *path, const void *buf, size_t len)
{
    const char *parts[1] = {buf};
    write_parts(g, path, parts, &len, 1);
}

/*
 * The SGML base with its accession number replaced by a unique one and
 * INSERT (with the marker word) put right after the first <TEXT>.
 */
static void write_variant(gen_t *g, const char *name, const char *insert, size_t insert_len,
                          const char *what)
{
    char acc[32], old[32], marker[64], q[64];
    const char *acc_at = strstr(g->src, "ACCESSION NUMBER:");
    const char *text_at = strstr(g->src, "<TEXT>");
    hostile_case_t *c = NULL;
    const char *parts[5];
    size_t lens[5], head_len, k = 0, j = 0;
    char *head = NULL;
    int s = ++g->serial;

    if (acc_at == NULL || text_at == NULL || text_at < acc_at) {
        g->ok = 0;
        return;
    }
    c = add_case(g, name, HOSTILE_INDEX, NULL, what);
    snprintf(marker, sizeof marker, " hostilemarker%03d ", s);
    snprintf(acc, sizeof acc, "9999999999-99-%06d", s);
    snprintf(q, sizeof q, "hostilemarker%03d", s);
    c->query = strdup(q);
    acc_at += strlen("ACCESSION NUMBER:");
    while (*acc_at == ' ' || *acc_at == '\t')
        acc_at++;
    memcpy(old, acc_at, 20); /* an accession number is 20 characters */
    old[20] = '\0';
    text_at += strlen("<TEXT>");
    /* The header with every mention of the accession number replaced. */
    head_len = (size_t)(text_at - g->src);
    head = malloc(head_len + 1);
    if (head == NULL)
        abort();
    while (k < head_len) {
        if (k + 20 <= head_len && memcmp(g->src + k, old, 20) == 0) {
            memcpy(head + j, acc, 20);
            j += 20;
            k += 20;
        } else {
            head[j++] = g->src[k++];
        }
    }
    parts[0] = head;
    lens[0] = j;
    parts[1] = marker;
    lens[1] = strlen(marker);
    parts[2] = insert;
    lens[2] = insert_len;
    parts[3] = marker;
    lens[3] = strlen(marker);
    parts[4] = text_at;
    lens[4] = g->src_len - head_len;
    write_parts(g, c->path, parts, lens, 5);
    free(head);
}

/* Every class of invalid UTF-8, each in its own copy of the filing. */
static const struct {
    const char *name, *bytes;
} bad_utf8[] = {
    {"utf8-lone-continuation.txt", "a\x80z \xbf\xbf"},
    {"utf8-overlong-2.txt", "\xc0\x80 \xc1\xbf"},
    {"utf8-overlong-3.txt", "\xe0\x80\x80 \xe0\x9f\xbf"},
    {"utf8-overlong-4.txt", "\xf0\x80\x80\x80 \xf0\x8f\xbf\xbf"},
    {"utf8-surrogate.txt", "\xed\xa0\x80 \xed\xbf\xbf \xed\xa0\xbd\xed\xb2\xa9"},
    {"utf8-above-10ffff.txt", "\xf4\x90\x80\x80 \xf7\xbf\xbf\xbf"},
    {"utf8-5-and-6-byte.txt", "\xf8\x88\x80\x80\x80 \xfc\x84\x80\x80\x80\x80"},
    {"utf8-fe-ff.txt", "\xfe\xff \xff\xfe \xfe"},
    {"utf8-truncated-seq.txt", "\xe2\x82 x \xf0\x9f\x98 y \xc3"},
    {"utf8-noncharacters.txt", "\xef\xbf\xbe \xef\xbf\xbf \xf4\x8f\xbf\xbf"},
    {"utf8-bom-inside.txt", "\xef\xbb\xbf\xef\xbb\xbf"},
    {"utf8-c1-controls.txt", "\xc2\x80\xc2\x9f \x1b[31m \x7f"},
};

/* SGML cut after each line of its header (up to the first <DOCUMENT>). */
static void truncations(gen_t *g)
{
    const char *doc = strstr(g->src, "<DOCUMENT>");
    const char *p = g->src;
    int line = 0;
    char name[64];
    if (doc == NULL) {
        g->ok = 0;
        return;
    }
    while (p < doc) {
        const char *nl = memchr(p, '\n', (size_t)(doc - p));
        size_t len;
        if (nl == NULL)
            break;
        len = (size_t)(nl + 1 - g->src);
        line++;
        snprintf(name, sizeof name, "trunc-header-%03d.txt", line);
        add_case(g, name, HOSTILE_REJECT, NULL, "SGML truncated in its header");
        write_bytes(g, g->cases[g->n - 1].path, g->src, len);
        /* The same cut in the middle of the line. */
        if (nl - p > 4) {
            snprintf(name, sizeof name, "trunc-midline-%03d.txt", line);
            add_case(g, name, HOSTILE_REJECT, NULL, "SGML truncated mid header line");
            write_bytes(g, g->cases[g->n - 1].path, g->src,
                        (size_t)(p - g->src) + (size_t)(nl - p) / 2);
        }
        p = nl + 1;
    }
}

hostile_case_t *hostile_generate(const char *dir, const char *sgml, int with_unreadable,
                                 size_t *n_out)
{
    gen_t g = {0};
    FILE *f = NULL;
    char *buf = NULL, *p = NULL;
    long sz;
    size_t i;

    *n_out = 0;
    g.dir = dir;
    g.ok = 1;
    f = fopen(sgml, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) <= 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        if (f != NULL)
            fclose(f);
        return NULL;
    }
    buf = malloc((size_t)sz + 1);
    if (buf == NULL || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    buf[sz] = '\0';
    g.src = buf;
    g.src_len = (size_t)sz;

    /* Empty, white space only, binary. */
    add_case(&g, "empty.txt", HOSTILE_REJECT, "empty file", "empty file");
    write_bytes(&g, g.cases[g.n - 1].path, "", 0);
    add_case(&g, "blank.txt", HOSTILE_REJECT, "empty file", "white space only");
    write_bytes(&g, g.cases[g.n - 1].path, " \n\t\r\n  \n", 8);
    {
        unsigned char bin[65536];
        unsigned x = 2463534242u;
        for (i = 0; i < sizeof bin; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            bin[i] = (unsigned char)x;
        }
        add_case(&g, "binary.txt", HOSTILE_REJECT, "binary data", "random bytes");
        write_bytes(&g, g.cases[g.n - 1].path, bin, sizeof bin);
        /* A gzip/ELF-looking header. */
        memcpy(bin,
               "\x7f"
               "ELF\x02\x01\x01",
               7);
        add_case(&g, "elf.htm", HOSTILE_REJECT, "binary data", "ELF-like binary");
        write_bytes(&g, g.cases[g.n - 1].path, bin, 4096);
    }
    /* 200 MB: sparse (all NUL), and a real header followed by a 200 MB hole. */
    add_case(&g, "sparse-200mb.txt", HOSTILE_REJECT, "binary data", "200 MB sparse file");
    {
        int fd = open(g.cases[g.n - 1].path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
        if (fd < 0 || ftruncate(fd, 200L << 20) != 0)
            g.ok = 0;
        if (fd >= 0)
            close(fd);
    }
    add_case(&g, "header-then-hole.txt", HOSTILE_REJECT, "binary data",
             "SGML header then a 200 MB hole");
    {
        int fd = open(g.cases[g.n - 1].path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
        const char *t = strstr(buf, "<TEXT>");
        size_t head = t != NULL ? (size_t)(t - buf) + 6 : 0;
        if (fd < 0 || write(fd, buf, head) != (ssize_t)head ||
            ftruncate(fd, (off_t)head + (200L << 20)) != 0 || lseek(fd, 0, SEEK_END) < 0 ||
            write(fd, "</TEXT>\n</DOCUMENT>\n", 20) != 20)
            g.ok = 0;
        if (fd >= 0)
            close(fd);
    }
    /* NUL bytes inside a real filing's text. */
    write_variant(&g, "nul-bytes.txt", "a\0b\0\0c \0\0\0\0 d", 14, "NUL bytes in the text");
    for (i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++)
        write_variant(&g, bad_utf8[i].name, bad_utf8[i].bytes, strlen(bad_utf8[i].bytes),
                      "invalid UTF-8");
    /* A million nested tags, inside a filing's document and as a bare HTML page. */
    {
        size_t depth = 1000000, k;
        size_t len = depth * 5 + depth * 6;
        char *deep = malloc(len);
        if (deep == NULL)
            abort();
        for (k = 0; k < depth; k++)
            memcpy(deep + k * 5, "<div>", 5);
        for (k = 0; k < depth; k++)
            memcpy(deep + depth * 5 + k * 6, "</div>", 6);
        write_variant(&g, "nested-million.txt", deep, len, "a million nested tags in SGML text");
        for (k = 0; k < depth; k++)
            memcpy(deep + k * 5, "<b><i", 5);
        write_variant(&g, "nested-unclosed.txt", deep, depth * 5, "a million unclosed tags");
        free(deep);
    }
    /* Header keys and tags that are absurd. */
    {
        size_t k, len = 2u << 20;
        char *junk = malloc(len);
        if (junk == NULL)
            abort();
        for (k = 0; k < len; k++)
            junk[k] = "<<>>&;#x"[k % 8];
        write_variant(&g, "markup-junk.txt", junk, len, "2 MB of <<>>&;#x");
        free(junk);
    }
    truncations(&g);
    /* The body cut short: header complete, text or document left open. */
    {
        const char *t = strstr(buf, "<TEXT>");
        if (t != NULL) {
            size_t cut = (size_t)(t - buf) + 6 + (g.src_len - (size_t)(t - buf) - 6) / 2;
            char *half = malloc(cut + 1);
            memcpy(half, buf, cut);
            half[cut] = '\0';
            /* write_variant works on g.src: swap it in for a moment. */
            g.src = half;
            g.src_len = cut;
            write_variant(&g, "trunc-in-text.txt", "", 0, "SGML cut in the middle of <TEXT>");
            g.src = buf;
            g.src_len = (size_t)sz;
            free(half);
        }
    }
    /* Special files. */
    p = join(dir, "loop-a.txt");
    add_case(&g, "loop-b.txt", HOSTILE_REJECT, "symbolic link loop", "symlink loop");
    if (symlink(g.cases[g.n - 1].path, p) != 0 || symlink(p, g.cases[g.n - 1].path) != 0)
        g.ok = 0;
    add_case(&g, "loop-a.txt", HOSTILE_REJECT, "symbolic link loop", "symlink loop");
    free(p);
    add_case(&g, "self.txt", HOSTILE_REJECT, "symbolic link loop", "symlink to itself");
    if (symlink("self.txt", g.cases[g.n - 1].path) != 0)
        g.ok = 0;
    add_case(&g, "fifo.txt", HOSTILE_REJECT, "not a regular file", "FIFO");
    if (mkfifo(g.cases[g.n - 1].path, 0600) != 0)
        g.ok = 0;
    add_case(&g, "zero.txt", HOSTILE_REJECT, "not a regular file", "symlink to /dev/zero");
    if (symlink("/dev/zero", g.cases[g.n - 1].path) != 0)
        g.ok = 0;
    add_case(&g, "urandom.htm", HOSTILE_REJECT, "not a regular file", "symlink to /dev/urandom");
    if (symlink("/dev/urandom", g.cases[g.n - 1].path) != 0)
        g.ok = 0;
    add_case(&g, "dangling.txt", HOSTILE_REJECT, "dangling", "dangling symlink");
    if (symlink("/nonexistent/f8k-hostile", g.cases[g.n - 1].path) != 0)
        g.ok = 0;
    if (with_unreadable) {
        add_case(&g, "unreadable.txt", HOSTILE_REJECT, "Permission denied", "mode 000 file");
        write_bytes(&g, g.cases[g.n - 1].path, buf, g.src_len);
        chmod(g.cases[g.n - 1].path, 0);
    }
    /* Awkward names: good filings, which must index. */
    write_variant(&g, "name with spaces.txt", "", 0, "name with spaces");
    write_variant(&g, "name\twith\ttabs.txt", "", 0, "name with tabs");
    write_variant(&g, "name-\xff\xfe-latin1-\xe9.txt", "", 0, "non-UTF-8 name");
    write_variant(&g, "$(touch pwned)`touch pwned2`;x&.txt", "", 0, "shell metacharacters in name");
    write_variant(&g, "-n.txt", "", 0, "name starting with a dash");

    free(buf);
    if (!g.ok) {
        hostile_free(g.cases, g.n);
        return NULL;
    }
    *n_out = g.n;
    return g.cases;
}

void hostile_free(hostile_case_t *cases, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        free(cases[i].path);
        free(cases[i].query);
    }
    free(cases);
}
