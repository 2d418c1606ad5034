#!/usr/bin/env bash
# beacon replay: the events in the order and at the elapsed times the
# timeline recorded, the gaps that mattered, --speed 0 at once, and a
# faster replay that still takes its scaled time.
. "$(dirname "$0")/lib.sh"

# The debrief's reminder and overdue notice hours away: added to the
# timeline between its reads, they would change what is replayed.
write_conf
conf_debrief_later
start_broker
start_beacond
sub_notify
B=(--broker "127.0.0.1:$PORT")

# Welfare: crisis-1 first, the supervisor 2 s later when nobody answers.
pub "$PREFIX/report/central" '{"id": "r-1", "type": "welfare", "device": "desk-3"}'
wait_for 5 has notify "$PREFIX/notify/supervisor-1" '.incident == 1'
cli decline decline 1 --as supervisor-1 "${B[@]}"
expect_rc 0 decline
cli ack ack 1 --as crisis-1 --note "on my way" "${B[@]}"
expect_rc 0 ack
cli arrived arrived 1 --as crisis-1 "${B[@]}"
expect_rc 0 arrived
cli resolve resolve 1 --as crisis-1 "${B[@]}"
expect_rc 0 resolve

# Milliseconds since the epoch of each event, less the incident's.
timeline_json 1 | jq -c '
    def ms: (.[0:19] + "Z" | fromdateiso8601) * 1000 + (.[20:23] | tonumber);
    (.incident.created | ms) as $t0 |
    [.events[] | [.id, .kind, ((.ts | ms) - $t0)]]' >"$TMP/want.json"

cli json replay 1 --db "$DB" --speed 0 --json
expect_rc 0 json
expect_eq "$(jq -sc '[.[] | select(.record == "event") |
    [.id, .kind, .elapsed_ms]]' "$TMP/json.out")" "$(cat "$TMP/want.json")" \
    "replayed events"
expect_eq "$(jq -sc 'last | [.record, .escalations, .declines,
    .first_ack_by, .first_notified_ms, (.on_scene_ms >= .first_ack_ms),
    (.resolved_ms >= .on_scene_ms), (.first_ack_ms >= 2000)]' \
    "$TMP/json.out")" '["summary",1,1,"crisis-1",0,true,true,true]' \
    "summary"
expect_eq "$(jq -sc '[.[] | select(.kind == "ack") | .sentence]' \
    "$TMP/json.out")" '["crisis-1 acknowledged: on my way"]' "sentence"

# Text, at once: the elapsed times, the sentences, the gaps.
cli text replay 1 --db "$DB" --speed 0
expect_rc 0 text
expect_line text '^\+0\.[0-9]{3}s +reported +desk-3 reported: Welfare check'
expect_line text '^\+[0-9.]+s +escalated +no acknowledgment yet: escalated to step 2'
expect_line text '^  first acknowledgment +\+[0-9.]+s by crisis-1$'
expect_line text '^  1 escalation, 1 decline, 0 times no one available$'

# Played four times as fast, it takes at least a quarter of the time the
# incident took (only a lower bound: a slow machine may take longer).
last=$(jq -r 'last | .[2]' "$TMP/want.json")
start=$(now_ms)
cli fast replay 1 --db "$DB" --speed 4
took=$(($(now_ms) - start))
expect_rc 0 fast
((took >= last / 4 - 20)) ||
	fail "--speed 4 took ${took} ms for ${last} ms of incident"
expect_eq "$(grep -c '^+' "$TMP/fast.out")" "$(jq length "$TMP/want.json")" \
    "lines at --speed 4"

cli none replay 9 --db "$DB"
expect_rc 1 none
grep -q "no incident 9" "$TMP/none.err" || fail "none: $(cat "$TMP/none.err")"
cli speed replay 1 --db "$DB" --speed fast
expect_rc 1 speed
stop_beacond
