/*
 * The commands' connection to the broker: lib/mqtt.c inside an
 * event_base that belongs to this module, so that each command is a few
 * callbacks and never waits by sleeping.
 */
#include <sys/random.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cli.h"
#include "conn.h"
#include "i18n.h"
#include "log.h"
#include "mqtt.h"
#include "topic.h"
#include "xmalloc.h"

#define CONN_TIMERS 4
#define CONN_KEEPALIVE 30 /* s */

struct conn;

/* conn_login's: one account per process. */
static const char *conn_username;
static const char *conn_password;
/* conn_tls's. */
static const char *conn_cafile;
static const char *conn_cert;
static const char *conn_key;

#define CONN_CORR 16 /* bytes of correlation data */

/* The one supervisor request of conn_request. */
struct conn_req {
	char *topic;		/* prefix/query/{as} */
	char *reply_topic;	/* prefix/reply/{as}/{random hex} */
	const char *request;
	unsigned char corr[CONN_CORR];
	int sent;
	char *reply;
	size_t len;
};

struct conn_timer {
	struct conn *c;
	conn_timer_fn fn;
	struct event *ev;
};

struct conn {
	struct event_base *base;
	struct mqtt *mqtt;
	struct conn_cb cb;
	char *host;
	int port;
	char *broker;
	char *prefix;
	char **subs;
	size_t nsubs;
	struct event *sig[2];
	struct conn_timer timers[CONN_TIMERS];
	size_t ntimers;
	int status;
	int exiting; /* conn_exit called: the rest of this read is not ours */
	struct conn_req *req; /* conn_request's, or NULL */
};

static void
conn_connected_cb(void *arg)
{
	struct conn *c = arg;
	size_t i;

	for (i = 0; i < c->nsubs; i++)
		if (mqtt_subscribe(c->mqtt, c->subs[i], 1) != 0)
			log_warnx("cannot subscribe to %s", c->subs[i]);
	log_debug("connected to %s", c->broker);
	if (c->cb.ready != NULL)
		c->cb.ready(c, c->cb.arg);
}

static void
conn_disconnected_cb(void *arg, const char *why)
{
	struct conn *c = arg;

	log_warnx("connection to %s lost: %s; reconnecting", c->broker, why);
}

static void
conn_message_cb(void *arg, const char *topic, const void *payload,
    size_t len, const struct mqtt_props *props)
{
	struct conn *c = arg;
	struct conn_req *rq = c->req;

	if (len == 0 || c->exiting)
		return;
	if (rq != NULL) {
		/* Only our reply: the topic is ours, but anyone may publish
		 * on it; the correlation data tells the answer apart. */
		if (strcmp(topic, rq->reply_topic) != 0 ||
		    props->corrlen != sizeof rq->corr ||
		    memcmp(props->corr, rq->corr, sizeof rq->corr) != 0)
			return;
		rq->reply = xmalloc(len + 1);
		memcpy(rq->reply, payload, len);
		rq->reply[len] = '\0';
		rq->len = len;
		conn_exit(c, EXIT_OK);
		return;
	}
	if (c->cb.message != NULL)
		c->cb.message(c, c->cb.arg, topic, payload, len);
}

static void
conn_signal(evutil_socket_t sig, short what, void *arg)
{
	struct conn *c = arg;

	(void)what;
	log_debug("signal %d", (int)sig);
	if (c->cb.interrupt != NULL)
		c->cb.interrupt(c, c->cb.arg);
	else
		conn_exit(c, EXIT_INTERRUPT);
}

static void
conn_signals(struct conn *c)
{
	static const int sigs[2] = { SIGINT, SIGTERM };
	size_t i;

	for (i = 0; i < 2; i++) {
		c->sig[i] = evsignal_new(c->base, sigs[i], conn_signal, c);
		if (c->sig[i] == NULL || evsignal_add(c->sig[i], NULL) != 0)
			fatalx("cannot handle signal %d", sigs[i]);
	}
}

