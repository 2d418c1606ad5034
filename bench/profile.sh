#!/usr/bin/env bash
# bench/profile.sh: where beacond's CPU goes, with the shipped routing
# (shipped_conf in scn-lib.sh; the load of bench/shipped.sh: overdoses at
# branch central, 1,000 reports/s), in two profiles of `perf record`:
#
#   steady  beacond already running; 10 s recorded from the moment the load
#           generator has subscribed, in a 15 s load (its warm-up, one or a
#           few reports, included).
#   start   beacond started under perf on an empty database; the load
#           begins, without warm-up, as soon as the broker has taken
#           beacond's subscription, for 3 s; recorded from beacond's exec
#           to its exit (start-up, the 3 s, the drain and the shutdown).
#
# Each writes the top 40 entries of `perf report --stdio --no-children`
# (self time by symbol, call graphs left out) to
# bench/results/profile-steady.txt and profile-start.txt, under a header
# saying what was run. CALLGRAPH (default fp, i.e. -g) is perf record's
# --call-graph: dwarf unwinds builds without frame pointers, at a cost.
# KEEP=DIR keeps the perf.data files there.
#
# perf needs perf_event_open: root may use it whatever
# kernel.perf_event_paranoid says. If perf cannot record, and this runs as
# root, the script lowers kernel.perf_event_paranoid to 1 with sysctl (and
# says so); otherwise it stops and says what to do.
#
#   BUILD=build [TOOLS=build] [CALLGRAPH=fp|dwarf] [KEEP=DIR] bench/profile.sh
# shellcheck source=bench/scn-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/scn-lib.sh"

CALLGRAPH=${CALLGRAPH:-fp}
TOP=40

command -v perf >/dev/null 2>&1 || die "perf is not installed"
[ -x "$LOADGEN" ] || die "$LOADGEN is missing: build first"

perf_works() {
	perf record -q -o "$TMP/probe.data" -- true >/dev/null 2>&1
}

perf_allowed() {
	perf_works && return 0
	[ "$(id -u)" = 0 ] || die "perf cannot record: run as root, or" \
	    "sysctl -w kernel.perf_event_paranoid=1"
	say "perf cannot record: sysctl -w kernel.perf_event_paranoid=1"
	sysctl -qw kernel.perf_event_paranoid=1
	perf_works || die "perf cannot record, even as root"
}

# top DATA OUT WHAT: the report's top entries, under a header.
top() {
	local v

	v=$("$BEACOND" --version 2>&1)
	{
		echo "# bench/profile.sh: $3"
		echo "# beacond: ${v%%$'\n'*}," \
		    "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores," \
		    "perf record --call-graph $CALLGRAPH"
		perf report -i "$1" --stdio --no-children -g none \
		    --sort comm,dso,symbol >"$1.txt" 2>/dev/null
		grep -E '^# (Samples|Event count)' "$1.txt"
		# The columns perf leaves empty ("-") at the end of a line go.
		grep -vE '^(#|$)' "$1.txt" |
		    sed -n -e 's/[ -]*$//' -e "1,${TOP}p"
	} >"$2"
	if [ -n "${KEEP:-}" ]; then
		mkdir -p "$KEEP"
		cp "$1" "$KEEP/"
	fi
	say "wrote $2"
}

load() {
	"$LOADGEN" --port "$PORT" --rate 1000 --branch central \
	    --type overdose --severity 1 --unique --expect 3 --drain 30 \
	    --system beacond --scenario profile "$@"
}

steady() {
	local since pid lpid

	since=$(log_lines)
	DB=$TMP/steady.db
	spawn_beacond
	pid=$BEACOND_PID
	wait_for 20 subscribed beacond beacon/report/+ "$since"
	since=$(log_lines)
	load --duration 15 >"$TMP/steady.load" &
	lpid=$!
	PIDS+=("$lpid")
	wait_for 20 subscribed "loadgen-sub-" beacon/notify/+ "$since"
	perf record -q --call-graph "$CALLGRAPH" -p "$pid" \
	    -o "$TMP/profile-steady.data" -- sleep 10 2>>"$TMP/perf.log"
	wait "$lpid" || die "the load generator failed"
	cat "$TMP/steady.load" >&2
	stop_beacond
	end_session beacond
	top "$TMP/profile-steady.data" "$RESULTS/profile-steady.txt" \
	    "steady: 10 s of beacond at 1,000 overdoses/s (shipped routing)"
}

start() {
	local since ppid pid

	since=$(log_lines)
	perf record -q --call-graph "$CALLGRAPH" -o "$TMP/profile-start.data" \
	    -- "$BEACOND" -c "$CONF" --broker "127.0.0.1:$PORT" \
	    --db "$TMP/start.db" 2>>"$TMP/beacond.log" &
	ppid=$!
	PIDS+=("$ppid")
	wait_for 20 subscribed beacond beacon/report/+ "$since"
	load --duration 3 --no-warmup >&2
	pid=$(ps -o pid= --ppid "$ppid" | tr -d ' ')
	[ -n "$pid" ] || die "beacond is not running under perf"
	kill -TERM "$pid"
	wait_gone "$ppid" 30 || die "perf does not end with beacond"
	wait "$ppid" || die "perf record failed"
	end_session beacond
	top "$TMP/profile-start.data" "$RESULTS/profile-start.txt" \
	    "start: beacond from exec, 3 s of 1,000 overdoses/s without warm-up from its subscription (shipped routing)"
}

main() {
	perf_allowed
	BROKER_SUBLOG=1 start_broker
	CONF=$TMP/shipped.conf
	shipped_conf "$CONF"
	steady
	start
}

main
