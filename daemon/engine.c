/*
 * The incident engine: reports become incidents, incidents are routed by
 * their category's escalation policy, responders answer. Everything is
 * written to the store first; what must be published waits in e->out until
 * engine_flush() has committed the transaction (durable before announced).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conf.h"
#include "engine.h"
#include "log.h"
#include "msg.h"
#include "rules.h"
#include "sched.h"
#include "store.h"
#include "xmalloc.h"

struct outmsg {
	char *topic;
	char *payload; /* NULL: an empty payload (clears a retained message) */
	int retain;
};

struct engine {
	const struct config *cf;
	struct store *st;
	struct sched *sched;
	engine_publish_fn publish;
	engine_wakeup_fn wakeup;
	void *arg;
	int woken; /* a flush has been asked for this turn */

	struct outmsg *out;
	size_t nout, outcap;

	char *topics[3];
};

struct engine *
engine_new(const struct config *cf, struct store *st, engine_publish_fn pub,
    engine_wakeup_fn wakeup, void *arg)
{
	struct engine *e = xcalloc(1, sizeof *e);

	e->st = st;
	e->publish = pub;
	e->wakeup = wakeup;
	e->arg = arg;
	engine_set_config(e, cf);
	return e;
}

static void
engine_free_topics(struct engine *e)
{
	free(e->topics[0]);
	free(e->topics[1]);
	e->topics[0] = e->topics[1] = NULL;
}

void
engine_free(struct engine *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nout; i++) {
		free(e->out[i].topic);
		free(e->out[i].payload);
	}
	free(e->out);
	engine_free_topics(e);
	free(e);
}

void
engine_set_sched(struct engine *e, struct sched *s)
{
	e->sched = s;
}

void
engine_set_config(struct engine *e, const struct config *cf)
{
	e->cf = cf;
	engine_free_topics(e);
	e->topics[0] = xasprintf("%s/report/+", cf->topic_prefix);
	e->topics[1] = xasprintf("%s/respond/+", cf->topic_prefix);
	e->topics[2] = NULL;
}

const char *const *
engine_topics(struct engine *e)
{
	return (const char *const *)e->topics;
}

/* Open this turn's transaction and ask for a flush at the end of it. */
static void
engine_touch(struct engine *e)
{
	if (!store_in_txn(e->st) && store_begin(e->st) != 0)
		log_warnx("engine: cannot begin a transaction");
	if (!e->woken && e->wakeup != NULL) {
		e->woken = 1;
		e->wakeup(e->arg);
	}
}

/* Queue a publication; payload is taken over (NULL: empty). */
static void
engine_queue(struct engine *e, char *topic, char *payload, int retain)
{
	if (e->nout == e->outcap) {
		e->outcap = e->outcap ? e->outcap * 2 : 16;
		e->out = xreallocarray(e->out, e->outcap, sizeof *e->out);
	}
	e->out[e->nout].topic = topic;
	e->out[e->nout].payload = payload;
	e->out[e->nout].retain = retain;
	e->nout++;
	engine_touch(e);
}

int
engine_flush(struct engine *e)
{
	size_t i, n = e->nout;
	int rc = 0;

	e->woken = 0;
	if (store_in_txn(e->st) && store_commit(e->st) != 0) {
		/* Nothing may be announced that is not recorded. */
		log_warnx("engine: commit failed; %zu messages withheld", n);
		store_rollback(e->st);
		rc = -1;
	}
	for (i = 0; i < n; i++) {
		struct outmsg *m = &e->out[i];

		if (rc == 0)
			e->publish(e->arg, m->topic, m->payload ? m->payload :
			    "", m->payload ? strlen(m->payload) : 0, m->retain);
		free(m->topic);
		free(m->payload);
	}
	e->nout = 0;
	return rc;
}

static const char *
role_label(const struct config *cf, const char *role)
{
	const struct conf_role *r = config_role(cf, role);

	return r != NULL ? r->label : role;
}

static const char *
responder_role(const struct config *cf, const char *id)
{
	const struct conf_responder *rp = config_responder(cf, id);

	return rp != NULL ? rp->role : "";
}

