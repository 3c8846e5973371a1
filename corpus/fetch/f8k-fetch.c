/*
 * f8k-fetch - download new Form 8-K filings from EDGAR into a directory
 * tree that f8k-index can add.
 *
 * It reads EDGAR's daily index files for recent days and the quarterly
 * full index for older ones, keeps the rows whose form type (and CIK)
 * is wanted, and downloads each complete submission once, atomically.
 * Every request goes through one token bucket, so the SEC's limit of
 * ten requests per second holds whatever --jobs says; transient errors
 * are retried with exponential backoff, and a block makes it stop.
 */
#include "fetch-private.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define EXIT_OK     0
#define EXIT_FAILED 1
#define EXIT_USAGE  2
#define EXIT_LOCKED 75

#define DEFAULT_BASE    "https://www.sec.gov/Archives/"
#define MAX_RATE        10.0 /* SEC fair access: requests per second */
#define PACING_MARGIN   1.05 /* space requests 5% wider than the limit */
#define MAX_ATTEMPTS    6    /* one try and five retries */
#define MAX_BACKOFF     60.0 /* seconds */
#define MAX_RETRY_AFTER 300  /* a longer wait means "come back later" */
#define MAX_429_IN_ROW  10   /* consecutive 429s that mean we are blocked */
#define RECENT_DAYS     30   /* older days come from the quarterly index */
#define ERROR_BODY_MAX  4096 /* bytes of an error response kept */
#define LINE_MAX_BYTES  65536

static volatile sig_atomic_t interrupted = 0;

/* ================================================================== */
/* Small helpers                                                       */
/* ================================================================== */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A malloc'd string made of PARTS, NULL-terminated. */
static char *join(const char *first, ...)
{
    va_list ap;
    size_t len = 0;
    char *out = NULL;
    const char *p = NULL;

    va_start(ap, first);
    for (p = first; p != NULL; p = va_arg(ap, const char *))
        len += strlen(p);
    va_end(ap);
    out = malloc(len + 1);
    if (out == NULL)
        return NULL;
    out[0] = '\0';
    va_start(ap, first);
    for (p = first; p != NULL; p = va_arg(ap, const char *))
        strcat(out, p);
    va_end(ap);
    return out;
}

/* mkdir -p PATH (mode 0755). Returns 0 or -1 with errno. */
static int make_dirs(const char *path)
{
    char *copy = strdup(path);
    int rc = 0;
    if (copy == NULL)
        return -1;
    for (char *p = copy + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0755) != 0 && errno != EEXIST)
            rc = -1;
        *p = '/';
        if (rc != 0)
            break;
    }
    if (rc == 0 && mkdir(copy, 0755) != 0 && errno != EEXIST)
        rc = -1;
    free(copy);
    return rc;
}

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* ================================================================== */
/* The fetcher and its jobs                                            */
/* ================================================================== */

typedef enum job_kind { JOB_INDEX, JOB_FILE } job_kind_t;

/* How a job ended. */
typedef enum job_result {
    RESULT_OK,        /* 200 and a complete body */
    RESULT_NOT_FOUND, /* 404: for an index, a day without filings */
    RESULT_FAILED,    /* given up; the message is printed */
    RESULT_RETRY      /* transient; not_before says when */
} job_result_t;

typedef struct job {
    job_kind_t kind;                         /* index file or submission */
    char *url;                               /* what to GET */
    char *dir;                               /* JOB_FILE: ROOT/CIK */
    char *path;                              /* JOB_FILE: ROOT/CIK/ACCESSION.txt */
    char *tmp;                               /* JOB_FILE: temporary file while downloading */
    int fd;                                  /* JOB_FILE: open tmp, or -1 */
    char accession[FETCH_ACCESSION_LEN + 1]; /* JOB_FILE */
    fetch_day_t filed;                       /* JOB_FILE: its Date Filed */
    fetch_index_kind_t index_kind;           /* JOB_INDEX: layout */
    fetch_day_t from, to;                    /* JOB_INDEX: keep rows filed here */
    fetch_index_parser_t parser;             /* JOB_INDEX */
    char *line;                              /* JOB_INDEX: partial line */
    size_t line_len, line_cap;               /* JOB_INDEX */
    fetch_row_t *rows;                       /* JOB_INDEX: rows selected */
    size_t rows_count, rows_cap;             /* JOB_INDEX */
    bool oom;                                /* JOB_INDEX: out of memory */
    int attempts;                            /* tries started */
    double not_before;                       /* earliest (re)start time */
    CURL *easy;                              /* while running */
    long http;                               /* status of this attempt */
    char body[ERROR_BODY_MAX + 1];           /* start of a non-200 body */
    size_t body_len;                         /* bytes in body */
    int write_errno;                         /* a local write failed */
    char curl_error[CURL_ERROR_SIZE];        /* libcurl's detail */
} job_t;

typedef struct fetcher {
    char *base;             /* base URL, ending in '/' */
    char *root;             /* download tree */
    const char *user_agent; /* validated User-Agent */
    fetch_filter_t filter;  /* forms and CIKs to keep */
    fetch_seen_t *seen;     /* accessions already handled */
    long jobs;              /* transfers at once */
    long timeout;           /* seconds of stall before giving up */
    mode_t file_mode;       /* 0666 less the umask */
    double backoff;         /* first retry delay, seconds */
    bool dry_run, quiet;    /* options */
    bool progress;          /* draw a progress bar on stderr */
    CURLM *multi;           /* all transfers */
    fetch_bucket_t bucket;  /* the one rate limiter */
    unsigned long fetched;  /* files written */
    unsigned long skipped;  /* files already there */
    unsigned long failed;   /* files (or index days) given up */
    bool stopped;           /* the SEC is blocking us: stop */
    int consecutive_429;    /* 429s since the last success */
    const char *phase;      /* progress label */
    size_t phase_total;     /* progress: jobs in this batch */
    size_t phase_done;      /* progress: jobs finished */
} fetcher_t;

