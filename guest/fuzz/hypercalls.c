/* Hypercalls with generated arguments: a number (0-63, some beyond the
 * table, some absurd) and, per hypercall, arguments with the structure
 * the hypervisor expects filled with hostile values from pool.c.
 *
 * Left out, because they legitimately end the domain or stop it making
 * progress: sched_op shutdown, remote_shutdown of itself and watchdog;
 * the iret hypercall (its frame is the guest's control flow); vcpu_op
 * down/initialise/up/register_vcpu_info/send_nmi on the guest's own
 * vCPU; memory_op commands that give memory away or move it; PHYSDEVOP
 * apic_write; kexec_op.  Blocking calls run with a one-shot timer armed
 * a millisecond ahead (and the kernel timer run.c keeps as a backstop). */
#include <arch.h>
#include <console.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <public/physdev.h>
#include <pvclock.h>
#include "../tests/tests.h"
#include "fuzz.h"

#define NR_NUMBERS 64                   /* the numbers drawn uniformly */
#define KEXEC_OP   37

static struct prng *const r = &fuzz_rng;

static void arm_timer(void)
{
    hypercall_set_timer_op(system_time_ns() + 1000000);
    fuzz_pool.dirty |= DIRTY_TIMER | DIRTY_EVENTS;
}

static unsigned int count_for(unsigned int max)
{
    switch (prng_below(r, 8)) {
    case 0:
        return 0;
    case 1:
        return (unsigned int)fuzz_int();
    default:
        return 1 + (unsigned int)prng_below(r, max);
    }
}

/* An array of n elements of size bytes, for a *count that may exceed
 * it: then it ends at the guard page, or if that place is taken the
 * count is cut to n (elements past n would be random bytes, not
 * generated ones). */
static void *array_for(unsigned int n, unsigned int *count, unsigned int size)
{
    uint8_t *a;

    if (*count <= n)
        return fuzz_alloc(n * size);
    a = fuzz_alloc_tail(n * size);
    if (a + n * size != fuzz_pool.arg + FUZZ_ARG_PAGES * PAGE_SIZE)
        *count = n;
    return a;
}

/* The vectors the fuzzer's own recovery needs (#GP, #PF, #UD, #DB, #BP)
 * keep the guest's handlers: with a random one, the next fault would
 * fault again at its handler until the domain is crashed, as it must. */
static uint8_t trap_vector(void)
{
    uint8_t v = (uint8_t)prng_next(r);

    return v == X86_EXC_GP || v == X86_EXC_PF || v == X86_EXC_UD || v == X86_EXC_DB ||
           v == X86_EXC_BP ? (uint8_t)(v | 0x20) : v;
}

static void gen_trap_table(struct fuzz_call *c)
{
    unsigned int n = 1 + (unsigned int)prng_below(r, 8);
    struct trap_info *t = fuzz_alloc(n * sizeof(*t));

    for (unsigned int i = 0; i < n; i++) {
        t[i].vector = trap_vector();
        t[i].flags = (uint8_t)(prng_one_in(r, 2) ? prng_below(r, 4) : prng_next(r));
        t[i].cs = prng_one_in(r, 2) ? FLAT_KERNEL_CS : (uint16_t)fuzz_int();
        t[i].address = fuzz_bad_addr();
    }
    if (prng_one_in(r, 2))
        memset(&t[n - 1], 0, sizeof(t[n - 1]));
    /* Never a buffer of random bytes: they could replace the handlers above. */
    c->a[0] = prng_one_in(r, 8) ? fuzz_bad_addr() : (uint64_t)t;
    fuzz_pool.dirty |= DIRTY_TRAPS;
}

static void gen_mmu_update(struct fuzz_call *c)
{
    unsigned int n = 1 + (unsigned int)prng_below(r, 8), count = count_for(n);
    struct mmu_update *u = array_for(n, &count, sizeof(*u));

    for (unsigned int i = 0; i < n; i++) {
        unsigned int cmd = prng_one_in(r, 8) ? (unsigned int)prng_below(r, 8) : 0;

        if (cmd == MMU_MACHPHYS_UPDATE) {
            u[i].ptr = fuzz_mfn() << PAGE_SHIFT | cmd;
            u[i].val = prng_one_in(r, 2) ? prng_below(r, 0x20000) : fuzz_int();
        } else {
            u[i].ptr = (fuzz_pt_maddr() & ~7ULL) | cmd;
            u[i].val = fuzz_pte();
        }
    }
    c->a[0] = prng_one_in(r, 16) ? fuzz_bad_addr() : (uint64_t)u;
    c->a[1] = count;
    c->a[2] = prng_one_in(r, 2) ? 0 : fuzz_ptr(4);
    c->a[3] = prng_one_in(r, 2) ? DOMID_SELF : fuzz_int();
}

