/*
 * Topics (topic.c): building every topic and taking it apart again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "topic.h"

static void
test_make(void **state)
{
	char *t;

	(void)state;
	t = topic_make("beacon", TOPIC_REPORT, "eastside", "r-1", NULL);
	assert_string_equal(t, "beacon/report/eastside/r-1");
	free(t);
	t = topic_make("site/beacon", TOPIC_DAEMON, "status", NULL);
	assert_string_equal(t, "site/beacon/daemon/status");
	free(t);
	t = topic_make("beacon", TOPIC_DEVICE, "+", "+", NULL);
	assert_string_equal(t, "beacon/device/+/+");
	free(t);
}

static void
test_match(void **state)
{
	(void)state;
	assert_string_equal(topic_match("beacon/status/east/r-1", "beacon",
	    TOPIC_STATUS), "east/r-1");
	assert_null(topic_match("beacon/status/", "beacon", TOPIC_STATUS));
	assert_null(topic_match("beacon/statusx/a", "beacon", TOPIC_STATUS));
	assert_null(topic_match("beaconx/status/a", "beacon", TOPIC_STATUS));
	assert_null(topic_match("beacon/status", "beacon", TOPIC_STATUS));
	assert_null(topic_match("other/status/a", "beacon", TOPIC_STATUS));
}

static void
test_kind_and_levels(void **state)
{
	char kind[8], level[4];
	const char *rest;

	(void)state;
	rest = topic_kind("beacon/query/crisis-1/x", "beacon", kind,
	    sizeof kind);
	assert_string_equal(kind, "query");
	assert_string_equal(rest, "crisis-1/x");
	assert_int_equal(topic_levels(rest), 2);
	rest = topic_level(rest, level, sizeof level);
	assert_string_equal(level, "cri");	/* cut to fit */
	assert_string_equal(rest, "x");
	rest = topic_level(rest, level, sizeof level);
	assert_string_equal(level, "x");
	assert_string_equal(rest, "");
	assert_int_equal(topic_levels(rest), 0);
	assert_null(topic_kind("beacon/selftest-long/a", "beacon", kind,
	    sizeof kind));
	assert_null(topic_kind("beacon/query/", "beacon", kind, sizeof kind));
	assert_null(topic_kind("beacon/query", "beacon", kind, sizeof kind));
	assert_null(topic_kind("nope/query/a", "beacon", kind, sizeof kind));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_kind_and_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
