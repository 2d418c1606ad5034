#!/usr/bin/env bash
# Bad input is answered and dropped, never fatal: not JSON, too big or
# without a usable id -> beacon/error/{branch}; a usable id with a bad
# field -> a "rejected" status naming the field, not retained. beacond
# routes the next good report as if nothing happened.
. "$(dirname "$0")/lib.sh"

start_broker
start_beacond
sub_status

errors() {
	count status "$PREFIX/error/central"
}
errors_are() {
	(($(errors) == $1))
}

pub "$PREFIX/report/central" 'this is not JSON'
wait_for 5 errors_are 1

# 17000 bytes: valid JSON with an id, but over the 16384-byte limit.
printf '{"id": "big-1", "type": "overdose", "note": "%s"}' \
    "$(head -c 17000 /dev/zero | tr '\0' x)" >"$TMP/big.json"
pub_file "$PREFIX/report/central" "$TMP/big.json"
wait_for 5 errors_are 2

pub "$PREFIX/report/central" '{"type": "overdose"}'
wait_for 5 errors_are 3
expect_eq "$(count status "$PREFIX/error/central" \
    "(.error | length > 0) and .topic == \"$PREFIX/report/central\"")" 3 \
    "errors with a reason and the topic"
expect_eq "$(count status "$PREFIX/status/central/big-1")" 0 \
    "statuses of the oversized report"

# rejected BRANCH ID PAYLOAD TEXT: a rejected status whose error has TEXT.
rejected() {
	pub "$PREFIX/report/$1" "$3"
	wait_for 5 has status "$PREFIX/status/$1/$2" \
	    ".state == \"rejected\" and (.error | contains($(jq -Rn --arg t "$4" '$t')))
	     and (.message | startswith(\"rejected: \"))"
}
rejected nowhere rj-branch '{"id": "rj-branch", "type": "overdose"}' \
    'unknown branch "nowhere"'
rejected central rj-type '{"id": "rj-type", "type": "foo"}' \
    'unknown type "foo"'
rejected central rj-sev '{"id": "rj-sev", "type": "overdose", "severity": 9}' \
    'severity'
rejected central rj-loc '{"id": "rj-loc", "type": "overdose", "location": 42}' \
    'location'

# The CLI reports a rejection on stderr and exits 2.
cli foo report --branch central --type foo --id rj-cli \
    --broker "127.0.0.1:$PORT"
expect_rc 2 foo
grep -q 'unknown type "foo"' "$TMP/foo.err" ||
	fail "beacon report did not say why it was rejected"

# Rejections are not retained, and made no incident. A new subscriber is
# sent what is retained first; once a probe published after its
# subscription has come back, it has all of it. One that cannot connect or
# subscribe never sees the probe, and the test fails.
mosquitto_sub -h 127.0.0.1 -p "$PORT" "${MQTT_OPTS[@]}" -q 1 \
    -F '%r %t %p' -t "$PREFIX/status/#" -t "$PREFIX/incident/#" \
    >"$TMP/retained.log" 2>>"$TMP/retained.err" &
PIDS+=("$!")
retained_probe() {
	mosquitto_pub -h 127.0.0.1 -p "$PORT" "${MQTT_OPTS[@]}" \
	    -t "$PREFIX/status/_probe/_probe" -m probe 2>/dev/null &&
	    grep -qx "0 $PREFIX/status/_probe/_probe probe" "$TMP/retained.log"
}
wait_for 10 retained_probe
retained=$(awk '$1 == 1 { print $2 }' "$TMP/retained.log")
[ -z "$retained" ] || fail "retained after rejections: $retained"

cli good report --branch central --type welfare --id ok-1 \
    --broker "127.0.0.1:$PORT"
expect_rc 0 good
# The command has read "routed"; the subscriber's log may still be behind.
wait_for 10 has status "$PREFIX/status/central/ok-1" '.state == "routed" and
    .incident == 1'
alive "$BEACOND_PID" || fail "beacond died"
stop_beacond
