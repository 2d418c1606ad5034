/*
 * Alarms that are not real (alarms.h): which reports wait for a cancel,
 * whom a drill may reach, what a repeated press changes.
 */
#include <stdio.h>
#include <string.h>

#include "alarms.h"
#include "beacon.h"
#include "conf.h"

int64_t
alarms_cancel_ms(const struct config *cf, const struct conf_category *cat,
    int severity)
{
	if (cf->cancel_window <= 0 || severity <= 2 || cat == NULL ||
	    cat->cancel == 0)
		return 0;
	if (cat->cancel < 0 && severity < cf->cancel_severity)
		return 0;
	return (int64_t)cf->cancel_window * 1000;
}

int
alarms_drill_skips(const struct config *cf, const char *role)
{
	const struct conf_role *r;

	if (!conf_has(cf->life_roles, cf->nlife_roles, role))
		return 0;
	r = conf_role(cf, role);
	return r == NULL || !r->drill;
}

/* s without leading and trailing white space: *len bytes from the
 * returned pointer. */
static const char *
alarms_trim(const char *s, size_t *len)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	*len = n;
	return s;
}

int
alarms_same_text(const char *a, const char *b)
{
	size_t na, nb, i;

	a = alarms_trim(a, &na);
	b = alarms_trim(b, &nb);
	if (na == 0 || na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		unsigned char ca = (unsigned char)a[i], cb = (unsigned char)b[i];

		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return 0;
	}
	return 1;
}

int
alarms_press_joins(const struct incident *inc, const struct report *r)
{
	int i;

	for (i = 0; r->device[0] != '\0' && i < inc->ndevices; i++)
		if (strcmp(r->device, inc->devices[i]) == 0)
			return 1;
	for (i = 0; i < inc->nlocations; i++)
		if (alarms_same_text(r->location, inc->locations[i]))
			return 1;
	return 0;
}

/* Add s to list (n entries of size each) unless it is empty, already
 * there (alarms_same_text, or equal when exact) or the list is full.
 * 1 when added. */
static int
alarms_list_add(char *list, int *n, size_t size, const char *s, int exact)
{
	size_t len;
	int i;

	alarms_trim(s, &len);
	if (len == 0 || *n >= JOINED_MAX)
		return 0;
	for (i = 0; i < *n; i++)
		if (exact ? strcmp(s, list + i * size) == 0 :
		    alarms_same_text(s, list + i * size))
			return 0;
	strlcpy_utf8(list + (size_t)*n * size, s, size);
	(*n)++;
	return 1;
}

int
alarms_press_add(struct incident *inc, const struct report *r,
    int *location_added, int *note_added)
{
	*location_added = alarms_list_add(inc->locations[0], &inc->nlocations,
	    sizeof inc->locations[0], r->location, 0);
	*note_added = alarms_list_add(inc->notes[0], &inc->nnotes,
	    sizeof inc->notes[0], r->note, 0);
	alarms_list_add(inc->devices[0], &inc->ndevices,
	    sizeof inc->devices[0], r->device, 1);
	/* The first given is the incident's own, never replaced. */
	if (inc->r.location[0] == '\0' && inc->nlocations > 0)
		strlcpy_utf8(inc->r.location, inc->locations[0],
		    sizeof inc->r.location);
	if (inc->r.note[0] == '\0' && inc->nnotes > 0)
		strlcpy_utf8(inc->r.note, inc->notes[0], sizeof inc->r.note);
	return *location_added || *note_added;
}

int
alarms_relate(struct incident *inc, int64_t other)
{
	int i;

	for (i = 0; i < inc->nrelated; i++)
		if (inc->related[i] == other)
			return 0;
	if (inc->nrelated >= RELATED_MAX || other == inc->id)
		return 0;
	inc->related[inc->nrelated++] = other;
	return 1;
}

void
alarms_called_text(const char *const *labels, size_t n, int routed,
    char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	if (n == 0) {
		snprintf(buf, len, routed ? "no one could be called" :
		    "nobody has been called yet");
		return;
	}
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s%s", i == 0 ? "" :
		    i + 1 == n ? " and " : ", ", role_article(labels[i]),
		    labels[i]);
	if (off < len)
		snprintf(buf + off, len - off, " %s already called",
		    n == 1 ? "is" : "are");
}

void
alarms_press_text(const struct incident *inc, const struct report *r,
    const char *called, const char *acked, char *buf, size_t len)
{
	size_t off;

	/* A drill's status says drill: its clients put DRILL first. */
	off = (size_t)snprintf(buf, len, "joined to incident %lld",
	    (long long)inc->id);
	if (off < len && inc->r.location[0] != '\0')
		off += (size_t)snprintf(buf + off, len - off, " at %s",
		    inc->r.location);
	if (off < len)
		off += (size_t)snprintf(buf + off, len - off, ": %s", called);
	if (off < len && acked != NULL && acked[0] != '\0')
		off += (size_t)snprintf(buf + off, len - off, "; %s "
		    "acknowledged", acked);
	if (off < len && r->location[0] != '\0' &&
	    !alarms_same_text(r->location, inc->r.location))
		snprintf(buf + off, len - off, "; your location, %s, is added "
		    "to it", r->location);
}
