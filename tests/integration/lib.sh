# shellcheck shell=bash
# The harness of Beacon's integration tests, sourced by each t_*.sh. Tests
# drive real processes only: a private mosquitto on a free port, the real
# beacond and the real `beacon` CLI. Everything a test writes lives in a
# temporary directory; when the test exits, every process it started is
# stopped, the logs are shown if it failed, and the directory is removed.
#
# Environment: BEACON_SRC (the source tree) and BEACON_BUILD (the build
# tree with beacond and beacon); ctest sets both. Exit status 77 = skipped.
#
# Waiting is always for a condition with a deadline (wait_for), never a
# sleep that hopes the other side was quick enough.

# The trap handlers below are only ever called from traps.
# shellcheck disable=SC2317
set -euo pipefail

BEACON_SRC=${BEACON_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BEACON_BUILD=${BEACON_BUILD:-$BEACON_SRC/build}
BEACOND=$BEACON_BUILD/beacond
BEACON=$BEACON_BUILD/beacon
PREFIX=beacon
PATH=$PATH:/usr/sbin:/sbin
export LC_ALL=C.UTF-8 TZ=UTC
unset BEACON_BROKER BEACON_PREFIX BEACON_DB

TEST=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/beacon-$TEST.XXXXXX")
CONF=$BEACON_SRC/tests/integration/beacon-test.conf
DB=$TMP/beacon.db
# beacon report's spool: the test's own, never the user's.
export BEACON_SPOOL=$TMP/spool
PIDS=()
PORT=
# Options of every mosquitto_pub and mosquitto_sub this file runs on $PORT:
# a test whose broker asks for an account or TLS sets them (t_acl, t_tls).
MQTT_OPTS=()
MOSQ_PID=
BEACOND_PID=
CLI_RC=0

say() {
	echo "$TEST: $*" >&2
}

skip() {
	say "SKIP: $*"
	exit 77
}

fail() {
	say "FAIL: $*"
	exit 1
}

now_ms() {
	local t=${EPOCHREALTIME//[!0-9]/}

	echo $((t / 1000))
}

# "now" as beacond writes time stamps (RFC 3339 UTC, milliseconds), so that
# the two compare as strings.
now_rfc3339() {
	date -u +%Y-%m-%dT%H:%M:%S.%3NZ
}

# Milliseconds since the epoch of an RFC 3339 time stamp.
ts_ms() {
	date -u -d "$1" +%s%3N
}

alive() {
	kill -0 "$1" 2>/dev/null
}

# Wait for a process to exit, up to $2 seconds; 1 if it is still running.
wait_gone() {
	local deadline=$(($(now_ms) + $2 * 1000))

	while alive "$1"; do
		(($(now_ms) < deadline)) || return 1
		sleep 0.05
	done
}

show_log() {
	[ -s "$1" ] || return 0
	echo "----- ${1##*/} (last $2 lines)"
	tail -n "$2" "$1"
}

# beacond's log first and longest: it usually says what went wrong.
show_logs() {
	local f

	{
		show_log "$TMP/beacond.log" 100
		for f in "$TMP"/*.out "$TMP"/*.err "$TMP"/*.log; do
			case ${f##*/} in
			beacond.log) ;;
			mosquitto.log) show_log "$f" 15 ;;
			*) show_log "$f" 40 ;;
			esac
		done
	} >&2
}

