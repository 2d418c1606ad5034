#!/usr/bin/env bash
# Web Push to the responder app's subscriptions, against a real push
# service stand-in (web-push-testing, from npm: it checks each push's VAPID
# token and decrypts its aes128gcm body): the public key beacond publishes,
# a subscription registered over MQTT (and one refused), a report's push
# that decrypts to the notification the service worker shows, its ack link
# acting, a stand-down pushed without actions, a subscription the service
# answers 410 for dropped, and a push service that hangs or is gone
# costing MQTT routing nothing while push_failed is recorded.
. "$(dirname "$0")/lib.sh"

need node curl python3
WPS=$BEACON_SRC/clients/web/tests/webpush_service.mjs
[ -d "$BEACON_SRC/clients/web/node_modules/web-push-testing" ] ||
	fail "web-push-testing is not installed (the build runs npm ci)"

# start_wps: the push service, on a port of its choosing; its port in
# WPS_PORT, its pid in WPS_PID, each request it received as a JSON line in
# $TMP/wps.jsonl (clients/web/tests/webpush_service.mjs).
start_wps() {
	rm -f "$TMP/wps.port"
	: >>"$TMP/wps.jsonl"
	node "$WPS" serve --port-file "$TMP/wps.port" --log "$TMP/wps.jsonl" \
	    >>"$TMP/wps.out" 2>>"$TMP/wps.err" &
	WPS_PID=$!
	PIDS+=("$WPS_PID")
	wait_for 10 test -s "$TMP/wps.port"
	WPS_PORT=$(cat "$TMP/wps.port")
}

# wps COMMAND ARGS...: a request to the push service (subscribe, messages,
# expire).
wps() {
	timeout -k 2 20 node "$WPS" "$1" --port "$WPS_PORT" "${@:2}"
}

# pushes [JQ]: how many requests the push service received (for which JQ
# is true).
pushes() {
	jq -s "map(select(${1:-true})) | length" "$TMP/wps.jsonl"
}

has_push() {
	local n

	n=$(pushes "$@") && ((n > 0))
}

# delivered HASH INCIDENT KIND: the message a subscription received for an
# incident's notice of KIND, decrypted, as compact JSON ("" when none).
delivered() {
	jq -sc --arg h "$1" --argjson n "$2" --arg k "$3" '[.[] |
	    select(.hash == $h and .status == 201) | .message | fromjson? |
	    select(.incident == $n and .kind == $k)] | last // empty' \
	    "$TMP/wps.jsonl"
}

has_delivered() {
	[ -n "$(delivered "$@")" ]
}

# request HASH INCIDENT KIND: the log line of that push (headers, VAPID).
request() {
	jq -sc --arg h "$1" --argjson n "$2" --arg k "$3" '[.[] |
	    select(.hash == $h and .status == 201) |
	    select(.message | fromjson? | .incident == $n and .kind == $k)] |
	    last // empty' "$TMP/wps.jsonl"
}

# events N KIND [JQ]: how many KIND events incident N's timeline has.
events() {
	timeline_json "$1" | jq --arg k "$2" \
	    "[.events[] | select(.kind == \$k) | select(${3:-true})] | length"
}

has_events() {
	local n

	n=$(events "$@") && ((n > 0))
}

# subscribe NAME: a subscription at the push service for beacond's key;
# $TMP/NAME.sub holds {"hash", "subscription"}.
subscribe() {
	wps subscribe --key "$KEY" >"$TMP/$1.sub" ||
		fail "the push service refused a subscription for $KEY"
	jq -e '.subscription.endpoint | startswith("http://127.0.0.1:")' \
	    "$TMP/$1.sub" >/dev/null || fail "subscription $1: no endpoint"
}

# register DEVICE NAME: crisis-1's DEVICE registers subscription NAME.
register() {
	pub "$PREFIX/push/crisis-1" "$(jq -c --arg d "$1" \
	    '{device: $d, subscription: .subscription}' "$TMP/$2.sub")"
}

# reply JQ: an answer on crisis-1's push reply topic for which JQ is true.
reply() {
	has replies "$PREFIX/reply/crisis-1/push" "$1"
}

# report NAME TYPE ID N: a report at Central; incident N notifies crisis-1.
report() {
	cli "$1" report --broker "127.0.0.1:$PORT" --branch central \
	    --type "$2" --id "$3" --location "children's area"
	expect_rc 0 "$1"
	wait_for 5 has notify "$PREFIX/notify/crisis-1" \
	    ".incident == $4 and .kind == \"incident\""
}

write_conf
HTTP_PORT=$(free_port)
mkdir -p "$TMP/web"
cat >>"$CONF" <<EOF
http = { listen = "127.0.0.1:$HTTP_PORT"; root = "$TMP/web"; };
webpush = { subject = "mailto:it@library.example.org"; ttl = 600;
            timeout = 2; retries = 1; };