static void job_free(job_t *job)
{
    if (job == NULL)
        return;
    if (job->fd >= 0)
        close(job->fd);
    if (job->tmp != NULL)
        unlink(job->tmp);
    if (job->easy != NULL)
        curl_easy_cleanup(job->easy);
    free(job->url);
    free(job->dir);
    free(job->path);
    free(job->tmp);
    free(job->line);
    free(job->rows);
    free(job);
}

static job_t *job_new(job_kind_t kind, char *url)
{
    job_t *job = calloc(1, sizeof *job);
    if (job == NULL) {
        free(url);
        return NULL;
    }
    job->kind = kind;
    job->url = url;
    job->fd = -1;
    return job;
}

/* ================================================================== */
/* Progress                                                            */
/* ================================================================== */

static void progress_draw(const fetcher_t *f)
{
    char bar[31];
    size_t filled = 0;
    if (!f->progress || f->phase_total == 0)
        return;
    filled = f->phase_done * 30 / f->phase_total;
    for (size_t i = 0; i < 30; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r\033[K%s [%s] %zu/%zu  fetched %lu, skipped %lu, failed %lu",
            f->phase != NULL ? f->phase : "", bar, f->phase_done, f->phase_total, f->fetched,
            f->skipped, f->failed);
    fflush(stderr);
}

static void progress_clear(const fetcher_t *f)
{
    if (f->progress)
        fputs("\r\033[K", stderr);
}

/* Print "f8k-fetch: WHAT: message" on its own line. */
static void report(const fetcher_t *f, const char *what, const char *fmt, ...)
{
    va_list ap;
    progress_clear(f);
    fprintf(stderr, "f8k-fetch: %s: ", what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    progress_draw(f);
}

/* ================================================================== */
/* Receiving data                                                      */
/* ================================================================== */

/* Is FORM one of the forms FILTER keeps? */
static bool form_wanted(const fetch_filter_t *filter, const char *form)
{
    for (size_t i = 0; i < filter->forms_count; i++) {
        if (strcasecmp(filter->forms[i], form) == 0)
            return true;
    }
    return false;
}

/* One complete line of an index: parse it and keep the row if wanted. */
static void index_line(fetcher_t *f, job_t *job, const char *line, size_t len)
{
    fetch_row_t row;
    bool got_row = false;
    const char *reason = NULL;
    f8k_status_t status = fetch_index_parse_line(&job->parser, line, len, &row, &got_row, &reason);

    if (status != F8K_STATUS_SUCCESS) {
        /* Report bad rows of the forms we want; others are noise. */
        if (row.form[0] != '\0' && !form_wanted(&f->filter, row.form))
            return;
        report(f, job->url, "line %lu: %s; row skipped", job->parser.line_no, reason);
        return;
    }
    if (!got_row || row.filed < job->from || row.filed > job->to ||
        !fetch_filter_match(&f->filter, &row))
        return;
    if (job->rows_count == job->rows_cap) {
        size_t cap = job->rows_cap == 0 ? 64 : job->rows_cap * 2;
        fetch_row_t *rows = realloc(job->rows, cap * sizeof *rows);
        if (rows == NULL) {
            job->oom = true;
            return;
        }
        job->rows = rows;
        job->rows_cap = cap;
    }
    job->rows[job->rows_count++] = row;
}

/* Split DATA into lines for the index parser. */
static bool index_data(fetcher_t *f, job_t *job, const char *data, size_t len)
{
    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t take = nl != NULL ? (size_t)(nl - data) : len;
        if (job->line_len + take > LINE_MAX_BYTES) {
            /* Absurdly long: drop what we have, keep counting lines. */
            job->line_len = 0;
            take = nl != NULL ? take : len;
        } else {
            if (job->line_len + take + 1 > job->line_cap) {
                size_t cap = (job->line_len + take + 1) * 2;
                char *grown = realloc(job->line, cap);
                if (grown == NULL)
                    return false;
                job->line = grown;
                job->line_cap = cap;
            }
            memcpy(job->line + job->line_len, data, take);
            job->line_len += take;
        }
        if (nl == NULL)
            return true;
        index_line(f, job, job->line, job->line_len);
        job->line_len = 0;
        data = nl + 1;
        len -= take + 1;
    }
    return !job->oom;
}

static fetcher_t *current_fetcher = NULL; /* for the write callback */

static size_t on_data(char *data, size_t size, size_t nmemb, void *userdata)
{
    job_t *job = userdata;
    size_t len = size * nmemb;
    size_t done = 0;

    if (job->http == 0)
        curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &job->http);
    if (job->http != 200) {
        size_t room = ERROR_BODY_MAX - job->body_len;
        size_t take = len < room ? len : room;
        memcpy(job->body + job->body_len, data, take);
        job->body_len += take;
        job->body[job->body_len] = '\0';
        return len;
    }
    if (job->kind == JOB_INDEX)
        return index_data(current_fetcher, job, data, len) ? len : 0;
    while (done < len) {
        ssize_t n = write(job->fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            job->write_errno = n < 0 ? errno : EIO;
            return 0;
        }
        done += (size_t)n;
    }
    return len;
}

/* ================================================================== */
/* Starting and finishing transfers                                    */
/* ================================================================== */

