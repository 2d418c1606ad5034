#!/usr/bin/env bash
# The console's requests (docs/protocol.md, "The console's requests"):
# "console" says what the account covers; "board" lists the open incidents
# of those branches with who was called and how each answered, and the
# countdown's deadline ("next", also on beacon/incident/{id}); "debriefs_due",
# "devices" and "modes" list what a supervisor watches. A supervisor who
# covers one branch sees only it; a crisis worker is refused.
. "$(dirname "$0")/lib.sh"

TEST_CLOCK=1
write_conf
conf_supervisor_after 30
conf_debrief_later
# A supervisor of Central alone.
sed -i '/^  { id = "supervisor-1"/a\
  { id = "supervisor-c";  name = "Supervisor, Central";   role = "supervisor";    branches = [ "central" ]; },' \
    "$CONF"
grep -q '"supervisor-c"' "$CONF" || fail "the test could not add supervisor-c"
start_broker
start_beacond
sub_notify
sub inc "$PREFIX/incident/_probe" "$PREFIX/incident/+"

# ---- console ---------------------------------------------------------------
query info supervisor-c '{"method": "console"}'
expect_eq "$(answer info '.ok, .method, .responder, .role, .label' | paste -sd' ')" \
    "true console supervisor-c supervisor supervisor" "console"
expect_eq "$(answer info '[.branches[] | .branch + "=" + .name + "@" + .timezone] | join(",")')" \
    "central=Central Library@UTC" "console: the branches it covers"
expect_eq "$(answer info '[.categories[].type] | join(",")')" \
    "overdose,weapon,welfare,mental_health,child_safety" "console: categories"
expect_eq "$(answer info '.responders[] | select(.id == "security-2") | .branches | join(",")')" \
    "eastside" "console: a responder's branches"
expect_eq "$(answer info '.responders[] | select(.id == "dispatch") | .branches | join(",")')" \
    "central,eastside" "console: \"*\" spelled out"
expect_eq "$(answer info '.debrief.referral_types | join(",")')" \
    "mental_health,housing,addiction,food,legal" "console: referral types"
expect_eq "$(answer info '.life_severity, .report, (.now | test("Z$"))' | paste -sd' ')" \
    "1 false true" "console: life severity, no board report without http, now"

query crisis crisis-1 '{"method": "console"}'
expect_eq "$(answer crisis '.ok')" false "console as a crisis worker"
answer crisis '.error' | grep -q "crisis-1 may not make supervisor requests" ||
	fail "console as a crisis worker: $(cat "$TMP/crisis.json")"

# ---- board -----------------------------------------------------------------
pub "$PREFIX/report/central" '{"id": "c-1", "type": "welfare", "location": "2nd floor"}'
pub "$PREFIX/report/eastside" '{"id": "e-1", "type": "weapon"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1'
wait_for 5 has notify "$PREFIX/notify/security-2" '.incident == 2'
# The incident topic carries the countdown's deadline: the supervisor
# step, 30 s after the report on beacond-test's clock.
wait_for 5 has inc "$PREFIX/incident/1" '.state == "routed"'
created=$(payloads inc "$PREFIX/incident/1" | jq -r 'select(.state == "routed") | .created' | tail -n 1)
next_at=$(payloads inc "$PREFIX/incident/1" | jq -r 'select(.state == "routed") | .next.at' | tail -n 1)
expect_eq $(($(ts_ms "$next_at") - $(ts_ms "$created"))) 30000 \
    "incident topic: next.at is the second step's deadline"
expect_eq "$(payloads inc "$PREFIX/incident/1" | jq -r 'select(.state == "routed") | "\(.next.step) \(.next.repeat)"' | tail -n 1)" \
    "1 false" "incident topic: next.step"

query b1 supervisor-c '{"method": "board"}'
expect_eq "$(answer b1 '[.incidents[].incident] | join(",")'), $(answer b1 .count)" \
    "1, 1" "board of supervisor-c: Central only"
expect_eq "$(answer b1 '.incidents[0].responders | map("\(.id):\(.state):\(.step):\(.label)") | join(",")')" \
    "crisis-1:notified:0:crisis worker" "board: who was called"
expect_eq "$(answer b1 '.incidents[0].next.at')" "$next_at" "board: next"
query b2 supervisor-1 '{"method": "board"}'
expect_eq "$(answer b2 '[.incidents[].incident] | sort | join(",")')" "1,2" \
    "board of supervisor-1: every branch"
# In parts of about 1 KB ("chunk", as the page asks behind mosquitto's
# websockets): the same incidents, in order, over several messages.
rt="$PREFIX/reply/supervisor-1/parts"
sub parts "$rt" "$rt"
mosquitto_pub -h 127.0.0.1 -p "$PORT" -V mqttv5 -q 1 -t "$PREFIX/query/supervisor-1" \
    -D publish response-topic "$rt" -D publish correlation-data parts \
    -m '{"method": "board", "chunk": 1024}'
wait_for 10 has parts "$rt" '.part == .parts'
nparts=$(payloads parts "$rt" | jq -s 'length')
((nparts > 1)) || fail "board in parts: one message of $(payloads parts "$rt" | wc -c) bytes"
expect_eq "$(payloads parts "$rt" | jq -rs 'map(.part) | join(",")')" \
    "$(seq -s, 1 "$nparts")" "board in parts: numbered in order"
expect_eq "$(payloads parts "$rt" | jq -rs 'map(.split) | unique | join(",")')" \
    incidents "board in parts: the array shared out"
