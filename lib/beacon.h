/*
 * Types shared by beacond's modules and the clients: the limits of the
 * protocol, incident states and the incident and event records.
 */
#ifndef BEACON_BEACON_H
#define BEACON_BEACON_H

#include <stddef.h>
#include <stdint.h>

#include "id.h"

#define BEACON_VERSION "0.1.0"

/* Protocol limits (docs/protocol.md). Lengths are in bytes, without NUL. */
#define PAYLOAD_MAX 16384 /* larger payloads are refused whole */
/* ID_MAX, report ids: 1-64 of A-Za-z0-9._:- (id.h) */
#define LOCATION_MAX 128  /* longer strings are truncated (UTF-8 safe) */
#define DEVICE_MAX 64
#define REPORTER_MAX 64
#define NOTE_MAX 512
#define DETAIL_MAX 512
/* Distinct locations, notes and devices an incident keeps (the first
 * report's first, then each joined press's), and incidents it may be
 * related to; more are on its timeline only. */
#define JOINED_MAX 8
#define RELATED_MAX 8

enum state {
	ST_RECEIVED = 0,
	ST_ROUTED,
	ST_ACKNOWLEDGED,
	ST_ON_SCENE,
	ST_RESOLVED,
	ST_REJECTED, /* only ever a report status, never an incident */
};
/* "received", "routed", ...; NULL when out of range. */
const char *state_name(int);
/* -1 when unknown. */
int state_from_name(const char *);
/* Open: received, routed, acknowledged or on_scene. */
int state_open(int);

/* How an incident turned out, read from what was recorded (no column of
 * its own): a device test (a "test" event: its branch was paused), a
 * report cancelled before anyone was notified ("cancelled"), one
 * cancelled after ("false_alarm"), a drill, or none of these ("real").
 * The first that applies wins, in that order. OUTCOME_UNKNOWN: not read
 * (only listings compute it). */
enum outcome {
	OUTCOME_UNKNOWN = 0,
	OUTCOME_REAL,
	OUTCOME_CANCELLED,
	OUTCOME_FALSE_ALARM,
	OUTCOME_DRILL,
	OUTCOME_TEST,
	OUTCOME_COUNT
};
/* "real", "cancelled", "false_alarm", "drill", "test"; NULL when unknown
 * or out of range. */
const char *outcome_name(int);
/* -1 when unknown. */
int outcome_from_name(const char *);

/* A report as decoded from beacon/report/{branch}. */
struct report {
	char id[ID_MAX + 1];
	char type[ID_MAX + 1];
	int severity; /* 0 when the report gave none */
	char location[LOCATION_MAX + 1];
	char device[DEVICE_MAX + 1];
	char reporter[REPORTER_MAX + 1];
	char note[NOTE_MAX + 1];
	int silent;
	int drill;
	unsigned shortened; /* REPORT_CUT_* of the fields cut to their limit;
			     * told to the reporter, never stored */
};
/* The fields of a report that are cut, not refused, when too long. */
#define REPORT_CUT_LOCATION 0x1
#define REPORT_CUT_NOTE 0x2
#define REPORT_CUT_DEVICE 0x4
#define REPORT_CUT_REPORTER 0x8

/* One incident: a row of the incidents table. */
struct incident {
	int64_t id;
	char branch[ID_MAX + 1];
	struct report r; /* r.severity is the effective severity */
	char policy[ID_MAX + 1];
	int state;
	int call_911;
	int notified;    /* responders notified so far (distinct) */
	int64_t created; /* ms since the epoch */
	int64_t updated;
	int step;        /* last step fired, -1 before the first */
	int64_t step_at; /* when that step fired */
	int64_t due_at;  /* next escalation deadline, -1 when none */
	int due_step;    /* step to fire at due_at (== step: a repeat) */
	char acked_by[ID_MAX + 1]; /* first responder to acknowledge, or "" */
	int nsteps;      /* steps of its policy when it was opened */
	int hold;        /* legal hold: never purged while set */
	int presses;     /* reports joined into it (1: the first alone) */
	/* Every distinct location, note and device reported, in order: a
	 * joined press adds to them, never replaces (alarms.h). */
	char locations[JOINED_MAX][LOCATION_MAX + 1];
	int nlocations;
	char notes[JOINED_MAX][NOTE_MAX + 1];
	int nnotes;
	char devices[JOINED_MAX][DEVICE_MAX + 1];
	int ndevices;
	/* Other open incidents of the same branch and category, reported
	 * within repeat_window but not joined: they may be the same event. */
	int64_t related[RELATED_MAX];
	int nrelated;
	int outcome;     /* enum outcome; listings only, else UNKNOWN */
	/* The latest change, for the incident topic; kept in memory only. */
	char last_kind[32];
	char last_by[ID_MAX + 1];
	int64_t last_ts;
};

