/* The benchmarks: the operations of the PV interface that bench/README.md
 * lists, each timed in batches.  Every operation's result is checked
 * (after the timed loop where that is possible): a benchmark whose
 * operation fails reports why instead of a number. */
#include <arch.h>
#include <cpu_loop.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <traps.h>
#include "bench.h"

/* --- null hypercall: xen_version(XENVER_version) ------------------------- */

#define NULL_CALLS 1000

static uint64_t null_hypercall_batch(void)
{
    uint64_t start = rdtsc(), ticks;
    long rc = 0;

    /* The version is positive: an error would leave rc negative. */
    for (unsigned int i = 0; i < NULL_CALLS; i++)
        rc |= hypercall_xen_version(XENVER_version, NULL);
    ticks = rdtsc() - start;
    if (rc < 0) {
        bench_fail("xen_version(XENVER_version) failed (%ld)", rc);
        return 0;
    }
    return ticks;
}

/* --- mmu_update: 64 L1 entries per call ----------------------------------- */

/* The 64 entries of a scratch L1 table (the first 64 pages at SCRATCH_VA)
 * point at one of two frames of the guest's; each call moves all of them
 * to the other frame, so that every entry really changes: the hypervisor
 * takes a reference on the new frame and drops the one on the old.  The
 * pages are never touched through these mappings. */
#define MMU_BATCH 64
#define MMU_CALLS 16            /* even: a batch ends where it started */

static struct mmu_update mmu_reqs[2][MMU_BATCH];
static void *mmu_frames[2];

static long mmu_point_all_at(const struct mmu_update *reqs)
{
    unsigned int done = 0;
    long rc = hypercall_mmu_update(reqs, MMU_BATCH, &done, DOMID_SELF);

    if (!rc && done != MMU_BATCH)
        rc = -EIO;
    return rc;
}

static bool mmu_update_setup(void)
{
    char e[24];
    uint64_t l1;
    long rc;

    mmu_frames[0] = page_alloc();
    mmu_frames[1] = page_alloc();
    if (!mmu_frames[0] || !mmu_frames[1]) {
        bench_fail("out of memory");
        return false;
    }
    rc = pt_ensure_l1(SCRATCH_VA);
    if (rc) {
        bench_fail("no page table for the scratch area (%s)", errno_name(rc, e, sizeof(e)));
        return false;
    }
    l1 = pt_entry_maddr(SCRATCH_VA, 1);
    for (unsigned int f = 0; f < 2; f++)
        for (unsigned int i = 0; i < MMU_BATCH; i++)
            mmu_reqs[f][i] = (struct mmu_update){
                .ptr = (l1 + i * sizeof(uint64_t)) | MMU_NORMAL_PT_UPDATE,
                .val = (virt_to_mfn(mmu_frames[f]) << PAGE_SHIFT) | PTE_KERNEL_RW,
            };
    rc = mmu_point_all_at(mmu_reqs[0]);
    if (rc) {
        bench_fail("mmu_update failed (%s)", errno_name(rc, e, sizeof(e)));
        return false;
    }
    return true;
}

static uint64_t mmu_update_batch(void)
{
    uint64_t start = rdtsc(), ticks;
    long rc = 0;
    char e[24];

    for (unsigned int i = 0; i < MMU_CALLS && !rc; i++)
        rc = mmu_point_all_at(mmu_reqs[(i + 1) & 1]);
    ticks = rdtsc() - start;
    if (rc) {
        bench_fail("mmu_update failed (%s)", errno_name(rc, e, sizeof(e)));
        return 0;
    }
    return ticks;
}

static void mmu_update_teardown(void)
{
    for (unsigned int i = 0; i < MMU_BATCH; i++)
        mmu_reqs[1][i].val = 0;
    if (mmu_point_all_at(mmu_reqs[1]))
        panic("cannot unmap the mmu_update benchmark's entries");
    page_free(mmu_frames[0]);
    page_free(mmu_frames[1]);
}

/* --- multicall of 64 xen_version(XENVER_version) -------------------------- */

#define MULTI_BATCH 64
#define MULTI_CALLS 16

static struct multicall_entry multi[MULTI_BATCH];

static bool multicall_setup(void)
{
    for (unsigned int i = 0; i < MULTI_BATCH; i++)
        multi[i] = (struct multicall_entry){
            .op = __HYPERVISOR_xen_version, .args = { XENVER_version, 0 },
        };
    return true;
}

static uint64_t multicall_batch(void)
{
    uint64_t start = rdtsc(), ticks;
    long rc = 0;
    char e[24];

    for (unsigned int i = 0; i < MULTI_CALLS && !rc; i++)
        rc = hypercall_multicall(multi, MULTI_BATCH);
    ticks = rdtsc() - start;
    if (rc) {
        bench_fail("multicall failed (%s)", errno_name(rc, e, sizeof(e)));
        return 0;
    }
    /* The entries of the last call, at least, must have run. */
    for (unsigned int i = 0; i < MULTI_BATCH; i++)
        if ((long)multi[i].result <= 0) {
            bench_fail("multicall entry %u returned %s", i,
                       errno_name((long)multi[i].result, e, sizeof(e)));
            return 0;
        }
    return ticks;
}

