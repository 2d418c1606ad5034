/*
 * The transaction and outbox turn: each loop turn's writes go into one
 * transaction, opened by the first write (turn_touch); what it must
 * publish waits in struct turn until turn_flush has committed it (durable
 * before announced), the notifications first. That commit is the turn's
 * events with their records (lib/store_project.c); the projection (the
 * incidents and outbox rows) and the outbox's states are written by a
 * later transaction of their own (turn_project), which need not reach the
 * disk before the loop goes on.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

void
turn_init(struct turn *t, engine_publish_fn publish, engine_wakeup_fn wakeup,
    void *arg)
{
	t->publish = publish;
	t->wakeup = wakeup;
	t->arg = arg;
}

void
turn_set_push(struct turn *t, engine_push_fn push, void *arg)
{
	t->push = push;
	t->push_arg = arg;
}

/* Open this turn's transaction, once: if a failure rolled it back, the
 * rest of the turn must not write on its own. In degraded mode the
 * transaction starts with the backlog replayed into it. */
static void
turn_begin(struct engine *e)
{
	if (e->turn.in_txn || e->degraded.replaying || store_in_txn(e->st))
		return;
	e->turn.in_txn = 1;
	if (store_begin(e->st) != 0) {
		log_warnx("engine: cannot begin a transaction");
		return;
	}
	if (e->degraded.on)
		degraded_replay(e);
}

/* Open this turn's transaction and ask for a flush at the end of it. */
void
turn_touch(struct engine *e)
{
	turn_begin(e);
	if (!e->turn.woken && e->turn.wakeup != NULL) {
		e->turn.woken = 1;
		e->turn.wakeup(e->turn.arg);
	}
}

/* An input from outside: 1 if it is to be kept in this turn's backlog
 * (not while replaying). In degraded mode the replay comes first, so that
 * the input sees every incident accepted since the failure. */
int
turn_enter(struct engine *e)
{
	if (e->degraded.replaying)
		return 0;
	if (e->degraded.on)
		turn_touch(e);
	return 1;
}

/* Queue a publication; payload is taken over (NULL: empty). */
void
turn_queue(struct engine *e, char *topic, char *payload, int retain)
{
	struct turn *t = &e->turn;

	if (t->nout == t->outcap) {
		t->outcap = t->outcap ? t->outcap * 2 : 16;
		t->out = xreallocarray(t->out, t->outcap, sizeof *t->out);
	}
	memset(&t->out[t->nout], 0, sizeof t->out[t->nout]);
	t->out[t->nout].topic = topic;
	t->out[t->nout].payload = payload;
	t->out[t->nout].retain = retain;
	t->nout++;
	turn_touch(e);
}

static void
turn_outmsg_free(struct outmsg *m)
{
	free(m->topic);
	free(m->payload);
	free(m->corr);
	free(m->status);
	free(m->inc);
}

/* Queue a publication whose payload waits (turn_payload): returns its
 * entry, holding a copy of what it will say. */
static struct outmsg *
turn_queue_later(struct engine *e, char *topic, int retain)
{
	turn_queue(e, topic, NULL, retain);
	return &e->turn.out[e->turn.nout - 1];
}

/* Queue a reporter's status, encoded after the notifications are out:
 * what a responder waits for leaves first, and the encoding after. */
void
turn_queue_status(struct engine *e, char *topic, const struct status *s,
    int retain)
{
	turn_queue_later(e, topic, retain)->status = memcpy(xmalloc(sizeof
	    *s), s, sizeof *s);
}

/* Queue an incident's snapshot, encoded as a status is. */
void
turn_queue_incident(struct engine *e, char *topic, const struct incident *inc,
    int retain)
{
	turn_queue_later(e, topic, retain)->inc = memcpy(xmalloc(sizeof
	    *inc), inc, sizeof *inc);
}

/* A queued message's payload, encoded now if it waited. */
static const char *
turn_payload(struct outmsg *m)
{
	if (m->status != NULL) {
		m->payload = msg_status_encode(m->status);
		free(m->status);
		m->status = NULL;
	} else if (m->inc != NULL) {
		m->payload = msg_incident_encode(m->inc);
		free(m->inc);
		m->inc = NULL;
	}
	return m->payload != NULL ? m->payload : "";
}

/* Queue a reply to a request: to its response topic, with its
 * correlation data. */
