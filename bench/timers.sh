#!/usr/bin/env bash
# Scenario 3, timers: 10,000 open incidents whose step 2 (0-based step 1)
# falls due 60 s after the report, the reports spread over 60 s, so the
# deadlines are spread over 60 s too. Lateness of a step = the "ts" of its
# notification on beacon/notify/r-2 (beacond's clock) minus the incident's
# created time (from the database) + 60 s. Targets: p99 <= 10 ms, max <= 50 ms.
#
# Load while the timers fire: scenario 1's load, bench/loadgen at
# BENCH_LOAD_RATE reports a second (default 1000) over the 100 branches of
# category "welfare" (two notifications each), from before the first timed
# report until after the last timer fired. BENCH_LOAD_RATE=0: no load.
# BENCH_TIMERS_N, BENCH_TIMERS_SPREAD change 10000 and 60 for a quick run.
# Writes bench/results/timers.json.
# shellcheck source=bench/scn-lib.sh
. "$(dirname "$0")/scn-lib.sh"

CONF=$SRC/bench/timers.conf
N=${BENCH_TIMERS_N:-10000}
SPREAD=${BENCH_TIMERS_SPREAD:-60}
RATE=${BENCH_LOAD_RATE:-1000}
LOADGEN=$BUILD/bench/beacon-loadgen
AFTER=60 # the timed policy's step 2, bench/timers.conf

start_broker
start_beacond
sub_file "$TMP/notify.log" beacon/notify/r-2 beacon/notify/r-2

fired() { (($(grep -c '"step": *1' "$TMP/notify.log" || true) >= N)); }

loadsecs=$((SPREAD + AFTER + 10))
if ((RATE > 0)); then
	[ -x "$LOADGEN" ] || die "no $LOADGEN: build first"
	"$LOADGEN" --port "$PORT" --rate "$RATE" --duration "$loadsecs" \
	    --branches 100 --expect 2 --drain 30 --system beacond \
	    --scenario timers-load --json "$TMP/load.json" \
	    >"$TMP/loadgen.out" 2>&1 &
	LOAD_PID=$!
	PIDS+=("$LOAD_PID")
	loading() { (($(db_int "SELECT count(*) FROM incidents WHERE type = 'welfare'") > 0)); }
	wait_for 30 loading
fi
t0=$(now_ms)
publish_reports "$N" "$SPREAD" timed timed
say "published $N reports in $(( ($(now_ms) - t0) / 1000 )) s; waiting for step 2"
wait_for $((AFTER + 60)) fired
rss=$(rss_kib "$BEACOND_PID")
load='{}'
if ((RATE > 0)); then
	wait "$LOAD_PID" || die "the load generator failed: $(tail -n 5 "$TMP/loadgen.out")"
	load=$(cat "$TMP/load.json")
fi
loaded=$(db_int "SELECT count(*) FROM incidents WHERE type = 'welfare'")
late_events=$(db_int "SELECT count(*) FROM events WHERE kind = 'late'")
sqlite3 -csv "$DB" "SELECT id, created FROM incidents WHERE type = 'timed'" >"$TMP/created.csv"

write_result "$(python3 - "$TMP/notify.log" "$TMP/created.csv" "$load" "$N" "$SPREAD" "$AFTER" "$RATE" "$loaded" "$late_events" "$rss" <<'PY'
import csv, json, sys
from datetime import datetime, timezone
log, created_csv, load = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
n, spread, after, rate, loaded, late_ev, rss = map(int, sys.argv[4:])
created = {int(i): int(c) for i, c in csv.reader(open(created_csv))}

def ms(ts):
    return int(datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp() * 1000 + 0.5)

late, deliv = [], []
for line in open(log):
    ns, topic, payload = line.rstrip("\n").split(" ", 2)
    if payload == "probe":
        continue
    p = json.loads(payload)
    if p.get("step") != 1 or p.get("repeat", 0) != 0 or p["incident"] not in created:
        continue
    due = created[p["incident"]] + after * 1000
    late.append(ms(p["ts"]) - due)
    recv = float(ns) if "." in ns else int(ns) / 1e9
    deliv.append(recv * 1000 - due)

def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))]

p50, p99, mx = pct(late, .5), pct(late, .99), max(late)
load_ok = rate == 0 or (load.get("lost") == 0 and load.get("duplicates") == 0)
ok = len(late) == n and p99 <= 10 and mx <= 50 and load_ok
print(json.dumps({
  "scenario": "timers",
  "target": "lateness p99 <= 10 ms, max <= 50 ms",
  "measured": "p50 %d ms, p99 %d ms, max %d ms over %d steps" % (p50, p99, mx, len(late)),
  "ok": ok,
  "steps_expected": n,
  "steps_fired": len(late),
  "lateness_ms": {"p50": p50, "p99": p99, "max": mx, "min": min(late)},
  "steps_over_10ms": sum(1 for x in late if x > 10),
  "steps_over_50ms": sum(1 for x in late if x > 50),
  "worst_5_ms": sorted(late)[-5:],
  "delivery_lateness_ms": {"p50": round(pct(deliv, .5), 1), "p99": round(pct(deliv, .99), 1), "max": round(max(deliv), 1)},
  "deadline_spread_s": spread,
  "load_reports_per_s": rate,
  "load_incidents_created": loaded,
  "load": {k: load.get(k) for k in ("sent", "lost", "duplicates", "throughput_rps", "latency_ms")} if rate else None,
  "late_events": late_ev,
  "rss_kib_after": rss,
  "detail": "lateness from the notification's ts (beacond's clock, ms resolution) to created + %d s; delivery lateness from mosquitto_sub's receive time (%%U) to the same deadline. Load: scenario 1's, bench/loadgen at %d reports/s over 100 branches (two notifications each) during the whole run." % (after, rate),
}, indent=1))
PY
)"
