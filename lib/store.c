/*
 * The SQLite store: opening and closing the database, errors and
 * transactions. The store is the only module that uses sqlite3; its files
 * (lib/store_*.c, one per family of tables) share lib/store_int.h. Every
 * statement is prepared once at open and reset after every step, so no
 * statement keeps a read transaction open between calls.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_int.h"
#include "xmalloc.h"

/*
 * The failures of the database itself (the disk, the file, the locks),
 * after which this transaction cannot be trusted. A constraint or a bad
 * value fails its statement only: that is the input's fault, and the
 * engine has answered it already.
 */
static int
store_resource_error(int code)
{
	static const int codes[] = { SQLITE_FULL, SQLITE_IOERR,
		SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_BUSY, SQLITE_LOCKED,
		SQLITE_NOMEM, SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_PROTOCOL,
		SQLITE_ABORT, SQLITE_INTERRUPT };
	size_t i;

	for (i = 0; i < sizeof codes / sizeof *codes; i++)
		if ((code & 0xff) == codes[i])
			return 1;
	return 0;
}

int
store_fail(struct store *s, const char *what)
{
	log_warnx("store: %s: %s", what, sqlite3_errmsg(s->db));
	if (store_resource_error(sqlite3_errcode(s->db))) {
		snprintf(s->err, sizeof s->err, "%s: %s", what,
		    sqlite3_errmsg(s->db));
		s->failed = 1;
	}
	return -1;
}

