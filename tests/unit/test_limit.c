/*
 * Per-sender limits (limit.c): counting, the first message over a limit,
 * fixed windows, and a table that stays bounded whatever names arrive.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "limit.h"

#define T0 1000000
#define IV 10000	/* a 10 s window */

struct seen {
	struct limit_entry e[16];
	size_t n;
};

static void
collect(void *arg, const struct limit_entry *en)
{
	struct seen *s = arg;

	assert_true(s->n < 16);
	s->e[s->n++] = *en;
}

static enum limit_verdict
count(struct limit *l, int64_t now, const char *source, const char *device,
    struct limit_entry **over)
{
	return limit_count(l, now, IV, "report", source, 5, device, 3, over);
}

static void
test_device_limit(void **state)
{
	struct limit *l = limit_new(64);
	struct limit_entry *over;
	struct seen s = { .n = 0 };
	int i;

	(void)state;
	assert_int_equal(limit_window_end(l), -1);
	for (i = 0; i < 3; i++) {
		assert_int_equal(count(l, T0 + i, "central", "desk-3", &over),
		    LIMIT_OK);
		assert_null(over);
	}
	assert_int_equal(limit_window_end(l), T0 + IV);
	assert_int_equal(count(l, T0 + 5, "central", "desk-3", &over),
	    LIMIT_FIRST);
	assert_non_null(over);
	assert_string_equal(over->device, "desk-3");
	assert_int_equal(over->device_entry, 1);
	assert_int_equal(over->max, 3);
	assert_int_equal(count(l, T0 + 6, "central", "desk-3", &over),
	    LIMIT_MORE);
	/* Another device of the branch is not held back by desk-3's
	 * excess, which does not count against the branch ... */
	assert_int_equal(count(l, T0 + 7, "central", "desk-4", &over),
	    LIMIT_OK);
	assert_int_equal(count(l, T0 + 8, "central", "desk-4", &over),
	    LIMIT_OK);
	/* ... but the branch's own limit (5) counts what was handled. */
	assert_int_equal(count(l, T0 + 8, "central", "desk-4", &over),
	    LIMIT_FIRST);
	assert_int_equal(over->device_entry, 0);
	assert_string_equal(over->source, "central");
	/* Another branch has limits of its own. */
	assert_int_equal(count(l, T0 + 9, "east", NULL, &over), LIMIT_OK);

	limit_roll(l, collect, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.e[0].device, "desk-3");
	assert_int_equal(s.e[0].excess, 1 + 1);
	assert_int_equal(s.e[0].first_excess, T0 + 5);
	assert_int_equal(s.e[0].last_excess, T0 + 6);
	assert_string_equal(s.e[1].source, "central");
	assert_int_equal(s.e[1].device_entry, 0);
	assert_int_equal(s.e[1].excess, 1);
	/* A new window starts empty. */
	assert_int_equal(limit_window_end(l), -1);
	assert_int_equal(count(l, T0 + IV, "central", "desk-3", &over),
	    LIMIT_OK);
	assert_int_equal(limit_window_end(l), T0 + 2 * IV);
	limit_free(l);
}

static void
test_no_device_is_one_device(void **state)
{
	struct limit *l = limit_new(64);
	struct limit_entry *over;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_int_equal(count(l, T0, "central", "", &over), LIMIT_OK);
	assert_int_equal(count(l, T0, "central", "", &over), LIMIT_FIRST);
	assert_int_equal(over->device_entry, 1);
	assert_string_equal(over->device, "");
	limit_free(l);
}

static void
test_off(void **state)
{
	struct limit *l = limit_new(64);
	struct limit_entry *over;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		assert_int_equal(limit_count(l, T0, IV, "report", "central", 0,
		    "desk-3", 0, &over), LIMIT_OK);
	/* Nothing was counted: no window was opened. */
	assert_int_equal(limit_window_end(l), -1);
	limit_free(l);
}

/* Thousands of invented device names: the table holds at most 8 entries,
 * and the branch's own limit still applies to all of them. */
static void
test_bounded(void **state)
{
	struct limit *l = limit_new(8);
	struct limit_entry *over;
	struct seen s = { .n = 0 };
	char dev[32];
	int i, first = 0, ok = 0;

	(void)state;
	for (i = 0; i < 5000; i++) {
		snprintf(dev, sizeof dev, "d%d", i);
		switch (limit_count(l, T0, IV, "report", "central", 100, dev,
		    3, &over)) {
		case LIMIT_OK:
			ok++;
			break;
		case LIMIT_FIRST:
			first++;
			break;
		case LIMIT_MORE:
			break;
		}
	}
	assert_int_equal(ok, 100);
	assert_int_equal(first, 1);
	/* Unknown sources beyond the table share one entry. */
	for (i = 0; i < 50; i++) {
		snprintf(dev, sizeof dev, "b%d", i);
		limit_count(l, T0, IV, "report", dev, 10, NULL, 0, &over);
	}
	limit_roll(l, collect, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.e[0].source, "central");
	assert_int_equal(s.e[0].excess, 4900);
	assert_string_equal(s.e[1].kind, "*");
	assert_int_equal(s.e[1].count, 50);
	assert_int_equal(s.e[1].excess, 40);
	limit_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_device_limit),
		cmocka_unit_test(test_no_device_is_one_device),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
