/* Destroying a large domain (docs/control.md, "Continuations"): up to
 * 256 MiB of memory, a pinned 16384-entry page-table tree built from its
 * own frames, a grant table grown to the 1,024 frames createdomain allows
 * at most, and hundreds of its grants mapped by the initial domain.
 * populate, getmemlist, setup_table and destroydomain each run in bounded
 * steps, continued until done, so the calls here see one result each;
 * the stretches between preemption points are asserted in the system case
 * guest-preempt-icount (stretch_stats, every hypercall under 100,000
 * instructions).  Here: every count returns to where it was, and the
 * frames our mappings hold stay until they are unmapped.
 *
 * A first round of the same shape lets the hypervisor's own allocations
 * settle (our maptrack handles, its allocator's caches: the first round
 * of a size keeps a few pages); free pages are counted in the second. */
#include <arch.h>
#include <console.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <lib.h>
#include <mm.h>
#include <pagetable.h>
#include <test.h>
#include "control_ops.h"
#include "gnttab.h"
#include "tests.h"

#define BIG_PAGES     65536ULL              /* 256 MiB */
#define MIN_PAGES     1024ULL
#define TREE_L1S      32                    /* 16384 leaf entries, at most */
#define FIRST_DATA    64                    /* frames [3 + TREE_L1S, 64) unused */
#define GRANTS        480                   /* refs [8, 8 + GRANTS) of its table */
#define FIRST_REF     8
#define WINDOW_VA     (SCRATCH_VA + 0x1c0000)
#define TABLE_FLAGS   (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

/* Its table's frames: its limit, the largest createdomain allows, grown
 * by our setup_table (a growth and a relinquish of many steps). */
#define GRANT_FRAMES  1024

static uint64_t chunk[PAGE_SIZE / 8];
static uint64_t table_frames[GRANT_FRAMES];
static grant_handle_t handles[GRANTS];
static unsigned int tree_l1s;            /* as many as its memory holds */
static uint64_t bus_addrs[GRANTS];

/* Frames [start, start + n) of x's list into chunk (n at most 512). */
static bool frames_of(domid_t x, uint64_t start, uint64_t n)
{
    uint64_t got = 0;

    return expect_rc("getmemlist", ctl_memlist(x, start, chunk, n, &got), 0) && got == n;
}

static bool write_frame(domid_t x, uint64_t mfn, const uint64_t *entries)
{
    if (!expect_rc("a foreign mapping of x's frame", pt_map_foreign(WINDOW_VA, x, mfn), 0))
        return false;
    memcpy((void *)WINDOW_VA, entries, PAGE_SIZE);
    return expect_rc("unmapping x's frame", pt_map_foreign(WINDOW_VA, x, 0), 0);
}

/* The whole list in 512-frame chunks: nr frames, none twice in a row. */
static bool whole_list(domid_t x, uint64_t nr)
{
    uint64_t got = 0, total = 0, last = 0;
    long rc;

    do {
        rc = ctl_memlist(x, total, chunk, 512, &got);
        for (uint64_t i = 0; i < got; i++, last = chunk[i - 1])
            if (chunk[i] == last)
                test_fail("getmemlist gave frame %#lx twice at %lu", chunk[i], total + i);
        total += got;
    } while (!rc && got == 512);
    if (!expect_rc("getmemlist over the whole list", rc, 0))
        return false;
    if (total != nr)
        test_fail("getmemlist gave %lu frames of %lu", total, nr);
    return total == nr;
}

/* The tree: frame 0 the L4, 1 the L3, 2 the L2, then tree_l1s L1s
 * mapping data frames FIRST_DATA.. writable, one each; pinned by us. */
static bool pin_tree(domid_t x)
{
    uint64_t tables[3 + TREE_L1S];
    uint64_t *page = chunk;
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE };

    if (!frames_of(x, 0, 3 + tree_l1s))
        return false;
    memcpy(tables, chunk, (3 + tree_l1s) * sizeof(uint64_t));
    for (unsigned int l1 = 0; l1 < tree_l1s; l1++) {
        if (!frames_of(x, FIRST_DATA + l1 * 512ULL, 512))
            return false;
        for (unsigned int e = 0; e < 512; e++)
            page[e] = (page[e] << PAGE_SHIFT) | PTE_KERNEL_RW;
        if (!write_frame(x, tables[3 + l1], page))
            return false;
    }
    for (unsigned int level = 0; level < 3; level++) {
        memset(page, 0, PAGE_SIZE);
        if (level < 2)
            page[0] = (tables[level + 1] << PAGE_SHIFT) | TABLE_FLAGS;
        else
            for (unsigned int l1 = 0; l1 < tree_l1s; l1++)
                page[l1] = (tables[3 + l1] << PAGE_SHIFT) | TABLE_FLAGS;
        if (!write_frame(x, tables[level], page))
            return false;
    }
    pin.arg1.mfn = tables[0];
    return expect_rc("pinning x's tree", hypercall_mmuext_op(&pin, 1, NULL, x), 0);
}

