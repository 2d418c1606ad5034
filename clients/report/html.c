/*
 * The board report page: the stylesheet, the header with the range, the
 * key figures and a summary in words, and the footer that says how the
 * numbers were made. The sections with the charts and tables are in
 * html_sections.c, the escaping of text in html_text.c. The page is
 * written for a person reading it on screen or on paper, offline: nothing
 * is loaded from anywhere.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "beacon.h"
#include "html.h"
#include "html_sections.h"
#include "html_text.h"

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

/* "%-d %B %Y" of a local time: "1 March 2026". */
static char *
html_date(int64_t ms, const char *format, char *buf, size_t len)
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
	int64_t last = m->until > 0 ? m->until - 1 : m->generated;
	char a[64], b[64];

	html_date(last, "%-d %B %Y", b, sizeof b);
	if (m->since <= 0)
		fprintf(fp, "Everything recorded up to %s", b);
	else if (m->since > last)
		fprintf(fp, "From %s", html_date(m->since, "%-d %B %Y", a,
		    sizeof a));
	else
		fprintf(fp, "%s to %s", html_date(m->since, "%-d %B %Y", a,
		    sizeof a), b);
}

static void
html_head(FILE *fp, const struct report_meta *m)
{
	char gen[64];

	fputs("<!doctype html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>Incident report: ", fp);
	html_range(fp, m);
	if (m->branch != NULL) {
		fputs(", ", fp);
		html_text(fp, m->branch);
	}
	fprintf(fp, " (generated %s)</title>\n<style>%s</style>\n</head>\n",
	    html_date(m->generated, "%Y-%m-%d %H:%M", gen, sizeof gen),
	    html_css);
}

