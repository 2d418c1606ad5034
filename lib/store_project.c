/*
 * The record and its projection (docs/architecture.md, "The record").
 *
 * What must be durable before beacond announces anything is one append to
 * the timeline: the turn's events, the last event of each incident the turn
 * changed carrying the incident's row and the notifications it queued
 * (events.record, JSON made by SQLite). The incidents and outbox tables are
 * a projection of the timeline. Their newer rows wait here, in memory,
 * until store_project() writes them in a transaction of their own that
 * need not reach the disk before it returns (synchronous NORMAL: the next
 * durable commit carries it, and a crash loses nothing the records do not
 * hold). store_rebuild() writes the records after projection.event into
 * the rows when beacond starts or takes over.
 *
 * Reads: an incident by id or by report, and the joinable walk, look here
 * first. Every other statement on incidents, outbox or debriefs writes the
 * projection first (store_sync), in the caller's transaction if it has
 * one. Invariant: the rows hold each incident as of projection.event, and
 * the records after it, in order, bring it to its last committed state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_int.h"
#include "xmalloc.h"

/* FNV-1a of the branch and the report id: a lookup by report compares
 * this first (a burst holds hundreds of incidents with long ids alike). */
static uint32_t
proj_rhash(const char *branch, const char *report)
{
	uint32_t h = 2166136261u;
	const char *p;

	for (p = branch; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ 0x1e) * 16777619u;
	for (p = report; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

static const char *const out_states[] = { "pending", "published",
	"delivered" };

void
store_proj_inc_free(struct proj_inc *pi)
{
	free(pi->cur);
	free(pi->base);
}

void
store_proj_out_free(struct proj_out *po)
{
	free(po->responder);
	free(po->topic);
	free(po->payload);
	free(po->recipe);
}

static struct proj_inc *
proj_find(struct store_proj *p, int64_t id)
{
	size_t i;

	for (i = p->ninc; i-- > 0;)
		if (p->inc[i].cur->id == id)
			return &p->inc[i];
	return NULL;
}

static struct proj_out *
proj_find_out(struct store_proj *p, int64_t id)
{
	size_t i;

	for (i = p->nout; i-- > 0;)
		if (p->out[i].id == id)
			return &p->out[i];
	return NULL;
}

/* The next ids: past every row and every record not yet written. */
void
store_proj_ids(struct store *s)
{
	struct store_proj *p = s->proj;
	int64_t a, b;

	a = store_int(s, "SELECT coalesce(max(id), 0) FROM incidents");
	b = store_int(s, "SELECT coalesce(max(incident), 0) FROM events");
	p->next_incident = p->next_incident_base = a > b ? a : b;
	a = store_int(s, "SELECT coalesce(max(id), 0) FROM outbox");
	b = store_int(s, "SELECT coalesce(max(json_extract(o.value, '$[0]')),"
	    " 0) FROM events e, json_each(e.record, '$.o') o WHERE e.id >"
	    " (SELECT event FROM projection) AND e.record IS NOT NULL");
	p->next_outbox = p->next_outbox_base = a > b ? a : b;
}

void
store_proj_init(struct store *s)
{
	s->proj = xcalloc(1, sizeof *s->proj);
	store_proj_ids(s);
}

/* The database changed under this connection (a partner's changes, a
 * copy): nothing here is newer than its rows any more. */
void
store_proj_reset(struct store *s)
{
	if (s->proj == NULL)
		return;
	store_proj_free(s);
	store_proj_init(s);
}

void
store_proj_free(struct store *s)
{
	struct store_proj *p = s->proj;
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->ninc; i++)
		store_proj_inc_free(&p->inc[i]);
	for (i = 0; i < p->nout; i++)
		store_proj_out_free(&p->out[i]);
	free(p->inc);
	free(p->out);
	free(p->ev);
	free(p);
	s->proj = NULL;
}

/* ---- what the engine writes --------------------------------------- */

static struct proj_inc *
proj_add(struct store_proj *p, const struct incident *inc)
{
	struct proj_inc *pi;

	if (p->ninc == p->inccap) {
		p->inccap = p->inccap ? p->inccap * 2 : 32;
		p->inc = xreallocarray(p->inc, p->inccap, sizeof *p->inc);
	}
	pi = &p->inc[p->ninc++];
	memset(pi, 0, sizeof *pi);
	pi->cur = xmalloc(sizeof *pi->cur);
	*pi->cur = *inc;
	pi->rhash = proj_rhash(inc->branch, inc->r.id);
	return pi;
}

/* The incident by report among the rows not yet written; NULL if none. */
static struct proj_inc *
proj_find_report(struct store_proj *p, const char *branch,
    const char *report)
{
	uint32_t h = proj_rhash(branch, report);
	size_t i;

	for (i = p->ninc; i-- > 0;)
		if (p->inc[i].rhash == h && !p->inc[i].written &&
		    strcmp(p->inc[i].cur->r.id, report) == 0 &&
		    strcmp(p->inc[i].cur->branch, branch) == 0)
			return &p->inc[i];
	return NULL;
}

int
store_proj_insert(struct store *s, struct incident *inc)
{
	struct store_proj *p = s->proj;
	struct incident old;
	struct proj_inc *pi;

	if (proj_find_report(p, inc->branch, inc->r.id) != NULL ||
	    store_sql_by_report(s, inc->branch, inc->r.id, &old) != 0) {
		log_debug("store: branch=%s report=%s already recorded",
		    inc->branch, inc->r.id);
		return -1;
	}
	inc->id = ++p->next_incident;
	pi = proj_add(p, inc);
	store_list_clean(pi->cur);
	pi->touched = 1;
	return 0;
}

/* The fields an update writes (store.h); the others change only by
 * their own statements, on the row. */
static void
proj_mutable(struct incident *dst, const struct incident *src)
{
	dst->state = src->state;
	dst->call_911 = src->call_911;
	dst->notified = src->notified;
	dst->updated = src->updated;
	dst->step = src->step;
	dst->step_at = src->step_at;
	dst->due_at = src->due_at;
	dst->due_step = src->due_step;
	strlcpy_utf8(dst->acked_by, src->acked_by, sizeof dst->acked_by);
}

/* An incident whose row is current (written, or never here) starts again
 * from its row. -1 when there is no such incident. */
int
store_proj_update(struct store *s, const struct incident *inc)
{
	struct store_proj *p = s->proj;
	struct proj_inc *pi = proj_find(p, inc->id);
	struct incident *row;

	if (pi == NULL || pi->written) {
		row = xmalloc(sizeof *row);
		if (store_get_one(s, S_INCIDENT_GET, inc->id,
		    store_read_incident, row, "incident get") != 1) {
			free(row);
			log_warnx("store: incident update: no incident %lld",
			    (long long)inc->id);
			return -1;
		}
		if (pi == NULL)
			pi = proj_add(p, row);
		else
			*pi->cur = *row;
		free(row);
	}
	proj_mutable(pi->cur, inc);
	pi->touched = 1;
	pi->written = 0;
	return 0;
}

/* 1 when the incident is here or has a row. */
int
store_proj_exists(struct store *s, int64_t incident)
{
	struct incident *row;
	int rc;

	if (proj_find(s->proj, incident) != NULL)
		return 1;
	row = xmalloc(sizeof *row);
	rc = store_get_one(s, S_INCIDENT_GET, incident, store_read_incident,
	    row, "incident get");
	free(row);
	return rc == 1;
}

void
store_proj_event(struct store *s, int64_t incident, int64_t id)
{
	struct store_proj *p = s->proj;

	/* A run of events of one incident needs its last one only. */
	if (p->nev > 0 && p->ev[p->nev - 1].incident == incident) {
		p->ev[p->nev - 1].id = id;
		return;
	}
	if (p->nev == p->evcap) {
		p->evcap = p->evcap ? p->evcap * 2 : 64;
		p->ev = xreallocarray(p->ev, p->evcap, sizeof *p->ev);
	}
	p->ev[p->nev].incident = incident;
	p->ev[p->nev++].id = id;
}

int64_t
store_proj_outbox(struct store *s, int64_t incident, const char *responder,
    const char *topic, const char *payload, const char *recipe, int64_t ts)
{
	struct store_proj *p = s->proj;
	struct proj_out *po;

	if (p->nout == p->outcap) {
		p->outcap = p->outcap ? p->outcap * 2 : 64;
		p->out = xreallocarray(p->out, p->outcap, sizeof *p->out);
	}
	po = &p->out[p->nout++];
	memset(po, 0, sizeof *po);
	po->id = ++p->next_outbox;
	po->incident = incident;
	po->responder = xstrdup(responder);
	po->topic = xstrdup(topic);
	po->payload = xstrdup(payload);
	po->recipe = recipe != NULL ? xstrdup(recipe) : NULL;
	po->created = po->updated = ts;
	return po->id;
}

/* 1 when the row is still here (its state changed), 0 when it is in the
 * outbox table. */
int
store_proj_mark(struct store *s, int64_t id, int delivered, int64_t ts)
{
	struct proj_out *po;

	if (s->proj == NULL || (po = proj_find_out(s->proj, id)) == NULL)
		return 0;
	if (delivered) {
		po->state = 2;
		if (po->attempts < 1)
			po->attempts = 1;
	} else if (po->state != 2) {
		po->state = 1;
		po->attempts++;
	}
	po->updated = ts;
	po->written = 0;
	return 1;
}

/* ---- reads that look here first ----------------------------------- */

int
store_proj_get(struct store *s, int64_t id, struct incident *out)
{
	struct proj_inc *pi;

	if (s->proj == NULL || (pi = proj_find(s->proj, id)) == NULL ||
	    pi->written)
		return 0;
	*out = *pi->cur;
	return 1;
}

int
store_proj_by_report(struct store *s, const char *branch,
    const char *report, struct incident *out)
{
	struct proj_inc *pi;

	if (s->proj == NULL ||
	    (pi = proj_find_report(s->proj, branch, report)) == NULL)
		return 0;
	*out = *pi->cur;
	return 1;
}

/* The incidents here that match, and the rows of those that are not here:
 * a walk sees each incident once, as it is now. */
struct proj_walk {
	struct store_proj *p;
	struct incident **v;
	size_t n, cap;
};

static void
proj_walk_add(struct proj_walk *w, const struct incident *inc)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->v = xreallocarray(w->v, w->cap, sizeof *w->v);
	}
	w->v[w->n] = xmalloc(sizeof **w->v);
	*w->v[w->n++] = *inc;
}

