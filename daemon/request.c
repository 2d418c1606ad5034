/*
 * Supervisor requests on {prefix}/query/{who}: reads, and the writes that
 * hold an incident, correct its timeline, record its debrief, purge old
 * records or set a branch's mode. Answered on the asker's MQTT v5
 * response topic.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* The answer, in parts when the request asked for them ("chunk"). */
void
request_answer(struct engine *e, const struct request *rq, char *reply)
{
	char **parts;
	size_t i, n;

	if (rq->chunk == 0) {
		turn_reply(e, rq->reply_to, rq->corr, rq->corrlen, reply);
		return;
	}
	n = msg_reply_split(reply, rq->chunk, &parts);
	for (i = 0; i < n; i++)
		turn_reply(e, rq->reply_to, rq->corr, rq->corrlen, parts[i]);
	free(parts);
}

void
request_refuse(struct engine *e, const struct request *rq, int method,
    const char *error)
{
	turn_touch(e);
	store_reject(e->st, clock_now(), rq->topic, NULL, error, rq->p,
	    rq->len);
	log_info("event=refused topic=%s error=\"%s\"", rq->topic, error);
	if (rq->reply_to != NULL)
		request_answer(e, rq, msg_reply_finish(msg_reply_new(method),
		    error));
	else
		turn_queue(e, topic_make(e->cf->topic_prefix, TOPIC_ERROR, rq->who,
		    NULL), msg_error_encode(error, rq->topic, NULL, 0,
		    clock_now()), 0);
}

/* Why `who` may not use supervisor requests, or NULL when it may. */
const char *
request_may_query(struct engine *e, const char *who, char *buf, size_t len)
{
	const struct conf_responder *rp = conf_responder(e->cf, who);

	if (rp != NULL && conf_has(e->cf->query_roles, e->cf->nquery_roles,
	    rp->role))
		return NULL;
	snprintf(buf, len, "%s may not make supervisor requests: only "
	    "accounts with a role listed in records.query_roles may", who);
	return buf;
}

typedef const char *(*write_fn)(struct engine *, const char *,
    const struct query *, struct incident *, struct msg_reply *);

static const char *
request_hold(struct engine *e, const char *who, const struct query *q,
    struct incident *inc, struct msg_reply *r)
{
	int64_t now = clock_now();

	turn_touch(e);
	if (store_incident_hold(e->st, inc->id, q->hold) != 0)
		return "the hold could not be recorded";
	incident_event(e, inc, now, q->hold ? "hold" : "hold_released", who, -1,
	    "%s", q->note);
	log_info("incident=%lld event=%s by=%s", (long long)inc->id,
	    q->hold ? "hold" : "hold_released", who);
	msg_reply_set_int(r, "hold", q->hold);
	return NULL;
}

static const char *
request_correct(struct engine *e, const char *who, const struct query *q,
    struct incident *inc, struct msg_reply *r)
{
	static char err[DETAIL_MAX + 1];
	struct event ev, old;

	if (store_event_get(e->st, q->event, &old) != 1 ||
	    old.incident != inc->id) {
		snprintf(err, sizeof err, "event %lld is not on incident "
		    "%lld's timeline", (long long)q->event,
		    (long long)inc->id);
		return err;
	}
	memset(&ev, 0, sizeof ev);
	ev.incident = inc->id;
	ev.ts = clock_now();
	ev.step = -1;
	ev.corrects = q->event;
	strlcpy_utf8(ev.kind, "correction", sizeof ev.kind);
	strlcpy_utf8(ev.actor, who, sizeof ev.actor);
	strlcpy_utf8(ev.detail, q->note, sizeof ev.detail);
	turn_touch(e);
	if (store_event_append(e->st, &ev) != 0)
		return "the correction could not be recorded";
	log_info("incident=%lld event=correction corrects=%lld by=%s",
	    (long long)inc->id, (long long)q->event, who);
	msg_reply_set_int(r, "event", ev.id);
	return NULL;
}

