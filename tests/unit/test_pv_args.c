/* The decoding of PV hypercall argument structs (arg_decode.c): each
 * hostile field value gets Xen's errno, and what is accepted comes out as
 * a typed view within its bounds.  Guest memory is a buffer here, read
 * through this file's copy_from_guest; the sanitizers watch every access. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <asm/pv_args.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>

#define HV_ADDRESS      0xffff800000000000ULL   /* the hypervisor's slots */
#define NONCANONICAL    0x0000800000000000ULL
#define GUEST_MEM_VA    0x10000ULL              /* where the buffer "is" */
#define GUEST_MEM_SIZE  (4 * 4096)

static uint8_t guest_mem[GUEST_MEM_SIZE];

int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
    if (!guest_range_ok(gva, len) || gva < GUEST_MEM_VA ||
        gva - GUEST_MEM_VA > GUEST_MEM_SIZE || len > GUEST_MEM_SIZE - (gva - GUEST_MEM_VA))
        return -EFAULT;
    memcpy(dst, guest_mem + (gva - GUEST_MEM_VA), len);
    return 0;
}

/* --- mmu_update ----------------------------------------------------------- */

static int mmu_decode(uint64_t ptr, uint64_t val, struct pv_mmu_req *r)
{
    const struct mmu_update u = { .ptr = ptr, .val = val };

    return pv_mmu_req_decode(&u, r);
}

static void test_mmu_normal_and_preserve_ad(void **state)
{
    struct pv_mmu_req r;

    (void)state;
    assert_int_equal(mmu_decode(0x1234000 + 511 * 8 + MMU_NORMAL_PT_UPDATE, 0xabc067, &r), 0);
    assert_int_equal(r.kind, PV_MMU_PT);
    assert_int_equal(mfn_x(r.frame), 0x1234);
    assert_int_equal(r.idx, 511);
    assert_false(r.preserve_ad);
    assert_int_equal(r.val, 0xabc067);
    assert_int_equal(mmu_decode(0x1234000 + 8 + MMU_PT_UPDATE_PRESERVE_AD, 5, &r), 0);
    assert_int_equal(r.kind, PV_MMU_PT);
    assert_int_equal(r.idx, 1);
    assert_true(r.preserve_ad);
}

/* Bit 2 set: no entry's address, -EINVAL for both table commands; the
 * frame is decoded anyway, for the owner check that comes first. */
static void test_mmu_misaligned(void **state)
{
    struct pv_mmu_req r;

    (void)state;
    assert_int_equal(mmu_decode(0x5000 + 4 + MMU_NORMAL_PT_UPDATE, 0, &r), -EINVAL);
    assert_int_equal(r.kind, PV_MMU_PT);
    assert_int_equal(mfn_x(r.frame), 5);
    assert_int_equal(mmu_decode(0x5000 + 0xffc + MMU_PT_UPDATE_PRESERVE_AD, 0, &r), -EINVAL);
}

/* Every offset within a page: accepted exactly when 8-byte aligned, and
 * then always an index within the table. */
static void test_mmu_every_offset(void **state)
{
    (void)state;
    for (uint64_t off = 0; off < 4096; off++) {
        struct pv_mmu_req r;
        unsigned int cmd = off & 3;
        int rc = mmu_decode(0x7000 + off, 0, &r);

        if (cmd == MMU_MACHPHYS_UPDATE) {
            assert_int_equal(rc, 0);
        } else if (cmd == MMU_PT_UPDATE_NO_TRANSLATE) {
            assert_int_equal(rc, -ENOSYS);
        } else {
            assert_int_equal(rc, (off & 4) ? -EINVAL : 0);
            assert_true(r.idx < 512);
            assert_int_equal(r.idx, off >> 3);
        }
        assert_int_equal(mfn_x(r.frame), 7);
    }
}

/* An M2P update: the address names the frame (its offset is ignored),
 * the value is the guest frame. */
static void test_mmu_machphys(void **state)
{
    struct pv_mmu_req r;

    (void)state;
    assert_int_equal(mmu_decode(0x9000 + 0x7fc + MMU_MACHPHYS_UPDATE, 0x42, &r), 0);
    assert_int_equal(r.kind, PV_MMU_M2P);
    assert_int_equal(mfn_x(r.frame), 9);
    assert_int_equal(gfn_x(r.gfn), 0x42);
}

/* The fourth command and the largest address: -ENOSYS, a frame still
 * decoded (for the owner check, -EPERM when nobody's). */
