/*
 * The SQLite store's test fixture, shared by the test_store_*.c files:
 * an empty ":memory:" store and a temporary directory for files, builders
 * of incidents and events, walks that collect what they see, and a capture
 * of the log.
 */
#ifndef BEACON_TEST_STORE_FIXTURE_H
#define BEACON_TEST_STORE_FIXTURE_H

#include <stdint.h>

struct event;
struct incident;
struct store;

#define T0 INT64_C(1795341600000) /* 2026-11-22T10:00:00Z */

struct fixture {
	struct store *st;
	char dir[64];
	char path[128]; /* a database file in dir, not created yet */
};

/* Collects what a walk returns. */
struct seen {
	int64_t ids[16];
	int n;
	int stop_after; /* 0: never stop */
};

int
setup(void **state);

int
teardown(void **state);

/* Replace the fixture's store by one on the file database. */
void
use_file(struct fixture *f, int flags);

/* Open a database that must be refused; returns the cause (caller frees). */
char *
open_refused(const char *path, int flags);

/* 0 when the SQL expression is true in the database, -1 when not. */
int
sql_true(struct store *st, const char *expr);

/* An incident with every field set to something distinct. */
void
fill(struct incident *inc, const char *branch, const char *report_id);

void
assert_incident_equal(const struct incident *a, const struct incident *b);

int64_t
add_incident(struct store *st, const char *branch, const char *report_id,
    int state, int64_t due_at);

int64_t
add_event(struct store *st, int64_t incident, int64_t ts, const char *kind,
    const char *actor);

/* store_event_append's result for a minimal event. */
int
try_event(struct store *st, int64_t incident);

int
seen_incident(const struct incident *inc, void *arg);

int
seen_event(const struct event *ev, void *arg);

struct seen
walk_incidents(struct store *st, int flags, const char *branch);

struct seen
walk_timeline(struct store *st, int64_t incident);

#endif
