/* The guest segment-descriptor check (hv/arch/x86/pv/desc_check.c):
 * what may stand in a guest's GDT or LDT, and what it is made into. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asm/config.h>
#include <asm/pv_mm.h>
#include <proxen/errno.h>
#include <public/xen.h>

#define P      (1ULL << 47)
#define S      (1ULL << 44)
#define DPL3   (3ULL << 45)
#define ACC    (1ULL << 40)

static uint64_t gate(uint16_t sel, unsigned int type, unsigned int dpl)
{
    return P | ((uint64_t)type << 40) | ((uint64_t)dpl << 45) | ((uint64_t)sel << 16) | 0x1234;
}

static void test_not_present_kept(void **state)
{
    uint64_t d = 0x00cf9a000000ffffULL & ~P;        /* anything, P clear */

    (void)state;
    assert_true(pv_check_descriptor(&d));
    assert_int_equal(d, 0x00cf9a000000ffffULL & ~P);
}

/* Code and data segments run at the guest's privilege, accessed. */
static void test_code_data_demoted(void **state)
{
    static const uint64_t segs[] = { 0x00af9a000000ffffULL,   /* 64-bit code, DPL 0 */
                                     0x00cf92000000ffffULL,   /* data, DPL 0 */
                                     0x00cff2000000ffffULL }; /* data, DPL 3 */

    (void)state;
    for (unsigned int i = 0; i < 3; i++) {
        uint64_t d = segs[i], again;

        assert_true(pv_check_descriptor(&d));
        assert_int_equal(d & DPL3, DPL3);
        assert_true(d & ACC);
        assert_int_equal(d & ~(DPL3 | ACC), segs[i] & ~(DPL3 | ACC));
        again = d;
        assert_true(pv_check_descriptor(&again));
        assert_int_equal(again, d);                 /* checking twice changes nothing */
    }
}

/* Of the system descriptors, only 64-bit call gates. */
static void test_system_types(void **state)
{
    (void)state;
    for (unsigned int type = 0; type < 16; type++) {
        uint64_t d = gate((uint16_t)(FLAT_RING3_CS64), type, 3);
        bool ok = pv_check_descriptor(&d);

        assert_int_equal(ok, type == 0xc);
    }
}

/* A call gate leads to guest code only, is stored with DPL 0 (every far
 * call through it faults), and has its reserved byte clear. */
static void test_call_gates(void **state)
{
    static const struct { uint16_t sel; bool ok; } targets[] = {
        { FLAT_RING3_CS64, true }, { FLAT_RING3_CS32, true }, { (5 << 3) | 3, true },
        { (9 << 3) | 4 | 3, true },                          /* in the LDT */
        { 0, false },                                        /* null */
        { FIRST_RESERVED_GDT_ENTRY << 3, false },            /* the hypervisor's */
        { (FIRST_RESERVED_GDT_ENTRY + 1) << 3, false },
        { HYPERVISOR_CS, false }, { FLAT_RING3_DS32, false }, { 0xfff8, false },
    };

    (void)state;
    for (unsigned int i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        uint64_t d = gate(targets[i].sel, 0xc, 3);

        assert_int_equal(pv_check_descriptor(&d), targets[i].ok);
        if (targets[i].ok)
            assert_int_equal(d & DPL3, 0);
    }
    {
        uint64_t d = gate(FLAT_RING3_CS64, 0xc, 3) | (1ULL << 32);   /* reserved byte */

        assert_false(pv_check_descriptor(&d));
    }
}

/* A page is taken whole or not at all. */
static void test_page_all_or_nothing(void **state)
{
    static uint64_t page[512], copy[512];

    (void)state;
    for (unsigned int i = 0; i < 512; i++)
        page[i] = i % 3 ? 0x00cf92000000ffffULL : 0;
    page[300] = gate(FLAT_RING3_CS64, 0xe, 3);             /* an interrupt gate */
    memcpy(copy, page, sizeof(page));
    assert_int_equal(pv_validate_descriptor_page(page), -EINVAL);
    assert_memory_equal(page, copy, sizeof(page));
    page[300] = 0;
    assert_int_equal(pv_validate_descriptor_page(page), 0);
    for (unsigned int i = 0; i < 512; i++)
        if (page[i])
            assert_int_equal(page[i] & (DPL3 | ACC), DPL3 | ACC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_present_kept),
        cmocka_unit_test(test_code_data_demoted),
        cmocka_unit_test(test_system_types),
        cmocka_unit_test(test_call_gates),
        cmocka_unit_test(test_page_all_or_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
