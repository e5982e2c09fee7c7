/* The boot sequence of the bootstrap processor, from the C entry point to
 * the idle loop.  The order matters: exceptions are caught from the first
 * line, the direct map comes before anything that allocates, the heap
 * before the real GDT, ACPI before the APIC and timers, timers before
 * SMP (APs are started with timed waits). */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/boot.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/m2p.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/rtc.h>
#include <asm/serial.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <proxen/console.h>
#include <proxen/domain.h>
#include <proxen/keyhandler.h>
#include <proxen/options.h>
#include <proxen/sched.h>
#include <proxen/page_alloc.h>
#include <proxen/selftest.h>
#include <proxen/timer.h>
#include <proxen/version.h>

extern char cpu0_stack[];
extern char __image_start[], __image_end[];

struct percpu percpu[NR_CPUS];
_Atomic unsigned int nr_cpus_online;
unsigned int nr_cpus_possible;

void start_hypervisor(uint32_t mb_magic, uint32_t mb_info) __attribute__((noreturn));
void idle_loop(void) __attribute__((noreturn));
void cpu_features_init(void);

/* The idle vCPU: halt until this CPU is asked to reschedule, then enter
 * the vCPU chosen.  Interrupts stay off from the check to the halt, so a
 * request cannot slip in between.  A CPU that left a vCPU's frame to come
 * here (pv_enter_idle) still has it current: schedule() switches it out. */
void idle_loop(void)
{
    unsigned int cpu = this_cpu()->cpu_id;

    for (;;) {
        local_irq_disable();
        if (sched_resched_pending(cpu)) {
            schedule();
            if (current_vcpu())
                pv_enter_guest();
            continue;
        }
        safe_halt();
    }
}

static void setup_console(void)
{
    if (!strcmp(opt_console, "none"))
        serial_disable();
    else if (!strcmp(opt_console, "com2"))
        serial_init(COM2_PORT);
    else if (strcmp(opt_console, "com1"))
        pr_warn("console=%s not known; using com1\n", opt_console);
}

static void print_memmap(void)
{
    static const char *const names[] = { "?", "RAM", "reserved", "ACPI", "ACPI NVS", "bad" };

    pr_info("Firmware memory map:\n");
    for (unsigned int i = 0; i < boot_info.nr_memmap; i++) {
        const struct memmap_entry *e = &boot_info.memmap[i];

        pr_info("  %016llx - %016llx %s\n", (unsigned long long)e->addr,
                (unsigned long long)(e->addr + e->len),
                e->type < ARRAY_SIZE(names) ? names[e->type] : "?");
    }
}

static void print_summary(void)
{
    struct heap_stats hs;
    uint64_t ram = memmap_ram_bytes(&boot_info);

    page_alloc_stats(&hs);
    pr_info("Proxen %s: %u CPU%s online, %llu MiB RAM (%llu KiB), %llu MiB free\n",
            PROXEN_VERSION, nr_cpus_online, nr_cpus_online == 1 ? "" : "s",
            (unsigned long long)(ram >> 20), (unsigned long long)(ram >> 10),
            (unsigned long long)(hs.free_frames >> 8));
    pr_info("Boot modules: %u\n", boot_info.nr_modules);
    for (unsigned int i = 0; i < boot_info.nr_modules; i++) {
        const struct boot_module *m = &boot_info.modules[i];

        pr_info("  module %u: %016llx - %016llx (%llu bytes) \"%s\"\n", i,
                (unsigned long long)m->start, (unsigned long long)m->end,
                (unsigned long long)(m->end - m->start), m->cmdline);
    }
}

/* Let guests use SSE: the hypervisor itself never touches FPU state. */
void cpu_features_init(void)
{
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
}

static void cpu0_init(void)
{
    struct cpu_info *ci = get_cpu_info();

    ci->cpu_id = 0;
    ci->pcpu = &percpu[0];
    percpu[0].stack = cpu0_stack;
}

void start_hypervisor(uint32_t mb_magic, uint32_t mb_info)
{
    cpu0_init();
    idt_init(0x08, false);          /* boot GDT code selector, no IST yet */
    serial_init(COM1_PORT);
    if (multiboot_parse(mb_magic, mb_info, &boot_info))
        panic("not started by a multiboot loader (magic %#x)", mb_magic);
    boot_options_parse(boot_info.cmdline);
    setup_console();
    pr_info("Proxen %s (x86-64) starting; command line: \"%s\"\n", PROXEN_VERSION,
            boot_info.cmdline);
    print_memmap();

    mm_init();
    heap_init();
    m2p_init();
    cpu_features_init();
    desc_init_cpu(0);
    idt_init(HYPERVISOR_CS, true);
    acpi_init();
    pic_disable();
    apic_map(acpi.lapic_base ? acpi.lapic_base : 0xfee00000);
    apic_init_cpu();
    percpu[0].apic_id = get_cpu_info()->apic_id = apic_id();
    time_init();
    wallclock_init_from_rtc();
    time_init_cpu();
    timers_init_cpu(0);
    if (sched_init(opt_sched) || sched_init_cpu(0))
        panic("no scheduler");
    sched_init_slice_timer(0);
    vcpu_time_start_cpu(0);
    smp_call_init();
    pv_syscall_init_cpu(0);
    nr_cpus_online = 1;
    percpu[0].online = true;
    local_irq_enable();

    smp_boot_cpus(opt_maxcpus > NR_CPUS ? NR_CPUS : (unsigned int)opt_maxcpus);
    print_summary();
    keyhandler_init();
    if (opt_test[0])
        selftest_run(opt_test);
    pr_info("Boot complete in %llu ms. Debug keys: press 'h' on the console for help.\n",
            (unsigned long long)(NOW() / 1000000));
    dom0_start();
    idle_loop();
}
