/*
 * MQTT v5 client on libmosquitto inside a libevent loop (mqtt.c and
 * mqtt_publish.c are the only users of mosquitto.h). One event on mosquitto_socket() calls loop_read /
 * loop_write; a 1 s timer calls loop_misc (the keepalive); a one-shot
 * timer retries a lost or refused connection with backoff (0.5 s doubling
 * to 10 s). Never loop_start/loop_forever. TCP_NODELAY is always set.
 */
#ifndef BEACON_MQTT_H
#define BEACON_MQTT_H

#include <stddef.h>

struct event_base;
struct mqtt;

/* The MQTT v5 request/response properties of a message. */
struct mqtt_props {
	const char *response_topic; /* NULL: none */
	const void *corr;	    /* correlation data; NULL: none */
	size_t corrlen;
	/* Publishing only: non-zero asks for cb.acked with this tag when the
	 * broker acknowledges the message (or refuses it). */
	long long tag;
	/* Receiving only: 1 for a retained message the broker kept, sent
	 * because of a new subscription (not a live one). */
	int retained;
};

struct mqtt_cb {
	/* Connected (also after each reconnect): subscribe here. */
	void (*connected)(void *arg);
	/* Lost the connection; mqtt.c reconnects by itself. */
	void (*disconnected)(void *arg, const char *why);
	/* A message; topic, payload and props are only valid during the
	 * call. props is never NULL; its fields are NULL when absent. */
	void (*message)(void *arg, const char *topic, const void *payload,
	    size_t len, const struct mqtt_props *props);
	void *arg;
	/* The PUBACK of a tagged publication: ok is 1 when the broker took
	 * the message, 0 when it refused it (why says how). May be NULL. */
	void (*acked)(void *arg, long long tag, int ok, const char *why);
};

struct mqtt_opts {
	const char *client_id;  /* NULL: a random one */
	int clean_start;        /* 0: keep the session */
	int session_expiry;     /* seconds; used when clean_start is 0 */
	int keepalive;          /* seconds */
	const char *username;   /* may be NULL */
	const char *password;   /* may be NULL */
	const char *will_topic; /* may be NULL */
	const char *will_payload;
	int will_retain;
	/* TLS, when cafile or capath is set (NULL: plain MQTT): the broker's
	 * certificate must be signed by one of these CAs and name the host
	 * connected to; TLS 1.2 at least. certfile and keyfile, both or
	 * neither, are the client certificate and its key. */
	const char *cafile;
	const char *capath;
	const char *certfile;
	const char *keyfile;
};

/* Returns NULL and logs when libmosquitto cannot set up the client (its
 * options, or the TLS files). */
struct mqtt *mqtt_new(struct event_base *, const struct mqtt_opts *,
    const struct mqtt_cb *);
void mqtt_free(struct mqtt *);
/* Start connecting; if the broker is not there, retry with backoff
 * (0.5 s doubling to 10 s) until it is. Returns -1 only on bad arguments. */
int mqtt_connect(struct mqtt *, const char *host, int port);
int mqtt_connected(const struct mqtt *);
/* Subscribe with QoS 1 (qos 0 or 1 allowed); -1 if not connected. */
int mqtt_subscribe(struct mqtt *, const char *pattern, int qos);
/* The same; returns the message id that mqtt_on_subscribed's fn will
 * name once the broker has the subscription, or -1. */
int mqtt_subscribe_mid(struct mqtt *, const char *pattern, int qos);
/* Call fn with each SUBACK: ok is 1 when the broker holds the
 * subscription of `mid`, 0 when it refused it. */
void mqtt_on_subscribed(struct mqtt *, void (*fn)(void *arg, int mid,
    int ok), void *arg);
int mqtt_unsubscribe(struct mqtt *, const char *pattern);
/*
 * Publish QoS 1. While disconnected, messages are queued in order and sent
 * after the next connect, so nothing handed to mqtt_publish is dropped
 * while the process runs. An empty payload with retain clears a retained
 * message. Returns 0, or -1 on a bad topic.
 */
int mqtt_publish(struct mqtt *, const char *topic, const void *payload,
    size_t len, int retain);
/* The same with request/response properties (props may be NULL). */
int mqtt_publish_props(struct mqtt *, const char *topic, const void *payload,
    size_t len, int retain, const struct mqtt_props *props);
/* The same ahead of everything still queued (beacond's own status after
 * a reconnection must not wait behind the backlog it flushes). */
int mqtt_publish_first(struct mqtt *, const char *topic, const void *payload,
    size_t len, int retain);
/* Messages handed to mqtt_publish and not yet acknowledged (PUBACK). */
size_t mqtt_pending(const struct mqtt *);
/* Hold back (1) the publications that follow, then send them (0) in as few
 * TCP segments as they fill (TCP_CORK): a loop turn's publications leave
 * together rather than one segment each. */
void mqtt_cork(struct mqtt *, int on);
/* Send a clean DISCONNECT (the will is not published). */
void mqtt_disconnect(struct mqtt *);
/* Parse "host:port" or "host" (port defaults to dport); 0 or -1. The
 * caller frees *host. */
int mqtt_parse_addr(const char *addr, int dport, char **host, int *port);

#endif
