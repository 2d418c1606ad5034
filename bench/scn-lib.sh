# shellcheck shell=bash
# Shared harness of bench/{timers,memory,restart,queries}.sh: a private
# mosquitto on a free loopback port, beacond from $BUILD, a temporary
# directory removed on exit, and every process started here stopped on exit.
# The logic is a minimal copy of tests/integration/lib.sh.
# shellcheck disable=SC2317
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$SRC/build}
BUILD=$(cd "$BUILD" && pwd)
BEACOND=$BUILD/beacond
BEACON=$BUILD/beacon
RESULTS=${RESULTS:-$SRC/bench/results}
PATH=$PATH:/usr/sbin:/sbin
export LC_ALL=C.UTF-8 TZ=UTC
unset BEACON_BROKER BEACON_PREFIX BEACON_DB

NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/beacon-bench-$NAME.XXXXXX")
DB=$TMP/beacon.db
PIDS=()
PORT=
WS_PORT=
MOSQ_PID=
BEACOND_PID=

say() { echo "$NAME: $*" >&2; }
die() { say "FAIL: $*"; exit 1; }

for t in mosquitto mosquitto_pub mosquitto_sub sqlite3 python3; do
	command -v "$t" >/dev/null 2>&1 || die "$t is not installed"
done
if [ ! -x "$BEACOND" ] || [ ! -x "$BEACON" ]; then
	die "no beacond/beacon in $BUILD: build first"
fi
mkdir -p "$RESULTS"

now_ms() { local t=${EPOCHREALTIME//[!0-9]/}; echo $((t / 1000)); }
now_rfc3339() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }
alive() { kill -0 "$1" 2>/dev/null; }

wait_gone() {
	local deadline=$(($(now_ms) + $2 * 1000))
	while alive "$1"; do
		(($(now_ms) < deadline)) || return 1
		sleep 0.05
	done
}

cleanup() {
	local rc=$? pid
	set +e
	trap - INT TERM
	for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	for pid in "${PIDS[@]}"; do
		wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if ((rc != 0)) && [ -s "$TMP/beacond.log" ]; then
		echo "----- beacond.log (last 30 lines)" >&2
		tail -n 30 "$TMP/beacond.log" >&2
	fi
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_for SECONDS CMD...: CMD every 50 ms until it succeeds, or die.
wait_for() {
	local secs=$1 deadline
	shift
	deadline=$(($(now_ms) + secs * 1000))
	until "$@" >/dev/null 2>&1; do
		(($(now_ms) < deadline)) || die "no success within ${secs}s: $*"
		sleep 0.05
	done
}

free_port() {
	local p
	while p=$((20000 + ((RANDOM << 15) | RANDOM) % 40001)) &&
	    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do :; done
	echo "$p"
}

# Unlimited queues: a benchmark must not lose messages to broker limits.
# BROKER_WS=1 adds a websockets listener on WS_PORT, for the pages.
# BROKER_SUBLOG=1 logs the subscriptions (subscribed below).
start_broker() {
	local tries=0
	while :; do
		PORT=$(free_port)
		cat >"$TMP/mosquitto.conf" <<EOC
listener $PORT 127.0.0.1
allow_anonymous true
set_tcp_nodelay true
persistence false
max_queued_messages 0
max_inflight_messages 0
user $(id -un)
EOC
		if [ "${BROKER_WS:-0}" = 1 ]; then
			WS_PORT=$(free_port)
			printf 'listener %s 127.0.0.1\nprotocol websockets\n' \
			    "$WS_PORT" >>"$TMP/mosquitto.conf"
		fi
		# BROKER_SUBLOG=1: the log also names every subscription
		# ("CLIENT QOS TOPIC"), for subscribed.
		if [ "${BROKER_SUBLOG:-0}" = 1 ]; then
			printf 'log_type %s\n' error warning notice \
			    information subscribe >>"$TMP/mosquitto.conf"
		fi
		: >"$TMP/mosquitto.log"
		mosquitto -c "$TMP/mosquitto.conf" >>"$TMP/mosquitto.log" 2>&1 &
		MOSQ_PID=$!
		PIDS+=("$MOSQ_PID")
		local deadline=$(($(now_ms) + 5000))
		while alive "$MOSQ_PID" && (($(now_ms) < deadline)); do
			if grep -q ' running$' "$TMP/mosquitto.log" &&
			    mosquitto_pub -h 127.0.0.1 -p "$PORT" -t beacon/_probe -m x 2>/dev/null; then
				return 0
			fi
			sleep 0.05
		done
		kill -TERM "$MOSQ_PID" 2>/dev/null || true
		((++tries < 5)) || die "mosquitto does not start"
	done
}

spawn_beacond() {
	"$BEACOND" -c "$CONF" --broker "127.0.0.1:$PORT" --db "$DB" \
	    2>>"$TMP/beacond.log" &
	BEACOND_PID=$!
	PIDS+=("$BEACOND_PID")
}

# The retained status says online, stamped at or after $1.
daemon_online() {
	local p
	alive "$BEACOND_PID" || die "beacond exited"
	p=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 2 \
	    -t beacon/daemon/status 2>/dev/null) || return 1
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d.get("state")=="online" and d.get("ts","")>=sys.argv[2] else 1)' "$p" "$1"
}

