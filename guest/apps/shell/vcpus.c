/* vCPUs: vcpu-list, and the CPU time `list` shows. */
#include <console.h>
#include <lib/errno.h>
#include "shell.h"

static long vcpu_info(domid_t dom, unsigned int vcpu, struct pxctl_vcpuinfo *info)
{
    struct proxen_control op = { .cmd = PXCTL_getvcpuinfo, .domain = dom };
    long rc;

    op.u.vcpuinfo.vcpu = vcpu;
    rc = pxctl(&op);
    if (!rc)
        *info = op.u.vcpuinfo;
    return rc;
}

uint64_t domain_cpu_time(const struct pxctl_domaininfo *d)
{
    struct pxctl_vcpuinfo v;
    uint64_t ns = 0;

    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (!vcpu_info(d->domain, i, &v))
            ns += v.cpu_time;
    return ns;
}

void print_seconds(char *buf, size_t size, uint64_t ns)
{
    snprintf(buf, size, "%llu.%llu", (unsigned long long)(ns / 1000000000),
             (unsigned long long)(ns / 100000000 % 10));
}

/* xl's letters: r running, b blocked, p offline (xl: paused). */
static void vcpu_row(const struct pxctl_domaininfo *d, unsigned int i,
                     const struct pxctl_vcpuinfo *v)
{
    char cpu[12] = "-", state[4] = "---", time[24];

    if (v->flags & PXVCPUF_online)
        snprintf(cpu, sizeof(cpu), "%u", v->cpu);
    else
        state[2] = 'p';
    if (v->flags & PXVCPUF_running)
        state[0] = 'r';
    else if (v->flags & PXVCPUF_blocked)
        state[1] = 'b';
    print_seconds(time, sizeof(time), v->cpu_time);
    printk("%-32s %5u %5u %5s %5s %9s\n", d->name, d->domain, i, cpu, state, time);
}

static bool list_vcpus(const struct pxctl_domaininfo *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct pxctl_vcpuinfo v;
        long rc = vcpu_info(d->domain, i, &v);

        if (rc) {
            printk("vcpu-list: %s vCPU %u: %s\n", d->name, i, errno_text(rc));
            return false;
        }
        vcpu_row(d, i, &v);
    }
    return true;
}

bool cmd_vcpu_list(int argc, char **argv)
{
    struct pxctl_domaininfo d;
    domid_t id = 0;
    bool ok = true;

    if (argc > 2) {
        printk("vcpu-list: at most one domain\n");
        return false;
    }
    if (argc == 2 && domain_find(argv[1], &d)) {
        printk("vcpu-list: no domain '%s'\n", argv[1]);
        return false;
    }
    printk("%-32s %5s %5s %5s %5s %9s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)");
    if (argc == 2)
        return list_vcpus(&d);
    while (ok && domain_next(&id, &d)) {
        ok = list_vcpus(&d);
        if (id == 0)
            break;
    }
    return ok;
}
