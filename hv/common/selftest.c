/* Boot-time self tests (`test=NAME`), the hooks system tests use.  Each
 * ends the run: "Test result: SUCCESS|FAILURE" on the console and
 * machine_poweroff(0 or 1), or a deliberate fatal error. */
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/keyhandler.h>
#include <proxen/params.h>
#include <proxen/selftest.h>
#include <proxen/spinlock.h>
#include <proxen/timer.h>
#include <cpu_loop.h>

#define NR_TEST_TIMERS   24
#define MAX_LATENESS     MILLISECS(50)   /* generous: TCG on a loaded host */

static void __attribute__((noreturn)) verdict(bool ok)
{
    printk("Test result: %s\n", ok ? "SUCCESS" : "FAILURE");
    machine_poweroff(ok ? 0 : 1);
}

static void test_pagefault(void)
{
    uintptr_t addr = 0x10;

    printk("selftest: reading unmapped address %#lx\n", (unsigned long)addr);
    __asm__ volatile("" : "+r"(addr));     /* hide the constant from the compiler */
    printk("selftest: read %#x, expected a fault\n", *(volatile uint32_t *)addr);
    verdict(false);
}

static void test_assert(void)
{
    volatile int one = 1;

    ASSERT(one == 2);
    verdict(false);
}

struct timer_probe {
    struct timer t;
    s_time_t fired_at;
    unsigned int fired;
    unsigned int seq;          /* order of firing */
};

static struct timer_probe probes[NR_TEST_TIMERS];
static unsigned int fire_seq;

static void probe_fn(void *data)
{
    struct timer_probe *p = data;

    p->fired_at = NOW();
    p->fired++;
    p->seq = fire_seq++;
}

static bool check_probe(const struct timer_probe *p, bool stopped, s_time_t *worst)
{
    s_time_t late = p->fired_at - p->t.expires;

    if (stopped)
        return p->fired == 0;
    if (p->fired != 1 || late < 0)
        return false;
    if (late > *worst)
        *worst = late;
    return late <= MAX_LATENESS;
}

/* Deadlines out of order, duplicates, one re-armed, every third stopped.
 * Arming happens with interrupts off so that no timer can fire before the
 * ones meant to be stopped are stopped. */
static void test_timer(void)
{
    unsigned long flags = arch_irq_save();
    s_time_t start = NOW(), worst = 0;
    bool ok = true;

    for (unsigned int i = 0; i < NR_TEST_TIMERS; i++) {
        init_timer(&probes[i].t, probe_fn, &probes[i], arch_cpu_id());
        set_timer(&probes[i].t, start + MILLISECS(1 + (i * 7) % 30));
    }
    set_timer(&probes[1].t, start + MILLISECS(40));
    for (unsigned int i = 0; i < NR_TEST_TIMERS; i += 3)
        stop_timer(&probes[i].t);
    arch_irq_restore(flags);
    while (NOW() < start + MILLISECS(40) + 2 * MAX_LATENESS)
        arch_cpu_relax();

    for (unsigned int i = 0; i < NR_TEST_TIMERS; i++) {
        bool good = check_probe(&probes[i], i % 3 == 0, &worst);

        if (!good)
            printk("selftest timer %u: fired %u times, %lld ns after its deadline\n", i,
                   probes[i].fired, (long long)(probes[i].fired_at - probes[i].t.expires));
        ok &= good;
    }
    for (unsigned int i = 0; i < NR_TEST_TIMERS; i++)
        for (unsigned int j = 0; j < NR_TEST_TIMERS; j++)
            if (probes[i].fired && probes[j].fired && probes[i].t.expires < probes[j].t.expires &&
                probes[i].seq > probes[j].seq) {
                printk("selftest timer %u (earlier deadline) fired after timer %u\n", i, j);
                ok = false;
            }
    printk("selftest timer: %u timers, worst lateness %lld us\n", NR_TEST_TIMERS,
           (long long)(worst / 1000));
    verdict(ok);
}

/* Every other CPU runs the call exactly once, and all of them hammer one
 * spinlock: a lost update shows up in the total. */
#define SMP_ROUNDS 2000
static _Atomic unsigned int ran_on[64];
static DEFINE_SPINLOCK(counter_lock);
static unsigned long counter;

static void bump_counter(void)
{
    for (unsigned int i = 0; i < SMP_ROUNDS; i++) {
        spin_lock(&counter_lock);
        counter = counter + 1;
        spin_unlock(&counter_lock);
    }
}

static void smp_probe(void *data)
{
    atomic_fetch_add(&ran_on[arch_cpu_id() % 64], 1);
    bump_counter();
}

