/*
 * Routing and escalation: notify a policy step's responders, go on to the
 * next step while one reaches nobody, repeat a step, and escalate when its
 * deadline passes without an acknowledgment.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

void
escalate_notify_one(struct engine *e, struct incident *inc,
    const struct conf_responder *rp, const char *role, int step, int repeat,
    int64_t now)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	const char *lang = conf_responder_lang(e->cf, rp->id, inc->branch);
	struct notify n = { inc, cat ? conf_category_label(cat, lang) :
		inc->r.type, role, step, repeat, now, NULL, NULL, lang };

	turn_notice_recipe(e, inc->id, rp->id, msg_notify_encode(&n),
	    msg_notify_recipe(&n), now);
}

/* Join role labels into buf: "crisis worker, security". */
static const char *
escalate_roles_text(struct engine *e, const struct route *rt, char *buf,
    size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < rt->nempty && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
		    engine_role_label(e->cf, rt->empty[i]));
	return buf;
}

/* The responders a step passed over because they were off duty (duty.h),
 * on the timeline: why they were not notified. */
static void
escalate_off_duty(struct engine *e, struct incident *inc,
    const struct route *rt, int step, int64_t now)
{
	char who[DETAIL_MAX + 1];
	size_t i, off = 0;

	who[0] = '\0';
	for (i = 0; i < rt->noff && off < sizeof who; i++)
		off += snprintf(who + off, sizeof who - off, "%s%s", i ? ", " :
		    "", rt->off[i]->id);
	incident_event(e, inc, now, "off_duty", NULL, step, "off duty: %s",
	    who);
}

/* Notify step `step`; returns how many responders it reached. Roles with
 * nobody are appended to `empty`. */
size_t
escalate_fire(struct engine *e, struct incident *inc, int step, int64_t now,
    char *empty, size_t emptylen)
{
	const struct conf_policy *pol = policy_get(e, inc);
	struct route rt;
	char roles[256];
	size_t i, skipped = 0;

	if (pol == NULL || rules_route_at(e->cf, pol, inc->branch,
	    inc->r.severity, step, e->duty, now, &rt) != 0)
		return 0;
	for (i = 0; i < rt.n; i++) {
		if (alarms_drill_skipped(e, inc, rt.who[i]->id, rt.role[i],
		    step, now)) {
			skipped++;
			continue;
		}
		if (store_was_notified(e->st, inc->id, rt.who[i]->id) == 0)
			inc->notified++;
		incident_event(e, inc, now, "notified", rt.who[i]->id, step,
		    "role=%s", rt.role[i]);
		escalate_notify_one(e, inc, rt.who[i], rt.role[i], step, 0,
		    now);
		log_info("incident=%lld event=notified step=%d responder=%s",
		    (long long)inc->id, step + 1, rt.who[i]->id);
	}
	if (rt.noff > 0)
		escalate_off_duty(e, inc, &rt, step, now);
	if (rt.nempty > 0) {
		escalate_roles_text(e, &rt, roles, sizeof roles);
		incident_event(e, inc, now, "no_one_available", NULL, step,
		    "no one available: %s", roles);
		log_info("incident=%lld event=no_one_available step=%d "
		    "roles=\"%s\"", (long long)inc->id, step + 1, roles);
		if (empty[0] != '\0')
			strncat(empty, ", ", emptylen - strlen(empty) - 1);
		strncat(empty, roles, emptylen - strlen(empty) - 1);
	}
	inc->step = step;
	inc->step_at = now;
	return rt.n - skipped;
}

/* Fire `step`, and the steps after it at once while a step reaches
 * nobody. Sets the next deadline. Returns the responders reached. */
size_t
escalate_route(struct engine *e, struct incident *inc, int step, int64_t now,
    char *empty, size_t emptylen)
{
	const struct conf_policy *pol = policy_get(e, inc);
	size_t n = 0;

	empty[0] = '\0';
	inc->due_at = -1;
	if (pol == NULL)
		return 0;
	for (; (size_t)step < pol->nsteps; step++)
		if ((n = escalate_fire(e, inc, step, now, empty, emptylen)) > 0)
			break;
	feedback_next(e, inc, pol, now);
	if (inc->state == ST_RECEIVED)
		inc->state = ST_ROUTED;
	return n;
}

/* "2 more responders notified": `fresh` counts those notified for the
 * first time (each counts once in `notified`); a step that reached only
 * people notified before says "1 responder notified again". */
static void
escalate_more_text(size_t reached, size_t fresh, const char *lang, char *buf,
    size_t len)
{
	if (fresh > 0)
		snprintf(buf, len, TN_(lang, "%zu more responder notified",
		    "%zu more responders notified", fresh), fresh);
	else
		snprintf(buf, len, TN_(lang, "%zu responder notified again",
		    "%zu responders notified again", reached), reached);
}

/* The reporter's sentence after a routing step, in lang (English for
 * the timeline); empty: the English labels of the roles with nobody. */
