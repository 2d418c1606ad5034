/*
 * MQTT v5 client: libmosquitto driven by the caller's libevent loop. This
 * file and mqtt_publish.c (the publications: its queue and window) are the
 * only ones that include mosquitto.h; they share mqtt_int.h.
 *
 * One event watches mosquitto_socket(): readable calls loop_read, writable
 * calls loop_write, and EV_WRITE is asked for only while libmosquitto has
 * bytes waiting (memcached's update_event). A 1 s timer calls loop_misc for
 * the keepalive; a one-shot timer retries the connection with backoff.
 */
#include <sys/queue.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/event_struct.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "clock.h"
#include "id.h"
#include "log.h"
#include "mqtt.h"
#include "mqtt_int.h"
#include "xmalloc.h"

#define MQTT_BACKOFF_MIN 500	/* ms */
#define MQTT_BACKOFF_MAX 10000	/* ms */
#define MQTT_KEEPALIVE 60	/* s, when the caller gives none */
#define MQTT_READ_BURST 64	/* packets read per readable event */
#define MQTT_CLOSE_MS 1000	/* what mqtt_disconnect may wait to write */

static void mqtt_attempt(struct mqtt *);
static void mqtt_close(struct mqtt *);

/* ---- the socket event ---------------------------------------------------- */

/* Stop watching the socket; libmosquitto closes it. */
static void
mqtt_sock_close(struct mqtt *m)
{
	if (m->fd == -1)
		return;
	event_del(&m->sock_ev);
	m->fd = -1;
	m->want_write = 0;
}

static void mqtt_io(evutil_socket_t, short, void *);

static void
mqtt_sock_set(struct mqtt *m, evutil_socket_t fd, int want_write)
{
	short what = EV_READ | EV_PERSIST | (want_write ? EV_WRITE : 0);

	if (m->fd != -1)
		event_del(&m->sock_ev);
	event_assign(&m->sock_ev, m->base, fd, what, mqtt_io, m);
	if (event_add(&m->sock_ev, NULL) != 0)
		fatalx("mqtt: cannot watch the broker socket");
	m->fd = fd;
	m->want_write = want_write;
}

/* Ask for EV_WRITE only while libmosquitto has something to write. */
void
mqtt_update_event(struct mqtt *m)
{
	int want;

	if (m->fd == -1)
		return;
	want = mosquitto_want_write(m->mosq);
	if (want != m->want_write)
		mqtt_sock_set(m, m->fd, want);
}

/* ---- connecting ---------------------------------------------------------- */

static void
mqtt_retry_later(struct mqtt *m)
{
	struct timeval tv;

	tv.tv_sec = m->backoff / 1000;
	tv.tv_usec = (m->backoff % 1000) * 1000;
	evtimer_add(m->retry_ev, &tv);
	m->state = MQTT_WAITING;
	m->backoff *= 2;
	if (m->backoff > MQTT_BACKOFF_MAX)
		m->backoff = MQTT_BACKOFF_MAX;
}

/* Log a failure when it differs from the last one, so a broker that stays
 * away costs one line, not one a second. */
static void
mqtt_log_cause(struct mqtt *m, const char *what, const char *cause)
{
	if (strcmp(m->cause, cause) != 0) {
		log_warnx("mqtt: %s %s:%d: %s; retrying", what, m->host,
		    m->port, cause);
		snprintf(m->cause, sizeof m->cause, "%s", cause);
	} else
		log_debug("mqtt: %s %s:%d: %s; retry in %d ms", what, m->host,
		    m->port, cause, m->backoff);
}

static const char *
mqtt_connect_cause(int rc, int err)
{
	if (rc == MOSQ_ERR_ERRNO)
		return strerror(err);
	if (rc == MOSQ_ERR_EAI)
		return gai_strerror(err); /* libmosquitto puts it in errno */
	return mosquitto_strerror(rc);
}

static void
mqtt_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	mqtt_attempt(arg);
}