void
turn_reply(struct engine *e, const char *reply_to, const void *corr,
    size_t corrlen, char *payload)
{
	struct outmsg *m;

	turn_queue(e, xstrdup(reply_to), payload, 0);
	m = &e->turn.out[e->turn.nout - 1];
	if (corr != NULL && corrlen > 0) {
		m->corr = xmalloc(corrlen);
		memcpy(m->corr, corr, corrlen);
		m->corrlen = corrlen;
	}
}

int
turn_append(struct engine *e, int64_t incident, const char *kind,
    const char *actor, int step, const char *detail)
{
	struct event ev;

	if (turn_enter(e))
		backlog_append(&e->turn.inputs, clock_now(), incident, kind,
		    actor, step, detail);
	memset(&ev, 0, sizeof ev);
	ev.incident = incident;
	ev.ts = clock_now();
	ev.step = step;
	strlcpy_utf8(ev.kind, kind, sizeof ev.kind);
	strlcpy_utf8(ev.actor, actor ? actor : "", sizeof ev.actor);
	strlcpy_utf8(ev.detail, detail ? detail : "", sizeof ev.detail);
	turn_touch(e);
	if (store_event_append(e->st, &ev) != 0) {
		log_warnx("incident=%lld event=%s: not recorded",
		    (long long)incident, kind);
		return -1;
	}
	return 0;
}

/* A committed notification goes to the push hook too: the topic says
 * which, so every kind of notice is pushed alike. */
static void
turn_push(struct engine *e, const struct outmsg *m)
{
	const char *who;

	if (e->turn.push == NULL || m->payload == NULL || (who =
	    topic_match(m->topic, e->cf->topic_prefix, TOPIC_NOTIFY)) == NULL)
		return;
	e->turn.push(e->turn.push_arg, who, m->payload);
}

static void
marks_add(struct marks *mk, int64_t id)
{
	if (mk->n == mk->cap) {
		mk->cap = mk->cap ? mk->cap * 2 : 64;
		mk->id = xreallocarray(mk->id, mk->cap, sizeof *mk->id);
	}
	mk->id[mk->n++] = id;
}

/*
 * The projection and the outbox states are written PROJECT_MS after the
 * turn that made them, by a transaction of their own, so that the commit a
 * notification waits for holds the record alone. A PUBACK does not cost a
 * commit of its own: under load, the states ride with the projection. A
 * state lost in a crash only means the notification is published again at
 * the next start (a repeat, never a gap); a projection lost is written
 * again from the records.
 */
static void
turn_project_due(struct engine *e)
{
	if (e->sched != NULL &&
	    timers_due(e->sched, e->turn.project_timer, 0) < 0)
		timers_at(e->sched, e->turn.project_timer, 0, clock_now() +
		    PROJECT_MS);
}

/* Write the outbox's new states: published first, so that a PUBACK
 * already seen lands on top of it. A mark that cannot be written costs a
 * repeat after a restart, never a gap. */
static void
turn_write_marks(struct engine *e)
{
	struct marks *mk[] = { &e->turn.published, &e->turn.delivered };
	int64_t now = clock_now();
	size_t i, j;

	for (i = 0; i < sizeof mk / sizeof *mk; i++) {
		for (j = 0; j < mk[i]->n; j++)
			if (store_outbox_mark(e->st, mk[i]->id[j], (int)i,
			    now) != 0)
				log_warnx("outbox=%lld: state not recorded",
				    (long long)mk[i]->id[j]);
		mk[i]->n = 0;
	}
}

/* The projection and the marks, in a transaction of their own. Not in a
 * turn's: one that is open (a deadline in the same loop pass) takes them
 * at its end instead. */
static void
turn_project(struct engine *e)
{
	if (e->degraded.on)
		return;
	if (e->turn.in_txn || store_in_txn(e->st)) {
		turn_project_due(e);
		return;
	}
	if (e->turn.published.n == 0 && e->turn.delivered.n == 0 &&
	    !store_proj_pending(e->st))
		return;
	if (store_begin_light(e->st) != 0) {
		store_rollback(e->st);
		return;
	}
	turn_write_marks(e);
	if (store_project(e->st) != 0 || store_commit(e->st) != 0) {
		log_warnx("engine: projection not written: %s; the records "
		    "hold it", store_error(e->st));
		store_rollback(e->st);
	}
}

void
turn_acked(struct engine *e, int64_t tag, int ok, const char *why)
{
	if (ok)
		marks_add(&e->turn.delivered, tag);
	else
		log_warnx("outbox=%lld event=notify_refused why=\"%s\": "
		    "published again at the next start", (long long)tag,
		    why ? why : "");
	turn_project_due(e);
}

