/*
 * The incident engine (engine.c) with the real rules, a real SQLite store
 * (":memory:" or a temporary file), the scheduler driven by hand and the
 * test clock: every publication it hands out is captured and checked.
 */
#include <setjmp.h>
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
#include "msg.h"
#include "sched.h"
#include "store.h"

#define T0 1795000000000LL
#define MAXPUB 256

struct pub {
	char topic[128];
	char payload[4096];
	int retain;
};

struct fixture {
	struct config *cf;
	struct store *st;
	struct sched *sched;
	struct engine *e;
	struct pub pubs[MAXPUB];
	size_t npubs;
	int wakeups;
};

static void
sink(void *arg, const char *topic, const char *payload, size_t len,
    int retain)
{
	struct fixture *f = arg;
	struct pub *p;

	assert_true(f->npubs < MAXPUB);
	p = &f->pubs[f->npubs++];
	snprintf(p->topic, sizeof p->topic, "%s", topic);
	snprintf(p->payload, sizeof p->payload, "%.*s", (int)len, payload);
	p->retain = retain;
}

static void
wakeup(void *arg)
{
	((struct fixture *)arg)->wakeups++;
}

static void
deadline(int64_t key, int64_t due, void *arg)
{
	engine_deadline(((struct fixture *)arg)->e, key, due);
}

static void
fixture_engine(struct fixture *f)
{
	f->sched = sched_new(NULL, deadline, f);
	f->e = engine_new(f->cf, f->st, sink, wakeup, f);
	engine_set_sched(f->e, f->sched);
}

static int
setup_path(void **state, const char *db)
{
	struct fixture *f = calloc(1, sizeof *f);
	char path[4096], *cause = NULL;
	const char *src = getenv("BEACON_SRC");

	snprintf(path, sizeof path, "%s/tests/unit/fixtures/engine.conf",
	    src ? src : ".");
	if (config_load(path, &f->cf, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
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
	sched_free(f->sched);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	fixture_engine_free(f);
	store_close(f->st);
	config_free(f->cf);
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

/* Advance the test clock and fire whatever fell due. */
static void
advance(struct fixture *f, int64_t ms)
{
	f->npubs = 0;
	clock_shift(ms);
	sched_run(f->sched, clock_now());
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
	assert_int_equal(sched_due(f->sched, 1), T0 + 60000);
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
	assert_int_equal(sched_count(f->sched), 0);
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
	assert_int_equal(sched_count(f->sched), 0);
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

/* A restart rebuilds the timers from the database and fires what became
 * due while beacond was down, late. */
static void
test_restart_fires_late(void **state)
{
	struct fixture *f;
	char dir[] = "/tmp/beacon-test-XXXXXX", path[4200];
	char *cause = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/beacon.db", dir);
	assert_int_equal(setup_path((void **)&f, path), 0);
	report(f, "central", "r1", "overdose");
	fixture_engine_free(f);
	store_close(f->st);

	clock_shift(300000);
	f->st = store_open(path, 0, &cause);
	assert_non_null(f->st);
	fixture_engine(f);
	assert_int_equal(engine_restore(f->e), 0);
	assert_int_equal(sched_count(f->sched), 1);
	advance(f, 0);
	assert_non_null(find(f, "beacon/notify/supervisor-1", NULL));
	/* reported, 3 notified; then late, notified, escalated */
	assert_int_equal(event_count(f, 1), 7);
	teardown((void **)&f);
	unlink(path);
	snprintf(path, sizeof path, "%s/beacon.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/beacon.db-shm", dir);
	unlink(path);
	rmdir(dir);
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
		cmocka_unit_test_setup_teardown(test_refused_responses, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_nothing_announced_before_commit, setup, teardown),
		cmocka_unit_test(test_restart_fires_late),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
