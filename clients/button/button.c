/*
 * Key presses into reports, and the device's presence (button.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "beacon.h"
#include "button.h"
#include "button_conf.h"
#include "clock.h"
#include "input.h"
#include "log.h"
#include "mono.h"
#include "mqtt.h"
#include "msg.h"
#include "outbox.h"
#include "probe.h"
#include "xmalloc.h"

#define BUTTON_KIND "button"

int
button_key_index(const struct button_conf *cf, int code)
{
	size_t i;

	for (i = 0; i < cf->nkeys; i++)
		if (cf->keys[i].code == code)
			return (int)i;
	return -1;
}

void
button_report_fill(const struct button_conf *cf,
    const struct button_conf_key *k, enum press_what what, struct report *r)
{
	int lng = what == PRESS_LONG;

	memset(r, 0, sizeof *r);
	id_random("btn-", r->id, sizeof r->id);
	strlcpy_utf8(r->type, lng ? cf->long_press_type : k->type,
	    sizeof r->type);
	/* A long press is the duress signal: nothing shows at the desk. */
	r->silent = lng || k->silent;
	strlcpy_utf8(r->device, cf->device, sizeof r->device);
	if (cf->location != NULL)
		strlcpy_utf8(r->location, cf->location, sizeof r->location);
}

/* ---- presses ------------------------------------------------------------ */

static void
button_fire(struct button *b, size_t i, enum press_what what)
{
	const struct button_conf_key *k = &b->cf->keys[i];
	struct report r;

	if (what == PRESS_NONE)
		return;
	button_report_fill(b->cf, k, what, &r);
	log_info("report=%s event=pressed key=%s press=%s type=%s silent=%d",
	    r.id, k->key, what == PRESS_LONG ? "long" : "short", r.type,
	    r.silent);
	outbox_add(b->outbox, &r);
}

/* One timer for the earliest long press of any key held. */
static void
button_press_arm(struct button *b, int64_t now)
{
	int64_t next = -1, d;
	struct timeval tv;
	size_t i;

	for (i = 0; i < b->cf->nkeys; i++)
		if ((d = press_deadline(&b->press[i])) >= 0 &&
		    (next < 0 || d < next))
			next = d;
	if (next < 0) {
		evtimer_del(b->press_ev);
		return;
	}
	d = next > now ? next - now : 0;
	tv.tv_sec = d / 1000;
	tv.tv_usec = d % 1000 * 1000;
	evtimer_add(b->press_ev, &tv);
}

static void
button_press_due(evutil_socket_t fd, short what, void *arg)
{
	struct button *b = arg;
	int64_t now = mono_now();
	size_t i;

	(void)fd;
	(void)what;
	for (i = 0; i < b->cf->nkeys; i++)
		button_fire(b, i, press_tick(&b->press[i], now));
	button_press_arm(b, now);
}

void
button_press_setup(struct button *b)
{
	size_t i;

	b->press = xcalloc(b->cf->nkeys, sizeof *b->press);
	for (i = 0; i < b->cf->nkeys; i++)
		press_init(&b->press[i], b->cf->long_press);
	if ((b->press_ev = evtimer_new(b->base, button_press_due, b)) == NULL)
		fatalx("cannot create the long-press timer");
}

void
button_press_free(struct button *b)
{
	if (b->press_ev != NULL)
		event_free(b->press_ev);
	free(b->press);
}

void
button_key(void *arg, int code, int value)
{
	struct button *b = arg;
	int64_t now = mono_now();
	int i;

	if ((i = button_key_index(b->cf, code)) < 0) {
		log_debug("key %d value %d: not mapped", code, value);
		return;
	}
	button_fire(b, (size_t)i, press_key(&b->press[i], value, now));
	button_press_arm(b, now);
}

/* ---- presence ----------------------------------------------------------- */

char *
button_will(void)
{
	return msg_presence_encode("offline", BUTTON_KIND, 0);
}

void
button_presence(struct button *b, int online)
{
	char *json = msg_presence_encode(online ? "online" : "offline",
	    BUTTON_KIND, clock_now());

	mqtt_publish(b->mqtt, b->presence_topic, json, strlen(json), 1);
	free(json);
}

/*
 * An unplugged button is as absent as one off the network: its presence
 * says offline until it is back, and beacond tells the supervisor. Keys
 * held when it went are forgotten.
 */
void
button_input_state(void *arg, int up, const char *why)
{
	struct button *b = arg;
	size_t i;

	b->present = up;
	if (up)
		log_info("event=input_ready path=%s", b->cf->input);
	else
		log_warnx("event=input_lost path=%s reason=\"%s\": trying again "
		    "every %d s; presence offline meanwhile", b->cf->input, why,
		    INPUT_RETRY / 1000);
	for (i = 0; b->press != NULL && i < b->cf->nkeys; i++)
		press_init(&b->press[i], b->cf->long_press);
	if (b->press_ev != NULL)
		evtimer_del(b->press_ev);
	if (mqtt_connected(b->mqtt))
		button_presence(b, up);
}

/*
 * A will has no time stamp. One that arrives while this connection is up
 * is an earlier connection's, published late (its keepalive ran out after
 * this one connected), and would leave the device offline for good: the
 * last word must be this connection's.
 */
static void
button_presence_heard(struct button *b, const void *payload, size_t len)
{
	struct presence p;
	char err[DETAIL_MAX + 1];

	if (len == 0 || msg_presence_decode(payload, len, &p, err,
	    sizeof err) != MSG_OK)
		return;
	if (!p.online && p.ts == 0 && b->present) {
		log_info("event=presence_restored: an earlier connection's "
		    "will said offline");
		button_presence(b, 1);
	}
}

/* ---- the broker --------------------------------------------------------- */

void
button_connected(void *arg)
{
	struct button *b = arg;

	if (mqtt_subscribe(b->mqtt, b->presence_topic, 1) != 0)
		log_warnx("cannot subscribe to %s", b->presence_topic);
	button_presence(b, b->present);
	log_info("event=connected presence=%s pending=%zu",
	    b->present ? "online" : "offline", outbox_count(b->outbox));
	outbox_connected(b->outbox);
	probe_connected(b->probe);
}

void
button_disconnected(void *arg, const char *why)
{
	struct button *b = arg;

	log_warnx("event=disconnected reason=\"%s\": presses are spooled and "
	    "sent when the broker is back (pending=%zu)", why,
	    outbox_count(b->outbox));
}

void
button_message(void *arg, const char *topic, const void *payload,
    size_t len, const struct mqtt_props *props)
{
	struct button *b = arg;

	(void)props;
	if (outbox_message(b->outbox, topic, payload, len) ||
	    probe_message(b->probe, topic, payload, len))
		return;
	if (strcmp(topic, b->presence_topic) == 0)
		button_presence_heard(b, payload, len);
}
