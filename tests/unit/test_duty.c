/* Who is on duty (duty.c, its local times from zone.c): shifts across both
 * 2026 daylight-saving changes in America/Toronto, other zones' changes and
 * offsets, a shift across midnight, holidays, closures, overrides, the
 * after-hours policy, routing, and the configuration's checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "conf.h"
#include "duty.h"
#include "fixture.h"
#include "rules.h"
#include "store.h"


static struct config *cf;

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	cf = fixture_config("duty.conf");
	return cf != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	conf_free(cf);
	return 0;
}

/* An RFC 3339 instant in ms. */
static int64_t
at(const char *s)
{
	int64_t ms = clock_parse(s);

	assert_true(ms > 0);
	return ms;
}

static int
on(const struct duty *d, const char *who, const char *branch,
    const char *when)
{
	return duty_on(cf, d, conf_responder(cf, who), branch, at(when));
}

/* Spring forward, Sunday 2026-03-08: 02:00 EST becomes 03:00 EDT. */
static void
test_spring_forward(void **state)
{
	struct duty_local lt;

	(void)state;
	assert_int_equal(duty_local("America/Toronto",
	    at("2026-03-08T06:59:00.000Z"), &lt), 0);
	assert_int_equal(lt.min, 1 * 60 + 59);
	assert_int_equal(duty_local("America/Toronto",
	    at("2026-03-08T07:01:00.000Z"), &lt), 0);
	assert_int_equal(lt.min, 3 * 60 + 1);
	assert_int_equal(lt.wday, 0);
	/* The shift from 03:00: off at 01:59 EST, on at 03:01 EDT (a fixed
	 * -5 h would make it 02:01), and until 09:00 EDT = 13:00Z. */
	assert_false(on(NULL, "sunday", "central", "2026-03-08T06:59:00.000Z"));
	assert_true(on(NULL, "sunday", "central", "2026-03-08T07:01:00.000Z"));
	assert_true(on(NULL, "sunday", "central", "2026-03-08T12:59:00.000Z"));
	assert_false(on(NULL, "sunday", "central", "2026-03-08T13:00:00.000Z"));
	/* Noon either side of the change. */
	assert_int_equal(duty_instant("America/Toronto", 2026, 3, 7, 12, 0),
	    at("2026-03-07T17:00:00.000Z"));
	assert_int_equal(duty_instant("America/Toronto", 2026, 3, 8, 12, 0),
	    at("2026-03-08T16:00:00.000Z"));
	/* TZ is put back. */
	assert_string_equal(getenv("TZ"), "UTC");
}

/* Fall back, Sunday 2026-11-01: 01:00-02:00 happens twice. */
static void
test_fall_back(void **state)
{
	(void)state;
	/* The shift 00:00-01:30: 01:20 EDT and 01:20 EST both in it, 01:40
	 * EST not. */
	assert_true(on(NULL, "sunday", "central", "2026-11-01T05:20:00.000Z"));
	assert_true(on(NULL, "sunday", "central", "2026-11-01T06:20:00.000Z"));
	assert_false(on(NULL, "sunday", "central", "2026-11-01T06:40:00.000Z"));
	/* 03:00 EST is 08:00Z after the change (07:00Z the week before). */
	assert_false(on(NULL, "sunday", "central", "2026-11-01T07:59:00.000Z"));
	assert_true(on(NULL, "sunday", "central", "2026-11-01T08:00:00.000Z"));
	assert_true(on(NULL, "sunday", "central", "2026-10-25T07:00:00.000Z"));
	assert_int_equal(duty_instant("America/Toronto", 2026, 11, 1, 12, 0),
	    at("2026-11-01T17:00:00.000Z"));
	assert_int_equal(duty_instant("America/Toronto", 2026, 10, 31, 12, 0),
	    at("2026-10-31T16:00:00.000Z"));
}

/* The local time at an instant: date, minutes since midnight, weekday. */
static void
local_is(const char *tz, const char *when, int ymd, int min, int wday)
{
	struct duty_local lt;

	assert_int_equal(duty_local(tz, at(when), &lt), 0);
	assert_int_equal(lt.ymd, ymd);
	assert_int_equal(lt.min, min);
	assert_int_equal(lt.wday, wday);
}

