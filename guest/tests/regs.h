/* The register check around a hypercall (regs.S), shared with C.  out[]
 * holds the registers after the call in this order; every register but
 * RAX, RDI and RSI (the call's arguments, 0) enters the call holding
 * REG_PATTERN + its index. */
#ifndef GUEST_TESTS_REGS_H
#define GUEST_TESTS_REGS_H

#define REG_PATTERN 0x5eed0000beef0000

#define REG_RAX 0
#define REG_RBX 1
#define REG_RCX 2
#define REG_RDX 3
#define REG_RSI 4
#define REG_RDI 5
#define REG_RBP 6
#define REG_R8  7
#define REG_R9  8
#define REG_R10 9
#define REG_R11 10
#define REG_R12 11
#define REG_R13 12
#define REG_R14 13
#define REG_R15 14
#define REG_COUNT 15

#ifndef __ASSEMBLER__
#include <stdint.h>

/* xen_version(XENVER_version, NULL) through the hypercall page with every
 * other register holding its pattern; out receives all registers after. */
void regs_across_hypercall(uint64_t out[REG_COUNT]);
#endif

#endif
