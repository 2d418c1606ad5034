# shellcheck shell=bash
# What the beacon-button tests share, sourced after lib.sh: a button
# configuration, starting and stopping beacon-button, its spool, its
# presence, and the incidents it made.

BUTTON=$BEACON_BUILD/beacon-button
PRESS=$BEACON_BUILD/tests/test-press
SPOOL=$TMP/desk-3.spool
BUTTON_PID=
DEVICE_TOPIC=$PREFIX/device/central/desk-3

[ -x "$BUTTON" ] || fail "$BUTTON is missing: build first"
[ -x "$PRESS" ] || fail "$PRESS is missing: build first"

# button_conf INPUT: the test's button, reading INPUT. KEY_F1 is a welfare
# check, KEY_F2 an overdose; held for a second, any key is a silent
# "weapon" (the test configuration has no "duress"). A self-test every
# second.
button_conf() {
	cat >"$TMP/button.conf" <<EOF
broker = "127.0.0.1:$PORT";
spool = "$SPOOL";
selftest = 1;
keepalive = 5;
device: {
	path = "$1";
	id = "desk-3";
	branch = "central";
	location = "Front desk";
	long_press = 1.0;
	long_press_type = "weapon";
	keys = (
		{ key = "KEY_F1"; type = "welfare"; },
		{ key = "KEY_F2"; type = "overdose"; }
	);
};
EOF
}

# Start beacon-button; wait until it reads its input.
start_button() {
	local n

	n=$(grep -c 'event=input_ready' "$TMP/button.log" 2>/dev/null) || n=0
	"$BUTTON" -c "$TMP/button.conf" -v 2>>"$TMP/button.log" &
	BUTTON_PID=$!
	PIDS+=("$BUTTON_PID")
	wait_for 5 input_ready "$((n + 1))"
}

input_ready() {
	alive "$BUTTON_PID" || fail "beacon-button exited"
	(($(grep -c 'event=input_ready' "$TMP/button.log") >= $1))
}

kill9_button() {
	kill -KILL "$BUTTON_PID"
	wait "$BUTTON_PID" 2>/dev/null || true
}

# SIGTERM; fails the test unless beacon-button exits 0 within 5 s.
stop_button() {
	local rc=0

	kill -TERM "$BUTTON_PID"
	wait_gone "$BUTTON_PID" 5 || fail "beacon-button ignores SIGTERM"
	wait "$BUTTON_PID" || rc=$?
	((rc == 0)) || fail "beacon-button exited $rc on SIGTERM"
}

spool_count() {
	if [ -f "$SPOOL" ]; then
		wc -l <"$SPOOL"
	else
		echo 0
	fi
}

spool_is() {
	(($(spool_count) == $1))
}

# The button's retained presence, true for the jq filter $1.
presence_is() {
	local p

	p=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 2 \
	    -t "$DEVICE_TOPIC" 2>/dev/null) || return 1
	jq -e "$1" <<<"$p"
}

# The incidents, as `beacon incidents --json` prints them.
incidents() {
	need_cli
	timeout -k 2 30 "$BEACON" incidents --db "$DB" --json
}

# incidents_where JQ: how many incidents JQ is true for.
incidents_where() {
	incidents | jq "map(select($1)) | length"
}

has_incident() {
	(($(incidents_where "$1") > 0))
}

# The device an incident's report came from: its "reported" event's actor.
incident_device() {
	timeline_json "$1" | jq -r '.events[] | select(.kind == "reported") |
	    .actor'
}
