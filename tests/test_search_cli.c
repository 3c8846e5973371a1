/*
 * test_search_cli.c - f8k-search end to end over corpus/samples and the
 * seed, indexed once (group setup) with the real f8k-index.  Truths
 * come from corpus/samples/EXPECTED.tsv and DEMO_QUERIES.tsv.
 */
#include "f8k_test.h"

#include <json-c/json.h>
#include <string.h>
#include <unistd.h>

static char *g_tmp;    /* temporary directory */
static char *g_db;     /* the index */
static char *g_index;  /* f8k-index */
static char *g_search; /* f8k-search */

static int group_setup(void **state)
{
    char *samples = f8k_test_samples_dir(), *seeds = f8k_test_seeds_dir();
    int rc;
    (void)state;
    g_index = f8k_test_path(f8k_test_build_dir(), "indexer/f8k-index");
    g_search = f8k_test_path(f8k_test_build_dir(), "query/f8k-search");
    F8K_REQUIRE_OR_SKIP(access(g_index, X_OK) == 0, "f8k-index not built");
    F8K_REQUIRE_OR_SKIP(access(g_search, X_OK) == 0, "f8k-search not built");
    F8K_REQUIRE_OR_SKIP(samples != NULL, "corpus/samples missing");
    g_tmp = f8k_test_tmpdir();
    g_db = f8k_test_path(g_tmp, "db");
    {
        const char *paths[] = {samples, seeds, NULL};
        rc = f8k_test_index(g_db, paths);
    }
    free(samples);
    free(seeds);
    return rc == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    f8k_test_rmtree(g_tmp);
    free(g_tmp);
    free(g_db);
    free(g_index);
    free(g_search);
    return 0;
}

/* Run f8k-search --db g_db with ARGS (NULL-terminated); returns rc. */
static int search(char **out, char **err, ...)
{
    char *argv[64];
    int n = 0;
    va_list ap;
    argv[n++] = g_search;
    argv[n++] = "--db";
    argv[n++] = g_db;
    va_start(ap, err);
    for (;;) {
        char *a = va_arg(ap, char *);
        if (a == NULL || n >= 63)
            break;
        argv[n++] = a;
    }
    va_end(ap);
    argv[n] = NULL;
    return f8k_test_run(argv, NULL, 120, out, err);
}

/* The JSON object f8k-search prints for QUERY (asserts success). */
static json_object *search_json(const char *query, const char *extra1, const char *extra2)
{
    char *out = NULL, *err = NULL;
    json_object *o = NULL;
    int rc;
    if (extra1 != NULL && extra2 != NULL)
        rc = search(&out, &err, "--format", "json", "--limit", "0", (char *)extra1, (char *)extra2,
                    "--", (char *)query, NULL);
    else
        rc = search(&out, &err, "--format", "json", "--limit", "0", "--", (char *)query, NULL);
    if (rc != 0)
        fprintf(stderr, "query %s: rc %d: %s\n", query, rc, err ? err : "");
    assert_int_equal(rc, 0);
    o = json_tokener_parse(out);
    assert_non_null(o);
    free(out);
    free(err);
    return o;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    assert_true(json_object_object_get_ex(o, key, &v));
    return v;
}

static size_t n_results(json_object *o)
{
    return json_object_array_length(get(o, "results"));
}

/* Whether some result's path ends in SUFFIX; its 1-based rank or 0. */
static size_t rank_of(json_object *o, const char *suffix)
{
    json_object *r = get(o, "results");
    size_t i, n = json_object_array_length(r), sl = strlen(suffix);
    for (i = 0; i < n; i++) {
        const char *p = json_object_get_string(get(json_object_array_get_idx(r, i), "path"));
        size_t pl = strlen(p);
        if (pl >= sl && strcmp(p + pl - sl, suffix) == 0)
            return i + 1;
    }
    return 0;
}

