/* The lists of beacon.conf: roles, branches, responders, policies and
 * categories, their tables and the checks of what refers to what. */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_int.h"
#include "xmalloc.h"

static void field_steps(struct conf_check *, const config_setting_t *,
    const char *, const struct conf_field *, void *);

static const struct conf_field role_fields[] = {
	CONF_STR(struct conf_role, id, 1, conf_valid_id),
	CONF_STR(struct conf_role, label, 1, conf_valid_nonempty),
	{ "labels", conf_field_labels, offsetof(struct conf_role, labels), 0,
	    0, 0, 0, 0, NULL, NULL },
	CONF_STR(struct conf_role, reports_to, 0, conf_valid_id),
	{ "drill", conf_field_bool, offsetof(struct conf_role, drill), 0, 0, 0,
	    0, 0, NULL, NULL },
	CONF_INT(struct conf_role, repeat, 0, 0, 86400, 0),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct conf_field branch_fields[] = {
	CONF_STR(struct conf_branch, id, 1, conf_valid_id),
	CONF_STR(struct conf_branch, name, 1, conf_valid_nonempty),
	CONF_STR(struct conf_branch, timezone, 1, conf_valid_timezone),
	CONF_STR(struct conf_branch, language, 0, conf_valid_language),
	CONF_STRS(struct conf_branch, buttons, 0),
	{ "hours", conf_field_hours, offsetof(struct conf_branch, hours),
	    offsetof(struct conf_branch, nhours), 0, 0, 0, 0, NULL, NULL },
	{ "closures", conf_field_closures, offsetof(struct conf_branch,
	    closures), offsetof(struct conf_branch, nclosures), 0, 0, 0, 0,
	    NULL, NULL },
	CONF_STRS(struct conf_branch, holidays, 0),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct conf_field responder_fields[] = {
	CONF_STR(struct conf_responder, id, 1, conf_valid_id),
	CONF_STR(struct conf_responder, name, 1, conf_valid_nonempty),
	CONF_STR(struct conf_responder, role, 1, NULL),
	CONF_STR(struct conf_responder, language, 0, conf_valid_language),
	CONF_STRS(struct conf_responder, branches, 1),
	{ "shifts", conf_field_shifts, offsetof(struct conf_responder, shifts),
	    offsetof(struct conf_responder, nshifts), 0, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

/* A day is the longest sensible delay: a larger number is a typo. */
static const struct conf_field step_fields[] = {
	CONF_INT(struct conf_step, after, 0, 0, 86400, 0),
	CONF_INT(struct conf_step, repeat, 0, 0, 86400, 0),
	CONF_STRS(struct conf_step, roles, 0),
	CONF_STRS(struct conf_step, responders, 0),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct conf_field policy_fields[] = {
	CONF_STR(struct conf_policy, id, 1, conf_valid_id),
	{ "steps", field_steps, offsetof(struct conf_policy, steps),
	    offsetof(struct conf_policy, nsteps), 1, 0, 0, 0, NULL, NULL },
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct conf_field category_fields[] = {
	CONF_STR(struct conf_category, id, 1, conf_valid_id),
	CONF_STR(struct conf_category, label, 1, conf_valid_nonempty),
	{ "labels", conf_field_labels, offsetof(struct conf_category, labels),
	    0, 0, 0, 0, 0, NULL, NULL },
	CONF_INT(struct conf_category, severity, 1, 1, 4, 0),
	CONF_STR(struct conf_category, policy, 1, NULL),
	CONF_STR(struct conf_category, after_hours, 0, NULL),
	{ "cancel", conf_field_bool, offsetof(struct conf_category, cancel), 0,
	    0, 0, 0, -1, NULL, NULL },
	CONF_STRS(struct conf_category, require, 0),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static char *
step_ctx(const config_setting_t *el, const char *ctx, int i)
{
	(void)el;
	return xasprintf("%s step %d", ctx, i + 1);
}

static const struct conf_nested step_nested = { sizeof(struct conf_step),
	offsetof(struct conf_step, line), step_fields, step_ctx,
	"{ after = 0; roles = [ ... ]; }" };

static void
field_steps(struct conf_check *ck, const config_setting_t *s, const char *ctx,
    const struct conf_field *f, void *base)
{
	conf_field_nested(ck, s, ctx, f, base, &step_nested);
}

/* ---- references -------------------------------------------------------- */

const config_setting_t *
conf_member_or(const config_setting_t *el, const char *name)
{
	const config_setting_t *s = config_setting_get_member(el, name);

	return s != NULL ? s : el;
}

/* Each name of a list must be a known role. */
void
conf_check_roles(struct conf_check *ck, const struct config *cf, char **roles,
    size_t n, const config_setting_t *s, const char *ctx)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (conf_role(cf, roles[i]) == NULL)
			conf_check_err(ck, s, "%s: unknown role \"%s\" (not in "
			    "roles)", ctx, roles[i]);
}

/* The staff page's buttons are categories. */
static void
check_branch(struct conf_check *ck, struct config *cf, void *p,
    const config_setting_t *el, const char *ctx)
{
	struct conf_branch *b = p;
	size_t i;

	/* These name topics of their own (docs/protocol.md). */
	if (b->id != NULL && (strcmp(b->id, "_library") == 0 ||
	    strcmp(b->id, "_responders") == 0))
		conf_check_err(ck, conf_member_or(el, "id"), "%s: the id "
		    "\"%s\" is reserved: choose another", ctx, b->id);
	for (i = 0; i < b->nbuttons; i++)
		if (conf_category(cf, b->buttons[i]) == NULL)
			conf_check_err(ck, conf_member_or(el, "buttons"),
			    "%s: buttons: unknown category \"%s\" (not in "
			    "categories)", ctx, b->buttons[i]);
	conf_check_hours(ck, b, el, ctx);
}

static void
check_responder(struct conf_check *ck, struct config *cf, void *p,
    const config_setting_t *el, const char *ctx)
{
	struct conf_responder *rp = p;
	const config_setting_t *bs = conf_member_or(el, "branches");
	size_t i;

	if (rp->role != NULL)
		conf_check_roles(ck, cf, &rp->role, 1, conf_member_or(el,
		    "role"), ctx);
	if (rp->branches != NULL && rp->nbranches == 0)
		conf_check_err(ck, bs, "%s: branches is empty: list the "
		    "branches covered, or [ \"*\" ] for all", ctx);
	for (i = 0; i < rp->nbranches; i++)
		if (strcmp(rp->branches[i], "*") != 0 &&
		    conf_branch(cf, rp->branches[i]) == NULL)
			conf_check_err(ck, bs, "%s: unknown branch \"%s\" (not "
			    "in branches)", ctx, rp->branches[i]);
	conf_check_shifts(ck, cf, rp, el, ctx);
}

static void
check_step(struct conf_check *ck, const struct config *cf,
    const struct conf_step *st, const config_setting_t *el, const char *ctx)
{
	const config_setting_t *rs = conf_member_or(el, "responders");
	size_t i;

	conf_check_roles(ck, cf, st->roles, st->nroles, conf_member_or(el,
	    "roles"), ctx);
	for (i = 0; i < st->nresponders; i++)
		if (conf_responder(cf, st->responders[i]) == NULL)
			conf_check_err(ck, rs, "%s: unknown responder \"%s\" "
			    "(not in responders)", ctx, st->responders[i]);
	if (st->nroles == 0 && st->nresponders == 0)
		conf_check_err(ck, el, "%s: nobody to notify: give it roles or "
		    "responders", ctx);
}

static void
check_policy(struct conf_check *ck, struct config *cf, void *p,
    const config_setting_t *el, const char *ctx)
{
	struct conf_policy *pol = p;
	const config_setting_t *ss = config_setting_get_member(el, "steps");
	const config_setting_t *sel;
	char *sctx;
	size_t i;

	if (ss != NULL && conf_is_list(ss) && pol->nsteps == 0)
		conf_check_err(ck, ss, "%s: has no steps: give it at least one "
		    "{ after = 0; roles = [ ... ]; }", ctx);
	for (i = 0; i < pol->nsteps; i++) {
		sel = config_setting_get_elem(ss, i);
		if (config_setting_type(sel) != CONFIG_TYPE_GROUP)
			continue;
		sctx = xasprintf("%s step %zu", ctx, i + 1);
		check_step(ck, cf, &pol->steps[i], sel, sctx);
		free(sctx);
	}
}

/* Each required role must be known, and reached by the policy. */
static void
check_require(struct conf_check *ck, const struct config *cf,
    const struct conf_category *cat, const config_setting_t *el,
    const char *ctx)
{
	const config_setting_t *rs = conf_member_or(el, "require");
	size_t i, j, k;
	int found;

	conf_check_roles(ck, cf, cat->require, cat->nrequire, rs, ctx);
	for (i = 0; cat->pol != NULL && i < cat->nrequire; i++) {
		found = conf_has(cf->life_roles, cf->nlife_roles,
		    cat->require[i]);
		for (j = 0; j < cat->pol->nsteps && !found; j++)
			for (k = 0; k < cat->pol->steps[j].nroles; k++)
				if (strcmp(cat->pol->steps[j].roles[k],
				    cat->require[i]) == 0)
					found = 1;
		if (!found && conf_role(cf, cat->require[i]) != NULL)
			conf_check_err(ck, rs, "%s: requires role \"%s\" but "
			    "policy \"%s\" never notifies it", ctx,
			    cat->require[i], cat->policy);
	}
}

static void
check_category(struct conf_check *ck, struct config *cf, void *p,
    const config_setting_t *el, const char *ctx)
{
	struct conf_category *cat = p;

	if (cat->cancel == 1 && cat->severity >= 1 && cat->severity <= 2)
		conf_check_err(ck, conf_member_or(el, "cancel"), "%s: cancel: "
		    "a category of severity %d never waits for a cancel (only "
		    "3-4 may)", ctx, cat->severity);
	if (cat->policy == NULL)
		return;
	if ((cat->pol = conf_policy(cf, cat->policy)) == NULL)
		conf_check_err(ck, conf_member_or(el, "policy"), "%s: unknown "
		    "policy \"%s\" (not in policies)", ctx, cat->policy);
	if (cat->after_hours != NULL && (cat->after_pol = conf_policy(cf,
	    cat->after_hours)) == NULL)
		conf_check_err(ck, conf_member_or(el, "after_hours"),
		    "%s: after_hours: unknown policy \"%s\" (not in policies)",
		    ctx, cat->after_hours);
	check_require(ck, cf, cat, el, ctx);
}

static void
check_role(struct conf_check *ck, struct config *cf, void *p,
    const config_setting_t *el, const char *ctx)
{
	struct conf_role *r = p;

	if (r->reports_to == NULL)
		return;
	conf_check_roles(ck, cf, &r->reports_to, 1, conf_member_or(el,
	    "reports_to"), ctx);
	if (r->id != NULL && strcmp(r->id, r->reports_to) == 0)
		conf_check_err(ck, conf_member_or(el, "reports_to"),
		    "%s: reports_to names the role itself", ctx);
}

const struct list_desc conf_lists[] = {
	{ "roles", "role", sizeof(struct conf_role), role_fields,
	    offsetof(struct config, roles), offsetof(struct config, nroles),
	    offsetof(struct conf_role, line), check_role,
	    "no roles defined: add roles = ( { id = ...; label = ...; } )" },
	{ "branches", "branch", sizeof(struct conf_branch), branch_fields,
	    offsetof(struct config, branches),
	    offsetof(struct config, nbranches),
	    offsetof(struct conf_branch, line), check_branch,
	    "no branches defined: add branches = ( { id = ...; ... } )" },
	{ "responders", "responder", sizeof(struct conf_responder),
	    responder_fields, offsetof(struct config, responders),
	    offsetof(struct config, nresponders),
	    offsetof(struct conf_responder, line), check_responder,
	    "no responders defined: nobody would ever be notified" },
	{ "policies", "policy", sizeof(struct conf_policy), policy_fields,
	    offsetof(struct config, policies),
	    offsetof(struct config, npolicies),
	    offsetof(struct conf_policy, line), check_policy, NULL },
	{ "categories", "category", sizeof(struct conf_category),
	    category_fields, offsetof(struct config, categories),
	    offsetof(struct config, ncategories),
	    offsetof(struct conf_category, line), check_category,
	    "no categories defined: add categories = ( { id = ...; ... } )" },
};
const size_t conf_nlists = sizeof conf_lists / sizeof *conf_lists;

/* Two elements of one list with the same id: the second is the error. */
static void
check_dups(struct conf_check *ck, const config_setting_t *ls,
    const struct list_desc *d, const struct config *cf)
{
	const char *arr, *a, *b;
	size_t n, i, j;

	memcpy(&arr, (const char *)cf + d->arr_off, sizeof arr);
	n = *(const size_t *)(const void *)((const char *)cf + d->n_off);
	for (i = 1; i < n; i++) {
		memcpy(&a, arr + i * d->size, sizeof a);
		for (j = 0; a != NULL && j < i; j++) {
			memcpy(&b, arr + j * d->size, sizeof b);
			if (b == NULL || strcmp(a, b) != 0)
				continue;
			conf_check_err(ck, conf_member_or(
			    config_setting_get_elem(ls, i), "id"), "duplicate "
			    "%s \"%s\" (first defined on line %d)", d->kind, a,
			    *(const int *)(const void *)(arr + j * d->size +
			    d->line_off));
			break;
		}
	}
}

/* The second pass: duplicates, references, empty lists. */
void
conf_list_check(struct conf_check *ck, const config_setting_t *root,
    const struct list_desc *d, struct config *cf)
{
	const config_setting_t *ls = config_setting_get_member(root, d->name);
	const config_setting_t *el;
	char *arr, *ctx;
	size_t n, i;

	memcpy(&arr, (char *)cf + d->arr_off, sizeof arr);
	n = *(size_t *)(void *)((char *)cf + d->n_off);
	if (n == 0 && d->empty != NULL && (ls == NULL || conf_is_list(ls)))
		conf_check_err(ck, ls, "%s", d->empty);
	if (n == 0)
		return;
	check_dups(ck, ls, d, cf);
	for (i = 0; d->check != NULL && i < n; i++) {
		el = config_setting_get_elem(ls, i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			continue;
		ctx = conf_elem_ctx(el, d->name, d->kind, i);
		d->check(ck, cf, arr + i * d->size, el, ctx);
		free(ctx);
	}
}
