/*
 * The supervisor console's reads (docs/protocol.md, "The console's
 * requests"): what the account may see, the live board with who was
 * called and how each answered, the debriefs still to hold, the devices
 * and the branch modes in force. Supervisor requests like the others:
 * records.query_roles only, answered on the asker's response topic. Each
 * is limited to the branches the account covers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boardreport.h"
#include "engine_int.h"

#define CONSOLE_LIMIT 1000	/* items per answer, as the other reads */

struct console_ask {
	struct engine *e;
	const struct conf_responder *rp;
	const struct console_req *q;
	struct msg_reply *r;
	int64_t now;
	int n;
};

typedef const char *(*console_fn)(struct console_ask *);

/* ---- what the account may see ----------------------------------------- */

static int
console_covers(const struct console_ask *a, const char *branch)
{
	if (!conf_covers(a->rp, branch))
		return 0;
	return a->q->branch[0] == '\0' || strcmp(a->q->branch, branch) == 0;
}

static void
console_info_branches(struct console_ask *a)
{
	const struct config *cf = a->e->cf;
	struct msg_doc *d;
	size_t i;

	msg_reply_add(a->r, "branches", NULL);
	for (i = 0; i < cf->nbranches; i++) {
		if (!conf_covers(a->rp, cf->branches[i].id))
			continue;
		d = msg_doc_new();
		msg_doc_str(d, "branch", cf->branches[i].id);
		msg_doc_str(d, "name", cf->branches[i].name);
		msg_doc_str(d, "timezone", cf->branches[i].timezone);
		msg_reply_add(a->r, "branches", msg_doc_finish(d));
	}
}

static void
console_info_labels(struct console_ask *a)
{
	const struct config *cf = a->e->cf;
	struct msg_doc *d;
	size_t i;

	for (i = 0; i < cf->ncategories; i++) {
		d = msg_doc_new();
		msg_doc_str(d, "type", cf->categories[i].id);
		msg_doc_str(d, "label", cf->categories[i].label);
		msg_doc_int(d, "severity", cf->categories[i].severity);
		msg_reply_add(a->r, "categories", msg_doc_finish(d));
	}
	for (i = 0; i < cf->nroles; i++) {
		d = msg_doc_new();
		msg_doc_str(d, "role", cf->roles[i].id);
		msg_doc_str(d, "label", cf->roles[i].label);
		msg_reply_add(a->r, "roles", msg_doc_finish(d));
	}
}

/* Every responder, with the branches it covers ("*" spelled out). */
static void
console_info_responders(struct console_ask *a)
{
	const struct config *cf = a->e->cf;
	const struct conf_responder *rp;
	struct msg_doc *d;
	size_t i, j;

	for (i = 0; i < cf->nresponders; i++) {
		rp = &cf->responders[i];
		d = msg_doc_new();
		msg_doc_str(d, "id", rp->id);
		msg_doc_str(d, "role", rp->role);
		msg_doc_str(d, "label", engine_role_label(cf, rp->role));
		msg_doc_push_str(d, "branches", NULL);
		for (j = 0; j < cf->nbranches; j++)
			if (conf_covers(rp, cf->branches[j].id))
				msg_doc_push_str(d, "branches",
				    cf->branches[j].id);
		msg_reply_add(a->r, "responders", msg_doc_finish(d));
	}
}

static char *
console_debrief_conf(const struct config *cf)
{
	struct msg_doc *d = msg_doc_new();
	size_t i;

	if (cf->debrief_role != NULL)
		msg_doc_str(d, "role", cf->debrief_role);
	msg_doc_int(d, "due", cf->debrief_due);
	msg_doc_push_str(d, "referral_types", NULL);
	for (i = 0; i < cf->nreferral_types; i++)
		msg_doc_push_str(d, "referral_types", cf->referral_types[i]);
	msg_doc_push_str(d, "notice_types", NULL);
	for (i = 0; i < cf->nnotice_types; i++)
		msg_doc_push_str(d, "notice_types", cf->notice_types[i]);
	return msg_doc_finish(d);
}

