/* Languages in beacon.conf: a branch's and a responder's language, the
 * labels of categories and roles per language, and the warnings when a
 * language in use lacks a label or cannot be shown on this machine. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "xmalloc.h"

const char *
conf_valid_language(const char *s)
{
	return i18n_known(s) ? NULL : "is not a language Beacon speaks "
	    "(\"en\" or \"fr\")";
}

/* labels = { fr = "Surdose soupçonnée"; }: English is label itself. */
void
conf_field_labels(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	char **dst = CONF_FIELD(base, f, char *);
	const config_setting_t *m;
	const char *lang, *v;
	int i, ix;

	if (s == NULL)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		conf_check_err(ck, s, "%s: labels must be a group: labels = { "
		    "fr = \"...\"; }", ctx);
		return;
	}
	for (i = 0; (m = config_setting_get_elem(s, i)) != NULL; i++) {
		lang = config_setting_name(m);
		ix = i18n_index(lang);
		if (ix == 0) {
			conf_check_err(ck, m, "%s: labels: the English label "
			    "is label itself", ctx);
			continue;
		}
		if (ix < 0) {
			conf_check_err(ck, m, "%s: labels: unknown language "
			    "\"%s\" (Beacon speaks \"en\" and \"fr\")", ctx,
			    lang);
			continue;
		}
		if (config_setting_type(m) != CONFIG_TYPE_STRING ||
		    *(v = config_setting_get_string(m)) == '\0') {
			conf_check_err(ck, m, "%s: labels: %s must be a "
			    "non-empty string in double quotes", ctx, lang);
			continue;
		}
		free(dst[ix]);
		dst[ix] = xstrdup(v);
	}
}

static const char *
label_in(const char *label, char *const *labels, const char *lang)
{
	int ix = i18n_index(lang);

	return ix > 0 && labels[ix] != NULL ? labels[ix] : label;
}

const char *
conf_role_label(const struct conf_role *r, const char *lang)
{
	return label_in(r->label, r->labels, lang);
}

const char *
conf_category_label(const struct conf_category *c, const char *lang)
{
	return label_in(c->label, c->labels, lang);
}

const char *
conf_branch_lang(const struct config *cf, const char *branch)
{
	const struct conf_branch *b = conf_branch(cf, branch);

	return b != NULL && b->language != NULL ? b->language : "en";
}

const char *
conf_responder_lang(const struct config *cf, const char *responder,
    const char *branch)
{
	const struct conf_responder *rp = conf_responder(cf, responder);

	if (rp != NULL && rp->language != NULL)
		return rp->language;
	return conf_branch_lang(cf, branch);
}

/* ---- warnings ---------------------------------------------------------- */

/* The setting of list[i], for a warning's file:line. */
static const config_setting_t *
elem(const config_t *lc, const char *list, size_t i, const char *member)
{
	const config_setting_t *ls = config_lookup(lc, list), *el;

	if (ls == NULL || (el = config_setting_get_elem(ls, i)) == NULL)
		return ls;
	return member != NULL ? conf_member_or(el, member) : el;
}

/* Where lang is first set: a branch's or a responder's language. */
static const config_setting_t *
first_use(const config_t *lc, const struct config *cf, const char *lang)
{
	size_t i;

	for (i = 0; i < cf->nbranches; i++)
		if (cf->branches[i].language != NULL &&
		    strcmp(cf->branches[i].language, lang) == 0)
			return elem(lc, "branches", i, "language");
	for (i = 0; i < cf->nresponders; i++)
		if (cf->responders[i].language != NULL &&
		    strcmp(cf->responders[i].language, lang) == 0)
			return elem(lc, "responders", i, "language");
	return NULL;
}

static void
check_labels(struct conf_check *ck, const config_t *lc,
    const struct config *cf, int ix)
{
	const char *lang = i18n_languages[ix];
	size_t i;

	for (i = 0; i < cf->ncategories; i++)
		if (cf->categories[i].labels[ix] == NULL)
			conf_check_warn(ck, elem(lc, "categories", i, "label"),
			    "category \"%s\" has no \"%s\" label: its \"%s\" "
			    "readers see \"%s\" (add labels = { %s = \"...\"; "
			    "})", cf->categories[i].id, lang, lang,
			    cf->categories[i].label, lang);
	for (i = 0; i < cf->nroles; i++)
		if (cf->roles[i].labels[ix] == NULL)
			conf_check_warn(ck, elem(lc, "roles", i, "label"),
			    "role \"%s\" has no \"%s\" label: its \"%s\" "
			    "readers see \"%s\" (add labels = { %s = \"...\"; "
			    "})", cf->roles[i].id, lang, lang, cf->roles[i].label,
			    lang);
}

void
conf_check_languages(struct conf_check *ck, const config_t *lc,
    const struct config *cf)
{
	const config_setting_t *use;
	char why[512];
	int ix;

	for (ix = 1; i18n_languages[ix] != NULL; ix++) {
		if ((use = first_use(lc, cf, i18n_languages[ix])) == NULL)
			continue;
		check_labels(ck, lc, cf, ix);
		if (i18n_check(i18n_languages[ix], why, sizeof why) != 0)
			conf_check_warn(ck, use, "language \"%s\": %s: its "
			    "readers see English until then",
			    i18n_languages[ix], why);
	}
}
