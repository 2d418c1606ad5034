/*
 * Publishing (mqtt.h): QoS 1, in order, nothing dropped while the process
 * runs.
 *
 * libmosquitto keeps every QoS 1 message it has taken until the PUBACK,
 * resends the unacknowledged ones after a reconnect, and holds back what
 * exceeds the broker's receive maximum. On top of that this module keeps
 * its own FIFO queue for what cannot be handed over yet: messages
 * published while disconnected, and anything beyond MQTT_WINDOW messages
 * awaiting a PUBACK. The window keeps libmosquitto's list short (its
 * message ids are 16 bits) and lets the queue keep strict order: after a
 * reconnect libmosquitto first resends what it had, then the queue follows.
 * Short matters: libmosquitto 2.0 walks that whole list on every PUBACK
 * (message__release_to_inflight), so with 1,000 messages in it the walk was
 * a fifth of beacond's CPU in a burst (perf); with 100 it is under 2 %, and
 * 100 messages still fill a loopback round trip many times over.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "log.h"
#include "mqtt.h"
#include "mqtt_int.h"
#include "xmalloc.h"

static int
mqtt_mid_test(const struct mqtt *m, int mid)
{
	return (m->mids[(mid & 0xffff) / 8] >> (mid % 8)) & 1;
}

static void
mqtt_mid_set(struct mqtt *m, int mid, int on)
{
	uint8_t bit = (uint8_t)(1 << (mid % 8));

	if (on)
		m->mids[(mid & 0xffff) / 8] |= bit;
	else
		m->mids[(mid & 0xffff) / 8] &= (uint8_t)~bit;
}

static void
mqtt_tag_add(struct mqtt *m, int mid, long long tag)
{
	if (m->ntags == m->tagcap) {
		m->tagcap = m->tagcap ? m->tagcap * 2 : 64;
		m->tags = xreallocarray(m->tags, m->tagcap, sizeof *m->tags);
	}
	m->tags[m->ntags].mid = mid;
	m->tags[m->ntags].tag = tag;
	m->ntags++;
}

/* The tag of mid, removed from the list; 0 if it has none. The list is
 * as short as the window, so a linear search does. */
static long long
mqtt_tag_take(struct mqtt *m, int mid)
{
	long long tag;
	size_t i;

	for (i = 0; i < m->ntags; i++) {
		if (m->tags[i].mid != mid)
			continue;
		tag = m->tags[i].tag;
		m->tags[i] = m->tags[--m->ntags];
		return tag;
	}
	return 0;
}

static void
mqtt_acked(struct mqtt *m, long long tag, int ok, const char *why)
{
	if (tag == 0 || m->cb.acked == NULL)
		return;
	m->in_cb++;
	m->cb.acked(m->cb.arg, tag, ok, why);
	m->in_cb--;
}

/*
 * mosquitto_publish_v5 results that mean the message was refused before
 * libmosquitto stored it. Any other error (no connection, a failed write)
 * comes after it is stored, and it is resent after the reconnect.
 */
static const int mqtt_refused[] = {
	MOSQ_ERR_INVAL, MOSQ_ERR_NOT_SUPPORTED, MOSQ_ERR_QOS_NOT_SUPPORTED,
	MOSQ_ERR_MALFORMED_UTF8, MOSQ_ERR_PAYLOAD_SIZE,
	MOSQ_ERR_OVERSIZE_PACKET, MOSQ_ERR_NOMEM,
};

static int
mqtt_was_refused(int rc)
{
	size_t i;

	for (i = 0; i < sizeof mqtt_refused / sizeof *mqtt_refused; i++)
		if (rc == mqtt_refused[i])
			return 1;
	return 0;
}

/* PUBLISH properties for props, or NULL; the caller frees them. */
static mosquitto_property *
mqtt_props_make(const struct mqtt_props *p)
{
	mosquitto_property *list = NULL;

	if (p == NULL)
		return NULL;
	if (p->response_topic != NULL &&
	    mosquitto_property_add_string(&list, MQTT_PROP_RESPONSE_TOPIC,
	    p->response_topic) != MOSQ_ERR_SUCCESS)
		fatalx("mqtt: out of memory");
	if (p->corr != NULL && p->corrlen <= UINT16_MAX &&
	    mosquitto_property_add_binary(&list, MQTT_PROP_CORRELATION_DATA,
	    p->corr, (uint16_t)p->corrlen) != MOSQ_ERR_SUCCESS)
		fatalx("mqtt: out of memory");
	return list;
}

/* Hand one message to libmosquitto. */
static void
mqtt_send(struct mqtt *m, const char *topic, const void *payload, size_t len,
    int retain, const struct mqtt_props *props)
{
	mosquitto_property *pl = mqtt_props_make(props);
	int mid = 0, rc;

	rc = mosquitto_publish_v5(m->mosq, &mid, topic, (int)len, payload, 1,
	    retain != 0, pl);
	mosquitto_property_free_all(&pl);
	if (rc == MOSQ_ERR_NOMEM)
		fatalx("mqtt: out of memory");
	if (mqtt_was_refused(rc)) {
		log_warnx("mqtt: message to %s dropped: %s", topic,
		    mosquitto_strerror(rc));
		mqtt_acked(m, props ? props->tag : 0, 0, mosquitto_strerror(rc));
		return;
	}
	if (rc != MOSQ_ERR_SUCCESS)
		log_debug("mqtt: publish to %s held for resending: %s", topic,
		    mosquitto_strerror(rc));
	if (!mqtt_mid_test(m, mid))
		m->inflight++;
	mqtt_mid_set(m, mid, 1);
	if (props != NULL && props->tag != 0)
		mqtt_tag_add(m, mid, props->tag);
}

