/* Xenstore as domains use it (guest/kernel/xenbus*.c, dom0's daemon
 * guest/kernel/xenstored*.c): a demo domU (the module) reaches the daemon
 * over its store ring, follows control/shutdown as Linux does (a request
 * it knows is acknowledged and carried out, one it does not is left in
 * place) and memory/target with its balloon; its secondary console
 * (device/console/1) walks the xenbus states with dom0's back end to
 * Connected and carries output; a back end refuses a front end's forged
 * ring reference.  Without a module the tests skip; the system cases
 * guest-domu and guest-domu-one-cpu give one. */
#include <console_back.h>
#include <domu.h>
#include <hypercall.h>
#include <kernel.h>
#include <lib.h>
#include <lib/errno.h>
#include <lib/printf.h>
#include <public/control.h>
#include <pvclock.h>
#include <test.h>
#include <timers.h>
#include <xenbus_device.h>
#include "control_ops.h"
#include "tests.h"

#define MS 1000000UL
#define DOMU_PAGES 2048                 /* 8 MiB */

static bool have_image(void)
{
    if (start_info->mod_start && start_info->mod_len)
        return true;
    test_skip("no domU image among this domain's modules");
    return false;
}

static bool build(const char *name, const char *cmdline, struct domain_build *b)
{
    long rc = domu_build((const void *)start_info->mod_start, start_info->mod_len, name,
                         cmdline, DOMU_PAGES, b);

    if (rc)
        test_fail("building %s: %s (%ld)", name, b->why ? b->why : "?", rc);
    return !rc;
}

static void node(char *path, size_t size, domid_t dom, const char *rel)
{
    snprintf(path, size, "/local/domain/%u/%s", (unsigned int)dom, rel);
}

/* Wait until cond(dom) or timeout_ms, sleeping (watches run meanwhile). */
static bool wait_for(bool (*cond)(domid_t dom), domid_t dom, unsigned int timeout_ms)
{
    uint64_t end = system_time_ns() + timeout_ms * MS;

    while (!cond(dom)) {
        if (system_time_ns() > end)
            return false;
        sleep_until(system_time_ns() + MS);
    }
    return true;
}

/* The domU's xenbus is up once it has said what it handles. */
static bool xenbus_up(domid_t dom)
{
    char path[64], v[4];

    node(path, sizeof(path), dom, "control/feature-poweroff");
    return xenbus_read(XBT_NIL, path, v, sizeof(v)) == 1 && v[0] == '1';
}

static bool shut_down(domid_t dom)
{
    struct pxctl_domaininfo i;

    return ctl_info(dom, &i) == 0 && i.domain == dom && (i.flags & PXDOMF_shutdown);
}

static unsigned int shutdown_reason(domid_t dom)
{
    struct pxctl_domaininfo i;

    return ctl_info(dom, &i) == 0 && i.domain == dom ? i.shutdown_reason : ~0u;
}

/* A started demo domain with its xenbus up, or false (reported). */
static bool start_demo(const char *name, struct domain_build *b)
{
    if (!have_image() || !build(name, "", b))
        return false;
    expect_rc("unpausedomain", domu_unpause(b->domid), 0);
    if (!wait_for(xenbus_up, b->domid, 5000)) {
        test_fail("%s: control/feature-poweroff not written in 5 s", name);
        domu_destroy(b->domid);
        return false;
    }
    return true;
}

static void request_shutdown(domid_t dom, const char *what, unsigned int reason)
{
    char path[64], v[16];

    node(path, sizeof(path), dom, "control/shutdown");
    expect_rc("write control/shutdown", xenbus_write(XBT_NIL, path, what), 0);
    if (!wait_for(shut_down, dom, 5000)) {
        test_fail("\"%s\": the domain did not shut down in 5 s", what);
        return;
    }
    if (shutdown_reason(dom) != reason)
        test_fail("\"%s\": shut down with reason %u, not %u", what, shutdown_reason(dom), reason);
    /* Acknowledged: cleared, in the transaction that read it. */
    if (xenbus_read(XBT_NIL, path, v, sizeof(v)) != 0)
        test_fail("\"%s\": control/shutdown still says \"%s\"", what, v);
}

void test_xenbus_control_poweroff(void)
{
    struct domain_build b;

    if (!start_demo("xb-off", &b))
        return;
    request_shutdown(b.domid, "poweroff", SHUTDOWN_poweroff);
    expect_rc("destroydomain", domu_destroy(b.domid), 0);
}

