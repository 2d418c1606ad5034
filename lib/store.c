/*
 * The SQLite store: incidents, their append-only timeline and the refused
 * input. This is the only module that uses sqlite3. Every statement is
 * prepared once at open and reset after every step, so no statement keeps a
 * read transaction open between calls.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The session extension (replication): Debian's libsqlite3 has it. */
#define SQLITE_ENABLE_SESSION
#define SQLITE_ENABLE_PREUPDATE_HOOK
#include <sqlite3.h>

#include "log.h"
#include "duty.h"
#include "store.h"
#include "xmalloc.h"

#define nitems(a) (sizeof(a) / sizeof *(a))

/* Must match state_name() for the open states (state_open()). */
#define OPEN_STATES "('received', 'routed', 'acknowledged', 'on_scene')"

/* True inside a purge of OLD's incident (the purges table, below). */
#define PURGING                                                                \
	"EXISTS (SELECT 1 FROM purges p, incidents i WHERE p.done = 0"         \
	" AND i.id = OLD.incident AND i.created < p.cutoff AND i.hold = 0)"

/*
 * Migration i brings user_version i to i + 1. Never edit one that has
 * shipped: add the next one.
 */
static const char *const store_migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE incidents ("
	"  id INTEGER PRIMARY KEY,"
	"  branch TEXT NOT NULL,"
	"  report_id TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  severity INTEGER NOT NULL,"
	"  location TEXT NOT NULL DEFAULT '',"
	"  device TEXT NOT NULL DEFAULT '',"
	"  reporter TEXT NOT NULL DEFAULT '',"
	"  note TEXT NOT NULL DEFAULT '',"
	"  silent INTEGER NOT NULL,"
	"  drill INTEGER NOT NULL,"
	"  policy TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  call_911 INTEGER NOT NULL,"
	"  notified INTEGER NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL,"
	"  step INTEGER NOT NULL,"
	"  step_at INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  due_step INTEGER NOT NULL,"
	"  acked_by TEXT NOT NULL DEFAULT '',"
	"  UNIQUE (branch, report_id));"
	"CREATE INDEX incidents_state ON incidents (state);"
	/* What a restart re-arms: few rows, so a partial index. */
	"CREATE INDEX incidents_pending ON incidents (due_at)"
	"  WHERE due_at >= 0 AND state IN " OPEN_STATES ";"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  incident INTEGER NOT NULL REFERENCES incidents (id),"
	"  ts INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  actor TEXT NOT NULL DEFAULT '',"
	"  step INTEGER NOT NULL DEFAULT -1,"
	"  detail TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX events_incident ON events (incident, id);"
	/* The timeline is evidence: nothing rewrites or removes it. */
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TABLE rejects ("
	"  id INTEGER PRIMARY KEY,"
	"  ts INTEGER NOT NULL,"
	"  topic TEXT NOT NULL,"
	"  report_id TEXT,"
	"  error TEXT NOT NULL,"
	"  payload BLOB);",
	/* 1 -> 2: debriefs, legal hold, corrections, retention, and the
	 * indexes supervisors' queries need. */
	"ALTER TABLE incidents ADD COLUMN nsteps INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE incidents ADD COLUMN hold INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE events ADD COLUMN corrects INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX incidents_created ON incidents (created);"
	"CREATE INDEX incidents_branch ON incidents (branch, created);"
	/* Not partial: the filter binds the actor, so SQLite could not
	 * prove a partial index's condition. */
	"CREATE INDEX events_actor ON events (actor, incident);"
	"CREATE TABLE debrief_due ("
	"  incident INTEGER PRIMARY KEY REFERENCES incidents (id),"
	"  opened INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  next_at INTEGER NOT NULL,"
	"  stage INTEGER NOT NULL);"
	"CREATE INDEX debrief_due_pending ON debrief_due (next_at)"
	"  WHERE next_at >= 0;"
	"CREATE TABLE debriefs ("
	"  incident INTEGER NOT NULL REFERENCES incidents (id),"
	"  revision INTEGER NOT NULL,"
	"  ts INTEGER NOT NULL,"
	"  author TEXT NOT NULL,"
	"  open_actions INTEGER NOT NULL,"
	"  record TEXT NOT NULL,"
	"  PRIMARY KEY (incident, revision));"
	/* A purge in progress is a row with done = 0, inside the purge's own
	 * transaction: the only time the triggers below let rows go, and
	 * only rows of incidents older than its cutoff and not on hold. */
	"CREATE TABLE purges ("
	"  id INTEGER PRIMARY KEY,"
	"  ts INTEGER NOT NULL,"
	"  cutoff INTEGER NOT NULL,"
	"  incidents INTEGER NOT NULL DEFAULT 0,"
	"  events INTEGER NOT NULL DEFAULT 0,"
	"  debriefs INTEGER NOT NULL DEFAULT 0,"
	"  kept_hold INTEGER NOT NULL DEFAULT 0,"
	"  kept_actions INTEGER NOT NULL DEFAULT 0,"
	"  done INTEGER NOT NULL DEFAULT 0);"
	"DROP TRIGGER events_no_delete;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
	"  WHEN NOT " PURGING
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TRIGGER debriefs_no_update BEFORE UPDATE ON debriefs"
	"  BEGIN SELECT RAISE(ABORT, 'debriefs are append-only'); END;"
	"CREATE TRIGGER debriefs_no_delete BEFORE DELETE ON debriefs"
	"  WHEN NOT " PURGING
	"  BEGIN SELECT RAISE(ABORT, 'debriefs are append-only'); END;",
	/* 2 -> 3: the branches' devices and what happened to them. */
	"CREATE TABLE devices ("
	"  id INTEGER PRIMARY KEY,"
	"  branch TEXT NOT NULL,"
	"  device TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  online INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  since INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  flagged INTEGER NOT NULL,"
	"  selftest_at INTEGER NOT NULL DEFAULT 0,"
	"  rtt_ms INTEGER NOT NULL DEFAULT -1,"
	"  UNIQUE (branch, device));"
	"CREATE INDEX devices_due ON devices (due_at) WHERE due_at >= 0;"
	"CREATE TABLE device_events ("
	"  id INTEGER PRIMARY KEY,"
	"  ts INTEGER NOT NULL,"
	"  branch TEXT NOT NULL,"
	"  device TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX device_events_device ON device_events (branch, device, id);"
	"CREATE TRIGGER device_events_no_update BEFORE UPDATE ON device_events"
	"  BEGIN SELECT RAISE(ABORT, 'device events are append-only'); END;"
	"CREATE TRIGGER device_events_no_delete BEFORE DELETE ON device_events"
	"  BEGIN SELECT RAISE(ABORT, 'device events are append-only'); END;",
	/* 3 -> 4: the notification outbox. A row is committed with the
	 * event that caused it (pending), marked published when handed to
	 * the broker and delivered on its PUBACK; what is not delivered is
	 * published again after a restart. */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  incident INTEGER NOT NULL REFERENCES incidents (id),"
	"  responder TEXT NOT NULL,"
	"  topic TEXT NOT NULL,"
	"  payload TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending',"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL);"
	"CREATE INDEX outbox_incident ON outbox (incident);"
	"CREATE INDEX outbox_undelivered ON outbox (id)"
	"  WHERE state != 'delivered';",
	/* 4 -> 5: one row may stand for many messages: those a sender sent
	 * over its limit in one interval. */
	"ALTER TABLE rejects ADD COLUMN count INTEGER NOT NULL DEFAULT 1;",
	/* 5 -> 6: who is on duty. Overrides a supervisor set at run time
	 * (beacon oncall set); a cleared one keeps its row, with when and by
	 * whom. Their timeline, append-only like the incidents'. */
	"CREATE TABLE oncall_overrides ("
	"  id INTEGER PRIMARY KEY,"
	"  responder TEXT NOT NULL,"
	"  branch TEXT NOT NULL,"
	"  on_duty INTEGER NOT NULL,"
	"  from_ts INTEGER NOT NULL,"
	"  until_ts INTEGER NOT NULL,"
	"  set_by TEXT NOT NULL,"
	"  set_at INTEGER NOT NULL,"
	"  note TEXT NOT NULL DEFAULT '',"
	"  cleared_at INTEGER,"
	"  cleared_by TEXT);"
	"CREATE INDEX oncall_overrides_active ON oncall_overrides (until_ts)"
	"  WHERE cleared_at IS NULL;"
	"CREATE TABLE oncall_events ("
	"  id INTEGER PRIMARY KEY,"
	"  ts INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  override INTEGER NOT NULL REFERENCES oncall_overrides (id),"
	"  responder TEXT NOT NULL,"
	"  branch TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT '');"
	"CREATE TRIGGER oncall_events_no_update BEFORE UPDATE ON oncall_events"
	"  BEGIN SELECT RAISE(ABORT, 'on-call events are append-only'); END;"
	"CREATE TRIGGER oncall_events_no_delete BEFORE DELETE ON oncall_events"
	"  BEGIN SELECT RAISE(ABORT, 'on-call events are append-only'); END;",
	/* 6 -> 7: alarms that are not real. Repeated presses joined to one
	 * incident are counted; a branch in drill mode or paused for device
	 * testing has a row per start and per stop (a stop is a row whose
	 * until is its ts), never changed. */
	"ALTER TABLE incidents ADD COLUMN presses INTEGER NOT NULL DEFAULT 1;"
	"CREATE TABLE branch_modes ("
	"  id INTEGER PRIMARY KEY,"
	"  branch TEXT NOT NULL,"
	"  mode TEXT NOT NULL,"
	"  ts INTEGER NOT NULL,"
	"  until INTEGER NOT NULL,"
	"  actor TEXT NOT NULL);"
	"CREATE INDEX branch_modes_branch ON branch_modes (branch, mode, id);"
	"CREATE TABLE presses ("
	"  branch TEXT NOT NULL,"
	"  report_id TEXT NOT NULL,"
	"  incident INTEGER NOT NULL,"
	"  ts INTEGER NOT NULL,"
	"  UNIQUE (branch, report_id));"
	"CREATE INDEX incidents_open_type ON incidents (branch, type, created)"
	"  WHERE state IN " OPEN_STATES ";",
	/* 7 -> 8: a standby pair (docs/deployment.md). What each instance
	 * has applied of the other's changes, and its own terms; presses
	 * gets a primary key, which SQLite's sessions need to replicate a
	 * table. */
	"CREATE TABLE replication ("
	"  instance TEXT PRIMARY KEY,"
	"  term INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  ts INTEGER NOT NULL);"
	"CREATE TABLE presses_new ("
	"  branch TEXT NOT NULL,"
	"  report_id TEXT NOT NULL,"
	"  incident INTEGER NOT NULL,"
	"  ts INTEGER NOT NULL,"
	"  PRIMARY KEY (branch, report_id));"
	"INSERT INTO presses_new SELECT branch, report_id, incident, ts"
	"  FROM presses;"
	"DROP TABLE presses;"
	"ALTER TABLE presses_new RENAME TO presses;",
	/* 8 -> 9: incidents_state goes. Every query on the state asks for
	 * the open ones, which incidents_open_type (partial) covers, or
	 * narrows by created first; it only cost a page in each report's
	 * commit and two index changes in each change of state
	 * (docs/benchmarks.md). */
	"DROP INDEX incidents_state;",
	/* 9 -> 10: a press joins an incident only when it is the same event
	 * (alarms.h), and adds to it without replacing: every distinct
	 * location, note and device, in order, the first report's first, and
	 * the incidents it may be related to. Lists are separated by U+001E;
	 * related ids by spaces. The joined reports are found by incident,
	 * to tell them what happens to it. */
	"ALTER TABLE incidents ADD COLUMN locations TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE incidents ADD COLUMN notes TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE incidents ADD COLUMN devices TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE incidents ADD COLUMN related TEXT NOT NULL DEFAULT '';"
	"UPDATE incidents SET locations = location, notes = note,"
	"  devices = device;"
	"CREATE INDEX presses_incident ON presses (incident);",
};
#define STORE_VERSION ((int)nitems(store_migrations))