/* QUERY finds exactly the samples named in EXPECT (NULL-terminated). */
static void expect_set(const char *query, const char *const *expect)
{
    json_object *o = search_json(query, NULL, NULL);
    size_t n = 0, i;
    for (i = 0; expect[i] != NULL; i++) {
        if (rank_of(o, expect[i]) == 0)
            fprintf(stderr, "%s: missing %s\n", query, expect[i]);
        assert_true(rank_of(o, expect[i]) > 0);
        n++;
    }
    if (n_results(o) != n)
        fprintf(stderr, "%s: %zu results, expected %zu\n", query, n_results(o), n);
    assert_int_equal(n_results(o), n);
    json_object_put(o);
}

/* ------------------------------------------------------------------ */

static void test_demo_queries(void **state)
{
    char *samples = f8k_test_samples_dir();
    char *path = f8k_test_path(samples, "DEMO_QUERIES.tsv");
    char *text = f8k_test_read_file(path, NULL);
    char *line = NULL, *save = NULL;
    int checked = 0;
    (void)state;
    assert_non_null(text);
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *tab = strchr(line, '\t');
        json_object *o = NULL;
        if (tab == NULL || strncmp(line, "query\t", 6) == 0)
            continue;
        *tab = '\0';
        o = search_json(line, NULL, NULL);
        if (rank_of(o, tab + 1) != 1)
            fprintf(stderr, "demo query %s: %s ranked %zu\n", line, tab + 1, rank_of(o, tab + 1));
        assert_int_equal(rank_of(o, tab + 1), 1);
        json_object_put(o);
        checked++;
    }
    assert_true(checked >= 10);
    free(text);
    free(path);
    free(samples);
}

static void test_operators(void **state)
{
    static const char *const or_set[] = {"2024-sgml-ixbrl-cybersecurity-incident.txt",
                                         "2001-cp1252-latin1-ceo-resume.txt", NULL};
    static const char *const ransom[] = {"2024-sgml-ixbrl-cybersecurity-incident.txt", NULL};
    static const char *const seed[] = {"000_1b11c0cb41d2ce45.txt", NULL};
    static const char *const none[] = {NULL};
    json_object *a = NULL, *b = NULL;
    (void)state;
    expect_set("ransomware OR sommelier", or_set);
    expect_set("ransom*", ransom);
    expect_set("marcario NEAR/4 appointment", seed);
    expect_set("marcario NEAR/1 appointment", none);
    expect_set("\"appointment of rose marcario\"", seed);
    expect_set("\"appointment rose marcario\"", none);
    expect_set("(ransomware OR sommelier) -sommelier", ransom);
    expect_set("(ransomware OR sommelier) NOT sommelier", ransom);
    /* XBRL instance documents are not indexed. */
    expect_set("glmfxbrlonlytoken", none);
    /* Another form of a word that is its own stem: the index has no Z
     * term for "marcario", the query's plain term finds it. */
    expect_set("marcarios", seed);
    expect_set("marcario's", seed);
    /* Default AND; a stem matches ("resigned" finds "resignation"). */
    a = search_json("cfo", NULL, NULL);
    b = search_json("cfo -marcario", NULL, NULL);
    assert_int_equal(n_results(b) + 1, n_results(a));
    json_object_put(a);
    json_object_put(b);
    /* A pure NOT matches everything else. */
    a = search_json("-ransomware", NULL, NULL);
    assert_true(n_results(a) >= 15);
    assert_int_equal(rank_of(a, "2024-sgml-ixbrl-cybersecurity-incident.txt"), 0);
    json_object_put(a);
}

