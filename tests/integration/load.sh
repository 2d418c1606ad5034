# shellcheck shell=bash
# The steady load of the fault tests (t_kill9_load, t_broker_restart,
# t_broker_outage), sourced after lib.sh. test-reporter (reporter.c)
# publishes reports at a steady rate and publishes each again, same id,
# until its status arrives; it is also the responders, in a persistent
# session, and crisis-1 acknowledges some incidents. Once the run is over,
# load_check compares what it saw with beacond's database and prints the
# counts.

need sqlite3
REPORTER=$BEACON_BUILD/tests/test-reporter
[ -x "$REPORTER" ] || fail "$REPORTER is missing: build first"
REPORTER_PID=
LOAD=$TMP/load		# test-reporter's --out
SETTLED_MS=		# when load_settle saw everything settled
PERSIST=0		# 1: the broker keeps its sessions across restarts
SAVE_EACH_CHANGE=1	# with PERSIST: saved after every change too

# The branches and categories the load goes round: welfare escalates to
# the supervisor after 2 s (at once at Eastside, where no crisis worker
# is); overdose and weapon after 60 s.
LOAD_BRANCHES=central,eastside
LOAD_TYPES=welfare,overdose,weapon
# The steps after the first of those policies: policy, step, after (ms),
# the responder it always reaches (the supervisor covers every branch).
LOAD_STEPS="('quick', 1, 2000, 'supervisor-1'),
    ('overdose', 1, 60000, 'supervisor-1'),
    ('weapon', 1, 60000, 'supervisor-1')"
LOAD_FIRST_AFTER=2000	# ms: the shortest of those

# mosquitto keeps at most max_queued_messages (default 1000) QoS 1
# messages per session and drops the rest silently: a backlog after a
# restart can be larger, so the limit is lifted (docs/benchmarks.md). With
# PERSIST=1 the broker saves its sessions, queues and retained messages in
# $TMP/mosq when it stops and, unless SAVE_EACH_CHANGE=0, after every
# change: the whole file each time, which limits it to a few dozen reports
# a second once a thousand incidents are open.
broker_conf() {
	cat <<EOF
listener $PORT 127.0.0.1
allow_anonymous true
set_tcp_nodelay true
max_queued_messages 0
max_queued_bytes 0
user $(id -un)
EOF
	if ((PERSIST)); then
		mkdir -p "$TMP/mosq"
		printf 'persistence true\npersistence_location %s/\n' \
		    "$TMP/mosq"
		((SAVE_EACH_CHANGE == 0)) ||
			printf 'autosave_on_changes true\nautosave_interval 1\n'
	else
		echo "persistence false"
	fi
}

# The broker stops (SIGTERM: it saves its state) and is gone.
stop_broker() {
	kill -TERM "$MOSQ_PID"
	wait_gone "$MOSQ_PID" 10 || fail "mosquitto ignores SIGTERM"
	wait "$MOSQ_PID" 2>/dev/null || true
	cat "$TMP/mosquitto.log" >>"$TMP/mosquitto-earlier.log"
}

# The broker crashes (SIGKILL): what it took since its last save is lost.
crash_broker() {
	kill -KILL "$MOSQ_PID"
	wait "$MOSQ_PID" 2>/dev/null || true
	cat "$TMP/mosquitto.log" >>"$TMP/mosquitto-earlier.log"
}

# A random delay between $1 and $2 ms, in seconds for sleep.
random_delay() {
	local ms=$(($1 + ((RANDOM << 15) | RANDOM) % ($2 - $1 + 1)))

	printf '%d.%03d\n' $((ms / 1000)) $((ms % 1000))
}

# start_reporter ARGS...: test-reporter in the background, sending once
# its subscriptions are in place.
start_reporter() {
	: >"$TMP/reporter.out"
	"$REPORTER" --port "$PORT" --prefix "$PREFIX" \
	    --branches "$LOAD_BRANCHES" --types "$LOAD_TYPES" --ack-every 4 \
	    --out "$LOAD" "$@" >"$TMP/reporter.out" 2>"$TMP/reporter.err" &
	REPORTER_PID=$!
	PIDS+=("$REPORTER_PID")
	wait_for 20 grep -q '^ready' "$TMP/reporter.out"
}

# No new reports; wait up to $1 s until every report sent has its status.
reporter_drain() {
	kill -USR1 "$REPORTER_PID"
	wait_for "$1" grep -Eq '^(all answered|drain deadline)' \
	    "$TMP/reporter.out"
	grep -q '^all answered' "$TMP/reporter.out" ||
		fail "reports left unanswered: $(tail -n 1 "$TMP/reporter.out")"
}

# The barrier and the results; test-reporter exits.
reporter_finish() {
	local rc=0

	kill -USR2 "$REPORTER_PID"
	wait_gone "$REPORTER_PID" 30 || fail "test-reporter does not finish"
	wait "$REPORTER_PID" || rc=$?
	((rc == 0)) || fail "test-reporter exited $rc"
	[ -s "$LOAD.json" ] || fail "test-reporter wrote no results"
}

