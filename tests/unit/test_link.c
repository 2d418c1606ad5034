/*
 * Signed action links (link.c) and Web Push messages (msg_webpush.c):
 * a link made is a link checked, with its fields; a change to any byte,
 * another secret, or the clock past its expiry makes it refused; the
 * subscriptions the app sends are read or refused with the field named;
 * the message the service worker gets has its actions only when a notice
 * asks an answer. The links over HTTP: tests/integration/t_links.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "crypto.h"
#include "link.h"
#include "msg.h"

#define NOW 1796000000000LL
#define BASE "https://beacon.example.org"

static unsigned char secret[CRYPTO_KEY_LEN] = { 1, 2, 3, 4 };

static char *
token_of(const char *url)
{
	assert_non_null(strstr(url, BASE "/a/"));
	return strdup(url + strlen(BASE "/a/"));
}

static void
test_round_trip(void **state)
{
	struct link *l = link_new(secret, BASE, 3600);
	struct link_token t;
	const char *why = NULL;
	char *url = link_url(l, "crisis-1", 42, ACT_DECLINE, NOW), *tok;

	(void)state;
	tok = token_of(url);
	assert_int_equal(link_check(l, tok, NOW + 1000, &t, &why), 0);
	assert_string_equal(t.responder, "crisis-1");
	assert_int_equal(t.incident, 42);
	assert_int_equal(t.action, ACT_DECLINE);
	assert_int_equal(t.expiry, NOW + 3600 * 1000);
	assert_string_equal(t.key, strchr(tok, '.') + 1);
	/* One millisecond before the end it acts; at the end it does not. */
	assert_int_equal(link_check(l, tok, t.expiry - 1, &t, &why), 0);
	assert_int_equal(link_check(l, tok, t.expiry, &t, &why), -1);
	assert_non_null(strstr(why, "expired"));
	free(url);
	free(tok);
	url = link_app_url(l, 42);
	assert_string_equal(url, BASE "/responder.html#incident=42");
	free(url);
	link_free(l);
}

/* Every single-character change to a token is refused. */
static void
test_tampered(void **state)
{
	struct link *l = link_new(secret, BASE, 3600);
	struct link_token t;
	const char *why = NULL;
	char *tok = link_token(l, "crisis-1", 7, ACT_ACK, NOW + 60000);
	size_t i, n = strlen(tok);
	char c, key[64];

	(void)state;
	for (i = 0; i < n; i++) {
		c = tok[i];
		/* The top bit of a character always counts. */
		tok[i] = c == 'A' ? 'g' : 'A';
		assert_int_equal(link_check(l, tok, NOW, &t, &why), -1);
		assert_non_null(strstr(why, "not valid"));
		tok[i] = c;
	}
	assert_int_equal(link_check(l, tok, NOW, &t, &why), 0);
	/* The same signature spelt with other unused bits is the same
	 * link: the same key. */
	snprintf(key, sizeof key, "%s", t.key);
	tok[n - 1] ^= 1;
	if (link_check(l, tok, NOW, &t, &why) == 0)
		assert_string_equal(t.key, key);
	tok[n - 1] ^= 1;
	tok[n - 2] = '\0';
	assert_int_equal(link_check(l, tok, NOW, &t, &why), -1);
	assert_int_equal(link_check(l, "", NOW, &t, &why), -1);
	assert_int_equal(link_check(l, ".", NOW, &t, &why), -1);
	assert_int_equal(link_check(l, "a.b.c", NOW, &t, &why), -1);
	free(tok);
	link_free(l);
}

/* Another Beacon's secret, and payloads signed right but not ours. */
static void
test_foreign(void **state)
{
	unsigned char other[CRYPTO_KEY_LEN] = { 9 };
	struct link *l = link_new(secret, BASE, 3600);
	struct link *o = link_new(other, BASE, 3600);
	struct link_token t;
	const char *why = NULL;
	char *tok = link_token(o, "crisis-1", 7, ACT_ACK, NOW + 60000);

	(void)state;
	assert_int_equal(link_check(l, tok, NOW, &t, &why), -1);
	free(tok);
	/* Only ack and decline are links; incidents are positive. */
	tok = link_token(l, "crisis-1", 7, ACT_RESOLVE, NOW + 60000);
	assert_int_equal(link_check(l, tok, NOW, &t, &why), -1);
	free(tok);
	tok = link_token(l, "crisis-1", 0, ACT_ACK, NOW + 60000);
	assert_int_equal(link_check(l, tok, NOW, &t, &why), -1);
	free(tok);
	link_free(l);
	link_free(o);
}

