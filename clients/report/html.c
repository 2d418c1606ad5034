/*
 * The board report page: the stylesheet, the header with the range, the
 * key figures and a summary in words, and the footer that says how the
 * numbers were made. The sections with the charts and tables are in
 * html_sections.c, the escaping of text in html_text.c. The page is
 * written for a person reading it on screen or on paper, offline: nothing
 * is loaded from anywhere. Every word is in the report's language
 * (report_meta.lang), numbers and dates too (html_text.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "beacon.h"
#include "html.h"
#include "html_sections.h"
#include "html_text.h"
#include "i18n.h"

/*
 * One palette: blue for counts, the severity scale from red (threat to
 * life) to slate (record only), grey for what is set apart. Print keeps
 * the colours and never splits a chart or a table row across pages.
 */
static const char html_css[] =
    "\n@page{size:A4;margin:14mm}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "body{margin:0;background:#f4f5f7;color:#1f2933;"
    "font:15px/1.5 \"Helvetica Neue\",Helvetica,Arial,\"Liberation Sans\","
    "sans-serif;overflow-wrap:anywhere}\n"
    "main{max-width:940px;margin:24px auto;background:#fff;"
    "padding:36px 48px 28px;border-top:6px solid #1d4f7c;"
    "box-shadow:0 1px 3px rgba(0,0,0,.12)}\n"
    "header{border-bottom:1px solid #d9dee3;padding-bottom:14px}\n"
    ".kicker{margin:0;color:#1d4f7c;font-size:12px;font-weight:700;"
    "letter-spacing:.12em;text-transform:uppercase}\n"
    "h1{margin:4px 0 2px;font-size:27px;line-height:1.2;font-weight:700}\n"
    ".range{margin:0;font-size:17px;color:#3e4c59}\n"
    ".meta{margin:6px 0 0;font-size:12.5px;color:#616e7c}\n"
    "h2{margin:34px 0 4px;padding-bottom:5px;font-size:19px;color:#1d4f7c;"
    "border-bottom:2px solid #1d4f7c}\n"
    "h3{margin:18px 0 6px;font-size:15px}\n"
    "p.lead{margin:6px 0 12px;color:#3e4c59}\n"
    ".summary{margin:18px 0 0;font-size:15.5px}\n"
    ".cards{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;"
    "margin:18px 0 4px}\n"
    ".card{border:1px solid #d9dee3;border-left:4px solid #1d4f7c;"
    "padding:9px 12px;break-inside:avoid}\n"
    ".card.warn{border-left-color:#c0392b}\n"
    ".card.quiet{border-left-color:#9aa5b1}\n"
    ".card .k{font-size:11.5px;color:#616e7c;text-transform:uppercase;"
    "letter-spacing:.04em}\n"
    ".card .v{font-size:25px;font-weight:700;line-height:1.25;"
    "font-variant-numeric:tabular-nums}\n"
    ".card .s{font-size:12px;color:#616e7c}\n"
    ".pair{display:grid;grid-template-columns:1fr 1fr;gap:14px 28px}\n"
    "figure{margin:14px 0;break-inside:avoid}\n"
    "svg.chart{display:block;max-width:100%;height:auto;"
    "font-family:inherit}\n"
    "svg .ct{font-size:14px;font-weight:700;fill:#1f2933}\n"
    "svg .lbl{font-size:12px;fill:#1f2933}\n"
    "svg .tick{font-size:11px;fill:#616e7c}\n"
    "svg .val{font-size:11.5px;font-weight:700;fill:#1f2933}\n"
    "svg .val.none{font-weight:400;font-style:italic;fill:#7b8794}\n"
    "svg .at{font-size:11.5px;fill:#52606d}\n"
    "svg .axis{stroke:#7b8794;stroke-width:1}\n"
    "svg .grid{stroke:#e4e7eb;stroke-width:1}\n"
    "svg .bar{fill:#2f6ea5}\n"
    "svg .bar.time{fill:#3f8f8a}\n"
    "svg .bar.sev1{fill:#b42318}\n"
    "svg .bar.sev2{fill:#e0701b}\n"
    "svg .bar.sev3{fill:#d8a413}\n"
    "svg .bar.sev4{fill:#6b7a89}\n"
    "svg .bar.sev0{fill:#b8c2cc}\n"
    "svg .area{fill:#2f6ea5;fill-opacity:.12;stroke:none}\n"
    "svg .trend{fill:none;stroke:#2f6ea5;stroke-width:2.5;"
    "stroke-linejoin:round}\n"
    "svg .pt{fill:#fff;stroke:#2f6ea5;stroke-width:2}\n"
    "table{width:100%;border-collapse:collapse;margin:8px 0 14px;"
    "font-size:13.5px;break-inside:avoid}\n"
    "th,td{padding:5px 8px;border-bottom:1px solid #e4e7eb;"
    "text-align:left;vertical-align:bottom}\n"
    "thead th{border-bottom:2px solid #9aa5b1;font-size:12px;"
    "color:#3e4c59;font-weight:700}\n"
    "th.grp{text-align:center;border-bottom:1px solid #9aa5b1}\n"
    ".num{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n"
    "tr.total td{font-weight:700;border-top:2px solid #9aa5b1}\n"
    "td.none{color:#7b8794;font-style:italic}\n"
    "table.facts td:first-child{width:78%}\n"
    "table.narrow{width:auto;min-width:55%}\n"
    ".empty{margin:12px 0;padding:12px 16px;background:#f4f5f7;"
    "color:#52606d;font-style:italic}\n"
    "footer{margin-top:34px;padding-top:10px;border-top:1px solid #d9dee3;"
    "font-size:12px;color:#616e7c}\n"
    "footer p{margin:4px 0}\n"
    "@media (max-width:720px){main{padding:20px}.cards{"
    "grid-template-columns:repeat(2,1fr)}.pair{grid-template-columns:1fr}"
    "table{display:block;overflow-x:auto;overflow-wrap:break-word}}\n"
    "@media print{body{background:#fff}main{margin:0;padding:0;"
    "border-top:0;box-shadow:none;max-width:none}h2{break-after:avoid}"
    "section{break-inside:auto}}\n";

const char *
html_style(void)
{
	return html_css;
}

/* strftime of a local time, for what needs no words: the zone. */
static char *
html_strftime(int64_t ms, const char *format, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, format,
	    &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

/* The first and the last day of the range; until is excluded, so the
 * last day is the one before it. Without until, the range ends now. */
static void
html_range(FILE *fp, const struct report_meta *m)
{
	const char *l = m->lang;
	int64_t last = m->until > 0 ? m->until - 1 : m->generated;
	char a[64], b[64];

	html_text_date(l, last, 0, b, sizeof b);
	html_text_date(l, m->since, 0, a, sizeof a);
	if (m->since <= 0)
		fprintf(fp, T_(l, "Everything recorded up to %s"), b);
	else if (m->since > last)
		fprintf(fp, T_(l, "From %s"), a);
	else
		fprintf(fp, T_(l, "%s to %s"), a, b);
}

/* "en" or "fr-CA": the texts are Canadian French. */
static const char *
html_lang_tag(const char *lang)
{
	return lang != NULL && strcmp(lang, "fr") == 0 ? "fr-CA" : "en";
}

static void
html_head(FILE *fp, const struct report_meta *m)
{
	const char *l = m->lang;
	char gen[64];

	fprintf(fp, "<!doctype html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>%s", html_lang_tag(l),
	    T_(l, "Incident report: "));
	html_range(fp, m);
	if (m->branch != NULL) {
		fputs(", ", fp);
		html_text(fp, m->branch);
	}
	fputs(" (", fp);
	fprintf(fp, T_(l, "generated %s"), html_text_date(l, m->generated, 1,
	    gen, sizeof gen));
	fprintf(fp, ")</title>\n<style>%s</style>\n</head>\n", html_css);
}

static void
html_header(FILE *fp, const struct report_meta *m)
{
	const char *l = m->lang;
	char gen[64], zone[64];

	fprintf(fp, "<header>\n<p class=\"kicker\">%s</p>\n<h1>%s</h1>\n"
	    "<p class=\"range\">", T_(l, "Beacon · report to the library "
	    "board"), T_(l, "Incidents and responses"));
	html_range(fp, m);
	fputs(" · ", fp);
	if (m->branch != NULL) {
		fprintf(fp, "%s ", T_(l, "branch"));
		html_text(fp, m->branch);
	} else
		fputs(T_(l, "all branches"), fp);
	fputs("</p>\n<p class=\"meta\">", fp);
	fprintf(fp, T_(l, "Generated %s (%s). Drills and false alarms are set "
	    "apart and left out of every figure but their own."),
	    html_text_date(l, m->generated, 1, gen, sizeof gen),
	    html_strftime(m->generated, "%Z", zone, sizeof zone));
	fputs("</p>\n</header>\n", fp);
}

/* ---- key figures --------------------------------------------------------- */

static void
html_card(FILE *fp, const char *tone, const char *key, const char *value,
    const char *sub)
{
	fprintf(fp, "<div class=\"card%s%s\"><div class=\"k\">%s</div>"
	    "<div class=\"v\">", *tone ? " " : "", tone, key);
	html_text(fp, value);
	fputs("</div><div class=\"s\">", fp);
	html_text(fp, sub);
	fputs("</div></div>\n", fp);
}

static void
html_card_time(FILE *fp, const char *l, const char *key,
    const struct stats_summary *t)
{
	char v[32], p[32], n[32], sub[128];

	if (t->n == 0)
		snprintf(sub, sizeof sub, "%s", T_(l, "none recorded"));
	else
		snprintf(sub, sizeof sub, T_(l, "90%% within %s · n = %s"),
		    html_text_duration(l, t->p90, p, sizeof p),
		    html_text_count(l, (int64_t)t->n, n, sizeof n));
	html_card(fp, "", key, html_text_duration(l, t->median, v, sizeof v),
	    sub);
}

static void
html_card_count(FILE *fp, const char *l, const char *tone, const char *key,
    int64_t n, const char *sub)
{
	char v[32];

	html_card(fp, n > 0 ? tone : "", key, html_text_count(l, n, v,
	    sizeof v), sub);
}

static void
html_cards(FILE *fp, const struct stats *s, const char *l)
{
	char a[96], b[96], c[96], d[160], e[96], n1[32], n2[32];

	snprintf(a, sizeof a, TN_(l, "%s still open", "%s still open",
	    (unsigned long)s->open), html_text_count(l, s->open, n1,
	    sizeof n1));
	snprintf(b, sizeof b, TN_(l, "of %s escalated", "of %s escalated",
	    (unsigned long)s->escalated), html_text_count(l, s->escalated, n1,
	    sizeof n1));
	snprintf(c, sizeof c, TN_(l, "%s held", "%s held",
	    (unsigned long)s->debriefs[SD_HELD]), html_text_count(l,
	    s->debriefs[SD_HELD], n1, sizeof n1));
	snprintf(e, sizeof e, TN_(l, "%s drill", "%s drills",
	    (unsigned long)s->drills), html_text_count(l, s->drills, n1,
	    sizeof n1));
	snprintf(d, sizeof d, TN_(l, "%s · %s false alarm",
	    "%s · %s false alarms", (unsigned long)s->false_alarms), e,
	    html_text_count(l, s->false_alarms, n2, sizeof n2));
	fputs("<div class=\"cards\">\n", fp);
	html_card_count(fp, l, "", T_(l, "Incidents"), s->total, a);
	html_card_time(fp, l, T_(l, "Median to acknowledge"), &s->ack);
	html_card_time(fp, l, T_(l, "Median to on scene"), &s->scene);
	html_card_count(fp, l, "warn", T_(l, "Reached last step"),
	    s->last_step, b);
	html_card_count(fp, l, "warn", T_(l, "No one available"), s->no_one,
	    T_(l, "incidents with an unstaffed step"));
	html_card_count(fp, l, "warn", T_(l, "Debriefs overdue"),
	    s->debriefs[SD_OVERDUE], c);
	if (s->actions_overdue > 0)
		snprintf(e, sizeof e, T_(l, "%s overdue"), html_text_count(l,
		    s->actions_overdue, n1, sizeof n1));
	else
		snprintf(e, sizeof e, "%s", T_(l, "corrective actions from "
		    "debriefs"));
	html_card_count(fp, l, "warn", T_(l, "Actions open"), s->actions_open,
	    e);
	html_card_count(fp, l, "quiet", T_(l, "Set apart"), s->drills +
	    s->false_alarms, d);
	fputs("</div>\n", fp);
}

/* A sentence with one count in it, fmt chosen by TN_ for n. */
static void
html_say(FILE *fp, const char *l, const char *fmt, int64_t n)
{
	char num[32];

	fprintf(fp, fmt, html_text_count(l, n, num, sizeof num));
}

/* The key figures in one paragraph, for whoever reads only that. */
static void
html_summary(FILE *fp, const struct stats *s, const char *l)
{
	int64_t nb = (int64_t)s->branches.n, held = s->debriefs[SD_HELD];
	int64_t late = s->debriefs[SD_OVERDUE];
	char a[32], b[32], c[32];

	fputs("<p class=\"summary\">", fp);
	if (s->total == 0) {
		fprintf(fp, "<strong>%s</strong> ", T_(l, "No incidents in "
		    "this range."));
	} else {
		fputs("<strong>", fp);
		html_say(fp, l, TN_(l, "%s incident", "%s incidents",
		    (unsigned long)s->total), s->total);
		fputs("</strong> ", fp);
		html_say(fp, l, TN_(l, "at %s branch", "at %s branches",
		    (unsigned long)nb), nb);
		fputs(" (", fp);
		html_say(fp, l, TN_(l, "%s still open", "%s still open",
		    (unsigned long)s->open), s->open);
		fputs("). ", fp);
		if (s->ack.n > 0)
			fprintf(fp, T_(l, "Half were acknowledged within %s "
			    "and 90%% within %s"), html_text_duration(l,
			    s->ack.median, a, sizeof a), html_text_duration(l,
			    s->ack.p90, b, sizeof b));
		else
			fputs(T_(l, "None was acknowledged"), fp);
		if (s->scene.n > 0)
			fprintf(fp, T_(l, "; the median time to a responder on "
			    "scene was %s"), html_text_duration(l,
			    s->scene.median, c, sizeof c));
		fputs(". ", fp);
		html_say(fp, l, TN_(l, "%s escalation reached the last step;",
		    "%s escalations reached the last step;",
		    (unsigned long)s->last_step), s->last_step);
		fputs(" ", fp);
		html_say(fp, l, TN_(l, "no one was available for %s incident.",
		    "no one was available for %s incidents.",
		    (unsigned long)s->no_one), s->no_one);
		fputs(" ", fp);
		html_say(fp, l, TN_(l, "%s debrief was held,",
		    "%s debriefs were held,", (unsigned long)held), held);
		fputs(" ", fp);
		html_say(fp, l, TN_(l, "%s overdue.", "%s overdue.",
		    (unsigned long)late), late);
		fputs(" ", fp);
	}
	fprintf(fp, "%s ", T_(l, "Set apart:"));
	html_say(fp, l, TN_(l, "%s drill", "%s drills",
	    (unsigned long)s->drills), s->drills);
	fprintf(fp, " %s ", T_(l, "and"));
	html_say(fp, l, TN_(l, "%s false alarm.", "%s false alarms.",
	    (unsigned long)s->false_alarms), s->false_alarms);
	if (s->tests > 0) {
		fputs(" ", fp);
		html_say(fp, l, TN_(l, "Left out: %s device test while a "
		    "branch was paused.", "Left out: %s device tests while a "
		    "branch was paused.", (unsigned long)s->tests), s->tests);
	}
	fputs("</p>\n", fp);
}

static void
html_footer(FILE *fp, const struct report_meta *m)
{
	const char *l = m->lang;
	char zone[64], off[16];

	html_strftime(m->generated, "%Z", zone, sizeof zone);
	html_strftime(m->generated, "%z", off, sizeof off);
	fputs("<footer>\n<p>", fp);
	if (m->zones)
		fprintf(fp, T_(l, "Months and hours are those of each "
		    "incident's branch, in its time zone from beacon.conf; a "
		    "branch it does not name uses the zone of the computer "
		    "that made this report (%s, UTC%s)."), zone, off);
	else
		fprintf(fp, T_(l, "Months and hours are in the local time zone "
		    "of the computer that made this report (%s, UTC%s): no "
		    "configuration gave the branches' zones."), zone, off);
	fprintf(fp, " %s</p>\n<p>%s</p>\n<p>", T_(l, "The range (--since, "
	    "--until) is in the computer's zone. A range counts the incidents "
	    "reported in it."), T_(l, "Response times run from the report to "
	    "the first acknowledgment and to the first responder on scene. "
	    "Medians and 90th percentiles use the nearest-rank method, so "
	    "each is a time that was actually recorded; n is how many "
	    "incidents had one. Drills and incidents cancelled as false "
	    "alarms are counted apart and left out of every other figure."));
	fprintf(fp, T_(l, "Made by beacon report-html %s from the incident "
	    "timeline, which is never edited. Each number is explained in the "
	    "board report guide (docs/board-report.md)."), BEACON_VERSION);
	fputs("</p>\n</footer>\n", fp);
}

void
html_report(FILE *fp, const struct stats *s, const struct report_meta *m)
{
	const char *l = m->lang;

	html_head(fp, m);
	fputs("<body>\n<main>\n", fp);
	html_header(fp, m);
	html_cards(fp, s, l);
	html_summary(fp, s, l);
	html_sections_incidents(fp, s, l);
	html_sections_response(fp, s, l);
	html_sections_escalation(fp, s, l);
	html_sections_debriefs(fp, s, l);
	html_sections_apart(fp, s, l);
	html_footer(fp, m);
	fputs("</main>\n</body>\n</html>\n", fp);
}
