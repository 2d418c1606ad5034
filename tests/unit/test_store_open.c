/*
 * The SQLite store (lib/store*.c) on a file in a temporary directory: the
 * schema and the pragmas at open, read-only mode and the refusals at open,
 * durability across a reopen, and transactions.
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

/* ---- schema and open ---------------------------------------------------- */

static void
test_file_pragmas(void **state)
{
	struct fixture *f = *state;

	use_file(f, 0);
	assert_int_equal(store_schema_version(f->st), 12);
	assert_int_equal(sql_true(f->st, "(SELECT journal_mode FROM "
	    "pragma_journal_mode) = 'wal'"), 0);
	assert_int_equal(sql_true(f->st, "(SELECT synchronous FROM "
	    "pragma_synchronous) = 2"), 0);
	assert_int_equal(sql_true(f->st, "(SELECT foreign_keys FROM "
	    "pragma_foreign_keys) = 1"), 0);
	assert_int_equal(sql_true(f->st, "(SELECT timeout FROM "
	    "pragma_busy_timeout) = 5000"), 0);
	assert_int_equal(sql_true(f->st, "(SELECT user_version FROM "
	    "pragma_user_version) = 12"), 0);
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
	    "beacond supports (12)";
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
	assert_int_equal(store_schema_version(f->st), 12);
	assert_int_equal(store_incident_get(f->st, in.id, &out), 1);
	assert_incident_equal(&in, &out);
	s = walk_timeline(f->st, in.id);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], ev);
	assert_int_equal(store_reject_count(f->st), 1);

	/* Read-only sees it all and writes nothing. */
	use_file(f, STORE_RDONLY);
	assert_int_equal(store_schema_version(f->st), 12);
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

	fixture_capture_start();
	fill(&in, "central", "r2");
	assert_int_equal(store_incident_insert(f->st, &in), -1);
	assert_int_equal(store_incident_update(f->st, &out), -1);
	assert_int_equal(try_event(f->st, out.id), -1);
	assert_int_equal(store_reject(f->st, T0, "t", NULL, "e", NULL, 0), -1);
	assert_int_equal(store_exec(f->st, "DELETE FROM rejects"), -1);
	assert_non_null(strstr(fixture_capture_stop(), "read-only"));
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_file_pragmas),
		T(test_late_checkpoint),
		T(test_rdonly_missing),
		T(test_not_a_database),
		T(test_rdonly_empty_file),
		T(test_newer_schema),
		T(test_survives_reopen),
		T(test_transactions),
		T(test_commit_visible_to_reader),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
