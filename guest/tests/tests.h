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
/* version.c */
void test_version_number(void);
void test_version_extraversion(void);
void test_version_capabilities(void);
void test_version_features(void);
void test_version_pagesize(void);
void test_version_bad_cmd(void);
/* hypercall.c */
void test_hypercall_bad_number(void);
void test_hypercall_preserves_registers(void);
void test_multicall(void);
/* emulation.c */
void test_cpuid_signature(void);
void test_forced_emulation_ud(void);
void test_read_cr3(void);
void test_wrmsr_fs_base_noncanonical(void);
void test_rdmsr_unknown(void);
/* traps.c */
void test_int3(void);
void test_int80_no_entry(void);
void test_int81_dpl0(void);
void test_int80_dpl3(void);
void test_set_trap_table_fault(void);
void test_stack_switch_bad_ss(void);
void test_set_segment_base(void);
void test_set_debugreg(void);
void test_debugreg_bad_register(void);
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
void test_update_va_mapping_hv_address(void);
/* memory_op.c */
void test_memory_current_reservation(void);
void test_memory_maximum_ram_page(void);
void test_memory_map(void);
/* sched.c */
void test_vcpu_is_up(void);
void test_sched_yield(void);
void test_timer_block(void);
/* absent.c: interfaces that may not exist yet */
void test_evtchn_loopback(void);
void test_gnttab_query_size(void);

#endif
