/*
 * The protocol's JSON payloads (docs/protocol.md), both ways. This is the
 * only module that uses jansson.
 */
#include <limits.h>
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
	[ACT_BACKUP] = "backup",
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

/* The strings of a report that are cut to their limit, not refused: the
 * reporter is told which (docs/protocol.md, beacon/report). */
static const struct {
	const char *key;
	unsigned bit;
	size_t max;
} report_cuts[] = {
	{ "location", REPORT_CUT_LOCATION, LOCATION_MAX },
	{ "note", REPORT_CUT_NOTE, NOTE_MAX },
	{ "device", REPORT_CUT_DEVICE, DEVICE_MAX },
	{ "reporter", REPORT_CUT_REPORTER, REPORTER_MAX },
};

static unsigned
msg_report_cuts(json_t *root)
{
	unsigned bits = 0;
	json_t *v;
	size_t i;

	for (i = 0; i < NFIELDS(report_cuts); i++)
		if (json_is_string(v = json_object_get(root, report_cuts[i].key)) &&
		    json_string_length(v) > report_cuts[i].max)
			bits |= report_cuts[i].bit;
	return bits;
}

void
msg_shortened_text(unsigned bits, char *buf, size_t len)
{
	size_t i, off = 0;
	int n;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < NFIELDS(report_cuts) && off < len; i++) {
		if (!(bits & report_cuts[i].bit))
			continue;
		n = snprintf(buf + off, len - off, "%s%s shortened to %zu "
		    "bytes", off > 0 ? ", " : "", report_cuts[i].key,
		    report_cuts[i].max);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

static void
msg_set_shortened(json_t *o, unsigned bits)
{
	json_t *a;
	size_t i;

	if (bits == 0)
		return;
	a = json_array();
	for (i = 0; i < NFIELDS(report_cuts); i++)
		if (bits & report_cuts[i].bit)
			json_array_append_new(a,
			    json_string(report_cuts[i].key));
	json_object_set_new(o, "shortened", a);
}

static unsigned
msg_get_shortened(json_t *root)
{
	json_t *a = json_object_get(root, "shortened"), *v;
	unsigned bits = 0;
	size_t i, j;

	json_array_foreach(a, i, v)
		for (j = 0; j < NFIELDS(report_cuts); j++)
			if (json_is_string(v) && strcmp(json_string_value(v),
			    report_cuts[j].key) == 0)
				bits |= report_cuts[j].bit;
	return bits;
}

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
	/* Whatever else is wrong, the device counts against its limit. */
	if (json_is_string(json_object_get(root, "device")))
		strlcpy_utf8(r->device, json_string_value(json_object_get(root,
		    "device")), sizeof r->device);
	if (json_unpack_ex(root, &jerr, 0, "{s:s}", "id", &id) != 0) {
		msg_err(err, errlen, "id: required string");
		rc = MSG_NOID;
	} else if (!id_valid(id)) {
		msg_err(err, errlen,
		    "id: must be 1 to %d characters of A-Za-z0-9._:-", ID_MAX);
		rc = MSG_NOID;
	} else {
		strlcpy_utf8(r->id, id, sizeof r->id);
		r->shortened = msg_report_cuts(root);
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
		FSTR("role", 0, struct respond, role),
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
		    "action: must be ack, decline, arrived, resolve or "
		    "backup");
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
	if (o != NULL && rs->role[0])
		json_object_set_new(o, "role", json_string(rs->role));
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

/* Incident ids as a JSON array. */
static json_t *
msg_ids(const int64_t *ids, int n)
{
	json_t *a = json_array();
	int i;

	if (a == NULL)
		fatalx("msg: cannot build a list of incidents");
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_integer(ids[i]));
	return a;
}

/* Up to RELATED_MAX positive incident ids from a JSON array; how many. */
static int
msg_ids_unpack(json_t *a, int64_t *ids)
{
	size_t i;
	int n = 0;

	for (i = 0; json_is_array(a) && i < json_array_size(a) &&
	    n < RELATED_MAX; i++)
		if (json_integer_value(json_array_get(a, i)) > 0)
			ids[n++] = json_integer_value(json_array_get(a, i));
	return n;
}

/* The acknowledgments, awaited roles and instruction of a status. */
static void
msg_status_feedback(json_t *o, const struct status *st)
{
	json_t *a;
	size_t i;

	if (st->nacked > 0) {
		a = json_array();
		for (i = 0; i < st->nacked && i < STATUS_ACKS; i++) {
			json_t *x = json_pack("{s:s, s:s}", "by",
			    st->acked[i].by, "role", st->acked[i].role);

			if (x == NULL)
				fatalx("msg: cannot build status");
			msg_set_str(x, "label", st->acked[i].label);
			msg_set_str(x, "name", st->acked[i].name);
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "acked", a);
	}
	if (st->nawaiting > 0) {
		a = json_array();
		for (i = 0; i < st->nawaiting && i < STATUS_ACKS; i++)
			json_array_append_new(a,
			    json_string(st->awaiting[i]));
		json_object_set_new(o, "awaiting", a);
	}
	msg_set_str(o, "instruction", st->instruction);
}

