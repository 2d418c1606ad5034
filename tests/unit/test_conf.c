/*
 * The configuration (lib/conf*.c): the shipped beacon.conf, the checks with
 * their "file:line: message" errors, the lookups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"
#include "rules.h"
#include "xmalloc.h"

static struct config *shipped;

static char *
src_path(const char *rel)
{
	const char *src = getenv("BEACON_SRC");

	return xasprintf("%s/%s", src != NULL ? src : ".", rel);
}

static int
setup(void **state)
{
	char *path = src_path("conf/beacon.conf"), *cause = NULL;
	int rc;

	(void)state;
	if ((rc = conf_load(path, &shipped, &cause)) != 0)
		fprintf(stderr, "%s", cause);
	free(cause);
	free(path);
	return rc;
}

static int
teardown(void **state)
{
	(void)state;
	conf_free(shipped);
	return 0;
}

static int
strs_has(char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
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

/* ---- the shipped file -------------------------------------------------- */

static void
test_shipped_counts(void **state)
{
	char *sum = conf_summary(shipped);
	const char *want = ": ok: 2 branches, 7 roles, 10 responders, "
	    "14 categories, 10 policies";

	(void)state;
	assert_int_equal(shipped->nbranches, 2);
	assert_int_equal(shipped->nroles, 7);
	assert_int_equal(shipped->nresponders, 10);
	assert_int_equal(shipped->ncategories, 14);
	assert_int_equal(shipped->npolicies, 10);
	assert_true(strlen(sum) > strlen(want));
	assert_string_equal(sum + strlen(sum) - strlen(want), want);
	assert_non_null(strstr(sum, "conf/beacon.conf"));
	free(sum);
}

static void
test_shipped_daemon_settings(void **state)
{
	(void)state;
	assert_string_equal(shipped->topic_prefix, "beacon");
	assert_string_equal(shipped->broker_host, "127.0.0.1");
	assert_int_equal(shipped->broker_port, 1883);
	assert_string_equal(shipped->client_id, "beacond");
	assert_string_equal(shipped->database, "/var/lib/beacon/beacon.db");
	assert_int_equal(shipped->session_expiry, 86400);
	assert_int_equal(shipped->keepalive, 30);
	assert_int_equal(shipped->life_severity, 1);
	assert_int_equal(shipped->nlife_roles, 1);
	assert_string_equal(shipped->life_roles[0], "emergency");
}

static void
test_shipped_overdose(void **state)
{
	const struct conf_category *cat = conf_category(shipped, "overdose");
	const struct conf_step *st;
	struct route rt;

	(void)state;
	assert_non_null(cat);
	assert_int_equal(cat->severity, 1);
	assert_ptr_equal(cat->pol, conf_policy(shipped, "overdose"));
	st = &cat->pol->steps[0];
	assert_int_equal(st->after, 0);
	assert_int_equal(st->nroles, 3);
	assert_true(strs_has(st->roles, st->nroles, "crisis_worker"));
	assert_true(strs_has(st->roles, st->nroles, "security"));
	assert_true(strs_has(st->roles, st->nroles, "emergency"));
	assert_int_equal(cat->pol->steps[1].after, 60);
	assert_string_equal(cat->pol->steps[1].roles[0], "supervisor");

	/* Central: the crisis worker, Central's security, dispatch. */
	assert_int_equal(rules_route(shipped, cat->pol, "central", 1, 0, &rt),
	    0);
	assert_int_equal(rt.n, 3);
	assert_true(route_has(&rt, "crisis-1"));
	assert_true(route_has(&rt, "security-1"));
	assert_true(route_has(&rt, "dispatch"));
	assert_int_equal(rt.nempty, 0);
	assert_int_equal(rules_route(shipped, cat->pol, "riverside", 1, 0,
	    &rt), 0);
	assert_int_equal(rt.n, 3);
	assert_true(route_has(&rt, "security-2"));
	assert_false(route_has(&rt, "security-1"));
}

