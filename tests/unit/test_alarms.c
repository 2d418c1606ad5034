/* Alarms that are not real (alarms.c) and their configuration (conf.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alarms.h"
#include "conf.h"

#define ROSTER								\
	"roles = ( { id = \"care\"; label = \"crisis worker\"; },\n"	\
	"  { id = \"emergency\"; label = \"emergency dispatch\"; %s } );\n" \
	"branches = ( { id = \"central\"; name = \"Central\";"		\
	" timezone = \"UTC\"; } );\n"					\
	"responders = ( { id = \"c1\"; name = \"C\"; role = \"care\";"	\
	" branches = [ \"*\" ]; } );\n"					\
	"policies = ( { id = \"p\"; steps = ( { roles = [ \"care\" ]; } );"	\
	" } );\n"							\
	"categories = (\n"						\
	"  { id = \"s1\"; label = \"one\"; severity = 1; policy = \"p\"; },\n" \
	"  { id = \"s2\"; label = \"two\"; severity = 2; policy = \"p\"; },\n" \
	"  { id = \"s3\"; label = \"three\"; severity = 3; policy = \"p\"; },\n" \
	"  { id = \"s4\"; label = \"four\"; severity = 4; policy = \"p\"; },\n" \
	"  { id = \"no\"; label = \"no\"; severity = 4; policy = \"p\";"	\
	" cancel = false; } %s );\n"					\
	"life_threat = { severity = 1; roles = [ \"emergency\" ]; };\n"	\
	"%s\n"

static struct config *
load(const char *role, const char *cat, const char *alarms, char **cause)
{
	struct config *cf = NULL;
	char text[4096];

	snprintf(text, sizeof text, ROSTER, role, cat, alarms);
	*cause = NULL;
	if (config_load_string(text, "alarms.conf", &cf, cause) != 0)
		return NULL;
	return cf;
}

static void
test_cancel_defaults(void **state)
{
	char *cause;
	struct config *cf = load("", "", "", &cause);

	(void)state;
	assert_non_null(cf);
	assert_int_equal(cf->cancel_window, 5);
	assert_int_equal(cf->repeat_window, 120);
	/* Severity 1-2 never wait; 3-4 wait 5 s; a category may opt out. */
	assert_int_equal(alarms_cancel_ms(cf, config_category(cf, "s1"), 1), 0);
	assert_int_equal(alarms_cancel_ms(cf, config_category(cf, "s2"), 2), 0);
	assert_int_equal(alarms_cancel_ms(cf, config_category(cf, "s3"), 3),
	    5000);
	assert_int_equal(alarms_cancel_ms(cf, config_category(cf, "s4"), 4),
	    5000);
	assert_int_equal(alarms_cancel_ms(cf, config_category(cf, "no"), 4), 0);
	/* A report raised to severity 2 does not wait either. */
	assert_int_equal(alarms_cancel_ms(cf, config_category(cf, "s4"), 2), 0);
	config_free(cf);
}

static void
test_cancel_settings(void **state)
{
	char *cause;
	struct config *cf = load("", ",\n  { id = \"yes\"; label = \"y\"; "
	    "severity = 3; policy = \"p\"; cancel = true; }",
	    "alarms = { cancel_window = 10; cancel_severity = 4; };", &cause);

	(void)state;
	assert_non_null(cf);
	/* cancel_severity 4: only severity 4 waits by default; a category
	 * that says cancel = true waits at 3 too. */
	assert_int_equal(alarms_cancel_ms(cf, config_category(cf, "s3"), 3), 0);
	assert_int_equal(alarms_cancel_ms(cf, config_category(cf, "s4"), 4),
	    10000);
	assert_int_equal(alarms_cancel_ms(cf, config_category(cf, "yes"), 3),
	    10000);
	config_free(cf);
	cf = load("", "", "alarms = { cancel_window = 0; };", &cause);
	assert_non_null(cf);
	assert_int_equal(alarms_cancel_ms(cf, config_category(cf, "s4"), 4), 0);
	config_free(cf);
}

static void
test_cancel_errors(void **state)
{
	char *cause;

	(void)state;
	assert_null(load("", ",\n  { id = \"bad\"; label = \"b\"; severity = 2;"
	    " policy = \"p\"; cancel = true; }", "", &cause));
	assert_non_null(strstr(cause, "alarms.conf:"));
	assert_non_null(strstr(cause, "never waits for a cancel"));
	free(cause);
	assert_null(load("", "", "alarms = { cancel_severity = 2; };",
	    &cause));
	assert_non_null(strstr(cause, "cancel_severity"));
	free(cause);
	assert_null(load("", "", "alarms = { cancel_window = 600; };",
	    &cause));
	assert_non_null(strstr(cause, "cancel_window"));
	free(cause);
}

static void
test_drill_dispatch(void **state)
{
	char *cause;
	struct config *cf = load("", "", "", &cause);

	(void)state;
	assert_non_null(cf);
	assert_int_equal(alarms_drill_skips(cf, "emergency"), 1);
	assert_int_equal(alarms_drill_skips(cf, "care"), 0);
	config_free(cf);
	cf = load("drill = true;", "", "", &cause);
	assert_non_null(cf);
	assert_int_equal(alarms_drill_skips(cf, "emergency"), 0);
	config_free(cf);
}

static void
test_press_changes(void **state)
{
	struct incident inc;
	char text[256];
	int loc, higher;

	(void)state;
	memset(&inc, 0, sizeof inc);
	inc.id = 7;
	inc.r.severity = 3;
	inc.state = ST_ROUTED;
	inc.step = 0;
	inc.presses = 3;
	strcpy(inc.r.location, "desk");
	assert_int_equal(alarms_press_changes(&inc, "", 3, &loc, &higher), 0);
	assert_int_equal(alarms_press_changes(&inc, "desk", 4, &loc, &higher),
	    0);
	assert_int_equal(alarms_press_changes(&inc, "stacks", 3, &loc,
	    &higher), 1);
	assert_true(loc && !higher);
	assert_int_equal(alarms_press_changes(&inc, "", 2, &loc, &higher), 1);
	assert_true(!loc && higher);
	alarms_press_text(&inc, text, sizeof text);
	assert_string_equal(text, "received again: 3 presses, joined to "
	    "incident 7, already being handled");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cancel_defaults),
		cmocka_unit_test(test_cancel_settings),
		cmocka_unit_test(test_cancel_errors),
		cmocka_unit_test(test_drill_dispatch),
		cmocka_unit_test(test_press_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
