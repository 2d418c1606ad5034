/*
 * The history, from the database or from beacond. Locally the store's
 * walks are used as they are; remotely a request is made and the reply's
 * items are decoded into the same structs, so a command prints the same
 * whichever it was given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "cli.h"
#include "i18n.h"
#include "conn.h"
#include "msg.h"
#include "source.h"
#include "store.h"
#include "xmalloc.h"

struct source {
	const char *cmd;
	const struct cli_opts *o;
	struct store *st; /* NULL: remote */
	char *name;
};

struct source *
source_open(const char *cmd, const struct cli_opts *o, int *rc)
{
	struct source *s;
	char *cause = NULL;

	if (o->remote && o->as == NULL) {
		fprintf(stderr, _("beacon %s: --remote needs --as RESPONDER: "
		    "beacond answers supervisors by their id\n"), cmd);
		*rc = EXIT_LOCAL;
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->cmd = cmd;
	s->o = o;
	if (o->remote) {
		s->name = xasprintf("beacond (as %s)", o->as);
		return s;
	}
	if ((s->st = store_open(o->db, STORE_RDONLY, &cause)) == NULL) {
		fprintf(stderr, "beacon %s: %s\n", cmd, cause ? cause :
		    "cannot open the database");
		free(cause);
		free(s);
		*rc = EXIT_LOCAL;
		return NULL;
	}
	s->name = xstrdup(o->db);
	return s;
}

void
source_close(struct source *s)
{
	if (s == NULL)
		return;
	if (s->st != NULL)
		store_close(s->st);
	free(s->name);
	free(s);
}

void
source_filter(const struct cli_opts *o, struct incident_filter *f)
{
	store_filter_init(f);
	f->since = o->since;
	f->until = o->until;
	f->branch = o->branch;
	f->type = o->type;
	f->responder = o->responder;
	f->severity = o->severity;
	f->state = o->state;
	f->open = o->open;
	f->drill = o->drill ? 1 : o->no_drill ? 0 : -1;
	f->outcome = o->outcome;
}

/* ---- requests ------------------------------------------------------------ */

int
source_ask(const char *cmd, const struct cli_opts *o, const struct query *q,
    char **reply, size_t *len)
{
	return source_send(cmd, o, msg_query_encode(q), reply, len);
}

int
source_send(const char *cmd, const struct cli_opts *o, char *req,
    char **reply, size_t *len)
{
	char *cause = NULL;
	char err[DETAIL_MAX + 1];
	int rc;

	rc = conn_request(o->broker, o->prefix, o->as, req, o->timeout, reply,
	    len, &cause);
	free(req);
	if (rc != EXIT_OK) {
		if (cause != NULL)
			fprintf(stderr, "beacon: %s\n", cause);
		free(cause);
		return rc;
	}
	switch (msg_reply_decode(*reply, *len, NULL, NULL, NULL, err,
	    sizeof err)) {
	case MSG_OK:
		return EXIT_OK;
	case MSG_BAD:
		fprintf(stderr, _("beacon: %s refused: %s\n"), cmd, err);
		rc = EXIT_REFUSED;
		break;
	default:
		fprintf(stderr, "beacon: %s: %s\n", cmd, err);
		rc = EXIT_LOCAL;
		break;
	}
	free(*reply);
	*reply = NULL;
	return rc;
}

/* Walk the items of an ok reply under key, decoding each. */
struct source_walk {
	int (*decode)(struct source_walk *, const char *, size_t);
	store_incident_cb icb;
	store_event_cb ecb;
	source_debrief_cb dcb;
	void *arg;
	struct incident *inc;
	int64_t after_id;	/* incidents: skip ids up to this one */
	int64_t last_created;
	int64_t last_id;
	int stopped;		/* a callback returned non-zero */
	int bad;		/* an item could not be read */
};

static int
source_item(const char *json, size_t len, void *arg)
{
	struct source_walk *w = arg;

	if (w->stopped || w->bad)
		return 0;
	return w->decode(w, json, len);
}

static int
source_walk(const char *cmd, const char *reply, size_t len, const char *key,
    struct source_walk *w)
{
	char err[DETAIL_MAX + 1];

	if (msg_reply_decode(reply, len, key, source_item, w, err,
	    sizeof err) != MSG_OK || w->bad) {
		fprintf(stderr, _("beacon %s: beacond's answer cannot be "
		    "read%s%s\n"), cmd, w->bad ? "" : ": ", w->bad ? "" : err);
		return EXIT_LOCAL;
	}
	return EXIT_OK;
}

/* ---- incidents ----------------------------------------------------------- */

static int
source_incident_item(struct source_walk *w, const char *json, size_t len)
{
	struct incident inc;

	if (msg_incident_decode(json, len, &inc, NULL, 0) != MSG_OK) {
		w->bad = 1;
		return 1;
	}
	if (inc.id <= w->after_id)
		return 0;
	w->last_id = inc.id;
	w->last_created = inc.created;
	if (w->icb(&inc, w->arg) != 0)
		w->stopped = 1;
	return 0;
}

static void
source_query(struct query *q, int method, int64_t incident)
{
	memset(q, 0, sizeof *q);
	q->method = method;
	q->incident = incident;
	q->state = q->drill = -1;
}

static void
source_query_filter(struct query *q, const struct incident_filter *f)
{
	source_query(q, Q_INCIDENTS, 0);
	q->since = f->since;
	q->until = f->until;
	strlcpy_utf8(q->branch, f->branch ? f->branch : "", sizeof q->branch);
	strlcpy_utf8(q->type, f->type ? f->type : "", sizeof q->type);
	strlcpy_utf8(q->responder, f->responder ? f->responder : "",
	    sizeof q->responder);
	q->severity = f->severity;
	q->state = f->state;
	q->open = f->open;
	q->drill = f->drill;
	q->outcome = f->outcome;
}

/*
 * beacond answers at most a page of incidents, oldest first, and says
 * "more". The next page starts at the last one's creation time; the ids
 * already seen there are skipped.
 */
static int
source_incidents_remote(struct source *s, const struct incident_filter *f,
    store_incident_cb cb, void *arg)
{
	struct source_walk w = { .decode = source_incident_item, .icb = cb,
		.arg = arg };
	struct query q;
	char *reply;
	size_t len;
	int rc;

	source_query_filter(&q, f);
	for (;;) {
		rc = source_ask(s->cmd, s->o, &q, &reply, &len);
		if (rc != EXIT_OK)
			return rc;
		w.last_id = 0;
		rc = source_walk(s->cmd, reply, len, "incidents", &w);
		if (rc == EXIT_OK && !w.stopped && w.last_id > 0 &&
		    msg_reply_int(reply, len, "more") == 1) {
			q.since = w.last_created;
			w.after_id = w.last_id;
			free(reply);
			continue;
		}
		free(reply);
		return rc;
	}
}

int
source_incidents(struct source *s, const struct incident_filter *f,
    store_incident_cb cb, void *arg)
{
	if (s->st == NULL)
		return source_incidents_remote(s, f, cb, arg);
	if (store_incidents_filter(s->st, f, cb, arg) != 0) {
		fprintf(stderr, _("beacon %s: cannot read %s\n"), s->cmd,
		    s->name);
		return EXIT_LOCAL;
	}
	return EXIT_OK;
}

/* ---- timelines ----------------------------------------------------------- */

static int
source_event_item(struct source_walk *w, const char *json, size_t len)
{
	struct event ev;

	if (msg_event_decode(json, len, &ev, NULL, 0) != MSG_OK) {
		w->bad = 1;
		return 1;
	}
	if (w->ecb(&ev, w->arg) != 0)
		w->stopped = 1;
	return 0;
}

static int
source_head_item(struct source_walk *w, const char *json, size_t len)
{
	if (msg_incident_decode(json, len, w->inc, NULL, 0) != MSG_OK) {
		w->bad = 1;
		return 1;
	}
	return 0;
}

static int
source_timeline_remote(struct source *s, int64_t incident,
    struct incident *inc, store_event_cb cb, void *arg)
{
	struct source_walk head = { .decode = source_head_item, .inc = inc };
	struct source_walk ev = { .decode = source_event_item, .ecb = cb,
		.arg = arg };
	struct query q;
	char *reply;
	size_t len;
	int rc;

	source_query(&q, Q_TIMELINE, incident);
	if ((rc = source_ask(s->cmd, s->o, &q, &reply, &len)) != EXIT_OK)
		return rc;
	if ((rc = source_walk(s->cmd, reply, len, "incident", &head)) ==
	    EXIT_OK)
		rc = source_walk(s->cmd, reply, len, "events", &ev);
	free(reply);
	return rc;
}

/* The incident, or why not. */
static int
source_get(struct source *s, int64_t incident, struct incident *inc)
{
	switch (store_incident_get(s->st, incident, inc)) {
	case 1:
		return EXIT_OK;
	case 0:
		fprintf(stderr, _("beacon %s: no incident %lld in %s\n"),
		    s->cmd, (long long)incident, s->name);
		return EXIT_LOCAL;
	default:
		fprintf(stderr, _("beacon %s: cannot read %s\n"), s->cmd,
		    s->name);
		return EXIT_LOCAL;
	}
}

int
source_timeline(struct source *s, int64_t incident, struct incident *inc,
    store_event_cb cb, void *arg)
{
	int rc;

	if (s->st == NULL)
		return source_timeline_remote(s, incident, inc, cb, arg);
	if ((rc = source_get(s, incident, inc)) != EXIT_OK)
		return rc;
	if (store_timeline(s->st, incident, cb, arg) != 0) {
		fprintf(stderr, _("beacon %s: cannot read the timeline from "
		    "%s\n"),
		    s->cmd, s->name);
		return EXIT_LOCAL;
	}
	return EXIT_OK;
}

/* ---- debriefs ------------------------------------------------------------ */

static int
source_debrief_item(struct source_walk *w, const char *json, size_t len)
{
	struct debrief d;

	if (msg_debrief_decode(json, len, &d, NULL, 0) != MSG_OK) {
		w->bad = 1;
		return 1;
	}
	if (w->dcb(&d, w->arg) != 0)
		w->stopped = 1;
	return 0;
}

static int
source_debrief_row(const struct debrief_row *row, void *arg)
{
	return source_debrief_item(arg, row->json, strlen(row->json));
}

int
source_debriefs(struct source *s, int64_t incident, int all,
    source_debrief_cb cb, void *arg)
{
	struct source_walk w = { .decode = source_debrief_item, .dcb = cb,
		.arg = arg };
	struct incident inc;
	struct query q;
	char *reply;
	size_t len;
	int rc;

	if (s->st == NULL) {
		source_query(&q, Q_DEBRIEF, incident);
		q.all = all;
		rc = source_ask(s->cmd, s->o, &q, &reply, &len);
		if (rc != EXIT_OK)
			return rc;
		rc = source_walk(s->cmd, reply, len, "debriefs", &w);
		free(reply);
		return rc;
	}
	if ((rc = source_get(s, incident, &inc)) != EXIT_OK)
		return rc;
	if (store_debriefs(s->st, incident, !all, source_debrief_row, &w) !=
	    0 || w.bad) {
		fprintf(stderr, _("beacon %s: cannot read the debriefs from "
		    "%s\n"),
		    s->cmd, s->name);
		return EXIT_LOCAL;
	}
	return EXIT_OK;
}
