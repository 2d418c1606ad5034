/*
 * The SQLite store (lib/store*.c, the only users of sqlite3.h). WAL,
 * synchronous FULL, foreign keys, a user_version schema with stepwise
 * migrations. The events table is append-only (triggers refuse UPDATE and
 * DELETE): it is the evidence. All functions return 0 on success and -1 on
 * error after logging it, unless said otherwise.
 */
#ifndef BEACON_STORE_H
#define BEACON_STORE_H

#include "beacon.h"

struct store;

#define STORE_RDONLY 0x1 /* open an existing database read-only */
/* beacond: the WAL is copied into the database by a thread of the store's
 * own, then by store_checkpoint() when the caller chooses (after a turn's
 * publications), not inside whichever commit crosses 1,000 pages of WAL
 * as SQLite does by itself. Ignored with STORE_RDONLY and ":memory:". */
#define STORE_LATE_CHECKPOINT 0x2

/* path may be ":memory:". On failure returns NULL and sets *cause (a
 * sentence the caller frees): a missing database in read-only mode, a file
 * that is not a database, or a schema newer than this program. */
struct store *store_open(const char *path, int flags, char **cause);
void store_close(struct store *);
int store_schema_version(struct store *);
/* Run SQL that returns no rows (maintenance, `beacon db`, tests); the
 * triggers and constraints still apply. */
int store_exec(struct store *, const char *sql);

/* With STORE_LATE_CHECKPOINT: 1 when the WAL wants the loop's part of a
 * checkpoint; store_checkpoint() does it (passive: a reader in the way
 * leaves the rest for the next one). store_checkpoints() counts them. */
int store_checkpoint_due(struct store *);
void store_checkpoint(struct store *);
long store_checkpoints(struct store *);

/* Transactions: beacond groups what one loop turn wrote into one. */
int store_begin(struct store *);
int store_commit(struct store *);
void store_rollback(struct store *);
int store_in_txn(struct store *);
/* A statement failed since the last store_begin (the transaction cannot
 * be committed, and writes are refused until the next begin). */
int store_failed(struct store *);
/* What failed last: "commit: database or disk is full". */
const char *store_error(struct store *);

/*
 * The record and its projection (store_project.c). A commit holds the
 * turn's events, each changed incident's state and new notifications
 * riding on its last event (events.record); the incidents and outbox rows
 * are written later, by store_project(), in a transaction that need not
 * reach the disk first. Reads of the store see the incidents as they are
 * now either way.
 *
 * store_project: write the rows that wait (in the open transaction, or in
 * one of its own). store_begin_light: a transaction for the projection
 * and other writes a crash may lose (synchronous NORMAL until its end).
 * store_rebuild: write the records the rows lack (at start, on takeover);
 * how many incidents and outbox rows it wrote.
 */
int store_project(struct store *);
int store_proj_pending(struct store *);
size_t store_proj_backlog(struct store *);
int store_begin_light(struct store *);
int store_rebuild(struct store *, long *incidents, long *outbox);

/* Insert a new incident; sets inc->id. -1 also on a duplicate report. */
int store_incident_insert(struct store *, struct incident *inc);
/* Write back the mutable fields: state, call_911, notified, updated, step,
 * step_at, due_at, due_step, acked_by. */
int store_incident_update(struct store *, const struct incident *inc);
/* 1 found (filled in), 0 not found, -1 error. */
int store_incident_get(struct store *, int64_t id, struct incident *out);
int store_incident_by_report(struct store *, const char *branch,
    const char *report_id, struct incident *out);

typedef int (*store_incident_cb)(const struct incident *, void *arg);
typedef int (*store_event_cb)(const struct event *, void *arg);

#define STORE_OPEN_ONLY 0x1
/* Incidents by id; branch may be NULL. A callback returning non-zero stops
 * the walk. */
int store_incidents(struct store *, int flags, const char *branch,
    store_incident_cb, void *arg);

/* What supervisors filter incidents by. Zero/NULL fields do not filter;
 * init with store_filter_init(). */
