#!/usr/bin/env bash
# Liveness: beacond publishes a retained heartbeat every `heartbeat`
# seconds from its loop, and `beacon health` turns it into one line and a
# monitoring system's exit status: 0 OK, 1 devices offline, 2 beacond
# offline or stale (a loop that stopped), 3 broker unreachable.
. "$(dirname "$0")/lib.sh"

write_conf
sed -i 's/^  keepalive = 5;$/  keepalive = 5;\n  heartbeat = 1;/' "$CONF"
grep -q 'heartbeat = 1;' "$CONF" || fail "cannot set heartbeat in $CONF"
printf 'devices: { offline = 1; };\n' >>"$CONF"
start_broker
start_beacond
export BEACON_BROKER=127.0.0.1:$PORT

health() { cli health health --timeout 5; }
health_is() { health; ((CLI_RC == $1)); }
# health_says RC REGEX: it exits RC with a line matching REGEX.
health_says() { health_is "$1" && grep -Eq -- "$2" "$TMP/health.out"; }

# Well: OK, with the open incidents counted.
sub_status
pub "$PREFIX/report/central" '{"id": "hb-1", "type": "welfare"}'
wait_for 5 has status "$PREFIX/status/central/hb-1" '.state == "routed"'
wait_for 5 health_says 0 \
    '^OK: beacond online, heartbeat [0-9]+ s ago, 1 open incident, no device offline$'
# The heartbeat is retained and says what it counts.
hb=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 5 \
    -t "$PREFIX/daemon/heartbeat")
expect_eq "$(jq -r '[.interval, .open, .devices_offline] | @csv' <<<"$hb")" \
    "1,1,0" "heartbeat fields"

# A button goes away (its will); once its absence is reported, WARNING.
DEV=$PREFIX/device/central/desk-9
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -r -t "$DEV" \
    -m '{"state": "online", "kind": "button"}'
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -r -t "$DEV" \
    -m '{"state": "offline", "kind": "button"}'
wait_for 10 health_says 1 \
    '^WARNING: 1 device offline: central/desk-9 \(button\) since '
# Back: OK again.
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -r -t "$DEV" \
    -m '{"state": "online", "kind": "button"}'
wait_for 10 health_is 0

# A loop that stops (SIGSTOP keeps the TCP connection, so no will yet):
# the retained status still says online, the heartbeat ages: CRITICAL.
kill -STOP "$BEACOND_PID"
wait_for 10 health_says 2 \
    '^CRITICAL: beacond is stale: its last heartbeat was [0-9]+ s ago'
kill -CONT "$BEACOND_PID"
wait_for 10 health_is 0

# A crash: the broker publishes beacond's will, offline.
kill9_beacond
wait_for 20 health_says 2 '^CRITICAL: beacond is offline since '

# No broker: UNKNOWN, within the timeout.
kill -TERM "$MOSQ_PID"
wait_gone "$MOSQ_PID" 5 || fail "mosquitto ignores SIGTERM"
cli health health --timeout 2
expect_rc 3 health
expect_line health '^UNKNOWN: no answer from the broker at 127\.0\.0\.1:[0-9]+ within 2 s$'
