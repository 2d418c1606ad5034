#!/usr/bin/env bash
# Branch brokers (README.md, "Branch brokers"): a branch's own mosquitto,
# run with the configuration `beacon bridge-conf` makes (its ports and
# accounts changed for a test), bridged to the central broker where
# beacond runs. Reports published on the branch's broker are routed and
# their statuses come back to it. Then the central broker stops: reports
# made meanwhile wait in the branch's broker, which is itself restarted
# during the outage, and when the centre is back each of them is routed
# exactly once and its status reaches the branch.
. "$(dirname "$0")/lib.sh"
need_cli

BRANCH=eastside

# The central broker keeps its sessions (beacond's and the bridge's) across
# its restart, as conf/mosquitto.conf's does.
broker_conf() {
	mkdir -p "$TMP/central"
	cat <<EOF
listener $PORT 127.0.0.1
allow_anonymous true
set_tcp_nodelay true
persistence true
persistence_location $TMP/central/
autosave_on_changes true
autosave_interval 1
max_queued_messages 100000
max_queued_bytes 104857600
max_inflight_messages 100
user $(id -un)
EOF
}

start_broker
CPORT=$PORT
start_beacond
sub_status

# ---- the branch's broker: bridge-conf's output, ports and accounts changed --

unset BEACON_USERNAME BEACON_CAFILE BEACON_CERT BEACON_KEY
bridge_conf "$BRANCH"
grep -qx "topic $PREFIX/report/$BRANCH out 1" "$TMP/bridge.conf" ||
	fail "bridge-conf: no report topic out"
grep -qx "topic $PREFIX/status/$BRANCH/# in 1" "$TMP/bridge.conf" ||
	fail "bridge-conf: no status topic in"
grep -qx "address 127.0.0.1:$CPORT" "$TMP/bridge.conf" ||
	fail "bridge-conf: not bridged to 127.0.0.1:$CPORT"

# The bridge's state, as the branch's broker announces it (1 up, 0 down).
bridge_state() {
	mosquitto_sub -h 127.0.0.1 -p "$BPORT" -C 1 -W 2 \
	    -t "\$SYS/broker/connection/beacon-bridge-$BRANCH/state" \
	    2>/dev/null | grep -qx "$1"
}

# beacond's retained status, on the branch's broker: came over the bridge.
branch_daemon_online() {
	mosquitto_sub -h 127.0.0.1 -p "$BPORT" -C 1 -W 2 \
	    -t "$PREFIX/daemon/status" 2>/dev/null |
	    jq -e --arg since "$1" '.state == "online" and .ts >= $since'
}

since=$(now_rfc3339)
start_branch
wait_for 20 bridge_state 1
# Published before the bridge came up, retained: beacond's "online" and
# the branch's configuration reach the branch.
mosquitto_sub -h 127.0.0.1 -p "$BPORT" -C 1 -W 5 \
    -t "$PREFIX/config/$BRANCH" >"$TMP/config.json" 2>/dev/null ||
	fail "no retained beacon/config/$BRANCH on the branch's broker"
grep -q "Eastside Branch" "$TMP/config.json" ||
	fail "config on the branch's broker: $(cat "$TMP/config.json")"

# Everything beacond says to the branch, as the branch's broker has it.
PORT=$BPORT sub branch "$PREFIX/status/$BRANCH/_probe" \
    "$PREFIX/status/$BRANCH/#" "$PREFIX/error/$BRANCH"

report() {
	mosquitto_pub -h 127.0.0.1 -p "$BPORT" -q 1 -t "$PREFIX/report/$BRANCH" \
	    -m "{\"id\": \"$1\", \"type\": \"weapon\", \"device\": \"desk-1\"}"
}

routed_on_branch() {
	has branch "$PREFIX/status/$BRANCH/$1" '.state == "routed"'
}

# ---- the link up ------------------------------------------------------------

for i in 1 2 3; do
	report "up-$i"
done
for i in 1 2 3; do
	wait_for 10 routed_on_branch "up-$i"
done
# beacond saw them on the central broker, and from the branch.
for i in 1 2 3; do
	has status "$PREFIX/status/$BRANCH/up-$i" '.state == "routed"' ||
		fail "up-$i: no status on the central broker"
done

# ---- the link down ----------------------------------------------------------

kill -TERM "$MOSQ_PID"
wait_gone "$MOSQ_PID" 10 || fail "the central mosquitto ignores SIGTERM"
wait "$MOSQ_PID" 2>/dev/null || true
cat "$TMP/mosquitto.log" >>"$TMP/mosquitto-earlier.log"
wait_for 20 bridge_state 0

# The buttons keep working against the branch's broker: each report is
# taken (QoS 1, acknowledged by the branch's broker) and waits there.
N=5
for ((i = 1; i <= N; i++)); do
	report "down-$i" || fail "down-$i: the branch's broker refused it"
done
# The branch's broker restarts during the outage: what waits is on disk.
stop_branch
start_branch
for ((i = N + 1; i <= 2 * N; i++)); do
	report "down-$i" || fail "down-$i: the branch's broker refused it"
done
for ((i = 1; i <= 2 * N; i++)); do
	! routed_on_branch "down-$i" ||
		fail "down-$i routed while the centre was down"
done
# The branch's subscriber was cut off by the restart; a new one, with the
# old lines kept for the counts below.
cat "$TMP/branch.log" >>"$TMP/branch-earlier.log"
PORT=$BPORT sub branch "$PREFIX/status/$BRANCH/_probe" \
    "$PREFIX/status/$BRANCH/#" "$PREFIX/error/$BRANCH"

# ---- the link back ----------------------------------------------------------

since=$(now_rfc3339)
start_broker "$CPORT"
wait_for 15 daemon_online "$since"
wait_for 30 bridge_state 1
for ((i = 1; i <= 2 * N; i++)); do
	wait_for 20 routed_on_branch "down-$i"
done
wait_for 10 branch_daemon_online "$since"

# Each report once: one incident per report id, no more, no less.
cli incidents incidents --db "$DB" --json
expect_rc 0 incidents
expect_eq "$(jq -r 'length' "$TMP/incidents.out")" $((3 + 2 * N)) \
    "incidents"
expect_eq "$(jq -r '[.[].report] | unique | length' "$TMP/incidents.out")" \
    $((3 + 2 * N)) "distinct reports"
for ((i = 1; i <= 2 * N; i++)); do
	expect_eq "$(jq -r --arg r "down-$i" \
	    '[.[] | select(.report == $r and .branch == "eastside")] | length' \
	    "$TMP/incidents.out")" 1 "incidents of down-$i"
done
# Routed once: each incident was reported once and notified security-2,
# the branch's security, once (a report that came twice would be a
# duplicate event of the same incident, not a second notification).
for id in $(jq -r '.[].incident' "$TMP/incidents.out"); do
	timeline_json "$id" >"$TMP/timeline.json"
	expect_eq "$(jq '[.events[] | select(.kind == "reported")] | length' \
	    "$TMP/timeline.json")" 1 "reported events of incident $id"
	expect_eq "$(jq '[.events[] | select(.kind == "notified" and
	    .actor == "security-2")] | length' "$TMP/timeline.json")" 1 \
	    "notifications of security-2 for incident $id"
done
! grep -q "\"error\"" "$TMP/branch.log" ||
	fail "an error reached the branch: $(grep '"error"' "$TMP/branch.log")"
stop_beacond
