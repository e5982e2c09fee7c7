/* Serial input routing (console_input.h): the Ctrl-A switch, the ring of
 * characters waiting for the initial domain, and the reads from it. */
#include <stdatomic.h>
#include <proxen/console.h>
#include <proxen/console_input.h>
#include <proxen/errno.h>
#include <proxen/keyhandler.h>
#include <proxen/spinlock.h>

static DEFINE_SPINLOCK(input_lock);

/* Guarded by input_lock: the ring and its free-running indices. */
static char ring[CONSOLE_INPUT_RING_SIZE];
static uint64_t ring_prod, ring_cons;

/* Written at the end of boot and by the switch, both on the poller's CPU
 * (or before it runs); read by the poller. */
static _Atomic bool reading;
static _Atomic bool to_dom0;
static bool dom0_started;
static unsigned int switch_count;     /* the poller's alone */

/* Set by the boot options, before anything is read. */
static unsigned char switch_code = CONSOLE_INPUT_SWITCH_CODE;
static bool no_auto_switch;

int console_input_parse_conswitch(const char *value)
{
    if (!value || value[0] < 'a' || value[0] > 'z' || (value[1] && strcmp(value + 1, "x")))
        return -EINVAL;
    switch_code = (unsigned char)(value[0] - 'a' + 1);
    no_auto_switch = value[1] == 'x';
    return 0;
}

char console_input_switch_letter(void)
{
    return (char)('A' + switch_code - 1);
}

static void announce(void)
{
    char key = console_input_switch_letter();

    if (to_dom0)
        printk("*** Serial input to dom0 (type Ctrl-%c three times for the debug keys)\n", key);
    else
        printk("*** Serial input to the debug keys (type Ctrl-%c three times for dom0)\n", key);
}

void console_input_endboot(bool dom0)
{
    dom0_started = dom0;
    to_dom0 = dom0 && !no_auto_switch;
    if (dom0)
        announce();
    reading = true;
}

bool console_input_reading(void) { return reading; }
bool console_input_to_dom0(void) { return to_dom0; }

/* Without a started dom0 there is nothing to switch to. */
static void switch_input(void)
{
    if (!dom0_started)
        return;
    to_dom0 = !to_dom0;
    announce();
}

static void deliver_to_dom0(unsigned char c)
{
    unsigned long flags = spin_lock_irqsave(&input_lock);

    if (ring_prod - ring_cons < CONSOLE_INPUT_RING_SIZE)
        ring[ring_prod++ % CONSOLE_INPUT_RING_SIZE] = (char)c;
    spin_unlock_irqrestore(&input_lock, flags);
    /* Even when full: a domain that missed an event reads again. */
    console_input_notify_dom0();
}

static void deliver(unsigned char c)
{
    if (to_dom0)
        deliver_to_dom0(c);
    else
        handle_keypress(c);
}

/* Switch characters are held back in groups of three; fewer followed by
 * anything else are delivered after all, as on Xen. */
void console_input_receive(unsigned char c)
{
    if (c == switch_code) {
        if (++switch_count == 3) {
            switch_count = 0;
            switch_input();
        }
        return;
    }
    for (; switch_count; switch_count--)
        deliver(switch_code);
    deliver(c);
}

size_t console_input_peek(char *buf, size_t max, uint64_t *token)
{
    unsigned long flags = spin_lock_irqsave(&input_lock);
    size_t n = (size_t)MIN((uint64_t)max, ring_prod - ring_cons);

    for (size_t i = 0; i < n; i++)
        buf[i] = ring[(ring_cons + i) % CONSOLE_INPUT_RING_SIZE];
    *token = ring_cons;
    spin_unlock_irqrestore(&input_lock, flags);
    return n;
}

bool console_input_consume(uint64_t token, size_t n)
{
    unsigned long flags = spin_lock_irqsave(&input_lock);
    bool ok = ring_cons == token && n <= ring_prod - ring_cons;

    if (ok)
        ring_cons += n;
    spin_unlock_irqrestore(&input_lock, flags);
    return ok;
}
