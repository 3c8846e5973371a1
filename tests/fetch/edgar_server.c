/*
 * edgar_server.c - a small HTTP/1.1 server for the f8k-fetch tests.
 *
 * It serves a directory shaped like EDGAR's Archives on 127.0.0.1 only,
 * on an ephemeral port written to --port-file, logs every request with
 * its arrival time and headers, can inject the faults the fetcher must
 * survive, and exits by itself after --lifetime seconds (or when its
 * parent dies), so a failed test never leaves it behind.
 *
 * usage: edgar_server --root DIR --log FILE --port-file FILE
 *          [--faults FILE] [--delay-ms N] [--stall-s N] [--lifetime S]
 *          [--gzip]
 *
 * The faults file has lines "URL-PATH KIND COUNT": the next COUNT
 * requests for URL-PATH ("*" for any) get KIND instead of the file:
 *   429      429 Too Many Requests with Retry-After: 1
 *   429n     429 without Retry-After
 *   503      503 Service Unavailable
 *   stall    nothing for --stall-s seconds, then the connection closes
 *   truncate the right headers and half the body, then a close
 *   block    403 "Request Rate Threshold Exceeded", as the SEC says it
 *
 * Log lines, tab-separated:
 *   REQ  <unix time, us precision>  <path>  <status>  <User-Agent>  <Accept-Encoding>
 *   SENT <unix time>  <path>        (after a complete 200 body)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_FAULTS  64
#define HEADER_MAX  16384
#define IDLE_SECOND 5

typedef struct fault {
    char path[512]; /* URL path or "*" */
    char kind[16];  /* see the top of the file */
    int count;      /* requests still to spoil */
} fault_t;

static const char *root_dir = NULL;
static int log_fd = -1;
static int delay_ms = 0;
static int stall_s = 4;
static bool use_gzip = false;
static fault_t faults[MAX_FAULTS];
static int faults_count = 0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void log_line(const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    int n = 0;
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = sizeof line - 1;
    pthread_mutex_lock(&lock);
    (void)!write(log_fd, line, (size_t)n);
    pthread_mutex_unlock(&lock);
}

static bool send_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* The fault for PATH, consuming one use, or "" for none. */
static void take_fault(const char *path, char *kind_out)
{
    kind_out[0] = '\0';
    pthread_mutex_lock(&lock);
    for (int i = 0; i < faults_count; i++) {
        if (faults[i].count > 0 &&
            (strcmp(faults[i].path, "*") == 0 || strcmp(faults[i].path, path) == 0)) {
            faults[i].count--;
            strcpy(kind_out, faults[i].kind);
            break;
        }
    }
    pthread_mutex_unlock(&lock);
}

/* Copy header NAME's value from the request head into OUT. */
static void header_value(const char *head, const char *name, char *out, size_t cap)
{
    size_t name_len = strlen(name);
    const char *p = strstr(head, "\r\n");
    out[0] = '\0';
    while (p != NULL && p[2] != '\0' && p[2] != '\r') {
        const char *line = p + 2;
        const char *end = strstr(line, "\r\n");
        if (end == NULL)
            break;
        if (strncasecmp(line, name, name_len) == 0 && line[name_len] == ':') {
            const char *v = line + name_len + 1;
            size_t len = 0;
            while (*v == ' ')
                v++;
            len = (size_t)(end - v);
            if (len >= cap)
                len = cap - 1;
            memcpy(out, v, len);
            out[len] = '\0';
            return;
        }
        p = end;
    }
}

static bool read_file(const char *path, char **data_out, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    char *data = NULL;
    if (f == NULL)
        return false;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return false;
    }
    data = malloc((size_t)st.st_size + 1);
    if (data == NULL || fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        free(data);
        fclose(f);
        return false;
    }
    fclose(f);
    *data_out = data;
    *len_out = (size_t)st.st_size;
    return true;
}

