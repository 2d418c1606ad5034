/*
 * Types shared by beacond's modules and the clients: the limits of the
 * protocol, incident states and the incident and event records.
 */
#ifndef BEACON_BEACON_H
#define BEACON_BEACON_H

#include <stddef.h>
#include <stdint.h>

#define BEACON_VERSION "0.1.0"

/* Protocol limits (docs/protocol.md). Lengths are in bytes, without NUL. */
#define PAYLOAD_MAX 16384 /* larger payloads are refused whole */
#define ID_MAX 64         /* report ids: 1-64 of A-Za-z0-9._:- */
#define LOCATION_MAX 128  /* longer strings are truncated (UTF-8 safe) */
#define DEVICE_MAX 64
#define REPORTER_MAX 64
#define NOTE_MAX 512
#define DETAIL_MAX 512

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
};

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
};

/* Copy src into dst of size dstlen, cutting on a UTF-8 boundary. */
void strlcpy_utf8(char *dst, const char *src, size_t dstlen);
/* 1 if s is 1..ID_MAX characters of A-Za-z0-9._:- */
int id_valid(const char *s);

#endif
