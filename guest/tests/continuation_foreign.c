/* Continuations of mmuext_op commands whose cost a guest sizes beyond a
 * page-table tree of its own: pinning and unpinning the tree of a domain
 * the initial domain builds (foreign pins), and lists of TLB flushes that
 * reach every CPU.  As in continuation.c, a one-shot timer set to fire
 * during the call makes it stop; each test tries a few timer delays and
 * needs one of them to preempt, and every attempt must give the right
 * totals.  Under `-icount` (the system case guest-preempt-icount) the
 * hypervisor's stretches between preemption points are also bounded. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <layout.h>
#include <lib.h>
#include <mm.h>
#include <pagetable.h>
#include <pvclock.h>
#include <test.h>
#include "control_ops.h"
#include "tests.h"

#define ATTEMPTS 8
#define MARK 0x5eed000000000000ULL

/* The built domain's tree: 16 L1 tables of 512 leaves each (8192
 * entries, as continuation_pin_tree's own tree), one L2, L3 and L4, and
 * the frame every leaf maps read-only. */
#define FOREIGN_L1S 16
enum { F_L2 = FOREIGN_L1S, F_L3, F_L4, F_DATA, F_FRAMES };

static uint64_t timer_delay_ns(unsigned int attempt)
{
    return 5000ULL << attempt;         /* 5 µs .. 640 µs */
}

/* Table frame f of the tree: every entry e(i), 0 past n. */
static bool write_table(const uint64_t *mfns, unsigned int f, domid_t dom, unsigned int n,
                        uint64_t (*e)(const uint64_t *mfns, unsigned int i))
{
    volatile uint64_t *t = (uint64_t *)SCRATCH_VA;

    if (!expect_rc("map a table of the built domain", pt_map_foreign(SCRATCH_VA, dom, mfns[f]),
                   0))
        return false;
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        t[i] = i < n ? e(mfns, i) : 0;
    return expect_rc("unmap it", pt_map_foreign(SCRATCH_VA, dom, 0), 0);
}

static uint64_t leaf(const uint64_t *m, unsigned int i) { (void)i; return (m[F_DATA] << PAGE_SHIFT) | PTE_KERNEL_RO; }
static uint64_t to_l1(const uint64_t *m, unsigned int i) { return (m[i] << PAGE_SHIFT) | PTE_TABLE; }
static uint64_t to_l2(const uint64_t *m, unsigned int i) { (void)i; return (m[F_L2] << PAGE_SHIFT) | PTE_TABLE; }
static uint64_t to_l3(const uint64_t *m, unsigned int i) { (void)i; return (m[F_L3] << PAGE_SHIFT) | PTE_TABLE; }

static bool build_foreign_tree(const uint64_t *mfns, domid_t dom)
{
    for (unsigned int f = 0; f < FOREIGN_L1S; f++)
        if (!write_table(mfns, f, dom, PAGE_SIZE / 8, leaf))
            return false;
    return write_table(mfns, F_L2, dom, FOREIGN_L1S, to_l1) &&
           write_table(mfns, F_L3, dom, 1, to_l2) && write_table(mfns, F_L4, dom, 1, to_l3);
}

/* One mmuext_op command on dom's frame with a timer set to fire during
 * it; 1 when it was preempted (continued with the command itself, or for
 * a release finished after the command with Xen's NULL list). */
static unsigned int timed_foreign(unsigned int cmd, uint64_t mfn, domid_t dom,
                                  unsigned int attempt)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };
    unsigned int done = 0;
    uint64_t r[6] = { (uint64_t)&op, 1, (uint64_t)&done, dom, MARK | 4, MARK | 5 };

    hypercall_set_timer_op(system_time_ns() + timer_delay_ns(attempt));
    if (!expect_rc(cmd == MMUEXT_UNPIN_TABLE ? "unpin the built domain's L4"
                                             : "pin the built domain's L4",
                   hypercall_regs(__HYPERVISOR_mmuext_op, r), 0))
        return 0;
    if (done != 1)
        test_fail("attempt %u of command %u: %u done, expected 1", attempt, cmd, done);
    if (r[4] != (MARK | 4) || r[5] != (MARK | 5))
        test_fail("attempt %u: registers past the 4 arguments came back changed", attempt);
    if (!(r[1] & MMU_UPDATE_PREEMPTED))
        return 0;
    if (r[0] == (uint64_t)&op && r[1] == (1 | MMU_UPDATE_PREEMPTED))
        return 1;
    if (cmd == MMUEXT_UNPIN_TABLE && !r[0] && r[1] == MMU_UPDATE_PREEMPTED)
        return 1;
    test_fail("attempt %u of command %u: the continuation names list %#lx count %#lx", attempt,
              cmd, r[0], r[1]);
    return 0;
}

