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

static bool node_exists(const char *fmt, domid_t dom)
{
    char path[80], v[16];

    snprintf(path, sizeof(path), fmt, (unsigned int)dom);
    return xenbus_read(XBT_NIL, path, v, sizeof(v)) != -ENOENT;
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
    struct gnttab_unmap_grant_ref probe = { .handle = ~0u };

    /* The back end maps the ring by grant. */
    if (hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &probe, 1) == -ENOSYS) {
        test_skip("no grant mappings (GNTTABOP_unmap_grant_ref is -ENOSYS)");
        return;
    }
    if (!have_image() || !build("xb-console", "", &b))
        return;
    expect_rc("device dirs", xenbus_device_create("console", b.domid, 1, front_nodes), 0);
    expect_rc("unpausedomain", domu_unpause(b.domid), 0);
    if (!wait_for(console1_greeted, b.domid, 5000)) {
        char err[64] = "";
        char path[64];

        snprintf(path, sizeof(path), "/local/domain/0/backend/console/%u/1/error", b.domid);
        xenbus_read(XBT_NIL, path, err, sizeof(err));
        test_fail("no greeting on console 1 in 5 s (back end error \"%s\"; front end %s, "
                  "back end %s)", err,
                  xenbus_state_name(state_of("/local/domain/%u/device/console/1/state", b.domid)),
                  xenbus_state_name(state_of("/local/domain/0/backend/console/%u/1/state",
                                             b.domid)));
    }
    if (state_of("/local/domain/%u/device/console/1/state", b.domid) != XenbusStateConnected ||
        state_of("/local/domain/0/backend/console/%u/1/state", b.domid) != XenbusStateConnected)
        test_fail("console 1 not Connected at both ends");
    expect_rc("remove device dirs", xenbus_device_remove("console", b.domid, 1), 0);
    sleep_until(system_time_ns() + 50 * MS);
    if (console_xenbus_state(b.domid, 1) != XenbusStateUnknown)
        test_fail("the back end still serves console 1 after its directory went");
    /* Neither end's last state change brought its directory back. */
    if (node_exists("/local/domain/0/backend/console/%u/1", b.domid) ||
        node_exists("/local/domain/%u/device/console/1", b.domid))
        test_fail("console 1's directories are back after their removal");
    expect_rc("destroydomain", domu_destroy(b.domid), 0);
}

/* --- The client against dom0's own daemon -------------------------------- */

static unsigned int fired;
static char fired_path[64];

static void count_fire(struct xenbus_watch *w, const char *path)
{
    (void)w;
    fired++;
    strlcpy(fired_path, path, sizeof(fired_path));
}

/* A watch fires once when set, then for a change below its path (the
 * callback in thread context, from the wait loop), and not after it is
 * removed. */
void test_xenbus_watch_callbacks(void)
{
    struct xenbus_watch w = { .path = "/test/xbw", .fn = count_fire };

    xenbus_rm(XBT_NIL, "/test/xbw");
    fired = 0;
    if (!expect_rc("watch", xenbus_watch(&w), 0))
        return;
    sleep_until(system_time_ns() + MS);
    if (fired != 1 || strcmp(fired_path, "/test/xbw"))
        test_fail("the first event: %u calls, path \"%s\"", fired, fired_path);
    expect_rc("write below", xenbus_write(XBT_NIL, "/test/xbw/a/b", "1"), 0);
    sleep_until(system_time_ns() + MS);
    if (fired < 2 || strcmp(fired_path, "/test/xbw/a/b"))
        test_fail("after a write below: %u calls, last path \"%s\"", fired, fired_path);
    expect_rc("unwatch", xenbus_unwatch(&w), 0);
    fired = 0;
    expect_rc("write after unwatch", xenbus_write(XBT_NIL, "/test/xbw/a", "2"), 0);
    sleep_until(system_time_ns() + MS);
    if (fired)
        test_fail("%u calls after unwatch", fired);
    expect_rc("unwatch again", xenbus_unwatch(&w), -ENOENT);
    xenbus_rm(XBT_NIL, "/test/xbw");
}