/* Remove temporary files a killed run left for this accession. */
static void remove_stale_parts(const job_t *job)
{
    DIR *dir = opendir(job->dir);
    struct dirent *entry = NULL;
    char prefix[FETCH_ACCESSION_LEN + 16];
    size_t prefix_len = 0;
    if (dir == NULL)
        return;
    snprintf(prefix, sizeof prefix, ".%s.txt.part-", job->accession);
    prefix_len = strlen(prefix);
    while ((entry = readdir(dir)) != NULL) {
        if (strncmp(entry->d_name, prefix, prefix_len) == 0)
            (void)unlinkat(dirfd(dir), entry->d_name, 0);
    }
    closedir(dir);
}

/* Prepare JOB for a new attempt and hand it to libcurl. */
static bool job_start(fetcher_t *f, job_t *job)
{
    CURL *easy = NULL;
    job->http = 0;
    job->body_len = 0;
    job->body[0] = '\0';
    job->write_errno = 0;
    job->curl_error[0] = '\0';
    job->attempts++;
    if (job->kind == JOB_INDEX) {
        fetch_index_parser_init(&job->parser, job->index_kind);
        job->line_len = 0;
        job->rows_count = 0;
        job->oom = false;
    } else {
        if (make_dirs(job->dir) != 0) {
            report(f, job->dir, "%s", strerror(errno));
            return false;
        }
        remove_stale_parts(job);
        free(job->tmp);
        job->tmp = join(job->dir, "/.", job->accession, ".txt.part-XXXXXX", (char *)NULL);
        if (job->tmp == NULL) {
            report(f, job->path, "%s", f8k_status_to_string(F8K_STATUS_NOMEM));
            return false;
        }
        job->fd = mkstemp(job->tmp);
        if (job->fd >= 0)
            (void)fchmod(job->fd, f->file_mode); /* mkstemp makes 0600 */
        if (job->fd < 0) {
            report(f, job->tmp, "%s", strerror(errno));
            free(job->tmp);
            job->tmp = NULL;
            return false;
        }
    }
    easy = curl_easy_init();
    if (easy == NULL) {
        report(f, job->url, "cannot create a libcurl handle");
        return false;
    }
    job->easy = easy;
    curl_easy_setopt(easy, CURLOPT_URL, job->url);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, f->user_agent);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, f->timeout);
    /* A stall, not a slow large file, is what --timeout bounds. */
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, f->timeout);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, job);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, job);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, job->curl_error);
    if (curl_multi_add_handle(f->multi, easy) != CURLM_OK) {
        report(f, job->url, "cannot start the transfer");
        return false;
    }
    return true;
}

/* Drop the partial download of JOB, if any. */
static void job_discard(job_t *job)
{
    if (job->fd >= 0) {
        close(job->fd);
        job->fd = -1;
    }
    if (job->tmp != NULL) {
        unlink(job->tmp);
        free(job->tmp);
        job->tmp = NULL;
    }
}

/* Move a complete download into place: fsync, rename, fsync dir. */
static bool job_commit(fetcher_t *f, job_t *job)
{
    int dir_fd = -1;
    if (fsync(job->fd) != 0 || close(job->fd) != 0) {
        job->fd = -1;
        report(f, job->tmp, "%s", strerror(errno));
        return false;
    }
    job->fd = -1;
    if (rename(job->tmp, job->path) != 0) {
        report(f, job->path, "%s", strerror(errno));
        return false;
    }
    free(job->tmp);
    job->tmp = NULL;
    dir_fd = open(job->dir, O_RDONLY | O_DIRECTORY);
    if (dir_fd >= 0) {
        (void)fsync(dir_fd);
        close(dir_fd);
    }
    return true;
}

static bool is_transient(CURLcode rc)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_COULDNT_CONNECT:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

/* Decide what a finished attempt means. */
static job_result_t job_finish(fetcher_t *f, job_t *job, CURLcode rc)
{
    long http = 0;
    curl_off_t retry_after = 0;
    double delay = 0;
    char reason[CURL_ERROR_SIZE + 64];

    curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &http);
    job->http = http;
    if (job->write_errno != 0) {
        job_discard(job);
        report(f, job->path, "%s", strerror(job->write_errno));
        return RESULT_FAILED;
    }
    if (rc == CURLE_OK && http == 200) {
        f->consecutive_429 = 0;
        if (job->kind == JOB_INDEX) {
            if (job->line_len > 0)
                index_line(f, job, job->line, job->line_len);
            if (job->oom) {
                report(f, job->url, "%s", f8k_status_to_string(F8K_STATUS_NOMEM));
                return RESULT_FAILED;
            }
            return RESULT_OK;
        }
        if (!job_commit(f, job)) {
            job_discard(job);
            return RESULT_FAILED;
        }
        return RESULT_OK;
    }
    job_discard(job);
    if (rc == CURLE_OK && http == 404)
        return RESULT_NOT_FOUND;
    if (rc == CURLE_OK && http == 403 &&
        (strstr(job->body, "Request Rate Threshold Exceeded") != NULL ||
         strstr(job->body, "Undeclared Automated Tool") != NULL)) {
        f->stopped = true;
        report(f, job->url,
               "HTTP 403: the SEC is blocking this client (%s); stopping. "
               "Wait at least 10 minutes, and check the User-Agent and --rate",
               strstr(job->body, "Request Rate Threshold") != NULL
                   ? "Request Rate Threshold Exceeded"
                   : "Undeclared Automated Tool");
        return RESULT_FAILED;
    }
    if (rc != CURLE_OK)
        snprintf(reason, sizeof reason, "%s%s%s", curl_easy_strerror(rc),
                 job->curl_error[0] != '\0' ? ": " : "", job->curl_error);
    else
        snprintf(reason, sizeof reason, "HTTP %ld", http);
    if (rc == CURLE_OK && http == 429) {
        f->consecutive_429++;
        if (f->consecutive_429 >= MAX_429_IN_ROW || job->attempts >= MAX_ATTEMPTS) {
            f->stopped = true;
            report(f, job->url,
                   "HTTP 429 Too Many Requests %d times in a row; the SEC is limiting this "
                   "client, stopping (try again in 10 minutes)",
                   f->consecutive_429);
            return RESULT_FAILED;
        }
    }
    if ((rc == CURLE_OK &&
         (http == 429 || http == 500 || http == 502 || http == 503 || http == 504)) ||
        (rc != CURLE_OK && is_transient(rc))) {
        if (job->attempts >= MAX_ATTEMPTS) {
            report(f, job->url, "%s (gave up after %d attempts)", reason, job->attempts);
            return RESULT_FAILED;
        }
        delay = f->backoff;
        for (int i = 1; i < job->attempts && delay < MAX_BACKOFF; i++)
            delay *= 2;
        if (delay > MAX_BACKOFF)
            delay = MAX_BACKOFF;
        curl_easy_getinfo(job->easy, CURLINFO_RETRY_AFTER, &retry_after);
        if (retry_after > MAX_RETRY_AFTER) {
            f->stopped = true;
            report(f, job->url, "%s: the server asks to wait %ld s; stopping, try later", reason,
                   (long)retry_after);
            return RESULT_FAILED;
        }
        if ((double)retry_after > delay)
            delay = (double)retry_after;
        job->not_before = now_seconds() + delay;
        return RESULT_RETRY;
    }
    report(f, job->url, "%s", reason);
    return RESULT_FAILED;
}

