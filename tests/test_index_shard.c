/*
 * test_index_shard.c - f8k-index add --shard-by year|hash:N.
 *
 * About two hundred filings of the shared corpus (every k-th, one file
 * per accession and per content, from every source) and the seed are
 * indexed three times with the real f8k-index: unsharded, --shard-by
 * year and --shard-by hash:3.  f8k-search over each sharded directory
 * must answer as over the unsharded index (the same filings in the same
 * order, where results with equal scores may come in either order, and
 * the same scores, snippets, documents and facets; for queries that
 * Xapian weighs with per-shard estimates, scores within 3%); every filing must
 * sit in the shard its scheme names; status must list the shards; a
 * second add must change nothing; a conflicting --shard-by must exit 2.
 * Then, on small sharded indexes of copied files: a changed file is
 * replaced in its shard, a filing whose year changed leaves its old
 * shard, a file that now holds another filing drops the old one from
 * its shard, and remove and --prune find filings in whichever shard.
 * One writer at a time: a held lock makes add, remove and compact exit
 * 75.  SIGTERM and kill -9 during a sharded build leave every shard
 * whole, and the next add completes it as an unsharded build would.
 */
#include "f8k_test.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <f8k/f8k_xapian.h>

#include "index-private.h"
#include "test_index_util.h"
#include "test_reliability_util.h"

#define SAMPLE_FILES 200 /* corpus files indexed (about) */

static char *g_tmp, *g_plain, *g_year, *g_hash, *g_seed;
static char **g_files;
static size_t g_n_files;

/* ------------------------------------------------------------------ */
/* Setup: pick the files, index them three ways.                        */
/* ------------------------------------------------------------------ */

typedef struct entry {
    char *path, *key, *sha;
} entry_t;

static int cmp_entry(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c != 0 ? c : strcmp(x->path, y->path);
}

static int cmp_sha(const void *a, const void *b)
{
    const entry_t *x = *(entry_t *const *)a, *y = *(entry_t *const *)b;
    return strcmp(x->sha, y->sha);
}

/* The column named NAME of the header COLS (N of them); fails if absent. */
static int column(char **cols, int n, const char *name)
{
    for (int k = 0; k < n; k++)
        if (strcmp(cols[k], name) == 0)
            return k;
    fail_msg("MANIFEST.tsv has no %s column", name);
    return -1;
}

/*
 * Every k-th file of CORPUS/MANIFEST.tsv in accession order, keeping one
 * file per accession and per content: a filing in two files would show
 * whichever was written last, which is not the same in every build.
 */
static void pick_files(const char *corpus)
{
    char *manifest = f8k_test_path(corpus, "MANIFEST.tsv");
    char *text = f8k_test_read_file(manifest, NULL), *line, *save = NULL;
    entry_t *v = NULL, **by_sha = NULL;
    size_t n = 0, cap = 0, i, step;
    int path_col = -1, acc_col = -1, sha_col = -1;
    assert_non_null(text);
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *cols[32] = {0}, *c = line;
        int k = 0;
        while (k < 32) {
            cols[k++] = c;
            c = strchr(c, '\t');
            if (c == NULL)
                break;
            *c++ = '\0';
        }
        if (path_col < 0) {
            path_col = column(cols, k, "path");
            acc_col = column(cols, k, "accession");
            sha_col = column(cols, k, "sha256");
            continue;
        }
        if (k <= sha_col || k <= acc_col || cols[path_col][0] == '\0')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            v = realloc(v, cap * sizeof *v);
            assert_non_null(v);
        }
        v[n].path = f8k_test_path(corpus, cols[path_col]);
        v[n].key = strdup(cols[acc_col][0] != '\0' ? cols[acc_col] : cols[path_col]);
        v[n].sha = strdup(cols[sha_col]);
        n++;
    }
    /* Drop the second file of a content, then of an accession. */
    by_sha = calloc(n + 1, sizeof *by_sha);
    assert_non_null(by_sha);
    for (i = 0; i < n; i++)
        by_sha[i] = &v[i];
    qsort(by_sha, n, sizeof *by_sha, cmp_sha);
    for (i = 1; i < n; i++)
        if (strcmp(by_sha[i]->sha, by_sha[i - 1]->sha) == 0)
            by_sha[i]->key[0] = '\0'; /* marked: dropped below */
    qsort(v, n, sizeof *v, cmp_entry);
    g_files = calloc(SAMPLE_FILES * 2 + 2, sizeof *g_files);
    assert_non_null(g_files);
    step = n / SAMPLE_FILES > 0 ? n / SAMPLE_FILES : 1;
    for (i = 0; i < n; i++) {
        bool dup = v[i].key[0] == '\0' || (i > 0 && strcmp(v[i].key, v[i - 1].key) == 0);
        if (!dup && i % step == 0 && g_n_files < SAMPLE_FILES * 2)
            g_files[g_n_files++] = strdup(v[i].path);
    }
    g_files[g_n_files++] = strdup(g_seed);
    for (i = 0; i < n; i++) {
        free(v[i].path);
        free(v[i].key);
        free(v[i].sha);
    }
    free(v);
    free(by_sha);
    free(text);
    free(manifest);
}

