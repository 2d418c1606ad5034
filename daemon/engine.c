/*
 * The incident engine's public face (engine.h): making and freeing it,
 * and the dispatch of each message to the room that handles it. The
 * rooms are the other files that include engine_int.h: intake.c (reports),
 * escalate.c and policy.c (routing and escalation), response.c, reporter.c,
 * feedback.c and remind.c (what people are told), alarms.c and join.c
 * (alarms that are not real), request.c, oncall.c and purge.c (supervisor
 * requests), debriefs.c, health.c (devices), ratelimit.c (limits), turn.c
 * (the transaction and outbox turn) and degraded.c (degraded mode).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

struct engine *
engine_new(const struct config *cf, struct store *st, engine_publish_fn pub,
    engine_wakeup_fn wakeup, void *arg)
{
	struct engine *e = xcalloc(1, sizeof *e);

	e->st = st;
	turn_init(&e->turn, pub, wakeup, arg);
	e->ratelimit.counts = limit_new(LIMIT_KEYS);
	e->duty = duty_new();
	engine_set_config(e, cf);
	return e;
}

static void
engine_free_topics(struct engine *e)
{
	size_t i;

	for (i = 0; i < sizeof e->topics / sizeof *e->topics; i++) {
		free(e->topics[i]);
		e->topics[i] = NULL;
	}
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	turn_free(&e->turn);
	degraded_free(&e->degraded);
	limit_free(e->ratelimit.counts);
	policy_free(&e->pins);
	engine_free_topics(e);
	duty_free(e->duty);
	free(e->webpush_key);
	free(e);
}

/* Each room that keeps deadlines registers its kind of timer. */
void
engine_set_sched(struct engine *e, struct timers *s)
{
	e->sched = s;
	turn_timers(e);
	degraded_timers(e);
	ratelimit_timers(e);
	escalate_timers(e);
	remind_timers(e);
	debriefs_timers(e);
	purge_timers(e);
	health_timers(e);
}

void
engine_set_push(struct engine *e, engine_push_fn fn, void *arg)
{
	turn_set_push(&e->turn, fn, arg);
}

void
engine_set_config(struct engine *e, const struct config *cf)
{
	policy_repin(e, cf);
	e->cf = cf;
	engine_free_topics(e);
	e->topics[0] = topic_make(cf->topic_prefix, TOPIC_REPORT, "+", NULL);
	e->topics[1] = topic_make(cf->topic_prefix, TOPIC_RESPOND, "+", NULL);
	e->topics[2] = topic_make(cf->topic_prefix, TOPIC_QUERY, "+", NULL);
	e->topics[3] = topic_make(cf->topic_prefix, TOPIC_DEVICE, "+", "+",
	    NULL);
	e->topics[4] = topic_make(cf->topic_prefix, TOPIC_SELFTEST, "+", "+",
	    NULL);
	e->topics[5] = topic_make(cf->topic_prefix, TOPIC_PUSH, "+", NULL);
	e->topics[6] = NULL;
}

const char *const *
engine_topics(struct engine *e)
{
	return (const char *const *)e->topics;
}

const char *
engine_role_label(const struct config *cf, const char *role)
{
	const struct conf_role *r = conf_role(cf, role);

	return r != NULL ? r->label : role;
}

const char *
engine_role_label_in(const struct config *cf, const char *role,
    const char *lang)
{
	const struct conf_role *r = conf_role(cf, role);

	return r != NULL ? conf_role_label(r, lang) : role;
}

void
engine_labels_in(const struct config *cf, const char *labels,
    const char *lang, char *buf, size_t len)
{
	const char *p = labels, *end, *l;
	size_t i, n, off = 0;

	buf[0] = '\0';
	while (*p != '\0' && off < len) {
		end = strstr(p, ", ");
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		l = NULL;
		for (i = 0; i < cf->nroles && l == NULL; i++)
			if (strlen(cf->roles[i].label) == n &&
			    strncmp(cf->roles[i].label, p, n) == 0)
				l = conf_role_label(&cf->roles[i], lang);
		off += (size_t)snprintf(buf + off, len - off, "%s%.*s",
		    off > 0 ? ", " : "", l != NULL ? (int)strlen(l) : (int)n,
		    l != NULL ? l : p);
		p = end != NULL ? end + 2 : p + n;
	}
}

const char *
engine_drill(const struct incident *inc, const char *lang)
{
	return inc->r.drill ? T_(lang, "DRILL: ") : "";
}

const char *
engine_responder_role(const struct config *cf, const char *id)
{
	const struct conf_responder *rp = conf_responder(cf, id);

	return rp != NULL ? rp->role : "";
}

void
engine_stop(struct engine *e)
{
	ratelimit_roll(e);
}

void
engine_settle(struct engine *e)
{
	turn_stop(e);
}