/* ================================================================== */
/* The transfer loop                                                   */
/* ================================================================== */

/*
 * Run JOBS (COUNT of them) to completion, at most f->jobs at once and
 * each start paced by the bucket.  RESULTS[i] receives job i's result.
 * Returns false when interrupted or stopped.
 */
static bool run_jobs(fetcher_t *f, job_t **jobs, size_t count, job_result_t *results)
{
    job_t **active = calloc((size_t)f->jobs, sizeof *active);
    job_t **waiting = calloc(count + 1, sizeof *waiting); /* retries */
    size_t next = 0, waiting_count = 0, active_count = 0;
    bool ok = true;

    if (active == NULL || waiting == NULL) {
        free(active);
        free(waiting);
        report(f, "f8k-fetch", "%s", f8k_status_to_string(F8K_STATUS_NOMEM));
        return false;
    }
    /* RESULT_RETRY stays on jobs that never finished (a stop). */
    for (size_t i = 0; i < count; i++)
        results[i] = RESULT_RETRY;
    while (next < count || waiting_count > 0 || active_count > 0) {
        double now = 0, wait = 0.25;
        int running = 0;
        CURLMsg *msg = NULL;
        int left = 0;

        if (interrupted || f->stopped) {
            ok = false;
            break;
        }
        now = now_seconds();
        /* Start what may start. */
        while (active_count < (size_t)f->jobs) {
            job_t *job = NULL;
            size_t w = 0;
            double need = 0;
            for (w = 0; w < waiting_count; w++) {
                if (waiting[w]->not_before <= now)
                    break;
            }
            if (w < waiting_count)
                job = waiting[w];
            else if (next < count)
                job = jobs[next];
            if (job == NULL)
                break;
            need = fetch_bucket_take(&f->bucket, now);
            if (need > 0) {
                if (need < wait)
                    wait = need;
                break;
            }
            if (w < waiting_count)
                waiting[w] = waiting[--waiting_count];
            else
                next++;
            if (!job_start(f, job)) {
                job_discard(job);
                if (job->easy != NULL) {
                    curl_easy_cleanup(job->easy);
                    job->easy = NULL;
                }
                for (size_t i = 0; i < count; i++) {
                    if (jobs[i] == job)
                        results[i] = RESULT_FAILED;
                }
                if (job->kind == JOB_FILE)
                    f->failed++;
                f->phase_done++;
                continue;
            }
            for (size_t a = 0; a < (size_t)f->jobs; a++) {
                if (active[a] == NULL) {
                    active[a] = job;
                    break;
                }
            }
            active_count++;
        }
        for (size_t w = 0; w < waiting_count; w++) {
            double until = waiting[w]->not_before - now;
            if (until < wait)
                wait = until < 0.001 ? 0.001 : until;
        }
        curl_multi_perform(f->multi, &running);
        while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
            job_t *job = NULL;
            job_result_t result = RESULT_FAILED;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&job);
            result = job_finish(f, job, msg->data.result);
            curl_multi_remove_handle(f->multi, job->easy);
            curl_easy_cleanup(job->easy);
            job->easy = NULL;
            for (size_t a = 0; a < (size_t)f->jobs; a++) {
                if (active[a] == job)
                    active[a] = NULL;
            }
            active_count--;
            if (result == RESULT_RETRY) {
                waiting[waiting_count++] = job;
                continue;
            }
            for (size_t i = 0; i < count; i++) {
                if (jobs[i] == job) {
                    results[i] = result;
                    break;
                }
            }
            if (job->kind == JOB_FILE && result == RESULT_OK)
                f->fetched++;
            else if (job->kind == JOB_FILE) {
                if (result == RESULT_NOT_FOUND)
                    report(f, job->url, "HTTP 404 Not Found");
                f->failed++;
            }
            f->phase_done++;
            progress_draw(f);
        }
        if (active_count > 0 || waiting_count > 0 || next < count)
            curl_multi_poll(f->multi, NULL, 0, (int)(wait * 1000) + 1, NULL);
    }
    /* Interrupted or stopped: abandon what is running. */
    for (size_t a = 0; a < (size_t)f->jobs; a++) {
        job_t *job = active[a];
        if (job == NULL)
            continue;
        curl_multi_remove_handle(f->multi, job->easy);
        curl_easy_cleanup(job->easy);
        job->easy = NULL;
        job_discard(job);
    }
    free(active);
    free(waiting);
    return ok;
}

