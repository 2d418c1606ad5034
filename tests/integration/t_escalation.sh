#!/usr/bin/env bash
# Escalation: with no acknowledgment the second step fires `after` (2 s)
# later; an acknowledgment stops it. Incident A is acknowledged at once and
# B is reported after it under the same policy, so A's deadline would come
# before B's: once B has escalated, A would have too, had the
# acknowledgment not stopped it.
. "$(dirname "$0")/lib.sh"

start_broker
start_beacond
sub_notify
sub_status

cli report-a report --branch central --type welfare --id esc-a \
    --broker "127.0.0.1:$PORT"
expect_rc 0 report-a
cli ack-a ack 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack-a

cli report-b report --branch central --type welfare --id esc-b \
    --broker "127.0.0.1:$PORT"
expect_rc 0 report-b
wait_for 8 has notify "$PREFIX/notify/supervisor-1" \
    '.incident == 2 and .step == 1'
wait_for 5 has status "$PREFIX/status/central/esc-b" \
    '.state == "routed" and .message ==
     "no acknowledgment yet: escalated to step 2, 1 more responder notified"'
has status "$PREFIX/incident/2" '.last.kind == "escalated" and .step == 1' ||
	fail "the incident topic does not show the escalation"

# Not before its time: 2 s after the first step.
tl=$(timeline_json 2)
first=$(jq -r '.events[] | select(.kind == "reported") | .ts' <<<"$tl")
esc=$(jq -r '.events[] | select(.kind == "escalated") | .ts' <<<"$tl")
if [ -z "$first" ] || [ -z "$esc" ]; then
	fail "timeline of B: $tl"
fi
delay=$(($(ts_ms "$esc") - $(ts_ms "$first")))
((delay >= 2000 && delay < 5000)) ||
	fail "B escalated ${delay} ms after the report, expected 2 s"

# A: acknowledged, so never escalated.
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/supervisor-1" '.incident == 1')" 0 \
    "notifications of the supervisor for A"
expect_eq "$(timeline_kinds 1)" "reported notified ack" "timeline of A"
stop_beacond
