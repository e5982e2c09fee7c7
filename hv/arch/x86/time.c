/* Time: the TSC is the clock, calibrated once at boot against a platform
 * timer of known frequency; system time is TSC nanoseconds since boot.
 * Each CPU's local APIC timer, in one-shot mode, raises the timer
 * interrupt at the earliest software-timer deadline.
 *
 * Each CPU counts from a TSC base of its own: the boot CPU's TSC when
 * time started plus the offset of this CPU's TSC, measured when the CPU
 * comes up (asm/tsc_sync.h), so that system time read on two CPUs at one
 * instant agrees.  The rate is assumed the same everywhere (an invariant
 * TSC, as under QEMU).
 *
 * tsc_skew_test=N (for the test=time self test only) makes CPU n read
 * its TSC n * N ticks ahead, as on a machine whose TSCs were never
 * synchronised, so that a QEMU run can show the per-CPU bases at work.
 * Guests read the TSC itself, so their records are stamped with it.
 *
 * Locking: tsc_base[cpu] is written once, by the boot CPU while that CPU
 * waits in the exchange, before it runs anything that reads the time. */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/config.h>
#include <asm/irq.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/time.h>
#include <asm/tsc_sync.h>
#include <arch/arch.h>
#include <asm/x86.h>
#include <proxen/console.h>
#include <proxen/options.h>
#include <proxen/timer.h>
#include <public/xen.h>
#include <stdatomic.h>

#define CALIBRATE_NS  MILLISECS(10)
#define PM_TIMER_HZ   3579545ULL
#define PIT_HZ        1193182ULL

uint64_t tsc_khz, apic_timer_khz;
static uint64_t tsc_base[NR_CPUS];      /* each CPU's TSC at system time 0 */
static uint64_t tsc_skew[NR_CPUS];      /* tsc_skew_test: 0 but in that test */
static uint64_t ns_per_tsc_frac;        /* ns per TSC tick, 32.32 fixed point */
static uint64_t stamp_period;           /* guest records' stamps: asm/tsc_sync.h */
/* Every CPU's offset came from a full, consistent set of exchanges: the
 * records then tell guests (XEN_PVCLOCK_TSC_STABLE_BIT) that system time
 * read on any vCPU agrees with every other's.  Cleared for good by a CPU
 * that did not answer, whose TSC does not keep the boot CPU's rate, or
 * whose TSC is offset from it. */
static bool tsc_stable = true;
static const char *source = "none";

/* A platform reference: read() returns a counter, hz its frequency,
 * mask its width (the PM timer wraps at 24 or 32 bits). */
struct ref_clock {
    const char *name;
    uint64_t (*read)(void);
    uint64_t hz;
    uint64_t mask;
};

static volatile uint64_t *hpet;
static uint64_t hpet_read(void) { return hpet[0xf0 / 8]; }
static uint64_t pmtmr_read(void) { return inl(acpi.pm_timer_port); }

/* PIT channel 2 counts down from 0xffff with the speaker gate; read as an
 * up-counter so the calibration loop is the same for every source. */
static uint64_t pit_read(void)
{
    uint8_t lo, hi;

    outb(0x43, 0x80);              /* latch channel 2 */
    lo = inb(0x42);
    hi = inb(0x42);
    return 0xffff - (((uint64_t)hi << 8) | lo);
}

static bool pick_reference(struct ref_clock *r)
{
    if (acpi.hpet_base && (hpet = ioremap(acpi.hpet_base, 1024)) != NULL) {
        uint64_t period_fs = hpet[0] >> 32;

        if (period_fs && period_fs <= 100000000ULL) {
            hpet[0x10 / 8] |= 1;   /* ENABLE_CNF: start the main counter */
            *r = (struct ref_clock){ "HPET", hpet_read, 1000000000000000ULL / period_fs, ~0ULL };
            return true;
        }
    }
    if (acpi.pm_timer_port) {
        *r = (struct ref_clock){ "ACPI PM timer", pmtmr_read, PM_TIMER_HZ,
                                 acpi.pm_timer_32bit ? 0xffffffffULL : 0xffffffULL };
        return true;
    }
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);   /* gate on, speaker off */
    outb(0x43, 0xb0);                          /* ch 2, lo/hi, mode 0 */
    outb(0x42, 0xff);
    outb(0x42, 0xff);
    *r = (struct ref_clock){ "PIT", pit_read, PIT_HZ, 0xffffULL };
    return true;
}

