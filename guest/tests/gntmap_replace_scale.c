/* unmap_and_replace of a grant mapping with many other handles in use:
 * the moved mapping's handle is found by its record among all of them
 * (docs/grant-tables.md), and still unmaps at its new place only.
 *
 * The handles are host mappings, read-only, one a page from FILL_VA on
 * (each with its record, so that the index of records holds them all),
 * of one frame granted by enough references: a use's pin count stops at
 * PINS_PER_REF.  Filled up to each level of
 * gntmap_scale=N:N:... (default 0:4096), where one replace is timed,
 * the least of REPS, and printed:
 *   gntmap_replace_scale: N handles in use: unmap_and_replace T ns
 * Under QEMU's -icount shift=0 a nanosecond is an instruction. */
#include <arch.h>
#include <console.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib/strtoul.h>
#include <mm.h>
#include <pagetable.h>
#include <pvclock.h>
#include <test.h>
#include "gntmap.h"
#include "tests.h"

#define FILL_REF0     16        /* the filling grants' first reference */
#define PINS_PER_REF  128       /* device read-only pins a grant takes */
#define TABLE_FRAMES  6         /* 16 + 262144 / 128 references */
#define MAX_FILL      262140    /* dom0's default limit, less the test's own */
#define BATCH         128
#define REPS          5
#define MAX_LEVELS    8
#define FILL_VA       0xffffc80000000000ULL     /* PML4 slot 400, 1 GiB of it */

static struct gnttab_map_grant_ref maps[BATCH];
static struct gnttab_unmap_grant_ref unmaps[BATCH];
static uint32_t fill_handles[MAX_FILL];

static unsigned int parse_levels(uint32_t *levels)
{
    char val[80];
    const char *p = val;
    unsigned int n = 0;

    if (!cmdline_get("gntmap_scale", val, sizeof(val))) {
        levels[0] = 0;
        levels[1] = 4096;
        return 2;
    }
    while (*p && n < MAX_LEVELS) {
        const char *end;
        uint64_t v = simple_strtoull(p, &end, 10);

        if (end == p)
            break;
        levels[n++] = v > MAX_FILL ? MAX_FILL : (uint32_t)v;
        p = end + (*end == ':');
    }
    return n;
}

/* Host mappings from *filled up to want: false (test failed) if one is
 * refused. */
static bool fill(uint32_t *filled, uint32_t want)
{
    while (*filled < want) {
        unsigned int n = want - *filled < BATCH ? want - *filled : BATCH;

        for (unsigned int i = 0; i < n; i++) {
            uint64_t va = FILL_VA + (uint64_t)(*filled + i) * PAGE_SIZE;

            if ((va & 0x1fffff) == 0 && !expect_rc("pt_ensure_l1", pt_ensure_l1(va), 0))
                return false;
            maps[i] = (struct gnttab_map_grant_ref){
                .host_addr = va, .flags = GNTMAP_host_map | GNTMAP_readonly,
                .ref = FILL_REF0 + (*filled + i) / PINS_PER_REF, .dom = 0, .status = 99 };
        }
        if (!expect_rc("map_grant_ref batch",
                       hypercall_grant_table_op(GNTTABOP_map_grant_ref, maps, n), 0))
            return false;
        for (unsigned int i = 0; i < n; i++) {
            if (!expect_status_ok("a filling mapping", maps[i].status))
                return false;
            fill_handles[*filled] = maps[i].handle;
            ++*filled;
        }
    }
    return true;
}

/* The first filled mappings unmapped: how many were. */
static uint32_t unfill(uint32_t filled)
{
    uint32_t gone = 0;

    for (uint32_t done = 0; done < filled; done += BATCH) {
        unsigned int n = filled - done < BATCH ? filled - done : BATCH;

        for (unsigned int i = 0; i < n; i++)
            unmaps[i] = (struct gnttab_unmap_grant_ref){
                .host_addr = FILL_VA + (uint64_t)(done + i) * PAGE_SIZE,
                .handle = fill_handles[done + i], .status = 99 };
        (void)hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, unmaps, n);
        for (unsigned int i = 0; i < n; i++)
            gone += unmaps[i].status == GNTST_okay;
    }
    return gone;
}

static int16_t replace(uint64_t addr, uint64_t new_addr, grant_handle_t handle)
{
    struct gnttab_unmap_and_replace op = { .host_addr = addr, .new_addr = new_addr,
                                           .handle = handle, .status = 99 };
    long rc = hypercall_grant_table_op(GNTTABOP_unmap_and_replace, &op, 1);

    return rc ? 1 : op.status;
}

