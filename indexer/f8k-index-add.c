/*
 * f8k-index-add.c - `f8k-index [--db PATH] add [--jobs N]
 * [--wait-lock[=SECONDS]] [--prune] [--quiet] [--shard-by year|hash:N] PATH...`
 *
 * --shard-by makes PATH a new sharded index (a directory of one
 * database per shard behind a stub; see f8k_index_open_sharded());
 * later adds need no --shard-by, and a different one exits 2.
 *
 * Output: on a terminal, a progress bar on stderr (files, MB/s, ETA);
 * each failing input as "f8k-index: PATH: reason" on stderr; at the
 * end one summary line on stdout:
 *   added N, replaced N, unchanged N, removed N, failed N in T s
 * --quiet prints only the errors.
 *
 * Exit: 0 all indexed; 1 some input failed (the rest is indexed) or
 * the database failed; 2 usage (also: --shard-by on an index made
 * another way, add to a stub f8k-index did not make, a stub with a
 * remote shard); 75 another writer holds the lock; 130 / 143
 * interrupted by SIGINT / SIGTERM (what was done is committed first,
 * the summary is still printed).
 */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <f8k/f8k_filing.h>
#include <f8k/f8k_index.h>

#include "dbpath.h"
#include "f8k-index.h"

/* Default --wait-lock when given without a value, and its ceiling. */
#define WAIT_LOCK_DEFAULT 60.0
#define WAIT_LOCK_MAX     86400.0

static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int signo)
{
    stop_signal = signo;
}

static const struct option add_options[] = {
    {"jobs", required_argument, NULL, 'j'},
    {"wait-lock", optional_argument, NULL, 'w'},
    {"prune", no_argument, NULL, 'p'},
    {"quiet", no_argument, NULL, 'q'},
    {"shard-by", required_argument, NULL, 's'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct cli_progress {
    bool bar;       /* draw the bar (stderr is a terminal, not --quiet) */
    bool bar_drawn; /* a bar is on the screen and must be cleared first */
} cli_progress_t;

static void add_usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [--db PATH] add [--jobs N] [--wait-lock[=SECONDS]] [--prune] [--quiet]\n"
            "          [--shard-by year|hash:N] PATH...\n",
            f8k_index_progname);
}

static void clear_bar(cli_progress_t *cp)
{
    if (cp->bar_drawn) {
        fputs("\r\033[K", stderr);
        cp->bar_drawn = false;
    }
}

