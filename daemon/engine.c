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

#include "alarms.h"
#include "backlog.h"
#include "clock.h"
#include "conf.h"
#include "duty.h"
#include "engine.h"
#include "health.h"
#include "limit.h"
#include "log.h"
#include "msg.h"
#include "oncall.h"
#include "query.h"
#include "rules.h"
#include "timers.h"
#include "store.h"
#include "xmalloc.h"

#define PURGE_FIRST_MS (5 * 60 * 1000)	/* after start-up */
#define PURGE_EVERY_MS (24 * 3600 * 1000) /* the daily retention job */
#define RETRY_MS 2000	/* degraded: try the database again this often */
#define LIMIT_KEYS 4096	/* senders counted in one window (limit.h) */
#define MARKS_MS 10	/* outbox states wait at most this for a commit */
#define MODE_MAX_MS (24 * 3600 * 1000LL) /* drill mode, pause: a day */

struct outmsg {
	char *topic;
	char *payload; /* NULL: an empty payload (clears a retained message) */
	int retain;
	void *corr;    /* a reply's correlation data, or NULL */
	size_t corrlen;
	int64_t outbox; /* a notification's outbox row, or 0 */
};

/* An open incident whose policy a reload changed keeps the one it started
 * with: a copy, until the incident closes. Sorted by incident. */
struct pin {
	int64_t incident;
	struct conf_policy *pol;
};

/* Outbox rows whose new state waits for the next transaction. */
struct marks {
	int64_t *id;
	size_t n, cap;
};

struct engine {
	const struct config *cf;
	struct store *st;
	struct timers *sched;
	engine_publish_fn publish;
	engine_wakeup_fn wakeup;
	void *arg;
	int woken; /* a flush has been asked for this turn */
	engine_push_fn push; /* notifications, after the commit */
	void *push_arg;

	struct outmsg *out;
	size_t nout, outcap;
	struct marks published, delivered;
	struct pin *pins;
	size_t npins;

	/* Degraded mode: the database takes no writes. */
	struct backlog turn;	/* this turn's inputs */
	struct backlog backlog;	/* every input since the first failure */
	int in_turn;		/* a transaction was begun this turn */
	int replaying;		/* inputs are being replayed: no output */
	int replayed;		/* this turn's transaction holds the backlog */
	int degraded;
	int64_t degraded_since;
	char degraded_why[256];

	/* Per-sender limits: what is over them is set aside. */
	struct limit *limits;
	int recorded;		/* this input is in e->turn */

	char *topics[6];

	/* Who is on duty: the run-time overrides in force (duty.h). */
	struct duty *duty;
	/* This report is a drill because its branch is in drill mode (set
	 * while it is being opened): said on its timeline. */
	struct branch_mode drill_mode;
	int in_drill_mode;
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
	e->limits = limit_new(LIMIT_KEYS);
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
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nout; i++) {
		free(e->out[i].topic);
		free(e->out[i].payload);
		free(e->out[i].corr);
	}
	free(e->out);
	free(e->published.id);
	free(e->delivered.id);
	backlog_free(&e->turn);
	backlog_free(&e->backlog);
	limit_free(e->limits);
	for (i = 0; i < e->npins; i++)
		conf_policy_free(e->pins[i].pol);
	free(e->pins);
	engine_free_topics(e);
	duty_free(e->duty);
	free(e);
}

void
engine_set_sched(struct engine *e, struct timers *s)
{
	e->sched = s;
}

void
engine_set_push(struct engine *e, engine_push_fn fn, void *arg)
{
	e->push = fn;
	e->push_arg = arg;
}

static int
pin_cmp(const void *a, const void *b)
{
	const struct pin *x = a, *y = b;

	return (x->incident > y->incident) - (x->incident < y->incident);
}

static struct pin *
engine_pin_find(struct engine *e, int64_t incident)
{
	struct pin key = { incident, NULL };

	if (e->npins == 0)
		return NULL;
	return bsearch(&key, e->pins, e->npins, sizeof *e->pins, pin_cmp);
}

static void
engine_unpin(struct engine *e, int64_t incident)
{
	struct pin *p = engine_pin_find(e, incident);

	if (p == NULL)
		return;
	conf_policy_free(p->pol);
	memmove(p, p + 1, (size_t)(e->pins + e->npins - (p + 1)) * sizeof *p);
	e->npins--;
}

struct repin {
	struct engine *e;
	const struct config *next;
	struct pin *add;
	size_t n;
};

/* An open incident under the old configuration: pin its policy if the
 * new one differs (or is gone). */
static int
engine_repin_one(const struct incident *inc, void *arg)
{
	struct repin *r = arg;
	const struct conf_policy *old, *next;

	if (engine_pin_find(r->e, inc->id) != NULL ||
	    (old = conf_policy(r->e->cf, inc->policy)) == NULL)
		return 0;
	next = conf_policy(r->next, inc->policy);
	if (conf_policy_equal(old, next))
		return 0;
	r->add = xreallocarray(r->add, r->n + 1, sizeof *r->add);
	r->add[r->n].incident = inc->id;
	r->add[r->n].pol = conf_policy_dup(old);
	r->n++;
	return 0;
}

/* Before a reload takes effect: every open incident whose policy changes
 * keeps the old one (docs/configuration.md, "Reloading"). */
static void
engine_repin(struct engine *e, const struct config *next)
{
	struct repin r = { e, next, NULL, 0 };

	if (e->cf == NULL || e->st == NULL)
		return;
	if (store_incidents(e->st, STORE_OPEN_ONLY, NULL, engine_repin_one,
	    &r) != 0)
		log_warnx("reload: cannot read the open incidents; they follow "
		    "the new policies");
	if (r.n == 0) {
		free(r.add);
		return;
	}
	e->pins = xreallocarray(e->pins, e->npins + r.n, sizeof *e->pins);
	memcpy(e->pins + e->npins, r.add, r.n * sizeof *r.add);
	e->npins += r.n;
	qsort(e->pins, e->npins, sizeof *e->pins, pin_cmp);
	free(r.add);
	log_info("event=policy_kept incidents=%zu", r.n);
}

void
engine_set_config(struct engine *e, const struct config *cf)
{
	engine_repin(e, cf);
	e->cf = cf;
	engine_free_topics(e);
	e->topics[0] = xasprintf("%s/report/+", cf->topic_prefix);
	e->topics[1] = xasprintf("%s/respond/+", cf->topic_prefix);
	e->topics[2] = xasprintf("%s/query/+", cf->topic_prefix);
	e->topics[3] = xasprintf("%s/device/+/+", cf->topic_prefix);
	e->topics[4] = xasprintf("%s/selftest/+/+", cf->topic_prefix);
	e->topics[5] = NULL;
}

const char *const *
engine_topics(struct engine *e)
{
	return (const char *const *)e->topics;
}

static void engine_replay(struct engine *);
static int engine_resend(struct engine *);
static char *engine_topic(struct engine *, const char *, const char *,
    const char *);

/* Feedback to the reporter and to responders (the end of this file). */
static void engine_fb_status(struct engine *, const struct incident *,
    struct status *);
static const char *engine_fb_ack(struct engine *, struct incident *,
    const char *, int64_t, char *, size_t);
static int engine_fb_awaiting(struct engine *, const struct incident *);
static int engine_fb_repeat(struct engine *, const struct incident *,
    const struct route *, size_t, int *);
static void engine_fb_next(struct engine *, struct incident *,
    const struct conf_policy *, int64_t);
static void engine_fb_cancel(struct engine *, const struct incident *);
static void engine_fb_timer(struct engine *, int64_t, int64_t);
static int engine_fb_restore(struct engine *);
static void engine_called_text(struct engine *, const struct incident *,
    char *, size_t);
static void engine_backup(struct engine *, struct incident *, const char *,
    const struct respond *, int64_t);

/* Open this turn's transaction, once: if a failure rolled it back, the
 * rest of the turn must not write on its own. In degraded mode the
 * transaction starts with the backlog replayed into it. */
static void
engine_begin(struct engine *e)
{
	if (e->in_turn || e->replaying || store_in_txn(e->st))
		return;
	e->in_turn = 1;
	if (store_begin(e->st) != 0) {
		log_warnx("engine: cannot begin a transaction");
		return;
	}
	if (e->degraded)
		engine_replay(e);
}

/* Open this turn's transaction and ask for a flush at the end of it. */
static void
engine_touch(struct engine *e)
{
	engine_begin(e);
	if (!e->woken && e->wakeup != NULL) {
		e->woken = 1;
		e->wakeup(e->arg);
	}
}

/* An input from outside: 1 if it is to be kept in this turn's backlog
 * (not while replaying). In degraded mode the replay comes first, so that
 * the input sees every incident accepted since the failure. */
static int
engine_enter(struct engine *e)
{
	if (e->replaying)
		return 0;
	if (e->degraded)
		engine_touch(e);
	return 1;
}

/* Queue a publication; payload is taken over (NULL: empty). */
static void
engine_queue(struct engine *e, char *topic, char *payload, int retain)
{
	if (e->nout == e->outcap) {
		e->outcap = e->outcap ? e->outcap * 2 : 16;
		e->out = xreallocarray(e->out, e->outcap, sizeof *e->out);
	}
	memset(&e->out[e->nout], 0, sizeof e->out[e->nout]);
	e->out[e->nout].topic = topic;
	e->out[e->nout].payload = payload;
	e->out[e->nout].retain = retain;
	e->nout++;
	engine_touch(e);
}

/* Queue a reply to a request: to its response topic, with its
 * correlation data. */
static void
engine_queue_reply(struct engine *e, const char *reply_to, const void *corr,
    size_t corrlen, char *payload)
{
	struct outmsg *m;

	engine_queue(e, xstrdup(reply_to), payload, 0);
	m = &e->out[e->nout - 1];
	if (corr != NULL && corrlen > 0) {
		m->corr = xmalloc(corrlen);
		memcpy(m->corr, corr, corrlen);
		m->corrlen = corrlen;
	}
}

