/*
 * beacon-button: one USB panic button or foot pedal, one configuration
 * file, one MQTT connection (docs/button.md). main.c sets it up and runs
 * the loop; button.c turns key presses into reports and keeps the device's
 * presence; outbox.c (on the delivery it shares with `beacon report`,
 * clients/deliver.h and clients/spool.h) and probe.c do the rest.
 */
#ifndef BUTTON_BUTTON_H
#define BUTTON_BUTTON_H

#include <stddef.h>
#include <stdint.h>

#include "press.h"

struct button_conf;
struct button_conf_key;
struct event;
struct event_base;
struct input;
struct mqtt;
struct mqtt_props;
struct outbox;
struct probe;
struct report;
struct spool;

struct button {
	struct button_conf *cf;
	struct event_base *base;
	struct mqtt *mqtt;
	struct input *input;
	struct spool *spool;
	struct outbox *outbox;
	struct probe *probe;
	struct press *press;	/* one per cf->keys, in the same order */
	struct event *press_ev;	/* the next long press's deadline */
	char *presence_topic;
	int present;		/* the input device is open */
	struct event *close_ev;	/* stopping: waits for the last PUBACKs */
	int64_t closing_until;	/* monotonic ms; 0: running */
};

/* The index in cf->keys of a key code, or -1. */
int button_key_index(const struct button_conf *, int code);
/* The report a press makes: a fresh id, the key's category (or the long
 * press's, silent), the device and its location. */
void button_report_fill(const struct button_conf *,
    const struct button_conf_key *, enum press_what, struct report *);

/* The will: the presence that says offline, without a time. The caller
 * frees it. */
char *button_will(void);
/* The retained presence, now. */
void button_presence(struct button *, int online);

/* Set up the presses and their timer, once the loop exists. */
void button_press_setup(struct button *);
void button_press_free(struct button *);

/* input.h's callbacks. */
void button_key(void *arg, int code, int value);
void button_input_state(void *arg, int up, const char *why);
/* mqtt.h's callbacks. */
void button_connected(void *arg);
void button_disconnected(void *arg, const char *why);
void button_message(void *arg, const char *topic, const void *payload,
    size_t len, const struct mqtt_props *);

#endif
