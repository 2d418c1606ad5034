/*
 * The incident engine's devices: offline and self-test reports, bad
 * input, and each branch's published configuration.
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
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
