/*
 * The push notifier: one POST per notification to the configured push
 * service, on beacond's event loop (libevent's evhttp client, with
 * bufferevent_openssl for https, its TLS from crypto_tls.c, and evdns so
 * that no name lookup blocks).
 *
 * Each push is a struct push_req that owns its connection and one timer.
 * The timer bounds an attempt (push.timeout), then runs the outcome
 * outside libevent's HTTP callbacks (a connection must not be freed from
 * inside its own callback), then waits out the pause before the next
 * attempt. Freeing a push frees its connection and cancels its timer.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/util.h>

#include "beacon.h"
#include "conf.h"
#include "crypto.h"
#include "clock.h"
#include "link.h"
#include "log.h"
#include "msg.h"
#include "push_int.h"
#include "xmalloc.h"

static void push_attempt(struct push_req *);

/* ---- outcomes ---------------------------------------------------------- */

/*
 * Outcomes reach the timeline together, PUSH_OUTCOME_MS after the first
 * of them: each on its own would be a commit, and at a hundred pushes a
 * second the commits would hold up the alerts themselves. An outcome
 * announces nothing, so it may wait.
 */
static void
push_outcomes_record(struct push *p)
{
	struct push_outcome *o;

	while ((o = STAILQ_FIRST(&p->outcomes)) != NULL) {
		STAILQ_REMOVE_HEAD(&p->outcomes, entry);
		if (p->record != NULL)
			p->record(p->arg, o->incident, o->kind, o->responder,
			    o->step, o->detail);
		free(o);
	}
}

static void
push_outcomes_due(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	push_outcomes_record(arg);
}

static void
push_note_outcome(struct push *p, int64_t incident, const char *kind,
    const char *responder, int step, const char *detail)
{
	struct push_outcome *o = xcalloc(1, sizeof *o);
	struct timeval tv = { 0, PUSH_OUTCOME_MS * 1000 };

	o->incident = incident;
	strlcpy_utf8(o->kind, kind, sizeof o->kind);
	strlcpy_utf8(o->responder, responder, sizeof o->responder);
	o->step = step;
	strlcpy_utf8(o->detail, detail, sizeof o->detail);
	STAILQ_INSERT_TAIL(&p->outcomes, o, entry);
	if (!evtimer_pending(p->outcome_ev, NULL))
		evtimer_add(p->outcome_ev, &tv);
}

/* ---- one push ---------------------------------------------------------- */

static void
push_disconnect(struct push_req *r)
{
	/* Frees the request too, without calling its callbacks. */
	if (r->conn != NULL)
		evhttp_connection_free(r->conn);
	r->conn = NULL;
	r->bev = NULL;
}

static void
push_req_free(struct push_req *r)
{
	TAILQ_REMOVE(&r->p->reqs, r, entry);
	r->p->n--;
	push_disconnect(r);
	event_free(r->timer);
	push_target_drop(r->t);
	for (char **h = r->hdrs; h != NULL && *h != NULL; h++)
		free(*h);
	free(r->hdrs);
	free(r->body);
	free(r->endpoint);
	free(r);
}

static void
push_arm(struct push_req *r, int secs)
{
	struct timeval tv = { secs, 0 };

	evtimer_add(r->timer, &tv);
}

/* Record the outcome on the timeline (and the log), then forget it. */
static void
push_finish(struct push_req *r, const char *kind, const char *detail)
{
	if (strcmp(kind, "pushed") == 0)
		log_info("event=pushed incident=%lld responder=%s status=%d "
		    "attempts=%d", (long long)r->incident, r->responder,
		    r->status, r->attempts);
	else
		log_warnx("event=push_failed incident=%lld responder=%s "
		    "attempts=%d error=\"%s\"", (long long)r->incident,
		    r->responder, r->attempts, detail);
	if (r->incident > 0 && r->p->record != NULL)
		push_note_outcome(r->p, r->incident, kind, r->responder,
		    r->step, detail);
	push_req_free(r);
}

