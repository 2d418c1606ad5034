/*
 * Replication: the changes of each commit for a standby, and applying the
 * partner's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_int.h"
#include "xmalloc.h"

/*
 * A standby pair (docs/deployment.md): the active instance hands each
 * committed transaction's changes to its caller, who publishes them; the
 * standby applies them to its own database. SQLite's session extension
 * records the changes (every table with a primary key, replication's own
 * bookkeeping excepted) and applies them by primary key, so a row keeps
 * its id, the timeline its order, and applying twice changes nothing.
 *
 * A payload is a header line, "beacon-replica 1 SCHEMA TERM SEQ\n", then
 * the changeset. TERM is the active's lease and SEQ counts its commits
 * from 1; the standby keeps the last (TERM, SEQ) it applied in the same
 * transaction as the rows, and skips anything not after it.
 */
#define REPLICA_MAGIC "beacon-replica 1"

static int
store_replica_filter(void *arg, const char *table)
{
	(void)arg;
	/* Each instance keeps its own: where it is in the partner's changes,
	 * and how far its rows follow its records (store_project.c). */
	return strcmp(table, "replication") != 0 &&
	    strcmp(table, "projection") != 0;
}

/* A new session: it records from now on. */
static int
store_replica_session(struct store *s)
{
	struct store_replica *r = s->rep;

	if (r->sess != NULL)
		sqlite3session_delete(r->sess);
	r->sess = NULL;
	if (sqlite3session_create(s->db, "main", &r->sess) != SQLITE_OK ||
	    sqlite3session_attach(r->sess, NULL) != SQLITE_OK) {
		log_warnx("store: replication: cannot record changes: %s",
		    sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3session_table_filter(r->sess, store_replica_filter, NULL);
	return 0;
}

static int
store_replica_mark(struct store *s, const char *instance, int64_t term,
    int64_t seq, int64_t ts)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, S_REPL_MARK, "replication mark")) == NULL)
		return -1;
	if ((store_bind_text(st, 1, instance) |
	    sqlite3_bind_int64(st, 2, term) | sqlite3_bind_int64(st, 3, seq) |
	    sqlite3_bind_int64(st, 4, ts)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "replication mark");
	}
	return store_run(s, st, "replication mark");
}

int
store_replicate(struct store *s, const char *instance, int64_t term,
    int64_t now, store_changes_fn fn, void *arg)
{
	if (s->rep != NULL || store_in_txn(s))
		return -1;
	if (store_replica_mark(s, instance, term, 0, now) != 0)
		return -1;
	s->rep = xcalloc(1, sizeof *s->rep);
	strlcpy_utf8(s->rep->instance, instance, sizeof s->rep->instance);
	s->rep->term = term;
	s->rep->ts = now;
	s->rep->fn = fn;
	s->rep->arg = arg;
	if (store_replica_session(s) != 0) {
		store_replica_free(s);
		return -1;
	}
	return 0;
}

void
store_replica_free(struct store *s)
{
	if (s->rep == NULL)
		return;
	if (s->rep->sess != NULL)
		sqlite3session_delete(s->rep->sess);
	free(s->rep);
	s->rep = NULL;
}

/* A rolled-back transaction's changes were never made. */
void
store_replica_forget(struct store *s)
{
	if (s->rep == NULL)
		return;
	s->rep->marked = 0;
	store_replica_session(s);
}

/* Before a commit that changed something: its number, in the same
 * transaction, so that a copy of this database says which of its changes
 * it holds (a standby started from a copy skips those). */
int
store_replica_count(struct store *s)
{
	struct store_replica *r = s->rep;

	if (r == NULL || r->sess == NULL || sqlite3session_isempty(r->sess))
		return 0;
	if (store_replica_mark(s, r->instance, r->term, r->seq + 1,
	    r->ts) != 0)
		return -1;
	r->marked = 1;
	return 0;
}

