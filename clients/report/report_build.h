/*
 * The board report from the database: each incident's timeline and
 * debrief turned into the facts stats.c counts, drawn as one page by
 * html.c. The command line (beacon report-html) and beacond (GET /r/ on
 * its listener) both make it here, so the two pages are the same.
 */
#ifndef BEACON_REPORT_BUILD_H
#define BEACON_REPORT_BUILD_H

#include <stdint.h>
#include <stdio.h>

#include "stats.h"

struct config;
struct store;

/* What a report is asked for. */
struct report_ask {
	int64_t since;		/* ms; 0: from the first record */
	int64_t until;		/* ms, excluded; 0: up to now */
	const char *branch;	/* NULL: every branch */
	int64_t now;		/* ms: "generated"; today, for debriefs */
	const char *lang;	/* "en", "fr"; NULL: report_build_lang's */
};

/* The report's language: a->lang when set, else the branch's
 * (conf_branch_lang) when the report is of one branch, else English;
 * English too when the language cannot be shown on this machine
 * (i18n_check). */
const char *report_build_lang(const struct config *cf,
    const struct report_ask *a);

/* Count the incidents of the range into *st (stats_free it, even after a
 * failure): cf gives branch names, category labels and zones (NULL: ids
 * and the local zone). 0, or -1 when the store could not be read. */
int report_build_read(struct store *, const struct config *cf,
    const struct report_ask *, struct stats *st);
/* The page for st, from <!doctype html> to </html>, onto fp. 0, or -1
 * when fp took it not. */
int report_build_write(FILE *fp, const struct config *cf,
    const struct report_ask *, const struct stats *st);
/* Both: the whole report onto fp. 0, or -1 (nothing useful on fp). */
int report_build(struct store *, const struct config *cf,
    const struct report_ask *, FILE *fp);

#endif
