#!/usr/bin/env bash
# Scenario 4, memory: beacond's VmRSS with 1k, 10k (and, unless
# BENCH_QUICK=1, 100k) open incidents, created over MQTT with a policy whose
# second step is a day away, so every incident stays open with a timer armed.
# The reports are paced at BENCH_MEM_RATE a second (default 2000); 0 sends
# them as fast as mosquitto_pub can, which measures the burst's high-water
# mark (beacond's outgoing MQTT queue, malloc keeping freed memory) rather
# than what an open incident costs.
# Target: at most 16 MiB at 10k. Writes bench/results/memory.json.
# shellcheck source=bench/scn-lib.sh
. "$(dirname "$0")/scn-lib.sh"

CONF=$SRC/bench/timers.conf
RATE=${BENCH_MEM_RATE:-2000}
LEVELS=(1000 10000 100000)
[ "${BENCH_QUICK:-0}" = 1 ] && LEVELS=(1000 10000)

start_broker
start_beacond
open_count() { db_int "SELECT count(*) FROM incidents WHERE state IN ('received','routed','acknowledged','on_scene')"; }
reached() { (($(open_count) >= $1)); }

rss0=$(rss_kib "$BEACOND_PID")
points=()
have=0
for n in "${LEVELS[@]}"; do
	t0=$(now_ms)
	k=$((n - have))
	secs=0
	((RATE == 0)) || secs=$(python3 -c "print($k / $RATE)")
	publish_reports "$k" "$secs" "mem$n" far
	wait_for 600 reached "$n"
	ms=$(( $(now_ms) - t0 ))
	sleep 1 # let the loop turn settle before reading RSS
	rss=$(rss_kib "$BEACOND_PID")
	say "open=$n rss=${rss}KiB ingest_ms=$ms"
	points+=("{\"open\": $n, \"rss_kib\": $rss, \"ingest_ms\": $ms}")
	have=$n
	eval "rss_$n=$rss"
done

pts=$(IFS=,; echo "${points[*]}")
write_result "$(python3 - "$rss0" "$rss_10000" "[$pts]" "$RATE" <<'PY'
import json, sys
rss0, rss10k, pts, rate = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])
mib10k = rss10k / 1024
per1k = (pts[-1]["rss_kib"] - rss0) / (pts[-1]["open"] / 1000) / 1024
print(json.dumps({
  "scenario": "memory",
  "target": "VmRSS <= 16 MiB with 10,000 open incidents",
  "measured": "%.1f MiB at 10k open (%.2f MiB per 1,000 open above the %.1f MiB idle)" % (mib10k, per1k, rss0 / 1024),
  "ok": mib10k <= 16,
  "rss_idle_kib": rss0,
  "rss_10k_mib": round(mib10k, 2),
  "mib_per_1000_open": round(per1k, 3),
  "points": pts,
  "reports_per_s": rate or "unpaced",
  "detail": "incidents created by mosquitto_pub -l (QoS 1) at " + ("%d reports/s" % rate if rate else "full speed (a burst)") + "; policy step 2 at +86400 s so all stay open with a timer armed; RSS read 1 s after the last incident was committed",
}, indent=1))
PY
)"