int
engine_append(struct engine *e, int64_t incident, const char *kind,
    const char *actor, int step, const char *detail)
{
	struct event ev;

	if (engine_enter(e))
		backlog_append(&e->turn, clock_now(), incident, kind, actor,
		    step, detail);
	memset(&ev, 0, sizeof ev);
	ev.incident = incident;
	ev.ts = clock_now();
	ev.step = step;
	strlcpy_utf8(ev.kind, kind, sizeof ev.kind);
	strlcpy_utf8(ev.actor, actor ? actor : "", sizeof ev.actor);
	strlcpy_utf8(ev.detail, detail ? detail : "", sizeof ev.detail);
	engine_touch(e);
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
engine_push(struct engine *e, const struct outmsg *m)
{
	size_t plen = strlen(e->cf->topic_prefix);

	if (e->push == NULL || m->payload == NULL ||
	    strncmp(m->topic, e->cf->topic_prefix, plen) != 0 ||
	    strncmp(m->topic + plen, "/notify/", 8) != 0)
		return;
	e->push(e->push_arg, m->topic + plen + 8, m->payload);
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

/* Write the outbox's new states into this turn's transaction: published
 * first, so that a PUBACK already seen lands on top of it. A mark that
 * cannot be written costs a repeat after a restart, never a gap. */
/*
 * Outbox states are written by the next transaction, whatever opens it;
 * if none comes within MARKS_MS, the timer opens one. A PUBACK does not
 * cost a commit of its own: under load, the states ride with the reports'
 * transactions. A state lost in a crash only means the notification is
 * published again at the next start (a repeat, never a gap).
 */
static void
engine_marks_due(struct engine *e)
{
	if (e->sched != NULL &&
	    timers_due(e->sched, KEY(0, KEY_MARKS)) < 0)
		timers_at(e->sched, KEY(0, KEY_MARKS), clock_now() + MARKS_MS);
}

static void
engine_write_marks(struct engine *e)
{
	struct marks *mk[] = { &e->published, &e->delivered };
	int64_t now = clock_now();
	size_t i, j;

	if (e->published.n == 0 && e->delivered.n == 0)
		return;
	engine_begin(e);
	if (!store_in_txn(e->st))
		return;
	for (i = 0; i < sizeof mk / sizeof *mk; i++) {
		for (j = 0; j < mk[i]->n; j++)
			if (store_outbox_mark(e->st, mk[i]->id[j], (int)i,
			    now) != 0)
				log_warnx("outbox=%lld: state not recorded",
				    (long long)mk[i]->id[j]);
		mk[i]->n = 0;
	}
	/* Written: the timer is for states that wait, not a commit of its
	 * own every MARKS_MS under load. */
	if (e->sched != NULL)
		timers_cancel(e->sched, KEY(0, KEY_MARKS));
}

void
engine_acked(struct engine *e, int64_t tag, int ok, const char *why)
{
	if (ok)
		marks_add(&e->delivered, tag);
	else
		log_warnx("outbox=%lld event=notify_refused why=\"%s\": "
		    "published again at the next start", (long long)tag,
		    why ? why : "");
	engine_marks_due(e);
}

/* ---- degraded mode ------------------------------------------------------
 * When a turn's transaction cannot be committed (a full disk, an
 * unwritable or failing database), safety comes first: the turn's
 * notifications and statuses go out all the same, from memory, and its
 * inputs join the backlog. Every later turn replays the backlog into its
 * transaction before its own input, at the times the inputs first came
 * in, with nothing published or logged again; so responses and deadlines
 * see every incident accepted since the failure, and the first commit
 * that succeeds writes them all. beacon/daemon/status says "degraded"
 * meanwhile, and the admin responders are told once when it starts and
 * once when it ends.
 */
static void
engine_replay(struct engine *e)
{
	struct clock_state cs;
	size_t i, nout = e->nout;

	clock_save(&cs);
	e->replaying = 1;
	log_mute(1);
	for (i = 0; i < e->backlog.n; i++) {
		const struct backlog_input *in = &e->backlog.v[i];

		clock_set(in->ts);
		switch (in->kind) {
		case BACKLOG_REQUEST:
			engine_request(e, in->topic, in->payload, in->len,
			    in->reply_to, in->corr, in->corrlen);
			break;
		case BACKLOG_DEADLINE:
			engine_deadline(e, in->a, in->b);
			break;
		case BACKLOG_APPEND:
			engine_append(e, in->a, in->topic, in->reply_to,
			    (int)in->b, in->payload);
			break;
		}
	}
	log_mute(0);
	e->replaying = 0;
	clock_restore(&cs);
	/* What the replay queued went out when the inputs first came in. */
	for (i = nout; i < e->nout; i++) {
		free(e->out[i].topic);
		free(e->out[i].payload);
		free(e->out[i].corr);
	}
	e->nout = nout;
	e->replayed = 1;
}

char *
engine_status(struct engine *e)
{
	if (e->degraded)
		return msg_daemon_degraded_encode(e->degraded_why,
		    e->degraded_since, e->backlog.n, clock_now());
	return msg_daemon_encode("online", clock_now());
}

int
engine_degraded(const struct engine *e)
{
	return e->degraded;
}

/* Queue beacon/daemon/status and a notice to each admin responder. */
static void
engine_tell_admins(struct engine *e, const char *kind, const char *message)
{
	size_t i;

	engine_queue(e, xasprintf("%s/daemon/status", e->cf->topic_prefix),
	    engine_status(e), 1);
	for (i = 0; i < e->cf->nadmins; i++)
		engine_queue(e, engine_topic(e, "notify", e->cf->admins[i],
		    NULL), msg_admin_notice_encode(kind, message,
		    clock_now()), 0);
}

static void
engine_degrade(struct engine *e)
{
	char msg[DETAIL_MAX + 1];

	backlog_move(&e->backlog, &e->turn);
	if (e->sched != NULL)
		timers_at(e->sched, KEY(0, KEY_RETRY), clock_now() + RETRY_MS);
	if (e->degraded)
		return;
	e->degraded = 1;
	e->degraded_since = clock_now();
	strlcpy_utf8(e->degraded_why, store_error(e->st),
	    sizeof e->degraded_why);
	log_warnx("event=degraded why=\"%s\": routing from memory; "
	    "retrying the database every %d s", e->degraded_why,
	    RETRY_MS / 1000);
	snprintf(msg, sizeof msg, "beacond cannot write its database (%s). "
	    "Alerts are still routed and notified, and kept in memory until "
	    "it can write again: free disk space or fix the database now.",
	    e->degraded_why);
	engine_tell_admins(e, "daemon_degraded", msg);
}

static void
engine_recover(struct engine *e)
{
	char msg[DETAIL_MAX + 1];
	size_t n = e->backlog.n;

	backlog_clear(&e->backlog);
	e->degraded = 0;
	if (e->sched != NULL)
		timers_cancel(e->sched, KEY(0, KEY_RETRY));
	log_info("event=recovered backlog=%zu since=%lld", n,
	    (long long)e->degraded_since);
	snprintf(msg, sizeof msg, "beacond writes its database again: the "
	    "%zu inputs kept in memory since the failure are recorded.", n);
	engine_tell_admins(e, "daemon_recovered", msg);
}

int
engine_flush(struct engine *e)
{
	size_t i;
	int failed, committed = 0, recovered;

	e->woken = 0;
	engine_write_marks(e);
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
		engine_degrade(e);
	else if (e->degraded && committed && e->replayed)
		engine_recover(e);
	e->in_turn = 0;
	backlog_clear(&e->turn);
	recovered = e->replayed && !e->degraded;
	e->replayed = 0;
	/* Safety first: in degraded mode what this turn decided goes out
	 * although it is not recorded yet (it is kept in the backlog). */
	for (i = 0; i < e->nout; i++) {
		struct outmsg *m = &e->out[i];

		e->publish(e->arg, m->topic, m->payload ? m->payload : "",
		    m->payload ? strlen(m->payload) : 0, m->retain, m->corr,
		    m->corrlen, failed ? 0 : m->outbox);
		if (m->outbox > 0 && !failed) {
			marks_add(&e->published, m->outbox);
			engine_marks_due(e);
		}
		engine_push(e, m);
		free(m->topic);
		free(m->payload);
		free(m->corr);
	}
	e->nout = 0;
	/* The WAL's copy into the database waits until this turn's news is
	 * out (daemon/store.c, "checkpoints"). */
	if (!failed && store_checkpoint_due(e->st))
		store_checkpoint(e->st);
	/* What the outage sent from memory has no outbox row of its own, and
	 * a report whose rows could not even be built was not routed: every
	 * notification written by the recovery goes out again (a repeat
	 * rather than a gap), in the next turn. */
	if (recovered)
		engine_resend(e);
	return failed ? -1 : 0;
}

static const char *
role_label(const struct config *cf, const char *role)
{
	const struct conf_role *r = conf_role(cf, role);

	return r != NULL ? r->label : role;
}

static const char *
responder_role(const struct config *cf, const char *id)
{
	const struct conf_responder *rp = conf_responder(cf, id);

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

/* What the reporter's sentence adds about 911: a drill says what a real
 * event would need, never to call. */
static const char *
engine_call_911(const struct incident *inc)
{
	if (!inc->call_911)
		return "";
	return inc->r.drill ? "; DRILL: in a real event you would call 911 "
	    "now" : ", CALL 911";
}

/* The reporter's status of inc, saying message and naming the report's
 * fields cut to their limit (shortened, from the report that opened the
 * incident or joined it, in the turn it did). */
static void
engine_status_fill(struct engine *e, const struct incident *inc,
    const char *by, const char *message, int shortened, struct status *s)
{
	char cut[DETAIL_MAX + 1];

	memset(s, 0, sizeof *s);
	strlcpy_utf8(s->report, inc->r.id, sizeof s->report);
	s->incident = inc->id;
	s->state = inc->state;
	strlcpy_utf8(s->by, by ? by : "", sizeof s->by);
	strlcpy_utf8(s->by_role, by ? responder_role(e->cf, by) : "",
	    sizeof s->by_role);
	s->notified = inc->notified;
	s->call_911 = inc->call_911;
	s->drill = inc->r.drill;
	s->silent = inc->r.silent;
	strlcpy_utf8(s->message, message, sizeof s->message);
	if ((s->shortened = shortened) != 0) {
		msg_shortened_text(s->shortened, cut, sizeof cut);
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
	engine_fb_status(e, inc, s);
}

/* A status on its report's topic: retained while the incident is open;
 * when it closes, the last word is sent unretained and the retained copy
 * cleared. */
static void
engine_status_publish(struct engine *e, const struct incident *inc,
    const struct status *s)
{
	int open = state_open(inc->state);

	engine_queue(e, engine_topic(e, "status", inc->branch, s->report),
	    msg_status_encode(s), open);
	if (!open)
		engine_queue(e, engine_topic(e, "status", inc->branch,
		    s->report), NULL, 1);
}

/* The status of the report that opened inc. */
static void
engine_tell(struct engine *e, const struct incident *inc, const char *by,
    const char *message)
{
	struct status s;

	engine_status_fill(e, inc, by, message, inc->r.shortened, &s);
	engine_status_publish(e, inc, &s);
}

struct joined_tell {
	struct engine *e;
	const struct incident *inc;
	struct status *s;
};

static int
engine_tell_joined_one(const char *report, void *arg)
{
	struct joined_tell *jt = arg;

	strlcpy_utf8(jt->s->report, report, sizeof jt->s->report);
	engine_status_publish(jt->e, jt->inc, jt->s);
	return 0;
}

/* The reports joined to inc as more presses hear what happens to it as
 * its first report does: acknowledged, escalated, resolved. Only the
 * first report may cancel it. */
static void
engine_tell_joined(struct engine *e, const struct incident *inc,
    const char *by, const char *message)
{
	struct status s;
	struct joined_tell jt = { e, inc, &s };

	if (inc->presses < 2)
		return;
	engine_status_fill(e, inc, by, message, 0, &s);
	s.cancel_until = 0;
	if (store_press_reports(e->st, inc->id, engine_tell_joined_one,
	    &jt) != 0)
		log_warnx("incident=%lld: the joined reports were not told",
		    (long long)inc->id);
}

/* Publish the incident topic: retained while open, cleared once closed. */
static void
engine_publish_incident(struct engine *e, const struct incident *inc)
{
	char id[24];
	int open = state_open(inc->state);

	snprintf(id, sizeof id, "%lld", (long long)inc->id);
	engine_queue(e, engine_topic(e, "incident", id, NULL),
	    msg_incident_encode(inc), open);
	if (!open)
		engine_queue(e, engine_topic(e, "incident", id, NULL), NULL, 1);
}

/* Publish the reporters' status and the incident topic (the same rules). */
static void
engine_announce(struct engine *e, const struct incident *inc,
    const char *by, const char *message)
{
	engine_tell(e, inc, by, message);
	engine_tell_joined(e, inc, by, message);
	engine_publish_incident(e, inc);
}

static void
engine_save(struct engine *e, struct incident *inc, int64_t now)
{
	inc->updated = now;
	engine_touch(e);
	if (store_incident_update(e->st, inc) != 0)
		log_warnx("incident=%lld: state not recorded",
		    (long long)inc->id);
	if (!state_open(inc->state))
		engine_unpin(e, inc->id);
	if (e->sched == NULL)
		return;
	if (inc->due_at >= 0 && state_open(inc->state))
		timers_at(e->sched, KEY(inc->id, KEY_ESCALATE), inc->due_at);
	else
		timers_cancel(e->sched, KEY(inc->id, KEY_ESCALATE));
}

/* ---- routing ---------------------------------------------------------- */

static const struct conf_policy *
engine_policy(struct engine *e, const struct incident *inc)
{
	const struct pin *pin = engine_pin_find(e, inc->id);
	const struct conf_policy *pol;
	const struct conf_category *cat;

	if (pin != NULL)
		return pin->pol;
	pol = conf_policy(e->cf, inc->policy);

	/* A policy removed by a reload: fall back to the category's. */
	if (pol == NULL && (cat = conf_category(e->cf, inc->r.type)) != NULL)
		pol = cat->pol;
	return pol;
}

/* Queue a notification for a responder through the outbox: the row is
 * written in this turn's transaction, and the publication carries its id
 * so that the PUBACK marks it delivered. payload is taken over. */
static void
engine_queue_notice(struct engine *e, int64_t incident, const char *who,
    char *payload, int64_t now)
{
	char *topic = engine_topic(e, "notify", who, NULL);
	int64_t id;

	engine_touch(e);
	id = store_outbox_add(e->st, incident, who, topic, payload, now);
	if (id < 0)
		log_warnx("incident=%lld responder=%s: outbox row not recorded",
		    (long long)incident, who);
	engine_queue(e, topic, payload, 0);
	e->out[e->nout - 1].outbox = id > 0 ? id : 0;
}

static void
engine_notify_one(struct engine *e, struct incident *inc,
    const struct conf_responder *rp, const char *role, int step, int repeat,
    int64_t now)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	struct notify n = { inc, cat ? cat->label : inc->r.type, role, step,
		repeat, now, NULL, NULL };

	engine_queue_notice(e, inc->id, rp->id, msg_notify_encode(&n), now);
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

/* The responders a step passed over because they were off duty (duty.h),
 * on the timeline: why they were not notified. */
static void
engine_off_duty(struct engine *e, struct incident *inc, const struct route *rt,
    int step, int64_t now)
{
	char who[DETAIL_MAX + 1];
	size_t i, off = 0;

	who[0] = '\0';
	for (i = 0; i < rt->noff && off < sizeof who; i++)
		off += snprintf(who + off, sizeof who - off, "%s%s", i ? ", " :
		    "", rt->off[i]->id);
	engine_event(e, inc, now, "off_duty", NULL, step, "off duty: %s", who);
}

/* A drill never reaches emergency dispatch unless its role takes part in
 * drills: recorded, not sent. */
static int
engine_drill_skip(struct engine *e, struct incident *inc, const char *who,
    const char *role, int step, int64_t now)
{
	if (!inc->r.drill || !alarms_drill_skips(e->cf, role))
		return 0;
	engine_event(e, inc, now, "drill_skipped", who, step, "DRILL: %s "
	    "does not take part in drills: not notified",
	    role_label(e->cf, role));
	log_info("incident=%lld event=drill_skipped step=%d responder=%s",
	    (long long)inc->id, step + 1, who);
	return 1;
}

/* A report made a drill by its branch's drill mode says so. */
static void
engine_drill_mode_event(struct engine *e, struct incident *inc, int64_t now)
{
	char until[40];

	if (!e->in_drill_mode)
		return;
	engine_event(e, inc, now, "drill_mode", e->drill_mode.actor, -1,
	    "DRILL: the branch is in drill mode until %s",
	    clock_fmt(e->drill_mode.until, until, sizeof until));
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
	size_t i, skipped = 0;

	if (pol == NULL || rules_route_at(e->cf, pol, inc->branch,
	    inc->r.severity, step, e->duty, now, &rt) != 0)
		return 0;
	for (i = 0; i < rt.n; i++) {
		if (engine_drill_skip(e, inc, rt.who[i]->id, rt.role[i], step,
		    now)) {
			skipped++;
			continue;
		}
		if (store_was_notified(e->st, inc->id, rt.who[i]->id) == 0)
			inc->notified++;
		engine_event(e, inc, now, "notified", rt.who[i]->id, step,
		    "role=%s", rt.role[i]);
		engine_notify_one(e, inc, rt.who[i], rt.role[i], step, 0, now);
		log_info("incident=%lld event=notified step=%d responder=%s",
		    (long long)inc->id, step + 1, rt.who[i]->id);
	}
	if (rt.noff > 0)
		engine_off_duty(e, inc, &rt, step, now);
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
	return rt.n - skipped;
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
	engine_fb_next(e, inc, pol, now);
	if (inc->state == ST_RECEIVED)
		inc->state = ST_ROUTED;
	return n;
}

/* "2 more responders notified": `fresh` counts those notified for the
 * first time (each counts once in `notified`); a step that reached only
 * people notified before says "1 responder notified again". */
static void
engine_more_text(size_t reached, size_t fresh, char *buf, size_t len)
{
	if (fresh > 0)
		snprintf(buf, len, "%zu more responder%s notified", fresh,
		    fresh == 1 ? "" : "s");
	else
		snprintf(buf, len, "%zu responder%s notified again", reached,
		    reached == 1 ? "" : "s");
}

/* The reporter's sentence after a routing step. */
static void
engine_routed_text(const struct incident *inc, size_t reached, size_t fresh,
    int first, const char *empty, char *buf, size_t len)
{
	const char *call = engine_call_911(inc);
	char more[64];

	engine_more_text(reached, fresh, more, sizeof more);
	if (inc->notified == 0)
		snprintf(buf, len, "no one available: call the person in "
		    "charge%s", call);
	else if (first)
		snprintf(buf, len, "routed: %d responder%s notified%s%s%s",
		    inc->notified, inc->notified == 1 ? "" : "s", call,
		    empty[0] ? "; no one available: " : "", empty);
	else if (reached > 0 && inc->state >= ST_ACKNOWLEDGED)
		snprintf(buf, len, "a required role has not acknowledged yet: "
		    "escalated to step %d, %s%s%s%s", inc->step + 1, more, call,
		    empty[0] ? "; no one available: " : "", empty);
	else if (reached > 0)
		snprintf(buf, len, "no acknowledgment yet: escalated to step "
		    "%d, %s%s%s%s", inc->step + 1, more, call,
		    empty[0] ? "; no one available: " : "", empty);
	else
		snprintf(buf, len, "no acknowledgment yet and no one else "
		    "available: call the person in charge%s", call);
}

static void
engine_escalate(struct engine *e, struct incident *inc, int step, int64_t now)
{
	char empty[256], text[DETAIL_MAX + 1];
	int before = inc->notified;
	size_t n;

	n = engine_route(e, inc, step, now, empty, sizeof empty);
	engine_routed_text(inc, n, (size_t)(inc->notified - before), step == 0,
	    empty, text, sizeof text);
	if (step > 0)
		engine_event(e, inc, now, "escalated", NULL, inc->step, "%s",
		    text);
	engine_save(e, inc, now);
	engine_announce(e, inc, NULL, text);
}

/* ---- limits ---------------------------------------------------------- */

/* Topic kinds whose first level names a responder; the others name a
 * branch. */
static int
kind_is_responder(const char *kind)
{
	return strcmp(kind, "respond") == 0 || strcmp(kind, "query") == 0;
}

/* What a limit entry counts and whose, for people: "reports" from
 * 'device "desk-3" of branch "central"'. */
static void
engine_limit_who(const struct limit_entry *en, char *what, size_t wlen,
    char *who, size_t len)
{
	const char *of = kind_is_responder(en->kind) ? "responder" : "branch";
	char src[LIMIT_NAME + 16];

	if (en->source[0] != '\0')
		snprintf(src, sizeof src, "%s \"%s\"", of, en->source);
	else
		snprintf(src, sizeof src, "unknown %ses", of);
	snprintf(what, wlen, "%s", !en->device_entry ? "messages" :
	    en->device[0] != '\0' ? "reports" : "reports naming no device");
	if (en->device_entry && en->device[0] != '\0')
		snprintf(who, len, "device \"%s\" of %s", en->device, src);
	else
		snprintf(who, len, "%s", src);
}

/* The topic a limit record is filed under: {prefix}/{kind}/{source}, or
 * {prefix}/{kind}/+ for the senders the configuration does not know. */
static char *
engine_limit_topic(struct engine *e, const struct limit_entry *en)
{
	return xasprintf("%s/%s/%s", e->cf->topic_prefix,
	    en->kind[0] == '*' ? "+" : en->kind,
	    en->source[0] != '\0' ? en->source : "+");
}

static void
engine_limit_text(struct engine *e, const struct limit_entry *en, int final,
    char *buf, size_t len)
{
	char what[32], who[3 * LIMIT_NAME + 64];

	engine_limit_who(en, what, sizeof what, who, sizeof who);
	if (!final)
		snprintf(buf, len, "rate limit: %s sent more than %d %s in "
		    "%d s; the rest of them are set aside until the interval "
		    "ends: send again then", who, en->max, what,
		    e->cf->limit_interval);
	else
		snprintf(buf, len, "rate limit: %lld %s from %s over the "
		    "limit of %d in %d s set aside, over %.1f s", (long long)
		    en->excess, what, who, en->max, e->cf->limit_interval,
		    (double)(en->last_excess - en->first_excess) / 1000);
}

/* The first message set aside in a window: record it, tell the sender
 * (after the commit), and make sure the window's end is recorded too. */
static void
engine_limit_first(struct engine *e, struct limit_entry *en, const void *p,
    size_t len)
{
	char text[DETAIL_MAX + 1], *topic = engine_limit_topic(e, en);

	engine_limit_text(e, en, 0, text, sizeof text);
	engine_touch(e);
	en->record = store_reject_excess(e->st, en->first_excess, topic, text,
	    p, len, 1);
	log_warnx("event=rate_limited kind=%s source=%s%s%s limit=%d "
	    "interval=%d", en->kind, en->source[0] ? en->source : "+",
	    en->device_entry ? " device=" : "", !en->device_entry ? "" :
	    en->device[0] ? en->device : "(none)", en->max,
	    e->cf->limit_interval);
	if (en->source[0] != '\0' && en->kind[0] != '*')
		engine_queue(e, engine_topic(e, "error", en->source, NULL),
		    msg_error_encode(text, topic, NULL, 0, clock_now()), 0);
	free(topic);
	if (e->sched != NULL)
		timers_at(e->sched, KEY(0, KEY_LIMIT), limit_window_end(e->limits));
}

/* The window ended: the record of each sender's excess gets its count. */
static void
engine_limit_record(void *arg, const struct limit_entry *en)
{
	struct engine *e = arg;
	char text[DETAIL_MAX + 1], *topic = engine_limit_topic(e, en);

	engine_limit_text(e, en, 1, text, sizeof text);
	engine_touch(e);
	if (en->record <= 0 || store_reject_recount(e->st, en->record,
	    en->first_excess, topic, text, en->excess) == 0)
		store_reject_excess(e->st, en->first_excess, topic, text, NULL,
		    0, en->excess);
	free(topic);
	log_info("event=set_aside kind=%s source=%s%s%s count=%lld limit=%d",
	    en->kind, en->source[0] ? en->source : "+", en->device_entry ?
	    " device=" : "", !en->device_entry ? "" : en->device[0] ?
	    en->device : "(none)", (long long)en->excess, en->max);
}

static void
engine_limit_roll(struct engine *e)
{
	if (limit_window_end(e->limits) < 0)
		return;
	limit_roll(e->limits, engine_limit_record, e);
	if (e->sched != NULL)
		timers_cancel(e->sched, KEY(0, KEY_LIMIT));
}

void
engine_stop(struct engine *e)
{
	engine_limit_roll(e);
}

/*
 * Count a message against its sender's limits (device NULL: the source's
 * only). 1 if it is to be set aside: then it is taken out of this turn's
 * backlog, so a flood in degraded mode does not grow memory either.
 */
static int
engine_limited(struct engine *e, const char *kind, const char *source,
    const char *device, const void *p, size_t len)
{
	struct limit_entry *en;
	enum limit_verdict v;
	int64_t now = clock_now(), end = limit_window_end(e->limits);

	/* No limits (a load test): no lookups on the path of a report. */
	if (e->replaying || (e->cf->limit_source <= 0 &&
	    (device == NULL || e->cf->limit_device <= 0)))
		return 0;
	if (end >= 0 && now >= end)
		engine_limit_roll(e);
	if (kind_is_responder(kind) ? conf_responder(e->cf, source) == NULL :
	    conf_branch(e->cf, source) == NULL &&
	    strcmp(source, HEALTH_RESPONDERS) != 0)
		source = "";
	v = limit_count(e->limits, now, e->cf->limit_interval * 1000, kind,
	    source, e->cf->limit_source, device, e->cf->limit_device, &en);
	if (v == LIMIT_OK)
		return 0;
	if (e->recorded) {
		backlog_pop(&e->turn);
		e->recorded = 0;
	}
	if (v == LIMIT_FIRST)
		engine_limit_first(e, en, p, len);
	return 1;
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
	char called[DETAIL_MAX + 1], text[DETAIL_MAX + 1];

	engine_event(e, inc, now, "duplicate", inc->r.device, -1,
	    "report %s received again", inc->r.id);
	log_info("incident=%lld event=duplicate report=%s", (long long)inc->id,
	    inc->r.id);
	/* Its own status again, saying where the incident is now; not to
	 * the reports joined to it, whose news this is not. */
	engine_called_text(e, inc, called, sizeof called);
	snprintf(text, sizeof text, "received again: incident %lld, %.400s",
	    (long long)inc->id, state_open(inc->state) ? called :
	    "resolved");
	engine_tell(e, inc, inc->acked_by[0] ? inc->acked_by : NULL, text);
	engine_publish_incident(e, inc);
}

/* The policy of a report at the branch now: the category's after-hours
 * one when the branch is closed (duty.h). Its id goes into id. */
static const struct conf_policy *
engine_duty_policy(struct engine *e, const struct conf_category *cat,
    const char *branch, int64_t now, char *id, size_t idlen, int *after)
{
	const struct conf_policy *pol = duty_policy(e->cf, cat, branch, now,
	    after);

	strlcpy_utf8(id, pol->id, idlen);
	return pol;
}

/* Open incidents of the same branch and category, reported within
 * repeat_window, that a new report did not join (alarms_press_joins). */
struct related {
	int64_t id[RELATED_MAX];
	int n;
};

/* A new incident and the open ones it may be related to say so, each on
 * its own timeline and incident topic. */
static void
engine_relate(struct engine *e, struct incident *inc,
    const struct related *rel, int64_t now)
{
	struct incident other;
	int i;

	for (i = 0; i < rel->n; i++) {
		memset(&other, 0, sizeof other);
		if (store_incident_get(e->st, rel->id[i], &other) != 1 ||
		    !alarms_relate(inc, other.id))
			continue;
		engine_event(e, inc, now, "related", NULL, -1, "may be related "
		    "to incident %lld%s%s: another report of the same category "
		    "within repeat_window, from another device at another "
		    "place", (long long)other.id, other.r.location[0] ?
		    " at " : "", other.r.location);
		if (!alarms_relate(&other, inc->id))
			continue;
		engine_touch(e);
		if (store_incident_related(e->st, &other) != 0)
			log_warnx("incident=%lld: related not recorded",
			    (long long)other.id);
		engine_event(e, &other, now, "related", NULL, -1, "may be "
		    "related to incident %lld%s%s: another report of the same "
		    "category within repeat_window, from another device at "
		    "another place", (long long)inc->id, inc->r.location[0] ?
		    " at " : "", inc->r.location);
		engine_publish_incident(e, &other);
		log_info("incident=%lld event=related related=%lld",
		    (long long)other.id, (long long)inc->id);
	}
	engine_touch(e);
	if (inc->nrelated > 0 && store_incident_related(e->st, inc) != 0)
		log_warnx("incident=%lld: related not recorded",
		    (long long)inc->id);
}

static void
engine_open(struct engine *e, const char *branch, const struct report *r,
    const struct conf_category *cat, const struct related *rel)
{
	struct incident inc;
	int64_t now = clock_now(), wait, cw;
	const struct conf_policy *pol;
	int after, loc, note;
	char cut[DETAIL_MAX + 1];

	memset(&inc, 0, sizeof inc);
	strlcpy_utf8(inc.branch, branch, sizeof inc.branch);
	inc.r = *r;
	inc.presses = 1;
	alarms_press_add(&inc, r, &loc, &note);
	inc.r.severity = rules_severity(cat, r->severity);
	strlcpy_utf8(inc.policy, cat->policy, sizeof inc.policy);
	pol = engine_duty_policy(e, cat, branch, now, inc.policy,
	    sizeof inc.policy, &after);
	inc.state = ST_RECEIVED;
	inc.call_911 = rules_call_911(e->cf, inc.r.severity);
	inc.created = inc.updated = inc.step_at = now;
	inc.nsteps = (int)pol->nsteps;
	inc.step = -1;
	inc.due_at = -1;
	engine_touch(e);
	if (store_incident_insert(e->st, &inc) != 0) {
		log_warnx("branch=%s report=%s: incident not recorded", branch,
		    r->id);
		return;
	}
	msg_shortened_text(r->shortened, cut, sizeof cut);
	engine_event(e, &inc, now, "reported", r->device, -1,
	    "%s%s, severity %d%s%s%s%s", r->drill ? "DRILL: " : "", cat->label,
	    inc.r.severity, r->location[0] ? ", at " : "", r->location,
	    cut[0] ? "; " : "", cut);
	log_info("incident=%lld event=reported branch=%s type=%s severity=%d "
	    "report=%s%s", (long long)inc.id, branch, r->type, inc.r.severity,
	    r->id, r->drill ? " drill=1" : "");
	if (after)
		engine_event(e, &inc, now, "after_hours", NULL, -1, "branch "
		    "closed: routed by policy %s", pol->id);
	engine_drill_mode_event(e, &inc, now);
	engine_relate(e, &inc, rel, now);
	/* A report that may be cancelled waits for its window (durably: the
	 * deadline is the incident's, restored after a restart). */
	wait = (int64_t)pol->steps[0].after * 1000;
	if ((cw = alarms_cancel_ms(e->cf, cat, inc.r.severity)) > 0) {
		engine_event(e, &inc, now, "cancel_window", NULL, -1,
		    "notifications wait %lld s for a cancel",
		    (long long)(cw / 1000));
		if (cw > wait)
			wait = cw;
	}
	if (wait > 0) {
		inc.due_at = now + wait;
		inc.due_step = 0;
	}
	/* Routed at once, the incident topic's first snapshot is the routed
	 * one, a moment later in this turn: a "received" one before it would
	 * cost the broker a publication that every subscriber sees replaced
	 * at once (docs/benchmarks.md). The reporter is told both. */
	if (wait > 0)
		engine_announce(e, &inc, NULL, cw > 0 ?
		    "received: you may cancel it before anyone is notified" :
		    "received");
	else
		engine_tell(e, &inc, NULL, "received");
	if (wait > 0)
		engine_save(e, &inc, now);
	else
		engine_escalate(e, &inc, 0, now);
}

/* ---- alarms that are not real ------------------------------------------ */

/* The responders notified for an incident, copied out of the walk. */
struct names {
	char (*v)[ID_MAX + 1];
	size_t n, cap;
};

static int
engine_names_add(const char *name, void *arg)
{
	struct names *ns = arg;

	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 8;
		ns->v = xreallocarray(ns->v, ns->cap, sizeof *ns->v);
	}
	strlcpy_utf8(ns->v[ns->n++], name ? name : "", sizeof *ns->v);
	return 0;
}

/*
 * Tell everyone notified for the incident, except `except` (NULL: none),
 * that they are no longer needed: a "stand_down" notification with the
 * reason ("false_alarm", ...) and who caused it, each on the timeline.
 * Returns how many were told.
 */
static size_t
engine_stand_down_all(struct engine *e, struct incident *inc,
    const char *reason, const char *by, const char *except,
    const char *message, int64_t now)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	struct names ns = { NULL, 0, 0 };
	size_t i, told = 0;

	if (store_notified(e->st, inc->id, engine_names_add, &ns) != 0)
		log_warnx("incident=%lld: who was notified is unknown",
		    (long long)inc->id);
	for (i = 0; i < ns.n; i++) {
		/* The same notice as a stand-down on acknowledgment
		 * (engine_stand_down); `by` is the reporter's device here. */
		struct notice nt = { inc, "stand_down", cat ? cat->label :
			inc->r.type, reason, by, NULL, NULL, message, now };

		if (except != NULL && strcmp(ns.v[i], except) == 0)
			continue;
		engine_event(e, inc, now, "stand_down", ns.v[i], -1,
		    "%sreason=%s by=%s", inc->r.drill ? "DRILL: " : "", reason,
		    by);
		engine_queue_notice(e, inc->id, ns.v[i],
		    msg_notice_encode(&nt), now);
		log_info("incident=%lld event=stand_down responder=%s "
		    "reason=%s", (long long)inc->id, ns.v[i], reason);
		told++;
	}
	free(ns.v);
	return told;
}

/* The reporter cancels a report ({"id", "cancel": true}). Before anyone
 * was notified it is cancelled; after, it is a false alarm and everyone
 * notified is told to stand down. Either way it is closed, never
 * deleted. */
static void
engine_cancel(struct engine *e, const char *topic, const char *branch,
    const struct report *r, const void *p, size_t len)
{
	struct incident inc;
	char err[DETAIL_MAX + 1], text[DETAIL_MAX + 1];
	const char *by;
	int64_t now = clock_now();
	size_t n;

	memset(&inc, 0, sizeof inc);
	if (store_incident_by_report(e->st, branch, r->id, &inc) != 1) {
		snprintf(err, sizeof err, "cancel: no report \"%s\" from "
		    "branch \"%s\"", r->id, branch);
		engine_reject(e, topic, branch, r->id, err, p, len);
		return;
	}
	by = r->reporter[0] ? r->reporter : r->device[0] ? r->device :
	    inc.r.device[0] ? inc.r.device : "reporter";
	if (!state_open(inc.state)) {
		engine_event(e, &inc, now, "cancel_refused", by, -1,
		    "cancel received after the incident was closed");
		engine_tell(e, &inc, NULL, "already closed: nothing to cancel");
		return;
	}
	inc.due_at = -1;
	inc.state = ST_RESOLVED;
	if (inc.step < 0) {
		engine_event(e, &inc, now, "cancelled", by, -1, "%scancelled "
		    "by the reporter before anyone was notified",
		    inc.r.drill ? "DRILL: " : "");
		log_info("incident=%lld event=cancelled", (long long)inc.id);
		engine_save(e, &inc, now);
		engine_announce(e, &inc, by, "cancelled: nobody was notified");
		return;
	}
	engine_event(e, &inc, now, "false_alarm", by, inc.step, "%sfalse "
	    "alarm: cancelled by the reporter", inc.r.drill ? "DRILL: " : "");
	log_info("incident=%lld event=false_alarm", (long long)inc.id);
	n = engine_stand_down_all(e, &inc, "false_alarm", by, NULL,
	    "false alarm: cancelled by the reporter; stand down", now);
	engine_save(e, &inc, now);
	snprintf(text, sizeof text, "false alarm: %zu responder%s told to "
	    "stand down", n, n == 1 ? "" : "s");
	engine_announce(e, &inc, by, text);
}

/* Who was called for inc, in words (alarms_called_text): the labels of
 * the roles of everyone notified, each once. */
static void
engine_called_text(struct engine *e, const struct incident *inc, char *buf,
    size_t len)
{
	struct names ns = { NULL, 0, 0 };
	const char **labels;
	size_t i, j, n = 0;

	if (inc->step >= 0 && store_notified(e->st, inc->id,
	    engine_names_add, &ns) != 0)
		log_warnx("incident=%lld: who was notified is unknown",
		    (long long)inc->id);
	labels = xcalloc(ns.n + 1, sizeof *labels);
	for (i = 0; i < ns.n; i++) {
		const char *role = responder_role(e->cf, ns.v[i]);
		const char *l = role[0] ? role_label(e->cf, role) : ns.v[i];

		for (j = 0; j < n && strcmp(labels[j], l) != 0; j++)
			;
		if (j == n)
			labels[n++] = l;
	}
	alarms_called_text(labels, n, inc->step >= 0, buf, len);
	free(labels);
	free(ns.v);
}

/* The reporter's answer to a press joined to inc, on its own report's
 * status topic, retained as a first report's is; what happens to the
 * incident next follows there (engine_tell_joined). */
static void
engine_tell_press(struct engine *e, const struct incident *inc,
    const struct report *r)
{
	struct status s;
	char called[DETAIL_MAX + 1], acked[2 * ID_MAX + 8];
	char text[DETAIL_MAX + 1];

	engine_called_text(e, inc, called, sizeof called);
	acked[0] = '\0';
	if (inc->acked_by[0] != '\0') {
		const char *role = responder_role(e->cf, inc->acked_by);

		snprintf(acked, sizeof acked, "%s%s%s%s", inc->acked_by,
		    role[0] ? " (" : "", role[0] ? role_label(e->cf, role) :
		    "", role[0] ? ")" : "");
	}
	alarms_press_text(inc, r, called, acked, text, sizeof text);
	engine_status_fill(e, inc, NULL, text, r->shortened, &s);
	strlcpy_utf8(s.report, r->id, sizeof s.report);
	s.cancel_until = 0;
	engine_status_publish(e, inc, &s);
}

/* A press retried with the same id: it was joined already. */
static void
engine_press_again(struct engine *e, struct incident *inc,
    const struct report *r)
{
	engine_event(e, inc, clock_now(), "duplicate", r->device, -1,
	    "report %s received again", r->id);
	engine_tell_press(e, inc, r);
}

/* Send the incident again to everyone notified, saying what changed. */
static void
engine_press_resend(struct engine *e, struct incident *inc,
    const char *update, int64_t now)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	struct names ns = { NULL, 0, 0 };
	size_t i;

	if (store_notified(e->st, inc->id, engine_names_add, &ns) != 0)
		log_warnx("incident=%lld: who was notified is unknown",
		    (long long)inc->id);
	for (i = 0; i < ns.n; i++) {
		const char *role = responder_role(e->cf, ns.v[i]);
		struct notify n = { inc, cat ? cat->label : inc->r.type, role,
			inc->step, 0, now, NULL, NULL };

		engine_event(e, inc, now, "updated", ns.v[i], inc->step,
		    "sent again: %s changed", update);
		engine_queue_notice(e, inc->id, ns.v[i],
		    msg_notify_update_encode(&n, update), now);
	}
	free(ns.v);
}

/* A press that makes a routed incident a threat to life brings in at once
 * what a first report of that severity would have had: the life_threat
 * roles (emergency dispatch), unless a drill keeps them out. */
static void
engine_press_life(struct engine *e, struct incident *inc, int64_t now)
{
	struct route rt;
	size_t i, j;

	for (i = 0; i < e->cf->nlife_roles; i++) {
		rules_role(e->cf, e->cf->life_roles[i], inc->branch, &rt);
		for (j = 0; j < rt.n; j++) {
			if (store_was_notified(e->st, inc->id,
			    rt.who[j]->id) != 0 || engine_drill_skip(e, inc,
			    rt.who[j]->id, rt.role[j], inc->step, now))
				continue;
			inc->notified++;
			engine_event(e, inc, now, "notified", rt.who[j]->id,
			    inc->step, "role=%s; severity raised to %d",
			    rt.role[j], inc->r.severity);
			engine_notify_one(e, inc, rt.who[j], rt.role[j],
			    inc->step, 0, now);
			log_info("incident=%lld event=notified step=%d "
			    "responder=%s", (long long)inc->id, inc->step + 1,
			    rt.who[j]->id);
		}
	}
}

/* Walking the open incidents a report may join: the first that is the
 * same event (alarms_press_joins), or else the others, related. */
struct join_walk {
	const struct report *r;
	struct incident *match;
	int found;
	struct related *rel;
};

static int
engine_join_walk(const struct incident *inc, void *arg)
{
	struct join_walk *w = arg;

	if (alarms_press_joins(inc, w->r)) {
		*w->match = *inc;
		w->found = 1;
		return 1;
	}
	if (w->rel->n < RELATED_MAX)
		w->rel->id[w->rel->n++] = inc->id;
	return 0;
}

/* A report of the same branch and category within repeat_window joins an
 * open incident when it is the same event: the same device again, or the
 * same place. It adds its location and note (never replacing), is
 * counted, and the incident is re-sent when it says more. The open
 * incidents it does not join go into rel. */
static int
engine_join(struct engine *e, const char *branch, const struct report *r,
    const struct conf_category *cat, int64_t now, struct related *rel)
{
	struct incident inc;
	struct join_walk w = { r, &inc, 0, rel };
	int sev = rules_severity(cat, r->severity), loc, note, higher, was_911;
	char update[32];

	if (e->cf->repeat_window <= 0)
		return 0;
	memset(&inc, 0, sizeof inc);
	if (store_incident_joinable(e->st, branch, r->type, r->drill, now -
	    (int64_t)e->cf->repeat_window * 1000, engine_join_walk, &w) != 0 ||
	    !w.found)
		return 0;
	rel->n = 0;
	alarms_press_add(&inc, r, &loc, &note);
	higher = sev >= 1 && sev < inc.r.severity;
	was_911 = inc.call_911;
	if (higher) {
		inc.r.severity = sev;
		inc.call_911 |= rules_call_911(e->cf, sev);
	}
	inc.updated = now;
	engine_touch(e);
	if (store_incident_press(e->st, &inc) != 0 ||
	    store_press_add(e->st, branch, r->id, inc.id, now) != 0)
		log_warnx("incident=%lld report=%s: press not recorded",
		    (long long)inc.id, r->id);
	engine_event(e, &inc, now, "pressed", r->device, -1, "%spress %d: "
	    "report %s%s%s%s%s%s", r->drill ? "DRILL: " : "", inc.presses,
	    r->id, r->location[0] ? ", at " : "", r->location,
	    higher ? ", severity raised" : "", r->note[0] ? ", note: " : "",
	    r->note);
	log_info("incident=%lld event=pressed presses=%d report=%s",
	    (long long)inc.id, inc.presses, r->id);
	snprintf(update, sizeof update, "%s%s%s%s%s", loc ? "location" : "",
	    loc && (note || higher) ? ", " : "", note ? "note" : "",
	    note && higher ? ", " : "", higher ? "severity" : "");
	if (inc.step >= 0 && update[0])
		engine_press_resend(e, &inc, update, now);
	if (inc.step >= 0 && inc.call_911 && !was_911)
		engine_press_life(e, &inc, now);
	engine_tell_press(e, &inc, r);
	/* Severity 1-2 never waits for a cancel. */
	if (inc.step < 0 && higher && alarms_cancel_ms(e->cf, cat, sev) == 0)
		engine_escalate(e, &inc, 0, now);
	else
		engine_save(e, &inc, now);
	/* The first report hears of it; the joined one had its own answer. */
	engine_tell(e, &inc, NULL, update[0] ? "pressed again: incident "
	    "updated and sent again" : "pressed again");
	engine_publish_incident(e, &inc);
	return 1;
}

/* The branch is in this mode now (drill, pause): 1, with *m filled. */
static int
engine_in_mode(struct engine *e, const char *branch, const char *mode,
    int64_t now, struct branch_mode *m)
{
	return store_mode_get(e->st, branch, mode, m) == 1 && now < m->until;
}

/* A branch paused for device testing: the report is recorded as a test,
 * answered, and nobody is paged. */
static void
engine_test_report(struct engine *e, const char *branch,
    const struct report *r, const struct conf_category *cat,
    const struct branch_mode *m, int64_t now)
{
	struct incident inc;
	char until[40];
	int loc, note;

	memset(&inc, 0, sizeof inc);
	strlcpy_utf8(inc.branch, branch, sizeof inc.branch);
	inc.r = *r;
	inc.r.severity = rules_severity(cat, r->severity);
	strlcpy_utf8(inc.policy, cat->policy, sizeof inc.policy);
	inc.state = ST_RESOLVED;
	inc.created = inc.updated = inc.step_at = now;
	inc.nsteps = (int)cat->pol->nsteps;
	inc.step = -1;
	inc.due_at = -1;
	inc.presses = 1;
	alarms_press_add(&inc, r, &loc, &note);
	engine_touch(e);
	if (store_incident_insert(e->st, &inc) != 0) {
		log_warnx("branch=%s report=%s: test not recorded", branch,
		    r->id);
		return;
	}
	engine_event(e, &inc, now, "reported", r->device, -1, "TEST: %s, "
	    "severity %d%s%s", cat->label, inc.r.severity,
	    r->location[0] ? ", at " : "", r->location);
	engine_event(e, &inc, now, "test", m->actor, -1, "branch paused for "
	    "device testing until %s: recorded as a test, nobody was paged",
	    clock_fmt(m->until, until, sizeof until));
	log_info("incident=%lld event=test branch=%s report=%s",
	    (long long)inc.id, branch, r->id);
	engine_announce(e, &inc, NULL, "test recorded: nobody was paged");
}

/* Before a valid report opens an incident: a paused branch records it
 * as a test, a branch in drill mode makes it a drill, a repeated press
 * joins the open incident. 1 when it was handled here. */
static int
engine_alarms_divert(struct engine *e, const char *branch, struct report *r,
    const struct conf_category *cat, struct related *rel)
{
	struct branch_mode m;
	int64_t now = clock_now();

	if (engine_in_mode(e, branch, "pause", now, &m)) {
		engine_test_report(e, branch, r, cat, &m, now);
		return 1;
	}
	e->in_drill_mode = 0;
	if (!r->drill && engine_in_mode(e, branch, "drill", now,
	    &e->drill_mode))
		r->drill = e->in_drill_mode = 1;
	return engine_join(e, branch, r, cat, now, rel);
}

/* branch_mode: a supervisor puts a branch in drill mode or pauses it for
 * device testing until a time, or stops it. */
static const char *
engine_mode(struct engine *e, const char *who, const struct query *q,
    struct msg_reply *r)
{
	static char err[128];
	struct branch_mode m;
	char until[40];
	int64_t now = clock_now();

	if (conf_branch(e->cf, q->branch) == NULL) {
		snprintf(err, sizeof err, "unknown branch \"%s\"", q->branch);
		return err;
	}
	if (!q->stop && q->until <= now)
		return "until: must be in the future";
	/* A forgotten pause would keep a branch from paging anyone. */
	if (!q->stop && q->until > now + MODE_MAX_MS)
		return "until: at most 24 hours ahead; start it again then";
	memset(&m, 0, sizeof m);
	strlcpy_utf8(m.branch, q->branch, sizeof m.branch);
	strlcpy_utf8(m.mode, q->mode, sizeof m.mode);
	strlcpy_utf8(m.actor, who, sizeof m.actor);
	m.ts = now;
	m.until = q->stop ? now : q->until;
	engine_touch(e);
	if (store_mode_set(e->st, &m) != 0)
		return "the database could not record it";
	log_info("event=branch_mode branch=%s mode=%s until=%s by=%s",
	    m.branch, m.mode, clock_fmt(m.until, until, sizeof until), who);
	msg_reply_set_str(r, "branch", m.branch);
	msg_reply_set_str(r, "mode", m.mode);
	msg_reply_set_int(r, "active", !q->stop);
	if (!q->stop)
		msg_reply_set_str(r, "until", until);
	return NULL;
}

static void
engine_report(struct engine *e, const char *topic, const char *branch,
    const void *p, size_t len)
{
	const struct conf_category *cat = NULL;
	struct incident inc;
	struct report r;
	struct related rel = { { 0 }, 0 };
	char err[DETAIL_MAX + 1], cid[ID_MAX + 1];
	int rc;

	rc = msg_report_decode(p, len, &r, err, sizeof err);
	if (engine_limited(e, "report", branch, r.device, p, len))
		return;
	/* Only a payload that says "cancel" costs a second parse. */
	if (rc != MSG_NOID && memmem(p, len, "\"cancel\"", 8) != NULL &&
	    msg_cancel_decode(p, len, cid, sizeof cid)) {
		strlcpy_utf8(r.id, cid, sizeof r.id);
		engine_cancel(e, topic, branch, &r, p, len);
		return;
	}
	if (rc == MSG_NOID) {
		engine_reply_error(e, topic, branch, NULL, 0, err, p, len);
		return;
	}
	memset(&inc, 0, sizeof inc);
	if (store_incident_by_report(e->st, branch, r.id, &inc) == 1) {
		engine_duplicate(e, &inc);
		return;
	}
	if (e->cf->repeat_window > 0 &&
	    store_press_incident(e->st, branch, r.id, &inc) == 1) {
		engine_press_again(e, &inc, &r);
		return;
	}
	if (rc == MSG_OK && conf_branch(e->cf, branch) == NULL) {
		snprintf(err, sizeof err, "unknown branch \"%s\"", branch);
		rc = MSG_BAD;
	}
	if (rc == MSG_OK && (cat = conf_category(e->cf, r.type)) == NULL) {
		snprintf(err, sizeof err, "type: unknown type \"%s\"", r.type);
		rc = MSG_BAD;
	}
	if (rc != MSG_OK)
		engine_reject(e, topic, branch, r.id, err, p, len);
	else if (!engine_alarms_divert(e, branch, &r, cat, &rel))
		engine_open(e, branch, &r, cat, &rel);
	e->in_drill_mode = 0;
}

/* ---- debriefs --------------------------------------------------------- */

static void
engine_debrief_arm(struct engine *e, const struct debrief_due *d)
{
	if (e->sched == NULL)
		return;
	if (d->next_at >= 0)
		timers_at(e->sched, KEY(d->incident, KEY_DEBRIEF), d->next_at);
	else
		timers_cancel(e->sched, KEY(d->incident, KEY_DEBRIEF));
}

/* Tell every responder of `role` on the incident's branch; falls back to
 * the debrief role when `role` has nobody there. Returns how many. */
static size_t
engine_debrief_tell(struct engine *e, struct incident *inc,
    const char *role, const char *kind, int64_t due, const char *message,
    int64_t now)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	struct route rt;
	size_t i;

	if (role == NULL)
		return 0;
	rules_role(e->cf, role, inc->branch, &rt);
	if (rt.n == 0 && e->cf->debrief_role != NULL &&
	    strcmp(role, e->cf->debrief_role) != 0)
		rules_role(e->cf, e->cf->debrief_role, inc->branch, &rt);
	for (i = 0; i < rt.n; i++) {
		engine_event(e, inc, now, "notified", rt.who[i]->id, -1,
		    "%s", kind);
		engine_queue_notice(e, inc->id, rt.who[i]->id,
		    msg_debrief_notice_encode(inc, kind, cat ? cat->label :
		    NULL, due, message, now), now);
	}
	if (rt.n == 0)
		engine_event(e, inc, now, "no_one_available", NULL, -1,
		    "nobody with role %s to tell: %s", role, kind);
	return rt.n;
}

