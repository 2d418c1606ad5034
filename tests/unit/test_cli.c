/*
 * The beacon command line's pure parts: option parsing against the real
 * command table, and the text helpers, linked from the beaconcli library.
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

static const struct cmd *const entries[] = {
	&cmd_report_entry, &cmd_watch_entry, &cmd_ack_entry,
	&cmd_decline_entry, &cmd_arrived_entry, &cmd_resolve_entry,
	&cmd_incidents_entry, &cmd_timeline_entry, &cmd_debrief_entry,
	&cmd_replay_entry, &cmd_export_entry, &cmd_hold_entry,
	&cmd_correct_entry, &cmd_purge_entry,
};

/* Parse a NULL-terminated argument list for c; returns args_parse's
 * result and leaves the cause (or NULL) in *cause. */
static int
parse(const struct cmd *c, struct cli_opts *o, char **cause, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)c->name;
	va_start(ap, cause);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	unsetenv("BEACON_BROKER");
	unsetenv("BEACON_PREFIX");
	unsetenv("BEACON_DB");
	args_defaults(o);
	return args_parse(c, argc, argv, o, cause);
}

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

static char *
capture(void (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	fn(fp, arg);
	fclose(fp);
	return buf;
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

/* ---- debrief edits ------------------------------------------------------- */

static void
test_edit_referral(void **state)
{
	static const struct {
		const char *s, *type;
		int count; /* 0: refused */
	} t[] = {
		{ "housing", "housing", 1 },
		{ "housing:3", "housing", 3 },
		{ "food:10000", "food", 10000 },
		{ "legal:aid", "legal:aid", 1 },
		{ "legal:aid:2", "legal:aid", 2 },
		{ "housing:0", NULL, 0 },
		{ "housing:10001", NULL, 0 },
		{ "housing:-1", NULL, 0 },
		{ ":2", NULL, 0 },
		{ "", NULL, 0 },
		{ "mental health", NULL, 0 },
	};
	struct debrief_referral r;
	char *cause;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		cause = NULL;
		if (t[i].count == 0) {
			if (debrief_edit_referral(t[i].s, &r, &cause) != -1)
				fail_msg("case %zu: \"%s\" accepted", i,
				    t[i].s);
			assert_non_null(strstr(cause, "referral"));
			free(cause);
			continue;
		}
		if (debrief_edit_referral(t[i].s, &r, &cause) != 0)
			fail_msg("case %zu: %s", i, cause);
		assert_string_equal(r.type, t[i].type);
		assert_int_equal(r.count, t[i].count);
	}
}

static void
test_edit_action(void **state)
{
	static const struct {
		const char *s, *what, *owner, *due;
		int status; /* -1: refused */
	} t[] = {
		{ "restock;supervisor-1;2026-12-01", "restock",
		    "supervisor-1", "2026-12-01", AS_OPEN },
		{ "restock;supervisor-1;2026-12-01;done", "restock",
		    "supervisor-1", "2026-12-01", AS_DONE },
		{ "a; b;c;manager-1;2026-12-01;dropped", "a; b;c",
		    "manager-1", "2026-12-01", AS_DROPPED },
		{ "call: 555;m;2027-01-10;open", "call: 555", "m",
		    "2027-01-10", AS_OPEN },
		{ "restock;supervisor-1;2026-12-01;later", NULL, NULL, NULL,
		    -1 },
		{ "restock;supervisor-1", NULL, NULL, NULL, -1 },
		{ "restock", NULL, NULL, NULL, -1 },
		{ ";supervisor-1;2026-12-01", NULL, NULL, NULL, -1 },
		{ "x;super visor;2026-12-01", NULL, NULL, NULL, -1 },
		{ "x;s;2026-02-30", NULL, NULL, NULL, -1 },
		{ "x;;2026-12-01", NULL, NULL, NULL, -1 },
	};
	struct debrief_action a;
	char *cause;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		cause = NULL;
		if (t[i].status < 0) {
			if (debrief_edit_action(t[i].s, &a, &cause) != -1)
				fail_msg("case %zu: \"%s\" accepted", i,
				    t[i].s);
			assert_non_null(strstr(cause, "WHAT;OWNER;YYYY-MM-DD"));
			free(cause);
			continue;
		}
		if (debrief_edit_action(t[i].s, &a, &cause) != 0)
			fail_msg("case %zu: %s", i, cause);
		assert_string_equal(a.what, t[i].what);
		assert_string_equal(a.owner, t[i].owner);
		assert_string_equal(a.due, t[i].due);
		assert_int_equal(a.status, t[i].status);
	}
}

