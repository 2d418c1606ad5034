/*
 * beacon/notify and beacon/incident: notifications, the incident's state,
 * its timeline events, errors, notices and cancelled alarms.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "msg_int.h"
#include "xmalloc.h"

/* An incident's lists: every location and note reported, in order, and
 * the incidents it may be related to. */
static void
msg_incident_lists(json_t *o, const struct incident *inc)
{
	json_t *l = json_array(), *n = json_array();
	int i;

	if (l == NULL || n == NULL)
		fatalx("msg: cannot build incident");
	for (i = 0; i < inc->nlocations; i++)
		json_array_append_new(l, json_string(inc->locations[i]));
	for (i = 0; i < inc->nnotes; i++)
		json_array_append_new(n, json_string(inc->notes[i]));
	json_object_set_new(o, "locations", l);
	json_object_set_new(o, "notes", n);
	json_object_set_new(o, "related", msg_ids(inc->related,
	    inc->nrelated));
}

/* Read a list of strings into up to JOINED_MAX entries of size bytes;
 * entries that are not strings are skipped. How many. */
int
msg_list_unpack(json_t *a, char *list, size_t size)
{
	size_t i;
	int n = 0;

	for (i = 0; json_is_array(a) && i < json_array_size(a) &&
	    n < JOINED_MAX; i++)
		if (json_is_string(json_array_get(a, i)))
			strlcpy_utf8(list + (size_t)n++ * size,
			    json_string_value(json_array_get(a, i)), size);
	return n;
}

static void
msg_incident_lists_unpack(json_t *root, struct incident *inc)
{
	inc->nlocations = msg_list_unpack(json_object_get(root, "locations"),
	    inc->locations[0], sizeof inc->locations[0]);
	inc->nnotes = msg_list_unpack(json_object_get(root, "notes"),
	    inc->notes[0], sizeof inc->notes[0]);
	inc->nrelated = msg_ids_unpack(json_object_get(root, "related"),
	    inc->related);
}

/* The fields an incident shares with a notification. */
static json_t *
msg_incident_base(const struct incident *inc)
{
	json_t *o;

	o = json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:b, s:b, s:b}",
	    "incident", (json_int_t)inc->id, "report", inc->r.id, "branch",
	    inc->branch, "type", inc->r.type, "severity", inc->r.severity,
	    "location", inc->r.location, "note", inc->r.note, "drill",
	    inc->r.drill, "silent", inc->r.silent, "call_911", inc->call_911 &&
	    !inc->r.drill);
	if (o == NULL)
		fatalx("msg: cannot build incident");
	if (inc->call_911 && inc->r.drill)
		json_object_set_new(o, "would_call_911", json_true());
	if (inc->presses > 1)
		json_object_set_new(o, "presses", json_integer(inc->presses));
	msg_incident_lists(o, inc);
	return o;
}

char *
msg_notify_encode(const struct notify *n)
{
	json_t *o = msg_incident_base(n->inc);

	json_object_set_new(o, "kind", json_string("incident"));
	msg_set_str(o, "label", n->label);
	json_object_set_new(o, "role", json_string(n->role));
	json_object_set_new(o, "step", json_integer(n->step));
	json_object_set_new(o, "repeat", json_integer(n->repeat));
	msg_set_lang(o, n->lang);
	if (n->inc->r.silent)
		msg_set_str(o, "advice", T_(n->lang, MSG_SILENT_ADVICE));
	msg_set_time(o, "ts", n->ts);
	if (n->backup_by != NULL) {
		json_t *b = json_pack("{s:s}", "by", n->backup_by);

		if (b == NULL)
			fatalx("msg: cannot build notification");
		msg_set_str(b, "note", n->backup_note);
		json_object_set_new(o, "backup", b);
	}
	return msg_dump(o);
}

/* How to make a step's notification again (the record keeps this, not
 * its text: lib/store_project.c): {"derive": "notify", "role", "step",
 * "repeat", "ts"}. */
