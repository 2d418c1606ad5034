/*
 * Feedback to the reporter and to responders: what they are told besides
 * the routing: who acknowledged, the roles still awaited, and stand-downs.
 * The state is read from the incident's timeline, which holds every step
 * of it anyway, so nothing new is stored.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static int
fb_has(char (*list)[ID_MAX + 1], size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static void
fb_add(char (*list)[ID_MAX + 1], size_t *n, size_t max, const char *s)
{
	if (*n >= max || fb_has(list, *n, s))
		return;
	strlcpy_utf8(list[(*n)++], s, ID_MAX + 1);
}

static void
fb_empty(struct feedback *f, const char *detail)
{
	static const char pre[] = "no one available: ";
	size_t len = strlen(f->empty);

	if (strncmp(detail, pre, sizeof pre - 1) != 0)
		return;
	detail += sizeof pre - 1;
	if (detail[0] == '\0' || strstr(f->empty, detail) != NULL)
		return;
	snprintf(f->empty + len, sizeof f->empty - len, "%s%s",
	    len > 0 ? ", " : "", detail);
}

static int
feedback_event(const struct event *ev, void *arg)
{
	struct feedback *f = arg;

	if (strcmp(ev->kind, "notified") == 0 && ev->step >= 0 &&
	    ev->actor[0] != '\0') {
		if (f->nnotified < FB_MAX &&
		    !fb_has(f->notified, f->nnotified, ev->actor))
			f->notified_step[f->nnotified] = ev->step;
		fb_add(f->notified, &f->nnotified, FB_MAX, ev->actor);
	} else if (strcmp(ev->kind, "decline") == 0 && ev->actor[0] != '\0')
		fb_add(f->decliners, &f->ndecliners, STATUS_ACKS, ev->actor);
	else if (strcmp(ev->kind, "ack") == 0 && ev->actor[0] != '\0') {
		fb_add(f->ackers, &f->nackers, STATUS_ACKS, ev->actor);
		if (f->acks++ == 0)
			f->first_ack = ev->ts;
	}
	else if (strcmp(ev->kind, "taken") == 0) {
		f->taken_at = ev->ts;
		f->reminded = f->forgotten = 0;
	} else if (strcmp(ev->kind, "reminder") == 0)
		f->reminded = 1;
	else if (strcmp(ev->kind, "forgotten") == 0)
		f->forgotten = 1;
	else if (strcmp(ev->kind, "no_one_available") == 0 && ev->step >= 0)
		fb_empty(f, ev->detail);
	return 0;
}

/* Read the incident's timeline into *f. An incident is taken at its
 * first acknowledgment, or, when its category requires several roles, at
 * the "taken" event recorded when the last of them acknowledged. */
int
feedback_scan(struct engine *e, const struct incident *inc,
    struct feedback *f)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);

	memset(f, 0, sizeof *f);
	if (store_timeline(e->st, inc->id, feedback_event, f) != 0)
		return -1;
	if (f->taken_at == 0 && (cat == NULL || cat->nrequire == 0))
		f->taken_at = f->first_ack;
	return 0;
}

/* The roles the category requires that no acknowledgment has covered. */
static size_t
feedback_missing(struct engine *e, const struct incident *inc,
    const struct feedback *f, const char **aw, size_t max)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	size_t i, j, n = 0;
	int got;

	for (i = 0; cat != NULL && i < cat->nrequire && n < max; i++) {
		for (got = 0, j = 0; j < f->nackers && !got; j++)
			got = strcmp(engine_responder_role(e->cf, f->ackers[j]),
			    cat->require[i]) == 0;
		if (!got)
			aw[n++] = cat->require[i];
	}
	return n;
}

/* "security-1 (security) and dispatch (emergency dispatch)" */
void
feedback_who(struct engine *e, char (*ids)[ID_MAX + 1], size_t n,
    char *buf, size_t len)
{
	feedback_who_in(e, ids, n, NULL, buf, len);
}

void
feedback_who_in(struct engine *e, char (*ids)[ID_MAX + 1], size_t n,
    const char *lang, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s (%s)",
		    i == 0 ? "" : i + 1 == n ? T_(lang, " and ") : ", ",
		    ids[i], engine_role_label_in(e->cf,
		    engine_responder_role(e->cf, ids[i]), lang));
}

