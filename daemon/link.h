/*
 * Signed action links (docs/protocol.md, "Action links"): the URLs a push
 * carries so that a responder can acknowledge or decline from the
 * notification, with no app open and no password. A link names the
 * responder, the incident, the action and when it stops working, signed
 * with HMAC-SHA256 under a secret only beacond holds. POST /a/{token}
 * acts once; GET shows a page with one button that POSTs, because link
 * previewers fetch GETs.
 */
#ifndef BEACON_LINK_H
#define BEACON_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "beacon.h"

struct link;
struct web;

/* What a valid token says. key identifies the link (its signature,
 * base64url) for "used once". */
struct link_token {
	char responder[ID_MAX + 1];
	int64_t incident;
	int action;		/* ACT_ACK or ACT_DECLINE */
	int64_t expiry;		/* ms since the epoch */
	char key[64];
};

/* The person's side of a use: ENGINE_ACT_* (engine.h), msg a sentence. */
typedef int (*link_act_fn)(void *arg, const struct link_token *, char *msg,
    size_t len);
/* A line for the confirmation page: what the incident is and where
 * ("Suspected overdose at Central Library: Children's area"), in the
 * language of the link's responder, which it returns ("en", "fr"). */
typedef const char *(*link_describe_fn)(void *arg, int64_t incident,
    const char *responder, char *buf, size_t len);

/* secret: CRYPTO_KEY_LEN bytes; base: "https://host[:port]" with no
 * trailing slash; lifetime in seconds. */
struct link *link_new(const unsigned char *secret, const char *base,
    int lifetime);
void link_free(struct link *);
/* The absolute URL of a link that works until now + lifetime; the caller
 * frees. */
char *link_url(const struct link *, const char *responder, int64_t incident,
    int action, int64_t now);
/* The responder app at an incident: base/responder.html#incident=N. */
char *link_app_url(const struct link *, int64_t incident);
/* The token part of a URL made now, for tests and tools. */
char *link_token(const struct link *, const char *responder,
    int64_t incident, int action, int64_t expiry);
/* 0 and *t filled when token is one of ours and has not expired at now;
 * -1 with *why for a person ("this link has expired") otherwise. */
int link_check(const struct link *, const char *token, int64_t now,
    struct link_token *t, const char **why);
/* Answer /a/ on w with act and describe. */
void link_serve(struct link *, struct web *, link_act_fn, link_describe_fn,
    void *arg);

#endif