static bool gzip_buffer(const char *in, size_t len, char **out, size_t *out_len)
{
    z_stream z;
    size_t cap = compressBound((uLong)len) + 64;
    char *buf = malloc(cap);
    memset(&z, 0, sizeof z);
    if (buf == NULL || deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(buf);
        return false;
    }
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        deflateEnd(&z);
        free(buf);
        return false;
    }
    *out_len = z.total_out;
    deflateEnd(&z);
    *out = buf;
    return true;
}

static bool send_simple(int fd, int status, const char *reason, const char *extra, const char *body)
{
    char head[512];
    snprintf(head, sizeof head,
             "HTTP/1.1 %d %s\r\nContent-Type: text/html\r\nContent-Length: %zu\r\n%s\r\n", status,
             reason, strlen(body), extra);
    return send_all(fd, head, strlen(head)) && send_all(fd, body, strlen(body));
}

/* Answer one request.  Returns false when the connection must close. */
static bool answer(int fd, const char *head)
{
    char method[16], path[1024], ua[512], ae[128], kind[16];
    char *file = NULL, *data = NULL, *zipped = NULL;
    const char *body = NULL;
    size_t len = 0, body_len = 0;
    int status = 200;
    bool keep = true, gz = false;
    char hdr[512];

    if (sscanf(head, "%15s %1023s", method, path) != 2)
        return false;
    header_value(head, "User-Agent", ua, sizeof ua);
    header_value(head, "Accept-Encoding", ae, sizeof ae);
    take_fault(path, kind);
    if (kind[0] == '\0') {
        if (strstr(path, "..") == NULL && path[0] == '/') {
            file = malloc(strlen(root_dir) + strlen(path) + 1);
            if (file != NULL) {
                strcpy(file, root_dir);
                strcat(file, path);
                if (!read_file(file, &data, &len))
                    status = 404;
            }
        } else {
            status = 404;
        }
    } else if (strcmp(kind, "429") == 0 || strcmp(kind, "429n") == 0) {
        status = 429;
    } else if (strcmp(kind, "503") == 0) {
        status = 503;
    } else if (strcmp(kind, "block") == 0) {
        status = 403;
    } else if (strcmp(kind, "stall") == 0) {
        status = 0;
    } else {
        status = 206; /* truncate: logged apart from a real 200 */
    }
    log_line("REQ\t%.6f\t%s\t%d\t%s\t%s\n", wall_seconds(), path, status, ua, ae);
    if (delay_ms > 0 && strstr(path, "/edgar/data/") != NULL)
        usleep((useconds_t)delay_ms * 1000);
    switch (status) {
    case 0:
        sleep((unsigned)stall_s);
        keep = false;
        break;
    case 404:
        keep = send_simple(fd, 404, "Not Found", "", "<html>Not Found</html>");
        break;
    case 429:
        keep = send_simple(fd, 429, "Too Many Requests",
                           strcmp(kind, "429") == 0 ? "Retry-After: 1\r\n" : "",
                           "<html>Too Many Requests</html>");
        break;
    case 503:
        keep = send_simple(fd, 503, "Service Unavailable", "", "<html>Try later</html>");
        break;
    case 403:
        keep = send_simple(fd, 403, "Forbidden", "",
                           "<html><h1>Your Request Originates from an Undeclared Automated "
                           "Tool</h1>Request Rate Threshold Exceeded</html>");
        break;
    default:
        body = data;
        body_len = len;
        if (data != NULL && use_gzip && strstr(ae, "gzip") != NULL &&
            gzip_buffer(data, len, &zipped, &body_len)) {
            body = zipped;
            gz = true;
        }
        snprintf(hdr, sizeof hdr,
                 "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n%s\r\n",
                 body_len, gz ? "Content-Encoding: gzip\r\n" : "");
        if (status == 206) {
            /* Promise the whole body, send half, hang up. */
            if (body != NULL && send_all(fd, hdr, strlen(hdr)))
                send_all(fd, body, body_len / 2);
            keep = false;
        } else {
            keep = send_all(fd, hdr, strlen(hdr)) && send_all(fd, body, body_len);
            if (keep)
                log_line("SENT\t%.6f\t%s\n", wall_seconds(), path);
        }
        break;
    }
    free(file);
    free(data);
    free(zipped);
    return keep;
}