/* Crisis workers are never the first sent to enforce rules. */
static void
test_shipped_enforcement_goes_to_security(void **state)
{
	const char *const enforce[] = { "weapon", "trespass", "disruptive",
	    "harassment", "theft" };
	const struct conf_category *cat;
	const struct conf_step *st;
	struct route rt;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof enforce / sizeof *enforce; i++) {
		cat = conf_category(shipped, enforce[i]);
		assert_non_null(cat);
		st = &cat->pol->steps[0];
		assert_false(strs_has(st->roles, st->nroles, "crisis_worker"));
		assert_true(strs_has(st->roles, st->nroles, "security"));
		assert_int_equal(rules_route(shipped, cat->pol, "central",
		    cat->severity, 0, &rt), 0);
		assert_false(route_has(&rt, "crisis-1"));
		assert_true(route_has(&rt, "security-1"));
	}
	/* A weapon is a threat to life: dispatch at once. */
	cat = conf_category(shipped, "weapon");
	assert_int_equal(rules_route(shipped, cat->pol, "central", 1, 0, &rt),
	    0);
	assert_true(route_has(&rt, "dispatch"));
}

static void
test_shipped_care_goes_to_crisis_worker(void **state)
{
	const char *const care[] = { "overdose", "mental_health", "welfare",
	    "child_safety", "medical" };
	const struct conf_category *cat;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof care / sizeof *care; i++) {
		cat = conf_category(shipped, care[i]);
		assert_non_null(cat);
		assert_true(strs_has(cat->pol->steps[0].roles,
		    cat->pol->steps[0].nroles, "crisis_worker"));
	}
}

/* Every category reaches somebody at once on every branch. */
static void
test_shipped_every_category_routes(void **state)
{
	const struct conf_category *cat;
	struct route rt;
	size_t i, j;

	(void)state;
	for (i = 0; i < shipped->ncategories; i++) {
		cat = &shipped->categories[i];
		assert_non_null(cat->pol);
		assert_true(cat->severity >= 1 && cat->severity <= 4);
		for (j = 0; j < shipped->nbranches; j++) {
			assert_int_equal(rules_route(shipped, cat->pol,
			    shipped->branches[j].id, cat->severity, 0, &rt), 0);
			assert_true(rt.n >= 1);
			assert_int_equal(rt.nempty, 0);
		}
	}
}

/* ---- lookups ----------------------------------------------------------- */

static void
test_lookups(void **state)
{
	const struct conf_branch *br;
	const struct conf_responder *rp;

	(void)state;
	assert_string_equal(conf_role(shipped, "crisis_worker")->label,
	    "crisis worker");
	assert_string_equal(conf_role(shipped, "emergency")->label,
	    "emergency dispatch");
	br = conf_branch(shipped, "riverside");
	assert_non_null(br);
	assert_string_equal(br->name, "Riverside Branch");
	assert_string_equal(br->timezone, "America/Toronto");
	rp = conf_responder(shipped, "dispatch");
	assert_non_null(rp);
	assert_string_equal(rp->role, "emergency");
	assert_string_equal(conf_category(shipped, "theft")->policy,
	    "record");
	assert_int_equal(conf_policy(shipped, "duress")->nsteps, 3);
	assert_int_equal(conf_policy(shipped, "duress")->steps[0].repeat,
	    15);

	assert_null(conf_role(shipped, "janitor"));
	assert_null(conf_branch(shipped, "nowhere"));
	assert_null(conf_responder(shipped, "crisis-9"));
	assert_null(conf_category(shipped, "Overdose"));
	assert_null(conf_policy(shipped, ""));
	assert_null(conf_branch(shipped, NULL));

	/* Lines point into the file, in file order. */
	assert_true(conf_category(shipped, "overdose")->line > 1);
	assert_true(conf_category(shipped, "theft")->line >
	    conf_category(shipped, "overdose")->line);
	assert_true(conf_policy(shipped, "overdose")->steps[1].line >=
	    conf_policy(shipped, "overdose")->steps[0].line);
}

