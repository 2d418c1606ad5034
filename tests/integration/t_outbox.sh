#!/usr/bin/env bash
# The notification outbox, with a broker that really refuses: while the
# broker's ACL forbids beacond to publish on beacon/notify/#, the refused
# notification stays in the outbox (published, attempts 1, no PUBACK);
# once the ACL allows it again and beacond restarts, it is published again,
# reaches the responder, is marked delivered, and the timeline shows the
# second attempt. Everything else (statuses) goes through all along.
. "$(dirname "$0")/lib.sh"
need sqlite3

ACL=$TMP/acl
# Anonymous clients may do everything under the prefix except notify.
deny_notify() {
	printf 'topic readwrite %s/#\ntopic deny %s/notify/#\n' \
	    "$PREFIX" "$PREFIX" >"$ACL"
}
allow_all() {
	printf 'topic readwrite %s/#\n' "$PREFIX" >"$ACL"
}
broker_conf() {
	cat <<EOF
listener $PORT 127.0.0.1
allow_anonymous true
acl_file $ACL
set_tcp_nodelay true
persistence false
user $(id -un)
EOF
}

outbox() {
	sqlite3 "$DB" "SELECT responder || ' ' || state || ' ' || attempts
	    FROM outbox ORDER BY id"
}

# outbox_is WANT [tail]: the rows (or the last row) read now are WANT.
outbox_is() {
	if [ "${2:-}" = tail ]; then
		[ "$(outbox | tail -n 1)" = "$1" ]
	else
		[ "$(outbox)" = "$1" ]
	fi
}

deny_notify
start_broker
start_beacond
sub_status

pub "$PREFIX/report/central" '{"id": "ob-1", "type": "welfare"}'
wait_for 30 has status "$PREFIX/status/central/ob-1" '.state == "routed"'
# The broker answered the notification with "not authorized".
wait_for 30 grep -q 'outbox=1 event=notify_refused' "$TMP/beacond.log"
wait_for 30 outbox_is "crisis-1 published 1"

# The broker lets notifications through again (mosquitto rereads its ACL
# on SIGHUP): a new subscriber sees a notice published now.
allow_all
kill -HUP "$MOSQ_PID"
sub notify "$PREFIX/notify/_probe" "$PREFIX/notify/#"
hasnt notify "$PREFIX/notify/crisis-1" ||
	fail "a refused notification reached the responder"

# While it runs, beacond leaves a refused notification for the next start.
stop_beacond
start_beacond
wait_for 30 has notify "$PREFIX/notify/crisis-1" \
    '.incident == 1 and .kind == "incident"'
wait_for 30 outbox_is "crisis-1 delivered 2"
tl=$(timeline_json 1)
expect_eq "$(jq -r '[.events[] | "\(.kind):\(.actor)"] | join(" ")' \
    <<<"$tl")" "reported: notified:crisis-1 renotified:crisis-1" \
    "timeline of incident 1"
jq -e '.events[] | select(.kind == "renotified") | .detail |
    test("had 1 attempt without a PUBACK")' <<<"$tl" >/dev/null ||
	fail "the second attempt does not say why: $tl"

# A notification the broker takes is delivered at once, and a restart
# publishes nothing again.
pub "$PREFIX/report/central" '{"id": "ob-2", "type": "welfare"}'
wait_for 30 has notify "$PREFIX/notify/crisis-1" '.incident == 2'
wait_for 30 outbox_is "crisis-1 delivered 1" tail
stop_beacond
start_beacond
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/crisis-1")" 2 \
    "notifications after the second restart"
stop_beacond
say "outbox: $(outbox | tr '\n' ',')"
