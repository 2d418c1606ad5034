/*
 * Debriefs: their lifecycle (when one is due) and their revisions.
 */
#include <string.h>

#include "store_int.h"

static int
store_bind_due(sqlite3_stmt *st, const struct debrief_due *d)
{
	return sqlite3_bind_int64(st, 1, d->incident) |
	    sqlite3_bind_int64(st, 2, d->opened) |
	    sqlite3_bind_int64(st, 3, d->due_at) |
	    sqlite3_bind_int64(st, 4, d->next_at) |
	    sqlite3_bind_int(st, 5, d->stage);
}

static void
store_row_due(sqlite3_stmt *st, struct debrief_due *d)
{
	d->incident = sqlite3_column_int64(st, 0);
	d->opened = sqlite3_column_int64(st, 1);
	d->due_at = sqlite3_column_int64(st, 2);
	d->next_at = sqlite3_column_int64(st, 3);
	d->stage = sqlite3_column_int(st, 4);
}

/* Bind a lifecycle row to a write statement and run it. */
static int
store_due_write(struct store *s, enum store_stmt id,
    const struct debrief_due *d, const char *what)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, id, what)) == NULL)
		return -1;
	if (store_bind_due(st, d) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, what);
	}
	return store_run(s, st, what);
}

int
store_debrief_open(struct store *s, const struct debrief_due *d)
{
	return store_due_write(s, S_DUE_OPEN, d, "debrief open");
}

int
store_debrief_due_update(struct store *s, const struct debrief_due *d)
{
	return store_due_write(s, S_DUE_UPDATE, d, "debrief update");
}

static void
store_read_due(sqlite3_stmt *st, void *out)
{
	store_row_due(st, out);
}

int
store_debrief_due_get(struct store *s, int64_t incident,
    struct debrief_due *out)
{
	return store_get_one(s, S_DUE_GET, incident, store_read_due, out,
	    "debrief get");
}

static int
store_due_walk(struct store *s, enum store_stmt id, store_due_cb cb,
    void *arg, const char *what)
{
	sqlite3_stmt *st = store_q(s, id);
	struct debrief_due d;
	int rc;

	if (store_walk_busy(st, what))
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_row_due(st, &d);
		if (cb(&d, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, what);
	store_done(st);
	return rc;
}

int
store_debrief_pending(struct store *s, store_due_cb cb, void *arg)
{
	return store_due_walk(s, S_DUE_PENDING, cb, arg, "debrief pending");
}

int
store_debrief_waiting(struct store *s, store_due_cb cb, void *arg)
{
	return store_due_walk(s, S_DUE_WAITING, cb, arg, "debrief waiting");
}

int
store_debrief_add(struct store *s, int64_t incident, int64_t ts,
    const char *author, int open_actions, const char *json, int *revision)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_DEBRIEF_ADD, "debrief add")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, incident);
	rc |= sqlite3_bind_int64(st, 2, ts);
	rc |= store_bind_text(st, 3, author);
	rc |= sqlite3_bind_int(st, 4, open_actions);
	rc |= store_bind_text(st, 5, json);
	if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		rc = store_fail(s, "debrief add");
		store_done(st);
		return rc;
	}
	*revision = sqlite3_column_int(st, 0);
	/* RETURNING: the row is written when the statement completes. */
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(s,
	    "debrief add");
	store_done(st);
	return rc;
}

int
store_debriefs(struct store *s, int64_t incident, int latest_only,
    store_debrief_cb cb, void *arg)
{
	sqlite3_stmt *st = store_q(s, S_DEBRIEFS);
	struct debrief_row row;
	int rc;

	if (store_walk_busy(st, "debriefs"))
		return -1;
	if ((sqlite3_bind_int64(st, 1, incident) |
	    sqlite3_bind_int(st, 2, latest_only != 0)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "debriefs");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof row);
		row.incident = sqlite3_column_int64(st, 0);
		row.revision = sqlite3_column_int(st, 1);
		row.ts = sqlite3_column_int64(st, 2);
		store_col_text(st, 3, row.author, sizeof row.author);
		row.open_actions = sqlite3_column_int(st, 4);
		row.json = (const char *)sqlite3_column_text(st, 5);
		if (row.json == NULL)
			row.json = "{}";
		if (cb(&row, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, "debriefs");
	store_done(st);
	return rc;
}