/* An edit changes what was given and keeps the rest; lists merge. */
static void
test_edit_apply(void **state)
{
	struct debrief d;
	struct cli_opts o;
	char *cause = NULL;

	(void)state;
	memset(&d, 0, sizeof d);
	d.wb = WB_HELD;
	d.wb_participants = 3;
	strcpy(d.went_well, "calm");
	strcpy(d.notices[d.nnotices++], "trespass");
	strcpy(d.referrals[0].type, "housing");
	d.referrals[d.nreferrals++].count = 1;
	strcpy(d.actions[0].what, "restock");
	strcpy(d.actions[0].owner, "s");
	strcpy(d.actions[d.nactions++].due, "2026-12-01");
	assert_int_equal(parse(&cmd_debrief_entry, &o, &cause, "1", "--route",
	    "wrong", "--to-improve", "radios", "--notice", "trespass",
	    "--notice", "warning", "--referral", "housing:2", "--referral",
	    "food", "--action", "restock;s;2026-12-01;done", "--action",
	    "train;m;2027-01-01", NULL), 0);
	assert_int_equal(debrief_edit_apply(&o, &d, &cause), 0);
	assert_int_equal(d.wb, WB_HELD);
	assert_int_equal(d.wb_participants, 3);
	assert_string_equal(d.went_well, "calm");
	assert_int_equal(d.route, ROUTE_WRONG);
	assert_string_equal(d.to_improve, "radios");
	assert_int_equal(d.nnotices, 2);
	assert_string_equal(d.notices[1], "warning");
	assert_int_equal(d.nreferrals, 2);
	assert_int_equal(d.referrals[0].count, 2);
	assert_string_equal(d.referrals[1].type, "food");
	assert_int_equal(d.nactions, 2);
	assert_int_equal(d.actions[0].status, AS_DONE);
	assert_string_equal(d.actions[1].what, "train");

	/* An empty text clears; a bad one changes nothing after it. */
	assert_int_equal(parse(&cmd_debrief_entry, &o, &cause, "1",
	    "--went-well", "", "--facilitator", "eap", NULL), 0);
	assert_int_equal(debrief_edit_apply(&o, &d, &cause), 0);
	assert_string_equal(d.went_well, "");
	assert_string_equal(d.wb_facilitator, "eap");
	assert_int_equal(parse(&cmd_debrief_entry, &o, &cause, "1",
	    "--referral", "food:x:0", NULL), 0);
	assert_int_equal(debrief_edit_apply(&o, &d, &cause), -1);
	assert_non_null(strstr(cause, "food:x:0"));
	free(cause);
}

static void
test_edit_ask(void **state)
{
	/* status, when, facilitator, participants (twice), follow-up,
	 * support, route, route note, went well, to improve, training,
	 * notices, referrals, action 1, new action, Enter. */
	static char answers[] = "offered\n\n\nmany\n2\n\n\n-\n"
	    "the note\n\n\n\nwarning, trespass\nfood:2\n-\n"
	    "call;s;2027-01-10;done\n\n";
	struct debrief d;
	FILE *in, *out;
	char *cause = NULL, *text = NULL;
	size_t len = 0;

	(void)state;
	memset(&d, 0, sizeof d);
	d.wb = WB_HELD;
	d.route = ROUTE_RIGHT;
	strcpy(d.actions[0].what, "restock");
	d.nactions = 1;
	in = fmemopen(answers, strlen(answers), "r");
	out = open_memstream(&text, &len);
	assert_int_equal(debrief_edit_ask(in, out, 1, &d, &cause), 0);
	fclose(in);
	fclose(out);
	assert_int_equal(d.wb, WB_OFFERED);
	assert_int_equal(d.wb_participants, 2);
	assert_int_equal(d.route, ROUTE_UNSET);
	assert_string_equal(d.route_note, "the note");
	assert_int_equal(d.nnotices, 2);
	assert_string_equal(d.notices[1], "trespass");
	assert_int_equal(d.nreferrals, 1);
	assert_int_equal(d.referrals[0].count, 2);
	assert_int_equal(d.nactions, 1);
	assert_string_equal(d.actions[0].what, "call");
	assert_int_equal(d.actions[0].status, AS_DONE);
	assert_non_null(strstr(text, "\"many\": use 0 to 10000"));
	assert_non_null(strstr(text, "Status: offered, held, declined or "
	    "not_offered [held]: offered\n"));
	free(text);

	/* The input ends on a bad answer. */
	in = fmemopen("sometimes\n", 10, "r");
	out = open_memstream(&text, &len);
	assert_int_equal(debrief_edit_ask(in, out, 0, &d, &cause), -1);
	assert_non_null(strstr(cause, "no valid answer"));
	fclose(in);
	fclose(out);
	free(cause);
	free(text);
}

