/*
 * Time zones (zone.c): zone files, and the POSIX TZ rules
 * that give the changes after a zone file's table, all without TZ.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "zone.h"

/* An RFC 3339 instant in seconds. */
static int64_t
at(const char *s)
{
	int64_t ms = clock_parse(s);

	assert_true(ms > 0);
	return ms / 1000;
}

static void
test_files(void **state)
{
	(void)state;
	assert_int_equal(zone_offset("America/Toronto",
	    at("2026-07-01T12:00:00Z")), -4 * 3600);
	assert_int_equal(zone_offset("America/Toronto",
	    at("2026-12-01T12:00:00Z")), -5 * 3600);
	assert_int_equal(zone_offset("Asia/Kolkata",
	    at("2026-07-01T12:00:00Z")), 5 * 3600 + 1800);
	assert_int_equal(zone_offset("Australia/Lord_Howe",
	    at("2026-01-15T12:00:00Z")), 11 * 3600);
	assert_int_equal(zone_offset("Australia/Lord_Howe",
	    at("2026-07-15T12:00:00Z")), 10 * 3600 + 1800);
	assert_int_equal(zone_offset("UTC", at("2026-07-01T12:00:00Z")), 0);
	assert_int_equal(zone_offset("Nowhere/Atlantis",
	    at("2026-07-01T12:00:00Z")), 0);
}

static void
test_posix(void **state)
{
	const char *us = "EST5EDT,M3.2.0,M11.1.0";
	const char *au = "AEST-10AEDT,M10.1.0,M4.1.0/3";
	const char *gl = "<-02>2<-01>,M3.5.0/-1,M10.5.0/0";

	(void)state;
	assert_int_equal(zone_offset("<+0530>-5:30", 0), 5 * 3600 + 1800);
	assert_int_equal(zone_offset(us, at("2026-03-08T06:59:59Z")),
	    -5 * 3600);
	assert_int_equal(zone_offset(us, at("2026-03-08T07:00:00Z")),
	    -4 * 3600);
	assert_int_equal(zone_offset(us, at("2026-11-01T05:59:59Z")),
	    -4 * 3600);
	assert_int_equal(zone_offset(us, at("2026-11-01T06:00:00Z")),
	    -5 * 3600);
	/* Southern summer across the new year. */
	assert_int_equal(zone_offset(au, at("2026-01-15T00:00:00Z")),
	    11 * 3600);
	assert_int_equal(zone_offset(au, at("2026-07-15T00:00:00Z")),
	    10 * 3600);
	/* Times of day before midnight: 01:00Z both ways. */
	assert_int_equal(zone_offset(gl, at("2026-03-29T00:59:59Z")),
	    -2 * 3600);
	assert_int_equal(zone_offset(gl, at("2026-03-29T01:00:00Z")),
	    -1 * 3600);
	assert_int_equal(zone_offset(gl, at("2026-10-25T00:59:59Z")),
	    -1 * 3600);
	assert_int_equal(zone_offset(gl, at("2026-10-25T01:00:00Z")),
	    -2 * 3600);
	/* Jn never counts February 29th; n does. */
	assert_int_equal(zone_offset("AAA0BBB,J60,J300",
	    at("2028-03-01T01:59:59Z")), 0);
	assert_int_equal(zone_offset("AAA0BBB,J60,J300",
	    at("2028-03-01T02:00:00Z")), 3600);
	assert_int_equal(zone_offset("AAA0BBB,59,300",
	    at("2028-02-29T02:00:00Z")), 3600);
}

static void
test_instant(void **state)
{
	const char *us = "EST5EDT,M3.2.0,M11.1.0";

	(void)state;
	assert_int_equal(zone_instant(us, at("2026-07-01T12:00:00Z")),
	    at("2026-07-01T16:00:00Z"));
	/* Skipped: the time after the gap. Repeated: the later. */
	assert_int_equal(zone_instant(us, at("2026-03-08T02:30:00Z")),
	    at("2026-03-08T07:30:00Z"));
	assert_int_equal(zone_instant(us, at("2026-11-01T01:30:00Z")),
	    at("2026-11-01T06:30:00Z"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_posix),
		cmocka_unit_test(test_instant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
