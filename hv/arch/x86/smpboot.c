/* Bringing up the application processors, cross-CPU function calls and
 * NMIs.  CPUs are numbered in MADT order with the BSP as CPU0. */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/irq.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/regs.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <proxen/console.h>
#include <proxen/page_alloc.h>
#include <proxen/sched.h>
#include <proxen/spinlock.h>
#include <proxen/timer.h>
#include <stdatomic.h>

#define TRAMPOLINE_PHYS 0x8000
#define SIPI_VECTOR     (TRAMPOLINE_PHYS >> 12)

extern char trampoline_start[], trampoline_end[];
extern char tramp_cr3[], tramp_efer[], tramp_entry[], ap_high_entry[];
extern pte_t boot_l4[];

uint64_t ap_boot_rsp, ap_boot_cr3;
void start_secondary(void) __attribute__((noreturn));
void idle_loop(void) __attribute__((noreturn));
void cpu_features_init(void);

/* --- start-up ------------------------------------------------------------- */

static void *tramp_field(char *sym)
{
    return (char *)maddr_to_virt(TRAMPOLINE_PHYS) + (sym - trampoline_start);
}

static void install_trampoline(void)
{
    memcpy(maddr_to_virt(TRAMPOLINE_PHYS), trampoline_start,
           (size_t)(trampoline_end - trampoline_start));
    *(uint32_t *)tramp_field(tramp_cr3) = (uint32_t)__pa_image(boot_l4);
    *(uint32_t *)tramp_field(tramp_efer) = (uint32_t)(rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE));
    *(uint64_t *)tramp_field(tramp_entry) = (uint64_t)ap_high_entry;
}

static void *alloc_cpu_stack(unsigned int cpu, uint32_t apic)
{
    struct page_info *pg = alloc_pages(STACK_ORDER);
    char *stack;
    struct cpu_info *ci;

    if (!pg)
        return NULL;
    stack = maddr_to_virt(mfn_to_maddr(page_to_mfn(pg)));
    ci = (struct cpu_info *)(stack + STACK_SIZE - CPU_INFO_SIZE);
    *ci = (struct cpu_info){ .cpu_id = cpu, .apic_id = apic, .pcpu = &percpu[cpu] };
    return stack;
}

static bool wait_online(unsigned int cpu, s_time_t timeout)
{
    s_time_t end = NOW() + timeout;

    while (!atomic_load(&percpu[cpu].online)) {
        if (NOW() > end)
            return false;
        cpu_pause();
    }
    return true;
}

static bool boot_one(unsigned int cpu, uint32_t apic)
{
    struct percpu *pc = &percpu[cpu];

    pc->stack = alloc_cpu_stack(cpu, apic);
    if (!pc->stack)
        return false;
    pc->cpu_id = cpu;
    pc->apic_id = apic;
    ap_boot_rsp = (uint64_t)pc->stack + STACK_SIZE - CPU_INFO_SIZE;
    ap_boot_cr3 = idle_pt_maddr();
    pr_debug("SMP: starting CPU%u (APIC id %u), stack %p\n", cpu, apic, pc->stack);
    atomic_thread_fence(memory_order_seq_cst);

    apic_send_ipi(apic, APIC_DM_INIT | APIC_ICR_ASSERT | APIC_ICR_LEVEL);
    udelay(10000);
    for (unsigned int sipi = 0; sipi < 2; sipi++) {
        apic_send_ipi(apic, APIC_DM_STARTUP | SIPI_VECTOR);
        if (wait_online(cpu, MICROSECS(200)))
            return true;
    }
    return wait_online(cpu, SECONDS(1));
}

void smp_boot_cpus(unsigned int max_cpus)
{
    uint32_t self = apic_id();
    unsigned int next = 1;

    nr_cpus_possible = acpi.nr_cpus ? acpi.nr_cpus : 1;
    install_trampoline();
    for (unsigned int i = 0; i < acpi.nr_cpus; i++) {
        uint32_t apic = acpi.cpu_apic_id[i];

        if (apic == self)
            continue;
        if (next >= max_cpus || next >= NR_CPUS) {
            pr_info("SMP: CPU with APIC id %u not started (maxcpus=%u)\n", apic, max_cpus);
            continue;
        }
        if (boot_one(next, apic)) {
            time_sync_cpu(next);
            next++;
        }
        else
            pr_err("SMP: CPU with APIC id %u did not come up\n", apic);
    }
}