/* Append an event to the incident's timeline. */
static void
engine_event(struct engine *e, struct incident *inc, int64_t now,
    const char *kind, const char *actor, int step, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void
engine_event(struct engine *e, struct incident *inc, int64_t now,
    const char *kind, const char *actor, int step, const char *fmt, ...)
{
	struct event ev;
	va_list ap;

	memset(&ev, 0, sizeof ev);
	ev.incident = inc->id;
	ev.ts = now;
	ev.step = step;
	strlcpy_utf8(ev.kind, kind, sizeof ev.kind);
	strlcpy_utf8(ev.actor, actor ? actor : "", sizeof ev.actor);
	va_start(ap, fmt);
	vsnprintf(ev.detail, sizeof ev.detail, fmt, ap);
	va_end(ap);
	engine_touch(e);
	if (store_event_append(e->st, &ev) != 0)
		log_warnx("incident=%lld event=%s: not recorded",
		    (long long)inc->id, kind);
	strlcpy_utf8(inc->last_kind, kind, sizeof inc->last_kind);
	strlcpy_utf8(inc->last_by, actor ? actor : "", sizeof inc->last_by);
	inc->last_ts = now;
}

static char *
engine_topic(struct engine *e, const char *kind, const char *a, const char *b)
{
	if (b != NULL)
		return xasprintf("%s/%s/%s/%s", e->cf->topic_prefix, kind, a, b);
	return xasprintf("%s/%s/%s", e->cf->topic_prefix, kind, a);
}

/* Publish the reporter's status and the incident topic. Retained while the
 * incident is open; when it closes, the last word is sent unretained and
 * the retained copies are cleared. */
static void
engine_announce(struct engine *e, const struct incident *inc,
    const char *by, const char *message)
{
	struct status s;
	char id[24];
	int open = state_open(inc->state);

	memset(&s, 0, sizeof s);
	strlcpy_utf8(s.report, inc->r.id, sizeof s.report);
	s.incident = inc->id;
	s.state = inc->state;
	strlcpy_utf8(s.by, by ? by : "", sizeof s.by);
	strlcpy_utf8(s.by_role, by ? responder_role(e->cf, by) : "",
	    sizeof s.by_role);
	s.notified = inc->notified;
	s.call_911 = inc->call_911;
	s.drill = inc->r.drill;
	s.silent = inc->r.silent;
	strlcpy_utf8(s.message, message, sizeof s.message);
	s.ts = inc->updated;
	engine_queue(e, engine_topic(e, "status", inc->branch, inc->r.id),
	    msg_status_encode(&s), open);
	snprintf(id, sizeof id, "%lld", (long long)inc->id);
	engine_queue(e, engine_topic(e, "incident", id, NULL),
	    msg_incident_encode(inc), open);
	if (!open) {
		engine_queue(e, engine_topic(e, "status", inc->branch,
		    inc->r.id), NULL, 1);
		engine_queue(e, engine_topic(e, "incident", id, NULL), NULL, 1);
	}
}

static void
engine_save(struct engine *e, struct incident *inc, int64_t now)
{
	inc->updated = now;
	engine_touch(e);
	if (store_incident_update(e->st, inc) != 0)
		log_warnx("incident=%lld: state not recorded",
		    (long long)inc->id);
	if (e->sched == NULL)
		return;
	if (inc->due_at >= 0 && state_open(inc->state))
		sched_at(e->sched, inc->id, inc->due_at);
	else
		sched_cancel(e->sched, inc->id);
}

/* ---- routing ---------------------------------------------------------- */

static const struct conf_policy *
engine_policy(struct engine *e, const struct incident *inc)
{
	const struct conf_policy *pol = config_policy(e->cf, inc->policy);
	const struct conf_category *cat;

	/* A policy removed by a reload: fall back to the category's. */
	if (pol == NULL && (cat = config_category(e->cf, inc->r.type)) != NULL)
		pol = cat->pol;
	return pol;
}

static void
engine_notify_one(struct engine *e, struct incident *inc,
    const struct conf_responder *rp, const char *role, int step, int repeat,
    int64_t now)
{
	const struct conf_category *cat = config_category(e->cf, inc->r.type);
	struct notify n = { inc, cat ? cat->label : inc->r.type, role, step,
		repeat, now };

	engine_queue(e, engine_topic(e, "notify", rp->id, NULL),
	    msg_notify_encode(&n), 0);
}

/* Join role labels into buf: "crisis worker, security". */
static const char *
engine_roles_text(struct engine *e, const struct route *rt, char *buf,
    size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < rt->nempty && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
		    role_label(e->cf, rt->empty[i]));
	return buf;
}

