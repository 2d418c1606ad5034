/* The injectable clock: every "now" in beacond comes from clock_now(). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"

static int64_t clock_fixed = -1;
static int64_t clock_offset;

int64_t
clock_now(void)
{
	struct timespec ts;

	if (clock_fixed >= 0)
		return clock_fixed + clock_offset;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + clock_offset;
}

void
clock_set(int64_t ms)
{
	clock_fixed = ms;
	clock_offset = 0;
}

void
clock_shift(int64_t ms)
{
	clock_offset += ms;
}

void
clock_save(struct clock_state *cs)
{
	cs->fixed = clock_fixed;
	cs->offset = clock_offset;
}

void
clock_restore(const struct clock_state *cs)
{
	clock_fixed = cs->fixed;
	clock_offset = cs->offset;
}

char *
clock_fmt(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	return buf;
}

int64_t
clock_parse(const char *s)
{
	struct tm tm;
	int ms = 0, n = 0;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	s += n;
	/* A fraction of a second: ".5" is 500 ms; digits past the third are
	 * below a millisecond and dropped. */
	if (*s == '.') {
		int scale = 100;

		if (!isdigit((unsigned char)s[1]))
			return -1;
		for (s++; isdigit((unsigned char)*s); s++, scale /= 10)
			ms += (*s - '0') * scale;
	}
	if (strcmp(s, "Z") != 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000 + ms;
}
