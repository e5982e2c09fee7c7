/* The hypervisor log: printk with levels, output to the arch consoles and
 * to a ring buffer that dom0 will later read.
 *
 * Locking: console_lock serialises output and the ring; it is taken with
 * interrupts disabled, and it is the innermost lock. */
#ifndef PROXEN_CONSOLE_H
#define PROXEN_CONSOLE_H

#include <stdatomic.h>
#include <proxen/lib.h>

/* Levels, lower is more important (syslog numbering). */
enum log_level {
    LOG_ERR = 3,
    LOG_WARNING = 4,
    LOG_INFO = 6,
    LOG_DEBUG = 7,
};

/* Print at a level; messages above the console threshold (loglvl=) go
 * only to the ring, not to the serial line. */
void log_printk(enum log_level lvl, const char *fmt, ...) __printf(2, 3);
void vlog_printk(enum log_level lvl, const char *fmt, va_list ap);
#define printk(...)   log_printk(LOG_INFO, __VA_ARGS__)
#define pr_err(...)   log_printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  log_printk(LOG_WARNING, __VA_ARGS__)
#define pr_info(...)  log_printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_printk(LOG_DEBUG, __VA_ARGS__)

void console_set_loglevel(enum log_level lvl);

/* A guest's console_io output, shown as "(dN) ..." lines. */
void console_guest_write(unsigned int domid, const char *s, size_t len);
int console_parse_loglevel(const char *s);   /* PARAM_CUSTOM handler */

/* After a fatal error: print without the lock (another CPU may hold it). */
void console_force_unlock(void);

/* Copy up to len bytes of the ring, starting at byte offset *pos (counted
 * since boot); advances *pos.  Returns bytes copied; if *pos has been
 * overwritten it first jumps to the oldest byte still held. */
size_t console_ring_read(uint64_t *pos, char *buf, size_t len);
uint64_t console_ring_head(void);   /* total bytes ever written */
/* Messages logged at LOG_ERR and at LOG_WARNING since boot. */
void console_log_counts(uint64_t *errors, uint64_t *warnings);

#define CONSOLE_RING_SIZE (64 * 1024)

/* Set by every write to the ring.  printk runs under any lock, so dom0
 * is told (VIRQ_CON_RING, as on Xen) later, on a way back to a guest,
 * where no lock is held. */
extern _Atomic bool console_ring_news;
void console_ring_notify_slow(void);

static inline void console_ring_notify(void)
{
    if (atomic_load_explicit(&console_ring_news, memory_order_relaxed))
        console_ring_notify_slow();
}

#endif
