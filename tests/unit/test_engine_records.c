/*
 * The incident engine's records: debriefs and their revisions, who may
 * query what, holds and corrections.
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_debrief_lifecycle, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_query_access, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_debrief_revisions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hold_and_correct, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