cleanup() {
	local rc=$? pid

	set +e
	trap - INT TERM
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	((rc == 0 || rc == 77)) || show_logs
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_for SECONDS CMD...: run CMD every 50 ms until it succeeds; fail the
# test when SECONDS have passed. CMD's standard output is discarded; its
# errors are not, so that a CMD that calls fail is heard.
wait_for() {
	local secs=$1 deadline

	shift
	deadline=$(($(now_ms) + secs * 1000))
	until "$@" >/dev/null; do
		(($(now_ms) < deadline)) ||
			fail "no success within ${secs}s: $*"
		sleep 0.05
	done
}

# need CMD...: fail the test, never skip it, when a CMD is not on the PATH.
# Every CMD a test needs comes from a package in the Makefile's DEPS, whose
# absence would otherwise pass for a test that was run.
need() {
	local t

	for t; do
		command -v "$t" >/dev/null 2>&1 ||
			fail "$t is not installed (make deps installs it)"
	done
}

need_beacond() {
	[ -x "$BEACOND" ] || fail "$BEACOND is missing: build first"
}

need_cli() {
	[ -x "$BEACON" ] || fail "$BEACON is missing: build first"
}

need mosquitto mosquitto_pub mosquitto_sub jq

# ---- the broker ------------------------------------------------------------

# A port below the kernel's ephemeral range (ip_local_port_range): one
# inside it can be taken between the check and the bind by any outgoing
# connection's local port, as a branch broker's once was.
random_port() {
	local lo=32768 hi

	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || :
	((lo > 12000)) || lo=32768
	echo $((10000 + ((RANDOM << 15) | RANDOM) % (lo - 10000)))
}

port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
	local p

	while p=$(random_port) && port_busy "$p"; do
		:
	done
	echo "$p"
}

# Started as root, mosquitto would switch to the "mosquitto" user; this
# broker writes nothing, so it stays as whoever runs the tests (the user
# need not exist). The queue limits are conf/mosquitto.conf's: with
# mosquitto's default of 1,000, a loaded machine made t_flood's broker drop
# malformed reports that beacond was meant to count.
broker_conf() {
	cat <<EOF
listener $PORT 127.0.0.1
allow_anonymous true
set_tcp_nodelay true
persistence false
max_queued_messages 100000
max_queued_bytes 104857600
max_inflight_messages 100
user $(id -un)
EOF
}

# acl_broker_conf: a broker that takes only the accounts in $TMP/passwd,
# each with what $TMP/acl allows (a test sets broker_conf to it).
acl_broker_conf() {
	cat <<EOF
set_tcp_nodelay true
persistence false
user $(id -un)

listener $PORT 127.0.0.1
allow_anonymous false
password_file $TMP/passwd
acl_file $TMP/acl
EOF
}

# acl_beacond: a fresh configuration in which beacond signs in with an
# account of its own, the one the test's own clients use too (it may read
# and write everything under the prefix).
acl_beacond() {
	BEACOND_PW="pw-beacond-$RANDOM$RANDOM"
	MQTT_OPTS=(-u beacond -P "$BEACOND_PW")
	(umask 077 && echo "$BEACOND_PW" >"$TMP/beacond.pw")
	write_conf
	conf_beacon "  username = \"beacond\";
  password_file = \"$TMP/beacond.pw\";"
}

# acl_accounts USER...: beacond's account and each USER's (password
# pw-USER) in $TMP/passwd, and in $TMP/acl the ACL that beacon acl-conf
# makes of the configuration and that password file.
acl_accounts() {
	local u

	mosquitto_passwd -c -b "$TMP/passwd" beacond "$BEACOND_PW"
	for u; do
		mosquitto_passwd -b "$TMP/passwd" "$u" "pw-$u"
	done
	cli acl acl-conf --config "$CONF" --passwd "$TMP/passwd"
	expect_rc 0 acl
	cp "$TMP/acl.out" "$TMP/acl"
}

# mosquitto says "running" only once its listener is open, which tells our
# broker apart from anything else that might hold the port.
broker_up() {
	alive "$MOSQ_PID" || return 2
	grep -q ' running$' "$TMP/mosquitto.log" || return 1
	mosquitto_pub -h 127.0.0.1 -p "$PORT" "${MQTT_OPTS[@]}" \
	    -t "$PREFIX/_probe" -m x
}

broker_wait() {
	local deadline=$(($(now_ms) + 5000)) rc

	while :; do
		rc=0
		broker_up >/dev/null 2>&1 || rc=$?
		((rc != 0)) || return 0
		((rc != 2)) || return 1
		(($(now_ms) < deadline)) || return 1
		sleep 0.05
	done
}