static const char *
console_info(struct console_ask *a)
{
	const struct config *cf = a->e->cf;

	msg_reply_set_str(a->r, "responder", a->rp->id);
	msg_reply_set_str(a->r, "role", a->rp->role);
	msg_reply_set_str(a->r, "label", engine_role_label(cf, a->rp->role));
	console_info_branches(a);
	console_info_labels(a);
	console_info_responders(a);
	msg_reply_set_int(a->r, "life_severity", cf->life_severity);
	msg_reply_set_json(a->r, "debrief", console_debrief_conf(cf));
	msg_reply_set_bool(a->r, "report", boardreport_on());
	return NULL;
}

/* ---- the board: who was called and how each answered ------------------- */

enum { CS_NOTIFIED, CS_ACKED, CS_DECLINED, CS_ON_SCENE, CS_STOOD_DOWN };

static const char *const console_states[] = {
	[CS_NOTIFIED] = "notified", [CS_ACKED] = "acknowledged",
	[CS_DECLINED] = "declined", [CS_ON_SCENE] = "on_scene",
	[CS_STOOD_DOWN] = "stood_down",
};

struct console_seen {
	char id[ID_MAX + 1];
	int step;	/* first notified at; -1: answered unasked */
	int state;
	int64_t ts;	/* its latest change */
};

struct console_walk {
	struct console_seen v[FB_MAX];
	size_t n;
};

static struct console_seen *
console_seen(struct console_walk *w, const char *id, int add)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->v[i].id, id) == 0)
			return &w->v[i];
	if (!add || w->n == FB_MAX || id[0] == '\0')
		return NULL;
	memset(&w->v[w->n], 0, sizeof w->v[w->n]);
	strlcpy_utf8(w->v[w->n].id, id, sizeof w->v[w->n].id);
	w->v[w->n].step = -1;
	return &w->v[w->n++];
}

/* "reason=taken; 2 responders stood down: security-1, dispatch" */
static void
console_stood_down(struct console_walk *w, const struct event *ev)
{
	const char *p = strstr(ev->detail, "stood down: ");
	char id[ID_MAX + 1];
	struct console_seen *s;
	size_t n;

	if (p == NULL)
		return;
	for (p += strlen("stood down: "); *p != '\0'; p += n) {
		p += strspn(p, ", ");
		n = strcspn(p, ", ");
		snprintf(id, sizeof id, "%.*s", (int)n, p);
		s = console_seen(w, id, 0);
		if (s != NULL && s->state == CS_NOTIFIED) {
			s->state = CS_STOOD_DOWN;
			s->ts = ev->ts;
		}
	}
}

static const struct {
	const char *kind;
	int state;
} console_answers[] = {
	{ "ack", CS_ACKED },
	{ "decline", CS_DECLINED },
	{ "arrived", CS_ON_SCENE },
};

static int
console_event(const struct event *ev, void *arg)
{
	struct console_walk *w = arg;
	struct console_seen *s;
	size_t i;

	/* Debrief notices are "notified" events with step -1. */
	if (strcmp(ev->kind, "notified") == 0 && ev->step >= 0 &&
	    console_seen(w, ev->actor, 0) == NULL &&
	    (s = console_seen(w, ev->actor, 1)) != NULL) {
		s->step = ev->step;
		s->ts = ev->ts;
	} else if (strcmp(ev->kind, "stand_down") == 0)
		console_stood_down(w, ev);
	for (i = 0; i < sizeof console_answers / sizeof *console_answers; i++)
		if (strcmp(ev->kind, console_answers[i].kind) == 0 &&
		    (s = console_seen(w, ev->actor, 1)) != NULL) {
			s->state = console_answers[i].state;
			s->ts = ev->ts;
		}
	return 0;
}

/* One incident of the board: its topic object and its responders. */
static char *
console_board_item(struct console_ask *a, int64_t id, const char *json)
{
	const struct config *cf = a->e->cf;
	struct console_walk *w = xcalloc(1, sizeof *w);
	struct msg_doc *d = msg_doc_record(NULL, json), *c;
	const char *role;
	size_t i;

	if (store_timeline(a->e->st, id, console_event, w) != 0)
		log_warnx("console: incident %lld: timeline not read",
		    (long long)id);
	msg_doc_push_str(d, "responders", NULL);
	for (i = 0; i < w->n; i++) {
		role = engine_responder_role(cf, w->v[i].id);
		c = msg_doc_new();
		msg_doc_str(c, "id", w->v[i].id);
		msg_doc_str(c, "role", role);
		msg_doc_str(c, "label", engine_role_label(cf, role));
		msg_doc_int(c, "step", w->v[i].step);
		msg_doc_str(c, "state", console_states[w->v[i].state]);
		msg_doc_time(c, "ts", w->v[i].ts);
		msg_doc_push(d, "responders", c);
	}
	free(w);
	return msg_doc_finish(d);
}

