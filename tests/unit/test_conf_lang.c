/* beacon.conf's languages (lib/conf_lang.c, docs/translation.md): a
 * branch's and a responder's language, labels per language with their
 * fallback to English, the warnings of --check-config and the refusal of
 * a language Beacon does not speak, each at its file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"
#include "xmalloc.h"

/* A valid file, one section a line, so a message's line is known. */
static const char *const base[] = {
	"roles = ( { id = \"security\"; label = \"security\";"
	    " labels = { fr = \"sécurité\"; }; },"
	    " { id = \"crisis_worker\"; label = \"crisis worker\"; } );",
	"branches = ( { id = \"central\"; name = \"Central\";"
	    " timezone = \"UTC\"; language = \"fr\"; },",
	"  { id = \"east\"; name = \"East\"; timezone = \"UTC\"; } );",
	"responders = ( { id = \"sec-1\"; name = \"Security\";"
	    " role = \"security\"; branches = [ \"*\" ]; },",
	"  { id = \"cw-1\"; name = \"Crisis\"; role = \"crisis_worker\";"
	    " branches = [ \"*\" ]; language = \"en\"; } );",
	"policies = ( { id = \"p\"; steps = ( { after = 0;"
	    " roles = [ \"security\" ]; } ); } );",
	"categories = ( { id = \"theft\"; label = \"Theft\"; severity = 4;"
	    " policy = \"p\"; labels = { fr = \"Vol\"; }; },",
	"  { id = \"welfare\"; label = \"Welfare check\"; severity = 3;"
	    " policy = \"p\"; } );",
};
#define NBASE (sizeof base / sizeof *base)

/* The base with line `line` (1-based) replaced (0: none); caller frees. */
static char *
text_with(int line, const char *repl)
{
	char *text = xstrdup(""), *next;
	size_t i;

	for (i = 0; i < NBASE; i++) {
		next = xasprintf("%s%s\n", text, (int)i + 1 == line ? repl :
		    base[i]);
		free(text);
		text = next;
	}
	return text;
}

static struct config *
load_ok(const char *text)
{
	struct config *cf = NULL;
	char *cause = NULL;

	if (conf_load_string(text, "lang.conf", &cf, &cause) != 0)
		fail_msg("did not load:\n%s", cause);
	return cf;
}

static void
want_in(const char *all, const char *want)
{
	if (all == NULL || strstr(all, want) == NULL)
		fail_msg("want \"%s\", got:\n%s", want, all ? all : "(none)");
}

/* Labels: the language's own, else English; unknown languages too. */
static void
test_labels_fall_back(void **state)
{
	char *text = text_with(0, NULL);
	struct config *cf = load_ok(text);
	const struct conf_category *theft = conf_category(cf, "theft");
	const struct conf_category *welfare = conf_category(cf, "welfare");

	(void)state;
	assert_string_equal(conf_category_label(theft, "fr"), "Vol");
	assert_string_equal(conf_category_label(theft, "en"), "Theft");
	assert_string_equal(conf_category_label(theft, NULL), "Theft");
	assert_string_equal(conf_category_label(welfare, "fr"),
	    "Welfare check");
	assert_string_equal(conf_role_label(conf_role(cf, "security"), "fr"),
	    "sécurité");
	assert_string_equal(conf_role_label(conf_role(cf, "crisis_worker"),
	    "fr"), "crisis worker");
	conf_free(cf);
	free(text);
}

/* Who reads what: the branch's language, English when unset; a
 * responder's own, else the incident branch's. */
static void
test_readers(void **state)
{
	char *text = text_with(0, NULL);
	struct config *cf = load_ok(text);

	(void)state;
	assert_string_equal(conf_branch_lang(cf, "central"), "fr");
	assert_string_equal(conf_branch_lang(cf, "east"), "en");
	assert_null(conf_branch(cf, "east")->language);
	assert_string_equal(conf_branch_lang(cf, "gone"), "en");
	assert_string_equal(conf_responder_lang(cf, "sec-1", "central"), "fr");
	assert_string_equal(conf_responder_lang(cf, "sec-1", "east"), "en");
	assert_string_equal(conf_responder_lang(cf, "cw-1", "central"), "en");
	conf_free(cf);
	free(text);
}

/* A language in use warns, at its line, of every label it lacks. */
static void
test_missing_label_warns(void **state)
{
	char *text = text_with(0, NULL);
	struct config *cf = load_ok(text);

	(void)state;
	want_in(cf->warnings, "lang.conf:8: warning: category \"welfare\" has "
	    "no \"fr\" label: its \"fr\" readers see \"Welfare check\"");
	want_in(cf->warnings, "lang.conf:1: warning: role \"crisis_worker\" "
	    "has no \"fr\" label");
	assert_null(strstr(cf->warnings, "\"theft\""));
	assert_null(strstr(cf->warnings, "\"security\""));
	conf_free(cf);
	free(text);
}

/* No language but English in use: nothing to warn about. */
static void
test_english_only_is_quiet(void **state)
{
	char *text = text_with(2, "branches = ( { id = \"central\"; name = "
	    "\"Central\"; timezone = \"UTC\"; },");
	struct config *cf = load_ok(text);

	(void)state;
	assert_null(cf->warnings);
	conf_free(cf);
	free(text);
}

static char *
load_bad(const char *text)
{
	struct config *cf = (struct config *)&cf;
	char *cause = NULL;

	assert_int_equal(conf_load_string(text, "lang.conf", &cf, &cause), -1);
	assert_null(cf);
	return cause;
}

/* A language Beacon does not speak is refused at its file:line, for a
 * branch, a responder and a label alike. */
static void
test_unknown_language_refused(void **state)
{
	char *text, *cause;

	(void)state;
	text = text_with(3, "  { id = \"east\"; name = \"East\"; timezone = "
	    "\"UTC\"; language = \"de\"; } );");
	cause = load_bad(text);
	want_in(cause, "lang.conf:3: branch \"east\": language \"de\" is not "
	    "a language Beacon speaks (\"en\" or \"fr\")");
	free(cause);
	free(text);
	text = text_with(5, "  { id = \"cw-1\"; name = \"Crisis\"; role = "
	    "\"crisis_worker\"; branches = [ \"*\" ]; language = \"fr_CA\"; "
	    "} );");
	cause = load_bad(text);
	want_in(cause, "lang.conf:5: responder \"cw-1\": language \"fr_CA\" "
	    "is not a language Beacon speaks");
	free(cause);
	free(text);
	text = text_with(8, "  { id = \"welfare\"; label = \"Welfare check\";"
	    " severity = 3; policy = \"p\";\n  labels = { es = \"Bienestar\";"
	    " }; } );");
	cause = load_bad(text);
	want_in(cause, "lang.conf:9: category \"welfare\": labels: unknown "
	    "language \"es\"");
	free(cause);
	free(text);
	text = text_with(8, "  { id = \"welfare\"; label = \"Welfare check\";"
	    " severity = 3; policy = \"p\"; labels = { en = \"x\"; }; } );");
	cause = load_bad(text);
	want_in(cause, "lang.conf:8: category \"welfare\": labels: the "
	    "English label is label itself");
	free(cause);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels_fall_back),
		cmocka_unit_test(test_readers),
		cmocka_unit_test(test_missing_label_warns),
		cmocka_unit_test(test_english_only_is_quiet),
		cmocka_unit_test(test_unknown_language_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
