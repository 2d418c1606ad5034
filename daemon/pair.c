/*
 * beacond's side of a standby pair (pair.h; docs/deployment.md).
 *
 * Each instance stands by first, connected as {client_id}-{instance}: it
 * applies what its partner publishes on {prefix}/daemon/replica/{partner}
 * (a persistent session keeps what arrives while it is away) and watches
 * the lease on {prefix}/daemon/leader (standby.c). When it wins the lease
 * it disconnects and connects again as {client_id}, the active session:
 * the subscriptions, the reports queued while nobody was active and the
 * status will come with it. It then starts its engine on the replicated
 * database, which arms the pending escalations and sends the
 * notifications the broker never acknowledged, and publishes each of its
 * own commits for the partner. An active instance that loses the lease
 * or its connection starts again as a standby (exec), so that two never
 * act at once for long: the broker hands the session to one of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "beacon.h"
#include "catchup.h"
#include "clock.h"
#include "conf.h"
#include "log.h"
#include "mqtt.h"
#include "msg.h"
#include "pair.h"
#include "standby.h"
#include "store.h"
#include "topic.h"
#include "xmalloc.h"

struct pair {
	struct store *st;
	struct mqtt *mqtt;
	struct pair_cb cb;
	struct standby *standby;
	/* Standing by: where this instance is in the partner's changes. */
	struct catchup *catchup;
	int lease;		/* standby.lease, in seconds */
	int active;		/* 1: took over, the active session */
	struct event *role_ev;	/* a role change, out of the callbacks */
	int64_t take_term;	/* the term to take over with; 0: none */
	/* Taking over: the barrier sent after the partner's last changes
	 * (1), back (2); its timer, should it not come back. */
	int drain;
	struct event *drain_ev;
	int step_down;		/* stop being active */
	int stopping;		/* a signal said stop: no role change */
	char *status_topic;	/* {prefix}/daemon/status */
	char *leader_topic;	/* {prefix}/daemon/leader */
	char *replica_in;	/* {prefix}/daemon/replica/{partner} */
	char *replica_out;	/* {prefix}/daemon/replica/{instance} */
	char *presence_topic;	/* {prefix}/daemon/standby/{instance} */
	char *sync_topic;	/* {prefix}/daemon/sync: asks the active one */
	char *answer_topic;	/* {prefix}/daemon/sync/{instance}: its answer */
	char *partner_answer;	/* {prefix}/daemon/sync/{partner}: ours */
	char *instance;		/* standby.instance and .partner, as */
	char *partner;		/* started */
	int replica_mid;	/* the subscription to the partner's changes */
	/* Active: the partner asked where this one is (1) or for a copy
	 * (2); answered after the turn's commit. */
	int asked;
};

static void pair_commit(struct pair *);
static void pair_barrier(struct pair *, const void *, size_t);

static void
pair_presence(struct pair *p, const char *state)
{
	char *m = msg_daemon_encode(state, clock_now());

	mqtt_publish_first(p->mqtt, p->presence_topic, m, strlen(m), 1);
	free(m);
}

/* The same with a note (what a gap is): the catchup's. */
static void
pair_presence_note(void *arg, const char *state, const char *note)
{
	struct pair *p = arg;
	char *m = msg_standby_encode(state, note, clock_now());

	mqtt_publish_first(p->mqtt, p->presence_topic, m, strlen(m), 1);
	free(m);
}

/*
 * Standing by, after each connection: subscribed to the partner's
 * changes, the answers to this instance's questions, the lease and the
 * status. It says "joining" until the broker has acknowledged the
 * subscription to the changes (from then on, each one reaches it) and the
 * active one has said where it is in its sequence: then, if this
 * database is there, "standby"; if not, it asks for a fresh copy and
 * stands by once it has rebuilt from it (docs/deployment.md).
 */
static void
pair_standing_by(struct pair *p)
{
	/* The lease and the status at QoS 0: the session keeps none of
	 * them while this instance is away (or active), so it never reads
	 * old leases as news; a retained one still comes at once. The
	 * changes last: their SUBACK comes after the others'. */
	const char *topics[] = { p->answer_topic, p->leader_topic,
		p->status_topic };
	size_t i;

	for (i = 0; i < sizeof topics / sizeof *topics; i++)
		if (mqtt_subscribe(p->mqtt, topics[i], i == 0 ? 1 : 0) != 0)
			log_warnx("mqtt: cannot subscribe to %s", topics[i]);
	if ((p->replica_mid = mqtt_subscribe_mid(p->mqtt, p->replica_in,
	    1)) < 0)
		log_warnx("mqtt: cannot subscribe to %s", p->replica_in);
	catchup_connected(p->catchup);
	standby_start(p->standby);
	log_info("event=connected role=standby partner=%s",
	    p->partner);
}