/* ================================================================== */
/* Indexes and downloads                                               */
/* ================================================================== */

/* Fetch one index; on RESULT_OK *job_out holds the selected rows. */
static job_result_t fetch_index(fetcher_t *f, char *url, fetch_index_kind_t kind, fetch_day_t from,
                                fetch_day_t to, job_t **job_out)
{
    job_t *job = job_new(JOB_INDEX, url);
    job_result_t result = RESULT_FAILED;
    *job_out = NULL;
    if (job == NULL) {
        report(f, "f8k-fetch", "%s", f8k_status_to_string(F8K_STATUS_NOMEM));
        return RESULT_FAILED;
    }
    job->index_kind = kind;
    job->from = from;
    job->to = to;
    f->phase_total = 0;
    if (!run_jobs(f, &job, 1, &result) || result == RESULT_RETRY)
        result = RESULT_FAILED;
    if (result == RESULT_OK)
        *job_out = job;
    else
        job_free(job);
    return result;
}

/* Download the filings listed in INDEX.  Returns the number of
 * failures (0 when all are there now). */
static unsigned long fetch_filings(fetcher_t *f, const job_t *index, const char *label)
{
    job_t **jobs = calloc(index->rows_count + 1, sizeof *jobs);
    job_result_t *results = calloc(index->rows_count + 1, sizeof *results);
    size_t count = 0;
    unsigned long failed = 0, run_failed = 0;
    struct stat st;

    if (jobs == NULL || results == NULL) {
        report(f, "f8k-fetch", "%s", f8k_status_to_string(F8K_STATUS_NOMEM));
        failed = 1;
        goto done;
    }
    for (size_t i = 0; i < index->rows_count; i++) {
        const fetch_row_t *row = &index->rows[i];
        bool added = false;
        job_t *job = NULL;
        char *url = NULL;
        if (fetch_seen_add(f->seen, row->accession, &added) != F8K_STATUS_SUCCESS) {
            failed++;
            continue;
        }
        if (!added)
            continue; /* a co-registrant's row of a filing already listed */
        url =
            join(f->base, "edgar/data/", row->file_cik, "/", row->accession, ".txt", (char *)NULL);
        job = url != NULL ? job_new(JOB_FILE, url) : NULL;
        if (job == NULL) {
            failed++;
            continue;
        }
        memcpy(job->accession, row->accession, sizeof job->accession);
        job->filed = row->filed;
        job->dir = join(f->root, "/", row->file_cik, (char *)NULL);
        job->path =
            job->dir != NULL ? join(job->dir, "/", row->accession, ".txt", (char *)NULL) : NULL;
        if (job->path == NULL) {
            job_free(job);
            failed++;
            continue;
        }
        if (stat(job->path, &st) == 0) {
            f->skipped++;
            job_free(job);
            continue;
        }
        if (f->dry_run) {
            printf("%s -> %s\n", job->url, job->path);
            f->fetched++;
            job_free(job);
            continue;
        }
        jobs[count++] = job;
    }
    f->phase = label;
    f->phase_total = count;
    f->phase_done = 0;
    progress_draw(f);
    if (count > 0) {
        run_jobs(f, jobs, count, results);
        /* run_jobs counted these in f->failed as they finished. */
        for (size_t i = 0; i < count; i++)
            run_failed += results[i] == RESULT_FAILED || results[i] == RESULT_NOT_FOUND;
    }
    progress_draw(f);
done:
    for (size_t i = 0; jobs != NULL && i < count; i++)
        job_free(jobs[i]);
    free(jobs);
    free(results);
    f->failed += failed; /* the ones that never reached the network */
    return failed + run_failed;
}

/* Cover [FROM, TO] (one quarter) from the quarterly master.idx. */
static unsigned long cover_quarter(fetcher_t *f, fetch_day_t from, fetch_day_t to,
                                   bool missing_is_ok)
{
    char year[8], qtr[4], label[32], a[11], b[11];
    int y = 0, m = 0, d = 0;
    char *url = NULL;
    job_t *index = NULL;
    job_result_t result = RESULT_FAILED;
    unsigned long failed = 0;

    fetch_day_to_ymd(from, &y, &m, &d);
    snprintf(year, sizeof year, "%04d", y);
    snprintf(qtr, sizeof qtr, "%d", fetch_day_quarter(from));
    snprintf(label, sizeof label, "%s QTR%s", year, qtr);
    url = join(f->base, "edgar/full-index/", year, "/QTR", qtr, "/master.idx", (char *)NULL);
    if (url == NULL)
        return 1;
    result = fetch_index(f, url, FETCH_INDEX_MASTER, from, to, &index);
    if (result == RESULT_OK) {
        failed = fetch_filings(f, index, label);
    } else if (result == RESULT_NOT_FOUND) {
        fetch_day_format(from, a);
        fetch_day_format(to, b);
        /* Only the quarter's own URL can name what is missing. */
        url = join(f->base, "edgar/full-index/", year, "/QTR", qtr, "/master.idx", (char *)NULL);
        report(f, url != NULL ? url : "f8k-fetch", "HTTP 404 Not Found: no index for %s..%s%s", a,
               b, missing_is_ok ? "" : "; days not covered");
        free(url);
        failed = missing_is_ok ? 0 : 1;
        f->failed += failed;
    } else {
        failed = 1;
        f->failed++;
    }
    job_free(index);
    return failed;
}