/* A resolved incident: its debrief is due (docs/protocol.md). */
static void
engine_debrief_open(struct engine *e, struct incident *inc, int64_t now)
{
	struct debrief_due d;
	char when[40], msg[DETAIL_MAX + 1];

	memset(&d, 0, sizeof d);
	d.incident = inc->id;
	rules_debrief_open(e->cf, now, &d);
	if (store_debrief_open(e->st, &d) != 0)
		log_warnx("incident=%lld: debrief not recorded",
		    (long long)inc->id);
	clock_fmt(d.due_at, when, sizeof when);
	snprintf(msg, sizeof msg, "%sdebrief due for incident %lld by %s",
	    inc->r.drill ? "DRILL: " : "", (long long)inc->id, when);
	engine_event(e, inc, now, "debrief_due", NULL, -1, "due by %s", when);
	engine_debrief_tell(e, inc, e->cf->debrief_role, "debrief_due",
	    d.due_at, msg, now);
	log_info("incident=%lld event=debrief_due due=%s", (long long)inc->id,
	    when);
	engine_debrief_arm(e, &d);
}

/* The debrief's reminder or overdue timer. */
static void
engine_debrief_timer(struct engine *e, int64_t id, int64_t now)
{
	struct debrief_due d;
	struct incident inc;
	const char *kind, *role;
	char when[40], msg[DETAIL_MAX + 1];

	memset(&inc, 0, sizeof inc);
	if (store_debrief_due_get(e->st, id, &d) != 1 ||
	    store_incident_get(e->st, id, &inc) != 1 ||
	    (kind = rules_debrief_fire(e->cf, &d, &role)) == NULL)
		return;
	engine_touch(e);
	if (store_debrief_due_update(e->st, &d) != 0)
		log_warnx("incident=%lld: debrief state not recorded",
		    (long long)id);
	clock_fmt(d.due_at, when, sizeof when);
	snprintf(msg, sizeof msg, "%s%s for incident %lld: due by %s",
	    inc.r.drill ? "DRILL: " : "", d.stage == DEBRIEF_OVERDUE ?
	    "debrief overdue" : "reminder: debrief", (long long)id, when);
	engine_event(e, &inc, now, kind, NULL, -1, "%s", msg);
	engine_debrief_tell(e, &inc, role, kind, d.due_at, msg, now);
	log_info("incident=%lld event=%s", (long long)id, kind);
	engine_debrief_arm(e, &d);
}

