#ifndef ASM_POWER_H
#define ASM_POWER_H

#include <proxen/types.h>

/* QEMU's isa-debug-exit device: writing v makes QEMU exit with (v << 1) | 1,
 * so tests get a verdict without parsing text.  Absent on hardware, where
 * the write is ignored. */
#define DEBUG_EXIT_PORT 0xf4

#endif
