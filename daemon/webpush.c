/* Web Push to the responder app's subscriptions (webpush.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "conf.h"
#include "crypto.h"
#include "link.h"
#include "log.h"
#include "msg.h"
#include "store.h"
#include "webpush.h"
#include "xmalloc.h"

/* A VAPID signature is good for at most a day (RFC 8292 section 2);
 * each push signs anew. */
#define WEBPUSH_JWT_LIFE (12 * 3600)

struct webpush {
	struct crypto_vapid *key;
	struct push *push;
	struct store *st;
	const struct link *links;
	const struct config *cf;
	push_gone_fn gone;
	void *arg;
};

/* One notification on its way to a responder's subscriptions. */
struct webpush_msg {
	struct webpush *w;
	const char *responder;
	const struct push_note *pn;
	const char *plain;
};

struct webpush *
webpush_new(const char *path, char **cause)
{
	struct webpush *w = xcalloc(1, sizeof *w);
	char err[256];

	if ((w->key = crypto_vapid_load(path, err, sizeof err)) == NULL) {
		*cause = xasprintf("webpush: %s", err);
		free(w);
		return NULL;
	}
	return w;
}

void
webpush_free(struct webpush *w)
{
	if (w == NULL)
		return;
	crypto_vapid_free(w->key);
	free(w);
}

const char *
webpush_public_key(const struct webpush *w)
{
	return crypto_vapid_public(w->key);
}

void
webpush_set(struct webpush *w, struct push *p, struct store *st,
    const struct link *l, const struct config *cf, push_gone_fn gone,
    void *arg)
{
	w->push = p;
	w->st = st;
	w->links = l;
	w->cf = cf;
	w->gone = gone;
	w->arg = arg;
}

/* The endpoint's origin, "https://host[:port]": the JWT's audience. */
static char *
webpush_audience(const char *endpoint)
{
	const char *host = strstr(endpoint, "://"), *slash;

	if (host == NULL)
		return NULL;
	slash = strchr(host + 3, '/');
	return slash != NULL ? xasprintf("%.*s", (int)(slash - endpoint),
	    endpoint) : xstrdup(endpoint);
}

/* The request's headers and body for one subscription; -1 when the
 * subscription's keys cannot be used. */
static int
webpush_encrypt(const struct pushsub *ps, const char *plain,
    unsigned char **body, size_t *len, char *err, size_t errlen)
{
	unsigned char pub[CRYPTO_P256_PUB + 1], auth[CRYPTO_AUTH_LEN + 1];

	if (crypto_b64url_decode(ps->p256dh, pub, sizeof pub) !=
	    CRYPTO_P256_PUB || crypto_b64url_decode(ps->auth, auth,
	    sizeof auth) != CRYPTO_AUTH_LEN) {
		snprintf(err, errlen, "the subscription's keys are not "
		    "usable");
		return -1;
	}
	return crypto_ece_encrypt(pub, auth, plain, strlen(plain), body, len,
	    err, errlen);
}

static void
webpush_fail(struct webpush_msg *m, const struct pushsub *ps,
    const char *why)
{
	char detail[DETAIL_MAX + 1];

	snprintf(detail, sizeof detail, "Web Push to device %s not made: %s",
	    ps->device, why);
	log_warnx("event=push_failed incident=%lld responder=%s device=%s "
	    "error=\"%s\"", (long long)m->pn->incident, m->responder,
	    ps->device, why);
	/* The same path as a failed request's outcome. */
	if (m->pn->incident > 0)
		push_record(m->w->push, m->pn->incident, m->responder,
		    m->pn->step, detail);
}

static void
webpush_send(const struct pushsub *ps, void *arg)
{
	struct webpush_msg *m = arg;
	struct webpush *w = m->w;
	char ttl[16], topic[40], err[256], *aud, *auth;
	unsigned char *body;
	size_t len;

	if (webpush_encrypt(ps, m->plain, &body, &len, err, sizeof err) != 0) {
		webpush_fail(m, ps, err);
		return;
	}
	aud = webpush_audience(ps->endpoint);
	/* The push service checks exp against its own clock: real time. */
	auth = aud != NULL ? crypto_vapid_auth(w->key, aud, (int64_t)time(NULL)
	    + WEBPUSH_JWT_LIFE, w->cf->webpush_subject != NULL ?
	    w->cf->webpush_subject : "mailto:beacon@localhost") : NULL;
	if (auth == NULL)
		webpush_fail(m, ps, "cannot sign the request (VAPID)");
	else {
		/* A repeat about the same incident replaces the push
		 * before it; notices about no incident do not. */
		const char *hdrs[] = { "Content-Type",
			"application/octet-stream", "Content-Encoding",
			"aes128gcm", "TTL", ttl, "Urgency",
			m->pn->severity >= 1 && m->pn->severity <= 2 ? "high" :
			"normal", "Authorization", auth,
			m->pn->incident > 0 ? "Topic" : NULL, topic, NULL };
		struct push_post pp = { ps->endpoint, hdrs, body, len,
			w->cf->webpush_timeout, w->cf->webpush_retries,
			m->pn->incident, m->pn->step, m->responder, w->gone,
			w->arg };

		snprintf(ttl, sizeof ttl, "%d", w->cf->webpush_ttl);
		snprintf(topic, sizeof topic, "incident-%lld",
		    (long long)m->pn->incident);
		push_post(w->push, &pp);
	}
	free(aud);
	free(auth);
	free(body);
}

/* The plaintext: the notice, with its links when it asks an answer. */
static char *
webpush_plain(struct webpush *w, const char *responder,
    const struct push_note *pn)
{
	struct push_links l = { NULL, NULL, NULL };
	int64_t now = clock_now();
	char *plain;

	if (w->links != NULL && pn->incident > 0) {
		l.click = link_app_url(w->links, pn->incident);
		l.ack = link_url(w->links, responder, pn->incident, ACT_ACK,
		    now);
		l.decline = link_url(w->links, responder, pn->incident,
		    ACT_DECLINE, now);
	}
	plain = msg_webpush_encode(pn, push_branch_name(w->cf, pn->branch),
	    &l);
	free((char *)l.click);
	free((char *)l.ack);
	free((char *)l.decline);
	return plain;
}

void
webpush_notify(struct webpush *w, const char *responder, const char *payload)
{
	struct push_note pn;
	struct webpush_msg m = { w, responder, &pn, NULL };
	char err[DETAIL_MAX + 1], *plain;

	if (w->push == NULL || w->st == NULL)
		return;
	if (msg_push_decode(payload, strlen(payload), &pn, err, sizeof err) !=
	    MSG_OK) {
		log_warnx("webpush: responder=%s: notification not pushed: %s",
		    responder, err);
		return;
	}
	plain = webpush_plain(w, responder, &pn);
	m.plain = plain;
	if (store_pushsub_each(w->st, responder, webpush_send, &m) < 0)
		log_warnx("webpush: responder=%s: cannot read the "
		    "subscriptions: notification not pushed", responder);
	free(plain);
}
