/* The ways the guest stops. */
#include <console.h>
#include <hypercall.h>
#include <kernel.h>
#include <traps.h>

void shutdown(unsigned int reason)
{
    struct sched_shutdown s = { .reason = reason };

    hypercall_sched_op(SCHEDOP_shutdown, &s);
    /* Not reached on a working hypervisor; if it is, an exception with no
     * handler is the remaining way to end the domain. */
    traps_clear();
    for (;;)
        __asm__ volatile("ud2");
}

void panic(const char *fmt, ...)
{
    va_list ap;

    printk("PANIC: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n");
    shutdown(SHUTDOWN_crash);
}
