#!/usr/bin/env bash
# The standby pair (docs/deployment.md), `make bench-pair`: what the
# replication costs and how fast a takeover is under load.
#
#  1. alone: beacond without a partner, steady 1,000 reports/s for 20 s
#     over 100 branches (bench/beacon-bench.conf), each routed to two
#     responders, as the steady scenario;
#  2. pair: the same load with beacond active in a pair and its partner
#     standing by (each commit's changes published and applied); then how
#     far behind the standby was when the load ended (its incidents equal
#     the active one's);
#  3. takeovers under 500 reports/s: kill -9 of the active one (its will
#     hands over) and SIGSTOP of the next (its lease of 5 s runs out),
#     each timed from the signal to the new active one's "online".
#
# Latency is the load generator's, publish to first notification. A report
# the killed instance had taken but not committed is lost here, because
# the load generator does not publish it again as a report page does
# (t_standby checks that with retries nothing is lost); the count is
# printed. Writes bench/results/pair.json.
# shellcheck source=bench/scn-lib.sh
. "$(dirname "$0")/scn-lib.sh"

LOADGEN=$BUILD/bench/beacon-loadgen
[ -x "$LOADGEN" ] || die "$LOADGEN is missing: build first"
command -v jq >/dev/null || die "jq is not installed"
RATE=1000
SECS=${BENCH_PAIR_SECS:-20}
LEASE=5
declare -A PID

pair_conf() {
	cp "$SRC/bench/beacon-bench.conf" "$TMP/$1.conf"
	printf 'standby: { instance = "%s"; partner = "%s"; lease = %d; };\n' \
	    "$1" "$2" "$LEASE" >>"$TMP/$1.conf"
}

spawn() {
	"$BEACOND" -c "$TMP/$1.conf" --broker "127.0.0.1:$PORT" \
	    --db "$TMP/$1.db" 2>>"$TMP/beacond-$1.log" &
	PID[$1]=$!
	PIDS+=("$!")
}

retained() {
	mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 2 -t "$1" 2>/dev/null
}

leader_is() { retained beacon/daemon/leader | jq -e --arg i "$1" '.instance == $i'; }
standing_by() { retained "beacon/daemon/standby/$1" | jq -e '.state == "standby"'; }

# The "online" stamped at or after $1 (ms): its stamp, in ms.
online_ms() {
	local p ts
	p=$(retained beacon/daemon/status) || return 1
	[ "$(jq -r .state <<<"$p")" = online ] || return 1
	ts=$(date -u -d "$(jq -r .ts <<<"$p")" +%s%3N)
	((ts >= $1)) || return 1
	echo "$ts"
}

incidents() { sqlite3 -cmd '.timeout 5000' "$TMP/$1.db" 'SELECT count(*) FROM incidents'; }
same_count() { [ "$(incidents a)" = "$(incidents b)" ]; }

# load NAME RATE SECS: the load generator, its JSON in $TMP/NAME.json.
load() {
	"$LOADGEN" --port "$PORT" --rate "$2" --duration "$3" --branches 100 \
	    --expect 2 --drain 30 --system "$1" --scenario pair \
	    --json "$TMP/$1.json" >/dev/null 2>>"$TMP/loadgen.err"
}

summary() {
	jq -c '{sent, lost, duplicates, throughput_rps,
	    p50: .latency_ms.p50, p99: .latency_ms.p99}' "$TMP/$1.json"
}

# takeover SIGNAL FROM TO: signal FROM (active) under load, time TO's
# online status; prints ms.
takeover() {
	local t0 ts
	t0=$(now_ms)
	kill "-$1" "${PID[$2]}"
	wait_for 15 online_ms "$t0"
	ts=$(online_ms "$t0")
	wait_for 5 leader_is "$3"
	echo $((ts - t0))
}

start_broker

# 1. Alone.
cp "$SRC/bench/beacon-bench.conf" "$TMP/alone.conf"
"$BEACOND" -c "$TMP/alone.conf" --broker "127.0.0.1:$PORT" \
    --db "$TMP/alone.db" 2>>"$TMP/beacond-alone.log" &
alone=$!
PIDS+=("$alone")
wait_for 20 online_ms 0
load alone "$RATE" "$SECS" || die "the load generator failed (alone)"
kill -TERM "$alone"
wait_gone "$alone" 10 || die "beacond ignores SIGTERM"
# A clean start of the session for the pair.
mosquitto_pub -h 127.0.0.1 -p "$PORT" -i beacond-bench -t bench/_end -m x
say "alone: $(summary alone)"

# 2. The pair.
pair_conf a b
pair_conf b a
spawn a
wait_for 20 leader_is a
spawn b
wait_for 20 standing_by b
load pair "$RATE" "$SECS" || die "the load generator failed (pair)"
t=$(now_ms)
wait_for 60 same_count
behind=$(($(now_ms) - t))
say "pair: $(summary pair); the standby caught up $behind ms after the drain"

# 3. Takeovers under load.
load takeover $((RATE / 2)) 24 &
lg=$!
sleep 6
kill9=$(takeover KILL a b)
say "kill -9 of the active one under load: online after $kill9 ms"
rm -f "$TMP"/a.db*
"$BEACON" db backup "$TMP/a.db" --db "$TMP/b.db" >/dev/null
spawn a
wait_for 20 standing_by a
stop=$(takeover STOP b a)
say "SIGSTOP of the active one under load: online after $stop ms"
kill -CONT "${PID[b]}"
wait "$lg" || die "the load generator failed (takeover)"
say "takeover load: $(summary takeover)"

write_result "$(jq -n --slurpfile alone "$TMP/alone.json" \
    --slurpfile pair "$TMP/pair.json" --slurpfile tk "$TMP/takeover.json" \
    --argjson behind "$behind" --argjson kill9 "$kill9" \
    --argjson stop "$stop" --argjson lease "$LEASE" '
    def s: {sent, lost, duplicates, throughput_rps,
        p50_ms: .latency_ms.p50, p99_ms: .latency_ms.p99};
    {scenario: "pair", alone: ($alone[0] | s), pair: ($pair[0] | s),
     standby_behind_ms: $behind, lease_s: $lease,
     takeover_kill9_ms: $kill9, takeover_stop_ms: $stop,
     takeover_load: ($tk[0] | s),
     p50_ratio: (($pair[0].latency_ms.p50 / $alone[0].latency_ms.p50) * 100 | round / 100),
     p99_ratio: (($pair[0].latency_ms.p99 / $alone[0].latency_ms.p99) * 100 | round / 100),
     target: "takeover < 10 s with a 5 s lease; 0 lost without a kill",
     measured: "kill -9 \($kill9) ms, hung \($stop) ms; lost \($pair[0].lost)",
     ok: ($kill9 < 10000 and $stop < 10000 and $pair[0].lost == 0
         and $alone[0].lost == 0)}')"
