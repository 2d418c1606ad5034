/*
 * A standby catching up with its partner (docs/deployment.md, "How a
 * standby joins"): where it is in the active instance's changes. After
 * each connection it is "joining"; once the broker has acknowledged its
 * subscription to the changes it asks the active one where it is, and
 * stands by when its database holds that change, or asks for a fresh copy
 * and stands by once it has rebuilt from it. A change that does not
 * follow the last one applied is a gap: said once (the log, and the
 * presence that `beacon health` reads), healed from a fresh copy.
 *
 * The caller owns the connection: it publishes the questions and the
 * presence, commits the changes applied, and hands this module what
 * arrives on the replica and answer topics. The store applies and
 * installs (store.h).
 */
#ifndef BEACON_CATCHUP_H
#define BEACON_CATCHUP_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct store;
struct catchup;

struct catchup_cb {
	/* Publish this question on {prefix}/daemon/sync (QoS 1). */
	void (*ask)(void *arg, const char *question);
	/* Publish this instance's presence, retained; note may be NULL. */
	void (*presence)(void *arg, const char *state, const char *note);
	/* Changes were applied in the open transaction: commit at the end
	 * of the turn. */
	void (*applied)(void *arg);
	/* Commit what is applied, now. */
	void (*commit)(void *arg);
	void *arg;
};

/* retry_ms: how often an unanswered question is asked again. */
struct catchup *catchup_new(struct event_base *, struct store *,
    const char *instance, const char *partner, int64_t retry_ms,
    const struct catchup_cb *);
void catchup_free(struct catchup *);
/* Connected: joining (or still in its gap) until placed again. */
void catchup_connected(struct catchup *);
/* The broker acknowledged the subscription to the partner's changes. */
void catchup_subscribed(struct catchup *);
/* The lease now says holder holds term: a partner that has just become
 * active can answer at once. */
void catchup_lease(struct catchup *, int64_t term, const char *holder);
/* A change from {prefix}/daemon/replica/{partner}. */
void catchup_change(struct catchup *, const void *payload, size_t len);
/* An answer from {prefix}/daemon/sync/{instance}. */
void catchup_answer(struct catchup *, const void *payload, size_t len);
/* Taking over: no more questions; changes held are let go. */
void catchup_stop(struct catchup *);
/* 1 once placed in the partner's changes (standing by). */
int catchup_synced(const struct catchup *);
/* The gap being healed ("": none). */
const char *catchup_gap(const struct catchup *);

/* The active side: a question read on {prefix}/daemon/sync. 1 where am
 * I, 2 a copy, 0 none to answer (its own, or not from the partner:
 * logged). */
int catchup_question(const void *payload, size_t len, const char *instance,
    const char *partner);

#endif
