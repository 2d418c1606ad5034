#!/usr/bin/env bash
# The broker down when beacond starts, then gone for 20 s (make soak: the
# full 60 s) while beacond runs and reports keep being attempted. beacond
# keeps running with its state (the same process, its escalations firing
# meanwhile), retries with backoff (the delays in its log double up to
# 10 s), reconnects and catches up: every report attempted during the
# outage gets its incident once the broker is back, exactly once.
#
# beacon/daemon/status tells the truth throughout, in the sense of
# docs/reliability.md: "online" with a fresh ts while beacond is
# connected; while the broker is away nobody can read anything (beacon
# health: UNKNOWN); when it is back, what it kept from before the outage
# (the retained "online" with its old ts, or beacond's will) is all there
# is until beacond reconnects, and the heartbeat has aged past three
# intervals (beacon health: CRITICAL, stale); then beacond publishes
# "online" with a fresh ts and a fresh heartbeat (beacon health: OK).
#
# BEACON_OUTAGE (seconds, 20) and BEACON_RATE (reports/s, 20) size the run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/load.sh"
need_cli
# The broker stops cleanly and saves its sessions then.
PERSIST=1
SAVE_EACH_CHANGE=0

OUTAGE=${BEACON_OUTAGE:-20}
RATE=${BEACON_RATE:-20}

# A heartbeat every 2 s: stale after 6 s without one.
write_conf
sed -i 's/^  keepalive = 5;$/  keepalive = 5;\n  heartbeat = 2;/' "$CONF"
grep -q 'heartbeat = 2;' "$CONF" || fail "cannot set heartbeat in $CONF"

retained() {
	mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 2 \
	    -t "$PREFIX/daemon/$1" 2>/dev/null
}

# health WANT: beacon health exits WANT; its line is in $TMP/health.out.
health() {
	cli health health --broker "127.0.0.1:$PORT" --timeout 3
	expect_rc "$1" health
}

health_ok() {
	cli health health --broker "127.0.0.1:$PORT" --timeout 3
	((CLI_RC == 0))
}

# The delays beacond logged for its connection attempts since line $1.
retry_delays() {
	tail -n "+$1" "$TMP/beacond.log" |
	    sed -n 's/.*cannot connect to .*; retry in \([0-9]*\) ms$/\1/p' |
	    tr '\n' ' '
}

incidents_at_least() {
	(($(sql 'SELECT count(*) FROM incidents') >= $1))
}

connects_since() {
	tail -n "+$1" "$TMP/beacond.log" | grep -c 'event=connected' || true
}

# 1. No broker yet: beacond starts, says it cannot connect, keeps trying.
PORT=$(free_port)
spawn_beacond
wait_for 5 grep -q "cannot connect to 127.0.0.1:$PORT: .*; retrying" \
    "$TMP/beacond.log"
wait_for 10 grep -q 'retry in 2000 ms' "$TMP/beacond.log"
alive "$BEACOND_PID" || fail "beacond gave up without a broker"
since=$(now_rfc3339)
start_broker "$PORT"
wait_for 15 daemon_online "$since"
health 0

# 2. Load, then the outage.
start_reporter --rate "$RATE" --drain 60
wait_for 10 incidents_at_least 20
hb=$(retained heartbeat) || fail "no heartbeat before the outage"
before=$(sql 'SELECT count(*) FROM incidents')
line=$(($(wc -l <"$TMP/beacond.log") + 1))
down=$(now_ms)
stop_broker
health 3
say "outage: $(cat "$TMP/health.out")"
wait_for 5 grep -q 'event=disconnected' "$TMP/beacond.log"
# The deliberate outage, whatever the checks above took of it.
left=$((down + OUTAGE * 1000 - $(now_ms)))
((left <= 0)) || sleep "$((left / 1000)).$(printf '%03d' $((left % 1000)))"
alive "$BEACOND_PID" || fail "beacond exited while the broker was away"
incidents_at_least "$before" || fail "incidents lost during the outage"
# The welfare reports of the last seconds before the outage escalated
# during it, on time.
escalated=$(sql "SELECT count(*) FROM events WHERE kind = 'escalated'
    AND ts >= $down")
((escalated > 0)) || fail "no escalation fired during the outage"

# 3. The broker is back: until beacond reconnects, the status it kept is
# stale and says so through its ts, and the heartbeat has aged.
back=$(now_ms)
back_ts=$(now_rfc3339)
start_broker "$PORT"
first=$(retained status) || first=
cli health health --broker "127.0.0.1:$PORT" --timeout 3
health_rc=$CLI_RC
if jq -e --arg back "$back_ts" '.state == "online" and .ts >= $back' \
    <<<"$first" >/dev/null || (($(connects_since "$line") > 0)); then
	say "beacond reconnected before the first look (status $first)"
else
	say "back, beacond not yet reconnected: status $first;" \
	    "$(cat "$TMP/health.out")"
	jq -e --arg down "$(date -u -d "@$((down / 1000)).$(printf %03d \
	    $((down % 1000)))" +%FT%T.%3NZ)" \
	    '.state == "offline" or .ts < $down' \
	    <<<"$first" >/dev/null ||
		fail "a status from after the outage before beacond is back: $first"
	# Unless beacond came back while beacon health ran.
	((health_rc == 2 || $(connects_since "$line") > 0)) ||
		fail "beacon health before beacond is back:" \
		    "$(cat "$TMP/health.out") (exit $health_rc)"
fi
wait_for 20 daemon_online "$back_ts"
seen_ms=$(($(now_ms) - back))
reconnect_ms=$(($(ts_ms "$(retained status | jq -r .ts)") - back))
# The status and the heartbeat are two retained messages: the first may
# be seen a moment before the second arrives.
wait_for 10 health_ok
say "after: $(cat "$TMP/health.out")"
jq -e --argjson old "$hb" '.started == $old.started' \
    <<<"$(retained heartbeat)" >/dev/null ||
	fail "beacond restarted during the outage"

# Backoff: after the loss, 0.5 s, then 1 s (the first failure is a
# warning), then each delay logged is double the last, up to 10 s: a few
# attempts, not one a second.
delays=$(retry_delays "$line")
say "reconnected $((reconnect_ms / 100 / 10)).$((reconnect_ms / 100 % 10)) s" \
    "after the broker came back (its online seen after" \
    "$((seen_ms / 100 / 10)).$((seen_ms / 100 % 10)) s); delays logged" \
    "(ms): $delays"
prev=1000
n=2
for d in $delays; do
	((d == prev * 2 || (d == 10000 && prev >= 5000))) ||
		fail "retry delays $delays: $d after $prev is not backoff"
	prev=$d
	n=$((n + 1))
done
((prev == 10000 || OUTAGE < 16)) || fail "retry delays $delays never reach 10 s"
((n <= OUTAGE / 10 + 6)) || fail "$n connection attempts in ${OUTAGE}s"

# 4. Catching up: every report, those attempted during the outage too.
reporter_drain 60
load_settle 20
reporter_finish
stop_beacond
during=$(awk -v a="$down" -v b="$back" '$4 >= a && $4 < b' \
    "$LOAD.reports.tsv" | wc -l)
answered=$(awk -v a="$down" -v b="$back" '$4 >= a && $4 < b && $7 > 0' \
    "$LOAD.reports.tsv" | wc -l)
say "outage of $(((back - down) / 1000)) s: $during reports attempted" \
    "during it, $answered answered once the broker was back;" \
    "$escalated escalations fired while it was away"
((during > 0)) || fail "no report was attempted during the outage"
expect_eq "$answered" "$during" "reports of the outage answered"
load_check
