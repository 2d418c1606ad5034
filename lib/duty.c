/*
 * Who is on duty, and whether a branch is open: shifts, opening hours,
 * closures, holidays and run-time overrides. Local times come from the
 * branch's zone file, read by zone.c, so daylight saving is the zone
 * file's business and no conversion sets TZ: the environment is never
 * written while the store's checkpointer thread runs.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "conf.h"
#include "duty.h"
#include "xmalloc.h"
#include "zone.h"

/* ---- the overrides ------------------------------------------------------ */

struct duty *
duty_new(void)
{
	return xcalloc(1, sizeof(struct duty));
}

void
duty_free(struct duty *d)
{
	if (d == NULL)
		return;
	free(d->v);
	free(d);
}

void
duty_add(struct duty *d, const struct duty_override *ov)
{
	d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
	d->v[d->n++] = *ov;
}

size_t
duty_remove(struct duty *d, const char *responder, const char *branch)
{
	size_t i, j, n = 0;

	for (i = j = 0; i < d->n; i++) {
		if (strcmp(d->v[i].responder, responder) == 0 &&
		    (branch == NULL || strcmp(d->v[i].branch, branch) == 0)) {
			n++;
			continue;
		}
		d->v[j++] = d->v[i];
	}
	d->n = j;
	return n;
}

void
duty_expire(struct duty *d, int64_t now)
{
	size_t i, j;

	for (i = j = 0; i < d->n; i++)
		if (d->v[i].until > now)
			d->v[j++] = d->v[i];
	d->n = j;
}

/* ---- local time --------------------------------------------------------- */

int
duty_local(const char *tz, int64_t ms, struct duty_local *out)
{
	int64_t t = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	int64_t local = t + zone_offset(tz, t);
	int64_t day = (local >= 0 ? local : local - 86399) / 86400;
	int y, m, d;

	calendar_civil(day, &out->y, &out->m, &out->d);
	out->wday = calendar_weekday(day);
	out->min = (int)(local - day * 86400) / 60;
	out->ymd = out->y * 10000 + out->m * 100 + out->d;
	calendar_civil(day - 1, &y, &m, &d);
	out->prev_ymd = y * 10000 + m * 100 + d;
	return 0;
}

int64_t
duty_instant(const char *tz, int y, int m, int d, int hh, int mm)
{
	int64_t local = calendar_days(y, m, d) * 86400 + hh * 3600 + mm * 60;

	return zone_instant(tz, local) * 1000;
}

/* RFC 3339 with Z or an offset: seconds optional, fraction ignored. */
static int
duty_rfc3339(const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, sec = 0, n = 0, oh, om;
	const char *p;
	int64_t days;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5
	    || n != 16)
		return -1;
	p = s + n;
	if (*p == ':') {
		if (!calendar_digits(p + 1, 2))
			return -1;
		sec = atoi(p + 1);
		p += 3;
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > calendar_mdays(y, mo) || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	days = calendar_days(y, mo, d);
	*ms = ((days * 86400) + h * 3600 + mi * 60 + sec) * 1000;
	if (strcmp(p, "Z") == 0)
		return 0;
	if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' &&
	    calendar_digits(p + 1, 2) && calendar_digits(p + 4, 2)) {
		oh = atoi(p + 1);
		om = atoi(p + 4);
		*ms -= (int64_t)(*p == '+' ? 1 : -1) * (oh * 60 + om) * 60000;
		return 0;
	}
	return -1;
}

int
duty_resolve(const char *tz, int64_t now, const char *text, int64_t *ms)
{
	struct duty_local lt;
	int min, ymd;
	char date[11];

	if (calendar_parse_hhmm(text, &min) == 0) {
		if (duty_local(tz, now, &lt) != 0)
			return -1;
		*ms = duty_instant(tz, lt.y, lt.m, lt.d, min / 60, min % 60);
		return 0;
	}
	if (strlen(text) == 16 && (text[10] == 'T' || text[10] == ' ')) {
		memcpy(date, text, 10);
		date[10] = '\0';
		if (calendar_parse_date(date, &ymd) != 0 ||
		    calendar_parse_hhmm(text + 11, &min) != 0 || min == CALENDAR_DAY_MIN)
			return -1;
		*ms = duty_instant(tz, ymd / 10000, ymd / 100 % 100, ymd % 100,
		    min / 60, min % 60);
		return 0;
	}
	return duty_rfc3339(text, ms);
}