/* Acknowledged and still waiting for a required role: escalation goes on. */
int
feedback_awaiting(struct engine *e, const struct incident *inc)
{
	struct feedback *f = xmalloc(sizeof *f);
	const char *aw[STATUS_ACKS];
	int n = 0;

	if (feedback_scan(e, inc, f) == 0 && f->taken_at == 0)
		n = (int)feedback_missing(e, inc, f, aw, STATUS_ACKS);
	free(f);
	return n > 0;
}

/* Add a role label to a status list, once. */
static void
fb_label(char (*v)[LABEL_MAX + 1], size_t *n, const char *label)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(v[i], label) == 0)
			return;
	if (*n < STATUS_ACKS)
		strlcpy_utf8(v[(*n)++], label, LABEL_MAX + 1);
}

/* Past the first step: who the current step calls, and who of the
 * earlier ones declined or did not answer, by role label, so that the
 * reporter can be told in words (docs/protocol.md). */
static void
feedback_escalation(struct engine *e, const struct incident *inc,
    struct feedback *f, struct status_escalation *x)
{
	const char *label, *lang = REPORTER_LANG(e, inc);
	size_t i;

	if (!state_open(inc->state) || inc->step <= 0)
		return;
	x->step = inc->step;
	x->at = inc->step_at;
	for (i = 0; i < f->nnotified; i++) {
		label = engine_role_label_in(e->cf, engine_responder_role(e->cf,
		    f->notified[i]), lang);
		if (f->notified_step[i] >= inc->step)
			fb_label(x->called, &x->ncalled, label);
		else if (fb_has(f->decliners, f->ndecliners, f->notified[i]))
			fb_label(x->declined, &x->ndeclined, label);
		else if (!fb_has(f->ackers, f->nackers, f->notified[i]))
			fb_label(x->unanswered, &x->nunanswered, label);
	}
}

/* What the reporter must do when nobody (of a role) can come. */
static void
feedback_instruction(struct engine *e, const struct incident *inc,
    const struct feedback *f, const char *lang, struct status *s)
{
	char who[320], none[400];
	const char *call = !inc->call_911 ? T_(lang, "call the person in "
	    "charge") : inc->r.drill ? T_(lang, "call the person in charge "
	    "(DRILL: in a real event you would call 911 now)") :
	    T_(lang, "call 911 now, then the person in charge");

	if (f->empty[0] != '\0') {
		engine_labels_in(e->cf, f->empty, lang, who, sizeof who);
		snprintf(none, sizeof none, T_(lang, "No %.300s available"),
		    who);
	} else
		snprintf(none, sizeof none, "%s", T_(lang, "No one available"));
	if (inc->notified == 0)
		snprintf(s->instruction, sizeof s->instruction, "%.400s: %s",
		    none, call);
	else
		snprintf(s->instruction, sizeof s->instruction, TN_(lang,
		    "%s (%d other responder notified): if you need help "
		    "before they come, %s", "%s (%d other responders "
		    "notified): if you need help before they come, %s",
		    (unsigned long)inc->notified), none, inc->notified, call);
}

void
feedback_status(struct engine *e, const struct incident *inc,
    struct status *s)
{
	struct feedback *f;
	const struct conf_responder *rp;
	const char *aw[STATUS_ACKS], *role, *lang = REPORTER_LANG(e, inc);
	size_t i, n;

	/* Before the first step nobody was notified: nothing to add. */
	if (inc->id <= 0 || inc->step < 0)
		return;
	f = xmalloc(sizeof *f);
	if (feedback_scan(e, inc, f) != 0) {
		free(f);
		return;
	}
	for (i = 0; i < f->nackers; i++) {
		struct status_ack *a = &s->acked[s->nacked++];

		role = engine_responder_role(e->cf, f->ackers[i]);
		rp = conf_responder(e->cf, f->ackers[i]);
		strlcpy_utf8(a->by, f->ackers[i], sizeof a->by);
		strlcpy_utf8(a->role, role, sizeof a->role);
		strlcpy_utf8(a->label, role[0] ? engine_role_label_in(e->cf,
		    role, lang) : "", sizeof a->label);
		strlcpy_utf8(a->name, rp != NULL ? rp->name : "",
		    sizeof a->name);
	}
	if (state_open(inc->state) && inc->state >= ST_ACKNOWLEDGED &&
	    f->taken_at == 0) {
		n = feedback_missing(e, inc, f, aw, STATUS_ACKS);
		for (i = 0; i < n; i++)
			strlcpy_utf8(s->awaiting[s->nawaiting++], aw[i],
			    sizeof s->awaiting[0]);
	}
	if (state_open(inc->state) && inc->state < ST_ACKNOWLEDGED &&
	    inc->step >= 0 && (f->empty[0] != '\0' || inc->notified == 0))
		feedback_instruction(e, inc, f, lang, s);
	feedback_escalation(e, inc, f, &s->esc);
	free(f);
}

