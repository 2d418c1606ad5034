#!/usr/bin/env bash
# A weapon report goes to security and emergency dispatch at once, never
# to the crisis worker: the people patrons trust for help are not sent to
# an armed person first.
. "$(dirname "$0")/lib.sh"

start_broker
start_beacond
sub_notify
sub_status

pub "$PREFIX/report/central" \
    '{"id": "wp-1", "type": "weapon", "location": "main entrance"}'
wait_for 5 has status "$PREFIX/status/central/wp-1" \
    '.state == "routed" and .notified == 2 and .call_911 == true'
has status "$PREFIX/status/central/wp-1" \
    '.message == "routed: 2 responders notified, CALL 911"' ||
	fail "unexpected routed message"

notify_barrier
has notify "$PREFIX/notify/security-1" \
    '.incident == 1 and .step == 0 and .role == "security"' ||
	fail "security-1 was not notified at step 0"
has notify "$PREFIX/notify/dispatch" \
    '.incident == 1 and .step == 0 and .role == "emergency"' ||
	fail "dispatch was not notified at step 0"
expect_eq "$(count notify "$PREFIX/notify/crisis-1")" 0 \
    "notifications to the crisis worker"
expect_eq "$(grep -c '"role":"crisis_worker"' "$TMP/notify.log" || true)" 0 \
    "notifications to any crisis worker"
stop_beacond
