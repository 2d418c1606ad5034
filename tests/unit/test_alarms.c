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
	if (conf_load_string(text, "alarms.conf", &cf, cause) != 0)
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
	assert_int_equal(alarms_cancel_ms(cf, conf_category(cf, "s1"), 1), 0);
	assert_int_equal(alarms_cancel_ms(cf, conf_category(cf, "s2"), 2), 0);
	assert_int_equal(alarms_cancel_ms(cf, conf_category(cf, "s3"), 3),
	    5000);
	assert_int_equal(alarms_cancel_ms(cf, conf_category(cf, "s4"), 4),
	    5000);
	assert_int_equal(alarms_cancel_ms(cf, conf_category(cf, "no"), 4), 0);
	/* A report raised to severity 2 does not wait either. */
	assert_int_equal(alarms_cancel_ms(cf, conf_category(cf, "s4"), 2), 0);
	conf_free(cf);
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
	assert_int_equal(alarms_cancel_ms(cf, conf_category(cf, "s3"), 3), 0);
	assert_int_equal(alarms_cancel_ms(cf, conf_category(cf, "s4"), 4),
	    10000);
	assert_int_equal(alarms_cancel_ms(cf, conf_category(cf, "yes"), 3),
	    10000);
	conf_free(cf);
	cf = load("", "", "alarms = { cancel_window = 0; };", &cause);
	assert_non_null(cf);
	assert_int_equal(alarms_cancel_ms(cf, conf_category(cf, "s4"), 4), 0);
	conf_free(cf);
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
	conf_free(cf);
	cf = load("drill = true;", "", "", &cause);
	assert_non_null(cf);
	assert_int_equal(alarms_drill_skips(cf, "emergency"), 0);
	conf_free(cf);
}

static void
test_same_text(void **state)
{
	(void)state;
	assert_true(alarms_same_text("Children's area", "Children's area"));
	assert_true(alarms_same_text("  children's AREA\t",
	    "Children's area"));
	assert_true(alarms_same_text("Parking garage level 2\n",
	    " PARKING GARAGE LEVEL 2"));
	assert_false(alarms_same_text("Children's area, 1st floor",
	    "Parking garage level 2"));
	assert_false(alarms_same_text("desk 1", "desk 12"));
	assert_false(alarms_same_text("desk  1", "desk 1"));
	/* Empty matches nothing, not even empty. */
	assert_false(alarms_same_text("", ""));
	assert_false(alarms_same_text("  ", ""));
	assert_false(alarms_same_text("", "desk"));
	/* Only ASCII folds: other bytes compare as they are. */
	assert_true(alarms_same_text("CAF\xc3\xa9", "caf\xc3\xa9"));
	assert_false(alarms_same_text("caf\xc3\xa9", "caf\xc3\x89"));
}

static void
report(struct report *r, const char *device, const char *location,
    const char *note)
{
	memset(r, 0, sizeof *r);
	strcpy(r->device, device);
	strcpy(r->location, location);
	strcpy(r->note, note);
}

static void
test_press_joins(void **state)
{
	struct incident inc;
	struct report r;
	int loc, note;

	(void)state;
	memset(&inc, 0, sizeof inc);
	report(&r, "desk-1", "Children's area, 1st floor", "");
	inc.r = r;
	assert_int_equal(alarms_press_add(&inc, &r, &loc, &note), 1);
	assert_int_equal(inc.nlocations, 1);
	assert_int_equal(inc.nnotes, 0);
	assert_int_equal(inc.ndevices, 1);

	/* Another device at another place: its own incident. */
	report(&r, "desk-7", "Parking garage level 2", "man collapsed");
	assert_int_equal(alarms_press_joins(&inc, &r), 0);
	/* Another device, no place: not the same event either. */
	report(&r, "desk-7", "", "");
	assert_int_equal(alarms_press_joins(&inc, &r), 0);
	/* No device, no place: nothing to match. */
	report(&r, "", "", "");
	assert_int_equal(alarms_press_joins(&inc, &r), 0);
	/* The same place, written differently. */
	report(&r, "desk-7", " children's AREA, 1st floor ", "he is awake");
	assert_int_equal(alarms_press_joins(&inc, &r), 1);
	assert_int_equal(alarms_press_add(&inc, &r, &loc, &note), 1);
	assert_true(!loc && note);
	assert_int_equal(inc.nlocations, 1);
	assert_string_equal(inc.r.location, "Children's area, 1st floor");
	assert_string_equal(inc.r.note, "he is awake");
	assert_int_equal(inc.ndevices, 2);
	/* desk-7 joined: its next press joins wherever it says it is. */
	report(&r, "desk-7", "Parking garage level 2", "man collapsed");
	assert_int_equal(alarms_press_joins(&inc, &r), 1);
	assert_int_equal(alarms_press_add(&inc, &r, &loc, &note), 1);
	assert_true(loc && note);
	assert_int_equal(inc.nlocations, 2);
	assert_string_equal(inc.locations[0], "Children's area, 1st floor");
	assert_string_equal(inc.locations[1], "Parking garage level 2");
	assert_string_equal(inc.notes[0], "he is awake");
	assert_string_equal(inc.notes[1], "man collapsed");
	/* The first location and note stay the incident's own. */
	assert_string_equal(inc.r.location, "Children's area, 1st floor");
	assert_string_equal(inc.r.note, "he is awake");
	/* Nothing new: nothing added. */
	report(&r, "desk-1", "PARKING GARAGE LEVEL 2", "");
	assert_int_equal(alarms_press_add(&inc, &r, &loc, &note), 0);
	assert_int_equal(inc.nlocations, 2);
}

