/*
 * What the command line and the board report ask: counts, the integrity
 * check and the supervisors' filters.
 */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

int64_t
store_count_incidents(struct store *s)
{
	return store_int(s, "SELECT count(*) FROM incidents");
}

int64_t
store_count_events(struct store *s)
{
	return store_int(s, "SELECT count(*) FROM events");
}

/* Each row of a check PRAGMA that is not "ok" is a problem. */
static int
store_check_one(struct store *s, const char *sql, store_problem_fn fn,
    void *arg)
{
	sqlite3_stmt *st;
	int n = 0, rc;
	char buf[512];

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(st, 0);

		if (sqlite3_column_count(st) == 1 && a != NULL &&
		    strcmp(a, "ok") == 0)
			continue;
		if (sqlite3_column_count(st) == 1)
			snprintf(buf, sizeof buf, "%s", a ? a : "?");
		else	/* foreign_key_check: table, rowid, parent, fkid */
			snprintf(buf, sizeof buf, "%s row %lld refers to a "
			    "missing row of %s", a ? a : "?",
			    (long long)sqlite3_column_int64(st, 1),
			    sqlite3_column_text(st, 2) ? (const char *)
			    sqlite3_column_text(st, 2) : "?");
		fn(buf, arg);
		n++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
store_check(struct store *s, store_problem_fn fn, void *arg)
{
	int a, b;

	if ((a = store_check_one(s, "PRAGMA integrity_check", fn, arg)) < 0 ||
	    (b = store_check_one(s, "PRAGMA foreign_key_check", fn, arg)) < 0)
		return -1;
	return a + b;
}

int64_t
store_open_count(struct store *s)
{
	return store_int(s, "SELECT count(*) FROM incidents WHERE state IN "
	    OPEN_STATES);
}

void
store_filter_init(struct incident_filter *f)
{
	memset(f, 0, sizeof *f);
	f->state = -1;
	f->drill = -1;
}

static int
store_bind_filter(sqlite3_stmt *st, const struct incident_filter *f)
{
	int rc = 0;

	rc |= sqlite3_bind_int64(st, 1, f->since);
	rc |= sqlite3_bind_int64(st, 2, f->until > 0 ? f->until : INT64_MAX);
	rc |= store_bind_text(st, 3, f->branch);
	rc |= store_bind_text(st, 4, f->type);
	rc |= sqlite3_bind_int(st, 5, f->severity);
	rc |= store_bind_text(st, 6, f->state >= 0 ? state_name(f->state) :
	    NULL);
	rc |= sqlite3_bind_int(st, 7, f->open != 0);
	rc |= sqlite3_bind_int(st, 8, f->drill < 0 ? -1 : f->drill != 0);
	rc |= store_bind_text(st, 9, f->responder);
	rc |= sqlite3_bind_int(st, 10, f->limit > 0 ? f->limit : -1);
	rc |= sqlite3_bind_int(st, 11, f->outcome);
	return rc;
}

int
store_incidents_filter(struct store *s, const struct incident_filter *f,
    store_incident_cb cb, void *arg)
{
	sqlite3_stmt *st = store_q(s, S_FILTER);

	if (store_walk_busy(st, "incidents filter"))
		return -1;
	if (store_bind_filter(st, f) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "incidents filter");
	}
	return store_walk(s, st, cb, arg, "incidents filter");
}
