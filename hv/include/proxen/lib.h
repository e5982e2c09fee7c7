/* Small utilities every hypervisor file may use: string functions,
 * arithmetic helpers, assertions. */
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

#if __STDC_HOSTED__
/* A host build (unit tests, fuzzers): the C library's string functions,
 * and the hypervisor's printf family under names of its own, so that it
 * does not interpose on the library's. */
#include <stdio.h>
#include <string.h>
#define vsnprintf hv_vsnprintf
#define snprintf hv_snprintf
#else
/* string.c: freestanding implementations (the compiler may also emit calls
 * to memcpy/memset/memmove/memcmp). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif
size_t strlcpy(char *dst, const char *src, size_t size);

/* vsnprintf.c: C99 snprintf semantics (returns the length that would have
 * been written).  Supports flags "-0+ #", width, precision, '*', length
 * modifiers hh h l ll z t j, conversions d i u x X o c s p %. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Parse an unsigned integer (decimal, 0x hex, 0 octal); sets *end. */
unsigned long long simple_strtoull(const char *s, const char **end, unsigned int base);

#endif
