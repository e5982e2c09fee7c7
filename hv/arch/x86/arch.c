/* The arch interface (arch/arch.h) for x86-64: the small pieces that
 * have no better home. */
#include <arch/arch.h>
#include <asm/percpu.h>
#include <asm/regs.h>
#include <asm/serial.h>
#include <asm/smp.h>
#include <asm/x86.h>
#include <proxen/console.h>

unsigned long arch_irq_save(void)
{
    unsigned long flags = read_rflags();

    local_irq_disable();
    return flags & X86_EFLAGS_IF;
}

void arch_irq_restore(unsigned long flags)
{
    if (flags & X86_EFLAGS_IF)
        local_irq_enable();
}

void arch_irq_enable(void) { local_irq_enable(); }
void arch_irq_disable(void) { local_irq_disable(); }
void arch_cpu_relax(void) { cpu_pause(); }
void arch_wait_for_interrupt(void) { safe_halt(); }
unsigned int arch_nr_cpus_online(void) { return nr_cpus_online; }
void arch_console_write(const char *s, size_t len) { serial_write(s, len); }
int arch_console_getc(void) { return serial_getc(); }

static void dump_this_cpu(void)
{
    struct percpu *pc = this_cpu();

    printk("*** Registers of CPU%u (interrupted) ***\n", pc->cpu_id);
    if (pc->dump_regs) {
        show_registers(pc->dump_regs);
        show_stack_trace(pc->dump_regs->rbp, pc->dump_regs->rip);
    }
}

void arch_dump_registers_all(void)
{
    unsigned int self = arch_cpu_id();

    printk("*** Registers of CPU%u (running the debug key) ***\n", self);
    arch_dump_stack();
    smp_nmi_others(dump_this_cpu);
}