/* ---- redaction and sentences --------------------------------------------- */

static void
test_redact(void **state)
{
	static const struct {
		const char *kind;
		int detail_kept, actor_kept;
	} ev[] = {
		{ "reported", 0, 0 }, { "duplicate", 1, 0 },
		{ "notified", 1, 1 }, { "escalated", 1, 1 },
		{ "ack", 0, 1 }, { "decline", 0, 1 }, { "arrived", 0, 1 },
		{ "resolve", 0, 1 }, { "correction", 0, 1 }, { "hold", 0, 1 },
		{ "hold_released", 0, 1 }, { "debrief", 1, 1 },
	};
	struct incident inc;
	struct event e;
	struct debrief d;
	size_t i;

	(void)state;
	memset(&inc, 0, sizeof inc);
	strcpy(inc.r.reporter, "Jo");
	strcpy(inc.r.device, "desk-3");
	strcpy(inc.r.note, "red coat");
	strcpy(inc.r.location, "2nd floor");
	strcpy(inc.branch, "central");
	redact_incident(&inc);
	assert_string_equal(inc.r.reporter, "");
	assert_string_equal(inc.r.device, "");
	assert_string_equal(inc.r.note, "");
	assert_string_equal(inc.r.location, "");
	assert_string_equal(inc.branch, "central");
	for (i = 0; i < sizeof ev / sizeof ev[0]; i++) {
		memset(&e, 0, sizeof e);
		strcpy(e.kind, ev[i].kind);
		strcpy(e.actor, "a");
		strcpy(e.detail, "d");
		redact_event(&e);
		if (strcmp(e.detail, ev[i].detail_kept ? "d" : "") != 0 ||
		    strcmp(e.actor, ev[i].actor_kept ? "a" : "") != 0)
			fail_msg("%s: actor \"%s\", detail \"%s\"", ev[i].kind,
			    e.actor, e.detail);
	}
	memset(&d, 0, sizeof d);
	d.wb = WB_HELD;
	strcpy(d.wb_facilitator, "eap");
	strcpy(d.route_note, "x");
	strcpy(d.went_well, "x");
	strcpy(d.to_improve, "x");
	strcpy(d.training, "x");
	strcpy(d.actions[0].what, "call Jo");
	strcpy(d.actions[0].owner, "s");
	d.nactions = 1;
	redact_debrief(&d);
	assert_string_equal(d.route_note, "");
	assert_string_equal(d.went_well, "");
	assert_string_equal(d.to_improve, "");
	assert_string_equal(d.training, "");
	assert_string_equal(d.actions[0].what, "");
	assert_string_equal(d.actions[0].owner, "s");
	assert_string_equal(d.wb_facilitator, "eap");
	assert_int_equal(d.nactions, 1);
}

static void
test_replay_sentence(void **state)
{
	static const struct {
		const char *kind, *actor, *detail;
		int step;
		const char *want;
	} t[] = {
		{ "reported", "desk-3", "Suspected overdose", -1,
		    "desk-3 reported: Suspected overdose" },
		{ "reported", "", "Suspected overdose", -1,
		    "reported: Suspected overdose" },
		{ "notified", "crisis-1", "role=crisis_worker", 0,
		    "crisis-1 notified, step 1 (role=crisis_worker)" },
		{ "ack", "crisis-1", "", 0, "crisis-1 acknowledged" },
		{ "ack", "crisis-1", "on my way", 0,
		    "crisis-1 acknowledged: on my way" },
		{ "correction", "s", "wrong person", -1,
		    "s corrected event 12: wrong person" },
		{ "something_new", "x", "y", -1, "x something_new: y" },
	};
	struct event e;
	char buf[256], small[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		memset(&e, 0, sizeof e);
		strcpy(e.kind, t[i].kind);
		strcpy(e.actor, t[i].actor);
		strcpy(e.detail, t[i].detail);
		e.step = t[i].step;
		e.corrects = 12;
		assert_string_equal(cmd_replay_sentence(&e, buf, sizeof buf),
		    t[i].want);
	}
	assert_string_equal(cmd_replay_sentence(&e, small, sizeof small),
	    "x somet");
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
		cmocka_unit_test(test_fmt_elapsed),
		cmocka_unit_test(test_fmt_local),
		cmocka_unit_test(test_fmt_report_id),
		cmocka_unit_test(test_fmt_wrap),
		cmocka_unit_test(test_fmt_escalation),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_args_time),
		cmocka_unit_test(test_args_new),
		cmocka_unit_test(test_args_repeat),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_edit_referral),
		cmocka_unit_test(test_edit_action),
		cmocka_unit_test(test_edit_apply),
		cmocka_unit_test(test_edit_ask),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_replay_sentence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