/* The open incidents, encoded first: their timelines are read after the
 * walk, never inside it. */
struct console_open {
	struct console_ask *a;
	int64_t *ids;
	char **json;
	size_t n;
};

static int
console_open_add(const struct incident *inc, void *arg)
{
	struct console_open *o = arg;

	if (!console_covers(o->a, inc->branch))
		return 0;
	if (o->n == CONSOLE_LIMIT) {
		msg_reply_set_int(o->a->r, "more", 1);
		return 1;
	}
	o->ids[o->n] = inc->id;
	o->json[o->n++] = msg_incident_encode(inc);
	return 0;
}

static const char *
console_board_open(struct console_ask *a)
{
	struct console_open o = { a, NULL, NULL, 0 };
	struct incident_filter f;
	const char *err = NULL;
	size_t i;

	o.ids = xcalloc(CONSOLE_LIMIT, sizeof *o.ids);
	o.json = xcalloc(CONSOLE_LIMIT, sizeof *o.json);
	store_filter_init(&f);
	f.open = 1;
	f.branch = a->q->branch[0] ? a->q->branch : NULL;
	if (store_incidents_filter(a->e->st, &f, console_open_add, &o) != 0)
		err = "the database could not be read";
	for (i = 0; i < o.n; i++) {
		if (err == NULL)
			msg_reply_add(a->r, "incidents",
			    console_board_item(a, o.ids[i], o.json[i]));
		free(o.json[i]);
	}
	msg_reply_set_int(a->r, "count", (int64_t)o.n);
	free(o.ids);
	free(o.json);
	return err;
}

static const char *
console_board(struct console_ask *a)
{
	static char err[96];
	struct incident inc;
	char *json;
	int rc;

	msg_reply_add(a->r, "incidents", NULL);
	if (a->q->incident == 0)
		return console_board_open(a);
	if ((rc = store_incident_get(a->e->st, a->q->incident, &inc)) < 0)
		return "the database could not be read";
	if (rc == 0 || !console_covers(a, inc.branch)) {
		snprintf(err, sizeof err, "incident %lld does not exist at "
		    "your branches", (long long)a->q->incident);
		return err;
	}
	json = msg_incident_encode(&inc);
	msg_reply_add(a->r, "incidents", console_board_item(a, inc.id, json));
	msg_reply_set_int(a->r, "count", 1);
	free(json);
	return NULL;
}

/* ---- debriefs still to hold -------------------------------------------- */

static int
console_due_add(const struct debrief_due *d, void *arg)
{
	struct console_ask *a = arg;
	const struct conf_category *cat;
	struct incident inc;
	struct msg_doc *m;

	if (store_incident_get(a->e->st, d->incident, &inc) != 1 ||
	    !console_covers(a, inc.branch))
		return 0;
	if (a->n++ == CONSOLE_LIMIT) {
		msg_reply_set_int(a->r, "more", 1);
		return 1;
	}
	cat = conf_category(a->e->cf, inc.r.type);
	m = msg_doc_new();
	msg_doc_int(m, "incident", inc.id);
	msg_doc_str(m, "branch", inc.branch);
	msg_doc_str(m, "type", inc.r.type);
	msg_doc_str(m, "label", cat != NULL ? cat->label : inc.r.type);
	msg_doc_int(m, "severity", inc.r.severity);
	msg_doc_bool(m, "drill", inc.r.drill);
	msg_doc_time(m, "resolved", d->opened);
	msg_doc_time(m, "due", d->due_at);
	msg_doc_bool(m, "overdue", a->now >= d->due_at);
	msg_reply_add(a->r, "debriefs", msg_doc_finish(m));
	return 0;
}

static const char *
console_debriefs(struct console_ask *a)
{
	msg_reply_add(a->r, "debriefs", NULL);
	if (store_debrief_waiting(a->e->st, console_due_add, a) != 0)
		return "the database could not be read";
	return NULL;
}

