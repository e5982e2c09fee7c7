/* Feature bits: XENVER_get_features returns them 32 at a time, and a guest
 * names them (without the XENFEAT_ prefix, '|'-separated, '!' marking a
 * required one) in its ELF note FEATURES, or as a bitmap in
 * SUPPORTED_FEATURES.  Constants only; usable from assembly. */
#ifndef PUBLIC_FEATURES_H
#define PUBLIC_FEATURES_H

#define XENFEAT_writable_page_tables        0  /* page tables may be written directly */
#define XENFEAT_writable_descriptor_tables  1  /* GDT/LDT may be written directly */
#define XENFEAT_auto_translated_physmap     2  /* the hypervisor translates PFN <-> MFN */
#define XENFEAT_supervisor_mode_kernel      3  /* the guest kernel runs in ring 0 */
#define XENFEAT_pae_pgdir_above_4gb         4  /* (32-bit) PAE page directories above 4 GiB */
#define XENFEAT_mmu_pt_update_preserve_ad   5  /* MMU_PT_UPDATE_PRESERVE_AD works */
#define XENFEAT_highmem_assist              6  /* MMUEXT_CLEAR_PAGE / COPY_PAGE work */
#define XENFEAT_gnttab_map_avail_bits       7  /* GNTMAP_guest_avail* honoured */
#define XENFEAT_hvm_callback_vector         8  /* HVM */
#define XENFEAT_hvm_safe_pvclock            9  /* HVM */
#define XENFEAT_hvm_pirqs                  10  /* HVM */
#define XENFEAT_dom0                       11  /* may run as dom0 */
/*                                         12     retired (grant_map_identity) */
#define XENFEAT_memory_op_vnode_supported  13  /* XENMEMF_vnode accepted */
#define XENFEAT_ARM_SMCCC_supported        14  /* Arm */
#define XENFEAT_linux_rsdp_unrestricted    15  /* PVH */
#define XENFEAT_not_direct_mapped          16  /* guest frames != machine frames */
#define XENFEAT_direct_mapped              17  /* guest frames == machine frames */
#define XENFEAT_runstate_phys_area         18  /* VCPUOP_register_runstate_phys_area */
#define XENFEAT_vcpu_time_phys_area        19  /* VCPUOP_register_vcpu_time_phys_area */
#define XENFEAT_dm_msix_all_writes         20  /* device models */

#define XENFEAT_NR_SUBMAPS 1   /* 32-bit submaps in use */

#endif
