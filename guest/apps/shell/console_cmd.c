/* console DOMAIN: a domain's PV console, served by dom0's console daemon
 * (console_back.h).  On a terminal it shows what the domain wrote so far,
 * then what it writes, and sends what is typed to it, until Ctrl-]
 * (as xl's).  In a script it shows what the domain wrote so far. */
#include <console.h>
#include <console_back.h>
#include <console_input.h>
#include <lib/errno.h>
#include "shell.h"

#define DETACH 0x1d                      /* Ctrl-] */

static char history[CONSOLE_HISTORY];

static void sink(const char *s, size_t len)
{
    console_write(s, len);
}

static void show_history(domid_t id)
{
    size_t n = console_back_history(id, history, sizeof(history));

    console_write(history, n);
    if (n && history[n - 1] != '\n')
        console_write("\n", 1);
}

/* A domain went (the reaper said what became of it): the console stays
 * with the domain of this name if one is there again, as after a reboot
 * from inside, which builds it again; else it ends.  Whether it stays. */
static bool follow(struct pxctl_domaininfo *d)
{
    struct pxctl_domaininfo now;
    char name[sizeof(d->name)];

    strlcpy(name, d->name, sizeof(name));
    if (domain_find(name, &now) || console_back_attach(now.domain, sink))
        return false;
    *d = now;
    return true;
}

static bool attach(struct pxctl_domaininfo *d)
{
    long rc = console_back_attach(d->domain, sink);
    int c;

    if (rc) {
        printk("console: %s: %s\n", d->name, errno_text(rc));
        return false;
    }
    while ((c = console_getc_or_wake()) != DETACH) {
        char ch = (char)(c == '\r' ? '\n' : c);

        if (c == CONSOLE_WOKEN) {
            if (!follow(d))
                return true;
            continue;
        }
        console_back_input(d->domain, &ch, 1);
    }
    console_back_attach(d->domain, NULL);
    printk("\n[detached from '%s']\n", d->name);
    return true;
}

bool cmd_console(int argc, char **argv)
{
    struct pxctl_domaininfo d;

    if (argc != 2) {
        printk("console: which domain? (a name or an id)\n");
        return false;
    }
    if (domain_find(argv[1], &d)) {
        printk("console: no domain '%s'\n", argv[1]);
        return false;
    }
    if (d.flags & PXDOMF_privileged) {
        printk("console: '%s' writes to the hypervisor's console ('dmesg')\n", d.name);
        return false;
    }
    if (console_back_attach(d.domain, NULL) == -ENOENT) {     /* not connected */
        printk("console: '%s' has no console this shell serves\n", d.name);
        return false;
    }
    show_history(d.domain);
    if (shell_script_mode())
        return true;
    printk("[console of '%s': Ctrl-] detaches]\n", d.name);
    return attach(&d);
}
