/*
 * beacond: routes incident reports from library branches to responders.
 * main() parses arguments, loads the configuration, sets up the modules and
 * runs one libevent loop; everything else happens in callbacks.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "beacon.h"
#include "catchup.h"
#include "clock.h"
#include "conf.h"
#include "engine.h"
#include "log.h"
#include "mqtt.h"
#include "msg.h"
#include "push.h"
#include "timers.h"
#include "sdnotify.h"
#include "standby.h"
#include "store.h"
#include "xmalloc.h"

#define DEFAULT_CONFIG "/etc/beacon/beacon.conf"

struct args {
	const char *config;
	const char *broker;
	const char *db;
	int check;
	int verbose;
};

struct daemon {
	struct args args;
	struct config *cf;
	struct event_base *base;
	struct store *st;
	struct timers *sched;
	struct engine *engine;
	struct mqtt *mqtt;
	struct push *push; /* NULL: no push service configured */
	struct event *flush_ev;
	struct event *hb_ev;	/* the heartbeat, every cf->heartbeat s */
	struct event *wd_ev;	/* systemd's watchdog; NULL: none asked */
	int64_t started;
	struct event *sig_ev[3];
	char *status_topic;
	char *clock_topic;	/* beacond-test: {prefix}/test/clock */
	char **argv;		/* to start again as the standby */
	/* A standby pair (standby: { } in the configuration): NULL
	 * standby, one beacond alone. While it stands by, engine is NULL. */
	struct standby *standby;
	int active;		/* 1: the active session, with an engine */
	struct event *role_ev;	/* a role change, out of the callbacks */
	int64_t take_term;	/* the term to take over with; 0: none */
	/* Taking over: the barrier sent after the partner's last changes
	 * (1), back (2); its timer, should it not come back. */
	int drain;
	struct event *drain_ev;
	int step_down;		/* stop being active */
	int stopping;		/* a signal said stop: no role change */
	char *leader_topic;	/* {prefix}/daemon/leader */
	char *replica_in;	/* {prefix}/daemon/replica/{partner} */
	char *replica_out;	/* {prefix}/daemon/replica/{instance} */
	char *presence_topic;	/* {prefix}/daemon/standby/{instance} */
	char *sync_topic;	/* {prefix}/daemon/sync: asks the active one */
	char *answer_topic;	/* {prefix}/daemon/sync/{instance}: its answer */
	char *instance;		/* standby.instance and .partner, as */
	char *partner;		/* started */
	/* Standing by: where this instance is in the partner's changes. */
	struct catchup *catchup;
	int replica_mid;	/* the subscription to the partner's changes */
	/* Active: the partner asked where this one is (1) or for a copy
	 * (2); answered after the turn's commit. */
	int asked;
};

static void mqtt_setup(struct daemon *);
static void pair_subscribed(void *, int mid, int ok);
static void engine_setup(struct daemon *);
static void teardown(struct daemon *);
static void pair_standing_by(struct daemon *);
static void pair_presence(struct daemon *, const char *state);
static int pair_message(struct daemon *, const char *topic,
    const void *payload, size_t len, const struct mqtt_props *);
static void pair_commit(struct daemon *);
static void pair_answer_partner(struct daemon *);
static void pair_barrier(struct daemon *, const void *, size_t);

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: beacond [-c FILE] [--broker HOST:PORT] [--db PATH] "
	    "[--check-config] [-v]\n"
	    "       beacond --version | --help\n"
	    "\n"
	    "  -c, --config FILE   configuration (default %s)\n"
	    "  --broker HOST:PORT  MQTT broker (default: the configuration's)\n"
	    "  --db PATH           SQLite database (default: the "
	    "configuration's)\n"
	    "  --check-config      check the configuration and exit: 0 valid, "
	    "1 not\n"
	    "  -v, --verbose       debug log\n"
	    "  --version           print the version and exit\n",
	    DEFAULT_CONFIG);
}

