/*
 * Incidents: their rows, read and written, and the walks over incident
 * queries the other files of the store use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_int.h"
#include "xmalloc.h"

/* The lists of an incident (migration 10): entries separated by LIST_SEP,
 * which an entry never holds (store_list_text). */
#define LIST_SEP '\x1e'

/* Read a list column into JOINED_MAX entries of size bytes; how many. */
static int
store_col_list(sqlite3_stmt *st, int col, char *list, size_t size)
{
	const char *v = (const char *)sqlite3_column_text(st, col), *end;
	char buf[NOTE_MAX + 1];
	int n = 0;
	size_t len;

	while (v != NULL && *v != '\0' && n < JOINED_MAX) {
		if ((end = strchr(v, LIST_SEP)) == NULL)
			end = v + strlen(v);
		len = (size_t)(end - v) < sizeof buf ? (size_t)(end - v) :
		    sizeof buf - 1;
		memcpy(buf, v, len);
		buf[len] = '\0';
		strlcpy_utf8(list + (size_t)n++ * size, buf, size);
		v = *end != '\0' ? end + 1 : end;
	}
	return n;
}

/* Read the related ids ("9 12") into RELATED_MAX entries; how many. */
static int
store_col_ids(sqlite3_stmt *st, int col, int64_t *ids)
{
	const char *v = (const char *)sqlite3_column_text(st, col);
	char *end;
	int n = 0;
	long long id;

	while (v != NULL && *v != '\0' && n < RELATED_MAX) {
		id = strtoll(v, &end, 10);
		if (end == v)
			break;
		if (id > 0)
			ids[n++] = id;
		v = end;
	}
	return n;
}

static void
store_sep_space(char *p)
{
	for (; *p != '\0'; p++)
		if (*p == LIST_SEP)
			*p = ' ';
}

/* A list as one text (free it): entries joined by LIST_SEP, any LIST_SEP
 * inside an entry made a space. */
static char *
store_list_text(const char *list, int n, size_t size)
{
	char *out = xcalloc(1, (size_t)JOINED_MAX * (size + 1) + 1), *p;
	int i;

	for (i = 0; i < n && i < JOINED_MAX; i++) {
		if (i > 0)
			strcat(out, "\x1e");
		p = out + strlen(out);
		strcat(out, list + (size_t)i * size);
		for (; *p != '\0'; p++)
			if (*p == LIST_SEP)
				*p = ' ';
	}
	return out;
}

char *
store_ids_text(const int64_t *ids, int n)
{
	char *out = xcalloc(1, RELATED_MAX * 21 + 1);
	size_t off = 0;
	int i;

	for (i = 0; i < n && i < RELATED_MAX; i++)
		off += (size_t)snprintf(out + off, RELATED_MAX * 21 + 1 - off,
		    "%s%lld", i ? " " : "", (long long)ids[i]);
	return out;
}

/* Bind the lists of inc at a, a + 1, a + 2 (locations, notes, devices);
 * 0 or an SQLite error code. */
int
store_bind_lists(sqlite3_stmt *st, int a, const struct incident *inc)
{
	char *l = store_list_text(inc->locations[0], inc->nlocations,
	    sizeof inc->locations[0]);
	char *n = store_list_text(inc->notes[0], inc->nnotes,
	    sizeof inc->notes[0]);
	char *d = store_list_text(inc->devices[0], inc->ndevices,
	    sizeof inc->devices[0]);
	int rc = 0;

	rc |= sqlite3_bind_text(st, a, l, -1, free);
	rc |= sqlite3_bind_text(st, a + 1, n, -1, free);
	rc |= sqlite3_bind_text(st, a + 2, d, -1, free);
	return rc;
}

