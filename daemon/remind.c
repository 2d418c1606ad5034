/*
 * Reminders when an acknowledgment is not followed by arrival, and then
 * the next step notified. Read from the timeline like the rest of the
 * feedback (feedback.c), so a restart rebuilds the reminder timers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* When the next reminder or escalation of a taken incident is due. */
static int64_t
remind_due(struct engine *e, const struct feedback *f)
{
	int64_t on = (int64_t)e->cf->remind_on_scene * 1000;
	int64_t esc = (int64_t)e->cf->remind_escalate * 1000, due = -1;

	if (f->taken_at <= 0 || f->forgotten)
		return -1;
	if (on > 0 && !f->reminded)
		due = f->taken_at + on;
	if (esc > 0 && (due < 0 || f->taken_at + esc < due))
		due = f->taken_at + esc;
	return due;
}

void
remind_arm(struct engine *e, int64_t incident, const struct feedback *f)
{
	int64_t due = remind_due(e, f);

	if (e->sched == NULL)
		return;
	if (due >= 0)
		timers_at(e->sched, e->remind_timer, incident, due);
	else
		timers_cancel(e->sched, e->remind_timer, incident);
}

void
remind_cancel(struct engine *e, const struct incident *inc)
{
	if (e->sched != NULL)
		timers_cancel(e->sched, e->remind_timer, inc->id);
}

/* Remind those who took the incident that they are not on scene yet. */
static void
remind_send(struct engine *e, struct incident *inc,
    const struct feedback *f, int64_t now)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	const char *label, *lang;
	char msg[DETAIL_MAX + 1], what[DETAIL_MAX + 1];
	size_t i;
	int mins = (int)((now - f->taken_at) / 60000);

	for (i = 0; i < f->nackers; i++) {
		struct notice nt = { inc, "reminder", NULL, NULL, NULL, NULL,
			NULL, msg, now, NULL };

		lang = conf_responder_lang(e->cf, f->ackers[i], inc->branch);
		label = cat != NULL ? conf_category_label(cat, lang) :
		    inc->r.type;
		if (inc->r.location[0] != '\0')
			snprintf(what, sizeof what, T_(lang, "%s, at %s"),
			    label, inc->r.location);
		else
			snprintf(what, sizeof what, "%s", label);
		snprintf(msg, sizeof msg, T_(lang, "%sreminder: incident %lld "
		    "(%s) was acknowledged %d min ago and nobody is on scene "
		    "yet: say arrived when you get there, or decline so that "
		    "someone else is sent"), engine_drill(inc, lang),
		    (long long)inc->id, what, mins);
		nt.label = label;
		nt.lang = lang;

		incident_event(e, inc, now, "reminder", f->ackers[i], inc->step,
		    "acknowledged %d min ago, not on scene", mins);
		turn_notice(e, inc->id, f->ackers[i],
		    msg_notice_encode(&nt), now);
	}
	log_info("incident=%lld event=reminder told=%zu", (long long)inc->id,
	    f->nackers);
}

/* The reporter's sentence when those who took the incident are not on
 * scene: the next step notified (n reached, fresh of them new), or
 * nobody else. */
static void
remind_forgotten_text(const struct incident *inc, int mins, size_t n,
    size_t fresh, const char *lang, char *text, size_t len)
{
	const char *call = reporter_call_911(inc, lang);

	if (fresh > 0)
		snprintf(text, len, TN_(lang, "acknowledged %d min ago, nobody "
		    "on scene yet: step %d notified, %zu more responder%s",
		    "acknowledged %d min ago, nobody on scene yet: step %d "
		    "notified, %zu more responders%s", fresh), mins,
		    inc->step + 1, fresh, call);
	else if (n > 0)
		snprintf(text, len, TN_(lang, "acknowledged %d min ago, nobody "
		    "on scene yet: step %d notified, %zu responder again%s",
		    "acknowledged %d min ago, nobody on scene yet: step %d "
		    "notified, %zu responders again%s", n), mins,
		    inc->step + 1, n, call);
	else
		snprintf(text, len, T_(lang, "acknowledged %d min ago, nobody on "
		    "scene yet and no one else available: call the person in "
		    "charge%s"), mins, call);
}

