#!/usr/bin/env bash
# axe-core, the accessibility checker, in headless Chromium: the staff
# report page of a branch, the responder app signed in with an alert card
# shown (before and after Acknowledge), and the supervisor's console
# (board, incident, debriefs, the debrief form, on duty, branches,
# reports) have no violation
# of impact serious or critical (clients/web/tests/axe.mjs prints every
# violation it finds). With the argument "pages", only the report page and
# the responder app are checked.
. "$(dirname "$0")/lib.sh"

need_web
[ -d "$BEACON_SRC/clients/web/node_modules/axe-core" ] ||
	fail "axe-core is not installed (the build runs npm ci)"
start_broker_ws "$WEB"
start_beacond
web_config central eastside

web_test axe.mjs "$@"
sed -n '/violation/p' "$TMP/axe.out"
stop_beacond
