/* Phones being enrolled: the requests of beacon enroll, and the claim's
 * answer (docs/security.md, "Enrolling a phone"). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "msg_int.h"

static const char *const enroll_names[ENROLL_COUNT] = {
	[ENROLL_ADD] = "enroll",
	[ENROLL_REVOKE] = "enroll_revoke",
};

const char *
msg_enroll_method_name(int m)
{
	return m >= 0 && m < ENROLL_COUNT ? enroll_names[m] : NULL;
}

static const struct field enroll_fields[] = {
	FSTR("responder", 1, struct enroll_req, responder),
	FSTR("device", 1, struct enroll_req, device),
	FSTR("username", 0, struct enroll_req, username),
	FSTR("password", 0, struct enroll_req, password),
};

/* An enrollment needs its account. */
static int
msg_enroll_check(const struct enroll_req *q, char *err, size_t errlen)
{
	const char *need = NULL;

	if (q->method == ENROLL_ADD && q->username[0] == '\0')
		need = "username";
	else if (q->method == ENROLL_ADD && q->password[0] == '\0')
		need = "password";
	if (need == NULL)
		return 0;
	msg_err(err, errlen, "%s: required", need);
	return -1;
}

int
msg_enroll_decode(const void *payload, size_t len, struct enroll_req *q,
    char *err, size_t errlen)
{
	static const struct msg_methods ms = { enroll_names, ENROLL_COUNT,
		enroll_fields, NFIELDS(enroll_fields) };
	int rc;

	memset(q, 0, sizeof *q);
	rc = msg_method_unpack(payload, len, &ms, q, &q->method, err, errlen);
	if (rc == MSG_OK && msg_enroll_check(q, err, errlen) != 0)
		rc = MSG_BAD;
	return rc;
}

char *
msg_enroll_encode(const struct enroll_req *q)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "method",
	    msg_enroll_method_name(q->method), "responder", q->responder,
	    "device", q->device);

	if (o == NULL)
		fatalx("msg: cannot build enroll request");
	msg_set_str(o, "username", q->username);
	msg_set_str(o, "password", q->password);
	return msg_dump(o);
}

char *
msg_enroll_claimed(const struct enroll_req *q)
{
	json_t *o = json_pack("{s:b, s:s, s:s, s:s, s:s}", "ok", 1,
	    "username", q->username, "password", q->password, "responder",
	    q->responder, "device", q->device);

	if (o == NULL)
		fatalx("msg: cannot build enroll answer");
	return msg_dump(o);
}

char *
msg_enroll_error(const char *error)
{
	json_t *o = json_pack("{s:b, s:s}", "ok", 0, "error", error);

	if (o == NULL)
		fatalx("msg: cannot build enroll answer");
	return msg_dump(o);
}
