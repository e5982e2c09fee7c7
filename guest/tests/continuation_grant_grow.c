/* The grant table grown to its limit in one call: GNTTABOP_setup_table
 * of every frame the limit allows.  Xen's answers are checked (the frames
 * listed, query_size's count, the same frames when asked again); under
 * `-icount` (the system case guest-preempt-icount, where a nanosecond is
 * an instruction) the hypervisor's stretches between preemption points
 * during the growth are bounded too: it grows in steps with a
 * continuation (docs/grant-tables.md).  Then set_version to 2 and back
 * at that size, which clears every frame in steps with a continuation
 * too: the reserved entry carried, the last frame cleared, the status
 * frames listed.  The table stays at its limit, so this runs after every
 * grant-table test. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <console.h>
#include <pagetable.h>
#include <pvclock.h>
#include <test.h>
#include "gnttab.h"
#include "tests.h"

#define GROW_MAX 1024                   /* the largest limit a domain may have */

static uint64_t frames[GROW_MAX], again[GROW_MAX];
static uint32_t q_frames;

static bool frames_distinct(const uint64_t *f, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < i; j++)
            if (!f[i] || f[i] == f[j]) {
                test_fail("table frame %u (%#lx) is zero or the same as frame %u", i, f[i], j);
                return false;
            }
    return true;
}

static bool grow_to_limit(uint32_t max)
{
    struct gnttab_query_size q;
    int16_t st;
    uint64_t t0 = system_time_ns();
    long rc = gnt_setup(DOMID_SELF, max, frames, &st);

    printk("setup_table growing to %u frames: %lu ns\n", max, system_time_ns() - t0);

    if (!expect_rc("setup_table of the whole limit", rc, 0))
        return false;
    if (st != GNTST_okay || gnt_query(DOMID_SELF, &q) || q.nr_frames != max) {
        test_fail("setup_table of %u frames: status %d, table of %u frames", max, st,
                  q.nr_frames);
        return false;
    }
    if (!frames_distinct(frames, max))
        return false;
    /* Asked again: the same frames, nothing grown. */
    if (gnt_setup(DOMID_SELF, max, again, &st) || st != GNTST_okay) {
        test_fail("setup_table of %u frames again: status %d", max, st);
        return false;
    }
    for (uint32_t i = 0; i < max; i++)
        if (again[i] != frames[i]) {
            test_fail("frame %u was %#lx, now %#lx", i, frames[i], again[i]);
            return false;
        }
    return true;
}

/* The table's last frame, mapped beside its first at GNT_VA. */
#define LAST_VA (GNT_VA + PAGE_SIZE)

static bool last_frame_clear(const char *when)
{
    const uint64_t *w = (const uint64_t *)LAST_VA;

    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        if (w[i]) {
            test_fail("%s: the last table frame's word %u is %#lx", when, i, w[i]);
            return false;
        }
    return true;
}

static bool switch_to(uint32_t version)
{
    uint32_t now = 0;
    uint64_t t0 = system_time_ns();
    long rc = gnt_set_version(version, &now);

    printk("set_version(%u) of %u frames: %lu ns\n", version, q_frames, system_time_ns() - t0);
    if (!expect_rc("set_version at the limit", rc, 0))
        return false;
    if (now != version) {
        test_fail("set_version(%u) wrote back %u", version, now);
        return false;
    }
    return true;
}

static void switch_at_limit(uint32_t max)
{
    uint32_t nr_status = (max * 256 + 2047) / 2048;
    int16_t st;

    if (gnt_map_table(1) || pt_map(LAST_VA, frames[max - 1], PTE_KERNEL_RW)) {
        test_error("cannot map the table's first and last frames");
        return;
    }
    gnt_grant_v1(1, 7, 0x4567, GTF_permit_access | GTF_readonly);
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        ((uint64_t *)LAST_VA)[i] = 0x5a5a5a5a5a5a5a5aUL;
    if (switch_to(2) && last_frame_clear("at version 2")) {
        if (gnt_v2()[1].hdr.flags != (GTF_permit_access | GTF_readonly) ||
            gnt_v2()[1].full_page.frame != 0x4567)
            test_fail("reserved entry 1 at version 2: flags %#x frame %#lx",
                      gnt_v2()[1].hdr.flags, gnt_v2()[1].full_page.frame);
        if (gnt_status_frames(DOMID_SELF, nr_status, again, &st) || st != GNTST_okay)
            test_fail("get_status_frames of %u: status %d", nr_status, st);
        ((uint64_t *)LAST_VA)[7] = 0x5a;
        if (switch_to(1) && last_frame_clear("back at version 1") &&
            (gnt_v1()[1].flags != (GTF_permit_access | GTF_readonly) ||
             gnt_v1()[1].frame != 0x4567))
            test_fail("reserved entry 1 back at version 1: flags %#x frame %#x",
                      gnt_v1()[1].flags, gnt_v1()[1].frame);
    }
    gnt_v1()[1] = (struct grant_entry_v1){ 0, 0, 0 };
    (void)pt_unmap(LAST_VA);
    gnt_unmap_table(1);
}

void test_continuation_grant_grow(void)
{
    struct gnttab_query_size q;
    uint32_t version = 0;

    if (gnt_query(DOMID_SELF, &q) || q.status != GNTST_okay) {
        test_error("query_size failed");
        return;
    }
    if (q.max_nr_frames > GROW_MAX || gnt_get_version(DOMID_SELF, &version) || version != 1) {
        test_error("a limit of %u frames, version %u", q.max_nr_frames, version);
        return;
    }
    printk("growing the grant table from %u to %u frames\n", q.nr_frames, q.max_nr_frames);
    q_frames = q.max_nr_frames;
    if (grow_to_limit(q.max_nr_frames))
        switch_at_limit(q.max_nr_frames);
}
