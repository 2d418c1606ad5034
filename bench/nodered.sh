#!/usr/bin/env bash
# Node-RED 4 as a peer: the flow a library's IT person would wire up
# instead of beacond (bench/nodered/flows.json: mqtt in, json, a function
# node holding the routing table, mqtt out; no database, no escalation),
# against beacond with the same routing, in interleaved rounds on one
# private broker. Each run: 1,000 reports/s for 20 s (QUICK=1: 3 s) over
# the load generator's branches b000..b099, three notifications per
# report (crisis-1, security-1 or -2, dispatch). Records p50, p99, lost,
# duplicates and the process's peak RSS (VmHWM, read just before it is
# stopped; for Node-RED the node process).
# Targets: beacond's p50 <= 0.5 x Node-RED's, its peak RSS <= 1/8 of
# Node-RED's, 0 lost. Writes bench/results/nodered.json (QUICK=1:
# bench/results/quick/nodered.json).
# Env: ROUNDS (default 3), QUICK=1, RATE (1000), SECS (20; QUICK 3);
# FLOOR=1 adds, last in each round, the record floor (bench/relay.c
# --record: beacond's record and publications for two responders, no
# rules), the least a program could do that keeps beacond's record.
# Node-RED is installed here with `npm ci` into bench/nodered/node_modules
# when it is missing: a benchmark peer, not a dependency of Beacon.
# shellcheck source=bench/scn-lib.sh
. "$(dirname "$0")/scn-lib.sh"

ROUNDS=${ROUNDS:-3}
FLOOR=${FLOOR:-0}
QUICK=${QUICK:-${BENCH_QUICK:-0}}
RATE=${RATE:-1000}
SECS=${SECS:-20}
[ "$QUICK" = 1 ] && SECS=3
BRANCHES=100
EXPECT=3
LOADGEN=$BUILD/bench/beacon-loadgen
NR=$SRC/bench/nodered
CLIENT_ID=beacond-nodered
OUT=$RESULTS
[ "$QUICK" = 1 ] && OUT=$RESULTS/quick
CONF=$TMP/beacon.conf
NR_PID=
WATCH_PID=
PROBES=0

[ -x "$LOADGEN" ] || die "no $LOADGEN: build first"
for t in node npm jq; do
	command -v "$t" >/dev/null 2>&1 || die "$t is not installed"
done
if [ ! -f "$NR/node_modules/node-red/red.js" ]; then
	say "installing Node-RED (npm ci in bench/nodered)"
	npm ci --prefix "$NR" --no-audit --no-fund >&2
fi
mkdir -p "$OUT" "$TMP/runs"

# beacond's configuration: conf/beacon.conf's routing on the load
# generator's branches. b000..b099, the even ones covered as Central is,
# the odd as Riverside; the generator's category ("welfare") routed by
# the overdose policy (three responders at once). No limits, no cancel
# window or joined presses, no role repeats (scenario 1's settings: the
# first notification is what is timed, and Node-RED repeats nothing).
write_conf() {
	python3 - "$SRC/conf/beacon.conf" "$BRANCHES" "$CLIENT_ID" <<'PY'
import re, sys
src, n, cid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = open(src).read()
def sub(pat, rep, flags=re.M | re.S):
    global c
    c, k = re.subn(pat, rep, c, count=1, flags=flags)
    if k != 1:
        sys.exit("conf/beacon.conf changed: no match for " + pat)
def ids(odd):
    return ", ".join('"b%03d"' % i for i in range(n) if i % 2 == odd)
sub(r'^(\s*client_id = )"beacond";', r'\1"%s";' % cid)
sub(r'^limits: \{.*?^\};', "limits: { interval = 10; per_device = 0; per_source = 0; };")
sub(r'^alarms: \{.*?^\};', "alarms: { cancel_window = 0; repeat_window = 0; };")
c, k = re.subn(r'^(\s*\{ id = "[^"]*";.*?) repeat = \d+; \}', r'\1 }', c,
    flags=re.M)
if k < 2:
    sys.exit("conf/beacon.conf changed: the roles' repeats were not found")
sub(r'^branches = \(.*?^\);', "branches = (\n" + ",\n".join(
    '  { id = "b%03d"; name = "Branch %d"; timezone = "UTC"; }' % (i, i)
    for i in range(n)) + "\n);")
c = c.replace('branches = [ "central", "riverside" ]', 'branches = [ "*" ]')
c = c.replace('branches = [ "central" ]', "branches = [ %s ]" % ids(0))
c = c.replace('branches = [ "riverside" ]', "branches = [ %s ]" % ids(1))
sub(r'(\{ id = "welfare";[^}]*policy = )"welfare";', r'\1"overdose";')
print(c, end="")
PY
}

