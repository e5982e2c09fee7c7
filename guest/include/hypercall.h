/* Hypercalls, through the stubs the hypervisor wrote into hypercall_page
 * (stub n at offset n * 32, called like a function).  Arguments go in
 * RDI, RSI, RDX, R10, R8; the result comes back in RAX.  Xen's ABI allows
 * the hypervisor to clobber the argument registers, so the wrappers
 * declare them clobbered even though Proxen preserves them (a test
 * checks that). */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>
#include <public/callback.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/platform.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/xen.h>

extern char hypercall_page[4096];

static inline long hypercall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
                             uint64_t a4, uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    long ret;

    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [stub] "r"(hypercall_page + nr * XEN_HYPERCALL_STUB_SIZE)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline long hypercall_set_trap_table(const struct trap_info *table)
{
    return hypercall(__HYPERVISOR_set_trap_table, (uint64_t)table, 0, 0, 0, 0);
}

static inline long hypercall_mmu_update(const struct mmu_update *req, unsigned int count,
                                        unsigned int *done, domid_t foreigndom)
{
    return hypercall(__HYPERVISOR_mmu_update, (uint64_t)req, count, (uint64_t)done,
                     foreigndom, 0);
}

static inline long hypercall_stack_switch(uint64_t ss, uint64_t sp)
{
    return hypercall(__HYPERVISOR_stack_switch, ss, sp, 0, 0, 0);
}

static inline long hypercall_set_debugreg(unsigned int reg, uint64_t value)
{
    return hypercall(__HYPERVISOR_set_debugreg, reg, value, 0, 0, 0);
}

static inline long hypercall_get_debugreg(unsigned int reg)
{
    return hypercall(__HYPERVISOR_get_debugreg, reg, 0, 0, 0, 0);
}

static inline long hypercall_memory_op(unsigned int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_memory_op, cmd, (uint64_t)arg, 0, 0, 0);
}

static inline long hypercall_multicall(struct multicall_entry *calls, unsigned int count)
{
    return hypercall(__HYPERVISOR_multicall, (uint64_t)calls, count, 0, 0, 0);
}

static inline long hypercall_update_va_mapping(uint64_t va, uint64_t pte, uint64_t flags)
{
    return hypercall(__HYPERVISOR_update_va_mapping, va, pte, flags, 0, 0);
}

static inline long hypercall_set_timer_op(uint64_t deadline_ns)
{
    return hypercall(__HYPERVISOR_set_timer_op, deadline_ns, 0, 0, 0, 0);
}

static inline long hypercall_xen_version(unsigned int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_xen_version, cmd, (uint64_t)arg, 0, 0, 0);
}

static inline long hypercall_console_io(unsigned int cmd, unsigned int count, const char *buf)
{
    return hypercall(__HYPERVISOR_console_io, cmd, count, (uint64_t)buf, 0, 0);
}

static inline long hypercall_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{
    return hypercall(__HYPERVISOR_vcpu_op, cmd, vcpu, (uint64_t)arg, 0, 0);
}

static inline long hypercall_set_gdt(const uint64_t *frames, unsigned int entries)
{
    return hypercall(__HYPERVISOR_set_gdt, (uint64_t)frames, entries, 0, 0, 0);
}

static inline long hypercall_set_segment_base(unsigned int which, uint64_t base)
{
    return hypercall(__HYPERVISOR_set_segment_base, which, base, 0, 0, 0);
}

static inline long hypercall_mmuext_op(const struct mmuext_op *ops, unsigned int count,
                                       unsigned int *done, domid_t foreigndom)
{
    return hypercall(__HYPERVISOR_mmuext_op, (uint64_t)ops, count, (uint64_t)done,
                     foreigndom, 0);
}

static inline long hypercall_sched_op(unsigned int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_sched_op, cmd, (uint64_t)arg, 0, 0, 0);
}

static inline long hypercall_event_channel_op(unsigned int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_event_channel_op, cmd, (uint64_t)arg, 0, 0, 0);
}

static inline long hypercall_grant_table_op(unsigned int cmd, void *args, unsigned int count)
{
    return hypercall(__HYPERVISOR_grant_table_op, cmd, (uint64_t)args, count, 0, 0);
}

static inline long hypercall_platform_op(struct xen_platform_op *op)
{
    return hypercall(__HYPERVISOR_platform_op, (uint64_t)op, 0, 0, 0, 0);
}

static inline long hypercall_callback_op(unsigned int cmd, const void *arg)
{
    return hypercall(__HYPERVISOR_callback_op, cmd, (uint64_t)arg, 0, 0, 0);
}

/* A hypercall by `syscall` directly, for numbers beyond the page's 128
 * stubs.  RCX and R11 are lost, as the instruction defines. */
static inline long hypercall_raw(uint64_t nr, uint64_t a1, uint64_t a2)
{
    long ret = (long)nr;

    __asm__ volatile("syscall"
                     : "+a"(ret), "+D"(a1), "+S"(a2)
                     :
                     : "rcx", "r11", "rdx", "r10", "r8", "memory");
    return ret;
}

#endif