static void test_fields(void **state)
{
    static const char *const y1994[] = {"1994-ims-auditor-change.txt", NULL};
    static const char *const amend[] = {"2012-sgml-8ka-auditor-change.txt", NULL};
    static const char *const ex16[] = {"1994-ims-auditor-change.txt",
                                       "2012-sgml-8ka-auditor-change.txt", NULL};
    static const char *const vantrex[] = {"2018-sgml-ceo-succession-former-name.txt", NULL};
    static const char *const coo[] = {"2025-nc-dialect-coo-terminated.nc", NULL};
    static const char *const ashcombe[] = {"2007-font-html-director-death.htm", NULL};
    json_object *a = NULL, *b = NULL;
    (void)state;
    expect_set("cik:812764", y1994);
    expect_set("cik:0000812764", y1994);
    expect_set("accession:0000812764-94-000011", y1994);
    expect_set("sic:3812", y1994);
    expect_set("state:wa cik:812764", y1994);
    expect_set("form:8-k/a", amend);
    expect_set("exhibit:16", ex16);
    expect_set("exhibit:EX-16.1", amend);
    expect_set("exhibit:16.1", amend);
    expect_set("company:vantrex", vantrex);
    expect_set("company:\"vantrex trucking\"", vantrex);
    expect_set("role:coo terminated", coo);
    expect_set("officer:ashcombe", ashcombe);
    expect_set("filed:1994", y1994);
    /* role:CFO and role:"chief financial officer" are the same code. */
    a = search_json("role:CFO", NULL, NULL);
    b = search_json("role:\"chief financial officer\"", NULL, NULL);
    assert_true(n_results(a) >= 5);
    assert_int_equal(n_results(a), n_results(b));
    json_object_put(a);
    json_object_put(b);
    /* item:5.02 also finds old Item 6 (2002 sample); item:5 is old Item 5 only. */
    a = search_json("item:5.02", NULL, NULL);
    assert_true(rank_of(a, "2002-bare-text-president-appointed.txt") > 0);
    assert_true(rank_of(a, "2018-sgml-ceo-succession-former-name.txt") > 0);
    assert_int_equal(rank_of(a, "2003-sgml-new-cfo.txt"), 0);
    json_object_put(a);
    a = search_json("item:5", NULL, NULL);
    assert_true(rank_of(a, "2003-sgml-new-cfo.txt") > 0);
    assert_true(rank_of(a, "2002-bare-text-president-appointed.txt") > 0);
    assert_int_equal(rank_of(a, "2018-sgml-ceo-succession-former-name.txt"), 0);
    json_object_put(a);
}

static void test_filters(void **state)
{
    json_object *o = NULL;
    (void)state;
    o = search_json("auditor", "--cik", "812764");
    assert_int_equal(n_results(o), 1);
    json_object_put(o);
    o = search_json("officer", "--from", "2020");
    assert_true(n_results(o) >= 3);
    assert_int_equal(rank_of(o, "2003-sgml-new-cfo.txt"), 0);
    json_object_put(o);
    o = search_json("officer", "--to", "1999-12");
    assert_true(rank_of(o, "1999-sgml-other-events-graphic.txt") > 0);
    assert_int_equal(rank_of(o, "2003-sgml-new-cfo.txt"), 0);
    json_object_put(o);
    o = search_json("officer", "--form", "8-K/A");
    assert_int_equal(n_results(o), 1);
    json_object_put(o);
    o = search_json("officer", "--item", "1.05");
    assert_int_equal(rank_of(o, "2024-sgml-ixbrl-cybersecurity-incident.txt"), 1);
    json_object_put(o);
}

static void test_synonyms(void **state)
{
    json_object *o = NULL;
    (void)state;
    /* The seed says "Chief Financial Officer", never "CFO". */
    o = search_json("cfo marcario", NULL, NULL);
    assert_int_equal(rank_of(o, "000_1b11c0cb41d2ce45.txt"), 1);
    json_object_put(o);
    /* "certifying accountant" = auditor. */
    o = search_json("auditor", "--cik", "812764");
    assert_int_equal(n_results(o), 1);
    json_object_put(o);
}