struct incident_filter {
	int64_t since;		/* created >= since (ms); 0: no bound */
	int64_t until;		/* created < until (ms); 0: no bound */
	const char *branch;
	const char *type;
	const char *responder;	/* was notified for it, or acted on it */
	int severity;		/* 1..4; 0: any */
	int state;		/* enum state; -1: any */
	int open;		/* 1: open ones only */
	int drill;		/* -1 any, 0 real ones only, 1 drills only */
	int outcome;		/* enum outcome; OUTCOME_UNKNOWN: any */
	int limit;		/* at most this many; 0: no limit */
};
void store_filter_init(struct incident_filter *);
/* Incidents matching f, by id (oldest first), each with its outcome.
 * Served by indexes on created, branch and (events) actor. */
int store_incidents_filter(struct store *, const struct incident_filter *f,
    store_incident_cb, void *arg);
/* Set or clear the legal hold flag (incidents.hold). */
int store_incident_hold(struct store *, int64_t incident, int hold);
/* Open incidents with an escalation deadline (due_at >= 0). */
int store_pending(struct store *, store_incident_cb, void *arg);

/* Append an event; sets ev->id. ev->ts is used as given. */
int store_event_append(struct store *, struct event *ev);
/* 1 found, 0 not, -1 error. */
int store_event_get(struct store *, int64_t id, struct event *out);
/* The incident's events in order. */
int store_timeline(struct store *, int64_t incident, store_event_cb,
    void *arg);
/* 1 if the responder was notified for the incident, 0 if not, -1 error. */
int store_was_notified(struct store *, int64_t incident,
    const char *responder);

/* ---- Web Push ---------------------------------------------------------
 * Each responder's subscriptions, one per device, and the action links
 * already used (by their signature).
 */
struct pushsub;
typedef void (*store_pushsub_cb)(const struct pushsub *, void *arg);
/* Keep (or replace) the device's subscription. */
int store_pushsub_put(struct store *, const char *responder,
    const struct pushsub *, int64_t now);
/* How many were removed (0 or 1), or -1. */
int store_pushsub_delete(struct store *, const char *responder,
    const char *device);
/* Forget every subscription with this endpoint (the push service said it
 * is gone); how many, or -1. */
int store_pushsub_drop(struct store *, const char *endpoint);
/* Each of the responder's subscriptions to cb (NULL: count only); how
 * many, or -1. */
int store_pushsub_each(struct store *, const char *responder,
    store_pushsub_cb, void *arg);
/* 1 if the link with this key was used, 0 if not, -1 error. */
int store_link_used(struct store *, const char *key);
int store_link_use(struct store *, const char *key, int64_t incident,
    const char *responder, const char *action, int64_t now);
/* Forget the links used before `before` (they have expired since): how
 * many, or -1. */
int store_link_forget(struct store *, int64_t before);

/* ---- phones being enrolled (beacon enroll) ------------------------------
 * A device's broker account waiting for its one-time code.
 */
struct enroll_req;
/* Keep e for code until expires (ms), in place of any unclaimed one of
 * the same responder and device; expired unclaimed ones are forgotten
 * (now, ms). */
int store_enroll_put(struct store *, const struct enroll_req *,
    const char *code, int64_t expires, int64_t now);
/* Forget the device's unclaimed enrollments; how many, or -1. */
int store_enroll_forget(struct store *, const char *responder,
    const char *device);
/* Claim code at now: 1 with *e filled and the row's password erased, 0
 * when no unclaimed, unexpired enrollment has that code, -1 error. */
int store_enroll_claim(struct store *, const char *code, int64_t now,
    struct enroll_req *e);

/* ---- debriefs ---------------------------------------------------------
 * A debrief's lifecycle (one row per resolved incident) and its revisions
 * (append-only; each holds the whole record as JSON, msg_debrief_encode).
 */
enum debrief_stage {
	DEBRIEF_WAITING = 0,	/* due; the reminder has not fired */
	DEBRIEF_REMINDED,	/* the reminder fired; due not yet passed */
	DEBRIEF_OVERDUE,	/* passed its due time unrecorded */
	DEBRIEF_RECORDED,	/* a revision exists: no more timers */
};

