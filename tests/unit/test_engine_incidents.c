/*
 * The incident engine (engine.c and the rooms that share engine_int.h)
 * with the real rules and a ":memory:" store: routing, escalation,
 * responses, refused input, floods and the cancel window.
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

#include "engine_fixture.h"

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
		cmocka_unit_test_setup_teardown(test_reply_topic_checked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cancel_window, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