static void gen_set_gdt(struct fuzz_call *c)
{
    unsigned int n = 1 + (unsigned int)prng_below(r, 16);
    uint64_t *frames = fuzz_alloc(n * 8);

    for (unsigned int i = 0; i < n; i++)
        frames[i] = fuzz_mfn();
    c->a[0] = prng_one_in(r, 8) ? fuzz_bad_addr() : (uint64_t)frames;
    c->a[1] = prng_one_in(r, 2) ? prng_below(r, n * 512 + 2) : fuzz_int();
    fuzz_pool.dirty |= DIRTY_GDT;
}

static void gen_update_descriptor(struct fuzz_call *c)
{
    uint64_t d = prng_next(r);

    switch (prng_below(r, 4)) {
    case 0:     /* present, DPL 3, S=1: code or data with random limit/base */
        d = (d & ~(0xfULL << 44)) | 0xfULL << 44;
        break;
    case 1:     /* system descriptor: call gate, TSS, LDT */
        d = (d & ~(0x1fULL << 40)) | (0x80ULL | 0x60 | (prng_below(r, 16))) << 40;
        break;
    case 2:
        d = 0;
        break;
    default:
        break;
    }
    c->a[0] = fuzz_mfn() << PAGE_SHIFT |
              (prng_one_in(r, 8) ? prng_below(r, PAGE_SIZE) : prng_below(r, 512) * 8);
    c->a[1] = d;
}

static void gen_memory_op(struct fuzz_call *c)
{
    static const uint8_t safe[] = { 2, 3, 4, 5, 9, 10, 12, 13, 14, 16, 17, 18, 19, 20, 21, 24,
                                    25, 26, 27, 28, 29, 30, 63 };
    uint64_t cmd = safe[prng_below(r, ARRAY_SIZE(safe))];

    if (prng_one_in(r, 8))
        cmd |= prng_below(r, 1 << 20) << 6;             /* continuation bits */
    c->a[0] = cmd;
    if (cmd == XENMEM_memory_map || cmd == XENMEM_machine_memory_map) {
        struct xen_memory_map *m = fuzz_alloc(sizeof(*m));

        m->nr_entries = (unsigned int)count_for(64);
        m->buffer = fuzz_ptr(20 * 32);
        c->a[1] = (uint64_t)m;
    } else if (cmd == XENMEM_current_reservation || cmd == XENMEM_maximum_reservation ||
               cmd == XENMEM_maximum_gpfn) {
        domid_t *d = fuzz_alloc(8);

        *d = prng_one_in(r, 2) ? DOMID_SELF : (domid_t)fuzz_int();
        c->a[1] = prng_one_in(r, 4) ? fuzz_ptr(2) : (uint64_t)d;
    } else {
        c->a[1] = fuzz_ptr(64);
    }
}

static bool blocks(const struct fuzz_call *c)
{
    return (c->nr == __HYPERVISOR_sched_op || c->nr == __HYPERVISOR_sched_op_compat) &&
           (c->a[0] == SCHEDOP_block || c->a[0] == SCHEDOP_poll);
}

/* Up to 6 generated calls; a call that blocks gets a one-shot timer
 * armed just before it, in the batch (the batch's other calls may have
 * moved or used up the one armed when it was generated). */
