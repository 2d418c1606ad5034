#!/usr/bin/env bash
# Shared subscriptions (beacon: { share_group }): beacond subscribes to its
# input topics as $share/{group}/..., as it must on a clustered broker, and
# as the only member of the group it behaves as without: a report is
# routed, the reporter gets its status, an acknowledgment stops the
# escalation. The session it started without the setting loses its plain
# subscriptions (else each report would arrive twice). A report published
# while beacond is stopped waits in its session and is processed after the
# restart. A second member of the group takes its share: the broker gives
# each report to one member only, and beacond routes only its own.
. "$(dirname "$0")/lib.sh"

start_broker
# First without the setting: the broker's session keeps plain
# subscriptions, which the shared start must drop.
start_beacond
stop_beacond

write_conf
conf_beacon '  share_group = "beacond";'
start_beacond
grep -q 'event=shared_subscriptions group=beacond' "$TMP/beacond.log" ||
	fail "beacond does not say it subscribed as group beacond"
sub_notify
sub_status

pub "$PREFIX/report/central" '{"id": "sh-1", "type": "welfare"}'
wait_for 5 has status "$PREFIX/status/central/sh-1" \
    '.state == "routed" and .incident == 1'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 1'
cli ack-1 ack 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack-1
wait_for 5 has status "$PREFIX/status/central/sh-1" '.acked == true or
    (.message // "" | test("acknowledged"))'
expect_eq "$(timeline_kinds 1)" "reported notified ack" "timeline of sh-1"
expect_eq "$(count status "$PREFIX/status/central/sh-1" \
    '.state == "routed" and .incident == 1 and
     (.message // "" | test("notified"))')" 1 \
    "routed statuses of sh-1 (a report arriving twice would give two)"

# Stopped, a report published, restarted: the report waited in beacond's
# session, shared subscription and all.
stop_beacond
wait_for 5 daemon_offline
pub "$PREFIX/report/central" '{"id": "sh-2", "type": "welfare"}'
start_beacond
wait_for 8 has status "$PREFIX/status/central/sh-2" \
    '.state == "routed" and .incident == 2'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 2'

# Another member of the group: of two reports, the broker gives it one
# and beacond the other.
mosquitto_sub -h 127.0.0.1 -p "$PORT" "${MQTT_OPTS[@]}" -q 1 -v \
    -t "\$share/beacond/$PREFIX/report/+" -t "$PREFIX/member/probe" \
    >"$TMP/member.log" 2>>"$TMP/member.err" &
PIDS+=("$!")
wait_for 5 probe_seen member "$PREFIX/member/probe"
pub "$PREFIX/report/central" '{"id": "sh-3", "type": "welfare"}'
pub "$PREFIX/report/central" '{"id": "sh-4", "type": "welfare"}'
wait_for 5 has member "$PREFIX/report/central"
# A supervisor request, published after both reports, is answered after
# beacond processed what it was given.
query open supervisor-1 '{"method": "incidents"}'
expect_eq "$(count member "$PREFIX/report/central")" 1 \
    "reports given to the other member"
theirs=$(payloads member "$PREFIX/report/central" | jq -r .id)
case $theirs in
sh-3) ours=sh-4 ;;
sh-4) ours=sh-3 ;;
*) fail "the other member got '$theirs'" ;;
esac
wait_for 5 has status "$PREFIX/status/central/$ours" \
    '.state == "routed" and .incident == 3'
expect_eq "$(count status "$PREFIX/status/central/$theirs")" 0 \
    "statuses of the report beacond was not given"
stop_beacond
