/*
 * The records (store_project.c has the whole story): before a commit, each
 * changed incident's state and new notifications on its last event of the
 * transaction; after it, or after a rollback, what the memory holds; and
 * the rebuild of the rows from the records at a start or a takeover.
 */
#include <stdint.h>
#include <stdlib.h>

#include "log.h"
#include "store_int.h"
#include "xmalloc.h"

static int
proj_ev_cmp(const void *a, const void *b)
{
	const struct proj_ev *x = a, *y = b;

	if (x->incident != y->incident)
		return x->incident < y->incident ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The open transaction's events by incident, then id: the carriers'
 * table (proj_carrier), sorted once a commit. */
static void
proj_ev_sort(struct store_proj *p)
{
	if (p->nev > 1)
		qsort(p->ev, p->nev, sizeof *p->ev, proj_ev_cmp);
}

/* The open transaction's last event of the incident after mark_txn, or 0:
 * a record there is after projection.event. p->ev is sorted. */
static int64_t
proj_carrier(struct store_proj *p, int64_t incident)
{
	size_t lo = 0, hi = p->nev, mid;

	while (lo < hi) {	/* the first entry past the incident */
		mid = lo + (hi - lo) / 2;
		if (p->ev[mid].incident <= incident)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && p->ev[lo - 1].incident == incident &&
	    p->ev[lo - 1].id > p->mark_txn)
		return p->ev[lo - 1].id;
	return 0;
}

/* ---- the records, written before the commit ----------------------- */

/* The notifications one statement writes with their incident's row. */
#define RECORD_WITH_MAX 4

static int
proj_bind_record_out(sqlite3_stmt *st, int at, const struct proj_out *po)
{
	return sqlite3_bind_int64(st, at, po->id) |
	    store_bind_text(st, at + 1, po->responder) |
	    store_bind_text(st, at + 2, po->topic) |
	    store_bind_text(st, at + 3, po->recipe != NULL ? po->recipe :
	    po->payload) |
	    sqlite3_bind_int64(st, at + 4, po->created);
}

/* The incident's row on event, with the first notifications the same
 * event carries (up to RECORD_WITH_MAX, marked recorded): one statement,
 * where one for the row and one for each notification cost a rewrite of
 * the growing record each. */
static int
proj_record_incident(struct store *s, int64_t event,
    const struct incident *inc)
{
	struct store_proj *p = s->proj;
	struct proj_out *with[RECORD_WITH_MAX];
	sqlite3_stmt *st;
	size_t i, n = 0;
	int rc;

	for (i = 0; i < p->nout && n < RECORD_WITH_MAX; i++) {
		struct proj_out *po = &p->out[i];

		if (!po->committed && !po->written && !po->recorded &&
		    po->incident == inc->id)
			with[n++] = po;
	}
	st = s->stmt[n == 0 ? S_RECORD_INCIDENT : S_RECORD_WITH_1 + (int)n -
	    1];
	rc = store_bind_row(st, inc) | sqlite3_bind_int64(st, 30, event);
	for (i = 0; i < n; i++)
		rc |= proj_bind_record_out(st, 31 + 5 * (int)i, with[i]);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "record");
	}
	if (store_run(s, st, "record") != 0)
		return -1;
	for (i = 0; i < n; i++)
		with[i]->recorded = 1;
	return 0;
}

static int
proj_record_out(struct store *s, int64_t event, const struct proj_out *po)
{
	sqlite3_stmt *st = s->stmt[S_RECORD_OUTBOX];

	if ((proj_bind_record_out(st, 1, po) | sqlite3_bind_int64(st, 6,
	    event)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "record: outbox");
	}
	return store_run(s, st, "record: outbox");
}

/* 1 when something changed in this transaction has no event after
 * projection.event to carry its record. */
static int
proj_homeless(struct store_proj *p)
{
	size_t i;

	for (i = 0; i < p->ninc; i++)
		if (p->inc[i].touched && !p->inc[i].written &&
		    proj_carrier(p, p->inc[i].cur->id) == 0)
			return 1;
	for (i = 0; i < p->nout; i++)
		if (!p->out[i].committed && !p->out[i].written &&
		    proj_carrier(p, p->out[i].incident) == 0)
			return 1;
	return 0;
}

/* Before the commit: each changed incident's record on its last event,
 * with the notifications it queued; or, when one has no event to carry it,
 * the projection itself. */
