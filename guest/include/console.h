/* Console output.  The guest writes through console_io, which the
 * hypervisor accepts from every Proxen domain (Xen: from dom0 only; a
 * domU will need the PV console ring once event channels exist). */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <lib.h>

void console_write(const char *s, size_t len);
void vprintk(const char *fmt, va_list ap);
void printk(const char *fmt, ...) __printf(1, 2);

#endif