static int
engine_restore_debrief(const struct debrief_due *d, void *arg)
{
	engine_debrief_arm(arg, d);
	return 0;
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
	char tail[DETAIL_MAX + 1];

	engine_event(e, inc, now, "ack", who, inc->step, "%s", rs->note);
	if (inc->acked_by[0] == '\0')
		strlcpy_utf8(inc->acked_by, who, sizeof inc->acked_by);
	if (inc->state < ST_ACKNOWLEDGED)
		inc->state = ST_ACKNOWLEDGED;
	inc->due_at = -1;
	engine_say(e, inc, who, now, "acknowledged by",
	    engine_fb_ack(e, inc, who, now, tail, sizeof tail));
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
	engine_fb_cancel(e, inc);
	engine_say(e, inc, who, now, "on scene:", "");
}

static void
engine_resolve(struct engine *e, struct incident *inc, const char *who,
    const struct respond *rs, int64_t now)
{
	engine_event(e, inc, now, "resolve", who, inc->step, "%s", rs->note);
	inc->state = ST_RESOLVED;
	inc->due_at = -1;
	engine_fb_cancel(e, inc);
	engine_say(e, inc, who, now, "resolved by", "");
	engine_debrief_open(e, inc, now);
}

static const action_fn action_table[ACT_COUNT] = {
	[ACT_ACK] = engine_ack,
	[ACT_DECLINE] = engine_decline,
	[ACT_ARRIVED] = engine_arrived,
	[ACT_RESOLVE] = engine_resolve,
	[ACT_BACKUP] = engine_backup,
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
	    msg_action_name(rs.action), who);
	action_table[rs.action](e, &inc, who, &rs, clock_now());
}

