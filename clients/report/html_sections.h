/*
 * The board report's sections (html_sections.c), each a <section> with
 * its heading, in the order html_report writes them, in lang.
 */
#ifndef BEACON_HTML_SECTIONS_H
#define BEACON_HTML_SECTIONS_H

#include <stdio.h>

struct stats;

void html_sections_incidents(FILE *, const struct stats *,
    const char *lang);
void html_sections_response(FILE *, const struct stats *,
    const char *lang);
void html_sections_escalation(FILE *, const struct stats *,
    const char *lang);
void html_sections_debriefs(FILE *, const struct stats *,
    const char *lang);
void html_sections_apart(FILE *, const struct stats *,
    const char *lang);

#endif
