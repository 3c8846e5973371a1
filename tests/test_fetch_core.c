/*
 * test_fetch_core.c - the pure parts of f8k-fetch: dates, index
 * parsing and validation, selection, the token bucket, configuration
 * and state.
 */
#include "f8k_test.h"

#include <string.h>
#include <unistd.h>

#include "fetch-private.h"

/* ------------------------------------------------------------------ */
/* Dates                                                               */
/* ------------------------------------------------------------------ */

static void test_day_round_trip(void **state)
{
    static const struct {
        const char *text;
        fetch_day_t day;
        int weekday;
    } cases[] = {
        {"1970-01-01", 0, 4},    {"2000-02-29", 11016, 2}, {"2024-03-09", 19791, 6},
        {"1993-01-01", 8401, 5}, {"2024-12-31", 20088, 2}, {"20240311", 19793, 1},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fetch_day_t day = -1;
        char text[11];
        assert_int_equal(fetch_day_parse(cases[i].text, 0, &day), F8K_STATUS_SUCCESS);
        assert_int_equal(day, cases[i].day);
        assert_int_equal(fetch_day_weekday(day), cases[i].weekday);
        fetch_day_format(day, text);
        if (strchr(cases[i].text, '-') != NULL)
            assert_string_equal(text, cases[i].text);
    }
}

static void test_day_parse_rejects(void **state)
{
    static const char *const bad[] = {"2023-02-29", "2024-13-01", "2024-00-10",
                                      "2024-1-01",  "yesterday ", "",
                                      "2024-03-0x", "20240230",   "1899-12-31"};
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fetch_day_t day = 7;
        assert_int_equal(fetch_day_parse(bad[i], 0, &day), F8K_STATUS_INVALID_ARG);
        assert_int_equal(day, 0);
    }
}

static void test_day_relative_and_quarters(void **state)
{
    fetch_day_t today = fetch_day_from_ymd(2024, 4, 1);
    fetch_day_t day = 0;
    char text[11], compact[9];
    (void)state;
    assert_int_equal(fetch_day_parse("today", today, &day), F8K_STATUS_SUCCESS);
    assert_int_equal(day, today);
    assert_int_equal(fetch_day_parse("yesterday", today, &day), F8K_STATUS_SUCCESS);
    fetch_day_format(day, text);
    assert_string_equal(text, "2024-03-31");
    assert_int_equal(fetch_day_quarter(day), 1);
    assert_int_equal(fetch_day_quarter(today), 2);
    fetch_day_format(fetch_quarter_first(day), text);
    assert_string_equal(text, "2024-01-01");
    fetch_day_format(fetch_quarter_last(fetch_day_from_ymd(2023, 11, 5)), text);
    assert_string_equal(text, "2023-12-31");
    fetch_day_format(fetch_quarter_last(fetch_day_from_ymd(2023, 8, 5)), text);
    assert_string_equal(text, "2023-09-30");
    fetch_day_format_compact(today, compact);
    assert_string_equal(compact, "20240401");
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

static void test_filename_validation(void **state)
{
    static const struct {
        const char *name;
        const char *cik;
        const char *accession;
    } good[] = {
        {"edgar/data/320193/0000320193-24-000010.txt", "320193", "0000320193-24-000010"},
        {"edgar/data/1/0000950123-10-078896.txt", "1", "0000950123-10-078896"},
        {"edgar/data/0001000180/0001000180-10-000003.txt", "0001000180", "0001000180-10-000003"},
    };
    static const char *const bad[] = {
        "edgar/data/1234/../../../etc/passwd",
        "/edgar/data/1/0000950123-10-078896.txt",
        "edgar/data/12a/0000950123-10-078896.txt",
        "edgar/data//0000950123-10-078896.txt",
        "edgar/data/12345678901/0000950123-10-078896.txt",
        "edgar/data/1/0000950123-10-07889.txt",
        "edgar/data/1/0000950123-1-0078896.txt",
        "edgar/data/1/0000950123-10-078896.txt.sh",
        "edgar/data/1/0000950123-10-078896.htm",
        "edgar/data/1/sub/0000950123-10-078896.txt",
        "edgar/data/1/0000950123_10_078896.txt",
        "http://evil/edgar/data/1/0000950123-10-078896.txt",
        "edgar/data/1/0000950123-10-078896.txt?x=1",
        "",
    };
    char cik[FETCH_CIK_MAX + 1], accession[FETCH_ACCESSION_LEN + 1];
    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(fetch_parse_filename(good[i].name, strlen(good[i].name), cik, accession),
                         F8K_STATUS_SUCCESS);
        assert_string_equal(cik, good[i].cik);
        assert_string_equal(accession, good[i].accession);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(fetch_parse_filename(bad[i], strlen(bad[i]), cik, accession),
                         F8K_STATUS_BAD_INPUT);
        assert_string_equal(cik, "");
        assert_string_equal(accession, "");
    }
    assert_true(fetch_valid_cik("0000320193", 10));
    assert_false(fetch_valid_cik("00003201931", 11));
    assert_false(fetch_valid_cik("", 0));
    assert_false(fetch_valid_cik("-1", 2));
}

