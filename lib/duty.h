/*
 * Who is on duty: responders' weekly shifts, branches' opening hours,
 * closures and holidays, and the overrides supervisors set at run time
 * (beacon oncall set). Pure functions of the configuration, the overrides
 * and a time; local times come from the branch's zone file (zone.h),
 * without setting TZ.
 */
#ifndef BEACON_DUTY_H
#define BEACON_DUTY_H

#include <stddef.h>
#include <stdint.h>

#include "beacon.h"

struct config;
struct conf_branch;
struct conf_responder;
struct conf_category;
struct conf_policy;

/* One run-time override: responder on (on 1) or off duty (on 0) at the
 * branch from `from` until `until` (ms since the epoch, until exclusive). */
struct duty_override {
	int64_t id;
	char responder[ID_MAX + 1];
	char branch[ID_MAX + 1];
	int64_t from, until;
	int on;
	char by[ID_MAX + 1];	/* who set it */
	int64_t set_at;
	char note[NOTE_MAX + 1];
};

/* The overrides in force (not cleared); owned by the engine. */
struct duty {
	struct duty_override *v;
	size_t n;
};

struct duty *duty_new(void);
void duty_free(struct duty *);
/* Add a copy of *ov. */
void duty_add(struct duty *, const struct duty_override *);
/* Remove the overrides of responder at branch (NULL: every branch);
 * returns how many. */
size_t duty_remove(struct duty *, const char *responder, const char *branch);
/* Forget the overrides that ended before now. */
void duty_expire(struct duty *, int64_t now);

/* ---- local time -------------------------------------------------------- */

struct duty_local {
	int wday;	/* 0 Sunday */
	int min;	/* minutes since local midnight */
	int ymd;	/* YYYYMMDD */
	int prev_ymd;	/* the day before */
	int y, m, d;
};

/* The local time at ms in zone tz. 0, or -1. */
int duty_local(const char *tz, int64_t ms, struct duty_local *);
/* The instant of a local date and time in zone tz (the later one of a
 * repeated hour, the one after a skipped hour). */
int64_t duty_instant(const char *tz, int y, int m, int d, int hh, int mm);
/*
 * A time of a request in the branch's zone, relative to now: "HH:MM"
 * (today, local), "YYYY-MM-DDTHH:MM" (local), or RFC 3339 with Z or an
 * offset. 0 and *ms, or -1.
 */
int duty_resolve(const char *tz, int64_t now, const char *text, int64_t *ms);

/* ---- questions --------------------------------------------------------- */

/* 1 if the branch is closed all day (a holiday or a closure). */
int duty_closed_day(const struct conf_branch *, int ymd);
/* 1 if the branch is open at now: not closed that day, and within its
 * opening hours (a branch without hours is open whenever it is not
 * closed). */
int duty_open(const struct conf_branch *, int64_t now);
/*
 * 1 if the responder is on duty at the branch at now: an override in
 * force decides (the latest set); else a responder without shifts always
 * is, and one with shifts is within one of them at that branch (a shift on
 * a day the branch is closed does not count). Coverage of the branch is
 * the caller's (conf_covers).
 */
int duty_on(const struct config *, const struct duty *,
    const struct conf_responder *, const char *branch, int64_t now);
/* The override in force for the responder at the branch, or NULL. */
const struct duty_override *duty_override_at(const struct duty *,
    const char *responder, const char *branch, int64_t now);
/* The policy a report of the category follows at the branch at now: the
 * category's after_hours policy when the branch is closed and it has one,
 * else its policy. Sets *after to 1 in the first case. */
const struct conf_policy *duty_policy(const struct config *,
    const struct conf_category *, const char *branch, int64_t now,
    int *after);

#endif