struct debrief_due {
	int64_t incident;
	int64_t opened;		/* when the incident was resolved (ms) */
	int64_t due_at;		/* when the debrief is due */
	int64_t next_at;	/* the next timer (reminder, overdue); -1 none */
	int stage;		/* enum debrief_stage */
};
/* Insert the lifecycle row; 0 also when it exists already. */
int store_debrief_open(struct store *, const struct debrief_due *);
/* 1 found, 0 not, -1 error. */
int store_debrief_due_get(struct store *, int64_t incident,
    struct debrief_due *out);
int store_debrief_due_update(struct store *, const struct debrief_due *);
typedef int (*store_due_cb)(const struct debrief_due *, void *arg);
/* Rows with a timer (next_at >= 0), for restart. */
int store_debrief_pending(struct store *, store_due_cb, void *arg);
/* Rows whose debrief is not recorded yet, the earliest due first (cb
 * returns non-zero to stop). */
int store_debrief_waiting(struct store *, store_due_cb, void *arg);

struct debrief_row {
	int64_t incident;
	int revision;
	int64_t ts;
	char author[ID_MAX + 1];
	int open_actions;	/* corrective actions open in this revision */
	const char *json;	/* valid during the callback / until freed */
};
/* Append a revision (latest + 1, returned in *revision). */
int store_debrief_add(struct store *, int64_t incident, int64_t ts,
    const char *author, int open_actions, const char *json, int *revision);
typedef int (*store_debrief_cb)(const struct debrief_row *, void *arg);
/* The incident's revisions, oldest first; latest_only: just the last. */
int store_debriefs(struct store *, int64_t incident, int latest_only,
    store_debrief_cb, void *arg);

/* ---- retention --------------------------------------------------------
 * Closed incidents created before cutoff go, with their events, debriefs
 * and lifecycle rows, unless held or with a corrective action open in
 * their latest debrief revision. The only deletion the events table
 * allows; each purge is recorded in the purges table.
 */
struct purge_counts {
	int64_t incidents, events, debriefs; /* removed (or would be) */
	int64_t kept_hold, kept_actions;    /* old enough but kept */
};
/* dry_run: count only, change nothing. Runs in its own transaction
 * unless one is open. */
int store_purge(struct store *, int64_t cutoff, int64_t now, int dry_run,
    struct purge_counts *out);
/* The incidents store_purge would remove, by id. */
int store_purge_candidates(struct store *, int64_t cutoff,
    store_incident_cb, void *arg);

/* ---- devices ------------------------------------------------------------
 * One row per device (branch, device), its last state; device_events is
 * the append-only record of what happened to them.
 */
/* Insert or update by (branch, device); sets d->id. */
int store_device_put(struct store *, struct device *d);
/* 1 found, 0 not, -1 error. */
int store_device_get(struct store *, const char *branch, const char *device,
    struct device *out);
int store_device_by_id(struct store *, int64_t id, struct device *out);
typedef int (*store_device_cb)(const struct device *, void *arg);
/* By branch and device; branch NULL: every branch. */
int store_devices(struct store *, const char *branch, store_device_cb,
    void *arg);
/* Devices whose absence is due to be reported (due_at >= 0). */
int store_devices_pending(struct store *, store_device_cb, void *arg);
int store_device_event(struct store *, int64_t ts, const struct device *,
    const char *kind, const char *detail);

/* Record refused input (kept, never silently dropped). report_id may be
 * NULL; the payload is kept up to PAYLOAD_MAX bytes. */
/* beacon db check: SQLite's integrity and foreign key checks; each
 * problem goes to fn. Returns the number of problems, -1 if the checks
 * could not run. */
typedef void (*store_problem_fn)(const char *problem, void *arg);
int store_check(struct store *, store_problem_fn, void *arg);
/* Rows in incidents and events; -1 on error. */
int64_t store_count_incidents(struct store *);
int64_t store_count_events(struct store *);
/* beacon db backup: a consistent copy of the whole database in a new file
 * at path (SQLite's online backup: beacond may go on writing), synced to
 * disk; never over an existing file. */