/* --- event channel: send to itself until the upcall has run -------------- */

/* An unbound port of the guest's own, bound to a second port of its own:
 * sending on the second raises the first.  The first is unmasked and
 * events are unmasked during the batch, so each send returns through the
 * event upcall (the kernel's handler, which clears the pending bit); a
 * bit still pending after the send means no upcall ran. */
#define EVTCHN_SENDS 1000

static evtchn_port_t evt_recv, evt_send;

static bool port_pending(evtchn_port_t port)
{
    return (__atomic_load_n(&shared_info->evtchn_pending[port / 64], __ATOMIC_RELAXED) >>
            (port % 64)) & 1;
}

static void port_clear(uint64_t *bitmap, evtchn_port_t port)
{
    __atomic_fetch_and(&bitmap[port / 64], ~(1ULL << (port % 64)), __ATOMIC_SEQ_CST);
}

static void port_close(evtchn_port_t port)
{
    struct evtchn_close close = { .port = port };

    hypercall_event_channel_op(EVTCHNOP_close, &close);
}

static bool evtchn_setup(void)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bind = { .remote_dom = DOMID_SELF };
    struct evtchn_unmask unmask;
    char e[24];
    long rc;

    rc = hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
    if (rc == -ENOSYS) {
        bench_fail("event channels not implemented");
        return false;
    }
    if (rc) {
        bench_fail("EVTCHNOP_alloc_unbound failed (%s)", errno_name(rc, e, sizeof(e)));
        return false;
    }
    bind.remote_port = alloc.port;
    rc = hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
    if (rc) {
        port_close(alloc.port);
        bench_fail("EVTCHNOP_bind_interdomain failed (%s)", errno_name(rc, e, sizeof(e)));
        return false;
    }
    evt_recv = alloc.port;
    evt_send = bind.local_port;
    /* The sending end starts pending (a new interdomain port does): keep
     * it masked and quiet.  The receiving end is unmasked. */
    __atomic_fetch_or(&shared_info->evtchn_mask[evt_send / 64], 1ULL << (evt_send % 64),
                      __ATOMIC_SEQ_CST);
    port_clear(shared_info->evtchn_pending, evt_send);
    port_clear(shared_info->evtchn_pending, evt_recv);
    unmask.port = evt_recv;
    rc = hypercall_event_channel_op(EVTCHNOP_unmask, &unmask);
    if (rc) {
        port_close(evt_send);
        port_close(evt_recv);
        bench_fail("EVTCHNOP_unmask failed (%s)", errno_name(rc, e, sizeof(e)));
        return false;
    }
    return true;
}

static uint64_t evtchn_batch(void)
{
    struct vcpu_info *vi = &shared_info->vcpu_info[0];
    struct evtchn_send send = { .port = evt_send };
    unsigned int missed = 0, i;
    uint64_t start, ticks;
    long rc = 0;
    char e[24];

    vi->evtchn_upcall_mask = 0;
    barrier();
    start = rdtsc();
    for (i = 0; i < EVTCHN_SENDS && !rc; i++) {
        rc = hypercall_event_channel_op(EVTCHNOP_send, &send);
        missed += port_pending(evt_recv);
    }
    ticks = rdtsc() - start;
    barrier();
    vi->evtchn_upcall_mask = 1;
    if (rc) {
        bench_fail("EVTCHNOP_send failed (%s)", errno_name(rc, e, sizeof(e)));
        return 0;
    }
    if (missed) {
        port_clear(shared_info->evtchn_pending, evt_recv);
        bench_fail("%u of %u sends raised no upcall", missed, EVTCHN_SENDS);
        return 0;
    }
    return ticks;
}

static void evtchn_teardown(void)
{
    port_close(evt_send);
    port_close(evt_recv);
}

/* --- trap bounces: int3 and a #PF on a not-present page ------------------ */

/* The handlers of bounce.S replace the kernel's for #BP and #PF while the
 * benchmarks run (set_trap_table only adds or replaces entries); the
 * kernel's table is put back afterwards. */
#define BOUNCES 1000
#define PF_VA   (SCRATCH_VA + 0x100000)     /* in the scratch L1, never mapped */

static bool install_bounce_handlers(void)
{
    const struct trap_info table[] = {
        { .vector = X86_EXC_BP, .flags = 3, .cs = FLAT_KERNEL_CS,
          .address = (uint64_t)bench_bp_entry },
        { .vector = X86_EXC_PF, .flags = 0, .cs = FLAT_KERNEL_CS,
          .address = (uint64_t)bench_pf_entry },
        { 0 },
    };
    char e[24];
    long rc = hypercall_set_trap_table(table);

    if (rc)
        bench_fail("set_trap_table failed (%s)", errno_name(rc, e, sizeof(e)));
    return !rc;
}