/* labels: n strings of LABEL_MAX + 1 bytes. */
static json_t *
msg_labels(const void *labels, size_t n)
{
	const char (*v)[LABEL_MAX + 1] = labels;
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n && i < STATUS_ACKS; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static void
msg_status_escalation(json_t *o, const struct status_escalation *x)
{
	json_t *e;

	if (x->step <= 0)
		return;
	e = json_pack("{s:i}", "step", x->step);
	if (e == NULL)
		fatalx("msg: cannot build status");
	msg_set_time(e, "at", x->at);
	json_object_set_new(e, "called", msg_labels(x->called, x->ncalled));
	json_object_set_new(e, "declined", msg_labels(x->declined,
	    x->ndeclined));
	json_object_set_new(e, "unanswered", msg_labels(x->unanswered,
	    x->nunanswered));
	json_object_set_new(o, "escalation", e);
}

/* An array of labels into v; what is not a string is left out. */
static void
msg_labels_get(json_t *a, char (*v)[LABEL_MAX + 1], size_t *n)
{
	size_t i;

	*n = 0;
	for (i = 0; json_is_array(a) && i < json_array_size(a) &&
	    *n < STATUS_ACKS; i++)
		if (json_is_string(json_array_get(a, i)))
			strlcpy_utf8(v[(*n)++], json_string_value(
			    json_array_get(a, i)), LABEL_MAX + 1);
}

static int
msg_status_escalation_get(json_t *root, struct status_escalation *x,
    char *err, size_t errlen)
{
	static const struct field fields[] = {
		FINT("step", 1, struct status_escalation, step, 1, 1000),
		FTIME("at", struct status_escalation, at),
	};
	json_t *e = json_object_get(root, "escalation");

	if (!json_is_object(e))
		return 0;
	if (fields_unpack(e, fields, NFIELDS(fields), x, err, errlen) != 0)
		return -1;
	msg_labels_get(json_object_get(e, "called"), x->called, &x->ncalled);
	msg_labels_get(json_object_get(e, "declined"), x->declined,
	    &x->ndeclined);
	msg_labels_get(json_object_get(e, "unanswered"), x->unanswered,
	    &x->nunanswered);
	return 0;
}

char *
msg_status_encode(const struct status *st)
{
	json_t *o;

	o = json_pack("{s:s, s:s, s:i, s:b, s:b, s:b, s:s}", "report",
	    st->report, "state", state_name(st->state), "notified",
	    st->notified, "call_911", st->call_911 && !st->drill, "drill",
	    st->drill, "silent", st->silent, "message", st->message);
	if (o == NULL)
		fatalx("msg: cannot build status");
	/* A drill never tells anyone to call 911: it says a real event
	 * would. */
	if (st->would_call_911 || (st->call_911 && st->drill))
		json_object_set_new(o, "would_call_911", json_true());
	msg_set_shortened(o, st->shortened);
	if (st->incident > 0)
		json_object_set_new(o, "incident", json_integer(st->incident));
	msg_set_str(o, "by", st->by);
	msg_set_str(o, "by_role", st->by_role);
	msg_set_str(o, "error", st->error);
	msg_set_time(o, "ts", st->ts);
	if (st->presses > 1)
		json_object_set_new(o, "presses", json_integer(st->presses));
	if (st->cancel_until > 0)
		msg_set_time(o, "cancel_until", st->cancel_until);
	msg_status_feedback(o, st);
	if (st->nrelated > 0)
		json_object_set_new(o, "related", msg_ids(st->related,
		    st->nrelated));
	msg_status_escalation(o, &st->esc);
	return msg_dump(o);
}

static const struct field status_fields[] = {
	FSTR("report", 1, struct status, report),
	FINT("incident", 0, struct status, incident, 0, 0),
	FSTR("by", 0, struct status, by),
	FSTR("by_role", 0, struct status, by_role),
	FINT("notified", 0, struct status, notified, 0, 0),
	FBOOL("call_911", struct status, call_911),
	FBOOL("would_call_911", struct status, would_call_911),
	FBOOL("drill", struct status, drill),
	FBOOL("silent", struct status, silent),
	FSTR("message", 0, struct status, message),
	FSTR("error", 0, struct status, error),
	FTIME("ts", struct status, ts),
	FINT("presses", 0, struct status, presses, 0, 0),
	FTIME("cancel_until", struct status, cancel_until),
	FSTR("instruction", 0, struct status, instruction),
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
	    err, errlen) == 0 &&
	    msg_state(root, &st->state, err, errlen) == 0 &&
	    msg_status_escalation_get(root, &st->esc, err, errlen) == 0) {
		st->nrelated = msg_ids_unpack(json_object_get(root, "related"),
		    st->related);
		rc = MSG_OK;
	}
	st->shortened = msg_get_shortened(root);
	json_decref(root);
	return rc;
}

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
static int
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
	if (n->inc->r.silent)
		msg_set_str(o, "advice", MSG_SILENT_ADVICE);
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
	if (fields_unpack(root, incident_fields, 10, inc, err, errlen) == 0 &&
	    field_unpack(root, &rf, role, err, errlen) == 0) {
		msg_incident_lists_unpack(root, inc);
		rc = MSG_OK;
	}
	msg_would_call(root, inc);
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
	json_object_set_new(o, "nsteps", json_integer(inc->nsteps));
	json_object_set_new(o, "hold", json_boolean(inc->hold));
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
	json_t *root, *last;
	int rc = MSG_BAD;

	memset(inc, 0, sizeof *inc);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (fields_unpack(root, incident_fields, NFIELDS(incident_fields), inc,
	    err, errlen) != 0 || msg_state(root, &inc->state, err, errlen) != 0)
		goto out;
	/* An outcome this client does not know stays unknown. */
	if (json_is_string(json_object_get(root, "outcome")))
		inc->outcome = outcome_from_name(json_string_value(
		    json_object_get(root, "outcome")));
	if (inc->outcome < 0)
		inc->outcome = OUTCOME_UNKNOWN;
	last = json_object_get(root, "last");
	if (json_is_object(last) && fields_unpack(last, last_fields,
	    NFIELDS(last_fields), inc, err, errlen) != 0)
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
	rc = fields_unpack(root, fields, NFIELDS(fields), ev, err, errlen) == 0
	    ? MSG_OK : MSG_BAD;
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

char *
msg_daemon_degraded_encode(const char *reason, int64_t since,
    size_t backlog, int64_t ts)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:I}", "state", "degraded",
	    "version", BEACON_VERSION, "reason", reason ? reason : "",
	    "backlog", (json_int_t)backlog);

	if (o != NULL) {
		msg_set_time(o, "since", since);
		msg_set_time(o, "ts", ts);
	}
	return msg_dump(o);
}

char *
msg_admin_notice_encode(const char *kind, const char *message, int64_t ts)
{
	json_t *o = json_pack("{s:s, s:s}", "kind", kind, "message",
	    message ? message : "");

	if (o != NULL)
		msg_set_time(o, "ts", ts);
	return msg_dump(o);
}

struct daemon_status {
	char state[16];
	int64_t ts;
};

static const struct field daemon_fields[] = {
	FSTR("state", 1, struct daemon_status, state),
	FTIME("ts", struct daemon_status, ts),
};

int
msg_daemon_decode(const void *payload, size_t len, char *state, int64_t *ts,
    char *err, size_t errlen)
{
	struct daemon_status ds;
	json_t *root;
	int rc = MSG_BAD;

	memset(&ds, 0, sizeof ds);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_BAD;
	if (fields_unpack(root, daemon_fields, NFIELDS(daemon_fields), &ds,
	    err, errlen) == 0) {
		memcpy(state, ds.state, sizeof ds.state);
		*ts = ds.ts;
		rc = MSG_OK;
	}
	json_decref(root);
	return rc;
}

char *
msg_standby_encode(const char *state, const char *note, int64_t ts)
{
	json_t *o = json_pack("{s:s, s:s}", "state", state, "version",
	    BEACON_VERSION);

	if (o != NULL && note != NULL && json_object_set_new(o, "note",
	    json_string(note)) != 0) {
		json_decref(o);
		o = NULL;
	}
	if (o != NULL)
		msg_set_time(o, "ts", ts);
	return msg_dump(o);
}

int
msg_standby_note(const void *payload, size_t len, char *note,
    size_t notelen)
{
	char err[64];
	json_t *root, *v;
	int rc = -1;

	note[0] = '\0';
	if ((root = msg_load(payload, len, err, sizeof err)) == NULL)
		return -1;
	if ((v = json_object_get(root, "note")) != NULL &&
	    json_is_string(v)) {
		strlcpy_utf8(note, json_string_value(v), notelen);
		rc = 0;
	}
	json_decref(root);
	return rc;
}

char *
msg_lease_encode(const struct lease *l)
{
	json_t *o = json_pack("{s:s, s:I, s:i}", "instance", l->instance,
	    "term", (json_int_t)l->term, "lease", l->lease);

	if (o != NULL) {
		msg_set_time(o, "expires", l->expires);
		msg_set_time(o, "ts", l->ts);
	}
	return msg_dump(o);
}

static const struct field lease_fields[] = {
	FSTR("instance", 1, struct lease, instance),
	{ "term", F_INT, 1, offsetof(struct lease, term), sizeof(int64_t), 1,
	    INT_MAX },
	FINT("lease", 1, struct lease, lease, 1, 3600),
	FTIME("expires", struct lease, expires),
	FTIME("ts", struct lease, ts),
};

int
msg_lease_decode(const void *payload, size_t len, struct lease *l,
    char *err, size_t errlen)
{
	json_t *root;
	int rc = MSG_BAD;

	memset(l, 0, sizeof *l);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_BAD;
	if (fields_unpack(root, lease_fields, NFIELDS(lease_fields), l, err,
	    errlen) == 0) {
		if (l->instance[0] == '\0')
			msg_err(err, errlen, "instance: must not be empty");
		else
			rc = MSG_OK;
	}
	json_decref(root);
	return rc;
}

char *
msg_heartbeat_encode(const struct heartbeat *hb)
{
	json_t *o = json_pack("{s:s, s:i, s:I, s:i, s:[]}", "version",
	    BEACON_VERSION, "interval", hb->interval, "open",
	    (json_int_t)hb->open, "devices_offline", hb->offline, "offline");
	json_t *a = o != NULL ? json_object_get(o, "offline") : NULL;
	size_t i;

	if (o == NULL)
		fatalx("msg: cannot build a heartbeat");
	msg_set_time(o, "ts", hb->ts);
	msg_set_time(o, "started", hb->started);
	for (i = 0; i < hb->nlisted; i++) {
		const struct device *d = &hb->listed[i];
		json_t *v = json_pack("{s:s, s:s, s:s}", "branch", d->branch,
		    "device", d->device, "device_kind", d->kind);

		if (v == NULL)
			fatalx("msg: cannot build a heartbeat");
		msg_set_time(v, "since", d->since);
		json_array_append_new(a, v);
	}
	return msg_dump(o);
}