/* The next deadline of the incident's current step: its repeat (the
 * step's, or per role) or the next step. */
void
feedback_next(struct engine *e, struct incident *inc,
    const struct conf_policy *pol, int64_t now)
{
	struct route rt;

	rules_route(e->cf, pol, inc->branch, inc->r.severity, inc->step, &rt);
	if (!rules_next_roles(e->cf, pol, &rt, inc->step, inc->step_at, now,
	    &inc->due_at, &inc->due_step))
		inc->due_at = -1;
}

/* Whether responder i of the step gets a repeat due now, with its repeat
 * number in *n: those whose role is due; once acknowledged, while a
 * required role is awaited, those of the awaited roles, or, when the step
 * has none of them (it was escalated to because of them), those of the
 * step who have not acknowledged. */
int
feedback_repeat(struct engine *e, const struct incident *inc,
    const struct route *rt, size_t i, int *n)
{
	const struct conf_policy *pol = policy_get(e, inc);
	const struct conf_step *st = &pol->steps[inc->step];
	struct feedback *f;
	const char *aw[STATUS_ACKS];
	size_t j, k, na;
	int want;

	if (st->repeat > 0)
		*n = (int)((clock_now() - inc->step_at) / 1000 / st->repeat);
	else
		*n = rules_role_repeat(e->cf, rt->role[i], 0, inc->step_at,
		    inc->due_at);
	if (*n <= 0 || inc->state < ST_ACKNOWLEDGED)
		return *n > 0;
	f = xmalloc(sizeof *f);
	want = 0;
	if (feedback_scan(e, inc, f) == 0 && f->taken_at == 0 &&
	    (na = feedback_missing(e, inc, f, aw, STATUS_ACKS)) > 0) {
		for (j = 0; j < rt->n && want == 0; j++)
			for (k = 0; k < na; k++)
				if (strcmp(aw[k], rt->role[j]) == 0)
					want = -1;	/* the step has one */
		for (k = 0; k < na && want != 1; k++)
			if (strcmp(aw[k], rt->role[i]) == 0)
				want = 1;
		if (want == 0 && !fb_has(f->ackers, f->nackers,
		    rt->who[i]->id))
			want = 1;
	}
	free(f);
	return want == 1;
}

/* A responder's stand-down notice, in their language. */
static char *
feedback_stand_down_notice(struct engine *e, struct incident *inc,
    const struct feedback *f, const char *reason, const char *by,
    const char *to, int64_t now)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	const char *lang = conf_responder_lang(e->cf, to, inc->branch);
	const char *label = cat != NULL ? conf_category_label(cat, lang) :
	    inc->r.type;
	const char *role = by != NULL ? engine_responder_role(e->cf, by) : "";
	char who[DETAIL_MAX + 1], msg[DETAIL_MAX + 1];
	int off = snprintf(msg, sizeof msg, "%s", engine_drill(inc, lang));
	struct notice nt = { inc, "stand_down", label, reason, by, role,
		role[0] ? engine_role_label_in(e->cf, role, lang) : NULL, msg,
		now, lang };

	feedback_who_in(e, (char (*)[ID_MAX + 1])f->ackers, f->nackers, lang,
	    who, sizeof who);
	if (strcmp(reason, "taken") == 0)
		snprintf(msg + off, sizeof msg - (size_t)off, T_(lang, "stand "
		    "down: incident %lld (%.100s) is taken by %.300s"),
		    (long long)inc->id, label, who);
	else if (strcmp(reason, "false_alarm") == 0)
		snprintf(msg + off, sizeof msg - (size_t)off, T_(lang, "stand "
		    "down: incident %lld (%s) was a false alarm"),
		    (long long)inc->id, label);
	else
		snprintf(msg + off, sizeof msg - (size_t)off, T_(lang, "stand "
		    "down: incident %lld (%s): %s"), (long long)inc->id, label,
		    reason);
	return msg_notice_encode(&nt);
}

