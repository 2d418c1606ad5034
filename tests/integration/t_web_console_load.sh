#!/usr/bin/env bash
# The console with 500 open incidents (clients/web/tests/console_load.mjs):
# 500 reports made through the broker, then console.html loaded three
# times in a fresh browser context each, timed from the navigation's start
# to its board drawn (body data-ready="1") with all 500 rows, and the
# responders of every row filled in once the board answer is in. Prints the
# times, with where they went (the page's performance marks and its files);
# fails when the median is above 3 s, as when the board waited for the
# board answer, which the broker's websockets take seconds to pass.
. "$(dirname "$0")/lib.sh"

write_conf
conf_supervisor_after 6000
TEST_CLOCK=1
need_web
start_broker_ws "$WEB"
start_beacond
web_config central

web_test console_load.mjs 500
grep -E 'load [0-9]|board drawn|who was' "$TMP/console_load.out"
stop_beacond
