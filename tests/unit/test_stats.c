/*
 * The board report's statistics: nearest-rank percentiles with known
 * inputs, empty sets, tallies, months without gaps, and drills and false
 * alarms kept out of every number but their own; and the report's
 * numbers, durations and dates in English and French (html_text.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "beacon.h"
#include "html_text.h"
#include "i18n.h"
#include "stats.h"

#define SEC 1000
/* 2026-03-02T09:15:00Z */
#define T0 1772442900000LL

static struct stats_summary
summary_of(const int64_t *v, size_t n)
{
	struct stats_values sv = { 0 };
	struct stats_summary s;
	size_t i;

	for (i = 0; i < n; i++)
		stats_values_add(&sv, v[i]);
	stats_summarize(&sv, &s);
	stats_values_free(&sv);
	return s;
}

static void
test_percentile_odd(void **state)
{
	/* Unsorted on purpose: 10 20 30 40 50 60 70 80 90 100 110. */
	static const int64_t v[] = { 70, 10, 110, 30, 50, 90, 20, 40, 60,
	    100, 80 };
	struct stats_summary s = summary_of(v, 11);

	(void)state;
	assert_int_equal(s.n, 11);
	assert_int_equal(s.median, 60);	/* rank ceil(5.5) = 6 */
	assert_int_equal(s.p90, 100);	/* rank ceil(9.9) = 10 */
}

static void
test_percentile_even(void **state)
{
	static const int64_t v[] = { 4, 1, 3, 2 };
	static const int64_t ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct stats_summary s = summary_of(v, 4);

	(void)state;
	/* Nearest rank: the lower middle value, not an average of two. */
	assert_int_equal(s.median, 2);
	assert_int_equal(s.p90, 4);	/* rank ceil(3.6) = 4 */
	s = summary_of(ten, 10);
	assert_int_equal(s.median, 5);
	assert_int_equal(s.p90, 9);	/* rank 9 exactly */
}

static void
test_percentile_one_and_none(void **state)
{
	static const int64_t one[] = { 42 * SEC };
	struct stats_values sv = { 0 };
	struct stats_summary s = summary_of(one, 1);

	(void)state;
	assert_int_equal(s.n, 1);
	assert_int_equal(s.median, 42 * SEC);
	assert_int_equal(s.p90, 42 * SEC);
	/* Empty: "none", never zero. */
	s = summary_of(NULL, 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.median, -1);
	assert_int_equal(s.p90, -1);
	assert_int_equal(stats_percentile(&sv, 50), -1);
	/* The extremes stay inside the set. */
	stats_values_add(&sv, 5);
	stats_values_add(&sv, 7);
	assert_int_equal(stats_percentile(&sv, 0), 5);
	assert_int_equal(stats_percentile(&sv, 100), 7);
	stats_values_free(&sv);
}

static void
fact(struct stats_fact *f, const char *branch, const char *type, int sev,
    int64_t created)
{
	stats_fact_init(f);
	strlcpy_utf8(f->branch, branch, sizeof f->branch);
	strlcpy_utf8(f->type, type, sizeof f->type);
	f->severity = sev;
	f->created = created;
	f->nsteps = 2;
	stats_fact_local(f);
}

static const struct stats_group *
group(const struct stats_groups *gs, const char *key)
{
	size_t i;

	for (i = 0; i < gs->n; i++)
		if (strcmp(gs->g[i].key, key) == 0)
			return &gs->g[i];
	fail_msg("no group %s", key);
	return NULL;
}

static void
test_local_buckets(void **state)
{
	struct stats_fact f;
	char buf[16];

	(void)state;
	fact(&f, "central", "overdose", 1, T0);
	assert_int_equal(f.hour, 9);
	assert_string_equal(stats_month_name(f.month, buf, sizeof buf),
	    "2026-03");
	assert_int_equal(stats_month(T0), 2026 * 12 + 2);
}

/* The hour and the month are the branch's: 03:00 in Toronto counts at
 * 03, whatever the zone of the computer (UTC here). */