static void gen_multicall(struct fuzz_call *c, unsigned int depth)
{
    struct fuzz_call sub[12];
    unsigned int n = 0, want = 1 + (unsigned int)prng_below(r, 6), count;
    struct multicall_entry *m;

    while (want--) {
        fuzz_gen_call(&sub[n], depth + 1);
        if (blocks(&sub[n])) {
            sub[n + 1] = sub[n];
            sub[n] = (struct fuzz_call){ .nr = __HYPERVISOR_set_timer_op,
                                         .a[0] = system_time_ns() + 1000000 };
            n++;
        }
        n++;
    }
    count = count_for(n);
    m = array_for(n, &count, sizeof(*m));
    for (unsigned int i = 0; i < n; i++) {
        m[i].op = sub[i].nr;
        for (unsigned int k = 0; k < 5; k++)
            m[i].args[k] = sub[i].a[k];
        if (fuzz_verbose)
            printk("fuzz:   multicall depth %u entry %u: %lu (%#lx, %#lx, %#lx, %#lx, %#lx)\n",
                   depth, i, sub[i].nr, sub[i].a[0], sub[i].a[1], sub[i].a[2], sub[i].a[3],
                   sub[i].a[4]);
    }
    c->a[0] = prng_one_in(r, 16) ? fuzz_bad_addr() : (uint64_t)m;
    c->a[1] = count;
    fuzz_pool.dirty = DIRTY_ALL;
}

static void gen_update_va_mapping(struct fuzz_call *c, bool other)
{
    static const uint64_t flags[] = { UVMF_NONE, UVMF_TLB_FLUSH, UVMF_INVLPG,
                                      UVMF_TLB_FLUSH | UVMF_ALL, UVMF_INVLPG | UVMF_ALL };

    c->a[0] = fuzz_va();
    c->a[1] = fuzz_pte();
    c->a[2] = prng_one_in(r, 4) ? fuzz_ptr(8) | (prng_below(r, 4) & ~4ULL)   /* vcpumask */
                                : flags[prng_below(r, ARRAY_SIZE(flags))];
    if (prng_one_in(r, 16))
        c->a[2] = fuzz_int();
    if (other)
        c->a[3] = prng_one_in(r, 2) ? DOMID_SELF : fuzz_int();
}

static void gen_sched_op(struct fuzz_call *c, bool compat)
{
    static const uint8_t cmds[] = { SCHEDOP_yield, SCHEDOP_block, SCHEDOP_poll,
                                    SCHEDOP_shutdown_code, SCHEDOP_pin_override, 8, 9, 255 };
    unsigned int cmd = cmds[prng_below(r, ARRAY_SIZE(cmds))];

    if (cmd == SCHEDOP_block || cmd == SCHEDOP_poll)
        arm_timer();
    c->a[0] = cmd;
    if (cmd == SCHEDOP_poll) {
        struct sched_poll *p = fuzz_alloc(sizeof(*p));

        p->ports = fuzz_ptr(8);
        p->nr_ports = (unsigned int)count_for(8);
        p->timeout = system_time_ns() + 1000000;
        c->a[1] = (uint64_t)p;
    } else {
        c->a[1] = compat ? fuzz_int() : fuzz_ptr(8);
    }
    if (compat && cmd == SCHEDOP_shutdown_code)
        c->a[0] = SCHEDOP_yield;        /* compat passes arguments differently */
}

static void gen_vcpu_op(struct fuzz_call *c)
{
    static const uint8_t safe_anywhere[] = { VCPUOP_is_up, VCPUOP_get_runstate_info,
                                             VCPUOP_register_runstate_memory_area,
                                             VCPUOP_set_periodic_timer, VCPUOP_stop_periodic_timer,
                                             VCPUOP_set_singleshot_timer,
                                             VCPUOP_stop_singleshot_timer, VCPUOP_get_physid,
                                             VCPUOP_register_vcpu_time_memory_area, 16, 64 };
    static const uint8_t other_only[] = { VCPUOP_initialise, VCPUOP_up, VCPUOP_down,
                                          VCPUOP_register_vcpu_info, VCPUOP_send_nmi };
    bool mine = prng_one_in(r, 2);

    if (mine) {
        c->a[0] = safe_anywhere[prng_below(r, ARRAY_SIZE(safe_anywhere))];
        c->a[1] = 0;
    } else {
        c->a[0] = prng_one_in(r, 2) ? other_only[prng_below(r, ARRAY_SIZE(other_only))]
                                    : safe_anywhere[prng_below(r, ARRAY_SIZE(safe_anywhere))];
        c->a[1] = 64 + prng_below(r, 1u << 31);         /* no such vCPU */
    }
    if (c->a[0] == VCPUOP_set_singleshot_timer) {
        struct vcpu_set_singleshot_timer *t = fuzz_alloc(sizeof(*t));

        t->timeout_abs_ns = prng_one_in(r, 2) ? system_time_ns() + prng_below(r, 2000000)
                                              : fuzz_int();
        t->flags = (uint32_t)prng_below(r, 4);
        c->a[2] = (uint64_t)t;
    } else if (c->a[0] == VCPUOP_register_runstate_memory_area ||
               c->a[0] == VCPUOP_register_vcpu_time_memory_area) {
        uint64_t *addr = fuzz_alloc(8);

        *addr = fuzz_ptr(48);
        c->a[2] = (uint64_t)addr;
    } else {
        c->a[2] = fuzz_ptr(64);
    }
    fuzz_pool.dirty |= DIRTY_TIMER | DIRTY_VCPU_AREA;
}

