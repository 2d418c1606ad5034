#!/usr/bin/env bash
# A standby pair (docs/deployment.md): two beacond, a and b, each with its
# own database, on one broker, a 5 s lease. Reports flow at a steady rate
# (load.sh: each one published again until its status comes) the whole
# time.
#
#  1. a wins the first lease and works alone for a while; b joins it from
#     a copy made by hand, as deployment.md allows: its session first,
#     then a copy of a's database, then beacond; it stands by and applies
#     a's changes, with no gap.
#  2. kill -9 of a: the broker publishes a's will and b takes over; the
#     time from the kill to b's "online" is printed.
#  3. a comes back from a copy of b's database and stands by.
#  4. b hangs (SIGSTOP): its connection stays up but its lease is not
#     renewed; a takes over when the lease runs out, not before (the time
#     is printed), which takes the session from b. b, woken (SIGCONT), finds
#     itself displaced and starts again as the standby; what it did in
#     between reached nobody, and a's rows replace it.
#
# The takeover times are printed, not asserted: this test is about what
# happens and in what order, on a machine that may be busy. How fast a
# takeover is, is measured by `make bench-pair` (bench/pair.sh).
#
# Then `beacon health` says OK with b standing by, and WARNING once b is
# killed. And load.sh's checks on a's database: no report lost or
# doubled, every notification anyone received is on the timeline, every
# escalation that fell due fired (those due while nobody was active,
# late), the outbox is all delivered.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/load.sh"

LEASE=5
RATE=${BEACON_RATE:-40}
# pair_conf, spawn, standing_by, incidents, incidents_in.
. "$(dirname "$0")/standby.sh"
start_broker

pair_conf a b
pair_conf b a

# The retained lease names $1.
leader_is() {
	local p

	p=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 2 \
	    -t "$PREFIX/daemon/leader" 2>/dev/null) || return 1
	jq -e --arg i "$1" '.instance == $i' <<<"$p"
}

# The active one's "online", stamped at or after $1 (RFC 3339); prints
# its stamp in ms.
online_since() {
	local p

	p=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 2 \
	    -t "$PREFIX/daemon/status" 2>/dev/null) || return 1
	jq -e --arg since "$1" '.state == "online" and .ts >= $since' \
	    <<<"$p" >/dev/null || return 1
	ts_ms "$(jq -r .ts <<<"$p")"
}

# Wait until $1's database has $2 incidents more than $3's has now ($3
# defaults to $1).
more_incidents() {
	local n

	n=$(incidents "${3:-$1}")
	wait_for 30 incidents_in "$1" $((n + $2))
}

# $2's database, a copy of $1's made while $1 runs (beacon db backup).
copy_db() {
	rm -f "$TMP/$2.db" "$TMP/$2.db-wal" "$TMP/$2.db-shm"
	"$BEACON" db backup "$TMP/$2.db" --db "$TMP/$1.db" >/dev/null ||
		fail "beacon db backup failed"
}

# The takeover: from $1 (ms, the failure) to the new active one's online
# status, in ms. The deadline is for a takeover that never comes.
takeover() {
	local t0=$1 since ts

	since=$(date -u -d "@$((t0 / 1000)).$(printf %03d $((t0 % 1000)))" \
	    +%Y-%m-%dT%H:%M:%S.%3NZ)
	wait_for 60 online_since "$since"
	ts=$(online_since "$since")
	echo $((ts - t0))
}

# 1. a holds the first lease and has a history when b joins.
spawn a
wait_for 20 leader_is a
wait_for 10 online_since "1970-01-01T00:00:00.000Z"
start_reporter --rate "$RATE" --drain 40
wait_for 30 incidents_in a 50
mosquitto_sub -h 127.0.0.1 -p "$PORT" -V 5 -c -x 3600 -i beacond-test-b \
    -q 1 -t "$PREFIX/daemon/replica/a" -E ||
	fail "cannot create b's session"
copy_db a b
spawn b
wait_for 10 standing_by b
more_incidents a 100
# b has a's rows as they are committed.
wait_for 10 incidents_in b "$(incidents a)"

# 2. kill -9 of the active one.
t_kill=$(now_ms)
kill -KILL "${PID[a]}"
wait "${PID[a]}" 2>/dev/null || true
ms_kill=$(takeover "$t_kill")
wait_for 5 leader_is b
say "kill -9 of a: b online after $ms_kill ms"
grep -q 'event=take_over instance=b' "$TMP/beacond-b.log" ||
	fail "b did not log its takeover"
more_incidents b 100

# 3. a comes back from a copy of b's database, as the standby.
copy_db b a
spawn a
wait_for 10 standing_by a
more_incidents a 50 b

# 4. b hangs: the lease runs out and a takes the session.
t_stop=$(now_ms)
kill -STOP "${PID[b]}"
ms_stop=$(takeover "$t_stop")
# The lease runs out LEASE s after b's last renewal, which came at most a
# third of a lease before the stop.
((ms_stop >= LEASE * 2000 / 3 - 200)) ||
	fail "a took over after $ms_stop ms, before b's lease ran out"
wait_for 5 leader_is a
say "b stopped: a online after $ms_stop ms (lease $LEASE s)"
kill -CONT "${PID[b]}"
wait_for 20 grep -q 'event=step_down instance=b' "$TMP/beacond-b.log"
wait_for 20 standing_by b
more_incidents a 100
leader_is a >/dev/null || fail "the lease left a after b came back"

# The checks, on the active one's database.
reporter_drain 45
DB=$TMP/a.db
load_settle 30
reporter_finish

# Monitoring sees the pair, and a pair without its standby.
health_is() {
	cli health health --broker "127.0.0.1:$PORT" --timeout 3
	((CLI_RC == $1))
}
wait_for 10 health_is 0
expect_line health 'b standing by for a$'
kill -KILL "${PID[b]}"
wait "${PID[b]}" 2>/dev/null || true
wait_for 10 health_is 1
expect_line health '^WARNING: no standby for a: b is offline'
say "health: $(cat "$TMP/health.out")"
kill -TERM "${PID[a]}"
wait_gone "${PID[a]}" 10 || fail "a ignores SIGTERM"
load_check
refused=$(cat "$TMP"/beacond-*.log | grep -c 'event=replica_refused' || true)
check_zero "replication payloads refused" "$refused"
gaps=$(cat "$TMP"/beacond-*.log | grep -c 'event=replica_gap' || true)
check_zero "replication gaps" "$gaps"
say "takeovers: kill -9 $ms_kill ms, hung active $ms_stop ms (lease" \
    "$LEASE s); replica differences logged:" \
    "$(cat "$TMP"/beacond-*.log | grep -c 'event=replica_differ' || true)"