void start_secondary(void)
{
    unsigned int cpu = get_cpu_info()->cpu_id;

    write_cr4(read_cr4() | X86_CR4_PGE);
    cpu_features_init();
    desc_init_cpu(cpu);
    pv_syscall_init_cpu(cpu);
    apic_init_cpu();
    time_init_cpu();
    timers_init_cpu(cpu);
    if (sched_init_cpu(cpu))
        panic("CPU%u: the scheduler refused it", cpu);
    sched_init_slice_timer(cpu);
    atomic_fetch_add(&nr_cpus_online, 1);
    atomic_store(&percpu[cpu].online, true);
    time_sync_answer(cpu);
    vcpu_time_start_cpu(cpu);
    pr_debug("CPU%u (APIC id %u) online\n", cpu, percpu[cpu].apic_id);
    idle_loop();
}

/* --- cross-CPU calls ---------------------------------------------------- */

static DEFINE_SPINLOCK_RANKED(call_lock, LOCK_CALL_FUNCTION);
static struct {
    void (*fn)(void *);
    void *data;
    _Atomic unsigned int pending;
} call;

static void call_function_interrupt(struct cpu_user_regs *regs)
{
    void (*fn)(void *) = call.fn;
    void *data = call.data;

    apic_eoi();
    fn(data);
    atomic_fetch_sub(&call.pending, 1);
}

void smp_call_init(void)
{
    set_irq_handler(VECTOR_CALL_FUNCTION, call_function_interrupt);
    pv_vcpu_kick_init();
}

void smp_call_function(void (*fn)(void *), void *data)
{
    unsigned int others = nr_cpus_online - 1;

    ASSERT(arch_irqs_enabled());
    if (!others)
        return;
    spin_lock(&call_lock);
    call.fn = fn;
    call.data = data;
    atomic_store(&call.pending, others);
    apic_send_ipi_allbutself(VECTOR_CALL_FUNCTION);
    while (atomic_load(&call.pending))
        cpu_pause();
    spin_unlock(&call_lock);
}

/* --- NMIs ----------------------------------------------------------------- */

static void (*_Atomic nmi_action[NR_CPUS])(void);
static _Atomic bool nmi_busy[NR_CPUS];     /* its action has not finished */

void do_nmi(struct cpu_user_regs *regs)
{
    unsigned int cpu = get_cpu_info()->cpu_id;
    void (*fn)(void) = atomic_exchange(&nmi_action[cpu], NULL);
    unsigned long held = lock_order_irq_enter();

    percpu[cpu].dump_regs = regs;
    if (fn)
        fn();
    else
        pr_warn("CPU%u: unexpected NMI\n", cpu);
    atomic_store(&nmi_busy[cpu], false);
    lock_order_irq_exit(held);
}

/* One CPU at a time, each finished before the next (bounded: a CPU that
 * never answers is skipped), so dumps do not interleave and the caller's
 * next lines come after them. */
void smp_nmi_others(void (*fn)(void))
{
    unsigned int self = get_cpu_info()->cpu_id;

    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        if (cpu == self || !atomic_load(&percpu[cpu].online))
            continue;
        atomic_store(&nmi_busy[cpu], true);
        atomic_store(&nmi_action[cpu], fn);
        apic_send_ipi(percpu[cpu].apic_id, APIC_DM_NMI);
        for (unsigned int i = 0; i < 10000000 && atomic_load(&nmi_busy[cpu]); i++)
            cpu_pause();
    }
}

static void __attribute__((noreturn)) stop_this_cpu(void)
{
    local_irq_disable();
    for (;;)
        cpu_halt();
}

static void stop_action(void) { stop_this_cpu(); }

void smp_stop_others(void)
{
    unsigned int self = get_cpu_info()->cpu_id;

    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        if (cpu == self || !atomic_load(&percpu[cpu].online))
            continue;
        atomic_store(&nmi_action[cpu], stop_action);
        apic_send_ipi(percpu[cpu].apic_id, APIC_DM_NMI);
    }
}