/* America/New_York's 2026 changes, both ways, and the local times of a
 * repeated and a skipped hour. */
static void
test_new_york(void **state)
{
	(void)state;
	/* Sunday 2026-03-08: 02:00 EST becomes 03:00 EDT. */
	local_is("America/New_York", "2026-03-08T06:59:00.000Z", 20260308,
	    1 * 60 + 59, 0);
	local_is("America/New_York", "2026-03-08T07:00:00.000Z", 20260308,
	    3 * 60, 0);
	/* 02:30 does not exist: the time after the gap, 03:30 EDT. */
	assert_int_equal(duty_instant("America/New_York", 2026, 3, 8, 2, 30),
	    at("2026-03-08T07:30:00.000Z"));
	/* Sunday 2026-11-01: 01:30 happens twice, EDT then EST. */
	local_is("America/New_York", "2026-11-01T05:30:00.000Z", 20261101,
	    1 * 60 + 30, 0);
	local_is("America/New_York", "2026-11-01T06:30:00.000Z", 20261101,
	    1 * 60 + 30, 0);
	/* The later of the two. */
	assert_int_equal(duty_instant("America/New_York", 2026, 11, 1, 1, 30),
	    at("2026-11-01T06:30:00.000Z"));
	assert_int_equal(duty_instant("America/New_York", 2026, 11, 1, 3, 0),
	    at("2026-11-01T08:00:00.000Z"));
	/* Past the zone file's table (2037), the rule of its footer. */
	local_is("America/New_York", "2045-03-12T06:59:00.000Z", 20450312,
	    1 * 60 + 59, 0);
	local_is("America/New_York", "2045-03-12T07:00:00.000Z", 20450312,
	    3 * 60, 0);
	local_is("America/New_York", "2045-11-05T05:59:00.000Z", 20451105,
	    1 * 60 + 59, 0);
	local_is("America/New_York", "2045-11-05T06:00:00.000Z", 20451105,
	    1 * 60, 0);
	/* A date past its month's end runs into the next. */
	assert_int_equal(duty_instant("America/New_York", 2026, 3, 32, 12, 0),
	    at("2026-04-01T16:00:00.000Z"));
	assert_string_equal(getenv("TZ"), "UTC");
}

/* Offsets that are not whole hours, and a southern summer. */
static void
test_odd_offsets(void **state)
{
	(void)state;
	/* +05:30: midnight local, the day after, and the day before it. */
	local_is("Asia/Kolkata", "2026-01-15T18:30:00.000Z", 20260116, 0, 5);
	local_is("Asia/Kolkata", "2026-01-15T18:29:00.000Z", 20260115,
	    23 * 60 + 59, 4);
	assert_int_equal(duty_instant("Asia/Kolkata", 2026, 1, 16, 0, 0),
	    at("2026-01-15T18:30:00.000Z"));
	/* +05:45 */
	local_is("Asia/Kathmandu", "2026-06-30T18:14:00.000Z", 20260630,
	    23 * 60 + 59, 2);
	assert_int_equal(duty_instant("Asia/Kathmandu", 2026, 7, 1, 0, 0),
	    at("2026-06-30T18:15:00.000Z"));
	/* Adelaide, +09:30 and +10:30 in summer: back on Sunday
	 * 2026-04-05 at 03:00, forward on Sunday 2026-10-04 at 02:00. */
	local_is("Australia/Adelaide", "2026-04-04T16:29:00.000Z", 20260405,
	    2 * 60 + 59, 0);
	local_is("Australia/Adelaide", "2026-04-04T16:30:00.000Z", 20260405,
	    2 * 60, 0);
	local_is("Australia/Adelaide", "2026-10-03T16:29:00.000Z", 20261004,
	    1 * 60 + 59, 0);
	local_is("Australia/Adelaide", "2026-10-03T16:30:00.000Z", 20261004,
	    3 * 60, 0);
	assert_int_equal(duty_instant("Australia/Adelaide", 2026, 1, 15, 12,
	    0), at("2026-01-15T01:30:00.000Z"));
	assert_int_equal(duty_instant("Australia/Adelaide", 2026, 7, 15, 12,
	    0), at("2026-07-15T02:30:00.000Z"));
	/* A name with no zone file is UTC, as the C library has it. */
	local_is("Nowhere/Atlantis", "2026-07-15T12:00:00.000Z", 20260715,
	    12 * 60, 3);
}

