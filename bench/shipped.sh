#!/usr/bin/env bash
# bench/shipped.sh: beacond with the shipped routing (conf/beacon.conf: an
# overdose at branch central notifies crisis-1, security-1 and dispatch)
# against the storing floor (beacon-relay --store), at 1,000 reports/s for
# 20 s, in interleaved rounds on one broker: each round runs both, each on
# a fresh database, the order alternating (floor first in odd rounds).
#
# No warm-up: the system is started, and the load begins as soon as the
# broker has taken its subscription to beacon/report/+ (the broker logs
# it). The reports sent in the first 3 s are the start-up window
# ("first3s"), the others the steady state ("after3s"); both from the
# same runs. shipped_conf (scn-lib.sh) says what differs from the shipped
# file, and why.
#
# Writes bench/results/shipped.json: every run, the medians over the
# rounds and the ratios beacond:floor of p50 and p99, steady and first 3 s;
# and each system's CPU per report (its user and system time during the
# load generator's run), which a busy machine disturbs less than latency.
#
#   ROUNDS=3 QUICK=0 REPEAT_WINDOW=0 BUILD=build [TOOLS=build] \
#       [AGAINST=OTHER_BUILD] bench/shipped.sh
#
# AGAINST=OTHER_BUILD adds that build's beacond ("other") to every round,
# between the floor and this build, the order of the three rotating: an
# A/B of two builds on one broker with the floor beside them.
#
# QUICK=1: 6 s runs, one round unless ROUNDS says otherwise. TOOLS is the
# build of the load generator and the relay (default: BUILD's).
# shellcheck source=bench/scn-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/scn-lib.sh"

QUICK=${QUICK:-0}
RATE=1000
DUR=20
if [ "$QUICK" = 1 ]; then
	DUR=6
	ROUNDS=${ROUNDS:-1}
fi
ROUNDS=${ROUNDS:-3}
SPLIT=3
AGAINST=${AGAINST:+$(cd "$AGAINST" && pwd)}
TCK=$(getconf CLK_TCK)

for f in "$LOADGEN" "$RELAY"; do
	[ -x "$f" ] || die "$f is missing: build first"
done
command -v jq >/dev/null 2>&1 || die "jq is not installed"

cpu_ms() {
	local f
	read -ra f <"/proc/$1/stat"
	echo $(((f[13] + f[14]) * 1000 / TCK))
}

# run_one SYSTEM ROUND: one run, its JSON in $TMP/runs.
run_one() {
	local sys=$1 r=$2 since pid t0 ready c0 b0 client expect bin
	local base=$TMP/runs/$r-$sys

	since=$(log_lines)
	t0=$(now_ms)
	case $sys in
	store)
		"$RELAY" --broker "127.0.0.1:$PORT" --store "$TMP/$r-$sys.db" \
		    2>>"$TMP/$r-$sys.log" &
		client=beacon-relay expect=1 ;;
	beacond | other)
		bin=$BEACOND
		[ "$sys" = beacond ] || bin=$AGAINST/beacond
		"$bin" -c "$CONF" --broker "127.0.0.1:$PORT" \
		    --db "$TMP/$r-$sys.db" 2>>"$TMP/beacond.log" &
		client=beacond expect=3 ;;
	esac
	pid=$!
	PIDS+=("$pid")
	wait_for 20 subscribed "$client" beacon/report/+ "$since"
	ready=$(($(now_ms) - t0))
	c0=$(cpu_ms "$pid")
	b0=$(cpu_ms "$MOSQ_PID")
	"$LOADGEN" --port "$PORT" --rate "$RATE" --duration "$DUR" \
	    --branch central --type overdose --severity 1 --unique \
	    --expect "$expect" --no-warmup --split "$SPLIT" --drain 30 \
	    --system "$sys" --scenario "shipped-$r" --json "$base.raw" \
	    >"$base.txt"
	jq --argjson round "$r" --argjson ready "$ready" \
	    --argjson s $(($(cpu_ms "$pid") - c0)) \
	    --argjson b $(($(cpu_ms "$MOSQ_PID") - b0)) \
	    '. + {round: $round, ready_ms: $ready, cpu_system_ms: $s,
	      cpu_broker_ms: $b}' "$base.raw" >"$base.json"
	kill -TERM "$pid"
	wait_gone "$pid" 10 || die "$sys ignores SIGTERM"
	wait "$pid" || die "$sys exited $? on SIGTERM"
	end_session "$client"
	jq -r '"round \(.round) \(.system): ready \(.ready_ms) ms; first 3 s p50 \(.first3s.p50) p99 \(.first3s.p99) ms; steady p50 \(.after3s.p50) p99 \(.after3s.p99) ms; lost \(.lost); CPU \(.cpu_system_ms) ms"' \
	    "$base.json"
}

