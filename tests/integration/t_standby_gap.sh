#!/usr/bin/env bash
# A standby that misses a change heals itself (docs/deployment.md, "Gaps
# heal themselves"). b stands by for a and has applied a's first reports;
# a is held (SIGSTOP) so that it cannot answer, and two changes that do
# not follow b's last one reach b (as when the broker dropped what came
# between). b logs the gap once, not once per change, and `beacon health`
# says WARNING naming it; once a runs again, b asks it for a fresh copy,
# rebuilds from it, stands by again, and health says OK. b then holds
# what a holds.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/load.sh"
# A lease long enough for a to be held while health is read.
LEASE=10
. "$(dirname "$0")/standby.sh"

start_broker
pair_start
spawn b
wait_for 20 standing_by b
start_reporter --rate 20 --duration 1 --drain 20
wait_for 30 grep -q '^stopped sending' "$TMP/reporter.out"
reporter_drain 20
n=$(incidents a)
wait_for 10 incidents_in b "$n"

# Where b is in a's changes.
read -r term seq < <(sqlite3 -readonly -separator ' ' "$TMP/b.db" \
    "SELECT term, seq FROM replication WHERE instance = 'a'")
schema=$(sqlite3 -readonly "$TMP/b.db" 'PRAGMA user_version')
say "b is at term $term seq $seq of a's changes"

health_is() {
	cli health health --broker "127.0.0.1:$PORT" --timeout 3
	((CLI_RC == $1))
}

kill -STOP "${PID[a]}"
for s in $((seq + 2)) $((seq + 3)); do
	printf 'beacon-replica 1 %s %s %s\nnot a changeset' "$schema" "$term" \
	    "$s" | mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 \
	    -t "$PREFIX/daemon/replica/a" -s
done
wait_for 5 health_is 1
expect_line health "^WARNING: b's copy of a has a gap \\(missed changes of a: term $term seq $((seq + 2)) came after term $term seq $seq\\)"
say "health: $(cat "$TMP/health.out")"
kill -CONT "${PID[a]}"
wait_for 10 grep -q 'event=replica_healed source=a' "$TMP/beacond-b.log"
wait_for 10 standing_by b
wait_for 10 health_is 0
expect_line health 'b standing by for a$'
gaps=$(grep -c 'event=replica_gap' "$TMP/beacond-b.log" || true)
[ "$gaps" = 1 ] || fail "b logged the gap $gaps times, not once"
grep -q 'event=replica_copy_sent to=b' "$TMP/beacond-a.log" ||
	fail "a sent no copy"
# The copy and the changes after it: b holds what a holds.
start_reporter --rate 20 --duration 1 --drain 20
wait_for 30 grep -q '^stopped sending' "$TMP/reporter.out"
reporter_drain 20
n=$(incidents a)
wait_for 10 incidents_in b "$n"
kill -TERM "${PID[b]}" "${PID[a]}"
wait_gone "${PID[b]}" 10 || fail "b ignores SIGTERM"
wait_gone "${PID[a]}" 10 || fail "a ignores SIGTERM"
diff=$(sqlite3 "$TMP/b.db" "ATTACH '$TMP/a.db' AS a;
    SELECT (SELECT count(*) FROM (SELECT id, incident, kind, ts FROM a.events
    EXCEPT SELECT id, incident, kind, ts FROM main.events)) +
    (SELECT count(*) FROM (SELECT id, report_id FROM a.incidents
    EXCEPT SELECT id, report_id FROM main.incidents))")
check_zero "rows of a missing on b" "$diff"
say "b: $(grep -o 'event=replica_\(gap\|healed\|copied\|held_dropped\)[^:]*' \
    "$TMP/beacond-b.log" | tr '\n' ';')"