int
engine_append(struct engine *e, int64_t incident, const char *kind,
    const char *actor, int step, const char *detail)
{
	return turn_append(e, incident, kind, actor, step, detail);
}

void
engine_set_webpush(struct engine *e, const char *public_key)
{
	free(e->webpush_key);
	e->webpush_key = public_key != NULL ? xstrdup(public_key) : NULL;
}

void
engine_pushsub_gone(struct engine *e, const char *responder,
    const char *endpoint, const char *why)
{
	pushsub_gone(e, responder, endpoint, why);
}

int
engine_act(struct engine *e, const char *who, int64_t incident, int action,
    const char *key, char *msg, size_t len)
{
	struct respond rs;

	memset(&rs, 0, sizeof rs);
	rs.incident = incident;
	rs.action = action;
	strlcpy_utf8(rs.via, "push", sizeof rs.via);
	return response_act(e, who, &rs, key, msg, len);
}

void
engine_acked(struct engine *e, int64_t tag, int ok, const char *why)
{
	turn_acked(e, tag, ok, why);
}

int
engine_flush(struct engine *e)
{
	return turn_flush(e);
}

size_t
engine_queued(const struct engine *e)
{
	return e->turn.nout;
}

char *
engine_status(struct engine *e)
{
	return degraded_status(e);
}

void
engine_publish_config(struct engine *e)
{
	turn_touch(e);
	health_config(e, clock_now());
}

void
engine_heartbeat(struct engine *e, int64_t started)
{
	health_heartbeat(e, started);
}

typedef void (*topic_fn)(struct engine *, const struct input *);

/* levels: how many topic levels follow the kind. */
static const struct {
	const char *kind;
	int levels;
	topic_fn fn;
} topic_table[] = {
	{ TOPIC_REPORT, 1, intake_report },
	{ TOPIC_RESPOND, 1, response_handle },
	{ TOPIC_DEVICE, 2, health_presence },
	{ TOPIC_SELFTEST, 2, health_selftest },
	{ TOPIC_PUSH, 1, pushsub_handle },
};

void
engine_message(struct engine *e, const char *topic, const void *payload,
    size_t len)
{
	engine_request(e, topic, payload, len, NULL, NULL, 0);
}

/* The sender a topic names: the first level after the kind, cut to
 * LIMIT_NAME - 1 bytes at a character boundary. */
static void
engine_source(const char *rest, char *source, size_t size)
{
	char level[LIMIT_NAME + 4];

	topic_level(rest, level, sizeof level);
	strlcpy_utf8(source, level, size);
}

void
engine_request(struct engine *e, const char *topic, const void *payload,
    size_t len, const char *reply_to, const void *corr, size_t corrlen)
{
	struct input in = { topic, NULL, payload, len, 0 };
	char kind[16], source[LIMIT_NAME];
	int keep = turn_enter(e);
	size_t i;

	if ((in.rest = topic_kind(topic, e->cf->topic_prefix, kind,
	    sizeof kind)) == NULL) {
		if (keep)
			backlog_request(&e->turn.inputs, clock_now(), topic,
			    payload, len, reply_to, corr, corrlen);
		return;
	}
	engine_source(in.rest, source, sizeof source);
	/* A sender over its limit costs no parsing and no writing. Reports
	 * are counted once their device is known (intake_report). */
	if (strcmp(kind, TOPIC_REPORT) != 0 &&
	    ratelimit_check(e, kind, source, NULL, payload, len, 0))
		return;
	if (keep) {
		backlog_request(&e->turn.inputs, clock_now(), topic, payload,
		    len, reply_to, corr, corrlen);
		in.recorded = 1;
	}
	if (strcmp(kind, TOPIC_QUERY) == 0 && topic_levels(in.rest) == 1) {
		struct request rq = { topic, in.rest, payload, len, reply_to,
			corr, corrlen, 0 };

		request_handle(e, &rq);
		return;
	}
	for (i = 0; i < sizeof topic_table / sizeof *topic_table; i++)
		if (strcmp(topic_table[i].kind, kind) == 0 &&
		    topic_levels(in.rest) == topic_table[i].levels)
			topic_table[i].fn(e, &in);
}

int
engine_restore(struct engine *e)
{
	int rc;

	rc = turn_rebuild(e);
	if (rc == 0)
		rc = turn_resend(e);
	if (rc == 0)
		rc = oncall_restore(e, clock_now());
	if (rc == 0)
		rc = escalate_restore(e);
	if (rc == 0)
		rc = debriefs_restore(e);
	if (rc == 0)
		rc = remind_restore(e);
	if (rc == 0)
		rc = health_restore(e);
	purge_start(e);
	log_info("event=restored pending=%zu", timers_count(e->sched));
	return rc;
}
