/*
 * Web Push (docs/protocol.md, "Web Push"): the message the responder
 * app's service worker receives, and the subscriptions the app registers
 * on beacon/push/{responder}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "id.h"
#include "log.h"
#include "msg_int.h"

/* What the service worker offers as buttons. */
static json_t *
webpush_actions(const struct push_note *pn, const struct push_links *l)
{
	json_t *a = json_array();

	if (!msg_push_asks(pn) || l == NULL)
		return a;
	if (l->ack != NULL)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "action",
		    "ack", "title", T_(msg_push_lang(pn), "Acknowledge"), "url",
		    l->ack));
	if (l->decline != NULL)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "action",
		    "decline", "title", T_(msg_push_lang(pn), "Decline"), "url",
		    l->decline));
	return a;
}

char *
msg_webpush_encode(const struct push_note *pn, const char *place,
    const struct push_links *l)
{
	char title[DETAIL_MAX + 1], body[2048], tag[48];
	json_t *o;

	msg_push_title(pn, place ? place : pn->branch, title, sizeof title);
	msg_push_body(pn, body, sizeof body);
	if (pn->incident > 0)
		snprintf(tag, sizeof tag, "incident-%lld",
		    (long long)pn->incident);
	else
		snprintf(tag, sizeof tag, "%s", pn->kind);
	o = json_pack("{s:i, s:s, s:I, s:s, s:s, s:s, s:i, s:b, s:b, s:o}",
	    "v", 1, "kind", pn->kind, "incident", (json_int_t)pn->incident,
	    "tag", tag, "title", title, "body", body[0] ? body : title,
	    "severity", pn->severity, "drill", pn->drill, "silent", pn->silent,
	    "actions", webpush_actions(pn, l));
	if (o == NULL)
		fatalx("msg: cannot build a web push");
	msg_set_lang(o, msg_push_lang(pn));
	if (l != NULL && l->click != NULL)
		json_object_set_new(o, "url", json_string(l->click));
	return msg_dump(o);
}

/* ---- subscriptions ----------------------------------------------------- */

static const struct field pushsub_keys[] = {
	FSTR("p256dh", 1, struct pushsub, p256dh),
	FSTR("auth", 1, struct pushsub, auth),
};

/* An endpoint is where beacond will POST: an absolute http(s) URL. */
static int
pushsub_endpoint(json_t *sub, struct pushsub *ps, char *err, size_t errlen)
{
	json_t *v = json_object_get(sub, "endpoint");
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;

	if (s == NULL) {
		msg_err(err, errlen, "subscription.endpoint: missing or not "
		    "a string");
		return -1;
	}
	if ((strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0) ||
	    strpbrk(s, " \t\r\n\"") != NULL || strlen(s) > ENDPOINT_MAX) {
		msg_err(err, errlen, "subscription.endpoint: not an http(s) "
		    "URL of at most %d characters", ENDPOINT_MAX);
		return -1;
	}
	strlcpy_utf8(ps->endpoint, s, sizeof ps->endpoint);
	return 0;
}

static int
pushsub_subscription(json_t *sub, struct pushsub *ps, char *err,
    size_t errlen)
{
	json_t *keys = json_object_get(sub, "keys");

	if (!json_is_object(sub)) {
		msg_err(err, errlen, "subscription: an object (from "
		    "PushSubscription.toJSON()) or null");
		return -1;
	}
	if (pushsub_endpoint(sub, ps, err, errlen) != 0)
		return -1;
	if (!json_is_object(keys)) {
		msg_err(err, errlen, "subscription.keys: missing");
		return -1;
	}
	if (msg_fields_unpack(keys, pushsub_keys, NFIELDS(pushsub_keys), ps,
	    err, errlen) != 0) {
		/* "p256dh: ..." from the table: say where it is. */
		char inner[256];

		snprintf(inner, sizeof inner, "%s", err);
		msg_err(err, errlen, "subscription.keys.%s", inner);
		return -1;
	}
	return 0;
}

int
msg_pushsub_decode(const void *payload, size_t len, struct pushsub *ps,
    char *err, size_t errlen)
{
	json_t *root, *sub, *dev;
	int rc = MSG_BAD;

	memset(ps, 0, sizeof *ps);
	if ((root = msg_load(payload, len, err, errlen)) == NULL)
		return MSG_NOID;
	dev = json_object_get(root, "device");
	sub = json_object_get(root, "subscription");
	if (!json_is_string(dev) || !id_valid(json_string_value(dev)))
		msg_err(err, errlen, "device: missing, or not an id (1-64 of "
		    "A-Za-z0-9._:-)");
	else if (sub == NULL)
		msg_err(err, errlen, "subscription: missing (null removes "
		    "this device's)");
	else {
		strlcpy_utf8(ps->device, json_string_value(dev),
		    sizeof ps->device);
		ps->remove = json_is_null(sub);
		if (ps->remove || pushsub_subscription(sub, ps, err,
		    errlen) == 0)
			rc = MSG_OK;
	}
	json_decref(root);
	return rc;
}

char *
msg_pushsub_encode(const struct pushsub *ps)
{
	json_t *o = json_pack("{s:s}", "device", ps->device);

	if (o == NULL)
		fatalx("msg: cannot build a subscription");
	if (ps->remove)
		json_object_set_new(o, "subscription", json_null());
	else
		json_object_set_new(o, "subscription", json_pack("{s:s, "
		    "s:{s:s, s:s}}", "endpoint", ps->endpoint, "keys",
		    "p256dh", ps->p256dh, "auth", ps->auth));
	return msg_dump(o);
}

char *
msg_pushsub_reply(const char *device, int n, const char *error)
{
	json_t *o;

	if (error != NULL)
		o = json_pack("{s:b, s:s, s:s}", "ok", 0, "device", device,
		    "error", error);
	else
		o = json_pack("{s:b, s:s, s:i}", "ok", 1, "device", device,
		    "subscriptions", n);
	if (o == NULL)
		fatalx("msg: cannot build a reply");
	return msg_dump(o);
}

char *
msg_link_answer(int ok, const struct link_answer *a)
{
	json_t *o = json_pack("{s:b}", "ok", ok);

	if (o == NULL)
		fatalx("msg: cannot build an answer");
	if (a->incident > 0)
		json_object_set_new(o, "incident", json_integer(a->incident));
	if (a->action != NULL)
		json_object_set_new(o, "action", json_string(a->action));
	if (a->responder != NULL)
		json_object_set_new(o, "responder", json_string(a->responder));
	if (ok)
		json_object_set_new(o, "repeat", json_boolean(a->repeat));
	json_object_set_new(o, ok ? "message" : "error",
	    json_string(a->message));
	return msg_dump(o);
}
