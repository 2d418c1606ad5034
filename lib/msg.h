/*
 * Every JSON payload of the protocol, both ways: lib/msg_*.c, one file per
 * topic family, sharing lib/msg_int.h; they are the only users of
 * jansson. Encoders return a newly allocated compact JSON string that the
 * caller frees. Decoders validate with json_unpack_ex, ignore unknown keys,
 * and on error write a sentence naming the field into err.
 */
#ifndef BEACON_MSG_H
#define BEACON_MSG_H

#include "i18n.h"
#include "beacon.h"

enum action {
	ACT_ACK = 0,
	ACT_DECLINE,
	ACT_ARRIVED,
	ACT_RESOLVE,
	ACT_BACKUP,
	ACT_COUNT
};
const char *msg_action_name(int); /* "ack", ...; NULL when out of range */
int msg_action_from_name(const char *); /* -1 when unknown */

/* Decoder results. */
#define MSG_OK 0
#define MSG_NOID (-1) /* not JSON, too big, or no usable id: no reply topic */
#define MSG_BAD (-2)  /* has a usable id but a bad field: reply "rejected" */

/*
 * A JSON object built a member at a time (the on-call answers, the
 * beacon/config payloads, the command line's own outputs). A NULL string
 * is stored as "".
 */
struct msg_doc;
struct msg_doc *msg_doc_new(void);
void msg_doc_str(struct msg_doc *, const char *key, const char *v);
void msg_doc_int(struct msg_doc *, const char *key, int64_t v);
void msg_doc_bool(struct msg_doc *, const char *key, int v);
void msg_doc_null(struct msg_doc *, const char *key);
void msg_doc_time(struct msg_doc *, const char *key, int64_t ms);
/* Append a string (NULL: only make sure the array exists) or an object
 * (taken over) to the array key. */
void msg_doc_push_str(struct msg_doc *, const char *key, const char *v);
void msg_doc_push(struct msg_doc *, const char *key, struct msg_doc *);
/* Encode (compact, one line) and free it; the caller frees the text. */
char *msg_doc_finish(struct msg_doc *);

/* beacon/report/{branch}. On MSG_BAD, r->id holds the usable id. */
int msg_report_decode(const void *payload, size_t len, struct report *r,
    char *err, size_t errlen);
char *msg_report_encode(const struct report *);
/* "location shortened to 128 bytes, ..." for the REPORT_CUT_* bits; "" for
 * none. */
void msg_shortened_text(unsigned bits, char *buf, size_t len);
/* The same in lang (NULL: English). */
void msg_shortened_text_in(unsigned bits, const char *lang, char *buf,
    size_t len);

/* beacon/respond/{responder} */
struct respond {
	int64_t incident;
	int action;
	char note[NOTE_MAX + 1];
	char role[ID_MAX + 1]; /* backup: the role asked for; "" next step */
	char via[16];	/* how it was answered ("push": an action link), or "" */
};
int msg_respond_decode(const void *payload, size_t len, struct respond *,
    char *err, size_t errlen);
char *msg_respond_encode(const struct respond *);