/* The column order store_row_incident() reads. */
#define INCIDENT_COLUMNS                                                       \
	"id, branch, report_id, type, severity, location, device, reporter, "  \
	"note, silent, drill, policy, state, call_911, notified, created, "    \
	"updated, step, step_at, due_at, due_step, acked_by, nsteps, hold, "   \
	"presses, locations, notes, devices, related"
#define DEVICE_COLUMNS                                                         \
	"id, branch, device, kind, online, last_seen, since, due_at, "        \
	"flagged, selftest_at, rtt_ms"
#define EVENT_COLUMNS "id, incident, ts, kind, actor, step, detail, corrects"
/* Closed, created before ?1, and not on hold. */
#define PURGE_OLD                                                              \
	"created < ?1 AND hold = 0 AND state NOT IN " OPEN_STATES
/* The latest revision of incident `id`'s debrief has actions open. */
#define ACTIONS_OPEN(id)                                                       \
	"EXISTS (SELECT 1 FROM debriefs d WHERE d.incident = " id              \
	" AND d.open_actions > 0 AND d.revision = (SELECT max(revision)"       \
	" FROM debriefs WHERE incident = " id "))"
#define PURGE_WHERE PURGE_OLD " AND NOT " ACTIONS_OPEN("incidents.id")
/* An incident's enum outcome (beacon.h), read from its timeline and its
 * drill flag: test 5, cancelled 2, false_alarm 3, drill 4, else real 1. */
#define OUTCOME_OF_INCIDENT                                                    \
	"coalesce((SELECT CASE WHEN max(kind = 'test') THEN 5"                 \
	" WHEN max(kind = 'cancelled') THEN 2"                                 \
	" WHEN max(kind = 'false_alarm') THEN 3 END FROM events"               \
	" WHERE incident = incidents.id"                                       \
	" AND kind IN ('test', 'cancelled', 'false_alarm')),"                  \
	" CASE WHEN drill THEN 4 ELSE 1 END)"

enum store_stmt {
	S_BEGIN,
	S_BEGIN_READ,
	S_COMMIT,
	S_ROLLBACK,
	S_INCIDENT_INSERT,
	S_INCIDENT_UPDATE,
	S_INCIDENT_GET,
	S_INCIDENT_BY_REPORT,
	S_INCIDENTS,
	S_INCIDENTS_OPEN,
	S_PENDING,
	S_EVENT_APPEND,
	S_TIMELINE,
	S_WAS_NOTIFIED,
	S_FILTER,
	S_HOLD,
	S_EVENT_GET,
	S_DUE_OPEN,
	S_DUE_GET,
	S_DUE_UPDATE,
	S_DUE_PENDING,
	S_DEBRIEF_ADD,
	S_DEBRIEFS,
	S_PURGE_CANDIDATES,
	S_DEVICE_PUT,
	S_DEVICE_GET,
	S_DEVICE_BY_ID,
	S_DEVICES,
	S_DEVICES_PENDING,
	S_DEVICE_EVENT,
	S_REJECT,
	S_REJECT_COUNT,
	S_REJECT_MESSAGES,
	S_REJECT_EXCESS,
	S_REJECT_RECOUNT,
	S_OUTBOX_ADD,
	S_OUTBOX_PUBLISHED,
	S_OUTBOX_DELIVERED,
	S_OUTBOX_UNDELIVERED,
	S_ONCALL_SET,
	S_ONCALL_EVENT,
	S_ONCALL_CLEAR_EVENTS,
	S_ONCALL_CLEAR,
	S_ONCALL_ACTIVE,
	S_ONCALL_EVENTS,
	S_PRESS,
	S_RELATED,
	S_NOTIFIED,
	S_JOINABLE,
	S_MODE_SET,
	S_MODE_GET,
	S_PRESS_ADD,
	S_PRESS_GET,
	S_PRESS_REPORTS,
	S_REPL_MARK,
	S_REPL_LAST,
	S_COUNT
};

static const struct {
	const char *sql;
	int write; /* not prepared in read-only mode */
} store_sql[S_COUNT] = {
	[S_BEGIN] = { "BEGIN IMMEDIATE", 1 },
	/* Read-only: a consistent snapshot for a report over several reads. */
	[S_BEGIN_READ] = { "BEGIN DEFERRED", 0 },
	[S_COMMIT] = { "COMMIT", 0 },
	[S_ROLLBACK] = { "ROLLBACK", 0 },
	[S_INCIDENT_INSERT] = { "INSERT INTO incidents (" INCIDENT_COLUMNS
	    ") VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?, ?)", 1 },
	[S_INCIDENT_UPDATE] = { "UPDATE incidents SET state = ?, call_911 = ?, "
	    "notified = ?, updated = ?, step = ?, step_at = ?, due_at = ?, "
	    "due_step = ?, acked_by = ? WHERE id = ?", 1 },
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
	[S_PRESS_GET] = { "SELECT " INCIDENT_COLUMNS " FROM incidents"
	    " WHERE id = (SELECT incident FROM presses WHERE branch = ?"
	    " AND report_id = ?)", 0 },
	[S_PRESS_REPORTS] = { "SELECT report_id FROM presses WHERE incident = ?"
	    " ORDER BY ts, rowid", 0 },
	[S_REPL_MARK] = { "INSERT INTO replication (instance, term, seq, ts)"
	    " VALUES (?, ?, ?, ?) ON CONFLICT (instance) DO UPDATE SET"
	    " term = excluded.term, seq = excluded.seq, ts = excluded.ts", 1 },
	[S_REPL_LAST] = { "SELECT term, seq FROM replication"
	    " WHERE instance = ?", 0 },
};

struct store {
	sqlite3 *db;
	char *path;
	int flags;
	int version;
	sqlite3_stmt *stmt[S_COUNT];
	int failed;	  /* a statement failed since the last BEGIN */
	int ckpt_due;	  /* the WAL is long and there is no checkpointer */
	struct checkpointer *ckpt;
	char err[256];	  /* what failed last */
	struct replica *rep; /* NULL: not replicating */
};

static int store_replica_count(struct store *);
static void store_replica_send(struct store *);
static void store_replica_forget(struct store *);
static void store_replica_free(struct store *);

/* ---- errors ------------------------------------------------------------ */

/*
 * The failures of the database itself (the disk, the file, the locks),
 * after which this transaction cannot be trusted. A constraint or a bad
 * value fails its statement only: that is the input's fault, and the
 * engine has answered it already.
 */
static int
store_resource_error(int code)
{
	static const int codes[] = { SQLITE_FULL, SQLITE_IOERR,
		SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_BUSY, SQLITE_LOCKED,
		SQLITE_NOMEM, SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_PROTOCOL,
		SQLITE_ABORT, SQLITE_INTERRUPT };
	size_t i;

	for (i = 0; i < sizeof codes / sizeof *codes; i++)
		if ((code & 0xff) == codes[i])
			return 1;
	return 0;
}

static int
store_fail(struct store *s, const char *what)
{
	log_warnx("store: %s: %s", what, sqlite3_errmsg(s->db));
	if (store_resource_error(sqlite3_errcode(s->db))) {
		snprintf(s->err, sizeof s->err, "%s: %s", what,
		    sqlite3_errmsg(s->db));
		s->failed = 1;
	}
	return -1;
}

