/*
 * The board report as one self-contained HTML page: the page itself
 * (html.c), its sections (html_sections.h), SVG charts drawn here
 * (svg.h) and text escaping (html_text.h). Nothing is fetched from
 * anywhere: no scripts, no fonts, no images, no links out. Every string
 * that comes from the database is data and goes through html_text.
 */
#ifndef BEACON_HTML_H
#define BEACON_HTML_H

#include <stdint.h>
#include <stdio.h>

#include "stats.h"

/* What the report was asked for. */
struct report_meta {
	int64_t since;		/* ms; 0: from the first record */
	int64_t until;		/* ms, excluded; 0: up to generated */
	const char *branch;	/* NULL: every branch */
	int64_t generated;	/* ms */
	int zones;	/* 1: months and hours in each branch's zone */
	const char *lang;	/* "en", "fr": every word of the page */
};

/* The text of the page's one <style> element, exactly (for a
 * Content-Security-Policy hash); static. */
const char *html_style(void);
/* The whole page, from <!doctype html> to </html>. */
void html_report(FILE *, const struct stats *, const struct report_meta *);

#endif
