/*
 * Web Push subscriptions: the responder app registers each phone's on
 * beacon/push/{responder} and is answered on beacon/reply/{responder}/push
 * (docs/protocol.md, "Web Push"). A push service that says a subscription
 * is gone has it forgotten here too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "engine_int.h"

/* The keys must be what RFC 8291 needs, or no push could be encrypted. */
static const char *
pushsub_keys_problem(const struct pushsub *ps)
{
	unsigned char pub[CRYPTO_P256_PUB + 1], auth[CRYPTO_AUTH_LEN + 1];

	if (crypto_b64url_decode(ps->p256dh, pub, sizeof pub) !=
	    CRYPTO_P256_PUB || pub[0] != 0x04)
		return "subscription.keys.p256dh: not a P-256 public key "
		    "(65 bytes, base64url)";
	if (crypto_b64url_decode(ps->auth, auth, sizeof auth) !=
	    CRYPTO_AUTH_LEN)
		return "subscription.keys.auth: not a 16-byte secret "
		    "(base64url)";
	return NULL;
}

static void
pushsub_reply(struct engine *e, const char *who, const char *device, int n,
    const char *error)
{
	turn_queue(e, topic_make(e->cf->topic_prefix, TOPIC_REPLY, who,
	    TOPIC_PUSH, NULL), msg_pushsub_reply(device, n, error), 0);
	turn_touch(e);
}

/* Why a valid message cannot be kept, or NULL. */
static const char *
pushsub_refusal(struct engine *e, const char *who, const struct pushsub *ps)
{
	if (e->webpush_key == NULL)
		return "Web Push is off on this beacond (it needs the http "
		    "listener): alerts reach the app only while it is open";
	if (conf_responder(e->cf, who) == NULL)
		return "not a responder in beacon.conf";
	return ps->remove ? NULL : pushsub_keys_problem(ps);
}

static int
pushsub_store(struct engine *e, const char *who, const struct pushsub *ps)
{
	turn_touch(e);
	if (ps->remove)
		return store_pushsub_delete(e->st, who, ps->device) < 0 ? -1 :
		    0;
	/* An endpoint is one browser: kept under one responder and one
	 * device name, the last to register it (a phone that changed hands
	 * or names rings for its new holder only). */
	if (store_pushsub_drop(e->st, ps->endpoint) < 0)
		return -1;
	return store_pushsub_put(e->st, who, ps, clock_now());
}

/* {prefix}/push/{who}: in->rest is the responder. */
void
pushsub_handle(struct engine *e, const struct input *in)
{
	const char *who = in->rest, *why;
	struct pushsub ps;
	char err[DETAIL_MAX + 1];
	int n;

	if (msg_pushsub_decode(in->payload, in->len, &ps, err, sizeof err) !=
	    MSG_OK) {
		log_warnx("event=push_subscription_rejected responder=%s "
		    "error=\"%s\"", who, err);
		pushsub_reply(e, who, ps.device, 0, err);
		return;
	}
	if ((why = pushsub_refusal(e, who, &ps)) != NULL) {
		log_warnx("event=push_subscription_rejected responder=%s "
		    "device=%s error=\"%s\"", who, ps.device, why);
		pushsub_reply(e, who, ps.device, 0, why);
		return;
	}
	if (pushsub_store(e, who, &ps) != 0 ||
	    (n = store_pushsub_each(e->st, who, NULL, NULL)) < 0) {
		pushsub_reply(e, who, ps.device, 0, "not recorded: the "
		    "database is not taking writes; try again");
		return;
	}
	log_info("event=%s responder=%s device=%s subscriptions=%d",
	    ps.remove ? "push_unsubscribed" : "push_subscribed", who,
	    ps.device, n);
	pushsub_reply(e, who, ps.device, n, NULL);
}

void
pushsub_gone(struct engine *e, const char *responder, const char *endpoint,
    const char *why)
{
	int n;

	turn_touch(e);
	n = store_pushsub_drop(e->st, endpoint);
	log_info("event=push_subscription_gone responder=%s removed=%d "
	    "reason=\"%s\"", responder, n, why);
}