/* One entry of an incident's timeline: a row of the events table. */
struct event {
	int64_t id;
	int64_t incident;
	int64_t ts;
	char kind[32];            /* "reported", "notified", "ack", ... */
	char actor[ID_MAX + 1];   /* responder or device id, or "" */
	int step;                 /* escalation step, or -1 */
	char detail[DETAIL_MAX + 1]; /* a human sentence, or "" */
	int64_t corrects;         /* the event this one corrects, or 0 */
};

/*
 * A debrief after an incident (docs/protocol.md, "Debriefs"): the wellbeing
 * debrief (whether it was offered and held, never what people said) and the
 * operational review. Each edit is a new revision; none is overwritten.
 */
#define DATE_MAX 10           /* "YYYY-MM-DD" */
#define DEBRIEF_LIST_MAX 16   /* notices, referrals, actions */

enum wellbeing {
	WB_UNSET = 0,
	WB_OFFERED,    /* offered, not yet held */
	WB_HELD,
	WB_DECLINED,   /* offered and declined */
	WB_NOT_OFFERED,
	WB_COUNT
};

enum route_ok { ROUTE_UNSET = 0, ROUTE_RIGHT, ROUTE_WRONG, ROUTE_COUNT };

enum action_status { AS_OPEN = 0, AS_DONE, AS_DROPPED, AS_COUNT };

struct debrief_action {		/* a corrective action */
	char what[NOTE_MAX + 1];
	char owner[ID_MAX + 1];
	char due[DATE_MAX + 1];
	int status;		/* enum action_status */
};

struct debrief_referral {	/* referrals to community partners, by type */
	char type[ID_MAX + 1];	/* one of the configured referral types */
	int count;		/* >= 1 */
};

struct debrief {
	int64_t incident;
	/* Set by beacond when it records the revision. */
	int revision;		/* 1, 2, ... */
	char author[ID_MAX + 1];
	int64_t ts;

	/* Wellbeing debrief. */
	int wb;				/* enum wellbeing */
	int64_t wb_at;			/* when held or offered (ms); 0 unknown */
	char wb_facilitator[ID_MAX + 1]; /* the facilitator's role */
	int wb_participants;
	char wb_follow_up[DATE_MAX + 1]; /* date of the follow-up check */
	char wb_support[ID_MAX + 1];	 /* support referred, e.g. "eap" */

	/* Operational review. */
	int route;			/* enum route_ok */
	char route_note[NOTE_MAX + 1];
	char went_well[NOTE_MAX + 1];
	char to_improve[NOTE_MAX + 1];
	char training[NOTE_MAX + 1];	/* training needs */
	char notices[DEBRIEF_LIST_MAX][ID_MAX + 1]; /* "trespass", ... */
	size_t nnotices;
	struct debrief_referral referrals[DEBRIEF_LIST_MAX];
	size_t nreferrals;
	struct debrief_action actions[DEBRIEF_LIST_MAX];
	size_t nactions;
};

/* Corrective actions still open in d. */
int debrief_open_actions(const struct debrief *d);
const char *wellbeing_name(int);	/* "held", ...; NULL out of range */
int wellbeing_from_name(const char *);	/* -1 when unknown */
const char *route_name(int);		/* "", "right", "wrong" */
int route_from_name(const char *);
const char *action_status_name(int);	/* "open", "done", "dropped" */
int action_status_from_name(const char *);
/* 1 if s is a valid calendar date "YYYY-MM-DD". */
int date_valid(const char *s);

/*
 * A branch device (report button, desk page, responder app) as beacond
 * knows it from its presence on beacon/device/{branch}/{device}
 * (docs/protocol.md, "Devices").
 */
#define DEVKIND_MAX 16

struct device {
	int64_t id;		/* row id; the device's timer key */
	char branch[ID_MAX + 1];
	char device[ID_MAX + 1];
	char kind[DEVKIND_MAX + 1]; /* "button", "report_page", ... */
	int online;
	int64_t last_seen;	/* last presence or self-test (ms) */
	int64_t since;		/* when it went online or offline */
	int64_t due_at;		/* when its absence is reported; -1 none */
	int flagged;		/* its absence was reported */
	int64_t selftest_at;	/* last self-test received; 0 never */
	int64_t rtt_ms;		/* its last round trip; -1 unknown */
};

/* What a device says of itself: {"state", "kind", "ts"}. */
struct presence {
	int online;
	char kind[DEVKIND_MAX + 1];
	int64_t ts;
};

/* A self-test: {"id", "ts", "last_rtt_ms"?}. */
struct selftest {
	char id[ID_MAX + 1];
	int64_t ts;
	int64_t last_rtt_ms;	/* -1 when absent */
};

/* Copy src into dst of size dstlen, cutting on a UTF-8 boundary. */
void strlcpy_utf8(char *dst, const char *src, size_t dstlen);
/* "the " before a role's label in a sentence ("the crisis worker did not
 * answer"), "" before one that names a service or a group ("security",
 * "emergency dispatch", "branch staff") or a proper name. */
const char *role_article(const char *label);

#endif
