#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <proxen/types.h>

void smp_boot_cpus(unsigned int max_cpus);

/* Run fn(data) on every other online CPU from an IPI and return once all
 * have finished.  Must not be called with interrupts disabled. */
void smp_call_function(void (*fn)(void *), void *data);
void smp_call_init(void);

/* NMI every other CPU to run fn (for dumps and stopping after a panic). */
void smp_nmi_others(void (*fn)(void));
void smp_stop_others(void);

#endif
