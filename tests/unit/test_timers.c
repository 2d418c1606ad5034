/*
 * The deadline scheduler (timers.c): driven by hand with timers_run, and
 * once through a real event loop and the real clock. Most tests use one
 * kind of timer; test_kinds checks that kinds keep apart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "clock.h"
#include "timers.h"

#define MAXFIRED 20000

/* What the callback saw, and what it does to the scheduler. */
struct rec {
	struct timers *s;
	int kind;
	int64_t keys[MAXFIRED];
	int64_t dues[MAXFIRED];
	int64_t at[MAXFIRED]; /* clock_now() when it fired */
	size_t n;
	/* When trigger fires: act_key to act_due, or cancel it if < 0. */
	int64_t trigger;
	int64_t act_key;
	int64_t act_due;
};

static void
record(int64_t key, int64_t due, void *arg)
{
	struct rec *r = arg;

	assert_true(r->n < MAXFIRED);
	r->keys[r->n] = key;
	r->dues[r->n] = due;
	r->at[r->n] = clock_now();
	r->n++;
	if (key != r->trigger)
		return;
	r->trigger = -1;
	if (r->act_due >= 0)
		timers_at(r->s, r->kind, r->act_key, r->act_due);
	else
		timers_cancel(r->s, r->kind, r->act_key);
}

static int
setup(void **state)
{
	struct rec *r = calloc(1, sizeof *r);

	if (r == NULL)
		return -1;
	r->trigger = -1;
	r->s = timers_new(NULL);
	r->kind = timers_handler(r->s, "test", record, r);
	*state = r;
	return 0;
}

static int
teardown(void **state)
{
	struct rec *r = *state;

	timers_free(r->s);
	free(r);
	return 0;
}

static void
test_order(void **state)
{
	struct rec *r = *state;

	timers_at(r->s, r->kind, 3, 300);
	timers_at(r->s, r->kind, 1, 100);
	timers_at(r->s, r->kind, 2, 200);
	timers_at(r->s, r->kind, 4, 200); /* as 2's deadline, scheduled later */
	assert_int_equal(timers_count(r->s), 4);
	assert_int_equal(timers_run(r->s, 99), 0);
	assert_int_equal(timers_run(r->s, 200), 3);
	assert_int_equal(r->n, 3);
	assert_int_equal(r->keys[0], 1);
	assert_int_equal(r->dues[0], 100);
	assert_int_equal(r->keys[1], 2);
	assert_int_equal(r->keys[2], 4);
	assert_int_equal(timers_count(r->s), 1);
	assert_int_equal(timers_run(r->s, 1000), 1);
	assert_int_equal(r->keys[3], 3);
	assert_int_equal(timers_count(r->s), 0);
}

static void
test_replace(void **state)
{
	struct rec *r = *state;

	timers_at(r->s, r->kind, 7, 500);
	timers_at(r->s, r->kind, 8, 600);
	timers_at(r->s, r->kind, 7, 700); /* replaces, so 8 now comes first */
	assert_int_equal(timers_count(r->s), 2);
	assert_int_equal(timers_due(r->s, r->kind, 7), 700);
	assert_int_equal(timers_run(r->s, 650), 1);
	assert_int_equal(r->keys[0], 8);
	timers_at(r->s, r->kind, 7, 100); /* earlier than before */
	assert_int_equal(timers_run(r->s, 650), 1);
	assert_int_equal(r->keys[1], 7);
	assert_int_equal(r->dues[1], 100);
	assert_int_equal(timers_run(r->s, 10000), 0);
}

static void
test_cancel(void **state)
{
	struct rec *r = *state;
	int64_t k;

	for (k = 1; k <= 5; k++)
		timers_at(r->s, r->kind, k, k * 10);
	assert_int_equal(timers_cancel(r->s, r->kind, 3), 1);
	assert_int_equal(timers_cancel(r->s, r->kind, 3), 0);
	assert_int_equal(timers_cancel(r->s, r->kind, 42), 0);
	assert_int_equal(timers_cancel(r->s, r->kind, 1), 1); /* the head */
	assert_int_equal(timers_count(r->s), 3);
	assert_int_equal(timers_run(r->s, 100), 3);
	assert_int_equal(r->keys[0], 2);
	assert_int_equal(r->keys[1], 4);
	assert_int_equal(r->keys[2], 5);
}