# sql QUERY: a query on beacond's database, read only.
sql() {
	sqlite3 -readonly "$DB" "$1"
}

# The escalations due at $1 (ms) without an acknowledgment: "due missing",
# where missing counts those whose step has not notified its responder.
# A step is due `after` ms after the first notice of step 0; 1 s of slack
# lets beacond's timer fire.
escalations_due() {
	sql "WITH pol(policy, step, after_ms, who) AS (VALUES $LOAD_STEPS),
	    s0 AS (SELECT incident, min(ts) AS t0 FROM events
	        WHERE step = 0 AND kind IN ('notified', 'no_one_available')
	        GROUP BY incident),
	    due AS (SELECT i.id, pol.step, pol.who FROM incidents i
	        JOIN s0 ON s0.incident = i.id
	        JOIN pol ON pol.policy = i.policy
	        WHERE s0.t0 + pol.after_ms <= $1 - 1000
	        AND NOT EXISTS (SELECT 1 FROM events a WHERE a.incident = i.id
	            AND a.kind IN ('ack', 'arrived')))
	    SELECT count(*) || ' ' || coalesce(sum(NOT EXISTS (SELECT 1
	        FROM events e WHERE e.incident = due.id AND e.kind = 'notified'
	        AND e.step = due.step AND e.actor = due.who)), 0) FROM due"
}

load_settled() {
	local now due

	now=$(now_ms)
	(($(sql "SELECT coalesce(max(created), 0) FROM incidents") +
	    LOAD_FIRST_AFTER + 1000 <= now)) || return 1
	[ "$(sql "SELECT count(*) FROM outbox WHERE state != 'delivered'")" = 0 ] ||
		return 1
	due=$(escalations_due "$now")
	[ "${due#* }" = 0 ]
}

# Wait up to $1 s until the outbox is all delivered and every escalation
# due has fired, the 2 s steps of the last reports included; sets
# SETTLED_MS.
load_settle() {
	wait_for "$1" load_settled
	SETTLED_MS=$(now_ms)
}

# check_zero WHAT VALUE: VALUE must be 0, or the test fails naming WHAT.
check_zero() {
	[ "$2" = 0 ] || fail "$1: $2"
}

# Compare test-reporter's results with the database (beacond stopped) and
# print the counts. The notifications beacond recorded up to SETTLED_MS
# must all have reached the responders and be delivered in the outbox
# (a 60 s step may fire between then and the end).
load_check() {
	local j=$LOAD.json q r k v
	local -A c

	[ -n "$SETTLED_MS" ] || fail "load_check before load_settle"
	jq -e '.barrier' "$j" >/dev/null ||
		fail "the responders' barrier did not come back"
	q="$TMP/check.sql"
	cat >"$q" <<EOF
CREATE TABLE r (id TEXT, branch TEXT, type TEXT, first_ms INTEGER,
    attempts INTEGER, pubacks INTEGER, answered_ms INTEGER,
    incident INTEGER, state TEXT, statuses INTEGER);
CREATE TABLE n (responder TEXT, incident INTEGER, report TEXT,
    step INTEGER, rep INTEGER, count INTEGER);
.mode tabs
.import $LOAD.reports.tsv r
.import $LOAD.notes.tsv n
CREATE INDEX r_report ON r (branch, id);
CREATE INDEX n_notice ON n (incident, responder, step);
ATTACH '$DB' AS b;
.mode list
.separator =
SELECT 'incidents', count(*) FROM b.incidents;
SELECT 'reports_with_two_incidents', count(*) FROM (SELECT 1 FROM b.incidents
    GROUP BY branch, report_id HAVING count(*) > 1);
SELECT 'acked_without_one_incident', count(*) FROM r
    WHERE pubacks > 0 AND (SELECT count(*) FROM b.incidents i
    WHERE i.branch = r.branch AND i.report_id = r.id) != 1;
SELECT 'answered_without_one_incident', count(*) FROM r
    WHERE answered_ms > 0 AND (SELECT count(*) FROM b.incidents i
    WHERE i.branch = r.branch AND i.report_id = r.id) != 1;
SELECT 'status_names_other_incident', count(*) FROM r
    JOIN b.incidents i ON i.branch = r.branch AND i.report_id = r.id
    WHERE r.incident != i.id;
SELECT 'incidents_not_sent', count(*) FROM b.incidents i
    WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.branch = i.branch
    AND r.id = i.report_id);
SELECT 'incidents_not_routed', count(*) FROM b.incidents i
    WHERE i.state = 'received' OR NOT EXISTS (SELECT 1 FROM b.events e
    WHERE e.incident = i.id AND e.kind = 'notified');
SELECT 'notified_events', count(*) FROM b.events WHERE kind = 'notified';
SELECT 'notified_later', count(*) FROM b.events
    WHERE kind = 'notified' AND ts > $SETTLED_MS;
SELECT 'notifications_missing', count(*) FROM b.events e
    WHERE e.kind = 'notified' AND e.ts <= $SETTLED_MS
    AND NOT EXISTS (SELECT 1 FROM n WHERE n.incident = e.incident
    AND n.responder = e.actor AND n.step = e.step);