/* After a commit: its changes, framed, to the caller. */
void
store_replica_send(struct store *s)
{
	struct store_replica *r = s->rep;
	void *cs = NULL;
	char *buf;
	int n = 0, h;

	if (r == NULL || r->sess == NULL)
		return;
	if (sqlite3session_changeset(r->sess, &n, &cs) != SQLITE_OK) {
		log_warnx("store: replication: no changeset: %s",
		    sqlite3_errmsg(s->db));
		n = 0;
	}
	if (r->marked)
		r->seq++;
	r->marked = 0;
	if (n > 0) {
		buf = xasprintf(REPLICA_MAGIC " %d %lld %lld\n%*s", s->version,
		    (long long)r->term, (long long)r->seq, n, "");
		h = (int)strlen(buf) - n;
		memcpy(buf + h, cs, (size_t)n);
		r->fn(r->arg, buf, (size_t)(h + n));
		free(buf);
	}
	sqlite3_free(cs);
	store_replica_session(s);
}

struct store_apply {
	struct store *s;
	int differ;	/* rows that were not as the active had them */
};

/*
 * A row not as the changeset expects. The active instance's version wins:
 * a row here that it does not have was written by this instance while it
 * was cut off and thought itself active (its publications went nowhere,
 * so nobody saw it), and the timeline must be the one people were told.
 * A row to change that is missing, or a constraint, is skipped (counted).
 * The incidents and outbox rows are the projection of the records, which
 * this instance writes itself as they come (store_replica_apply): the
 * active one's rows replace them without counting.
 */
static int
store_replica_conflict(void *arg, int kind, sqlite3_changeset_iter *it)
{
	struct store_apply *a = arg;
	const char *table = NULL;
	int ncol, op, indirect;

	if (sqlite3changeset_op(it, &table, &ncol, &op, &indirect) ==
	    SQLITE_OK && table != NULL && (strcmp(table, "incidents") == 0 ||
	    strcmp(table, "outbox") == 0) && (kind == SQLITE_CHANGESET_DATA ||
	    kind == SQLITE_CHANGESET_CONFLICT))
		return SQLITE_CHANGESET_REPLACE;
	a->differ++;
	return kind == SQLITE_CHANGESET_DATA ||
	    kind == SQLITE_CHANGESET_CONFLICT ? SQLITE_CHANGESET_REPLACE :
	    SQLITE_CHANGESET_OMIT;
}

/* The first line of a replica or copy payload, into line (size bytes at
 * most, with its NUL); *hlen is its length with the newline. 0, or -1
 * with *cause. */
int
store_header_line(const void *buf, size_t len, char *line, size_t size,
    size_t *hlen, char **cause)
{
	const char *p = buf, *nl = memchr(p, '\n', len < size ? len : size);

	if (nl == NULL) {
		*cause = xstrdup("no header line");
		return -1;
	}
	memcpy(line, p, (size_t)(nl - p));
	line[nl - p] = '\0';
	*hlen = (size_t)(nl - p) + 1;
	return 0;
}

/* The header: 0, or -1 with *cause. */
static int
store_replica_header(const char *p, size_t len, int *schema, int64_t *term,
    int64_t *seq, size_t *hlen, char **cause)
{
	char line[96];
	long long t, q;
	int v, used = 0;

	if (store_header_line(p, len, line, sizeof line, hlen, cause) != 0)
		return -1;
	if (sscanf(line, REPLICA_MAGIC " %d %lld %lld%n", &v, &t, &q,
	    &used) != 3 || line[used] != '\0' || t < 1 || q < 1) {
		*cause = xasprintf("bad header \"%.60s\"", line);
		return -1;
	}
	*schema = v;
	*term = t;
	*seq = q;
	return 0;
}

static int
store_replica_last(struct store *s, const char *instance, int64_t *term,
    int64_t *seq)
{
	sqlite3_stmt *st = store_q(s, S_REPL_LAST);
	int rc;

	*term = *seq = 0;
	if (store_bind_text(st, 1, instance) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "replication read");
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*term = sqlite3_column_int64(st, 0);
		*seq = sqlite3_column_int64(st, 1);
	}
	store_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(s,
	    "replication read");
}

