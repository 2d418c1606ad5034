/*
 * The protocol's JSON payloads (docs/protocol.md), both ways. This is the
 * only module that uses jansson.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "log.h"
#include "msg.h"
#include "xmalloc.h"

static const char *const action_names[ACT_COUNT] = {
	[ACT_ACK] = "ack",
	[ACT_DECLINE] = "decline",
	[ACT_ARRIVED] = "arrived",
	[ACT_RESOLVE] = "resolve",
};

const char *
action_name(int a)
{
	if (a < 0 || a >= ACT_COUNT)
		return NULL;
	return action_names[a];
}

int
action_from_name(const char *s)
{
	int a;

	for (a = 0; a < ACT_COUNT; a++)
		if (strcmp(action_names[a], s) == 0)
			return a;
	return -1;
}

static void
msg_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
msg_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Parse a payload into an object; NULL with err set when it is not one. */
static json_t *
msg_load(const void *payload, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;

	if (len > PAYLOAD_MAX) {
		msg_err(err, errlen, "payload too large: %zu bytes (limit %d)",
		    len, PAYLOAD_MAX);
		return NULL;
	}
	if (len == 0) {
		msg_err(err, errlen, "empty payload");
		return NULL;
	}
	root = json_loadb(payload, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		msg_err(err, errlen, "not valid JSON: %s (line %d, column %d)",
		    jerr.text, jerr.line, jerr.column);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		msg_err(err, errlen, "payload must be a JSON object");
		return NULL;
	}
	return root;
}

static char *
msg_dump(json_t *root)
{
	char *s, *out;

	if (root == NULL)
		fatalx("msg: cannot build JSON");
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (s == NULL)
		fatalx("msg: cannot encode JSON");
	out = xstrdup(s);
	free(s);
	return out;
}

/*
 * Table-driven field decoding: each field is unpacked on its own with
 * json_unpack_ex, so an error always names the field it is about.
 */
enum ftype { F_STR, F_INT, F_BOOL, F_TIME };

struct field {
	const char *key;
	enum ftype type;
	int required;
	size_t off;  /* offset into the destination struct */
	size_t size; /* F_STR: buffer size */
	int min, max; /* F_INT: range, when max > min */
};

static const char *
ftype_name(enum ftype t)
{
	static const char *const names[] = { "a string", "an integer",
		"true or false", "an RFC 3339 time" };
	return names[t];
}

static int
field_unpack(json_t *root, const struct field *f, void *dst, char *err,
    size_t errlen)
{
	static const char *const fmts[] = { "{s:s}", "{s:I}", "{s:b}", "{s:s}" };
	json_error_t jerr;
	const char *s = NULL;
	json_int_t i = 0;
	int b = 0;
	char *p = (char *)dst + f->off;
	void *out = f->type == F_INT ? (void *)&i
	    : f->type == F_BOOL ? (void *)&b : (void *)&s;

	if (json_object_get(root, f->key) == NULL ||
	    json_is_null(json_object_get(root, f->key))) {
		if (!f->required)
			return 0;
		msg_err(err, errlen, "%s: required", f->key);
		return -1;
	}
	if (json_unpack_ex(root, &jerr, 0, fmts[f->type], f->key, out) != 0) {
		msg_err(err, errlen, "%s: must be %s", f->key,
		    ftype_name(f->type));
		return -1;
	}
	switch (f->type) {
	case F_STR:
		strlcpy_utf8(p, s, f->size);
		break;
	case F_INT:
		if (f->max > f->min && (i < f->min || i > f->max)) {
			msg_err(err, errlen, "%s: must be %d to %d", f->key,
			    f->min, f->max);
			return -1;
		}
		if (f->size == sizeof(int64_t))
			*(int64_t *)p = i;
		else
			*(int *)p = (int)i;
		break;
	case F_BOOL:
		*(int *)p = b;
		break;
	case F_TIME:
		if ((*(int64_t *)p = clock_parse(s)) < 0) {
			msg_err(err, errlen, "%s: must be %s", f->key,
			    ftype_name(f->type));
			return -1;
		}
		break;
	}
	return 0;
}

static int
fields_unpack(json_t *root, const struct field *fields, size_t n, void *dst,
    char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (field_unpack(root, &fields[i], dst, err, errlen) != 0)
			return -1;
	return 0;
}

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
#define FSTR(k, req, st, m)                                                    \
	{ k, F_STR, req, offsetof(st, m), sizeof(((st *)0)->m), 0, 0 }