/* beacon/status/{branch}/{report id} */
#define STATUS_ACKS 8	/* acknowledgments and awaited roles listed */
#define LABEL_MAX 128
struct status {
	char report[ID_MAX + 1];
	int64_t incident; /* 0 when none (rejected) */
	int state;
	char by[ID_MAX + 1];
	char by_role[ID_MAX + 1];
	int notified;
	int call_911;		/* encoded false for a drill, which says */
	int would_call_911;	/* this instead */
	int drill;
	int silent;
	unsigned shortened;	/* REPORT_CUT_*: fields of the report cut */
	char message[DETAIL_MAX + 1];
	char error[DETAIL_MAX + 1];
	int64_t ts;
	int presses;		/* shown when > 1: reports joined to it */
	int64_t cancel_until;	/* the report may be cancelled until then
				 * with nothing sent; 0: no window */
	/* Who has acknowledged, the required roles still awaited, and what
	 * to do when nobody could be reached (docs/protocol.md, "What the
	 * reporter reads"); encoded only when set. */
	struct status_ack {
		char by[ID_MAX + 1];
		char role[ID_MAX + 1];
		char label[LABEL_MAX + 1];	/* the role's label */
		char name[LABEL_MAX + 1];	/* the responder's name */
	} acked[STATUS_ACKS];
	size_t nacked;
	char awaiting[STATUS_ACKS][ID_MAX + 1];
	size_t nawaiting;
	char instruction[DETAIL_MAX + 1];
	/* The incidents this one may be related to (encoded when any). */
	int64_t related[RELATED_MAX];
	int nrelated;
	/* While an open incident is past its first step: the step now
	 * called (from 0; 0: none), when it fired, and, by role label, who
	 * it calls, who of the earlier steps declined and who did not
	 * answer. Encoded only when step > 0. */
	struct status_escalation {
		int step;
		int64_t at;
		char called[STATUS_ACKS][LABEL_MAX + 1];
		size_t ncalled;
		char declined[STATUS_ACKS][LABEL_MAX + 1];
		size_t ndeclined;
		char unanswered[STATUS_ACKS][LABEL_MAX + 1];
		size_t nunanswered;
	} esc;
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
	const char *backup_by;   /* a backup request: who asked, or NULL */
	const char *backup_note;
	const char *lang;	/* the responder's language (its texts and
				 * label are in it: "lang"); NULL: English */
};
char *msg_notify_encode(const struct notify *);
/* A step's notification as the record keeps it: what makes it again with
 * the incident (role, step, repeat, ts), not its text. decode: 1 when p is
 * one (role, step, repeat and ts filled in), else 0. */
char *msg_notify_recipe(const struct notify *);
int msg_notify_recipe_decode(const char *p, char *role, size_t rolelen,
    int *step, int *repeat, int64_t *ts);
/* What a notification of a silent report tells the responder ("advice"). */
#define MSG_SILENT_ADVICE N_("Silent alarm: do not call the reporting " \
	"desk back; approach discreetly.")
/* The same sent again after a repeated press, with "update": what changed
 * ("location", "severity"). */
char *msg_notify_update_encode(const struct notify *, const char *update);
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
int msg_event_decode(const void *payload, size_t len, struct event *,
    char *err, size_t errlen);

/* beacon/error/{branch|responder}: {"error", "topic", "report"?,
 * "incident"?, "ts"}. report may be NULL, incident 0. */
char *msg_error_encode(const char *error, const char *topic,
    const char *report, int64_t incident, int64_t ts);
int msg_error_decode(const void *payload, size_t len, char *error,
    size_t errlen, int64_t *incident);

/* ---- debriefs -------------------------------------------------------
 * The debrief record (docs/protocol.md, "Debriefs"). decode validates
 * every field (dates, enums, counts, list sizes); the referral types are
 * checked by the caller against the configuration. revision, author and
 * ts are read when present (a stored revision) and ignored otherwise.
 */
char *msg_debrief_encode(const struct debrief *);
int msg_debrief_decode(const void *payload, size_t len, struct debrief *,
    char *err, size_t errlen);
/* The parts that differ, "wellbeing.status, review.actions", or "" when
 * none. */
void msg_debrief_diff(const struct debrief *old, const struct debrief *new,
    char *buf, size_t len);

/* beacon/notify/{responder} about a debrief: {"kind": "debrief_due" |
 * "debrief_reminder" | "debrief_overdue", "incident", "report", "branch",
 * "type", "label", "drill", "due", "message", "ts"}. */
/* A notice about an incident on beacon/notify/{responder} that is not a
 * call to come: "stand_down" (reason "taken" or "false_alarm", by whom)
 * or "reminder" (acknowledged, not yet on scene). NULL strings are left
 * out. */