# start_broker [PORT]: a private mosquitto on PORT, or on a random free port
# (another one when the first cannot be bound). Sets PORT.
# shellcheck disable=SC2120
start_broker() {
	local want=${1:-} tries=0

	while :; do
		PORT=${want:-$(free_port)}
		broker_conf >"$TMP/mosquitto.conf"
		: >"$TMP/mosquitto.log"
		mosquitto -c "$TMP/mosquitto.conf" >>"$TMP/mosquitto.log" 2>&1 &
		MOSQ_PID=$!
		PIDS+=("$MOSQ_PID")
		broker_wait && return 0
		kill -TERM "$MOSQ_PID" 2>/dev/null || true
		if [ -n "$want" ] || ((++tries >= 5)); then
			fail "mosquitto does not start on port $PORT"
		fi
	done
}

# start_mosquitto NAME CONF PORT: another mosquitto beside start_broker's
# (a branch's broker, say), run with the configuration file CONF, which
# opens PORT on 127.0.0.1; its log is $TMP/NAME.log. Returns once it is
# running and takes a message on PORT; sets OTHER_MOSQ_PID.
OTHER_MOSQ_PID=
start_mosquitto() {
	local name=$1 conf=$2 port=$3 deadline

	deadline=$(($(now_ms) + 5000))
	: >"$TMP/$name.log"
	mosquitto -c "$conf" >>"$TMP/$name.log" 2>&1 &
	OTHER_MOSQ_PID=$!
	PIDS+=("$OTHER_MOSQ_PID")
	until grep -q ' running$' "$TMP/$name.log" &&
	    mosquitto_pub -h 127.0.0.1 -p "$port" "${MQTT_OPTS[@]}" \
	    -t "$PREFIX/_probe" -m x 2>/dev/null; do
		alive "$OTHER_MOSQ_PID" || fail "mosquitto $name exited"
		(($(now_ms) < deadline)) ||
			fail "mosquitto $name does not start on port $port"
		sleep 0.05
	done
}

# stop_mosquitto NAME PID: SIGTERM a broker of start_mosquitto and keep its
# log, so that a later start of the same NAME does not lose it.
stop_mosquitto() {
	kill -TERM "$2"
	wait_gone "$2" 10 || fail "mosquitto $1 ignores SIGTERM"
	wait "$2" 2>/dev/null || true
	cat "$TMP/$1.log" >>"$TMP/$1-earlier.log"
}

pub() {
	mosquitto_pub -h 127.0.0.1 -p "$PORT" "${MQTT_OPTS[@]}" -q 1 \
	    -t "$1" -m "$2"
}

pub_file() {
	mosquitto_pub -h 127.0.0.1 -p "$PORT" "${MQTT_OPTS[@]}" -q 1 \
	    -t "$1" -f "$2"
}

# ---- beacond ---------------------------------------------------------------

# A copy of the test configuration that a test may change.
write_conf() {
	cp "$BEACON_SRC/tests/integration/beacon-test.conf" "$TMP/beacon.conf"
	CONF=$TMP/beacon.conf
}

# conf_supervisor_after SECONDS: the "quick" policy's second step (the
# supervisor, 2 s after the first in beacon-test.conf) moved to SECONDS in
# the test's copy of the configuration (write_conf first), so that only a
# moved test clock, never the time a test takes, makes it fire.
conf_supervisor_after() {
	sed -i "s/{ after = 2; roles = \\[ \"supervisor\" \\]; }/{ after = $1; roles = [ \"supervisor\" ]; }/" \
	    "$CONF"
	grep -q "{ after = $1; roles = \\[ \"supervisor\" \\]; }" "$CONF" ||
		fail "the test could not set the second step's delay"
}

# conf_debrief_later: the debrief's reminder and overdue notice (2 s and
# 4 s after a resolve in beacon-test.conf) an hour and two away, for a test
# that reads an incident's timeline twice and compares (write_conf first).
conf_debrief_later() {
	sed -i 's/^  due = 4;/  due = 7200;/; s/^  reminder = 2;/  reminder = 3600;/' \
	    "$CONF"
	grep -q '^  due = 7200;' "$CONF" && grep -q '^  reminder = 3600;' "$CONF" ||
		fail "the test could not set the debrief's times"
}

