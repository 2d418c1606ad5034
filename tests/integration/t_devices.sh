#!/usr/bin/env bash
# Device health: a report button that goes away (its MQTT will) is
# reported to the branch's supervisor once after devices.offline, and
# again when it is back; the timer survives a restart of beacond. A
# self-test is answered and recorded without making an incident, and each
# branch's buttons are published, retained, for the report pages.
. "$(dirname "$0")/lib.sh"

write_conf
printf 'devices: { offline = 2; };\n' >>"$CONF"
start_broker
start_beacond
sub_notify
DEV=$PREFIX/device/central/desk-1

# The branch's buttons, retained: a page that opens later still gets them.
cfg=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 5 \
    -t "$PREFIX/config/central")
expect_eq "$(jq -r '.name' <<<"$cfg")" "Central Library" "config name"
expect_eq "$(jq -r '.buttons[0].type' <<<"$cfg")" overdose \
    "most severe button first"
expect_eq "$(jq -r '[.buttons[].label] | index("Welfare check") != null' \
    <<<"$cfg")" true "every category without a buttons list"

# A button online, as beacon-button announces itself, with its will.
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -r -t "$DEV" \
    -m '{"state": "online", "kind": "button"}'
mosquitto_sub -h 127.0.0.1 -p "$PORT" -i desk-1 -t "$PREFIX/none" \
    --will-topic "$DEV" --will-retain --will-qos 1 \
    --will-payload '{"state": "offline", "kind": "button"}' \
    >/dev/null 2>&1 &
BUTTON_PID=$!
PIDS+=("$BUTTON_PID")

devices_say() {
	cli devices devices --db "$DB" --json
	jq -e "$1" "$TMP/devices.out" >/dev/null
}
wait_for 5 devices_say '.[] | select(.device == "desk-1" and
    .state == "online" and .device_kind == "button")'

# A self-test: answered at once, its round trip kept, no incident.
sub selftest "$PREFIX/selftest/_p/_p/result" \
    "$PREFIX/selftest/+/+/result"
pub "$PREFIX/selftest/central/desk-1" \
    '{"id": "st-1", "ts": "2026-11-22T10:00:00Z", "last_rtt_ms": 37}'
wait_for 5 has selftest "$PREFIX/selftest/central/desk-1/result" \
    '.id == "st-1" and .ok == true'
wait_for 5 devices_say '.[] | select(.device == "desk-1" and .rtt_ms == 37)'
cli none incidents --db "$DB" --json
expect_eq "$(jq length "$TMP/none.out")" 0 "incidents made by a self-test"

# The button's connection drops: the broker publishes its will.
kill -KILL "$BUTTON_PID"
wait_for 5 devices_say '.[] | select(.device == "desk-1" and
    .state == "offline")'
# beacond restarts before the 2 s are up: the report still comes, once.
kill9_beacond
start_beacond
wait_for 10 has notify "$PREFIX/notify/supervisor-1" \
    '.kind == "device_offline" and .device == "desk-1" and
     (.message | test("offline since"))'
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/supervisor-1" \
    '.kind == "device_offline"')" 1 "offline reports"
wait_for 5 devices_say '.[] | select(.device == "desk-1" and .flagged)'
cli table devices --db "$DB"
expect_line table '^central +desk-1 +button +OFFLINE .*\(reported\)'

# Back: the supervisor is told that too.
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -r -t "$DEV" \
    -m '{"state": "online", "kind": "button"}'
wait_for 5 has notify "$PREFIX/notify/supervisor-1" \
    '.kind == "device_back" and .device == "desk-1"'
expect_eq "$(sqlite3 "$DB" "SELECT group_concat(kind, ' ') FROM
    device_events WHERE device = 'desk-1'")" \
    "online offline device_offline online device_back" "device events"

# Not a device: refused with a reason, and beacond keeps serving.
sub err "$PREFIX/error/_probe" "$PREFIX/error/#"
pub "$PREFIX/device/nowhere/x" '{"state": "online"}'
wait_for 5 has err "$PREFIX/error/nowhere" \
    '.error == "unknown branch \"nowhere\""'
stop_beacond
