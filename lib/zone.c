/*
 * Time zones, read from the system's zone files (TZif, RFC 8536) here. The
 * C library converts only in the process's own zone, so the one portable
 * way to convert in a branch's zone is to set TZ and call tzset(); but
 * setenv() is not safe while another thread runs, and beacond's store
 * has its checkpointer thread. So each zone's file is read once, the first
 * time its name is asked for, into its table of transitions (instant and
 * the offset from then on) and the POSIX TZ rule of its footer, which
 * gives the daylight-saving changes after the table's last one. An offset
 * is then a binary search, or the rule's arithmetic. Nothing here writes
 * the environment; zones once read are kept, never freed, and the list of
 * them is behind a mutex. Leap seconds ("right/" zones) are ignored.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "xmalloc.h"
#include "zone.h"

#define ZONE_DIR "/usr/share/zoneinfo" /* unless TZDIR says otherwise */
#define ZONE_FILE_MAX (256 * 1024)
#define ZONE_HEADER 44

/* A day of a POSIX TZ rule: Mm.w.d, Jn (1-365, no February 29th) or n
 * (0-365), at secs of local time. */
struct zone_rule {
	char kind;
	int m, w, d;
	long secs;
};

struct zone_posix {
	long std, dst;	/* offsets, seconds east */
	int has_dst;
	struct zone_rule start, end;
};

struct zone {
	char *name;
	int64_t *at;	/* transitions, ascending */
	long *off;	/* the offset from each */
	size_t n;
	long first;	/* before the first transition */
	int has_rule;	/* after the last one, rule */
	struct zone_posix rule;
	struct zone *next;
};

/* The counts of a TZif header. */
struct zone_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

static pthread_mutex_t zone_mu = PTHREAD_MUTEX_INITIALIZER;
static struct zone *zone_list;

/* ---- POSIX TZ rules ---------------------------------------------------- */

/* A zone abbreviation: three letters or more, or anything in <>. */
static const char *
zone_p_name(const char *s)
{
	const char *p = s;

	if (*s == '<')
		return (p = strchr(s, '>')) != NULL && p - s > 1 ? p + 1 : NULL;
	while (isalpha((unsigned char)*p))
		p++;
	return p - s >= 3 ? p : NULL;
}

static const char *
zone_p_number(const char *s, long *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return NULL;
	*v = strtol(s, &end, 10);
	return end;
}

/* [+-]hh[:mm[:ss]] into seconds. */
static const char *
zone_p_secs(const char *s, long *secs)
{
	long sign = *s == '-' ? -1 : 1, h, m = 0, sec = 0;

	if (*s == '+' || *s == '-')
		s++;
	if ((s = zone_p_number(s, &h)) == NULL)
		return NULL;
	if (*s == ':' && (s = zone_p_number(s + 1, &m)) != NULL && *s == ':')
		s = zone_p_number(s + 1, &sec);
	*secs = sign * (h * 3600 + m * 60 + sec);
	return s;
}

static const char *
zone_p_rule(const char *s, struct zone_rule *r)
{
	long m = 0, w = 0, d = 0;

	r->kind = *s == 'M' || *s == 'J' ? *s++ : 'n';
	if ((s = zone_p_number(s, r->kind == 'M' ? &m : &d)) == NULL)
		return NULL;
	if (r->kind == 'M' && (*s != '.' || (s = zone_p_number(s + 1,
	    &w)) == NULL || *s != '.' || (s = zone_p_number(s + 1,
	    &d)) == NULL || m < 1 || m > 12 || w < 1 || w > 5 || d > 6))
		return NULL;
	if (d > 365 || (r->kind == 'J' && d < 1))
		return NULL;
	r->m = (int)m;
	r->w = (int)w;
	r->d = (int)d;
	r->secs = 2 * 3600;
	return *s == '/' ? zone_p_secs(s + 1, &r->secs) : s;
}

