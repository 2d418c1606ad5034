/*
 * The one connection module of the beacon commands: an event_base of its
 * own, an MQTT client on lib/mqtt.h, the subscriptions (made again after
 * every reconnection), timers and SIGINT/SIGTERM through the loop. A
 * command sets it up, runs it, and ends it with conn_exit().
 */
#ifndef BEACON_CONN_H
#define BEACON_CONN_H

#include <stddef.h>
#include <stdint.h>

struct conn;
struct mqtt;

struct conn_cb {
	/* Connected and subscribed; again after each reconnection. */
	void (*ready)(struct conn *, void *arg);
	/* A message with a payload (empty ones, which only clear a retained
	 * message, are dropped here). Valid only during the call. */
	void (*message)(struct conn *, void *arg, const char *topic,
	    const char *payload, size_t len);
	/* SIGINT or SIGTERM; NULL: exit EXIT_INTERRUPT. */
	void (*interrupt)(struct conn *, void *arg);
	void *arg;
};

typedef void (*conn_timer_fn)(struct conn *, void *arg);

/* The broker account of every connection made from now on (either may be
 * NULL; a password needs a user name). The strings must outlive them. */
void conn_login(const char *username, const char *password);
/* TLS for every connection made from now on: the broker's certificate
 * must be signed by cafile's CA and name the host connected to; cert and
 * key (both or neither) are a client certificate. cafile NULL: plain
 * MQTT. The strings must outlive the connections. */
void conn_tls(const char *cafile, const char *cert, const char *key);
/* NULL with *cause set (the caller frees it) on a bad broker address. */
struct conn *conn_new(const char *broker, const char *prefix,
    const struct conn_cb *, char **cause);
void conn_free(struct conn *);
/* The topic prefix, for topic_make (topic.h). */
const char *conn_prefix(struct conn *);
/* Subscribe (QoS 1) to filter, from the next connection on. The filter
 * is taken (made with topic_make) and freed with the connection. */
void conn_subscribe(struct conn *, char *filter);
/* If topic is prefix/kind/REST, REST; otherwise NULL (topic_match). */
const char *conn_match(struct conn *, const char *topic, const char *kind);
/* QoS 1, not retained; queued while disconnected. */
void conn_publish(struct conn *, const char *topic, const char *payload);
int conn_connected(struct conn *);
/* The MQTT client, for a module that publishes on its own (deliver.h). */
struct mqtt *conn_mqtt(struct conn *);
/* Published messages the broker has not acknowledged yet. */
size_t conn_pending(struct conn *);
/* Call fn after ms, once or (every) repeatedly, until conn_free. */
void conn_timer(struct conn *, int64_t ms, int every, conn_timer_fn);
/* Connect and run until conn_exit; returns its status. */
int conn_run(struct conn *);
void conn_exit(struct conn *, int status);
/*
 * One supervisor request (docs/protocol.md, "Supervisor requests"):
 * publish request (JSON) on prefix/query/{as} with an MQTT v5 response
 * topic of its own and correlation data, and wait up to timeout_ms for
 * the reply with that correlation data. Returns EXIT_OK with *reply (a
 * NUL-terminated copy the caller frees) and *len; EXIT_TIMEOUT when no
 * reply came, or EXIT_LOCAL on a bad broker address, both with *cause (a
 * sentence the caller frees); EXIT_INTERRUPT on SIGINT or SIGTERM.
 * Whether the reply says ok is for the caller (msg_reply_decode).
 */
int conn_request(const char *broker, const char *prefix, const char *as,
    const char *request, int64_t timeout_ms, char **reply, size_t *len,
    char **cause);
/* "127.0.0.1:1883", for messages. */
const char *conn_broker(struct conn *);

#endif
