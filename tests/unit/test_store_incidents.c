/*
 * The SQLite store's incidents (lib/store*.c) on a ":memory:" database:
 * round trips, lists and states, duplicates, updates, filters and walks.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "beacon.h"
#include "fixture.h"
#include "log.h"
#include "store.h"

#include "store_fixture.h"

/* ---- incidents ---------------------------------------------------------- */

static void
test_incident_round_trip(void **state)
{
	struct fixture *f = *state;
	struct incident in, out;

	fill(&in, "central", "desk-3:0001");
	/* Fields at their limits survive whole. */
	memset(in.r.note, 'n', NOTE_MAX);
	in.r.note[NOTE_MAX] = '\0';
	memset(in.r.id, 'i', ID_MAX);
	in.r.id[ID_MAX] = '\0';
	assert_int_equal(store_incident_insert(f->st, &in), 0);
	assert_int_equal(in.id, 1);

	memset(&out, 0xa5, sizeof out);
	assert_int_equal(store_incident_get(f->st, in.id, &out), 1);
	assert_incident_equal(&in, &out);
	assert_string_equal(out.last_kind, "");

	memset(&out, 0, sizeof out);
	assert_int_equal(store_incident_by_report(f->st, "central", in.r.id,
	    &out), 1);
	assert_incident_equal(&in, &out);

	assert_int_equal(store_incident_get(f->st, 2, &out), 0);
	assert_int_equal(store_incident_by_report(f->st, "east", in.r.id,
	    &out), 0);
	assert_int_equal(store_incident_by_report(f->st, "central", "other",
	    &out), 0);
}

static int
collect_ids(const struct incident *inc, void *arg)
{
	int64_t *ids = arg;

	while (*ids != 0)
		ids++;
	*ids = inc->id;
	return 0;
}

/* What joined presses add (locations, notes, devices) and the related
 * incidents are kept whole, in order; the joinable incidents come newest
 * first, only those of the branch, category and drill flag, open and
 * recent. */
static void
test_incident_lists(void **state)
{
	struct fixture *f = *state;
	struct incident in, out, other;
	int64_t ids[8] = { 0 };
	int i;

	fill(&in, "central", "r1");
	in.nlocations = in.nnotes = in.ndevices = JOINED_MAX;
	for (i = 0; i < JOINED_MAX; i++) {
		snprintf(in.locations[i], sizeof in.locations[i], "room %d", i);
		memset(in.notes[i], 'a' + i, NOTE_MAX);
		in.notes[i][NOTE_MAX] = '\0';
		snprintf(in.devices[i], sizeof in.devices[i], "desk-%d", i);
	}
	/* The separator inside an entry becomes a space. */
	strcpy(in.locations[1], "a\x1e" "b");
	in.related[in.nrelated++] = 12;
	in.related[in.nrelated++] = 9;
	assert_int_equal(store_incident_insert(f->st, &in), 0);
	assert_int_equal(store_incident_get(f->st, in.id, &out), 1);
	assert_int_equal(out.nlocations, JOINED_MAX);
	assert_int_equal(out.nnotes, JOINED_MAX);
	assert_int_equal(out.ndevices, JOINED_MAX);
	assert_string_equal(out.locations[0], "room 0");
	assert_string_equal(out.locations[1], "a b");
	assert_string_equal(out.locations[7], "room 7");
	assert_memory_equal(out.notes[3], in.notes[3], NOTE_MAX + 1);
	assert_string_equal(out.devices[7], "desk-7");
	assert_int_equal(out.nrelated, 2);
	assert_int_equal(out.related[0], 12);
	assert_int_equal(out.related[1], 9);

	/* A press: the lists, the note and the count change. */
	out.nlocations = 1;
	strcpy(out.r.note, "first note");
	out.nnotes = 0;
	out.ndevices = 1;
	assert_int_equal(store_incident_press(f->st, &out), 0);
	assert_int_equal(out.presses, 2);
	out.nrelated = 1;
	assert_int_equal(store_incident_related(f->st, &out), 0);
	assert_int_equal(store_incident_get(f->st, in.id, &in), 1);
	assert_int_equal(in.presses, 2);
	assert_int_equal(in.nlocations, 1);
	assert_int_equal(in.nnotes, 0);
	assert_int_equal(in.ndevices, 1);
	assert_string_equal(in.r.note, "first note");
	assert_int_equal(in.nrelated, 1);
	assert_int_equal(in.related[0], 12);

	/* Joinable: of central, overdose, drill, open, created since T0. */
	fill(&other, "central", "r2");
	other.created = T0 + 10;
	assert_int_equal(store_incident_insert(f->st, &other), 0);
	fill(&other, "central", "r3");
	other.state = ST_RESOLVED;
	assert_int_equal(store_incident_insert(f->st, &other), 0);
	fill(&other, "central", "r4");
	other.r.drill = 0;
	assert_int_equal(store_incident_insert(f->st, &other), 0);
	fill(&other, "east", "r5");
	assert_int_equal(store_incident_insert(f->st, &other), 0);
	fill(&other, "central", "r6");
	other.created = T0 - 1;
	assert_int_equal(store_incident_insert(f->st, &other), 0);
	assert_int_equal(store_incident_joinable(f->st, "central", "overdose",
	    1, T0, collect_ids, ids), 0);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 1);
	assert_int_equal(ids[2], 0);
}