int
store_proj_walk_row(const struct incident *inc, void *arg)
{
	struct proj_walk *w = arg;
	struct proj_inc *pi;

	if (w->p == NULL || (pi = proj_find(w->p, inc->id)) == NULL ||
	    pi->written)
		proj_walk_add(w, inc);
	return 0;
}

static int
proj_by_id_desc(const void *a, const void *b)
{
	const struct incident *x = *(struct incident *const *)a;
	const struct incident *y = *(struct incident *const *)b;

	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

struct proj_walk *
store_proj_walk_new(struct store *s, const struct proj_match *m)
{
	struct proj_walk *w = xcalloc(1, sizeof *w);
	struct store_proj *p = s->proj;
	size_t i;

	w->p = p;
	for (i = 0; p != NULL && i < p->ninc; i++) {
		const struct incident *c = p->inc[i].cur;

		if (!p->inc[i].written && state_open(c->state) && strcmp(c->branch, m->branch) == 0 &&
		    strcmp(c->r.type, m->type) == 0 && c->created >= m->since &&
		    (c->r.drill != 0) == (m->drill != 0))
			proj_walk_add(w, c);
	}
	return w;
}

int
store_proj_walk_end(struct proj_walk *w, store_incident_cb cb, void *arg)
{
	size_t i;
	int stop = 0;

	if (w->n > 1)
		qsort(w->v, w->n, sizeof *w->v, proj_by_id_desc);
	for (i = 0; i < w->n; i++) {
		if (!stop && cb != NULL && cb(w->v[i], arg) != 0)
			stop = 1;
		free(w->v[i]);
	}
	free(w->v);
	free(w);
	return 0;
}

/* ---- the projection ---------------------------------------------- */

static int
proj_write_incident(struct store *s, const struct incident *inc)
{
	sqlite3_stmt *st = s->stmt[S_PROJ_INCIDENT];

	if (store_bind_row(st, inc) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "projection: incident");
	}
	return store_run(s, st, "projection: incident");
}

