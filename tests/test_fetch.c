/*
 * test_fetch.c - f8k-fetch end to end, against a loopback EDGAR server
 * (tests/fetch/edgar_server.c) serving a tree built from real filings
 * of the shared corpus: the right files byte for byte and none twice,
 * other forms skipped, at most 10 requests in any second, the
 * User-Agent on every request, recovery from 429, 503, stalls and
 * truncated bodies, a killed run resumed, refusal without a
 * User-Agent, the lock, and a stop when the SEC blocks the client.
 */
#include "f8k_test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define UA          "F8k Test Suite tests@f8k.example"
#define TODAY       "2024-03-12"
#define N_FILINGS   12
#define MAX_REQUEST 512

/* A real submission from the corpus, as the tree serves it. */
typedef struct filing {
    char *source;       /* file in the shared corpus */
    char cik[16];       /* CIK without leading zeros */
    char accession[24]; /* 0001000685-97-000006 */
} filing_t;

/* One line of the server log. */
typedef struct request {
    double time;    /* arrival, seconds */
    bool sent;      /* a SENT line (complete 200 body), not a REQ */
    char path[256]; /* URL path */
    int status;     /* planned status (REQ lines) */
    char ua[128];   /* User-Agent */
    char ae[64];    /* Accept-Encoding */
} request_t;

typedef struct fixture {
    char *tmp;                   /* private directory */
    char *www;                   /* what the server serves */
    char *root;                  /* --root of the fetcher */
    char *log;                   /* server log */
    pid_t server;                /* server process, or 0 */
    char base[64];               /* --base-url */
    filing_t filings[N_FILINGS]; /* the 8-Ks */
    filing_t ten_q;              /* a 10-Q listed beside them */
} fixture_t;

static char *corpus = NULL;