/* "STDoffset[DST[offset][,start[/time],end[/time]]]" */
static int
zone_parse_posix(const char *s, struct zone_posix *p)
{
	long v;

	memset(p, 0, sizeof *p);
	if ((s = zone_p_name(s)) == NULL || (s = zone_p_secs(s, &v)) == NULL)
		return -1;
	p->std = p->dst = -v;
	if (*s == '\0')
		return 0;
	if ((s = zone_p_name(s)) == NULL)
		return -1;
	p->has_dst = 1;
	p->dst = p->std + 3600;
	if (*s != ',' && *s != '\0' && (s = zone_p_secs(s, &v)) != NULL)
		p->dst = -v;
	/* No rules: the C library's default, the United States' rules. */
	if (s != NULL && *s == '\0')
		s = ",M3.2.0,M11.1.0";
	if (s == NULL || *s != ',' || (s = zone_p_rule(s + 1,
	    &p->start)) == NULL || *s != ',' || (s = zone_p_rule(s + 1,
	    &p->end)) == NULL)
		return -1;
	return *s == '\0' ? 0 : -1;
}

/* The day of rule r in year y. */
static int64_t
zone_rule_day(const struct zone_rule *r, int y)
{
	int64_t day;

	if (r->kind == 'J')
		return calendar_days(y, 1, 1) + r->d - 1 +
		    (r->d >= 60 && calendar_leap(y));
	if (r->kind == 'n')
		return calendar_days(y, 1, 1) + r->d;
	if (r->w == 5) {	/* the last such weekday of the month */
		day = calendar_days(r->m == 12 ? y + 1 : y, r->m % 12 + 1, 1) - 1;
		return day - (calendar_weekday(day) - r->d + 7) % 7;
	}
	day = calendar_days(y, r->m, 1);
	return day + (r->d - calendar_weekday(day) + 7) % 7 + (r->w - 1) * 7;
}

static long
zone_posix_offset(const struct zone_posix *p, int64_t t)
{
	int64_t start, end, local = t + p->std;
	int y, m, d;

	if (!p->has_dst)
		return p->std;
	calendar_civil((local >= 0 ? local : local - 86399) / 86400, &y, &m, &d);
	start = zone_rule_day(&p->start, y) * 86400 + p->start.secs - p->std;
	end = zone_rule_day(&p->end, y) * 86400 + p->end.secs - p->dst;
	if (start < end)
		return t >= start && t < end ? p->dst : p->std;
	/* The southern hemisphere: summer spans the new year. */
	return t >= end && t < start ? p->std : p->dst;
}

/* ---- zone files --------------------------------------------------------- */

static uint32_t
zone_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
zone_be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)zone_be32(p) << 32 | zone_be32(p + 4));
}

/* The header at p; the length of its data block with times of tsize
 * bytes, or 0 if it is not a sound one within len bytes. */
static size_t
zone_header(const unsigned char *p, size_t len, int tsize,
    struct zone_counts *c)
{
	size_t n;

	if (len < ZONE_HEADER || memcmp(p, "TZif", 4) != 0)
		return 0;
	c->isut = zone_be32(p + 20);
	c->isstd = zone_be32(p + 24);
	c->leap = zone_be32(p + 28);
	c->time = zone_be32(p + 32);
	c->type = zone_be32(p + 36);
	c->chars = zone_be32(p + 40);
	if (c->type == 0 || c->type > 256 || c->time > ZONE_FILE_MAX ||
	    c->chars > ZONE_FILE_MAX || c->leap > ZONE_FILE_MAX ||
	    c->isut > 256 || c->isstd > 256)
		return 0;
	n = (size_t)c->time * (size_t)(tsize + 1) + c->type * 6 + c->chars +
	    (size_t)c->leap * (size_t)(tsize + 4) + c->isstd + c->isut;
	return n <= len - ZONE_HEADER ? n : 0;
}

/* The transitions and their offsets; before the first, type 0's. */
static void
zone_read_data(struct zone *z, const unsigned char *p,
    const struct zone_counts *c, int tsize)
{
	const unsigned char *idx = p + (size_t)c->time * (size_t)tsize;
	const unsigned char *types = idx + c->time;
	size_t i;

	z->n = c->time;
	z->at = xcalloc(z->n + 1, sizeof *z->at);
	z->off = xcalloc(z->n + 1, sizeof *z->off);
	for (i = 0; i < z->n; i++) {
		z->at[i] = tsize == 8 ? zone_be64(p + i * 8) :
		    (int32_t)zone_be32(p + i * 4);
		z->off[i] = (int32_t)zone_be32(types + (idx[i] < c->type ?
		    idx[i] : 0) * 6);
	}
	z->first = (int32_t)zone_be32(types);
}

