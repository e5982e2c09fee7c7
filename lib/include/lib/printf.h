/* Formatted output into a buffer (lib/vsnprintf.c), for the hypervisor's
 * printk and the guest's console alike.  C99 snprintf semantics: at most
 * size - 1 characters are stored, then a NUL (if size is not 0), and the
 * return value is the length the whole output would have.  Flags "-0+ #",
 * width and precision (also '*'), length modifiers hh h l ll z t j,
 * conversions d i u x X o c s p %.  No floating point (no FPU use in
 * either kernel), no wide characters, no %n.
 *
 * A host build renames them lib_vsnprintf and lib_snprintf (every file
 * that includes this header then calls ours, as the kernels do), so that
 * they do not interpose on the C library's. */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

#if __STDC_HOSTED__
#include <stdio.h>
#define vsnprintf lib_vsnprintf
#define snprintf lib_snprintf
#endif

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
