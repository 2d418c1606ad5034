#!/usr/bin/env bash
# beacon incidents says how each incident turned out: a report cancelled
# before anyone was notified, a false alarm, a drill, a device test, or a
# real incident. The table marks them, --json and CSV carry the outcome,
# and --outcome filters by it, from the database and through beacond
# alike; an unknown outcome is an error. All on the test clock.
. "$(dirname "$0")/lib.sh"

TEST_CLOCK=1
write_conf
sed -i 's/^  cancel_window = 0;/  cancel_window = 5;/' "$CONF"
grep -q 'cancel_window = 5;' "$CONF" || fail "test configuration not set"
start_broker
start_beacond
sub_notify
sub_status
B=(--broker "127.0.0.1:$PORT")
R=(--remote --as supervisor-1 "${B[@]}")

status_of() {	# status_of BRANCH REPORT [JQ]
	has status "$PREFIX/status/$1/$2" "${3:-true}"
}

# 1: cancelled inside the cancel window, nobody notified.
pub "$PREFIX/report/central" '{"id": "oc-1", "type": "welfare", "device": "desk-1"}'
wait_for 5 status_of central oc-1 '.incident == 1 and has("cancel_until")'
cli c1 cancel --branch central --id oc-1 --device desk-1 "${B[@]}"
expect_rc 0 cancel
# 2: cancelled after the window: a false alarm.
pub "$PREFIX/report/central" '{"id": "oc-2", "type": "welfare", "device": "desk-1"}'
wait_for 5 status_of central oc-2 '.incident == 2'
clock_move 5100
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 2'
cli c2 cancel --branch central --id oc-2 "${B[@]}"
expect_rc 0 cancel
expect_line c2 'false alarm'
# 3: a drill, resolved.
pub "$PREFIX/report/central" '{"id": "oc-3", "type": "overdose", "drill": true}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 3'
cli r3 resolve 3 --as crisis-1 "${B[@]}"
expect_rc 0 resolve
# 4: a real incident, resolved as any is.
pub "$PREFIX/report/central" '{"id": "oc-4", "type": "overdose"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 4'
cli r4 resolve 4 --as crisis-1 "${B[@]}"
expect_rc 0 resolve
# 5: a report from a branch paused for device testing.
until=$(date -u -d "$CLOCK_NOW + 1 hour" +%Y-%m-%dT%H:%M:%SZ)
cli bp branch pause eastside --until "$until" --as supervisor-1 "${B[@]}"
expect_rc 0 "branch pause"
pub "$PREFIX/report/eastside" '{"id": "oc-5", "type": "weapon"}'
wait_for 5 status_of eastside oc-5 '.incident == 5'

want='1 cancelled,2 false_alarm,3 drill,4 real,5 test'

# Every way of listing says the same, from the database and from beacond.
for src in db remote; do
	if [[ $src == db ]]; then S=(--db "$DB"); else S=("${R[@]}"); fi
	cli "json-$src" incidents --json "${S[@]}"
	expect_rc 0 "incidents --json ($src)"
	expect_eq "$(jq -r 'map("\(.incident) \(.outcome)") | join(",")' \
	    "$TMP/json-$src.out")" "$want" "outcomes ($src)"
	# All five are closed: the state alone does not tell them apart.
	expect_eq "$(jq -r 'map(select(.state == "resolved")) | length' \
	    "$TMP/json-$src.out")" 5 "resolved incidents ($src)"

	cli "table-$src" incidents "${S[@]}"
	expect_rc 0 "incidents ($src)"
	expect_line "table-$src" '^ID +BRANCH +TYPE +SEV +STATE +OUTCOME +CREATED'
	expect_line "table-$src" '^1 +central +welfare +[0-9] +resolved +cancelled '
	expect_line "table-$src" '^2 +central +welfare +[0-9] +resolved +false alarm '
	expect_line "table-$src" '^3 +central +overdose DRILL +1 +resolved +drill '
	expect_line "table-$src" '^5 +eastside +weapon +1 +resolved +test '
	grep -Eq '^4 +central +overdose +1 +resolved +- +[0-9]{4}-' \
	    "$TMP/table-$src.out" ||
		fail "a real incident is marked ($src): $(cat "$TMP/table-$src.out")"

	cli "csv-$src" incidents --format csv "${S[@]}"
	expect_rc 0 "incidents --format csv ($src)"
	expect_eq "$(head -n 1 "$TMP/csv-$src.out" | tr -d '\r' |
	    awk -F, '{ print $NF }')" outcome "the CSV's last column ($src)"
	expect_eq "$(tail -n +2 "$TMP/csv-$src.out" | tr -d '\r' |
	    awk -F, '{ printf "%s%s", sep, $NF; sep = "," }')" \
	    "cancelled,false_alarm,drill,real,test" "CSV outcomes ($src)"

	for o in real cancelled false_alarm drill test; do
		cli "f-$o-$src" incidents --outcome "$o" --json "${S[@]}"
		expect_rc 0 "incidents --outcome $o ($src)"
		expect_eq "$(jq -r 'map("\(.incident) \(.outcome)") |
		    join(",")' "$TMP/f-$o-$src.out")" \
		    "$(tr , '\n' <<<"$want" | grep " $o\$")" \
		    "--outcome $o ($src)"
	done
	cli "none-$src" incidents --outcome false_alarm --branch eastside \
	    "${S[@]}"
	expect_rc 0 "incidents --outcome false_alarm --branch eastside"
	expect_line "none-$src" '^no incidents match$'

	cli "bad-$src" incidents --outcome false-alarm "${S[@]}"
	expect_rc 1 "incidents --outcome false-alarm ($src)"
	grep -q -- '--outcome: "false-alarm" is not valid: use real, cancelled, false_alarm, drill or test' \
	    "$TMP/bad-$src.err" || fail "unknown outcome: $(cat "$TMP/bad-$src.err")"
done

# beacond itself filters (a client that does not filter gets only those).
query qf supervisor-1 '{"method": "incidents", "outcome": "false_alarm"}'
expect_eq "$(answer qf '[.ok, (.incidents | map(.incident))] | tostring')" \
    '[true,[2]]' "beacond's answer to outcome false_alarm"
query qb supervisor-1 '{"method": "incidents", "outcome": "bogus"}'
expect_eq "$(answer qb '.ok')" false "an unknown outcome asked of beacond"
answer qb '.error' | grep -q 'outcome: must be real, cancelled, false_alarm' ||
	fail "beacond's reason: $(answer qb '.error')"
# The incident topic is unchanged: the outcome is the listings'.
jq -e 'has("outcome") | not' <(payloads status "$PREFIX/incident/2" |
    tail -n 1) >/dev/null || fail "the incident topic carries an outcome"
