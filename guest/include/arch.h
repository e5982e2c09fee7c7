/* x86-64 details the guest kernel needs: the page-table entries it writes
 * (the bits are in lib/include/lib/x86_pte.h), the time stamp counter,
 * the PV CPUID escape, barriers. */
#ifndef GUEST_ARCH_H
#define GUEST_ARCH_H

#include <stdbool.h>
#include <stdint.h>
#include <public/arch-x86/cpuid.h>
#include <lib/x86_pte.h>

#define PAGE_SHIFT     12
#define PAGE_SIZE      (1UL << PAGE_SHIFT)
#define PAGE_MASK      (~(PAGE_SIZE - 1))

/* The entries the guest writes: kernel and user alike run in ring 3, so
 * every mapping is a user one. */
#define PTE_KERNEL_RW  (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_KERNEL_RO  (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define PTE_TABLE      (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

#define RFLAGS_TF      (1UL << 8)
#define RFLAGS_DF      (1UL << 10)

static inline uint64_t read_rflags(void)
{
    uint64_t f;

    __asm__ volatile("pushfq; popq %0" : "=r"(f));
    return f;
}

/* Exception vectors. */
#define X86_EXC_DE   0
#define X86_EXC_DB   1
#define X86_EXC_BP   3
#define X86_EXC_OF   4
#define X86_EXC_BR   5
#define X86_EXC_UD   6
#define X86_EXC_NM   7
#define X86_EXC_DF   8
#define X86_EXC_TS  10
#define X86_EXC_NP  11
#define X86_EXC_SS  12
#define X86_EXC_GP  13
#define X86_EXC_PF  14
#define X86_EXC_MF  16
#define X86_EXC_AC  17
#define X86_EXC_MC  18
#define X86_EXC_XM  19

/* #PF error code bits. */
#define PFEC_PRESENT (1u << 0)
#define PFEC_WRITE   (1u << 1)
#define PFEC_USER    (1u << 2)

#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_SHADOW_GS_BASE 0xc0000102

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* CPUID as the hypervisor presents it (the forced-emulation prefix makes
 * the hypervisor emulate it; a plain cpuid runs on the hardware). */
static inline void pv_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t res[4])
{
    __asm__ volatile(XEN_CPUID
                     : "=a"(res[0]), "=b"(res[1]), "=c"(res[2]), "=d"(res[3])
                     : "a"(leaf), "c"(subleaf));
}

static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

#endif