static void
push_fail(struct push_req *r, const char *why)
{
	char detail[DETAIL_MAX + 1];

	snprintf(detail, sizeof detail, "%s to %s failed after %d "
	    "attempt%s: %s", r->what, r->t->authority, r->attempts,
	    r->attempts == 1 ? "" : "s", why);
	push_finish(r, "push_failed", detail);
}

/* An attempt has ended (or run out of time): done, or try again later. */
static void
push_outcome(struct push_req *r)
{
	char detail[DETAIL_MAX + 1];
	int pause;

	push_disconnect(r);
	if (r->status >= 200 && r->status < 300) {
		snprintf(detail, sizeof detail, "%s to %s: %s after %d "
		    "attempt%s", r->what, r->t->authority, r->result,
		    r->attempts,
		    r->attempts == 1 ? "" : "s");
		push_finish(r, "pushed", detail);
		return;
	}
	if (r->gone != NULL && (r->status == 404 || r->status == 410)) {
		r->gone(r->gone_arg, r->responder, r->endpoint, r->result);
		snprintf(detail, sizeof detail, "%s", r->result);
		push_fail(r, "the subscription is gone (the phone unsubscribed "
		    "or the app was removed): forgotten");
		return;
	}
	if (r->final || r->attempts > r->t->retries) {
		push_fail(r, r->result);
		return;
	}
	pause = r->attempts - 1 < 6 ? 1 << (r->attempts - 1) : PUSH_PAUSE_MAX;
	if (pause > PUSH_PAUSE_MAX)
		pause = PUSH_PAUSE_MAX;
	log_info("event=push_retry incident=%lld responder=%s attempt=%d "
	    "error=\"%s\" next_in=%ds", (long long)r->incident, r->responder,
	    r->attempts, r->result, pause);
	r->state = PS_PAUSED;
	push_arm(r, pause);
}

static void
push_tick(evutil_socket_t fd, short what, void *arg)
{
	struct push_req *r = arg;

	(void)fd;
	(void)what;
	switch (r->state) {
	case PS_SENDING:
		snprintf(r->result, sizeof r->result, "no answer within %d s",
		    r->t->timeout);
		push_outcome(r);
		break;
	case PS_ANSWERED:
		push_outcome(r);
		break;
	case PS_PAUSED:
		push_attempt(r);
		break;
	}
}

/* ---- answers ----------------------------------------------------------- */

/* Why a connection failed, as far as TLS and DNS say; 0 if they do not. */
static int
push_conn_error(struct push_req *r, char *buf, size_t len)
{
	int dns;

	if (r->bev == NULL)
		return 0;
	if ((dns = bufferevent_socket_get_dns_error(r->bev)) != 0) {
		snprintf(buf, len, "cannot resolve %s: %s", r->t->host,
		    evutil_gai_strerror(dns));
		return 1;
	}
	if (!r->t->https)
		return 0;
	return crypto_tls_why(bufferevent_openssl_get_ssl(r->bev),
	    bufferevent_get_openssl_error(r->bev), buf, len);
}