/* The night shift, Thursday and Friday 22:00 to 06:00 the next day. */
static void
test_across_midnight(void **state)
{
	(void)state;
	/* Friday 2026-03-13 23:00 EDT, Saturday 03:00 EDT: on. */
	assert_true(on(NULL, "night", "central", "2026-03-14T03:00:00.000Z"));
	assert_true(on(NULL, "night", "central", "2026-03-14T07:00:00.000Z"));
	/* Saturday 06:00 EDT: over. Saturday 23:00: no shift starts then. */
	assert_false(on(NULL, "night", "central", "2026-03-14T10:00:00.000Z"));
	assert_false(on(NULL, "night", "central", "2026-03-15T03:00:00.000Z"));
	/* Wednesday 23:00 EDT: no; Friday 05:00 EDT: Thursday's shift. */
	assert_false(on(NULL, "night", "central", "2026-03-12T03:00:00.000Z"));
	assert_true(on(NULL, "night", "central", "2026-03-13T09:00:00.000Z"));
	/* The shift is at central only: at eastside, never. */
	assert_false(on(NULL, "night", "eastside", "2026-03-14T03:00:00.000Z"));
}

static void
test_holiday_closure(void **state)
{
	const struct conf_branch *b = conf_branch(cf, "central");

	(void)state;
	/* Friday 2026-12-25, noon EST: a holiday, closed, no day shift. */
	assert_false(duty_open(b, at("2026-12-25T17:00:00.000Z")));
	assert_false(on(NULL, "day", "central", "2026-12-25T17:00:00.000Z"));
	assert_true(duty_open(b, at("2026-12-24T17:00:00.000Z")));
	assert_true(on(NULL, "day", "central", "2026-12-24T17:00:00.000Z"));
	/* Thursday 24th's night shift runs into the holiday morning. */
	assert_true(on(NULL, "night", "central", "2026-12-25T08:00:00.000Z"));
	/* The night starting on the holiday does not. */
	assert_false(on(NULL, "night", "central", "2026-12-26T04:00:00.000Z"));
	/* The closure, 1 to 14 July inclusive. */
	assert_false(duty_open(b, at("2026-07-01T14:00:00.000Z")));
	assert_false(duty_open(b, at("2026-07-14T20:00:00.000Z")));
	assert_true(duty_open(b, at("2026-07-15T14:00:00.000Z")));
	/* Opening hours: Saturday 10:00-17:00, closed on Sunday. */
	assert_true(duty_open(b, at("2026-03-14T14:00:00.000Z")));
	assert_false(duty_open(b, at("2026-03-14T21:30:00.000Z")));
	assert_false(duty_open(b, at("2026-03-15T16:00:00.000Z")));
	/* A branch without hours is always open. */
	assert_true(duty_open(conf_branch(cf, "eastside"),
	    at("2026-12-25T03:00:00.000Z")));
}

