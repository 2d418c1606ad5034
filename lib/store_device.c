/*
 * Devices: the branches' buttons and what happened to them.
 */
#include <string.h>

#include "store_int.h"

static void
store_read_device(sqlite3_stmt *st, void *out)
{
	struct device *d = out;

	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, d->branch, sizeof d->branch);
	store_col_text(st, 2, d->device, sizeof d->device);
	store_col_text(st, 3, d->kind, sizeof d->kind);
	d->online = sqlite3_column_int(st, 4);
	d->last_seen = sqlite3_column_int64(st, 5);
	d->since = sqlite3_column_int64(st, 6);
	d->due_at = sqlite3_column_int64(st, 7);
	d->flagged = sqlite3_column_int(st, 8);
	d->selftest_at = sqlite3_column_int64(st, 9);
	d->rtt_ms = sqlite3_column_int64(st, 10);
}

int
store_device_put(struct store *s, struct device *d)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_DEVICE_PUT, "device put")) == NULL)
		return -1;
	rc |= store_bind_text(st, 1, d->branch);
	rc |= store_bind_text(st, 2, d->device);
	rc |= store_bind_text(st, 3, d->kind);
	rc |= sqlite3_bind_int(st, 4, d->online != 0);
	rc |= sqlite3_bind_int64(st, 5, d->last_seen);
	rc |= sqlite3_bind_int64(st, 6, d->since);
	rc |= sqlite3_bind_int64(st, 7, d->due_at);
	rc |= sqlite3_bind_int(st, 8, d->flagged != 0);
	rc |= sqlite3_bind_int64(st, 9, d->selftest_at);
	rc |= sqlite3_bind_int64(st, 10, d->rtt_ms);
	if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		rc = store_fail(s, "device put");
		store_done(st);
		return rc;
	}
	d->id = sqlite3_column_int64(st, 0);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(s, "device put");
	store_done(st);
	return rc;
}

int
store_device_get(struct store *s, const char *branch, const char *device,
    struct device *out)
{
	sqlite3_stmt *st = store_q(s, S_DEVICE_GET);

	if ((store_bind_text(st, 1, branch) |
	    store_bind_text(st, 2, device)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "device get");
	}
	return store_step_one(s, st, store_read_device, out, "device get");
}

int
store_device_by_id(struct store *s, int64_t id, struct device *out)
{
	return store_get_one(s, S_DEVICE_BY_ID, id, store_read_device, out,
	    "device get");
}

static int
store_walk_devices(struct store *s, sqlite3_stmt *st, store_device_cb cb,
    void *arg, const char *what)
{
	struct device d;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_read_device(st, &d);
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
store_devices(struct store *s, const char *branch, store_device_cb cb,
    void *arg)
{
	sqlite3_stmt *st = store_q(s, S_DEVICES);

	if (store_walk_busy(st, "devices"))
		return -1;
	if (store_bind_text(st, 1, branch) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "devices");
	}
	return store_walk_devices(s, st, cb, arg, "devices");
}

int
store_devices_pending(struct store *s, store_device_cb cb, void *arg)
{
	sqlite3_stmt *st = store_q(s, S_DEVICES_PENDING);

	if (store_walk_busy(st, "devices pending"))
		return -1;
	return store_walk_devices(s, st, cb, arg, "devices pending");
}

int
store_device_event(struct store *s, int64_t ts, const struct device *d,
    const char *kind, const char *detail)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_DEVICE_EVENT, "device event")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, ts);
	rc |= store_bind_text(st, 2, d->branch);
	rc |= store_bind_text(st, 3, d->device);
	rc |= store_bind_text(st, 4, kind);
	rc |= store_bind_text(st, 5, detail != NULL ? detail : "");
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "device event");
	}
	return store_run(s, st, "device event");
}