static void
test_branch_zone(void **state)
{
	struct stats_fact f;
	struct stats s;
	char buf[16];
	/* 2026-03-02T08:00:00Z, 03:00 in Toronto (EST) */
	const int64_t t3 = T0 - 75 * 60 * SEC;
	/* 2026-03-01T04:30:00Z, 23:30 on 28 February in Toronto */
	const int64_t feb = T0 - (24 * 3600 + 4 * 3600 + 45 * 60) * SEC;

	(void)state;
	fact(&f, "riverside", "medical", 2, t3);
	assert_int_equal(f.hour, 8);	/* the computer's zone */
	stats_fact_zone(&f, "America/Toronto");
	assert_int_equal(f.hour, 3);
	assert_string_equal(stats_month_name(f.month, buf, sizeof buf),
	    "2026-03");
	stats_init(&s, -1, -1);
	stats_add(&s, &f);
	fact(&f, "riverside", "medical", 2, feb);
	assert_string_equal(stats_month_name(f.month, buf, sizeof buf),
	    "2026-03");
	stats_fact_zone(&f, "America/Toronto");
	assert_int_equal(f.hour, 23);
	assert_string_equal(stats_month_name(f.month, buf, sizeof buf),
	    "2026-02");
	stats_add(&s, &f);
	stats_finish(&s);
	assert_int_equal(s.hours[3], 1);
	assert_int_equal(s.hours[8], 0);
	assert_int_equal(s.hours[23], 1);
	assert_int_equal(s.nmonths, 2);
	assert_int_equal(s.months[0], 1);
	assert_int_equal(s.months[1], 1);
	stats_free(&s);
	/* No zone (no configuration): the computer's. */
	fact(&f, "riverside", "medical", 2, t3);
	stats_fact_zone(&f, NULL);
	assert_int_equal(f.hour, 8);
}

/* A decline passes the incident on at once; only a step nobody answered
 * in time is an escalation. */
static void
test_declined(void **state)
{
	struct stats_fact f;
	struct stats s;

	(void)state;
	stats_init(&s, -1, -1);
	/* Declined at step 1: step 2 at the same moment. */
	fact(&f, "central", "welfare", 3, T0);
	stats_fact_decline(&f, T0 + 10 * SEC, 0);
	stats_fact_escalated(&f, T0 + 10 * SEC, 1);
	assert_int_equal(f.escalations, 0);
	assert_int_equal(f.declined, 1);
	assert_int_equal(f.top_step, -1);
	stats_add(&s, &f);
	/* Declined, then step 2's time ran out: one of each. */
	fact(&f, "central", "welfare", 3, T0);
	f.nsteps = 3;
	stats_fact_decline(&f, T0 + 10 * SEC, 0);
	stats_fact_escalated(&f, T0 + 10 * SEC, 1);
	stats_fact_escalated(&f, T0 + 70 * SEC, 2);
	assert_int_equal(f.escalations, 1);
	assert_int_equal(f.declined, 1);
	assert_int_equal(f.top_step, 2);
	stats_add(&s, &f);
	/* A decline after an acknowledgment passes nothing on; a later
	 * escalation is one. */
	fact(&f, "central", "welfare", 3, T0);
	stats_fact_decline(&f, T0 + 10 * SEC, 0);
	stats_fact_escalated(&f, T0 + 60 * SEC, 1);
	assert_int_equal(f.escalations, 1);
	assert_int_equal(f.declined, 0);
	stats_add(&s, &f);
	stats_finish(&s);
	assert_int_equal(s.escalated, 2);
	assert_int_equal(s.declined, 2);
	assert_int_equal(s.last_step, 2);
	stats_free(&s);
}

/* An open action past its due date is overdue; one due today, done or
 * dropped is not. */
static void
test_actions_overdue(void **state)
{
	struct debrief d;
	struct stats_fact f;
	struct stats s;

	(void)state;
	memset(&d, 0, sizeof d);
	d.actions[0] = (struct debrief_action){ "signage", "facilities",
	    "2026-02-27", AS_OPEN };
	d.actions[1] = (struct debrief_action){ "training", "manager",
	    "2026-03-02", AS_OPEN };
	d.actions[2] = (struct debrief_action){ "radio", "security",
	    "2026-01-15", AS_DONE };
	d.actions[3] = (struct debrief_action){ "camera", "security",
	    "2026-01-15", AS_DROPPED };
	d.actions[4] = (struct debrief_action){ "lock", "facilities",
	    "2025-12-31", AS_OPEN };
	d.nactions = 5;
	assert_int_equal(debrief_open_actions(&d), 3);
	assert_int_equal(stats_actions_overdue(&d, "2026-03-02"), 2);
	assert_int_equal(stats_actions_overdue(&d, "2026-03-03"), 3);
	assert_int_equal(stats_actions_overdue(&d, "2025-12-31"), 0);

	stats_init(&s, -1, -1);
	fact(&f, "central", "welfare", 3, T0);
	f.debrief = SD_RECORDED;
	f.open_actions = 3;
	f.overdue_actions = stats_actions_overdue(&d, "2026-03-02");
	stats_add(&s, &f);
	stats_finish(&s);
	assert_int_equal(s.actions_open, 3);
	assert_int_equal(s.actions_overdue, 2);
	stats_free(&s);
}

