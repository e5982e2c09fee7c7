/* Grant copy throughput: GNTTABOP_copy of whole 4 KiB pages, GRANT_COPIES
 * copies a call, reported as MB/s (10^6 bytes per second) of the best
 * call.  Three figures:
 *   grant_copy_mbps            the initial domain granting to itself, from
 *                              a page granted read-only to one granted
 *                              writable (which works on Xen too);
 *   grant_copy_from_domu_mbps  from the page a demo domU grants (granter.c)
 *                              to a frame of the initial domain's, as a
 *                              back end takes a front end's request;
 *   grant_copy_to_domu_mbps    from a frame of the initial domain's into
 *                              that page, as a back end answers one.
 * Every copy's status is checked and so are the bytes it moved. */
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
#define LAST_WORD (PAGE_SIZE / sizeof(uint64_t) - 1)

/* One figure: its call of GRANT_COPIES copies and the best time. */
struct copy_run {
    struct gnttab_copy ops[GRANT_COPIES];
    uint64_t best_ns;
    unsigned int batches;
};

static struct copy_run self = { .best_ns = ~0ULL };
static uint8_t *src, *dst;

static struct grant_entry_v1 *table(void)
{
    return (struct grant_entry_v1 *)GNT_BENCH_VA;
}

static void fill_ops(struct copy_run *r, struct gnttab_copy_ptr from, struct gnttab_copy_ptr to,
                     uint16_t flags)
{
    for (unsigned int i = 0; i < GRANT_COPIES; i++)
        r->ops[i] = (struct gnttab_copy){ .source = from, .dest = to, .len = PAGE_SIZE,
                                          .flags = flags };
}

/* r's copies in one call, every status checked: the ticks it took (the
 * time kept if it is r's best), or 0 after bench_fail. */
static uint64_t copy_call(struct copy_run *r)
{
    uint64_t t0 = system_time_ns(), start = rdtsc(), ticks, ns;
    long rc = hypercall_grant_table_op(GNTTABOP_copy, r->ops, GRANT_COPIES);

    ticks = rdtsc() - start;
    ns = system_time_ns() - t0;
    for (unsigned int i = 0; !rc && i < GRANT_COPIES; i++)
        if (r->ops[i].status != GNTST_okay)
            rc = r->ops[i].status;
    if (rc) {
        bench_fail("GNTTABOP_copy failed (%ld)", rc);
        return 0;
    }
    if (ns && ns < r->best_ns)
        r->best_ns = ns;
    r->batches++;
    return ticks ? ticks : 1;
}

/* Tenths of MB/s of r's best call, or 0 if none ran. */
static uint64_t mbps_tenths(const struct copy_run *r)
{
    uint64_t bytes = (uint64_t)GRANT_COPIES * PAGE_SIZE;

    /* bytes/ns = GB/s: x1000 MB/s, x10 tenths */
    return r->best_ns == ~0ULL ? 0 : bytes * 10000 / r->best_ns;
}

static void report(const char *metric, const struct copy_run *r, const char *why,
                   const char *what)
{
    uint64_t tenths = mbps_tenths(r), own = mbps_tenths(&self);
    char beside[64] = "";

    if (why[0] || !tenths) {
        printk("BENCH %s n/a %s\n", metric, why[0] ? why : "no batch ran");
        return;
    }
    if (r != &self && own)
        snprintf(beside, sizeof(beside), "; dom0 to itself in this boot %lu.%lu MB/s",
                 own / 10, own % 10);
    printk("BENCH %s %lu.%lu MB/s (best of %u calls of %u 4-KiB copies, %s%s)\n", metric,
           tenths / 10, tenths % 10, r->batches, GRANT_COPIES, what, beside);
}

/* --- dom0 to itself ------------------------------------------------------ */

