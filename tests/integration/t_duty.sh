#!/usr/bin/env bash
# Who is on duty (the test clock): weekly shifts in the branch's time zone
# (America/Toronto), run-time overrides set and cleared with `beacon
# oncall` and kept across a restart, the after-hours route when the branch
# is closed, and a shift that starts just after the 2026 spring-forward
# change (02:00 EST becomes 03:00 EDT on 2026-03-08).
. "$(dirname "$0")/lib.sh"

cat >"$TMP/beacon.conf" <<'CONF'
beacon: { client_id = "beacond-test"; keepalive = 5; };
roles = (
  { id = "crisis_worker"; label = "crisis worker"; },
  { id = "crisis_line";   label = "mobile crisis line"; },
  { id = "supervisor";    label = "supervisor"; }
);
records: { query_roles = [ "supervisor" ]; };
# Each report here is a new incident routed at once: no cancel window, no
# joining of repeated presses (t_alarms tests those).
alarms: { cancel_window = 0; repeat_window = 0; };
branches = (
  { id = "central"; name = "Central Library"; timezone = "America/Toronto";
    hours = ( { days = [ "daily" ]; from = "09:00"; until = "21:00"; } );
    holidays = [ "2026-12-25" ]; }
);
responders = (
  { id = "crisis-1"; name = "Crisis worker, days"; role = "crisis_worker";
    branches = [ "central" ];
    shifts = ( { days = [ "weekdays" ]; from = "09:00"; until = "17:00"; } ); },
  { id = "crisis-2"; name = "Crisis worker, evenings"; role = "crisis_worker";
    branches = [ "central" ];
    shifts = ( { branch = "central"; days = [ "daily" ]; from = "17:00"; until = "21:00"; } ); },
  { id = "crisis-3"; name = "Crisis worker, Sunday early"; role = "crisis_worker";
    branches = [ "central" ];
    shifts = ( { days = [ "sun" ]; from = "03:00"; until = "09:00"; } ); },
  { id = "mobile-crisis"; name = "Mobile crisis line"; role = "crisis_line"; branches = [ "*" ]; },
  { id = "supervisor-1"; name = "Supervisor on call"; role = "supervisor"; branches = [ "*" ]; }
);
policies = (
  { id = "care";
    steps = ( { after = 0;  roles = [ "crisis_worker" ]; },
              { after = 60; roles = [ "supervisor" ]; } ); },
  { id = "crisis_line";
    steps = ( { after = 0;  roles = [ "crisis_line" ]; },
              { after = 60; roles = [ "supervisor" ]; } ); }
);
categories = (
  { id = "mental_health"; label = "Mental-health crisis"; severity = 2; policy = "care"; },
  { id = "welfare"; label = "Welfare check"; severity = 3; policy = "care";
    after_hours = "crisis_line"; }
);
CONF
CONF=$TMP/beacon.conf

TEST_CLOCK=1
start_broker
start_beacond
sub_notify
sub_status
AS=(--as supervisor-1 --broker "127.0.0.1:$PORT")

# report ID TYPE: a report at central; waits until it is routed.
report() {
	pub "$PREFIX/report/central" "{\"id\": \"$1\", \"type\": \"$2\"}"
	wait_for 5 has status "$PREFIX/status/central/$1" '.state == "routed"'
}
# notified ID RESPONDER: how many notifications of report ID's incident the
# responder got.
notified() {
	local inc

	inc=$(payloads status "$PREFIX/status/central/$1" | jq -s 'last.incident')
	notify_barrier
	count notify "$PREFIX/notify/$2" ".incident == $inc"
}

# Wednesday 2026-03-04 10:00 EST: crisis-1's day shift, not crisis-2's
# evening one.
clock_move "@2026-03-04T15:00:00.000Z"
report d1 mental_health
expect_eq "$(notified d1 crisis-1)" 1 "crisis-1 in shift"
expect_eq "$(notified d1 crisis-2)" 0 "crisis-2 out of shift"
# The timeline says why crisis-2 and crisis-3 were not notified.
inc=$(payloads status "$PREFIX/status/central/d1" | jq -s 'last.incident')
timeline_json "$inc" | jq -e '.events[] | select(.kind == "off_duty") |
    .step == 0 and .detail == "off duty: crisis-2, crisis-3"' >/dev/null ||
	fail "no off_duty event: $(timeline_kinds "$inc")"

cli show oncall --branch central "${AS[@]}" --json
expect_rc 0 "oncall"
jq -e '.branches[0] | .open and .local == "2026-03-04 10:00" and
    (.roles[] | select(.role == "crisis_worker") |
     .on_duty == ["crisis-1"] and .off_duty == ["crisis-2", "crisis-3"])' \
    "$TMP/show.out" >/dev/null || fail "oncall: $(cat "$TMP/show.out")"
cli showtext oncall --branch central "${AS[@]}"
expect_line showtext '^    crisis worker +crisis-1 \(off duty: crisis-2, crisis-3\)$'
expect_line showtext '^    mental_health +policy care: step 1: crisis-1; step 2: supervisor-1$'

# Overrides: crisis-2 on duty from 10:00 (at the branch, by beacond's
# clock) until a date far off, so that it still holds after the restart
# below whatever the real date; crisis-1 off duty from 10:00 to 11:00.
cli set2 oncall set crisis-2 --branch central --from 10:00 \
    --until 2099-01-01T00:00 --note "covering" "${AS[@]}"
