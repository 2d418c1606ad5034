#!/usr/bin/env bash
# beacon report's spool. A report that gets no status (the broker down,
# beacond down, the command interrupted) stays in the spool and the command
# says so; the next run, or --flush, sends it again with its id, and it
# makes exactly one incident. Two runs at once use two spools. A report
# beacond rejects leaves the spool with the rejection shown, and a line cut
# short is dropped.
. "$(dirname "$0")/lib.sh"

# The spool is not tied to a broker: the reports made while nothing
# listens on DOWN go to the broker started later, on a port of its own.
DOWN=(--broker "127.0.0.1:$(free_port)")
CENTRAL=$BEACON_SPOOL/beacon%2Freport%2Fcentral.spool

# The ids the spool holds, in file order, space-separated.
spooled() {
	cat "$BEACON_SPOOL"/*.spool 2>/dev/null | jq -r .id | paste -sd ' ' ||
	    true
}

spooled_has() {
	[[ " $(spooled) " == *" $1 "* ]]
}

# incidents_of ID: how many incidents report ID made.
incidents_of() {
	timeout -k 2 30 "$BEACON" incidents --db "$DB" --json |
	    jq --arg id "$1" 'map(select(.report == $id)) | length'
}

expect_err() {
	grep -Eq -- "$2" "$TMP/$1.err" ||
		fail "beacon $1 said nothing matching /$2/ on stderr"
}

# ---- the broker down ---------------------------------------------------------
cli down report --branch central --type welfare --id sp-a \
    --location "Front desk" --timeout 1.5 "${DOWN[@]}"
expect_rc 3 down
expect_err down "cannot reach the broker at ${DOWN[1]}"
expect_err down "report sp-a is kept in the spool $BEACON_SPOOL"
expect_eq "$(spooled)" sp-a "the spool after a timeout"
expect_eq "$(jq -r '[.type, .location] | join(",")' "$CENTRAL")" \
    "welfare,Front desk" "the spooled report"
[ "$(stat -c %a "$BEACON_SPOOL")" = 700 ] || fail "the spool is not private"

# Interrupted: kept too. Meanwhile it holds the spool with sp-a, so a run
# at the same time takes a spool of its own.
"$BEACON" report --branch central --type overdose --id sp-int \
    "${DOWN[@]}" >"$TMP/int.out" 2>"$TMP/int.err" &
int=$!
PIDS+=("$int")
wait_for 5 spooled_has sp-int
cli beside report --branch central --type welfare --id sp-c \
    --timeout 1 "${DOWN[@]}"
expect_rc 3 beside
expect_eq "$(jq -r .id "${CENTRAL%.spool}~1.spool")" sp-c \
    "the spool of a second run at once"
kill -INT "$int"
rc=0
wait "$int" || rc=$?
expect_eq "$rc" 130 "beacon report's status on SIGINT"
expect_err int "sending report sp-a \(welfare at central\) again from the spool"
expect_err int "report sp-int is kept in the spool"
expect_eq "$(spooled)" "sp-a sp-int sp-c" "the spool after SIGINT"

# ---- the broker and beacond back: --flush --------------------------------------
start_broker
BROKER=(--broker "127.0.0.1:$PORT")
start_beacond
cli flush report --flush "${BROKER[@]}"
expect_rc 0 flush
for id in sp-a sp-int sp-c; do
	expect_line flush "^[0-9]{2}:[0-9]{2}:[0-9]{2} $id: (received|routed)"
	expect_eq "$(incidents_of "$id")" 1 "incidents of $id"
done
expect_eq "$(spooled)" "" "the spool after --flush"
cli empty report --flush "${BROKER[@]}"
expect_rc 0 empty
expect_line empty "^no reports in the spool $BEACON_SPOOL$"

# ---- beacond down, the broker up ----------------------------------------------
kill9_beacond
cli away report --branch central --type welfare --id sp-b --timeout 1.5 \
    "${BROKER[@]}"
expect_rc 3 away
expect_err away "no answer from beacond within 1.5 s"
expect_err away "report sp-b is kept in the spool"
expect_eq "$(spooled)" sp-b "the spool while beacond is down"
# beacond's session kept the copies sent meanwhile; the spool's copy is
# one more, and the same report.
start_beacond
cli flush2 report --flush "${BROKER[@]}"
expect_rc 0 flush2
expect_eq "$(spooled)" "" "the spool after beacond came back"
expect_eq "$(incidents_of sp-b)" 1 "incidents of sp-b"

# ---- rejected, and a line cut short --------------------------------------------
stop_beacond
cli bad report --branch central --type nosuch --id sp-bad --timeout 1 \
    "${BROKER[@]}"
expect_rc 3 bad
printf '{"id": "sp-cut", "ty' >>"$CENTRAL"
start_beacond
cli flush3 report --flush "${BROKER[@]}"
expect_rc 2 flush3
expect_err flush3 'spooled report sp-bad rejected: type: unknown type "nosuch"; taken out of the spool'
expect_err flush3 "spool $CENTRAL:2: unreadable report dropped"
expect_eq "$(spooled)" "" "the spool after a rejection"
[ "$(wc -c <"$CENTRAL")" = 0 ] || fail "the spool kept the line cut short"
expect_eq "$(incidents_of sp-bad)" 0 "incidents of sp-bad"

# ---- the next ordinary run sends what the spool holds first -----------------------
cli lost report --branch central --type welfare --id sp-d1 --timeout 1 \
    "${DOWN[@]}"
expect_rc 3 lost
cli next report --branch central --type overdose --id sp-d2 \
    "${BROKER[@]}"
expect_rc 0 next
expect_line next 'routed: 3 responders notified, CALL 911'
expect_err next 'spooled report sp-d1: (received|routed)'
! grep -q sp-d1 "$TMP/next.out" || fail "the spooled report on stdout"
expect_eq "$(spooled)" "" "the spool after the next run"
expect_eq "$(incidents_of sp-d1)" 1 "incidents of sp-d1"
expect_eq "$(incidents_of sp-d2)" 1 "incidents of sp-d2"
stop_beacond
