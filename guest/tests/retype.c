/* A frame that served as a page table and is then used as ordinary
 * writable memory, and back: the path on which the hypervisor must flush
 * stale translations (a CPU may cache upper-level entries through a
 * former table).  TCG caches only leaf translations, so what this test
 * can see is that each step is allowed exactly when Xen allows it and
 * that the contents written in between are what the next validation
 * reads; the flush decision itself is checked by the host unit test
 * test_flush_on_type_change. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include "tests.h"

static long pin_op(unsigned int cmd, uint64_t mfn)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

void test_table_retyped_writable(void)
{
    static const unsigned int levels[] = { MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE,
                                           MMUEXT_PIN_L1_TABLE };
    volatile uint64_t *page = page_alloc();
    uint64_t mfn;

    if (!page) {
        test_error("out of memory");
        return;
    }
    mfn = virt_to_mfn((void *)(uintptr_t)page);
    for (unsigned int i = 0; i < ARRAY_SIZE(levels); i++) {
        if (!expect_rc("making the frame read-only", page_set_readonly((void *)(uintptr_t)page,
                                                                       true), 0))
            break;
        if (!expect_rc("pinning it as a table", pin_op(levels[i], mfn), 0) ||
            !expect_rc("unpinning it", pin_op(MMUEXT_UNPIN_TABLE, mfn), 0))
            break;
        if (!expect_rc("mapping the former table writable",
                       page_set_readonly((void *)(uintptr_t)page, false), 0))
            break;
        /* A present entry naming a frame the guest does not own: as data
         * it is harmless; as a table it must be refused. */
        page[5] = 0x7ffffffff000ULL | _PAGE_PRESENT;
        if (page[5] != (0x7ffffffff000ULL | _PAGE_PRESENT))
            test_fail("a write through the writable mapping did not stick");
        expect_rc("mapping it read-only again", page_set_readonly((void *)(uintptr_t)page, true),
                  0);
        expect_rc("pinning the written frame as an L1", pin_op(MMUEXT_PIN_L1_TABLE, mfn),
                  -EINVAL);
        expect_rc("back to writable", page_set_readonly((void *)(uintptr_t)page, false), 0);
        page[5] = 0;
    }
    page_free((void *)(uintptr_t)page);
}
