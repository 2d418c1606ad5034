#!/usr/bin/env bash
# Supervisor requests over MQTT v5 request/response: a supervisor is
# answered from the database, a crisis worker is refused with a reason,
# a request without a response topic is refused on the error topic, and
# a debrief recorded remotely becomes a revision on the timeline.
. "$(dirname "$0")/lib.sh"

start_broker
start_beacond
sub_notify
sub_status

pub "$PREFIX/report/central" '{"id": "q-1", "type": "welfare", "note": "near the stacks"}'
pub "$PREFIX/report/eastside" '{"id": "q-2", "type": "weapon"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1'
wait_for 5 has notify "$PREFIX/notify/security-2" '.incident == 2'

query all supervisor-1 '{"method": "incidents"}'
expect_eq "$(answer all '.ok')" true "supervisor answered"
expect_eq "$(answer all '[.incidents[].report] | join(",")')" "q-1,q-2" \
    "incidents"
query east supervisor-1 '{"method": "incidents", "branch": "eastside"}'
expect_eq "$(answer east '[.incidents[].incident] | join(",")')" "2" \
    "filtered by branch"
query tl supervisor-1 '{"method": "timeline", "incident": 1}'
expect_eq "$(answer tl '.events[0].kind')" reported "timeline"
expect_eq "$(answer tl '.incident.note')" "near the stacks" "timeline incident"

query refused crisis-1 '{"method": "incidents"}'
expect_eq "$(answer refused '.ok')" false "crisis worker refused"
answer refused '.error' | grep -q "may not make supervisor requests" ||
	fail "refusal does not say why: $(answer refused '.error')"
query missing supervisor-1 '{"method": "timeline", "incident": 42}'
expect_eq "$(answer missing '.error')" "incident 42 does not exist" \
    "missing incident"

# No response topic: refused where the asker can read it.
pub "$PREFIX/query/supervisor-1" '{"method": "incidents"}'
wait_for 5 has status "$PREFIX/error/supervisor-1" \
    '.error | startswith("no MQTT v5 response topic")'

# A debrief recorded remotely, then edited: two revisions.
cli ack ack 1 --as crisis-1 --broker "127.0.0.1:$PORT"
cli resolve resolve 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 resolve
query rec1 supervisor-1 '{"method": "record", "incident": 1, "debrief":
    {"wellbeing": {"status": "held", "participants": 2},
     "review": {"referrals": [{"type": "housing"}]}}}'
expect_eq "$(answer rec1 '.revision')" 1 "first revision"
query rec2 manager-1 '{"method": "record", "incident": 1, "debrief":
    {"wellbeing": {"status": "held", "participants": 2},
     "review": {"route": "right", "referrals": [{"type": "housing"}]}}}'
expect_eq "$(answer rec2 '.revision')" 2 "second revision"
query bad supervisor-1 '{"method": "record", "incident": 1, "debrief":
    {"review": {"referrals": [{"type": "astrology"}]}}}'
answer bad '.error' | grep -q 'unknown referral type "astrology"' ||
	fail "unknown referral type accepted: $(cat "$TMP/bad.json")"
query revs supervisor-1 '{"method": "debrief", "incident": 1, "all": true}'
expect_eq "$(answer revs '[.debriefs[] | "\(.revision):\(.author)"] |
    join(" ")')" "1:supervisor-1 2:manager-1" "revisions"
expect_eq "$(timeline_json 1 | jq -r '[.events[] | select(.kind ==
    "debrief") | "\(.actor): \(.detail)"] | join("; ")')" \
    "supervisor-1: revision 1 recorded; manager-1: revision 2: changed review.route" \
    "debrief events"
stop_beacond