static void
mqtt_enqueue(struct mqtt *m, const char *topic, const void *payload,
    size_t len, int retain, const struct mqtt_props *props, int first)
{
	struct mqtt_msg *q = xcalloc(1, sizeof *q);

	q->topic = xstrdup(topic);
	if (len > 0) {
		q->payload = xmalloc(len);
		memcpy(q->payload, payload, len);
	}
	q->len = len;
	q->retain = retain;
	if (props != NULL && props->response_topic != NULL)
		q->response_topic = xstrdup(props->response_topic);
	if (props != NULL && props->corr != NULL && props->corrlen > 0) {
		q->corr = xmalloc(props->corrlen);
		memcpy(q->corr, props->corr, props->corrlen);
		q->corrlen = props->corrlen;
	}
	q->tag = props != NULL ? props->tag : 0;
	q->first = first;
	if (first) {
		/* Ahead of the rest, behind the earlier firsts: two statuses
		 * on one retained topic keep their order. */
		struct mqtt_msg *p, *last = NULL;

		STAILQ_FOREACH(p, &m->queue, entry) {
			if (!p->first)
				break;
			last = p;
		}
		if (last != NULL)
			STAILQ_INSERT_AFTER(&m->queue, last, q, entry);
		else
			STAILQ_INSERT_HEAD(&m->queue, q, entry);
	} else
		STAILQ_INSERT_TAIL(&m->queue, q, entry);
	m->nqueue++;
}

void
mqtt_msg_free(struct mqtt_msg *q)
{
	free(q->topic);
	free(q->payload);
	free(q->response_topic);
	free(q->corr);
	free(q);
}

/* Move queued messages to libmosquitto while the window allows. */
void
mqtt_drain(struct mqtt *m, size_t window)
{
	struct mqtt_msg *q;

	while (m->state == MQTT_CONNECTED && m->inflight < window &&
	    (q = STAILQ_FIRST(&m->queue)) != NULL) {
		STAILQ_REMOVE_HEAD(&m->queue, entry);
		m->nqueue--;
		struct mqtt_props pr = { q->response_topic, q->corr,
		    q->corrlen, q->tag, 0 };

		mqtt_send(m, q->topic, q->payload, q->len, q->retain, &pr);
		mqtt_msg_free(q);
	}
}

static int
mqtt_can_send(const struct mqtt *m)
{
	return m->state == MQTT_CONNECTED && !m->flush &&
	    STAILQ_EMPTY(&m->queue) && m->inflight < MQTT_WINDOW;
}

static int
mqtt_topic_ok(const char *topic)
{
	if (topic == NULL || *topic == '\0')
		return 0;
	return mosquitto_pub_topic_check(topic) == MOSQ_ERR_SUCCESS &&
	    mosquitto_validate_utf8(topic, (int)strlen(topic)) ==
	    MOSQ_ERR_SUCCESS;
}

void
mqtt_on_publish(struct mosquitto *mosq, void *arg, int mid, int reason,
    const mosquitto_property *props)
{
	struct mqtt *m = arg;

	(void)mosq;
	(void)props;
	if (!mqtt_mid_test(m, mid))
		return;
	mqtt_mid_set(m, mid, 0);
	m->inflight--;
	if (reason >= 0x80)
		log_warnx("mqtt: broker refused message %d: %s", mid,
		    mosquitto_reason_string(reason));
	mqtt_acked(m, mqtt_tag_take(m, mid), reason < 0x80,
	    mosquitto_reason_string(reason));
}

/* Send now if the window allows, else queue: at the tail, or ahead of
 * everything with first. */
static int
mqtt_publish_at(struct mqtt *m, const char *topic, const void *payload,
    size_t len, int retain, const struct mqtt_props *props, int first)
{
	int now;

	if (!mqtt_topic_ok(topic) || len > INT_MAX ||
	    (len > 0 && payload == NULL) ||
	    (props != NULL && props->corrlen > UINT16_MAX))
		return -1;
	now = first ? m->state == MQTT_CONNECTED && m->inflight < MQTT_WINDOW :
	    mqtt_can_send(m);
	if (!now) {
		mqtt_enqueue(m, topic, payload, len, retain, props, first);
		return 0;
	}
	mqtt_send(m, topic, payload, len, retain, props);
	mqtt_update_event(m);
	return 0;
}

int
mqtt_publish_props(struct mqtt *m, const char *topic, const void *payload,
    size_t len, int retain, const struct mqtt_props *props)
{
	return mqtt_publish_at(m, topic, payload, len, retain, props, 0);
}

int
mqtt_publish_first(struct mqtt *m, const char *topic, const void *payload,
    size_t len, int retain)
{
	return mqtt_publish_at(m, topic, payload, len, retain, NULL, 1);
}

int
mqtt_publish(struct mqtt *m, const char *topic, const void *payload,
    size_t len, int retain)
{
	return mqtt_publish_props(m, topic, payload, len, retain, NULL);
}

size_t
mqtt_pending(const struct mqtt *m)
{
	return m->inflight + m->nqueue;
}

void
mqtt_cork(struct mqtt *m, int on)
{
	if (m->fd != -1 && setsockopt(m->fd, IPPROTO_TCP, TCP_CORK, &on,
	    sizeof on) == -1)
		log_debug("mqtt: TCP_CORK %d: %s", on, strerror(errno));
}