static void
escalate_routed_text(const struct engine *e, const struct incident *inc,
    size_t reached, size_t fresh, int first, const char *empty,
    const char *lang, char *buf, size_t len)
{
	const char *call = reporter_call_911(inc, lang);
	char more[128], none[320], labels[256];
	int off;

	escalate_more_text(reached, fresh, lang, more, sizeof more);
	none[0] = '\0';
	if (empty[0] != '\0') {
		engine_labels_in(e->cf, empty, lang, labels, sizeof labels);
		snprintf(none, sizeof none, T_(lang, "; no one available: %s"),
		    labels);
	}
	if (inc->notified == 0)
		off = snprintf(buf, len, "%s", T_(lang, "no one available: "
		    "call the person in charge"));
	else if (first)
		off = snprintf(buf, len, TN_(lang, "routed: %d responder "
		    "notified", "routed: %d responders notified",
		    (unsigned long)inc->notified), inc->notified);
	else if (reached > 0 && inc->state >= ST_ACKNOWLEDGED)
		off = snprintf(buf, len, T_(lang, "a required role has not "
		    "acknowledged yet: escalated to step %d, %s"),
		    inc->step + 1, more);
	else if (reached > 0)
		off = snprintf(buf, len, T_(lang, "no acknowledgment yet: "
		    "escalated to step %d, %s"), inc->step + 1, more);
	else
		off = snprintf(buf, len, "%s", T_(lang, "no acknowledgment yet "
		    "and no one else available: call the person in charge"));
	if (off >= 0 && (size_t)off < len)
		snprintf(buf + off, len - (size_t)off, "%s%s", call,
		    inc->notified > 0 && reached + (first ? 1 : 0) > 0 ?
		    none : "");
}

void
escalate_step(struct engine *e, struct incident *inc, int step, int64_t now)
{
	const char *lang = REPORTER_LANG(e, inc);
	char empty[256], text[DETAIL_MAX + 1];
	int before = inc->notified;
	size_t n, fresh;

	n = escalate_route(e, inc, step, now, empty, sizeof empty);
	fresh = (size_t)(inc->notified - before);
	if (step > 0) {
		escalate_routed_text(e, inc, n, fresh, 0, empty, "en", text,
		    sizeof text);
		incident_event(e, inc, now, "escalated", NULL, inc->step, "%s",
		    text);
	}
	escalate_routed_text(e, inc, n, fresh, step == 0, empty, lang, text,
	    sizeof text);
	incident_save(e, inc, now);
	reporter_announce(e, inc, NULL, text);
}

static void
escalate_repeat(struct engine *e, struct incident *inc, int64_t now)
{
	const struct conf_policy *pol = policy_get(e, inc);
	struct route rt;
	int n;
	size_t i, sent = 0;

	if (pol == NULL || rules_route_at(e->cf, pol, inc->branch,
	    inc->r.severity, inc->step, e->duty, now, &rt) != 0)
		return;
	for (i = 0; i < rt.n; i++)
		if ((!inc->r.drill || !alarms_drill_skips(e->cf, rt.role[i])) &&
		    feedback_repeat(e, inc, &rt, i, &n)) {
			escalate_notify_one(e, inc, rt.who[i], rt.role[i],
			    inc->step, n, now);
			sent++;
		}
	if (sent > 0)
		incident_event(e, inc, now, "repeated", NULL, inc->step,
		    "no acknowledgment: step %d repeated to %zu responder%s",
		    inc->step + 1, sent, sent == 1 ? "" : "s");
	feedback_next(e, inc, pol, now);
	incident_save(e, inc, now);
}

static void
escalate_due(struct engine *e, int64_t id, int64_t due)
{
	struct incident inc;
	int64_t now = clock_now();

	memset(&inc, 0, sizeof inc);
	if (store_incident_get(e->st, id, &inc) != 1 ||
	    !state_open(inc.state) || inc.due_at < 0 ||
	    (inc.state >= ST_ACKNOWLEDGED && !feedback_awaiting(e, &inc)))
		return;
	/* Deadlines missed while beacond was down fire late, never not. */
	if (now - due > 1000) {
		log_info("incident=%lld event=late step=%d late_ms=%lld",
		    (long long)id, inc.due_step + 1, (long long)(now - due));
		incident_event(e, &inc, now, "late", NULL, inc.due_step,
		    "step %d fires %.1f s after its deadline", inc.due_step + 1,
		    (double)(now - due) / 1000);
	}
	if (inc.due_step == inc.step)
		escalate_repeat(e, &inc, now);
	else
		escalate_step(e, &inc, inc.due_step, now);
}

/* The incident's next deadline, while it is open. */
void
escalate_arm(struct engine *e, const struct incident *inc)
{
	if (e->sched == NULL)
		return;
	if (inc->due_at >= 0 && state_open(inc->state))
		timers_at(e->sched, e->escalate_timer, inc->id, inc->due_at);
	else
		timers_cancel(e->sched, e->escalate_timer, inc->id);
}

static int
escalate_restore_one(const struct incident *inc, void *arg)
{
	struct engine *e = arg;

	timers_at(e->sched, e->escalate_timer, inc->id, inc->due_at);
	return 0;
}

/* Start-up: the deadlines of the open incidents. */
int
escalate_restore(struct engine *e)
{
	return store_pending(e->st, escalate_restore_one, e);
}

static void
escalate_timer(int64_t id, int64_t due, void *arg)
{
	struct engine *e = arg;

	turn_deadline(e, e->escalate_timer, id, due);
	escalate_due(e, id, due);
}

void
escalate_timers(struct engine *e)
{
	e->escalate_timer = timers_handler(e->sched, "escalate",
	    escalate_timer, e);
}