int store_backup(struct store *, const char *path, char **cause);

/* Open incidents; -1 on error. */
int64_t store_open_count(struct store *);
int store_reject(struct store *, int64_t ts, const char *topic,
    const char *report_id, const char *error, const void *payload,
    size_t len);
/* The messages a sender sent over its limit: one row for count of them
 * (the payload is the first one's). Returns the row's id, or -1. */
int64_t store_reject_excess(struct store *, int64_t ts, const char *topic,
    const char *error, const void *payload, size_t len, int64_t count);
/* Rewrite that row's error and count at the end of its interval: 1, or 0
 * when the row is not there (rolled back), or -1 on error. */
int store_reject_recount(struct store *, int64_t id, int64_t ts,
    const char *topic, const char *error, int64_t count);
/* How many rejects are recorded (tests and `beacon db check`). */
int64_t store_reject_count(struct store *);
/* How many messages they stand for. */
int64_t store_reject_messages(struct store *);

/* ---- the notification outbox (docs/reliability.md) ---------------------
 * Each notification is a row, committed with the event that caused it:
 * pending, then published (handed to the broker; attempts counts them),
 * then delivered (the broker's PUBACK). After a restart, what is not
 * delivered is published again.
 */
struct outbox_row {
	int64_t id;
	int64_t incident;
	const char *responder;	/* the strings are borrowed for the call */
	const char *topic;
	const char *payload;
	const char *state;	/* "pending" or "published" */
	int attempts;
};
/* The new row's id, or -1. */
int64_t store_outbox_add(struct store *, int64_t incident,
    const char *responder, const char *topic, const char *payload,
    int64_t ts);
/* The same, for a notification the record keeps as a recipe (a shorter
 * text that makes payload again: msg_notify_recipe). A row rebuilt from
 * the record has the recipe for its payload: the engine makes the
 * notification again when it publishes it after a restart. */
int64_t store_outbox_add_recipe(struct store *, int64_t incident,
    const char *responder, const char *topic, const char *payload,
    const char *recipe, int64_t ts);
/* Mark a row published (attempts + 1; never undoes delivered) or
 * delivered. 0 or -1. */
int store_outbox_mark(struct store *, int64_t id, int delivered, int64_t ts);
typedef int (*store_outbox_cb)(const struct outbox_row *, void *arg);
/* The rows not delivered, oldest first; cb returns non-zero to stop. */
int store_outbox_undelivered(struct store *, store_outbox_cb, void *arg);

/* ---- on duty (duty.h) ---------------------------------------------------
 * Run-time overrides of who is on duty, and their own timeline
 * (oncall_events, append-only): "set" and "cleared". */
struct duty_override;
/* Record the override (ov->id ignored) and its "set" event; its id, or
 * -1. */
int64_t store_oncall_set(struct store *, const struct duty_override *,
    const char *detail);
/* Clear the overrides of responder at branch (NULL: every branch) that
 * are not over at now, each with a "cleared" event by `by`. How many, or
 * -1. */
int store_oncall_clear(struct store *, const char *responder,
    const char *branch, const char *by, int64_t now);
typedef int (*store_oncall_cb)(const struct duty_override *, void *arg);
/* The overrides neither cleared nor over at now, oldest first. */
int store_oncall_active(struct store *, int64_t now, store_oncall_cb,
    void *arg);
struct oncall_event {
	int64_t ts;
	char kind[16];
	int64_t override;
	char responder[ID_MAX + 1];
	char branch[ID_MAX + 1];
	char actor[ID_MAX + 1];
	char detail[DETAIL_MAX + 1];
};
typedef int (*store_oncall_event_cb)(const struct oncall_event *,
    void *arg);
/* The on-call timeline from since, of one branch (NULL: all). */
int store_oncall_events(struct store *, int64_t since, const char *branch,
    store_oncall_event_cb, void *arg);
/* ---- alarms that are not real ------------------------------------------
 * A repeated press joins an open incident; a branch may be in drill mode
 * or paused for device testing until a time.
 */
/* One more press: presses + 1 (set in inc->presses), and the incident's
 * severity, location, note, its lists and updated from inc. */
