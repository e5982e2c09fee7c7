/* shutdown, reboot, vcpu-pin and sched-rr.  shutdown and reboot ask the
 * domain through its control/shutdown node in xenstore, as xl does, and
 * wait for it to shut itself down; a domain that does not within
 * SHUTDOWN_WAIT (no xenstore driver, or hung) is shut down by the
 * hypervisor (SCHEDOP_remote_shutdown), the fallback xl offers.  The
 * shell then does what xl does by default: destroy a domain that powered
 * off, and build a rebooted one again as it was created. */
#include <console.h>
#include <console_input.h>
#include <domu.h>
#include <events.h>
#include <hypercall.h>
#include <lib/errno.h>
#include <public/sched.h>
#include <pvclock.h>
#include <timers.h>
#include <xenbus.h>
#include "shell.h"

#define RECORDS 64

/* How each started domain was created, to build it again on reboot. */
static struct {
    domid_t id;
    bool used;
    char line[SHELL_LINE_MAX];
} records[RECORDS];

void lifecycle_created(domid_t id, int argc, char **argv)
{
    unsigned int slot = id % RECORDS;
    size_t at = 0;

    records[slot].id = id;
    records[slot].used = true;
    records[slot].line[0] = '\0';
    for (int i = 0; i < argc && at < sizeof(records[slot].line); i++)
        at += (size_t)snprintf(records[slot].line + at, sizeof(records[slot].line) - at,
                               "%s%s", i ? " " : "", argv[i]);
}

static bool find_guest(const char *cmd, int argc, char **argv, struct pxctl_domaininfo *d)
{
    if (argc != 2) {
        printk("%s: which domain? (a name or an id)\n", cmd);
        return false;
    }
    if (domain_find(argv[1], d)) {
        printk("%s: no domain '%s'\n", cmd, argv[1]);
        return false;
    }
    if (d->flags & PXDOMF_privileged) {
        printk("%s: '%s' is the control domain (poweroff ends it)\n", cmd, d->name);
        return false;
    }
    return true;
}

/* --- domains that shut themselves down ------------------------------------- */

static volatile bool dom_exc;   /* VIRQ_DOM_EXC came: some domain shut down */

static void on_dom_exc(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    dom_exc = true;
}

/* One domain that shut itself down, as xl's defaults: destroyed after a
 * power-off, a halt or a crash, built again after a reboot; a suspended
 * one is left to whoever suspended it.  Whether it went. */
static bool reap_one(const struct pxctl_domaininfo *d)
{
    unsigned int reason = (d->flags & PXDOMF_crashed) ? SHUTDOWN_crash : d->shutdown_reason;
    unsigned int slot = d->domain % RECORDS;
    char line[SHELL_LINE_MAX];
    bool again = reason == SHUTDOWN_reboot && records[slot].used && records[slot].id == d->domain;

    if (reason == SHUTDOWN_suspend)
        return false;
    strlcpy(line, again ? records[slot].line : "", sizeof(line));
    records[slot].used = false;
    domu_destroy(d->domain);
    if (again) {
        printk("\nDomain %u '%s' rebooted itself: %s\n", d->domain, d->name, line);
        command_run(line);
    } else {
        printk("\nDomain %u '%s' %s: destroyed\n", d->domain, d->name,
               reason == SHUTDOWN_crash ? "crashed" : reason == SHUTDOWN_reboot ? "rebooted itself"
               : "powered off");
    }
    return true;
}

/* Run from the wait for input (console_set_idle): true if a domain went. */
static bool reap(void)
{
    struct pxctl_domaininfo d;
    domid_t id = 1;
    bool any = false;

    if (!dom_exc)
        return false;
    dom_exc = false;
    while (domain_next(&id, &d) && id != 0)
        if (!(d.flags & PXDOMF_privileged) && (d.flags & (PXDOMF_shutdown | PXDOMF_crashed)))
            any |= reap_one(&d);
    return any;
}

void lifecycle_init(void)
{
    long port = events_bind_virq(VIRQ_DOM_EXC, 0, on_dom_exc, NULL);

    if (port < 0)
        printk("lifecycle: no VIRQ_DOM_EXC (%s): domains that shut themselves down stay\n",
               errno_text(port));
    else
        console_set_idle(reap);
}

#define SHUTDOWN_WAIT (5 * 1000000000ULL)
#define POLL (10 * 1000000ULL)

/* Whether the domain shut itself down (with any reason) within the wait. */
static bool shut_down_within(domid_t dom, uint64_t wait_ns)
{
    uint64_t end = system_time_ns() + wait_ns;
    struct proxen_control op;

    do {
        op = (struct proxen_control){ .cmd = PXCTL_getdomaininfo, .domain = dom };
        if (pxctl(&op) || op.u.domaininfo.domain != dom)
            return false;
        if (op.u.domaininfo.flags & (PXDOMF_shutdown | PXDOMF_crashed))
            return true;
        sleep_until(system_time_ns() + POLL);
    } while (system_time_ns() < end);
    return false;
}

static long stop(const struct pxctl_domaininfo *d, unsigned int reason)
{
    struct sched_remote_shutdown r = { .domain_id = d->domain, .reason = reason };
    char path[48];
    long rc;

    snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", d->domain);
    rc = xenbus_write(XBT_NIL, path, reason == SHUTDOWN_reboot ? "reboot" : "poweroff");
    if (rc || !shut_down_within(d->domain, SHUTDOWN_WAIT)) {
        printk("Domain %u '%s' did not shut down by itself%s: the hypervisor shuts it down\n",
               d->domain, d->name, rc ? " (no xenstore)" : " in 5 s");
        if ((rc = hypercall_sched_op(SCHEDOP_remote_shutdown, &r)))
            return rc;
    }
    return domu_destroy(d->domain);
}

