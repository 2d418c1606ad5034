#!/usr/bin/env bash
# bench/walpages.sh: WAL frames (database pages) per commit, for beacond
# with the shipped routing (shipped_conf in scn-lib.sh) and for the storing
# floor (beacon-relay --store), at 20 reports/s for 10 s each, each on a
# fresh database.
#
# strace, attached once the system has subscribed, records its pwrite64,
# fdatasync/fsync and write calls with the files they act on (-y). A
# commit in WAL mode with synchronous FULL writes its frames to the -wal
# file (a 24-byte frame header, then the page) and ends with one sync of
# the -wal file: the page-sized writes to the -wal file since the previous
# sync of it are that commit's frames. Checkpoints write the database
# file, not the -wal file, and are not counted. A report's commit is one
# after which the system publishes a notification (a write to the broker
# naming /notify/) before it commits again; the other commits (beacond's
# second commit of each report, its timers) are given apart, as is the
# sum of all frames over the reports sent (the load generator's warm-up
# included, a few reports).
#
# Writes bench/results/walpages.json and prints the median and p90 frames
# per report commit of each.
#
#   BUILD=build [TOOLS=build] [RATE=20] [SECS=10] bench/walpages.sh
# shellcheck source=bench/scn-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/scn-lib.sh"

RATE=${RATE:-20}
SECS=${SECS:-10}

command -v strace >/dev/null 2>&1 || die "strace is not installed"
command -v jq >/dev/null 2>&1 || die "jq is not installed"
for f in "$LOADGEN" "$RELAY"; do
	[ -x "$f" ] || die "$f is missing: build first"
done

strace_attached() { grep -q 'attached' "$1"; }

# frames TRACE PAGE_SIZE: one JSON object: the frames of every commit, and
# of the report commits: those after which the system publishes a
# notification (a write naming /notify/) before its next commit.
frames() {
	python3 - "$1" "$2" <<'PY'
import json, re, sys
page = int(sys.argv[2])
call = re.compile(r'^(?:\d+\s+)?(pwrite64|fdatasync|fsync|write)\((\d+)<([^>]*)>'
                  r'(.*)\)\s+=\s+(-?\d+)\s*$')
size = re.compile(r', (\d+), \d+$')
hexbyte = re.compile(r'\\x([0-9a-f]{2})')
def data(rest):
    return bytes(int(h, 16) for h in hexbyte.findall(rest))
# A transaction's frames end with its commit frame: the frame header's
# bytes 4-7 (the database size after the commit) are not zero. A sync of
# the -wal file makes every transaction written since the last one
# durable: a commit with synchronous NORMAL has none of its own.
commits, n, last, ending, unsynced = [], 0, None, False, []
for line in open(sys.argv[1], errors="replace"):
    m = call.match(line)
    if not m:
        continue
    kind, rest = m.group(1), m.group(4)
    path = data(m.group(3)).decode(errors="replace")
    if kind == "write":
        if last is not None and b"/notify/" in data(rest):
            last["report"] = True
        continue
    if not path.endswith("-wal"):
        continue
    if kind == "pwrite64":
        z = size.search(rest)
        w = int(z.group(1)) if z else 0
        if w == 24:
            ending = int.from_bytes(data(rest)[4:8], "big") != 0
        elif w == page:
            n += 1
            if ending:
                last = {"frames": n, "report": False, "synced": 0}
                commits.append(last)
                unsynced.append(last)
                n, ending = 0, False
    elif unsynced:
        total = sum(c["frames"] for c in unsynced)
        for c in unsynced:
            c["synced"] = total
        unsynced = []
def pct(v, p):
    v = sorted(v)
    if not v:
        return None
    i = max(0, min(len(v) - 1, int(p / 100 * len(v) + 0.999999) - 1))
    return v[i]
def figures(v):
    hist = {}
    for f in v:
        hist[f] = hist.get(f, 0) + 1
    return {"commits": len(v), "median": pct(v, 50), "p90": pct(v, 90),
            "max": max(v, default=None),
            "mean": round(sum(v) / len(v), 2) if v else None,
            "histogram": {str(k): hist[k] for k in sorted(hist)}}
out = figures([c["frames"] for c in commits if c["report"]])
out["frames"] = sum(c["frames"] for c in commits)
out["all_commits"] = figures([c["frames"] for c in commits])
# What the sync that made a report durable wrote: its own frames and
# those of the commits without a sync of their own before it.
out["synced"] = figures([c["synced"] for c in commits if c["report"]])
print(json.dumps(out))
PY
}