struct notice {
	const struct incident *inc;
	const char *kind;
	const char *label;	/* the category's label */
	const char *reason;
	const char *by;
	const char *by_role;
	const char *by_label;
	const char *message;
	int64_t ts;
	const char *lang;	/* as struct notify's */
};
char *msg_notice_encode(const struct notice *);

char *msg_debrief_notice_encode(const struct incident *, const char *kind,
    const char *label, int64_t due, const char *message, const char *lang,
    int64_t ts);

/* ---- supervisor requests ----------------------------------------------
 * beacon/query/{responder}: {"method": "...", ...}. Replies go to the MQTT
 * v5 response topic with the request's correlation data.
 */
enum query_method {
	Q_INCIDENTS = 0,	/* filter fields below */
	Q_TIMELINE,		/* incident */
	Q_DEBRIEF,		/* incident; all: every revision */
	Q_RECORD,		/* debrief: record a revision */
	Q_HOLD,			/* incident, hold */
	Q_CORRECT,		/* incident, event, note */
	Q_PURGE,		/* dry_run */
	Q_MODE,			/* branch, mode; until, or stop */
	Q_COUNT
};
const char *msg_query_method_name(int);

struct query {
	int method;
	int64_t incident;
	int64_t event;
	int all;
	int hold;
	int dry_run;
	char note[NOTE_MAX + 1];
	/* Q_INCIDENTS: the filter (store.h's struct incident_filter), with
	 * its strings held here. */
	int64_t since, until;
	char branch[ID_MAX + 1], type[ID_MAX + 1], responder[ID_MAX + 1];
	int severity, state, open, drill, limit;
	int outcome;		/* enum outcome; OUTCOME_UNKNOWN: any */
	struct debrief debrief; /* Q_RECORD */
	char mode[16];		/* Q_MODE: "drill" or "pause" */
	int stop;		/* Q_MODE: end it now */
};
/* Fills q; unset filter fields are 0/"" (state and drill: -1). */
int msg_query_decode(const void *payload, size_t len, struct query *,
    char *err, size_t errlen);
char *msg_query_encode(const struct query *);

/*
 * A reply: {"ok": true, "method", "<key>": [items...], ...extra} or
 * {"ok": false, "method", "error"}. Items are JSON texts (from the
 * encoders above), taken over by the reply.
 */
struct msg_reply;
struct msg_reply *msg_reply_new(int method);
/* Append an item (a JSON text, freed by the reply) to the array key;
 * a NULL item only makes sure the array exists. */
void msg_reply_add(struct msg_reply *, const char *key, char *item);
/* Set key to one JSON text (freed by the reply). */
void msg_reply_set_json(struct msg_reply *, const char *key, char *item);
void msg_reply_set_int(struct msg_reply *, const char *key, int64_t v);
void msg_reply_set_str(struct msg_reply *, const char *key, const char *v);
void msg_reply_set_bool(struct msg_reply *, const char *key, int v);
/* An RFC 3339 time stamp from ms since the epoch. */
void msg_reply_set_time(struct msg_reply *, const char *key, int64_t ms);
/* Encode (ok unless error is set) and free the reply. */
char *msg_reply_finish(struct msg_reply *, const char *error);

/*
 * Answers in parts. A request may carry "chunk": N (bytes, from
 * MSG_CHUNK_MIN to MSG_CHUNK_MAX): its answer then comes as parts of
 * about N bytes each, all to its response topic with its correlation
 * data, in order: its longest array shared out among them, its other
 * members in each, and "part" (from 1), "parts" (how many) and "split"
 * (the name of the array shared out). A browser
 * behind mosquitto's websockets asks for it: a large message there takes
 * seconds where several small ones take milliseconds.
 */
#define MSG_CHUNK_MIN 1024
#define MSG_CHUNK_MAX 1048576
/* The request's "chunk" into *chunk (0: none): 0, or -1 with err. */
int msg_request_chunk(const void *payload, size_t len, size_t *chunk,
    char *err, size_t errlen);
/* Cut answer (taken over) into parts of about chunk bytes; returns how
 * many, in *parts (the caller frees each and the array). An answer that
 * fits, or that has no array, is the one part, as it was. */
