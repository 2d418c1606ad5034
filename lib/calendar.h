/*
 * The calendar's written forms (calendar.c): "HH:MM", day names and
 * "YYYY-MM-DD" dates, as beacon.conf and the on-call requests write them,
 * and the civil calendar's arithmetic (days since 1970, weekdays).
 */
#ifndef BEACON_CALENDAR_H
#define BEACON_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#define CALENDAR_DAY_MIN 1440 /* minutes in a day */

/* "HH:MM", 00:00 to 24:00, into minutes of the day. 0, or -1. */
int calendar_parse_hhmm(const char *s, int *min);
/* "mon".."sun" (also "daily", "weekdays", "weekends") into a mask, bit 0
 * Sunday as struct tm's tm_wday. 0, or -1 with *bad the name not known. */
int calendar_parse_days(char *const *days, size_t n, int *mask,
    const char **bad);
/* "YYYY-MM-DD", a real date, into YYYYMMDD. 0, or -1. */
int calendar_parse_date(const char *s, int *ymd);
/* 1 if the n bytes at s are all digits. */
int calendar_digits(const char *s, size_t n);
/* The days in month m (1..12) of year y. */
int calendar_mdays(int y, int m);
/* 1 in a leap year. */
int calendar_leap(int y);
/* Days since 1970-01-01 of a date (d may run past its month's end), and
 * back; the weekday of a day, 0 Sunday. */
int64_t calendar_days(int y, int m, int d);
void calendar_civil(int64_t days, int *y, int *m, int *d);
int calendar_weekday(int64_t days);

#endif