static void test_json_shape(void **state)
{
    char *out = NULL, *err = NULL;
    json_object *o = NULL, *r = NULL, *t = NULL, *h = NULL, *of = NULL;
    int rc;
    (void)state;
    rc = search(&out, &err, "--format", "json", "--facets", "item,company,year,form", "marcario",
                NULL);
    assert_int_equal(rc, 0);
    o = json_tokener_parse(out);
    assert_non_null(o);
    assert_string_equal(json_object_get_string(get(o, "query")), "marcario");
    t = get(o, "total");
    assert_true(json_object_is_type(get(t, "estimate"), json_type_int));
    assert_true(json_object_is_type(get(t, "lower"), json_type_int));
    assert_true(json_object_is_type(get(t, "upper"), json_type_int));
    assert_int_equal(json_object_get_int(get(o, "offset")), 0);
    assert_true(json_object_is_type(get(o, "suggestion"), json_type_null));
    r = get(o, "results");
    assert_int_equal(json_object_array_length(r), 1);
    h = json_object_array_get_idx(r, 0);
    assert_int_equal(json_object_get_int(get(h, "rank")), 1);
    assert_true(json_object_is_type(get(h, "score"), json_type_double));
    assert_true(json_object_is_type(get(h, "accession"), json_type_null));
    assert_true(json_object_is_type(get(h, "cik"), json_type_null));
    assert_string_equal(json_object_get_string(get(h, "company")), "HEMACARE CORPORATION");
    assert_string_equal(json_object_get_string(get(h, "form")), "8-K");
    assert_true(json_object_is_type(get(h, "filed"), json_type_null));
    assert_string_equal(json_object_get_string(get(h, "date_of_report")), "2003-06-27");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(get(h, "items"), 0)), "5");
    assert_string_equal(
        json_object_get_string(json_object_array_get_idx(get(h, "items_modern"), 0)), "8.01");
    of = json_object_array_get_idx(get(h, "officers"), 0);
    assert_string_equal(json_object_get_string(get(of, "name")), "Rose Marcario");
    assert_string_equal(json_object_get_string(get(of, "role")), "Chief Financial Officer");
    assert_string_equal(json_object_get_string(get(of, "event")), "appointed");
    assert_true(json_object_get_string(get(h, "path"))[0] == '/');
    assert_string_equal(json_object_get_string(json_object_array_get_idx(get(h, "documents"), 0)),
                        "8-K");
    assert_non_null(strstr(json_object_get_string(get(h, "snippet")), "Marcario"));
    assert_int_equal(json_object_get_int(get(get(get(o, "facets"), "item"), "8.01")), 1);
    assert_int_equal(json_object_get_int(get(get(get(o, "facets"), "year"), "2003")), 1);
    json_object_put(o);
    free(out);
    free(err);
}

static void test_malformed(void **state)
{
    char big[10000 * 2 + 1];
    const char *bad[] = {"\"unbalanced quote", "(unbalanced paren", "company:", "a\x01b",
                         "caf\xc3 bad utf8",   "role:astronaut",    "cik:12x",  big};
    size_t i;
    (void)state;
    for (i = 0; i < 10000; i++) {
        big[2 * i] = 'a';
        big[2 * i + 1] = ' ';
    }
    big[sizeof big - 1] = '\0';
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *out = NULL, *err = NULL;
        int rc = search(&out, &err, (char *)bad[i], NULL);
        if (rc != 2)
            fprintf(stderr, "query #%zu: rc %d\n", i, rc);
        assert_int_equal(rc, 2);
        assert_non_null(err);
        assert_true(strlen(err) > 10);
        free(out);
        free(err);
    }
}