/*
 * libmosquitto 2.0 offers no non-blocking connect that carries CONNECT
 * properties (the _async calls take none and are meant for loop_start),
 * and the session expiry must be one. So the TCP connect blocks; for a
 * broker on this host or the local network that is immediate, both when
 * it is up and when it refuses. CONNACK then arrives through the loop.
 */
static void
mqtt_attempt(struct mqtt *m)
{
	int rc, fd;

	m->tls_err[0] = '\0';
	m->refused = 0;
	rc = mosquitto_connect_bind_v5(m->mosq, m->host, m->port, m->keepalive,
	    NULL, m->props);
	if (rc != MOSQ_ERR_SUCCESS) {
		mqtt_log_cause(m, "cannot connect to", m->tls_err[0] != '\0' ?
		    m->tls_err : mqtt_connect_cause(rc, errno));
		mqtt_retry_later(m);
		return;
	}
	if ((fd = mosquitto_socket(m->mosq)) == -1)
		fatalx("mqtt: connected without a socket");
	m->state = MQTT_CONNECTING;
	mqtt_sock_set(m, fd, mosquitto_want_write(m->mosq));
	log_debug("mqtt: connecting to %s:%d", m->host, m->port);
}

/* ---- libmosquitto callbacks ---------------------------------------------- */

static void
mqtt_on_connect(struct mosquitto *mosq, void *arg, int rc, int flags,
    const mosquitto_property *props)
{
	struct mqtt *m = arg;

	(void)mosq;
	(void)props;
	if (rc != 0) {
		/* libmosquitto then closes the socket; on_disconnect retries */
		mqtt_log_cause(m, "refused by", mosquitto_reason_string(rc));
		m->refused = 1;
		return;
	}
	m->state = MQTT_CONNECTED;
	m->backoff = MQTT_BACKOFF_MIN;
	m->cause[0] = '\0';
	/* The queue goes out after this read, once libmosquitto has resent
	 * what it held: after the caller has subscribed, and in order. */
	m->flush = 1;
	log_debug("mqtt: connected to %s:%d session=%s", m->host, m->port,
	    (flags & 1) ? "resumed" : "new");
	m->in_cb++;
	if (m->cb.connected != NULL)
		m->cb.connected(m->cb.arg);
	m->in_cb--;
}

static const char *
mqtt_disconnect_cause(int rc)
{
	/* MQTT reason codes from a broker's DISCONNECT are 0 or >= 0x80;
	 * libmosquitto's own errors are small positive numbers. */
	if (rc >= 0x80)
		return mosquitto_reason_string(rc);
	return mosquitto_strerror(rc);
}

static void
mqtt_on_disconnect(struct mosquitto *mosq, void *arg, int rc,
    const mosquitto_property *props)
{
	struct mqtt *m = arg;
	int was = m->state == MQTT_CONNECTED;
	const char *why = mqtt_disconnect_cause(rc);

	(void)mosq;
	(void)props;
	mqtt_sock_close(m);
	m->flush = 0;
	if (m->state == MQTT_CLOSED)
		return;
	if (was)
		log_debug("mqtt: connection to %s:%d lost: %s", m->host,
		    m->port, why);
	else if (m->tls_err[0] != '\0')
		mqtt_log_cause(m, "cannot connect to", m->tls_err);
	else if (!m->refused)
		mqtt_log_cause(m, "cannot connect to", why);
	mqtt_retry_later(m);
	m->in_cb++;
	if (was && m->cb.disconnected != NULL)
		m->cb.disconnected(m->cb.arg, why);
	m->in_cb--;
}

