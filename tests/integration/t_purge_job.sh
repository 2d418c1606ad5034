#!/usr/bin/env bash
# The automatic retention purge (docs/protocol.md, "Retention and legal
# hold"; docs/configuration.md, records.retention_days), run by beacond on
# its own, on the test clock: five minutes after start-up and then daily,
# it deletes the closed incidents older than retention_days, keeps those
# on legal hold and those still open, logs each purge with its counts and
# records it in the purges table. After a restart the job is scheduled
# again and runs; with retention_days = 0 it keeps everything.
# (t_purge_hold runs the purge on request.)
. "$(dirname "$0")/lib.sh"
need sqlite3

TEST_CLOCK=1
DAY=86400000
write_conf
sed -i 's/^  retention_days = 400;$/  retention_days = 3;/' "$CONF"
grep -q '^  retention_days = 3;$' "$CONF" || fail "test configuration not set"

# at MS: the test clock's "@" form of an instant in ms since the epoch.
at() {
	printf '@%s.%03dZ' "$(date -u -d "@$(($1 / 1000))" +%Y-%m-%dT%H:%M:%S)" \
	    $(($1 % 1000))
}

db() {
	sqlite3 "$DB" "$1"
}

# The incidents left, by id: "2,3,4".
left() {
	db 'SELECT group_concat(id) FROM (SELECT id FROM incidents ORDER BY id)'
}

# Start beacond and note when it started, within [START_LO, START_HI]:
# the first purge falls due five minutes later.
start_timed() {
	START_LO=$(now_ms)
	start_beacond
	START_HI=$(now_ms)
}

report() {	# report ID: a welfare check at Central, paged.
	pub "$PREFIX/report/central" "{\"id\": \"$1\", \"type\": \"welfare\"}"
	wait_for 5 has notify "$PREFIX/notify/crisis-1" "\"$1\" == .report"
}

resolve() {
	cli "resolve$1" resolve "$1" --as crisis-1 "${B[@]}"
	expect_rc 0 "resolve $1"
	wait_for 5 has status "$PREFIX/incident/$1" '.state == "resolved"'
}

purge_lines() {
	grep -c 'event=purge ' "$TMP/beacond.log" || :
}

start_broker
start_timed
B=(--broker "127.0.0.1:$PORT")
sub_notify
sub_status

# ---- the incidents, made on a clock set back in time ----------------------
# 1: closed, 10 days old: purged by the first run.
# 2: closed, 10 days old, on legal hold: kept.
# 3: open, 10 days old: kept while open; resolved later, purged after the
#    restart.
# 4: open, 10 days old: kept throughout.
# 5: closed, 2 days old at the first run: kept then, purged by the daily
#    run a day later.
clock_move "$(at $((START_LO - 10 * DAY)))"
for i in 1 2 3 4; do
	report "old-$i"
done
resolve 1
resolve 2
query hold supervisor-1 '{"method": "hold", "incident": 2, "hold": true,
    "note": "records request"}'
expect_eq "$(answer hold '.ok')" true "hold of incident 2"
clock_move "$(at $((START_LO - 2 * DAY)))"
report recent-5
resolve 5
expect_eq "$(left)" "1,2,3,4,5" "incidents reported"
ev1=$(db 'SELECT count(*) FROM events WHERE incident = 1')
((ev1 > 0)) || fail "incident 1 has no events"

# ---- the first run: five minutes after start-up, not before --------------
clock_move "$(at $((START_LO + 4 * 60000)))"
expect_eq "$(left)" "1,2,3,4,5" "incidents 4 minutes after start-up"
expect_eq "$(purge_lines)" 0 "purges logged 4 minutes after start-up"
clock_move "$(at $((START_HI + 5 * 60000 + 1000)))"
expect_eq "$(left)" "2,3,4,5" "incidents after the first run"
expect_eq "$(db 'SELECT count(*) FROM events WHERE incident = 1')" 0 \
    "events of purged incident 1"
