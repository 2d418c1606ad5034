/*
 * The board report's sections: incidents, response times, escalation,
 * debriefs and what was set apart. Each is a heading, a sentence on what
 * it counts, charts and tables; an empty range says so in words instead
 * of drawing empty axes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "html_sections.h"
#include "html_text.h"
#include "stats.h"
#include "svg.h"
#include "xmalloc.h"

#define NITEMS(a) (sizeof (a) / sizeof (a)[0])

static void
sect_open(FILE *fp, const char *id, const char *title, const char *lead)
{
	fprintf(fp, "<section id=\"%s\">\n<h2>%s</h2>\n<p class=\"lead\">%s"
	    "</p>\n", id, title, lead);
}

static void
sect_empty(FILE *fp, const char *text)
{
	fprintf(fp, "<p class=\"empty\">%s</p>\n", text);
}

static void
sect_figure(FILE *fp, void (*draw)(FILE *, const struct chart *),
    const struct chart *c)
{
	fputs("<figure>\n", fp);
	draw(fp, c);
	fputs("</figure>\n", fp);
}

/* ---- charts of groups ---------------------------------------------------- */

enum sect_value { SV_COUNT, SV_ACK, SV_SCENE };

static int64_t
sect_value(const struct stats_group *g, enum sect_value what)
{
	const int64_t v[] = { g->n, g->ack.median, g->scene.median };

	return v[what];
}

/* A bar per group that counted anything: its count or its median
 * response time, in class cls (NULL: the chart's default). */
static void
sect_groups(FILE *fp, const struct stats_groups *gs, struct chart *c,
    enum sect_value what, const char *cls)
{
	const char **labels = xcalloc(gs->n + 1, sizeof *labels);
	const char **classes = xcalloc(gs->n + 1, sizeof *classes);
	int64_t *values = xcalloc(gs->n + 1, sizeof *values);
	size_t i;

	c->n = 0;
	for (i = 0; i < gs->n; i++) {
		if (gs->g[i].n == 0)
			continue;
		labels[c->n] = gs->g[i].key;
		classes[c->n] = cls;
		values[c->n++] = sect_value(&gs->g[i], what);
	}
	c->labels = labels;
	c->values = values;
	c->classes = classes;
	c->duration = what != SV_COUNT;
	sect_figure(fp, svg_hbars, c);
	free(labels);
	free(classes);
	free(values);
}

/* ---- incidents ----------------------------------------------------------- */

static const char *const sect_sev_labels[STATS_SEVERITIES + 1] = {
	"unknown", "1 · threat to life", "2 · urgent", "3 · needs care",
	"4 · record only",
};
static const char *const sect_sev_classes[STATS_SEVERITIES + 1] = {
	"bar sev0", "bar sev1", "bar sev2", "bar sev3", "bar sev4",
};

static void
sect_severity(FILE *fp, const struct stats *s)
{
	struct chart c = { .title = "Severity mix", .desc = "incidents by "
	    "severity, 1 the most severe", .xlabel = "incidents" };
	/* Unknown only when there is any: configured sites have none. */
	size_t first = s->severity[0] > 0 ? 0 : 1;

	c.n = STATS_SEVERITIES + 1 - first;
	c.labels = sect_sev_labels + first;
	c.values = s->severity + first;
	c.classes = sect_sev_classes + first;
	sect_figure(fp, svg_hbars, &c);
}

static const char *const sect_month_names[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec",
};

static void
sect_months(FILE *fp, const struct stats *s)
{
	struct chart c = { .title = "Monthly trend", .desc = "incidents per "
	    "month", .xlabel = "month", .ylabel = "incidents" };
	char (*names)[16] = xcalloc(s->nmonths, sizeof *names);
	const char **labels = xcalloc(s->nmonths, sizeof *labels);
	size_t i;
	int m;

	for (i = 0; i < s->nmonths; i++) {
		m = s->month_first + (int)i;
		snprintf(names[i], sizeof names[i], "%s %d",
		    sect_month_names[m % 12], m / 12);
		labels[i] = names[i];
	}
	c.n = s->nmonths;
	c.labels = labels;
	c.values = s->months;
	sect_figure(fp, svg_line, &c);
	free(labels);
	free(names);
}