static void gen_mmuext_op(struct fuzz_call *c)
{
    unsigned int n = 1 + (unsigned int)prng_below(r, 6), count = count_for(n);
    struct mmuext_op *o = array_for(n, &count, sizeof(*o));

    for (unsigned int i = 0; i < n; i++) {
        unsigned int cmd = (unsigned int)prng_below(r, 24);

        if (prng_one_in(r, 32))
            cmd = (unsigned int)prng_next(r);
        o[i].cmd = cmd;
        o[i].arg1.mfn = fuzz_mfn();
        o[i].arg2.src_mfn = prng_one_in(r, 2) ? fuzz_mfn() : fuzz_ptr(8);
        switch (cmd) {
        case MMUEXT_NEW_BASEPTR:        /* only the current one, or one not ours */
            o[i].arg1.mfn = prng_one_in(r, 2) ? l4_mfn : fuzz_pool.foreign_mfn;
            break;
        case MMUEXT_INVLPG_LOCAL:
        case MMUEXT_INVLPG_MULTI:
        case MMUEXT_INVLPG_ALL:
            o[i].arg1.linear_addr = prng_one_in(r, 2) ? fuzz_va() : fuzz_int();
            break;
        case MMUEXT_SET_LDT:
            o[i].arg1.linear_addr = prng_one_in(r, 4) ? fuzz_int() : fuzz_va();
            o[i].arg2.nr_ents = (uint32_t)(prng_one_in(r, 2) ? prng_below(r, 8193) : fuzz_int());
            break;
        case MMUEXT_COPY_PAGE:
            o[i].arg2.src_mfn = prng_one_in(r, 4) ? virt_to_mfn(fuzz_pool.arg) : fuzz_mfn();
            break;
        default:
            break;
        }
    }
    c->a[0] = prng_one_in(r, 16) ? fuzz_bad_addr() : (uint64_t)o;
    c->a[1] = count;
    c->a[2] = prng_one_in(r, 2) ? 0 : fuzz_ptr(4);
    c->a[3] = prng_one_in(r, 2) ? DOMID_SELF : fuzz_int();
    fuzz_pool.dirty |= DIRTY_LDT | DIRTY_USER_PT;
}

static void gen_console_io(struct fuzz_call *c)
{
    unsigned int len = 1 + (unsigned int)prng_below(r, 24);
    char *text = fuzz_alloc(len);

    for (unsigned int i = 0; i < len - 1; i++)      /* printable lines: the log stays readable */
        text[i] = (char)(' ' + prng_below(r, 95));
    text[len - 1] = '\n';
    c->a[0] = prng_below(r, 4);                     /* write, read, two unknown */
    if (prng_one_in(r, 2)) {
        c->a[1] = len;
        c->a[2] = (uint64_t)text;
    } else {    /* large counts only where copying faults at once */
        static const uint64_t bad[] = { HV_ADDRESS, NONCANONICAL_ADDRESS, UNMAPPED_VA, 0 };

        c->a[1] = fuzz_int();
        c->a[2] = bad[prng_below(r, ARRAY_SIZE(bad))];
    }
}

static void gen_physdev_op(struct fuzz_call *c)
{
    unsigned int cmd = (unsigned int)prng_below(r, 34);

    if (cmd == PHYSDEVOP_apic_write)
        cmd = PHYSDEVOP_apic_read;
    c->a[0] = cmd;
    if (cmd == PHYSDEVOP_set_iobitmap) {
        struct physdev_set_iobitmap *b = fuzz_alloc(sizeof(*b));

        b->bitmap = fuzz_ptr(1024);
        b->nr_ports = (uint32_t)fuzz_int();
        c->a[1] = (uint64_t)b;
    } else {
        c->a[1] = fuzz_ptr(32);
    }
    fuzz_pool.dirty |= DIRTY_IOPL;
}

