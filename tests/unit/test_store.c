/*
 * The SQLite store (lib/store*.c), on a real database: ":memory:" for the rows,
 * a file in a temporary directory for durability, read-only mode and the
 * refusals at open.
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

#define T0 INT64_C(1795341600000) /* 2026-11-22T10:00:00Z */

struct fixture {
	struct store *st;
	char dir[64];
	char path[128]; /* a database file in dir, not created yet */
};

static int
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

static int
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
static void
use_file(struct fixture *f, int flags)
{
	char *cause = NULL;

	store_close(f->st);
	f->st = store_open(f->path, flags, &cause);
	if (f->st == NULL)
		fail_msg("store_open %s: %s", f->path, cause);
}

/* Open a database that must be refused; returns the cause (caller frees). */
static char *
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
static int
sql_true(struct store *st, const char *expr)
{
	char sql[1024];

	snprintf(sql, sizeof sql, "CREATE TEMP TABLE IF NOT EXISTS probe "
	    "(ok CHECK (ok IS 1)); INSERT INTO probe SELECT (%s)", expr);
	return store_exec(st, sql);
}

/* What the code under test writes to stderr (the log) between the two
 * calls. */
static FILE *capture_file;
static int capture_saved = -1;

static void
capture_start(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	assert_non_null(capture_file);
	capture_saved = dup(STDERR_FILENO);
	assert_true(capture_saved >= 0);
	assert_true(dup2(fileno(capture_file), STDERR_FILENO) >= 0);
}

static char *
capture_stop(void)
{
	static char buf[4096];
	size_t n;

	fflush(stderr);
	dup2(capture_saved, STDERR_FILENO);
	close(capture_saved);
	rewind(capture_file);
	n = fread(buf, 1, sizeof buf - 1, capture_file);
	buf[n] = '\0';
	fclose(capture_file);
	return buf;
}

/* An incident with every field set to something distinct. */
static void
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

static void
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

static int64_t
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

static int64_t
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
static int
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

/* Collects what a walk returns. */
struct seen {
	int64_t ids[16];
	int n;
	int stop_after; /* 0: never stop */
};

static int
seen_incident(const struct incident *inc, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16)
		s->ids[s->n] = inc->id;
	s->n++;
	return s->stop_after != 0 && s->n >= s->stop_after;
}

static int
seen_event(const struct event *ev, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16)
		s->ids[s->n] = ev->id;
	s->n++;
	return s->stop_after != 0 && s->n >= s->stop_after;
}

static struct seen
walk_incidents(struct store *st, int flags, const char *branch)
{
	struct seen s = { .n = 0 };

	assert_int_equal(store_incidents(st, flags, branch, seen_incident, &s),
	    0);
	return s;
}

static struct seen
walk_timeline(struct store *st, int64_t incident)
{
	struct seen s = { .n = 0 };

	assert_int_equal(store_timeline(st, incident, seen_event, &s), 0);
	return s;
}

/* ---- schema and open ---------------------------------------------------- */

static void
test_file_pragmas(void **state)
{
	struct fixture *f = *state;

	use_file(f, 0);
	assert_int_equal(store_schema_version(f->st), 10);
	assert_int_equal(sql_true(f->st, "(SELECT journal_mode FROM "
	    "pragma_journal_mode) = 'wal'"), 0);
	assert_int_equal(sql_true(f->st, "(SELECT synchronous FROM "
	    "pragma_synchronous) = 2"), 0);
	assert_int_equal(sql_true(f->st, "(SELECT foreign_keys FROM "
	    "pragma_foreign_keys) = 1"), 0);
	assert_int_equal(sql_true(f->st, "(SELECT timeout FROM "
	    "pragma_busy_timeout) = 5000"), 0);
	assert_int_equal(sql_true(f->st, "(SELECT user_version FROM "
	    "pragma_user_version) = 10"), 0);
	/* Migration 9: the open incidents are found through the partial
	 * index alone (S_INCIDENTS_OPEN names it: store_open would fail). */
	assert_int_equal(sql_true(f->st, "NOT EXISTS (SELECT 1 FROM "
	    "sqlite_master WHERE name = 'incidents_state')"), 0);
	/* The probe itself can fail. */
	assert_int_equal(sql_true(f->st, "(SELECT user_version FROM "
	    "pragma_user_version) = 3"), -1);
}

