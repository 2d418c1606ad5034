#!/usr/bin/env bash
# Long unbroken text on a 360 px phone, in headless Chromium: an alert
# whose location and note are 128 characters without a space keeps the
# responder app and the staff report page as wide as the screen, their
# action buttons on it, and the board report of them fits the screen too
# (clients/web/tests/narrow.mjs). The pictures are
# left in build/narrow-*.png.
. "$(dirname "$0")/lib.sh"

need_web
start_broker_ws "$WEB"
start_beacond
web_config central eastside

web_test narrow.mjs "$BEACON_BUILD/narrow"

# The board report of these incidents, on the same phone.
cli board report-html --db "$DB" --config "$CONF" --out "$TMP/board.html"
expect_rc 0 report-html
web_test narrow.mjs "$BEACON_BUILD/narrow" "$TMP/board.html"
stop_beacond
