#!/usr/bin/env bash
# Growth by open incidents: beacond's latency and memory with 1k, 10k and
# (unless BENCH_QUICK=1) 100k incidents open. For each level a fresh
# database: beacond creates the schema (start, stop), then sqlite3 inserts
# N open incidents of the "far" category (routed, step 1 notified, step 2
# due a day after creation, so none fires during the run) spread over the
# 100 branches, with their two timeline rows each. beacond is started on
# it (its log must say event=restored pending=N or more), its VmRSS read,
# then bench/loadgen sends 1,000 welfare reports/s for 10 s over the 100
# branches (two notifications each, as bench/run.sh does for beacond), and
# VmRSS is read again. No latency target: ok means 0 lost and 0 duplicates
# at every level. Writes bench/results/open.json and open.svg.
# BENCH_OPEN_RATE and BENCH_OPEN_DURATION change the load (1000, 10),
# BENCH_OPEN_LEVELS the levels.
# shellcheck source=bench/scn-lib.sh
. "$(dirname "$0")/scn-lib.sh"

CONF=$SRC/bench/open.conf
LOADGEN=$BUILD/bench/beacon-loadgen
RATE=${BENCH_OPEN_RATE:-1000}
DURATION=${BENCH_OPEN_DURATION:-10}
LEVELS=(1000 10000 100000)
[ "${BENCH_QUICK:-0}" = 1 ] && LEVELS=(1000 10000)
# BENCH_OPEN_LEVELS="1000 100000": other levels (for development).
# shellcheck disable=SC2206
[ -n "${BENCH_OPEN_LEVELS:-}" ] && LEVELS=($BENCH_OPEN_LEVELS)
[ -x "$LOADGEN" ] || die "no $LOADGEN: build first"

# cpu_ms PID: the process's user + system CPU time so far, in ms.
cpu_ms() {
	local f
	read -ra f <"/proc/$1/stat"
	# Fields 14 and 15 (utime, stime); the name (field 2) has no spaces.
	echo $(((f[13] + f[14]) * 1000 / TCK))
}
TCK=$(getconf CLK_TCK)

open_count() { db_int "SELECT count(*) FROM incidents WHERE state IN ('received','routed','acknowledged','on_scene')"; }

# gen_open N: a fresh $DB with N open "far" incidents, created over the
# last hour, step 2 due 24 h after each one's creation.
gen_open() {
	local n=$1 now
	rm -f "$DB" "$DB-wal" "$DB-shm"
	start_beacond
	if [ -z "${rss_empty:-}" ]; then
		sleep 1
		rss_empty=$(rss_kib "$BEACOND_PID")
	fi
	stop_beacond
	now=$(now_ms)
	sqlite3 "$DB" <<EOSQL
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)
INSERT INTO incidents (id, branch, report_id, type, severity, location,
    device, reporter, note, silent, drill, policy, state, call_911, notified,
    created, updated, step, step_at, due_at, due_step, acked_by, nsteps)
SELECT i, printf('b%03d', i % 100), 'open-' || i, 'far', 3,
    'floor ' || (i % 5), '', '', 'generated for the benchmark', 0, 0, 'far',
    'routed', 0, 1, c, c, 0, c, c + 86400000, 1, '', 2
FROM (SELECT i, $now - 3600000 + i * 3600000 / $n AS c FROM s);
INSERT INTO events (incident, ts, kind, actor, step, detail)
SELECT id, created, 'reported', '', -1, 'Far, severity 3' FROM incidents;
INSERT INTO events (incident, ts, kind, actor, step, detail)
SELECT id, created, 'notified', 'r-1', 0, 'role=first' FROM incidents;
COMMIT;
EOSQL
}

