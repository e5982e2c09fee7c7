/* Debug keys.  The console is polled from a timer on CPU0: cheap, and it
 * needs no interrupt routing.  What is read goes through the input switch
 * (console_input.c): to the initial domain, or to the keys here.
 * Handlers run in timer-interrupt context. */
#include <arch/arch.h>
#include <proxen/console.h>
#include <proxen/console_input.h>
#include <proxen/domain.h>
#include <proxen/errno.h>
#include <proxen/keyhandler.h>
#include <proxen/page_alloc.h>
#include <proxen/sched.h>
#include <proxen/timer.h>
#include <proxen/xmalloc.h>

#define POLL_PERIOD MILLISECS(20)

struct keyhandler {
    unsigned char key;
    const char *desc;
    void (*fn)(void);
};

static void show_help(void);

static void show_memory(void)
{
    struct heap_stats hs;
    struct xmalloc_stats xs;

    page_alloc_stats(&hs);
    xmalloc_stats(&xs);
    printk("Memory: %llu of %llu frames free (%llu MiB of %llu MiB)\n",
           (unsigned long long)hs.free_frames, (unsigned long long)hs.total_frames,
           (unsigned long long)(hs.free_frames >> 8), (unsigned long long)(hs.total_frames >> 8));
    printk("  free blocks by order:");
    for (unsigned int o = 0; o <= MAX_ORDER; o++)
        if (hs.free_blocks[o])
            printk(" %u:%llu", o, (unsigned long long)hs.free_blocks[o]);
    printk("\n  xmalloc: %llu bytes in use, %llu slab frames, %llu large frames\n",
           (unsigned long long)xs.bytes_in_use, (unsigned long long)xs.slab_frames,
           (unsigned long long)xs.large_frames);
}

static void show_info(void)
{
    s_time_t now = NOW();
    uint64_t errors, warnings;

    console_log_counts(&errors, &warnings);
    printk("Uptime %lld.%03lld s, %u CPUs online, log ring %llu bytes written\n",
           (long long)(now / 1000000000), (long long)(now / 1000000 % 1000),
           arch_nr_cpus_online(), (unsigned long long)console_ring_head());
    printk("Logged since boot: %llu errors, %llu warnings\n", (unsigned long long)errors,
           (unsigned long long)warnings);
}

static void power_off(void) { machine_poweroff(0); }
static void reboot(void) { machine_reboot(); }

static const struct keyhandler keys[] = {
    { 'h', "show this list", show_help },
    { 'd', "dump registers of all CPUs", arch_dump_registers_all },
    { 'i', "show uptime, CPU count and errors logged", show_info },
    { 'm', "show memory statistics", show_memory },
    { 'q', "show domains and their vCPUs", domains_dump },
    { 'r', "show the scheduler and its run queues", sched_dump },
    { 't', "show timer queues", timers_dump },
    { 'o', "power off", power_off },
    { 'R', "reboot", reboot },
};

static void show_help(void)
{
    printk("Debug keys:\n");
    for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++)
        printk("  '%c'  %s\n", keys[i].key, keys[i].desc);
    printk("  Ctrl-%c three times: serial input to dom0 (once it runs) and back\n",
           console_input_switch_letter());
}

int handle_keypress(unsigned char key)
{
    if (key == '\r' || key == '\n')
        return 0;           /* Enter pressed out of habit */
    for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++) {
        if (keys[i].key == key) {
            keys[i].fn();
            return 0;
        }
    }
    printk("No debug key '%c' (0x%02x); 'h' lists them\n", key >= 0x20 && key < 0x7f ? key : '?', key);
    return -ENOENT;
}

static struct timer poll_timer;

static void poll_console(void *unused)
{
    int c;

    while (console_input_reading() && (c = arch_console_getc()) >= 0)
        console_input_receive((unsigned char)c);
    set_timer(&poll_timer, NOW() + POLL_PERIOD);
}

void keyhandler_init(void)
{
    init_timer(&poll_timer, poll_console, NULL, 0);
    set_timer(&poll_timer, NOW() + POLL_PERIOD);
}