int
store_replica_apply(struct store *s, const char *source, const void *buf,
    size_t len, int64_t now, char **cause)
{
	struct store_apply a = { s, 0 };
	int64_t term, seq, lterm, lseq;
	size_t hlen;
	int schema, rc;

	*cause = NULL;
	if (store_replica_header(buf, len, &schema, &term, &seq, &hlen,
	    cause) != 0)
		return -1;
	if (schema != s->version) {
		*cause = xasprintf("schema %d, this database has %d: run the "
		    "same beacond version on both", schema, s->version);
		return -1;
	}
	if (store_replica_last(s, source, &lterm, &lseq) != 0) {
		*cause = xstrdup(store_error(s));
		return -1;
	}
	if (term < lterm || (term == lterm && seq <= lseq))
		return 0;
	/* Only the next change of the term applied last can be placed: the
	 * first of a term starts from a state this database may not have
	 * (the partner's own last commits of its previous term, say). */
	if (term != lterm || seq != lseq + 1) {
		*cause = lterm == 0 ? xasprintf("term %lld seq %lld came "
		    "first, nothing of the partner's was applied before",
		    (long long)term, (long long)seq) : xasprintf("term %lld "
		    "seq %lld came after term %lld seq %lld", (long long)term,
		    (long long)seq, (long long)lterm, (long long)lseq);
		return 2;
	}
	if (!store_in_txn(s) && store_begin(s) != 0) {
		*cause = xstrdup(store_error(s));
		return -1;
	}
	/* The append-only triggers guard what this instance does itself;
	 * the active one's rows replace those of an instance cut off. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	rc = sqlite3changeset_apply(s->db, (int)(len - hlen),
	    (void *)((const char *)buf + hlen), NULL, store_replica_conflict,
	    &a);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, NULL);
	/* A failed apply has undone its own changes (its savepoint); the
	 * transaction goes on without them. */
	if (rc != SQLITE_OK) {
		*cause = xasprintf("cannot apply: %s", sqlite3_errstr(rc));
		return -1;
	}
	/* The rows of the records just applied, as the active one will
	 * write them (store_project.c): a takeover finds them current. */
	if (store_run(s, s->stmt[S_REBUILD_INCIDENTS], "replica: rows") != 0 ||
	    store_run(s, s->stmt[S_REBUILD_OUTBOX], "replica: outbox") != 0 ||
	    sqlite3_step(s->stmt[S_PROJ_MARK]) != SQLITE_ROW) {
		store_done(s->stmt[S_PROJ_MARK]);
		*cause = xstrdup(store_error(s));
		return -1;
	}
	store_done(s->stmt[S_PROJ_MARK]);
	store_proj_reset(s);
	if (store_replica_mark(s, source, term, seq, now) != 0) {
		*cause = xstrdup(store_error(s));
		return -1;
	}
	if (a.differ > 0)
		log_warnx("event=replica_differ source=%s term=%lld seq=%lld "
		    "rows=%d: rows here were not as the active one had them "
		    "(written while this instance was cut off, or missed); "
		    "the active one's are kept", source, (long long)term,
		    (long long)seq, a.differ);
	return 1;
}

int64_t
store_replica_term(struct store *s)
{
	int64_t t = store_int(s, "SELECT coalesce(max(term), 0) FROM"
	    " replication");

	return t < 0 ? 0 : t;
}

int
store_replica_position(struct store *s, const char *source, int64_t *term,
    int64_t *seq)
{
	return store_replica_last(s, source, term, seq);
}

int
store_replica_self(struct store *s, int64_t *term, int64_t *seq)
{
	if (s->rep == NULL)
		return -1;
	*term = s->rep->term;
	*seq = s->rep->seq;
	return 0;
}