static const write_fn write_table[Q_COUNT] = {
	[Q_RECORD] = debriefs_record,
	[Q_HOLD] = request_hold,
	[Q_CORRECT] = request_correct,
};

/* A request that writes: find the incident, act, answer. */
static const char *
request_write(struct engine *e, const char *who, const struct query *q,
    struct msg_reply *r)
{
	static char err[64];
	struct incident inc;

	if (q->method == Q_PURGE)
		return purge_run(e, q->dry_run, r);
	if (q->method == Q_MODE)
		return alarms_mode(e, who, q, r);
	memset(&inc, 0, sizeof inc);
	if (store_incident_get(e->st, q->incident, &inc) != 1) {
		snprintf(err, sizeof err, "incident %lld does not exist",
		    (long long)q->incident);
		return err;
	}
	return write_table[q->method](e, who, q, &inc, r);
}

/* The asker's own reply topics: {prefix}/reply/{who}/... The broker's
 * ACL lets only the asker read them; any other would let a request make
 * beacond publish where the asker may not. */
static int
request_reply_ok(struct engine *e, const struct request *rq)
{
	size_t size = strlen(rq->who) + 2;	/* room to see a longer one */
	char *who = xmalloc(size);
	const char *rest, *after;
	int ok;

	if ((rest = topic_match(rq->reply_to, e->cf->topic_prefix,
	    TOPIC_REPLY)) == NULL) {
		free(who);
		return 0;
	}
	after = topic_level(rest, who, size);
	ok = strcmp(who, rq->who) == 0 && after[0] != '\0';
	free(who);
	return ok;
}

/* A response topic that is not the asker's: refused on its error
 * topic, saying which are. */
static void
request_not_yours(struct engine *e, const struct request *rq)
{
	struct request own = *rq;
	char err[DETAIL_MAX + 1];
	char *yours = topic_make(e->cf->topic_prefix, TOPIC_REPLY, rq->who,
	    "...", NULL);

	own.reply_to = NULL;
	snprintf(err, sizeof err, "response topic %.120s is not yours: use "
	    "%s; nothing was done", rq->reply_to, yours);
	free(yours);
	request_refuse(e, &own, -1, err);
}

static void
request_dispatch(struct engine *e, const struct request *rq)
{
	struct query *q = xmalloc(sizeof *q);
	struct msg_reply *r;
	char err[DETAIL_MAX + 1];
	const char *why;

	if (rq->reply_to != NULL && !request_reply_ok(e, rq))
		request_not_yours(e, rq);
	else if (oncall_request(e, rq))
		;
	else if (enroll_request(e, rq))
		;
	else if (console_request(e, rq))
		;
	else if (boardreport_request(e, rq))
		;
	else if (msg_query_decode(rq->p, rq->len, q, err, sizeof err) !=
	    MSG_OK)
		request_refuse(e, rq, -1, err);
	else if (rq->reply_to == NULL)
		request_refuse(e, rq, q->method, REQUEST_NO_REPLY_TO);
	else if (request_may_query(e, rq->who, err, sizeof err) != NULL)
		request_refuse(e, rq, q->method, err);
	else if (query_is_read(q->method))
		request_answer(e, rq, query_read(e->st, q));
	else {
		r = msg_reply_new(q->method);
		if ((why = request_write(e, rq->who, q, r)) != NULL) {
			free(msg_reply_finish(r, why));
			request_refuse(e, rq, q->method, why);
		} else
			request_answer(e, rq, msg_reply_finish(r, NULL));
	}
	free(q);
}

void
request_handle(struct engine *e, const struct request *rq)
{
	struct request own = *rq;
	char err[DETAIL_MAX + 1];

	if (msg_request_chunk(rq->p, rq->len, &own.chunk, err,
	    sizeof err) != 0)
		request_refuse(e, rq, -1, err);
	else
		request_dispatch(e, &own);
}

const char *
request_unanswerable(const struct request *rq, int rc, const char *err)
{
	if (rc != MSG_OK)
		return err;
	return rq->reply_to == NULL ? REQUEST_NO_REPLY_TO : NULL;
}