# conf_beacon LINES: add LINES, settings, to the beacon: { } group of the
# test's copy of the configuration (write_conf first).
conf_beacon() {
	ADD=$1 awk '{ print } /^beacon: \{$/ { print ENVIRON["ADD"] }' \
	    "$CONF" >"$CONF.new" && mv "$CONF.new" "$CONF"
}

# Start beacond without waiting for it (the broker may not be up yet).
# With TEST_CLOCK=1 it is beacond-test, whose clock clock_move moves.
spawn_beacond() {
	need_beacond
	if [ "${TEST_CLOCK:-0}" = 1 ]; then
		BEACOND=$BEACON_BUILD/beacond-test
		[ -x "$BEACOND" ] || fail "$BEACOND is missing: build first"
	fi
	"$BEACOND" -c "$CONF" --broker "127.0.0.1:$PORT" --db "$DB" -v \
	    2>>"$TMP/beacond.log" &
	BEACOND_PID=$!
	PIDS+=("$BEACOND_PID")
}

# beacond's retained status says online, stamped at or after $1: a stale
# "online" left by an earlier beacond does not count.
daemon_online() {
	local p

	alive "$BEACOND_PID" || fail "beacond exited"
	p=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" "${MQTT_OPTS[@]}" -C 1 -W 2 \
	    -t "$PREFIX/daemon/status" 2>/dev/null) || return 1
	jq -e --arg since "$1" '.state == "online" and .ts >= $since' \
	    <<<"$p"
}

daemon_offline() {
	local p

	p=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" "${MQTT_OPTS[@]}" -C 1 -W 2 \
	    -t "$PREFIX/daemon/status" 2>/dev/null) || return 1
	jq -e '.state == "offline"' <<<"$p"
}

start_beacond() {
	local since

	since=$(now_rfc3339)
	spawn_beacond
	wait_for 10 daemon_online "$since"
}

# SIGTERM; fails the test unless beacond exits 0 within 5 s.
stop_beacond() {
	local rc=0

	kill -TERM "$BEACOND_PID"
	wait_gone "$BEACOND_PID" 5 || fail "beacond ignores SIGTERM"
	wait "$BEACOND_PID" || rc=$?
	((rc == 0)) || fail "beacond exited $rc on SIGTERM"
}

kill9_beacond() {
	kill -KILL "$BEACOND_PID"
	wait "$BEACOND_PID" 2>/dev/null || true
}

# ---- a branch broker bridged to the central one ----------------------------

# bridge_conf BRANCH: `beacon bridge-conf` for BRANCH, bridged to the
# central broker on $PORT, in $TMP/bridge.conf; sets BPORT and BWS, the
# branch broker's MQTT and WebSockets ports.
bridge_conf() {
	cli bridge bridge-conf --branch "$1" --config "$CONF" \
	    --central "127.0.0.1:$PORT" --out "$TMP/bridge.conf"
	expect_rc 0 bridge
	BPORT=$(free_port)
	BWS=$(free_port)
	mkdir -p "$TMP/branch"
}

# start_branch [ADDRESS]: the branch broker, from bridge-conf's file made
# to run here: listeners on loopback ports $BPORT and $BWS (serving the
# pages in $WEB, when set), anonymous, its store in $TMP/branch/, and the
# bridge to ADDRESS (default: the generated one). Sets BRANCH_PID.
start_branch() {
	local web=() addr=()

	[ -z "${WEB:-}" ] ||
		web=(-e "s|^protocol websockets\$|&\nhttp_dir $WEB|")
	[ -z "${1:-}" ] || addr=(-e "s|^address .*|address $1|")
	sed -e "s|^listener 1883\$|listener $BPORT 127.0.0.1|" \
	    -e "s|^listener 9001\$|listener $BWS 127.0.0.1|" \
	    -e 's|^allow_anonymous false$|allow_anonymous true|' \
	    -e '/^password_file /d' -e '/^acl_file /d' \
	    -e "s|^persistence_location .*|persistence_location $TMP/branch/|" \
	    "${web[@]}" "${addr[@]}" "$TMP/bridge.conf" >"$TMP/branch.conf"
	echo "user $(id -un)" >>"$TMP/branch.conf"
	grep -q "^listener $BPORT " "$TMP/branch.conf" ||
		fail "bridge-conf: no MQTT listener on port 1883"
	start_mosquitto branch-mosquitto "$TMP/branch.conf" "$BPORT"
	BRANCH_PID=$OTHER_MOSQ_PID
}

