/* Fake arch layer for host unit tests.  Assertion failures and panics are
 * routed to cmocka's mock_assert so tests can expect them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arch/arch.h>
#include <proxen/lib.h>
#include <proxen/timer.h>
#include "fake_arch.h"

static unsigned char *fake_mem;
static uint64_t fake_nr_frames;
static char console_buf[1 << 20];
static size_t console_len;
static unsigned int fake_cpu;
static s_time_t fake_now, fake_deadline;
static int irqs_on = 1;

void fake_mem_init(uint64_t nr_frames)
{
    fake_mem_free();
    fake_mem = aligned_alloc(PAGE_SIZE, nr_frames * PAGE_SIZE);
    assert_non_null(fake_mem);
    memset(fake_mem, 0xa5, nr_frames * PAGE_SIZE);
    fake_nr_frames = nr_frames;
}

void fake_mem_free(void)
{
    free(fake_mem);
    fake_mem = NULL;
    fake_nr_frames = 0;
}

uint64_t fake_mem_frames(void) { return fake_nr_frames; }

void *arch_maddr_to_virt(paddr_t pa)
{
    assert_true(pa < fake_nr_frames * PAGE_SIZE);
    return fake_mem + pa;
}

paddr_t arch_virt_to_maddr(const void *va)
{
    const unsigned char *p = va;

    assert_true(p >= fake_mem && p < fake_mem + fake_nr_frames * PAGE_SIZE);
    return (paddr_t)(p - fake_mem);
}

void arch_console_write(const char *s, size_t len)
{
    if (len > sizeof(console_buf) - 1 - console_len)
        len = sizeof(console_buf) - 1 - console_len;
    memcpy(console_buf + console_len, s, len);
    console_len += len;
    console_buf[console_len] = '\0';
}

const char *fake_console_text(void) { return console_buf; }
void fake_console_reset(void) { console_len = 0; console_buf[0] = '\0'; }

unsigned long arch_irq_save(void) { unsigned long f = (unsigned long)irqs_on; irqs_on = 0; return f; }
void arch_irq_restore(unsigned long flags) { irqs_on = (int)flags; }
void arch_irq_enable(void) { irqs_on = 1; }
void arch_irq_disable(void) { irqs_on = 0; }
bool arch_irqs_enabled(void) { return irqs_on; }
void arch_cpu_relax(void) { }
void arch_wait_for_interrupt(void) { }
unsigned int arch_cpu_id(void) { return fake_cpu; }
void fake_set_cpu(unsigned int cpu) { fake_cpu = cpu; }

void fake_set_now(s_time_t now) { fake_now = now; }
s_time_t NOW(void) { return fake_now; }
void arch_timer_program(s_time_t deadline) { fake_deadline = deadline; }
s_time_t fake_last_timer_program(void) { return fake_deadline; }

void arch_dump_stack(void) { }

void arch_fatal_halt(void)
{
    mock_assert(0, "arch_fatal_halt", __FILE__, __LINE__);
    abort();
}

void assert_failed(const char *expr, const char *file, unsigned int line)
{
    mock_assert(0, expr, file, (int)line);
}

void panic(const char *fmt, ...)
{
    /* The format is enough to tell which panic fired. */
    mock_assert(0, fmt, __FILE__, __LINE__);
    abort();
}

int arch_console_getc(void) { return -1; }
void arch_dump_registers_all(void) { }
static unsigned int fake_nr_cpus = 1;
unsigned int arch_nr_cpus_online(void) { return fake_nr_cpus; }
void fake_set_nr_cpus(unsigned int n) { fake_nr_cpus = n; }
uint64_t arch_tsc_ticks_to_ns(uint64_t ticks) { return ticks; }
void smp_call_function(void (*fn)(void *), void *data) { (void)fn; (void)data; }

void machine_poweroff(unsigned int status)
{
    mock_assert(0, "machine_poweroff", __FILE__, (int)status);
    abort();
}

void machine_reboot(void)
{
    mock_assert(0, "machine_reboot", __FILE__, __LINE__);
    abort();
}

static unsigned int cpu_kicks[64];
void arch_cpu_kick(unsigned int cpu) { cpu_kicks[cpu % 64]++; }
unsigned int fake_cpu_kicks(unsigned int cpu) { return cpu_kicks[cpu % 64]; }
