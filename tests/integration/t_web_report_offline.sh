#!/usr/bin/env bash
# The staff report page's "Offline: call directly" in headless Chromium,
# where it matters: the page talks to its branch's broker (bridge-conf's
# configuration, with a websockets listener serving the pages), and the
# branch's link to the central broker where beacond runs goes down (the
# bridge pointed at a port where nothing listens). The branch broker still
# takes the report and still holds beacond's last "online"; after
# devices.no_answer (3 s here) without an answer the page says "Offline:
# call directly" with what to do instead. When the link is back the report
# is routed once and the page shows it (report_offline.mjs).
. "$(dirname "$0")/lib.sh"

need_web
need_cli
unset BEACON_USERNAME BEACON_CAFILE BEACON_CERT BEACON_KEY
write_conf
printf '\ndevices: {\n  no_answer = 3;\n};\n' >>"$CONF"

start_broker
CPORT=$PORT
start_beacond
web_config eastside
mosquitto_sub -h 127.0.0.1 -p "$CPORT" -C 1 -W 2 \
    -t "$PREFIX/config/eastside" | jq -e '.offline_after == 3' >/dev/null ||
	fail "beacon/config/eastside has no offline_after of 3"

bridge_conf eastside
DEAD=$(free_port)

branch_ready() {
	mosquitto_sub -h 127.0.0.1 -p "$BPORT" -C 2 -W 1 \
	    -t "$PREFIX/config/eastside" -t "$PREFIX/daemon/status" \
	    2>/dev/null | jq -se 'map(select(.offline_after == 3 or
	    .state == "online")) | length == 2'
}

start_branch "127.0.0.1:$CPORT"
wait_for 20 branch_ready

# The link to the centre goes: the branch's broker starts again with its
# bridge pointing at a port where nothing listens. What it keeps (beacond's
# last "online", the branch's configuration) is still there.
stop_branch
start_branch "127.0.0.1:$DEAD"
wait_for 5 branch_ready

(WS_PORT=$BWS PORT=$BPORT web_test report_offline.mjs) &
NODE=$!
PIDS+=("$NODE")
page_offline() {
	alive "$NODE" || [ -e "$TMP/offline-shown" ] ||
		fail "report_offline.mjs ended before the offline notice"
	[ -e "$TMP/offline-shown" ]
}
wait_for 30 page_offline

# The link back: the page's report, waiting in the branch's broker and
# sent again by the page, reaches beacond and its status the page.
stop_branch
start_branch "127.0.0.1:$CPORT"
wait "$NODE" || fail "report_offline.mjs failed"

id=$(cat "$TMP/report-id")
cli list incidents --db "$DB" --json
expect_rc 0 incidents
expect_eq "$(jq --arg r "$id" '[.[] | select(.report == $r)] | length' \
    "$TMP/list.out")" 1 "incidents of the page's report"
stop_beacond
