/* Answers in parts (msg_query.c): "chunk" read from a request, and an
 * answer cut into parts that hold its longest array in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "msg.h"
#include "xmalloc.h"

static size_t
chunk_of(const char *json, int *rc)
{
	char err[128] = "";
	size_t chunk = 99;

	*rc = msg_request_chunk(json, strlen(json), &chunk, err, sizeof err);
	if (*rc != 0)
		assert_non_null(strstr(err, "chunk: must be a number of bytes"));
	return chunk;
}

static void
test_chunk(void **state)
{
	int rc;

	(void)state;
	assert_int_equal(chunk_of("{\"method\":\"board\"}", &rc), 0);
	assert_int_equal(rc, 0);
	assert_int_equal(chunk_of("{\"method\":\"board\",\"chunk\":8192}", &rc),
	    8192);
	assert_int_equal(rc, 0);
	chunk_of("{\"method\":\"board\",\"chunk\":10}", &rc);
	assert_int_equal(rc, -1);
	chunk_of("{\"method\":\"board\",\"chunk\":\"big\"}", &rc);
	assert_int_equal(rc, -1);
	chunk_of("{\"chunk\":2000000}", &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(chunk_of("not json", &rc), 0);
	assert_int_equal(rc, 0);
}

/* {"ok":true,"method":"board","count":N,"incidents":[{"incident":1,
 * "pad":"..."}, ...],"few":[1,2]} */
static char *
answer(int n)
{
	size_t size = 64 + (size_t)n * 128, off;
	char *s = xmalloc(size);
	int i;

	off = (size_t)snprintf(s, size, "{\"ok\":true,\"method\":\"board\","
	    "\"count\":%d,\"incidents\":[", n);
	for (i = 1; i <= n; i++)
		off += (size_t)snprintf(s + off, size - off, "%s{\"incident\":%d,"
		    "\"pad\":\"%060d\"}", i > 1 ? "," : "", i, i);
	snprintf(s + off, size - off, "],\"few\":[1,2]}");
	return s;
}

struct seen {
	int next;	/* the incident expected next */
};

static int
seen_item(const char *json, size_t len, void *arg)
{
	struct seen *s = arg;
	char want[32];

	(void)len;
	snprintf(want, sizeof want, "{\"incident\":%d,", s->next++);
	assert_memory_equal(json, want, strlen(want));
	return 0;
}

static void
test_split(void **state)
{
	struct seen s = { 1 };
	char **parts, err[64];
	size_t i, n;

	(void)state;
	n = msg_reply_split(answer(100), 1024, &parts);
	assert_true(n >= 9 && n <= 12);
	for (i = 0; i < n; i++) {
		assert_true(strlen(parts[i]) <= 1024);
		assert_int_equal(msg_reply_int(parts[i], strlen(parts[i]),
		    "part"), (int64_t)i + 1);
		assert_int_equal(msg_reply_int(parts[i], strlen(parts[i]),
		    "parts"), (int64_t)n);
		assert_int_equal(msg_reply_int(parts[i], strlen(parts[i]),
		    "count"), 100);
		assert_non_null(strstr(parts[i], "\"split\":\"incidents\""));
		assert_int_equal(msg_reply_decode(parts[i], strlen(parts[i]),
		    "incidents", seen_item, &s, err, sizeof err), 0);
		free(parts[i]);
	}
	assert_int_equal(s.next, 101);	/* each once, in order */
	free(parts);
}

static void
test_split_fits(void **state)
{
	char *a = answer(3), **parts;

	(void)state;
	assert_int_equal(msg_reply_split(a, 4096, &parts), 1);
	assert_ptr_equal(parts[0], a);	/* as it was, no "part" */
	assert_int_equal(msg_reply_int(a, strlen(a), "part"), -1);
	free(parts[0]);
	free(parts);
}

/* An item larger than the chunk is a part of its own, never cut. */
static void
test_split_large_item(void **state)
{
	char **parts;
	size_t i, n;

	(void)state;
	n = msg_reply_split(answer(40), 1024, &parts);
	assert_true(n > 1);
	for (i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
	n = msg_reply_split(xstrdup("{\"ok\":false,\"error\":\"no\"}"), 1024,
	    &parts);
	assert_int_equal(n, 1);
	free(parts[0]);
	free(parts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunk),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_fits),
		cmocka_unit_test(test_split_large_item),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