/* A writable mapping at GNTMAP_VA moved over a read-only one at other;
 * the moved handle then unmaps at other.  The replace's time in *ns; false
 * (test failed) if anything went wrong. */
static bool one_replace(uint64_t mfn, uint64_t *ns)
{
    uint64_t other = GNTMAP_VA + PAGE_SIZE, t;
    struct gnttab_map_grant_ref rw, ro;
    long rc;
    int16_t st;

    rw = gntmap_map(0, GNTMAP_REF, GNTMAP_VA, GNTMAP_host_map, &rc);
    if (!expect_rc("map_grant_ref", rc, 0) || !expect_status_ok("map", rw.status))
        return false;
    ro = gntmap_map(0, GNTMAP_REF, other, GNTMAP_host_map | GNTMAP_readonly, &rc);
    if (!expect_rc("map_grant_ref read-only", rc, 0) ||
        !expect_status_ok("map read-only", ro.status)) {
        (void)gntmap_unmap(GNTMAP_VA, rw.handle);
        return false;
    }
    t = system_time_ns();
    st = replace(other, GNTMAP_VA, ro.handle);
    *ns = system_time_ns() - t;
    if (!expect_status_ok("unmap_and_replace", st)) {
        (void)gntmap_unmap(other, ro.handle);
        (void)gntmap_unmap(GNTMAP_VA, rw.handle);
        return false;
    }
    gntmap_expect_pte(other, mfn, true);
    expect_status("the old place", gntmap_unmap(GNTMAP_VA, rw.handle), GNTST_general_error);
    return expect_status("the moved handle where it is now", gntmap_unmap(other, rw.handle),
                         GNTST_okay);
}

static void measure(uint32_t filled, uint64_t mfn)
{
    uint64_t best = ~0ULL, ns;

    for (unsigned int r = 0; r < REPS; r++) {
        if (!one_replace(mfn, &ns))
            return;
        best = ns < best ? ns : best;
    }
    printk("gntmap_replace_scale: %u handles in use: unmap_and_replace %lu ns\n", filled, best);
}

static bool setup(uint64_t **page)
{
    uint32_t refs = FILL_REF0 + (MAX_FILL + PINS_PER_REF - 1) / PINS_PER_REF;

    if (!expect_rc("mapping the grant table", gnt_map_table(TABLE_FRAMES), 0))
        return false;
    *page = page_alloc();
    if (!*page || !expect_rc("pt_ensure_l1", pt_ensure_l1(GNTMAP_VA), 0)) {
        test_error("no page or page table");
        if (*page)
            page_free(*page);
        gnt_unmap_table(TABLE_FRAMES);
        return false;
    }
    gnt_grant_v1(GNTMAP_REF, 0, virt_to_mfn(*page), GTF_permit_access);
    for (uint32_t ref = FILL_REF0; ref < refs; ref++)
        gnt_grant_v1(ref, 0, virt_to_mfn(*page), GTF_permit_access | GTF_readonly);
    return true;
}

void test_gntmap_replace_scale(void)
{
    uint32_t levels[MAX_LEVELS], filled = 0, refs;
    unsigned int n = parse_levels(levels);
    uint64_t *page, mfn;

    if (!setup(&page))
        return;
    mfn = virt_to_mfn(page);
    for (unsigned int i = 0; i < n; i++) {
        if (!fill(&filled, levels[i]))
            break;
        measure(filled, mfn);
    }
    if (unfill(filled) != filled)
        test_fail("%u mappings made, not all unmapped", filled);
    refs = FILL_REF0 + (MAX_FILL + PINS_PER_REF - 1) / PINS_PER_REF;
    for (uint32_t ref = FILL_REF0; ref < refs; ref++)
        if (gntmap_in_use(ref))
            test_fail("grant %u still in use", ref);
    for (uint32_t ref = FILL_REF0; ref < refs; ref++)
        __atomic_store_n(&gnt_v1()[ref].flags, 0, __ATOMIC_RELEASE);
    if (gntmap_in_use(GNTMAP_REF))
        test_fail("grant %u still in use", GNTMAP_REF);
    __atomic_store_n(&gnt_v1()[GNTMAP_REF].flags, 0, __ATOMIC_RELEASE);
    page_free(page);
    gnt_unmap_table(TABLE_FRAMES);
}