/* A token that names no registered watch runs nothing (the daemon, or a
 * forged event, cannot make the client call through a stale pointer). */
void test_xenbus_watch_forged_token(void)
{
    struct xenbus_watch w = { .path = "/test/xbf", .fn = count_fire };
    struct xenbus_watch live = { .path = "/test/xbf-live", .fn = count_fire };
    char token[24];

    if (!expect_rc("watch", xenbus_watch(&live), 0))
        return;
    sleep_until(system_time_ns() + MS);      /* its first event */
    fired = 0;
    snprintf(token, sizeof(token), "%lx", (unsigned long)(uintptr_t)&w);
    xenbus_watch_event("/test/xbf", token);          /* not registered */
    xenbus_watch_event("/test/xbf", "zz");           /* not a token */
    xenbus_watch_event("/test/xbf", "");
    xenbus_run();
    if (fired)
        test_fail("%u callbacks for events of no registered watch", fired);
    expect_rc("unwatch", xenbus_unwatch(&live), 0);
}

/* A back end takes a device only if its front end is where the device's
 * own path says: /local/domain/<frontend-id>/device/<type>/<id>. */
void test_xenbus_backend_checks_frontend(void)
{
    static const char dir[] = "/local/domain/0/backend/console/99/2";

    xenbus_rm(XBT_NIL, dir);
    expect_rc("frontend", xenbus_write(XBT_NIL, "/local/domain/0/backend/console/99/2/frontend",
                                       "/local/domain/0/device/console/2"), 0);
    expect_rc("frontend-id", xenbus_write(XBT_NIL,
                                          "/local/domain/0/backend/console/99/2/frontend-id",
                                          "99"), 0);
    expect_rc("state", xenbus_write(XBT_NIL, "/local/domain/0/backend/console/99/2/state", "1"),
              0);
    sleep_until(system_time_ns() + 20 * MS);         /* the back end's watch runs */
    if (console_xenbus_state(99, 2) != XenbusStateUnknown)
        test_fail("the back end took a device whose front end is another domain's (%s)",
                  xenbus_state_name(console_xenbus_state(99, 2)));
    if (xenbus_read_state("/local/domain/0/backend/console/99/2/state") != XenbusStateInitialising)
        test_fail("the refused device's state moved");
    xenbus_rm(XBT_NIL, "/local/domain/0/backend/console/99");
}

/* Two transactions touching one node: the second to end gets EAGAIN and
 * changed nothing. */
void test_xenbus_transaction_conflict(void)
{
    xs_tx_t a, b;
    char v[8];

    expect_rc("write", xenbus_write(XBT_NIL, "/test/xbt", "0"), 0);
    if (!expect_rc("start a", xenbus_transaction_start(&a), 0))
        return;
    if (!expect_rc("start b", xenbus_transaction_start(&b), 0)) {
        xenbus_transaction_end(a, true);
        return;
    }
    if (a == b)
        test_fail("two transactions with one id %u", a);
    expect_rc("read in a", xenbus_read(a, "/test/xbt", v, sizeof(v)), 1);
    expect_rc("read in b", xenbus_read(b, "/test/xbt", v, sizeof(v)), 1);
    expect_rc("write in a", xenbus_write(a, "/test/xbt", "a"), 0);
    expect_rc("write in b", xenbus_write(b, "/test/xbt", "b"), 0);
    expect_rc("end a", xenbus_transaction_end(a, false), 0);
    expect_rc("end b", xenbus_transaction_end(b, false), -EAGAIN);
    if (xenbus_read(XBT_NIL, "/test/xbt", v, sizeof(v)) != 1 || v[0] != 'a')
        test_fail("the node says \"%s\", not a's \"a\"", v);
    xenbus_rm(XBT_NIL, "/test/xbt");
}