/* f8k-index --db DB add --quiet [--shard-by SHARD_BY] FILES...; the exit code. */
static int index_files(const char *db, const char *shard_by, char **out, char **err)
{
    char **argv = calloc(g_n_files + 10, sizeof *argv);
    char *bin = idx_bin();
    size_t i, n = 0;
    int rc;
    assert_non_null(argv);
    argv[n++] = bin;
    argv[n++] = "--db";
    argv[n++] = (char *)db;
    argv[n++] = "add";
    if (shard_by != NULL) {
        argv[n++] = "--shard-by";
        argv[n++] = (char *)shard_by;
    }
    for (i = 0; i < g_n_files; i++)
        argv[n++] = g_files[i];
    rc = f8k_test_run(argv, NULL, 600, out, err);
    free(bin);
    free(argv);
    return rc;
}

static int group_setup(void **state)
{
    char *corpus = f8k_test_corpus_dir(), *seeds = f8k_test_seeds_dir(), *bin = idx_bin();
    char *search = f8k_test_path(f8k_test_build_dir(), "query/f8k-search");
    const char *dbs[3];
    const char *schemes[3] = {NULL, "year", "hash:3"};
    (void)state;
    F8K_REQUIRE_OR_SKIP(corpus != NULL && seeds != NULL, "shared corpus absent ($F8K_CORPUS)");
    F8K_REQUIRE_OR_SKIP(access(bin, X_OK) == 0 && access(search, X_OK) == 0,
                        "f8k-index or f8k-search not built");
    g_tmp = f8k_test_tmpdir();
    g_plain = f8k_test_path(g_tmp, "plain");
    g_year = f8k_test_path(g_tmp, "year");
    g_hash = f8k_test_path(g_tmp, "hash");
    g_seed = f8k_test_path(seeds, "000_1b11c0cb41d2ce45.txt");
    pick_files(corpus);
    dbs[0] = g_plain;
    dbs[1] = g_year;
    dbs[2] = g_hash;
    for (int k = 0; k < 3; k++) {
        char *out = NULL, *err = NULL;
        int rc = index_files(dbs[k], schemes[k], &out, &err);
        if (rc != 0)
            fprintf(stderr, "f8k-index add %s: rc %d: %s\n", schemes[k] ? schemes[k] : "", rc,
                    err != NULL ? err : "");
        free(out);
        free(err);
        if (rc != 0)
            return -1;
    }
    fprintf(stderr, "indexed %zu files three ways\n", g_n_files);
    free(corpus);
    free(seeds);
    free(bin);
    free(search);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    f8k_test_rmtree(g_tmp);
    for (size_t i = 0; i < g_n_files; i++)
        free(g_files[i]);
    free(g_files);
    free(g_tmp);
    free(g_plain);
    free(g_year);
    free(g_hash);
    free(g_seed);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Comparing answers.                                                   */
/* ------------------------------------------------------------------ */

static json_object *field(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        fail_msg("no \"%s\" in %s", key, json_object_to_json_string(o));
    return v;
}

static const char *text_of(json_object *o, const char *key)
{
    json_object *v = field(o, key);
    return json_object_is_type(v, json_type_null) ? "" : json_object_get_string(v);
}

static double score_of(json_object *r)
{
    return json_object_get_double(field(r, "score"));
}

static bool same_score(json_object *a, json_object *b)
{
    double x = score_of(a), y = score_of(b);
    return fabs(x - y) <= 1e-9 * fmax(1.0, fabs(x));
}

/* Every field of result A but its rank is in B, equal. */
static bool same_result(json_object *a, json_object *b)
{
    json_object_iter it;
    if (json_object_object_length(a) != json_object_object_length(b))
        return false;
    json_object_object_foreachC(a, it)
    {
        json_object *v = NULL;
        if (strcmp(it.key, "rank") == 0)
            continue;
        if (strcmp(it.key, "score") == 0
                ? !same_score(a, b)
                : !json_object_object_get_ex(b, it.key, &v) || !json_object_equal(it.val, v))
            return false;
    }
    return true;
}

/*
 * GOT must list what EXPECT lists: at each rank the same score and
 * (with BY_DATE) the same date; within a run of equal keys the same
 * results in any order, except in a run cut by --limit (CUT_END) or
 * --offset (CUT_START).  Facets, suggestion and an exact total agree.
 */
static void same_answer(json_object *expect, json_object *got, bool by_date, bool cut_end,
                        bool cut_start, const char *what)
{
    json_object *e = field(expect, "results"), *g = field(got, "results");
    json_object *te = field(expect, "total"), *tg = field(got, "total");
    size_t n = json_object_array_length(e), start, end, i;

    if (json_object_array_length(g) != n)
        fail_msg("%s: %zu results, expected %zu", what, json_object_array_length(g), n);
    for (start = 0; start < n; start = end) {
        json_object *first = json_object_array_get_idx(e, start);
        for (end = start + 1; end < n; end++) {
            json_object *r = json_object_array_get_idx(e, end);
            if (!same_score(first, r) ||
                (by_date && strcmp(text_of(first, "filed"), text_of(r, "filed")) != 0))
                break;
        }
        for (i = start; i < end; i++) {
            json_object *want = json_object_array_get_idx(e, i), *twin = NULL;
            json_object *have = json_object_array_get_idx(g, i);
            if (!same_score(want, have))
                fail_msg("%s: rank %zu: score %g, expected %g", what, i + 1, score_of(have),
                         score_of(want));
            if ((end == n && cut_end) || (start == 0 && cut_start))
                continue;
            for (size_t j = start; j < end && twin == NULL; j++) {
                json_object *r = json_object_array_get_idx(g, j);
                if (strcmp(text_of(r, "path"), text_of(want, "path")) == 0)
                    twin = r;
            }
            if (twin == NULL || !same_result(want, twin))
                fail_msg("%s: rank %zu: %s\nexpected %s", what, i + 1,
                         twin != NULL ? json_object_to_json_string(twin) : "missing",
                         json_object_to_json_string(want));
        }
    }
    if (!json_object_equal(field(expect, "facets"), field(got, "facets")))
        fail_msg("%s: facets %s\nexpected %s", what,
                 json_object_to_json_string(field(got, "facets")),
                 json_object_to_json_string(field(expect, "facets")));
    if (!json_object_equal(field(expect, "suggestion"), field(got, "suggestion")))
        fail_msg("%s: suggestion differs", what);
    if (json_object_get_int64(field(te, "lower")) == json_object_get_int64(field(te, "upper")) &&
        json_object_get_int64(field(tg, "lower")) == json_object_get_int64(field(tg, "upper")) &&
        json_object_get_int64(field(te, "lower")) != json_object_get_int64(field(tg, "lower")))
        fail_msg("%s: exact totals differ", what);
}

/*
 * Queries whose ranking the shards must reproduce exactly: each weighs
 * only terms, whose statistics Xapian sums over the shards exactly.
 * (Queries that also weigh an estimate are compared in
 * estimated_weights_stay_close().)
 */
static const char *const *const queries[] = {
    (const char *const[]){"--limit", "0", "--", "dividend", NULL},
    (const char *const[]){"--limit", "15", "--sort", "-date", "--", "dividend", NULL},
    (const char *const[]){"--limit", "10", "--facets", "item,company,year,form", "--", "director",
                          NULL},
    (const char *const[]){"--limit", "0", "--", "item:5.02", NULL},
    (const char *const[]){"--limit", "0", "--", "\"letter of intent\"", NULL},
    (const char *const[]){"--limit", "10", "--offset", "5", "--", "credit", NULL},
    (const char *const[]){"--limit", "0", "--facets", "year,form", "--", "form:8-K/A", NULL},
    (const char *const[]){"--limit", "10", "--", "aquisition", NULL},
};

static bool has_arg(const char *const *args, const char *arg)
{
    for (; *args != NULL; args++)
        if (strcmp(*args, arg) == 0)
            return true;
    return false;
}

static json_object *search(const char *db, const char *const *args)
{
    char *out = f8k_test_search_json(db, args, 120);
    json_object *o = json_tokener_parse(out);
    assert_non_null(o);
    free(out);
    return o;
}

static void compare_with_plain(const char *db, const char *label)
{
    size_t q, hits = 0;
    for (q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        const char *const *args = queries[q];
        json_object *expect = search(g_plain, args), *got = search(db, args);
        size_t n = json_object_array_length(field(expect, "results"));
        bool cut_end = strcmp(args[1], "0") != 0 && n == (size_t)atoi(args[1]);
        char what[128];
        snprintf(what, sizeof what, "%s: query %zu", label, q + 1);
        same_answer(expect, got, has_arg(args, "--sort"), cut_end, has_arg(args, "--offset"), what);
        hits += n;
        json_object_put(expect);
        json_object_put(got);
    }
    assert_true(hits > 50); /* the comparison is not vacuous */
}

/*
 * Some weights are estimates that Xapian makes shard by shard and adds
 * up: the term frequency of a synonym group holding a phrase ("merger"
 * = "business combination", "CEO" = "chief executive officer") and of
 * the proximity boost of a query of several words (a synonym of NEAR
 * queries).  Scores of such queries may differ a little (about 1%)
 * from one index's, and near ties may swap; the filings, facets,
 * snippets and matched documents stay the same.
 */
static void estimated_weights_stay_close(void **state)
{
    const char *const *const approximate[] = {
        (const char *const[]){"--limit", "0", "--facets", "item,year", "--", "merger", NULL},
        (const char *const[]){"--limit", "0", "--", "resigned", NULL},
        (const char *const[]){"--limit", "0", "--", "CEO appointment", NULL},
        (const char *const[]){"--limit", "0", "--", "\"chief financial officer\"", NULL},
        (const char *const[]){"--limit", "0", "--", "earnings release", NULL},
        (const char *const[]){"--limit", "0", "--facets", "item,year,form", "--", "bankruptcy",
                              NULL},
        (const char *const[]){"--limit", "0", "--", "stock option plan", NULL},
        (const char *const[]){"--limit", "0", "--", "merger agreement", NULL},
    };
    const char *dbs[2] = {g_year, g_hash};
    (void)state;
    for (size_t q = 0; q < sizeof approximate / sizeof approximate[0]; q++) {
        json_object *expect = search(g_plain, approximate[q]), *e = field(expect, "results");
        size_t n = json_object_array_length(e);
        assert_true(n > 10);
        for (size_t d = 0; d < 2; d++) {
            json_object *got = search(dbs[d], approximate[q]), *g = field(got, "results");
            assert_int_equal(json_object_array_length(g), n);
            for (size_t i = 0; i < n; i++) {
                json_object *want = json_object_array_get_idx(e, i), *twin = NULL;
                for (size_t j = 0; j < n && twin == NULL; j++)
                    if (strcmp(text_of(json_object_array_get_idx(g, j), "path"),
                               text_of(want, "path")) == 0)
                        twin = json_object_array_get_idx(g, j);
                assert_non_null(twin);
                assert_true(fabs(score_of(twin) - score_of(want)) <= 0.03 * score_of(want));
                assert_string_equal(text_of(twin, "snippet"), text_of(want, "snippet"));
                assert_true(json_object_equal(field(twin, "documents"), field(want, "documents")));
            }
            assert_true(json_object_equal(field(expect, "facets"), field(got, "facets")));
            json_object_put(got);
        }
        json_object_put(expect);
    }
}

/* ------------------------------------------------------------------ */
/* Helpers over databases and commands.                                 */
/* ------------------------------------------------------------------ */

/* status --format json of DB, parsed. */
static json_object *status_json(const char *db)
{
    char *out = NULL, *err = NULL;
    json_object *o = NULL;
    int rc = idx_run(60, &out, &err, "--db", db, "status", "--format", "json", NULL);
    if (rc != 0)
        fail_msg("status %s: rc %d: %s", db, rc, err != NULL ? err : "");
    o = json_tokener_parse(out);
    assert_non_null(o);
    free(out);
    free(err);
    return o;
}

static void expect_summary(const char *out, unsigned long added, unsigned long replaced,
                           unsigned long unchanged, unsigned long removed)
{
    idx_summary_t s;
    if (!idx_parse_summary(out, &s))
        fail_msg("no summary line in '%s'", out != NULL ? out : "");
    if (s.added != added || s.replaced != replaced || s.unchanged != unchanged ||
        s.removed != removed || s.failed != 0)
        fail_msg("summary '%s', expected added %lu, replaced %lu, unchanged %lu, removed %lu", out,
                 added, replaced, unchanged, removed);
}

/* DIR/NAME as a new string. */
static char *in(const char *dir, const char *name)
{
    return f8k_test_path(dir, name);
}

/* The shard names the stub of DB lists, in order, one per line. */
static char *stub_shards(const char *db)
{
    char *stub = in(db, "XAPIANDB"), *text = f8k_test_read_file(stub, NULL), *line, *save = NULL;
    char *names = calloc(1, strlen(text != NULL ? text : "") + 1);
    assert_non_null(text);
    assert_non_null(names);
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "auto ", 5) == 0) {
            strcat(names, line + 5);
            strcat(names, "\n");
        }
    }
    free(text);
    free(stub);
    return names;
}