static void *serve(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[HEADER_MAX + 1];
    size_t len = 0;
    struct timeval tv = {IDLE_SECOND, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    for (;;) {
        char *end = NULL;
        ssize_t n = 0;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (end == NULL) {
            if (len == HEADER_MAX)
                break;
            n = recv(fd, buf + len, HEADER_MAX - len, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            len += (size_t)n;
            continue;
        }
        end[2] = '\0';
        if (!answer(fd, buf))
            break;
        /* Keep what followed the request (pipelining). */
        len -= (size_t)(end + 4 - buf);
        memmove(buf, end + 4, len);
    }
    close(fd);
    return NULL;
}

static void load_faults(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[700];
    if (f == NULL)
        return;
    while (faults_count < MAX_FAULTS && fgets(line, sizeof line, f) != NULL) {
        fault_t *fault = &faults[faults_count];
        if (sscanf(line, "%511s %15s %d", fault->path, fault->kind, &fault->count) == 3)
            faults_count++;
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    const char *log_path = NULL, *port_path = NULL, *faults_path = NULL;
    int lifetime = 60;
    int listener = -1;
    struct sockaddr_in addr;
    socklen_t addr_len = sizeof addr;
    char tmp[4096], port_text[32];
    time_t deadline = 0;
    FILE *pf = NULL;

    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--gzip") == 0) {
            use_gzip = true;
            continue;
        }
        if (v == NULL) {
            fprintf(stderr, "edgar_server: %s needs a value\n", argv[i]);
            return 2;
        }
        if (strcmp(argv[i], "--root") == 0)
            root_dir = v;
        else if (strcmp(argv[i], "--log") == 0)
            log_path = v;
        else if (strcmp(argv[i], "--port-file") == 0)
            port_path = v;
        else if (strcmp(argv[i], "--faults") == 0)
            faults_path = v;
        else if (strcmp(argv[i], "--delay-ms") == 0)
            delay_ms = atoi(v);
        else if (strcmp(argv[i], "--stall-s") == 0)
            stall_s = atoi(v);
        else if (strcmp(argv[i], "--lifetime") == 0)
            lifetime = atoi(v);
        else {
            fprintf(stderr, "edgar_server: %s: unknown option\n", argv[i]);
            return 2;
        }
        i++;
    }
    if (root_dir == NULL || log_path == NULL || port_path == NULL) {
        fprintf(stderr, "edgar_server: --root, --log and --port-file are required\n");
        return 2;
    }
    /* Never outlive the test that started us. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGPIPE, SIG_IGN);
    if (faults_path != NULL)
        load_faults(faults_path);
    log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (log_fd < 0 || listener < 0) {
        perror("edgar_server");
        return 1;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only */
    addr.sin_port = 0;                             /* ephemeral */
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 64) != 0 ||
        getsockname(listener, (struct sockaddr *)&addr, &addr_len) != 0) {
        perror("edgar_server");
        return 1;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", port_path);
    snprintf(port_text, sizeof port_text, "%d\n", ntohs(addr.sin_port));
    pf = fopen(tmp, "w");
    if (pf == NULL || fputs(port_text, pf) < 0 || fclose(pf) != 0 || rename(tmp, port_path) != 0) {
        perror("edgar_server");
        return 1;
    }
    deadline = time(NULL) + lifetime;
    while (time(NULL) < deadline) {
        struct pollfd p = {listener, POLLIN, 0};
        pthread_t thread;
        int fd = -1;
        if (poll(&p, 1, 200) <= 0)
            continue;
        fd = accept(listener, NULL, NULL);
        if (fd < 0)
            continue;
        if (pthread_create(&thread, NULL, serve, (void *)(intptr_t)fd) != 0) {
            close(fd);
            continue;
        }
        pthread_detach(thread);
    }
    close(listener);
    return 0;
}