static void
parse_args(int argc, char **argv, struct args *a)
{
	enum { O_BROKER = 256, O_DB, O_CHECK, O_VERSION, O_HELP };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "broker", required_argument, NULL, O_BROKER },
		{ "db", required_argument, NULL, O_DB },
		{ "check-config", no_argument, NULL, O_CHECK },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, O_VERSION },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(a, 0, sizeof *a);
	a->config = DEFAULT_CONFIG;
	while ((ch = getopt_long(argc, argv, "c:v", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': a->config = optarg; break;
		case O_BROKER: a->broker = optarg; break;
		case O_DB: a->db = optarg; break;
		case O_CHECK: a->check = 1; break;
		case 'v': a->verbose = 1; break;
		case O_VERSION: printf("beacond %s\n", BEACON_VERSION); exit(0);
		case O_HELP: usage(stdout); exit(0);
		default: usage(stderr); exit(1);
		}
	}
	if (optind != argc) {
		usage(stderr);
		exit(1);
	}
}

/* Load the configuration and beacond's secrets (its broker password), or
 * print every error and exit 1. */
static struct config *
config_or_exit(const struct args *a)
{
	struct config *cf = NULL;
	char *cause = NULL;

	if (config_load(a->config, &cf, &cause) != 0 ||
	    config_read_secrets(cf, &cause) != 0) {
		config_free(cf);
		fprintf(stderr, "%s", cause);
		if (cause[0] != '\0' && cause[strlen(cause) - 1] != '\n')
			fputc('\n', stderr);
		free(cause);
		exit(1);
	}
	return cf;
}

/* ---- callbacks --------------------------------------------------------- */

static void
on_publish(void *arg, const char *topic, const char *payload, size_t len,
    int retain, const void *corr, size_t corrlen, int64_t tag)
{
	struct daemon *d = arg;
	struct mqtt_props pr = { NULL, corr, corrlen, tag, 0 };
	size_t n = strlen(d->status_topic) - strlen("status");

	/* beacond's own liveness (daemon/status, daemon/heartbeat) must not
	 * wait behind a backlog flushed after a reconnection: monitoring
	 * would read a stale heartbeat from a daemon that is running. */
	if (strncmp(topic, d->status_topic, n) == 0 && corr == NULL &&
	    tag == 0)
		mqtt_publish_first(d->mqtt, topic, payload, len, retain);
	else
		mqtt_publish_props(d->mqtt, topic, payload, len, retain,
		    corr != NULL || tag != 0 ? &pr : NULL);
}

/* A notification's PUBACK: its outbox row is delivered. */
static void
on_acked(void *arg, long long tag, int ok, const char *why)
{
	struct daemon *d = arg;

	if (d->engine != NULL)
		engine_acked(d->engine, tag, ok, why);
}

static void
on_wakeup(void *arg)
{
	struct daemon *d = arg;

	event_active(d->flush_ev, 0, 0);
}

static void
on_flush(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	if (!d->active) {
		pair_commit(d);
		return;
	}
	mqtt_cork(d->mqtt, 1);
	engine_flush(d->engine);
	mqtt_cork(d->mqtt, 0);
	if (d->asked)
		pair_answer_partner(d);
}

/* A committed notification: POST it to the push service too. */
static void
on_push(void *arg, const char *responder, const char *payload)
{
	struct daemon *d = arg;

	if (d->push != NULL)
		push_notify(d->push, responder, payload);
}

/* A push's outcome goes on the incident's timeline. */
static void
on_pushed(void *arg, int64_t incident, const char *kind, const char *actor,
    int step, const char *detail)
{
	struct daemon *d = arg;

	engine_append(d->engine, incident, kind, actor, step, detail);
}

/* From the loop, so that a loop that hangs stops both. */
static void
on_heartbeat(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	if (d->engine != NULL)
		engine_heartbeat(d->engine, d->started);
}

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sdnotify_watchdog();
}

static void
timer_every(struct event *ev, int64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000),
	    (suseconds_t)(ms % 1000) * 1000 };

	if (event_add(ev, &tv) != 0)
		fatalx("cannot arm a timer");
}

/* "offline", or NULL for what the engine says: online or degraded. */
static void
publish_daemon_status(struct daemon *d, const char *state)
{
	char *p = state != NULL ? msg_daemon_encode(state, clock_now()) :
	    engine_status(d->engine);

	mqtt_publish_first(d->mqtt, d->status_topic, p, strlen(p), 1);
	free(p);
}

