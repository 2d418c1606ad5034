/* beacon/status: what the reporter reads back. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "msg_int.h"
#include "xmalloc.h"

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
	if (msg_fields_unpack(e, fields, NFIELDS(fields), x, err, errlen) != 0)
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
int
msg_state(json_t *root, int *state, char *err, size_t errlen)
{
	char name[32] = "";
	static const struct field f = { "state", F_STR, 1, 0, 32, 0, 0 };

	if (msg_field_unpack(root, &f, name, err, errlen) != 0)
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
	if (msg_fields_unpack(root, status_fields, NFIELDS(status_fields), st,
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
