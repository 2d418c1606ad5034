/*
 * The push notifier (push: in beacon.conf): every notification beacond
 * sends on beacon/notify/{responder} is also POSTed, as JSON in ntfy's
 * publish format, to an HTTP push service, and Web Push requests
 * (webpush.c) go out the same way. Requests run on beacond's event loop and never block it; each is tried again after 1, 2, 4... seconds
 * when it fails, and its outcome goes to the incident's timeline through
 * the record callback.
 */
#ifndef BEACON_PUSH_H
#define BEACON_PUSH_H

#include <stdint.h>

struct config;
struct event_base;
struct link;
struct push;

/* At most this many pushes under way; more are recorded as failed, so a
 * dead push service cannot make beacond hoard notifications. */
#define PUSH_MAX_PENDING 1024

/* Where an outcome goes: an event for the incident's timeline, kind
 * "pushed" or "push_failed", the responder as actor, a sentence as
 * detail (engine_append in beacond). */
typedef void (*push_record_fn)(void *arg, int64_t incident, const char *kind,
    const char *actor, int step, const char *detail);

/* A push service answered 404 or 410 for endpoint: the subscription is
 * gone and must be forgotten (engine_pushsub_gone). */
typedef void (*push_gone_fn)(void *arg, const char *responder,
    const char *endpoint, const char *why);

/* One Web Push request (webpush.c builds it): POSTed to url with its
 * headers (name, value, ..., NULL) and body, tried again like the ntfy
 * push, its outcome recorded on the incident's timeline. */
struct push_post {
	const char *url;
	const char *const *headers;
	const unsigned char *body;
	size_t len;
	int timeout, retries;
	int64_t incident;	/* 0: a notice about no incident */
	int step;
	const char *responder;
	push_gone_fn gone;
	void *gone_arg;
};

/* NULL (logged) when no DNS resolver can be set up on base. */
struct push *push_new(struct event_base *, push_record_fn, void *arg);
/* Abandon the pushes under way, each recorded as push_failed, and free. */
void push_free(struct push *);
/* Push with cf's settings from now on; pushes under way keep theirs. cf
 * is borrowed until the next call (branch names are read from it). 0, or
 * -1 when its URL cannot be used: logged, and nothing is pushed until a
 * configuration that can be. A NULL push_url turns pushing off. */
int push_set_config(struct push *, const struct config *);
/* The action links that ntfy pushes carry (NULL: none); borrowed. */
void push_set_links(struct push *, const struct link *);
/* POST one notification, a beacon/notify payload, for responder. */
void push_notify(struct push *, const char *responder, const char *payload);
/* Record a push that could not even be tried (push_failed). */
void push_record(struct push *, int64_t incident, const char *responder,
    int step, const char *detail);
/* The branch's name for people ("Central Library"), else its id. */
const char *push_branch_name(const struct config *, const char *branch);
/* POST one Web Push request; 0, or -1 when it cannot be made (logged
 * and recorded as push_failed). */
int push_post(struct push *, const struct push_post *);

#endif
