#!/usr/bin/env bash
# beacon backup: a responder asks for a role (every responder of it on the
# branch is notified at once) or for the next step; the timeline and the
# reporter are told; a role that does not exist or no further step is a
# clear refusal.
. "$(dirname "$0")/lib.sh"

start_broker
start_beacond
sub_notify
sub_status

pub "$PREFIX/report/central" '{"id": "bk-1", "type": "mental_health"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1'
cli ack ack 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack

cli bk backup 1 --as crisis-1 --role security --note "needs a second person" \
    --broker "127.0.0.1:$PORT"
expect_rc 0 bk
expect_line bk '^incident 1: backup requested by crisis-1$'
wait_for 5 has notify "$PREFIX/notify/security-1" '.kind == "incident" and
    .incident == 1 and .role == "security" and .backup.by == "crisis-1" and
    .backup.note == "needs a second person"'
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/security-2")" 0 \
    "backup to security of another branch"
has status "$PREFIX/status/central/bk-1" '.notified == 2 and .message ==
    "backup requested by crisis-1 (crisis worker): 1 more responder notified"' ||
	fail "the reporter's status does not say backup was called"
timeline_json 1 | jq -e '.events[-1] | .kind == "backup" and
    .actor == "crisis-1" and (.detail | startswith("role security: 1 responder notified"))' \
    >/dev/null || fail "the backup is not on the timeline"
# The responder called as backup may act on the incident.
cli ack2 ack 1 --as security-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack2

# No role named: the next step, at once (not after its 60 s).
pub "$PREFIX/report/central" '{"id": "bk-2", "type": "mental_health"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 2'
cli ack3 ack 2 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack3
cli bk2 backup 2 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 bk2
wait_for 5 has notify "$PREFIX/notify/security-1" '.incident == 2 and .step == 1'

# Refusals: no further step, an unknown role, someone never notified.
cli bk3 backup 2 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 2 bk3
grep -q 'no further step' "$TMP/bk3.err" || fail "bk3: $(cat "$TMP/bk3.err")"
cli bk4 backup 2 --as crisis-1 --role janitor --broker "127.0.0.1:$PORT"
expect_rc 2 bk4
grep -q 'role: unknown role "janitor"' "$TMP/bk4.err" ||
	fail "bk4: $(cat "$TMP/bk4.err")"
cli bk5 backup 2 --as manager-1 --role security --broker "127.0.0.1:$PORT"
expect_rc 2 bk5
alive "$BEACOND_PID" || fail "beacond exited"
stop_beacond
