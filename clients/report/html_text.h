/*
 * Text in the board report's HTML: escaping, and durations in words.
 */
#ifndef BEACON_HTML_TEXT_H
#define BEACON_HTML_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Write s with &, <, >, " and ' escaped: safe in text and attributes. */
void html_text(FILE *, const char *s);
/* A duration for people: "35 ms", "42 s", "3 min 05 s", "2 h 04 min";
 * "none" when ms < 0. buf >= 32. */
char *html_text_duration(int64_t ms, char *buf, size_t len);

#endif