static void test_usage_and_missing_db(void **state)
{
    char *out = NULL, *err = NULL;
    char *nodb = f8k_test_path(g_tmp, "no-such-db");
    char *argv[] = {g_search, "--db", nodb, "anything", NULL};
    int rc;
    (void)state;
    rc = f8k_test_run(argv, NULL, 60, &out, &err);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "no-such-db"));
    free(out);
    free(err);
    rc = search(&out, &err, "--limit", "-3", "x", NULL);
    assert_int_equal(rc, 2);
    free(out);
    free(err);
    rc = search(&out, &err, "--sort", "sideways", "x", NULL);
    assert_int_equal(rc, 2);
    free(out);
    free(err);
    rc = search(&out, &err, NULL);
    assert_int_equal(rc, 2);
    free(out);
    free(err);
    rc = search(&out, &err, "zzzzqqqq", NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    /* A word to exclude first looks like an option: the message says
     * how to pass it, and after "--" it is the query. */
    rc = search(&out, &err, "-sommelier", "ransomware", NULL);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(err, "'-sommelier' is not an option"));
    assert_non_null(strstr(err, "after '--'"));
    free(out);
    free(err);
    rc = search(&out, &err, "--format", "paths", "--", "-sommelier", "ransomware", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "cybersecurity"));
    free(out);
    free(err);
    rc = search(&out, &err, "--bogus", "x", NULL);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(err, "unknown option '--bogus'"));
    free(out);
    free(err);
    free(nodb);
}

/*
 * Under 100 filings the total of a page is exact, not the range that
 * collapsing leaves ("about 16" for 14 filings, before).
 */
static void test_small_totals_exact(void **state)
{
    static const char *const queries[] = {"chief financial officer", "cfo", "the", "auditor",
                                          "resigned"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        json_object *all = search_json(queries[i], NULL, NULL);
        json_object *page = search_json(queries[i], "--limit", "3");
        json_object *t = get(page, "total");
        int n = (int)n_results(all);
        if (json_object_get_int(get(t, "lower")) != n || json_object_get_int(get(t, "upper")) != n)
            fprintf(stderr, "%s: %d filings, page total %s\n", queries[i], n,
                    json_object_to_json_string(t));
        assert_int_equal(json_object_get_int(get(t, "lower")), n);
        assert_int_equal(json_object_get_int(get(t, "estimate")), n);
        assert_int_equal(json_object_get_int(get(t, "upper")), n);
        json_object_put(all);
        json_object_put(page);
    }
}

static void test_limit_zero_and_paging(void **state)
{
    char *out = NULL, *err = NULL;
    json_object *all = NULL;
    size_t lines = 0, n;
    const char *p;
    int rc;
    (void)state;
    all = search_json("the", NULL, NULL);
    n = n_results(all);
    assert_true(n >= 17);
    assert_int_equal(json_object_get_int(get(get(all, "total"), "lower")), (int)n);
    json_object_put(all);
    rc = search(&out, &err, "--format", "paths", "--limit", "0", "the", NULL);
    assert_int_equal(rc, 0);
    for (p = out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, n);
    free(out);
    free(err);
    rc = search(&out, &err, "--format", "paths", "--limit", "3", "--offset", "2", "the", NULL);
    assert_int_equal(rc, 0);
    for (lines = 0, p = out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 3);
    free(out);
    free(err);
}

static void test_facets_count_filings(void **state)
{
    json_object *o = NULL, *forms = NULL, *years = NULL;
    char *out = NULL, *err = NULL;
    int rc, total = 0;
    (void)state;
    rc = search(&out, &err, "--format", "json", "--limit", "0", "--facets", "form,year", "the",
                NULL);
    assert_int_equal(rc, 0);
    o = json_tokener_parse(out);
    assert_non_null(o);
    forms = get(get(o, "facets"), "form");
    json_object_object_foreach(forms, key, val)
    {
        (void)key;
        total += json_object_get_int(val);
    }
    /* Filings, not documents: the counts add up to the hits. */
    assert_int_equal(total, (int)n_results(o));
    years = get(get(o, "facets"), "year");
    assert_int_equal(json_object_get_int(get(years, "1994")), 1);
    json_object_put(o);
    free(out);
    free(err);
}

