/* Memory reservation and the physical memory map:
 * HYPERVISOR_memory_op(cmd, arg), cmd XENMEM_*, arg as listed.  An extent
 * is 2^extent_order contiguous frames.  The reservation ops return the
 * number of extents done (fewer than asked on failure part way). */
#ifndef PUBLIC_MEMORY_H
#define PUBLIC_MEMORY_H

#include "xen.h"

/* The command is the low MEMOP_EXTENT_SHIFT bits of cmd; the reservation
 * ops keep the extent to resume from in the bits above. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1 << MEMOP_EXTENT_SHIFT) - 1)

#define XENMEM_increase_reservation      0  /* xen_memory_reservation */
#define XENMEM_decrease_reservation      1  /* xen_memory_reservation */
#define XENMEM_maximum_ram_page          2  /* NULL: highest machine frame of RAM */
#define XENMEM_current_reservation       3  /* domid_t *: pages owned now */
#define XENMEM_maximum_reservation       4  /* domid_t *: pages allowed */
#define XENMEM_machphys_mfn_list         5  /* xen_machphys_mfn_list */
#define XENMEM_populate_physmap          6  /* xen_memory_reservation */
#define XENMEM_add_to_physmap            7  /* xen_add_to_physmap */
/*                                       8     removed (translate_gpfn_list) */
#define XENMEM_memory_map                9  /* xen_memory_map: the domain's */
#define XENMEM_machine_memory_map       10  /* xen_memory_map: the host's (privileged) */
#define XENMEM_exchange                 11  /* xen_memory_exchange */
#define XENMEM_machphys_mapping         12  /* xen_machphys_mapping (OUT) */
#define XENMEM_set_memory_map           13  /* xen_foreign_memory_map (privileged) */
#define XENMEM_maximum_gpfn             14  /* domid_t *: highest PFN in use */
#define XENMEM_remove_from_physmap      15  /* xen_remove_from_physmap */
#define XENMEM_set_pod_target           16
#define XENMEM_get_pod_target           17
#define XENMEM_get_sharing_freed_pages  18
#define XENMEM_get_sharing_shared_pages 19
#define XENMEM_paging_op                20
#define XENMEM_access_op                21
#define XENMEM_sharing_op               22
#define XENMEM_add_to_physmap_batch     23
#define XENMEM_claim_pages              24
#define XENMEM_machphys_compat_mfn_list 25
#define XENMEM_get_vnumainfo            26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource         28

/* xen_memory_reservation.mem_flags. */
#define XENMEMF_address_bits(bits)  (bits)            /* frames below 2^bits; 0 = any */
#define XENMEMF_get_address_bits(f) ((f) & 0xff)
#define XENMEMF_node(n)             (((n) + 1) << 8)  /* prefer NUMA node n */
#define XENMEMF_get_node(f)         ((((f) >> 8) - 1) & 0xff)
#define XENMEMF_populate_on_demand  (1 << 16)
#define XENMEMF_exact_node_request  (1 << 17)
#define XENMEMF_exact_node(n)       (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode               (1 << 18)

/* xen_add_to_physmap.space. */
#define XENMAPSPACE_shared_info  0  /* the shared_info page */
#define XENMAPSPACE_grant_table  1  /* a grant-table frame (idx) */
#define XENMAPSPACE_gmfn         2  /* a frame of the domain */
#define XENMAPSPACE_gmfn_range   3  /* size frames from idx */
#define XENMAPSPACE_gmfn_foreign 4  /* batch op only */
#define XENMAPSPACE_dev_mmio     5  /* Arm only */
/* Ored into idx with XENMAPSPACE_grant_table: a status frame (v2). */
#define XENMAPIDX_grant_table_status 0x80000000

/* BIOS e820 memory types, as in xen_e820_entry.type. */
#define XEN_E820_RAM      1
#define XEN_E820_RESERVED 2
#define XEN_E820_ACPI     3
#define XEN_E820_NVS      4
#define XEN_E820_UNUSABLE 5

#ifndef __ASSEMBLER__

/* increase_reservation: allocate nr_extents extents; their first machine
 *   frames are written to extent_start (if not 0).
 * decrease_reservation: free the extents whose first frames (PFNs for
 *   translated guests, MFNs for PV) are in extent_start.
 * populate_physmap: back the PFNs in extent_start with new memory and write
 *   the new MFNs over them (updating the M2P). */
struct xen_memory_reservation {
    xen_ptr_t extent_start;  /* IN/OUT: xen_pfn_t[nr_extents] */
    uint64_t nr_extents;     /* IN */
    uint32_t extent_order;   /* IN: log2 of frames per extent */
    uint32_t mem_flags;      /* IN: XENMEMF_* */
    domid_t domid;           /* IN: DOMID_SELF unless privileged */
    uint16_t _pad[3];
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "xen_memory_reservation size");
_Static_assert(offsetof(struct xen_memory_reservation, nr_extents) == 8,
               "xen_memory_reservation.nr_extents");
_Static_assert(offsetof(struct xen_memory_reservation, extent_order) == 16,
               "xen_memory_reservation.extent_order");