/* ---- debriefs ------------------------------------------------------------ */

/* A string field naming one of a fixed set (enum <-> name). */
static int
msg_enum(json_t *o, const char *key, int (*from)(const char *), int *out,
    const char *allowed, char *err, size_t errlen)
{
	char buf[32] = "";
	const struct field f = { key, F_STR, 0, 0, sizeof buf, 0, 0 };
	int v;

	if (field_unpack(o, &f, buf, err, errlen) != 0)
		return -1;
	if (buf[0] == '\0')
		return 0;
	if ((v = from(buf)) < 0) {
		msg_err(err, errlen, "%s: must be %s", key, allowed);
		return -1;
	}
	*out = v;
	return 0;
}

static int
msg_date(json_t *o, const char *key, char *dst, char *err, size_t errlen)
{
	const struct field f = { key, F_STR, 0, 0, DATE_MAX + 2, 0, 0 };
	char buf[DATE_MAX + 2] = "";

	if (field_unpack(o, &f, buf, err, errlen) != 0)
		return -1;
	if (buf[0] != '\0' && !date_valid(buf)) {
		msg_err(err, errlen, "%s: must be a date, YYYY-MM-DD", key);
		return -1;
	}
	memcpy(dst, buf, DATE_MAX + 1);
	dst[DATE_MAX] = '\0';
	return 0;
}

/* The array under key: NULL when absent, -1 (err set) when not an array
 * or longer than max. */
static int
msg_array(json_t *o, const char *key, size_t max, json_t **out, char *err,
    size_t errlen)
{
	json_t *a = json_object_get(o, key);

	*out = NULL;
	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a)) {
		msg_err(err, errlen, "%s: must be an array", key);
		return -1;
	}
	if (json_array_size(a) > max) {
		msg_err(err, errlen, "%s: at most %zu entries", key, max);
		return -1;
	}
	*out = a;
	return 0;
}

static const struct field wellbeing_fields[] = {
	FTIME("at", struct debrief, wb_at),
	FSTR("facilitator", 0, struct debrief, wb_facilitator),
	FINT("participants", 0, struct debrief, wb_participants, 0, 10000),
	FSTR("support", 0, struct debrief, wb_support),
};

static const struct field review_fields[] = {
	FSTR("route_note", 0, struct debrief, route_note),
	FSTR("went_well", 0, struct debrief, went_well),
	FSTR("to_improve", 0, struct debrief, to_improve),
	FSTR("training", 0, struct debrief, training),
};

static const struct field referral_fields[] = {
	FSTR("type", 1, struct debrief_referral, type),
	FINT("count", 0, struct debrief_referral, count, 1, 10000),
};

static const struct field action_fields[] = {
	FSTR("what", 1, struct debrief_action, what),
	FSTR("owner", 0, struct debrief_action, owner),
};

static int
msg_wellbeing(json_t *w, struct debrief *d, char *err, size_t errlen)
{
	if (msg_enum(w, "status", wellbeing_from_name, &d->wb,
	    "offered, held, declined or not_offered", err, errlen) != 0 ||
	    fields_unpack(w, wellbeing_fields, NFIELDS(wellbeing_fields), d,
	    err, errlen) != 0 ||
	    msg_date(w, "follow_up", d->wb_follow_up, err, errlen) != 0)
		return -1;
	return 0;
}

static int
msg_notices(json_t *r, struct debrief *d, char *err, size_t errlen)
{
	json_t *a, *v;
	size_t i;

	if (msg_array(r, "notices", DEBRIEF_LIST_MAX, &a, err, errlen) != 0)
		return -1;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || !id_valid(json_string_value(v))) {
			msg_err(err, errlen, "notices[%zu]: must be a notice "
			    "type id", i);
			return -1;
		}
		strlcpy_utf8(d->notices[i], json_string_value(v),
		    sizeof d->notices[i]);
		d->nnotices = i + 1;
	}
	return 0;
}

/* Each element of an array of objects through a field table. */
static int
msg_objects(json_t *r, const char *key, const struct field *fields,
    size_t nfields, void *base, size_t size, size_t *n, char *err,
    size_t errlen)
{
	json_t *a, *v;
	size_t i;
	char sub[DETAIL_MAX];

	if (msg_array(r, key, DEBRIEF_LIST_MAX, &a, err, errlen) != 0)
		return -1;
	json_array_foreach(a, i, v) {
		if (!json_is_object(v)) {
			msg_err(err, errlen, "%s[%zu]: must be an object", key,
			    i);
			return -1;
		}
		if (fields_unpack(v, fields, nfields, (char *)base + i * size,
		    sub, sizeof sub) != 0) {
			msg_err(err, errlen, "%s[%zu].%s", key, i, sub);
			return -1;
		}
		*n = i + 1;
	}
	return 0;
}

static int
msg_actions(json_t *r, struct debrief *d, char *err, size_t errlen)
{
	json_t *a = json_object_get(r, "actions");
	size_t i;

	if (msg_objects(r, "actions", action_fields, NFIELDS(action_fields),
	    d->actions, sizeof d->actions[0], &d->nactions, err, errlen) != 0)
		return -1;
	for (i = 0; i < d->nactions; i++) {
		json_t *v = json_array_get(a, i);
		char sub[DETAIL_MAX];

		d->actions[i].status = AS_OPEN;
		if (msg_date(v, "due", d->actions[i].due, sub,
		    sizeof sub) != 0 ||
		    msg_enum(v, "status", action_status_from_name,
		    &d->actions[i].status, "open, done or dropped", sub,
		    sizeof sub) != 0) {
			msg_err(err, errlen, "actions[%zu].%s", i, sub);
			return -1;
		}
	}
	return 0;
}

static int
msg_review(json_t *r, struct debrief *d, char *err, size_t errlen)
{
	size_t i;

	if (msg_enum(r, "route", route_from_name, &d->route,
	    "right or wrong", err, errlen) != 0 ||
	    fields_unpack(r, review_fields, NFIELDS(review_fields), d, err,
	    errlen) != 0 || msg_notices(r, d, err, errlen) != 0 ||
	    msg_objects(r, "referrals", referral_fields,
	    NFIELDS(referral_fields), d->referrals, sizeof d->referrals[0],
	    &d->nreferrals, err, errlen) != 0 ||
	    msg_actions(r, d, err, errlen) != 0)
		return -1;
	for (i = 0; i < d->nreferrals; i++) {
		if (d->referrals[i].count == 0)
			d->referrals[i].count = 1;
		if (!id_valid(d->referrals[i].type)) {
			msg_err(err, errlen, "referrals[%zu].type: must be "
			    "a referral type id", i);
			return -1;
		}
	}
	return 0;
}

static const struct field debrief_meta[] = {
	FINT("incident", 0, struct debrief, incident, 0, 0),
	FINT("revision", 0, struct debrief, revision, 0, 0),
	FSTR("author", 0, struct debrief, author),
	FTIME("ts", struct debrief, ts),
};

/* One part of the record: an error inside it names the part, as in
 * "wellbeing.status: must be ...". */
static int
msg_debrief_part(json_t *o, const char *key,
    int (*fn)(json_t *, struct debrief *, char *, size_t), struct debrief *d,
    char *err, size_t errlen)
{
	json_t *p = json_object_get(o, key);
	char sub[DETAIL_MAX];

	if (p == NULL || json_is_null(p))
		return 0;
	if (!json_is_object(p)) {
		msg_err(err, errlen, "%s: must be an object", key);
		return -1;
	}
	if (fn(p, d, sub, sizeof sub) != 0) {
		msg_err(err, errlen, "%s.%s", key, sub);
		return -1;
	}
	return 0;
}

static int
msg_debrief_json(json_t *o, struct debrief *d, char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	if (!json_is_object(o)) {
		msg_err(err, errlen, "debrief: must be an object");
		return -1;
	}
	if (fields_unpack(o, debrief_meta, NFIELDS(debrief_meta), d, err,
	    errlen) != 0 ||
	    msg_debrief_part(o, "wellbeing", msg_wellbeing, d, err,
	    errlen) != 0 ||
	    msg_debrief_part(o, "review", msg_review, d, err, errlen) != 0)
		return -1;
	return 0;
}

