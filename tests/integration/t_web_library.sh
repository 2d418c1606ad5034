#!/usr/bin/env bash
# Ids checked against the configuration, in headless Chromium: beacond
# publishes beacon/config/_library (ids and labels, nothing personal); the
# responder app refuses a responder id that is not in it, the report page
# a branch that is not; the open-incident list shows labels, not ids
# (clients/web/tests/library.mjs). The refusal's picture is left in
# build/responder-refused.png.
. "$(dirname "$0")/lib.sh"

need_web
start_broker_ws "$WEB"
start_beacond
web_config central eastside _library

# What the topic holds: every branch, category and responder, by id and
# label (and its labels per language), and no responder's name.
p=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 2 \
    -t "$PREFIX/config/_library")
jq -e '(.branches | map(.branch + "=" + .name)) ==
        ["central=Central Library", "eastside=Eastside Branch"] and
    (.categories | map(.type) | index("child_safety")) != null and
    (.categories[] | select(.type == "child_safety") | .label) ==
        "Child safety" and
    (.responders | map(.id) | sort) == ["crisis-1", "dispatch", "manager-1",
        "security-1", "security-2", "staff-central", "supervisor-1"] and
    (.responders[] | select(.id == "crisis-1")) ==
        {"id": "crisis-1", "role": "crisis_worker", "label": "crisis worker",
        "labels": {"en": "crisis worker"}} and
    (tostring | test("Crisis worker on duty") | not)' <<<"$p" >/dev/null ||
	fail "beacon/config/_library: $p"

web_test library.mjs "$BEACON_BUILD/responder-refused.png"

# The refused id left nothing behind: no retained presence.
p=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 1 \
    -t "$PREFIX/device/_responders/crisis1" 2>/dev/null || true)
[ -z "$p" ] || fail "a presence for the refused crisis1: $p"
cli devices devices --db "$DB"
expect_rc 0 devices
cat "$TMP/devices.out"
grep -E '\bcrisis1\b' "$TMP/devices.out" | grep -qw online &&
	fail "beacond still has the refused crisis1 online"

# A branch may not take the topic's name.
write_conf
sed -i 's/{ id = "eastside";/{ id = "_library";/' "$CONF"
"$BEACOND" --check-config -c "$CONF" >"$TMP/check.out" 2>&1 &&
	fail "a branch named _library was accepted"
grep -q '"_library" is reserved' "$TMP/check.out" ||
	fail "check-config: $(cat "$TMP/check.out")"
stop_beacond
