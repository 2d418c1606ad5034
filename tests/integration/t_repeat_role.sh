#!/usr/bin/env bash
# A role's own repeat (roles[].repeat) re-notifies its responders until
# somebody acknowledges, as nurse-call systems do; roles without one are
# notified once; the acknowledgment stops the repeats, and a step whose
# time runs out still escalates.
. "$(dirname "$0")/lib.sh"

write_conf
sed -i 's/label = "crisis worker"; }/label = "crisis worker"; repeat = 20; }/' \
    "$CONF"
grep -q 'repeat = 20' "$CONF" || fail "the test configuration was not changed"
TEST_CLOCK=1
start_broker
start_beacond
sub_notify
sub_status

pub "$PREFIX/report/central" '{"id": "rr-1", "type": "overdose"}'
pub "$PREFIX/report/central" '{"id": "rr-2", "type": "mental_health"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 2'

first() { count notify "$PREFIX/notify/$1" ".incident == $2 and .kind == \"incident\""; }
clock_move 15000
notify_barrier
expect_eq "$(first crisis-1 1)" 1 "notices to crisis-1 before 20 s"
clock_move 6000
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1 and .repeat == 1'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 2 and .repeat == 1'
notify_barrier
expect_eq "$(first security-1 1)" 1 "notices to security, a role without repeat"
timeline_json 1 | jq -e '[.events[] | select(.kind == "repeated")] | length == 1' \
    >/dev/null || fail "the repeat is not on the timeline"

# Acknowledged: no more repeats for incident 1; incident 2 goes on.
cli ack ack 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack
clock_move 20000
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 2 and .repeat == 2'
notify_barrier
expect_eq "$(first crisis-1 1)" 2 "notices to crisis-1 after the acknowledgment"

# Incident 2's step 2 at 60 s (when its third repeat would be due): the
# escalation, to security.
clock_move 20000
wait_for 5 has notify "$PREFIX/notify/security-1" '.incident == 2 and .step == 1'
stop_beacond
