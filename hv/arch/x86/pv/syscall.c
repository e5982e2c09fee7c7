/* SYSCALL set-up: each CPU gets its own copy of the syscall stub
 * (syscall_stub.S) with its addresses patched in, mapped executable at a
 * per-CPU address next to the image. */
#include <asm/config.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <proxen/console.h>
#include <proxen/page_alloc.h>

/* Stubs live in the last 64 pages of the image window (within rel32 and
 * RIP-relative reach of the image, although the stub needs neither). */
#define STUBS_VIRT_START (HV_VIRT_END - NR_CPUS * PAGE_SIZE)

extern const char syscall_stub[], syscall_stub_end[];
extern const char syscall_stub_scratch1[], syscall_stub_rsp0[];
extern const char syscall_stub_scratch2[], syscall_stub_target[];
extern char common_entry[];

#define SFMASK_BITS (X86_EFLAGS_IF | (1UL << 8) /* TF */ | (1UL << 10) /* DF */ | \
                     (1UL << 14) /* NT */ | (1UL << 18) /* AC */)

static void patch(char *copy, const char *label, uint64_t value)
{
    /* Each label follows the 8-byte field it names. */
    memcpy(copy + (label - syscall_stub) - 8, &value, 8);
}

void pv_syscall_init_cpu(unsigned int cpu)
{
    struct percpu *pc = &percpu[cpu];
    struct cpu_info *ci = (struct cpu_info *)((char *)pc->stack + STACK_SIZE - CPU_INFO_SIZE);
    char *page = alloc_xenheap_page();
    vaddr_t va = STUBS_VIRT_START + (vaddr_t)cpu * PAGE_SIZE;

    if (!page)
        panic("no memory for the syscall stub of CPU%u", cpu);
    memcpy(page, syscall_stub, (size_t)(syscall_stub_end - syscall_stub));
    patch(page, syscall_stub_scratch1, (uint64_t)&ci->syscall_scratch);
    patch(page, syscall_stub_rsp0, stack_rsp0(pc->stack));
    patch(page, syscall_stub_scratch2, (uint64_t)&ci->syscall_scratch);
    patch(page, syscall_stub_target, (uint64_t)common_entry);
    if (map_pages(va, virt_to_maddr(page), 1, PAGE_HYPERVISOR_RO))
        panic("cannot map the syscall stub of CPU%u", cpu);

    /* STAR: hypervisor CS/SS from 0xe008/0xe010; SYSRET bases at 0xe023 so
     * that 64-bit SYSRET gives CS 0xe033 and SS 0xe02b, the guest's. */
    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) | ((uint64_t)HYPERVISOR_CS << 32));
    wrmsr(MSR_LSTAR, va);
    wrmsr(MSR_CSTAR, va);
    wrmsr(MSR_SYSCALL_MASK, SFMASK_BITS);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}
