/*
 * beacond: routes incident reports from library branches to responders.
 * main() parses arguments, loads the configuration, sets up the modules and
 * runs one libevent loop; everything else happens in callbacks.
 */
#include <sys/stat.h>

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "beacon.h"
#include "beacond.h"
#include "clock.h"
#include "conf.h"
#include "engine.h"
#include "log.h"
#include "mqtt.h"
#include "msg.h"
#include "pair.h"
#include "push.h"
#include "timers.h"
#include "sdnotify.h"
#include "store.h"
#include "topic.h"
#include "web.h"
#include "xmalloc.h"

static void teardown(struct daemon *);

/* ---- callbacks --------------------------------------------------------- */

static void
on_publish(void *arg, const char *topic, const char *payload, size_t len,
    int retain, const void *corr, size_t corrlen, int64_t tag)
{
	struct daemon *d = arg;
	struct mqtt_props pr = { NULL, corr, corrlen, tag, 0 };

	/* beacond's own liveness (daemon/status, daemon/heartbeat) must not
	 * wait behind a backlog flushed after a reconnection: monitoring
	 * would read a stale heartbeat from a daemon that is running. */
	if (topic_match(topic, d->prefix, TOPIC_DAEMON) != NULL &&
	    corr == NULL && tag == 0)
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

/*
 * Commit the turn, then send what it decided. A turn of a few
 * publications (a report's notifications, statuses and snapshot) sends
 * each at once: the first notification must not wait behind the rest. A
 * turn of many is a burst: its publications are corked (TCP_CORK) and
 * leave in as few segments as they fill, which costs the kernel and the
 * broker far less than one segment each (docs/benchmarks.md, "The
 * record").
 */
#define CORK_MIN 8	/* publications: more than one report's six */

int
daemon_flush(struct daemon *d)
{
	int cork = engine_queued(d->engine) >= CORK_MIN, rc;

	if (cork)
		mqtt_cork(d->mqtt, 1);
	rc = engine_flush(d->engine);
	if (cork)
		mqtt_cork(d->mqtt, 0);
	return rc;
}

static void
on_flush(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	if (!d->active) {
		pair_flushed(d->pair);
		return;
	}
	daemon_flush(d);
	if (d->pair != NULL)
		pair_flushed(d->pair);
}

/* A committed notification: to the push service and the responder's
 * phones too. */
static void
on_push(void *arg, const char *responder, const char *payload)
{
	struct daemon *d = arg;

	if (d->push != NULL)
		push_notify(d->push, responder, payload);
	phone_notify(d, responder, payload);
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

	if (d->pair != NULL)
		pair_connected(d->pair);
	if (!d->active) {
		sdnotify_status("joining the partner");
		return;
	}
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
	if (d->pair != NULL)
		pair_disconnected(d->pair);
}

static void
on_message(void *arg, const char *topic, const void *payload, size_t len,
    const struct mqtt_props *props)
{
	struct daemon *d = arg;

	if (d->pair != NULL && pair_message(d->pair, topic, payload, len,
	    props))
		return;
#ifdef BEACON_TEST_CLOCK
	if (strcmp(topic, d->clock_topic) == 0) {
		testclock_message(d, payload, len);
		return;
	}
#endif
	engine_request(d->engine, topic, payload, len, props->response_topic,
	    props->corr, props->corrlen);
}

/* The push notifier, once the configuration names a push service or
 * Web Push is on. A reload that removes the push service turns it off;
 * pushes under way finish. */
static void
push_setup(struct daemon *d, const struct config *cf)
{
	if (d->push == NULL && (cf->push_url != NULL || d->wp != NULL))
		d->push = push_new(d->base, on_pushed, d);
	if (d->push != NULL)
		push_set_config(d->push, cf);
	phone_engine(d, cf);
}

/* The pages' listener, when the configuration has http: { }, over HTTPS
 * with tls_cert and tls_key. It is started once: a reload keeps it as it
 * is (certificate included). */
static void
web_setup(struct daemon *d)
{
	char *cause;

	if (d->cf->http_listen == NULL)
		return;
	d->web = web_new(d->base, d->cf->http_listen, d->cf->http_root,
	    d->cf->http_tls_cert, d->cf->http_tls_key, &cause);
	if (d->web == NULL)
		fatalx("%s", cause);
	log_info("event=http_listening addr=%s root=%s tls=%d",
	    d->cf->http_listen, d->cf->http_root, d->cf->http_tls_cert != NULL);
}

/* SIGHUP: check the new configuration before it replaces the old one. */
static void
reload(struct daemon *d)
{
	struct config *cf;
	char *cause = NULL;

	sdnotify_reloading();
	if (conf_load(d->args.config, &cf, &cause) != 0) {
		log_warnx("reload failed, keeping the running configuration:\n%s",
		    cause);
		free(cause);
		sdnotify_ready();
		return;
	}
	if (cf->warnings != NULL)
		log_warnx("reloaded with warnings:\n%s", cf->warnings);
	if (d->engine != NULL) {
		engine_flush(d->engine);
		engine_set_config(d->engine, cf);
		push_setup(d, cf);
	}
	conf_free(d->cf);
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
	sdnotify_stopping();
	if (d->active) {
		engine_flush(d->engine);
		publish_daemon_status(d, "offline");
	}
	if (d->pair != NULL)
		pair_stop(d->pair);
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
		    pair_instance(d->pair));
		o.will_topic = pair_will_topic(d->pair);
	}
	o.username = d->cf->username;
	o.password = d->cf->password;
	o.cafile = d->cf->cafile;
	o.capath = d->cf->capath;
	o.certfile = d->cf->certfile;
	o.keyfile = d->cf->keyfile;
	if ((d->mqtt = mqtt_new(d->base, &o, &cb)) == NULL)
		fatalx("cannot set up the MQTT client");
	if (d->pair != NULL)
		pair_set_mqtt(d->pair, d->mqtt);
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

	d->prefix = xstrdup(p);
	d->status_topic = topic_make(p, TOPIC_DAEMON, "status", NULL);
	d->clock_topic = topic_make(p, TOPIC_TEST, "clock", NULL);
