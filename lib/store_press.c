/*
 * Alarms that are not real: repeated presses joined to an incident, the
 * related incidents, and the branches' drill and test modes.
 */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

int
store_incident_press(struct store *s, struct incident *inc)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_PRESS, "press")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, inc->id);
	rc |= sqlite3_bind_int(st, 2, inc->r.severity);
	rc |= store_bind_text(st, 3, inc->r.location);
	rc |= sqlite3_bind_int64(st, 4, inc->updated);
	rc |= store_bind_text(st, 5, inc->r.note);
	rc |= store_bind_lists(st, 6, inc);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "press");
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		inc->presses = sqlite3_column_int(st, 0);
		rc = 0;
	} else
		rc = store_fail(s, "press");
	store_done(st);
	return rc;
}

/* Each name statement `which` gives for the incident, to cb. */
static int
store_incident_names(struct store *s, enum store_stmt which,
    const char *what, int64_t incident, store_name_cb cb, void *arg)
{
	sqlite3_stmt *st = store_q(s, which);
	int rc;

	if (sqlite3_bind_int64(st, 1, incident) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, what);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb((const char *)sqlite3_column_text(st, 0), arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, what);
	store_done(st);
	return rc;
}

int
store_notified(struct store *s, int64_t incident, store_name_cb cb, void *arg)
{
	return store_incident_names(s, S_NOTIFIED, "notified", incident, cb,
	    arg);
}

int
store_press_reports(struct store *s, int64_t incident, store_name_cb cb,
    void *arg)
{
	return store_incident_names(s, S_PRESS_REPORTS, "press reports",
	    incident, cb, arg);
}

int
store_incident_joinable(struct store *s, const char *branch, const char *type,
    int drill, int64_t since, store_incident_cb cb, void *arg)
{
	sqlite3_stmt *st = s->stmt[S_JOINABLE];
	struct proj_match m = { branch, type, drill, since };
	struct proj_walk *w;
	int rc;

	if (store_walk_busy(st, "joinable incidents"))
		return -1;
	if ((store_bind_text(st, 1, branch) | store_bind_text(st, 2, type) |
	    sqlite3_bind_int64(st, 3, since) |
	    sqlite3_bind_int(st, 4, drill != 0)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "joinable incidents");
	}
	/* The rows and the incidents not yet in them, each once, the
	 * latest first. */
	w = store_proj_walk_new(s, &m);
	rc = store_walk(s, st, store_proj_walk_row, w, "joinable incidents");
	store_proj_walk_end(w, rc == 0 ? cb : NULL, arg);
	return rc;
}

int
store_incident_related(struct store *s, const struct incident *inc)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_RELATED, "related")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, inc->id);
	rc |= sqlite3_bind_text(st, 2, store_ids_text(inc->related,
	    inc->nrelated), -1, free);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "related");
	}
	return store_run(s, st, "related");
}

int
store_mode_set(struct store *s, const struct branch_mode *m)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_MODE_SET, "branch mode")) == NULL)
		return -1;
	rc |= store_bind_text(st, 1, m->branch);
	rc |= store_bind_text(st, 2, m->mode);
	rc |= sqlite3_bind_int64(st, 3, m->ts);
	rc |= sqlite3_bind_int64(st, 4, m->until);
	rc |= store_bind_text(st, 5, m->actor);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "branch mode");
	}
	return store_run(s, st, "branch mode");
}

static void
store_read_mode(sqlite3_stmt *st, void *out)
{
	struct branch_mode *m = out;

	m->ts = sqlite3_column_int64(st, 0);
	m->until = sqlite3_column_int64(st, 1);
	store_col_text(st, 2, m->actor, sizeof m->actor);
}

int
store_mode_get(struct store *s, const char *branch, const char *mode,
    struct branch_mode *out)
{
	sqlite3_stmt *st = store_q(s, S_MODE_GET);

	memset(out, 0, sizeof *out);
	strlcpy_utf8(out->branch, branch, sizeof out->branch);
	strlcpy_utf8(out->mode, mode, sizeof out->mode);
	if ((store_bind_text(st, 1, branch) | store_bind_text(st, 2, mode)) !=
	    SQLITE_OK) {
		store_done(st);
		return store_fail(s, "branch mode");
	}
	return store_step_one(s, st, store_read_mode, out, "branch mode");
}

int
store_press_add(struct store *s, const char *branch, const char *report_id,
    int64_t incident, int64_t ts)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, S_PRESS_ADD, "press add")) == NULL)
		return -1;
	if ((store_bind_text(st, 1, branch) | store_bind_text(st, 2,
	    report_id) | sqlite3_bind_int64(st, 3, incident) |
	    sqlite3_bind_int64(st, 4, ts)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "press add");
	}
	return store_run(s, st, "press add");
}

int
store_press_incident(struct store *s, const char *branch,
    const char *report_id, struct incident *out)
{
	sqlite3_stmt *st = store_q(s, S_PRESS_GET);
	int64_t id = 0;
	int rc;

	if ((store_bind_text(st, 1, branch) |
	    store_bind_text(st, 2, report_id)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "press get");
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		rc = store_fail(s, "press get");
	store_done(st);
	if (rc < 0 || id == 0)
		return rc < 0 ? -1 : 0;
	return store_incident_get(s, id, out);
}
