/*
 * The calendar's written forms, as beacon.conf and the on-call requests
 * write them: "HH:MM", day names and "YYYY-MM-DD" dates. Pure functions,
 * shared by the configuration's checks and the duty questions.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

int
calendar_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int
calendar_parse_hhmm(const char *s, int *min)
{
	int h, m;

	if (strlen(s) != 5 || !calendar_digits(s, 2) || s[2] != ':' ||
	    !calendar_digits(s + 3, 2))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*min = h * 60 + m;
	return 0;
}

static const struct {
	const char *name;
	int mask;
} calendar_names[] = {
	{ "sun", 1 << 0 }, { "mon", 1 << 1 }, { "tue", 1 << 2 },
	{ "wed", 1 << 3 }, { "thu", 1 << 4 }, { "fri", 1 << 5 },
	{ "sat", 1 << 6 }, { "daily", 0x7f }, { "weekdays", 0x3e },
	{ "weekends", 0x41 },
};

int
calendar_parse_days(char *const *days, size_t n, int *mask, const char **bad)
{
	size_t i, j;

	*mask = 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < sizeof calendar_names / sizeof *calendar_names;
		    j++)
			if (strcmp(days[i], calendar_names[j].name) == 0)
				break;
		if (j == sizeof calendar_names / sizeof *calendar_names) {
			*bad = days[i];
			return -1;
		}
		*mask |= calendar_names[j].mask;
	}
	return 0;
}

int
calendar_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
calendar_mdays(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	return m == 2 && calendar_leap(y) ? 29 : md[m - 1];
}

int
calendar_parse_date(const char *s, int *ymd)
{
	int y, m, d;

	if (strlen(s) != 10 || !calendar_digits(s, 4) || s[4] != '-' ||
	    !calendar_digits(s + 5, 2) || s[7] != '-' ||
	    !calendar_digits(s + 8, 2))
		return -1;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > calendar_mdays(y, m))
		return -1;
	*ymd = y * 10000 + m * 100 + d;
	return 0;
}

/* Howard Hinnant's days_from_civil and civil_from_days. */
int64_t
calendar_days(int y, int m, int d)
{
	int yy = m <= 2 ? y - 1 : y;
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	int yoe = yy - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (int64_t)era * 146097 + doe - 719468;
}

void
calendar_civil(int64_t days, int *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = (int)(z - era * 146097);
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400) + (*m <= 2);
}

int
calendar_weekday(int64_t days)
{
	return (int)(((days + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
}