bool cmd_shutdown(int argc, char **argv)
{
    struct pxctl_domaininfo d;
    long rc;

    if (!find_guest("shutdown", argc, argv, &d))
        return false;
    if ((rc = stop(&d, SHUTDOWN_poweroff))) {
        printk("shutdown: %s: %s\n", argv[1], errno_text(rc));
        return false;
    }
    records[d.domain % RECORDS].used = false;
    printk("Domain %u '%s' shut down and destroyed\n", d.domain, d.name);
    return true;
}

bool cmd_reboot(int argc, char **argv)
{
    struct pxctl_domaininfo d;
    char line[SHELL_LINE_MAX];
    unsigned int slot;
    long rc;

    if (!find_guest("reboot", argc, argv, &d))
        return false;
    slot = d.domain % RECORDS;
    if (!records[slot].used || records[slot].id != d.domain) {
        printk("reboot: %s: not created by this shell, so it cannot be built again\n", argv[1]);
        return false;
    }
    strlcpy(line, records[slot].line, sizeof(line));
    if ((rc = stop(&d, SHUTDOWN_reboot))) {
        printk("reboot: %s: %s\n", argv[1], errno_text(rc));
        return false;
    }
    records[slot].used = false;
    printk("Domain %u '%s' rebooting: %s\n", d.domain, d.name, line);
    return command_run(line);
}

/* "all", or CPU numbers and ranges: "0", "1-3", "0,2-3". */
static bool parse_cpus(const char *s, uint64_t *map)
{
    *map = 0;
    if (!strcmp(s, "all")) {
        *map = ~0ULL;
        return true;
    }
    while (*s) {
        char num[8];
        uint64_t lo, hi;
        size_t n = 0;

        while (s[n] && s[n] != ',' && s[n] != '-' && n < sizeof(num) - 1) {
            num[n] = s[n];
            n++;
        }
        num[n] = '\0';
        if (!parse_uint(num, &lo) || lo > 63)
            return false;
        s += n;
        hi = lo;
        if (*s == '-') {
            s++;
            for (n = 0; s[n] && s[n] != ',' && n < sizeof(num) - 1; n++)
                num[n] = s[n];
            num[n] = '\0';
            if (!parse_uint(num, &hi) || hi > 63 || hi < lo)
                return false;
            s += n;
        }
        for (uint64_t c = lo; c <= hi; c++)
            *map |= 1ULL << c;
        if (*s == ',')
            s++;
        else if (*s)
            return false;
    }
    return *map != 0;
}

bool cmd_vcpu_pin(int argc, char **argv)
{
    struct pxctl_domaininfo d;
    struct proxen_control op = { .cmd = PXCTL_setvcpuaffinity };
    uint64_t vcpu, map;
    long rc;

    if (argc != 4) {
        printk("vcpu-pin: usage: vcpu-pin DOMAIN VCPU CPUS\n");
        return false;
    }
    if (domain_find(argv[1], &d)) {
        printk("vcpu-pin: no domain '%s'\n", argv[1]);
        return false;
    }
    if (!parse_uint(argv[2], &vcpu) || vcpu >= d.max_vcpus) {
        printk("vcpu-pin: domain '%s' has no vCPU '%s'\n", d.name, argv[2]);
        return false;
    }
    if (!parse_cpus(argv[3], &map)) {
        printk("vcpu-pin: '%s' is not a CPU list (all, 1, 0-2, 0,3)\n", argv[3]);
        return false;
    }
    op.domain = d.domain;
    op.u.vcpuaffinity.vcpu = (uint32_t)vcpu;
    op.u.vcpuaffinity.cpumap = map;
    if ((rc = pxctl(&op))) {
        printk("vcpu-pin: %s: %s\n", argv[3], rc == -EINVAL ? "no such CPU online" : errno_text(rc));
        return false;
    }
    printk("Domain %u '%s' vCPU %llu may run on CPUs %s\n", d.domain, d.name,
           (unsigned long long)vcpu, argv[3]);
    return true;
}

/* sched-rr [-s SLICE_MS]: the round-robin policy's slice, read or set. */
bool cmd_sched_rr(int argc, char **argv)
{
    struct proxen_control id = { .cmd = PXCTL_sched_id };
    struct proxen_control op = { .cmd = PXCTL_sched_control };
    uint64_t ms = 0;
    long rc;

    if (pxctl(&id) || strcmp(id.u.sched_id.name, "rr")) {
        printk("sched-rr: the scheduler is '%s', not round-robin\n", id.u.sched_id.name);
        return false;
    }
    if (argc == 3 && !strcmp(argv[1], "-s") && parse_uint(argv[2], &ms) && ms) {
        op.u.sched_control.set = 1;
        op.u.sched_control.param = ms * 1000000ULL;
    } else if (argc != 1) {
        printk("sched-rr: usage: sched-rr [-s SLICE_MS]\n");
        return false;
    }
    if ((rc = pxctl(&op))) {
        printk("sched-rr: slice %s ms: %s\n", argc == 3 ? argv[2] : "?",
               rc == -EINVAL ? "out of range (1 to 1000)" : errno_text(rc));
        return false;
    }
    if (!op.u.sched_control.set)
        printk("Scheduler round-robin (id %u): slice %llu ms\n", id.u.sched_id.sched_id,
               (unsigned long long)(op.u.sched_control.param / 1000000ULL));
    else
        printk("Round-robin slice set to %llu ms\n", (unsigned long long)ms);
    return true;
}