/* ------------------------------------------------------------------ */
/* Index parsing                                                       */
/* ------------------------------------------------------------------ */

/* Feed TEXT line by line; collect "form cik date accession" strings. */
static size_t parse_all(fetch_index_kind_t kind, const char *text, char out[][96], size_t max,
                        size_t *bad_out)
{
    fetch_index_parser_t parser;
    size_t count = 0;
    const char *p = text;
    fetch_index_parser_init(&parser, kind);
    *bad_out = 0;
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
        fetch_row_t row;
        bool got = false;
        const char *reason = NULL;
        f8k_status_t status = fetch_index_parse_line(&parser, p, len, &row, &got, &reason);
        if (status == F8K_STATUS_BAD_INPUT) {
            assert_non_null(reason);
            (*bad_out)++;
        } else if (got && count < max) {
            char date[11];
            fetch_day_format(row.filed, date);
            snprintf(out[count++], 96, "%s|%s|%s|%s|%s", row.form, row.cik, date, row.file_cik,
                     row.accession);
        }
        p += len;
        if (*p == '\n')
            p++;
    }
    return count;
}

static void test_parse_master_daily(void **state)
{
    static const char text[] =
        "Description:           Master Index of EDGAR Dissemination Feed\n"
        "Last Data Received:    March 7, 2024\n"
        "Comments:              webmaster@sec.gov\n"
        "Anonymous FTP:         ftp://ftp.sec.gov/edgar/\n"
        " \n"
        "CIK|Company Name|Form Type|Date Filed|Filename\n"
        "--------------------------------------------------------------------------------\n"
        "1000045|NICHOLAS FINANCIAL INC|8-K|20240307|edgar/data/1000045/"
        "0000950170-24-000128.txt\r\n"
        "1000097|KINGDON | CAPITAL|SC 13G/A|20240307|edgar/data/1000097/"
        "0000919574-24-001122.txt\n"
        "1234|EVIL|8-K|20240307|edgar/data/1234/../../etc/passwd\n"
        "12x4|BAD CIK|8-K|20240307|edgar/data/1/0000950170-24-000128.txt\n"
        "1000045|NICHOLAS FINANCIAL INC|8-K|2024-03-32|edgar/data/1000045/"
        "0000950170-24-000129.txt\n"
        "just garbage\n";
    char rows[8][96];
    size_t bad = 0;
    size_t n = parse_all(FETCH_INDEX_MASTER, text, rows, 8, &bad);
    (void)state;
    assert_int_equal(n, 2);
    assert_string_equal(rows[0], "8-K|1000045|2024-03-07|1000045|0000950170-24-000128");
    assert_string_equal(rows[1], "SC 13G/A|1000097|2024-03-07|1000097|0000919574-24-001122");
    assert_int_equal(bad, 4);
}

static void test_parse_master_quarterly_dates(void **state)
{
    static const char text[] = "CIK|Company Name|Form Type|Date Filed|Filename\n"
                               "-----------------------------------------------\n"
                               "320193|APPLE INC|10-Q|2003-05-12|edgar/data/320193/"
                               "0000320193-03-000010.txt\n";
    char rows[2][96];
    size_t bad = 0;
    (void)state;
    assert_int_equal(parse_all(FETCH_INDEX_MASTER, text, rows, 2, &bad), 1);
    assert_int_equal(bad, 0);
    assert_string_equal(rows[0], "10-Q|320193|2003-05-12|320193|0000320193-03-000010");
}

