/* The arch interface's cheapest functions, inline (arch/arch.h includes
 * this): they run on every lock taken and every lock-order check. */
#ifndef ASM_ARCH_INLINE_H
#define ASM_ARCH_INLINE_H

#include <asm/config.h>
#include <proxen/types.h>

/* Where struct cpu_info (asm/percpu.h, which checks it) keeps cpu_id. */
#define CPU_INFO_CPU_ID 176

static inline unsigned int arch_cpu_id(void)
{
    unsigned long sp;

    __asm__("mov %%rsp, %0" : "=r"(sp));
    return *(const uint32_t *)((sp | (STACK_SIZE - 1)) + 1 - CPU_INFO_SIZE + CPU_INFO_CPU_ID);
}

static inline bool arch_irqs_enabled(void)
{
    unsigned long flags;

    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags & 0x200;
}

#endif