/* ---- supervisor requests ----------------------------------------------- */

/* Where a request's answer goes: its response topic, else the asker's
 * error topic (an answer nobody asked to receive is still never silent). */
struct request {
	const char *topic;
	const char *who;
	const void *p;
	size_t len;
	const char *reply_to;
	const void *corr;
	size_t corrlen;
};

static void
engine_answer(struct engine *e, const struct request *rq, char *reply)
{
	engine_queue_reply(e, rq->reply_to, rq->corr, rq->corrlen, reply);
}

static void
engine_refuse(struct engine *e, const struct request *rq, int method,
    const char *error)
{
	engine_touch(e);
	store_reject(e->st, clock_now(), rq->topic, NULL, error, rq->p,
	    rq->len);
	log_info("event=refused topic=%s error=\"%s\"", rq->topic, error);
	if (rq->reply_to != NULL)
		engine_answer(e, rq, msg_reply_finish(msg_reply_new(method),
		    error));
	else
		engine_queue(e, engine_topic(e, "error", rq->who, NULL),
		    msg_error_encode(error, rq->topic, NULL, 0, clock_now()), 0);
}

/* Why `who` may not use supervisor requests, or NULL when it may. */
static const char *
engine_may_query(struct engine *e, const char *who, char *buf, size_t len)
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

/* Why the debrief names a type the configuration does not, or NULL. */
static const char *
engine_check_types(struct engine *e, const struct debrief *d, char *buf,
    size_t len)
{
	size_t i;

	for (i = 0; i < d->nreferrals; i++)
		if (!conf_has(e->cf->referral_types, e->cf->nreferral_types,
		    d->referrals[i].type)) {
			snprintf(buf, len, "referrals: unknown referral type "
			    "\"%s\" (see debrief.referral_types)",
			    d->referrals[i].type);
			return buf;
		}
	for (i = 0; i < d->nnotices; i++)
		if (!conf_has(e->cf->notice_types, e->cf->nnotice_types,
		    d->notices[i])) {
			snprintf(buf, len, "notices: unknown notice type "
			    "\"%s\" (see debrief.notice_types)", d->notices[i]);
			return buf;
		}
	return NULL;
}

static int
engine_latest_debrief(const struct debrief_row *row, void *arg)
{
	struct debrief *d = arg;

	if (msg_debrief_decode(row->json, strlen(row->json), d, NULL, 0) !=
	    MSG_OK)
		log_warnx("incident=%lld: debrief revision %d unreadable",
		    (long long)row->incident, row->revision);
	return 0;
}

/* The debrief is recorded: no more reminders. */
static void
engine_debrief_done(struct engine *e, const struct incident *inc,
    int64_t now)
{
	struct debrief_due d;

	if (store_debrief_due_get(e->st, inc->id, &d) != 1) {
		memset(&d, 0, sizeof d);
		d.incident = inc->id;
		rules_debrief_open(e->cf, now, &d);
		store_debrief_open(e->st, &d);
	}
	if (d.stage == DEBRIEF_RECORDED)
		return;
	d.stage = DEBRIEF_RECORDED;
	d.next_at = -1;
	if (store_debrief_due_update(e->st, &d) != 0)
		log_warnx("incident=%lld: debrief state not recorded",
		    (long long)inc->id);
	engine_debrief_arm(e, &d);
}