static void restore_kernel_traps(void)
{
    if (traps_install(0, 0))
        panic("cannot restore the trap table after the benchmarks");
}

static uint64_t int3_batch(void)
{
    uint64_t start = rdtsc();

    bench_int3_loop(BOUNCES);
    return rdtsc() - start;
}

static bool pf_setup(void)
{
    char e[24];
    long rc = pt_ensure_l1(PF_VA);

    if (rc) {
        bench_fail("no page table for the scratch area (%s)", errno_name(rc, e, sizeof(e)));
        return false;
    }
    if (pt_get(PF_VA, 1) & _PAGE_PRESENT) {
        bench_fail("the page at %#lx is mapped", (uint64_t)PF_VA);
        return false;
    }
    return install_bounce_handlers();
}

static uint64_t pf_batch(void)
{
    uint64_t start = rdtsc();

    bench_pf_loop(BOUNCES, PF_VA);
    return rdtsc() - start;
}

/* --- the CPU-bound loop, as the bare run does it -------------------------- */

static uint64_t cpu_loop_batch(void)
{
    return cpu_loop(CPU_LOOP_ITERATIONS);
}

/* Table order is print order.  The CPU loop runs 3 batches over the whole
 * run: the best of 3, as the bare run does it. */
const struct bench benches[] = {
    { .metric = "null_hypercall_ns", .op = "calls", .ops = NULL_CALLS, .decimals = 1,
      .batch = null_hypercall_batch },
    { .metric = "mmu_update_ns_per_entry_64", .op = "entries in calls of 64",
      .ops = MMU_CALLS * MMU_BATCH, .decimals = 1,
      .setup = mmu_update_setup, .batch = mmu_update_batch, .teardown = mmu_update_teardown },
    { .metric = "multicall_ns_per_noop_64", .op = "entries in calls of 64",
      .ops = MULTI_CALLS * MULTI_BATCH, .decimals = 1,
      .setup = multicall_setup, .batch = multicall_batch },
    { .metric = "evtchn_send_self_ns", .op = "sends", .ops = EVTCHN_SENDS, .decimals = 1,
      .setup = evtchn_setup, .batch = evtchn_batch, .teardown = evtchn_teardown },
    { .metric = "int3_bounce_ns", .op = "bounces", .ops = BOUNCES, .decimals = 1,
      .setup = install_bounce_handlers, .batch = int3_batch, .teardown = restore_kernel_traps },
    { .metric = "pf_bounce_ns", .op = "bounces", .ops = BOUNCES, .decimals = 1,
      .setup = pf_setup, .batch = pf_batch, .teardown = restore_kernel_traps },
    { .metric = "grant_copy_mbps", .op = "4-KiB copies", .ops = 64, .decimals = 1,
      .setup = grant_copy_setup, .batch = grant_copy_batch, .teardown = grant_copy_teardown,
      .report = grant_copy_report },
    { .metric = "grant_copy_from_domu_mbps", .op = "4-KiB copies from a domU's grant",
      .ops = 64, .decimals = 1, .setup = grant_copy_domu_setup,
      .batch = grant_copy_from_domu_batch, .teardown = grant_copy_domu_teardown,
      .report = grant_copy_from_domu_report },
    { .metric = "grant_copy_to_domu_mbps", .op = "4-KiB copies to a domU's grant",
      .ops = 64, .decimals = 1, .setup = grant_copy_to_domu_setup,
      .batch = grant_copy_to_domu_batch, .report = grant_copy_to_domu_report },
    { .metric = "grant_map_unmap_ns", .op = "map+unmap round trips", .ops = 32, .decimals = 1,
      .setup = grant_map_setup, .batch = grant_map_batch, .teardown = grant_map_teardown },
    { .metric = "grant_map_unmap_domu_ns", .op = "map+unmap round trips of a domU's grant",
      .ops = 32, .decimals = 1, .setup = grant_map_domu_setup, .batch = grant_map_domu_batch,
      .teardown = grant_map_domu_teardown },
    { .metric = "time_read_ns", .op = "readings", .ops = BENCH_TIME_READS, .decimals = 1,
      .batch = bench_time_read_batch },
    { .metric = "gettimeofday_ns", .op = "calls", .ops = BENCH_TIME_READS, .decimals = 1,
      .batch = bench_gettimeofday_batch },
    { .metric = "ipi_round_trip_ns", .op = "round trips between vCPU 0 and 1",
      .ops = IPI_ROUND_TRIPS, .decimals = 1,
      .setup = ipi_setup, .batch = ipi_batch, .teardown = ipi_teardown },
    { .metric = "timer_lateness_median_ns", .op = "timers", .ops = 1,
      .setup = timer_lateness_setup, .batch = timer_lateness_batch,
      .report = timer_lateness_report },
    { .metric = "cpu_loop_ns_per_iter", .op = "iterations", .ops = CPU_LOOP_ITERATIONS,
      .batches = 3, .decimals = 3, .batch = cpu_loop_batch },
};
const unsigned int nr_benches = ARRAY_SIZE(benches);