char *
msg_notify_recipe(const struct notify *n)
{
	json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:I}", "derive", "notify",
	    "role", n->role, "step", n->step, "repeat", n->repeat, "ts",
	    (json_int_t)n->ts);

	if (o == NULL)
		fatalx("msg: cannot build a notification's recipe");
	return msg_dump(o);
}

int
msg_notify_recipe_decode(const char *p, char *role, size_t rolelen,
    int *step, int *repeat, int64_t *ts)
{
	json_t *o;
	const char *d = NULL, *r = NULL;
	json_int_t t = 0;
	int ok;

	if (p == NULL || strncmp(p, "{\"derive\"", 9) != 0 ||
	    (o = json_loads(p, 0, NULL)) == NULL)
		return 0;
	ok = json_unpack(o, "{s:s, s:s, s:i, s:i, s:I}", "derive", &d, "role",
	    &r, "step", step, "repeat", repeat, "ts", &t) == 0 &&
	    strcmp(d, "notify") == 0;
	if (ok) {
		strlcpy_utf8(role, r, rolelen);
		*ts = t;
	}
	json_decref(o);
	return ok;
}

static const struct field incident_fields[] = {
	FINT("incident", 1, struct incident, id, 0, 0),
	FSTR("report", 1, struct incident, r.id),
	FSTR("branch", 1, struct incident, branch),
	FSTR("type", 1, struct incident, r.type),
	FINT("severity", 0, struct incident, r.severity, 0, 0),
	FSTR("location", 0, struct incident, r.location),
	FSTR("note", 0, struct incident, r.note),
	FBOOL("drill", struct incident, r.drill),
	FBOOL("silent", struct incident, r.silent),
	FBOOL("call_911", struct incident, call_911),
	FINT("notified", 0, struct incident, notified, 0, 0),
	FSTR("acked_by", 0, struct incident, acked_by),
	FINT("step", 0, struct incident, step, 0, 0),
	FTIME("created", struct incident, created),
	FTIME("updated", struct incident, updated),
	FINT("nsteps", 0, struct incident, nsteps, 0, 0),
	FBOOL("hold", struct incident, hold),
	FINT("presses", 0, struct incident, presses, 0, 0),
};

/* A drill's "would_call_911" is the rule's call_911 of struct incident,
 * as the database keeps it. */
static void
msg_would_call(json_t *root, struct incident *inc)
{
	if (json_is_true(json_object_get(root, "would_call_911")))
		inc->call_911 = 1;
}

int
msg_notify_decode(const void *payload, size_t len, struct incident *inc,
    char *role, size_t rolelen, char *err, size_t errlen)
{
	const struct field rf = { "role", F_STR, 1, 0, rolelen, 0, 0 };
	json_t *root;
	int rc = MSG_BAD;

	memset(inc, 0, sizeof *inc);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (msg_fields_unpack(root, incident_fields, 10, inc, err,
	    errlen) == 0 &&
	    msg_field_unpack(root, &rf, role, err, errlen) == 0) {
		msg_incident_lists_unpack(root, inc);
		rc = MSG_OK;
	}
	msg_would_call(root, inc);
	json_decref(root);
	return rc;
}

/* The escalation deadline pending, for the console's countdown: the
 * step (from 0) that fires at "at", "repeat" when it is the same step
 * again. Before the first step (a cancel window) "step" is 0 and the
 * incident's own step -1. */
static void
msg_incident_next(json_t *o, const struct incident *inc)
{
	json_t *n;

	if (inc->due_at < 0 || !state_open(inc->state))
		return;
	n = json_pack("{s:i, s:b}", "step", inc->due_step, "repeat",
	    inc->due_step == inc->step);
	if (n == NULL)
		fatalx("msg: cannot build incident");
	msg_set_time(n, "at", inc->due_at);
	json_object_set_new(o, "next", n);
}

