/* System time as a guest reads it (vcpu_info.time, pvclock.h): never
 * backwards on one vCPU while the hypervisor rewrites the record under
 * the reader, refreshed periodically with a stamp that continues the
 * extrapolation of the previous one, stamped afresh when a vCPU starts,
 * and never backwards across vCPUs (a reading taken after another, in
 * the order a lock gives them, is not earlier).
 *
 * The cross-vCPU tests need two vCPUs or more (SKIP with one); the system
 * cases guest-time-* run them on four CPUs, single- and multi-threaded. */
#include <stdatomic.h>
#include <arch.h>
#include <console.h>
#include <hypercall.h>
#include <kernel.h>
#include <pvclock.h>
#include <smp.h>
#include <test.h>
#include "tests.h"

/* The hypervisor rewrites the record at least this often (it promises
 * one second; TCG may stretch it). */
#define REFRESH_WAIT_NS   1500000000ULL
/* A new stamp may differ from the previous one's extrapolation by the
 * rounding of the scale: a few ns.  1 us allows for a scale that was
 * rounded differently, not for a stamp from another clock. */
#define MAX_STAMP_JUMP_NS 1000ULL

static uint64_t abs_diff(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

/* Spin on vCPU 0 across at least one refresh: every reading is at least
 * the one before, and each new record's system time at its own stamp is
 * what the previous record extrapolates to at that stamp. */
void test_time_monotonic_refresh(void)
{
    struct pvclock_snapshot prev, cur;
    uint64_t prev_ns, cur_ns, start, refreshes = 0, readings = 0;

    pvclock_read(0, &prev);
    prev_ns = start = pvclock_ns(&prev);
    do {
        pvclock_read(0, &cur);
        cur_ns = pvclock_ns(&cur);
        readings++;
        if (cur_ns < prev_ns) {
            test_fail("time went back by %lu ns on one vCPU (version %u -> %u)",
                      prev_ns - cur_ns, prev.version, cur.version);
            return;
        }
        if (cur.version != prev.version) {
            struct pvclock_snapshot at_stamp = prev;
            uint64_t extrapolated;

            at_stamp.tsc = cur.tsc_timestamp;
            extrapolated = pvclock_ns(&at_stamp);
            if (abs_diff(extrapolated, cur.system_time) > MAX_STAMP_JUMP_NS) {
                test_fail("the refreshed record jumps by %ld ns from the extrapolation "
                          "(stamp %lu, system time %lu, extrapolated %lu)",
                          (long)(cur.system_time - extrapolated), cur.tsc_timestamp,
                          cur.system_time, extrapolated);
                return;
            }
            refreshes++;
        }
        prev = cur;
        prev_ns = cur_ns;
    } while (cur_ns - start < REFRESH_WAIT_NS);
    if (!refreshes)
        test_fail("vcpu_info.time not refreshed in %lu ms (%lu readings, version %u)",
                  (cur_ns - start) / 1000000, readings, cur.version);
}

/* --- on other vCPUs --------------------------------------------------------- */

struct start_probe {
    unsigned int vcpu;
    struct pvclock_snapshot snap;
};

static void read_own_record(void *arg)
{
    struct start_probe *p = arg;

    pvclock_read(p->vcpu, &p->snap);
}

/* A vCPU brought up reads a record written for its CPU when it came up,
 * not one left from its last run (or from the domain's build): vCPU 1
 * stays down for DOWN_NS, then its record must be younger than MAX_AGE_NS.
 * A fresh record's stamp may be older than the moment it was written: Xen
 * stamps with its CPU's last calibration, up to a second before, Proxen
 * on a lattice about a millisecond wide. */
#define DOWN_NS    2500000000ULL
#define MAX_AGE_NS 1500000000ULL

void test_time_vcpu_start_stamp(void)
{
    static struct start_probe probe;
    unsigned int n = smp_nr_vcpus();
    uint64_t before;

    if (n < 2) {
        test_skip("one vCPU");
        return;
    }
    for (uint64_t down_since = system_time_ns(); system_time_ns() - down_since < DOWN_NS;)
        cpu_relax();
    before = system_time_ns();
    probe.vcpu = 1;
    if (!expect_rc("smp_run(1)", smp_run(1, read_own_record, &probe), 0))
        return;
    smp_wait(1);
    if (probe.snap.system_time + MAX_AGE_NS < before)
        test_fail("vCPU 1's record is %lu ms older than its start",
                  (before - probe.snap.system_time) / 1000000);
}

/* Every vCPU takes a lock, reads its own clock, checks it against the
 * last reading any vCPU took under the lock, and stores its own. */
static struct {
    _Atomic bool lock;
    uint64_t last;
    unsigned int last_vcpu;
    uint64_t until;
    uint64_t tolerance;          /* how far back a reading may be, in ns */
    bool failed;
    uint64_t back_ns;
    unsigned int back_from, back_to;
    _Atomic uint64_t readings;
} warp;

static void warp_lock(void)
{
    while (atomic_exchange_explicit(&warp.lock, true, memory_order_acquire))
        cpu_relax();
}

static void warp_unlock(void) { atomic_store_explicit(&warp.lock, false, memory_order_release); }

static void warp_run(void *arg)
{
    unsigned int self = (unsigned int)(uintptr_t)arg;
    bool done = false;

    while (!done) {
        uint64_t now;

        warp_lock();
        now = vcpu_system_time_ns(self);
        if (now + warp.tolerance < warp.last && !warp.failed) {
            warp.failed = true;
            warp.back_ns = warp.last - now;
            warp.back_from = warp.last_vcpu;
            warp.back_to = self;
        }
        warp.last = now;
        warp.last_vcpu = self;
        done = now >= warp.until;
        warp_unlock();
        atomic_fetch_add_explicit(&warp.readings, 1, memory_order_relaxed);
        cpu_relax();             /* let the others take the lock (TCG) */
    }
}

/* The hypervisor promises this only with XEN_PVCLOCK_TSC_STABLE_BIT (Xen
 * 4.17 sets it with clocksource=tsc; without it a guest keeps its own
 * clock monotonic, as Linux does); Proxen sets it unless the CPUs' TSCs
 * are offset.  Without it, each vCPU's record is still its own CPU's, so
 * readings across vCPUs agree to within what the TSC exchanges proved
 * (tens of milliseconds at worst under TCG; a record built from another
 * CPU's TSC base would be off by the whole offset). */
#define UNSTABLE_TOLERANCE_NS 100000000ULL

void test_time_smp_monotonic(void)
{
    unsigned int n = smp_nr_vcpus();
    struct pvclock_snapshot snap;

    if (n < 2) {
        test_skip("one vCPU");
        return;
    }
    pvclock_read(0, &snap);
    warp.tolerance = snap.flags & XEN_PVCLOCK_TSC_STABLE_BIT ? 0 : UNSTABLE_TOLERANCE_NS;
    warp.last = 0;
    warp.failed = false;
    warp.readings = 0;
    warp.until = system_time_ns() + REFRESH_WAIT_NS;
    for (unsigned int i = 1; i < n; i++)
        if (!expect_rc("smp_run", smp_run(i, warp_run, (void *)(uintptr_t)i), 0))
            n = i;
    warp_run((void *)0);
    for (unsigned int i = 1; i < n; i++)
        smp_wait(i);
    if (warp.failed)
        test_fail("time went back by %lu ns (%lu allowed) from vCPU %u to vCPU %u",
                  warp.back_ns, warp.tolerance, warp.back_from, warp.back_to);
    else
        printk("time_smp_monotonic: %u vCPUs, %lu readings in order (within %lu ns)\n", n,
               (unsigned long)warp.readings, warp.tolerance);
}