static void
store_row_incident(sqlite3_stmt *st, struct incident *inc)
{
	char state[32];

	memset(inc, 0, sizeof *inc);
	inc->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, inc->branch, sizeof inc->branch);
	store_col_text(st, 2, inc->r.id, sizeof inc->r.id);
	store_col_text(st, 3, inc->r.type, sizeof inc->r.type);
	inc->r.severity = sqlite3_column_int(st, 4);
	store_col_text(st, 5, inc->r.location, sizeof inc->r.location);
	store_col_text(st, 6, inc->r.device, sizeof inc->r.device);
	store_col_text(st, 7, inc->r.reporter, sizeof inc->r.reporter);
	store_col_text(st, 8, inc->r.note, sizeof inc->r.note);
	inc->r.silent = sqlite3_column_int(st, 9);
	inc->r.drill = sqlite3_column_int(st, 10);
	store_col_text(st, 11, inc->policy, sizeof inc->policy);
	store_col_text(st, 12, state, sizeof state);
	if ((inc->state = state_from_name(state)) == -1)
		log_warnx("store: incident %lld: unknown state \"%s\"",
		    (long long)inc->id, state);
	inc->call_911 = sqlite3_column_int(st, 13);
	inc->notified = sqlite3_column_int(st, 14);
	inc->created = sqlite3_column_int64(st, 15);
	inc->updated = sqlite3_column_int64(st, 16);
	inc->step = sqlite3_column_int(st, 17);
	inc->step_at = sqlite3_column_int64(st, 18);
	inc->due_at = sqlite3_column_int64(st, 19);
	inc->due_step = sqlite3_column_int(st, 20);
	store_col_text(st, 21, inc->acked_by, sizeof inc->acked_by);
	inc->nsteps = sqlite3_column_int(st, 22);
	inc->hold = sqlite3_column_int(st, 23);
	inc->presses = sqlite3_column_int(st, 24);
	inc->nlocations = store_col_list(st, 25, inc->locations[0],
	    sizeof inc->locations[0]);
	inc->nnotes = store_col_list(st, 26, inc->notes[0],
	    sizeof inc->notes[0]);
	inc->ndevices = store_col_list(st, 27, inc->devices[0],
	    sizeof inc->devices[0]);
	inc->nrelated = store_col_ids(st, 28, inc->related);
	/* Only the listings' statement reads the outcome, after the
	 * incident's own columns. */
	if (sqlite3_column_count(st) > 29)
		inc->outcome = sqlite3_column_int(st, 29);
}

/* The lists as their row keeps them: LIST_SEP inside an entry a space. */
void
store_list_clean(struct incident *inc)
{
	int i;

	for (i = 0; i < inc->nlocations && i < JOINED_MAX; i++)
		store_sep_space(inc->locations[i]);
	for (i = 0; i < inc->nnotes && i < JOINED_MAX; i++)
		store_sep_space(inc->notes[i]);
	for (i = 0; i < inc->ndevices && i < JOINED_MAX; i++)
		store_sep_space(inc->devices[i]);
}

/* Bind all of inc at 1 to 29, in INCIDENT_COLUMNS order (the projection
 * and the record); 0 or an SQLite error code. */
int
store_bind_row(sqlite3_stmt *st, const struct incident *inc)
{
	const struct report *r = &inc->r;
	int rc = 0;

	rc |= sqlite3_bind_int64(st, 1, inc->id);
	rc |= store_bind_text(st, 2, inc->branch);
	rc |= store_bind_text(st, 3, r->id);
	rc |= store_bind_text(st, 4, r->type);
	rc |= sqlite3_bind_int(st, 5, r->severity);
	rc |= store_bind_text(st, 6, r->location);
	rc |= store_bind_text(st, 7, r->device);
	rc |= store_bind_text(st, 8, r->reporter);
	rc |= store_bind_text(st, 9, r->note);
	rc |= sqlite3_bind_int(st, 10, r->silent != 0);
	rc |= sqlite3_bind_int(st, 11, r->drill != 0);
	rc |= store_bind_text(st, 12, inc->policy);
	rc |= store_bind_text(st, 13, state_name(inc->state));
	rc |= sqlite3_bind_int(st, 14, inc->call_911 != 0);
	rc |= sqlite3_bind_int(st, 15, inc->notified);
	rc |= sqlite3_bind_int64(st, 16, inc->created);
	rc |= sqlite3_bind_int64(st, 17, inc->updated);
	rc |= sqlite3_bind_int(st, 18, inc->step);
	rc |= sqlite3_bind_int64(st, 19, inc->step_at);
	rc |= sqlite3_bind_int64(st, 20, inc->due_at);
	rc |= sqlite3_bind_int(st, 21, inc->due_step);
	rc |= store_bind_text(st, 22, inc->acked_by);
	rc |= sqlite3_bind_int(st, 23, inc->nsteps);
	rc |= sqlite3_bind_int(st, 24, inc->hold != 0);
	rc |= sqlite3_bind_int(st, 25, inc->presses > 0 ? inc->presses : 1);
	rc |= store_bind_lists(st, 26, inc);
	rc |= sqlite3_bind_text(st, 29, store_ids_text(inc->related,
	    inc->nrelated), -1, free);
	return rc;
}

