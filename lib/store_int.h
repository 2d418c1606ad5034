/*
 * The store's internal header, for lib/store*.c only (store.h is the
 * public API). Every file of the store includes it: the connection and its
 * prepared statements (struct store), the SQL fragments several files use,
 * and the helpers the files share. Only the store's files use sqlite3.
 */
#ifndef BEACON_STORE_INT_H
#define BEACON_STORE_INT_H

#include <stdint.h>

/* The session extension (replication): Debian's libsqlite3 has it. */
#define SQLITE_ENABLE_SESSION
#define SQLITE_ENABLE_PREUPDATE_HOOK
#include <sqlite3.h>

#include "store.h"

#define nitems(a) (sizeof(a) / sizeof *(a))

/* Must match state_name() for the open states (state_open()). */
#define OPEN_STATES "('received', 'routed', 'acknowledged', 'on_scene')"

/* Closed, created before ?1, and not on hold. */
#define PURGE_OLD                                                              \
	"created < ?1 AND hold = 0 AND state NOT IN " OPEN_STATES
/* The latest revision of incident `id`'s debrief has actions open. */
#define ACTIONS_OPEN(id)                                                       \
	"EXISTS (SELECT 1 FROM debriefs d WHERE d.incident = " id              \
	" AND d.open_actions > 0 AND d.revision = (SELECT max(revision)"       \
	" FROM debriefs WHERE incident = " id "))"
#define PURGE_WHERE PURGE_OLD " AND NOT " ACTIONS_OPEN("incidents.id")

enum store_stmt {
	S_BEGIN,
	S_BEGIN_READ,
	S_COMMIT,
	S_ROLLBACK,
	S_INCIDENT_GET,
	S_INCIDENT_BY_REPORT,
	S_INCIDENTS,
	S_INCIDENTS_OPEN,
	S_PENDING,
	S_EVENT_APPEND,
	S_TIMELINE,
	S_WAS_NOTIFIED,
	S_FILTER,
	S_HOLD,
	S_EVENT_GET,
	S_DUE_OPEN,
	S_DUE_GET,
	S_DUE_UPDATE,
	S_DUE_PENDING,
	S_DUE_WAITING,
	S_DEBRIEF_ADD,
	S_DEBRIEFS,
	S_PURGE_CANDIDATES,
	S_DEVICE_PUT,
	S_DEVICE_GET,
	S_DEVICE_BY_ID,
	S_DEVICES,
	S_DEVICES_PENDING,
	S_DEVICE_EVENT,
	S_REJECT,
	S_REJECT_COUNT,
	S_REJECT_MESSAGES,
	S_REJECT_EXCESS,
	S_REJECT_RECOUNT,
	S_OUTBOX_ADD,
	S_OUTBOX_PUBLISHED,
	S_OUTBOX_DELIVERED,
	S_OUTBOX_UNDELIVERED,
	S_ONCALL_SET,
	S_ONCALL_EVENT,
	S_ONCALL_CLEAR_EVENTS,
	S_ONCALL_CLEAR,
	S_ONCALL_ACTIVE,
	S_ONCALL_EVENTS,
	S_PRESS,
	S_RELATED,
	S_NOTIFIED,
	S_JOINABLE,
	S_MODE_SET,
	S_MODE_GET,
	S_PRESS_ADD,
	S_PRESS_GET,
	S_PRESS_REPORTS,
	S_REPL_MARK,
	S_REPL_LAST,
	S_PUSHSUB_PUT,
	S_PUSHSUB_DELETE,
	S_PUSHSUB_DROP,
	S_PUSHSUB_LIST,
	S_LINK_USED,
	S_LINK_USE,
	S_LINK_FORGET,
	S_ENROLL_EXPIRE,
	S_ENROLL_FORGET,
	S_ENROLL_PUT,
	S_ENROLL_GET,
	S_ENROLL_CLAIM,
	S_PROJ_INCIDENT,
	S_PROJ_OUTBOX,
	S_PROJ_MARK,
	S_RECORD_INCIDENT,
	S_RECORD_OUTBOX,
	S_RECORD_WITH_1,	/* the incident and its first 1..4 */
	S_RECORD_WITH_2,	/* notifications, in one statement */
	S_RECORD_WITH_3,
	S_RECORD_WITH_4,
	S_REBUILD_INCIDENTS,
	S_REBUILD_OUTBOX,
	S_COUNT
};

/* The statement table (store_sql.c), prepared at open in this order. */
struct store_statement {
	const char *sql;
	int write; /* not prepared in read-only mode */
};
extern const struct store_statement store_sql[S_COUNT];

/* Replicating: the session recording this connection's changes
 * (store_replica.c). */
struct store_replica {
	sqlite3_session *sess;
	char instance[ID_MAX + 1];
	int64_t term;
	int64_t seq;
	int64_t ts;		/* when replication started */
	int marked;		/* this transaction took number seq + 1 */
	store_changes_fn fn;
	void *arg;
};

struct store {
	sqlite3 *db;
	char *path;
	int flags;
	int version;
	sqlite3_stmt *stmt[S_COUNT];
	int failed;	  /* a statement failed since the last BEGIN */
	int ckpt_due;	  /* the WAL is long and there is no checkpointer */
	struct store_checkpointer *ckpt;
	char err[256];	  /* what failed last */
	struct store_replica *rep; /* NULL: not replicating */
	struct store_proj *proj;   /* store_project.c; NULL: read-only */
	unsigned char sync[S_COUNT]; /* reads the projection: store_sync */
};

