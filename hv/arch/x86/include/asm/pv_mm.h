/* PV guest page tables: what a guest may put in its page-table entries. */
#ifndef ASM_PV_MM_H
#define ASM_PV_MM_H

#include <asm/page.h>
#include <proxen/page_type.h>

struct domain;

/* PML4 slots the hypervisor owns in every guest's top-level table. */
#define HV_FIRST_L4_SLOT 256
#define HV_LAST_L4_SLOT  271
static inline bool is_hv_l4_slot(unsigned int i)
{
    return i >= HV_FIRST_L4_SLOT && i <= HV_LAST_L4_SLOT;
}

/* Bits a guest may not set, as Xen rules them.  In a leaf entry the
 * software bits 52-62 are the guest's, and cache attributes are allowed
 * only to a domain with I/O privilege (it may map device memory).  Above
 * level 1: no superpages (PSE), no global bit, no cache attributes, no
 * software bits. */
#define PTE_CACHE_ATTRS    (_PAGE_PWT | _PAGE_PCD | _PAGE_PSE /* PAT in a leaf */)
#define PTE_SOFTWARE_HIGH  0x7ff0000000000000ULL
#define LN_DISALLOW_MASK   (PTE_SOFTWARE_HIGH | _PAGE_PWT | _PAGE_PCD | _PAGE_PSE | _PAGE_GLOBAL)

/* A leaf the hypervisor wrote for a grant mapping (pv/grant_map.c), in
 * the software bit Xen's debug builds use for it (_PAGE_GNTTAB).  A guest
 * may not set it in a present entry, and may not overwrite or clear a
 * present entry that has it (a non-present entry's bits are the guest's):
 * such an entry holds no references of its own (the mapping's handle
 * does) and goes only through GNTTABOP_unmap_grant_ref. */
#define _PAGE_GRANT        (1ULL << 62)
static inline bool is_grant_pte(uint64_t e)
{
    return (e & (_PAGE_PRESENT | _PAGE_GRANT)) == (_PAGE_PRESENT | _PAGE_GRANT);
}

static inline uint64_t level_type(unsigned int level)
{
    return (uint64_t)level << 60;     /* PGT_l1_page_table .. PGT_l4_page_table */
}

/* The entry as the hypervisor stores it: guest kernels run in ring 3, so
 * every entry is user-accessible, and never global (a guest kernel
 * mapping must not survive the switch to its user page table). */
static inline uint64_t pv_adjust_pte(uint64_t e)
{
    return (e & _PAGE_PRESENT) ? (e | _PAGE_USER) & ~_PAGE_GLOBAL : e;
}

/* Take (or drop) the references a present entry at `level` implies; self
 * is the frame holding the entry.  Returns 0 or a negative errno; nothing
 * is taken on error.  Dropping an entry above level 1 may release a tree
 * and, in a preemptible request, stop half-way: -ERESTART with nothing
 * dropped (put_page_and_type_preemptible). */
int pv_get_pte_ref(uint64_t e, unsigned int level, struct domain *d, mfn_t self);
/* The same for an entry of d's table naming pg_owner's frames: a leaf
 * only (-EINVAL above level 1), of a frame pg_owner owns (-EBUSY, as Xen,
 * for any other). */
int pv_get_foreign_pte_ref(uint64_t e, unsigned int level, struct domain *d,
                           struct domain *pg_owner);
int pv_put_pte_ref(uint64_t e, unsigned int level, mfn_t self);

/* Descriptors (descriptor.c): is this one safe for a guest, after forcing
 * its DPL to 3?  And all 512 of a GDT/LDT page. */
bool pv_check_descriptor(uint64_t *desc);
int pv_validate_descriptor_page(uint64_t *page);

/* Replace entry idx of L1 table pg with a validated val if it still holds
 * expect (-EAGAIN if not), d's type lock held (mm.c). */
int pv_update_l1e(struct domain *d, struct page_info *pg, unsigned int idx, uint64_t val,
                  uint64_t expect);

struct vcpu;

/* One entry of a list hypercall, and the loop over the list with its
 * preemption and Xen's done-count protocol (batch.c).  pg_owner is the
 * domain whose frames the entries name (the caller's own unless it gave
 * a foreign domain). */
struct pv_batch {
    struct vcpu *v;
    struct domain *pg_owner;
};
typedef int pv_batch_fn(const struct pv_batch *b, const void *entry);
/* Finish the releases the vCPU owes (mm.c): 0, or -ERESTART to continue. */
int pv_finish_old_table(struct vcpu *v);
/* Drop a page table's type and general reference; a release that stops
 * half-way is owed by the current vCPU. */
void pv_put_table_or_defer(struct page_info *pg);
long pv_batch(unsigned int op, const uint64_t a[6], size_t size, pv_batch_fn *one);

int pv_set_ldt(struct vcpu *v, gva_t base, unsigned int ents);
/* Drop a vCPU's hold on its GDT and LDT frames (descriptor.c). */
void pv_release_gdt(struct vcpu *v);
void pv_release_ldt(struct vcpu *v);
/* memory_op's increase_reservation, decrease_reservation and
 * populate_physmap (reservation.c): op, the whole command (its upper bits
 * the extent to start from) and the argument; extents done. */
long pv_memory_reservation(unsigned int op, uint64_t cmd, uint64_t arg);
/* Free the ports a domain was granted (ioports.c). */
void pv_ioports_free(struct domain *d);

/* Walk the vCPU's kernel page table (validated, read through the direct
 * map) for va: the frame holding va's entry at `level` (1-4), or with
 * level 0 the frame va maps; INVALID_MFN where a table is missing. */
mfn_t pv_walk(const struct vcpu *v, gva_t va, unsigned int level);

/* Fill the hypervisor slots of a guest top-level table. */
void pv_init_hv_l4_slots(uint64_t *l4);

#endif
