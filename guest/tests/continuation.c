/* Continuations of long hypercalls, as a Xen guest sees them.
 *
 * The resume protocol is deterministic: a list hypercall called with
 * MMU_UPDATE_PREEMPTED in its count adds to *done instead of restarting
 * it.  Preemption itself needs a reason to stop: a one-shot timer set to
 * fire during a long batch.  The guest then sees the continuation's
 * arguments (Xen rewinds the hypercall with the rest of the list in the
 * argument registers, or writes them over a multicall's entry) and the
 * same totals as an uninterrupted call.  Timing under emulation varies,
 * so each preemption test tries a few timer delays and needs one of them
 * to preempt; every attempt must give the right totals. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <pt_tree.h>
#include <pvclock.h>
#include <test.h>
#include "tests.h"

#define BIG_BATCH 8192
#define ATTEMPTS  8

/* One buffer for both lists: the guest image must stay small (the dom0
 * builder tests move it to just below address boundaries). */
static union {
    struct mmu_update reqs[BIG_BATCH];
    struct multicall_entry calls[BIG_BATCH * sizeof(struct mmu_update) /
                                 sizeof(struct multicall_entry)];
} lists;
#define reqs (lists.reqs)
#define calls (lists.calls)

/* A hypercall with all six argument registers in and out: after a
 * continuation, the op's own arguments hold what remains (RDI: the rest
 * of the list) and the others are as the guest left them. */
long hypercall_regs(unsigned int nr, uint64_t r[6])
{
    register uint64_t r10 __asm__("r10") = r[3];
    register uint64_t r8 __asm__("r8") = r[4];
    register uint64_t r9 __asm__("r9") = r[5];
    long ret;

    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(r[0]), "+S"(r[1]), "+d"(r[2]), "+r"(r10), "+r"(r8),
                       "+r"(r9)
                     : [stub] "r"(hypercall_page + nr * XEN_HYPERCALL_STUB_SIZE)
                     : "rcx", "r11", "memory");
    r[3] = r10;
    r[4] = r8;
    r[5] = r9;
    return ret;
}

#define MARK 0x5eed000000000000ULL

/* Registers past the op's nargs must come back as they went in. */
static void check_untouched(const char *what, const uint64_t r[6], unsigned int nargs)
{
    for (unsigned int i = nargs; i < 6; i++)
        if (r[i] != (MARK | i))
            test_fail("%s: argument register %u (not one of its %u) came back %#lx", what, i,
                      nargs, r[i]);
}

static uint64_t timer_delay_ns(unsigned int attempt)
{
    return 5000ULL << attempt;         /* 5 µs .. 640 µs */
}

/* reqs[0..n) all rewrite the scratch entry with the same read-only
 * mapping of page: each is real work, and the end state is one mapping. */
static bool fill_same_update(uint64_t *page, unsigned int n)
{
    struct mmu_update u;

    if (pt_ensure_l1(SCRATCH_VA))
        return false;
    u = (struct mmu_update){
        .ptr = pt_entry_maddr(SCRATCH_VA, 1) | MMU_NORMAL_PT_UPDATE,
        .val = (virt_to_mfn(page) << PAGE_SHIFT) | PTE_KERNEL_RO,
    };
    for (unsigned int i = 0; i < n; i++)
        reqs[i] = u;
    return true;
}

/* Resuming: *done already counts the entries before the preemption. */
void test_continuation_done_accumulates(void)
{
    uint64_t *page = page_alloc();
    struct mmuext_op flush[4];
    unsigned int done;

    if (!page || !fill_same_update(page, 3)) {
        test_error("set-up failed");
        goto out;
    }
    done = 7;
    expect_rc("mmu_update(3 | MMU_UPDATE_PREEMPTED)",
              hypercall_mmu_update(reqs, 3 | MMU_UPDATE_PREEMPTED, &done, DOMID_SELF), 0);
    if (done != 10)
        test_fail("a resumed mmu_update of 3 with 7 done before reports %u, expected 10", done);
    done = 7;
    expect_rc("mmu_update(3) without the flag", hypercall_mmu_update(reqs, 3, &done, DOMID_SELF),
              0);
    if (done != 3)
        test_fail("a fresh mmu_update of 3 reports %u done, expected 3", done);
    memset(flush, 0, sizeof(flush));
    for (unsigned int i = 0; i < 4; i++)
        flush[i].cmd = MMUEXT_TLB_FLUSH_LOCAL;
    done = 5;
    expect_rc("mmuext_op(4 | MMU_UPDATE_PREEMPTED)",
              hypercall_mmuext_op(flush, 4 | MMU_UPDATE_PREEMPTED, &done, DOMID_SELF), 0);
    if (done != 9)
        test_fail("a resumed mmuext_op of 4 with 5 done before reports %u, expected 9", done);
    /* Xen neither reads nor writes a done pointer it cannot reach: the
     * batch itself still succeeds. */
    expect_rc("mmuext_op(4 | MMU_UPDATE_PREEMPTED, unmapped done)",
              hypercall_mmuext_op(flush, 4 | MMU_UPDATE_PREEMPTED, (unsigned int *)UNMAPPED_VA,
                                  DOMID_SELF), 0);
out:
    if (pt_get(SCRATCH_VA, 1))
        pt_unmap(SCRATCH_VA);
    if (page)
        page_free(page);
}

