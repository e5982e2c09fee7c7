/* mmuext_op and the batch semantics of mmu_update: what a refused request
 * leaves behind (nothing), and the `done` count a batch reports. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include <traps.h>
#include "tests.h"

#define NO_SUCH_DOMAIN 5          /* a domain id no domain has */
#define NO_SUCH_MMUEXT 200        /* an mmuext_op command that does not exist */

static uint64_t read_cr3(void)
{
    uint64_t cr3;

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    return cr3;
}

static long mmuext1(unsigned int cmd, uint64_t mfn)
{
    struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* A frame that is not a valid L4 (a page mapped writable; one the guest
 * does not own) cannot become CR3: -EINVAL, CR3 unchanged. */
void test_new_baseptr_invalid(void)
{
    uint64_t *page = page_alloc(), cr3 = read_cr3(), foreign = test_foreign_frame();

    if (!page || !foreign) {
        test_error("set-up failed (out of memory or no foreign frame)");
        goto out;
    }
    expect_rc("MMUEXT_NEW_BASEPTR(a page mapped writable)",
              mmuext1(MMUEXT_NEW_BASEPTR, virt_to_mfn(page)), -EINVAL);
    if (read_cr3() != cr3)
        test_fail("CR3 changed from %#lx to %#lx", cr3, read_cr3());
    page[0] = 1;                     /* still an ordinary writable page */
    expect_rc("MMUEXT_NEW_BASEPTR(a frame the guest does not own)",
              mmuext1(MMUEXT_NEW_BASEPTR, foreign), -EINVAL);
    if (read_cr3() != cr3)
        test_fail("CR3 changed from %#lx to %#lx", cr3, read_cr3());
out:
    if (page)
        page_free(page);
}

/* A user page table holds a type reference on its frame, so the frame
 * cannot be mapped writable; MMUEXT_NEW_USER_BASEPTR with 0 drops it. */
void test_new_user_baseptr_clear(void)
{
    const uint64_t *kernel = mfn_to_virt(l4_mfn);
    uint64_t *l4 = page_alloc();

    if (!l4) {
        test_error("out of memory");
        return;
    }
    for (unsigned int i = 0; i < 512; i++)
        if (i < 256 || i > 271)
            l4[i] = kernel[i];
    if (!expect_rc("making the table read-only", page_set_readonly(l4, true), 0))
        goto free;
    if (!expect_rc("MMUEXT_NEW_USER_BASEPTR(a copy of the kernel's L4)",
                   mmuext1(MMUEXT_NEW_USER_BASEPTR, virt_to_mfn(l4)), 0))
        goto writable;
    if (page_set_readonly(l4, false) == 0) {
        test_fail("the user page table could be mapped writable while in use");
        page_set_readonly(l4, true);
    }
    if (pt_get((uint64_t)l4, 1) & _PAGE_RW)
        test_fail("the user page table is mapped writable: %#lx", pt_get((uint64_t)l4, 1));
    expect_rc("MMUEXT_NEW_USER_BASEPTR(0)", mmuext1(MMUEXT_NEW_USER_BASEPTR, 0), 0);
writable:
    if (page_set_readonly(l4, false)) {
        test_fail("the table cannot be mapped writable after MMUEXT_NEW_USER_BASEPTR(0)");
        return;                      /* still referenced: never reuse it */
    }
free:
    page_free(l4);
}

/* A command that does not exist: -ENOSYS, none done.  In a batch whose
 * third of five operations is such a command, two are done. */
void test_mmuext_bad_cmd(void)
{
    struct mmuext_op ops[5];
    unsigned int done = 99;

    memset(ops, 0, sizeof(ops));
    for (unsigned int i = 0; i < 5; i++)
        ops[i].cmd = i == 2 ? NO_SUCH_MMUEXT : MMUEXT_TLB_FLUSH_LOCAL;
    expect_rc("mmuext_op(unknown command)", hypercall_mmuext_op(&ops[2], 1, &done, DOMID_SELF),
              -ENOSYS);
    if (done != 0)
        test_fail("mmuext_op(unknown command) reports %u done, expected 0", done);
    done = 99;
    expect_rc("mmuext_op batch failing at the 3rd of 5",
              hypercall_mmuext_op(ops, 5, &done, DOMID_SELF), -ENOSYS);
    if (done != 2)
        test_fail("the batch failing at its 3rd operation reports %u done, expected 2", done);
}

/* Five updates of the scratch L1 table whose third is refused (a writable
 * mapping of that page table itself): the first two are made, the last
 * two not, and `done` says 2.  (Xen's error here is -EBUSY.) */
void test_mmu_update_batch_done(void)
{
    uint64_t *pages[5] = { 0 }, l1e;
    struct mmu_update req[5];
    unsigned int done = 99;
    long rc;

    for (unsigned int i = 0; i < 5; i++)
        if (!(pages[i] = page_alloc())) {
            test_error("out of memory");
            goto out;
        }
    if (!expect_rc("pt_ensure_l1", pt_ensure_l1(SCRATCH_VA), 0))
        goto out;
    l1e = pt_entry_maddr(SCRATCH_VA, 1);
    for (unsigned int i = 0; i < 5; i++) {
        if (pt_get(SCRATCH_VA + i * PAGE_SIZE, 1)) {
            test_error("scratch entry %u is in use", i);
            goto out;
        }
        req[i] = (struct mmu_update){
            .ptr = (l1e + i * 8) | MMU_NORMAL_PT_UPDATE,
            .val = (virt_to_mfn(pages[i]) << PAGE_SHIFT) | PTE_KERNEL_RO,
        };
    }
    req[2].val = (l1e & PTE_ADDR_MASK) | PTE_KERNEL_RW;
    rc = hypercall_mmu_update(req, 5, &done, DOMID_SELF);
    if (rc >= 0)
        test_fail("the batch with a writable mapping of a page table returned %ld", rc);
    if (done != 2)
        test_fail("the batch failing at its 3rd update reports %u done, expected 2", done);
    for (unsigned int i = 0; i < 5; i++) {
        uint64_t e = pt_get(SCRATCH_VA + i * PAGE_SIZE, 1);

        if (i < 2 && (e & PTE_ADDR_MASK) != (req[i].val & PTE_ADDR_MASK))
            test_fail("update %u (before the refused one) was not made: %#lx", i, e);
        if (i >= 2 && e)
            test_fail("update %u (from the refused one on) was made: %#lx", i, e);
    }
out:
    for (unsigned int i = 0; i < 5; i++) {
        if (pt_get(SCRATCH_VA + i * PAGE_SIZE, 1))
            pt_unmap(SCRATCH_VA + i * PAGE_SIZE);
        if (pages[i])
            page_free(pages[i]);
    }
}

/* A request list the hypervisor cannot read: -EFAULT, none done. */
void test_mmu_update_bad_pointer(void)
{
    unsigned int done = 99;

    expect_rc("mmu_update(unmapped request list)",
              hypercall_mmu_update((const struct mmu_update *)UNMAPPED_VA, 1, &done, DOMID_SELF),
              -EFAULT);
    if (done != 0)
        test_fail("mmu_update(unmapped request list) reports %u done, expected 0", done);
    expect_rc("mmu_update(request list in the hypervisor's area)",
              hypercall_mmu_update((const struct mmu_update *)HV_ADDRESS, 1, NULL, DOMID_SELF),
              -EFAULT);
    done = 99;
    expect_rc("mmuext_op(unmapped operation list)",
              hypercall_mmuext_op((const struct mmuext_op *)UNMAPPED_VA, 1, &done, DOMID_SELF),
              -EFAULT);
    if (done != 0)
        test_fail("mmuext_op(unmapped operation list) reports %u done, expected 0", done);
    expect_rc("mmuext_op(operation list in the hypervisor's area)",
              hypercall_mmuext_op((const struct mmuext_op *)HV_ADDRESS, 1, NULL, DOMID_SELF),
              -EFAULT);
}

/* Foreign page owners: a domain that does not exist, and the caller's own
 * id (Xen: "cannot specify itself as foreign domain"), are -ESRCH for
 * both hypercalls, with nothing done. */
void test_mmu_update_foreigndom(void)
{
    uint64_t *page = page_alloc();
    domid_t doms[2] = { NO_SUCH_DOMAIN, 0 };
    unsigned int ndoms = is_initial_domain() ? 2 : 1;   /* dom0's id is 0 */
    struct mmu_update u;
    struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    unsigned int done;
    char what[64];

    if (!page) {
        test_error("out of memory");
        return;
    }
    if (!expect_rc("pt_ensure_l1", pt_ensure_l1(SCRATCH_VA), 0))
        goto out;
    u = (struct mmu_update){
        .ptr = pt_entry_maddr(SCRATCH_VA, 1) | MMU_NORMAL_PT_UPDATE,
        .val = (virt_to_mfn(page) << PAGE_SHIFT) | PTE_KERNEL_RO,
    };
    for (unsigned int i = 0; i < ndoms; i++) {
        done = 99;
        snprintf(what, sizeof(what), "mmu_update(foreigndom %u)", doms[i]);
        expect_rc(what, hypercall_mmu_update(&u, 1, &done, doms[i]), -ESRCH);
        if (done != 0 && done != 99)
            test_fail("%s reports %u done", what, done);
        if (pt_get(SCRATCH_VA, 1)) {
            test_fail("%s made the mapping: %#lx", what, pt_get(SCRATCH_VA, 1));
            pt_unmap(SCRATCH_VA);
        }
        snprintf(what, sizeof(what), "mmuext_op(foreigndom %u)", doms[i]);
        expect_rc(what, hypercall_mmuext_op(&flush, 1, NULL, doms[i]), -ESRCH);
    }
out:
    page_free(page);
}