stop_branch() {
	stop_mosquitto branch-mosquitto "$BRANCH_PID"
}

# ---- subscribers -----------------------------------------------------------

# sub NAME PROBE FILTER...: record every message matching the filters as
# "topic payload" lines in $TMP/NAME.log. PROBE is a topic that one of the
# filters matches: the subscription is live once a message sent there
# comes back.
sub() {
	local name=$1 probe=$2 args=() t

	shift 2
	for t; do
		args+=(-t "$t")
	done
	mosquitto_sub -h 127.0.0.1 -p "$PORT" "${MQTT_OPTS[@]}" -q 1 -v \
	    "${args[@]}" >"$TMP/$name.log" 2>>"$TMP/$name.err" &
	PIDS+=("$!")
	wait_for 5 probe_seen "$name" "$probe"
}

probe_seen() {
	mosquitto_pub -h 127.0.0.1 -p "$PORT" "${MQTT_OPTS[@]}" -t "$2" \
	    -m probe 2>/dev/null &&
	    grep -q "^$2 probe$" "$TMP/$1.log"
}

# ---- the test clock (TEST_CLOCK=1) -----------------------------------------

# clock_move MS | @RFC3339: move beacond-test's clock by MS milliseconds
# (negative: back) or to an instant, and return once beacond has fired the
# timers that fell due and published what they decided (it answers on
# test/clock/now after those publications; a subscriber sees them first).
clock_move() {
	local n

	[ -s "$TMP/clock.log" ] ||
		sub clock "$PREFIX/test/clock/now" "$PREFIX/test/clock/now"
	n=$(payloads clock "$PREFIX/test/clock/now" | wc -l)
	pub "$PREFIX/test/clock" "$1"
	wait_for 10 clock_moved "$n"
	CLOCK_NOW=$(payloads clock "$PREFIX/test/clock/now" | tail -n 1)
}

clock_moved() {
	(($(payloads clock "$PREFIX/test/clock/now" | wc -l) > $1))
}

# Every notification, in $TMP/notify.log.
sub_notify() {
	sub notify "$PREFIX/notify/_probe" "$PREFIX/notify/#"
}

# Statuses, incidents and errors, in $TMP/status.log.
sub_status() {
	sub status "$PREFIX/status/_probe/_probe" "$PREFIX/status/#" \
	    "$PREFIX/incident/#" "$PREFIX/error/#"
}

# A barrier: every notification beacond published before this call has
# reached $TMP/notify.log once this returns (the broker delivers to one
# subscriber in order). This is how a test shows that something did NOT
# happen.
notify_barrier() {
	local mark

	mark="$PREFIX/notify/_barrier$(now_ms)"
	mosquitto_pub -h 127.0.0.1 -p "$PORT" "${MQTT_OPTS[@]}" -q 1 \
	    -t "$mark" -m probe
	wait_for 5 grep -q "^$mark probe$" "$TMP/notify.log"
}

# payloads NAME TOPIC: the payloads received on exactly TOPIC, in order,
# without the probes and the empty payloads that clear a retained message
# (mosquitto_sub prints those as "(null)").
payloads() {
	awk -v t="$2 " 'index($0, t) == 1 {
		p = substr($0, length(t) + 1)
		if (p != "probe" && p != "" && p != "(null)")
			print p
	}' "$TMP/$1.log"
}

