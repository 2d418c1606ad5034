/*
 * The board report's statistics. Everything here is arithmetic on facts
 * already read; the only outside input is the local time zone, which
 * decides the month and the hour an incident counts in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "duty.h"
#include "stats.h"
#include "xmalloc.h"

/* ---- durations ----------------------------------------------------------- */

void
stats_values_add(struct stats_values *sv, int64_t ms)
{
	if (sv->n == sv->size) {
		sv->size = sv->size == 0 ? 16 : sv->size * 2;
		sv->v = xreallocarray(sv->v, sv->size, sizeof *sv->v);
	}
	sv->v[sv->n++] = ms;
}

void
stats_values_free(struct stats_values *sv)
{
	free(sv->v);
	memset(sv, 0, sizeof *sv);
}

static int
stats_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest rank: ceil(pct * n / 100), at least 1 (stats.h). */
int64_t
stats_percentile(struct stats_values *sv, int pct)
{
	size_t rank;

	if (sv->n == 0)
		return -1;
	qsort(sv->v, sv->n, sizeof *sv->v, stats_cmp);
	rank = ((size_t)pct * sv->n + 99) / 100;
	if (rank < 1)
		rank = 1;
	if (rank > sv->n)
		rank = sv->n;
	return sv->v[rank - 1];
}

void
stats_summarize(struct stats_values *sv, struct stats_summary *out)
{
	out->n = sv->n;
	out->median = stats_percentile(sv, 50);
	out->p90 = stats_percentile(sv, 90);
}

/* ---- facts and local time ------------------------------------------------ */

void
stats_fact_init(struct stats_fact *f)
{
	memset(f, 0, sizeof *f);
	f->created = f->notified = f->ack = f->arrived = f->resolved = -1;
	f->top_step = -1;
	f->decline_at = -1;
}

static int
stats_local(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms / 1000);

	return localtime_r(&t, tm) == NULL ? -1 : 0;
}

int
stats_month(int64_t ms)
{
	struct tm tm;

	if (stats_local(ms, &tm) != 0)
		return 0;
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

char *
stats_month_name(int month, char *buf, size_t len)
{
	snprintf(buf, len, "%04d-%02d", month / 12, month % 12 + 1);
	return buf;
}

void
stats_fact_local(struct stats_fact *f)
{
	struct tm tm;

	if (stats_local(f->created, &tm) != 0)
		return;
	f->month = (tm.tm_year + 1900) * 12 + tm.tm_mon;
	f->hour = tm.tm_hour;
}

void
stats_fact_zone(struct stats_fact *f, const char *tz)
{
	struct duty_local l;

	if (tz == NULL || tz[0] == '\0' ||
	    duty_local(tz, f->created, &l) != 0) {
		stats_fact_local(f);
		return;
	}
	f->month = l.y * 12 + l.m - 1;
	f->hour = l.min / 60;
}

void
stats_fact_decline(struct stats_fact *f, int64_t ts, int step)
{
	f->decline_at = ts;
	f->decline_step = step;
}

void
stats_fact_escalated(struct stats_fact *f, int64_t ts, int step)
{
	if (f->decline_at >= 0 && ts == f->decline_at &&
	    step == f->decline_step + 1) {
		f->declined++;
		f->decline_at = -1;
		return;
	}
	f->escalations++;
	if (step > f->top_step)
		f->top_step = step;
}

int
stats_actions_overdue(const struct debrief *d, const char *today)
{
	size_t i;
	int n = 0;

	for (i = 0; i < d->nactions && i < DEBRIEF_LIST_MAX; i++)
		if (d->actions[i].status == AS_OPEN &&
		    d->actions[i].due[0] != '\0' &&
		    strcmp(d->actions[i].due, today) < 0)
			n++;
	return n;
}

/* ---- groups -------------------------------------------------------------- */

static struct stats_group *
stats_group(struct stats_groups *gs, const char *key)
{
	struct stats_group *g;
	size_t i;

	for (i = 0; i < gs->n; i++)
		if (strcmp(gs->g[i].key, key) == 0)
			return &gs->g[i];
	gs->g = xreallocarray(gs->g, gs->n + 1, sizeof *gs->g);
	g = &gs->g[gs->n++];
	memset(g, 0, sizeof *g);
	strlcpy_utf8(g->key, key, sizeof g->key);
	return g;
}

static int
stats_group_cmp(const void *a, const void *b)
{
	const struct stats_group *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->key, y->key);
}

static void
stats_groups_finish(struct stats_groups *gs)
{
	size_t i;

	for (i = 0; i < gs->n; i++) {
		stats_summarize(&gs->g[i].ack_v, &gs->g[i].ack);
		stats_summarize(&gs->g[i].scene_v, &gs->g[i].scene);
	}
	if (gs->n > 1)
		qsort(gs->g, gs->n, sizeof *gs->g, stats_group_cmp);
}

static void
stats_groups_free(struct stats_groups *gs)
{
	size_t i;

	for (i = 0; i < gs->n; i++) {
		stats_values_free(&gs->g[i].ack_v);
		stats_values_free(&gs->g[i].scene_v);
	}
	free(gs->g);
	memset(gs, 0, sizeof *gs);
}

/* ---- months -------------------------------------------------------------- */

