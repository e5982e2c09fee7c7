/* The fuzzing loop.  Each iteration is one generated hypercall (three in
 * four) or one privileged instruction, under a recovery point so that
 * any exception it causes comes back here, counted; then the guest's
 * set-up is put back (restore.c).  Verbose runs print every operation
 * before it runs, so the last line before a hypervisor crash names the
 * culprit.  At the end: the counts, the invariants (check.c) and
 *   fuzz: done: seed S, N iterations, invariants hold
 * or "fuzz: FAILED: ...". */
#include <arch.h>
#include <console.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <pvclock.h>
#include <setjmp.h>
#include <timers.h>
#include <traps.h>
#include "fuzz.h"

struct prng fuzz_rng;
bool fuzz_verbose;

#define NR_SLOTS   65           /* hypercalls 0-63, then every other number */
#define NR_ERRNOS  134
#define NR_VECTORS 33           /* 0-31, then the rest */

static struct {
    unsigned long calls[NR_SLOTS], ok[NR_SLOTS], errors[NR_SLOTS];
    unsigned long rc_errno[NR_ERRNOS], rc_zero, rc_positive, rc_other;
    unsigned long insns[32], exceptions[NR_VECTORS];   /* insns: >= fuzz_nr_insns */
    unsigned long nr_calls, nr_insns;
    unsigned long in_call, call_exceptions;   /* exceptions a hypercall returned to */
} stats = { .in_call = ~0UL };

static unsigned int slot_of(uint64_t nr)
{
    return nr < NR_SLOTS - 1 ? (unsigned int)nr : NR_SLOTS - 1;
}

static void count_rc(uint64_t nr, long rc)
{
    unsigned int slot = slot_of(nr);

    if (rc == 0) {
        stats.rc_zero++;
        stats.ok[slot]++;
    } else if (rc > 0) {
        stats.rc_positive++;
        stats.ok[slot]++;
    } else {
        stats.errors[slot]++;
        if (-rc < NR_ERRNOS)
            stats.rc_errno[-rc]++;
        else
            stats.rc_other++;
    }
}

/* A blocking call in a multicall has a one-shot timer armed by the entry
 * before it, but a preemption between the two (the timer firing, an
 * unmasked event) delivers that timer's event to the kernel first, and
 * the block would then wait for nothing, on Xen too.  A kernel timer a
 * little later is the backstop: the kernel's timer handler, run by that
 * very delivery, arms the one-shot timer again for it. */
static struct timer backstop;

static void backstop_fired(struct timer *t)
{
    (void)t;
}

static void one_iteration(unsigned long i)
{
    struct fuzz_call c;

    if (prng_below(&fuzz_rng, 4)) {
        long rc;

        fuzz_gen_call(&c, 0);
        if (fuzz_verbose)
            printk("fuzz: #%lu hypercall %lu (%#lx, %#lx, %#lx, %#lx, %#lx)\n", i, c.nr,
                   c.a[0], c.a[1], c.a[2], c.a[3], c.a[4]);
        stats.calls[slot_of(c.nr)]++;
        stats.nr_calls++;
        stats.in_call = c.nr;
        timer_add(&backstop, system_time_ns() + 5000000, backstop_fired);
        rc = fuzz_do_call(&c);
        timer_del(&backstop);
        stats.in_call = ~0UL;
        count_rc(c.nr, rc);
    } else {
        unsigned int which = (unsigned int)prng_below(&fuzz_rng, fuzz_nr_insns);

        if (fuzz_verbose)
            printk("fuzz: #%lu instruction %s\n", i, fuzz_insn_names[which]);
        stats.nr_insns++;
        stats.insns[which]++;           /* before: it may not come back */
        fuzz_insn(which);
    }
}

static void print_summary(unsigned long done)
{
    char buf[24];

    printk("fuzz: %lu iterations: %lu hypercalls, %lu instructions\n", done, stats.nr_calls,
           stats.nr_insns);
    /* number:calls/succeeded, eight to a line; 64 is every number past 63 */
    for (unsigned int s = 0, n = 0; s < NR_SLOTS; s++) {
        if (!stats.calls[s])
            continue;
        if (n % 8 == 0)
            printk("fuzz: hypercalls");
        printk(" %u:%lu/%lu", s, stats.calls[s], stats.ok[s]);
        if (++n % 8 == 0 || s == NR_SLOTS - 1)
            printk("\n");
    }
    printk("fuzz: return 0: %lu, positive: %lu; exception on return: %lu\n", stats.rc_zero,
           stats.rc_positive, stats.call_exceptions);
    printk("fuzz: errors");
    for (unsigned int e = 1; e < NR_ERRNOS; e++)
        if (stats.rc_errno[e])
            printk(" %s %lu", errno_name(-(long)e, buf, sizeof(buf)), stats.rc_errno[e]);
    printk(" other %lu\n", stats.rc_other);
    printk("fuzz: instructions");
    for (unsigned int k = 0; k < fuzz_nr_insns; k++)
        printk("%s %s %lu", k ? "," : "", fuzz_insn_names[k], stats.insns[k]);
    printk("\n");
    printk("fuzz: exceptions");
    for (unsigned int v = 0; v < NR_VECTORS; v++)
        if (stats.exceptions[v])
            printk(" %s %lu", v < 32 ? trap_name(v) : "other", stats.exceptions[v]);
    printk("\n");
}

bool fuzz_run(uint64_t seed, uint64_t iters, bool verbose)
{
    struct jmp_buf env, *outer;
    unsigned long i, bad;

    fuzz_rng.state = seed;
    fuzz_verbose = verbose;
    memset(&stats, 0, sizeof(stats));
    stats.in_call = ~0UL;
    printk("fuzz: seed %lu, %lu iterations\n", seed, iters);
    if (!fuzz_pool_init()) {
        printk("fuzz: FAILED: cannot set up the scratch frames and buffers\n");
        return false;
    }
    outer = traps_set_recovery(NULL);
    fuzz_restore_init();
    fuzz_check_init();
    for (i = 0; i < iters; i++) {
        fuzz_arena_reset();
        if (i % 32 == 0)
            fuzz_fill_frame((unsigned int)prng_below(&fuzz_rng, FUZZ_SCRATCH_FRAMES));
        if (setjmp(&env) == 0) {
            traps_set_recovery(&env);
            one_iteration(i);
            traps_set_recovery(NULL);
        } else {
            stats.exceptions[MIN(trap_unexpected.vector, NR_VECTORS - 1)]++;
            if (stats.in_call != ~0UL) {
                stats.call_exceptions++;
                stats.in_call = ~0UL;
            }
            fuzz_pool.dirty |= DIRTY_EVENTS;
        }
        fuzz_restore();
        if (iters >= 100000 && (i + 1) % (iters / 10) == 0)
            printk("fuzz: %lu/%lu\n", i + 1, iters);
    }
    traps_set_recovery(outer);
    print_summary(i);
    bad = fuzz_check();
    if (bad) {
        printk("fuzz: FAILED: seed %lu, %lu iterations, %lu invariant(s) broken\n", seed, i,
               bad);
        return false;
    }
    printk("fuzz: done: seed %lu, %lu iterations, invariants hold\n", seed, i);
    return true;
}
