/*
 * test_status.c - every status code has its own, non-empty message and
 * out-of-range values are safe.
 */
#include "f8k_test.h"

#include <string.h>

#include <f8k/f8k_status.h>

static void test_every_code_has_a_distinct_message(void **state)
{
    (void)state;
    for (int i = 0; i < F8K_STATUS_LAST; i++) {
        const char *m = f8k_status_to_string((f8k_status_t)i);
        assert_non_null(m);
        assert_true(strlen(m) > 0);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(m, f8k_status_to_string((f8k_status_t)j));
    }
}

static void test_out_of_range_is_safe(void **state)
{
    (void)state;
    assert_string_equal(f8k_status_to_string(F8K_STATUS_LAST), "unknown status");
    assert_string_equal(f8k_status_to_string((f8k_status_t)-1), "unknown status");
    assert_string_equal(f8k_status_to_string(F8K_STATUS_SUCCESS), "success");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_has_a_distinct_message),
        cmocka_unit_test(test_out_of_range_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