EOF
start_wps
start_broker
start_beacond
sub_notify
sub_status
sub replies "$PREFIX/reply/crisis-1/_probe" "$PREFIX/reply/crisis-1/#"

# ---- the public key, a subscription registered, one refused -----------------

lib=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 5 \
    -t "$PREFIX/config/_library") || fail "no retained config/_library"
KEY=$(jq -r '.webpush.public_key // empty' <<<"$lib")
[ -n "$KEY" ] || fail "config/_library has no webpush.public_key: $lib"
python3 -c 'import base64, sys
k = base64.urlsafe_b64decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 4))
sys.exit(0 if len(k) == 65 and k[0] == 4 else 1)' "$KEY" ||
	fail "webpush.public_key is not a P-256 point in base64url: $KEY"

subscribe a
HASH_A=$(jq -r .hash "$TMP/a.sub")
register phone-a a
wait_for 5 reply '.ok == true and .device == "phone-a" and
    .subscriptions == 1'
# The same browser under another device name is one subscription, not two:
# the last name it registered under keeps it.
register phone-renamed a
wait_for 5 reply '.ok == true and .device == "phone-renamed" and
    .subscriptions == 1'
register phone-a a
two_replies() {
	(($(count replies "$PREFIX/reply/crisis-1/push" '.ok == true and
	    .device == "phone-a" and .subscriptions == 1') >= 2))
}
wait_for 5 two_replies

# Refused, each with the field at fault named, and not kept (phone-b's
# registration below counts one subscription).
pub "$PREFIX/push/crisis-1" "$(jq -c '{device: "phone-x", subscription:
    (.subscription | .keys.p256dh = "AAAA")}' "$TMP/a.sub")"
wait_for 5 reply '.ok == false and .device == "phone-x" and
    (.error | test("^subscription\\.keys\\.p256dh: "))'
pub "$PREFIX/push/crisis-1" "$(jq -c '{device: "phone-y", subscription:
    (.subscription | del(.endpoint))}' "$TMP/a.sub")"
wait_for 5 reply '.ok == false and .device == "phone-y" and
    (.error | test("endpoint"))'
pub "$PREFIX/push/crisis-1" "$(jq -c '{device: "Phone Z!",
    subscription: .subscription}' "$TMP/a.sub")"
wait_for 5 reply '.ok == false and (.error | test("device"))'

# ---- a report's push --------------------------------------------------------