/*
 * Tell every notified responder who has not acknowledged to stand down,
 * through the outbox: the incident is taken (reason "taken", by whoever
 * completed it) or was a false alarm ("false_alarm", by whoever said so).
 * One notice each and one timeline event. Returns how many were told.
 */
size_t
feedback_stand_down(struct engine *e, struct incident *inc, const char *reason,
    const char *by, int64_t now)
{
	struct feedback *f = xmalloc(sizeof *f);
	char told[DETAIL_MAX + 1];
	size_t i, n = 0, off = 0;

	if (feedback_scan(e, inc, f) != 0) {
		free(f);
		return 0;
	}
	told[0] = '\0';
	for (i = 0; i < f->nnotified; i++) {
		if (fb_has(f->ackers, f->nackers, f->notified[i]) ||
		    (by != NULL && strcmp(by, f->notified[i]) == 0))
			continue;
		turn_notice(e, inc->id, f->notified[i],
		    feedback_stand_down_notice(e, inc, f, reason, by,
		    f->notified[i], now), now);
		if (off < sizeof told)
			off += (size_t)snprintf(told + off, sizeof told - off,
			    "%s%s", n ? ", " : "", f->notified[i]);
		n++;
	}
	if (n > 0)
		incident_event(e, inc, now, "stand_down", by, inc->step,
		    "reason=%s; %zu responder%s stood down: %s", reason, n,
		    n == 1 ? "" : "s", told);
	log_info("incident=%lld event=stand_down reason=%s by=%s told=%zu",
	    (long long)inc->id, reason, by ? by : "", n);
	free(f);
	return n;
}

/*
 * After an acknowledgment (state and event already set): while a required
 * role has not acknowledged, escalation goes on and nobody is stood down;
 * once each has, the incident is taken: the others stand down and the
 * reminders start. Returns the tail of the reporter's sentence.
 */
const char *
feedback_ack(struct engine *e, struct incident *inc, const char *who,
    int64_t now, char *tail, size_t len)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	const struct conf_policy *pol = policy_get(e, inc);
	struct feedback *f = xmalloc(sizeof *f);
	const char *aw[STATUS_ACKS], *lang = REPORTER_LANG(e, inc);
	char names[DETAIL_MAX + 1];
	size_t i, n, off = 0;

	tail[0] = '\0';
	/* Taken before this acknowledgment: nothing more to do. */
	if (feedback_scan(e, inc, f) != 0 || (f->taken_at > 0 &&
	    (cat != NULL && cat->nrequire > 0 ? 1 : f->acks > 1))) {
		free(f);
		return tail;
	}
	if ((n = feedback_missing(e, inc, f, aw, STATUS_ACKS)) > 0) {
		names[0] = '\0';
		for (i = 0; i < n && off < sizeof names; i++)
			off += (size_t)snprintf(names + off, sizeof names - off,
			    "%s%s", i ? T_(lang, " and ") : "",
			    engine_role_label_in(e->cf, aw[i], lang));
		snprintf(tail, len, T_(lang, "; waiting for %s"), names);
		if (pol != NULL && inc->step >= 0)
			feedback_next(e, inc, pol, now);
		log_info("incident=%lld event=awaiting roles=%s%s",
		    (long long)inc->id, aw[0], n > 1 ? ",..." : "");
		free(f);
		return tail;
	}
	if (cat != NULL && cat->nrequire > 0) {
		feedback_who(e, f->ackers, f->nackers, names, sizeof names);
		incident_event(e, inc, now, "taken", who, inc->step,
		    "taken by %s", names);
		snprintf(tail, len, "%s", T_(lang, "; every required role has "
		    "acknowledged"));
	}
	feedback_stand_down(e, inc, "taken", who, now);
	f->taken_at = now;
	remind_arm(e, inc->id, f);
	/* The responder's command waits for its own action as the latest. */
	strlcpy_utf8(inc->last_kind, "ack", sizeof inc->last_kind);
	strlcpy_utf8(inc->last_by, who, sizeof inc->last_by);
	free(f);
	return tail;
}
