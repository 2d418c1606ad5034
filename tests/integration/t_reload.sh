#!/usr/bin/env bash
# SIGHUP. A configuration with an error is refused: the error is logged as
# file:line, the running configuration stays in force and beacond keeps
# routing. A good one takes effect, but an incident that was open before
# it keeps the escalation policy it started with: here the welfare
# policy's second step moves from the supervisor to the manager, and only
# the incident reported after the reload goes to the manager.
. "$(dirname "$0")/lib.sh"

# The welfare policy's second step 120 s after the first, on the test
# clock: the reload comes before it however long the test takes.
write_conf
conf_supervisor_after 120
TEST_CLOCK=1
start_broker
start_beacond
sub_notify
sub_status

reloads() {
	grep -c 'event=reloaded' "$TMP/beacond.log" || true
}

# ---- a broken configuration changes nothing ------------------------------
cp "$CONF" "$TMP/good.conf"
printf 'branches = ( { id = "north"; name = "North"; } );\n' >>"$CONF"
kill -HUP "$BEACOND_PID"
wait_for 5 grep -q 'reload failed, keeping the running configuration' \
    "$TMP/beacond.log"
grep -Eq "beacon\.conf:[0-9]+: " "$TMP/beacond.log" ||
	fail "the reload error does not name file:line"
expect_eq "$(reloads)" 0 "reloads after a broken configuration"
alive "$BEACOND_PID" || fail "beacond exited on a broken configuration"
cp "$TMP/good.conf" "$CONF"

# ---- a good one: open incidents keep their policy -------------------------
# The second step of "quick" fires 120 s after the report, once the clock
# is moved; the reload below comes before it (checked from the log's
# order too).
pub "$PREFIX/report/central" '{"id": "rl-1", "type": "welfare"}'
wait_for 5 has status "$PREFIX/status/central/rl-1" '.state == "routed"'
sed -i 's/{ after = 120; roles = \[ "supervisor" \]; }/{ after = 120; roles = [ "manager" ]; }/' \
    "$CONF"
grep -q '{ after = 120; roles = \[ "manager" \]; }' "$CONF" ||
	fail "the test could not change the policy"
kill -HUP "$BEACOND_PID"
wait_for 5 grep -q 'event=reloaded' "$TMP/beacond.log"
grep -q 'event=policy_kept incidents=1' "$TMP/beacond.log" ||
	fail "the reload did not keep incident 1's policy"
pub "$PREFIX/report/central" '{"id": "rl-2", "type": "welfare"}'
wait_for 5 has status "$PREFIX/status/central/rl-2" '.state == "routed"'

clock_move 121000
wait_for 30 has notify "$PREFIX/notify/supervisor-1" '.incident == 1'
wait_for 30 has notify "$PREFIX/notify/manager-1" '.incident == 2'
notify_barrier
hasnt notify "$PREFIX/notify/manager-1" '.incident == 1' ||
	fail "incident 1 followed the new policy"
hasnt notify "$PREFIX/notify/supervisor-1" '.incident == 2' ||
	fail "incident 2 followed the old policy"
awk '/event=reloaded/ { r = NR } /incident=1 event=notified step=2 / { e = NR }
    END { exit !(r && e && r < e) }' "$TMP/beacond.log" ||
	fail "incident 1 escalated before the reload: the test proved nothing"
stop_beacond
say "reload: refused a broken configuration; incident 1 kept its policy"
