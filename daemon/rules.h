/*
 * Routing and escalation: pure functions over the configuration and plain
 * structs, no I/O, so they are tested directly.
 */
#ifndef BEACON_RULES_H
#define BEACON_RULES_H

#include "beacon.h"
#include "conf.h"

#define ROUTE_MAX 64 /* responders one step may notify */

/* Whom one escalation step notifies for a branch. */
struct route {
	const struct conf_responder *who[ROUTE_MAX];
	const char *role[ROUTE_MAX]; /* the role each was picked for */
	size_t n;
	const char *empty[ROUTE_MAX]; /* role ids with nobody on the branch */
	size_t nempty;
	/* rules_route_at: responders of the step's roles who cover the
	 * branch but were off duty, so not notified. */
	const struct conf_responder *off[ROUTE_MAX];
	size_t noff;
};

/* 1 if a report of this severity must call 911. */
int rules_call_911(const struct config *, int severity);
/* The effective severity: the report's, or the category default. */
int rules_severity(const struct conf_category *, int reported);
/* Fill *out with the responders of step `step` of the policy for the
 * incident's branch (step 0 also gets the life-threat roles when the
 * severity calls for them). Each responder appears once. Returns -1 if the
 * step does not exist. */
int rules_route(const struct config *, const struct conf_policy *,
    const char *branch, int severity, int step, struct route *out);
/* The same with only the responders on duty at the branch at `now`
 * (duty.h: shifts, and the overrides in dt, which may be NULL); now < 0
 * counts everyone as on duty, as rules_route does. */
struct duty;
int rules_route_at(const struct config *, const struct conf_policy *,
    const char *branch, int severity, int step, const struct duty *dt,
    int64_t now, struct route *out);

/*
 * The next deadline of an incident whose step `step` fired at step_at:
 * a repeat of the same step when it has `repeat` and that comes first,
 * else the next step at step_at + after. Sets *due and *due_step and
 * returns 1, or returns 0 when nothing more is scheduled.
 * `last` is when the step was last notified (step_at or its last repeat).
 */
int rules_next(const struct conf_policy *, int step, int64_t step_at,
    int64_t last, int64_t *due, int *due_step);

/*
 * Repeats per role (roles[].repeat), for a step that gives no repeat of
 * its own: the same as rules_next, with the earliest role repeat due
 * after `last` (each role repeats at step_at + k * its repeat).
 */
int rules_next_roles(const struct config *, const struct conf_policy *,
    const struct route *, int step, int64_t step_at, int64_t last,
    int64_t *due, int *due_step);
/* The repeat number of role `role` due at `due` for a step fired at
 * step_at, or 0 when the role has none due then. step_repeat is the
 * step's own repeat (it wins over the role's). */
int rules_role_repeat(const struct config *, const char *role,
    int step_repeat, int64_t step_at, int64_t due);

/* Every responder of one role on the branch, into *out (cleared first);
 * the role goes to out->empty when it has nobody there. */
void rules_role(const struct config *, const char *role, const char *branch,
    struct route *out);

/*
 * Debriefs. rules_debrief_open fills the lifecycle of a debrief for an
 * incident resolved at `resolved`. rules_debrief_fire advances it when its
 * timer fires: it returns the notice to send ("debrief_reminder" or
 * "debrief_overdue") and sets *role to whom it goes (the debrief role, or
 * for an overdue notice the role it reports to, falling back to itself;
 * NULL when the configuration names nobody); NULL when nothing is due.
 */
struct debrief_due;
void rules_debrief_open(const struct config *, int64_t resolved,
    struct debrief_due *);
const char *rules_debrief_fire(const struct config *, struct debrief_due *,
    const char **role);

#endif
