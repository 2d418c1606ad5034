#!/usr/bin/env bash
# Eastside has no crisis worker. A step whose role has nobody on the branch
# is recorded as no_one_available, the reporter is told, and the next step
# fires at once; when nobody at all can be reached, the reporter is told
# to call the person in charge.
. "$(dirname "$0")/lib.sh"

# The welfare policy's second step 600 s after the first: a supervisor
# notified within the test's deadlines was notified at once, never after
# that delay.
write_conf
conf_supervisor_after 600
start_broker
start_beacond
sub_notify
sub_status

# The broker from the environment this time, as after `export BEACON_BROKER`.
BEACON_BROKER=127.0.0.1:$PORT cli report report --branch eastside \
    --type welfare --id es-1
expect_rc 0 report
expect_line report '\bno one available: crisis worker\b'
wait_for 30 has notify "$PREFIX/notify/supervisor-1" \
    '.incident == 1 and .step == 1'
has status "$PREFIX/status/eastside/es-1" '.state == "routed" and
    .message == "routed: 1 responder notified; no one available: crisis worker"' ||
	fail "the reporter was not told that no crisis worker is available"

tl=$(timeline_json 1)
expect_eq "$(jq -r '[.events[].kind] | join(" ")' <<<"$tl")" \
    "reported no_one_available notified" "timeline"
jq -e '.events[] | select(.kind == "no_one_available") |
    .step == 0 and (.detail | contains("crisis worker"))' <<<"$tl" \
    >/dev/null || fail "no_one_available does not name the role: $tl"
# At once, not after step 2's 600 s (on beacond's clock).
first=$(jq -r '.events[0].ts' <<<"$tl")
sup=$(jq -r '.events[] | select(.actor == "supervisor-1") | .ts' <<<"$tl")
(($(ts_ms "$sup") - $(ts_ms "$first") < 600000)) ||
	fail "the next step waited: reported $first, notified $sup"

# Nobody at all: the only step of child_safety is the crisis worker.
cli report2 report --branch eastside --type child_safety --id es-2 \
    --broker "127.0.0.1:$PORT"
expect_line report2 '\bno one available: call the person in charge$'
wait_for 30 has status "$PREFIX/status/eastside/es-2" \
    '.notified == 0 and
     .message == "no one available: call the person in charge"'
stop_beacond