/* STORE_LATE_CHECKPOINT: commits never wait for a checkpoint; the thread
 * and the caller's store_checkpoint() between them keep the WAL from
 * growing (a WAL that is never fully copied is never started over, and
 * would grow by every page written). */
static void
test_late_checkpoint(void **state)
{
	struct fixture *f = *state;
	char wal[160];
	struct stat sb;
	struct timespec t0, t;
	int i;

	use_file(f, STORE_LATE_CHECKPOINT);
	assert_int_equal(store_exec(f->st, "CREATE TABLE pad (x)"), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* 500 commits of 10 rows of a page each: 5,000 pages or more, five
	 * times the 1,000-page mark. */
	for (i = 0; i < 500; i++) {
		assert_int_equal(store_begin(f->st), 0);
		assert_int_equal(store_exec(f->st, "WITH RECURSIVE n(k) AS "
		    "(SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 10) "
		    "INSERT INTO pad SELECT randomblob(4000) FROM n"), 0);
		assert_int_equal(store_commit(f->st), 0);
		if (store_checkpoint_due(f->st))
			store_checkpoint(f->st);
	}
	/* The last one may still be on the thread: wait for it (10 s). */
	while (store_checkpoints(f->st) < 2) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10)
			fail_msg("%ld checkpoints", store_checkpoints(f->st));
		if (store_checkpoint_due(f->st))
			store_checkpoint(f->st);
		usleep(1000);
	}
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	assert_int_equal(stat(wal, &sb), 0);
	/* 5,000 pages went through it; it holds fewer frames of 4,120
	 * bytes only if it started over. */
	assert_true(sb.st_size < 4000 * 4120);
	assert_int_equal(sql_true(f->st, "(SELECT count(*) FROM pad) = 5000"),
	    0);
}

static void
test_rdonly_missing(void **state)
{
	struct fixture *f = *state;
	struct stat sb;
	char *cause, want[256];

	cause = open_refused(f->path, STORE_RDONLY);
	snprintf(want, sizeof want, "no database at %s (has beacond run?)",
	    f->path);
	assert_string_equal(cause, want);
	free(cause);
	/* Nothing was created on the way. */
	assert_int_equal(stat(f->path, &sb), -1);
}

static void
test_not_a_database(void **state)
{
	struct fixture *f = *state;
	static const int modes[] = { 0, STORE_RDONLY };
	char *cause;
	FILE *fp;
	size_t i;
	int n;

	fp = fopen(f->path, "w");
	assert_non_null(fp);
	for (n = 0; n < 64; n++)
		fprintf(fp, "branch=central type=fire line %d\n", n);
	fclose(fp);
	for (i = 0; i < sizeof modes / sizeof *modes; i++) {
		cause = open_refused(f->path, modes[i]);
		assert_non_null(strstr(cause, f->path));
		assert_non_null(strstr(cause, "is not a SQLite database"));
		free(cause);
	}
}

static void
test_rdonly_empty_file(void **state)
{
	struct fixture *f = *state;
	char *cause;
	FILE *fp;

	fp = fopen(f->path, "w");
	assert_non_null(fp);
	fclose(fp);
	cause = open_refused(f->path, STORE_RDONLY);
	assert_non_null(strstr(cause, "is empty (has beacond run?)"));
	free(cause);
}

