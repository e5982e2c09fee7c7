/* Domains built by this domain and run beside it, from the domU image
 * given as this domain's module (the demo, guest/apps/demo: it counts on
 * its console, or spins with "spin"; the kernel crashes itself with
 * "crash"): its console served by this domain's console daemon, several
 * sharing one CPU, destroyed running, blocked, paused and crashed, each
 * leaving the others running and the heap as it was.  Without a module
 * (the plain test run) they skip; the system case guest-domu gives one. */
#include <console.h>
#include <console_back.h>
#include <domu.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <lib.h>
#include <lib/errno.h>
#include <public/control.h>
#include <pvclock.h>
#include <test.h>
#include <timers.h>
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

/* Build a domU from the module with cmdline, its console connected here. */
static bool build(const char *name, const char *cmdline, struct domain_build *b)
{
    long rc = domu_build((const void *)start_info->mod_start, start_info->mod_len, name,
                         cmdline, DOMU_PAGES, b);

    if (rc)
        test_fail("building %s: %s (%ld)", name, b->why ? b->why : "?", rc);
    return !rc;
}

static long unpause(domid_t id)
{
    return domu_unpause(id);
}

static void destroy(domid_t id)
{
    expect_rc("destroydomain", domu_destroy(id), 0);
}

static bool history_has(domid_t id, const char *text)
{
    return domu_console_has(id, text);
}

/* Wait (blocking, events on) until cond or timeout_ms. */
static bool wait_for(bool (*cond)(domid_t, const char *), domid_t id, const char *arg,
                     unsigned int timeout_ms)
{
    uint64_t end = system_time_ns() + timeout_ms * MS;

    while (!cond(id, arg)) {
        if (system_time_ns() > end)
            return false;
        sleep_until(system_time_ns() + MS);
    }
    return true;
}

static uint64_t cpu_time(domid_t id)
{
    struct pxctl_domaininfo i;

    return ctl_info(id, &i) == 0 && i.domain == id ? i.cpu_time : 0;
}

static bool is_crashed(domid_t id, const char *unused)
{
    struct pxctl_domaininfo i;

    (void)unused;
    return ctl_info(id, &i) == 0 && i.domain == id && (i.flags & PXDOMF_crashed);
}

/* What the domain prints once its ring is set up (its kernel's memory
 * line, the demo's first tick) reaches the daemon through the ring; its
 * banner, printed before, went to the hypervisor's log; input goes the
 * other way. */
void test_domu_console(void)
{
    struct domain_build b;

    if (!have_image() || !build("console", "", &b))
        return;
    expect_rc("unpausedomain", unpause(b.domid), 0);
    if (!wait_for(history_has, b.domid, "demo: tick 1", 5000))
        test_fail("no \"demo: tick 1\" on the domain's console in 5 s (%lu bytes came)",
                  console_back_total(b.domid));
    if (!history_has(b.domid, "pages free\ndemo: counting\n"))
        test_fail("the domain's first lines on its ring are not on its console");
    if (history_has(b.domid, "Proxen guest 0.1 starting"))
        test_fail("the banner, printed before the ring was set up, is on the console");
    if (console_back_input(b.domid, "x", 1) != 1)
        test_fail("one byte of input did not fit an empty ring");
    destroy(b.domid);
    if (console_back_total(b.domid) || console_back_input(b.domid, "x", 1) != -ENOENT)
        test_fail("a destroyed domain's console is still connected");
}

/* Two CPU-bound domains pinned to one CPU both make progress (the slice
 * timer preempts each), and this domain stays responsive meanwhile. */
void test_domu_two_spinners_share_a_cpu(void)
{
    struct domain_build a, b;
    struct proxen_control op;
    uint64_t t0, ta, tb, elapsed;

    if (!have_image() || !build("spin-a", "spin", &a))
        return;
    if (!build("spin-b", "spin", &b)) {
        destroy(a.domid);
        return;
    }
    for (unsigned int i = 0; i < 2; i++) {
        op = ctl_op(PXCTL_setvcpuaffinity, i ? b.domid : a.domid);
        op.u.vcpuaffinity.cpumap = 1;           /* both on CPU0 */
        expect_rc("setvcpuaffinity(CPU0)", ctl_call(&op), 0);
    }
    t0 = system_time_ns();
    expect_rc("unpausedomain(a)", unpause(a.domid), 0);
    expect_rc("unpausedomain(b)", unpause(b.domid), 0);
    sleep_until(system_time_ns() + 400 * MS);
    ta = cpu_time(a.domid);
    tb = cpu_time(b.domid);
    elapsed = system_time_ns() - t0;
    /* Fair shares on CPU0 are a third each at worst (this domain's vCPU 0
     * may be there too, but mostly sleeps): ask for a tenth. */
    if (ta < elapsed / 10 || tb < elapsed / 10)
        test_fail("in %lu ms on one CPU the spinners ran %lu and %lu ms", elapsed / MS,
                  ta / MS, tb / MS);
    if (!wait_for(history_has, a.domid, "demo: spinning", 1000) ||
        !wait_for(history_has, b.domid, "demo: spinning", 1000))
        test_fail("a spinner's console does not say it spins");
    destroy(a.domid);                           /* running */
    destroy(b.domid);
}

