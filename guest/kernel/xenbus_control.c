/* The domain's side of the toolstack's controls (xenbus.h): the
 * toolstack writes control/shutdown ("poweroff", "halt", "reboot") and
 * memory/target (KiB); the domain acknowledges a shutdown request it
 * will carry out by clearing the node, in the transaction that read it,
 * and then shuts down with the matching reason, as Linux does; it
 * ignores (leaves in place) a request it cannot carry out, such as
 * "suspend".  It follows memory/target with its balloon. */
#include <arch.h>
#include <balloon.h>
#include <console.h>
#include <kernel.h>
#include <lib.h>
#include <lib/errno.h>
#include <public/sched.h>
#include <xenbus.h>

static const struct {
    const char *command;
    unsigned int reason;
} commands[] = {
    { "poweroff", SHUTDOWN_poweroff },
    { "halt", SHUTDOWN_poweroff },
    { "reboot", SHUTDOWN_reboot },
};

/* The request in control/shutdown, acknowledged if known: its index in
 * commands, or -1 (none, or unknown).  Retries on a conflict. */
static int take_shutdown_request(char *cmd, size_t size)
{
    xs_tx_t tx;
    long rc;
    int known;

    do {
        known = -1;
        cmd[0] = '\0';
        if (xenbus_transaction_start(&tx))
            return -1;
        rc = xenbus_read(tx, "control/shutdown", cmd, size);
        if (rc <= 0)
            cmd[0] = '\0';
        for (unsigned int i = 0; rc > 0 && i < ARRAY_SIZE(commands); i++)
            if (!strcmp(cmd, commands[i].command))
                known = (int)i;
        if (known >= 0)
            xenbus_write(tx, "control/shutdown", "");
        rc = xenbus_transaction_end(tx, false);
    } while (rc == -EAGAIN);
    return rc ? -1 : known;
}

static void shutdown_changed(struct xenbus_watch *w, const char *path)
{
    (void)w, (void)path;
    char cmd[32];
    int i = take_shutdown_request(cmd, sizeof(cmd));

    if (i >= 0) {
        printk("xenbus: shutdown request \"%s\"\n", cmd);
        shutdown(commands[i].reason);
    }
    if (cmd[0])
        printk("xenbus: ignoring shutdown request \"%s\"\n", cmd);
}

static void target_changed(struct xenbus_watch *w, const char *path)
{
    (void)w, (void)path;
    uint64_t kib;
    long reached;

    if (xenbus_read_u64(XBT_NIL, "memory/target", &kib))
        return;
    reached = balloon_set_target(kib / (PAGE_SIZE / 1024));
    if (reached < 0)
        printk("xenbus: balloon to %lu KiB failed (%ld)\n", kib, reached);
    else
        printk("xenbus: memory target %lu KiB, reached %lu KiB\n", kib,
               (uint64_t)reached * (PAGE_SIZE / 1024));
}

static struct xenbus_watch shutdown_watch = { .path = "control/shutdown", .fn = shutdown_changed };
static struct xenbus_watch target_watch = { .path = "memory/target", .fn = target_changed };

long xenbus_control_init(void)
{
    long rc;

    /* What the domain handles, for the toolstack (as Linux writes them). */
    xenbus_write(XBT_NIL, "control/feature-poweroff", "1");
    xenbus_write(XBT_NIL, "control/feature-reboot", "1");
    if ((rc = xenbus_watch(&shutdown_watch)))
        return rc;
    return xenbus_watch(&target_watch);
}
