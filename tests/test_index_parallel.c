/*
 * test_index_parallel.c - the parallel build from empty of `f8k-index
 * add` (shard writers, then one merge; indexer/index.c): on 300
 * corpus filings plus a second copy of one of them, --jobs 2 gives
 * the same index as --jobs 1 (the same counts, file records and
 * summary, the same search results for fixed queries) and a rerun
 * finds everything unchanged; kill -9 before the merge leaves an
 * empty, valid index that the next run builds completely; SIGTERM
 * merges what is done.  Skips (77) without the corpus.
 */
#include "f8k_test.h"

#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "index-private.h"
#include "test_index_util.h"
#include "test_reliability_util.h"

static const char *const queries[] = {
    "merger",        "\"change in control\"", "item:5",
    "company:bank*", "dividend NEAR/5 stock", "resign* director",
};
#define N_QUERIES (sizeof queries / sizeof queries[0])

/* The lines of S sorted (ties in rank may come in another order). */
static char *sorted_lines(const char *s)
{
    char *copy = strdup(s), *line = NULL, *save = NULL, *out = NULL;
    char **lines = NULL;
    size_t n = 0, cap = 0, i, len = 0;
    for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            lines = realloc(lines, cap * sizeof *lines);
            assert_non_null(lines);
        }
        lines[n++] = line;
        len += strlen(line) + 1;
    }
    for (i = 1; i < n; i++) { /* insertion sort: a few hundred lines */
        char *l = lines[i];
        size_t j = i;
        while (j > 0 && strcmp(lines[j - 1], l) > 0) {
            lines[j] = lines[j - 1];
            j--;
        }
        lines[j] = l;
    }
    out = calloc(len + 1, 1);
    assert_non_null(out);
    for (i = 0; i < n; i++) {
        strcat(out, lines[i]);
        strcat(out, "\n");
    }
    free(lines);
    free(copy);
    return out;
}

static char *search_sorted(const char *db, const char *query)
{
    char *out = NULL, *err = NULL, *sorted = NULL;
    int rc = rel_search(db, 120, &out, &err, "--format", "paths", "--limit", "0", query, NULL);
    if (rc != 0)
        fprintf(stderr, "search %s: %d %s\n", query, rc, err);
    assert_int_equal(rc, 0);
    sorted = sorted_lines(out);
    free(out);
    free(err);
    return sorted;
}

/* Entries of DB's directory that are shards (SHARD_DIR_PREFIX "f8k-shard."). */
static int shard_dirs(const char *db)
{
    DIR *d = opendir(db);
    struct dirent *e = NULL;
    int n = 0;
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, "f8k-shard.", 10) == 0;
    closedir(d);
    return n;
}

static idx_summary_t add(const char *db, const char *jobs, const char *in)
{
    char *out = NULL, *err = NULL;
    idx_summary_t s;
    int rc = idx_run(600, &out, &err, "--db", db, "add", "--jobs", jobs, in, NULL);
    if (rc != 0)
        fprintf(stderr, "f8k-index add --jobs %s: %d %s\n", jobs, rc, err);
    assert_int_equal(rc, 0);
    assert_true(idx_parse_summary(out, &s));
    free(out);
    free(err);
    return s;
}

typedef struct fixture {
    char *tmp, *in, *ref;
    unsigned long filings, documents;
    long files;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    char *corpus = f8k_test_corpus_dir();
    char *from = NULL, *to = NULL;
    idx_summary_t s;

    F8K_REQUIRE_OR_SKIP(corpus != NULL, "no shared corpus");
    f->tmp = f8k_test_tmpdir();
    f->in = f8k_test_path(f->tmp, "in");
    f->ref = f8k_test_path(f->tmp, "ref");
    rel_link_corpus(f->in, "timmermann-lab-1994", 500, 220);
    rel_link_corpus(f->in, "edgar-crawler", 0, 80);
    /* The same filing twice: the second replaces the first within the run. */
    {
        struct dirent **names = NULL;
        int n = scandir(f->in, &names, NULL, alphasort), i;
        assert_true(n > 2);
        char *link = f8k_test_path(f->in, names[2]->d_name); /* after "." and ".." */
        from = realpath(link, NULL);
        free(link);
        for (i = 0; i < n; i++)
            free(names[i]);
        free(names);
    }
    to = f8k_test_path(f->in, "zz-copy.txt");
    assert_true(idx_copy_file(from, to));
    s = add(f->ref, "1", f->in);
    assert_int_equal(s.failed, 0);
    assert_int_equal(s.replaced, 1);
    f->filings = idx_filings(f->ref);
    f->documents = idx_documents(f->ref);
    f->files = rel_status_field(f->ref, "files");
    assert_true(f->filings >= 295);
    assert_int_equal(f->files, 301);
    free(from);
    free(to);
    free(corpus);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    if (f == NULL)
        return 0;
    f8k_test_rmtree(f->tmp);
    free(f->tmp);
    free(f->in);
    free(f->ref);
    free(f);
    return 0;
}