SELECT 'notifications_unrecorded', count(*) FROM n
    WHERE NOT EXISTS (SELECT 1 FROM b.events e WHERE e.kind = 'notified'
    AND e.incident = n.incident AND e.actor = n.responder
    AND e.step = n.step);
SELECT 'notifications_other_report', count(*) FROM n
    JOIN b.incidents i ON i.id = n.incident WHERE i.report_id != n.report;
SELECT 'outbox_rows', count(*) FROM b.outbox;
SELECT 'stood_down', coalesce(sum(CAST(substr(detail, instr(detail, '; ') + 2)
    AS INTEGER)), 0) FROM b.events WHERE kind = 'stand_down';
SELECT 'outbox_stand_downs', count(*) FROM b.outbox
    WHERE payload LIKE '%"kind":"stand_down"%';
SELECT 'outbox_undelivered', count(*) FROM b.outbox
    WHERE state != 'delivered' AND created <= $SETTLED_MS;
SELECT 'renotified_events', count(*) FROM b.events WHERE kind = 'renotified';
SELECT 'duplicate_events', count(*) FROM b.events WHERE kind = 'duplicate';
SELECT 'late_events', count(*) FROM b.events WHERE kind = 'late';
SELECT 'ack_events', count(*) FROM b.events WHERE kind = 'ack';
SELECT 'escalated_after_ack', count(*) FROM b.events x
    WHERE x.kind = 'escalated' AND EXISTS (SELECT 1 FROM b.events a
    WHERE a.incident = x.incident AND a.kind = 'ack' AND a.id < x.id);
EOF
	sqlite3 "$TMP/check.db" <"$q" >"$TMP/check.out" 2>&1 ||
		fail "the checks failed: $(cat "$TMP/check.out")"
	while IFS='=' read -r k v; do
		c[$k]=$v
	done <"$TMP/check.out"
	r=$(escalations_due "$SETTLED_MS")

	say "reports: sent $(jq .sent "$j"), attempts $(jq .attempts "$j")," \
	    "retried $(jq .retried "$j"), acked by the broker" \
	    "$(jq .acked_by_broker "$j"), answered $(jq .answered "$j")," \
	    "duplicates recorded ${c[duplicate_events]}"
	say "incidents: ${c[incidents]}; reports with two or more" \
	    "${c[reports_with_two_incidents]}, acked by the broker without" \
	    "exactly one ${c[acked_without_one_incident]}, answered without" \
	    "exactly one ${c[answered_without_one_incident]}, whose status" \
	    "named another ${c[status_names_other_incident]}; incidents of no" \
	    "report sent ${c[incidents_not_sent]}, not routed" \
	    "${c[incidents_not_routed]}"
	say "notifications: ${c[notified_events]} notified events, received" \
	    "$(jq .notifications "$j") ($(jq .unique_notifications "$j")" \
	    "distinct, $(jq .duplicates "$j") repeats), missing" \
	    "${c[notifications_missing]}, unrecorded" \
	    "${c[notifications_unrecorded]}, recorded after settling" \
	    "${c[notified_later]}, renotified ${c[renotified_events]};" \
	    "outbox ${c[outbox_rows]} rows, ${c[outbox_undelivered]} undelivered"
	say "escalations: due ${r% *}, missing ${r#* }, after an ack" \
	    "${c[escalated_after_ack]}, late ${c[late_events]}; acks sent" \
	    "$(jq .acks "$j"), recorded ${c[ack_events]}"

	check_zero "unanswered reports" "$(jq .unanswered "$j")"
	check_zero "rejected reports" "$(jq .rejected "$j")"
	check_zero "statuses naming two incidents" "$(jq .conflicts "$j")"
	check_zero "errors" "$(jq .errors "$j")"
	expect_eq "${c[incidents]}" "$(jq .sent "$j")" "incidents"
	check_zero "reports with two incidents" "${c[reports_with_two_incidents]}"
	check_zero "reports acked by the broker without exactly one incident" \
	    "${c[acked_without_one_incident]}"
	check_zero "answered reports without exactly one incident" \
	    "${c[answered_without_one_incident]}"
	check_zero "statuses naming another incident" \
	    "${c[status_names_other_incident]}"
	check_zero "incidents of no report sent" "${c[incidents_not_sent]}"
	check_zero "incidents not routed" "${c[incidents_not_routed]}"
	check_zero "notified events without their notification" \
	    "${c[notifications_missing]}"
	check_zero "notifications beacond did not record" \
	    "${c[notifications_unrecorded]}"
	check_zero "notifications naming another report" \
	    "${c[notifications_other_report]}"
	expect_eq "${c[outbox_stand_downs]}" "${c[stood_down]}" \
	    "stand-down rows (one per responder stood down)"
	expect_eq "${c[outbox_rows]}" \
	    "$((c[notified_events] + c[stood_down]))" \
	    "outbox rows (one per notified event and per stand-down)"
	check_zero "outbox rows undelivered" "${c[outbox_undelivered]}"
	check_zero "escalations missing" "${r#* }"
	check_zero "escalations after an acknowledgment" \
	    "${c[escalated_after_ack]}"
}