static void test_sort(void **state)
{
    const char *orders[] = {"date", "-date"};
    size_t k;
    (void)state;
    for (k = 0; k < 2; k++) {
        char *out = NULL, *err = NULL;
        json_object *o = NULL, *r = NULL;
        char prev[16] = "";
        size_t i, n;
        int rc = search(&out, &err, "--format", "json", "--limit", "0", "--sort", (char *)orders[k],
                        "the", NULL);
        assert_int_equal(rc, 0);
        o = json_tokener_parse(out);
        r = get(o, "results");
        n = json_object_array_length(r);
        for (i = 0; i < n; i++) {
            json_object *h = json_object_array_get_idx(r, i), *d = get(h, "filed");
            char cur[16];
            if (json_object_is_type(d, json_type_null))
                d = get(h, "date_of_report");
            if (json_object_is_type(d, json_type_null))
                continue;
            snprintf(cur, sizeof cur, "%s", json_object_get_string(d));
            if (prev[0] != '\0') {
                if (k == 0)
                    assert_true(strcmp(prev, cur) <= 0);
                else
                    assert_true(strcmp(prev, cur) >= 0);
            }
            memcpy(prev, cur, sizeof prev);
        }
        json_object_put(o);
        free(out);
        free(err);
    }
}

static void test_snippet_and_text(void **state)
{
    char *out = NULL, *err = NULL;
    int rc;
    (void)state;
    rc = search(&out, &err, "ransomware", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "[ransomware]"));
    assert_non_null(strstr(out, "Tallgrass Loomworks"));
    free(out);
    free(err);
    rc = search(&out, &err, "--format", "csv", "ransomware", NULL);
    assert_int_equal(rc, 0);
    assert_true(strncmp(out, "rank,score,accession,", 21) == 0);
    assert_non_null(strstr(out, "\r\n1,"));
    free(out);
    free(err);
}

/* A body longer than the text the index keeps for snippets: every word
 * still matches, the fields come whole, the snippet shows the start when
 * the match lies beyond the kept text, and paths need no text at all. */
static void test_long_text(void **state)
{
    char *dir = f8k_test_tmpdir();
    char *file = f8k_test_path(dir, "long-8k.txt");
    char *db = f8k_test_path(dir, "db");
    char *out = NULL, *err = NULL;
    FILE *f = fopen(file, "w");
    int rc, i;
    (void)state;
    assert_non_null(f);
    fputs("                            FORM 8-K\n\n                         CURRENT REPORT\n\n"
          "Date of Report (Date of earliest event reported):  March 3, 2004\n\n"
          "              QUILLFEATHER ORCHARD HOLDINGS INC\n"
          "     (Exact Name of Registrant as Specified in its Charter)\n\n"
          "ITEM 5. OTHER EVENTS\n\nThe aardwolf program began this quarter.\n",
          f);
    for (i = 0; i < 1200; i++)
        fputs("The company continued its ordinary business in the ordinary course.\n", f);
    fputs("Finally the zebrafinch agreement was signed.\n", f);
    assert_int_equal(fclose(f), 0);
    {
        char *argv[] = {g_index, "--db", db, "add", "--quiet", file, NULL};
        rc = f8k_test_run(argv, NULL, 120, &out, &err);
    }
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    {
        char *argv[] = {g_search, "--db", db, "--format", "json", "zebrafinch", NULL};
        json_object *o = NULL, *h = NULL;
        rc = f8k_test_run(argv, NULL, 60, &out, &err);
        assert_int_equal(rc, 0);
        o = json_tokener_parse(out);
        assert_non_null(o);
        assert_int_equal(json_object_array_length(get(o, "results")), 1);
        h = json_object_array_get_idx(get(o, "results"), 0);
        assert_non_null(strstr(json_object_get_string(get(h, "company")), "QUILLFEATHER"));
        assert_non_null(strstr(json_object_get_string(get(h, "path")), "long-8k.txt"));
        /* Beyond the kept text: the start of the document. */
        assert_null(strstr(json_object_get_string(get(h, "snippet")), "zebrafinch"));
        assert_non_null(strstr(json_object_get_string(get(h, "snippet")), "FORM 8-K"));
        json_object_put(o);
        free(out);
        free(err);
    }
    {
        char *argv[] = {g_search, "--db", db, "aardwolf", NULL};
        rc = f8k_test_run(argv, NULL, 60, &out, &err);
        assert_int_equal(rc, 0);
        assert_non_null(strstr(out, "[aardwolf]"));
        free(out);
        free(err);
    }
    {
        char *argv[] = {g_search, "--db", db, "--format", "paths", "ordinary", NULL};
        rc = f8k_test_run(argv, NULL, 60, &out, &err);
        assert_int_equal(rc, 0);
        assert_non_null(strstr(out, "long-8k.txt\n"));
        free(out);
        free(err);
    }
    f8k_test_rmtree(dir);
    free(dir);
    free(file);
    free(db);
}

