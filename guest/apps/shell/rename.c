/* rename, mem-max, pause and unpause: a domain's name, memory limit and
 * whether it runs. */
#include <console.h>
#include <lib/errno.h>
#include "shell.h"
#include <xenbus.h>

#define PAGE_BYTES 4096ULL

bool cmd_rename(int argc, char **argv)
{
    struct pxctl_domaininfo d, other;
    struct proxen_control op = { .cmd = PXCTL_setname };
    long rc;

    if (argc != 3) {
        printk("rename: which domain, and its new name?\n");
        return false;
    }
    if (domain_find(argv[1], &d)) {
        printk("rename: no domain '%s'\n", argv[1]);
        return false;
    }
    if (!name_ok("rename", argv[2]))
        return false;
    /* Names are how the shell finds domains: one domain each, as xl. */
    if (!domain_find(argv[2], &other) && other.domain != d.domain) {
        printk("rename: a domain named '%s' exists (id %u)\n", argv[2], other.domain);
        return false;
    }
    op.domain = d.domain;
    strlcpy(op.u.setname.name, argv[2], sizeof(op.u.setname.name));
    rc = pxctl(&op);
    if (rc) {
        printk("rename: %s: %s\n", argv[1], errno_text(rc));
        return false;
    }
    printk("Renamed domain %u '%s' to '%s'\n", d.domain, d.name, argv[2]);
    return true;
}

bool cmd_mem_max(int argc, char **argv)
{
    struct pxctl_domaininfo d;
    struct proxen_control op = { .cmd = PXCTL_setmaxmem };
    uint64_t bytes;
    long rc;

    if (argc != 3) {
        printk("mem-max: which domain, and its limit (such as 64M)?\n");
        return false;
    }
    if (domain_find(argv[1], &d)) {
        printk("mem-max: no domain '%s'\n", argv[1]);
        return false;
    }
    if (!parse_size(argv[2], &bytes)) {
        printk("mem-max: '%s' is not a size (such as 64M)\n", argv[2]);
        return false;
    }
    op.domain = d.domain;
    op.u.setmaxmem.max_pages = bytes / PAGE_BYTES;
    rc = pxctl(&op);
    if (rc) {
        printk("mem-max: %s: %s\n", argv[1], errno_text(rc));
        return false;
    }
    printk("Domain %u '%s' may have at most %llu MiB\n", d.domain, d.name,
           (unsigned long long)(bytes >> 20));
    return true;
}

/* pause and unpause: the control interface's counted pause, as xl's. */
static bool pause_cmd(int argc, char **argv, unsigned int cmd, const char *done)
{
    struct pxctl_domaininfo d;
    struct proxen_control op = { .cmd = cmd };
    long rc;

    if (argc != 2) {
        printk("%s: which domain? (a name or an id)\n", argv[0]);
        return false;
    }
    if (domain_find(argv[1], &d)) {
        printk("%s: no domain '%s'\n", argv[0], argv[1]);
        return false;
    }
    if (d.flags & PXDOMF_privileged) {
        printk("%s: '%s' is the control domain\n", argv[0], d.name);
        return false;
    }
    op.domain = d.domain;
    rc = pxctl(&op);
    if (rc) {
        printk("%s: %s: %s\n", argv[0], argv[1],
               rc == -EINVAL && cmd == PXCTL_unpausedomain ? "not paused" : errno_text(rc));
        return false;
    }
    printk("%s domain %u '%s'\n", done, d.domain, d.name);
    return true;
}

bool cmd_pause(int argc, char **argv)
{
    return pause_cmd(argc, argv, PXCTL_pausedomain, "Paused");
}

bool cmd_unpause(int argc, char **argv)
{
    return pause_cmd(argc, argv, PXCTL_unpausedomain, "Unpaused");
}

/* mem-set: the domain's balloon target, as xl's: memory/target in KiB in
 * xenstore (the domain's balloon driver follows it), and its maximum set
 * just above (xl adds 1 MiB), so that it can take memory back up to the
 * target and no further. */
#define MAXMEM_SLACK_PAGES 256     /* 1 MiB */

bool cmd_mem_set(int argc, char **argv)
{
    struct pxctl_domaininfo d;
    struct proxen_control op = { .cmd = PXCTL_setmaxmem };
    char path[48];
    uint64_t bytes;
    long rc;

    if (argc != 3) {
        printk("mem-set: which domain, and its memory (such as 64M)?\n");
        return false;
    }
    if (domain_find(argv[1], &d)) {
        printk("mem-set: no domain '%s'\n", argv[1]);
        return false;
    }
    if (!parse_size(argv[2], &bytes) || bytes < PAGE_BYTES) {
        printk("mem-set: '%s' is not a size (such as 64M)\n", argv[2]);
        return false;
    }
    op.domain = d.domain;
    op.u.setmaxmem.max_pages = bytes / PAGE_BYTES + MAXMEM_SLACK_PAGES;
    snprintf(path, sizeof(path), "/local/domain/%u/memory/target", d.domain);
    if ((rc = pxctl(&op)) || (rc = xenbus_printf(XBT_NIL, path, "%llu",
                                                 (unsigned long long)(bytes >> 10)))) {
        printk("mem-set: %s: %s\n", argv[1], errno_text(rc));
        return false;
    }
    printk("Domain %u '%s' memory target %llu KiB\n", d.domain, d.name,
           (unsigned long long)(bytes >> 10));
    return true;
}