start_beacond() {
	local since
	since=$(now_rfc3339)
	spawn_beacond
	wait_for 20 daemon_online "$since"
}

stop_beacond() {
	kill -TERM "$BEACOND_PID"
	wait_gone "$BEACOND_PID" 10 || die "beacond ignores SIGTERM"
	wait "$BEACOND_PID" || true
}

# sub_file FILE TOPIC...: record "unix-ns topic payload" lines; returns once
# a probe on the first topic's probe comes back. Sets SUB_PID.
sub_file() {
	local file=$1 probe=$2 args=() t
	shift 2
	for t; do args+=(-t "$t"); done
	mosquitto_sub -h 127.0.0.1 -p "$PORT" -q 1 -F '%U %t %p' "${args[@]}" \
	    >"$file" 2>>"$TMP/sub.err" &
	SUB_PID=$!
	PIDS+=("$SUB_PID")
	wait_for 5 probe_seen "$file" "$probe"
}

probe_seen() {
	mosquitto_pub -h 127.0.0.1 -p "$PORT" -t "$2" -m probe 2>/dev/null &&
	    grep -q " $2 probe$" "$1"
}

# paced_reports N SECONDS PREFIX TYPE: N report payloads on stdout, one a
# line, spread evenly over SECONDS (0: as fast as possible).
paced_reports() {
	python3 - "$@" <<'PY'
import sys, time, json
n, secs, prefix, typ = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
t0 = time.monotonic()
out = sys.stdout
for i in range(n):
    if secs > 0:
        due = t0 + secs * i / n
        d = due - time.monotonic()
        if d > 0:
            out.flush()
            time.sleep(d)
    out.write(json.dumps({"id": f"{prefix}-{i}", "type": typ}) + "\n")
out.flush()
PY
}

# publish_reports N SECONDS PREFIX TYPE [BRANCH]: the reports to beacond.
publish_reports() {
	paced_reports "$1" "$2" "$3" "$4" |
	    mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -l \
	    -t "beacon/report/${5:-central}"
}

db_int() { sqlite3 -cmd '.timeout 5000' "$DB" "$1"; }

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# write_result JSON: the result file, and its one-line summary.
write_result() {
	printf '%s\n' "$1" >"$RESULTS/$NAME.json"
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print("%s: %s measured %s target %s" % (d["scenario"], "OK" if d["ok"] else "MISSED", d["measured"], d["target"]))' "$RESULTS/$NAME.json"
}

# gen_db [OPEN] [TOTAL] [EVENTS_PER]: $DB made by beacond (schema), then
# filled directly with sqlite3: TOTAL incidents (default 100,000) over the
# last 365 days, the newest OPEN (default 10,000) still open at step 1 of
# the "timed" policy (due_at set later by arm_due), EVENTS_PER (10) timeline
# rows each: 1,000,000 rows by default. Needs the broker.
gen_db() {
	local open=${1:-10000} total=${2:-100000} per=${3:-10} now
	start_beacond
	stop_beacond
	now=$(now_ms)
	sqlite3 "$DB" <<EOSQL
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $total)
INSERT INTO incidents (id, branch, report_id, type, severity, location, note,
    silent, drill, policy, state, call_911, notified, created, updated, step,
    step_at, due_at, due_step, acked_by, nsteps)
SELECT i, 'central', 'gen-' || i,
    CASE WHEN i > $total - $open THEN 'timed' ELSE (CASE i % 3 WHEN 0 THEN 'timed' WHEN 1 THEN 'far' ELSE 'load' END) END,
    1 + i % 4, 'floor ' || (i % 5), 'generated for the benchmark', 0, (i % 50 = 0),
    CASE WHEN i > $total - $open THEN 'timed' ELSE (CASE i % 3 WHEN 0 THEN 'timed' WHEN 1 THEN 'far' ELSE 'once' END) END,
    CASE WHEN i > $total - $open THEN 'routed' ELSE 'resolved' END,
    (i % 4 = 0), 1 + (i % 3),
    c, c + 600000, 0, c,
    CASE WHEN i > $total - $open THEN 0 ELSE -1 END,
    CASE WHEN i > $total - $open THEN 1 ELSE 0 END,
    CASE WHEN i > $total - $open THEN '' ELSE 'r-' || (1 + i % 2) END, 2