#ifdef BEACON_TEST_CLOCK
	log_warnx("event=test_build: the clock moves on %s; not for service",
	    d->clock_topic);
#endif
}

/* ---- a standby pair (pair.c) ------------------------------------------- */

static void
on_pair_reconnect(void *arg)
{
	struct daemon *d = arg;

	mqtt_disconnect(d->mqtt);
	mqtt_free(d->mqtt);
	d->active = 1;
	mqtt_setup(d);
}

static void
on_pair_activate(void *arg)
{
	struct daemon *d = arg;

	engine_setup(d);
	sdnotify_status("active");
}

/* Start again, as a standby: the simplest state to be sure of. */
static void
on_pair_restart(void *arg)
{
	struct daemon *d = arg;

	if (d->engine != NULL)
		engine_flush(d->engine);
	mqtt_disconnect(d->mqtt);
	teardown(d);
	log_flush();
	execv("/proc/self/exe", d->argv);
	fatal("exec /proc/self/exe");
}

static void
pair_setup(struct daemon *d)
{
	struct pair_cb cb = { on_wakeup, on_pair_reconnect, on_pair_activate,
		on_pair_restart, d };

	d->pair = pair_new(d->base, d->st, d->cf, &cb);
}

static void
teardown(struct daemon *d)
{
	size_t i;

	/* Web Pushes waiting for this turn's end are started, then every
	 * push still under way is recorded as failed, then committed. */
	phone_free(d);
	push_free(d->push);
	d->push = NULL;
	web_free(d->web);
	d->web = NULL;
	if (d->engine != NULL) {
		engine_stop(d->engine);
		engine_flush(d->engine);
		engine_settle(d->engine);
	}
	mqtt_free(d->mqtt);
	engine_free(d->engine);
	timers_free(d->sched);
	pair_free(d->pair);
	event_free(d->flush_ev);
	event_free(d->hb_ev);
	if (d->wd_ev != NULL)
		event_free(d->wd_ev);
	for (i = 0; i < 3; i++)
		event_free(d->sig_ev[i]);
	event_base_free(d->base);
	store_close(d->st);
	conf_free(d->cf);
	free(d->prefix);
	free(d->status_topic);
	free(d->clock_topic);
}

/* The loop, a pass at a time: the log lines of a pass go out together
 * (log_hold), one write instead of one for each report and notification. */
static void
beacond_loop(struct daemon *d)
{
	int rc;

	do {
		rc = event_base_loop(d->base, EVLOOP_ONCE);
		log_flush();
	} while (rc == 0 && !event_base_got_exit(d->base) &&
	    !event_base_got_break(d->base));
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
	args_parse(argc, argv, &d.args);
	d.started = clock_now();
	log_init("beacond", d.args.verbose);
	log_hold();
	/* Each report allocates and frees a few hundred KB of small blocks:
	 * keep them, rather than giving the heap's top back to the system
	 * and asking for it again (two brk calls a report at 1,000/s). */
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
	d.cf = args_config(&d.args);
	if (d.args.check) {
		char *sum = conf_summary(d.cf);

		printf("%s\n", sum);
		free(sum);
		conf_free(d.cf);
		return 0;
	}
	d.argv = argv;
	store_setup(&d);
	loop_setup(&d);
	topics_setup(&d);
	web_setup(&d);
	phone_setup(&d);
	if (d.cf->standby_instance != NULL)
		pair_setup(&d);
	else {
		d.active = 1;
		engine_setup(&d);
	}
	mqtt_setup(&d);
	log_info("ready version=%s%s%s", BEACON_VERSION, d.pair != NULL ?
	    " standing_by=" : "", d.pair != NULL ?
	    d.cf->standby_instance : "");
	sdnotify_ready();
	beacond_loop(&d);
	teardown(&d);
	log_info("event=stopped");
	return 0;
}