int
msg_debrief_decode(const void *payload, size_t len, struct debrief *d,
    char *err, size_t errlen)
{
	json_t *root;
	int rc;

	memset(d, 0, sizeof *d);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	rc = msg_debrief_json(root, d, err, errlen) == 0 ? MSG_OK : MSG_BAD;
	json_decref(root);
	return rc;
}

static json_t *
msg_debrief_wellbeing(const struct debrief *d)
{
	json_t *w = json_object();

	msg_set_str(w, "status", wellbeing_name(d->wb));
	if (d->wb_at > 0)
		msg_set_time(w, "at", d->wb_at);
	msg_set_str(w, "facilitator", d->wb_facilitator);
	if (d->wb_participants > 0)
		json_object_set_new(w, "participants",
		    json_integer(d->wb_participants));
	msg_set_str(w, "follow_up", d->wb_follow_up);
	msg_set_str(w, "support", d->wb_support);
	return w;
}

static json_t *
msg_debrief_review(const struct debrief *d)
{
	json_t *r = json_object(), *a;
	size_t i;

	msg_set_str(r, "route", route_name(d->route));
	msg_set_str(r, "route_note", d->route_note);
	msg_set_str(r, "went_well", d->went_well);
	msg_set_str(r, "to_improve", d->to_improve);
	msg_set_str(r, "training", d->training);
	a = json_array();
	for (i = 0; i < d->nnotices; i++)
		json_array_append_new(a, json_string(d->notices[i]));
	json_object_set_new(r, "notices", a);
	a = json_array();
	for (i = 0; i < d->nreferrals; i++)
		json_array_append_new(a, json_pack("{s:s, s:i}", "type",
		    d->referrals[i].type, "count", d->referrals[i].count));
	json_object_set_new(r, "referrals", a);
	a = json_array();
	for (i = 0; i < d->nactions; i++) {
		const struct debrief_action *x = &d->actions[i];
		json_t *o = json_pack("{s:s, s:s}", "what", x->what, "status",
		    action_status_name(x->status));

		msg_set_str(o, "owner", x->owner);
		msg_set_str(o, "due", x->due);
		json_array_append_new(a, o);
	}
	json_object_set_new(r, "actions", a);
	return r;
}

static json_t *
msg_debrief_object(const struct debrief *d)
{
	json_t *o = json_pack("{s:I}", "incident", (json_int_t)d->incident);

	if (o == NULL)
		fatalx("msg: cannot build debrief");
	if (d->revision > 0)
		json_object_set_new(o, "revision", json_integer(d->revision));
	msg_set_str(o, "author", d->author);
	if (d->ts > 0)
		msg_set_time(o, "ts", d->ts);
	json_object_set_new(o, "wellbeing", msg_debrief_wellbeing(d));
	json_object_set_new(o, "review", msg_debrief_review(d));
	return o;
}

char *
msg_debrief_encode(const struct debrief *d)
{
	return msg_dump(msg_debrief_object(d));
}

/* Append name to buf (", "-separated) when the parts differ. */
static void
msg_diff_one(char *buf, size_t len, const char *name, int differs)
{
	size_t n = strlen(buf);

	if (!differs || n + 1 >= len)
		return;
	snprintf(buf + n, len - n, "%s%s", n > 0 ? ", " : "", name);
}

#define DIFF_FIELD(buf, len, a, b, name, m)                                    \
	msg_diff_one(buf, len, name, memcmp(&(a)->m, &(b)->m, sizeof (a)->m))
#define DIFF_STR(buf, len, a, b, name, m)                                      \
	msg_diff_one(buf, len, name, strcmp((a)->m, (b)->m) != 0)

void
msg_debrief_diff(const struct debrief *a, const struct debrief *b, char *buf,
    size_t len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	DIFF_FIELD(buf, len, a, b, "wellbeing.status", wb);
	DIFF_FIELD(buf, len, a, b, "wellbeing.at", wb_at);
	DIFF_STR(buf, len, a, b, "wellbeing.facilitator", wb_facilitator);
	DIFF_FIELD(buf, len, a, b, "wellbeing.participants", wb_participants);
	DIFF_STR(buf, len, a, b, "wellbeing.follow_up", wb_follow_up);
	DIFF_STR(buf, len, a, b, "wellbeing.support", wb_support);
	DIFF_FIELD(buf, len, a, b, "review.route", route);
	DIFF_STR(buf, len, a, b, "review.route_note", route_note);
	DIFF_STR(buf, len, a, b, "review.went_well", went_well);
	DIFF_STR(buf, len, a, b, "review.to_improve", to_improve);
	DIFF_STR(buf, len, a, b, "review.training", training);
	msg_diff_one(buf, len, "review.notices", a->nnotices != b->nnotices ||
	    memcmp(a->notices, b->notices, sizeof a->notices) != 0);
	msg_diff_one(buf, len, "review.referrals",
	    a->nreferrals != b->nreferrals ||
	    memcmp(a->referrals, b->referrals, sizeof a->referrals) != 0);
	msg_diff_one(buf, len, "review.actions", a->nactions != b->nactions ||
	    memcmp(a->actions, b->actions, sizeof a->actions) != 0);
}

/* ---- supervisor requests --------------------------------------------- */

static const char *const query_names[Q_COUNT] = {
	[Q_INCIDENTS] = "incidents",
	[Q_TIMELINE] = "timeline",
	[Q_DEBRIEF] = "debrief",
	[Q_RECORD] = "record",
	[Q_HOLD] = "hold",
	[Q_CORRECT] = "correct",
	[Q_PURGE] = "purge",
	[Q_MODE] = "branch_mode",
};

const char *
query_method_name(int m)
{
	return m >= 0 && m < Q_COUNT ? query_names[m] : NULL;
}

int
query_method_from_name(const char *s)
{
	int i;

	for (i = 0; i < Q_COUNT; i++)
		if (strcmp(query_names[i], s) == 0)
			return i;
	return -1;
}

static const struct field query_fields[] = {
	FINT("incident", 0, struct query, incident, 1, 2147483647),
	FINT("event", 0, struct query, event, 1, 2147483647),
	FBOOL("all", struct query, all),
	FBOOL("hold", struct query, hold),
	FBOOL("dry_run", struct query, dry_run),
	FSTR("note", 0, struct query, note),
	FTIME("since", struct query, since),
	FTIME("until", struct query, until),
	FSTR("branch", 0, struct query, branch),
	FSTR("type", 0, struct query, type),
	FSTR("responder", 0, struct query, responder),
	FINT("severity", 0, struct query, severity, 1, 4),
	FBOOL("open", struct query, open),
	FINT("limit", 0, struct query, limit, 1, 1000000),
	FSTR("mode", 0, struct query, mode),
	FBOOL("stop", struct query, stop),
};

/* branch_mode: a branch, a mode, and an end (until) or stop. */
static int
msg_mode_check(const struct query *q, char *err, size_t errlen)
{
	if (q->branch[0] == '\0')
		msg_err(err, errlen, "branch: required");
	else if (strcmp(q->mode, "drill") != 0 && strcmp(q->mode, "pause") != 0)
		msg_err(err, errlen, "mode: must be drill or pause");
	else if (!q->stop && q->until <= 0)
		msg_err(err, errlen, "until: required (or stop: true)");
	else if (q->stop && q->until > 0)
		msg_err(err, errlen, "until: not with stop");
	else
		return 0;
	return -1;
}

/* The methods that need an incident. */
static int
query_needs_incident(int m)
{
	return m == Q_TIMELINE || m == Q_DEBRIEF || m == Q_RECORD ||
	    m == Q_HOLD || m == Q_CORRECT;
}