/* Active: the lease and the partner's questions. */
static void
pair_active_subscribe(struct pair *p)
{
	if (mqtt_subscribe(p->mqtt, p->leader_topic, 0) != 0)
		log_warnx("mqtt: cannot subscribe to %s", p->leader_topic);
	if (mqtt_subscribe(p->mqtt, p->sync_topic, 1) != 0)
		log_warnx("mqtt: cannot subscribe to %s", p->sync_topic);
}

void
pair_connected(struct pair *p)
{
	if (p->active)
		pair_active_subscribe(p);
	else
		pair_standing_by(p);
}

/* The broker published our will: the partner takes over. Coming back as
 * the active one would take its session from under it. */
void
pair_disconnected(struct pair *p)
{
	if (p->active && !p->step_down && !p->stopping) {
		p->step_down = 1;
		event_active(p->role_ev, 0, 0);
	}
}

/* The catchup's questions to the active one. */
static void
pair_ask(void *arg, const char *question)
{
	struct pair *p = arg;

	mqtt_publish(p->mqtt, p->sync_topic, question, strlen(question), 0);
}

/* Committed once the messages read together are applied. */
static void
pair_applied(void *arg)
{
	struct pair *p = arg;

	p->cb.wakeup(p->cb.arg);
}

static void
pair_commit_cb(void *arg)
{
	pair_commit(arg);
}

/* The broker has the subscription to the partner's changes. */
static void
pair_subscribed(void *arg, int mid, int ok)
{
	struct pair *p = arg;

	if (p->active || mid != p->replica_mid)
		return;
	if (!ok)
		log_warnx("event=replica_refused source=%s error=\"the broker "
		    "refused the subscription to %s\"", p->partner,
		    p->replica_in);
	else
		catchup_subscribed(p->catchup);
}

static void
pair_lease_message(struct pair *p, const void *payload, size_t len)
{
	struct lease l;
	char err[128];

	/* An empty retained message clears the topic: no lease. */
	if (len == 0)
		return;
	if (msg_lease_decode(payload, len, &l, err, sizeof err) != MSG_OK) {
		log_warnx("event=bad_lease topic=%s error=\"%s\"",
		    p->leader_topic, err);
		return;
	}
	standby_lease(p->standby, &l);
	if (!p->active)
		catchup_lease(p->catchup, standby_term(p->standby),
		    standby_holder(p->standby));
}

/* Active: a question from the partner, answered after the turn's
 * commit (a copy wins over where-am-I). */
static void
pair_asked(struct pair *p, const void *payload, size_t len)
{
	int q = catchup_question(payload, len, p->instance, p->partner);

	if (q == 0)
		return;
	if (q > p->asked)
		p->asked = q;
	p->cb.wakeup(p->cb.arg);
}

/* After the turn's commit, so that the answer holds exactly the changes
 * published before it. */
static void
pair_answer_partner(struct pair *p)
{
	char *m, *cause = NULL;
	int64_t term = 0, seq = 0;
	size_t len;

	if (store_in_txn(p->st))
		return;
	if ((m = store_copy_make(p->st, p->asked == 2, &len, &cause)) ==
	    NULL) {
		log_warnx("event=replica_copy_failed to=%s error=\"%s\"",
		    p->partner, cause);
		free(cause);
		p->asked = 0;
		return;
	}
	(void)store_replica_self(p->st, &term, &seq);
	mqtt_publish(p->mqtt, p->partner_answer, m, len, 0);
	log_info("event=replica_%s to=%s term=%lld seq=%lld bytes=%zu",
	    p->asked == 2 ? "copy_sent" : "position_sent", p->partner,
	    (long long)term, (long long)seq, len);
	free(m);
	p->asked = 0;
}

/* The end of a standby's turn: what it applied, in one commit. */
static void
pair_commit(struct pair *p)
{
	if (!store_in_txn(p->st))
		return;
	if (store_commit(p->st) != 0) {
		log_warnx("event=replica_refused source=%s error=\"commit: "
		    "%s\"", p->partner, store_error(p->st));
		store_rollback(p->st);
	}
}

void
pair_flushed(struct pair *p)
{
	if (!p->active)
		pair_commit(p);
	else if (p->asked)
		pair_answer_partner(p);
}