static void
test_overrides(void **state)
{
	struct duty *d = duty_new();
	struct duty_override ov;

	(void)state;
	memset(&ov, 0, sizeof ov);
	strcpy(ov.responder, "day");
	strcpy(ov.branch, "central");
	ov.id = 1;
	ov.on = 0;
	ov.from = at("2026-03-04T15:00:00.000Z");
	ov.until = at("2026-03-04T16:00:00.000Z");
	duty_add(d, &ov);
	/* Off duty inside the window, in shift outside it. */
	assert_false(on(d, "day", "central", "2026-03-04T15:30:00.000Z"));
	assert_true(on(d, "day", "central", "2026-03-04T16:00:00.000Z"));
	/* A later one wins. */
	ov.id = 2;
	ov.on = 1;
	duty_add(d, &ov);
	assert_true(on(d, "day", "central", "2026-03-04T15:30:00.000Z"));
	/* On duty out of shift (Sunday). */
	ov.id = 3;
	ov.from = at("2026-03-15T15:00:00.000Z");
	ov.until = at("2026-03-15T18:00:00.000Z");
	duty_add(d, &ov);
	assert_true(on(d, "day", "central", "2026-03-15T16:00:00.000Z"));
	assert_false(on(d, "day", "central", "2026-03-15T18:00:00.000Z"));
	duty_expire(d, at("2026-03-05T00:00:00.000Z"));
	assert_int_equal(d->n, 1);
	assert_int_equal(duty_remove(d, "day", "eastside"), 0);
	assert_int_equal(duty_remove(d, "day", NULL), 1);
	assert_false(on(d, "day", "central", "2026-03-15T16:00:00.000Z"));
	duty_free(d);
}

static void
test_after_hours_route(void **state)
{
	const struct conf_category *cat = conf_category(cf, "welfare");
	const struct conf_policy *pol;
	struct route rt;
	int after;

	(void)state;
	/* Wednesday 10:00 EST: open, the care policy, the day worker. */
	pol = duty_policy(cf, cat, "central", at("2026-03-04T15:00:00.000Z"),
	    &after);
	assert_string_equal(pol->id, "care");
	assert_int_equal(after, 0);
	assert_int_equal(rules_route_at(cf, pol, "central", 3, 0, NULL,
	    at("2026-03-04T15:00:00.000Z"), &rt), 0);
	assert_int_equal(rt.n, 1);
	assert_string_equal(rt.who[0]->id, "day");
	/* Wednesday 22:00 EST: closed, the line. */
	pol = duty_policy(cf, cat, "central", at("2026-03-05T03:00:00.000Z"),
	    &after);
	assert_string_equal(pol->id, "line");
	assert_int_equal(after, 1);
	/* The care policy then: nobody on duty, the role is empty. */
	assert_int_equal(rules_route_at(cf, cat->pol, "central", 3, 0, NULL,
	    at("2026-03-05T03:00:00.000Z"), &rt), 0);
	assert_int_equal(rt.n, 0);
	assert_int_equal(rt.nempty, 1);
	assert_string_equal(rt.empty[0], "crisis_worker");
	/* The three crisis workers covering central were passed over. */
	assert_int_equal(rt.noff, 3);
	/* Without a time, everyone covering the branch, as before. */
	assert_int_equal(rules_route(cf, cat->pol, "central", 3, 0, &rt), 0);
	assert_int_equal(rt.n, 3);
}

static void
test_resolve(void **state)
{
	int64_t now = at("2026-03-08T06:30:00.000Z"), ms;

	(void)state;
	/* "HH:MM": today at the branch (Saturday evening EST is Sunday in
	 * UTC): 01:00 EST. */
	assert_int_equal(duty_resolve("America/Toronto", now, "01:00", &ms), 0);
	assert_int_equal(ms, at("2026-03-08T06:00:00.000Z"));
	assert_int_equal(duty_resolve("America/Toronto", now,
	    "2026-03-08T04:00", &ms), 0);
	assert_int_equal(ms, at("2026-03-08T08:00:00.000Z"));
	assert_int_equal(duty_resolve("America/Toronto", now,
	    "2026-03-08T04:00:00Z", &ms), 0);
	assert_int_equal(ms, at("2026-03-08T04:00:00.000Z"));
	assert_int_equal(duty_resolve("America/Toronto", now,
	    "2026-03-08T04:00:00-05:00", &ms), 0);
	assert_int_equal(ms, at("2026-03-08T09:00:00.000Z"));
	assert_int_equal(duty_resolve("America/Toronto", now, "25:00", &ms),
	    -1);
	assert_int_equal(duty_resolve("America/Toronto", now, "tomorrow",
	    &ms), -1);
}

