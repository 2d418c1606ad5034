#!/usr/bin/env bash
# Valgrind under load: beacond (bench/timers.conf) runs under memcheck
# (--leak-check=full, definite leaks counted as errors) while 10,000 "far"
# reports (BENCH_QUICK=1: 1,000; BENCH_VG_COUNT) are published at 200 a
# second (BENCH_VG_RATE), a pace memcheck keeps up with; every one stays
# open with a timer armed. Once the database holds them all, responders
# answer a few (ack, decline and the escalation it causes, arrived,
# resolve, and refused responses), a report is sent again, and a
# supervisor makes three requests over MQTT v5 (timeline, incidents,
# hold). Then SIGTERM, and valgrind's log is read: the ERROR SUMMARY and the
# "definitely lost" bytes. ok means 0 errors and 0 bytes definitely lost.
# Writes bench/results/valgrind.json (and, when not ok, valgrind.log).
# shellcheck source=bench/scn-lib.sh
. "$(dirname "$0")/scn-lib.sh"

command -v valgrind >/dev/null 2>&1 || die "valgrind is not installed"
CONF=$SRC/bench/timers.conf
COUNT=${BENCH_VG_COUNT:-10000}
[ "${BENCH_QUICK:-0}" = 1 ] && COUNT=${BENCH_VG_COUNT:-1000}
RATE=${BENCH_VG_RATE:-200}
VGLOG=$TMP/valgrind.log
R1=beacon/respond/r-1
R2=beacon/respond/r-2

open_count() { db_int "SELECT count(*) FROM incidents WHERE state IN ('received','routed','acknowledged','on_scene')"; }
reached() { (($(open_count) >= $1)); }
events_of() { db_int "SELECT count(*) FROM events WHERE kind = '$1'"; }
at_least() { (($("$1" "$2") >= $3)); }
state_count() { db_int "SELECT count(*) FROM incidents WHERE state = '$1'"; }
replies() { (($(grep -c ' beacon/reply/sup-1/vg {' "$TMP/reply.log" || true) >= $1)); }

# respond TOPIC ACTION FIRST LAST: one payload per incident, in order.
respond() {
	local i
	for ((i = $3; i <= $4; i++)); do
		printf '{"incident": %d, "action": "%s"}\n' "$i" "$2"
	done | mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -l -t "$1"
}

query() {
	mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -V mqttv5 \
	    -D publish response-topic beacon/reply/sup-1/vg \
	    -D publish correlation-data "vg-$1" -t beacon/query/sup-1 -m "$2"
}

start_broker
since=$(now_rfc3339)
valgrind --leak-check=full --error-exitcode=99 \
    --errors-for-leak-kinds=definite --num-callers=40 \
    --log-file="$VGLOG" \
    "$BEACOND" -c "$CONF" --broker "127.0.0.1:$PORT" --db "$DB" \
    2>>"$TMP/beacond.log" &
BEACOND_PID=$!
PIDS+=("$BEACOND_PID")
t=$(now_ms)
wait_for 120 daemon_online "$since"
say "beacond online under valgrind after $(($(now_ms) - t)) ms"

t=$(now_ms)
publish_reports "$COUNT" "$(python3 -c "print($COUNT / $RATE)")" vg far
pub_ms=$(($(now_ms) - t))
wait_for $((COUNT / RATE + 300)) reached "$COUNT"
ingest_ms=$(($(now_ms) - t))
say "$COUNT open after $ingest_ms ms (published in $pub_ms ms)"

# Responses: r-1 was notified (step 1) for every incident.
respond "$R1" ack 1 5
respond "$R1" decline 6 10
respond "$R1" arrived 11 15
respond "$R1" resolve 16 20
respond "$R1" resolve 1 5
wait_for 120 at_least events_of escalated 5
respond "$R2" ack 6 10          # r-2 was notified by the escalation
respond "$R2" ack 30 30         # refused: r-2 was not notified for 30
respond "$R1" ack 99999999 99999999  # refused: no such incident
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "$R1" -m '{"incident": 40, "action": "dance"}'
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "$R1" -m 'not json'
publish_reports 3 0 vg far      # the same reports again
sub_file "$TMP/reply.log" beacon/reply/sup-1/_probe beacon/reply/sup-1/_probe beacon/reply/sup-1/vg
query 1 '{"method": "timeline", "incident": 6}'
query 2 '{"method": "incidents", "open": true, "limit": 50}'
query 3 '{"method": "hold", "incident": 16, "hold": true, "note": "valgrind"}'
wait_for 120 replies 3
wait_for 120 at_least state_count resolved 10
wait_for 120 at_least state_count acknowledged 5
wait_for 120 at_least state_count on_scene 5
rejects=$(db_int "SELECT count(*) FROM rejects")
open_end=$(open_count)
replies_ok=$(grep -c ' beacon/reply/sup-1/vg {"ok": *true' "$TMP/reply.log" || true)
((replies_ok == 3)) || say "warning: $replies_ok of 3 supervisor requests answered ok"
say "responses done: $(state_count resolved) resolved, $rejects refused inputs recorded, $open_end open"