static void
mqtt_on_message(struct mosquitto *mosq, void *arg,
    const struct mosquitto_message *msg, const mosquitto_property *props)
{
	struct mqtt *m = arg;
	struct mqtt_props pr = { NULL, NULL, 0, 0, msg->retain };
	char *rt = NULL;
	void *corr = NULL;
	uint16_t corrlen = 0;

	(void)mosq;
	if (mosquitto_property_read_string(props, MQTT_PROP_RESPONSE_TOPIC,
	    &rt, false) != NULL)
		pr.response_topic = rt;
	if (mosquitto_property_read_binary(props, MQTT_PROP_CORRELATION_DATA,
	    &corr, &corrlen, false) != NULL) {
		pr.corr = corr;
		pr.corrlen = corrlen;
	}
	m->in_cb++;
	if (m->cb.message != NULL)
		m->cb.message(m->cb.arg, msg->topic, msg->payload,
		    (size_t)msg->payloadlen, &pr);
	m->in_cb--;
	free(rt);
	free(corr);
}

/*
 * Keep what libmosquitto says of a failed TLS handshake: its callbacks
 * only say "A TLS error occurred." (or an errno), while the log has the
 * reason, as "Error: host name verification failed." and "OpenSSL
 * Error[0]: error:0A000086:SSL routines::certificate verify failed". The
 * reason is the part after the last colon; the sentence's full stop goes.
 */
static void
mqtt_tls_note(struct mqtt *m, const char *str)
{
	const char *r = strrchr(str, ':');
	size_t used = strlen(m->tls_err), n;

	r = r != NULL ? r + 1 : str;
	r += strspn(r, " ");
	n = strlen(r);
	if (n > 0 && r[n - 1] == '.')
		n--;
	if (n == 0 || (used > 0 && strstr(m->tls_err, r) != NULL))
		return;
	snprintf(m->tls_err + used, sizeof m->tls_err - used, "%s%.*s",
	    used == 0 ? "TLS: " : "; ", (int)n, r);
}

static void
mqtt_on_log(struct mosquitto *mosq, void *arg, int level, const char *str)
{
	struct mqtt *m = arg;

	(void)mosq;
	if ((level & MOSQ_LOG_ERR) && m->state != MQTT_CONNECTED &&
	    (strncmp(str, "OpenSSL Error", 13) == 0 ||
	    strncmp(str, "Error: ", 7) == 0))
		mqtt_tls_note(m, str);
	/* MOSQ_LOG_DEBUG is a line per packet: too much even for -v. */
	if (level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING | MOSQ_LOG_NOTICE))
		log_debug("mqtt: libmosquitto: %s", str);
}

/* ---- loop events --------------------------------------------------------- */

/*
 * libmosquitto 2.0 runs the TLS handshake inside loop_read, and when it
 * fails there it closes the socket without calling on_disconnect. Do what
 * on_disconnect would have done, or the connection would wait for ever on
 * a socket that is gone.
 */
static void
mqtt_check_closed(struct mqtt *m, int rc)
{
	if (m->fd == -1 || mosquitto_socket(m->mosq) != -1)
		return;
	mqtt_on_disconnect(m->mosq, m, rc != MOSQ_ERR_SUCCESS ? rc :
	    MOSQ_ERR_CONN_LOST, NULL);
}

/* Read until the socket would block, or a bounded number of packets. The
 * event is level-triggered, so what is left is read on the next pass. */
static void
mqtt_read(struct mqtt *m)
{
	int i, rc = MOSQ_ERR_SUCCESS;

	for (i = 0; i < MQTT_READ_BURST && m->fd != -1; i++) {
		errno = 0;
		rc = mosquitto_loop_read(m->mosq, 1);
		if (rc != MOSQ_ERR_SUCCESS || errno == EAGAIN ||
		    errno == EWOULDBLOCK)
			break;
	}
	mqtt_check_closed(m, rc);
}

static void
mqtt_io(evutil_socket_t fd, short what, void *arg)
{
	struct mqtt *m = arg;

	(void)fd;
	/* A failure in either call ends in mqtt_on_disconnect (fd = -1). */
	if (what & EV_WRITE)
		mqtt_check_closed(m, mosquitto_loop_write(m->mosq, 1));
	if ((what & EV_READ) && m->fd != -1)
		mqtt_read(m);
	if (m->fd == -1)
		return;
	m->flush = 0;
	mqtt_drain(m, MQTT_WINDOW);
	mqtt_update_event(m);
}

