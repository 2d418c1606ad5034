/* The board report's link: the supervisor request report_link (msg.h). */
#include <stddef.h>
#include <string.h>

#include "log.h"
#include "msg_int.h"

static const char *const report_link_names[] = { "report_link" };

static const struct field report_link_fields[] = {
	FTIME("since", struct report_link_req, since),
	FTIME("until", struct report_link_req, until),
	FSTR("branch", 0, struct report_link_req, branch),
};

int
msg_report_link_decode(const void *payload, size_t len,
    struct report_link_req *q, char *err, size_t errlen)
{
	static const struct msg_methods ms = { report_link_names, 1,
		report_link_fields, NFIELDS(report_link_fields) };

	memset(q, 0, sizeof *q);
	return msg_method_unpack(payload, len, &ms, q, &q->method, err,
	    errlen);
}

char *
msg_report_link_encode(const struct report_link_req *q)
{
	json_t *o = json_pack("{s:s}", "method", report_link_names[0]);

	if (o == NULL)
		fatalx("msg: cannot build report_link request");
	if (q->since > 0)
		msg_set_time(o, "since", q->since);
	if (q->until > 0)
		msg_set_time(o, "until", q->until);
	msg_set_str(o, "branch", q->branch);
	return msg_dump(o);
}
