#!/usr/bin/env bash
# Responders named in a policy step (docs/configuration.md, "policies and
# their steps"; docs/protocol.md, "Escalation"). A named account is paged
# whatever branches it covers; one reached both through a role and by name
# is notified once; one reached in step 1 and named again in step 2 counts
# once in `notified`: it gets step 2's notice for the same incident (an
# update of the alert it has, not another incident), and one stand-down.
. "$(dirname "$0")/lib.sh"

TEST_CLOCK=1
write_conf
# Step 1 names security-2, who covers Eastside only, and crisis-1, whom the
# crisis_worker role reaches too; step 2 names security-2 again beside the
# supervisor role.
sed -i '/^policies = ($/a\  { id = "named";\
    steps = ( { after = 0;  roles = [ "crisis_worker" ]; responders = [ "security-2", "crisis-1" ]; },\
              { after = 60; roles = [ "supervisor" ]; responders = [ "security-2" ]; } ); },\
  { id = "again";\
    steps = ( { after = 0;  roles = [ "crisis_worker" ]; },\
              { after = 60; responders = [ "crisis-1" ]; } ); },
    /^categories = ($/a\  { id = "disturbance"; label = "Disturbance"; severity = 3; policy = "named"; },\
  { id = "noise"; label = "Noise"; severity = 4; policy = "again"; },' \
    "$CONF"
grep -q 'responders = \[ "security-2", "crisis-1" \]' "$CONF" &&
    grep -q 'policy = "named"' "$CONF" && grep -q 'policy = "again"' "$CONF" ||
	fail "test configuration not set"

# ---- --check-config accepts it ---------------------------------------------
need_beacond
rc=0
"$BEACOND" --check-config -c "$CONF" >"$TMP/check.out" 2>"$TMP/check.err" ||
	rc=$?
expect_eq "$rc" 0 "--check-config exit status: $(cat "$TMP/check.err")"
[ -s "$TMP/check.err" ] && fail "--check-config: $(cat "$TMP/check.err")"
grep -q ': ok: ' "$TMP/check.out" || fail "--check-config: $(cat "$TMP/check.out")"
# ... and a step naming nobody that exists is refused, with its line.
sed 's/responders = \[ "security-2" \]/responders = [ "security-9" ]/' \
    "$CONF" >"$TMP/bad.conf"
rc=0
"$BEACOND" --check-config -c "$TMP/bad.conf" >/dev/null 2>"$TMP/bad.err" ||
	rc=$?
expect_eq "$rc" 1 "--check-config exit status for an unknown responder"
grep -Eq ':[0-9]+: .*unknown responder "security-9"' "$TMP/bad.err" ||
	fail "--check-config for an unknown responder: $(cat "$TMP/bad.err")"

start_broker
start_beacond
sub_notify
sub_status

# at MS: the test clock's "@" form of an instant in ms since the epoch.
at() {
	printf '@%s.%03dZ' "$(date -u -d "@$(($1 / 1000))" +%Y-%m-%dT%H:%M:%S)" \
	    $(($1 % 1000))
}

# ---- step 1 -----------------------------------------------------------------
pub "$PREFIX/report/central" '{"id": "nr-1", "type": "disturbance",
    "location": "Reading room"}'
# security-2 covers Eastside only: paged by name for a Central incident.
wait_for 5 has notify "$PREFIX/notify/security-2" '.incident == 1 and
    .kind == "incident" and .step == 0 and .repeat == 0 and
    .role == "security" and .branch == "central"'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1 and
    .step == 0 and .role == "crisis_worker"'
wait_for 5 has status "$PREFIX/status/central/nr-1" '.state == "routed"'
# Incident 2: a policy whose step 2 names only crisis-1, reached in step 1.
pub "$PREFIX/report/central" '{"id": "nr-2", "type": "noise"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 2 and
    .step == 0'
wait_for 5 has status "$PREFIX/status/central/nr-2" '.state == "routed"'
reported=$(ts_ms "$(payloads status "$PREFIX/status/central/nr-1" |
    head -n 1 | jq -r .ts)")
