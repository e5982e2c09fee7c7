/* The CMOS real-time clock, read once at boot for the wall clock. */
#ifndef ASM_RTC_H
#define ASM_RTC_H

#include <proxen/calendar.h>

/* The RTC's date and time (UTC assumed, as Xen does), read without
 * waiting for the next second to begin: false if it never gave two equal
 * readings or gave one out of range. */
bool rtc_read(struct civil_time *t);
/* Set the wall clock from the RTC (at boot, once time runs). */
void wallclock_init_from_rtc(void);

#endif