void
pair_stop(struct pair *p)
{
	p->stopping = 1;
	if (!p->active) {
		pair_commit(p);
		pair_presence(p, "offline");
	}
}

/* A standby reads the partner's changes, the answers to its questions
 * and the active one's status. */
static void
pair_standby_message(struct pair *p, const char *topic,
    const void *payload, size_t len, const struct mqtt_props *props)
{
	char state[16], err[128];
	int64_t ts;

	if (strcmp(topic, p->replica_in) == 0 && len >= 15 &&
	    memcmp(payload, "beacon-barrier ", 15) == 0)
		pair_barrier(p, payload, len);
	else if (strcmp(topic, p->replica_in) == 0)
		catchup_change(p->catchup, payload, len);
	else if (strcmp(topic, p->answer_topic) == 0)
		catchup_answer(p->catchup, payload, len);
	/* The active one's will, or its clean stop; a retained "offline"
	 * is old news. */
	else if (strcmp(topic, p->status_topic) == 0 && !props->retained &&
	    msg_daemon_decode(payload, len, state, &ts, err, sizeof err) ==
	    MSG_OK && strcmp(state, "offline") == 0)
		standby_released(p->standby);
}

int
pair_message(struct pair *p, const char *topic, const void *payload,
    size_t len, const struct mqtt_props *props)
{
	if (strcmp(topic, p->leader_topic) == 0) {
		pair_lease_message(p, payload, len);
		return 1;
	}
	if (strcmp(topic, p->sync_topic) == 0) {
		if (p->active)
			pair_asked(p, payload, len);
		return 1;
	}
	if (p->active)
		return 0;
	pair_standby_message(p, topic, payload, len, props);
	return 1;
}

static void
pair_publish_lease(void *arg, const struct lease *l)
{
	struct pair *p = arg;
	char *m = msg_lease_encode(l);

	mqtt_publish_first(p->mqtt, p->leader_topic, m, strlen(m), 1);
	free(m);
}

static void
pair_promote(void *arg, int64_t term)
{
	struct pair *p = arg;

	p->take_term = term;
	event_active(p->role_ev, 0, 0);
}

static void
pair_demote(void *arg, const struct lease *l)
{
	struct pair *p = arg;

	log_warnx("event=lease_lost holder=%s term=%lld", l->instance,
	    (long long)l->term);
	p->step_down = 1;
	event_active(p->role_ev, 0, 0);
}

/* A commit's changes, for the partner, ahead of what the commit lets the
 * engine announce (store.c calls this inside engine_flush). */
static void
pair_changes(void *arg, const void *buf, size_t len)
{
	struct pair *p = arg;

	mqtt_publish(p->mqtt, p->replica_out, buf, len, 0);
}

static void
pair_take_over(struct pair *p)
{
	int64_t term = p->take_term;

	p->take_term = 0;
	p->drain = 0;
	pair_commit(p);
	catchup_stop(p->catchup);
	if (!catchup_synced(p->catchup))
		log_warnx("event=take_over_unsynced instance=%s partner=%s "
		    "gap=\"%s\": this database may not hold all of %s's "
		    "record; %s's database holds the rest", p->instance,
		    p->partner, catchup_gap(p->catchup)[0] ?
		    catchup_gap(p->catchup) : "not yet placed in its changes",
		    p->partner, p->partner);
	log_info("event=take_over instance=%s term=%lld",
	    p->instance, (long long)term);
	pair_presence(p, "active");
	p->active = 1;
	p->cb.reconnect(p->cb.arg);
	if (store_replicate(p->st, p->instance, term, clock_now(),
	    pair_changes, p) != 0)
		fatalx("cannot record changes for the partner");
	p->cb.activate(p->cb.arg);
}

/* Start again, as a standby: the simplest state to be sure of. */
static void
pair_step_down(struct pair *p)
{
	log_warnx("event=step_down instance=%s: starting again as the "
	    "standby", p->instance);
	p->cb.restart(p->cb.arg);
}

/*
 * Won the lease: first apply every change of the partner's that the
 * broker still holds for this instance's standby session (a standby
 * behind, or one the broker fed slowly, would otherwise take over
 * without the partner's last commits). A barrier published on the
 * partner's replica topic comes back after all of them; after a lease
 * without it, take over all the same.
 */
static void
pair_drain(struct pair *p)
{
	char *m = xasprintf("beacon-barrier 1 %s %lld", p->instance,
	    (long long)p->take_term);
	struct timeval tv = { p->lease, 0 };

	p->drain = 1;
	mqtt_publish(p->mqtt, p->replica_in, m, strlen(m), 0);
	free(m);
	if (evtimer_add(p->drain_ev, &tv) != 0)
		fatalx("cannot arm the takeover timer");
}

