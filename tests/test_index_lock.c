/*
 * test_index_lock.c - one writer at a time: `f8k-index add` exits 75
 * at once while another writer holds the lock (held here through the
 * binding), and with --wait-lock it succeeds when the holder lets go
 * within the wait (a forked holder), or gives up with 75 after it.
 */
#include "f8k_test.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <f8k/f8k_xapian.h>

#include "test_index_util.h"

typedef struct fixture {
    char *tmp;
    char *db;
    char *seed; /* a file to add */
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    char *seeds = f8k_test_seeds_dir();
    F8K_REQUIRE_OR_SKIP(seeds != NULL, "no seeds");
    f->tmp = f8k_test_tmpdir();
    f->db = f8k_test_path(f->tmp, "db");
    f->seed = f8k_test_path(seeds, "000_1b11c0cb41d2ce45.txt");
    free(seeds);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    f8k_test_rmtree(f->tmp);
    free(f->tmp);
    free(f->db);
    free(f->seed);
    free(f);
    return 0;
}

/* Fork a child that holds the write lock on DB for HOLD_S seconds. */
static pid_t hold_lock_in_child(const char *db, double hold_s)
{
    int pipefd[2];
    char c = 0;
    pid_t pid;
    assert_int_equal(pipe(pipefd), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        f8k_db_t *w = NULL;
        struct timespec ts;
        close(pipefd[0]);
        if (f8k_db_open_writable(db, 0, &w, NULL) != F8K_STATUS_SUCCESS)
            _exit(3);
        (void)!write(pipefd[1], "x", 1);
        ts.tv_sec = (time_t)hold_s;
        ts.tv_nsec = (long)((hold_s - (double)ts.tv_sec) * 1e9);
        nanosleep(&ts, NULL);
        f8k_db_close(w);
        _exit(0);
    }
    close(pipefd[1]);
    assert_int_equal(read(pipefd[0], &c, 1), 1); /* the child holds the lock now */
    close(pipefd[0]);
    return pid;
}

static void test_locked_exits_75(void **state)
{
    fixture_t *f = *state;
    f8k_db_t *holder = NULL;
    char *out = NULL, *err = NULL;
    time_t t0;
    int rc;

    /* Create the index first, then hold its lock from this process. */
    rc = idx_run(60, &out, &err, "--db", f->db, "add", f->seed, NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    assert_int_equal(f8k_db_open_writable(f->db, 0, &holder, NULL), F8K_STATUS_SUCCESS);
    t0 = time(NULL);
    rc = idx_run(60, &out, &err, "--db", f->db, "add", f->seed, NULL);
    assert_int_equal(rc, 75);
    assert_true(time(NULL) - t0 < 5); /* at once */
    assert_non_null(strstr(err, "locked by another writer"));
    assert_non_null(strstr(err, "cron will retry"));
    assert_string_equal(out, "");
    free(out);
    free(err);
    rc = idx_run(60, &out, &err, "--db", f->db, "remove", "h0000000000000000", NULL);
    assert_int_equal(rc, 75);
    free(out);
    free(err);
    rc = idx_run(60, &out, &err, "--db", f->db, "compact", NULL);
    assert_int_equal(rc, 75);
    free(out);
    free(err);
    /* Readers are not blocked by the writer. */
    rc = idx_run(60, &out, &err, "--db", f->db, "status", NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    assert_int_equal(f8k_db_close(holder), F8K_STATUS_SUCCESS);
    rc = idx_run(60, &out, &err, "--db", f->db, "add", f->seed, NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
}

static void test_wait_lock(void **state)
{
    fixture_t *f = *state;
    char *out = NULL, *err = NULL;
    int rc, wst = 0;
    pid_t pid;
    time_t t0;

    rc = idx_run(60, &out, &err, "--db", f->db, "add", f->seed, NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);

    /* The holder lets go after 2 s; --wait-lock=30 gets the lock. */
    pid = hold_lock_in_child(f->db, 2.0);
    t0 = time(NULL);
    rc = idx_run(60, &out, &err, "--db", f->db, "add", "--wait-lock=30", f->seed, NULL);
    assert_int_equal(rc, 0);
    assert_true(time(NULL) - t0 >= 1);
    assert_non_null(strstr(out, "unchanged 1"));
    free(out);
    free(err);
    assert_int_equal(waitpid(pid, &wst, 0), pid);
    assert_true(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);

    /* --wait-lock given without a value waits (default 60 s) too. */
    pid = hold_lock_in_child(f->db, 1.0);
    rc = idx_run(90, &out, &err, "--db", f->db, "add", "--wait-lock", f->seed, NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    waitpid(pid, &wst, 0);

    /* The holder keeps it longer than the wait: 75, after about the wait. */
    pid = hold_lock_in_child(f->db, 6.0);
    t0 = time(NULL);
    rc = idx_run(60, &out, &err, "--db", f->db, "add", "--wait-lock=1", f->seed, NULL);
    assert_int_equal(rc, 75);
    assert_true(time(NULL) - t0 < 5);
    free(out);
    free(err);
    kill(pid, SIGKILL);
    waitpid(pid, &wst, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_locked_exits_75, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wait_lock, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