static const char *
engine_record(struct engine *e, const char *who, const struct query *q,
    struct incident *inc, struct msg_reply *r)
{
	static char err[DETAIL_MAX + 1];
	struct debrief old, d = q->debrief;
	char changed[DETAIL_MAX + 1];
	char *json;
	int64_t now = clock_now();
	int rev = 0;

	if (state_open(inc->state))
		return "the incident is still open: debrief it once resolved";
	if (engine_check_types(e, &d, err, sizeof err) != NULL)
		return err;
	memset(&old, 0, sizeof old);
	old.incident = inc->id;
	if (store_debriefs(e->st, inc->id, 1, engine_latest_debrief,
	    &old) != 0)
		return "the database could not be read";
	d.incident = inc->id;
	d.revision = old.revision + 1;
	d.ts = now;
	strlcpy_utf8(d.author, who, sizeof d.author);
	msg_debrief_diff(&old, &d, changed, sizeof changed);
	if (old.revision > 0 && changed[0] == '\0') {
		snprintf(err, sizeof err, "nothing changed since revision %d",
		    old.revision);
		return err;
	}
	engine_touch(e);
	json = msg_debrief_encode(&d);
	if (store_debrief_add(e->st, inc->id, now, who,
	    debrief_open_actions(&d), json, &rev) != 0) {
		free(json);
		return "the debrief could not be recorded";
	}
	free(json);
	engine_event(e, inc, now, "debrief", who, -1, "revision %d%s%s", rev,
	    rev == 1 ? " recorded" : ": changed ", rev == 1 ? "" : changed);
	log_info("incident=%lld event=debrief revision=%d by=%s",
	    (long long)inc->id, rev, who);
	engine_debrief_done(e, inc, now);
	msg_reply_set_int(r, "revision", rev);
	return NULL;
}

static const char *
engine_hold(struct engine *e, const char *who, const struct query *q,
    struct incident *inc, struct msg_reply *r)
{
	int64_t now = clock_now();

	engine_touch(e);
	if (store_incident_hold(e->st, inc->id, q->hold) != 0)
		return "the hold could not be recorded";
	engine_event(e, inc, now, q->hold ? "hold" : "hold_released", who, -1,
	    "%s", q->note);
	log_info("incident=%lld event=%s by=%s", (long long)inc->id,
	    q->hold ? "hold" : "hold_released", who);
	msg_reply_set_int(r, "hold", q->hold);
	return NULL;
}

static const char *
engine_correct(struct engine *e, const char *who, const struct query *q,
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
	engine_touch(e);
	if (store_event_append(e->st, &ev) != 0)
		return "the correction could not be recorded";
	log_info("incident=%lld event=correction corrects=%lld by=%s",
	    (long long)inc->id, (long long)q->event, who);
	msg_reply_set_int(r, "event", ev.id);
	return NULL;
}

static const write_fn write_table[Q_COUNT] = {
	[Q_RECORD] = engine_record,
	[Q_HOLD] = engine_hold,
	[Q_CORRECT] = engine_correct,
};

/* The retention cutoff, or -1 when retention is off. */
static int64_t
engine_cutoff(struct engine *e, int64_t now)
{
	if (e->cf->retention_days <= 0)
		return -1;
	return now - (int64_t)e->cf->retention_days * 24 * 3600 * 1000;
}

/* A dry run lists what would go (the first QUERY_LIMIT), so a supervisor
 * can check it first. */
struct candidates {
	struct msg_reply *r;
	int n;
};

static int
engine_purge_candidate(const struct incident *inc, void *arg)
{
	struct candidates *c = arg;

	if (c->n++ == QUERY_LIMIT) {
		msg_reply_set_int(c->r, "more", 1);
		return 1;
	}
	msg_reply_add(c->r, "candidates", msg_incident_encode(inc));
	return 0;
}

static const char *
engine_purge(struct engine *e, int dry_run, struct msg_reply *r)
{
	struct purge_counts c;
	int64_t now = clock_now(), cutoff = engine_cutoff(e, now);

	if (cutoff < 0)
		return "retention is off (records.retention_days = 0)";
	if (!dry_run)
		engine_touch(e);
	if (store_purge(e->st, cutoff, now, dry_run, &c) != 0)
		return "the purge failed; nothing was removed";
	if (r == NULL)
		return NULL;
	msg_reply_set_int(r, "incidents", c.incidents);
	msg_reply_set_int(r, "events", c.events);
	msg_reply_set_int(r, "debriefs", c.debriefs);
	msg_reply_set_int(r, "kept_hold", c.kept_hold);
	msg_reply_set_int(r, "kept_actions", c.kept_actions);
	msg_reply_set_int(r, "dry_run", dry_run);
	if (dry_run) {
		struct candidates c = { r, 0 };

		msg_reply_add(r, "candidates", NULL);
		if (store_purge_candidates(e->st, cutoff,
		    engine_purge_candidate, &c) != 0)
			return "the database could not be read";
	}
	return NULL;
}

/* A request that writes: find the incident, act, answer. */
static const char *
engine_write(struct engine *e, const char *who, const struct query *q,
    struct msg_reply *r)
{
	static char err[64];
	struct incident inc;