static void test_same_as_one_job(void **state)
{
    fixture_t *f = *state;
    char *db = f8k_test_path(f->tmp, "par");
    idx_summary_t s = add(db, "2", f->in);
    size_t i;

    assert_int_equal(s.added + s.replaced, 301);
    assert_int_equal(s.replaced, 1);
    assert_int_equal(rel_xapian_check(db), 0);
    assert_int_equal(shard_dirs(db), 0);
    assert_int_equal(idx_filings(db), f->filings);
    assert_int_equal(idx_documents(db), f->documents);
    assert_true(idx_unique_terms_once(db));
    /* The file records and the index's own metadata survive the merge. */
    assert_int_equal(rel_status_field(db, "files"), f->files);
    for (i = 0; i < N_QUERIES; i++) {
        char *a = search_sorted(f->ref, queries[i]), *b = search_sorted(db, queries[i]);
        if (i == 0)
            assert_true(strlen(a) > 0); /* "merger" finds filings */
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    s = add(db, "2", f->in);
    assert_int_equal(s.unchanged, 301);
    assert_int_equal(s.added + s.replaced, 0);
    f8k_test_rmtree(db);
    free(db);
}

/* Start a parallel add of IN into DB; wait until a shard has a commit. */
static pid_t start_and_wait(const char *db, const char *in, bool *exited, int *wst)
{
    char *bin = idx_bin();
    char *argv[] = {bin, "--db", (char *)db, "add", "--quiet", "--jobs", "2", (char *)in, NULL};
    char *shard = f8k_test_path(db, "f8k-shard.0");
    pid_t pid = rel_spawn(argv, NULL);
    int i;

    *exited = false;
    for (i = 0; i < 6000 && !*exited; i++) {
        struct stat st;
        char *iam = f8k_test_path(shard, "iamglass");
        bool ready = stat(iam, &st) == 0 && idx_documents(shard) > 0;
        free(iam);
        if (ready)
            break;
        rel_sleep_ms(10);
        *exited = waitpid(pid, wst, WNOHANG) == pid;
    }
    free(shard);
    free(bin);
    return pid;
}

static void test_kill9_before_merge(void **state)
{
    fixture_t *f = *state;
    char *db = f8k_test_path(f->tmp, "killed");
    bool exited = false;
    int wst = 0;
    pid_t pid = start_and_wait(db, f->in, &exited, &wst);

    if (!exited) {
        kill(pid, SIGKILL);
        assert_int_equal(waitpid(pid, &wst, 0), pid);
        if (WIFSIGNALED(wst)) {
            /* Nothing is merged: an empty index, valid, that the next run rebuilds. */
            assert_int_equal(rel_xapian_check(db), 0);
            assert_int_equal(idx_documents(db), 0);
            assert_int_equal(rel_status_field(db, "files"), 0);
        }
    } else {
        fprintf(stderr, "the build ended before the kill\n");
    }
    add(db, "2", f->in);
    assert_int_equal(shard_dirs(db), 0);
    assert_int_equal(rel_xapian_check(db), 0);
    assert_int_equal(idx_filings(db), f->filings);
    assert_int_equal(idx_documents(db), f->documents);
    assert_int_equal(rel_status_field(db, "files"), f->files);
    assert_true(idx_unique_terms_once(db));
    f8k_test_rmtree(db);
    free(db);
}

static void test_sigterm_merges(void **state)
{
    fixture_t *f = *state;
    char *db = f8k_test_path(f->tmp, "stopped");
    bool exited = false;
    int wst = 0;
    pid_t pid = start_and_wait(db, f->in, &exited, &wst);
    idx_summary_t s;

    if (!exited) {
        kill(pid, SIGTERM);
        assert_int_equal(waitpid(pid, &wst, 0), pid);
    }
    assert_true(WIFEXITED(wst));
    assert_true(WEXITSTATUS(wst) == 143 || WEXITSTATUS(wst) == 0);
    assert_int_equal(shard_dirs(db), 0);
    assert_int_equal(rel_xapian_check(db), 0);
    assert_true(idx_unique_terms_once(db));
    /* What was written before the stop was merged, with its file records. */
    assert_true(idx_documents(db) > 0);
    assert_true(rel_status_field(db, "files") > 0);
    s = add(db, "2", f->in);
    assert_true(s.unchanged > 0);
    assert_int_equal(idx_filings(db), f->filings);
    assert_int_equal(idx_documents(db), f->documents);
    assert_int_equal(rel_status_field(db, "files"), f->files);
    assert_true(idx_unique_terms_once(db));
    f8k_test_rmtree(db);
    free(db);
}

/* The routing: stable, in range, and both shards get filings. */
static void test_shard_of(void **state)
{
    size_t used[2] = {0, 0};
    char id[32];
    int i;
    (void)state;
    assert_int_equal(index_shard_of("0000002488-94-000001", 1), 0);
    assert_int_equal(index_shard_of("0000002488-94-000001", 0), 0);
    for (i = 0; i < 200; i++) {
        size_t k;
        snprintf(id, sizeof id, "0000950123-10-%06d", i);
        k = index_shard_of(id, 2);
        assert_true(k < 2);
        assert_int_equal(index_shard_of(id, 2), k);
        used[k]++;
    }
    assert_true(used[0] > 50 && used[1] > 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shard_of),
        cmocka_unit_test(test_same_as_one_job),
        cmocka_unit_test(test_kill9_before_merge),
        cmocka_unit_test(test_sigterm_merges),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
