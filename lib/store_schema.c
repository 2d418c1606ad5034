/*
 * The schema: user_version and the stepwise migrations that bring a
 * database to the version this program reads.
 */
#include <stdlib.h>

#include "log.h"
#include "store_int.h"
#include "xmalloc.h"

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
	/* 10 -> 11: Web Push. Each responder's phones (one subscription
	 * per device; a new one replaces it), and the action links already
	 * used, by their signature, so that a link acts once. */
	"CREATE TABLE push_subscriptions ("
	"  responder TEXT NOT NULL,"
	"  device TEXT NOT NULL,"
	"  endpoint TEXT NOT NULL,"
	"  p256dh TEXT NOT NULL,"
	"  auth TEXT NOT NULL,"
	"  ts INTEGER NOT NULL,"
	"  PRIMARY KEY (responder, device));"
	"CREATE TABLE links_used ("
	"  key TEXT PRIMARY KEY,"
	"  incident INTEGER NOT NULL,"
	"  responder TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  ts INTEGER NOT NULL);"
	/* Phones being enrolled (beacon enroll): a device's own broker
	 * account, handed out once for its one-time code before expires;
	 * claimed (the time, 0: not yet) erases the password. */
	"CREATE TABLE enrollments ("
	"  code TEXT PRIMARY KEY,"
	"  responder TEXT NOT NULL,"
	"  device TEXT NOT NULL,"
	"  username TEXT NOT NULL,"
	"  password TEXT NOT NULL,"
	"  expires INTEGER NOT NULL,"
	"  claimed INTEGER NOT NULL DEFAULT 0);",
	/* 11 -> 12: the record (docs/architecture.md, "The record"). What
	 * must be durable before beacond announces anything is the turn's
	 * events; the last event of each incident the turn changed carries
	 * the incident's row and its new notifications (record, JSON), and
	 * the incidents and outbox rows are written later, as a projection
	 * of the timeline. projection.event says how far it goes: a start
	 * writes the records after it into the rows. An event may come
	 * before its incident's row, so events lose their foreign key (a
	 * table rebuild; a trigger keeps an incident with a timeline from
	 * going); record is the only column a commit may change. */
	"CREATE TABLE events_new ("
	"  id INTEGER PRIMARY KEY,"
	"  incident INTEGER NOT NULL,"
	"  ts INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  actor TEXT NOT NULL DEFAULT '',"
	"  step INTEGER NOT NULL DEFAULT -1,"
	"  detail TEXT NOT NULL DEFAULT '',"
	"  corrects INTEGER NOT NULL DEFAULT 0,"
	"  record TEXT);"
	"INSERT INTO events_new (id, incident, ts, kind, actor, step, detail,"
	"  corrects) SELECT id, incident, ts, kind, actor, step, detail,"
	"  corrects FROM events ORDER BY id;"
	"DROP TABLE events;"
	"ALTER TABLE events_new RENAME TO events;"
	"CREATE INDEX events_incident ON events (incident, id);"
	/* events_actor is not made again: it cost up to a page per actor
	 * in each commit, and a responder's incidents are found through
	 * the incidents in range and events_incident (docs/benchmarks.md,
	 * "What each index is worth"). */
	"CREATE TRIGGER events_no_update BEFORE UPDATE OF id, incident, ts,"
	"  kind, actor, step, detail, corrects ON events"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
	"  WHEN NOT " PURGING
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	/* What the foreign key did: an incident with a timeline stays
	 * (the purge removes the events first). */
	"CREATE TRIGGER incidents_keep_timeline BEFORE DELETE ON incidents"
	"  WHEN EXISTS (SELECT 1 FROM events WHERE incident = OLD.id)"
	"  BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: the"
	" incident has a timeline'); END;"
	"CREATE TABLE projection ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  event INTEGER NOT NULL);"
	"INSERT INTO projection VALUES (1,"
	"  (SELECT coalesce(max(id), 0) FROM events));",
};
#define STORE_VERSION ((int)nitems(store_migrations))

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
int
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
int
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
