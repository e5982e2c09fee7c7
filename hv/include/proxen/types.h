/* Basic types shared by all hypervisor code.  Distinct wrapper types for
 * machine frames, guest frames and guest virtual addresses stop the
 * classic frame/address mix-ups at compile time: each converts to another
 * only through a function that names what it does. */
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

/* Guest frame number: a frame as a guest numbers its own memory.  For a
 * PV guest its pseudo-physical frame (the M2P's values, the P2M list's
 * indices, memory_op's gpfn lists); a PV guest's page tables and its
 * frame arguments name machine frames (mfn_t) instead. */
typedef struct { uint64_t g; } gfn_t;
static inline gfn_t _gfn(uint64_t g) { return (gfn_t){ g }; }
static inline uint64_t gfn_x(gfn_t g) { return g.g; }
static inline gfn_t gfn_add(gfn_t g, uint64_t n) { return _gfn(g.g + n); }
static inline bool gfn_eq(gfn_t a, gfn_t b) { return a.g == b.g; }
#define INVALID_GFN _gfn(~0ULL)

/* Guest virtual address: meaningful only through the guest's own page
 * tables, so never dereferenced; read through copy_from_guest or a walk
 * of those tables (pv_walk). */
typedef struct { uint64_t va; } gva_t;
static inline gva_t _gva(uint64_t va) { return (gva_t){ va }; }
static inline uint64_t gva_x(gva_t a) { return a.va; }
static inline gva_t gva_add(gva_t a, uint64_t n) { return _gva(a.va + n); }

#endif
