/*
 * The board report's statistics: per-incident facts in, tallies and
 * percentiles out. Pure code (no I/O, no store): cmd_report_html.c reads
 * the facts from the database, html.c draws the result, and the unit tests
 * feed plain structs. docs/board-report.md says what each number means.
 */
#ifndef BEACON_STATS_H
#define BEACON_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "beacon.h"

/*
 * A growing set of durations (ms). Percentiles use the nearest-rank
 * method: the p-th percentile of n sorted values is the value of rank
 * ceil(p * n / 100), counted from 1, so it is always a value that was
 * observed; the median is the 50th (for an even n, the lower middle one).
 */
struct stats_values {
	int64_t *v;
	size_t n;
	size_t size;
};

/* What a set of durations summarises to. n == 0 is "none": median and
 * p90 are then -1 and must be shown as such, never as zero. */
struct stats_summary {
	size_t n;
	int64_t median;
	int64_t p90;
};

void stats_values_add(struct stats_values *, int64_t ms);
void stats_values_free(struct stats_values *);
/* Sorts the values in place. -1 when there are none. */
int64_t stats_percentile(struct stats_values *, int pct);
void stats_summarize(struct stats_values *, struct stats_summary *);

/* What became of an incident's debrief. */
enum stats_debrief {
	SD_NONE = 0,	/* none opened (the incident is not resolved) */
	SD_PENDING,	/* due, not yet recorded, not yet overdue */
	SD_OVERDUE,	/* passed its due time with no revision */
	SD_RECORDED,	/* a revision, but no wellbeing debrief held */
	SD_HELD,	/* the latest revision says the debrief was held */
	SD_COUNT
};

/* One incident as the report sees it; times in ms, -1 when it never
 * happened. stats_fact_init sets every time to -1. */
struct stats_fact {
	char branch[ID_MAX + 1];
	char type[ID_MAX + 1];
	int severity;		/* 1..4; anything else counts as unknown */
	int64_t created;	/* the report time */
	int month;		/* local: year * 12 + month - 1 */
	int hour;		/* local: 0..23 */
	int drill;
	int false_alarm;	/* a cancelled or false_alarm event */
	int test;		/* a device test: its branch was paused */
	int open;		/* still open when the report was made */
	int joined;		/* other presses joined to it */
	int related;		/* it may be related to another incident */
	int64_t notified;	/* the first incident notification */
	int64_t ack;		/* the first acknowledgment */
	int64_t arrived;	/* the first responder on scene */
	int64_t resolved;
	int escalations;	/* escalated events: nobody acknowledged */
	int declined;		/* escalated events a decline caused */
	int64_t decline_at;	/* reading: the latest decline, -1 none */
	int decline_step;	/* ... and its step */
	int top_step;		/* highest step escalated to, -1 none */
	int nsteps;		/* steps of its policy when opened */
	int no_one;		/* no_one_available events (incident steps) */
	int debrief;		/* enum stats_debrief */
	int open_actions;	/* in the latest debrief revision */
	int overdue_actions;	/* of those, past their due date */
	struct debrief_referral referrals[DEBRIEF_LIST_MAX];
	size_t nreferrals;
};

void stats_fact_init(struct stats_fact *);
/* Fill in month and hour from created, in the local time zone (TZ). */
void stats_fact_local(struct stats_fact *);
/* A "decline" event, then an "escalated" one, in timeline order. A
 * decline passes the incident on at once: beacond records the next step's
 * "escalated" at the decline's time, which counts as declined, not as a
 * step nobody acknowledged in time. */
void stats_fact_decline(struct stats_fact *, int64_t ts, int step);
void stats_fact_escalated(struct stats_fact *, int64_t ts, int step);
/* The same in zone tz ("America/Toronto"): the branch's. */
void stats_fact_zone(struct stats_fact *, const char *tz);
/* Corrective actions of d still open whose due date is before today
 * ("YYYY-MM-DD"): overdue. An action due today is not yet. */
int stats_actions_overdue(const struct debrief *d, const char *today);
/* year * 12 + month - 1 of a local time; "YYYY-MM" back from it. */
int stats_month(int64_t ms);
char *stats_month_name(int month, char *buf, size_t len);

/* A count under a name (a branch, a category, a referral type), with the
 * response times of what it counted. */
struct stats_group {
	char key[ID_MAX + 1];
	int64_t n;		/* counted incidents (or referrals) */
	int64_t drills;		/* set apart, not in n */
	int64_t false_alarms;	/* set apart, not in n */
	struct stats_values ack_v, scene_v;
	struct stats_summary ack, scene;
};

struct stats_groups {
	struct stats_group *g;
	size_t n;
};

#define STATS_SEVERITIES 4
#define STATS_HOURS 24

struct stats {
	int64_t total;		/* counted: neither drills nor false alarms */
	int64_t drills;
	int64_t false_alarms;
	int64_t tests;		/* device tests while a branch was paused */
	int64_t open;		/* counted and still open */
	int64_t joined;		/* counted, with presses joined to them */
	int64_t related;	/* counted, that may be related to another */

	int64_t severity[STATS_SEVERITIES + 1]; /* [0]: unknown */
	int64_t hours[STATS_HOURS];
	int month_first;	/* first month of months[], see stats_month */
	int64_t *months;	/* per month, no gaps */
	size_t nmonths;
	struct stats_groups branches, categories, referrals;

	struct stats_values notify_v, ack_v, scene_v;
	struct stats_summary notify, ack, scene;
	int64_t not_acked;	/* counted, never acknowledged */

	int64_t escalated;	/* incidents escalated at least once */
	int64_t declined;	/* incidents a decline passed on */
	int64_t last_step;	/* ... whose escalation reached the last step */
	int64_t no_one;		/* incidents with a "no one available" */
	int64_t no_one_events;

	int64_t debriefs[SD_COUNT];
	int64_t actions_open;
	int64_t actions_overdue;	/* open and past their due date */
	int64_t referrals_total;
};

/* The month range [first, last] is always shown (zero months included);
 * -1 for either: only the months that have incidents decide. */
void stats_init(struct stats *, int month_first, int month_last);
void stats_add(struct stats *, const struct stats_fact *);
/* Compute the summaries and sort the groups: most first, then by name
 * (months stay in order). Call once, after the last stats_add. */
void stats_finish(struct stats *);
void stats_free(struct stats *);

#endif
