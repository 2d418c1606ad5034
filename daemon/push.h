/*
 * The push notifier (push: in beacon.conf): every notification beacond
 * sends on beacon/notify/{responder} is also POSTed, as JSON in ntfy's
 * publish format, to an HTTP push service. push.c is the only user of
 * libevent's HTTP client and of OpenSSL. Requests run on beacond's event
 * loop and never block it; each is tried again after 1, 2, 4... seconds
 * when it fails, and its outcome goes to the incident's timeline through
 * the record callback.
 */
#ifndef BEACON_PUSH_H
#define BEACON_PUSH_H

#include <stdint.h>

struct config;
struct event_base;
struct push;

/* At most this many pushes under way; more are recorded as failed, so a
 * dead push service cannot make beacond hoard notifications. */
#define PUSH_MAX_PENDING 256

/* Where an outcome goes: an event for the incident's timeline, kind
 * "pushed" or "push_failed", the responder as actor, a sentence as
 * detail (engine_append in beacond). */
typedef void (*push_record_fn)(void *arg, int64_t incident, const char *kind,
    const char *actor, int step, const char *detail);

/* NULL (logged) when no DNS resolver can be set up on base. */
struct push *push_new(struct event_base *, push_record_fn, void *arg);
/* Abandon the pushes under way, each recorded as push_failed, and free. */
void push_free(struct push *);
/* Push with cf's settings from now on; pushes under way keep theirs. cf
 * is borrowed until the next call (branch names are read from it). 0, or
 * -1 when its URL cannot be used: logged, and nothing is pushed until a
 * configuration that can be. A NULL push_url turns pushing off. */
int push_set_config(struct push *, const struct config *);
/* POST one notification, a beacon/notify payload, for responder. */
void push_notify(struct push *, const char *responder, const char *payload);

#endif