/* Destroyed in every state, the others untouched: a crashed domain's
 * neighbour keeps running; every frame comes back. */
void test_domu_destroy_in_every_state(void)
{
    struct domain_build spinner, blocked, paused, crashed;
    struct proxen_control op;
    uint64_t before, t;

    if (!have_image())
        return;
    before = ctl_free_pages();
    if (!build("spinner", "spin", &spinner))
        return;
    expect_rc("unpausedomain(spinner)", unpause(spinner.domid), 0);
    if (build("blocked", "", &blocked)) {        /* counts: blocked between ticks */
        expect_rc("unpausedomain(blocked)", unpause(blocked.domid), 0);
        if (!wait_for(history_has, blocked.domid, "demo: counting", 3000))
            test_fail("the counting domain did not start");
        destroy(blocked.domid);
    }
    if (build("paused", "", &paused)) {
        expect_rc("unpausedomain(paused)", unpause(paused.domid), 0);
        op = ctl_op(PXCTL_pausedomain, paused.domid);
        expect_rc("pausedomain", ctl_call(&op), 0);
        destroy(paused.domid);
    }
    if (build("crashed", "crash", &crashed)) {
        expect_rc("unpausedomain(crashed)", unpause(crashed.domid), 0);
        if (!wait_for(is_crashed, crashed.domid, NULL, 3000))
            test_fail("the domain told to crash is not crashed");
        t = cpu_time(spinner.domid);
        sleep_until(system_time_ns() + 50 * MS);
        if (cpu_time(spinner.domid) <= t)
            test_fail("the spinner stopped when its neighbour crashed");
        destroy(crashed.domid);
    }
    t = cpu_time(spinner.domid);
    sleep_until(system_time_ns() + 50 * MS);
    if (cpu_time(spinner.domid) <= t)
        test_fail("the spinner stopped while the others were destroyed");
    destroy(spinner.domid);
    if (ctl_free_pages() != before)
        test_fail("free pages %lu after building and destroying four domains, %lu before",
                  ctl_free_pages(), before);
}

/* A domain's shared_info page is the hypervisor's, shared as data only:
 * neither the domain nor its builder can make it a page table (the
 * hypervisor writes it), while the builder may map it. */
void test_domu_shared_info_stays_data(void)
{
    struct pxctl_domaininfo i;
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L1_TABLE };
    domid_t id;

    if (!expect_rc("createdomain", ctl_create("shared", 1, &id), 0))
        return;
    if (expect_rc("getdomaininfo", ctl_info(id, &i), 0) && i.domain == id) {
        pin.arg1.mfn = i.shared_info_frame;
        expect_rc("pin its shared_info as an L1 table", hypercall_mmuext_op(&pin, 1, NULL, id),
                  -EINVAL);
        pin.cmd = MMUEXT_PIN_L4_TABLE;
        expect_rc("pin its shared_info as an L4 table", hypercall_mmuext_op(&pin, 1, NULL, id),
                  -EINVAL);
    }
    expect_rc("destroydomain", ctl_destroy(id), 0);
}

/* Interdomain events between two domUs, on two CPUs and on one. */
void test_domu_ping_pong(void)
{
    const void *image = (const void *)start_info->mod_start;
    const char *why = "";
    uint64_t two, one;

    if (!have_image())
        return;
    two = domu_ping_pong(image, start_info->mod_len, 0, 200, &why);
    one = two ? domu_ping_pong(image, start_info->mod_len, 1, 200, &why) : 0;
    if (!two || !one)
        test_fail("ping-pong between two domains: %lu ns on any CPUs, %lu ns on one (%s)", two,
                  one, why);
    else
        printk("domu_ping_pong: round trip %lu ns (any CPUs), %lu ns (one CPU)\n", two, one);
}

