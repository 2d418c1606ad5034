/*
 * The SQLite store's timelines and what hangs on them (lib/store*.c):
 * events, rejects, the supervisors' filters, holds and corrections,
 * debriefs and retention.
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

/* ---- events ------------------------------------------------------------- */

static void
test_timeline(void **state)
{
	struct fixture *f = *state;
	struct seen s;
	int64_t a, b, ids[4];

	a = add_incident(f->st, "central", "a", ST_ROUTED, -1);
	b = add_incident(f->st, "central", "b", ST_ROUTED, -1);
	ids[0] = add_event(f->st, a, T0, "reported", "desk-3");
	add_event(f->st, b, T0 + 1, "reported", "desk-4");
	/* Appended order, even when a clock stepped back. */
	ids[1] = add_event(f->st, a, T0 + 5, "notified", "crisis-1");
	ids[2] = add_event(f->st, a, T0 + 2, "notified", "security-1");
	ids[3] = add_event(f->st, a, T0 + 9000, "ack", "crisis-1");

	s = walk_timeline(f->st, a);
	assert_int_equal(s.n, 4);
	assert_memory_equal(s.ids, ids, sizeof ids);
	s = walk_timeline(f->st, b);
	assert_int_equal(s.n, 1);
	s = walk_timeline(f->st, 99);
	assert_int_equal(s.n, 0);

	s.n = 0;
	s.stop_after = 1;
	assert_int_equal(store_timeline(f->st, a, seen_event, &s), 0);
	assert_int_equal(s.n, 1);

	/* The stopped walk was reset: the next one starts from the top. */
	s = walk_timeline(f->st, a);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.ids[0], ids[0]);
}

static int
keep_last_event(const struct event *ev, void *arg)
{
	*(struct event *)arg = *ev;
	return 0;
}

static void
test_event_fields(void **state)
{
	struct fixture *f = *state;
	struct event in, out;
	int64_t a;

	a = add_incident(f->st, "central", "a", ST_ROUTED, -1);
	memset(&in, 0, sizeof in);
	in.incident = a;
	in.ts = T0 + 61200;
	strlcpy_utf8(in.kind, "escalated", sizeof in.kind);
	strlcpy_utf8(in.actor, "supervisor-1", sizeof in.actor);
	in.step = 2;
	strlcpy_utf8(in.detail, "role=crisis_worker, délai dépassé",
	    sizeof in.detail);
	assert_int_equal(store_event_append(f->st, &in), 0);
	memset(&out, 0, sizeof out);
	assert_int_equal(store_timeline(f->st, a, keep_last_event, &out), 0);
	assert_int_equal(out.id, in.id);
	assert_int_equal(out.incident, a);
	assert_int_equal(out.ts, in.ts);
	assert_string_equal(out.kind, in.kind);
	assert_string_equal(out.actor, in.actor);
	assert_int_equal(out.step, 2);
	assert_string_equal(out.detail, in.detail);
}

/* An event must belong to an incident (foreign keys are on). */
static void
test_event_needs_incident(void **state)
{
	struct fixture *f = *state;

	fixture_capture_start();
	assert_int_equal(try_event(f->st, 42), -1);
	assert_non_null(strstr(fixture_capture_stop(), "FOREIGN KEY"));
}

static void
test_events_append_only(void **state)
{
	struct fixture *f = *state;
	static const char *const refused[] = {
		"UPDATE events SET detail = 'rewritten'",
		"DELETE FROM events",
		"DELETE FROM events WHERE kind = 'ack'",
	};
	struct seen s;
	int64_t a;
	size_t i;

	a = add_incident(f->st, "central", "a", ST_ROUTED, -1);
	add_event(f->st, a, T0, "reported", "desk-3");
	add_event(f->st, a, T0 + 5, "ack", "crisis-1");
	for (i = 0; i < sizeof refused / sizeof *refused; i++) {
		fixture_capture_start();
		assert_int_equal(store_exec(f->st, refused[i]), -1);
		assert_non_null(strstr(fixture_capture_stop(),
		    "events are append-only"));
	}
	s = walk_timeline(f->st, a);
	assert_int_equal(s.n, 2);
	assert_int_equal(sql_true(f->st, "(SELECT count(*) FROM events "
	    "WHERE detail = 'rewritten') = 0"), 0);
	/* The incident the events belong to cannot go either. */
	assert_int_equal(store_exec(f->st, "DELETE FROM incidents"), -1);
	/* store_exec itself works: the refusals above are the triggers'. */
	assert_int_equal(store_exec(f->st, "UPDATE incidents SET note = 'x'"),
	    0);
}

