#!/usr/bin/env bash
# One alert per incident, and every answer, in the responder app in
# headless Chromium: a welfare report's repeat, the same notification
# delivered again, and its next step each update crisis-1's one alert (one
# card, one list entry, the note being typed kept); Acknowledge, Arrived
# and Resolve pressed on it and Decline on a mental-health crisis are
# recorded by beacond as the responder's, and the reporters read them. On
# the test clock, which runs with the wall clock plus what clock_move (or
# alert.mjs's clock) adds: every deadline here is minutes away, so that
# only the test moves them. The pictures of the updated alert are left in
# build/responder-alert-repeat.png and -step.png.
. "$(dirname "$0")/lib.sh"

write_conf
# Welfare: crisis workers, reminded every 400 s, then at 900 s crisis
# workers and the supervisor. Mental health: its second step 600 s away.
sed -i -e 's/^policies = ($/&\n  { id = "alert";\n    steps = ( { after = 0;   roles = [ "crisis_worker" ]; repeat = 400; },\n              { after = 900; roles = [ "crisis_worker", "supervisor" ]; } ); },/' \
    -e '/id = "welfare"/s/policy = "quick"/policy = "alert"/' \
    -e 's/{ after = 60; roles = \[ "security" \]; }/{ after = 600; roles = [ "security" ]; }/' \
    "$CONF"
grep -q 'policy = "alert"' "$CONF" && grep -q 'after = 600' "$CONF" ||
	fail "the test configuration was not changed"
TEST_CLOCK=1
need_web
start_broker_ws "$WEB"
start_beacond
sub_notify
sub_status
web_config central

web_test alert.mjs "$TMP/responder-alert"
for p in repeat step; do
	cp "$TMP/responder-alert-$p.png" "$BEACON_BUILD/responder-alert-$p.png"
done

# What beacond sent crisis-1 for incident 1: the first notice, its repeats
# and the next step (the copy the test published again is not beacond's).
expect_eq "$(payloads notify "$PREFIX/notify/crisis-1" | jq -sc \
    'map(select(.incident == 1 and .kind == "incident") |
     [.step, .repeat]) | unique')" '[[0,0],[0,1],[0,2],[1,0]]' \
    "notices of incident 1 to crisis-1 (step, repeat)"
has notify "$PREFIX/notify/supervisor-1" '.incident == 1 and .step == 1' ||
	fail "the next step did not reach the supervisor"

# Incident 1: answered, on scene and resolved by crisis-1, from the app.
timeline_json 1 >"$TMP/t1.json"
jq -e '[.events[] | select(.kind == "ack" or .kind == "arrived" or
    .kind == "resolve") | [.kind, .actor]] ==
    [["ack", "crisis-1"], ["arrived", "crisis-1"], ["resolve", "crisis-1"]]' \
    "$TMP/t1.json" >/dev/null ||
	fail "incident 1's answers: $(timeline_kinds 1)"
# In order: the repeats, the next step, then the answers (the clock's jumps
# add "late" events: each timer fired after its time).
timeline_kinds 1 | grep -Eq \
    '^reported notified (.+ )?repeated (.+ )?escalated (.+ )?ack (.+ )?arrived resolve( |$)' ||
	fail "incident 1's timeline: $(timeline_kinds 1)"
wait_for 5 has status "$PREFIX/status/central/web-a1" \
    '.state == "resolved"'
has status "$PREFIX/status/central/web-a1" \
    '.state == "on_scene" and (.message | test("crisis-1"))' ||
	fail "the reporter was not told crisis-1 is on scene"

# Incident 2: declined by crisis-1; the next step is called at once (its
# 600 s have not passed) and the reporter is told.
timeline_json 2 | jq -e '[.events[] | select(.kind == "decline")] |
    length == 1 and .[0].actor == "crisis-1"' >/dev/null ||
	fail "incident 2's decline: $(timeline_kinds 2)"
wait_for 5 has notify "$PREFIX/notify/security-1" \
    '.incident == 2 and .step == 1'
wait_for 5 has status "$PREFIX/status/central/web-a2" \
    '.message | test("declined by crisis-1")'
cli list incidents --db "$DB" --json
expect_rc 0 incidents
jq -e 'map({(.incident | tostring): .state}) | add |
    .["1"] == "resolved" and .["2"] == "routed"' "$TMP/list.out" \
    >/dev/null || fail "the incidents' states: $(cat "$TMP/list.out")"
stop_beacond
