/* What must still hold after a fuzzing run, as far as the guest can
 * see: it runs (it gets here), its CR3 and top-level table are the ones
 * it set up, its kernel image is mapped where it was and its code is
 * unchanged, the hypervisor's range and the guest's read-only views
 * (the M2P, its own page tables) still fault, and every scratch frame
 * can be taken back: mapped writable, pinned, unpinned (no type or
 * reference left behind). */
#include <arch.h>
#include <console.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <mm.h>
#include <pagetable.h>
#include <traps.h>
#include "../tests/tests.h"
#include "fuzz.h"

extern const char _text[], _etext[], _end[];

#define AD_BITS (_PAGE_ACCESSED | _PAGE_DIRTY)

static uint64_t boot_cr3, boot_l4[512], boot_text_sum;

static uint64_t read_cr3(void)
{
    uint64_t cr3;

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    return cr3;
}

static uint64_t text_sum(void)
{
    uint64_t h = 0xcbf29ce484222325ULL;         /* FNV-1a */

    for (const char *p = _text; p < _etext; p++)
        h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
    return h;
}

void fuzz_check_init(void)
{
    const uint64_t *l4 = mfn_to_virt(l4_mfn);

    boot_cr3 = read_cr3();
    for (unsigned int i = 0; i < 512; i++)
        boot_l4[i] = l4[i] & ~AD_BITS;
    boot_text_sum = text_sum();
}

static unsigned int failed(const char *what)
{
    printk("fuzz: check %s: FAILED\n", what);
    return 1;
}

static unsigned int check_tables(void)
{
    const uint64_t *l4 = mfn_to_virt(l4_mfn);
    unsigned int bad = 0;

    if (read_cr3() != boot_cr3) {
        printk("fuzz: CR3 is %#lx, was %#lx\n", read_cr3(), boot_cr3);
        bad++;
    }
    for (unsigned int i = 0; i < 512; i++)
        if ((l4[i] & ~AD_BITS) != boot_l4[i]) {
            printk("fuzz: L4 slot %u is %#lx, was %#lx\n", i, l4[i], boot_l4[i]);
            bad++;
        }
    for (uint64_t va = VIRT_BASE; va < (uint64_t)_end; va += PAGE_SIZE) {
        uint64_t pte = pt_get(va, 1);

        if (!(pte & _PAGE_PRESENT) || (pte & PTE_ADDR_MASK) >> PAGE_SHIFT !=
                                          pfn_to_mfn(virt_to_pfn((void *)va))) {
            printk("fuzz: kernel page %#lx maps %#lx\n", va, pte);
            bad++;
        }
    }
    if (text_sum() != boot_text_sum) {
        printk("fuzz: the kernel's code changed\n");
        bad++;
    }
    return bad ? failed("guest page tables and code intact") : 0;
}

static unsigned int check_faults(void)
{
    uint64_t val;
    unsigned int bad = 0;

    if (probe_read64(HV_ADDRESS, &val) || last_trap.vector != X86_EXC_PF) {
        printk("fuzz: reading the hypervisor's range at %#lx did not fault\n", HV_ADDRESS);
        bad++;
    }
    if (probe_read64(UNMAPPED_VA, &val)) {
        printk("fuzz: %#lx is mapped\n", (uint64_t)UNMAPPED_VA);
        bad++;
    }
    if (probe_write64((uint64_t)machine_to_phys_mapping, 0)) {
        printk("fuzz: the M2P is writable\n");
        bad++;
    }
    if (probe_write64((uint64_t)mfn_to_virt(l4_mfn) + 8 * 300, 0)) {
        printk("fuzz: the guest's L4 is writable\n");
        bad++;
    }
    return bad ? failed("hypervisor range and read-only views still fault") : 0;
}

unsigned int fuzz_check(void)
{
    unsigned int bad = check_tables() + check_faults();

    if (fuzz_pool_release())
        bad += failed("scratch frames taken back and reusable");
    return bad;
}
