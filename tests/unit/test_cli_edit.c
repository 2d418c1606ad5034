/*
 * The beacon command line's debrief edits (debrief_edit.c), redaction
 * and the replay's sentences, linked from the beaconcli library.
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
		cmocka_unit_test(test_edit_referral),
		cmocka_unit_test(test_edit_action),
		cmocka_unit_test(test_edit_apply),
		cmocka_unit_test(test_edit_ask),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_replay_sentence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
