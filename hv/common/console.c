/* printk: format a message, keep it in the ring, and show it on the
 * serial line if its level passes the threshold.  The ring keeps every
 * level so that debug output can be read later without having slowed the
 * serial line down. */
#include <stdatomic.h>
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/errno.h>
#include <proxen/spinlock.h>

/* Longest message; the rest is cut off and the cut marked. */
#define MSG_MAX 512
#define CUT_MARK "...\n"

#define LINE_PREFIX "(PRX) "

static DEFINE_SPINLOCK_RANKED(console_lock, LOCK_CONSOLE);

/* All protected by console_lock. */
static char ring[CONSOLE_RING_SIZE];
static uint64_t ring_head;           /* bytes ever written */
/* Messages logged at LOG_ERR and LOG_WARNING since boot, whatever the
 * console showed of them: a run's health at a glance (debug key 'i'). */
static uint64_t logged_errors, logged_warnings;
static bool console_mid_line;        /* last console byte was not '\n' */
static char mid_line_prefix[16];     /* whose line that is */
static int console_loglevel = LOG_INFO;

/* Set once, on the way down after a fatal error. */
static bool console_unlocked;

static unsigned long console_acquire(void)
{
    if (console_unlocked)
        return arch_irq_save();
    return spin_lock_irqsave(&console_lock);
}

static void console_release(unsigned long flags)
{
    if (console_unlocked)
        arch_irq_restore(flags);
    else
        spin_unlock_irqrestore(&console_lock, flags);
}

_Atomic bool console_ring_news;

static void ring_write(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        ring[(ring_head + i) % CONSOLE_RING_SIZE] = s[i];
    ring_head += len;
    atomic_store_explicit(&console_ring_news, true, memory_order_relaxed);
}

/* Each console line starts with the prefix, emitted lazily so that a
 * message ending in '\n' does not leave a dangling prefix behind.  A
 * line left unfinished by one writer (a shell's prompt) is ended before
 * another writer's text, so that each line has one author. */
static void console_emit_prefixed(const char *prefix, const char *s, size_t len)
{
    if (len && console_mid_line && strcmp(prefix, mid_line_prefix)) {
        arch_console_write("\n", 1);
        console_mid_line = false;
    }
    while (len) {
        size_t n = 0;

        if (!console_mid_line) {
            arch_console_write(prefix, strlen(prefix));
            snprintf(mid_line_prefix, sizeof(mid_line_prefix), "%s", prefix);
        }
        while (n < len && s[n++] != '\n')
            ;
        arch_console_write(s, n);
        console_mid_line = s[n - 1] != '\n';
        s += n;
        len -= n;
    }
}

static void console_emit(const char *s, size_t len)
{
    console_emit_prefixed(LINE_PREFIX, s, len);
}

/* Guest output (console_io): always shown, whatever loglvl says, with the
 * domain's id at each line start. */
void console_guest_write(unsigned int domid, const char *s, size_t len)
{
    char prefix[16];
    unsigned long flags;

    snprintf(prefix, sizeof(prefix), "(d%u) ", domid);
    flags = console_acquire();
    ring_write(s, len);
    console_emit_prefixed(prefix, s, len);
    console_release(flags);
}

/* Format into buf; an overlong message keeps its head and gets CUT_MARK. */
static size_t format_message(char *buf, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, size, fmt, ap);

    if (n < 0)
        n = (int)size;
    if ((size_t)n < size)
        return (size_t)n;
    memcpy(buf + size - sizeof(CUT_MARK), CUT_MARK, sizeof(CUT_MARK));
    return size - 1;
}

void vlog_printk(enum log_level lvl, const char *fmt, va_list ap)
{
    char msg[MSG_MAX];
    size_t len = format_message(msg, sizeof(msg), fmt, ap);
    unsigned long flags = console_acquire();

    if (lvl == LOG_ERR)
        logged_errors++;
    else if (lvl == LOG_WARNING)
        logged_warnings++;
    ring_write(msg, len);
    if ((int)lvl <= console_loglevel)
        console_emit(msg, len);
    console_release(flags);
}

void log_printk(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog_printk(lvl, fmt, ap);
    va_end(ap);
}

void console_set_loglevel(enum log_level lvl)
{
    console_loglevel = (int)lvl;
}

int console_parse_loglevel(const char *s)
{
    static const struct { const char *name; enum log_level lvl; } names[] = {
        { "err", LOG_ERR }, { "warning", LOG_WARNING }, { "info", LOG_INFO },
        { "debug", LOG_DEBUG }, { "all", LOG_DEBUG },
    };
    size_t i;

    if (!s)
        return -EINVAL;
    if (s[0] >= '0' && s[0] <= '7' && !s[1]) {
        console_set_loglevel((enum log_level)(s[0] - '0'));
        return 0;
    }
    for (i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(s, names[i].name)) {
            console_set_loglevel(names[i].lvl);
            return 0;
        }
    }
    return -EINVAL;
}

/* Whoever held the lock will never release it; and everything printed
 * from now on explains the crash, so the level threshold goes too. */
void console_force_unlock(void)
{
    console_unlocked = true;
    console_loglevel = LOG_DEBUG;
}

size_t console_ring_read(uint64_t *pos, char *buf, size_t len)
{
    unsigned long flags = console_acquire();
    uint64_t p = *pos;
    size_t n, i;

    /* From the future (a caller's bug): treat as caught up.  Overwritten:
     * skip to the oldest byte held. */
    if (p > ring_head)
        p = ring_head;
    else if (ring_head - p > CONSOLE_RING_SIZE)
        p = ring_head - CONSOLE_RING_SIZE;
    n = ring_head - p < len ? (size_t)(ring_head - p) : len;
    for (i = 0; i < n; i++)
        buf[i] = ring[(p + i) % CONSOLE_RING_SIZE];
    *pos = p + n;
    console_release(flags);
    return n;
}

void console_log_counts(uint64_t *errors, uint64_t *warnings)
{
    unsigned long flags = console_acquire();

    *errors = logged_errors;
    *warnings = logged_warnings;
    console_release(flags);
}

uint64_t console_ring_head(void)
{
    unsigned long flags = console_acquire();
    uint64_t head = ring_head;

    console_release(flags);
    return head;
}
