/* System time from the TSC, per CPU: pure arithmetic, host-tested
 * (tests/unit/test_tsc_sync.c).
 *
 * Every CPU turns its own TSC into system time from a base of its own:
 * stime = (tsc - base) * ns_per_tick.  The boot CPU's base is its TSC when
 * time started; another CPU's is that plus the offset of its TSC from the
 * boot CPU's, measured when it comes up by a request/answer exchange: the
 * boot CPU reads its TSC (before), asks, the other CPU answers with its
 * TSC (remote), the boot CPU reads its TSC again (after).  The answer was
 * taken between before and after, so the offset lies in
 * [remote - after, remote - before]; every exchange narrows the interval.
 * The offset taken is the value of the interval nearest to 0: TSCs that
 * the exchanges cannot tell apart are treated as one clock, and a real
 * offset is corrected only as far as it was proven.  This keeps system
 * time monotonic across CPUs within the width of the interval. */
#ifndef ASM_TSC_SYNC_H
#define ASM_TSC_SYNC_H

#include <proxen/types.h>

/* One exchange, in TSC ticks. */
struct tsc_sample {
    uint64_t before;           /* boot CPU, before asking */
    uint64_t remote;           /* the other CPU, answering */
    uint64_t after;            /* boot CPU, after the answer arrived */
};

/* What the exchanges so far prove about remote TSC - boot TSC. */
struct tsc_bounds {
    int64_t lo, hi;            /* the offset is in [lo, hi] */
    uint64_t best_rtt;         /* the shortest exchange... */
    int64_t best_mid;          /* ...and the middle of its interval */
    bool consistent;           /* false once two intervals did not meet */
};

void tsc_bounds_init(struct tsc_bounds *b);
/* Narrow the bounds by one exchange; a sample whose after precedes its
 * before is ignored (false). */
bool tsc_bounds_add(struct tsc_bounds *b, const struct tsc_sample *s);
/* The offset to correct: the value in [lo, hi] nearest to 0; if the
 * intervals contradict each other (TSCs that run at different rates), the
 * middle of the shortest exchange. */
int64_t tsc_bounds_offset(const struct tsc_bounds *b);

/* A CPU's base from the boot CPU's and the measured offset. */
static inline uint64_t tsc_cpu_base(uint64_t boot_base, int64_t offset)
{
    return boot_base + (uint64_t)offset;
}

/* ns_per_tick is 32.32 fixed point.  Signed: a TSC read just before a
 * base that moved forward gives a small negative time, not a huge one. */
static inline s_time_t tsc_to_stime(uint64_t tsc, uint64_t base, uint64_t ns_per_tick)
{
    return (s_time_t)(((__int128)(int64_t)(tsc - base) * (__int128)ns_per_tick) >> 32);
}

/* The guest ABI's scale (vcpu_time_info): ns = ((delta << shift) * mul)
 * >> 32, with a negative shift meaning a right shift. */
struct pv_time_scale {
    uint32_t mul;
    int8_t shift;
};

struct pv_time_scale pv_time_scale_from(uint64_t ns_per_tick);
uint64_t pv_time_scale_apply(struct pv_time_scale s, uint64_t delta);

/* Stamps that extrapolate exactly.  A guest computes
 *   system_time + ((tsc - stamp) * ns_per_tick >> 32),
 * one truncation less than NOW()'s (tsc - base) * ns_per_tick >> 32, so
 * two records stamped at different TSCs can disagree by 1 ns about one
 * instant, and time read on two vCPUs goes back.  With the scale's low
 * bits zero (tsc_scale_round keeps 20 significant bits: 1 ppm, far
 * inside the calibration's error)
 * and every stamp a multiple of tsc_stamp_period ticks after the CPU's
 * base, (stamp - base) * ns_per_tick has no fraction: every record, on
 * every CPU, extrapolates to exactly NOW(). */
uint64_t tsc_scale_round(uint64_t ns_per_tick);
uint64_t tsc_stamp_period(uint64_t ns_per_tick);
/* The latest stamp at or before tsc. */
uint64_t tsc_stamp_at(uint64_t tsc, uint64_t base, uint64_t period);

#endif