	if (q->method == Q_PURGE)
		return engine_purge(e, q->dry_run, r);
	if (q->method == Q_MODE)
		return engine_mode(e, who, q, r);
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
engine_reply_ok(struct engine *e, const struct request *rq)
{
	size_t plen = strlen(e->cf->topic_prefix), wlen = strlen(rq->who);
	const char *t = rq->reply_to;

	return strncmp(t, e->cf->topic_prefix, plen) == 0 &&
	    strncmp(t + plen, "/reply/", 7) == 0 &&
	    strncmp(t + plen + 7, rq->who, wlen) == 0 &&
	    t[plen + 7 + wlen] == '/' && t[plen + 8 + wlen] != '\0';
}

/* An on-call request (oncall.h): 1 when it was one, answered or
 * refused; 0 when it is some other request. */
static int
engine_oncall(struct engine *e, const struct request *rq)
{
	struct oncall_req q;
	struct msg_reply *r;
	char err[DETAIL_MAX + 1];
	const char *why = NULL;
	int rc;

	if ((rc = msg_oncall_decode(rq->p, rq->len, &q, err, sizeof err)) ==
	    MSG_NOID)
		return 0;
	if (rc != MSG_OK)
		why = err;
	else if (rq->reply_to == NULL)
		why = "no MQTT v5 response topic: the answer would have nowhere "
		    "to go; nothing was done";
	else
		why = engine_may_query(e, rq->who, err, sizeof err);
	if (why == NULL) {
		if (oncall_writes(q.method))
			engine_touch(e);
		r = msg_reply_new(-1);
		why = oncall_answer(e->cf, e->st, e->duty, rq->who, &q,
		    clock_now(), r, err, sizeof err);
		if (why == NULL) {
			engine_answer(e, rq, msg_reply_finish(r, NULL));
			return 1;
		}
		free(msg_reply_finish(r, why));
	}
	engine_refuse(e, rq, -1, why);
	return 1;
}

static void
engine_query(struct engine *e, const struct request *rq)
{
	struct query *q = xmalloc(sizeof *q);
	struct msg_reply *r;
	char err[DETAIL_MAX + 1];
	const char *why;

	if (rq->reply_to != NULL && !engine_reply_ok(e, rq)) {
		struct request own = *rq;

		own.reply_to = NULL;
		snprintf(err, sizeof err, "response topic %.120s is not yours: "
		    "use %s/reply/%s/...; nothing was done", rq->reply_to,
		    e->cf->topic_prefix, rq->who);
		engine_refuse(e, &own, -1, err);
	} else if (engine_oncall(e, rq))
		;
	else if (msg_query_decode(rq->p, rq->len, q, err, sizeof err) !=
	    MSG_OK)
		engine_refuse(e, rq, -1, err);
	else if (rq->reply_to == NULL)
		engine_refuse(e, rq, q->method, "no MQTT v5 response topic: "
		    "the answer would have nowhere to go; nothing was done");
	else if (engine_may_query(e, rq->who, err, sizeof err) != NULL)
		engine_refuse(e, rq, q->method, err);
	else if (query_is_read(q->method))
		engine_answer(e, rq, query_read(e->st, q));
	else {
		r = msg_reply_new(q->method);
		if ((why = engine_write(e, rq->who, q, r)) != NULL) {
			free(msg_reply_finish(r, why));
			engine_refuse(e, rq, q->method, why);
		} else
			engine_answer(e, rq, msg_reply_finish(r, NULL));
	}
	free(q);
}

/* ---- devices ---------------------------------------------------------- */

static void
engine_health_queue(void *arg, char *topic, char *payload, int retain)
{
	engine_queue(arg, topic, payload, retain);
}

static void
engine_health_touch(void *arg)
{
	engine_touch(arg);
}

static void
engine_health_reject(void *arg, const char *topic, const char *branch,
    const char *error, const void *p, size_t len)
{
	engine_reply_error(arg, topic, branch, NULL, 0, error, p, len);
}

/* What health.c may use of the engine. */
static void
engine_health(struct engine *e, struct health_env *h)
{
	h->cf = e->cf;
	h->st = e->st;
	h->sched = e->sched;
	h->key_mul = KEY_KINDS;
	h->key_add = KEY_DEVICE;
	h->queue = engine_health_queue;
	h->touch = engine_health_touch;
	h->reject = engine_health_reject;
	h->arg = e;
}

/* rest is "{branch}/{device}". */
static void
engine_device(struct engine *e, const char *topic, const char *rest,
    const void *payload, size_t len, int selftest)
{
	struct health_env h;
	char branch[ID_MAX + 2];
	const char *slash = strchr(rest, '/');
	size_t n = slash != NULL ? (size_t)(slash - rest) : 0;

	if (n == 0 || n >= sizeof branch || slash[1] == '\0')
		return;
	memcpy(branch, rest, n);
	branch[n] = '\0';
	engine_health(e, &h);
	if (selftest)
		health_selftest(&h, topic, branch, slash + 1, payload, len,
		    clock_now());
	else
		health_presence(&h, topic, branch, slash + 1, payload, len,
		    clock_now());
}

static void
engine_presence(struct engine *e, const char *topic, const char *rest,
    const void *payload, size_t len)
{
	engine_device(e, topic, rest, payload, len, 0);
}

static void
engine_selftest(struct engine *e, const char *topic, const char *rest,
    const void *payload, size_t len)
{
	engine_device(e, topic, rest, payload, len, 1);
}

void
engine_publish_config(struct engine *e)
{
	struct health_env h;

	engine_health(e, &h);
	engine_touch(e);
	health_config(&h, clock_now());
}

static int
engine_hb_device(const struct device *d, void *arg)
{
	struct heartbeat *hb = arg;

	if (d->online || !d->flagged)
		return 0;
	if (hb->nlisted < HEARTBEAT_LISTED)
		hb->listed[hb->nlisted++] = *d;
	hb->offline++;
	return 0;
}

void
engine_heartbeat(struct engine *e, int64_t started)
{
	struct heartbeat *hb = xcalloc(1, sizeof *hb);

	hb->ts = clock_now();
	hb->started = started;
	hb->interval = e->cf->heartbeat;
	hb->open = store_open_count(e->st);
	if (hb->open < 0 ||
	    store_devices(e->st, NULL, engine_hb_device, hb) != 0)
		log_warnx("heartbeat: cannot read the database");
	engine_queue(e, engine_topic(e, "daemon", "heartbeat", NULL),
	    msg_heartbeat_encode(hb), 1);
	free(hb);
}

/* ---- dispatch --------------------------------------------------------- */

typedef void (*topic_fn)(struct engine *, const char *, const char *,
    const void *, size_t);

/* levels: how many topic levels follow the kind. */
static const struct {
	const char *kind;
	int levels;
	topic_fn fn;
} topic_table[] = {
	{ "report", 1, engine_report },
	{ "respond", 1, engine_respond },
	{ "device", 2, engine_presence },
	{ "selftest", 2, engine_selftest },
};

static int
engine_levels(const char *s)
{
	int n = 1;

	for (; *s != '\0'; s++)
		if (*s == '/') {
			if (s[1] == '\0' || s[1] == '/')
				return -1;
			n++;
		}
	return n;
}

void
engine_message(struct engine *e, const char *topic, const void *payload,
    size_t len)
{
	engine_request(e, topic, payload, len, NULL, NULL, 0);
}

void
engine_request(struct engine *e, const char *topic, const void *payload,
    size_t len, const char *reply_to, const void *corr, size_t corrlen)
{
	size_t plen = strlen(e->cf->topic_prefix), i, klen, slen;
	const char *rest, *seg;
	char kind[16], source[LIMIT_NAME];
	int keep = engine_enter(e);

	e->recorded = 0;
	if (strncmp(topic, e->cf->topic_prefix, plen) != 0 ||
	    topic[plen] != '/' || (seg = strchr(rest = topic + plen + 1,
	    '/')) == NULL || seg[1] == '\0' ||
	    (klen = (size_t)(seg - rest)) >= sizeof kind) {
		if (keep)
			backlog_request(&e->turn, clock_now(), topic, payload,
			    len, reply_to, corr, corrlen);
		return;
	}
	memcpy(kind, rest, klen);
	kind[klen] = '\0';
	slen = strcspn(seg + 1, "/") + 1;
	strlcpy_utf8(source, seg + 1, slen < sizeof source ? slen :
	    sizeof source);
	/* A sender over its limit costs no parsing and no writing. Reports
	 * are counted once their device is known (engine_report). */
	if (strcmp(kind, "report") != 0 &&
	    engine_limited(e, kind, source, NULL, payload, len))
		return;
	if (keep) {
		backlog_request(&e->turn, clock_now(), topic, payload, len,
		    reply_to, corr, corrlen);
		e->recorded = 1;
	}
	if (strcmp(kind, "query") == 0 && engine_levels(seg + 1) == 1) {
		struct request rq = { topic, seg + 1, payload, len, reply_to,
			corr, corrlen };

		engine_query(e, &rq);
		return;
	}
	for (i = 0; i < sizeof topic_table / sizeof *topic_table; i++)
		if (strcmp(topic_table[i].kind, kind) == 0 &&
		    engine_levels(seg + 1) == topic_table[i].levels)
			topic_table[i].fn(e, topic, seg + 1, payload, len);
}

/* ---- deadlines -------------------------------------------------------- */

static void
engine_repeat(struct engine *e, struct incident *inc, int64_t now)
{
	const struct conf_policy *pol = engine_policy(e, inc);
	struct route rt;
	int n;
	size_t i, sent = 0;

	if (pol == NULL || rules_route_at(e->cf, pol, inc->branch,
	    inc->r.severity, inc->step, e->duty, now, &rt) != 0)
		return;
	for (i = 0; i < rt.n; i++)
		if ((!inc->r.drill || !alarms_drill_skips(e->cf, rt.role[i])) &&
		    engine_fb_repeat(e, inc, &rt, i, &n)) {
			engine_notify_one(e, inc, rt.who[i], rt.role[i],
			    inc->step, n, now);
			sent++;
		}
	if (sent > 0)
		engine_event(e, inc, now, "repeated", NULL, inc->step,
		    "no acknowledgment: step %d repeated to %zu responder%s",
		    inc->step + 1, sent, sent == 1 ? "" : "s");
	engine_fb_next(e, inc, pol, now);
	engine_save(e, inc, now);
}

static void
engine_escalation_due(struct engine *e, int64_t id, int64_t due)
{
	struct incident inc;
	int64_t now = clock_now();

	memset(&inc, 0, sizeof inc);
	if (store_incident_get(e->st, id, &inc) != 1 ||
	    !state_open(inc.state) || inc.due_at < 0 ||
	    (inc.state >= ST_ACKNOWLEDGED && !engine_fb_awaiting(e, &inc)))
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

/* The daily retention job (records.retention_days). */
static void
engine_purge_job(struct engine *e, int64_t now)
{
	const char *err;

	if (e->cf->retention_days > 0 &&
	    (err = engine_purge(e, 0, NULL)) != NULL)
		log_warnx("event=purge error=\"%s\"", err);
	if (e->sched != NULL)
		timers_at(e->sched, KEY(0, KEY_PURGE), now + PURGE_EVERY_MS);
}

void
engine_deadline(struct engine *e, int64_t key, int64_t due)
{
	int64_t id = key / KEY_KINDS;

	if (key % KEY_KINDS == KEY_RETRY) {
		engine_touch(e);	/* the flush tries the database again */
		return;
	}
	if (key % KEY_KINDS == KEY_LIMIT) {
		engine_limit_roll(e);
		return;
	}
	if (key % KEY_KINDS == KEY_MARKS) {
		if (e->published.n > 0 || e->delivered.n > 0)
			engine_touch(e);	/* the flush writes them */
		return;
	}
	if (engine_enter(e))
		backlog_deadline(&e->turn, clock_now(), key, due);
	switch (key % KEY_KINDS) {
	case KEY_ESCALATE:
		engine_escalation_due(e, id, due);
		break;
	case KEY_DEBRIEF:
		engine_debrief_timer(e, id, clock_now());
		break;
	case KEY_PURGE:
		engine_purge_job(e, clock_now());
		break;
	case KEY_REMIND:
		engine_fb_timer(e, id, clock_now());
		break;
	case KEY_DEVICE: {
		struct health_env h;

		engine_health(e, &h);
		health_timer(&h, id, clock_now());
		break;
	}
	}
}

static int
engine_restore_one(const struct incident *inc, void *arg)
{
	struct engine *e = arg;

	timers_at(e->sched, KEY(inc->id, KEY_ESCALATE), inc->due_at);
	return 0;
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
engine_resend_collect(const struct outbox_row *row, void *arg)
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

/* Publish again what the broker never acknowledged, each attempt on the
 * incident's timeline: a responder may see a repeat, never a gap. */
static int
engine_resend(struct engine *e)
{
	struct resends rs = { NULL, 0, 0 };
	char detail[DETAIL_MAX + 1];
	const char *why = e->degraded_since > 0 ? "database outage" :
	    "restart";
	size_t i;
	int rc;

	rc = store_outbox_undelivered(e->st, engine_resend_collect, &rs);
	for (i = 0; i < rs.n; i++) {
		struct resend *r = &rs.r[i];

		if (r->attempts == 0)
			snprintf(detail, sizeof detail, "published again after "
			    "a %s: outbox %lld was pending", why,
			    (long long)r->id);
		else
			snprintf(detail, sizeof detail, "published again after "
			    "a %s: outbox %lld had %d attempt%s without "
			    "a PUBACK", why, (long long)r->id, r->attempts,
			    r->attempts == 1 ? "" : "s");
		engine_append(e, r->incident, "renotified", r->responder, -1,
		    detail);
		log_info("incident=%lld event=renotified responder=%s "
		    "outbox=%lld attempts=%d", (long long)r->incident,
		    r->responder, (long long)r->id, r->attempts);
		engine_queue(e, r->topic, r->payload, 0);
		e->out[e->nout - 1].outbox = r->id;
		free(r->responder);
	}
	free(rs.r);
	return rc;
}

int
engine_restore(struct engine *e)
{
	int rc;

	rc = engine_resend(e);
	if (rc == 0)
		rc = oncall_restore(e->st, e->duty, clock_now());
	if (rc == 0)
		rc = store_pending(e->st, engine_restore_one, e);
	if (rc == 0)
		rc = store_debrief_pending(e->st, engine_restore_debrief, e);
	if (rc == 0)
		rc = engine_fb_restore(e);
	if (rc == 0) {
		struct health_env h;

		engine_health(e, &h);
		rc = health_restore(&h);
	}
	timers_at(e->sched, KEY(0, KEY_PURGE), clock_now() + PURGE_FIRST_MS);
	log_info("event=restored pending=%zu", timers_count(e->sched));
	return rc;
}

/* ---- feedback to the reporter and to responders ------------------------
 * What the reporter and the responders are told besides the routing: who
 * acknowledged, the roles still awaited, stand-downs, reminders when an
 * acknowledgment is not followed by arrival, and backup. The state is read
 * from the incident's timeline, which holds every step of it anyway, so
 * nothing new is stored and a restart rebuilds the reminder timers.
 */
#define FB_MAX ROUTE_MAX

struct fb_scan {
	char notified[FB_MAX][ID_MAX + 1]; /* distinct, in order */
	int notified_step[FB_MAX]; /* the step each was first called at */
	size_t nnotified;
	char decliners[STATUS_ACKS][ID_MAX + 1];
	size_t ndecliners;
	char ackers[STATUS_ACKS][ID_MAX + 1];
	size_t nackers;
	int64_t taken_at;	/* when it was taken (engine_fb_scan); 0 not */
	int64_t first_ack;	/* the first "ack" event */
	int acks;		/* "ack" events */
	int reminded;		/* a reminder since it was taken */
	int forgotten;		/* the next step notified since */
	char empty[DETAIL_MAX + 1]; /* role labels that had nobody */
};

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
fb_empty(struct fb_scan *f, const char *detail)
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
engine_fb_event(const struct event *ev, void *arg)
{
	struct fb_scan *f = arg;

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
static int
engine_fb_scan(struct engine *e, const struct incident *inc,
    struct fb_scan *f)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);

	memset(f, 0, sizeof *f);
	if (store_timeline(e->st, inc->id, engine_fb_event, f) != 0)
		return -1;
	if (f->taken_at == 0 && (cat == NULL || cat->nrequire == 0))
		f->taken_at = f->first_ack;
	return 0;
}

/* The roles the category requires that no acknowledgment has covered. */
static size_t
engine_fb_missing(struct engine *e, const struct incident *inc,
    const struct fb_scan *f, const char **aw, size_t max)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	size_t i, j, n = 0;
	int got;

	for (i = 0; cat != NULL && i < cat->nrequire && n < max; i++) {
		for (got = 0, j = 0; j < f->nackers && !got; j++)
			got = strcmp(responder_role(e->cf, f->ackers[j]),
			    cat->require[i]) == 0;
		if (!got)
			aw[n++] = cat->require[i];
	}
	return n;
}

/* "security-1 (security) and dispatch (emergency dispatch)" */
static void
engine_fb_who(struct engine *e, char (*ids)[ID_MAX + 1], size_t n,
    char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s (%s)",
		    i == 0 ? "" : i + 1 == n ? " and " : ", ", ids[i],
		    role_label(e->cf, responder_role(e->cf, ids[i])));
}