# count NAME TOPIC [JQ]: how many payloads on TOPIC (for which JQ is true).
count() {
	payloads "$1" "$2" | jq -s "map(select(${3:-true})) | length"
}

# has NAME TOPIC [JQ]: is there a payload on TOPIC (for which JQ is true)?
has() {
	local n

	n=$(count "$@") && ((n > 0))
}

# ---- HTTP and the test push service ----------------------------------------

# http_get NAME URL [CURL ARGS...]: the answer's headers in $TMP/NAME.h
# (names lower-cased, no CR), its body in $TMP/NAME.b; prints the status.
http_get() {
	local name=$1 url=$2

	shift 2
	curl -s --max-time 10 -o "$TMP/$name.b" -D "$TMP/$name.raw" \
	    -w '%{http_code}' "$@" "$url"
	tr -d '\r' <"$TMP/$name.raw" |
	    awk 'NR > 1 && (i = index($0, ": ")) > 0 {
		print tolower(substr($0, 1, i - 1)) substr($0, i) }' \
	    >"$TMP/$name.h"
}

# header NAME FIELD: the value of FIELD in NAME's answer.
header() {
	sed -n "s/^$2: //p" "$TMP/$1.h"
}

# start_pushd NAME ARGS...: the test push service (push_server.py); its
# port in PUSHD_PORT, its requests in $TMP/NAME.jsonl, its pid in PUSHD_PID.
start_pushd() {
	local name=$1

	shift
	rm -f "$TMP/$name.port"
	python3 "$BEACON_SRC/tests/integration/push_server.py" \
	    --log "$TMP/$name.jsonl" --port-file "$TMP/$name.port" "$@" \
	    2>>"$TMP/$name.err" &
	PUSHD_PID=$!
	PIDS+=("$PUSHD_PID")
	wait_for 5 test -s "$TMP/$name.port"
	PUSHD_PORT=$(cat "$TMP/$name.port")
	: >>"$TMP/$name.jsonl"
}

# ---- the CLI ---------------------------------------------------------------

# cli NAME ARGS...: run `beacon ARGS...` with stdout in $TMP/NAME.out and
# stderr in $TMP/NAME.err; its exit status is left in CLI_RC. A CLI that
# hangs is killed after 30 s.
cli() {
	local name=$1

	shift
	need_cli
	CLI_RC=0
	timeout -k 2 30 "$BEACON" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" ||
	    CLI_RC=$?
}

# expect_rc WANT NAME: the last cli call exited WANT.
expect_rc() {
	((CLI_RC == $1)) ||
		fail "beacon $2: exit status $CLI_RC, expected $1"
}

# expect_line NAME REGEX: a line of $TMP/NAME.out matches (grep -E).
expect_line() {
	grep -Eq -- "$2" "$TMP/$1.out" ||
		fail "beacon $1 printed no line matching /$2/"
}

# The incident's timeline as JSON (beacon timeline --json).
timeline_json() {
	need_cli
	timeout -k 2 30 "$BEACON" timeline "$1" --db "$DB" --json
}

# The kinds of an incident's events, space-separated.
timeline_kinds() {
	timeline_json "$1" | jq -r '[.events[].kind] | join(" ")'
}

# expect_eq GOT WANT WHAT
expect_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# ---- supervisor requests ---------------------------------------------------

# query NAME WHO JSON: a request on $PREFIX/query/WHO with an MQTT v5
# response topic and correlation data, as a remote supervisor makes it; the
# answer is left in $TMP/NAME.json. Fails if none comes within 10 s.
query() {
	local name=$1 who=$2 json=$3 rt

	rt="$PREFIX/reply/$who/$name-$(now_ms)"
	sub "$name-reply" "$rt" "$rt"
	mosquitto_pub -h 127.0.0.1 -p "$PORT" "${MQTT_OPTS[@]}" -V mqttv5 \
	    -q 1 -t "$PREFIX/query/$who" -D publish response-topic "$rt" \
	    -D publish correlation-data "corr-$name" -m "$json"
	wait_for 10 has "$name-reply" "$rt" 'has("ok")'
	payloads "$name-reply" "$rt" | head -n 1 >"$TMP/$name.json"
}

