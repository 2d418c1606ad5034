/*
 * The SQLite store's test fixture, shared by the test_store_*.c files:
 * an empty ":memory:" store and a temporary directory for files, builders
 * of incidents and events, and walks that collect what they see (the log
 * is captured with fixture.h's fixture_capture_*).
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
#include "log.h"
#include "store.h"

#include "store_fixture.h"

int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *cause = NULL;

	if (f == NULL)
		return -1;
	log_init("test_store", 0);
	snprintf(f->dir, sizeof f->dir, "/tmp/beacon-store-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/beacon.db", f->dir);
	if ((f->st = store_open(":memory:", 0, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return -1;
	}
	*state = f;
	return 0;
}

static void
remove_in(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	remove_in(f->dir, "beacon.db");
	remove_in(f->dir, "beacon.db-wal");
	remove_in(f->dir, "beacon.db-shm");
	remove_in(f->dir, "other");
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Replace the fixture's store by one on the file database. */
void
use_file(struct fixture *f, int flags)
{
	char *cause = NULL;

	store_close(f->st);
	f->st = store_open(f->path, flags, &cause);
	if (f->st == NULL)
		fail_msg("store_open %s: %s", f->path, cause);
}

/* Open a database that must be refused; returns the cause (caller frees). */
char *
open_refused(const char *path, int flags)
{
	struct store *st;
	char *cause = NULL;

	st = store_open(path, flags, &cause);
	assert_null(st);
	assert_non_null(cause);
	return cause;
}

/* 0 when the SQL expression is true in the database, -1 when not. */
int
sql_true(struct store *st, const char *expr)
{
	char sql[1024];

	snprintf(sql, sizeof sql, "CREATE TEMP TABLE IF NOT EXISTS probe "
	    "(ok CHECK (ok IS 1)); INSERT INTO probe SELECT (%s)", expr);
	return store_exec(st, sql);
}

/* An incident with every field set to something distinct. */
void
fill(struct incident *inc, const char *branch, const char *report_id)
{
	memset(inc, 0, sizeof *inc);
	strlcpy_utf8(inc->branch, branch, sizeof inc->branch);
	strlcpy_utf8(inc->r.id, report_id, sizeof inc->r.id);
	strlcpy_utf8(inc->r.type, "overdose", sizeof inc->r.type);
	inc->r.severity = 2;
	strlcpy_utf8(inc->r.location, "Étage 2, près des toilettes",
	    sizeof inc->r.location);
	strlcpy_utf8(inc->r.device, "desk-3", sizeof inc->r.device);
	strlcpy_utf8(inc->r.reporter, "clerk-7", sizeof inc->r.reporter);
	strlcpy_utf8(inc->r.note, "person unresponsive; naloxone given",
	    sizeof inc->r.note);
	inc->r.silent = 1;
	inc->r.drill = 1;
	strlcpy_utf8(inc->policy, "medical-emergency", sizeof inc->policy);
	inc->state = ST_ROUTED;
	inc->call_911 = 1;
	inc->notified = 3;
	inc->created = T0;
	inc->updated = T0 + 4;
	inc->step = 1;
	inc->step_at = T0 + 60000;
	inc->due_at = T0 + 120000;
	inc->due_step = 2;
	strlcpy_utf8(inc->acked_by, "crisis-1", sizeof inc->acked_by);
}

void
assert_incident_equal(const struct incident *a, const struct incident *b)
{
	assert_int_equal(a->id, b->id);
	assert_string_equal(a->branch, b->branch);
	assert_string_equal(a->r.id, b->r.id);
	assert_string_equal(a->r.type, b->r.type);
	assert_int_equal(a->r.severity, b->r.severity);
	assert_string_equal(a->r.location, b->r.location);
	assert_string_equal(a->r.device, b->r.device);
	assert_string_equal(a->r.reporter, b->r.reporter);
	assert_string_equal(a->r.note, b->r.note);
	assert_int_equal(a->r.silent, b->r.silent);
	assert_int_equal(a->r.drill, b->r.drill);
	assert_string_equal(a->policy, b->policy);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->call_911, b->call_911);
	assert_int_equal(a->notified, b->notified);
	assert_int_equal(a->created, b->created);
	assert_int_equal(a->updated, b->updated);
	assert_int_equal(a->step, b->step);
	assert_int_equal(a->step_at, b->step_at);
	assert_int_equal(a->due_at, b->due_at);
	assert_int_equal(a->due_step, b->due_step);
	assert_string_equal(a->acked_by, b->acked_by);
}

int64_t
add_incident(struct store *st, const char *branch, const char *report_id,
    int state, int64_t due_at)
{
	struct incident inc;

	fill(&inc, branch, report_id);
	inc.state = state;
	inc.due_at = due_at;
	assert_int_equal(store_incident_insert(st, &inc), 0);
	assert_true(inc.id > 0);
	return inc.id;
}

int64_t
add_event(struct store *st, int64_t incident, int64_t ts, const char *kind,
    const char *actor)
{
	struct event ev;

	memset(&ev, 0, sizeof ev);
	ev.incident = incident;
	ev.ts = ts;
	strlcpy_utf8(ev.kind, kind, sizeof ev.kind);
	strlcpy_utf8(ev.actor, actor, sizeof ev.actor);
	ev.step = 0;
	snprintf(ev.detail, sizeof ev.detail, "%s by %s", kind, actor);
	assert_int_equal(store_event_append(st, &ev), 0);
	assert_true(ev.id > 0);
	return ev.id;
}

/* store_event_append's result for a minimal event. */
int
try_event(struct store *st, int64_t incident)
{
	struct event ev;

	memset(&ev, 0, sizeof ev);
	ev.incident = incident;
	ev.ts = T0;
	ev.step = -1;
	strlcpy_utf8(ev.kind, "reported", sizeof ev.kind);
	return store_event_append(st, &ev);
}

int
seen_incident(const struct incident *inc, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16)
		s->ids[s->n] = inc->id;
	s->n++;
	return s->stop_after != 0 && s->n >= s->stop_after;
}

int
seen_event(const struct event *ev, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16)
		s->ids[s->n] = ev->id;
	s->n++;
	return s->stop_after != 0 && s->n >= s->stop_after;
}

struct seen
walk_incidents(struct store *st, int flags, const char *branch)
{
	struct seen s = { .n = 0 };

	assert_int_equal(store_incidents(st, flags, branch, seen_incident, &s),
	    0);
	return s;
}

struct seen
walk_timeline(struct store *st, int64_t incident)
{
	struct seen s = { .n = 0 };

	assert_int_equal(store_timeline(st, incident, seen_event, &s), 0);
	return s;
}