expect_eq "$(payloads parts "$rt" | jq -sc '[.[].incidents[]]')" \
    "$(jq -c '.incidents' "$TMP/b2.json")" "board in parts: the same incidents"
payloads parts "$rt" | awk 'length($0) > 1024 { exit 1 }' ||
	fail "board in parts: a part over 1 KB"
query chunk supervisor-1 '{"method": "board", "chunk": 10}'
answer chunk .error | grep -q '^chunk: must be a number of bytes' ||
	fail "a chunk too small: $(cat "$TMP/chunk.json")"
query b3 supervisor-1 '{"method": "board", "branch": "eastside"}'
expect_eq "$(answer b3 '[.incidents[].incident] | join(",")')" "2" "board --branch"
expect_eq "$(answer b3 '.incidents[0].responders | map("\(.id):\(.state)") | join(",")')" \
    "security-2:notified,dispatch:notified" "board: weapon's first step"
query b4 supervisor-c '{"method": "board", "branch": "eastside"}'
expect_eq "$(answer b4 '.ok')" false "board of a branch not covered"
answer b4 .error | grep -q "supervisor-c does not cover branch eastside" ||
	fail "board of a branch not covered: $(cat "$TMP/b4.json")"
query b5 supervisor-c '{"method": "board", "incident": 2}'
answer b5 .error | grep -q "incident 2 does not exist at your branches" ||
	fail "board of another branch's incident: $(cat "$TMP/b5.json")"

# Acknowledged, declined, on scene, stood down (the incident is taken);
# the escalation fires on the clock.
clock_move 30000
wait_for 5 has notify "$PREFIX/notify/supervisor-c" '.incident == 1'
pub "$PREFIX/respond/supervisor-c" '{"incident": 1, "action": "decline"}'
cli ack ack 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack
cli arrived arrived 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 arrived
query b6 supervisor-1 '{"method": "board", "incident": 1}'
expect_eq "$(answer b6 '.incidents[0].responders | map("\(.id):\(.state):\(.step)") | join(",")')" \
    "crisis-1:on_scene:0,supervisor-1:stood_down:1,supervisor-c:declined:1" \
    "board: answers"
expect_eq "$(answer b6 '.incidents[0] | has("next")')" false \
    "board: no countdown once someone is on scene"

# ---- debriefs due ----------------------------------------------------------
cli resolve resolve 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 resolve
wait_for 5 has notify "$PREFIX/notify/supervisor-c" '.kind == "debrief_due"'
query d1 supervisor-c '{"method": "debriefs_due"}'
expect_eq "$(answer d1 '.debriefs | map("\(.incident) \(.branch) \(.label) \(.overdue)") | join(",")')" \
    "1 central Welfare check false" "debriefs due"
query b7 supervisor-c '{"method": "board"}'
expect_eq "$(answer b7 '.count')" 0 "board: a resolved incident leaves it"
clock_move 7200000
query d2 supervisor-c '{"method": "debriefs_due"}'
expect_eq "$(answer d2 '.debriefs[0].overdue')" true "debriefs overdue"
cli rec debrief 1 --as supervisor-c --wellbeing held --participants 2 \
    --route right --broker "127.0.0.1:$PORT"
expect_rc 0 rec
query d3 supervisor-c '{"method": "debriefs_due"}'
expect_eq "$(answer d3 '.debriefs | length')" 0 "a recorded debrief is not due"

# ---- devices and modes -----------------------------------------------------
pub "$PREFIX/device/central/desk-1" '{"state": "online", "kind": "button"}'
pub "$PREFIX/device/eastside/desk-9" '{"state": "online", "kind": "button"}'
pub "$PREFIX/device/_responders/crisis-1" '{"state": "online", "kind": "responder_app"}'
wait_for 5 grep -q "device=_responders/crisis-1" "$TMP/beacond.log"
# Presence is recorded as it comes: ask until it is there.
NDEV=0
devices_seen() {
	NDEV=$((NDEV + 1))
	query "dev$NDEV" supervisor-c '{"method": "devices"}'
	cp "$TMP/dev$NDEV.json" "$TMP/dev.json"
	[ "$(answer dev '.devices | length')" = 1 ]
}
wait_for 5 devices_seen
expect_eq "$(answer dev '.devices | map("\(.branch)/\(.device):\(.state)") | join(",")')" \
    "central/desk-1:online" "devices of Central, no responder apps"
cli drill drill start --branch central --until "$(date -u -d '@'$(($(ts_ms "$CLOCK_NOW") / 1000 + 3600)) +%FT%TZ)" \
    --as supervisor-c --broker "127.0.0.1:$PORT"
expect_rc 0 drill
query m1 supervisor-c '{"method": "modes"}'
expect_eq "$(answer m1 '.modes | map("\(.branch) \(.mode) \(.by)") | join(",")')" \
    "central drill supervisor-c" "modes in force"
cli stop drill stop --branch central --as supervisor-c --broker "127.0.0.1:$PORT"
expect_rc 0 stop
query m2 supervisor-c '{"method": "modes"}'
expect_eq "$(answer m2 '.modes | length')" 0 "a stopped drill is not in force"

# A malformed request is refused by name.
query bad supervisor-c '{"method": "board", "incident": "seven"}'
answer bad .error | grep -q '^incident' || fail "bad field: $(cat "$TMP/bad.json")"
alive "$BEACOND_PID" || fail "beacond exited"
say ok