start_nodered() {
	local dir=$TMP/nr-$1

	mkdir -p "$dir"
	printf '{"name":"beacon-bench-nodered-user","private":true}\n' \
	    >"$dir/package.json"
	NODE_RED_USERDIR=$dir BROKER_HOST=127.0.0.1 BROKER_PORT=$PORT \
	    node "$NR/node_modules/node-red/red.js" --settings "$NR/settings.js" \
	    --userDir "$dir" >>"$TMP/nodered.log" 2>&1 &
	NR_PID=$!
	PIDS+=("$NR_PID")
}

# Every notification, "topic payload" a line, while a system is probed;
# stopped before the load.
start_watch() {
	: >"$TMP/watch.out"
	mosquitto_sub -h 127.0.0.1 -p "$PORT" -q 1 -F '%t %p' \
	    -t 'beacon/notify/+' >"$TMP/watch.out" 2>>"$TMP/sub.err" &
	WATCH_PID=$!
	PIDS+=("$WATCH_PID")
	wait_for 5 watch_subscribed
}

stop_watch() {
	kill -TERM "$WATCH_PID"
	wait "$WATCH_PID" 2>/dev/null || true
}

watch_subscribed() {
	mosquitto_pub -h 127.0.0.1 -p "$PORT" -t beacon/notify/_watch \
	    -m probe && grep -q '^beacon/notify/_watch probe$' "$TMP/watch.out"
}

# answers TAG PID: one more probe report; true once a notification names
# a probe of TAG's.
answers() {
	alive "$2" || die "$1 exited"
	if grep -Eq "\"report\": ?\"probe-$1-" "$TMP/watch.out"; then
		return 0
	fi
	PROBES=$((PROBES + 1))
	mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t beacon/report/b000 \
	    -m "{\"id\":\"probe-$1-$PROBES\",\"type\":\"welfare\"}"
	return 1
}

vm_hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

TCK=$(getconf CLK_TCK)
cpu_ms() {
	local f
	read -ra f <"/proc/$1/stat"
	echo $(((f[13] + f[14]) * 1000 / TCK))
}

# run_one ROUND SYSTEM: start it, wait until it answers, load it, read its
# peak RSS, stop it.
run_one() {
	local r=$1 sys=$2 pid cpu0 hwm load0 expect=$EXPECT
	local json=$TMP/runs/$1-$2.json

	start_watch
	if [ "$sys" = nodered ]; then
		start_nodered "$r"
		pid=$NR_PID
	elif [ "$sys" = floor ]; then
		"$BUILD/bench/beacon-relay" --broker "127.0.0.1:$PORT" \
		    --record "$TMP/floor-$r.db" 2>>"$TMP/floor.log" &
		pid=$!
		PIDS+=("$pid")
		expect=2
	else
		DB=$TMP/beacond-$r.db
		start_beacond
		pid=$BEACOND_PID
	fi
	wait_for 60 answers "$sys-$r" "$pid"
	stop_watch
	cpu0=$(cpu_ms "$pid")
	load0=$(cut -d' ' -f1 /proc/loadavg)
	"$LOADGEN" --port "$PORT" --rate "$RATE" --duration "$SECS" \
	    --branches "$BRANCHES" --expect "$expect" --drain 10 \
	    --system "$sys" --scenario "nodered-$r" --json "$TMP/lg.json" \
	    >"$TMP/lg.out"
	alive "$pid" || die "$sys exited during the run"
	hwm=$(vm_hwm "$pid")
	# The machine is shared: its load average (1 min) before and after
	# the run says when something else was running.
	jq --argjson round "$r" --argjson rss "$hwm" \
	    --argjson cpu $(($(cpu_ms "$pid") - cpu0)) \
	    --argjson l0 "$load0" --argjson l1 "$(cut -d' ' -f1 /proc/loadavg)" \
	    '. + {round: $round, rss_kb: $rss, cpu_ms: $cpu, loadavg: [$l0, $l1]}' \
	    "$TMP/lg.json" >"$json"
	kill -TERM "$pid"
	wait_gone "$pid" 10 || die "$sys ignores SIGTERM"
	wait "$pid" || true
	# End a durable session: the next run's reports are not queued for
	# it.
	case $sys in
	beacond) mosquitto_pub -h 127.0.0.1 -p "$PORT" -i "$CLIENT_ID" \
	    -t bench/_end -m x ;;
	floor) mosquitto_pub -h 127.0.0.1 -p "$PORT" -i beacon-relay \
	    -t bench/_end -m x ;;
	esac
	jq -r '"round \(.round) \(.system): p50 \(.latency_ms.p50) ms p99 \(.latency_ms.p99) ms lost \(.lost) dup \(.duplicates) rss \(.rss_kb) kB cpu \(.cpu_ms) ms load \(.loadavg[0])-\(.loadavg[1])"' \
	    "$json" | while read -r line; do say "$line"; done
}