static void
test_due_and_count(void **state)
{
	struct rec *r = *state;

	assert_int_equal(timers_due(r->s, r->kind, 1), -1);
	assert_int_equal(timers_count(r->s), 0);
	timers_at(r->s, r->kind, 1, 1795000000000LL);
	timers_at(r->s, r->kind, -5, 0); /* any key, any deadline */
	assert_int_equal(timers_due(r->s, r->kind, 1), 1795000000000LL);
	assert_int_equal(timers_due(r->s, r->kind, -5), 0);
	assert_int_equal(timers_count(r->s), 2);
	assert_int_equal(timers_run(r->s, 0), 1);
	assert_int_equal(timers_due(r->s, r->kind, -5), -1);
	assert_int_equal(timers_count(r->s), 1);
}

static void
test_callback_reschedules(void **state)
{
	struct rec *r = *state;

	timers_at(r->s, r->kind, 9, 100);
	r->trigger = r->act_key = 9;
	r->act_due = 50; /* already due: waits for the next run */
	assert_int_equal(timers_run(r->s, 100), 1);
	assert_int_equal(timers_count(r->s), 1);
	assert_int_equal(timers_due(r->s, r->kind, 9), 50);
	assert_int_equal(timers_run(r->s, 100), 1);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->keys[1], 9);
	assert_int_equal(r->dues[1], 50);
	assert_int_equal(timers_count(r->s), 0);
}

static void
test_callback_cancels_due_entry(void **state)
{
	struct rec *r = *state;

	timers_at(r->s, r->kind, 1, 10);
	timers_at(r->s, r->kind, 2, 20);
	timers_at(r->s, r->kind, 3, 30);
	/* Key 1's callback cancels key 2, which is due in the same run. */
	r->trigger = 1;
	r->act_key = 2;
	r->act_due = -1;
	assert_int_equal(timers_count(r->s), 3);
	assert_int_equal(timers_run(r->s, 100), 2);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->keys[0], 1);
	assert_int_equal(r->keys[1], 3);
	assert_int_equal(timers_count(r->s), 0);
}

static void
test_callback_moves_due_entry(void **state)
{
	struct rec *r = *state;

	timers_at(r->s, r->kind, 1, 10);
	timers_at(r->s, r->kind, 2, 20);
	/* Key 1's callback moves key 2, due in this run, to later. */
	r->trigger = 1;
	r->act_key = 2;
	r->act_due = 500;
	assert_int_equal(timers_run(r->s, 100), 1);
	assert_int_equal(r->keys[0], 1);
	assert_int_equal(timers_due(r->s, r->kind, 2), 500);
	assert_int_equal(timers_count(r->s), 1);
	assert_int_equal(timers_run(r->s, 499), 0);
	assert_int_equal(timers_run(r->s, 500), 1);
	assert_int_equal(r->keys[1], 2);
	assert_int_equal(r->dues[1], 500);
}

/* 10,000 keys at random deadlines, some replaced and some cancelled. */
static void
test_random_order(void **state)
{
	static int64_t due[10000];
	struct rec *r = *state;
	size_t i, live = 0;
	int64_t k;
	int fired;

	srandom(1);
	for (k = 0; k < 10000; k++) {
		due[k] = random() % 1000000;
		timers_at(r->s, r->kind, k, due[k]);
	}
	for (k = 0; k < 10000; k += 7) {
		due[k] = random() % 1000000;
		timers_at(r->s, r->kind, k, due[k]);
	}
	for (k = 3; k < 10000; k += 11) {
		assert_int_equal(timers_cancel(r->s, r->kind, k), 1);
		due[k] = -1;
	}
	for (k = 0; k < 10000; k++)
		live += due[k] >= 0;
	assert_int_equal(timers_count(r->s), live);
	fired = timers_run(r->s, 500000);
	assert_true(fired > 0 && (size_t)fired < live);
	fired += timers_run(r->s, 1000000);
	assert_int_equal(fired, live);
	assert_int_equal(r->n, live);
	for (i = 0; i < r->n; i++) {
		assert_int_equal(r->dues[i], due[r->keys[i]]);
		if (i > 0)
			assert_true(r->dues[i - 1] <= r->dues[i]);
	}
	assert_int_equal(timers_count(r->s), 0);
}