/* The footer after version 2's data: "\nTZ string\n". */
static void
zone_read_footer(struct zone *z, const unsigned char *p, size_t len)
{
	char rule[128];
	const unsigned char *nl;

	if (len < 2 || p[0] != '\n' || (nl = memchr(p + 1, '\n',
	    len - 1)) == NULL || (size_t)(nl - p) > sizeof rule)
		return;
	memcpy(rule, p + 1, (size_t)(nl - p - 1));
	rule[nl - p - 1] = '\0';
	z->has_rule = zone_parse_posix(rule, &z->rule) == 0;
}

/* Version 1's data has 32-bit times; versions 2 and later follow it with
 * a second header, the same data with 64-bit times, and the footer. */
static int
zone_parse_file(struct zone *z, const unsigned char *buf, size_t len)
{
	struct zone_counts c;
	size_t n;

	if ((n = zone_header(buf, len, 4, &c)) == 0)
		return -1;
	if (buf[4] < '2') {
		zone_read_data(z, buf + ZONE_HEADER, &c, 4);
		return 0;
	}
	buf += ZONE_HEADER + n;
	len -= ZONE_HEADER + n;
	if ((n = zone_header(buf, len, 8, &c)) == 0)
		return -1;
	zone_read_data(z, buf + ZONE_HEADER, &c, 8);
	zone_read_footer(z, buf + ZONE_HEADER + n, len - ZONE_HEADER - n);
	return 0;
}

static int
zone_read_file(struct zone *z, const char *name)
{
	const char *dir = getenv("TZDIR");
	unsigned char *buf = xmalloc(ZONE_FILE_MAX);
	char *path;
	FILE *f;
	size_t len = 0;
	int rc = -1;

	if (dir == NULL || *dir == '\0')
		dir = ZONE_DIR;
	path = *name == '/' ? xstrdup(name) : xasprintf("%s/%s", dir, name);
	if ((f = fopen(path, "rb")) != NULL) {
		len = fread(buf, 1, ZONE_FILE_MAX, f);
		rc = ferror(f) ? -1 : zone_parse_file(z, buf, len);
		fclose(f);
	}
	free(path);
	free(buf);
	return rc;
}

/* ---- zones by name ------------------------------------------------------ */

static struct zone *
zone_load(const char *name)
{
	struct zone *z = xcalloc(1, sizeof *z);

	z->name = xstrdup(name);
	if (strcmp(name, "UTC") == 0 || zone_read_file(z, name) == 0)
		return z;
	free(z->at);
	free(z->off);
	z->at = NULL;
	z->off = NULL;
	z->n = 0;
	z->first = 0;
	z->has_rule = zone_parse_posix(name, &z->rule) == 0;
	return z;
}

static const struct zone *
zone_get(const char *name)
{
	struct zone *z;

	pthread_mutex_lock(&zone_mu);
	for (z = zone_list; z != NULL; z = z->next)
		if (strcmp(z->name, name) == 0)
			break;
	if (z == NULL) {
		z = zone_load(name);
		z->next = zone_list;
		zone_list = z;
	}
	pthread_mutex_unlock(&zone_mu);
	return z;
}

long
zone_offset(const char *name, int64_t t)
{
	const struct zone *z = zone_get(name);
	size_t lo = 0, hi = z->n, mid;

	if (z->has_rule && (z->n == 0 || t >= z->at[z->n - 1]))
		return zone_posix_offset(&z->rule, t);
	if (z->n == 0 || t < z->at[0])
		return z->first;
	while (hi - lo > 1) {	/* the last transition at or before t */
		mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->off[lo];
}

/* Try the offsets of the day before and the day after: each that holds at
 * its instant is an answer; none, and local is in a gap, which the offset
 * from before moves past. */
int64_t
zone_instant(const char *name, int64_t local)
{
	long before = zone_offset(name, local - 86400);
	long after = zone_offset(name, local + 86400);
	int64_t t1 = local - before, t2 = local - after;
	int ok1 = zone_offset(name, t1) == before;
	int ok2 = zone_offset(name, t2) == after;

	if (ok1 && ok2)
		return t1 > t2 ? t1 : t2;
	return ok2 && !ok1 ? t2 : t1;
}
