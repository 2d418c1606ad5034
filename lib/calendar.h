/*
 * The calendar's written forms (calendar.c): "HH:MM", day names and
 * "YYYY-MM-DD" dates, as beacon.conf and the on-call requests write them.
 */
#ifndef BEACON_CALENDAR_H
#define BEACON_CALENDAR_H

#include <stddef.h>

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

#endif
