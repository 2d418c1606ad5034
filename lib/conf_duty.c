/* Shifts, opening hours, closures and holidays. */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "conf_int.h"
#include "xmalloc.h"

/* Shifts and opening hours: weekly windows; closures: date ranges. */
static const struct conf_field shift_fields[] = {
	CONF_STR(struct conf_window, branch, 0, conf_valid_id),
	CONF_STRS(struct conf_window, days, 1),
	CONF_STR(struct conf_window, from, 1, NULL),
	CONF_STR(struct conf_window, until, 1, NULL),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct conf_field hours_fields[] = {
	CONF_STRS(struct conf_window, days, 1),
	CONF_STR(struct conf_window, from, 1, NULL),
	CONF_STR(struct conf_window, until, 1, NULL),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static const struct conf_field closure_fields[] = {
	CONF_STR(struct conf_closure, from, 1, NULL),
	CONF_STR(struct conf_closure, until, 1, NULL),
	CONF_STR(struct conf_closure, reason, 0, conf_valid_nonempty),
	{ NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
};

static char *
shift_ctx(const config_setting_t *el, const char *ctx, int i)
{
	(void)el;
	return xasprintf("%s shift %d", ctx, i + 1);
}

static char *
hours_ctx(const config_setting_t *el, const char *ctx, int i)
{
	(void)el;
	return xasprintf("%s hours %d", ctx, i + 1);
}

static char *
closure_ctx(const config_setting_t *el, const char *ctx, int i)
{
	(void)el;
	return xasprintf("%s closure %d", ctx, i + 1);
}

static const struct conf_nested shift_nested = { sizeof(struct conf_window),
	offsetof(struct conf_window, line), shift_fields, shift_ctx,
	"{ days = [ \"mon\", ... ]; from = \"09:00\"; until = \"17:00\"; }" };
static const struct conf_nested hours_nested = { sizeof(struct conf_window),
	offsetof(struct conf_window, line), hours_fields, hours_ctx,
	"{ days = [ \"mon\", ... ]; from = \"09:00\"; until = \"21:00\"; }" };
static const struct conf_nested closure_nested = { sizeof(struct conf_closure),
	offsetof(struct conf_closure, line), closure_fields, closure_ctx,
	"{ from = \"2026-07-01\"; until = \"2026-07-14\"; }" };

void
conf_field_shifts(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	conf_field_nested(ck, s, ctx, f, base, &shift_nested);
}

void
conf_field_hours(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	conf_field_nested(ck, s, ctx, f, base, &hours_nested);
}

void
conf_field_closures(struct conf_check *ck, const config_setting_t *s,
    const char *ctx, const struct conf_field *f, void *base)
{
	conf_field_nested(ck, s, ctx, f, base, &closure_nested);
}

/* ---- duty: shifts, opening hours, closures, holidays -------------------- */

/* The days and times of a weekly window. */
static void
check_window(struct conf_check *ck, struct conf_window *w,
    const config_setting_t *el, const char *ctx)
{
	const char *bad = NULL;

	if (w->days != NULL && w->ndays == 0)
		conf_check_err(ck, conf_member_or(el, "days"), "%s: days is "
		    "empty: list them, e.g. [ \"mon\", \"tue\" ] or [ "
		    "\"daily\" ]", ctx);
	if (calendar_parse_days(w->days, w->ndays, &w->dmask, &bad) != 0)
		conf_check_err(ck, conf_member_or(el, "days"), "%s: days: "
		    "\"%s\" is not a day: use mon, tue, wed, thu, fri, sat, "
		    "sun, daily, weekdays or weekends", ctx, bad);
	if (w->from != NULL && calendar_parse_hhmm(w->from, &w->from_min) != 0)
		conf_check_err(ck, conf_member_or(el, "from"), "%s: from "
		    "\"%s\" is not a time of day: use \"HH:MM\", 00:00 to "
		    "24:00", ctx, w->from);
	if (w->until != NULL && calendar_parse_hhmm(w->until,
	    &w->until_min) != 0)
		conf_check_err(ck, conf_member_or(el, "until"), "%s: until "
		    "\"%s\" is not a time of day: use \"HH:MM\", 00:00 to "
		    "24:00", ctx, w->until);
	else if (w->from != NULL && w->until != NULL &&
	    w->from_min == w->until_min)
		conf_check_err(ck, conf_member_or(el, "until"), "%s: from and "
		    "until are the same time: use \"00:00\" to \"24:00\" for a "
		    "whole day", ctx);
	if (w->from != NULL && w->from_min == CALENDAR_DAY_MIN)
		conf_check_err(ck, conf_member_or(el, "from"), "%s: from "
		    "\"24:00\" is the end of the day: use \"00:00\"", ctx);
}

/* Each element of the nested list `name` of el, with its context. */
static const config_setting_t *
check_elem(const config_setting_t *el, const char *name, size_t i)
{
	const config_setting_t *ls = config_setting_get_member(el, name);
	const config_setting_t *e = ls != NULL ?
	    config_setting_get_elem(ls, (unsigned)i) : NULL;

	return e != NULL ? e : el;
}

void
conf_check_shifts(struct conf_check *ck, struct config *cf,
    struct conf_responder *rp, const config_setting_t *el, const char *ctx)
{
	const config_setting_t *sel;
	struct conf_window *w;
	char *sctx;
	size_t i;

	for (i = 0; i < rp->nshifts; i++) {
		w = &rp->shifts[i];
		sel = check_elem(el, "shifts", i);
		sctx = xasprintf("%s shift %zu", ctx, i + 1);
		check_window(ck, w, sel, sctx);
		if (w->branch != NULL && conf_branch(cf, w->branch) == NULL)
			conf_check_err(ck, conf_member_or(sel, "branch"),
			    "%s: unknown branch \"%s\" (not in branches)", sctx,
			    w->branch);
		else if (w->branch != NULL && !conf_covers(rp, w->branch))
			conf_check_err(ck, conf_member_or(sel, "branch"),
			    "%s: branch \"%s\" is not one of the responder's "
			    "branches", sctx, w->branch);
		free(sctx);
	}
}

static void
check_dates(struct conf_check *ck, struct conf_branch *b,
    const config_setting_t *el, const char *ctx)
{
	const config_setting_t *sel;
	struct conf_closure *c;
	char *sctx;
	size_t i;

	b->holiday_ymd = b->nholidays ? xcalloc(b->nholidays, sizeof(int)) :
	    NULL;
	for (i = 0; i < b->nholidays; i++)
		if (calendar_parse_date(b->holidays[i],
		    &b->holiday_ymd[i]) != 0)
			conf_check_err(ck, conf_member_or(el, "holidays"),
			    "%s: holidays: \"%s\" is not a date: use "
			    "\"YYYY-MM-DD\"", ctx, b->holidays[i]);
	for (i = 0; i < b->nclosures; i++) {
		c = &b->closures[i];
		sel = check_elem(el, "closures", i);
		sctx = xasprintf("%s closure %zu", ctx, i + 1);
		if (c->from != NULL && calendar_parse_date(c->from,
		    &c->from_ymd) != 0)
			conf_check_err(ck, conf_member_or(sel, "from"),
			    "%s: from \"%s\" is not a date: use \"YYYY-MM-DD\"",
			    sctx, c->from);
		else if (c->until != NULL && calendar_parse_date(c->until,
		    &c->until_ymd) != 0)
			conf_check_err(ck, conf_member_or(sel, "until"),
			    "%s: until \"%s\" is not a date: use "
			    "\"YYYY-MM-DD\"", sctx, c->until);
		else if (c->from != NULL && c->until != NULL &&
		    c->until_ymd < c->from_ymd)
			conf_check_err(ck, conf_member_or(sel, "until"),
			    "%s: until (%s) comes before from (%s)", sctx,
			    c->until, c->from);
		free(sctx);
	}
}

void
conf_check_hours(struct conf_check *ck, struct conf_branch *b,
    const config_setting_t *el, const char *ctx)
{
	char *sctx;
	size_t i;

	for (i = 0; i < b->nhours; i++) {
		sctx = xasprintf("%s hours %zu", ctx, i + 1);
		check_window(ck, &b->hours[i], check_elem(el, "hours", i),
		    sctx);
		free(sctx);
	}
	check_dates(ck, b, el, ctx);
}

