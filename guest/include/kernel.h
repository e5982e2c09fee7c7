/* What the whole guest kernel shares: the pages the hypervisor handed
 * over at boot, the command line, and the ways to stop. */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <lib.h>
#include <public/xen.h>

extern const struct start_info *start_info;
extern struct shared_info *shared_info;     /* NULL until mapped */

static inline bool is_initial_domain(void)
{
    return start_info->flags & SIF_INITDOMAIN;
}

/* Stop the domain with a SHUTDOWN_* reason. */
void shutdown(unsigned int reason) __noreturn;
/* Report and stop with SHUTDOWN_crash. */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

/* The command line is space-separated words, each "name" or "name=value".
 * Returns whether name is present; its value (or "") goes to val. */
bool cmdline_get(const char *name, char *val, size_t size);

/* The program linked with the kernel, run once the kernel is up (the
 * in-guest tests in proxen-guest, the benchmarks in proxen-bench).  When
 * it returns, the kernel shuts the domain down (start.c). */
void guest_main(void);

#endif
