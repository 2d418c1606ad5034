/*
 * The beacon command line's text helpers, linked from the beaconcli
 * library: elapsed and local times, report ids, wrapping, escalations,
 * tables and CSV.
 */
#include <limits.h>
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
#include "cli.h"
#include "debrief_edit.h"
#include "msg.h"

#include "clock.h"

#include "cli_fixture.h"

static void
test_fmt_elapsed(void **state)
{
	static const struct {
		int64_t ms;
		const char *want;
	} t[] = {
		{ 0, "+0.000s" },
		{ 4, "+0.004s" },
		{ 2013, "+2.013s" },
		{ 9999, "+9.999s" },
		{ 10000, "+10.0s" },
		{ 61234, "+61.2s" },
		{ 3599999, "+3599.9s" },
		{ 3600000, "+1h00m00s" },
		{ 3723400, "+1h02m03s" },
		{ 93784000, "+26h03m04s" },
		{ -4, "-0.004s" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		assert_string_equal(fmt_elapsed(t[i].ms, buf, sizeof buf),
		    t[i].want);
}

static void
test_fmt_local(void **state)
{
	int64_t ms = clock_parse("2026-11-22T10:00:00.123Z");
	char buf[32];

	(void)state;
	assert_true(ms > 0);
	/* A fraction is a fraction: .5 is 500 ms, past milliseconds it is
	 * cut; a dot needs digits. */
	assert_int_equal(clock_parse("2026-11-22T10:00:00.5Z"), ms - 123 + 500);
	assert_int_equal(clock_parse("2026-11-22T10:00:00.12Z"), ms - 3);
	assert_int_equal(clock_parse("2026-11-22T10:00:00.123456Z"), ms);
	assert_int_equal(clock_parse("2026-11-22T10:00:00Z"), ms - 123);
	assert_int_equal(clock_parse("2026-11-22T10:00:00.Z"), -1);
	setenv("TZ", "UTC", 1);
	tzset();
	assert_string_equal(fmt_hms(ms, buf, sizeof buf), "10:00:00");
	assert_string_equal(fmt_date(ms, buf, sizeof buf),
	    "2026-11-22 10:00:00");
	/* A POSIX zone needs no tzdata: five hours west of UTC. */
	setenv("TZ", "EST5", 1);
	tzset();
	assert_string_equal(fmt_hms(ms, buf, sizeof buf), "05:00:00");
	assert_string_equal(fmt_date(ms - 11 * 3600 * 1000, buf, sizeof buf),
	    "2026-11-21 18:00:00");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void
test_fmt_report_id(void **state)
{
	char a[32], b[32];

	(void)state;
	fmt_report_id(a, sizeof a);
	fmt_report_id(b, sizeof b);
	assert_int_equal(strlen(a), 20);
	assert_memory_equal(a, "cli-", 4);
	assert_int_equal(strspn(a + 4, "0123456789abcdef"), 16);
	assert_true(id_valid(a));
	assert_string_not_equal(a, b);
}

static void
wrap_usage(FILE *fp, const void *arg)
{
	(void)arg;
	fprintf(fp, "usage: beacon ");
	fmt_wrap(fp, cmd_report_entry.usage, 14, 14, 79);
}

/* Lines break between words, never inside "[--note TEXT]". */
static void
test_fmt_wrap(void **state)
{
	char *text = capture(wrap_usage, NULL), *line, *save = NULL;
	int lines = 0;

	(void)state;
	assert_non_null(strstr(text, "[--note TEXT]"));
	assert_non_null(strstr(text, "[--severity N]"));
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), lines++) {
		assert_true(strlen(line) <= 79);
		if (lines > 0)
			assert_int_equal(strspn(line, " "), 14);
	}
	assert_true(lines >= 2);
	free(text);
}

static void
table_of(FILE *fp, const void *arg)
{
	struct table *t = table_new(3);

	(void)arg;
	table_add(t, "ID", "BRANCH", "LOCATION");
	table_add(t, "1", "central", "2nd floor washroom");
	table_add(t, "12", "", "");
	table_print(t, fp);
	table_free(t);
}

static void
esc_add(char (*v)[LABEL_MAX + 1], size_t *n, const char *label)
{
	strlcpy_utf8(v[(*n)++], label, LABEL_MAX + 1);
}

/* An escalation's status in words, from the role labels it carries. */
static void
test_fmt_escalation(void **state)
{
	struct status *st = calloc(1, sizeof *st);
	char buf[DETAIL_MAX + 1];

	(void)state;
	assert_non_null(st);
	st->ts = 1000;
	snprintf(st->message, sizeof st->message, "no acknowledgment yet: "
	    "escalated to step 2, 1 more responder notified");
	assert_null(fmt_escalation(st, buf, sizeof buf)); /* none */
	st->esc.step = 1;
	st->esc.at = 1000;
	esc_add(st->esc.called, &st->esc.ncalled, "security");
	esc_add(st->esc.unanswered, &st->esc.nunanswered, "crisis worker");
	assert_string_equal(fmt_escalation(st, buf, sizeof buf),
	    "the crisis worker did not answer: security is now called");
	st->call_911 = 1;
	esc_add(st->esc.declined, &st->esc.ndeclined, "outreach worker");
	esc_add(st->esc.called, &st->esc.ncalled, "supervisor");
	esc_add(st->esc.unanswered, &st->esc.nunanswered, "emergency dispatch");
	assert_string_equal(fmt_escalation(st, buf, sizeof buf),
	    "the outreach worker declined and the crisis worker and "
	    "emergency dispatch did not answer: security and the supervisor "
	    "are now called, CALL 911");
	st->drill = 1;	/* never CALL 911 for a drill */
	st->esc.nunanswered = 0;
	st->esc.ncalled = 1;
	snprintf(st->message, sizeof st->message, "no acknowledgment yet: "
	    "escalated to step 2, 1 more responder notified; no one "
	    "available: branch manager");
	assert_string_equal(fmt_escalation(st, buf, sizeof buf),
	    "the outreach worker declined: security is now called; no one "
	    "available: branch manager");
	/* A French reader reads beacond's sentence, in the branch's
	 * language: the English words are not made for them. */
	setenv("LC_ALL", "fr_CA.UTF-8", 1);
	assert_null(fmt_escalation(st, buf, sizeof buf));
	setenv("LC_ALL", "C", 1);
	/* A later status of the same step (an acknowledgment) says its own
	 * sentence. */
	st->ts = 2000;
	assert_null(fmt_escalation(st, buf, sizeof buf));
	free(st);
}

static void
test_table(void **state)
{
	char *text = capture(table_of, NULL);

	(void)state;
	assert_string_equal(text,
	    "ID  BRANCH   LOCATION\n"
	    "1   central  2nd floor washroom\n"
	    "12  -        -\n");
	free(text);
}

/* ---- CSV ----------------------------------------------------------------- */

static void
csv_of(FILE *fp, const void *arg)
{
	static const char *const row[] = { "plain", "a,b", "say \"hi\"",
		"one\ntwo", "cr\rhere", "", "  spaced  ", "\"" };

	(void)arg;
	csv_row(fp, row, sizeof row / sizeof row[0]);
	csv_field(fp, NULL);
	csv_field(fp, "x");
}

static void
test_csv(void **state)
{
	char *text = capture(csv_of, NULL);

	(void)state;
	assert_string_equal(text, "plain,\"a,b\",\"say \"\"hi\"\"\","
	    "\"one\ntwo\",\"cr\rhere\",,  spaced  ,\"\"\"\"\r\nx");
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_elapsed),
		cmocka_unit_test(test_fmt_local),
		cmocka_unit_test(test_fmt_report_id),
		cmocka_unit_test(test_fmt_wrap),
		cmocka_unit_test(test_fmt_escalation),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_csv),
	};

	/* The sentences compared are English, whatever the runner's
	 * locale (the command line speaks the reader's: i18n_env). */
	setenv("LC_ALL", "C", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