/* The sentence for the person who asked to open the database. */
static char *
store_cause(struct store *s, const char *what)
{
	if ((sqlite3_errcode(s->db) & 0xff) == SQLITE_NOTADB)
		return xasprintf("%s is not a SQLite database", s->path);
	return xasprintf("%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

/* The statement, or NULL (logged) when this mode did not prepare it. */
static sqlite3_stmt *
store_stmt(struct store *s, enum store_stmt id, const char *what)
{
	if (s->stmt[id] == NULL)
		log_warnx("store: %s: database %s is open read-only", what,
		    s->path);
	else if (s->failed && store_sql[id].write) {
		log_debug("store: %s: refused after a failure: %s", what,
		    s->err);
		return NULL;
	}
	return s->stmt[id];
}

/* Forget the last step and its bindings: the statement is ready again. */
static void
store_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Step a statement that returns no rows; 0 or -1 (logged). */
static int
store_run(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc;

	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(s, what);
	store_done(st);
	return rc;
}

static int
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* ---- opening ----------------------------------------------------------- */

static int64_t store_int(struct store *, const char *);

int64_t
store_count_incidents(struct store *s)
{
	return store_int(s, "SELECT count(*) FROM incidents");
}

int64_t
store_count_events(struct store *s)
{
	return store_int(s, "SELECT count(*) FROM events");
}

/* Each row of a check PRAGMA that is not "ok" is a problem. */
static int
store_check_one(struct store *s, const char *sql, store_problem_fn fn,
    void *arg)
{
	sqlite3_stmt *st;
	int n = 0, rc;
	char buf[512];

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(st, 0);

		if (sqlite3_column_count(st) == 1 && a != NULL &&
		    strcmp(a, "ok") == 0)
			continue;
		if (sqlite3_column_count(st) == 1)
			snprintf(buf, sizeof buf, "%s", a ? a : "?");
		else	/* foreign_key_check: table, rowid, parent, fkid */
			snprintf(buf, sizeof buf, "%s row %lld refers to a "
			    "missing row of %s", a ? a : "?",
			    (long long)sqlite3_column_int64(st, 1),
			    sqlite3_column_text(st, 2) ? (const char *)
			    sqlite3_column_text(st, 2) : "?");
		fn(buf, arg);
		n++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? n : -1;
}

int
store_check(struct store *s, store_problem_fn fn, void *arg)
{
	int a, b;

	if ((a = store_check_one(s, "PRAGMA integrity_check", fn, arg)) < 0 ||
	    (b = store_check_one(s, "PRAGMA foreign_key_check", fn, arg)) < 0)
		return -1;
	return a + b;
}

static int
store_backup_copy(struct store *s, sqlite3 *dst)
{
	sqlite3_backup *b;
	int rc;

	if ((b = sqlite3_backup_init(dst, "main", s->db, "main")) == NULL)
		return sqlite3_errcode(dst);
	/* In one step: one read transaction, so one consistent state. */
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int
store_backup(struct store *s, const char *path, char **cause)
{
	sqlite3 *dst = NULL;
	char *tmp;
	int rc;

	*cause = NULL;
	if (access(path, F_OK) == 0) {
		*cause = xasprintf("%s exists; a backup never replaces a file",
		    path);
		return -1;
	}
	tmp = xasprintf("%s.partial", path);
	unlink(tmp);
	rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK)
		rc = store_backup_copy(s, dst);
	/* The copy keeps the source's WAL mode; FULL syncs its last write. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(dst, "PRAGMA synchronous = FULL; "
		    "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		*cause = xasprintf("%s: %s", path, dst != NULL ?
		    sqlite3_errmsg(dst) : sqlite3_errstr(rc));
	if (sqlite3_close(dst) != SQLITE_OK && *cause == NULL)
		*cause = xasprintf("%s: cannot close the copy", path);
	if (*cause == NULL && rename(tmp, path) != 0)
		*cause = xasprintf("%s: %s", path, strerror(errno));
	if (*cause != NULL)
		unlink(tmp);
	free(tmp);
	return *cause != NULL ? -1 : 0;
}

int64_t
store_open_count(struct store *s)
{
	return store_int(s, "SELECT count(*) FROM incidents WHERE state IN "
	    OPEN_STATES);
}

/* A single integer from a statement such as a PRAGMA; -1 on error. */
static int64_t
store_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
store_exec_quiet(struct store *s, const char *sql)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* One migration, in its own transaction. Another process may have run it
 * between our read of user_version and now, so read it again inside. */
static int
store_migrate_one(struct store *s, char **cause)
{
	char *sql;
	int v;

	if (store_exec_quiet(s, "BEGIN IMMEDIATE") != 0) {
		*cause = store_cause(s, "cannot begin migration");
		return -1;
	}
	if ((v = (int)store_int(s, "PRAGMA user_version")) < 0 ||
	    v >= STORE_VERSION) {
		store_exec_quiet(s, "ROLLBACK");
		s->version = v;
		return v < 0 ? -1 : 0;
	}
	sql = xasprintf("%s; PRAGMA user_version = %d; COMMIT",
	    store_migrations[v], v + 1);
	if (store_exec_quiet(s, sql) != 0) {
		*cause = xasprintf("%s: migration to schema version %d: %s",
		    s->path, v + 1, sqlite3_errmsg(s->db));
		if (!sqlite3_get_autocommit(s->db))
			store_exec_quiet(s, "ROLLBACK");
		free(sql);
		return -1;
	}
	free(sql);
	s->version = v + 1;
	return 0;
}

/* Refuse what this program cannot read: a newer schema, or (read-only, so
 * we cannot migrate it) an older one. */
static int
store_check_version(struct store *s, char **cause)
{
	if (s->version < 0) {
		*cause = store_cause(s, "cannot read the schema version");
		return -1;
	}
	if (s->version > STORE_VERSION) {
		*cause = xasprintf("database schema version %d is newer than "
		    "this beacond supports (%d)", s->version, STORE_VERSION);
		return -1;
	}
	if ((s->flags & STORE_RDONLY) && s->version == 0) {
		*cause = xasprintf("database %s is empty (has beacond run?)",
		    s->path);
		return -1;
	}
	if ((s->flags & STORE_RDONLY) && s->version < STORE_VERSION) {
		*cause = xasprintf("database schema version %d is older than "
		    "this program reads (%d); start beacond to upgrade it",
		    s->version, STORE_VERSION);
		return -1;
	}
	return 0;
}

/* WAL lets the CLI read while beacond writes; FULL makes a commit survive
 * a power cut, which is what "received" promises. */
static int
store_setup_rw(struct store *s, char **cause)
{
	int from = s->version;

	if (store_exec_quiet(s, "PRAGMA journal_mode = WAL") != 0 ||
	    store_exec_quiet(s, "PRAGMA synchronous = FULL") != 0) {
		*cause = store_cause(s, "cannot set up the journal");
		return -1;
	}
	while (s->version < STORE_VERSION)
		if (store_migrate_one(s, cause) != 0) {
			if (*cause == NULL)
				*cause = store_cause(s, "cannot migrate");
			return -1;
		}
	/* A new database is no news; an upgrade of an old one is. */
	if (from == 0)
		log_debug("store: created schema in %s", s->path);
	else if (from < s->version)
		log_info("event=store_migrated db=%s from=%d schema=%d",
		    s->path, from, s->version);
	/* A newer beacond may have migrated it while we waited. */
	return store_check_version(s, cause);
}

static int
store_prepare(struct store *s, char **cause)
{
	size_t i;

	for (i = 0; i < S_COUNT; i++) {
		if ((s->flags & STORE_RDONLY) && store_sql[i].write)
			continue;
		if (sqlite3_prepare_v3(s->db, store_sql[i].sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) != SQLITE_OK) {
			*cause = store_cause(s, "cannot prepare statements");
			return -1;
		}
	}
	return 0;
}

/* Read-only never creates: a typo in --db must not look like an empty
 * history. */
static int
store_connect(struct store *s, char **cause)
{
	struct stat sb;
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	if (s->flags & STORE_RDONLY) {
		if (stat(s->path, &sb) == -1) {
			if (errno == ENOENT)
				*cause = xasprintf("no database at %s (has "
				    "beacond run?)", s->path);
			else
				*cause = xasprintf("%s: %s", s->path,
				    strerror(errno));
			return -1;
		}
		oflags = SQLITE_OPEN_READONLY;
	}
	if (sqlite3_open_v2(s->path, &s->db, oflags, NULL) != SQLITE_OK) {
		*cause = s->db == NULL ? xasprintf("%s: out of memory",
		    s->path) : store_cause(s, "cannot open database");
		return -1;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 5000);
	return 0;
}

/* ---- checkpoints --------------------------------------------------------- */

/*
 * SQLite copies the WAL into the database inside whichever commit leaves
 * 1,000 pages or more in it; at 1,000 reports a second that is a stall of
 * a few milliseconds a dozen times a second, in the loop that routes
 * reports. With STORE_LATE_CHECKPOINT a thread of the store's own, on a
 * connection of its own, does the bulk of the copy instead, as PASSIVE
 * checkpoints that never take the writer's lock. It cannot finish alone:
 * the loop commits while it copies. So when it is done it asks the loop
 * for the last step (store_checkpoint_due), a PASSIVE checkpoint of the
 * few pages written since, after which the next commit starts the WAL over.
 * A checkpoint that fails (a full disk) only leaves the WAL longer: every
 * commit is durable in the WAL already.
 */
#define CKPT_PAGES 1000 /* SQLite's own wal_autocheckpoint default */
#define CKPT_PASSES 2	/* the thread's passes: the second copies the few
			   pages committed during the first */

struct checkpointer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	sqlite3 *db;
	int state;	/* CK_IDLE, CK_WANTED, CK_COPYING, CK_TAIL */
	int stop;
	long done;	/* completed checkpoints */
};

enum { CK_IDLE, CK_WANTED, CK_COPYING, CK_TAIL };

static void
ckpt_log(sqlite3 *db, int rc)
{
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_warnx("store: checkpoint: %s", sqlite3_errmsg(db));
}

static void *
ckpt_main(void *arg)
{
	struct checkpointer *c = arg;
	int i, rc = SQLITE_OK;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (c->state != CK_WANTED && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop)
			break;
		c->state = CK_COPYING;
		pthread_mutex_unlock(&c->mu);
		for (i = 0; i < CKPT_PASSES; i++)
			rc = sqlite3_wal_checkpoint_v2(c->db, NULL,
			    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		ckpt_log(c->db, rc);
		pthread_mutex_lock(&c->mu);
		c->state = CK_TAIL;
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

static int
ckpt_state(struct checkpointer *c)
{
	int st;

	pthread_mutex_lock(&c->mu);
	st = c->state;
	pthread_mutex_unlock(&c->mu);
	return st;
}

/* After each commit of the loop's connection, instead of SQLite's
 * automatic checkpoint (which is a WAL hook too). */
static int
store_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store *s = arg;
	struct checkpointer *c = s->ckpt;

	(void)db;
	(void)name;
	if (pages < CKPT_PAGES)
		return SQLITE_OK;
	if (c == NULL) {
		s->ckpt_due = 1;
		return SQLITE_OK;
	}
	pthread_mutex_lock(&c->mu);
	if (c->state == CK_IDLE) {
		c->state = CK_WANTED;
		pthread_cond_signal(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	return SQLITE_OK;
}

int
store_checkpoint_due(struct store *s)
{
	return s->ckpt != NULL ? ckpt_state(s->ckpt) == CK_TAIL : s->ckpt_due;
}

void
store_checkpoint(struct store *s)
{
	struct checkpointer *c = s->ckpt;

	s->ckpt_due = 0;
	ckpt_log(s->db, sqlite3_wal_checkpoint_v2(s->db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL));
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->state = CK_IDLE;
	c->done++;
	pthread_mutex_unlock(&c->mu);
}

long
store_checkpoints(struct store *s)
{
	long n;

	if (s->ckpt == NULL)
		return 0;
	pthread_mutex_lock(&s->ckpt->mu);
	n = s->ckpt->done;
	pthread_mutex_unlock(&s->ckpt->mu);
	return n;
}

static void
store_ckpt_free(struct checkpointer *c)
{
	sqlite3_close(c->db);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static void
store_ckpt_stop(struct store *s)
{
	struct checkpointer *c = s->ckpt;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	store_ckpt_free(c);
	s->ckpt = NULL;
}

/* Without its thread the checkpoints are the loop's own, after its
 * publications: slower under load, still correct. */
static void
store_ckpt_start(struct store *s)
{
	struct checkpointer *c = xcalloc(1, sizeof *c);
	int rc;

	sqlite3_wal_hook(s->db, store_wal_hook, s);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (sqlite3_open_v2(s->path, &c->db, SQLITE_OPEN_READWRITE,
	    NULL) != SQLITE_OK) {
		log_warnx("store: the checkpointer cannot open %s: %s",
		    s->path, c->db ? sqlite3_errmsg(c->db) : "out of memory");
		store_ckpt_free(c);
		return;
	}
	sqlite3_exec(c->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	if ((rc = pthread_create(&c->thread, NULL, ckpt_main, c)) != 0) {
		log_warnx("store: cannot start the checkpointer: %s",
		    strerror(rc));
		store_ckpt_free(c);
		return;
	}
	s->ckpt = c;
}

static int
store_setup(struct store *s, char **cause)
{
	if (store_connect(s, cause) != 0)
		return -1;
	if (store_exec_quiet(s, "PRAGMA foreign_keys = ON") != 0) {
		*cause = store_cause(s, "cannot enable foreign keys");
		return -1;
	}
	/* The first read of the file: where a non-database shows. */
	s->version = (int)store_int(s, "PRAGMA user_version");
	if (store_check_version(s, cause) != 0)
		return -1;
	if (!(s->flags & STORE_RDONLY) && store_setup_rw(s, cause) != 0)
		return -1;
	if ((s->flags & (STORE_LATE_CHECKPOINT | STORE_RDONLY)) ==
	    STORE_LATE_CHECKPOINT && strcmp(s->path, ":memory:") != 0)
		store_ckpt_start(s);
	return store_prepare(s, cause);
}

struct store *
store_open(const char *path, int flags, char **cause)
{
	struct store *s;

	*cause = NULL;
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->flags = flags;
	if (store_setup(s, cause) != 0) {
		store_close(s);
		return NULL;
	}
	log_debug("store: opened %s schema=%d%s", path, s->version,
	    (flags & STORE_RDONLY) ? " read-only" : "");
	return s;
}

void
store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	store_ckpt_stop(s);
	store_replica_free(s);
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	/* An open transaction is rolled back: it was never announced. */
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		store_fail(s, "close");
	free(s->path);
	free(s);
}

int
store_schema_version(struct store *s)
{
	return s->version;
}

int
store_exec(struct store *s, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("store: exec: %s", err ? err : sqlite3_errmsg(s->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* ---- transactions ------------------------------------------------------ */

int
store_begin(struct store *s)
{
	enum store_stmt id;

	id = (s->flags & STORE_RDONLY) ? S_BEGIN_READ : S_BEGIN;
	s->failed = 0;
	return store_run(s, s->stmt[id], "begin");
}

/* A transaction in which a statement failed is never committed: some of
 * its rows would be missing (and a full disk may have rolled it back
 * already, leaving later statements to run on their own). */
int
store_commit(struct store *s)
{
	if (s->failed) {
		log_warnx("store: commit refused: %s", s->err);
		return -1;
	}
	if (store_replica_count(s) != 0 ||
	    store_run(s, s->stmt[S_COMMIT], "commit") != 0)
		return -1;
	store_replica_send(s);
	return 0;
}

int
store_failed(struct store *s)
{
	return s->failed;
}

const char *
store_error(struct store *s)
{
	return s->err[0] != '\0' ? s->err : "no error";
}

void
store_rollback(struct store *s)
{
	/* Some errors (a full disk) have already rolled it back. */
	if (store_in_txn(s))
		store_run(s, s->stmt[S_ROLLBACK], "rollback");
	store_replica_forget(s);
}

int
store_in_txn(struct store *s)
{
	return !sqlite3_get_autocommit(s->db);
}

/* ---- incidents --------------------------------------------------------- */

static void
store_col_text(sqlite3_stmt *st, int col, char *dst, size_t len)
{
	const char *v = (const char *)sqlite3_column_text(st, col);

	strlcpy_utf8(dst, v != NULL ? v : "", len);
}

/* The lists of an incident (migration 10): entries separated by LIST_SEP,
 * which an entry never holds (store_list_text). */
#define LIST_SEP '\x1e'

/* Read a list column into JOINED_MAX entries of size bytes; how many. */
static int
store_col_list(sqlite3_stmt *st, int col, char *list, size_t size)
{
	const char *v = (const char *)sqlite3_column_text(st, col), *end;
	char buf[NOTE_MAX + 1];
	int n = 0;
	size_t len;

	while (v != NULL && *v != '\0' && n < JOINED_MAX) {
		if ((end = strchr(v, LIST_SEP)) == NULL)
			end = v + strlen(v);
		len = (size_t)(end - v) < sizeof buf ? (size_t)(end - v) :
		    sizeof buf - 1;
		memcpy(buf, v, len);
		buf[len] = '\0';
		strlcpy_utf8(list + (size_t)n++ * size, buf, size);
		v = *end != '\0' ? end + 1 : end;
	}
	return n;
}

/* Read the related ids ("9 12") into RELATED_MAX entries; how many. */
static int
store_col_ids(sqlite3_stmt *st, int col, int64_t *ids)
{
	const char *v = (const char *)sqlite3_column_text(st, col);
	char *end;
	int n = 0;
	long long id;

	while (v != NULL && *v != '\0' && n < RELATED_MAX) {
		id = strtoll(v, &end, 10);
		if (end == v)
			break;
		if (id > 0)
			ids[n++] = id;
		v = end;
	}
	return n;
}

/* A list as one text (free it): entries joined by LIST_SEP, any LIST_SEP
 * inside an entry made a space. */
static char *
store_list_text(const char *list, int n, size_t size)
{
	char *out = xcalloc(1, (size_t)JOINED_MAX * (size + 1) + 1), *p;
	int i;

	for (i = 0; i < n && i < JOINED_MAX; i++) {
		if (i > 0)
			strcat(out, "\x1e");
		p = out + strlen(out);
		strcat(out, list + (size_t)i * size);
		for (; *p != '\0'; p++)
			if (*p == LIST_SEP)
				*p = ' ';
	}
	return out;
}

static char *
store_ids_text(const int64_t *ids, int n)
{
	char *out = xcalloc(1, RELATED_MAX * 21 + 1);
	size_t off = 0;
	int i;

	for (i = 0; i < n && i < RELATED_MAX; i++)
		off += (size_t)snprintf(out + off, RELATED_MAX * 21 + 1 - off,
		    "%s%lld", i ? " " : "", (long long)ids[i]);
	return out;
}

/* Bind the lists of inc at a, a + 1, a + 2 (locations, notes, devices);
 * 0 or an SQLite error code. */
static int
store_bind_lists(sqlite3_stmt *st, int a, const struct incident *inc)
{
	char *l = store_list_text(inc->locations[0], inc->nlocations,
	    sizeof inc->locations[0]);
	char *n = store_list_text(inc->notes[0], inc->nnotes,
	    sizeof inc->notes[0]);
	char *d = store_list_text(inc->devices[0], inc->ndevices,
	    sizeof inc->devices[0]);
	int rc = 0;

	rc |= sqlite3_bind_text(st, a, l, -1, free);
	rc |= sqlite3_bind_text(st, a + 1, n, -1, free);
	rc |= sqlite3_bind_text(st, a + 2, d, -1, free);
	return rc;
}

static void
store_row_incident(sqlite3_stmt *st, struct incident *inc)
{
	char state[32];

	memset(inc, 0, sizeof *inc);
	inc->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, inc->branch, sizeof inc->branch);
	store_col_text(st, 2, inc->r.id, sizeof inc->r.id);
	store_col_text(st, 3, inc->r.type, sizeof inc->r.type);
	inc->r.severity = sqlite3_column_int(st, 4);
	store_col_text(st, 5, inc->r.location, sizeof inc->r.location);
	store_col_text(st, 6, inc->r.device, sizeof inc->r.device);
	store_col_text(st, 7, inc->r.reporter, sizeof inc->r.reporter);
	store_col_text(st, 8, inc->r.note, sizeof inc->r.note);
	inc->r.silent = sqlite3_column_int(st, 9);
	inc->r.drill = sqlite3_column_int(st, 10);
	store_col_text(st, 11, inc->policy, sizeof inc->policy);
	store_col_text(st, 12, state, sizeof state);
	if ((inc->state = state_from_name(state)) == -1)
		log_warnx("store: incident %lld: unknown state \"%s\"",
		    (long long)inc->id, state);
	inc->call_911 = sqlite3_column_int(st, 13);
	inc->notified = sqlite3_column_int(st, 14);
	inc->created = sqlite3_column_int64(st, 15);
	inc->updated = sqlite3_column_int64(st, 16);
	inc->step = sqlite3_column_int(st, 17);
	inc->step_at = sqlite3_column_int64(st, 18);
	inc->due_at = sqlite3_column_int64(st, 19);
	inc->due_step = sqlite3_column_int(st, 20);
	store_col_text(st, 21, inc->acked_by, sizeof inc->acked_by);
	inc->nsteps = sqlite3_column_int(st, 22);
	inc->hold = sqlite3_column_int(st, 23);
	inc->presses = sqlite3_column_int(st, 24);
	inc->nlocations = store_col_list(st, 25, inc->locations[0],
	    sizeof inc->locations[0]);
	inc->nnotes = store_col_list(st, 26, inc->notes[0],
	    sizeof inc->notes[0]);
	inc->ndevices = store_col_list(st, 27, inc->devices[0],
	    sizeof inc->devices[0]);
	inc->nrelated = store_col_ids(st, 28, inc->related);
	/* Only the listings' statement reads the outcome, after the
	 * incident's own columns. */
	if (sqlite3_column_count(st) > 29)
		inc->outcome = sqlite3_column_int(st, 29);
}

/* Bind everything after the id, in INCIDENT_COLUMNS order; 0 or an SQLite
 * error code. */
static int
store_bind_incident(sqlite3_stmt *st, const struct incident *inc)
{
	const struct report *r = &inc->r;
	int rc = 0;

	rc |= store_bind_text(st, 1, inc->branch);
	rc |= store_bind_text(st, 2, r->id);
	rc |= store_bind_text(st, 3, r->type);
	rc |= sqlite3_bind_int(st, 4, r->severity);
	rc |= store_bind_text(st, 5, r->location);
	rc |= store_bind_text(st, 6, r->device);
	rc |= store_bind_text(st, 7, r->reporter);
	rc |= store_bind_text(st, 8, r->note);
	rc |= sqlite3_bind_int(st, 9, r->silent != 0);
	rc |= sqlite3_bind_int(st, 10, r->drill != 0);
	rc |= store_bind_text(st, 11, inc->policy);
	rc |= store_bind_text(st, 12, state_name(inc->state));
	rc |= sqlite3_bind_int(st, 13, inc->call_911 != 0);
	rc |= sqlite3_bind_int(st, 14, inc->notified);
	rc |= sqlite3_bind_int64(st, 15, inc->created);
	rc |= sqlite3_bind_int64(st, 16, inc->updated);
	rc |= sqlite3_bind_int(st, 17, inc->step);
	rc |= sqlite3_bind_int64(st, 18, inc->step_at);
	rc |= sqlite3_bind_int64(st, 19, inc->due_at);
	rc |= sqlite3_bind_int(st, 20, inc->due_step);
	rc |= store_bind_text(st, 21, inc->acked_by);
	rc |= sqlite3_bind_int(st, 22, inc->nsteps);
	rc |= store_bind_lists(st, 23, inc);
	rc |= sqlite3_bind_text(st, 26, store_ids_text(inc->related,
	    inc->nrelated), -1, free);
	return rc;
}

int
store_incident_insert(struct store *s, struct incident *inc)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, S_INCIDENT_INSERT, "incident insert")) == NULL)
		return -1;
	if (state_name(inc->state) == NULL) {
		log_warnx("store: incident insert: bad state %d", inc->state);
		return -1;
	}
	if (store_bind_incident(st, inc) != SQLITE_OK)
		rc = store_fail(s, "incident insert");
	else if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
		inc->id = sqlite3_last_insert_rowid(s->db);
		rc = 0;
	} else if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		/* Expected: a client retried the same report. */
		log_debug("store: branch=%s report=%s already recorded",
		    inc->branch, inc->r.id);
		rc = -1;
	} else
		rc = store_fail(s, "incident insert");
	store_done(st);
	return rc;
}

int
store_incident_update(struct store *s, const struct incident *inc)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_INCIDENT_UPDATE, "incident update")) == NULL)
		return -1;
	if (state_name(inc->state) == NULL) {
		log_warnx("store: incident %lld: bad state %d",
		    (long long)inc->id, inc->state);
		return -1;
	}
	rc |= store_bind_text(st, 1, state_name(inc->state));
	rc |= sqlite3_bind_int(st, 2, inc->call_911 != 0);
	rc |= sqlite3_bind_int(st, 3, inc->notified);
	rc |= sqlite3_bind_int64(st, 4, inc->updated);
	rc |= sqlite3_bind_int(st, 5, inc->step);
	rc |= sqlite3_bind_int64(st, 6, inc->step_at);
	rc |= sqlite3_bind_int64(st, 7, inc->due_at);
	rc |= sqlite3_bind_int(st, 8, inc->due_step);
	rc |= store_bind_text(st, 9, inc->acked_by);
	rc |= sqlite3_bind_int64(st, 10, inc->id);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "incident update");
	}
	if (store_run(s, st, "incident update") != 0)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		log_warnx("store: incident update: no incident %lld",
		    (long long)inc->id);
		return -1;
	}
	return 0;
}

