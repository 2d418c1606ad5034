/*
 * Events: the append-only timeline of each incident.
 */
#include <string.h>

#include "log.h"
#include "store_int.h"

int
store_event_append(struct store *s, struct event *ev)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_EVENT_APPEND, "event append")) == NULL)
		return -1;
	/* The rows come after the events now (store_project.c): the
	 * incident must exist all the same. */
	if (s->proj != NULL && !store_proj_exists(s, ev->incident)) {
		log_warnx("store: event append: FOREIGN KEY: no incident %lld",
		    (long long)ev->incident);
		return -1;
	}
	rc |= sqlite3_bind_int64(st, 1, ev->incident);
	rc |= sqlite3_bind_int64(st, 2, ev->ts);
	rc |= store_bind_text(st, 3, ev->kind);
	rc |= store_bind_text(st, 4, ev->actor);
	rc |= sqlite3_bind_int(st, 5, ev->step);
	rc |= store_bind_text(st, 6, ev->detail);
	rc |= sqlite3_bind_int64(st, 7, ev->corrects);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "event append");
	}
	if (store_run(s, st, "event append") != 0)
		return -1;
	ev->id = sqlite3_last_insert_rowid(s->db);
	if (s->proj != NULL)
		store_proj_event(s, ev->incident, ev->id);
	return 0;
}

static void
store_row_event(sqlite3_stmt *st, struct event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->id = sqlite3_column_int64(st, 0);
	ev->incident = sqlite3_column_int64(st, 1);
	ev->ts = sqlite3_column_int64(st, 2);
	store_col_text(st, 3, ev->kind, sizeof ev->kind);
	store_col_text(st, 4, ev->actor, sizeof ev->actor);
	ev->step = sqlite3_column_int(st, 5);
	store_col_text(st, 6, ev->detail, sizeof ev->detail);
	ev->corrects = sqlite3_column_int64(st, 7);
}

int
store_timeline(struct store *s, int64_t incident, store_event_cb cb,
    void *arg)
{
	sqlite3_stmt *st = store_q(s, S_TIMELINE);
	struct event ev;
	int rc;

	if (store_walk_busy(st, "timeline"))
		return -1;
	if (sqlite3_bind_int64(st, 1, incident) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "timeline");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_row_event(st, &ev);
		if (cb(&ev, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, "timeline");
	store_done(st);
	return rc;
}

int
store_was_notified(struct store *s, int64_t incident, const char *responder)
{
	sqlite3_stmt *st = store_q(s, S_WAS_NOTIFIED);
	int rc;

	if ((sqlite3_bind_int64(st, 1, incident) |
	    store_bind_text(st, 2, responder)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "was notified");
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = sqlite3_column_int(st, 0) != 0;
	else
		rc = store_fail(s, "was notified");
	store_done(st);
	return rc;
}

static void
store_read_event(sqlite3_stmt *st, void *out)
{
	store_row_event(st, out);
}

int
store_event_get(struct store *s, int64_t id, struct event *out)
{
	return store_get_one(s, S_EVENT_GET, id, store_read_event, out,
	    "event get");
}
