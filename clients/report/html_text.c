/* Text for the board report's HTML (html_text.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "html_text.h"
#include "i18n.h"

/* Every character that could end a text or an attribute. */
static const char *const html_entities[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
	['\''] = "&#39;",
};

void
html_text(FILE *fp, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (html_entities[*p] != NULL)
			fputs(html_entities[*p], fp);
		else
			fputc(*p, fp);
	}
}

static int
html_fr(const char *lang)
{
	return lang != NULL && strcmp(lang, "fr") == 0;
}

char *
html_text_count(const char *lang, int64_t n, char *buf, size_t len)
{
	const char *sep = html_fr(lang) ? HTML_NBSP : ",";
	char digits[24], *p = buf;
	size_t i, nd, room = len;
	int w;

	snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? -n : n));
	nd = strlen(digits);
	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (n < 0 && room > 1) {
		*p++ = '-';
		*p = '\0';
		room--;
	}
	for (i = 0; i < nd && room > 1; i++) {
		w = snprintf(p, room, "%s%c", i > 0 && (nd - i) % 3 == 0 ?
		    sep : "", digits[i]);
		if (w < 0 || (size_t)w >= room)
			break;
		p += w;
		room -= (size_t)w;
	}
	return buf;
}

char *
html_text_pct(const char *lang, int pct, char *buf, size_t len)
{
	snprintf(buf, len, "%d%s%%", pct, html_fr(lang) ? HTML_NBSP : "");
	return buf;
}

/* Milliseconds under a second (routing takes a few), seconds with a
 * tenth under ten, whole seconds under a minute, then minutes and hours. */
char *
html_text_duration(const char *lang, int64_t ms, char *buf, size_t len)
{
	long long s = ms / 1000;
	char *dot;

	if (ms < 0)
		snprintf(buf, len, "%s", T_(lang, "none"));
	else if (ms == 0)
		snprintf(buf, len, "0 s");
	else if (ms < 1000)
		snprintf(buf, len, "%lld ms", (long long)ms);
	else if (ms < 10000 && ms % 1000 != 0) {
		snprintf(buf, len, "%.1f s", (double)ms / 1000);
		if (html_fr(lang) && (dot = strchr(buf, '.')) != NULL)
			*dot = ',';
	}
	else if (s < 60)
		snprintf(buf, len, "%lld s", s);
	else if (s < 3600 && s % 60 == 0)
		snprintf(buf, len, "%lld min", s / 60);
	else if (s < 3600)
		snprintf(buf, len, "%lld min %02lld s", s / 60, s % 60);
	else if (s % 3600 / 60 == 0)
		snprintf(buf, len, "%lld h", s / 3600);
	else
		snprintf(buf, len, "%lld h %02lld min", s / 3600,
		    s % 3600 / 60);
	return buf;
}

static const char *const html_months[12] = {
	N_("January"), N_("February"), N_("March"), N_("April"), N_("May"),
	N_("June"), N_("July"), N_("August"), N_("September"),
	N_("October"), N_("November"), N_("December"),
};
static const char *const html_months_abbr[12] = {
	N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
	N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
};

const char *
html_text_month(const char *lang, int month, int abbr)
{
	if (month < 0 || month > 11)
		return "?";
	return T_(lang, abbr ? html_months_abbr[month] : html_months[month]);
}

char *
html_text_date(const char *lang, int64_t ms, int clock, char *buf,
    size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char at[32];

	if (localtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "?");
		return buf;
	}
	at[0] = '\0';
	if (clock && html_fr(lang))
		snprintf(at, sizeof at, " à %d h %02d", tm.tm_hour, tm.tm_min);
	else if (clock)
		snprintf(at, sizeof at, " at %02d:%02d", tm.tm_hour,
		    tm.tm_min);
	/* French: « 1er décembre », then « 2 décembre ». */
	snprintf(buf, len, "%d%s %s %d%s", tm.tm_mday, html_fr(lang) &&
	    tm.tm_mday == 1 ? "er" : "", html_text_month(lang, tm.tm_mon, 0),
	    tm.tm_year + 1900, at);
	return buf;
}
