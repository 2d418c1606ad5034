/*
 * The board report from the database (report_build.h): reads it as it
 * is (beacond may be writing it), turns each incident's timeline and
 * debrief into the facts stats.c counts, and hands them to html.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "beacon.h"
#include "conf.h"
#include "duty.h"
#include "html.h"
#include "i18n.h"
#include "log.h"
#include "msg.h"
#include "report_build.h"
#include "stats.h"
#include "store.h"

struct report_run {
	struct store *s;
	const struct config *cf;	/* names and labels; NULL: ids */
	struct stats *st;
	int64_t now;
	const char *lang;	/* the categories' labels in it */
};

/* Reading one incident's debrief: its fact and the day it is now (in the
 * branch's zone, YYYY-MM-DD), for actions past their due date. */
struct report_debrief_run {
	struct stats_fact *f;
	char today[DATE_MAX + 1];
};

/* ---- facts from the timeline --------------------------------------------- */

static void
report_first(int64_t *at, const struct event *ev)
{
	if (*at < 0)
		*at = ev->ts;
}

/* Debrief notices are "notified" events too, with step -1. */
static void
ev_notified(struct stats_fact *f, const struct event *ev)
{
	if (ev->step >= 0)
		report_first(&f->notified, ev);
}

static void
ev_ack(struct stats_fact *f, const struct event *ev)
{
	report_first(&f->ack, ev);
}

static void
ev_arrived(struct stats_fact *f, const struct event *ev)
{
	report_first(&f->arrived, ev);
}

static void
ev_resolve(struct stats_fact *f, const struct event *ev)
{
	report_first(&f->resolved, ev);
}

static void
ev_decline(struct stats_fact *f, const struct event *ev)
{
	stats_fact_decline(f, ev->ts, ev->step);
}

static void
ev_escalated(struct stats_fact *f, const struct event *ev)
{
	stats_fact_escalated(f, ev->ts, ev->step);
}

/* Step -1: nobody to send a debrief notice to, not a response gap. */
static void
ev_no_one(struct stats_fact *f, const struct event *ev)
{
	if (ev->step >= 0)
		f->no_one++;
}

static void
ev_false_alarm(struct stats_fact *f, const struct event *ev)
{
	(void)ev;
	f->false_alarm = 1;
}

static void
ev_test(struct stats_fact *f, const struct event *ev)
{
	(void)ev;
	f->test = 1;
}

static const struct {
	const char *kind;
	void (*fn)(struct stats_fact *, const struct event *);
} report_kinds[] = {
	{ "notified", ev_notified },
	{ "ack", ev_ack },
	{ "arrived", ev_arrived },
	{ "resolve", ev_resolve },
	{ "decline", ev_decline },
	{ "escalated", ev_escalated },
	{ "no_one_available", ev_no_one },
	{ "cancelled", ev_false_alarm },
	{ "false_alarm", ev_false_alarm },
	{ "test", ev_test },
};

static int
report_event(const struct event *ev, void *arg)
{
	size_t i;

	for (i = 0; i < sizeof report_kinds / sizeof report_kinds[0]; i++) {
		if (strcmp(ev->kind, report_kinds[i].kind) == 0) {
			report_kinds[i].fn(arg, ev);
			break;
		}
	}
	return 0;
}

/* ---- facts from the debrief ---------------------------------------------- */

static int
report_revision(const struct debrief_row *row, void *arg)
{
	struct report_debrief_run *dr = arg;
	struct stats_fact *f = dr->f;
	struct debrief d;
	char err[256];
	size_t i;

	f->debrief = SD_RECORDED;
	f->open_actions = row->open_actions;
	if (msg_debrief_decode(row->json, strlen(row->json), &d, err,
	    sizeof err) != MSG_OK) {
		log_warnx("board report: incident %lld: debrief revision "
		    "%d: %s", (long long)row->incident, row->revision, err);
		return 0;
	}
	if (d.wb == WB_HELD)
		f->debrief = SD_HELD;
	f->open_actions = debrief_open_actions(&d);
	f->overdue_actions = stats_actions_overdue(&d, dr->today);
	for (i = 0; i < d.nreferrals && i < DEBRIEF_LIST_MAX; i++)
		f->referrals[i] = d.referrals[i];
	f->nreferrals = i;
	return 0;
}

static const char *
report_zone(const struct report_run *r, const struct incident *inc)
{
	const struct conf_branch *b;

	if (r->cf == NULL || (b = conf_branch(r->cf, inc->branch)) == NULL)
		return NULL;
	return b->timezone;
}

