#!/usr/bin/env bash
# beacon export: a range of incidents with their timelines and debriefs as
# CSV and JSON Lines. A note holding a comma, a double quote and a newline
# comes back whole from the CSV (read with python3's csv module), and
# --redact blanks the reporter, the device and every note.
. "$(dirname "$0")/lib.sh"

need python3
# The debrief's reminder hours away: it would add events between the count
# of the timelines and the export.
write_conf
conf_debrief_later
start_broker
start_beacond
sub_notify
B=(--broker "127.0.0.1:$PORT")

note='near the stacks, "red coat"
second line'
# A location with a line break alone must be quoted too.
where='stairs
landing'
jq -nc --arg note "$note" --arg where "$where" '{id: "x-1", type: "welfare",
    note: $note, location: $where, reporter: "Jo at the desk",
    device: "desk-3"}' >"$TMP/report.json"
pub_file "$PREFIX/report/central" "$TMP/report.json"
pub "$PREFIX/report/eastside" '{"id": "x-2", "type": "weapon", "reporter": "Sam"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1'
wait_for 5 has notify "$PREFIX/notify/security-2" '.incident == 2'
cli ack ack 1 --as crisis-1 --note "with Jo, by the stairs" "${B[@]}"
expect_rc 0 ack
cli resolve resolve 1 --as crisis-1 --note "went home with a friend" "${B[@]}"
expect_rc 0 resolve
cli rec debrief 1 --as supervisor-1 --wellbeing held --route right \
    --went-well "Jo stayed calm, said \"thanks\"" --referral housing \
    --action "call the shelter, today;supervisor-1;2026-12-01" "${B[@]}"
expect_rc 0 rec

events1=$(timeline_json 1 | jq '.events | length')
events2=$(timeline_json 2 | jq '.events | length')

# CSV, read back with a real CSV parser.
cli csv export --since 2000-01-01 --format csv --db "$DB" --out "$TMP/all.csv"
expect_rc 0 csv
cat >"$TMP/read.py" <<'PY'
import csv, json, sys
with open(sys.argv[1], newline="") as f:
    rows = list(csv.DictReader(f))
out = {
    "records": [r["record"] for r in rows].count("event"),
    "incidents": sorted({r["incident"] for r in rows}),
    "note": {r["note"] for r in rows if r["incident"] == "1"}.pop(),
    "location": {r["location"] for r in rows if r["incident"] == "1"}.pop(),
    "reporter": {r["reporter"] for r in rows if r["incident"] == "1"}.pop(),
    "ack": [r["detail"] for r in rows if r["kind"] == "ack"],
    "debrief": [[r["revision"], r["wellbeing"], r["route"], r["went_well"],
                 r["referrals"]] for r in rows if r["record"] == "debrief"],
    "action": [[r["what"], r["owner"], r["due"], r["status"]]
               for r in rows if r["record"] == "action"],
    "columns": len(rows[0]),
}
print(json.dumps(out))
PY
python3 "$TMP/read.py" "$TMP/all.csv" >"$TMP/csv.json" ||
	fail "python3 cannot read the CSV"
expect_eq "$(jq -r .note "$TMP/csv.json")" "$note" "note through CSV"
expect_eq "$(jq -r .location "$TMP/csv.json")" "$where" \
    "location through CSV"
expect_eq "$(jq -r .records "$TMP/csv.json")" "$((events1 + events2))" \
    "event rows"
expect_eq "$(jq -c '[.incidents, .reporter, .ack, .debrief, .action]' \
    "$TMP/csv.json")" \
    '[["1","2"],"Jo at the desk",["with Jo, by the stairs"],[["1","held","right","Jo stayed calm, said \"thanks\"","housing:1"]],[["call the shelter, today","supervisor-1","2026-12-01","open"]]]' \
    "CSV rows"
head -n 1 "$TMP/all.csv" | grep -q $'\r$' || fail "CSV rows do not end in CRLF"

# JSON Lines: one object per line, "record" saying which.
cli jsonl export --since 2000-01-01 --db "$DB"
expect_rc 0 jsonl
expect_eq "$(jq -sc 'group_by(.record) | map([.[0].record, length])' \
    "$TMP/jsonl.out")" \
    "[[\"debrief\",1],[\"event\",$((events1 + events2))],[\"incident\",2]]" \
    "JSON Lines records"
expect_eq "$(jq -sr '.[0] | [.record, .incident, .note, .reporter,
    .device] | join("|")' "$TMP/jsonl.out")" \
    "incident|1|$note|Jo at the desk|desk-3" "first line"

# Ranges and branches.
cli east export --since "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" \
    --branch eastside --db "$DB"
expect_eq "$(jq -sc '[.[] | select(.record == "incident") | .incident]' \
    "$TMP/east.out")" "[2]" "--branch"
cli old export --since 2000-01-01 --until 2000-01-02 --db "$DB"
expect_rc 0 old
[ ! -s "$TMP/old.out" ] || fail "--until let incidents through"

# --redact: the same rows, with names, devices, notes and free text blank.
cli red export --since 2000-01-01 --redact --db "$DB"
expect_rc 0 red
expect_eq "$(jq -sc '[.[] | select(.record == "incident") |
    [.reporter, .device, .note, .location]] | flatten | unique' "$TMP/red.out")" \
    '[""]' "redacted incidents"
expect_eq "$(jq -sc '[.[] | select(.record == "event" and
    (.kind == "ack" or .kind == "resolve" or .kind == "reported")) |
    [.actor, .detail]]' "$TMP/red.out")" \
    '[["",""],["crisis-1",""],["crisis-1",""],["",""]]' \
    "redacted events"
expect_eq "$(jq -sc '.[] | select(.record == "debrief") |
    [.review.went_well, .review.actions[0].what, .review.referrals[0].type,
    .wellbeing.status]' "$TMP/red.out")" '[null,"","housing","held"]' \
    "redacted debrief"
grep -q "Jo\|Sam\|stacks\|shelter\|desk-3\|landing" "$TMP/red.out" &&
	fail "redacted export still names: $(grep -o 'Jo\|Sam\|stacks\|shelter\|desk-3\|landing' "$TMP/red.out" | sort -u)"
cli redcsv export --since 2000-01-01 --redact --format csv --db "$DB"
grep -q "Jo\|Sam\|stacks\|shelter\|desk-3" "$TMP/redcsv.out" &&
	fail "redacted CSV still names people"
expect_eq "$(python3 -c 'import csv, sys; print(len(list(csv.reader(sys.stdin))))' \
    <"$TMP/redcsv.out")" "$((1 + events1 + events2 + 2))" \
    "redacted CSV: rows"

# Usage errors.
cli nosince export --db "$DB"
expect_rc 1 nosince
cli badtime export --since 2026-02-30 --db "$DB"
expect_rc 1 badtime
grep -q 'is not a time' "$TMP/badtime.err" || fail "badtime"
cli badfmt export --since 2000-01-01 --format xml --db "$DB"
expect_rc 1 badfmt
stop_beacond
