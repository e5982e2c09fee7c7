/* Exceptions and interrupts taken by the hypervisor.
 *
 * Failure policy: an exception in hypervisor context is a hypervisor bug,
 * so it is reported (registers, the faulting code, a symbolic stack trace)
 * and the machine stops with a failure status.  Guest exceptions arrive
 * here too once PV guests exist, and are bounced to the guest instead. */
#include <arch/arch.h>
#include <asm/irq.h>
#include <asm/pv.h>
#include <asm/percpu.h>
#include <asm/regs.h>
#include <asm/trap_policy.h>
#include <asm/x86.h>
#include <proxen/console.h>
#include <proxen/lib.h>
#include <proxen/spinlock.h>
#include <proxen/symbols.h>

extern char __text_start[], __text_end[];

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
    "#MC machine check", "#XM SIMD error", "#VE virtualization",
    "#CP control protection",
};

static irq_handler_t irq_handlers[256];

void set_irq_handler(unsigned int vector, irq_handler_t fn)
{
    ASSERT(vector >= 32 && vector < 256);
    irq_handlers[vector] = fn;
}

static bool in_text(uint64_t addr)
{
    return addr >= (uint64_t)__text_start && addr < (uint64_t)__text_end;
}

static void print_symbol(const char *prefix, uint64_t addr)
{
    uint64_t off = 0;
    const char *name = in_text(addr) ? symbols_lookup(addr, &off) : NULL;

    if (name)
        pr_err("%s%016llx <%s+%#llx>\n", prefix, (unsigned long long)addr, name,
               (unsigned long long)off);
    else
        pr_err("%s%016llx\n", prefix, (unsigned long long)addr);
}

void show_registers(const struct cpu_user_regs *r)
{
    print_symbol("RIP:    ", r->rip);
    pr_err("CS: %04llx  RFLAGS: %016llx  SS: %04llx  RSP: %016llx\n",
           (unsigned long long)r->cs, (unsigned long long)r->rflags,
           (unsigned long long)r->ss, (unsigned long long)r->rsp);
    pr_err("RAX: %016llx RBX: %016llx RCX: %016llx\n", (unsigned long long)r->rax,
           (unsigned long long)r->rbx, (unsigned long long)r->rcx);
    pr_err("RDX: %016llx RSI: %016llx RDI: %016llx\n", (unsigned long long)r->rdx,
           (unsigned long long)r->rsi, (unsigned long long)r->rdi);
    pr_err("RBP: %016llx R8:  %016llx R9:  %016llx\n", (unsigned long long)r->rbp,
           (unsigned long long)r->r8, (unsigned long long)r->r9);
    pr_err("R10: %016llx R11: %016llx R12: %016llx\n", (unsigned long long)r->r10,
           (unsigned long long)r->r11, (unsigned long long)r->r12);
    pr_err("R13: %016llx R14: %016llx R15: %016llx\n", (unsigned long long)r->r13,
           (unsigned long long)r->r14, (unsigned long long)r->r15);
    pr_err("CR0: %016lx CR2: %016lx CR3: %016lx CR4: %016lx\n",
           read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

static void show_code(uint64_t rip)
{
    char line[3 * 16 + 1];
    const uint8_t *p = (const uint8_t *)rip;

    if (!in_text(rip) || !in_text(rip + 15))
        return;
    for (unsigned int i = 0; i < 16; i++)
        snprintf(line + 3 * i, sizeof(line) - 3 * i, "%02x ", p[i]);
    pr_err("Code at RIP: %s\n", line);
}

/* Follow the frame-pointer chain while it stays inside this CPU's stack. */
void show_stack_trace(unsigned long rbp, unsigned long rip)
{
    unsigned long lo = ROUNDDOWN(rbp, STACK_SIZE), hi = lo + STACK_SIZE;

    pr_err("Call trace:\n");
    if (rip)
        print_symbol("  ", rip);
    for (unsigned int depth = 0; depth < 32; depth++) {
        const unsigned long *frame = (const unsigned long *)rbp;

        if (rbp < lo || rbp + 16 > hi || !IS_ALIGNED(rbp, 8))
            break;
        if (!in_text(frame[1]))
            break;
        print_symbol("  ", frame[1]);
        rbp = frame[0];
    }
}

void arch_dump_stack(void)
{
    show_stack_trace((unsigned long)__builtin_frame_address(0), 0);
}

struct extable_entry {
    uint64_t insn, fixup;
};
extern const struct extable_entry __ex_table_start[], __ex_table_end[];

/* Instructions allowed to fault (guest memory access, returns to guests)
 * continue at their fixup. */
static bool apply_fixup(struct cpu_user_regs *regs)
{
    for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++) {
        if (e->insn == regs->rip) {
            regs->rip = e->fixup;
            return true;
        }
    }
    return false;
}

static __attribute__((noinline)) void fatal_trap(const struct cpu_user_regs *regs)
{
    static bool in_fatal[NR_CPUS];
    unsigned int cpu = get_cpu_info()->cpu_id;
    unsigned int vec = regs->entry_vector;

    if (in_fatal[cpu])
        arch_fatal_halt();        /* faulted while reporting: just stop */
    in_fatal[cpu] = true;
    console_force_unlock();
    pr_err("*** FATAL TRAP on CPU%u: vector %u (%s), error code %#x ***\n", cpu, vec,
           vec < 32 && exception_names[vec] ? exception_names[vec] : "?",
           regs->error_code);
    if (vec == 14)
        pr_err("Page fault at address %016lx (%s, %s, %s)\n", read_cr2(),
               regs->error_code & 1 ? "protection" : "not present",
               regs->error_code & 2 ? "write" : "read",
               regs->error_code & 16 ? "fetch" : "data");
    show_registers(regs);
    show_code(regs->rip);
    show_stack_trace(regs->rbp, regs->rip);
    panic("fatal trap %u in the hypervisor", vec);
}

static void do_irq(struct cpu_user_regs *regs)
{
    irq_handler_t fn = irq_handlers[regs->entry_vector];

    unsigned long held = lock_order_irq_enter();

    if (fn)
        fn(regs);
    else
        pr_warn("CPU%u: unexpected interrupt vector %u\n", get_cpu_info()->cpu_id,
                regs->entry_vector);
    lock_order_irq_exit(held);
}

/* A guest's data breakpoint hit by the hypervisor touching guest memory,
 * or a #DB raised right after a guest's MOV SS before an entry point:
 * neither is the hypervisor's business.  (This runs on its own IST stack,
 * so it is safe even on a guest-controlled RSP.) */
static void hypervisor_debug_trap(void)
{
    __asm__ volatile("mov %0, %%db6" :: "r"(0xffff0ff0UL));
}

void do_entry(struct cpu_user_regs *regs);
__hot_path void do_entry(struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;

    if (vec == TRAP_SYSCALL)
        pv_hypercall(regs);
    else if (vec >= 32 && vec < 256)
        do_irq(regs);
    else if (vec == 2)
        do_nmi(regs);
    else if (trap_always_fatal(vec))
        fatal_trap(regs);
    else if (guest_mode(regs))
        pv_trap(regs);
    else if (vec == 1)
        hypervisor_debug_trap();
    else if (!apply_fixup(regs))
        fatal_trap(regs);
}
