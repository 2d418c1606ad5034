/*
 * The notification outbox: rows committed with the event that caused
 * them, marked as the broker takes and delivers them.
 */
#include <string.h>

#include "store_int.h"

int64_t
store_outbox_add(struct store *s, int64_t incident, const char *responder,
    const char *topic, const char *payload, int64_t ts)
{
	sqlite3_stmt *st;
	int rc = 0;

	/* Written by the projection; the record carries it until then. */
	if (s->proj != NULL)
		return store_proj_outbox(s, incident, responder, topic, payload,
		    NULL, ts);
	if ((st = store_stmt(s, S_OUTBOX_ADD, "outbox add")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, incident);
	rc |= store_bind_text(st, 2, responder);
	rc |= store_bind_text(st, 3, topic);
	rc |= store_bind_text(st, 4, payload);
	rc |= sqlite3_bind_int64(st, 5, ts);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "outbox add");
	}
	if (store_run(s, st, "outbox add") != 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

int64_t
store_outbox_add_recipe(struct store *s, int64_t incident,
    const char *responder, const char *topic, const char *payload,
    const char *recipe, int64_t ts)
{
	if (s->proj == NULL)
		return store_outbox_add(s, incident, responder, topic, payload,
		    ts);
	return store_proj_outbox(s, incident, responder, topic, payload,
	    recipe, ts);
}

int
store_outbox_mark(struct store *s, int64_t id, int delivered, int64_t ts)
{
	enum store_stmt sid = delivered ? S_OUTBOX_DELIVERED :
	    S_OUTBOX_PUBLISHED;
	sqlite3_stmt *st;

	if (store_proj_mark(s, id, delivered, ts))
		return 0;
	if ((st = store_stmt(s, sid, "outbox mark")) == NULL)
		return -1;
	if ((sqlite3_bind_int64(st, 1, id) |
	    sqlite3_bind_int64(st, 2, ts)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "outbox mark");
	}
	return store_run(s, st, "outbox mark");
}

int
store_outbox_undelivered(struct store *s, store_outbox_cb cb, void *arg)
{
	sqlite3_stmt *st = store_q(s, S_OUTBOX_UNDELIVERED);
	struct outbox_row r;
	int rc;

	if (store_walk_busy(st, "outbox"))
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.id = sqlite3_column_int64(st, 0);
		r.incident = sqlite3_column_int64(st, 1);
		r.responder = (const char *)sqlite3_column_text(st, 2);
		r.topic = (const char *)sqlite3_column_text(st, 3);
		r.payload = (const char *)sqlite3_column_text(st, 4);
		r.state = (const char *)sqlite3_column_text(st, 5);
		r.attempts = sqlite3_column_int(st, 6);
		/* The columns are NOT NULL; only out of memory leaves one
		 * NULL, and then the row waits for the next start. */
		if (r.responder == NULL || r.topic == NULL ||
		    r.payload == NULL || r.state == NULL)
			continue;
		if (cb(&r, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, "outbox");
	store_done(st);
	return rc;
}
