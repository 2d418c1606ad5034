#!/usr/bin/env bash
# beacond killed (-9) while an escalation step is pending: once restarted
# it re-arms the deadline from the database and the step fires, and the
# timeline keeps every earlier event. A report published while beacond was
# down waits in its persistent session on the broker and is processed
# after the restart.
. "$(dirname "$0")/lib.sh"

# The welfare policy's second step 120 s after the first, on the test
# clock: it is still pending at the kill however long the test takes, and
# fires once the restarted beacond's clock is moved past it.
write_conf
conf_supervisor_after 120
TEST_CLOCK=1
start_broker
start_beacond
sub_notify
sub_status

pub "$PREFIX/report/central" '{"id": "rs-1", "type": "welfare"}'
wait_for 5 has status "$PREFIX/status/central/rs-1" '.state == "routed"'
kill9_beacond
# The step was still pending when beacond died.
notify_barrier
hasnt notify "$PREFIX/notify/supervisor-1" ||
	fail "the step fired before beacond was killed"
wait_for 5 daemon_offline

pub "$PREFIX/report/central" '{"id": "rs-2", "type": "welfare"}'
restarted=$(now_rfc3339)
start_beacond
# A new beacond-test starts on the real time: 121 s on, the deadline it
# re-armed from the database has passed.
clock_move 121000

wait_for 30 has notify "$PREFIX/notify/supervisor-1" \
    '.incident == 1 and .step == 1'
tl=$(timeline_json 1)
# crisis-1's notification may be published again (renotified): beacond
# writes a PUBACK's "delivered" within 10 ms, and the kill may come first.
expect_eq "$(jq -r '[.events[] | select(.kind != "late" and
    .kind != "renotified") | "\(.kind):\(.actor)"] | join(" ")' <<<"$tl")" \
    "reported: notified:crisis-1 notified:supervisor-1 escalated:" \
    "timeline of incident 1"
jq -e --arg t "$restarted" '.events[] | select(.kind == "escalated") |
    .ts >= $t' <<<"$tl" >/dev/null ||
	fail "the step fired before the restart: $tl"

# The report sent while beacond was down.
wait_for 5 has status "$PREFIX/status/central/rs-2" \
    '.state == "routed" and .incident == 2'
has notify "$PREFIX/notify/crisis-1" '.incident == 2' ||
	fail "the crisis worker was not notified of incident 2"
stop_beacond
