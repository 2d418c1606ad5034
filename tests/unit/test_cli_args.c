/*
 * The beacon command line's option parsing (args.c) against the real
 * command table, linked from the beaconcli library: options, defaults,
 * operands, errors, the environment, every command's help, and times.
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

static const struct cmd *const entries[] = {
	&cmd_report_entry, &cmd_watch_entry, &cmd_ack_entry,
	&cmd_decline_entry, &cmd_arrived_entry, &cmd_resolve_entry,
	&cmd_incidents_entry, &cmd_timeline_entry, &cmd_debrief_entry,
	&cmd_replay_entry, &cmd_export_entry, &cmd_hold_entry,
	&cmd_correct_entry, &cmd_purge_entry,
};

static void
test_args_report(void **state)
{
	struct cli_opts o;
	char *cause;

	(void)state;
	assert_int_equal(parse(&cmd_report_entry, &o, &cause, "--branch",
	    "central", "--type", "overdose", "--severity", "2", "--location",
	    "2nd floor", "--note", "n", "--device", "desk-3", "--reporter",
	    "clerk", "--id", "r-1", "--silent", "--drill", "--timeout", "0.5",
	    "--follow", "--json", "--broker", "10.0.0.1:1884", "--prefix",
	    "lib/beacon", NULL), 0);
	assert_null(cause);
	assert_string_equal(o.branch, "central");
	assert_string_equal(o.type, "overdose");
	assert_int_equal(o.severity, 2);
	assert_string_equal(o.location, "2nd floor");
	assert_string_equal(o.note, "n");
	assert_string_equal(o.device, "desk-3");
	assert_string_equal(o.reporter, "clerk");
	assert_string_equal(o.id, "r-1");
	assert_true(o.silent && o.drill && o.follow && o.json);
	assert_int_equal(o.timeout, 500);
	assert_string_equal(o.broker, "10.0.0.1:1884");
	assert_string_equal(o.prefix, "lib/beacon");
}

/* --flush makes no report: --branch and --type are not required, and
 * the spool comes from --spool or BEACON_SPOOL. */
static void
test_args_flush(void **state)
{
	struct cli_opts o;
	char *cause;

	(void)state;
	unsetenv("BEACON_SPOOL");
	assert_int_equal(parse(&cmd_report_entry, &o, &cause, "--flush",
	    NULL), 0);
	assert_true(o.flush);
	assert_null(o.branch);
	assert_null(o.spool);
	assert_int_equal(parse(&cmd_report_entry, &o, &cause, "--flush",
	    "--spool", "/tmp/s", NULL), 0);
	assert_string_equal(o.spool, "/tmp/s");
	setenv("BEACON_SPOOL", "/var/tmp/s", 1);
	assert_int_equal(parse(&cmd_report_entry, &o, &cause, "--branch",
	    "c", "--type", "x", NULL), 0);
	assert_false(o.flush);
	assert_string_equal(o.spool, "/var/tmp/s");
	unsetenv("BEACON_SPOOL");
	assert_int_equal(parse(&cmd_report_entry, &o, &cause, "--type", "x",
	    NULL), -1);
	assert_non_null(strstr(cause, "--branch is required"));
	free(cause);
}

static void
test_args_defaults(void **state)
{
	struct cli_opts o;
	char *cause;

	(void)state;
	assert_int_equal(parse(&cmd_incidents_entry, &o, &cause, NULL), 0);
	assert_string_equal(o.broker, CLI_BROKER);
	assert_string_equal(o.prefix, CLI_PREFIX);
	assert_string_equal(o.db, CLI_DB);
	assert_int_equal(o.timeout, CLI_TIMEOUT);
	assert_null(o.branch);
	assert_false(o.open);

	setenv("BEACON_BROKER", "broker.example:1999", 1);
	setenv("BEACON_DB", "other.db", 1);
	args_defaults(&o);
	assert_string_equal(o.broker, "broker.example:1999");
	assert_string_equal(o.db, "other.db");
	assert_string_equal(o.prefix, CLI_PREFIX);
	unsetenv("BEACON_BROKER");
	unsetenv("BEACON_DB");
}

