/* The check of a guest's segment descriptors (the x86 rules, no state):
 * what a guest may put in its GDT and LDT.  Host-tested and fuzzed
 * (tests/unit/test_desc_check.c, tests/fuzz/fuzz_desc_check.c). */
#include <asm/config.h>
#include <asm/pv_mm.h>
#include <proxen/errno.h>
#include <public/xen.h>

#define DESC_P   (1ULL << 47)
#define DESC_S   (1ULL << 44)     /* code/data (not system) */
#define DESC_DPL (3ULL << 45)
#define DESC_ACCESSED (1ULL << 40)

/* A call gate may lead only to guest code: a selector in the guest's part
 * of the GDT, in its LDT, or one of the flat ring-3 code selectors, never
 * the hypervisor's. */
static bool gate_target_ok(uint16_t sel)
{
    unsigned int idx = sel >> 3;

    if (sel & 4)
        return true;
    if (idx && idx < FIRST_RESERVED_GDT_ENTRY)
        return true;
    return (sel & ~3) == (FLAT_RING3_CS64 & ~3) || (sel & ~3) == (FLAT_RING3_CS32 & ~3);
}

/* Guest kernels run in ring 3, so their segments carry DPL 3.  Of the
 * system descriptors only 64-bit call gates to guest code are allowed
 * (with their reserved byte zero), stored with DPL 0 as Xen stores them:
 * every far call through one faults, and Xen emulates the call where
 * Proxen (for now) delivers the #GP.  LDT, TSS and the other gates could
 * reach ring 0 and are refused. */
bool pv_check_descriptor(uint64_t *desc)
{
    if (!(*desc & DESC_P))
        return true;
    if (!(*desc & DESC_S)) {
        if (((*desc >> 40) & 0xf) != 0xc || ((*desc >> 32) & 0xff))
            return false;
        if (!gate_target_ok((uint16_t)(*desc >> 16)))
            return false;
        *desc &= ~DESC_DPL;
        return true;
    }
    /* Accessed already set: the CPU would otherwise write it into a frame
     * the hypervisor maps read-only. */
    *desc |= DESC_DPL | DESC_ACCESSED;
    return true;
}

int pv_validate_descriptor_page(uint64_t *page)
{
    for (unsigned int i = 0; i < 512; i++) {
        uint64_t d = page[i];

        if (!pv_check_descriptor(&d))
            return -EINVAL;
    }
    for (unsigned int i = 0; i < 512; i++)
        pv_check_descriptor(&page[i]);
    return 0;
}
