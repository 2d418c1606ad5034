/*
 * beacon-relay: the benchmarks' floor. It subscribes to {prefix}/report/+,
 * decodes each report with the same decoder as beacond (msg*.c, jansson)
 * and publishes one notification on {prefix}/notify/floor with the same
 * encoder: no rules, no escalation, no status. With --store PATH it also
 * makes one SQLite insert per report, in WAL mode with synchronous FULL as
 * beacond's store does, before it publishes. With --mirror it publishes
 * what beacond publishes for a report routed to two responders: the
 * reporter's "received" status, a notification on {prefix}/notify/floor
 * and one on {prefix}/notify/floor-2, the "routed" status and the incident
 * snapshot (statuses and snapshot retained, all QoS 1 as beacond's are):
 * the broker's share of beacond's work without beacond's own. With
 * --record PATH it publishes the same after writing, in one transaction of
 * beacond's own store (lib/store*.c: its schema, indexes, WAL with
 * synchronous FULL and late checkpoints), the record beacond keeps of such
 * a report: the incident, three timeline events and two outbox rows. Like
 * beacond it commits once a turn (the reports read together) and only
 * then publishes, corked when the turn has many (CORK_MIN). That is the least any program could do that
 * keeps beacond's record and publishes what it publishes: no rules, no
 * queries, no updates.
 *
 * It runs on the project's mqtt.c inside libevent, as beacond does, so the
 * difference between the two is beacond's own work. This file is the
 * relay's only user of sqlite3 (--store; --record goes through lib/store*.c).
 */
#include <sys/types.h>

#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "mqtt.h"
#include "msg.h"
#include "store.h"
#include "xmalloc.h"

struct relay {
	struct event_base *base;
	struct mqtt *mqtt;
	const char *prefix;
	char notify_topic[256];
	char notify2_topic[256];
	int mirror;		/* publish what beacond publishes */
	sqlite3 *db;		/* NULL: the bare floor */
	sqlite3_stmt *ins;
	struct store *st;	/* --record: beacond's store */
	struct event *flush_ev;	/* --record: the end of a turn */
	int in_turn, failed;
	struct pub {
		char *topic, *payload;
		int retain;
	} *out;			/* --record: this turn's publications */
	size_t nout, outcap;
	int64_t next_id;
	struct event *sig_ev[2];
};

static void
usage(void)
{
	fprintf(stderr, "usage: beacon-relay --broker HOST:PORT "
	    "[--prefix P] [--store PATH | --record PATH] [--mirror] [-v]\n");
	exit(2);
}

static int
floor_open(struct relay *r, const char *path)
{
	static const char schema[] =
	    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	    "CREATE TABLE IF NOT EXISTS reports (id INTEGER PRIMARY KEY,"
	    " report TEXT NOT NULL, branch TEXT NOT NULL,"
	    " payload TEXT NOT NULL, ts INTEGER NOT NULL)";
	static const char ins[] = "INSERT INTO reports (report, branch,"
	    " payload, ts) VALUES (?, ?, ?, ?)";

	if (sqlite3_open(path, &r->db) != SQLITE_OK ||
	    sqlite3_exec(r->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db, ins, -1, &r->ins, NULL) != SQLITE_OK) {
		log_warnx("%s: %s", path, sqlite3_errmsg(r->db));
		return -1;
	}
	return 0;
}