/* Notify step `step`; returns how many responders it reached. Roles with
 * nobody are appended to `empty`. */
static size_t
engine_fire(struct engine *e, struct incident *inc, int step, int64_t now,
    char *empty, size_t emptylen)
{
	const struct conf_policy *pol = engine_policy(e, inc);
	struct route rt;
	char roles[256];
	size_t i;

	if (pol == NULL || rules_route(e->cf, pol, inc->branch,
	    inc->r.severity, step, &rt) != 0)
		return 0;
	for (i = 0; i < rt.n; i++) {
		if (store_was_notified(e->st, inc->id, rt.who[i]->id) == 0)
			inc->notified++;
		engine_event(e, inc, now, "notified", rt.who[i]->id, step,
		    "role=%s", rt.role[i]);
		engine_notify_one(e, inc, rt.who[i], rt.role[i], step, 0, now);
		log_info("incident=%lld event=notified step=%d responder=%s",
		    (long long)inc->id, step + 1, rt.who[i]->id);
	}
	if (rt.nempty > 0) {
		engine_roles_text(e, &rt, roles, sizeof roles);
		engine_event(e, inc, now, "no_one_available", NULL, step,
		    "no one available: %s", roles);
		log_info("incident=%lld event=no_one_available step=%d "
		    "roles=\"%s\"", (long long)inc->id, step + 1, roles);
		if (empty[0] != '\0')
			strncat(empty, ", ", emptylen - strlen(empty) - 1);
		strncat(empty, roles, emptylen - strlen(empty) - 1);
	}
	inc->step = step;
	inc->step_at = now;
	return rt.n;
}

/* Fire `step`, and the steps after it at once while a step reaches
 * nobody. Sets the next deadline. Returns the responders reached. */
static size_t
engine_route(struct engine *e, struct incident *inc, int step, int64_t now,
    char *empty, size_t emptylen)
{
	const struct conf_policy *pol = engine_policy(e, inc);
	size_t n = 0;

	empty[0] = '\0';
	inc->due_at = -1;
	if (pol == NULL)
		return 0;
	for (; (size_t)step < pol->nsteps; step++)
		if ((n = engine_fire(e, inc, step, now, empty, emptylen)) > 0)
			break;
	if (!rules_next(pol, inc->step, inc->step_at, now, &inc->due_at,
	    &inc->due_step))
		inc->due_at = -1;
	if (inc->state == ST_RECEIVED)
		inc->state = ST_ROUTED;
	return n;
}

/* The reporter's sentence after a routing step. */
static void
engine_routed_text(const struct incident *inc, size_t reached, int first,
    const char *empty, char *buf, size_t len)
{
	const char *call = inc->call_911 ? ", CALL 911" : "";

	if (inc->notified == 0)
		snprintf(buf, len, "no one available: call the person in "
		    "charge%s", call);
	else if (first)
		snprintf(buf, len, "routed: %d responder%s notified%s%s%s",
		    inc->notified, inc->notified == 1 ? "" : "s", call,
		    empty[0] ? "; no one available: " : "", empty);
	else if (reached > 0)
		snprintf(buf, len, "no acknowledgment yet: escalated to step "
		    "%d, %zu more responder%s notified%s%s%s", inc->step + 1,
		    reached, reached == 1 ? "" : "s", call,
		    empty[0] ? "; no one available: " : "", empty);
	else
		snprintf(buf, len, "no acknowledgment yet and no one else "
		    "available: call the person in charge%s", call);
}

static void
engine_escalate(struct engine *e, struct incident *inc, int step, int64_t now)
{
	char empty[256], text[DETAIL_MAX + 1];
	size_t n;

	n = engine_route(e, inc, step, now, empty, sizeof empty);
	engine_routed_text(inc, n, step == 0, empty, text, sizeof text);
	if (step > 0)
		engine_event(e, inc, now, "escalated", NULL, inc->step, "%s",
		    text);
	engine_save(e, inc, now);
	engine_announce(e, inc, NULL, text);
}