static void test_mmu_unknown_command(void **state)
{
    struct pv_mmu_req r;

    (void)state;
    assert_int_equal(mmu_decode(~0ULL, 0, &r), -ENOSYS);
    assert_int_equal(r.kind, PV_MMU_UNKNOWN);
    assert_int_equal(mfn_x(r.frame), ~0ULL >> 12);
}

/* --- mmuext_op ------------------------------------------------------------ */

static int ext_decode(unsigned int cmd, uint64_t arg1, uint64_t arg2, struct pv_mmuext *x)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.linear_addr = arg1;
    op.arg2.src_mfn = arg2;
    return pv_mmuext_decode(&op, x);
}

static void test_mmuext_frames(void **state)
{
    static const unsigned int cmds[] = {
        MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE,
        MMUEXT_UNPIN_TABLE, MMUEXT_NEW_BASEPTR, MMUEXT_NEW_USER_BASEPTR,
    };
    struct pv_mmuext x;

    (void)state;
    for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        assert_int_equal(ext_decode(cmds[i], 0x1234, 0, &x), 0);
        assert_int_equal(x.cmd, cmds[i]);
        assert_int_equal(mfn_x(x.mfn), 0x1234);
    }
}

/* Commands Proxen does not carry out (the page commands, superpages) and
 * numbers that name none: -ENOSYS. */
static void test_mmuext_unknown(void **state)
{
    static const unsigned int cmds[] = {
        14, MMUEXT_CLEAR_PAGE, MMUEXT_COPY_PAGE, MMUEXT_MARK_SUPER, MMUEXT_UNMARK_SUPER, 21,
        0x80000000u, 0xffffffffu,
    };
    struct pv_mmuext x;

    (void)state;
    for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        assert_int_equal(ext_decode(cmds[i], 0, 0, &x), -ENOSYS);
}

static void test_mmuext_flushes(void **state)
{
    struct pv_mmuext x;

    (void)state;
    assert_int_equal(ext_decode(MMUEXT_TLB_FLUSH_LOCAL, HV_ADDRESS, 0, &x), 0);
    assert_false(x.all_cpus);
    assert_int_equal(ext_decode(MMUEXT_TLB_FLUSH_MULTI, 0, 0, &x), 0);
    assert_true(x.all_cpus);
    assert_int_equal(ext_decode(MMUEXT_TLB_FLUSH_ALL, 0, 0, &x), 0);
    assert_true(x.all_cpus);
    assert_int_equal(ext_decode(MMUEXT_FLUSH_CACHE, 0, 0, &x), 0);
    assert_int_equal(ext_decode(MMUEXT_FLUSH_CACHE_GLOBAL, 0, 0, &x), 0);
}

/* INVLPG of an address that is not the guest's: -EINVAL, in all scopes. */
static void test_mmuext_invlpg(void **state)
{
    static const unsigned int cmds[] = { MMUEXT_INVLPG_LOCAL, MMUEXT_INVLPG_MULTI,
                                         MMUEXT_INVLPG_ALL };
    struct pv_mmuext x;

    (void)state;
    for (unsigned int i = 0; i < 3; i++) {
        assert_int_equal(ext_decode(cmds[i], 0x400000, 0, &x), 0);
        assert_int_equal(gva_x(x.va), 0x400000);
        assert_int_equal(x.all_cpus, cmds[i] != MMUEXT_INVLPG_LOCAL);
        assert_int_equal(ext_decode(cmds[i], 0xffff880000000000ULL, 0, &x), 0);
        assert_int_equal(ext_decode(cmds[i], HV_ADDRESS, 0, &x), -EINVAL);
        assert_int_equal(ext_decode(cmds[i], 0xffff87ffffffffffULL, 0, &x), -EINVAL);
        assert_int_equal(ext_decode(cmds[i], NONCANONICAL, 0, &x), -EINVAL);
    }
}

/* SET_LDT: at most 8192 entries, a page-aligned base, every entry at a
 * guest address; no entries take any base (as Xen). */
