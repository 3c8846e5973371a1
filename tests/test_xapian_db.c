/*
 * test_xapian_db.c - database life cycle, documents, metadata,
 * spelling and synonyms through the binding, and the status of every
 * failure it can be made to report without a second process.
 */
#include "f8k_test.h"
#include "test_xapian_fixture.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_FILINGS 40

typedef struct per_test {
    xt_corpus_t *corpus;
    char *dir;
    char *db_path;
} per_test_t;

static xt_corpus_t *corpus;

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
    t->corpus = corpus;
    t->dir = f8k_test_tmpdir();
    t->db_path = f8k_test_path(t->dir, "db");
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

static f8k_db_t *open_writer(const char *path)
{
    f8k_db_t *db = NULL;
    char *err = NULL;
    f8k_status_t st = f8k_db_open_writable(path, 0, &db, &err);
    if (st != F8K_STATUS_SUCCESS)
        fail_msg("open_writable %s: %s: %s", path, f8k_status_to_string(st), err ? err : "");
    assert_null(err);
    return db;
}

static f8k_db_t *open_reader(const char *path)
{
    f8k_db_t *db = NULL;
    char *err = NULL;
    f8k_status_t st = f8k_db_open(path, &db, &err);
    if (st != F8K_STATUS_SUCCESS)
        fail_msg("open %s: %s: %s", path, f8k_status_to_string(st), err ? err : "");
    return db;
}

/* ---- open, create, missing, corrupt ---------------------------------- */