/* Each state goes in and comes back by name. */
static void
test_incident_states(void **state)
{
	struct fixture *f = *state;
	struct incident out;
	char id[16];
	int s;
	int64_t iid;

	for (s = ST_RECEIVED; s <= ST_RESOLVED; s++) {
		snprintf(id, sizeof id, "r%d", s);
		iid = add_incident(f->st, "central", id, s, -1);
		assert_int_equal(store_incident_get(f->st, iid, &out), 1);
		assert_int_equal(out.state, s);
	}
	assert_int_equal(sql_true(f->st,
	    "(SELECT state FROM incidents WHERE id = 5) = 'resolved'"), 0);
	/* A state with no name is refused, not stored as NULL. */
	fill(&out, "central", "bad");
	out.state = 42;
	assert_int_equal(store_incident_insert(f->st, &out), -1);
	assert_int_equal(store_incident_by_report(f->st, "central", "bad",
	    &out), 0);
}

/* Rows written by something else (an older or hand-edited database) may
 * hold longer strings than the structs: they are cut on a character. */
static void
test_truncate_on_read(void **state)
{
	struct fixture *f = *state;
	struct incident out;
	char want[LOCATION_MAX + 1];
	size_t i;

	add_incident(f->st, "central", "r1", ST_ROUTED, -1);
	/* 127 'a' then 'é' (2 bytes) would need 129 bytes. */
	assert_int_equal(store_exec(f->st, "UPDATE incidents SET location = "
	    "printf('%.*c', 127, 'a') || 'éé', note = '' WHERE id = 1"), 0);
	assert_int_equal(store_incident_get(f->st, 1, &out), 1);
	for (i = 0; i < 127; i++)
		want[i] = 'a';
	want[127] = '\0';
	assert_string_equal(out.r.location, want);
	assert_string_equal(out.r.note, "");
}

/* The same report id on a branch is one incident; the conflict is the
 * expected case of a client retry, so it is not logged as a warning. */
static void
test_duplicate_report(void **state)
{
	struct fixture *f = *state;
	struct incident a, b;
	struct seen s;
	char *log;

	fill(&a, "central", "r1");
	assert_int_equal(store_incident_insert(f->st, &a), 0);
	fill(&b, "central", "r1");
	b.id = 77;
	fixture_capture_start();
	assert_int_equal(store_incident_insert(f->st, &b), -1);
	log = fixture_capture_stop();
	assert_string_equal(log, "");
	assert_int_equal(b.id, 77);
	/* The same id on another branch is another report. */
	fill(&b, "east", "r1");
	assert_int_equal(store_incident_insert(f->st, &b), 0);
	assert_int_not_equal(a.id, b.id);
	s = walk_incidents(f->st, 0, NULL);
	assert_int_equal(s.n, 2);
}

static void
test_incident_update(void **state)
{
	struct fixture *f = *state;
	struct incident in, out, orig;

	fill(&in, "central", "r1");
	in.state = ST_RECEIVED;
	in.acked_by[0] = '\0';
	assert_int_equal(store_incident_insert(f->st, &in), 0);
	orig = in;

	in.state = ST_ACKNOWLEDGED;
	in.call_911 = 0;
	in.notified = 5;
	in.updated = T0 + 90000;
	in.step = 2;
	in.step_at = T0 + 80000;
	in.due_at = -1;
	in.due_step = 3;
	strlcpy_utf8(in.acked_by, "security-2", sizeof in.acked_by);
	/* Not mutable: these must not change. */
	strlcpy_utf8(in.r.location, "elsewhere", sizeof in.r.location);
	in.r.severity = 4;
	in.created = 1;
	assert_int_equal(store_incident_update(f->st, &in), 0);

	assert_int_equal(store_incident_get(f->st, in.id, &out), 1);
	assert_int_equal(out.state, ST_ACKNOWLEDGED);
	assert_int_equal(out.call_911, 0);
	assert_int_equal(out.notified, 5);
	assert_int_equal(out.updated, T0 + 90000);
	assert_int_equal(out.step, 2);
	assert_int_equal(out.step_at, T0 + 80000);
	assert_int_equal(out.due_at, -1);
	assert_int_equal(out.due_step, 3);
	assert_string_equal(out.acked_by, "security-2");
	assert_string_equal(out.r.location, orig.r.location);
	assert_int_equal(out.r.severity, orig.r.severity);
	assert_int_equal(out.created, orig.created);

	in.id = 999;
	assert_int_equal(store_incident_update(f->st, &in), -1);
}