/* ---- reports ---------------------------------------------------------- */

static void
engine_reply_error(struct engine *e, const char *topic, const char *segment,
    const char *report, int64_t incident, const char *error, const void *p,
    size_t len)
{
	int64_t now = clock_now();

	engine_touch(e);
	store_reject(e->st, now, topic, report, error, p, len);
	log_info("event=refused topic=%s error=\"%s\"", topic, error);
	engine_queue(e, engine_topic(e, "error", segment, NULL),
	    msg_error_encode(error, topic, report, incident, now), 0);
}

static void
engine_reject(struct engine *e, const char *topic, const char *branch,
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
	engine_touch(e);
	store_reject(e->st, s.ts, topic, id, error, p, len);
	log_info("event=rejected branch=%s report=%s error=\"%s\"", branch, id,
	    error);
	engine_queue(e, engine_topic(e, "status", branch, id),
	    msg_status_encode(&s), 0);
}

/* The same report id again: record it and say where it stands. */
static void
engine_duplicate(struct engine *e, struct incident *inc)
{
	int64_t now = clock_now();

	engine_event(e, inc, now, "duplicate", inc->r.device, -1,
	    "report %s received again", inc->r.id);
	log_info("incident=%lld event=duplicate report=%s", (long long)inc->id,
	    inc->r.id);
	engine_announce(e, inc, inc->acked_by[0] ? inc->acked_by : NULL,
	    state_open(inc->state) ? "received again: already being handled" :
	    "received again: this incident is resolved");
}

static void
engine_open(struct engine *e, const char *branch, const struct report *r,
    const struct conf_category *cat)
{
	struct incident inc;
	int64_t now = clock_now();

	memset(&inc, 0, sizeof inc);
	strlcpy_utf8(inc.branch, branch, sizeof inc.branch);
	inc.r = *r;
	inc.r.severity = rules_severity(cat, r->severity);
	strlcpy_utf8(inc.policy, cat->policy, sizeof inc.policy);
	inc.state = ST_RECEIVED;
	inc.call_911 = rules_call_911(e->cf, inc.r.severity);
	inc.created = inc.updated = inc.step_at = now;
	inc.step = -1;
	inc.due_at = -1;
	engine_touch(e);
	if (store_incident_insert(e->st, &inc) != 0) {
		log_warnx("branch=%s report=%s: incident not recorded", branch,
		    r->id);
		return;
	}
	engine_event(e, &inc, now, "reported", r->device, -1,
	    "%s%s, severity %d%s%s", r->drill ? "DRILL: " : "", cat->label,
	    inc.r.severity, r->location[0] ? ", at " : "", r->location);
	log_info("incident=%lld event=reported branch=%s type=%s severity=%d "
	    "report=%s%s", (long long)inc.id, branch, r->type, inc.r.severity,
	    r->id, r->drill ? " drill=1" : "");
	engine_announce(e, &inc, NULL, "received");
	if (cat->pol->steps[0].after > 0) {
		inc.due_at = now + (int64_t)cat->pol->steps[0].after * 1000;
		inc.due_step = 0;
		engine_save(e, &inc, now);
	} else
		engine_escalate(e, &inc, 0, now);
}

static void
engine_report(struct engine *e, const char *topic, const char *branch,
    const void *p, size_t len)
{
	const struct conf_category *cat = NULL;
	struct incident inc;
	struct report r;
	char err[DETAIL_MAX + 1];
	int rc;

	rc = msg_report_decode(p, len, &r, err, sizeof err);
	if (rc == MSG_NOID) {
		engine_reply_error(e, topic, branch, NULL, 0, err, p, len);
		return;
	}
	memset(&inc, 0, sizeof inc);
	if (store_incident_by_report(e->st, branch, r.id, &inc) == 1) {
		engine_duplicate(e, &inc);
		return;
	}
	if (rc == MSG_OK && config_branch(e->cf, branch) == NULL) {
		snprintf(err, sizeof err, "unknown branch \"%s\"", branch);
		rc = MSG_BAD;
	}
	if (rc == MSG_OK && (cat = config_category(e->cf, r.type)) == NULL) {
		snprintf(err, sizeof err, "type: unknown type \"%s\"", r.type);
		rc = MSG_BAD;
	}
	if (rc != MSG_OK)
		engine_reject(e, topic, branch, r.id, err, p, len);
	else
		engine_open(e, branch, &r, cat);
}

