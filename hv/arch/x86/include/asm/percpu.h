/* Per-CPU state.  The running CPU is found from its stack pointer: each
 * CPU's stack block is STACK_SIZE-aligned with struct cpu_info at the top,
 * which stays correct whatever a guest later does to GS. */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <asm/arch_inline.h>
#include <asm/config.h>
#include <asm/desc.h>
#include <asm/regs.h>
#include <proxen/types.h>

struct vcpu;

/* guest_regs is where every entry from a guest builds its frame: TSS.RSP0
 * and the syscall stub point just past it, so its end must be 16-byte
 * aligned (the CPU aligns RSP0 down before pushing). */
struct cpu_info {
    uint64_t pad0;
    struct cpu_user_regs guest_regs;
    uint32_t cpu_id;
    uint32_t apic_id;
    struct percpu *pcpu;
    struct vcpu *current;
    uint64_t syscall_scratch;        /* the syscall stub's spill slot */
    uint8_t pad[CPU_INFO_SIZE - 208];
};
_Static_assert(sizeof(struct cpu_info) == CPU_INFO_SIZE, "CPU_INFO_SIZE");
_Static_assert(offsetof(struct cpu_info, cpu_id) == CPU_INFO_CPU_ID, "asm/arch_inline.h");
_Static_assert(offsetof(struct cpu_info, guest_regs) == 8, "entry.S moves IST frames here");
_Static_assert(offsetof(struct cpu_info, guest_regs) + sizeof(struct cpu_user_regs) == 176,
               "guest frame must end 16-byte aligned");

static inline struct cpu_info *get_cpu_info(void)
{
    unsigned long sp;

    __asm__("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1 - CPU_INFO_SIZE);
}

/* Everything else a CPU owns. */
struct percpu {
    unsigned int cpu_id;
    uint32_t apic_id;
    _Atomic bool online;
    void *stack;                         /* base of the STACK_SIZE block */
    struct tss64 tss;
    struct seg_desc *gdt_page;           /* reserved GDT entries (0xe000 up) */
    uint64_t lapic_timer_deadline;
    const struct cpu_user_regs *dump_regs;  /* for the register-dump key */
    /* The frames this CPU's GDT and LDT windows show (desc.c). */
    paddr_t gdt_shown[FIRST_RESERVED_GDT_PAGE];
    paddr_t ldt_shown[LDT_WINDOW_PAGES];
};

extern struct percpu percpu[NR_CPUS];
extern _Atomic unsigned int nr_cpus_online;
extern unsigned int nr_cpus_possible;

static inline struct percpu *this_cpu(void) { return get_cpu_info()->pcpu; }
static inline struct cpu_user_regs *guest_cpu_user_regs(void) { return &get_cpu_info()->guest_regs; }
/* TSS.RSP0 of a CPU whose stack block starts at `stack`. */
static inline uint64_t stack_rsp0(void *stack)
{
    struct cpu_info *ci = (struct cpu_info *)((char *)stack + STACK_SIZE - CPU_INFO_SIZE);

    return (uint64_t)(&ci->guest_regs + 1);
}

#endif
