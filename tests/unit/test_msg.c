/* Payload decoding and encoding (msg.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "msg.h"

static int
decode(const char *json, struct report *r, char *err)
{
	return msg_report_decode(json, strlen(json), r, err, 256);
}

static void
test_report_full(void **state)
{
	struct report r;
	char err[256];

	(void)state;
	assert_int_equal(decode("{\"id\":\"a-1\",\"type\":\"overdose\","
	    "\"severity\":2,\"location\":\"2nd floor\",\"device\":\"desk-3\","
	    "\"reporter\":\"clerk\",\"note\":\"n\",\"silent\":true,"
	    "\"drill\":true,\"future\":[1,2]}", &r, err), MSG_OK);
	assert_string_equal(r.id, "a-1");
	assert_string_equal(r.type, "overdose");
	assert_int_equal(r.severity, 2);
	assert_string_equal(r.location, "2nd floor");
	assert_string_equal(r.device, "desk-3");
	assert_true(r.silent);
	assert_true(r.drill);
}

static void
test_report_minimal(void **state)
{
	struct report r;
	char err[256];

	(void)state;
	assert_int_equal(decode("{\"id\":\"x\",\"type\":\"fire\"}", &r, err),
	    MSG_OK);
	assert_int_equal(r.severity, 0);
	assert_false(r.silent);
	assert_string_equal(r.location, "");
}

/* Each bad payload and the words its error must contain. */
static void
test_report_errors(void **state)
{
	static const struct {
		const char *json;
		int rc;
		const char *words;
	} cases[] = {
		{ "not json", MSG_NOID, "not valid JSON" },
		{ "[1,2]", MSG_NOID, "JSON object" },
		{ "{\"type\":\"fire\"}", MSG_NOID, "id" },
		{ "{\"id\":5,\"type\":\"fire\"}", MSG_NOID, "id" },
		{ "{\"id\":\"a b\",\"type\":\"fire\"}", MSG_NOID, "id" },
		{ "{\"id\":\"a\"}", MSG_BAD, "type: required" },
		{ "{\"id\":\"a\",\"type\":\"\"}", MSG_BAD, "type" },
		{ "{\"id\":\"a\",\"type\":3}", MSG_BAD, "type: must be a string" },
		{ "{\"id\":\"a\",\"type\":\"f\",\"severity\":9}", MSG_BAD,
		    "severity: must be 1 to 4" },
		{ "{\"id\":\"a\",\"type\":\"f\",\"severity\":\"1\"}", MSG_BAD,
		    "severity: must be an integer" },
		{ "{\"id\":\"a\",\"type\":\"f\",\"location\":7}", MSG_BAD,
		    "location" },
		{ "{\"id\":\"a\",\"type\":\"f\",\"silent\":\"yes\"}", MSG_BAD,
		    "silent" },
	};
	struct report r;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		err[0] = '\0';
		assert_int_equal(decode(cases[i].json, &r, err), cases[i].rc);
		if (strstr(err, cases[i].words) == NULL)
			fail_msg("%s: error \"%s\" lacks \"%s\"", cases[i].json,
			    err, cases[i].words);
	}
	/* A usable id is kept for the rejection. */
	decode("{\"id\":\"keep\",\"type\":\"f\",\"severity\":0}", &r, err);
	assert_string_equal(r.id, "keep");
}

static void
test_report_limits(void **state)
{
	char *big = malloc(PAYLOAD_MAX + 100), note[NOTE_MAX + 200];
	char json[NOTE_MAX + 400], err[256];
	struct report r;

	(void)state;
	memset(big, ' ', PAYLOAD_MAX + 99);
	big[0] = '{';
	big[PAYLOAD_MAX + 98] = '}';
	big[PAYLOAD_MAX + 99] = '\0';
	assert_int_equal(msg_report_decode(big, strlen(big), &r, err, 256),
	    MSG_NOID);
	assert_non_null(strstr(err, "too large"));
	free(big);
	/* A long note is cut on a character boundary, not refused. */
	memset(note, 0, sizeof note);
	for (size_t i = 0; i + 2 < NOTE_MAX + 100; i += 2)
		memcpy(note + i, "\xc3\xa9", 2);
	snprintf(json, sizeof json, "{\"id\":\"a\",\"type\":\"f\",\"note\":"
	    "\"%s\"}", note);
	assert_int_equal(decode(json, &r, err), MSG_OK);
	assert_true(strlen(r.note) <= NOTE_MAX);
	assert_int_equal(strlen(r.note) % 2, 0);
}