/* One autocommitted insert: one WAL commit per report. */
static int
floor_insert(struct relay *r, const char *id, const char *branch,
    const void *payload, size_t len)
{
	int rc;

	sqlite3_bind_text(r->ins, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->ins, 2, branch, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->ins, 3, payload, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(r->ins, 4, clock_now());
	rc = sqlite3_step(r->ins);
	sqlite3_reset(r->ins);
	sqlite3_clear_bindings(r->ins);
	if (rc != SQLITE_DONE) {
		log_warnx("insert: %s", sqlite3_errmsg(r->db));
		return -1;
	}
	return 0;
}

/* --record: the rows beacond commits for a report routed at once to two
 * responders (bench/beacon-bench.conf), before anything is published. */
static int
record_write(struct relay *r, struct incident *inc, const char *json)
{
	static const char *const kinds[] = { "reported", "notified",
	    "notified" };
	const char *who[] = { inc->r.device, "floor", "floor-2" };
	const char *topics[] = { r->notify_topic, r->notify2_topic };
	struct event ev;
	size_t i;

	inc->state = ST_ROUTED;
	inc->notified = 2;
	inc->step = 0;
	inc->nsteps = 2;
	inc->step_at = inc->created;
	inc->due_at = inc->created + 3600 * 1000;
	inc->due_step = 1;
	inc->presses = 1;
	snprintf(inc->policy, sizeof inc->policy, "%s", inc->r.type);
	if (!r->in_turn) {
		r->in_turn = 1;
		r->failed = store_begin(r->st) != 0;
		event_active(r->flush_ev, 0, 0);
	}
	if (r->failed || store_incident_insert(r->st, inc) != 0)
		goto fail;
	for (i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		memset(&ev, 0, sizeof ev);
		ev.incident = inc->id;
		ev.ts = inc->created;
		ev.step = i == 0 ? -1 : 0;
		snprintf(ev.kind, sizeof ev.kind, "%s", kinds[i]);
		snprintf(ev.actor, sizeof ev.actor, "%s", who[i]);
		if (i == 0)
			snprintf(ev.detail, sizeof ev.detail, "%s, severity %d",
			    inc->r.type, inc->r.severity);
		else
			snprintf(ev.detail, sizeof ev.detail, "role=crisis");
		if (store_event_append(r->st, &ev) != 0)
			goto fail;
	}
	for (i = 0; i < sizeof topics / sizeof *topics; i++)
		if (store_outbox_add(r->st, inc->id, who[i + 1], topics[i],
		    json, inc->created) < 0)
			goto fail;
	return 0;
fail:
	r->failed = 1;
	return -1;
}

/* Publish now, or with --record once the turn is committed. Takes payload
 * over. */
static void
relay_pub(struct relay *r, const char *topic, char *payload, int retain)
{
	if (r->st == NULL) {
		mqtt_publish(r->mqtt, topic, payload, strlen(payload), retain);
		free(payload);
		return;
	}
	if (r->nout == r->outcap) {
		r->outcap = r->outcap ? r->outcap * 2 : 64;
		r->out = xreallocarray(r->out, r->outcap, sizeof *r->out);
	}
	r->out[r->nout++] = (struct pub){ xstrdup(topic), payload, retain };
}

/* --record: the end of a turn, as beacond's: commit, then publish what it
 * decided, corked when a burst queued many (daemon_flush in beacond.c);
 * then the late checkpoint. */
#define CORK_MIN 8
static void
relay_flush(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;
	size_t i;
	int cork;

	(void)fd;
	(void)what;
	if (!r->failed && store_commit(r->st) != 0)
		r->failed = 1;
	if (r->failed) {
		log_warnx("record: %s: %zu publications dropped",
		    store_error(r->st), r->nout);
		store_rollback(r->st);
	}
	cork = r->nout >= CORK_MIN;
	if (cork)
		mqtt_cork(r->mqtt, 1);
	for (i = 0; i < r->nout; i++) {
		if (!r->failed)
			mqtt_publish(r->mqtt, r->out[i].topic,
			    r->out[i].payload, strlen(r->out[i].payload),
			    r->out[i].retain);
		free(r->out[i].topic);
		free(r->out[i].payload);
	}
	if (cork)
		mqtt_cork(r->mqtt, 0);
	r->nout = 0;
	r->in_turn = r->failed = 0;
	if (store_checkpoint_due(r->st))
		store_checkpoint(r->st);
}

static void
relay_connected(void *arg)
{
	struct relay *r = arg;
	char topic[256];

	snprintf(topic, sizeof topic, "%s/report/+", r->prefix);
	mqtt_subscribe(r->mqtt, topic, 1);
	log_info("event=connected subscribed=%s", topic);
}

static void
relay_disconnected(void *arg, const char *why)
{
	(void)arg;
	log_warnx("event=disconnected why=\"%s\"", why);
}

/* A retained publication on {prefix}/{kind}/{a}[/{b}]; json is freed. */
static void
relay_retain(struct relay *r, const char *kind, const char *a, const char *b,
    char *json)
{
	char topic[512];

	snprintf(topic, sizeof topic, "%s/%s/%s%s%s", r->prefix, kind, a,
	    b != NULL ? "/" : "", b != NULL ? b : "");
	relay_pub(r, topic, json, 1);
}

static void
relay_status(struct relay *r, struct incident *inc, int state,
    const char *message)
{
	struct status s;

	memset(&s, 0, sizeof s);
	snprintf(s.report, sizeof s.report, "%s", inc->r.id);
	s.incident = inc->id;
	s.state = inc->state = state;
	s.notified = inc->notified;
	snprintf(s.message, sizeof s.message, "%s", message);
	s.ts = inc->updated;
	relay_retain(r, "status", inc->branch, inc->r.id,
	    msg_status_encode(&s));
}

static void
relay_notify(struct relay *r, const char *branch, const struct report *rep)
{
	struct incident inc;
	struct notify n;
	char *json, id[24];

	memset(&inc, 0, sizeof inc);
	inc.id = ++r->next_id;
	snprintf(inc.branch, sizeof inc.branch, "%s", branch);
	inc.r = *rep;
	inc.created = inc.updated = clock_now();
	n = (struct notify){ &inc, "Welfare check", "floor", 0, 0,
	    inc.created, NULL, NULL, NULL };
	json = msg_notify_encode(&n);
	if (r->st != NULL && record_write(r, &inc, json) != 0) {
		free(json);
		return;
	}
	if (r->mirror)
		relay_status(r, &inc, ST_RECEIVED, "received");
	relay_pub(r, r->notify_topic, xstrdup(json), 0);
	if (r->mirror)
		relay_pub(r, r->notify2_topic, xstrdup(json), 0);
	free(json);
	if (!r->mirror)
		return;
	inc.notified = 2;
	relay_status(r, &inc, ST_ROUTED, "routed: 2 responders notified");
	snprintf(id, sizeof id, "%lld", (long long)inc.id);
	relay_retain(r, "incident", id, NULL, msg_incident_encode(&inc));
}

static void
relay_message(void *arg, const char *topic, const void *payload, size_t len,
    const struct mqtt_props *props)
{
	struct relay *r = arg;
	struct report rep;
	const char *branch;
	char err[256];

	(void)props;
	if ((branch = strrchr(topic, '/')) == NULL)
		return;
	branch++;
	if (msg_report_decode(payload, len, &rep, err, sizeof err) != MSG_OK) {
		log_debug("bad report on %s: %s", topic, err);
		return;
	}
	if (r->db != NULL && floor_insert(r, rep.id, branch, payload,
	    len) != 0)
		return;
	relay_notify(r, branch, &rep);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct relay *r = arg;

	(void)sig; (void)what;
	event_base_loopbreak(r->base);
}

static void
relay_setup(struct relay *r, const char *broker)
{
	struct mqtt_opts o = { "beacon-relay", 0, 3600, 30, NULL, NULL,
	    NULL, NULL, 0, NULL, NULL, NULL, NULL };
	struct mqtt_cb cb = { relay_connected, relay_disconnected,
	    relay_message, r, NULL };
	static const int sigs[] = { SIGINT, SIGTERM };
	char *host;
	int port, i;

	if ((r->base = event_base_new()) == NULL)
		fatalx("event_base_new");
	for (i = 0; i < 2; i++) {
		r->sig_ev[i] = evsignal_new(r->base, sigs[i], on_signal, r);
		if (r->sig_ev[i] == NULL || evsignal_add(r->sig_ev[i], NULL))
			fatalx("evsignal_add");
	}
	if (mqtt_parse_addr(broker, 1883, &host, &port) != 0)
		fatalx("--broker %s: expected HOST:PORT", broker);
	if ((r->mqtt = mqtt_new(r->base, &o, &cb)) == NULL ||
	    mqtt_connect(r->mqtt, host, port) != 0)
		fatalx("cannot set up the MQTT client");
	free(host);
	if ((r->flush_ev = event_new(r->base, -1, 0, relay_flush, r)) == NULL)
		fatalx("event_new");
	snprintf(r->notify_topic, sizeof r->notify_topic, "%s/notify/floor",
	    r->prefix);
	snprintf(r->notify2_topic, sizeof r->notify2_topic,
	    "%s/notify/floor-2", r->prefix);
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "broker", required_argument, NULL, 'b' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "store", required_argument, NULL, 's' },
		{ "mirror", no_argument, NULL, 'm' },
		{ "record", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct relay r = { .prefix = "beacon" };
	const char *broker = NULL, *store = NULL, *record = NULL;
	char *cause = NULL;
	int ch, verbose = 0;

	while ((ch = getopt_long(argc, argv, "v", lo, NULL)) != -1) {
		switch (ch) {
		case 'b': broker = optarg; break;
		case 'p': r.prefix = optarg; break;
		case 's': store = optarg; break;
		case 'm': r.mirror = 1; break;
		case 'r': record = optarg; r.mirror = 1; break;
		case 'v': verbose++; break;
		default: usage();
		}
	}
	if (broker == NULL || (store != NULL && record != NULL))
		usage();
	log_init("beacon-relay", verbose);
	if (store != NULL && floor_open(&r, store) != 0)
		exit(1);
	if (record != NULL && (r.st = store_open(record,
	    STORE_LATE_CHECKPOINT, &cause)) == NULL)
		fatalx("%s: %s", record, cause ? cause : "cannot open");
	relay_setup(&r, broker);
	event_base_dispatch(r.base);
	mqtt_disconnect(r.mqtt);
	mqtt_free(r.mqtt);
	sqlite3_finalize(r.ins);
	sqlite3_close(r.db);
	if (r.st != NULL)
		store_close(r.st);
	event_free(r.flush_ev);
	free(r.out);
	return 0;
}