/* ------------------------------------------------------------------ */
/* Building the EDGAR tree                                             */
/* ------------------------------------------------------------------ */

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static void mkdirs(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

static void copy_file(const char *from, const char *to)
{
    size_t len = 0;
    char *data = f8k_test_read_file(from, &len);
    FILE *f = NULL;
    assert_non_null(data);
    f = fopen(to, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(data);
}

/* Pick small SGML 8-K submissions and one 10-Q from MANIFEST.tsv. */
static void pick_filings(fixture_t *fx)
{
    char *manifest_path = f8k_test_path(corpus, "MANIFEST.tsv");
    char *manifest = f8k_test_read_file(manifest_path, NULL);
    char *save = NULL;
    size_t n = 0;
    assert_non_null(manifest);
    for (char *line = strtok_r(manifest, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *field[13];
        int nf = 0;
        char *p = line;
        filing_t *target = NULL;
        const char *cik = NULL;
        while (nf < 13) {
            char *tab = strchr(p, '\t');
            field[nf++] = p;
            if (tab == NULL)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        if (nf < 12 || strcmp(field[3], "sgml-full-submission") != 0 || strlen(field[10]) != 20 ||
            field[11][0] == '\0' || atol(field[2]) > 100000)
            continue;
        if (strcmp(field[4], "8-K") == 0 && n < N_FILINGS && atol(field[2]) <= 40000) {
            bool dup = false;
            for (size_t i = 0; i < n; i++)
                dup = dup || strcmp(fx->filings[i].accession, field[10]) == 0;
            if (dup)
                continue;
            target = &fx->filings[n++];
        } else if (strcmp(field[4], "10-Q") == 0 && fx->ten_q.source == NULL) {
            target = &fx->ten_q;
        } else {
            continue;
        }
        cik = field[11];
        while (*cik == '0')
            cik++;
        target->source = f8k_test_path(corpus, field[0]);
        snprintf(target->cik, sizeof target->cik, "%s", cik);
        snprintf(target->accession, sizeof target->accession, "%s", field[10]);
    }
    free(manifest);
    free(manifest_path);
    assert_int_equal(n, N_FILINGS);
    assert_non_null(fx->ten_q.source);
}

static void place_filing(fixture_t *fx, const filing_t *filing)
{
    char dir[1024], path[1100];
    snprintf(dir, sizeof dir, "%s/Archives/edgar/data/%s", fx->www, filing->cik);
    mkdirs(dir);
    snprintf(path, sizeof path, "%s/%s.txt", dir, filing->accession);
    copy_file(filing->source, path);
}

static void append_master_row(char *buf, size_t cap, const filing_t *filing, const char *cik,
                              const char *form, const char *date)
{
    size_t len = strlen(buf);
    snprintf(buf + len, cap - len, "%s|COMPANY %s INC|%s|%s|edgar/data/%s/%s.txt\n", cik, cik, form,
             date, cik, filing->accession);
}

static const char master_header[] =
    "Description:           Master Index of EDGAR Dissemination Feed\n"
    "Last Data Received:    March 7, 2024\n"
    "Comments:              webmaster@sec.gov\n"
    "Anonymous FTP:         ftp://ftp.sec.gov/edgar/\n"
    " \n \n \n"
    "CIK|Company Name|Form Type|Date Filed|Filename\n"
    "--------------------------------------------------------------------------------\n";

/*
 * The daily tree, with TODAY = 2024-03-12:
 *   Thu 2024-03-07  master.idx: filings 0-2, a co-registrant row for
 *                   filing 1, the 10-Q, a path-traversal row, a bad CIK
 *   Fri 2024-03-08  form.idx only: filings 3-5 (5 as 8-K/A), the 10-Q
 *                   again as 10-Q (another accession is not needed)
 *   Sat, Sun        no index (404)
 *   Mon 2024-03-11  master.idx: filings 6-11
 * and the quarter 2003 QTR2 in full-index/ for the old-range test.
 */
static void build_tree(fixture_t *fx)
{
    char dir[1024], path[1200], buf[16384];
    size_t len = 0;
    pick_filings(fx);
    for (size_t i = 0; i < N_FILINGS; i++)
        place_filing(fx, &fx->filings[i]);
    place_filing(fx, &fx->ten_q);

    snprintf(dir, sizeof dir, "%s/Archives/edgar/daily-index/2024/QTR1", fx->www);
    mkdirs(dir);
    snprintf(buf, sizeof buf, "%s", master_header);
    append_master_row(buf, sizeof buf, &fx->filings[0], fx->filings[0].cik, "8-K", "20240307");
    append_master_row(buf, sizeof buf, &fx->filings[1], fx->filings[1].cik, "8-K", "20240307");
    /* A co-registrant: the same accession under another CIK, which the
     * server does not have, so fetching it twice would show. */
    append_master_row(buf, sizeof buf, &fx->filings[1], "99999", "8-K", "20240307");
    append_master_row(buf, sizeof buf, &fx->ten_q, fx->ten_q.cik, "10-Q", "20240307");
    append_master_row(buf, sizeof buf, &fx->filings[2], fx->filings[2].cik, "8-K", "20240307");
    len = strlen(buf);
    snprintf(buf + len, sizeof buf - len,
             "1234|EVIL CORP|8-K|20240307|edgar/data/1234/../../../etc/passwd\n"
             "12x4|BAD CIK CORP|8-K|20240307|edgar/data/1/0000000001-24-000001.txt\n");
    snprintf(path, sizeof path, "%s/master.20240307.idx", dir);
    write_text(path, buf);

    snprintf(buf, sizeof buf,
             "Description:           Daily Index of EDGAR Dissemination Feed by Form Type\n"
             "Last Data Received:    March 8, 2024\n\n"
             "Form Type   Company Name                                                  CIK  "
             "       Date Filed  File Name\n"
             "-------------------------------------------------------------------------------"
             "--------------------------------------------------------------\n");
    for (size_t i = 3; i < 6; i++) {
        len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, "%-12s%-62s%-12s%-12s%s\n", i == 5 ? "8-K/A" : "8-K",
                 "SOME COMPANY INC", fx->filings[i].cik, "20240308", "");
        len = strlen(buf) - 1;
        snprintf(buf + len, sizeof buf - len, "edgar/data/%s/%s.txt\n", fx->filings[i].cik,
                 fx->filings[i].accession);
    }
    len = strlen(buf);
    snprintf(buf + len, sizeof buf - len, "%-12s%-62s%-12s%-12sedgar/data/%s/%s.txt\n", "10-Q",
             "APPLE", fx->ten_q.cik, "20240308", fx->ten_q.cik, fx->ten_q.accession);
    snprintf(path, sizeof path, "%s/form.20240308.idx", dir);
    write_text(path, buf);

    snprintf(buf, sizeof buf, "%s", master_header);
    for (size_t i = 6; i < N_FILINGS; i++)
        append_master_row(buf, sizeof buf, &fx->filings[i], fx->filings[i].cik, "8-K", "20240311");
    snprintf(path, sizeof path, "%s/master.20240311.idx", dir);
    write_text(path, buf);

    /* The quarterly index: dates as YYYY-MM-DD. */
    snprintf(dir, sizeof dir, "%s/Archives/edgar/full-index/2003/QTR2", fx->www);
    mkdirs(dir);
    snprintf(buf, sizeof buf, "%s", master_header);
    append_master_row(buf, sizeof buf, &fx->filings[0], fx->filings[0].cik, "8-K", "2003-04-15");
    append_master_row(buf, sizeof buf, &fx->ten_q, fx->ten_q.cik, "10-Q", "2003-05-01");
    append_master_row(buf, sizeof buf, &fx->filings[1], fx->filings[1].cik, "8-K/A", "2003-05-20");
    append_master_row(buf, sizeof buf, &fx->filings[2], fx->filings[2].cik, "8-K", "2003-06-15");
    snprintf(path, sizeof path, "%s/master.idx", dir);
    write_text(path, buf);
}

/* ------------------------------------------------------------------ */
/* Server and fetcher processes                                        */
/* ------------------------------------------------------------------ */

/* Start the server with FAULTS (may be NULL) and extra arguments. */
static void server_start(fixture_t *fx, const char *faults, const char *const *extra)
{
    char *port_file = f8k_test_path(fx->tmp, "port");
    char *faults_file = f8k_test_path(fx->tmp, "faults");
    char *argv[32];
    int argc = 0;
    char *text = NULL;
    unlink(port_file);
    write_text(faults_file, faults != NULL ? faults : "");
    argv[argc++] = (char *)F8K_EDGAR_SERVER_EXE;
    argv[argc++] = (char *)"--root";
    argv[argc++] = fx->www;
    argv[argc++] = (char *)"--log";
    argv[argc++] = fx->log;
    argv[argc++] = (char *)"--port-file";
    argv[argc++] = port_file;
    argv[argc++] = (char *)"--faults";
    argv[argc++] = faults_file;
    argv[argc++] = (char *)"--lifetime";
    argv[argc++] = (char *)"120";
    for (size_t i = 0; extra != NULL && extra[i] != NULL && argc < 30; i++)
        argv[argc++] = (char *)extra[i];
    argv[argc] = NULL;
    fx->server = fork();
    assert_true(fx->server >= 0);
    if (fx->server == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    for (int i = 0; i < 500 && text == NULL; i++) {
        usleep(10000);
        text = f8k_test_read_file(port_file, NULL);
    }
    assert_non_null(text);
    snprintf(fx->base, sizeof fx->base, "http://127.0.0.1:%d/Archives/", atoi(text));
    free(text);
    free(port_file);
    free(faults_file);
}

static void server_stop(fixture_t *fx)
{
    if (fx->server > 0) {
        kill(fx->server, SIGTERM);
        waitpid(fx->server, NULL, 0);
        fx->server = 0;
    }
}

/* argv for f8k-fetch: the program, --root, --base-url, --user-agent
 * (when UA_ARG is true), then ARGS. */
static void fetch_argv(fixture_t *fx, bool ua_arg, const char *const *args, char **argv)
{
    int argc = 0;
    argv[argc++] = (char *)F8K_FETCH_EXE;
    argv[argc++] = (char *)"--root";
    argv[argc++] = fx->root;
    argv[argc++] = (char *)"--base-url";
    argv[argc++] = fx->base;
    if (ua_arg) {
        argv[argc++] = (char *)"--user-agent";
        argv[argc++] = (char *)UA;
    }
    for (size_t i = 0; args != NULL && args[i] != NULL && argc < 30; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;
}

static int run_fetch(fixture_t *fx, bool ua_arg, const char *const *args, char **out, char **err)
{
    char *argv[32];
    fetch_argv(fx, ua_arg, args, argv);
    return f8k_test_run(argv, NULL, 120, out, err);
}

/* ------------------------------------------------------------------ */
/* Checking                                                            */
/* ------------------------------------------------------------------ */

/* Parse the server log from line FIRST on; returns the count. */
static size_t read_log(fixture_t *fx, request_t *reqs, size_t max)
{
    char *text = f8k_test_read_file(fx->log, NULL);
    char *save = NULL;
    size_t n = 0;
    if (text == NULL)
        return 0;
    for (char *line = strtok_r(text, "\n", &save); line != NULL && n < max;
         line = strtok_r(NULL, "\n", &save)) {
        request_t *r = &reqs[n];
        char *field[6];
        int nf = 0;
        char *p = line;
        memset(r, 0, sizeof *r);
        while (nf < 6) {
            char *tab = strchr(p, '\t');
            field[nf++] = p;
            if (tab == NULL)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        if (nf < 3)
            continue;
        r->sent = strcmp(field[0], "SENT") == 0;
        r->time = atof(field[1]);
        snprintf(r->path, sizeof r->path, "%s", field[2]);
        if (!r->sent && nf == 6) {
            r->status = atoi(field[3]);
            snprintf(r->ua, sizeof r->ua, "%s", field[4]);
            snprintf(r->ae, sizeof r->ae, "%s", field[5]);
        }
        n++;
    }
    free(text);
    return n;
}

static size_t count_requests(const request_t *reqs, size_t from, size_t n, const char *suffix)
{
    size_t count = 0;
    size_t suffix_len = strlen(suffix);
    for (size_t i = from; i < n; i++) {
        size_t len = strlen(reqs[i].path);
        if (!reqs[i].sent && len >= suffix_len &&
            strcmp(reqs[i].path + len - suffix_len, suffix) == 0)
            count++;
    }
    return count;
}

static size_t count_data_requests(const request_t *reqs, size_t from, size_t n)
{
    size_t count = 0;
    for (size_t i = from; i < n; i++)
        count += !reqs[i].sent && strstr(reqs[i].path, "/edgar/data/") != NULL;
    return count;
}

/* Every request carried our User-Agent and asked for gzip, and no
 * window of one second held more than ten of them. */
static void check_manners(const request_t *reqs, size_t n, const char *ua)
{
    size_t worst = 0;
    for (size_t i = 0; i < n; i++) {
        size_t in_window = 0;
        if (reqs[i].sent)
            continue;
        assert_string_equal(reqs[i].ua, ua);
        assert_non_null(strstr(reqs[i].ae, "gzip"));
        for (size_t j = 0; j < n; j++) {
            if (!reqs[j].sent && reqs[j].time >= reqs[i].time && reqs[j].time < reqs[i].time + 1.0)
                in_window++;
        }
        if (in_window > worst)
            worst = in_window;
    }
    print_message("busiest 1-second window: %zu requests\n", worst);
    assert_true(worst <= 10);
}

static char *root_file(fixture_t *fx, const filing_t *filing)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s.txt", fx->root, filing->cik, filing->accession);
    return strdup(path);
}

static bool has_file(fixture_t *fx, const filing_t *filing)
{
    char *path = root_file(fx, filing);
    bool there = access(path, F_OK) == 0;
    free(path);
    return there;
}

/* The downloaded copy is byte for byte the corpus file. */
static void assert_same_file(fixture_t *fx, const filing_t *filing)
{
    char *path = root_file(fx, filing);
    size_t a_len = 0, b_len = 0;
    char *a = f8k_test_read_file(filing->source, &a_len);
    char *b = f8k_test_read_file(path, &b_len);
    if (b == NULL)
        fail_msg("%s was not fetched", path);
    assert_int_equal(a_len, b_len);
    assert_memory_equal(a, b, a_len);
    free(a);
    free(b);
    free(path);
}

/* Count files under the root whose name contains NEEDLE. */
static size_t count_root_files(fixture_t *fx, const char *needle)
{
    DIR *top = opendir(fx->root);
    struct dirent *e = NULL;
    size_t count = 0;
    if (top == NULL)
        return 0;
    while ((e = readdir(top)) != NULL) {
        char sub[1024];
        DIR *d = NULL;
        struct dirent *f = NULL;
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof sub, "%s/%s", fx->root, e->d_name);
        d = opendir(sub);
        if (d == NULL)
            continue;
        while ((f = readdir(d)) != NULL) {
            if (strstr(f->d_name, needle) != NULL)
                count++;
        }
        closedir(d);
    }
    closedir(top);
    return count;
}

static char *state_text(fixture_t *fx)
{
    char *path = f8k_test_path(fx->root, ".f8k-fetch-state");
    char *text = f8k_test_read_file(path, NULL);
    free(path);
    return text;
}

/* ------------------------------------------------------------------ */
/* Fixture                                                             */
/* ------------------------------------------------------------------ */

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    char *conf = NULL;
    assert_non_null(fx);
    fx->tmp = f8k_test_tmpdir();
    fx->www = f8k_test_path(fx->tmp, "www");
    fx->root = f8k_test_path(fx->tmp, "root");
    fx->log = f8k_test_path(fx->tmp, "server.log");
    conf = f8k_test_path(fx->tmp, "config");
    mkdirs(conf);
    setenv("XDG_CONFIG_HOME", conf, 1); /* no user configuration */
    setenv("F8K_FETCH_TODAY", TODAY, 1);
    unsetenv("F8K_FETCH_BACKOFF_MS");
    free(conf);
    build_tree(fx);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    server_stop(fx);
    f8k_test_rmtree(fx->tmp);
    for (size_t i = 0; i < N_FILINGS; i++)
        free(fx->filings[i].source);
    free(fx->ten_q.source);
    free(fx->tmp);
    free(fx->www);
    free(fx->root);
    free(fx->log);
    free(fx);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

static void test_daily_fetch_and_rerun(void **state)
{
    fixture_t *fx = *state;
    static const char *const gzip_arg[] = {"--gzip", NULL};
    static const char *const args[] = {"--since", "2024-03-07", "--until", "2024-03-11",
                                       "--jobs",  "4",          NULL};
    static const char *const again[] = {"--since", "2024-03-07", NULL};
    static const char *const today[] = {"--since", "2024-03-11", "--until", "today", NULL};
    request_t *reqs = calloc(MAX_REQUEST, sizeof *reqs);
    char *out = NULL, *err = NULL, *st = NULL;
    size_t n = 0, before = 0;
    int rc = 0;

    server_start(fx, NULL, gzip_arg);
    rc = run_fetch(fx, true, args, &out, &err);
    print_message("%s", err);
    assert_int_equal(rc, 0);
    for (size_t i = 0; i < N_FILINGS; i++)
        assert_same_file(fx, &fx->filings[i]);
    assert_false(has_file(fx, &fx->ten_q));
    assert_non_null(strstr(err, "fetched 12, skipped 0, failed 0 in "));
    assert_non_null(strstr(err, "row skipped"));
    assert_null(strstr(err, "passwd\n")); /* the message names the index, not the target */
    st = state_text(fx);
    assert_non_null(st);
    assert_string_equal(st, "2024-03-11\n");
    free(st);

    n = read_log(fx, reqs, MAX_REQUEST);
    check_manners(reqs, n, UA);
    /* Each filing once, the co-registrant's copy and the 10-Q never. */
    for (size_t i = 0; i < N_FILINGS; i++) {
        char suffix[64];
        snprintf(suffix, sizeof suffix, "/%s/%s.txt", fx->filings[i].cik, fx->filings[i].accession);
        assert_int_equal(count_requests(reqs, 0, n, suffix), 1);
    }
    assert_int_equal(count_data_requests(reqs, 0, n), N_FILINGS);
    assert_int_equal(count_requests(reqs, 0, n, "master.20240309.idx"), 1);
    assert_int_equal(count_requests(reqs, 0, n, "form.20240310.idx"), 1);
    free(out);
    free(err);

    /* No --since: the state says 03-11 is covered and yesterday is
     * 03-11, so there is nothing to ask for. */
    before = n;
    rc = run_fetch(fx, true, NULL, &out, &err);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(err, "fetched 0, skipped 0, failed 0"));
    n = read_log(fx, reqs, MAX_REQUEST);
    assert_int_equal(n, before);
    free(out);
    free(err);

    /* Again from 03-07: every file is there already. */
    rc = run_fetch(fx, true, again, &out, &err);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(err, "fetched 0, skipped 12, failed 0"));
    n = read_log(fx, reqs, MAX_REQUEST);
    assert_int_equal(count_data_requests(reqs, before, n), 0);
    free(out);
    free(err);

    /* --until today: today's index is not out yet (404), so the state
     * must not claim today as covered. */
    rc = run_fetch(fx, true, today, &out, &err);
    assert_int_equal(rc, 0);
    st = state_text(fx);
    assert_string_equal(st, "2024-03-11\n");
    free(st);
    free(out);
    free(err);
    free(reqs);
}

static void test_recovers_from_faults(void **state)
{
    fixture_t *fx = *state;
    static const char *const args[] = {
        "--since", "2024-03-07", "--until", "2024-03-11", "--timeout", "1", "--jobs", "3", NULL};
    static const char *const server_args[] = {"--stall-s", "3", "--gzip", NULL};
    request_t *reqs = calloc(MAX_REQUEST, sizeof *reqs);
    char faults[4096], suffix[4][64];
    char *out = NULL, *err = NULL;
    static const char *const kinds[] = {"429", "503", "stall", "truncate"};
    size_t n = 0;
    int rc = 0;
    double first = 0, second = 0;

    faults[0] = '\0';
    for (size_t i = 0; i < 4; i++) {
        size_t len = strlen(faults);
        const filing_t *f = &fx->filings[i * 3];
        snprintf(suffix[i], sizeof suffix[i], "/%s/%s.txt", f->cik, f->accession);
        snprintf(faults + len, sizeof faults - len, "/Archives/edgar/data/%s/%s.txt %s 1\n", f->cik,
                 f->accession, kinds[i]);
    }
    strcat(faults, "/Archives/edgar/daily-index/2024/QTR1/master.20240311.idx 503 1\n");
    setenv("F8K_FETCH_BACKOFF_MS", "200", 1);
    server_start(fx, faults, server_args);
    rc = run_fetch(fx, true, args, &out, &err);
    print_message("%s", err);
    assert_int_equal(rc, 0);
    for (size_t i = 0; i < N_FILINGS; i++)
        assert_same_file(fx, &fx->filings[i]);
    assert_non_null(strstr(err, "fetched 12, skipped 0, failed 0"));
    n = read_log(fx, reqs, MAX_REQUEST);
    check_manners(reqs, n, UA);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(count_requests(reqs, 0, n, suffix[i]), 2);
    assert_int_equal(count_requests(reqs, 0, n, "master.20240311.idx"), 2);
    /* Retry-After: 1 was respected. */
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(reqs[i].path);
        if (reqs[i].sent || len < strlen(suffix[0]) ||
            strcmp(reqs[i].path + len - strlen(suffix[0]), suffix[0]) != 0)
            continue;
        if (first == 0)
            first = reqs[i].time;
        else
            second = reqs[i].time;
    }
    print_message("retry after a 429 came %.3f s later\n", second - first);
    assert_true(second - first >= 0.95);
    free(out);
    free(err);
    free(reqs);
}

static void test_stops_when_blocked(void **state)
{
    fixture_t *fx = *state;
    static const char *const args[] = {"--since", "2024-03-07", "--until", "2024-03-11", NULL};
    request_t *reqs = calloc(MAX_REQUEST, sizeof *reqs);
    char *out = NULL, *err = NULL;
    char faults[512];
    size_t n = 0;
    int rc = 0;

    /* The index is served; the first filing gets the SEC's 403. */
    snprintf(faults, sizeof faults, "/Archives/edgar/data/%s/%s.txt block 100\n",
             fx->filings[0].cik, fx->filings[0].accession);
    server_start(fx, faults, NULL);
    rc = run_fetch(fx, true, args, &out, &err);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "Request Rate Threshold Exceeded"));
    assert_non_null(strstr(err, "stopping"));
    n = read_log(fx, reqs, MAX_REQUEST);
    /* It stopped: no further index was asked for. */
    assert_int_equal(count_requests(reqs, 0, n, "master.20240311.idx"), 0);
    assert_true(count_data_requests(reqs, 0, n) <= 4);
    assert_null(state_text(fx));
    free(out);
    free(err);

    /* Repeated 429s stop it too, quickly. */
    server_stop(fx);
    unlink(fx->log);
    setenv("F8K_FETCH_BACKOFF_MS", "20", 1);
    server_start(fx, "* 429n 1000\n", NULL);
    rc = run_fetch(fx, true, args, &out, &err);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "429"));
    n = read_log(fx, reqs, MAX_REQUEST);
    assert_true(n <= 10);
    assert_null(state_text(fx));
    free(out);
    free(err);
    free(reqs);
}