/* The wall-clock settings with random times, mostly well formed (so that
 * the setting itself runs), sometimes with another version, a set mbz,
 * another command, or cut off by the guard page. */
static void gen_platform_op(struct fuzz_call *c)
{
    static const uint32_t cmds[] = { XENPF_settime32, XENPF_settime64, XENPF_settime64 };
    struct xen_platform_op *op;

    if (prng_one_in(r, 8)) {
        op = fuzz_alloc_tail(sizeof(*op) - 1 - (unsigned int)prng_below(r, sizeof(*op) - 1));
        c->a[0] = (uint64_t)op;
        return;
    }
    op = fuzz_alloc(sizeof(*op));
    op->cmd = prng_one_in(r, 8) ? (uint32_t)fuzz_int() : cmds[prng_below(r, ARRAY_SIZE(cmds))];
    op->interface_version = prng_one_in(r, 8) ? (uint32_t)fuzz_int() : XENPF_INTERFACE_VERSION;
    if (op->cmd == XENPF_settime64 && !prng_one_in(r, 4))
        op->u.settime64.mbz = 0;
    c->a[0] = (uint64_t)op;
}

static void gen_callback_op(struct fuzz_call *c)
{
    struct callback_register *cb = fuzz_alloc(sizeof(*cb));

    cb->type = (uint16_t)(prng_one_in(r, 4) ? fuzz_int() : prng_below(r, 8));
    cb->flags = (uint16_t)fuzz_int();
    cb->address = fuzz_bad_addr();
    c->a[0] = prng_one_in(r, 4) ? fuzz_int() : prng_below(r, 2);
    c->a[1] = prng_one_in(r, 8) ? fuzz_bad_addr() : (uint64_t)cb;
    fuzz_pool.dirty |= DIRTY_TRAPS | DIRTY_NMI;
}

static void gen_default(struct fuzz_call *c)
{
    for (unsigned int k = 0; k < 5; k++)
        c->a[k] = prng_one_in(r, 2) ? fuzz_int() : fuzz_ptr(64);
}

static uint64_t pick_number(unsigned int depth)
{
    /* Mostly the hypercalls with something behind them (what Xen defines
     * for a 64-bit PV guest), the rest spread over every number. */
    static const uint8_t defined[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 17, 18,
                                       20, 21, 22, 24, 25, 26, 28, 29, 30, 32, 33 };
    uint64_t nr;

    do {
        if (prng_one_in(r, 32))
            nr = prng_one_in(r, 2) ? 64 + prng_below(r, 64) : fuzz_int();
        else if (prng_one_in(r, 4))
            nr = prng_below(r, NR_NUMBERS);
        else
            nr = defined[prng_below(r, ARRAY_SIZE(defined))];
    } while (nr == __HYPERVISOR_iret || nr == KEXEC_OP ||
             (nr == __HYPERVISOR_multicall && depth > 1));
    return nr;
}