static void
test_report_roundtrip(void **state)
{
	struct report a, b;
	char err[256], *s;

	(void)state;
	memset(&a, 0, sizeof a);
	strcpy(a.id, "rt-1");
	strcpy(a.type, "weapon");
	strcpy(a.location, "lobby \"east\"");
	a.severity = 1;
	a.drill = 1;
	s = msg_report_encode(&a);
	assert_int_equal(decode(s, &b, err), MSG_OK);
	assert_string_equal(b.location, a.location);
	assert_int_equal(b.severity, 1);
	assert_true(b.drill);
	free(s);
}

static void
test_respond(void **state)
{
	struct respond rs;
	char err[256];
	const char *ok = "{\"incident\":4,\"action\":\"decline\",\"note\":\"busy\"}";
	const char *bad = "{\"incident\":4,\"action\":\"dance\"}";
	const char *neg = "{\"incident\":-1,\"action\":\"ack\"}";

	(void)state;
	assert_int_equal(msg_respond_decode(ok, strlen(ok), &rs, err, 256),
	    MSG_OK);
	assert_int_equal(rs.incident, 4);
	assert_int_equal(rs.action, ACT_DECLINE);
	assert_string_equal(rs.note, "busy");
	assert_int_equal(msg_respond_decode(bad, strlen(bad), &rs, err, 256),
	    MSG_BAD);
	assert_non_null(strstr(err, "action"));
	assert_int_equal(msg_respond_decode(neg, strlen(neg), &rs, err, 256),
	    MSG_BAD);
	assert_non_null(strstr(err, "incident"));
}

/* Backup carries a role; statuses their acknowledgments, awaited roles
 * and instruction; stand-downs who took the incident. */
static void
test_feedback_codec(void **state)
{
	struct respond rs, back;
	struct status st, got;
	struct incident inc;
	struct notice nt;
	char err[256], *s;

	(void)state;
	memset(&rs, 0, sizeof rs);
	rs.incident = 3;
	rs.action = ACT_BACKUP;
	strcpy(rs.role, "security");
	s = msg_respond_encode(&rs);
	assert_string_equal(s, "{\"incident\":3,\"action\":\"backup\","
	    "\"role\":\"security\"}");
	assert_int_equal(msg_respond_decode(s, strlen(s), &back, err, 256),
	    MSG_OK);
	assert_int_equal(back.action, ACT_BACKUP);
	assert_string_equal(back.role, "security");
	free(s);

	memset(&st, 0, sizeof st);
	strcpy(st.report, "r1");
	st.incident = 3;
	st.state = ST_ACKNOWLEDGED;
	strcpy(st.acked[0].by, "security-1");
	strcpy(st.acked[0].role, "security");
	strcpy(st.acked[0].label, "security");
	st.nacked = 1;
	strcpy(st.awaiting[0], "emergency");
	st.nawaiting = 1;
	strcpy(st.instruction, "No crisis worker available: call the person "
	    "in charge");
	s = msg_status_encode(&st);
	assert_non_null(strstr(s, "\"acked\":[{\"by\":\"security-1\","
	    "\"role\":\"security\",\"label\":\"security\"}]"));
	assert_non_null(strstr(s, "\"awaiting\":[\"emergency\"]"));
	assert_int_equal(msg_status_decode(s, strlen(s), &got, err, 256),
	    MSG_OK);
	assert_string_equal(got.instruction, st.instruction);
	free(s);
	memset(&st, 0, sizeof st);
	strcpy(st.report, "r2");
	s = msg_status_encode(&st);
	assert_null(strstr(s, "acked"));
	assert_null(strstr(s, "instruction"));
	free(s);

	memset(&inc, 0, sizeof inc);
	inc.id = 3;
	strcpy(inc.r.id, "r1");
	strcpy(inc.branch, "central");
	strcpy(inc.r.type, "overdose");
	nt = (struct notice){ &inc, "stand_down", "Suspected overdose",
		"taken", "crisis-1", "crisis_worker", "crisis worker",
		"stand down", 1795000000000, NULL };
	s = msg_notice_encode(&nt);
	assert_non_null(strstr(s, "\"kind\":\"stand_down\""));
	assert_non_null(strstr(s, "\"reason\":\"taken\",\"by\":\"crisis-1\","
	    "\"by_role\":\"crisis_worker\",\"by_label\":\"crisis worker\""));
	assert_non_null(strstr(s, "\"incident\":3"));
	free(s);
}

