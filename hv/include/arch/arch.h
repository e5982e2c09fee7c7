/* The architecture interface: everything common code needs from the CPU
 * and platform.  Declared once here; implemented by hv/arch/x86 for the
 * real hypervisor and by tests/unit/fake for host unit tests. */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <proxen/types.h>
#include <asm/arch_inline.h>   /* arch_cpu_id, arch_irqs_enabled: inline */

/* Interrupt state of the current CPU. */
unsigned long arch_irq_save(void);            /* disable, return old state */
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);
void arch_irq_disable(void);
/* bool arch_irqs_enabled(void): asm/arch_inline.h */

/* Enable interrupts and sleep until the next one, atomically (no wake-up
 * can slip in between); returns with interrupts enabled. */
void arch_wait_for_interrupt(void);

/* Spin-wait hint (PAUSE on x86: under single-threaded TCG a spin without
 * it starves the other vCPUs). */
void arch_cpu_relax(void);

/* unsigned int arch_cpu_id(void): the index of the running CPU,
 * 0..nr_cpus-1 (asm/arch_inline.h). */

/* Hypervisor virtual address of a machine address in the direct map. */
void *arch_maddr_to_virt(paddr_t pa);
paddr_t arch_virt_to_maddr(const void *va);

/* Write raw characters to the platform consoles (serial). */
void arch_console_write(const char *s, size_t len);

/* Stop the machine for good, after a fatal hypervisor error. */
void arch_fatal_halt(void) __attribute__((noreturn));

/* Print the caller's backtrace (best effort). */
void arch_dump_stack(void);

/* A character from the console, -1 if none is waiting. */
int arch_console_getc(void);

/* Print the registers of every online CPU (debug key). */
void arch_dump_registers_all(void);

/* Power off with a status (0 = success; under QEMU with isa-debug-exit,
 * QEMU exits with 2 * status + 1), or reboot. */
void machine_poweroff(unsigned int status) __attribute__((noreturn));
void machine_reboot(void) __attribute__((noreturn));

/* Nanoseconds in a number of cycle-counter ticks. */
uint64_t arch_tsc_ticks_to_ns(uint64_t ticks);

/* Rewrite v's time record (vcpu_info.time) now, if v runs on this CPU;
 * otherwise its CPU does when v next runs there. */
struct vcpu;
void arch_vcpu_time_refresh(struct vcpu *v);
/* VCPUOP_register_vcpu_time_memory_area: keep a copy of v's time record
 * at guest address gva (0: none); -EFAULT for an address a guest may not
 * name. */
long arch_vcpu_register_time_area(struct vcpu *v, uint64_t gva);

/* Interrupt another CPU so that it looks again at what it runs (a
 * reschedule request, an event for its vCPU). */
void arch_cpu_kick(unsigned int cpu);

/* CPUs currently online. */
unsigned int arch_nr_cpus_online(void);

/* Run fn(data) on every other online CPU (in its IPI handler) and return
 * once all have finished.  Not with interrupts disabled. */
void smp_call_function(void (*fn)(void *), void *data);

#endif
