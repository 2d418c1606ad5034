/*
 * Supervisors' read requests, answered from the database: the same rows
 * `beacon incidents|timeline|debrief --db` read, as a reply object
 * (docs/protocol.md, "Supervisor requests").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "query.h"
#include "store.h"
#include "xmalloc.h"

typedef const char *(*query_fn)(struct store *, const struct query *,
    struct msg_reply *);

struct walk {
	struct msg_reply *reply;
	int n, limit;
};

static int
query_add_incident(const struct incident *inc, void *arg)
{
	struct walk *w = arg;

	if (w->n++ == w->limit) {
		msg_reply_set_int(w->reply, "more", 1);
		return 1;
	}
	msg_reply_add(w->reply, "incidents", msg_incident_encode(inc));
	return 0;
}

static const char *
query_incidents(struct store *st, const struct query *q, struct msg_reply *r)
{
	struct incident_filter f;
	struct walk w = { r, 0, q->limit > 0 ? q->limit : QUERY_LIMIT };

	store_filter_init(&f);
	f.since = q->since;
	f.until = q->until;
	f.branch = q->branch[0] ? q->branch : NULL;
	f.type = q->type[0] ? q->type : NULL;
	f.responder = q->responder[0] ? q->responder : NULL;
	f.severity = q->severity;
	f.state = q->state;
	f.open = q->open;
	f.drill = q->drill;
	f.outcome = q->outcome;
	f.limit = w.limit + 1; /* one more says there is more */
	if (store_incidents_filter(st, &f, query_add_incident, &w) != 0)
		return "the database could not be read";
	msg_reply_set_int(r, "count", w.n > w.limit ? w.limit : w.n);
	return NULL;
}

static int
query_add_event(const struct event *ev, void *arg)
{
	msg_reply_add(arg, "events", msg_event_encode(ev));
	return 0;
}

static const char *
query_incident(struct store *st, int64_t id, struct incident *inc)
{
	static char err[64];
	int rc = store_incident_get(st, id, inc);

	if (rc < 0)
		return "the database could not be read";
	if (rc == 0) {
		snprintf(err, sizeof err, "incident %lld does not exist",
		    (long long)id);
		return err;
	}
	return NULL;
}

static const char *
query_timeline(struct store *st, const struct query *q, struct msg_reply *r)
{
	struct incident inc;
	const char *err;

	if ((err = query_incident(st, q->incident, &inc)) != NULL)
		return err;
	msg_reply_set_json(r, "incident", msg_incident_encode(&inc));
	msg_reply_add(r, "events", NULL); /* an empty list, not none */
	if (store_timeline(st, q->incident, query_add_event, r) != 0)
		return "the database could not be read";
	return NULL;
}

static int
query_add_debrief(const struct debrief_row *row, void *arg)
{
	msg_reply_add(arg, "debriefs", xstrdup(row->json));
	return 0;
}

static const char *
query_debrief(struct store *st, const struct query *q, struct msg_reply *r)
{
	struct incident inc;
	const char *err;

	if ((err = query_incident(st, q->incident, &inc)) != NULL)
		return err;
	msg_reply_add(r, "debriefs", NULL);
	if (store_debriefs(st, q->incident, !q->all, query_add_debrief,
	    r) != 0)
		return "the database could not be read";
	return NULL;
}

static const query_fn query_table[Q_COUNT] = {
	[Q_INCIDENTS] = query_incidents,
	[Q_TIMELINE] = query_timeline,
	[Q_DEBRIEF] = query_debrief,
};

int
query_is_read(int method)
{
	return method >= 0 && method < Q_COUNT && query_table[method] != NULL;
}

char *
query_read(struct store *st, const struct query *q)
{
	struct msg_reply *r = msg_reply_new(q->method);

	return msg_reply_finish(r, query_is_read(q->method) ?
	    query_table[q->method](st, q, r) : "not a read request");
}
