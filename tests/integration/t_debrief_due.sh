#!/usr/bin/env bash
# A resolved incident opens its debrief: the supervisor is told at once,
# reminded, and the manager told when it is overdue (the test
# configuration makes these 2 s and 4 s). The timers are persisted: a
# kill -9 in between does not lose the reminder.
. "$(dirname "$0")/lib.sh"

start_broker
start_beacond
sub_notify

pub "$PREFIX/report/central" '{"id": "db-1", "type": "welfare"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1'
cli ack ack 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack
cli resolve resolve 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 resolve

wait_for 5 has notify "$PREFIX/notify/supervisor-1" \
    '.kind == "debrief_due" and .incident == 1 and (.due | length) > 0'
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/manager-1")" 0 \
    "manager notices before overdue"

# Down before the reminder is due, up after: it fires late, not never.
kill -9 "$BEACOND_PID"
wait_gone "$BEACOND_PID" 5 || fail "beacond survived kill -9"
start_beacond

wait_for 10 has notify "$PREFIX/notify/supervisor-1" \
    '.kind == "debrief_reminder" and .incident == 1'
wait_for 10 has notify "$PREFIX/notify/manager-1" \
    '.kind == "debrief_overdue" and .incident == 1'
expect_eq "$(count notify "$PREFIX/notify/supervisor-1" \
    '.kind == "debrief_due"')" 1 "debrief_due notices"

kinds=$(timeline_kinds 1)
case $kinds in
*"debrief_due"*"debrief_reminder"*"debrief_overdue"*) ;;
*) fail "timeline lacks the debrief events in order: $kinds" ;;
esac
stop_beacond
