/* Grant tables: how a domain lets another map or copy its pages.  The
 * granting domain writes entries into its grant table (pages shared with
 * the hypervisor, found with GNTTABOP_setup_table); the grantee names an
 * entry by <domain, grant reference> in HYPERVISOR_grant_table_op(cmd,
 * args, count), cmd GNTTABOP_*, args an array of count structs gnttab_*.
 * Version 1 entries are the default; GNTTABOP_set_version switches a
 * domain to version 2 (16-byte entries, their GTF_reading/GTF_writing in
 * separate status frames, sub-page and transitive grants).
 *
 * Filling an entry: write domid and frame, then (after a write barrier)
 * flags.  Revoking an unused GTF_permit_access entry: check that neither
 * GTF_reading nor GTF_writing is set and clear flags with a compare-and-
 * exchange. */
#ifndef PUBLIC_GRANT_TABLE_H
#define PUBLIC_GRANT_TABLE_H

#include "xen.h"

#define GNTTABOP_map_grant_ref     0
#define GNTTABOP_unmap_grant_ref   1
#define GNTTABOP_setup_table       2
#define GNTTABOP_dump_table        3
#define GNTTABOP_transfer          4
#define GNTTABOP_copy              5
#define GNTTABOP_query_size        6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version       8
#define GNTTABOP_get_status_frames 9   /* version 2 */
#define GNTTABOP_get_version      10
#define GNTTABOP_swap_grant_ref   11
#define GNTTABOP_cache_flush      12   /* Arm */

/* Entries the tools may fill before the domain starts. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE    0   /* the console ring, for the back end */
#define GNTTAB_RESERVED_XENSTORE   1   /* the xenstore ring */

/* grant_entry_v1.flags: a type in bits 1:0, then flags by type. */
#define GTF_invalid          0   /* grants nothing */
#define GTF_permit_access    1   /* domid may map or copy frame */
#define GTF_accept_transfer  2   /* domid may transfer a page into frame */
#define GTF_transitive       3   /* version 2 only */
#define GTF_type_mask        3
/* For GTF_permit_access: */
#define _GTF_readonly        2
#define GTF_readonly         (1 << _GTF_readonly)   /* GST: read-only access */
#define _GTF_reading         3
#define GTF_reading          (1 << _GTF_reading)    /* HV: mapped/used for reading */
#define _GTF_writing         4
#define GTF_writing          (1 << _GTF_writing)    /* HV: mapped/used for writing */
/* GTF_PWT, GTF_PCD, GTF_PAT (GST): cache attributes of the grantee's
 * mapping, as the PTE bits of the same names. */
#define _GTF_PWT             5
#define GTF_PWT              (1 << _GTF_PWT)
#define _GTF_PCD             6
#define GTF_PCD              (1 << _GTF_PCD)
#define _GTF_PAT             7
#define GTF_PAT              (1 << _GTF_PAT)
#define _GTF_sub_page        8
#define GTF_sub_page         (1 << _GTF_sub_page)   /* version 2 only */
/* For GTF_accept_transfer: */
#define _GTF_transfer_committed 2
#define GTF_transfer_committed  (1 << _GTF_transfer_committed) /* HV: entry in use,
                                                                 * do not touch */
#define _GTF_transfer_completed 3
#define GTF_transfer_completed  (1 << _GTF_transfer_completed) /* HV: frame written */

/* gnttab_map_grant_ref.flags. */
#define _GNTMAP_device_map      0
#define GNTMAP_device_map       (1 << _GNTMAP_device_map)      /* for device DMA */
#define _GNTMAP_host_map        1
#define GNTMAP_host_map         (1 << _GNTMAP_host_map)        /* for the CPU */
#define _GNTMAP_readonly        2
#define GNTMAP_readonly         (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map 3
#define GNTMAP_application_map  (1 << _GNTMAP_application_map) /* user-accessible */
#define _GNTMAP_contains_pte    4
#define GNTMAP_contains_pte     (1 << _GNTMAP_contains_pte)    /* host_addr is the
                                                               * machine address of
                                                               * the PTE to write */
#define _GNTMAP_guest_avail0    16
#define GNTMAP_guest_avail_mask 0xffff0000  /* copied to the PTE's available bits
                                             * (XENFEAT_gnttab_map_avail_bits) */