/* "HTTP 400 Bad Request: {...}": the start of the answer, printable. */
static void
push_http_error(struct push_req *r, struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const char *line = evhttp_request_get_response_code_line(req);
	char text[101];
	ev_ssize_t got = evbuffer_copyout(in, text, sizeof text - 1);
	size_t n = got > 0 ? (size_t)got : 0, i;

	text[n] = '\0';
	for (i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			text[i] = ' ';
	snprintf(r->result, sizeof r->result, "HTTP %d %s%s%s", r->status,
	    line ? line : "", n ? ": " : "", text);
}

/* 4xx will not change by asking again, except for timeouts and rate
 * limits; nor will a redirect, which beacond does not follow. */
static int
push_final(int status)
{
	if (status == 408 || status == 429)
		return 0;
	return status >= 300 && status < 500;
}

static void
push_done(struct evhttp_request *req, void *arg)
{
	struct push_req *r = arg;

	if (r->state != PS_SENDING)
		return;
	r->state = PS_ANSWERED;
	push_arm(r, 0);
	r->status = req != NULL ? evhttp_request_get_response_code(req) : 0;
	if (r->status >= 200 && r->status < 300) {
		snprintf(r->result, sizeof r->result, "%d %s", r->status,
		    evhttp_request_get_response_code_line(req));
	} else if (r->status > 0) {
		push_http_error(r, req);
		r->final = push_final(r->status);
	} else if (!push_conn_error(r, r->result, sizeof r->result) &&
	    r->result[0] == '\0')
		snprintf(r->result, sizeof r->result, "cannot connect");
}

/* Called before push_done when evhttp knows more than "no answer". */
static void
push_error(enum evhttp_request_error e, void *arg)
{
	static const char *const why[] = {
		[EVREQ_HTTP_EOF] = "connection closed before an answer",
		[EVREQ_HTTP_INVALID_HEADER] = "an answer that is not HTTP",
		[EVREQ_HTTP_BUFFER_ERROR] = "connection failed",
		[EVREQ_HTTP_REQUEST_CANCEL] = "cancelled",
		[EVREQ_HTTP_DATA_TOO_LONG] = "an answer too long",
	};
	struct push_req *r = arg;

	if (push_conn_error(r, r->result, sizeof r->result))
		return;
	if (e == EVREQ_HTTP_TIMEOUT)
		snprintf(r->result, sizeof r->result, "no answer within %d s",
		    r->t->timeout);
	else
		snprintf(r->result, sizeof r->result, "%s",
	    (size_t)e < sizeof why / sizeof *why && why[e] ? why[e] :
	    "connection failed");
}

/* ---- attempts ---------------------------------------------------------- */

static struct bufferevent *
push_tls_bev(struct push_req *r)
{
	struct bufferevent *bev;
	struct ssl_st *ssl;

	if ((ssl = crypto_tls_connect(r->p->tls, r->t->host)) == NULL)
		return NULL;
	bev = bufferevent_openssl_socket_new(r->p->base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (bev == NULL) {
		crypto_tls_drop(ssl);
		return NULL;
	}
	/* Many servers close without a TLS close_notify. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

static int
push_connect(struct push_req *r)
{
	struct bufferevent *bev = NULL;

	if (r->t->https && (bev = push_tls_bev(r)) == NULL)
		return -1;
	r->conn = evhttp_connection_base_bufferevent_new(r->p->base, r->p->dns,
	    bev, r->t->host, (unsigned short)r->t->port);
	if (r->conn == NULL) {
		if (bev != NULL)
			bufferevent_free(bev);
		return -1;
	}
	r->bev = evhttp_connection_get_bufferevent(r->conn);
	evhttp_connection_set_timeout(r->conn, r->t->timeout);
	evhttp_connection_set_max_body_size(r->conn, PUSH_ANSWER_MAX);
	evhttp_connection_set_max_headers_size(r->conn, PUSH_HEADERS_MAX);
	return 0;
}

static struct evhttp_request *
push_request(struct push_req *r)
{
	struct evhttp_request *req;
	struct evkeyvalq *h;
	size_t i;

	if ((req = evhttp_request_new(push_done, r)) == NULL)
		return NULL;
	evhttp_request_set_error_cb(req, push_error);
	h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", r->t->authority);
	evhttp_add_header(h, "User-Agent", "beacond/" BEACON_VERSION);
	evhttp_add_header(h, "Connection", "close");
	if (r->t->auth != NULL)
		evhttp_add_header(h, "Authorization", r->t->auth);
	for (i = 0; r->hdrs != NULL && r->hdrs[i] != NULL; i += 2)
		evhttp_add_header(h, r->hdrs[i], r->hdrs[i + 1]);
	evbuffer_add(evhttp_request_get_output_buffer(req), r->body, r->len);
	return req;
}

/* Start an attempt. Its end, even one evhttp reports at once, is handled
 * by the timer, so nothing here frees the request. */
static void
push_attempt(struct push_req *r)
{
	struct evhttp_request *req;

	r->attempts++;
	r->status = 0;
	r->final = 0;
	r->result[0] = '\0';
	r->state = PS_SENDING;
	push_arm(r, r->t->timeout);
	if (push_connect(r) != 0 || (req = push_request(r)) == NULL) {
		snprintf(r->result, sizeof r->result, "cannot start a request");
		r->state = PS_ANSWERED;
		push_arm(r, 0);
		return;
	}
	/* A connection refused at once is reported through push_done before
	 * this returns. -1 comes only from a failed allocation, which has
	 * freed the request already. */
	if (evhttp_make_request(r->conn, req, EVHTTP_REQ_POST, r->t->path) !=
	    0 && r->state == PS_SENDING) {
		snprintf(r->result, sizeof r->result, "cannot start a request");
		r->state = PS_ANSWERED;
		push_arm(r, 0);
	}
}

/* ---- the module -------------------------------------------------------- */

struct push *
push_new(struct event_base *base, push_record_fn record, void *arg)
{
	struct push *p = xcalloc(1, sizeof *p);

	p->base = base;
	p->record = record;
	p->arg = arg;
	TAILQ_INIT(&p->reqs);
	STAILQ_INIT(&p->outcomes);
	if ((p->outcome_ev = evtimer_new(base, push_outcomes_due, p)) == NULL)
		fatalx("push: cannot create a timer");
	/* Without a resolver evhttp would look names up, blocking. */
	p->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (p->dns == NULL) {
		log_warnx("push: cannot set up a DNS resolver");
		event_free(p->outcome_ev);
		free(p);
		return NULL;
	}
	return p;
}

void
push_free(struct push *p)
{
	struct push_req *r;

	if (p == NULL)
		return;
	while ((r = TAILQ_FIRST(&p->reqs)) != NULL) {
		push_disconnect(r);
		push_fail(r, "beacond stopped before the outcome was known");
	}
	push_outcomes_record(p);
	event_free(p->outcome_ev);
	evdns_base_free(p->dns, 0);
	if (p->tls != NULL)
		crypto_tls_free(p->tls);
	push_target_drop(p->t);
	free(p);
}

/* "Central Library" for the branch id, when the configuration has it. */
const char *
push_branch_name(const struct config *cf, const char *branch)
{
	const struct conf_branch *b = cf != NULL ? conf_branch(cf, branch) :
	    NULL;

	return b != NULL && b->name != NULL ? b->name : branch;
}

void
push_record(struct push *p, int64_t incident, const char *responder,
    int step, const char *detail)
{
	if (incident > 0 && p->record != NULL)
		push_note_outcome(p, incident, "push_failed", responder, step,
		    detail);
}

void
push_set_links(struct push *p, const struct link *l)
{
	p->links = l;
}

/* Too many under way: recorded as failed, never queued. */
static int
push_full(struct push *p, const char *where, int64_t incident, int step,
    const char *responder)
{
	char detail[DETAIL_MAX + 1];

	if (p->n < PUSH_MAX_PENDING)
		return 0;
	snprintf(detail, sizeof detail, "%s not made: %d pushes already "
	    "under way", where, PUSH_MAX_PENDING);
	log_warnx("event=push_failed incident=%lld responder=%s "
	    "error=\"queue full\"", (long long)incident, responder);
	if (incident > 0 && p->record != NULL)
		push_note_outcome(p, incident, "push_failed", responder, step,
		    detail);
	return 1;
}

void
push_start(struct push *p, struct push_req *r)
{
	r->p = p;
	if ((r->timer = evtimer_new(p->base, push_tick, r)) == NULL)
		fatalx("push: cannot create a timer");
	TAILQ_INSERT_TAIL(&p->reqs, r, entry);
	p->n++;
	push_attempt(r);
}

static char **
push_headers(const char *const *h)
{
	size_t n = 0, i;
	char **v;

	while (h != NULL && h[n] != NULL)
		n++;
	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = xstrdup(h[i]);
	return v;
}

/* ntfy's links: open the app at the incident, and the two answers. */
static char *
push_ntfy_body(struct push *p, const struct push_note *pn,
    const char *responder)
{
	struct push_links l = { NULL, NULL, NULL };
	char *click = NULL, *ack = NULL, *decline = NULL, *body;
	int64_t now = clock_now();

	if (p->links != NULL && pn->incident > 0) {
		click = link_app_url(p->links, pn->incident);
		ack = link_url(p->links, responder, pn->incident, ACT_ACK, now);
		decline = link_url(p->links, responder, pn->incident,
		    ACT_DECLINE, now);
		l = (struct push_links){ click, ack, decline };
	}
	body = msg_push_encode(pn, responder, push_branch_name(p->cf, pn->branch),
	    p->links != NULL && pn->incident > 0 ? &l : NULL);
	free(click);
	free(ack);
	free(decline);
	return body;
}

void
push_notify(struct push *p, const char *responder, const char *payload)
{
	static const char *const json[] = { "Content-Type",
		"application/json", NULL };
	struct push_note pn;
	struct push_req *r;
	char err[DETAIL_MAX + 1], where[300];

	if (p->t == NULL)
		return;
	if (msg_push_decode(payload, strlen(payload), &pn, err, sizeof err) !=
	    MSG_OK) {
		log_warnx("push: responder=%s: notification not pushed: %s",
		    responder, err);
		return;
	}
	snprintf(where, sizeof where, "POST to %s", p->t->authority);
	if (push_full(p, where, pn.incident, pn.step, responder))
		return;
	r = xcalloc(1, sizeof *r);
	r->t = p->t;
	r->t->refs++;
	r->what = "POST";
	r->incident = pn.incident;
	r->step = pn.step;
	strlcpy_utf8(r->responder, responder, sizeof r->responder);
	r->hdrs = push_headers(json);
	r->body = (unsigned char *)push_ntfy_body(p, &pn, responder);
	r->len = strlen((char *)r->body);
	push_start(p, r);
}

int
push_post(struct push *p, const struct push_post *pp)
{
	struct push_target *t;
	struct push_req *r;
	const char *why = NULL;
	char detail[DETAIL_MAX + 1];

	if (push_full(p, "Web Push", pp->incident, pp->step, pp->responder))
		return -1;
	if ((t = push_target_url(p, pp->url, pp->timeout, pp->retries,
	    &why)) == NULL) {
		snprintf(detail, sizeof detail, "Web Push not made: the "
		    "subscription's endpoint %s", why);
		log_warnx("event=push_failed incident=%lld responder=%s "
		    "error=\"%s\"", (long long)pp->incident, pp->responder, why);
		if (pp->incident > 0 && p->record != NULL)
			push_note_outcome(p, pp->incident, "push_failed",
			    pp->responder, pp->step, detail);
		return -1;
	}
	r = xcalloc(1, sizeof *r);
	r->t = t;
	r->what = "Web Push";
	r->incident = pp->incident;
	r->step = pp->step;
	strlcpy_utf8(r->responder, pp->responder, sizeof r->responder);
	r->hdrs = push_headers(pp->headers);
	r->body = xmalloc(pp->len);
	memcpy(r->body, pp->body, pp->len);
	r->len = pp->len;
	r->endpoint = xstrdup(pp->url);
	r->gone = pp->gone;
	r->gone_arg = pp->gone_arg;
	push_start(p, r);
	return 0;
}
