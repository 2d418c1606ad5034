/*
 * CSV as RFC 4180 has it: rows end in CRLF, and a field holding a comma,
 * a double quote, a CR or an LF is quoted, with its quotes doubled. Every
 * byte of a note survives, newlines included, so a spreadsheet or a csv
 * module reads back exactly what was recorded.
 */
#include <stdio.h>
#include <string.h>

#include "beacon.h"
#include "clock.h"
#include "cli.h"

void
csv_field(FILE *fp, const char *s)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

void
csv_row(FILE *fp, const char *const *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', fp);
		csv_field(fp, fields[i]);
	}
	fputs("\r\n", fp);
}

const char *const csv_incident_header[CSV_INCIDENT_COLS] = {
	"incident", "report", "branch", "type", "severity", "state", "drill",
	"silent", "call_911", "notified", "acked_by", "hold", "created",
	"updated", "location", "note",
};

/* c->v points into c's buffers and into inc: keep both while it is used. */
void
csv_incident(const struct incident *inc, struct csv_cells *c)
{
	snprintf(c->id, sizeof c->id, "%lld", (long long)inc->id);
	snprintf(c->severity, sizeof c->severity, "%d", inc->r.severity);
	snprintf(c->notified, sizeof c->notified, "%d", inc->notified);
	c->v[0] = c->id;
	c->v[1] = inc->r.id;
	c->v[2] = inc->branch;
	c->v[3] = inc->r.type;
	c->v[4] = c->severity;
	c->v[5] = state_name(inc->state);
	c->v[6] = inc->r.drill ? "1" : "0";
	c->v[7] = inc->r.silent ? "1" : "0";
	c->v[8] = inc->call_911 ? "1" : "0";
	c->v[9] = c->notified;
	c->v[10] = inc->acked_by;
	c->v[11] = inc->hold ? "1" : "0";
	c->v[12] = clock_fmt(inc->created, c->created, sizeof c->created);
	c->v[13] = clock_fmt(inc->updated, c->updated, sizeof c->updated);
	c->v[14] = inc->r.location;
	c->v[15] = inc->r.note;
}