/* Cover one DAY from its daily index: master.YYYYMMDD.idx, else
 * form.YYYYMMDD.idx.  *absent_out is set when neither exists. */
static unsigned long cover_day(fetcher_t *f, fetch_day_t day, bool *absent_out)
{
    static const struct {
        const char *name;
        fetch_index_kind_t kind;
    } layouts[] = {{"master", FETCH_INDEX_MASTER}, {"form", FETCH_INDEX_FORM}};
    char year[8], qtr[4], compact[9], label[16];
    int y = 0, m = 0, d = 0;
    unsigned long failed = 0;

    *absent_out = false;
    fetch_day_to_ymd(day, &y, &m, &d);
    snprintf(year, sizeof year, "%04d", y);
    snprintf(qtr, sizeof qtr, "%d", fetch_day_quarter(day));
    fetch_day_format_compact(day, compact);
    fetch_day_format(day, label);
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        job_t *index = NULL;
        job_result_t result = RESULT_FAILED;
        char *url = join(f->base, "edgar/daily-index/", year, "/QTR", qtr, "/", layouts[i].name,
                         ".", compact, ".idx", (char *)NULL);
        if (url == NULL)
            return 1;
        result = fetch_index(f, url, layouts[i].kind, day, day, &index);
        if (result == RESULT_OK) {
            failed = fetch_filings(f, index, label);
            job_free(index);
            return failed;
        }
        if (result != RESULT_NOT_FOUND) {
            f->failed++;
            return 1;
        }
    }
    *absent_out = true; /* weekends and holidays */
    return 0;
}

/* Cover [FROM, TO], which lies within one quarter. */
static unsigned long cover_segment(fetcher_t *f, fetch_day_t from, fetch_day_t to,
                                   fetch_day_t cutoff)
{
    unsigned long failed = 0;
    bool all_absent = true;
    bool any_weekday = false;

    if (to < cutoff)
        return cover_quarter(f, from, to, false);
    for (fetch_day_t day = from; day <= to && !interrupted && !f->stopped; day++) {
        bool absent = false;
        int wd = fetch_day_weekday(day);
        failed += cover_day(f, day, &absent);
        all_absent = all_absent && absent;
        any_weekday = any_weekday || (wd >= 1 && wd <= 5);
    }
    /* No daily files at all for business days: try the quarter's. */
    if (all_absent && any_weekday && !interrupted && !f->stopped)
        failed += cover_quarter(f, from, to, true);
    return failed;
}

/* ================================================================== */
/* Command line                                                        */
/* ================================================================== */

static void usage(FILE *out)
{
    fputs("usage: f8k-fetch [--root DIR] [--since DATE] [--until DATE] [--forms LIST]\n"
          "                 [--cik LIST] [--dry-run] [--quiet] [--jobs N] [--rate N]\n"
          "                 [--timeout SECONDS] [--base-url URL] [--user-agent \"Org "
          "you@org.com\"]\n"
          "DATE is YYYY-MM-DD, yesterday or today.  The User-Agent may also come from\n"
          "$XDG_CONFIG_HOME/f8k/fetch.conf (user-agent = Org Name admin@org.com).\n",
          out);
}

static bool parse_long(const char *text, long min, long max, long *out)
{
    char *end = NULL;
    long v = 0;
    errno = 0;
    v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Today's date on the US East coast, where EDGAR's days are counted;
 * F8K_FETCH_TODAY (YYYY-MM-DD) overrides it for tests. */
static fetch_day_t edgar_today(void)
{
    const char *forced = getenv("F8K_FETCH_TODAY");
    fetch_day_t day = 0;
    time_t t = time(NULL);
    struct tm tm;
    if (forced != NULL && fetch_day_parse(forced, 0, &day) == F8K_STATUS_SUCCESS)
        return day;
    setenv("TZ", "America/New_York", 1);
    tzset();
    localtime_r(&t, &tm);
    return fetch_day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* $XDG_CONFIG_HOME/f8k/fetch.conf, else ~/.config/f8k/fetch.conf. */
static char *config_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (xdg != NULL && xdg[0] == '/')
        return join(xdg, "/f8k/fetch.conf", (char *)NULL);
    return join(home != NULL ? home : ".", "/.config/f8k/fetch.conf", (char *)NULL);
}

/* $XDG_DATA_HOME/f8k/filings, else ~/.local/share/f8k/filings. */
static char *default_root(void)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (xdg != NULL && xdg[0] == '/')
        return join(xdg, "/f8k/filings", (char *)NULL);
    return join(home != NULL ? home : ".", "/.local/share/f8k/filings", (char *)NULL);
}

enum {
    OPT_ROOT = 256,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_FORMS,
    OPT_CIK,
    OPT_DRY_RUN,
    OPT_QUIET,
    OPT_JOBS,
    OPT_RATE,
    OPT_TIMEOUT,
    OPT_BASE_URL,
    OPT_USER_AGENT,
    OPT_HELP
};

static const struct option long_options[] = {
    {"root", required_argument, NULL, OPT_ROOT},
    {"since", required_argument, NULL, OPT_SINCE},
    {"until", required_argument, NULL, OPT_UNTIL},
    {"forms", required_argument, NULL, OPT_FORMS},
    {"cik", required_argument, NULL, OPT_CIK},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"rate", required_argument, NULL, OPT_RATE},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"base-url", required_argument, NULL, OPT_BASE_URL},
    {"user-agent", required_argument, NULL, OPT_USER_AGENT},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

