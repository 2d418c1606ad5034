/*
 * Refused input: what beacond could not take, kept for the record.
 */
#include "store_int.h"

int
store_reject(struct store *s, int64_t ts, const char *topic,
    const char *report_id, const char *error, const void *payload,
    size_t len)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_REJECT, "reject")) == NULL)
		return -1;
	if (len > PAYLOAD_MAX)
		len = PAYLOAD_MAX;
	rc |= sqlite3_bind_int64(st, 1, ts);
	rc |= store_bind_text(st, 2, topic);
	rc |= store_bind_text(st, 3, report_id);
	rc |= store_bind_text(st, 4, error);
	if (payload != NULL)
		rc |= sqlite3_bind_blob(st, 5, payload, (int)len,
		    SQLITE_STATIC);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "reject");
	}
	return store_run(s, st, "reject");
}

int64_t
store_reject_excess(struct store *s, int64_t ts, const char *topic,
    const char *error, const void *payload, size_t len, int64_t count)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_REJECT_EXCESS, "reject excess")) == NULL)
		return -1;
	if (len > PAYLOAD_MAX)
		len = PAYLOAD_MAX;
	rc |= sqlite3_bind_int64(st, 1, ts);
	rc |= store_bind_text(st, 2, topic);
	rc |= store_bind_text(st, 3, error);
	if (payload != NULL)
		rc |= sqlite3_bind_blob(st, 4, payload, (int)len,
		    SQLITE_STATIC);
	rc |= sqlite3_bind_int64(st, 5, count);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "reject excess");
	}
	if (store_run(s, st, "reject excess") != 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

int
store_reject_recount(struct store *s, int64_t id, int64_t ts,
    const char *topic, const char *error, int64_t count)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_REJECT_RECOUNT, "reject recount")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, id);
	rc |= store_bind_text(st, 2, error);
	rc |= sqlite3_bind_int64(st, 3, count);
	rc |= sqlite3_bind_int64(st, 4, ts);
	rc |= store_bind_text(st, 5, topic);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "reject recount");
	}
	if (store_run(s, st, "reject recount") != 0)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

static int64_t
store_count(struct store *s, enum store_stmt id, const char *what)
{
	sqlite3_stmt *st = store_q(s, id);
	int64_t n;

	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		n = store_fail(s, what);
	store_done(st);
	return n;
}

int64_t
store_reject_count(struct store *s)
{
	return store_count(s, S_REJECT_COUNT, "reject count");
}

int64_t
store_reject_messages(struct store *s)
{
	return store_count(s, S_REJECT_MESSAGES, "reject messages");
}
