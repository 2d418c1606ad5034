/*
 * On duty: overrides set at run time and their timeline.
 */
#include <string.h>

#include "duty.h"
#include "store_int.h"

static int
store_oncall_event(struct store *s, int64_t ts, const char *kind,
    int64_t id, const struct duty_override *ov, const char *actor,
    const char *detail)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_ONCALL_EVENT, "on-call event")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, ts);
	rc |= store_bind_text(st, 2, kind);
	rc |= sqlite3_bind_int64(st, 3, id);
	rc |= store_bind_text(st, 4, ov->responder);
	rc |= store_bind_text(st, 5, ov->branch);
	rc |= store_bind_text(st, 6, actor);
	rc |= store_bind_text(st, 7, detail);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "on-call event");
	}
	return store_run(s, st, "on-call event");
}

int64_t
store_oncall_set(struct store *s, const struct duty_override *ov,
    const char *detail)
{
	sqlite3_stmt *st;
	int64_t id;
	int rc = 0;

	if ((st = store_stmt(s, S_ONCALL_SET, "on-call set")) == NULL)
		return -1;
	rc |= store_bind_text(st, 1, ov->responder);
	rc |= store_bind_text(st, 2, ov->branch);
	rc |= sqlite3_bind_int(st, 3, ov->on);
	rc |= sqlite3_bind_int64(st, 4, ov->from);
	rc |= sqlite3_bind_int64(st, 5, ov->until);
	rc |= store_bind_text(st, 6, ov->by);
	rc |= sqlite3_bind_int64(st, 7, ov->set_at);
	rc |= store_bind_text(st, 8, ov->note);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "on-call set");
	}
	if (store_run(s, st, "on-call set") != 0)
		return -1;
	id = sqlite3_last_insert_rowid(s->db);
	if (store_oncall_event(s, ov->set_at, "set", id, ov, ov->by, detail) !=
	    0)
		return -1;
	return id;
}

/* Bind the four parameters of the two clearing statements. */
static int
store_oncall_bind(sqlite3_stmt *st, int64_t now, const char *by,
    const char *responder, const char *branch)
{
	int rc = 0;

	rc |= sqlite3_bind_int64(st, 1, now);
	rc |= store_bind_text(st, 2, by);
	rc |= store_bind_text(st, 3, responder);
	rc |= store_bind_text(st, 4, branch);
	return rc;
}

int
store_oncall_clear(struct store *s, const char *responder, const char *branch,
    const char *by, int64_t now)
{
	enum store_stmt ids[] = { S_ONCALL_CLEAR_EVENTS, S_ONCALL_CLEAR };
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < nitems(ids); i++) {
		if ((st = store_stmt(s, ids[i], "on-call clear")) == NULL)
			return -1;
		if (store_oncall_bind(st, now, by, responder, branch) !=
		    SQLITE_OK) {
			store_done(st);
			return store_fail(s, "on-call clear");
		}
		if (store_run(s, st, "on-call clear") != 0)
			return -1;
	}
	return sqlite3_changes(s->db);
}

int
store_oncall_active(struct store *s, int64_t now, store_oncall_cb cb,
    void *arg)
{
	struct duty_override ov;
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, S_ONCALL_ACTIVE, "on-call overrides")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&ov, 0, sizeof ov);
		ov.id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, ov.responder, sizeof ov.responder);
		store_col_text(st, 2, ov.branch, sizeof ov.branch);
		ov.on = sqlite3_column_int(st, 3);
		ov.from = sqlite3_column_int64(st, 4);
		ov.until = sqlite3_column_int64(st, 5);
		store_col_text(st, 6, ov.by, sizeof ov.by);
		ov.set_at = sqlite3_column_int64(st, 7);
		store_col_text(st, 8, ov.note, sizeof ov.note);
		if (cb(&ov, arg) != 0)
			break;
	}
	store_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    store_fail(s, "on-call overrides");
}

int
store_oncall_events(struct store *s, int64_t since, const char *branch,
    store_oncall_event_cb cb, void *arg)
{
	struct oncall_event ev;
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, S_ONCALL_EVENTS, "on-call events")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, since);
	store_bind_text(st, 2, branch);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&ev, 0, sizeof ev);
		ev.ts = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, ev.kind, sizeof ev.kind);
		ev.override = sqlite3_column_int64(st, 2);
		store_col_text(st, 3, ev.responder, sizeof ev.responder);
		store_col_text(st, 4, ev.branch, sizeof ev.branch);
		store_col_text(st, 5, ev.actor, sizeof ev.actor);
		store_col_text(st, 6, ev.detail, sizeof ev.detail);
		if (cb(&ev, arg) != 0)
			break;
	}
	store_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    store_fail(s, "on-call events");
}
