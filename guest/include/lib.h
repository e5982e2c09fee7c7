/* The guest's small C library: a few macros, and the shared library's
 * string functions and formatted output (lib/). */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ROUNDUP(x, a) (((x) + (a) - 1) / (a) * (a))

#define __printf(f, a) __attribute__((format(printf, f, a)))
#define __noreturn __attribute__((noreturn))

/* String functions and formatted output: the shared library's. */
#include <lib/printf.h>
#include <lib/string.h>

#endif
