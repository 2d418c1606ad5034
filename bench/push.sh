#!/usr/bin/env bash
# Push (issue "Alerts that ring a phone in a pocket", docs/benchmarks.md):
# beacond with Web Push on (beacon-bench.conf and an http listener), the
# push service stand-in of web-push-testing on loopback
# (clients/web/tests/webpush_service.mjs, which stamps each push's arrival,
# answers at once and checks and decrypts between rounds),
# and bench/push.mjs publishing BENCH_PUSH_RATE reports a second (default
# 100) over 100 branches in BENCH_PUSH_ROUNDS rounds (4) of
# BENCH_PUSH_SECS seconds (10), taking turns with both notified
# responders subscribed at the stand-in and with none (on, off, off, on).
# Targets: 0 notifications and 0 pushes lost, and the MQTT notification's
# p50 in the rounds with push at most 10% above the rounds without.
# Writes bench/results/push.json.
# shellcheck source=bench/scn-lib.sh
. "$(dirname "$0")/scn-lib.sh"

RATE=${BENCH_PUSH_RATE:-100}
SECS=${BENCH_PUSH_SECS:-10}
ROUNDS=${BENCH_PUSH_ROUNDS:-4}
WPS=$SRC/clients/web/tests/webpush_service.mjs
command -v node >/dev/null 2>&1 || die "node is not installed"
[ -d "$SRC/clients/web/node_modules/web-push-testing" ] ||
	die "web-push-testing is not installed (the build runs npm ci)"

CONF=$TMP/beacon.conf
mkdir -p "$TMP/web"
{
	cat "$SRC/bench/beacon-bench.conf"
	printf 'http = { listen = "127.0.0.1:%s"; root = "%s"; };\n' \
	    "$(free_port)" "$TMP/web"
	echo 'webpush = { subject = "mailto:bench@library.example.org"; };'
} >"$CONF"

node "$WPS" serve --port-file "$TMP/wps.port" --log "$TMP/wps.jsonl" \
    --defer 1 >"$TMP/wps.out" 2>&1 &
WPS_PID=$!
PIDS+=("$WPS_PID")
wait_for 10 test -s "$TMP/wps.port"
: >>"$TMP/wps.jsonl"
start_broker
start_beacond

cpu0=$(awk '{ print $14 + $15 }' "/proc/$BEACOND_PID/stat")
wcpu0=$(awk '{ print $14 + $15 }' "/proc/$WPS_PID/stat")
node "$SRC/bench/push.mjs" --broker "127.0.0.1:$PORT" \
    --service "$(cat "$TMP/wps.port")" --log "$TMP/wps.jsonl" \
    --rate "$RATE" --secs "$SECS" --rounds "$ROUNDS" --json "$TMP/run.json" \
    --pid "$BEACOND_PID" --tck "$(getconf CLK_TCK)" \
    >"$TMP/run.out" 2>&1 || die "push.mjs exited $?: $(tail -n 5 "$TMP/run.out")"
sed "s/^/$NAME: /" "$TMP/run.out" >&2
tck=$(getconf CLK_TCK)
cpu=$((($(awk '{ print $14 + $15 }' "/proc/$BEACOND_PID/stat") - cpu0) * 1000 / tck))
wcpu=$((($(awk '{ print $14 + $15 }' "/proc/$WPS_PID/stat") - wcpu0) * 1000 / tck))
pushed=$(db_int "SELECT count(*) FROM events WHERE kind = 'pushed'")
failed=$(db_int "SELECT count(*) FROM events WHERE kind = 'push_failed'")
# Why pushes failed, if any did: the commonest reasons, with their counts.
db_int "SELECT count(*) || ' ' || detail FROM events
    WHERE kind = 'push_failed' GROUP BY detail ORDER BY 1 DESC LIMIT 5" \
    >"$TMP/failures.txt"
[ ! -s "$TMP/failures.txt" ] || sed "s/^/$NAME: push_failed: /" \
    "$TMP/failures.txt" >&2
stop_beacond

write_result "$(python3 - "$TMP/run.json" "$cpu" "$wcpu" "$pushed" \
    "$failed" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cpu, wcpu, pushed, failed = (int(a) for a in sys.argv[2:6])
on, off, p = d["mqtt_with_push"], d["mqtt_without_push"], d["push"]
ratio = on["latency_ms"]["p50"] / off["latency_ms"]["p50"]
bc = d["beacond_cpu_ms"]
per_push = (bc["with_push"] - bc["without_push"]) / max(p["received"], 1)
ok = (on["lost"] == 0 and off["lost"] == 0 and p["lost"] == 0 and
      p["unexpected"] == 0 and p["refused"] == 0 and failed == 0 and
      ratio <= 1.10)
print(json.dumps({
  "scenario": "push",
  "target": "0 lost (notifications and pushes); MQTT p50 with push <= 1.10x without",
  "measured": "%d/%d pushes received, p50 %.2f ms, p99 %.2f ms; MQTT p50 %.2f ms with push, %.2f ms without (%.2fx), p99 %.2f / %.2f ms; %d + %d reports, %d + %d lost; timeline: %d pushed, %d push_failed; beacond CPU %d ms in the rounds with push, %d ms without (%.2f ms a push); push service %d ms" % (
      p["received"], p["expected"], p["latency_ms"]["p50"], p["latency_ms"]["p99"],
      on["latency_ms"]["p50"], off["latency_ms"]["p50"], ratio,
      on["latency_ms"]["p99"], off["latency_ms"]["p99"], on["sent"], off["sent"],
      on["lost"], off["lost"], pushed, failed, bc["with_push"],
      bc["without_push"], per_push, wcpu),
  "ok": ok,
  "p50_ratio": round(ratio, 3),
  "timeline": {"pushed": pushed, "push_failed": failed},
  "cpu_ms": {"beacond": cpu, "push_service": wcpu},
  "beacond_cpu_ms_per_push": round(per_push, 3),
  **d,
}, indent=1))
PY
)"
