/* beacon/daemon/...: beacond's state, the standby pair's lease, the
 * heartbeat. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "msg_int.h"
#include "xmalloc.h"

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
	if (msg_fields_unpack(root, daemon_fields, NFIELDS(daemon_fields), &ds,
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
	if (msg_fields_unpack(root, lease_fields, NFIELDS(lease_fields), l, err,
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
	if (msg_fields_unpack(root, heartbeat_fields, NFIELDS(heartbeat_fields),
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
