/* dom0's xenstore daemon (xenstored.h): its local connections, the
 * entries the toolstack writes for a domain (domain_xs.h), and domUs
 * talking to it over their store rings with the demo's raw client
 * (guest/apps/demo/xs.c): reads and writes with Xen's permission errors,
 * a domain flooding its ring or never reading its replies while another
 * is served and dom0's own calls stay quick, a framing violation that
 * resets the connection until the domain reconnects.  The domU tests
 * need the demo image as this domain's module (system case
 * guest-xenstored); without it they skip. */
#include <console.h>
#include <console_back.h>
#include <domain_xs.h>
#include <domu.h>
#include <kernel.h>
#include <lib.h>
#include <lib/errno.h>
#include <lib/string.h>
#include <mm.h>
#include <pvclock.h>
#include <test.h>
#include <timers.h>
#include <xenstored.h>
#include "tests.h"

#define MS 1000000ULL
#define DOMU_PAGES 2048

static char buf[XENSTORE_PAYLOAD_MAX + 1];

static bool read_is(const char *path, const char *want)
{
    long n = xenstored_read(0, path, buf, sizeof(buf));

    if (n < 0) {
        test_fail("reading %s: %ld", path, n);
        return false;
    }
    if (strcmp(buf, want)) {
        test_fail("%s is '%s', expected '%s'", path, buf, want);
        return false;
    }
    return true;
}

static bool perms_are(const char *path, const char *want, size_t want_len)
{
    size_t plen = strlen(path) + 1;
    struct xsd_sockmsg req = { .type = XS_GET_PERMS, .len = (uint32_t)plen }, rsp;
    long rc = xenstored_local_call(&req, path, &rsp, buf, sizeof(buf) - 1);

    if (rc || rsp.type != XS_GET_PERMS || rsp.len != want_len || memcmp(buf, want, want_len)) {
        test_fail("permissions of %s: rc %ld, type %u, %u bytes '%s', expected '%s'", path, rc,
                  rsp.type, rsp.len, buf, want);
        return false;
    }
    return true;
}

static unsigned int events;
static char last_path[64], nested[16];

/* Runs after the call that fired it, so it may make calls itself. */
static void count_event(const char *path, const char *token, void *arg)
{
    (void)token;
    (void)arg;
    events++;
    strlcpy(last_path, path, sizeof(last_path));
    if (xenstored_read(0, "/test/xsd/a", nested, sizeof(nested)) < 0)
        nested[0] = '\0';
}

static long watch(struct xenstored_conn *c, const char *path)
{
    char payload[64];
    size_t plen = strlen(path) + 1;
    struct xsd_sockmsg req = { .type = XS_WATCH, .len = (uint32_t)plen + 2 }, rsp;
    char reply[16];
    long rc;

    memcpy(payload, path, plen);
    memcpy(payload + plen, "t", 2);
    rc = xenstored_local_call_on(c, &req, payload, &rsp, reply, sizeof(reply));
    return rc ? rc : rsp.type == XS_ERROR ? xenstored_errno(reply, rsp.len) : 0;
}