static void
test_incidents_filters(void **state)
{
	struct fixture *f = *state;
	struct seen s;

	add_incident(f->st, "central", "a", ST_RESOLVED, -1);  /* 1 */
	add_incident(f->st, "east", "b", ST_ROUTED, -1);       /* 2 */
	add_incident(f->st, "central", "c", ST_ON_SCENE, -1);  /* 3 */
	add_incident(f->st, "central", "d", ST_RECEIVED, -1);  /* 4 */
	add_incident(f->st, "east", "e", ST_ACKNOWLEDGED, -1); /* 5 */

	s = walk_incidents(f->st, 0, NULL);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.ids[0], 1);
	assert_int_equal(s.ids[4], 5);
	s = walk_incidents(f->st, STORE_OPEN_ONLY, NULL);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.ids[0], 2);
	assert_int_equal(s.ids[1], 3);
	assert_int_equal(s.ids[2], 4);
	assert_int_equal(s.ids[3], 5);
	s = walk_incidents(f->st, 0, "central");
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ids[0], 1);
	assert_int_equal(s.ids[1], 3);
	assert_int_equal(s.ids[2], 4);
	s = walk_incidents(f->st, STORE_OPEN_ONLY, "central");
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], 3);
	assert_int_equal(s.ids[1], 4);
	s = walk_incidents(f->st, STORE_OPEN_ONLY, "nowhere");
	assert_int_equal(s.n, 0);

	/* A callback that returns non-zero stops the walk. */
	s.n = 0;
	s.stop_after = 2;
	assert_int_equal(store_incidents(f->st, 0, NULL, seen_incident, &s),
	    0);
	assert_int_equal(s.n, 2);
	/* And the statement was reset: the next walk starts over. */
	s = walk_incidents(f->st, 0, NULL);
	assert_int_equal(s.n, 5);
}

static void
test_pending_order(void **state)
{
	struct fixture *f = *state;
	struct seen s = { .n = 0 };

	add_incident(f->st, "central", "a", ST_ROUTED, T0 + 30000);   /* 1 */
	add_incident(f->st, "central", "b", ST_ROUTED, -1);           /* 2 */
	add_incident(f->st, "central", "c", ST_RECEIVED, T0 + 1000);  /* 3 */
	add_incident(f->st, "east", "d", ST_RESOLVED, T0);            /* 4 */
	add_incident(f->st, "east", "e", ST_ROUTED, T0 + 20000);      /* 5 */
	add_incident(f->st, "east", "f", ST_ROUTED, 0);               /* 6 */

	assert_int_equal(store_pending(f->st, seen_incident, &s), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.ids[0], 6);
	assert_int_equal(s.ids[1], 3);
	assert_int_equal(s.ids[2], 5);
	assert_int_equal(s.ids[3], 1);
}

/* A callback may read the store, but may not restart its own walk. */
static int
nested_cb(const struct incident *inc, void *arg)
{
	struct fixture *f = arg;
	struct incident other;
	struct seen s = { .n = 0 };

	assert_int_equal(store_incident_get(f->st, inc->id, &other), 1);
	assert_int_equal(other.id, inc->id);
	assert_int_equal(store_incidents(f->st, 0, NULL, seen_incident, &s),
	    -1);
	return 0;
}

static void
test_nested_walk(void **state)
{
	struct fixture *f = *state;
	struct seen s;

	add_incident(f->st, "central", "a", ST_ROUTED, -1);
	add_incident(f->st, "central", "b", ST_ROUTED, -1);
	fixture_capture_start();
	assert_int_equal(store_incidents(f->st, 0, NULL, nested_cb, f), 0);
	assert_non_null(strstr(fixture_capture_stop(), "own callback"));
	s = walk_incidents(f->st, 0, NULL);
	assert_int_equal(s.n, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_incident_round_trip),
		T(test_incident_lists),
		T(test_incident_states),
		T(test_truncate_on_read),
		T(test_duplicate_report),
		T(test_incident_update),
		T(test_incidents_filters),
		T(test_pending_order),
		T(test_nested_walk),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