void test_xenbus_control_reboot(void)
{
    struct domain_build b;

    if (!start_demo("xb-reboot", &b))
        return;
    request_shutdown(b.domid, "reboot", SHUTDOWN_reboot);
    expect_rc("destroydomain", domu_destroy(b.domid), 0);
}

/* A request the domain cannot carry out stays unacknowledged, and the
 * domain keeps running. */
void test_xenbus_control_unknown(void)
{
    struct domain_build b;
    char path[64], v[16];

    if (!start_demo("xb-suspend", &b))
        return;
    node(path, sizeof(path), b.domid, "control/shutdown");
    expect_rc("write control/shutdown", xenbus_write(XBT_NIL, path, "suspend"), 0);
    if (!domu_console_wait(b.domid, "ignoring shutdown request \"suspend\"", 5000 * MS))
        test_fail("the domain did not say it ignores \"suspend\"");
    sleep_until(system_time_ns() + 100 * MS);
    if (shut_down(b.domid))
        test_fail("the domain shut down on \"suspend\" (reason %u)", shutdown_reason(b.domid));
    if (xenbus_read(XBT_NIL, path, v, sizeof(v)) != 7 || strcmp(v, "suspend"))
        test_fail("control/shutdown changed to \"%s\"", v);
    expect_rc("destroydomain", domu_destroy(b.domid), 0);
}

static long reservation(domid_t dom)
{
    return hypercall_memory_op(XENMEM_current_reservation, &dom);
}

static uint64_t target_pages;

static bool at_target(domid_t dom)
{
    return reservation(dom) == (long)target_pages;
}

/* memory/target (KiB) moves the domain's reservation there and back. */
void test_xenbus_balloon_target(void)
{
    struct domain_build b;
    char path[64];
    long start;

    if (!start_demo("xb-balloon", &b))
        return;
    start = reservation(b.domid);
    node(path, sizeof(path), b.domid, "memory/target");
    target_pages = (uint64_t)start - 512;
    expect_rc("write memory/target", xenbus_printf(XBT_NIL, path, "%lu", target_pages * 4), 0);
    if (!wait_for(at_target, b.domid, 5000))
        test_fail("target %lu pages: the reservation is %ld after 5 s", target_pages,
                  reservation(b.domid));
    target_pages = (uint64_t)start;
    expect_rc("write memory/target", xenbus_printf(XBT_NIL, path, "%lu", target_pages * 4), 0);
    if (!wait_for(at_target, b.domid, 5000))
        test_fail("target %lu pages again: the reservation is %ld after 5 s", target_pages,
                  reservation(b.domid));
    expect_rc("destroydomain", domu_destroy(b.domid), 0);
}

static bool console1_greeted(domid_t dom)
{
    static char buf[CONSOLE_HISTORY + 1];
    size_t n = console_back_history_dev(dom, 1, buf, CONSOLE_HISTORY);

    buf[n] = '\0';
    return strstr(buf, "demo: hello on console 1") != NULL;
}

static enum xenbus_state state_of(const char *fmt, domid_t dom)
{
    char path[80];

    snprintf(path, sizeof(path), fmt, (unsigned int)dom);
    return xenbus_read_state(path);
}

/* A secondary console, described by the toolstack before the domain
 * starts: both ends reach Connected and the domain's output arrives;
 * removing the device lets the back end go. */
void test_xenbus_console_device(void)
{
    static const char *const front_nodes[] = { "limit", "1048576", "type", "ioemu", NULL };
    struct domain_build b;

    if (!have_image() || !build("xb-console", "", &b))
        return;
    expect_rc("device dirs", xenbus_device_create("console", b.domid, 1, front_nodes), 0);
    expect_rc("unpausedomain", domu_unpause(b.domid), 0);
    if (!wait_for(console1_greeted, b.domid, 5000))
        test_fail("no greeting on console 1 in 5 s (front end %s, back end %s)",
                  xenbus_state_name(state_of("/local/domain/%u/device/console/1/state", b.domid)),
                  xenbus_state_name(state_of("/local/domain/0/backend/console/%u/1/state",
                                             b.domid)));
    if (state_of("/local/domain/%u/device/console/1/state", b.domid) != XenbusStateConnected ||
        state_of("/local/domain/0/backend/console/%u/1/state", b.domid) != XenbusStateConnected)
        test_fail("console 1 not Connected at both ends");
    expect_rc("remove device dirs", xenbus_device_remove("console", b.domid, 1), 0);
    sleep_until(system_time_ns() + 50 * MS);
    if (console_xenbus_state(b.domid, 1) != XenbusStateUnknown)
        test_fail("the back end still serves console 1 after its directory went");
    expect_rc("destroydomain", domu_destroy(b.domid), 0);
}