expect_rc 0 "oncall set"
expect_line set2 '^crisis-2 is on duty at central from 2026-03-04 10:00 until 2099-01-01 00:00 \(America/Toronto\): covering$'
cli set1 oncall set crisis-1 --branch central --from 10:00 --until 11:00 \
    --off "${AS[@]}"
expect_rc 0 "oncall set --off"
report d2 mental_health
expect_eq "$(notified d2 crisis-2)" 1 "crisis-2 on duty by override"
expect_eq "$(notified d2 crisis-1)" 0 "crisis-1 off duty by override"

# A bad time and an unknown branch are refused by beacond.
cli bad oncall set crisis-1 --branch central --from 25:00 --until 11:00 \
    "${AS[@]}"
expect_rc 2 "oncall set, bad time"
grep -q 'from: "25:00" is not a time' "$TMP/bad.err" ||
	fail "bad time: $(cat "$TMP/bad.err")"
cli who oncall set crisis-1 --branch nowhere --from 10:00 --until 11:00 \
    "${AS[@]}"
expect_rc 2 "oncall set, unknown branch"

# Only accounts of records.query_roles may change who is on duty.
cli nope oncall set crisis-1 --branch central --from 10:00 --until 11:00 \
    --as crisis-2 --broker "127.0.0.1:$PORT"
expect_rc 2 "oncall set by a crisis worker"
grep -q 'crisis-2 may not make supervisor requests' "$TMP/nope.err" ||
	fail "oncall set by a crisis worker: $(cat "$TMP/nope.err")"

cli clear1 oncall clear crisis-1 --branch central "${AS[@]}"
expect_rc 0 "oncall clear"
expect_line clear1 '^1 override of crisis-1 cleared'
report d3 mental_health
expect_eq "$(notified d3 crisis-1)" 1 "crisis-1 back on duty after clear"
cli clear0 oncall clear crisis-1 --branch central "${AS[@]}"
expect_rc 2 "oncall clear with nothing to clear"

# The overrides' own timeline.
cli log oncall log --json "${AS[@]}"
expect_eq "$(jq -r '[.events[] | .kind + ":" + .responder] | join(" ")' \
    "$TMP/log.out")" "set:crisis-2 set:crisis-1 cleared:crisis-1" \
    "on-call timeline"

# Kept across a restart: crisis-2's override still holds.
stop_beacond
start_beacond
clock_move "@2026-03-04T15:30:00.000Z"
report d4 mental_health
expect_eq "$(notified d4 crisis-2)" 1 "crisis-2's override after a restart"
cli clear2 oncall clear crisis-2 "${AS[@]}"
expect_rc 0 "oncall clear after a restart"

# After hours (22:00 EST): a welfare check goes to the mobile crisis line,
# not to a crisis worker; a category without an after-hours route finds no
# crisis worker on duty and goes on to the supervisor at once.
clock_move "@2026-03-05T03:00:00.000Z"
report a1 welfare
expect_eq "$(notified a1 mobile-crisis)" 1 "after-hours route"
expect_eq "$(notified a1 crisis-2)" 0 "crisis-2 after the evening shift"
inc=$(payloads status "$PREFIX/status/central/a1" | jq -s 'last.incident')
timeline_kinds "$inc" | grep -q 'after_hours' ||
	fail "no after_hours event: $(timeline_kinds "$inc")"
report a2 mental_health
has status "$PREFIX/status/central/a2" '.message |
    contains("no one available: crisis worker")' ||
	fail "the reporter was not told no crisis worker is available"
expect_eq "$(notified a2 supervisor-1)" 1 "empty step skipped at once"

# The spring-forward change: crisis-3's shift starts at 03:00 on Sunday.
# 06:59Z is 01:59 EST (before it), 07:01Z is 03:01 EDT (in it); with a
# fixed offset of -5 h it would be 02:01, still before.
clock_move "@2026-03-08T06:59:00.000Z"
report s1 mental_health
expect_eq "$(notified s1 crisis-3)" 0 "crisis-3 before the DST change"
cli dst oncall --branch central --at 2026-03-08T03:01 --json "${AS[@]}"
jq -e '.branches[0].roles[] | select(.role == "crisis_worker") |
    .on_duty == ["crisis-3"]' "$TMP/dst.out" >/dev/null ||
	fail "oncall --at after the change: $(cat "$TMP/dst.out")"
jq -e '.branches[0].local == "2026-03-08 03:01"' "$TMP/dst.out" \
    >/dev/null || fail "local time after the change: $(cat "$TMP/dst.out")"
clock_move "@2026-03-08T07:01:00.000Z"
report s2 mental_health
expect_eq "$(notified s2 crisis-3)" 1 "crisis-3 after the DST change"

# The step skipped as empty shows in beacon oncall (01:59 EST, closed).
cli skip oncall --branch central --at 2026-03-08T01:59 --json "${AS[@]}"
jq -e '.branches[0] | (.open | not) and (.routes[] |
    select(.category == "mental_health") | .steps[0].skipped and
    .steps[0].empty == ["crisis_worker"])' "$TMP/skip.out" >/dev/null ||
	fail "oncall skipped step: $(cat "$TMP/skip.out")"
stop_beacond