static void
test_covers(void **state)
{
	const struct conf_responder *sup, *sec, *cw;

	(void)state;
	sup = conf_responder(shipped, "supervisor-1");
	sec = conf_responder(shipped, "security-1");
	cw = conf_responder(shipped, "crisis-1");
	assert_true(conf_covers(sup, "central"));
	assert_true(conf_covers(sup, "riverside"));
	assert_true(conf_covers(sup, "a-branch-opened-later"));
	assert_true(conf_covers(sec, "central"));
	assert_false(conf_covers(sec, "riverside"));
	assert_true(conf_covers(cw, "central"));
	assert_true(conf_covers(cw, "riverside"));
	assert_false(conf_covers(cw, "annex"));
}

/* ---- from a string ----------------------------------------------------- */

/* A valid file, one section a line, so an error's line is known. */
static const char *const base[] = {
	"beacon: { topic_prefix = \"beacon\"; };",
	"roles = ( { id = \"security\"; label = \"security\"; },"
	    " { id = \"crisis_worker\"; label = \"crisis worker\"; } );",
	"branches = ( { id = \"central\"; name = \"Central\";"
	    " timezone = \"UTC\"; } );",
	"responders = ( { id = \"sec-1\"; name = \"Security\";"
	    " role = \"security\"; branches = [ \"*\" ]; } );",
	"policies = ( { id = \"p\"; steps = ( { after = 0;"
	    " roles = [ \"security\" ]; } ); } );",
	"categories = ( { id = \"theft\"; label = \"Theft\"; severity = 4;"
	    " policy = \"p\"; } );",
};
#define NBASE (sizeof base / sizeof *base)

/* The base with line `line` (1-based) replaced; the caller frees. */
static char *
conf_text(int line, const char *repl)
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

/* Load and expect failure; returns the cause for the caller to free. */
static char *
load_bad(const char *text)
{
	struct config *cf = (struct config *)&cf;
	char *cause = NULL;

	assert_int_equal(conf_load_string(text, "bad.conf", &cf, &cause),
	    -1);
	assert_null(cf);
	assert_non_null(cause);
	return cause;
}

/* beacon: { share_group }: off by default, kept as given when set. */
static void
test_share_group(void **state)
{
	char *text, *cause = NULL;
	struct config *cf = NULL;

	(void)state;
	assert_null(shipped->share_group);
	text = conf_text(1, "beacon: { share_group = \"beacond\"; };");
	assert_int_equal(conf_load_string(text, "ok.conf", &cf, &cause), 0);
	assert_null(cause);
	assert_string_equal(cf->share_group, "beacond");
	conf_free(cf);
	free(text);
}

/* standby: { }: off without the group; with it, two different
 * instances, a lease of 2 to 60 s (5), and no shared subscriptions. */
static void
test_standby(void **state)
{
	static const struct {
		const char *group, *error;
	} bad[] = {
		{ "standby: { instance = \"a\"; };",
		    "standby: missing \"partner\"" },
		{ "standby: { instance = \"a\"; partner = \"a\"; };",
		    "partner must name the other instance" },
		{ "standby: { instance = \"a\"; partner = \"b\"; lease = 1; };",
		    "lease" },
		{ "standby: { instance = \"a\"; partner = \"b\"; wait = 1; };",
		    "unknown setting \"wait\"" },
	};
	char *text, *cause = NULL, *conf;
	struct config *cf = NULL;
	size_t i;

	(void)state;
	assert_null(shipped->standby_instance);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		text = conf_text(0, NULL);
		conf = xasprintf("%s%s\n", text, bad[i].group);
		cause = load_bad(conf);
		if (strstr(cause, bad[i].error) == NULL)
			fail_msg("%s: %s", bad[i].group, cause);
		free(cause);
		free(conf);
		free(text);
	}
	text = conf_text(1, "beacon: { share_group = \"g\"; };"
	    " standby: { instance = \"a\"; partner = \"b\"; };");
	cause = load_bad(text);
	assert_non_null(strstr(cause, "use one or the other"));
	free(cause);
	free(text);
	text = conf_text(1, "standby: { instance = \"central-a\";"
	    " partner = \"central-b\"; };");
	assert_int_equal(conf_load_string(text, "ok.conf", &cf, &cause), 0);
	assert_string_equal(cf->standby_instance, "central-a");
	assert_string_equal(cf->standby_partner, "central-b");
	assert_int_equal(cf->standby_lease, 5);
	conf_free(cf);
	free(text);
}

