/*
 * Web Push to the responder app (RFC 8030, with payloads encrypted as
 * RFC 8291 says and the sender identified by VAPID, RFC 8292): every
 * notification beacond commits for a responder also goes to each of the
 * responder's subscriptions (pushsub.c keeps them), through the push
 * notifier's requests (push.h), never holding up the event loop.
 */
#ifndef BEACON_WEBPUSH_H
#define BEACON_WEBPUSH_H

#include "push.h"

struct config;
struct link;
struct store;
struct webpush;

/* The VAPID key pair in path, made on first use; NULL and *cause (to
 * free) when it cannot be read or made. */
struct webpush *webpush_new(const char *path, char **cause);
void webpush_free(struct webpush *);
/* base64url of the public key: the app's applicationServerKey. */
const char *webpush_public_key(const struct webpush *);
/* What a push needs: the requests, the subscriptions, the action links,
 * the settings (borrowed until the next call) and who hears of a
 * subscription the push service says is gone. */
void webpush_set(struct webpush *, struct push *, struct store *,
    const struct link *, const struct config *, push_gone_fn, void *arg);
/* Push one notification (a beacon/notify payload) to every subscription
 * of responder. */
void webpush_notify(struct webpush *, const char *responder,
    const char *payload);

#endif
