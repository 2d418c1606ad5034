/*
 * The incident engine's test fixture, shared by the test_engine_*.c files:
 * a real store, the scheduler driven by hand, the test clock, and every
 * publication captured, with builders for reports, responses and requests.
 */
#include <sys/resource.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "conf.h"
#include "engine.h"
#include "fixture.h"
#include "msg.h"
#include "timers.h"
#include "store.h"

#include "engine_fixture.h"

static void
sink(void *arg, const char *topic, const char *payload, size_t len,
    int retain, const void *corr, size_t corrlen, int64_t tag)
{
	struct fixture *f = arg;
	struct pub *p;

	assert_true(f->npubs < MAXPUB);
	p = &f->pubs[f->npubs++];
	snprintf(p->topic, sizeof p->topic, "%s", topic);
	snprintf(p->payload, sizeof p->payload, "%.*s", (int)len, payload);
	p->retain = retain;
	/* A reply carries the request's correlation data back. */
	p->corr = corr != NULL && corrlen == 2 && memcmp(corr, "c1", 2) == 0;
	p->tag = tag;
}

static void
wakeup(void *arg)
{
	((struct fixture *)arg)->wakeups++;
}

/* The deadline of the engine's timer of this kind (the name its room
 * registered) for id, or -1. */
int64_t
due_of(struct fixture *f, const char *kind, int64_t id)
{
	int k = timers_kind(f->sched, kind);

	assert_true(k >= 0);
	return timers_due(f->sched, k, id);
}

void
fixture_engine(struct fixture *f)
{
	f->sched = timers_new(NULL);
	f->e = engine_new(f->cf, f->st, sink, wakeup, f);
	engine_set_sched(f->e, f->sched);
}

int
setup_path(void **state, const char *db)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *cause = NULL;

	if ((f->cf = fixture_config("engine.conf")) == NULL)
		return -1;
	if ((f->st = store_open(db, 0, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	fixture_engine(f);
	clock_set(T0);
	*state = f;
	return 0;
}

int
setup(void **state)
{
	return setup_path(state, ":memory:");
}

void
fixture_engine_free(struct fixture *f)
{
	engine_free(f->e);
	timers_free(f->sched);
}

int
teardown(void **state)
{
	struct fixture *f = *state;

	fixture_engine_free(f);
	store_close(f->st);
	conf_free(f->cf);
	free(f);
	clock_set(-1);
	return 0;
}

/* Deliver a message and end the loop turn, as beacond does. */
void
deliver(struct fixture *f, const char *topic, const char *payload)
{
	f->npubs = 0;
	engine_message(f->e, topic, payload, strlen(payload));
	assert_int_equal(engine_flush(f->e), 0);
}

void
report(struct fixture *f, const char *branch, const char *id,
    const char *type)
{
	char topic[128], payload[256];

	snprintf(topic, sizeof topic, "beacon/report/%s", branch);
	snprintf(payload, sizeof payload, "{\"id\":\"%s\",\"type\":\"%s\"}",
	    id, type);
	deliver(f, topic, payload);
}

void
respond(struct fixture *f, const char *who, int incident, const char *action)
{
	char topic[128], payload[256];

	snprintf(topic, sizeof topic, "beacon/respond/%s", who);
	snprintf(payload, sizeof payload,
	    "{\"incident\":%d,\"action\":\"%s\"}", incident, action);
	deliver(f, topic, payload);
}

/* A supervisor request with a response topic; returns the reply. */
const struct pub *
request(struct fixture *f, const char *who, const char *payload)
{
	char topic[128], reply[128];
	size_t i;

	f->npubs = 0;
	snprintf(topic, sizeof topic, "beacon/query/%s", who);
	snprintf(reply, sizeof reply, "beacon/reply/%s/x", who);
	engine_request(f->e, topic, payload, strlen(payload), reply, "c1", 2);
	assert_int_equal(engine_flush(f->e), 0);
	for (i = 0; i < f->npubs; i++)
		if (strcmp(f->pubs[i].topic, reply) == 0) {
			assert_true(f->pubs[i].corr);
			return &f->pubs[i];
		}
	fail_msg("no reply to %s", payload);
	return NULL;
}

/* Advance the test clock and fire whatever fell due. */
void
advance(struct fixture *f, int64_t ms)
{
	f->npubs = 0;
	clock_shift(ms);
	timers_run(f->sched, clock_now());
	assert_int_equal(engine_flush(f->e), 0);
}

const struct pub *
find(const struct fixture *f, const char *topic, const char *needle)
{
	size_t i;

	for (i = 0; i < f->npubs; i++)
		if (strcmp(f->pubs[i].topic, topic) == 0 &&
		    (needle == NULL || strstr(f->pubs[i].payload, needle)))
			return &f->pubs[i];
	return NULL;
}

size_t
count_prefix(const struct fixture *f, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < f->npubs; i++)
		if (strncmp(f->pubs[i].topic, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

int
incident_state(struct fixture *f, int64_t id)
{
	struct incident inc;

	memset(&inc, 0, sizeof inc);
	assert_int_equal(store_incident_get(f->st, id, &inc), 1);
	return inc.state;
}

static int
count_events(const struct event *ev, void *arg)
{
	int *n = arg;

	(void)ev;
	(*n)++;
	return 0;
}

int
count_incidents(const struct incident *inc, void *arg)
{
	int *n = arg;

	(void)inc;
	(*n)++;
	return 0;
}

int
event_count(struct fixture *f, int64_t id)
{
	int n = 0;

	assert_int_equal(store_timeline(f->st, id, count_events, &n), 0);
	return n;
}

/* Did the incident's timeline record an event of this kind whose detail
 * holds needle? */

int
find_event_cb(const struct event *ev, void *arg)
{
	struct find_event *fe = arg;

	if (strcmp(ev->kind, fe->kind) == 0 &&
	    (fe->needle == NULL || strstr(ev->detail, fe->needle) != NULL)) {
		fe->found++;
		fe->id = ev->id;
	}
	return 0;
}

int
has_event(struct fixture *f, int64_t incident, const char *kind,
    const char *needle)
{
	struct find_event fe = { kind, needle, 0, 0 };

	assert_int_equal(store_timeline(f->st, incident, find_event_cb, &fe),
	    0);
	return fe.found;
}