static void
html_header(FILE *fp, const struct report_meta *m)
{
	char gen[64], zone[64];

	fputs("<header>\n<p class=\"kicker\">Beacon · report to the library "
	    "board</p>\n<h1>Incidents and responses</h1>\n<p class=\"range\">",
	    fp);
	html_range(fp, m);
	fputs(" · ", fp);
	if (m->branch != NULL) {
		fputs("branch ", fp);
		html_text(fp, m->branch);
	} else
		fputs("all branches", fp);
	fprintf(fp, "</p>\n<p class=\"meta\">Generated %s (%s). Drills and "
	    "false alarms are set apart and left out of every figure but "
	    "their own.</p>\n</header>\n",
	    html_date(m->generated, "%-d %B %Y at %H:%M", gen, sizeof gen),
	    html_date(m->generated, "%Z", zone, sizeof zone));
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
html_card_time(FILE *fp, const char *key, const struct stats_summary *t)
{
	char v[32], p[32], sub[96];

	if (t->n == 0)
		snprintf(sub, sizeof sub, "none recorded");
	else
		snprintf(sub, sizeof sub, "90%% within %s · n = %zu",
		    html_text_duration(t->p90, p, sizeof p), t->n);
	html_card(fp, "", key, html_text_duration(t->median, v, sizeof v), sub);
}

static void
html_card_count(FILE *fp, const char *tone, const char *key, int64_t n,
    const char *sub)
{
	char v[24];

	snprintf(v, sizeof v, "%lld", (long long)n);
	html_card(fp, n > 0 ? tone : "", key, v, sub);
}

static void
html_cards(FILE *fp, const struct stats *s)
{
	char a[64], b[64], c[64], d[64], e[64];

	snprintf(a, sizeof a, "%lld still open", (long long)s->open);
	snprintf(b, sizeof b, "of %lld escalated", (long long)s->escalated);
	snprintf(c, sizeof c, "%lld held", (long long)s->debriefs[SD_HELD]);
	snprintf(d, sizeof d, "%lld drill%s · %lld false alarm%s",
	    (long long)s->drills, s->drills == 1 ? "" : "s",
	    (long long)s->false_alarms, s->false_alarms == 1 ? "" : "s");
	fputs("<div class=\"cards\">\n", fp);
	html_card_count(fp, "", "Incidents", s->total, a);
	html_card_time(fp, "Median to acknowledge", &s->ack);
	html_card_time(fp, "Median to on scene", &s->scene);
	html_card_count(fp, "warn", "Reached last step", s->last_step, b);
	html_card_count(fp, "warn", "No one available", s->no_one,
	    "incidents with an unstaffed step");
	html_card_count(fp, "warn", "Debriefs overdue",
	    s->debriefs[SD_OVERDUE], c);
	if (s->actions_overdue > 0)
		snprintf(e, sizeof e, "%lld overdue",
		    (long long)s->actions_overdue);
	else
		snprintf(e, sizeof e, "corrective actions from debriefs");
	html_card_count(fp, "warn", "Actions open", s->actions_open, e);
	html_card_count(fp, "quiet", "Set apart", s->drills + s->false_alarms,
	    d);
	fputs("</div>\n", fp);
}

static const char *
html_s(int64_t n)
{
	return n == 1 ? "" : "s";
}

/* The key figures in one paragraph, for whoever reads only that. */
static void
html_summary(FILE *fp, const struct stats *s)
{
	char a[32], b[32], c[32];

	fputs("<p class=\"summary\">", fp);
	if (s->total == 0) {
		fputs("<strong>No incidents in this range.</strong>", fp);
	} else {
		fprintf(fp, "<strong>%lld incident%s</strong> at %zu branch%s "
		    "(%lld still open). ", (long long)s->total,
		    html_s(s->total), s->branches.n, s->branches.n == 1 ? "" :
		    "es", (long long)s->open);
		if (s->ack.n > 0)
			fprintf(fp, "Half were acknowledged within %s and 90%% "
			    "within %s",
			    html_text_duration(s->ack.median, a, sizeof a),
			    html_text_duration(s->ack.p90, b, sizeof b));
		else
			fputs("None was acknowledged", fp);
		if (s->scene.n > 0)
			fprintf(fp, "; the median time to a responder on scene "
			    "was %s", html_text_duration(s->scene.median, c,
			    sizeof c));
		fprintf(fp, ". %lld escalation%s reached the last step; no one "
		    "was available for %lld incident%s. %lld debrief%s held, "
		    "%lld overdue. ", (long long)s->last_step,
		    html_s(s->last_step), (long long)s->no_one,
		    html_s(s->no_one), (long long)s->debriefs[SD_HELD],
		    s->debriefs[SD_HELD] == 1 ? " was" : "s were",
		    (long long)s->debriefs[SD_OVERDUE]);
	}
	fprintf(fp, " Set apart: %lld drill%s and %lld false alarm%s.",
	    (long long)s->drills, html_s(s->drills),
	    (long long)s->false_alarms, html_s(s->false_alarms));
	if (s->tests > 0)
		fprintf(fp, " Left out: %lld device test%s while a branch was "
		    "paused.", (long long)s->tests, html_s(s->tests));
	fputs("</p>\n", fp);
}

static void
html_footer(FILE *fp, const struct report_meta *m)
{
	char zone[64], off[16];

	if (m->zones)
		fprintf(fp, "<footer>\n<p>Months and hours are those of each "
		    "incident's branch, in its time zone from beacon.conf; a "
		    "branch it does not name uses the zone of the computer "
		    "that made this report (%s, UTC%s). ",
		    html_date(m->generated, "%Z", zone, sizeof zone),
		    html_date(m->generated, "%z", off, sizeof off));
	else
		fprintf(fp, "<footer>\n<p>Months and hours are in the local "
		    "time zone of the computer that made this report (%s, "
		    "UTC%s): no configuration gave the branches' zones. ",
		    html_date(m->generated, "%Z", zone, sizeof zone),
		    html_date(m->generated, "%z", off, sizeof off));
	fputs("The range (--since, --until) is in the computer's zone. A "
	    "range counts the incidents reported in it.</p>\n", fp);
	fputs("<p>Response times run from the report to the first "
	    "acknowledgment and to the first responder on scene. Medians and "
	    "90th percentiles use the nearest-rank method, so each is a time "
	    "that was actually recorded; n is how many incidents had one. "
	    "Drills and incidents cancelled as false alarms are counted apart "
	    "and left out of every other figure.</p>\n"
	    "<p>Made by beacon report-html " BEACON_VERSION
	    " from the incident timeline, which is never edited. Each number "
	    "is explained in the board report guide (docs/board-report.md)."
	    "</p>\n</footer>\n", fp);
}

void
html_report(FILE *fp, const struct stats *s, const struct report_meta *m)
{
	html_head(fp, m);
	fputs("<body>\n<main>\n", fp);
	html_header(fp, m);
	html_cards(fp, s);
	html_summary(fp, s);
	html_sections_incidents(fp, s);
	html_sections_response(fp, s);
	html_sections_escalation(fp, s);
	html_sections_debriefs(fp, s);
	html_sections_apart(fp, s);
	html_footer(fp, m);
	fputs("</main>\n</body>\n</html>\n", fp);
}
