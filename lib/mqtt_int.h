/*
 * The MQTT client's own header (mqtt.h is the interface): the state that
 * mqtt.c (the connection, subscriptions and loop events) and mqtt_publish.c
 * (the publication queue and window) share. Only these two include
 * mosquitto.h.
 */
#ifndef BEACON_MQTT_INT_H
#define BEACON_MQTT_INT_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include <event2/event_struct.h>
#include <mosquitto.h>

#include "mqtt.h"

#define MQTT_WINDOW 100		/* messages handed over, awaiting PUBACK */

enum mqtt_state {
	MQTT_IDLE,	 /* mqtt_connect not called yet */
	MQTT_WAITING,	 /* the retry timer is armed */
	MQTT_CONNECTING, /* TCP up, CONNECT sent, no CONNACK yet */
	MQTT_CONNECTED,	 /* CONNACK success */
	MQTT_CLOSED,	 /* mqtt_disconnect: stay down */
};

struct mqtt_msg {
	int first;		/* queued by mqtt_publish_first */
	STAILQ_ENTRY(mqtt_msg) entry;
	char *topic;
	void *payload;
	size_t len;
	int retain;
	char *response_topic;
	void *corr;
	size_t corrlen;
	long long tag;
};

/* A tagged message handed to libmosquitto, by its message id. */
struct mqtt_tag {
	int mid;
	long long tag;
};

struct mqtt {
	struct event_base *base;
	struct mosquitto *mosq;
	struct mqtt_cb cb;
	void (*subscribed)(void *, int, int); /* mqtt_on_subscribed */
	void *subscribed_arg;
	mosquitto_property *props; /* CONNECT properties */
	int keepalive;
	char *host;
	int port;
	enum mqtt_state state;

	int fd; /* the socket sock_ev watches, or -1 */
	struct event sock_ev;
	int want_write;
	struct event *misc_ev;
	struct event *retry_ev;
	int backoff; /* ms before the next attempt */
	char cause[160]; /* the last failure logged, to log it once */
	char tls_err[160]; /* what libmosquitto said of this attempt's TLS */
	int refused;	 /* this attempt's CONNACK refused it (logged) */
	int flush;	 /* CONNACK seen: flush the queue after the read */
	int in_cb;	 /* inside a libmosquitto callback (depth) */

	STAILQ_HEAD(, mqtt_msg) queue;
	size_t nqueue;
	size_t inflight;
	uint8_t mids[65536 / 8]; /* message ids awaiting a PUBACK */
	struct mqtt_tag *tags;	 /* the tagged ones among them */
	size_t ntags, tagcap;
};

/* mqtt.c: ask for EV_WRITE only while libmosquitto has something to
 * write. */
void mqtt_update_event(struct mqtt *);

/* mqtt_publish.c: move queued messages to libmosquitto while fewer than
 * window await a PUBACK; free one queued message; the PUBACK callback. */
void mqtt_drain(struct mqtt *, size_t window);
void mqtt_msg_free(struct mqtt_msg *);
void mqtt_on_publish(struct mosquitto *, void *arg, int mid, int reason,
    const mosquitto_property *);

#endif