static void test_killed_run_resumes(void **state)
{
    fixture_t *fx = *state;
    static const char *const server_args[] = {"--delay-ms", "300", NULL};
    static const char *const args[] = {"--since", "2024-03-07", "--until", "2024-03-11",
                                       "--jobs",  "2",          "--quiet", NULL};
    request_t *reqs = calloc(MAX_REQUEST, sizeof *reqs);
    bool had[N_FILINGS];
    char *argv[32];
    char *out = NULL, *err = NULL;
    size_t n = 0, before = 0, present = 0;
    pid_t pid = 0;
    int rc = 0, status = 0;

    server_start(fx, NULL, server_args);
    fetch_argv(fx, true, args, argv);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    /* Kill it without warning once a few filings are in. */
    for (int i = 0; i < 2000 && present < 4; i++) {
        usleep(5000);
        present = count_root_files(fx, ".txt") - count_root_files(fx, ".part-");
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    present = 0;
    for (size_t i = 0; i < N_FILINGS; i++) {
        had[i] = has_file(fx, &fx->filings[i]);
        if (had[i]) {
            assert_same_file(fx, &fx->filings[i]); /* complete, never partial */
            present++;
        }
    }
    print_message("killed with %zu of %d filings in place\n", present, N_FILINGS);
    assert_true(present >= 4 && present < N_FILINGS);
    assert_null(state_text(fx));

    n = read_log(fx, reqs, MAX_REQUEST);
    before = n;
    rc = run_fetch(fx, true, args, &out, &err);
    assert_int_equal(rc, 0);
    for (size_t i = 0; i < N_FILINGS; i++)
        assert_same_file(fx, &fx->filings[i]);
    n = read_log(fx, reqs, MAX_REQUEST);
    for (size_t i = 0; i < N_FILINGS; i++) {
        char suffix[64];
        snprintf(suffix, sizeof suffix, "/%s/%s.txt", fx->filings[i].cik, fx->filings[i].accession);
        assert_int_equal(count_requests(reqs, before, n, suffix), had[i] ? 0 : 1);
    }
    assert_int_equal(count_root_files(fx, ".part-"), 0);
    check_manners(reqs, n, UA);
    free(out);
    free(err);
    free(reqs);
}

static void test_quarterly_index_and_filters(void **state)
{
    fixture_t *fx = *state;
    static const char *const old_range[] = {"--since", "2003-04-10", "--until", "2003-05-31", NULL};
    static const char *const ten_q[] = {"--since", "2024-03-07", "--until", "2024-03-08",
                                        "--forms", "10-Q",       NULL};
    char cik_list[64];
    const char *by_cik[] = {"--since", "2024-03-11", "--until", "2024-03-11",
                            "--cik",   cik_list,     NULL};
    request_t *reqs = calloc(MAX_REQUEST, sizeof *reqs);
    char *out = NULL, *err = NULL;
    size_t n = 0;
    int rc = 0;

    server_start(fx, NULL, NULL);
    rc = run_fetch(fx, true, old_range, &out, &err);
    print_message("%s", err);
    assert_int_equal(rc, 0);
    assert_same_file(fx, &fx->filings[0]);
    assert_same_file(fx, &fx->filings[1]);       /* 8-K/A */
    assert_false(has_file(fx, &fx->filings[2])); /* filed after --until */
    assert_false(has_file(fx, &fx->ten_q));
    n = read_log(fx, reqs, MAX_REQUEST);
    assert_int_equal(count_requests(reqs, 0, n, "/full-index/2003/QTR2/master.idx"), 1);
    for (size_t i = 0; i < n; i++)
        assert_null(strstr(reqs[i].path, "daily-index"));
    free(out);
    free(err);

    /* --forms: only the 10-Q, listed on both days, fetched once. */
    rc = run_fetch(fx, true, ten_q, &out, &err);
    assert_int_equal(rc, 0);
    assert_same_file(fx, &fx->ten_q);
    assert_false(has_file(fx, &fx->filings[3]));
    assert_non_null(strstr(err, "fetched 1, skipped 0, failed 0"));
    free(out);
    free(err);

    /* --cik, with leading zeros. */
    snprintf(cik_list, sizeof cik_list, "000%s,%s", fx->filings[7].cik, fx->filings[9].cik);
    rc = run_fetch(fx, true, by_cik, &out, &err);
    assert_int_equal(rc, 0);
    assert_same_file(fx, &fx->filings[7]);
    assert_same_file(fx, &fx->filings[9]);
    assert_false(has_file(fx, &fx->filings[6]) &&
                 strcmp(fx->filings[6].cik, fx->filings[7].cik) != 0);
    free(out);
    free(err);
    free(reqs);
}

static void test_user_agent_required(void **state)
{
    fixture_t *fx = *state;
    static const char *const args[] = {"--since", "2024-03-07", "--until", "2024-03-07", NULL};
    static const char *const no_at[] = {"--user-agent", "Example Corp", "--since", "2024-03-07",
                                        NULL};
    static const char *const dry[] = {"--since",    "2024-03-07", "--until",
                                      "2024-03-11", "--dry-run",  NULL};
    request_t *reqs = calloc(MAX_REQUEST, sizeof *reqs);
    char *out = NULL, *err = NULL, *conf = NULL;
    size_t n = 0;
    int rc = 0;

    server_start(fx, NULL, NULL);
    rc = run_fetch(fx, false, args, &out, &err);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(err, "User-Agent"));
    free(out);
    free(err);
    rc = run_fetch(fx, false, no_at, &out, &err);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(err, "@"));
    free(out);
    free(err);
    assert_int_equal(read_log(fx, reqs, MAX_REQUEST), 0); /* nothing was asked */

    /* The configuration file's User-Agent, in a dry run. */
    conf = f8k_test_path(getenv("XDG_CONFIG_HOME"), "f8k");
    mkdirs(conf);
    free(conf);
    conf = f8k_test_path(getenv("XDG_CONFIG_HOME"), "f8k/fetch.conf");
    write_text(conf, "# test\nuser-agent = Conf Corp conf@f8k.example\n");
    free(conf);
    rc = run_fetch(fx, false, dry, &out, &err);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(err, "would fetch 12, skipped 0, failed 0"));
    for (size_t i = 0; i < N_FILINGS; i++)
        assert_non_null(strstr(out, fx->filings[i].accession));
    assert_int_equal(count_root_files(fx, ".txt"), 0);
    n = read_log(fx, reqs, MAX_REQUEST);
    assert_true(n > 0);
    check_manners(reqs, n, "Conf Corp conf@f8k.example");
    assert_int_equal(count_data_requests(reqs, 0, n), 0);
    free(out);
    free(err);
    free(reqs);
}