static int
msg_query_fields(json_t *root, struct query *q, char *err, size_t errlen)
{
	json_t *v;

	if (fields_unpack(root, query_fields, NFIELDS(query_fields), q, err,
	    errlen) != 0)
		return -1;
	if ((v = json_object_get(root, "drill")) != NULL && !json_is_null(v)) {
		if (!json_is_boolean(v)) {
			msg_err(err, errlen, "drill: must be true or false");
			return -1;
		}
		q->drill = json_is_true(v);
	}
	if ((v = json_object_get(root, "state")) != NULL && !json_is_null(v) &&
	    msg_state(root, &q->state, err, errlen) != 0)
		return -1;
	v = json_object_get(root, "outcome");
	if (v != NULL && !json_is_null(v) && (!json_is_string(v) ||
	    (q->outcome = outcome_from_name(json_string_value(v))) < 0)) {
		q->outcome = OUTCOME_UNKNOWN;
		msg_err(err, errlen, "outcome: must be real, cancelled, "
		    "false_alarm, drill or test");
		return -1;
	}
	if (query_needs_incident(q->method) && q->incident == 0) {
		msg_err(err, errlen, "incident: required");
		return -1;
	}
	if (q->method == Q_MODE && msg_mode_check(q, err, errlen) != 0)
		return -1;
	if (q->method == Q_CORRECT && (q->event == 0 || q->note[0] == '\0')) {
		msg_err(err, errlen, "%s: required",
		    q->event == 0 ? "event" : "note");
		return -1;
	}
	return 0;
}

int
msg_query_decode(const void *payload, size_t len, struct query *q,
    char *err, size_t errlen)
{
	char method[16] = "";
	const struct field mf = { "method", F_STR, 1, 0, sizeof method, 0, 0 };
	json_t *root, *d;
	int rc = MSG_BAD;

	memset(q, 0, sizeof *q);
	q->state = q->drill = -1;
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (field_unpack(root, &mf, method, err, errlen) != 0)
		goto out;
	if ((q->method = query_method_from_name(method)) < 0) {
		msg_err(err, errlen, "method: must be incidents, timeline, "
		    "debrief, record, hold, correct, purge or branch_mode");
		goto out;
	}
	if (msg_query_fields(root, q, err, errlen) != 0)
		goto out;
	if (q->method == Q_RECORD) {
		char sub[DETAIL_MAX];

		if ((d = json_object_get(root, "debrief")) == NULL) {
			msg_err(err, errlen, "debrief: required");
			goto out;
		}
		if (msg_debrief_json(d, &q->debrief, sub, sizeof sub) != 0) {
			msg_err(err, errlen, "debrief.%s", sub);
			goto out;
		}
		q->debrief.incident = q->incident;
	}
	rc = MSG_OK;
out:
	json_decref(root);
	return rc;
}

char *
msg_query_encode(const struct query *q)
{
	json_t *o = json_pack("{s:s}", "method", query_method_name(q->method));

	if (o == NULL)
		fatalx("msg: cannot build query");
	if (q->incident > 0)
		json_object_set_new(o, "incident", json_integer(q->incident));
	if (q->event > 0)
		json_object_set_new(o, "event", json_integer(q->event));
	if (q->all)
		json_object_set_new(o, "all", json_true());
	if (q->method == Q_HOLD)
		json_object_set_new(o, "hold", json_boolean(q->hold));
	if (q->dry_run)
		json_object_set_new(o, "dry_run", json_true());
	msg_set_str(o, "note", q->note);
	if (q->since > 0)
		msg_set_time(o, "since", q->since);
	if (q->until > 0)
		msg_set_time(o, "until", q->until);
	msg_set_str(o, "branch", q->branch);
	msg_set_str(o, "type", q->type);
	msg_set_str(o, "responder", q->responder);
	if (q->severity > 0)
		json_object_set_new(o, "severity", json_integer(q->severity));
	if (q->state >= 0)
		msg_set_str(o, "state", state_name(q->state));
	if (q->open)
		json_object_set_new(o, "open", json_true());
	if (q->drill >= 0)
		json_object_set_new(o, "drill", json_boolean(q->drill));
	if (outcome_name(q->outcome) != NULL)
		msg_set_str(o, "outcome", outcome_name(q->outcome));
	if (q->limit > 0)
		json_object_set_new(o, "limit", json_integer(q->limit));
	msg_set_str(o, "mode", q->mode);
	if (q->stop)
		json_object_set_new(o, "stop", json_true());
	if (q->method == Q_RECORD)
		json_object_set_new(o, "debrief",
		    msg_debrief_object(&q->debrief));
	return msg_dump(o);
}

/* ---- replies ----------------------------------------------------------- */

struct msg_reply {
	json_t *root;
};

struct msg_reply *
msg_reply_new(int method)
{
	struct msg_reply *r = xcalloc(1, sizeof *r);

	r->root = json_pack("{s:b, s:s}", "ok", 1, "method",
	    query_method_name(method) ? query_method_name(method) : "");
	if (r->root == NULL)
		fatalx("msg: cannot build reply");
	return r;
}

static json_t *
msg_item(char *item)
{
	json_error_t jerr;
	json_t *v;

	if ((v = json_loads(item, 0, &jerr)) == NULL)
		fatalx("msg: reply item is not JSON: %s", jerr.text);
	free(item);
	return v;
}

void
msg_reply_add(struct msg_reply *r, const char *key, char *item)
{
	json_t *a = json_object_get(r->root, key);

	if (a == NULL) {
		a = json_array();
		json_object_set_new(r->root, key, a);
	}
	if (item != NULL)
		json_array_append_new(a, msg_item(item));
}

void
msg_reply_set_json(struct msg_reply *r, const char *key, char *item)
{
	json_object_set_new(r->root, key, msg_item(item));
}

void
msg_reply_set_int(struct msg_reply *r, const char *key, int64_t v)
{
	json_object_set_new(r->root, key, json_integer(v));
}

void
msg_reply_set_str(struct msg_reply *r, const char *key, const char *v)
{
	json_object_set_new(r->root, key, json_string(v));
}

char *
msg_reply_finish(struct msg_reply *r, const char *error)
{
	json_t *root = r->root;

	if (error != NULL) {
		json_t *m = json_incref(json_object_get(root, "method"));

		json_decref(root);
		root = json_pack("{s:b, s:o, s:s}", "ok", 0, "method", m,
		    "error", error);
	}
	free(r);
	return msg_dump(root);
}

/* Replies may be far larger than a report: no PAYLOAD_MAX here. */
static json_t *
msg_load_reply(const void *payload, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loadb(payload, len, 0, &jerr);

	if (root == NULL || !json_is_object(root) ||
	    !json_is_boolean(json_object_get(root, "ok"))) {
		msg_err(err, errlen, "not a reply from beacond");
		json_decref(root);
		return NULL;
	}
	return root;
}

