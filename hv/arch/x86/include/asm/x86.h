/* Thin wrappers around x86 instructions. */
#ifndef ASM_X86_H
#define ASM_X86_H

#include <proxen/types.h>
#include <lib/x86_pte.h>       /* is_canonical() */

#define X86_CR0_PE  (1UL << 0)
#define X86_CR0_MP  (1UL << 1)
#define X86_CR0_TS  (1UL << 3)
#define X86_CR0_ET  (1UL << 4)
#define X86_CR0_NE  (1UL << 5)
#define X86_CR0_WP  (1UL << 16)
#define X86_CR0_AM  (1UL << 18)
#define X86_CR0_PG  (1UL << 31)
#define X86_CR4_DE  (1UL << 3)
#define X86_CR4_PAE (1UL << 5)
#define X86_CR4_PGE (1UL << 7)
#define X86_CR4_OSFXSR (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)

#define X86_EFLAGS_IF (1UL << 9)
#define X86_EFLAGS_IOPL (3UL << 12)
#define X86_EFLAGS_VM (1UL << 17)

#define MSR_EFER          0xc0000080
#define  EFER_SCE         (1UL << 0)
#define  EFER_LME         (1UL << 8)
#define  EFER_NXE         (1UL << 11)
#define MSR_STAR          0xc0000081
#define MSR_LSTAR         0xc0000082
#define MSR_CSTAR         0xc0000083
#define MSR_SYSCALL_MASK  0xc0000084
#define MSR_FS_BASE       0xc0000100
#define MSR_GS_BASE       0xc0000101
#define MSR_SHADOW_GS_BASE 0xc0000102
#define MSR_APIC_BASE     0x0000001b
#define  APIC_BASE_BSP    (1UL << 8)
#define  APIC_BASE_ENABLE (1UL << 11)

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a,
                               uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                     : "a"(leaf), "c"(sub));
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    cpuid_count(leaf, 0, a, b, c, d);
}

#define DEFINE_CR(n) \
    static inline unsigned long read_cr##n(void) \
    { unsigned long v; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; } \
    static inline void write_cr##n(unsigned long v) \
    { __asm__ volatile("mov %0, %%cr" #n :: "r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline unsigned long read_rflags(void)
{
    unsigned long f;
    __asm__ volatile("pushfq; popq %0" : "=r"(f) :: "memory");
    return f;
}

static inline void cpu_pause(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void cpu_halt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline void local_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
/* sti's one-instruction shadow makes "sti; hlt" race-free. */
static inline void safe_halt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline void invlpg(const void *va) { __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }

static inline void flush_tlb_local(void)
{
    unsigned long cr4 = read_cr4();

    if (cr4 & X86_CR4_PGE) {   /* toggling PGE also drops global entries */
        write_cr4(cr4 & ~X86_CR4_PGE);
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
    }
}

#endif
