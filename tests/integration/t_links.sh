#!/usr/bin/env bash
# Signed action links (docs/protocol.md, "Action links"): the links a push
# carries let a responder acknowledge or decline from the notification.
# Here they are taken from the ntfy push (the test push service) and used
# with curl: a GET asks first and never acts; a POST acts once, as
# beacon/respond would, marked via push on the timeline; the same link again
# changes nothing; a tampered, foreign or expired link gets 403; a link for
# a resolved incident gets 409; other methods 405; and one address that
# asks too often gets 429.
TEST_CLOCK=1
. "$(dirname "$0")/lib.sh"

need python3
need curl
need jq

events() {
	timeline_json "$1" | jq --arg k "$2" \
	    "[.events[] | select(.kind == \$k) | select(${3:-true})] | length"
}

# link N ACTION: the link of incident N's push to crisis-1.
link() {
	jq -r --argjson n "$1" --arg a "$2" 'select(.json.topic == "crisis-1"
	    and (.json.message | contains("Incident \($n),"))) | .json.actions[]
	    | select(.label == $a) | .url' "$TMP/pushd.jsonl" | head -n 1
}

has_link() {
	[ -n "$(link "$1" "$2")" ]
}

# post NAME URL [CURL ARGS]: POST, JSON asked for; the status is printed,
# the body left in $TMP/NAME.json.
post() {
	local name=$1 url=$2

	shift 2
	curl -s -o "$TMP/$name.json" -D "$TMP/$name.h" -w '%{http_code}' \
	    -X POST -H 'Accept: application/json' "$@" "$url"
}

report() {
	cli "report-$2" report --broker "127.0.0.1:$PORT" --branch central \
	    --type child_safety --id "$2"
	expect_rc 0 "report-$2"
	wait_for 10 has_link "$1" Acknowledge
}

start_pushd pushd
write_conf
HTTP_PORT=$(free_port)
cat >>"$CONF" <<EOF2
push: { url = "http://127.0.0.1:$(cat "$TMP/pushd.port")/"; timeout = 2; retries = 0; };
http = { listen = "127.0.0.1:$HTTP_PORT"; root = "$BEACON_BUILD/web"; };
links = { lifetime = 600; };
EOF2
start_broker
start_beacond
sub_status
BASE=http://127.0.0.1:$HTTP_PORT

# ---- the push carries the links ---------------------------------------------

report 1 cs-1
ACK=$(link 1 Acknowledge)
DECLINE=$(link 1 Decline)
case $ACK in "$BASE/a/"*) ;; *) fail "the link is not under $BASE: $ACK" ;; esac
expect_eq "$(jq -r 'select(.json.topic == "crisis-1") | .json.actions[0] |
    "\(.action) \(.method) \(.clear)"' "$TMP/pushd.jsonl" | head -n 1)" \
    "http POST true" "ntfy's first action"
expect_eq "$(jq -r 'select(.json.topic == "crisis-1") | .json.click' \
    "$TMP/pushd.jsonl" | head -n 1)" "$BASE/responder.html#incident=1" \
    "ntfy's click"

# ---- GET asks, and does nothing ---------------------------------------------

code=$(curl -s -o "$TMP/get.html" -D "$TMP/get.h" -w '%{http_code}' "$ACK")
expect_eq "$code" 200 "GET of a link"
grep -q 'Acknowledge incident 1?' "$TMP/get.html" ||
	fail "the page does not ask: $(cat "$TMP/get.html")"
grep -q 'Child safety at Central Library' "$TMP/get.html" ||
	fail "the page does not say what the incident is"
grep -q '<form method="post"><button type="submit"' "$TMP/get.html" ||
	fail "the page has no button that POSTs"
grep -qi '^cache-control: no-store' "$TMP/get.h" || fail "the page may be cached"
expect_eq "$(events 1 ack)" 0 "acknowledgments after a GET"

# ---- tampered and foreign links ---------------------------------------------

