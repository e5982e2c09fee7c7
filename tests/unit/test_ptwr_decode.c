/* The page-table write decoder against instructions assembled by hand
 * from the encodings kernels use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <asm/ptwr_decode.h>

static void expect_decode(const uint8_t *b, unsigned int n, enum ptwr_kind kind,
                          unsigned int width, unsigned int reg, unsigned int len)
{
    struct ptwr_insn in;

    assert_true(ptwr_decode(b, n, &in));
    assert_int_equal(in.kind, kind);
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
    expect_decode(mov_rsi_to_rdi, 3, PTWR_MOV, 8, 6, 3);
    expect_decode(mov_r9_disp8, 4, PTWR_MOV, 8, 9, 4);
    expect_decode(mov_sib_disp32, 8, PTWR_MOV, 8, 0, 8);
}

static void test_mov32_imm_xchg_cmpxchg(void **state)
{
    static const uint8_t mov_eax[] = { 0x89, 0x07 };                        /* mov %eax,(%rdi) */
    static const uint8_t mov_imm[] = { 0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x00 };  /* movq $0,(%rdi) */
    static const uint8_t xchg[] = { 0x48, 0x87, 0x07 };                     /* xchg %rax,(%rdi) */
    static const uint8_t lock_cmpxchg[] = { 0xf0, 0x48, 0x0f, 0xb1, 0x17 }; /* lock cmpxchg %rdx,(%rdi) */
    struct ptwr_insn in;

    (void)state;
    expect_decode(mov_eax, 2, PTWR_MOV, 4, 0, 2);
    expect_decode(mov_imm, 7, PTWR_MOV, 8, 0, 7);
    assert_true(ptwr_decode(mov_imm, 7, &in));
    assert_int_equal(in.imm, 0);
    expect_decode(xchg, 3, PTWR_XCHG, 8, 0, 3);
    expect_decode(lock_cmpxchg, 5, PTWR_CMPXCHG, 8, 2, 5);
}

/* The in-place bit operations Linux uses on PTEs: clear_bit/set_bit of a
 * constant bit (a byte AND/OR, LOCK or the DS prefix patched over it),
 * test_and_clear_bit (BTR with an immediate), and the others. */
static void test_bit_operations(void **state)
{
    static const uint8_t ds_andb[] = { 0x3e, 0x41, 0x80, 0x27, 0xfd };   /* ds andb $0xfd,(%r15) */
    static const uint8_t lock_orb[] = { 0xf0, 0x80, 0x0f, 0x02 };        /* lock orb $2,(%rdi) */
    static const uint8_t lock_btrq[] = { 0xf0, 0x48, 0x0f, 0xba, 0x37, 0x05 };  /* lock btrq $5,(%rdi) */
    static const uint8_t btsq_reg[] = { 0x48, 0x0f, 0xab, 0x37 };        /* btsq %rsi,(%rdi) */
    static const uint8_t andq_imm8[] = { 0x48, 0x83, 0x27, 0xfd };       /* andq $-3,(%rdi) */
    static const uint8_t orq_reg[] = { 0x48, 0x09, 0x37 };               /* orq %rsi,(%rdi) */
    static const uint8_t xorl_imm32[] = { 0x81, 0x37, 1, 0, 0, 0x80 };   /* xorl $0x80000001,(%rdi) */
    static const uint8_t btc_reg[] = { 0x0f, 0xbb, 0x37 };               /* btcl %esi,(%rdi) */
    struct ptwr_insn in;

    (void)state;
    expect_decode(ds_andb, 5, PTWR_AND, 1, 4, 5);
    assert_true(ptwr_decode(ds_andb, 5, &in));
    assert_true(in.has_imm);
    assert_int_equal(in.imm, 0xfffffffffffffffdULL);
    expect_decode(lock_orb, 4, PTWR_OR, 1, 1, 4);
    expect_decode(lock_btrq, 6, PTWR_BTR, 8, 6, 6);
    assert_true(ptwr_decode(lock_btrq, 6, &in));
    assert_int_equal(in.imm, 5);
    expect_decode(btsq_reg, 4, PTWR_BTS, 8, 6, 4);
    assert_true(ptwr_decode(btsq_reg, 4, &in));
    assert_false(in.has_imm);
    expect_decode(andq_imm8, 4, PTWR_AND, 8, 4, 4);
    expect_decode(orq_reg, 3, PTWR_OR, 8, 6, 3);
    expect_decode(xorl_imm32, 6, PTWR_XOR, 4, 6, 6);
    assert_true(ptwr_decode(xorl_imm32, 6, &in));
    assert_int_equal(in.imm, 0xffffffff80000001ULL);
    expect_decode(btc_reg, 3, PTWR_BTC, 4, 6, 3);
}

static void test_rejects(void **state)
{
    static const uint8_t reg_dest[] = { 0x48, 0x89, 0xc7 };     /* mov %rax,%rdi: no memory */
    static const uint8_t add[] = { 0x48, 0x01, 0x07 };          /* add: not a PTE write */
    static const uint8_t c7_reg1[] = { 0x48, 0xc7, 0x0f, 0, 0, 0, 0 };  /* /1 is not MOV */
    static const uint8_t cut_disp32[] = { 0x48, 0x89, 0x05, 0x00, 0x10 }; /* rip-rel, 2 of 4 */
    static const uint8_t cut_imm[] = { 0x48, 0xc7, 0x07, 0x00 };
    static const uint8_t lonely_prefix[] = { 0xf0 };
    static const uint8_t bt_imm[] = { 0x48, 0x0f, 0xba, 0x27, 0x05 };  /* bt: reads only */
    static const uint8_t add_imm8[] = { 0x48, 0x83, 0x07, 0x01 };       /* add, /0 */
    static const uint8_t cut_imm8[] = { 0x80, 0x27 };                   /* andb, no imm8 */
    static const uint8_t five_prefixes[] = { 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x48, 0x89, 0x07 };
    struct ptwr_insn in;

    (void)state;
    assert_false(ptwr_decode(reg_dest, 3, &in));
    assert_false(ptwr_decode(add, 3, &in));
    assert_false(ptwr_decode(c7_reg1, 7, &in));
    assert_false(ptwr_decode(cut_disp32, 5, &in));
    assert_false(ptwr_decode(cut_imm, 4, &in));
    assert_false(ptwr_decode(lonely_prefix, 1, &in));
    assert_false(ptwr_decode(lonely_prefix, 0, &in));
    assert_false(ptwr_decode(bt_imm, 5, &in));
    assert_false(ptwr_decode(add_imm8, 4, &in));
    assert_false(ptwr_decode(cut_imm8, 2, &in));
    assert_false(ptwr_decode(five_prefixes, 8, &in));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mov_reg64),
        cmocka_unit_test(test_mov32_imm_xchg_cmpxchg),
        cmocka_unit_test(test_bit_operations),
        cmocka_unit_test(test_rejects),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