static void test_create_is_private_and_reopens(void **state)
{
    per_test_t *t = *state;
    f8k_db_t *db = open_writer(t->db_path);
    struct stat st;
    assert_int_equal(stat(t->db_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_true(f8k_db_is_writable(db));
    unsigned count = 99;
    assert_int_equal(f8k_db_doccount(db, &count), F8K_STATUS_SUCCESS);
    assert_int_equal(count, 0);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
    db = open_reader(t->db_path);
    assert_false(f8k_db_is_writable(db));
    assert_int_equal(f8k_db_doccount(db, &count), F8K_STATUS_SUCCESS);
    assert_int_equal(count, 0);
    /* Writing through a reader is a caller error. */
    assert_int_equal(f8k_db_commit(db), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_set_metadata(db, "k", "v", 1), F8K_STATUS_INVALID_ARG);
    assert_true(strlen(f8k_db_last_error(db)) > 0);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
}

static void test_missing_database(void **state)
{
    per_test_t *t = *state;
    f8k_db_t *db = (f8k_db_t *)t; /* Must be reset to NULL. */
    char *err = NULL;
    f8k_status_t st = f8k_db_open(t->db_path, &db, &err);
    assert_true(st == F8K_STATUS_DB_NOT_FOUND || st == F8K_STATUS_DB_OPEN);
    assert_null(db);
    assert_non_null(err);
    assert_non_null(strstr(err, "Database"));
    free(err);
    /* Without an error_message pointer, too. */
    assert_int_equal(f8k_db_open(t->db_path, &db, NULL), st);
    /* A writer whose parent directory is missing. */
    char *deep = f8k_test_path(t->db_path, "sub/db");
    assert_int_equal(f8k_db_open_writable(deep, 0, &db, &err), F8K_STATUS_IO);
    assert_non_null(err);
    free(err);
    free(deep);
}

static void test_corrupt_database(void **state)
{
    per_test_t *t = *state;
    xt_index(t->corpus, t->db_path, 0, 1);
    /* Garbage over the whole postlist table. */
    char *table = f8k_test_path(t->db_path, "postlist.glass");
    struct stat st;
    assert_int_equal(stat(table, &st), 0);
    int fd = open(table, O_WRONLY);
    assert_true(fd >= 0);
    char garbage[4096];
    for (size_t i = 0; i < sizeof(garbage); i++)
        garbage[i] = (char)(i * 131 + 7);
    for (off_t off = 0; off < st.st_size; off += (off_t)sizeof(garbage))
        assert_int_equal(write(fd, garbage, sizeof(garbage)), (ssize_t)sizeof(garbage));
    close(fd);
    free(table);

    f8k_db_t *db = NULL;
    char *err = NULL;
    f8k_status_t s = f8k_db_open(t->db_path, &db, &err);
    if (s == F8K_STATUS_SUCCESS) {
        /* Glass reads the table lazily: the first lookup finds the damage. */
        unsigned freq = 0;
        s = f8k_db_termfreq(db, corpus->filings[0].words[0], &freq);
        assert_int_equal(s, F8K_STATUS_DB_CORRUPT);
        assert_non_null(strstr(f8k_db_last_error(db), "Corrupt"));
        assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
    } else {
        assert_true(s == F8K_STATUS_DB_CORRUPT || s == F8K_STATUS_DB_OPEN);
        free(err);
    }

    /* Garbage in the version file: the open itself fails. */
    char *version = f8k_test_path(t->db_path, "iamglass");
    fd = open(version, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, garbage, 64), 64);
    close(fd);
    free(version);
    s = f8k_db_open(t->db_path, &db, &err);
    assert_true(s == F8K_STATUS_DB_CORRUPT || s == F8K_STATUS_DB_OPEN ||
                s == F8K_STATUS_DB_VERSION);
    assert_null(db);
    assert_non_null(err);
    free(err);
}

static void test_newer_format_is_db_version(void **state)
{
    per_test_t *t = *state;
    xt_index(t->corpus, t->db_path, 0, 1);
    /* The version file: a 14-byte magic, then the format version (a
     * packed integer); bump it, as a newer Xapian would have written. */
    char *version = f8k_test_path(t->db_path, "iamglass");
    size_t len = 0;
    char *bytes = f8k_test_read_file(version, &len);
    assert_non_null(bytes);
    assert_true(len > 16);
    assert_memory_equal(bytes, "\x0f\x0dXapian Glass", 14);
    bytes[15] = (char)(bytes[15] + 1);
    FILE *f = fopen(version, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    fclose(f);
    free(bytes);
    free(version);
    f8k_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(f8k_db_open(t->db_path, &db, &err), F8K_STATUS_DB_VERSION);
    assert_null(db);
    assert_non_null(strstr(err, "DatabaseVersionError"));
    free(err);
    assert_int_equal(f8k_db_open_writable(t->db_path, 0, &db, NULL), F8K_STATUS_DB_VERSION);
    assert_null(db);
}

static void test_impossible_length_is_internal_not_a_crash(void **state)
{
    (void)state;
    f8k_doc_t *doc = NULL;
    static const char byte = 'x';
    assert_int_equal(f8k_doc_new(&doc), F8K_STATUS_SUCCESS);
    /* std::string refuses the length before reading a byte. */
    assert_int_equal(f8k_doc_set_data(doc, &byte, SIZE_MAX), F8K_STATUS_INTERNAL);
    assert_true(strlen(f8k_doc_last_error(doc)) > 0);
    assert_int_equal(f8k_doc_set_value(doc, 0, &byte, SIZE_MAX), F8K_STATUS_INTERNAL);
    assert_int_equal(f8k_doc_set_data(doc, &byte, 1), F8K_STATUS_SUCCESS);
    assert_string_equal(f8k_doc_last_error(doc), "");
    f8k_doc_free(doc);
}

static void test_stub_with_unreachable_remote_is_network_error(void **state)
{
    per_test_t *t = *state;
    char *stub = f8k_test_path(t->dir, "remote.stub");
    FILE *f = fopen(stub, "w");
    assert_non_null(f);
    /* Port 1 on loopback: nothing listens, the connection is refused. */
    fputs("remote 127.0.0.1:1\n", f);
    fclose(f);
    f8k_db_t *db = NULL;
    char *err = NULL;
    assert_int_equal(f8k_db_open(stub, &db, &err), F8K_STATUS_NETWORK);
    assert_null(db);
    assert_non_null(err);
    free(err);
    free(stub);
}

/* ---- documents ------------------------------------------------------- */

static void test_document_round_trip(void **state)
{
    per_test_t *t = *state;
    const xt_filing_t *f = &t->corpus->filings[1];
    f8k_db_t *db = open_writer(t->db_path);
    f8k_doc_t *doc = xt_make_doc(f);
    /* A value with NULs and newlines, and extra wdf on one term. */
    static const char value[] = "a\0b\nc\0";
    assert_int_equal(f8k_doc_set_value(doc, 7, value, sizeof(value)), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_doc_add_term(doc, "Zextra", 5), F8K_STATUS_SUCCESS);
    f8k_docid_t id = 0;
    assert_int_equal(f8k_db_add_document(db, doc, &id), F8K_STATUS_SUCCESS);
    assert_int_equal(id, 1);
    f8k_doc_free(doc);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);

    db = open_reader(t->db_path);
    f8k_docid_t last = 0;
    assert_int_equal(f8k_db_lastdocid(db, &last), F8K_STATUS_SUCCESS);
    assert_int_equal(last, 1);
    double avlen = 0;
    assert_int_equal(f8k_db_avlength(db, &avlen), F8K_STATUS_SUCCESS);
    assert_true(avlen >= (double)f->nwords);
    assert_int_equal(f8k_db_get_document(db, 1, &doc), F8K_STATUS_SUCCESS);

    const char *bytes = NULL;
    size_t len = 0, exp_len = 0;
    char *expected = xt_expected_data(f, &exp_len);
    assert_int_equal(f8k_doc_get_data(doc, &bytes, &len), F8K_STATUS_SUCCESS);
    assert_int_equal(len, exp_len);
    assert_memory_equal(bytes, expected, len);
    free(expected);
    assert_int_equal(f8k_doc_get_value(doc, 7, &bytes, &len), F8K_STATUS_SUCCESS);
    assert_int_equal(len, sizeof(value));
    assert_memory_equal(bytes, value, len);
    assert_int_equal(f8k_doc_get_value(doc, 0, &bytes, &len), F8K_STATUS_SUCCESS);
    assert_string_equal(bytes, f->date);
    assert_int_equal(f8k_doc_get_value(doc, 99, &bytes, &len), F8K_STATUS_SUCCESS);
    assert_int_equal(len, 0);

    /* Terms and their wdf equal the word counts; positions are the word indexes. */
    f8k_strlist_t *terms = NULL;
    assert_int_equal(f8k_doc_terms(doc, &terms), F8K_STATUS_SUCCESS);
    size_t checked = 0;
    for (size_t i = 0; i < f8k_strlist_size(terms); i++) {
        const char *term = NULL;
        unsigned long long wdf = 0;
        assert_int_equal(f8k_strlist_get(terms, i, &term, NULL, &wdf), F8K_STATUS_SUCCESS);
        if (term[0] == 'Q') {
            assert_int_equal(wdf, 0);
            continue;
        }
        if (strcmp(term, "Zextra") == 0) {
            assert_int_equal(wdf, 5);
            continue;
        }
        unsigned long long count = 0;
        for (size_t k = 0; k < f->nwords; k++)
            count += strcmp(f->words[k], term) == 0;
        assert_int_equal(wdf, count);
        f8k_termpos_t *pos = NULL;
        size_t npos = 0;
        assert_int_equal(f8k_doc_positions(doc, term, &pos, &npos), F8K_STATUS_SUCCESS);
        assert_int_equal(npos, count);
        for (size_t k = 0; k < npos; k++)
            assert_string_equal(f->words[pos[k] - 1], term);
        free(pos);
        checked++;
    }
    assert_true(checked > 10);
    f8k_strlist_free(terms);
    f8k_termpos_t *pos = NULL;
    size_t npos = 7;
    assert_int_equal(f8k_doc_positions(doc, "notinthedocument", &pos, &npos), F8K_STATUS_SUCCESS);
    assert_null(pos);
    assert_int_equal(npos, 0);
    f8k_doc_free(doc);

    assert_int_equal(f8k_db_get_document(db, 2, &doc), F8K_STATUS_DOC_NOT_FOUND);
    assert_null(doc);
    assert_true(strlen(f8k_db_last_error(db)) > 0);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
}

static void test_replace_by_unique_term_and_delete(void **state)
{
    per_test_t *t = *state;
    xt_index(t->corpus, t->db_path, 0, 1);
    /* Index everything again: replacing, never duplicating. */
    xt_index(t->corpus, t->db_path, 0, 1);
    f8k_db_t *db = open_writer(t->db_path);
    unsigned count = 0;
    assert_int_equal(f8k_db_doccount(db, &count), F8K_STATUS_SUCCESS);
    assert_int_equal(count, t->corpus->n);
    char term[32];
    xt_unique_term(&t->corpus->filings[3], term, sizeof(term));
    unsigned freq = 0;
    assert_int_equal(f8k_db_termfreq(db, term, &freq), F8K_STATUS_SUCCESS);
    assert_int_equal(freq, 1);

    /* Replace filing 3 by filing 4's content under filing 3's id. */
    f8k_doc_t *doc = xt_make_doc(&t->corpus->filings[4]);
    assert_int_equal(f8k_doc_add_boolean_term(doc, term), F8K_STATUS_SUCCESS);
    f8k_docid_t id = 0;
    assert_int_equal(f8k_db_replace_document_by_term(db, term, doc, &id), F8K_STATUS_SUCCESS);
    f8k_doc_free(doc);
    assert_int_equal(f8k_db_doccount(db, &count), F8K_STATUS_SUCCESS);
    assert_int_equal(count, t->corpus->n);
    assert_int_equal(f8k_db_get_document(db, id, &doc), F8K_STATUS_SUCCESS);
    const char *data = NULL;
    assert_int_equal(f8k_doc_get_data(doc, &data, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(xt_index_from_data(data), 4);
    f8k_doc_free(doc);

    /* Delete by term: both documents carrying Q4 go. */
    xt_unique_term(&t->corpus->filings[4], term, sizeof(term));
    assert_int_equal(f8k_db_delete_documents_by_term(db, term), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_doccount(db, &count), F8K_STATUS_SUCCESS);
    assert_int_equal(count, t->corpus->n - 2);
    assert_int_equal(f8k_db_delete_documents_by_term(db, "Qnosuchterm"), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);

    db = open_reader(t->db_path);
    f8k_docid_t *ids = NULL;
    size_t n = 9;
    assert_int_equal(f8k_db_postlist(db, term, &ids, &n), F8K_STATUS_SUCCESS);
    assert_int_equal(n, 0);
    assert_null(ids);
    assert_int_equal(f8k_db_doccount(db, &count), F8K_STATUS_SUCCESS);
    assert_int_equal(count, t->corpus->n - 2);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
}

static void test_transactions(void **state)
{
    per_test_t *t = *state;
    f8k_db_t *db = open_writer(t->db_path);
    f8k_doc_t *doc = xt_make_doc(&t->corpus->filings[0]);
    unsigned count = 0;

    assert_int_equal(f8k_db_commit_transaction(db), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_cancel_transaction(db), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_begin_transaction(db, true), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_begin_transaction(db, true), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_commit(db), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_add_document(db, doc, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_cancel_transaction(db), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_doccount(db, &count), F8K_STATUS_SUCCESS);
    assert_int_equal(count, 0);

    assert_int_equal(f8k_db_begin_transaction(db, false), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_add_document(db, doc, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_commit_transaction(db), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_commit(db), F8K_STATUS_SUCCESS);

    /* Closing inside a transaction discards it. */
    assert_int_equal(f8k_db_begin_transaction(db, true), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_add_document(db, doc, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
    f8k_doc_free(doc);

    db = open_reader(t->db_path);
    assert_int_equal(f8k_db_doccount(db, &count), F8K_STATUS_SUCCESS);
    assert_int_equal(count, 1);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
}

/* ---- metadata, spelling, synonyms ----------------------------------- */

static void test_metadata(void **state)
{
    per_test_t *t = *state;
    f8k_db_t *db = open_writer(t->db_path);
    const xt_filing_t *f = &t->corpus->filings[0];
    /* Keys from real words; values with embedded NULs. */
    for (size_t i = 0; i < 5; i++) {
        char key[80], value[160];
        snprintf(key, sizeof(key), "m.%s.%zu", f->words[i], i);
        int n = snprintf(value, sizeof(value), "%s", f->path);
        value[n] = '\0';
        assert_int_equal(f8k_db_set_metadata(db, key, value, (size_t)n + 1), F8K_STATUS_SUCCESS);
    }
    assert_int_equal(f8k_db_set_metadata(db, "other", "x", 1), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);

    db = open_reader(t->db_path);
    f8k_strlist_t *keys = NULL;
    assert_int_equal(f8k_db_metadata_keys(db, "m.", &keys), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_strlist_size(keys), 5);
    for (size_t i = 0; i < f8k_strlist_size(keys); i++) {
        const char *key = NULL;
        char *value = NULL;
        size_t len = 0;
        assert_int_equal(f8k_strlist_get(keys, i, &key, NULL, NULL), F8K_STATUS_SUCCESS);
        assert_int_equal(strncmp(key, "m.", 2), 0);
        assert_int_equal(f8k_db_get_metadata(db, key, &value, &len), F8K_STATUS_SUCCESS);
        assert_int_equal(len, strlen(f->path) + 1);
        assert_memory_equal(value, f->path, len);
        free(value);
    }
    f8k_strlist_free(keys);
    assert_int_equal(f8k_db_metadata_keys(db, NULL, &keys), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_strlist_size(keys), 6);
    f8k_strlist_free(keys);
    char *value = NULL;
    size_t len = 9;
    assert_int_equal(f8k_db_get_metadata(db, "absent", &value, &len), F8K_STATUS_SUCCESS);
    assert_string_equal(value, "");
    assert_int_equal(len, 0);
    free(value);
    assert_int_equal(f8k_db_get_metadata(db, "", &value, &len), F8K_STATUS_INVALID_ARG);
    assert_null(value);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
}

/* Levenshtein distance of A and B (short words). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t row[70], prev[70];
    assert_true(lb < 70);
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, row, (lb + 1) * sizeof(size_t));
    }
    return prev[lb];
}

static void test_spelling_and_synonyms(void **state)
{
    per_test_t *t = *state;
    f8k_db_t *db = open_writer(t->db_path);
    const xt_filing_t *f = &t->corpus->filings[0];
    const char *longest = "";
    for (size_t i = 0; i < f->nwords; i++) {
        assert_int_equal(f8k_db_add_spelling(db, f->words[i], 1), F8K_STATUS_SUCCESS);
        if (strlen(f->words[i]) > strlen(longest) && strlen(f->words[i]) < 20)
            longest = f->words[i];
    }
    assert_true(strlen(longest) >= 6);
    const xt_filing_t *g = &t->corpus->filings[2];
    assert_int_equal(f8k_db_add_synonym(db, f->words[0], g->words[0]), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_add_synonym(db, f->words[0], g->words[1]), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_add_synonym(db, "", "x"), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);

    db = open_reader(t->db_path);
    /* Drop one letter in the middle of the longest word. */
    char misspelt[64];
    size_t n = strlen(longest), cut = n / 2;
    memcpy(misspelt, longest, cut);
    memcpy(misspelt + cut, longest + cut + 1, n - cut);
    char *suggestion = NULL;
    assert_int_equal(f8k_db_spelling_suggestion(db, misspelt, 0, &suggestion), F8K_STATUS_SUCCESS);
    assert_non_null(suggestion);
    assert_true(edit_distance(suggestion, misspelt) <= 2);
    assert_true(xt_has_word(f, suggestion));
    free(suggestion);
    assert_int_equal(f8k_db_spelling_suggestion(db, longest, 0, &suggestion), F8K_STATUS_SUCCESS);
    assert_null(suggestion); /* Already correct. */

    f8k_strlist_t *syn = NULL;
    assert_int_equal(f8k_db_synonyms(db, f->words[0], &syn), F8K_STATUS_SUCCESS);
    size_t expected = strcmp(g->words[0], g->words[1]) == 0 ? 1 : 2;
    assert_int_equal(f8k_strlist_size(syn), expected);
    for (size_t i = 0; i < f8k_strlist_size(syn); i++) {
        const char *s = NULL;
        assert_int_equal(f8k_strlist_get(syn, i, &s, NULL, NULL), F8K_STATUS_SUCCESS);
        assert_true(strcmp(s, g->words[0]) == 0 || strcmp(s, g->words[1]) == 0);
    }
    f8k_strlist_free(syn);
    assert_int_equal(f8k_db_synonym_keys(db, NULL, &syn), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_strlist_size(syn), 1);
    const char *key = NULL;
    assert_int_equal(f8k_strlist_get(syn, 0, &key, NULL, NULL), F8K_STATUS_SUCCESS);
    assert_string_equal(key, f->words[0]);
    assert_int_equal(f8k_strlist_get(syn, 1, &key, NULL, NULL), F8K_STATUS_INVALID_ARG);
    assert_null(key);
    f8k_strlist_free(syn);
    assert_int_equal(f8k_db_add_spelling(db, "word", 1), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
}

/* ---- misuse ---------------------------------------------------------- */

/* ---- Xapian's own snippets ------------------------------------------- */

/* Whether HAY holds NEEDLE, ignoring ASCII case. */
static bool contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay != '\0'; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

static void test_snippet_highlights_the_query_term(void **state)
{
    per_test_t *t = *state;
    f8k_db_t *db = open_writer(t->db_path);
    const xt_filing_t *f = &t->corpus->filings[0];
    f8k_doc_t *doc = NULL;
    f8k_query_t *q = NULL;
    f8k_enquire_t *enq = NULL;
    f8k_mset_t *mset = NULL;
    char *snippet = NULL, want[128];
    const char *word = NULL;

    /* A word of the filing's first bytes, indexed with the rest. */
    for (size_t i = 0; i < f->nwords && word == NULL; i++)
        if (strlen(f->words[i]) >= 6 && contains_nocase(f->head, f->words[i]))
            word = f->words[i];
    assert_non_null(word);
    assert_int_equal(f8k_doc_new(&doc), F8K_STATUS_SUCCESS);
    for (size_t i = 0; i < f->nwords; i++)
        assert_int_equal(f8k_doc_add_posting(doc, f->words[i], (f8k_termpos_t)(i + 1), 1),
                         F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_add_document(db, doc, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_commit(db), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_query_term(word, 1, 0, &q), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_enquire_new(db, &enq), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_enquire_set_query(enq, q), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_enquire_get_mset(enq, 0, 1, 0, 0, &mset), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_mset_size(mset), 1);
    assert_int_equal(
        f8k_mset_snippet(mset, f->head, strlen(f->head), 300, "[", "]", "...", &snippet),
        F8K_STATUS_SUCCESS);
    snprintf(want, sizeof want, "[%s]", word);
    if (!contains_nocase(snippet, want))
        fail_msg("snippet for %s lacks %s: %s", word, want, snippet);
    free(snippet);
    assert_int_equal(f8k_mset_snippet(mset, NULL, 1, 300, NULL, NULL, NULL, &snippet),
                     F8K_STATUS_INVALID_ARG);
    assert_null(snippet);
    f8k_mset_free(mset);
    f8k_enquire_free(enq);
    f8k_query_free(q);
    f8k_doc_free(doc);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
}

static void test_use_after_close_is_db_closed(void **state)
{
    per_test_t *t = *state;
    xt_index(t->corpus, t->db_path, 0, 1);
    f8k_db_t *db = open_reader(t->db_path);
    f8k_enquire_t *enq = NULL;
    f8k_query_t *all = NULL;
    f8k_doc_t *doc = NULL;
    assert_int_equal(f8k_enquire_new(db, &enq), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_query_match_all(&all), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_enquire_set_query(enq, all), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_get_document(db, 1, &doc), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);

    f8k_mset_t *mset = NULL;
    f8k_status_t got = f8k_enquire_get_mset(enq, 0, 0, 0, F8K_MSET_FETCH_DATA, &mset);
    /* Reading the documents needs the closed tables. */
    assert_int_equal(got, F8K_STATUS_DB_CLOSED);
    assert_null(mset);
    assert_non_null(strstr(f8k_enquire_last_error(enq), "Closed"));
    /* A document read before the close may have what it needs cached;
     * either way it answers without crashing. */
    f8k_strlist_t *terms = NULL;
    f8k_status_t st = f8k_doc_terms(doc, &terms);
    assert_true(st == F8K_STATUS_SUCCESS || st == F8K_STATUS_DB_CLOSED);
    f8k_strlist_free(terms);
    f8k_doc_free(doc);
    f8k_enquire_free(enq);
    f8k_query_free(all);
}

static void test_null_arguments_are_invalid(void **state)
{
    per_test_t *t = *state;
    f8k_db_t *db = NULL;
    f8k_doc_t *doc = NULL;
    f8k_query_t *q = NULL;
    char *err = NULL;
    unsigned u = 0;
    bool b = false;

    assert_int_equal(f8k_db_open(NULL, &db, &err), F8K_STATUS_INVALID_ARG);
    assert_non_null(err);
    free(err);
    assert_int_equal(f8k_db_open(t->db_path, NULL, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_open_writable(NULL, 0, &db, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_close(NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_commit(NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_begin_transaction(NULL, true), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_doccount(NULL, &u), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_has_term(NULL, "x", &b), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_reopen(NULL, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_allterms(NULL, "", NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_compact(NULL, 0, "x", false, NULL), F8K_STATUS_INVALID_ARG);
    assert_string_equal(f8k_db_last_error(NULL), "");

    db = open_writer(t->db_path);
    assert_int_equal(f8k_db_doccount(db, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_termfreq(db, NULL, &u), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_add_document(db, NULL, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_replace_document_by_term(db, "", NULL, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_delete_documents_by_term(db, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_get_document(db, 0, &doc), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_get_metadata(db, NULL, &err, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_postlist(db, NULL, NULL, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_spelling_suggestion(db, NULL, 0, &err), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_synonyms(db, "x", NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);

    assert_int_equal(f8k_doc_new(NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_doc_new(&doc), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_doc_add_term(doc, NULL, 1), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_doc_add_term(doc, "", 1), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_doc_add_posting(NULL, "x", 1, 1), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_doc_add_boolean_term(doc, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_doc_set_value(doc, 0, NULL, 3), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_doc_set_value(doc, F8K_BAD_VALUENO, "x", 1), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_doc_set_data(doc, NULL, 1), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_doc_set_data(doc, NULL, 0), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_doc_get_data(doc, NULL, NULL), F8K_STATUS_INVALID_ARG);
    assert_true(strlen(f8k_doc_last_error(doc)) > 0);
    assert_int_equal(f8k_doc_terms(NULL, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_doc_positions(doc, NULL, NULL, NULL), F8K_STATUS_INVALID_ARG);
    /* A term over Xapian's 245-byte limit fails when stored, not before. */
    char huge[400];
    memset(huge, 'a', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    assert_int_equal(f8k_doc_add_term(doc, huge, 1), F8K_STATUS_SUCCESS);
    db = open_writer(t->db_path);
    assert_int_equal(f8k_db_add_document(db, doc, NULL), F8K_STATUS_INVALID_ARG);
    assert_non_null(strstr(f8k_db_last_error(db), "InvalidArgument"));
    assert_int_equal(f8k_db_close(db), F8K_STATUS_SUCCESS);
    f8k_doc_free(doc);
    f8k_doc_free(NULL);

    assert_int_equal(f8k_query_term(NULL, 1, 0, &q), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_query_term("x", 1, 0, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_query_combine(F8K_QUERY_AND, NULL, 2, 0, &q), F8K_STATUS_INVALID_ARG);
    const f8k_query_t *subs[2] = {NULL, NULL};
    assert_int_equal(f8k_query_combine(F8K_QUERY_AND, subs, 2, 0, &q), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_query_combine((f8k_query_op_t)99, subs, 0, 0, &q), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_query_wildcard(NULL, 0, &q), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_query_value_range(F8K_BAD_VALUENO, "a", "b", &q), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_query_scale_weight(NULL, 1, &q), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_query_describe(NULL, &err), F8K_STATUS_INVALID_ARG);
    assert_null(q);
    f8k_query_free(NULL);

    assert_int_equal(f8k_enquire_new(NULL, (f8k_enquire_t **)&q), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_enquire_set_query(NULL, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_enquire_get_mset(NULL, 0, 0, 0, 0, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_mset_size(NULL), 0);
    assert_int_equal(f8k_mset_matches(NULL, NULL, NULL, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_mset_get_data(NULL, 0, NULL, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_mset_facet(NULL, 0, NULL), F8K_STATUS_INVALID_ARG);
    assert_int_equal(f8k_strlist_size(NULL), 0);
    f8k_enquire_free(NULL);
    f8k_mset_free(NULL);
    f8k_strlist_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_is_private_and_reopens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_format_is_db_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impossible_length_is_internal_not_a_crash, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stub_with_unreachable_remote_is_network_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_document_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_by_unique_term_and_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snippet_highlights_the_query_term, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spelling_and_synonyms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_use_after_close_is_db_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null_arguments_are_invalid, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
