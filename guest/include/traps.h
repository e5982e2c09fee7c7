/* Exceptions and event upcalls as the guest kernel takes them, and the
 * exception table that lets code expect a fault.
 *
 * To expect a fault at an instruction, label it and name a place to
 * resume in the exception table:
 *
 *     asm volatile("1: mov %0, (%1)\n2:\n" EXTABLE(1b, 2b) ...);
 *
 * A fault at 1 resumes at 2, after last_trap has recorded the vector,
 * error code, RIP and (for #PF) the faulting address.  For a trap that
 * reports the next instruction (int3, int n), put the label after it. */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <setjmp.h>

#define EXTABLE(insn, fixup)                  \
    ".pushsection .ex_table, \"a\"\n\t"      \
    ".balign 8\n\t"                           \
    ".quad " #insn ", " #fixup "\n\t"         \
    ".popsection\n\t"

/* The frame the entry stubs build (entry.S), lowest address first. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint64_t vector;            /* exception vector, or VECTOR_EVENT */
    uint64_t error_code;        /* 0 for vectors without one */
    uint64_t rip, cs, rflags, rsp, ss;  /* cs bits 32-39: saved event mask */
};

#define VECTOR_EVENT 0x100      /* the event upcall, not an exception */

struct trap_record {
    unsigned int vector;
    uint64_t error_code;
    uint64_t rip;
    uint64_t cr2;               /* #PF only */
    uint64_t rflags;            /* the interrupted RFLAGS, from the frame */
    uint64_t handler_rflags;    /* RFLAGS while do_trap ran */
    unsigned long count;        /* exceptions taken so far */
};

/* The last exception taken (expected or not). */
extern struct trap_record last_trap;

/* Trap table, event, failsafe and syscall callbacks, kernel stack. */
void traps_init(void);
/* The top of the stack the hypervisor switches to when guest user mode
 * enters the kernel (stack_switch): never the stack the kernel runs on. */
uint64_t traps_user_entry_stack(void);
/* Install the standard trap table plus, if extra_vector is not 0, an
 * entry for it with privilege dpl (for tests of `int n`): a vector below
 * 32, or 0x80 or 0x81. */
long traps_install(unsigned int extra_vector, unsigned int dpl);
/* Remove every entry: any exception then crashes the domain. */
long traps_clear(void);

/* The same trap table (indexed by vector) and callbacks, for another
 * vCPU's context (smp.c). */
struct trap_info;
struct vcpu_guest_context;
void traps_fill_context(struct trap_info *ctxt);     /* 256 entries */
void traps_fill_callbacks(struct vcpu_guest_context *c);

/* While env is set, an exception no fixup covers is copied to
 * trap_unexpected and longjmp(env, 1) is taken instead of a panic (env
 * is cleared first).  Returns the recovery point it replaces, so that
 * code expecting a fault it cannot name can nest one. */
struct jmp_buf *traps_set_recovery(struct jmp_buf *env);
extern struct trap_frame trap_unexpected;

const char *trap_name(unsigned int vector);

/* Memory accesses that may fault: true if the access completed, false
 * if it faulted (last_trap says how). */
bool probe_read64(uint64_t addr, uint64_t *val);
bool probe_write64(uint64_t addr, uint64_t val);

#endif