/* ---- responses -------------------------------------------------------- */

typedef void (*action_fn)(struct engine *, struct incident *, const char *,
    const struct respond *, int64_t);

static void
engine_say(struct engine *e, struct incident *inc, const char *who,
    int64_t now, const char *what, const char *tail)
{
	char text[DETAIL_MAX + 1];

	snprintf(text, sizeof text, "%s %s (%s)%s", what, who,
	    role_label(e->cf, responder_role(e->cf, who)), tail);
	engine_save(e, inc, now);
	engine_announce(e, inc, who, text);
}

static void
engine_ack(struct engine *e, struct incident *inc, const char *who,
    const struct respond *rs, int64_t now)
{
	engine_event(e, inc, now, "ack", who, inc->step, "%s", rs->note);
	if (inc->acked_by[0] == '\0')
		strlcpy_utf8(inc->acked_by, who, sizeof inc->acked_by);
	if (inc->state < ST_ACKNOWLEDGED)
		inc->state = ST_ACKNOWLEDGED;
	inc->due_at = -1;
	engine_say(e, inc, who, now, "acknowledged by", "");
}

static void
engine_decline(struct engine *e, struct incident *inc, const char *who,
    const struct respond *rs, int64_t now)
{
	const struct conf_policy *pol = engine_policy(e, inc);
	int waiting = inc->state < ST_ACKNOWLEDGED;
	int more = pol != NULL && (size_t)inc->step + 1 < pol->nsteps;

	engine_event(e, inc, now, "decline", who, inc->step, "%s", rs->note);
	engine_say(e, inc, who, now, "declined by", !waiting ? "" :
	    more ? "; escalating" : "; no further step: call the person in "
	    "charge");
	if (waiting && more)
		engine_escalate(e, inc, inc->step + 1, now);
}

static void
engine_arrived(struct engine *e, struct incident *inc, const char *who,
    const struct respond *rs, int64_t now)
{
	engine_event(e, inc, now, "arrived", who, inc->step, "%s", rs->note);
	if (inc->acked_by[0] == '\0')
		strlcpy_utf8(inc->acked_by, who, sizeof inc->acked_by);
	inc->state = ST_ON_SCENE;
	inc->due_at = -1;
	engine_say(e, inc, who, now, "on scene:", "");
}

static void
engine_resolve(struct engine *e, struct incident *inc, const char *who,
    const struct respond *rs, int64_t now)
{
	engine_event(e, inc, now, "resolve", who, inc->step, "%s", rs->note);
	inc->state = ST_RESOLVED;
	inc->due_at = -1;
	engine_say(e, inc, who, now, "resolved by", "");
}

static const action_fn action_table[ACT_COUNT] = {
	[ACT_ACK] = engine_ack,
	[ACT_DECLINE] = engine_decline,
	[ACT_ARRIVED] = engine_arrived,
	[ACT_RESOLVE] = engine_resolve,
};

/* Why a responder may not act on an incident, or NULL when it may. */
static const char *
engine_refusal(struct engine *e, const char *who, const struct incident *inc,
    int found, char *buf, size_t len)
{
	if (found != 1)
		snprintf(buf, len, "incident %lld does not exist",
		    (long long)inc->id);
	else if (!state_open(inc->state))
		snprintf(buf, len, "incident %lld is already resolved",
		    (long long)inc->id);
	else if (store_was_notified(e->st, inc->id, who) != 1)
		snprintf(buf, len, "%s was not notified for incident %lld",
		    who, (long long)inc->id);
	else
		return NULL;
	return buf;
}

