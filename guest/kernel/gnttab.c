/* The guest OS's grant table (gnttab.h).
 *
 * Filling an entry follows the order the ABI asks for: domid and frame
 * first, then, after a write barrier, flags (the hypervisor reads flags
 * to decide whether the rest is valid).  Revoking is a compare-and-
 * exchange of flags to 0 that fails while the hypervisor has marked the
 * entry in use, so a grant in use is never revoked behind its user. */
#include <arch.h>
#include <events.h>
#include <hypercall.h>
#include <layout.h>
#include <lib.h>
#include <lib/errno.h>
#include <gnttab.h>
#include <pagetable.h>

#define ENTRIES (GNTTAB_FRAMES * PAGE_SIZE / sizeof(struct grant_entry_v1))

static struct grant_entry_v1 *table;
/* Free references, as a stack; the first GNTTAB_NR_RESERVED_ENTRIES are
 * the toolstack's and never handed out. */
static grant_ref_t free_refs[ENTRIES];
static unsigned int nr_free;

long gnttab_init(void)
{
    uint64_t frames[GNTTAB_FRAMES];
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = GNTTAB_FRAMES,
                                     .frame_list = (uint64_t)frames };
    long rc;

    if (table)
        return 0;
    rc = hypercall_grant_table_op(GNTTABOP_setup_table, &st, 1);
    if (rc)
        return rc;
    if (st.status != GNTST_okay)
        return -EINVAL;
    for (unsigned int i = 0; i < GNTTAB_FRAMES; i++)
        if ((rc = pt_map(GNTTAB_VA + i * PAGE_SIZE, frames[i], PTE_KERNEL_RW)))
            return rc;
    table = (struct grant_entry_v1 *)GNTTAB_VA;
    for (grant_ref_t ref = ENTRIES; ref-- > GNTTAB_NR_RESERVED_ENTRIES;)
        free_refs[nr_free++] = ref;
    return 0;
}

unsigned int gnttab_free_entries(void)
{
    return nr_free;
}

long gnttab_grant_access(domid_t dom, uint64_t mfn, bool readonly)
{
    grant_ref_t ref;
    bool on = events_save_disable();

    if (!table || !nr_free) {
        events_restore(on);
        return table ? -ENOSPC : -ENODEV;
    }
    ref = free_refs[--nr_free];
    events_restore(on);
    table[ref].domid = dom;
    table[ref].frame = (uint32_t)mfn;
    __atomic_store_n(&table[ref].flags,
                     (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
                     __ATOMIC_RELEASE);
    return ref;
}

bool gnttab_end_access(grant_ref_t ref)
{
    uint16_t flags;
    bool on;

    if (!table || ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= ENTRIES)
        return false;
    flags = __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE);
    do {
        if (flags & (GTF_reading | GTF_writing))
            return false;
    } while (!__atomic_compare_exchange_n(&table[ref].flags, &flags, 0, false,
                                          __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
    on = events_save_disable();
    free_refs[nr_free++] = ref;
    events_restore(on);
    return true;
}

int gnttab_map(domid_t dom, grant_ref_t ref, uint64_t va, bool readonly, grant_handle_t *handle)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = va, .ref = ref, .dom = dom,
        .flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0),
    };
    long rc;

    if (!pt_entry_maddr(va, 1) && (rc = pt_ensure_l1(va)))
        return GNTST_general_error;
    rc = hypercall_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);
    if (rc)
        return GNTST_general_error;
    *handle = op.handle;
    return op.status;
}

int gnttab_unmap(uint64_t va, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = va, .handle = handle };

    if (hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1))
        return GNTST_general_error;
    return op.status;
}