static void
test_newer_schema(void **state)
{
	struct fixture *f = *state;
	static const int modes[] = { 0, STORE_RDONLY };
	const char *want = "database schema version 999 is newer than this "
	    "beacond supports (10)";
	char *cause;
	size_t i;

	use_file(f, 0);
	assert_int_equal(store_exec(f->st, "PRAGMA user_version = 999"), 0);
	store_close(f->st);
	f->st = NULL;
	for (i = 0; i < sizeof modes / sizeof *modes; i++) {
		cause = open_refused(f->path, modes[i]);
		assert_string_equal(cause, want);
		free(cause);
	}
}

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
	capture_start();
	assert_int_equal(store_incident_insert(f->st, &b), -1);
	log = capture_stop();
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
	capture_start();
	assert_int_equal(store_incidents(f->st, 0, NULL, nested_cb, f), 0);
	assert_non_null(strstr(capture_stop(), "own callback"));
	s = walk_incidents(f->st, 0, NULL);
	assert_int_equal(s.n, 2);
}

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

	capture_start();
	assert_int_equal(try_event(f->st, 42), -1);
	assert_non_null(strstr(capture_stop(), "FOREIGN KEY"));
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
		capture_start();
		assert_int_equal(store_exec(f->st, refused[i]), -1);
		assert_non_null(strstr(capture_stop(),
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

/* ---- durability and transactions ---------------------------------------- */

static void
test_survives_reopen(void **state)
{
	struct fixture *f = *state;
	struct incident in, out;
	struct seen s;
	int64_t ev;

	use_file(f, 0);
	fill(&in, "central", "r1");
	assert_int_equal(store_incident_insert(f->st, &in), 0);
	ev = add_event(f->st, in.id, T0, "notified", "crisis-1");
	assert_int_equal(store_reject(f->st, T0, "beacon/report/central", NULL,
	    "not valid JSON", "{", 1), 0);

	use_file(f, 0);
	assert_int_equal(store_schema_version(f->st), 10);
	assert_int_equal(store_incident_get(f->st, in.id, &out), 1);
	assert_incident_equal(&in, &out);
	s = walk_timeline(f->st, in.id);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], ev);
	assert_int_equal(store_reject_count(f->st), 1);

	/* Read-only sees it all and writes nothing. */
	use_file(f, STORE_RDONLY);
	assert_int_equal(store_schema_version(f->st), 10);
	assert_int_equal(store_incident_by_report(f->st, "central", "r1",
	    &out), 1);
	assert_incident_equal(&in, &out);
	assert_int_equal(store_was_notified(f->st, in.id, "crisis-1"), 1);
	assert_int_equal(store_reject_count(f->st), 1);
	s = walk_incidents(f->st, STORE_OPEN_ONLY, NULL);
	assert_int_equal(s.n, 1);
	s.n = 0;
	assert_int_equal(store_pending(f->st, seen_incident, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(store_begin(f->st), 0);
	assert_int_equal(store_commit(f->st), 0);

	capture_start();
	fill(&in, "central", "r2");
	assert_int_equal(store_incident_insert(f->st, &in), -1);
	assert_int_equal(store_incident_update(f->st, &out), -1);
	assert_int_equal(try_event(f->st, out.id), -1);
	assert_int_equal(store_reject(f->st, T0, "t", NULL, "e", NULL, 0), -1);
	assert_int_equal(store_exec(f->st, "DELETE FROM rejects"), -1);
	assert_non_null(strstr(capture_stop(), "read-only"));
	assert_int_equal(store_reject_count(f->st), 1);
}

static void
test_transactions(void **state)
{
	struct fixture *f = *state;
	struct incident out;
	int64_t id;

	assert_false(store_in_txn(f->st));
	assert_int_equal(store_begin(f->st), 0);
	assert_true(store_in_txn(f->st));
	id = add_incident(f->st, "central", "gone", ST_RECEIVED, -1);
	add_event(f->st, id, T0, "reported", "desk-3");
	assert_int_equal(store_incident_get(f->st, id, &out), 1);
	store_rollback(f->st);
	assert_false(store_in_txn(f->st));
	assert_int_equal(store_incident_get(f->st, id, &out), 0);
	assert_int_equal(store_was_notified(f->st, id, "desk-3"), 0);
	/* Rolling back with nothing open is harmless. */
	store_rollback(f->st);

	assert_int_equal(store_begin(f->st), 0);
	id = add_incident(f->st, "central", "kept", ST_RECEIVED, -1);
	assert_int_equal(store_commit(f->st), 0);
	assert_false(store_in_txn(f->st));
	assert_int_equal(store_incident_get(f->st, id, &out), 1);
	assert_string_equal(out.r.id, "kept");

	/* A duplicate inside a transaction does not undo the rest of it. */
	assert_int_equal(store_begin(f->st), 0);
	id = add_incident(f->st, "central", "third", ST_RECEIVED, -1);
	fill(&out, "central", "kept");
	assert_int_equal(store_incident_insert(f->st, &out), -1);
	assert_true(store_in_txn(f->st));
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(store_incident_get(f->st, id, &out), 1);
}

/* Another connection (the CLI) sees only what was committed. */
static void
test_commit_visible_to_reader(void **state)
{
	struct fixture *f = *state;
	struct store *reader;
	struct incident out;
	char *cause = NULL;
	int64_t id;

	use_file(f, 0);
	reader = store_open(f->path, STORE_RDONLY, &cause);
	assert_non_null(reader);
	assert_int_equal(store_begin(f->st), 0);
	id = add_incident(f->st, "central", "r1", ST_RECEIVED, -1);
	assert_int_equal(store_incident_get(reader, id, &out), 0);
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(store_incident_get(reader, id, &out), 1);
	store_close(reader);
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
	capture_start();
	assert_int_equal(store_incident_hold(f->st, 99, 1), -1);
	capture_stop();
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
	capture_start();
	assert_int_equal(store_exec(f->st, "UPDATE debriefs SET record = "
	    "'{}'"), -1);
	assert_int_equal(store_exec(f->st, "DELETE FROM debriefs"), -1);
	assert_non_null(strstr(capture_stop(), "debriefs are append-only"));
	/* And one for an incident that does not exist is refused. */
	capture_start();
	assert_int_equal(store_debrief_add(f->st, 99, T0, "x", 0, "{}", &rev),
	    -1);
	capture_stop();
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
	capture_start();
	assert_int_equal(store_exec(f->st, "DELETE FROM events"), -1);
	assert_non_null(strstr(capture_stop(), "events are append-only"));
	/* Nothing left to purge: a second run removes nothing. */
	assert_int_equal(store_purge(f->st, cutoff, T0 + 21 * day, 0, &c), 0);
	assert_int_equal(c.incidents, 0);
}

/* ---- replication ---------------------------------------------------------- */

/* What the active handed over: each commit's payload, copied. */
struct sent {
	char *buf[8];
	size_t len[8];
	int n;
};

static void
sent_add(void *arg, const void *buf, size_t len)
{
	struct sent *s = arg;

	assert_true(s->n < 8);
	s->buf[s->n] = malloc(len);
	assert_non_null(s->buf[s->n]);
	memcpy(s->buf[s->n], buf, len);
	s->len[s->n++] = len;
}

static void
sent_free(struct sent *s)
{
	while (s->n > 0)
		free(s->buf[--s->n]);
}

static int
apply(struct store *st, const struct sent *s, int i)
{
	char *cause = NULL;
	int rc = store_replica_apply(st, "a", s->buf[i], s->len[i], T0,
	    &cause);

	if (rc < 0)
		fprintf(stderr, "apply: %s\n", cause);
	free(cause);
	if (store_in_txn(st))
		assert_int_equal(store_commit(st), 0);
	return rc;
}

/*
 * Each committed transaction reaches the standby once, with its row ids;
 * a rolled-back one never does; a payload applied again changes nothing;
 * an update carries over; a damaged header is refused by name.
 */
static void
test_replication(void **state)
{
	struct fixture *f = *state;
	struct store *b;
	struct sent s = { .n = 0 };
	struct incident inc, out;
	struct event evo;
	struct seen w;
	char *cause = NULL;
	int64_t ev, ack;

	b = store_open(":memory:", 0, &cause);
	assert_non_null(b);
	assert_int_equal(store_replica_term(f->st), 0);
	assert_int_equal(store_replicate(f->st, "a", 3, T0, sent_add, &s), 0);
	assert_int_equal(store_replica_term(f->st), 3);

	assert_int_equal(store_begin(f->st), 0);
	fill(&inc, "central", "r1");
	assert_int_equal(store_incident_insert(f->st, &inc), 0);
	ev = add_event(f->st, inc.id, T0, "reported", "desk-1");
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(s.n, 1);
	assert_memory_equal(s.buf[0], "beacon-replica 1 10 3 1\n", 24);

	/* Rolled back: nothing to send, and the next commit carries only
	 * its own rows. */
	assert_int_equal(store_begin(f->st), 0);
	add_event(f->st, inc.id, T0 + 1, "rolled_back", "x");
	store_rollback(f->st);
	assert_int_equal(store_begin(f->st), 0);
	inc.state = ST_ACKNOWLEDGED;
	strlcpy_utf8(inc.acked_by, "crisis-1", sizeof inc.acked_by);
	assert_int_equal(store_incident_update(f->st, &inc), 0);
	ack = add_event(f->st, inc.id, T0 + 2, "ack", "crisis-1");
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(s.n, 2);

	/* A standby that has applied nothing cannot place even the first
	 * change of a term: it needs a copy (store_copy_install) first. */
	assert_int_equal(apply(b, &s, 0), 2);
	assert_int_equal(store_incident_get(b, inc.id, &out), 0);
	/* As started from a copy taken when the term began. */
	assert_int_equal(store_exec(b, "INSERT INTO replication VALUES"
	    " ('a', 3, 0, 0)"), 0);
	/* One that skips a change is a gap: nothing is applied. */
	assert_int_equal(apply(b, &s, 1), 2);
	assert_int_equal(store_incident_get(b, inc.id, &out), 0);

	/* The standby: in order, then a repeat that is skipped. */
	assert_int_equal(apply(b, &s, 0), 1);
	assert_int_equal(store_incident_get(b, inc.id, &out), 1);
	assert_string_equal(out.r.id, "r1");
	assert_int_equal(out.state, ST_ROUTED);
	w = walk_timeline(b, inc.id);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.ids[0], ev);
	assert_int_equal(apply(b, &s, 1), 1);
	assert_int_equal(apply(b, &s, 0), 0);
	assert_int_equal(apply(b, &s, 1), 0);
	assert_int_equal(store_incident_get(b, inc.id, &out), 1);
	assert_incident_equal(&inc, &out);
	w = walk_timeline(b, inc.id);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.ids[1], ack);
	assert_int_equal(store_replica_term(b), 3);

	/* A row the standby wrote itself while it wrongly thought itself
	 * active (it was cut off: nobody saw it) gives way to the active
	 * one's row of the same id, timeline included. */
	assert_int_equal(store_begin(f->st), 0);
	fill(&inc, "central", "r2");
	assert_int_equal(store_incident_insert(f->st, &inc), 0);
	ev = add_event(f->st, inc.id, T0 + 3, "reported", "desk-1");
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(s.n, 3);
	fill(&out, "eastside", "zombie");
	assert_int_equal(store_incident_insert(b, &out), 0);
	assert_int_equal(out.id, inc.id);
	assert_int_equal(add_event(b, out.id, T0 + 3, "reported", "x"), ev);
	assert_int_equal(apply(b, &s, 2), 1);
	assert_int_equal(store_incident_get(b, inc.id, &out), 1);
	assert_string_equal(out.r.id, "r2");
	assert_string_equal(out.branch, "central");
	w = walk_timeline(b, inc.id);
	assert_int_equal(w.n, 1);
	assert_int_equal(store_event_get(b, ev, &evo), 1);
	assert_string_equal(evo.actor, "desk-1");
	/* The timeline is append-only again once applied. */
	assert_int_equal(store_exec(b, "UPDATE events SET actor = 'x'"), -1);

	/* A damaged payload is refused and changes nothing. */
	sent_free(&s);
	s.buf[0] = strdup("Xeacon-replica 1 8 3 9\n");
	s.len[0] = strlen(s.buf[0]);
	s.n = 1;
	assert_int_equal(store_replica_apply(b, "a", s.buf[0], s.len[0], T0,
	    &cause), -1);
	assert_non_null(strstr(cause, "bad header"));
	free(cause);

	sent_free(&s);
	store_close(b);
}

