/*
 * Report intake: a report is decoded, refused or recorded, and opens an
 * incident (or joins one, or is cancelled: alarms.c, join.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

void
intake_reply_error(struct engine *e, const char *topic, const char *segment,
    const char *report, int64_t incident, const char *error, const void *p,
    size_t len)
{
	int64_t now = clock_now();

	turn_touch(e);
	store_reject(e->st, now, topic, report, error, p, len);
	log_info("event=refused topic=%s error=\"%s\"", topic, error);
	turn_queue(e, topic_make(e->cf->topic_prefix, TOPIC_ERROR, segment, NULL),
	    msg_error_encode(error, topic, report, incident, now), 0);
}

void
intake_reject(struct engine *e, const char *topic, const char *branch,
    const char *id, const char *error, const void *p, size_t len)
{
	struct status s;

	memset(&s, 0, sizeof s);
	strlcpy_utf8(s.report, id, sizeof s.report);
	s.state = ST_REJECTED;
	s.ts = clock_now();
	strlcpy_utf8(s.error, error, sizeof s.error);
	/* The error fills the message; the prefix is what gets cut. */
	snprintf(s.message, sizeof s.message, "rejected: %.*s",
	    (int)(sizeof s.message - sizeof "rejected: "), s.error);
	turn_touch(e);
	store_reject(e->st, s.ts, topic, id, error, p, len);
	log_info("event=rejected branch=%s report=%s error=\"%s\"", branch, id,
	    error);
	turn_queue(e, topic_make(e->cf->topic_prefix, TOPIC_STATUS, branch, id,
	    NULL), msg_status_encode(&s), 0);
}

/* The same report id again: record it and say where it stands. */
static void
intake_duplicate(struct engine *e, struct incident *inc)
{
	int64_t now = clock_now();
	char called[DETAIL_MAX + 1], text[DETAIL_MAX + 1];
	const char *lang = REPORTER_LANG(e, inc);

	incident_event(e, inc, now, "duplicate", inc->r.device, -1,
	    "report %s received again", inc->r.id);
	log_info("incident=%lld event=duplicate report=%s", (long long)inc->id,
	    inc->r.id);
	/* Its own status again, saying where the incident is now; not to
	 * the reports joined to it, whose news this is not. */
	alarms_who_called(e, inc, lang, called, sizeof called);
	snprintf(text, sizeof text, T_(lang, "received again: incident %lld, "
	    "%.400s"), (long long)inc->id, state_open(inc->state) ? called :
	    T_(lang, "resolved"));
	reporter_tell(e, inc, inc->acked_by[0] ? inc->acked_by : NULL, text);
	incident_publish(e, inc);
}

/* The policy of a report at the branch now: the category's after-hours
 * one when the branch is closed (duty.h). Its id goes into id. */
static const struct conf_policy *
intake_duty_policy(struct engine *e, const struct conf_category *cat,
    const char *branch, int64_t now, char *id, size_t idlen, int *after)
{
	const struct conf_policy *pol = duty_policy(e->cf, cat, branch, now,
	    after);

	strlcpy_utf8(id, pol->id, idlen);
	return pol;
}

