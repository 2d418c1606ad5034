/* Devices (docs/protocol.md, "Devices"): presence, self-tests, device
 * notices and the retained beacon/config payloads. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "msg_int.h"
#include "xmalloc.h"

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
	if (msg_field_unpack(root, &fs, state, err, errlen) != 0 ||
	    msg_fields_unpack(root, f, NFIELDS(f), p, err, errlen) != 0)
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
	if (msg_fields_unpack(root, f, NFIELDS(f), t, err, errlen) != 0)
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

json_t *
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
msg_device_notice_encode(const struct device *d, const char *kind,
    const char *message, const char *lang, int64_t ts)
{
	json_t *o = msg_device_base(d);

	msg_set_str(o, "kind", kind);
	msg_set_str(o, "message", message);
	msg_set_lang(o, lang);
	msg_set_time(o, "ts", ts);
	return msg_dump(o);
}

struct msg_doc *
msg_config_new(const char *branch, const char *name, const char *timezone,
    const char *language)
{
	struct msg_doc *m = msg_doc_new();

	json_object_set_new(m->o, "branch", json_string(branch));
	json_object_set_new(m->o, "name", json_string(name));
	json_object_set_new(m->o, "timezone", json_string(timezone));
	if (language != NULL)
		json_object_set_new(m->o, "language", json_string(language));
	json_object_set_new(m->o, "buttons", json_array());
	return m;
}

/* {"en": "Suspected overdose", "fr": "Surdose soupçonnée"} */
static json_t *
msg_labels(const char *const *labels)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < I18N_NLANGS; i++)
		if (labels[i] != NULL)
			json_object_set_new(o, i18n_languages[i],
			    json_string(labels[i]));
	return o;
}

void
msg_config_button(struct msg_doc *o, const char *type, const char *label,
    const char *const *labels, int severity)
{
	json_t *b = json_pack("{s:s, s:s, s:o, s:i}", "type", type, "label",
	    label, "labels", msg_labels(labels), "severity", severity);

	if (b == NULL)
		fatalx("msg: cannot build a button");
	json_array_append_new(json_object_get(o->o, "buttons"), b);
}

struct msg_doc *
msg_library_new(void)
{
	struct msg_doc *m = msg_doc_new();

	json_object_set_new(m->o, "branches", json_array());
	json_object_set_new(m->o, "categories", json_array());
	json_object_set_new(m->o, "responders", json_array());
	return m;
}

static void
msg_library_add(struct msg_doc *o, const char *list, json_t *x)
{
	if (x == NULL)
		fatalx("msg: cannot build the library's configuration");
	json_array_append_new(json_object_get(o->o, list), x);
}

void
msg_library_branch(struct msg_doc *o, const char *id, const char *name,
    const char *timezone, const char *language)
{
	json_t *b = json_pack("{s:s, s:s, s:s}", "branch", id, "name", name,
	    "timezone", timezone);

	if (b != NULL && language != NULL)
		json_object_set_new(b, "language", json_string(language));
	msg_library_add(o, "branches", b);
}

void
msg_library_category(struct msg_doc *o, const char *type, const char *label,
    const char *const *labels, int severity)
{
	msg_library_add(o, "categories", json_pack("{s:s, s:s, s:o, s:i}",
	    "type", type, "label", label, "labels", msg_labels(labels),
	    "severity", severity));
}

void
msg_library_responder(struct msg_doc *o, const char *id, const char *role,
    const char *label, const char *const *labels, const char *language)
{
	json_t *r = json_pack("{s:s, s:s, s:s, s:o}", "id", id, "role", role,
	    "label", label, "labels", msg_labels(labels));

	if (r != NULL && language != NULL)
		json_object_set_new(r, "language", json_string(language));
	msg_library_add(o, "responders", r);
}

char *
msg_config_finish(struct msg_doc *o, int64_t ts)
{
	msg_set_time(o->o, "ts", ts);
	return msg_doc_finish(o);
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
		json_object_set_new(o, "last_rtt_ms",
		    json_integer(last_rtt_ms));
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
	if (msg_field_unpack(root, &f, id, NULL, 0) == 0 && id[0] != '\0') {
		ok = json_object_get(root, "ok");
		rc = json_is_true(ok) ? MSG_OK : MSG_BAD;
	}
	json_decref(root);
	return rc;
}

void
msg_library_webpush(struct msg_doc *o, const char *public_key)
{
	json_t *w = json_pack("{s:s}", "public_key", public_key);

	if (w == NULL)
		fatalx("msg: cannot build the library's configuration");
	json_object_set_new(o->o, "webpush", w);
}
