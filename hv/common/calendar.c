/* Calendar arithmetic (proxen/calendar.h).  Days are counted in 400-year
 * eras from 1 March 0000, so that the leap day ends the counting year
 * and each month's first day follows from a linear formula. */
#include <proxen/calendar.h>

static bool leap(unsigned int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned int days_in_month(unsigned int y, unsigned int m)
{
    static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return m == 2 && leap(y) ? 29 : days[m - 1];
}

bool civil_time_valid(const struct civil_time *t)
{
    return t->year >= 1970 && t->year <= 9999 && t->mon >= 1 && t->mon <= 12 &&
           t->day >= 1 && t->day <= days_in_month(t->year, t->mon) && t->hour < 24 &&
           t->min < 60 && t->sec < 60;
}

/* Days from 1970-01-01 to y-m-d. */
static uint64_t days_since_epoch(unsigned int y, unsigned int m, unsigned int d)
{
    uint64_t year = m <= 2 ? y - 1 : y;          /* the year counted from March */
    uint64_t era = year / 400, yoe = year % 400;
    uint64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;          /* 719468: 0000-03-01 to 1970-01-01 */
}

uint64_t civil_to_unix(const struct civil_time *t)
{
    return days_since_epoch(t->year, t->mon, t->day) * 86400 + t->hour * 3600ULL +
           t->min * 60ULL + t->sec;
}