size_t msg_reply_split(char *answer, size_t chunk, char ***parts);

/* Walk a reply: cb gets each item of the array key as a JSON text.
 * Returns 0 when ok, MSG_BAD with the server's error in err, MSG_NOID
 * when it is not a reply. */
typedef int (*msg_item_cb)(const char *json, size_t len, void *arg);
int msg_reply_decode(const void *payload, size_t len, const char *key,
    msg_item_cb cb, void *arg, char *err, size_t errlen);
/* An integer field of a reply (e.g. "revision"); -1 when absent. */
int64_t msg_reply_int(const void *payload, size_t len, const char *key);

/* beacon/daemon/status: {"state": "online", "version", "ts"} */
char *msg_daemon_encode(const char *state, int64_t ts);
/* The same while beacond cannot write its database: {"state": "degraded",
 * "version", "reason", "since", "backlog": inputs kept in memory, "ts"}. */
char *msg_daemon_degraded_encode(const char *reason, int64_t since,
    size_t backlog, int64_t ts);
/* beacon/notify/{admin}: {"kind": "daemon_degraded" | "daemon_recovered",
 * "message", "ts"}. */
char *msg_admin_notice_encode(const char *kind, const char *message,
    int64_t ts);
/* state: "online" or "offline" (a buffer of 16). */
int msg_daemon_decode(const void *payload, size_t len, char *state,
    int64_t *ts, char *err, size_t errlen);

/* beacon/daemon/standby/{instance} (retained): a pair's instance, as
 * msg_daemon_encode, with "note" when not NULL (what a "gap" is). */
char *msg_standby_encode(const char *state, const char *note, int64_t ts);
/* Its note: 0 and the note, or -1 when it has none. */
int msg_standby_note(const void *payload, size_t len, char *note,
    size_t notelen);

/*
 * beacon/daemon/leader (retained): the lease of a standby pair's active
 * instance (docs/deployment.md). {"instance", "term": which lease, counted
 * up by each takeover, "lease": seconds, "expires", "ts"}.
 */
struct lease {
	char instance[ID_MAX + 1];
	int64_t term;
	int lease;		/* seconds */
	int64_t expires;	/* ms, by the holder's clock */
	int64_t ts;
};
char *msg_lease_encode(const struct lease *);
int msg_lease_decode(const void *payload, size_t len, struct lease *,
    char *err, size_t errlen);

/*
 * beacon/daemon/heartbeat (retained), every `heartbeat` seconds from the
 * loop: beacond runs, how many incidents are open, and the devices whose
 * absence it has reported (the first HEARTBEAT_LISTED of them by name).
 */
#define HEARTBEAT_LISTED DEBRIEF_LIST_MAX
struct heartbeat {
	int64_t ts;
	int64_t started;	/* when this beacond started */
	int interval;		/* seconds to the next heartbeat */
	int64_t open;		/* open incidents */
	int offline;		/* devices reported offline, all of them */
	size_t nlisted;
	struct device listed[HEARTBEAT_LISTED];
};
char *msg_heartbeat_encode(const struct heartbeat *);
int msg_heartbeat_decode(const void *payload, size_t len, struct heartbeat *,
    char *err, size_t errlen);

/* ---- devices (beacond's side) -----------------------------------------
 * docs/protocol.md, "Devices". Presence and self-tests are decoded with
 * errors that name the field; the rest are encoders.
 */
int msg_presence_decode(const void *payload, size_t len, struct presence *,
    char *err, size_t errlen);
int msg_selftest_decode(const void *payload, size_t len, struct selftest *,
    char *err, size_t errlen);
/* beacon/selftest/{branch}/{device}/result: {"id", "ok": true, "ts"} */
char *msg_selftest_result_encode(const char *id, int64_t ts);
/* beacon/notify/{responder} about a device: {"kind": "device_offline" |
 * "device_back", "branch", "device", "device_kind", "since", "message",
 * "ts"}. */