/* The sentence for the person who asked to open the database. */
char *
store_cause(struct store *s, const char *what)
{
	if ((sqlite3_errcode(s->db) & 0xff) == SQLITE_NOTADB)
		return xasprintf("%s is not a SQLite database", s->path);
	return xasprintf("%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

/* A statement to read with: the projection is written first when the
 * statement reads incidents, outbox or debriefs (store_project.c). A
 * projection that cannot be written leaves the read to the rows as they
 * are, and the transaction failed. */
sqlite3_stmt *
store_q(struct store *s, enum store_stmt id)
{
	if (s->sync[id])
		store_sync(s);
	return s->stmt[id];
}

/* The statement, or NULL (logged) when this mode did not prepare it. */
sqlite3_stmt *
store_stmt(struct store *s, enum store_stmt id, const char *what)
{
	if (s->sync[id] && store_sync(s) != 0)
		return NULL;
	if (s->stmt[id] == NULL)
		log_warnx("store: %s: database %s is open read-only", what,
		    s->path);
	else if (s->failed && store_sql[id].write) {
		log_debug("store: %s: refused after a failure: %s", what,
		    s->err);
		return NULL;
	}
	return s->stmt[id];
}

/* Step a statement that returns no rows; 0 or -1 (logged). */
int
store_run(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc;

	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(s, what);
	store_done(st);
	return rc;
}

/* A single integer from a statement such as a PRAGMA; -1 on error. */
int64_t
store_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	store_sync(s);

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int
store_exec_quiet(struct store *s, const char *sql)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* The statements served without the projection written first: the
 * incident lookups and the outbox's own, which look at it (store_project.c),
 * and the projection's own. */
static const enum store_stmt store_unsynced[] = { S_INCIDENT_GET, S_INCIDENT_BY_REPORT, S_JOINABLE,
	S_OUTBOX_ADD, S_OUTBOX_PUBLISHED, S_OUTBOX_DELIVERED, S_PROJ_INCIDENT,
	S_PROJ_OUTBOX, S_PROJ_MARK, S_RECORD_INCIDENT, S_RECORD_OUTBOX, S_RECORD_WITH_1,
	S_RECORD_WITH_2, S_RECORD_WITH_3, S_RECORD_WITH_4,
	S_REBUILD_INCIDENTS, S_REBUILD_OUTBOX };

static void
store_sync_flags(struct store *s)
{
	size_t i;

	for (i = 0; i < S_COUNT; i++)
		s->sync[i] = strstr(store_sql[i].sql, "incidents") != NULL ||
		    strstr(store_sql[i].sql, "outbox") != NULL ||
		    strstr(store_sql[i].sql, "debrief") != NULL;
	for (i = 0; i < nitems(store_unsynced); i++)
		s->sync[store_unsynced[i]] = 0;
}

static int
store_prepare(struct store *s, char **cause)
{
	size_t i;

	store_sync_flags(s);
	for (i = 0; i < S_COUNT; i++) {
		if ((s->flags & STORE_RDONLY) && store_sql[i].write)
			continue;
		if (sqlite3_prepare_v3(s->db, store_sql[i].sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) != SQLITE_OK) {
			*cause = store_cause(s, "cannot prepare statements");
			return -1;
		}
	}
	return 0;
}

/* Read-only never creates: a typo in --db must not look like an empty
 * history. */
static int
store_connect(struct store *s, char **cause)
{
	struct stat sb;
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	if (s->flags & STORE_RDONLY) {
		if (stat(s->path, &sb) == -1) {
			if (errno == ENOENT)
				*cause = xasprintf("no database at %s (has "
				    "beacond run?)", s->path);
			else
				*cause = xasprintf("%s: %s", s->path,
				    strerror(errno));
			return -1;
		}
		oflags = SQLITE_OPEN_READONLY;
	}
	if (sqlite3_open_v2(s->path, &s->db, oflags, NULL) != SQLITE_OK) {
		*cause = s->db == NULL ? xasprintf("%s: out of memory",
		    s->path) : store_cause(s, "cannot open database");
		return -1;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 5000);
	return 0;
}

static int
store_setup(struct store *s, char **cause)
{
	if (store_connect(s, cause) != 0)
		return -1;
	if (store_exec_quiet(s, "PRAGMA foreign_keys = ON") != 0) {
		*cause = store_cause(s, "cannot enable foreign keys");
		return -1;
	}
	/* The first read of the file: where a non-database shows. */
	s->version = (int)store_int(s, "PRAGMA user_version");
	if (store_check_version(s, cause) != 0)
		return -1;
	if (!(s->flags & STORE_RDONLY) && store_setup_rw(s, cause) != 0)
		return -1;
	if ((s->flags & (STORE_LATE_CHECKPOINT | STORE_RDONLY)) ==
	    STORE_LATE_CHECKPOINT && strcmp(s->path, ":memory:") != 0)
		store_ckpt_start(s);
	if (store_prepare(s, cause) != 0)
		return -1;
	if (!(s->flags & STORE_RDONLY))
		store_proj_init(s);
	return 0;
}

struct store *
store_open(const char *path, int flags, char **cause)
{
	struct store *s;

	*cause = NULL;
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->flags = flags;
	if (store_setup(s, cause) != 0) {
		store_close(s);
		return NULL;
	}
	log_debug("store: opened %s schema=%d%s", path, s->version,
	    (flags & STORE_RDONLY) ? " read-only" : "");
	return s;
}

void
store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	/* The rows, as a clean stop leaves them for other readers (a
	 * start would write them from the records anyway). */
	if (s->proj != NULL && !store_in_txn(s))
		store_sync(s);
	store_proj_free(s);
	store_ckpt_stop(s);
	store_replica_free(s);
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	/* An open transaction is rolled back: it was never announced. */
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		store_fail(s, "close");
	free(s->path);
	free(s);
}

int
store_schema_version(struct store *s)
{
	return s->version;
}

int
store_exec(struct store *s, const char *sql)
{
	char *err = NULL;

	store_sync(s);
	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("store: exec: %s", err ? err : sqlite3_errmsg(s->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int
store_begin(struct store *s)
{
	enum store_stmt id;

	id = (s->flags & STORE_RDONLY) ? S_BEGIN_READ : S_BEGIN;
	s->failed = 0;
	return store_run(s, s->stmt[id], "begin");
}

/* A transaction in which a statement failed is never committed: some of
 * its rows would be missing (and a full disk may have rolled it back
 * already, leaving later statements to run on their own). */
int
store_commit(struct store *s)
{
	if (s->failed) {
		log_warnx("store: commit refused: %s", s->err);
		return -1;
	}
	if (store_proj_record(s) != 0 || store_replica_count(s) != 0 ||
	    store_run(s, s->stmt[S_COMMIT], "commit") != 0)
		return -1;
	store_proj_committed(s);
	store_replica_send(s);
	return 0;
}

int
store_failed(struct store *s)
{
	return s->failed;
}

const char *
store_error(struct store *s)
{
	return s->err[0] != '\0' ? s->err : "no error";
}

void
store_rollback(struct store *s)
{
	/* Some errors (a full disk) have already rolled it back. */
	if (store_in_txn(s))
		store_run(s, s->stmt[S_ROLLBACK], "rollback");
	store_proj_rolled_back(s);
	store_replica_forget(s);
}

int
store_in_txn(struct store *s)
{
	return !sqlite3_get_autocommit(s->db);
}
