/* Routing and escalation rules (rules.c) over the fixture roster. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "rules.h"
#include "store.h"

static struct config *cf;

static int
setup(void **state)
{
	(void)state;
	cf = fixture_config("engine.conf");
	return cf != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	conf_free(cf);
	return 0;
}

static int
route_has(const struct route *rt, const char *id)
{
	size_t i;

	for (i = 0; i < rt->n; i++)
		if (strcmp(rt->who[i]->id, id) == 0)
			return 1;
	return 0;
}

static void
test_overdose_first_step(void **state)
{
	const struct conf_category *cat = conf_category(cf, "overdose");
	struct route rt;

	(void)state;
	assert_int_equal(rules_route(cf, cat->pol, "central", 1, 0, &rt), 0);
	assert_int_equal(rt.n, 3);
	assert_true(route_has(&rt, "crisis-1"));
	assert_true(route_has(&rt, "security-1"));
	assert_true(route_has(&rt, "dispatch")); /* added by life_threat */
	assert_int_equal(rt.nempty, 0);
	assert_true(rules_call_911(cf, 1));
}

static void
test_severity_two_no_dispatch(void **state)
{
	const struct conf_category *cat = conf_category(cf, "overdose");
	struct route rt;

	(void)state;
	assert_int_equal(rules_route(cf, cat->pol, "central", 2, 0, &rt), 0);
	assert_int_equal(rt.n, 2);
	assert_false(route_has(&rt, "dispatch"));
	assert_false(rules_call_911(cf, 2));
	assert_int_equal(rules_severity(cat, 0), 1);
	assert_int_equal(rules_severity(cat, 3), 3);
}

static void
test_weapon_never_crisis_first(void **state)
{
	const struct conf_category *cat = conf_category(cf, "weapon");
	struct route rt;
	size_t i;

	(void)state;
	assert_int_equal(rules_route(cf, cat->pol, "central", 1, 0, &rt), 0);
	assert_true(route_has(&rt, "security-1"));
	assert_true(route_has(&rt, "dispatch"));
	for (i = 0; i < rt.n; i++)
		assert_string_not_equal(rt.who[i]->role, "crisis_worker");
	/* Dispatch is in the step and in life_threat: notified once. */
	assert_int_equal(rt.n, 2);
}

static void
test_empty_role(void **state)
{
	const struct conf_category *cat = conf_category(cf, "welfare");
	struct route rt;

	(void)state;
	assert_int_equal(rules_route(cf, cat->pol, "annex", 3, 0, &rt), 0);
	assert_int_equal(rt.n, 0);
	assert_int_equal(rt.nempty, 1);
	assert_string_equal(rt.empty[0], "crisis_worker");
	assert_int_equal(rules_route(cf, cat->pol, "annex", 3, 2, &rt), -1);
}

static void
test_next_deadlines(void **state)
{
	const struct conf_policy *pol = conf_policy(cf, "overdose");
	int64_t due;
	int step;

	(void)state;
	/* After step 0: step 1 at +60 s. */
	assert_int_equal(rules_next(pol, 0, 1000, 1000, &due, &step), 1);
	assert_int_equal(due, 61000);
	assert_int_equal(step, 1);
	/* Step 1 is the last and repeats every 30 s from its last notice. */
	assert_int_equal(rules_next(pol, 1, 61000, 61000, &due, &step), 1);
	assert_int_equal(due, 91000);
	assert_int_equal(step, 1);
	assert_int_equal(rules_next(pol, 1, 61000, 91000, &due, &step), 1);
	assert_int_equal(due, 121000);
	/* The weapon policy's last step does not repeat: nothing more. */
	assert_int_equal(rules_next(conf_policy(cf, "weapon"), 1, 0, 0, &due,
	    &step), 0);
}

/* Repeats per role: a role's own repeat, counted from the step's start,
 * where the step gives none; the next step wins a tie. */
