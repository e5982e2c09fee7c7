/* What the coalescing model needs from the hypervisor's environment, on
 * the host: one CPU, no interrupts to mask, a simulated clock that the
 * model advances, and the one-shot timer's deadline, which the model
 * reads to run the timer "interrupt" exactly when it is due. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/hypercall.h>
#include <proxen/timer.h>
#include <proxen/xmalloc.h>
#include "model.h"

static s_time_t sim_now, sim_deadline;

s_time_t NOW(void) { return sim_now; }
void model_set_now(s_time_t now) { sim_now = now; }
void arch_timer_program(s_time_t deadline) { sim_deadline = deadline; }
s_time_t model_timer_deadline(void) { return sim_deadline; }

unsigned long arch_irq_save(void) { return 0; }
void arch_irq_restore(unsigned long flags) { (void)flags; }
void arch_cpu_relax(void) { }
unsigned int arch_cpu_id(void) { return 0; }
void arch_cpu_kick(unsigned int cpu) { (void)cpu; }     /* one CPU: never called */
void preempt_note_work(void) { }
void *xzalloc(size_t size) { return calloc(1, size); }

void log_printk(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;

    (void)lvl;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void assert_failed(const char *expr, const char *file, unsigned int line)
{
    fprintf(stderr, "assertion failed: %s (%s:%u)\n", expr, file, line);
    abort();
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