/* Acknowledged and still waiting for a required role: escalation goes on. */
static int
engine_fb_awaiting(struct engine *e, const struct incident *inc)
{
	struct fb_scan *f = xmalloc(sizeof *f);
	const char *aw[STATUS_ACKS];
	int n = 0;

	if (engine_fb_scan(e, inc, f) == 0 && f->taken_at == 0)
		n = (int)engine_fb_missing(e, inc, f, aw, STATUS_ACKS);
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
engine_fb_escalation(struct engine *e, const struct incident *inc,
    struct fb_scan *f, struct status_escalation *x)
{
	const char *label;
	size_t i;

	if (!state_open(inc->state) || inc->step <= 0)
		return;
	x->step = inc->step;
	x->at = inc->step_at;
	for (i = 0; i < f->nnotified; i++) {
		label = role_label(e->cf, responder_role(e->cf,
		    f->notified[i]));
		if (f->notified_step[i] >= inc->step)
			fb_label(x->called, &x->ncalled, label);
		else if (fb_has(f->decliners, f->ndecliners, f->notified[i]))
			fb_label(x->declined, &x->ndeclined, label);
		else if (!fb_has(f->ackers, f->nackers, f->notified[i]))
			fb_label(x->unanswered, &x->nunanswered, label);
	}
}

static void
engine_fb_status(struct engine *e, const struct incident *inc,
    struct status *s)
{
	struct fb_scan *f;
	const struct conf_responder *rp;
	const char *aw[STATUS_ACKS], *role;
	size_t i, n;

	/* Before the first step nobody was notified: nothing to add. */
	if (inc->id <= 0 || inc->step < 0)
		return;
	f = xmalloc(sizeof *f);
	if (engine_fb_scan(e, inc, f) != 0) {
		free(f);
		return;
	}
	for (i = 0; i < f->nackers; i++) {
		struct status_ack *a = &s->acked[s->nacked++];

		role = responder_role(e->cf, f->ackers[i]);
		rp = conf_responder(e->cf, f->ackers[i]);
		strlcpy_utf8(a->by, f->ackers[i], sizeof a->by);
		strlcpy_utf8(a->role, role, sizeof a->role);
		strlcpy_utf8(a->label, role[0] ? role_label(e->cf, role) : "",
		    sizeof a->label);
		strlcpy_utf8(a->name, rp != NULL ? rp->name : "",
		    sizeof a->name);
	}
	if (state_open(inc->state) && inc->state >= ST_ACKNOWLEDGED &&
	    f->taken_at == 0) {
		n = engine_fb_missing(e, inc, f, aw, STATUS_ACKS);
		for (i = 0; i < n; i++)
			strlcpy_utf8(s->awaiting[s->nawaiting++], aw[i],
			    sizeof s->awaiting[0]);
	}
	if (state_open(inc->state) && inc->state < ST_ACKNOWLEDGED &&
	    inc->step >= 0 && (f->empty[0] != '\0' || inc->notified == 0)) {
		const char *who = f->empty[0] ? f->empty : "one";
		const char *call = !inc->call_911 ? "call the person in "
		    "charge" : inc->r.drill ? "call the person in charge "
		    "(DRILL: in a real event you would call 911 now)" :
		    "call 911 now, then the person in charge";

		if (inc->notified == 0)
			snprintf(s->instruction, sizeof s->instruction,
			    "No %.300s available: %s", who, call);
		else
			snprintf(s->instruction, sizeof s->instruction,
			    "No %.300s available (%d other responder%s notified): "
			    "if you need help before they come, %s", who,
			    inc->notified, inc->notified == 1 ? "" : "s",
			    call);
	}
	engine_fb_escalation(e, inc, f, &s->esc);
	free(f);
}

/* The next deadline of the incident's current step: its repeat (the
 * step's, or per role) or the next step. */
static void
engine_fb_next(struct engine *e, struct incident *inc,
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
static int
engine_fb_repeat(struct engine *e, const struct incident *inc,
    const struct route *rt, size_t i, int *n)
{
	const struct conf_policy *pol = engine_policy(e, inc);
	const struct conf_step *st = &pol->steps[inc->step];
	struct fb_scan *f;
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
	if (engine_fb_scan(e, inc, f) == 0 && f->taken_at == 0 &&
	    (na = engine_fb_missing(e, inc, f, aw, STATUS_ACKS)) > 0) {
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

/*
 * Tell every notified responder who has not acknowledged to stand down,
 * through the outbox: the incident is taken (reason "taken", by whoever
 * completed it) or was a false alarm ("false_alarm", by whoever said so).
 * One notice each and one timeline event. Returns how many were told.
 */
static size_t
engine_stand_down(struct engine *e, struct incident *inc, const char *reason,
    const char *by, int64_t now)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	const char *label = cat != NULL ? cat->label : inc->r.type;
	const char *role = by != NULL ? responder_role(e->cf, by) : "";
	struct fb_scan *f = xmalloc(sizeof *f);
	char who[DETAIL_MAX + 1], msg[DETAIL_MAX + 1], told[DETAIL_MAX + 1];
	size_t i, n = 0, off = 0;

	if (engine_fb_scan(e, inc, f) != 0) {
		free(f);
		return 0;
	}
	engine_fb_who(e, f->ackers, f->nackers, who, sizeof who);
	if (strcmp(reason, "taken") == 0)
		snprintf(msg, sizeof msg, "%sstand down: incident %lld (%.100s) "
		    "is taken by %.300s", inc->r.drill ? "DRILL: " : "",
		    (long long)inc->id, label, who);
	else if (strcmp(reason, "false_alarm") == 0)
		snprintf(msg, sizeof msg, "%sstand down: incident %lld (%s) "
		    "was a false alarm", inc->r.drill ? "DRILL: " : "",
		    (long long)inc->id, label);
	else
		snprintf(msg, sizeof msg, "%sstand down: incident %lld (%s): "
		    "%s", inc->r.drill ? "DRILL: " : "", (long long)inc->id,
		    label, reason);
	told[0] = '\0';
	for (i = 0; i < f->nnotified; i++) {
		struct notice nt = { inc, "stand_down", label, reason, by,
			role, role[0] ? role_label(e->cf, role) : NULL, msg,
			now };

		if (fb_has(f->ackers, f->nackers, f->notified[i]) ||
		    (by != NULL && strcmp(by, f->notified[i]) == 0))
			continue;
		engine_queue_notice(e, inc->id, f->notified[i],
		    msg_notice_encode(&nt), now);
		if (off < sizeof told)
			off += (size_t)snprintf(told + off, sizeof told - off,
			    "%s%s", n ? ", " : "", f->notified[i]);
		n++;
	}
	if (n > 0)
		engine_event(e, inc, now, "stand_down", by, inc->step,
		    "reason=%s; %zu responder%s stood down: %s", reason, n,
		    n == 1 ? "" : "s", told);
	log_info("incident=%lld event=stand_down reason=%s by=%s told=%zu",
	    (long long)inc->id, reason, by ? by : "", n);
	free(f);
	return n;
}

/* When the next reminder or escalation of a taken incident is due. */
static int64_t
engine_fb_due(struct engine *e, const struct fb_scan *f)
{
	int64_t on = (int64_t)e->cf->remind_on_scene * 1000;
	int64_t esc = (int64_t)e->cf->remind_escalate * 1000, due = -1;

	if (f->taken_at <= 0 || f->forgotten)
		return -1;
	if (on > 0 && !f->reminded)
		due = f->taken_at + on;
	if (esc > 0 && (due < 0 || f->taken_at + esc < due))
		due = f->taken_at + esc;
	return due;
}

static void
engine_fb_arm(struct engine *e, int64_t incident, const struct fb_scan *f)
{
	int64_t due = engine_fb_due(e, f);

	if (e->sched == NULL)
		return;
	if (due >= 0)
		timers_at(e->sched, KEY(incident, KEY_REMIND), due);
	else
		timers_cancel(e->sched, KEY(incident, KEY_REMIND));
}

static void
engine_fb_cancel(struct engine *e, const struct incident *inc)
{
	if (e->sched != NULL)
		timers_cancel(e->sched, KEY(inc->id, KEY_REMIND));
}

/*
 * After an acknowledgment (state and event already set): while a required
 * role has not acknowledged, escalation goes on and nobody is stood down;
 * once each has, the incident is taken: the others stand down and the
 * reminders start. Returns the tail of the reporter's sentence.
 */
static const char *
engine_fb_ack(struct engine *e, struct incident *inc, const char *who,
    int64_t now, char *tail, size_t len)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	const struct conf_policy *pol = engine_policy(e, inc);
	struct fb_scan *f = xmalloc(sizeof *f);
	const char *aw[STATUS_ACKS];
	char names[DETAIL_MAX + 1];
	size_t i, n, off = 0;

	tail[0] = '\0';
	/* Taken before this acknowledgment: nothing more to do. */
	if (engine_fb_scan(e, inc, f) != 0 || (f->taken_at > 0 &&
	    (cat != NULL && cat->nrequire > 0 ? 1 : f->acks > 1))) {
		free(f);
		return tail;
	}
	if ((n = engine_fb_missing(e, inc, f, aw, STATUS_ACKS)) > 0) {
		names[0] = '\0';
		for (i = 0; i < n && off < sizeof names; i++)
			off += (size_t)snprintf(names + off, sizeof names - off,
			    "%s%s", i ? " and " : "", role_label(e->cf, aw[i]));
		snprintf(tail, len, "; waiting for %s", names);
		if (pol != NULL && inc->step >= 0)
			engine_fb_next(e, inc, pol, now);
		log_info("incident=%lld event=awaiting roles=\"%s\"",
		    (long long)inc->id, names);
		free(f);
		return tail;
	}
	if (cat != NULL && cat->nrequire > 0) {
		engine_fb_who(e, f->ackers, f->nackers, names, sizeof names);
		engine_event(e, inc, now, "taken", who, inc->step,
		    "taken by %s", names);
		snprintf(tail, len, "; every required role has acknowledged");
	}
	engine_stand_down(e, inc, "taken", who, now);
	f->taken_at = now;
	engine_fb_arm(e, inc->id, f);
	/* The responder's command waits for its own action as the latest. */
	strlcpy_utf8(inc->last_kind, "ack", sizeof inc->last_kind);
	strlcpy_utf8(inc->last_by, who, sizeof inc->last_by);
	free(f);
	return tail;
}

/* Remind those who took the incident that they are not on scene yet. */
static void
engine_fb_remind(struct engine *e, struct incident *inc,
    const struct fb_scan *f, int64_t now)
{
	const struct conf_category *cat = conf_category(e->cf, inc->r.type);
	const char *label = cat != NULL ? cat->label : inc->r.type;
	char msg[DETAIL_MAX + 1];
	size_t i;
	int mins = (int)((now - f->taken_at) / 60000);

	snprintf(msg, sizeof msg, "%sreminder: incident %lld (%s%s%s) was "
	    "acknowledged %d min ago and nobody is on scene yet: say arrived "
	    "when you get there, or decline so that someone else is sent",
	    inc->r.drill ? "DRILL: " : "", (long long)inc->id, label,
	    inc->r.location[0] ? ", at " : "", inc->r.location, mins);
	for (i = 0; i < f->nackers; i++) {
		struct notice nt = { inc, "reminder", label, NULL, NULL, NULL,
			NULL, msg, now };

		engine_event(e, inc, now, "reminder", f->ackers[i], inc->step,
		    "acknowledged %d min ago, not on scene", mins);
		engine_queue_notice(e, inc->id, f->ackers[i],
		    msg_notice_encode(&nt), now);
	}
	log_info("incident=%lld event=reminder told=%zu", (long long)inc->id,
	    f->nackers);
}

/* Still not on scene: notify the next step, and tell the reporter. */
static void
engine_fb_forgotten(struct engine *e, struct incident *inc,
    const struct fb_scan *f, int64_t now)
{
	const struct conf_policy *pol = engine_policy(e, inc);
	char who[DETAIL_MAX + 1], empty[256], text[DETAIL_MAX + 1];
	int mins = (int)((now - f->taken_at) / 60000), before = inc->notified;
	size_t n = 0, fresh;

	engine_fb_who(e, (char (*)[ID_MAX + 1])f->ackers, f->nackers, who,
	    sizeof who);
	empty[0] = '\0';
	if (pol != NULL && (size_t)inc->step + 1 < pol->nsteps) {
		engine_event(e, inc, now, "forgotten", NULL, inc->step + 1,
		    "acknowledged by %s %d min ago, nobody on scene: "
		    "notifying step %d", who, mins, inc->step + 2);
		n = engine_route(e, inc, inc->step + 1, now, empty,
		    sizeof empty);
		inc->due_at = -1;
	} else
		engine_event(e, inc, now, "forgotten", NULL, inc->step,
		    "acknowledged by %s %d min ago, nobody on scene: no "
		    "further step", who, mins);
	fresh = (size_t)(inc->notified - before);
	if (fresh > 0)
		snprintf(text, sizeof text, "acknowledged %d min ago, nobody on "
		    "scene yet: step %d notified, %zu more responder%s%s",
		    mins, inc->step + 1, fresh, fresh == 1 ? "" : "s",
		    engine_call_911(inc));
	else if (n > 0)
		snprintf(text, sizeof text, "acknowledged %d min ago, nobody on "
		    "scene yet: step %d notified, %zu responder%s again%s",
		    mins, inc->step + 1, n, n == 1 ? "" : "s",
		    engine_call_911(inc));
	else
		snprintf(text, sizeof text, "acknowledged %d min ago, nobody on "
		    "scene yet and no one else available: call the person in "
		    "charge%s", mins, engine_call_911(inc));
	log_info("incident=%lld event=forgotten notified=%zu",
	    (long long)inc->id, n);
	engine_save(e, inc, now);
	engine_announce(e, inc, NULL, text);
}

static void
engine_fb_timer(struct engine *e, int64_t id, int64_t now)
{
	struct incident inc;
	struct fb_scan *f;
	int64_t esc = (int64_t)e->cf->remind_escalate * 1000;
	int64_t on = (int64_t)e->cf->remind_on_scene * 1000;

	memset(&inc, 0, sizeof inc);
	if (store_incident_get(e->st, id, &inc) != 1 ||
	    inc.state != ST_ACKNOWLEDGED)
		return;
	f = xmalloc(sizeof *f);
	if (engine_fb_scan(e, &inc, f) != 0 || f->taken_at <= 0) {
		free(f);
		return;
	}
	if (esc > 0 && !f->forgotten && now >= f->taken_at + esc) {
		engine_fb_forgotten(e, &inc, f, now);
		f->forgotten = 1;
	} else if (on > 0 && !f->reminded && now >= f->taken_at + on) {
		engine_fb_remind(e, &inc, f, now);
		f->reminded = 1;
	}
	engine_fb_arm(e, id, f);
	free(f);
}

struct fb_ids {
	int64_t *id;
	size_t n, cap;
};

static int
engine_fb_collect(const struct incident *inc, void *arg)
{
	struct fb_ids *ids = arg;

	if (inc->state != ST_ACKNOWLEDGED)
		return 0;
	if (ids->n == ids->cap) {
		ids->cap = ids->cap ? ids->cap * 2 : 16;
		ids->id = xreallocarray(ids->id, ids->cap, sizeof *ids->id);
	}
	ids->id[ids->n++] = inc->id;
	return 0;
}

/* Start-up: the reminder timers of the taken incidents. */
static int
engine_fb_restore(struct engine *e)
{
	struct fb_ids ids = { NULL, 0, 0 };
	struct fb_scan *f;
	struct incident inc;
	size_t i;
	int rc;

	if (e->cf->remind_on_scene <= 0 && e->cf->remind_escalate <= 0)
		return 0;
	rc = store_incidents(e->st, STORE_OPEN_ONLY, NULL, engine_fb_collect,
	    &ids);
	f = xmalloc(sizeof *f);
	for (i = 0; rc == 0 && i < ids.n; i++) {
		memset(&inc, 0, sizeof inc);
		if ((rc = store_incident_get(e->st, ids.id[i], &inc)) != 1)
			break;
		if ((rc = engine_fb_scan(e, &inc, f)) == 0)
			engine_fb_arm(e, ids.id[i], f);
	}
	if (rc == 1)
		rc = 0;
	free(f);
	free(ids.id);
	return rc;
}

/*
 * A responder asks for backup: every responder of the role named on the
 * incident's branch, or the next step when none is named, is notified at
 * once; the timeline and the reporter are told.
 */
static void
engine_backup(struct engine *e, struct incident *inc, const char *who,
    const struct respond *rs, int64_t now)
{
	const struct conf_policy *pol = engine_policy(e, inc);
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
		topic = engine_topic(e, "respond", who, NULL);
		payload = msg_respond_encode(rs);
		engine_reply_error(e, topic, who, NULL, inc->id, err, payload,
		    strlen(payload));
		free(topic);
		free(payload);
		return;
	}
	if (rs->role[0] != '\0') {
		rules_role(e->cf, rs->role, inc->branch, &rt);
		for (i = 0; i < rt.n; i++) {
			struct notify nt = { inc, cat ? cat->label :
				inc->r.type, rt.role[i], inc->step, 0, now, who,
				rs->note };

			if (strcmp(rt.who[i]->id, who) == 0)
				continue;
			if (store_was_notified(e->st, inc->id,
			    rt.who[i]->id) == 0)
				inc->notified++;
			engine_event(e, inc, now, "notified", rt.who[i]->id,
			    inc->step, "role=%s; backup for %s", rt.role[i],
			    who);
			engine_queue_notice(e, inc->id, rt.who[i]->id,
			    msg_notify_encode(&nt), now);
			n++;
		}
		if (n == 0)
			snprintf(empty, sizeof empty, "%s",
			    role_label(e->cf, rs->role));
	} else {
		n = engine_fire(e, inc, inc->step + 1, now, empty,
		    sizeof empty);
		engine_fb_next(e, inc, pol, now);
	}
	engine_event(e, inc, now, "backup", who, inc->step, "%s%s: %zu "
	    "responder%s notified%s%s%s%.200s", rs->role[0] ? "role " :
	    "next step", rs->role, n, n == 1 ? "" : "s", empty[0] ?
	    "; no one available: " : "", empty, rs->note[0] ? "; " : "",
	    rs->note);
	log_info("incident=%lld event=backup by=%s role=%s notified=%zu",
	    (long long)inc->id, who, rs->role[0] ? rs->role : "(next step)",
	    n);
	if (n > 0)
		snprintf(tail, sizeof tail, ": %zu more responder%s notified",
		    n, n == 1 ? "" : "s");
	else
		snprintf(tail, sizeof tail, ": no %s available: call the "
		    "person in charge%s", empty[0] ? empty : "one",
		    engine_call_911(inc));
	engine_say(e, inc, who, now, "backup requested by", tail);
}
