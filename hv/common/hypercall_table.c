/* The one table from hypercall number to handler.  Numbers without an
 * entry return -ENOSYS.  The iret hypercall is not here: it rewrites the
 * whole register frame and is dispatched by the arch entry code. */
#include <proxen/hypercall.h>
#include <proxen/lib.h>
#include <public/xen.h>

static hypercall_fn *const table[NR_HYPERCALLS] = {
    [__HYPERVISOR_set_trap_table] = do_set_trap_table,
    [__HYPERVISOR_mmu_update] = do_mmu_update,
    [__HYPERVISOR_set_gdt] = do_set_gdt,
    [__HYPERVISOR_stack_switch] = do_stack_switch,
    [__HYPERVISOR_set_callbacks] = do_set_callbacks,
    [__HYPERVISOR_fpu_taskswitch] = do_fpu_taskswitch,
    [__HYPERVISOR_sched_op_compat] = do_sched_op_compat,
    [__HYPERVISOR_platform_op] = do_platform_op,
    [__HYPERVISOR_set_debugreg] = do_set_debugreg,
    [__HYPERVISOR_get_debugreg] = do_get_debugreg,
    [__HYPERVISOR_update_descriptor] = do_update_descriptor,
    [__HYPERVISOR_memory_op] = do_memory_op,
    [__HYPERVISOR_multicall] = do_multicall,
    [__HYPERVISOR_update_va_mapping] = do_update_va_mapping,
    [__HYPERVISOR_set_timer_op] = do_set_timer_op,
    [__HYPERVISOR_xen_version] = do_xen_version,
    [__HYPERVISOR_console_io] = do_console_io,
    [__HYPERVISOR_vm_assist] = do_vm_assist,
    [__HYPERVISOR_grant_table_op] = do_grant_table_op,
    [__HYPERVISOR_update_va_mapping_otherdomain] = do_update_va_mapping_otherdomain,
    [__HYPERVISOR_vcpu_op] = do_vcpu_op,
    [__HYPERVISOR_set_segment_base] = do_set_segment_base,
    [__HYPERVISOR_mmuext_op] = do_mmuext_op,
    [__HYPERVISOR_sched_op] = do_sched_op,
    [__HYPERVISOR_callback_op] = do_callback_op,
    [__HYPERVISOR_physdev_op] = do_physdev_op,
    [__HYPERVISOR_event_channel_op] = do_event_channel_op,
    [__HYPERVISOR_domctl] = do_control,     /* public/control.h: Proxen's layout */
    [__HYPERVISOR_event_channel_op_compat] = do_event_channel_op_compat,
};

__hot_path hypercall_fn *hypercall_lookup(uint64_t nr)
{
    return nr < NR_HYPERCALLS ? table[nr] : NULL;
}