static void test_lock_held(void **state)
{
    fixture_t *fx = *state;
    static const char *const args[] = {"--since", "2024-03-07", "--until", "2024-03-07", NULL};
    char *lock = f8k_test_path(fx->root, ".f8k-fetch.lock");
    char *out = NULL, *err = NULL;
    int fd = -1, rc = 0;

    snprintf(fx->base, sizeof fx->base, "http://127.0.0.1:9/Archives/");
    mkdirs(fx->root);
    fd = open(lock, O_RDWR | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    rc = run_fetch(fx, true, args, &out, &err);
    assert_int_equal(rc, 75);
    assert_non_null(strstr(err, "another f8k-fetch"));
    close(fd);
    free(out);
    free(err);
    free(lock);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_daily_fetch_and_rerun, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recovers_from_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stops_when_blocked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_killed_run_resumes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quarterly_index_and_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_agent_required, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_held, setup, teardown),
    };
    int rc = 0;
    char *manifest = NULL;
    corpus = f8k_test_corpus_dir();
    F8K_REQUIRE_OR_SKIP(corpus != NULL, "the shared corpus is absent");
    manifest = f8k_test_path(corpus, "MANIFEST.tsv");
    F8K_REQUIRE_OR_SKIP(access(manifest, R_OK) == 0, "the corpus has no MANIFEST.tsv");
    free(manifest);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(corpus);
    return rc;
}
