/* Running other domains from the initial domain (domu.h). */
#include <console_back.h>
#include <domain_xs.h>
#include <domu.h>
#include <hypercall.h>
#include <lib.h>
#include <lib/errno.h>
#include <lib/strtoul.h>
#include <public/control.h>
#include <pvclock.h>
#include <timers.h>

#define MS 1000000UL

static long control(uint32_t cmd, domid_t dom, struct proxen_control *op)
{
    op->version = PROXEN_CONTROL_VERSION;
    op->cmd = cmd;
    op->domain = dom;
    return hypercall(__HYPERVISOR_control, (uint64_t)op, 0, 0, 0, 0);
}

long domu_build(const void *image, size_t len, const char *name, const char *cmdline,
                uint64_t pages, struct domain_build *b)
{
    long rc;

    *b = (struct domain_build){ .image = image, .image_len = len, .name = name,
                                .nr_pages = pages, .vcpus = 1, .cmdline = cmdline };
    if ((rc = domain_build(b)))
        return rc;
    rc = console_back_connect(b->domid, b->console_mfn,
                              b->console_evtchn);
    if (rc)
        b->why = "its console could not be connected";
    else if ((rc = domain_xs_create(b))) {
        b->why = "its xenstore entries could not be written";
        console_back_disconnect(b->domid);
    }
    if (rc) {
        struct proxen_control op = { 0 };

        control(PXCTL_destroydomain, b->domid, &op);
    }
    return rc;
}

long domu_unpause(domid_t id)
{
    struct proxen_control op = { 0 };

    return control(PXCTL_unpausedomain, id, &op);
}

long domu_pin(domid_t id, uint64_t cpumap)
{
    struct proxen_control op = { 0 };

    op.u.vcpuaffinity.cpumap = cpumap;
    return control(PXCTL_setvcpuaffinity, id, &op);
}

long domu_destroy(domid_t id)
{
    struct proxen_control op = { 0 };

    console_back_disconnect(id);
    domain_xs_destroy(id);
    return control(PXCTL_destroydomain, id, &op);
}

bool domu_console_has(domid_t id, const char *text)
{
    static char buf[CONSOLE_HISTORY + 1];
    size_t n = console_back_history(id, buf, CONSOLE_HISTORY);

    buf[n] = '\0';
    return strstr(buf, text) != NULL;
}

/* The daemon runs in the upcall: wait blocked, so that events come in. */
bool domu_console_wait(domid_t id, const char *text, uint64_t timeout_ns)
{
    uint64_t end = system_time_ns() + timeout_ns;

    while (!domu_console_has(id, text)) {
        if (system_time_ns() > end)
            return false;
        sleep_until(system_time_ns() + MS);
    }
    return true;
}

static uint64_t ping_result(domid_t ping, const char **why)
{
    static char buf[CONSOLE_HISTORY + 1];
    size_t n;
    const char *p;

    if (!domu_console_wait(ping, " ns each\n", 30000 * MS)) {
        *why = "no ping-pong result in 30 s";
        return 0;
    }
    n = console_back_history(ping, buf, CONSOLE_HISTORY);
    buf[n] = '\0';
    p = strstr(buf, ", best ");
    return p ? simple_strtoull(p + 7, NULL, 10) : 0;
}

/* The port is allocated once both exist (unbound, in pong, for ping) and
 * given to each on its console input. */
static uint64_t play(domid_t pong, domid_t ping, const char **why)
{
    struct evtchn_alloc_unbound au = { .dom = pong, .remote_dom = ping };
    char line[32];

    if (hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &au) || domu_unpause(pong) ||
        domu_unpause(ping)) {
        *why = "could not start the two domains";
        return 0;
    }
    snprintf(line, sizeof(line), "%u\n", au.port);
    console_back_input(pong, line, strlen(line));
    snprintf(line, sizeof(line), "%u %u\n", pong, au.port);
    console_back_input(ping, line, strlen(line));
    return ping_result(ping, why);
}

uint64_t domu_ping_pong(const void *image, size_t len, uint64_t cpumap, unsigned int rounds,
                        const char **why)
{
    struct domain_build pong, ping;
    char cmd[32];
    uint64_t best = 0;

    *why = "building the domains failed";
    snprintf(cmd, sizeof(cmd), "ping rounds=%u", rounds);
    if (domu_build(image, len, "pong", "pong", 2048, &pong))
        return 0;
    if (!domu_build(image, len, "ping", cmd, 2048, &ping)) {
        if (!cpumap || (!domu_pin(pong.domid, cpumap) && !domu_pin(ping.domid, cpumap)))
            best = play(pong.domid, ping.domid, why);
        else
            *why = "pinning failed";
        domu_destroy(ping.domid);
    }
    domu_destroy(pong.domid);
    return best;
}
