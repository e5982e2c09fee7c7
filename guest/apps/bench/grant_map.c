/* Grant map+unmap round trip: GNTTABOP_map_grant_ref of a page granted
 * writable at a virtual address, then GNTTABOP_unmap_grant_ref of it (one
 * TLB flush on every CPU), GRANT_MAPS round trips a batch.  Each status
 * and the data seen through the mapping are checked.  Two figures: the
 * initial domain granting to itself (which works on Xen too), and a demo
 * domU granting a page of its own to the initial domain
 * (guest/apps/demo/grant.c), as a back end maps a front end's page. */
#include <arch.h>
#include <console_back.h>
#include <domu.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <lib.h>
#include <lib/strtoul.h>
#include <mm.h>
#include <pagetable.h>
#include "bench.h"

#define GRANT_MAPS 32
#define TABLE_VA (SCRATCH_VA + 0x1e0000)        /* the table's first frame */
#define MAP_VA   (SCRATCH_VA + 0x1e8000)        /* where the grant is mapped */
#define REF 40
#define DOMU_MAP_VA (SCRATCH_VA + 0x1e9000)     /* where the domU's grant is mapped */
#define DOMU_PAGES 2048
#define DOMU_WORD0 0x9e3779b97f4a7c15ULL        /* the demo's first word */
#define MS 1000000ULL

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

static struct domain_build granter;
static grant_ref_t domu_ref;

/* The number after text on id's console, or ~0. */
static uint64_t number_after(domid_t id, const char *text)
{
    char buf[2048];
    size_t n = console_back_history(id, buf, sizeof(buf) - 1);
    const char *p;

    buf[n] = '\0';
    p = strstr(buf, text);
    return p ? simple_strtoull(p + strlen(text), NULL, 10) : ~0ULL;
}

/* The demo domain built and told to grant a page to us: it prints the
 * reference, then waits for an event that never comes. */
bool grant_map_domu_setup(void)
{
    struct evtchn_alloc_unbound au;
    char line[32];
    uint64_t ref;

    if (!start_info->mod_start || !start_info->mod_len) {
        bench_fail("no domU image among dom0's modules");
        return false;
    }
    if (domu_build((const void *)start_info->mod_start, start_info->mod_len, "granter",
                   "grant", DOMU_PAGES, &granter)) {
        bench_fail("the demo domain cannot be built here (%s)", granter.why ? granter.why : "?");
        return false;
    }
    au = (struct evtchn_alloc_unbound){ .dom = granter.domid, .remote_dom = DOMID_SELF };
    if (hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &au) || domu_unpause(granter.domid))
        goto fail;
    snprintf(line, sizeof(line), "0 %u\n", au.port);
    console_back_input(granter.domid, line, strlen(line));
    if (!domu_console_wait(granter.domid, "demo: granted ref ", 10000 * MS))
        goto fail;
    ref = number_after(granter.domid, "demo: granted ref ");
    if (ref >> 32 || pt_ensure_l1(DOMU_MAP_VA))
        goto fail;
    domu_ref = (grant_ref_t)ref;
    return true;
fail:
    bench_fail("the demo domain did not grant a page");
    domu_destroy(granter.domid);
    return false;
}

uint64_t grant_map_domu_batch(void)
{
    return map_unmap_rounds(granter.domid, domu_ref, DOMU_MAP_VA, DOMU_WORD0);
}

void grant_map_domu_teardown(void)
{
    domu_destroy(granter.domid);
}
