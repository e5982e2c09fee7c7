/* Grant map+unmap round trip: GNTTABOP_map_grant_ref of a page granted
 * writable at a virtual address, then GNTTABOP_unmap_grant_ref of it (one
 * TLB flush on every CPU), GRANT_MAPS round trips a batch.  Each status
 * and the data seen through the mapping are checked.  Two figures: the
 * initial domain granting to itself (which works on Xen too), and a demo
 * domU granting a page of its own to the initial domain (granter.c), as
 * a back end maps a front end's page. */
#include <arch.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <lib.h>
#include <mm.h>
#include <pagetable.h>
#include "bench.h"

#define GRANT_MAPS 32
#define TABLE_VA (SCRATCH_VA + 0x1e0000)        /* the table's first frame */
#define MAP_VA   (SCRATCH_VA + 0x1e8000)        /* where the grant is mapped */
#define REF 40
#define DOMU_MAP_VA (SCRATCH_VA + 0x1e9000)     /* where the domU's grant is mapped */

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

/* GRANT_MAPS map+unmap round trips of dom's grant ref at va, each map
 * checked to show word; the ticks they took (at least 1), or 0 after
 * reporting a failure. */
static uint64_t map_unmap_rounds(domid_t dom, grant_ref_t ref, uint64_t va, uint64_t word)
{
    struct gnttab_map_grant_ref m = { .host_addr = va, .flags = GNTMAP_host_map,
                                      .ref = ref, .dom = dom };
    struct gnttab_unmap_grant_ref u = { .host_addr = va };
    uint64_t start = rdtsc(), ticks;

    for (unsigned int i = 0; i < GRANT_MAPS; i++) {
        if (hypercall_grant_table_op(GNTTABOP_map_grant_ref, &m, 1) || m.status ||
            *(volatile uint64_t *)va != word) {
            bench_fail("GNTTABOP_map_grant_ref of domain %u's grant failed (status %d)", dom,
                       m.status);
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

uint64_t grant_map_batch(void)
{
    return map_unmap_rounds(0, REF, MAP_VA, 0x5eed);
}

void grant_map_teardown(void)
{
    table()[REF].flags = 0;
    (void)pt_unmap(TABLE_VA);
    page_free(page);
}

/* --- a domU's grant ------------------------------------------------------ */

static domid_t domu;
static grant_ref_t domu_ref;

bool grant_map_domu_setup(void)
{
    if (!granter_get(&domu, &domu_ref))
        return false;
    if (pt_ensure_l1(DOMU_MAP_VA)) {
        granter_put();
        bench_fail("no page table for the mapping");
        return false;
    }
    return true;
}

uint64_t grant_map_domu_batch(void)
{
    return map_unmap_rounds(domu, domu_ref, DOMU_MAP_VA, GRANTER_WORD0);
}

void grant_map_domu_teardown(void)
{
    granter_put();
}
