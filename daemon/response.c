/*
 * Responses: a responder acknowledges, declines, arrives, resolves or asks
 * for backup.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

typedef void (*action_fn)(struct engine *, struct incident *, const char *,
    const struct respond *, int64_t);

/* The event's detail: the note, and how the answer came when not by the
 * app or the command line ("via push; on my way"). */
static const char *
response_detail(const struct respond *rs, char *buf, size_t len)
{
	if (rs->via[0] == '\0')
		return rs->note;
	snprintf(buf, len, "via %s%s%.480s", rs->via, rs->note[0] ? "; " :
	    "", rs->note);
	return buf;
}

/* what: a sentence of two %s, who and their role, as N_("acknowledged
 * by %s (%s)"); tail: what follows, in the reporter's language. */
static void
response_say(struct engine *e, struct incident *inc, const char *who,
    int64_t now, const char *what, const char *tail)
{
	const char *lang = REPORTER_LANG(e, inc);
	char text[DETAIL_MAX + 1];
	int off;

	off = snprintf(text, sizeof text, T_(lang, what), who,
	    engine_role_label_in(e->cf, engine_responder_role(e->cf, who),
	    lang));
	if (off >= 0 && (size_t)off < sizeof text)
		snprintf(text + off, sizeof text - (size_t)off, "%s", tail);
	incident_save(e, inc, now);
	reporter_announce(e, inc, who, text);
}

static void
response_ack(struct engine *e, struct incident *inc, const char *who,
    const struct respond *rs, int64_t now)
{
	char detail[DETAIL_MAX + 1];
	char tail[DETAIL_MAX + 1];

	incident_event(e, inc, now, "ack", who, inc->step, "%s",
	    response_detail(rs, detail, sizeof detail));
	if (inc->acked_by[0] == '\0')
		strlcpy_utf8(inc->acked_by, who, sizeof inc->acked_by);
	if (inc->state < ST_ACKNOWLEDGED)
		inc->state = ST_ACKNOWLEDGED;
	inc->due_at = -1;
	response_say(e, inc, who, now, N_("acknowledged by %s (%s)"),
	    feedback_ack(e, inc, who, now, tail, sizeof tail));
}

static void
response_decline(struct engine *e, struct incident *inc, const char *who,
    const struct respond *rs, int64_t now)
{
	char detail[DETAIL_MAX + 1];
	const struct conf_policy *pol = policy_get(e, inc);
	int waiting = inc->state < ST_ACKNOWLEDGED;
	int more = pol != NULL && (size_t)inc->step + 1 < pol->nsteps;

	incident_event(e, inc, now, "decline", who, inc->step, "%s",
	    response_detail(rs, detail, sizeof detail));
	response_say(e, inc, who, now, N_("declined by %s (%s)"), !waiting ?
	    "" : more ? T_(REPORTER_LANG(e, inc), "; escalating") :
	    T_(REPORTER_LANG(e, inc), "; no further step: call the person "
	    "in charge"));
	if (waiting && more)
		escalate_step(e, inc, inc->step + 1, now);
}

static void
response_arrived(struct engine *e, struct incident *inc, const char *who,
    const struct respond *rs, int64_t now)
{
	char detail[DETAIL_MAX + 1];
	incident_event(e, inc, now, "arrived", who, inc->step, "%s",
	    response_detail(rs, detail, sizeof detail));
	if (inc->acked_by[0] == '\0')
		strlcpy_utf8(inc->acked_by, who, sizeof inc->acked_by);
	inc->state = ST_ON_SCENE;
	inc->due_at = -1;
	remind_cancel(e, inc);
	response_say(e, inc, who, now, N_("on scene: %s (%s)"), "");
}

static void
response_resolve(struct engine *e, struct incident *inc, const char *who,
    const struct respond *rs, int64_t now)
{
	char detail[DETAIL_MAX + 1];
	incident_event(e, inc, now, "resolve", who, inc->step, "%s",
	    response_detail(rs, detail, sizeof detail));
	inc->state = ST_RESOLVED;
	inc->due_at = -1;
	remind_cancel(e, inc);
	response_say(e, inc, who, now, N_("resolved by %s (%s)"), "");
	debriefs_open(e, inc, now);
}

/* The reporter's words after a backup request: who more was called, or
 * that nobody (of empty, English role labels) can come. */
