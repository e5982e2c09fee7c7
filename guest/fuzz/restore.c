/* After every iteration, the guest's own set-up comes back: whatever
 * the last operation may have changed (fuzz_pool.dirty) is put back the
 * way the kernel set it up at boot, so that the next exception, event or
 * segment load finds the guest's handlers and tables.  A failure here
 * means the hypervisor no longer accepts the guest's own good values:
 * fatal. */
#include <arch.h>
#include <events.h>
#include <hypercall.h>
#include <kernel.h>
#include <public/physdev.h>
#include <traps.h>
#include "fuzz.h"

static uint16_t boot_ds, boot_es, boot_ss;

void fuzz_restore_init(void)
{
    __asm__ volatile("mov %%ds, %0; mov %%es, %1; mov %%ss, %2"
                     : "=r"(boot_ds), "=r"(boot_es), "=r"(boot_ss));
}

static void must(const char *what, long rc)
{
    if (rc)
        panic("fuzz: restoring %s failed (%ld)", what, rc);
}

static void restore_segments(void)
{
    __asm__ volatile("mov %0, %%ds; mov %1, %%es; mov %2, %%ss; mov %3, %%fs; mov %3, %%gs"
                     : : "r"(boot_ds), "r"(boot_es), "r"(boot_ss), "r"(0));
}

static void restore_vm_assist(void)
{
    /* The guest runs with none enabled (types Xen does not know, or 32-bit
     * only, are refused and stay off). */
    for (unsigned int type = 0; type < 8; type++)
        hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_disable, type, 0, 0, 0);
    hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_disable, VMASST_TYPE_m2p_strict, 0, 0, 0);
}

static void restore_debug(void)
{
    must("DR7", hypercall_set_debugreg(7, 0));
    for (unsigned int i = 0; i < 4; i++) {
        must("DR0-3", hypercall_set_debugreg(i, 0));
        fuzz_pool.dr[i] = 0;
    }
    hypercall_set_debugreg(6, 0xffff0ff0);
}

static void restore_descriptors(void)
{
    struct mmuext_op ldt = { .cmd = MMUEXT_SET_LDT };

    must("the GDT", hypercall(__HYPERVISOR_set_gdt, 0, 0, 0, 0, 0));
    must("the LDT", hypercall_mmuext_op(&ldt, 1, NULL, DOMID_SELF));
}

static void restore_vcpu(unsigned int dirty)
{
    if (dirty & DIRTY_TIMER) {
        hypercall_set_timer_op(0);
        hypercall_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
        hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    }
    if (dirty & DIRTY_VCPU_AREA) {
        uint64_t none = 0;

        hypercall_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &none);
        hypercall_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &none);
    }
}

static void restore_io(void)
{
    struct physdev_set_iopl iopl = { .iopl = 0 };
    struct physdev_set_iobitmap bitmap = { .bitmap = 0, .nr_ports = 0 };

    hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (uint64_t)&iopl, 0, 0, 0);
    hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iobitmap, (uint64_t)&bitmap, 0, 0, 0);
}

void fuzz_restore(void)
{
    unsigned int dirty = fuzz_pool.dirty;

    fuzz_pool.dirty = 0;
    if (dirty & DIRTY_SEGMENTS)
        restore_segments();
    if (dirty & DIRTY_DEBUG)
        restore_debug();
    if (dirty & (DIRTY_TRAPS | DIRTY_NMI)) {
        struct callback_unregister nmi = { .type = CALLBACKTYPE_nmi };

        hypercall_callback_op(CALLBACKOP_unregister, &nmi);
        traps_init();                   /* trap table, callbacks, stack_switch */
    }
    if (dirty & DIRTY_FPU)
        must("CR0.TS", hypercall(__HYPERVISOR_fpu_taskswitch, 0, 0, 0, 0, 0));
    if (dirty & (DIRTY_GDT | DIRTY_LDT))
        restore_descriptors();
    if (dirty & DIRTY_USER_PT) {
        struct mmuext_op op = { .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = 0 };

        must("the user page table", hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF));
    }
    restore_vcpu(dirty);
    if (dirty & DIRTY_IOPL)
        restore_io();
    if (dirty & DIRTY_SEGBASE) {
        for (unsigned int which = SEGBASE_FS; which <= SEGBASE_GS_USER_SEL; which++)
            must("a segment base", hypercall_set_segment_base(which, 0));
    }
    if (dirty & DIRTY_VMASSIST)
        restore_vm_assist();
    if (dirty & DIRTY_EVENTS) {
        events_repair();
        shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
    }
}