/* drill: the branch's drill mode that made r a drill (mode ""), if any. */
static void
intake_open(struct engine *e, const char *branch, const struct report *r,
    const struct conf_category *cat, const struct related *rel,
    const struct branch_mode *drill)
{
	struct incident inc;
	int64_t now = clock_now(), wait, cw;
	const struct conf_policy *pol;
	int after, loc, note;
	char cut[DETAIL_MAX + 1];
	const char *lang;

	memset(&inc, 0, sizeof inc);
	strlcpy_utf8(inc.branch, branch, sizeof inc.branch);
	inc.r = *r;
	inc.presses = 1;
	alarms_press_add(&inc, r, &loc, &note);
	inc.r.severity = rules_severity(cat, r->severity);
	strlcpy_utf8(inc.policy, cat->policy, sizeof inc.policy);
	pol = intake_duty_policy(e, cat, branch, now, inc.policy,
	    sizeof inc.policy, &after);
	inc.state = ST_RECEIVED;
	inc.call_911 = rules_call_911(e->cf, inc.r.severity);
	inc.created = inc.updated = inc.step_at = now;
	inc.nsteps = (int)pol->nsteps;
	inc.step = -1;
	inc.due_at = -1;
	turn_touch(e);
	if (store_incident_insert(e->st, &inc) != 0) {
		log_warnx("branch=%s report=%s: incident not recorded", branch,
		    r->id);
		return;
	}
	msg_shortened_text(r->shortened, cut, sizeof cut);
	incident_event(e, &inc, now, "reported", r->device, -1,
	    "%s%s, severity %d%s%s%s%s", r->drill ? "DRILL: " : "", cat->label,
	    inc.r.severity, r->location[0] ? ", at " : "", r->location,
	    cut[0] ? "; " : "", cut);
	log_info("incident=%lld event=reported branch=%s type=%s severity=%d "
	    "report=%s%s", (long long)inc.id, branch, r->type, inc.r.severity,
	    r->id, r->drill ? " drill=1" : "");
	if (after)
		incident_event(e, &inc, now, "after_hours", NULL, -1, "branch "
		    "closed: routed by policy %s", pol->id);
	alarms_drill_mode_event(e, &inc, drill, now);
	alarms_related(e, &inc, rel, now);
	/* A report that may be cancelled waits for its window (durably: the
	 * deadline is the incident's, restored after a restart). */
	wait = (int64_t)pol->steps[0].after * 1000;
	if ((cw = alarms_cancel_ms(e->cf, cat, inc.r.severity)) > 0) {
		incident_event(e, &inc, now, "cancel_window", NULL, -1,
		    "notifications wait %lld s for a cancel",
		    (long long)(cw / 1000));
		if (cw > wait)
			wait = cw;
	}
	if (wait > 0) {
		inc.due_at = now + wait;
		inc.due_step = 0;
	}
	/* Routed at once, the incident topic's first snapshot is the routed
	 * one, a moment later in this turn: a "received" one before it would
	 * cost the broker a publication that every subscriber sees replaced
	 * at once (docs/benchmarks.md). The reporter is told both. */
	lang = REPORTER_LANG(e, &inc);
	if (wait > 0)
		reporter_announce(e, &inc, NULL, cw > 0 ? T_(lang, "received: "
		    "you may cancel it before anyone is notified") :
		    T_(lang, "received"));
	else
		reporter_tell(e, &inc, NULL, T_(lang, "received"));
	if (wait > 0)
		incident_save(e, &inc, now);
	else
		escalate_step(e, &inc, 0, now);
}

/* {prefix}/report/{branch}: in->rest is the branch. */
void
intake_report(struct engine *e, const struct input *in)
{
	const char *topic = in->topic, *branch = in->rest;
	const void *p = in->payload;
	size_t len = in->len;
	const struct conf_category *cat = NULL;
	struct incident inc;
	struct report r;
	struct related rel = { { 0 }, 0 };
	struct branch_mode drill;
	char err[DETAIL_MAX + 1], cid[ID_MAX + 1];
	int rc;

	/* Every report writes (its incident, a duplicate's event, a
	 * refusal): its lookups read inside the turn's transaction, not each
	 * in one of its own with its own locks. */
	turn_touch(e);
	rc = msg_report_decode(p, len, &r, err, sizeof err);
	if (ratelimit_check(e, TOPIC_REPORT, branch, r.device, p, len,
	    in->recorded))
		return;
	/* Only a payload that says "cancel" costs a second parse. */
	if (rc != MSG_NOID && memmem(p, len, "\"cancel\"", 8) != NULL &&
	    msg_cancel_decode(p, len, cid, sizeof cid)) {
		strlcpy_utf8(r.id, cid, sizeof r.id);
		alarms_cancel(e, topic, branch, &r, p, len);
		return;
	}
	if (rc == MSG_NOID) {
		intake_reply_error(e, topic, branch, NULL, 0, err, p, len);
		return;
	}
	memset(&inc, 0, sizeof inc);
	if (store_incident_by_report(e->st, branch, r.id, &inc) == 1) {
		intake_duplicate(e, &inc);
		return;
	}
	if (e->cf->repeat_window > 0 &&
	    store_press_incident(e->st, branch, r.id, &inc) == 1) {
		join_again(e, &inc, &r);
		return;
	}
	if (rc == MSG_OK && conf_branch(e->cf, branch) == NULL) {
		snprintf(err, sizeof err, "unknown branch \"%s\"", branch);
		rc = MSG_BAD;
	}
	if (rc == MSG_OK && (cat = conf_category(e->cf, r.type)) == NULL) {
		snprintf(err, sizeof err, "type: unknown type \"%s\"", r.type);
		rc = MSG_BAD;
	}
	if (rc != MSG_OK)
		intake_reject(e, topic, branch, r.id, err, p, len);
	else if (!alarms_divert(e, branch, &r, cat, &rel, &drill))
		intake_open(e, branch, &r, cat, &rel, &drill);
}