#define FINT(k, req, st, m, lo, hi)                                            \
	{ k, F_INT, req, offsetof(st, m), sizeof(((st *)0)->m), lo, hi }
#define FBOOL(k, st, m) { k, F_BOOL, 0, offsetof(st, m), sizeof(int), 0, 0 }
#define FTIME(k, st, m) { k, F_TIME, 0, offsetof(st, m), sizeof(int64_t), 0, 0 }

static const struct field report_fields[] = {
	FSTR("type", 1, struct report, type),
	FINT("severity", 0, struct report, severity, 1, 4),
	FSTR("location", 0, struct report, location),
	FSTR("device", 0, struct report, device),
	FSTR("reporter", 0, struct report, reporter),
	FSTR("note", 0, struct report, note),
	FBOOL("silent", struct report, silent),
	FBOOL("drill", struct report, drill),
};

int
msg_report_decode(const void *payload, size_t len, struct report *r,
    char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	const char *id;
	int rc = MSG_OK;

	memset(r, 0, sizeof *r);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (json_unpack_ex(root, &jerr, 0, "{s:s}", "id", &id) != 0) {
		msg_err(err, errlen, "id: required string");
		rc = MSG_NOID;
	} else if (!id_valid(id)) {
		msg_err(err, errlen,
		    "id: must be 1 to %d characters of A-Za-z0-9._:-", ID_MAX);
		rc = MSG_NOID;
	} else {
		strlcpy_utf8(r->id, id, sizeof r->id);
		if (fields_unpack(root, report_fields, NFIELDS(report_fields),
		    r, err, errlen) != 0)
			rc = MSG_BAD;
		else if (r->type[0] == '\0') {
			msg_err(err, errlen, "type: required");
			rc = MSG_BAD;
		}
	}
	json_decref(root);
	return rc;
}

char *
msg_report_encode(const struct report *r)
{
	json_t *o = json_pack("{s:s, s:s}", "id", r->id, "type", r->type);

	if (o == NULL)
		fatalx("msg: cannot build report");
	if (r->severity > 0)
		json_object_set_new(o, "severity", json_integer(r->severity));
	if (r->location[0])
		json_object_set_new(o, "location", json_string(r->location));
	if (r->device[0])
		json_object_set_new(o, "device", json_string(r->device));
	if (r->reporter[0])
		json_object_set_new(o, "reporter", json_string(r->reporter));
	if (r->note[0])
		json_object_set_new(o, "note", json_string(r->note));
	json_object_set_new(o, "silent", json_boolean(r->silent));
	json_object_set_new(o, "drill", json_boolean(r->drill));
	return msg_dump(o);
}

int
msg_respond_decode(const void *payload, size_t len, struct respond *rs,
    char *err, size_t errlen)
{
	static const struct field fields[] = {
		FINT("incident", 1, struct respond, incident, 1, 2147483647),
		FSTR("note", 0, struct respond, note),
	};
	char action[16] = "";
	static const struct field afield =
	    { "action", F_STR, 1, 0, sizeof action, 0, 0 };
	json_t *root;
	int rc = MSG_BAD;

	memset(rs, 0, sizeof *rs);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (fields_unpack(root, fields, NFIELDS(fields), rs, err, errlen) != 0)
		goto out;
	if (field_unpack(root, &afield, action, err, errlen) != 0)
		goto out;
	if ((rs->action = action_from_name(action)) < 0) {
		msg_err(err, errlen,
		    "action: must be ack, decline, arrived or resolve");
		goto out;
	}
	rc = MSG_OK;
out:
	json_decref(root);
	return rc;
}

char *
msg_respond_encode(const struct respond *rs)
{
	json_t *o = json_pack("{s:I, s:s}", "incident",
	    (json_int_t)rs->incident, "action", action_name(rs->action));

	if (o != NULL && rs->note[0])
		json_object_set_new(o, "note", json_string(rs->note));
	return msg_dump(o);
}

static void
msg_set_time(json_t *o, const char *key, int64_t ms)
{
	char buf[40];

	json_object_set_new(o, key, json_string(clock_fmt(ms, buf, sizeof buf)));
}