void test_xenstored_local(void)
{
    static char big[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg req = { .type = XS_WRITE, .len = sizeof(big) }, rsp;
    struct xenstored_conn *c;
    long rc;

    expect_rc("write /test/xsd/a", xenstored_write(0, "/test/xsd/a", "v1", 2), 0);
    if (!read_is("/test/xsd/a", "v1"))
        return;
    expect_rc("read of a missing node", xenstored_read(0, "/test/xsd/none", buf, sizeof(buf)),
              -ENOENT);
    expect_rc("a request above XENSTORE_PAYLOAD_MAX",
              xenstored_local_call(&req, big, &rsp, buf, sizeof(buf)), -EINVAL);
    if (!(c = xenstored_local_open(count_event, NULL))) {
        test_error("no local connection");
        return;
    }
    events = 0;
    if ((rc = watch(c, "/test/xsd"))) {
        test_fail("XS_WATCH: %ld", rc);
        xenstored_local_close(c);
        return;
    }
    if (events != 1 || strcmp(last_path, "/test/xsd"))
        test_fail("the watch's first event: %u events, last '%s'", events, last_path);
    expect_rc("write /test/xsd/a", xenstored_write(0, "/test/xsd/a", "v2", 2), 0);
    if (events != 2 || strcmp(last_path, "/test/xsd/a") || strcmp(nested, "v2"))
        test_fail("after a write below the watch: %u events, last '%s', read in the handler '%s'",
                  events, last_path, nested);
    xenstored_local_close(c);
    expect_rc("rm /test/xsd", xenstored_rm(0, "/test/xsd"), 0);
    if (events != 2)
        test_fail("a closed connection's watch fired (%u events)", events);
    expect_rc("read of a removed node", xenstored_read(0, "/test/xsd/a", buf, sizeof(buf)),
              -ENOENT);
}

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

static bool node(char *path, size_t len, domid_t dom, const char *rel)
{
    snprintf(path, len, "/local/domain/%u/%s", dom, rel);
    return true;
}

/* What libxl writes, with its permissions; gone with the domain. */
void test_xenstored_domain_entries(void)
{
    struct domain_build b;
    char path[80], want[32], perm[16];
    struct xenstored_conn *c;
    unsigned int before;

    if (!have_image() || !(c = xenstored_local_open(count_event, NULL)))
        return;
    watch(c, "@releaseDomain");
    watch(c, "@introduceDomain");
    before = events;
    if (!build("entries", "", &b))
        goto out;
    if (events != before + 1 || strcmp(last_path, "@introduceDomain"))
        test_fail("@introduceDomain: %u events, last '%s'", events - before, last_path);
    node(path, sizeof(path), b.domid, "name");
    read_is(path, "entries");
    snprintf(want, sizeof(want), "%u", b.domid);
    node(path, sizeof(path), b.domid, "domid");
    read_is(path, want);
    snprintf(want, sizeof(want), "%u", DOMU_PAGES * 4);
    node(path, sizeof(path), b.domid, "memory/target");
    read_is(path, want);
    node(path, sizeof(path), b.domid, "memory/static-max");
    read_is(path, want);
    snprintf(want, sizeof(want), "%u", b.console_evtchn);
    node(path, sizeof(path), b.domid, "console/port");
    read_is(path, want);
    snprintf(want, sizeof(want), "%u", b.store_evtchn);
    node(path, sizeof(path), b.domid, "store/port");
    read_is(path, want);
    node(path, sizeof(path), b.domid, "console/type");
    read_is(path, "xenconsoled");
    snprintf(path, sizeof(path), "/local/domain/%u", b.domid);
    int n = snprintf(perm, sizeof(perm), "n0%cr%u", 0, b.domid);
    perms_are(path, perm, (size_t)n + 1);
    node(path, sizeof(path), b.domid, "control/shutdown");
    n = snprintf(perm, sizeof(perm), "n%u", b.domid);
    perms_are(path, perm, (size_t)n + 1);
    node(path, sizeof(path), b.domid, "device");
    perms_are(path, perm, (size_t)n + 1);
    if (!xenstored_serving(b.domid))
        test_fail("the daemon does not serve the new domain's ring");
    before = events;
    expect_rc("destroydomain", domu_destroy(b.domid), 0);
    if (events != before + 1 || strcmp(last_path, "@releaseDomain"))
        test_fail("@releaseDomain: %u events, last '%s'", events - before, last_path);
    snprintf(path, sizeof(path), "/local/domain/%u", b.domid);
    expect_rc("reading a destroyed domain's home", xenstored_read(0, path, buf, sizeof(buf)),
              -ENOENT);
    if (xenstored_serving(b.domid))
        test_fail("the daemon still serves a destroyed domain");
out:
    xenstored_local_close(c);
}

static bool console_wait(domid_t id, const char *text, unsigned int ms)
{
    return domu_console_wait(id, text, ms * MS);
}

/* Reads and writes over the ring, with Xen's EACCES for dom0's node. */
void test_xenstored_domu_ring(void)
{
    struct domain_build b;
    char path[80];

    if (!have_image() || !build("xsrw", "xs=rw", &b))
        return;
    expect_rc("unpausedomain", domu_unpause(b.domid), 0);
    if (!console_wait(b.domid, "demo: xs done", 30000))
        test_fail("the domain's xenstore client did not finish in 30 s");
    else {
        if (!domu_console_has(b.domid, "demo: xs read 'hello'"))
            test_fail("the domain did not read back what it wrote");
        if (!domu_console_has(b.domid, "demo: xs write to dom0's name: EACCES"))
            test_fail("the domain's write to dom0's name was not refused with EACCES");
        node(path, sizeof(path), b.domid, "data/demo");
        read_is(path, "x");
        read_is("/local/domain/0/name", "Domain-0");
    }
    domu_destroy(b.domid);
}

/* A domain that floods its ring, one that never reads its replies: a
 * third is served in time and dom0's own calls stay quick. */
void test_xenstored_flood_leaves_others(void)
{
    struct domain_build f, s, r;
    uint64_t t0, took;

    if (!have_image() || !build("xsflood", "xs=flood", &f))
        return;
    if (!build("xsstuff", "xs=stuff", &s))
        goto out_f;
    if (!build("xsrw", "xs=rw", &r))
        goto out_s;
    domu_unpause(f.domid);
    domu_unpause(s.domid);
    if (!console_wait(f.domid, "demo: xs flooding", 5000))
        test_fail("the flooding domain did not start");
    domu_unpause(r.domid);
    if (!console_wait(r.domid, "demo: xs done", 60000))
        test_fail("beside a flooding domain, another's client did not finish in 60 s");
    else if (!domu_console_has(r.domid, "demo: xs read 'hello'"))
        test_fail("beside a flooding domain, another read back the wrong value");
    t0 = system_time_ns();
    for (int i = 0; i < 100; i++)
        if (xenstored_read(0, "/local/domain/0/name", buf, sizeof(buf)) != 8) {
            test_fail("dom0's read failed beside a flooding domain");
            break;
        }
    took = system_time_ns() - t0;
    if (took > 1000 * MS)
        test_fail("100 reads by dom0 beside a flooding domain took %llu ms",
                  (unsigned long long)(took / MS));
    if (!xenstored_serving(f.domid) || !xenstored_serving(s.domid))
        test_fail("a domain that only floods was cut off");
    domu_destroy(r.domid);
out_s:
    domu_destroy(s.domid);
out_f:
    domu_destroy(f.domid);
    if (xenstored_serving(f.domid) || xenstored_serving(s.domid))
        test_fail("a destroyed flooding domain is still served");
}

/* A domain's ring filled with requests at once, its replies read only
 * later: the daemon reads at most XSD_REQUESTS_PER_EVENT (8) of them in
 * one go, and none while the domain's queue lacks room for a reply, so
 * that every reply comes, in order -- large ones too, of which the queue
 * holds fewer than the ring holds requests. */
void test_xenstored_burst_bounded(void)
{
    struct domain_build b;
    unsigned int most;
    bool small, big;

    if (!have_image() || !build("xsburst", "xs=burst", &b))
        return;
    domu_unpause(b.domid);
    if (!console_wait(b.domid, "demo: xs burst done", 30000))
        test_fail("the bursting domain did not finish in 30 s");
    /* Each burst says "<n> replies in order", or which reply was wrong. */
    small = domu_console_has(b.domid, "demo: xs burst small: ") &&
            !domu_console_has(b.domid, "demo: xs burst small: reply");
    big = domu_console_has(b.domid, "demo: xs burst big: ") &&
          !domu_console_has(b.domid, "demo: xs burst big: reply");
    if (!small)
        test_fail("small replies to a burst did not all come in order");
    if (!big)
        test_fail("large replies to a burst did not all come in order");
    if (!small || !big) {
        char log[1024];
        size_t n = console_back_history(b.domid, log, sizeof(log) - 1);

        log[n] = '\0';
        printk("xenstored_burst_bounded: the domain's console:\n%s\n", log);
    }
    most = xenstored_most_per_event(b.domid);
    if (most != 8)
        test_fail("the daemon read %u requests of a full ring in one go, not 8", most);
    domu_destroy(b.domid);
}

/* A payload above XENSTORE_PAYLOAD_MAX: the connection is reset and
 * answers nothing until the domain sets XENSTORE_RECONNECT. */
void test_xenstored_bad_message(void)
{
    struct domain_build b;
    char path[80];

    if (!have_image() || !build("xsbad", "xs=bad", &b))
        return;
    domu_unpause(b.domid);

    if (!console_wait(b.domid, "demo: xs no answer after a bad message", 10000))
        test_fail("a domain got answers after a message above XENSTORE_PAYLOAD_MAX");
    node(path, sizeof(path), b.domid, "data/after");
    expect_rc("reading the node written after the bad message",
              xenstored_read(0, path, buf, sizeof(buf)), -ENOENT);
    if (!console_wait(b.domid, "demo: xs reconnected, read 'xsbad'", 10000))
        test_fail("the domain was not served again after XENSTORE_RECONNECT");
    else if (!xenstored_serving(b.domid))
        test_fail("a reconnected domain is not served");
    domu_destroy(b.domid);
}

/* A domain that breaks its framing and reconnects in a loop: every
 * violation resets its connection, but the log shows at most
 * XSD_LOG_BURST (5) lines for it per 10 s window, not one each. */
void test_xenstored_bad_loop_log_bounded(void)
{
    struct domain_build b;
    unsigned int n, logged, windows;
    uint64_t start;

    if (!have_image() || !build("xsbadloop", "xs=badloop", &b))
        return;
    start = system_time_ns();
    domu_unpause(b.domid);
    if (!console_wait(b.domid, "demo: xs bad loop: 20 resets, read 'xsbadloop'", 60000))
        test_fail("the domain did not get through 20 resets and a good read");
    n = xenstored_violations(b.domid, &logged);
    windows = (unsigned int)((system_time_ns() - start) / 10000000000ULL) + 1;
    if (n != 20)
        test_fail("the daemon counted %u framing violations, not 20", n);
    if (!logged || logged > 5 * windows)
        test_fail("%u of %u violations logged in %u window(s) of 10 s: expected 1..%u", logged, n,
                  windows, 5 * windows);
    domu_destroy(b.domid);
}

static bool rw_cycle(void)
{
    struct domain_build b;
    bool done;

    if (!build("xscycle", "xs=rw", &b))
        return false;
    domu_unpause(b.domid);
    done = console_wait(b.domid, "demo: xs done", 30000);
    domu_destroy(b.domid);
    if (!done)
        test_fail("the domain's xenstore client did not finish in 30 s");
    return done;
}

/* A domain served and destroyed gives back what the daemon took for it
 * (its queue, its frame's page, its nodes in the store): after a first
 * round, which lets the store's heap grow to what one domain needs, two
 * more leave dom0's free pages where they were. */
void test_xenstored_domain_leaves_nothing(void)
{
    uint64_t before, after;

    if (!have_image() || !rw_cycle())
        return;
    before = page_alloc_free_pages();
    if (!rw_cycle() || !rw_cycle())
        return;
    after = page_alloc_free_pages();
    if (after != before)
        test_fail("dom0 had %llu free pages before two domains were served and destroyed, "
                  "%llu after", (unsigned long long)before, (unsigned long long)after);
}
