/*
 * The board report's charts as inline SVG (svg.c).
 */
#ifndef BEACON_SVG_H
#define BEACON_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A chart: n values, each with a label. Values below zero mean "none"
 * (an empty set): no bar, the word "none" (in lang) instead of a number.
 * The texts given are already in lang.
 */
struct chart {
	const char *title;	/* shown, and the SVG's <title> */
	const char *desc;	/* what the values are, for the aria-label */
	const char *xlabel;	/* the axes' titles; NULL: none */
	const char *ylabel;
	size_t n;
	const char *const *labels;
	const int64_t *values;
	const char *const *classes; /* per value (colours), or NULL */
	int duration;		/* values are ms, ticks and labels times */
	int width;		/* px; 0: the default of the chart's kind */
	const char *lang;	/* numbers and "none" in it ("en", "fr") */
};

/* Horizontal bars, a label on the left of each: few, named things. */
void svg_hbars(FILE *, const struct chart *);
/* Vertical columns over a scale: many ordered buckets (hours). */
void svg_columns(FILE *, const struct chart *);
/* A line with points: a trend over time (months). */
void svg_line(FILE *, const struct chart *);

#endif
