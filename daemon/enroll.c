/*
 * Phones enrolled with a credential of their own (beacon enroll,
 * docs/security.md). A supervisor's `beacon enroll` makes a device's
 * broker account ({responder}@{device}) in the broker's password file and
 * hands it here ("enroll", a supervisor request); beacond keeps it for 15
 * minutes under a one-time code, which the phone claims once with
 * POST /e/{code} on the http listener. The claim erases the password from
 * the database. Recorded in beacond's log, not on any timeline: no
 * incident is involved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "crypto.h"
#include "engine_int.h"
#include "web.h"

#define ENROLL_LIFETIME (15 * 60 * 1000)	/* ms a code may be claimed */
#define ENROLL_CODE_BYTES 16			/* 128 bits */
#define ENROLL_CODE_MAX 64
#define ENROLL_PEERS 32		/* addresses counted at once */
#define ENROLL_PEER_MAX 10	/* claims per address a minute */
#define ENROLL_WINDOW 60000

/* Claims per address, so that a guesser is slowed at once. */
struct enroll_peer {
	char addr[64];
	int64_t start;
	int n;
};
static struct enroll_peer enroll_peers[ENROLL_PEERS];

/* ---- the supervisor's request ------------------------------------------ */

/* Why the request cannot be done, or NULL. */
static const char *
enroll_check(struct engine *e, const struct enroll_req *q, char *err,
    size_t len)
{
	char user[sizeof q->username];
	int add = q->method == ENROLL_ADD;

	snprintf(user, sizeof user, "%s@%s", q->responder, q->device);
	if (conf_responder(e->cf, q->responder) == NULL)
		snprintf(err, len, "responder: \"%s\" is no responder of "
		    "beacon.conf", q->responder);
	else if (!id_valid(q->device))
		snprintf(err, len, "device: \"%s\" is not an id", q->device);
	else if (add && strcmp(user, q->username) != 0)
		snprintf(err, len, "username: must be %s", user);
	else if (add && strlen(q->password) < 22)
		snprintf(err, len, "password: too short for a device (at "
		    "least 128 random bits)");
	else
		return NULL;
	return err;
}

/* Keep the credential under a new code, into the reply. */
static const char *
enroll_add(struct engine *e, const char *who, const struct enroll_req *q,
    struct msg_reply *r)
{
	unsigned char raw[ENROLL_CODE_BYTES];
	int64_t now = clock_now();
	char *code;

	if (crypto_random(raw, sizeof raw) != 0)
		return "no random code could be made";
	code = crypto_b64url(raw, sizeof raw);
	turn_touch(e);
	if (store_enroll_put(e->st, q, code, now + ENROLL_LIFETIME, now) !=
	    0) {
		free(code);
		return "the enrollment could not be recorded";
	}
	log_info("event=enroll responder=%s device=%s by=%s expires_s=%d",
	    q->responder, q->device, who, ENROLL_LIFETIME / 1000);
	msg_reply_set_str(r, "code", code);
	msg_reply_set_int(r, "expires", now + ENROLL_LIFETIME);
	free(code);
	return NULL;
}

static const char *
enroll_revoke(struct engine *e, const char *who, const struct enroll_req *q,
    struct msg_reply *r)
{
	int n, subs;

	turn_touch(e);
	if ((n = store_enroll_forget(e->st, q->responder, q->device)) < 0)
		return "the enrollment could not be forgotten";
	/* The phone's Web Push subscription, registered under the same
	 * device name, goes too: a lost phone is rung no more. */
	if ((subs = store_pushsub_delete(e->st, q->responder, q->device)) < 0)
		return "the device's push subscription could not be removed";
	log_info("event=enroll_revoke responder=%s device=%s by=%s "
	    "unclaimed=%d subscriptions=%d", q->responder, q->device, who, n,
	    subs);
	msg_reply_set_int(r, "forgotten", n);
	msg_reply_set_int(r, "subscriptions", subs);
	return NULL;
}

/* Why not, or NULL with the reply in *out. */
static const char *
enroll_answer(struct engine *e, const struct request *rq,
    const struct enroll_req *q, char *err, size_t len, char **out)
{
	struct msg_reply *r;
	const char *why;

	if ((why = request_may_query(e, rq->who, err, len)) != NULL ||
	    (why = enroll_check(e, q, err, len)) != NULL)
		return why;
	r = msg_reply_new(-1);
	msg_reply_set_str(r, "method", msg_enroll_method_name(q->method));
	why = q->method == ENROLL_ADD ? enroll_add(e, rq->who, q, r) :
	    enroll_revoke(e, rq->who, q, r);
	if (why != NULL) {
		free(msg_reply_finish(r, why));
		return why;
	}
	*out = msg_reply_finish(r, NULL);
	return NULL;
}

