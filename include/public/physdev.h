/* Physical device access: HYPERVISOR_physdev_op(cmd, arg), cmd
 * PHYSDEVOP_*, arg a pointer to the struct listed.  Only the I/O-privilege
 * and interrupt-status ops every PV kernel uses are laid out here; the
 * rest are numbered so that they can be recognised and refused. */
#ifndef PUBLIC_PHYSDEV_H
#define PUBLIC_PHYSDEV_H

#include "xen.h"

#define PHYSDEVOP_IRQ_UNMASK_NOTIFY  4  /* obsolete */
#define PHYSDEVOP_irq_status_query   5  /* physdev_irq_status_query */
#define PHYSDEVOP_set_iopl           6  /* physdev_set_iopl */
#define PHYSDEVOP_set_iobitmap       7  /* physdev_set_iobitmap */
#define PHYSDEVOP_apic_read          8
#define PHYSDEVOP_apic_write         9
#define PHYSDEVOP_alloc_irq_vector  10
#define PHYSDEVOP_free_irq_vector   11
#define PHYSDEVOP_eoi               12  /* physdev_eoi */
#define PHYSDEVOP_map_pirq          13
#define PHYSDEVOP_unmap_pirq        14
#define PHYSDEVOP_manage_pci_add    15
#define PHYSDEVOP_manage_pci_remove 16
#define PHYSDEVOP_pirq_eoi_gmfn_v1  17  /* physdev_pirq_eoi_gmfn */
/*                                  18     unused */
#define PHYSDEVOP_restore_msi       19
#define PHYSDEVOP_manage_pci_add_ext 20
#define PHYSDEVOP_setup_gsi         21
/*                                  22     unused */
#define PHYSDEVOP_get_free_pirq     23
#define PHYSDEVOP_pci_mmcfg_reserved 24
#define PHYSDEVOP_pci_device_add    25
#define PHYSDEVOP_pci_device_remove 26
#define PHYSDEVOP_restore_msi_ext   27
#define PHYSDEVOP_pirq_eoi_gmfn_v2  28  /* physdev_pirq_eoi_gmfn */
#define PHYSDEVOP_dbgp_op           29
#define PHYSDEVOP_prepare_msix      30
#define PHYSDEVOP_release_msix      31
#define PHYSDEVOP_pci_device_reset  32

/* physdev_irq_status_query.flags. */
#define _XENIRQSTAT_needs_eoi 0
#define XENIRQSTAT_needs_eoi  (1 << _XENIRQSTAT_needs_eoi)  /* PHYSDEVOP_eoi after service */
#define _XENIRQSTAT_shared    1
#define XENIRQSTAT_shared     (1 << _XENIRQSTAT_shared)     /* shared with other domains */

#ifndef __ASSEMBLER__

/* Set this vCPU's I/O privilege level: port access is allowed outright in
 * guest kernel mode if iopl >= 1, in guest user mode if iopl == 3. */
struct physdev_set_iopl {
    uint32_t iopl;               /* IN: 0-3 */
};
_Static_assert(sizeof(struct physdev_set_iopl) == 4, "physdev_set_iopl size");

/* Set this vCPU's I/O permission bitmap (TSS format: a clear bit allows
 * the port).  When nr_ports is non-zero two bytes are read at the last
 * port's byte, which may be one past the nr_ports bits. */
struct physdev_set_iobitmap {
    xen_ptr_t bitmap;            /* IN: uint8_t[(nr_ports + 7) / 8 (+1)] */
    uint32_t nr_ports;           /* IN: 0 removes the bitmap */
    uint32_t _pad;
};
_Static_assert(sizeof(struct physdev_set_iobitmap) == 16, "physdev_set_iobitmap size");
_Static_assert(offsetof(struct physdev_set_iobitmap, nr_ports) == 8,
               "physdev_set_iobitmap.nr_ports");

/* Signal end of interrupt for a physical IRQ. */
struct physdev_eoi {
    uint32_t irq;                /* IN */
};
_Static_assert(sizeof(struct physdev_eoi) == 4, "physdev_eoi size");

struct physdev_irq_status_query {
    uint32_t irq;                /* IN */
    uint32_t flags;              /* OUT: XENIRQSTAT_* */
};
_Static_assert(sizeof(struct physdev_irq_status_query) == 8, "physdev_irq_status_query size");

/* Register a page the hypervisor marks with one bit per PIRQ that needs
 * PHYSDEVOP_eoi. */
struct physdev_pirq_eoi_gmfn {
    xen_pfn_t gmfn;              /* IN */
};
_Static_assert(sizeof(struct physdev_pirq_eoi_gmfn) == 8, "physdev_pirq_eoi_gmfn size");

#endif /* !__ASSEMBLER__ */

#endif
