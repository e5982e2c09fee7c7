/* The register frame built by every entry into the hypervisor. */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <proxen/types.h>

struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;    /* pushed by the CPU or 0 by the stub */
    uint32_t entry_vector;  /* written by the stub */
    uint64_t rip, cs, rflags, rsp, ss;   /* the CPU's interrupt frame */
};

_Static_assert(sizeof(struct cpu_user_regs) == 21 * 8, "entry.S frame layout");
_Static_assert(offsetof(struct cpu_user_regs, error_code) == 15 * 8, "entry.S frame layout");

void show_registers(const struct cpu_user_regs *regs);
void show_stack_trace(unsigned long rbp, unsigned long rip);

#endif
