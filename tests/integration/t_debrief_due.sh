#!/usr/bin/env bash
# A resolved incident opens its debrief: the supervisor is told at once,
# reminded, and the manager told when it is overdue (here after 300 s and
# 600 s, on the test clock). The timers are persisted: a kill -9 in
# between does not lose the reminder.
. "$(dirname "$0")/lib.sh"

# Reminder and due far enough away that only the moved clock, never the
# time the test takes, makes them fall due.
write_conf
sed -i -e 's/^  due = 4;$/  due = 600;/' -e 's/^  reminder = 2;$/  reminder = 300;/' \
    "$CONF"
grep -q '^  due = 600;$' "$CONF" ||
	fail "the test could not set the debrief's due time"
grep -q '^  reminder = 300;$' "$CONF" ||
	fail "the test could not set the debrief's reminder"
TEST_CLOCK=1
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
# 290 s on: neither the reminder nor the overdue notice yet.
clock_move 290000
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/manager-1")" 0 \
    "manager notices before overdue"
expect_eq "$(count notify "$PREFIX/notify/supervisor-1" \
    '.kind == "debrief_reminder"')" 0 "reminders before the reminder's time"

# Down before the reminder is due: the restarted beacond re-arms it from
# the database, and it fires when it falls due. A new beacond-test starts
# on the real time: 301 s on, the reminder is due and the debrief not yet
# overdue.
kill -9 "$BEACOND_PID"
wait_gone "$BEACOND_PID" 5 || fail "beacond survived kill -9"
start_beacond
clock_move 301000
wait_for 30 has notify "$PREFIX/notify/supervisor-1" \
    '.kind == "debrief_reminder" and .incident == 1'
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/manager-1")" 0 \
    "manager notices before overdue, after the reminder"
clock_move 300000
wait_for 30 has notify "$PREFIX/notify/manager-1" \
    '.kind == "debrief_overdue" and .incident == 1'
expect_eq "$(count notify "$PREFIX/notify/supervisor-1" \
    '.kind == "debrief_due"')" 1 "debrief_due notices"

kinds=$(timeline_kinds 1)
case $kinds in
*"debrief_due"*"debrief_reminder"*"debrief_overdue"*) ;;
*) fail "timeline lacks the debrief events in order: $kinds" ;;
esac
stop_beacond