static void
test_string_valid(void **state)
{
	char *text = conf_text(0, NULL), *cause = NULL;
	struct config *cf = NULL;

	(void)state;
	assert_int_equal(conf_load_string(text, "ok.conf", &cf, &cause), 0);
	assert_non_null(cf);
	assert_null(cause);
	assert_string_equal(cf->path, "ok.conf");
	/* No life_threat group: severity 1 calls 911, no extra roles. */
	assert_int_equal(cf->life_severity, 1);
	assert_int_equal(cf->nlife_roles, 0);
	assert_string_equal(cf->client_id, "beacond");
	assert_int_equal(cf->keepalive, 30);
	assert_int_equal(cf->categories[0].line, 6);
	assert_int_equal(cf->policies[0].steps[0].repeat, 0);
	assert_ptr_equal(cf->categories[0].pol, &cf->policies[0]);
	/* No supervisor role: nobody is told of debriefs, nobody may ask
	 * for records; the usual referral types are there. */
	assert_null(cf->debrief_role);
	assert_int_equal(cf->nquery_roles, 0);
	assert_int_equal(cf->debrief_due, 72 * 3600);
	assert_int_equal(cf->debrief_reminder, 24 * 3600);
	assert_int_equal(cf->retention_days, 400);
	assert_true(conf_has(cf->referral_types, cf->nreferral_types,
	    "housing"));
	assert_true(conf_has(cf->notice_types, cf->nnotice_types,
	    "trespass"));
	conf_free(cf);
	free(text);
}

static void
test_shipped_debrief(void **state)
{
	(void)state;
	assert_string_equal(shipped->debrief_role, "supervisor");
	assert_string_equal(conf_role(shipped, "supervisor")->reports_to,
	    "manager");
	assert_int_equal(shipped->debrief_due, 259200);
	assert_int_equal(shipped->debrief_reminder, 86400);
	assert_true(conf_has(shipped->query_roles, shipped->nquery_roles,
	    "supervisor"));
	assert_false(conf_has(shipped->query_roles, shipped->nquery_roles,
	    "crisis_worker"));
	assert_true(conf_has(shipped->referral_types,
	    shipped->nreferral_types, "newcomer"));
	assert_false(conf_has(shipped->referral_types,
	    shipped->nreferral_types, "astrology"));
}

static void
test_string_broker(void **state)
{
	static const struct {
		const char *setting, *host;
		int port;
	} cases[] = {
		{ "broker = \"mqtt.example.org\";", "mqtt.example.org", 1883 },
		{ "broker = \"10.0.0.5:8883\";", "10.0.0.5", 8883 },
		{ "broker = \"[::1]:1884\";", "::1", 1884 },
		{ "broker = \"::1\";", "::1", 1883 },
	};
	struct config *cf;
	char *line, *text, *cause;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		line = xasprintf("beacon: { %s };", cases[i].setting);
		text = conf_text(1, line);
		cause = NULL;
		assert_int_equal(conf_load_string(text, "b.conf", &cf,
		    &cause), 0);
		assert_string_equal(cf->broker_host, cases[i].host);
		assert_int_equal(cf->broker_port, cases[i].port);
		conf_free(cf);
		free(text);
		free(line);
	}
}