/* Step a bound statement that returns at most one row, read by fn.
 * 1 found, 0 not, -1 error. */
typedef void (*store_row_fn)(sqlite3_stmt *, void *out);

static int
store_step_one(struct store *s, sqlite3_stmt *st, store_row_fn fn,
    void *out, const char *what)
{
	int rc;

	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		fn(st, out);
		rc = 1;
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		rc = store_fail(s, what);
		break;
	}
	store_done(st);
	return rc;
}

/* The same for a statement whose one parameter is an id. */
static int
store_get_one(struct store *s, enum store_stmt id, int64_t key,
    store_row_fn fn, void *out, const char *what)
{
	sqlite3_stmt *st = s->stmt[id];

	if (sqlite3_bind_int64(st, 1, key) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, what);
	}
	return store_step_one(s, st, fn, out, what);
}

static void
store_read_incident(sqlite3_stmt *st, void *out)
{
	store_row_incident(st, out);
}

int
store_incident_get(struct store *s, int64_t id, struct incident *out)
{
	return store_get_one(s, S_INCIDENT_GET, id, store_read_incident, out,
	    "incident get");
}

int
store_incident_by_report(struct store *s, const char *branch,
    const char *report_id, struct incident *out)
{
	sqlite3_stmt *st = s->stmt[S_INCIDENT_BY_REPORT];

	if ((store_bind_text(st, 1, branch) |
	    store_bind_text(st, 2, report_id)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "incident by report");
	}
	return store_step_one(s, st, store_read_incident, out,
	    "incident by report");
}

/* Walk an incident query. A callback may use the store, but not start the
 * same walk again: the statement is still stepping. */
static int
store_walk(struct store *s, sqlite3_stmt *st, store_incident_cb cb,
    void *arg, const char *what)
{
	struct incident inc;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_row_incident(st, &inc);
		if (cb(&inc, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, what);
	store_done(st);
	return rc;
}

static int
store_walk_busy(sqlite3_stmt *st, const char *what)
{
	if (!sqlite3_stmt_busy(st))
		return 0;
	log_warnx("store: %s: called again from its own callback", what);
	return 1;
}

int
store_incidents(struct store *s, int flags, const char *branch,
    store_incident_cb cb, void *arg)
{
	sqlite3_stmt *st;

	st = s->stmt[(flags & STORE_OPEN_ONLY) ? S_INCIDENTS_OPEN : S_INCIDENTS];
	if (store_walk_busy(st, "incidents"))
		return -1;
	if (store_bind_text(st, 1, branch) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "incidents");
	}
	return store_walk(s, st, cb, arg, "incidents");
}

