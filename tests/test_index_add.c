/*
 * test_index_add.c - `f8k-index add` end to end: idempotent re-add,
 * replace on change, prune, remove, status, compact, the summary line.
 * Runs the built f8k-index on temporary databases; the corpus cases
 * skip (77) without the shared corpus.
 */
#include "f8k_test.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "test_index_util.h"

#define AMD_FILE      "timmermann-lab-1994/0000002488-94-000001.txt"
#define AMD_ACCESSION "0000002488-94-000001"

typedef struct fixture {
    char *tmp; /* private directory */
    char *db;  /* database path inside it (not created) */
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->tmp = f8k_test_tmpdir();
    f->db = f8k_test_path(f->tmp, "db");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    f8k_test_rmtree(f->tmp);
    free(f->tmp);
    free(f->db);
    free(f);
    return 0;
}

static char *corpus_file_or_skip(const char *rel)
{
    char *corpus = f8k_test_corpus_dir();
    char *p = NULL;
    if (corpus == NULL) {
        fprintf(stderr, "skipped: no shared corpus\n");
        exit(F8K_TEST_SKIP);
    }
    p = f8k_test_path(corpus, rel);
    free(corpus);
    return p;
}

/* Adding the seed and the samples twice: same counts, all unchanged. */
static void test_readd_is_idempotent(void **state)
{
    fixture_t *f = *state;
    char *seeds = f8k_test_seeds_dir(), *samples = f8k_test_samples_dir();
    char *out = NULL, *err = NULL;
    idx_summary_t s1, s2;
    unsigned long filings, docs;
    int rc;

    F8K_REQUIRE_OR_SKIP(seeds != NULL && samples != NULL, "no seeds or samples");
    rc = idx_run(120, &out, &err, "--db", f->db, "add", seeds, samples, NULL);
    assert_int_equal(rc, 0);
    assert_true(idx_parse_summary(out, &s1));
    assert_true(s1.added > 0);
    assert_int_equal(s1.failed, 0);
    assert_string_equal(err, "");
    filings = idx_filings(f->db);
    docs = idx_documents(f->db);
    assert_true(filings >= s1.added);
    assert_true(docs >= filings);
    assert_true(idx_unique_terms_once(f->db));
    free(out);
    free(err);

    rc = idx_run(120, &out, &err, "--db", f->db, "add", seeds, samples, NULL);
    assert_int_equal(rc, 0);
    assert_true(idx_parse_summary(out, &s2));
    assert_int_equal(s2.added, 0);
    assert_int_equal(s2.replaced, 0);
    assert_int_equal(s2.unchanged, s1.added + s1.replaced);
    assert_int_equal(idx_filings(f->db), filings);
    assert_int_equal(idx_documents(f->db), docs);
    free(out);
    free(err);

    /* Touching a file (mtime only) is confirmed by the content hash. */
    {
        char *seed = f8k_test_path(f->tmp, "seed.txt");
        char *src = f8k_test_path(seeds, "000_1b11c0cb41d2ce45.txt");
        assert_true(idx_copy_file(src, seed));
        rc = idx_run(120, &out, &err, "--db", f->db, "add", seed, NULL);
        assert_int_equal(rc, 0);
        assert_true(idx_parse_summary(out, &s2));
        /* Same content as the seed: the same "h..." id, so a replace. */
        assert_int_equal(s2.replaced, 1);
        free(out);
        free(err);
        assert_int_equal(utimes(seed, NULL), 0);
        rc = idx_run(120, &out, &err, "--db", f->db, "add", seed, NULL);
        assert_int_equal(rc, 0);
        assert_true(idx_parse_summary(out, &s2));
        assert_int_equal(s2.unchanged, 1);
        assert_int_equal(s2.replaced, 0);
        free(out);
        free(err);
        free(seed);
        free(src);
    }
    assert_int_equal(idx_filings(f->db), filings);
    assert_int_equal(idx_documents(f->db), docs);
    free(seeds);
    free(samples);
}

