/* Basic types shared by all hypervisor code.  Distinct wrapper types for
 * machine frames and addresses stop the classic frame/address mix-ups at
 * compile time. */
#ifndef PROXEN_TYPES_H
#define PROXEN_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;   /* machine (host-physical) address */
typedef uintptr_t vaddr_t;  /* hypervisor virtual address */
typedef int64_t s_time_t;   /* system time: ns since boot */

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/* Machine frame number. */
typedef struct { uint64_t m; } mfn_t;
static inline mfn_t _mfn(uint64_t m) { return (mfn_t){ m }; }
static inline uint64_t mfn_x(mfn_t m) { return m.m; }
static inline paddr_t mfn_to_maddr(mfn_t m) { return m.m << PAGE_SHIFT; }
static inline mfn_t maddr_to_mfn(paddr_t p) { return _mfn(p >> PAGE_SHIFT); }
static inline bool mfn_eq(mfn_t a, mfn_t b) { return a.m == b.m; }
#define INVALID_MFN _mfn(~0ULL)

#endif
