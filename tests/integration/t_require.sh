#!/usr/bin/env bash
# A category that requires several roles (a weapon: security and emergency
# dispatch) is taken only when each has acknowledged: until then nobody is
# stood down, the status says which role is awaited and escalation goes on
# for it.
. "$(dirname "$0")/lib.sh"

write_conf
sed -i 's/policy = "weapon"; }/policy = "weapon"; require = [ "security", "emergency" ]; }/' \
    "$CONF"
grep -q 'require = \[ "security", "emergency" \]' "$CONF" ||
	fail "the test configuration was not changed"
TEST_CLOCK=1
start_broker
start_beacond
sub_notify
sub_status

pub "$PREFIX/report/central" '{"id": "rq-1", "type": "weapon"}'
wait_for 5 has status "$PREFIX/status/central/rq-1" \
    '.state == "routed" and .notified == 2'

cli ack ack 1 --as security-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack
wait_for 5 has status "$PREFIX/status/central/rq-1" '.state == "acknowledged"
    and .awaiting == ["emergency"] and .message ==
    "acknowledged by security-1 (security); waiting for emergency dispatch"'
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/dispatch" '.kind == "stand_down"')" \
    0 "stand-downs before every required role acknowledged"

# Step 2 (60 s) still fires: emergency dispatch has not acknowledged.
clock_move 61000
wait_for 5 has notify "$PREFIX/notify/supervisor-1" \
    '.incident == 1 and .step == 1'
has status "$PREFIX/status/central/rq-1" '.message | startswith("a required role has not acknowledged yet: escalated to step 2")' ||
	fail "the escalation text says nobody acknowledged"

cli ack2 ack 1 --as dispatch --broker "127.0.0.1:$PORT"
expect_rc 0 ack2
wait_for 5 has notify "$PREFIX/notify/supervisor-1" \
    '.kind == "stand_down" and .reason == "taken" and .by == "dispatch"'
wait_for 5 has notify "$PREFIX/notify/staff-central" '.kind == "stand_down"'
has notify "$PREFIX/notify/supervisor-1" '.kind == "stand_down" and
    (.message | test("taken by security-1 \\(security\\) and dispatch \\(emergency dispatch\\)"))' ||
	fail "the stand-down does not name both who took it"
wait_for 5 has status "$PREFIX/status/central/rq-1" '(has("awaiting") | not) and
    ((.acked // []) | map(.by)) == ["security-1", "dispatch"] and
    (.message | endswith("every required role has acknowledged"))'
[[ $(timeline_kinds 1) == *"ack taken stand_down" ]] ||
	fail "timeline: expected ack, taken, stand_down: $(timeline_kinds 1)"
notify_barrier
for r in security-1 dispatch; do
	expect_eq "$(count notify "$PREFIX/notify/$r" '.kind == "stand_down"')" \
	    0 "stand-downs to $r, who acknowledged"
done

# A requirement the policy cannot meet is a configuration error.
write_conf
sed -i 's/policy = "weapon"; }/policy = "weapon"; require = [ "crisis_worker" ]; }/' \
    "$CONF"
"$BEACON_BUILD/beacond" -c "$CONF" --check-config >"$TMP/check.out" 2>&1 &&
	fail "a requirement no step notifies was accepted"
grep -q 'requires role "crisis_worker" but policy "weapon" never notifies it' \
    "$TMP/check.out" || fail "unclear error: $(cat "$TMP/check.out")"
stop_beacond