static void
sect_hours(FILE *fp, const struct stats *s)
{
	struct chart c = { .title = "Hour of the day", .desc = "incidents by "
	    "the hour they were reported, local time", .xlabel = "hour of the "
	    "day (local time)", .ylabel = "incidents", .n = STATS_HOURS,
	    .values = s->hours };
	char names[STATS_HOURS][4];
	const char *labels[STATS_HOURS];
	size_t i;

	for (i = 0; i < STATS_HOURS; i++) {
		snprintf(names[i], sizeof names[i], "%02zu", i);
		labels[i] = names[i];
	}
	c.labels = labels;
	sect_figure(fp, svg_columns, &c);
}

/* Reports joined to an open incident, and incidents reported apart that
 * may be the same event (docs/protocol.md, "Repeated presses"). */
static void
sect_joins(FILE *fp, const struct stats *s)
{
	fprintf(fp, "<table class=\"facts\">\n<tbody>\n"
	    "<tr><td>Incidents with more reports joined to them (the same "
	    "device again, or the same place)</td><td class=\"num\">%lld"
	    "</td></tr>\n<tr><td>Incidents that may be related to another "
	    "(the same category at the same branch, from another device at "
	    "another place; each handled on its own)</td>"
	    "<td class=\"num\">%lld</td></tr>\n</tbody>\n</table>\n",
	    (long long)s->joined, (long long)s->related);
}

void
html_sections_incidents(FILE *fp, const struct stats *s)
{
	struct chart branch = { .title = "By branch", .desc = "incidents per "
	    "branch", .xlabel = "incidents" };
	struct chart cat = { .title = "By category", .desc = "incidents per "
	    "category", .xlabel = "incidents", .width = 860 };

	sect_open(fp, "incidents", "Incidents", "Every incident reported in "
	    "the range, by where, what, how severe and when.");
	if (s->total == 0) {
		sect_empty(fp, "No incidents in this range.");
		fputs("</section>\n", fp);
		return;
	}
	fputs("<div class=\"pair\">\n", fp);
	sect_groups(fp, &s->branches, &branch, SV_COUNT, NULL);
	sect_severity(fp, s);
	fputs("</div>\n", fp);
	sect_groups(fp, &s->categories, &cat, SV_COUNT, NULL);
	sect_months(fp, s);
	sect_hours(fp, s);
	sect_joins(fp, s);
	fputs("</section>\n", fp);
}

/* ---- response times ------------------------------------------------------ */

static void
sect_time_cells(FILE *fp, const struct stats_summary *t)
{
	char a[32], b[32];

	if (t->n == 0) {
		fputs("<td class=\"num\">0</td><td class=\"num none\">none</td>"
		    "<td class=\"num none\">none</td>", fp);
		return;
	}
	fprintf(fp, "<td class=\"num\">%zu</td><td class=\"num\">%s</td>"
	    "<td class=\"num\">%s</td>", t->n,
	    html_text_duration(t->median, a, sizeof a),
	    html_text_duration(t->p90, b, sizeof b));
}

static void
sect_time_row(FILE *fp, const char *cls, const char *name, int64_t n,
    const struct stats_summary *ack, const struct stats_summary *scene)
{
	fprintf(fp, "<tr%s><td>", cls);
	html_text(fp, name);
	fprintf(fp, "</td><td class=\"num\">%lld</td>", (long long)n);
	sect_time_cells(fp, ack);
	sect_time_cells(fp, scene);
	fputs("</tr>\n", fp);
}