/* Today at the incident's branch (the local zone without one). */
static void
report_today(const struct report_run *r, const struct incident *inc,
    char *buf, size_t len)
{
	const char *tz = report_zone(r, inc);
	struct duty_local l;
	struct tm tm;
	time_t t = (time_t)(r->now / 1000);

	if (tz != NULL && duty_local(tz, r->now, &l) == 0)
		snprintf(buf, len, "%04d-%02d-%02d", l.y, l.m, l.d);
	else if (localtime_r(&t, &tm) != NULL)
		strftime(buf, len, "%Y-%m-%d", &tm);
}

/* The latest revision decides; without one, the lifecycle row says
 * whether the debrief is still due or overdue. Past its due time counts
 * as overdue even if beacond was down when the notice should have gone. */
static int
report_debrief(struct report_run *r, const struct incident *inc,
    struct stats_fact *f)
{
	struct report_debrief_run dr = { f, "" };
	struct debrief_due due;
	int64_t id = inc->id;
	int found;

	report_today(r, inc, dr.today, sizeof dr.today);
	f->debrief = SD_NONE;
	if (store_debriefs(r->s, id, 1, report_revision, &dr) != 0)
		return -1;
	if (f->debrief != SD_NONE)
		return 0;
	if ((found = store_debrief_due_get(r->s, id, &due)) < 0)
		return -1;
	if (found == 0)
		return 0;
	if (due.stage == DEBRIEF_OVERDUE || due.due_at <= r->now)
		f->debrief = SD_OVERDUE;
	else
		f->debrief = SD_PENDING;
	return 0;
}

/* ---- incidents ----------------------------------------------------------- */

/* A board reads "Central Library" and "Suspected overdose", not ids. */
static void
report_names(const struct report_run *r, const struct incident *inc,
    struct stats_fact *f)
{
	const struct conf_branch *b = NULL;
	const struct conf_category *c = NULL;

	if (r->cf != NULL) {
		b = conf_branch(r->cf, inc->branch);
		c = conf_category(r->cf, inc->r.type);
	}
	strlcpy_utf8(f->branch, b ? b->name : inc->branch, sizeof f->branch);
	strlcpy_utf8(f->type, c ? conf_category_label(c, r->lang) :
	    inc->r.type, sizeof f->type);
}

static void
report_fact(const struct report_run *r, const struct incident *inc,
    struct stats_fact *f)
{
	stats_fact_init(f);
	report_names(r, inc, f);
	f->severity = inc->r.severity;
	f->created = inc->created;
	f->drill = inc->r.drill;
	f->open = state_open(inc->state);
	f->joined = inc->presses > 1 ? inc->presses - 1 : 0;
	f->related = inc->nrelated;
	f->nsteps = inc->nsteps;
	stats_fact_zone(f, report_zone(r, inc));
}

static int
report_incident(const struct incident *inc, void *arg)
{
	struct report_run *r = arg;
	struct stats_fact f;

	report_fact(r, inc, &f);
	if (store_timeline(r->s, inc->id, report_event, &f) != 0)
		return -1;
	/* What is set apart is only counted: no need for its debrief. */
	if (!f.drill && !f.false_alarm && report_debrief(r, inc, &f) != 0)
		return -1;
	stats_add(r->st, &f);
	return 0;
}

const char *
report_build_lang(const struct config *cf, const struct report_ask *a)
{
	const char *lang = a->lang;
	char why[512];

	if (lang == NULL && a->branch != NULL && cf != NULL)
		lang = conf_branch_lang(cf, a->branch);
	if (lang == NULL || i18n_check(lang, why, sizeof why) != 0)
		return "en";
	return lang;
}

int
report_build_read(struct store *s, const struct config *cf,
    const struct report_ask *a, struct stats *st)
{
	struct report_run r = { s, cf, st, a->now, report_build_lang(cf, a) };
	struct incident_filter f;
	int last;

	store_filter_init(&f);
	f.since = a->since;
	f.until = a->until;
	f.branch = a->branch;
	/* The months asked for are shown whole, even those without any. */
	last = stats_month(a->until > 0 ? a->until - 1 : a->now);
	stats_init(st, a->since > 0 ? stats_month(a->since) : -1, last);
	if (store_incidents_filter(s, &f, report_incident, &r) != 0)
		return -1;
	stats_finish(st);
	return 0;
}

int
report_build_write(FILE *fp, const struct config *cf,
    const struct report_ask *a, const struct stats *st)
{
	struct report_meta m = { a->since, a->until, a->branch, a->now,
		cf != NULL, report_build_lang(cf, a) };

	html_report(fp, st, &m);
	return fflush(fp) != 0 || ferror(fp) ? -1 : 0;
}

int
report_build(struct store *s, const struct config *cf,
    const struct report_ask *a, FILE *fp)
{
	struct stats st;
	int rc;

	memset(&st, 0, sizeof st);
	rc = report_build_read(s, cf, a, &st);
	if (rc == 0)
		rc = report_build_write(fp, cf, a, &st);
	stats_free(&st);
	return rc;
}
