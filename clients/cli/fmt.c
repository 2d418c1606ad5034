/* Text for people: times, elapsed times, report ids and escalations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "beacon.h"
#include "cli.h"
#include "i18n.h"
#include "msg.h"
#include "xmalloc.h"

/*
 * Short intervals need the milliseconds (a route takes a few), minutes
 * need a tenth of a second at most, and hours read better as hours.
 */
char *
fmt_elapsed(int64_t ms, char *buf, size_t len)
{
	char sign = ms < 0 ? '-' : '+';
	unsigned long long a = ms < 0 ? -(unsigned long long)ms :
	    (unsigned long long)ms;

	if (a < 10000)
		snprintf(buf, len, "%c%llu.%03llus", sign, a / 1000, a % 1000);
	else if (a < 3600000)
		snprintf(buf, len, "%c%llu.%llus", sign, a / 1000,
		    a % 1000 / 100);
	else
		snprintf(buf, len, "%c%lluh%02llum%02llus", sign, a / 3600000,
		    a / 60000 % 60, a / 1000 % 60);
	return buf;
}

static char *
fmt_local(int64_t ms, const char *format, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, format, &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

char *
fmt_hms(int64_t ms, char *buf, size_t len)
{
	return fmt_local(ms, "%H:%M:%S", buf, len);
}

char *
fmt_date(int64_t ms, char *buf, size_t len)
{
	return fmt_local(ms, "%Y-%m-%d %H:%M:%S", buf, len);
}

char *
fmt_ids(const int64_t *ids, int n, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%lld",
		    i == 0 ? "" : i + 1 == n ? " and " : ", ",
		    (long long)ids[i]);
	return buf;
}

char *
fmt_report_id(char *buf, size_t len)
{
	return id_random("cli-", buf, len);
}

/* The length of the word at s; a [bracketed group] is one word, so that a
 * usage line never separates an option from its value. */
static size_t
fmt_word(const char *s)
{
	size_t n;
	int depth = 0;

	for (n = 0; s[n] != '\0' && (s[n] != ' ' || depth > 0); n++) {
		if (s[n] == '[')
			depth++;
		else if (s[n] == ']' && depth > 0)
			depth--;
	}
	return n;
}

/*
 * Print s from column col, breaking lines at spaces before width; the
 * lines after the first start at column indent. Ends with a newline.
 */
void
fmt_wrap(FILE *fp, const char *s, size_t col, size_t indent, size_t width)
{
	size_t n;
	int first = 1;

	s += strspn(s, " ");
	while (*s != '\0') {
		n = fmt_word(s);
		if (!first && col + 1 + n > width) {
			fprintf(fp, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', fp);
			col++;
		}
		fprintf(fp, "%.*s", (int)n, s);
		col += n;
		first = 0;
		s += n;
		s += strspn(s, " ");
	}
	fputc('\n', fp);
}

const char *
fmt_dash(const char *s)
{
	return s == NULL || *s == '\0' ? "-" : s;
}

/* "a", "a and b", "a, b and c", after prefix each; at *off in buf. */
static void
fmt_labels(char *buf, size_t len, size_t *off, const void *labels,
    size_t n)
{
	const char (*v)[LABEL_MAX + 1] = labels;
	size_t i;

	for (i = 0; i < n && *off < len; i++)
		*off += (size_t)snprintf(buf + *off, len - *off, "%s%s%s",
		    i == 0 ? "" : i + 1 == n ? " and " : ", ",
		    role_article(v[i]), v[i]);
}

char *
fmt_escalation(const struct status *st, char *buf, size_t len)
{
	const struct status_escalation *x = &st->esc;
	const char *tail = strstr(st->message, "; no one available: ");
	size_t off = 0;

	/* Only the status the step's own firing published says it. The
	 * words are English (role articles, "is now called"): a reader of
	 * another language reads beacond's message, already in the
	 * branch's language. */
	if (x->step <= 0 || x->at != st->ts || x->ncalled == 0 || len == 0 ||
	    strcmp(i18n_env(), "en") != 0)
		return NULL;
	buf[0] = '\0';
	fmt_labels(buf, len, &off, x->declined, x->ndeclined);
	if (x->ndeclined > 0 && off < len)
		off += (size_t)snprintf(buf + off, len - off, " declined%s",
		    x->nunanswered > 0 ? " and " : "");
	fmt_labels(buf, len, &off, x->unanswered, x->nunanswered);
	if (x->nunanswered > 0 && off < len)
		off += (size_t)snprintf(buf + off, len - off,
		    " did not answer");
	if (x->ndeclined + x->nunanswered == 0 && off < len)
		off += (size_t)snprintf(buf + off, len - off, "step %d",
		    x->step + 1);
	if (off < len)
		off += (size_t)snprintf(buf + off, len - off, ": ");
	fmt_labels(buf, len, &off, x->called, x->ncalled);
	if (off < len)
		off += (size_t)snprintf(buf + off, len - off,
		    " %s now called%s%s", x->ncalled == 1 ? "is" : "are",
		    st->call_911 && !st->drill ? ", CALL 911" : "",
		    tail != NULL ? tail : "");
	return buf;
}
