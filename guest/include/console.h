/* Console output (kernel/console.c): the PV console ring for a domain
 * other than the initial one once console_ring_init has found it, else
 * console_io (which the hypervisor logs as "(dN) text"). */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <lib.h>

void console_write(const char *s, size_t len);
/* Use start_info's console ring from now on, if this domain has one. */
void console_ring_init(void);
/* Input the back end put in the ring (0: none, or no ring). */
size_t console_ring_read(char *buf, size_t len);
/* Bytes dropped because the ring stayed full (no back end). */
uint64_t console_ring_dropped(void);
void vprintk(const char *fmt, va_list ap);
void printk(const char *fmt, ...) __printf(1, 2);

#endif
