/* The CMOS real-time clock (MC146818 registers).  Read at boot only, for
 * the wall clock: the hypervisor never writes it.
 *
 * Xen waits for the update-in-progress flag to fall, which happens once a
 * second, to learn where in the second it is; that costs up to a second
 * of boot.  Proxen reads at once instead: it waits only while an update
 * is in progress (at most about 2 ms) and reads the registers until two
 * readings agree, so a read that straddled an update is never taken.
 * The wall clock is then right to the second, not below. */
#include <asm/rtc.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <proxen/console.h>
#include <proxen/lib.h>
#include <proxen/timer.h>
#include <proxen/wallclock.h>

#define RTC_INDEX 0x70
#define RTC_DATA  0x71

enum {
    RTC_SECONDS = 0x00, RTC_MINUTES = 0x02, RTC_HOURS = 0x04,
    RTC_DAY = 0x07, RTC_MONTH = 0x08, RTC_YEAR = 0x09,
    RTC_STATUS_A = 0x0a, RTC_STATUS_B = 0x0b,
};
#define STATUS_A_UIP    0x80    /* an update is in progress */
#define STATUS_B_24H    0x02
#define STATUS_B_BINARY 0x04
#define HOURS_PM        0x80    /* 12-hour mode */

#define READ_TRIES 10

static uint8_t cmos_read(uint8_t reg)
{
    outb(RTC_INDEX, reg);
    return inb(RTC_DATA);
}

static unsigned int from_bcd(uint8_t v) { return (v >> 4) * 10u + (v & 0x0f); }

struct rtc_regs {
    uint8_t sec, min, hour, day, mon, year, status_b;
};

static bool read_regs(struct rtc_regs *r)
{
    s_time_t end = NOW() + MILLISECS(10);

    while (cmos_read(RTC_STATUS_A) & STATUS_A_UIP)
        if (NOW() > end)
            return false;
    *r = (struct rtc_regs){
        .sec = cmos_read(RTC_SECONDS), .min = cmos_read(RTC_MINUTES),
        .hour = cmos_read(RTC_HOURS), .day = cmos_read(RTC_DAY),
        .mon = cmos_read(RTC_MONTH), .year = cmos_read(RTC_YEAR),
        .status_b = cmos_read(RTC_STATUS_B),
    };
    return true;
}

static void decode(const struct rtc_regs *r, struct civil_time *t)
{
    bool binary = r->status_b & STATUS_B_BINARY;
    bool pm = !(r->status_b & STATUS_B_24H) && (r->hour & HOURS_PM);
    unsigned int hour = r->hour & (uint8_t)~HOURS_PM;

#define FIELD(v) (binary ? (unsigned int)(v) : from_bcd(v))
    *t = (struct civil_time){
        .sec = FIELD(r->sec), .min = FIELD(r->min), .hour = FIELD(hour),
        .day = FIELD(r->day), .mon = FIELD(r->mon), .year = FIELD(r->year) + 1900,
    };
#undef FIELD
    if (!(r->status_b & STATUS_B_24H))
        t->hour = t->hour % 12 + (pm ? 12 : 0);       /* 12 AM is 0, 12 PM is 12 */
    if (t->year < 1970)                                 /* two digits: 1970-2069 */
        t->year += 100;
}

bool rtc_read(struct civil_time *t)
{
    struct rtc_regs a, b;

    if (!read_regs(&a))
        return false;
    for (unsigned int i = 0; i < READ_TRIES; i++) {
        if (!read_regs(&b))
            return false;
        if (!memcmp(&a, &b, sizeof(a))) {
            decode(&a, t);
            return civil_time_valid(t);
        }
        a = b;
    }
    return false;
}

void wallclock_init_from_rtc(void)
{
    struct civil_time t;
    s_time_t now = NOW();

    if (!rtc_read(&t)) {
        pr_warn("Wall clock: the RTC gave no valid time; starting at the epoch\n");
        wallclock_set(0, 0, (uint64_t)now);
        return;
    }
    wallclock_set(civil_to_unix(&t), 0, (uint64_t)now);
    pr_info("Wall clock: %04u-%02u-%02u %02u:%02u:%02u UTC (from the RTC)\n", t.year, t.mon,
            t.day, t.hour, t.min, t.sec);
}
