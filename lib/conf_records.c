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

/* ---- debrief and records ---------------------------------------------- */

/* Sites may list their own; these are the usual community partners. */
static const char *const default_referrals[] = { "mental_health",
	"housing", "addiction", "food", "legal", "newcomer", "other" };
static const char *const default_notices[] = { "warning", "suspension",
	"trespass" };

static void
strs_default(char ***dst, size_t *n, const char *const *def, size_t ndef)
{
	size_t i;

	if (*dst != NULL)
		return;
	*dst = xcalloc(ndef, sizeof **dst);
	for (i = 0; i < ndef; i++)
		(*dst)[i] = xstrdup(def[i]);
	*n = ndef;
}

static void
check_ids(struct conf_check *ck, char **v, size_t n, const config_setting_t *s,
    const char *ctx)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (conf_valid_id(v[i]) != NULL)
			conf_check_err(ck, s, "%s: \"%s\" %s", ctx, v[i],
			    conf_valid_id(v[i]));
}

/* The supervisor role, when the file defines one, is the default for the
 * debrief and for who may ask for records. */
void
conf_check_records(struct conf_check *ck, const config_t *lc, struct config *cf)
{
	const config_setting_t *dg = config_lookup(lc, "debrief");
	const char *sup = conf_role(cf, "supervisor") ? "supervisor" : NULL;
	size_t i;

	if (cf->debrief_role == NULL && config_lookup(lc, "debrief.role") ==
	    NULL)
		cf->debrief_role = xstrdup_null(sup);
	else if (cf->debrief_role != NULL)
		conf_check_roles(ck, cf, &cf->debrief_role, 1,
		    config_lookup(lc, "debrief.role"), "debrief");
	if (cf->debrief_reminder >= cf->debrief_due)
		conf_check_err(ck, dg ? dg : config_root_setting(lc),
		    "debrief: reminder (%d s) must come before due (%d s); 0 "
		    "for none", cf->debrief_reminder, cf->debrief_due);
	strs_default(&cf->referral_types, &cf->nreferral_types,
	    default_referrals, sizeof default_referrals / sizeof
	    *default_referrals);
	strs_default(&cf->notice_types, &cf->nnotice_types, default_notices,
	    sizeof default_notices / sizeof *default_notices);
	check_ids(ck, cf->referral_types, cf->nreferral_types,
	    config_lookup(lc, "debrief.referral_types"), "debrief");
	check_ids(ck, cf->notice_types, cf->nnotice_types,
	    config_lookup(lc, "debrief.notice_types"), "debrief");
	if (cf->query_roles == NULL && sup != NULL)
		strs_default(&cf->query_roles, &cf->nquery_roles, &sup, 1);
	conf_check_roles(ck, cf, cf->query_roles, cf->nquery_roles,
	    config_lookup(lc, "records.query_roles"), "records");
	for (i = 0; i < cf->nadmins; i++)
		if (conf_responder(cf, cf->admins[i]) == NULL)
			conf_check_err(ck, config_lookup(lc, "beacon.admins"),
			    "beacon: admins: unknown responder \"%s\" (not in "
			    "responders)", cf->admins[i]);
}
