/* Interrupt vectors handled by the hypervisor itself. */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

struct cpu_user_regs;
typedef void (*irq_handler_t)(struct cpu_user_regs *regs);

/* Install the handler for a vector (32-255).  Handlers of local APIC
 * vectors acknowledge the interrupt themselves (apic_eoi). */
void set_irq_handler(unsigned int vector, irq_handler_t fn);

/* NMIs are used to stop or dump the other CPUs. */
void do_nmi(struct cpu_user_regs *regs);

#endif
