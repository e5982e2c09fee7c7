/* Fatal hypervisor errors.  One CPU at a time gets to report; a CPU that
 * panics again while reporting (say, inside the console) halts at once
 * rather than recursing. */
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/spinlock.h>

static DEFINE_SPINLOCK(panic_lock);

void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    size_t len;

    arch_irq_disable();
    if (spin_is_locked_by_me(&panic_lock))
        arch_fatal_halt();
    spin_lock(&panic_lock);
    /* The console lock may be held by a CPU that will never let go, or
     * by this one, if the panic came from inside printk. */
    console_force_unlock();

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    len = strlen(msg);
    log_printk(LOG_ERR, "PANIC on CPU%u: %s%s", arch_cpu_id(), msg,
               len && msg[len - 1] == '\n' ? "" : "\n");
    arch_dump_stack();
    arch_fatal_halt();
}

void assert_failed(const char *expr, const char *file, unsigned int line)
{
    panic("Assertion '%s' failed at %s:%u", expr, file, line);
}
