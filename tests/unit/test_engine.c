/*
 * The incident engine (engine.c and the rooms that share engine_int.h)
 * with the real rules, a real SQLite store (":memory:" or a temporary
 * file), the scheduler driven by hand and the test clock: every
 * publication it hands out is captured and checked.
 */
#include <sys/resource.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "conf.h"
#include "engine.h"
#include "fixture.h"
#include "msg.h"
#include "timers.h"
#include "store.h"

#define T0 1795000000000LL
#define MAXPUB 256

struct pub {
	char topic[128];
	char payload[4096];
	int retain;
	int corr; /* carried the correlation data "c1" */
	int64_t tag; /* a notification's outbox row */
};

struct fixture {
	struct config *cf;
	struct store *st;
	struct timers *sched;
	struct engine *e;
	struct pub pubs[MAXPUB];
	size_t npubs;
	int wakeups;
};

static void
sink(void *arg, const char *topic, const char *payload, size_t len,
    int retain, const void *corr, size_t corrlen, int64_t tag)
{
	struct fixture *f = arg;
	struct pub *p;

	assert_true(f->npubs < MAXPUB);
	p = &f->pubs[f->npubs++];
	snprintf(p->topic, sizeof p->topic, "%s", topic);
	snprintf(p->payload, sizeof p->payload, "%.*s", (int)len, payload);
	p->retain = retain;
	/* A reply carries the request's correlation data back. */
	p->corr = corr != NULL && corrlen == 2 && memcmp(corr, "c1", 2) == 0;
	p->tag = tag;
}

static void
wakeup(void *arg)
{
	((struct fixture *)arg)->wakeups++;
}

/* The deadline of the engine's timer of this kind (the name its room
 * registered) for id, or -1. */
static int64_t
due_of(struct fixture *f, const char *kind, int64_t id)
{
	int k = timers_kind(f->sched, kind);

	assert_true(k >= 0);
	return timers_due(f->sched, k, id);
}

static void
fixture_engine(struct fixture *f)
{
	f->sched = timers_new(NULL);
	f->e = engine_new(f->cf, f->st, sink, wakeup, f);
	engine_set_sched(f->e, f->sched);
}

