#!/usr/bin/env bash
# A report whose location is 10,000 characters without a space, and whose
# note is over its limit too, is still an alarm: it is cut, recorded and
# routed, and the reporter's status says which fields were shortened, in
# words and as a list (`shortened`); the timeline keeps the fact. A report
# within every limit says nothing of the kind.
. "$(dirname "$0")/lib.sh"

start_broker
start_beacond
sub_notify
sub_status

loc=$(head -c 10000 /dev/zero | tr '\0' 'L')
note=$(head -c 600 /dev/zero | tr '\0' 'n')
jq -nc --arg l "$loc" --arg n "$note" '{id: "long-1", type: "overdose",
    location: $l, note: $n, device: "desk-1"}' >"$TMP/long.json"
pub_file "$PREFIX/report/central" "$TMP/long.json"

wait_for 5 has status "$PREFIX/status/central/long-1" '.state == "routed"'
payloads status "$PREFIX/status/central/long-1"
has status "$PREFIX/status/central/long-1" '.state == "received" and
    .shortened == ["location", "note"] and
    .message == "received; location shortened to 128 bytes, note shortened to 512 bytes"' ||
	fail "the first status does not say what was shortened"
has status "$PREFIX/status/central/long-1" '.state == "routed" and
    .shortened == ["location", "note"] and
    (.message | startswith("routed: 3 responders notified, CALL 911; ")) and
    (.message | endswith("location shortened to 128 bytes, note shortened to 512 bytes"))' ||
	fail "the routed status does not say what was shortened"

# Routed as any overdose, with the first 128 bytes of the location.
notify_barrier
for r in crisis-1 security-1 dispatch; do
	has notify "$PREFIX/notify/$r" '.incident == 1 and
	    (.location | length) == 128 and (.note | length) == 512' ||
		fail "$r was not notified of the long report"
done
timeline_json 1 | jq -e '.events[0].kind == "reported" and (.events[0].detail |
    endswith("; location shortened to 128 bytes, note shortened to 512 bytes"))' \
    >/dev/null || fail "the timeline does not keep what was shortened"

# Within the limits: nothing said.
cli short report --broker "127.0.0.1:$PORT" --branch central \
    --type welfare --location "Reading room" --id short-1
expect_rc 0 short
grep -q shortened "$TMP/short.out" && fail "a short report said shortened"
has status "$PREFIX/status/central/short-1" 'has("shortened")' &&
	fail "a short report's status has shortened"

# The CLI cuts before it sends, and says so.
cli long report --broker "127.0.0.1:$PORT" --branch central \
    --type welfare --location "$loc" --id long-2
expect_rc 0 long
grep -qx 'beacon: location shortened to 128 bytes; the report is sent' \
    "$TMP/long.err" || fail "beacon report: $(cat "$TMP/long.err")"
expect_line long 'routed: 1 responder notified$'
stop_beacond