int store_incident_press(struct store *, struct incident *inc);
/* The open incidents of this branch, category and drill flag created at
 * or after since, the latest first; a callback returning non-zero stops
 * the walk. 0, or -1 on error. */
int store_incident_joinable(struct store *, const char *branch,
    const char *type, int drill, int64_t since, store_incident_cb,
    void *arg);
/* Record inc's related incidents. */
int store_incident_related(struct store *, const struct incident *inc);
/* Each responder notified for the incident, once (borrowed for the
 * call); a callback returning non-zero stops the walk. */
typedef int (*store_name_cb)(const char *name, void *arg);
int store_notified(struct store *, int64_t incident, store_name_cb,
    void *arg);

/* A report joined to an incident as another press (its own id), so that
 * a retry of it is known: 1 found (the incident), 0 not, -1 error. */
int store_press_add(struct store *, const char *branch,
    const char *report_id, int64_t incident, int64_t ts);
int store_press_incident(struct store *, const char *branch,
    const char *report_id, struct incident *out);
/* The ids of the reports joined to the incident, in the order they came
 * (borrowed for the call); 0, or -1 on error. */
int store_press_reports(struct store *, int64_t incident, store_name_cb,
    void *arg);

struct branch_mode {
	char branch[ID_MAX + 1];
	char mode[16];		/* "drill" or "pause" */
	int64_t ts;		/* when it was set (ms) */
	int64_t until;		/* in force while now < until; a stop: ts */
	char actor[ID_MAX + 1];	/* the supervisor who set it */
};
/* Append a start or a stop (never changes an earlier row). */
int store_mode_set(struct store *, const struct branch_mode *);
/* The latest row for branch and mode: 1 found, 0 never set, -1 error. */
int store_mode_get(struct store *, const char *branch, const char *mode,
    struct branch_mode *out);

/*
 * Replication for a standby pair (docs/deployment.md). store_replicate
 * records this instance's term (its lease) and from then on hands fn each
 * committed transaction's changes, framed, after the commit and before
 * anything that follows it is announced. 0, or -1 (logged).
 */
typedef void (*store_changes_fn)(void *arg, const void *buf, size_t len);
int store_replicate(struct store *, const char *instance, int64_t term,
    int64_t now, store_changes_fn fn, void *arg);
/* Apply the changes `source` published, once, in the transaction open or
 * one it begins; the caller commits (several payloads may share one
 * commit). 1 applied, 0 had been already, 2 a gap: not the next change
 * after the last one applied (nothing done), -1 not (*cause, to free). */
int store_replica_apply(struct store *, const char *source, const void *buf,
    size_t len, int64_t now, char **cause);
/* The highest term this database has recorded, its own or its partner's
 * (0: none): a claim must be above it. */
int64_t store_replica_term(struct store *);
/* The last (term, seq) of `source`'s changes applied here ((0, 0):
 * none): 0, or -1. */
int store_replica_position(struct store *, const char *source,
    int64_t *term, int64_t *seq);
/* Replicating: the (term, seq) of this instance's last change; 0, or -1
 * when not replicating. */
int store_replica_self(struct store *, int64_t *term, int64_t *seq);

/*
 * A fresh copy for a standby (docs/deployment.md). store_copy_make, on the
 * replicating instance between two transactions: "beacon-copy 1 SCHEMA
 * SOURCE TERM SEQ\n", then (whole) the database as of that change, or
 * NULL with *cause; the caller frees either. store_copy_install, on the
 * standby outside a transaction: replace this database's content with a
 * copy of `source`, keeping the old content in {path}.replaced; 0, or -1
 * with *cause (nothing changed). The parse fills *hlen (a header only:
 * hlen == len).
 */
char *store_copy_make(struct store *, int whole, size_t *len, char **cause);
int store_copy_header_parse(const void *buf, size_t len, int *schema,
    char *source, size_t sourcelen, int64_t *term, int64_t *seq,
    size_t *hlen, char **cause);
int store_copy_install(struct store *, const char *source, const void *buf,
    size_t len, char **cause);

#endif
