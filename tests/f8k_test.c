/*
 * f8k_test.c - shared helpers for the cmocka tests (see f8k_test.h).
 */
#include "f8k_test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char *f8k_test_path(const char *a, const char *b)
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

char *f8k_test_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *templ = NULL;
    if (base == NULL || *base == '\0')
        base = "/tmp";
    templ = f8k_test_path(base, "f8k-test-XXXXXX");
    if (mkdtemp(templ) == NULL) {
        fprintf(stderr, "mkdtemp %s: %s\n", templ, strerror(errno));
        abort();
    }
    return templ;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftwbuf)
{
    (void)st;
    (void)flag;
    (void)ftwbuf;
    /* Make directories writable first so a test that removed write bits still cleans up. */
    if (flag == FTW_DP)
        chmod(path, 0700);
    return remove(path) == 0 ? 0 : 0;
}

void f8k_test_rmtree(const char *path)
{
    if (path == NULL)
        return;
    nftw(path, rm_entry, 32, FTW_DEPTH | FTW_PHYS);
}

static char *existing_dir(char *path)
{
    struct stat st;
    if (path != NULL && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return path;
    free(path);
    return NULL;
}

static char *shared_dir(const char *env, const char *leaf)
{
    const char *v = getenv(env);
    const char *src = getenv("F8K_SOURCE_DIR");
    char *p = NULL;
    if (v != NULL && *v != '\0')
        return existing_dir(strdup(v));
    if (src == NULL)
        src = ".";
    p = f8k_test_path(src, "../shared");
    {
        char *q = f8k_test_path(p, leaf);
        free(p);
        p = q;
    }
    return existing_dir(p);
}

char *f8k_test_corpus_dir(void)
{
    return shared_dir("F8K_CORPUS", "corpus");
}

char *f8k_test_seeds_dir(void)
{
    return shared_dir("F8K_SEEDS", "seeds");
}

char *f8k_test_samples_dir(void)
{
    const char *src = getenv("F8K_SOURCE_DIR");
    return existing_dir(f8k_test_path(src != NULL ? src : ".", "corpus/samples"));
}

const char *f8k_test_build_dir(void)
{
    const char *b = getenv("F8K_BUILD_DIR");
    return b != NULL ? b : ".";
}

char *f8k_test_read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, len = 0;
    if (f == NULL)
        return NULL;
    for (;;) {
        size_t n;
        if (len + 65536 + 1 > cap) {
            char *nb;
            cap = (len + 65536 + 1) * 2;
            nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    buf[len] = '\0';
    if (len_out != NULL)
        *len_out = len;
    return buf;
}

/* Append what is readable on FD to *BUF. Returns 0 at EOF, 1 if more may come. */
static int drain(int fd, char **buf, size_t *len, size_t *cap)
{
    char chunk[65536];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0)
        return n < 0 && errno == EINTR ? 1 : 0;
    if (*len + (size_t)n + 1 > *cap) {
        char *nb;
        *cap = (*len + (size_t)n + 1) * 2;
        nb = realloc(*buf, *cap);
        if (nb == NULL)
            abort();
        *buf = nb;
    }
    memcpy(*buf + *len, chunk, (size_t)n);
    *len += (size_t)n;
    (*buf)[*len] = '\0';
    return 1;
}

int f8k_test_run(char *const argv[], const char *stdin_text, int timeout_s, char **out, char **err)
{
    int po[2], pe[2], pi[2];
    pid_t pid;
    char *ob = calloc(1, 1), *eb = calloc(1, 1);
    size_t ol = 0, oc = 1, el = 0, ec = 1;
    int open_o = 1, open_e = 1, status = 0, rc = -1;
    time_t deadline = time(NULL) + timeout_s;

    if (ob == NULL || eb == NULL || pipe(po) || pipe(pe) || pipe(pi))
        abort();
    pid = fork();
    if (pid < 0)
        abort();
    if (pid == 0) {
        dup2(pi[0], 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(pi[1]);
        close(po[0]);
        close(pe[0]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(pi[0]);
    close(po[1]);
    close(pe[1]);
    if (stdin_text != NULL) {
        signal(SIGPIPE, SIG_IGN);
        (void)!write(pi[1], stdin_text, strlen(stdin_text));
    }
    close(pi[1]);
    while (open_o || open_e) {
        struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
        int left = (int)(deadline - time(NULL));
        if (left <= 0) {
            kill(pid, SIGKILL);
            break;
        }
        if (poll(fds, 2, 1000) < 0 && errno != EINTR)
            break;
        if (open_o && (fds[0].revents & (POLLIN | POLLHUP)))
            open_o = drain(po[0], &ob, &ol, &oc);
        if (open_e && (fds[1].revents & (POLLIN | POLLHUP)))
            open_e = drain(pe[0], &eb, &el, &ec);
        if (!open_o)
            fds[0].fd = -1;
    }
    close(po[0]);
    close(pe[0]);
    if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
        rc = WEXITSTATUS(status);
    if (out != NULL)
        *out = ob;
    else
        free(ob);
    if (err != NULL)
        *err = eb;
    else
        free(eb);
    return rc;
}

void f8k_test_each_filing(const char *dir, void (*fn)(const char *path, void *closure),
                          void *closure)
{
    DIR *d = opendir(dir);
    struct dirent *e = NULL;

    if (d == NULL) {
        fprintf(stderr, "opendir %s: %s\n", dir, strerror(errno));
        abort();
    }
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        char *path = NULL;
        struct stat st;
        if (e->d_name[0] == '.' || (n > 4 && strcmp(e->d_name + n - 4, ".tsv") == 0) ||
            strcmp(e->d_name, "README.md") == 0)
            continue;
        path = f8k_test_path(dir, e->d_name);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            f8k_test_each_filing(path, fn, closure);
        else if (S_ISREG(st.st_mode))
            fn(path, closure);
        free(path);
    }
    closedir(d);
}

bool f8k_test_valid_utf8(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t k = 0;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            k = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 3;
        else
            return false;
        for (size_t j = 1; j <= k; j++)
            if (i + j >= n || ((unsigned char)s[i + j] & 0xC0) != 0x80)
                return false;
        i += k + 1;
    }
    return true;
}

int f8k_test_index(const char *db, const char *const paths[])
{
    char *argv[64];
    char *bin = f8k_test_path(f8k_test_build_dir(), "indexer/f8k-index");
    char *err = NULL;
    int n = 0, rc;

    argv[n++] = bin;
    argv[n++] = "--db";
    argv[n++] = (char *)db;
    argv[n++] = "add";
    argv[n++] = "--quiet";
    for (size_t i = 0; paths[i] != NULL && n < 63; i++)
        argv[n++] = (char *)paths[i];
    argv[n] = NULL;
    rc = f8k_test_run(argv, NULL, 600, NULL, &err);
    if (rc != 0)
        fprintf(stderr, "f8k-index failed (%d): %s\n", rc, err != NULL ? err : "");
    free(err);
    free(bin);
    return rc;
}

void f8k_test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

char *f8k_test_search_json(const char *db, const char *const *args, int timeout_s)
{
    char *bin = f8k_test_path(f8k_test_build_dir(), "query/f8k-search");
    char *argv[32], *out = NULL, *err = NULL;
    int n = 0, rc;
    argv[n++] = bin;
    argv[n++] = "--db";
    argv[n++] = (char *)db;
    argv[n++] = "--format";
    argv[n++] = "json";
    while (*args != NULL && n < 31)
        argv[n++] = (char *)*args++;
    argv[n] = NULL;
    rc = f8k_test_run(argv, NULL, timeout_s, &out, &err);
    free(bin);
    if (rc != 0)
        fail_msg("f8k-search over %s: rc %d: %s", db, rc, err != NULL ? err : "");
    free(err);
    return out;
}

int f8k_test_free_port(void)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;
    assert_true(fd >= 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

bool f8k_test_port_accepts(int port)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    bool ok;
    if (fd < 0)
        return false;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}
