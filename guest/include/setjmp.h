/* Non-local return, for abandoning a test that took an unexpected
 * exception.  Only the callee-saved registers, the stack and the return
 * address are kept (the SysV ABI makes the rest the caller's concern). */
#ifndef GUEST_SETJMP_H
#define GUEST_SETJMP_H

#include <stdint.h>

struct jmp_buf {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

int setjmp(struct jmp_buf *env) __attribute__((returns_twice));
void longjmp(struct jmp_buf *env, int val) __attribute__((noreturn));

#endif
