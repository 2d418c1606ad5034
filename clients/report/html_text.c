/* Text for the board report's HTML (html_text.h). */
#include <stdio.h>

#include "html_text.h"

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

/* Milliseconds under a second (routing takes a few), seconds with a
 * tenth under ten, whole seconds under a minute, then minutes and hours. */
char *
html_text_duration(int64_t ms, char *buf, size_t len)
{
	long long s = ms / 1000;

	if (ms < 0)
		snprintf(buf, len, "none");
	else if (ms == 0)
		snprintf(buf, len, "0 s");
	else if (ms < 1000)
		snprintf(buf, len, "%lld ms", (long long)ms);
	else if (ms < 10000 && ms % 1000 != 0)
		snprintf(buf, len, "%.1f s", (double)ms / 1000);
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