/* 100,000 entries: the table grows, and removals keep the rest findable. */
static void
test_many_keys(void **state)
{
	struct rec *r = *state;
	int64_t k;

	for (k = 0; k < 100000; k++)
		timers_at(r->s, r->kind, k * 64, 1000000 - k);
	for (k = 0; k < 100000; k += 2)
		assert_int_equal(timers_cancel(r->s, r->kind, k * 64), 1);
	for (k = 1; k < 100000; k += 2)
		assert_int_equal(timers_due(r->s, r->kind, k * 64),
		    1000000 - k);
	assert_int_equal(timers_count(r->s), 50000);
	assert_int_equal(timers_run(r->s, 1000000 - 99990), 5);
	assert_int_equal(r->keys[0], 99999 * 64);
	assert_int_equal(r->keys[4], 99991 * 64);
}

/* Another kind's handler: counts what it is given. */
static void
other(int64_t id, int64_t due, void *arg)
{
	int64_t *seen = arg;

	seen[0]++;
	seen[1] = id;
	seen[2] = due;
}

/* Two kinds with the same id: two entries, each firing its own handler. */
static void
test_kinds(void **state)
{
	struct rec *r = *state;
	int64_t seen[3] = { 0, 0, 0 };
	int k = timers_handler(r->s, "other", other, seen);

	assert_int_not_equal(k, r->kind);
	assert_int_equal(timers_kind(r->s, "other"), k);
	assert_int_equal(timers_kind(r->s, "test"), r->kind);
	assert_int_equal(timers_kind(r->s, "none"), -1);
	timers_at(r->s, r->kind, 5, 100);
	timers_at(r->s, k, 5, 200);
	assert_int_equal(timers_count(r->s), 2);
	assert_int_equal(timers_due(r->s, r->kind, 5), 100);
	assert_int_equal(timers_due(r->s, k, 5), 200);
	timers_at(r->s, k, 5, 50); /* replaces its own kind's entry only */
	assert_int_equal(timers_due(r->s, r->kind, 5), 100);
	assert_int_equal(timers_count(r->s), 2);
	assert_int_equal(timers_run(r->s, 60), 1);
	assert_int_equal(seen[0], 1);
	assert_int_equal(seen[1], 5);
	assert_int_equal(seen[2], 50);
	assert_int_equal(r->n, 0);
	assert_int_equal(timers_cancel(r->s, k, 5), 0);
	assert_int_equal(timers_run(r->s, 100), 1);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->keys[0], 5);
	assert_int_equal(seen[0], 1);
	/* A handler run directly (a replay) leaves the entries alone. */
	timers_at(r->s, k, 6, 300);
	timers_fire(r->s, k, 7, 400);
	assert_int_equal(seen[0], 2);
	assert_int_equal(seen[1], 7);
	assert_int_equal(timers_due(r->s, k, 6), 300);
	assert_int_equal(timers_count(r->s), 1);
}

/* A real base and the real clock: fires once, and not early. */
static void
test_event_loop(void **state)
{
	struct rec *r = *state;
	struct event_base *base;
	struct timers *s;
	int64_t start, due;

	timers_free(r->s); /* the one setup made without a base */
	clock_set(-1);
	base = event_base_new();
	assert_non_null(base);
	s = timers_new(base);
	r->s = s;
	r->kind = timers_handler(s, "test", record, r);
	start = clock_now();
	due = start + 50;
	timers_at(s, r->kind, 1, due);
	timers_at(s, r->kind, 2, start + 60000); /* must not fire here */
	/* Not early is exact; "fired" has a generous deadline, for a timer
	 * that never fires, not a bound on how late a busy machine runs it. */
	while (r->n == 0 && clock_now() < start + 30000)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->keys[0], 1);
	assert_int_equal(r->dues[0], due);
	assert_true(r->at[0] >= due);
	assert_true(r->at[0] < start + 30000);
	assert_int_equal(timers_count(s), 1);
	timers_free(s);
	event_base_free(base);
	r->s = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_due_and_count, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_callback_reschedules,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_cancels_due_entry,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_moves_due_entry,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_keys, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_loop, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
