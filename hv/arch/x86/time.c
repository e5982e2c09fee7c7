/* Time: the TSC is the clock, calibrated once at boot against a platform
 * timer of known frequency; system time is TSC nanoseconds since boot.
 * Each CPU's local APIC timer, in one-shot mode, raises the timer
 * interrupt at the earliest software-timer deadline.
 *
 * The TSC is assumed synchronised across CPUs (true under QEMU and on
 * hardware with an invariant TSC); per-CPU offsets come with hardware
 * that needs them. */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/config.h>
#include <asm/irq.h>
#include <asm/page.h>
#include <asm/time.h>
#include <arch/arch.h>
#include <asm/x86.h>
#include <proxen/console.h>
#include <proxen/timer.h>
#include <public/xen.h>

#define CALIBRATE_NS  MILLISECS(10)
#define PM_TIMER_HZ   3579545ULL
#define PIT_HZ        1193182ULL

uint64_t tsc_khz, apic_timer_khz;
static uint64_t tsc_at_boot;
static uint64_t ns_per_tsc_frac;        /* ns per TSC tick, 32.32 fixed point */
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
    ns_per_tsc_frac = (1000000ULL << 32) / tsc_khz;
    tsc_at_boot = t0;
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

s_time_t NOW(void)
{
    uint64_t delta = rdtsc() - tsc_at_boot;

    return (s_time_t)(((unsigned __int128)delta * ns_per_tsc_frac) >> 32);
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

/* The guest's view of system time: ns = ((tsc - tsc_timestamp) << shift)
 * * mul >> 32 + system_time.  Our scale is already 32.32 ns per tick; it
 * is shifted down until it fits the 32-bit multiplier (slow TSCs). */
void time_fill_vcpu_time(struct vcpu_time_info *t)
{
    uint64_t frac = ns_per_tsc_frac;
    int shift = 0;

    while (frac >> 32) {
        frac >>= 1;
        shift++;
    }
    t->version++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = rdtsc();
    t->system_time = (uint64_t)(((unsigned __int128)(t->tsc_timestamp - tsc_at_boot) *
                                 ns_per_tsc_frac) >> 32);
    t->tsc_to_system_mul = (uint32_t)frac;
    t->tsc_shift = (int8_t)shift;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->version++;
}