/* ---- questions ---------------------------------------------------------- */

int
duty_closed_day(const struct conf_branch *b, int ymd)
{
	size_t i;

	for (i = 0; i < b->nholidays; i++)
		if (b->holiday_ymd != NULL && b->holiday_ymd[i] == ymd)
			return 1;
	for (i = 0; i < b->nclosures; i++)
		if (ymd >= b->closures[i].from_ymd &&
		    ymd <= b->closures[i].until_ymd)
			return 1;
	return 0;
}

/*
 * Whether local time lt falls in window w. A window that crosses midnight
 * belongs to the day it starts on; with a branch, a day the branch is
 * closed has no window.
 */
static int
duty_in_window(const struct conf_window *w, const struct duty_local *lt,
    const struct conf_branch *b)
{
	int yday = (lt->wday + 6) % 7;

	if (w->from_min < w->until_min)
		return (w->dmask & (1 << lt->wday)) && lt->min >= w->from_min &&
		    lt->min < w->until_min && !(b && duty_closed_day(b,
		    lt->ymd));
	/* Crosses midnight: the evening of today or the morning after
	 * yesterday. */
	if ((w->dmask & (1 << lt->wday)) && lt->min >= w->from_min &&
	    !(b && duty_closed_day(b, lt->ymd)))
		return 1;
	return (w->dmask & (1 << yday)) && lt->min < w->until_min &&
	    !(b && duty_closed_day(b, lt->prev_ymd));
}

int
duty_open(const struct conf_branch *b, int64_t now)
{
	struct duty_local lt;
	size_t i;

	if (b->nhours == 0 && b->nholidays == 0 && b->nclosures == 0)
		return 1;
	if (duty_local(b->timezone, now, &lt) != 0)
		return 1;
	if (b->nhours == 0)
		return !duty_closed_day(b, lt.ymd);
	for (i = 0; i < b->nhours; i++)
		if (duty_in_window(&b->hours[i], &lt, b))
			return 1;
	return 0;
}

const struct duty_override *
duty_override_at(const struct duty *d, const char *responder,
    const char *branch, int64_t now)
{
	const struct duty_override *best = NULL;
	size_t i;

	for (i = 0; d != NULL && i < d->n; i++) {
		const struct duty_override *ov = &d->v[i];

		if (strcmp(ov->responder, responder) != 0 ||
		    strcmp(ov->branch, branch) != 0 || now < ov->from ||
		    now >= ov->until)
			continue;
		if (best == NULL || ov->id > best->id)
			best = ov;
	}
	return best;
}

int
duty_on(const struct config *cf, const struct duty *d,
    const struct conf_responder *rp, const char *branch, int64_t now)
{
	const struct duty_override *ov;
	const struct conf_branch *b;
	struct duty_local lt;
	size_t i;

	if ((ov = duty_override_at(d, rp->id, branch, now)) != NULL)
		return ov->on;
	if (rp->nshifts == 0)
		return 1;
	if ((b = conf_branch(cf, branch)) == NULL ||
	    duty_local(b->timezone, now, &lt) != 0)
		return 0;
	for (i = 0; i < rp->nshifts; i++) {
		const struct conf_window *w = &rp->shifts[i];

		if (w->branch != NULL && strcmp(w->branch, branch) != 0)
			continue;
		if (duty_in_window(w, &lt, b))
			return 1;
	}
	return 0;
}

const struct conf_policy *
duty_policy(const struct config *cf, const struct conf_category *cat,
    const char *branch, int64_t now, int *after)
{
	const struct conf_branch *b = conf_branch(cf, branch);

	*after = 0;
	if (cat->after_pol == NULL || b == NULL || duty_open(b, now))
		return cat->pol;
	*after = 1;
	return cat->after_pol;
}
