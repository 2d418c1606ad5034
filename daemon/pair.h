/*
 * beacond's side of a standby pair (standby: { } in the configuration;
 * docs/deployment.md): the lease, presence, replica and sync topics, the
 * answers to the partner's questions and the takeover. standby.c decides
 * who holds the lease and catchup.c places a standby in its partner's
 * changes; this module connects them to the broker and the store. beacond
 * owns the connection and the engine: it hands this module each message
 * and the end of each loop turn, and it reconnects, starts the engine and
 * starts again when this module says so.
 */
#ifndef BEACON_PAIR_H
#define BEACON_PAIR_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct event_base;
struct mqtt;
struct mqtt_props;
struct pair;
struct store;

struct pair_cb {
	/* Run the end of the loop turn (beacond's flush) soon. */
	void (*wakeup)(void *arg);
	/* Took over: disconnect and connect again as the active session,
	 * then hand the new connection to pair_set_mqtt. */
	void (*reconnect)(void *arg);
	/* Took over, connected and replicating: start the engine. */
	void (*activate)(void *arg);
	/* Stop being active: start again as the standby (does not
	 * return). */
	void (*restart)(void *arg);
	void *arg;
};

/* Reads the pair's settings once: a reload does not change the pair
 * (configuration.md). It stands by first. */
struct pair *pair_new(struct event_base *, struct store *,
    const struct config *, const struct pair_cb *);
void pair_free(struct pair *);
/* The connection to publish and subscribe on (standing by: also the
 * SUBACKs to follow). */
void pair_set_mqtt(struct pair *, struct mqtt *);
/* Standing by: the session's client id suffix and its will's topic. */
const char *pair_instance(const struct pair *);
const char *pair_will_topic(const struct pair *);
/* Connected (after each connection): the pair's subscriptions. */
void pair_connected(struct pair *);
/* beacond lost its connection. */
void pair_disconnected(struct pair *);
/* A message for the pair: 1 when it was (the engine does not see it). */
int pair_message(struct pair *, const char *topic, const void *payload,
    size_t len, const struct mqtt_props *);
/* The end of a loop turn: a standby commits what it applied, an active
 * instance answers the partner's question. */
void pair_flushed(struct pair *);
/* A signal said stop: no more role changes; a standby says it is gone. */
void pair_stop(struct pair *);

#endif