/* The operand may come before or after the options. */
static void
test_args_operand(void **state)
{
	struct cli_opts o;
	char *cause;

	(void)state;
	assert_int_equal(parse(&cmd_ack_entry, &o, &cause, "7", "--as",
	    "crisis-1", NULL), 0);
	assert_int_equal(o.incident, 7);
	assert_string_equal(o.as, "crisis-1");
	assert_int_equal(parse(&cmd_resolve_entry, &o, &cause, "--as",
	    "crisis-1", "--note", "EMS took over", "12", NULL), 0);
	assert_int_equal(o.incident, 12);
	assert_string_equal(o.note, "EMS took over");
	assert_int_equal(parse(&cmd_timeline_entry, &o, &cause, "3", "--db",
	    "b.db", NULL), 0);
	assert_int_equal(o.incident, 3);
	assert_string_equal(o.db, "b.db");
}

/* --help wins over what is missing, so help always works. */
static void
test_args_help_flag(void **state)
{
	struct cli_opts o;
	char *cause;

	(void)state;
	assert_int_equal(parse(&cmd_report_entry, &o, &cause, "--help", NULL),
	    0);
	assert_true(o.help);
	assert_int_equal(parse(&cmd_ack_entry, &o, &cause, "-h", NULL), 0);
	assert_true(o.help);
}