static void
response_backup_tail(struct engine *e, const struct incident *inc, size_t n,
    const char *empty, char *tail, size_t len)
{
	const char *lang = REPORTER_LANG(e, inc);
	char labels[256];

	if (n > 0) {
		snprintf(tail, len, TN_(lang, ": %zu more responder notified",
		    ": %zu more responders notified", n), n);
		return;
	}
	if (empty[0] != '\0') {
		engine_labels_in(e->cf, empty, lang, labels, sizeof labels);
		snprintf(tail, len, T_(lang, ": no %s available: call the "
		    "person in charge%s"), labels, reporter_call_911(inc,
		    lang));
	} else
		snprintf(tail, len, T_(lang, ": no one available: call the "
		    "person in charge%s"), reporter_call_911(inc, lang));
}

/*
 * A responder asks for backup: every responder of the role named on the
 * incident's branch, or the next step when none is named, is notified at
 * once; the timeline and the reporter are told.
 */
static void
response_backup(struct engine *e, struct incident *inc, const char *who,
    const struct respond *rs, int64_t now)
{
	const struct conf_policy *pol = policy_get(e, inc);
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	struct route rt;
	char err[DETAIL_MAX + 1], empty[256], tail[DETAIL_MAX + 1];
	char *topic, *payload;
	size_t i, n = 0;

	err[0] = empty[0] = '\0';
	if (rs->role[0] != '\0' && conf_role(e->cf, rs->role) == NULL)
		snprintf(err, sizeof err, "role: unknown role \"%s\"",
		    rs->role);
	else if (rs->role[0] == '\0' && (pol == NULL ||
	    (size_t)inc->step + 1 >= pol->nsteps))
		snprintf(err, sizeof err, "incident %lld has no further "
		    "step to call for backup: name a role (role)",
		    (long long)inc->id);
	if (err[0] != '\0') {
		topic = topic_make(e->cf->topic_prefix, TOPIC_RESPOND, who,
		    NULL);
		payload = msg_respond_encode(rs);
		intake_reply_error(e, topic, who, NULL, inc->id, err, payload,
		    strlen(payload));
		free(topic);
		free(payload);
		return;
	}
	if (rs->role[0] != '\0') {
		rules_role(e->cf, rs->role, inc->branch, &rt);
		for (i = 0; i < rt.n; i++) {
			const char *lang = conf_responder_lang(e->cf,
			    rt.who[i]->id, inc->branch);
			struct notify nt = { inc, cat ?
				conf_category_label(cat, lang) : inc->r.type,
				rt.role[i], inc->step, 0, now, who, rs->note,
				lang };

			if (strcmp(rt.who[i]->id, who) == 0)
				continue;
			if (store_was_notified(e->st, inc->id,
			    rt.who[i]->id) == 0)
				inc->notified++;
			incident_event(e, inc, now, "notified", rt.who[i]->id,
			    inc->step, "role=%s; backup for %s", rt.role[i],
			    who);
			turn_notice(e, inc->id, rt.who[i]->id,
			    msg_notify_encode(&nt), now);
			n++;
		}
		if (n == 0)
			snprintf(empty, sizeof empty, "%s",
			    engine_role_label(e->cf, rs->role));
	} else {
		n = escalate_fire(e, inc, inc->step + 1, now, empty,
		    sizeof empty);
		feedback_next(e, inc, pol, now);
	}
	incident_event(e, inc, now, "backup", who, inc->step, "%s%s: %zu "
	    "responder%s notified%s%s%s%.200s", rs->role[0] ? "role " :
	    "next step", rs->role, n, n == 1 ? "" : "s", empty[0] ?
	    "; no one available: " : "", empty, rs->note[0] ? "; " : "",
	    rs->note);
	log_info("incident=%lld event=backup by=%s role=%s notified=%zu",
	    (long long)inc->id, who, rs->role[0] ? rs->role : "(next step)",
	    n);
	response_backup_tail(e, inc, n, empty, tail, sizeof tail);
	response_say(e, inc, who, now, N_("backup requested by %s (%s)"),
	    tail);
}

static const action_fn action_table[ACT_COUNT] = {
	[ACT_ACK] = response_ack,
	[ACT_DECLINE] = response_decline,
	[ACT_ARRIVED] = response_arrived,
	[ACT_RESOLVE] = response_resolve,
	[ACT_BACKUP] = response_backup,
};

