#!/usr/bin/env bash
# The console's debriefs and on-duty views in headless Chromium
# (clients/web/tests/console_forms.mjs), with Central in America/Toronto:
# three incidents resolved with the CLI are listed as debriefs due, the
# first OVERDUE (the test clock moved past its due time); the debrief form
# records what `beacon debrief` records for the same content (the request
# sent and the record kept, revision for revision); bad values are shown
# by their fields and nothing is recorded; an override set from #duty
# changes `beacon oncall`'s answer and Clear undoes it; a refusal of
# beacond's (a referral type taken out of its configuration) is shown by
# its field. The pictures of
# each view at 1280x800 and 820x1180 are left in build/console-*.png.
. "$(dirname "$0")/lib.sh"

write_conf
conf_debrief_later
sed -i 's/id = "central";  name = "Central Library"; timezone = "UTC";/id = "central";  name = "Central Library"; timezone = "America\/Toronto";/' \
    "$CONF"
grep -q 'timezone = "America/Toronto"' "$CONF" ||
	fail "the test could not set Central's time zone"
TEST_CLOCK=1
need_web
start_broker_ws "$WEB"
start_beacond
web_config central eastside
B=(--broker "127.0.0.1:$PORT")

# Incident 1 resolved, its debrief overdue two hours later; 2 and 3
# resolved then, due.
resolved() {
	cli "report-$1" report --branch central --type "$2" --id "forms-$1" \
	    --location "Reading room" "${B[@]}"
	expect_rc 0 "report $1"
	cli "resolve-$1" resolve "$1" --as crisis-1 "${B[@]}"
	expect_rc 0 "resolve $1"
}
resolved 1 overdose
clock_move 7201000
resolved 2 welfare
resolved 3 welfare

web_test console_forms.mjs "$TMP" "$BEACOND_PID" "$CONF"
grep -E ': the same|^[0-9:.]+ (at \+|set:|cleared:|df-|beacon debrief 3)' "$TMP/console_forms.out"
cp "$TMP"/console-*.png "$BEACON_BUILD/"

# Both incidents' debriefs as kept, for the record: two revisions each.
for i in 2 3; do
	cli "all-$i" debrief "$i" --all --json --db "$DB"
	expect_eq "$(jq -c 'map(.revision)' "$TMP/all-$i.out")" "[1,2]" \
	    "revisions of incident $i"
done
stop_beacond
