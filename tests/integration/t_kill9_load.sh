#!/usr/bin/env bash
# kill -9 of beacond at random moments while reports flow at a steady rate,
# 20 times in a row (make soak: more, and longer). The reporters publish
# each report again, same id, until its status arrives. Afterwards every
# answered report has exactly one incident, the one its status named;
# every notification beacond recorded reached the responders (a repeat is
# allowed, a gap is not) and none reached them that it did not record;
# the outbox is all delivered; and every step that fell due without an
# acknowledgment has fired, late perhaps. The counts are printed.
#
# BEACON_KILLS (20), BEACON_RATE (reports/s, 100) and BEACON_KILL_MS (the
# longest random delay before a kill, 1500) size the run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/load.sh"

KILLS=${BEACON_KILLS:-20}
RATE=${BEACON_RATE:-100}
KILL_MS=${BEACON_KILL_MS:-1500}

start_broker
start_beacond
start_reporter --rate "$RATE" --drain 40
t0=$(now_ms)
# Each beacond is killed 0.2 to 1.5 s after it was started: during its
# start-up (the outbox published again, late steps), its reconnection or
# its steady work, wherever the delay falls.
for ((k = 1; k <= KILLS; k++)); do
	sleep "$(random_delay 200 "$KILL_MS")"
	kill9_beacond
	since=$(now_rfc3339)
	spawn_beacond
done
wait_for 10 daemon_online "$since"
reporter_drain 45
load_settle 20
reporter_finish
stop_beacond
say "$KILLS kills in $((($(now_ms) - t0) / 1000)) s at $RATE reports/s;" \
    "beacond connected $(grep -c 'event=connected' "$TMP/beacond.log")" \
    "times"
load_check
