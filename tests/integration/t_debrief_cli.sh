#!/usr/bin/env bash
# beacon debrief: a revision recorded from options, an edit that changes
# one field and keeps the others, a --json round trip, the questions of
# --interactive answered through a pipe, and beacond's refusals.
. "$(dirname "$0")/lib.sh"

start_broker
start_beacond
sub_notify
B=(--broker "127.0.0.1:$PORT")

pub "$PREFIX/report/central" '{"id": "d-1", "type": "welfare"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1'
cli ack ack 1 --as crisis-1 "${B[@]}"
expect_rc 0 ack

# Not resolved yet: beacond refuses, and says why.
cli early debrief 1 --as supervisor-1 --route right "${B[@]}"
expect_rc 2 early
grep -q "still open" "$TMP/early.err" || fail "early: $(cat "$TMP/early.err")"
cli resolve resolve 1 --as crisis-1 "${B[@]}"
expect_rc 0 resolve

# The latest revision, as `debrief --db --json` prints it.
latest() {
	timeout -k 2 30 "$BEACON" debrief 1 --db "$DB" --json
}

# Revision 1 from options.
cli rec1 debrief 1 --as supervisor-1 "${B[@]}" --wellbeing held \
    --held-at 2026-11-23T15:00 --facilitator eap_counsellor \
    --participants 3 --follow-up 2026-11-30 --support employee_assistance \
    --route right --went-well "the crisis worker came in 20 s" \
    --to-improve "radio check" --training "naloxone refresher" \
    --notice trespass --referral housing --referral food:2 \
    --action "restock naloxone; check the cabinet;supervisor-1;2026-12-01" \
    --action "fix the radio;manager-1;2026-12-15;done"
expect_rc 0 rec1
expect_line rec1 '^incident 1: debrief revision 1 recorded$'
latest >"$TMP/rev1.json"
expect_eq "$(jq -c '[.revision, .author, .wellbeing, .review.route,
    .review.notices, .review.referrals]' "$TMP/rev1.json")" \
    '[1,"supervisor-1",{"status":"held","at":"2026-11-23T15:00:00.000Z","facilitator":"eap_counsellor","participants":3,"follow_up":"2026-11-30","support":"employee_assistance"},"right",["trespass"],[{"type":"housing","count":1},{"type":"food","count":2}]]' \
    "revision 1"
expect_eq "$(jq -r '.review.actions | map("\(.what)|\(.owner)|\(.due)|\(.status)")
    | join(",")' "$TMP/rev1.json")" \
    "restock naloxone; check the cabinet|supervisor-1|2026-12-01|open,fix the radio|manager-1|2026-12-15|done" \
    "actions (WHAT may hold semicolons)"

# The text form: both parts.
cli text debrief 1 --db "$DB"
expect_rc 0 text
expect_line text '^Wellbeing debrief$'
expect_line text '^Operational review$'
expect_line text '^  participants +3$'
expect_line text '^  referrals +housing:1 food:2$'

# An edit changes the route and keeps the rest.
cli rec2 debrief 1 --as supervisor-1 "${B[@]}" --route wrong
expect_rc 0 rec2
expect_line rec2 '^incident 1: debrief revision 2 recorded$'
latest >"$TMP/rev2.json"
expect_eq "$(jq -r '.review.route' "$TMP/rev2.json")" wrong "edited route"
strip='del(.revision, .ts, .review.route)'
expect_eq "$(jq -cS "$strip" "$TMP/rev2.json")" \
    "$(jq -cS "$strip" "$TMP/rev1.json")" "fields kept by the edit"
expect_eq "$(timeline_json 1 | jq -r '[.events[] | select(.kind ==
    "debrief") | .detail] | last')" "revision 2: changed review.route" \
    "timeline names the change"

# An action marked done by its WHAT; a referral's count changed.
cli rec3 debrief 1 --as supervisor-1 "${B[@]}" --referral housing:4 \
    --action "restock naloxone; check the cabinet;supervisor-1;2026-12-01;done"
