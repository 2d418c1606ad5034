#!/usr/bin/env bash
# beacon-button on a real evdev device: a virtual keyboard that test-press
# makes through /dev/uinput. A press is an incident from the device; a
# long press goes out silent while the key is held; unplugged, the device
# is offline while beacon-button keeps running. Skipped without write
# access to /dev/uinput: t_button_spool.sh covers the rest with a FIFO,
# test_button what is done with each of libevdev's answers, and
# docs/reliability.md names the code that only this test runs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/button.sh"

[ -w /dev/uinput ] ||
	skip "no write access to /dev/uinput (modprobe uinput, and run as" \
	    "root or a member of its group)"

start_broker
start_beacond

# The keyboard: test-press prints its node, then presses as told.
coproc KBD { exec "$PRESS" uinput KEY_F1 KEY_F2 2>>"$TMP/press.err"; }
# bash unsets KBD_PID when the coprocess ends.
# shellcheck disable=SC2153
kbd_pid=$KBD_PID
PIDS+=("$kbd_pid")
node=
read -r -t 5 node <&"${KBD[0]}" ||
	fail "test-press made no device: $(cat "$TMP/press.err")"
# devtmpfs (or udev) makes the node a moment after the device.
wait_for 5 test -r "$node"
button_conf "$node"
start_button
grep -q "event=input_open path=$node name=\"beacon test button\"" \
    "$TMP/button.log" || fail "the device was not opened through evdev"
wait_for 5 presence_is '.state == "online"'

echo "KEY_F1 50" >&"${KBD[1]}"
wait_for 5 has_incident '.type == "welfare" and .silent == false'
inc=$(incidents | jq -r '.[] | select(.type == "welfare") | .incident')
expect_eq "$(incident_device "$inc")" desk-3 "the incident's device"

# Held for 3 s, the long press (1 s) goes out before the release.
echo "KEY_F2 3000" >&"${KBD[1]}"
wait_for 3 has_incident '.type == "weapon" and .silent == true'
expect_eq "$(incidents_where '.type == "overdose"')" 0 \
    "ordinary presses made by the long press"

# Unplugged (test-press ends when its input does): offline, said by the
# button itself, which waits for the device to come back.
kbd_in=${KBD[1]}
exec {kbd_in}>&-
wait_gone "$kbd_pid" 10 || fail "test-press does not end"
wait_for 5 grep -q 'event=input_lost' "$TMP/button.log"
wait_for 5 presence_is '.state == "offline" and has("ts")'
alive "$BUTTON_PID" || fail "beacon-button exited when its device went"
stop_button
stop_beacond
