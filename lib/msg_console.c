/* The supervisor console's requests on beacon/query/{responder}: what the
 * account may see ("console"), the live board, the debriefs still to
 * hold, the devices and the branch modes in force (docs/protocol.md,
 * "The console's requests"). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg_int.h"

static const char *const console_names[CONSOLE_COUNT] = {
	[CONSOLE_INFO] = "console",
	[CONSOLE_BOARD] = "board",
	[CONSOLE_DEBRIEFS] = "debriefs_due",
	[CONSOLE_DEVICES] = "devices",
	[CONSOLE_MODES] = "modes",
};

const char *
msg_console_method_name(int m)
{
	return m >= 0 && m < CONSOLE_COUNT ? console_names[m] : NULL;
}

static const struct field console_fields[] = {
	FSTR("branch", 0, struct console_req, branch),
	FINT("incident", 0, struct console_req, incident, 1, 2147483647),
};

int
msg_console_decode(const void *payload, size_t len, struct console_req *q,
    char *err, size_t errlen)
{
	static const struct msg_methods ms = { console_names, CONSOLE_COUNT,
		console_fields, NFIELDS(console_fields) };
	int rc;

	memset(q, 0, sizeof *q);
	rc = msg_method_unpack(payload, len, &ms, q, &q->method, err, errlen);
	if (rc == MSG_OK && q->branch[0] != '\0' && !id_valid(q->branch)) {
		msg_err(err, errlen, "branch: must be a branch id");
		rc = MSG_BAD;
	}
	return rc;
}