expect_eq "$(db 'SELECT count(*) FROM outbox WHERE incident = 1')" 0 \
    "outbox rows of purged incident 1"
expect_eq "$(db 'SELECT count(*) FROM purges')" 1 "purges recorded"
IFS='|' read -r ts1 cutoff1 counts1 < <(db "SELECT ts, cutoff,
    incidents || ' ' || events || ' ' || debriefs || ' ' || kept_hold ||
    ' ' || kept_actions || ' ' || done FROM purges WHERE id = 1")
((ts1 >= START_LO + 5 * 60000)) ||
	fail "first purge at $ts1, before five minutes after start-up ($START_LO)"
expect_eq "$cutoff1" $((ts1 - 3 * DAY)) "first purge's cutoff (3 days)"
expect_eq "$counts1" "1 $ev1 0 1 0 1" \
    "first purge's incidents, events, debriefs, kept_hold, kept_actions, done"
grep -q "event=purge cutoff=$cutoff1 incidents=1 events=$ev1 debriefs=0 kept_hold=1 kept_actions=0$" \
    "$TMP/beacond.log" || fail "the first purge is not logged with its counts"

# ---- daily: incident 5, old since, waits for the next run ----------------
clock_move "$(at $((ts1 + DAY - 60000)))"
expect_eq "$(left)" "2,3,4,5" "incidents a minute before the daily run"
expect_eq "$(db 'SELECT count(*) FROM purges')" 1 \
    "purges a minute before the daily run"
clock_move "$(at $((ts1 + DAY + 1000)))"
expect_eq "$(left)" "2,3,4" "incidents after the daily run"
IFS='|' read -r ts2 counts2 < <(db "SELECT ts, incidents || ' ' ||
    kept_hold FROM purges WHERE id = 2")
((ts2 >= ts1 + DAY)) || fail "daily purge at $ts2, first at $ts1"
expect_eq "$counts2" "1 1" "daily purge's incidents and kept_hold"
expect_eq "$(purge_lines)" 2 "purges logged"

# ---- a restart: scheduled again, and it runs ------------------------------
resolve 3
stop_beacond
start_timed
clock_move "$(at $((START_LO + 4 * 60000)))"
expect_eq "$(left)" "2,3,4" "incidents 4 minutes after the restart"
clock_move "$(at $((START_HI + 5 * 60000 + 1000)))"
expect_eq "$(left)" "2,4" "incidents after the first run since the restart"
expect_eq "$(db 'SELECT count(*) FROM purges')" 3 "purges recorded"
ts3=$(db 'SELECT ts FROM purges WHERE id = 3')
((ts3 >= START_LO + 5 * 60000)) ||
	fail "purge at $ts3, before five minutes after the restart ($START_LO)"
# Still held, still open.
expect_eq "$(db 'SELECT hold FROM incidents WHERE id = 2')" 1 \
    "incident 2's hold"
[[ $(db 'SELECT state FROM incidents WHERE id = 4') == @(routed|acknowledged) ]] ||
	fail "incident 4 is no longer open"

# ---- retention_days = 0 keeps everything ----------------------------------
# Incident 2 loses its hold: were retention on, the next run would take it.
query unhold supervisor-1 '{"method": "hold", "incident": 2, "hold": false,
    "note": "request closed"}'
expect_eq "$(answer unhold '.ok')" true "hold of incident 2 released"
stop_beacond
sed -i 's/^  retention_days = 3;$/  retention_days = 0;/' "$CONF"
grep -q '^  retention_days = 0;$' "$CONF" || fail "retention_days = 0 not set"
start_timed
clock_move "$(at $((START_HI + 5 * 60000 + 1000)))"
clock_move "$DAY"
clock_move "$DAY"
expect_eq "$(left)" "2,4" "incidents with retention_days = 0"
expect_eq "$(db 'SELECT count(*) FROM purges')" 3 \
    "purges recorded with retention_days = 0"
expect_eq "$(purge_lines)" 3 "purges logged with retention_days = 0"
stop_beacond
