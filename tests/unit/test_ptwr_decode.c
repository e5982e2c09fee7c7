/* The page-table write decoder against instructions assembled by hand
 * from the encodings kernels use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <asm/ptwr_decode.h>

static void expect_decode(const uint8_t *b, unsigned int n, unsigned int op,
                          unsigned int width, unsigned int reg, unsigned int len)
{
    struct ptwr_insn in;

    assert_true(ptwr_decode(b, n, &in));
    assert_int_equal(in.op, op);
    assert_int_equal(in.width, width);
    assert_int_equal(in.reg, reg);
    assert_int_equal(in.len, len);
}

static void test_mov_reg64(void **state)
{
    static const uint8_t mov_rsi_to_rdi[] = { 0x48, 0x89, 0x37 };          /* mov %rsi,(%rdi) */
    static const uint8_t mov_r9_disp8[] = { 0x4c, 0x89, 0x48, 0x08 };       /* mov %r9,8(%rax) */
    static const uint8_t mov_sib_disp32[] = { 0x48, 0x89, 0x84, 0xc8, 0x00, 0x10, 0, 0 };
                                                   /* mov %rax,0x1000(%rax,%rcx,8) */
    (void)state;
    expect_decode(mov_rsi_to_rdi, 3, 0x89, 8, 6, 3);
    expect_decode(mov_r9_disp8, 4, 0x89, 8, 9, 4);
    expect_decode(mov_sib_disp32, 8, 0x89, 8, 0, 8);
}

static void test_mov32_imm_xchg_cmpxchg(void **state)
{
    static const uint8_t mov_eax[] = { 0x89, 0x07 };                        /* mov %eax,(%rdi) */
    static const uint8_t mov_imm[] = { 0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x00 };  /* movq $0,(%rdi) */
    static const uint8_t xchg[] = { 0x48, 0x87, 0x07 };                     /* xchg %rax,(%rdi) */
    static const uint8_t lock_cmpxchg[] = { 0xf0, 0x48, 0x0f, 0xb1, 0x17 }; /* lock cmpxchg %rdx,(%rdi) */
    struct ptwr_insn in;

    (void)state;
    expect_decode(mov_eax, 2, 0x89, 4, 0, 2);
    expect_decode(mov_imm, 7, 0xc7, 8, 0, 7);
    assert_true(ptwr_decode(mov_imm, 7, &in));
    assert_int_equal(in.imm, 0);
    expect_decode(xchg, 3, 0x87, 8, 0, 3);
    expect_decode(lock_cmpxchg, 5, 0xb1, 8, 2, 5);
}

static void test_rejects(void **state)
{
    static const uint8_t reg_dest[] = { 0x48, 0x89, 0xc7 };     /* mov %rax,%rdi: no memory */
    static const uint8_t add[] = { 0x48, 0x01, 0x07 };          /* add: not a PTE write */
    static const uint8_t c7_reg1[] = { 0x48, 0xc7, 0x0f, 0, 0, 0, 0 };  /* /1 is not MOV */
    static const uint8_t cut_disp32[] = { 0x48, 0x89, 0x05, 0x00, 0x10 }; /* rip-rel, 2 of 4 */
    static const uint8_t cut_imm[] = { 0x48, 0xc7, 0x07, 0x00 };
    static const uint8_t lonely_prefix[] = { 0xf0 };
    struct ptwr_insn in;

    (void)state;
    assert_false(ptwr_decode(reg_dest, 3, &in));
    assert_false(ptwr_decode(add, 3, &in));
    assert_false(ptwr_decode(c7_reg1, 7, &in));
    assert_false(ptwr_decode(cut_disp32, 5, &in));
    assert_false(ptwr_decode(cut_imm, 4, &in));
    assert_false(ptwr_decode(lonely_prefix, 1, &in));
    assert_false(ptwr_decode(lonely_prefix, 0, &in));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mov_reg64),
        cmocka_unit_test(test_mov32_imm_xchg_cmpxchg),
        cmocka_unit_test(test_rejects),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
