/*
 * Charts as inline SVG, drawn here so that the report needs nothing from
 * outside: a title, axis lines, a scale with round ticks and grid lines,
 * and every bar or point labelled with its value. Colours come from the
 * page's stylesheet through classes, so all charts match.
 */
#include <stdio.h>
#include <string.h>

#include "html_text.h"
#include "svg.h"

/* An average glyph at 12 px is about 7 px wide: enough to size the room
 * for labels without measuring text. */
#define SVG_CHAR_W 7

/* The round steps a scale may use, smallest first. */
static const int64_t svg_count_steps[] = { 1, 2, 5 };
static const int64_t svg_time_steps[] = {
	100, 200, 500,					/* milliseconds */
	1000, 2000, 5000, 10000, 15000, 30000,		/* seconds */
	60000, 120000, 300000, 600000, 900000, 1800000,	/* minutes */
	3600000, 7200000, 21600000, 43200000, 86400000,	/* hours */
};
#define NITEMS(a) (sizeof (a) / sizeof (a)[0])
#define SVG_TICKS 5	/* at most this many steps up to the top */

struct svg_scale {
	int64_t step;
	int64_t top;	/* a multiple of step, >= every value, > 0 */
};

static int64_t
svg_max(const struct chart *c)
{
	int64_t m = 0;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->values[i] > m)
			m = c->values[i];
	return m;
}

/* Counts: 1, 2, 5, 10, 20, 50... Times: the table, then whole days. */
static int64_t
svg_step(int64_t max, int duration)
{
	int64_t mag = 1, step;
	size_t i;

	if (duration) {
		for (i = 0; i < NITEMS(svg_time_steps); i++)
			if (svg_time_steps[i] * SVG_TICKS >= max)
				return svg_time_steps[i];
		step = svg_time_steps[NITEMS(svg_time_steps) - 1];
		return (max / SVG_TICKS / step + 1) * step;
	}
	for (;;) {
		for (i = 0; i < NITEMS(svg_count_steps); i++) {
			step = svg_count_steps[i] * mag;
			if (step * SVG_TICKS >= max)
				return step;
		}
		mag *= 10;
	}
}

static struct svg_scale
svg_scale(const struct chart *c)
{
	struct svg_scale sc;
	int64_t max = svg_max(c);

	sc.step = svg_step(max, c->duration);
	sc.top = (max + sc.step - 1) / sc.step * sc.step;
	if (sc.top == 0)
		sc.top = sc.step;
	return sc;
}

static void
svg_value(const struct chart *c, int64_t v, char *buf, size_t len)
{
	if (c->duration || v < 0)
		html_text_duration(c->lang, v, buf, len);
	else
		html_text_count(c->lang, v, buf, len);
}

static const char *
svg_class(const struct chart *c, size_t i)
{
	return c->classes != NULL && c->classes[i] != NULL ? c->classes[i] :
	    "bar";
}

static void
svg_open(FILE *fp, const struct chart *c, int w, int h)
{
	fprintf(fp, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" "
	    "height=\"%d\" role=\"img\" aria-label=\"", w, h, w, h);
	html_text(fp, c->title);
	if (c->desc != NULL) {
		fputs(": ", fp);
		html_text(fp, c->desc);
	}
	fputs("\">\n<title>", fp);
	html_text(fp, c->title);
	fprintf(fp, "</title>\n<text class=\"ct\" x=\"0\" y=\"16\">");
	html_text(fp, c->title);
	fputs("</text>\n", fp);
}

/* A text element; anchor is start, middle or end. */
static void
svg_label(FILE *fp, const char *cls, const char *anchor, double x, double y,
    const char *s)
{
	fprintf(fp, "<text class=\"%s\" text-anchor=\"%s\" x=\"%.1f\" "
	    "y=\"%.1f\">", cls, anchor, x, y);
	html_text(fp, s);
	fputs("</text>\n", fp);
}

static void
svg_line_el(FILE *fp, const char *cls, double x1, double y1, double x2,
    double y2)
{
	fprintf(fp, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\"/>\n", cls, x1, y1, x2, y2);
}

/* The plot area, in px. */
struct svg_box {
	double x0, y0, x1, y1;
};

/* A value scale along x (bars) or y (columns, line): grid, ticks. */
static void
svg_xscale(FILE *fp, const struct chart *c, const struct svg_box *b,
    const struct svg_scale *sc)
{
	char buf[32];
	int64_t t;
	double x;

	for (t = 0; t <= sc->top; t += sc->step) {
		x = b->x0 + (b->x1 - b->x0) * (double)t / (double)sc->top;
		if (t > 0)
			svg_line_el(fp, "grid", x, b->y0, x, b->y1);
		svg_line_el(fp, "axis", x, b->y1, x, b->y1 + 4);
		svg_value(c, t, buf, sizeof buf);
		svg_label(fp, "tick", "middle", x, b->y1 + 17, buf);
	}
}

