/*
 * The MQTT client's test fixture, shared by the test_mqtt_*.c files: a
 * mosquitto broker of our own on a free port, started, crashed and stopped
 * at will, and peers that count what they see, with an event loop run until
 * a condition holds.
 */
#ifndef BEACON_TEST_MQTT_FIXTURE_H
#define BEACON_TEST_MQTT_FIXTURE_H

#include <sys/types.h>

#include <stddef.h>

#include <event2/event.h>

#include "mqtt.h"

#define BURST 5000

/* ---- a broker of our own ------------------------------------------------- */

struct broker {
	char bin[4096];
	char dir[4096];
	int port;
	pid_t pid;
};

#define NEED_BROKER()                                                          \
	do {                                                                   \
		if (broker.bin[0] == '\0')                                     \
			fail_msg("no mosquitto on the PATH, in /usr/sbin or "  \
			    "/usr/local/sbin (make deps installs it)");        \
	} while (0)

/* ---- clients ------------------------------------------------------------- */

struct peer {
	struct mqtt *m;
	const char *sub; /* subscribed on every connect */
	int connects;
	int disconnects;
	size_t nmsg;
	char last_topic[256];
	char last_payload[256];
	/* The burst: messages "burst <n>" must come as 0, 1, 2... */
	long next_seq;
	int out_of_order;
	/* Disconnect from inside the message callback on this payload. */
	const char *stop_on;
	/* Published (retained) from the connected callback, if set. */
	const char *hello_topic;
	const char *hello;
};

extern struct broker broker;

/* A port nobody listens on right now. */
int
free_port(void);

/* Start on port; 0 once it accepts connections, -1 if it exited. */
int
broker_start_on(int port);

/* Some other process may take a free port first: try a few. */
void
broker_start(void);

/* The broker dies with a message unacknowledged: stop it, then kill it. */
void
broker_crash(void);

void
broker_kill(void);

void
broker_stop(void);

int
setup_broker(void **state);

int
teardown_broker(void **state);

struct mqtt *
peer_new_opts(struct event_base *base, struct peer *p,
    const struct mqtt_opts *o, const char *sub);

struct mqtt *
peer_new(struct event_base *base, struct peer *p, const char *id,
    const char *sub);

/* Run the loop until cond holds or ms pass; returns whether it held. */
int
run_until(struct event_base *base, int (*cond)(void *), void *arg, int ms);

int
is_connected(void *arg);

int
got_message(void *arg);

int
is_down(void *arg);

int
client_up(void *arg);

int
got_burst(void *arg);

int
nothing_pending(void *arg);

/* Publish to the subscriber's own topic and wait for it to come back:
 * then its subscription is certainly in place. */
void
sync_peer(struct event_base *base, struct peer *p, const char *topic);

#endif
