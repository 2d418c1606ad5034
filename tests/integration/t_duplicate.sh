#!/usr/bin/env bash
# The same report id twice (a client retrying): one incident, a duplicate
# event on its timeline, and the current status published again, retained.
. "$(dirname "$0")/lib.sh"

start_broker
start_beacond
sub_notify
sub_status

topic=$PREFIX/status/central/dup-1
routed() {
	count status "$topic" '.state == "routed" and .incident == 1'
}
routed_above() {
	(($(routed) > $1))
}

report='{"id": "dup-1", "type": "overdose", "device": "desk-3"}'
pub "$PREFIX/report/central" "$report"
wait_for 5 routed_above 0
pub "$PREFIX/report/central" "$report"
wait_for 5 routed_above 1

# Retained: a client that subscribes now still learns where it stands.
retained=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 3 -t "$topic")
jq -e '.state == "routed" and .incident == 1' <<<"$retained" >/dev/null ||
	fail "retained status: $retained"

expect_eq "$(timeline_kinds 1)" \
    "reported notified notified notified duplicate" "timeline"
timeline_json 1 | jq -e '.events[-1] | .kind == "duplicate" and
    .actor == "desk-3"' >/dev/null || fail "the duplicate event"

# The CLI retries with the same id too: it is told where things stand.
cli again report --branch central --type overdose --id dup-1 \
    --broker "127.0.0.1:$PORT"
expect_rc 0 again

cli incidents incidents --db "$DB" --json
expect_rc 0 incidents
expect_eq "$(jq -r 'length' "$TMP/incidents.out")" 1 "incidents"
expect_eq "$(jq -r '.[0].report' "$TMP/incidents.out")" dup-1 \
    "the incident's report"

notify_barrier
expect_eq "$(count notify "$PREFIX/notify/crisis-1")" 1 \
    "notifications of crisis-1"
stop_beacond
