/* Helpers of the grant-mapping tests (gntmap.h). */
#include <hypercall.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include "gntmap.h"

struct gnttab_map_grant_ref gntmap_map(domid_t dom, grant_ref_t ref, uint64_t addr,
                                       uint32_t flags, long *rc)
{
    struct gnttab_map_grant_ref op = { .host_addr = addr, .flags = flags, .ref = ref,
                                       .dom = dom, .status = 99, .handle = 0xdead };

    *rc = hypercall_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);
    return op;
}

int16_t gntmap_unmap(uint64_t addr, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = addr, .handle = handle, .status = 99 };
    long rc = hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);

    return rc ? 1 : op.status;
}

uint16_t gntmap_in_use(grant_ref_t ref)
{
    return __atomic_load_n(&gnt_v1()[ref].flags, __ATOMIC_ACQUIRE) & (GTF_reading | GTF_writing);
}

bool expect_status_ok(const char *what, int16_t status)
{
    if (status == GNTST_okay)
        return true;
    test_fail("%s: status %d, expected GNTST_okay", what, status);
    return false;
}

bool expect_status(const char *what, int16_t got, int16_t want)
{
    if (got == want)
        return true;
    test_fail("%s: status %d, expected %d", what, got, want);
    return false;
}

bool gntmap_grant_setup(struct gntmap_granted *g, uint16_t gtf_extra)
{
    if (!expect_rc("mapping the grant table", gnt_map_table(1), 0))
        return false;
    g->page = page_alloc();
    if (!g->page) {
        test_error("out of memory");
        gnt_unmap_table(1);
        return false;
    }
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        g->page[i] = 0x1234567800000000ULL + i;
    g->mfn = virt_to_mfn(g->page);
    if (!expect_rc("pt_ensure_l1", pt_ensure_l1(GNTMAP_VA), 0)) {
        page_free(g->page);
        gnt_unmap_table(1);
        return false;
    }
    gnt_grant_v1(GNTMAP_REF, 0, g->mfn, GTF_permit_access | gtf_extra);
    return true;
}

long gntmap_pin_l1(uint64_t mfn, bool pin)
{
    struct mmuext_op op = { .cmd = pin ? MMUEXT_PIN_L1_TABLE : MMUEXT_UNPIN_TABLE,
                            .arg1.mfn = mfn };

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

void gntmap_expect_released(struct gntmap_granted *g)
{
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        g->page[i] = 0;
    if (!expect_rc("making the frame read-only", page_set_readonly(g->page, true), 0))
        return;
    if (expect_rc("pinning the unmapped frame as an L1 table", gntmap_pin_l1(g->mfn, true), 0))
        expect_rc("unpinning it", gntmap_pin_l1(g->mfn, false), 0);
    expect_rc("making the frame writable again", page_set_readonly(g->page, false), 0);
}

void gntmap_grant_teardown(struct gntmap_granted *g)
{
    if (gntmap_in_use(GNTMAP_REF))
        test_fail("the grant is still marked in use: %#x", gntmap_in_use(GNTMAP_REF));
    __atomic_store_n(&gnt_v1()[GNTMAP_REF].flags, 0, __ATOMIC_RELEASE);
    if (pt_get(GNTMAP_VA, 1))
        test_fail("GNTMAP_VA still mapped: %#lx", pt_get(GNTMAP_VA, 1));
    page_free(g->page);
    gnt_unmap_table(1);
}

void gntmap_expect_pte(uint64_t va, uint64_t mfn, bool writable)
{
    uint64_t e = pt_get(va, 1);

    if (((e & 0x000ffffffffff000ULL) >> PAGE_SHIFT) != mfn || !(e & _PAGE_PRESENT) ||
        !(e & PTE_GRANT) || !!(e & _PAGE_RW) != writable)
        test_fail("the mapping's entry at %#lx is %#lx (frame %#lx, %s expected)", va, e, mfn,
                  writable ? "writable" : "read-only");
}
