#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <arch/arch.h>

void smp_boot_cpus(unsigned int max_cpus);

void smp_call_init(void);

/* NMI every other CPU to run fn (for dumps and stopping after a panic). */
void smp_nmi_others(void (*fn)(void));
void smp_stop_others(void);

#endif