/* Editing a file and adding it again replaces the filing's text. */
static void test_replace_on_change(void **state)
{
    fixture_t *f = *state;
    char *src = corpus_file_or_skip(AMD_FILE);
    char *dir = f8k_test_path(f->tmp, "in");
    char *copy = NULL;
    char *out = NULL, *err = NULL;
    idx_summary_t s;
    unsigned long docs;
    int rc;

    mkdir(dir, 0700);
    copy = f8k_test_path(dir, "amd.txt");
    assert_true(idx_copy_file(src, copy));
    rc = idx_run(120, &out, &err, "--db", f->db, "add", dir, NULL);
    assert_int_equal(rc, 0);
    assert_true(idx_parse_summary(out, &s));
    assert_int_equal(s.added, 1);
    free(out);
    free(err);
    docs = idx_documents(f->db);
    assert_int_equal(idx_filings(f->db), 1);
    assert_true(idx_termfreq(f->db, "deguigne") > 0);
    assert_int_equal(idx_termfreq(f->db, "zyxwvutsq"), 0);
    assert_int_equal(idx_termfreq(f->db, "XF" AMD_ACCESSION), docs);
    assert_int_equal(idx_termfreq(f->db, "XCIK0000002488"), docs);

    sleep(1); /* a distinct mtime even on coarse filesystems */
    assert_true(idx_edit_file(copy, "Deguigne", "Zyxwvutsq"));
    rc = idx_run(120, &out, &err, "--db", f->db, "add", dir, NULL);
    assert_int_equal(rc, 0);
    assert_true(idx_parse_summary(out, &s));
    assert_int_equal(s.replaced, 1);
    assert_int_equal(s.added, 0);
    free(out);
    free(err);
    assert_int_equal(idx_filings(f->db), 1);
    assert_int_equal(idx_documents(f->db), docs);
    assert_int_equal(idx_termfreq(f->db, "deguigne"), 0);
    assert_true(idx_termfreq(f->db, "zyxwvutsq") > 0);
    assert_true(idx_unique_terms_once(f->db));
    free(src);
    free(copy);
    free(dir);
}