/* gnttab_copy.flags: source/dest given by grant reference, not frame. */
#define _GNTCOPY_source_gref 0
#define GNTCOPY_source_gref  (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref   1
#define GNTCOPY_dest_gref    (1 << _GNTCOPY_dest_gref)

/* Per-operation status (the status fields below). */
#define GNTST_okay               0
#define GNTST_general_error     -1
#define GNTST_bad_domain        -2  /* unknown domain */
#define GNTST_bad_gntref        -3  /* unknown or unusable grant reference */
#define GNTST_bad_handle        -4  /* unknown mapping handle */
#define GNTST_bad_virt_addr     -5  /* address not usable for the mapping */
#define GNTST_bad_dev_addr      -6  /* device address not usable */
#define GNTST_no_device_space   -7  /* IOMMU full */
#define GNTST_permission_denied -8
#define GNTST_bad_page          -9  /* frame not usable for the operation */
#define GNTST_bad_copy_arg     -10  /* copy crosses a page boundary */
#define GNTST_address_too_big  -11  /* transferred page's address too large */
#define GNTST_eagain           -12  /* not done; retry */
#define GNTST_no_space         -13  /* out of handles or similar */

#ifndef __ASSEMBLER__

typedef uint32_t grant_ref_t;     /* index into a grant table */
typedef uint32_t grant_handle_t;  /* names one mapping made by map_grant_ref */

/* A version 1 grant table entry; 512 per page. */
struct grant_entry_v1 {
    uint16_t flags;     /* GST and HV: GTF_* */
    domid_t  domid;     /* GST: the grantee */
    uint32_t frame;     /* GST: frame granted (PV: MFN); for a completed
                         * transfer, HV: the MFN transferred */
};
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1 size");
_Static_assert(offsetof(struct grant_entry_v1, domid) == 2, "grant_entry_v1.domid");
_Static_assert(offsetof(struct grant_entry_v1, frame) == 4, "grant_entry_v1.frame");

/* Map <dom, ref> at host_addr (virtual, or PTE machine address with
 * GNTMAP_contains_pte) and/or for device access. */
struct gnttab_map_grant_ref {
    uint64_t host_addr;        /* IN */
    uint32_t flags;            /* IN: GNTMAP_* */
    grant_ref_t ref;           /* IN */
    domid_t dom;               /* IN: the granting domain */
    int16_t status;            /* OUT: GNTST_* */
    grant_handle_t handle;     /* OUT: for unmap */
    uint64_t dev_bus_addr;     /* OUT: with GNTMAP_device_map */
};
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref size");
_Static_assert(offsetof(struct gnttab_map_grant_ref, flags) == 8, "gnttab_map_grant_ref.flags");
_Static_assert(offsetof(struct gnttab_map_grant_ref, ref) == 12, "gnttab_map_grant_ref.ref");
_Static_assert(offsetof(struct gnttab_map_grant_ref, dom) == 16, "gnttab_map_grant_ref.dom");
_Static_assert(offsetof(struct gnttab_map_grant_ref, status) == 18, "gnttab_map_grant_ref.status");
_Static_assert(offsetof(struct gnttab_map_grant_ref, handle) == 20, "gnttab_map_grant_ref.handle");
_Static_assert(offsetof(struct gnttab_map_grant_ref, dev_bus_addr) == 24,
               "gnttab_map_grant_ref.dev_bus_addr");

/* Undo a mapping; a zero address is ignored.  No stale TLB entries remain
 * once the batch returns. */
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;        /* IN */
    uint64_t dev_bus_addr;     /* IN */
    grant_handle_t handle;     /* IN */
    int16_t status;            /* OUT: GNTST_* */
    uint16_t _pad;
};
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref size");
_Static_assert(offsetof(struct gnttab_unmap_grant_ref, handle) == 16,
               "gnttab_unmap_grant_ref.handle");
_Static_assert(offsetof(struct gnttab_unmap_grant_ref, status) == 20,
               "gnttab_unmap_grant_ref.status");

/* Grow dom's grant table to at least nr_frames frames and return their
 * machine frames (the guest then maps them). */
struct gnttab_setup_table {
    domid_t dom;               /* IN: DOMID_SELF unless privileged */
    uint16_t _pad0;
    uint32_t nr_frames;        /* IN */
    int16_t status;            /* OUT: GNTST_* */
    uint16_t _pad1[3];
    xen_ptr_t frame_list;      /* OUT: xen_pfn_t[nr_frames] */
};
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table size");
_Static_assert(offsetof(struct gnttab_setup_table, nr_frames) == 4, "gnttab_setup_table.nr_frames");
_Static_assert(offsetof(struct gnttab_setup_table, status) == 8, "gnttab_setup_table.status");
_Static_assert(offsetof(struct gnttab_setup_table, frame_list) == 16,
               "gnttab_setup_table.frame_list");

