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

/* The general register with the hardware number n (0 RAX .. 15 R15), as
 * instruction encodings name them. */
static inline uint64_t *regs_gpr(struct cpu_user_regs *r, unsigned int n)
{
    uint64_t *const map[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
        &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return map[n & 15];
}

void show_registers(const struct cpu_user_regs *regs);
void show_stack_trace(unsigned long rbp, unsigned long rip);

#endif