static long remote_shutdown(domid_t id, uint32_t reason, uint64_t arg)
{
    struct sched_remote_shutdown r = { .domain_id = id, .reason = reason };

    return hypercall_sched_op(SCHEDOP_remote_shutdown, arg ? (void *)arg : &r);
}

/* SCHEDOP_remote_shutdown stops a running domain with the reason given,
 * as the shell's shutdown and reboot do; an unknown domain is -ESRCH, an
 * unreadable argument -EFAULT (an unprivileged caller's -EPERM is
 * domain_build_unprivileged's). */
void test_domu_remote_shutdown(void)
{
    struct domain_build b;
    struct pxctl_domaininfo i;

    expect_rc("remote_shutdown(no such domain)", remote_shutdown(0x7000, 0, 0), -ESRCH);
    expect_rc("remote_shutdown(DOMID_SELF)", remote_shutdown(DOMID_SELF, 0, 0), -ESRCH);
    expect_rc("remote_shutdown(unmapped)", remote_shutdown(0, 0, UNMAPPED_VA), -EFAULT);
    if (!have_image() || !build("remote", "", &b))
        return;
    expect_rc("unpausedomain", unpause(b.domid), 0);
    if (!wait_for(history_has, b.domid, "demo: counting", 5000))
        test_fail("the domain did not start");
    expect_rc("remote_shutdown(reboot)", remote_shutdown(b.domid, SHUTDOWN_reboot, 0), 0);
    if (expect_rc("getdomaininfo", ctl_info(b.domid, &i), 0) &&
        (!(i.flags & PXDOMF_shutdown) || i.shutdown_reason != SHUTDOWN_reboot ||
         (i.flags & PXDOMF_running)))
        test_fail("after a remote reboot: flags %#x, reason %u", i.flags, i.shutdown_reason);
    destroy(b.domid);
}

/* A domain flooding the hypervisor with hypercalls and one spinning, both
 * on CPU 0 with this domain's vCPU 0: the spinner still gets its turns and
 * this domain's timers still wake it within a few slices. */
void test_domu_flood_leaves_others(void)
{
    struct domain_build flood, spin;
    uint64_t t0, ran, worst = 0;

    if (!have_image() || !build("flood", "flood", &flood))
        return;
    if (!build("spin", "spin", &spin)) {
        destroy(flood.domid);
        return;
    }
    expect_rc("pin flood to CPU0", domu_pin(flood.domid, 1), 0);
    expect_rc("pin spin to CPU0", domu_pin(spin.domid, 1), 0);
    expect_rc("unpause flood", unpause(flood.domid), 0);
    expect_rc("unpause spin", unpause(spin.domid), 0);
    if (!wait_for(history_has, flood.domid, "demo: flooding", 5000))
        test_fail("the flooding domain did not start");
    t0 = system_time_ns();
    ran = cpu_time(spin.domid);
    for (unsigned int i = 0; i < 20; i++) {
        uint64_t want = system_time_ns() + 10 * MS;

        sleep_until(want);
        worst = MAX(worst, system_time_ns() - want);
    }
    ran = cpu_time(spin.domid) - ran;
    if (ran < (system_time_ns() - t0) / 10)
        test_fail("beside the flood the spinner ran %lu of %lu ms", ran / MS,
                  (system_time_ns() - t0) / MS);
    if (worst > 200 * MS)
        test_fail("beside the flood this domain's 10 ms sleeps ended up to %lu ms late",
                  worst / MS);
    destroy(flood.domid);
    destroy(spin.domid);
}

static bool notified_all(domid_t id, const char *unused)
{
    (void)unused;
    return history_has(id, "demo: notified");
}

/* The console daemon answers a domain's event with one of its own only
 * when it took output: a domain that notifies on every event it gets
 * (Mini-OS's console does) gets no event back for one that brought
 * nothing, so the two never ping-pong. */
void test_domu_console_no_echo(void)
{
    struct domain_build b;
    uint64_t sent;

    if (!have_image() || !build("cnotify", "cnotify", &b))
        return;
    expect_rc("unpausedomain", unpause(b.domid), 0);
    if (!wait_for(notified_all, b.domid, "", 10000))
        test_fail("the domain did not finish its 200 notifications in 10 s");
    /* One event per batch of output it wrote (a few lines), none for the
     * 200 empty notifications. */
    sent = console_back_notified(b.domid);
    if (sent > 50)
        test_fail("the daemon sent %lu events for 200 notifications without output", sent);
    destroy(b.domid);
}