static int
decode(const char *s, struct pushsub *ps, char *err, size_t len)
{
	err[0] = '\0';
	return msg_pushsub_decode(s, strlen(s), ps, err, len);
}

#define P256DH "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
#define AUTH "BTBZMqHH6r4Tts7J_aSIgg"

static void
test_subscriptions(void **state)
{
	struct pushsub ps;
	char err[256], *s;

	(void)state;
	assert_int_equal(decode("{\"device\": \"phone-a\", \"subscription\": "
	    "{\"endpoint\": \"https://push.example.org/x\", \"expirationTime\""
	    ": null, \"keys\": {\"p256dh\": \"" P256DH "\", \"auth\": \""
	    AUTH "\"}}}", &ps, err, sizeof err), MSG_OK);
	assert_string_equal(ps.device, "phone-a");
	assert_false(ps.remove);
	assert_string_equal(ps.endpoint, "https://push.example.org/x");
	assert_string_equal(ps.p256dh, P256DH);
	s = msg_pushsub_encode(&ps);
	assert_int_equal(decode(s, &ps, err, sizeof err), MSG_OK);
	free(s);
	assert_int_equal(decode("{\"device\": \"phone-a\", \"subscription\": "
	    "null}", &ps, err, sizeof err), MSG_OK);
	assert_true(ps.remove);
	assert_int_equal(decode("{\"subscription\": null}", &ps, err,
	    sizeof err), MSG_BAD);
	assert_non_null(strstr(err, "device"));
	assert_int_equal(decode("{\"device\": \"a/b\", \"subscription\": "
	    "null}", &ps, err, sizeof err), MSG_BAD);
	assert_int_equal(decode("{\"device\": \"p\"}", &ps, err, sizeof err),
	    MSG_BAD);
	assert_non_null(strstr(err, "subscription: missing"));
	assert_int_equal(decode("{\"device\": \"p\", \"subscription\": {"
	    "\"endpoint\": \"ftp://x\", \"keys\": {}}}", &ps, err, sizeof err),
	    MSG_BAD);
	assert_non_null(strstr(err, "subscription.endpoint"));
	assert_int_equal(decode("{\"device\": \"p\", \"subscription\": {"
	    "\"endpoint\": \"https://x/\", \"keys\": {\"auth\": \"a\"}}}", &ps,
	    err, sizeof err), MSG_BAD);
	assert_non_null(strstr(err, "subscription.keys.p256dh"));
	assert_int_equal(decode("not json", &ps, err, sizeof err), MSG_NOID);
}

static json_t *
webpush(const char *kind, int64_t incident)
{
	struct push_note pn;
	struct push_links l = { BASE "/responder.html#incident=3",
		BASE "/a/ack", BASE "/a/decline" };
	json_t *o;
	char *s;

	memset(&pn, 0, sizeof pn);
	snprintf(pn.kind, sizeof pn.kind, "%s", kind);
	snprintf(pn.branch, sizeof pn.branch, "central");
	snprintf(pn.label, sizeof pn.label, "Suspected overdose");
	snprintf(pn.location, sizeof pn.location, "Children's area");
	pn.incident = incident;
	pn.severity = 1;
	pn.drill = 1;
	pn.step = -1;
	s = msg_webpush_encode(&pn, "Central Library", &l);
	o = json_loads(s, 0, NULL);
	assert_non_null(o);
	free(s);
	return o;
}

static void
test_message(void **state)
{
	json_t *o = webpush("incident", 3), *a;

	(void)state;
	assert_string_equal(json_string_value(json_object_get(o, "title")),
	    "DRILL: Suspected overdose at Central Library");
	assert_string_equal(json_string_value(json_object_get(o, "tag")),
	    "incident-3");
	assert_true(json_is_true(json_object_get(o, "drill")));
	assert_non_null(strstr(json_string_value(json_object_get(o, "body")),
	    "Where: Children's area"));
	a = json_object_get(o, "actions");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(a, 0), "action")), "ack");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(a, 1), "url")), BASE "/a/decline");
	json_decref(o);
	/* A stand-down asks nothing. */
	o = webpush("stand_down", 3);
	assert_int_equal(json_array_size(json_object_get(o, "actions")), 0);
	assert_string_equal(json_string_value(json_object_get(o, "tag")),
	    "incident-3");
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_foreign),
		cmocka_unit_test(test_subscriptions),
		cmocka_unit_test(test_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