static void
test_press_full(void **state)
{
	struct incident inc;
	struct report r;
	char where[32];
	int i, loc, note;

	(void)state;
	memset(&inc, 0, sizeof inc);
	for (i = 0; i < JOINED_MAX + 2; i++) {
		snprintf(where, sizeof where, "room %d", i);
		report(&r, "desk-1", where, "");
		alarms_press_add(&inc, &r, &loc, &note);
	}
	assert_int_equal(inc.nlocations, JOINED_MAX);
	assert_int_equal(loc, 0);
	assert_string_equal(inc.locations[JOINED_MAX - 1], "room 7");
	for (i = 0; i < RELATED_MAX; i++)
		assert_int_equal(alarms_relate(&inc, 100 + i), 1);
	assert_int_equal(alarms_relate(&inc, 999), 0);
	assert_int_equal(alarms_relate(&inc, 100), 0);
	assert_int_equal(inc.nrelated, RELATED_MAX);
}

static void
test_press_text(void **state)
{
	const char *labels[] = { "crisis worker", "security",
		"emergency dispatch" };
	struct incident inc;
	struct report r;
	char called[128], text[256];

	(void)state;
	alarms_called_text(labels, 0, 0, "en", called, sizeof called);
	assert_string_equal(called, "nobody has been called yet");
	alarms_called_text(labels, 0, 1, "en", called, sizeof called);
	assert_string_equal(called, "no one could be called");
	alarms_called_text(labels, 1, 1, "en", called, sizeof called);
	assert_string_equal(called, "the crisis worker is already called");
	alarms_called_text(labels, 2, 1, "en", called, sizeof called);
	assert_string_equal(called, "the crisis worker and security are "
	    "already called");
	alarms_called_text(labels, 3, 1, "en", called, sizeof called);
	assert_string_equal(called, "the crisis worker, security and "
	    "emergency dispatch are already called");

	memset(&inc, 0, sizeof inc);
	inc.id = 9;
	inc.state = ST_ROUTED;
	strcpy(inc.r.location, "Children's area, 1st floor");
	report(&r, "desk-7", "children's area, 1st floor", "");
	alarms_called_text(labels, 1, 1, "en", called, sizeof called);
	alarms_press_text(&inc, &r, called, "", "en", text, sizeof text);
	assert_string_equal(text, "joined to incident 9 at Children's area, "
	    "1st floor: the crisis worker is already called");
	report(&r, "desk-1", "Parking garage level 2", "");
	alarms_press_text(&inc, &r, called, "crisis-1 (crisis worker)", "en",
	    text, sizeof text);
	assert_string_equal(text, "joined to incident 9 at Children's area, "
	    "1st floor: the crisis worker is already called; crisis-1 (crisis "
	    "worker) acknowledged; your location, Parking garage level 2, is "
	    "added to it");
	inc.r.location[0] = '\0';
	inc.r.drill = 1;
	report(&r, "desk-1", "", "");
	alarms_called_text(labels, 0, 0, "en", called, sizeof called);
	alarms_press_text(&inc, &r, called, NULL, "en", text, sizeof text);
	assert_string_equal(text, "joined to incident 9: nobody has been "
	    "called yet");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cancel_defaults),
		cmocka_unit_test(test_cancel_settings),
		cmocka_unit_test(test_cancel_errors),
		cmocka_unit_test(test_drill_dispatch),
		cmocka_unit_test(test_same_text),
		cmocka_unit_test(test_press_joins),
		cmocka_unit_test(test_press_full),
		cmocka_unit_test(test_press_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
