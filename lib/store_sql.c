/*
 * The statements of the store, prepared once at open (store_prepare) and
 * reset after every step.
 */
#include <stddef.h>

#include "store_int.h"

/* The column order store_row_incident() reads. */
#define INCIDENT_COLUMNS                                                       \
	"id, branch, report_id, type, severity, location, device, reporter, "  \
	"note, silent, drill, policy, state, call_911, notified, created, "    \
	"updated, step, step_at, due_at, due_step, acked_by, nsteps, hold, "   \
	"presses, locations, notes, devices, related"
#define DEVICE_COLUMNS                                                         \
	"id, branch, device, kind, online, last_seen, since, due_at, "        \
	"flagged, selftest_at, rtt_ms"
/* The projection's and the rebuild's upsert of an incident: a row there
 * already takes only what store_incident_update writes. */
#define INCIDENT_UPSERT                                                        \
	"ON CONFLICT (id) DO UPDATE SET state = excluded.state, "              \
	"call_911 = excluded.call_911, notified = excluded.notified, "        \
	"updated = excluded.updated, step = excluded.step, "                  \
	"step_at = excluded.step_at, due_at = excluded.due_at, "              \
	"due_step = excluded.due_step, acked_by = excluded.acked_by"
/* A record's incident and notifications in one statement (store_record.c):
 * the incident's row as S_RECORD_INCIDENT sets it (?1..?29, the event
 * ?30), then each notification appended as S_RECORD_OUTBOX appends it:
 * its id, responder, topic, payload or recipe, and created. */
#define RECORD_WITH                                                            \
	"UPDATE events SET record = json_set(coalesce(record, '{\"o\":[]}'), " \
	"'$.i', json_array(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, " \
	"?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, "    \
	"?26, ?27, ?28, ?29)"
#define RECORD_OUT(a, b, c, d, e)                                              \
	"'$.o[#]', json_array(?" #a ", ?" #b ", ?" #c ", ?" #d ", ?" #e ")"
#define EVENT_COLUMNS "id, incident, ts, kind, actor, step, detail, corrects"
/* An incident's enum outcome (beacon.h), read from its timeline and its
 * drill flag: test 5, cancelled 2, false_alarm 3, drill 4, else real 1. */
#define OUTCOME_OF_INCIDENT                                                    \
	"coalesce((SELECT CASE WHEN max(kind = 'test') THEN 5"                 \
	" WHEN max(kind = 'cancelled') THEN 2"                                 \
	" WHEN max(kind = 'false_alarm') THEN 3 END FROM events"               \
	" WHERE incident = incidents.id"                                       \
	" AND kind IN ('test', 'cancelled', 'false_alarm')),"                  \
	" CASE WHEN drill THEN 4 ELSE 1 END)"

