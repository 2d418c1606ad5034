#!/usr/bin/env bash
# The responder app shows a stand-down: when another responder takes the
# incident, the card names who took it and the alarm stops.
. "$(dirname "$0")/lib.sh"

need_web
start_broker_ws "$WEB"
start_beacond
sub_notify
web_config central

web_test stand_down.mjs
has notify "$PREFIX/notify/crisis-1" \
    '.kind == "stand_down" and .by == "security-1"' ||
	fail "no stand-down was published to crisis-1"
stop_beacond