/* Each bad command line and words its error must contain. */
static void
test_args_errors(void **state)
{
	static const struct {
		const struct cmd *c;
		const char *argv[7];
		const char *want;
	} t[] = {
		{ &cmd_report_entry, { "--type", "overdose" }, "--branch is "
		    "required" },
		{ &cmd_report_entry, { "--branch", "central" }, "--type is "
		    "required" },
		{ &cmd_report_entry, { "--branch", "a b", "--type", "x" },
		    "--branch: \"a b\" is not valid" },
		{ &cmd_report_entry, { "--branch", "a/b", "--type", "x" },
		    "is not valid" },
		{ &cmd_report_entry, { "--branch", "c", "--type", "x",
		    "--severity", "9" }, "--severity: must be 1 to 4" },
		{ &cmd_report_entry, { "--branch", "c", "--type", "x",
		    "--severity", "2x" }, "--severity: must be 1 to 4" },
		{ &cmd_report_entry, { "--branch", "c", "--type", "x",
		    "--timeout", "0" }, "--timeout: must be a number" },
		{ &cmd_report_entry, { "--branch", "c", "--type", "x",
		    "--timeout", "nan" }, "--timeout: must be a number" },
		{ &cmd_report_entry, { "--branch", "c", "--type", "x",
		    "--id", "has space" }, "--id:" },
		{ &cmd_report_entry, { "--branch", "c", "--type", "x",
		    "--prefix", "a/+" }, "prefix \"a/+\" is not valid" },
		{ &cmd_report_entry, { "--branch", "c", "--type", "x",
		    "--prefix", "a//b" }, "is not valid" },
		{ &cmd_report_entry, { "--frobnicate" }, "unknown or ambiguous "
		    "option --frobnicate" },
		{ &cmd_report_entry, { "--branch" }, "--branch needs a value" },
		{ &cmd_report_entry, { "--branch", "c", "--type", "x",
		    "extra" }, "unexpected argument \"extra\"" },
		{ &cmd_report_entry, { "--as", "x", "--branch", "c", "--type",
		    "x" }, "unknown or ambiguous option --as" },
		{ &cmd_ack_entry, { "--as", "crisis-1" }, "INCIDENT is "
		    "missing" },
		{ &cmd_ack_entry, { "abc", "--as", "crisis-1" }, "INCIDENT "
		    "must be an incident number, not \"abc\"" },
		{ &cmd_ack_entry, { "0", "--as", "crisis-1" }, "INCIDENT must" },
		{ &cmd_ack_entry, { "1", "2", "--as", "crisis-1" },
		    "unexpected argument \"2\"" },
		{ &cmd_ack_entry, { "1" }, "--as is required" },
		{ &cmd_watch_entry, { "--count", "0" }, "--count: must be 1" },
		{ &cmd_watch_entry, { "--db", "x" }, "unknown or ambiguous" },
		{ &cmd_incidents_entry, { "--follow" }, "unknown or "
		    "ambiguous" },
		{ &cmd_incidents_entry, { "--since", "yesterday" }, "--since: "
		    "\"yesterday\" is not a time" },
		{ &cmd_incidents_entry, { "--until", "2026-13-01" }, "--until: "
		    "\"2026-13-01\" is not a time" },
		{ &cmd_incidents_entry, { "--state", "closed" }, "--state: "
		    "\"closed\" is not valid: use received, routed, "
		    "acknowledged, on_scene or resolved" },
		{ &cmd_incidents_entry, { "--state", "rejected" }, "--state:" },
		{ &cmd_incidents_entry, { "--responder", "a b" },
		    "--responder: \"a b\" is not valid" },
		{ &cmd_replay_entry, { "1", "--speed", "-1" }, "--speed: must "
		    "be a number from 0" },
		{ &cmd_replay_entry, { "1", "--speed", "fast" }, "--speed:" },
		{ &cmd_debrief_entry, { "1", "--wellbeing", "" },
		    "--wellbeing: \"\" is not valid: use offered, held, "
		    "declined or not_offered" },
		{ &cmd_debrief_entry, { "1", "--route", "left" },
		    "use right or wrong" },
		{ &cmd_debrief_entry, { "1", "--follow-up", "2026-02-29" },
		    "--follow-up: \"2026-02-29\" is not a date" },
		{ &cmd_debrief_entry, { "1", "--participants", "10001" },
		    "--participants: must be 0 to 10000" },
		{ &cmd_correct_entry, { "1", "--as", "s", "--event", "0",
		    "--note" }, "--event: must be a number from 1" },
		{ &cmd_correct_entry, { "1", "--as", "s", "--event", "2" },
		    "--note is required" },
		{ &cmd_purge_entry, { "--dry-run" }, "--as is required" },
		{ &cmd_export_entry, { "--remote" }, "unknown or ambiguous" },
	};
	struct cli_opts o;
	char *argv[8], *cause;
	size_t i;
	int argc;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		argv[0] = (char *)t[i].c->name;
		for (argc = 1; argc < 7 && t[i].argv[argc - 1] != NULL; argc++)
			argv[argc] = (char *)t[i].argv[argc - 1];
		argv[argc] = NULL;
		args_defaults(&o);
		cause = NULL;
		if (args_parse(t[i].c, argc, argv, &o, &cause) != -1)
			fail_msg("case %zu: accepted", i);
		assert_non_null(cause);
		if (strstr(cause, t[i].want) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, cause,
			    t[i].want);
		free(cause);
	}
}

/* A bad BEACON_PREFIX is refused like a bad --prefix. */
static void
test_args_env_prefix(void **state)
{
	char *argv[] = { "watch", NULL };
	struct cli_opts o;
	char *cause = NULL;

	(void)state;
	setenv("BEACON_PREFIX", "beacon/#", 1);
	args_defaults(&o);
	assert_int_equal(args_parse(&cmd_watch_entry, 1, argv, &o, &cause),
	    -1);
	assert_non_null(strstr(cause, "beacon/#"));
	free(cause);
	unsetenv("BEACON_PREFIX");
}

static void
help_of(FILE *fp, const void *arg)
{
	args_help(arg, fp);
}

/* Every command's help lists its options and fits 80 columns; an option
 * list naming an unknown option would end the test in fatalx. */
