/* The grant table grown to its limit in one call: GNTTABOP_setup_table
 * of every frame the limit allows.  Xen's answers are checked (the frames
 * listed, query_size's count, the same frames when asked again); under
 * `-icount` (the system case guest-preempt-icount, where a nanosecond is
 * an instruction) the hypervisor's stretches between preemption points
 * during the growth are bounded too: it grows in steps with a
 * continuation (docs/grant-tables.md).  The table stays at its limit, so
 * this runs after every grant-table test. */
#include <lib/errno.h>
#include <hypercall.h>
#include <console.h>
#include <pvclock.h>
#include <test.h>
#include "gnttab.h"
#include "tests.h"

#define GROW_MAX 1024                   /* the largest limit a domain may have */

static uint64_t frames[GROW_MAX], again[GROW_MAX];

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
    (void)grow_to_limit(q.max_nr_frames);
}
