#!/usr/bin/env bash
# A drill of a threat to life never tells anyone to call 911: the
# reporter's status says call_911 false and would_call_911 true, the CLI
# prints "DRILL: in a real event you would call 911 now" and never
# "CALL 911", and neither do the notifications, the incident topic, the
# pushes or the timeline's header. A real overdose beside it still says
# CALL 911, so the test would see the difference.
. "$(dirname "$0")/lib.sh"

need python3

start_pushd pushd
write_conf
cat >>"$CONF" <<EOF
push: { url = "http://127.0.0.1:$(cat "$TMP/pushd.port")/b"; timeout = 2;
    retries = 0; };
EOF
start_broker
start_beacond
sub_notify
sub_status

cli drill report --broker "127.0.0.1:$PORT" --branch central \
    --type overdose --location "2nd floor washroom" --id dr-1 --drill
expect_rc 0 drill
cat "$TMP/drill.out"
expect_line drill '^[0-9:]{8} DRILL: routed: 2 responders notified; DRILL: in a real event you would call 911 now$'
grep -q 'CALL 911' "$TMP/drill.out" && fail "the drill printed CALL 911"

cli real report --broker "127.0.0.1:$PORT" --branch central \
    --type overdose --location "2nd floor washroom" --id od-1
expect_rc 0 real
expect_line real 'routed: 3 responders notified, CALL 911$'

# The reporter's status, retained while open.
wait_for 5 has status "$PREFIX/status/central/dr-1" '.state == "routed"'
expect_eq "$(count status "$PREFIX/status/central/dr-1" \
    '.call_911 != false or .would_call_911 != true or .drill != true')" 0 \
    "drill statuses with call_911 or without would_call_911"
expect_eq "$(payloads status "$PREFIX/status/central/dr-1" |
    grep -c 'CALL 911')" 0 "drill statuses saying CALL 911"
has status "$PREFIX/status/central/od-1" \
    '.call_911 == true and (has("would_call_911") | not)' ||
	fail "the real overdose's status does not say call_911"

# Responders: the notification and the incident topic.
notify_barrier
for r in crisis-1 security-1; do
	has notify "$PREFIX/notify/$r" '.incident == 1 and .drill and
	    .call_911 == false and .would_call_911 == true' ||
		fail "$r's drill notification: $(payloads notify \
		    "$PREFIX/notify/$r")"
done
has notify "$PREFIX/notify/dispatch" '.incident == 1' &&
	fail "emergency dispatch was called to a drill"
has notify "$PREFIX/notify/crisis-1" '.incident == 2 and .call_911 == true' ||
	fail "the real overdose's notification lacks call_911"
has status "$PREFIX/incident/1" '.call_911 == false and .would_call_911' ||
	fail "the drill's incident topic: $(payloads status "$PREFIX/incident/1")"

# Pushes: the drill's say what a real event would need, never CALL 911.
pushes_at_least() { [ "$(jq -s 'length' "$TMP/pushd.jsonl")" -ge "$1" ]; }
wait_for 10 pushes_at_least 5
jq -c '.json | {title, message}' "$TMP/pushd.jsonl"
expect_eq "$(jq -s 'map(select(.json.title | startswith("DRILL:")) |
    select(.json.message | contains("CALL 911"))) | length' \
    "$TMP/pushd.jsonl")" 0 "drill pushes saying CALL 911"
expect_eq "$(jq -s 'map(select(.json.title | startswith("DRILL:")) |
    select(.json.message | contains("DRILL: in a real event branch staff " +
    "would be told to call 911 now"))) | length' "$TMP/pushd.jsonl")" 2 \
    "drill pushes saying what a real event would need"
expect_eq "$(jq -s 'map(select(.json.message | contains("CALL 911"))) |
    length' "$TMP/pushd.jsonl")" 3 "the real overdose's pushes"

# The record: a drill, not a call.
cli timeline timeline 1 --db "$DB"
expect_rc 0 timeline
expect_line timeline '^incident 1: overdose, severity 1, routed, DRILL \(in a real event: call 911\)$'
grep -q 'CALL 911' "$TMP/timeline.out" &&
	fail "the drill's timeline says CALL 911"

# A drill with nobody to reach: the instruction names 911 only as a drill.
cli east report --broker "127.0.0.1:$PORT" --branch eastside \
    --type overdose --id dr-2 --drill
expect_rc 0 east
cat "$TMP/east.out"
grep -q 'CALL 911\|call 911 now, then' "$TMP/east.out" &&
	fail "the drill at Eastside was told to call 911"
wait_for 5 has status "$PREFIX/status/eastside/dr-2" '.state == "routed"'
expect_eq "$(payloads status "$PREFIX/status/eastside/dr-2" |
    grep -c 'CALL 911\|call 911 now, then')" 0 \
    "Eastside drill statuses telling to call 911"
stop_beacond
