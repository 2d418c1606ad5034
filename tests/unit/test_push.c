/* What the push notifier sends (msg.c, "push"): ntfy's JSON publish format
 * built from the notifications beacond publishes; and the engine's side
 * (engine.c): notifications reach the push hook only once committed, and
 * an outcome is appended to the timeline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "clock.h"
#include "conf.h"
#include "engine.h"
#include "fixture.h"
#include "msg.h"
#include "store.h"

static void
overdose(struct incident *inc)
{
	memset(inc, 0, sizeof *inc);
	inc->id = 7;
	strcpy(inc->branch, "central");
	strcpy(inc->r.id, "cli-1");
	strcpy(inc->r.type, "overdose");
	inc->r.severity = 1;
	strcpy(inc->r.location, "2nd floor washroom");
	strcpy(inc->r.note, "unresponsive, breathing");
	inc->call_911 = 1;
}

/* The notification beacond publishes, as a push_note. */
static void
note_of(const struct incident *inc, int step, int repeat,
    struct push_note *pn)
{
	struct notify n = { inc, "Suspected overdose", "crisis_worker", step,
		repeat, 1795860000000, NULL, NULL, NULL };
	char *p = msg_notify_encode(&n), err[256];

	assert_int_equal(msg_push_decode(p, strlen(p), pn, err, sizeof err),
	    MSG_OK);
	free(p);
}

/* The request body, parsed back. */
static json_t *
encode(const struct push_note *pn, const char *place, const char *url)
{
	struct push_links l = { url, NULL, NULL };
	char *s = msg_push_encode(pn, "crisis-1", place, url ? &l : NULL);
	json_t *o = json_loads(s, 0, NULL);

	assert_non_null(o);
	free(s);
	return o;
}

static const char *
str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

/* The tags as one string, "a,b". */
static void
tags(json_t *o, char *buf, size_t len)
{
	json_t *a = json_object_get(o, "tags"), *v;
	size_t i;

	buf[0] = '\0';
	assert_true(json_is_array(a));
	json_array_foreach(a, i, v) {
		if (i > 0)
			strncat(buf, ",", len - strlen(buf) - 1);
		strncat(buf, json_string_value(v), len - strlen(buf) - 1);
	}
}

static void
test_priority(void **state)
{
	struct push_note pn;
	int sev;

	(void)state;
	memset(&pn, 0, sizeof pn);
	strcpy(pn.kind, "incident");
	for (sev = 1; sev <= 4; sev++) {
		pn.severity = sev;
		assert_int_equal(msg_push_priority(&pn), 6 - sev);
	}
	pn.severity = 0;
	assert_int_equal(msg_push_priority(&pn), 3);
	strcpy(pn.kind, "debrief_overdue");
	assert_int_equal(msg_push_priority(&pn), 4);
	strcpy(pn.kind, "debrief_due");
	assert_int_equal(msg_push_priority(&pn), 3);
	strcpy(pn.kind, "something_new");
	pn.severity = 2;
	assert_int_equal(msg_push_priority(&pn), 4);
}

static void
test_incident(void **state)
{
	struct incident inc;
	struct push_note pn;
	char t[128];
	json_t *o;

	(void)state;
	overdose(&inc);
	note_of(&inc, 0, 0, &pn);
	assert_int_equal(pn.incident, 7);
	assert_int_equal(pn.step, 0);
	o = encode(&pn, "Central Library", NULL);
	assert_string_equal(str(o, "topic"), "crisis-1");
	assert_string_equal(str(o, "title"),
	    "Suspected overdose at Central Library");
	assert_int_equal(json_integer_value(json_object_get(o, "priority")),
	    5);
	tags(o, t, sizeof t);
	assert_string_equal(t, "rotating_light");
	assert_string_equal(str(o, "message"),
	    "Threat to life: branch staff have been told to CALL 911.\n"
	    "Where: 2nd floor washroom\n"
	    "Note: unresponsive, breathing\n"
	    "Incident 7, severity 1.");
	/* No URL to open: neither a click action nor buttons. */
	assert_null(json_object_get(o, "click"));
	assert_null(json_object_get(o, "actions"));
	json_decref(o);

	/* Presses joined to it added a place and a note; another incident
	 * may be related: all of it is in the text. */
	inc.nlocations = inc.nnotes = 2;
	strcpy(inc.locations[0], inc.r.location);
	strcpy(inc.locations[1], "stairwell B");
	strcpy(inc.notes[0], inc.r.note);
	strcpy(inc.notes[1], "second person with him");
	inc.related[inc.nrelated++] = 9;
	note_of(&inc, 0, 0, &pn);
	o = encode(&pn, "Central Library", NULL);
	assert_string_equal(str(o, "message"),
	    "Threat to life: branch staff have been told to CALL 911.\n"
	    "Where: 2nd floor washroom\n"
	    "Note: unresponsive, breathing\n"
	    "Also at: stairwell B\n"
	    "Note: second person with him\n"
	    "May be related to incident 9: the same category, reported from "
	    "another place.\n"
	    "Incident 7, severity 1.");
	json_decref(o);
}

