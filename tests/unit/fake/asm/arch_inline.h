/* The fake arch keeps these out of line (fake_arch.c): tests set the CPU
 * and the interrupt state. */
#ifndef ASM_ARCH_INLINE_H
#define ASM_ARCH_INLINE_H

#include <proxen/types.h>

unsigned int arch_cpu_id(void);
bool arch_irqs_enabled(void);

#endif