int
store_pending(struct store *s, store_incident_cb cb, void *arg)
{
	sqlite3_stmt *st = s->stmt[S_PENDING];

	if (store_walk_busy(st, "pending"))
		return -1;
	return store_walk(s, st, cb, arg, "pending");
}

/* ---- events ------------------------------------------------------------ */

int
store_event_append(struct store *s, struct event *ev)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_EVENT_APPEND, "event append")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, ev->incident);
	rc |= sqlite3_bind_int64(st, 2, ev->ts);
	rc |= store_bind_text(st, 3, ev->kind);
	rc |= store_bind_text(st, 4, ev->actor);
	rc |= sqlite3_bind_int(st, 5, ev->step);
	rc |= store_bind_text(st, 6, ev->detail);
	rc |= sqlite3_bind_int64(st, 7, ev->corrects);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "event append");
	}
	if (store_run(s, st, "event append") != 0)
		return -1;
	ev->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static void
store_row_event(sqlite3_stmt *st, struct event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->id = sqlite3_column_int64(st, 0);
	ev->incident = sqlite3_column_int64(st, 1);
	ev->ts = sqlite3_column_int64(st, 2);
	store_col_text(st, 3, ev->kind, sizeof ev->kind);
	store_col_text(st, 4, ev->actor, sizeof ev->actor);
	ev->step = sqlite3_column_int(st, 5);
	store_col_text(st, 6, ev->detail, sizeof ev->detail);
	ev->corrects = sqlite3_column_int64(st, 7);
}

int
store_timeline(struct store *s, int64_t incident, store_event_cb cb,
    void *arg)
{
	sqlite3_stmt *st = s->stmt[S_TIMELINE];
	struct event ev;
	int rc;

	if (store_walk_busy(st, "timeline"))
		return -1;
	if (sqlite3_bind_int64(st, 1, incident) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "timeline");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_row_event(st, &ev);
		if (cb(&ev, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, "timeline");
	store_done(st);
	return rc;
}

int
store_was_notified(struct store *s, int64_t incident, const char *responder)
{
	sqlite3_stmt *st = s->stmt[S_WAS_NOTIFIED];
	int rc;

	if ((sqlite3_bind_int64(st, 1, incident) |
	    store_bind_text(st, 2, responder)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "was notified");
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = sqlite3_column_int(st, 0) != 0;
	else
		rc = store_fail(s, "was notified");
	store_done(st);
	return rc;
}

/* ---- supervisors' filters --------------------------------------------- */

void
store_filter_init(struct incident_filter *f)
{
	memset(f, 0, sizeof *f);
	f->state = -1;
	f->drill = -1;
}

static int
store_bind_filter(sqlite3_stmt *st, const struct incident_filter *f)
{
	int rc = 0;

	rc |= sqlite3_bind_int64(st, 1, f->since);
	rc |= sqlite3_bind_int64(st, 2, f->until > 0 ? f->until : INT64_MAX);
	rc |= store_bind_text(st, 3, f->branch);
	rc |= store_bind_text(st, 4, f->type);
	rc |= sqlite3_bind_int(st, 5, f->severity);
	rc |= store_bind_text(st, 6, f->state >= 0 ? state_name(f->state) :
	    NULL);
	rc |= sqlite3_bind_int(st, 7, f->open != 0);
	rc |= sqlite3_bind_int(st, 8, f->drill < 0 ? -1 : f->drill != 0);
	rc |= store_bind_text(st, 9, f->responder);
	rc |= sqlite3_bind_int(st, 10, f->limit > 0 ? f->limit : -1);
	rc |= sqlite3_bind_int(st, 11, f->outcome);
	return rc;
}

int
store_incidents_filter(struct store *s, const struct incident_filter *f,
    store_incident_cb cb, void *arg)
{
	sqlite3_stmt *st = s->stmt[S_FILTER];

	if (store_walk_busy(st, "incidents filter"))
		return -1;
	if (store_bind_filter(st, f) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "incidents filter");
	}
	return store_walk(s, st, cb, arg, "incidents filter");
}

int
store_incident_hold(struct store *s, int64_t incident, int hold)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, S_HOLD, "hold")) == NULL)
		return -1;
	if ((sqlite3_bind_int64(st, 1, incident) |
	    sqlite3_bind_int(st, 2, hold != 0)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "hold");
	}
	if (store_run(s, st, "hold") != 0)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		log_warnx("store: hold: no incident %lld", (long long)incident);
		return -1;
	}
	return 0;
}

static void
store_read_event(sqlite3_stmt *st, void *out)
{
	store_row_event(st, out);
}

int
store_event_get(struct store *s, int64_t id, struct event *out)
{
	return store_get_one(s, S_EVENT_GET, id, store_read_event, out,
	    "event get");
}

/* ---- debriefs ---------------------------------------------------------- */

static int
store_bind_due(sqlite3_stmt *st, const struct debrief_due *d)
{
	return sqlite3_bind_int64(st, 1, d->incident) |
	    sqlite3_bind_int64(st, 2, d->opened) |
	    sqlite3_bind_int64(st, 3, d->due_at) |
	    sqlite3_bind_int64(st, 4, d->next_at) |
	    sqlite3_bind_int(st, 5, d->stage);
}

static void
store_row_due(sqlite3_stmt *st, struct debrief_due *d)
{
	d->incident = sqlite3_column_int64(st, 0);
	d->opened = sqlite3_column_int64(st, 1);
	d->due_at = sqlite3_column_int64(st, 2);
	d->next_at = sqlite3_column_int64(st, 3);
	d->stage = sqlite3_column_int(st, 4);
}

/* Bind a lifecycle row to a write statement and run it. */
static int
store_due_write(struct store *s, enum store_stmt id,
    const struct debrief_due *d, const char *what)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, id, what)) == NULL)
		return -1;
	if (store_bind_due(st, d) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, what);
	}
	return store_run(s, st, what);
}

int
store_debrief_open(struct store *s, const struct debrief_due *d)
{
	return store_due_write(s, S_DUE_OPEN, d, "debrief open");
}

int
store_debrief_due_update(struct store *s, const struct debrief_due *d)
{
	return store_due_write(s, S_DUE_UPDATE, d, "debrief update");
}

static void
store_read_due(sqlite3_stmt *st, void *out)
{
	store_row_due(st, out);
}

int
store_debrief_due_get(struct store *s, int64_t incident,
    struct debrief_due *out)
{
	return store_get_one(s, S_DUE_GET, incident, store_read_due, out,
	    "debrief get");
}

int
store_debrief_pending(struct store *s, store_due_cb cb, void *arg)
{
	sqlite3_stmt *st = s->stmt[S_DUE_PENDING];
	struct debrief_due d;
	int rc;

	if (store_walk_busy(st, "debrief pending"))
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_row_due(st, &d);
		if (cb(&d, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, "debrief pending");
	store_done(st);
	return rc;
}

int
store_debrief_add(struct store *s, int64_t incident, int64_t ts,
    const char *author, int open_actions, const char *json, int *revision)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_DEBRIEF_ADD, "debrief add")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, incident);
	rc |= sqlite3_bind_int64(st, 2, ts);
	rc |= store_bind_text(st, 3, author);
	rc |= sqlite3_bind_int(st, 4, open_actions);
	rc |= store_bind_text(st, 5, json);
	if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		rc = store_fail(s, "debrief add");
		store_done(st);
		return rc;
	}
	*revision = sqlite3_column_int(st, 0);
	/* RETURNING: the row is written when the statement completes. */
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(s,
	    "debrief add");
	store_done(st);
	return rc;
}

int
store_debriefs(struct store *s, int64_t incident, int latest_only,
    store_debrief_cb cb, void *arg)
{
	sqlite3_stmt *st = s->stmt[S_DEBRIEFS];
	struct debrief_row row;
	int rc;

	if (store_walk_busy(st, "debriefs"))
		return -1;
	if ((sqlite3_bind_int64(st, 1, incident) |
	    sqlite3_bind_int(st, 2, latest_only != 0)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "debriefs");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof row);
		row.incident = sqlite3_column_int64(st, 0);
		row.revision = sqlite3_column_int(st, 1);
		row.ts = sqlite3_column_int64(st, 2);
		store_col_text(st, 3, row.author, sizeof row.author);
		row.open_actions = sqlite3_column_int(st, 4);
		row.json = (const char *)sqlite3_column_text(st, 5);
		if (row.json == NULL)
			row.json = "{}";
		if (cb(&row, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, "debriefs");
	store_done(st);
	return rc;
}

/* ---- retention --------------------------------------------------------- */

/*
 * The purge's statements run once a day: prepared when used, not at open.
 * ?1 is the cutoff, ?2 the purge's row id. Each returns the rows it
 * changed, or a count for the SELECTs.
 */
static const char *const purge_count_sql[] = {
	"SELECT count(*) FROM incidents WHERE " PURGE_WHERE,
	"SELECT count(*) FROM events WHERE incident IN (SELECT id FROM"
	" incidents WHERE " PURGE_WHERE ")",
	"SELECT count(*) FROM debriefs WHERE incident IN (SELECT id FROM"
	" incidents WHERE " PURGE_WHERE ")",
	"SELECT count(*) FROM incidents WHERE created < ?1 AND hold != 0"
	" AND state NOT IN " OPEN_STATES,
	"SELECT count(*) FROM incidents WHERE " PURGE_OLD " AND "
	ACTIONS_OPEN("incidents.id"),
};

/* Children first: the foreign keys point at incidents. */
static const char *const purge_delete_sql[] = {
	"DELETE FROM outbox WHERE incident IN (SELECT id FROM incidents"
	" WHERE " PURGE_WHERE ")",
	"DELETE FROM events WHERE incident IN (SELECT id FROM incidents"
	" WHERE " PURGE_WHERE ")",
	"DELETE FROM debriefs WHERE incident IN (SELECT id FROM incidents"
	" WHERE " PURGE_WHERE ")",
	"DELETE FROM debrief_due WHERE incident IN (SELECT id FROM incidents"
	" WHERE " PURGE_WHERE ")",
	"DELETE FROM presses WHERE incident IN (SELECT id FROM incidents"
	" WHERE " PURGE_WHERE ")",
	"DELETE FROM incidents WHERE " PURGE_WHERE,
};

/* Run one purge statement with the cutoff bound; the count (a SELECT's
 * first column, else the rows changed), or -1. */
static int64_t
store_purge_one(struct store *s, const char *sql, int64_t cutoff)
{
	sqlite3_stmt *st;
	int64_t n = -1;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "purge");
	sqlite3_bind_int64(st, 1, cutoff);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		n = sqlite3_changes64(s->db);
	else
		store_fail(s, "purge");
	sqlite3_finalize(st);
	return n;
}

static int
store_purge_count(struct store *s, int64_t cutoff, struct purge_counts *c)
{
	int64_t *dst[] = { &c->incidents, &c->events, &c->debriefs,
		&c->kept_hold, &c->kept_actions };
	size_t i;

	for (i = 0; i < nitems(dst); i++)
		if ((*dst[i] = store_purge_one(s, purge_count_sql[i],
		    cutoff)) < 0)
			return -1;
	return 0;
}

/* The purges row that opens the triggers, then the deletions, then the
 * row records what went. */
static int
store_purge_delete(struct store *s, int64_t cutoff, int64_t now,
    const struct purge_counts *c)
{
	char *sql;
	size_t i;
	int rc;

	sql = sqlite3_mprintf("INSERT INTO purges (ts, cutoff, incidents, "
	    "events, debriefs, kept_hold, kept_actions) VALUES (%lld, %lld, "
	    "%lld, %lld, %lld, %lld, %lld)", (long long)now, (long long)cutoff,
	    (long long)c->incidents, (long long)c->events,
	    (long long)c->debriefs, (long long)c->kept_hold,
	    (long long)c->kept_actions);
	rc = sql != NULL ? store_exec(s, sql) : -1;
	sqlite3_free(sql);
	for (i = 0; rc == 0 && i < nitems(purge_delete_sql); i++)
		if (store_purge_one(s, purge_delete_sql[i], cutoff) < 0)
			rc = -1;
	if (rc == 0)
		rc = store_exec(s, "UPDATE purges SET done = 1 WHERE done = 0");
	return rc;
}