static void
svg_yscale(FILE *fp, const struct chart *c, const struct svg_box *b,
    const struct svg_scale *sc)
{
	char buf[32];
	int64_t t;
	double y;

	for (t = 0; t <= sc->top; t += sc->step) {
		y = b->y1 - (b->y1 - b->y0) * (double)t / (double)sc->top;
		if (t > 0)
			svg_line_el(fp, "grid", b->x0, y, b->x1, y);
		svg_line_el(fp, "axis", b->x0 - 4, y, b->x0, y);
		svg_value(c, t, buf, sizeof buf);
		svg_label(fp, "tick", "end", b->x0 - 7, y + 4, buf);
	}
}

/* The two axis lines and their titles. */
static void
svg_axes(FILE *fp, const struct chart *c, const struct svg_box *b, int h)
{
	svg_line_el(fp, "axis", b->x0, b->y0 - 4, b->x0, b->y1);
	svg_line_el(fp, "axis", b->x0, b->y1, b->x1, b->y1);
	if (c->xlabel != NULL)
		svg_label(fp, "at", "middle", (b->x0 + b->x1) / 2, h - 6,
		    c->xlabel);
	if (c->ylabel == NULL)
		return;
	fprintf(fp, "<text class=\"at\" text-anchor=\"middle\" "
	    "transform=\"translate(12 %.1f) rotate(-90)\">",
	    (b->y0 + b->y1) / 2);
	html_text(fp, c->ylabel);
	fputs("</text>\n", fp);
}

/* One bar (or column) with its value in a tooltip. */
static void
svg_rect(FILE *fp, const struct chart *c, size_t i, double x, double y,
    double w, double h)
{
	char buf[32];

	svg_value(c, c->values[i], buf, sizeof buf);
	fprintf(fp, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\"><title>", svg_class(c, i), x, y, w, h);
	html_text(fp, c->labels[i]);
	fprintf(fp, ": ");
	html_text(fp, buf);
	fputs("</title></rect>\n", fp);
}

/* ---- horizontal bars ----------------------------------------------------- */

#define HB_BAR 20	/* bar height */
#define HB_PITCH 30	/* bar plus gap */
#define HB_TOP 34	/* below the title */

static double
hbars_label_room(const struct chart *c, int w)
{
	size_t i, len, most = 4;

	for (i = 0; i < c->n; i++)
		if ((len = strlen(c->labels[i])) > most)
			most = len;
	if ((double)most * SVG_CHAR_W + 14 > w * 0.4)
		return w * 0.4;
	return (double)most * SVG_CHAR_W + 14;
}

void
svg_hbars(FILE *fp, const struct chart *c)
{
	struct svg_scale sc = svg_scale(c);
	struct svg_box b;
	int w = c->width > 0 ? c->width : 440, h;
	char buf[32];
	double bw, y;
	size_t i;

	h = HB_TOP + (int)c->n * HB_PITCH + 28 + (c->xlabel ? 16 : 0);
	b.x0 = hbars_label_room(c, w);
	b.x1 = w - (c->duration ? 78 : 40);
	b.y0 = HB_TOP;
	b.y1 = HB_TOP + (double)c->n * HB_PITCH;
	svg_open(fp, c, w, h);
	svg_xscale(fp, c, &b, &sc);
	for (i = 0; i < c->n; i++) {
		y = b.y0 + (double)i * HB_PITCH + (HB_PITCH - HB_BAR) / 2.0;
		svg_label(fp, "lbl", "end", b.x0 - 8, y + 14, c->labels[i]);
		bw = c->values[i] < 0 ? 0 : (b.x1 - b.x0) *
		    (double)c->values[i] / (double)sc.top;
		if (bw > 0)
			svg_rect(fp, c, i, b.x0, y, bw, HB_BAR);
		svg_value(c, c->values[i], buf, sizeof buf);
		svg_label(fp, c->values[i] < 0 ? "val none" : "val", "start",
		    b.x0 + bw + 6, y + 14, buf);
	}
	svg_axes(fp, c, &b, h);
	fputs("</svg>\n", fp);
}

/* ---- columns and line ---------------------------------------------------- */

