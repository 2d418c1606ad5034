#!/usr/bin/env bash
# The test clock (beacond-test): a step 60 s away does not fire before its
# time and fires at once when the clock is moved past it; the timeline
# carries the moved clock's times. The tests of long rules rest on this.
. "$(dirname "$0")/lib.sh"

TEST_CLOCK=1
start_broker
start_beacond
sub_notify
sub_status

pub "$PREFIX/report/central" '{"id": "clk-1", "type": "mental_health"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1'

clock_move 59000
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/security-1")" 0 \
    "security notified before step 2's 60 s"
clock_move 2000
wait_for 5 has notify "$PREFIX/notify/security-1" \
    '.incident == 1 and .step == 1'

# The timeline says the step fired 60 s or more after the report.
secs() { jq -r --arg k "$1" '.events[] | select(.kind == $k) | .ts' \
    <<<"$tl" | head -n 1 | sed 's/\.[0-9]*Z$/Z/' |
    { read -r t; date -u -d "$t" +%s; }; }
tl=$(timeline_json 1)
gap=$(($(secs escalated) - $(secs reported)))
((gap >= 60 && gap <= 70)) || fail "escalated ${gap}s after the report"

# An instant, backwards or forwards.
clock_move "@2030-01-01T00:00:00.000Z"
expect_eq "${CLOCK_NOW:0:10}" "2030-01-01" "the clock set to an instant"
grep -q 'event=test_build' "$TMP/beacond.log" ||
	fail "beacond-test does not say it is a test build"
stop_beacond
