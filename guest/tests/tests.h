/* The in-guest tests, one function each, listed in list.c. */
#ifndef GUEST_TESTS_H
#define GUEST_TESTS_H

#include <stdint.h>

/* An address inside the range the hypervisor reserves (PML4 slots
 * 256-271): never a guest address, whatever is mapped there. */
#define HV_ADDRESS 0xffff830000000000UL
/* Non-canonical: bit 63 set, bits 62-47 clear. */
#define NONCANONICAL_ADDRESS 0x8000000000000000UL

/* console.c */
void test_console_write(void);
void test_console_write_fault(void);
void test_console_read_nothing_waiting(void);
void test_console_read_count_too_big(void);
void test_console_read_typed(void);
/* version.c */
void test_version_number(void);
void test_version_extraversion(void);
void test_version_capabilities(void);
void test_version_features(void);
void test_version_pagesize(void);
void test_version_bad_cmd(void);
void test_version_bad_buffer(void);
/* hypercall.c */
void test_hypercall_bad_number(void);
void test_hypercall_preserves_registers(void);
void test_multicall(void);
void test_multicall_nested(void);
void test_multicall_many(void);
void test_multicall_iret_stops(void);
/* emulation.c */
void test_cpuid_signature(void);
void test_cpuid_leaf1_pv(void);
void test_ptwr_bit_operations(void);
void test_stack_switch_gdt_selector(void);
void test_forced_emulation_ud(void);
void test_read_cr3(void);
/* cr3_write.c */
void test_write_cr3(void);
void test_wrmsr_fs_base_noncanonical(void);
void test_rdmsr_unknown(void);
/* traps.c */
void test_int3(void);
void test_trap_clears_df(void);
void test_int80_no_entry(void);
void test_int81_dpl0(void);
void test_int80_dpl3(void);
void test_set_trap_table_fault(void);
void test_stack_switch_bad_ss(void);
void test_set_segment_base(void);
void test_set_debugreg(void);
void test_debug_dr6(void);
void test_set_trap_table_atomic(void);
void test_gs_selector_rpl(void);
void test_debugreg_bad_register(void);
/* gnttab_table.c, gnttab_version.c */
void test_gnttab_query_size(void);
void test_gnttab_setup_table(void);
void test_gnttab_table_frames(void);
void test_gnttab_add_to_physmap(void);
void test_gnttab_created_limits(void);
void test_gnttab_get_version(void);
void test_gnttab_set_version_bad(void);
void test_gnttab_switch_version(void);
/* gnttab_copy.c */
void test_gnttab_copy(void);
void test_gnttab_copy_refused(void);
void test_gnttab_copy_batch(void);
void test_gnttab_copy_sub_page(void);
void test_gnttab_copy_long_batch(void);
void test_gnttab_swap_grant_ref(void);
void test_gnttab_absent_commands(void);
/* xenbus.c */
void test_xenbus_control_poweroff(void);
void test_xenbus_control_reboot(void);
void test_xenbus_control_unknown(void);
void test_xenbus_balloon_target(void);
void test_xenbus_console_device(void);
void test_xenbus_watch_callbacks(void);
void test_xenbus_watch_forged_token(void);
void test_xenbus_backend_checks_frontend(void);
void test_xenbus_transaction_conflict(void);
void test_xenbus_errors(void);
void test_xenbus_device_dirs(void);
/* balloon.c */
void test_balloon_down_up(void);
void test_balloon_pages_usable(void);
/* mm.c */
void test_p2m_m2p_agree(void);
void test_page_alloc_many(void);
void test_map_unmap_page(void);
void test_mmu_update_foreign_frame(void);
void test_write_page_table(void);
void test_map_page_table_writable(void);
void test_pte_available_bits(void);
void test_pin_invalid_table(void);
void test_pin_writable_page(void);
void test_unpin_twice(void);
void test_unpin_unowned(void);
void test_update_va_mapping_hv_address(void);
void test_shared_info_not_a_table(void);
/* The first RAM frame from 1 MiB up that the guest does not own, or 0. */
uint64_t test_foreign_frame(void);
/* ptwr.c */
void test_ptwr_mov(void);
void test_ptwr_xchg_cmpxchg(void);
void test_ptwr_refused(void);
void test_linear_l4(void);
void test_linear_l4_other(void);
/* mmuext.c */
void test_new_baseptr_invalid(void);
void test_new_user_baseptr_clear(void);
void test_mmuext_bad_cmd(void);
void test_mmu_update_batch_done(void);
void test_mmu_update_bad_pointer(void);
void test_mmu_update_foreigndom(void);
/* fuzz.c */
void test_hypercall_fuzz(void);
/* smp.c */
void test_smp_bringup(void);
void test_smp_stress(void);
void test_smp_ipi(void);
/* smp_events.c */
void test_smp_event_ports(void);
/* continuation.c */
void test_continuation_done_accumulates(void);
void test_continuation_mmu_update(void);
void test_continuation_in_multicall(void);
void test_continuation_multicall_between(void);
void test_continuation_pin_tree(void);
/* A hypercall with all six argument registers in and out (what a
 * continuation left in them comes back). */