static const struct {
	int line;
	const char *repl;
	const char *want;
} bad[] = {
	/* Duplicate ids, in each list. */
	{ 2, "roles = ( { id = \"security\"; label = \"a\"; },"
	    " { id = \"security\"; label = \"b\"; } );",
	    "bad.conf:2: duplicate role \"security\" (first defined on line 2)" },
	{ 4, "responders = ( { id = \"x\"; name = \"X\"; role = \"security\";"
	    " branches = [ \"*\" ]; }, { id = \"x\"; name = \"Y\";"
	    " role = \"security\"; branches = [ \"*\" ]; } );",
	    "bad.conf:4: duplicate responder \"x\"" },
	{ 6, "categories = ( { id = \"theft\"; label = \"T\"; severity = 4;"
	    " policy = \"p\"; }, { id = \"theft\"; label = \"T2\";"
	    " severity = 3; policy = \"p\"; } );",
	    "bad.conf:6: duplicate category \"theft\"" },
	/* References. */
	{ 5, "policies = ( { id = \"p\"; steps = ( { after = 0;"
	    " roles = [ \"ghost\" ]; } ); } );",
	    "bad.conf:5: policy \"p\" step 1: unknown role \"ghost\"" },
	{ 5, "policies = ( { id = \"p\"; steps = ( { after = 0;"
	    " responders = [ \"nobody\" ]; } ); } );",
	    "bad.conf:5: policy \"p\" step 1: unknown responder \"nobody\"" },
	{ 4, "responders = ( { id = \"sec-1\"; name = \"S\"; role = \"guard\";"
	    " branches = [ \"*\" ]; } );",
	    "bad.conf:4: responder \"sec-1\": unknown role \"guard\"" },
	{ 4, "responders = ( { id = \"sec-1\"; name = \"S\";"
	    " role = \"security\"; branches = [ \"central\", \"nowhere\" ]; } );",
	    "bad.conf:4: responder \"sec-1\": unknown branch \"nowhere\"" },
	{ 4, "responders = ( { id = \"sec-1\"; name = \"S\";"
	    " role = \"security\"; branches = [ ]; } );",
	    "bad.conf:4: responder \"sec-1\": branches is empty" },
	{ 6, "categories = ( { id = \"theft\"; label = \"T\"; severity = 4; } );",
	    "bad.conf:6: category \"theft\": missing \"policy\"" },
	{ 6, "categories = ( { id = \"theft\"; label = \"T\"; severity = 4;"
	    " policy = \"nope\"; } );",
	    "bad.conf:6: category \"theft\": unknown policy \"nope\"" },
	{ 1, "life_threat: { severity = 1; roles = [ \"police\" ]; };",
	    "bad.conf:1: life_threat: unknown role \"police\"" },
	/* Values and limits. */
	{ 3, "branches = ( { id = \"central\"; name = \"C\";"
	    " timezone = \"Mars/Olympus_Mons\"; } );",
	    "bad.conf:3: branch \"central\": timezone \"Mars/Olympus_Mons\" is "
	    "not a known time zone" },
	{ 3, "branches = ( { id = \"central\"; name = \"C\";"
	    " timezone = \"../../etc/passwd\"; } );",
	    "bad.conf:3: branch \"central\": timezone \"../../etc/passwd\" is "
	    "not a time zone name" },
	{ 3, "branches = ( { id = \"central library\"; name = \"C\";"
	    " timezone = \"UTC\"; } );",
	    "bad.conf:3: branch \"central library\": id \"central library\" is "
	    "not valid" },
	{ 3, "branches = ( { id = \"central\"; name = 3; timezone = \"UTC\"; } );",
	    "bad.conf:3: branch \"central\": name must be a string" },
	{ 6, "categories = ( { id = \"theft\"; label = \"T\"; severity = 9;"
	    " policy = \"p\"; } );",
	    "bad.conf:6: category \"theft\": severity must be 1 to 4, not 9" },
	{ 6, "categories = ( { id = \"theft\"; label = \"T\"; severity = \"4\";"
	    " policy = \"p\"; } );",
	    "bad.conf:6: category \"theft\": severity must be a whole number" },
	{ 6, "categories = ( { label = \"T\"; severity = 4; policy = \"p\"; } );",
	    "bad.conf:6: categories[0]: missing \"id\"" },
	{ 6, "categories = ( { id = \"theft\"; label = \"T\"; sevrity = 4;"
	    " policy = \"p\"; } );",
	    "bad.conf:6: category \"theft\": unknown setting \"sevrity\"" },
	{ 5, "policies = ( { id = \"p\"; steps = ( { after = -1;"
	    " roles = [ \"security\" ]; } ); } );",
	    "bad.conf:5: policy \"p\" step 1: after must be 0 to 86400, not -1" },
	{ 5, "policies = ( { id = \"p\"; steps = ( { after = 0; repeat = -5;"
	    " roles = [ \"security\" ]; } ); } );",
	    "bad.conf:5: policy \"p\" step 1: repeat must be 0 to 86400, not -5" },
	{ 5, "policies = ( { id = \"p\"; steps = ( { after = 0;"
	    " roles = [ \"security\" ]; }, { after = 60; } ); } );",
	    "bad.conf:5: policy \"p\" step 2: nobody to notify" },
	{ 5, "policies = ( { id = \"p\"; steps = ( ); } );",
	    "bad.conf:5: policy \"p\": has no steps" },
	{ 5, "policies = ( { id = \"p\"; steps = ( { after = 0;"
	    " roles = \"security\"; } ); } );",
	    "bad.conf:5: policy \"p\" step 1: roles must be a list of strings" },
	{ 1, "beacon: { broker = \"localhost:70000\"; };",
	    "bad.conf:1: beacon: broker \"localhost:70000\" has a bad port" },
	{ 1, "beacon: { broker = \"localhost:\"; };",
	    "bad.conf:1: beacon: broker \"localhost:\" has a bad port" },
	{ 1, "beacon: { topic_prefix = \"beacon/#\"; };",
	    "bad.conf:1: beacon: topic_prefix \"beacon/#\" must not contain" },
	{ 1, "beacon: { topic_prefix = \"/beacon\"; };",
	    "bad.conf:1: beacon: topic_prefix \"/beacon\" must not start" },
	{ 1, "beacon: { keepalive = 1; };",
	    "bad.conf:1: beacon: keepalive must be 5 to 3600, not 1" },
	{ 1, "beacon: { session_expiry = -1; };",
	    "bad.conf:1: beacon: session_expiry must be 0 to" },
	{ 1, "beacon: { share_group = \"a/b\"; };",
	    "bad.conf:1: beacon: share_group \"a/b\" must not contain '/'" },
	{ 1, "beacon: { share_group = \"beacond+\"; };",
	    "bad.conf:1: beacon: share_group \"beacond+\" must not contain" },
	{ 1, "beacon: { share_group = \"#\"; };",
	    "bad.conf:1: beacon: share_group \"#\" must not contain" },
	{ 1, "beacon: { share_group = \"\"; };",
	    "bad.conf:1: beacon: share_group \"\" must be 1 to 64" },
	{ 1, "beacon: { colour = \"red\"; };",
	    "bad.conf:1: beacon: unknown setting \"colour\"" },
	{ 1, "respnders = ( );", "bad.conf:1: unknown setting \"respnders\"" },
	/* Nothing at all. */
	{ 3, "branches = ( );", "bad.conf:3: no branches defined" },
	{ 6, "", "bad.conf:1: no categories defined" },
	{ 2, "", "bad.conf:1: no roles defined" },
	{ 3, "branches = { id = \"central\"; };",
	    "bad.conf:3: branches must be a list of groups" },
	/* Required roles, repeats per role, reminders. */
	{ 6, "categories = ( { id = \"theft\"; label = \"T\"; severity = 4;"
	    " policy = \"p\"; require = [ \"guard\" ]; } );",
	    "bad.conf:6: category \"theft\": unknown role \"guard\"" },
	{ 6, "categories = ( { id = \"theft\"; label = \"T\"; severity = 4;"
	    " policy = \"p\"; require = [ \"crisis_worker\" ]; } );",
	    "bad.conf:6: category \"theft\": requires role \"crisis_worker\" "
	    "but policy \"p\" never notifies it" },
	{ 2, "roles = ( { id = \"security\"; label = \"s\"; repeat = -1; },"
	    " { id = \"crisis_worker\"; label = \"c\"; } );",
	    "bad.conf:2: role \"security\": repeat must be 0 to 86400, not -1" },
	{ 1, "reminders: { on_scene = 90000; };",
	    "bad.conf:1: reminders: on_scene must be 0 to 86400, not 90000" },
	{ 1, "reminders: { escalte = 600; };",
	    "bad.conf:1: reminders: unknown setting \"escalte\"" },
	/* Devices, the push service and the report page's buttons. */
	{ 1, "devices: { offline = 0; };",
	    "bad.conf:1: devices: offline must be 1 to 86400, not 0" },
	{ 1, "push: { url = \"ftp://x\"; };",
	    "bad.conf:1: push: url must start with http://" },
	{ 1, "push: { url = \"http://\"; };",
	    "bad.conf:1: push: url has no host" },
	/* Neither the URL (its path or query may be a secret) nor the token
	 * is repeated: a reload's errors are logged. */
	{ 1, "push: { url = \"https://h/t?auth=s3cret x\"; };",
	    "bad.conf:1: push: url must not contain spaces" },
	{ 1, "push: { url = \"https://h/\"; token = \"\"; };",
	    "bad.conf:1: push: token must not be empty" },
	{ 3, "branches = ( { id = \"central\"; name = \"Central\";"
	    " timezone = \"UTC\"; buttons = [ \"ghost\" ]; } );",
	    "bad.conf:3: branch \"central\": buttons: unknown category "
	    "\"ghost\"" },
	/* Debriefs and records. */
	{ 1, "debrief: { role = \"ghost\"; };",
	    "bad.conf:1: debrief: unknown role \"ghost\"" },
	{ 1, "debrief: { role = \"security\"; due = 60; reminder = 60; };",
	    "bad.conf:1: debrief: reminder (60 s) must come before due (60 s)" },
	{ 1, "debrief: { due = 0; };",
	    "bad.conf:1: debrief: due must be 1 to" },
	{ 1, "debrief: { referral_types = [ \"a b\" ]; };",
	    "bad.conf:1: debrief: \"a b\" is not valid" },
	{ 1, "records: { query_roles = [ \"ghost\" ]; };",
	    "bad.conf:1: records: unknown role \"ghost\"" },
	{ 1, "records: { retention_days = -1; };",
	    "bad.conf:1: records: retention_days must be 0 to" },
	{ 2, "roles = ( { id = \"security\"; label = \"security\";"
	    " reports_to = \"ghost\"; } );",
	    "bad.conf:2: role \"security\": unknown role \"ghost\"" },
	{ 2, "roles = ( { id = \"security\"; label = \"security\";"
	    " reports_to = \"security\"; } );",
	    "bad.conf:2: role \"security\": reports_to names the role itself" },
	/* libconfig's own errors carry the line too. */
	{ 5, "policies = ( { id = \"p\"; steps = ) ;",
	    "bad.conf:5: syntax error" },
};