since=$(date +%s)
report report-1 child_safety cs-1 1
wait_for 10 has_push ".hash == \"$HASH_A\" and .status == 201"
msg=$(delivered "$HASH_A" 1 incident)
[ -n "$msg" ] || fail "no push for incident 1 decrypted to its notice: \
$(cat "$TMP/wps.jsonl")"
jq -e --arg base "http://127.0.0.1:$HTTP_PORT/a/" '.v == 1 and
    .kind == "incident" and .incident == 1 and .tag == "incident-1" and
    .title == "Child safety at Central Library" and
    (.body | contains("Where: children'"'"'s area")) and
    (.body | contains("Incident 1, severity 2.")) and
    .severity == 2 and .drill == false and .silent == false and
    (.url | . == "/responder.html#incident=1" or
     . == $base[:-3] + "/responder.html#incident=1") and
    ([.actions[] | .action] == ["ack", "decline"]) and
    ([.actions[] | .title] == ["Acknowledge", "Decline"]) and
    all(.actions[]; .url | startswith($base))' <<<"$msg" >/dev/null ||
	fail "incident 1's push: $msg"
(($(printf '%s' "$msg" | wc -c) < 3072)) ||
	fail "incident 1's push is 3 KB or more"
# The stand-in's own record of what it delivered says the same.
wps messages --hash "$HASH_A" >"$TMP/a.messages"
jq -e --argjson m "$msg" 'length == 1 and .[0] == $m' "$TMP/a.messages" \
    >/dev/null || fail "the service's messages: $(cat "$TMP/a.messages")"
# What a push service reads: TTL, urgency, topic, encoding, VAPID.
req=$(request "$HASH_A" 1 incident)
jq -e --arg key "$KEY" --arg aud "http://127.0.0.1:$WPS_PORT" \
    --argjson now "$since" '.headers.ttl == "600" and
    .headers.urgency == "high" and .headers.topic == "incident-1" and
    .headers["x-content-encoding"] == "aes128gcm" and
    (.headers.authorization | startswith("vapid t=")) and
    (.headers.authorization | endswith("k=" + $key)) and
    .vapid.aud == $aud and .vapid.sub == "mailto:it@library.example.org" and
    .vapid.exp > $now and .vapid.exp <= $now + 86400 + 60' <<<"$req" \
    >/dev/null || fail "incident 1's push request: $req"
wait_for 5 has_events 1 pushed '.actor == "crisis-1"'
expect_eq "$(events 1 push_failed)" 0 "push failures of incident 1"

# ---- its ack link -----------------------------------------------------------

url=$(jq -r '.actions[] | select(.action == "ack") | .url' <<<"$msg")
curl -sS -X POST -H 'Accept: application/json' -o "$TMP/ack.json" \
    -w '%{http_code}' "$url" >"$TMP/ack.code" ||
	fail "POST of the ack link failed"
expect_eq "$(cat "$TMP/ack.code")" 200 "the ack link's status"
jq -e '.ok == true and .incident == 1 and .action == "ack" and
    .responder == "crisis-1" and .repeat == false' "$TMP/ack.json" \
    >/dev/null || fail "the ack link answered $(cat "$TMP/ack.json")"
wait_for 5 has status "$PREFIX/status/central/cs-1" \
    '.state == "acknowledged" and .by == "crisis-1" and
     (.message | contains("crisis-1"))'

# ---- a stand-down is pushed too, with nothing to answer ---------------------

# An overdose notifies crisis-1, security-1 and dispatch; security-1 takes
# it, and crisis-1 is told to stand down.
report report-2 overdose od-1 2
wait_for 10 has_delivered "$HASH_A" 2 incident
jq -e '.headers.urgency == "high" and .headers.topic == "incident-2"' \
    <<<"$(request "$HASH_A" 2 incident)" >/dev/null ||
	fail "incident 2's push request: $(request "$HASH_A" 2 incident)"
cli ack-2 ack 2 --as security-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack-2
wait_for 5 has notify "$PREFIX/notify/crisis-1" \
    '.incident == 2 and .kind == "stand_down"'
wait_for 10 has_delivered "$HASH_A" 2 stand_down
msg=$(delivered "$HASH_A" 2 stand_down)
jq -e '.v == 1 and .tag == "incident-2" and .actions == [] and
    (.title | startswith("Stand down: Suspected overdose")) and
    (.body | contains("taken by security-1"))' <<<"$msg" >/dev/null ||
	fail "incident 2's stand-down push: $msg"
expect_eq "$(jq -r .headers.topic <<<"$(request "$HASH_A" 2 stand_down)")" \
    incident-2 "the stand-down's topic (it replaces the alert)"

# ---- 410 Gone: the subscription is dropped ----------------------------------

wps expire --hash "$HASH_A"
report report-3 child_safety cs-2 3
wait_for 10 has_events 3 push_failed '.actor == "crisis-1" and
    (.detail | test("gone|410"))'
expect_eq "$(events 3 pushed)" 0 "pushes of incident 3"
# Answered 410 once, and not tried again (retries = 1).
expect_eq "$(pushes ".hash == \"$HASH_A\" and .status == 410")" 1 \
    "pushes to the expired subscription"
# Gone: another phone's registration counts one subscription, and the next
# report is pushed to that phone only.
subscribe b
HASH_B=$(jq -r .hash "$TMP/b.sub")
register phone-b b
wait_for 5 reply '.ok == true and .device == "phone-b" and
    .subscriptions == 1'
report report-4 child_safety cs-3 4
wait_for 10 has_delivered "$HASH_B" 4 incident
wait_for 5 has_events 4 pushed '.actor == "crisis-1"'
expect_eq "$(events 4 push_failed)" 0 "push failures of incident 4"
expect_eq "$(pushes ".hash == \"$HASH_A\"")" 4 \
    "requests to the expired subscription (3 delivered, one 410)"

# ---- the push service hangs, then is gone: MQTT does not wait ---------------

# Stopped, the service still takes connections (the kernel's backlog) and
# never answers: each attempt waits the 2 s timeout, twice.
kill -STOP "$WPS_PID"
t0=$(now_ms)
report report-5 child_safety cs-4 5
took=$(($(now_ms) - t0))
say "notification in ${took} ms"
((took < 1500)) ||
	fail "the MQTT notification took ${took} ms with the push service hung"
expect_eq "$(events 5 push_failed)" 0 "push failures before the timeouts"
wait_for 10 has_events 5 push_failed '.actor == "crisis-1" and
    (.detail | test("no answer within 2 s"))'
expect_eq "$(events 5 pushed)" 0 "pushes of incident 5"
kill -CONT "$WPS_PID"
kill -TERM "$WPS_PID"
wait_gone "$WPS_PID" 5 || fail "the push service does not stop"

t0=$(now_ms)
report report-6 child_safety cs-5 6
took=$(($(now_ms) - t0))
say "notification in ${took} ms"
((took < 1500)) ||
	fail "the MQTT notification took ${took} ms with the push service down"
wait_for 10 has_events 6 push_failed '.actor == "crisis-1" and
    (.detail | test("cannot connect"))'
expect_eq "$(events 6 pushed)" 0 "pushes of incident 6"
# Routing and answers go on as before.
cli ack-6 ack 6 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack-6
wait_for 5 has status "$PREFIX/status/central/cs-5" \
    '.state == "acknowledged" and .by == "crisis-1"'
stop_beacond
