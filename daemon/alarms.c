/*
 * Alarms that are not real (alarms.h): which reports wait for a cancel,
 * whom a drill may reach, what a repeated press changes.
 */
#include <stdio.h>
#include <string.h>

#include "alarms.h"
#include "beacon.h"
#include "conf.h"

int64_t
alarms_cancel_ms(const struct config *cf, const struct conf_category *cat,
    int severity)
{
	if (cf->cancel_window <= 0 || severity <= 2 || cat == NULL ||
	    cat->cancel == 0)
		return 0;
	if (cat->cancel < 0 && severity < cf->cancel_severity)
		return 0;
	return (int64_t)cf->cancel_window * 1000;
}

int
alarms_drill_skips(const struct config *cf, const char *role)
{
	const struct conf_role *r;

	if (!config_has(cf->life_roles, cf->nlife_roles, role))
		return 0;
	r = config_role(cf, role);
	return r == NULL || !r->drill;
}

int
alarms_press_changes(const struct incident *inc, const char *location,
    int severity, int *location_changed, int *severity_raised)
{
	*location_changed = location[0] != '\0' &&
	    strcmp(location, inc->r.location) != 0;
	*severity_raised = severity >= 1 && severity < inc->r.severity;
	return *location_changed || *severity_raised;
}

void
alarms_press_text(const struct incident *inc, char *buf, size_t len)
{
	snprintf(buf, len, "received again: %d presses, joined to incident "
	    "%lld%s", inc->presses, (long long)inc->id,
	    inc->step < 0 ? "" : state_open(inc->state) ?
	    ", already being handled" : "");
}