static void
test_was_notified(void **state)
{
	struct fixture *f = *state;
	int64_t a, b;

	a = add_incident(f->st, "central", "a", ST_ROUTED, -1);
	b = add_incident(f->st, "central", "b", ST_ROUTED, -1);
	add_event(f->st, a, T0, "reported", "desk-3");
	assert_int_equal(store_was_notified(f->st, a, "crisis-1"), 0);
	add_event(f->st, a, T0 + 1, "notified", "crisis-1");
	add_event(f->st, a, T0 + 2, "ack", "security-1");
	add_event(f->st, b, T0 + 3, "notified", "security-1");
	assert_int_equal(store_was_notified(f->st, a, "crisis-1"), 1);
	assert_int_equal(store_was_notified(f->st, a, "security-1"), 0);
	assert_int_equal(store_was_notified(f->st, a, "crisis"), 0);
	assert_int_equal(store_was_notified(f->st, a, "desk-3"), 0);
	assert_int_equal(store_was_notified(f->st, b, "security-1"), 1);
	assert_int_equal(store_was_notified(f->st, b, "crisis-1"), 0);
	assert_int_equal(store_was_notified(f->st, 99, "crisis-1"), 0);
}

/* ---- rejects ------------------------------------------------------------ */

static void
test_rejects(void **state)
{
	struct fixture *f = *state;
	static char big[PAYLOAD_MAX + 100];
	const char *p = "{\"id\":\"r1\",\"type\":\"juggling\"}";

	assert_int_equal(store_reject_count(f->st), 0);
	assert_int_equal(store_reject(f->st, T0, "beacon/report/central", "r1",
	    "type: unknown type \"juggling\"", p, strlen(p)), 0);
	assert_int_equal(store_reject(f->st, T0 + 1, "beacon/report/central",
	    NULL, "not valid JSON", "{not", 4), 0);
	memset(big, '{', sizeof big);
	assert_int_equal(store_reject(f->st, T0 + 2, "beacon/report/east",
	    NULL, "payload too big", big, sizeof big), 0);
	assert_int_equal(store_reject(f->st, T0 + 3, "beacon/report/east",
	    NULL, "empty", NULL, 0), 0);
	assert_int_equal(store_reject_count(f->st), 4);

	assert_int_equal(sql_true(f->st, "(SELECT report_id = 'r1' AND "
	    "error LIKE '%juggling%' AND ts = 1795341600000 AND "
	    "CAST(payload AS TEXT) LIKE '%juggling%' FROM rejects "
	    "WHERE id = 1)"), 0);
	assert_int_equal(sql_true(f->st, "(SELECT report_id IS NULL AND "
	    "length(payload) = 4 FROM rejects WHERE id = 2)"), 0);
	assert_int_equal(sql_true(f->st, "(SELECT length(payload) = 16384 "
	    "FROM rejects WHERE id = 3)"), 0);
	assert_int_equal(sql_true(f->st, "(SELECT payload IS NULL "
	    "FROM rejects WHERE id = 4)"), 0);
}

/* ---- supervisors' filters, hold, corrections ---------------------------- */

static struct seen
walk_filter(struct store *st, const struct incident_filter *fl)
{
	struct seen s = { .n = 0 };

	assert_int_equal(store_incidents_filter(st, fl, seen_incident, &s), 0);
	return s;
}

