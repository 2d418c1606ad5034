/* beacon/report and beacon/respond: what a reporter and a responder send. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "msg_int.h"
#include "xmalloc.h"

static const char *const action_names[ACT_COUNT] = {
	[ACT_ACK] = "ack",
	[ACT_DECLINE] = "decline",
	[ACT_ARRIVED] = "arrived",
	[ACT_RESOLVE] = "resolve",
	[ACT_BACKUP] = "backup",
};

const char *
msg_action_name(int a)
{
	if (a < 0 || a >= ACT_COUNT)
		return NULL;
	return action_names[a];
}

int
msg_action_from_name(const char *s)
{
	int a;

	for (a = 0; a < ACT_COUNT; a++)
		if (strcmp(action_names[a], s) == 0)
			return a;
	return -1;
}

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
	const char *text;	/* what the reporter reads */
} report_cuts[] = {
	{ "location", REPORT_CUT_LOCATION, LOCATION_MAX,
	    N_("location shortened to %zu bytes") },
	{ "note", REPORT_CUT_NOTE, NOTE_MAX, N_("note shortened to %zu bytes") },
	{ "device", REPORT_CUT_DEVICE, DEVICE_MAX,
	    N_("device shortened to %zu bytes") },
	{ "reporter", REPORT_CUT_REPORTER, REPORTER_MAX,
	    N_("reporter shortened to %zu bytes") },
};

static unsigned
msg_report_cuts(json_t *root)
{
	unsigned bits = 0;
	json_t *v;
	size_t i;

	for (i = 0; i < NFIELDS(report_cuts); i++)
		if (json_is_string(v = json_object_get(root,
		    report_cuts[i].key)) && json_string_length(v) >
		    report_cuts[i].max)
			bits |= report_cuts[i].bit;
	return bits;
}

void
msg_shortened_text(unsigned bits, char *buf, size_t len)
{
	msg_shortened_text_in(bits, NULL, buf, len);
}

void
msg_shortened_text_in(unsigned bits, const char *lang, char *buf, size_t len)
{
	size_t i, off = 0;
	int n;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < NFIELDS(report_cuts) && off < len; i++) {
		if (!(bits & report_cuts[i].bit))
			continue;
		n = snprintf(buf + off, len - off, "%s", off > 0 ? ", " : "");
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
		n = snprintf(buf + off, len - off, T_(lang,
		    report_cuts[i].text), report_cuts[i].max);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

void
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

unsigned
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
		if (msg_fields_unpack(root, report_fields,
		    NFIELDS(report_fields), r, err, errlen) != 0)
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
		FSTR("via", 0, struct respond, via),
	};
	char action[16] = "";
	static const struct field afield =
	    { "action", F_STR, 1, 0, sizeof action, 0, 0 };
	json_t *root;
	int rc = MSG_BAD;

	memset(rs, 0, sizeof *rs);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	if (msg_fields_unpack(root, fields, NFIELDS(fields), rs, err,
	    errlen) != 0)
		goto out;
	if (msg_field_unpack(root, &afield, action, err, errlen) != 0)
		goto out;
	if ((rs->action = msg_action_from_name(action)) < 0) {
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
	    (json_int_t)rs->incident, "action", msg_action_name(rs->action));

	if (o != NULL && rs->note[0])
		json_object_set_new(o, "note", json_string(rs->note));
	if (o != NULL && rs->role[0])
		json_object_set_new(o, "role", json_string(rs->role));
	if (o != NULL && rs->via[0])
		json_object_set_new(o, "via", json_string(rs->via));
	return msg_dump(o);
}