static void
mqtt_misc(evutil_socket_t fd, short what, void *arg)
{
	struct mqtt *m = arg;

	(void)fd;
	(void)what;
	if (m->fd == -1)
		return;
	mosquitto_loop_misc(m->mosq);
	mqtt_update_event(m);
}

/* ---- interface ----------------------------------------------------------- */

/*
 * Verify the broker (SSL_VERIFY_PEER) and its host name, TLS 1.2 at least
 * ("tlsv1.2" lets OpenSSL negotiate 1.3 too). mosquitto_tls_set opens the
 * files at once, so a missing or unreadable one is known here.
 */
static int
mqtt_set_tls(struct mqtt *m, const struct mqtt_opts *o)
{
	int rc;

	if (o->cafile == NULL && o->capath == NULL)
		return 0;
	rc = mosquitto_tls_set(m->mosq, o->cafile, o->capath, o->certfile,
	    o->keyfile, NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		log_warnx("mqtt: TLS files (CA %s, certificate %s, key %s): %s",
		    o->cafile != NULL ? o->cafile : o->capath,
		    o->certfile != NULL ? o->certfile : "none",
		    o->keyfile != NULL ? o->keyfile : "none",
		    rc == MOSQ_ERR_INVAL ? "missing or unreadable" :
		    mosquitto_strerror(rc));
		return -1;
	}
	if (mosquitto_tls_opts_set(m->mosq, 1, "tlsv1.2", NULL) !=
	    MOSQ_ERR_SUCCESS ||
	    mosquitto_tls_insecure_set(m->mosq, false) != MOSQ_ERR_SUCCESS) {
		log_warnx("mqtt: cannot set the TLS options");
		return -1;
	}
	return 0;
}

static int
mqtt_set_options(struct mqtt *m, const struct mqtt_opts *o)
{
	const char *wp = o->will_payload != NULL ? o->will_payload : "";

	mosquitto_int_option(m->mosq, MOSQ_OPT_PROTOCOL_VERSION,
	    MQTT_PROTOCOL_V5);
	mosquitto_int_option(m->mosq, MOSQ_OPT_TCP_NODELAY, 1);
	if (o->username != NULL && mosquitto_username_pw_set(m->mosq,
	    o->username, o->password) != MOSQ_ERR_SUCCESS)
		return -1;
	if (mqtt_set_tls(m, o) != 0)
		return -1;
	if (o->will_topic != NULL && mosquitto_will_set_v5(m->mosq,
	    o->will_topic, (int)strlen(wp), wp, 1, o->will_retain != 0,
	    NULL) != MOSQ_ERR_SUCCESS)
		return -1;
	if (!o->clean_start && o->session_expiry > 0 &&
	    mosquitto_property_add_int32(&m->props,
	    MQTT_PROP_SESSION_EXPIRY_INTERVAL, (uint32_t)o->session_expiry) !=
	    MOSQ_ERR_SUCCESS)
		return -1;
	return 0;
}

/* A SUBACK: the broker has the subscription of `mid` (ok 1) or refused
 * it (ok 0). */
static void
mqtt_on_subscribe(struct mosquitto *mosq, void *arg, int mid, int count,
    const int *granted, const mosquitto_property *props)
{
	struct mqtt *m = arg;
	int i, ok = count > 0;

	(void)mosq;
	(void)props;
	for (i = 0; i < count; i++)
		if (granted[i] >= 0x80)
			ok = 0;
	if (m->subscribed == NULL)
		return;
	m->in_cb++;
	m->subscribed(m->subscribed_arg, mid, ok);
	m->in_cb--;
}

void
mqtt_on_subscribed(struct mqtt *m, void (*fn)(void *, int, int), void *arg)
{
	m->subscribed = fn;
	m->subscribed_arg = arg;
}