static int
setup_path(void **state, const char *db)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *cause = NULL;

	if ((f->cf = fixture_config("engine.conf")) == NULL)
		return -1;
	if ((f->st = store_open(db, 0, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	fixture_engine(f);
	clock_set(T0);
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return setup_path(state, ":memory:");
}

static void
fixture_engine_free(struct fixture *f)
{
	engine_free(f->e);
	timers_free(f->sched);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	fixture_engine_free(f);
	store_close(f->st);
	conf_free(f->cf);
	free(f);
	clock_set(-1);
	return 0;
}

/* Deliver a message and end the loop turn, as beacond does. */
static void
deliver(struct fixture *f, const char *topic, const char *payload)
{
	f->npubs = 0;
	engine_message(f->e, topic, payload, strlen(payload));
	assert_int_equal(engine_flush(f->e), 0);
}

static void
report(struct fixture *f, const char *branch, const char *id,
    const char *type)
{
	char topic[128], payload[256];

	snprintf(topic, sizeof topic, "beacon/report/%s", branch);
	snprintf(payload, sizeof payload, "{\"id\":\"%s\",\"type\":\"%s\"}",
	    id, type);
	deliver(f, topic, payload);
}

static void
respond(struct fixture *f, const char *who, int incident, const char *action)
{
	char topic[128], payload[256];

	snprintf(topic, sizeof topic, "beacon/respond/%s", who);
	snprintf(payload, sizeof payload,
	    "{\"incident\":%d,\"action\":\"%s\"}", incident, action);
	deliver(f, topic, payload);
}

/* A supervisor request with a response topic; returns the reply. */
static const struct pub *
request(struct fixture *f, const char *who, const char *payload)
{
	char topic[128], reply[128];
	size_t i;

	f->npubs = 0;
	snprintf(topic, sizeof topic, "beacon/query/%s", who);
	snprintf(reply, sizeof reply, "beacon/reply/%s/x", who);
	engine_request(f->e, topic, payload, strlen(payload), reply, "c1", 2);
	assert_int_equal(engine_flush(f->e), 0);
	for (i = 0; i < f->npubs; i++)
		if (strcmp(f->pubs[i].topic, reply) == 0) {
			assert_true(f->pubs[i].corr);
			return &f->pubs[i];
		}
	fail_msg("no reply to %s", payload);
	return NULL;
}

/* Advance the test clock and fire whatever fell due. */
static void
advance(struct fixture *f, int64_t ms)
{
	f->npubs = 0;
	clock_shift(ms);
	timers_run(f->sched, clock_now());
	assert_int_equal(engine_flush(f->e), 0);
}

static const struct pub *
find(const struct fixture *f, const char *topic, const char *needle)
{
	size_t i;

	for (i = 0; i < f->npubs; i++)
		if (strcmp(f->pubs[i].topic, topic) == 0 &&
		    (needle == NULL || strstr(f->pubs[i].payload, needle)))
			return &f->pubs[i];
	return NULL;
}

static size_t
count_prefix(const struct fixture *f, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < f->npubs; i++)
		if (strncmp(f->pubs[i].topic, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

static int
incident_state(struct fixture *f, int64_t id)
{
	struct incident inc;

	memset(&inc, 0, sizeof inc);
	assert_int_equal(store_incident_get(f->st, id, &inc), 1);
	return inc.state;
}

static int
count_events(const struct event *ev, void *arg)
{
	int *n = arg;

	(void)ev;
	(*n)++;
	return 0;
}

static int
count_incidents(const struct incident *inc, void *arg)
{
	int *n = arg;

	(void)inc;
	(*n)++;
	return 0;
}

static int
event_count(struct fixture *f, int64_t id)
{
	int n = 0;

	assert_int_equal(store_timeline(f->st, id, count_events, &n), 0);
	return n;
}

static void
test_overdose_routed(void **state)
{
	struct fixture *f = *state;
	const struct pub *p;

	report(f, "central", "r1", "overdose");
	assert_non_null(find(f, "beacon/notify/crisis-1", "\"call_911\":true"));
	assert_non_null(find(f, "beacon/notify/security-1", NULL));
	assert_non_null(find(f, "beacon/notify/dispatch", NULL));
	assert_null(find(f, "beacon/notify/supervisor-1", NULL));
	assert_non_null(find(f, "beacon/status/central/r1",
	    "\"message\":\"received\""));
	p = find(f, "beacon/status/central/r1",
	    "routed: 3 responders notified, CALL 911");
	assert_non_null(p);
	assert_true(p->retain);
	assert_non_null(find(f, "beacon/incident/1", "\"state\":\"routed\""));
	assert_int_equal(incident_state(f, 1), ST_ROUTED);
	/* reported + three notified */
	assert_int_equal(event_count(f, 1), 4);
	assert_int_equal(due_of(f, "escalate", 1),
	    T0 + 60000);
}

static void
test_escalation_and_repeat(void **state)
{
	struct fixture *f = *state;

	report(f, "central", "r1", "overdose");
	advance(f, 59999);
	assert_int_equal(count_prefix(f, "beacon/notify/"), 0);
	advance(f, 1);
	assert_non_null(find(f, "beacon/notify/supervisor-1", "\"step\":1"));
	assert_non_null(find(f, "beacon/status/central/r1", "escalated"));
	/* The last step repeats every 30 s until someone acknowledges. */
	advance(f, 30000);
	assert_non_null(find(f, "beacon/notify/supervisor-1", "\"repeat\":1"));
	respond(f, "supervisor-1", 1, "ack");
	assert_int_equal(due_of(f, "escalate", 1), -1);
	advance(f, 600000);
	assert_int_equal(f->npubs, 0);
}

static void
test_ack_stops_escalation(void **state)
{
	struct fixture *f = *state;

	report(f, "central", "r1", "overdose");
	respond(f, "crisis-1", 1, "ack");
	assert_non_null(find(f, "beacon/status/central/r1",
	    "acknowledged by crisis-1 (crisis worker)"));
	assert_non_null(find(f, "beacon/incident/1", "\"acked_by\":\"crisis-1\""));
	assert_non_null(find(f, "beacon/incident/1", "\"kind\":\"ack\""));
	assert_int_equal(incident_state(f, 1), ST_ACKNOWLEDGED);
	assert_int_equal(due_of(f, "escalate", 1), -1);
	advance(f, 120000);
	assert_int_equal(count_prefix(f, "beacon/notify/"), 0);
}

static void
test_decline_advances(void **state)
{
	struct fixture *f = *state;

	report(f, "central", "r1", "overdose");
	respond(f, "crisis-1", 1, "decline");
	assert_non_null(find(f, "beacon/status/central/r1",
	    "declined by crisis-1 (crisis worker); escalating"));
	assert_non_null(find(f, "beacon/notify/supervisor-1", NULL));
}

static void
test_arrive_and_resolve(void **state)
{
	struct fixture *f = *state;
	const struct pub *p;

	report(f, "central", "r1", "overdose");
	respond(f, "security-1", 1, "arrived");
	assert_int_equal(incident_state(f, 1), ST_ON_SCENE);
	assert_non_null(find(f, "beacon/status/central/r1",
	    "on scene: security-1 (security)"));
	respond(f, "security-1", 1, "resolve");
	assert_int_equal(incident_state(f, 1), ST_RESOLVED);
	p = find(f, "beacon/status/central/r1", "resolved by security-1");
	assert_non_null(p);
	assert_false(p->retain);
	/* The retained status and incident are cleared. */
	for (size_t i = 0; i < f->npubs; i++)
		if (f->pubs[i].payload[0] == '\0')
			assert_true(f->pubs[i].retain);
	assert_int_equal(count_prefix(f, "beacon/incident/1"), 2);
	/* Nothing more may be done to a resolved incident. */
	respond(f, "security-1", 1, "ack");
	assert_non_null(find(f, "beacon/error/security-1", "already resolved"));
}

static void
test_empty_step_skipped(void **state)
{
	struct fixture *f = *state;

	/* The annex has no crisis worker: step 1 is skipped, step 2 fires. */
	report(f, "annex", "w1", "welfare");
	assert_non_null(find(f, "beacon/notify/supervisor-1", NULL));
	assert_non_null(find(f, "beacon/status/annex/w1",
	    "no one available: crisis worker"));
}

static void
test_duplicate_report(void **state)
{
	struct fixture *f = *state;
	int n = 0;

	report(f, "central", "r1", "overdose");
	report(f, "central", "r1", "overdose");
	assert_int_equal(count_prefix(f, "beacon/notify/"), 0);
	assert_non_null(find(f, "beacon/status/central/r1", "received again"));
	assert_int_equal(store_incidents(f->st, 0, NULL,
	    count_incidents, &n), 0);
	assert_int_equal(n, 1);
}

static void
test_bad_reports(void **state)
{
	struct fixture *f = *state;

	deliver(f, "beacon/report/central", "{not json");
	assert_non_null(find(f, "beacon/error/central", "not valid JSON"));
	report(f, "central", "r2", "juggling");
	assert_non_null(find(f, "beacon/status/central/r2",
	    "unknown type \\\"juggling\\\""));
	assert_non_null(find(f, "beacon/status/central/r2",
	    "\"state\":\"rejected\""));
	report(f, "nowhere", "r3", "overdose");
	assert_non_null(find(f, "beacon/status/nowhere/r3",
	    "unknown branch \\\"nowhere\\\""));
	deliver(f, "beacon/report/central",
	    "{\"id\":\"r4\",\"type\":\"overdose\",\"severity\":7}");
	assert_non_null(find(f, "beacon/status/central/r4", "severity"));
	assert_int_equal(store_reject_count(f->st), 4);
	/* Still serving. */
	report(f, "central", "r5", "overdose");
	assert_non_null(find(f, "beacon/notify/crisis-1", NULL));
}

static void
test_refused_responses(void **state)
{
	struct fixture *f = *state;

	report(f, "central", "r1", "weapon");
	respond(f, "crisis-1", 1, "ack");
	assert_non_null(find(f, "beacon/error/crisis-1",
	    "crisis-1 was not notified for incident 1"));
	respond(f, "security-1", 99, "ack");
	assert_non_null(find(f, "beacon/error/security-1",
	    "incident 99 does not exist"));
	deliver(f, "beacon/respond/security-1", "{\"incident\":1}");
	assert_non_null(find(f, "beacon/error/security-1", "action"));
	assert_int_equal(incident_state(f, 1), ST_ROUTED);
}

static void
test_nothing_announced_before_commit(void **state)
{
	struct fixture *f = *state;
	const char *p = "{\"id\":\"r1\",\"type\":\"overdose\"}";

	f->npubs = 0;
	engine_message(f->e, "beacon/report/central", p, strlen(p));
	assert_int_equal(f->npubs, 0);
	assert_true(f->wakeups > 0);
	assert_int_equal(engine_flush(f->e), 0);
	assert_true(f->npubs > 0);
}

static int has_event(struct fixture *, int64_t, const char *,
    const char *);

/* A database in a new temporary directory: its path in path. */
static void
temp_db(char *dir, char *path, size_t len)
{
	assert_non_null(mkdtemp(dir));
	snprintf(path, len, "%s/beacon.db", dir);
}

/* Remove what temp_db made: the database, its WAL files, the directory. */
static void
remove_db(const char *dir)
{
	const char *files[] = { "beacon.db", "beacon.db-wal", "beacon.db-shm" };
	char path[4200];
	size_t i;

	for (i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* A restart rebuilds the timers from the database and fires what became
 * due while beacond was down, late. */
static void
test_restart_fires_late(void **state)
{
	struct fixture *f;
	char dir[] = "/tmp/beacon-test-XXXXXX", path[4200];
	char *cause = NULL;

	(void)state;
	temp_db(dir, path, sizeof path);
	assert_int_equal(setup_path((void **)&f, path), 0);
	report(f, "central", "r1", "overdose");
	fixture_engine_free(f);
	store_close(f->st);

	clock_shift(300000);
	f->st = store_open(path, 0, &cause);
	assert_non_null(f->st);
	fixture_engine(f);
	assert_int_equal(engine_restore(f->e), 0);
	/* The escalation, and the daily retention job. */
	assert_int_equal(timers_count(f->sched), 2);
	assert_true(due_of(f, "purge", 0) > clock_now());
	advance(f, 0);
	assert_non_null(find(f, "beacon/notify/supervisor-1", NULL));
	/* reported, 3 notified; then, as no broker acknowledged them here,
	 * 3 renotified; then late, notified, escalated */
	assert_int_equal(event_count(f, 1), 10);
	assert_int_equal(has_event(f, 1, "renotified", "was pending"), 3);
	teardown((void **)&f);
	remove_db(dir);
}

/* The outbox rows not delivered, by state. */
struct undelivered {
	int pending, published, attempts;
	int64_t ids[8];
	size_t n;
};

static int
undelivered_cb(const struct outbox_row *r, void *arg)
{
	struct undelivered *u = arg;

	if (strcmp(r->state, "pending") == 0)
		u->pending++;
	else if (strcmp(r->state, "published") == 0)
		u->published++;
	u->attempts += r->attempts;
	assert_true(strncmp(r->topic, "beacon/notify/", 14) == 0);
	assert_string_equal(r->topic + 14, r->responder);
	if (u->n < 8)
		u->ids[u->n++] = r->id;
	return 0;
}

static struct undelivered
undelivered(struct fixture *f)
{
	struct undelivered u;

	memset(&u, 0, sizeof u);
	assert_int_equal(store_outbox_undelivered(f->st, undelivered_cb, &u),
	    0);
	return u;
}

/* Every notification is an outbox row, committed before it is handed out
 * and tagged with the row's id: pending, then published, then delivered
 * on its PUBACK. What the broker never acknowledged is published again
 * after a restart, and the timeline shows the attempt. */
static void
test_outbox(void **state)
{
	struct fixture *f;
	char dir[] = "/tmp/beacon-test-XXXXXX", path[4200];
	char *cause = NULL;
	struct undelivered u;
	const struct pub *crisis, *security;
	int wakeups;

	(void)state;
	temp_db(dir, path, sizeof path);
	assert_int_equal(setup_path((void **)&f, path), 0);
	report(f, "central", "r1", "welfare");
	report(f, "central", "r2", "overdose");
	crisis = find(f, "beacon/notify/crisis-1", NULL);
	security = find(f, "beacon/notify/security-1", NULL);
	assert_non_null(crisis);
	assert_non_null(security);
	assert_true(crisis->tag > 0 && security->tag > 0);
	assert_true(crisis->tag != security->tag);
	/* Statuses are not notifications: no tag. */
	assert_int_equal(find(f, "beacon/status/central/r2", NULL)->tag, 0);

	/* Handed out in the last turn: published once the next one ends;
	 * r1's notification (crisis-1) was marked in r2's turn. */
	u = undelivered(f);
	assert_int_equal(u.pending + u.published, 4);
	assert_int_equal(u.published, 1);
	/* A PUBACK costs no commit of its own: the states wait for the
	 * next transaction, which the timer opens within MARKS_MS. */
	wakeups = f->wakeups;
	engine_acked(f->e, crisis->tag, 1, "success");
	engine_acked(f->e, security->tag, 0, "not authorized");
	assert_int_equal(f->wakeups, wakeups);
	clock_shift(9);
	timers_run(f->sched, clock_now());
	assert_int_equal(f->wakeups, wakeups);
	clock_shift(1);
	timers_run(f->sched, clock_now());
	assert_int_equal(f->wakeups, wakeups + 1);
	assert_int_equal(engine_flush(f->e), 0);
	u = undelivered(f);
	/* r1's crisis-1, r2's security-1 (refused) and dispatch. */
	assert_int_equal(u.published, 3);
	assert_int_equal(u.attempts, 3);

	/* A restart: the three go out again with their ids, each attempt
	 * on the incident's timeline. */
	fixture_engine_free(f);
	store_close(f->st);
	f->st = store_open(path, 0, &cause);
	assert_non_null(f->st);
	fixture_engine(f);
	f->npubs = 0;
	assert_int_equal(engine_restore(f->e), 0);
	assert_int_equal(engine_flush(f->e), 0);
	assert_int_equal(count_prefix(f, "beacon/notify/"), 3);
	security = find(f, "beacon/notify/security-1", NULL);
	assert_non_null(security);
	assert_true(security->tag > 0);
	assert_int_equal(has_event(f, 2, "renotified",
	    "had 1 attempt without a PUBACK"), 2);
	assert_int_equal(has_event(f, 1, "renotified", "had 1 attempt"), 1);
	engine_acked(f->e, security->tag, 1, "success");
	assert_int_equal(engine_flush(f->e), 0);
	u = undelivered(f);
	assert_int_equal(u.published, 2);
	assert_int_equal(u.attempts, 4);
	teardown((void **)&f);
	remove_db(dir);
}

/* The test configuration with the welfare policy's second step sent to
 * the manager instead of the supervisor. */
static struct config *
changed_config(void)
{
	char path[4096], *text, *at, *cause = NULL;
	const char *from = "{ after = 120; roles = [ \"supervisor\" ]; }";
	const char *to = "{ after = 120; roles = [ \"manager\"    ]; }";
	struct config *cf = NULL;
	FILE *fp;
	long n;

	assert_non_null(fp = fopen(fixture_path("engine.conf", path,
	    sizeof path), "r"));
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	assert_non_null(at = strstr(text, from));
	assert_int_equal(strlen(from), strlen(to));
	memcpy(at, to, strlen(to));
	if (conf_load_string(text, "changed.conf", &cf, &cause) != 0)
		fail_msg("%s", cause);
	free(text);
	return cf;
}

/* A reload that changes a policy: the incident open before it keeps the
 * policy it started with, the one opened after follows the new one, and
 * the pin goes when the incident closes. */
static void
test_reload_keeps_policy(void **state)
{
	struct fixture *f = *state;
	struct config *next = changed_config();

	report(f, "central", "w1", "welfare");
	engine_set_config(f->e, next);
	report(f, "central", "w2", "welfare");
	advance(f, 120000);
	assert_non_null(find(f, "beacon/notify/supervisor-1",
	    "\"incident\":1,"));
	assert_null(find(f, "beacon/notify/manager-1", "\"incident\":1,"));
	assert_non_null(find(f, "beacon/notify/manager-1", "\"incident\":2,"));
	assert_null(find(f, "beacon/notify/supervisor-1",
	    "\"incident\":2,"));
	/* Back to the original: incident 2 keeps the changed policy. */
	respond(f, "supervisor-1", 1, "ack");
	respond(f, "supervisor-1", 1, "resolve");
	engine_set_config(f->e, f->cf);
	conf_free(next);
	advance(f, 120000);
	respond(f, "manager-1", 2, "ack");
	assert_int_equal(incident_state(f, 2), ST_ACKNOWLEDGED);
}

/* A report or a response whose turn may fail to commit: the flush's
 * result. */
static int
deliver_rc(struct fixture *f, const char *topic, const char *payload)
{
	f->npubs = 0;
	engine_message(f->e, topic, payload, strlen(payload));
	return engine_flush(f->e);
}

static int64_t
incident_of(struct fixture *f, const char *branch, const char *report)
{
	struct incident inc;

	memset(&inc, 0, sizeof inc);
	if (store_incident_by_report(f->st, branch, report, &inc) != 1)
		return -1;
	return inc.id;
}

/* The files may not grow past their size now (a full disk for SQLite:
 * the WAL cannot take the next commit), or again without limit. */
static void
disk_full(int on)
{
	struct rlimit rl;

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &rl), 0);
	rl.rlim_cur = on ? 64 * 1024 : rl.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

/* The disk fills (the transaction is built, its commit fails): reports
 * are still routed and notified from memory, the status says degraded and
 * the admin is told once; a response to an incident opened meanwhile is
 * accepted; when the disk has room again the retry timer writes
 * everything once, the admin is told, and the notifications of the
 * outage go out again from the outbox (a repeat, never a gap). */
static void
test_degraded(void **state)
{
	struct fixture *f;
	char dir[] = "/tmp/beacon-test-XXXXXX", path[4200], payload[256];
	int64_t inc;
	int i;

	(void)state;
	temp_db(dir, path, sizeof path);
	assert_int_equal(setup_path((void **)&f, path), 0);
	signal(SIGXFSZ, SIG_IGN);
	report(f, "central", "ok-1", "welfare");
	/* Past 64 KiB, with the WAL's first commits in it. */
	for (i = 0; i < 40; i++) {
		snprintf(payload, sizeof payload, "{\"id\":\"fill-%d\","
		    "\"type\":\"welfare\",\"note\":\"%0100d\"}", i, 0);
		assert_int_equal(deliver_rc(f, "beacon/report/central",
		    payload), 0);
	}
	disk_full(1);
	assert_int_equal(deliver_rc(f, "beacon/report/central",
	    "{\"id\":\"d-1\",\"type\":\"welfare\"}"), -1);
	/* Routed from memory, and said so. */
	assert_non_null(find(f, "beacon/notify/crisis-1", "\"d-1\""));
	assert_non_null(find(f, "beacon/status/central/d-1",
	    "\"state\":\"routed\""));
	assert_non_null(find(f, "beacon/daemon/status",
	    "\"state\":\"degraded\""));
	assert_non_null(find(f, "beacon/notify/manager-1",
	    "\"kind\":\"daemon_degraded\""));
	assert_int_equal(incident_of(f, "central", "d-1"), -1);

	/* Another report and a response to the first: the replay lets the
	 * response find it; the admin is not told again. */
	assert_int_equal(deliver_rc(f, "beacon/report/central",
	    "{\"id\":\"d-2\",\"type\":\"welfare\"}"), -1);
	assert_null(find(f, "beacon/notify/manager-1", NULL));
	assert_non_null(find(f, "beacon/notify/crisis-1", "\"d-2\""));
	assert_int_equal(deliver_rc(f, "beacon/respond/crisis-1",
	    "{\"incident\":42,\"action\":\"ack\"}"), -1);
	assert_non_null(find(f, "beacon/status/central/d-1",
	    "\"state\":\"acknowledged\""));

	/* Room again: the retry timer writes the backlog. */
	disk_full(0);
	advance(f, 2000);
	assert_non_null(find(f, "beacon/daemon/status",
	    "\"state\":\"online\""));
	assert_non_null(find(f, "beacon/notify/manager-1",
	    "\"kind\":\"daemon_recovered\""));
	/* The replay published nothing itself. */
	assert_null(find(f, "beacon/status/central/d-1", NULL));
	inc = incident_of(f, "central", "d-1");
	assert_int_equal(inc, 42);
	assert_int_equal(incident_of(f, "central", "d-2"), 43);
	assert_int_equal(incident_state(f, 42), ST_ACKNOWLEDGED);
	assert_int_equal(has_event(f, 42, "notified", NULL), 1);
	assert_int_equal(has_event(f, 42, "ack", NULL), 1);
	/* The next turn sends the outage's notifications from the outbox. */
	f->npubs = 0;
	assert_int_equal(engine_flush(f->e), 0);
	assert_non_null(find(f, "beacon/notify/crisis-1", "\"d-2\""));
	assert_int_equal(has_event(f, 43, "renotified", "database outage"),
	    1);
	/* And it carries on as before. */
	report(f, "central", "ok-2", "welfare");
	assert_int_equal(incident_of(f, "central", "ok-2"), 44);
	teardown((void **)&f);
	remove_db(dir);
}

/* A request whose response topic is not the asker's own
 * {prefix}/reply/{who}/...: beacond may publish anywhere, the asker may
 * not, so it is refused on error/{who} and nothing goes to that topic. */
static void
test_reply_topic_checked(void **state)
{
	struct fixture *f = *state;
	const char *q = "{\"method\":\"incidents\"}";
	const char *bad[] = { "beacon/report/central", "beacon/reply/manager-1/x",
		"beacon/reply/supervisor-1", "elsewhere/x" };
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		f->npubs = 0;
		engine_request(f->e, "beacon/query/supervisor-1", q,
		    strlen(q), bad[i], "c1", 2);
		assert_int_equal(engine_flush(f->e), 0);
		assert_int_equal(f->npubs, 1);
		assert_string_equal(f->pubs[0].topic,
		    "beacon/error/supervisor-1");
		assert_non_null(strstr(f->pubs[0].payload, "response topic"));
	}
	assert_non_null(request(f, "supervisor-1", q));
}

/* Did the incident's timeline record an event of this kind whose detail
 * holds needle? */
struct find_event {
	const char *kind, *needle;
	int found;
	int64_t id;
};

static int
find_event_cb(const struct event *ev, void *arg)
{
	struct find_event *fe = arg;

	if (strcmp(ev->kind, fe->kind) == 0 &&
	    (fe->needle == NULL || strstr(ev->detail, fe->needle) != NULL)) {
		fe->found++;
		fe->id = ev->id;
	}
	return 0;
}

static int
has_event(struct fixture *f, int64_t incident, const char *kind,
    const char *needle)
{
	struct find_event fe = { kind, needle, 0, 0 };

	assert_int_equal(store_timeline(f->st, incident, find_event_cb, &fe),
	    0);
	return fe.found;
}

/* welfare at central, acknowledged and resolved by crisis-1. */
static void
resolved_incident(struct fixture *f)
{
	report(f, "central", "w1", "welfare");
	respond(f, "crisis-1", 1, "ack");
	respond(f, "crisis-1", 1, "resolve");
}

/* Resolve: the supervisor is told the debrief is due; the reminder and
 * the overdue notice (to the role it reports to) follow on the timers. */
static void
test_debrief_lifecycle(void **state)
{
	struct fixture *f = *state;

	resolved_incident(f);
	assert_non_null(find(f, "beacon/notify/supervisor-1",
	    "\"kind\":\"debrief_due\""));
	assert_null(find(f, "beacon/notify/manager-1", NULL));
	assert_int_equal(has_event(f, 1, "debrief_due", NULL), 1);
	assert_int_equal(due_of(f, "debrief", 1),
	    T0 + 600000);

	advance(f, 600000);
	assert_non_null(find(f, "beacon/notify/supervisor-1",
	    "\"kind\":\"debrief_reminder\""));
	assert_int_equal(has_event(f, 1, "debrief_reminder", NULL), 1);

	advance(f, 3000000);
	assert_non_null(find(f, "beacon/notify/manager-1",
	    "\"kind\":\"debrief_overdue\""));
	assert_null(find(f, "beacon/notify/supervisor-1", NULL));
	assert_int_equal(has_event(f, 1, "debrief_overdue", NULL), 1);
	assert_int_equal(due_of(f, "debrief", 1), -1);
}

/* Only accounts of a query role are answered; others are told why. */
static void
test_query_access(void **state)
{
	struct fixture *f = *state;
	const struct pub *p;

	report(f, "central", "r1", "overdose");
	p = request(f, "crisis-1", "{\"method\":\"incidents\"}");
	assert_non_null(strstr(p->payload, "\"ok\":false"));
	assert_non_null(strstr(p->payload, "may not"));
	p = request(f, "supervisor-1", "{\"method\":\"incidents\"}");
	assert_non_null(strstr(p->payload, "\"ok\":true"));
	assert_non_null(strstr(p->payload, "\"report\":\"r1\""));
	p = request(f, "supervisor-1",
	    "{\"method\":\"timeline\",\"incident\":1}");
	assert_non_null(strstr(p->payload, "\"kind\":\"reported\""));
	p = request(f, "supervisor-1",
	    "{\"method\":\"timeline\",\"incident\":9}");
	assert_non_null(strstr(p->payload, "incident 9 does not exist"));
	p = request(f, "supervisor-1", "{\"method\":\"explode\"}");
	assert_non_null(strstr(p->payload, "method: must be"));
	/* Without a response topic the answer goes to the error topic. */
	deliver(f, "beacon/query/supervisor-1", "{\"method\":\"incidents\"}");
	assert_non_null(find(f, "beacon/error/supervisor-1",
	    "no MQTT v5 response topic"));
}

#define RECORD(body)                                                           \
	"{\"method\":\"record\",\"incident\":1,\"debrief\":" body "}"

/* Each edit is a revision; the timeline says who changed what. */
static void
test_debrief_revisions(void **state)
{
	struct fixture *f = *state;
	const struct pub *p;

	report(f, "central", "w1", "welfare");
	p = request(f, "supervisor-1", RECORD("{}"));
	assert_non_null(strstr(p->payload, "still open"));
	respond(f, "crisis-1", 1, "ack");
	respond(f, "crisis-1", 1, "resolve");

	p = request(f, "supervisor-1", RECORD("{\"wellbeing\":{\"status\":"
	    "\"held\",\"participants\":3},\"review\":{\"referrals\":"
	    "[{\"type\":\"housing\"}]}}"));
	assert_non_null(strstr(p->payload, "\"revision\":1"));
	assert_int_equal(due_of(f, "debrief", 1), -1);
	p = request(f, "supervisor-1", RECORD("{\"wellbeing\":{\"status\":"
	    "\"held\",\"participants\":3},\"review\":{\"route\":"
	    "\"wrong\",\"referrals\":[{\"type\":\"housing\"}]}}"));
	assert_non_null(strstr(p->payload, "\"revision\":2"));
	assert_int_equal(has_event(f, 1, "debrief", "revision 1 recorded"), 1);
	assert_int_equal(has_event(f, 1, "debrief", "changed review.route"),
	    1);
	p = request(f, "supervisor-1", RECORD("{\"wellbeing\":{\"status\":"
	    "\"held\",\"participants\":3},\"review\":{\"route\":"
	    "\"wrong\",\"referrals\":[{\"type\":\"housing\"}]}}"));
	assert_non_null(strstr(p->payload, "nothing changed since revision 2"));
	p = request(f, "supervisor-1", RECORD("{\"review\":{\"referrals\":"
	    "[{\"type\":\"astrology\"}]}}"));
	assert_non_null(strstr(p->payload, "unknown referral type"));
	p = request(f, "supervisor-1", RECORD("{\"wellbeing\":{\"status\":"
	    "\"maybe\"}}"));
	assert_non_null(strstr(p->payload, "wellbeing.status"));
	p = request(f, "supervisor-1",
	    "{\"method\":\"debrief\",\"incident\":1,\"all\":true}");
	assert_non_null(strstr(p->payload, "\"revision\":1"));
	assert_non_null(strstr(p->payload, "\"revision\":2"));
	/* The reminder no longer fires: the debrief is recorded. */
	advance(f, 4000000);
	assert_null(find(f, "beacon/notify/supervisor-1", NULL));
}

static void
test_hold_and_correct(void **state)
{
	struct fixture *f = *state;
	struct incident inc;
	struct find_event fe = { "ack", NULL, 0, 0 };
	const struct pub *p;
	char body[160];

	resolved_incident(f);
	p = request(f, "supervisor-1", "{\"method\":\"hold\",\"incident\":1,"
	    "\"hold\":true,\"note\":\"records request\"}");
	assert_non_null(strstr(p->payload, "\"ok\":true"));
	memset(&inc, 0, sizeof inc);
	assert_int_equal(store_incident_get(f->st, 1, &inc), 1);
	assert_true(inc.hold);
	assert_int_equal(has_event(f, 1, "hold", "records request"), 1);

	assert_int_equal(store_timeline(f->st, 1, find_event_cb, &fe), 0);
	snprintf(body, sizeof body, "{\"method\":\"correct\",\"incident\":1,"
	    "\"event\":%lld,\"note\":\"acknowledged by phone\"}",
	    (long long)fe.id);
	p = request(f, "supervisor-1", body);
	assert_non_null(strstr(p->payload, "\"ok\":true"));
	assert_int_equal(has_event(f, 1, "correction", "by phone"), 1);
	p = request(f, "supervisor-1", "{\"method\":\"correct\",\"incident\":1,"
	    "\"event\":99999,\"note\":\"x\"}");
	assert_non_null(strstr(p->payload, "not on incident 1"));
}


/* ---- devices ------------------------------------------------------------ */

#define DESK "beacon/device/central/desk-3"

static struct device
device_row(struct fixture *f, const char *branch, const char *id)
{
	struct device d;

	assert_int_equal(store_device_get(f->st, branch, id, &d), 1);
	return d;
}

/* A report button offline for devices.offline (300 s) is reported to the
 * branch's supervisor once, and again when it is back. */
static void
test_device_offline(void **state)
{
	struct fixture *f = *state;

	deliver(f, DESK, "{\"state\":\"online\",\"kind\":\"button\"}");
	assert_int_equal(f->npubs, 0);
	assert_true(device_row(f, "central", "desk-3").online);
	deliver(f, DESK, "{\"state\":\"offline\",\"kind\":\"button\"}");
	assert_int_equal(f->npubs, 0);
	assert_int_equal(due_of(f, "device", 1), T0 + 300000);

	advance(f, 299999);
	assert_null(find(f, "beacon/notify/supervisor-1", NULL));
	advance(f, 1);
	assert_non_null(find(f, "beacon/notify/supervisor-1",
	    "\"kind\":\"device_offline\""));
	assert_non_null(find(f, "beacon/notify/supervisor-1", "desk-3"));
	assert_true(device_row(f, "central", "desk-3").flagged);
	advance(f, 3600000);
	assert_null(find(f, "beacon/notify/supervisor-1", NULL));
	/* Offline again while already offline: no new timer. */
	deliver(f, DESK, "{\"state\":\"offline\",\"kind\":\"button\"}");
	assert_int_equal(due_of(f, "device", 1), -1);

	deliver(f, DESK, "{\"state\":\"online\",\"kind\":\"button\"}");
	assert_non_null(find(f, "beacon/notify/supervisor-1",
	    "\"kind\":\"device_back\""));
	assert_false(device_row(f, "central", "desk-3").flagged);
	/* Back before its time: nobody is told anything. */
	deliver(f, DESK, "{\"state\":\"offline\",\"kind\":\"button\"}");
	deliver(f, DESK, "{\"state\":\"online\",\"kind\":\"button\"}");
	advance(f, 600000);
	assert_null(find(f, "beacon/notify/supervisor-1", NULL));
}

/* A responder app that closes is a phone in a pocket, not a fault. */
static void
test_device_app_not_reported(void **state)
{
	struct fixture *f = *state;

	deliver(f, "beacon/device/central/crisis-1",
	    "{\"state\":\"offline\",\"kind\":\"responder_app\"}");
	assert_false(device_row(f, "central", "crisis-1").online);
	advance(f, 3600000);
	assert_int_equal(f->npubs, 0);
}

/* A self-test is answered at once and recorded; it makes no incident. */
static void
test_device_selftest(void **state)
{
	struct fixture *f = *state;
	const struct pub *p;
	struct device d;
	int n = 0;

	deliver(f, "beacon/selftest/central/desk-3",
	    "{\"id\":\"st-1\",\"ts\":\"2026-11-22T10:00:00Z\","
	    "\"last_rtt_ms\":42}");
	p = find(f, "beacon/selftest/central/desk-3/result", "\"id\":\"st-1\"");
	assert_non_null(p);
	assert_false(p->retain);
	assert_non_null(strstr(p->payload, "\"ok\":true"));
	d = device_row(f, "central", "desk-3");
	assert_int_equal(d.rtt_ms, 42);
	assert_int_equal(d.selftest_at, T0);
	assert_true(d.online);
	assert_int_equal(store_incidents(f->st, 0, NULL, count_incidents, &n),
	    0);
	assert_int_equal(n, 0);
}

static void
test_device_bad_input(void **state)
{
	struct fixture *f = *state;

	deliver(f, "beacon/selftest/central/desk-3", "{\"ts\":1}");
	assert_non_null(find(f, "beacon/error/central", "id"));
	deliver(f, "beacon/device/nowhere/x", "{\"state\":\"online\"}");
	assert_non_null(find(f, "beacon/error/nowhere",
	    "unknown branch \\\"nowhere\\\""));
	deliver(f, DESK, "{\"state\":\"asleep\"}");
	assert_non_null(find(f, "beacon/error/central",
	    "state: must be online or offline"));
	deliver(f, DESK, "not json");
	assert_non_null(find(f, "beacon/error/central", NULL));
	/* Too many levels: not a device topic at all. */
	deliver(f, "beacon/device/central/desk-3/x", "{\"state\":\"online\"}");
	assert_int_equal(f->npubs, 0);
	/* A cleared retained presence says nothing. */
	deliver(f, DESK, "");
	assert_int_equal(f->npubs, 0);
	assert_int_equal(store_reject_count(f->st), 4);
}

/* Each branch's buttons for the report page, retained. */
static void
test_config_published(void **state)
{
	struct fixture *f = *state;
	const struct pub *p;
	const char *a, *b, *c;

	f->npubs = 0;
	engine_publish_config(f->e);
	assert_int_equal(engine_flush(f->e), 0);
	p = find(f, "beacon/config/central", "\"buttons\"");
	assert_non_null(p);
	assert_true(p->retain);
	assert_non_null(find(f, "beacon/config/annex", "\"name\":\"Annex"));
	/* Most severe first, in the file's order within a severity. */
	a = strstr(p->payload, "\"overdose\"");
	b = strstr(p->payload, "\"weapon\"");
	c = strstr(p->payload, "\"welfare\"");
	assert_true(a != NULL && b != NULL && c != NULL && a < b && b < c);
}

/* One device floods its branch with garbage in a single loop turn (the
 * fixture allows 100 reports per device and 150 messages per branch in
 * 10 s): the first 100 are refused one by one, the rest are set aside
 * with one record, one answer and no parsing beyond the device; another
 * device of the branch and another branch are still routed; when the
 * window ends the record gets its count. */
static void
test_flood(void **state)
{
	struct fixture *f = *state;
	char payload[128];
	size_t i, errors = 0;

	f->npubs = 0;
	for (i = 0; i < 5000; i++) {
		snprintf(payload, sizeof payload, "{\"device\":\"desk-9\","
		    "\"junk\":%zu}", i);
		engine_message(f->e, "beacon/report/central", payload,
		    strlen(payload));
		if (f->npubs > MAXPUB - 16) {
			assert_int_equal(engine_flush(f->e), 0);
			errors += count_prefix(f, "beacon/error/central");
			f->npubs = 0;
		}
	}
	assert_int_equal(engine_flush(f->e), 0);
	errors += count_prefix(f, "beacon/error/central");
	/* 100 refusals, then one rate-limit answer. */
	assert_int_equal(errors, 101);
	assert_int_equal(store_reject_count(f->st), 101);
	assert_non_null(find(f, "beacon/error/central",
	    "rate limit: device \\\"desk-9\\\" of branch"));

	deliver(f, "beacon/report/central",
	    "{\"id\":\"ok-1\",\"type\":\"overdose\",\"device\":\"desk-3\"}");
	assert_non_null(find(f, "beacon/notify/crisis-1", "\"ok-1\""));
	report(f, "annex", "ok-2", "overdose");
	assert_non_null(find(f, "beacon/notify/security-1", "\"ok-2\""));

	/* The window ends: the record now stands for all 4,900. */
	advance(f, 10000);
	assert_int_equal(store_reject_count(f->st), 101);
	assert_int_equal(store_reject_messages(f->st), 100 + 4900);
	/* A new window: desk-9 is heard again. */
	deliver(f, "beacon/report/central", "{\"device\":\"desk-9\"}");
	assert_non_null(find(f, "beacon/error/central", "id: required"));
	assert_int_equal(store_reject_count(f->st), 102);
}

/* The branch's own limit holds back invented device names, and the
 * sender is told once. */
static void
test_flood_branch(void **state)
{
	struct fixture *f = *state;
	char payload[128];
	size_t i;

	for (i = 0; i < 400; i++) {
		snprintf(payload, sizeof payload, "{\"id\":\"x-%zu\","
		    "\"type\":\"nonsense\",\"device\":\"d-%zu\"}", i, i);
		deliver(f, "beacon/report/central", payload);
		if (i == 150)
			assert_non_null(find(f, "beacon/error/central",
			    "rate limit: branch \\\"central\\\" sent more "
			    "than 150 messages"));
	}
	/* The excess is recorded once, not per message. */
	assert_int_equal(store_reject_count(f->st), 150 + 1);
	advance(f, 10000);
	assert_int_equal(store_reject_messages(f->st), 400);
}

/* Alarms that are not real: a welfare check (severity 3) waits for a
 * cancel; cancelled in time nobody hears of it, cancelled later everyone
 * notified is told to stand down; a second press joins the incident and a
 * new location is sent again; a drill never reaches dispatch. */
static void
test_cancel_window(void **state)
{
	struct fixture *f = *state;
	const struct pub *p;

	f->cf->cancel_window = 5;
	f->cf->repeat_window = 120;
	report(f, "central", "w-1", "welfare");
	assert_int_equal(count_prefix(f, "beacon/notify/"), 0);
	assert_non_null(p = find(f, "beacon/status/central/w-1",
	    "\"cancel_until\""));
	deliver(f, "beacon/report/central", "{\"id\":\"w-1\",\"cancel\":true}");
	assert_non_null(find(f, "beacon/status/central/w-1",
	    "cancelled: nobody was notified"));
	advance(f, 6000);
	assert_int_equal(count_prefix(f, "beacon/notify/"), 0);

	deliver(f, "beacon/report/central", "{\"id\":\"w-2\","
	    "\"type\":\"welfare\",\"device\":\"desk-1\"}");
	advance(f, 5000);
	assert_non_null(find(f, "beacon/notify/crisis-1", "\"incident\":2"));
	deliver(f, "beacon/report/central", "{\"id\":\"w-3\","
	    "\"type\":\"welfare\",\"location\":\"stacks\","
	    "\"device\":\"desk-1\"}");
	assert_non_null(find(f, "beacon/status/central/w-3", "joined to "
	    "incident 2 at stacks: the crisis worker is already called"));
	assert_non_null(p = find(f, "beacon/notify/crisis-1",
	    "\"update\":\"location\""));
	assert_non_null(strstr(p->payload, "\"presses\":2"));
	assert_non_null(strstr(p->payload, "\"locations\":[\"stacks\"]"));
	/* Another device at another place: its own incident, related. */
	deliver(f, "beacon/report/central", "{\"id\":\"w-4\","
	    "\"type\":\"welfare\",\"location\":\"lobby\","
	    "\"device\":\"desk-7\"}");
	assert_non_null(p = find(f, "beacon/incident/3", "\"related\":[2]"));
	assert_non_null(find(f, "beacon/incident/2", "\"related\":[3]"));
	assert_null(find(f, "beacon/status/central/w-4", "joined"));
	deliver(f, "beacon/report/central", "{\"id\":\"w-2\",\"cancel\":true}");
	assert_non_null(p = find(f, "beacon/notify/crisis-1",
	    "\"kind\":\"stand_down\""));
	assert_non_null(strstr(p->payload, "\"reason\":\"false_alarm\""));
	assert_non_null(find(f, "beacon/status/central/w-2",
	    "false alarm: 1 responder told to stand down"));

	/* Severity 1 never waits; a drill never reaches dispatch. */
	deliver(f, "beacon/report/central", "{\"id\":\"d-1\","
	    "\"type\":\"weapon\",\"drill\":true}");
	assert_non_null(find(f, "beacon/notify/security-1", "\"drill\":true"));
	assert_null(find(f, "beacon/notify/dispatch", NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_overdose_routed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_escalation_and_repeat,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_stops_escalation,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_decline_advances, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_arrive_and_resolve, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty_step_skipped, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_report, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_reports, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flood, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flood_branch, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused_responses, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_nothing_announced_before_commit, setup, teardown),
		cmocka_unit_test(test_restart_fires_late),
		cmocka_unit_test(test_outbox),
		cmocka_unit_test_setup_teardown(test_reply_topic_checked, setup,
		    teardown),
		cmocka_unit_test(test_degraded),
		cmocka_unit_test_setup_teardown(test_cancel_window, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reload_keeps_policy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_debrief_lifecycle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_query_access, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_debrief_revisions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hold_and_correct, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_device_offline, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_device_app_not_reported,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_selftest, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_device_bad_input, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_config_published, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
