/*
 * The board report's links (boardreport_token.c) and their request
 * (msg_report_link.c): a token made is a token checked, with its fields;
 * a change to any byte, another secret, or the clock past its expiry
 * makes it refused; an action link signed with the same secret is no
 * report link, and a report link no action link. Over HTTP:
 * tests/integration/t_report_link.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boardreport.h"
#include "crypto.h"
#include "link.h"
#include "msg.h"

#define NOW 1796000000000LL
#define DAY (24 * 3600 * 1000LL)

static unsigned char secret[CRYPTO_KEY_LEN] = { 9, 8, 7, 6 };

static struct boardreport_grant
grant(const char *branch)
{
	struct boardreport_grant g;

	memset(&g, 0, sizeof g);
	snprintf(g.supervisor, sizeof g.supervisor, "supervisor-1");
	g.since = NOW - 30 * DAY;
	g.until = NOW;
	snprintf(g.branch, sizeof g.branch, "%s", branch);
	g.expiry = NOW + BOARDREPORT_LIFETIME;
	return g;
}

static void
test_round_trip(void **state)
{
	struct boardreport_grant g = grant("central"), t;
	const char *why = NULL;
	char *tok = boardreport_token(secret, &g);

	(void)state;
	assert_non_null(tok);
	assert_int_equal(boardreport_check(secret, tok, NOW, &t, &why), 0);
	assert_string_equal(t.supervisor, "supervisor-1");
	assert_int_equal(t.since, g.since);
	assert_int_equal(t.until, g.until);
	assert_string_equal(t.branch, "central");
	assert_int_equal(t.expiry, g.expiry);
	assert_int_equal(boardreport_check(secret, tok, g.expiry - 1, &t,
	    &why), 0);
	assert_int_equal(boardreport_check(secret, tok, g.expiry, &t, &why),
	    -1);
	assert_non_null(strstr(why, "expired"));
	free(tok);
	/* Every branch: an empty field. */
	g = grant("");
	tok = boardreport_token(secret, &g);
	assert_int_equal(boardreport_check(secret, tok, NOW, &t, &why), 0);
	assert_string_equal(t.branch, "");
	free(tok);
}

static void
test_tampered(void **state)
{
	struct boardreport_grant g = grant("central"), t;
	const char *why = NULL;
	char *tok = boardreport_token(secret, &g), *bad;
	unsigned char other[CRYPTO_KEY_LEN] = { 9, 8, 7, 5 };
	size_t i, dot = strcspn(tok, ".");

	(void)state;
	/* Any character changed. */
	for (i = 0; tok[i] != '\0'; i++) {
		if (tok[i] == '.')
			continue;
		bad = strdup(tok);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		why = NULL;
		if (boardreport_check(secret, bad, NOW, &t, &why) == 0) {
			/* Only the unused low bits of each part's last
			 * character: the same bytes. */
			assert_true(i == dot - 1 || i == strlen(tok) - 1);
		} else
			assert_non_null(strstr(why, "not valid"));
		free(bad);
	}
	assert_int_equal(boardreport_check(other, tok, NOW, &t, &why), -1);
	*strchr(tok, '.') = '\0';
	assert_int_equal(boardreport_check(secret, tok, NOW, &t, &why), -1);
	assert_int_equal(boardreport_check(secret, "", NOW, &t, &why), -1);
	assert_int_equal(boardreport_check(secret, "x.y", NOW, &t, &why), -1);
	free(tok);
}

/* The same secret signs both kinds: neither passes for the other. */
static void
test_not_an_action_link(void **state)
{
	struct link *l = link_new(secret, "https://b.example.org", 3600);
	struct boardreport_grant g = grant(""), t;
	struct link_token lt;
	const char *why = NULL;
	char *action = link_token(l, "supervisor-1", 7, ACT_ACK,
	    NOW + 3600000), *report = boardreport_token(secret, &g);

	(void)state;
	assert_int_equal(link_check(l, action, NOW, &lt, &why), 0);
	assert_int_equal(boardreport_check(secret, action, NOW, &t, &why),
	    -1);
	assert_int_equal(boardreport_check(secret, report, NOW, &t, &why), 0);
	assert_int_equal(link_check(l, report, NOW, &lt, &why), -1);
	free(action);
	free(report);
	link_free(l);
}

static void
test_request(void **state)
{
	struct report_link_req q;
	char err[256], *s;
	const char *p;

	(void)state;
	p = "{\"method\": \"report_link\"}";
	assert_int_equal(msg_report_link_decode(p, strlen(p), &q, err,
	    sizeof err), MSG_OK);
	assert_int_equal(q.since, 0);
	assert_int_equal(q.until, 0);
	assert_string_equal(q.branch, "");
	p = "{\"method\": \"report_link\", \"since\": \"2026-11-01T00:00:00Z\","
	    " \"until\": \"2026-12-01T00:00:00.000Z\","
	    " \"branch\": \"central\"}";
	assert_int_equal(msg_report_link_decode(p, strlen(p), &q, err,
	    sizeof err), MSG_OK);
	assert_int_equal(q.since, 1793491200000LL);
	assert_int_equal(q.until, 1796083200000LL);
	assert_string_equal(q.branch, "central");
	s = msg_report_link_encode(&q);
	assert_non_null(strstr(s, "\"2026-12-01T00:00:00.000Z\""));
	assert_non_null(strstr(s, "\"central\""));
	free(s);
	p = "{\"method\": \"report_link\", \"since\": \"last month\"}";
	assert_int_equal(msg_report_link_decode(p, strlen(p), &q, err,
	    sizeof err), MSG_BAD);
	assert_string_equal(err, "since: must be an RFC 3339 time");
	p = "{\"method\": \"report_link\", \"branch\": 3}";
	assert_int_equal(msg_report_link_decode(p, strlen(p), &q, err,
	    sizeof err), MSG_BAD);
	assert_non_null(strstr(err, "branch"));
	p = "{\"method\": \"board\"}";
	assert_int_equal(msg_report_link_decode(p, strlen(p), &q, err,
	    sizeof err), MSG_NOID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_not_an_action_link),
		cmocka_unit_test(test_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