/* A barrier on the partner's replica topic: ours, for this term? */
static void
pair_barrier(struct pair *p, const void *payload, size_t len)
{
	char *want = xasprintf("beacon-barrier 1 %s %lld", p->instance,
	    (long long)p->take_term);

	if (p->drain == 1 && len == strlen(want) &&
	    memcmp(payload, want, len) == 0) {
		p->drain = 2;
		evtimer_del(p->drain_ev);
		event_active(p->role_ev, 0, 0);
	}
	free(want);
}

static void
on_drain_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct pair *p = arg;

	(void)fd;
	(void)what;
	if (p->drain != 1)
		return;
	log_warnx("event=take_over_undrained instance=%s partner=%s: the "
	    "broker did not hand back this instance's barrier within a "
	    "lease; the partner's last changes may still be on their way",
	    p->instance, p->partner);
	p->drain = 2;
	event_active(p->role_ev, 0, 0);
}

static void
on_role(evutil_socket_t fd, short what, void *arg)
{
	struct pair *p = arg;

	(void)fd;
	(void)what;
	if (p->stopping)
		return;
	if (p->step_down)
		pair_step_down(p);
	else if (p->take_term > 0 && !p->active && p->drain == 0)
		pair_drain(p);
	else if (p->take_term > 0 && !p->active && p->drain == 2)
		pair_take_over(p);
}

static void
pair_topics(struct pair *p, const char *prefix)
{
	p->status_topic = topic_make(prefix, TOPIC_DAEMON, "status", NULL);
	p->leader_topic = topic_make(prefix, TOPIC_DAEMON, "leader", NULL);
	p->replica_in = topic_make(prefix, TOPIC_DAEMON, "replica",
	    p->partner, NULL);
	p->replica_out = topic_make(prefix, TOPIC_DAEMON, "replica",
	    p->instance, NULL);
	p->presence_topic = topic_make(prefix, TOPIC_DAEMON, "standby",
	    p->instance, NULL);
	p->sync_topic = topic_make(prefix, TOPIC_DAEMON, "sync", NULL);
	p->answer_topic = topic_make(prefix, TOPIC_DAEMON, "sync",
	    p->instance, NULL);
	p->partner_answer = topic_make(prefix, TOPIC_DAEMON, "sync",
	    p->partner, NULL);
}

struct pair *
pair_new(struct event_base *base, struct store *st, const struct config *cf,
    const struct pair_cb *pcb)
{
	struct pair *p = xcalloc(1, sizeof *p);
	struct standby_cb cb = { pair_publish_lease, pair_promote,
		pair_demote, p };
	struct catchup_cb ccb = { pair_ask, pair_presence_note, pair_applied,
		pair_commit_cb, p };

	p->st = st;
	p->cb = *pcb;
	p->lease = cf->standby_lease;
	p->instance = xstrdup(cf->standby_instance);
	p->partner = xstrdup(cf->standby_partner);
	pair_topics(p, cf->topic_prefix);
	if ((p->role_ev = event_new(base, -1, 0, on_role, p)) == NULL ||
	    (p->drain_ev = evtimer_new(base, on_drain_timeout, p)) == NULL)
		fatalx("cannot create the loop's events");
	p->standby = standby_new(base, p->instance,
	    (int64_t)cf->standby_lease * 1000,
	    store_replica_term(st), &cb);
	p->catchup = catchup_new(base, st, p->instance, p->partner,
	    (int64_t)cf->standby_lease * 1000, &ccb);
	return p;
}

void
pair_set_mqtt(struct pair *p, struct mqtt *m)
{
	p->mqtt = m;
	if (!p->active)
		mqtt_on_subscribed(m, pair_subscribed, p);
}

const char *
pair_instance(const struct pair *p)
{
	return p->instance;
}

const char *
pair_will_topic(const struct pair *p)
{
	return p->presence_topic;
}

void
pair_free(struct pair *p)
{
	if (p == NULL)
		return;
	standby_free(p->standby);
	event_free(p->role_ev);
	event_free(p->drain_ev);
	catchup_free(p->catchup);
	free(p->status_topic);
	free(p->leader_topic);
	free(p->replica_in);
	free(p->replica_out);
	free(p->presence_topic);
	free(p->sync_topic);
	free(p->answer_topic);
	free(p->partner_answer);
	free(p->instance);
	free(p->partner);
	free(p);
}
