/* Guest descriptor tables: set_gdt and update_descriptor.
 *
 * A guest's GDT frames are typed seg_desc (so the guest cannot map them
 * writable) after every descriptor in them is checked, and are mapped into
 * the first pages of the CPU's GDT window, below the hypervisor's reserved
 * selectors. */
#include <asm/desc.h>
#include <asm/percpu.h>
#include <asm/pv_mm.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/guest_access.h>
#include <asm/guest_access.h>
#include <proxen/hypercall.h>
#include <public/xen.h>

void pv_release_gdt(struct vcpu *v)
{
    for (unsigned int i = 0; i < (v->arch.gdt_ents + 511) / 512; i++)
        put_page_and_type(mfn_to_page(v->arch.gdt_frames[i]));
    v->arch.gdt_ents = 0;
}

static int set_gdt(struct vcpu *v, const uint64_t *frames, uint64_t entries)
{
    unsigned int nr = (unsigned int)((entries + 511) / 512), got;
    int rc = 0;

    for (got = 0; got < nr && !rc; got++)
        rc = frames[got] < max_mfn
             ? get_page_and_type(mfn_to_page(_mfn(frames[got])), v->domain, PGT_seg_desc_page)
             : -EINVAL;
    if (rc) {
        for (unsigned int i = 0; i + 1 < got; i++)
            put_page_and_type(mfn_to_page(_mfn(frames[i])));
        return rc;
    }
    pv_release_gdt(v);
    for (unsigned int i = 0; i < nr; i++)
        v->arch.gdt_frames[i] = _mfn(frames[i]);
    v->arch.gdt_ents = (unsigned int)entries;
    gdt_window_load_guest(v->processor, v->arch.gdt_frames, nr);
    return 0;
}

/* Under the type lock, as a request that can run again: typing a frame
 * that was writable may need a TLB flush, done once the lock is dropped. */
long do_set_gdt(const uint64_t a[6])
{
    struct vcpu *v = current_vcpu();
    uint64_t list = a[0], entries = (uint32_t)a[1];
    uint64_t frames[NR_GUEST_GDT_FRAMES];
    int rc;

    if (entries > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL;
    if (entries && copy_from_guest(frames, list, (entries + 511) / 512 * sizeof(frames[0])))
        return -EFAULT;
    do {
        page_types_lock(v->domain);
        page_types_allow_restart(v->domain);
        rc = set_gdt(v, frames, entries);
    } while (page_types_unlock(v->domain) && rc == -ERESTART);
    return rc;
}

static int update_descriptor(struct domain *d, uint64_t maddr, uint64_t desc)
{
    struct page_info *pg = mfn_to_page(_mfn(maddr >> PAGE_SHIFT));
    bool typed;

    if (!get_page(pg, d))
        return -EINVAL;
    typed = page_type(pg) == PGT_seg_desc_page && page_type_count(pg);
    if (!typed) {
        int rc = get_page_type(pg, PGT_writable_page);

        if (rc) {
            put_page(pg);
            return rc;
        }
    }
    *(uint64_t *)maddr_to_virt(maddr) = desc;
    if (!typed)
        put_page_type(pg);
    put_page(pg);
    return 0;
}

long do_update_descriptor(const uint64_t a[6])
{
    struct domain *d = current_vcpu()->domain;
    uint64_t maddr = a[0], desc = a[1];
    int rc;

    if ((maddr & 7) || (maddr >> PAGE_SHIFT) >= max_mfn || !pv_check_descriptor(&desc))
        return -EINVAL;
    do {
        page_types_lock(d);
        page_types_allow_restart(d);
        rc = update_descriptor(d, maddr, desc);
    } while (page_types_unlock(d) && rc == -ERESTART);
    return rc;
}


void pv_release_ldt(struct vcpu *v)
{
    for (unsigned int i = 0; i < (v->arch.ldt_ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE; i++)
        put_page_and_type(mfn_to_page(v->arch.ldt_frames[i]));
    v->arch.ldt_ents = 0;
    v->arch.ldt_base = _gva(0);
}

/* MMUEXT_SET_LDT: the LDT's pages are typed seg_desc (so every descriptor
 * in them is checked and the guest may no longer map them writable) for
 * as long as the LDT is installed.  base and ents as pv_mmuext_decode
 * accepted them: at most 8192 entries, a page-aligned base (0 for no
 * entries), every entry at a guest address. */
int pv_set_ldt(struct vcpu *v, gva_t base, unsigned int ents)
{
    unsigned int nr = (ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE, got;
    mfn_t frames[16];
    int rc = 0;

    ASSERT(nr <= ARRAY_SIZE(frames));       /* pv_mmuext_decode bounds ents */
    for (got = 0; got < nr && !rc; got++) {
        frames[got] = pv_walk(v, gva_add(base, got * PAGE_SIZE), 0);
        rc = mfn_eq(frames[got], INVALID_MFN)
             ? -EINVAL
             : get_page_and_type(mfn_to_page(frames[got]), v->domain, PGT_seg_desc_page);
    }
    if (rc) {
        for (unsigned int i = 0; i + 1 < got; i++)
            put_page_and_type(mfn_to_page(frames[i]));
        return rc;
    }
    pv_release_ldt(v);
    memcpy(v->arch.ldt_frames, frames, nr * sizeof(frames[0]));
    v->arch.ldt_base = base;
    v->arch.ldt_ents = ents;
    ldt_load_guest(v->processor, v->arch.ldt_frames, ents);
    return 0;
}