int
store_proj_bind_out(sqlite3_stmt *st, const struct proj_out *po)
{
	int rc = 0;

	rc |= sqlite3_bind_int64(st, 1, po->id);
	rc |= sqlite3_bind_int64(st, 2, po->incident);
	rc |= store_bind_text(st, 3, po->responder);
	rc |= store_bind_text(st, 4, po->topic);
	rc |= store_bind_text(st, 5, po->payload);
	rc |= store_bind_text(st, 6, out_states[po->state]);
	rc |= sqlite3_bind_int(st, 7, po->attempts);
	rc |= sqlite3_bind_int64(st, 8, po->created);
	rc |= sqlite3_bind_int64(st, 9, po->updated);
	return rc;
}

static int
proj_write_out(struct store *s, const struct proj_out *po)
{
	sqlite3_stmt *st = s->stmt[S_PROJ_OUTBOX];

	if (store_proj_bind_out(st, po) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "projection: outbox");
	}
	return store_run(s, st, "projection: outbox");
}

/* Write every row that waits, and projection.event, into the open
 * transaction. */
int
store_proj_write(struct store *s)
{
	struct store_proj *p = s->proj;
	sqlite3_stmt *st = s->stmt[S_PROJ_MARK];
	size_t i;

	for (i = 0; i < p->ninc; i++) {
		if (p->inc[i].written)
			continue;
		if (proj_write_incident(s, p->inc[i].cur) != 0)
			return -1;
		p->inc[i].written = 1;
	}
	for (i = 0; i < p->nout; i++) {
		if (p->out[i].written)
			continue;
		if (proj_write_out(s, &p->out[i]) != 0)
			return -1;
		p->out[i].written = 1;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		store_done(st);
		return store_fail(s, "projection: mark");
	}
	p->mark_txn = sqlite3_column_int64(st, 0);
	store_done(st);
	return 0;
}