/* Hand out the turn's publications: the notifications first (what a
 * responder waits for), then the statuses and snapshots, each in the order
 * queued. */
static void
turn_publish(struct engine *e, int failed)
{
	const char *payload;
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < e->turn.nout; i++) {
			struct outmsg *m = &e->turn.out[i];

			if ((pass == 0) != (m->notice != 0))
				continue;
			payload = turn_payload(m);
			e->turn.publish(e->turn.arg, m->topic, payload,
			    strlen(payload), m->retain, m->corr, m->corrlen,
			    failed ? 0 : m->outbox);
			if (m->outbox > 0 && !failed)
				marks_add(&e->turn.published, m->outbox);
			turn_push(e, m);
		}
	for (i = 0; i < e->turn.nout; i++)
		turn_outmsg_free(&e->turn.out[i]);
	e->turn.nout = 0;
}

int
turn_flush(struct engine *e)
{
	int failed, committed = 0, recovered;

	e->turn.woken = 0;
	failed = store_failed(e->st);
	if (store_in_txn(e->st)) {
		if (!failed && store_commit(e->st) == 0)
			committed = 1;
		else {
			failed = 1;
			store_rollback(e->st);
		}
	}
	/* in_turn still set: the notices queued here open no transaction. */
	if (failed)
		degraded_enter(e);
	else if (e->degraded.on && committed && e->degraded.replayed)
		degraded_leave(e);
	e->turn.in_txn = 0;
	backlog_clear(&e->turn.inputs);
	recovered = e->degraded.replayed && !e->degraded.on;
	e->degraded.replayed = 0;
	/* Safety first: in degraded mode what this turn decided goes out
	 * although it is not recorded yet (it is kept in the backlog). */
	turn_publish(e, failed);
	/* A burst: the rows written now, once the news is out, so that the
	 * incidents waiting in memory stay few. */
	if (!failed && store_proj_backlog(e->st) >= PROJECT_MAX)
		turn_project(e);
	else if (!failed && (store_proj_pending(e->st) ||
	    e->turn.published.n > 0 || e->turn.delivered.n > 0))
		turn_project_due(e);
	/* The WAL's copy into the database waits until this turn's news is
	 * out (daemon/store.c, "checkpoints"). */
	if (!failed && store_checkpoint_due(e->st))
		store_checkpoint(e->st);
	/* What the outage sent from memory has no outbox row of its own, and
	 * a report whose rows could not even be built was not routed: every
	 * notification written by the recovery goes out again (a repeat
	 * rather than a gap), in the next turn. */
	if (recovered)
		turn_resend(e);
	return failed ? -1 : 0;
}

/* Queue a notification for a responder through the outbox: the row is
 * written in this turn's transaction, and the publication carries its id
 * so that the PUBACK marks it delivered. payload is taken over. */
void
turn_notice(struct engine *e, int64_t incident, const char *who,
    char *payload, int64_t now)
{
	turn_notice_recipe(e, incident, who, payload, NULL, now);
}

/* The same for a step's notification, which the record keeps as its
 * recipe (taken over too; NULL: none). */
void
turn_notice_recipe(struct engine *e, int64_t incident, const char *who,
    char *payload, char *recipe, int64_t now)
{
	char *topic = topic_make(e->cf->topic_prefix, TOPIC_NOTIFY, who, NULL);
	int64_t id;

	turn_touch(e);
	id = store_outbox_add_recipe(e->st, incident, who, topic, payload,
	    recipe, now);
	free(recipe);
	if (id < 0)
		log_warnx("incident=%lld responder=%s: outbox row not recorded",
		    (long long)incident, who);
	turn_queue(e, topic, payload, 0);
	e->turn.out[e->turn.nout - 1].outbox = id > 0 ? id : 0;
	e->turn.out[e->turn.nout - 1].notice = 1;
}

/* An outbox row the broker never acknowledged, copied out of the walk. */
struct resend {
	int64_t id, incident;
	char *responder, *topic, *payload;
	int attempts;
};

struct resends {
	struct resend *r;
	size_t n, cap;
};

static int
turn_resend_collect(const struct outbox_row *row, void *arg)
{
	struct resends *rs = arg;
	struct resend *r;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->r = xreallocarray(rs->r, rs->cap, sizeof *rs->r);
	}
	r = &rs->r[rs->n++];
	r->id = row->id;
	r->incident = row->incident;
	r->responder = xstrdup(row->responder);
	r->topic = xstrdup(row->topic);
	r->payload = xstrdup(row->payload);
	r->attempts = row->attempts;
	return 0;
}

