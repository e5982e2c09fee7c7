/* The wall clock a guest reads (shared_info wc_*, wallclock.h): set at
 * boot from the CMOS RTC, which the test reads itself (dom0 reaches the
 * RTC's ports), and set by the control domain with platform_op
 * XENPF_settime64/32, with Xen's arithmetic and answers; a refused
 * setting changes nothing, not even wc_version. */
#include <arch.h>
#include <lib/errno.h>
#include <hypercall.h>
#include <kernel.h>
#include <layout.h>
#include <lib.h>
#include <pvclock.h>
#include <smp.h>
#include <stdatomic.h>
#include <test.h>
#include <wallclock.h>
#include <public/physdev.h>
#include "tests.h"

#define NS_PER_SEC 1000000000UL

/* --- the RTC, read by the guest ----------------------------------------- */

static long set_iopl(uint32_t iopl)
{
    struct physdev_set_iopl arg = { .iopl = iopl };

    return hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (uint64_t)&arg, 0, 0, 0);
}

static uint8_t cmos(uint8_t reg)
{
    uint8_t v;

    __asm__ volatile("outb %0, $0x70" :: "a"(reg));
    __asm__ volatile("inb $0x71, %0" : "=a"(v));
    return v;
}

static unsigned int bcd(uint8_t v, bool binary) { return binary ? v : (v >> 4) * 10u + (v & 15); }

