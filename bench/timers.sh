#!/usr/bin/env bash
# Scenario 3, timers: 10,000 open incidents whose step 2 (0-based step 1)
# falls due 60 s after the report, the reports spread over 60 s, so the
# deadlines are spread over 60 s too. Lateness of a step = the "ts" of its
# notification on beacon/notify/r-2 (beacond's clock) minus the incident's
# created time (from the database) + 60 s. Targets: p99 <= 10 ms, max <= 50 ms.
#
# Load while the timers fire: BENCH_LOAD_RATE reports a second (default 100)
# of a one-step category, from the first report until the last timer fired,
# published with mosquitto_pub -l (the shared bench/loadgen is not used).
# BENCH_TIMERS_N, BENCH_TIMERS_SPREAD change 10000 and 60 for a quick run.
# Writes bench/results/timers.json.
# shellcheck source=bench/scn-lib.sh
. "$(dirname "$0")/scn-lib.sh"

CONF=$SRC/bench/timers.conf
N=${BENCH_TIMERS_N:-10000}
SPREAD=${BENCH_TIMERS_SPREAD:-60}
RATE=${BENCH_LOAD_RATE:-100}
AFTER=60 # the timed policy's step 2, bench/timers.conf

start_broker
start_beacond
sub_file "$TMP/notify.log" beacon/notify/r-2 beacon/notify/r-2

fired() { (($(grep -c '"step": *1' "$TMP/notify.log" || true) >= N)); }

t0=$(now_ms)
loadsecs=$((SPREAD + AFTER + 5))
if ((RATE > 0)); then
	publish_reports $((RATE * loadsecs)) "$loadsecs" load load &
	LOAD_PID=$!
	PIDS+=("$LOAD_PID")
fi
publish_reports "$N" "$SPREAD" timed timed
say "published $N reports in $(( ($(now_ms) - t0) / 1000 )) s; waiting for step 2"
wait_for $((AFTER + 60)) fired
rss=$(rss_kib "$BEACOND_PID")
if ((RATE > 0)); then
	wait "$LOAD_PID" || true
fi
loaded=$(db_int "SELECT count(*) FROM incidents WHERE type = 'load'")
late_events=$(db_int "SELECT count(*) FROM events WHERE kind = 'late'")
sqlite3 -csv "$DB" "SELECT id, created FROM incidents WHERE type = 'timed'" >"$TMP/created.csv"

write_result "$(python3 - "$TMP/notify.log" "$TMP/created.csv" "$N" "$SPREAD" "$AFTER" "$RATE" "$loaded" "$late_events" "$rss" <<'PY'
import csv, json, sys
from datetime import datetime, timezone
log, created_csv = sys.argv[1], sys.argv[2]
n, spread, after, rate, loaded, late_ev, rss = map(int, sys.argv[3:])
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
ok = len(late) == n and p99 <= 10 and mx <= 50
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
  "late_events": late_ev,
  "rss_kib_after": rss,
  "detail": "lateness from the notification's ts (beacond's clock, ms resolution) to created + %d s; delivery lateness from mosquitto_sub's receive time (%%U) to the same deadline. Load: %d reports/s of a one-step category published with mosquitto_pub -l during the whole run (not the shared loadgen)." % (after, rate),
}, indent=1))
PY
)"
