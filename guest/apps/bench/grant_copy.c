/* Grant copy throughput: GNTTABOP_copy of whole 4 KiB pages from a page
 * the initial domain grants itself read-only to one it grants itself
 * writable (dom0 granting to itself works on Xen too), GRANT_COPIES
 * copies a call.  Reported as MB/s (10^6 bytes per second) of the best
 * batch; the copy's result and status are checked. */
#include <arch.h>
#include <console.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <pvclock.h>
#include "bench.h"

#define GRANT_COPIES 64
#define GNT_BENCH_VA (SCRATCH_VA + 0x1f0000)      /* the table's first frame */
#define REF_SRC 30
#define REF_DST 31

static struct gnttab_copy ops[GRANT_COPIES];
static uint8_t *src, *dst;
static uint64_t best_ns = ~0ULL;
static unsigned int batches;

static struct grant_entry_v1 *table(void)
{
    return (struct grant_entry_v1 *)GNT_BENCH_VA;
}

bool grant_copy_setup(void)
{
    uint64_t frame;
    long rc;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1,
                                     .frame_list = (uint64_t)&frame };
    domid_t self = 0;           /* the bench runs as the initial domain */

    rc = hypercall_grant_table_op(GNTTABOP_setup_table, &st, 1);
    if (rc || st.status != GNTST_okay) {
        bench_fail("GNTTABOP_setup_table failed (%ld, status %d)", rc, st.status);
        return false;
    }
    rc = pt_map(GNT_BENCH_VA, frame, PTE_KERNEL_RW);
    src = page_alloc();
    dst = page_alloc();
    if (rc || !src || !dst) {
        bench_fail("cannot map the grant table or get pages (%ld)", rc);
        return false;
    }
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        src[i] = (uint8_t)(i * 13 + 1);
    table()[REF_SRC] = (struct grant_entry_v1){ 0, self, (uint32_t)virt_to_mfn(src) };
    table()[REF_DST] = (struct grant_entry_v1){ 0, self, (uint32_t)virt_to_mfn(dst) };
    __atomic_store_n(&table()[REF_SRC].flags, GTF_permit_access | GTF_readonly,
                     __ATOMIC_RELEASE);
    __atomic_store_n(&table()[REF_DST].flags, GTF_permit_access, __ATOMIC_RELEASE);
    for (unsigned int i = 0; i < GRANT_COPIES; i++)
        ops[i] = (struct gnttab_copy){
            .source = { .u.ref = REF_SRC, .domid = self },
            .dest = { .u.ref = REF_DST, .domid = self },
            .len = PAGE_SIZE, .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref,
        };
    return true;
}

uint64_t grant_copy_batch(void)
{
    uint64_t t0 = system_time_ns(), start = rdtsc(), ticks, ns;
    long rc = hypercall_grant_table_op(GNTTABOP_copy, ops, GRANT_COPIES);

    ticks = rdtsc() - start;
    ns = system_time_ns() - t0;
    for (unsigned int i = 0; !rc && i < GRANT_COPIES; i++)
        if (ops[i].status != GNTST_okay)
            rc = ops[i].status;
    if (rc || memcmp(src, dst, PAGE_SIZE)) {
        bench_fail("GNTTABOP_copy failed (%ld)", rc);
        return 0;
    }
    memset(dst, 0, 64);
    if (ns && ns < best_ns)
        best_ns = ns;
    batches++;
    return ticks ? ticks : 1;
}

void grant_copy_teardown(void)
{
    table()[REF_SRC].flags = 0;
    table()[REF_DST].flags = 0;
    (void)pt_unmap(GNT_BENCH_VA);
    page_free(src);
    page_free(dst);
}

void grant_copy_report(const char *why)
{
    uint64_t bytes = (uint64_t)GRANT_COPIES * PAGE_SIZE, tenths;

    if (why[0] || best_ns == ~0ULL) {
        printk("BENCH grant_copy_mbps n/a %s\n", why[0] ? why : "no batch ran");
        return;
    }
    tenths = bytes * 10000 / best_ns;           /* bytes/ns = GB/s; x1000 MB/s, x10 */
    printk("BENCH grant_copy_mbps %lu.%lu MB/s (best of %u calls of %u 4-KiB copies, "
           "grant to grant, dom0 to itself)\n", tenths / 10, tenths % 10, batches,
           GRANT_COPIES);
}
