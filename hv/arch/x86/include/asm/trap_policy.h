/* Which exceptions can never be the guest's, wherever they come from:
 * #DF is a hypervisor bug (a guest cannot make the hypervisor fault while
 * delivering a fault), #MC is failing hardware.  Neither is bounced to a
 * guest, as on Xen.  Host-tested (tests/unit/test_trap_policy.c). */
#ifndef ASM_TRAP_POLICY_H
#define ASM_TRAP_POLICY_H

#include <stdbool.h>

#define X86_VEC_DF 8
#define X86_VEC_MC 18

static inline bool trap_always_fatal(unsigned int vec)
{
    return vec == X86_VEC_DF || vec == X86_VEC_MC;
}

#endif
