/* Domains: list, create, destroy; and the machine: info. */
#include <console.h>
#include <console_back.h>
#include <domain_build.h>
#include <domain_xs.h>
#include <domu.h>
#include <lib/errno.h>
#include "shell.h"

#define DEFAULT_MEMORY (16ULL << 20)
#define PAGE_BYTES 4096ULL

/* xl's state letters: running, blocked, paused, shutdown, crashed, dying. */
static void state_letters(const struct pxctl_domaininfo *d, char s[7])
{
    memcpy(s, "------", 7);
    if (d->flags & PXDOMF_crashed)
        s[4] = 'c';
    else if (d->flags & PXDOMF_shutdown)
        s[3] = 's';
    else if (d->flags & PXDOMF_running)
        s[0] = 'r';
    else
        s[2] = 'p';
}

bool cmd_list(int argc, char **argv)
{
    struct pxctl_domaininfo d;
    domid_t id = 0;

    (void)argv;
    if (argc != 1) {
        printk("list: takes no arguments\n");
        return false;
    }
    printk("%-32s %5s %7s %5s %8s %9s\n", "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
    while (domain_next(&id, &d)) {
        char state[7], time[24];

        state_letters(&d, state);
        print_seconds(time, sizeof(time), domain_cpu_time(&d));
        printk("%-32s %5u %7llu %5u %8s %9s\n", d.name, d.domain,
               (unsigned long long)(d.tot_pages * PAGE_BYTES >> 20), d.max_vcpus, state, time);
        if (id == 0)
            break;
    }
    return true;
}

bool cmd_info(int argc, char **argv)
{
    struct proxen_control op = { .cmd = PXCTL_physinfo };
    long rc;

    (void)argv;
    if (argc != 1) {
        printk("info: takes no arguments\n");
        return false;
    }
    rc = pxctl(&op);
    if (rc) {
        printk("info: %s\n", errno_text(rc));
        return false;
    }
    printk("xen_version            : %u.%u (the Xen interface Proxen offers)\n",
           op.u.physinfo.hv_version >> 16,
           op.u.physinfo.hv_version & 0xffff);
    printk("nr_cpus                : %u\n", op.u.physinfo.nr_cpus);
    printk("total_memory           : %llu MiB\n",
           (unsigned long long)(op.u.physinfo.total_pages * PAGE_BYTES >> 20));
    printk("free_memory            : %llu MiB\n",
           (unsigned long long)(op.u.physinfo.free_pages * PAGE_BYTES >> 20));
    return true;
}

bool name_ok(const char *cmd, const char *name)
{
    uint64_t n;

    if (!*name || strlen(name) >= PXCTL_NAME_LEN) {
        printk("%s: a name has 1 to %d characters\n", cmd, PXCTL_NAME_LEN - 1);
        return false;
    }
    if (parse_uint(name, &n)) {
        printk("%s: a name cannot be a number (a number names a domain by its id)\n", cmd);
        return false;
    }
    return true;
}

struct create_args {
    const struct image *image;
    const char *name;
    uint64_t memory;
    uint64_t vcpus;
    const struct image *ramdisk;         /* its initial ramdisk, or NULL */
    bool paused;                         /* -p: build, do not start */
    bool attach;                         /* -c: its console at once */
    char cmdline[SHELL_LINE_MAX];        /* the words after the options */
};

static bool parse_option(const char *arg, struct create_args *a)
{
    const char *v = strchr(arg, '=') + 1;

    if (!strncmp(arg, "name=", 5)) {
        a->name = v;
    } else if (!strncmp(arg, "memory=", 7)) {
        if (!parse_size(v, &a->memory) || a->memory < PAGE_BYTES) {
            printk("create: memory '%s' is not a size (such as 64M)\n", v);
            return false;
        }
    } else if (!strncmp(arg, "vcpus=", 6)) {
        if (!parse_uint(v, &a->vcpus) || a->vcpus == 0 || a->vcpus > 32) {
            printk("create: vcpus '%s' is not a number from 1 to 32\n", v);
            return false;
        }
    } else if (!strncmp(arg, "ramdisk=", 8)) {
        if (!(a->ramdisk = image_find(v))) {
            printk("create: no image '%s' for the ramdisk ('images' lists them)\n", v);
            return false;
        }
    } else {
        printk("create: unknown option '%s' (name=, memory=, vcpus=, ramdisk=)\n", arg);
        return false;
    }
    return true;
}

/* create [-p] [-c] IMAGE [name=] [memory=] [vcpus=] [ramdisk=] [--] [ARGS...]:
 * the options come first; the rest is the domain's command line ("--"
 * ends the options, for a command line whose first word has a '='). */
static bool parse_create(int argc, char **argv, struct create_args *a)
{
    int i = 1;

    a->paused = a->attach = false;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] && !argv[i][2]; i++) {
        if (argv[i][1] == 'p')
            a->paused = true;
        else if (argv[i][1] == 'c')
            a->attach = true;
        else
            break;
    }
    if (i >= argc) {
        printk("create: which image? ('images' lists them)\n");
        return false;
    }
    a->image = image_find(argv[i]);
    if (!a->image) {
        printk("create: no image '%s' ('images' lists them)\n", argv[i]);
        return false;
    }
    a->name = a->image->name;
    a->memory = DEFAULT_MEMORY;
    a->vcpus = 1;
    a->ramdisk = NULL;
    a->cmdline[0] = '\0';
    for (i++; i < argc && strchr(argv[i], '='); i++)
        if (!parse_option(argv[i], a))
            return false;
    if (i < argc && !strcmp(argv[i], "--"))
        i++;
    for (size_t len = 0; i < argc; i++)        /* fits: it came from one line */
        len += (size_t)snprintf(a->cmdline + len, sizeof(a->cmdline) - len, "%s%s",
                                len ? " " : "", argv[i]);
    return name_ok("create", a->name);
}

