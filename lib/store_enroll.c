/*
 * Phones being enrolled (beacon enroll, docs/security.md): a device's
 * broker account kept for one claim of its one-time code, its password
 * erased once claimed.
 */
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "store_int.h"

/* Bind text values from column 1 on. */
static int
store_enroll_bind(sqlite3_stmt *st, const char *const *v, int n)
{
	int i, rc = SQLITE_OK;

	for (i = 0; i < n; i++)
		rc |= store_bind_text(st, i + 1, v[i]);
	return rc;
}

static int
store_enroll_expire(struct store *s, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, S_ENROLL_EXPIRE, "enroll expire")) == NULL)
		return -1;
	if (sqlite3_bind_int64(st, 1, now) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "enroll expire");
	}
	return store_run(s, st, "enroll expire");
}

int
store_enroll_forget(struct store *s, const char *responder,
    const char *device)
{
	const char *v[] = { responder, device };
	sqlite3_stmt *st;

	if ((st = store_stmt(s, S_ENROLL_FORGET, "enroll forget")) == NULL)
		return -1;
	if (store_enroll_bind(st, v, 2) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "enroll forget");
	}
	if (store_run(s, st, "enroll forget") != 0)
		return -1;
	return sqlite3_changes(s->db);
}

int
store_enroll_put(struct store *s, const struct enroll_req *e,
    const char *code, int64_t expires, int64_t now)
{
	const char *v[] = { code, e->responder, e->device, e->username,
		e->password };
	sqlite3_stmt *st;

	if (store_enroll_expire(s, now) != 0 ||
	    store_enroll_forget(s, e->responder, e->device) < 0)
		return -1;
	if ((st = store_stmt(s, S_ENROLL_PUT, "enroll")) == NULL)
		return -1;
	if ((store_enroll_bind(st, v, 5) | sqlite3_bind_int64(st, 6,
	    expires)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "enroll");
	}
	return store_run(s, st, "enroll");
}

/* The unclaimed, unexpired enrollment with this code: 1, 0 or -1. */
static int
store_enroll_get(struct store *s, const char *code, int64_t now,
    struct enroll_req *e)
{
	sqlite3_stmt *st = store_q(s, S_ENROLL_GET);
	int rc;

	if ((store_bind_text(st, 1, code) | sqlite3_bind_int64(st, 2, now)) !=
	    SQLITE_OK) {
		store_done(st);
		return store_fail(s, "enroll get");
	}
	memset(e, 0, sizeof *e);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_col_text(st, 0, e->responder, sizeof e->responder);
		store_col_text(st, 1, e->device, sizeof e->device);
		store_col_text(st, 2, e->username, sizeof e->username);
		store_col_text(st, 3, e->password, sizeof e->password);
	}
	rc = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 :
	    store_fail(s, "enroll get");
	store_done(st);
	return rc;
}

int
store_enroll_claim(struct store *s, const char *code, int64_t now,
    struct enroll_req *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_enroll_get(s, code, now, e)) != 1)
		return rc;
	if ((st = store_stmt(s, S_ENROLL_CLAIM, "enroll claim")) == NULL)
		return -1;
	if ((sqlite3_bind_int64(st, 1, now) | store_bind_text(st, 2, code)) !=
	    SQLITE_OK) {
		store_done(st);
		return store_fail(s, "enroll claim");
	}
	if (store_run(s, st, "enroll claim") != 0) {
		explicit_bzero(e->password, sizeof e->password);
		return -1;
	}
	return 1;
}