/* An incident created at `created`, of a type and drill flag. */
static int64_t
add_at(struct store *st, const char *branch, const char *id, int64_t created,
    const char *type, int severity, int state, int drill)
{
	struct incident inc;

	fill(&inc, branch, id);
	inc.created = created;
	strlcpy_utf8(inc.r.type, type, sizeof inc.r.type);
	inc.r.severity = severity;
	inc.state = state;
	inc.r.drill = drill;
	inc.nsteps = 3;
	assert_int_equal(store_incident_insert(st, &inc), 0);
	return inc.id;
}

static void
test_filter(void **state)
{
	struct fixture *f = *state;
	struct incident_filter fl;
	struct incident got;
	struct seen s;
	int64_t day = 86400000;

	add_at(f->st, "central", "a", T0, "overdose", 1, ST_RESOLVED, 0);
	add_at(f->st, "east", "b", T0 + day, "weapon", 1, ST_ROUTED, 0);
	add_at(f->st, "central", "c", T0 + 2 * day, "welfare", 3, ST_RESOLVED,
	    1);
	add_at(f->st, "central", "d", T0 + 3 * day, "welfare", 3,
	    ST_ACKNOWLEDGED, 0);
	add_event(f->st, 2, T0 + day, "notified", "security-2");
	add_event(f->st, 4, T0 + 3 * day, "ack", "crisis-1");

	store_filter_init(&fl);
	assert_int_equal(walk_filter(f->st, &fl).n, 4);
	fl.since = T0 + day;			/* inclusive */
	fl.until = T0 + 3 * day;		/* exclusive */
	s = walk_filter(f->st, &fl);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], 2);
	assert_int_equal(s.ids[1], 3);
	store_filter_init(&fl);
	fl.branch = "central";
	fl.type = "welfare";
	assert_int_equal(walk_filter(f->st, &fl).n, 2);
	fl.drill = 0;
	s = walk_filter(f->st, &fl);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], 4);
	fl.drill = 1;
	assert_int_equal(walk_filter(f->st, &fl).ids[0], 3);
	store_filter_init(&fl);
	fl.severity = 1;
	fl.state = ST_RESOLVED;
	s = walk_filter(f->st, &fl);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], 1);
	store_filter_init(&fl);
	fl.open = 1;
	assert_int_equal(walk_filter(f->st, &fl).n, 2);
	store_filter_init(&fl);
	fl.responder = "crisis-1";
	s = walk_filter(f->st, &fl);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], 4);
	store_filter_init(&fl);
	fl.limit = 3;
	assert_int_equal(walk_filter(f->st, &fl).n, 3);

	/* Hold: set, read back, cleared; a missing incident is an error. */
	assert_int_equal(store_incident_hold(f->st, 1, 1), 0);
	assert_int_equal(store_incident_get(f->st, 1, &got), 1);
	assert_int_equal(got.hold, 1);
	assert_int_equal(got.nsteps, 3);
	assert_int_equal(store_incident_hold(f->st, 1, 0), 0);
	assert_int_equal(store_incident_get(f->st, 1, &got), 1);
	assert_int_equal(got.hold, 0);
	fixture_capture_start();
	assert_int_equal(store_incident_hold(f->st, 99, 1), -1);
	fixture_capture_stop();
}

static void
test_correction(void **state)
{
	struct fixture *f = *state;
	struct event ev, got;
	int64_t a, first;

	a = add_incident(f->st, "central", "a", ST_RESOLVED, -1);
	first = add_event(f->st, a, T0, "arrived", "crisis-1");
	memset(&ev, 0, sizeof ev);
	ev.incident = a;
	ev.ts = T0 + 1000;
	ev.step = -1;
	ev.corrects = first;
	strlcpy_utf8(ev.kind, "correction", sizeof ev.kind);
	strlcpy_utf8(ev.detail, "arrived at 10:04, not 10:00",
	    sizeof ev.detail);
	assert_int_equal(store_event_append(f->st, &ev), 0);
	assert_int_equal(store_event_get(f->st, ev.id, &got), 1);
	assert_int_equal(got.corrects, first);
	assert_string_equal(got.kind, "correction");
	assert_int_equal(store_event_get(f->st, first, &got), 1);
	assert_int_equal(got.corrects, 0);
	assert_string_equal(got.kind, "arrived");
	assert_int_equal(store_event_get(f->st, 9999, &got), 0);
}