/*
 * A fresh copy: the active one's database as of its last commit, tagged
 * with that commit's (term, seq); the standby rebuilds from it, keeps what
 * it held aside, and applies the changes that follow. A copy of another
 * instance, or a damaged one, changes nothing.
 */
static void
test_replication_copy(void **state)
{
	struct fixture *f = *state;
	struct store *b;
	struct sent s = { .n = 0 };
	struct incident inc, out;
	char path[160], src[ID_MAX + 1], *cause = NULL, *copy, *pos;
	int64_t term, seq;
	size_t len, plen, hlen;
	int schema;

	use_file(f, 0);
	snprintf(path, sizeof path, "%s/other", f->dir);
	b = store_open(path, 0, &cause);
	assert_non_null(b);
	assert_null(store_copy_make(f->st, 1, &len, &cause));
	free(cause);
	assert_int_equal(store_replicate(f->st, "a", 2, T0, sent_add, &s), 0);
	assert_int_equal(store_begin(f->st), 0);
	fill(&inc, "central", "r1");
	assert_int_equal(store_incident_insert(f->st, &inc), 0);
	add_event(f->st, inc.id, T0, "reported", "desk-1");
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(s.n, 1);
	/* b missed that one: it cannot place the next. */
	assert_int_equal(store_begin(f->st), 0);
	add_event(f->st, inc.id, T0 + 1, "notified", "crisis-1");
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(apply(b, &s, 1), 2);

	copy = store_copy_make(f->st, 1, &len, &cause);
	assert_non_null(copy);
	pos = store_copy_make(f->st, 0, &plen, &cause);
	assert_non_null(pos);
	assert_int_equal(store_copy_header_parse(pos, plen, &schema, src,
	    sizeof src, &term, &seq, &hlen, &cause), 0);
	assert_string_equal(src, "a");
	assert_int_equal(term, 2);
	assert_int_equal(seq, 2);
	assert_int_equal(hlen, plen);
	assert_true(len > plen);
	assert_memory_equal(copy, pos, plen);

	/* Not a copy of b's partner; a damaged one. */
	assert_int_equal(store_copy_install(b, "z", copy, len, &cause), -1);
	assert_non_null(strstr(cause, "not of z"));
	free(cause);
	copy[plen] ^= 0x55;
	assert_int_equal(store_copy_install(b, "a", copy, len, &cause), -1);
	free(cause);
	copy[plen] ^= 0x55;
	assert_int_equal(store_incident_get(b, inc.id, &out), 0);

	fill(&out, "eastside", "cut-off");
	assert_int_equal(store_incident_insert(b, &out), 0);
	if (store_copy_install(b, "a", copy, len, &cause) != 0)
		fail_msg("install: %s", cause);
	assert_int_equal(store_replica_position(b, "a", &term, &seq), 0);
	assert_int_equal(term, 2);
	assert_int_equal(seq, 2);
	assert_int_equal(store_incident_get(b, inc.id, &out), 1);
	assert_string_equal(out.r.id, "r1");
	assert_int_equal(walk_timeline(b, inc.id).n, 2);
	/* What b held is kept aside. */
	snprintf(path, sizeof path, "%s/other.replaced", f->dir);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);

	/* The next change follows the copy. */
	assert_int_equal(store_begin(f->st), 0);
	add_event(f->st, inc.id, T0 + 2, "ack", "crisis-1");
	assert_int_equal(store_commit(f->st), 0);
	assert_int_equal(apply(b, &s, 2), 1);
	assert_int_equal(walk_timeline(b, inc.id).n, 3);

	free(copy);
	free(pos);
	sent_free(&s);
	store_close(b);
	snprintf(path, sizeof path, "%s/other-wal", f->dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/other-shm", f->dir);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_file_pragmas),
		T(test_late_checkpoint),
		T(test_replication),
		T(test_replication_copy),
		T(test_rdonly_missing),
		T(test_not_a_database),
		T(test_rdonly_empty_file),
		T(test_newer_schema),
		T(test_incident_round_trip),
		T(test_incident_lists),
		T(test_incident_states),
		T(test_truncate_on_read),
		T(test_duplicate_report),
		T(test_incident_update),
		T(test_incidents_filters),
		T(test_pending_order),
		T(test_nested_walk),
		T(test_timeline),
		T(test_event_fields),
		T(test_event_needs_incident),
		T(test_events_append_only),
		T(test_was_notified),
		T(test_rejects),
		T(test_survives_reopen),
		T(test_transactions),
		T(test_commit_visible_to_reader),
		T(test_filter),
		T(test_correction),
		T(test_debrief_revisions),
		T(test_debrief_due),
		T(test_purge),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
