#!/usr/bin/env bash
# Related and joined reports in the responder app, in headless Chromium
# (clients/web/tests/related.mjs): two welfare reports from two desks at two
# places are two alerts, each saying it may be related to the other; the
# first desk pressing again joins the first, whose card then shows both
# places and the new note. The welfare policy's escalation to the
# supervisor is moved from 2 s to 600 s, so that a slow browser cannot let
# it fire before the third report is told who is called.
. "$(dirname "$0")/lib.sh"

need_web
write_conf
sed -i 's/^  repeat_window = 0;/  repeat_window = 120;/' "$CONF"
grep -q 'repeat_window = 120;' "$CONF" || fail "test configuration not set"
conf_supervisor_after 600
start_broker_ws "$WEB"
start_beacond
sub_notify
sub_status
web_config central

web_test related.mjs
wait_for 5 has status "$PREFIX/incident/1" \
    '.related == [2] and .locations == ["Children'"'"'s area, 1st floor", "Lobby"]'
has status "$PREFIX/incident/2" '.related == [1]' ||
	fail "incident 2 is not related to 1"
stop_beacond