write_conf >"$CONF"
start_broker
say "mosquitto on 127.0.0.1:$PORT; $ROUNDS rounds of $RATE reports/s for ${SECS}s; beacond from $BUILD; Node-RED $(jq -r .version "$NR/node_modules/node-red/package.json") on node $(node --version)"
for ((r = 1; r <= ROUNDS; r++)); do
	order=(nodered beacond)
	((r % 2)) || order=(beacond nodered)
	[ "$FLOOR" = 1 ] && order+=(floor)
	for sys in "${order[@]}"; do
		run_one "$r" "$sys"
	done
done

python3 - "$TMP/runs" "$OUT/nodered.json" "$QUICK" "$RATE" "$SECS" \
    "$(jq -r .version "$NR/node_modules/node-red/package.json")" \
    "$(node --version)" "$(mosquitto -h 2>&1 | head -n 1)" <<'PY'
import glob, json, os, statistics, sys, time
d, out, quick, rate, secs, nrv, nodev, mosq = sys.argv[1:9]
runs = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(d, "*.json")))]
rounds = {}
for x in runs:
    rounds.setdefault(x["round"], {})[x["system"]] = {
        "p50": x["latency_ms"]["p50"], "p99": x["latency_ms"]["p99"],
        "lost": x["lost"], "dup": x["duplicates"], "rss_kb": x["rss_kb"],
        "sent": x["sent"], "cpu_ms": x["cpu_ms"], "loadavg": x["loadavg"]}
def med(sys_, k):
    return statistics.median(rounds[r][sys_][k] for r in rounds)
def tot(sys_, k):
    return sum(rounds[r][sys_][k] for r in rounds)
m = {s: {"p50": med(s, "p50"), "p99": med(s, "p99"),
         "rss_kb": med(s, "rss_kb"), "cpu_ms": med(s, "cpu_ms"),
         "lost": tot(s, "lost"), "dup": tot(s, "dup")}
     for s in ("beacond", "nodered", "floor") if s in rounds[min(rounds)]}
p50r = m["beacond"]["p50"] / m["nodered"]["p50"]
rssr = m["beacond"]["rss_kb"] / m["nodered"]["rss_kb"]
lost0 = m["beacond"]["lost"] == 0 and m["beacond"]["dup"] == 0
res = {
    "scenario": "nodered",
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "quick": quick == "1",
    "load": "%s reports/s for %s s per run over b000..b099, 3 notifications each" % (rate, secs),
    "machine": {"cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), ""),
                "cores": os.cpu_count(), "broker": mosq},
    "node_red": nrv, "node": nodev,
    "rounds": [dict(round=r, **rounds[r]) for r in sorted(rounds)],
    "median": m,
    "p50_ratio": round(p50r, 4),
    "rss_ratio": round(rssr, 4),
    "per_round_p50_ratio": [round(rounds[r]["beacond"]["p50"] / rounds[r]["nodered"]["p50"], 4) for r in sorted(rounds)],
    "targets": {
        "p50_ratio_le_0.5": p50r <= 0.5,
        "rss_ratio_le_0.125": rssr <= 0.125,
        "beacond_0_lost_0_dup": lost0,
    },
    "nodered_lost": m["nodered"]["lost"],
    "note": "targets from the issue; 'floor' (FLOOR=1) is the record floor, two notifications a report; loadavg is the machine's 1-min load average before and after each run (a shared machine)",
    "ok": p50r <= 0.5 and rssr <= 0.125 and lost0,
}
json.dump(res, open(out, "w"), indent=1)
open(out, "a").write("\n")
print("nodered: %s beacond p50 %.2f ms vs Node-RED %.2f ms (%.2fx, target <= 0.5), "
      "peak RSS %.1f MiB vs %.1f MiB (%.3f, target <= 0.125), lost %d/%d, dup %d/%d"
      % ("OK" if res["ok"] else "MISSED", m["beacond"]["p50"], m["nodered"]["p50"], p50r,
         m["beacond"]["rss_kb"] / 1024, m["nodered"]["rss_kb"] / 1024, rssr,
         m["beacond"]["lost"], m["nodered"]["lost"], m["beacond"]["dup"], m["nodered"]["dup"]))
if "floor" in m:
    print("nodered: record floor p50 %.2f ms p99 %.2f ms (Node-RED p50 / floor p50 %.2fx)"
          % (m["floor"]["p50"], m["floor"]["p99"], m["nodered"]["p50"] / m["floor"]["p50"]))
PY