FROM (SELECT i,
    CASE WHEN i > $total - $open THEN $now - 120000 + (i - $total + $open) ELSE
    $now - 365 * 86400000 + (i * (365 * 86400000 - 86400000) / ($total - $open)) END AS c FROM n);
WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < $per - 1)
INSERT INTO events (incident, ts, kind, actor, step, detail)
SELECT i.id, i.created + k.j * 1000,
    CASE WHEN i.state = 'routed' THEN (CASE k.j WHEN 0 THEN 'reported' ELSE 'notified' END)
    ELSE (CASE k.j WHEN 0 THEN 'reported' WHEN 1 THEN 'notified' WHEN 2 THEN 'notified'
      WHEN 3 THEN 'escalated' WHEN 4 THEN 'notified' WHEN 5 THEN 'decline' WHEN 6 THEN 'ack'
      WHEN 7 THEN 'arrived' WHEN 8 THEN 'repeated' ELSE 'resolve' END) END,
    CASE WHEN k.j = 0 OR k.j = 3 THEN '' ELSE 'r-' || (1 + k.j % 2) END,
    CASE WHEN k.j >= 3 AND i.state <> 'routed' THEN 1 ELSE 0 END,
    'generated event ' || k.j
FROM incidents i, k ORDER BY i.id, k.j;
-- Rows written directly: the projection (docs/architecture.md) is as far.
UPDATE projection SET event = (SELECT max(id) FROM events);
COMMIT;
EOSQL
}

# arm_due FROM_MS SPREAD_MS: the open incidents' step 2 falls due from
# FROM_MS on, spread evenly over SPREAD_MS.
arm_due() {
	sqlite3 "$DB" "UPDATE incidents SET due_at = $1 + (id % 1000) * $2 / 1000
	    WHERE state = 'routed' AND due_at >= 0"
}

# Issue 24's instruments (bench/shipped.sh, walpages.sh, profile.sh).
# shellcheck disable=SC2034 # used by the scripts that source this
LOADGEN=${TOOLS:-$BUILD}/bench/beacon-loadgen
# shellcheck disable=SC2034
RELAY=${TOOLS:-$BUILD}/bench/beacon-relay

# subscribed CLIENT TOPIC [SINCE_LINE]: the broker has taken the
# subscription to TOPIC of CLIENT (or of a client id beginning with it)
# after line SINCE_LINE of its log: what is published from now on
# reaches it.
subscribed() {
	tail -n +"$((${3:-0} + 1))" "$TMP/mosquitto.log" |
	    awk -v c="$1" -v t="$2" 'index($2, c) == 1 && $3 == 1 &&
	    $4 == t { f = 1 } END { exit !f }'
}

log_lines() { wc -l <"$TMP/mosquitto.log"; }

# end_session CLIENT: a clean connect with CLIENT's id ends its durable
# session, so that the next system's reports are not queued for it.
end_session() {
	mosquitto_pub -h 127.0.0.1 -p "$PORT" -i "$1" -t bench/_end -m x
}

# shipped_conf FILE: conf/beacon.conf's routing for a load of overdoses
# at one branch, changed where the load would otherwise measure something
# else than a report's cost: the limits off (one branch sends 1,000
# reports/s); without the roles' own repeats (crisis_worker, security: the
# load generator never acknowledges, so each report would be notified
# again every 10 s); repeat_window REPEAT_WINDOW (default 0, off: with the
# shipped 120 s, every report walks all the branch's open overdoses of the
# last 2 minutes, tens of thousands here, and is marked related to 8 of
# them). Everything else as shipped.
shipped_conf() {
	local rw=${REPEAT_WINDOW:-0} want=5

	[ "$rw" != 120 ] || want=4
	sed -e 's/^\(  per_device = \)30;/\10;/' \
	    -e 's/^\(  per_source = \)300;/\10;/' \
	    -e "s/^\\(  repeat_window = \\)120;/\\1$rw;/" \
	    -e '/id = "\(crisis_worker\|security\)"/s/ repeat = 10;//' \
	    "$SRC/conf/beacon.conf" >"$1"
	[ "$(diff "$SRC/conf/beacon.conf" "$1" | grep -c '^>')" = "$want" ] ||
	    die "conf/beacon.conf changed: update shipped_conf"
	"$BEACOND" --check-config -c "$1" >/dev/null ||
	    die "$1: not a valid configuration"
}