summary() {
	jq -s --argjson quick "$QUICK" --argjson rounds "$ROUNDS" \
	    --argjson rate "$RATE" --argjson dur "$DUR" \
	    --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	    --arg rw "${REPEAT_WINDOW:-0}" --arg against "${AGAINST:-}" \
	    --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)" \
	    --argjson cores "$(nproc)" '
	def median: sort | if length == 0 then null
	    elif length % 2 == 1 then .[length / 2 | floor]
	    else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	def med($s; $w; $p): [.[] | select(.system == $s) | .[$w][$p]] | median;
	def r2: . * 100 | round / 100;
	. as $runs
	| ([$runs[].system] | unique) as $systems
	| ([$systems[] as $s | {($s): {
	    steady: {p50: ($runs | med($s; "after3s"; "p50")),
	             p99: ($runs | med($s; "after3s"; "p99"))},
	    first3s: {p50: ($runs | med($s; "first3s"; "p50")),
	              p99: ($runs | med($s; "first3s"; "p99"))},
	    lost: ([$runs[] | select(.system == $s) | .lost] | add),
	    ready_ms: ($runs | [.[] | select(.system == $s) | .ready_ms]
	        | median),
	    cpu_ms_per_report: ($runs | [.[] | select(.system == $s) |
	        .cpu_system_ms / .sent] | median | . * 1000 | round / 1000)}}]
	    | add) as $m
	| ([["steady", "first3s"][] as $w | {($w): {
	    p50: ($m.beacond[$w].p50 / $m.store[$w].p50 | r2),
	    p99: ($m.beacond[$w].p99 / $m.store[$w].p99 | r2)}}] | add) as $ratio
	| (if $m.other == null then null else [["steady", "first3s"][] as $w |
	    {($w): {p50: ($m.other[$w].p50 / $m.store[$w].p50 | r2),
	            p99: ($m.other[$w].p99 / $m.store[$w].p99 | r2)}}] | add
	   end) as $ratio_other
	| {scenario: "shipped", date: $date, quick: ($quick == 1),
	   machine: {cpu: ($cpu | ltrimstr(" ")), cores: $cores},
	   rate: $rate, duration_s: $dur, rounds: $rounds,
	   window_s: 3, warmup: false,
	   conf: ("conf/beacon.conf with limits per_device = 0, per_source = 0; "
	       + "roles crisis_worker and security without repeat; "
	       + "repeat_window = " + $rw),
	   load: "type overdose, severity 1, branch central, a device and a location per report",
	   median: $m, ratio: $ratio,
	   against: (if $ratio_other == null then null else
	       {build: $against, ratio: $ratio_other} end),
	   target: {p50: 1.5, p99: 2},
	   ok: ($ratio.steady.p50 <= 1.5 and $ratio.steady.p99 <= 2 and
	        $ratio.first3s.p50 <= 1.5 and $ratio.first3s.p99 <= 2 and
	        $m.beacond.lost == 0),
	   runs: $runs}' "$TMP"/runs/*.json >"$RESULTS/$NAME.json"
	jq -r '"shipped: medians of \(.rounds) rounds (ms)",
	  (.median | to_entries[] | "  \(.key): steady p50 \(.value.steady.p50) p99 \(.value.steady.p99); first 3 s p50 \(.value.first3s.p50) p99 \(.value.first3s.p99); lost \(.value.lost); CPU \(.value.cpu_ms_per_report) ms/report"),
	  "  beacond:floor steady p50 \(.ratio.steady.p50)x p99 \(.ratio.steady.p99)x; first 3 s p50 \(.ratio.first3s.p50)x p99 \(.ratio.first3s.p99)x (targets 1.5x, 2x): \(if .ok then "OK" else "MISSED" end)",
	  (.against // empty | "  other:floor steady p50 \(.ratio.steady.p50)x p99 \(.ratio.steady.p99)x; first 3 s p50 \(.ratio.first3s.p50)x p99 \(.ratio.first3s.p99)x (other: \(.build))")' \
	    "$RESULTS/$NAME.json"
}

main() {
	local r sys pair

	mkdir -p "$TMP/runs"
	BROKER_SUBLOG=1 start_broker
	CONF=$TMP/shipped.conf
	shipped_conf "$CONF"
	say "mosquitto on 127.0.0.1:$PORT; beacond: $BEACOND"
	for ((r = 1; r <= ROUNDS; r++)); do
		if [ -n "$AGAINST" ]; then
			case $((r % 3)) in
			1) pair=(store beacond other) ;;
			2) pair=(other store beacond) ;;
			0) pair=(beacond other store) ;;
			esac
		else
			pair=(store beacond)
			((r % 2)) || pair=(beacond store)
		fi
		for sys in "${pair[@]}"; do
			run_one "$sys" "$r"
		done
	done
	summary
	say "wrote $RESULTS/$NAME.json"
}

main