/* The incident's row is written later, by the projection
 * (store_project.c); its id is the store's. */
int
store_incident_insert(struct store *s, struct incident *inc)
{
	if (s->proj == NULL) {
		log_warnx("store: incident insert: database %s is open "
		    "read-only", s->path);
		return -1;
	}
	if (state_name(inc->state) == NULL) {
		log_warnx("store: incident insert: bad state %d", inc->state);
		return -1;
	}
	return store_proj_insert(s, inc);
}

int
store_incident_update(struct store *s, const struct incident *inc)
{
	if (s->proj == NULL) {
		log_warnx("store: incident update: database %s is open "
		    "read-only", s->path);
		return -1;
	}
	if (state_name(inc->state) == NULL) {
		log_warnx("store: incident %lld: bad state %d",
		    (long long)inc->id, inc->state);
		return -1;
	}
	return store_proj_update(s, inc);
}

int
store_step_one(struct store *s, sqlite3_stmt *st, store_row_fn fn,
    void *out, const char *what)
{
	int rc;

	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		fn(st, out);
		rc = 1;
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		rc = store_fail(s, what);
		break;
	}
	store_done(st);
	return rc;
}

/* The same for a statement whose one parameter is an id. */
int
store_get_one(struct store *s, enum store_stmt id, int64_t key,
    store_row_fn fn, void *out, const char *what)
{
	sqlite3_stmt *st = store_q(s, id);

	if (sqlite3_bind_int64(st, 1, key) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, what);
	}
	return store_step_one(s, st, fn, out, what);
}

void
store_read_incident(sqlite3_stmt *st, void *out)
{
	store_row_incident(st, out);
}

int
store_incident_get(struct store *s, int64_t id, struct incident *out)
{
	if (store_proj_get(s, id, out))
		return 1;
	return store_get_one(s, S_INCIDENT_GET, id, store_read_incident, out,
	    "incident get");
}

int
store_incident_by_report(struct store *s, const char *branch,
    const char *report_id, struct incident *out)
{
	if (store_proj_by_report(s, branch, report_id, out))
		return 1;
	return store_sql_by_report(s, branch, report_id, out);
}

/* The row only. */
int
store_sql_by_report(struct store *s, const char *branch,
    const char *report_id, struct incident *out)
{
	sqlite3_stmt *st = s->stmt[S_INCIDENT_BY_REPORT];

	if ((store_bind_text(st, 1, branch) |
	    store_bind_text(st, 2, report_id)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "incident by report");
	}
	return store_step_one(s, st, store_read_incident, out,
	    "incident by report");
}

/* Walk an incident query. A callback may use the store, but not start the
 * same walk again: the statement is still stepping. */
int
store_walk(struct store *s, sqlite3_stmt *st, store_incident_cb cb,
    void *arg, const char *what)
{
	struct incident inc;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_row_incident(st, &inc);
		if (cb(&inc, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, what);
	store_done(st);
	return rc;
}

int
store_walk_busy(sqlite3_stmt *st, const char *what)
{
	if (!sqlite3_stmt_busy(st))
		return 0;
	log_warnx("store: %s: called again from its own callback", what);
	return 1;
}

int
store_incidents(struct store *s, int flags, const char *branch,
    store_incident_cb cb, void *arg)
{
	sqlite3_stmt *st;

	st = store_q(s, (flags & STORE_OPEN_ONLY) ? S_INCIDENTS_OPEN :
	    S_INCIDENTS);
	if (store_walk_busy(st, "incidents"))
		return -1;
	if (store_bind_text(st, 1, branch) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "incidents");
	}
	return store_walk(s, st, cb, arg, "incidents");
}

int
store_pending(struct store *s, store_incident_cb cb, void *arg)
{
	sqlite3_stmt *st = store_q(s, S_PENDING);

	if (store_walk_busy(st, "pending"))
		return -1;
	return store_walk(s, st, cb, arg, "pending");
}

int
store_incident_hold(struct store *s, int64_t incident, int hold)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, S_HOLD, "hold")) == NULL)
		return -1;
	if ((sqlite3_bind_int64(st, 1, incident) |
	    sqlite3_bind_int(st, 2, hold != 0)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "hold");
	}
	if (store_run(s, st, "hold") != 0)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		log_warnx("store: hold: no incident %lld", (long long)incident);
		return -1;
	}
	return 0;
}