/* A long mmu_update with a timer firing during it: continued (RDI shows
 * the rest of the list), and every entry done exactly once. */
void test_continuation_mmu_update(void)
{
    uint64_t *page = page_alloc(), rdi = 0;
    unsigned int done, preempted = 0;

    if (!page || !fill_same_update(page, BIG_BATCH)) {
        test_error("set-up failed");
        goto out;
    }
    for (unsigned int a = 0; a < ATTEMPTS && !preempted; a++) {
        uint64_t r[6] = { (uint64_t)reqs, BIG_BATCH, 0, DOMID_SELF, MARK | 4, MARK | 5 };

        done = 0;
        r[2] = (uint64_t)&done;
        hypercall_set_timer_op(system_time_ns() + timer_delay_ns(a));
        if (!expect_rc("mmu_update(8192 entries)", hypercall_regs(__HYPERVISOR_mmu_update, r), 0))
            break;
        if (done != BIG_BATCH)
            test_fail("attempt %u: %u entries reported done, expected %u", a, done, BIG_BATCH);
        rdi = r[0];
        if (rdi != (uint64_t)reqs)
            preempted++;
        check_untouched("mmu_update", r, 4);
    }
    hypercall_set_timer_op(0);
    if (!preempted)
        test_fail("no attempt was preempted by a timer firing during the batch");
    else if (rdi <= (uint64_t)reqs || rdi >= (uint64_t)&reqs[BIG_BATCH] ||
             (rdi - (uint64_t)reqs) % sizeof(reqs[0]))
        test_fail("the continuation's list pointer %#lx is not an entry of the list", rdi);
out:
    if (pt_get(SCRATCH_VA, 1))
        pt_unmap(SCRATCH_VA);
    if (page)
        page_free(page);
}

/* The same batch inside a multicall: the entry is rewritten with its
 * continuation (rest of the list, MMU_UPDATE_PREEMPTED) and its result is
 * that of the completed call. */
void test_continuation_in_multicall(void)
{
    static struct multicall_entry mc;   /* not in the list it names */
    uint64_t *page = page_alloc();
    unsigned int done, preempted = 0;

    if (!page || !fill_same_update(page, BIG_BATCH)) {
        test_error("set-up failed");
        goto out;
    }
    for (unsigned int a = 0; a < ATTEMPTS && !preempted; a++) {
        done = 0;
        mc = (struct multicall_entry){
            .op = __HYPERVISOR_mmu_update,
            .args = { (uint64_t)reqs, BIG_BATCH, (uint64_t)&done, DOMID_SELF },
            .result = 99,
        };
        hypercall_set_timer_op(system_time_ns() + timer_delay_ns(a));
        if (!expect_rc("multicall(mmu_update of 8192)", hypercall_multicall(&mc, 1), 0))
            break;
        if (mc.result != 0)
            test_fail("attempt %u: the entry's result is %ld", a, (long)mc.result);
        if (done != BIG_BATCH)
            test_fail("attempt %u: %u entries reported done, expected %u", a, done, BIG_BATCH);
        if (mc.args[1] & MMU_UPDATE_PREEMPTED) {
            preempted++;
            if (mc.op != __HYPERVISOR_mmu_update ||
                mc.args[0] != (uint64_t)&reqs[BIG_BATCH - (mc.args[1] & 0x7fffffff)])
                test_fail("the rewritten entry (op %lu, list %#lx, count %#lx) does not name "
                          "the rest of the list", (unsigned long)mc.op,
                          (unsigned long)mc.args[0], (unsigned long)mc.args[1]);
        }
    }
    hypercall_set_timer_op(0);
    if (!preempted)
        test_fail("no attempt was preempted by a timer firing during the batch");
out:
    if (pt_get(SCRATCH_VA, 1))
        pt_unmap(SCRATCH_VA);
    if (page)
        page_free(page);
}

/* A long multicall of cheap calls is preempted between its entries: it
 * continues from the next entry (RDI), and every entry runs once. */