start_broker
points=()
for n in "${LEVELS[@]}"; do
	t=$(now_ms)
	gen_open "$n"
	gen_ms=$(($(now_ms) - t))
	have=$(open_count)
	((have == n)) || die "generated $have open incidents, not $n"

	lines=$(wc -l <"$TMP/beacond.log")
	t=$(now_ms)
	start_beacond
	online_ms=$(($(now_ms) - t))
	restored=$(tail -n +"$((lines + 1))" "$TMP/beacond.log" |
	    grep -o 'event=restored pending=[0-9]*' | tail -n 1 || true)
	pending=${restored##*=}
	[ -n "$pending" ] || die "beacond did not log event=restored"
	((pending >= n)) || die "beacond restored $pending timers, not $n"
	sleep 1 # let the loop turn settle before reading RSS
	rss_before=$(rss_kib "$BEACOND_PID")
	say "open=$n generated in ${gen_ms} ms; $restored; online ${online_ms} ms; rss=${rss_before}KiB"

	cpu0=$(cpu_ms "$BEACOND_PID")
	"$LOADGEN" --port "$PORT" --rate "$RATE" --duration "$DURATION" \
	    --branches 100 --expect 2 --drain 30 --system beacond \
	    --scenario "open-$n" --json "$TMP/open-$n.json" >&2
	cpu=$(($(cpu_ms "$BEACOND_PID") - cpu0))
	sleep 1
	rss_after=$(rss_kib "$BEACOND_PID")
	open_after=$(open_count)
	say "open=$n after the load: rss=${rss_after}KiB open=$open_after cpu=${cpu}ms"
	stop_beacond
	points+=("$(python3 - "$TMP/open-$n.json" "$n" "$pending" "$online_ms" "$rss_before" "$rss_after" "$open_after" "$gen_ms" "$cpu" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
n, pending, online, before, after, opn, gen, cpu = map(int, sys.argv[2:10])
print(json.dumps({
  "open": n, "restored_pending": pending, "online_ms": online,
  "rss_kib_before": before, "rss_kib_after": after, "open_after": opn,
  "db_generate_ms": gen, "rate": r["rate"], "duration_s": r["duration_s"],
  "sent": r["sent"], "received": r["received"], "lost": r["lost"],
  "duplicates": r["duplicates"], "throughput_rps": r["throughput_rps"],
  "latency_ms": r["latency_ms"], "cpu_ms": cpu,
  "cpu_ms_per_1000_reports": round(cpu / (r["sent"] / 1000), 1),
}))
PY
)")
done

pts=$(IFS=,; echo "${points[*]}")
write_result "$(python3 - "$rss_empty" "[$pts]" <<'PY'
import json, sys
empty, pts = int(sys.argv[1]), json.loads(sys.argv[2])
def k(n):
    return "%dk" % (n // 1000)
ok = all(p["lost"] == 0 and p["duplicates"] == 0 for p in pts)
lvl = "/".join(k(p["open"]) for p in pts)
first, last = pts[0], pts[-1]
per1k = ((last["rss_kib_before"] - first["rss_kib_before"]) /
         ((last["open"] - first["open"]) / 1000) / 1024)
def col(f):
    return "/".join(f(p) for p in pts)
print(json.dumps({
  "scenario": "open",
  "target": "0 lost, 0 duplicates at %s open (no latency target)" % lvl,
  "measured": "at %s open: p50 %s ms, p99 %s ms, RSS after load %s MiB, "
              "CPU %s ms per 1,000 reports; %d lost, %d duplicates" % (
      lvl, col(lambda p: "%.2f" % p["latency_ms"]["p50"]),
      col(lambda p: "%.2f" % p["latency_ms"]["p99"]),
      col(lambda p: "%.1f" % (p["rss_kib_after"] / 1024)),
      col(lambda p: "%.0f" % p["cpu_ms_per_1000_reports"]),
      sum(p["lost"] for p in pts), sum(p["duplicates"] for p in pts)),
  "ok": ok,
  "rss_empty_kib": empty,
  "mib_per_1000_open": round(per1k, 3),
  "points": pts,
  "detail": "for each level a fresh database with N open 'far' incidents "
            "(routed, step 2 due 24 h after creation) made with sqlite3 "
            "after beacond created the schema; beacond (bench/open.conf) "
            "restarted on it, RSS read 1 s after online; then "
            "beacon-loadgen: %g reports/s for %g s over 100 branches, "
            "expect 2, drain 30 s; RSS read again 1 s after the load; "
            "rss_empty_kib is beacond on an empty database; online_ms is "
            "exec to the retained online status as polled (50 ms steps); "
            "cpu_ms is beacond's user + system CPU time during the load "
            "(warm-up, reports and drain)"
            % (first["rate"], first["duration_s"]),
}, indent=1))
PY
)"
python3 "$SRC/bench/open_chart.py" "$RESULTS/open.json" "$RESULTS/open.svg"
