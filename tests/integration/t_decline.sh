#!/usr/bin/env bash
# A decline moves to the next step at once, although that step's `after`
# is 60 s.
. "$(dirname "$0")/lib.sh"

start_broker
start_beacond
sub_notify
sub_status

pub "$PREFIX/report/central" '{"id": "dc-1", "type": "mental_health"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1'

cli decline decline 1 --as crisis-1 --note "with another patron" \
    --broker "127.0.0.1:$PORT"
expect_rc 0 decline
wait_for 3 has notify "$PREFIX/notify/security-1" \
    '.incident == 1 and .step == 1'
wait_for 3 has status "$PREFIX/status/central/dc-1" \
    '.message == "declined by crisis-1 (crisis worker); escalating"'
wait_for 3 has status "$PREFIX/status/central/dc-1" \
    '.state == "routed" and (.message | startswith(
     "no acknowledgment yet: escalated to step 2, 1 more responder"))'

tl=$(timeline_json 1)
expect_eq "$(jq -r '[.events[].kind] | join(" ")' <<<"$tl")" \
    "reported notified decline notified escalated" "timeline"
expect_eq "$(jq -r '.events[] | select(.kind == "decline") |
    "\(.actor): \(.detail)"' <<<"$tl")" "crisis-1: with another patron" \
    "decline event"
stop_beacond