static void
test_tallies(void **state)
{
	struct stats_fact f;
	struct stats s;
	const struct stats_group *g;

	(void)state;
	stats_init(&s, -1, -1);
	fact(&f, "central", "overdose", 1, T0);
	f.ack = T0 + 20 * SEC;
	f.arrived = T0 + 200 * SEC;
	f.escalations = 1;
	f.top_step = 1;
	stats_add(&s, &f);
	fact(&f, "central", "welfare", 3, T0 + 3600 * SEC);
	f.ack = T0 + 3600 * SEC + 40 * SEC;
	f.no_one = 2;
	f.debrief = SD_HELD;
	f.open_actions = 1;
	f.referrals[0] = (struct debrief_referral){ "housing", 2 };
	f.referrals[1] = (struct debrief_referral){ "food", 1 };
	f.nreferrals = 2;
	stats_add(&s, &f);
	fact(&f, "eastside", "welfare", 3, T0 + 3600 * SEC);
	f.escalations = 1;
	f.top_step = 0;	/* escalated, but not to the last step */
	f.debrief = SD_OVERDUE;
	f.open = 1;
	stats_add(&s, &f);
	stats_finish(&s);

	assert_int_equal(s.total, 3);
	assert_int_equal(s.open, 1);
	assert_int_equal(s.severity[1], 1);
	assert_int_equal(s.severity[3], 2);
	assert_int_equal(s.hours[9], 1);
	assert_int_equal(s.hours[10], 2);
	assert_int_equal(s.branches.n, 2);
	assert_string_equal(s.branches.g[0].key, "central"); /* most first */
	assert_int_equal(s.branches.g[0].n, 2);
	assert_string_equal(s.categories.g[0].key, "welfare");
	g = group(&s.branches, "central");
	assert_int_equal(g->ack.n, 2);
	assert_int_equal(g->ack.median, 20 * SEC);
	assert_int_equal(g->ack.p90, 40 * SEC);
	assert_int_equal(g->scene.n, 1);
	assert_int_equal(group(&s.branches, "eastside")->ack.n, 0);
	assert_int_equal(group(&s.branches, "eastside")->ack.median, -1);
	assert_int_equal(s.not_acked, 1);
	assert_int_equal(s.escalated, 2);
	assert_int_equal(s.last_step, 1);
	assert_int_equal(s.no_one, 1);
	assert_int_equal(s.no_one_events, 2);
	assert_int_equal(s.debriefs[SD_HELD], 1);
	assert_int_equal(s.debriefs[SD_OVERDUE], 1);
	assert_int_equal(s.debriefs[SD_NONE], 1);
	assert_int_equal(s.actions_open, 1);
	assert_int_equal(s.referrals_total, 3);
	assert_string_equal(s.referrals.g[0].key, "housing");
	assert_int_equal(s.referrals.g[0].n, 2);
	stats_free(&s);
}

static void
test_set_apart(void **state)
{
	struct stats_fact f;
	struct stats s;

	(void)state;
	stats_init(&s, -1, -1);
	fact(&f, "central", "overdose", 1, T0);
	f.ack = T0 + 30 * SEC;
	stats_add(&s, &f);
	fact(&f, "central", "overdose", 1, T0);
	f.drill = 1;
	f.ack = T0 + 1 * SEC;
	f.escalations = 1;
	f.top_step = 1;
	stats_add(&s, &f);
	fact(&f, "eastside", "weapon", 1, T0);
	f.false_alarm = 1;
	f.no_one = 1;
	stats_add(&s, &f);
	/* Both: a drill is a drill. */
	fact(&f, "eastside", "weapon", 1, T0);
	f.drill = f.false_alarm = 1;
	stats_add(&s, &f);
	stats_finish(&s);

	assert_int_equal(s.total, 1);
	assert_int_equal(s.drills, 2);
	assert_int_equal(s.false_alarms, 1);
	assert_int_equal(s.severity[1], 1);
	assert_int_equal(s.ack.n, 1);
	assert_int_equal(s.ack.median, 30 * SEC);
	assert_int_equal(s.escalated, 0);
	assert_int_equal(s.no_one, 0);
	assert_int_equal(s.nmonths, 1);
	assert_int_equal(s.months[0], 1);
	assert_int_equal(group(&s.branches, "central")->n, 1);
	assert_int_equal(group(&s.branches, "central")->drills, 1);
	assert_int_equal(group(&s.branches, "eastside")->n, 0);
	assert_int_equal(group(&s.branches, "eastside")->drills, 1);
	assert_int_equal(group(&s.branches, "eastside")->false_alarms, 1);
	assert_int_equal(group(&s.categories, "weapon")->ack.n, 0);
	stats_free(&s);
}