static void
test_drill_silent(void **state)
{
	struct incident inc;
	struct push_note pn;
	char t[128];
	json_t *o;

	(void)state;
	overdose(&inc);
	inc.r.drill = 1;
	inc.r.silent = 1;
	inc.r.severity = 2;
	inc.call_911 = 0;
	note_of(&inc, 0, 0, &pn);
	o = encode(&pn, "Central Library", NULL);
	assert_string_equal(str(o, "title"),
	    "DRILL: Suspected overdose at Central Library");
	assert_int_equal(json_integer_value(json_object_get(o, "priority")),
	    4);
	tags(o, t, sizeof t);
	assert_string_equal(t, "warning,drill,silent");
	assert_non_null(strstr(str(o, "message"),
	    "DRILL: this is an exercise.\n"
	    "Silent alarm: do not call the reporting desk back; approach "
	    "discreetly.\n"));
	assert_null(strstr(str(o, "message"), "911"));
	json_decref(o);
}

/* A drill of a threat to life: what a real one would need, never CALL 911. */
static void
test_drill_911(void **state)
{
	struct incident inc;
	struct push_note pn;
	json_t *o;

	(void)state;
	overdose(&inc);
	inc.r.drill = 1;
	note_of(&inc, 0, 0, &pn);
	assert_false(pn.call_911);
	assert_true(pn.would_call_911);
	o = encode(&pn, "Central Library", NULL);
	assert_non_null(strstr(str(o, "message"),
	    "DRILL: this is an exercise.\n"
	    "DRILL: in a real event branch staff would be told to call 911 "
	    "now.\n"));
	assert_null(strstr(str(o, "message"), "CALL 911"));
	json_decref(o);
}

static void
test_escalated_repeated(void **state)
{
	struct incident inc;
	struct push_note pn;
	json_t *o;

	(void)state;
	overdose(&inc);
	note_of(&inc, 1, 0, &pn);
	o = encode(&pn, NULL, NULL);
	/* Without a branch name, the branch id. */
	assert_string_equal(str(o, "title"), "Suspected overdose at central");
	assert_non_null(strstr(str(o, "message"),
	    "Escalated to step 2: nobody acknowledged in time."));
	json_decref(o);
	note_of(&inc, 1, 3, &pn);
	o = encode(&pn, NULL, NULL);
	assert_non_null(strstr(str(o, "message"),
	    "Reminder 3: nobody has acknowledged yet."));
	assert_null(strstr(str(o, "message"), "Escalated"));
	json_decref(o);
}

static void
test_debrief_notice(void **state)
{
	struct incident inc;
	struct push_note pn;
	char *p, err[256], t[128];
	json_t *o;

	(void)state;
	overdose(&inc);
	p = msg_debrief_notice_encode(&inc, "debrief_due",
	    "Suspected overdose", 1796119200000, "debrief due for incident 7 "
	    "by 2026-11-25T10:00:00.000Z", NULL, 1795860000000);
	assert_int_equal(msg_push_decode(p, strlen(p), &pn, err, sizeof err),
	    MSG_OK);
	free(p);
	assert_int_equal(pn.incident, 7);
	assert_int_equal(pn.step, -1);
	o = encode(&pn, "Central Library", NULL);
	assert_string_equal(str(o, "title"),
	    "Debrief due: Suspected overdose at Central Library");
	assert_int_equal(json_integer_value(json_object_get(o, "priority")),
	    3);
	tags(o, t, sizeof t);
	assert_string_equal(t, "clipboard");
	assert_string_equal(str(o, "message"), "debrief due for incident 7 by "
	    "2026-11-25T10:00:00.000Z\nIncident 7.");
	json_decref(o);
}

static void
test_url(void **state)
{
	struct incident inc;
	struct push_note pn;
	json_t *o, *a;

	(void)state;
	overdose(&inc);
	note_of(&inc, 0, 0, &pn);
	o = encode(&pn, "Central Library", "https://beacon.example.org/i/7");
	assert_string_equal(str(o, "click"), "https://beacon.example.org/i/7");
	a = json_array_get(json_object_get(o, "actions"), 0);
	assert_non_null(a);
	assert_string_equal(str(a, "action"), "view");
	assert_string_equal(str(a, "label"), "Open");
	assert_string_equal(str(a, "url"), "https://beacon.example.org/i/7");
	assert_int_equal(json_array_size(json_object_get(o, "actions")), 1);
	json_decref(o);
}