t=$(now_ms)
kill -TERM "$BEACOND_PID"
wait_gone "$BEACOND_PID" 300 || die "beacond under valgrind did not exit within 300 s"
rc=0
wait "$BEACOND_PID" || rc=$?
stop_ms=$(($(now_ms) - t))
say "beacond exited $rc, $stop_ms ms after SIGTERM"

ok=$(python3 - "$VGLOG" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
m = re.findall(r"ERROR SUMMARY: ([\d,]+) errors", t)
d = re.findall(r"definitely lost: ([\d,]+) bytes", t)
print(1 if m and int(m[-1].replace(",", "")) == 0 and
      (not d or int(d[-1].replace(",", "")) == 0) else 0)
PY
)
if ((ok)); then
	rm -f "$RESULTS/valgrind.log"
else
	cp "$VGLOG" "$RESULTS/valgrind.log"
	say "valgrind's log kept in $RESULTS/valgrind.log"
fi

write_result "$(python3 - "$VGLOG" "$rc" "$COUNT" "$RATE" "$ingest_ms" "$stop_ms" "$rejects" "$open_end" "$replies_ok" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
rc, count, rate, ingest, stop, rejects, open_end, replies = map(int, sys.argv[2:10])
num = lambda s: int(s.replace(",", ""))
def last(pat, default=None):
    m = re.findall(pat, t)
    return m[-1] if m else default
errors = num(last(r"ERROR SUMMARY: ([\d,]+) errors", "-1"))
contexts = num(last(r"ERROR SUMMARY: [\d,]+ errors from ([\d,]+) contexts", "0"))
leak = {k: num(last(k + r": ([\d,]+) bytes", "0"))
        for k in ("definitely lost", "indirectly lost", "possibly lost",
                  "still reachable")}
heap = last(r"total heap usage: ([^\n]+)", "")
kinds = sorted(set(re.findall(
    r"^==\d+== ((?:Invalid \w+ of size \d+|Conditional jump[^\n]*|"
    r"Use of uninitialised[^\n]*|Syscall param[^\n]*|Mismatched[^\n]*|"
    r"Source and destination overlap[^\n]*|[^\n]*definitely lost in loss "
    r"record[^\n]*))$", t, re.M)))
ok = errors == 0 and leak["definitely lost"] == 0
print(json.dumps({
  "scenario": "valgrind",
  "target": "memcheck: 0 errors, 0 bytes definitely lost, %d open incidents under load" % count,
  "measured": "%d errors (%d contexts), %d bytes definitely lost, %d indirectly, %d possibly; beacond exit %d" % (
      errors, contexts, leak["definitely lost"], leak["indirectly lost"],
      leak["possibly lost"], rc),
  "ok": ok,
  "errors": errors,
  "error_contexts": contexts,
  "leaks_bytes": leak,
  "heap_usage": heap,
  "error_kinds": kinds[:20],
  "exit_code": rc,
  "reports": count,
  "reports_per_s": rate,
  "ingest_ms": ingest,
  "exit_ms_after_sigterm": stop,
  "refused_inputs": rejects,
  "open_at_end": open_end,
  "query_replies_ok": replies,
  "detail": "valgrind --leak-check=full --error-exitcode=99 --errors-for-leak-kinds=definite, beacond with bench/timers.conf; %d 'far' reports (all stay open, one timer each) with mosquitto_pub -l at %d/s, waited until the database held them all; then r-1 acks, declines (escalating to r-2, who acks), arrives at and resolves 20 incidents, 4 refused responses, 3 repeated reports, 3 supervisor requests (timeline, incidents, hold) over MQTT v5; SIGTERM and the log's ERROR SUMMARY and LEAK SUMMARY" % (count, rate),
}, indent=1))
PY
)"