long domain_unpause(domid_t id)
{
    struct proxen_control op = { .cmd = PXCTL_unpausedomain, .domain = id };

    return pxctl(&op);
}

/* Build the domain from its image (domain_build.h), then start it. */
bool cmd_create(int argc, char **argv)
{
    struct create_args a;
    struct pxctl_domaininfo other;
    struct domain_build b = { 0 };
    long rc;

    if (!parse_create(argc, argv, &a))
        return false;
    if (!domain_find(a.name, &other)) {
        printk("create: a domain named '%s' exists (id %u)\n", a.name, other.domain);
        return false;
    }
    b.image = a.image->data;
    b.image_len = a.image->size;
    b.name = a.name;
    b.nr_pages = a.memory / PAGE_BYTES;
    b.vcpus = (unsigned int)a.vcpus;
    b.cmdline = a.cmdline;
    if (a.ramdisk) {
        b.module = a.ramdisk->data;
        b.module_len = a.ramdisk->size;
    }
    rc = domain_build(&b);
    if (rc) {
        printk("create: image '%s': %s (%s)\n", a.image->name, b.why ? b.why : "refused",
               errno_text(rc));
        return false;
    }
    /* Its console ring, served by dom0's daemon (console_back.h). */
    rc = console_back_connect(b.domid, b.console_mfn,
                              b.console_evtchn);
    /* Its xenstore entries, as libxl writes them, and its store ring
     * served by dom0's xenstore daemon (domain_xs.h). */
    if (!rc && (rc = domain_xs_create(&b)))
        printk("create: '%s': its xenstore entries: %s\n", a.name, errno_text(rc));
    else if (!rc && !a.paused)
        rc = domain_unpause(b.domid);
    if (rc) {
        printk("create: starting '%s': %s\n", a.name, errno_text(rc));
        domu_destroy(b.domid);
        return false;
    }
    lifecycle_created(b.domid, argc, argv);
    printk("Created domain %u '%s' from image '%s' (%zu bytes): %llu MiB, %llu vCPU%s, %s\n",
           b.domid, a.name, a.image->name, a.image->size, (unsigned long long)(a.memory >> 20),
           (unsigned long long)a.vcpus, a.vcpus == 1 ? "" : "s", a.paused ? "paused" : "started");
    if (a.attach) {                     /* as xl create -c */
        char word[] = "console", name[SHELL_LINE_MAX];
        char *cargv[] = { word, name };

        strlcpy(name, a.name, sizeof(name));
        return cmd_console(2, cargv);
    }
    return true;
}

bool cmd_destroy(int argc, char **argv)
{
    struct pxctl_domaininfo d;
    struct proxen_control op = { .cmd = PXCTL_destroydomain };
    long rc;

    if (argc != 2) {
        printk("destroy: which domain? (a name or an id)\n");
        return false;
    }
    if (domain_find(argv[1], &d)) {
        printk("destroy: no domain '%s'\n", argv[1]);
        return false;
    }
    if (d.flags & PXDOMF_privileged) {
        printk("destroy: '%s' is the control domain (poweroff ends it)\n", d.name);
        return false;
    }
    op.domain = d.domain;
    rc = pxctl(&op);
    if (rc) {
        printk("destroy: %s: %s\n", argv[1], errno_text(rc));
        return false;
    }
    console_back_disconnect(d.domain);      /* -ENOENT if it had none */
    domain_xs_destroy(d.domain);
    printk("Destroyed domain %u '%s'\n", d.domain, d.name);
    return true;
}
