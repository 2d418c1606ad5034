/*
 * Device health (docs/protocol.md, "Devices"): the presence of each
 * branch's report buttons, desk pages and responder apps, their
 * self-tests, and the supervisor told when a report device has been
 * offline too long, and again when it is back. Also each branch's
 * retained configuration for the report pages. The engine lends what it
 * owns (the store, the scheduler, its publication queue) through struct
 * health_env; this module keeps no state of its own.
 */
#ifndef BEACON_HEALTH_H
#define BEACON_HEALTH_H

#include <stddef.h>
#include <stdint.h>

/* The branch of responder apps, which serve no one branch. */
#define HEALTH_RESPONDERS "_responders"
/* beacon/config/{this}: the whole library's ids and labels. */
#define HEALTH_LIBRARY "_library"

struct config;
struct store;
struct timers;

struct health_env {
	const struct config *cf;
	struct store *st;
	struct timers *sched;	/* NULL: no timers (some unit tests) */
	int64_t key_mul, key_add; /* a device's timer key: id * mul + add */
	/* Queue a publication (topic and payload are taken over) to go out
	 * after this turn's commit; touch opens the turn's transaction. */
	void (*queue)(void *arg, char *topic, char *payload, int retain);
	void (*touch)(void *arg);
	/* Refuse bad input: recorded and answered on the error topic. */
	void (*reject)(void *arg, const char *topic, const char *branch,
	    const char *error, const void *payload, size_t len);
	void *arg;
};

/* beacon/device/{branch}/{device}: a presence message. */
void health_presence(const struct health_env *, const char *topic,
    const char *branch, const char *device, const void *payload, size_t len,
    int64_t now);
/* beacon/selftest/{branch}/{device}: answered at once, recorded. */
void health_selftest(const struct health_env *, const char *topic,
    const char *branch, const char *device, const void *payload, size_t len,
    int64_t now);
/* A device's timer fired (its key's id). */
void health_timer(const struct health_env *, int64_t id, int64_t now);
/* Re-arm the timers kept in the database after a restart. */
int health_restore(const struct health_env *);
/* Publish every branch's beacon/config/{branch}, retained. */
void health_config(const struct health_env *, int64_t now);
/* 1 for the kinds whose absence is reported: buttons and report pages. */
int health_is_report_device(const char *kind);

#endif
