#!/usr/bin/env bash
# Flood (issue "Reliability and security", docs/reliability.md): valid
# reports at BENCH_FLOOD_VALID a second (default 100: a busy library system)
# over 100 branches for BENCH_FLOOD_SECS (10), once alone and once while
# one client publishes malformed reports on branch b000 at
# BENCH_FLOOD_RATE a second (10,000, QoS 1), against beacond with the
# shipped limits. beacond's VmRSS is sampled every 0.2 s during each run.
# Targets: 0 lost, valid p99 under the flood at most 2x the p99 without,
# and VmRSS during the flood no more than 4 MiB above the run without.
# Writes bench/results/flood.json.
# shellcheck source=bench/scn-lib.sh
. "$(dirname "$0")/scn-lib.sh"

LOADGEN=$BUILD/bench/beacon-loadgen
VALID=${BENCH_FLOOD_VALID:-100}
SECS=${BENCH_FLOOD_SECS:-10}
RATE=${BENCH_FLOOD_RATE:-10000}
[ -x "$LOADGEN" ] || die "$LOADGEN is missing: build first"

CONF=$TMP/beacon.conf
sed 's/^limits:.*/limits: { interval = 10; per_device = 30; per_source = 300; };/' \
    "$SRC/bench/beacon-bench.conf" >"$CONF"
grep -q 'per_device = 30;' "$CONF" || die "no limits line to set"

start_broker
start_beacond

# run NAME [loadgen args]: one run, with VmRSS's peak in $TMP/NAME.rss.
run() {
	local name=$1 peak=0 r lg
	shift
	"$LOADGEN" --port "$PORT" --rate "$VALID" --duration "$SECS" \
	    --branches 100 --expect 2 --drain 30 --system beacond \
	    --scenario "flood-$name" --json "$TMP/$name.json" "$@" \
	    >"$TMP/$name.out" 2>&1 &
	lg=$!
	while alive "$lg"; do
		r=$(rss_kib "$BEACOND_PID")
		((r <= peak)) || peak=$r
		sleep 0.2
	done
	wait "$lg" || die "beacon-loadgen exited $?: $(tail -n 3 "$TMP/$name.out")"
	echo "$peak" >"$TMP/$name.rss"
	say "$name: $(tr '\n' ' ' <"$TMP/$name.out")"
}

run alone
run flood --garbage "$RATE" --garbage-branch b000
rows=$(db_int "SELECT count(*) FROM rejects")
cpu=$(awk '{ print $14 + $15 }' "/proc/$BEACOND_PID/stat")
stop_beacond

write_result "$(python3 - "$TMP/alone.json" "$TMP/flood.json" \
    "$(cat "$TMP/alone.rss")" "$(cat "$TMP/flood.rss")" "$rows" \
    "$VALID" "$SECS" <<'PY'
import json, sys
a, f = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
rss_a, rss_f, rows = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
valid, secs = int(sys.argv[6]), float(sys.argv[7])
ratio = f["latency_ms"]["p99"] / a["latency_ms"]["p99"] if a["latency_ms"]["p99"] else 0
grow = (rss_f - rss_a) / 1024
ok = f["lost"] == 0 and f["duplicates"] == 0 and a["lost"] == 0 and ratio <= 2 and grow <= 4
print(json.dumps({
  "scenario": "flood",
  "target": "0 lost; valid p99 during a 10,000/s flood <= 2x without; VmRSS <= 4 MiB above the run without",
  "measured": "%d/%d valid routed; p50 %.2f -> %.2f ms, p99 %.2f -> %.2f ms (%.2fx); VmRSS peak %.1f -> %.1f MiB; %d malformed at %d/s cost %d reject rows" % (
      f["received"], f["sent"], a["latency_ms"]["p50"], f["latency_ms"]["p50"],
      a["latency_ms"]["p99"], f["latency_ms"]["p99"], ratio, rss_a / 1024, rss_f / 1024,
      f["garbage_sent"], f["garbage_rps"], rows),
  "ok": ok,
  "valid_per_s": valid, "seconds": secs,
  "alone": {k: a[k] for k in ("sent", "received", "lost", "duplicates", "latency_ms")},
  "flood": {k: f[k] for k in ("sent", "received", "lost", "duplicates", "latency_ms", "garbage_sent", "garbage_rps")},
  "rss_peak_kib": {"alone": rss_a, "flood": rss_f},
  "reject_rows": rows,
}, indent=1))
PY
)"