static void
test_string_errors(void **state)
{
	char *text, *cause;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		text = conf_text(bad[i].line, bad[i].repl);
		cause = load_bad(text);
		if (strstr(cause, bad[i].want) == NULL)
			fail_msg("case %zu: want \"%s\", got:\n%s", i,
			    bad[i].want, cause);
		/* Every line of the cause is "file:line: message". */
		assert_int_equal(strncmp(cause, "bad.conf:", 9), 0);
		assert_int_equal(cause[strlen(cause) - 1], '\n');
		free(cause);
		free(text);
	}
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* Every error is reported, in line order, not only the first. */
static void
test_string_all_errors(void **state)
{
	char *text, *cause;
	const char *a, *b, *c, *d, *e;

	(void)state;
	/* The severity error on line 6 is found while reading, before the
	 * references on line 5 are checked: it must still come after. */
	text = xasprintf("beacon: { keepalive = 0; };\n%s\n%s\n%s\n"
	    "policies = ( { id = \"p\"; steps = ( { after = 0;"
	    " roles = [ \"ghost\" ]; } ); } );\n"
	    "categories = ( { id = \"theft\"; label = \"T\"; severity = 4;"
	    " policy = \"q\"; }, { id = \"theft\"; label = \"T\";"
	    " severity = 9; policy = \"p\"; } );\n", base[1], base[2], base[3]);
	cause = load_bad(text);
	a = strstr(cause, "bad.conf:1: beacon: keepalive must be 5 to 3600");
	b = strstr(cause, "bad.conf:5: policy \"p\" step 1: unknown role "
	    "\"ghost\"");
	c = strstr(cause, "bad.conf:6: category \"theft\": unknown policy "
	    "\"q\"");
	d = strstr(cause, "bad.conf:6: duplicate category \"theft\"");
	e = strstr(cause, "bad.conf:6: category \"theft\": severity must be "
	    "1 to 4, not 9");
	if (a == NULL || b == NULL || c == NULL || d == NULL || e == NULL)
		fail_msg("missing an error in:\n%s", cause);
	assert_true(a < b && b < c && b < d && b < e);
	assert_int_equal(count_lines(cause), 5);
	free(cause);
	free(text);
}