expect_rc 0 rec3
expect_eq "$(latest | jq -c '[.review.referrals[].count,
    [.review.actions[].status]]')" '[4,2,["done","done"]]' "merged lists"

# --json: a whole record from standard input, as printed.
jq '.review.went_well = "a quote \" and, a comma"' "$TMP/rev2.json" \
    >"$TMP/in.json"
cli recj debrief 1 --as supervisor-1 --json "${B[@]}" <"$TMP/in.json"
expect_rc 0 recj
expect_line recj '^incident 1: debrief revision 4 recorded$'
strip='del(.revision, .ts, .author)'
expect_eq "$(latest | jq -cS "$strip")" "$(jq -cS "$strip" "$TMP/in.json")" \
    "--json round trip"

# --interactive through a pipe: Enter keeps, "-" clears, a bad answer is
# asked again. The fields in order: status, when, facilitator,
# participants (a bad answer, then 5), follow-up, support, route, route
# note, went well, to improve, training, notices, referrals; then action
# 1 removed, action 2 kept, one new action, Enter, and the confirmation.
answers=(declined "" "" lots 5 "" "" right "" - "" "" - "housing legal:1"
    - "" "call the outreach team;supervisor-1;2027-01-10" "" yes)
printf '%s\n' "${answers[@]}" >"$TMP/answers"
cli inter debrief 1 --as supervisor-1 --interactive "${B[@]}" \
    <"$TMP/answers"
expect_rc 0 inter
expect_line inter '^incident 1: debrief revision 5 recorded$'
grep -q '"lots": use 0 to 10000' "$TMP/inter.err" ||
	fail "no complaint about a bad answer: $(cat "$TMP/inter.err")"
latest >"$TMP/rev5.json"
expect_eq "$(jq -c '[.wellbeing.status, .wellbeing.participants,
    .wellbeing.facilitator, .review.route, .review.went_well,
    .review.notices, [.review.referrals[] | "\(.type):\(.count)"],
    [.review.actions[].what]]' "$TMP/rev5.json")" \
    '["declined",5,"eap_counsellor","right",null,[],["housing:1","legal:1"],["fix the radio","call the outreach team"]]' \
    "interactive answers"

# The input ends on a bad answer: nothing is recorded.
printf 'maybe\n' >"$TMP/bad-answers"
cli inter2 debrief 1 --as supervisor-1 --interactive "${B[@]}" \
    <"$TMP/bad-answers"
expect_rc 1 inter2
grep -q "nothing recorded" "$TMP/inter2.err" || fail "inter2 recorded"

# beacond refuses what its configuration does not know, and who may not.
cli astro debrief 1 --as supervisor-1 --referral astrology "${B[@]}"
expect_rc 2 astro
grep -q 'unknown referral type "astrology"' "$TMP/astro.err" ||
	fail "astro: $(cat "$TMP/astro.err")"
cli crisis debrief 1 --as crisis-1 --route right "${B[@]}"
expect_rc 2 crisis
grep -q "may not make supervisor requests" "$TMP/crisis.err" ||
	fail "crisis: $(cat "$TMP/crisis.err")"
cli same debrief 1 --as supervisor-1 --route right "${B[@]}"
expect_rc 2 same
grep -q "nothing changed since revision 5" "$TMP/same.err" ||
	fail "same: $(cat "$TMP/same.err")"

# Bad options never reach beacond.
cli badopt debrief 1 --as supervisor-1 --action "no owner" "${B[@]}"
expect_rc 1 badopt
cli nothing debrief 1 --as supervisor-1 "${B[@]}" </dev/null
expect_rc 1 nothing

# Every revision, remotely too.
cli all debrief 1 --remote --as manager-1 --all --json "${B[@]}"
expect_rc 0 all
expect_eq "$(jq -r 'map(.revision) | join(",")' "$TMP/all.out")" \
    "1,2,3,4,5" "every revision"
expect_eq "$(jq -r '.[4].author' "$TMP/all.out")" supervisor-1 "author"
stop_beacond
