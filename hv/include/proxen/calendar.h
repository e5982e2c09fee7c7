/* Calendar arithmetic (calendar.c, host-tested): seconds since the Unix
 * epoch of a UTC date and time, in the proleptic Gregorian calendar. */
#ifndef PROXEN_CALENDAR_H
#define PROXEN_CALENDAR_H

#include <proxen/types.h>

struct civil_time {
    unsigned int year;         /* 1970.. */
    unsigned int mon;          /* 1..12 */
    unsigned int day;          /* 1..days in the month */
    unsigned int hour, min, sec;   /* 0..23, 0..59, 0..59 */
};

/* Whether every field is in range (the day for its month and year). */
bool civil_time_valid(const struct civil_time *t);
/* Seconds since 1970-01-01 00:00:00 UTC; t must be valid. */
uint64_t civil_to_unix(const struct civil_time *t);

#endif
