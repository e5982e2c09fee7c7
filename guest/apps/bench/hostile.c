/* The hostile phase: after the timed benchmarks, the largest requests a
 * guest can make of a few long hypercalls, each twice (the first run also
 * pays for translating cold code under emulation).  They print no metric:
 * the hypervisor measures how long it runs without reaching a preemption
 * point and reports that itself (Proxen prints one line per hypercall
 * when dom0 ends; bench/run.py reads them).  Every result is still
 * checked, so a run in which they failed says so. */
#include <arch.h>
#include <console.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <pt_tree.h>
#include "bench.h"

#define LIST 8192
#define TREE_L1S 32                 /* 16384 leaf entries */
#define CONSOLE_BYTES 2048

static struct mmu_update reqs[LIST];
static struct multicall_entry calls[LIST];
static char text[CONSOLE_BYTES];

static bool big_mmu_update(void)
{
    uint64_t *page = page_alloc();
    unsigned int done = 0;
    long rc = -ENOMEM;

    if (page && !pt_ensure_l1(SCRATCH_VA)) {
        for (unsigned int i = 0; i < LIST; i++)
            reqs[i] = (struct mmu_update){
                .ptr = pt_entry_maddr(SCRATCH_VA, 1) | MMU_NORMAL_PT_UPDATE,
                .val = (virt_to_mfn(page) << PAGE_SHIFT) | PTE_KERNEL_RO,
            };
        rc = hypercall_mmu_update(reqs, LIST, &done, DOMID_SELF);
        pt_unmap(SCRATCH_VA);
    }
    if (page)
        page_free(page);
    return !rc && done == LIST;
}

static bool big_multicall(void)
{
    for (unsigned int i = 0; i < LIST; i++)
        calls[i] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version,
                                             .args = { XENVER_version } };
    return !hypercall_multicall(calls, LIST) && (long)calls[LIST - 1].result > 0;
}

static bool big_tree(void)
{
    struct pt_tree t;
    struct mmuext_op op = { .cmd = MMUEXT_PIN_L4_TABLE };
    bool ok = false;

    if (pt_tree_build(&t, TREE_L1S)) {
        op.arg1.mfn = pt_tree_l4_mfn(&t);
        if (!hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF)) {
            op.cmd = MMUEXT_UNPIN_TABLE;
            ok = !hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
        }
    }
    return pt_tree_free(&t) && ok;
}

/* The same tree refused at its very last leaf (a writable mapping of its
 * own L4): everything validated before that entry is released again, in
 * preemptible steps the vCPU finishes before its next list hypercall. */
static bool refused_big_tree(void)
{
    struct pt_tree t;
    struct mmuext_op op = { .cmd = MMUEXT_PIN_L4_TABLE };
    struct mmu_update leaf;
    long rc = -ENOMEM;

    if (pt_tree_build(&t, TREE_L1S)) {
        leaf = (struct mmu_update){
            .ptr = ((virt_to_mfn(t.page[3 + TREE_L1S - 1]) << PAGE_SHIFT) + 511 * 8) |
                   MMU_NORMAL_PT_UPDATE,
            .val = (pt_tree_l4_mfn(&t) << PAGE_SHIFT) | PTE_KERNEL_RW,
        };
        op.arg1.mfn = pt_tree_l4_mfn(&t);
        if (!hypercall_mmu_update(&leaf, 1, NULL, DOMID_SELF))
            rc = hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
    }
    return pt_tree_free(&t) && rc == -EBUSY;
}

static bool big_console_write(void)
{
    for (unsigned int i = 0; i < CONSOLE_BYTES; i++)
        text[i] = (i + 1) % 64 ? (char)('a' + i % 26) : '\n';
    return !hypercall_console_io(CONSOLEIO_write, CONSOLE_BYTES, text);
}

void bench_hostile_batches(void)
{
    static const struct {
        const char *what;
        bool (*run)(void);
    } ops[] = {
        { "mmu_update of 8192 entries", big_mmu_update },
        { "multicall of 8192 entries", big_multicall },
        { "pin and unpin of a 16384-entry tree", big_tree },
        { "pin of a 16384-entry tree refused at its last entry", refused_big_tree },
        { "console_io write of 2048 bytes", big_console_write },
    };

    for (unsigned int round = 0; round < 2; round++)
        for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++)
            if (!ops[i].run())
                printk("bench: hostile %s failed\n", ops[i].what);
    printk("bench: hostile batches done\n");
}