static uint64_t days_from_civil(uint64_t y, unsigned int m, unsigned int d)
{
    uint64_t days = 0;

    for (uint64_t year = 1970; year < y; year++)
        days += (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 366 : 365;
    for (unsigned int mon = 1; mon < m; mon++) {
        static const unsigned char len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

        days += len[mon - 1];
        if (mon == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
            days++;
    }
    return days + d - 1;
}

/* Seconds since the epoch by the RTC, 0 if it would not read. */
static uint64_t rtc_unix(void)
{
    uint8_t r[7], again[7];

    for (unsigned int tries = 0; tries < 1000; tries++) {
        while (cmos(0x0a) & 0x80)
            cpu_relax();
        r[0] = cmos(0); r[1] = cmos(2); r[2] = cmos(4); r[3] = cmos(7);
        r[4] = cmos(8); r[5] = cmos(9); r[6] = cmos(0x0b);
        again[0] = cmos(0); again[1] = cmos(2); again[2] = cmos(4); again[3] = cmos(7);
        again[4] = cmos(8); again[5] = cmos(9); again[6] = cmos(0x0b);
        if (!memcmp(r, again, sizeof(r))) {
            bool bin = r[6] & 4, h24 = r[6] & 2;
            unsigned int hour = bcd(r[2] & 0x7f, bin);
            uint64_t year = bcd(r[5], bin) + 1900;

            if (!h24)
                hour = hour % 12 + ((r[2] & 0x80) ? 12 : 0);
            if (year < 1970)
                year += 100;
            return days_from_civil(year, bcd(r[4], bin), bcd(r[3], bin)) * 86400 +
                   hour * 3600ULL + bcd(r[1], bin) * 60ULL + bcd(r[0], bin);
        }
    }
    return 0;
}

void test_wallclock_rtc(void)
{
    struct wallclock wc;
    struct timeval tv;
    uint64_t rtc;

    if (!expect_rc("PHYSDEVOP_set_iopl(1)", set_iopl(1), 0))
        return;
    rtc = rtc_unix();
    set_iopl(0);
    if (!rtc) {
        test_error("the RTC gave no stable reading");
        return;
    }
    wallclock_read(&wc);
    gettimeofday(&tv);
    if (wc.nsec >= NS_PER_SEC)
        test_fail("wc_nsec %u is a second or more", wc.nsec);
    /* The hypervisor read the RTC to the second, at boot; the guest reads
     * it now: one second each way for the two readings' rounding. */
    if ((uint64_t)tv.tv_sec + 2 < rtc || (uint64_t)tv.tv_sec > rtc + 2)
        test_fail("gettimeofday says %ld s, the RTC %lu s", tv.tv_sec, rtc);
    if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
        test_fail("tv_usec %ld out of range", tv.tv_usec);
}

/* --- platform_op settime ------------------------------------------------- */

static long settime64(uint64_t secs, uint32_t nsecs, uint32_t mbz, uint64_t system_time)
{
    struct xen_platform_op op = {
        .cmd = XENPF_settime64, .interface_version = XENPF_INTERFACE_VERSION,
        .u.settime64 = { .secs = secs, .nsecs = nsecs, .mbz = mbz, .system_time = system_time },
    };

    return hypercall_platform_op(&op);
}

static void restore(const struct wallclock *was)
{
    expect_rc("XENPF_settime64 (restoring)", settime64(was->sec, was->nsec, 0, 0), 0);
}

/* The wall clock at system time 0 is <secs, nsecs> - system_time, to the
 * nanosecond, in wc_sec_hi too; wc_version moves on by 2 and is even. */
static void expect_wc(const char *what, const struct wallclock *before, uint64_t secs,
                      uint32_t nsecs, uint64_t system_time)
{
    struct wallclock wc;
    uint64_t want = secs * NS_PER_SEC + nsecs - system_time;

    wallclock_read(&wc);
    if (wc.sec != want / NS_PER_SEC || wc.nsec != want % NS_PER_SEC)
        test_fail("%s: wall clock at 0 is %lu.%09u s, want %lu.%09lu", what, wc.sec, wc.nsec,
                  want / NS_PER_SEC, want % NS_PER_SEC);
    if (wc.version != before->version + 2)
        test_fail("%s: wc_version %u after %u", what, wc.version, before->version);
}

void test_settime64(void)
{
    static const struct { uint64_t secs; uint32_t nsecs; } to[] = {
        { 1000000000, 123456789 },          /* 2001 */
        { 7258118400ULL, 999999999 },       /* 2200: wc_sec_hi is 1 */
        { 4000000000ULL, 5 },
    };
    struct wallclock was, before;

    wallclock_read(&was);
    for (unsigned int i = 0; i < ARRAY_SIZE(to); i++) {
        uint64_t now = system_time_ns(), later;
        struct timeval tv;

        wallclock_read(&before);
        if (!expect_rc("XENPF_settime64", settime64(to[i].secs, to[i].nsecs, 0, now), 0))
            break;
        expect_wc("XENPF_settime64", &before, to[i].secs, to[i].nsecs, now);
        gettimeofday(&tv);
        later = system_time_ns() - now;     /* since the setting's moment */
        if ((uint64_t)tv.tv_sec * NS_PER_SEC + (uint64_t)tv.tv_usec * 1000 + 1000 <
                to[i].secs * NS_PER_SEC + to[i].nsecs ||
            (uint64_t)tv.tv_sec * NS_PER_SEC >
                to[i].secs * NS_PER_SEC + to[i].nsecs + later + 1000)
            test_fail("gettimeofday %ld.%06ld s after setting %lu.%09u s", tv.tv_sec,
                      tv.tv_usec, to[i].secs, to[i].nsecs);
    }
    /* A system time other than now: the clock is set for that moment. */
    wallclock_read(&before);
    expect_rc("XENPF_settime64 at system time 5 s", settime64(2000000000, 0, 0, 5 * NS_PER_SEC),
              0);
    expect_wc("XENPF_settime64 at system time 5 s", &before, 2000000000, 0, 5 * NS_PER_SEC);
    restore(&was);
}

void test_settime32(void)
{
    struct wallclock was, before;
    struct xen_platform_op op = {
        .cmd = XENPF_settime32, .interface_version = XENPF_INTERFACE_VERSION,
        .u.settime32 = { .secs = 1500000000, .nsecs = 42, .system_time = 3 * NS_PER_SEC },
    };

    wallclock_read(&was);
    before = was;
    if (expect_rc("XENPF_settime32", hypercall_platform_op(&op), 0))
        expect_wc("XENPF_settime32", &before, 1500000000, 42, 3 * NS_PER_SEC);
    restore(&was);
}

static void expect_unchanged(const char *what, long rc, long want, const struct wallclock *was)
{
    struct wallclock now;

    expect_rc(what, rc, want);
    wallclock_read(&now);
    if (now.version != was->version || now.sec != was->sec || now.nsec != was->nsec)
        test_fail("%s changed the wall clock (version %u -> %u, %lu.%09u -> %lu.%09u)", what,
                  was->version, now.version, was->sec, was->nsec, now.sec, now.nsec);
}

void test_settime_refused(void)
{
    struct wallclock was;
    struct xen_platform_op op = {
        .cmd = XENPF_settime64, .interface_version = XENPF_INTERFACE_VERSION,
        .u.settime64 = { .secs = 1000000000 },
    };
    /* An argument whose last byte lies past the shared_info page, on a
     * page nothing maps: all of it is read, or nothing is done. */
    uint64_t edge = SHARED_INFO_VA + 4096 - sizeof(op) + 1;

    wallclock_read(&was);
    expect_unchanged("XENPF_settime64 with mbz 1", settime64(1000000000, 0, 1, 0), -EINVAL,
                     &was);
    expect_unchanged("XENPF_settime64 with mbz 0x80000000",
                     settime64(1000000000, 0, 0x80000000u, 0), -EINVAL, &was);
    op.interface_version = XENPF_INTERFACE_VERSION + 1;
    expect_unchanged("platform_op with another interface version", hypercall_platform_op(&op),
                     -EACCES, &was);
    op.interface_version = 0;
    op.u.settime64.mbz = 1;              /* the version is checked first */
    expect_unchanged("platform_op with version 0 and mbz 1", hypercall_platform_op(&op),
                     -EACCES, &was);
    op.interface_version = XENPF_INTERFACE_VERSION;
    op.u.settime64.mbz = 0;
    op.cmd = 9999;
    expect_unchanged("platform_op cmd 9999", hypercall_platform_op(&op), -ENOSYS, &was);
    expect_unchanged("platform_op at an unmapped address",
                     hypercall(__HYPERVISOR_platform_op, UNMAPPED_VA, 0, 0, 0, 0), -EFAULT,
                     &was);
    expect_unchanged("platform_op at a hypervisor address",
                     hypercall(__HYPERVISOR_platform_op, HV_ADDRESS, 0, 0, 0, 0), -EFAULT, &was);
    expect_unchanged("platform_op at a non-canonical address",
                     hypercall(__HYPERVISOR_platform_op, NONCANONICAL_ADDRESS, 0, 0, 0, 0),
                     -EFAULT, &was);
    if (hypercall_console_io(CONSOLEIO_write, 1, (const char *)(SHARED_INFO_VA + 4096)) !=
        -EFAULT) {
        test_error("the page after shared_info is mapped");
        return;
    }
    expect_unchanged("platform_op running into an unmapped page",
                     hypercall(__HYPERVISOR_platform_op, edge, 0, 0, 0, 0), -EFAULT, &was);
}

/* --- a reader racing the setter ------------------------------------------ */

/* vCPU 1 sets the wall clock over and over to A or B, which differ in
 * both fields; vCPU 0 reads it meanwhile and must see A or B, never a mix
 * of the two (the wc_version protocol, on both sides). */
static struct {
    _Atomic bool stop;
    _Atomic unsigned long sets;
    uint64_t base;
    _Atomic long rc;
} race;

static void setter(void *unused)
{
    (void)unused;
    for (unsigned long i = 0; !atomic_load(&race.stop); i++) {
        long rc = i & 1 ? settime64(race.base + 1, 0, 0, 0)
                        : settime64(race.base, 999999999, 0, 0);

        if (rc) {
            race.rc = rc;
            break;
        }
        atomic_fetch_add(&race.sets, 1);
    }
}

void test_wallclock_race(void)
{
    struct wallclock was, wc;
    unsigned long reads = 0, torn = 0;
    uint64_t start;

    if (smp_nr_vcpus() < 2) {
        test_skip("one vCPU");
        return;
    }
    wallclock_read(&was);
    race.base = was.sec + 1000;
    race.stop = false;
    race.sets = 0;
    race.rc = 0;
    if (!expect_rc("smp_run(1)", smp_run(1, setter, NULL), 0))
        return;
    start = system_time_ns();
    while (system_time_ns() - start < 300000000ULL || atomic_load(&race.sets) < 100) {
        wallclock_read(&wc);
        reads++;
        if (!(wc.sec == race.base && wc.nsec == 999999999) &&
            !(wc.sec == race.base + 1 && wc.nsec == 0) &&
            !(wc.sec == was.sec && wc.nsec == was.nsec))
            torn++;
        if (race.rc || system_time_ns() - start > 5000000000ULL)
            break;
    }
    atomic_store(&race.stop, true);
    smp_wait(1);
    expect_rc("XENPF_settime64 on vCPU 1", race.rc, 0);
    if (torn)
        test_fail("%lu of %lu readings mixed two settings (%lu settings)", torn, reads,
                  (unsigned long)race.sets);
    restore(&was);
}
