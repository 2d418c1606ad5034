#!/usr/bin/env bash
# An overdose at Central: the crisis worker, security and emergency
# dispatch are notified at once and the reporter is told to CALL 911; the
# crisis worker acknowledges; the timeline holds every step.
. "$(dirname "$0")/lib.sh"

start_broker
start_beacond
sub_notify
sub_status

cli report report --broker "127.0.0.1:$PORT" --branch central \
    --type overdose --location "2nd floor washroom" --id od-1
expect_rc 0 report
expect_line report '^[0-9]{2}:[0-9]{2}:[0-9]{2}\b.*\breceived: incident 1$'
expect_line report \
    '^[0-9]{2}:[0-9]{2}:[0-9]{2}\b.*\brouted: 3 responders notified, CALL 911$'

# Everyone of the first step, each told to call 911, nobody else.
notify_barrier
for r in crisis-1 security-1 dispatch; do
	has notify "$PREFIX/notify/$r" '.incident == 1 and .step == 0 and
	    .call_911 == true and .branch == "central" and
	    .type == "overdose" and .location == "2nd floor washroom"' ||
		fail "$r was not notified of incident 1 with call_911"
done
expect_eq "$(grep -c "^$PREFIX/notify/[a-z]" "$TMP/notify.log")" 3 \
    "notifications"

cli ack ack 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack
expect_line ack 'incident 1: acknowledged by crisis-1'
wait_for 5 has status "$PREFIX/status/central/od-1" \
    '.state == "acknowledged" and
     .message == "acknowledged by crisis-1 (crisis worker)"'
has status "$PREFIX/incident/1" \
    '.state == "acknowledged" and .acked_by == "crisis-1" and
     .last.kind == "ack" and .last.by == "crisis-1"' ||
	fail "the incident topic does not show the acknowledgment"

# The acknowledgment stands down the two others notified.
expect_eq "$(timeline_kinds 1)" \
    "reported notified notified notified ack stand_down" \
    "timeline of incident 1"
cli timeline timeline 1 --db "$DB"
expect_rc 0 timeline
for k in reported ack; do
	expect_line timeline "\\b$k\\b"
done
expect_eq "$(grep -Ec '\bnotified\b' "$TMP/timeline.out")" 3 \
    "notified lines in beacon timeline"
expect_line timeline '\bcrisis-1\b'
stop_beacond
