/* Which exceptions are never bounced to a guest (asm/trap_policy.h):
 * exactly #DF and #MC, of all 256 vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <asm/trap_policy.h>

static void test_only_df_and_mc(void **state)
{
    (void)state;
    for (unsigned int vec = 0; vec < 256; vec++)
        assert_int_equal(trap_always_fatal(vec), vec == 8 || vec == 18);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_df_and_mc),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
