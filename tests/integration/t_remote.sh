#!/usr/bin/env bash
# --remote: incidents, timeline, replay and debrief asked of beacond over
# MQTT v5 request/response print what the database gives; a crisis worker
# is refused with beacond's reason (exit 2); hold, correct and purge are
# made through beacond; no beacond means exit 3.
. "$(dirname "$0")/lib.sh"

# The debrief's reminder and overdue notice hours away: falling due
# between the two reads of one comparison would make them differ.
write_conf
conf_debrief_later
start_broker
start_beacond
sub_notify
B=(--broker "127.0.0.1:$PORT")
R=(--remote --as supervisor-1 "${B[@]}")

pub "$PREFIX/report/central" '{"id": "m-1", "type": "welfare", "location": "3rd floor"}'
pub "$PREFIX/report/eastside" '{"id": "m-2", "type": "weapon", "drill": true}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1'
wait_for 5 has notify "$PREFIX/notify/security-2" '.incident == 2'
cli ack ack 1 --as crisis-1 --note "on my way" "${B[@]}"
cli resolve resolve 1 --as crisis-1 "${B[@]}"
expect_rc 0 resolve

# The same output, whichever way it is read.
same() {
	local name=$1

	shift
	cli "$name-db" "$@" --db "$DB"
	expect_rc 0 "$name-db"
	cli "$name-mqtt" "$@" "${R[@]}"
	expect_rc 0 "$name-mqtt"
	cmp -s "$TMP/$name-db.out" "$TMP/$name-mqtt.out" ||
		fail "$*: --remote differs: $(diff "$TMP/$name-db.out" \
		    "$TMP/$name-mqtt.out")"
}

same list incidents
expect_line list-mqtt '^1 +central +welfare +3 +resolved '
same csv incidents --format csv
same json incidents --json
same east incidents --branch eastside --drill --json
expect_eq "$(jq -r 'map(.incident) | join(",")' "$TMP/east-mqtt.out")" 2 \
    "--branch --drill"
same real incidents --no-drill --state resolved --since 2000-01-01 --format csv
expect_eq "$(jq -r 'map(.incident) | join(",")' <(timeout 10 "$BEACON" \
    incidents --no-drill --json "${R[@]}"))" 1 "--no-drill"
same crisis incidents --responder crisis-1 --format json
expect_eq "$(jq -r 'map(.incident) | join(",")' "$TMP/crisis-mqtt.out")" 1 \
    "--responder"
same tl timeline 1
same tljson timeline 1 --json
same replay replay 1 --speed 0 --json
same debrief debrief 1 --json

# A crisis worker may not make supervisor requests.
for args in "incidents" "timeline 1" "replay 1 --speed 0"; do
	# shellcheck disable=SC2086
	cli refused $args --remote --as crisis-1 "${B[@]}"
	expect_rc 2 refused
	grep -q "refused: crisis-1 may not make supervisor requests" \
	    "$TMP/refused.err" || fail "$args: $(cat "$TMP/refused.err")"
	[ ! -s "$TMP/refused.out" ] || fail "$args printed: $(cat "$TMP/refused.out")"
done
cli missing timeline 42 "${R[@]}"
expect_rc 2 missing
grep -q "incident 42 does not exist" "$TMP/missing.err" || fail "missing"
cli noas incidents --remote "${B[@]}"
expect_rc 1 noas

# Hold, correct, purge: through beacond, onto the timeline.
cli hold hold 1 --as supervisor-1 --note "records request 2026-14" "${B[@]}"
expect_rc 0 hold
expect_line hold '^incident 1: on legal hold$'
ack_id=$(timeline_json 1 | jq '.events[] | select(.kind == "ack") | .id')
cli correct correct 1 --event "$ack_id" --note "it was security-1" \
    --as supervisor-1 "${B[@]}"
expect_rc 0 correct
expect_line correct "^incident 1: event $ack_id corrected by event [0-9]+$"
expect_eq "$(timeline_json 1 | jq -c --argjson id "$ack_id" '[.events[] |
    select(.kind == "hold" or .kind == "correction") |
    [.kind, .actor, .detail, .corrects]]')" \
    "[[\"hold\",\"supervisor-1\",\"records request 2026-14\",null],[\"correction\",\"supervisor-1\",\"it was security-1\",$ack_id]]" \
    "hold and correction events"
cli badev correct 1 --event 9999 --note x --as supervisor-1 "${B[@]}"
expect_rc 2 badev
cli release hold 1 --as supervisor-1 --release "${B[@]}"
expect_line release '^incident 1: legal hold released$'
cli purge purge --as supervisor-1 --dry-run "${B[@]}"
expect_rc 0 purge
expect_line purge '^would purge 0 incidents, 0 events, 0 debrief revisions; '
cli purgej purge --as manager-1 --dry-run --json "${B[@]}"
expect_eq "$(jq -c '[.ok, .dry_run]' "$TMP/purgej.out")" '[true,1]' \
    "purge --json"
cli nohold hold 1 --as crisis-1 "${B[@]}"
expect_rc 2 nohold

# Nobody answers: exit 3, and why.
stop_beacond
cli gone incidents "${R[@]}" --timeout 0.5
expect_rc 3 gone
grep -q "no answer from beacond within 0.5 s" "$TMP/gone.err" ||
	fail "gone: $(cat "$TMP/gone.err")"