int
msg_reply_decode(const void *payload, size_t len, const char *key,
    msg_item_cb cb, void *arg, char *err, size_t errlen)
{
	json_t *root, *a, *v;
	size_t i;
	char *s;
	int rc = MSG_OK;

	if ((root = msg_load_reply(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (!json_is_true(json_object_get(root, "ok"))) {
		v = json_object_get(root, "error");
		msg_err(err, errlen, "%s", json_is_string(v) ?
		    json_string_value(v) : "refused");
		json_decref(root);
		return MSG_BAD;
	}
	a = key != NULL ? json_object_get(root, key) : NULL;
	if (json_is_object(a) && cb != NULL) {
		s = msg_dump(json_incref(a));
		rc = cb(s, strlen(s), arg) != 0 ? MSG_BAD : MSG_OK;
		free(s);
	}
	json_array_foreach(json_is_array(a) ? a : NULL, i, v) {
		if (cb == NULL)
			break;
		/* Every item is an object; json_dumps cannot encode the
		 * rest, and a bad reply must not be fatal. */
		if (!json_is_object(v)) {
			msg_err(err, errlen, "%s[%zu]: must be an object", key,
			    i);
			rc = MSG_BAD;
			break;
		}
		s = msg_dump(json_incref(v));
		if (cb(s, strlen(s), arg) != 0)
			rc = MSG_BAD;
		free(s);
		if (rc != MSG_OK)
			break;
	}
	json_decref(root);
	return rc;
}

int64_t
msg_reply_int(const void *payload, size_t len, const char *key)
{
	json_t *root = msg_load_reply(payload, len, NULL, 0), *v;
	int64_t n = -1;

	if (root == NULL)
		return -1;
	if (json_is_integer(v = json_object_get(root, key)))
		n = json_integer_value(v);
	json_decref(root);
	return n;
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
	msg_set_time(o, "ts", n->ts);
	return msg_dump(o);
}

/* ---- debrief notices ------------------------------------------------- */

char *
msg_debrief_notice_encode(const struct incident *inc, const char *kind,
    const char *label, int64_t due, const char *message, int64_t ts)
{
	json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:b, s:s}", "kind",
	    kind, "incident", (json_int_t)inc->id, "report", inc->r.id,
	    "branch", inc->branch, "type", inc->r.type, "drill", inc->r.drill,
	    "message", message);

	if (o == NULL)
		fatalx("msg: cannot build debrief notice");
	msg_set_str(o, "label", label);
	msg_set_time(o, "due", due);
	msg_set_time(o, "ts", ts);
	return msg_dump(o);
}

/* ---- the command line's own outputs ------------------------------------ */

struct msg_obj {
	json_t *root;
};

struct msg_obj *
msg_obj_new(const char *record, const char *json)
{
	struct msg_obj *o = xcalloc(1, sizeof *o);
	json_t *v;

	o->root = json_object();
	if (o->root == NULL)
		fatalx("msg: cannot build object");
	if (record != NULL)
		msg_obj_set_str(o, "record", record);
	if (json != NULL) {
		if ((v = json_loads(json, 0, NULL)) == NULL ||
		    json_object_update(o->root, v) != 0)
			fatalx("msg: not an object: %.40s", json);
		json_decref(v);
	}
	return o;
}

void
msg_obj_set_str(struct msg_obj *o, const char *key, const char *v)
{
	json_object_set_new(o->root, key, json_string(v));
}

void
msg_obj_set_int(struct msg_obj *o, const char *key, int64_t v)
{
	json_object_set_new(o->root, key, json_integer(v));
}

void
msg_obj_set_null(struct msg_obj *o, const char *key)
{
	json_object_set_new(o->root, key, json_null());
}

char *
msg_obj_finish(struct msg_obj *o)
{
	json_t *root = o->root;

	free(o);
	return msg_dump(root);
}

/* ---- devices (beacond's side) -------------------------------------------- */

int
msg_presence_decode(const void *payload, size_t len, struct presence *p,
    char *err, size_t errlen)
{
	static const struct field f[] = {
		FSTR("kind", 0, struct presence, kind),
		FTIME("ts", struct presence, ts),
	};
	static const struct field fs = { "state", F_STR, 1, 0, 16, 0, 0 };
	char state[16] = "";
	json_t *root;
	int rc = MSG_BAD;

	memset(p, 0, sizeof *p);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (field_unpack(root, &fs, state, err, errlen) != 0 ||
	    fields_unpack(root, f, NFIELDS(f), p, err, errlen) != 0)
		goto out;
	if (strcmp(state, "online") != 0 && strcmp(state, "offline") != 0) {
		msg_err(err, errlen, "state: must be online or offline");
		goto out;
	}
	if (p->kind[0] != '\0' && !id_valid(p->kind)) {
		msg_err(err, errlen, "kind: must be an id such as button");
		goto out;
	}
	p->online = strcmp(state, "online") == 0;
	rc = MSG_OK;
out:
	json_decref(root);
	return rc;
}

int
msg_selftest_decode(const void *payload, size_t len, struct selftest *t,
    char *err, size_t errlen)
{
	static const struct field f[] = {
		FSTR("id", 1, struct selftest, id),
		FTIME("ts", struct selftest, ts),
		FINT("last_rtt_ms", 0, struct selftest, last_rtt_ms, 0,
		    86400000),
	};
	json_t *root;
	int rc = MSG_BAD;

	memset(t, 0, sizeof *t);
	t->last_rtt_ms = -1;
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (fields_unpack(root, f, NFIELDS(f), t, err, errlen) != 0)
		goto out;
	if (!id_valid(t->id)) {
		msg_err(err, errlen, "id: must be 1 to %d characters of "
		    "A-Za-z0-9._:-", ID_MAX);
		goto out;
	}
	rc = MSG_OK;
out:
	json_decref(root);
	return rc;
}

char *
msg_selftest_result_encode(const char *id, int64_t ts)
{
	json_t *o = json_pack("{s:s, s:b}", "id", id, "ok", 1);

	if (o == NULL)
		fatalx("msg: cannot build a self-test result");
	msg_set_time(o, "ts", ts);
	return msg_dump(o);
}

static json_t *
msg_device_base(const struct device *d)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "branch", d->branch,
	    "device", d->device, "device_kind", d->kind, "state",
	    d->online ? "online" : "offline");

	if (o == NULL)
		fatalx("msg: cannot build a device");
	msg_set_time(o, "since", d->since);
	return o;
}

char *
msg_device_encode(const struct device *d)
{
	json_t *o = msg_device_base(d);

	msg_set_time(o, "last_seen", d->last_seen);
	json_object_set_new(o, "flagged", json_boolean(d->flagged));
	if (d->selftest_at > 0)
		msg_set_time(o, "selftest_at", d->selftest_at);
	if (d->rtt_ms >= 0)
		json_object_set_new(o, "rtt_ms", json_integer(d->rtt_ms));
	return msg_dump(o);
}

char *
msg_device_notice_encode(const struct device *d, const char *kind,
    const char *message, int64_t ts)
{
	json_t *o = msg_device_base(d);

	msg_set_str(o, "kind", kind);
	msg_set_str(o, "message", message);
	msg_set_time(o, "ts", ts);
	return msg_dump(o);
}

static const struct field heartbeat_fields[] = {
	FTIME("ts", struct heartbeat, ts),
	FTIME("started", struct heartbeat, started),
	FINT("interval", 1, struct heartbeat, interval, 1, 3600),
	FINT("devices_offline", 0, struct heartbeat, offline, 0, 1000000),
};

static const struct field offline_fields[] = {
	FSTR("branch", 1, struct device, branch),
	FSTR("device", 1, struct device, device),
	FSTR("device_kind", 0, struct device, kind),
	FTIME("since", struct device, since),
};

int
msg_heartbeat_decode(const void *payload, size_t len, struct heartbeat *hb,
    char *err, size_t errlen)
{
	json_t *root, *open;
	int rc = MSG_BAD;

	memset(hb, 0, sizeof *hb);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_BAD;
	open = json_object_get(root, "open");
	if (fields_unpack(root, heartbeat_fields, NFIELDS(heartbeat_fields),
	    hb, err, errlen) == 0 &&
	    msg_objects(root, "offline", offline_fields,
	    NFIELDS(offline_fields), hb->listed, sizeof hb->listed[0],
	    &hb->nlisted, err, errlen) == 0) {
		if (hb->ts <= 0)
			msg_err(err, errlen, "ts: missing");
		else {
			hb->open = json_is_integer(open) ?
			    json_integer_value(open) : -1;
			rc = MSG_OK;
		}
	}
	json_decref(root);
	return rc;
}

struct msg_obj *
msg_config_new(const char *branch, const char *name, const char *timezone)
{
	struct msg_obj *o = msg_obj_new(NULL, NULL);

	msg_obj_set_str(o, "branch", branch);
	msg_obj_set_str(o, "name", name);
	msg_obj_set_str(o, "timezone", timezone);
	json_object_set_new(o->root, "buttons", json_array());
	return o;
}

void
msg_config_button(struct msg_obj *o, const char *type, const char *label,
    int severity)
{
	json_t *b = json_pack("{s:s, s:s, s:i}", "type", type, "label", label,
	    "severity", severity);

	if (b == NULL)
		fatalx("msg: cannot build a button");
	json_array_append_new(json_object_get(o->root, "buttons"), b);
}

