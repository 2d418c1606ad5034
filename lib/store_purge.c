/*
 * Retention: the purge of old incidents and everything of theirs.
 */
#include <string.h>

#include "log.h"
#include "store_int.h"

/*
 * The purge's statements run once a day: prepared when used, not at open.
 * ?1 is the cutoff, ?2 the purge's row id. Each returns the rows it
 * changed, or a count for the SELECTs.
 */
static const char *const purge_count_sql[] = {
	"SELECT count(*) FROM incidents WHERE " PURGE_WHERE,
	"SELECT count(*) FROM events WHERE incident IN (SELECT id FROM"
	" incidents WHERE " PURGE_WHERE ")",
	"SELECT count(*) FROM debriefs WHERE incident IN (SELECT id FROM"
	" incidents WHERE " PURGE_WHERE ")",
	"SELECT count(*) FROM incidents WHERE created < ?1 AND hold != 0"
	" AND state NOT IN " OPEN_STATES,
	"SELECT count(*) FROM incidents WHERE " PURGE_OLD " AND "
	ACTIONS_OPEN("incidents.id"),
};

/* Children first: the foreign keys point at incidents. */
static const char *const purge_delete_sql[] = {
	"DELETE FROM outbox WHERE incident IN (SELECT id FROM incidents"
	" WHERE " PURGE_WHERE ")",
	"DELETE FROM events WHERE incident IN (SELECT id FROM incidents"
	" WHERE " PURGE_WHERE ")",
	"DELETE FROM debriefs WHERE incident IN (SELECT id FROM incidents"
	" WHERE " PURGE_WHERE ")",
	"DELETE FROM debrief_due WHERE incident IN (SELECT id FROM incidents"
	" WHERE " PURGE_WHERE ")",
	"DELETE FROM presses WHERE incident IN (SELECT id FROM incidents"
	" WHERE " PURGE_WHERE ")",
	"DELETE FROM incidents WHERE " PURGE_WHERE,
};

/* Run one purge statement with the cutoff bound; the count (a SELECT's
 * first column, else the rows changed), or -1. */
static int64_t
store_purge_one(struct store *s, const char *sql, int64_t cutoff)
{
	sqlite3_stmt *st;
	int64_t n = -1;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "purge");
	sqlite3_bind_int64(st, 1, cutoff);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		n = sqlite3_changes64(s->db);
	else
		store_fail(s, "purge");
	sqlite3_finalize(st);
	return n;
}

static int
store_purge_count(struct store *s, int64_t cutoff, struct purge_counts *c)
{
	int64_t *dst[] = { &c->incidents, &c->events, &c->debriefs,
		&c->kept_hold, &c->kept_actions };
	size_t i;

	for (i = 0; i < nitems(dst); i++)
		if ((*dst[i] = store_purge_one(s, purge_count_sql[i],
		    cutoff)) < 0)
			return -1;
	return 0;
}

/* The purges row that opens the triggers, then the deletions, then the
 * row records what went. */
static int
store_purge_delete(struct store *s, int64_t cutoff, int64_t now,
    const struct purge_counts *c)
{
	char *sql;
	size_t i;
	int rc;

	sql = sqlite3_mprintf("INSERT INTO purges (ts, cutoff, incidents, "
	    "events, debriefs, kept_hold, kept_actions) VALUES (%lld, %lld, "
	    "%lld, %lld, %lld, %lld, %lld)", (long long)now, (long long)cutoff,
	    (long long)c->incidents, (long long)c->events,
	    (long long)c->debriefs, (long long)c->kept_hold,
	    (long long)c->kept_actions);
	rc = sql != NULL ? store_exec(s, sql) : -1;
	sqlite3_free(sql);
	for (i = 0; rc == 0 && i < nitems(purge_delete_sql); i++)
		if (store_purge_one(s, purge_delete_sql[i], cutoff) < 0)
			rc = -1;
	if (rc == 0)
		rc = store_exec(s, "UPDATE purges SET done = 1 WHERE done = 0");
	return rc;
}

int
store_purge(struct store *s, int64_t cutoff, int64_t now, int dry_run,
    struct purge_counts *out)
{
	int own = 0, rc;

	memset(out, 0, sizeof *out);
	if (!dry_run && !store_in_txn(s)) {
		if (store_begin(s) != 0)
			return -1;
		own = 1;
	}
	rc = store_purge_count(s, cutoff, out);
	if (rc == 0 && !dry_run && out->incidents > 0)
		rc = store_purge_delete(s, cutoff, now, out);
	if (own && rc == 0)
		rc = store_commit(s);
	if (own && rc != 0)
		store_rollback(s);
	if (rc == 0 && !dry_run)
		log_info("event=purge cutoff=%lld incidents=%lld events=%lld "
		    "debriefs=%lld kept_hold=%lld kept_actions=%lld",
		    (long long)cutoff, (long long)out->incidents,
		    (long long)out->events, (long long)out->debriefs,
		    (long long)out->kept_hold, (long long)out->kept_actions);
	return rc;
}

int
store_purge_candidates(struct store *s, int64_t cutoff, store_incident_cb cb,
    void *arg)
{
	sqlite3_stmt *st = store_q(s, S_PURGE_CANDIDATES);

	if (store_walk_busy(st, "purge candidates"))
		return -1;
	if (sqlite3_bind_int64(st, 1, cutoff) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "purge candidates");
	}
	return store_walk(s, st, cb, arg, "purge candidates");
}
