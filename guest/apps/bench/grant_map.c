/* Grant map+unmap round trip: GNTTABOP_map_grant_ref of a page the
 * initial domain grants itself writable (dom0 granting to itself works on
 * Xen too) at a virtual address, then GNTTABOP_unmap_grant_ref of it (one
 * TLB flush on every CPU), GRANT_MAPS round trips a batch.  Each status
 * and the data seen through the mapping are checked. */
#include <arch.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include "bench.h"

#define GRANT_MAPS 32
#define TABLE_VA (SCRATCH_VA + 0x1e0000)        /* the table's first frame */
#define MAP_VA   (SCRATCH_VA + 0x1e8000)        /* where the grant is mapped */
#define REF 40

static uint64_t *page;

static struct grant_entry_v1 *table(void)
{
    return (struct grant_entry_v1 *)TABLE_VA;
}

bool grant_map_setup(void)
{
    uint64_t frame;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1,
                                     .frame_list = (uint64_t)&frame };
    long rc = hypercall_grant_table_op(GNTTABOP_setup_table, &st, 1);

    if (rc || st.status != GNTST_okay) {
        bench_fail("GNTTABOP_setup_table failed (%ld, status %d)", rc, st.status);
        return false;
    }
    page = page_alloc();
    rc = pt_map(TABLE_VA, frame, PTE_KERNEL_RW);
    if (rc || !page || pt_ensure_l1(MAP_VA)) {
        bench_fail("cannot map the grant table or get a page (%ld)", rc);
        return false;
    }
    page[0] = 0x5eed;
    table()[REF] = (struct grant_entry_v1){ 0, 0 /* ourselves */, (uint32_t)virt_to_mfn(page) };
    __atomic_store_n(&table()[REF].flags, GTF_permit_access, __ATOMIC_RELEASE);
    return true;
}

uint64_t grant_map_batch(void)
{
    struct gnttab_map_grant_ref m = { .host_addr = MAP_VA, .flags = GNTMAP_host_map,
                                      .ref = REF, .dom = 0 };
    struct gnttab_unmap_grant_ref u = { .host_addr = MAP_VA };
    uint64_t start = rdtsc(), ticks;

    for (unsigned int i = 0; i < GRANT_MAPS; i++) {
        if (hypercall_grant_table_op(GNTTABOP_map_grant_ref, &m, 1) || m.status ||
            *(volatile uint64_t *)MAP_VA != 0x5eed) {
            bench_fail("GNTTABOP_map_grant_ref failed (status %d)", m.status);
            return 0;
        }
        u.handle = m.handle;
        if (hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1) || u.status) {
            bench_fail("GNTTABOP_unmap_grant_ref failed (status %d)", u.status);
            return 0;
        }
    }
    ticks = rdtsc() - start;
    return ticks ? ticks : 1;
}

void grant_map_teardown(void)
{
    table()[REF].flags = 0;
    (void)pt_unmap(TABLE_VA);
    page_free(page);
}