static void
test_status_roundtrip(void **state)
{
	struct status a, b;
	char err[256], *s;

	(void)state;
	memset(&a, 0, sizeof a);
	strcpy(a.report, "r1");
	a.incident = 7;
	a.state = ST_ACKNOWLEDGED;
	strcpy(a.by, "crisis-1");
	a.notified = 3;
	a.call_911 = 1;
	strcpy(a.message, "acknowledged by crisis-1 (crisis worker)");
	a.ts = 1795000000123;
	s = msg_status_encode(&a);
	assert_int_equal(msg_status_decode(s, strlen(s), &b, err, 256), MSG_OK);
	assert_int_equal(b.incident, 7);
	assert_int_equal(b.state, ST_ACKNOWLEDGED);
	assert_string_equal(b.message, a.message);
	assert_int_equal(b.ts, a.ts);
	assert_true(b.call_911);
	assert_int_equal(b.esc.step, 0);
	assert_null(strstr(s, "escalation"));
	free(s);
	/* Past the first step: who it calls, by role label. */
	a.esc.step = 1;
	a.esc.at = a.ts;
	strcpy(a.esc.called[a.esc.ncalled++], "security");
	strcpy(a.esc.unanswered[a.esc.nunanswered++], "crisis worker");
	strcpy(a.esc.unanswered[a.esc.nunanswered++], "emergency dispatch");
	s = msg_status_encode(&a);
	assert_int_equal(msg_status_decode(s, strlen(s), &b, err, 256), MSG_OK);
	assert_int_equal(b.esc.step, 1);
	assert_int_equal(b.esc.at, a.ts);
	assert_int_equal(b.esc.ncalled, 1);
	assert_string_equal(b.esc.called[0], "security");
	assert_int_equal(b.esc.ndeclined, 0);
	assert_int_equal(b.esc.nunanswered, 2);
	assert_string_equal(b.esc.unanswered[1], "emergency dispatch");
	free(s);
}

/* A drill: call_911 false on the wire, would_call_911 true, both kept when
 * a client decodes and prints it again; the fields cut are listed. */
static void
test_status_drill_shortened(void **state)
{
	struct status a, b;
	char err[256], *s, *t;

	(void)state;
	memset(&a, 0, sizeof a);
	strcpy(a.report, "r2");
	a.state = ST_ROUTED;
	a.call_911 = 1;
	a.drill = 1;
	a.shortened = REPORT_CUT_LOCATION | REPORT_CUT_REPORTER;
	s = msg_status_encode(&a);
	assert_non_null(strstr(s, "\"call_911\":false"));
	assert_non_null(strstr(s, "\"would_call_911\":true"));
	assert_non_null(strstr(s, "\"shortened\":[\"location\",\"reporter\"]"));
	assert_int_equal(msg_status_decode(s, strlen(s), &b, err, 256), MSG_OK);
	assert_false(b.call_911);
	assert_true(b.would_call_911);
	assert_int_equal(b.shortened, a.shortened);
	t = msg_status_encode(&b);
	assert_string_equal(s, t);
	free(s);
	free(t);
}

static void
test_report_shortened(void **state)
{
	struct report r;
	char err[256], buf[256], json[700];

	(void)state;
	snprintf(json, sizeof json, "{\"id\": \"r3\", \"type\": \"medical\", "
	    "\"location\": \"%0130d\", \"note\": \"short\"}", 0);
	assert_int_equal(msg_report_decode(json, strlen(json), &r, err,
	    sizeof err), MSG_OK);
	assert_int_equal(r.shortened, REPORT_CUT_LOCATION);
	assert_int_equal(strlen(r.location), LOCATION_MAX);
	msg_shortened_text(r.shortened | REPORT_CUT_NOTE, buf, sizeof buf);
	assert_string_equal(buf, "location shortened to 128 bytes, note "
	    "shortened to 512 bytes");
	msg_shortened_text(0, buf, sizeof buf);
	assert_string_equal(buf, "");
}