static void
test_args_help(void **state)
{
	size_t i;
	char *text, *line, *save = NULL;

	(void)state;
	for (i = 0; i < sizeof entries / sizeof entries[0]; i++) {
		text = capture(help_of, entries[i]);
		assert_non_null(strstr(text, "--broker HOST:PORT"));
		assert_non_null(strstr(text, "--help"));
		for (line = strtok_r(text, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			if (strlen(line) > 79)
				fail_msg("%s: long line: %s", entries[i]->name,
				    line);
		free(text);
	}
	text = capture(help_of, &cmd_report_entry);
	assert_non_null(strstr(text, "--branch B           required: "));
	assert_null(strstr(text, "--db"));
	free(text);
}

/* ---- times --------------------------------------------------------------- */

static void
test_args_time(void **state)
{
	static const struct {
		const char *tz, *s, *want; /* want: RFC 3339 UTC, or NULL */
	} t[] = {
		{ "UTC", "2026-11-22", "2026-11-22T00:00:00.000Z" },
		{ "EST5", "2026-11-22", "2026-11-22T05:00:00.000Z" },
		{ "UTC", "2026-11-22T10:00", "2026-11-22T10:00:00.000Z" },
		{ "EST5", "2026-11-22T10:00:30", "2026-11-22T15:00:30.000Z" },
		{ "EST5", "2026-11-22 10:00", "2026-11-22T15:00:00.000Z" },
		{ "EST5", "2026-11-22T10:00:00Z", "2026-11-22T10:00:00.000Z" },
		{ "UTC", "2026-11-22T10:00:00.123Z",
		    "2026-11-22T10:00:00.123Z" },
		{ "UTC", "2026-11-22T10:00:00.5z", "2026-11-22T10:00:00.500Z" },
		{ "UTC", "2026-11-22t10:00:00.1234567Z",
		    "2026-11-22T10:00:00.123Z" },
		{ "UTC", "2026-11-22T10:00:00+02:00",
		    "2026-11-22T08:00:00.000Z" },
		{ "UTC", "2026-11-22T10:00-05:30", "2026-11-22T15:30:00.000Z" },
		{ "UTC", "2024-02-29", "2024-02-29T00:00:00.000Z" },
		{ "UTC", "", NULL },
		{ "UTC", "yesterday", NULL },
		{ "UTC", "2026-11-2", NULL },
		{ "UTC", "2026-02-29", NULL },
		{ "UTC", "2026-11-22T", NULL },
		{ "UTC", "2026-11-22T10", NULL },
		{ "UTC", "2026-11-22T24:00", NULL },
		{ "UTC", "2026-11-22T10:60", NULL },
		{ "UTC", "2026-11-22T10:00:00.", NULL },
		{ "UTC", "2026-11-22T10:00:00+2", NULL },
		{ "UTC", "2026-11-22T10:00:00+02:00x", NULL },
		{ "UTC", "2026-11-22T10:00Zjunk", NULL },
		{ "UTC", "2026-11-22X10:00", NULL },
		{ "UTC", "1970-01-01", NULL }, /* 0 means unset */
	};
	char buf[40];
	int64_t ms;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		setenv("TZ", t[i].tz, 1);
		tzset();
		ms = -1;
		if (t[i].want == NULL) {
			if (args_time(t[i].s, &ms) != -1)
				fail_msg("case %zu: \"%s\" accepted", i,
				    t[i].s);
			continue;
		}
		if (args_time(t[i].s, &ms) != 0)
			fail_msg("case %zu: \"%s\" refused", i, t[i].s);
		assert_string_equal(clock_fmt(ms, buf, sizeof buf), t[i].want);
	}
	setenv("TZ", "UTC", 1);
	tzset();
}

/* The new options land in their fields; the defaults say "not given". */
static void
test_args_new(void **state)
{
	struct cli_opts o;
	char *cause;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(parse(&cmd_incidents_entry, &o, &cause, NULL), 0);
	assert_int_equal(o.state, -1);
	assert_int_equal(o.since, 0);
	assert_true(o.speed == 1);
	assert_int_equal(o.participants, -1);
	assert_int_equal(parse(&cmd_incidents_entry, &o, &cause, "--since",
	    "2026-11-22", "--until", "2026-11-23T00:00:00Z", "--state",
	    "on_scene", "--responder", "crisis-1", "--no-drill", "--format",
	    "csv", "--remote", "--as", "supervisor-1", NULL), 0);
	assert_int_equal(o.since, clock_parse("2026-11-22T00:00:00.000Z"));
	assert_int_equal(o.until, clock_parse("2026-11-23T00:00:00.000Z"));
	assert_int_equal(o.state, ST_ON_SCENE);
	assert_string_equal(o.responder, "crisis-1");
	assert_true(o.no_drill && o.remote);
	assert_string_equal(o.format, "csv");
	assert_int_equal(parse(&cmd_replay_entry, &o, &cause, "4", "--speed",
	    "0.25", NULL), 0);
	assert_true(o.speed == 0.25);
	assert_int_equal(parse(&cmd_replay_entry, &o, &cause, "4", "--speed",
	    "0", NULL), 0);
	assert_true(o.speed == 0);
	assert_int_equal(parse(&cmd_correct_entry, &o, &cause, "4", "--event",
	    "12", "--note", "n", "--as", "s", NULL), 0);
	assert_int_equal(o.event, 12);
	assert_int_equal(parse(&cmd_export_entry, &o, &cause, "--since",
	    "2026-01-01", "--redact", "--out", "x.csv", NULL), 0);
	assert_true(o.redact);
	assert_string_equal(o.out, "x.csv");
}

/* Repeatable options keep every value, in order, up to a debrief's list. */
static void
test_args_repeat(void **state)
{
	char *argv[2 + 2 * (ARG_LIST_MAX + 1)], *cause = NULL;
	struct cli_opts o;
	int argc = 0, i;

	(void)state;
	assert_int_equal(parse(&cmd_debrief_entry, &o, &cause, "1", "--notice",
	    "trespass", "--referral", "housing:2", "--notice", "warning",
	    "--action", "a;b;2026-12-01", "--wellbeing", "held", "--route",
	    "wrong", "--held-at", "2026-11-23T15:00", "--participants", "0",
	    NULL), 0);
	assert_int_equal(o.notices.n, 2);
	assert_string_equal(o.notices.v[0], "trespass");
	assert_string_equal(o.notices.v[1], "warning");
	assert_int_equal(o.referrals.n, 1);
	assert_string_equal(o.referrals.v[0], "housing:2");
	assert_int_equal(o.actions.n, 1);
	assert_int_equal(o.wellbeing, WB_HELD);
	assert_int_equal(o.route, ROUTE_WRONG);
	assert_int_equal(o.held_at, clock_parse("2026-11-23T15:00:00.000Z"));
	assert_int_equal(o.participants, 0);
	assert_true(debrief_edit_given(&o));
	assert_int_equal(parse(&cmd_debrief_entry, &o, &cause, "1", NULL), 0);
	assert_false(debrief_edit_given(&o));

	argv[argc++] = "debrief";
	argv[argc++] = "1";
	for (i = 0; i <= ARG_LIST_MAX; i++) {
		argv[argc++] = "--notice";
		argv[argc++] = "n";
	}
	args_defaults(&o);
	assert_int_equal(args_parse(&cmd_debrief_entry, argc, argv, &o,
	    &cause), -1);
	assert_string_equal(cause, "--notice: at most 16");
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_report),
		cmocka_unit_test(test_args_flush),
		cmocka_unit_test(test_args_defaults),
		cmocka_unit_test(test_args_operand),
		cmocka_unit_test(test_args_help_flag),
		cmocka_unit_test(test_args_errors),
		cmocka_unit_test(test_args_env_prefix),
		cmocka_unit_test(test_args_help),
		cmocka_unit_test(test_args_time),
		cmocka_unit_test(test_args_new),
		cmocka_unit_test(test_args_repeat),
	};

	/* The sentences compared are English, whatever the runner's
	 * locale (the command line speaks the reader's: i18n_env). */
	setenv("LC_ALL", "C", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