int
store_purge(struct store *s, int64_t cutoff, int64_t now, int dry_run,
    struct purge_counts *out)
{
	int own = 0, rc;

	memset(out, 0, sizeof *out);
	if (!dry_run && !store_in_txn(s)) {
		if (store_begin(s) != 0)
			return -1;
		own = 1;
	}
	rc = store_purge_count(s, cutoff, out);
	if (rc == 0 && !dry_run && out->incidents > 0)
		rc = store_purge_delete(s, cutoff, now, out);
	if (own && rc == 0)
		rc = store_commit(s);
	if (own && rc != 0)
		store_rollback(s);
	if (rc == 0 && !dry_run)
		log_info("event=purge cutoff=%lld incidents=%lld events=%lld "
		    "debriefs=%lld kept_hold=%lld kept_actions=%lld",
		    (long long)cutoff, (long long)out->incidents,
		    (long long)out->events, (long long)out->debriefs,
		    (long long)out->kept_hold, (long long)out->kept_actions);
	return rc;
}

int
store_purge_candidates(struct store *s, int64_t cutoff, store_incident_cb cb,
    void *arg)
{
	sqlite3_stmt *st = s->stmt[S_PURGE_CANDIDATES];

	if (store_walk_busy(st, "purge candidates"))
		return -1;
	if (sqlite3_bind_int64(st, 1, cutoff) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "purge candidates");
	}
	return store_walk(s, st, cb, arg, "purge candidates");
}

/* ---- devices ----------------------------------------------------------- */

static void
store_read_device(sqlite3_stmt *st, void *out)
{
	struct device *d = out;

	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, d->branch, sizeof d->branch);
	store_col_text(st, 2, d->device, sizeof d->device);
	store_col_text(st, 3, d->kind, sizeof d->kind);
	d->online = sqlite3_column_int(st, 4);
	d->last_seen = sqlite3_column_int64(st, 5);
	d->since = sqlite3_column_int64(st, 6);
	d->due_at = sqlite3_column_int64(st, 7);
	d->flagged = sqlite3_column_int(st, 8);
	d->selftest_at = sqlite3_column_int64(st, 9);
	d->rtt_ms = sqlite3_column_int64(st, 10);
}

int
store_device_put(struct store *s, struct device *d)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_DEVICE_PUT, "device put")) == NULL)
		return -1;
	rc |= store_bind_text(st, 1, d->branch);
	rc |= store_bind_text(st, 2, d->device);
	rc |= store_bind_text(st, 3, d->kind);
	rc |= sqlite3_bind_int(st, 4, d->online != 0);
	rc |= sqlite3_bind_int64(st, 5, d->last_seen);
	rc |= sqlite3_bind_int64(st, 6, d->since);
	rc |= sqlite3_bind_int64(st, 7, d->due_at);
	rc |= sqlite3_bind_int(st, 8, d->flagged != 0);
	rc |= sqlite3_bind_int64(st, 9, d->selftest_at);
	rc |= sqlite3_bind_int64(st, 10, d->rtt_ms);
	if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		rc = store_fail(s, "device put");
		store_done(st);
		return rc;
	}
	d->id = sqlite3_column_int64(st, 0);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_fail(s, "device put");
	store_done(st);
	return rc;
}

int
store_device_get(struct store *s, const char *branch, const char *device,
    struct device *out)
{
	sqlite3_stmt *st = s->stmt[S_DEVICE_GET];

	if ((store_bind_text(st, 1, branch) |
	    store_bind_text(st, 2, device)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "device get");
	}
	return store_step_one(s, st, store_read_device, out, "device get");
}

int
store_device_by_id(struct store *s, int64_t id, struct device *out)
{
	return store_get_one(s, S_DEVICE_BY_ID, id, store_read_device, out,
	    "device get");
}

static int
store_walk_devices(struct store *s, sqlite3_stmt *st, store_device_cb cb,
    void *arg, const char *what)
{
	struct device d;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_read_device(st, &d);
		if (cb(&d, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, what);
	store_done(st);
	return rc;
}

int
store_devices(struct store *s, const char *branch, store_device_cb cb,
    void *arg)
{
	sqlite3_stmt *st = s->stmt[S_DEVICES];

	if (store_walk_busy(st, "devices"))
		return -1;
	if (store_bind_text(st, 1, branch) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "devices");
	}
	return store_walk_devices(s, st, cb, arg, "devices");
}

int
store_devices_pending(struct store *s, store_device_cb cb, void *arg)
{
	sqlite3_stmt *st = s->stmt[S_DEVICES_PENDING];

	if (store_walk_busy(st, "devices pending"))
		return -1;
	return store_walk_devices(s, st, cb, arg, "devices pending");
}

int
store_device_event(struct store *s, int64_t ts, const struct device *d,
    const char *kind, const char *detail)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_DEVICE_EVENT, "device event")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, ts);
	rc |= store_bind_text(st, 2, d->branch);
	rc |= store_bind_text(st, 3, d->device);
	rc |= store_bind_text(st, 4, kind);
	rc |= store_bind_text(st, 5, detail != NULL ? detail : "");
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "device event");
	}
	return store_run(s, st, "device event");
}

/* ---- refused input ----------------------------------------------------- */

int
store_reject(struct store *s, int64_t ts, const char *topic,
    const char *report_id, const char *error, const void *payload,
    size_t len)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_REJECT, "reject")) == NULL)
		return -1;
	if (len > PAYLOAD_MAX)
		len = PAYLOAD_MAX;
	rc |= sqlite3_bind_int64(st, 1, ts);
	rc |= store_bind_text(st, 2, topic);
	rc |= store_bind_text(st, 3, report_id);
	rc |= store_bind_text(st, 4, error);
	if (payload != NULL)
		rc |= sqlite3_bind_blob(st, 5, payload, (int)len,
		    SQLITE_STATIC);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "reject");
	}
	return store_run(s, st, "reject");
}

int64_t
store_reject_excess(struct store *s, int64_t ts, const char *topic,
    const char *error, const void *payload, size_t len, int64_t count)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_REJECT_EXCESS, "reject excess")) == NULL)
		return -1;
	if (len > PAYLOAD_MAX)
		len = PAYLOAD_MAX;
	rc |= sqlite3_bind_int64(st, 1, ts);
	rc |= store_bind_text(st, 2, topic);
	rc |= store_bind_text(st, 3, error);
	if (payload != NULL)
		rc |= sqlite3_bind_blob(st, 4, payload, (int)len,
		    SQLITE_STATIC);
	rc |= sqlite3_bind_int64(st, 5, count);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "reject excess");
	}
	if (store_run(s, st, "reject excess") != 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

int
store_reject_recount(struct store *s, int64_t id, int64_t ts,
    const char *topic, const char *error, int64_t count)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_REJECT_RECOUNT, "reject recount")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, id);
	rc |= store_bind_text(st, 2, error);
	rc |= sqlite3_bind_int64(st, 3, count);
	rc |= sqlite3_bind_int64(st, 4, ts);
	rc |= store_bind_text(st, 5, topic);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "reject recount");
	}
	if (store_run(s, st, "reject recount") != 0)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

static int64_t
store_count(struct store *s, enum store_stmt id, const char *what)
{
	sqlite3_stmt *st = s->stmt[id];
	int64_t n;

	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		n = store_fail(s, what);
	store_done(st);
	return n;
}

int64_t
store_reject_count(struct store *s)
{
	return store_count(s, S_REJECT_COUNT, "reject count");
}

int64_t
store_reject_messages(struct store *s)
{
	return store_count(s, S_REJECT_MESSAGES, "reject messages");
}

/* ---- the notification outbox ------------------------------------------ */

int64_t
store_outbox_add(struct store *s, int64_t incident, const char *responder,
    const char *topic, const char *payload, int64_t ts)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_OUTBOX_ADD, "outbox add")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, incident);
	rc |= store_bind_text(st, 2, responder);
	rc |= store_bind_text(st, 3, topic);
	rc |= store_bind_text(st, 4, payload);
	rc |= sqlite3_bind_int64(st, 5, ts);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "outbox add");
	}
	if (store_run(s, st, "outbox add") != 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

int
store_outbox_mark(struct store *s, int64_t id, int delivered, int64_t ts)
{
	enum store_stmt sid = delivered ? S_OUTBOX_DELIVERED :
	    S_OUTBOX_PUBLISHED;
	sqlite3_stmt *st;

	if ((st = store_stmt(s, sid, "outbox mark")) == NULL)
		return -1;
	if ((sqlite3_bind_int64(st, 1, id) |
	    sqlite3_bind_int64(st, 2, ts)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "outbox mark");
	}
	return store_run(s, st, "outbox mark");
}

int
store_outbox_undelivered(struct store *s, store_outbox_cb cb, void *arg)
{
	sqlite3_stmt *st = s->stmt[S_OUTBOX_UNDELIVERED];
	struct outbox_row r;
	int rc;

	if (store_walk_busy(st, "outbox"))
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.id = sqlite3_column_int64(st, 0);
		r.incident = sqlite3_column_int64(st, 1);
		r.responder = (const char *)sqlite3_column_text(st, 2);
		r.topic = (const char *)sqlite3_column_text(st, 3);
		r.payload = (const char *)sqlite3_column_text(st, 4);
		r.state = (const char *)sqlite3_column_text(st, 5);
		r.attempts = sqlite3_column_int(st, 6);
		/* The columns are NOT NULL; only out of memory leaves one
		 * NULL, and then the row waits for the next start. */
		if (r.responder == NULL || r.topic == NULL ||
		    r.payload == NULL || r.state == NULL)
			continue;
		if (cb(&r, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, "outbox");
	store_done(st);
	return rc;
}

/* ---- on duty: run-time overrides --------------------------------------- */

static int
store_oncall_event(struct store *s, int64_t ts, const char *kind,
    int64_t id, const struct duty_override *ov, const char *actor,
    const char *detail)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_ONCALL_EVENT, "on-call event")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, ts);
	rc |= store_bind_text(st, 2, kind);
	rc |= sqlite3_bind_int64(st, 3, id);
	rc |= store_bind_text(st, 4, ov->responder);
	rc |= store_bind_text(st, 5, ov->branch);
	rc |= store_bind_text(st, 6, actor);
	rc |= store_bind_text(st, 7, detail);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "on-call event");
	}
	return store_run(s, st, "on-call event");
}

int64_t
store_oncall_set(struct store *s, const struct duty_override *ov,
    const char *detail)
{
	sqlite3_stmt *st;
	int64_t id;
	int rc = 0;

	if ((st = store_stmt(s, S_ONCALL_SET, "on-call set")) == NULL)
		return -1;
	rc |= store_bind_text(st, 1, ov->responder);
	rc |= store_bind_text(st, 2, ov->branch);
	rc |= sqlite3_bind_int(st, 3, ov->on);
	rc |= sqlite3_bind_int64(st, 4, ov->from);
	rc |= sqlite3_bind_int64(st, 5, ov->until);
	rc |= store_bind_text(st, 6, ov->by);
	rc |= sqlite3_bind_int64(st, 7, ov->set_at);
	rc |= store_bind_text(st, 8, ov->note);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "on-call set");
	}
	if (store_run(s, st, "on-call set") != 0)
		return -1;
	id = sqlite3_last_insert_rowid(s->db);
	if (store_oncall_event(s, ov->set_at, "set", id, ov, ov->by, detail) !=
	    0)
		return -1;
	return id;
}

/* Bind the four parameters of the two clearing statements. */
static int
store_oncall_bind(sqlite3_stmt *st, int64_t now, const char *by,
    const char *responder, const char *branch)
{
	int rc = 0;

	rc |= sqlite3_bind_int64(st, 1, now);
	rc |= store_bind_text(st, 2, by);
	rc |= store_bind_text(st, 3, responder);
	rc |= store_bind_text(st, 4, branch);
	return rc;
}