/* ---- from a file ------------------------------------------------------- */

static void
test_file_errors(void **state)
{
	char *path = src_path("tests/unit/conf/bad-references.conf");
	struct config *cf;
	char *cause = NULL, *want;

	(void)state;
	assert_int_equal(conf_load(path, &cf, &cause), -1);
	assert_null(cf);
	want = xasprintf("%s:15: responder \"crisis-1\": unknown branch "
	    "\"eastside\"", path);
	if (strstr(cause, want) == NULL)
		fail_msg("want \"%s\", got:\n%s", want, cause);
	free(want);
	want = xasprintf("%s:22: policy \"overdose\" step 2: unknown role "
	    "\"supervisors\"", path);
	if (strstr(cause, want) == NULL)
		fail_msg("want \"%s\", got:\n%s", want, cause);
	free(want);
	want = xasprintf("%s:27: category \"weapon\": unknown policy "
	    "\"weapons\"", path);
	if (strstr(cause, want) == NULL)
		fail_msg("want \"%s\", got:\n%s", want, cause);
	free(want);
	assert_int_equal(count_lines(cause), 3);
	free(cause);
	free(path);
}

static void
test_file_missing(void **state)
{
	struct config *cf;
	char *cause = NULL;

	(void)state;
	assert_int_equal(conf_load("/nonexistent/beacon.conf", &cf, &cause),
	    -1);
	assert_null(cf);
	assert_non_null(strstr(cause, "/nonexistent/beacon.conf: cannot open"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_counts),
		cmocka_unit_test(test_shipped_daemon_settings),
		cmocka_unit_test(test_shipped_overdose),
		cmocka_unit_test(test_shipped_enforcement_goes_to_security),
		cmocka_unit_test(test_shipped_care_goes_to_crisis_worker),
		cmocka_unit_test(test_shipped_every_category_routes),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_covers),
		cmocka_unit_test(test_string_valid),
		cmocka_unit_test(test_share_group),
		cmocka_unit_test(test_standby),
		cmocka_unit_test(test_shipped_debrief),
		cmocka_unit_test(test_string_broker),
		cmocka_unit_test(test_string_errors),
		cmocka_unit_test(test_string_all_errors),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_file_missing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
