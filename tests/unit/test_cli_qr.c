/*
 * beacon enroll's QR code, drawn in a terminal (qr.c): two rows of
 * modules a line, a quiet zone of 4 modules, light modules as blocks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

#define FULL "\xe2\x96\x88"
#define LOWER "\xe2\x96\x84"

struct drawn {
	char *line[64];
	size_t n;
	char *text;
};

static void
draw(const char *s, int color, struct drawn *d)
{
	size_t len;
	FILE *fp = open_memstream(&d->text, &len);
	char *p, *save = NULL;

	assert_non_null(fp);
	assert_int_equal(qr_print(fp, s, color), 0);
	fclose(fp);
	d->n = 0;
	for (p = strtok_r(d->text, "\n", &save); p != NULL && d->n < 64;
	    p = strtok_r(NULL, "\n", &save))
		d->line[d->n++] = p;
}

/* The line's characters: one column each. */
static size_t
columns(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The character of column col (UTF-8), into buf. */
static const char *
column(const char *s, size_t col, char *buf)
{
	size_t n = 0, k;

	for (; *s != '\0'; s += k, n++) {
		k = ((unsigned char)*s & 0x80) ? 3 : 1;
		if (n == col) {
			memcpy(buf, s, k);
			buf[k] = '\0';
			return buf;
		}
	}
	return "";
}

static void
check(const char *s, size_t width)
{
	size_t size = width + 8, i, j;
	struct drawn d;
	char c[8];

	draw(s, 0, &d);
	assert_int_equal(d.n, (size + 1) / 2);
	for (i = 0; i < d.n; i++)
		assert_int_equal(columns(d.line[i]), size);
	/* The quiet zone: rows 0-3 light. */
	for (i = 0; i < 2; i++)
		for (j = 0; j < size; j++)
			assert_string_equal(column(d.line[i], j, c), FULL);
	/* Rows 4 and 5 cross the top-left finder pattern: dark over dark
	 * at its edge, dark over light inside. */
	assert_string_equal(column(d.line[2], 3, c), FULL);
	assert_string_equal(column(d.line[2], 4, c), " ");
	assert_string_equal(column(d.line[2], 5, c), LOWER);
	assert_string_equal(column(d.line[2], 10, c), " ");
	free(d.text);
}

static void
test_qr_version_1(void **state)
{
	(void)state;
	check("beacon", 21);
}

static void
test_qr_enroll_link(void **state)
{
	(void)state;
	/* 71 bytes: version 4 at level L, 33 modules. */
	check("https://beacon.example.org/responder.html#enroll="
	    "AAAAAAAAAAAAAAAAAAAAAA", 33);
}

static void
test_qr_color(void **state)
{
	struct drawn d;

	(void)state;
	draw("beacon", 1, &d);
	assert_int_equal(d.n, 15);
	assert_int_equal(strncmp(d.line[0], "\033[97;40m", 8), 0);
	assert_non_null(strstr(d.line[0], "\033[0m"));
	free(d.text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qr_version_1),
		cmocka_unit_test(test_qr_enroll_link),
		cmocka_unit_test(test_qr_color),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