/* A row rebuilt from the record holds its notification's recipe: the
 * notification made again from the incident as it is now. */
static void
turn_derive(struct engine *e, struct resend *r)
{
	const struct conf_category *cat;
	struct incident *inc;
	struct notify n;
	char role[ID_MAX + 1];
	int step, repeat;
	int64_t ts;

	if (!msg_notify_recipe_decode(r->payload, role, sizeof role, &step,
	    &repeat, &ts))
		return;
	inc = xmalloc(sizeof *inc);
	if (store_incident_get(e->st, r->incident, inc) == 1) {
		cat = conf_category(e->cf, inc->r.type);
		memset(&n, 0, sizeof n);
		n.inc = inc;
		n.lang = conf_responder_lang(e->cf, r->responder, inc->branch);
		n.label = cat ? conf_category_label(cat, n.lang) : inc->r.type;
		n.role = role;
		n.step = step;
		n.repeat = repeat;
		n.ts = ts;
		free(r->payload);
		r->payload = msg_notify_encode(&n);
	}
	free(inc);
}

/* Publish again what the broker never acknowledged, each attempt on the
 * incident's timeline: a responder may see a repeat, never a gap. */
int
turn_resend(struct engine *e)
{
	struct resends rs = { NULL, 0, 0 };
	char detail[DETAIL_MAX + 1];
	const char *why = e->degraded.since > 0 ? "database outage" :
	    "restart";
	size_t i;
	int rc;

	rc = store_outbox_undelivered(e->st, turn_resend_collect, &rs);
	for (i = 0; i < rs.n; i++) {
		struct resend *r = &rs.r[i];

		turn_derive(e, r);
		if (r->attempts == 0)
			snprintf(detail, sizeof detail, "published again after "
			    "a %s: outbox %lld was pending", why,
			    (long long)r->id);
		else
			snprintf(detail, sizeof detail, "published again after "
			    "a %s: outbox %lld had %d attempt%s without "
			    "a PUBACK", why, (long long)r->id, r->attempts,
			    r->attempts == 1 ? "" : "s");
		turn_append(e, r->incident, "renotified", r->responder, -1,
		    detail);
		log_info("incident=%lld event=renotified responder=%s "
		    "outbox=%lld attempts=%d", (long long)r->incident,
		    r->responder, (long long)r->id, r->attempts);
		turn_queue(e, r->topic, r->payload, 0);
		e->turn.out[e->turn.nout - 1].outbox = r->id;
		e->turn.out[e->turn.nout - 1].notice = 1;
		free(r->responder);
	}
	free(rs.r);
	return rc;
}

/* Forget the publications queued since from (a replay's: they went out
 * when its inputs first came in). */
void
turn_discard(struct engine *e, size_t from)
{
	size_t i;

	for (i = from; i < e->turn.nout; i++)
		turn_outmsg_free(&e->turn.out[i]);
	e->turn.nout = from;
}

void
turn_free(struct turn *t)
{
	size_t i;

	for (i = 0; i < t->nout; i++)
		turn_outmsg_free(&t->out[i]);
	free(t->out);
	free(t->published.id);
	free(t->delivered.id);
	backlog_free(&t->inputs);
}

/* A deadline fell due: kept in this turn's inputs (not while replaying),
 * so that degraded mode replays it with the others. */
void
turn_deadline(struct engine *e, int timer, int64_t id, int64_t due)
{
	if (turn_enter(e))
		backlog_deadline(&e->turn.inputs, clock_now(), timer, id, due);
}

static void
turn_project_timer(int64_t id, int64_t due, void *arg)
{
	struct engine *e = arg;

	(void)id;
	(void)due;
	turn_project(e);
}

void
turn_timers(struct engine *e)
{
	e->turn.project_timer = timers_handler(e->sched, "project",
	    turn_project_timer, e);
}

/* Write the records the rows lack (a crash, or the partner's last commits
 * before a takeover). */
int
turn_rebuild(struct engine *e)
{
	long incidents, outbox;

	if (store_rebuild(e->st, &incidents, &outbox) != 0)
		return -1;
	if (incidents > 0 || outbox > 0)
		log_info("event=rebuilt incidents=%ld outbox=%ld: written "
		    "from the timeline's records", incidents, outbox);
	return 0;
}

/* Before the engine goes: the rows, written now. */
void
turn_stop(struct engine *e)
{
	if (e->sched != NULL)
		timers_cancel(e->sched, e->turn.project_timer, 0);
	turn_project(e);
}