static void
sect_time_table(FILE *fp, const char *what, const struct stats_groups *gs,
    const struct stats *s)
{
	size_t i;

	fprintf(fp, "<table>\n<thead><tr><th rowspan=\"2\">%s</th>"
	    "<th rowspan=\"2\" class=\"num\">Incidents</th>"
	    "<th colspan=\"3\" class=\"grp\">Time to acknowledge</th>"
	    "<th colspan=\"3\" class=\"grp\">Time to on scene</th></tr>\n"
	    "<tr><th class=\"num\">n</th><th class=\"num\">median</th>"
	    "<th class=\"num\">p90</th><th class=\"num\">n</th>"
	    "<th class=\"num\">median</th><th class=\"num\">p90</th></tr>"
	    "</thead>\n<tbody>\n", what);
	for (i = 0; i < gs->n; i++)
		if (gs->g[i].n > 0)
			sect_time_row(fp, "", gs->g[i].key, gs->g[i].n,
			    &gs->g[i].ack, &gs->g[i].scene);
	sect_time_row(fp, " class=\"total\"", "All", s->total, &s->ack,
	    &s->scene);
	fputs("</tbody>\n</table>\n", fp);
}

void
html_sections_response(FILE *fp, const struct stats *s)
{
	struct chart b = { .title = "Median time to acknowledge, by branch",
	    .desc = "median time from report to first acknowledgment" };
	struct chart c = { .title = "Median time to acknowledge, by category",
	    .desc = "median time from report to first acknowledgment" };

	sect_open(fp, "response", "Response times", "From the report to the "
	    "first acknowledgment by a responder, and to the first responder "
	    "on scene. n counts the incidents that had one; p90 is the time "
	    "within which 90% of them had it.");
	if (s->total == 0) {
		sect_empty(fp, "No incidents in this range.");
		fputs("</section>\n", fp);
		return;
	}
	fputs("<div class=\"pair\">\n", fp);
	sect_groups(fp, &s->branches, &b, SV_ACK, "bar time");
	sect_groups(fp, &s->categories, &c, SV_ACK, "bar time");
	fputs("</div>\n<h3>By branch</h3>\n", fp);
	sect_time_table(fp, "Branch", &s->branches, s);
	fputs("<h3>By category</h3>\n", fp);
	sect_time_table(fp, "Category", &s->categories, s);
	fputs("</section>\n", fp);
}

/* ---- escalation ---------------------------------------------------------- */

/* A two-column table of counts: what, how many. */
struct sect_fact {
	const char *what;
	int64_t n;
};

static void
sect_facts(FILE *fp, const struct sect_fact *f, size_t n)
{
	size_t i;

	fputs("<table class=\"facts\">\n<tbody>\n", fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "<tr><td>%s</td><td class=\"num\">%lld</td></tr>\n",
		    f[i].what, (long long)f[i].n);
	fputs("</tbody>\n</table>\n", fp);
}

void
html_sections_escalation(FILE *fp, const struct stats *s)
{
	const struct sect_fact f[] = {
		{ "Incidents escalated at least once (nobody acknowledged in "
		  "time)", s->escalated },
		{ "&#8195;of which the escalation reached the last step of "
		  "its policy", s->last_step },
		{ "Incidents passed on to the next step because a responder "
		  "declined", s->declined },
		{ "Incidents never acknowledged", s->not_acked },
		{ "Incidents with a step for which no one was available",
		  s->no_one },
		{ "&#8195;&#8220;no one available&#8221; notices in all",
		  s->no_one_events },
	};
	char a[32], b[32];

	sect_open(fp, "escalation", "Escalation and availability", "An "
	    "incident escalates when nobody acknowledges it in time; a "
	    "responder who declines passes it on at once, counted apart. The "
	    "last step is the policy's final group of people. &#8220;No one "
	    "available&#8221; means a step had a role with nobody on duty.");
	if (s->total == 0) {
		sect_empty(fp, "No incidents in this range.");
		fputs("</section>\n", fp);
		return;
	}
	sect_facts(fp, f, NITEMS(f));
	fprintf(fp, "<p class=\"lead\">From the report to the first responder "
	    "notified: median %s, 90%% within %s.</p>\n",
	    html_text_duration(s->notify.median, a, sizeof a),
	    html_text_duration(s->notify.p90, b, sizeof b));
	fputs("</section>\n", fp);
}

/* ---- debriefs ------------------------------------------------------------ */

static const char *const sect_debrief_labels[] = {
	"held", "recorded, not held", "due", "overdue",
};
static const char *const sect_debrief_classes[] = {
	"bar", "bar sev4", "bar sev0", "bar sev1",
};

