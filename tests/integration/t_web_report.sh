#!/usr/bin/env bash
# The staff report page in headless Chromium, served by the broker's
# websockets listener (http_dir): its buttons come from beacond's retained
# branch configuration; an overdose shows "received", then its routing and
# CALL 911 NOW in red; pressing again and reloading make no second
# incident; at Eastside nobody can be reached and the page says so in red;
# a drilled overdose says what a real one would need, never CALL 911, and is
# recorded as a drill. The pictures are left in build/report-page*.png.
. "$(dirname "$0")/lib.sh"

need_web
start_broker_ws "$WEB"
start_beacond
sub_status
web_config central eastside

web_test report.mjs "$TMP/report-page.png"
cp "$TMP/report-page.png" "$BEACON_BUILD/report-page.png"
cp "$TMP/report-page-drill.png" "$BEACON_BUILD/report-page-drill.png"
mapfile -t ids <"$TMP/report-ids"
((${#ids[@]} == 3)) || fail "report ids: ${ids[*]}"

# One incident per report, whatever the retries; the overdose's repeat is
# on its timeline as a duplicate.
cli list incidents --db "$DB" --json
expect_rc 0 incidents
expect_eq "$(jq length "$TMP/list.out")" 3 "incidents"
for i in 0 1 2; do
	expect_eq "$(jq --arg r "${ids[i]}" 'map(select(.report == $r)) |
	    length' "$TMP/list.out")" 1 "incidents of report ${ids[i]}"
done
jq -e --arg r "${ids[0]}" '.[] | select(.report == $r) |
    .type == "overdose" and .location == "Main floor, east washroom" and
    .call_911 and (.drill | not)' "$TMP/list.out" >/dev/null ||
	fail "the overdose as recorded: $(cat "$TMP/list.out")"
jq -e --arg r "${ids[2]}" '.[] | select(.report == $r) | .drill' \
    "$TMP/list.out" >/dev/null || fail "the drill was not recorded as one"
timeline_kinds 1 | grep -qw duplicate ||
	fail "no duplicate on the overdose's timeline: $(timeline_kinds 1)"

# The page said where it is: retained presence of a report page at Central.
p=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 2 \
    -t "$PREFIX/device/central/+")
jq -e '.kind == "report_page"' <<<"$p" >/dev/null ||
	fail "presence of the report page: $p"
stop_beacond
