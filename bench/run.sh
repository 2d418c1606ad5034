#!/usr/bin/env bash
# bench/run.sh: Beacon's benchmarks (docs/benchmarks.md). Starts a private
# mosquitto on a free loopback port, then runs each scenario against the
# bare floor (bench/relay.c), the storing floor (relay --store) and beacond
# (and the record floor in the steady scenario and the burst, the mirror
# floor in the burst), one after the other on the same broker, each with a
# fresh database. The load generator's JSON files are gathered into
# OUT/latest.json; then bench/report.py redraws the charts and, unless
# --no-docs, the table in docs/benchmarks.md.
#
#   bench/run.sh [--quick] [--no-docs] [--out DIR]
#   bench/run.sh --against OTHER_BUILD [--rounds N] [--out DIR]
#   bench/run.sh --burst-rounds N [--against OTHER_BUILD] [--out DIR]
#
# --burst-rounds N runs the burst (20,000 reports) N times for the bare
# floor and beacond (and OTHER_BUILD's beacond with --against), the order
# rotating each round, and prints the median throughputs and beacond's
# ratio to the bare floor (target 75 %): one burst of each is too noisy on
# a shared machine to judge by. It leaves OUT/burst-rounds.json (default
# bench/results/burst-rounds.json); never the docs.
#
# --against compares two builds of beacond (BUILD's and OTHER_BUILD's) in
# interleaved rounds on one broker: N rounds (default 3) of the steady
# scenario (1,000 reports/s for 20 s) and the burst (20,000 reports), each
# round running both builds, the order alternating. It prints one line per
# run and leaves OUT/ab.json (default bench/results/ab); never the docs.
# --quick runs each scenario for a few seconds (a smoke test) into
# bench/results/quick unless --out says otherwise; it never touches the
# docs. BUILD names the build directory (default: build).
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$SRC/$BUILD ;; esac
LOADGEN=$BUILD/bench/beacon-loadgen
RELAY=$BUILD/bench/beacon-relay
BEACOND=$BUILD/beacond
CONF=$SRC/bench/beacon-bench.conf
PATH=$PATH:/usr/sbin:/sbin
QUICK=0
DOCS=1
OUT=
AGAINST=
ROUNDS=3
BURST_ROUNDS=0

while (($#)); do
	case $1 in
	--quick) QUICK=1 ;;
	--no-docs) DOCS=0 ;;
	--out) OUT=$2; shift ;;
	--against) AGAINST=$(cd "$2" && pwd); shift ;;
	--rounds) ROUNDS=$2; shift ;;
	--burst-rounds) BURST_ROUNDS=$2; shift ;;
	*) echo "usage: bench/run.sh [--quick] [--no-docs] [--out DIR]" \
	       "| --against OTHER_BUILD [--rounds N] [--out DIR]" \
	       "| --burst-rounds N [--against OTHER_BUILD] [--out DIR]" >&2
	   exit 2 ;;
	esac
	shift
done
if [ -z "$OUT" ]; then
	OUT=$SRC/bench/results
	((QUICK == 0)) || OUT=$SRC/bench/results/quick
	[ -z "$AGAINST" ] || OUT=$SRC/bench/results/ab
	((BURST_ROUNDS == 0)) || OUT=$SRC/bench/results
fi
((QUICK == 0)) || DOCS=0

# name mode rate duration count drain: the scenarios. steady is also the
# Growth table's 1,000/s point.
if ((QUICK)); then
	SCENARIOS=(
		"steady steady 1000 3 0 10"
		"burst burst 0 0 5000 30"
		"growth-100 steady 100 2 0 10"
		"growth-3000 steady 3000 2 0 20"
	)
else
	SCENARIOS=(
		"steady steady 1000 30 0 30"
		"burst burst 0 0 50000 120"
		"growth-100 steady 100 10 0 30"
		"growth-3000 steady 3000 10 0 60"
	)
fi
SYSTEMS=(floor store beacond)
# The steady scenario also runs the record floor (relay --record): beacond's
# record of each report in beacond's store, and its publications, without
# rules (docs/benchmarks.md).
STEADY_SYSTEMS=(floor store record beacond)
# The burst also runs the mirror floor (relay --mirror): the bare floor
# publishing what beacond publishes, without storing; and the record floor
# (docs/benchmarks.md).
BURST_SYSTEMS=(floor store mirror record beacond)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/beacon-bench.XXXXXX")
PIDS=()
PORT=
SYS_PID=

say() {
	echo "bench: $*" >&2
}

