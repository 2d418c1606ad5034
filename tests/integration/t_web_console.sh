#!/usr/bin/env bash
# The supervisor console in headless Chromium (clients/web/tests/
# console.mjs), served by the broker's websockets listener and talking to
# beacond with supervisor requests: a report made with the command line is
# on the live board within a second with its countdown; crisis-1's
# acknowledgment from the responder app updates its row; the incident's
# replay at 60x shows the events in the recorded order and the gaps that
# `beacon replay --json` prints; a correction is shown under the event it
# corrects; a drill is started and stopped from the branches view; the
# board report opens in a new tab; a responder's account is refused in
# words. Pictures of the board, an
# incident, the branches and the reports at 1280x800 and 820x1180 go to
# build/console-*.png. On the test clock: the supervisor's step is 600 s
# away, and clock_move makes the minutes between the answers.
. "$(dirname "$0")/lib.sh"

write_conf
conf_supervisor_after 600
conf_debrief_later
# Central keeps Toronto's time: the page must say so.
sed -i 's/{ id = "central";  name = "Central Library"; timezone = "UTC"; }/{ id = "central";  name = "Central Library"; timezone = "America\/Toronto"; }/' \
    "$CONF"
grep -q 'America/Toronto' "$CONF" || fail "the time zone was not set"
TEST_CLOCK=1
need_web
# beacond's own listener, for the board report's link.
HTTP_PORT=$(free_port)
printf 'http = { listen = "127.0.0.1:%s"; root = "%s"; url = "http://127.0.0.1:%s"; };\n' \
    "$HTTP_PORT" "$WEB" "$HTTP_PORT" >>"$CONF"
start_broker_ws "$WEB"
start_beacond
sub_notify
sub_status
web_config central eastside

web_test console.mjs "$TMP"
for f in "$TMP"/console-*.png; do
	cp "$f" "$BEACON_BUILD/"
done

# What the page did is beacond's record: the acknowledgment from the app,
# the correction and the legal hold, each by its author.
timeline_json 1 | jq -e '[.events[] | select(.kind == "ack")][0].actor ==
    "crisis-1"' >/dev/null || fail "incident 1: $(timeline_kinds 1)"
timeline_json 1 | jq -e '[.events[] | select(.kind == "correction")][0] |
    .actor == "supervisor-1" and .corrects > 0' >/dev/null ||
	fail "no correction by supervisor-1: $(timeline_kinds 1)"
timeline_json 1 | jq -e '[.events[] | select(.kind == "hold" or
    .kind == "hold_released") | [.kind, .actor]] == [["hold", "supervisor-1"],
    ["hold_released", "supervisor-1"]]' >/dev/null ||
	fail "incident 1's legal hold: $(timeline_kinds 1)"
stop_beacond