/* Print dom's grant table on the hypervisor console (debugging). */
struct gnttab_dump_table {
    domid_t dom;               /* IN */
    int16_t status;            /* OUT: GNTST_* */
};
_Static_assert(sizeof(struct gnttab_dump_table) == 4, "gnttab_dump_table size");

/* Give page mfn to domid, which offered <domid, ref> with
 * GTF_accept_transfer.  The page is gone even on failure, except with
 * GNTST_bad_page. */
struct gnttab_transfer {
    xen_pfn_t mfn;             /* IN */
    domid_t domid;             /* IN */
    uint16_t _pad0;
    grant_ref_t ref;           /* IN */
    int16_t status;            /* OUT: GNTST_* */
    uint16_t _pad1[3];
};
_Static_assert(sizeof(struct gnttab_transfer) == 24, "gnttab_transfer size");
_Static_assert(offsetof(struct gnttab_transfer, ref) == 12, "gnttab_transfer.ref");
_Static_assert(offsetof(struct gnttab_transfer, status) == 16, "gnttab_transfer.status");

/* One end of a copy: a grant reference of domid, or (the caller's own) a
 * frame. */
struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;       /* with GNTCOPY_*_gref */
        xen_pfn_t gmfn;        /* without */
    } u;
    domid_t domid;
    uint16_t offset;           /* byte offset in the page */
    uint32_t _pad;
};
_Static_assert(sizeof(struct gnttab_copy_ptr) == 16, "gnttab_copy_ptr size");
_Static_assert(offsetof(struct gnttab_copy_ptr, domid) == 8, "gnttab_copy_ptr.domid");
_Static_assert(offsetof(struct gnttab_copy_ptr, offset) == 10, "gnttab_copy_ptr.offset");

/* Copy len bytes, neither range crossing a page boundary. */
struct gnttab_copy {
    struct gnttab_copy_ptr source;  /* IN */
    struct gnttab_copy_ptr dest;    /* IN */
    uint16_t len;              /* IN */
    uint16_t flags;            /* IN: GNTCOPY_* */
    int16_t status;            /* OUT: GNTST_* */
    uint16_t _pad;
};
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy size");
_Static_assert(offsetof(struct gnttab_copy, dest) == 16, "gnttab_copy.dest");
_Static_assert(offsetof(struct gnttab_copy, len) == 32, "gnttab_copy.len");
_Static_assert(offsetof(struct gnttab_copy, status) == 36, "gnttab_copy.status");

/* Current and maximum size of dom's grant table, in frames. */
struct gnttab_query_size {
    domid_t dom;               /* IN */
    uint16_t _pad0;
    uint32_t nr_frames;        /* OUT */
    uint32_t max_nr_frames;    /* OUT */
    int16_t status;            /* OUT: GNTST_* */
    uint16_t _pad1;
};
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size size");
_Static_assert(offsetof(struct gnttab_query_size, nr_frames) == 4, "gnttab_query_size.nr_frames");
_Static_assert(offsetof(struct gnttab_query_size, status) == 12, "gnttab_query_size.status");

/* Undo a host mapping, pointing its PTE at the frame now mapped at
 * new_addr instead (whose own mapping is cleared). */
struct gnttab_unmap_and_replace {
    uint64_t host_addr;        /* IN */
    uint64_t new_addr;         /* IN */
    grant_handle_t handle;     /* IN */
    int16_t status;            /* OUT: GNTST_* */
    uint16_t _pad;
};
_Static_assert(sizeof(struct gnttab_unmap_and_replace) == 24, "gnttab_unmap_and_replace size");

/* Choose the entry format (1 or 2) while no grant is in use; returns the
 * version in effect. */
struct gnttab_set_version {
    uint32_t version;          /* IN/OUT */
};
_Static_assert(sizeof(struct gnttab_set_version) == 4, "gnttab_set_version size");

struct gnttab_get_version {
    domid_t dom;               /* IN */
    uint16_t _pad;
    uint32_t version;          /* OUT */
};
_Static_assert(sizeof(struct gnttab_get_version) == 8, "gnttab_get_version size");