cleanup() {
	local rc=$? pid

	set +e
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	((rc == 0)) || tail -n 20 "$TMP"/*.log >&2
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for f in "$LOADGEN" "$RELAY" "$BEACOND"; do
	[ -x "$f" ] || { say "$f is missing: make build first"; exit 1; }
done
for t in mosquitto mosquitto_pub jq python3; do
	command -v "$t" >/dev/null || { say "$t is not installed"; exit 1; }
done

free_port() {
	local p

	while p=$((20000 + ((RANDOM << 15) | RANDOM) % 40001)) &&
	    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do
		:
	done
	echo "$p"
}

# The subscribers' limits are raised so that the broker never drops a QoS 1
# message: mosquitto queues at most max_queued_messages (default 1000) per
# session beyond the max_inflight_messages (default 20) in flight, and
# silently discards the rest. A 50,000-report burst queues up to 50,000
# reports for beacond's durable session and 100,000 notifications for the
# load generator. max_inflight_messages bounds the unacknowledged
# messages the broker pushes to one client: libmosquitto acknowledges
# before handing a message over, so a larger window only lets the broker
# fill the socket.
broker_conf() {
	cat <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
set_tcp_nodelay true
persistence false
max_inflight_messages 1000
max_queued_messages 200000
max_queued_bytes 0
user $(id -un)
CONF
}

start_broker() {
	local i

	PORT=$(free_port)
	broker_conf >"$TMP/mosquitto.conf"
	mosquitto -c "$TMP/mosquitto.conf" >"$TMP/mosquitto.log" 2>&1 &
	BROKER_PID=$!
	PIDS+=("$BROKER_PID")
	for ((i = 0; i < 100; i++)); do
		mosquitto_pub -h 127.0.0.1 -p "$PORT" -t bench/_probe -m x \
		    2>/dev/null && return 0
		sleep 0.05
	done
	say "mosquitto does not start on port $PORT"
	exit 1
}

# start_system SYSTEM RUN: the system under test, in the background.
start_system() {
	local cmd=("$RELAY" --broker "127.0.0.1:$PORT")

	case $1 in
	store) cmd+=(--store "$TMP/$2.db") ;;
	mirror) cmd+=(--mirror) ;;
	record) cmd+=(--record "$TMP/$2.db") ;;
	beacond) cmd=("$BEACOND" -c "$CONF" --broker "127.0.0.1:$PORT"
	    --db "$TMP/$2.db") ;;
	beacond-b) cmd=("$AGAINST/beacond" -c "$CONF" --broker
	    "127.0.0.1:$PORT" --db "$TMP/$2.db") ;;
	esac
	"${cmd[@]}" 2>"$TMP/$2.log" &
	SYS_PID=$!
	PIDS+=("$SYS_PID")
}

# Stop it, then end its durable session (a clean connect with its client
# id), so that the next system's reports are not queued for it.
stop_system() {
	local id=beacon-relay

	case $1 in beacond*) id=beacond-bench ;; esac
	kill -TERM "$SYS_PID"
	wait "$SYS_PID" || { say "$1 exited $? on SIGTERM"; exit 1; }
	mosquitto_pub -h 127.0.0.1 -p "$PORT" -i "$id" -t bench/_end -m x
}

# cpu_ms PID: the process's user + system CPU time so far, in ms (fields
# 14 and 15 of /proc/PID/stat; the names here have no spaces).
TCK=$(getconf CLK_TCK)
cpu_ms() {
	local f
	read -ra f <"/proc/$1/stat"
	echo $(((f[13] + f[14]) * 1000 / TCK))
}

run_one() {
	local name=$1 mode=$2 rate=$3 dur=$4 count=$5 drain=$6 sys=$7
	local expect=1 args=() sys0 brk0

	case $sys in beacond* | mirror | record) expect=2 ;; esac
	if [ "$mode" = steady ]; then
		args=(--rate "$rate" --duration "$dur")
	else
		args=(--count "$count")
	fi
	start_system "$sys" "$name-$sys"
	sys0=$(cpu_ms "$SYS_PID")
	brk0=$(cpu_ms "$BROKER_PID")
	"$LOADGEN" --port "$PORT" "${args[@]}" --branches 100 \
	    --expect "$expect" --drain "$drain" --system "$sys" \
	    --scenario "$name" --json "$TMP/$name-$sys.json"
	# Where the two cores went: the system's CPU and the broker's during
	# the load generator's run (warm-up and drain included).
	jq --argjson s $(($(cpu_ms "$SYS_PID") - sys0)) \
	    --argjson b $(($(cpu_ms "$BROKER_PID") - brk0)) \
	    '. + {cpu_system_ms: $s, cpu_broker_ms: $b}' \
	    "$TMP/$name-$sys.json" >"$TMP/runs/$name-$sys.json"
	stop_system "$sys"
}

machine() {
	jq -n --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)" \
	    --argjson cores "$(nproc)" --arg kernel "$(uname -r)" \
	    --arg mosquitto "$(mosquitto -h 2>&1 | head -n 1)" \
	    '{cpu: ($cpu | ltrimstr(" ")), cores: $cores, kernel: $kernel,
	      broker: $mosquitto}'
}

collect() {
	mkdir -p "$OUT"
	jq -s --argjson machine "$(machine)" --argjson quick "$QUICK" \
	    --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	    '{date: $date, quick: ($quick == 1), machine: $machine,
	      runs: .}' "$TMP"/runs/*.json >"$OUT/latest.json"
}

# The A/B comparison (--against): rounds of both builds, order alternating.
ab() {
	local r s sys pair

	mkdir -p "$TMP/runs"
	start_broker
	say "mosquitto on 127.0.0.1:$PORT; A: $BUILD, B: $AGAINST"
	for ((r = 1; r <= ROUNDS; r++)); do
		pair=(beacond beacond-b)
		((r % 2)) || pair=(beacond-b beacond)
		for s in "steady-$r steady 1000 20 0 30" \
		    "burst-$r burst 0 0 20000 60"; do
			for sys in "${pair[@]}"; do
				# shellcheck disable=SC2086
				run_one $s "$sys"
				jq -r '"\(.scenario) \(.system): p50 \(.latency_ms.p50) ms, p99 \(.latency_ms.p99) ms, \(.throughput_rps) reports/s, lost \(.lost), beacond CPU \(.cpu_system_ms) ms, broker CPU \(.cpu_broker_ms) ms"' \
				    "$TMP/runs/${s%% *}-$sys.json"
			done
		done
	done
	mkdir -p "$OUT"
	jq -s '.' "$TMP"/runs/*.json >"$OUT/ab.json"
	say "wrote $OUT/ab.json"
}

# --burst-rounds: the burst, bare floor against beacond, in rounds.
burst_rounds() {
	local r i sys systems=(floor beacond) order

	[ -z "$AGAINST" ] || systems+=(beacond-b)
	mkdir -p "$TMP/runs"
	start_broker
	say "mosquitto on 127.0.0.1:$PORT; $BURST_ROUNDS rounds of a" \
	    "20,000-report burst: ${systems[*]}"
	for ((r = 1; r <= BURST_ROUNDS; r++)); do
		order=()
		for ((i = 0; i < ${#systems[@]}; i++)); do
			order+=("${systems[(i + r - 1) % ${#systems[@]}]}")
		done
		for sys in "${order[@]}"; do
			run_one "burst-$r" burst 0 0 20000 60 "$sys"
			jq -r '"\(.scenario) \(.system): \(.throughput_rps) reports/s, lost \(.lost), CPU \(.cpu_system_ms) ms, broker CPU \(.cpu_broker_ms) ms"' \
			    "$TMP/runs/burst-$r-$sys.json"
		done
	done
	mkdir -p "$OUT"
	jq -s --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	    --argjson machine "$(machine)" '
	def median: sort | if length % 2 == 1 then .[length / 2 | floor]
	    else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	. as $runs
	| ([$runs[].system] | unique) as $systems
	| ([$systems[] as $s | {($s): {
	    throughput: ([$runs[] | select(.system == $s) | .throughput_rps]
	        | median),
	    lost: ([$runs[] | select(.system == $s) | .lost] | add)}}] | add)
	  as $m
	| {scenario: "burst-rounds", date: $date, machine: $machine,
	   rounds: ($runs | length / ($systems | length)), median: $m,
	   ratio: ($m.beacond.throughput / $m.floor.throughput
	       | . * 1000 | round / 1000),
	   ratio_b: (if $m["beacond-b"] == null then null else
	       $m["beacond-b"].throughput / $m.floor.throughput
	       | . * 1000 | round / 1000 end),
	   target: 0.75, ok: ($m.beacond.throughput >= 0.75 *
	       $m.floor.throughput and $m.beacond.lost == 0),
	   runs: $runs}' "$TMP"/runs/*.json >"$OUT/burst-rounds.json"
	jq -r '"burst: medians of \(.rounds) rounds: " + ([.median | to_entries[]
	    | "\(.key) \(.value.throughput)/s (lost \(.value.lost))"]
	    | join(", ")) + "; beacond \(.ratio * 100 | round) % of the bare"
	    + " floor (target 75 %): \(if .ok then "met" else "MISSED" end)"
	    + (if .ratio_b == null then "" else "; beacond-b \(.ratio_b * 100
	    | round) %" end)' "$OUT/burst-rounds.json"
	say "wrote $OUT/burst-rounds.json"
}

main() {
	local s sys systems

	mkdir -p "$TMP/runs"
	start_broker
	say "mosquitto on 127.0.0.1:$PORT"
	for s in "${SCENARIOS[@]}"; do
		case ${s%% *} in
		steady) systems=("${STEADY_SYSTEMS[@]}") ;;
		burst) systems=("${BURST_SYSTEMS[@]}") ;;
		*) systems=("${SYSTEMS[@]}") ;;
		esac
		for sys in "${systems[@]}"; do
			# shellcheck disable=SC2086
			run_one $s "$sys"
		done
	done
	collect
	say "wrote $OUT/latest.json"
	if ((DOCS)); then
		python3 "$SRC/bench/report.py" "$OUT/latest.json" \
		    --svg-dir "$OUT" --doc "$SRC/docs/benchmarks.md"
	else
		python3 "$SRC/bench/report.py" "$OUT/latest.json" \
		    --svg-dir "$OUT"
	fi
}

[ -z "$AGAINST" ] || [ -x "$AGAINST/beacond" ] ||
	{ say "$AGAINST/beacond is missing"; exit 1; }
if ((BURST_ROUNDS > 0)); then
	burst_rounds
elif [ -n "$AGAINST" ]; then
	ab
else
	main
fi
