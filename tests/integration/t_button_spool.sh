#!/usr/bin/env bash
# beacon-button end to end without /dev/uinput: its input is a FIFO of
# struct input_event that test-press writes, read by the same code as a
# device's. Presses while the broker is down are spooled, survive a kill -9,
# and each becomes exactly one incident once the broker and beacond are
# back; a long press goes out silent while the key is still held; beacond
# down with the broker up is seen by the self-test and the press waits; the
# presence is online, offline on SIGTERM and offline by the will on kill -9.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/button.sh"

PORT=$(free_port)
mkfifo "$TMP/input"
button_conf "$TMP/input"
press() {
	"$PRESS" fifo "$TMP/input" "$1" "$2"
}

# --check-config, as beacond's.
"$BUTTON" --check-config -c "$TMP/button.conf" >"$TMP/check.out" ||
	fail "--check-config refuses the test configuration"
grep -q ': ok: device desk-3 at branch central, 2 keys' "$TMP/check.out" ||
	fail "--check-config: $(cat "$TMP/check.out")"
sed 's/KEY_F2/KEY_NOPE/' "$TMP/button.conf" >"$TMP/bad.conf"
rc=0
"$BUTTON" --check-config -c "$TMP/bad.conf" 2>"$TMP/check.err" || rc=$?
expect_eq "$rc" 1 "--check-config on a bad key"
grep -Eq "^$TMP/bad.conf:[0-9]+: device: unknown key \"KEY_NOPE\"" \
    "$TMP/check.err" || fail "--check-config: $(cat "$TMP/check.err")"

# ---- presses with no broker ------------------------------------------------
start_button
press KEY_F1 50
wait_for 5 spool_is 1
wait_for 5 grep -q 'event=held: no broker connection' "$TMP/button.log"
first=$(jq -r .id "$SPOOL")
expect_eq "$(jq -r '[.type, .device, .location, .silent] | join(" ")' \
    "$SPOOL")" "welfare desk-3 Front desk false" "the spooled report"
[[ $first =~ ^btn-[0-9a-f]{16}$ ]] || fail "report id $first"

# Killed with the report unsent: it is still there after the restart, and
# a second press joins it.
kill9_button
start_button
wait_for 5 grep -q "report=$first event=restored" "$TMP/button.log"
press KEY_F2 50
wait_for 5 spool_is 2
second=$(sed -n 2p "$SPOOL" | jq -r .id)
expect_eq "$(sed -n 2p "$SPOOL" | jq -r .type)" overdose "second report"

# ---- the broker and beacond come back ---------------------------------------
start_broker "$PORT"
start_beacond
wait_for 20 spool_is 0
wait_for 5 has_incident ".report == \"$first\""
wait_for 5 has_incident ".report == \"$second\""
expect_eq "$(incidents_where ".report == \"$first\" and .type == \"welfare\"")" \
    1 "incidents of the first report"
expect_eq "$(incidents_where ".report == \"$second\" and
    .type == \"overdose\"")" 1 "incidents of the second report"
inc=$(incidents | jq -r ".[] | select(.report == \"$first\") | .incident")
expect_eq "$(incident_device "$inc")" desk-3 "the first incident's device"
grep -Eq "report=$first event=(received|routed) incident=[0-9]+" \
    "$TMP/button.log" || fail "no status logged for $first"

# Presence and the self-test's round trip, recorded by beacond too.
wait_for 5 presence_is '.state == "online" and .kind == "button" and
    (.ts | test("^20[0-9-]+T[0-9:.]+Z$"))'
wait_for 10 grep -Eq 'selftest=st-[0-9a-f]{16} event=answered rtt_ms=[0-9]+' \
    "$TMP/button.log"
devices_say() {
	cli devices devices --db "$DB" --json
	jq -e "$1" "$TMP/devices.out" >/dev/null
}
wait_for 10 devices_say '.[] | select(.device == "desk-3" and
    .branch == "central" and .state == "online" and .rtt_ms >= 0)'
expect_eq "$(incidents | jq length)" 2 "incidents made by self-tests"

# ---- a long press: silent, out before the release ---------------------------
"$PRESS" fifo "$TMP/input" KEY_F1 4000 &
presser=$!
PIDS+=("$presser")
wait_for 3 has_incident '.type == "weapon" and .silent == true'
alive "$presser" || fail "the long press waited for the release"
wait "$presser"
expect_eq "$(incidents_where '.type == "welfare"')" 1 \
    "ordinary presses made by the long press"

# ---- beacond away, the broker up -------------------------------------------
kill9_beacond
wait_for 5 grep -q 'event=unanswered .*the path to it is broken' \
    "$TMP/button.log"
press KEY_F2 50
wait_for 5 spool_is 1
third=$(jq -r .id "$SPOOL")
start_beacond
wait_for 20 spool_is 0
expect_eq "$(incidents_where ".report == \"$third\"")" 1 \
    "incidents of the report sent while beacond was away"
wait_for 10 grep -q 'event=answered rtt_ms=[0-9]*: the path works again' \
    "$TMP/button.log"

# ---- going away ----------------------------------------------------------------
stop_button
wait_for 5 presence_is '.state == "offline" and has("ts")'
wait_for 5 devices_say '.[] | select(.device == "desk-3" and
    .state == "offline")'

# No device yet: running all the same, offline, and online once it is
# there (plugged in).
rm "$TMP/input"
since=$(now_rfc3339)
"$BUTTON" -c "$TMP/button.conf" -v 2>>"$TMP/button.log" &
BUTTON_PID=$!
PIDS+=("$BUTTON_PID")
wait_for 5 grep -q 'event=input_lost .*No such file' "$TMP/button.log"
wait_for 5 presence_is ".state == \"offline\" and .ts >= \"$since\""
mkfifo "$TMP/input"
wait_for 5 presence_is '.state == "online"'
press KEY_F1 50
welfare_is() {
	(($(incidents_where '.type == "welfare"') == $1))
}
wait_for 10 welfare_is 2
kill9_button
# The broker's will: offline, with no time of its own.
wait_for 5 presence_is '.state == "offline" and (has("ts") | not)'
stop_beacond