_Static_assert(offsetof(struct xen_memory_reservation, mem_flags) == 20,
               "xen_memory_reservation.mem_flags");
_Static_assert(offsetof(struct xen_memory_reservation, domid) == 24,
               "xen_memory_reservation.domid");

/* Swap the frames listed in in.extent_start for new ones (e.g. below 4 GiB
 * for DMA); both lists cover the same number of frames, and the new MFNs
 * are written to out.extent_start.  The caller zeroes nr_exchanged. */
struct xen_memory_exchange {
    struct xen_memory_reservation in;   /* IN */
    struct xen_memory_reservation out;  /* IN/OUT */
    uint64_t nr_exchanged;              /* IN: 0; OUT: input extents done */
};
_Static_assert(sizeof(struct xen_memory_exchange) == 72, "xen_memory_exchange size");
_Static_assert(offsetof(struct xen_memory_exchange, nr_exchanged) == 64,
               "xen_memory_exchange.nr_exchanged");

/* XENMEM_current_reservation, maximum_reservation, maximum_gpfn. */
struct xen_memory_domain {
    domid_t domid;           /* IN */
};
_Static_assert(sizeof(struct xen_memory_domain) == 2, "xen_memory_domain size");

/* The machine frames that hold the M2P table, one per 2 MiB of it. */
struct xen_machphys_mfn_list {
    uint32_t max_extents;    /* IN: entries extent_start can take */
    uint32_t _pad0;
    xen_ptr_t extent_start;  /* OUT: xen_pfn_t[max_extents] */
    uint32_t nr_extents;     /* OUT: entries written */
    uint32_t _pad1;
};
_Static_assert(sizeof(struct xen_machphys_mfn_list) == 24, "xen_machphys_mfn_list size");
_Static_assert(offsetof(struct xen_machphys_mfn_list, extent_start) == 8,
               "xen_machphys_mfn_list.extent_start");
_Static_assert(offsetof(struct xen_machphys_mfn_list, nr_extents) == 16,
               "xen_machphys_mfn_list.nr_extents");

/* Where the read-only M2P table is mapped in the guest. */
struct xen_machphys_mapping {
    uint64_t v_start;        /* OUT: first virtual address */
    uint64_t v_end;          /* OUT: end (exclusive) */
    uint64_t max_mfn;        /* OUT: highest MFN it covers */
};
_Static_assert(sizeof(struct xen_machphys_mapping) == 24, "xen_machphys_mapping size");

/* Place a page (e.g. shared_info or a grant-table frame) at gpfn in a
 * translated guest's physical address space. */
struct xen_add_to_physmap {
    domid_t domid;           /* IN */
    uint16_t size;           /* IN: frames, XENMAPSPACE_gmfn_range only */
    uint32_t space;          /* IN: XENMAPSPACE_* */
    uint64_t idx;            /* IN: index within the space */
    xen_pfn_t gpfn;          /* IN: where it appears */
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap size");
_Static_assert(offsetof(struct xen_add_to_physmap, space) == 4, "xen_add_to_physmap.space");
_Static_assert(offsetof(struct xen_add_to_physmap, idx) == 8, "xen_add_to_physmap.idx");
_Static_assert(offsetof(struct xen_add_to_physmap, gpfn) == 16, "xen_add_to_physmap.gpfn");

struct xen_remove_from_physmap {
    domid_t domid;           /* IN */
    uint16_t _pad[3];
    xen_pfn_t gpfn;          /* IN */
};
_Static_assert(sizeof(struct xen_remove_from_physmap) == 16, "xen_remove_from_physmap size");

/* One entry of the memory map, in the BIOS int 15h/e820 layout: 20 bytes,
 * packed. */
struct __attribute__((packed)) xen_e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;           /* XEN_E820_* */
};
_Static_assert(sizeof(struct xen_e820_entry) == 20, "xen_e820_entry size");
_Static_assert(offsetof(struct xen_e820_entry, type) == 16, "xen_e820_entry.type");

/* XENMEM_memory_map and machine_memory_map.  With buffer 0 the machine map
 * op only reports how many entries it needs. */
struct xen_memory_map {
    uint32_t nr_entries;     /* IN: room in buffer; OUT: entries written */
    uint32_t _pad;
    xen_ptr_t buffer;        /* OUT: xen_e820_entry[nr_entries] */
};
_Static_assert(sizeof(struct xen_memory_map) == 16, "xen_memory_map size");
_Static_assert(offsetof(struct xen_memory_map, buffer) == 8, "xen_memory_map.buffer");

/* XENMEM_set_memory_map: the map XENMEM_memory_map will give domid. */
struct xen_foreign_memory_map {
    domid_t domid;           /* IN */
    uint16_t _pad[3];
    struct xen_memory_map map; /* IN: buffer holds the entries */
};
_Static_assert(sizeof(struct xen_foreign_memory_map) == 24, "xen_foreign_memory_map size");
_Static_assert(offsetof(struct xen_foreign_memory_map, map) == 8, "xen_foreign_memory_map.map");

#endif /* !__ASSEMBLER__ */

#endif