struct msg_obj *
msg_library_new(void)
{
	struct msg_obj *o = msg_obj_new(NULL, NULL);

	json_object_set_new(o->root, "branches", json_array());
	json_object_set_new(o->root, "categories", json_array());
	json_object_set_new(o->root, "responders", json_array());
	return o;
}

static void
msg_library_add(struct msg_obj *o, const char *list, json_t *x)
{
	if (x == NULL)
		fatalx("msg: cannot build the library's configuration");
	json_array_append_new(json_object_get(o->root, list), x);
}

void
msg_library_branch(struct msg_obj *o, const char *id, const char *name)
{
	msg_library_add(o, "branches", json_pack("{s:s, s:s}", "branch", id,
	    "name", name));
}

void
msg_library_category(struct msg_obj *o, const char *type, const char *label,
    int severity)
{
	msg_library_add(o, "categories", json_pack("{s:s, s:s, s:i}", "type",
	    type, "label", label, "severity", severity));
}

void
msg_library_responder(struct msg_obj *o, const char *id, const char *role,
    const char *label)
{
	msg_library_add(o, "responders", json_pack("{s:s, s:s, s:s}", "id", id,
	    "role", role, "label", label));
}

char *
msg_config_finish(struct msg_obj *o, int64_t ts)
{
	msg_set_time(o->root, "ts", ts);
	return msg_obj_finish(o);
}

/* ---- push ------------------------------------------------------------
 * A notification as a push service's JSON publish request, in ntfy's
 * format (docs/configuration.md, "push"): the push is read by a person
 * on a phone, so its title and message are sentences, not fields.
 */

static const struct field push_fields[] = {
	FINT("incident", 0, struct push_note, incident, 0, 0),
	FSTR("kind", 0, struct push_note, kind),
	FSTR("branch", 0, struct push_note, branch),
	FSTR("type", 0, struct push_note, type),
	FSTR("label", 0, struct push_note, label),
	FSTR("device", 0, struct push_note, device),
	FINT("severity", 0, struct push_note, severity, 0, 0),
	FSTR("location", 0, struct push_note, location),
	FSTR("note", 0, struct push_note, note),
	FSTR("message", 0, struct push_note, message),
	FINT("step", 0, struct push_note, step, 0, 0),
	FINT("repeat", 0, struct push_note, repeat, 0, 0),
	FBOOL("drill", struct push_note, drill),
	FBOOL("silent", struct push_note, silent),
	FBOOL("call_911", struct push_note, call_911),
	FBOOL("would_call_911", struct push_note, would_call_911),
};

int
msg_push_decode(const void *payload, size_t len, struct push_note *pn,
    char *err, size_t errlen)
{
	json_t *root;
	int rc = MSG_BAD;

	memset(pn, 0, sizeof *pn);
	pn->step = -1;
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (fields_unpack(root, push_fields, NFIELDS(push_fields), pn, err,
	    errlen) == 0)
		rc = MSG_OK;
	pn->nlocations = msg_list_unpack(json_object_get(root, "locations"),
	    pn->locations[0], sizeof pn->locations[0]);
	pn->nnotes = msg_list_unpack(json_object_get(root, "notes"),
	    pn->notes[0], sizeof pn->notes[0]);
	pn->nrelated = msg_ids_unpack(json_object_get(root, "related"),
	    pn->related);
	json_decref(root);
	if (pn->kind[0] == '\0')
		strlcpy_utf8(pn->kind, "incident", sizeof pn->kind);
	return rc;
}

/* What each kind of notice is called and how urgent it is; a priority
 * of 0 follows the severity. Unknown kinds are pushed as plain notices. */
static const struct {
	const char *kind;
	const char *title;
	int priority;
	const char *tag;
} push_kinds[] = {
	{ "incident", NULL, 0, NULL },
	{ "debrief_due", "Debrief due", 3, "clipboard" },
	{ "debrief_reminder", "Debrief reminder", 3, "clipboard" },
	{ "debrief_overdue", "Debrief overdue", 4, "clipboard" },
	{ "device_offline", "Device offline", 4, "electric_plug" },
	{ "device_back", "Device back online", 2, "white_check_mark" },
	{ "stand_down", "Stand down", 3, "white_check_mark" },
};

/* ntfy tags that are emoji short codes, by severity. */
static const char *const push_severity_tags[] = { "bell", "rotating_light",
	"warning", "bell", "memo" };

static int
push_kind(const char *kind)
{
	size_t i;

	for (i = 0; i < NFIELDS(push_kinds); i++)
		if (strcmp(push_kinds[i].kind, kind) == 0)
			return (int)i;
	return -1;
}

int
msg_push_priority(const struct push_note *pn)
{
	int k = push_kind(pn->kind);

	if (k >= 0 && push_kinds[k].priority > 0)
		return push_kinds[k].priority;
	if (pn->severity >= 1 && pn->severity <= 4)
		return 6 - pn->severity;
	return 3;
}

static void
push_title(const struct push_note *pn, const char *place, char *buf,
    size_t len)
{
	int k = push_kind(pn->kind);
	const char *prefix = k >= 0 ? push_kinds[k].title : NULL;
	const char *what = pn->label[0] ? pn->label : pn->device[0] ?
	    pn->device : pn->type[0] ? pn->type : pn->kind;

	snprintf(buf, len, "%s%s%s%s%s%s", pn->drill ? "DRILL: " : "",
	    prefix ? prefix : "", prefix ? ": " : "", what,
	    place[0] ? " at " : "", place);
}