/* How many incidents wait for their rows. */
size_t
store_proj_backlog(struct store *s)
{
	return s->proj != NULL ? s->proj->ninc : 0;
}

int
store_proj_pending(struct store *s)
{
	struct store_proj *p = s->proj;
	size_t i;

	if (p == NULL)
		return 0;
	for (i = 0; i < p->ninc; i++)
		if (!p->inc[i].written)
			return 1;
	for (i = 0; i < p->nout; i++)
		if (!p->out[i].written)
			return 1;
	return 0;
}

int
store_begin_light(struct store *s)
{
	if (s->proj == NULL || store_in_txn(s))
		return store_in_txn(s) ? 0 : store_begin(s);
	if (store_exec_quiet(s, "PRAGMA synchronous = NORMAL") != 0)
		return store_fail(s, "projection: synchronous");
	s->proj->light = 1;
	if (store_begin(s) != 0) {
		store_proj_light_end(s);
		return -1;
	}
	return 0;
}

void
store_proj_light_end(struct store *s)
{
	if (s->proj == NULL || !s->proj->light)
		return;
	s->proj->light = 0;
	if (store_exec_quiet(s, "PRAGMA synchronous = FULL") != 0)
		store_fail(s, "synchronous FULL");
}

/* Write the projection: in the open transaction, or in one of its own
 * that need not reach the disk. */
int
store_sync(struct store *s)
{
	int rc;

	if (!store_proj_pending(s))
		return 0;
	if (store_in_txn(s))
		return store_proj_write(s);
	if (s->failed || store_begin_light(s) != 0)
		return -1;
	if ((rc = store_proj_write(s)) == 0)
		rc = store_commit(s);
	if (rc != 0)
		store_rollback(s);
	return rc;
}

int
store_project(struct store *s)
{
	return store_sync(s);
}