static void
test_incident_roundtrip(void **state)
{
	struct incident a, b;
	char err[256], *s;

	(void)state;
	memset(&a, 0, sizeof a);
	a.id = 12;
	strcpy(a.branch, "central");
	strcpy(a.r.id, "r-12");
	strcpy(a.r.type, "overdose");
	a.r.severity = 1;
	a.state = ST_ON_SCENE;
	strcpy(a.last_kind, "arrived");
	strcpy(a.last_by, "crisis-1");
	a.created = 1795000000000;
	a.updated = a.last_ts = 1795000060500;
	s = msg_incident_encode(&a);
	assert_int_equal(msg_incident_decode(s, strlen(s), &b, err, 256),
	    MSG_OK);
	assert_int_equal(b.id, 12);
	assert_int_equal(b.state, ST_ON_SCENE);
	assert_string_equal(b.last_kind, "arrived");
	assert_string_equal(b.last_by, "crisis-1");
	assert_int_equal(b.updated, a.updated);
	free(s);
}

static void
test_error_roundtrip(void **state)
{
	char *s, err[256];
	int64_t inc = 0;

	(void)state;
	s = msg_error_encode("incident 9 does not exist", "beacon/respond/x",
	    NULL, 9, 0);
	assert_int_equal(msg_error_decode(s, strlen(s), err, sizeof err, &inc),
	    MSG_OK);
	assert_string_equal(err, "incident 9 does not exist");
	assert_int_equal(inc, 9);
	free(s);
}

static const char debrief_json[] =
    "{\"incident\":4,\"wellbeing\":{\"status\":\"held\","
    "\"at\":\"2026-11-23T15:00:00.000Z\",\"facilitator\":\"eap\","
    "\"participants\":3,\"follow_up\":\"2026-11-30\",\"support\":\"eap\"},"
    "\"review\":{\"route\":\"right\",\"went_well\":\"calm, fast\","
    "\"notices\":[\"trespass\"],\"referrals\":[{\"type\":\"housing\","
    "\"count\":2},{\"type\":\"food\"}],\"actions\":[{\"what\":"
    "\"move the kit\",\"owner\":\"supervisor-1\",\"due\":\"2026-12-15\"},"
    "{\"what\":\"train\",\"status\":\"done\"}]}}";

static void
test_debrief_roundtrip(void **state)
{
	struct debrief d, back;
	char err[256], *s, diff[256];

	(void)state;
	assert_int_equal(msg_debrief_decode(debrief_json, strlen(debrief_json),
	    &d, err, sizeof err), MSG_OK);
	assert_int_equal(d.incident, 4);
	assert_int_equal(d.wb, WB_HELD);
	assert_int_equal(d.wb_participants, 3);
	assert_string_equal(d.wb_follow_up, "2026-11-30");
	assert_int_equal(d.route, ROUTE_RIGHT);
	assert_int_equal(d.nnotices, 1);
	assert_int_equal(d.nreferrals, 2);
	assert_int_equal(d.referrals[0].count, 2);
	assert_int_equal(d.referrals[1].count, 1);
	assert_int_equal(d.nactions, 2);
	assert_int_equal(d.actions[0].status, AS_OPEN);
	assert_int_equal(d.actions[1].status, AS_DONE);
	assert_int_equal(debrief_open_actions(&d), 1);
	s = msg_debrief_encode(&d);
	assert_int_equal(msg_debrief_decode(s, strlen(s), &back, err,
	    sizeof err), MSG_OK);
	free(s);
	msg_debrief_diff(&d, &back, diff, sizeof diff);
	assert_string_equal(diff, "");
	back.route = ROUTE_WRONG;
	back.actions[0].status = AS_DONE;
	msg_debrief_diff(&d, &back, diff, sizeof diff);
	assert_string_equal(diff, "review.route, review.actions");
}

