/*
 * test_xapian_lock.c - the single-writer lock across processes, bounded
 * waiting for it, and readers invalidated by a writer's commits
 * (DatabaseModifiedError), handled by reopen-and-retry.
 */
#include "f8k_test.h"
#include "test_xapian_fixture.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define N_FILINGS 40

static xt_corpus_t *corpus;

typedef struct per_test {
    char *dir;
    char *db_path;
} per_test_t;

static int group_setup(void **state)
{
    (void)state;
    corpus = xt_corpus_load(N_FILINGS);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    xt_corpus_free(corpus);
    return 0;
}

static int setup(void **state)
{
    per_test_t *t = calloc(1, sizeof(*t));
    assert_non_null(t);
    t->dir = f8k_test_tmpdir();
    t->db_path = f8k_test_path(t->dir, "db");
    xt_index(corpus, t->db_path, 0, 1);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    per_test_t *t = *state;
    f8k_test_rmtree(t->dir);
    free(t->db_path);
    free(t->dir);
    free(t);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait for CHILD and return its exit code (-1 if it did not exit). */
static int wait_child(pid_t child)
{
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Fork a child that holds the write lock: it opens the writer, writes
 * one byte to the returned pipe, then holds the lock for HOLD_MS
 * milliseconds (or until the parent writes to *RELEASE_FD when HOLD_MS
 * is negative), closes and exits 0.
 */
static pid_t fork_lock_holder(const char *path, int hold_ms, int *release_fd)
{
    int ready[2], release[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(release), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        f8k_db_t *db = NULL;
        close(ready[0]);
        close(release[1]);
        if (f8k_db_open_writable(path, 0, &db, NULL) != F8K_STATUS_SUCCESS)
            _exit(3);
        if (write(ready[1], "r", 1) != 1)
            _exit(4);
        if (hold_ms >= 0) {
            struct timespec ts = {hold_ms / 1000, (long)(hold_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        } else {
            char c;
            if (read(release[0], &c, 1) < 0)
                _exit(5);
        }
        _exit(f8k_db_close(db) == F8K_STATUS_SUCCESS ? 0 : 6);
    }
    close(ready[1]);
    close(release[0]);
    char c = 0;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    if (release_fd != NULL)
        *release_fd = release[1];
    else
        close(release[1]);
    return child;
}

static void test_second_writer_in_another_process_is_locked_at_once(void **state)
{
    per_test_t *t = *state;
    f8k_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(f8k_db_open_writable(t->db_path, 0, &db, &err), F8K_STATUS_SUCCESS);

    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        f8k_db_t *second = NULL;
        double start = now_s();
        f8k_status_t st = f8k_db_open_writable(t->db_path, 0, &second, NULL);
        /* Exit with the status, or 100 if it was not "at once". */
        _exit(now_s() - start > 2.0 ? 100 : (int)st);
    }
    assert_int_equal(wait_child(child), F8K_STATUS_DB_LOCKED);

    /* In this process, too, with a message naming the lock error. */
    f8k_db_t *second = NULL;
    assert_int_equal(f8k_db_open_writable(t->db_path, 0, &second, &err), F8K_STATUS_DB_LOCKED);
    assert_null(second);
    assert_non_null(err);
    assert_non_null(strstr(err, "DatabaseLockError"));
    free(err);
    /* Readers are not blocked by the writer. */
    assert_int_equal(f8k_db_open(t->db_path, &second, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_close(second), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
}

static void test_timed_wait_succeeds_when_the_writer_leaves(void **state)
{
    per_test_t *t = *state;
    pid_t child = fork_lock_holder(t->db_path, 600, NULL);
    f8k_db_t *db = NULL;
    double start = now_s();
    f8k_status_t st = f8k_db_open_writable(t->db_path, 10.0, &db, NULL);
    double waited = now_s() - start;
    assert_int_equal(st, F8K_STATUS_SUCCESS);
    assert_true(waited >= 0.2);
    assert_true(waited < 5.0);
    assert_int_equal(wait_child(child), 0);
    unsigned count = 0;
    assert_int_equal(f8k_db_doccount(db, &count), F8K_STATUS_SUCCESS);
    assert_int_equal(count, corpus->n);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
}

static void test_timed_wait_times_out_when_the_writer_stays(void **state)
{
    per_test_t *t = *state;
    int release = -1;
    pid_t child = fork_lock_holder(t->db_path, -1, &release);
    f8k_db_t *db = NULL;
    double start = now_s();
    f8k_status_t st = f8k_db_open_writable(t->db_path, 0.5, &db, NULL);
    double waited = now_s() - start;
    assert_int_equal(st, F8K_STATUS_DB_LOCKED);
    assert_null(db);
    assert_true(waited >= 0.45);
    assert_true(waited < 3.0);
    /* Fail-fast mode does not wait at all. */
    start = now_s();
    assert_int_equal(f8k_db_open_writable(t->db_path, 0, &db, NULL), F8K_STATUS_DB_LOCKED);
    assert_true(now_s() - start < 0.4);
    assert_int_equal(write(release, "x", 1), 1);
    close(release);
    assert_int_equal(wait_child(child), 0);
}

/*
 * The writer child's loop: no cmocka asserts in a forked child (a
 * failure would unwind into the child's copy of the test runner).
 */
static f8k_status_t child_rewrite_all(f8k_db_t *writer, int round)
{
    f8k_status_t st = F8K_STATUS_SUCCESS;
    for (size_t i = 0; i < corpus->n && st == F8K_STATUS_SUCCESS; i++) {
        char term[32], extra[32];
        f8k_doc_t *doc = NULL;
        const xt_filing_t *f = &corpus->filings[(i + (size_t)round) % corpus->n];
        st = f8k_doc_new(&doc);
        for (size_t k = 0; k < f->nwords && st == F8K_STATUS_SUCCESS; k++)
            st = f8k_doc_add_posting(doc, f->words[k], (f8k_termpos_t)(k + 1), 1);
        xt_unique_term(&corpus->filings[i], term, sizeof(term));
        snprintf(extra, sizeof(extra), "Xround%d", round);
        if (st == F8K_STATUS_SUCCESS)
            st = f8k_doc_add_boolean_term(doc, term);
        if (st == F8K_STATUS_SUCCESS)
            st = f8k_doc_add_boolean_term(doc, extra);
        if (st == F8K_STATUS_SUCCESS)
            st = f8k_doc_set_data(doc, f->head, strlen(f->head));
        if (st == F8K_STATUS_SUCCESS)
            st = f8k_db_replace_document_by_term(writer, term, doc, NULL);
        f8k_doc_free(doc);
    }
    if (st == F8K_STATUS_SUCCESS)
        st = f8k_db_commit(writer);
    if (st != F8K_STATUS_SUCCESS)
        fprintf(stderr, "writer child: %s: %s\n", f8k_status_to_string(st),
                f8k_db_last_error(writer));
    return st;
}

/* Replace every document with a variant (ROUND shifts contents) and commit. */
static void rewrite_all(f8k_db_t *writer, int round)
{
    assert_int_equal(child_rewrite_all(writer, round), F8K_STATUS_SUCCESS);
}

static void test_stale_reader_gets_db_modified_and_search_retries(void **state)
{
    per_test_t *t = *state;
    f8k_db_t *reader = NULL, *writer = NULL;
    assert_int_equal(f8k_db_open(t->db_path, &reader, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_open_writable(t->db_path, 0, &writer, NULL), F8K_STATUS_SUCCESS);
    /* Enough commits that the reader's old revision's blocks are reused. */
    size_t modified = 0;
    for (int round = 1; round <= 6 && modified == 0; round++) {
        rewrite_all(writer, round);
        for (f8k_docid_t id = 1; id <= (f8k_docid_t)corpus->n; id++) {
            f8k_doc_t *doc = NULL;
            const char *data = NULL;
            f8k_status_t st = f8k_db_get_document(reader, id, &doc);
            if (st == F8K_STATUS_SUCCESS)
                st = f8k_doc_get_data(doc, &data, NULL);
            f8k_doc_free(doc);
            assert_true(st == F8K_STATUS_SUCCESS || st == F8K_STATUS_DB_MODIFIED ||
                        st == F8K_STATUS_DOC_NOT_FOUND);
            modified += st == F8K_STATUS_DB_MODIFIED;
        }
    }
    assert_true(modified > 0);

    /* A search on the stale reader succeeds: it reopens and retries. */
    f8k_enquire_t *enq = NULL;
    f8k_query_t *all = NULL;
    f8k_mset_t *mset = NULL;
    assert_int_equal(f8k_query_match_all(&all), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_enquire_new(reader, &enq), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_enquire_set_query(enq, all), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_enquire_get_mset(enq, 0, 0, 0, F8K_MSET_FETCH_DATA, &mset),
                     F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_mset_size(mset), corpus->n);
    f8k_mset_free(mset);
    /* After the retry's reopen the reader sees the latest round. */
    bool changed = true;
    assert_int_equal(f8k_db_reopen(reader, &changed), F8K_STATUS_SUCCESS);
    assert_false(changed);
    f8k_strlist_t *rounds = NULL;
    assert_int_equal(f8k_db_allterms(reader, "Xround", &rounds), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_strlist_size(rounds), 1);
    f8k_strlist_free(rounds);
    f8k_enquire_free(enq);
    f8k_query_free(all);
    assert_int_equal(f8k_db_close(writer), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_close(reader), F8K_STATUS_SUCCESS);
}

static void test_reader_racing_a_writer_process(void **state)
{
    per_test_t *t = *state;
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        f8k_db_t *writer = NULL;
        if (f8k_db_open_writable(t->db_path, 5.0, &writer, NULL) != F8K_STATUS_SUCCESS)
            _exit(3);
        double start = now_s();
        for (int round = 1; now_s() - start < 1.5; round++) {
            if (child_rewrite_all(writer, round) != F8K_STATUS_SUCCESS)
                _exit(7);
        }
        _exit(f8k_db_close(writer) == F8K_STATUS_SUCCESS ? 0 : 6);
    }
    f8k_db_t *reader = NULL;
    f8k_enquire_t *enq = NULL;
    f8k_query_t *all = NULL;
    size_t ok = 0, modified = 0;
    assert_int_equal(f8k_db_open(t->db_path, &reader, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_query_match_all(&all), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_enquire_new(reader, &enq), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_enquire_set_query(enq, all), F8K_STATUS_SUCCESS);
    double start = now_s();
    while (now_s() - start < 2.0) {
        f8k_mset_t *mset = NULL;
        f8k_status_t st = f8k_enquire_get_mset(enq, 0, 0, 0, F8K_MSET_FETCH_DATA, &mset);
        if (st == F8K_STATUS_SUCCESS) {
            ok++;
            assert_int_equal(f8k_mset_size(mset), corpus->n);
        } else {
            /* Only a clean "modified" after the bounded retries is allowed. */
            assert_int_equal(st, F8K_STATUS_DB_MODIFIED);
            assert_null(mset);
            modified++;
        }
        f8k_mset_free(mset);
    }
    assert_int_equal(wait_child(child), 0);
    fprintf(stderr, "racing reader: %zu searches succeeded, %zu DB_MODIFIED\n", ok, modified);
    assert_true(ok > 0);
    f8k_enquire_free(enq);
    f8k_query_free(all);
    assert_int_equal(f8k_db_close(reader), F8K_STATUS_SUCCESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_second_writer_in_another_process_is_locked_at_once,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_timed_wait_succeeds_when_the_writer_leaves, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timed_wait_times_out_when_the_writer_stays, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stale_reader_gets_db_modified_and_search_retries,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_racing_a_writer_process, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
