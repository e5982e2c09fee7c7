/* The seeded in-guest fuzzer of hypercalls and privileged instructions
 * (the guest test hypercall_fuzz runs it; docs/testing.md).
 *
 * Everything hostile it builds is aimed only at what it owns: a pool of
 * scratch frames (taken out of the direct map so that they can become
 * page tables, descriptor tables, anything), a pool of scratch virtual
 * addresses (the L1 slots of SCRATCH_VA), and an argument buffer of a
 * few pages followed by an unmapped guard page.  Every frame number it
 * puts anywhere is a scratch frame or one the guest does not own, so
 * the hypervisor alone decides what is refused; the guest's own code,
 * stacks and page tables stay out of reach and must be intact at the
 * end. */
#ifndef GUEST_FUZZ_H
#define GUEST_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include "prng.h"

#define FUZZ_SCRATCH_FRAMES 8
#define FUZZ_VA_POOL        64          /* scratch VAs: SCRATCH_VA + i pages */
#define FUZZ_FILL_VA        (SCRATCH_VA + 0x100000)  /* where scratch frames get filled */
#define FUZZ_ARG_PAGES      16

/* What an operation may have changed, undone after each iteration. */
enum {
    DIRTY_TRAPS     = 1u << 0,      /* trap table, callbacks, stack_switch */
    DIRTY_FPU       = 1u << 1,
    DIRTY_DEBUG     = 1u << 2,
    DIRTY_GDT       = 1u << 3,
    DIRTY_LDT       = 1u << 4,
    DIRTY_TIMER     = 1u << 5,
    DIRTY_IOPL      = 1u << 6,
    DIRTY_SEGBASE   = 1u << 7,
    DIRTY_VMASSIST  = 1u << 8,
    DIRTY_USER_PT   = 1u << 9,
    DIRTY_EVENTS    = 1u << 10,     /* the event mask, pending upcalls */
    DIRTY_VCPU_AREA = 1u << 11,     /* runstate / time areas registered */
    DIRTY_NMI       = 1u << 12,
    DIRTY_SEGMENTS  = 1u << 13,     /* data segment registers */
    DIRTY_ALL       = (1u << 14) - 1,
};

struct fuzz_pool {
    uint64_t mfn[FUZZ_SCRATCH_FRAMES];
    void *dmap[FUZZ_SCRATCH_FRAMES];    /* direct-map address, unmapped while fuzzing */
    uint64_t l1_maddr;                  /* the L1 table mapping SCRATCH_VA */
    uint64_t foreign_mfn;               /* a RAM frame another owner has */
    uint64_t max_mfn;
    uint8_t *arg;                       /* FUZZ_ARG_PAGES pages, then a guard page */
    unsigned int arg_head, arg_tail;    /* this iteration's allocations */
    uint64_t dr[4];                     /* what the fuzzer last put in DR0-3 */
    unsigned int dirty;
};

extern struct fuzz_pool fuzz_pool;
extern struct prng fuzz_rng;
extern bool fuzz_verbose;

/* run.c: fuzz, print the counts, check the invariants; whether all
 * held.  verbose prints each operation before it runs. */
bool fuzz_run(uint64_t seed, uint64_t iters, bool verbose);

/* pool.c: set-up and the pickers of hostile-but-owned values. */
bool fuzz_pool_init(void);
void fuzz_arena_reset(void);
void *fuzz_alloc(unsigned int size);        /* random bytes, in the argument buffer */
void *fuzz_alloc_tail(unsigned int size);   /* same, ending at the guard page */
bool fuzz_is_scratch(uint64_t mfn);
uint64_t fuzz_sanitize_mfn(uint64_t mfn);
uint64_t fuzz_mfn(void);                    /* scratch, foreign, absurd */
uint64_t fuzz_pte(void);                    /* an entry whose frame is fuzz_mfn() */
uint64_t fuzz_pt_maddr(void);               /* where mmu_update may write */
uint64_t fuzz_va(void);                     /* a VA update_va_mapping may target */
uint64_t fuzz_scratch_va(void);             /* one of the pool's; maps only scratch frames */
uint64_t fuzz_ptr(unsigned int size);       /* a buffer the hypervisor may read/write */
uint64_t fuzz_int(void);                    /* an interesting integer */
uint64_t fuzz_bad_addr(void);               /* never mapped: for code, for arrays */
uint64_t fuzz_dr7(uint64_t v);              /* v with breakpoints on guest memory off */
void fuzz_fill_frame(unsigned int i);       /* random bytes into a scratch frame if writable */
/* pool.c: the scratch frames back in the direct map, each shown reusable,
 * and freed with the buffer: 0 or the number of frames that were not. */
unsigned int fuzz_pool_release(void);

/* hypercalls.c: one hypercall with generated arguments. */
struct fuzz_call {
    uint64_t nr, a[5];
};
void fuzz_gen_call(struct fuzz_call *c, unsigned int depth);
long fuzz_do_call(const struct fuzz_call *c);

/* insns.c: privileged or sensitive instruction i (< fuzz_nr_insns). */
void fuzz_insn(unsigned int i);
extern const char *const fuzz_insn_names[];
extern const unsigned int fuzz_nr_insns;

/* restore.c: undo what the last iteration may have changed. */
void fuzz_restore(void);
void fuzz_restore_init(void);

/* check.c: the invariants after a run; the number that failed. */
void fuzz_check_init(void);
unsigned int fuzz_check(void);

#endif