static void
sect_debrief_chart(FILE *fp, const struct stats *s)
{
	const int64_t v[] = { s->debriefs[SD_HELD], s->debriefs[SD_RECORDED],
	    s->debriefs[SD_PENDING], s->debriefs[SD_OVERDUE] };
	struct chart c = { .title = "Debriefs", .desc = "debriefs of resolved "
	    "incidents, by status", .xlabel = "incidents", .n = NITEMS(v),
	    .labels = sect_debrief_labels, .values = v,
	    .classes = sect_debrief_classes };

	sect_figure(fp, svg_hbars, &c);
}

static void
sect_referrals(FILE *fp, const struct stats *s)
{
	struct chart c = { .title = "Referrals by type", .desc = "referrals "
	    "to community partners recorded in debriefs",
	    .xlabel = "referrals" };

	if (s->referrals.n == 0) {
		fputs("<figure>\n<h3>Referrals by type</h3>\n", fp);
		sect_empty(fp, "No referrals recorded.");
		fputs("</figure>\n", fp);
		return;
	}
	sect_groups(fp, &s->referrals, &c, SV_COUNT, NULL);
}

void
html_sections_debriefs(FILE *fp, const struct stats *s)
{
	const struct sect_fact f[] = {
		{ "Wellbeing debriefs held", s->debriefs[SD_HELD] },
		{ "Debriefs recorded without a wellbeing debrief held",
		  s->debriefs[SD_RECORDED] },
		{ "Debriefs due, not yet overdue", s->debriefs[SD_PENDING] },
		{ "Debriefs overdue (nothing recorded by the due time)",
		  s->debriefs[SD_OVERDUE] },
		{ "Incidents not resolved or without a debrief",
		  s->debriefs[SD_NONE] },
		{ "Referrals to community partners", s->referrals_total },
		{ "Corrective actions still open", s->actions_open },
		{ "&#8195;of which overdue (past their due date)",
		  s->actions_overdue },
	};

	sect_open(fp, "debriefs", "Debriefs and follow-up", "After each "
	    "resolved incident: whether the wellbeing debrief was held, the "
	    "referrals made and the corrective actions, from each debrief's "
	    "latest revision.");
	if (s->total == 0) {
		sect_empty(fp, "No incidents in this range.");
		fputs("</section>\n", fp);
		return;
	}
	fputs("<div class=\"pair\">\n", fp);
	sect_debrief_chart(fp, s);
	sect_referrals(fp, s);
	fputs("</div>\n", fp);
	sect_facts(fp, f, NITEMS(f));
	fputs("</section>\n", fp);
}

/* ---- set apart ----------------------------------------------------------- */

static void
sect_apart_row(FILE *fp, const char *cls, const char *name, int64_t d,
    int64_t fa)
{
	fprintf(fp, "<tr%s><td>", cls);
	html_text(fp, name);
	fprintf(fp, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld"
	    "</td></tr>\n", (long long)d, (long long)fa);
}

void
html_sections_apart(FILE *fp, const struct stats *s)
{
	const struct stats_group *g;
	size_t i;

	sect_open(fp, "apart", "Drills and false alarms", "Set apart from "
	    "every other figure: drills are practice, and false alarms were "
	    "cancelled as such.");
	if (s->drills + s->false_alarms == 0) {
		sect_empty(fp, "No drills or false alarms in this range.");
		fputs("</section>\n", fp);
		return;
	}
	fputs("<table class=\"narrow\">\n<thead><tr><th>Branch</th>"
	    "<th class=\"num\">Drills"
	    "</th><th class=\"num\">False alarms</th></tr></thead>\n<tbody>\n",
	    fp);
	for (i = 0; i < s->branches.n; i++) {
		g = &s->branches.g[i];
		if (g->drills + g->false_alarms > 0)
			sect_apart_row(fp, "", g->key, g->drills,
			    g->false_alarms);
	}
	sect_apart_row(fp, " class=\"total\"", "All", s->drills,
	    s->false_alarms);
	fputs("</tbody>\n</table>\n</section>\n", fp);
}
