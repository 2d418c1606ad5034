/*
 * Text in the board report's HTML: escaping, and numbers, durations and
 * dates in the report's language ("en", "fr": 1,234.5 or 1 234,5; 14:05
 * or 14 h 05; "7 December 2026" or « 7 décembre 2026 »). The process
 * keeps the C locale: these are written here, not by the C library.
 */
#ifndef BEACON_HTML_TEXT_H
#define BEACON_HTML_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* French separates thousands and sets "%" apart with a no-break space. */
#define HTML_NBSP "\xc2\xa0"

/* Write s with &, <, >, " and ' escaped: safe in text and attributes. */
void html_text(FILE *, const char *s);
/* A whole number for people: "1,234" (en), "1 234" (fr). buf >= 32. */
char *html_text_count(const char *lang, int64_t n, char *buf, size_t len);
/* A percentage: "12%" (en), "12 %" (fr). buf >= 16. */
char *html_text_pct(const char *lang, int pct, char *buf, size_t len);
/* A duration for people: "35 ms", "4.2 s" (fr "4,2 s"), "3 min 05 s",
 * "2 h 04 min"; "none" in lang when ms < 0. buf >= 32. */
char *html_text_duration(const char *lang, int64_t ms, char *buf,
    size_t len);
/* A month's name in lang, month 0..11; abbr: "Jan" ("janv."). */
const char *html_text_month(const char *lang, int month, int abbr);
/* A local date, "7 December 2026" (fr "7 décembre 2026"), with the time
 * after it when clock is set: "at 14:05" (fr "à 14 h 05"). buf >= 64. */
char *html_text_date(const char *lang, int64_t ms, int clock, char *buf,
    size_t len);

#endif
