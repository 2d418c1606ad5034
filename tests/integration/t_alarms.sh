#!/usr/bin/env bash
# Alarms that are not real: the cancel window (inside it nothing is sent;
# after it a false alarm and a stand-down to everyone notified; across a
# restart the wait still ends), severity 1-2 never waiting, silent reports,
# drills (never reaching emergency dispatch, drill mode, kept out of the
# board report), a device's repeated presses joined to one incident, and a
# branch paused for device testing. All on the test clock.
. "$(dirname "$0")/lib.sh"

TEST_CLOCK=1
write_conf
# This test's windows: 5 s to cancel, presses joined within 120 s.
sed -i 's/^  cancel_window = 0;/  cancel_window = 5;/;
    s/^  repeat_window = 0;/  repeat_window = 120;/' "$CONF"
grep -q 'cancel_window = 5;' "$CONF" || fail "test configuration not set"
start_broker
start_beacond
sub_notify
sub_status

status_of() {	# status_of BRANCH REPORT [JQ]
	has status "$PREFIX/status/$1/$2" "${3:-true}"
}

# ---- cancel inside the window ------------------------------------------
pub "$PREFIX/report/central" '{"id": "cw-1", "type": "welfare", "device": "desk-1"}'
wait_for 5 status_of central cw-1 '.state == "received" and has("cancel_until")'
cli cancel1 cancel --branch central --id cw-1 --device desk-1 \
    --broker "127.0.0.1:$PORT"
expect_rc 0 cancel
expect_line cancel1 'cancelled: nobody was notified'
clock_move 6000
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/crisis-1" '.incident == 1')" 0 \
    "notifications of a report cancelled inside its window"
kinds=$(timeline_kinds 1)
[[ $kinds == *cancel_window*cancelled* ]] || fail "timeline 1: $kinds"
[[ $kinds != *notified* ]] || fail "timeline 1 notified someone: $kinds"

# ---- cancel after the window: a false alarm, stand down -----------------
pub "$PREFIX/report/central" '{"id": "cw-2", "type": "welfare", "device": "desk-1"}'
wait_for 5 status_of central cw-2 '.state == "received"'
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/crisis-1" '.incident == 2')" 0 \
    "notified inside the window"
clock_move 5100
wait_for 5 has notify "$PREFIX/notify/crisis-1" \
    '.incident == 2 and .kind == "incident"'
cli cancel2 cancel --branch central --id cw-2 --broker "127.0.0.1:$PORT"
expect_rc 0 cancel
expect_line cancel2 'false alarm: 1 responder told to stand down'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 2 and
    .kind == "stand_down" and .reason == "false_alarm" and .by == "desk-1"'
kinds=$(timeline_kinds 2)
[[ $kinds == *notified*false_alarm*stand_down* ]] || fail "timeline 2: $kinds"
# Kept, never deleted, and closed.
cli list incidents --db "$DB" --json
jq -e -s 'flatten | map(select(.incident == 2))[0].state == "resolved"' \
    "$TMP/list.out" >/dev/null || fail "incident 2 not closed"
# A second cancel is answered, not acted on.
cli cancel3 cancel --branch central --id cw-2 --broker "127.0.0.1:$PORT"
expect_rc 2 cancel
# And one of a report that never was.
cli cancel4 cancel --branch central --id nope-1 --broker "127.0.0.1:$PORT"
expect_rc 2 cancel
grep -q 'no report "nope-1"' "$TMP/cancel4.err" ||
	fail "cancel of an unknown report: $(cat "$TMP/cancel4.err")"

# ---- severity 1-2 never waits; silent reports ------------------------------
pub "$PREFIX/report/central" \
    '{"id": "sv-1", "type": "mental_health", "silent": true}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 3 and
    .silent == true and (.advice | test("approach discreetly"))'
wait_for 5 status_of central sv-1 '.silent == true and .state == "routed"'

# ---- a restart inside the window still sends when it ends ------------------
pub "$PREFIX/report/central" '{"id": "cw-4", "type": "welfare"}'
wait_for 5 status_of central cw-4 '.incident == 4 and .state == "received"'
stop_beacond
start_beacond
# The restarted clock starts from the real time again, 11 s behind the
# moved one that set the deadline.
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/crisis-1" '.incident == 4')" 0 \
    "notified before the window ended"
clock_move 20000
wait_for 5 has notify "$PREFIX/notify/crisis-1" \
    '.incident == 4 and .kind == "incident"'
cli r4 resolve 4 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 resolve
# Closed incidents are joined by no press.
cli r3 resolve 3 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 resolve

# ---- repeated presses ------------------------------------------------------
# The same device pressing again joins its open incident (t_join.sh: what
# else joins and what does not).
pub "$PREFIX/report/central" '{"id": "pr-1", "type": "mental_health", "device": "desk-3"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 5'
pub "$PREFIX/report/central" '{"id": "pr-2", "type": "mental_health", "device": "desk-3"}'
wait_for 5 status_of central pr-2 '.incident == 5 and .presses == 2 and
    .message == "joined to incident 5: the crisis worker is already called"'
pub "$PREFIX/report/central" \
    '{"id": "pr-3", "type": "mental_health", "location": "2nd floor", "device": "desk-3"}'
wait_for 5 status_of central pr-3 '.incident == 5 and .presses == 3'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 5 and
    .update == "location" and .presses == 3 and .location == "2nd floor" and
    .locations == ["2nd floor"]'
