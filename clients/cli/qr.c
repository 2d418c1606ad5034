/*
 * A QR code drawn in a terminal (beacon enroll's link), with libqrencode:
 * two rows of modules per line of text, in Unicode half blocks, light
 * modules as blocks on a dark background (what `qrencode -t UTF8` draws),
 * inside a quiet zone. On a terminal the colours are set, so that the
 * code reads the same on a light background.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <qrencode.h>

#include "cli.h"

#define QR_QUIET 4	/* modules of quiet zone around the code */

/* 1 when the module at (x, y) of the code with its quiet zone is dark. */
static int
qr_dark(const QRcode *q, int x, int y)
{
	x -= QR_QUIET;
	y -= QR_QUIET;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

/* One line of text: rows y and y + 1. */
static void
qr_line(FILE *fp, const QRcode *q, int y, int color)
{
	static const char *const half[4] = {
		"\xe2\x96\x88",	/* both light: full block */
		"\xe2\x96\x80",	/* the lower one dark: upper half */
		"\xe2\x96\x84",	/* the upper one dark: lower half */
		" ",		/* both dark */
	};
	int size = q->width + 2 * QR_QUIET, x;

	if (color)
		fputs("\033[97;40m", fp);
	for (x = 0; x < size; x++)
		fputs(half[qr_dark(q, x, y) << 1 | qr_dark(q, x, y + 1)], fp);
	fputs(color ? "\033[0m\n" : "\n", fp);
}

int
qr_print(FILE *fp, const char *text, int color)
{
	QRcode *q;
	int size, y;

	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1)) ==
	    NULL) {
		fprintf(stderr, "beacon: cannot draw a QR code: %s\n",
		    strerror(errno));
		return -1;
	}
	size = q->width + 2 * QR_QUIET;
	for (y = 0; y < size; y += 2)
		qr_line(fp, q, y, color);
	QRcode_free(q);
	return 0;
}
