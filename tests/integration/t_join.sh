#!/usr/bin/env bash
# What joins an open incident and what does not (docs/protocol.md,
# "Repeated presses"). Two medical emergencies at one branch, from two desks
# at two places, are two incidents, each paged, each saying that it may be
# related to the other. A press from the same place (compared trimmed and
# without case) or from the same device again joins, keeps every location
# and note, sends the incident again with all of them, and tells its
# reporter plainly to which incident and who is already called.
. "$(dirname "$0")/lib.sh"

TEST_CLOCK=1
write_conf
sed -i 's/^  repeat_window = 0;/  repeat_window = 120;/' "$CONF"
# Riverside, with its own crisis worker, and a medical category whose
# first step is the crisis worker (severity 2: no cancel window).
sed -i '/^branches = ($/a\  { id = "riverside"; name = "Riverside Branch"; timezone = "UTC"; },
    /^responders = ($/a\  { id = "crisis-r"; name = "Crisis worker, Riverside"; role = "crisis_worker"; branches = [ "riverside" ]; },
    /^categories = ($/a\  { id = "medical"; label = "Medical emergency"; severity = 2; policy = "slow"; },' \
    "$CONF"
grep -q 'repeat_window = 120;' "$CONF" && grep -q '"crisis-r"' "$CONF" &&
    grep -q 'id = "medical"' "$CONF" || fail "test configuration not set"
start_broker
start_beacond
sub_notify
sub_status

B=(--broker "127.0.0.1:$PORT")
incident_has() {	# incident_has ID JQ: the incident topic's latest says JQ
	[ "$(payloads status "$PREFIX/incident/$1" | tail -n 1 |
	    jq "$2")" = true ]
}

# ---- two places, two devices: two incidents, both paged ------------------
cli r1 report --branch riverside --type medical \
    --location "Children's area, 1st floor" --device desk-1 --id rv-1 "${B[@]}"
expect_rc 0 "report rv-1"
wait_for 5 has notify "$PREFIX/notify/crisis-r" \
    '.incident == 1 and .kind == "incident"'
cli r2 report --branch riverside --type medical \
    --location "Parking garage level 2" --device desk-7 --note "man collapsed" \
    --id rv-2 "${B[@]}"
expect_rc 0 "report rv-2"
expect_line r2 'may be related to incident 1'
grep -q 'joined' "$TMP/r2.out" && fail "rv-2 was joined: $(cat "$TMP/r2.out")"
wait_for 5 has notify "$PREFIX/notify/crisis-r" '.incident == 2 and
    .kind == "incident" and .location == "Parking garage level 2" and
    .note == "man collapsed" and .related == [1]'
wait_for 5 has status "$PREFIX/status/riverside/rv-2" \
    '.incident == 2 and .related == [1]'
# Neither location was overwritten; each incident says so of the other.
wait_for 5 incident_has 1 '.related == [2] and
    .location == "Children'"'"'s area, 1st floor" and .presses == null'
wait_for 5 incident_has 2 '.related == [1] and
    .locations == ["Parking garage level 2"] and .notes == ["man collapsed"]'
[[ $(timeline_kinds 1) == *related* ]] || fail "timeline 1: $(timeline_kinds 1)"
[[ $(timeline_kinds 2) == *related* ]] || fail "timeline 2: $(timeline_kinds 2)"
timeline_json 2 | jq -e '.events[] | select(.kind == "related") |
    .detail | test("incident 1 at Children.s area")' >/dev/null ||
	fail "related event of 2: $(timeline_json 2)"

# ---- the same place, another device: joined ------------------------------
cli r3 report --branch riverside --type medical \
    --location "  children's AREA, 1st floor " --device desk-9 \
    --note "he is breathing" --id rv-3 "${B[@]}"
expect_rc 0 "report rv-3"
expect_line r3 "^[0-9:]{8} joined to incident 1 at Children's area, 1st floor: the crisis worker is already called$"
wait_for 5 has status "$PREFIX/status/riverside/rv-3" '.incident == 1 and
    .presses == 2 and .message == "joined to incident 1 at Children'"'"'s area, 1st floor: the crisis worker is already called"'
wait_for 5 has notify "$PREFIX/notify/crisis-r" '.incident == 1 and
    .update == "note" and .notes == ["he is breathing"] and
    .locations == ["Children'"'"'s area, 1st floor"]'

# ---- the same device again, somewhere else: joined, nothing lost ---------
pub "$PREFIX/report/riverside" '{"id": "rv-4", "type": "medical",
    "device": "desk-7", "location": "Parking garage, ramp B",
    "note": "a second man is with him"}'
wait_for 5 has status "$PREFIX/status/riverside/rv-4" '.incident == 2 and
    .presses == 2 and .message == "joined to incident 2 at Parking garage level 2: the crisis worker is already called; your location, Parking garage, ramp B, is added to it"'
wait_for 5 has notify "$PREFIX/notify/crisis-r" '.incident == 2 and
    .update == "location, note" and .location == "Parking garage level 2" and
    .locations == ["Parking garage level 2", "Parking garage, ramp B"] and
    .notes == ["man collapsed", "a second man is with him"]'
wait_for 5 incident_has 2 '.presses == 2 and .note == "man collapsed" and
    .locations == ["Parking garage level 2", "Parking garage, ramp B"]'
# An acknowledgment is named to the next to join, and reaches the desk
# that joined before it as it reaches the first desk.
cli ack ack 1 --as crisis-r "${B[@]}"
expect_rc 0 ack
wait_for 5 has status "$PREFIX/status/riverside/rv-3" '.incident == 1 and
    .state == "acknowledged" and .by == "crisis-r" and
    (.message | test("^acknowledged by crisis-r"))'
# A retry of the first report says where the incident is, not a vague
# "already being handled".
pub "$PREFIX/report/riverside" '{"id": "rv-1", "type": "medical",
    "device": "desk-1", "location": "Children'"'"'s area, 1st floor"}'
wait_for 5 has status "$PREFIX/status/riverside/rv-1" '.incident == 1 and
    .message == "received again: incident 1, the crisis worker is already called"'
pub "$PREFIX/report/riverside" '{"id": "rv-5", "type": "medical",
    "device": "desk-1"}'
wait_for 5 has status "$PREFIX/status/riverside/rv-5" '.incident == 1 and
    .presses == 3 and (.message | endswith("the crisis worker is already called; crisis-r (crisis worker) acknowledged"))'

# ---- what the CLI shows ----------------------------------------------------
cli tl timeline 2 --db "$DB"
expect_line tl '^location 1: Parking garage level 2$'
expect_line tl '^location 2: Parking garage, ramp B$'
expect_line tl '^note 2: a second man is with him$'
expect_line tl '^may be related to incident 1 '
cli table incidents --db "$DB"
expect_line table '^2 .*medical \(2 presses\), may be related to 1 .*Parking garage level 2 \(\+1 more\)'
cli w watch --branch riverside --count 2 "${B[@]}"
expect_rc 0 watch
expect_line w 'may be related to incident 2'
expect_line w 'may be related to incident 1'

# ---- resolved: the joined desks hear the last word too ---------------------
cli res resolve 1 --as crisis-r --note "both seen by EMS" "${B[@]}"
expect_rc 0 resolve
wait_for 5 has status "$PREFIX/status/riverside/rv-3" '.state == "resolved"'
wait_for 5 has status "$PREFIX/status/riverside/rv-5" '.state == "resolved"'
retained=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 1 --retained-only \
    -t "$PREFIX/status/riverside/rv-3" 2>/dev/null || :)
[ -z "$retained" ] || fail "rv-3's status is still retained: $retained"

# ---- and the board report ---------------------------------------------------
cli html report-html --since 2000-01-01 --db "$DB" --config "$CONF" \
    --out "$TMP/board.html"
expect_rc 0 report-html
grep -q 'may be related to another.*<td class="num">2</td>' "$TMP/board.html" ||
	fail "board report: no related incidents counted"
grep -q 'joined to them.*<td class="num">2</td>' "$TMP/board.html" ||
	fail "board report: no joined incidents counted"
stop_beacond