# measure SYSTEM: the system under strace, its figures in $TMP/SYSTEM.json.
measure() {
	local sys=$1 since pid spid client expect db=$TMP/$1.db page

	since=$(log_lines)
	case $sys in
	store)
		"$RELAY" --broker "127.0.0.1:$PORT" --store "$db" \
		    2>>"$TMP/$sys.log" &
		client=beacon-relay expect=1 ;;
	beacond)
		"$BEACOND" -c "$CONF" --broker "127.0.0.1:$PORT" --db "$db" \
		    2>>"$TMP/beacond.log" &
		client=beacond expect=3 ;;
	esac
	pid=$!
	PIDS+=("$pid")
	wait_for 20 subscribed "$client" beacon/report/+ "$since"
	strace -f -qq -y -xx -s 4096 -e trace=pwrite64,fdatasync,fsync,write \
	    -o "$TMP/$sys.trace" -p "$pid" 2>"$TMP/$sys.strace" &
	spid=$!
	PIDS+=("$spid")
	# -qq hides the "attached" line: wait for the trace file instead.
	wait_for 10 test -e "$TMP/$sys.trace"
	"$LOADGEN" --port "$PORT" --rate "$RATE" --duration "$SECS" \
	    --branch central --type overdose --severity 1 --unique \
	    --expect "$expect" --drain 30 --system "$sys" \
	    --scenario walpages --json "$TMP/$sys.load.json" >/dev/null
	kill -INT "$spid"
	wait "$spid" || true
	kill -TERM "$pid"
	wait_gone "$pid" 10 || die "$sys ignores SIGTERM"
	wait "$pid" || die "$sys exited $? on SIGTERM"
	end_session "$client"
	page=$(sqlite3 "$db" 'PRAGMA page_size')
	frames "$TMP/$sys.trace" "$page" |
	    jq --arg s "$sys" --argjson page "$page" \
	    --slurpfile load "$TMP/$sys.load.json" \
	    '{system: $s, page_size: $page, reports: $load[0].sent,
	      lost: $load[0].lost} + . +
	      {frames_per_report: (.frames / $load[0].sent * 100 | round / 100)}' \
	    >"$TMP/$sys.json"
	jq -r '"\(.system): \(.commits) report commits (\(.all_commits.commits) in all) for \(.reports) reports; frames per report commit median \(.median) p90 \(.p90) max \(.max); synced with it median \(.synced.median) p90 \(.synced.p90); all commits median \(.all_commits.median) p90 \(.all_commits.p90); frames per report \(.frames_per_report)"' \
	    "$TMP/$sys.json"
}

main() {
	BROKER_SUBLOG=1 start_broker
	CONF=$TMP/shipped.conf
	shipped_conf "$CONF"
	measure store
	measure beacond
	jq -s --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	    --argjson rate "$RATE" --argjson secs "$SECS" \
	    '{scenario: "walpages", date: $date, rate: $rate, duration_s: $secs,
	      method: "strace -y -xx: page-sized pwrite64 to the -wal file, a transaction ending at the frame whose header holds a database size; report commits: followed by a write naming /notify/ before the next commit; synced: the frames the sync that made it durable wrote",
	      target: {beacond_median: 4},
	      ok: (.[1].median <= 4), systems: .}' \
	    "$TMP/store.json" "$TMP/beacond.json" >"$RESULTS/$NAME.json"
	say "wrote $RESULTS/$NAME.json"
}

main