char *msg_device_notice_encode(const struct device *, const char *kind,
    const char *message, const char *lang, int64_t ts);
/* beacon/config/{branch}: {"branch", "name", "timezone", "language" (when
 * set), "buttons": [{"type", "label", "labels", "severity"}...], "ts"}.
 * Build with _new, add the buttons, then _finish (the caller frees the
 * text). labels: a label per language, by i18n_index ([0] English; NULL:
 * none); "label" is the one in the branch's language. */
struct msg_doc *msg_config_new(const char *branch, const char *name,
    const char *timezone, const char *language);
void msg_config_button(struct msg_doc *, const char *type, const char *label,
    const char *const *labels, int severity);
char *msg_config_finish(struct msg_doc *, int64_t ts);
/* beacon/config/_library: what the pages check ids against and name them
 * by: {"branches": [{"branch", "name", "timezone", "language"}],
 * "categories": [{"type", "label", "labels", "severity"}], "responders":
 * [{"id", "role", "label", "labels", "language"}], "ts"}: ids, labels and
 * languages ("language" only where set), nothing personal. Finished with
 * msg_config_finish. */
struct msg_doc *msg_library_new(void);
void msg_library_branch(struct msg_doc *, const char *id, const char *name,
    const char *timezone, const char *language);
void msg_library_category(struct msg_doc *, const char *type,
    const char *label, const char *const *labels, int severity);
void msg_library_responder(struct msg_doc *, const char *id,
    const char *role, const char *label, const char *const *labels,
    const char *language);
/* "webpush": {"public_key"}: the VAPID key the app subscribes with. */
void msg_library_webpush(struct msg_doc *, const char *public_key);

/* ---- push --------------------------------------------------------------
 * A notification (beacon/notify/{responder}: an incident, a debrief or a
 * device notice) as a JSON publish request in ntfy's format:
 * {"topic", "title", "message", "priority", "tags"} (docs/configuration.md,
 * "push").
 */
struct push_note {
	int64_t incident;		/* 0 when the notice names none */
	char kind[32];			/* "incident" when absent */
	char branch[ID_MAX + 1];
	char type[ID_MAX + 1];
	char label[128];		/* the category's label, or "" */
	char device[ID_MAX + 1];	/* a device notice's device, or "" */
	int severity;			/* 1..4; 0 when the notice has none */
	char location[LOCATION_MAX + 1];
	char note[NOTE_MAX + 1];
	char message[DETAIL_MAX + 1];	/* a notice's sentence, or "" */
	int step;			/* from 0; -1 when none */
	int repeat;
	int drill, silent, call_911, would_call_911;
	/* Every location and note reported, the first ones first, and the
	 * incidents it may be related to (Repeated presses). */
	char locations[JOINED_MAX][LOCATION_MAX + 1];
	int nlocations;
	char notes[JOINED_MAX][NOTE_MAX + 1];
	int nnotes;
	int64_t related[RELATED_MAX];
	int nrelated;
	char lang[8];			/* its texts' language ("lang"), or "" */
};
/* Read a notification's payload; unknown kinds are kept as they are. */
int msg_push_decode(const void *payload, size_t len, struct push_note *,
    char *err, size_t errlen);
/* ntfy's priority, 5 (max) to 1 (min): severity 1 -> 5, 2 -> 4, 3 -> 3,
 * 4 -> 2; debrief and device notices have their own. */
int msg_push_priority(const struct push_note *);
/* The language of its texts: "lang", or NULL (English). */
const char *msg_push_lang(const struct push_note *);
/* Where a push's taps lead: click opens the app at the incident; ack and
 * decline are signed action links (POST). Any may be NULL. */
struct push_links {
	const char *click;
	const char *ack;
	const char *decline;
};
/* The request body. topic is ntfy's topic (the responder id); place names
 * the branch for people ("Central Library"; NULL: the branch id); with
 * links, click becomes "click" and a "view" action, ack and decline ntfy
 * "http" actions that POST. The caller frees. */