/* The daemon's error names come back as errnos; replies longer than the
 * buffer are cut, with their full length returned. */
void test_xenbus_errors(void)
{
    char v[4];
    xs_tx_t tx;

    xenbus_rm(XBT_NIL, "/test/xbe");
    expect_rc("read a missing node", xenbus_read(XBT_NIL, "/test/xbe", v, sizeof(v)), -ENOENT);
    expect_rc("directory of a missing node", xenbus_directory(XBT_NIL, "/test/xbe", v, sizeof(v)),
              -ENOENT);
    expect_rc("write", xenbus_write(XBT_NIL, "/test/xbe", "123456789"), 0);
    if (xenbus_read(XBT_NIL, "/test/xbe", v, sizeof(v)) != 9 || strcmp(v, "123"))
        test_fail("a 9-byte value into 4 bytes: \"%s\"", v);
    expect_rc("end of no transaction", xenbus_transaction_end(12345, false), -ENOENT);
    if (expect_rc("start", xenbus_transaction_start(&tx), 0))
        expect_rc("abort", xenbus_transaction_end(tx, true), 0);
    expect_rc("relative path with no such node", xenbus_read(XBT_NIL, "no/such", v, sizeof(v)),
              -ENOENT);
    xenbus_rm(XBT_NIL, "/test/xbe");
}

/* The toolstack's device directories: the nodes each end looks for, and
 * the front end's directory owned by the domain, the back end's by dom0. */
void test_xenbus_device_dirs(void)
{
    static const char *const nodes[] = { "limit", "4096", NULL };
    char v[XENBUS_PATH_MAX];
    const domid_t dom = 77;

    if (!expect_rc("create", xenbus_device_create("vtest", dom, 3, nodes), 0))
        return;
    if (xenbus_read(XBT_NIL, "/local/domain/77/device/vtest/3/backend", v, sizeof(v)) < 0 ||
        strcmp(v, "/local/domain/0/backend/vtest/77/3"))
        test_fail("front end's backend node: \"%s\"", v);
    if (xenbus_read(XBT_NIL, "/local/domain/0/backend/vtest/77/3/frontend", v, sizeof(v)) < 0 ||
        strcmp(v, "/local/domain/77/device/vtest/3"))
        test_fail("back end's frontend node: \"%s\"", v);
    if (xenbus_read_state("/local/domain/77/device/vtest/3/state") != XenbusStateInitialising ||
        xenbus_read_state("/local/domain/0/backend/vtest/77/3/state") != XenbusStateInitialising)
        test_fail("the devices do not start Initialising");
    if (xenbus_read(XBT_NIL, "/local/domain/77/device/vtest/3/limit", v, sizeof(v)) != 4)
        test_fail("the front end's own node is missing");
    /* Each entry with its NUL: 7 bytes. */
    if (xenbus_request(XS_GET_PERMS, XBT_NIL, "/local/domain/77/device/vtest/3",
                       sizeof("/local/domain/77/device/vtest/3"), v, sizeof(v)) != 7 ||
        memcmp(v, "n77\0r0", 7))
        test_fail("the front end's directory's permissions are not n77, r0");
    if (xenbus_request(XS_GET_PERMS, XBT_NIL, "/local/domain/0/backend/vtest/77/3/state",
                       sizeof("/local/domain/0/backend/vtest/77/3/state"), v, sizeof(v)) != 7 ||
        memcmp(v, "n0\0r77", 7))
        test_fail("the back end's state node's permissions are not n0, r77");
    expect_rc("remove", xenbus_device_remove("vtest", dom, 3), 0);
    expect_rc("read after removal",
              xenbus_read(XBT_NIL, "/local/domain/77/device/vtest/3/state", v, sizeof(v)), -ENOENT);
    /* As Xen: removing a missing node whose parent exists succeeds. */
    expect_rc("remove again", xenbus_device_remove("vtest", dom, 3), 0);
}