static void test_mmuext_set_ldt(void **state)
{
    struct pv_mmuext x;

    (void)state;
    assert_int_equal(ext_decode(MMUEXT_SET_LDT, 0x200000, 8192, &x), 0);
    assert_int_equal(gva_x(x.va), 0x200000);
    assert_int_equal(x.nr_ents, 8192);
    assert_int_equal(ext_decode(MMUEXT_SET_LDT, 0x200000, 8193, &x), -EINVAL);
    assert_int_equal(ext_decode(MMUEXT_SET_LDT, 0x200000, 0xffffffffu, &x), -EINVAL);
    assert_int_equal(ext_decode(MMUEXT_SET_LDT, 0x200008, 1, &x), -EINVAL);
    assert_int_equal(ext_decode(MMUEXT_SET_LDT, HV_ADDRESS, 1, &x), -EINVAL);
    assert_int_equal(ext_decode(MMUEXT_SET_LDT, NONCANONICAL - 4096, 513, &x), -EINVAL);
    assert_int_equal(ext_decode(MMUEXT_SET_LDT, NONCANONICAL - 4096, 512, &x), 0);
    assert_int_equal(ext_decode(MMUEXT_SET_LDT, NONCANONICAL + 8, 0, &x), 0);
    assert_int_equal(gva_x(x.va), 0);
    assert_int_equal(x.nr_ents, 0);
}

/* --- set_trap_table ------------------------------------------------------- */

static struct trap_info *guest_traps(void)
{
    memset(guest_mem, 0, sizeof(guest_mem));
    return (struct trap_info *)(void *)guest_mem;
}