/*
 * beacon: { share_group = "beacond"; }: subscribe to the input topics as
 * MQTT v5 shared subscriptions, $share/{group}/{topic}, for a clustered
 * broker. Messages still arrive on their real topics, so the engine's
 * matching is the same. The plain subscriptions a session may keep from
 * before the setting are dropped first: with both, each report would
 * arrive twice. The test clock stays a plain subscription.
 */
static void
subscribe_shared(struct daemon *d)
{
	const char *const *t;
	char *sub;

	for (t = engine_topics(d->engine); *t != NULL; t++) {
		(void)mqtt_unsubscribe(d->mqtt, *t);
		sub = xasprintf("$share/%s/%s", d->cf->share_group, *t);
		if (mqtt_subscribe(d->mqtt, sub, 1) != 0)
			log_warnx("mqtt: cannot subscribe to %s", sub);
		free(sub);
	}
	log_info("event=shared_subscriptions group=%s", d->cf->share_group);
}

static void
on_connected(void *arg)
{
	struct daemon *d = arg;
	const char *const *t;

	if (!d->active) {
		pair_standing_by(d);
		return;
	}
	if (d->standby != NULL && mqtt_subscribe(d->mqtt, d->leader_topic,
	    0) != 0)
		log_warnx("mqtt: cannot subscribe to %s", d->leader_topic);
	if (d->standby != NULL && mqtt_subscribe(d->mqtt, d->sync_topic,
	    1) != 0)
		log_warnx("mqtt: cannot subscribe to %s", d->sync_topic);
	if (d->cf->share_group != NULL)
		subscribe_shared(d);
	else
		for (t = engine_topics(d->engine); *t != NULL; t++)
			if (mqtt_subscribe(d->mqtt, *t, 1) != 0)
				log_warnx("mqtt: cannot subscribe to %s", *t);
#ifdef BEACON_TEST_CLOCK
	if (mqtt_subscribe(d->mqtt, d->clock_topic, 1) != 0)
		log_warnx("mqtt: cannot subscribe to %s", d->clock_topic);
#endif
	publish_daemon_status(d, NULL);
	engine_heartbeat(d->engine, d->started);
	log_info("event=connected");
	sdnotify_status("connected to the broker");
}

static void
on_disconnected(void *arg, const char *why)
{
	struct daemon *d = arg;

	log_warnx("event=disconnected reason=\"%s\"", why);
	sdnotify_status("broker connection lost; reconnecting");
	/* The broker published our will: the partner takes over. Coming
	 * back as the active one would take its session from under it. */
	if (d->standby != NULL && d->active && !d->step_down &&
	    !d->stopping) {
		d->step_down = 1;
		event_active(d->role_ev, 0, 0);
	}
}

#ifdef BEACON_TEST_CLOCK
/*
 * The test clock, in beacond-test only (a build of this file for the
 * integration tests; beacond has none of it). A message on
 * {prefix}/test/clock moves beacond's clock: "N" by N milliseconds (N may
 * be negative), "@2026-03-08T06:59:00.000Z" to that instant. The timers
 * due by then fire at once, in deadline order, and the new time is
 * answered on {prefix}/test/clock/now after what they published. An
 * hour-long shift or a 72-hour rule is then tested in milliseconds.
 */
static void
test_clock(struct daemon *d, const void *payload, size_t len)
{
	char buf[64], now[32], *end, *topic;
	int64_t ms, to;

	if (len == 0 || len >= sizeof buf)
		return;
	memcpy(buf, payload, len);
	buf[len] = '\0';
	if (buf[0] == '@') {
		if ((to = clock_parse(buf + 1)) < 0) {
			log_warnx("test clock: bad time \"%s\"", buf + 1);
			return;
		}
		ms = to - clock_now();
	} else {
		errno = 0;
		ms = strtoll(buf, &end, 10);
		if (errno != 0 || end == buf || *end != '\0') {
			log_warnx("test clock: bad shift \"%s\"", buf);
			return;
		}
	}
	clock_shift(ms);
	clock_fmt(clock_now(), now, sizeof now);
	log_info("event=test_clock shift_ms=%lld now=%s", (long long)ms, now);
	timers_run(d->sched, clock_now());
	engine_flush(d->engine);
	topic = xasprintf("%s/now", d->clock_topic);
	mqtt_publish(d->mqtt, topic, now, strlen(now), 0);
	free(topic);
}
#endif