/* Forget the last step and its bindings: the statement is ready again. */
static inline void
store_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static inline int
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static inline void
store_col_text(sqlite3_stmt *st, int col, char *dst, size_t len)
{
	const char *v = (const char *)sqlite3_column_text(st, col);

	strlcpy_utf8(dst, v != NULL ? v : "", len);
}

/* Step a bound statement that returns at most one row, read by fn.
 * 1 found, 0 not, -1 error. */
typedef void (*store_row_fn)(sqlite3_stmt *, void *out);

/* store.c: errors, statements, plain SQL. store_q: a statement to read
 * with, the projection written first when it reads incidents or outbox. */
sqlite3_stmt *store_q(struct store *s, enum store_stmt id);
int store_fail(struct store *s, const char *what);
char *store_cause(struct store *s, const char *what);
sqlite3_stmt *store_stmt(struct store *s, enum store_stmt id,
    const char *what);
int store_run(struct store *s, sqlite3_stmt *st, const char *what);
int64_t store_int(struct store *s, const char *sql);
int store_exec_quiet(struct store *s, const char *sql);

/* store_schema.c: the schema version and the migrations. */
int store_check_version(struct store *s, char **cause);
int store_setup_rw(struct store *s, char **cause);

/* store_checkpoint.c: the checkpointer thread. */
void store_ckpt_stop(struct store *s);
void store_ckpt_start(struct store *s);

/* store_incident.c: rows of incidents, and walks over queries. */
char *store_ids_text(const int64_t *ids, int n);
int store_bind_lists(sqlite3_stmt *st, int a, const struct incident *inc);
int store_step_one(struct store *s, sqlite3_stmt *st, store_row_fn fn,
    void *out, const char *what);
int store_get_one(struct store *s, enum store_stmt id, int64_t key,
    store_row_fn fn, void *out, const char *what);
void store_read_incident(sqlite3_stmt *st, void *out);
int store_walk(struct store *s, sqlite3_stmt *st, store_incident_cb cb,
    void *arg, const char *what);
int store_walk_busy(sqlite3_stmt *st, const char *what);

/* store_incident.c */
int store_bind_row(sqlite3_stmt *st, const struct incident *inc);
void store_list_clean(struct incident *inc);
int store_sql_by_report(struct store *s, const char *branch,
    const char *report_id, struct incident *out);

/* store_project.c: the record and its projection. */
struct proj_match {
	const char *branch, *type;
	int drill;
	int64_t since;
};
/* An incident newer than its row. */
struct proj_inc {
	struct incident *cur;	/* the latest, this transaction's if touched */
	uint32_t rhash;		/* of its branch and report id */
	struct incident *base;	/* the last committed, when committed */
	int committed;		/* a record holds base (not yet its row) */
	int touched;		/* changed in the open transaction */
	int written;		/* its row was written in the open transaction */
};

/* A notification not yet in the outbox table. */
struct proj_out {
	int64_t id, incident, created, updated;
	char *responder, *topic, *payload;
	char *recipe;		/* what the record keeps instead, or NULL */
	int state;		/* 0 pending, 1 published, 2 delivered */
	int attempts;
	int committed;
	int written;
	int recorded;		/* in this commit's record already */
};

/* An event of the open transaction: where an incident's record can go. */
struct proj_ev {
	int64_t incident, id;
};

struct store_proj {
	struct proj_inc *inc;
	size_t ninc, inccap;
	struct proj_out *out;
	size_t nout, outcap;
	struct proj_ev *ev;
	size_t nev, evcap;
	int64_t next_incident, next_incident_base;
	int64_t next_outbox, next_outbox_base;
	int64_t mark_txn;	/* projection.event written in the open txn */
	int light;		/* this transaction is a projection's own */
};

struct proj_walk;
void store_proj_init(struct store *s);
void store_proj_ids(struct store *s);
void store_proj_inc_free(struct proj_inc *pi);
void store_proj_out_free(struct proj_out *po);
int store_proj_bind_out(sqlite3_stmt *st, const struct proj_out *po);
int store_proj_write(struct store *s);
void store_proj_free(struct store *s);
void store_proj_reset(struct store *s);
int store_proj_insert(struct store *s, struct incident *inc);
int store_proj_update(struct store *s, const struct incident *inc);
int store_proj_exists(struct store *s, int64_t incident);
void store_proj_event(struct store *s, int64_t incident, int64_t id);
int64_t store_proj_outbox(struct store *s, int64_t incident,
    const char *responder, const char *topic, const char *payload,
    const char *recipe, int64_t ts);
int store_proj_mark(struct store *s, int64_t id, int delivered, int64_t ts);
int store_proj_get(struct store *s, int64_t id, struct incident *out);
int store_proj_by_report(struct store *s, const char *branch,
    const char *report, struct incident *out);
struct proj_walk *store_proj_walk_new(struct store *s,
    const struct proj_match *m);
int store_proj_walk_row(const struct incident *inc, void *arg);
int store_proj_walk_end(struct proj_walk *w, store_incident_cb cb,
    void *arg);
int store_sync(struct store *s);
int store_proj_record(struct store *s);
void store_proj_committed(struct store *s);
void store_proj_rolled_back(struct store *s);
void store_proj_light_end(struct store *s);

/* store_replica.c: the standby pair. */
void store_replica_free(struct store *s);
void store_replica_forget(struct store *s);
int store_replica_count(struct store *s);
void store_replica_send(struct store *s);
int store_header_line(const void *buf, size_t len, char *line, size_t size,
    size_t *hlen, char **cause);

#endif
