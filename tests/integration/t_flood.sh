#!/usr/bin/env bash
# A flood: one client publishes malformed reports on one branch's report
# topic at 10,000 a second (QoS 1) while valid reports come from 100
# branches, with the shipped limits (30 reports per device and 300
# messages per branch in 10 s). Every valid report is routed, none twice;
# the flood costs a bounded number of database rows and answers (the
# first ones refused one by one, then one record and one answer per
# sender and window, whose count adds up to what was sent); beacond keeps
# serving afterwards. beacond's memory stays flat: its peak (VmHWM) ends
# at most FLOOD_MEM_MIB (16) MiB above what it held before the flood, four
# times the 4 MiB that bench/flood.sh holds it to. The valid reports'
# latency is printed, not asserted: its target (p99 at most twice the p99
# without a flood) is bench/flood.sh's, since this machine may be busy.
. "$(dirname "$0")/lib.sh"

need sqlite3
LOADGEN=$BEACON_BUILD/bench/beacon-loadgen
[ -x "$LOADGEN" ] || fail "$LOADGEN is missing: build first"

RATE=${BEACON_FLOOD_RATE:-10000}
SECS=${BEACON_FLOOD_SECS:-6}
FLOOD_MEM_MIB=16
# Under AddressSanitizer (make check SAN=1) freed memory is held back in a
# quarantine of 256 MiB, which a flood fills: a small one keeps the
# memory check about beacond's own. Without the sanitizer this is unused.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1

# The benchmarks' 100 branches, with the shipped limits put back.
sed 's/^limits:.*/limits: { interval = 10; per_device = 30; per_source = 300; };/' \
    "$BEACON_SRC/bench/beacon-bench.conf" >"$TMP/beacon.conf"
grep -q 'per_device = 30;' "$TMP/beacon.conf" || fail "no limits line to set"
CONF=$TMP/beacon.conf

start_broker
start_beacond
sub_status
rss0=$(awk '/^VmRSS:/ { print $2 }' "/proc/$BEACOND_PID/status")

timeout -k 5 $((SECS + 60)) "$LOADGEN" --port "$PORT" --rate 50 \
    --duration "$SECS" --branches 100 --expect 2 --drain 30 \
    --garbage "$RATE" --garbage-branch b000 --json "$TMP/flood.json" \
    >"$TMP/loadgen.out" 2>&1 || fail "beacon-loadgen exited $?"
cat "$TMP/loadgen.out" >&2
rss1=$(awk '/^VmRSS:/ { print $2 }' "/proc/$BEACOND_PID/status")
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$BEACOND_PID/status")
J=$TMP/flood.json
sent=$(jq .sent "$J")
garbage=$(jq .garbage_sent "$J")
((sent > 0 && garbage > 0)) || fail "nothing was sent"
expect_eq "$(jq .lost "$J")" 0 "valid reports lost during the flood"
expect_eq "$(jq .duplicates "$J")" 0 "valid reports notified twice"
expect_eq "$(jq .received "$J")" "$sent" "valid reports routed"

# The windows close: each sender's record gets its count.
set_aside() { grep -c 'event=set_aside' "$TMP/beacond.log"; }
windows_closed() {
	local n

	n=$(sqlite3 -cmd '.timeout 5000' "$DB" \
	    "SELECT total(count) FROM rejects")
	[ "${n%.*}" = "$garbage" ]
}
wait_for 25 windows_closed

rows=$(sqlite3 -cmd '.timeout 5000' "$DB" "SELECT count(*) FROM rejects")
limited=$(sqlite3 -cmd '.timeout 5000' "$DB" \
    "SELECT count(*) FROM rejects WHERE count > 1")
windows=$(((SECS + 9) / 10 + 1))
# Per window: up to 300 refused one by one (the branch's limit), and a
# record for each of the few senders that went over (the flood's three
# kinds of garbage name at most two devices and the branch).
((rows <= windows * (300 + 3))) ||
	fail "$rows reject rows for $garbage messages: not bounded by the limits"
((limited >= 1)) || fail "no record stands for the set-aside messages"
errors=$(count status "$PREFIX/error/b000" \
    '.error | startswith("rate limit:")')
((errors >= 1 && errors <= windows * 3)) ||
	fail "$errors rate-limit answers on error/b000"
[ "$(set_aside)" -ge 1 ] || fail "no event=set_aside in the log"

# Still serving, and the flooded branch's other devices too.
pub "$PREFIX/report/b000" \
    '{"id":"after-flood","type":"welfare","device":"desk-1"}'
wait_for 10 has status "$PREFIX/status/b000/after-flood" '.state == "routed"'

say "$sent valid reports during $garbage malformed ones ($(jq .garbage_rps "$J")/s):" \
    "0 lost, 0 duplicates, latency ms p50 $(jq '.latency_ms.p50' "$J")" \
    "p99 $(jq '.latency_ms.p99' "$J") max $(jq '.latency_ms.max' "$J")"
say "the flood cost $rows reject rows ($limited of them standing for" \
    "many) and $errors rate-limit answers; beacond VmRSS ${rss0} KiB" \
    "before, ${rss1} KiB after, peak ${hwm} KiB"
((hwm - rss0 <= FLOOD_MEM_MIB * 1024)) ||
	fail "beacond's memory grew by $(((hwm - rss0) / 1024)) MiB during" \
	    "the flood (peak ${hwm} KiB, ${rss0} KiB before): more than" \
	    "${FLOOD_MEM_MIB} MiB"
stop_beacond