void fuzz_gen_call(struct fuzz_call *c, unsigned int depth)
{
    memset(c, 0, sizeof(*c));
    c->nr = pick_number(depth);
    gen_default(c);
    switch (c->nr) {
    case __HYPERVISOR_set_trap_table: gen_trap_table(c); break;
    case __HYPERVISOR_mmu_update: gen_mmu_update(c); break;
    case __HYPERVISOR_set_gdt: gen_set_gdt(c); break;
    case __HYPERVISOR_stack_switch:
        c->a[0] = prng_one_in(r, 2) ? FLAT_KERNEL_SS : fuzz_int();
        c->a[1] = fuzz_bad_addr();
        fuzz_pool.dirty |= DIRTY_TRAPS;
        break;
    case __HYPERVISOR_set_callbacks:
        for (unsigned int k = 0; k < 3; k++)
            c->a[k] = fuzz_bad_addr();
        fuzz_pool.dirty |= DIRTY_TRAPS;
        break;
    case __HYPERVISOR_fpu_taskswitch: fuzz_pool.dirty |= DIRTY_FPU; break;
    case __HYPERVISOR_sched_op_compat: gen_sched_op(c, true); break;
    case __HYPERVISOR_set_debugreg:
        c->a[0] = prng_one_in(r, 4) ? fuzz_int() : prng_below(r, 8);
        c->a[1] = prng_one_in(r, 2) ? fuzz_int() : fuzz_bad_addr();
        if (c->a[0] < 4)
            fuzz_pool.dr[c->a[0]] = c->a[1];
        if (c->a[0] == 7 || c->a[0] == 5)
            c->a[1] = fuzz_dr7(c->a[1]);
        fuzz_pool.dirty |= DIRTY_DEBUG;
        break;
    case __HYPERVISOR_get_debugreg:
        c->a[0] = prng_one_in(r, 4) ? fuzz_int() : prng_below(r, 8);
        break;
    case __HYPERVISOR_update_descriptor: gen_update_descriptor(c); break;
    case __HYPERVISOR_memory_op: gen_memory_op(c); break;
    case __HYPERVISOR_multicall: gen_multicall(c, depth); break;
    case __HYPERVISOR_update_va_mapping: gen_update_va_mapping(c, false); break;
    case __HYPERVISOR_update_va_mapping_otherdomain: gen_update_va_mapping(c, true); break;
    case __HYPERVISOR_set_timer_op:
        c->a[0] = prng_one_in(r, 2) ? system_time_ns() + prng_below(r, 2000000) : fuzz_int();
        fuzz_pool.dirty |= DIRTY_TIMER;
        break;
    case __HYPERVISOR_xen_version:
        c->a[0] = prng_one_in(r, 4) ? fuzz_int() : prng_below(r, 16);
        c->a[1] = fuzz_ptr(1024);
        break;
    case __HYPERVISOR_console_io: gen_console_io(c); break;
    case __HYPERVISOR_vm_assist:
        c->a[0] = prng_one_in(r, 4) ? fuzz_int() : prng_below(r, 2);
        c->a[1] = prng_one_in(r, 4) ? fuzz_int() : prng_below(r, 8);
        fuzz_pool.dirty |= DIRTY_VMASSIST;
        break;
    case __HYPERVISOR_vcpu_op: gen_vcpu_op(c); break;
    case __HYPERVISOR_set_segment_base:
        c->a[0] = prng_one_in(r, 4) ? fuzz_int() : prng_below(r, 5);
        c->a[1] = prng_one_in(r, 2) ? fuzz_int() : fuzz_bad_addr();
        fuzz_pool.dirty |= DIRTY_SEGBASE;
        break;
    case __HYPERVISOR_mmuext_op: gen_mmuext_op(c); break;
    case __HYPERVISOR_nmi_op: fuzz_pool.dirty |= DIRTY_NMI; break;
    case __HYPERVISOR_sched_op: gen_sched_op(c, false); break;
    case __HYPERVISOR_event_channel_op:
    case __HYPERVISOR_event_channel_op_compat:
        fuzz_pool.dirty |= DIRTY_EVENTS;     /* may close the kernel's timer port */
        break;
    case __HYPERVISOR_callback_op: gen_callback_op(c); break;
    case __HYPERVISOR_platform_op: gen_platform_op(c); break;
    case __HYPERVISOR_physdev_op: gen_physdev_op(c); break;
    case __HYPERVISOR_physdev_op_compat: {   /* the command inside the argument */
        uint32_t *op = fuzz_alloc(32);

        gen_physdev_op(c);
        op[0] = (uint32_t)c->a[0];
        c->a[0] = prng_one_in(r, 8) ? fuzz_bad_addr() : (uint64_t)op;
        break;
    }
    default:
        break;
    }
}

long fuzz_do_call(const struct fuzz_call *c)
{
    register uint64_t r10 __asm__("r10") = c->a[3];
    register uint64_t r8 __asm__("r8") = c->a[4];
    uint64_t a1 = c->a[0], a2 = c->a[1], a3 = c->a[2];
    long ret;

    if (c->nr < 128)
        return hypercall((unsigned int)c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4]);
    ret = (long)c->nr;
    __asm__ volatile("syscall"
                     : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     :
                     : "rcx", "r11", "memory");
    return ret;
}
