#!/usr/bin/env bash
# The push notifier: every notification is also POSTed to a push service
# (here a small one the test starts) in ntfy's JSON format. A failed POST
# is tried again and the outcome is on the timeline; a push service that
# is down costs retries, never routing; a reload brings new settings; over
# https the service's certificate must be trusted and name its host.
. "$(dirname "$0")/lib.sh"

need python3
need openssl

# push_conf URL TIMEOUT RETRIES: the test configuration with a push group.
push_conf() {
	write_conf
	cat >>"$CONF" <<EOF
push: { url = "$1"; token = "t0k"; timeout = $2; retries = $3; };
EOF
}

# requests NAME [JQ]: how many requests NAME received (for which JQ is true).
requests() {
	jq -s "map(select(${2:-true})) | length" "$TMP/$1.jsonl"
}

# events N KIND [JQ]: how many KIND events incident N's timeline has.
events() {
	timeline_json "$1" | jq --arg k "$2" \
	    "[.events[] | select(.kind == \$k) | select(${3:-true})] | length"
}

has_events() {
	local n

	n=$(events "$@") && ((n >= ${WANT:-1}))
}

# cert NAME ISSUER SAN: an EC key and certificate in $TMP/NAME.{key,pem},
# signed by ISSUER ("self": by itself).
cert() {
	local k=$TMP/$1.key c=$TMP/$1.pem

	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$k" -out "$TMP/$1.csr" -subj "/CN=$1" 2>/dev/null
	printf 'subjectAltName=%s\nbasicConstraints=CA:%s\n' "$3" \
	    "$([ "$1" = ca ] && echo TRUE || echo FALSE)" >"$TMP/$1.ext"
	if [ "$2" = self ]; then
		openssl x509 -req -in "$TMP/$1.csr" -signkey "$k" -days 2 \
		    -extfile "$TMP/$1.ext" -out "$c" 2>/dev/null
	else
		openssl x509 -req -in "$TMP/$1.csr" -CA "$TMP/$2.pem" \
		    -CAkey "$TMP/$2.key" -CAcreateserial -days 2 \
		    -extfile "$TMP/$1.ext" -out "$c" 2>/dev/null
	fi
}

# reload_push URL: a reload to URL, no retries; returns once it applies.
reload_push() {
	local host=${1#*://}

	push_conf "$1" 2 0
	kill -HUP "$BEACOND_PID"
	wait_for 5 grep -q "event=push_config host=${host%%/*} " \
	    "$TMP/beacond.log"
}

# report_push N ID: a child-safety report (crisis-1 only), incident N.
report_push() {
	cli "report-$2" report --broker "127.0.0.1:$PORT" --branch central \
	    --type child_safety --id "$2"
	expect_rc 0 "report-$2"
	wait_for 5 has notify "$PREFIX/notify/crisis-1" ".incident == $1"
}

# beacond trusts the test's CA as it would a site's own (OpenSSL reads
# SSL_CERT_FILE in place of the system's CA bundle).
cert ca self "DNS:ca.invalid"
cert good ca "IP:127.0.0.1"
cert self self "IP:127.0.0.1"
cert elsewhere ca "DNS:elsewhere.invalid"
export SSL_CERT_FILE=$TMP/ca.pem

# ---- a push, and a push tried again after a 500 -----------------------------

start_pushd pushd --fail 1
# The query holds a secret, as some push services take theirs.
push_conf "http://127.0.0.1:$PUSHD_PORT/beacon?auth=q5ecret" 2 2
start_broker
start_beacond
sub_notify
sub_status

cli report report --broker "127.0.0.1:$PORT" --branch central \
    --type overdose --location "2nd floor washroom" --id od-1
expect_rc 0 report

# Three responders, three pushes; the first POST failed and was repeated.
WANT=3 wait_for 10 has_events 1 pushed
tl=$(timeline_json 1)
expect_eq "$(jq '[.events[] | select(.kind == "pushed" and (.detail |
    test("^POST to 127\\.0\\.0\\.1:[0-9]+: 200 OK after 2 attempts$")))]
    | length' <<<"$tl")" 1 "pushes that needed a second attempt"
expect_eq "$(jq '[.events[] | select(.kind == "pushed" and
    (.detail | endswith("after 1 attempt")))] | length' <<<"$tl")" 2 \
    "pushes that went through at once"
expect_eq "$(jq -r '[.events[] | select(.kind == "pushed") | .actor] | sort |
    join(" ")' <<<"$tl")" "crisis-1 dispatch security-1" "who was pushed to"
expect_eq "$(requests pushd)" 4 "requests received"
expect_eq "$(requests pushd '.status == 500')" 1 "requests answered 500"

