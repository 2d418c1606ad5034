#!/usr/bin/env bash
# Escalation: with no acknowledgment the second step fires `after` (here
# 120 s, on the test clock) later; an acknowledgment stops it. Incident A
# is acknowledged at once and B is reported after it under the same
# policy, so A's deadline comes before B's: once B has escalated, A would
# have too, had the acknowledgment not stopped it.
. "$(dirname "$0")/lib.sh"

# The welfare policy's second step 120 s after the first, so that only
# the moved clock, never the time the test takes, can make it fire.
write_conf
conf_supervisor_after 120
TEST_CLOCK=1
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

# Not before its time: 110 s on, neither incident has escalated (the
# test clock runs on from where it is moved, so 10 s are left for the time
# the test itself takes).
clock_move 110000
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/supervisor-1")" 0 \
    "notifications of the supervisor before the step's 120 s"
expect_eq "$(timeline_kinds 2)" "reported notified" \
    "timeline of B before the step's 120 s"

# At its time: 11 s more, and B's second step fires then, not later.
clock_move 11000
wait_for 30 has notify "$PREFIX/notify/supervisor-1" \
    '.incident == 2 and .step == 1'
wait_for 30 has status "$PREFIX/status/central/esc-b" \
    '.state == "routed" and .message ==
     "no acknowledgment yet: escalated to step 2, 1 more responder notified"'
has status "$PREFIX/incident/2" '.last.kind == "escalated" and .step == 1' ||
	fail "the incident topic does not show the escalation"

# The timeline, on beacond's clock: 120 s or more after the report, and
# fired by the move that made it due. The test clock runs on with the
# wall clock, and beacond fires the step in the loop turn after it
# published the move, so its stamp may be a little past CLOCK_NOW; a step
# due later than the move (125 s, say) would be stamped 4 s past it.
tl=$(timeline_json 2)
first=$(jq -r '.events[] | select(.kind == "reported") | .ts' <<<"$tl")
esc=$(jq -r '.events[] | select(.kind == "escalated") | .ts' <<<"$tl")
if [ -z "$first" ] || [ -z "$esc" ]; then
	fail "timeline of B: $tl"
fi
delay=$(($(ts_ms "$esc") - $(ts_ms "$first")))
((delay >= 120000)) ||
	fail "B escalated ${delay} ms after the report, expected 120 s"
(($(ts_ms "$esc") <= $(ts_ms "$CLOCK_NOW") + 3000)) ||
	fail "B escalated at $esc, well after the clock moved to $CLOCK_NOW"

# A: acknowledged, so never escalated.
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/supervisor-1" '.incident == 1')" 0 \
    "notifications of the supervisor for A"
expect_eq "$(timeline_kinds 1)" "reported notified ack" "timeline of A"
stop_beacond
