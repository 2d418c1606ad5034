/*
 * The SQLite store (store.c is the only user of sqlite3.h). WAL, synchronous
 * FULL, foreign keys, a user_version schema with stepwise migrations. The
 * events table is append-only (triggers refuse UPDATE and DELETE): it is the
 * evidence. All functions return 0 on success and -1 on error after logging
 * it, unless said otherwise.
 */
#ifndef BEACON_STORE_H
#define BEACON_STORE_H

#include "beacon.h"

struct store;

#define STORE_RDONLY 0x1 /* open an existing database read-only */

/* path may be ":memory:". On failure returns NULL and sets *cause (a
 * sentence the caller frees): a missing database in read-only mode, a file
 * that is not a database, or a schema newer than this program. */
struct store *store_open(const char *path, int flags, char **cause);
void store_close(struct store *);
int store_schema_version(struct store *);
/* Run SQL that returns no rows (maintenance, `beacon db`, tests); the
 * triggers and constraints still apply. */
int store_exec(struct store *, const char *sql);

/* Transactions: beacond groups what one loop turn wrote into one. */
int store_begin(struct store *);
int store_commit(struct store *);
void store_rollback(struct store *);
int store_in_txn(struct store *);

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
/* Open incidents with an escalation deadline (due_at >= 0). */
int store_pending(struct store *, store_incident_cb, void *arg);

/* Append an event; sets ev->id. ev->ts is used as given. */
int store_event_append(struct store *, struct event *ev);
/* The incident's events in order. */
int store_timeline(struct store *, int64_t incident, store_event_cb,
    void *arg);
/* 1 if the responder was notified for the incident, 0 if not, -1 error. */
int store_was_notified(struct store *, int64_t incident,
    const char *responder);

/* Record refused input (kept, never silently dropped). report_id may be
 * NULL; the payload is kept up to PAYLOAD_MAX bytes. */
int store_reject(struct store *, int64_t ts, const char *topic,
    const char *report_id, const char *error, const void *payload,
    size_t len);
/* How many rejects are recorded (tests and `beacon db check`). */
int64_t store_reject_count(struct store *);

#endif