# What the crisis worker's phone got.
expect_eq "$(requests pushd '.status == 200 and
    .path == "/beacon?auth=q5ecret" and
    .headers.authorization == "Bearer t0k" and
    .headers["content-type"] == "application/json" and
    .json.topic == "crisis-1" and .json.priority == 5 and
    (.json.title | contains("Suspected overdose")) and
    .json.title == "Suspected overdose at Central Library" and
    .json.tags == ["rotating_light"] and
    (.json.message | contains("CALL 911")) and
    (.json.message | contains("Where: 2nd floor washroom"))')" 1 \
    "the crisis worker's push"
# Pushed, and still on MQTT as before.
has notify "$PREFIX/notify/crisis-1" '.incident == 1' ||
	fail "crisis-1 was not notified over MQTT"
grep -q 'event=pushed incident=1 responder=crisis-1 status=200' \
    "$TMP/beacond.log" || fail "beacond did not log the push"

# no_secret WHAT: neither the token nor the URL's secret is in the log or
# anywhere in the database (the timelines' push outcomes).
no_secret() {
	if grep -aE 't0k|q5ecret|s3cret' "$TMP/beacond.log" "$DB"*; then
		fail "a push secret is in the log or the database ($1)"
	fi
}
no_secret "pushes"
# A reload refused for a bad URL says why, without the URL.
push_conf "https://127.0.0.1:$PUSHD_PORT/beacon?auth=s3cret now" 2 2
kill -HUP "$BEACOND_PID"
wait_for 5 grep -q 'push: url must not contain spaces' "$TMP/beacond.log"
no_secret "a refused reload"

# ---- the push service is down ----------------------------------------------

kill -TERM "$PUSHD_PID"
wait_gone "$PUSHD_PID" 5 || fail "the push service does not stop"
cli report-2 report --broker "127.0.0.1:$PORT" --branch central \
    --type child_safety --id cs-1
expect_rc 0 report-2
# Routing goes on while the push is tried again and again.
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.incident == 2'
cli ack ack 2 --as crisis-1 --broker "127.0.0.1:$PORT"
expect_rc 0 ack
wait_for 5 has status "$PREFIX/status/central/cs-1" \
    '.state == "acknowledged"'
expect_eq "$(events 2 push_failed)" 0 "push failures before the retries"
# Three attempts (retries = 2), 1 s and 2 s apart.
wait_for 10 has_events 2 push_failed '.actor == "crisis-1" and .step == 0 and
    (.detail | test("failed after 3 attempts: cannot connect$"))'
expect_eq "$(events 2 pushed)" 0 "pushes of incident 2"

# ---- a reload: no retries, 1 s to answer, a push service that is slow -------

start_pushd slow --delay 4
push_conf "http://127.0.0.1:$PUSHD_PORT/" 1 0
kill -HUP "$BEACOND_PID"
wait_for 5 grep -q "event=push_config host=127.0.0.1:$PUSHD_PORT " \
    "$TMP/beacond.log"
cli report-3 report --broker "127.0.0.1:$PORT" --branch central \
    --type child_safety --id cs-2
expect_rc 0 report-3
wait_for 5 has_events 3 push_failed \
    '.detail | endswith("failed after 1 attempt: no answer within 1 s")'
expect_eq "$(requests slow '.json.topic == "crisis-1" and .path == "/" and
    .json.priority == 4')" 1 "requests to the new push service"

# ---- https ------------------------------------------------------------------

start_pushd good --cert "$TMP/good.pem" --key "$TMP/good.key"
reload_push "https://127.0.0.1:$PUSHD_PORT/"
report_push 4 cs-3
wait_for 5 has_events 4 pushed \
    '.detail | endswith("200 OK after 1 attempt")'
expect_eq "$(requests good '.json.topic == "crisis-1" and
    .headers.authorization == "Bearer t0k"')" 1 "requests over https"

# Not signed by a trusted CA: no request is made.
start_pushd self --cert "$TMP/self.pem" --key "$TMP/self.key"
reload_push "https://127.0.0.1:$PUSHD_PORT/"
report_push 5 cs-4
wait_for 5 has_events 5 push_failed \
    '.detail | test("TLS: certificate not trusted: self.signed")'
expect_eq "$(requests self)" 0 "requests to an untrusted service"

# Trusted, but issued to another host.
start_pushd elsewhere --cert "$TMP/elsewhere.pem" \
    --key "$TMP/elsewhere.key"
reload_push "https://127.0.0.1:$PUSHD_PORT/"
report_push 6 cs-5
wait_for 5 has_events 6 push_failed \
    '.detail | test("TLS: certificate not trusted: IP address mis")'
expect_eq "$(requests elsewhere)" 0 "requests to the wrong host"
stop_beacond
no_secret "the end"
