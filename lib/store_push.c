/*
 * Web Push: the responders' subscriptions, and the action links already
 * used (docs/protocol.md, "Web Push").
 */
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "store_int.h"

int
store_pushsub_put(struct store *s, const char *responder,
    const struct pushsub *ps, int64_t now)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_PUSHSUB_PUT, "push subscription")) == NULL)
		return -1;
	rc |= store_bind_text(st, 1, responder);
	rc |= store_bind_text(st, 2, ps->device);
	rc |= store_bind_text(st, 3, ps->endpoint);
	rc |= store_bind_text(st, 4, ps->p256dh);
	rc |= store_bind_text(st, 5, ps->auth);
	rc |= sqlite3_bind_int64(st, 6, now);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "push subscription");
	}
	return store_run(s, st, "push subscription");
}

int
store_pushsub_delete(struct store *s, const char *responder,
    const char *device)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, S_PUSHSUB_DELETE, "push unsubscribe")) == NULL)
		return -1;
	if ((store_bind_text(st, 1, responder) | store_bind_text(st, 2,
	    device)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "push unsubscribe");
	}
	if (store_run(s, st, "push unsubscribe") != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_pushsub_drop(struct store *s, const char *endpoint)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, S_PUSHSUB_DROP, "push drop")) == NULL)
		return -1;
	if (store_bind_text(st, 1, endpoint) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "push drop");
	}
	if (store_run(s, st, "push drop") != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_pushsub_each(struct store *s, const char *responder,
    store_pushsub_cb cb, void *arg)
{
	sqlite3_stmt *st = store_q(s, S_PUSHSUB_LIST);
	struct pushsub ps;
	int rc, n = 0;

	if (store_bind_text(st, 1, responder) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "push subscriptions");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&ps, 0, sizeof ps);
		store_col_text(st, 0, ps.device, sizeof ps.device);
		store_col_text(st, 1, ps.endpoint, sizeof ps.endpoint);
		store_col_text(st, 2, ps.p256dh, sizeof ps.p256dh);
		store_col_text(st, 3, ps.auth, sizeof ps.auth);
		n++;
		if (cb != NULL)
			cb(&ps, arg);
	}
	rc = rc == SQLITE_DONE ? n : store_fail(s, "push subscriptions");
	store_done(st);
	return rc;
}

int
store_link_used(struct store *s, const char *key)
{
	sqlite3_stmt *st = store_q(s, S_LINK_USED);
	int rc;

	if (store_bind_text(st, 1, key) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "link used");
	}
	rc = sqlite3_step(st);
	rc = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 :
	    store_fail(s, "link used");
	store_done(st);
	return rc;
}

int
store_link_use(struct store *s, const char *key, int64_t incident,
    const char *responder, const char *action, int64_t now)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_LINK_USE, "link use")) == NULL)
		return -1;
	rc |= store_bind_text(st, 1, key);
	rc |= sqlite3_bind_int64(st, 2, incident);
	rc |= store_bind_text(st, 3, responder);
	rc |= store_bind_text(st, 4, action);
	rc |= sqlite3_bind_int64(st, 5, now);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "link use");
	}
	return store_run(s, st, "link use");
}

int
store_link_forget(struct store *s, int64_t before)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, S_LINK_FORGET, "link forget")) == NULL)
		return -1;
	if (sqlite3_bind_int64(st, 1, before) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "link forget");
	}
	if (store_run(s, st, "link forget") != 0)
		return -1;
	return sqlite3_changes(s->db);
}