static void
mqtt_set_callbacks(struct mqtt *m)
{
	mosquitto_connect_v5_callback_set(m->mosq, mqtt_on_connect);
	mosquitto_disconnect_v5_callback_set(m->mosq, mqtt_on_disconnect);
	mosquitto_message_v5_callback_set(m->mosq, mqtt_on_message);
	mosquitto_publish_v5_callback_set(m->mosq, mqtt_on_publish);
	mosquitto_subscribe_v5_callback_set(m->mosq, mqtt_on_subscribe);
	mosquitto_log_callback_set(m->mosq, mqtt_on_log);
}

static int
mqtt_keepalive(int s)
{
	if (s <= 0)
		return MQTT_KEEPALIVE;
	if (s < 5)
		return 5; /* libmosquitto's minimum */
	return s > 65535 ? 65535 : s;
}

struct mqtt *
mqtt_new(struct event_base *base, const struct mqtt_opts *o,
    const struct mqtt_cb *cb)
{
	struct mqtt *m;
	struct timeval sec = { 1, 0 };
	char rid[32];
	const char *id;

	m = xcalloc(1, sizeof *m);
	mosquitto_lib_init();
	m->base = base;
	m->cb = *cb;
	m->fd = -1;
	m->keepalive = mqtt_keepalive(o->keepalive);
	m->backoff = MQTT_BACKOFF_MIN;
	STAILQ_INIT(&m->queue);
	id = o->client_id != NULL ? o->client_id :
	    id_random("beacon-", rid, sizeof rid);
	m->mosq = mosquitto_new(id, o->clean_start != 0, m);
	if (m->mosq == NULL || mqtt_set_options(m, o) != 0) {
		log_warnx("mqtt: cannot set up client %s", id);
		mqtt_free(m);
		return NULL;
	}
	mqtt_set_callbacks(m);
	m->misc_ev = event_new(base, -1, EV_PERSIST, mqtt_misc, m);
	m->retry_ev = evtimer_new(base, mqtt_retry, m);
	if (m->misc_ev == NULL || m->retry_ev == NULL ||
	    event_add(m->misc_ev, &sec) != 0)
		fatalx("mqtt: cannot create timers");
	return m;
}

void
mqtt_free(struct mqtt *m)
{
	struct mqtt_msg *q;

	if (m == NULL)
		return;
	/* A DISCONNECT queued from inside a callback is still to go out. */
	if (m->state == MQTT_CLOSED && m->fd != -1)
		mqtt_close(m);
	mqtt_sock_close(m);
	if (m->misc_ev != NULL)
		event_free(m->misc_ev);
	if (m->retry_ev != NULL)
		event_free(m->retry_ev);
	if (m->mosq != NULL)
		mosquitto_destroy(m->mosq);
	mosquitto_lib_cleanup();
	while ((q = STAILQ_FIRST(&m->queue)) != NULL) {
		STAILQ_REMOVE_HEAD(&m->queue, entry);
		mqtt_msg_free(q);
	}
	mosquitto_property_free_all(&m->props);
	free(m->tags);
	free(m->host);
	free(m);
}

int
mqtt_connect(struct mqtt *m, const char *host, int port)
{
	if (host == NULL || *host == '\0' || port < 1 || port > 65535)
		return -1;
	if (m->state != MQTT_IDLE && m->state != MQTT_CLOSED)
		return -1;
	free(m->host);
	m->host = xstrdup(host);
	m->port = port;
	m->backoff = MQTT_BACKOFF_MIN;
	m->cause[0] = '\0';
	mqtt_attempt(m);
	return 0;
}

int
mqtt_connected(const struct mqtt *m)
{
	return m->state == MQTT_CONNECTED;
}

int
mqtt_subscribe(struct mqtt *m, const char *pattern, int qos)
{
	return mqtt_subscribe_mid(m, pattern, qos) < 0 ? -1 : 0;
}

int
mqtt_subscribe_mid(struct mqtt *m, const char *pattern, int qos)
{
	int rc, mid = 0;

	if (m->state != MQTT_CONNECTED || (qos != 0 && qos != 1))
		return -1;
	rc = mosquitto_subscribe_v5(m->mosq, &mid, pattern, qos, 0, NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		log_warnx("mqtt: subscribe %s: %s", pattern,
		    mosquitto_strerror(rc));
		return -1;
	}
	mqtt_update_event(m);
	return mid;
}