static void test_smp(void)
{
    unsigned int cpus = arch_nr_cpus_online(), calls = 0;
    bool ok = true;

    smp_call_function(smp_probe, NULL);
    bump_counter();
    for (unsigned int c = 0; c < 64; c++) {
        unsigned int n = atomic_load(&ran_on[c]);

        calls += n;
        if (n > 1 || (c == arch_cpu_id() && n)) {
            printk("selftest smp: CPU%u ran the call %u times\n", c, n);
            ok = false;
        }
    }
    printk("selftest smp: %u CPUs, call ran on %u others, counter %lu (want %lu)\n", cpus,
           calls, counter, (unsigned long)cpus * SMP_ROUNDS);
    verdict(ok && calls == cpus - 1 && counter == (unsigned long)cpus * SMP_ROUNDS);
}

/* System time read on the other CPUs, one after the other in the order a
 * lock gives them, never goes back: with tsc_skew_test=N each CPU reads a
 * TSC N ticks further ahead, and only its own base (its measured offset)
 * makes its time agree with the others'. */
#define TIME_ROUNDS 3000

static DEFINE_SPINLOCK(time_order_lock);
static s_time_t time_order_last;
static _Atomic unsigned long time_order_back, time_order_reads;
static s_time_t time_order_worst;

static void time_order(void *unused)
{
    (void)unused;
    for (unsigned int i = 0; i < TIME_ROUNDS; i++) {
        s_time_t now;

        spin_lock(&time_order_lock);
        now = NOW();
        if (now < time_order_last) {
            atomic_fetch_add(&time_order_back, 1);
            time_order_worst = MAX(time_order_worst, time_order_last - now);
        }
        time_order_last = now;
        spin_unlock(&time_order_lock);
        atomic_fetch_add(&time_order_reads, 1);
        arch_cpu_relax();
    }
}

static void test_time(void)
{
    unsigned int others = arch_nr_cpus_online() - 1;

    time_order_last = NOW();
    smp_call_function(time_order, NULL);
    printk("selftest time: %lu readings on %u CPUs, %lu went back (by up to %lld ns)\n",
           atomic_load(&time_order_reads), others, atomic_load(&time_order_back),
           (long long)time_order_worst);
    verdict(others >= 2 && atomic_load(&time_order_reads) == (unsigned long)others * TIME_ROUNDS &&
            !atomic_load(&time_order_back) && NOW() >= time_order_last);
}

static void test_keys(void)
{
    static const char keys[] = "himqrt?d";

    for (const char *k = keys; *k; k++)
        handle_keypress((unsigned char)*k);
    verdict(true);
}

/* The bare-metal floor of the guest CPU-loop benchmark: the same loop in
 * ring 0 with no hypervisor underneath (bench/cpu_loop.h). */
static void bench_loop(void)
{
    uint64_t best = ~0ULL;

    for (unsigned int rep = 0; rep < 3; rep++) {
        uint64_t ticks = cpu_loop(CPU_LOOP_ITERATIONS);

        best = MIN(best, ticks);
    }
    printk("BENCH cpu_loop_ns_per_iter %llu.%03llu ns\n",
           (unsigned long long)(arch_tsc_ticks_to_ns(best) / CPU_LOOP_ITERATIONS),
           (unsigned long long)(arch_tsc_ticks_to_ns(best) * 1000 / CPU_LOOP_ITERATIONS % 1000));
    verdict(true);
}

static void test_exit(const char *arg)
{
    unsigned long long status;
    const char *end;

    status = simple_strtoull(arg, &end, 0);
    if (*end || status > 127) {
        printk("selftest exit: bad status '%s'\n", arg);
        verdict(false);
    }
    printk("selftest exit: powering off with status %llu\n", status);
    machine_poweroff((unsigned int)status);
}

void selftest_run(const char *name)
{
    printk("selftest: running '%s'\n", name);
    if (!strcmp(name, "boot"))
        verdict(true);
    else if (!strcmp(name, "pagefault"))
        test_pagefault();
    else if (!strcmp(name, "assert"))
        test_assert();
    else if (!strcmp(name, "timer"))
        test_timer();
    else if (!strcmp(name, "smp"))
        test_smp();
    else if (!strcmp(name, "keys"))
        test_keys();
    else if (!strcmp(name, "time"))
        test_time();
    else if (!strcmp(name, "bench-loop"))
        bench_loop();
    else if (!strncmp(name, "exit:", 5))
        test_exit(name + 5);
    printk("selftest: no test called '%s'\n", name);
    verdict(false);
}
