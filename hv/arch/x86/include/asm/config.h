/* The hypervisor's virtual address layout and basic constants.  Usable
 * from assembly.  Everything the hypervisor maps lives in PML4 slots
 * 256-271 (0xffff800000000000-0xffff87ffffffffff), the range Xen reserves
 * for itself, so that 64-bit PV guests can use the rest of the address
 * space exactly as on Xen.  See docs/memory-layout.md. */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

#ifdef __ASSEMBLY__
#define _AC(x, s) x
#else
#define _AC(x, s) x##s
#endif

/* PML4 slot 256: read-only machine-to-phys table for guests (later). */
#define RO_MPT_VIRT_START     _AC(0xffff800000000000, UL)
#define RO_MPT_VIRT_END       _AC(0xffff808000000000, UL)
/* Slot 261 holds the hypervisor's own fixed windows. */
#define PERCPU_GDT_VIRT_START _AC(0xffff828000000000, UL) /* 16 pages per CPU */
#define PERCPU_LDT_VIRT_START _AC(0xffff828100000000, UL) /* 16 pages per CPU */
#define IOREMAP_VIRT_START    _AC(0xffff82c000000000, UL) /* MMIO, uncached */
#define IOREMAP_VIRT_END      _AC(0xffff82d000000000, UL)
#define HV_VIRT_START         _AC(0xffff82d080000000, UL) /* image: VA = this + PA */
#define HV_VIRT_END           _AC(0xffff82d0c0000000, UL)
/* Slots 262-271: direct map of all RAM (5 TiB). */
#define DIRECTMAP_VIRT_START  _AC(0xffff830000000000, UL)
#define DIRECTMAP_VIRT_END    _AC(0xffff880000000000, UL)

/* The image is loaded at 2 MiB physical and runs at HV_VIRT_START + PA. */
#define HV_LOAD_PHYS          _AC(0x200000, UL)

/* Per-CPU stack block: 64 KiB, naturally aligned, so that the CPU's
 * cpu_info (at the top) can be found from any stack pointer inside it,
 * including the IST stacks at the bottom. */
#define STACK_ORDER           4
#define STACK_SIZE            (_AC(4096, UL) << STACK_ORDER)
#define IST_DF_OFFSET         _AC(0x1000, UL)   /* each IST stack's top */
#define IST_NMI_OFFSET        _AC(0x2000, UL)
#define IST_MCE_OFFSET        _AC(0x3000, UL)
#define IST_DB_OFFSET         _AC(0x4000, UL)
#define PRIMARY_STACK_BOTTOM  _AC(0x4000, UL)

#define NR_CPUS               64

/* struct cpu_info sits at the top of each CPU's stack block. */
#define CPU_INFO_SIZE         256

/* GDT: Xen's reserved selectors, in a page that sits at entry 7168
 * (selector 0xe000) of each CPU's GDT window. */
#define FIRST_RESERVED_GDT_PAGE  14
#define LDT_WINDOW_PAGES         16   /* 8192 entries, Xen's LDT limit */
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_PAGE * 512)
#define GDT_WINDOW_PAGES         16
#define GDT_LIMIT                ((FIRST_RESERVED_GDT_PAGE + 1) * 4096 - 1)
#define HYPERVISOR_CS         0xe008
#define HYPERVISOR_DS         0xe010
#define FLAT_RING3_CS32       0xe023
#define FLAT_RING3_DS32       0xe02b
#define FLAT_RING3_CS64       0xe033
#define TSS_SELECTOR          0xe040
#define LDT_SELECTOR          0xe050

/* Interrupt vectors. */
#define VECTOR_SPURIOUS       0xff
#define VECTOR_TIMER          0xf0
#define VECTOR_CALL_FUNCTION  0xf1
#define VECTOR_EVENT_CHECK    0xf2
#define VECTOR_ERROR          0xfe

#endif