/* --prune drops filings whose files are gone; remove drops by accession. */
static void test_prune_and_remove(void **state)
{
    fixture_t *f = *state;
    char *src = corpus_file_or_skip(AMD_FILE);
    char *src2 = corpus_file_or_skip("timmermann-lab-1994/0000002488-94-000002.txt");
    char *dir = f8k_test_path(f->tmp, "in");
    char *a = NULL, *b = NULL, *out = NULL, *err = NULL;
    idx_summary_t s;
    int rc;

    mkdir(dir, 0700);
    a = f8k_test_path(dir, "a.txt");
    b = f8k_test_path(dir, "b.txt");
    assert_true(idx_copy_file(src, a));
    assert_true(idx_copy_file(src2, b));
    rc = idx_run(120, &out, &err, "--db", f->db, "add", dir, NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    assert_int_equal(idx_filings(f->db), 2);

    /* Without --prune a deleted file's filing stays. */
    assert_int_equal(unlink(a), 0);
    rc = idx_run(120, &out, &err, "--db", f->db, "add", dir, NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    assert_int_equal(idx_filings(f->db), 2);
    rc = idx_run(120, &out, &err, "--db", f->db, "add", "--prune", dir, NULL);
    assert_int_equal(rc, 0);
    assert_true(idx_parse_summary(out, &s));
    assert_int_equal(s.removed, 1);
    assert_int_equal(s.unchanged, 1);
    free(out);
    free(err);
    assert_int_equal(idx_filings(f->db), 1);
    assert_int_equal(idx_termfreq(f->db, "XF" AMD_ACCESSION), 0);

    /* remove by accession; an unknown one is reported with exit 1. */
    rc = idx_run(60, &out, &err, "--db", f->db, "remove", "0000002488-94-000002", NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    assert_int_equal(idx_filings(f->db), 0);
    assert_int_equal(idx_documents(f->db), 0);
    rc = idx_run(60, &out, &err, "--db", f->db, "remove", "0000000000-00-000000", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "0000000000-00-000000: not in the index"));
    free(out);
    free(err);

    /* A removed filing comes back when its file is added again. */
    rc = idx_run(120, &out, &err, "--db", f->db, "add", dir, NULL);
    assert_int_equal(rc, 0);
    assert_true(idx_parse_summary(out, &s));
    assert_int_equal(s.added, 1);
    free(out);
    free(err);
    free(a);
    free(b);
    free(src);
    free(src2);
    free(dir);
}

/* status (text and json) and compact in place. */
static void test_status_and_compact(void **state)
{
    fixture_t *f = *state;
    char *samples = f8k_test_samples_dir();
    char *out = NULL, *err = NULL;
    json_object *o = NULL, *v = NULL;
    unsigned long filings, docs;
    struct stat st;
    int rc;

    F8K_REQUIRE_OR_SKIP(samples != NULL, "no samples");
    rc = idx_run(60, &out, &err, "--db", f->db, "status", NULL);
    assert_int_equal(rc, 1); /* no database yet */
    free(out);
    free(err);
    rc = idx_run(120, &out, &err, "--db", f->db, "add", "--quiet", samples, NULL);
    assert_int_equal(rc, 0);
    assert_string_equal(out, ""); /* --quiet: no summary */
    free(out);
    free(err);
    assert_int_equal(stat(f->db, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    filings = idx_filings(f->db);
    docs = idx_documents(f->db);

    rc = idx_run(60, &out, &err, "--db", f->db, "status", "--format", "json", NULL);
    assert_int_equal(rc, 0);
    o = json_tokener_parse(out);
    assert_non_null(o);
    assert_true(json_object_object_get_ex(o, "filings", &v));
    assert_int_equal(json_object_get_int64(v), (int64_t)filings);
    assert_true(json_object_object_get_ex(o, "documents", &v));
    assert_int_equal(json_object_get_int64(v), (int64_t)docs);
    assert_true(json_object_object_get_ex(o, "analyzer", &v));
    assert_non_null(strstr(json_object_get_string(v), "f8k-analyzer/"));
    assert_true(json_object_object_get_ex(o, "last_run", &v));
    assert_true(json_object_is_type(v, json_type_object));
    json_object_put(o);
    free(out);
    free(err);
    rc = idx_run(60, &out, &err, "--db", f->db, "status", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "filings: "));
    assert_non_null(strstr(out, "last run: "));
    free(out);
    free(err);

    rc = idx_run(120, &out, &err, "--db", f->db, "compact", NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    assert_int_equal(idx_filings(f->db), filings);
    assert_int_equal(idx_documents(f->db), docs);
    assert_int_equal(stat(f->db, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    /* Still writable and still the same index: a re-add changes nothing. */
    rc = idx_run(120, &out, &err, "--db", f->db, "add", samples, NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "added 0, replaced 0"));
    free(out);
    free(err);
    free(samples);
}

/* Usage errors exit 2; $F8K_DB is honoured. */
static void test_usage_and_env(void **state)
{
    fixture_t *f = *state;
    char *out = NULL, *err = NULL;
    int rc;

    rc = idx_run(30, &out, &err, "--db", f->db, "add", NULL);
    assert_int_equal(rc, 2);
    free(out);
    free(err);
    rc = idx_run(30, &out, &err, "--db", f->db, "add", "--jobs", "zero", ".", NULL);
    assert_int_equal(rc, 2);
    free(out);
    free(err);
    rc = idx_run(30, &out, &err, "--db", f->db, "add", "--bogus", ".", NULL);
    assert_int_equal(rc, 2);
    free(out);
    free(err);
    setenv("F8K_DB", f->db, 1);
    rc = idx_run(30, &out, &err, "status", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, f->db));
    free(out);
    free(err);
    unsetenv("F8K_DB");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_readd_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_on_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prune_and_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_and_compact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usage_and_env, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