static void test_trap_table_decoded(void **state)
{
    struct trap_info *t = guest_traps();
    struct pv_trap_entry out[PV_MAX_TRAP_ENTRIES];
    unsigned int n = 99;

    (void)state;
    t[0] = (struct trap_info){ .vector = 14, .flags = 4, .cs = 0xe033, .address = 0x401000 };
    t[1] = (struct trap_info){ .vector = 0x80, .flags = 3, .cs = 0xe033,
                               .address = 0xffffffff80001000ULL };
    assert_int_equal(pv_read_trap_table(_gva(GUEST_MEM_VA), out, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(out[0].vector, 14);
    assert_true(out[0].mask_events);
    assert_int_equal(out[0].dpl, 0);
    assert_int_equal(out[0].cs, 0xe033);
    assert_int_equal(gva_x(out[0].address), 0x401000);
    assert_int_equal(out[1].vector, 0x80);
    assert_false(out[1].mask_events);
    assert_int_equal(out[1].dpl, 3);
    t[0].address = 0;
    assert_int_equal(pv_read_trap_table(_gva(GUEST_MEM_VA), out, &n), 0);
    assert_int_equal(n, 0);
}

static void test_trap_table_noncanonical(void **state)
{
    struct trap_info *t = guest_traps();
    struct pv_trap_entry out[PV_MAX_TRAP_ENTRIES];
    unsigned int n;

    (void)state;
    t[0] = (struct trap_info){ .vector = 3, .address = 0x401000 };
    t[1] = (struct trap_info){ .vector = 4, .address = NONCANONICAL };
    assert_int_equal(pv_read_trap_table(_gva(GUEST_MEM_VA), out, &n), -EINVAL);
    t[1].address = 0xfffe000000000000ULL;
    assert_int_equal(pv_read_trap_table(_gva(GUEST_MEM_VA), out, &n), -EINVAL);
}

/* A list running into memory that cannot be read, or starting in the
 * hypervisor's range: -EFAULT. */
static void test_trap_table_unreadable(void **state)
{
    struct trap_info *t = guest_traps();
    struct pv_trap_entry out[PV_MAX_TRAP_ENTRIES];
    unsigned int last = GUEST_MEM_SIZE / sizeof(*t) - 1, n;

    (void)state;
    t[last] = (struct trap_info){ .vector = 1, .address = 0x401000 };
    assert_int_equal(pv_read_trap_table(_gva(GUEST_MEM_VA + last * sizeof(*t)), out, &n),
                     -EFAULT);
    assert_int_equal(pv_read_trap_table(_gva(HV_ADDRESS), out, &n), -EFAULT);
    assert_int_equal(pv_read_trap_table(_gva(GUEST_MEM_VA + GUEST_MEM_SIZE - 8), out, &n),
                     -EFAULT);
}

/* 255 entries and the end mark fit; 256 without one are -E2BIG (the
 * output array holds exactly 256: ASan sees any write past it). */
static void test_trap_table_bound(void **state)
{
    struct trap_info *t = guest_traps();
    struct pv_trap_entry *out = malloc(PV_MAX_TRAP_ENTRIES * sizeof(*out));
    unsigned int n;

    (void)state;
    assert_non_null(out);
    for (unsigned int i = 0; i < 255; i++)
        t[i] = (struct trap_info){ .vector = (uint8_t)i, .address = 0x401000 + i };
    assert_int_equal(pv_read_trap_table(_gva(GUEST_MEM_VA), out, &n), 0);
    assert_int_equal(n, 255);
    for (unsigned int i = 255; i < 300; i++)
        t[i] = (struct trap_info){ .vector = (uint8_t)i, .address = 0x401000 + i };
    assert_int_equal(pv_read_trap_table(_gva(GUEST_MEM_VA), out, &n), -E2BIG);
    free(out);
}

/* --- iret ----------------------------------------------------------------- */

#define RFLAGS_VM   (1ULL << 17)
#define RFLAGS_IOPL (3ULL << 12)
#define RFLAGS_IF   (1ULL << 9)

static void test_iret_noncanonical_rip(void **state)
{
    struct iret_context c = { .rip = NONCANONICAL, .cs = 0xe033, .rflags = 0x202 };
    struct pv_iret r;

    (void)state;
    assert_int_equal(pv_iret_decode(&c, &r), -EINVAL);
    c.rip = 0xfffe800000000000ULL;
    assert_int_equal(pv_iret_decode(&c, &r), -EINVAL);
    /* A non-canonical RSP is the guest's own fault later, as on Xen. */
    c.rip = 0x401000;
    c.rsp = NONCANONICAL;
    assert_int_equal(pv_iret_decode(&c, &r), 0);
    assert_int_equal(gva_x(r.rsp), NONCANONICAL);
}

/* The bits a guest may not run with (VM: the double fault the iret
 * hypercall once took; IOPL: its IOPL is virtual) never reach the frame
 * the hypervisor returns with; IF is always on, the event mask follows
 * the frame's IF. */
static void test_iret_rflags(void **state)
{
    struct iret_context c = { .rip = 0x401000, .cs = 0xe030, .rsp = 0x7000,
                              .rflags = RFLAGS_VM | RFLAGS_IOPL | 0x2 };
    struct pv_iret r;

    (void)state;
    assert_int_equal(pv_iret_decode(&c, &r), 0);
    assert_int_equal(r.rflags & (RFLAGS_VM | RFLAGS_IOPL), 0);
    assert_true(r.rflags & RFLAGS_IF);
    assert_int_equal(r.iopl, 3);
    assert_true(r.events_masked);
    assert_false(r.to_user);
    c.rflags = RFLAGS_IF | (1ULL << 12);
    assert_int_equal(pv_iret_decode(&c, &r), 0);
    assert_false(r.events_masked);
    assert_int_equal(r.iopl, 1);
    assert_int_equal(r.rflags, RFLAGS_IF);
    for (uint64_t cs = 0; cs < 4; cs++) {
        c.cs = 0xe030 | cs;
        assert_int_equal(pv_iret_decode(&c, &r), 0);
        assert_int_equal(r.to_user, cs == 3);
    }
}

/* RCX and R11 from the frame, or with VGCF_in_syscall as SYSRET leaves
 * them (R11: the RFLAGS the guest really runs with). */
static void test_iret_syscall_registers(void **state)
{
    struct iret_context c = { .rax = 1, .r11 = 2, .rcx = 3, .rip = 0x401000, .cs = 0xe033,
                              .rflags = RFLAGS_VM | 0x202, .rsp = 0x7000, .ss = 0xe02b };
    struct pv_iret r;

    (void)state;
    assert_int_equal(pv_iret_decode(&c, &r), 0);
    assert_int_equal(r.rax, 1);
    assert_int_equal(r.r11, 2);
    assert_int_equal(r.rcx, 3);
    assert_int_equal(gva_x(r.rip), 0x401000);
    c.flags = VGCF_in_syscall;
    assert_int_equal(pv_iret_decode(&c, &r), 0);
    assert_int_equal(r.rcx, 0x401000);
    assert_int_equal(r.r11, 0x202);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mmu_normal_and_preserve_ad),
        cmocka_unit_test(test_mmu_misaligned),
        cmocka_unit_test(test_mmu_every_offset),
        cmocka_unit_test(test_mmu_machphys),
        cmocka_unit_test(test_mmu_unknown_command),
        cmocka_unit_test(test_mmuext_frames),
        cmocka_unit_test(test_mmuext_unknown),
        cmocka_unit_test(test_mmuext_flushes),
        cmocka_unit_test(test_mmuext_invlpg),
        cmocka_unit_test(test_mmuext_set_ldt),
        cmocka_unit_test(test_trap_table_decoded),
        cmocka_unit_test(test_trap_table_noncanonical),
        cmocka_unit_test(test_trap_table_unreadable),
        cmocka_unit_test(test_trap_table_bound),
        cmocka_unit_test(test_iret_noncanonical_rip),
        cmocka_unit_test(test_iret_rflags),
        cmocka_unit_test(test_iret_syscall_registers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