void
conn_login(const char *username, const char *password)
{
	conn_username = username;
	conn_password = username != NULL ? password : NULL;
}

void
conn_tls(const char *cafile, const char *cert, const char *key)
{
	conn_cafile = cafile;
	conn_cert = cafile != NULL ? cert : NULL;
	conn_key = cafile != NULL ? key : NULL;
}

struct conn *
conn_new(const char *broker, const char *prefix, const struct conn_cb *cb,
    char **cause)
{
	struct mqtt_cb mcb = { conn_connected_cb, conn_disconnected_cb,
		conn_message_cb, NULL, NULL };
	struct mqtt_opts mo;
	struct conn *c = xcalloc(1, sizeof *c);

	if (mqtt_parse_addr(broker, 1883, &c->host, &c->port) != 0) {
		*cause = xasprintf(_("bad broker address \"%s\": use "
		    "HOST:PORT"), broker);
		free(c);
		return NULL;
	}
	if (strchr(c->host, ':') != NULL)
		c->broker = xasprintf("[%s]:%d", c->host, c->port);
	else
		c->broker = xasprintf("%s:%d", c->host, c->port);
	c->prefix = xstrdup(prefix);
	c->cb = *cb;
	if ((c->base = event_base_new()) == NULL)
		fatalx("cannot create an event base");
	memset(&mo, 0, sizeof mo);
	mo.clean_start = 1; /* nothing to resume: every run asks afresh */
	mo.keepalive = CONN_KEEPALIVE;
	mo.username = conn_username;
	mo.password = conn_password;
	mo.cafile = conn_cafile;
	mo.certfile = conn_cert;
	mo.keyfile = conn_key;
	mcb.arg = c;
	if ((c->mqtt = mqtt_new(c->base, &mo, &mcb)) == NULL)
		fatalx("cannot set up the MQTT client");
	conn_signals(c);
	return c;
}

void
conn_free(struct conn *c)
{
	size_t i;

	if (c == NULL)
		return;
	/* What is still queued goes out before the DISCONNECT. */
	mqtt_disconnect(c->mqtt);
	mqtt_free(c->mqtt);
	for (i = 0; i < c->ntimers; i++)
		event_free(c->timers[i].ev);
	for (i = 0; i < 2; i++)
		if (c->sig[i] != NULL)
			event_free(c->sig[i]);
	for (i = 0; i < c->nsubs; i++)
		free(c->subs[i]);
	free(c->subs);
	event_base_free(c->base);
	free(c->host);
	free(c->broker);
	free(c->prefix);
	free(c);
}

const char *
conn_prefix(struct conn *c)
{
	return c->prefix;
}

void
conn_subscribe(struct conn *c, char *filter)
{
	c->subs = xreallocarray(c->subs, c->nsubs + 1, sizeof *c->subs);
	c->subs[c->nsubs++] = filter;
}

const char *
conn_match(struct conn *c, const char *topic, const char *kind)
{
	return topic_match(topic, c->prefix, kind);
}

void
conn_publish(struct conn *c, const char *topic, const char *payload)
{
	if (mqtt_publish(c->mqtt, topic, payload, strlen(payload), 0) != 0)
		log_warnx("cannot publish to %s", topic);
}

int
conn_connected(struct conn *c)
{
	return mqtt_connected(c->mqtt);
}

struct mqtt *
conn_mqtt(struct conn *c)
{
	return c->mqtt;
}

size_t
conn_pending(struct conn *c)
{
	return mqtt_pending(c->mqtt);
}

static void
conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn_timer *t = arg;

	(void)fd;
	(void)what;
	if (!t->c->exiting)
		t->fn(t->c, t->c->cb.arg);
}

void
conn_timer(struct conn *c, int64_t ms, int every, conn_timer_fn fn)
{
	struct timeval tv = { (time_t)(ms / 1000),
		(suseconds_t)(ms % 1000 * 1000) };
	struct conn_timer *t;

	if (c->ntimers == CONN_TIMERS)
		fatalx("conn: too many timers");
	t = &c->timers[c->ntimers++];
	t->c = c;
	t->fn = fn;
	t->ev = event_new(c->base, -1, every ? EV_PERSIST : 0, conn_timer_cb,
	    t);
	if (t->ev == NULL || event_add(t->ev, &tv) != 0)
		fatalx("conn: cannot add a timer");
}

