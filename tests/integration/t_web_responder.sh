#!/usr/bin/env bash
# The responder app in headless Chromium, served by the broker's websockets
# listener (http_dir) and talking MQTT over it: a welfare report from the
# CLI fills crisis-1's screen, Acknowledge reaches the reporter with the
# responder's name and stops the escalation to the supervisor; a report made
# while the app is closed is waiting when it opens again. The alert card's
# picture is left in build/responder-alert.png. On the test clock, which
# runs with the wall clock plus what clock_move adds: the escalation is 600 s
# away, so that only clock_move, never a slow browser, makes it fall due.
. "$(dirname "$0")/lib.sh"

write_conf
conf_supervisor_after 600
TEST_CLOCK=1
need_web
start_broker_ws "$WEB"
start_beacond
sub_notify
sub_status
web_config central eastside

web_test responder.mjs "$TMP/responder-alert.png"
cp "$TMP/responder-alert.png" "$BEACON_BUILD/responder-alert.png"

# The reporter reads the responder's name.
wait_for 5 has status "$PREFIX/status/central/web-r1" \
    '.state == "acknowledged" and .by == "crisis-1" and
     (.message | test("crisis-1"))'
has status "$PREFIX/incident/1" '.acked_by == "crisis-1"' ||
	fail "the incident does not name crisis-1"

# The second report, never acknowledged, escalates to the supervisor 600 s
# after it was made; the first one's deadline came earlier, so had the
# acknowledgment not stopped it, it would fire with it.
clock_move 601000
wait_for 10 has notify "$PREFIX/notify/supervisor-1" \
    '.incident == 2 and .step == 1'
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/supervisor-1" '.incident == 1')" 0 \
    "escalations of the acknowledged incident"
expect_eq "$(timeline_kinds 1)" "reported notified ack" "timeline of 1"

# The app said who it is (responder.mjs saw "online" while it was open)
# and, closed with the browser, that it has gone: its clean close or its
# will, which the broker sends when the connection drops.
app_offline() {
	p=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 2 \
	    -t "$PREFIX/device/_responders/crisis-1")
	jq -e '.kind == "responder_app" and .state == "offline"' <<<"$p"
}
wait_for 10 app_offline
stop_beacond
