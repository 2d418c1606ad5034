#!/usr/bin/env bash
# When one responder acknowledges, every other notified responder is told
# to stand down, naming who took it; the acknowledging one is not. The
# reporter's status lists who acknowledged, and when a role has nobody on
# the branch it says plainly whom to call.
. "$(dirname "$0")/lib.sh"

start_broker
start_beacond
sub_notify
sub_status

pub "$PREFIX/report/central" '{"id": "sd-1", "type": "overdose"}'
wait_for 5 has status "$PREFIX/status/central/sd-1" \
    '.state == "routed" and .notified == 3'
has status "$PREFIX/status/central/sd-1" 'has("instruction")' &&
	fail "a status with everyone reached carries an instruction"

cli ack ack 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack
wait_for 5 has notify "$PREFIX/notify/security-1" \
    '.kind == "stand_down" and .incident == 1'
wait_for 5 has notify "$PREFIX/notify/dispatch" \
    '.kind == "stand_down" and .incident == 1'
has notify "$PREFIX/notify/security-1" '.kind == "stand_down" and
    .reason == "taken" and .by == "crisis-1" and
    .by_role == "crisis_worker" and .by_label == "crisis worker" and
    (.message | test("taken by crisis-1 \\(crisis worker\\)"))' ||
	fail "the stand-down does not say who took it"
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/crisis-1" '.kind == "stand_down"')" \
    0 "stand-downs to the responder who acknowledged"

# The reporter's status: who acknowledged, by name and role.
has status "$PREFIX/status/central/sd-1" '.state == "acknowledged" and
    .acked == [{"by": "crisis-1", "role": "crisis_worker",
                "label": "crisis worker", "name": "Crisis worker on duty"}]' ||
	fail "the status does not list the acknowledgment"
kinds=$(timeline_kinds 1)
[[ $kinds == *"ack stand_down" ]] ||
	fail "timeline: expected ack, then stand_down: $kinds"
timeline_json 1 | jq -e '.events[] | select(.kind == "stand_down") |
    .detail == "reason=taken; 2 responders stood down: security-1, dispatch"' \
    >/dev/null || fail "the stand_down event does not name who was told"

# A second acknowledgment is no new stand-down.
cli ack2 ack 1 --as security-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack2
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/dispatch" '.kind == "stand_down"')" \
    1 "stand-downs to dispatch after a second acknowledgment"

# Nobody at all for the category on this branch: call the person in charge.
pub "$PREFIX/report/eastside" '{"id": "sd-2", "type": "child_safety"}'
wait_for 5 has status "$PREFIX/status/eastside/sd-2" '.notified == 0 and
    .instruction == "No crisis worker available: call the person in charge"'

# Others reached but not the crisis worker, at a severity that calls 911.
pub "$PREFIX/report/eastside" '{"id": "sd-3", "type": "overdose"}'
wait_for 5 has status "$PREFIX/status/eastside/sd-3" '.notified == 2 and
    .call_911 == true and .instruction == "No crisis worker available (2 other responders notified): if you need help before they come, call 911 now, then the person in charge"'
stop_beacond