char *
msg_incident_encode(const struct incident *inc)
{
	json_t *o = msg_incident_base(inc);
	json_t *last;

	json_object_set_new(o, "state", json_string(state_name(inc->state)));
	json_object_set_new(o, "notified", json_integer(inc->notified));
	json_object_set_new(o, "acked_by", json_string(inc->acked_by));
	json_object_set_new(o, "step", json_integer(inc->step));
	msg_set_time(o, "created", inc->created);
	msg_set_time(o, "updated", inc->updated);
	json_object_set_new(o, "nsteps", json_integer(inc->nsteps));
	json_object_set_new(o, "hold", json_boolean(inc->hold));
	msg_incident_next(o, inc);
	if (outcome_name(inc->outcome) != NULL)
		msg_set_str(o, "outcome", outcome_name(inc->outcome));
	if (inc->last_kind[0] != '\0') {
		last = json_pack("{s:s, s:s}", "kind", inc->last_kind, "by",
		    inc->last_by);
		if (last == NULL)
			fatalx("msg: cannot build incident");
		msg_set_time(last, "ts", inc->last_ts);
		json_object_set_new(o, "last", last);
	}
	return msg_dump(o);
}

int
msg_incident_decode(const void *payload, size_t len, struct incident *inc,
    char *err, size_t errlen)
{
	static const struct field last_fields[] = {
		FSTR("kind", 0, struct incident, last_kind),
		FSTR("by", 0, struct incident, last_by),
		FTIME("ts", struct incident, last_ts),
	};
	static const struct field next_fields[] = {
		FINT("step", 1, struct incident, due_step, 0, 1000),
		FTIME("at", struct incident, due_at),
	};
	json_t *root, *last, *next;
	int rc = MSG_BAD;

	memset(inc, 0, sizeof *inc);
	inc->due_at = -1;
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (msg_fields_unpack(root, incident_fields, NFIELDS(incident_fields),
	    inc, err, errlen) != 0 || msg_state(root, &inc->state, err,
	    errlen) != 0)
		goto out;
	/* An outcome this client does not know stays unknown. */
	if (json_is_string(json_object_get(root, "outcome")))
		inc->outcome = outcome_from_name(json_string_value(
		    json_object_get(root, "outcome")));
	if (inc->outcome < 0)
		inc->outcome = OUTCOME_UNKNOWN;
	last = json_object_get(root, "last");
	if (json_is_object(last) && msg_fields_unpack(last, last_fields,
	    NFIELDS(last_fields), inc, err, errlen) != 0)
		goto out;
	next = json_object_get(root, "next");
	if (json_is_object(next) && msg_fields_unpack(next, next_fields,
	    NFIELDS(next_fields), inc, err, errlen) != 0)
		goto out;
	msg_incident_lists_unpack(root, inc);
	msg_would_call(root, inc);
	rc = MSG_OK;
out:
	json_decref(root);
	return rc;
}

char *
msg_event_encode(const struct event *ev)
{
	json_t *o;

	o = json_pack("{s:I, s:I, s:s, s:s, s:i, s:s}", "id",
	    (json_int_t)ev->id, "incident", (json_int_t)ev->incident, "kind",
	    ev->kind, "actor", ev->actor, "step", ev->step, "detail",
	    ev->detail);
	if (o == NULL)
		fatalx("msg: cannot build event");
	msg_set_time(o, "ts", ev->ts);
	if (ev->corrects > 0)
		json_object_set_new(o, "corrects", json_integer(ev->corrects));
	return msg_dump(o);
}