void time_init(void)
{
    struct ref_clock ref;
    uint64_t want, start, now, elapsed = 0, t0, t1;
    uint32_t c0, c1;

    pick_reference(&ref);
    source = ref.name;
    apic_write(APIC_TIMER_DIV, 0xb);            /* divide by 1 */
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VECTOR_TIMER);
    apic_write(APIC_TIMER_ICR, 0xffffffffu);
    want = ref.hz * CALIBRATE_NS / SECONDS(1);
    start = ref.read();
    t0 = rdtsc();
    c0 = apic_read(APIC_TIMER_CCR);
    while (elapsed < want) {
        now = ref.read();
        elapsed = (now - start) & ref.mask;
    }
    t1 = rdtsc();
    c1 = apic_read(APIC_TIMER_CCR);
    apic_write(APIC_TIMER_ICR, 0);

    tsc_khz = (t1 - t0) * ref.hz / elapsed / 1000;
    apic_timer_khz = (uint64_t)(c0 - c1) * ref.hz / elapsed / 1000;
    if (!tsc_khz || !apic_timer_khz)
        panic("time calibration failed (%s)", source);
    ns_per_tsc_frac = tsc_scale_round((1000000ULL << 32) / tsc_khz);
    stamp_period = tsc_stamp_period(ns_per_tsc_frac);
    tsc_base[0] = t0;
    for (unsigned int cpu = 1; cpu < NR_CPUS; cpu++)
        tsc_skew[cpu] = cpu * opt_tsc_skew_test;
    pr_info("Time: TSC %llu.%03llu MHz, APIC timer %llu.%03llu MHz (calibrated against %s)\n",
            (unsigned long long)(tsc_khz / 1000), (unsigned long long)(tsc_khz % 1000),
            (unsigned long long)(apic_timer_khz / 1000),
            (unsigned long long)(apic_timer_khz % 1000), source);
}

const char *time_source_name(void) { return source; }

uint64_t arch_tsc_ticks_to_ns(uint64_t ticks)
{
    return (uint64_t)(((unsigned __int128)ticks * ns_per_tsc_frac) >> 32);
}

/* This CPU's TSC as the hypervisor reads it. */
static inline uint64_t cpu_tsc(unsigned int cpu)
{
    return rdtsc() + tsc_skew[cpu];
}

s_time_t NOW(void)
{
    unsigned int cpu = get_cpu_info()->cpu_id;

    return tsc_to_stime(cpu_tsc(cpu), tsc_base[cpu], ns_per_tsc_frac);
}

void udelay(unsigned long us)
{
    s_time_t end = NOW() + MICROSECS(us);

    while (NOW() < end)
        cpu_pause();
}

static void timer_interrupt(struct cpu_user_regs *regs)
{
    apic_eoi();
    timers_run();
}

void arch_timer_program(s_time_t deadline)
{
    s_time_t delta;
    uint64_t ticks;

    if (!deadline) {
        apic_write(APIC_TIMER_ICR, 0);
        return;
    }
    delta = MIN(deadline - NOW(), SECONDS(1));   /* re-armed on expiry if later */
    ticks = delta <= 0 ? 1 : (uint64_t)delta * apic_timer_khz / 1000000 + 1;
    apic_write(APIC_TIMER_ICR, ticks > 0xffffffffu ? 0xffffffffu : (uint32_t)ticks);
}

void time_init_cpu(void)
{
    static bool handler_set;

    if (!handler_set) {
        set_irq_handler(VECTOR_TIMER, timer_interrupt);
        handler_set = true;
    }
    apic_write(APIC_TIMER_DIV, 0xb);
    apic_write(APIC_LVT_TIMER, VECTOR_TIMER);   /* one-shot, unmasked */
    apic_write(APIC_TIMER_ICR, 0);
}

/* The guest's view of system time, for a vCPU running on this CPU: a
 * stamp of this CPU's TSC (the latest on the lattice that makes it
 * extrapolate exactly, at most stamp_period ticks ago) and the system
 * time it stands for, and the scale to extrapolate with.  version is odd
 * while the record changes (Xen's version_update_begin/end), so a reader
 * retries. */
void time_fill_vcpu_time(struct vcpu_time_info *t)
{
    struct pv_time_scale scale = pv_time_scale_from(ns_per_tsc_frac);
    unsigned int cpu = get_cpu_info()->cpu_id;
    uint64_t base = tsc_base[cpu];
    uint64_t stamp = tsc_stamp_at(cpu_tsc(cpu), base, stamp_period);

    t->version = (t->version + 1) | 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = stamp - tsc_skew[cpu];    /* the TSC as the guest reads it */
    t->system_time = (uint64_t)tsc_to_stime(stamp, base, ns_per_tsc_frac);
    t->tsc_to_system_mul = scale.mul;
    t->tsc_shift = scale.shift;
    t->flags = tsc_stable ? XEN_PVCLOCK_TSC_STABLE_BIT : 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->version = (t->version + 1) & ~1u;
}

