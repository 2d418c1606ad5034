#!/usr/bin/env bash
# Acknowledged and forgotten: a responder who acknowledged but is not on
# scene is reminded (reminders.on_scene), then the next step is notified
# (reminders.escalate); arrival cancels both; the timers survive a restart.
. "$(dirname "$0")/lib.sh"

write_conf
cat >>"$CONF" <<'CONF'
reminders: {
  on_scene = 300;
  escalate = 600;
};
CONF
TEST_CLOCK=1
start_broker
start_beacond
sub_notify
sub_status

pub "$PREFIX/report/central" '{"id": "rm-1", "type": "mental_health"}'
pub "$PREFIX/report/central" '{"id": "rm-2", "type": "mental_health"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 2'
cli ack ack 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack
cli ack2 ack 2 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack2
cli arrived arrived 2 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 arrived

# A restart: the reminder is rebuilt from the timeline.
stop_beacond
start_beacond

clock_move 280000
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/crisis-1" '.kind == "reminder"')" 0 \
    "reminders before reminders.on_scene"
clock_move 25000
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.kind == "reminder" and
    .incident == 1 and (.message | test("not on scene|nobody is on scene"))'
expect_eq "$(timeline_kinds 1 | grep -o reminder | wc -l)" 1 \
    "reminder events on the timeline"

clock_move 300000
wait_for 5 has notify "$PREFIX/notify/security-1" \
    '.kind == "incident" and .incident == 1 and .step == 1'
wait_for 5 has status "$PREFIX/status/central/rm-1" '.message |
    test("^acknowledged [0-9]+ min ago, nobody on scene yet: step 2 notified, 1 more responder$")'
[[ $(timeline_kinds 1) == *"reminder forgotten notified escalated"* ||
   $(timeline_kinds 1) == *"reminder forgotten notified"* ]] ||
	fail "timeline: $(timeline_kinds 1)"

# Incident 2 is on scene: no reminder, no step 2.
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/crisis-1" '.kind == "reminder" and .incident == 2')" \
    0 "reminders for an incident on scene"
expect_eq "$(count notify "$PREFIX/notify/security-1" '.incident == 2 and .step == 1')" \
    0 "step 2 of an incident on scene"
stop_beacond