char *msg_push_encode(const struct push_note *, const char *topic,
    const char *place, const struct push_links *);
/* Whether a notice asks for an answer (acknowledge or decline). */
int msg_push_asks(const struct push_note *);
/* The plaintext of a Web Push message for the service worker
 * (docs/protocol.md, "Web Push"): the same title and body as the ntfy
 * push, the incident as tag, and the actions. The caller frees. */
char *msg_webpush_encode(const struct push_note *, const char *place,
    const struct push_links *);

/* ---- Web Push subscriptions -------------------------------------------
 * beacon/push/{responder}: {"device": "phone-a", "subscription":
 * {"endpoint", "keys": {"p256dh", "auth"}}}; a null subscription removes
 * the device's. Answered on beacon/reply/{responder}/push.
 */
#define ENDPOINT_MAX 1024
struct pushsub {
	char device[ID_MAX + 1];
	int remove;			/* subscription: null */
	char endpoint[ENDPOINT_MAX + 1];
	char p256dh[128];		/* base64url, as sent */
	char auth[64];
};
int msg_pushsub_decode(const void *payload, size_t len, struct pushsub *,
    char *err, size_t errlen);
char *msg_pushsub_encode(const struct pushsub *);
/* {"ok": true, "device", "subscriptions": n} or {"ok": false, "device",
 * "error"} when error is not NULL. */
char *msg_pushsub_reply(const char *device, int n, const char *error);

/* The answer to POST /a/{token}: {"ok": true, "incident", "action",
 * "responder", "repeat", "message"} or {"ok": false, ..., "error"}. */
struct link_answer {
	int64_t incident;	/* 0: not known */
	const char *action;	/* NULL: not known */
	const char *responder;
	int repeat;
	const char *message;
};
char *msg_link_answer(int ok, const struct link_answer *);

/* ---- devices (clients' side) ------------------------------------------
 * beacon/device/{branch}/{device}: {"state": "online" | "offline", "kind",
 * "ts"}; ts 0 leaves it out (the will, composed long before it is sent).
 */
char *msg_presence_encode(const char *state, const char *kind, int64_t ts);
/* beacon/selftest/{branch}/{device}: {"id", "ts", "last_rtt_ms"}; a
 * negative last_rtt_ms leaves it out. */
char *msg_selftest_encode(const char *id, int64_t ts, int64_t last_rtt_ms);
/* The id of a beacon/selftest/.../result: MSG_OK when "ok" is true,
 * MSG_BAD when it is not (id still filled), MSG_NOID without an id. */
int msg_selftest_result_decode(const void *payload, size_t len, char *id,
    size_t idlen);

/* ---- phones (beacon enroll) -------------------------------------------
 * Supervisor requests on beacon/query/{responder} with their own methods:
 * "enroll" hands beacond a device's broker account {"responder", "device",
 * "username", "password"} for a one-time claim (the reply's "code");
 * "enroll_revoke" {"responder", "device"} forgets an unclaimed one. The
 * claim (POST /e/{code}) answers {"username", "password", "responder",
 * "device"}.
 */
#define ENROLL_SECRET_MAX 64
enum { ENROLL_ADD = 0, ENROLL_REVOKE, ENROLL_COUNT };
struct enroll_req {
	int method;
	char responder[ID_MAX + 1];
	char device[ID_MAX + 1];
	char username[2 * ID_MAX + 2];	/* responder@device */
	char password[ENROLL_SECRET_MAX + 1];
};
const char *msg_enroll_method_name(int);
/* MSG_OK; MSG_NOID when the payload is no enroll request; MSG_BAD with
 * err naming the field. */
int msg_enroll_decode(const void *, size_t, struct enroll_req *,
    char *err, size_t errlen);
char *msg_enroll_encode(const struct enroll_req *);
/* The claim's answer, with the credential. */
char *msg_enroll_claimed(const struct enroll_req *);
/* {"ok": false, "error": error} */
char *msg_enroll_error(const char *error);

