#!/usr/bin/env bash
# The responder app enrolled with `beacon enroll` (docs/security.md,
# "Phones: an account each"), in headless Chromium: the link, opened on
# the page served by beacond's listener, claims the phone's own account
# and signs in with it to a broker that asks every client for a password
# and applies the ACL (WebSockets included); crisis-1's alert reaches the
# phone; the link opened again is refused (clients/web/tests/enroll.mjs).
. "$(dirname "$0")/lib.sh"

need mosquitto_passwd
unset BEACON_USERNAME BEACON_PASSWORD

# password_file and acl_file are global here, so start_broker_ws's
# websockets listener asks for them too.
broker_conf() {
	acl_broker_conf
}

acl_beacond
need_web
HTTP_PORT=$(free_port)
printf 'http = { listen = "127.0.0.1:%s"; root = "%s"; };\n' \
    "$HTTP_PORT" "$WEB" >>"$CONF"
acl_accounts central supervisor-1

start_broker_ws "$WEB"
start_beacond
web_config central

BEACON_PASSWORD=pw-supervisor-1 cli enroll enroll crisis-1 --device phone-a \
    --as supervisor-1 --broker "127.0.0.1:$PORT" --config "$CONF" \
    --passwd "$TMP/passwd" --acl "$TMP/acl"
expect_rc 0 enroll
LINK=$(grep -o "http://127.0.0.1:$HTTP_PORT/responder.html#enroll=[A-Za-z0-9_-]*" \
    "$TMP/enroll.out" | head -n 1)
[ -n "$LINK" ] || fail "beacon enroll printed no link"
kill -HUP "$MOSQ_PID"
wait_for 5 grep -q 'Reloading config' "$TMP/mosquitto.log"

BEACON_USERNAME=central BEACON_PASSWORD=pw-central \
    BEACON_ENROLL_LINK=$LINK web_test enroll.mjs
grep -q "u'crisis-1@phone-a'" "$TMP/mosquitto.log" ||
	fail "the app did not sign in as crisis-1@phone-a"
stop_beacond
