/*
 * The policy an incident follows: its category's, or the one it started
 * with when a reload changed it while the incident was open (pinned).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static int
policy_cmp(const void *a, const void *b)
{
	const struct pin *x = a, *y = b;

	return (x->incident > y->incident) - (x->incident < y->incident);
}

static struct pin *
policy_pin_find(struct engine *e, int64_t incident)
{
	struct pin key = { incident, NULL };

	if (e->pins.n == 0)
		return NULL;
	return bsearch(&key, e->pins.v, e->pins.n, sizeof *e->pins.v,
	    policy_cmp);
}

void
policy_unpin(struct engine *e, int64_t incident)
{
	struct pin *p = policy_pin_find(e, incident);

	if (p == NULL)
		return;
	conf_policy_free(p->pol);
	memmove(p, p + 1, (size_t)(e->pins.v + e->pins.n - (p + 1)) *
	    sizeof *p);
	e->pins.n--;
}

struct repin {
	struct engine *e;
	const struct config *next;
	struct pin *add;
	size_t n;
};

/* An open incident under the old configuration: pin its policy if the
 * new one differs (or is gone). */
static int
policy_repin_one(const struct incident *inc, void *arg)
{
	struct repin *r = arg;
	const struct conf_policy *old, *next;

	if (policy_pin_find(r->e, inc->id) != NULL ||
	    (old = conf_policy(r->e->cf, inc->policy)) == NULL)
		return 0;
	next = conf_policy(r->next, inc->policy);
	if (conf_policy_equal(old, next))
		return 0;
	r->add = xreallocarray(r->add, r->n + 1, sizeof *r->add);
	r->add[r->n].incident = inc->id;
	r->add[r->n].pol = conf_policy_dup(old);
	r->n++;
	return 0;
}

/* Before a reload takes effect: every open incident whose policy changes
 * keeps the old one (docs/configuration.md, "Reloading"). */
void
policy_repin(struct engine *e, const struct config *next)
{
	struct repin r = { e, next, NULL, 0 };

	if (e->cf == NULL || e->st == NULL)
		return;
	if (store_incidents(e->st, STORE_OPEN_ONLY, NULL, policy_repin_one,
	    &r) != 0)
		log_warnx("reload: cannot read the open incidents; they follow "
		    "the new policies");
	if (r.n == 0) {
		free(r.add);
		return;
	}
	e->pins.v = xreallocarray(e->pins.v, e->pins.n + r.n,
	    sizeof *e->pins.v);
	memcpy(e->pins.v + e->pins.n, r.add, r.n * sizeof *r.add);
	e->pins.n += r.n;
	qsort(e->pins.v, e->pins.n, sizeof *e->pins.v, policy_cmp);
	free(r.add);
	log_info("event=policy_kept incidents=%zu", r.n);
}

const struct conf_policy *
policy_get(struct engine *e, const struct incident *inc)
{
	const struct pin *pin = policy_pin_find(e, inc->id);
	const struct conf_policy *pol;
	const struct conf_category *cat;

	if (pin != NULL)
		return pin->pol;
	pol = conf_policy(e->cf, inc->policy);

	/* A policy removed by a reload: fall back to the category's. */
	if (pol == NULL && (cat = conf_category(e->cf, inc->r.type)) != NULL)
		pol = cat->pol;
	return pol;
}

void
policy_free(struct pins *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		conf_policy_free(p->v[i].pol);
	free(p->v);
}
