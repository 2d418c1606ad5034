#!/usr/bin/env bash
# beacon report --follow tells the reporter in words who was called: its
# first line names the incident ("received: incident 1"), an escalation
# says which role did not answer or declined and which is now called, and
# beacon watch prints the same sentence. The status carries the role
# labels it is made from. All on the test clock.
. "$(dirname "$0")/lib.sh"

TEST_CLOCK=1
write_conf
start_broker
start_beacond
sub_notify
sub_status
B=(--broker "127.0.0.1:$PORT")
HMS='^[0-9]{2}:[0-9]{2}:[0-9]{2}'

"$BEACON" watch --branch central "${B[@]}" >"$TMP/watch.out" \
    2>"$TMP/watch.err" &
PIDS+=($!)

# follow NAME ARGS...: beacon report --follow in the background.
follow() {
	local name=$1

	shift
	"$BEACON" report --branch central --follow "${B[@]}" "$@" \
	    >"$TMP/$name.out" 2>"$TMP/$name.err" &
	FOLLOW=$!
	PIDS+=("$FOLLOW")
}

# ---- nobody answers: the next step -----------------------------------------
follow f1 --type welfare --id fw-1
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1'
clock_move 2100
wait_for 5 has notify "$PREFIX/notify/supervisor-1" '.incident == 1 and
    .step == 1'
wait_for 5 has status "$PREFIX/status/central/fw-1" '.escalation.step == 1
    and .escalation.called == ["supervisor"] and
    .escalation.unanswered == ["crisis worker"] and
    .escalation.declined == [] and .escalation.at == .ts'
wait_for 5 grep -q 'now called' "$TMP/f1.out"
cli r1 resolve 1 --as supervisor-1 "${B[@]}"
expect_rc 0 resolve
wait_gone "$FOLLOW" 10 || fail "report --follow did not end at the resolution"
expect_eq "$(head -n 1 "$TMP/f1.out" | grep -Ec "$HMS received: incident 1\$")" \
    1 "the first line: $(head -n 1 "$TMP/f1.out")"
expect_line f1 "$HMS the crisis worker did not answer: the supervisor is now called\$"
grep -q 'escalated to step' "$TMP/f1.out" &&
	fail "still a step number without names: $(cat "$TMP/f1.out")"
# After the escalation the status still says who was called (a page that
# opens late reads the same), but only its own line says it in words.
expect_line f1 "$HMS resolved by supervisor-1 \(supervisor\)\$"

# ---- declined: the next step at once -----------------------------------------
follow f2 --type mental_health --id fw-2
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 2'
cli d2 decline 2 --as crisis-1 "${B[@]}"
expect_rc 0 decline
wait_for 5 has notify "$PREFIX/notify/security-1" '.incident == 2 and
    .step == 1'
wait_for 5 grep -q 'now called' "$TMP/f2.out"
cli r2 resolve 2 --as security-1 "${B[@]}"
expect_rc 0 resolve
wait_gone "$FOLLOW" 10 || fail "report --follow did not end at the resolution"
expect_line f2 "$HMS received: incident 2\$"
expect_line f2 "$HMS declined by crisis-1 \(crisis worker\); escalating\$"
expect_line f2 "$HMS the crisis worker declined: security is now called\$"

# ---- beacon watch says the same ------------------------------------------------
wait_for 5 grep -q 'the crisis worker declined: security is now called' \
    "$TMP/watch.out"
grep -Eq "$HMS +1 +central +welfare +routed +the crisis worker did not answer: the supervisor is now called\$" \
    "$TMP/watch.out" || fail "watch: $(cat "$TMP/watch.out")"