long hypercall_regs(unsigned int nr, uint64_t r[6]);

/* continuation_foreign.c */
void test_continuation_foreign_pin(void);
void test_continuation_flush_all(void);
/* continuation_destroy.c */
void test_continuation_destroy_big(void);
void test_continuation_evtchn_reset(void);
/* Every port domain x can have, allocated unbound for dom0: how many. */
unsigned int fill_ports(uint16_t x);
/* continuation_undo.c */
void test_continuation_failed_tree(void);
void test_continuation_failed_tree_vcpu(void);
/* continuation_grant_grow.c */
void test_continuation_grant_grow(void);
/* desc.c */
void test_set_gdt(void);
void test_update_descriptor(void);
void test_update_descriptor_call_gate(void);
void test_set_ldt(void);
/* user.c */
void test_iret_to_user_mode(void);
void test_syscall_from_user_frame(void);
void test_iret_noncanonical_rip(void);
void test_iret_noncanonical_rsp(void);
/* mmu_checks.c */
void test_mmu_update_hv_l4_slot(void);
void test_mmu_update_unowned_target(void);
void test_mmu_update_misaligned(void);
void test_gntmap_mark_forged(void);
void test_gntmap_map_rw(void);
void test_gntmap_map_ro(void);
void test_gntmap_map_avail_bits(void);
void test_gntmap_map_by_pte(void);
void test_gntmap_map_refused(void);
void test_gntmap_map_page_table(void);
void test_gntmap_unmap_refused(void);
void test_gntmap_unmap_and_replace(void);
void test_gntmap_replace_moves_grant(void);
void test_gntmap_replace_moves_table_hold(void);
void test_gntmap_replace_scale(void);
void test_gntmap_granter_destroyed(void);
void test_gntmap_transfer(void);
void test_gntmap_domu_exchange(void);
void test_gntmap_domu_mapper_destroyed(void);
void test_mmu_update_plain_write_ldt(void);
void test_pin_superpage_entry(void);
void test_ptwr_misaligned(void);
void test_set_gdt_too_many_entries(void);
void test_ptwr_user_mode_refused(void);
/* retype.c */
void test_table_retyped_writable(void);
/* iret_flags.c */
void test_iret_rflags_vm(void);
void test_iret_rflags_vm_in_syscall(void);
/* assist.c */
void test_vm_assist(void);
void test_vm_assist_xen_types(void);
void test_callback_op_refused(void);
void test_callback_op_bad_type(void);
/* io.c */
void test_set_iopl(void);
void test_io_port_iopl(void);
void test_cli_sti_iopl(void);
void test_io_architectural_iopl(void);
/* single_step.c */
void test_single_step_dr6(void);
void test_single_step_emulated(void);
void test_user_system_insns(void);
void test_io_user_mode_iopl(void);
void test_cli_sti_upcall_mask(void);
void test_io_port_hv_console(void);
/* memory_op.c */
void test_memory_current_reservation(void);
void test_memory_maximum_ram_page(void);
void test_memory_map(void);
void test_machphys_mapping(void);
void test_hv_area_access(void);
void test_memory_maximum_ram_page_count(void);
void test_memory_op_cmd_mask(void);
/* reservation.c */
void test_memop_increase_reservation(void);
void test_memop_populate_physmap(void);
void test_memop_reservation_refused(void);
void test_memop_other_domain(void);
/* sched.c */
void test_vcpu_is_up(void);
void test_sched_yield(void);
void test_timer_block(void);
/* time.c */
void test_time_monotonic_refresh(void);
void test_time_vcpu_start_stamp(void);
void test_time_smp_monotonic(void);
/* wallclock.c */
void test_wallclock_rtc(void);
void test_settime64(void);
void test_settime32(void);
void test_settime_refused(void);
void test_wallclock_race(void);
/* time_area.c */
void test_time_area(void);
void test_time_area_refused(void);