const struct store_statement store_sql[S_COUNT] = {
	[S_BEGIN] = { "BEGIN IMMEDIATE", 1 },
	/* Read-only: a consistent snapshot for a report over several reads. */
	[S_BEGIN_READ] = { "BEGIN DEFERRED", 0 },
	[S_COMMIT] = { "COMMIT", 0 },
	[S_ROLLBACK] = { "ROLLBACK", 0 },
	[S_INCIDENT_GET] = { "SELECT " INCIDENT_COLUMNS
	    " FROM incidents WHERE id = ?", 0 },
	[S_INCIDENT_BY_REPORT] = { "SELECT " INCIDENT_COLUMNS
	    " FROM incidents WHERE branch = ? AND report_id = ?", 0 },
	[S_INCIDENTS] = { "SELECT " INCIDENT_COLUMNS " FROM incidents"
	    " WHERE ?1 IS NULL OR branch = ?1 ORDER BY id", 0 },
	[S_INCIDENTS_OPEN] = { "SELECT " INCIDENT_COLUMNS " FROM incidents"
	    " INDEXED BY incidents_open_type WHERE state IN " OPEN_STATES
	    " AND (?1 IS NULL OR branch = ?1) ORDER BY id", 0 },
	[S_PENDING] = { "SELECT " INCIDENT_COLUMNS " FROM incidents"
	    " WHERE due_at >= 0 AND state IN " OPEN_STATES
	    " ORDER BY due_at, id", 0 },
	[S_EVENT_APPEND] = { "INSERT INTO events (incident, ts, kind, actor, "
	    "step, detail, corrects) VALUES (?, ?, ?, ?, ?, ?, ?)", 1 },
	[S_TIMELINE] = { "SELECT " EVENT_COLUMNS
	    " FROM events WHERE incident = ? ORDER BY id", 0 },
	[S_WAS_NOTIFIED] = { "SELECT EXISTS (SELECT 1 FROM events WHERE "
	    "incident = ? AND kind = 'notified' AND actor = ?)", 0 },
	/* One statement for every filter: an unset field binds NULL (or 0
	 * for the numbers) and drops out. The created range comes first so
	 * that the planner walks incidents_created. */
	[S_FILTER] = { "SELECT " INCIDENT_COLUMNS ", " OUTCOME_OF_INCIDENT
	    " FROM incidents WHERE created >= ?1 AND created < ?2"
	    " AND (?3 IS NULL OR branch = ?3) AND (?4 IS NULL OR type = ?4)"
	    " AND (?5 = 0 OR severity = ?5) AND (?6 IS NULL OR state = ?6)"
	    " AND (?7 = 0 OR state IN " OPEN_STATES ")"
	    " AND (?8 < 0 OR drill = ?8)"
	    " AND (?9 IS NULL OR EXISTS (SELECT 1 FROM events"
	    " WHERE actor = ?9 AND incident = incidents.id))"
	    " AND (?11 = 0 OR " OUTCOME_OF_INCIDENT " = ?11)"
	    " ORDER BY id LIMIT ?10", 0 },
	[S_HOLD] = { "UPDATE incidents SET hold = ?2 WHERE id = ?1", 1 },
	[S_EVENT_GET] = { "SELECT " EVENT_COLUMNS " FROM events WHERE id = ?",
	    0 },
	[S_DUE_OPEN] = { "INSERT OR IGNORE INTO debrief_due (incident, opened, "
	    "due_at, next_at, stage) VALUES (?, ?, ?, ?, ?)", 1 },
	[S_DUE_GET] = { "SELECT incident, opened, due_at, next_at, stage"
	    " FROM debrief_due WHERE incident = ?", 0 },
	[S_DUE_UPDATE] = { "UPDATE debrief_due SET opened = ?2, due_at = ?3, "
	    "next_at = ?4, stage = ?5 WHERE incident = ?1", 1 },
	[S_DUE_PENDING] = { "SELECT incident, opened, due_at, next_at, stage"
	    " FROM debrief_due WHERE next_at >= 0 ORDER BY next_at", 0 },
	[S_DUE_WAITING] = { "SELECT incident, opened, due_at, next_at, stage"
	    " FROM debrief_due WHERE stage < 3 ORDER BY due_at, incident", 0 },
	[S_DEBRIEF_ADD] = { "INSERT INTO debriefs (incident, revision, ts, "
	    "author, open_actions, record) SELECT ?1, coalesce(max(revision), "
	    "0) + 1, ?2, ?3, ?4, ?5 FROM debriefs WHERE incident = ?1"
	    " RETURNING revision", 1 },
	[S_DEBRIEFS] = { "SELECT incident, revision, ts, author, open_actions,"
	    " record FROM debriefs WHERE incident = ?1 AND (?2 = 0 OR"
	    " revision = (SELECT max(revision) FROM debriefs"
	    " WHERE incident = ?1)) ORDER BY revision", 0 },
	[S_PURGE_CANDIDATES] = { "SELECT " INCIDENT_COLUMNS " FROM incidents"
	    " WHERE " PURGE_WHERE " ORDER BY id", 0 },
	[S_DEVICE_PUT] = { "INSERT INTO devices (branch, device, kind, online, "
	    "last_seen, since, due_at, flagged, selftest_at, rtt_ms) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (branch, "
	    "device) DO UPDATE SET kind = ?3, online = ?4, last_seen = ?5, "
	    "since = ?6, due_at = ?7, flagged = ?8, selftest_at = ?9, "
	    "rtt_ms = ?10 RETURNING id", 1 },
	[S_DEVICE_GET] = { "SELECT " DEVICE_COLUMNS " FROM devices"
	    " WHERE branch = ? AND device = ?", 0 },
	[S_DEVICE_BY_ID] = { "SELECT " DEVICE_COLUMNS " FROM devices"
	    " WHERE id = ?", 0 },
	[S_DEVICES] = { "SELECT " DEVICE_COLUMNS " FROM devices"
	    " WHERE ?1 IS NULL OR branch = ?1 ORDER BY branch, device", 0 },
	[S_DEVICES_PENDING] = { "SELECT " DEVICE_COLUMNS " FROM devices"
	    " WHERE due_at >= 0 ORDER BY due_at", 0 },
	[S_DEVICE_EVENT] = { "INSERT INTO device_events (ts, branch, device, "
	    "kind, detail) VALUES (?, ?, ?, ?, ?)", 1 },
	[S_REJECT] = { "INSERT INTO rejects (ts, topic, report_id, error, "
	    "payload) VALUES (?, ?, ?, ?, ?)", 1 },
	[S_REJECT_COUNT] = { "SELECT count(*) FROM rejects", 0 },
	[S_REJECT_MESSAGES] = { "SELECT total(count) FROM rejects", 0 },
	[S_REJECT_EXCESS] = { "INSERT INTO rejects (ts, topic, error, payload, "
	    "count) VALUES (?, ?, ?, ?, ?)", 1 },
	/* ts and topic guard against a row id that a rollback freed and
	 * another row took. */
	[S_REJECT_RECOUNT] = { "UPDATE rejects SET error = ?2, count = ?3"
	    " WHERE id = ?1 AND ts = ?4 AND topic = ?5", 1 },
	[S_OUTBOX_ADD] = { "INSERT INTO outbox (incident, responder, topic, "
	    "payload, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?5)", 1 },
	[S_OUTBOX_PUBLISHED] = { "UPDATE outbox SET state = 'published', "
	    "attempts = attempts + 1, updated = ?2 WHERE id = ?1"
	    " AND state != 'delivered'", 1 },
	[S_OUTBOX_DELIVERED] = { "UPDATE outbox SET state = 'delivered', "
	    "attempts = max(attempts, 1), updated = ?2 WHERE id = ?1", 1 },
	[S_OUTBOX_UNDELIVERED] = { "SELECT id, incident, responder, topic, "
	    "payload, state, attempts FROM outbox WHERE state != 'delivered'"
	    " ORDER BY id", 0 },
	[S_ONCALL_SET] = { "INSERT INTO oncall_overrides (responder, branch, "
	    "on_duty, from_ts, until_ts, set_by, set_at, note) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?)", 1 },
	[S_ONCALL_EVENT] = { "INSERT INTO oncall_events (ts, kind, override, "
	    "responder, branch, actor, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    1 },
	/* The overrides not yet over: ?1 now, ?2 who, ?3 responder, ?4 the
	 * branch or NULL for all. */
	[S_ONCALL_CLEAR_EVENTS] = { "INSERT INTO oncall_events (ts, kind, "
	    "override, responder, branch, actor, detail) SELECT ?1, 'cleared', "
	    "id, responder, branch, ?2, '' FROM oncall_overrides WHERE "
	    "cleared_at IS NULL AND until_ts > ?1 AND responder = ?3 AND "
	    "(?4 IS NULL OR branch = ?4) ORDER BY id", 1 },
	[S_ONCALL_CLEAR] = { "UPDATE oncall_overrides SET cleared_at = ?1, "
	    "cleared_by = ?2 WHERE cleared_at IS NULL AND until_ts > ?1 AND "
	    "responder = ?3 AND (?4 IS NULL OR branch = ?4)", 1 },
	[S_ONCALL_ACTIVE] = { "SELECT id, responder, branch, on_duty, from_ts, "
	    "until_ts, set_by, set_at, note FROM oncall_overrides WHERE "
	    "cleared_at IS NULL AND until_ts > ? ORDER BY id", 0 },
	[S_ONCALL_EVENTS] = { "SELECT e.ts, e.kind, e.override, e.responder, "
	    "e.branch, e.actor, e.detail FROM oncall_events e WHERE e.ts >= ?1 "
	    "AND (?2 IS NULL OR e.branch = ?2) ORDER BY e.id", 0 },
	[S_PRESS] = { "UPDATE incidents SET presses = presses + 1,"
	    " severity = ?2, location = ?3, updated = ?4, note = ?5,"
	    " locations = ?6, notes = ?7, devices = ?8 WHERE id = ?1"
	    " RETURNING presses", 1 },
	[S_RELATED] = { "UPDATE incidents SET related = ?2 WHERE id = ?1", 1 },
	[S_NOTIFIED] = { "SELECT DISTINCT actor FROM events WHERE incident = ?"
	    " AND kind = 'notified' ORDER BY actor", 0 },
	[S_JOINABLE] = { "SELECT " INCIDENT_COLUMNS " FROM incidents"
	    " WHERE branch = ?1 AND type = ?2 AND created >= ?3 AND drill = ?4"
	    " AND state IN " OPEN_STATES " ORDER BY id DESC", 0 },
	[S_MODE_SET] = { "INSERT INTO branch_modes (branch, mode, ts, until,"
	    " actor) VALUES (?, ?, ?, ?, ?)", 1 },
	[S_MODE_GET] = { "SELECT ts, until, actor FROM branch_modes"
	    " WHERE branch = ? AND mode = ? ORDER BY id DESC LIMIT 1", 0 },
	[S_PRESS_ADD] = { "INSERT OR IGNORE INTO presses (branch, report_id,"
	    " incident, ts) VALUES (?, ?, ?, ?)", 1 },
	[S_PRESS_GET] = { "SELECT incident FROM presses WHERE branch = ?"
	    " AND report_id = ?", 0 },
	[S_PRESS_REPORTS] = { "SELECT report_id FROM presses WHERE incident = ?"
	    " ORDER BY ts, rowid", 0 },
	[S_REPL_MARK] = { "INSERT INTO replication (instance, term, seq, ts)"
	    " VALUES (?, ?, ?, ?) ON CONFLICT (instance) DO UPDATE SET"
	    " term = excluded.term, seq = excluded.seq, ts = excluded.ts", 1 },
	[S_REPL_LAST] = { "SELECT term, seq FROM replication"
	    " WHERE instance = ?", 0 },
	[S_PUSHSUB_PUT] = { "INSERT OR REPLACE INTO push_subscriptions"
	    " (responder, device, endpoint, p256dh, auth, ts)"
	    " VALUES (?, ?, ?, ?, ?, ?)", 1 },
	[S_PUSHSUB_DELETE] = { "DELETE FROM push_subscriptions"
	    " WHERE responder = ? AND device = ?", 1 },
	[S_PUSHSUB_DROP] = { "DELETE FROM push_subscriptions"
	    " WHERE endpoint = ?", 1 },
	[S_PUSHSUB_LIST] = { "SELECT device, endpoint, p256dh, auth"
	    " FROM push_subscriptions WHERE responder = ? ORDER BY device", 0 },
	[S_LINK_USED] = { "SELECT incident FROM links_used WHERE key = ?", 0 },
	[S_LINK_USE] = { "INSERT INTO links_used"
	    " (key, incident, responder, action, ts) VALUES (?, ?, ?, ?, ?)",
	    1 },
	[S_LINK_FORGET] = { "DELETE FROM links_used WHERE ts < ?", 1 },
	[S_ENROLL_EXPIRE] = { "DELETE FROM enrollments"
	    " WHERE claimed = 0 AND expires <= ?", 1 },
	[S_ENROLL_FORGET] = { "DELETE FROM enrollments"
	    " WHERE responder = ? AND device = ? AND claimed = 0", 1 },
	[S_ENROLL_PUT] = { "INSERT INTO enrollments"
	    " (code, responder, device, username, password, expires)"
	    " VALUES (?, ?, ?, ?, ?, ?)", 1 },
	[S_ENROLL_GET] = { "SELECT responder, device, username, password"
	    " FROM enrollments WHERE code = ? AND claimed = 0"
	    " AND expires > ?", 0 },
	[S_ENROLL_CLAIM] = { "UPDATE enrollments SET password = '',"
	    " claimed = ? WHERE code = ? AND claimed = 0", 1 },
	/* The projection (store_project.c): the rows it writes, and the records
	 * the timeline carries until it has. */
	[S_PROJ_INCIDENT] = { "INSERT INTO incidents (" INCIDENT_COLUMNS ") VALUES ("
	    "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	    "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, "
	    "?27, ?28, ?29) " INCIDENT_UPSERT, 1 },
	[S_PROJ_OUTBOX] = { "INSERT INTO outbox (id, incident, responder, topic, "
	    "payload, state, attempts, created, updated) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO UPDATE SET "
	    "state = excluded.state, attempts = excluded.attempts, updated "
	    "= excluded.updated", 1 },
	[S_PROJ_MARK] = { "UPDATE projection SET event = (SELECT coalesce(max(id), 0)"
	    " FROM events) RETURNING event", 1 },
	[S_RECORD_INCIDENT] = { "UPDATE events SET record = json_set(coalesce(record,"
	    "'{\"o\":[]}'), '$.i', json_array(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
	    "?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)) WHERE id = ?30", 1 },
	[S_RECORD_OUTBOX] = { "UPDATE events SET record = json_insert(coalesce(record,"
	    "'{\"o\":[]}'), " RECORD_OUT(1, 2, 3, 4, 5) ") WHERE id = ?6", 1 },
	[S_RECORD_WITH_1] = { RECORD_WITH ", " RECORD_OUT(31, 32, 33, 34, 35)
	    ") WHERE id = ?30", 1 },
	[S_RECORD_WITH_2] = { RECORD_WITH ", " RECORD_OUT(31, 32, 33, 34, 35)
	    ", " RECORD_OUT(36, 37, 38, 39, 40) ") WHERE id = ?30", 1 },
	[S_RECORD_WITH_3] = { RECORD_WITH ", " RECORD_OUT(31, 32, 33, 34, 35)
	    ", " RECORD_OUT(36, 37, 38, 39, 40) ", "
	    RECORD_OUT(41, 42, 43, 44, 45) ") WHERE id = ?30", 1 },
	[S_RECORD_WITH_4] = { RECORD_WITH ", " RECORD_OUT(31, 32, 33, 34, 35)
	    ", " RECORD_OUT(36, 37, 38, 39, 40) ", "
	    RECORD_OUT(41, 42, 43, 44, 45) ", " RECORD_OUT(46, 47, 48, 49, 50)
	    ") WHERE id = ?30", 1 },
	[S_REBUILD_INCIDENTS] = { "INSERT INTO incidents (" INCIDENT_COLUMNS ") SELECT "
	    "json_extract(record, '$.i[0]'), json_extract(record, "
	    "'$.i[1]'), json_extract(record, '$.i[2]'), "
	    "json_extract(record, '$.i[3]'), json_extract(record, "
	    "'$.i[4]'), json_extract(record, '$.i[5]'), "
	    "json_extract(record, '$.i[6]'), json_extract(record, "
	    "'$.i[7]'), json_extract(record, '$.i[8]'), "
	    "json_extract(record, '$.i[9]'), json_extract(record, "
	    "'$.i[10]'), json_extract(record, '$.i[11]'), "
	    "json_extract(record, '$.i[12]'), json_extract(record, "
	    "'$.i[13]'), json_extract(record, '$.i[14]'), "
	    "json_extract(record, '$.i[15]'), json_extract(record, "
	    "'$.i[16]'), json_extract(record, '$.i[17]'), "
	    "json_extract(record, '$.i[18]'), json_extract(record, "
	    "'$.i[19]'), json_extract(record, '$.i[20]'), "
	    "json_extract(record, '$.i[21]'), json_extract(record, "
	    "'$.i[22]'), json_extract(record, '$.i[23]'), "
	    "json_extract(record, '$.i[24]'), json_extract(record, "
	    "'$.i[25]'), json_extract(record, '$.i[26]'), "
	    "json_extract(record, '$.i[27]'), json_extract(record, "
	    "'$.i[28]') FROM events WHERE id > (SELECT event FROM "
	    "projection) AND json_type(record, '$.i') = 'array' ORDER BY id "
	    INCIDENT_UPSERT, 1 },
	[S_REBUILD_OUTBOX] = { "INSERT OR IGNORE INTO outbox (id, incident, responder, "
	    "topic, payload, state, attempts, created, updated) SELECT "
	    "json_extract(o.value, '$[0]'), e.incident, "
	    "json_extract(o.value, '$[1]'), json_extract(o.value, '$[2]'), "
	    "json_extract(o.value, '$[3]'), 'pending', 0, "
	    "json_extract(o.value, '$[4]'), json_extract(o.value, '$[4]') "
	    "FROM events e, json_each(e.record, '$.o') o WHERE e.id > "
	    "(SELECT event FROM projection) AND e.record IS NOT NULL ORDER "
	    "BY e.id, o.key", 1 },
};
