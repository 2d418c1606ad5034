/*
 * The delivery of reports (deliver.c): the retry schedule of `beacon
 * report` and beacon-button, its bounds and its jitter, and the report's
 * topics, and its spool.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "beacon.h"
#include "deliver.h"
#include "spool.h"

/* Each try's delay against its base: the base without jitter, and up to a
 * tenth longer with any jitter. */
static void
check_schedule(const int64_t *base, size_t n, int64_t max)
{
	static const uint32_t jitter[] = { 1, 99, 100, 101, 4321, 65535,
		UINT32_MAX };
	int64_t d;
	size_t i, j;

	for (i = 0; i < n; i++) {
		assert_int_equal(deliver_backoff((int)i + 1, max, 0), base[i]);
		for (j = 0; j < sizeof jitter / sizeof jitter[0]; j++) {
			d = deliver_backoff((int)i + 1, max, jitter[j]);
			assert_in_range(d, base[i], base[i] + base[i] / 10);
		}
	}
	/* However many tries, no overflow. */
	assert_int_equal(deliver_backoff(INT_MAX, max, 0), max);
}

/* beacon report's retries: 1, 2, 4, 8 s, then every 15 s, each up to a
 * tenth longer at random. */
static void
test_backoff_report(void **state)
{
	static const int64_t base[] = { 1000, 2000, 4000, 8000, 15000, 15000,
		15000 };

	(void)state;
	check_schedule(base, sizeof base / sizeof base[0], DELIVER_MAX_REPORT);
	assert_int_equal(deliver_backoff(1, DELIVER_MAX_REPORT, 100), 1100);
	assert_int_equal(deliver_backoff(1, DELIVER_MAX_REPORT, 101), 1000);
	assert_int_equal(deliver_backoff(5, DELIVER_MAX_REPORT, 1500), 16500);
}

/* beacon-button's: 1, 2, 4, 8, 16 s, then every 30 s, with the same
 * jitter. */
static void
test_backoff_button(void **state)
{
	static const int64_t base[] = { 1000, 2000, 4000, 8000, 16000, 30000,
		30000 };

	(void)state;
	check_schedule(base, sizeof base / sizeof base[0], DELIVER_MAX_BUTTON);
	assert_int_equal(deliver_backoff(6, DELIVER_MAX_BUTTON, 3000), 33000);
	assert_int_equal(deliver_backoff(6, DELIVER_MAX_BUTTON, 3001), 30000);
}

static void
fill(struct report *r, const char *id)
{
	memset(r, 0, sizeof *r);
	strlcpy_utf8(r->id, id, sizeof r->id);
	strlcpy_utf8(r->type, "medical", sizeof r->type);
}

/*
 * Two buttons cut off by the same outage: their waits stay within the
 * schedule's bounds, but do not stay in step. Each wait has d / 10 + 1
 * values to draw from, so twelve waits in step by chance are about one
 * in 10^25.
 */
static void
test_jitter_spreads(void **state)
{
	struct deliver a, b;
	struct report r;
	int64_t wa, wb, base;
	int n, apart = 0;

	(void)state;
	fill(&r, "btn-1");
	deliver_init(&a, "beacon", "central", &r, DELIVER_MAX_BUTTON);
	fill(&r, "btn-2");
	deliver_init(&b, "beacon", "central", &r, DELIVER_MAX_BUTTON);
	for (n = 1; n <= 12; n++) {
		base = deliver_backoff(n, DELIVER_MAX_BUTTON, 0);
		wa = deliver_wait(&a);
		wb = deliver_wait(&b);
		assert_in_range(wa, base, base + base / 10);
		assert_in_range(wb, base, base + base / 10);
		apart += wa != wb;
	}
	assert_true(apart > 0);
	/* Reconnected: the waits start again from the shortest. */
	deliver_reset(&a);
	assert_in_range(deliver_wait(&a), 1000, 1100);
	deliver_clear(&a);
	deliver_clear(&b);
}

/* The topics of a report, and a status topic taken apart. */
static void
test_topics(void **state)
{
	struct deliver d;
	struct report r;
	char branch[ID_MAX + 1];
	const char *id;

	(void)state;
	fill(&r, "cli-7");
	deliver_init(&d, "site/beacon", "east", &r, DELIVER_MAX_REPORT);
	assert_string_equal(d.topic, "site/beacon/report/east");
	assert_string_equal(d.status_topic, "site/beacon/status/east/cli-7");
	assert_non_null(strstr(d.payload, "\"cli-7\""));
	assert_int_equal(d.tries, 0);
	deliver_clear(&d);
	id = deliver_status_id("site/beacon/status/east/cli-7", "site/beacon",
	    branch, sizeof branch);
	assert_non_null(id);
	assert_string_equal(id, "cli-7");
	assert_string_equal(branch, "east");
	assert_null(deliver_status_id("site/beacon/report/east/cli-7",
	    "site/beacon", branch, sizeof branch));
	assert_null(deliver_status_id("site/beacon/status/east", "site/beacon",
	    branch, sizeof branch));
	assert_null(deliver_status_id("site/beacon/status/east/",
	    "site/beacon", branch, sizeof branch));
	assert_null(deliver_status_id("beacon/status/east/cli-7",
	    "site/beacon", branch, sizeof branch));
	assert_null(deliver_status_id("site/beacon/status/east/cli-7", "site",
	    branch, sizeof branch));
	assert_null(deliver_status_id("b/status/toolongforthebuffer/x", "b",
	    branch, 8));
}

/* Spooled before the first publication, out at the first status; a
 * report the spool held from before a restart is not written twice. */
static void
test_spool(void **state)
{
	char dir[] = "/tmp/beacon-deliver-XXXXXX", path[64], *cause;
	struct spool *s;
	struct deliver d, again;
	struct report r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/spool", dir);
	assert_non_null(s = spool_open(path, &cause));
	fill(&r, "btn-3");
	deliver_init(&d, "beacon", "central", &r, DELIVER_MAX_BUTTON);
	assert_null(d.spool);
	assert_int_equal(deliver_unspool(&d), 0); /* in none */
	assert_int_equal(deliver_spool(&d, s), 0);
	assert_ptr_equal(d.spool, s);
	assert_int_equal(spool_count(s), 1);
	deliver_init(&again, "beacon", "central", spool_get(s, 0),
	    DELIVER_MAX_BUTTON);
	assert_int_equal(deliver_spool(&again, s), 0);
	assert_int_equal(spool_count(s), 1);
	assert_int_equal(deliver_unspool(&d), 0);
	assert_null(d.spool);
	assert_int_equal(spool_count(s), 0);
	assert_int_equal(deliver_unspool(&again), 0); /* already out */
	deliver_clear(&d);
	deliver_clear(&again);
	spool_close(s);
	/* And after a restart, still out. */
	assert_non_null(s = spool_open(path, &cause));
	assert_int_equal(spool_count(s), 0);
	spool_close(s);
	unlink(path);
	snprintf(path, sizeof path, "%s/spool.lock", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/spool.tmp", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_report),
		cmocka_unit_test(test_backoff_button),
		cmocka_unit_test(test_jitter_spreads),
		cmocka_unit_test(test_topics),
		cmocka_unit_test(test_spool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