void test_continuation_multicall_between(void)
{
    unsigned int n = ARRAY_SIZE(calls), preempted = 0;
    uint64_t rdi = 0;
    long version = hypercall_xen_version(XENVER_version, NULL);

    for (unsigned int a = 0; a < ATTEMPTS && !preempted; a++) {
        uint64_t r[6] = { (uint64_t)calls, n, MARK | 2, MARK | 3, MARK | 4, MARK | 5 };

        for (unsigned int i = 0; i < n; i++)
            calls[i] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version,
                                                 .args = { XENVER_version }, .result = 99 };
        hypercall_set_timer_op(system_time_ns() + timer_delay_ns(a));
        if (!expect_rc("multicall of 2730 x xen_version", hypercall_regs(__HYPERVISOR_multicall, r),
                       0))
            break;
        rdi = r[0];
        check_untouched("multicall", r, 2);
        for (unsigned int i = 0; i < n; i++)
            if ((long)calls[i].result != version) {
                test_fail("attempt %u: entry %u result %ld, expected %ld", a, i,
                          (long)calls[i].result, version);
                break;
            }
        if (rdi != (uint64_t)calls)
            preempted++;
    }
    hypercall_set_timer_op(0);
    if (!preempted)
        test_fail("no attempt was preempted by a timer firing during the multicall");
}

/* --- a deep tree, validated and released in preemptible steps ---------- */

#define TREE_L1S 16                    /* 8192 leaf entries */

/* Unpinning the tree, with a timer firing during the release: the
 * entry is done, and the release finishes in a continuation that carries
 * the result with no list (Xen's shape: NULL, MMU_UPDATE_PREEMPTED). */
static unsigned int unpin_tree(struct mmuext_op *unpin, unsigned int attempt)
{
    unsigned int done = 0;
    uint64_t r[6] = { (uint64_t)unpin, 1, 0, DOMID_SELF, MARK | 4, MARK | 5 };

    r[2] = (uint64_t)&done;
    hypercall_set_timer_op(system_time_ns() + timer_delay_ns(attempt));
    if (!expect_rc("MMUEXT_UNPIN_TABLE(the tree)", hypercall_regs(__HYPERVISOR_mmuext_op, r), 0))
        return 0;
    if (done != 1)
        test_fail("unpinning reports %u done, expected 1", done);
    check_untouched("mmuext_op(unpin)", r, 4);
    if (r[1] & MMU_UPDATE_PREEMPTED) {
        if (r[0] || r[1] != MMU_UPDATE_PREEMPTED)
            test_fail("the release's continuation names list %#lx count %#lx, expected 0 and "
                      "MMU_UPDATE_PREEMPTED", r[0], r[1]);
        return 1;
    }
    return 0;
}

/* Pinning a fresh tree is one mmuext_op entry of unbounded work: with a
 * timer firing during it, the pin stops half-way and is continued (RSI
 * shows MMU_UPDATE_PREEMPTED and the same one entry), and ends pinned.
 * Unpinning releases it the same way; afterwards every table page can be
 * mapped writable again (pt_tree_free), so nothing was left referenced. */
void test_continuation_pin_tree(void)
{
    struct pt_tree t;
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE };
    struct mmuext_op unpin = { .cmd = MMUEXT_UNPIN_TABLE };
    unsigned int preempted = 0, release_preempted = 0;

    if (!pt_tree_build(&t, TREE_L1S)) {
        test_error("set-up failed");
        goto out;
    }
    pin.arg1.mfn = unpin.arg1.mfn = pt_tree_l4_mfn(&t);
    for (unsigned int a = 0; a < ATTEMPTS && !preempted; a++) {
        unsigned int done = 0;
        uint64_t r[6] = { (uint64_t)&pin, 1, 0, DOMID_SELF, MARK | 4, MARK | 5 };

        r[2] = (uint64_t)&done;
        hypercall_set_timer_op(system_time_ns() + timer_delay_ns(a));
        if (!expect_rc("MMUEXT_PIN_L4_TABLE(a fresh tree)",
                       hypercall_regs(__HYPERVISOR_mmuext_op, r), 0))
            break;
        if (done != 1)
            test_fail("attempt %u: %u done, expected 1", a, done);
        if (r[1] & MMU_UPDATE_PREEMPTED) {
            preempted++;
            if (r[0] != (uint64_t)&pin || (r[1] & ~MMU_UPDATE_PREEMPTED) != 1)
                test_fail("the continuation names list %#lx count %#lx, not the pin itself",
                          r[0], r[1]);
        }
        check_untouched("mmuext_op", r, 4);
        release_preempted += unpin_tree(&unpin, a);
    }
    for (unsigned int a = 0; a < ATTEMPTS && !release_preempted; a++) {
        if (!expect_rc("pinning the tree", hypercall_mmuext_op(&pin, 1, NULL, DOMID_SELF), 0))
            break;
        release_preempted += unpin_tree(&unpin, a);
    }
    hypercall_set_timer_op(0);
    if (!preempted)
        test_fail("no attempt was preempted by a timer firing during the validation");
    if (!release_preempted)
        test_fail("no attempt was preempted by a timer firing during the release");
out:
    if (!pt_tree_free(&t))
        test_fail("a table page cannot be mapped writable after unpinning");
}