int
store_proj_record(struct store *s)
{
	struct store_proj *p = s->proj;
	size_t i;

	if (p == NULL || p->light)
		return 0;
	proj_ev_sort(p);
	if (proj_homeless(p))
		return store_proj_write(s);
	for (i = 0; i < p->nout; i++)
		p->out[i].recorded = 0;
	for (i = 0; i < p->ninc; i++) {
		struct proj_inc *pi = &p->inc[i];

		if (pi->touched && !pi->written && proj_record_incident(s,
		    proj_carrier(p, pi->cur->id), pi->cur) != 0)
			return -1;
	}
	for (i = 0; i < p->nout; i++) {
		struct proj_out *po = &p->out[i];

		if (!po->committed && !po->written && !po->recorded &&
		    proj_record_out(s, proj_carrier(p, po->incident), po) != 0)
			return -1;
	}
	return 0;
}

/* The transaction is over, either way. */
static void
proj_txn_end(struct store *s)
{
	s->proj->nev = 0;
	s->proj->mark_txn = 0;
	store_proj_light_end(s);
}

/* After the commit: what was written is its row now; what was recorded
 * is committed. */
void
store_proj_committed(struct store *s)
{
	struct store_proj *p = s->proj;
	size_t i, j;

	if (p == NULL)
		return;
	for (i = j = 0; i < p->ninc; i++) {
		struct proj_inc *pi = &p->inc[i];

		if (pi->written) {
			store_proj_inc_free(pi);
			continue;
		}
		if (pi->touched) {
			if (pi->base == NULL)
				pi->base = xmalloc(sizeof *pi->base);
			*pi->base = *pi->cur;
			pi->committed = 1;
			pi->touched = 0;
		}
		p->inc[j++] = *pi;
	}
	p->ninc = j;
	for (i = j = 0; i < p->nout; i++) {
		if (p->out[i].written) {
			store_proj_out_free(&p->out[i]);
			continue;
		}
		p->out[i].committed = 1;
		p->out[j++] = p->out[i];
	}
	p->nout = j;
	p->next_incident_base = p->next_incident;
	p->next_outbox_base = p->next_outbox;
	proj_txn_end(s);
}

/* After a rollback: back to what was committed. */
void
store_proj_rolled_back(struct store *s)
{
	struct store_proj *p = s->proj;
	size_t i, j;

	if (p == NULL)
		return;
	for (i = j = 0; i < p->ninc; i++) {
		struct proj_inc *pi = &p->inc[i];

		pi->written = 0;
		if (pi->touched && !pi->committed) {
			store_proj_inc_free(pi);
			continue;
		}
		if (pi->touched)
			*pi->cur = *pi->base;
		pi->touched = 0;
		p->inc[j++] = *pi;
	}
	p->ninc = j;
	for (i = j = 0; i < p->nout; i++) {
		p->out[i].written = 0;
		if (!p->out[i].committed) {
			store_proj_out_free(&p->out[i]);
			continue;
		}
		p->out[j++] = p->out[i];
	}
	p->nout = j;
	p->next_incident = p->next_incident_base;
	p->next_outbox = p->next_outbox_base;
	proj_txn_end(s);
}

/* ---- the rebuild -------------------------------------------------- */

int
store_rebuild(struct store *s, long *incidents, long *outbox)
{
	int rc;

	*incidents = *outbox = 0;
	if (s->proj == NULL)
		return 0;
	if (store_sync(s) != 0 || store_begin(s) != 0)
		return -1;
	rc = store_run(s, s->stmt[S_REBUILD_INCIDENTS], "rebuild: incidents");
	if (rc == 0)
		*incidents = sqlite3_changes(s->db);
	if (rc == 0 && (rc = store_run(s, s->stmt[S_REBUILD_OUTBOX],
	    "rebuild: outbox")) == 0)
		*outbox = sqlite3_changes(s->db);
	if (rc == 0 && sqlite3_step(s->stmt[S_PROJ_MARK]) != SQLITE_ROW)
		rc = store_fail(s, "rebuild: mark");
	store_done(s->stmt[S_PROJ_MARK]);
	if (rc == 0)
		rc = store_commit(s);
	if (rc != 0) {
		store_rollback(s);
		return -1;
	}
	store_proj_ids(s);
	return 0;
}