int
msg_event_decode(const void *payload, size_t len, struct event *ev,
    char *err, size_t errlen)
{
	static const struct field fields[] = {
		FINT("id", 1, struct event, id, 0, 0),
		FINT("incident", 1, struct event, incident, 0, 0),
		FTIME("ts", struct event, ts),
		FSTR("kind", 1, struct event, kind),
		FSTR("actor", 0, struct event, actor),
		FINT("step", 0, struct event, step, 0, 0),
		FSTR("detail", 0, struct event, detail),
		FINT("corrects", 0, struct event, corrects, 0, 0),
	};
	json_t *root;
	int rc;

	memset(ev, 0, sizeof *ev);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	rc = msg_fields_unpack(root, fields, NFIELDS(fields), ev, err,
	    errlen) == 0 ? MSG_OK : MSG_BAD;
	json_decref(root);
	return rc;
}

char *
msg_error_encode(const char *error, const char *topic, const char *report,
    int64_t incident, int64_t ts)
{
	json_t *o = json_pack("{s:s, s:s}", "error", error, "topic", topic);

	if (o == NULL)
		fatalx("msg: cannot build error");
	msg_set_str(o, "report", report);
	if (incident > 0)
		json_object_set_new(o, "incident", json_integer(incident));
	msg_set_time(o, "ts", ts);
	return msg_dump(o);
}

int
msg_error_decode(const void *payload, size_t len, char *error, size_t errlen,
    int64_t *incident)
{
	struct {
		char error[DETAIL_MAX + 1];
		int64_t incident;
	} e;
	static const struct field fields[] = {
		{ "error", F_STR, 1, 0, DETAIL_MAX + 1, 0, 0 },
		{ "incident", F_INT, 0, offsetof(__typeof__(e), incident),
		    sizeof(int64_t), 0, 0 },
	};
	json_t *root;
	int rc = MSG_BAD;

	memset(&e, 0, sizeof e);
	if ((root = msg_load(payload, len, error, errlen)) == NULL)
		return MSG_NOID;
	if (msg_fields_unpack(root, fields, NFIELDS(fields), &e, error,
	    errlen) == 0) {
		strlcpy_utf8(error, e.error, errlen);
		*incident = e.incident;
		rc = MSG_OK;
	}
	json_decref(root);
	return rc;
}

/* ---- notices: stand-downs and reminders -------------------------------- */

char *
msg_notice_encode(const struct notice *n)
{
	json_t *o = msg_incident_base(n->inc);

	json_object_set_new(o, "kind", json_string(n->kind));
	msg_set_str(o, "label", n->label);
	msg_set_str(o, "reason", n->reason);
	msg_set_str(o, "by", n->by);
	msg_set_str(o, "by_role", n->by_role);
	msg_set_str(o, "by_label", n->by_label);
	msg_set_str(o, "message", n->message);
	msg_set_lang(o, n->lang);
	msg_set_time(o, "ts", n->ts);
	return msg_dump(o);
}

/* ---- alarms that are not real ----------------------------------------- */

int
msg_cancel_decode(const void *payload, size_t len, char *id, size_t idlen)
{
	json_t *root, *v;
	int rc = 0;

	id[0] = '\0';
	if ((root = msg_load(payload, len, NULL, 0)) == NULL)
		return 0;
	if (json_is_true(json_object_get(root, "cancel")) &&
	    (v = json_object_get(root, "id")) != NULL && json_is_string(v) &&
	    id_valid(json_string_value(v))) {
		strlcpy_utf8(id, json_string_value(v), idlen);
		rc = 1;
	}
	json_decref(root);
	return rc;
}

char *
msg_notify_update_encode(const struct notify *n, const char *update)
{
	char *base = msg_notify_encode(n);
	json_t *o = json_loads(base, 0, NULL);

	free(base);
	if (o == NULL)
		fatalx("msg: cannot build notification");
	msg_set_str(o, "update", update);
	return msg_dump(o);
}

char *
msg_cancel_encode(const char *id, const char *device, const char *reporter)
{
	json_t *o = json_pack("{s:s, s:b}", "id", id, "cancel", 1);

	if (o == NULL)
		fatalx("msg: cannot build cancel");
	msg_set_str(o, "device", device);
	msg_set_str(o, "reporter", reporter);
	return msg_dump(o);
}