int
store_oncall_clear(struct store *s, const char *responder, const char *branch,
    const char *by, int64_t now)
{
	enum store_stmt ids[] = { S_ONCALL_CLEAR_EVENTS, S_ONCALL_CLEAR };
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < nitems(ids); i++) {
		if ((st = store_stmt(s, ids[i], "on-call clear")) == NULL)
			return -1;
		if (store_oncall_bind(st, now, by, responder, branch) !=
		    SQLITE_OK) {
			store_done(st);
			return store_fail(s, "on-call clear");
		}
		if (store_run(s, st, "on-call clear") != 0)
			return -1;
	}
	return sqlite3_changes(s->db);
}

int
store_oncall_active(struct store *s, int64_t now, store_oncall_cb cb,
    void *arg)
{
	struct duty_override ov;
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, S_ONCALL_ACTIVE, "on-call overrides")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&ov, 0, sizeof ov);
		ov.id = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, ov.responder, sizeof ov.responder);
		store_col_text(st, 2, ov.branch, sizeof ov.branch);
		ov.on = sqlite3_column_int(st, 3);
		ov.from = sqlite3_column_int64(st, 4);
		ov.until = sqlite3_column_int64(st, 5);
		store_col_text(st, 6, ov.by, sizeof ov.by);
		ov.set_at = sqlite3_column_int64(st, 7);
		store_col_text(st, 8, ov.note, sizeof ov.note);
		if (cb(&ov, arg) != 0)
			break;
	}
	store_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    store_fail(s, "on-call overrides");
}

int
store_oncall_events(struct store *s, int64_t since, const char *branch,
    store_oncall_event_cb cb, void *arg)
{
	struct oncall_event ev;
	sqlite3_stmt *st;
	int rc;

	if ((st = store_stmt(s, S_ONCALL_EVENTS, "on-call events")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, since);
	store_bind_text(st, 2, branch);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&ev, 0, sizeof ev);
		ev.ts = sqlite3_column_int64(st, 0);
		store_col_text(st, 1, ev.kind, sizeof ev.kind);
		ev.override = sqlite3_column_int64(st, 2);
		store_col_text(st, 3, ev.responder, sizeof ev.responder);
		store_col_text(st, 4, ev.branch, sizeof ev.branch);
		store_col_text(st, 5, ev.actor, sizeof ev.actor);
		store_col_text(st, 6, ev.detail, sizeof ev.detail);
		if (cb(&ev, arg) != 0)
			break;
	}
	store_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    store_fail(s, "on-call events");
}

/* ---- alarms that are not real ----------------------------------------- */

int
store_incident_press(struct store *s, struct incident *inc)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_PRESS, "press")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, inc->id);
	rc |= sqlite3_bind_int(st, 2, inc->r.severity);
	rc |= store_bind_text(st, 3, inc->r.location);
	rc |= sqlite3_bind_int64(st, 4, inc->updated);
	rc |= store_bind_text(st, 5, inc->r.note);
	rc |= store_bind_lists(st, 6, inc);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "press");
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		inc->presses = sqlite3_column_int(st, 0);
		rc = 0;
	} else
		rc = store_fail(s, "press");
	store_done(st);
	return rc;
}

/* Each name statement `which` gives for the incident, to cb. */
static int
store_incident_names(struct store *s, enum store_stmt which,
    const char *what, int64_t incident, store_name_cb cb, void *arg)
{
	sqlite3_stmt *st = s->stmt[which];
	int rc;

	if (sqlite3_bind_int64(st, 1, incident) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, what);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb((const char *)sqlite3_column_text(st, 0), arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	rc = rc == SQLITE_DONE ? 0 : store_fail(s, what);
	store_done(st);
	return rc;
}

int
store_notified(struct store *s, int64_t incident, store_name_cb cb, void *arg)
{
	return store_incident_names(s, S_NOTIFIED, "notified", incident, cb,
	    arg);
}

int
store_press_reports(struct store *s, int64_t incident, store_name_cb cb,
    void *arg)
{
	return store_incident_names(s, S_PRESS_REPORTS, "press reports",
	    incident, cb, arg);
}

int
store_incident_joinable(struct store *s, const char *branch, const char *type,
    int drill, int64_t since, store_incident_cb cb, void *arg)
{
	sqlite3_stmt *st = s->stmt[S_JOINABLE];

	if (store_walk_busy(st, "joinable incidents"))
		return -1;
	if ((store_bind_text(st, 1, branch) | store_bind_text(st, 2, type) |
	    sqlite3_bind_int64(st, 3, since) |
	    sqlite3_bind_int(st, 4, drill != 0)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "joinable incidents");
	}
	return store_walk(s, st, cb, arg, "joinable incidents");
}

int
store_incident_related(struct store *s, const struct incident *inc)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_RELATED, "related")) == NULL)
		return -1;
	rc |= sqlite3_bind_int64(st, 1, inc->id);
	rc |= sqlite3_bind_text(st, 2, store_ids_text(inc->related,
	    inc->nrelated), -1, free);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "related");
	}
	return store_run(s, st, "related");
}

int
store_mode_set(struct store *s, const struct branch_mode *m)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_stmt(s, S_MODE_SET, "branch mode")) == NULL)
		return -1;
	rc |= store_bind_text(st, 1, m->branch);
	rc |= store_bind_text(st, 2, m->mode);
	rc |= sqlite3_bind_int64(st, 3, m->ts);
	rc |= sqlite3_bind_int64(st, 4, m->until);
	rc |= store_bind_text(st, 5, m->actor);
	if (rc != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "branch mode");
	}
	return store_run(s, st, "branch mode");
}

static void
store_read_mode(sqlite3_stmt *st, void *out)
{
	struct branch_mode *m = out;

	m->ts = sqlite3_column_int64(st, 0);
	m->until = sqlite3_column_int64(st, 1);
	store_col_text(st, 2, m->actor, sizeof m->actor);
}

int
store_mode_get(struct store *s, const char *branch, const char *mode,
    struct branch_mode *out)
{
	sqlite3_stmt *st = s->stmt[S_MODE_GET];

	memset(out, 0, sizeof *out);
	strlcpy_utf8(out->branch, branch, sizeof out->branch);
	strlcpy_utf8(out->mode, mode, sizeof out->mode);
	if ((store_bind_text(st, 1, branch) | store_bind_text(st, 2, mode)) !=
	    SQLITE_OK) {
		store_done(st);
		return store_fail(s, "branch mode");
	}
	return store_step_one(s, st, store_read_mode, out, "branch mode");
}

int
store_press_add(struct store *s, const char *branch, const char *report_id,
    int64_t incident, int64_t ts)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, S_PRESS_ADD, "press add")) == NULL)
		return -1;
	if ((store_bind_text(st, 1, branch) | store_bind_text(st, 2,
	    report_id) | sqlite3_bind_int64(st, 3, incident) |
	    sqlite3_bind_int64(st, 4, ts)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "press add");
	}
	return store_run(s, st, "press add");
}

int
store_press_incident(struct store *s, const char *branch,
    const char *report_id, struct incident *out)
{
	sqlite3_stmt *st = s->stmt[S_PRESS_GET];

	if ((store_bind_text(st, 1, branch) |
	    store_bind_text(st, 2, report_id)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "press get");
	}
	return store_step_one(s, st, store_read_incident, out, "press get");
}

/* ---- replication ------------------------------------------------------- */

/*
 * A standby pair (docs/deployment.md): the active instance hands each
 * committed transaction's changes to its caller, who publishes them; the
 * standby applies them to its own database. SQLite's session extension
 * records the changes (every table with a primary key, replication's own
 * bookkeeping excepted) and applies them by primary key, so a row keeps
 * its id, the timeline its order, and applying twice changes nothing.
 *
 * A payload is a header line, "beacon-replica 1 SCHEMA TERM SEQ\n", then
 * the changeset. TERM is the active's lease and SEQ counts its commits
 * from 1; the standby keeps the last (TERM, SEQ) it applied in the same
 * transaction as the rows, and skips anything not after it.
 */
#define REPLICA_MAGIC "beacon-replica 1"

struct replica {
	sqlite3_session *sess;
	char instance[ID_MAX + 1];
	int64_t term;
	int64_t seq;
	int64_t ts;		/* when replication started */
	int marked;		/* this transaction took number seq + 1 */
	store_changes_fn fn;
	void *arg;
};

static int
store_replica_filter(void *arg, const char *table)
{
	(void)arg;
	return strcmp(table, "replication") != 0;
}

