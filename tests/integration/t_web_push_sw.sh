#!/usr/bin/env bash
# Web Push into the responder app's service worker, with real parts: the
# pages served by beacond's own listener, headless Chromium, and the push
# service stand-in web-push-testing (npm), which checks VAPID and decrypts.
# The app signs in without a push service, and says so; given a
# subscription at the stand-in, it registers it with beacond and says
# alerts reach the locked phone; beacond's push for a report, delivered to
# the service worker through the DevTools protocol, shows the incident with
# Acknowledge and Decline; Acknowledge POSTs the action link, and beacond
# records the acknowledgment as crisis-1's, via push. The pictures of the
# app after sign-in are left in build/responder-push-signed-in.png (no push
# service) and build/responder-push-pushed.png.
. "$(dirname "$0")/lib.sh"

write_conf
need_web
STANDIN=$BEACON_SRC/clients/web/node_modules/web-push-testing/src/bin/server.js
[ -f "$STANDIN" ] || fail "web-push-testing is not installed (the build runs npm ci)"
start_broker_ws "$WEB"
HTTP_PORT=$(free_port)
printf 'http = { listen = "127.0.0.1:%s"; root = "%s"; };\n' \
    "$HTTP_PORT" "$WEB" >>"$CONF"

# The stand-in in the foreground, so that the test stops it by its pid
# (its own "stop" command keeps pids in a file in the working directory).
PUSH_PORT=$(free_port)
node "$STANDIN" "$PUSH_PORT" >"$TMP/push-service.log" 2>&1 &
PIDS+=("$!")
wait_for 10 grep -q "^Server running on port $PUSH_PORT\$" "$TMP/push-service.log"

start_beacond
web_config central
BEACON_HTTP_URL=http://127.0.0.1:$HTTP_PORT \
    BEACON_PUSH_URL=http://localhost:$PUSH_PORT \
    web_test push_sw.mjs "$TMP/responder-push"
say "the notification was $(grep -o 'shown after [0-9]* deliveries' \
    "$TMP/push_sw.out")"
grep -F 'without titles, in French' "$TMP/push_sw.out" ||
	fail "the worker's own French was not checked"
for p in signed-in pushed; do
	cp "$TMP/responder-push-$p.png" "$BEACON_BUILD/responder-push-$p.png"
done

# What beacond recorded: crisis-1's acknowledgment, taken from the push.
timeline_json 1 >"$TMP/t1.json"
jq -e '[.events[] | select(.kind == "ack")] | length == 1 and
    .[0].actor == "crisis-1"' "$TMP/t1.json" >/dev/null ||
	fail "incident 1's acknowledgment: $(timeline_kinds 1)"
jq -e '.events[] | select(.kind == "ack") | .detail | test("^via push")' \
    "$TMP/t1.json" >/dev/null ||
	fail "the acknowledgment is not marked via push: $(jq -c \
	    '.events[] | select(.kind == "ack")' "$TMP/t1.json")"
stop_beacond