/* ---- on duty (beacon oncall) --------------------------------------------
 * Supervisor requests on beacon/query/{responder} with their own methods:
 * "oncall" (who is on duty at a branch, now or at), "oncall_set" and
 * "oncall_clear" (run-time overrides), "oncall_log" (their timeline). */
enum { ONCALL_SHOW = 0, ONCALL_SET, ONCALL_CLEAR, ONCALL_LOG, ONCALL_COUNT };
struct oncall_req {
	int method;
	char branch[ID_MAX + 1];	/* "": every branch (show, clear) */
	char responder[ID_MAX + 1];
	/* Times as given: "HH:MM", "YYYY-MM-DDTHH:MM" (the branch's local
	 * time) or RFC 3339; beacond resolves them with its clock. */
	char at[40], from[40], until[40];
	int off;			/* set: off duty instead of on */
	char note[NOTE_MAX + 1];
	int64_t since;			/* log: from (ms); 0: all */
};
const char *msg_oncall_method_name(int);
/* MSG_OK; MSG_NOID when the payload is no on-call request (not JSON, or
 * another method); MSG_BAD with err naming the field. */
int msg_oncall_decode(const void *, size_t, struct oncall_req *,
    char *err, size_t errlen);
char *msg_oncall_encode(const struct oncall_req *);

/* ---- the supervisor console --------------------------------------------
 * Reads on beacon/query/{responder} for the console page: "console" (the
 * account, its branches and the labels the page needs), "board" (open
 * incidents with who was called and how each answered; or one incident),
 * "debriefs_due", "devices" and "modes" (drill or pause in force).
 */
enum { CONSOLE_INFO = 0, CONSOLE_BOARD, CONSOLE_DEBRIEFS, CONSOLE_DEVICES,
	CONSOLE_MODES, CONSOLE_COUNT };
struct console_req {
	int method;
	char branch[ID_MAX + 1];	/* "": every branch the account covers */
	int64_t incident;		/* board: only this one; 0: every open */
};
const char *msg_console_method_name(int);
/* MSG_OK; MSG_NOID when the payload is no console request; MSG_BAD with
 * err naming the field. */
int msg_console_decode(const void *, size_t, struct console_req *,
    char *err, size_t errlen);

/* ---- the board report's link (report_link) ------------------------------
 * A supervisor request on beacon/query/{responder}: {"method":
 * "report_link", "since", "until" (RFC 3339), "branch"}, each optional.
 * beacond answers with a link to GET /r/{token} on its listener.
 */
struct report_link_req {
	int method;			/* 0: the only one */
	int64_t since, until;		/* ms; 0: not given */
	char branch[ID_MAX + 1];	/* "": every branch */
};
/* MSG_OK; MSG_NOID when the payload is no report_link request (not JSON,
 * or another method); MSG_BAD with err naming the field. */
int msg_report_link_decode(const void *, size_t, struct report_link_req *,
    char *err, size_t errlen);
char *msg_report_link_encode(const struct report_link_req *);

/* The string key of a reply, or NULL; the caller frees it. */
char *msg_reply_str(const void *payload, size_t len, const char *key);
/* ---- alarms that are not real -----------------------------------------
 * A reporter cancels its report on beacon/report/{branch} with
 * {"id": <report id>, "cancel": true}.
 */
/* 1 when the payload is such a cancel (id filled), else 0. */
int msg_cancel_decode(const void *payload, size_t len, char *id,
    size_t idlen);
/* The cancel the command line and the report page send. */
char *msg_cancel_encode(const char *id, const char *device,
    const char *reporter);

/* ---- the clients' own outputs (msg_cli.c) ------------------------------
 * What only `beacon` prints, never read back by a program.
 */
/* A device, for `beacon devices --json`. */
char *msg_device_encode(const struct device *);
/* An export record or a replay line: {"record": record} (none when NULL)
 * followed by the members of json, an object text from an encoder (none
 * when NULL); add members and finish it as any msg_doc. */
struct msg_doc *msg_doc_record(const char *record, const char *json);

#endif
