/*
 * The vocabulary every program shares (beacon.h): the names of states,
 * outcomes, routes and actions and their parsing, role articles, UTF-8
 * truncation. As beacon.h is the domain's one header, its functions are named
 * for what they convert rather than for the file.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "beacon.h"

static const char *const state_names[] = {
	[ST_RECEIVED] = "received",
	[ST_ROUTED] = "routed",
	[ST_ACKNOWLEDGED] = "acknowledged",
	[ST_ON_SCENE] = "on_scene",
	[ST_RESOLVED] = "resolved",
	[ST_REJECTED] = "rejected",
};

const char *
state_name(int st)
{
	if (st < 0 || st >= (int)(sizeof state_names / sizeof *state_names))
		return NULL;
	return state_names[st];
}

int
state_from_name(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof state_names / sizeof *state_names; i++)
		if (strcmp(state_names[i], s) == 0)
			return (int)i;
	return -1;
}

int
state_open(int st)
{
	return st >= ST_RECEIVED && st <= ST_ON_SCENE;
}

static const char *const outcome_names[] = {
	[OUTCOME_REAL] = "real",
	[OUTCOME_CANCELLED] = "cancelled",
	[OUTCOME_FALSE_ALARM] = "false_alarm",
	[OUTCOME_DRILL] = "drill",
	[OUTCOME_TEST] = "test",
};

const char *
outcome_name(int o)
{
	if (o <= OUTCOME_UNKNOWN || o >= OUTCOME_COUNT)
		return NULL;
	return outcome_names[o];
}

int
outcome_from_name(const char *s)
{
	int i;

	for (i = OUTCOME_REAL; i < OUTCOME_COUNT; i++)
		if (strcmp(outcome_names[i], s) == 0)
			return i;
	return -1;
}

void
strlcpy_utf8(char *dst, const char *src, size_t dstlen)
{
	size_t n;

	if (dstlen == 0)
		return;
	n = strlen(src);
	if (n >= dstlen) {
		n = dstlen - 1;
		/* Back up over continuation bytes so no character is split. */
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

const char *
role_article(const char *label)
{
	static const char *const bare[] = { "security", "emergency",
		"branch staff", "staff", "all staff" };
	size_t i, n;

	if (label == NULL || label[0] == '\0' ||
	    isupper((unsigned char)label[0]))
		return "";
	for (i = 0; i < sizeof bare / sizeof bare[0]; i++) {
		n = strlen(bare[i]);
		if (strncmp(label, bare[i], n) == 0 &&
		    (label[n] == '\0' || label[n] == ' '))
			return "";
	}
	return "the ";
}

/* ---- debriefs ---------------------------------------------------------- */

static const char *const wellbeing_names[WB_COUNT] = {
	[WB_UNSET] = "",
	[WB_OFFERED] = "offered",
	[WB_HELD] = "held",
	[WB_DECLINED] = "declined",
	[WB_NOT_OFFERED] = "not_offered",
};

static const char *const route_names[ROUTE_COUNT] = {
	[ROUTE_UNSET] = "",
	[ROUTE_RIGHT] = "right",
	[ROUTE_WRONG] = "wrong",
};

static const char *const action_status_names[AS_COUNT] = {
	[AS_OPEN] = "open",
	[AS_DONE] = "done",
	[AS_DROPPED] = "dropped",
};

static const char *
name_of(const char *const *names, int n, int v)
{
	return v >= 0 && v < n ? names[v] : NULL;
}

static int
name_find(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *
wellbeing_name(int v)
{
	return name_of(wellbeing_names, WB_COUNT, v);
}

int
wellbeing_from_name(const char *s)
{
	return name_find(wellbeing_names, WB_COUNT, s);
}

const char *
route_name(int v)
{
	return name_of(route_names, ROUTE_COUNT, v);
}

int
route_from_name(const char *s)
{
	return name_find(route_names, ROUTE_COUNT, s);
}

const char *
action_status_name(int v)
{
	return name_of(action_status_names, AS_COUNT, v);
}

int
action_status_from_name(const char *s)
{
	return name_find(action_status_names, AS_COUNT, s);
}

int
debrief_open_actions(const struct debrief *d)
{
	size_t i;
	int n = 0;

	for (i = 0; i < d->nactions; i++)
		if (d->actions[i].status == AS_OPEN)
			n++;
	return n;
}

int
date_valid(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d, leap;
	char tail;

	if (strlen(s) != DATE_MAX ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
	    s[4] != '-' || s[7] != '-' || y < 1970 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && !leap)
		return d <= 28;
	return d <= mdays[m - 1];
}