/* Everything the command line says. */
typedef struct options {
    const char *root, *since, *until, *forms, *cik, *base_url, *user_agent;
    bool dry_run, quiet;
    long jobs, timeout;
    double rate;
} options_t;

/* Returns -1 to go on, else the exit code. */
static int parse_options(int argc, char **argv, options_t *o)
{
    int c = 0;
    char *end = NULL;
    memset(o, 0, sizeof *o);
    o->jobs = 4;
    o->timeout = 30;
    o->rate = MAX_RATE;
    o->base_url = DEFAULT_BASE;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_ROOT:
            o->root = optarg;
            break;
        case OPT_SINCE:
            o->since = optarg;
            break;
        case OPT_UNTIL:
            o->until = optarg;
            break;
        case OPT_FORMS:
            o->forms = optarg;
            break;
        case OPT_CIK:
            o->cik = optarg;
            break;
        case OPT_DRY_RUN:
            o->dry_run = true;
            break;
        case OPT_QUIET:
            o->quiet = true;
            break;
        case OPT_JOBS:
            if (!parse_long(optarg, 1, 16, &o->jobs)) {
                fprintf(stderr, "f8k-fetch: --jobs: expected 1 to 16, got '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_RATE:
            errno = 0;
            o->rate = strtod(optarg, &end);
            if (errno != 0 || end == optarg || *end != '\0' || !(o->rate > 0.0)) {
                fprintf(stderr, "f8k-fetch: --rate: expected a positive number, got '%s'\n",
                        optarg);
                return EXIT_USAGE;
            }
            if (o->rate > MAX_RATE) {
                fprintf(stderr,
                        "f8k-fetch: --rate: the SEC allows at most 10 requests per second\n");
                return EXIT_USAGE;
            }
            break;
        case OPT_TIMEOUT:
            if (!parse_long(optarg, 1, 3600, &o->timeout)) {
                fprintf(stderr, "f8k-fetch: --timeout: expected 1 to 3600 seconds, got '%s'\n",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_BASE_URL:
            o->base_url = optarg;
            break;
        case OPT_USER_AGENT:
            o->user_agent = optarg;
            break;
        case OPT_HELP:
            usage(stdout);
            return EXIT_OK;
        default:
            fprintf(stderr, "f8k-fetch: %s: unknown option or missing argument\n",
                    argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "f8k-fetch: %s: unexpected argument\n", argv[optind]);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strncmp(o->base_url, "http://", 7) != 0 && strncmp(o->base_url, "https://", 8) != 0) {
        fprintf(stderr, "f8k-fetch: %s: --base-url must be an http:// or https:// URL\n",
                o->base_url);
        return EXIT_USAGE;
    }
    return -1;
}

int main(int argc, char **argv)
{
    options_t o;
    fetcher_t f;
    int rc = -1;
    char *conf = NULL, *conf_ua = NULL, *conf_root = NULL;
    char *state_path = NULL, *lock_path = NULL;
    int lock_fd = -1;
    const char *problem = NULL, *bad_list = NULL;
    fetch_day_t today = 0, since = 0, until = 0, state_day = 0, cutoff = 0;
    bool state_found = false, can_advance = false;
    f8k_status_t status = F8K_STATUS_SUCCESS;
    double started = now_seconds();
    bool curl_ready = false;

    memset(&f, 0, sizeof f);
    rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        goto done;
    today = edgar_today();

    /* The User-Agent: the command line, else the configuration file. */
    conf = config_path();
    if (conf == NULL) {
        rc = EXIT_FAILED;
        goto done;
    }
    if (fetch_config_get(conf, "user-agent", &conf_ua) != F8K_STATUS_SUCCESS ||
        fetch_config_get(conf, "root", &conf_root) != F8K_STATUS_SUCCESS) {
        fprintf(stderr, "f8k-fetch: %s: %s\n", conf, strerror(errno));
        rc = EXIT_USAGE;
        goto done;
    }
    f.user_agent = o.user_agent != NULL ? o.user_agent : conf_ua;
    problem = fetch_user_agent_problem(f.user_agent);
    if (problem != NULL) {
        fprintf(stderr,
                "f8k-fetch: %s: %s; the SEC requires one, e.g. --user-agent "
                "\"Example Corp admin@example.com\" or `user-agent = ...` in %s\n",
                f.user_agent != NULL ? f.user_agent : "User-Agent", problem, conf);
        rc = EXIT_USAGE;
        goto done;
    }
    status = fetch_filter_init(&f.filter, o.forms, o.cik, &bad_list);
    if (status != F8K_STATUS_SUCCESS) {
        fprintf(stderr, "f8k-fetch: %s: %s\n", bad_list != NULL ? bad_list : "f8k-fetch",
                status == F8K_STATUS_NOMEM ? f8k_status_to_string(status)
                                           : "expected a comma-separated list (CIKs are digits)");
        rc = status == F8K_STATUS_NOMEM ? EXIT_FAILED : EXIT_USAGE;
        goto done;
    }
    if ((o.since != NULL && fetch_day_parse(o.since, today, &since) != F8K_STATUS_SUCCESS) ||
        (o.until != NULL && fetch_day_parse(o.until, today, &until) != F8K_STATUS_SUCCESS)) {
        fprintf(stderr, "f8k-fetch: %s: expected YYYY-MM-DD, yesterday or today\n",
                o.since != NULL && since == 0 ? o.since : o.until);
        rc = EXIT_USAGE;
        goto done;
    }
    if (o.since != NULL && since < fetch_day_from_ymd(1993, 1, 1)) {
        fprintf(stderr, "f8k-fetch: %s: EDGAR's indexes start in 1993\n", o.since);
        rc = EXIT_USAGE;
        goto done;
    }
    if (o.since != NULL && o.until != NULL && since > until) {
        fprintf(stderr, "f8k-fetch: %s: --since is after --until\n", o.since);
        rc = EXIT_USAGE;
        goto done;
    }

    f.root = o.root != NULL      ? strdup(o.root)
             : conf_root != NULL ? strdup(conf_root)
                                 : default_root();
    f.base = join(o.base_url, o.base_url[strlen(o.base_url) - 1] == '/' ? "" : "/", (char *)NULL);
    state_path = f.root != NULL ? join(f.root, "/.f8k-fetch-state", (char *)NULL) : NULL;
    lock_path = f.root != NULL ? join(f.root, "/.f8k-fetch.lock", (char *)NULL) : NULL;
    if (f.base == NULL || state_path == NULL || lock_path == NULL ||
        fetch_seen_new(&f.seen) != F8K_STATUS_SUCCESS) {
        fprintf(stderr, "f8k-fetch: %s\n", f8k_status_to_string(F8K_STATUS_NOMEM));
        rc = EXIT_FAILED;
        goto done;
    }
    if (!o.dry_run) {
        if (make_dirs(f.root) != 0) {
            fprintf(stderr, "f8k-fetch: %s: %s\n", f.root, strerror(errno));
            rc = EXIT_FAILED;
            goto done;
        }
        lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (lock_fd < 0) {
            fprintf(stderr, "f8k-fetch: %s: %s\n", lock_path, strerror(errno));
            rc = EXIT_FAILED;
            goto done;
        }
        if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
            fprintf(stderr, "f8k-fetch: %s: %s\n", lock_path,
                    errno == EWOULDBLOCK ? "another f8k-fetch is running on this directory"
                                         : strerror(errno));
            rc = errno == EWOULDBLOCK ? EXIT_LOCKED : EXIT_FAILED;
            goto done;
        }
    }
    status = fetch_state_read(state_path, &state_found, &state_day);
    if (status != F8K_STATUS_SUCCESS) {
        fprintf(stderr, "f8k-fetch: %s: %s; remove it or pass --since\n", state_path,
                status == F8K_STATUS_IO ? strerror(errno) : "not a YYYY-MM-DD date");
        if (o.since == NULL) {
            rc = EXIT_FAILED;
            goto done;
        }
        state_found = false;
    }
    if (o.since == NULL)
        since = state_found ? state_day + 1 : today - 1;
    if (o.until == NULL)
        until = today - 1;
    if (until > today)
        until = today;
    /* The state only moves forward over days covered without a gap. */
    can_advance = !state_found || since <= state_day + 1;

    f.jobs = o.jobs;
    f.timeout = o.timeout;
    f.dry_run = o.dry_run;
    f.quiet = o.quiet;
    f.progress = !o.quiet && isatty(2);
    f.backoff = 1.0;
    f.file_mode = umask(022);
    umask(f.file_mode);
    f.file_mode = 0666 & ~f.file_mode;
    if (getenv("F8K_FETCH_BACKOFF_MS") != NULL)
        f.backoff = atof(getenv("F8K_FETCH_BACKOFF_MS")) / 1000.0;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "f8k-fetch: cannot initialise libcurl\n");
        rc = EXIT_FAILED;
        goto done;
    }
    curl_ready = true;
    f.multi = curl_multi_init();
    if (f.multi == NULL) {
        fprintf(stderr, "f8k-fetch: cannot initialise libcurl\n");
        rc = EXIT_FAILED;
        goto done;
    }
    curl_multi_setopt(f.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, f.jobs);
    fetch_bucket_init(&f.bucket, o.rate / PACING_MARGIN, 1.0, now_seconds());
    current_fetcher = &f;
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    cutoff = today - RECENT_DAYS;
    for (fetch_day_t from = since; from <= until && !interrupted && !f.stopped;) {
        fetch_day_t to = fetch_quarter_last(from);
        fetch_day_t covered = 0;
        unsigned long failed = 0;
        if (to > until)
            to = until;
        if (from < cutoff && to >= cutoff)
            to = cutoff - 1; /* the old part from the quarterly index */
        failed = cover_segment(&f, from, to, cutoff);
        /* Today's index may not be out yet: never call today covered. */
        covered = to < today ? to : today - 1;
        if (failed == 0 && f.failed == 0 && !interrupted && !f.stopped && !f.dry_run &&
            can_advance && (!state_found || covered > state_day)) {
            status = fetch_state_write(state_path, covered);
            if (status != F8K_STATUS_SUCCESS)
                report(&f, state_path, "%s", strerror(errno));
            state_found = true;
            state_day = covered;
        }
        from = to + 1;
    }
    progress_clear(&f);
    if (interrupted)
        fprintf(stderr, "f8k-fetch: interrupted\n");
    if (!o.quiet) {
        fprintf(stderr, "%s %lu, skipped %lu, failed %lu in %.1f s\n",
                o.dry_run ? "would fetch" : "fetched", f.fetched, f.skipped, f.failed,
                now_seconds() - started);
    }
    rc = (f.failed > 0 || f.stopped || interrupted) ? EXIT_FAILED : EXIT_OK;
done:
    if (f.multi != NULL)
        curl_multi_cleanup(f.multi);
    if (curl_ready)
        curl_global_cleanup();
    if (lock_fd >= 0)
        close(lock_fd);
    fetch_filter_free(&f.filter);
    fetch_seen_free(f.seen);
    free(f.root);
    free(f.base);
    free(state_path);
    free(lock_path);
    free(conf);
    free(conf_ua);
    free(conf_root);
    return rc;
}