static void
test_debrief_errors(void **state)
{
	static const struct {
		const char *json, *err;
	} cases[] = {
		{ "{\"wellbeing\":{\"status\":\"maybe\"}}", "wellbeing" },
		{ "{\"wellbeing\":{\"follow_up\":\"2026-02-30\"}}",
		    "follow_up: must be a date" },
		{ "{\"wellbeing\":{\"participants\":-1}}", "participants" },
		{ "{\"review\":{\"route\":\"sideways\"}}", "route" },
		{ "{\"review\":{\"referrals\":[{\"count\":1}]}}",
		    "referrals[0].type: required" },
		{ "{\"review\":{\"actions\":[{\"what\":\"x\",\"status\":"
		    "\"later\"}]}}", "actions[0].status" },
		{ "{\"review\":{\"notices\":\"trespass\"}}",
		    "notices: must be an array" },
		{ "{\"review\":{\"notices\":[\"a b\"]}}", "notices[0]" },
	};
	struct debrief d;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(msg_debrief_decode(cases[i].json,
		    strlen(cases[i].json), &d, err, sizeof err), MSG_BAD);
		if (strstr(err, cases[i].err) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].json, err,
			    cases[i].err);
	}
}

static void
test_query_codec(void **state)
{
	struct query q, back;
	char err[256], *s;
	const char *bad = "{\"method\":\"timeline\"}";

	(void)state;
	memset(&q, 0, sizeof q);
	q.method = Q_INCIDENTS;
	q.since = 1795000000000LL;
	q.state = ST_RESOLVED;
	q.drill = 0;
	q.severity = 2;
	q.outcome = OUTCOME_FALSE_ALARM;
	strcpy(q.branch, "central");
	s = msg_query_encode(&q);
	assert_int_equal(msg_query_decode(s, strlen(s), &back, err,
	    sizeof err), MSG_OK);
	free(s);
	assert_int_equal(back.method, Q_INCIDENTS);
	assert_int_equal(back.since, q.since);
	assert_int_equal(back.state, ST_RESOLVED);
	assert_int_equal(back.drill, 0);
	assert_int_equal(back.severity, 2);
	assert_int_equal(back.outcome, OUTCOME_FALSE_ALARM);
	assert_string_equal(back.branch, "central");
	assert_int_equal(msg_query_decode(bad, strlen(bad), &back, err,
	    sizeof err), MSG_BAD);
	assert_string_equal(err, "incident: required");
	bad = "{\"method\":\"incidents\",\"outcome\":\"false-alarm\"}";
	assert_int_equal(msg_query_decode(bad, strlen(bad), &back, err,
	    sizeof err), MSG_BAD);
	assert_string_equal(err, "outcome: must be real, cancelled, "
	    "false_alarm, drill or test");
}

static int
count_items(const char *json, size_t len, void *arg)
{
	(void)json;
	(void)len;
	(*(int *)arg)++;
	return 0;
}

