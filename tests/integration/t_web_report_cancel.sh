#!/usr/bin/env bash
# The staff report page's Cancel button in headless Chromium: a severity 3
# report can be cancelled while it waits, and then nobody is ever
# notified; a severity 1 report offers no cancel and is routed at once; a
# report from a branch in drill mode is labelled DRILL on the page.
. "$(dirname "$0")/lib.sh"

need_web
TEST_CLOCK=1
write_conf
# A window long enough for the page to be seen and pressed.
sed -i 's/^  cancel_window = 0;/  cancel_window = 8;/' "$CONF"
grep -q 'cancel_window = 8;' "$CONF" || fail "test configuration not set"
start_broker_ws "$WEB"
start_beacond
sub_notify
web_config central eastside
until=$(date -u -d "+1 hour" +%Y-%m-%dT%H:%M:%SZ)
cli ds drill start --branch eastside --until "$until" --as supervisor-1 \
    --broker "127.0.0.1:$PORT"
expect_rc 0 "drill start"

web_test report_cancel.mjs
mapfile -t ids <"$TMP/report-ids"
((${#ids[@]} == 3)) || fail "report ids: ${ids[*]}"

cli list incidents --db "$DB" --json
jq -e --arg r "${ids[0]}" '.[] | select(.report == $r) |
    .state == "resolved" and .notified == 0' "$TMP/list.out" >/dev/null ||
	fail "the cancelled report as recorded: $(cat "$TMP/list.out")"
inc=$(jq --arg r "${ids[0]}" '.[] | select(.report == $r) | .incident' \
    "$TMP/list.out")
[[ $(timeline_kinds "$inc") == *cancelled* ]] ||
	fail "timeline $inc: $(timeline_kinds "$inc")"
# Past its window, still nobody was notified of it; the overdose was.
clock_move 10000
notify_barrier
expect_eq "$(count notify "$PREFIX/notify/crisis-1" ".incident == $inc")" 0 \
    "notifications of the cancelled report"
has notify "$PREFIX/notify/crisis-1" '.type == "overdose"' ||
	fail "the overdose was not sent"
jq -e --arg r "${ids[2]}" '.[] | select(.report == $r) | .drill' \
    "$TMP/list.out" >/dev/null || fail "the drill-mode report is no drill"
stop_beacond