int
conn_run(struct conn *c)
{
	if (mqtt_connect(c->mqtt, c->host, c->port) != 0) {
		log_warnx("cannot connect to %s", c->broker);
		return EXIT_LOCAL;
	}
	if (event_base_dispatch(c->base) == -1)
		fatalx("event loop failed");
	return c->status;
}

void
conn_exit(struct conn *c, int status)
{
	if (c->exiting)
		return; /* the first word stands */
	c->exiting = 1;
	c->status = status;
	event_base_loopbreak(c->base);
}

const char *
conn_broker(struct conn *c)
{
	return c->broker;
}

static void
conn_req_ready(struct conn *c, void *arg)
{
	struct conn_req *rq = arg;
	struct mqtt_props p = { rq->reply_topic, rq->corr, sizeof rq->corr, 0,
	    0 };

	/* Once: after a reconnection the MQTT layer resends what the broker
	 * has not acknowledged, and a request that writes must not run
	 * twice. */
	if (rq->sent)
		return;
	rq->sent = 1;
	log_debug("request on %s, reply on %s", rq->topic, rq->reply_topic);
	if (mqtt_publish_props(c->mqtt, rq->topic, rq->request,
	    strlen(rq->request), 0, &p) != 0)
		log_warnx("cannot publish to %s", rq->topic);
}

static void
conn_req_timeout(struct conn *c, void *arg)
{
	(void)arg;
	conn_exit(c, EXIT_TIMEOUT);
}

/* The reply topic's last level: 16 random hex digits. */
static void
conn_req_random(struct conn_req *rq, char *hex, size_t len)
{
	unsigned char b[8];
	size_t i;

	if (getrandom(rq->corr, sizeof rq->corr, 0) !=
	    (ssize_t)sizeof rq->corr ||
	    getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
		fatal("getrandom");
	for (i = 0; i < sizeof b && 2 * i + 2 < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
}

int
conn_request(const char *broker, const char *prefix, const char *as,
    const char *request, int64_t timeout_ms, char **reply, size_t *len,
    char **cause)
{
	struct conn_req rq;
	struct conn_cb cb = { conn_req_ready, NULL, NULL, NULL };
	struct conn *c;
	char hex[17];
	int rc;

	memset(&rq, 0, sizeof rq);
	rq.request = request;
	cb.arg = &rq;
	*reply = *cause = NULL;
	*len = 0;
	if ((c = conn_new(broker, prefix, &cb, cause)) == NULL)
		return EXIT_LOCAL;
	c->req = &rq;
	conn_req_random(&rq, hex, sizeof hex);
	rq.topic = topic_make(prefix, TOPIC_QUERY, as, NULL);
	rq.reply_topic = topic_make(prefix, TOPIC_REPLY, as, hex, NULL);
	conn_subscribe(c, xstrdup(rq.reply_topic));
	conn_timer(c, timeout_ms, 0, conn_req_timeout);
	if ((rc = conn_run(c)) == EXIT_OK) {
		*reply = rq.reply;
		*len = rq.len;
	} else if (rc == EXIT_TIMEOUT && !conn_connected(c))
		*cause = xasprintf(_("no answer within %g s: cannot reach the "
		    "broker at %s"), (double)timeout_ms / 1000, c->broker);
	else if (rc == EXIT_TIMEOUT)
		*cause = xasprintf(_("no answer from beacond within %g s; is "
		    "beacond running?"), (double)timeout_ms / 1000);
	else if (rc == EXIT_LOCAL)
		*cause = xasprintf(_("cannot connect to %s"), c->broker);
	conn_free(c);
	free(rq.topic);
	free(rq.reply_topic);
	return rc;
}
