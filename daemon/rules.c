/*
 * Routing and escalation rules: who a step notifies and when the next
 * step is due. Pure functions of the configuration; no I/O.
 */
#include <string.h>

#include "duty.h"
#include "rules.h"
#include "store.h"

int
rules_call_911(const struct config *cf, int severity)
{
	return severity >= 1 && severity <= cf->life_severity;
}

int
rules_severity(const struct conf_category *cat, int reported)
{
	return reported >= 1 && reported <= 4 ? reported : cat->severity;
}

static int
route_has(const struct route *rt, const struct conf_responder *rp)
{
	size_t i;

	for (i = 0; i < rt->n; i++)
		if (rt->who[i] == rp)
			return 1;
	return 0;
}

static void
route_add(struct route *rt, const struct conf_responder *rp, const char *role)
{
	if (rt->n >= ROUTE_MAX || route_has(rt, rp))
		return;
	rt->who[rt->n] = rp;
	rt->role[rt->n] = role;
	rt->n++;
}

/* Whose duty counts: none (everyone covering the branch is on), or the
 * shifts and overrides at a time. */
struct route_duty {
	int check;
	const struct duty *dt;
	int64_t now;
};

static int
route_on(const struct config *cf, const struct route_duty *rd,
    const struct conf_responder *rp, const char *branch)
{
	return rd == NULL || !rd->check || duty_on(cf, rd->dt, rp, branch,
	    rd->now);
}

static void
route_off(struct route *rt, const struct conf_responder *rp)
{
	size_t i;

	for (i = 0; i < rt->noff; i++)
		if (rt->off[i] == rp)
			return;
	if (rt->noff < ROUTE_MAX)
		rt->off[rt->noff++] = rp;
}

/* Add every responder of the role who covers the branch (and is on duty
 * there); note an empty role so the reporter can be told nobody is
 * available. */
static void
route_role(const struct config *cf, const char *role, const char *branch,
    struct route *rt, const struct route_duty *rd)
{
	size_t i, found = 0;

	for (i = 0; i < cf->nresponders; i++) {
		const struct conf_responder *rp = &cf->responders[i];

		if (strcmp(rp->role, role) != 0 || !conf_covers(rp, branch))
			continue;
		if (!route_on(cf, rd, rp, branch)) {
			route_off(rt, rp);
			continue;
		}
		route_add(rt, rp, rp->role);
		found++;
	}
	if (found == 0 && rt->nempty < ROUTE_MAX) {
		for (i = 0; i < rt->nempty; i++)
			if (strcmp(rt->empty[i], role) == 0)
				return;
		rt->empty[rt->nempty++] = role;
	}
}

int
rules_route(const struct config *cf, const struct conf_policy *pol,
    const char *branch, int severity, int step, struct route *out)
{
	return rules_route_at(cf, pol, branch, severity, step, NULL, -1, out);
}

int
rules_route_at(const struct config *cf, const struct conf_policy *pol,
    const char *branch, int severity, int step, const struct duty *dt,
    int64_t now, struct route *out)
{
	const struct route_duty rd = { now >= 0, dt, now };
	const struct conf_step *st;
	const struct conf_responder *rp;
	size_t i;

	memset(out, 0, sizeof *out);
	if (step < 0 || (size_t)step >= pol->nsteps)
		return -1;
	st = &pol->steps[step];
	for (i = 0; i < st->nroles; i++)
		route_role(cf, st->roles[i], branch, out, &rd);
	if (step == 0 && rules_call_911(cf, severity))
		for (i = 0; i < cf->nlife_roles; i++)
			route_role(cf, cf->life_roles[i], branch, out, &rd);
	for (i = 0; i < st->nresponders; i++)
		if ((rp = conf_responder(cf, st->responders[i])) == NULL)
			continue;
		else if (route_on(cf, &rd, rp, branch))
			route_add(out, rp, rp->role);
		else
			route_off(out, rp);
	return 0;
}

int
rules_next(const struct conf_policy *pol, int step, int64_t step_at,
    int64_t last, int64_t *due, int *due_step)
{
	const struct conf_step *st;
	int64_t next = -1, rep = -1;

	if (step < 0 || (size_t)step >= pol->nsteps)
		return 0;
	st = &pol->steps[step];
	if ((size_t)step + 1 < pol->nsteps)
		next = step_at + (int64_t)pol->steps[step + 1].after * 1000;
	if (st->repeat > 0)
		rep = last + (int64_t)st->repeat * 1000;
	if (rep >= 0 && (next < 0 || rep < next)) {
		*due = rep;
		*due_step = step;
		return 1;
	}
	if (next < 0)
		return 0;
	*due = next;
	*due_step = step + 1;
	return 1;
}

/* A role's own repeat, in ms (0: none). */
static int64_t
rules_role_ms(const struct config *cf, const char *role)
{
	const struct conf_role *r = conf_role(cf, role);

	return r != NULL ? (int64_t)r->repeat * 1000 : 0;
}

int
rules_next_roles(const struct config *cf, const struct conf_policy *pol,
    const struct route *rt, int step, int64_t step_at, int64_t last,
    int64_t *due, int *due_step)
{
	int64_t rep = -1, ms, at;
	size_t i;
	int rc;

	rc = rules_next(pol, step, step_at, last, due, due_step);
	if (step < 0 || (size_t)step >= pol->nsteps ||
	    pol->steps[step].repeat > 0)
		return rc;
	for (i = 0; i < rt->n; i++) {
		if ((ms = rules_role_ms(cf, rt->role[i])) <= 0)
			continue;
		at = step_at + ((last - step_at) / ms + 1) * ms;
		if (rep < 0 || at < rep)
			rep = at;
	}
	if (rep < 0 || (rc == 1 && *due <= rep))
		return rc;
	*due = rep;
	*due_step = step;
	return 1;
}

int
rules_role_repeat(const struct config *cf, const char *role,
    int step_repeat, int64_t step_at, int64_t due)
{
	int64_t ms = step_repeat > 0 ? (int64_t)step_repeat * 1000 :
	    rules_role_ms(cf, role);

	if (ms <= 0 || due <= step_at || (due - step_at) % ms != 0)
		return 0;
	return (int)((due - step_at) / ms);
}

void
rules_role(const struct config *cf, const char *role, const char *branch,
    struct route *out)
{
	memset(out, 0, sizeof *out);
	route_role(cf, role, branch, out, NULL);
}

void
rules_debrief_open(const struct config *cf, int64_t resolved,
    struct debrief_due *d)
{
	d->opened = resolved;
	d->due_at = resolved + (int64_t)cf->debrief_due * 1000;
	if (cf->debrief_reminder > 0) {
		d->stage = DEBRIEF_WAITING;
		d->next_at = resolved + (int64_t)cf->debrief_reminder * 1000;
	} else {
		d->stage = DEBRIEF_REMINDED;
		d->next_at = d->due_at;
	}
}

const char *
rules_debrief_fire(const struct config *cf, struct debrief_due *d,
    const char **role)
{
	const struct conf_role *r;

	*role = cf->debrief_role;
	switch (d->stage) {
	case DEBRIEF_WAITING:
		d->stage = DEBRIEF_REMINDED;
		d->next_at = d->due_at;
		return "debrief_reminder";
	case DEBRIEF_REMINDED:
		d->stage = DEBRIEF_OVERDUE;
		d->next_at = -1;
		if (cf->debrief_role != NULL &&
		    (r = conf_role(cf, cf->debrief_role)) != NULL &&
		    r->reports_to != NULL)
			*role = r->reports_to;
		return "debrief_overdue";
	default:
		d->next_at = -1;
		return NULL;
	}
}
