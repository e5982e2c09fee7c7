/* A page-table tree refused at its very last entry, pinned in one
 * mmuext_op: everything validated before that entry must be released
 * again, which costs as much as the validation.  That rollback is
 * preemptible too: the pin fails with the entry's error, carried by a
 * continuation with no list (Xen's shape: NULL, MMU_UPDATE_PREEMPTED, the
 * result in place of the foreign domain) while the release goes on in
 * bounded steps, and every count returns to where it was.
 *
 * The bound is measured from the guest's side: a storm of short timers
 * runs during the failing pin, and a timer's event can only reach the
 * guest at a preemption point, so the latest any of them came tells the
 * longest the hypervisor ran without one.  It must stay well below the
 * rollback's own length (about half the failing pin).  On a shared host
 * the wall clock also counts the time QEMU was not running at all, so
 * the bound is asserted only when the clock counts instructions (QEMU's
 * -icount, the command-line word instr_clock, system case
 * guest-preempt-icount); otherwise the figure is printed. */
#include <arch.h>
#include <console.h>
#include <events.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <mm.h>
#include <pagetable.h>
#include <pt_tree.h>
#include <pvclock.h>
#include <smp.h>
#include <test.h>
#include <timers.h>
#include "tests.h"

#define UNDO_TREE_L1S 16                /* 8192 leaf entries */
#define STORM_PERIOD_NS 20000ULL
#define ATTEMPTS 3

static struct {
    bool on;
    uint64_t latest;                    /* the latest a timer's event came, ns */
    unsigned int ticks;
    struct timer timer;
} storm;

static void storm_tick(struct timer *t)
{
    uint64_t now = system_time_ns();

    if (!storm.on)
        return;
    storm.latest = MAX(storm.latest, now - t->deadline);
    storm.ticks++;
    timer_add(t, now + STORM_PERIOD_NS, storm_tick);
}

/* Events are on while it runs: a timer's event is taken at the first
 * return to the guest after it fired. */
static void storm_start(void)
{
    storm.on = true;
    storm.latest = 0;
    storm.ticks = 0;
    timer_add(&storm.timer, system_time_ns() + STORM_PERIOD_NS, storm_tick);
    events_restore(true);
}

static void storm_stop(void)
{
    (void)events_save_disable();
    storm.on = false;
    (void)timer_del(&storm.timer);
}

/* Entry e of the tree's last L1, through mmu_update: the L1 is no page
 * table while the tree is unpinned, so this is a plain write (the guest
 * maps the tree's pages read-only). */
static bool set_last_leaf(const struct pt_tree *t, uint64_t val)
{
    const uint64_t *l1 = t->page[3 + t->nr_l1 - 1];
    struct mmu_update u = {
        .ptr = ((virt_to_mfn(l1) << PAGE_SHIFT) + 511 * 8) | MMU_NORMAL_PT_UPDATE,
        .val = val,
    };

    return hypercall_mmu_update(&u, 1, NULL, DOMID_SELF) == 0;
}

/* One failing pin, its registers checked; its length in ns. */
static uint64_t failing_pin(struct mmuext_op *pin)
{
    unsigned int done = 7;
    uint64_t r[6] = { (uint64_t)pin, 1, (uint64_t)&done, DOMID_SELF, 0, 0 };
    uint64_t start = system_time_ns();
    long rc = hypercall_regs(__HYPERVISOR_mmuext_op, r);
    uint64_t took = system_time_ns() - start;

    expect_rc("MMUEXT_PIN_L4_TABLE(a tree refused at its last entry)", rc, -EBUSY);
    if (done != 0)
        test_fail("the refused pin reports %u done, expected 0", done);
    /* The release went on after the refusal: in a continuation. */
    if (r[0] != 0 || r[1] != MMU_UPDATE_PREEMPTED || (uint32_t)r[3] != (uint32_t)-EBUSY)
        test_fail("the refused pin came back with list %#lx count %#lx result %#lx, not "
                  "a continuation carrying the result (0, MMU_UPDATE_PREEMPTED, -EBUSY)",
                  r[0], r[1], r[3]);
    return took;
}