/* Label every k-th bucket so that labels do not touch. */
static size_t
svg_every(const struct chart *c, double band)
{
	size_t i, most = 1, k;

	for (i = 0; i < c->n; i++)
		if (strlen(c->labels[i]) > most)
			most = strlen(c->labels[i]);
	for (k = 1; band * (double)k < (double)most * SVG_CHAR_W + 6; k++)
		;
	return k;
}

static void
svg_box_time(const struct chart *c, int w, int h, struct svg_box *b)
{
	b->x0 = c->duration ? 78 : 52;
	b->x1 = w - 12;
	b->y0 = 40;
	b->y1 = h - 44;
}

static void
svg_xlabels(FILE *fp, const struct chart *c, const struct svg_box *b,
    double band)
{
	size_t i, k = svg_every(c, band);

	for (i = 0; i < c->n; i += k)
		svg_label(fp, "tick", "middle", b->x0 + band * ((double)i +
		    0.5), b->y1 + 17, c->labels[i]);
}

void
svg_columns(FILE *fp, const struct chart *c)
{
	struct svg_scale sc = svg_scale(c);
	struct svg_box b;
	int w = c->width > 0 ? c->width : 860, h = 270;
	double band, cw, ch, x;
	char buf[32];
	size_t i;

	svg_box_time(c, w, h, &b);
	band = c->n > 0 ? (b.x1 - b.x0) / (double)c->n : 1;
	cw = band * 0.72;
	svg_open(fp, c, w, h);
	svg_yscale(fp, c, &b, &sc);
	for (i = 0; i < c->n; i++) {
		if (c->values[i] <= 0)
			continue;
		ch = (b.y1 - b.y0) * (double)c->values[i] / (double)sc.top;
		x = b.x0 + band * (double)i + (band - cw) / 2;
		svg_rect(fp, c, i, x, b.y1 - ch, cw, ch);
		svg_value(c, c->values[i], buf, sizeof buf);
		svg_label(fp, "val", "middle", x + cw / 2, b.y1 - ch - 5, buf);
	}
	svg_xlabels(fp, c, &b, band);
	svg_axes(fp, c, &b, h);
	fputs("</svg>\n", fp);
}

/* The line's points, for both the area under it and the line itself. */
static void
svg_points(FILE *fp, const struct chart *c, const struct svg_box *b,
    const struct svg_scale *sc, double band)
{
	size_t i;
	int64_t v;

	for (i = 0; i < c->n; i++) {
		v = c->values[i] < 0 ? 0 : c->values[i];
		fprintf(fp, "%s%.1f,%.1f", i > 0 ? " " : "",
		    b->x0 + band * ((double)i + 0.5), b->y1 - (b->y1 - b->y0) *
		    (double)v / (double)sc->top);
	}
}

static void
svg_marks(FILE *fp, const struct chart *c, const struct svg_box *b,
    const struct svg_scale *sc, double band)
{
	char buf[32];
	double x, y;
	size_t i;

	for (i = 0; i < c->n; i++) {
		x = b->x0 + band * ((double)i + 0.5);
		y = b->y1 - (b->y1 - b->y0) * (double)(c->values[i] < 0 ? 0 :
		    c->values[i]) / (double)sc->top;
		svg_value(c, c->values[i], buf, sizeof buf);
		fprintf(fp, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" "
		    "r=\"3.5\"><title>", x, y);
		html_text(fp, c->labels[i]);
		fprintf(fp, ": %s</title></circle>\n", buf);
		if (band >= 22)
			svg_label(fp, "val", "middle", x, y - 8, buf);
	}
}

void
svg_line(FILE *fp, const struct chart *c)
{
	struct svg_scale sc = svg_scale(c);
	struct svg_box b;
	int w = c->width > 0 ? c->width : 860, h = 250;
	double band;

	svg_box_time(c, w, h, &b);
	band = c->n > 0 ? (b.x1 - b.x0) / (double)c->n : 1;
	svg_open(fp, c, w, h);
	svg_yscale(fp, c, &b, &sc);
	if (c->n > 1) {
		fprintf(fp, "<polygon class=\"area\" points=\"%.1f,%.1f ",
		    b.x0 + band / 2, b.y1);
		svg_points(fp, c, &b, &sc, band);
		fprintf(fp, " %.1f,%.1f\"/>\n", b.x1 - band / 2, b.y1);
		fputs("<polyline class=\"trend\" points=\"", fp);
		svg_points(fp, c, &b, &sc, band);
		fputs("\"/>\n", fp);
	}
	svg_marks(fp, c, &b, &sc, band);
	svg_xlabels(fp, c, &b, band);
	svg_axes(fp, c, &b, h);
	fputs("</svg>\n", fp);
}