/* Append one line to buf (of size len, used up to *off). */
static void
push_line(char *buf, size_t len, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
push_line(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	if (*off > 0)
		buf[(*off)++] = '\n';
	buf[*off] = '\0';
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n < len - *off ? (size_t)n : len - *off - 1;
}

/* After the first location and note: those that presses joined to the
 * incident added, and the incidents it may be related to. */
static void
push_more(const struct push_note *pn, char *buf, size_t len, size_t *off)
{
	int i;

	for (i = 1; i < pn->nlocations; i++)
		push_line(buf, len, off, "Also at: %s", pn->locations[i]);
	for (i = 1; i < pn->nnotes; i++)
		push_line(buf, len, off, "Note: %s", pn->notes[i]);
	for (i = 0; i < pn->nrelated; i++)
		push_line(buf, len, off, "May be related to incident %lld: "
		    "the same category, reported from another place.",
		    (long long)pn->related[i]);
}

/* The body: what the responder must know first comes first. */
static void
push_body(const struct push_note *pn, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (pn->drill)
		push_line(buf, len, &off, "DRILL: this is an exercise.");
	if (pn->call_911 && !pn->drill)
		push_line(buf, len, &off, "Threat to life: branch staff have "
		    "been told to CALL 911.");
	else if (pn->call_911 || pn->would_call_911)
		push_line(buf, len, &off, "DRILL: in a real event branch staff "
		    "would be told to call 911 now.");
	if (pn->silent)
		push_line(buf, len, &off, "%s", MSG_SILENT_ADVICE);
	if (pn->message[0])
		push_line(buf, len, &off, "%s", pn->message);
	if (pn->location[0])
		push_line(buf, len, &off, "Where: %s", pn->location);
	if (pn->note[0])
		push_line(buf, len, &off, "Note: %s", pn->note);
	push_more(pn, buf, len, &off);
	if (pn->repeat > 0)
		push_line(buf, len, &off, "Reminder %d: nobody has "
		    "acknowledged yet.", pn->repeat);
	else if (pn->step > 0)
		push_line(buf, len, &off, "Escalated to step %lld: nobody "
		    "acknowledged in time.", (long long)pn->step + 1);
	if (pn->incident > 0 && pn->severity > 0)
		push_line(buf, len, &off, "Incident %lld, severity %d.",
		    (long long)pn->incident, pn->severity);
	else if (pn->incident > 0)
		push_line(buf, len, &off, "Incident %lld.",
		    (long long)pn->incident);
}

static json_t *
push_tags(const struct push_note *pn)
{
	json_t *tags = json_array();
	int k = push_kind(pn->kind);
	const char *tag = k >= 0 && push_kinds[k].tag ? push_kinds[k].tag :
	    push_severity_tags[pn->severity >= 1 && pn->severity <= 4 ?
	    pn->severity : 0];

	json_array_append_new(tags, json_string(tag));
	if (pn->drill)
		json_array_append_new(tags, json_string("drill"));
	if (pn->silent)
		json_array_append_new(tags, json_string("silent"));
	return tags;
}

char *
msg_push_encode(const struct push_note *pn, const char *topic,
    const char *place, const char *url)
{
	char title[DETAIL_MAX + 1], body[2048];
	json_t *o;

	push_title(pn, place ? place : pn->branch, title, sizeof title);
	push_body(pn, body, sizeof body);
	o = json_pack("{s:s, s:s, s:s, s:i, s:o}", "topic", topic, "title",
	    title, "message", body[0] ? body : title, "priority",
	    msg_push_priority(pn), "tags", push_tags(pn));
	if (o == NULL)
		fatalx("msg: cannot build push");
	if (url != NULL) {
		json_object_set_new(o, "click", json_string(url));
		json_object_set_new(o, "actions", json_pack("[{s:s, s:s, s:s}]",
		    "action", "view", "label", "Open", "url", url));
	}
	return msg_dump(o);
}

/* ---- devices (clients' side) --------------------------------------------
 * What a device client (beacon-button) sends and reads back: presence,
 * self-tests and their results (docs/protocol.md, "Devices").
 */

char *
msg_presence_encode(const char *state, const char *kind, int64_t ts)
{
	json_t *o = json_pack("{s:s, s:s}", "state", state, "kind", kind);

	if (o == NULL)
		fatalx("msg: cannot build a presence");
	/* The will is composed at connect time, long before it is sent: a
	 * time in it would be wrong, so it has none. */
	if (ts > 0)
		msg_set_time(o, "ts", ts);
	return msg_dump(o);
}

char *
msg_selftest_encode(const char *id, int64_t ts, int64_t last_rtt_ms)
{
	json_t *o = json_pack("{s:s}", "id", id);

	if (o == NULL)
		fatalx("msg: cannot build a self-test");
	msg_set_time(o, "ts", ts);
	if (last_rtt_ms >= 0)
		json_object_set_new(o, "last_rtt_ms", json_integer(last_rtt_ms));
	return msg_dump(o);
}

int
msg_selftest_result_decode(const void *payload, size_t len, char *id,
    size_t idlen)
{
	struct field f = { "id", F_STR, 1, 0, idlen, 0, 0 };
	json_t *root, *ok;
	int rc = MSG_NOID;

	if (idlen > 0)
		id[0] = '\0';
	if ((root = msg_load(payload, len, NULL, 0)) == NULL)
		return MSG_NOID;
	if (field_unpack(root, &f, id, NULL, 0) == 0 && id[0] != '\0') {
		ok = json_object_get(root, "ok");
		rc = json_is_true(ok) ? MSG_OK : MSG_BAD;
	}
	json_decref(root);
	return rc;
}

/* ---- on duty: beacon oncall -------------------------------------------- */

static const char *const oncall_names[ONCALL_COUNT] = {
	[ONCALL_SHOW] = "oncall",
	[ONCALL_SET] = "oncall_set",
	[ONCALL_CLEAR] = "oncall_clear",
	[ONCALL_LOG] = "oncall_log",
};

const char *
oncall_method_name(int m)
{
	return m >= 0 && m < ONCALL_COUNT ? oncall_names[m] : NULL;
}

static const struct field oncall_fields[] = {
	FSTR("branch", 0, struct oncall_req, branch),
	FSTR("responder", 0, struct oncall_req, responder),
	FSTR("at", 0, struct oncall_req, at),
	FSTR("from", 0, struct oncall_req, from),
	FSTR("until", 0, struct oncall_req, until),
	FBOOL("off", struct oncall_req, off),
	FSTR("note", 0, struct oncall_req, note),
	FTIME("since", struct oncall_req, since),
};

/* What each method needs besides its method. */
static int
msg_oncall_check(const struct oncall_req *q, char *err, size_t errlen)
{
	const char *need = NULL;

	if ((q->method == ONCALL_SET || q->method == ONCALL_CLEAR) &&
	    q->responder[0] == '\0')
		need = "responder";
	else if (q->method == ONCALL_SET && q->branch[0] == '\0')
		need = "branch";
	else if (q->method == ONCALL_SET && q->from[0] == '\0')
		need = "from";
	else if (q->method == ONCALL_SET && q->until[0] == '\0')
		need = "until";
	if (need == NULL)
		return 0;
	msg_err(err, errlen, "%s: required", need);
	return -1;
}

int
msg_oncall_decode(const void *payload, size_t len, struct oncall_req *q,
    char *err, size_t errlen)
{
	json_t *root, *m;
	int rc = MSG_BAD, i;

	memset(q, 0, sizeof *q);
	q->method = -1;
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	m = json_object_get(root, "method");
	for (i = 0; json_is_string(m) && i < ONCALL_COUNT; i++)
		if (strcmp(json_string_value(m), oncall_names[i]) == 0)
			q->method = i;
	if (q->method < 0) {
		json_decref(root);
		return MSG_NOID;
	}
	if (fields_unpack(root, oncall_fields, NFIELDS(oncall_fields), q, err,
	    errlen) == 0 && msg_oncall_check(q, err, errlen) == 0)
		rc = MSG_OK;
	json_decref(root);
	return rc;
}

char *
msg_oncall_encode(const struct oncall_req *q)
{
	json_t *o = json_pack("{s:s}", "method",
	    oncall_method_name(q->method));

	if (o == NULL)
		fatalx("msg: cannot build on-call request");
	msg_set_str(o, "branch", q->branch);
	msg_set_str(o, "responder", q->responder);
	msg_set_str(o, "at", q->at);
	msg_set_str(o, "from", q->from);
	msg_set_str(o, "until", q->until);
	if (q->off)
		json_object_set_new(o, "off", json_true());
	msg_set_str(o, "note", q->note);
	if (q->since > 0)
		msg_set_time(o, "since", q->since);
	return msg_dump(o);
}

/* ---- a JSON object built a member at a time --------------------------- */

struct msg_doc {
	json_t *o;
};

struct msg_doc *
msg_doc_new(void)
{
	struct msg_doc *m = xcalloc(1, sizeof *m);

	if ((m->o = json_object()) == NULL)
		fatalx("msg: cannot build object");
	return m;
}

void
msg_doc_str(struct msg_doc *m, const char *key, const char *v)
{
	json_object_set_new(m->o, key, json_string(v != NULL ? v : ""));
}

void
msg_doc_int(struct msg_doc *m, const char *key, int64_t v)
{
	json_object_set_new(m->o, key, json_integer(v));
}

void
msg_doc_bool(struct msg_doc *m, const char *key, int v)
{
	json_object_set_new(m->o, key, json_boolean(v));
}

void
msg_doc_time(struct msg_doc *m, const char *key, int64_t ms)
{
	msg_set_time(m->o, key, ms);
}

static json_t *
msg_doc_array(struct msg_doc *m, const char *key)
{
	json_t *a = json_object_get(m->o, key);

	if (a == NULL) {
		a = json_array();
		json_object_set_new(m->o, key, a);
	}
	return a;
}

void
msg_doc_push_str(struct msg_doc *m, const char *key, const char *v)
{
	json_t *a = msg_doc_array(m, key);

	if (v != NULL)
		json_array_append_new(a, json_string(v));
}

void
msg_doc_push(struct msg_doc *m, const char *key, struct msg_doc *child)
{
	json_array_append_new(msg_doc_array(m, key), child->o);
	free(child);
}

char *
msg_doc_finish(struct msg_doc *m)
{
	json_t *o = m->o;

	free(m);
	return msg_dump(o);
}

char *
msg_reply_str(const void *payload, size_t len, const char *key)
{
	json_t *root = msg_load_reply(payload, len, NULL, 0), *v;
	char *s = NULL;

	if (root == NULL)
		return NULL;
	if (json_is_string(v = json_object_get(root, key)))
		s = xstrdup(json_string_value(v));
	json_decref(root);
	return s;
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