# answer NAME JQ: evaluate JQ on the answer of query NAME.
answer() {
	jq -r "$2" "$TMP/$1.json"
}

# ---- the web pages ---------------------------------------------------------

WS_PORT=

# start_broker_ws DIR: a private mosquitto as start_broker makes it, plus a
# websockets listener on 127.0.0.1:WS_PORT (another free port) that serves
# DIR as its http_dir, as conf/mosquitto.conf does for `make run`. Sets PORT
# and WS_PORT.
start_broker_ws() {
	local dir=$1 tries=0

	while :; do
		PORT=$(free_port)
		WS_PORT=$(free_port)
		[ "$WS_PORT" != "$PORT" ] || continue
		{
			broker_conf
			printf 'listener %s 127.0.0.1\nprotocol websockets\n' \
			    "$WS_PORT"
			printf 'http_dir %s\n' "$dir"
		} >"$TMP/mosquitto.conf"
		: >"$TMP/mosquitto.log"
		mosquitto -c "$TMP/mosquitto.conf" >>"$TMP/mosquitto.log" 2>&1 &
		MOSQ_PID=$!
		PIDS+=("$MOSQ_PID")
		broker_wait && return 0
		kill -TERM "$MOSQ_PID" 2>/dev/null || true
		((++tries < 5)) ||
			fail "mosquitto does not start on ports $PORT and $WS_PORT"
	done
}

# need_web: fail unless the pages are built and node, playwright-core and
# Chromium are there (all of them come with make deps and the build); sets
# WEB (the built pages) and CHROMIUM.
need_web() {
	WEB=$BEACON_BUILD/web
	need node
	[ -s "$WEB/stamp" ] ||
		fail "the web pages are not built (node and npm are needed)"
	[ -d "$BEACON_SRC/clients/web/node_modules/playwright-core" ] ||
		fail "playwright-core is not installed (the build runs npm ci)"
	CHROMIUM=$(command -v chromium || command -v chromium-browser) ||
		fail "chromium is not installed (make deps installs it)"
}

# web_test SCRIPT ARGS...: run clients/web/tests/SCRIPT with node; its
# output goes to $TMP/SCRIPT.out and .err (shown if the test fails).
web_test() {
	local script=$1 rc=0

	shift
	BEACON_WEB_URL="http://127.0.0.1:$WS_PORT" \
	    BEACON_BROKER="127.0.0.1:$PORT" BEACON_CLI="$BEACON" \
	    BEACON_TMP="$TMP" CHROMIUM="$CHROMIUM" \
	    timeout -k 5 80 node "$BEACON_SRC/clients/web/tests/$script" "$@" \
	    >"$TMP/${script%.mjs}.out" 2>"$TMP/${script%.mjs}.err" || rc=$?
	((rc == 0)) || fail "$script exited $rc"
}

# web_config BRANCH...: beacond's retained beacon/config/{branch}, from which
# the report page draws its buttons, is there for each BRANCH.
web_config() {
	local b

	for b; do
		wait_for 5 mosquitto_sub -h 127.0.0.1 -p "$PORT" \
		    "${MQTT_OPTS[@]}" -C 1 -W 1 -t "$PREFIX/config/$b"
	done
}

# ---- negative checks -------------------------------------------------------

# hasnt NAME TOPIC [JQ]: true when no payload on TOPIC (for which JQ is
# true) is in $TMP/NAME.log, false when one is. A log that is not there or
# a JQ that cannot be evaluated (a typo, a payload that is not JSON) fails
# the test: `! has` would take either for "none". Call it after a barrier
# (notify_barrier), so that "none" means none was published.
hasnt() {
	local n

	[ -f "$TMP/$1.log" ] || fail "hasnt: no subscriber $1 ($TMP/$1.log)"
	n=$(count "$@") || fail "hasnt $*: the payloads cannot be evaluated"
	[[ $n =~ ^[0-9]+$ ]] || fail "hasnt $*: got '$n', not a count"
	((n == 0))
}
