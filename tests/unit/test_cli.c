/*
 * The beacon command line's pure parts: option parsing against the real
 * command table, and the text helpers, linked from the beaconcli library.
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
#include "cli.h"

#include "clock.h"

static const struct cmd *const entries[] = {
	&cmd_report_entry, &cmd_watch_entry, &cmd_ack_entry,
	&cmd_decline_entry, &cmd_arrived_entry, &cmd_resolve_entry,
	&cmd_incidents_entry, &cmd_timeline_entry,
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
		{ &cmd_incidents_entry, { "--timeout", "3" }, "unknown or "
		    "ambiguous" },
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_report),
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
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
