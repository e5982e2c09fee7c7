/* Small utilities every hypervisor file may use: string functions and
 * formatted output (from lib/), arithmetic helpers, assertions. */
#ifndef PROXEN_LIB_H
#define PROXEN_LIB_H

#include <stdarg.h>
#include <proxen/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ROUNDUP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __unused    __attribute__((unused))
#define __noreturn  __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __section(s) __attribute__((section(s)))
/* The hypercall fast path: kept together (see hv.lds). */
#define __hot_path __attribute__((section(".text.hot")))
#define __hot_mm   __attribute__((section(".text.hot.mm")))   /* page-table updates */

/* Hypervisor invariants.  Never used on guest input: a guest's mistake is
 * an error code or a crashed domain, never a failed assertion. */
void assert_failed(const char *expr, const char *file, unsigned int line);
#define ASSERT(e) \
    do { if (unlikely(!(e))) assert_failed(#e, __FILE__, __LINE__); } while (0)
#define BUG() assert_failed("BUG", __FILE__, __LINE__)
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)

void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

/* The shared freestanding library: string functions, the printf family,
 * integer parsing (lib/include/lib/). */
#include <lib/printf.h>
#include <lib/string.h>
#include <lib/strtoul.h>

#endif
