/* GNTTABOP_set_version: switching a table between version 1 and 2
 * entries, with Xen's rules.  The switch happens only while no entry past
 * the reserved ones is in use; the reserved entries (the toolstack's
 * console and xenstore grants, which stay mapped) are carried over, every
 * other entry starts empty. */
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/grant_table.h>
#include <proxen/guest_access.h>
#include <proxen/lib.h>
#include <proxen/page_type.h>
#include <lib/string.h>
#include <arch/arch.h>

static struct grant_entry_v1 *v1(struct grant_table *gt)
{
    return gt->shared[0];
}

static union grant_entry_v2 *v2(struct grant_table *gt)
{
    return gt->shared[0];
}

/* Version 2 to 1: reserved entries a v1 entry can hold (a frame below
 * 2^32, no transitive grant), else -ERANGE. */
static int v1_representable(struct grant_table *gt)
{
    for (unsigned int i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
        const union grant_entry_v2 *e = &v2(gt)[i];
        unsigned int type = e->hdr.flags & GTF_type_mask;

        if (type == GTF_transitive || (type == GTF_permit_access && e->full_page.frame >> 32))
            return -ERANGE;
    }
    return 0;
}

/* Version 2 to 1 drops the status frames: not while the guest still maps
 * one (-EBUSY, as Xen's), since it would keep a page it no longer
 * learns anything from. */
static int status_frames_mapped(struct grant_table *gt)
{
    struct domain *d = gt->domain;
    int rc = 0;

    page_types_lock(d);
    for (unsigned int i = 0; i < gt->nr_status_frames; i++) {
        struct page_info *pg = mfn_to_page(maddr_to_mfn(arch_virt_to_maddr(gt->status[i])));

        if (page_ref_count(pg) != 1)
            rc = -EBUSY;
    }
    (void)page_types_unlock(d);
    return rc;
}

/* The reserved entries as v1 entries, flags and status merged. */
static void save_reserved(struct grant_table *gt, struct grant_entry_v1 *out)
{
    for (unsigned int i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
        const union grant_entry_v2 *e;

        if (gt->version == 1) {
            out[i] = v1(gt)[i];
            continue;
        }
        e = &v2(gt)[i];
        if ((e->hdr.flags & GTF_type_mask) != GTF_permit_access) {
            out[i] = (struct grant_entry_v1){ 0, 0, 0 };
            continue;
        }
        out[i] = (struct grant_entry_v1){
            .flags = (uint16_t)(e->hdr.flags | gt->status[0][i]),
            .domid = e->hdr.domid,
            .frame = (uint32_t)e->full_page.frame,
        };
    }
}

static void restore_reserved(struct grant_table *gt, const struct grant_entry_v1 *in)
{
    for (unsigned int i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++) {
        union grant_entry_v2 *e;

        if (gt->version == 1) {
            v1(gt)[i] = in[i];
            continue;
        }
        e = &v2(gt)[i];
        gt->status[0][i] = in[i].flags & (GTF_reading | GTF_writing);
        e->hdr.flags = in[i].flags & (uint16_t)~(GTF_reading | GTF_writing);
        e->hdr.domid = in[i].domid;
        e->full_page.frame = in[i].frame;
    }
}

/* Under gt->lock: switch to version `to`, or a negative errno with
 * nothing changed. */
static long switch_version(struct grant_table *gt, unsigned int to)
{
    struct grant_entry_v1 reserved[GNTTAB_NR_RESERVED_ENTRIES];
    unsigned int from = gt->version;
    int rc;

    if (gnttab_any_pinned(gt, GNTTAB_NR_RESERVED_ENTRIES))
        return -EBUSY;
    if (from == 2 && ((rc = v1_representable(gt)) || (rc = status_frames_mapped(gt))))
        return rc;
    save_reserved(gt, reserved);
    if (to == 2) {
        gt->version = 2;                /* gnttab_grow sizes status frames by it */
        if (gnttab_grow(gt, gt->nr_frames)) {
            gt->version = 1;
            return -ENOMEM;
        }
    } else {
        gnttab_shrink_status(gt, 0);
        gt->version = 1;
    }
    for (unsigned int i = 0; i < gt->nr_frames; i++)
        memset(gt->shared[i], 0, PAGE_SIZE);
    restore_reserved(gt, reserved);
    return 0;
}

long gnttab_op_set_version(struct domain *self, uint64_t arg)
{
    struct grant_table *gt = self->grant_table;
    struct gnttab_set_version op;
    long rc = -EINVAL;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    spin_lock(&gt->lock);
    if (op.version == 1 || op.version == 2)
        rc = op.version == gt->version ? 0 : switch_version(gt, op.version);
    op.version = gt->version;
    spin_unlock(&gt->lock);
    if (copy_to_guest(arg, &op, sizeof(op)))
        return -EFAULT;
    return rc;
}