/* Every error names the file and line. */
static void
test_conf_errors(void **state)
{
	static const char bad[] =
	    "roles = ( { id = \"cw\"; label = \"cw\"; } );\n"
	    "branches = ( { id = \"b\"; name = \"B\"; timezone = \"UTC\";\n"
	    "  hours = ( { days = [ \"monday\" ]; from = \"9:00\"; until = "
	    "\"17:00\"; } );\n"
	    "  holidays = [ \"2026-02-30\" ];\n"
	    "  closures = ( { from = \"2026-07-14\"; until = \"2026-07-01\"; } "
	    "); },\n"
	    "  { id = \"c\"; name = \"C\"; timezone = \"UTC\"; } );\n"
	    "responders = ( { id = \"r\"; name = \"R\"; role = \"cw\"; "
	    "branches = [ \"b\" ];\n"
	    "  shifts = ( { branch = \"c\"; days = [ \"mon\" ]; from = "
	    "\"09:00\"; until = \"09:00\"; },\n"
	    "    { days = [ \"daily\" ]; from = \"00:00\"; until = \"24:00\"; "
	    "} ); } );\n"
	    "policies = ( { id = \"p\"; steps = ( { roles = [ \"cw\" ]; } ); } "
	    ");\n"
	    "categories = ( { id = \"x\"; label = \"X\"; severity = 2; policy "
	    "= \"p\";\n"
	    "  after_hours = \"nope\"; } );\n";
	struct config *c = NULL;
	char *cause = NULL;

	(void)state;
	assert_int_equal(conf_load_string(bad, "bad.conf", &c, &cause), -1);
	assert_non_null(strstr(cause, "bad.conf:3: branch \"b\" hours 1: days: "
	    "\"monday\" is not a day"));
	assert_non_null(strstr(cause, "bad.conf:3: branch \"b\" hours 1: from "
	    "\"9:00\" is not a time of day"));
	assert_non_null(strstr(cause, "bad.conf:4: branch \"b\": holidays: "
	    "\"2026-02-30\" is not a date"));
	assert_non_null(strstr(cause, "bad.conf:5: branch \"b\" closure 1: "
	    "until (2026-07-01) comes before from (2026-07-14)"));
	assert_non_null(strstr(cause, "bad.conf:8: responder \"r\" shift 1: "
	    "branch \"c\" is not one of the responder's branches"));
	assert_non_null(strstr(cause, "bad.conf:8: responder \"r\" shift 1: "
	    "from and until are the same time"));
	/* A whole day is fine. */
	assert_null(strstr(cause, "shift 2"));
	assert_non_null(strstr(cause, "bad.conf:12: category \"x\": "
	    "after_hours: unknown policy \"nope\""));
	free(cause);
}

/* conf/beacon.conf's example, the lines marked "#~", uncommented. */
static char *
shipped_example(void)
{
	const char *src = getenv("BEACON_SRC");
	char path[4096], line[1024], *out = NULL, *p;
	size_t len = 0;
	FILE *fp, *mem;

	snprintf(path, sizeof path, "%s/conf/beacon.conf", src ? src : ".");
	assert_non_null(fp = fopen(path, "r"));
	assert_non_null(mem = open_memstream(&out, &len));
	while (fgets(line, sizeof line, fp) != NULL) {
		p = line + strspn(line, " ");
		if (strncmp(p, "#~ ", 3) == 0)
			memmove(p, p + 3, strlen(p + 3) + 1);
		fputs(line, mem);
	}
	fclose(fp);
	fclose(mem);
	return out;
}