static void draw_bar(cli_progress_t *cp, const f8k_index_event_t *ev)
{
    char bar[31];
    double mbs = ev->elapsed > 0 ? (double)ev->bytes_done / 1e6 / ev->elapsed : 0;
    double frac = 0;
    int i, filled;

    if (ev->bytes_total > 0)
        frac = (double)ev->bytes_done / (double)ev->bytes_total;
    else if (ev->files_total > 0)
        frac = (double)ev->files_done / (double)ev->files_total;
    if (frac > 1)
        frac = 1;
    filled = (int)(frac * 30);
    for (i = 0; i < 30; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r[%s] %lu/%lu files  %.1f MB/s", bar, ev->files_done, ev->files_total, mbs);
    if (frac > 0.01 && frac < 1) {
        double eta = ev->elapsed * (1 - frac) / frac;
        fprintf(stderr, "  ETA %d:%02d", (int)eta / 60, (int)eta % 60);
    }
    fputs("\033[K", stderr);
    fflush(stderr);
    cp->bar_drawn = true;
}

static void on_progress(void *closure, const f8k_index_event_t *ev)
{
    cli_progress_t *cp = closure;
    if (ev->kind == F8K_INDEX_EVENT_FAILED) {
        char *name = f8k_escape_name(ev->path);
        clear_bar(cp);
        fprintf(stderr, "%s: %s: %s\n", f8k_index_progname, name != NULL ? name : "?",
                ev->reason != NULL ? ev->reason : f8k_status_to_string(ev->status));
        free(name);
        return;
    }
    if (cp->bar && ev->kind == F8K_INDEX_EVENT_PROGRESS)
        draw_bar(cp, ev);
    if (cp->bar && ev->kind == F8K_INDEX_EVENT_MERGING) {
        fputs("\r compacting the new index...\033[K", stderr);
        fflush(stderr);
        cp->bar_drawn = true;
    }
}

/* hash:N takes 1 <= N <= this (as the library does). */
#define SHARD_HASH_MAX 64

static bool parse_unsigned(const char *s, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    unsigned long v = 0;
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    v = strtoul(s, &end, 10);
    if (*end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

/* Whether S is a --shard-by scheme: "year" or "hash:N". */
static bool valid_shard_by(const char *s)
{
    unsigned long n = 0;
    if (strcmp(s, "year") == 0)
        return true;
    return strncmp(s, "hash:", 5) == 0 && parse_unsigned(s + 5, SHARD_HASH_MAX, &n) && n >= 1;
}

int f8k_index_add_command(int argc, char **argv)
{
    f8k_index_add_options_t opts;
    f8k_index_counts_t counts;
    f8k_index_t *index = NULL;
    cli_progress_t cp = {false, false};
    struct sigaction sa;
    char *db = NULL;
    const char *shard_by = NULL;
    double wait = 0, seconds = 0;
    bool quiet = false;
    unsigned long v = 0;
    int c, rc = F8K_EXIT_OK;
    f8k_status_t status;
    struct timespec t0, t1;

    memset(&opts, 0, sizeof opts);
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:qh", add_options, NULL)) != -1) {
        switch (c) {
        case 'j':
            if (!parse_unsigned(optarg, 1024, &v) || v == 0) {
                fprintf(stderr, "%s: add: --jobs needs a number from 1 to 1024\n",
                        f8k_index_progname);
                return F8K_EXIT_USAGE;
            }
            opts.jobs = (unsigned)v;
            break;
        case 'w':
            wait = WAIT_LOCK_DEFAULT;
            if (optarg != NULL) {
                if (!parse_unsigned(optarg, (unsigned long)WAIT_LOCK_MAX, &v)) {
                    fprintf(stderr, "%s: add: --wait-lock takes seconds, 0 to %.0f\n",
                            f8k_index_progname, WAIT_LOCK_MAX);
                    return F8K_EXIT_USAGE;
                }
                wait = (double)v;
            }
            break;
        case 'p':
            opts.prune = true;
            break;
        case 'q':
            quiet = true;
            break;
        case 's':
            if (!valid_shard_by(optarg)) {
                fprintf(stderr,
                        "%s: add: --shard-by takes year or hash:N (N from 1 to %d), not '%s'\n",
                        f8k_index_progname, SHARD_HASH_MAX, optarg);
                return F8K_EXIT_USAGE;
            }
            shard_by = optarg;
            break;
        case 'h':
            add_usage(stdout);
            return F8K_EXIT_OK;
        default:
            add_usage(stderr);
            return F8K_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "%s: add: no PATH given\n", f8k_index_progname);
        add_usage(stderr);
        return F8K_EXIT_USAGE;
    }
    db = f8k_index_db_path();
    if (db == NULL) {
        fprintf(stderr, "%s: no database path: use --db PATH or set F8K_DB\n", f8k_index_progname);
        return F8K_EXIT_USAGE;
    }
    rc = f8k_dbpath_open_index(f8k_index_progname, db, shard_by, wait, &index);
    if (rc != 0)
        goto done;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    cp.bar = !quiet && isatty(2);
    opts.count_first = cp.bar;
    opts.progress = on_progress;
    opts.closure = &cp;
    opts.stop = &stop_signal;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    status = f8k_index_add(index, (const char *const *)argv + optind, (size_t)(argc - optind),
                           &opts, &counts);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    clear_bar(&cp);
    if (status == F8K_STATUS_UNSUPPORTED) {
        fprintf(stderr, "%s: %s\n", f8k_index_progname, f8k_index_last_error(index));
        rc = F8K_EXIT_USAGE;
    } else if (status != F8K_STATUS_SUCCESS && status != F8K_STATUS_INTERRUPTED) {
        fprintf(stderr, "%s: %s: %s: %s\n", f8k_index_progname, db, f8k_status_to_string(status),
                f8k_index_last_error(index));
        rc = F8K_EXIT_FAILED;
    } else if (counts.failed > 0) {
        rc = F8K_EXIT_FAILED;
    }
    status = f8k_index_close(index);
    index = NULL;
    if (status != F8K_STATUS_SUCCESS) {
        fprintf(stderr, "%s: %s: %s\n", f8k_index_progname, db, f8k_status_to_string(status));
        rc = F8K_EXIT_FAILED;
    }
    if (!quiet && rc != F8K_EXIT_USAGE)
        printf("added %lu, replaced %lu, unchanged %lu, removed %lu, failed %lu in %.1f s\n",
               counts.added, counts.replaced, counts.unchanged, counts.removed, counts.failed,
               seconds);
    if (stop_signal != 0) {
        fprintf(stderr, "%s: interrupted; what was indexed is committed\n", f8k_index_progname);
        rc = 128 + stop_signal;
    }
done:
    f8k_index_close(index);
    free(db);
    return rc;
}