static void test_parse_form_idx(void **state)
{
    static const char text[] =
        "Description:           Daily Index of EDGAR Dissemination Feed by Form Type\n"
        "\n"
        "Form Type   Company Name                                                  CIK    "
        "     Date Filed  File Name\n"
        "---------------------------------------------------------------------------------"
        "------------------------------------------------------------\n"
        "8-K         HEMACARE CORP                                                 "
        "801748      20240308    edgar/data/801748/0001193125-24-000001.txt\n"
        "8-K/A       SOME CO INC                                                   "
        "12          20240308    edgar/data/12/0001193125-24-000002.txt   \n"
        "SC 13G/A    OTHER CO                                                      "
        "13          20240308    edgar/data/13/0001193125-24-000003.txt\n"
        "8-K         SHORT\n";
    char rows[4][96];
    size_t bad = 0;
    (void)state;
    assert_int_equal(parse_all(FETCH_INDEX_FORM, text, rows, 4, &bad), 3);
    assert_string_equal(rows[0], "8-K|801748|2024-03-08|801748|0001193125-24-000001");
    assert_string_equal(rows[1], "8-K/A|12|2024-03-08|12|0001193125-24-000002");
    assert_string_equal(rows[2], "SC 13G/A|13|2024-03-08|13|0001193125-24-000003");
    assert_int_equal(bad, 1);
}

/* ------------------------------------------------------------------ */
/* Selection                                                           */
/* ------------------------------------------------------------------ */

static void test_filter_and_seen(void **state)
{
    fetch_filter_t filter;
    fetch_row_t row;
    fetch_seen_t *seen = NULL;
    const char *bad = NULL;
    bool added = false;
    (void)state;

    assert_int_equal(fetch_filter_init(&filter, NULL, NULL, &bad), F8K_STATUS_SUCCESS);
    memset(&row, 0, sizeof row);
    strcpy(row.cik, "320193");
    strcpy(row.form, "8-K");
    assert_true(fetch_filter_match(&filter, &row));
    strcpy(row.form, "8-k/a");
    assert_true(fetch_filter_match(&filter, &row));
    strcpy(row.form, "10-Q");
    assert_false(fetch_filter_match(&filter, &row));
    strcpy(row.form, "8-K12B");
    assert_false(fetch_filter_match(&filter, &row));
    fetch_filter_free(&filter);

    assert_int_equal(fetch_filter_init(&filter, "10-Q, 8-K", "0000320193,42", &bad),
                     F8K_STATUS_SUCCESS);
    strcpy(row.form, "10-Q");
    assert_true(fetch_filter_match(&filter, &row));
    strcpy(row.cik, "43");
    assert_false(fetch_filter_match(&filter, &row));
    fetch_filter_free(&filter);

    assert_int_equal(fetch_filter_init(&filter, "8-K", "12,x", &bad), F8K_STATUS_INVALID_ARG);
    assert_string_equal(bad, "12,x");
    assert_int_equal(fetch_filter_init(&filter, "8-K,,10-Q", NULL, &bad), F8K_STATUS_INVALID_ARG);

    assert_int_equal(fetch_seen_new(&seen), F8K_STATUS_SUCCESS);
    for (int i = 0; i < 5000; i++) {
        char acc[FETCH_ACCESSION_LEN + 1];
        snprintf(acc, sizeof acc, "0000000001-24-%06u", (unsigned)i % 1000000u);
        assert_int_equal(fetch_seen_add(seen, acc, &added), F8K_STATUS_SUCCESS);
        assert_true(added);
    }
    assert_int_equal(fetch_seen_add(seen, "0000000001-24-004321", &added), F8K_STATUS_SUCCESS);
    assert_false(added);
    fetch_seen_free(seen);
    fetch_seen_free(NULL);
}

/* ------------------------------------------------------------------ */
/* Pacing                                                              */
/* ------------------------------------------------------------------ */

/* Greedy clients in simulated time: no 1-second window may hold more
 * than RATE (rounded up) starts, whatever the step of the clock. */
static void test_bucket_never_exceeds_rate(void **state)
{
    static const double rates[] = {10.0, 10.0 / 1.05, 3.0, 0.5};
    static const double steps[] = {0.0001, 0.013, 0.05, 0.1};
    (void)state;
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
            fetch_bucket_t bucket;
            size_t most = (size_t)rates[r]; /* RATE rounded up */
            double starts[4096];
            size_t n = 0;
            double now = 100.0;
            if ((double)most < rates[r])
                most++;
            fetch_bucket_init(&bucket, rates[r], 1.0, now);
            while (now < 130.0 && n < 4096) {
                double need = fetch_bucket_take(&bucket, now);
                if (need == 0.0)
                    starts[n++] = now;
                else
                    now += need < steps[s] ? steps[s] : need;
            }
            assert_true(n > 0);
            for (size_t i = 0; i < n; i++) {
                size_t in_window = 0;
                for (size_t j = i; j < n && starts[j] < starts[i] + 1.0 - 1e-6; j++)
                    in_window++;
                if (in_window > most)
                    fail_msg("rate %g step %g: %zu starts in [%.9f, +1 s)", rates[r], steps[s],
                             in_window, starts[i]);
            }
            /* And, following its wait hints, not needlessly slow. */
            if (s == 0)
                assert_true((double)n >= rates[r] * 30.0 * 0.95);
        }
    }
}