/* refused.c */
void test_set_callbacks_noncanonical(void);
void test_stack_switch_noncanonical(void);
void test_set_segment_base_bad_which(void);
void test_set_trap_table_too_long(void);
void test_debugreg_bad_values(void);
void test_debugreg_dr45_with_de(void);
void test_shutdown_bad_reason(void);
void test_vcpu_op_bad_id(void);
void test_console_control_chars(void);
void test_set_ldt_too_many_entries(void);
void test_set_ldt_unmapped(void);
void test_set_ldt_in_gdt_window(void);
void test_memory_reservation_other_domain(void);
void test_memory_map_no_room(void);
void test_machine_memory_map_room(void);
void test_gs_selector_rpl_ldt(void);
void test_wrmsr_unlisted(void);
void test_mov_cr0_other_bits(void);
void test_smp_singleshot_other_vcpu(void);
/* runstate.c */
void test_runstate_info(void);
void test_runstate_info_refused(void);
void test_runstate_blocked(void);
void test_runstate_area_refused(void);
void test_runstate_update_flag(void);
void test_smp_runstate_offline(void);
/* vcpu_info.c */
void test_vcpu_info_refused(void);
void test_smp_vcpu_info_move(void);
/* vcpu_timer.c */
void test_periodic_set_stop(void);
void test_periodic_refused(void);
void test_periodic_not_while_blocked(void);
void test_singleshot_past(void);
void test_smp_periodic_default(void);
void test_smp_periodic_other_vcpu(void);
void test_smp_singleshot_while_down(void);
void test_pin_twice(void);

/* evtchn.c */
void test_evtchn_loopback(void);
void test_evtchn_ipi_self(void);
void test_evtchn_bad_ports(void);
void test_evtchn_bind_virq_refused(void);
void test_evtchn_bind_virq_global(void);
void test_evtchn_other_domains(void);
void test_evtchn_exhaust(void);
void test_evtchn_unmask_unbound(void);
void test_evtchn_fifo_answers(void);
void test_evtchn_bad_pointers(void);
void test_evtchn_reset(void);
void test_sched_poll(void);
void test_guest_timers(void);
void test_set_timer_op_huge(void);
void test_evtchn_virq_con_ring(void);
void test_sched_poll_refused(void);

/* xenstored.c */
void test_xenstored_local(void);
void test_xenstored_domain_entries(void);
void test_xenstored_domu_ring(void);
void test_xenstored_flood_leaves_others(void);
void test_xenstored_burst_bounded(void);
void test_xenstored_bad_message(void);
void test_xenstored_bad_loop_log_bounded(void);
void test_xenstored_domain_leaves_nothing(void);

/* domu.c */
void test_domu_console(void);
void test_domu_two_spinners_share_a_cpu(void);
void test_domu_destroy_in_every_state(void);
void test_domu_shared_info_stays_data(void);
void test_domu_ping_pong(void);
void test_domu_remote_shutdown(void);
void test_domu_flood_leaves_others(void);
void test_domu_console_no_echo(void);

/* control_sched.c */
void test_control_pause_unpause(void);
void test_control_vcpu_affinity(void);
void test_control_sched_policy(void);
void test_control_create_destroy_many(void);

/* control.c */
void test_control_checks(void);
void test_control_physinfo(void);
void test_control_domaininfo(void);
void test_control_create_refused(void);
void test_control_create_destroy(void);
void test_control_destroy_unlinks(void);
void test_control_readconsole(void);
void test_control_populate(void);
void test_control_virq_dom_exc(void);

/* control_build.c */
void test_control_vcpuinfo(void);
void test_control_setvcpucontext(void);
void test_control_setname(void);
void test_control_setmaxmem(void);
void test_control_settime(void);
void test_control_ioports(void);
/* domain_build.c */
void test_domain_build(void);
void test_domain_build_refused(void);
void test_domain_build_runs(void);
void test_domain_build_module(void);
void test_domain_build_unprivileged(void);
void test_domain_build_ioports(void);
void test_domain_build_ramdisk(void);
/* domain_image.c */
void test_domain_image_not_bzimage(void);
void test_domain_image_bzimage(void);
void test_domain_image_refused(void);
/* foreign.c */
void test_foreign_map(void);
void test_foreign_map_refused(void);
void test_foreign_map_outlives_destroy(void);
void test_foreign_pin(void);

#endif