static void
test_months(void **state)
{
	struct stats_fact f;
	struct stats s;
	int jan = 2026 * 12;

	(void)state;
	/* The asked range is shown whole, and widened by what falls out. */
	stats_init(&s, jan, jan + 2);
	assert_int_equal(s.nmonths, 3);
	fact(&f, "central", "welfare", 3, T0);	/* March */
	stats_add(&s, &f);
	fact(&f, "central", "welfare", 3, T0 - 120LL * 86400 * SEC);
	stats_add(&s, &f);			/* early November 2025 */
	stats_finish(&s);
	assert_int_equal(s.month_first, jan - 2);
	assert_int_equal(s.nmonths, 5);
	assert_int_equal(s.months[0], 1);
	assert_int_equal(s.months[1] + s.months[2] + s.months[3], 0);
	assert_int_equal(s.months[4], 1);
	stats_free(&s);
}

static void
test_empty(void **state)
{
	struct stats s;

	(void)state;
	stats_init(&s, -1, -1);
	stats_finish(&s);
	assert_int_equal(s.total, 0);
	assert_int_equal(s.nmonths, 0);
	assert_int_equal(s.branches.n, 0);
	assert_int_equal(s.ack.n, 0);
	assert_int_equal(s.ack.median, -1);
	assert_int_equal(s.scene.p90, -1);
	stats_free(&s);
}

/* Numbers need no catalog: French groups thousands with a no-break
 * space and writes a decimal comma. */
static void
test_numbers(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(html_text_count("en", 1234567, buf, sizeof buf),
	    "1,234,567");
	assert_string_equal(html_text_count("fr", 1234567, buf, sizeof buf),
	    "1" HTML_NBSP "234" HTML_NBSP "567");
	assert_string_equal(html_text_count("fr", 999, buf, sizeof buf),
	    "999");
	assert_string_equal(html_text_count("en", -1234, buf, sizeof buf),
	    "-1,234");
	assert_string_equal(html_text_pct("en", 12, buf, sizeof buf), "12%");
	assert_string_equal(html_text_pct("fr", 12, buf, sizeof buf),
	    "12" HTML_NBSP "%");
	assert_string_equal(html_text_duration("en", 4200, buf, sizeof buf),
	    "4.2 s");
	assert_string_equal(html_text_duration("fr", 4200, buf, sizeof buf),
	    "4,2 s");
	assert_string_equal(html_text_duration("fr", 3725000, buf,
	    sizeof buf), "1 h 02 min");
	assert_string_equal(html_text_duration("en", -1, buf, sizeof buf),
	    "none");
}

/* Words come from the catalog: French only where it can be shown. */
static void
test_words(void **state)
{
	char buf[64], why[512];

	(void)state;
	assert_string_equal(html_text_date("en", T0, 1, buf, sizeof buf),
	    "2 March 2026 at 09:15");
	assert_string_equal(html_text_month("en", 11, 1), "Dec");
	if (i18n_check("fr", why, sizeof why) != 0) {
		print_message("no French: %s\n", why);
		skip();
	}
	assert_string_equal(html_text_date("fr", T0, 1, buf, sizeof buf),
	    "2 mars 2026 à 9 h 15");
	assert_string_equal(html_text_date("fr", T0 - 86400000LL, 0, buf,
	    sizeof buf), "1er mars 2026");
	assert_string_equal(html_text_month("fr", 11, 1), "déc.");
	assert_string_equal(html_text_month("fr", 7, 0), "août");
	assert_string_equal(html_text_duration("fr", -1, buf, sizeof buf),
	    "aucune");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentile_odd),
		cmocka_unit_test(test_percentile_even),
		cmocka_unit_test(test_percentile_one_and_none),
		cmocka_unit_test(test_local_buckets),
		cmocka_unit_test(test_branch_zone),
		cmocka_unit_test(test_declined),
		cmocka_unit_test(test_actions_overdue),
		cmocka_unit_test(test_tallies),
		cmocka_unit_test(test_set_apart),
		cmocka_unit_test(test_months),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_words),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
