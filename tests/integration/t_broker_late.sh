#!/usr/bin/env bash
# beacond starts before the broker (a boot race): it keeps trying, connects
# when the broker appears, and routes a report.
. "$(dirname "$0")/lib.sh"

PORT=$(free_port)
spawn_beacond
wait_for 5 grep -q 'beacond: info: ready' "$TMP/beacond.log"
alive "$BEACOND_PID" || fail "beacond gave up without a broker"

since=$(now_rfc3339)
start_broker "$PORT"
wait_for 15 daemon_online "$since"
sub_notify

cli report report --branch central --type overdose --id late-1 \
    --broker "127.0.0.1:$PORT"
expect_rc 0 report
expect_line report 'routed: 3 responders notified, CALL 911'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1'
stop_beacond
