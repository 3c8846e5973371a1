/*
 * test_reliability_security.c - security checks (issue 7): the database
 * directory (and missing parents) are created 0700 whatever the umask;
 * queries, file names and filing text holding shell metacharacters,
 * $(...), backquotes and path names are never executed or opened; an
 * XML external entity or XInclude in a filing is not expanded.
 */
#include "f8k_test.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_index_util.h"
#include "test_reliability_util.h"

static void test_db_mode_0700(void **state)
{
    char *tmp = f8k_test_tmpdir(), *seeds = f8k_test_seeds_dir();
    char *parent = f8k_test_path(tmp, "a"), *mid = f8k_test_path(parent, "b");
    char *db = f8k_test_path(mid, "db"), *src = NULL, *out = NULL, *err = NULL;
    struct stat st;
    mode_t old;
    int rc;
    (void)state;

    F8K_REQUIRE_OR_SKIP(seeds != NULL, "no seeds");
    src = f8k_test_path(seeds, "000_1b11c0cb41d2ce45.txt");
    old = umask(0);
    rc = idx_run(60, &out, &err, "--db", db, "add", src, NULL);
    umask(old);
    assert_int_equal(rc, 0);
    assert_int_equal(stat(db, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    assert_int_equal(stat(mid, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    assert_int_equal(stat(parent, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    free(out);
    free(err);
    f8k_test_rmtree(tmp);
    free(src);
    free(seeds);
    free(parent);
    free(mid);
    free(db);
    free(tmp);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void test_nothing_executed_or_opened(void **state)
{
    char *tmp = f8k_test_tmpdir();
    char *in = f8k_test_path(tmp, "in"), *db = f8k_test_path(tmp, "db");
    char *secret = f8k_test_path(tmp, "secret.txt"), *canary = f8k_test_path(tmp, "pwned");
    char *p = NULL, *out = NULL, *err = NULL, *cwd = getcwd(NULL, 0);
    char buf[4096], q[1024];
    int rc, i;
    (void)state;

    assert_int_equal(mkdir(in, 0700), 0);
    write_text(secret, "zqxsecretword root:x:0:0:root:/root:/bin/bash\n");
    /* Plain text filing naming commands and files. */
    snprintf(buf, sizeof buf,
             "FORM 8-K\nCURRENT REPORT\nshellmarker $(touch %s) `touch %s` ; touch %s | "
             "cat /etc/passwd && rm -rf / %s file://%s <!--#include file=\"%s\" -->\n",
             canary, canary, canary, secret, secret, secret);
    p = f8k_test_path(in, "shell.txt");
    write_text(p, buf);
    free(p);
    /* XHTML with an external entity, a parameter entity and XInclude. */
    snprintf(buf, sizeof buf,
             "<?xml version=\"1.0\"?>\n<!DOCTYPE html [\n<!ENTITY xxe SYSTEM \"file://%s\">\n"
             "<!ENTITY %% pe SYSTEM \"file://%s\"> %%pe;\n]>\n"
             "<html xmlns=\"http://www.w3.org/1999/xhtml\" "
             "xmlns:xi=\"http://www.w3.org/2001/XInclude\"><body><p>xxemarker &xxe;</p>"
             "<xi:include href=\"file://%s\" parse=\"text\"/>"
             "<img src=\"file:///etc/passwd\"/><a href=\"/etc/shadow\">x</a></body></html>\n",
             secret, secret, secret);
    p = f8k_test_path(in, "xxe.xhtml");
    write_text(p, buf);
    free(p);
    /* SGML with /etc/passwd as a document file name. */
    snprintf(buf, sizeof buf,
             "<SEC-DOCUMENT>\n<SEC-HEADER>\nACCESSION NUMBER: 0000000000-00-000001\n"
             "CONFORMED SUBMISSION TYPE: 8-K\n</SEC-HEADER>\n<DOCUMENT>\n<TYPE>8-K\n"
             "<FILENAME>%s\n<TEXT>\nsgmlmarker see %s and ../../../../etc/passwd\n</TEXT>\n"
             "</DOCUMENT>\n</SEC-DOCUMENT>\n",
             secret, secret);
    p = f8k_test_path(in, "sgml.txt");
    write_text(p, buf);
    free(p);

    assert_int_equal(chdir(tmp), 0); /* where a relative "touch pwned" would land */
    rc = idx_run(60, &out, &err, "--db", db, "add", in, NULL);
    if (rc != 0)
        fprintf(stderr, "add: %d %s", rc, err);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    /* The files were indexed from their own text... */
    {
        const char *mk[] = {"shellmarker", "xxemarker", "sgmlmarker"};
        for (i = 0; i < 3; i++) {
            rc = rel_search(db, 60, &out, &err, "--format", "paths", mk[i], NULL);
            assert_int_equal(rc, 0);
            assert_true(strlen(out) > 0);
            free(out);
            free(err);
        }
    }
    /* ...and never pulled the secret file's words in. */
    rc = rel_search(db, 60, &out, &err, "--format", "paths", "--limit", "0", "zqxsecretword", NULL);
    assert_int_equal(rc, 0);
    if (out[0] != '\0')
        fprintf(stderr, "secret file content indexed via: %s", out);
    assert_string_equal(out, "");
    free(out);
    free(err);

    /* Queries: never run through a shell, never opened as files. */
    {
        const char *pre[] = {"$(touch ",         "`touch ",     "; touch ",
                             "x | touch ",       "x && touch ", "",
                             "company:$(touch ", "\"$(touch ",  "file://"};
        const char *post[] = {")", "`", "", "", "", "", ")", ")\"", ""};
        const char *formats[] = {"text", "json", "csv", "paths"};
        for (i = 0; i < (int)(sizeof pre / sizeof pre[0]); i++) {
            snprintf(q, sizeof q, "%s%s%s", pre[i], i == 5 || i == 8 ? secret : canary, post[i]);
            rc = rel_search(db, 60, &out, &err, "--format", formats[i % 4], q, NULL);
            if (rc != 0 && rc != 2)
                fprintf(stderr, "query %s: exit %d: %s", q, rc, err);
            assert_true(rc == 0 || rc == 2); /* 2: a query syntax error is fine */
            assert_null(strstr(out, "zqxsecretword"));
            free(out);
            free(err);
        }
        /* --db with metacharacters names a directory, nothing more. */
        snprintf(q, sizeof q, "%s/$(touch %s)", tmp, canary);
        rc = rel_search(q, 60, &out, &err, "x", NULL);
        assert_int_equal(rc, 1);
        free(out);
        free(err);
    }
    assert_int_equal(chdir(cwd), 0);
    assert_int_not_equal(access(canary, F_OK), 0);
    p = f8k_test_path(tmp, "pwned");
    assert_int_not_equal(access(p, F_OK), 0);
    free(p);
    assert_int_equal(rel_xapian_check(db), 0);

    f8k_test_rmtree(tmp);
    free(cwd);
    free(secret);
    free(canary);
    free(in);
    free(db);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_db_mode_0700),
        cmocka_unit_test(test_nothing_executed_or_opened),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