static void
on_message(void *arg, const char *topic, const void *payload, size_t len,
    const struct mqtt_props *props)
{
	struct daemon *d = arg;

	if (d->standby != NULL && pair_message(d, topic, payload, len,
	    props))
		return;
#ifdef BEACON_TEST_CLOCK
	if (strcmp(topic, d->clock_topic) == 0) {
		test_clock(d, payload, len);
		return;
	}
#endif
	engine_request(d->engine, topic, payload, len, props->response_topic,
	    props->corr, props->corrlen);
}

/* The push notifier, once the configuration names a push service. A
 * reload that removes it turns pushing off; pushes under way finish. */
static void
push_setup(struct daemon *d, const struct config *cf)
{
	if (d->push == NULL && cf->push_url != NULL)
		d->push = push_new(d->base, on_pushed, d);
	if (d->push != NULL)
		push_set_config(d->push, cf);
}

/* SIGHUP: check the new configuration before it replaces the old one. */
static void
reload(struct daemon *d)
{
	struct config *cf;
	char *cause = NULL;

	sdnotify_reloading();
	if (config_load(d->args.config, &cf, &cause) != 0) {
		log_warnx("reload failed, keeping the running configuration:\n%s",
		    cause);
		free(cause);
		sdnotify_ready();
		return;
	}
	if (d->engine != NULL) {
		engine_flush(d->engine);
		engine_set_config(d->engine, cf);
		push_setup(d, cf);
	}
	config_free(d->cf);
	d->cf = cf;
	if (d->engine != NULL)
		engine_publish_config(d->engine);
	timer_every(d->hb_ev, (int64_t)cf->heartbeat * 1000);
	log_info("event=reloaded config=%s", d->args.config);
	sdnotify_ready();
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)what;
	if (sig == SIGHUP) {
		reload(d);
		return;
	}
	log_info("event=stopping signal=%d", (int)sig);
	d->stopping = 1;
	sdnotify_stopping();
	if (d->active) {
		engine_flush(d->engine);
		publish_daemon_status(d, "offline");
	} else {
		pair_commit(d);
		pair_presence(d, "offline");
	}
	mqtt_disconnect(d->mqtt);
	event_base_loopexit(d->base, NULL);
}

/* ---- setup ------------------------------------------------------------- */

static void
store_setup(struct daemon *d)
{
	const char *path = d->args.db ? d->args.db : d->cf->database;
	char *cause = NULL;

	if ((d->st = store_open(path, STORE_LATE_CHECKPOINT, &cause)) == NULL)
		fatalx("%s", cause);
	log_info("event=store_open db=%s schema=%d", path,
	    store_schema_version(d->st));
}