/* The initial domain pins the tree of a domain it builds: one command,
 * 8192 entries validated in that domain's frames, stopped half-way and
 * continued as a pin of the caller's own tree is; its unpin releases the
 * tree in steps finished by the caller's vCPU.  Pinned in the end, and
 * destroyed so, the domain gives every frame back. */
void test_continuation_foreign_pin(void)
{
    uint64_t mfns[F_FRAMES], got = 0, before;
    unsigned int preempted = 0, release_preempted = 0;
    domid_t x;

    /* The hypervisor's allocator may keep what it grew for a first
     * domain: the count to return to is the one after a domain came and
     * went. */
    if (!expect_rc("createdomain", ctl_create("foreign-tree", 1, &x), 0) ||
        !expect_rc("destroydomain", ctl_destroy(x), 0))
        return;
    before = ctl_free_pages();
    if (!expect_rc("createdomain", ctl_create("foreign-tree", 1, &x), 0))
        return;
    if (!expect_rc("populate", ctl_populate(x, F_FRAMES), 0) ||
        !expect_rc("getmemlist", ctl_memlist(x, 0, mfns, F_FRAMES, &got), 0) ||
        got != F_FRAMES || !build_foreign_tree(mfns, x)) {
        test_error("set-up failed (%lu frames listed)", got);
        goto out;
    }
    for (unsigned int a = 0; a < ATTEMPTS && !(preempted && release_preempted); a++) {
        preempted += timed_foreign(MMUEXT_PIN_L4_TABLE, mfns[F_L4], x, a);
        expect_rc("pin it again", hypercall_mmuext_op(
                      &(struct mmuext_op){ .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = mfns[F_L4] },
                      1, NULL, x), -EINVAL);
        release_preempted += timed_foreign(MMUEXT_UNPIN_TABLE, mfns[F_L4], x, a);
        /* Released: an L1 of the tree may be mapped writable again. */
        if (expect_rc("map an L1 of the unpinned tree writable",
                      pt_map_foreign(SCRATCH_VA, x, mfns[0]), 0))
            pt_map_foreign(SCRATCH_VA, x, 0);
    }
    hypercall_set_timer_op(0);
    if (!preempted)
        test_fail("no pin of the built domain's tree was preempted by a timer firing in it");
    if (!release_preempted)
        test_fail("no unpin of the built domain's tree was preempted by a timer firing in it");
    expect_rc("pin the tree to destroy it pinned", hypercall_mmuext_op(
                  &(struct mmuext_op){ .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = mfns[F_L4] },
                  1, NULL, x), 0);
out:
    expect_rc("destroydomain", ctl_destroy(x), 0);
    if (ctl_free_pages() != before)
        test_fail("free pages %lu after the built domain went, %lu before", ctl_free_pages(),
                  before);
}

/* A list of TLB flushes of every CPU (MMUEXT_TLB_FLUSH_ALL and
 * MMUEXT_INVLPG_ALL, each waiting for the other CPUs) is preempted
 * between commands and every command is done once. */
void test_continuation_flush_all(void)
{
    struct mmuext_op *ops = page_alloc();
    unsigned int n = PAGE_SIZE / sizeof(*ops), preempted = 0;

    if (!ops) {
        test_error("out of memory");
        return;
    }
    for (unsigned int i = 0; i < n; i++)
        ops[i] = (struct mmuext_op){ .cmd = i % 2 ? MMUEXT_INVLPG_ALL : MMUEXT_TLB_FLUSH_ALL,
                                     .arg1.linear_addr = SCRATCH_VA };
    for (unsigned int a = 0; a < ATTEMPTS && !preempted; a++) {
        unsigned int done = 0;
        uint64_t r[6] = { (uint64_t)ops, n, (uint64_t)&done, DOMID_SELF, MARK | 4, MARK | 5 };

        hypercall_set_timer_op(system_time_ns() + timer_delay_ns(a));
        if (!expect_rc("mmuext_op(flushes of every CPU)",
                       hypercall_regs(__HYPERVISOR_mmuext_op, r), 0))
            break;
        if (done != n)
            test_fail("attempt %u: %u of %u flushes done", a, done, n);
        if (r[1] & MMU_UPDATE_PREEMPTED)
            preempted++;
    }
    hypercall_set_timer_op(0);
    if (!preempted)
        test_fail("no list of flushes was preempted by a timer firing in it");
    page_free(ops);
}
