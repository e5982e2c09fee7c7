/* The #GP(0) instruction decoder against instructions assembled by hand
 * from the encodings guest kernels use, and the lengths the CPU refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asm/gp_decode.h>

static struct gp_insn decoded(const uint8_t *b, unsigned int n, enum gp_op op, unsigned int len)
{
    struct gp_insn in;

    assert_true(gp_decode(b, n, &in));
    assert_int_equal(in.op, op);
    assert_int_equal(in.len, len);
    return in;
}

static void test_port_io(void **state)
{
    static const uint8_t outb_imm[] = { 0xe6, 0x80 };            /* out %al,$0x80 */
    static const uint8_t inw_dx[] = { 0x66, 0xed };              /* in (%dx),%ax */
    static const uint8_t outl_dx[] = { 0xef };                   /* out %eax,(%dx) */
    static const uint8_t inb_imm[] = { 0xe4, 0x71 };             /* in $0x71,%al */
    struct gp_insn in;

    (void)state;
    in = decoded(outb_imm, 2, GP_OUT, 2);
    assert_int_equal(in.size, 1);
    assert_int_equal(in.port, 0x80);
    assert_false(in.port_in_dx);
    assert_false(in.kernel_only);
    in = decoded(inw_dx, 2, GP_IN, 2);
    assert_int_equal(in.size, 2);
    assert_true(in.port_in_dx);
    in = decoded(outl_dx, 1, GP_OUT, 1);
    assert_int_equal(in.size, 4);
    in = decoded(inb_imm, 2, GP_IN, 2);
    assert_int_equal(in.port, 0x71);
}

static void test_system(void **state)
{
    static const uint8_t mov_cr3_r9[] = { 0x41, 0x0f, 0x22, 0xd9 };   /* mov %r9,%cr3 */
    static const uint8_t mov_rax_cr0[] = { 0x0f, 0x20, 0xc0 };        /* mov %cr0,%rax */
    static const uint8_t mov_dr7_rdx[] = { 0x0f, 0x23, 0xfa };        /* mov %rdx,%dr7 */
    static const uint8_t mov_r8_to_cr8[] = { 0x45, 0x0f, 0x22, 0xc0 };/* mov %r8,%cr8 */
    static const uint8_t wrmsr[] = { 0x0f, 0x30 }, rdmsr[] = { 0x0f, 0x32 };
    static const uint8_t clts[] = { 0x0f, 0x06 }, wbinvd[] = { 0x0f, 0x09 };
    static const uint8_t hlt[] = { 0xf4 }, cli[] = { 0xfa }, sti[] = { 0xfb };
    struct gp_insn in;

    (void)state;
    in = decoded(mov_cr3_r9, 4, GP_MOV_TO_CR, 4);
    assert_int_equal(in.ctl, 3);
    assert_int_equal(in.gpr, 9);
    assert_true(in.kernel_only);
    in = decoded(mov_rax_cr0, 3, GP_MOV_FROM_CR, 3);
    assert_int_equal(in.ctl, 0);
    assert_int_equal(in.gpr, 0);
    in = decoded(mov_dr7_rdx, 3, GP_MOV_TO_DR, 3);
    assert_int_equal(in.ctl, 7);
    assert_int_equal(in.gpr, 2);
    in = decoded(mov_r8_to_cr8, 4, GP_MOV_TO_CR, 4);
    assert_int_equal(in.ctl, 8);
    assert_int_equal(in.gpr, 8);
    assert_true(decoded(wrmsr, 2, GP_WRMSR, 2).kernel_only);
    assert_true(decoded(rdmsr, 2, GP_RDMSR, 2).kernel_only);
    assert_true(decoded(clts, 2, GP_CLTS, 2).kernel_only);
    assert_true(decoded(wbinvd, 2, GP_WBINVD, 2).kernel_only);
    assert_true(decoded(hlt, 1, GP_HLT, 1).kernel_only);
    assert_false(decoded(cli, 1, GP_CLI_STI, 1).kernel_only);
    assert_false(decoded(sti, 1, GP_CLI_STI, 1).kernel_only);
}

/* A REX prefix followed by another prefix is ignored by the CPU: the
 * register is RCX, not R9. */
static void test_rex_before_prefix(void **state)
{
    static const uint8_t rex_then_66[] = { 0x41, 0x66, 0x0f, 0x22, 0xd9 };
    static const uint8_t prefix_then_rex[] = { 0x66, 0x41, 0x0f, 0x22, 0xd9 };
    struct gp_insn in;

    (void)state;
    in = decoded(rex_then_66, 5, GP_MOV_TO_CR, 5);
    assert_int_equal(in.gpr, 1);
    in = decoded(prefix_then_rex, 5, GP_MOV_TO_CR, 5);
    assert_int_equal(in.gpr, 9);
}

static void test_rejects(void **state)
{
    static const uint8_t mov_cr_mem[] = { 0x0f, 0x22, 0x18 };         /* memory operand */
    static const uint8_t lgdt[] = { 0x0f, 0x01, 0x10 };
    static const uint8_t truncated_out[] = { 0xe6 };
    static const uint8_t truncated_mov[] = { 0x0f, 0x22 };
    static const uint8_t prefixes_only[] = { 0x66, 0x48, 0x66 };
    static const uint8_t nop[] = { 0x90 };
    struct gp_insn in;

    (void)state;
    assert_false(gp_decode(mov_cr_mem, 3, &in));
    assert_false(gp_decode(lgdt, 3, &in));
    assert_false(gp_decode(truncated_out, 1, &in));
    assert_false(gp_decode(truncated_mov, 2, &in));
    assert_false(gp_decode(prefixes_only, 3, &in));
    assert_false(gp_decode(nop, 1, &in));
    assert_false(gp_decode(nop, 0, &in));
}

/* 14 prefixes and `out` make 15 bytes, the CPU's limit; one prefix more
 * is an instruction the CPU refuses, and so does the emulator. */
static void test_length_limit(void **state)
{
    uint8_t b[GP_INSN_MAX + 1];
    struct gp_insn in;

    (void)state;
    memset(b, 0x66, sizeof(b));
    b[GP_INSN_MAX - 1] = 0xee;
    assert_true(gp_decode(b, GP_INSN_MAX, &in));
    assert_int_equal(in.len, GP_INSN_MAX);
    assert_int_equal(in.size, 1);
    memset(b, 0x66, sizeof(b));
    b[GP_INSN_MAX] = 0xee;
    assert_false(gp_decode(b, GP_INSN_MAX + 1, &in));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_port_io),
        cmocka_unit_test(test_system),
        cmocka_unit_test(test_rex_before_prefix),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_length_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