/* Widen months[] so that it covers month, with zeros in between. */
static void
stats_months_cover(struct stats *s, int month)
{
	size_t lo, n;

	if (s->nmonths == 0) {
		s->months = xcalloc(1, sizeof *s->months);
		s->month_first = month;
		s->nmonths = 1;
		return;
	}
	if (month >= s->month_first && month < s->month_first +
	    (int)s->nmonths)
		return;
	lo = month < s->month_first ? (size_t)(s->month_first - month) : 0;
	n = month < s->month_first ? s->nmonths + lo :
	    (size_t)(month - s->month_first) + 1;
	s->months = xreallocarray(s->months, n, sizeof *s->months);
	memmove(s->months + lo, s->months, s->nmonths * sizeof *s->months);
	memset(s->months, 0, lo * sizeof *s->months);
	memset(s->months + lo + s->nmonths, 0,
	    (n - lo - s->nmonths) * sizeof *s->months);
	s->nmonths = n;
	s->month_first -= (int)lo;
}

/* ---- the whole ----------------------------------------------------------- */

void
stats_init(struct stats *s, int month_first, int month_last)
{
	memset(s, 0, sizeof *s);
	if (month_first >= 0)
		stats_months_cover(s, month_first);
	if (month_last >= 0)
		stats_months_cover(s, month_last);
}

/* Drills and false alarms are only counted, by themselves and under their
 * branch and category, so the board sees they happened. */
static int
stats_set_apart(struct stats *s, const struct stats_fact *f)
{
	struct stats_group *b, *c;

	if (!f->drill && !f->false_alarm && !f->test)
		return 0;
	if (f->test) {
		s->tests++;	/* not an incident at all */
		return 1;
	}
	b = stats_group(&s->branches, f->branch);
	c = stats_group(&s->categories, f->type);
	if (f->drill) {
		s->drills++;
		b->drills++;
		c->drills++;
	} else {
		s->false_alarms++;
		b->false_alarms++;
		c->false_alarms++;
	}
	return 1;
}

/* A response time from the report; clocks never make it negative. */
static void
stats_response(struct stats_values *all, struct stats_values *b,
    struct stats_values *c, const struct stats_fact *f, int64_t at)
{
	int64_t ms;

	if (at < 0)
		return;
	ms = at > f->created ? at - f->created : 0;
	stats_values_add(all, ms);
	if (b != NULL)
		stats_values_add(b, ms);
	if (c != NULL)
		stats_values_add(c, ms);
}

static void
stats_times(struct stats *s, const struct stats_fact *f)
{
	struct stats_group *b = stats_group(&s->branches, f->branch);
	struct stats_group *c = stats_group(&s->categories, f->type);

	b->n++;
	c->n++;
	stats_response(&s->notify_v, NULL, NULL, f, f->notified);
	stats_response(&s->ack_v, &b->ack_v, &c->ack_v, f, f->ack);
	stats_response(&s->scene_v, &b->scene_v, &c->scene_v, f, f->arrived);
	if (f->ack < 0)
		s->not_acked++;
}

static void
stats_escalation(struct stats *s, const struct stats_fact *f)
{
	if (f->escalations > 0) {
		s->escalated++;
		if (f->nsteps > 1 && f->top_step >= f->nsteps - 1)
			s->last_step++;
	}
	if (f->declined > 0)
		s->declined++;
	if (f->no_one > 0) {
		s->no_one++;
		s->no_one_events += f->no_one;
	}
}

static void
stats_debrief(struct stats *s, const struct stats_fact *f)
{
	struct stats_group *g;
	size_t i;

	s->debriefs[f->debrief >= 0 && f->debrief < SD_COUNT ? f->debrief :
	    SD_NONE]++;
	s->actions_open += f->open_actions;
	s->actions_overdue += f->overdue_actions;
	for (i = 0; i < f->nreferrals; i++) {
		g = stats_group(&s->referrals, f->referrals[i].type);
		g->n += f->referrals[i].count;
		s->referrals_total += f->referrals[i].count;
	}
}

void
stats_add(struct stats *s, const struct stats_fact *f)
{
	if (stats_set_apart(s, f))
		return;
	s->total++;
	if (f->open)
		s->open++;
	s->joined += f->joined > 0;
	s->related += f->related > 0;
	s->severity[f->severity >= 1 && f->severity <= STATS_SEVERITIES ?
	    f->severity : 0]++;
	if (f->hour >= 0 && f->hour < STATS_HOURS)
		s->hours[f->hour]++;
	stats_months_cover(s, f->month);
	s->months[f->month - s->month_first]++;
	stats_times(s, f);
	stats_escalation(s, f);
	stats_debrief(s, f);
}

void
stats_finish(struct stats *s)
{
	stats_summarize(&s->notify_v, &s->notify);
	stats_summarize(&s->ack_v, &s->ack);
	stats_summarize(&s->scene_v, &s->scene);
	stats_groups_finish(&s->branches);
	stats_groups_finish(&s->categories);
	stats_groups_finish(&s->referrals);
}

void
stats_free(struct stats *s)
{
	stats_values_free(&s->notify_v);
	stats_values_free(&s->ack_v);
	stats_values_free(&s->scene_v);
	stats_groups_free(&s->branches);
	stats_groups_free(&s->categories);
	stats_groups_free(&s->referrals);
	free(s->months);
	memset(s, 0, sizeof *s);
}
