/*
 * The lease of a standby pair (docs/deployment.md): which of two beacond
 * instances is active. The active one publishes its lease, retained, on
 * {prefix}/daemon/leader and renews it three times per lease; the other
 * waits and claims the next term when the lease runs out, or at once when
 * the active one is gone (its will). A claim wins when it is the first of
 * its term on the topic: the broker puts every message of one topic in
 * one order, so both instances see the same first claim.
 *
 * This module decides; the caller publishes and changes role. Its timers
 * are libevent's, on the monotonic clock: a wall clock that jumps cannot
 * shorten a lease.
 */
#ifndef BEACON_STANDBY_H
#define BEACON_STANDBY_H

#include <stdint.h>

struct event_base;
struct lease;
struct standby;

struct standby_cb {
	/* Publish this lease, retained: a claim or a renewal. */
	void (*publish)(void *arg, const struct lease *);
	/* This instance holds the lease of `term`: become active. Called
	 * from inside the message callback; defer the work. */
	void (*promote)(void *arg, int64_t term);
	/* Another instance holds a later lease: stop being active. */
	void (*demote)(void *arg, const struct lease *);
	void *arg;
};

/* lease_ms: how long a lease lasts. min_term: the highest term this
 * instance's database has seen; a claim is above it. */
struct standby *standby_new(struct event_base *, const char *instance,
    int64_t lease_ms, int64_t min_term, const struct standby_cb *);
void standby_free(struct standby *);
/* Connected as the standby: wait one lease for the active one's. */
void standby_start(struct standby *);
/* A lease read on the leader topic. */
void standby_lease(struct standby *, const struct lease *);
/* The active instance said it is gone (its will, or a clean stop). */
void standby_released(struct standby *);
int standby_is_active(const struct standby *);
/* The term held (active) or last seen; 0: none. */
int64_t standby_term(const struct standby *);
/* The instance holding the lease last seen ("" when none). */
const char *standby_holder(const struct standby *);

#endif