static void
msg_set_str(json_t *o, const char *key, const char *s)
{
	if (s != NULL && s[0] != '\0')
		json_object_set_new(o, key, json_string(s));
}

char *
msg_status_encode(const struct status *st)
{
	json_t *o;

	o = json_pack("{s:s, s:s, s:i, s:b, s:b, s:b, s:s}", "report",
	    st->report, "state", state_name(st->state), "notified",
	    st->notified, "call_911", st->call_911, "drill", st->drill,
	    "silent", st->silent, "message", st->message);
	if (o == NULL)
		fatalx("msg: cannot build status");
	if (st->incident > 0)
		json_object_set_new(o, "incident", json_integer(st->incident));
	msg_set_str(o, "by", st->by);
	msg_set_str(o, "by_role", st->by_role);
	msg_set_str(o, "error", st->error);
	msg_set_time(o, "ts", st->ts);
	return msg_dump(o);
}

static const struct field status_fields[] = {
	FSTR("report", 1, struct status, report),
	FINT("incident", 0, struct status, incident, 0, 0),
	FSTR("by", 0, struct status, by),
	FSTR("by_role", 0, struct status, by_role),
	FINT("notified", 0, struct status, notified, 0, 0),
	FBOOL("call_911", struct status, call_911),
	FBOOL("drill", struct status, drill),
	FBOOL("silent", struct status, silent),
	FSTR("message", 0, struct status, message),
	FSTR("error", 0, struct status, error),
	FTIME("ts", struct status, ts),
};

/* Decode a "state" field into an enum state. */
static int
msg_state(json_t *root, int *state, char *err, size_t errlen)
{
	char name[32] = "";
	static const struct field f = { "state", F_STR, 1, 0, 32, 0, 0 };

	if (field_unpack(root, &f, name, err, errlen) != 0)
		return -1;
	if ((*state = state_from_name(name)) < 0) {
		msg_err(err, errlen, "state: unknown state \"%s\"", name);
		return -1;
	}
	return 0;
}

int
msg_status_decode(const void *payload, size_t len, struct status *st,
    char *err, size_t errlen)
{
	json_t *root;
	int rc = MSG_BAD;

	memset(st, 0, sizeof *st);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (fields_unpack(root, status_fields, NFIELDS(status_fields), st,
	    err, errlen) == 0 && msg_state(root, &st->state, err, errlen) == 0)
		rc = MSG_OK;
	json_decref(root);
	return rc;
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
	    inc->r.drill, "silent", inc->r.silent, "call_911", inc->call_911);
	if (o == NULL)
		fatalx("msg: cannot build incident");
	return o;
}

char *
msg_notify_encode(const struct notify *n)
{
	json_t *o = msg_incident_base(n->inc);

	msg_set_str(o, "label", n->label);
	json_object_set_new(o, "role", json_string(n->role));
	json_object_set_new(o, "step", json_integer(n->step));
	json_object_set_new(o, "repeat", json_integer(n->repeat));
	msg_set_time(o, "ts", n->ts);
	return msg_dump(o);
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
};

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
	if (fields_unpack(root, incident_fields, 10, inc, err, errlen) == 0 &&
	    field_unpack(root, &rf, role, err, errlen) == 0)
		rc = MSG_OK;
	json_decref(root);
	return rc;
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
	json_t *root, *last;
	int rc = MSG_BAD;

	memset(inc, 0, sizeof *inc);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (fields_unpack(root, incident_fields, NFIELDS(incident_fields), inc,
	    err, errlen) != 0 || msg_state(root, &inc->state, err, errlen) != 0)
		goto out;
	last = json_object_get(root, "last");
	if (json_is_object(last) && fields_unpack(last, last_fields,
	    NFIELDS(last_fields), inc, err, errlen) != 0)
		goto out;
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
	return msg_dump(o);
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
	if (fields_unpack(root, fields, NFIELDS(fields), &e, error,
	    errlen) == 0) {
		strlcpy_utf8(error, e.error, errlen);
		*incident = e.incident;
		rc = MSG_OK;
	}
	json_decref(root);
	return rc;
}

char *
msg_daemon_encode(const char *state, int64_t ts)
{
	json_t *o = json_pack("{s:s, s:s}", "state", state, "version",
	    BEACON_VERSION);

	if (o != NULL)
		msg_set_time(o, "ts", ts);
	return msg_dump(o);
}