static void
test_decode_errors(void **state)
{
	static const char device[] = "{\"kind\":\"device_offline\","
	    "\"branch\":\"central\",\"device\":\"desk-3\",\"message\":"
	    "\"desk-3 is offline\"}";
	struct push_note pn;
	char err[256];

	(void)state;
	assert_int_equal(msg_push_decode("nope", 4, &pn, err, sizeof err),
	    MSG_NOID);
	assert_int_equal(msg_push_decode("{\"incident\":\"7\"}", 16, &pn, err,
	    sizeof err), MSG_BAD);
	assert_non_null(strstr(err, "incident"));
	/* A notice beacond does not know yet is still pushed. */
	assert_int_equal(msg_push_decode(device, sizeof device - 1, &pn, err,
	    sizeof err), MSG_OK);
	assert_string_equal(pn.device, "desk-3");
	assert_int_equal(pn.incident, 0);
}

/* ---- the engine's hook ----------------------------------------------- */

struct hooked {
	struct store *st;
	char who[8][ID_MAX + 1];
	int64_t incident[8];
	int n;
	int committed; /* every push came after the commit */
};

static void
no_publish(void *arg, const char *topic, const char *payload, size_t len,
    int retain, const void *corr, size_t corrlen, int64_t tag)
{
	(void)arg, (void)topic, (void)payload, (void)len, (void)retain;
	(void)corr, (void)corrlen, (void)tag;
}

static void
hook(void *arg, const char *responder, const char *payload)
{
	struct hooked *h = arg;
	struct push_note pn;
	char err[256];

	assert_true(h->n < 8);
	h->committed &= !store_in_txn(h->st);
	assert_int_equal(msg_push_decode(payload, strlen(payload), &pn, err,
	    sizeof err), MSG_OK);
	snprintf(h->who[h->n], sizeof h->who[h->n], "%s", responder);
	h->incident[h->n++] = pn.incident;
}

static int
pushed_event(const struct event *ev, void *arg)
{
	struct event *out = arg;

	if (strcmp(ev->kind, "pushed") == 0)
		*out = *ev;
	return 0;
}

static void
test_engine_hook(void **state)
{
	static const char report[] = "{\"id\":\"od-1\",\"type\":\"overdose\"}";
	static const char report2[] = "{\"id\":\"od-2\",\"type\":\"overdose\"}";
	struct hooked h = { .committed = 1 };
	struct config *cf;
	struct engine *e;
	struct event ev;
	char *cause = NULL;

	(void)state;
	assert_non_null(cf = fixture_config("engine.conf"));
	assert_non_null(h.st = store_open(":memory:", 0, &cause));
	clock_set(1795000000000LL);
	e = engine_new(cf, h.st, no_publish, NULL, NULL);
	engine_set_push(e, hook, &h);

	engine_message(e, "beacon/report/central", report, sizeof report - 1);
	assert_int_equal(h.n, 0);	/* nothing before the commit */
	assert_int_equal(engine_flush(e), 0);
	assert_int_equal(h.n, 3);	/* notifications only */
	assert_true(h.committed);
	assert_string_equal(h.who[0], "crisis-1");
	assert_int_equal(h.incident[0], 1);

	/* An outcome joins this turn's transaction. */
	assert_int_equal(engine_append(e, 1, "pushed", "crisis-1", 0,
	    "POST to ntfy.example.org: 200 OK after 1 attempt"), 0);
	assert_true(store_in_txn(h.st));
	assert_int_equal(engine_flush(e), 0);
	memset(&ev, 0, sizeof ev);
	assert_int_equal(store_timeline(h.st, 1, pushed_event, &ev), 0);
	assert_string_equal(ev.actor, "crisis-1");
	assert_int_equal(ev.step, 0);
	assert_string_equal(ev.detail,
	    "POST to ntfy.example.org: 200 OK after 1 attempt");
	/* An incident that is not there is refused, not invented. */
	assert_int_equal(engine_append(e, 99, "pushed", "crisis-1", 0, ""),
	    -1);
	engine_flush(e);

	/* No hook, no push; the notifications themselves still go out. */
	engine_set_push(e, NULL, NULL);
	engine_message(e, "beacon/report/central", report2,
	    sizeof report2 - 1);
	assert_int_equal(engine_flush(e), 0);
	assert_int_equal(h.n, 3);
	assert_int_equal(store_was_notified(h.st, 2, "crisis-1"), 1);
	engine_free(e);
	store_close(h.st);
	conf_free(cf);
	clock_set(-1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_priority),
		cmocka_unit_test(test_incident),
		cmocka_unit_test(test_drill_silent),
		cmocka_unit_test(test_drill_911),
		cmocka_unit_test(test_escalated_repeated),
		cmocka_unit_test(test_debrief_notice),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_engine_hook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
