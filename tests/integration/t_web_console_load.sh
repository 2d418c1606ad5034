#!/usr/bin/env bash
# The console with 500 open incidents (clients/web/tests/console_load.mjs):
# 500 reports made through the broker, then console.html loaded in a fresh
# browser context: all 500 rows on the board, and the responders of every
# row filled in from the board answer, which comes in parts. The times are
# printed; bench/console.sh measures them (docs/benchmarks.md).
. "$(dirname "$0")/lib.sh"

write_conf
conf_supervisor_after 6000
TEST_CLOCK=1
need_web
start_broker_ws "$WEB"
start_beacond
web_config central

web_test console_load.mjs 500
grep -E 'board drawn' "$TMP/console_load.out"
stop_beacond
