/* beacon/query requests about who is on duty (beacon oncall). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "msg_int.h"
#include "xmalloc.h"

/* ---- on duty: beacon oncall -------------------------------------------- */

static const char *const oncall_names[ONCALL_COUNT] = {
	[ONCALL_SHOW] = "oncall",
	[ONCALL_SET] = "oncall_set",
	[ONCALL_CLEAR] = "oncall_clear",
	[ONCALL_LOG] = "oncall_log",
};

const char *
msg_oncall_method_name(int m)
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
	static const struct msg_methods ms = { oncall_names, ONCALL_COUNT,
		oncall_fields, NFIELDS(oncall_fields) };
	int rc;

	memset(q, 0, sizeof *q);
	rc = msg_method_unpack(payload, len, &ms, q, &q->method, err, errlen);
	if (rc == MSG_OK && msg_oncall_check(q, err, errlen) != 0)
		rc = MSG_BAD;
	return rc;
}

char *
msg_oncall_encode(const struct oncall_req *q)
{
	json_t *o = json_pack("{s:s}", "method",
	    msg_oncall_method_name(q->method));

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