/* --- TSC offsets of the other CPUs --------------------------------------- */

#define TSC_EXCHANGES 16

/* One exchange at a time: the boot CPU asks (an odd number), the CPU
 * coming up answers with its TSC and echoes the number. */
static struct {
    _Atomic unsigned int cpu;            /* who answers, NR_CPUS if nobody */
    _Atomic uint64_t request, answer;
    _Atomic uint64_t remote_tsc;
} exchange = { .cpu = NR_CPUS };
static _Atomic bool synced[NR_CPUS], left[NR_CPUS];

static uint64_t cpu_tsc_ordered(unsigned int cpu)
{
    __asm__ volatile("lfence" ::: "memory");
    return cpu_tsc(cpu);
}

/* On the CPU coming up, interrupts off: answer until the boot CPU has
 * set this CPU's base. */
void time_sync_answer(unsigned int cpu)
{
    uint64_t seen = 0;

    while (!atomic_load_explicit(&synced[cpu], memory_order_acquire)) {
        uint64_t req = atomic_load_explicit(&exchange.request, memory_order_acquire);
        bool asked = atomic_load_explicit(&exchange.cpu, memory_order_acquire) == cpu;

        if (asked && req != seen) {
            uint64_t tsc = cpu_tsc_ordered(cpu);

            atomic_store_explicit(&exchange.remote_tsc, tsc, memory_order_relaxed);
            atomic_store_explicit(&exchange.answer, req, memory_order_release);
            seen = req;
        }
        cpu_pause();
    }
    atomic_store_explicit(&left[cpu], true, memory_order_release);
}

static bool wait_for(_Atomic uint64_t *word, uint64_t value)
{
    s_time_t end = NOW() + SECONDS(1);

    while (atomic_load_explicit(word, memory_order_acquire) != value) {
        if (NOW() > end)
            return false;
        cpu_pause();
    }
    return true;
}

/* On the boot CPU, once cpu is online and waiting in time_sync_answer. */
void time_sync_cpu(unsigned int cpu)
{
    struct tsc_bounds b;
    struct tsc_sample s;
    int64_t offset;

    tsc_bounds_init(&b);
    atomic_store_explicit(&exchange.answer, 0, memory_order_relaxed);
    atomic_store_explicit(&exchange.request, 0, memory_order_relaxed);
    atomic_store_explicit(&exchange.cpu, cpu, memory_order_release);
    for (uint64_t i = 0; i < TSC_EXCHANGES; i++) {
        uint64_t req = 2 * i + 1;

        s.before = cpu_tsc_ordered(0);
        atomic_store_explicit(&exchange.request, req, memory_order_release);
        if (!wait_for(&exchange.answer, req)) {
            pr_warn("CPU%u: no answer to TSC exchange %llu\n", cpu, (unsigned long long)i);
            tsc_stable = false;
            break;
        }
        s.after = cpu_tsc_ordered(0);
        s.remote = atomic_load_explicit(&exchange.remote_tsc, memory_order_relaxed);
        tsc_bounds_add(&b, &s);
    }
    offset = tsc_bounds_offset(&b);
    if (!b.consistent) {
        pr_warn("CPU%u: its TSC does not keep the boot CPU's rate\n", cpu);
        tsc_stable = false;
    }
    /* A corrected offset is right only within what the exchanges proved
     * (up to tens of ns under TCG), so two vCPUs could see time go back
     * by that much: no promise then; guests keep their own time
     * monotonic, as Linux does without the bit. */
    if (offset)
        tsc_stable = false;
    tsc_base[cpu] = tsc_cpu_base(tsc_base[0], offset);
    pr_debug("CPU%u: TSC offset %lld ticks (proven within [%lld, %lld])\n", cpu,
             (long long)offset, (long long)b.lo, (long long)b.hi);
    atomic_store_explicit(&exchange.cpu, NR_CPUS, memory_order_release);
    atomic_store_explicit(&synced[cpu], true, memory_order_release);      /* the answerer leaves */
    /* ...and goes on, to its idle loop, before this CPU does (under
     * single-threaded TCG a CPU that never pauses keeps the others from
     * running at all). */
    for (s_time_t end = NOW() + SECONDS(1);
         !atomic_load_explicit(&left[cpu], memory_order_acquire) && NOW() < end;)
        cpu_pause();
}