static void
test_shipped_example(void **state)
{
	struct config *c = NULL;
	const struct conf_category *cat;
	const struct conf_policy *pol;
	char *text = shipped_example(), *cause = NULL;
	struct route rt;
	int after;

	(void)state;
	if (conf_load_string(text, "beacon.conf", &c, &cause) != 0)
		fail_msg("%s", cause);
	free(text);
	assert_int_equal(conf_responder(c, "crisis-1")->nshifts, 2);
	cat = conf_category(c, "mental_health");
	/* Tuesday 2026-03-03 10:00 EST at central: open, crisis-1 on duty. */
	pol = duty_policy(c, cat, "central", at("2026-03-03T15:00:00.000Z"),
	    &after);
	assert_string_equal(pol->id, "care_first");
	rules_route_at(c, pol, "central", 2, 0, NULL,
	    at("2026-03-03T15:00:00.000Z"), &rt);
	assert_int_equal(rt.n, 1);
	assert_string_equal(rt.who[0]->id, "crisis-1");
	/* 23:00 EST: closed, the mobile crisis line. */
	pol = duty_policy(c, cat, "central", at("2026-03-04T04:00:00.000Z"),
	    &after);
	assert_string_equal(pol->id, "after_hours_care");
	rules_route_at(c, pol, "central", 2, 0, NULL,
	    at("2026-03-04T04:00:00.000Z"), &rt);
	assert_int_equal(rt.n, 1);
	assert_string_equal(rt.who[0]->id, "mobile-crisis");
	/* Thursday at central, open: crisis-1 is at riverside then. */
	rules_route_at(c, cat->pol, "central", 2, 0, NULL,
	    at("2026-03-05T18:00:00.000Z"), &rt);
	assert_int_equal(rt.n, 0);
	conf_free(c);
}

static int
collect(const struct duty_override *ov, void *arg)
{
	duty_add(arg, ov);
	return 0;
}

static int
count_events(const struct oncall_event *ev, void *arg)
{
	int *n = arg;

	(*n)++;
	if (*n == 3) {
		assert_string_equal(ev->kind, "cleared");
		assert_string_equal(ev->actor, "sup2");
	}
	return 0;
}

/* The overrides and their timeline in the store (schema 6). */
static void
test_store_overrides(void **state)
{
	struct store *st;
	struct duty_override ov;
	struct duty *d = duty_new();
	char *cause = NULL;
	int64_t t0 = at("2026-03-04T15:00:00.000Z");
	int n = 0;

	(void)state;
	assert_non_null(st = store_open(":memory:", 0, &cause));
	memset(&ov, 0, sizeof ov);
	strcpy(ov.responder, "day");
	strcpy(ov.branch, "central");
	strcpy(ov.by, "sup");
	ov.on = 0;
	ov.from = t0;
	ov.until = t0 + 3600000;
	ov.set_at = t0;
	assert_int_equal(store_oncall_set(st, &ov, "off duty"), 1);
	strcpy(ov.branch, "eastside");
	ov.on = 1;
	assert_int_equal(store_oncall_set(st, &ov, "on duty"), 2);
	assert_int_equal(store_oncall_active(st, t0, collect, d), 0);
	assert_int_equal(d->n, 2);
	assert_int_equal(d->v[0].on, 0);
	assert_string_equal(d->v[1].branch, "eastside");
	/* Over at until: not loaded. */
	d->n = 0;
	assert_int_equal(store_oncall_active(st, t0 + 3600000, collect, d), 0);
	assert_int_equal(d->n, 0);
	/* Clear one branch: one row, one event; nothing more the second
	 * time. */
	assert_int_equal(store_oncall_clear(st, "day", "central", "sup2", t0),
	    1);
	assert_int_equal(store_oncall_clear(st, "day", "central", "sup2", t0),
	    0);
	assert_int_equal(store_oncall_active(st, t0, collect, d), 0);
	assert_int_equal(d->n, 1);
	assert_string_equal(d->v[0].branch, "eastside");
	assert_int_equal(store_oncall_events(st, 0, NULL, count_events, &n), 0);
	assert_int_equal(n, 3);
	/* Append-only. */
	assert_int_not_equal(store_exec(st, "DELETE FROM oncall_events"), 0);
	assert_int_not_equal(store_exec(st, "UPDATE oncall_events SET "
	    "actor = 'x'"), 0);
	store_close(st);
	duty_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spring_forward),
		cmocka_unit_test(test_fall_back),
		cmocka_unit_test(test_new_york),
		cmocka_unit_test(test_odd_offsets),
		cmocka_unit_test(test_across_midnight),
		cmocka_unit_test(test_holiday_closure),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_after_hours_route),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_conf_errors),
		cmocka_unit_test(test_shipped_example),
		cmocka_unit_test(test_store_overrides),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