/* A new session: it records from now on. */
static int
store_replica_session(struct store *s)
{
	struct replica *r = s->rep;

	if (r->sess != NULL)
		sqlite3session_delete(r->sess);
	r->sess = NULL;
	if (sqlite3session_create(s->db, "main", &r->sess) != SQLITE_OK ||
	    sqlite3session_attach(r->sess, NULL) != SQLITE_OK) {
		log_warnx("store: replication: cannot record changes: %s",
		    sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3session_table_filter(r->sess, store_replica_filter, NULL);
	return 0;
}

static int
store_replica_mark(struct store *s, const char *instance, int64_t term,
    int64_t seq, int64_t ts)
{
	sqlite3_stmt *st;

	if ((st = store_stmt(s, S_REPL_MARK, "replication mark")) == NULL)
		return -1;
	if ((store_bind_text(st, 1, instance) |
	    sqlite3_bind_int64(st, 2, term) | sqlite3_bind_int64(st, 3, seq) |
	    sqlite3_bind_int64(st, 4, ts)) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "replication mark");
	}
	return store_run(s, st, "replication mark");
}

int
store_replicate(struct store *s, const char *instance, int64_t term,
    int64_t now, store_changes_fn fn, void *arg)
{
	if (s->rep != NULL || store_in_txn(s))
		return -1;
	if (store_replica_mark(s, instance, term, 0, now) != 0)
		return -1;
	s->rep = xcalloc(1, sizeof *s->rep);
	strlcpy_utf8(s->rep->instance, instance, sizeof s->rep->instance);
	s->rep->term = term;
	s->rep->ts = now;
	s->rep->fn = fn;
	s->rep->arg = arg;
	if (store_replica_session(s) != 0) {
		store_replica_free(s);
		return -1;
	}
	return 0;
}

static void
store_replica_free(struct store *s)
{
	if (s->rep == NULL)
		return;
	if (s->rep->sess != NULL)
		sqlite3session_delete(s->rep->sess);
	free(s->rep);
	s->rep = NULL;
}

/* A rolled-back transaction's changes were never made. */
static void
store_replica_forget(struct store *s)
{
	if (s->rep == NULL)
		return;
	s->rep->marked = 0;
	store_replica_session(s);
}

/* Before a commit that changed something: its number, in the same
 * transaction, so that a copy of this database says which of its changes
 * it holds (a standby started from a copy skips those). */
static int
store_replica_count(struct store *s)
{
	struct replica *r = s->rep;

	if (r == NULL || r->sess == NULL || sqlite3session_isempty(r->sess))
		return 0;
	if (store_replica_mark(s, r->instance, r->term, r->seq + 1,
	    r->ts) != 0)
		return -1;
	r->marked = 1;
	return 0;
}

/* After a commit: its changes, framed, to the caller. */
static void
store_replica_send(struct store *s)
{
	struct replica *r = s->rep;
	void *cs = NULL;
	char *buf;
	int n = 0, h;

	if (r == NULL || r->sess == NULL)
		return;
	if (sqlite3session_changeset(r->sess, &n, &cs) != SQLITE_OK) {
		log_warnx("store: replication: no changeset: %s",
		    sqlite3_errmsg(s->db));
		n = 0;
	}
	if (r->marked)
		r->seq++;
	r->marked = 0;
	if (n > 0) {
		buf = xasprintf(REPLICA_MAGIC " %d %lld %lld\n%*s", s->version,
		    (long long)r->term, (long long)r->seq, n, "");
		h = (int)strlen(buf) - n;
		memcpy(buf + h, cs, (size_t)n);
		r->fn(r->arg, buf, (size_t)(h + n));
		free(buf);
	}
	sqlite3_free(cs);
	store_replica_session(s);
}

struct replica_apply {
	struct store *s;
	int differ;	/* rows that were not as the active had them */
};

/*
 * A row not as the changeset expects. The active instance's version wins:
 * a row here that it does not have was written by this instance while it
 * was cut off and thought itself active (its publications went nowhere,
 * so nobody saw it), and the timeline must be the one people were told.
 * A row to change that is missing, or a constraint, is skipped (counted).
 */
static int
store_replica_conflict(void *arg, int kind, sqlite3_changeset_iter *it)
{
	struct replica_apply *a = arg;

	(void)it;
	a->differ++;
	return kind == SQLITE_CHANGESET_DATA ||
	    kind == SQLITE_CHANGESET_CONFLICT ? SQLITE_CHANGESET_REPLACE :
	    SQLITE_CHANGESET_OMIT;
}

/* The first line of a replica or copy payload, into line (size bytes at
 * most, with its NUL); *hlen is its length with the newline. 0, or -1
 * with *cause. */
static int
store_header_line(const void *buf, size_t len, char *line, size_t size,
    size_t *hlen, char **cause)
{
	const char *p = buf, *nl = memchr(p, '\n', len < size ? len : size);

	if (nl == NULL) {
		*cause = xstrdup("no header line");
		return -1;
	}
	memcpy(line, p, (size_t)(nl - p));
	line[nl - p] = '\0';
	*hlen = (size_t)(nl - p) + 1;
	return 0;
}

/* The header: 0, or -1 with *cause. */
static int
store_replica_header(const char *p, size_t len, int *schema, int64_t *term,
    int64_t *seq, size_t *hlen, char **cause)
{
	char line[96];
	long long t, q;
	int v, used = 0;

	if (store_header_line(p, len, line, sizeof line, hlen, cause) != 0)
		return -1;
	if (sscanf(line, REPLICA_MAGIC " %d %lld %lld%n", &v, &t, &q,
	    &used) != 3 || line[used] != '\0' || t < 1 || q < 1) {
		*cause = xasprintf("bad header \"%.60s\"", line);
		return -1;
	}
	*schema = v;
	*term = t;
	*seq = q;
	return 0;
}

static int
store_replica_last(struct store *s, const char *instance, int64_t *term,
    int64_t *seq)
{
	sqlite3_stmt *st = s->stmt[S_REPL_LAST];
	int rc;

	*term = *seq = 0;
	if (store_bind_text(st, 1, instance) != SQLITE_OK) {
		store_done(st);
		return store_fail(s, "replication read");
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*term = sqlite3_column_int64(st, 0);
		*seq = sqlite3_column_int64(st, 1);
	}
	store_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(s,
	    "replication read");
}

int
store_replica_apply(struct store *s, const char *source, const void *buf,
    size_t len, int64_t now, char **cause)
{
	struct replica_apply a = { s, 0 };
	int64_t term, seq, lterm, lseq;
	size_t hlen;
	int schema, rc;

	*cause = NULL;
	if (store_replica_header(buf, len, &schema, &term, &seq, &hlen,
	    cause) != 0)
		return -1;
	if (schema != s->version) {
		*cause = xasprintf("schema %d, this database has %d: run the "
		    "same beacond version on both", schema, s->version);
		return -1;
	}
	if (store_replica_last(s, source, &lterm, &lseq) != 0) {
		*cause = xstrdup(store_error(s));
		return -1;
	}
	if (term < lterm || (term == lterm && seq <= lseq))
		return 0;
	/* Only the next change of the term applied last can be placed: the
	 * first of a term starts from a state this database may not have
	 * (the partner's own last commits of its previous term, say). */
	if (term != lterm || seq != lseq + 1) {
		*cause = lterm == 0 ? xasprintf("term %lld seq %lld came "
		    "first, nothing of the partner's was applied before",
		    (long long)term, (long long)seq) : xasprintf("term %lld "
		    "seq %lld came after term %lld seq %lld", (long long)term,
		    (long long)seq, (long long)lterm, (long long)lseq);
		return 2;
	}
	if (!store_in_txn(s) && store_begin(s) != 0) {
		*cause = xstrdup(store_error(s));
		return -1;
	}
	/* The append-only triggers guard what this instance does itself;
	 * the active one's rows replace those of an instance cut off. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	rc = sqlite3changeset_apply(s->db, (int)(len - hlen),
	    (void *)((const char *)buf + hlen), NULL, store_replica_conflict,
	    &a);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, NULL);
	/* A failed apply has undone its own changes (its savepoint); the
	 * transaction goes on without them. */
	if (rc != SQLITE_OK) {
		*cause = xasprintf("cannot apply: %s", sqlite3_errstr(rc));
		return -1;
	}
	if (store_replica_mark(s, source, term, seq, now) != 0) {
		*cause = xstrdup(store_error(s));
		return -1;
	}
	if (a.differ > 0)
		log_warnx("event=replica_differ source=%s term=%lld seq=%lld "
		    "rows=%d: rows here were not as the active one had them "
		    "(written while this instance was cut off, or missed); "
		    "the active one's are kept", source, (long long)term,
		    (long long)seq, a.differ);
	return 1;
}

int64_t
store_replica_term(struct store *s)
{
	int64_t t = store_int(s, "SELECT coalesce(max(term), 0) FROM"
	    " replication");

	return t < 0 ? 0 : t;
}

int
store_replica_position(struct store *s, const char *source, int64_t *term,
    int64_t *seq)
{
	return store_replica_last(s, source, term, seq);
}

int
store_replica_self(struct store *s, int64_t *term, int64_t *seq)
{
	if (s->rep == NULL)
		return -1;
	*term = s->rep->term;
	*seq = s->rep->seq;
	return 0;
}

/* ---- a fresh copy for the standby -------------------------------------- */

/*
 * A standby that cannot place its partner's changes after what it holds
 * (it joined late, or changes were lost on the way) asks for a fresh copy
 * (docs/deployment.md). The active instance writes one with SQLite's
 * online backup, between two commits, so it holds exactly the changes up
 * to the (term, seq) it is tagged with; the standby replaces its own
 * database's content with it and applies what follows.
 *
 * A payload is a header line, "beacon-copy 1 SCHEMA SOURCE TERM SEQ\n",
 * then the database file; without it, only where SOURCE is.
 */
#define COPY_MAGIC "beacon-copy 1"

static char *
store_copy_header(struct store *s, const char *instance)
{
	return xasprintf(COPY_MAGIC " %d %s %lld %lld\n", s->version,
	    instance, (long long)s->rep->term, (long long)s->rep->seq);
}

/* The whole of a file, read into memory; NULL with *cause. */
static char *
store_slurp(const char *path, size_t skip, size_t *len, char **cause)
{
	FILE *f;
	char *buf = NULL;
	long n;

	if ((f = fopen(path, "rb")) == NULL ||
	    fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	buf = xmalloc(skip + (size_t)n + 1);
	if (fread(buf + skip, 1, (size_t)n, f) != (size_t)n) {
		*cause = xasprintf("%s: short read", path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = skip + (size_t)n;
	return buf;
}

char *
store_copy_make(struct store *s, int whole, size_t *len, char **cause)
{
	char *hdr, *tmp, *buf;
	size_t h;

	*cause = NULL;
	if (s->rep == NULL || store_in_txn(s)) {
		*cause = xstrdup(s->rep == NULL ? "not replicating" :
		    "inside a transaction");
		return NULL;
	}
	hdr = store_copy_header(s, s->rep->instance);
	h = strlen(hdr);
	if (!whole) {
		*len = h;
		return hdr;
	}
	tmp = xasprintf("%s.copy-out", s->path);
	unlink(tmp);
	buf = NULL;
	if (store_backup(s, tmp, cause) == 0 &&
	    (buf = store_slurp(tmp, h, len, cause)) != NULL)
		memcpy(buf, hdr, h);
	unlink(tmp);
	free(tmp);
	free(hdr);
	return buf;
}

int
store_copy_header_parse(const void *buf, size_t len, int *schema,
    char *source, size_t sourcelen, int64_t *term, int64_t *seq,
    size_t *hlen, char **cause)
{
	char line[160], src[ID_MAX + 1];
	long long t, q;
	int v, used = 0;

	if (store_header_line(buf, len, line, sizeof line, hlen, cause) != 0)
		return -1;
	if (sscanf(line, COPY_MAGIC " %d %64s %lld %lld%n", &v, src, &t, &q,
	    &used) != 4 || line[used] != '\0' || t < 0 || q < 0) {
		*cause = xasprintf("bad header \"%.60s\"", line);
		return -1;
	}
	*schema = v;
	strlcpy_utf8(source, src, sourcelen);
	*term = t;
	*seq = q;
	return 0;
}

static int
store_write_file(const char *path, const void *buf, size_t len,
    char **cause)
{
	FILE *f;
	int ok;

	unlink(path);
	if ((f = fopen(path, "wbx")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	ok = fwrite(buf, 1, len, f) == len;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok)
		*cause = xasprintf("%s: cannot write the copy", path);
	return ok ? 0 : -1;
}

/* The copy says it is SOURCE at (term, seq), and is a sound database of
 * this schema. */
static int
store_copy_check(sqlite3 *db, int version, const char *source, int64_t term,
    int64_t seq, char **cause)
{
	sqlite3_stmt *st = NULL;
	int ok = 0, v = -1;
	const char *ic = NULL;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v != version) {
		*cause = xasprintf("the copy has schema %d, this database %d",
		    v, version);
		return -1;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		ic = (const char *)sqlite3_column_text(st, 0);
	ok = ic != NULL && strcmp(ic, "ok") == 0;
	if (!ok)
		*cause = xasprintf("the copy is damaged: %s", ic ? ic : "?");
	sqlite3_finalize(st);
	if (!ok)
		return -1;
	ok = 0;
	if (sqlite3_prepare_v2(db, "SELECT term, seq FROM replication WHERE"
	    " instance = ?", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		ok = sqlite3_column_int64(st, 0) == term &&
		    sqlite3_column_int64(st, 1) == seq;
	sqlite3_finalize(st);
	if (!ok)
		*cause = xasprintf("the copy is not %s's at term %lld seq %lld",
		    source, (long long)term, (long long)seq);
	return ok ? 0 : -1;
}

int
store_copy_install(struct store *s, const char *source, const void *buf,
    size_t len, char **cause)
{
	char src[ID_MAX + 1], *tmp, *old;
	sqlite3 *db = NULL;
	sqlite3_backup *b;
	int64_t term, seq;
	size_t hlen;
	int schema, rc;

	*cause = NULL;
	if (store_copy_header_parse(buf, len, &schema, src, sizeof src, &term,
	    &seq, &hlen, cause) != 0)
		return -1;
	if (strcmp(src, source) != 0 || hlen == len || store_in_txn(s)) {
		*cause = xasprintf(strcmp(src, source) != 0 ? "a copy of %s, "
		    "not of %s" : hlen == len ? "no database in the copy" :
		    "inside a transaction", src, source);
		return -1;
	}
	tmp = xasprintf("%s.copy-in", s->path);
	old = xasprintf("%s.replaced", s->path);
	if (store_write_file(tmp, (const char *)buf + hlen, len - hlen,
	    cause) != 0)
		goto out;
	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		*cause = xasprintf("%s: %s", tmp, sqlite3_errmsg(db));
		goto out;
	}
	if (store_copy_check(db, s->version, source, term, seq, cause) != 0)
		goto out;
	/* What this database held, kept aside: rows written while cut off
	 * from the pair are evidence too. */
	unlink(old);
	if (store_backup(s, old, cause) != 0)
		goto out;
	if ((b = sqlite3_backup_init(s->db, "main", db, "main")) == NULL) {
		*cause = xasprintf("cannot replace: %s", sqlite3_errmsg(s->db));
		goto out;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		*cause = xasprintf("cannot replace: %s", sqlite3_errstr(rc));
out:
	sqlite3_close(db);
	unlink(tmp);
	free(tmp);
	free(old);
	return *cause != NULL ? -1 : 0;
}
