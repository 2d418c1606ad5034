/*
 * The incident engine's test fixture, shared by the test_engine_*.c files:
 * a real store, the scheduler driven by hand, the test clock, and every
 * publication captured, with builders for reports, responses and requests.
 */
#ifndef BEACON_TEST_ENGINE_FIXTURE_H
#define BEACON_TEST_ENGINE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct store;
struct timers;
struct engine;
struct event;
struct incident;

#define T0 1795000000000LL
#define MAXPUB 256

struct pub {
	char topic[128];
	char payload[4096];
	int retain;
	int corr; /* carried the correlation data "c1" */
	int64_t tag; /* a notification's outbox row */
};

struct fixture {
	struct config *cf;
	struct store *st;
	struct timers *sched;
	struct engine *e;
	struct pub pubs[MAXPUB];
	size_t npubs;
	int wakeups;
};

struct find_event {
	const char *kind, *needle;
	int found;
	int64_t id;
};

/* The deadline of the engine's timer of this kind (the name its room
 * registered) for id, or -1. */
int64_t
due_of(struct fixture *f, const char *kind, int64_t id);

void
fixture_engine(struct fixture *f);

int
setup_path(void **state, const char *db);

int
setup(void **state);

void
fixture_engine_free(struct fixture *f);

int
teardown(void **state);

/* Deliver a message and end the loop turn, as beacond does. */
void
deliver(struct fixture *f, const char *topic, const char *payload);

void
report(struct fixture *f, const char *branch, const char *id,
    const char *type);

void
respond(struct fixture *f, const char *who, int incident, const char *action);

/* A supervisor request with a response topic; returns the reply. */
const struct pub *
request(struct fixture *f, const char *who, const char *payload);

/* Advance the test clock and fire whatever fell due. */
void
advance(struct fixture *f, int64_t ms);

const struct pub *
find(const struct fixture *f, const char *topic, const char *needle);

size_t
count_prefix(const struct fixture *f, const char *prefix);

int
incident_state(struct fixture *f, int64_t id);

int
count_incidents(const struct incident *inc, void *arg);

int
event_count(struct fixture *f, int64_t id);

int
find_event_cb(const struct event *ev, void *arg);

int
has_event(struct fixture *f, int64_t incident, const char *kind,
    const char *needle);

#endif