bool grant_copy_setup(void)
{
    uint64_t frame;
    long rc;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1,
                                     .frame_list = (uint64_t)&frame };
    domid_t me = 0;             /* the bench runs as the initial domain */

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
    table()[REF_SRC] = (struct grant_entry_v1){ 0, me, (uint32_t)virt_to_mfn(src) };
    table()[REF_DST] = (struct grant_entry_v1){ 0, me, (uint32_t)virt_to_mfn(dst) };
    __atomic_store_n(&table()[REF_SRC].flags, GTF_permit_access | GTF_readonly,
                     __ATOMIC_RELEASE);
    __atomic_store_n(&table()[REF_DST].flags, GTF_permit_access, __ATOMIC_RELEASE);
    fill_ops(&self, (struct gnttab_copy_ptr){ .u.ref = REF_SRC, .domid = me },
             (struct gnttab_copy_ptr){ .u.ref = REF_DST, .domid = me },
             GNTCOPY_source_gref | GNTCOPY_dest_gref);
    return true;
}

uint64_t grant_copy_batch(void)
{
    uint64_t ticks = copy_call(&self);

    if (ticks && memcmp(src, dst, PAGE_SIZE)) {
        bench_fail("GNTTABOP_copy reported success but the page differs");
        return 0;
    }
    memset(dst, 0, 64);         /* so that the next call must copy again */
    return ticks;
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
    report("grant_copy_mbps", &self, why, "grant to grant, dom0 to itself");
}

/* --- between the demo domU and dom0 --------------------------------------
 * in receives the domU's page; out holds what the page holds (its words
 * GRANTER_WORD0 * (i + 1)) except the last word, a stamp that each call
 * into the page changes: an untimed copy back shows it arrived.  The
 * domU's other words never change, so the map benchmark's check of the
 * first word holds whatever order the batches run in. */

static struct copy_run from_domu = { .best_ns = ~0ULL }, to_domu = { .best_ns = ~0ULL };
static struct copy_run check_back;              /* its first copy only */
static uint64_t *in, *out;

bool grant_copy_domu_setup(void)
{
    struct gnttab_copy_ptr here = { .domid = DOMID_SELF }, there;
    domid_t dom;
    grant_ref_t ref;

    if (!granter_get(&dom, &ref))
        return false;
    in = page_alloc();
    out = page_alloc();
    if (!in || !out) {
        granter_put();
        bench_fail("out of memory");
        return false;
    }
    for (unsigned int i = 0; i < LAST_WORD; i++)
        out[i] = GRANTER_WORD0 * (i + 1);
    there = (struct gnttab_copy_ptr){ .u.ref = ref, .domid = dom };
    here.u.gmfn = virt_to_mfn(in);
    fill_ops(&from_domu, there, here, GNTCOPY_source_gref);
    fill_ops(&check_back, there, here, GNTCOPY_source_gref);
    here.u.gmfn = virt_to_mfn(out);
    fill_ops(&to_domu, here, there, GNTCOPY_dest_gref);
    return true;
}

/* Set up by grant_copy_domu_setup, listed before it. */
bool grant_copy_to_domu_setup(void)
{
    if (!in)
        bench_fail("the copy from the domU could not be set up");
    return in != NULL;
}

uint64_t grant_copy_from_domu_batch(void)
{
    uint64_t ticks = copy_call(&from_domu);

    if (ticks && memcmp(in, out, LAST_WORD * sizeof(uint64_t))) {
        bench_fail("the domU's page arrived wrong (first word %#lx)", in[0]);
        return 0;
    }
    memset(in, 0, 64);          /* so that the next call must copy again */
    return ticks;
}

uint64_t grant_copy_to_domu_batch(void)
{
    static uint64_t stamp;
    uint64_t ticks;
    long rc;

    out[LAST_WORD] = ++stamp;
    ticks = copy_call(&to_domu);
    if (!ticks)
        return 0;
    rc = hypercall_grant_table_op(GNTTABOP_copy, check_back.ops, 1);
    if (rc || check_back.ops[0].status != GNTST_okay || in[LAST_WORD] != stamp) {
        bench_fail("the copy into the domU's page did not arrive (%ld, status %d)", rc,
                   check_back.ops[0].status);
        return 0;
    }
    return ticks;
}

void grant_copy_domu_teardown(void)
{
    granter_put();
    page_free(in);
    page_free(out);
}

void grant_copy_from_domu_report(const char *why)
{
    report("grant_copy_from_domu_mbps", &from_domu, why,
           "a domU's grant to a frame of dom0's");
}

void grant_copy_to_domu_report(const char *why)
{
    report("grant_copy_to_domu_mbps", &to_domu, why, "a frame of dom0's to a domU's grant");
}
