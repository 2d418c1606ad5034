/*
 * The calendar (calendar.c): "HH:MM", day names, dates, and days since 1970.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"

static void
test_parse(void **state)
{
	char *days[] = { "mon", "weekends" }, *bad[] = { "monday" };
	const char *why = NULL;
	int v;

	(void)state;
	assert_int_equal(calendar_parse_hhmm("09:30", &v), 0);
	assert_int_equal(v, 570);
	assert_int_equal(calendar_parse_hhmm("24:00", &v), 0);
	assert_int_equal(v, 1440);
	assert_int_equal(calendar_parse_hhmm("24:01", &v), -1);
	assert_int_equal(calendar_parse_hhmm("9:30", &v), -1);
	assert_int_equal(calendar_parse_hhmm("09:60", &v), -1);
	assert_int_equal(calendar_parse_days(days, 2, &v, &why), 0);
	assert_int_equal(v, (1 << 1) | (1 << 0) | (1 << 6));
	assert_int_equal(calendar_parse_days(bad, 1, &v, &why), -1);
	assert_string_equal(why, "monday");
	assert_int_equal(calendar_parse_date("2028-02-29", &v), 0);
	assert_int_equal(v, 20280229);
	assert_int_equal(calendar_parse_date("2026-02-29", &v), -1);
	assert_int_equal(calendar_parse_date("2026-13-01", &v), -1);
}

static void
test_days(void **state)
{
	int y, m, d;

	(void)state;
	assert_int_equal(calendar_days(1970, 1, 1), 0);
	assert_int_equal(calendar_weekday(0), 4);
	assert_int_equal(calendar_days(2000, 3, 1), 11017);
	assert_int_equal(calendar_days(2028, 2, 30), calendar_days(2028, 3, 1));
	calendar_civil(calendar_days(2028, 2, 29), &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20280229);
	calendar_civil(-1, &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 19691231);
	assert_int_equal(calendar_weekday(-1), 3);
	assert_int_equal(calendar_weekday(calendar_days(2026, 12, 7)), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_days),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