int
enroll_request(struct engine *e, const struct request *rq)
{
	struct enroll_req q;
	struct request quiet = *rq;
	char err[DETAIL_MAX + 1], *reply = NULL;
	const char *why;
	int rc;

	if ((rc = msg_enroll_decode(rq->p, rq->len, &q, err, sizeof err)) ==
	    MSG_NOID)
		return 0;
	if ((why = request_unanswerable(rq, rc, err)) == NULL)
		why = enroll_answer(e, rq, &q, err, sizeof err, &reply);
	explicit_bzero(q.password, sizeof q.password);
	if (why == NULL) {
		request_answer(e, rq, reply);
		return 1;
	}
	/* The refusal is recorded without the payload: it holds a
	 * password. */
	quiet.p = NULL;
	quiet.len = 0;
	request_refuse(e, &quiet, -1, why);
	return 1;
}

/* ---- the phone's claim ------------------------------------------------- */

/* 1 when addr has used up its claims in this window. */
static int
enroll_limited(const char *addr, int64_t now)
{
	struct enroll_peer *p, *oldest = &enroll_peers[0];
	size_t i;

	for (i = 0; i < ENROLL_PEERS; i++) {
		p = &enroll_peers[i];
		if (strcmp(p->addr, addr) == 0)
			break;
		if (p->start < oldest->start)
			oldest = p;
	}
	if (i == ENROLL_PEERS) {
		p = oldest;
		snprintf(p->addr, sizeof p->addr, "%s", addr);
		p->start = now;
		p->n = 0;
	}
	if (now - p->start >= ENROLL_WINDOW) {
		p->start = now;
		p->n = 0;
	}
	return ++p->n > ENROLL_PEER_MAX;
}

static void
enroll_json(struct evhttp_request *req, int code, const char *reason,
    char *body)
{
	web_reply(req, code, reason, "application/json", body, strlen(body));
	explicit_bzero(body, strlen(body));
	free(body);
}

static void
enroll_refuse(struct evhttp_request *req, int code, const char *reason,
    const char *error)
{
	enroll_json(req, code, reason, msg_enroll_error(error));
}

/* Where the engine is: the daemon's own slot, NULL while it stands by
 * for its partner, and whether it is the active one. */
struct enroll_serve {
	struct engine *const *engine;
	const int *active;
};

/* Claim code: 1 claimed (committed) into *q, 0 no such code, -1 not now. */
static int
enroll_claim(const struct enroll_serve *sv, const char *code,
    struct enroll_req *q)
{
	struct engine *e = *sv->engine;
	int rc;

	if (!*sv->active || e == NULL)
		return -1;
	turn_touch(e);
	rc = store_enroll_claim(e->st, code, clock_now(), q);
	if (engine_flush(e) != 0 && rc == 1) {
		explicit_bzero(q->password, sizeof q->password);
		return -1;
	}
	if (rc == 1)
		log_info("event=enroll_claimed responder=%s device=%s",
		    q->responder, q->device);
	return rc;
}

static void
enroll_http(struct evhttp_request *req, const char *rest, void *arg)
{
	struct enroll_req q;
	int rc;

	if (enroll_limited(web_peer(req), clock_now())) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", "60");
		enroll_refuse(req, 429, "Too Many Requests", "too many "
		    "requests from this address: wait a minute");
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "POST");
		enroll_refuse(req, 405, "Method Not Allowed", "an enrollment "
		    "link is claimed by the Beacon app (POST)");
		return;
	}
	rc = strlen(rest) > ENROLL_CODE_MAX ? 0 : enroll_claim(arg, rest, &q);
	if (rc == 1) {
		enroll_json(req, HTTP_OK, "OK", msg_enroll_claimed(&q));
		explicit_bzero(q.password, sizeof q.password);
	} else if (rc == 0)
		enroll_refuse(req, 404, "Not Found", "no such enrollment: the "
		    "link was used already, has expired (15 minutes) or was "
		    "revoked; ask a supervisor for a new one");
	else
		enroll_refuse(req, 503, "Service Unavailable", "this Beacon "
		    "cannot enroll a phone now: try again in a minute");
}

void
enroll_serve(struct web *w, struct engine *const *engine, const int *active)
{
	static struct enroll_serve sv;

	sv.engine = engine;
	sv.active = active;
	web_route(w, "/e/", enroll_http, &sv);
}