/* GRANTS of x's frames granted to us through its table (which we fill,
 * x never runs), and mapped by us for a device: handles[]. */
static bool map_grants(domid_t x, uint64_t nr)
{
    struct grant_entry_v1 *e = (struct grant_entry_v1 *)chunk;
    struct gnttab_map_grant_ref op;
    uint64_t table;
    int16_t st;

    if (!expect_rc("setup_table of x", gnt_setup(x, GRANT_FRAMES, table_frames, &st), 0) ||
        st != GNTST_okay || !frames_of(x, nr - GRANTS, GRANTS))
        return false;
    table = table_frames[0];
    for (unsigned int i = GRANTS; i-- > 0;)
        e[FIRST_REF + i] = (struct grant_entry_v1){ GTF_permit_access, 0, (uint32_t)chunk[i] };
    memset(e, 0, FIRST_REF * sizeof(*e));
    if (!write_frame(x, table, chunk))
        return false;
    for (unsigned int i = 0; i < GRANTS; i++) {
        op = (struct gnttab_map_grant_ref){ .flags = GNTMAP_device_map,
                                           .ref = FIRST_REF + i, .dom = x };
        if (!expect_rc("map_grant_ref", hypercall_grant_table_op(GNTTABOP_map_grant_ref, &op, 1),
                       0) || op.status != GNTST_okay) {
            test_fail("mapping x's grant %u: status %d", FIRST_REF + i, op.status);
            return false;
        }
        handles[i] = op.handle;
        bus_addrs[i] = op.dev_bus_addr;
    }
    return true;
}

/* Every port x can have, unbound, offered to us (tests.h). */
unsigned int fill_ports(uint16_t x)
{
    unsigned int n = 0;

    for (;;) {
        struct evtchn_alloc_unbound a = { .dom = x, .remote_dom = 0 };
        long rc = hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a);

        if (rc == -ENOSPC)
            return n;
        if (!expect_rc("alloc_unbound in x", rc, 0))
            return n;
        n++;
    }
}

static void unmap_grants(void)
{
    for (unsigned int i = 0; i < GRANTS; i++) {
        struct gnttab_unmap_grant_ref op = { .dev_bus_addr = bus_addrs[i],
                                             .handle = handles[i], .status = 99 };

        if (hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1) || op.status)
            test_fail("unmapping grant %u of the destroyed domain: status %d", i, op.status);
    }
}

static bool create_big(uint64_t nr, domid_t *x)
{
    struct proxen_control op = ctl_op(PXCTL_createdomain, 0);

    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.max_pages = nr;
    op.u.createdomain.max_grant_frames = GRANT_FRAMES;
    strlcpy(op.u.createdomain.name, "big", sizeof(op.u.createdomain.name));
    if (!expect_rc("createdomain", ctl_call(&op), 0))
        return false;
    *x = op.domain;
    return true;
}

static void big_round(uint64_t nr, bool count)
{
    uint64_t before = ctl_free_pages(), during;
    struct pxctl_domaininfo info;
    domid_t x;

    if (!create_big(nr, &x))
        return;
    if (!expect_rc("populate", ctl_populate(x, nr), 0) ||
        ctl_free_pages() > before - nr)
        test_fail("populate of %lu frames: free pages %lu, before %lu", nr, ctl_free_pages(),
                  before);
    if (!whole_list(x, nr) || !pin_tree(x) || !map_grants(x, nr) || fill_ports(x) < 4000) {
        ctl_destroy(x);
        return;
    }
    expect_rc("destroydomain of the big domain", ctl_destroy(x), 0);
    if (ctl_info(x, &info) == 0 && info.domain == x)
        test_fail("domain %u still listed after its destruction", x);
    expect_rc("destroydomain again", ctl_destroy(x), -ESRCH);
    during = ctl_free_pages();
    /* Held by our mappings: GRANTS frames, and x itself. */
    if (count && (during >= before - GRANTS + 1 || during < before - GRANTS - 32))
        test_fail("free pages %lu before x, %lu after it went with %u grants mapped", before,
                  during, GRANTS);
    unmap_grants();
    if (count && ctl_free_pages() != before)
        test_fail("free pages %lu once x's grants were unmapped, %lu before x was made",
                  ctl_free_pages(), before);
}

void test_continuation_destroy_big(void)
{
    uint64_t nr = BIG_PAGES, free = ctl_free_pages();

    /* Smaller where the machine is: the same steps, fewer of them. */
    if (free < BIG_PAGES + 16384)
        nr = free / 2 & ~511ULL;
    if (nr < MIN_PAGES) {
        test_error("too little memory: %lu free pages", free);
        return;
    }
    tree_l1s = (unsigned int)MIN((uint64_t)TREE_L1S, (nr - FIRST_DATA - GRANTS) / 512);
    big_round(nr, false);
    big_round(nr, true);
    printk("destroyed a domain of %lu frames, a %u-entry tree pinned, a %u-frame grant "
           "table, %u grants mapped, every event channel\n", nr, tree_l1s * 512, GRANT_FRAMES,
           GRANTS);
}