notify_barrier
# crisis-1, by role and by name: one page.
expect_eq "$(count notify "$PREFIX/notify/crisis-1" '.incident == 1')" 1 \
    "step 1's notices to crisis-1, reached by role and by name"
expect_eq "$(count notify "$PREFIX/notify/security-2" '.incident == 1')" 1 \
    "step 1's notices to security-2"
# Nobody else of the security role is reached: security-1 covers Central,
# but the step names no security role.
expect_eq "$(count notify "$PREFIX/notify/security-1")" 0 \
    "notices to security-1, whom the step does not name"
status=$(payloads status "$PREFIX/status/central/nr-1" | tail -n 1)
expect_eq "$(jq -r '"\(.notified) \(.message)"' <<<"$status")" \
    "2 routed: 2 responders notified" "step 1's status"
expect_eq "$(timeline_json 1 | jq -r '[.events[] | select(.kind ==
    "notified") | .actor] | sort | join(" ")')" "crisis-1 security-2" \
    "step 1's notified events"

# ---- step 2, 60 s later on the test clock ---------------------------------
clock_move "$(at $((reported + 50000)))"
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/supervisor-1")" 0 \
    "the supervisor notified before step 2's 60 s"
clock_move "$(at $((reported + 90000)))"
wait_for 5 has notify "$PREFIX/notify/supervisor-1" '.incident == 1 and
    .step == 1 and .role == "supervisor"'
# security-2 hears step 2 too, as an update of its alert for incident 1:
# the same incident, step 1 (from 0), not a repeat and not another
# incident.
wait_for 5 has notify "$PREFIX/notify/security-2" '.incident == 1 and
    .kind == "incident" and .step == 1 and .repeat == 0'
wait_for 5 has status "$PREFIX/status/central/nr-1" '.escalation.step == 1'
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/security-2" '.incident == 1 and
    .kind == "incident"')" 2 "notices to security-2 (one a step)"
expect_eq "$(payloads notify "$PREFIX/notify/security-2" |
    jq -s -c '[.[] | .incident] | unique')" "[1]" \
    "incidents in security-2's notices"
expect_eq "$(count notify "$PREFIX/notify/crisis-1" '.incident == 1')" 1 \
    "notices to crisis-1, whom step 2 does not name"
# Three distinct responders, not four: security-2 counts once.
status=$(payloads status "$PREFIX/status/central/nr-1" | tail -n 1)
expect_eq "$(jq -r '"\(.notified) \(.message)"' <<<"$status")" \
    "3 no acknowledgment yet: escalated to step 2, 1 more responder notified" \
    "step 2's status"
wait_for 5 has status "$PREFIX/incident/1" '.notified == 3 and .step == 1'
# Incident 2's step 2 reached nobody new: crisis-1 hears it again, and the
# reporter is told so, not that one more responder was notified.
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 2 and
    .step == 1 and .repeat == 0'
wait_for 5 has status "$PREFIX/status/central/nr-2" '.notified == 1 and
    .message == "no acknowledgment yet: escalated to step 2, 1 responder notified again"'
expect_eq "$(count notify "$PREFIX/notify/crisis-1" '.incident == 2')" 2 \
    "notices to crisis-1 for incident 2 (one a step)"

# ---- taken: one stand-down each, security-2 included once -----------------
cli ack ack 1 --as supervisor-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack
wait_for 5 has notify "$PREFIX/notify/security-2" '.incident == 1 and
    .kind == "stand_down" and .by == "supervisor-1"'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1 and
    .kind == "stand_down"'
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/security-2" \
    '.kind == "stand_down"')" 1 "stand-downs to security-2"
expect_eq "$(count notify "$PREFIX/notify/crisis-1" \
    '.kind == "stand_down"')" 1 "stand-downs to crisis-1"
wait_for 5 has status "$PREFIX/incident/1" '.state == "acknowledged" and
    .notified == 3'
stop_beacond