static void
engine_respond(struct engine *e, const char *topic, const char *who,
    const void *p, size_t len)
{
	struct incident inc;
	struct respond rs;
	char err[DETAIL_MAX + 1];
	int found;

	if (msg_respond_decode(p, len, &rs, err, sizeof err) != MSG_OK) {
		engine_reply_error(e, topic, who, NULL, 0, err, p, len);
		return;
	}
	memset(&inc, 0, sizeof inc);
	found = store_incident_get(e->st, rs.incident, &inc);
	inc.id = rs.incident;
	if (engine_refusal(e, who, &inc, found, err, sizeof err) != NULL) {
		engine_reply_error(e, topic, who, NULL, rs.incident, err, p,
		    len);
		return;
	}
	log_info("incident=%lld event=%s responder=%s", (long long)inc.id,
	    action_name(rs.action), who);
	action_table[rs.action](e, &inc, who, &rs, clock_now());
}

/* ---- dispatch --------------------------------------------------------- */

typedef void (*topic_fn)(struct engine *, const char *, const char *,
    const void *, size_t);

static const struct {
	const char *kind;
	topic_fn fn;
} topic_table[] = {
	{ "report", engine_report },
	{ "respond", engine_respond },
};

void
engine_message(struct engine *e, const char *topic, const void *payload,
    size_t len)
{
	size_t plen = strlen(e->cf->topic_prefix), i, klen;
	const char *rest, *seg;

	if (strncmp(topic, e->cf->topic_prefix, plen) != 0 || topic[plen] != '/')
		return;
	rest = topic + plen + 1;
	if ((seg = strchr(rest, '/')) == NULL || strchr(seg + 1, '/') != NULL ||
	    seg[1] == '\0')
		return;
	klen = (size_t)(seg - rest);
	for (i = 0; i < sizeof topic_table / sizeof *topic_table; i++)
		if (strlen(topic_table[i].kind) == klen &&
		    strncmp(topic_table[i].kind, rest, klen) == 0)
			topic_table[i].fn(e, topic, seg + 1, payload, len);
}

/* ---- deadlines -------------------------------------------------------- */

static void
engine_repeat(struct engine *e, struct incident *inc, int64_t now)
{
	const struct conf_policy *pol = engine_policy(e, inc);
	struct route rt;
	int n;
	size_t i;

	if (pol == NULL || rules_route(e->cf, pol, inc->branch,
	    inc->r.severity, inc->step, &rt) != 0)
		return;
	n = (int)((now - inc->step_at) / 1000 /
	    (pol->steps[inc->step].repeat ? pol->steps[inc->step].repeat : 1));
	for (i = 0; i < rt.n; i++)
		engine_notify_one(e, inc, rt.who[i], rt.role[i], inc->step, n,
		    now);
	engine_event(e, inc, now, "repeated", NULL, inc->step,
	    "no acknowledgment: step %d repeated to %zu responder%s",
	    inc->step + 1, rt.n, rt.n == 1 ? "" : "s");
	if (!rules_next(pol, inc->step, inc->step_at, now, &inc->due_at,
	    &inc->due_step))
		inc->due_at = -1;
	engine_save(e, inc, now);
}

void
engine_deadline(struct engine *e, int64_t id, int64_t due)
{
	struct incident inc;
	int64_t now = clock_now();

	memset(&inc, 0, sizeof inc);
	if (store_incident_get(e->st, id, &inc) != 1 ||
	    !state_open(inc.state) || inc.state >= ST_ACKNOWLEDGED ||
	    inc.due_at < 0)
		return;
	/* Deadlines missed while beacond was down fire late, never not. */
	if (now - due > 1000) {
		log_info("incident=%lld event=late step=%d late_ms=%lld",
		    (long long)id, inc.due_step + 1, (long long)(now - due));
		engine_event(e, &inc, now, "late", NULL, inc.due_step,
		    "step %d fires %.1f s after its deadline", inc.due_step + 1,
		    (double)(now - due) / 1000);
	}
	if (inc.due_step == inc.step)
		engine_repeat(e, &inc, now);
	else
		engine_escalate(e, &inc, inc.due_step, now);
}

static int
engine_restore_one(const struct incident *inc, void *arg)
{
	struct engine *e = arg;

	sched_at(e->sched, inc->id, inc->due_at);
	return 0;
}

int
engine_restore(struct engine *e)
{
	int rc;

	rc = store_pending(e->st, engine_restore_one, e);
	log_info("event=restored pending=%zu", sched_count(e->sched));
	return rc;
}
