#!/usr/bin/env bash
# The console (issue "A supervisor's console in the browser",
# docs/benchmarks.md): how long console.html takes, in headless Chromium on
# loopback, from navigation to its board drawn (body data-ready="1"), with
# BENCH_CONSOLE_OPEN open incidents (default 500) and BENCH_CONSOLE_CLOSED
# closed in the last month (10,000), each with its timeline, in the
# database of beacond (conf/beacon.conf, its http listener serving
# build/web). BENCH_CONSOLE_RUNS loads (10), each in a fresh browser
# context (nothing cached), then again in it (cached). Target: every first
# visit under 1 s. Also times the
# board request alone (mosquitto_rr). Writes bench/results/console.json.
# shellcheck source=bench/scn-lib.sh
. "$(dirname "$0")/scn-lib.sh"

OPEN=${BENCH_CONSOLE_OPEN:-500}
CLOSED=${BENCH_CONSOLE_CLOSED:-10000}
RUNS=${BENCH_CONSOLE_RUNS:-10}
WEB=$BUILD/web
command -v node >/dev/null 2>&1 || die "node is not installed"
[ -s "$WEB/console.html" ] || die "$WEB/console.html is missing: build first"
[ -d "$SRC/clients/web/node_modules/playwright-core" ] ||
	die "playwright-core is not installed (the build runs npm ci)"

HTTP_PORT=$(free_port)
CONF=$TMP/beacon.conf
{
	cat "$SRC/conf/beacon.conf"
	printf 'http = { listen = "127.0.0.1:%s"; root = "%s"; };\n' \
	    "$HTTP_PORT" "$WEB"
} >"$CONF"

# seed: the open incidents, routed within the last two hours, their next
# step an hour away (nothing fires while the page loads); the closed ones
# spread over the last 30 days, resolved, the newest 200 with a debrief
# still due.
seed() {
	local now
	now=$(now_ms)
	sqlite3 "$DB" <<EOSQL
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE cat (k INTEGER PRIMARY KEY, type TEXT, policy TEXT, sev INTEGER);
INSERT INTO cat VALUES (0, 'overdose', 'overdose', 1), (1, 'medical', 'care_first', 2),
    (2, 'child_safety', 'child_safety', 2), (3, 'welfare', 'welfare', 3);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $CLOSED + $OPEN)
INSERT INTO incidents (id, branch, report_id, type, severity, location, note,
    silent, drill, policy, state, call_911, notified, created, updated, step,
    step_at, due_at, due_step, acked_by, nsteps)
SELECT i, CASE i % 2 WHEN 0 THEN 'central' ELSE 'riverside' END, 'seed-' || i,
    cat.type, cat.sev, 'floor ' || (i % 5), 'seeded for the benchmark', 0,
    (i % 50 = 0), cat.policy,
    CASE WHEN i > $CLOSED THEN 'routed' ELSE 'resolved' END,
    (cat.sev = 1), 2, c, c + 600000, 0, c,
    CASE WHEN i > $CLOSED THEN $now + 3600000 + i ELSE -1 END,
    CASE WHEN i > $CLOSED THEN 1 ELSE 0 END,
    CASE WHEN i > $CLOSED THEN '' ELSE 'crisis-1' END, 2
FROM (SELECT i, CASE WHEN i > $CLOSED
      THEN $now - 7200000 + (i - $CLOSED) * (7200000 / ($OPEN + 1))
      ELSE $now - 30 * 86400000 + i * ((30 * 86400000 - 86400000) / $CLOSED) END AS c
    FROM n) JOIN cat ON cat.k = i % 4;
WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 7)
INSERT INTO events (incident, ts, kind, actor, step, detail)
SELECT i.id, i.created + k.j * 20000,
    CASE k.j WHEN 0 THEN 'reported' WHEN 1 THEN 'notified' WHEN 2 THEN 'notified'
      WHEN 3 THEN 'pushed' WHEN 4 THEN 'ack' WHEN 5 THEN 'arrived'
      WHEN 6 THEN 'resolve' ELSE 'debrief_due' END,
    CASE k.j WHEN 0 THEN 'desk-1' WHEN 2 THEN 'security-1' WHEN 7 THEN '' ELSE 'crisis-1' END,
    CASE WHEN k.j BETWEEN 1 AND 3 THEN 0 ELSE -1 END,
    'seeded event ' || k.j
FROM incidents i, k WHERE i.state = 'resolved' OR k.j < 3 ORDER BY i.id, k.j;
INSERT INTO debrief_due (incident, opened, due_at, next_at, stage)
SELECT id, updated, updated + 259200000, -1, 0 FROM incidents
WHERE state = 'resolved' AND id > $CLOSED - 200;
COMMIT;
EOSQL
}

BROKER_WS=1 start_broker
start_beacond
stop_beacond
seed
events=$(db_int "SELECT count(*) FROM events")
start_beacond

# The board request alone, as the page makes it, timed from the shell.
board_ms() {
	local t0 t1
	t0=$(now_ms)
	mosquitto_rr -V 5 -h 127.0.0.1 -p "$PORT" -t beacon/query/supervisor-1 \
	    -e "beacon/reply/supervisor-1/bench-$1" -m '{"method": "board"}' \
	    -W 10 >"$TMP/board.json"
	t1=$(now_ms)
	echo $((t1 - t0))
}
board=()
for ((r = 0; r < 5; r++)); do board+=("$(board_ms "$r")"); done
nboard=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["incidents"]))' "$TMP/board.json")
((nboard == OPEN)) || die "the board has $nboard incidents, not $OPEN"
bytes=$(wc -c <"$TMP/board.json")
say "the board request: ${board[*]} ms, $bytes bytes, $nboard incidents"

node "$SRC/bench/console.mjs" \
    --url "http://127.0.0.1:$HTTP_PORT/console.html?as=supervisor-1&broker=ws://127.0.0.1:$WS_PORT/mqtt" \
    --runs "$RUNS" --expect "$OPEN" --json "$TMP/run.json" >"$TMP/run.out" 2>&1 ||
	die "console.mjs exited $?: $(tail -n 5 "$TMP/run.out")"
sed "s/^/$NAME: /" "$TMP/run.out" >&2
stop_beacond

write_result "$(python3 - "$TMP/run.json" "$OPEN" "$CLOSED" "$events" \
    "$bytes" "${board[*]}" <<'PY'
import json, statistics, sys
d = json.load(open(sys.argv[1]))
nopen, nclosed, events, size = (int(a) for a in sys.argv[2:6])
board = sorted(int(x) for x in sys.argv[6].split())
loads, again, rows = d["loads_ms"], d["again_ms"], d["all_rows_ms"]
ok = max(loads) < 1000
print(json.dumps({
  "scenario": "console",
  "target": "console.html drawn in under 1 s with %d open and %d closed incidents" % (nopen, nclosed),
  "measured": "board drawn in %.0f ms median, %.0f ms slowest of %d first visits (a fresh context each), %.0f ms median again (cached); all rows by %.0f ms median; the board request alone %d ms median (%d bytes, %d incidents); %d timeline rows in the database" % (
      statistics.median(loads), max(loads), len(loads), statistics.median(again),
      statistics.median(rows), board[len(board) // 2], size, nopen, events),
  "ok": ok,
  "loads_ms": loads,
  "again_ms": again,
  "all_rows_ms": rows,
  "board_request_ms": board,
  "board_bytes": size,
  "open": nopen, "closed": nclosed, "events": events,
}, indent=1))
PY
)"
