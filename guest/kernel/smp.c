/* The guest's other vCPUs (smp.h). */
#include <stdatomic.h>
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <mm.h>
#include <pagetable.h>
#include <smp.h>
#include <traps.h>

#define AP_STACK 8192

struct job {
    void (*_Atomic fn)(void *);
    void *arg;
    _Atomic bool done;
};

static struct job jobs[SMP_MAX_VCPUS];
static bool has_context[SMP_MAX_VCPUS];
static uint8_t stacks[SMP_MAX_VCPUS][AP_STACK] __attribute__((aligned(16)));
static uint8_t entry_stacks[SMP_MAX_VCPUS][2048] __attribute__((aligned(16)));
static struct vcpu_guest_context context;   /* VCPUOP_initialise copies it */

unsigned int smp_nr_vcpus(void)
{
    unsigned int n = 1;

    while (n < SMP_MAX_VCPUS && hypercall_vcpu_op(VCPUOP_is_up, n, NULL) != -ENOENT)
        n++;
    return n;
}

/* The vCPU this code runs on, told by the stack it runs on (each vCPU
 * has its own, and its own for entries from user mode); anything else is
 * vCPU 0's. */
unsigned int smp_self(void)
{
    uint8_t *sp = __builtin_frame_address(0);

    for (unsigned int id = 1; id < SMP_MAX_VCPUS; id++)
        if ((sp >= stacks[id] && sp < stacks[id] + AP_STACK) ||
            (sp >= entry_stacks[id] && sp < entry_stacks[id] + sizeof(entry_stacks[id])))
            return id;
    return 0;
}

/* Where a new vCPU starts (from its context: RDI = its id, RSP on its
 * stack as after a call).  It never returns. */
static void __noreturn ap_main(unsigned int id)
{
    struct job *j = &jobs[id];

    for (;;) {
        void (*fn)(void *) = atomic_load(&j->fn);

        if (fn) {
            fn(j->arg);
            atomic_store(&j->fn, NULL);
            atomic_store(&j->done, true);
        }
        /* Back here when brought up again. */
        hypercall_vcpu_op(VCPUOP_down, id, NULL);
    }
}

void smp_fill_context(struct vcpu_guest_context *c, unsigned int id)
{
    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel | VGCF_failsafe_disables_events | VGCF_syscall_disables_events;
    c->user_regs.rip = (uint64_t)ap_main;
    c->user_regs.rsp = (uint64_t)(stacks[id] + AP_STACK) - 8;
    c->user_regs.rdi = id;
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = FLAT_KERNEL_SS;
    c->user_regs.rflags = 0x1200;              /* IF: events stay masked in vcpu_info;
                                                * IOPL 1: the kernel may use I/O ports */
    traps_fill_context(c->trap_ctxt);
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = (uint64_t)(entry_stacks[id] + sizeof(entry_stacks[id]));
    c->ctrlreg[3] = xen_pfn_to_cr3(l4_mfn);
    c->debugreg[6] = 0xffff0ff0;
    c->debugreg[7] = 0x400;
    traps_fill_callbacks(c);
}

long smp_run(unsigned int id, void (*fn)(void *), void *arg)
{
    struct job *j = &jobs[id];
    long rc;

    if (id == 0 || id >= SMP_MAX_VCPUS)
        return -EINVAL;
    j->arg = arg;
    atomic_store(&j->done, false);
    atomic_store(&j->fn, fn);
    if (!has_context[id]) {
        smp_fill_context(&context, id);
        rc = hypercall_vcpu_op(VCPUOP_initialise, id, &context);
        if (rc)
            return rc;
        has_context[id] = true;
    }
    return hypercall_vcpu_op(VCPUOP_up, id, NULL);
}

void smp_wait(unsigned int id)
{
    while (!atomic_load(&jobs[id].done) || hypercall_vcpu_op(VCPUOP_is_up, id, NULL) == 1)
        hypercall_sched_op(SCHEDOP_yield, NULL);
}