wait_for 5 has status "$PREFIX/incident/5" '.presses == 3'
# The same press again (a retry) is not another press.
pub "$PREFIX/report/central" '{"id": "pr-3", "type": "mental_health", "device": "desk-3"}'
answers() { (($(count status "$PREFIX/status/$1/$2") >= $3)); }
wait_for 5 answers central pr-3 2
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/crisis-1" '.incident == 5')" 2 \
    "notifications for incident 5 (first, then the new location)"
cli list incidents --db "$DB" --json
expect_eq "$(jq -s 'flatten | map(select(.incident == 5))[0].presses' \
    "$TMP/list.out")" 3 "presses of incident 5"
cli table incidents --db "$DB"
expect_line table '^5 .*mental_health \(3 presses\)' 
expect_eq "$(jq -s 'flatten | map(select(.type == "mental_health")) | length' \
    "$TMP/list.out")" 2 "mental_health incidents (3 and 5)"
# Outside the window, a press is an incident of its own.
clock_move 121000
pub "$PREFIX/report/central" '{"id": "pr-4", "type": "mental_health", "device": "desk-3"}'
wait_for 5 status_of central pr-4 '.incident == 6'
# A press that makes it a threat to life brings in emergency dispatch at
# once, as a first report at that severity would have.
pub "$PREFIX/report/central" \
    '{"id": "pr-5", "type": "mental_health", "severity": 1, "device": "desk-3"}'
wait_for 5 status_of central pr-5 '.incident == 6 and .call_911 == true'
wait_for 5 has notify "$PREFIX/notify/dispatch" \
    '.incident == 6 and .severity == 1'

# ---- drills ----------------------------------------------------------------
pub "$PREFIX/report/central" '{"id": "dr-1", "type": "overdose", "drill": true}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 7 and .drill'
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/dispatch" '.incident == 7')" 0 \
    "a drill reached emergency dispatch"
[[ $(timeline_kinds 7) == *drill_skipped* ]] || fail "no drill_skipped"
cli r7 resolve 7 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 resolve

until=$(date -u -d "$CLOCK_NOW + 1 hour" +%Y-%m-%dT%H:%M:%SZ)
cli ds drill start --branch central --until "$until" --as supervisor-1 \
    --broker "127.0.0.1:$PORT"
expect_rc 0 "drill start"
expect_line ds 'drill mode'
pub "$PREFIX/report/central" '{"id": "dr-2", "type": "overdose"}'
wait_for 5 status_of central dr-2 '.incident == 8 and .drill == true'
wait_for 5 has notify "$PREFIX/notify/security-1" '.incident == 8 and .drill'
[[ $(timeline_kinds 8) == "reported drill_mode"* ]] ||
	fail "timeline 8: $(timeline_kinds 8)"
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/dispatch" '.incident == 8')" 0 \
    "a drill-mode report reached emergency dispatch"
cli dt drill stop --branch central --as supervisor-1 \
    --broker "127.0.0.1:$PORT"
expect_rc 0 "drill stop"
cli r8 resolve 8 --as security-1 --broker "127.0.0.1:$PORT"
expect_rc 0 resolve
pub "$PREFIX/report/central" '{"id": "dr-3", "type": "overdose"}'
wait_for 5 has notify "$PREFIX/notify/dispatch" '.incident == 9 and
    .drill == false'
# Never longer than a day.
far=$(date -u -d "$CLOCK_NOW + 2 days" +%Y-%m-%dT%H:%M:%SZ)
cli dfar drill start --branch central --until "$far" --as supervisor-1 \
    --broker "127.0.0.1:$PORT"
expect_rc 2 "drill start for two days"
grep -q 'at most 24 hours' "$TMP/dfar.err" || fail "$(cat "$TMP/dfar.err")"
# Only supervisors may.
cli dx drill start --branch central --until "$until" --as crisis-1 \
    --broker "127.0.0.1:$PORT"
expect_rc 2 "drill start by a crisis worker"

# ---- a branch paused for device testing -----------------------------------
cli bp branch pause eastside --until "$until" --as supervisor-1 \
    --broker "127.0.0.1:$PORT"
expect_rc 0 "branch pause"
pub "$PREFIX/report/eastside" '{"id": "tp-1", "type": "weapon"}'
wait_for 5 has status "$PREFIX/status/eastside/tp-1" \
    '.incident == 10 and (.message | test("test recorded: nobody was paged"))'
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/security-2" '.incident == 10')" 0 \
    "a paused branch paged someone"
expect_eq "$(count notify "$PREFIX/notify/dispatch" '.incident == 10')" 0 \
    "a paused branch paged dispatch"
[[ $(timeline_kinds 10) == *test* ]] || fail "no test event"
cli br branch resume eastside --as supervisor-1 --broker "127.0.0.1:$PORT"
expect_rc 0 "branch resume"
pub "$PREFIX/report/eastside" '{"id": "tp-2", "type": "weapon"}'
wait_for 5 has notify "$PREFIX/notify/security-2" '.incident == 11'

# ---- the board report leaves drills, false alarms and tests out ------------
cli html report-html --since 2000-01-01 --db "$DB" --config "$CONF" \
    --out "$TMP/board.html"
expect_rc 0 report-html
# 11 incidents: 1 cancelled and 2 a false alarm, 7 and 8 drills, 10 a
# test: 6 counted.
expect_line html ': 6 incidents; set apart: 2 drills, 2 false alarms'
expect_line html '1 device test left out'
stop_beacond
