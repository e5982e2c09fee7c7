/* dmesg: the hypervisor's log ring, read through the control interface
 * in one go (what is printed meanwhile goes to the ring too, and is not
 * read again). */
#include <console.h>
#include "shell.h"

#define LOG_RING_MAX (64 * 1024)         /* the hypervisor keeps 64 KiB */

static char log_text[LOG_RING_MAX];

bool cmd_dmesg(int argc, char **argv)
{
    struct proxen_control op = { .cmd = PXCTL_readconsole };
    long rc;

    (void)argv;
    if (argc != 1) {
        printk("dmesg: takes no arguments\n");
        return false;
    }
    op.u.readconsole.buffer = (uint64_t)log_text;
    op.u.readconsole.size = sizeof(log_text);
    op.u.readconsole.index = 0;          /* from the oldest byte kept */
    rc = pxctl(&op);
    if (rc) {
        printk("dmesg: %s\n", errno_text(rc));
        return false;
    }
    console_write(log_text, op.u.readconsole.size);
    if (op.u.readconsole.size && log_text[op.u.readconsole.size - 1] != '\n')
        console_write("\n", 1);
    return true;
}
