/*
 * Feedback to the reporter: the status of a report (and of the reports
 * joined to its incident) on its status topic, saying what happens.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* What the reporter's sentence adds about 911: a drill says what a real
 * event would need, never to call. */
const char *
reporter_call_911(const struct incident *inc, const char *lang)
{
	if (!inc->call_911)
		return "";
	return inc->r.drill ? T_(lang, "; DRILL: in a real event you would "
	    "call 911 now") : T_(lang, ", CALL 911");
}

/* The reporter's status of inc, saying message and naming the report's
 * fields cut to their limit (shortened, from the report that opened the
 * incident or joined it, in the turn it did). message is in the
 * branch's language (REPORTER_LANG), as everything the status says. */
void
reporter_status(struct engine *e, const struct incident *inc,
    const char *by, const char *message, int shortened, struct status *s)
{
	char cut[DETAIL_MAX + 1];

	memset(s, 0, sizeof *s);
	strlcpy_utf8(s->report, inc->r.id, sizeof s->report);
	s->incident = inc->id;
	s->state = inc->state;
	strlcpy_utf8(s->by, by ? by : "", sizeof s->by);
	strlcpy_utf8(s->by_role, by ? engine_responder_role(e->cf, by) : "",
	    sizeof s->by_role);
	s->notified = inc->notified;
	s->call_911 = inc->call_911;
	s->drill = inc->r.drill;
	s->silent = inc->r.silent;
	strlcpy_utf8(s->message, message, sizeof s->message);
	if ((s->shortened = shortened) != 0) {
		msg_shortened_text_in(s->shortened, REPORTER_LANG(e, inc), cut,
		    sizeof cut);
		snprintf(s->message, sizeof s->message, "%.300s; %.200s",
		    message, cut);
	}
	s->ts = inc->updated;
	s->presses = inc->presses;
	memcpy(s->related, inc->related, sizeof s->related);
	s->nrelated = inc->nrelated;
	if (inc->state == ST_RECEIVED && inc->step < 0 && inc->due_at > 0 &&
	    alarms_cancel_ms(e->cf, conf_category(e->cf, inc->r.type),
	    inc->r.severity) > 0)
		s->cancel_until = inc->due_at;
	feedback_status(e, inc, s);
}

/* A status on its report's topic: retained while the incident is open;
 * when it closes, the last word is sent unretained and the retained copy
 * cleared. */
void
reporter_publish(struct engine *e, const struct incident *inc,
    const struct status *s)
{
	int open = state_open(inc->state);

	turn_queue_status(e, topic_make(e->cf->topic_prefix, TOPIC_STATUS,
	    inc->branch, s->report, NULL), s, open);
	if (!open)
		turn_queue(e, topic_make(e->cf->topic_prefix, TOPIC_STATUS,
		    inc->branch, s->report, NULL), NULL, 1);
}

/* The status of the report that opened inc. */
void
reporter_tell(struct engine *e, const struct incident *inc, const char *by,
    const char *message)
{
	struct status s;

	reporter_status(e, inc, by, message, inc->r.shortened, &s);
	reporter_publish(e, inc, &s);
}

struct joined_tell {
	struct engine *e;
	const struct incident *inc;
	struct status *s;
};

static int
reporter_tell_joined_one(const char *report, void *arg)
{
	struct joined_tell *jt = arg;

	strlcpy_utf8(jt->s->report, report, sizeof jt->s->report);
	reporter_publish(jt->e, jt->inc, jt->s);
	return 0;
}

/* The reports joined to inc as more presses hear what happens to it as
 * its first report does: acknowledged, escalated, resolved. Only the
 * first report may cancel it. */
void
reporter_tell_joined(struct engine *e, const struct incident *inc,
    const char *by, const char *message)
{
	struct status s;
	struct joined_tell jt = { e, inc, &s };

	if (inc->presses < 2)
		return;
	reporter_status(e, inc, by, message, 0, &s);
	s.cancel_until = 0;
	if (store_press_reports(e->st, inc->id, reporter_tell_joined_one,
	    &jt) != 0)
		log_warnx("incident=%lld: the joined reports were not told",
		    (long long)inc->id);
}

/* Publish the reporters' status and the incident topic (the same rules). */
void
reporter_announce(struct engine *e, const struct incident *inc,
    const char *by, const char *message)
{
	reporter_tell(e, inc, by, message);
	reporter_tell_joined(e, inc, by, message);
	incident_publish(e, inc);
}
