#!/usr/bin/env bash
# Retention: closed incidents older than records.retention_days go with
# their events; one on legal hold stays, and so does an open incident.
# The incidents are made old by moving their creation time back in the
# database while beacond is stopped.
. "$(dirname "$0")/lib.sh"
need sqlite3

start_broker
start_beacond
sub_notify

for i in 1 2 3; do
	pub "$PREFIX/report/central" "{\"id\": \"old-$i\", \"type\": \"welfare\"}"
	wait_for 5 has notify "$PREFIX/notify/crisis-1" ".incident == $i"
done
for i in 1 2; do
	cli "resolve$i" resolve "$i" --as crisis-1 --broker "127.0.0.1:$PORT"
	expect_rc 0 "resolve$i"
done
query hold supervisor-1 '{"method": "hold", "incident": 2, "hold": true,
    "note": "records request"}'
expect_eq "$(answer hold '.ok')" true "hold"
stop_beacond

# Created 500 days ago: past the 400 days of the default retention.
sqlite3 "$DB" "UPDATE incidents SET created = created - 500 * 86400000"
start_beacond

query dry supervisor-1 '{"method": "purge", "dry_run": true}'
expect_eq "$(answer dry '"\(.incidents) \(.kept_hold) \(.dry_run)"')" \
    "1 1 1" "dry run counts"
expect_eq "$(answer dry '[.candidates[].incident] | join(",")')" "1" \
    "dry run lists what would go"
expect_eq "$(sqlite3 "$DB" 'SELECT count(*) FROM incidents')" 3 \
    "dry run removed something"
cli dry purge --as supervisor-1 --dry-run --broker "127.0.0.1:$PORT"
expect_rc 0 "purge --dry-run"
expect_line dry '^would purge 1 incidents, '
expect_line dry '^  incident 1: welfare at central, reported [0-9-]+ [0-9:]+, resolved$'
grep -q 'incident [23]:' "$TMP/dry.out" && fail "dry run lists a kept incident"

query purge supervisor-1 '{"method": "purge"}'
expect_eq "$(answer purge '"\(.incidents) \(.kept_hold)"')" "1 1" \
    "purge counts"
expect_eq "$(sqlite3 "$DB" 'SELECT group_concat(id) FROM incidents')" \
    "2,3" "incidents left"
expect_eq "$(sqlite3 "$DB" 'SELECT count(*) FROM events WHERE incident = 1')" \
    0 "events of the purged incident"
expect_eq "$(sqlite3 "$DB" 'SELECT count(*) FROM purges')" 1 "purge record"
query refused crisis-1 '{"method": "purge"}'
expect_eq "$(answer refused '.ok')" false "purge by a crisis worker"
stop_beacond
