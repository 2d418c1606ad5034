/* Freeing, copying and comparing what a load made. */
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

static void
strs_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
labels_free(char **labels)
{
	size_t i;

	for (i = 0; i < I18N_NLANGS; i++)
		free(labels[i]);
}

static void
policy_free(struct conf_policy *pol)
{
	size_t i;

	for (i = 0; i < pol->nsteps; i++) {
		strs_free(pol->steps[i].roles, pol->steps[i].nroles);
		strs_free(pol->steps[i].responders, pol->steps[i].nresponders);
	}
	free(pol->steps);
	free(pol->id);
}

static char **
strs_dup(char *const *v, size_t n)
{
	char **d = n ? xcalloc(n, sizeof *d) : NULL;
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = xstrdup(v[i]);
	return d;
}

static int
strs_equal(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

struct conf_policy *
conf_policy_dup(const struct conf_policy *pol)
{
	struct conf_policy *d = xcalloc(1, sizeof *d);
	size_t i;

	d->id = xstrdup(pol->id);
	d->line = pol->line;
	d->nsteps = pol->nsteps;
	d->steps = xcalloc(pol->nsteps, sizeof *d->steps);
	for (i = 0; i < pol->nsteps; i++) {
		const struct conf_step *a = &pol->steps[i];
		struct conf_step *b = &d->steps[i];

		*b = *a;
		b->roles = strs_dup(a->roles, a->nroles);
		b->responders = strs_dup(a->responders, a->nresponders);
	}
	return d;
}

void
conf_policy_free(struct conf_policy *pol)
{
	if (pol == NULL)
		return;
	policy_free(pol);
	free(pol);
}

int
conf_policy_equal(const struct conf_policy *a, const struct conf_policy *b)
{
	size_t i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->nsteps != b->nsteps)
		return 0;
	for (i = 0; i < a->nsteps; i++) {
		const struct conf_step *x = &a->steps[i], *y = &b->steps[i];

		if (x->after != y->after || x->repeat != y->repeat ||
		    !strs_equal(x->roles, x->nroles, y->roles, y->nroles) ||
		    !strs_equal(x->responders, x->nresponders, y->responders,
		    y->nresponders))
			return 0;
	}
	return 1;
}

static void
windows_free(struct conf_window *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(w[i].branch);
		strs_free(w[i].days, w[i].ndays);
		free(w[i].from);
		free(w[i].until);
	}
	free(w);
}

/* What the duty settings hold (shifts, hours, closures, holidays). */
static void
conf_free_duty(struct config *cf)
{
	struct conf_branch *b;
	size_t i, j;

	for (i = 0; i < cf->nbranches; i++) {
		b = &cf->branches[i];
		windows_free(b->hours, b->nhours);
		for (j = 0; j < b->nclosures; j++) {
			free(b->closures[j].from);
			free(b->closures[j].until);
			free(b->closures[j].reason);
		}
		free(b->closures);
		strs_free(b->holidays, b->nholidays);
		free(b->holiday_ymd);
	}
	for (i = 0; i < cf->nresponders; i++)
		windows_free(cf->responders[i].shifts,
		    cf->responders[i].nshifts);
	for (i = 0; i < cf->ncategories; i++)
		free(cf->categories[i].after_hours);
}

static void
conf_free_lists(struct config *cf)
{
	size_t i;

	for (i = 0; i < cf->nroles; i++) {
		free(cf->roles[i].id);
		free(cf->roles[i].label);
		labels_free(cf->roles[i].labels);
		free(cf->roles[i].reports_to);
	}
	for (i = 0; i < cf->nbranches; i++) {
		free(cf->branches[i].id);
		free(cf->branches[i].name);
		free(cf->branches[i].timezone);
		free(cf->branches[i].language);
		strs_free(cf->branches[i].buttons, cf->branches[i].nbuttons);
	}
	for (i = 0; i < cf->nresponders; i++) {
		free(cf->responders[i].id);
		free(cf->responders[i].name);
		free(cf->responders[i].role);
		free(cf->responders[i].language);
		strs_free(cf->responders[i].branches,
		    cf->responders[i].nbranches);
	}
	for (i = 0; i < cf->npolicies; i++)
		policy_free(&cf->policies[i]);
	for (i = 0; i < cf->ncategories; i++) {
		free(cf->categories[i].id);
		free(cf->categories[i].label);
		labels_free(cf->categories[i].labels);
		free(cf->categories[i].policy);
		strs_free(cf->categories[i].require,
		    cf->categories[i].nrequire);
	}
}

void
conf_free(struct config *cf)
{
	if (cf == NULL)
		return;
	conf_free_duty(cf);
	conf_free_lists(cf);
	free(cf->roles);
	free(cf->branches);
	free(cf->responders);
	free(cf->policies);
	free(cf->categories);
	strs_free(cf->life_roles, cf->nlife_roles);
	free(cf->warnings);
	free(cf->debrief_role);
	free(cf->push_url);
	free(cf->push_token);
	free(cf->http_listen);
	free(cf->http_root);
	free(cf->http_url);
	free(cf->http_tls_cert);
	free(cf->http_tls_key);
	free(cf->webpush_subject);
	free(cf->webpush_key_file);
	free(cf->links_secret_file);
	strs_free(cf->referral_types, cf->nreferral_types);
	strs_free(cf->notice_types, cf->nnotice_types);
	strs_free(cf->query_roles, cf->nquery_roles);
	strs_free(cf->admins, cf->nadmins);
	free(cf->path);
	free(cf->topic_prefix);
	free(cf->broker_host);
	free(cf->client_id);
	free(cf->database);
	free(cf->username);
	free(cf->password_file);
	if (cf->password != NULL)
		explicit_bzero(cf->password, strlen(cf->password));
	free(cf->password);
	free(cf->cafile);
	free(cf->capath);
	free(cf->certfile);
	free(cf->keyfile);
	free(cf->password_file_at);
	free(cf->keyfile_at);
	free(cf->share_group);
	free(cf->standby_instance);
	free(cf->standby_partner);
	free(cf);
}
