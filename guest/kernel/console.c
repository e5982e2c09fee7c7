/* Console output through the console_io hypercall.  Messages are
 * formatted whole into a buffer first so that each reaches the
 * hypervisor's console as one write and lines from the guest do not
 * interleave mid-line with the hypervisor's own. */
#include <console.h>
#include <hypercall.h>

#define PRINTK_BUF 1024       /* longer messages are cut */

void console_write(const char *s, size_t len)
{
    /* Xen returns 0 once everything is written, Proxen the count; either
     * way nothing is left to retry, and an error has nowhere to go. */
    hypercall_console_io(CONSOLEIO_write, (unsigned int)len, s);
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[PRINTK_BUF];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}