static void
loop_setup(struct daemon *d)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;
	int64_t wd;

	signal(SIGPIPE, SIG_IGN);
	if ((d->base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	for (i = 0; i < 3; i++) {
		d->sig_ev[i] = evsignal_new(d->base, sigs[i], on_signal, d);
		if (d->sig_ev[i] == NULL || evsignal_add(d->sig_ev[i], NULL))
			fatalx("cannot handle signal %d", sigs[i]);
	}
	d->flush_ev = event_new(d->base, -1, 0, on_flush, d);
	d->hb_ev = event_new(d->base, -1, EV_PERSIST, on_heartbeat, d);
	if (d->flush_ev == NULL || d->hb_ev == NULL)
		fatalx("cannot create the loop's events");
	timer_every(d->hb_ev, (int64_t)d->cf->heartbeat * 1000);
	if ((wd = sdnotify_watchdog_ms()) > 0) {
		if ((d->wd_ev = event_new(d->base, -1, EV_PERSIST, on_watchdog,
		    d)) == NULL)
			fatalx("cannot create the watchdog timer");
		timer_every(d->wd_ev, wd / 2 > 0 ? wd / 2 : 1);
		log_info("event=watchdog interval_ms=%lld", (long long)wd);
	}
}

/* The engine, and what it had pending in the database: escalations and
 * notifications the broker never acknowledged. A standby does this when
 * it takes over, on the database the active one replicated. */
static void
engine_setup(struct daemon *d)
{
	d->sched = timers_new(d->base);
	d->engine = engine_new(d->cf, d->st, on_publish, on_wakeup, d);
	engine_set_sched(d->engine, d->sched);
	engine_set_push(d->engine, on_push, d);
	push_setup(d, d->cf);
	if (engine_restore(d->engine) != 0)
		fatalx("cannot read pending escalations from the database");
	/* Report pages read their branch's buttons from it. */
	engine_publish_config(d->engine);
}

static void
mqtt_setup(struct daemon *d)
{
	struct mqtt_opts o;
	struct mqtt_cb cb = { on_connected, on_disconnected, on_message, d,
	    on_acked };
	char *host = NULL, *offline, *id = NULL;
	int port = d->cf->broker_port;

	offline = msg_daemon_encode("offline", clock_now());
	memset(&o, 0, sizeof o);
	o.client_id = d->cf->client_id;
	o.clean_start = 0;
	o.session_expiry = d->cf->session_expiry;
	o.keepalive = d->cf->keepalive;
	o.will_topic = d->status_topic;
	o.will_payload = offline;
	o.will_retain = 1;
	/* Standing by: a session of its own for the partner's changes, and
	 * a will that says only this instance is gone. */
	if (!d->active) {
		o.client_id = id = xasprintf("%s-%s", d->cf->client_id,
		    d->instance);
		o.will_topic = d->presence_topic;
	}
	o.username = d->cf->username;
	o.password = d->cf->password;
	o.cafile = d->cf->cafile;
	o.capath = d->cf->capath;
	o.certfile = d->cf->certfile;
	o.keyfile = d->cf->keyfile;
	if ((d->mqtt = mqtt_new(d->base, &o, &cb)) == NULL)
		fatalx("cannot set up the MQTT client");
	if (!d->active)
		mqtt_on_subscribed(d->mqtt, pair_subscribed, d);
	free(offline);
	if (d->args.broker != NULL) {
		if (mqtt_parse_addr(d->args.broker, 1883, &host, &port) != 0)
			fatalx("--broker %s: expected HOST:PORT", d->args.broker);
	} else
		host = xstrdup(d->cf->broker_host);
	if (mqtt_connect(d->mqtt, host, port) != 0)
		fatalx("cannot connect to %s:%d", host, port);
	log_info("event=connecting broker=%s:%d client_id=%s username=%s "
	    "tls=%s", host, port, o.client_id, d->cf->username != NULL ?
	    d->cf->username : "-", d->cf->cafile != NULL ||
	    d->cf->capath != NULL ? (d->cf->certfile != NULL ? "client-cert" :
	    "on") : "off");
	free(host);
	free(id);
}

static void
topics_setup(struct daemon *d)
{
	const char *p = d->cf->topic_prefix;

	d->status_topic = xasprintf("%s/daemon/status", p);
	d->clock_topic = xasprintf("%s/test/clock", p);
#ifdef BEACON_TEST_CLOCK
	log_warnx("event=test_build: the clock moves on %s; not for service",
	    d->clock_topic);
#endif
}

/* ---- a standby pair (docs/deployment.md) -------------------------------- */

/*
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
static void
pair_presence(struct daemon *d, const char *state)
{
	char *p = msg_daemon_encode(state, clock_now());

	mqtt_publish_first(d->mqtt, d->presence_topic, p, strlen(p), 1);
	free(p);
}

/* The same with a note (what a gap is): the catchup's. */
static void
pair_presence_note(void *arg, const char *state, const char *note)
{
	struct daemon *d = arg;
	char *p = msg_standby_encode(state, note, clock_now());

	mqtt_publish_first(d->mqtt, d->presence_topic, p, strlen(p), 1);
	free(p);
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
pair_standing_by(struct daemon *d)
{
	/* The lease and the status at QoS 0: the session keeps none of
	 * them while this instance is away (or active), so it never reads
	 * old leases as news; a retained one still comes at once. The
	 * changes last: their SUBACK comes after the others'. */
	const char *topics[] = { d->answer_topic, d->leader_topic,
		d->status_topic };
	size_t i;

	for (i = 0; i < sizeof topics / sizeof *topics; i++)
		if (mqtt_subscribe(d->mqtt, topics[i], i == 0 ? 1 : 0) != 0)
			log_warnx("mqtt: cannot subscribe to %s", topics[i]);
	if ((d->replica_mid = mqtt_subscribe_mid(d->mqtt, d->replica_in,
	    1)) < 0)
		log_warnx("mqtt: cannot subscribe to %s", d->replica_in);
	catchup_connected(d->catchup);
	standby_start(d->standby);
	log_info("event=connected role=standby partner=%s",
	    d->partner);
	sdnotify_status("joining the partner");
}

/* The catchup's questions to the active one. */
static void
pair_ask(void *arg, const char *question)
{
	struct daemon *d = arg;

	mqtt_publish(d->mqtt, d->sync_topic, question, strlen(question), 0);
}

/* Committed once the messages read together are applied. */
static void
pair_applied(void *arg)
{
	struct daemon *d = arg;

	event_active(d->flush_ev, 0, 0);
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
	struct daemon *d = arg;

	if (d->active || mid != d->replica_mid)
		return;
	if (!ok)
		log_warnx("event=replica_refused source=%s error=\"the broker "
		    "refused the subscription to %s\"", d->partner,
		    d->replica_in);
	else
		catchup_subscribed(d->catchup);
}

static void
pair_lease_message(struct daemon *d, const void *payload, size_t len)
{
	struct lease l;
	char err[128];

	/* An empty retained message clears the topic: no lease. */
	if (len == 0)
		return;
	if (msg_lease_decode(payload, len, &l, err, sizeof err) != MSG_OK) {
		log_warnx("event=bad_lease topic=%s error=\"%s\"",
		    d->leader_topic, err);
		return;
	}
	standby_lease(d->standby, &l);
	if (!d->active)
		catchup_lease(d->catchup, standby_term(d->standby),
		    standby_holder(d->standby));
}

/* Active: a question from the partner, answered after the turn's
 * commit (a copy wins over where-am-I). */
static void
pair_asked(struct daemon *d, const void *payload, size_t len)
{
	int q = catchup_question(payload, len, d->instance, d->partner);

	if (q == 0)
		return;
	if (q > d->asked)
		d->asked = q;
	event_active(d->flush_ev, 0, 0);
}

/* After the turn's commit, so that the answer holds exactly the changes
 * published before it. */
static void
pair_answer_partner(struct daemon *d)
{
	char *p, *cause = NULL, *topic;
	int64_t term = 0, seq = 0;
	size_t len;

	if (store_in_txn(d->st))
		return;
	if ((p = store_copy_make(d->st, d->asked == 2, &len, &cause)) ==
	    NULL) {
		log_warnx("event=replica_copy_failed to=%s error=\"%s\"",
		    d->partner, cause);
		free(cause);
		d->asked = 0;
		return;
	}
	(void)store_replica_self(d->st, &term, &seq);
	topic = xasprintf("%s/daemon/sync/%s", d->cf->topic_prefix,
	    d->partner);
	mqtt_publish(d->mqtt, topic, p, len, 0);
	log_info("event=replica_%s to=%s term=%lld seq=%lld bytes=%zu",
	    d->asked == 2 ? "copy_sent" : "position_sent", d->partner,
	    (long long)term, (long long)seq, len);
	free(topic);
	free(p);
	d->asked = 0;
}

/* The end of a standby's turn: what it applied, in one commit. */
static void
pair_commit(struct daemon *d)
{
	if (!store_in_txn(d->st))
		return;
	if (store_commit(d->st) != 0) {
		log_warnx("event=replica_refused source=%s error=\"commit: "
		    "%s\"", d->partner, store_error(d->st));
		store_rollback(d->st);
	}
}

/* A message for the pair: 1 when it was (the engine does not see it). */
static int
pair_message(struct daemon *d, const char *topic, const void *payload,
    size_t len, const struct mqtt_props *props)
{
	char state[16], err[128];
	int64_t ts;

	if (strcmp(topic, d->leader_topic) == 0) {
		pair_lease_message(d, payload, len);
		return 1;
	}
	if (strcmp(topic, d->sync_topic) == 0) {
		if (d->active)
			pair_asked(d, payload, len);
		return 1;
	}
	if (d->active)
		return 0;
	if (strcmp(topic, d->replica_in) == 0 && len >= 15 &&
	    memcmp(payload, "beacon-barrier ", 15) == 0)
		pair_barrier(d, payload, len);
	else if (strcmp(topic, d->replica_in) == 0)
		catchup_change(d->catchup, payload, len);
	else if (strcmp(topic, d->answer_topic) == 0)
		catchup_answer(d->catchup, payload, len);
	/* The active one's will, or its clean stop; a retained "offline"
	 * is old news. */
	else if (strcmp(topic, d->status_topic) == 0 && !props->retained &&
	    msg_daemon_decode(payload, len, state, &ts, err, sizeof err) ==
	    MSG_OK && strcmp(state, "offline") == 0)
		standby_released(d->standby);
	return 1;
}

static void
pair_publish_lease(void *arg, const struct lease *l)
{
	struct daemon *d = arg;
	char *p = msg_lease_encode(l);

	mqtt_publish_first(d->mqtt, d->leader_topic, p, strlen(p), 1);
	free(p);
}

static void
pair_promote(void *arg, int64_t term)
{
	struct daemon *d = arg;

	d->take_term = term;
	event_active(d->role_ev, 0, 0);
}

static void
pair_demote(void *arg, const struct lease *l)
{
	struct daemon *d = arg;

	log_warnx("event=lease_lost holder=%s term=%lld", l->instance,
	    (long long)l->term);
	d->step_down = 1;
	event_active(d->role_ev, 0, 0);
}

/* A commit's changes, for the partner, ahead of what the commit lets the
 * engine announce (store.c calls this inside engine_flush). */
static void
pair_changes(void *arg, const void *buf, size_t len)
{
	struct daemon *d = arg;

	mqtt_publish(d->mqtt, d->replica_out, buf, len, 0);
}

static void
pair_take_over(struct daemon *d)
{
	int64_t term = d->take_term;

	d->take_term = 0;
	d->drain = 0;
	pair_commit(d);
	catchup_stop(d->catchup);
	if (!catchup_synced(d->catchup))
		log_warnx("event=take_over_unsynced instance=%s partner=%s "
		    "gap=\"%s\": this database may not hold all of %s's "
		    "record; %s's database holds the rest", d->instance,
		    d->partner, catchup_gap(d->catchup)[0] ?
		    catchup_gap(d->catchup) : "not yet placed in its changes",
		    d->partner, d->partner);
	log_info("event=take_over instance=%s term=%lld",
	    d->instance, (long long)term);
	pair_presence(d, "active");
	mqtt_disconnect(d->mqtt);
	mqtt_free(d->mqtt);
	d->active = 1;
	mqtt_setup(d);
	if (store_replicate(d->st, d->instance, term, clock_now(),
	    pair_changes, d) != 0)
		fatalx("cannot record changes for the partner");
	engine_setup(d);
	sdnotify_status("active");
}

/* Start again, as a standby: the simplest state to be sure of. */
static void
pair_step_down(struct daemon *d)
{
	log_warnx("event=step_down instance=%s: starting again as the "
	    "standby", d->instance);
	if (d->engine != NULL)
		engine_flush(d->engine);
	mqtt_disconnect(d->mqtt);
	teardown(d);
	execv("/proc/self/exe", d->argv);
	fatal("exec /proc/self/exe");
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
pair_drain(struct daemon *d)
{
	char *p = xasprintf("beacon-barrier 1 %s %lld", d->instance,
	    (long long)d->take_term);
	struct timeval tv = { d->cf->standby_lease, 0 };

	d->drain = 1;
	mqtt_publish(d->mqtt, d->replica_in, p, strlen(p), 0);
	free(p);
	if (evtimer_add(d->drain_ev, &tv) != 0)
		fatalx("cannot arm the takeover timer");
}

/* A barrier on the partner's replica topic: ours, for this term? */
static void
pair_barrier(struct daemon *d, const void *payload, size_t len)
{
	char *want = xasprintf("beacon-barrier 1 %s %lld", d->instance,
	    (long long)d->take_term);

	if (d->drain == 1 && len == strlen(want) &&
	    memcmp(payload, want, len) == 0) {
		d->drain = 2;
		evtimer_del(d->drain_ev);
		event_active(d->role_ev, 0, 0);
	}
	free(want);
}

static void
on_drain_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	if (d->drain != 1)
		return;
	log_warnx("event=take_over_undrained instance=%s partner=%s: the "
	    "broker did not hand back this instance's barrier within a "
	    "lease; the partner's last changes may still be on their way",
	    d->instance, d->partner);
	d->drain = 2;
	event_active(d->role_ev, 0, 0);
}

static void
on_role(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	if (d->stopping)
		return;
	if (d->step_down)
		pair_step_down(d);
	else if (d->take_term > 0 && !d->active && d->drain == 0)
		pair_drain(d);
	else if (d->take_term > 0 && !d->active && d->drain == 2)
		pair_take_over(d);
}

static void
pair_setup(struct daemon *d)
{
	const char *p = d->cf->topic_prefix;
	struct standby_cb cb = { pair_publish_lease, pair_promote,
		pair_demote, d };
	struct catchup_cb ccb = { pair_ask, pair_presence_note, pair_applied,
		pair_commit_cb, d };

	/* Read once: a reload does not change the pair (configuration.md). */
	d->instance = xstrdup(d->cf->standby_instance);
	d->partner = xstrdup(d->cf->standby_partner);
	d->leader_topic = xasprintf("%s/daemon/leader", p);
	d->replica_in = xasprintf("%s/daemon/replica/%s", p,
	    d->partner);
	d->replica_out = xasprintf("%s/daemon/replica/%s", p,
	    d->instance);
	d->presence_topic = xasprintf("%s/daemon/standby/%s", p,
	    d->instance);
	d->sync_topic = xasprintf("%s/daemon/sync", p);
	d->answer_topic = xasprintf("%s/daemon/sync/%s", p, d->instance);
	if ((d->role_ev = event_new(d->base, -1, 0, on_role, d)) == NULL ||
	    (d->drain_ev = evtimer_new(d->base, on_drain_timeout, d)) == NULL)
		fatalx("cannot create the loop's events");
	d->standby = standby_new(d->base, d->instance,
	    (int64_t)d->cf->standby_lease * 1000,
	    store_replica_term(d->st), &cb);
	d->catchup = catchup_new(d->base, d->st, d->instance, d->partner,
	    (int64_t)d->cf->standby_lease * 1000, &ccb);
}

static void
teardown(struct daemon *d)
{
	size_t i;

	/* Pushes still under way are recorded as failed, then committed. */
	push_free(d->push);
	d->push = NULL;
	if (d->engine != NULL) {
		engine_stop(d->engine);
		engine_flush(d->engine);
	}
	mqtt_free(d->mqtt);
	engine_free(d->engine);
	timers_free(d->sched);
	standby_free(d->standby);
	if (d->role_ev != NULL)
		event_free(d->role_ev);
	if (d->drain_ev != NULL)
		event_free(d->drain_ev);
	catchup_free(d->catchup);
	event_free(d->flush_ev);
	event_free(d->hb_ev);
	if (d->wd_ev != NULL)
		event_free(d->wd_ev);
	for (i = 0; i < 3; i++)
		event_free(d->sig_ev[i]);
	event_base_free(d->base);
	store_close(d->st);
	config_free(d->cf);
	free(d->status_topic);
	free(d->clock_topic);
	free(d->leader_topic);
	free(d->replica_in);
	free(d->replica_out);
	free(d->presence_topic);
	free(d->sync_topic);
	free(d->answer_topic);
	free(d->instance);
	free(d->partner);
}

int
main(int argc, char **argv)
{
	struct daemon d;

	/* The database holds incidents and people's names: whatever umask
	 * beacond is started with, what it creates (the database, and the
	 * -wal and -shm files SQLite gives the database's mode) is the
	 * owner's only. */
	umask(077);
	memset(&d, 0, sizeof d);
	parse_args(argc, argv, &d.args);
	d.started = clock_now();
	log_init("beacond", d.args.verbose);
	d.cf = config_or_exit(&d.args);
	if (d.args.check) {
		char *sum = config_summary(d.cf);

		printf("%s\n", sum);
		free(sum);
		config_free(d.cf);
		return 0;
	}
	d.argv = argv;
	store_setup(&d);
	loop_setup(&d);
	topics_setup(&d);
	if (d.cf->standby_instance != NULL)
		pair_setup(&d);
	else {
		d.active = 1;
		engine_setup(&d);
	}
	mqtt_setup(&d);
	log_info("ready version=%s%s%s", BEACON_VERSION, d.standby != NULL ?
	    " standing_by=" : "", d.standby != NULL ?
	    d.cf->standby_instance : "");
	sdnotify_ready();
	event_base_dispatch(d.base);
	teardown(&d);
	log_info("event=stopped");
	return 0;
}
