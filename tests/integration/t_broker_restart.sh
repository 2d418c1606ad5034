#!/usr/bin/env bash
# mosquitto restarted under load, 4 times (make soak: more), on the same
# port, with persistence on (saved after every change, and when it stops)
# and persistent sessions for beacond and the responders; every other
# restart is a crash (SIGKILL), which loses what the broker took since its
# last save. Nothing is lost end to end, thanks to the reporters' retries:
# every report has exactly one incident, every notification beacond
# recorded reached the responders, the outbox is all delivered, every
# escalation due fired. After each restart beacond resumes its session and
# says online again.
#
# BEACON_RESTARTS (4) and BEACON_RATE (reports/s, 40) size the run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/load.sh"
PERSIST=1

RESTARTS=${BEACON_RESTARTS:-4}
RATE=${BEACON_RATE:-40}

start_broker
start_beacond
start_reporter --rate "$RATE" --drain 40
t0=$(now_ms)
for ((k = 1; k <= RESTARTS; k++)); do
	# 1 to 3 s of load, then the broker stops, or crashes, and starts
	# again.
	sleep "$(random_delay 1000 3000)"
	if ((k % 2)); then
		stop_broker
	else
		crash_broker
	fi
	since=$(now_rfc3339)
	start_broker "$PORT"
	wait_for 15 daemon_online "$since"
done
t1=$(now_ms)
reporter_drain 45
load_settle 20
reporter_finish
stop_beacond

resumed=$(grep -c 'session=resumed' "$TMP/beacond.log" || true)
say "$RESTARTS restarts of the broker ($((RESTARTS / 2)) of them crashes)" \
    "in $(((t1 - t0) / 1000)) s at $RATE reports/s; beacond resumed" \
    "its session $resumed times," \
    "test-reporter reconnected $(jq '.connects.reporters - 1' \
    "$LOAD.json") and $(jq '.connects.responders - 1' "$LOAD.json")" \
    "times, sessions lost $(jq .sessions_lost "$LOAD.json")"
((resumed >= RESTARTS)) ||
	fail "beacond resumed its session $resumed times, not $RESTARTS"
check_zero "sessions the broker lost" "$(jq .sessions_lost "$LOAD.json")"
load_check