/* Each document of the shard PATH: its year value (slot 2) must be YEAR ("" for none). */
static void shard_years_are(const char *path, const char *year)
{
    f8k_db_t *db = NULL;
    f8k_docid_t last = 0, id;
    unsigned docs = 0, seen = 0;
    assert_int_equal(f8k_db_open(path, &db, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_lastdocid(db, &last), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_doccount(db, &docs), F8K_STATUS_SUCCESS);
    for (id = 1; id <= last; id++) {
        f8k_doc_t *doc = NULL;
        const char *v = NULL;
        size_t len = 0;
        if (f8k_db_get_document(db, id, &doc) != F8K_STATUS_SUCCESS)
            continue; /* deleted */
        seen++;
        assert_int_equal(f8k_doc_get_value(doc, 2, &v, &len), F8K_STATUS_SUCCESS);
        if (len != strlen(year) || memcmp(v, year, len) != 0)
            fail_msg("%s: document %u has year '%.*s'", path, id, (int)len, v != NULL ? v : "");
        f8k_doc_free(doc);
    }
    assert_int_equal(seen, docs);
    assert_true(docs > 0);
    f8k_db_close(db);
}

/* Every filing of the shard PATH (number K of N) hashes to K. */
static void shard_ids_hash_to(const char *path, size_t k, size_t n)
{
    f8k_db_t *db = NULL;
    f8k_strlist_t *ids = NULL;
    size_t i, filings = 0;
    assert_int_equal(f8k_db_open(path, &db, NULL), F8K_STATUS_SUCCESS);
    assert_int_equal(f8k_db_allterms(db, "XF", &ids), F8K_STATUS_SUCCESS);
    for (i = 0; i < f8k_strlist_size(ids); i++) {
        const char *term = NULL;
        f8k_strlist_get(ids, i, &term, NULL, NULL);
        if (strncmp(term, "XFORM", 5) == 0)
            continue;
        filings++;
        if (index_shard_of(term + 2, n) != k)
            fail_msg("%s holds %s, which hashes to shard %zu", path, term + 2,
                     index_shard_of(term + 2, n));
    }
    assert_true(filings > 0);
    f8k_strlist_free(ids);
    f8k_db_close(db);
}

/* ------------------------------------------------------------------ */
/* Tests over the three builds.                                          */
/* ------------------------------------------------------------------ */

static void year_shards_answer_like_one_index(void **state)
{
    (void)state;
    compare_with_plain(g_year, "year");
}

static void hash_shards_answer_like_one_index(void **state)
{
    (void)state;
    compare_with_plain(g_hash, "hash:3");
}

/* Each filing sits in the shard its scheme names; none is lost or doubled. */
static void filings_sit_in_their_shards(void **state)
{
    char *names = stub_shards(g_year), *line, *save = NULL;
    char *stub = in(g_hash, "XAPIANDB"), *text = f8k_test_read_file(stub, NULL);
    size_t years = 0;
    (void)state;
    assert_true(idx_filings(g_plain) > 150);
    assert_int_equal(idx_filings(g_year), idx_filings(g_plain));
    assert_int_equal(idx_filings(g_hash), idx_filings(g_plain));
    assert_int_equal(idx_documents(g_year), idx_documents(g_plain));
    assert_int_equal(idx_documents(g_hash), idx_documents(g_plain));
    assert_true(idx_unique_terms_once(g_year));
    assert_true(idx_unique_terms_once(g_hash));
    for (line = strtok_r(names, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *path = in(g_year, line);
        shard_years_are(path, strcmp(line, "undated") == 0 ? "" : line);
        years += strcmp(line, "undated") != 0;
        free(path);
    }
    assert_true(years >= 5); /* the sample spans 1994 to the 2010s */
    assert_non_null(text);
    assert_non_null(strstr(text, "# f8k-index shard-by hash:3\n"));
    for (size_t k = 0; k < 3; k++) {
        char name[8], *path;
        snprintf(name, sizeof name, "h%02zu", k);
        path = in(g_hash, name);
        shard_ids_hash_to(path, k, 3);
        free(path);
    }
    free(names);
    free(stub);
    free(text);
}

static void status_lists_the_shards(void **state)
{
    json_object *o = status_json(g_hash), *shards = NULL;
    unsigned long filings = 0, docs = 0;
    char *out = NULL;
    (void)state;
    assert_string_equal(json_object_get_string(field(o, "shard_by")), "hash:3");
    shards = field(o, "shards");
    assert_int_equal(json_object_array_length(shards), 3);
    for (size_t k = 0; k < 3; k++) {
        json_object *s = json_object_array_get_idx(shards, k);
        char name[8];
        snprintf(name, sizeof name, "h%02zu", k);
        assert_string_equal(text_of(s, "name"), name);
        assert_true(json_object_get_int64(field(s, "filings")) > 0);
        filings += (unsigned long)json_object_get_int64(field(s, "filings"));
        docs += (unsigned long)json_object_get_int64(field(s, "documents"));
    }
    assert_int_equal(filings, json_object_get_int64(field(o, "filings")));
    assert_int_equal(docs, json_object_get_int64(field(o, "documents")));
    assert_int_equal(json_object_get_int64(field(o, "files")), g_n_files);
    json_object_put(o);
    assert_int_equal(idx_run(60, &out, NULL, "--db", g_year, "status", NULL), 0);
    assert_non_null(strstr(out, "shards: "));
    assert_non_null(strstr(out, ", by year\n"));
    assert_non_null(strstr(out, "\n  1994: "));
    free(out);
}

/* Adding the same files again, with or without --shard-by, changes nothing. */
static void adding_again_changes_nothing(void **state)
{
    const char *dbs[2] = {g_year, g_hash}, *schemes[2] = {"year", "hash:3"};
    (void)state;
    for (int k = 0; k < 2; k++) {
        unsigned long filings = idx_filings(dbs[k]), docs = idx_documents(dbs[k]);
        char *before = stub_shards(dbs[k]), *after = NULL, *out = NULL;
        for (int with = 0; with < 2; with++) {
            assert_int_equal(index_files(dbs[k], with ? schemes[k] : NULL, &out, NULL), 0);
            expect_summary(out, 0, 0, g_n_files, 0);
            free(out);
            out = NULL;
        }
        after = stub_shards(dbs[k]);
        assert_string_equal(before, after);
        assert_int_equal(idx_filings(dbs[k]), filings);
        assert_int_equal(idx_documents(dbs[k]), docs);
        free(before);
        free(after);
    }
}

/* A --shard-by that does not fit the database: exit 2, one line, nothing written. */
static void conflicting_shard_by_exits_2(void **state)
{
    struct {
        const char *db, *scheme, *says;
    } cases[] = {
        {g_year, "hash:3", "sharded by year"},
        {g_hash, "hash:4", "sharded by hash:3"},
        {g_hash, "year", "sharded by hash:3"},
        {g_plain, "year", "not sharded"},
        {g_plain, "hash:0", "--shard-by takes year or hash:N"},
        {g_year, "hash:65", "--shard-by takes year or hash:N"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL, *err = NULL, *stub = in(cases[i].db, "XAPIANDB");
        char *before = f8k_test_read_file(stub, NULL), *after = NULL;
        unsigned long filings = idx_filings(cases[i].db);
        int rc = idx_run(60, &out, &err, "--db", cases[i].db, "add", "--shard-by", cases[i].scheme,
                         g_seed, NULL);
        if (rc != 2 || err == NULL || strstr(err, cases[i].says) == NULL)
            fail_msg("--shard-by %s on %s: rc %d, stderr '%s'", cases[i].scheme, cases[i].db, rc,
                     err != NULL ? err : "");
        assert_non_null(strchr(err, '\n'));
        assert_string_equal(strchr(err, '\n') + 1, ""); /* one line */
        assert_true(out == NULL || strstr(out, "added") == NULL);
        after = f8k_test_read_file(stub, NULL);
        assert_true((before == NULL && after == NULL) ||
                    (before != NULL && after != NULL && strcmp(before, after) == 0));
        assert_int_equal(idx_filings(cases[i].db), filings);
        free(out);
        free(err);
        free(stub);
        free(before);
        free(after);
    }
}

/* ------------------------------------------------------------------ */
/* Changes, on small sharded indexes of copied files.                   */
/* ------------------------------------------------------------------ */

#define FILING_A "0000857402-94-000001" /* filed 1994-01-18 */
#define FILING_B "0000002488-94-000001"

static char *g_work, *g_moves, *g_file_a, *g_file_b, *g_file_c;

static void copy_in(const char *corpus_rel, char **dst_out)
{
    char *corpus = f8k_test_corpus_dir(), *src = f8k_test_path(corpus, corpus_rel);
    const char *base = strrchr(corpus_rel, '/') + 1;
    *dst_out = in(g_work, base);
    assert_true(idx_copy_file(src, *dst_out));
    free(src);
    free(corpus);
}

/* add (no --shard-by) the work directory to DB; its stdout. */
static char *add_work(const char *db, bool prune)
{
    char *out = NULL, *err = NULL;
    int rc = prune ? idx_run(120, &out, &err, "--db", db, "add", "--prune", g_work, NULL)
                   : idx_run(120, &out, &err, "--db", db, "add", g_work, NULL);
    if (rc != 0)
        fail_msg("add %s: rc %d: %s", db, rc, err != NULL ? err : "");
    free(err);
    return out;
}

static unsigned shard_freq(const char *db, const char *shard, const char *term)
{
    char *path = in(db, shard);
    unsigned n = idx_termfreq(path, term);
    free(path);
    return n;
}

static void small_index_is_built(void **state)
{
    char *out = NULL, *err = NULL, *names = NULL;
    (void)state;
    g_work = in(g_tmp, "work");
    g_moves = in(g_tmp, "moves");
    assert_int_equal(mkdir(g_work, 0700), 0);
    copy_in("timmermann-lab-1994/" FILING_A ".txt", &g_file_a);
    copy_in("timmermann-lab-1994/" FILING_B ".txt", &g_file_b);
    copy_in("lee2014-8k/A/A-8K-20090727173130.txt", &g_file_c);
    assert_int_equal(
        idx_run(120, &out, &err, "--db", g_moves, "add", "--shard-by", "year", g_work, NULL), 0);
    expect_summary(out, 3, 0, 0, 0);
    names = stub_shards(g_moves);
    assert_string_equal(names, "1994\n2009\n");
    free(names);
    assert_true(shard_freq(g_moves, "1994", "XF" FILING_A) > 0);
    free(out);
    free(err);
}

/* A changed file is indexed again in its shard: replaced, not doubled. */
static void changed_file_is_replaced_in_place(void **state)
{
    char *out = NULL;
    unsigned docs = (unsigned)idx_documents(g_moves);
    (void)state;
    assert_true(idx_edit_file(g_file_a, "<TEXT>", "<TEXT>\nqzxwvy announcement\n"));
    out = add_work(g_moves, false);
    expect_summary(out, 0, 1, 2, 0);
    assert_int_equal(idx_filings(g_moves), 3);
    assert_int_equal(idx_documents(g_moves), docs);
    assert_int_equal(shard_freq(g_moves, "1994", "qzxwvy"), 1);
    assert_true(idx_unique_terms_once(g_moves));
    free(out);
}

/* A filing whose year changed moves to its new year's shard. */
static void filing_leaves_its_old_year(void **state)
{
    char *out = NULL, *names = NULL;
    (void)state;
    assert_true(
        idx_edit_file(g_file_a, "FILED AS OF DATE:\t\t19940118", "FILED AS OF DATE:\t\t20010118"));
    out = add_work(g_moves, false);
    expect_summary(out, 0, 1, 2, 0);
    names = stub_shards(g_moves);
    assert_string_equal(names, "1994\n2001\n2009\n");
    assert_int_equal(shard_freq(g_moves, "1994", "XF" FILING_A), 0);
    assert_true(shard_freq(g_moves, "2001", "XF" FILING_A) > 0);
    assert_int_equal(shard_freq(g_moves, "1994", "qzxwvy"), 0);
    assert_int_equal(idx_termfreq(g_moves, "XF" FILING_A),
                     shard_freq(g_moves, "2001", "XF" FILING_A));
    assert_int_equal(idx_filings(g_moves), 3);
    assert_true(idx_unique_terms_once(g_moves));
    /* Its file's record left with it: one more add finds nothing to do. */
    free(out);
    out = add_work(g_moves, false);
    expect_summary(out, 0, 0, 3, 0);
    free(out);
    free(names);
}

/* A file that now holds another filing (a new content hash, so another
 * hash shard) takes its old filing out of the old shard. */
static void new_filing_in_a_file_drops_the_old(void **state)
{
    char *db = in(g_tmp, "hash-moves"), *out = NULL, *err = NULL;
    unsigned long before;
    (void)state;
    assert_int_equal(
        idx_run(120, &out, &err, "--db", db, "add", "--shard-by", "hash:3", g_work, NULL), 0);
    free(out);
    before = idx_filings(db);
    assert_int_equal(before, 3);
    /* The lee2014 file has no accession: its id is a hash of its content. */
    for (int round = 0; round < 4; round++) {
        char from[32], to[32];
        snprintf(from, sizeof from, round == 0 ? "txt.gz" : "txt.gz%d", round - 1);
        snprintf(to, sizeof to, "txt.gz%d", round);
        assert_true(idx_edit_file(g_file_c, from, to));
        out = add_work(db, false);
        expect_summary(out, 1, 0, 2, 0);
        free(out);
        assert_int_equal(idx_filings(db), before);
        assert_true(idx_unique_terms_once(db));
    }
    free(err);
    free(db);
}

/* remove finds a filing in whichever shard holds it. */
static void remove_finds_the_shard(void **state)
{
    char *out = NULL, *err = NULL;
    (void)state;
    assert_int_equal(idx_run(60, &out, &err, "--db", g_moves, "remove", FILING_A, NULL), 0);
    assert_int_equal(idx_termfreq(g_moves, "XF" FILING_A), 0);
    assert_int_equal(idx_filings(g_moves), 2);
    free(out);
    free(err);
    out = err = NULL;
    assert_int_equal(
        idx_run(60, &out, &err, "--db", g_moves, "remove", "0000000000-00-000000", NULL), 1);
    assert_non_null(strstr(err, "not in the index"));
    free(out);
    free(err);
}

/* --prune removes the filings of deleted files from their shards. */
static void prune_reaches_every_shard(void **state)
{
    char *out = NULL;
    (void)state;
    assert_int_equal(unlink(g_file_b), 0);
    assert_true(shard_freq(g_moves, "1994", "XF" FILING_B) > 0);
    out = add_work(g_moves, true);
    /* FILING_A comes back (remove forgot its file); FILING_B goes. */
    /* The lee2014 file changed too (the previous test): a new filing. */
    expect_summary(out, 2, 0, 0, 1);
    assert_int_equal(shard_freq(g_moves, "1994", "XF" FILING_B), 0);
    assert_int_equal(idx_filings(g_moves), 2);
    free(out);
}

/* ------------------------------------------------------------------ */
/* One writer; interruptions.                                           */
/* ------------------------------------------------------------------ */

/* While another process holds the index's lock, every writer exits 75. */
static void a_second_writer_exits_75(void **state)
{
    char *lock = in(g_hash, INDEX_LOCK_FILE), *out = NULL, *err = NULL;
    int fd = open(lock, O_RDWR);
    double t0;
    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    assert_int_equal(idx_run(60, &out, &err, "--db", g_hash, "add", g_seed, NULL), 75);
    assert_non_null(strstr(err, "locked by another writer"));
    free(out);
    free(err);
    t0 = rel_now();
    assert_int_equal(idx_run(60, NULL, NULL, "--db", g_hash, "add", "--wait-lock=1", g_seed, NULL),
                     75);
    assert_true(rel_now() - t0 >= 0.9);
    assert_int_equal(idx_run(60, NULL, NULL, "--db", g_hash, "remove", FILING_B, NULL), 75);
    assert_int_equal(idx_run(60, NULL, NULL, "--db", g_hash, "compact", NULL), 75);
    assert_int_equal(flock(fd, LOCK_UN), 0);
    close(fd);
    out = NULL;
    assert_int_equal(idx_run(60, &out, NULL, "--db", g_hash, "add", g_seed, NULL), 0);
    expect_summary(out, 0, 0, 1, 0);
    free(out);
    free(lock);
}

/* Documents in the sharded index DB so far (0 before its stub exists). */
static unsigned long documents_now(const char *db)
{
    char *stub = in(db, INDEX_STUB_FILE);
    unsigned long n = access(stub, F_OK) == 0 ? idx_documents(db) : 0;
    free(stub);
    return n;
}

/* Each shard of DB passes xapian-check, and no document is doubled. */
static void shards_are_whole(const char *db, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        char name[16], *path;
        snprintf(name, sizeof name, "h%02u", k);
        path = in(db, name);
        assert_int_equal(rel_xapian_check(path), 0);
        free(path);
    }
    assert_true(idx_unique_terms_once(db));
}

/*
 * SIGTERM, then kill -9, each once the build has written something:
 * SIGTERM commits and exits 143; after either, every shard is whole,
 * and one more add completes the index as an unsharded build.
 */
static void interrupted_build_stays_whole(void **state)
{
    char *dir = in(g_tmp, "many"), *db = in(g_tmp, "stopped"), *plain = in(g_tmp, "many-plain");
    char *bin = idx_bin(), *out = NULL;
    char *argv[] = {bin, "--db", db, "add", "--quiet", "--shard-by", "hash:2", dir, NULL};
    (void)state;
    assert_int_equal(rel_link_corpus(dir, "timmermann-lab-1994", 0, 300), 300);
    for (int round = 0; round < 2; round++) {
        unsigned long before = documents_now(db);
        pid_t pid = rel_spawn(argv, NULL);
        int wst = 0;
        bool exited = false;
        for (int i = 0; i < 6000 && !exited && documents_now(db) <= before; i++) {
            rel_sleep_ms(10);
            exited = waitpid(pid, &wst, WNOHANG) == pid;
        }
        if (!exited) {
            kill(pid, round == 0 ? SIGTERM : SIGKILL);
            assert_int_equal(waitpid(pid, &wst, 0), pid);
        }
        if (round == 0)
            assert_true(WIFEXITED(wst) &&
                        (WEXITSTATUS(wst) == 143 || (exited && WEXITSTATUS(wst) == 0)));
        shards_are_whole(db, 2);
        assert_true(idx_documents(db) > before);
    }
    assert_int_equal(idx_run(300, &out, NULL, "--db", db, "add", "--quiet", dir, NULL), 0);
    assert_int_equal(idx_run(300, NULL, NULL, "--db", plain, "add", "--quiet", dir, NULL), 0);
    shards_are_whole(db, 2);
    assert_int_equal(idx_filings(db), idx_filings(plain));
    assert_int_equal(idx_documents(db), idx_documents(plain));
    free(out);
    free(bin);
    free(dir);
    free(db);
    free(plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(year_shards_answer_like_one_index),
        cmocka_unit_test(hash_shards_answer_like_one_index),
        cmocka_unit_test(estimated_weights_stay_close),
        cmocka_unit_test(filings_sit_in_their_shards),
        cmocka_unit_test(status_lists_the_shards),
        cmocka_unit_test(adding_again_changes_nothing),
        cmocka_unit_test(conflicting_shard_by_exits_2),
        cmocka_unit_test(small_index_is_built),
        cmocka_unit_test(changed_file_is_replaced_in_place),
        cmocka_unit_test(filing_leaves_its_old_year),
        cmocka_unit_test(new_filing_in_a_file_drops_the_old),
        cmocka_unit_test(remove_finds_the_shard),
        cmocka_unit_test(prune_reaches_every_shard),
        cmocka_unit_test(a_second_writer_exits_75),
        cmocka_unit_test(interrupted_build_stays_whole),
    };
    int rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    free(g_work);
    free(g_moves);
    free(g_file_a);
    free(g_file_b);
    free(g_file_c);
    return rc;
}