void test_continuation_failed_tree(void)
{
    struct pt_tree t;
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE };
    struct mmuext_op unpin = { .cmd = MMUEXT_UNPIN_TABLE };
    uint64_t took, best = ~0ULL;
    bool instr_clock = cmdline_get("instr_clock", NULL, 0);

    if (!pt_tree_build(&t, UNDO_TREE_L1S) ||
        !set_last_leaf(&t, (pt_tree_l4_mfn(&t) << PAGE_SHIFT) | PTE_KERNEL_RW)) {
        test_error("set-up failed");
        goto out;
    }
    pin.arg1.mfn = unpin.arg1.mfn = pt_tree_l4_mfn(&t);
    took = failing_pin(&pin);           /* also translates the paths once */
    took = MIN(took, failing_pin(&pin));
    for (unsigned int a = 0; a < ATTEMPTS && best > took / 4; a++) {
        storm_start();
        (void)failing_pin(&pin);
        storm_stop();
        if (instr_clock && !storm.ticks)
            test_fail("attempt %u: no timer event came during a %lu ns pin", a, took);
        best = MIN(best, storm.latest);
    }
    if (!instr_clock)
        printk("refused pin: %lu ns, timer events up to %lu ns late (wall clock: not "
               "asserted)\n", took, best);
    else if (best > took / 4)
        test_fail("a timer's event came up to %lu ns late during the refused pin (it takes "
                  "%lu ns): the rollback ran that long without a preemption point", best, took);
    /* Nothing was left referenced: fixed, the tree pins and unpins, and
     * then every page of it can be mapped writable again. */
    if (!set_last_leaf(&t, 0))
        test_fail("the tree's last L1 cannot be written after the refused pins");
    expect_rc("pinning the fixed tree", hypercall_mmuext_op(&pin, 1, NULL, DOMID_SELF), 0);
    expect_rc("unpinning it", hypercall_mmuext_op(&unpin, 1, NULL, DOMID_SELF), 0);
out:
    storm_stop();
    if (!pt_tree_free(&t))
        test_fail("a table page cannot be mapped writable after the refused pins");
}

/* The same tree as vCPU 1's page table in VCPUOP_initialise, refused
 * again and again: each refusal leaves the calling vCPU a release to
 * finish, and each call finishes the one before first.  Then the tree
 * fixed (validated whole) with a small tree refused at its end as the
 * user page table: both trees' releases are owed (there is room for two),
 * the big one's in preemptible steps (system case guest-preempt-icount
 * bounds every stretch).  After one more hypercall that finishes what is
 * owed, nothing of either tree is referenced. */
static void refuse_context(const char *what, const struct pt_tree *kernel,
                           const struct pt_tree *user, long rc)
{
    static struct vcpu_guest_context c;

    smp_fill_context(&c, 1);
    c.ctrlreg[3] = xen_pfn_to_cr3(pt_tree_l4_mfn(kernel));
    if (user)
        c.ctrlreg[1] = xen_pfn_to_cr3(pt_tree_l4_mfn(user));
    expect_rc(what, hypercall_vcpu_op(VCPUOP_initialise, 1, &c), rc);
}

void test_continuation_failed_tree_vcpu(void)
{
    struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    struct pt_tree big, small = { 0 };

    if (smp_nr_vcpus() < 2) {
        test_skip("one vCPU");
        return;
    }
    if (!pt_tree_build(&big, UNDO_TREE_L1S) || !pt_tree_build(&small, 2) ||
        !set_last_leaf(&big, (pt_tree_l4_mfn(&big) << PAGE_SHIFT) | PTE_KERNEL_RW) ||
        !set_last_leaf(&small, (pt_tree_l4_mfn(&small) << PAGE_SHIFT) | PTE_KERNEL_RW)) {
        test_error("set-up failed");
        goto out;
    }
    for (unsigned int a = 0; a < 4; a++)
        refuse_context("VCPUOP_initialise(1, a tree refused at its last entry)", &big, NULL,
                       -EBUSY);
    if (!set_last_leaf(&big, 0))
        test_fail("the big tree's last L1 cannot be written after the refusals");
    for (unsigned int a = 0; a < 3; a++)
        refuse_context("VCPUOP_initialise(1, a good tree, a user tree refused at its end)",
                       &big, &small, -EBUSY);
    if (hypercall_vcpu_op(VCPUOP_is_up, 1, NULL) != 0)
        test_fail("vCPU 1 is up after refused contexts");
    expect_rc("mmuext_op(TLB_FLUSH_LOCAL): what the vCPU owes is finished first",
              hypercall_mmuext_op(&flush, 1, NULL, DOMID_SELF), 0);
out:
    if (!pt_tree_free(&big) || !pt_tree_free(&small))
        test_fail("a table page cannot be mapped writable after the refused contexts");
}
