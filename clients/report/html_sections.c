/*
 * The board report's sections: incidents, response times, escalation,
 * debriefs and what was set apart. Each is a heading, a sentence on what
 * it counts, charts and tables; an empty range says so in words instead
 * of drawing empty axes. Every text is in the report's language (l).
 */
#include <stdio.h>
#include <stdlib.h>

#include "html_sections.h"
#include "html_text.h"
#include "i18n.h"
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

/* An empty range: the section says so and ends. */
static void
sect_none(FILE *fp, const char *l)
{
	sect_empty(fp, T_(l, "No incidents in this range."));
	fputs("</section>\n", fp);
}

static void
sect_figure(FILE *fp, void (*draw)(FILE *, const struct chart *),
    const struct chart *c)
{
	fputs("<figure>\n", fp);
	draw(fp, c);
	fputs("</figure>\n", fp);
}

static void
sect_count(FILE *fp, const char *l, int64_t n)
{
	char buf[32];

	fputs(html_text_count(l, n, buf, sizeof buf), fp);
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
	N_("unknown"), N_("1 · threat to life"), N_("2 · urgent"),
	N_("3 · needs care"), N_("4 · record only"),
};
static const char *const sect_sev_classes[STATS_SEVERITIES + 1] = {
	"bar sev0", "bar sev1", "bar sev2", "bar sev3", "bar sev4",
};

static void
sect_severity(FILE *fp, const struct stats *s, const char *l)
{
	struct chart c = { .title = T_(l, "Severity mix"), .desc = T_(l,
	    "incidents by severity, 1 the most severe"), .xlabel = T_(l,
	    "incidents"), .lang = l };
	const char *labels[STATS_SEVERITIES + 1];
	/* Unknown only when there is any: configured sites have none. */
	size_t first = s->severity[0] > 0 ? 0 : 1, i;

	for (i = 0; i < NITEMS(labels); i++)
		labels[i] = T_(l, sect_sev_labels[i]);
	c.n = STATS_SEVERITIES + 1 - first;
	c.labels = labels + first;
	c.values = s->severity + first;
	c.classes = sect_sev_classes + first;
	sect_figure(fp, svg_hbars, &c);
}

