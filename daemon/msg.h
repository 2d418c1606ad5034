/*
 * Every JSON payload of the protocol, both ways (msg.c is the only user of
 * jansson). Encoders return a newly allocated compact JSON string that the
 * caller frees. Decoders validate with json_unpack_ex, ignore unknown keys,
 * and on error write a sentence naming the field into err.
 */
#ifndef BEACON_MSG_H
#define BEACON_MSG_H

#include "beacon.h"

enum action {
	ACT_ACK = 0,
	ACT_DECLINE,
	ACT_ARRIVED,
	ACT_RESOLVE,
	ACT_COUNT
};
const char *action_name(int); /* "ack", ...; NULL when out of range */
int action_from_name(const char *); /* -1 when unknown */

/* Decoder results. */
#define MSG_OK 0
#define MSG_NOID (-1) /* not JSON, too big, or no usable id: no reply topic */
#define MSG_BAD (-2)  /* has a usable id but a bad field: reply "rejected" */

/* beacon/report/{branch}. On MSG_BAD, r->id holds the usable id. */
int msg_report_decode(const void *payload, size_t len, struct report *r,
    char *err, size_t errlen);
char *msg_report_encode(const struct report *);

/* beacon/respond/{responder} */
struct respond {
	int64_t incident;
	int action;
	char note[NOTE_MAX + 1];
};
int msg_respond_decode(const void *payload, size_t len, struct respond *,
    char *err, size_t errlen);
char *msg_respond_encode(const struct respond *);

/* beacon/status/{branch}/{report id} */
struct status {
	char report[ID_MAX + 1];
	int64_t incident; /* 0 when none (rejected) */
	int state;
	char by[ID_MAX + 1];
	char by_role[ID_MAX + 1];
	int notified;
	int call_911;
	int drill;
	int silent;
	char message[DETAIL_MAX + 1];
	char error[DETAIL_MAX + 1];
	int64_t ts;
};
char *msg_status_encode(const struct status *);
int msg_status_decode(const void *payload, size_t len, struct status *,
    char *err, size_t errlen);

/* beacon/notify/{responder} */
struct notify {
	const struct incident *inc;
	const char *label; /* the category's label */
	const char *role;  /* the responder's role id */
	int step;
	int repeat;        /* 0 first notice, n: the n-th repeat */
	int64_t ts;
};
char *msg_notify_encode(const struct notify *);
/* Decodes into inc (fields present in a notification) and role. */
int msg_notify_decode(const void *payload, size_t len, struct incident *inc,
    char *role, size_t rolelen, char *err, size_t errlen);

/* beacon/incident/{incident}: the incident's current state; also the
 * JSON form of `beacon incidents --json`. */
char *msg_incident_encode(const struct incident *);
int msg_incident_decode(const void *payload, size_t len, struct incident *,
    char *err, size_t errlen);

/* One timeline event, for `beacon timeline --json`. */
char *msg_event_encode(const struct event *);

/* beacon/error/{branch|responder}: {"error", "topic", "report"?,
 * "incident"?, "ts"}. report may be NULL, incident 0. */
char *msg_error_encode(const char *error, const char *topic,
    const char *report, int64_t incident, int64_t ts);
int msg_error_decode(const void *payload, size_t len, char *error,
    size_t errlen, int64_t *incident);

/* beacon/daemon/status: {"state": "online", "version", "ts"} */
char *msg_daemon_encode(const char *state, int64_t ts);

#endif