static void test_bucket_wait_hint(void **state)
{
    fetch_bucket_t bucket;
    (void)state;
    fetch_bucket_init(&bucket, 10.0, 1.0, 0.0);
    assert_true(fetch_bucket_take(&bucket, 0.0) == 0.0);
    assert_float_equal(fetch_bucket_take(&bucket, 0.0), 0.1, 1e-9);
    assert_float_equal(fetch_bucket_take(&bucket, 0.04), 0.06, 1e-9);
    assert_true(fetch_bucket_take(&bucket, 0.1) == 0.0);
}

/* ------------------------------------------------------------------ */
/* Configuration and state                                             */
/* ------------------------------------------------------------------ */

static void test_user_agent_rules(void **state)
{
    (void)state;
    assert_null(fetch_user_agent_problem("Example Corp admin@example.com"));
    assert_non_null(fetch_user_agent_problem(NULL));
    assert_non_null(fetch_user_agent_problem(""));
    assert_non_null(fetch_user_agent_problem("Example Corp"));
    assert_non_null(fetch_user_agent_problem("admin@example.com"));
    assert_non_null(fetch_user_agent_problem("Example admin@example.com\r\nX-Evil: 1"));
}

static void test_config_and_state(void **state)
{
    char *dir = f8k_test_tmpdir();
    char *conf = f8k_test_path(dir, "fetch.conf");
    char *statef = f8k_test_path(dir, "state");
    char *value = NULL;
    bool found = true;
    fetch_day_t day = 1;
    FILE *f = NULL;
    char *text = NULL;
    (void)state;

    assert_int_equal(fetch_config_get(conf, "user-agent", &value), F8K_STATUS_SUCCESS);
    assert_null(value);
    f = fopen(conf, "w");
    assert_non_null(f);
    fputs("# f8k-fetch\nuser-agentx = no\n  user-agent =  Example Corp a@b.com  # me\n"
          "root=/tmp/x\n",
          f);
    fclose(f);
    assert_int_equal(fetch_config_get(conf, "user-agent", &value), F8K_STATUS_SUCCESS);
    assert_string_equal(value, "Example Corp a@b.com");
    free(value);
    assert_int_equal(fetch_config_get(conf, "root", &value), F8K_STATUS_SUCCESS);
    assert_string_equal(value, "/tmp/x");
    free(value);

    assert_int_equal(fetch_state_read(statef, &found, &day), F8K_STATUS_SUCCESS);
    assert_false(found);
    assert_int_equal(fetch_state_write(statef, fetch_day_from_ymd(2024, 3, 11)),
                     F8K_STATUS_SUCCESS);
    text = f8k_test_read_file(statef, NULL);
    assert_string_equal(text, "2024-03-11\n");
    free(text);
    assert_int_equal(fetch_state_read(statef, &found, &day), F8K_STATUS_SUCCESS);
    assert_true(found);
    assert_int_equal(day, fetch_day_from_ymd(2024, 3, 11));
    f = fopen(statef, "w");
    assert_non_null(f);
    fputs("garbage\n", f);
    fclose(f);
    assert_int_equal(fetch_state_read(statef, &found, &day), F8K_STATUS_BAD_INPUT);

    f8k_test_rmtree(dir);
    free(conf);
    free(statef);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_day_round_trip),
        cmocka_unit_test(test_day_parse_rejects),
        cmocka_unit_test(test_day_relative_and_quarters),
        cmocka_unit_test(test_filename_validation),
        cmocka_unit_test(test_parse_master_daily),
        cmocka_unit_test(test_parse_master_quarterly_dates),
        cmocka_unit_test(test_parse_form_idx),
        cmocka_unit_test(test_filter_and_seen),
        cmocka_unit_test(test_bucket_never_exceeds_rate),
        cmocka_unit_test(test_bucket_wait_hint),
        cmocka_unit_test(test_user_agent_rules),
        cmocka_unit_test(test_config_and_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
