#!/usr/bin/env bash
# Scenario 5, restart: a database of 100,000 incidents and 1,000,000
# timeline rows (bench/scn-lib.sh gen_db), 10,000 of them open with step 2
# due 2 to 4 s after beacond starts. Measures the time from beacond's exec
# to the retained beacon/daemon/status "online" (ts >= the start) as
# mosquitto_sub receives it; target <= 1 s. Then checks that every due step
# fires: 10,000 step-2 notifications on beacon/notify/r-2 and 10,000 new
# "escalated" timeline rows. BENCH_RESTART_RUNS (default 3) cold starts are
# timed (each on a fresh copy of the database; the page cache stays warm).
# Writes bench/results/restart.json.
# shellcheck source=bench/scn-lib.sh
. "$(dirname "$0")/scn-lib.sh"

CONF=$SRC/bench/timers.conf
OPEN=10000
RUNS=${BENCH_RESTART_RUNS:-3}

start_broker
t=$(now_ms)
gen_db "$OPEN"
gen_ms=$(($(now_ms) - t))
rows=$(db_int "SELECT count(*) FROM events")
say "generated $rows timeline rows in $gen_ms ms"
cp "$DB" "$TMP/pristine.db"
escalated0=$(db_int "SELECT count(*) FROM events WHERE kind = 'escalated'")

# Status messages with mosquitto_sub's receive time.
sub_file "$TMP/status.log" beacon/daemon/_probe beacon/daemon/status beacon/daemon/_probe

online_after() {
	grep ' beacon/daemon/status ' "$TMP/status.log" | python3 -c '
import json, sys
since = sys.argv[1]
for line in sys.stdin:
    ns, topic, payload = line.rstrip("\n").split(" ", 2)
    p = json.loads(payload)
    if p.get("state") == "online" and p.get("ts", "") >= since:
        print(ns, p["ts"]); sys.exit(0)
sys.exit(1)' "$1"
}

times=()
for run in $(seq 1 "$RUNS"); do
	cp "$TMP/pristine.db" "$DB"
	rm -f "$DB-wal" "$DB-shm"
	final=$((run == RUNS))
	if ((final)); then
		: >"$TMP/notify.log"
		sub_file "$TMP/notify.log" beacon/notify/r-2 beacon/notify/r-2
	fi
	arm_due $(($(now_ms) + 2000)) 2000
	since=$(now_rfc3339)
	t0=${EPOCHREALTIME/./}
	spawn_beacond
	wait_for 20 online_after "$since"
	read -r ns ts < <(online_after "$since")
	ms=$(python3 -c 'import sys; print(round((float(sys.argv[1]) * 1e6 - int(sys.argv[2])) / 1000, 1))' "$ns" "$t0")
	say "run $run: online after $ms ms"
	times+=("$ms")
	rss=$(rss_kib "$BEACOND_PID")
	if ((final)); then
		steps() { (($(grep -c '"step": *1' "$TMP/notify.log" || true) >= OPEN)); }
		tf=$(now_ms)
		wait_for 120 steps
		all_ms=$(($(now_ms) - tf))
		notified=$(grep -c '"step": *1' "$TMP/notify.log" || true)
	fi
	stop_beacond
done
escalated=$(($(db_int "SELECT count(*) FROM events WHERE kind = 'escalated'") - escalated0))
late=$(db_int "SELECT count(*) FROM events WHERE kind = 'late'")
pending=$(db_int "SELECT count(*) FROM incidents WHERE due_at >= 0 AND state = 'routed' AND step < 1")
restored=$(grep -o 'event=restored pending=[0-9]*' "$TMP/beacond.log" | tail -1 || true)

write_result "$(python3 - "$rows" "$gen_ms" "$notified" "$escalated" "$late" "$pending" "$OPEN" "$all_ms" "$rss" "$restored" "${times[@]}" <<'PY'
import json, sys
rows, gen_ms, notified, escalated, late, pending, opn, all_ms, rss = map(int, sys.argv[1:10])
restored = sys.argv[10]
times = sorted(float(x) for x in sys.argv[11:])
med = times[len(times) // 2]
ok = times[-1] <= 1000 and notified >= opn and escalated >= opn and pending == 0
print(json.dumps({
  "scenario": "restart",
  "target": "exec to retained beacon/daemon/status online <= 1 s; all 10,000 due steps fire",
  "measured": "median %.0f ms, max %.0f ms to online (%d runs); %d/%d due steps fired" % (med, times[-1], len(times), min(notified, escalated), opn),
  "ok": ok,
  "online_ms": times,
  "online_ms_median": med,
  "timeline_rows": rows,
  "incidents_open": opn,
  "db_generate_ms": gen_ms,
  "step_notifications": notified,
  "escalated_events_new": escalated,
  "late_events": late,
  "still_pending": pending,
  "all_fired_ms_after_online": all_ms,
  "rss_kib_at_online": rss,
  "beacond_log": restored,
  "detail": "database: 100,000 incidents over 365 days, 10 timeline rows each, the newest 10,000 open (routed, step 2 due 2-4 s after the start); time from just before exec to mosquitto_sub's receive time of the new online status; the OS page cache is warm (the database was just written)",
}, indent=1))
PY
)"