token=${ACK#"$BASE/a/"}
payload=${token%%.*}
mac=${token#*.}
# The same signature on a payload that names someone else.
other=$(printf '%s' "$payload" | tr _- /+ | base64 -d 2>/dev/null |
    sed 's/crisis-1/security-1/' | base64 -w0 | tr /+ _- | tr -d =)
expect_eq "$(post forged "$BASE/a/$other.$mac")" 403 "a link for another responder"
jq -e '.ok == false and (.error | contains("not valid"))' "$TMP/forged.json" \
    >/dev/null || fail "the refusal does not say why: $(cat "$TMP/forged.json")"
# A signature from another Beacon (another secret).
expect_eq "$(post foreign "$BASE/a/$payload.${mac:1}A")" 403 "a foreign signature"
expect_eq "$(post cut "$BASE/a/$payload")" 403 "a link without its signature"
expect_eq "$(post junk "$BASE/a/%00..%2f")" 403 "a link that is not one"
expect_eq "$(events 1 ack)" 0 "acknowledgments after refused links"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$ACK")" 405 \
    "PUT on a link"

# ---- POST acts once ---------------------------------------------------------

expect_eq "$(post ack "$ACK" -H 'Origin: https://app.example.org')" 200 \
    "POST of the acknowledge link"
grep -qi '^access-control-allow-origin: \*' "$TMP/ack.h" ||
	fail "a service worker of another origin could not read the answer"
jq -e '.ok and .incident == 1 and .action == "ack" and
    .responder == "crisis-1" and .repeat == false' "$TMP/ack.json" \
    >/dev/null || fail "the answer: $(cat "$TMP/ack.json")"
wait_for 5 has status "$PREFIX/status/central/cs-1" \
    '.state == "acknowledged" and (.message | contains("crisis-1"))'
expect_eq "$(events 1 ack '.actor == "crisis-1" and .detail == "via push"')" 1 \
    "the acknowledgment on the timeline, via push"
expect_eq "$(post again "$ACK")" 200 "the same link again"
jq -e '.ok and .repeat == true' "$TMP/again.json" >/dev/null ||
	fail "a second use is not said to be one: $(cat "$TMP/again.json")"
expect_eq "$(events 1 ack)" 1 "acknowledgments after the link was used twice"
# A person's browser gets a page, not JSON.
code=$(curl -s -o "$TMP/form.html" -w '%{http_code}' -X POST "$ACK")
expect_eq "$code" 200 "the form's POST"
grep -q 'Already answered with this link' "$TMP/form.html" ||
	fail "the page after a second use: $(cat "$TMP/form.html")"

# ---- a resolved incident: 409 -----------------------------------------------

cli resolve resolve 1 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 resolve
wait_for 5 has status "$PREFIX/status/central/cs-1" '.state == "resolved"'
expect_eq "$(post late "$DECLINE")" 409 "declining a resolved incident"
jq -e '.ok == false and (.error | contains("already resolved"))' \
    "$TMP/late.json" >/dev/null || fail "the 409: $(cat "$TMP/late.json")"
expect_eq "$(events 1 decline)" 0 "declines of a resolved incident"

# ---- an expired link: 403, nothing recorded ---------------------------------

report 2 cs-2
OLD=$(link 2 Acknowledge)
clock_move 601000
expect_eq "$(post expired "$OLD")" 403 "an expired link"
jq -e '.error | contains("expired")' "$TMP/expired.json" >/dev/null ||
	fail "the refusal does not say expired: $(cat "$TMP/expired.json")"
expect_eq "$(events 2 ack)" 0 "acknowledgments by an expired link"

# ---- too many requests from one address -------------------------------------

# A new window (a minute of the test clock): 30 requests, then 429.
clock_move 61000
for i in $(seq 1 40); do
	code=$(post flood "$BASE/a/x.y")
	[ "$code" = 429 ] && break
done
expect_eq "$code" 429 "requests past the limit"
grep -qi '^retry-after: 60' "$TMP/flood.h" || fail "no Retry-After"
expect_eq "$i" 31 "the request that was refused first"
alive "$BEACOND_PID" || fail "beacond stopped"
say "ok"