static void
test_reply(void **state)
{
	struct msg_reply *r = msg_reply_new(Q_INCIDENTS);
	const char *bad = "{\"ok\": true, \"incidents\": [{\"a\": 1}, 7]}";
	char err[256], *s;
	int n = 0;

	(void)state;
	msg_reply_add(r, "incidents", strdup("{\"a\":1}"));
	msg_reply_add(r, "incidents", strdup("{\"a\":2}"));
	msg_reply_set_int(r, "count", 2);
	s = msg_reply_finish(r, NULL);
	assert_int_equal(msg_reply_decode(s, strlen(s), "incidents",
	    count_items, &n, err, sizeof err), MSG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(msg_reply_int(s, strlen(s), "count"), 2);
	free(s);
	r = msg_reply_new(Q_HOLD);
	s = msg_reply_finish(r, "incident 9 does not exist");
	assert_int_equal(msg_reply_decode(s, strlen(s), "x", count_items, &n,
	    err, sizeof err), MSG_BAD);
	assert_string_equal(err, "incident 9 does not exist");
	free(s);
	/* An item that is not an object is refused, not fatal. */
	n = 0;
	assert_int_equal(msg_reply_decode(bad, strlen(bad), "incidents",
	    count_items, &n, err, sizeof err), MSG_BAD);
	assert_int_equal(n, 1);
	assert_string_equal(err, "incidents[1]: must be an object");
}

/* The CLI's own objects: "record" first, then the encoder's members. */
static void
test_doc_record(void **state)
{
	struct event ev;
	struct msg_doc *o;
	char *json, *out;

	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.id = 3;
	ev.incident = 1;
	ev.step = -1;
	strcpy(ev.kind, "ack");
	strcpy(ev.detail, "a \"quote\"");
	ev.ts = 1795000000123;
	json = msg_event_encode(&ev);
	o = msg_doc_record("event", json);
	free(json);
	msg_doc_int(o, "elapsed_ms", 42);
	msg_doc_str(o, "sentence", "line\nbreak");
	msg_doc_null(o, "none");
	out = msg_doc_finish(o);
	assert_string_equal(out, "{\"record\":\"event\",\"id\":3,"
	    "\"incident\":1,\"kind\":\"ack\",\"actor\":\"\",\"step\":-1,"
	    "\"detail\":\"a \\\"quote\\\"\",\"ts\":"
	    "\"2026-11-18T11:06:40.123Z\",\"elapsed_ms\":42,"
	    "\"sentence\":\"line\\nbreak\",\"none\":null}");
	free(out);
	out = msg_doc_finish(msg_doc_record(NULL, NULL));
	assert_string_equal(out, "{}");
	free(out);
}

static void
test_heartbeat(void **state)
{
	struct heartbeat hb, back;
	char err[256], st[16];
	char *json;
	int64_t ts;

	(void)state;
	memset(&hb, 0, sizeof hb);
	hb.ts = 1795000000123;
	hb.started = 1794999000000;
	hb.interval = 10;
	hb.open = 7;
	hb.offline = 3;
	hb.nlisted = 2;
	strcpy(hb.listed[0].branch, "central");
	strcpy(hb.listed[0].device, "desk-1");
	strcpy(hb.listed[0].kind, "button");
	hb.listed[0].since = 1794999500000;
	strcpy(hb.listed[1].branch, "east");
	strcpy(hb.listed[1].device, "page-2");
	hb.listed[1].since = 1794999600000;
	json = msg_heartbeat_encode(&hb);
	assert_int_equal(msg_heartbeat_decode(json, strlen(json), &back, err,
	    sizeof err), MSG_OK);
	free(json);
	assert_int_equal(back.ts, hb.ts);
	assert_int_equal(back.started, hb.started);
	assert_int_equal(back.interval, 10);
	assert_int_equal(back.open, 7);
	assert_int_equal(back.offline, 3);
	assert_int_equal(back.nlisted, 2);
	assert_string_equal(back.listed[0].device, "desk-1");
	assert_string_equal(back.listed[0].kind, "button");
	assert_int_equal(back.listed[1].since, 1794999600000);
	assert_string_equal(back.listed[1].kind, "");

	/* What is wrong is named. */
	json = "{\"ts\": \"2026-11-18T11:06:40Z\", \"interval\": 0}";
	assert_int_equal(msg_heartbeat_decode(json, strlen(json), &back, err,
	    sizeof err), MSG_BAD);
	assert_non_null(strstr(err, "interval"));
	json = "{\"interval\": 5}";
	assert_int_equal(msg_heartbeat_decode(json, strlen(json), &back, err,
	    sizeof err), MSG_BAD);
	assert_non_null(strstr(err, "ts"));
	json = "{\"ts\": \"2026-11-18T11:06:40Z\", \"interval\": 5, "
	    "\"offline\": [{\"device\": \"x\"}]}";
	assert_int_equal(msg_heartbeat_decode(json, strlen(json), &back, err,
	    sizeof err), MSG_BAD);
	assert_non_null(strstr(err, "offline[0].branch"));

	/* The daemon status it is read with. */
	json = msg_daemon_encode("offline", 1795000000123);
	assert_int_equal(msg_daemon_decode(json, strlen(json), st, &ts, err,
	    sizeof err), MSG_OK);
	free(json);
	assert_string_equal(st, "offline");
	assert_int_equal(ts, 1795000000123);

	/* A standby's presence: its state read the same way, and its
	 * note, when it has one (a gap). */
	json = msg_standby_encode("gap", "missed changes of a: term 1 seq 3 "
	    "came after term 1 seq 1", 1795000000123);
	assert_int_equal(msg_daemon_decode(json, strlen(json), st, &ts, err,
	    sizeof err), MSG_OK);
	assert_string_equal(st, "gap");
	assert_int_equal(msg_standby_note(json, strlen(json), err,
	    sizeof err), 0);
	assert_string_equal(err, "missed changes of a: term 1 seq 3 came "
	    "after term 1 seq 1");
	free(json);
	json = msg_standby_encode("standby", NULL, 1795000000123);
	assert_int_equal(msg_standby_note(json, strlen(json), err,
	    sizeof err), -1);
	assert_string_equal(err, "");
	free(json);
	assert_int_equal(msg_standby_note("not json", 8, err, sizeof err), -1);
}

/* A cancel rides on the report topic; anything else is not one. */
static void
test_cancel(void **state)
{
	char id[ID_MAX + 1], *s;
	struct report r;
	char err[256];
	const char *no[] = { "{\"id\":\"r-1\",\"type\":\"welfare\"}",
		"{\"id\":\"r-1\",\"cancel\":false}",
		"{\"id\":\"bad id\",\"cancel\":true}",
		"{\"cancel\":true}", "[1]", "not json" };
	size_t i;

	(void)state;
	s = msg_cancel_encode("r-1", "desk-3", "");
	assert_int_equal(msg_cancel_decode(s, strlen(s), id, sizeof id), 1);
	assert_string_equal(id, "r-1");
	/* As a report it is not one: it has no type. */
	assert_int_equal(decode(s, &r, err), MSG_BAD);
	assert_string_equal(r.device, "desk-3");
	free(s);
	for (i = 0; i < sizeof no / sizeof *no; i++)
		assert_int_equal(msg_cancel_decode(no[i], strlen(no[i]), id,
		    sizeof id), 0);
}

static void
test_branch_mode_query(void **state)
{
	struct query q;
	char err[256];
	const char *ok = "{\"method\":\"branch_mode\",\"branch\":\"central\","
	    "\"mode\":\"drill\",\"until\":\"2026-03-08T11:00:00Z\"}";
	const char *stop = "{\"method\":\"branch_mode\",\"branch\":\"c\","
	    "\"mode\":\"pause\",\"stop\":true}";
	const char *bad[][2] = {
		{ "{\"method\":\"branch_mode\",\"mode\":\"drill\"}",
		    "branch: required" },
		{ "{\"method\":\"branch_mode\",\"branch\":\"c\",\"mode\":"
		    "\"party\",\"stop\":true}", "mode: must be drill or pause" },
		{ "{\"method\":\"branch_mode\",\"branch\":\"c\",\"mode\":"
		    "\"drill\"}", "until: required (or stop: true)" },
	};
	size_t i;

	(void)state;
	assert_int_equal(msg_query_decode(ok, strlen(ok), &q, err, sizeof err),
	    MSG_OK);
	assert_int_equal(q.method, Q_MODE);
	assert_string_equal(q.mode, "drill");
	assert_true(q.until > 0 && !q.stop);
	assert_int_equal(msg_query_decode(stop, strlen(stop), &q, err,
	    sizeof err), MSG_OK);
	assert_true(q.stop);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(msg_query_decode(bad[i][0], strlen(bad[i][0]),
		    &q, err, sizeof err), MSG_BAD);
		assert_string_equal(err, bad[i][1]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_branch_mode_query),
		cmocka_unit_test(test_report_full),
		cmocka_unit_test(test_report_minimal),
		cmocka_unit_test(test_report_errors),
		cmocka_unit_test(test_report_limits),
		cmocka_unit_test(test_report_roundtrip),
		cmocka_unit_test(test_respond),
		cmocka_unit_test(test_feedback_codec),
		cmocka_unit_test(test_status_roundtrip),
		cmocka_unit_test(test_status_drill_shortened),
		cmocka_unit_test(test_report_shortened),
		cmocka_unit_test(test_incident_roundtrip),
		cmocka_unit_test(test_error_roundtrip),
		cmocka_unit_test(test_debrief_roundtrip),
		cmocka_unit_test(test_debrief_errors),
		cmocka_unit_test(test_query_codec),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_doc_record),
		cmocka_unit_test(test_heartbeat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