/* Still not on scene: notify the next step, and tell the reporter. */
static void
remind_forgotten(struct engine *e, struct incident *inc,
    const struct feedback *f, int64_t now)
{
	const struct conf_policy *pol = policy_get(e, inc);
	char who[DETAIL_MAX + 1], empty[256], text[DETAIL_MAX + 1];
	int mins = (int)((now - f->taken_at) / 60000), before = inc->notified;
	size_t n = 0, fresh;

	feedback_who(e, (char (*)[ID_MAX + 1])f->ackers, f->nackers, who,
	    sizeof who);
	empty[0] = '\0';
	if (pol != NULL && (size_t)inc->step + 1 < pol->nsteps) {
		incident_event(e, inc, now, "forgotten", NULL, inc->step + 1,
		    "acknowledged by %s %d min ago, nobody on scene: "
		    "notifying step %d", who, mins, inc->step + 2);
		n = escalate_route(e, inc, inc->step + 1, now, empty,
		    sizeof empty);
		inc->due_at = -1;
	} else
		incident_event(e, inc, now, "forgotten", NULL, inc->step,
		    "acknowledged by %s %d min ago, nobody on scene: no "
		    "further step", who, mins);
	fresh = (size_t)(inc->notified - before);
	remind_forgotten_text(inc, mins, n, fresh, REPORTER_LANG(e, inc), text,
	    sizeof text);
	log_info("incident=%lld event=forgotten notified=%zu",
	    (long long)inc->id, n);
	incident_save(e, inc, now);
	reporter_announce(e, inc, NULL, text);
}

static void
remind_fire(struct engine *e, int64_t id, int64_t now)
{
	struct incident inc;
	struct feedback *f;
	int64_t esc = (int64_t)e->cf->remind_escalate * 1000;
	int64_t on = (int64_t)e->cf->remind_on_scene * 1000;

	memset(&inc, 0, sizeof inc);
	if (store_incident_get(e->st, id, &inc) != 1 ||
	    inc.state != ST_ACKNOWLEDGED)
		return;
	f = xmalloc(sizeof *f);
	if (feedback_scan(e, &inc, f) != 0 || f->taken_at <= 0) {
		free(f);
		return;
	}
	if (esc > 0 && !f->forgotten && now >= f->taken_at + esc) {
		remind_forgotten(e, &inc, f, now);
		f->forgotten = 1;
	} else if (on > 0 && !f->reminded && now >= f->taken_at + on) {
		remind_send(e, &inc, f, now);
		f->reminded = 1;
	}
	remind_arm(e, id, f);
	free(f);
}

struct fb_ids {
	int64_t *id;
	size_t n, cap;
};

static int
remind_collect(const struct incident *inc, void *arg)
{
	struct fb_ids *ids = arg;

	if (inc->state != ST_ACKNOWLEDGED)
		return 0;
	if (ids->n == ids->cap) {
		ids->cap = ids->cap ? ids->cap * 2 : 16;
		ids->id = xreallocarray(ids->id, ids->cap, sizeof *ids->id);
	}
	ids->id[ids->n++] = inc->id;
	return 0;
}

/* Start-up: the reminder timers of the taken incidents. */
int
remind_restore(struct engine *e)
{
	struct fb_ids ids = { NULL, 0, 0 };
	struct feedback *f;
	struct incident inc;
	size_t i;
	int rc;

	if (e->cf->remind_on_scene <= 0 && e->cf->remind_escalate <= 0)
		return 0;
	rc = store_incidents(e->st, STORE_OPEN_ONLY, NULL, remind_collect,
	    &ids);
	f = xmalloc(sizeof *f);
	for (i = 0; rc == 0 && i < ids.n; i++) {
		memset(&inc, 0, sizeof inc);
		if ((rc = store_incident_get(e->st, ids.id[i], &inc)) != 1)
			break;
		if ((rc = feedback_scan(e, &inc, f)) == 0)
			remind_arm(e, ids.id[i], f);
	}
	if (rc == 1)
		rc = 0;
	free(f);
	free(ids.id);
	return rc;
}

static void
remind_timer(int64_t id, int64_t due, void *arg)
{
	struct engine *e = arg;

	turn_deadline(e, e->remind_timer, id, due);
	remind_fire(e, id, clock_now());
}

void
remind_timers(struct engine *e)
{
	e->remind_timer = timers_handler(e->sched, "remind", remind_timer, e);
}