static void
test_role_repeats(void **state)
{
	static const char text[] =
	    "roles = ( { id = \"crisis_worker\"; label = \"crisis worker\";"
	    " repeat = 20; }, { id = \"security\"; label = \"security\"; } );"
	    "branches = ( { id = \"central\"; name = \"Central\";"
	    " timezone = \"UTC\"; } );"
	    "responders = ( { id = \"c1\"; name = \"C\";"
	    " role = \"crisis_worker\"; branches = [ \"central\" ]; },"
	    " { id = \"s1\"; name = \"S\"; role = \"security\";"
	    " branches = [ \"central\" ]; } );"
	    "policies = ( { id = \"p\"; steps = ( { after = 0; roles = ["
	    " \"crisis_worker\", \"security\" ]; }, { after = 60;"
	    " roles = [ \"security\" ]; } ); } );"
	    "categories = ( { id = \"t\"; label = \"T\"; severity = 2;"
	    " policy = \"p\"; } );";
	struct config *c = NULL;
	const struct conf_policy *pol;
	struct route rt;
	char *cause = NULL;
	int64_t due;
	int step;

	(void)state;
	if (conf_load_string(text, "roles.conf", &c, &cause) != 0)
		fail_msg("%s", cause);
	pol = conf_policy(c, "p");
	assert_int_equal(rules_route(c, pol, "central", 2, 0, &rt), 0);
	assert_int_equal(rules_next_roles(c, pol, &rt, 0, 1000, 1000, &due,
	    &step), 1);
	assert_int_equal(due, 21000);
	assert_int_equal(step, 0);
	assert_int_equal(rules_next_roles(c, pol, &rt, 0, 1000, 21000, &due,
	    &step), 1);
	assert_int_equal(due, 41000);
	/* 61 s: the third repeat and step 2 together: step 2. */
	assert_int_equal(rules_next_roles(c, pol, &rt, 0, 1000, 41000, &due,
	    &step), 1);
	assert_int_equal(due, 61000);
	assert_int_equal(step, 1);
	assert_int_equal(rules_role_repeat(c, "crisis_worker", 0, 1000, 21000),
	    1);
	assert_int_equal(rules_role_repeat(c, "crisis_worker", 0, 1000, 41000),
	    2);
	assert_int_equal(rules_role_repeat(c, "security", 0, 1000, 21000), 0);
	/* A step's own repeat wins over the role's. */
	assert_int_equal(rules_role_repeat(c, "crisis_worker", 15, 1000,
	    16000), 1);
	/* The last step, no repeat of any kind: nothing more. */
	assert_int_equal(rules_route(c, pol, "central", 2, 1, &rt), 0);
	assert_int_equal(rules_next_roles(c, pol, &rt, 1, 61000, 61000, &due,
	    &step), 0);
	conf_free(c);
}

/* The debrief's timers: reminder, then overdue to the role one up. */
static void
test_debrief_stages(void **state)
{
	struct debrief_due d;
	const char *role, *kind;

	(void)state;
	memset(&d, 0, sizeof d);
	rules_debrief_open(cf, 1000, &d);
	assert_int_equal(d.due_at, 1000 + 3600 * 1000);
	assert_int_equal(d.next_at, 1000 + 600 * 1000);
	assert_int_equal(d.stage, DEBRIEF_WAITING);
	kind = rules_debrief_fire(cf, &d, &role);
	assert_string_equal(kind, "debrief_reminder");
	assert_string_equal(role, "supervisor");
	assert_int_equal(d.next_at, d.due_at);
	kind = rules_debrief_fire(cf, &d, &role);
	assert_string_equal(kind, "debrief_overdue");
	assert_string_equal(role, "manager");
	assert_int_equal(d.next_at, -1);
	assert_null(rules_debrief_fire(cf, &d, &role));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overdose_first_step),
		cmocka_unit_test(test_severity_two_no_dispatch),
		cmocka_unit_test(test_weapon_never_crisis_first),
		cmocka_unit_test(test_empty_role),
		cmocka_unit_test(test_next_deadlines),
		cmocka_unit_test(test_role_repeats),
		cmocka_unit_test(test_debrief_stages),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
