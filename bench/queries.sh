#!/usr/bin/env bash
# Scenario 6, queries on the database of 100,000 incidents and 1,000,000
# timeline rows (bench/scn-lib.sh gen_db): the query's own time, that is
# the median wall time of the command less that of `beacon --version` (the
# process's start-up, which the target does not count), for
#   beacon timeline ID --db                     target <= 5 ms
#   beacon incidents --since M --until M+1 --db  one month, target <= 50 ms
#   the same for one responder (--responder r-1)  target <= 50 ms
#   beacon report-html --since Y --until now     a year, target <= 2 s
# with hyperfine when installed, else a loop timed with date +%s%N.
# BENCH_QUERY_RUNS (default 20) runs each. Writes bench/results/queries.json.
# BENCH_INDEX="CREATE INDEX ..." adds an index to the database first (what
# an index is worth: docs/benchmarks.md), and writes queries-index.json.
# shellcheck source=bench/scn-lib.sh
. "$(dirname "$0")/scn-lib.sh"

CONF=$SRC/bench/timers.conf
RUNS=${BENCH_QUERY_RUNS:-20}

start_broker
gen_db
rows=$(db_int "SELECT count(*) FROM events")
if [ -n "${BENCH_INDEX:-}" ]; then
	sqlite3 "$DB" "$BENCH_INDEX"
	NAME=queries-index
	say "with: $BENCH_INDEX"
fi
kill -TERM "$MOSQ_PID" # beacond is stopped; the CLI reads the file
ID=50000
month=$(date -u -d '6 months ago' +%Y-%m-01)
month_end=$(date -u -d "$month + 1 month" +%Y-%m-%d)
year=$(date -u -d '365 days ago' +%Y-%m-%d)
until=$(date -u -d 'tomorrow' +%Y-%m-%d)
month_n=$("$BEACON" incidents --since "$month" --until "$month_end" --db "$DB" | wc -l)
timeline_n=$("$BEACON" timeline "$ID" --db "$DB" | wc -l)

declare -A CMDS=(
	[startup]="$BEACON --version"
	[timeline]="$BEACON timeline $ID --db $DB"
	[incidents_month]="$BEACON incidents --since $month --until $month_end --db $DB"
	[responder_month]="$BEACON incidents --responder r-1 --since $month --until $month_end --db $DB"
	[report_html_year]="$BEACON report-html --since $year --until $until --db $DB --config $CONF --out $TMP/report.html"
)
declare -A TARGET=([timeline]=5 [incidents_month]=50 [responder_month]=50
	[report_html_year]=2000)

# median_ms NAME: the median of RUNS runs, in ms (after one warm-up run).
median_ms() {
	local cmd=${CMDS[$1]} i t0 t1
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$TMP/$1.hf.json" \
		    --output null "$cmd" >/dev/null 2>&1
		python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["results"][0]["median"]*1000, 2))' "$TMP/$1.hf.json"
		return
	fi
	$cmd >/dev/null
	for ((i = 0; i < RUNS; i++)); do
		t0=$(date +%s%N)
		$cmd >/dev/null
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
	done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f\n", v[int((NR + 1) / 2)] / 1000 }'
}

# shown CMD: CMD as the result file records it, without this machine's
# paths: beacon, the configuration and the database by their names.
shown() {
	local c=${1//$TMP/\$TMP}
	c=${c//$BEACON/beacon}
	echo "${c//$SRC\//}"
}

res=()
start=$(median_ms startup)
say "start-up (beacon --version): median $start ms"
for q in timeline incidents_month responder_month report_html_year; do
	m=$(median_ms "$q")
	own=$(python3 -c 'import sys; print(round(max(0.0, float(sys.argv[1]) - float(sys.argv[2])), 2))' "$m" "$start")
	say "$q: median $m ms, the query's own $own ms (target ${TARGET[$q]} ms)"
	res+=("\"$q\": {\"median_ms\": $m, \"own_ms\": $own, \"target_ms\": ${TARGET[$q]}, \"command\": \"$(shown "${CMDS[$q]}")\"}")
done
tool=loop
command -v hyperfine >/dev/null 2>&1 && tool=hyperfine
html_kib=$(( $(stat -c %s "$TMP/report.html") / 1024 ))
json=$(IFS=,; echo "{${res[*]}}")

write_result "$(python3 - "$json" "$rows" "$RUNS" "$tool" "$month_n" "$timeline_n" "$html_kib" "$start" <<'PY'
import json, sys
q = json.loads(sys.argv[1])
rows, runs, tool, month_n, tl_n, html_kib = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
startup = float(sys.argv[8])
ok = all(v["own_ms"] <= v["target_ms"] for v in q.values())
print(json.dumps({
  "scenario": "queries",
  "target": "timeline <= 5 ms, one-month incidents (all, and one responder's) <= 50 ms, one-year report-html <= 2 s",
  "measured": ", ".join("%s %.1f ms" % (k, v["own_ms"]) for k, v in q.items()),
  "startup_ms": startup,
  "ok": ok,
  "queries": q,
  "timeline_rows": rows,
  "runs": runs,
  "tool": tool,
  "incidents_month_lines": month_n,
  "timeline_lines": tl_n,
  "report_html_kib": html_kib,
  "detail": "the query's own time: the median wall time of the CLI process (start, open, query, print to /dev/null) less the median of beacon --version (start-up), over %d runs each after a warm-up, %s; database of 100,000 incidents over 365 days, 10 timeline rows each, warm page cache" % (runs, tool),
}, indent=1))
PY
)"