/* Why a responder may not act on an incident, or NULL when it may. */
static const char *
response_refusal(struct engine *e, const char *who, const struct incident *inc,
    int found, char *buf, size_t len)
{
	const char *lang = conf_responder_lang(e->cf, who, found == 1 ?
	    inc->branch : "");

	if (found != 1)
		snprintf(buf, len, T_(lang, "incident %lld does not exist"),
		    (long long)inc->id);
	else if (!state_open(inc->state))
		snprintf(buf, len, T_(lang, "incident %lld is already "
		    "resolved"), (long long)inc->id);
	else if (store_was_notified(e->st, inc->id, who) != 1)
		snprintf(buf, len, T_(lang, "%s was not notified for incident "
		    "%lld"), who, (long long)inc->id);
	else
		return NULL;
	return buf;
}

/* {prefix}/respond/{who}: in->rest is the responder. */
void
response_handle(struct engine *e, const struct input *in)
{
	const char *topic = in->topic, *who = in->rest;
	const void *p = in->payload;
	size_t len = in->len;
	struct incident inc;
	struct respond rs;
	char err[DETAIL_MAX + 1];
	int found;

	if (msg_respond_decode(p, len, &rs, err, sizeof err) != MSG_OK) {
		intake_reply_error(e, topic, who, NULL, 0, err, p, len);
		return;
	}
	memset(&inc, 0, sizeof inc);
	found = store_incident_get(e->st, rs.incident, &inc);
	inc.id = rs.incident;
	if (response_refusal(e, who, &inc, found, err, sizeof err) != NULL) {
		intake_reply_error(e, topic, who, NULL, rs.incident, err, p,
		    len);
		return;
	}
	log_info("incident=%lld event=%s responder=%s", (long long)inc.id,
	    msg_action_name(rs.action), who);
	action_table[rs.action](e, &inc, who, &rs, clock_now());
}

/* What the person who used an action link reads. */
static void
response_act_said(const struct respond *rs, const char *lang, char *msg,
    size_t len)
{
	if (rs->action == ACT_ACK)
		snprintf(msg, len, T_(lang, "Acknowledged incident %lld: the "
		    "reporter is told you are coming."),
		    (long long)rs->incident);
	else
		snprintf(msg, len, T_(lang, "Declined incident %lld: recorded; "
		    "Beacon goes on calling the next responders."),
		    (long long)rs->incident);
}

/* The input as it would have come on beacon/respond/{who}: kept in this
 * turn's backlog, so that a degraded turn replays it like any other. */
static void
response_act_keep(struct engine *e, const char *who, const struct respond *rs)
{
	char *topic, *payload;

	if (!turn_enter(e))
		return;
	topic = topic_make(e->cf->topic_prefix, TOPIC_RESPOND, who, NULL);
	payload = msg_respond_encode(rs);
	backlog_request(&e->turn.inputs, clock_now(), topic, payload,
	    strlen(payload), NULL, NULL, 0);
	free(topic);
	free(payload);
}

int
response_act(struct engine *e, const char *who, const struct respond *rs,
    const char *key, char *msg, size_t len)
{
	struct incident inc;
	int found;

	if (store_link_used(e->st, key) == 1) {
		snprintf(msg, len, "%s", T_(conf_responder_lang(e->cf, who,
		    ""), "Already answered with this link: nothing more is "
		    "recorded."));
		return ENGINE_ACT_REPEAT;
	}
	memset(&inc, 0, sizeof inc);
	found = store_incident_get(e->st, rs->incident, &inc);
	inc.id = rs->incident;
	if (response_refusal(e, who, &inc, found, msg, len) != NULL)
		return ENGINE_ACT_REFUSED;
	response_act_keep(e, who, rs);
	turn_touch(e);
	store_link_use(e->st, key, inc.id, who, msg_action_name(rs->action),
	    clock_now());
	log_info("incident=%lld event=%s responder=%s via=push",
	    (long long)inc.id, msg_action_name(rs->action), who);
	action_table[rs->action](e, &inc, who, rs, clock_now());
	response_act_said(rs, conf_responder_lang(e->cf, who, inc.branch), msg,
	    len);
	return ENGINE_ACT_DONE;
}