/* ---- devices and branch modes ------------------------------------------ */

static int
console_device_add(const struct device *d, void *arg)
{
	struct console_ask *a = arg;

	if (!console_covers(a, d->branch))
		return 0;
	if (a->n++ == CONSOLE_LIMIT) {
		msg_reply_set_int(a->r, "more", 1);
		return 1;
	}
	msg_reply_add(a->r, "devices", msg_device_encode(d));
	return 0;
}

static const char *
console_devices(struct console_ask *a)
{
	msg_reply_add(a->r, "devices", NULL);
	if (store_devices(a->e->st, a->q->branch[0] ? a->q->branch : NULL,
	    console_device_add, a) != 0)
		return "the database could not be read";
	return NULL;
}

static int
console_mode_add(struct console_ask *a, const char *branch, const char *mode)
{
	struct branch_mode m;
	struct msg_doc *d;
	int rc = store_mode_get(a->e->st, branch, mode, &m);

	if (rc <= 0 || m.until <= a->now)
		return rc;
	d = msg_doc_new();
	msg_doc_str(d, "branch", branch);
	msg_doc_str(d, "mode", mode);
	msg_doc_time(d, "since", m.ts);
	msg_doc_time(d, "until", m.until);
	msg_doc_str(d, "by", m.actor);
	msg_reply_add(a->r, "modes", msg_doc_finish(d));
	return 0;
}

static const char *
console_modes(struct console_ask *a)
{
	const struct config *cf = a->e->cf;
	size_t i;

	msg_reply_add(a->r, "modes", NULL);
	for (i = 0; i < cf->nbranches; i++)
		if (console_covers(a, cf->branches[i].id) &&
		    (console_mode_add(a, cf->branches[i].id, "drill") < 0 ||
		    console_mode_add(a, cf->branches[i].id, "pause") < 0))
			return "the database could not be read";
	return NULL;
}

/* ---- the request ------------------------------------------------------- */

static const console_fn console_table[CONSOLE_COUNT] = {
	[CONSOLE_INFO] = console_info,
	[CONSOLE_BOARD] = console_board,
	[CONSOLE_DEBRIEFS] = console_debriefs,
	[CONSOLE_DEVICES] = console_devices,
	[CONSOLE_MODES] = console_modes,
};

/* A branch asked for must be one the account covers. */
static const char *
console_branch_ok(struct engine *e, const struct console_ask *a, char *buf,
    size_t len)
{
	const char *b = a->q->branch;

	if (b[0] == '\0')
		return NULL;
	if (conf_branch(e->cf, b) == NULL)
		snprintf(buf, len, "branch: unknown branch \"%s\"", b);
	else if (!conf_covers(a->rp, b))
		snprintf(buf, len, "branch: %s does not cover branch %s "
		    "(its branches in beacon.conf)", a->rp->id, b);
	else
		return NULL;
	return buf;
}

static const char *
console_answer(struct console_ask *a, char *err, size_t errlen)
{
	const char *why;

	msg_reply_set_str(a->r, "method", msg_console_method_name(a->q->method));
	if ((why = console_branch_ok(a->e, a, err, errlen)) != NULL)
		return why;
	return console_table[a->q->method](a);
}

int
console_request(struct engine *e, const struct request *rq)
{
	struct console_req q;
	struct console_ask a;
	char err[DETAIL_MAX + 1];
	const char *why;
	int rc;

	if ((rc = msg_console_decode(rq->p, rq->len, &q, err, sizeof err)) ==
	    MSG_NOID)
		return 0;
	if ((why = request_unanswerable(rq, rc, err)) == NULL)
		why = request_may_query(e, rq->who, err, sizeof err);
	if (why == NULL) {
		memset(&a, 0, sizeof a);
		a.e = e;
		a.rp = conf_responder(e->cf, rq->who);
		a.q = &q;
		a.now = clock_now();
		a.r = msg_reply_new(-1);
		msg_reply_set_time(a.r, "now", a.now);
		if ((why = console_answer(&a, err, sizeof err)) == NULL) {
			request_answer(e, rq, msg_reply_finish(a.r, NULL));
			return 1;
		}
		free(msg_reply_finish(a.r, why));
	}
	request_refuse(e, rq, -1, why);
	return 1;
}