/* ---- debriefs ----------------------------------------------------------- */

struct revs {
	int rev[8];
	char author[8][ID_MAX + 1];
	char json[8][64];
	int n;
};

static int
seen_debrief(const struct debrief_row *row, void *arg)
{
	struct revs *r = arg;

	if (r->n < 8) {
		r->rev[r->n] = row->revision;
		snprintf(r->author[r->n], sizeof r->author[0], "%s",
		    row->author);
		snprintf(r->json[r->n], sizeof r->json[0], "%s", row->json);
	}
	r->n++;
	return 0;
}

static void
test_debrief_revisions(void **state)
{
	struct fixture *f = *state;
	struct revs r = { .n = 0 };
	int64_t a, b;
	int rev = 0;

	a = add_incident(f->st, "central", "a", ST_RESOLVED, -1);
	b = add_incident(f->st, "central", "b", ST_RESOLVED, -1);
	assert_int_equal(store_debrief_add(f->st, a, T0, "supervisor-1", 1,
	    "{\"v\":1}", &rev), 0);
	assert_int_equal(rev, 1);
	assert_int_equal(store_debrief_add(f->st, b, T0, "supervisor-1", 0,
	    "{\"b\":1}", &rev), 0);
	assert_int_equal(rev, 1);
	assert_int_equal(store_debrief_add(f->st, a, T0 + 5, "manager-1", 0,
	    "{\"v\":2}", &rev), 0);
	assert_int_equal(rev, 2);

	assert_int_equal(store_debriefs(f->st, a, 0, seen_debrief, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.rev[0], 1);
	assert_string_equal(r.author[1], "manager-1");
	assert_string_equal(r.json[1], "{\"v\":2}");
	r.n = 0;
	assert_int_equal(store_debriefs(f->st, a, 1, seen_debrief, &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.rev[0], 2);

	/* Revisions are evidence too. */
	fixture_capture_start();
	assert_int_equal(store_exec(f->st, "UPDATE debriefs SET record = "
	    "'{}'"), -1);
	assert_int_equal(store_exec(f->st, "DELETE FROM debriefs"), -1);
	assert_non_null(strstr(fixture_capture_stop(), "debriefs are append-only"));
	/* And one for an incident that does not exist is refused. */
	fixture_capture_start();
	assert_int_equal(store_debrief_add(f->st, 99, T0, "x", 0, "{}", &rev),
	    -1);
	fixture_capture_stop();
}

static int
seen_due(const struct debrief_due *d, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16)
		s->ids[s->n] = d->incident;
	s->n++;
	return 0;
}

static void
test_debrief_due(void **state)
{
	struct fixture *f = *state;
	struct debrief_due d = { 0 }, got;
	struct seen s = { .n = 0 };
	int64_t a, b;

	a = add_incident(f->st, "central", "a", ST_RESOLVED, -1);
	b = add_incident(f->st, "central", "b", ST_RESOLVED, -1);
	d.incident = a;
	d.opened = T0;
	d.due_at = T0 + 3600000;
	d.next_at = T0 + 600000;
	d.stage = DEBRIEF_WAITING;
	assert_int_equal(store_debrief_open(f->st, &d), 0);
	d.incident = b;
	d.next_at = T0 + 300000;
	assert_int_equal(store_debrief_open(f->st, &d), 0);
	/* Opening again keeps the first row. */
	d.next_at = T0 + 1;
	assert_int_equal(store_debrief_open(f->st, &d), 0);
	assert_int_equal(store_debrief_due_get(f->st, b, &got), 1);
	assert_int_equal(got.next_at, T0 + 300000);

	assert_int_equal(store_debrief_pending(f->st, seen_due, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], b);	/* earliest first */
	got.stage = DEBRIEF_RECORDED;
	got.next_at = -1;
	assert_int_equal(store_debrief_due_update(f->st, &got), 0);
	s.n = 0;
	assert_int_equal(store_debrief_pending(f->st, seen_due, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], a);
	assert_int_equal(store_debrief_due_get(f->st, b, &got), 1);
	assert_int_equal(got.stage, DEBRIEF_RECORDED);
	assert_int_equal(store_debrief_due_get(f->st, 99, &got), 0);
}

/* ---- retention ---------------------------------------------------------- */

static void
test_purge(void **state)
{
	struct fixture *f = *state;
	struct purge_counts c;
	struct incident got;
	struct seen s = { .n = 0 };
	int64_t day = 86400000, cutoff = T0 + 10 * day;
	int64_t old, held, acting, open, fresh;
	int rev;

	old = add_at(f->st, "central", "old", T0, "welfare", 3, ST_RESOLVED, 0);
	held = add_at(f->st, "central", "held", T0, "welfare", 3, ST_RESOLVED,
	    0);
	acting = add_at(f->st, "central", "act", T0, "welfare", 3,
	    ST_RESOLVED, 0);
	open = add_at(f->st, "central", "open", T0, "welfare", 3, ST_ROUTED,
	    0);
	fresh = add_at(f->st, "central", "new", cutoff, "welfare", 3,
	    ST_RESOLVED, 0);
	add_event(f->st, old, T0, "reported", "desk");
	add_event(f->st, old, T0 + 1, "resolve", "crisis-1");
	add_event(f->st, held, T0, "reported", "desk");
	assert_int_equal(store_debrief_add(f->st, old, T0, "s", 0, "{}", &rev),
	    0);
	assert_int_equal(store_debrief_add(f->st, acting, T0, "s", 1, "{}",
	    &rev), 0);
	assert_int_equal(store_incident_hold(f->st, held, 1), 0);

	assert_int_equal(store_purge(f->st, cutoff, T0 + 20 * day, 1, &c), 0);
	assert_int_equal(c.incidents, 1);
	assert_int_equal(c.events, 2);
	assert_int_equal(c.debriefs, 1);
	assert_int_equal(c.kept_hold, 1);
	assert_int_equal(c.kept_actions, 1);
	/* A dry run changes nothing. */
	assert_int_equal(store_incident_get(f->st, old, &got), 1);
	assert_int_equal(store_purge_candidates(f->st, cutoff, seen_incident,
	    &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], old);

	assert_int_equal(store_purge(f->st, cutoff, T0 + 20 * day, 0, &c), 0);
	assert_int_equal(c.incidents, 1);
	assert_int_equal(store_incident_get(f->st, old, &got), 0);
	assert_int_equal(walk_timeline(f->st, old).n, 0);
	assert_int_equal(store_incident_get(f->st, held, &got), 1);
	assert_int_equal(walk_timeline(f->st, held).n, 1);
	assert_int_equal(store_incident_get(f->st, acting, &got), 1);
	assert_int_equal(store_incident_get(f->st, open, &got), 1);
	assert_int_equal(store_incident_get(f->st, fresh, &got), 1);
	assert_int_equal(sql_true(f->st, "(SELECT count(*) FROM purges WHERE "
	    "done = 1 AND incidents = 1 AND events = 2) = 1"), 0);
	/* Outside a purge the held incident's events are still evidence. */
	fixture_capture_start();
	assert_int_equal(store_exec(f->st, "DELETE FROM events"), -1);
	assert_non_null(strstr(fixture_capture_stop(), "events are append-only"));
	/* Nothing left to purge: a second run removes nothing. */
	assert_int_equal(store_purge(f->st, cutoff, T0 + 21 * day, 0, &c), 0);
	assert_int_equal(c.incidents, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_timeline),
		T(test_event_fields),
		T(test_event_needs_incident),
		T(test_events_append_only),
		T(test_was_notified),
		T(test_rejects),
		T(test_filter),
		T(test_correction),
		T(test_debrief_revisions),
		T(test_debrief_due),
		T(test_purge),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
