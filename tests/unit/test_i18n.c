/* lib/i18n.c: one language per lookup, English as the fallback (the
 * catalogs built from po/ in the build tree: BEACON_LOCALEDIR). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "i18n.h"

/* French where the catalog has it, in any order of lookups. */
static void
test_text_per_reader(void **state)
{
	char err[512];

	(void)state;
	if (i18n_check("fr", err, sizeof err) != 0)
		fail_msg("French cannot be shown here: %s", err);
	assert_string_equal(T_("fr", "received"), "reçu");
	assert_string_equal(T_("en", "received"), "received");
	assert_string_equal(T_(NULL, "received"), "received");
	assert_string_equal(T_("fr", "Acknowledge"), "Confirmer");
	assert_string_equal(T_("en", "Acknowledge"), "Acknowledge");
}

/* Plural forms: French's one covers 0 and 1. */
static void
test_plural(void **state)
{
	(void)state;
	assert_string_equal(TN_("fr", "routed: %d responder notified",
	    "routed: %d responders notified", 1),
	    "acheminé : %d intervenant·e avisé·e");
	assert_string_equal(TN_("fr", "routed: %d responder notified",
	    "routed: %d responders notified", 3),
	    "acheminé : %d intervenant·es avisé·es");
	assert_string_equal(TN_("en", "routed: %d responder notified",
	    "routed: %d responders notified", 3),
	    "routed: %d responders notified");
}

/* What no catalog has, and a language Beacon does not speak: English. */
static void
test_fallbacks(void **state)
{
	char err[512];

	(void)state;
	assert_string_equal(T_("fr", "a sentence nobody translated"),
	    "a sentence nobody translated");
	assert_string_equal(T_("de", "received"), "received");
	assert_int_equal(i18n_check("de", err, sizeof err), -1);
	assert_string_equal(err, "unknown language \"de\"");
	assert_int_equal(i18n_check("en", err, sizeof err), 0);
	assert_true(i18n_known("fr"));
	assert_false(i18n_known("fr_CA"));
	assert_int_equal(i18n_index("en"), 0);
	assert_int_equal(i18n_index("fr"), 1);
	assert_int_equal(i18n_index(NULL), -1);
}

/* The command line's reader: gettext's rules. */
static void
test_env(void **state)
{
	static const struct {
		const char *all, *messages, *lang, *language, *want;
	} cases[] = {
		{ NULL, NULL, "fr_CA.UTF-8", NULL, "fr" },
		{ NULL, NULL, "en_CA.UTF-8", NULL, "en" },
		{ NULL, "fr_FR.UTF-8", "en_CA.UTF-8", NULL, "fr" },
		{ "en_US.UTF-8", "fr_FR.UTF-8", NULL, NULL, "en" },
		{ NULL, NULL, "de_DE.UTF-8", "fr:en", "fr" },
		{ NULL, NULL, "C", "fr", "en" },	/* C ignores LANGUAGE */
		{ NULL, NULL, NULL, "fr", "en" },
		{ NULL, NULL, "de_DE.UTF-8", NULL, "en" },
		{ NULL, NULL, "C.UTF-8", "es:fr", "fr" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
#define SET(var, v) ((v) ? setenv(var, v, 1) : unsetenv(var))
		SET("LC_ALL", cases[i].all);
		SET("LC_MESSAGES", cases[i].messages);
		SET("LANG", cases[i].lang);
		SET("LANGUAGE", cases[i].language);
#undef SET
		if (strcmp(i18n_env(), cases[i].want) != 0)
			fail_msg("case %zu: %s, want %s", i, i18n_env(),
			    cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_per_reader),
		cmocka_unit_test(test_plural),
		cmocka_unit_test(test_fallbacks),
		cmocka_unit_test(test_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
