/*
 * The clients' own outputs, which no program reads back: the command
 * line's JSON (`beacon devices --json`, the records of `beacon export`,
 * the lines and summary of `beacon replay`). They are not protocol
 * payloads; they sit with the codecs only because jansson stays in msg*.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "msg_int.h"
#include "xmalloc.h"

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

struct msg_doc *
msg_doc_record(const char *record, const char *json)
{
	struct msg_doc *m = msg_doc_new();
	json_t *v;

	if (record != NULL)
		json_object_set_new(m->o, "record", json_string(record));
	if (json != NULL) {
		if ((v = json_loads(json, 0, NULL)) == NULL ||
		    json_object_update(m->o, v) != 0)
			fatalx("msg: not an object: %.40s", json);
		json_decref(v);
	}
	return m;
}
