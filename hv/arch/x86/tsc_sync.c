/* The TSC offset of a CPU from the boot CPU's, from request/answer
 * exchanges, and the guest's time scale (asm/tsc_sync.h).  Pure
 * arithmetic: time.c does the exchanges and keeps the bases. */
#include <asm/tsc_sync.h>

void tsc_bounds_init(struct tsc_bounds *b)
{
    *b = (struct tsc_bounds){ .lo = INT64_MIN, .hi = INT64_MAX, .best_rtt = UINT64_MAX,
                              .consistent = true };
}

bool tsc_bounds_add(struct tsc_bounds *b, const struct tsc_sample *s)
{
    int64_t lo, hi;
    uint64_t rtt;

    if (s->after < s->before)
        return false;
    lo = (int64_t)(s->remote - s->after);
    hi = (int64_t)(s->remote - s->before);
    rtt = s->after - s->before;
    if (rtt < b->best_rtt) {
        b->best_rtt = rtt;
        b->best_mid = lo + (int64_t)(rtt / 2);
    }
    if (lo > b->lo)
        b->lo = lo;
    if (hi < b->hi)
        b->hi = hi;
    if (b->lo > b->hi)
        b->consistent = false;
    return true;
}

int64_t tsc_bounds_offset(const struct tsc_bounds *b)
{
    if (b->best_rtt == UINT64_MAX)
        return 0;                        /* no exchange: nothing proven */
    if (!b->consistent)
        return b->best_mid;
    if (b->lo > 0)
        return b->lo;
    if (b->hi < 0)
        return b->hi;
    return 0;
}

/* The multiplier must fit 32 bits: a TSC slower than 1 GHz has more than
 * one ns per tick, so the delta is shifted left instead.  Rounded to the
 * nearest, so the guest's extrapolation and NOW() drift apart by at most
 * half a unit of the last place. */
struct pv_time_scale pv_time_scale_from(uint64_t ns_per_tick)
{
    int8_t shift = 0;

    while (ns_per_tick >> 32) {
        ns_per_tick = (ns_per_tick + 1) >> 1;
        shift++;
    }
    return (struct pv_time_scale){ .mul = (uint32_t)ns_per_tick, .shift = shift };
}

uint64_t pv_time_scale_apply(struct pv_time_scale s, uint64_t delta)
{
    delta = s.shift >= 0 ? delta << s.shift : delta >> -s.shift;
    return (uint64_t)(((unsigned __int128)delta * s.mul) >> 32);
}

/* The multiplier keeps its top 20 significant bits (1 ppm). */
#define SCALE_KEPT_BITS 20

uint64_t tsc_scale_round(uint64_t ns_per_tick)
{
    struct pv_time_scale s = pv_time_scale_from(ns_per_tick);
    unsigned int bits = s.mul ? 32 - (unsigned int)__builtin_clz(s.mul) : 0;

    if (bits > SCALE_KEPT_BITS)
        s.mul &= ~((1u << (bits - SCALE_KEPT_BITS)) - 1);
    return (uint64_t)s.mul << s.shift;
}

uint64_t tsc_stamp_period(uint64_t ns_per_tick)
{
    unsigned int zeros = ns_per_tick ? (unsigned int)__builtin_ctzll(ns_per_tick) : 32;

    return zeros >= 32 ? 1 : 1ULL << (32 - zeros);
}

uint64_t tsc_stamp_at(uint64_t tsc, uint64_t base, uint64_t period)
{
    return base + (uint64_t)((int64_t)(tsc - base) & -(int64_t)period);
}
