#!/usr/bin/env bash
# Run Beacon for development: a private mosquitto on 127.0.0.1 and beacond
# in the foreground, with the database in var/. Ctrl-C stops both.
#
#   BUILD             build directory (default: build)
#   BEACON_MQTT_PORT  the private broker's port (default: 18830)
#   BEACON_WS_PORT    its websockets port (default: the MQTT port + 1),
#                     which also serves the web pages, without Content-Type
#   BEACON_HTTP_PORT  beacond's own listener for the web pages, with their
#                     headers (default: the MQTT port + 2)

# cleanup and on_signal run from traps: shellcheck cannot see them called.
# shellcheck disable=SC2317
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
PORT=${BEACON_MQTT_PORT:-18830}
WS_PORT=${BEACON_WS_PORT:-$((PORT + 1))}
HTTP_PORT=${BEACON_HTTP_PORT:-$((PORT + 2))}
case $BUILD in
/*) WEB=$BUILD/web ;;
*) WEB=$ROOT/$BUILD/web ;;
esac
VAR=$ROOT/var
PATH=$PATH:/usr/sbin:/sbin
MOSQ_PID=
BEACOND_PID=

die() {
	echo "run: $*" >&2
	exit 1
}

# Is anything listening on 127.0.0.1:$1?
port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

now_ms() {
	local t=${EPOCHREALTIME//[!0-9]/}
	echo $((t / 1000))
}

# mosquitto.conf with this checkout's ports and absolute paths. When run as
# root, mosquitto would switch to the "mosquitto" user, which cannot write
# var/ of this checkout: keep it as whoever runs beacond. mosquitto refuses
# an http_dir that does not exist: without the built pages, the websockets
# listener serves MQTT only.
broker_conf() {
	local web="s|^http_dir build/web\$|http_dir $WEB|"

	[ -d "$WEB" ] || web='/^http_dir /d'
	sed -e "s/^listener 18830 /listener $PORT /" \
	    -e "s/^listener 18831 /listener $WS_PORT /" -e "$web" \
	    -e "s|^persistence_location var/|persistence_location $VAR/|" \
	    "$ROOT/conf/mosquitto.conf"
	printf '\n# Added by conf/run.sh.\nuser %s\n' "$(id -un)"
}

# beacon.conf with an http group: beacond serves the built pages on
# 127.0.0.1:$HTTP_PORT. Without them, conf/beacon.conf as it is.
beacond_conf() {
	cat "$ROOT/conf/beacon.conf"
	[ -d "$WEB" ] || return 0
	printf '\n# Added by conf/run.sh.\nhttp = { listen = "127.0.0.1:%s"; root = "%s"; };\n' \
	    "$HTTP_PORT" "$WEB"
}

# Wait (5 s at most) until the broker accepts connections.
broker_wait() {
	local deadline=$(($(now_ms) + 5000))

	until mosquitto_pub -h 127.0.0.1 -p "$PORT" -t beacon/_probe -m x \
	    2>/dev/null; do
		kill -0 "$MOSQ_PID" 2>/dev/null ||
			die "mosquitto exited; see var/mosquitto.log:
$(tail -n 5 "$VAR/mosquitto.log")"
		(($(now_ms) < deadline)) ||
			die "mosquitto does not accept connections on port $PORT"
		sleep 0.1
	done
}

# Stop whatever is still running, beacond first so it can say goodbye.
cleanup() {
	local pid deadline

	trap - INT TERM
	for pid in $BEACOND_PID $MOSQ_PID; do
		kill -TERM "$pid" 2>/dev/null || continue
		deadline=$(($(now_ms) + 5000))
		while kill -0 "$pid" 2>/dev/null && (($(now_ms) < deadline)); do
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

# Ctrl-C: beacond stops cleanly and the script follows; before beacond
# runs, stop at once.
on_signal() {
	[ -n "$BEACOND_PID" ] || exit 130
	kill -TERM "$BEACOND_PID" 2>/dev/null
	return 0
}

# The pages' addresses, or why there are none.
web_hints() {
	if [ ! -d "$WEB" ]; then
		echo "  The web pages are not built (node and npm are needed: make deps)."
		return
	fi
	local ws="broker=ws://127.0.0.1:$WS_PORT/mqtt"

	cat <<HINTS
  In a browser on this machine, served by beacond (docs/web.md):

    http://127.0.0.1:$HTTP_PORT/report.html?branch=central&$ws
        (the staff report page: press a button, watch the answer)
    http://127.0.0.1:$HTTP_PORT/responder.html?$ws
        (the responder app: sign in as crisis-1, no password here; it
        asks to show notifications, for Web Push, which needs the
        browser's push service on the internet)
    http://127.0.0.1:$HTTP_PORT/console.html?as=supervisor-1&$ws
        (the supervisors' console: the live board, replays, debriefs,
        who is on duty, branch modes and devices, the board report)
HINTS
}

hints() {
	local b="--broker 127.0.0.1:$PORT" bin=$BUILD/beacon

	cat <<HINTS

  Beacon is starting: a private MQTT broker on 127.0.0.1:$PORT, the
  database in var/beacon.db, and beacond, whose log follows. Ctrl-C stops
  both.

  Try it from another terminal, in this directory:

    $bin watch $b
        (every status and incident as it happens; leave it running)

    $bin report $b --branch central --type overdose --location "2nd floor washroom" --follow
        (a report from Central: three responders are notified, CALL 911)

    $bin ack 1 --as crisis-1 $b
    $bin arrived 1 --as crisis-1 $b
    $bin resolve 1 --as crisis-1 $b --note "naloxone given, EMS took over"

    $bin incidents --db var/beacon.db
    $bin timeline 1 --db var/beacon.db

  After it is resolved, the supervisor is told its debrief is due:

    $bin debrief 1 --as supervisor-1 $b --wellbeing held --participants 3 --route right --referral housing
    $bin replay 1 --db var/beacon.db --speed 10
    $bin report-html --db var/beacon.db --config conf/beacon.conf --out var/board.html

  To skip --broker, set it once: export BEACON_BROKER=127.0.0.1:$PORT
  var/beacon.db is kept between runs: after the first run, look the
  incident number up with "$bin incidents --db var/beacon.db".
  The broker's log is var/mosquitto.log.

HINTS
	web_hints
	echo
}

for bin in beacond beacon; do
	[ -x "$BUILD/$bin" ] || die "$BUILD/$bin is missing: run 'make build'"
done
command -v mosquitto >/dev/null || die "mosquitto is not installed: run 'make deps'"
command -v mosquitto_pub >/dev/null ||
	die "mosquitto_pub is not installed: run 'make deps'"
port_busy "$PORT" &&
	die "127.0.0.1:$PORT is already in use; stop what uses it or choose" \
	    "another port: BEACON_MQTT_PORT=18840 make run"
port_busy "$WS_PORT" &&
	die "127.0.0.1:$WS_PORT (websockets) is already in use; stop what uses" \
	    "it or choose another port: BEACON_WS_PORT=18841 make run"
[ ! -d "$WEB" ] || ! port_busy "$HTTP_PORT" ||
	die "127.0.0.1:$HTTP_PORT (the web pages) is already in use; stop what" \
	    "uses it or choose another port: BEACON_HTTP_PORT=18842 make run"

mkdir -p "$VAR"
broker_conf >"$VAR/mosquitto.conf"
beacond_conf >"$VAR/beacon.conf"
trap cleanup EXIT
trap on_signal INT TERM
mosquitto -c "$VAR/mosquitto.conf" >>"$VAR/mosquitto.log" 2>&1 &
MOSQ_PID=$!
broker_wait
hints

"$BUILD/beacond" -c "$VAR/beacon.conf" --broker "127.0.0.1:$PORT" \
    --db var/beacon.db &
BEACOND_PID=$!
# wait returns early when a signal is trapped: wait again for the exit.
rc=0
while :; do
	wait "$BEACOND_PID" && rc=0 || rc=$?
	kill -0 "$BEACOND_PID" 2>/dev/null || break
done
BEACOND_PID=
exit "$rc"