static void test_suggestion(void **state)
{
    json_object *o = search_json("ransomwre", NULL, NULL);
    char *out = NULL, *err = NULL;
    (void)state;
    assert_int_equal(n_results(o), 0);
    assert_string_equal(json_object_get_string(get(o, "suggestion")), "ransomware");
    json_object_put(o);
    assert_int_equal(search(&out, &err, "ransomwre", NULL), 0);
    assert_non_null(strstr(out, "Did you mean: ransomware"));
    free(out);
    free(err);
}

typedef struct file_list {
    char *v[60];
    size_t n;
} file_list_t;

static void add_file(const char *path, void *closure)
{
    file_list_t *l = closure;
    if (l->n < 60)
        l->v[l->n++] = strdup(path);
}

/*
 * Equal weights must not be ordered by docid: the same filings indexed
 * in the opposite order (other docids) give the same result lists,
 * also when every weight ties (a boolean-only query).
 */
static void test_order_independent_of_docids(void **state)
{
    const char *queries[] = {"form:8-K", "item:9.01", "the", "officer", "cfo"};
    char *samples = f8k_test_samples_dir(), *seeds = f8k_test_seeds_dir();
    char *db2 = f8k_test_path(g_tmp, "db-reversed");
    const char *paths[62];
    file_list_t files = {{NULL}, 0};
    size_t i, k = 0;
    (void)state;
    f8k_test_each_filing(samples, add_file, &files);
    f8k_test_each_filing(seeds, add_file, &files);
    assert_true(files.n >= 10);
    for (i = files.n; i > 0; i--)
        paths[k++] = files.v[i - 1];
    paths[k] = NULL;
    assert_int_equal(f8k_test_index(db2, paths), 0);
    for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *argv[] = {g_search,  "--db", g_db, "--format",         "paths",
                        "--limit", "0",    "--", (char *)queries[i], NULL};
        char *a = NULL, *b = NULL, *err = NULL;
        assert_int_equal(f8k_test_run(argv, NULL, 120, &a, &err), 0);
        free(err);
        argv[2] = db2;
        assert_int_equal(f8k_test_run(argv, NULL, 120, &b, &err), 0);
        free(err);
        assert_true(strchr(a, '\n') != NULL);
        if (strcmp(a, b) != 0)
            fprintf(stderr, "%s: order differs:\n%s---\n%s", queries[i], a, b);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    for (i = 0; i < files.n; i++)
        free(files.v[i]);
    free(samples);
    free(seeds);
    free(db2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_queries),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_synonyms),
        cmocka_unit_test(test_json_shape),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_usage_and_missing_db),
        cmocka_unit_test(test_limit_zero_and_paging),
        cmocka_unit_test(test_small_totals_exact),
        cmocka_unit_test(test_facets_count_filings),
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_snippet_and_text),
        cmocka_unit_test(test_suggestion),
        cmocka_unit_test(test_long_text),
        cmocka_unit_test(test_order_independent_of_docids),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
