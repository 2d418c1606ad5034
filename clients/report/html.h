/*
 * The board report as one self-contained HTML page: text escaping, SVG
 * charts drawn here (svg.c) and the page itself (html.c). Nothing is
 * fetched from anywhere: no scripts, no fonts, no images, no links out.
 * Every string that comes from the database is data and goes through
 * html_text.
 */
#ifndef BEACON_HTML_H
#define BEACON_HTML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stats.h"

/* Write s with &, <, >, " and ' escaped: safe in text and attributes. */
void html_text(FILE *, const char *s);
/* A duration for people: "35 ms", "42 s", "3 min 05 s", "2 h 04 min";
 * "none" when ms < 0. buf >= 32. */
char *html_duration(int64_t ms, char *buf, size_t len);

/*
 * A chart: n values, each with a label. Values below zero mean "none"
 * (an empty set): no bar, the word "none" instead of a number.
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
};

/* Horizontal bars, a label on the left of each: few, named things. */
void svg_hbars(FILE *, const struct chart *);
/* Vertical columns over a scale: many ordered buckets (hours). */
void svg_columns(FILE *, const struct chart *);
/* A line with points: a trend over time (months). */
void svg_line(FILE *, const struct chart *);

/* What the report was asked for. */
struct report_meta {
	int64_t since;		/* ms; 0: from the first record */
	int64_t until;		/* ms, excluded; 0: up to generated */
	const char *branch;	/* NULL: every branch */
	int64_t generated;	/* ms */
	int zones;	/* 1: months and hours in each branch's zone */
};

/* The whole page, from <!doctype html> to </html>. */
void html_report(FILE *, const struct stats *, const struct report_meta *);

/* html_sections.c: the page's sections, each a <section> with its heading,
 * in the order html_report writes them. */
void html_incidents(FILE *, const struct stats *);
void html_response(FILE *, const struct stats *);
void html_escalation(FILE *, const struct stats *);
void html_debriefs(FILE *, const struct stats *);
void html_apart(FILE *, const struct stats *);

#endif