/* Drop a subscription of the session, if it has one (the broker answers
 * success either way). */
int
mqtt_unsubscribe(struct mqtt *m, const char *pattern)
{
	int rc;

	if (m->state != MQTT_CONNECTED)
		return -1;
	rc = mosquitto_unsubscribe_v5(m->mosq, NULL, pattern, NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		log_warnx("mqtt: unsubscribe %s: %s", pattern,
		    mosquitto_strerror(rc));
		return -1;
	}
	mqtt_update_event(m);
	return 0;
}

/* Write what libmosquitto holds, waiting at most until deadline (ms).
 * Never from inside a callback (see mqtt_disconnect). */
static void
mqtt_write_out(struct mqtt *m, int64_t deadline)
{
	struct pollfd pfd;
	int64_t left;

	while (m->fd != -1 && mosquitto_want_write(m->mosq) &&
	    (left = deadline - clock_now()) > 0) {
		pfd.fd = m->fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, (int)left) <= 0)
			break;
		if (mosquitto_loop_write(m->mosq, 1) != MOSQ_ERR_SUCCESS)
			break;
	}
}

/* Write what is left, then the DISCONNECT (unless already queued). */
static void
mqtt_close(struct mqtt *m)
{
	int64_t deadline = clock_now() + MQTT_CLOSE_MS;

	mqtt_write_out(m, deadline);
	if (m->fd != -1)
		mosquitto_disconnect_v5(m->mosq, 0, NULL);
	mqtt_write_out(m, deadline);
	mqtt_sock_close(m);
}

/*
 * Best effort: hand everything queued to libmosquitto (past the window:
 * this is the last chance), write it, then DISCONNECT. Writing the
 * DISCONNECT makes libmosquitto close the socket through on_disconnect.
 *
 * libmosquitto runs callbacks holding a lock that writing the DISCONNECT
 * takes again, so from inside a callback the DISCONNECT is only queued
 * and the loop (or mqtt_free) writes it after the callback returns.
 */
void
mqtt_disconnect(struct mqtt *m)
{
	evtimer_del(m->retry_ev);
	m->flush = 0;
	if (m->state == MQTT_CONNECTED)
		mqtt_drain(m, SIZE_MAX);
	m->state = MQTT_CLOSED;
	if (m->fd == -1)
		return;
	if (m->in_cb > 0) {
		mosquitto_disconnect_v5(m->mosq, 0, NULL);
		mqtt_update_event(m);
		return;
	}
	mqtt_close(m);
}

/* "host", "host:port", "[v6addr]", "[v6addr]:port"; a bare IPv6 address
 * (two colons or more) is a host without a port. */
int
mqtt_parse_addr(const char *addr, int dport, char **host, int *port)
{
	const char *end, *colon;
	char *ep;
	long p;
	size_t n;

	*host = NULL;
	if (addr == NULL || *addr == '\0')
		return -1;
	if (*addr == '[') {
		if ((end = strchr(addr, ']')) == NULL || end == addr + 1)
			return -1;
		if (end[1] != '\0' && end[1] != ':')
			return -1;
		colon = end[1] == ':' ? end + 1 : NULL;
		addr++;
		n = (size_t)(end - addr);
	} else {
		colon = strchr(addr, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL; /* bare IPv6 */
		n = colon != NULL ? (size_t)(colon - addr) : strlen(addr);
	}
	if (n == 0)
		return -1;
	p = dport;
	if (colon != NULL) {
		errno = 0;
		p = strtol(colon + 1, &ep, 10);
		if (colon[1] < '0' || colon[1] > '9' || *ep != '\0' ||
		    errno != 0 || p < 1 || p > 65535)
			return -1;
	}
	*host = xmalloc(n + 1);
	memcpy(*host, addr, n);
	(*host)[n] = '\0';
	*port = (int)p;
	return 0;
}