/* A version 2 entry: a common header, then by type; 256 per page.  The
 * hypervisor's GTF_reading/GTF_writing for entry n are in status word n
 * (grant_status_t[], GNTTABOP_get_status_frames), not in hdr.flags. */
struct grant_entry_header {
    uint16_t flags;     /* GST: GTF_* but GTF_reading/GTF_writing */
    domid_t  domid;     /* GST: the grantee */
};
_Static_assert(sizeof(struct grant_entry_header) == 4, "grant_entry_header size");

union grant_entry_v2 {
    struct grant_entry_header hdr;
    struct {                    /* GTF_permit_access, GTF_accept_transfer */
        struct grant_entry_header hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;
    struct {                    /* GTF_permit_access | GTF_sub_page: bytes */
        struct grant_entry_header hdr;   /* [page_off, page_off + length) */
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;
    struct {                    /* GTF_transitive: domid may use trans_domid's */
        struct grant_entry_header hdr;   /* grant gref as if it were its own */
        domid_t trans_domid;
        uint16_t pad0;
        grant_ref_t gref;
    } transitive;
    uint32_t __spacer[4];
};
_Static_assert(sizeof(union grant_entry_v2) == 16, "grant_entry_v2 size");
_Static_assert(offsetof(union grant_entry_v2, full_page.frame) == 8, "grant_entry_v2.frame");
_Static_assert(offsetof(union grant_entry_v2, sub_page.page_off) == 4,
               "grant_entry_v2.sub_page.page_off");
_Static_assert(offsetof(union grant_entry_v2, sub_page.length) == 6,
               "grant_entry_v2.sub_page.length");
_Static_assert(offsetof(union grant_entry_v2, transitive.trans_domid) == 4,
               "grant_entry_v2.transitive.trans_domid");
_Static_assert(offsetof(union grant_entry_v2, transitive.gref) == 8,
               "grant_entry_v2.transitive.gref");

typedef uint16_t grant_status_t;   /* version 2: HV's GTF_reading/GTF_writing */

/* Version 2: the machine frames of dom's status frames. */
struct gnttab_get_status_frames {
    uint32_t nr_frames;        /* IN */
    domid_t dom;               /* IN */
    int16_t status;            /* OUT: GNTST_* */
    xen_ptr_t frame_list;      /* OUT: uint64_t[nr_frames] */
};
_Static_assert(sizeof(struct gnttab_get_status_frames) == 16,
               "gnttab_get_status_frames size");
_Static_assert(offsetof(struct gnttab_get_status_frames, dom) == 4,
               "gnttab_get_status_frames.dom");
_Static_assert(offsetof(struct gnttab_get_status_frames, status) == 6,
               "gnttab_get_status_frames.status");
_Static_assert(offsetof(struct gnttab_get_status_frames, frame_list) == 8,
               "gnttab_get_status_frames.frame_list");

/* Exchange two of the caller's own entries (neither in use). */
struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;         /* IN */
    grant_ref_t ref_b;         /* IN */
    int16_t status;            /* OUT: GNTST_* */
    uint16_t _pad;
};
_Static_assert(sizeof(struct gnttab_swap_grant_ref) == 12, "gnttab_swap_grant_ref size");
_Static_assert(offsetof(struct gnttab_swap_grant_ref, status) == 8,
               "gnttab_swap_grant_ref.status");

/* Clean or invalidate the data cache over part of a granted page (Arm;
 * x86 does not implement it: -ENOSYS). */
#define GNTTAB_CACHE_CLEAN       (1u << 0)
#define GNTTAB_CACHE_INVAL       (1u << 1)
#define GNTTAB_CACHE_SOURCE_GREF (1u << 31)
struct gnttab_cache_flush {
    union {
        uint64_t dev_bus_addr;
        grant_ref_t ref;
    } a;                       /* IN */
    uint16_t offset;           /* IN */
    uint16_t length;           /* IN */
    uint32_t op;               /* IN: GNTTAB_CACHE_* */
};
_Static_assert(sizeof(struct gnttab_cache_flush) == 16, "gnttab_cache_flush size");
_Static_assert(offsetof(struct gnttab_cache_flush, offset) == 8, "gnttab_cache_flush.offset");
_Static_assert(offsetof(struct gnttab_cache_flush, op) == 12, "gnttab_cache_flush.op");

#endif /* !__ASSEMBLER__ */

#endif