static void
sect_months(FILE *fp, const struct stats *s, const char *l)
{
	struct chart c = { .title = T_(l, "Monthly trend"), .desc = T_(l,
	    "incidents per month"), .xlabel = T_(l, "month"), .ylabel = T_(l,
	    "incidents"), .lang = l };
	char (*names)[32] = xcalloc(s->nmonths, sizeof *names);
	const char **labels = xcalloc(s->nmonths, sizeof *labels);
	size_t i;
	int m;

	for (i = 0; i < s->nmonths; i++) {
		m = s->month_first + (int)i;
		snprintf(names[i], sizeof names[i], "%s %d",
		    html_text_month(l, m % 12, 1), m / 12);
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
sect_hours(FILE *fp, const struct stats *s, const char *l)
{
	struct chart c = { .title = T_(l, "Hour of the day"), .desc = T_(l,
	    "incidents by the hour they were reported, local time"),
	    .xlabel = T_(l, "hour of the day (local time)"), .ylabel = T_(l,
	    "incidents"), .n = STATS_HOURS, .values = s->hours, .lang = l };
	char names[STATS_HOURS][8];
	const char *labels[STATS_HOURS];
	size_t i;

	/* 24-hour in both: "14" in English, "14 h" in French. */
	for (i = 0; i < STATS_HOURS; i++) {
		snprintf(names[i], sizeof names[i], T_(l, "%02d"), (int)i);
		labels[i] = names[i];
	}
	c.labels = labels;
	sect_figure(fp, svg_columns, &c);
}

/* Reports joined to an open incident, and incidents reported apart that
 * may be the same event (docs/protocol.md, "Repeated presses"). */
static void
sect_joins(FILE *fp, const struct stats *s, const char *l)
{
	fprintf(fp, "<table class=\"facts\">\n<tbody>\n<tr><td>%s</td>"
	    "<td class=\"num\">", T_(l, "Incidents with more reports joined "
	    "to them (the same device again, or the same place)"));
	sect_count(fp, l, s->joined);
	fprintf(fp, "</td></tr>\n<tr><td>%s</td><td class=\"num\">", T_(l,
	    "Incidents that may be related to another (the same category at "
	    "the same branch, from another device at another place; each "
	    "handled on its own)"));
	sect_count(fp, l, s->related);
	fputs("</td></tr>\n</tbody>\n</table>\n", fp);
}

void
html_sections_incidents(FILE *fp, const struct stats *s, const char *l)
{
	struct chart branch = { .title = T_(l, "By branch"), .desc = T_(l,
	    "incidents per branch"), .xlabel = T_(l, "incidents"), .lang = l };
	struct chart cat = { .title = T_(l, "By category"), .desc = T_(l,
	    "incidents per category"), .xlabel = T_(l, "incidents"),
	    .width = 860, .lang = l };

	sect_open(fp, "incidents", T_(l, "Incidents"), T_(l, "Every incident "
	    "reported in the range, by where, what, how severe and when."));
	if (s->total == 0) {
		sect_none(fp, l);
		return;
	}
	fputs("<div class=\"pair\">\n", fp);
	sect_groups(fp, &s->branches, &branch, SV_COUNT, NULL);
	sect_severity(fp, s, l);
	fputs("</div>\n", fp);
	sect_groups(fp, &s->categories, &cat, SV_COUNT, NULL);
	sect_months(fp, s, l);
	sect_hours(fp, s, l);
	sect_joins(fp, s, l);
	fputs("</section>\n", fp);
}

/* ---- response times ------------------------------------------------------ */

static void
sect_time_cells(FILE *fp, const char *l, const struct stats_summary *t)
{
	char a[32], b[32], n[32];

	if (t->n == 0) {
		fprintf(fp, "<td class=\"num\">0</td><td class=\"num none\">%s"
		    "</td><td class=\"num none\">%s</td>", T_(l, "none"),
		    T_(l, "none"));
		return;
	}
	fprintf(fp, "<td class=\"num\">%s</td><td class=\"num\">%s</td>"
	    "<td class=\"num\">%s</td>", html_text_count(l, (int64_t)t->n, n,
	    sizeof n), html_text_duration(l, t->median, a, sizeof a),
	    html_text_duration(l, t->p90, b, sizeof b));
}

static void
sect_time_row(FILE *fp, const char *l, const char *cls, const char *name,
    int64_t n, const struct stats_summary *ack,
    const struct stats_summary *scene)
{
	fprintf(fp, "<tr%s><td>", cls);
	html_text(fp, name);
	fputs("</td><td class=\"num\">", fp);
	sect_count(fp, l, n);
	fputs("</td>", fp);
	sect_time_cells(fp, l, ack);
	sect_time_cells(fp, l, scene);
	fputs("</tr>\n", fp);
}

static void
sect_time_table(FILE *fp, const char *l, const char *what,
    const struct stats_groups *gs, const struct stats *s)
{
	const char *n = T_(l, "n"), *med = T_(l, "median"), *p90 = T_(l,
	    "p90");
	size_t i;

	fprintf(fp, "<table>\n<thead><tr><th rowspan=\"2\">%s</th>"
	    "<th rowspan=\"2\" class=\"num\">%s</th>"
	    "<th colspan=\"3\" class=\"grp\">%s</th>"
	    "<th colspan=\"3\" class=\"grp\">%s</th></tr>\n", what,
	    T_(l, "Incidents"), T_(l, "Time to acknowledge"),
	    T_(l, "Time to on scene"));
	fprintf(fp, "<tr><th class=\"num\">%s</th><th class=\"num\">%s</th>"
	    "<th class=\"num\">%s</th><th class=\"num\">%s</th>"
	    "<th class=\"num\">%s</th><th class=\"num\">%s</th></tr>"
	    "</thead>\n<tbody>\n", n, med, p90, n, med, p90);
	for (i = 0; i < gs->n; i++)
		if (gs->g[i].n > 0)
			sect_time_row(fp, l, "", gs->g[i].key, gs->g[i].n,
			    &gs->g[i].ack, &gs->g[i].scene);
	sect_time_row(fp, l, " class=\"total\"", T_(l, "All"), s->total,
	    &s->ack, &s->scene);
	fputs("</tbody>\n</table>\n", fp);
}

void
html_sections_response(FILE *fp, const struct stats *s, const char *l)
{
	struct chart b = { .title = T_(l, "Median time to acknowledge, by "
	    "branch"), .desc = T_(l, "median time from report to first "
	    "acknowledgment"), .lang = l };
	struct chart c = { .title = T_(l, "Median time to acknowledge, by "
	    "category"), .desc = T_(l, "median time from report to first "
	    "acknowledgment"), .lang = l };

	sect_open(fp, "response", T_(l, "Response times"),
	    /* xgettext:no-c-format */
	    T_(l, "From the "
	    "report to the first acknowledgment by a responder, and to the "
	    "first responder on scene. n counts the incidents that had one; "
	    "p90 is the time within which 90% of them had it."));
	if (s->total == 0) {
		sect_none(fp, l);
		return;
	}
	fputs("<div class=\"pair\">\n", fp);
	sect_groups(fp, &s->branches, &b, SV_ACK, "bar time");
	sect_groups(fp, &s->categories, &c, SV_ACK, "bar time");
	fprintf(fp, "</div>\n<h3>%s</h3>\n", T_(l, "By branch"));
	sect_time_table(fp, l, T_(l, "Branch"), &s->branches, s);
	fprintf(fp, "<h3>%s</h3>\n", T_(l, "By category"));
	sect_time_table(fp, l, T_(l, "Category"), &s->categories, s);
	fputs("</section>\n", fp);
}

/* ---- escalation ---------------------------------------------------------- */

/* A two-column table of counts: what (HTML, in lang), how many. */
struct sect_fact {
	const char *what;
	int64_t n;
};

static void
sect_facts(FILE *fp, const char *l, const struct sect_fact *f, size_t n)
{
	size_t i;

	fputs("<table class=\"facts\">\n<tbody>\n", fp);
	for (i = 0; i < n; i++) {
		fprintf(fp, "<tr><td>%s</td><td class=\"num\">", f[i].what);
		sect_count(fp, l, f[i].n);
		fputs("</td></tr>\n", fp);
	}
	fputs("</tbody>\n</table>\n", fp);
}

/* A row under the one before it, indented: "&#8195;of which ...". */
#define SECT_SUB "&#8195;"

void
html_sections_escalation(FILE *fp, const struct stats *s, const char *l)
{
	char of1[512], of2[512];
	const struct sect_fact f[] = {
		{ T_(l, "Incidents escalated at least once (nobody "
		  "acknowledged in time)"), s->escalated },
		{ of1, s->last_step },
		{ T_(l, "Incidents passed on to the next step because a "
		  "responder declined"), s->declined },
		{ T_(l, "Incidents never acknowledged"), s->not_acked },
		{ T_(l, "Incidents with a step for which no one was "
		  "available"), s->no_one },
		{ of2, s->no_one_events },
	};
	char a[32], b[32];

	snprintf(of1, sizeof of1, SECT_SUB "%s", T_(l, "of which the "
	    "escalation reached the last step of its policy"));
	snprintf(of2, sizeof of2, SECT_SUB "%s", T_(l, "&#8220;no one "
	    "available&#8221; notices in all"));
	sect_open(fp, "escalation", T_(l, "Escalation and availability"),
	    T_(l, "An incident escalates when nobody acknowledges it in time; "
	    "a responder who declines passes it on at once, counted apart. "
	    "The last step is the policy's final group of people. &#8220;No "
	    "one available&#8221; means a step had a role with nobody on "
	    "duty."));
	if (s->total == 0) {
		sect_none(fp, l);
		return;
	}
	sect_facts(fp, l, f, NITEMS(f));
	fputs("<p class=\"lead\">", fp);
	fprintf(fp, T_(l, "From the report to the first responder notified: "
	    "median %s, 90%% within %s."), html_text_duration(l,
	    s->notify.median, a, sizeof a), html_text_duration(l,
	    s->notify.p90, b, sizeof b));
	fputs("</p>\n</section>\n", fp);
}

/* ---- debriefs ------------------------------------------------------------ */

static const char *const sect_debrief_labels[] = {
	N_("held"), N_("recorded, not held"), N_("due"), N_("overdue"),
};
static const char *const sect_debrief_classes[] = {
	"bar", "bar sev4", "bar sev0", "bar sev1",
};

static void
sect_debrief_chart(FILE *fp, const struct stats *s, const char *l)
{
	const int64_t v[] = { s->debriefs[SD_HELD], s->debriefs[SD_RECORDED],
	    s->debriefs[SD_PENDING], s->debriefs[SD_OVERDUE] };
	const char *labels[NITEMS(sect_debrief_labels)];
	struct chart c = { .title = T_(l, "Debriefs"), .desc = T_(l,
	    "debriefs of resolved incidents, by status"), .xlabel = T_(l,
	    "incidents"), .n = NITEMS(v), .labels = labels, .values = v,
	    .classes = sect_debrief_classes, .lang = l };
	size_t i;

	for (i = 0; i < NITEMS(labels); i++)
		labels[i] = T_(l, sect_debrief_labels[i]);
	sect_figure(fp, svg_hbars, &c);
}

static void
sect_referrals(FILE *fp, const struct stats *s, const char *l)
{
	struct chart c = { .title = T_(l, "Referrals by type"), .desc = T_(l,
	    "referrals to community partners recorded in debriefs"),
	    .xlabel = T_(l, "referrals"), .lang = l };

	if (s->referrals.n == 0) {
		fprintf(fp, "<figure>\n<h3>%s</h3>\n", c.title);
		sect_empty(fp, T_(l, "No referrals recorded."));
		fputs("</figure>\n", fp);
		return;
	}
	sect_groups(fp, &s->referrals, &c, SV_COUNT, NULL);
}

void
html_sections_debriefs(FILE *fp, const struct stats *s, const char *l)
{
	char of[512];
	const struct sect_fact f[] = {
		{ T_(l, "Wellbeing debriefs held"), s->debriefs[SD_HELD] },
		{ T_(l, "Debriefs recorded without a wellbeing debrief held"),
		  s->debriefs[SD_RECORDED] },
		{ T_(l, "Debriefs due, not yet overdue"),
		  s->debriefs[SD_PENDING] },
		{ T_(l, "Debriefs overdue (nothing recorded by the due "
		  "time)"), s->debriefs[SD_OVERDUE] },
		{ T_(l, "Incidents not resolved or without a debrief"),
		  s->debriefs[SD_NONE] },
		{ T_(l, "Referrals to community partners"),
		  s->referrals_total },
		{ T_(l, "Corrective actions still open"), s->actions_open },
		{ of, s->actions_overdue },
	};

	snprintf(of, sizeof of, SECT_SUB "%s", T_(l, "of which overdue (past "
	    "their due date)"));
	sect_open(fp, "debriefs", T_(l, "Debriefs and follow-up"), T_(l,
	    "After each resolved incident: whether the wellbeing debrief was "
	    "held, the referrals made and the corrective actions, from each "
	    "debrief's latest revision."));
	if (s->total == 0) {
		sect_none(fp, l);
		return;
	}
	fputs("<div class=\"pair\">\n", fp);
	sect_debrief_chart(fp, s, l);
	sect_referrals(fp, s, l);
	fputs("</div>\n", fp);
	sect_facts(fp, l, f, NITEMS(f));
	fputs("</section>\n", fp);
}

/* ---- set apart ----------------------------------------------------------- */

static void
sect_apart_row(FILE *fp, const char *l, const char *cls, const char *name,
    int64_t d, int64_t fa)
{
	fprintf(fp, "<tr%s><td>", cls);
	html_text(fp, name);
	fputs("</td><td class=\"num\">", fp);
	sect_count(fp, l, d);
	fputs("</td><td class=\"num\">", fp);
	sect_count(fp, l, fa);
	fputs("</td></tr>\n", fp);
}

void
html_sections_apart(FILE *fp, const struct stats *s, const char *l)
{
	const struct stats_group *g;
	size_t i;

	sect_open(fp, "apart", T_(l, "Drills and false alarms"), T_(l, "Set "
	    "apart from every other figure: drills are practice, and false "
	    "alarms were cancelled as such."));
	if (s->drills + s->false_alarms == 0) {
		sect_empty(fp, T_(l, "No drills or false alarms in this "
		    "range."));
		fputs("</section>\n", fp);
		return;
	}
	fprintf(fp, "<table class=\"narrow\">\n<thead><tr><th>%s</th>"
	    "<th class=\"num\">%s</th><th class=\"num\">%s</th></tr></thead>\n"
	    "<tbody>\n", T_(l, "Branch"), T_(l, "Drills"), T_(l,
	    "False alarms"));
	for (i = 0; i < s->branches.n; i++) {
		g = &s->branches.g[i];
		if (g->drills + g->false_alarms > 0)
			sect_apart_row(fp, l, "", g->key, g->drills,
			    g->false_alarms);
	}
	sect_apart_row(fp, l, " class=\"total\"", T_(l, "All"), s->drills,
	    s->false_alarms);
	fputs("</tbody>\n</table>\n</section>\n", fp);
}
